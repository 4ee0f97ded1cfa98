package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/gatecheck/gatecheck/mock"
)

// A failed preflight names its cause in a few words.
func TestNetCause(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Get", URL: "https://x.invalid", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Name: "x.invalid", Err: "no such host", IsNotFound: true}}},
			"DNS: host x.invalid not found"},
		{&url.Error{Op: "Get", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}},
			"connection refused"},
		{&url.Error{Op: "Get", URL: "https://self-signed", Err: x509.UnknownAuthorityError{}}, "TLS: the certificate does not verify"},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), "no answer (timeout)"},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		if got := netCause(tt.err); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.err, got, tt.want)
		}
	}
}

// Keys the target refuses stop the run in the preflight: one line, exit
// status 2, no report folder.
func TestPreflightRefusedKeys(t *testing.T) {
	base, _, shutdown, err := serveMock(context.Background(), "127.0.0.1:0", mock.Config{APIKey: "right-key", SecretKey: "right-secret", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"signoff", "--target", base, "--api-key", "wrong-key", "--secret-key", "wrong-secret", "--out", out}, &stdout, &stderr)
	if code != 2 || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "refused the API key (HTTP 401") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if strings.Contains(stderr.String(), "wrong-secret") {
		t.Error("the secret was printed")
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a refused sign-off left %v", entries)
	}
}
