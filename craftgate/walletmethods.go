package craftgate

import (
	"context"
	"net/http"
)

// Wallet methods whose money comes from a card, besides Masterpass
// (masterpass.go): BKM Express, Garanti Pay v1, Juzdan and the POS-APMs
// (https://developer.craftgate.io/en/payment/apm). The buyer chooses a
// card at the provider; the payment is an ordinary card payment, retrieved,
// refunded and cancelled like any other.
const (
	PathBkmExpress          = "/payment/v1/bkm-express"
	PathBkmExpressInit      = PathBkmExpress + "/init"
	PathBkmExpressComplete  = PathBkmExpress + "/complete"
	PathBkmExpressPayments  = PathBkmExpress + "/payments"
	PathGarantiPayPayments  = "/payment/v1/garanti-pay-payments"
	PathJuzdanPayments      = "/payment/v1/juzdan-payments"
	PathJuzdanInit          = PathJuzdanPayments + "/init"
	PathPosApmInit          = "/payment/v1/pos-apm-payments/init"
	PathPosApmComplete      = "/payment/v1/pos-apm-payments/complete"
	EventBkmExpressNotified = "BKM_EXPRESS_PAYMENT_NOTIFICATION"
)

// POS-APM payment providers.
const (
	PosApmYKBWorldPay     = "YKB_WORLD_PAY"
	PosApmYKBWorldPayLoan = "YKB_WORLD_PAY_SHOPPING_LOAN"
	PosApmGooglePay       = "GOOGLEPAY"
	PosApmGarantiPay      = "GARANTI_PAY"
)

// InitBkmExpressRequest is the body of bkm-express/init.
type InitBkmExpressRequest struct {
	Price               Amount        `json:"price"`
	PaidPrice           Amount        `json:"paidPrice"`
	Currency            string        `json:"currency"`
	PaymentGroup        string        `json:"paymentGroup,omitempty"`
	PaymentPhase        string        `json:"paymentPhase,omitempty"`
	ConversationID      string        `json:"conversationId,omitempty"`
	ExternalID          string        `json:"externalId,omitempty"`
	BuyerMemberID       int64         `json:"buyerMemberId,omitempty"`
	BankOrderID         string        `json:"bankOrderId,omitempty"`
	Items               []PaymentItem `json:"items"`
	EnabledInstallments []int         `json:"enabledInstallments,omitempty"`
}

// InitBkmExpressResponse starts the BKM Express client SDK: ID is the
// ticket id, Path the SDK's page, Token its token.
type InitBkmExpressResponse struct {
	ID    string `json:"id"`
	Path  string `json:"path"`
	Token string `json:"token"`
}

// CompleteBkmExpressRequest reports the SDK's result: the ticket form
// (TicketID) or the token form (with BkmExpressPaymentToken too).
type CompleteBkmExpressRequest struct {
	Status                 bool   `json:"status"`
	Message                string `json:"message"`
	TicketID               string `json:"ticketId"`
	BkmExpressPaymentToken string `json:"bkmExpressPaymentToken,omitempty"`
}

// CustomInstallment is one installment option of Garanti Pay and the
// POS-APMs.
type CustomInstallment struct {
	Number     int    `json:"number"`
	TotalPrice Amount `json:"totalPrice"`
}

// InitGarantiPayRequest is the body of POST /payment/v1/garanti-pay-payments.
type InitGarantiPayRequest struct {
	Price               Amount              `json:"price"`
	PaidPrice           Amount              `json:"paidPrice"`
	Currency            string              `json:"currency"`
	PosAlias            string              `json:"posAlias,omitempty"`
	PaymentGroup        string              `json:"paymentGroup,omitempty"`
	ConversationID      string              `json:"conversationId,omitempty"`
	ExternalID          string              `json:"externalId,omitempty"`
	CallbackURL         string              `json:"callbackUrl"`
	ClientIP            string              `json:"clientIp,omitempty"`
	PaymentChannel      string              `json:"paymentChannel,omitempty"`
	BuyerMemberID       int64               `json:"buyerMemberId,omitempty"`
	BankOrderID         string              `json:"bankOrderId,omitempty"`
	Items               []PaymentItem       `json:"items"`
	Installments        []CustomInstallment `json:"installments,omitempty"`
	EnabledInstallments []int               `json:"enabledInstallments,omitempty"`
}

// InitGarantiPayResponse: render HTMLContent (base64) in the browser.
type InitGarantiPayResponse struct {
	HTMLContent string `json:"htmlContent"`
	PaymentID   int64  `json:"paymentId"`
}

// InitJuzdanRequest is the body of juzdan-payments/init; ClientType is W
// (web: show the QR) or M (mobile: open the app).
type InitJuzdanRequest struct {
	Price          Amount        `json:"price"`
	PaidPrice      Amount        `json:"paidPrice"`
	Currency       string        `json:"currency"`
	PaymentGroup   string        `json:"paymentGroup,omitempty"`
	PaymentPhase   string        `json:"paymentPhase,omitempty"`
	ConversationID string        `json:"conversationId,omitempty"`
	ExternalID     string        `json:"externalId,omitempty"`
	CallbackURL    string        `json:"callbackUrl,omitempty"`
	PaymentChannel string        `json:"paymentChannel,omitempty"`
	BuyerMemberID  int64         `json:"buyerMemberId,omitempty"`
	BankOrderID    string        `json:"bankOrderId,omitempty"`
	Items          []PaymentItem `json:"items"`
	ClientType     string        `json:"clientType,omitempty"`
	LoanCampaignID int64         `json:"loanCampaignId,omitempty"`
}

// InitJuzdanResponse: JuzdanQrURL is what the QR code encodes.
type InitJuzdanResponse struct {
	ReferenceID string `json:"referenceId"`
	JuzdanQrURL string `json:"juzdanQrUrl"`
}

// InitPosApmRequest is the body of pos-apm-payments/init.
type InitPosApmRequest struct {
	Price             Amount              `json:"price"`
	PaidPrice         Amount              `json:"paidPrice"`
	Currency          string              `json:"currency"`
	PosAlias          string              `json:"posAlias,omitempty"`
	ConversationID    string              `json:"conversationId,omitempty"`
	ExternalID        string              `json:"externalId,omitempty"`
	CallbackURL       string              `json:"callbackUrl"`
	PaymentPhase      string              `json:"paymentPhase,omitempty"`
	PaymentGroup      string              `json:"paymentGroup,omitempty"`
	PaymentChannel    string              `json:"paymentChannel,omitempty"`
	BuyerMemberID     int64               `json:"buyerMemberId,omitempty"`
	BankOrderID       string              `json:"bankOrderId,omitempty"`
	ClientIP          string              `json:"clientIp,omitempty"`
	Items             []PaymentItem       `json:"items"`
	AdditionalParams  map[string]any      `json:"additionalParams,omitempty"`
	Installments      []CustomInstallment `json:"installments,omitempty"`
	PaymentProvider   string              `json:"paymentProvider"`
	FraudParams       *FraudParams        `json:"fraudParams,omitempty"`
	CheckoutFormToken string              `json:"checkoutFormToken,omitempty"`
}

// InitPosApmResponse: render HTMLContent (base64) in the browser.
type InitPosApmResponse struct {
	PaymentID        int64          `json:"paymentId"`
	HTMLContent      string         `json:"htmlContent,omitempty"`
	PaymentStatus    string         `json:"paymentStatus"`
	AdditionalAction string         `json:"additionalAction"`
	AdditionalData   map[string]any `json:"additionalData,omitempty"`
	PaymentError     *ErrorBody     `json:"paymentError,omitempty"`
}

// CompletePosApmRequest is the body of pos-apm-payments/complete.
type CompletePosApmRequest struct {
	PaymentID        int64          `json:"paymentId"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
}

// InitBkmExpress starts a BKM Express payment.
func (c *Client) InitBkmExpress(ctx context.Context, req *InitBkmExpressRequest) (*InitBkmExpressResponse, error) {
	return post[InitBkmExpressResponse](ctx, c, PathBkmExpressInit, req)
}

// CompleteBkmExpress finishes a BKM Express payment.
func (c *Client) CompleteBkmExpress(ctx context.Context, req *CompleteBkmExpressRequest) (*Payment, error) {
	return post[Payment](ctx, c, PathBkmExpressComplete, req)
}

// RetrieveBkmExpressByTicket fetches a BKM Express payment by ticket id.
func (c *Client) RetrieveBkmExpressByTicket(ctx context.Context, ticketID string) (*Payment, error) {
	return doSegment[Payment](ctx, c, http.MethodGet, PathBkmExpressPayments, ticketID, "", "ticketId", nil)
}

// RetrieveBkmExpressByToken fetches a BKM Express payment by its token.
func (c *Client) RetrieveBkmExpressByToken(ctx context.Context, token string) (*Payment, error) {
	return doSegment[Payment](ctx, c, http.MethodGet, PathBkmExpress, token, "", "token", nil)
}

// InitGarantiPay starts a Garanti Pay (v1) payment.
func (c *Client) InitGarantiPay(ctx context.Context, req *InitGarantiPayRequest) (*InitGarantiPayResponse, error) {
	return post[InitGarantiPayResponse](ctx, c, PathGarantiPayPayments, req)
}

// InitJuzdan starts a Juzdan QR payment.
func (c *Client) InitJuzdan(ctx context.Context, req *InitJuzdanRequest) (*InitJuzdanResponse, error) {
	return post[InitJuzdanResponse](ctx, c, PathJuzdanInit, req)
}

// RetrieveJuzdan fetches the payment of a Juzdan reference.
func (c *Client) RetrieveJuzdan(ctx context.Context, referenceID string) (*Payment, error) {
	return doSegment[Payment](ctx, c, http.MethodGet, PathJuzdanPayments, referenceID, "", "referenceId", nil)
}

// InitPosApm starts a POS-APM payment.
func (c *Client) InitPosApm(ctx context.Context, req *InitPosApmRequest) (*InitPosApmResponse, error) {
	return post[InitPosApmResponse](ctx, c, PathPosApmInit, req)
}

// CompletePosApm finishes a POS-APM payment after its callback.
func (c *Client) CompletePosApm(ctx context.Context, req *CompletePosApmRequest) (*Payment, error) {
	return post[Payment](ctx, c, PathPosApmComplete, req)
}
