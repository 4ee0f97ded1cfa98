package mock

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// flow runs the same sequence of calls against a mock and returns every id
// and bank reference it saw.
func flow(t *testing.T, m *Mock) []string {
	t.Helper()
	var out []string
	add := func(vs ...any) {
		for _, v := range vs {
			switch v := v.(type) {
			case int64:
				out = append(out, strconv.FormatInt(v, 10))
			case string:
				out = append(out, v)
			}
		}
	}
	p := pay(t, m, paymentRequest(successCard))
	add(p.ID, p.AuthCode, p.HostReference, p.TransID, p.OrderID)
	for _, tx := range p.PaymentTransactions {
		add(tx.ID)
	}
	w := do(t, m, http.MethodPost, "/payment/v1/card-payments", paymentRequest("5100050000006661"))
	add(w.Header().Get(PaymentIDHeader))
	r := refundTx(t, m, p.PaymentTransactions[0].ID, "5")
	add(r.ID, r.AuthCode)
	c := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
	for _, tr := range c.PaymentTransactionRefunds {
		add(tr.ID, tr.TransID)
	}
	p2 := pay(t, m, paymentRequest(successCard))
	c2 := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p2.ID})
	add(c2.ID, c2.HostReference)
	return out
}

func TestSameSeedSameIDs(t *testing.T) {
	a := flow(t, newTestMock(t))
	b := flow(t, newTestMock(t))
	if len(a) != len(b) {
		t.Fatalf("%d vs %d values", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("value %d: %s vs %s", i, a[i], b[i])
		}
	}
	c := flow(t, newTestMock(t, func(c *Config) { c.Seed = 43 }))
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 share %d of %d values", same, len(a))
	}
}

func TestMocksDoNotInterfere(t *testing.T) {
	a := newTestMock(t)
	b := newTestMock(t, func(c *Config) { c.APIKey, c.SecretKey, c.Seed = "other-key", "other-secret", 7 })
	p := pay(t, a, paymentRequest(successCard))

	// b knows neither a's key nor a's payments.
	e := errorBody(t, do(t, b, http.MethodGet, "/payment/v1/card-payments/"+strconv.FormatInt(p.ID, 10), nil), http.StatusUnauthorized)
	if e.ErrorCode != CodeUnknownAPIKey {
		t.Errorf("b accepted a's key: %+v", e)
	}
	r := httptest.NewRequest(http.MethodGet, testBase+"/payment/v1/card-payments/"+strconv.FormatInt(p.ID, 10), nil)
	r.Header.Set("X-Api-Key", "other-key")
	r.Header.Set("X-Rnd-Key", "n")
	r.Header.Set("X-Auth-Version", "1")
	r.Header.Set("X-Signature", craftgate.Signature(testBase+r.URL.Path, "other-key", "other-secret", "n", nil))
	if e := errorBody(t, serve(b, r), http.StatusNotFound); e.ErrorCode != CodePaymentNotFound {
		t.Errorf("b: %+v", e)
	}
	// Moving one clock leaves the other alone.
	b.Advance(48 * time.Hour)
	if !a.Now().Equal(testStart) {
		t.Errorf("a's clock moved: %v", a.Now())
	}
	if c := refundPayment(t, a, craftgate.RefundPaymentRequest{PaymentID: p.ID}); c.RefundType != "CANCEL" {
		t.Errorf("a: %s", c.RefundType)
	}
}

func TestNewConfig(t *testing.T) {
	for _, cfg := range []Config{{SecretKey: "s"}, {APIKey: "k"}, {APIKey: "k", SecretKey: "s", MaxBodyBytes: -1}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	m, err := New(Config{APIKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if n := m.Now(); time.Since(n).Abs() > time.Minute {
		t.Errorf("real clock: %v", n)
	}
	if _, off := m.Now().Zone(); off != 3*3600 {
		t.Errorf("default zone offset %d", off)
	}
	utc, _ := New(Config{APIKey: "k", SecretKey: "s", Location: time.UTC, Clock: fixedClock{testStart}})
	if !utc.Now().Equal(testStart) || utc.Now().Location() != time.UTC {
		t.Errorf("UTC mock: %v", utc.Now())
	}
}

// TestEndOfDayInLocation: the same instant is a different calendar day in
// UTC and in Istanbul.
func TestEndOfDayInLocation(t *testing.T) {
	late := time.Date(2025, 6, 15, 22, 30, 0, 0, time.UTC) // 01:30 on the 16th in Istanbul
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{{nil, "CANCEL"}, {time.UTC, "REFUND"}} {
		m := newTestMock(t, func(c *Config) { c.Clock, c.Location = fixedClock{late}, tt.loc })
		p := pay(t, m, paymentRequest(successCard))
		m.Advance(2 * time.Hour) // 00:30 UTC on the 16th, 03:30 in Istanbul
		if r := refundPayment(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID}); r.RefundType != tt.want {
			t.Errorf("location %v: %s, want %s", tt.loc, r.RefundType, tt.want)
		}
	}
}

// TestClientEndToEnd drives the mock over a real listener with the
// project's own client.
func TestClientEndToEnd(t *testing.T) {
	m := newTestMock(t)
	srv := httptest.NewServer(m)
	defer srv.Close()
	cl, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey(testAPIKey),
		craftgate.WithSecretKey(testSecretKey), craftgate.WithDoer(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	p, err := cl.CreatePayment(ctx, paymentRequest(successCard))
	if err != nil {
		t.Fatal(err)
	}
	got, err := cl.RetrievePayment(ctx, p.ID)
	if err != nil || got.PaymentStatus != "SUCCESS" {
		t.Fatalf("retrieve: %v %+v", err, got)
	}
	tr, err := cl.RefundTransaction(ctx, &craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("10")})
	if err != nil {
		t.Fatal(err)
	}
	if back, err := cl.RetrieveTransactionRefund(ctx, tr.ID); err != nil || back.ID != tr.ID {
		t.Fatalf("retrieve tx refund: %v", err)
	}
	full, err := cl.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: p.ID})
	if err != nil || full.RefundType != "REFUND" || !amountEq(full.RefundPrice, "90") {
		t.Fatalf("refund: %v %+v", err, full)
	}
	p2, _ := cl.CreatePayment(ctx, paymentRequest(successCard))
	c, err := cl.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: p2.ID})
	if err != nil || c.RefundType != "CANCEL" {
		t.Fatalf("cancel: %v %+v", err, c)
	}
	if back, err := cl.RetrieveRefund(ctx, c.ID); err != nil || back.RefundType != "CANCEL" {
		t.Fatalf("retrieve refund: %v", err)
	}
	_, err = cl.CreatePayment(ctx, paymentRequest("5100050000006661"))
	var ce *craftgate.Error
	if !errors.As(err, &ce) || ce.HTTPStatus != 422 || ce.Group != "NOT_SUFFICIENT_FUNDS" || ce.Code != "10051" || !ce.IsPaymentError() {
		t.Fatalf("decline: %v", err)
	}
	req := paymentRequest(successCard)
	req.Card.ExpireYear = "2010"
	_, err = cl.CreatePayment(ctx, req)
	if !errors.As(err, &ce) || ce.HTTPStatus != 400 || ce.Code != "4152" || ce.Group != "" || ce.IsPaymentError() {
		t.Fatalf("validation: %v", err)
	}
	// Query strings with escapes, signed the client's way (decoded form).
	var list struct{ Items []craftgate.Payment }
	if err := cl.Do(ctx, http.MethodGet, "/_mock/v1/payments", map[string][]string{"conversationId": {p.ConversationID}}, nil, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 3 { // p, p2 and the decline; a validation error stores nothing
		t.Errorf("%d payments with conversationId %s", len(list.Items), p.ConversationID)
	}
	if err := cl.Do(ctx, http.MethodGet, "/_mock/v1/payments", map[string][]string{"conversationId": {"Zeytinyağı Üretim & co"}}, nil, &list); err != nil {
		t.Fatal(err)
	}
}
