package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/merchant"
	"github.com/gatecheck/gatecheck/probe"
)

const (
	probeCallbackKey = "probe-cli-cb-key-31b8f0a2c4e6d8f0"
	probeWebhookKey  = "probe-cli-wh-key-5c7e9a1b3d5f7092"
)

func TestProbeCommand(t *testing.T) {
	receiver := httptest.NewServer(merchant.NewReceiver(merchant.Config{CallbackKey: probeCallbackKey, WebhookKey: probeWebhookKey}))
	defer receiver.Close()
	naive := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "thanks")
	}))
	defer naive.Close()

	keys := []string{"--callback-key", probeCallbackKey, "--webhook-key", probeWebhookKey}
	urls := func(base string) []string {
		return []string{"--callback-url", base + "/callback", "--webhook-url", base + "/webhook"}
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{"receiver passes", append(urls(receiver.URL), keys...), 0,
			[]string{"ENDPOINT  CASE", "callback  tampered-status", "401  PASS", "22 cases: 22 PASS, 0 WARN, 0 FAIL, 0 ERROR"}},
		{"naive merchant fails", append(urls(naive.URL), keys...), 1,
			[]string{"hash-missing", "FAIL     forged call accepted", "11 FAIL", "accepted 11 forged call(s)"}},
		{"ids overridden", append(append(urls(receiver.URL), keys...), "--payment-id", "271591", "--conversation-id", "456d1297-908e-4bd6-a13b-4be31a6e47d5"), 0,
			[]string{"paymentId 271591, conversationId 456d1297-908e-4bd6-a13b-4be31a6e47d5"}},
		{"webhooks only", []string{"--webhook-url", naive.URL + "/webhook", "--webhook-key", probeWebhookKey}, 1,
			[]string{"9 cases: 4 PASS, 1 WARN, 4 FAIL"}},
		{"no URL", keys, 2, nil},
		{"URL without its key", []string{"--callback-url", receiver.URL + "/callback"}, 2, nil},
		{"bad payment id", append(append(urls(receiver.URL), keys...), "--payment-id", "x1"), 2, nil},
		{"unknown flag", []string{"--nope"}, 2, nil},
		{"stray argument", append(append(urls(receiver.URL), keys...), "extra"), 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CRAFTGATE_CALLBACK_KEY", "")
			t.Setenv("CRAFTGATE_WEBHOOK_KEY", "")
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"probe"}, tt.args...), &stdout, &stderr)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout.String(), stderr.String())
			}
			out := stdout.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, k := range []string{probeCallbackKey, probeWebhookKey} {
				if strings.Contains(out+stderr.String(), k) {
					t.Fatalf("a key was printed:\n%s%s", out, stderr.String())
				}
			}
		})
	}
}

func TestProbeCommandJSON(t *testing.T) {
	naive := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer naive.Close()
	t.Setenv("CRAFTGATE_CALLBACK_KEY", probeCallbackKey) // keys may come from the environment
	t.Setenv("CRAFTGATE_WEBHOOK_KEY", "")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"probe", "--json", "--callback-url", naive.URL + "/cb?token=secret-token",
		"--payment-id", "271591"}, &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	var rep probe.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if len(rep.Results) != 13 || rep.Summary.ForgedAccepted != 7 || rep.PaymentID != "271591" || rep.WebhookURL != "" {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(rep.Results[0].Description, "paymentId 271591") {
		t.Errorf("description %q", rep.Results[0].Description)
	}
	if strings.Contains(stdout.String(), "secret-token") || strings.Contains(stdout.String(), probeCallbackKey) {
		t.Fatalf("a secret was printed:\n%s", stdout.String())
	}
}
