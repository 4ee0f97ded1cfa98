package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
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
