package rbsmock_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// lockedBuffer is a bytes.Buffer safe for the mock's concurrent logging.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLogsHoldNoSecretsOrPANs: the request log names method, path and
// status only; card numbers appear masked, credentials never.
func TestLogsHoldNoSecretsOrPANs(t *testing.T) {
	var buf lockedBuffer
	h := newHarness(t, func(c *rbsmock.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	reg := h.register(h.bank, false, 1000)
	h.pay(reg.FormURL, "4111111111111111", "12345678")
	reg = h.register(h.bank, false, 1000)
	h.pay(reg.FormURL, "4000000000000119", "")
	h.post(rbsmock.BankPath+"/register.do", "", "userName=x&password=leaked-pass")
	out := buf.String()
	if !strings.Contains(out, "path=/payment/rest/register.do") || !strings.Contains(out, "411111**1111") {
		t.Errorf("the log lacks requests or masked cards:\n%s", out)
	}
	for _, secret := range []string{testPass, testKey, "merchant-token", "leaked-pass", "4111111111111111", "4000000000000119", "12345678"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
