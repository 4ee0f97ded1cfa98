package load

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/steps"
)

// mockChildEnv makes the test binary a mock server (see TestMain), so a
// benchmark can measure the client's CPU apart from the mock's.
const mockChildEnv = "GATECHECK_LOAD_BENCH_MOCK"

func TestMain(m *testing.M) {
	if os.Getenv(mockChildEnv) == "1" {
		serveMockChild()
		return
	}
	os.Exit(m.Run())
}

// serveMockChild serves a mock on a loopback port, prints its URL, and
// exits when its standard input closes.
func serveMockChild() {
	mk, err := mock.New(mock.Config{APIKey: "k", SecretKey: "s", Seed: 1})
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: mk, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("URL http://" + ln.Addr().String())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

// mockChild is a mock in a child process.
type mockChild struct {
	cmd  *exec.Cmd
	url  string
	stop func()
}

func startMockChild(b *testing.B) *mockChild {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mockChildEnv+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "URL ") {
		b.Fatalf("mock child: %q %v", line, err)
	}
	c := &mockChild{cmd: cmd, url: strings.TrimSpace(strings.TrimPrefix(line, "URL "))}
	c.stop = func() { in.Close(); _ = cmd.Wait() }
	b.Cleanup(c.stop)
	return c
}

// cpu returns the child's user+system CPU so far, from /proc.
func (c *mockChild) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	// Fields after the command: state is 0, utime 11, stime 12 (clock ticks).
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}

// selfCPU is this process's user+system CPU so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkEngineVsHandWritten runs the engine (a shared-iterations
// scenario of 4 VUs over the Gherkin scenario "A successful credit card
// pays a basket of two items") and a hand-written Go client (4 goroutines
// making the same card payment with the craftgate client) against one mock
// in a child process, and reports the client's CPU per HTTP request for
// both, their ratio, and the mock's CPU per request on each's traffic.
func BenchmarkEngineVsHandWritten(b *testing.B) {
	mc := startMockChild(b)
	sc := basketScenario(b)
	plan := &Plan{Scenarios: []*Scenario{sc}}
	const vus = 4
	n := max(b.N, 200)
	card := craftgate.TestCards().Find(func(c *craftgate.TestCard) bool { return c.CardType == "CREDIT_CARD" })
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * vus
	client, err := craftgate.New(craftgate.WithBaseURL(mc.url), craftgate.WithAPIKey("k"), craftgate.WithSecretKey("s"), craftgate.WithDoer(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	handWritten := func() (reqs int) {
		var left atomic.Int64
		left.Store(int64(n))
		var wg sync.WaitGroup
		for range vus {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for left.Add(-1) >= 0 {
					p, err := client.CreatePayment(ctx, sameRequest(card.Number))
					if err != nil || p.PaymentStatus != craftgate.StatusSuccess || len(p.PaymentTransactions) != 2 {
						panic(fmt.Sprint("hand-written flow failed: ", err))
					}
				}
			}()
		}
		wg.Wait()
		return n
	}
	engine := func() (reqs int) {
		res, err := Run(ctx, Options{Target: steps.Target{BaseURL: mc.url, APIKey: "k", SecretKey: "s"}, Plan: plan,
			Scenarios: map[string]*ScenarioConfig{"bench": {Executor: SharedIterations, VUs: vus, Iterations: n}}})
		if err != nil || res.Failures > 0 {
			b.Fatal("engine run failed: ", err, res.FailureSamples)
		}
		a, _ := res.Metrics.Aggregate("http_reqs", map[string]string{"traffic": TrafficProvider})
		return int(a.Sum)
	}
	measure := func(f func() int) (client, mock time.Duration, wall time.Duration, reqs int) {
		c0, m0, t0 := selfCPU(), mc.cpu(), time.Now()
		reqs = f()
		return selfCPU() - c0, mc.cpu() - m0, time.Since(t0), reqs
	}
	handWritten() // warm both sides' connections and caches
	b.ResetTimer()
	hc, hm, hw, hr := measure(handWritten)
	ec, em, ew, er := measure(engine)
	b.StopTimer()
	us := func(d time.Duration, reqs int) float64 { return float64(d.Microseconds()) / float64(reqs) }
	b.ReportMetric(us(hc, hr), "handwritten-client-µs/req")
	b.ReportMetric(us(ec, er), "engine-client-µs/req")
	b.ReportMetric(us(ec, er)/us(hc, hr), "client-cpu-ratio")
	b.ReportMetric(us(hm, hr), "mock-µs/req-handwritten")
	b.ReportMetric(us(em, er), "mock-µs/req-engine")
	b.ReportMetric(float64(hr)/hw.Seconds(), "handwritten-req/s")
	b.ReportMetric(float64(er)/ew.Seconds(), "engine-req/s")
}
