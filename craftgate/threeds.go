package craftgate

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
)

// Paths of the 3-D Secure endpoints (docs/reference/craftgate/endpoints.md B.3, B.4).
const (
	PathThreeDSInit     = PathCardPayments + "/3ds-init"
	PathThreeDSComplete = PathCardPayments + "/3ds-complete"
)

// Values of InitThreeDSPaymentResponse.AdditionalAction.
const (
	ActionShowHTMLContent  = "SHOW_HTML_CONTENT"
	ActionRedirectToURL    = "REDIRECT_TO_URL"
	ActionContinueInClient = "CONTINUE_IN_CLIENT"
	ActionNone             = "NONE"
)

// Values of the callback form fields (docs/reference/craftgate/flows.md 2.2).
const (
	CompleteStatusWaiting   = "WAITING"
	CompleteStatusCompleted = "COMPLETED"
	CallbackAlreadyReturned = "ALREADY_RETURNED"
)

// ThreeDSCallbackVersionParam is the additionalParams key that asks for the
// version 2 (hashParams) callback: set it to 2 on the init request.
const ThreeDSCallbackVersionParam = "threeDSCallbackVersion"

// InitThreeDSPaymentRequest is the body of POST
// /payment/v1/card-payments/3ds-init: every field of a create-payment
// request (the embedded struct is flattened into the same JSON object) plus
// the URL the buyer's browser is form-POSTed to after verification.
type InitThreeDSPaymentRequest struct {
	CreatePaymentRequest
	CallbackURL string `json:"callbackUrl"`
}

// UseCallbackV2 asks for the version 2 (hashParams) callback by setting
// additionalParams.threeDSCallbackVersion to 2.
func (r *InitThreeDSPaymentRequest) UseCallbackV2() {
	if r.AdditionalParams == nil {
		r.AdditionalParams = map[string]any{}
	}
	r.AdditionalParams[ThreeDSCallbackVersionParam] = 2
}

// InitThreeDSPaymentResponse is the answer to 3ds-init. The payment is now
// INIT_THREEDS; the buyer's browser must render DecodedHTML (when
// AdditionalAction is SHOW_HTML_CONTENT) or go to RedirectURL.
type InitThreeDSPaymentResponse struct {
	// HTMLContent is base64-encoded HTML; see DecodedHTML.
	HTMLContent      string `json:"htmlContent"`
	PaymentID        int64  `json:"paymentId"`
	RedirectURL      string `json:"redirectUrl"`
	PaymentStatus    string `json:"paymentStatus"`
	AdditionalAction string `json:"additionalAction"`
}

// DecodedHTML base64-decodes HTMLContent. Standard padded base64 is what
// the docs describe; unpadded and URL-safe forms are accepted too.
func (r *InitThreeDSPaymentResponse) DecodedHTML() (string, error) {
	if r.HTMLContent == "" {
		return "", errors.New("craftgate: 3ds-init answered no htmlContent")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(r.HTMLContent); err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("craftgate: htmlContent is not base64 (%d characters)", len(r.HTMLContent))
}

// InitThreeDSPayment starts a 3-D Secure payment (POST
// /payment/v1/card-payments/3ds-init). A card that fails already at init
// returns an *Error with HTTP 422 and its errorGroup.
func (c *Client) InitThreeDSPayment(ctx context.Context, req *InitThreeDSPaymentRequest) (*InitThreeDSPaymentResponse, error) {
	return post[InitThreeDSPaymentResponse](ctx, c, PathThreeDSInit, req)
}

// completeThreeDSRequest is the body of 3ds-complete.
type completeThreeDSRequest struct {
	PaymentID int64 `json:"paymentId"`
}

// CompleteThreeDSPayment completes a verified 3-D Secure payment (POST
// /payment/v1/card-payments/3ds-complete {paymentId}); call it only after a
// callback with a valid hash, status SUCCESS and completeStatus WAITING. A
// bank decline returns an *Error with HTTP 422 and its errorGroup.
func (c *Client) CompleteThreeDSPayment(ctx context.Context, paymentID int64) (*Payment, error) {
	return post[Payment](ctx, c, PathThreeDSComplete, completeThreeDSRequest{PaymentID: paymentID})
}
