package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMockCommandPrintsBaseURLAndServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mock", "--addr", "127.0.0.1:0", "--api-key", "k1", "--secret-key", "s3cr3t-value"}, pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the base URL: %v (stderr %q)", err, stderr.String())
	}
	base := strings.TrimSpace(line)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first stdout line = %q, want the base URL", line)
	}
	go io.Copy(io.Discard, pr)

	c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey("k1"), craftgate.WithSecretKey("s3cr3t-value"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePayment(ctx, &craftgate.CreatePaymentRequest{
		Price: craftgate.MustAmount("10"), PaidPrice: craftgate.MustAmount("10"), Installment: 1, Currency: "TRY",
		Card:  &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: "5258640000000001", ExpireYear: "2044", ExpireMonth: "07", CVC: "000"},
		Items: []craftgate.PaymentItem{{Name: "x", Price: craftgate.MustAmount("10")}},
	})
	if err != nil || p.PaymentStatus != "SUCCESS" {
		t.Fatalf("payment through `gatecheck mock`: %v %+v", err, p)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d, stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop after cancellation")
	}
	if strings.Contains(stderr.String(), "s3cr3t-value") {
		t.Fatal("the secret key was printed")
	}
}

func TestConformCommandAgainstEmbeddedMock(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"conform", "--format", "progress", "--concurrency", "4"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "0 failed") {
		t.Fatalf("summary missing: %s", errb.String())
	}
	for _, tc := range craftgate.TestCards().ErrorCards() {
		if strings.Contains(out.String()+errb.String(), tc.Number) {
			t.Fatalf("output holds the full card number %s", tc.Masked())
		}
	}
}

func TestConformCommandTagFilterAndFailureExit(t *testing.T) {
	var out, errb bytes.Buffer
	// A tag that selects nothing runs nothing and passes.
	if code := run(context.Background(), []string{"conform", "--tags", "@no-such-tag"}, &out, &errb); code != 0 {
		t.Fatalf("empty selection: exit %d: %s", code, errb.String())
	}
	// A wrong secret key against the embedded mock fails the suite: exit 1.
	out.Reset()
	errb.Reset()
	code := run(context.Background(), []string{"conform", "--tags", "@non3ds && ~@error-card", "--api-key", "a", "--secret-key", "b",
		"--target", "http://127.0.0.1:1"}, &out, &errb)
	if code != 1 {
		t.Fatalf("unreachable target: exit %d, want 1\n%s", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), "secret-key b") {
		t.Fatal("secret printed")
	}
}

func TestTargetRefusesProduction(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"conform", "--target", craftgate.ProductionURL, "--api-key", "a", "--secret-key", "b"}, &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "production") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

func TestCardsCommand(t *testing.T) {
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"cards", "--json", "--step", "NON_3DS_PAYMENT"}, 55},
		{[]string{"cards", "--json", "--step", "CANCEL_REFUND"}, 11},
		{[]string{"cards", "--json", "--outcome", "success"}, 339 + 5}, // and the five multi-currency cards
		{[]string{"cards", "--json", "--group", "NOT_SUFFICIENT_FUNDS", "--step", "NON_3DS_PAYMENT"}, 4},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := run(context.Background(), c.args, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d %s", c.args, code, errb.String())
		}
		var rows []cardRow
		if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
			t.Fatal(err)
		}
		if len(rows) != c.want {
			t.Errorf("%v: %d rows, want %d", c.args, len(rows), c.want)
		}
		for _, r := range rows {
			if strings.Count(r.Number, "*") == 0 {
				t.Fatalf("%v: unmasked number without --full", c.args)
			}
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"nope"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

func TestHelpNeverShowsKeysFromTheEnvironment(t *testing.T) {
	t.Setenv("CRAFTGATE_SECRET_KEY", "env-secret-value-123")
	t.Setenv("CRAFTGATE_API_KEY", "env-api-key-456")
	for _, cmd := range []string{"conform", "load", "signoff"} {
		var out, errb bytes.Buffer
		run(context.Background(), []string{cmd, "-h"}, &out, &errb)
		if s := out.String() + errb.String(); strings.Contains(s, "env-secret-value-123") || strings.Contains(s, "env-api-key-456") {
			t.Errorf("%s -h prints a key from the environment", cmd)
		}
	}
}

func TestAPICommandSignsAndPrints(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	go func() { run(ctx, []string{"mock", "--addr", "127.0.0.1:0"}, pw, io.Discard); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := strings.TrimSpace(line)
	body := `{"price":10,"paidPrice":10,"walletPrice":0,"installment":1,"currency":"TRY","card":{"cardHolderName":"Haluk Demir","cardNumber":"5258640000000001","expireYear":"2044","expireMonth":"07","cvc":"000"},"items":[{"name":"x","price":10}]}`
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"api", "POST", "/payment/v1/card-payments", "--target", base, "--data", body}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), `"paymentStatus": "SUCCESS"`) || strings.Contains(out.String(), "5258640000000001") {
		t.Fatalf("answer not printed or card not masked:\n%s", out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"api", "GET", "/payment/v1/card-payments/1", "--target", base}, &out, &errb); code != 1 {
		t.Fatalf("unknown payment: exit %d, want 1", code)
	}
	if code := run(ctx, []string{"api", "GET"}, &out, &errb); code != 2 {
		t.Fatalf("missing path: exit %d, want 2", code)
	}
}

// TestMockServesRBSUnderPrefix: `gatecheck mock` also answers the Alfa-Bank
// gateway under /rbs/ with its default credentials.
func TestMockServesRBSUnderPrefix(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	go func() { run(ctx, []string{"mock", "--addr", "127.0.0.1:0"}, pw, io.Discard); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	c, err := rbs.New(rbs.WithBaseURL(strings.TrimSpace(line)+"/rbs/payment/rest"), rbs.WithCredentials(rbsmock.DefaultUserName, rbsmock.DefaultPassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(ctx, &rbs.RegisterRequest{OrderNumber: "cli-1", Amount: 10000, ReturnURL: "http://127.0.0.1/ok"}); err != nil {
		t.Fatalf("register.do through gatecheck mock: %v", err)
	}
}
