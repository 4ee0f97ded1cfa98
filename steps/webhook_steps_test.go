package steps

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseNamesAndDurations(t *testing.T) {
	names, err := ParseNames("status, paymentId and mdStatus")
	if err != nil || strings.Join(names, "|") != "status|paymentId|mdStatus" {
		t.Errorf("ParseNames = %q, %v", names, err)
	}
	if _, err := ParseNames(" "); err == nil {
		t.Error("an empty list must be refused")
	}
	ds, err := ParseDurations("30s, 10s, 3m and 30m")
	want := []time.Duration{30 * time.Second, 10 * time.Second, 3 * time.Minute, 30 * time.Minute}
	if err != nil || len(ds) != len(want) {
		t.Fatalf("ParseDurations = %v, %v", ds, err)
	}
	for i := range want {
		if ds[i] != want[i] {
			t.Errorf("duration %d = %v, want %v", i, ds[i], want[i])
		}
	}
	for _, bad := range []string{"0s", "10 parsecs", ""} {
		if _, err := ParseDurations(bad); err == nil {
			t.Errorf("ParseDurations(%q) should fail", bad)
		}
	}
}

// TestAttemptsSpacedTolerance checks the schedule comparison on a made-up
// record: exact gaps pass, a gap much shorter or longer than its delay
// fails, swapped delays fail.
func TestAttemptsSpacedTolerance(t *testing.T) {
	w := newTestWorld(t, nil)
	w.schedule = &webhookSchedule{mock: true, timeScale: 0.001}
	const list = "30s, 10s, 30s, 3m, 10m and 30m"
	record := func(gaps ...time.Duration) *mockWebhook {
		start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		h := &mockWebhook{EventType: "API_AUTH", PayloadID: "1", State: webhookGaveUp, CreatedAt: start}
		at := start
		for _, g := range gaps {
			at = at.Add(g)
			h.Attempts = append(h.Attempts, mockAttempt{At: at, HTTPStatus: 500})
		}
		return h
	}
	ms := time.Millisecond
	cases := []struct {
		name string
		gaps []time.Duration
		ok   bool
	}{
		{"exact", []time.Duration{30 * ms, 10 * ms, 30 * ms, 180 * ms, 600 * ms, 1800 * ms}, true},
		{"a little late", []time.Duration{31 * ms, 12 * ms, 33 * ms, 190 * ms, 640 * ms, 1850 * ms}, true},
		{"a retry far too early", []time.Duration{30 * ms, 10 * ms, 30 * ms, 90 * ms, 600 * ms, 1800 * ms}, false},
		{"a retry far too late", []time.Duration{30 * ms, 10 * ms, 30 * ms, 180 * ms, 2000 * ms, 1800 * ms}, false},
		{"swapped", []time.Duration{10 * ms, 30 * ms, 30 * ms, 180 * ms, 600 * ms, 1800 * ms}, false},
		{"one attempt missing", []time.Duration{30 * ms, 10 * ms, 30 * ms, 180 * ms, 600 * ms}, false},
	}
	for _, c := range cases {
		w.mockWebhook = record(c.gaps...)
		err := w.attemptsSpaced(context.Background(), list)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

// TestCloseRestoresSettings checks that a World sets back exactly the
// mock settings it changed, to their values before the first change.
func TestCloseRestoresSettings(t *testing.T) {
	var posts []map[string]any
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		if r.URL.Path != pathMockSettings {
			return answer(404, `{"errors":{"errorCode":"1101","errorDescription":"no route"}}`), nil
		}
		if r.Method == http.MethodPost {
			var body map[string]any
			b, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(b, &body); err != nil {
				t.Errorf("POST body %s: %v", b, err)
			}
			posts = append(posts, body)
		}
		return answer(200, `{"data":{"threeDSMode":"FULL_THREEDS","threeDSModel":"3D","webhookDuplicate":false,"timeScale":0.001}}`), nil
	})
	if err := run(t, w, `the merchant's 3-D Secure mode is "HALF_THREEDS"`, "the merchant's POS uses the 3D Pay model", `the merchant's 3-D Secure mode is "FULL_THREEDS"`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(posts) != 4 {
		t.Fatalf("%d settings changes, want 3 and one restore: %v", len(posts), posts)
	}
	restore := posts[3]
	if len(restore) != 2 || restore["threeDSMode"] != "FULL_THREEDS" || restore["threeDSModel"] != "3D" {
		t.Errorf("restore %v, want the two changed settings at their first values", restore)
	}
	if err := w.Close(context.Background()); err != nil || len(posts) != 4 {
		t.Errorf("a second Close must do nothing: %v, %d posts", err, len(posts))
	}
}

func TestMockOnlyStepsSayWhatIsMissing(t *testing.T) {
	w := newTestWorld(t, func(r *http.Request) (*http.Response, error) {
		return answer(404, `{"errors":{"errorCode":"1101","errorDescription":"no route"}}`), nil
	})
	err := run(t, w, `the merchant's 3-D Secure mode is "HALF_THREEDS"`)
	if err == nil || !strings.Contains(err.Error(), "@mock @serial") {
		t.Errorf("against a provider without the settings route: %v", err)
	}
	for _, sentence := range []string{
		"the buyer starts a 3-D Secure payment with a successful credit card",
		"the merchant has created a checkout form for the basket",
	} {
		w := newTestWorld(t, nil)
		if err := run(t, w, "a basket of 10.00 TRY with items of 10.00", sentence); err == nil || !strings.Contains(err.Error(), "merchant URL") {
			t.Errorf("%s without a merchant URL: %v", sentence, err)
		}
	}
	if err := run(t, newTestWorld(t, nil), "the merchant's webhook endpoint is failing with HTTP 500"); err == nil || !strings.Contains(err.Error(), "receiver") {
		t.Errorf("without a receiver: %v", err)
	}
}
