package rbs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// ErrorCode is the gateway's errorCode. On the wire it is absent (register
// success), a string ("0", "1") or a number (0); UnmarshalJSON accepts all
// three. Present reports whether the answer carried one.
type ErrorCode struct {
	Code    int
	Present bool
}

// UnmarshalJSON reads a number, a quoted number, an empty string or null.
func (e *ErrorCode) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*e = ErrorCode{}
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("rbs: errorCode %s: %w", b, err)
		}
		if s == "" {
			*e = ErrorCode{}
			return nil
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("rbs: errorCode %s: not a number", b)
	}
	*e = ErrorCode{Code: n, Present: true}
	return nil
}

// Error is the one typed error for an errorCode other than 0: get it from
// any client call with errors.As or AsError. The message is localised by
// the request's language; branch on Code, never on Message.
type Error struct {
	// Method is the gateway method, e.g. "register.do".
	Method string
	// HTTPStatus is the response status (the gateway answers 200 with an
	// errorCode; the mock uses 4xx only for transport-level problems).
	HTTPStatus int
	// Code is errorCode (1..99).
	Code int
	// Message is errorMessage.
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("rbs: %s: errorCode %d: %s", e.Method, e.Code, e.Message)
}

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// HasCode reports whether err carries the gateway errorCode code.
func HasCode(err error, code int) bool {
	e := AsError(err)
	return e != nil && e.Code == code
}

// ErrUnexpectedResponse wraps an answer that is not the gateway's JSON.
var ErrUnexpectedResponse = errors.New("rbs: unexpected response")

// Error codes the reference documents (docs/reference/alfabank/rbs-gateway.md §5). Their meaning
// depends on the method; see the tables there.
const (
	CodeOK               = 0
	CodeDuplicateOrder   = 1 // register: order number used; status: no order id given
	CodeUnknownCurrency  = 3 // register
	CodeMissingParameter = 4 // register: missing mandatory parameter, bad return URL
	CodeWrongParameter   = 5 // access denied, wrong value, invalid amount
	CodeUnknownOrder     = 6 // status, deposit, reverse, refund: order not found
	CodeWrongState       = 7 // operation impossible in the order's state, limits, system error
	CodeEmptyAmount      = 12
	// CodeClassicDeclined is getOrderStatus.do's ErrorCode 2: the answer
	// is a status, of a payment the issuer declined. The binding methods
	// use 2 for a binding in the wrong state or none found.
	CodeClassicDeclined = 2
	CodeBindingState    = 2
	CodeFeatureConflict = 13
	CodeBadFeatures     = 14
)
