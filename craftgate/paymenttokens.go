package craftgate

import (
	"context"
	"net/http"
)

// Apple Pay merchant sessions and payment tokens (official clients): the
// merchant's page asks Craftgate for the Apple Pay session Apple's JS
// needs; a payment token keeps a value (an issuer's token) for later.
const (
	PathApplePayMerchantSessions = "/payment/v1/apple-pay/merchant-sessions"
	PathPaymentTokens            = "/payment/v1/payment-tokens"
)

// ApplePayMerchantSessionRequest is the body of merchant-sessions.
type ApplePayMerchantSessionRequest struct {
	MerchantIdentifier string `json:"merchantIdentifier"`
	DisplayName        string `json:"displayName"`
	Initiative         string `json:"initiative"`
	InitiativeContext  string `json:"initiativeContext"`
	ValidationURL      string `json:"validationUrl"`
}

// PaymentToken is a payment token; also the body of create (Value,
// Issuer).
type PaymentToken struct {
	Token  string `json:"token,omitempty"`
	Value  string `json:"value,omitempty"`
	Issuer string `json:"issuer"`
}

// CreateApplePayMerchantSession answers Apple's opaque merchant session.
func (c *Client) CreateApplePayMerchantSession(ctx context.Context, req *ApplePayMerchantSessionRequest) (map[string]any, error) {
	out, err := post[map[string]any](ctx, c, PathApplePayMerchantSessions, req)
	if err != nil {
		return nil, err
	}
	return *out, nil
}

// CreatePaymentToken keeps a value behind a token.
func (c *Client) CreatePaymentToken(ctx context.Context, value, issuer string) (*PaymentToken, error) {
	return post[PaymentToken](ctx, c, PathPaymentTokens, &PaymentToken{Value: value, Issuer: issuer})
}

// DeletePaymentToken deletes a payment token.
func (c *Client) DeletePaymentToken(ctx context.Context, token string) error {
	path, err := segmentPath(PathPaymentTokens, token, "", "token")
	if err != nil {
		return err
	}
	return c.Do(ctx, http.MethodDelete, path, nil, nil, nil)
}
