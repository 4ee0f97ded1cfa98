package mock

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// withWebhooks configures the webhooks to rc at the given time scale.
func withWebhooks(rc *receiver, scale float64, mod ...func(*Settings)) func(*Config) {
	return func(c *Config) {
		c.Settings.WebhookURL = rc.webhookURL()
		c.Settings.WebhookKey = testWebhookKey
		c.Settings.TimeScale = scale
		for _, f := range mod {
			f(&c.Settings)
		}
	}
}

// waitHooks waits until every event of the mock is settled (not PENDING).
func waitHooks(t *testing.T, m *Mock, n int, timeout time.Duration) []WebhookRecord {
	t.Helper()
	var recs []WebhookRecord
	eventually(t, timeout, strconv.Itoa(n)+" settled webhooks", func() bool {
		recs = m.Webhooks("", "")
		if len(recs) < n {
			return false
		}
		for _, r := range recs {
			if r.State == WebhookPending {
				return false
			}
		}
		return true
	})
	return recs
}

// TestWebhookEvents makes one of each action and checks the events the
// merchant receives: type, payloadId, status, signature, times.
func TestWebhookEvents(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t, withWebhooks(rc, 0.0001))
	ctx := context.Background()
	b := newBrowser(t)
	type ev struct{ typ, payload, status string }
	var want []ev

	// Non-3DS success and decline: API_AUTH.
	ok := pay(t, l.m, paymentRequest(successCard))
	want = append(want, ev{EventAPIAuth, strconv.FormatInt(ok.ID, 10), "SUCCESS"})
	w := do(t, l.m, http.MethodPost, craftgate.PathCardPayments, paymentRequest(cardCompleteFails))
	want = append(want, ev{EventAPIAuth, w.Header().Get(PaymentIDHeader), "FAILURE"})
	// Refunds: a CANCEL (payloadId: its id) and a transaction refund.
	cancel, err := l.client.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: ok.ID})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, ev{EventRefund, strconv.FormatInt(cancel.ID, 10), "SUCCESS"})
	ok2 := pay(t, l.m, paymentRequest(successCard))
	want = append(want, ev{EventAPIAuth, strconv.FormatInt(ok2.ID, 10), "SUCCESS"})
	txr, err := l.client.RefundTransaction(ctx, &craftgate.RefundTransactionRequest{PaymentTransactionID: ok2.PaymentTransactions[0].ID,
		RefundPrice: craftgate.MustAmount("10")})
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, ev{EventRefundTx, strconv.FormatInt(txr.ID, 10), "SUCCESS"})
	// A REFUND (after the day) names the payment.
	ok3 := pay(t, l.m, paymentRequest(successCard))
	want = append(want, ev{EventAPIAuth, strconv.FormatInt(ok3.ID, 10), "SUCCESS"})
	l.m.Advance(24 * time.Hour)
	if r, err := l.client.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: ok3.ID}); err != nil || r.RefundType != "REFUND" {
		t.Fatalf("%v %+v", err, r)
	}
	want = append(want, ev{EventRefund, strconv.FormatInt(ok3.ID, 10), "SUCCESS"})
	// 3-D Secure: THREEDS_VERIFY then API_AUTH.
	init, err := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, rc.callbackURL(), false))
	if err != nil {
		t.Fatal(err)
	}
	acs, _ := l.acsPage(t, b, init)
	l.answerACS(t, b, acs, "verify")
	if _, err := l.client.CompleteThreeDSPayment(ctx, init.PaymentID); err != nil {
		t.Fatal(err)
	}
	id3 := strconv.FormatInt(init.PaymentID, 10)
	want = append(want, ev{EventThreeDSVerify, id3, "SUCCESS"}, ev{EventAPIAuth, id3, "SUCCESS"})
	// A rejected verification: THREEDS_VERIFY FAILURE.
	init2, _ := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, rc.callbackURL(), false))
	acs2, _ := l.acsPage(t, b, init2)
	l.answerACS(t, b, acs2, "reject")
	want = append(want, ev{EventThreeDSVerify, strconv.FormatInt(init2.PaymentID, 10), "FAILURE"})
	// 3D_PAY: API_VERIFY_AND_AUTH.
	if err := l.m.UpdateSettings(func(s *Settings) { s.ThreeDSModel = ThreeDSModel3DPay }); err != nil {
		t.Fatal(err)
	}
	init3, _ := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, rc.callbackURL(), false))
	acs3, _ := l.acsPage(t, b, init3)
	l.answerACS(t, b, acs3, "verify")
	want = append(want, ev{EventAPIVerifyAndAuth, strconv.FormatInt(init3.PaymentID, 10), "SUCCESS"})
	// Checkout: CHECKOUTFORM_AUTH for the successful one only.
	co, form, _ := openCheckout(t, l, b, checkoutRequest(rc.checkoutURL()))
	b.submit(l.srv.URL, form, cardForm(successCard))
	want = append(want, ev{EventCheckoutFormAuth, co.Token, "SUCCESS"})
	_, form2, _ := openCheckout(t, l, b, checkoutRequest(rc.checkoutURL()))
	b.submit(l.srv.URL, form2, cardForm(cardCompleteFails))
	// An init refused at 3DS init sends nothing.
	_, _ = l.client.InitThreeDSPayment(ctx, threeDSRequest(cardInitFails, rc.callbackURL(), false))

	recs := waitHooks(t, l.m, len(want), 10*time.Second)
	if len(recs) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(recs), len(want), recs)
	}
	for i, r := range recs {
		if got := (ev{r.EventType, r.PayloadID, r.Status}); got != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got, want[i])
		}
		if r.State != WebhookDelivered || len(r.Attempts) != 1 || r.Attempts[0].HTTPStatus != 200 {
			t.Errorf("event %d: %+v", i, r)
		}
	}
	ds := rc.deliveries()
	if len(ds) != len(want) {
		t.Fatalf("receiver got %d deliveries, want %d", len(ds), len(want))
	}
	wantTime := l.m.Now()
	for _, d := range ds {
		if !d.verified {
			t.Errorf("signature of %s does not verify: %s", d.body, d.signature)
		}
		if d.event.EventTimestamp != wantTime.Unix() && d.event.EventTimestamp != wantTime.Add(-24*time.Hour).Unix() {
			t.Errorf("eventTimestamp %d is not the mock clock (%d)", d.event.EventTimestamp, wantTime.Unix())
		}
		tm, err := time.ParseInLocation("2006-01-02T15:04:05.000000", d.event.EventTime, l.m.loc)
		if err != nil || tm.Unix() != d.event.EventTimestamp {
			t.Errorf("eventTime %q (%v) vs eventTimestamp %d", d.event.EventTime, err, d.event.EventTimestamp)
		}
		var raw map[string]json.RawMessage
		_ = json.Unmarshal(d.body, &raw)
		if _, ok := raw["payload"]; ok || len(raw) != 5 {
			t.Errorf("body %s", d.body)
		}
	}
}

// TestWebhookScheduleAndGiveUp: a merchant that always fails gets 1+5
// attempts, spaced by the scaled schedule, then the event is GAVE_UP.
func TestWebhookScheduleAndGiveUp(t *testing.T) {
	rc := startReceiver(t)
	rc.status.Store(http.StatusInternalServerError)
	const scale = 0.0002 // 30s -> 6ms; the whole schedule is 530 ms
	l := startLive(t, withWebhooks(rc, scale))
	start := time.Now()
	p := pay(t, l.m, paymentRequest(successCard))
	recs := waitHooks(t, l.m, 1, 10*time.Second)
	r := recs[0]
	if r.State != WebhookGaveUp || len(r.Attempts) != 6 || r.PayloadID != strconv.FormatInt(p.ID, 10) {
		t.Fatalf("record %+v", r)
	}
	if len(rc.deliveries()) != 6 {
		t.Fatalf("receiver got %d deliveries", len(rc.deliveries()))
	}
	if r.CreatedAt.Before(start) || r.CreatedAt.After(r.Attempts[0].At) {
		t.Fatalf("createdAt %v, first attempt %v", r.CreatedAt, r.Attempts[0].At)
	}
	delays := append([]time.Duration{DefaultWebhookInitialDelay}, DefaultWebhookRetryDelays()...)
	prev := r.CreatedAt
	for i, a := range r.Attempts {
		if a.HTTPStatus != 500 || a.Error != "" {
			t.Errorf("attempt %d: %+v", i, a)
		}
		want := time.Duration(float64(delays[i]) * scale)
		gap := a.At.Sub(prev)
		// Never early; late by scheduling noise only (generous for -race
		// on a busy machine).
		if gap < want-time.Millisecond || gap > want+150*time.Millisecond {
			t.Errorf("attempt %d came %v after the previous one, want ~%v", i, gap, want)
		}
		prev = a.At
	}
	// The two longest waits dominate and keep their proportion.
	g4, g5 := r.Attempts[4].At.Sub(r.Attempts[3].At), r.Attempts[5].At.Sub(r.Attempts[4].At)
	if g5 < 2*g4 {
		t.Errorf("last gap %v is not about 3x the one before (%v)", g5, g4)
	}
}

func TestWebhookOnly2xxCounts(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusNotFound, http.StatusUnauthorized} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			rc := startReceiver(t)
			rc.failStatus = status
			rc.failN.Store(1)
			rc.status.Store(http.StatusNoContent)
			l := startLive(t, withWebhooks(rc, 0.0001, func(s *Settings) { s.WebhookRetryDelays = []time.Duration{10 * time.Second, 10 * time.Second} }))
			pay(t, l.m, paymentRequest(successCard))
			r := waitHooks(t, l.m, 1, 5*time.Second)[0]
			if r.State != WebhookDelivered || len(r.Attempts) != 2 || r.Attempts[0].HTTPStatus != status || r.Attempts[1].HTTPStatus != 204 {
				t.Fatalf("%+v", r)
			}
		})
	}
	t.Run("no retries", func(t *testing.T) {
		rc := startReceiver(t)
		rc.status.Store(503)
		l := startLive(t, withWebhooks(rc, 0.0001, func(s *Settings) { s.WebhookRetryDelays = []time.Duration{} }))
		pay(t, l.m, paymentRequest(successCard))
		if r := waitHooks(t, l.m, 1, 5*time.Second)[0]; r.State != WebhookGaveUp || len(r.Attempts) != 1 {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		url := dead.URL
		dead.Close()
		l := startLive(t, func(c *Config) {
			c.Settings = Settings{WebhookURL: url, TimeScale: 0.0001, WebhookRetryDelays: []time.Duration{time.Second}}
		})
		pay(t, l.m, paymentRequest(successCard))
		r := waitHooks(t, l.m, 1, 5*time.Second)[0]
		if r.State != WebhookGaveUp || len(r.Attempts) != 2 || r.Attempts[0].Error == "" || r.Attempts[0].HTTPStatus != 0 {
			t.Fatalf("%+v", r)
		}
	})
}

func TestWebhookDuplicateMode(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t, withWebhooks(rc, 0.0001, func(s *Settings) { s.WebhookDuplicate = true }))
	p := pay(t, l.m, paymentRequest(successCard))
	r := waitHooks(t, l.m, 1, 5*time.Second)[0]
	if r.State != WebhookDelivered || len(r.Attempts) != 2 || r.Attempts[0].Duplicate || !r.Attempts[1].Duplicate {
		t.Fatalf("%+v", r)
	}
	ds := rc.deliveries()
	if len(ds) != 2 || string(ds[0].body) != string(ds[1].body) || ds[0].signature != ds[1].signature || !ds[0].verified ||
		ds[0].event.PayloadID != strconv.FormatInt(p.ID, 10) {
		t.Fatalf("deliveries %+v", ds)
	}
	// With a failing merchant each attempt is doubled: 12 sends.
	rc2 := startReceiver(t)
	rc2.status.Store(500)
	l2 := startLive(t, withWebhooks(rc2, 0.0001, func(s *Settings) { s.WebhookDuplicate = true }))
	pay(t, l2.m, paymentRequest(successCard))
	if r := waitHooks(t, l2.m, 1, 10*time.Second)[0]; r.State != WebhookGaveUp || len(r.Attempts) != 12 || len(rc2.deliveries()) != 12 {
		t.Fatalf("%+v", r)
	}
}

// TestWebhookOutOfOrder: THREEDS_VERIFY is held back, so API_AUTH of the
// same payment, made right after, arrives first.
func TestWebhookOutOfOrder(t *testing.T) {
	for _, outOfOrder := range []bool{false, true} {
		t.Run(strconv.FormatBool(outOfOrder), func(t *testing.T) {
			rc := startReceiver(t)
			// 30 s -> 150 ms: enough for the complete to follow the verify
			// within the initial delay even under -race.
			l := startLive(t, withWebhooks(rc, 0.005, func(s *Settings) { s.WebhookOutOfOrder = outOfOrder }))
			b := newBrowser(t)
			init, err := l.client.InitThreeDSPayment(context.Background(), threeDSRequest(successCard, rc.callbackURL(), false))
			if err != nil {
				t.Fatal(err)
			}
			acs, _ := l.acsPage(t, b, init)
			l.answerACS(t, b, acs, "verify")
			if _, err := l.client.CompleteThreeDSPayment(context.Background(), init.PaymentID); err != nil {
				t.Fatal(err)
			}
			recs := waitHooks(t, l.m, 2, 5*time.Second)
			verify, auth := recs[0], recs[1]
			if verify.EventType != EventThreeDSVerify || auth.EventType != EventAPIAuth {
				t.Fatalf("%+v", recs)
			}
			// The held-back event waits two initial delays; the others one.
			const initial = 150 * time.Millisecond
			wantHold := initial
			if outOfOrder {
				wantHold = 2 * initial
			}
			if got := verify.Attempts[0].At.Sub(verify.CreatedAt); got < wantHold-time.Millisecond || got > wantHold+100*time.Millisecond {
				t.Fatalf("THREEDS_VERIFY sent %v after the action, want ~%v", got, wantHold)
			}
			if got := auth.Attempts[0].At.Sub(auth.CreatedAt); got < initial-time.Millisecond || got > initial+100*time.Millisecond {
				t.Fatalf("API_AUTH sent %v after the action, want ~%v", got, initial)
			}
			if outOfOrder {
				// Without ordering guarantees in the normal mode (events due
				// together are sent concurrently), only the reversal is
				// asserted on what the merchant saw.
				ds := rc.deliveries()
				if got := ds[0].event.EventType + "," + ds[1].event.EventType; got != "API_AUTH,THREEDS_VERIFY" {
					t.Fatalf("order %s, want API_AUTH,THREEDS_VERIFY", got)
				}
			}
		})
	}
}

func TestWebhookCloseWaitsAndCancels(t *testing.T) {
	rc := startReceiver(t)
	hold := make(chan struct{})
	rc.hold = hold
	m := newTestMock(t, withWebhooks(rc, 0.0001))
	srv := httptest.NewServer(m)
	defer srv.Close()
	pay(t, m, paymentRequest(successCard))
	eventually(t, 5*time.Second, "a delivery in flight", func() bool { return rc.inHook.Load() == 1 })
	// A second event far in the future is pending.
	if err := m.UpdateSettings(func(s *Settings) { s.TimeScale = 1 }); err != nil {
		t.Fatal(err)
	}
	pay(t, m, paymentRequest(successCard))

	closed := make(chan error, 1)
	go func() { closed <- m.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a delivery was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(hold)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	recs := m.Webhooks("", "")
	if len(recs) != 2 || recs[0].State != WebhookDelivered || recs[1].State != WebhookPending || len(recs[1].Attempts) != 0 {
		t.Fatalf("%+v", recs)
	}
	noHooksGoroutines(t)
	// After Close no event is queued; Close again is fine.
	pay(t, m, paymentRequest(successCard))
	if len(m.Webhooks("", "")) != 2 {
		t.Fatal("event queued after Close")
	}
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookCloseDeadline(t *testing.T) {
	rc := startReceiver(t)
	hold := make(chan struct{})
	rc.hold = hold
	defer close(hold)
	m := newTestMock(t, withWebhooks(rc, 0.0001))
	pay(t, m, paymentRequest(successCard))
	eventually(t, 5*time.Second, "a delivery in flight", func() bool { return rc.inHook.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := m.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close: %v, want DeadlineExceeded", err)
	}
	r := m.Webhooks("", "")[0]
	if len(r.Attempts) != 1 || r.Attempts[0].Error == "" {
		t.Fatalf("the cancelled attempt: %+v", r)
	}
	noHooksGoroutines(t)
}

func TestNoWebhooksWithoutURL(t *testing.T) {
	m := newTestMock(t)
	pay(t, m, paymentRequest(successCard))
	if n := len(m.Webhooks("", "")); n != 0 {
		t.Fatalf("%d events", n)
	}
	noHooksGoroutines(t)
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWebhooksAdminRoute(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t, withWebhooks(rc, 0.0001))
	p1 := pay(t, l.m, paymentRequest(successCard))
	p2 := pay(t, l.m, paymentRequest(successCard))
	l.client.RefundPayment(context.Background(), &craftgate.RefundPaymentRequest{PaymentID: p2.ID})
	waitHooks(t, l.m, 3, 5*time.Second)
	var all struct {
		Items []struct {
			ID        int64  `json:"id"`
			EventType string `json:"eventType"`
			PayloadID string `json:"payloadId"`
			Status    string `json:"status"`
			State     string `json:"state"`
			CreatedAt string `json:"createdAt"`
			Attempts  []struct {
				At         string `json:"at"`
				HTTPStatus int    `json:"httpStatus"`
				Error      string `json:"error"`
			} `json:"attempts"`
		} `json:"items"`
	}
	data(t, do(t, l.m, http.MethodGet, "/_mock/v1/webhooks", nil), &all)
	if len(all.Items) != 3 {
		t.Fatalf("%+v", all)
	}
	for _, it := range all.Items {
		if _, err := time.Parse(time.RFC3339Nano, it.CreatedAt); err != nil || it.State != "DELIVERED" || len(it.Attempts) != 1 {
			t.Fatalf("%+v", it)
		}
		if _, err := time.Parse(time.RFC3339Nano, it.Attempts[0].At); err != nil || it.Attempts[0].HTTPStatus != 200 {
			t.Fatalf("%+v", it.Attempts)
		}
	}
	all.Items = nil
	data(t, do(t, l.m, http.MethodGet, "/_mock/v1/webhooks?payloadId="+strconv.FormatInt(p1.ID, 10), nil), &all)
	if len(all.Items) != 1 || all.Items[0].EventType != EventAPIAuth {
		t.Fatalf("by payloadId: %+v", all)
	}
	all.Items = nil
	data(t, do(t, l.m, http.MethodGet, "/_mock/v1/webhooks?eventType=REFUND", nil), &all)
	if len(all.Items) != 1 || all.Items[0].EventType != EventRefund {
		t.Fatalf("by eventType: %+v", all)
	}
	// Unsigned: refused.
	if w := serve(l.m, httptest.NewRequest(http.MethodGet, testBase+"/_mock/v1/webhooks", nil)); w.Code != 401 {
		t.Fatalf("unsigned: %d", w.Code)
	}
}

func TestSettingsRoute(t *testing.T) {
	m := newTestMock(t, func(c *Config) { c.Settings.WebhookKey = "initial-secret-key" })
	type view struct {
		ThreeDSMode         string   `json:"threeDSMode"`
		ThreeDSModel        string   `json:"threeDSModel"`
		WebhookURL          string   `json:"webhookUrl"`
		WebhookKeySet       bool     `json:"webhookKeySet"`
		TimeScale           float64  `json:"timeScale"`
		WebhookDuplicate    bool     `json:"webhookDuplicate"`
		WebhookOutOfOrder   bool     `json:"webhookOutOfOrder"`
		WebhookInitialDelay string   `json:"webhookInitialDelay"`
		WebhookRetryDelays  []string `json:"webhookRetryDelays"`
	}
	var v view
	w := do(t, m, http.MethodGet, "/_mock/v1/settings", nil)
	data(t, w, &v)
	want := view{"FULL_THREEDS", "3D", "", true, 1, false, false, "30s", []string{"10s", "30s", "3m", "10m", "30m"}}
	if !sameJSON(t, v, want) {
		t.Fatalf("defaults %+v", v)
	}
	var raw map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &raw)
	if d := raw["data"].(map[string]any); len(d) != 9 || d["webhookKey"] != nil || strings.Contains(w.Body.String(), "initial-secret-key") {
		t.Fatalf("GET answer %s", w.Body.String())
	}

	w = do(t, m, http.MethodPost, "/_mock/v1/settings", []byte(`{"threeDSMode":"HALF_THREEDS","threeDSModel":"3D_PAY",
		"webhookUrl":"http://127.0.0.1:9/webhook","webhookKey":"new-secret-key","timeScale":0,"webhookDuplicate":true,
		"webhookOutOfOrder":true,"webhookInitialDelay":"1s","webhookRetryDelays":["1m30s","2h"]}`))
	data(t, w, &v)
	want = view{"HALF_THREEDS", "3D_PAY", "http://127.0.0.1:9/webhook", true, 0, true, true, "1s", []string{"1m30s", "2h"}}
	if !sameJSON(t, v, want) || strings.Contains(w.Body.String(), "new-secret-key") {
		t.Fatalf("after POST %s", w.Body.String())
	}
	if s := m.Settings(); s.WebhookKey != "new-secret-key" || s.TimeScale != 0 || s.WebhookRetryDelays[1] != 2*time.Hour {
		t.Fatalf("settings %+v", s)
	}
	// Partial update; "" clears the URL.
	data(t, do(t, m, http.MethodPost, "/_mock/v1/settings", []byte(`{"webhookUrl":"","threeDSModel":"3D"}`)), &v)
	if v.WebhookURL != "" || v.ThreeDSModel != "3D" || v.ThreeDSMode != "HALF_THREEDS" {
		t.Fatalf("partial %+v", v)
	}

	bad := []string{
		`{"threeDSMode":"SOMETIMES"}`, `{"threeDSModel":"2D"}`, `{"webhookUrl":"ftp://x"}`, `{"webhookUrl":"not a url"}`,
		`{"webhookKey":""}`, `{"timeScale":-1}`, `{"webhookInitialDelay":"soon"}`, `{"webhookInitialDelay":"-1s"}`,
		`{"webhookRetryDelays":["1s","x"]}`, `{"webhookRetryDelays":["1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s","1s"]}`,
	}
	before := m.Settings()
	for _, body := range bad {
		// A valid change beside the invalid one: nothing changes at all.
		e := validationError(t, do(t, m, http.MethodPost, "/_mock/v1/settings", []byte(`{"webhookDuplicate":true,`+body[1:])))
		if e.ErrorCode != CodeInvalidSettings {
			t.Errorf("%s: %+v", body, e)
		}
	}
	if !sameJSON(t, m.Settings(), before) {
		t.Fatal("a refused POST changed the settings")
	}
	if e := errorBody(t, do(t, m, http.MethodPut, "/_mock/v1/settings", []byte(`{}`)), 405); e.ErrorCode != CodeMethodNotAllowed {
		t.Fatal(e)
	}
	if w := serve(m, httptest.NewRequest(http.MethodGet, testBase+"/_mock/v1/settings", nil)); w.Code != 401 {
		t.Fatalf("unsigned: %d", w.Code)
	}
	// Invalid Config settings are refused by New.
	if _, err := New(Config{APIKey: "a", SecretKey: "b", Settings: Settings{ThreeDSMode: "x"}}); err == nil {
		t.Fatal("New accepted a bad ThreeDSMode")
	}
	if _, err := New(Config{APIKey: "a", SecretKey: "b", Settings: Settings{TimeScale: -1}}); err == nil {
		t.Fatal("New accepted a negative TimeScale")
	}
}

// TestWebhookPayload checks an event with a payload object: the body
// carries it, the signature still covers only the four documented fields,
// and the record shows it.
func TestWebhookPayload(t *testing.T) {
	rc := startReceiver(t)
	m := startLive(t, withWebhooks(rc, 0.0001)).m
	payload := json.RawMessage(`{"additionalAction":"APPROVAL_REQUIRED"}`)
	m.emitPayload("BNPL_NOTIFICATION", craftgate.StatusSuccess, "204", 204, payload)
	recs := waitHooks(t, m, 1, 10*time.Second)
	if len(recs) != 1 || string(recs[0].Payload) != string(payload) || recs[0].State != WebhookDelivered {
		t.Fatalf("records = %+v", recs)
	}
	ds := rc.deliveries()
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	ev, err := craftgate.VerifyWebhook(testWebhookKey, ds[0].body, ds[0].signature)
	if err != nil {
		t.Fatal(err)
	}
	if ev.EventType != "BNPL_NOTIFICATION" || ev.PayloadID != "204" || string(ev.Payload) != string(payload) {
		t.Errorf("event = %+v", ev)
	}
}
