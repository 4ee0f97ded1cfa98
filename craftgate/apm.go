package craftgate

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// Alternative payment methods (APM: docs/reference/craftgate/flows.md section 5 and 14,
// docs/reference/craftgate/endpoints.md A.3 and B.10).
//
// InitApmPayment starts a payment with a wallet, voucher or transfer
// method; its AdditionalAction says what the merchant does next:
// redirect the buyer (REDIRECT_TO_URL, the result then comes to the
// callbackUrl as a form POST with the version 1 hash, see CallbackHashV1),
// collect a code and call CompleteApmPayment (OTP_REQUIRED), render the
// decoded HTMLContent (SHOW_HTML_CONTENT), wait for the webhook
// (WAIT_FOR_WEBHOOK), or nothing (NONE, the payment succeeded). An APM
// payment can be retrieved like a card payment (RetrievePayment).
// CreateApmPayment records an offline payment (FUND_TRANSFER,
// CASH_ON_DELIVERY), which is a payment at once.

// Paths of the APM endpoints.
const (
	PathApmPayments          = "/payment/v1/apm-payments"
	PathApmInit              = PathApmPayments + "/init"
	PathApmComplete          = PathApmPayments + "/complete"
	PathInstantTransferBanks = "/payment/v1/instant-transfer-banks"
)

// APM types (ApmType) the mock serves.
const (
	ApmPapara          = "PAPARA"
	ApmPayPal          = "PAYPAL"
	ApmKlarna          = "KLARNA"
	ApmAfterpay        = "AFTERPAY"
	ApmStripe          = "STRIPE"
	ApmIsPay           = "ISPAY"
	ApmKaspi           = "KASPI"
	ApmEdenred         = "EDENRED"
	ApmEdenredGift     = "EDENRED_GIFT"
	ApmSetcard         = "SETCARD"
	ApmIWallet         = "IWALLET"
	ApmMetropol        = "METROPOL"
	ApmPaycellDCB      = "PAYCELL_DCB"
	ApmPluxee          = "SODEXO"
	ApmInstantTransfer = "INSTANT_TRANSFER"
	ApmMultinet        = "MULTINET"
	ApmBizum           = "BIZUM"
	ApmChippin         = "CHIPPIN"
	ApmTompay          = "TOMPAY"
	ApmFundTransfer    = "FUND_TRANSFER"
	ApmCashOnDelivery  = "CASH_ON_DELIVERY"

	// Types the official clients list and the reference does not
	// describe (the Go client's ApmType, Node's COMPAY, Java's DKB).
	ApmPayoneer   = "PAYONEER"
	ApmPluxeeGift = "SODEXO_GIFT"
	// ApmPluxeeDocs is the docs' name of Pluxee; the clients send SODEXO.
	ApmPluxeeDocs           = "PLUXEE"
	ApmTokenflex            = "TOKENFLEX"
	ApmTokenflexGift        = "TOKENFLEX_GIFT"
	ApmMultinetGift         = "MULTINET_GIFT"
	ApmMultinetNeoGift      = "MULTINET_NEO_GIFT"
	ApmAlipay               = "ALIPAY"
	ApmApplePay             = "APPLEPAY"
	ApmGooglePay            = "GOOGLEPAY"
	ApmHepsipayFinance      = "HEPSIPAY_FINANCE"
	ApmHepsipayWallet       = "HEPSIPAY_WALLET"
	ApmHepsipayShoppingLoan = "HEPSIPAY_SHOPPING_LOAN"
	ApmVodafoneDCB          = "VODAFONE_DCB"
	ApmPaymob               = "PAYMOB"
	ApmMBWay                = "PAYLANDS_MB_WAY"
	ApmPapel                = "PAPEL"
	ApmAlbaraka             = "ALBARAKA"
	ApmKaracaFinans         = "KARACA_FINANS"
	ApmCompay               = "COMPAY"
	ApmDKB                  = "DKB"
)

// Values of ApmAdditionalAction (docs/reference/craftgate/flows.md section 5).
const (
	ApmActionNone            = "NONE"
	ApmActionRedirectToURL   = "REDIRECT_TO_URL"
	ApmActionOTPRequired     = "OTP_REQUIRED"
	ApmActionShowHTMLContent = "SHOW_HTML_CONTENT"
	ApmActionWaitForWebhook  = "WAIT_FOR_WEBHOOK"
)

// PaymentSourceAPI is the paymentSource of payments made through the API,
// APM and BNPL payments included (the reference's and the clients'
// PaymentSource lists have no APM value); PaymentTypeAPM is the
// paymentType of APM payments.
const (
	PaymentSourceAPI = "API"
	PaymentTypeAPM   = "APM"
)

// InitApmPaymentRequest is the body of POST /payment/v1/apm-payments/init
// (docs/reference/craftgate/endpoints.md B.10).
type InitApmPaymentRequest struct {
	ApmType          string        `json:"apmType"`
	MerchantApmID    int64         `json:"merchantApmId,omitempty"`
	Price            Amount        `json:"price"`
	PaidPrice        Amount        `json:"paidPrice"`
	Currency         string        `json:"currency"`
	PaymentGroup     string        `json:"paymentGroup,omitempty"`
	PaymentChannel   string        `json:"paymentChannel,omitempty"`
	ConversationID   string        `json:"conversationId,omitempty"`
	ExternalID       string        `json:"externalId,omitempty"`
	CallbackURL      string        `json:"callbackUrl,omitempty"`
	BuyerMemberID    int64         `json:"buyerMemberId,omitempty"`
	ClientIP         string        `json:"clientIp,omitempty"`
	ApmOrderID       string        `json:"apmOrderId,omitempty"`
	ApmUserIdentity  string        `json:"apmUserIdentity,omitempty"`
	Items            []PaymentItem `json:"items"`
	AdditionalParams Params        `json:"additionalParams,omitempty"`
}

// InitApmPaymentResponse is the answer to APM init.
type InitApmPaymentResponse struct {
	PaymentID        int64          `json:"paymentId"`
	PaymentStatus    string         `json:"paymentStatus"`
	AdditionalAction string         `json:"additionalAction"`
	RedirectURL      string         `json:"redirectUrl,omitempty"`
	HTMLContent      string         `json:"htmlContent,omitempty"`
	QRCode           string         `json:"qrCode,omitempty"`
	PaymentError     *ErrorBody     `json:"paymentError,omitempty"`
	AdditionalData   map[string]any `json:"additionalData,omitempty"`
}

// DecodedHTML base64-decodes HTMLContent (SHOW_HTML_CONTENT).
func (r *InitApmPaymentResponse) DecodedHTML() (string, error) {
	if r.HTMLContent == "" {
		return "", fmt.Errorf("craftgate: APM payment %d: no htmlContent (additionalAction %q)", r.PaymentID, r.AdditionalAction)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(r.HTMLContent))
	if err != nil {
		return "", fmt.Errorf("craftgate: APM payment %d: htmlContent is not base64: %w", r.PaymentID, err)
	}
	return string(b), nil
}

// CompleteApmPaymentRequest is the body of POST
// /payment/v1/apm-payments/complete: e.g. {"otpCode":"123456"}, iWallet
// {"passCode":"1234"}, Metropol {"otpCode","productId","walletId"}.
type CompleteApmPaymentRequest struct {
	PaymentID        int64  `json:"paymentId"`
	AdditionalParams Params `json:"additionalParams"`
}

// CompleteApmPaymentResponse is the answer to APM complete.
type CompleteApmPaymentResponse struct {
	PaymentID     int64      `json:"paymentId"`
	PaymentStatus string     `json:"paymentStatus"`
	PaymentError  *ErrorBody `json:"paymentError,omitempty"`
}

// CreateApmPaymentRequest is the body of POST /payment/v1/apm-payments: an
// offline payment already collected (FUND_TRANSFER or CASH_ON_DELIVERY).
type CreateApmPaymentRequest struct {
	ApmType        string        `json:"apmType"`
	Price          Amount        `json:"price"`
	PaidPrice      Amount        `json:"paidPrice"`
	Currency       string        `json:"currency"`
	PaymentGroup   string        `json:"paymentGroup,omitempty"`
	PaymentChannel string        `json:"paymentChannel,omitempty"`
	ConversationID string        `json:"conversationId,omitempty"`
	ExternalID     string        `json:"externalId,omitempty"`
	BuyerMemberID  int64         `json:"buyerMemberId,omitempty"`
	Items          []PaymentItem `json:"items"`
}

// InstantTransferBank is one bank of the instant-transfer list.
type InstantTransferBank struct {
	BankCode    string `json:"bankCode"`
	BankName    string `json:"bankName"`
	BankLogoURL string `json:"bankLogoUrl,omitempty"`
}

// InitApmPayment starts an APM payment (POST /payment/v1/apm-payments/init).
// A payment the APM provider refuses at once returns an *Error with HTTP
// 422 and its APM errorGroup.
func (c *Client) InitApmPayment(ctx context.Context, req *InitApmPaymentRequest) (*InitApmPaymentResponse, error) {
	return post[InitApmPaymentResponse](ctx, c, PathApmInit, req)
}

// CompleteApmPayment completes an OTP_REQUIRED APM payment (POST
// /payment/v1/apm-payments/complete).
func (c *Client) CompleteApmPayment(ctx context.Context, req *CompleteApmPaymentRequest) (*CompleteApmPaymentResponse, error) {
	return post[CompleteApmPaymentResponse](ctx, c, PathApmComplete, req)
}

// CreateApmPayment records an offline APM payment (POST
// /payment/v1/apm-payments) and returns it.
func (c *Client) CreateApmPayment(ctx context.Context, req *CreateApmPaymentRequest) (*Payment, error) {
	return post[Payment](ctx, c, PathApmPayments, req)
}

// InstantTransferBanks lists the banks active for instant transfer (GET
// /payment/v1/instant-transfer-banks).
func (c *Client) InstantTransferBanks(ctx context.Context) ([]InstantTransferBank, error) {
	return doItems[InstantTransferBank](ctx, c, http.MethodGet, PathInstantTransferBanks, nil, nil)
}
