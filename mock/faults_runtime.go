package mock

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Fault injection at run time: deterministic draws, the decision per
// call, and what each fault does to the answer.

// draw returns the k-th 64-bit number of draw n of stream key.
func draw(key, n, k uint64) uint64 {
	return splitmix64(key ^ splitmix64(n<<2|k))
}

// unit maps a draw to [0, 1).
func unit(x uint64) float64 { return float64(x>>11) / (1 << 53) }

// sample draws the n-th delay.
func (d *latencyDist) sample(key, n uint64) time.Duration {
	switch d.dist {
	case LatencyFixed:
		return d.a
	case LatencyUniform:
		if d.b == d.a {
			return d.a
		}
		return d.a + time.Duration(draw(key, n, 1)%uint64(d.b-d.a+1))
	}
	// Box-Muller: u1 in (0, 1], u2 in [0, 1).
	u1 := 1 - unit(draw(key, n, 1))
	u2 := unit(draw(key, n, 2))
	z := math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
	v := math.Exp(d.mu + d.sigma*z)
	if v >= float64(d.b) || math.IsNaN(v) {
		return d.b
	}
	return time.Duration(v)
}

// fire decides whether r fires on this call.
func (r *faultRule) fire() bool {
	n := r.calls.Add(1)
	if !r.always && draw(r.key, n, 0) >= r.threshold {
		return false
	}
	if r.limited {
		for {
			left := r.remaining.Load()
			if left <= 0 {
				return false
			}
			if r.remaining.CompareAndSwap(left, left-1) {
				break
			}
		}
	}
	r.fired.Add(1)
	return true
}

// decide draws the latency and the fault (nil for none) of one call of o.
func (fs *faultSet) decide(o op) (time.Duration, *faultRule) {
	var lat time.Duration
	if r := fs.latency[o]; r != nil {
		lat = r.lat.sample(r.key^0x1a7e, r.latCalls.Add(1))
	}
	for _, r := range fs.byOp[o] {
		if r.fire() {
			return lat, r
		}
	}
	return lat, nil
}

// outageFor returns the outage that covers card now, or nil.
func (fs *faultSet) outageFor(card *craftgate.TestCard, now time.Time) *outage {
	for _, o := range fs.outages {
		if now.Before(o.from) || !now.Before(o.until) {
			continue
		}
		if o.bank != "" && card.Bank != "" && strings.Contains(foldBank(card.Bank), o.bank) {
			return o
		}
		for _, b := range o.bins {
			if strings.HasPrefix(card.Number, b) {
				return o
			}
		}
	}
	return nil
}

// bankOutage returns the outage covering card at now, or nil.
func (m *Mock) bankOutage(card *craftgate.TestCard, now time.Time) *outage {
	fs := m.faults.Load()
	if fs == nil || len(fs.outages) == 0 {
		return nil
	}
	return fs.outageFor(card, now)
}

// outageError is the answer to a payment during an outage of group index
// (outage.index).
func outageError(index uint8) *apiError {
	names := craftgate.TestCards().GroupNames()
	if index == 0 || int(index) > len(names) {
		index = uint8(slices.Index(names, DefaultOutageGroup) + 1)
	}
	name := names[index-1]
	g, _ := craftgate.TestCards().Group(name)
	return errPayment(g.Code, name, g.Label+" (the issuing bank is unavailable: mock bank outage)")
}

// inject runs one call under the fault configuration.
func (m *Mock) inject(c *call, rt *route, fs *faultSet) {
	lat, f := fs.decide(rt.op)
	ctx := c.r.Context()
	if lat > 0 && !m.pause(ctx, lat) {
		c.wrote, c.status = true, 0 // the client gave up: not processed
		return
	}
	if f == nil {
		m.run(c, rt)
		return
	}
	after := f.spec.After || f.kind == kindSlowBody
	if after {
		buf := m.buffered(c, rt)
		if f.kind == kindSlowBody {
			m.trickle(c, buf, f)
			return
		}
		c.wrote = false
	}
	what := "the request was not processed"
	if after {
		what = "the request was processed, its answer lost"
	}
	switch f.kind {
	case kindError:
		if f.retry != "" {
			c.w.Header()["Retry-After"] = []string{f.retry}
		}
		c.fail(&apiError{status: f.status, code: CodeInjectedError,
			desc: fmt.Sprintf("injected fault: HTTP %d from fault rule %d on %s; %s", f.status, f.index, rt.name, what)})
	case kindRateLimit:
		g, _ := craftgate.TestCards().Group(tooManyRequests)
		c.w.Header()["Retry-After"] = []string{f.retry}
		e := errPayment(g.Code, tooManyRequests, "too many requests (injected rate limit, fault rule "+strconv.Itoa(f.index)+"); retry after "+f.retry+" s")
		e.status = http.StatusTooManyRequests
		c.fail(e)
	case kindTimeout:
		if !m.pause(ctx, f.hold) {
			c.wrote, c.status = true, 0 // the client gave up, as intended
			return
		}
		c.fail(&apiError{status: http.StatusGatewayTimeout, code: CodeInjectedTimeout,
			desc: fmt.Sprintf("injected timeout: held for %s by fault rule %d on %s; %s", f.hold, f.index, rt.name, what)})
	case kindReset:
		c.reset()
	}
}

// buffered runs the handler with its answer kept in a buffer.
func (m *Mock) buffered(c *call, rt *route) *bufferedWriter {
	real := c.w
	buf := &bufferedWriter{h: http.Header{}}
	c.w = buf
	defer func() { c.w = real }()
	m.run(c, rt)
	return buf
}

// pause waits d. It reports false when the client went away first; the
// mock draining cuts the wait short (true).
func (m *Mock) pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-m.drain:
		return true
	case <-ctx.Done():
		return false
	}
}

// reset closes the connection without an answer: hijacked and closed with
// SO_LINGER 0 (a TCP RST) over HTTP/1, an aborted stream otherwise.
func (c *call) reset() {
	c.wrote, c.status = true, 0
	conn, _, err := http.NewResponseController(c.w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// trickle writes a buffered answer chunk by chunk.
func (m *Mock) trickle(c *call, buf *bufferedWriter, f *faultRule) {
	h := c.w.Header()
	for k, v := range buf.h {
		h[k] = v
	}
	delete(h, "Content-Length")
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	c.wrote, c.status = true, status
	c.w.WriteHeader(status)
	rc := http.NewResponseController(c.w)
	ctx := c.r.Context()
	deadline := time.Now().Add(MaxHold)
	b := buf.body
	for len(b) > 0 {
		n := min(f.chunk, len(b))
		if _, err := c.w.Write(b[:n]); err != nil {
			return
		}
		_ = rc.Flush()
		b = b[n:]
		if len(b) > 0 && f.every > 0 && time.Now().Before(deadline) && !m.pause(ctx, f.every) {
			return
		}
	}
}

// bufferedWriter keeps an answer so that a fault can replace, lose or
// trickle it.
type bufferedWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (w *bufferedWriter) Header() http.Header { return w.h }

func (w *bufferedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body = append(w.body, p...)
	return len(p), nil
}

// Drain makes the mock finish quickly what is in flight before a
// shutdown: injected delays and holds end at once (held requests answer
// 504), slow bodies are written out, and no new delay starts. Close calls
// it; so does the server's shutdown when registered with
// http.Server.RegisterOnShutdown. It may be called more than once.
func (m *Mock) Drain() {
	m.drainOnce.Do(func() { close(m.drain) })
}
