package mock

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// memFootprint enables TestMemoryFootprint, which takes a minute and a few
// GB; CI does not run it.
var memFootprint = flag.Bool("memfootprint", false, "run TestMemoryFootprint (1,000,000 payments; about a minute)")

// TestMemoryFootprint measures what the store costs: heap bytes per stored
// payment (three items, a 36-character conversationId each, all distinct)
// and the process's RSS after 1,000,000 payments, unbounded and with a
// capacity of 250,000. It reports figures; it asserts only the documented
// goal (under 400 heap bytes per payment) and that the capacity holds.
//
//	go test ./mock/ -run TestMemoryFootprint -v -memfootprint
func TestMemoryFootprint(t *testing.T) {
	if !*memFootprint {
		t.Skip("a measurement, not a test: go test ./mock/ -run TestMemoryFootprint -v -memfootprint")
	}
	const n = 1_000_000
	for _, tc := range []struct {
		name     string
		capacity int
	}{
		{"capacity 250000", 250_000},
		{"unbounded", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			debug.FreeOSMemory()
			m := newTestMock(t, func(c *Config) { c.StoreCapacity = tc.capacity })
			base := heapInUse()
			rssBase := vmRSS(t)
			start := time.Now()
			fillPayments(t, m, n)
			elapsed := time.Since(start)
			runtime.GC()
			heap := heapInUse() - base
			st := m.Stats()
			perStored := float64(heap) / float64(st.Payments)
			rss := vmRSS(t)
			t.Logf("%s: %d payments made in %v (%.0f/s); %d held, %d evicted", tc.name, n, elapsed.Round(time.Millisecond),
				float64(n)/elapsed.Seconds(), st.Payments, st.EvictedPayments)
			t.Logf("%s: heap %.1f MiB = %.0f bytes per held payment (strings %.1f MiB); RSS %.1f MiB (+%.1f MiB)", tc.name,
				mib(heap), perStored, mib(uint64(st.TextBytes)), mib(rss), mib(rss-rssBase))
			if perStored >= 400 {
				t.Errorf("%.0f bytes per payment, the goal is under 400", perStored)
			}
			if tc.capacity > 0 && st.Payments > int64(tc.capacity)+2*slabSize {
				t.Errorf("%d payments held beyond the capacity %d", st.Payments, tc.capacity)
			}
			runtime.KeepAlive(m)
		})
	}
}

// fillPayments makes n successful payments through the handler, each with
// its own conversationId.
func fillPayments(t *testing.T, m *Mock, n int) {
	req := paymentRequest(successCard)
	req.ConversationID = "00000000-0000-4000-8000-000000000000"
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(body, []byte(req.ConversationID)) + len(req.ConversationID) - 12
	w := &sinkWriter{h: http.Header{}}
	rb := &replayBody{}
	for i := range n {
		copy(body[at:], fmt.Sprintf("%012d", i))
		r := signedRequest(http.MethodPost, testBase+craftgate.PathCardPayments, body)
		rb.Reset(body)
		r.Body = rb
		w.reset()
		m.ServeHTTP(w, r)
		if w.status != http.StatusOK {
			t.Fatalf("payment %d: %d", i, w.status)
		}
	}
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// vmRSS reads the process's resident set size from /proc/self/status.
func vmRSS(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmRSS")
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
