package craftgate

import (
	"context"
)

// Masterpass (https://developer.craftgate.io/en/payment/masterpass): the
// buyer's cards live in their Masterpass wallet, reached by phone number.
// CheckMasterpassUser tells whether the number has an account;
// GenerateMasterpassToken creates the token the Masterpass client SDK
// pays with; the payment is then finished without 3-D Secure
// (CompleteMasterpassPayment) or with it (InitMasterpassThreeDS, the bank's
// page, the usual 3-D Secure callback, CompleteMasterpassThreeDS).
const (
	PathMasterpassCheckUser       = "/payment/v1/masterpass-payments/check-user"
	PathMasterpassGenerateToken   = "/payment/v2/masterpass-payments/generate-token"
	PathMasterpassComplete        = "/payment/v2/masterpass-payments/complete"
	PathMasterpassThreeDSInit     = "/payment/v2/masterpass-payments/3ds-init"
	PathMasterpassThreeDSComplete = "/payment/v2/masterpass-payments/3ds-complete"
	PathMasterpassLoyalties       = "/payment/v2/masterpass-payments/loyalties/retrieve"
)

// PaymentProviderMasterpass is the paymentProvider of Masterpass payments.
const PaymentProviderMasterpass = "MASTERPASS"

// CheckMasterpassUserRequest is the body of check-user.
type CheckMasterpassUserRequest struct {
	MasterpassGsmNumber string `json:"masterpassGsmNumber"`
}

// CheckMasterpassUserResponse tells what Masterpass knows of the number.
type CheckMasterpassUserResponse struct {
	IsEligibleToUseMasterpass             bool   `json:"isEligibleToUseMasterpass"`
	IsAnyCardSavedInCustomerProgram       bool   `json:"isAnyCardSavedInCustomerProgram"`
	HasMasterpassAccount                  bool   `json:"hasMasterpassAccount"`
	HashAnyCardSavedInMasterpassAccount   bool   `json:"hashAnyCardSavedInMasterpassAccount"`
	IsMasterpassAccountLinkedWithMerchant bool   `json:"isMasterpassAccountLinkedWithMerchant"`
	IsMasterpassAccountLocked             bool   `json:"isMasterpassAccountLocked"`
	IsPhoneNumberUpdatedInAnotherMerchant bool   `json:"isPhoneNumberUpdatedInAnotherMerchant"`
	AccountStatus                         string `json:"accountStatus,omitempty"`
}

// MasterpassTokenRequest is the body of generate-token: the buyer's
// Masterpass identity, the BIN of the card they chose, and the payment.
type MasterpassTokenRequest struct {
	Msisdn                       string               `json:"msisdn,omitempty"`
	UserID                       string               `json:"userId,omitempty"`
	BinNumber                    string               `json:"binNumber,omitempty"`
	ForceThreeDS                 bool                 `json:"forceThreeDS,omitempty"`
	CreatePayment                CreatePaymentRequest `json:"createPayment"`
	Loyalty                      *Loyalty             `json:"loyalty,omitempty"`
	MasterpassIntegrationVersion int                  `json:"masterpassIntegrationVersion,omitempty"`
	ValidationType               string               `json:"validationType,omitempty"`
}

// MasterpassTokenResponse is the token for the Masterpass client SDK.
type MasterpassTokenResponse struct {
	Token           string `json:"token"`
	ReferenceID     string `json:"referenceId"`
	OrderNo         string `json:"orderNo"`
	TerminalGroupID string `json:"terminalGroupId"`
}

// MasterpassCompleteRequest is the body of complete.
type MasterpassCompleteRequest struct {
	ReferenceID string `json:"referenceId"`
	Token       string `json:"token,omitempty"`
}

// MasterpassThreeDSInitRequest is the body of 3ds-init.
type MasterpassThreeDSInitRequest struct {
	ReferenceID string `json:"referenceId"`
	CallbackURL string `json:"callbackUrl"`
}

// MasterpassThreeDSInitResponse sends the buyer to ReturnURL, the bank's
// 3-D Secure page.
type MasterpassThreeDSInitResponse struct {
	PaymentID int64  `json:"paymentId"`
	ReturnURL string `json:"returnUrl"`
}

// MasterpassLoyaltiesRequest is the body of loyalties/retrieve.
type MasterpassLoyaltiesRequest struct {
	Msisdn                       string `json:"msisdn,omitempty"`
	BinNumber                    string `json:"binNumber,omitempty"`
	CardName                     string `json:"cardName,omitempty"`
	MasterpassIntegrationVersion int    `json:"masterpassIntegrationVersion,omitempty"`
}

// CheckMasterpassUser asks whether a phone number has a Masterpass account.
func (c *Client) CheckMasterpassUser(ctx context.Context, req *CheckMasterpassUserRequest) (*CheckMasterpassUserResponse, error) {
	return post[CheckMasterpassUserResponse](ctx, c, PathMasterpassCheckUser, req)
}

// GenerateMasterpassToken creates a Masterpass payment token.
func (c *Client) GenerateMasterpassToken(ctx context.Context, req *MasterpassTokenRequest) (*MasterpassTokenResponse, error) {
	return post[MasterpassTokenResponse](ctx, c, PathMasterpassGenerateToken, req)
}

// CompleteMasterpassPayment pays without 3-D Secure.
func (c *Client) CompleteMasterpassPayment(ctx context.Context, req *MasterpassCompleteRequest) (*Payment, error) {
	return post[Payment](ctx, c, PathMasterpassComplete, req)
}

// InitMasterpassThreeDS starts a 3-D Secure Masterpass payment.
func (c *Client) InitMasterpassThreeDS(ctx context.Context, req *MasterpassThreeDSInitRequest) (*MasterpassThreeDSInitResponse, error) {
	return post[MasterpassThreeDSInitResponse](ctx, c, PathMasterpassThreeDSInit, req)
}

// CompleteMasterpassThreeDS finishes a 3-D Secure Masterpass payment after
// its callback.
func (c *Client) CompleteMasterpassThreeDS(ctx context.Context, paymentID int64) (*Payment, error) {
	return post[Payment](ctx, c, PathMasterpassThreeDSComplete, map[string]int64{"paymentId": paymentID})
}

// RetrieveMasterpassLoyalties asks for the rewards of a Masterpass card.
func (c *Client) RetrieveMasterpassLoyalties(ctx context.Context, req *MasterpassLoyaltiesRequest) (*CardLoyalties, error) {
	return post[CardLoyalties](ctx, c, PathMasterpassLoyalties, req)
}
