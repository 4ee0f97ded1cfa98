package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

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

// readJSONFile decodes the JSON file at path into v, failing t if it
// cannot.
func readJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestMockCommandPrintsBaseURLAndServes(t *testing.T) {
	base, stderr, stop := startMockCommand(t, "--api-key", "k1", "--secret-key", "s3cr3t-value")
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first stdout line = %q, want the base URL", base)
	}
	ctx := context.Background()
	c, err := craftgate.New(craftgate.WithBaseURL(base), craftgate.WithAPIKey("k1"), craftgate.WithSecretKey("s3cr3t-value"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.CreatePayment(ctx, cardPaymentRequest())
	if err != nil || p.PaymentStatus != "SUCCESS" {
		t.Fatalf("payment through `gatecheck mock`: %v %+v", err, p)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit code %d, stderr %q", code, stderr.String())
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
	// Filters that cannot run are usage errors, before anything starts:
	// an unknown tag (with the close matches), a malformed filter (godog
	// itself would panic), a filter that selects nothing on the target.
	for _, tt := range []struct{ tags, want string }{
		{"@3dss", "did you mean @3ds?"},
		{"@no-such-tag", "no scenario has the tag @no-such-tag"},
		{"@3ds &&", "nothing on one side"},
		{"@3ds & @refund", "is not a tag"},
		{"@rbs && @non3ds", "selects no scenario"},
	} {
		out.Reset()
		errb.Reset()
		if code := run(context.Background(), []string{"conform", "--tags", tt.tags}, &out, &errb); code != 2 ||
			!strings.Contains(errb.String(), tt.want) || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("--tags %q: exit %d, stderr %q", tt.tags, code, errb.String())
		}
	}
	// An unreachable target is one line and exit status 2.
	out.Reset()
	errb.Reset()
	code := run(context.Background(), []string{"conform", "--tags", "@non3ds && ~@error-card", "--api-key", "a", "--secret-key", "b",
		"--target", "http://127.0.0.1:1"}, &out, &errb)
	if code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "connection refused") {
		t.Fatalf("unreachable target: exit %d, want 2\n%s", code, errb.String())
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

// Every command follows one convention: 0 success, 1 a failure of what
// was tested, 2 a usage error reported in one line with a hint.
func TestCLIConventions(t *testing.T) {
	tests := []struct {
		args       []string
		code       int
		out, err   string
		errOneLine bool
	}{
		{args: []string{"--version"}, code: 0, out: "gatecheck "},
		{args: []string{"version"}, code: 0, out: "gatecheck "},
		{args: []string{"help"}, code: 0, out: "Commands:"},
		{args: []string{"help", "signoff"}, code: 0, err: "-merchant-webhook-url"},
		{args: []string{"help", "cards"}, code: 0, err: "-step"},
		{args: []string{"signof"}, code: 2, err: "did you mean signoff?", errOneLine: true},
		{args: []string{"confrom"}, code: 2, err: "did you mean conform?", errOneLine: true},
		{args: []string{"cards", "--stpe", "X"}, code: 2, err: "did you mean --step?", errOneLine: true},
		{args: []string{"cards", "--step", "X"}, code: 2, err: "--step \"X\"", errOneLine: true},
		{args: []string{"cards", "--step", "NON_3DS_PAYMNT"}, code: 2, err: "did you mean NON_3DS_PAYMENT?", errOneLine: true},
		{args: []string{"conform", "--concurrency", "0"}, code: 2, err: "--concurrency 0", errOneLine: true},
		{args: []string{"conform", "--concurrency", "x"}, code: 2, errOneLine: true},
		{args: []string{"signoff", "--load-duration", "-1s"}, code: 2, err: "--load-duration", errOneLine: true},
		{args: []string{"report", "diff", "a"}, code: 2, errOneLine: true},
		{args: []string{"load", "--vus", "0"}, code: 2, err: "--vus 0", errOneLine: true},
		{args: []string{"load", "--rate", "-5"}, code: 2, err: "--rate -5", errOneLine: true},
		{args: []string{"load", "--vsu", "3"}, code: 2, err: "did you mean --vus?", errOneLine: true},
		{args: []string{"probe", "--nope"}, code: 2, errOneLine: true},
		{args: []string{"probe", "--webhook-url", "http://127.0.0.1:1/w", "--webhook-key", "k", "--timeout", "0s"}, code: 2, err: "--timeout", errOneLine: true},
		{args: []string{"mock", "--time-scale", "-1"}, code: 2, err: "--time-scale", errOneLine: true},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("%q: exit %d (want %d)\nstdout %q\nstderr %q", tt.args, code, tt.code, out.String(), errb.String())
		}
		if tt.errOneLine && strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%q: stderr is not one line: %q", tt.args, errb.String())
		}
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
	ctx := context.Background()
	base, _, stop := startMockCommand(t)
	defer stop()
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
	ctx := context.Background()
	base, _, stop := startMockCommand(t)
	defer stop()
	c, err := rbs.New(rbs.WithBaseURL(base+"/rbs/payment/rest"), rbs.WithCredentials(rbsmock.DefaultUserName, rbsmock.DefaultPassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Register(ctx, &rbs.RegisterRequest{OrderNumber: "cli-1", Amount: 10000, ReturnURL: "http://127.0.0.1/ok"}); err != nil {
		t.Fatalf("register.do through gatecheck mock: %v", err)
	}
}
