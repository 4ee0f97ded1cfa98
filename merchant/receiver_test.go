package merchant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/probe"
)

const (
	testCallbackKey = "cb-key-0123456789abcdef0123456789"
	testWebhookKey  = "wh-key-fedcba9876543210fedcba9876"
)

func newTestReceiver(t *testing.T, log *bytes.Buffer) *Receiver {
	t.Helper()
	cfg := Config{CallbackKey: testCallbackKey, WebhookKey: testWebhookKey}
	if log != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return NewReceiver(cfg)
}

// v1Form is a 3-D Secure v1 success callback signed with key.
func v1Form(key, paymentID string) url.Values {
	f := url.Values{
		"status": {"SUCCESS"}, "completeStatus": {"WAITING"}, "paymentId": {paymentID},
		"conversationData": {"cd-9f1c"}, "conversationId": {"456d1297-908e-4bd6-a13b-4be31a6e47d5"}, "callbackStatus": {""},
	}
	f.Set("hash", craftgate.CallbackHashV1(key, f))
	return f
}

func v2Form(key, paymentID string) url.Values {
	f := url.Values{
		"status": {"SUCCESS"}, "completeStatus": {"WAITING"}, "paymentId": {paymentID},
		"conversationData": {""}, "conversationId": {"d1811bb0-25a2-40c7-ba71-c8b605259611"}, "callbackStatus": {""},
		"mdStatus": {"1"}, "hashParams": {"status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus"},
	}
	f.Set("hash", craftgate.CallbackHashV2(key, f))
	return f
}

func postForm(h http.Handler, path string, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func event(eventType, payloadID, status string, ts int64) craftgate.WebhookEvent {
	return craftgate.WebhookEvent{EventType: eventType, EventTime: "2026-01-02T10:11:12.123456", EventTimestamp: ts, Status: status, PayloadID: payloadID}
}

func postWebhook(h http.Handler, e craftgate.WebhookEvent, signature string) *httptest.ResponseRecorder {
	b, _ := json.Marshal(e)
	return postRaw(h, b, signature)
}

func postRaw(h http.Handler, body []byte, signature string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, PathWebhook, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(craftgate.WebhookSignatureHeader, signature)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestCallbacks(t *testing.T) {
	tampered := v1Form(testCallbackKey, "271591")
	tampered.Set("status", "FAILURE")
	tamperedV2 := v2Form(testCallbackKey, "863")
	tamperedV2.Set("mdStatus", "4")
	upper := v1Form(testCallbackKey, "271592")
	upper.Set("hash", strings.ToUpper(upper.Get("hash")))
	noHash := v1Form(testCallbackKey, "271593")
	noHash.Del("hash")
	already := url.Values{"status": {"FAILURE"}, "callbackStatus": {"ALREADY_RETURNED"}, "paymentId": {"271591"}, "conversationId": {"c-1"}}
	already.Set("hash", craftgate.CallbackHashV1(testCallbackKey, already))
	failure := url.Values{"status": {"FAILURE"}, "paymentId": {"271594"}, "conversationId": {"c-2"}}
	failure.Set("hash", craftgate.CallbackHashV1(testCallbackKey, failure))
	v2Failure := v2Form(testCallbackKey, "864")
	v2Failure.Set("status", "FAILURE")
	v2Failure.Set("mdStatus", "0")
	v2Failure.Set("hash", craftgate.CallbackHashV2(testCallbackKey, v2Failure))
	v2Forged := probe.ForgeHashParams(v2Failure, map[string]string{"status": "SUCCESS", "mdStatus": "1"})
	bnplFailure := url.Values{"paymentId": {"204"}, "paymentStatus": {"FAILURE"}, "additionalAction": {""},
		"conversationId": {"order-1001"}, "callbackStatus": {""}, "hashParams": {craftgate.BnplCallbackHashParams}}
	bnplFailure.Set("hash", craftgate.CallbackHashV2(testCallbackKey, bnplFailure))
	bnplForged := probe.ForgeHashParams(bnplFailure, map[string]string{"paymentStatus": "SUCCESS", "paymentId": "204"})

	tests := []struct {
		name         string
		body         string
		wantStatus   int
		wantVerified bool
		wantErr      string
		wantPage     string
	}{
		{"v1 valid", v1Form(testCallbackKey, "271591").Encode(), 200, true, "", "Payment verified — you can close this window"},
		{"v2 valid", v2Form(testCallbackKey, "863").Encode(), 200, true, "", "Payment verified"},
		{"upper-case hash", upper.Encode(), 200, true, "", "Payment verified"},
		{"failure verified", failure.Encode(), 200, true, "", "Callback verified: payment status FAILURE — you can close"},
		{"already returned", already.Encode(), 200, true, "", "FAILURE (ALREADY_RETURNED)"},
		{"tampered status", tampered.Encode(), 400, false, errHashMismatch, "Rejected: hash mismatch"},
		{"tampered v2 field", tamperedV2.Encode(), 400, false, errHashMismatch, "Rejected: hash mismatch"},
		{"v2 hashParams forgery", v2Forged.Encode(), 400, false, errHashParams, "Rejected: hashParams incomplete"},
		{"BNPL hashParams forgery", bnplForged.Encode(), 400, false, errHashParams, "Rejected: hashParams incomplete"},
		{"BNPL valid", bnplFailure.Encode(), 200, true, "", "Callback verified"},
		{"wrong key", v1Form("another-key", "271591").Encode(), 400, false, errHashMismatch, "Rejected: hash mismatch"},
		{"missing hash", noHash.Encode(), 400, false, errHashMissing, "Rejected: hash missing"},
		{"empty body", "", 400, false, errHashMissing, "Rejected: hash missing"},
		{"repeated field", v1Form(testCallbackKey, "271591").Encode() + "&status=SUCCESS", 400, false, errRepeatedField, "Rejected: repeated field"},
		{"malformed form", "status=%zz&hash=1", 400, false, errMalformedForm, "Rejected: malformed form"},
		{"invalid UTF-8", "status=SUCCESS%FF&hash=1", 400, false, errInvalidUTF8, "Rejected: invalid UTF-8"},
		{"too large", "a=" + strings.Repeat("x", MaxBodyBytes), 413, false, errBodyTooLarge, "Rejected: body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReceiver(t, nil)
			rec := postForm(r, PathCallback, tt.body)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("content type %q", ct)
			}
			if !strings.Contains(rec.Body.String(), tt.wantPage) {
				t.Errorf("page %q lacks %q", rec.Body, tt.wantPage)
			}
			cbs := r.Callbacks()
			if len(cbs) != 1 {
				t.Fatalf("%d callbacks recorded, want 1", len(cbs))
			}
			c := cbs[0]
			if c.Kind != KindThreeDS || c.Verified != tt.wantVerified || c.Err != tt.wantErr || c.HTTPStatus != tt.wantStatus || c.At.IsZero() {
				t.Errorf("recorded %+v", c)
			}
		})
	}
}

func TestCallbackWithoutKeyIsRefused(t *testing.T) {
	r := NewReceiver(Config{WebhookKey: testWebhookKey})
	// A hash made with the empty key must not verify against an
	// unconfigured receiver.
	rec := postForm(r, PathCallback, v1Form("", "1").Encode())
	if rec.Code != http.StatusInternalServerError || r.Callbacks()[0].Verified {
		t.Fatalf("status %d, recorded %+v", rec.Code, r.Callbacks())
	}
}

func TestCheckout(t *testing.T) {
	r := newTestReceiver(t, nil)
	if rec := postForm(r, PathCheckout, "token=14755c78-2e55-4171-ade2-7c9e7dc453ef"); rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if rec := postForm(r, PathCheckout, ""); rec.Code != 400 {
		t.Fatalf("no token: status %d", rec.Code)
	}
	cbs := r.Callbacks()
	if len(cbs) != 2 || cbs[0].Kind != KindCheckout || cbs[0].Form.Get("token") != "14755c78-2e55-4171-ade2-7c9e7dc453ef" ||
		cbs[0].Verified || cbs[0].Err != "" || cbs[1].Err != errTokenMissing {
		t.Fatalf("recorded %+v", cbs)
	}
}

func TestRoutesAndMethods(t *testing.T) {
	r := newTestReceiver(t, nil)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", PathCallback, 405}, {"GET", PathWebhook, 405}, {"PUT", PathCheckout, 405}, {"POST", "/nope", 404},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
	if len(r.Callbacks())+len(r.Deliveries()) != 0 {
		t.Fatal("routing errors were recorded")
	}
}

func TestWebhooks(t *testing.T) {
	ev := event("API_AUTH", "271591", "SUCCESS", 1681384532)
	good := ev.Sign(testWebhookKey)
	tamperedStatus := ev
	tamperedStatus.Status = "FAILURE"
	unknown := event("SOMETHING_NEW", "42", "SUCCESS", 1681384532)
	body, _ := json.Marshal(ev)
	// A second "status" member: encoding/json keeps the last (the signed
	// SUCCESS), a reader taking the first sees FAILURE; both names differ
	// only in case in the second form.
	dupStatus := bytes.Replace(body, []byte(`"status":"SUCCESS"`), []byte(`"status":"FAILURE","status":"SUCCESS"`), 1)
	dupFolded := bytes.Replace(body, []byte(`"status":"SUCCESS"`), []byte(`"STATUS":"FAILURE","status":"SUCCESS"`), 1)
	badUTF8 := bytes.Replace(body, []byte(`"eventTime":"`), []byte("\"eventTime\":\"\xff"), 1)

	tests := []struct {
		name         string
		send         func(h http.Handler) *httptest.ResponseRecorder
		wantStatus   int
		wantVerified bool
		wantErr      string
	}{
		{"valid", func(h http.Handler) *httptest.ResponseRecorder { return postWebhook(h, ev, good) }, 200, true, ""},
		{"unknown event type", func(h http.Handler) *httptest.ResponseRecorder {
			return postWebhook(h, unknown, unknown.Sign(testWebhookKey))
		}, 200, true, ""},
		{"missing signature", func(h http.Handler) *httptest.ResponseRecorder { return postWebhook(h, ev, "") }, 401, false, errSigMissing},
		{"wrong key", func(h http.Handler) *httptest.ResponseRecorder { return postWebhook(h, ev, ev.Sign("other")) }, 401, false, errSigMismatch},
		{"tampered status", func(h http.Handler) *httptest.ResponseRecorder { return postWebhook(h, tamperedStatus, good) }, 401, false, errSigMismatch},
		{"malformed JSON", func(h http.Handler) *httptest.ResponseRecorder { return postRaw(h, body[:len(body)-3], good) }, 400, false, errMalformedJSON},
		{"malformed unsigned", func(h http.Handler) *httptest.ResponseRecorder { return postRaw(h, []byte("{"), "") }, 401, false, errSigMissing},
		{"duplicate key", func(h http.Handler) *httptest.ResponseRecorder { return postRaw(h, dupStatus, good) }, 400, false, errDuplicateKey},
		{"duplicate key, other case", func(h http.Handler) *httptest.ResponseRecorder { return postRaw(h, dupFolded, good) }, 400, false, errDuplicateKey},
		{"invalid UTF-8", func(h http.Handler) *httptest.ResponseRecorder { return postRaw(h, badUTF8, good) }, 400, false, errInvalidUTF8},
		{"too large", func(h http.Handler) *httptest.ResponseRecorder {
			return postRaw(h, bytes.Repeat([]byte(" "), MaxBodyBytes+1), good)
		}, 413, false, errBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReceiver(t, nil)
			rec := tt.send(r)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			ds := r.Deliveries()
			if len(ds) != 1 {
				t.Fatalf("%d deliveries", len(ds))
			}
			d := ds[0]
			if d.Verified != tt.wantVerified || d.Err != tt.wantErr || d.HTTPStatus != tt.wantStatus || d.Duplicate {
				t.Fatalf("recorded %+v", d)
			}
			wantProcessed := 0
			if tt.wantVerified {
				wantProcessed = 1
			}
			if n := r.Processed(d.Event.EventType, d.Event.PayloadID); n != wantProcessed {
				t.Fatalf("Processed = %d, want %d", n, wantProcessed)
			}
		})
	}
}

func TestWebhookRecordsClaimedEventOfForgery(t *testing.T) {
	r := newTestReceiver(t, nil)
	ev := event("API_AUTH", "271591", "SUCCESS", 1681384532)
	postWebhook(r, ev, "bm90LWEtc2lnbmF0dXJl")
	d := r.Deliveries()[0]
	if d.Event.PayloadID != "271591" || d.Signature != "bm90LWEtc2lnbmF0dXJl" || d.Verified {
		t.Fatalf("recorded %+v", d)
	}
	if r.Processed("API_AUTH", "271591") != 0 {
		t.Fatal("a forged event was processed")
	}
}

func TestWebhookDedup(t *testing.T) {
	r := newTestReceiver(t, nil)
	ev := event("API_AUTH", "271591", "SUCCESS", 1681384532)
	for i := range 3 {
		rec := postWebhook(r, ev, ev.Sign(testWebhookKey))
		if rec.Code != 200 {
			t.Fatalf("delivery %d: %d", i, rec.Code)
		}
	}
	// Same event, another timestamp: a distinct event (a new attempt of
	// the action, not a retry).
	later := ev
	later.EventTimestamp++
	postWebhook(r, later, later.Sign(testWebhookKey))
	// Another status of the same payment: distinct too.
	failed := ev
	failed.Status = "FAILURE"
	postWebhook(r, failed, failed.Sign(testWebhookKey))

	ds := r.Deliveries()
	var dup []bool
	for _, d := range ds {
		dup = append(dup, d.Duplicate)
	}
	if fmt.Sprint(dup) != "[false true true false false]" {
		t.Fatalf("duplicate flags %v", dup)
	}
	if n := r.Processed("API_AUTH", "271591"); n != 3 {
		t.Fatalf("Processed = %d, want 3", n)
	}
}

func TestWebhookDedupConcurrent(t *testing.T) {
	r := newTestReceiver(t, nil)
	srv := httptest.NewServer(r)
	defer srv.Close()
	ev := event("THREEDS_VERIFY", "863", "SUCCESS", 1699477200)
	body, _ := json.Marshal(ev)
	sig := ev.Sign(testWebhookKey)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+PathWebhook, bytes.NewReader(body))
			req.Header.Set(craftgate.WebhookSignatureHeader, sig)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	fresh := 0
	for _, d := range r.Deliveries() {
		if !d.Duplicate {
			fresh++
		}
	}
	if fresh != 1 || r.Processed("THREEDS_VERIFY", "863") != 1 || len(r.Deliveries()) != 32 {
		t.Fatalf("fresh %d, processed %d, deliveries %d", fresh, r.Processed("THREEDS_VERIFY", "863"), len(r.Deliveries()))
	}
}

func TestFailWebhooksAndReset(t *testing.T) {
	r := newTestReceiver(t, nil)
	ev := event("API_AUTH", "9", "SUCCESS", 1681384532)
	sig := ev.Sign(testWebhookKey)
	r.FailWebhooks(503)
	if rec := postWebhook(r, ev, sig); rec.Code != 503 {
		t.Fatalf("failure rule: %d", rec.Code)
	}
	if rec := postWebhook(r, ev, "bad"); rec.Code != 401 {
		t.Fatalf("forged under the failure rule: %d, want 401", rec.Code)
	}
	if r.Processed("API_AUTH", "9") != 0 {
		t.Fatal("a refused delivery was processed")
	}
	r.FailWebhooks(0)
	// The retry after the failure is processed: it is not a duplicate.
	if rec := postWebhook(r, ev, sig); rec.Code != 200 {
		t.Fatalf("after FailWebhooks(0): %d", rec.Code)
	}
	ds := r.Deliveries()
	if len(ds) != 3 || ds[0].Err != "failure rule: answered 503" || !ds[0].Verified || ds[2].Duplicate || r.Processed("API_AUTH", "9") != 1 {
		t.Fatalf("deliveries %+v", ds)
	}
	r.FailWebhooks(42)
	if rec := postWebhook(r, ev, sig); rec.Code != 500 {
		t.Fatalf("invalid failure status: %d, want 500", rec.Code)
	}

	postForm(r, PathCallback, v1Form(testCallbackKey, "1").Encode())
	r.Reset()
	if len(r.Callbacks()) != 0 || len(r.Deliveries()) != 0 || r.Processed("API_AUTH", "9") != 0 {
		t.Fatal("Reset kept records")
	}
	if rec := postWebhook(r, ev, sig); rec.Code != 200 || r.Deliveries()[0].Duplicate {
		t.Fatalf("after Reset: %d %+v", rec.Code, r.Deliveries())
	}
}

func TestWaitDelivery(t *testing.T) {
	r := newTestReceiver(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// Already recorded before the wait.
	early := event("API_AUTH", "1", "SUCCESS", 100)
	postWebhook(r, early, early.Sign(testWebhookKey))
	d, err := r.WaitDelivery(ctx, func(d Delivery) bool { return d.Event.PayloadID == "1" })
	if err != nil || d.Event.PayloadID != "1" {
		t.Fatalf("early: %v %+v", err, d)
	}

	// Recorded while waiting; non-matching ones first.
	got := make(chan Delivery, 1)
	errc := make(chan error, 1)
	go func() {
		d, err := r.WaitDelivery(ctx, func(d Delivery) bool { return d.Verified && d.Event.PayloadID == "3" })
		got <- d
		errc <- err
	}()
	other := event("API_AUTH", "2", "SUCCESS", 100)
	postWebhook(r, other, other.Sign(testWebhookKey))
	want := event("REFUND", "3", "SUCCESS", 100)
	postWebhook(r, want, "forged")
	postWebhook(r, want, want.Sign(testWebhookKey))
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if d := <-got; d.Event.EventType != "REFUND" || !d.Verified {
		t.Fatalf("got %+v", d)
	}

	// Cancellation.
	cctx, ccancel := context.WithCancel(ctx)
	go func() {
		time.Sleep(10 * time.Millisecond)
		ccancel()
	}()
	if _, err := r.WaitDelivery(cctx, func(Delivery) bool { return false }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

func TestWaitCallback(t *testing.T) {
	r := newTestReceiver(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan Callback, 1)
	go func() {
		c, err := r.WaitCallback(ctx, func(c Callback) bool { return c.Kind == KindCheckout })
		if err != nil {
			t.Error(err)
		}
		done <- c
	}()
	postForm(r, PathCallback, v1Form(testCallbackKey, "1").Encode())
	postForm(r, PathCheckout, "token=tok-1")
	if c := <-done; c.Form.Get("token") != "tok-1" {
		t.Fatalf("got %+v", c)
	}
	// A nil match takes the first recorded.
	c, err := r.WaitCallback(ctx, nil)
	if err != nil || c.Kind != KindThreeDS {
		t.Fatalf("nil match: %v %+v", err, c)
	}
	// Copies: changing what was returned does not change the record.
	c.Form.Set("status", "CHANGED")
	if r.Callbacks()[0].Form.Get("status") != "SUCCESS" {
		t.Fatal("returned callbacks share the recorded form")
	}
	dctx, dcancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer dcancel()
	if _, err := r.WaitCallback(dctx, func(Callback) bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
}

func TestWaitSurvivesEviction(t *testing.T) {
	r := newTestReceiver(t, nil)
	r.maxRecorded = 3
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res := make(chan Callback, 1)
	go func() {
		c, err := r.WaitCallback(ctx, func(c Callback) bool { return c.Form.Get("token") == "t-9" })
		if err != nil {
			t.Error(err)
		}
		res <- c
	}()
	for i := range 10 {
		postForm(r, PathCheckout, fmt.Sprintf("token=t-%d", i))
	}
	if c := <-res; c.Form.Get("token") != "t-9" {
		t.Fatalf("got %+v", c)
	}
}

func TestBounded(t *testing.T) {
	r := newTestReceiver(t, nil)
	r.maxRecorded, r.maxDedup = 5, 4
	for i := range 12 {
		postForm(r, PathCheckout, fmt.Sprintf("token=t-%d", i))
		ev := event("API_AUTH", fmt.Sprint(i), "SUCCESS", 100)
		postWebhook(r, ev, ev.Sign(testWebhookKey))
	}
	cbs, ds := r.Callbacks(), r.Deliveries()
	if len(cbs) != 5 || cbs[0].Form.Get("token") != "t-7" || cbs[4].Form.Get("token") != "t-11" {
		t.Fatalf("callbacks %+v", cbs)
	}
	if len(ds) != 5 || ds[0].Event.PayloadID != "7" {
		t.Fatalf("deliveries %+v", ds)
	}
	r.mu.Lock()
	n := len(r.processed)
	r.mu.Unlock()
	if n != 4 || r.Processed("API_AUTH", "0") != 0 || r.Processed("API_AUTH", "11") != 1 {
		t.Fatalf("processed set holds %d", n)
	}
	// The default cap is the documented one.
	if d := newTestReceiver(t, nil); d.maxRecorded != MaxRecorded || MaxRecorded != 10_000 {
		t.Fatal("default cap")
	}
}

func TestLogMasksAndHidesKeys(t *testing.T) {
	var log bytes.Buffer
	r := newTestReceiver(t, &log)
	f := v1Form(testCallbackKey, "5258640000000001")
	postForm(r, PathCallback, f.Encode())
	ev := event("API_AUTH", "4111111111111111", "SUCCESS", 100)
	postWebhook(r, ev, ev.Sign(testWebhookKey))
	postWebhook(r, ev, "x")
	out := log.String()
	for _, bad := range []string{testCallbackKey, testWebhookKey, "5258640000000001", "4111111111111111", f.Get("hash"), ev.Sign(testWebhookKey)} {
		if strings.Contains(out, bad) {
			t.Errorf("log contains %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "525864******0001") || !strings.Contains(out, "411111******1111") {
		t.Errorf("log lacks the masked numbers:\n%s", out)
	}
}

func TestHooks(t *testing.T) {
	var mu sync.Mutex
	var cbs []Callback
	var ds []Delivery
	r := NewReceiver(Config{CallbackKey: testCallbackKey, WebhookKey: testWebhookKey,
		OnCallback: func(c Callback) { mu.Lock(); cbs = append(cbs, c); mu.Unlock() },
		OnDelivery: func(d Delivery) { mu.Lock(); ds = append(ds, d); mu.Unlock() }})
	postForm(r, PathCallback, v1Form(testCallbackKey, "1").Encode())
	ev := event("API_AUTH", "1", "SUCCESS", 100)
	postWebhook(r, ev, ev.Sign(testWebhookKey))
	postWebhook(r, ev, ev.Sign(testWebhookKey))
	mu.Lock()
	defer mu.Unlock()
	if len(cbs) != 1 || !cbs[0].Verified || len(ds) != 2 || ds[0].Duplicate || !ds[1].Duplicate || ds[1].HTTPStatus != 200 {
		t.Fatalf("hooks saw %+v %+v", cbs, ds)
	}
}

// FuzzReceiver checks that no input makes the Receiver panic or answer
// 2xx to an unverified webhook or callback.
func FuzzReceiver(f *testing.F) {
	ev := event("API_AUTH", "1", "SUCCESS", 100)
	b, _ := json.Marshal(ev)
	f.Add(uint8(0), []byte(v1Form(testCallbackKey, "1").Encode()), "")
	f.Add(uint8(0), []byte("hash=&hashParams=:::"), "")
	f.Add(uint8(1), []byte("token=a&token=b"), "")
	f.Add(uint8(2), b, ev.Sign(testWebhookKey))
	f.Add(uint8(2), []byte(`{"eventType":1}`), "sig")
	f.Add(uint8(2), []byte(`null`), "sig")
	f.Fuzz(func(t *testing.T, route uint8, body []byte, sig string) {
		r := newTestReceiver(t, nil)
		path := []string{PathCallback, PathCheckout, PathWebhook}[int(route)%3]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(craftgate.WebhookSignatureHeader, sig)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		ok := rec.Code >= 200 && rec.Code < 300
		switch path {
		case PathCallback:
			if c := r.Callbacks()[0]; ok != c.Verified {
				t.Fatalf("status %d for %+v", rec.Code, c)
			}
		case PathWebhook:
			if d := r.Deliveries()[0]; ok != d.Verified {
				t.Fatalf("status %d for %+v", rec.Code, d)
			}
		}
	})
}
