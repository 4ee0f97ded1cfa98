package craftgate

import (
	"context"
)

// BNPL credit-limit inquiry (official clients; ZIP asks the buyer's
// phone, identity number and birth date, then an OTP): init sends the
// code, inquiry answers the limit in additionalData.
const (
	PathBnplLimitInquiry     = PathBnplPayments + "/limit-inquiry"
	PathBnplLimitInquiryInit = PathBnplLimitInquiry + "/init"
)

// BnplLimitInquiryRequest is the body of both calls.
type BnplLimitInquiryRequest struct {
	ApmType          string            `json:"apmType"`
	MerchantApmID    int64             `json:"merchantApmId,omitempty"`
	AdditionalParams map[string]string `json:"additionalParams"`
}

// BnplLimitInquiryResponse is the answer of both calls; a refusal comes in
// ErrorCode and ErrorMessage with paymentStatus FAILURE.
type BnplLimitInquiryResponse struct {
	PaymentStatus    string         `json:"paymentStatus"`
	AdditionalAction string         `json:"additionalAction"`
	ErrorCode        string         `json:"errorCode,omitempty"`
	ErrorMessage     string         `json:"errorMessage,omitempty"`
	AdditionalData   map[string]any `json:"additionalData,omitempty"`
}

// InitBnplLimitInquiry starts a limit inquiry.
func (c *Client) InitBnplLimitInquiry(ctx context.Context, req *BnplLimitInquiryRequest) (*BnplLimitInquiryResponse, error) {
	return post[BnplLimitInquiryResponse](ctx, c, PathBnplLimitInquiryInit, req)
}

// BnplLimitInquiry finishes a limit inquiry with the OTP.
func (c *Client) BnplLimitInquiry(ctx context.Context, req *BnplLimitInquiryRequest) (*BnplLimitInquiryResponse, error) {
	return post[BnplLimitInquiryResponse](ctx, c, PathBnplLimitInquiry, req)
}
