package craftgate

import (
	"context"
)

// Rewards / loyalty (docs/reference/craftgate/endpoints.md A.6 and B.1, docs/reference/craftgate/flows.md section 13): an
// inquiry of the rewards a card has, and their use in a payment through
// Card.Loyalty, which the payment echoes.

// PathCardLoyalties is the reward inquiry.
const PathCardLoyalties = "/payment/v1/card-loyalties/retrieve"

// Loyalty types (docs/reference/craftgate/auth-and-envelope.md, LoyaltyType). The Java client also
// has POSTPONING_PAYMENT; the Go client maps that constant to
// POSTPONING_STATEMENT.
const (
	LoyaltyRewardMoney           = "REWARD_MONEY"
	LoyaltyAdditionalInstallment = "ADDITIONAL_INSTALLMENT"
	LoyaltyPostponingInstallment = "POSTPONING_INSTALLMENT"
	LoyaltyExtraPoints           = "EXTRA_POINTS"
	LoyaltyGainingMinutes        = "GAINING_MINUTES"
	LoyaltyPostponingStatement   = "POSTPONING_STATEMENT"
	LoyaltyPostponingPayment     = "POSTPONING_PAYMENT"
)

// Loyalty is one reward: in a payment's card, the reward to use (one per
// payment; for REWARD_MONEY the Reward amounts, card and merchant-specific
// points combined); in an inquiry's answer, one the card offers.
type Loyalty struct {
	Type          string         `json:"type"`
	Reward        *Reward        `json:"reward,omitempty"`
	Message       string         `json:"message,omitempty"`
	LoyaltyParams *LoyaltyParams `json:"loyaltyParams,omitempty"`
}

// Reward is the money of a REWARD_MONEY loyalty: CardRewardMoney from the
// points on the card, FirmRewardMoney from the merchant-specific points.
// Answers add TotalRewardMoney (and MileRewardMoney, which the mock never
// sets).
type Reward struct {
	CardRewardMoney  Amount  `json:"cardRewardMoney"`
	FirmRewardMoney  Amount  `json:"firmRewardMoney"`
	MileRewardMoney  *Amount `json:"mileRewardMoney,omitempty"`
	TotalRewardMoney *Amount `json:"totalRewardMoney,omitempty"`
}

// LoyaltyParams are the parameters of the postponing loyalties.
type LoyaltyParams struct {
	PostponingPaymentCount int    `json:"postponingPaymentCount,omitempty"`
	Code                   string `json:"code,omitempty"`
}

// RetrieveLoyaltiesRequest is the body of the reward inquiry: a plain card
// (CardNumber, ExpireYear, ExpireMonth, optional CVC) or a stored card
// (CardUserKey, CardToken). ClientIP, ConversationID and FraudParams are
// sent by the official clients.
type RetrieveLoyaltiesRequest struct {
	CardHolderName string       `json:"cardHolderName,omitempty"`
	CardNumber     string       `json:"cardNumber,omitempty"`
	ExpireYear     string       `json:"expireYear,omitempty"`
	ExpireMonth    string       `json:"expireMonth,omitempty"`
	CVC            string       `json:"cvc,omitempty"`
	CardUserKey    string       `json:"cardUserKey,omitempty"`
	CardToken      string       `json:"cardToken,omitempty"`
	ClientIP       string       `json:"clientIp,omitempty"`
	ConversationID string       `json:"conversationId,omitempty"`
	FraudParams    *FraudParams `json:"fraudParams,omitempty"`
}

// FraudResult is the fraud evaluation an answer may carry.
type FraudResult struct {
	ID     int64   `json:"id,omitempty"`
	Score  *Amount `json:"score,omitempty"`
	Action string  `json:"action,omitempty"`
}

// CardLoyalties is the answer of the reward inquiry.
type CardLoyalties struct {
	CardBrand          string       `json:"cardBrand,omitempty"`
	CardIssuerBankName string       `json:"cardIssuerBankName,omitempty"`
	CardIssuerBankID   int64        `json:"cardIssuerBankId,omitempty"`
	Force3DS           bool         `json:"force3ds"`
	Pos                *MerchantPos `json:"pos,omitempty"`
	FraudResult        *FraudResult `json:"fraudResult,omitempty"`
	Loyalties          []Loyalty    `json:"loyalties"`
}

// RetrieveLoyalties asks which rewards a card has
// (POST /payment/v1/card-loyalties/retrieve).
func (c *Client) RetrieveLoyalties(ctx context.Context, req *RetrieveLoyaltiesRequest) (*CardLoyalties, error) {
	return post[CardLoyalties](ctx, c, PathCardLoyalties, req)
}
