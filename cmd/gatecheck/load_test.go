package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadCommandAgainstEmbeddedMock(t *testing.T) {
	out := filepath.Join(t.TempDir(), "load.json")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"load", "--duration", "2s", "--iterations", "300", "--vus", "4", "--json", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "POST /payment/v1/card-payments") || !strings.Contains(stdout.String(), "0 failed") {
		t.Fatalf("summary:\n%s", stdout.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Iterations, Failures int }
	if err := json.Unmarshal(b, &res); err != nil || res.Iterations != 300 || res.Failures != 0 {
		t.Fatalf("json result %+v, %v", res, err)
	}
	if strings.Contains(stderr.String(), "\x1b[") {
		t.Error("escape codes on a non-terminal")
	}
}

func TestLoadSafetyRails(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"production refused", []string{"load", "--target", "https://api.craftgate.io", "--api-key", "a", "--secret-key", "b"}, "production"},
		{"sandbox needs consent", []string{"load", "--target", "sandbox", "--api-key", "a", "--secret-key", "b"}, "--sandbox-ok"},
		{"sandbox rate cap", []string{"load", "--target", "sandbox", "--sandbox-ok", "--rate", "50", "--api-key", "a", "--secret-key", "b"}, "cap"},
		{"unbounded refused", []string{"load", "--duration", "0"}, "duration or an iteration count"},
		{"bad mix", []string{"load", "--mix", "x"}, "mix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, &stdout, &stderr)
			if code == 0 || !strings.Contains(stderr.String(), c.want) {
				t.Fatalf("exit %d, stderr %q, want it to mention %q", code, stderr.String(), c.want)
			}
			if strings.Contains(stderr.String()+stdout.String(), "secret-key b") {
				t.Fatal("secret printed")
			}
		})
	}
}

func TestLoadProfiles(t *testing.T) {
	var stdout, stderr bytes.Buffer
	smoke := filepath.Join("..", "..", "scenarios", "smoke.json")
	t.Setenv("GATECHECK_ITERATIONS", "60")
	if code := run(context.Background(), []string{"load", "--profile", smoke}, &stdout, &stderr); code != 0 {
		t.Fatalf("smoke profile: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "60 iterations") || !strings.Contains(stdout.String(), "thresholds: all passed") {
		t.Fatalf("smoke output:\n%s", stdout.String())
	}
	// An impossible threshold fails the run.
	strict := filepath.Join(t.TempDir(), "strict.json")
	if err := os.WriteFile(strict, []byte(`{"name":"strict","iterations":20,"vus":2,"thresholds":{"p95":{"*":"1us"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"load", "--profile", strict}, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "THRESHOLD FAILED") {
		t.Fatalf("strict profile: exit %d\n%s", code, stdout.String())
	}
}

// TestRBSLoadProfile runs the Alfa-Bank mix against the RBS gateway the
// embedded mock serves under /rbs/ (the profile's rbsTarget), so its calls
// are measured; and refuses a remote RBS gateway without --sandbox-ok.
func TestRBSLoadProfile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	t.Setenv("GATECHECK_ITERATIONS", "120")
	t.Setenv("GATECHECK_VUS", "4")
	prof := filepath.Join("..", "..", "scenarios", "rbs.json")
	if code := run(context.Background(), []string{"load", "--profile", prof}, &stdout, &stderr); code != 0 {
		t.Fatalf("rbs profile: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "120 iterations") || !strings.Contains(out, "thresholds: all passed") ||
		!strings.Contains(out, "POST /rbs/payment/rest/register.do") {
		t.Fatalf("rbs profile output:\n%s", out)
	}
	stdout.Reset()
	stderr.Reset()
	code := run(context.Background(), []string{"load", "--profile", prof, "--rbs-target", "https://alfa.rbsuat.com/payment/rest",
		"--rbs-user", "u", "--rbs-password", "p"}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "needs --sandbox-ok") {
		t.Fatalf("remote RBS gateway without --sandbox-ok: exit %d\n%s", code, stderr.String())
	}
}
