package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestForeignMockClockIsLeftAlone: @clock scenarios never move the clock of
// a mock gatecheck did not start (a --target URL) unless --move-clock says
// so; the embedded mock's clock is gatecheck's own.
func TestForeignMockClockIsLeftAlone(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantClock bool // @clock scenarios run
	}{
		{"embedded mock", []string{"--target", "mock"}, true},
		{"a mock at a URL", []string{"--target", "http://127.0.0.1:9"}, false},
		{"a mock at a URL, --move-clock", []string{"--target", "http://127.0.0.1:9", "--move-clock"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tf targetFlags
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			tf.register(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			tgt, err := tf.resolveCraftgate(context.Background(), io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer tgt.Close()
			var msg bytes.Buffer
			expr := tgt.clockFilter("@refund", &msg)
			if got := !strings.Contains(expr, "~@clock"); got != tt.wantClock {
				t.Fatalf("filter %q: @clock runs = %v, want %v", expr, got, tt.wantClock)
			}
			if !tt.wantClock && !strings.Contains(msg.String(), "--move-clock") {
				t.Errorf("no note that @clock was left out: %q", msg.String())
			}
		})
	}
}

// TestMockStartErrorsSayMockOnce: a state file the mock refuses at start is
// reported in one line that says "mock:" once (it read "mock: mock: mock:").
func TestMockStartErrorsSayMockOnce(t *testing.T) {
	dir := t.TempDir()
	corrupt := dir + "/corrupt.state"
	if err := os.WriteFile(corrupt, []byte("gatecheck-mock-state 3\nxxxxxxxx"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{corrupt, dir + "/missing/s.state"} {
		var out, errb bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		code := run(ctx, []string{"mock", "--addr", "127.0.0.1:0", "--state-file", path}, &out, &errb)
		cancel()
		msg := strings.TrimSpace(errb.String())
		if code == 0 || strings.Count(msg, "mock:") != 1 || strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
			t.Errorf("%s: exit %d, stderr %q: want one line naming the file, with mock: once", path, code, msg)
		}
	}
}
