package craftgate

import (
	"context"
	"net/http"
)

// Paths of the checkout form (common payment page) endpoints
// (docs/reference/craftgate/endpoints.md B.7, docs/reference/craftgate/flows.md section 7).
const (
	PathCheckoutPayments = "/payment/v1/checkout-payments"
	PathCheckoutInit     = PathCheckoutPayments + "/init"
)

// PaymentSourceCheckoutForm is the paymentSource of payments made on the
// checkout page.
const PaymentSourceCheckoutForm = "CHECKOUT_FORM"

// InitCheckoutPaymentRequest is the body of POST
// /payment/v1/checkout-payments/init: the basket, no card (the buyer enters
// it on the page).
type InitCheckoutPaymentRequest struct {
	Price          Amount `json:"price"`
	PaidPrice      Amount `json:"paidPrice"`
	Currency       string `json:"currency"`
	PaymentGroup   string `json:"paymentGroup,omitempty"`
	PaymentPhase   string `json:"paymentPhase,omitempty"`
	ConversationID string `json:"conversationId,omitempty"`
	ExternalID     string `json:"externalId,omitempty"`
	PaymentChannel string `json:"paymentChannel,omitempty"`
	OrderID        string `json:"orderId,omitempty"`
	// CallbackURL receives the browser's form POST with the single field
	// token, after a successful or a failed payment.
	CallbackURL string        `json:"callbackUrl"`
	Items       []PaymentItem `json:"items"`
	// EnabledInstallments are the installment options shown on the page
	// (a single payment is always available).
	EnabledInstallments   []int    `json:"enabledInstallments,omitempty"`
	EnabledPaymentMethods []string `json:"enabledPaymentMethods,omitempty"`
	// TTL is the token's lifetime in minutes.
	TTL                                 int64          `json:"ttl,omitempty"`
	ForceThreeDS                        bool           `json:"forceThreeDS,omitempty"`
	AllowOnlyCreditCard                 bool           `json:"allowOnlyCreditCard,omitempty"`
	AllowOnlyStoredCards                bool           `json:"allowOnlyStoredCards,omitempty"`
	AlwaysStoreCardAfterPayment         bool           `json:"alwaysStoreCardAfterPayment,omitempty"`
	AllowInstallmentOnlyCommercialCards bool           `json:"allowInstallmentOnlyCommercialCards,omitempty"`
	ForceAuthForNonCreditCards          bool           `json:"forceAuthForNonCreditCards,omitempty"`
	DepositPayment                      bool           `json:"depositPayment,omitempty"`
	BuyerMemberID                       int64          `json:"buyerMemberId,omitempty"`
	CardUserKey                         string         `json:"cardUserKey,omitempty"`
	FraudParams                         *FraudParams   `json:"fraudParams,omitempty"`
	AdditionalParams                    map[string]any `json:"additionalParams,omitempty"`
}

// InitCheckoutPaymentResponse is the answer to checkout init: send the
// buyer to PageURL; the payment made there is retrieved by Token.
type InitCheckoutPaymentResponse struct {
	Token           string `json:"token"`
	PageURL         string `json:"pageUrl"`
	TokenExpireDate string `json:"tokenExpireDate"`
}

// InitCheckoutPayment creates a checkout page (POST
// /payment/v1/checkout-payments/init).
func (c *Client) InitCheckoutPayment(ctx context.Context, req *InitCheckoutPaymentRequest) (*InitCheckoutPaymentResponse, error) {
	return post[InitCheckoutPaymentResponse](ctx, c, PathCheckoutInit, req)
}

// RetrieveCheckoutPayment fetches the payment made on a checkout page (GET
// /payment/v1/checkout-payments/{token}); paymentSource is CHECKOUT_FORM.
// Never fulfil an order on the callback's token alone: retrieve, and
// compare conversationId, amount and status with the order.
func (c *Client) RetrieveCheckoutPayment(ctx context.Context, token string) (*Payment, error) {
	return doSegment[Payment](ctx, c, http.MethodGet, PathCheckoutPayments, token, "", "checkout token", nil)
}

// ExpireCheckoutPayment expires an unused checkout token (DELETE
// /payment/v1/checkout-payments/{token}); the answer has no content.
func (c *Client) ExpireCheckoutPayment(ctx context.Context, token string) error {
	path, err := segmentPath(PathCheckoutPayments, token, "", "checkout token")
	if err != nil {
		return err
	}
	return c.Do(ctx, http.MethodDelete, path, nil, nil, nil)
}
