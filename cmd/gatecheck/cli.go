package main

// Conventions every command shares: exit status 0 on success, 1 when
// tests, thresholds or the verdict fail, 2 for a usage or environment
// error (a bad flag, an unknown tag, an unreachable target), each reported
// in one line with a hint where one helps.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"time"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
)

// usageError is an error of invocation or environment: the command
// prints it in one line and exits with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// parseArgs parses a command's flags. -h prints the command's usage and
// returns flag.ErrHelp; any other parse error is reported in one line,
// with the closest flag names for an unknown flag, and returned as a
// usageError (exit status 2) instead of the flag package's full listing.
func parseArgs(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		name = strings.TrimLeft(name, "-")
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		msg = "unknown flag --" + name
		if s := features.Closest(name, known); len(s) > 0 {
			msg += " (did you mean --" + strings.Join(s, " or --") + "?)"
		}
	}
	cmd := strings.TrimPrefix(fs.Name(), "gatecheck ")
	return usageError{fmt.Errorf("%s; see 'gatecheck help %s'", msg, cmd)}
}

// Numeric flag checks, run before anything starts.

func checkPositive(name string, v int) error {
	if v < 1 {
		return usagef("--%s %d: want a whole number of at least 1", name, v)
	}
	return nil
}

func checkNonNegative(name string, v float64) error {
	if v < 0 {
		return usagef("--%s %g: want 0 or more", name, v)
	}
	return nil
}

func checkDuration(name string, d time.Duration) error {
	if d < 0 {
		return usagef("--%s %s: want 0 or more", name, d)
	}
	return nil
}

// suitePickles parses the embedded suite once per command.
func suitePickles() ([]*messages.Pickle, error) {
	p, err := features.Pickles(features.FS())
	if err != nil {
		return nil, fmt.Errorf("the embedded suite: %w", err)
	}
	return p, nil
}

// checkTags validates a user's tag filter against the suite: a malformed
// filter or an unknown tag is a usage error naming the close matches.
func checkTags(expr string, pickles []*messages.Pickle) error {
	if err := features.ValidateTags(expr, pickles); err != nil {
		return usageError{err}
	}
	return nil
}

// countSelected counts the pickles a filter selects.
func countSelected(expr string, pickles []*messages.Pickle) int {
	n := 0
	for _, p := range pickles {
		tags := make([]string, len(p.Tags))
		for i, t := range p.Tags {
			tags[i] = t.Name
		}
		if load.MatchTags(expr, tags) {
			n++
		}
	}
	return n
}

// preflight makes one plain request (is the target reachable?) and one
// signed request (do the keys open it?) before a suite runs against a
// target that is not the embedded mock. Its error is one line naming the
// cause: DNS, connection refused, TLS, timeout, or keys refused (401/403).
func preflight(ctx context.Context, tgt *resolved) error {
	if tgt.Embedded {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tgt.BaseURL, nil)
	if err != nil {
		return usagef("target %s: %v", tgt.Name, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return usagef("target %s is not reachable: %s", tgt.Name, netCause(err))
	}
	_ = resp.Body.Close()
	c, err := craftgate.New(craftgate.WithBaseURL(tgt.BaseURL), craftgate.WithAPIKey(tgt.APIKey), craftgate.WithSecretKey(tgt.SecretKey))
	if err != nil {
		return usagef("target %s: %v", tgt.Name, err)
	}
	_, err = c.RetrieveBin(ctx, "41322600")
	var ce *craftgate.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce) && (ce.HTTPStatus == http.StatusUnauthorized || ce.HTTPStatus == http.StatusForbidden):
		return usagef("target %s refused the API key (HTTP %d %s): check --api-key and --secret-key (CRAFTGATE_API_KEY, CRAFTGATE_SECRET_KEY)",
			tgt.Name, ce.HTTPStatus, ce.Code)
	case errors.As(err, &ce):
		return nil // authenticated: any other answer is the API's own
	}
	return usagef("target %s: the authentication call failed: %s", tgt.Name, netCause(err))
}

// netCause names the cause of a failed request in a few words.
func netCause(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("DNS: host %s not found", dnsErr.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return "TLS: the certificate does not verify"
	case errors.As(err, &recErr):
		return "TLS: the server does not speak TLS"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "no answer (timeout)"
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// suggestCommand names the commands closest to an unknown one.
func suggestCommand(name string) string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	names = append(names, "help")
	if s := features.Closest(name, names); len(s) > 0 && !slices.Contains(names, name) {
		return " (did you mean " + strings.Join(s, " or ") + "?)"
	}
	return ""
}
