package mock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestConcurrencyLimit checks that beyond MaxConcurrent requests in flight
// the mock answers 503 at once instead of queueing, that admin routes are
// not limited, and that it serves again once the load is gone.
func TestConcurrencyLimit(t *testing.T) {
	l := startLive(t, func(c *Config) { c.MaxConcurrent = 2 })
	setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: "POST /payment/v1/card-payments", Latency: &Latency{Dist: LatencyFixed, Value: "400ms"}}}})
	req := paymentRequest(successCard)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.client.CreatePayment(context.Background(), req)
			errs <- err
		}()
	}
	eventually(t, 5*time.Second, "two requests in flight", func() bool { return l.m.Stats().InFlight == 2 })
	// Refused at once, not queued: a queued request would be served 200
	// once the two held ones finish.
	resp, body, err := l.rawCall(t, context.Background(), http.MethodGet, "/payment/v1/card-payments/1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := envelope(t, resp.StatusCode, body, http.StatusServiceUnavailable); e.ErrorCode != CodeOverloaded || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("%+v", e)
	}
	// Admin routes are not counted.
	var st Stats
	if err := l.client.Do(context.Background(), http.MethodGet, "/_mock/v1/stats", nil, nil, &st); err != nil || st.InFlight != 2 {
		t.Fatalf("stats under load: %+v, %v", st, err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a request within the limit failed: %v", err)
		}
	}
	setFaults(t, l.m, FaultConfig{})
	if _, err := l.client.CreatePayment(context.Background(), req); err != nil {
		t.Fatalf("after the load: %v", err)
	}
	if n := l.m.Stats().InFlight; n != 0 {
		t.Fatalf("%d requests still counted in flight", n)
	}
}

// TestGracefulShutdown checks the shutdown sequence of `gatecheck mock`
// (http.Server.Shutdown with Mock.Drain registered, then Mock.Close): a
// request in flight (even one delayed or held by an injected fault) is
// answered, and a webhook delivery in flight completes.
func TestGracefulShutdown(t *testing.T) {
	rc := startReceiver(t)
	rc.hold = make(chan struct{})
	m := newTestMock(t, func(c *Config) {
		c.Settings = Settings{WebhookURL: rc.webhookURL(), WebhookKey: testWebhookKey}
	})
	if err := m.UpdateSettings(func(s *Settings) { s.TimeScale = 0 }); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(m)
	srv.Config.RegisterOnShutdown(m.Drain)
	srv.Start()
	defer srv.Close()
	client, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey(testAPIKey), craftgate.WithSecretKey(testSecretKey),
		craftgate.WithDoer(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	// A payment whose webhook delivery is held by the merchant.
	p, err := client.CreatePayment(context.Background(), paymentRequest(successCard))
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the webhook in flight", func() bool { return rc.inHook.Load() == 1 })
	// Two requests in flight: one delayed a minute, one held a minute.
	setFaults(t, m, FaultConfig{Rules: []FaultRule{
		{Operation: "POST /payment/v1/card-payments", Latency: &Latency{Dist: LatencyFixed, Value: "1m"}},
		{Operation: "GET /payment/v1/card-payments/{id}", Fault: FaultTimeout, Rate: 1, Hold: "1m"},
	}})
	type answer struct {
		p   *craftgate.Payment
		err error
	}
	delayed, held := make(chan answer, 1), make(chan answer, 1)
	go func() {
		p, err := client.CreatePayment(context.Background(), paymentRequest(successCard))
		delayed <- answer{p, err}
	}()
	go func() {
		p, err := client.RetrievePayment(context.Background(), p.ID)
		held <- answer{p, err}
	}()
	eventually(t, 5*time.Second, "two requests delayed", func() bool { return m.faultHits() == 2 })

	// The merchant answers its webhook a little later.
	go func() {
		time.Sleep(100 * time.Millisecond)
		close(rc.hold)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := errors.Join(srv.Config.Shutdown(ctx), m.Close(ctx)); err != nil {
		t.Fatalf("shutdown did not finish within 30 s: %v", err)
	}
	if a := <-delayed; a.err != nil || a.p.PaymentStatus != "SUCCESS" {
		t.Fatalf("the delayed request: %+v %v", a.p, a.err)
	}
	if a := <-held; craftgate.AsError(a.err) == nil || craftgate.AsError(a.err).HTTPStatus != http.StatusGatewayTimeout {
		t.Fatalf("the held request: %v", a.err)
	}
	hooks := m.Webhooks("", EventAPIAuth)
	if len(hooks) == 0 || hooks[0].State != WebhookDelivered {
		t.Fatalf("the webhook in flight: %+v", hooks)
	}
	noHooksGoroutines(t)
}

// faultHits counts the requests that reached a fault rule (a latency
// draw or a firing).
func (m *Mock) faultHits() int {
	fs := m.faults.Load()
	if fs == nil {
		return 0
	}
	n := 0
	for _, r := range fs.rules {
		n += int(r.latCalls.Load()) + int(r.fired.Load())
	}
	return n
}

// TestStalledBodiesHoldNoSlot: clients that send a request's headers and
// the first byte of its body and then nothing neither count against
// MaxConcurrent nor hold their connection beyond BodyReadTimeout; a valid
// request is served meanwhile.
func TestStalledBodiesHoldNoSlot(t *testing.T) {
	const stalled = 8
	l := startLive(t, func(c *Config) { c.MaxConcurrent, c.BodyReadTimeout = 4, 300*time.Millisecond })
	addr := strings.TrimPrefix(l.srv.URL, "http://")
	answers := make(chan string, stalled)
	for range stalled {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /payment/v1/card-payments HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", addr)
		go func() {
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			line, _ := bufio.NewReader(conn).ReadString('\n')
			answers <- line
		}()
	}
	// The stalled bodies are being read by the server now (or soon):
	// either way a valid request must be served, not refused 503.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	p, err := l.client.CreatePayment(ctx, paymentRequest(successCard))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		t.Fatalf("a valid request was not served within 1 s beside %d stalled bodies", stalled)
	case err != nil:
		t.Fatalf("a valid request beside %d stalled bodies: %v", stalled, err)
	case p.ID == 0:
		t.Fatal("no payment id")
	}
	// The stalled clients are answered 408 once the deadline passes.
	for i := range stalled {
		select {
		case line := <-answers:
			if !strings.Contains(line, " 408 ") {
				t.Fatalf("stalled client %d answered %q, want 408", i, strings.TrimSpace(line))
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("stalled client %d still held after 10 s (BodyReadTimeout 300ms)", i)
		}
	}
}
