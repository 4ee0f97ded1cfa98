package craftgate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// BNPL, the shopping loan ("Alışveriş Kredisi": docs/reference/craftgate/flows.md section 6,
// docs/reference/craftgate/endpoints.md A.4 and B.16, alfabank/bnpl.md).
//
// Offers asks for the payment plans of a basket (MASLAK, ZIP, PAYCELL);
// InitBnplPayment starts the loan application and answers REDIRECT_TO_URL
// to the bank's page; the result comes to the callbackUrl with the
// version 2 (hashParams) hash (VerifyCallback) and, for banks that decide
// later, as a BNPL_NOTIFICATION webhook whose payload carries the
// additionalAction. APPROVAL_REQUIRED is finished with ApproveBnplPayment;
// VERIFY_REQUIRED is resolved with VerifyBnplPayment. A loan is cancelled
// (RefundPayment) only before approval, refunded in part
// (RefundTransaction) only after.

// Paths of the BNPL endpoints. The docs' verify takes the id in the body
// (PathBnplVerify); the official clients put it in the path
// (BnplVerifyPath).
const (
	PathBnplPayments  = "/payment/v1/bnpl-payments"
	PathBnplOffers    = PathBnplPayments + "/offers"
	PathBnplInit      = PathBnplPayments + "/init"
	PathBnplVerify    = PathBnplPayments + "/verify"
	BnplApproveSuffix = "/approve"
	BnplVerifySuffix  = "/verify"
)

// BNPL apmTypes.
const (
	BnplMaslak     = "MASLAK"
	BnplAlfabank   = "ALFABANK"
	BnplTomFinance = "TOM_FINANCE"
	BnplHaso       = "HASO"
	BnplZip        = "ZIP"
	BnplPaycell    = "PAYCELL"
)

// BNPL additional actions besides the APM ones.
const (
	ApmActionApprovalRequired = "APPROVAL_REQUIRED"
	ApmActionVerifyRequired   = "VERIFY_REQUIRED"
)

// BnplCallbackHashParams is the hashParams of BNPL callbacks (docs/reference/craftgate/vectors.md
// V3; the docs give no order).
const BnplCallbackHashParams = "paymentId:paymentStatus:additionalAction:conversationId:callbackStatus"

// BnplCartItem is one item of the loan basket; Type is its category code
// (docs/reference/alfabank/bnpl.md section 7), mandatory by BDDK rules like quantity and amount.
type BnplCartItem struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	BrandName string `json:"brandName,omitempty"`
	Type      string `json:"type"`
	UnitPrice Amount `json:"unitPrice"`
	Quantity  int    `json:"quantity"`
}

// BnplOffersRequest is the body of POST /payment/v1/bnpl-payments/offers.
type BnplOffersRequest struct {
	ApmType          string         `json:"apmType"`
	MerchantApmID    int64          `json:"merchantApmId,omitempty"`
	Price            Amount         `json:"price"`
	Currency         string         `json:"currency"`
	ApmOrderID       string         `json:"apmOrderId,omitempty"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
	Items            []BnplCartItem `json:"items"`
}

// OfferID is offerId: a number in the docs, a string in the clients; it
// decodes from either.
type OfferID string

// UnmarshalJSON accepts a JSON string or number.
func (o *OfferID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*o = OfferID(s)
		return nil
	}
	var n json.Number
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		return fmt.Errorf("craftgate: offerId: %w", err)
	}
	*o = OfferID(n.String())
	return nil
}

// BnplOffersResponse is the answer to offers.
type BnplOffersResponse struct {
	OfferID    OfferID         `json:"offerId"`
	Price      Amount          `json:"price"`
	BankOffers []BnplBankOffer `json:"bankOffers"`
}

// BnplBankOffer is one bank's plans.
type BnplBankOffer struct {
	BankCode                      string              `json:"bankCode"`
	BankName                      string              `json:"bankName"`
	BankIconURL                   string              `json:"bankIconUrl,omitempty"`
	PreApprovedApplicationID      string              `json:"preApprovedApplicationId,omitempty"`
	IsSupportNonCustomer          bool                `json:"isSupportNonCustomer"`
	IsPaymentPlanCalculatedByBank bool                `json:"isPaymentPlanCalculatedByBank"`
	BankOfferTerms                []BnplBankOfferTerm `json:"bankOfferTerms"`
}

// BnplBankOfferTerm is one plan: term months of amount, totalAmount in all.
type BnplBankOfferTerm struct {
	Term               int    `json:"term"`
	Amount             Amount `json:"amount"`
	TotalAmount        Amount `json:"totalAmount"`
	InterestRate       Amount `json:"interestRate"`
	AnnualInterestRate Amount `json:"annualInterestRate"`
}

// InitBnplPaymentRequest is the body of POST /payment/v1/bnpl-payments/init.
type InitBnplPaymentRequest struct {
	ApmType          string         `json:"apmType"`
	MerchantApmID    int64          `json:"merchantApmId,omitempty"`
	Price            Amount         `json:"price"`
	PaidPrice        Amount         `json:"paidPrice"`
	Currency         string         `json:"currency"`
	PaymentGroup     string         `json:"paymentGroup,omitempty"`
	PaymentChannel   string         `json:"paymentChannel,omitempty"`
	ConversationID   string         `json:"conversationId,omitempty"`
	ExternalID       string         `json:"externalId,omitempty"`
	CallbackURL      string         `json:"callbackUrl,omitempty"`
	BuyerMemberID    int64          `json:"buyerMemberId,omitempty"`
	ClientIP         string         `json:"clientIp,omitempty"`
	ApmOrderID       string         `json:"apmOrderId,omitempty"`
	ApmUserIdentity  string         `json:"apmUserIdentity,omitempty"`
	BankCode         string         `json:"bankCode,omitempty"`
	Items            []PaymentItem  `json:"items"`
	CartItems        []BnplCartItem `json:"cartItems"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
}

// BnplVerifyResponse is the clients' verify answer.
type BnplVerifyResponse struct {
	PaymentStatus    string     `json:"paymentStatus"`
	AdditionalAction string     `json:"additionalAction"`
	PaymentError     *ErrorBody `json:"paymentError,omitempty"`
}

// BnplVerifyDocsResponse is the docs' verify answer (APPROVED, DECLINED
// or WAITING).
type BnplVerifyDocsResponse struct {
	ResponseStatus   string `json:"responseStatus"`
	AdditionalAction string `json:"additionalAction"`
	ErrorCode        string `json:"errorCode,omitempty"`
	ErrorMessage     string `json:"errorMessage,omitempty"`
}

// BnplOffers asks for the payment plans of a basket.
func (c *Client) BnplOffers(ctx context.Context, req *BnplOffersRequest) (*BnplOffersResponse, error) {
	return post[BnplOffersResponse](ctx, c, PathBnplOffers, req)
}

// InitBnplPayment starts a loan application.
func (c *Client) InitBnplPayment(ctx context.Context, req *InitBnplPaymentRequest) (*InitApmPaymentResponse, error) {
	return post[InitApmPaymentResponse](ctx, c, PathBnplInit, req)
}

// ApproveBnplPayment approves a loan that is APPROVAL_REQUIRED (POST
// /payment/v1/bnpl-payments/{id}/approve, no body) and returns the payment.
func (c *Client) ApproveBnplPayment(ctx context.Context, id int64) (*Payment, error) {
	return post[Payment](ctx, c, idPath(PathBnplPayments, id)+BnplApproveSuffix, nil)
}

// VerifyBnplPayment re-queries a loan the clients' way (POST
// /payment/v1/bnpl-payments/{id}/verify, no body).
func (c *Client) VerifyBnplPayment(ctx context.Context, id int64) (*BnplVerifyResponse, error) {
	return post[BnplVerifyResponse](ctx, c, idPath(PathBnplPayments, id)+BnplVerifySuffix, nil)
}

// VerifyBnplPaymentDocs re-queries a loan the docs' way (POST
// /payment/v1/bnpl-payments/verify with {paymentId}).
func (c *Client) VerifyBnplPaymentDocs(ctx context.Context, id int64) (*BnplVerifyDocsResponse, error) {
	body := struct {
		PaymentID int64 `json:"paymentId"`
	}{id}
	return post[BnplVerifyDocsResponse](ctx, c, PathBnplVerify, body)
}
