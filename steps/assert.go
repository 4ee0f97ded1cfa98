package steps

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// mismatches collects the differences found by one assertion, so a failing
// step reports all of them at once, each as "what: expected X, got Y".
type mismatches []string

// check records a difference when want != got.
func (m *mismatches) check(what string, want, got any) {
	if want != got {
		*m = append(*m, fmt.Sprintf("%s: expected %s, got %s", what, show(want), show(got)))
	}
}

// same is check for two values of one type: it boxes them (for the
// message) only when they differ, where check's arguments are boxed on
// every call. The assertions every load iteration runs use it.
func same[T comparable](m *mismatches, what string, want, got T) {
	if want != got {
		*m = append(*m, fmt.Sprintf("%s: expected %s, got %s", what, show(want), show(got)))
	}
}

// show prints strings quoted (so an empty one is visible) and anything else
// plainly.
func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// amount records a difference between two amounts (compared as decimals:
// 100 equals 100.00).
func (m *mismatches) amount(what string, want, got craftgate.Amount) {
	if !want.Equal(got.Decimal) {
		*m = append(*m, fmt.Sprintf("%s: expected %s, got %s", what, fmtAmount(want), fmtAmount(got)))
	}
}

// addf records a free-form difference.
func (m *mismatches) addf(format string, args ...any) {
	*m = append(*m, fmt.Sprintf(format, args...))
}

// errf is err with the subject formatted only when something differed:
// the assertions of every load iteration format nothing when they hold.
func (m mismatches) errf(format string, args ...any) error {
	if len(m) == 0 {
		return nil
	}
	return m.err(fmt.Sprintf(format, args...))
}

// err returns nil when nothing differed, else one error naming the subject.
func (m mismatches) err(subject string) error {
	if len(m) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", subject, strings.Join(m, "; "))
}

// fmtAmount prints an amount with at least two decimals.
func fmtAmount(a craftgate.Amount) string {
	if a.Exponent() >= -2 {
		return a.StringFixed(2)
	}
	return a.String()
}

// describeErr says what a call returned, for "expected ..., got ..."
// messages: the provider's error as status, code, group and description.
func describeErr(err error) string {
	if err == nil {
		return "success"
	}
	if ce := craftgate.AsError(err); ce != nil {
		s := fmt.Sprintf("HTTP %d errorCode %q", ce.HTTPStatus, ce.Code)
		if ce.Group != "" {
			s += fmt.Sprintf(" errorGroup %q", ce.Group)
		}
		if ce.Description != "" {
			s += fmt.Sprintf(" (%s)", ce.Description)
		}
		return s
	}
	return err.Error()
}

// codeNumber returns an errorCode as a number, or -1.
func codeNumber(code string) int {
	n, err := strconv.Atoi(code)
	if err != nil {
		return -1
	}
	return n
}

// decodeEnvelope parses body as the provider's error envelope; the
// errorCode must be present.
func decodeEnvelope(body []byte) (craftgate.ErrorBody, error) {
	var env struct {
		Errors *craftgate.ErrorBody `json:"errors"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return craftgate.ErrorBody{}, fmt.Errorf("%w: %w", errNoEnvelope, err)
	}
	if env.Errors == nil || env.Errors.ErrorCode == "" {
		return craftgate.ErrorBody{}, errNoEnvelope
	}
	return *env.Errors, nil
}

// expectPaymentError checks that err is the provider's payment (bank) error:
// HTTP 422, errorCode above 10000, errorGroup group and, when code is not
// empty, that errorCode.
func expectPaymentError(subject string, err error, group, code string) error {
	ce := craftgate.AsError(err)
	if ce == nil {
		return fmt.Errorf("%s: expected a decline with errorGroup %q (HTTP 422), got %s", subject, group, describeErr(err))
	}
	var m mismatches
	m.check("HTTP status", 422, ce.HTTPStatus)
	m.check("errorGroup", group, ce.Group)
	if !ce.IsPaymentError() {
		m.addf("errorCode: expected a payment error code above 10000, got %q", ce.Code)
	}
	if code != "" {
		m.check("errorCode", code, ce.Code)
	}
	return m.err(subject)
}

// expectValidationError checks that err is a validation error: HTTP 400,
// errorCode below 10000, no errorGroup and, when code is not empty, that
// errorCode.
func expectValidationError(subject string, err error, code string) error {
	ce := craftgate.AsError(err)
	if ce == nil {
		return fmt.Errorf("%s: expected a validation error (HTTP 400, errorCode below 10000, no errorGroup), got %s", subject, describeErr(err))
	}
	var m mismatches
	m.check("HTTP status", 400, ce.HTTPStatus)
	if n := codeNumber(ce.Code); n < 0 || n >= 10000 {
		m.addf("errorCode: expected a validation code below 10000, got %q", ce.Code)
	}
	m.check("errorGroup", "", ce.Group)
	if code != "" {
		m.check("errorCode", code, ce.Code)
	}
	return m.err(subject)
}

// withArg parses the argument of a step with parse and gets what the step
// compares it with (the payment, the refund, ...): the start of every step
// that checks something the scenario made against a value it names.
func withArg[A, T any](arg string, parse func(string) (A, error), get func() (T, error)) (A, T, error) {
	return both(func() (A, error) { return parse(arg) }, get)
}

// both gets the two things a step works on, failing on the first error.
func both[A, B any](a func() (A, error), b func() (B, error)) (A, B, error) {
	x, err := a()
	if err != nil {
		var zero B
		return x, zero, err
	}
	y, err := b()
	return x, y, err
}

// withAmount is withArg for an amount.
func withAmount[T any](amount string, get func() (T, error)) (craftgate.Amount, T, error) {
	return withArg(amount, ParseAmount, get)
}

// expectDone fails a step whose call failed, with "expected <what>, got
// <what the call returned>"; what (format and args) is formatted only
// then. It returns nil when err is nil.
func expectDone(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("expected %s, got %s", fmt.Sprintf(format, args...), describeErr(err))
}

// expectRefused checks that err is the provider's error envelope with an
// HTTP status from lo to hi; otherwise the step fails with "expected
// <what>, got <what the call returned>" (what is formatted only then).
func expectRefused(err error, lo, hi int, format string, args ...any) error {
	if ce := craftgate.AsError(err); ce != nil && ce.HTTPStatus >= lo && ce.HTTPStatus <= hi {
		return nil
	}
	return fmt.Errorf("expected %s, got %s", fmt.Sprintf(format, args...), describeErr(err))
}

// expectStatus is expectRefused for exactly one HTTP status.
func expectStatus(err error, status int, format string, args ...any) error {
	return expectRefused(err, status, status, format, args...)
}

// expect4xx is expectRefused for any client error (HTTP 4xx).
func expect4xx(err error, format string, args ...any) error {
	return expectRefused(err, 400, 499, format, args...)
}

// verify is the body of a step that checks something the scenario made:
// get returns it (its error, such as "nothing made yet", fails the step
// as it is) and check records the differences in m and reports them,
// usually with m.errf.
func verify[T any](get func() (T, error), check func(v T, m *mismatches) error) error {
	v, err := get()
	if err != nil {
		return err
	}
	var m mismatches
	return check(v, &m)
}
