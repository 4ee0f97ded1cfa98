package craftgate

import (
	"context"
	"net/http"
	"net/url"
)

// Card verification and the card vault's other doors (official clients):
// VerifyCard authorises a small amount (NON_THREE_DS), or none (NONE), and
// stores the card; the hosted page of InitCheckoutCardVerify does the same
// with the card the buyer types; CloneStoredCard copies a stored card;
// SearchProviderCardMappings finds cards migrated from another provider;
// RetrieveIvrCard reads a card captured on a phone call; a
// secureFieldsToken stores a card without the merchant seeing it.
const (
	PathCheckoutCardVerify     = "/payment/v1/checkout-card-verify"
	PathCheckoutCardVerifyInit = PathCheckoutCardVerify + "/init"
	PathCardsVerify            = PathStoredCards + "/verify"
	PathCardsClone             = PathStoredCards + "/clone"
	PathProviderCardMappings   = PathStoredCards + "/provider-card-mappings"
	PathIvrCards               = "/payment/v1/ivr-cards"
)

// Card verification authentication types and statuses.
const (
	VerifyNonThreeDS     = "NON_THREE_DS"
	VerifyThreeDS        = "THREE_DS"
	VerifyNone           = "NONE"
	CardVerifyPending3DS = "THREE_DS_PENDING"
	CardVerifySuccess    = "SUCCESS"
	CardVerifyFailure    = "FAILURE"
)

// VerifyCardDetails is the card of VerifyCardRequest.
type VerifyCardDetails struct {
	CardHolderName string `json:"cardHolderName,omitempty"`
	CardNumber     string `json:"cardNumber,omitempty"`
	ExpireYear     string `json:"expireYear,omitempty"`
	ExpireMonth    string `json:"expireMonth,omitempty"`
	CVC            string `json:"cvc,omitempty"`
	CardAlias      string `json:"cardAlias,omitempty"`
	CardUserKey    string `json:"cardUserKey,omitempty"`
}

// VerifyCardRequest is the body of POST /payment/v1/cards/verify.
type VerifyCardRequest struct {
	Card                      *VerifyCardDetails `json:"card,omitempty"`
	PaymentAuthenticationType string             `json:"paymentAuthenticationType,omitempty"`
	VerificationPrice         *Amount            `json:"verificationPrice,omitempty"`
	Currency                  string             `json:"currency,omitempty"`
	ClientIP                  string             `json:"clientIp,omitempty"`
	ConversationID            string             `json:"conversationId,omitempty"`
	CallbackURL               string             `json:"callbackUrl,omitempty"`
}

// VerifyCardResponse is the verified (and stored) card.
type VerifyCardResponse struct {
	CardUserKey         string `json:"cardUserKey,omitempty"`
	CardToken           string `json:"cardToken,omitempty"`
	HTMLContent         string `json:"htmlContent,omitempty"`
	RedirectURL         string `json:"redirectUrl,omitempty"`
	MerchantCallbackURL string `json:"merchantCallbackUrl,omitempty"`
	RefundStatus        string `json:"refundStatus,omitempty"`
	CardVerifyStatus    string `json:"cardVerifyStatus"`
}

// InitCheckoutCardVerifyRequest is the body of checkout-card-verify/init.
type InitCheckoutCardVerifyRequest struct {
	VerificationPrice         *Amount `json:"verificationPrice,omitempty"`
	Currency                  string  `json:"currency,omitempty"`
	ConversationID            string  `json:"conversationId,omitempty"`
	CallbackURL               string  `json:"callbackUrl"`
	CardUserKey               string  `json:"cardUserKey,omitempty"`
	PaymentAuthenticationType string  `json:"paymentAuthenticationType,omitempty"`
	TTL                       int64   `json:"ttl,omitempty"`
}

// CheckoutCardVerifyResult is the card verified on the hosted page; Card
// is nil when the verification failed.
type CheckoutCardVerifyResult struct {
	Token string      `json:"token"`
	Card  *StoredCard `json:"card"`
}

// CloneStoredCardRequest is the body of cards/clone.
type CloneStoredCardRequest struct {
	SourceCardUserKey string `json:"sourceCardUserKey"`
	SourceCardToken   string `json:"sourceCardToken"`
	TargetCardUserKey string `json:"targetCardUserKey,omitempty"`
	TargetMerchantID  int64  `json:"targetMerchantId"`
}

// IvrCard is a card captured on a phone call.
type IvrCard struct {
	BinNumber         string `json:"binNumber"`
	LastFourDigits    string `json:"lastFourDigits"`
	CardUserKey       string `json:"cardUserKey"`
	CardToken         string `json:"cardToken"`
	SecureFieldsToken string `json:"secureFieldsToken"`
}

// VerifyCard verifies and stores a card.
func (c *Client) VerifyCard(ctx context.Context, req *VerifyCardRequest) (*VerifyCardResponse, error) {
	return post[VerifyCardResponse](ctx, c, PathCardsVerify, req)
}

// InitCheckoutCardVerify creates a hosted card-verification page.
func (c *Client) InitCheckoutCardVerify(ctx context.Context, req *InitCheckoutCardVerifyRequest) (*InitCheckoutPaymentResponse, error) {
	return post[InitCheckoutPaymentResponse](ctx, c, PathCheckoutCardVerifyInit, req)
}

// RetrieveCheckoutCardVerify reads the result of a card-verification page.
func (c *Client) RetrieveCheckoutCardVerify(ctx context.Context, token string) (*CheckoutCardVerifyResult, error) {
	return doSegment[CheckoutCardVerifyResult](ctx, c, http.MethodGet, PathCheckoutCardVerify, token, "", "token", nil)
}

// CloneStoredCard copies a stored card.
func (c *Client) CloneStoredCard(ctx context.Context, req *CloneStoredCardRequest) (*StoredCard, error) {
	return post[StoredCard](ctx, c, PathCardsClone, req)
}

// SearchProviderCardMappings finds cards stored at another provider.
func (c *Client) SearchProviderCardMappings(ctx context.Context, q url.Values) (*StoredCardList, error) {
	return get[StoredCardList](ctx, c, PathProviderCardMappings, q)
}

// RetrieveIvrCard reads the card captured on a phone call.
func (c *Client) RetrieveIvrCard(ctx context.Context, cardUserKey, callToken string) (*IvrCard, error) {
	q := url.Values{"callToken": {callToken}}
	if cardUserKey != "" {
		q.Set("cardUserKey", cardUserKey)
	}
	return get[IvrCard](ctx, c, PathIvrCards, q)
}
