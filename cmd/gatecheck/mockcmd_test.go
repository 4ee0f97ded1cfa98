package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// TestMockCommandWebhooks runs `gatecheck mock` with the webhook flags and
// receives a signed webhook at the scaled delay; no key is printed.
func TestMockCommandWebhooks(t *testing.T) {
	const webhookKey, callbackKey = "flag-webhook-key-0123456789", "flag-callback-key-0123456789"
	var mu sync.Mutex
	var got []*craftgate.WebhookEvent
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e, err := craftgate.VerifyWebhook(webhookKey, body, r.Header.Get(craftgate.WebhookSignatureHeader))
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got = append(got, e)
		mu.Unlock()
	}))
	defer recv.Close()

	base, stderr, stop := startMockCommand(t, "--webhook-url", recv.URL+"/hook", "--webhook-key", webhookKey,
		"--callback-key", callbackKey, "--time-scale", "0.001", "--threeds-mode", "HALF_THREEDS", "--threeds-model", "3D_PAY",
		"--webhook-duplicate")
	ctx := context.Background()
	c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey(defaultMockAPIKey),
		craftgate.WithSecretKey(defaultMockSecretKey))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePayment(ctx, cardPaymentRequest())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d webhooks (stderr %q)", n, stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	if got[0].EventType != "API_AUTH" || got[0].PayloadID != strconv.FormatInt(p.ID, 10) || got[0].EventTimestamp != got[1].EventTimestamp || got[1].PayloadID != got[0].PayloadID {
		t.Errorf("webhook %+v", got[0])
	}
	mu.Unlock()
	if code := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stderr.String()
	for _, secret := range []string{webhookKey, callbackKey, defaultMockSecretKey} {
		if strings.Contains(out, secret) {
			t.Fatalf("stderr shows a key: %s", out)
		}
	}
	for _, want := range []string{"HALF_THREEDS", "3D_PAY", "webhooks to " + recv.URL + "/hook", "duplicate true", "stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q: %s", want, out)
		}
	}
}

func TestMockCommandRejectsBadSettings(t *testing.T) {
	for _, args := range [][]string{
		{"--threeds-mode", "SOMETIMES"}, {"--threeds-model", "2D"}, {"--webhook-url", "ftp://x"}, {"--time-scale", "-1"},
	} {
		var stderr syncBuffer
		code := run(context.Background(), append([]string{"mock", "--addr", "127.0.0.1:0"}, args...), io.Discard, &stderr)
		if code != 2 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, want 2 and one line (%s)", args, code, stderr.String())
		}
	}
}

// cardPaymentRequest is a 10 TRY payment of one item with a card the mock
// approves.
func cardPaymentRequest() *craftgate.CreatePaymentRequest {
	return &craftgate.CreatePaymentRequest{
		Price: craftgate.MustAmount("10"), PaidPrice: craftgate.MustAmount("10"), Installment: 1, Currency: "TRY",
		Card:  &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: "5258640000000001", ExpireYear: "2044", ExpireMonth: "07", CVC: "000"},
		Items: []craftgate.PaymentItem{{Name: "a", Price: craftgate.MustAmount("10")}},
	}
}

// startMockCommand runs `gatecheck mock` with args and returns its base
// URL and a function that stops it and returns its exit code.
func startMockCommand(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	pr, stderr, done, cancel := runInProcess(append([]string{"mock", "--addr", "127.0.0.1:0"}, args...))
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading the base URL: %v (stderr %q)", err, stderr.String())
	}
	go io.Copy(io.Discard, pr)
	return strings.TrimSpace(line), stderr, stopper(t, "mock", cancel, done)
}

// runInProcess runs gatecheck with args in a goroutine and returns its
// stdout, its stderr, its exit code once it ends, and the cancel of its
// context.
func runInProcess(args []string) (*io.PipeReader, *syncBuffer, <-chan int, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, args, pw, stderr)
		pw.Close()
	}()
	return pr, stderr, done, cancel
}

// stopper returns a function that cancels an in-process command (name in
// the failure message) and returns its exit code, failing the test when it
// does not stop within 10 s.
func stopper(t *testing.T, name string, cancel context.CancelFunc, done <-chan int) func() int {
	return func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal(name + " did not stop")
			return -1
		}
	}
}

// TestMockCommandReliabilityFlags runs `gatecheck mock` with a fault file,
// the rate flags, a store capacity and a state file, and restarts it from
// the state file.
func TestMockCommandReliabilityFlags(t *testing.T) {
	dir := t.TempDir()
	faults := dir + "/faults.json"
	if err := os.WriteFile(faults, []byte(`{"rules":[{"operation":"POST /payment/v1/card-payments","fault":"error","status":502,"count":1}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	state := dir + "/mock.state"
	base, stderr, stop := startMockCommand(t, "--faults", faults, "--latency", "uniform:1ms-2ms", "--max-concurrency", "50",
		"--store-capacity", "5000", "--state-file", state, "--snapshot-interval", "0")
	c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey(defaultMockAPIKey), craftgate.WithSecretKey(defaultMockSecretKey))
	if err != nil {
		t.Fatal(err)
	}
	req := cardPaymentRequest()
	req.ConversationID = "cli-state"
	if _, err := c.CreatePayment(context.Background(), req); craftgate.AsError(err) == nil || craftgate.AsError(err).HTTPStatus != 502 {
		t.Fatalf("first payment: %v, want the file's 502", err)
	}
	p, err := c.CreatePayment(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"2 fault rules", "at most 50 requests in flight", "store capacity 5000", "state file " + state} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %s", want, stderr.String())
		}
	}
	// Restarted from the state file, the payment is there.
	base, stderr, stop = startMockCommand(t, "--state-file", state)
	defer stop()
	c, err = craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey(defaultMockAPIKey), craftgate.WithSecretKey(defaultMockSecretKey))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.RetrievePayment(context.Background(), p.ID)
	if err != nil || got.ConversationID != "cli-state" {
		t.Fatalf("after the restart: %+v %v (%s)", got, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "1 payments restored") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestMockCommandRejectsBadReliabilityFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--error-rate", "1.5"}, {"--latency", "pareto:1ms"}, {"--latency", "uniform:5ms"}, {"--max-concurrency", "-1"},
		{"--store-capacity", "0"}, {"--faults", "/nonexistent/faults.json"}, {"--snapshot-interval", "-1s"},
	} {
		var stderr syncBuffer
		code := run(context.Background(), append([]string{"mock", "--addr", "127.0.0.1:0"}, args...), io.Discard, &stderr)
		if code != 2 || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, want 2 and one line (%s)", args, code, stderr.String())
		}
	}
}

// TestMockCommandTrustProxyReachesRBS: --trust-proxy governs the RBS mock
// under /rbs/ as it does the Craftgate mock: a client's X-Forwarded-Proto
// sets the scheme of formUrl only with the flag.
func TestMockCommandTrustProxyReachesRBS(t *testing.T) {
	for _, c := range []struct {
		args   []string
		scheme string
	}{{nil, "http"}, {[]string{"--trust-proxy"}, "https"}} {
		base, stderr, stop := startMockCommand(t, c.args...)
		form := url.Values{"userName": {rbsmock.DefaultUserName}, "password": {rbsmock.DefaultPassword},
			"orderNumber": {"cli-proxy"}, "amount": {"1000"}, "returnUrl": {"https://shop.test/ok"}}
		req, err := http.NewRequest(http.MethodPost, base+"/rbs"+rbsmock.BankPath+"/register.do", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var reg struct {
			FormURL string `json:"formUrl"`
		}
		err = json.NewDecoder(resp.Body).Decode(&reg)
		resp.Body.Close()
		if code := stop(); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr.String())
		}
		if err != nil {
			t.Fatalf("%v: register.do: HTTP %d: %v", c.args, resp.StatusCode, err)
		}
		if want := c.scheme + "://" + strings.TrimPrefix(base, "http://") + "/rbs/payment/"; !strings.HasPrefix(reg.FormURL, want) {
			t.Errorf("%v: formUrl %q, want it to start with %s", c.args, reg.FormURL, want)
		}
	}
}
