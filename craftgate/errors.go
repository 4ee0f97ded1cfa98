package craftgate

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrorBody is the content of Craftgate's error envelope
// {"errors": {...}}. errorCode is a string on the wire: codes above 10000 are
// payment errors and always carry an errorGroup; codes below 10000 are
// validation (integration) errors without one.
type ErrorBody struct {
	ErrorCode        string         `json:"errorCode"`
	ErrorDescription string         `json:"errorDescription"`
	ErrorGroup       string         `json:"errorGroup,omitempty"`
	ProviderError    *ProviderError `json:"providerError,omitempty"`
}

// ProviderError is the raw bank or APM error some responses carry.
type ProviderError struct {
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// ErrorEnvelope is the whole error response body.
type ErrorEnvelope struct {
	Errors ErrorBody `json:"errors"`
}

// Error is the one typed error for every answer Craftgate (or the mock)
// gives in its error envelope. Use errors.As to get it from any client call.
type Error struct {
	// HTTPStatus is the response status (422 for payment errors).
	HTTPStatus int
	// Code is errorCode, e.g. "10051" or "4152".
	Code string
	// Group is errorGroup, e.g. "NOT_SUFFICIENT_FUNDS"; empty for validation errors.
	Group string
	// Description is errorDescription.
	Description string
	// Provider is the optional raw provider error.
	Provider *ProviderError
}

// Error implements error.
func (e *Error) Error() string {
	if e.Group != "" {
		return fmt.Sprintf("craftgate: HTTP %d: %s %s: %s", e.HTTPStatus, e.Code, e.Group, e.Description)
	}
	return fmt.Sprintf("craftgate: HTTP %d: %s: %s", e.HTTPStatus, e.Code, e.Description)
}

// IsPaymentError reports whether the error came from a bank or provider
// (errorCode above 10000), as opposed to a validation error.
func (e *Error) IsPaymentError() bool {
	n, err := strconv.Atoi(e.Code)
	return err == nil && n > 10000
}

// Body returns the error as the envelope content.
func (e *Error) Body() ErrorBody {
	return ErrorBody{ErrorCode: e.Code, ErrorDescription: e.Description, ErrorGroup: e.Group, ProviderError: e.Provider}
}

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	if err == nil {
		return nil // without errors.As, whose target would be allocated
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
