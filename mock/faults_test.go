package mock

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// rawCall sends a signed request to a live mock and returns the answer
// (status, headers and body), or the transport error.
func (l *live) rawCall(t testing.TB, ctx context.Context, method, path string, in any) (*http.Response, []byte, error) {
	t.Helper()
	req, err := l.client.NewRequest(ctx, method, path, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := l.srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// setFaults installs cfg or fails the test.
func setFaults(t testing.TB, m *Mock, cfg FaultConfig) {
	t.Helper()
	if err := m.SetFaults(cfg); err != nil {
		t.Fatal(err)
	}
}

func TestFaultConfigValidation(t *testing.T) {
	m := newTestMock(t)
	op := "POST /payment/v1/card-payments"
	lat := func(l Latency) *Latency { return &l }
	tests := []struct {
		name string
		rule FaultRule
		out  *BankOutage
		want string // in the error; empty: accepted
	}{
		{name: "error count", rule: FaultRule{Operation: op, Fault: FaultError, Count: 2}},
		{name: "every op", rule: FaultRule{Operation: "*", Fault: FaultReset, Rate: 0.5}},
		{name: "id route", rule: FaultRule{Operation: "GET /payment/v1/card-payments/{id}", Fault: FaultTimeout, Rate: 1, Hold: "1s"}},
		{name: "page", rule: FaultRule{Operation: "POST /_mock/checkout/{token}", Fault: FaultSlowBody, Rate: 1, Chunk: 4, Every: "1ms"}},
		{name: "latency only", rule: FaultRule{Operation: "*", Latency: lat(Latency{Dist: LatencyLognormal, Median: "20ms", Sigma: 0.5})}},
		{name: "uniform", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: LatencyUniform, Min: "1ms", Max: "5ms"})}},
		{name: "rate limit", rule: FaultRule{Operation: op, Fault: FaultRateLimit, Rate: 0.1, RetryAfter: "3s"}},
		{name: "outage", out: &BankOutage{Bank: "garanti", From: "+0s", Until: "+10m", ErrorGroup: "NO_RESPONSE"}},
		{name: "outage by bin", out: &BankOutage{BINs: []string{"525864"}, From: "2025-06-15T10:00:00", Until: "2025-06-15T11:00:00Z"}},

		{name: "unknown op", rule: FaultRule{Operation: "POST /payment/v1/nothing", Fault: FaultError, Rate: 1}, want: "operation"},
		{name: "admin op", rule: FaultRule{Operation: "GET /_mock/v1/faults", Fault: FaultError, Rate: 1}, want: "operation"},
		{name: "lower-case method", rule: FaultRule{Operation: "post /payment/v1/card-payments", Fault: FaultError, Rate: 1}, want: "operation"},
		{name: "unknown fault", rule: FaultRule{Operation: op, Fault: "explode", Rate: 1}, want: "fault must be"},
		{name: "nothing", rule: FaultRule{Operation: op}, want: "a fault or a latency"},
		{name: "rate without fault", rule: FaultRule{Operation: op, Rate: 1, Latency: lat(Latency{Dist: LatencyFixed, Value: "1ms"})}, want: "need a fault"},
		{name: "no rate no count", rule: FaultRule{Operation: op, Fault: FaultError}, want: "rate above 0 or a count"},
		{name: "rate above 1", rule: FaultRule{Operation: op, Fault: FaultError, Rate: 1.5}, want: "probability"},
		{name: "negative count", rule: FaultRule{Operation: op, Fault: FaultError, Count: -1}, want: "count"},
		{name: "status 404", rule: FaultRule{Operation: op, Fault: FaultError, Rate: 1, Status: 404}, want: "500 to 599"},
		{name: "status on reset", rule: FaultRule{Operation: op, Fault: FaultReset, Rate: 1, Status: 503}, want: "status applies"},
		{name: "after rate limit", rule: FaultRule{Operation: op, Fault: FaultRateLimit, Rate: 1, After: true}, want: "after applies"},
		{name: "hold too long", rule: FaultRule{Operation: op, Fault: FaultTimeout, Rate: 1, Hold: "1h"}, want: "hold"},
		{name: "hold on error", rule: FaultRule{Operation: op, Fault: FaultError, Rate: 1, Hold: "1s"}, want: "hold applies"},
		{name: "chunk 0 bytes", rule: FaultRule{Operation: op, Fault: FaultSlowBody, Rate: 1, Chunk: -1}, want: "chunk"},
		{name: "bad latency dist", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: "pareto"})}, want: "dist"},
		{name: "uniform max below min", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: LatencyUniform, Min: "5ms", Max: "1ms"})}, want: "max"},
		{name: "lognormal without median", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: LatencyLognormal, Sigma: 1})}, want: "median"},
		{name: "fixed with sigma", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: LatencyFixed, Value: "1ms", Sigma: 1})}, want: "do not belong"},
		{name: "latency beyond max hold", rule: FaultRule{Operation: op, Latency: lat(Latency{Dist: LatencyFixed, Value: "6m"})}, want: "value"},
		{name: "outage without bank", out: &BankOutage{From: "+0s"}, want: "bank or bins"},
		{name: "outage bad bin", out: &BankOutage{BINs: []string{"52x"}}, want: "bins"},
		{name: "outage ends before it starts", out: &BankOutage{Bank: "x", From: "+10m", Until: "+1m"}, want: "until must be after"},
		{name: "outage bad time", out: &BankOutage{Bank: "x", From: "tomorrow"}, want: "from"},
		{name: "outage unknown group", out: &BankOutage{Bank: "x", ErrorGroup: "BANK_ON_FIRE"}, want: "errorGroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg FaultConfig
			if tt.out != nil {
				cfg.Outages = []BankOutage{*tt.out}
			} else {
				cfg.Rules = []FaultRule{tt.rule}
			}
			err := m.SetFaults(cfg)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && err == nil:
				t.Fatal("accepted")
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
	if _, err := ParseFaults([]byte(`{"rules":[{"operation":"*","fualt":"error","rate":1}]}`)); err == nil || !strings.Contains(err.Error(), "fualt") {
		t.Errorf("ParseFaults accepted a misspelt field: %v", err)
	}
	if _, err := ParseFaults([]byte(`{"rules":[{"operation":"*","fault":"error","rate":1,"rate":0}]}`)); err == nil {
		t.Error("ParseFaults accepted a duplicate member")
	}
	if _, err := New(Config{APIKey: "a", SecretKey: "b", Faults: FaultConfig{Rules: []FaultRule{{Operation: "nope", Fault: FaultError, Rate: 1}}}}); err == nil {
		t.Error("New accepted an invalid fault configuration")
	}
}

// TestFaultDrawsAreDeterministic checks that the same seed gives the same
// sequence of firings and latencies, and another seed another one.
func TestFaultDrawsAreDeterministic(t *testing.T) {
	run := func(seed int64) (fired []bool, lats []time.Duration) {
		m := newTestMock(t)
		setFaults(t, m, FaultConfig{Seed: &seed, Rules: []FaultRule{
			{Operation: "*", Latency: &Latency{Dist: LatencyLognormal, Median: "10ms", Sigma: 1, Max: "1s"}},
			{Operation: "POST /payment/v1/card-payments", Fault: FaultError, Rate: 0.3},
		}})
		fs := m.faults.Load()
		create, ok := m.routes.opByName("POST /payment/v1/card-payments")
		if !ok {
			t.Fatal("no create-payment operation in the route table")
		}
		for range 200 {
			lat, f := fs.decide(create)
			fired, lats = append(fired, f != nil), append(lats, lat)
		}
		return fired, lats
	}
	f1, l1 := run(7)
	f2, l2 := run(7)
	f3, _ := run(8)
	n := 0
	for i := range f1 {
		if f1[i] != f2[i] || l1[i] != l2[i] {
			t.Fatalf("draw %d differs between two mocks with the same seed", i)
		}
		if f1[i] {
			n++
		}
		if l1[i] <= 0 || l1[i] > time.Second {
			t.Fatalf("latency %v outside (0, 1s]", l1[i])
		}
	}
	if n < 35 || n > 85 {
		t.Errorf("rate 0.3 fired %d times in 200", n)
	}
	if sameBools(f1, f3) {
		t.Error("seeds 7 and 8 drew the same firings")
	}
}

func sameBools(a, b []bool) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLatencyDistributions(t *testing.T) {
	tests := []struct {
		l      Latency
		lo, hi time.Duration // every sample within
		median time.Duration // approximate median (0: not checked)
	}{
		{Latency{Dist: LatencyFixed, Value: "15ms"}, 15 * time.Millisecond, 15 * time.Millisecond, 15 * time.Millisecond},
		{Latency{Dist: LatencyUniform, Min: "10ms", Max: "20ms"}, 10 * time.Millisecond, 20 * time.Millisecond, 15 * time.Millisecond},
		{Latency{Dist: LatencyLognormal, Median: "20ms", Sigma: 0.5, Max: "2s"}, time.Microsecond, 2 * time.Second, 20 * time.Millisecond},
		{Latency{Dist: LatencyLognormal, Median: "20ms", Sigma: 3, Max: "50ms"}, time.Nanosecond, 50 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.l.Dist, func(t *testing.T) {
			d, err := compileLatency(tt.l)
			if err != nil {
				t.Fatal(err)
			}
			var below int
			for n := uint64(1); n <= 4000; n++ {
				v := d.sample(42, n)
				if v < tt.lo || v > tt.hi {
					t.Fatalf("sample %v outside [%v, %v]", v, tt.lo, tt.hi)
				}
				if v < tt.median {
					below++
				}
			}
			if tt.median > 0 && tt.lo != tt.hi && (below < 1700 || below > 2300) {
				t.Errorf("%d of 4000 samples below the median %v", below, tt.median)
			}
		})
	}
}

// TestFaultKinds drives each fault against a real server.
func TestFaultKinds(t *testing.T) {
	l := startLive(t, func(c *Config) { c.MaxConcurrent = 1000 }) // counts requests in flight

	op := "POST /payment/v1/card-payments"
	req := paymentRequest(successCard)
	countPayments := func() int64 { return l.m.Stats().Payments }

	t.Run("error, then success", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultError, Status: 502, Count: 2, RetryAfter: "2s"}}})
		before := countPayments()
		for i := range 2 {
			resp, body, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
			if err != nil {
				t.Fatal(err)
			}
			e := envelope(t, resp.StatusCode, body, 502)
			if e.ErrorCode != CodeInjectedError || resp.Header.Get("Retry-After") != "2" || !strings.Contains(e.ErrorDescription, "not processed") {
				t.Fatalf("call %d: %+v, Retry-After %q", i, e, resp.Header.Get("Retry-After"))
			}
		}
		if countPayments() != before {
			t.Fatal("a request refused before processing stored a payment")
		}
		if _, err := l.client.CreatePayment(context.Background(), req); err != nil {
			t.Fatalf("third call: %v", err)
		}
		if got := l.m.Faults().Rules[0]; got.Count != 0 || got.Fired != 2 {
			t.Fatalf("rule after use: %+v", got)
		}
	})

	t.Run("error after processing", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultError, Count: 1, After: true}}})
		before := countPayments()
		resp, body, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
		if err != nil {
			t.Fatal(err)
		}
		if e := envelope(t, resp.StatusCode, body, 503); !strings.Contains(e.ErrorDescription, "processed") {
			t.Fatal(e)
		}
		if resp.Header.Get(PaymentIDHeader) != "" {
			t.Fatal("the lost answer's headers leaked")
		}
		if countPayments() != before+1 {
			t.Fatal("an after-fault did not process the request")
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: "*", Fault: FaultRateLimit, Count: 1}}})
		resp, body, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
		if err != nil {
			t.Fatal(err)
		}
		e := envelope(t, resp.StatusCode, body, http.StatusTooManyRequests)
		g, _ := craftgate.TestCards().Group("TOO_MANY_REQUESTS")
		if e.ErrorGroup != "TOO_MANY_REQUESTS" || e.ErrorCode != g.Code || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("%+v Retry-After %q", e, resp.Header.Get("Retry-After"))
		}
	})

	t.Run("timeout: the client gives up", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultTimeout, Count: 1, After: true, Hold: "1m"}}})
		before := countPayments()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, _, err := l.rawCall(t, ctx, http.MethodPost, craftgate.PathCardPayments, req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want the client's deadline, got %v", err)
		}
		if d := time.Since(start); d >= 30*time.Second {
			t.Fatalf("the call waited %v: the client's deadline did not cut the 1 m hold", d)
		}
		if countPayments() != before+1 {
			t.Fatal("the held request was not processed first")
		}
		eventually(t, 5*time.Second, "the held request to end", func() bool { return l.m.Stats().InFlight == 0 })
	})

	t.Run("timeout: the hold ends first", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultTimeout, Count: 1, Hold: "50ms"}}})
		start := time.Now()
		resp, body, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
		if err != nil {
			t.Fatal(err)
		}
		if e := envelope(t, resp.StatusCode, body, http.StatusGatewayTimeout); e.ErrorCode != CodeInjectedTimeout {
			t.Fatal(e)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Fatalf("answered after %v, before the hold", d)
		}
	})

	t.Run("reset", func(t *testing.T) {
		for _, after := range []bool{false, true} {
			setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultReset, Count: 1, After: after}}})
			before := countPayments()
			_, _, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
			if err == nil {
				t.Fatalf("after=%v: the connection was not reset", after)
			}
			want := before
			if after {
				want++
			}
			if got := countPayments(); got != want {
				t.Fatalf("after=%v: %d payments, want %d", after, got, want)
			}
		}
		if _, err := l.client.CreatePayment(context.Background(), req); err != nil {
			t.Fatalf("the mock does not serve after a reset: %v", err)
		}
	})

	t.Run("slow body", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Fault: FaultSlowBody, Count: 1, Chunk: 256, Every: "20ms"}}})
		start := time.Now()
		resp, body, err := l.rawCall(t, context.Background(), http.MethodPost, craftgate.PathCardPayments, req)
		if err != nil {
			t.Fatal(err)
		}
		var p craftgate.Payment
		if err := craftgate.DecodeResponse(resp.StatusCode, body, &p); err != nil || p.PaymentStatus != "SUCCESS" {
			t.Fatalf("trickled answer: %v %s", err, body)
		}
		if want := time.Duration(len(body)/256) * 20 * time.Millisecond; time.Since(start) < want {
			t.Fatalf("%d bytes in %v, want at least %v", len(body), time.Since(start), want)
		}
	})

	t.Run("latency, then cancelled by the client", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Latency: &Latency{Dist: LatencyFixed, Value: "80ms"}}}})
		start := time.Now()
		if _, err := l.client.CreatePayment(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 80*time.Millisecond {
			t.Fatalf("answered in %v", d)
		}
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: op, Latency: &Latency{Dist: LatencyFixed, Value: "1m"}}}})
		before := countPayments()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, _, err := l.rawCall(t, ctx, http.MethodPost, craftgate.PathCardPayments, req); err == nil {
			t.Fatal("answered despite a 1m latency")
		}
		eventually(t, 5*time.Second, "the delayed request to end", func() bool { return l.m.Stats().InFlight == 0 })
		if countPayments() != before {
			t.Fatal("a request abandoned during its latency was processed")
		}
	})

	t.Run("admin routes are never faulted", func(t *testing.T) {
		setFaults(t, l.m, FaultConfig{Rules: []FaultRule{{Operation: "*", Fault: FaultError, Rate: 1}}})
		if err := l.client.Do(context.Background(), http.MethodGet, "/_mock/v1/faults", nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := l.client.Do(context.Background(), http.MethodPost, "/_mock/v1/faults", nil, FaultConfig{}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := l.client.CreatePayment(context.Background(), req); err != nil {
			t.Fatalf("faults cleared, but: %v", err)
		}
	})
}

// envelope checks an error envelope of the given status.
func envelope(t testing.TB, status int, body []byte, want int) craftgate.ErrorBody {
	t.Helper()
	if status != want {
		t.Fatalf("status %d, want %d: %s", status, want, body)
	}
	ce := craftgate.AsError(craftgate.DecodeResponse(status, body, nil))
	if ce == nil || ce.Code == strconv.Itoa(status) {
		t.Fatalf("not an error envelope: %s", body)
	}
	return ce.Body()
}

func TestBankOutage(t *testing.T) {
	m := newTestMock(t)
	garanti := "4032800000000007" // T. GARANTİ BANKASI A.Ş., VISA credit
	if tc, ok := craftgate.TestCards().Card(garanti); !ok || !strings.Contains(tc.Bank, "GARANTİ") {
		t.Fatalf("the catalogue changed: %+v", tc)
	}
	setFaults(t, m, FaultConfig{Outages: []BankOutage{{Bank: "garanti", From: "+0s", Until: "+10m", ErrorGroup: "NO_RESPONSE"}}})
	w := do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest(garanti))
	e := errorBody(t, w, http.StatusUnprocessableEntity)
	g, _ := craftgate.TestCards().Group("NO_RESPONSE")
	if e.ErrorGroup != "NO_RESPONSE" || e.ErrorCode != g.Code {
		t.Fatalf("during the outage: %+v", e)
	}
	id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
	p := retrieve(t, m, id)
	if p.PaymentStatus != "FAILURE" || p.PaymentError == nil || p.PaymentError.ErrorGroup != "NO_RESPONSE" {
		t.Fatalf("stored: %+v %+v", p.PaymentStatus, p.PaymentError)
	}
	// Another bank's card is not affected.
	pay(t, m, paymentRequest(successCard))
	// After the window, the bank is back.
	m.Advance(11 * time.Minute)
	pay(t, m, paymentRequest(garanti))
	// The view shows the absolute window.
	out := m.Faults().Outages[0]
	if out.From != "2025-06-15T10:00:00" || out.Until != "2025-06-15T10:10:00" {
		t.Fatalf("window %s - %s", out.From, out.Until)
	}
	// By BIN, default group, 3-D Secure init.
	setFaults(t, m, FaultConfig{Outages: []BankOutage{{BINs: []string{"525864"}}}})
	w = do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init", threeDSRequest(successCard, "https://merchant.test/cb", false))
	if e := errorBody(t, w, 422); e.ErrorGroup != DefaultOutageGroup {
		t.Fatal(e)
	}
}

// TestFaultsAdminRoute checks GET and POST /_mock/v1/faults, including
// that what GET answers can be posted back.
func TestFaultsAdminRoute(t *testing.T) {
	m := newTestMock(t)
	var v FaultConfig
	v = FaultConfig{}
	data(t, do(t, m, http.MethodGet, "/_mock/v1/faults", nil), &v)
	if len(v.Rules) != 0 || len(v.Outages) != 0 {
		t.Fatalf("initial %+v", v)
	}
	body := []byte(`{"seed":3,"rules":[{"operation":"POST /payment/v1/card-payments","fault":"error","status":503,"count":2},
		{"operation":"*","latency":{"dist":"fixed","value":"0s"}}],"outages":[{"bank":"AKBANK","from":"+1m","until":"+2m"}]}`)
	data(t, do(t, m, http.MethodPost, "/_mock/v1/faults", body), &v)
	if len(v.Rules) != 2 || v.Rules[0].Count != 2 || *v.Seed != 3 || v.Outages[0].ErrorGroup != DefaultOutageGroup {
		t.Fatalf("after POST %+v", v)
	}
	errorBody(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest(successCard)), 503)
	v = FaultConfig{}
	data(t, do(t, m, http.MethodGet, "/_mock/v1/faults", nil), &v)
	if v.Rules[0].Count != 1 || v.Rules[0].Fired != 1 {
		t.Fatalf("after one firing %+v", v.Rules[0])
	}
	// Round trip: the GET answer posted back keeps the remaining count.
	v = postFaultsView(t, m, v)
	errorBody(t, do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest(successCard)), 503)
	pay(t, m, paymentRequest(successCard))
	v = FaultConfig{}
	data(t, do(t, m, http.MethodGet, "/_mock/v1/faults", nil), &v)
	v = postFaultsView(t, m, v) // a spent rule is dropped
	if len(v.Rules) != 1 || v.Rules[0].Latency == nil {
		t.Fatalf("spent rule kept: %+v", v.Rules)
	}
	// Refused: nothing changes.
	for _, bad := range []string{`{"rules":[{"operation":"*","fault":"error"}]}`, `{"rules":[{"operation":"*","fault":"error","rate":1,"colour":"red"}]}`,
		`{"rules":{}}`, `{"rules":[{"operation":"*","fault":"error","rate":1}],"rules":[]}`} {
		e := validationError(t, do(t, m, http.MethodPost, "/_mock/v1/faults", []byte(bad)))
		if e.ErrorCode != CodeInvalidFaults && e.ErrorCode != CodeInvalidFieldType && e.ErrorCode != CodeDuplicateKey {
			t.Errorf("%s: %+v", bad, e)
		}
	}
	v = FaultConfig{}
	data(t, do(t, m, http.MethodGet, "/_mock/v1/faults", nil), &v)
	if len(v.Rules) != 1 {
		t.Fatalf("a refused POST changed the faults: %+v", v)
	}
	data(t, do(t, m, http.MethodPost, "/_mock/v1/faults", []byte(`{}`)), &v)
	if m.faults.Load() != nil {
		t.Fatal("{} did not clear the faults")
	}
	if w := serve(m, signedRequest(http.MethodDelete, testBase+"/_mock/v1/faults", nil)); w.Code != 405 {
		t.Fatalf("DELETE: %d", w.Code)
	}
}

// postFaultsView posts v and decodes the answer into a fresh value.
func postFaultsView(t *testing.T, m *Mock, v FaultConfig) FaultConfig {
	t.Helper()
	var out FaultConfig
	data(t, do(t, m, http.MethodPost, "/_mock/v1/faults", mustJSON(t, v)), &out)
	return out
}

// TestFaultsConcurrentCount checks that a count is honoured exactly under
// concurrency.
func TestFaultsConcurrentCount(t *testing.T) {
	m := newTestMock(t)
	setFaults(t, m, FaultConfig{Rules: []FaultRule{{Operation: "GET /payment/v1/card-payments/{id}", Fault: FaultError, Count: 25}}})
	p := pay(t, m, paymentRequest(successCard))
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				w := do(t, m, http.MethodGet, "/payment/v1/card-payments/"+strconv.FormatInt(p.ID, 10), nil)
				if w.Code == 503 {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if failed != 25 {
		t.Fatalf("%d calls failed, want exactly 25", failed)
	}
}
