package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

const (
	testCallbackKey = "probe-cb-key-0123456789abcdef012"
	testWebhookKey  = "probe-wh-key-fedcba9876543210fed"
)

// Case names of the battery, in order.
var (
	callbackCaseNames = []string{"v1-valid", "v2-valid", "hash-upper-case", "tampered-status", "tampered-payment-id",
		"v2-tampered", CaseV2HashParamsForgery, CaseBnplHashParamsForgery, "hash-missing", "wrong-key", "repeated-field", "replay", "already-returned"}
	webhookCaseNames = []string{"valid", "signature-missing", "wrong-key", "tampered-payload-id", "tampered-status",
		"replay", "old-timestamp", "unknown-event-type", "malformed-json"}
)

// forgedCases are the cases a verifying merchant must refuse.
var forgedCases = map[string]bool{
	"callback/tampered-status": true, "callback/tampered-payment-id": true, "callback/v2-tampered": true,
	"callback/" + CaseV2HashParamsForgery: true, "callback/" + CaseBnplHashParamsForgery: true,
	"callback/hash-missing": true, "callback/wrong-key": true,
	"webhook/signature-missing": true, "webhook/wrong-key": true, "webhook/tampered-payload-id": true, "webhook/tampered-status": true,
}

// verdicts builds the expected verdict of every case: def, then the
// exceptions.
func verdicts(def Verdict, except map[string]Verdict) map[string]Verdict {
	out := map[string]Verdict{}
	for _, n := range callbackCaseNames {
		out["callback/"+n] = def
	}
	for _, n := range webhookCaseNames {
		out["webhook/"+n] = def
	}
	for k, v := range except {
		out[k] = v
	}
	return out
}

func forgedOnly(v Verdict) map[string]Verdict {
	out := map[string]Verdict{}
	for k := range forgedCases {
		out[k] = v
	}
	return out
}

func merge(ms ...map[string]Verdict) map[string]Verdict {
	out := map[string]Verdict{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func status(code int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) })
}

// naiveV2Verifier is a merchant that recomputes the callback hash, v1 or v2,
// and compares it, but does not check what hashParams covers: the hole the
// hashParams forgeries find.
func naiveV2Verifier() http.Handler {
	rcv := merchant.NewReceiver(merchant.Config{CallbackKey: testCallbackKey, WebhookKey: testWebhookKey})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != merchant.PathCallback {
			rcv.ServeHTTP(w, r)
			return
		}
		if err := r.ParseForm(); err != nil || len(r.PostForm["status"]) > 1 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if h := r.PostForm.Get("hash"); h == "" || !strings.EqualFold(h, craftgate.CallbackHash(testCallbackKey, r.PostForm)) {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func TestProbeMerchants(t *testing.T) {
	tests := []struct {
		name           string
		handler        http.Handler
		want           map[string]Verdict
		wantOK         bool
		forgedAccepted int
	}{
		{
			name:    "gatecheck receiver",
			handler: merchant.NewReceiver(merchant.Config{CallbackKey: testCallbackKey, WebhookKey: testWebhookKey}),
			want:    verdicts(Pass, nil),
			wantOK:  true,
		},
		{
			name:    "recomputes the v2 hash without checking hashParams",
			handler: naiveV2Verifier(),
			want: verdicts(Pass, map[string]Verdict{
				"callback/" + CaseV2HashParamsForgery: Fail, "callback/" + CaseBnplHashParamsForgery: Fail,
			}),
			forgedAccepted: 2,
		},
		{
			name:    "naive: 200 to everything",
			handler: status(http.StatusOK),
			want: merge(verdicts(Pass, forgedOnly(Fail)), map[string]Verdict{
				"callback/repeated-field": Warn, "webhook/malformed-json": Warn,
			}),
			forgedAccepted: len(forgedCases),
		},
		{
			name:    "refuses everything with 401",
			handler: status(http.StatusUnauthorized),
			want: verdicts(Warn, merge(forgedOnly(Pass), map[string]Verdict{
				"callback/repeated-field": Pass, "webhook/malformed-json": Pass, "webhook/old-timestamp": Pass,
			})),
			wantOK: true,
		},
		{
			name: "redirects everything to a result page",
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/order/result", http.StatusSeeOther)
			}),
			want: merge(verdicts(Warn, forgedOnly(Warn)), map[string]Verdict{
				"callback/v1-valid": Pass, "callback/v2-valid": Pass, "callback/hash-upper-case": Pass,
				"callback/replay": Pass, "callback/already-returned": Pass,
			}),
			wantOK: true,
		},
		{
			name:    "server error on everything",
			handler: status(http.StatusInternalServerError),
			want:    verdicts(Warn, nil),
			wantOK:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			rep, err := Run(context.Background(), Config{
				CallbackURL: srv.URL + merchant.PathCallback, WebhookURL: srv.URL + merchant.PathWebhook,
				CallbackKey: testCallbackKey, WebhookKey: testWebhookKey, Timeout: 5 * time.Second,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Results) != len(tt.want) {
				t.Fatalf("%d results, want %d", len(rep.Results), len(tt.want))
			}
			for _, r := range rep.Results {
				key := r.Endpoint + "/" + r.Case
				if want, ok := tt.want[key]; !ok || r.Verdict != want {
					t.Errorf("%s: %s (%d, %s), want %s", key, r.Verdict, r.HTTPStatus, r.Note, want)
				}
				if r.Forged != forgedCases[key] {
					t.Errorf("%s: forged = %v", key, r.Forged)
				}
			}
			if rep.OK() != tt.wantOK || rep.Summary.ForgedAccepted != tt.forgedAccepted {
				t.Errorf("OK %v, forged accepted %d; summary %+v", rep.OK(), rep.Summary.ForgedAccepted, rep.Summary)
			}
			assertNoKeys(t, rep)
		})
	}
}

func assertNoKeys(t *testing.T, rep *Report) {
	t.Helper()
	var tbl, js bytes.Buffer
	if err := rep.WriteTable(&tbl); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{tbl.String(), js.String()} {
		for _, k := range []string{testCallbackKey, testWebhookKey} {
			if strings.Contains(out, k) {
				t.Fatalf("a key was written:\n%s", out)
			}
		}
	}
}

func TestProbeAgainstReceiverRecords(t *testing.T) {
	rcv := merchant.NewReceiver(merchant.Config{CallbackKey: testCallbackKey, WebhookKey: testWebhookKey})
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	now := time.Date(2026, 3, 4, 9, 10, 11, 123456789, time.UTC)
	rep, err := Run(context.Background(), Config{
		CallbackURL: srv.URL + "/callback?secret=s3", WebhookURL: srv.URL + "/webhook",
		CallbackKey: testCallbackKey, WebhookKey: testWebhookKey,
		PaymentID: "271591", ConversationID: "456d1297-908e-4bd6-a13b-4be31a6e47d5",
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.PaymentID != "271591" || strings.Contains(rep.CallbackURL, "secret") {
		t.Fatalf("report %+v", rep)
	}
	// Valid and replay: processed once, the replay marked duplicate.
	if n := rcv.Processed("API_AUTH", "271591"); n != 1 {
		t.Fatalf("API_AUTH 271591 processed %d times", n)
	}
	var dups, verified int
	timeFormat := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`)
	for _, d := range rcv.Deliveries() {
		if d.Duplicate {
			dups++
		}
		if d.Verified {
			verified++
			if !timeFormat.MatchString(d.Event.EventTime) {
				t.Errorf("eventTime %q", d.Event.EventTime)
			}
		}
	}
	if dups != 1 || verified != 4 { // valid, replay, old-timestamp, unknown type
		t.Fatalf("duplicates %d, verified %d", dups, verified)
	}
	if d := rcv.Deliveries()[0]; d.Event.EventTimestamp != now.Unix() || d.Event.EventTime != "2026-03-04T12:10:11.123456" {
		t.Fatalf("first delivery %+v", d.Event)
	}
	cbs := rcv.Callbacks()
	if len(cbs) != len(callbackCaseNames) {
		t.Fatalf("%d callbacks", len(cbs))
	}
	first := cbs[0].Form
	if first.Get("paymentId") != "271591" || first.Get("conversationId") != "456d1297-908e-4bd6-a13b-4be31a6e47d5" ||
		!cbs[0].Verified {
		t.Fatalf("first callback %+v", cbs[0])
	}
	// Every case but replay and already-returned uses a payment id of its own.
	seen := map[string]string{}
	for i, c := range cbs {
		name := callbackCaseNames[i]
		if name == "replay" || name == "already-returned" {
			if c.Form.Get("paymentId") != "271591" {
				t.Errorf("%s: paymentId %s", name, c.Form.Get("paymentId"))
			}
			continue
		}
		id := c.Form.Get("paymentId")
		if prev, dup := seen[id]; dup {
			t.Errorf("%s and %s share paymentId %s", prev, name, id)
		}
		seen[id] = name
	}
	if v2 := cbs[1]; v2.Form.Get("hashParams") == "" || !v2.Verified {
		t.Fatalf("v2 callback %+v", v2)
	}
}

func TestProbeOnlyOneEndpoint(t *testing.T) {
	srv := httptest.NewServer(merchant.NewReceiver(merchant.Config{WebhookKey: testWebhookKey}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{WebhookURL: srv.URL + "/webhook", WebhookKey: testWebhookKey})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != len(webhookCaseNames) || !rep.OK() {
		t.Fatalf("results %+v", rep.Results)
	}
	for _, r := range rep.Results {
		if r.Endpoint != EndpointWebhook {
			t.Fatalf("callback case sent: %+v", r)
		}
	}
}

func TestProbeUnreachable(t *testing.T) {
	srv := httptest.NewServer(status(200))
	url := srv.URL + "/callback"
	srv.Close()
	rep, err := Run(context.Background(), Config{CallbackURL: url, CallbackKey: testCallbackKey, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Summary.Error != len(callbackCaseNames) {
		t.Fatalf("summary %+v", rep.Summary)
	}
	for _, r := range rep.Results {
		if r.Verdict != Error || r.Err == "" {
			t.Fatalf("result %+v", r)
		}
	}
}

func TestProbeTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	rep, err := Run(context.Background(), Config{WebhookURL: srv.URL, WebhookKey: testWebhookKey, Timeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Error != len(webhookCaseNames) {
		t.Fatalf("summary %+v", rep.Summary)
	}
}

func TestProbeConfigErrors(t *testing.T) {
	for _, cfg := range []Config{
		{},
		{CallbackURL: "http://127.0.0.1:1/cb"},
		{WebhookURL: "http://127.0.0.1:1/wh"},
		{CallbackURL: "ftp://127.0.0.1/cb", CallbackKey: "k"},
		{CallbackURL: "/relative", CallbackKey: "k"},
		{CallbackURL: "http://127.0.0.1:1/cb", CallbackKey: "k", PaymentID: "abc"},
		{CallbackURL: "http://127.0.0.1:1/cb", CallbackKey: "k", PaymentID: "-3"},
	} {
		if _, err := Run(context.Background(), cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestReportJSON(t *testing.T) {
	srv := httptest.NewServer(status(200))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{CallbackURL: srv.URL, CallbackKey: testCallbackKey})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Results) != len(rep.Results) || back.Summary != rep.Summary || back.Results[3].Verdict != Fail {
		t.Fatalf("round trip %+v", back)
	}
	if len(rep.PaymentID) != 9 || !regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(rep.ConversationID) {
		t.Fatalf("generated ids %q %q", rep.PaymentID, rep.ConversationID)
	}
}
