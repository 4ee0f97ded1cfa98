package craftgate

import (
	"context"
	"net/http"
)

// Split payments ("parçalı ödeme"): a hosted page where the buyer pays
// the total price in parts, each an ordinary card payment; the result is
// read by token, and MULTI_PAYMENT_COMPLETED tells the merchant when the
// whole price is paid.
const (
	PathMultiPayments     = "/payment/v1/multi-payments"
	PathMultiPaymentInit  = PathMultiPayments + "/init"
	EventMultiPaymentDone = "MULTI_PAYMENT_COMPLETED"
)

// Multi-payment statuses.
const (
	MultiPaymentCreated   = "CREATED"
	MultiPaymentCompleted = "COMPLETED"
)

// InitMultiPaymentRequest is the body of multi-payments/init.
type InitMultiPaymentRequest struct {
	Price                    Amount         `json:"price"`
	Currency                 string         `json:"currency"`
	PaymentGroup             string         `json:"paymentGroup,omitempty"`
	ConversationID           string         `json:"conversationId,omitempty"`
	ExternalID               string         `json:"externalId,omitempty"`
	CallbackURL              string         `json:"callbackUrl"`
	PaymentChannel           string         `json:"paymentChannel,omitempty"`
	EnabledPaymentMethods    []string       `json:"enabledPaymentMethods,omitempty"`
	EnabledInstallments      []int          `json:"enabledInstallments,omitempty"`
	CardUserKey              string         `json:"cardUserKey,omitempty"`
	BuyerMemberID            int64          `json:"buyerMemberId,omitempty"`
	AllowOnlyCreditCard      bool           `json:"allowOnlyCreditCard,omitempty"`
	DisableStoreCard         bool           `json:"disableStoreCard,omitempty"`
	ForceThreeDS             bool           `json:"forceThreeDS,omitempty"`
	ApmUserIdentity          string         `json:"apmUserIdentity,omitempty"`
	Items                    []PaymentItem  `json:"items"`
	TTL                      int64          `json:"ttl,omitempty"`
	MaximumSplitPaymentCount int            `json:"maximumSplitPaymentCount,omitempty"`
	AdditionalParams         map[string]any `json:"additionalParams,omitempty"`
}

// MultiPayment is the state of a split payment.
type MultiPayment struct {
	ID                 int64   `json:"id"`
	MultiPaymentStatus string  `json:"multiPaymentStatus"`
	Token              string  `json:"token"`
	ConversationID     string  `json:"conversationId,omitempty"`
	ExternalID         string  `json:"externalId,omitempty"`
	Price              Amount  `json:"price"`
	RemainingAmount    Amount  `json:"remainingAmount"`
	TokenExpireDate    string  `json:"tokenExpireDate"`
	PaymentIDs         []int64 `json:"paymentIds"`
}

// InitMultiPayment creates a split-payment page.
func (c *Client) InitMultiPayment(ctx context.Context, req *InitMultiPaymentRequest) (*InitCheckoutPaymentResponse, error) {
	return post[InitCheckoutPaymentResponse](ctx, c, PathMultiPaymentInit, req)
}

// RetrieveMultiPayment reads a split payment.
func (c *Client) RetrieveMultiPayment(ctx context.Context, token string) (*MultiPayment, error) {
	return doSegment[MultiPayment](ctx, c, http.MethodGet, PathMultiPayments, token, "", "token", nil)
}
