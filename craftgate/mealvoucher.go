package craftgate

import (
	"context"
	"net/http"
)

// Meal-voucher card tokenisation (Edenred, Pluxee, Setcard, Multinet,
// Metropol, Tokenflex cards; the official clients'
// MealVoucherCardTokenization adapter): init sends the card holder a
// code, regenerate sends a new one, complete checks it and answers the
// card's fingerprint and balance.
const PathMealVoucherTokenizations = "/payment/v1/meal-voucher/card-tokenizations"

// PathMealVoucherInit starts a tokenisation.
const PathMealVoucherInit = PathMealVoucherTokenizations + "/init"

// MealVoucherCardData is the card of a tokenisation.
type MealVoucherCardData struct {
	CardNumber          string `json:"cardNumber,omitempty"`
	UserReferenceNumber string `json:"userReferenceNumber,omitempty"`
	GsmNumber           string `json:"gsmNumber,omitempty"`
	CallbackURL         string `json:"callbackUrl,omitempty"`
}

// MealVoucherInitRequest is the body of init (and, without ApmType, of
// regenerate).
type MealVoucherInitRequest struct {
	ApmType                         string              `json:"apmType,omitempty"`
	MealVoucherCardTokenizationData MealVoucherCardData `json:"mealVoucherCardTokenizationData"`
}

// MealVoucherInitResponse tells how the holder confirms.
type MealVoucherInitResponse struct {
	SessionID        string `json:"sessionId"`
	AdditionalAction string `json:"additionalAction"`
	HTMLContent      string `json:"htmlContent,omitempty"`
	RedirectURL      string `json:"redirectUrl,omitempty"`
}

// MealVoucherCompleteRequest is the body of complete.
type MealVoucherCompleteRequest struct {
	ValidationCode string `json:"validationCode"`
}

// MealVoucherCompleteResponse is the tokenised card.
type MealVoucherCompleteResponse struct {
	SessionID        string `json:"sessionId"`
	MaskedCardNumber string `json:"maskedCardNumber"`
	Fingerprint      string `json:"fingerprint"`
	Balance          Amount `json:"balance"`
}

// InitMealVoucherTokenization starts a tokenisation.
func (c *Client) InitMealVoucherTokenization(ctx context.Context, req *MealVoucherInitRequest) (*MealVoucherInitResponse, error) {
	return post[MealVoucherInitResponse](ctx, c, PathMealVoucherInit, req)
}

// RegenerateMealVoucherTokenization sends a new code.
func (c *Client) RegenerateMealVoucherTokenization(ctx context.Context, sessionID string, req *MealVoucherInitRequest) (*MealVoucherInitResponse, error) {
	return doSegment[MealVoucherInitResponse](ctx, c, http.MethodPost, PathMealVoucherTokenizations, sessionID, "/regenerate", "sessionId", req)
}

// CompleteMealVoucherTokenization checks the code.
func (c *Client) CompleteMealVoucherTokenization(ctx context.Context, sessionID, code string) (*MealVoucherCompleteResponse, error) {
	body := &MealVoucherCompleteRequest{ValidationCode: code}
	return doSegment[MealVoucherCompleteResponse](ctx, c, http.MethodPost, PathMealVoucherTokenizations, sessionID, "/complete", "sessionId", body)
}
