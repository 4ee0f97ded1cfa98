package craftgate

// Enumerations used by the payment model (docs/reference/craftgate/auth-and-envelope.md section 6).
// They are plain strings on the wire; the constants exist so callers do not
// misspell them.
const (
	CurrencyTRY = "TRY"

	PaymentGroupProduct = "PRODUCT"
	PaymentGroupListing = "LISTING_OR_SUBSCRIPTION"

	PhaseAuth     = "AUTH"
	PhasePreAuth  = "PRE_AUTH"
	PhasePostAuth = "POST_AUTH"

	StatusSuccess         = "SUCCESS"
	StatusFailure         = "FAILURE"
	StatusWaiting         = "WAITING"
	StatusInitThreeDS     = "INIT_THREEDS"
	StatusCallbackThreeDS = "CALLBACK_THREEDS"

	RefundTypeCancel = "CANCEL"
	RefundTypeRefund = "REFUND"

	RefundDestinationProvider = "PROVIDER"
	RefundDestinationWallet   = "WALLET"
)

// Currencies lists the currencies the API documents (docs plus the two the
// official clients add).
var Currencies = []string{"TRY", "USD", "EUR", "GBP", "CNY", "ARS", "BRL", "AED", "IQD", "AZN",
	"KZT", "KWD", "SAR", "BHD", "RUB", "JPY", "EGP", "MXN", "RON"}

// IsCurrency reports whether c is a documented currency code.
func IsCurrency(c string) bool {
	for _, x := range Currencies {
		if x == c {
			return true
		}
	}
	return false
}

// CreatePaymentRequest is the body of POST /payment/v1/card-payments
// (docs/reference/craftgate/endpoints.md B.1). Only card payments are modelled here; wallet fields are
// kept so a wallet or card+wallet payment can be expressed.
type CreatePaymentRequest struct {
	Price            Amount         `json:"price"`
	PaidPrice        Amount         `json:"paidPrice"`
	WalletPrice      Amount         `json:"walletPrice"`
	Installment      int            `json:"installment"`
	Currency         string         `json:"currency"`
	PaymentGroup     string         `json:"paymentGroup,omitempty"`
	PaymentPhase     string         `json:"paymentPhase,omitempty"`
	ConversationID   string         `json:"conversationId,omitempty"`
	ExternalID       string         `json:"externalId,omitempty"`
	PaymentChannel   string         `json:"paymentChannel,omitempty"`
	BuyerMemberID    int64          `json:"buyerMemberId,omitempty"`
	BankOrderID      string         `json:"bankOrderId,omitempty"`
	ClientIP         string         `json:"clientIp,omitempty"`
	PosAlias         string         `json:"posAlias,omitempty"`
	Retry            *bool          `json:"retry,omitempty"`
	Card             *Card          `json:"card,omitempty"`
	Items            []PaymentItem  `json:"items"`
	FraudParams      *FraudParams   `json:"fraudParams,omitempty"`
	AdditionalParams map[string]any `json:"additionalParams,omitempty"`
}

// Card is the card of a payment request: a plain card (holder, number,
// expiry, CVC) or a stored card (cardUserKey + cardToken).
type Card struct {
	CardHolderName               string `json:"cardHolderName,omitempty"`
	CardNumber                   string `json:"cardNumber,omitempty"`
	ExpireYear                   string `json:"expireYear,omitempty"`
	ExpireMonth                  string `json:"expireMonth,omitempty"`
	CVC                          string `json:"cvc,omitempty"`
	CardAlias                    string `json:"cardAlias,omitempty"`
	StoreCardAfterSuccessPayment bool   `json:"storeCardAfterSuccessPayment,omitempty"`
	CardUserKey                  string `json:"cardUserKey,omitempty"`
	CardToken                    string `json:"cardToken,omitempty"`
	// BinNumber, LastFourDigits and CardHolderIdentityNumber are the
	// documented insurance form: the first 6 or 8 and the last 4 digits of
	// the card and the holder's national identity number, instead of the
	// number itself.
	BinNumber                string `json:"binNumber,omitempty"`
	LastFourDigits           string `json:"lastFourDigits,omitempty"`
	CardHolderIdentityNumber string `json:"cardHolderIdentityNumber,omitempty"`
	// Loyalty uses the card's rewards for this payment (loyalty.go).
	Loyalty *Loyalty `json:"loyalty,omitempty"`
}

// PaymentItem is one basket item; the items' prices must sum to price.
type PaymentItem struct {
	Name                   string  `json:"name,omitempty"`
	Price                  Amount  `json:"price"`
	ExternalID             string  `json:"externalId,omitempty"`
	SubMerchantMemberID    int64   `json:"subMerchantMemberId,omitempty"`
	SubMerchantMemberPrice *Amount `json:"subMerchantMemberPrice,omitempty"`
}

// FraudParams are the optional inputs of fraud rules.
type FraudParams struct {
	BuyerExternalID     string `json:"buyerExternalId,omitempty"`
	BuyerPhoneNumber    string `json:"buyerPhoneNumber,omitempty"`
	BuyerEmail          string `json:"buyerEmail,omitempty"`
	CustomFraudVariable string `json:"customFraudVariable,omitempty"`
}

// Payment is Craftgate's PaymentResponse (docs/reference/craftgate/endpoints.md B.2): the result of
// create payment, 3ds-complete, retrieve payment and post-auth.
type Payment struct {
	ID                           int64        `json:"id"`
	CreatedDate                  string       `json:"createdDate"`
	Price                        Amount       `json:"price"`
	PaidPrice                    Amount       `json:"paidPrice"`
	WalletPrice                  Amount       `json:"walletPrice"`
	Currency                     string       `json:"currency"`
	BuyerMemberID                int64        `json:"buyerMemberId,omitempty"`
	Installment                  int          `json:"installment"`
	ConversationID               string       `json:"conversationId,omitempty"`
	ExternalID                   string       `json:"externalId,omitempty"`
	PaymentChannel               string       `json:"paymentChannel,omitempty"`
	PaymentType                  string       `json:"paymentType"`
	PaymentProvider              string       `json:"paymentProvider,omitempty"`
	PaymentSource                string       `json:"paymentSource"`
	PaymentGroup                 string       `json:"paymentGroup,omitempty"`
	PaymentStatus                string       `json:"paymentStatus"`
	PaymentPhase                 string       `json:"paymentPhase"`
	IsThreeDS                    bool         `json:"isThreeDS"`
	MerchantCommissionRate       Amount       `json:"merchantCommissionRate"`
	MerchantCommissionRateAmount Amount       `json:"merchantCommissionRateAmount"`
	BankCommissionRate           Amount       `json:"bankCommissionRate"`
	BankCommissionRateAmount     Amount       `json:"bankCommissionRateAmount"`
	PaidWithStoredCard           bool         `json:"paidWithStoredCard"`
	BinNumber                    string       `json:"binNumber,omitempty"`
	LastFourDigits               string       `json:"lastFourDigits,omitempty"`
	CardHolderName               string       `json:"cardHolderName,omitempty"`
	BankCardHolderName           string       `json:"bankCardHolderName,omitempty"`
	CardIssuerBankName           string       `json:"cardIssuerBankName,omitempty"`
	CardType                     string       `json:"cardType,omitempty"`
	CardAssociation              string       `json:"cardAssociation,omitempty"`
	CardBrand                    string       `json:"cardBrand,omitempty"`
	AuthCode                     string       `json:"authCode,omitempty"`
	HostReference                string       `json:"hostReference,omitempty"`
	TransID                      string       `json:"transId,omitempty"`
	OrderID                      string       `json:"orderId,omitempty"`
	MdStatus                     *int         `json:"mdStatus,omitempty"`
	RequestedPosAlias            string       `json:"requestedPosAlias,omitempty"`
	Pos                          *MerchantPos `json:"pos,omitempty"`
	FraudID                      int64        `json:"fraudId,omitempty"`
	FraudAction                  string       `json:"fraudAction,omitempty"`
	Loyalty                      *Loyalty     `json:"loyalty,omitempty"` // the reward used, echoed (loyalty.go)
	CardUserKey                  string       `json:"cardUserKey,omitempty"`
	CardToken                    string       `json:"cardToken,omitempty"`
	PaymentError                 *ErrorBody   `json:"paymentError,omitempty"`
	ApmType                      string       `json:"apmType,omitempty"` // APM payments (apm.go)
	// RefundStatus (NO_REFUND, NOT_REFUNDED, PARTIAL_REFUNDED, FULLY_REFUNDED)
	// is a reporting-API field (docs/reference/craftgate/flows.md section 0); gatecheck's mock also
	// returns it on the payment so flows can assert on it. The sandbox's
	// PaymentResponse does not carry it.
	RefundStatus        string               `json:"refundStatus,omitempty"`
	PaymentTransactions []PaymentTransaction `json:"paymentTransactions"`
}

// MerchantPos names the virtual POS a payment went through.
type MerchantPos struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Alias  string `json:"alias"`
	BankID int64  `json:"bankId"`
}

// PaymentTransaction is one basket item of a payment; partial refunds are
// made per transaction.
type PaymentTransaction struct {
	ID                            int64   `json:"id"`
	Name                          string  `json:"name,omitempty"`
	ExternalID                    string  `json:"externalId,omitempty"`
	Price                         Amount  `json:"price"`
	PaidPrice                     Amount  `json:"paidPrice"`
	WalletPrice                   Amount  `json:"walletPrice"`
	MerchantCommissionRate        Amount  `json:"merchantCommissionRate"`
	MerchantCommissionRateAmount  Amount  `json:"merchantCommissionRateAmount"`
	MerchantPayoutAmount          Amount  `json:"merchantPayoutAmount"`
	SubMerchantMemberID           int64   `json:"subMerchantMemberId,omitempty"`
	SubMerchantMemberPrice        *Amount `json:"subMerchantMemberPrice,omitempty"`
	SubMerchantMemberPayoutRate   *Amount `json:"subMerchantMemberPayoutRate,omitempty"`
	SubMerchantMemberPayoutAmount *Amount `json:"subMerchantMemberPayoutAmount,omitempty"`
	TransactionStatus             string  `json:"transactionStatus"`
	// RefundablePrice is what is still refundable on this transaction. The
	// reporting API exposes it (docs/reference/craftgate/flows.md section 4); gatecheck's mock also
	// returns it here so tests can assert on it. Absent from the sandbox's
	// PaymentResponse.
	RefundablePrice *Amount `json:"refundablePrice,omitempty"`
}

// RefundPaymentRequest is the body of POST /payment/v1/refunds: a refund or
// cancel of the whole (remaining) payment. There is no amount.
type RefundPaymentRequest struct {
	PaymentID             int64  `json:"paymentId"`
	ConversationID        string `json:"conversationId,omitempty"`
	RefundDestinationType string `json:"refundDestinationType,omitempty"`
	ChargeFromMe          bool   `json:"chargeFromMe,omitempty"`
}

// PaymentRefund is the answer to a whole-payment refund (docs/reference/craftgate/endpoints.md B.8).
// ID is present for a CANCEL; for a REFUND the docs say it is not returned,
// and PaymentTransactionRefunds lists one refund per transaction instead.
type PaymentRefund struct {
	ID                        int64                      `json:"id,omitempty"`
	CreatedDate               string                     `json:"createdDate"`
	Status                    string                     `json:"status"`
	RefundType                string                     `json:"refundType"`
	RefundDestinationType     string                     `json:"refundDestinationType"`
	RefundPrice               Amount                     `json:"refundPrice"`
	RefundBankPrice           Amount                     `json:"refundBankPrice"`
	RefundWalletPrice         Amount                     `json:"refundWalletPrice"`
	ConversationID            string                     `json:"conversationId,omitempty"`
	AuthCode                  string                     `json:"authCode,omitempty"`
	HostReference             string                     `json:"hostReference,omitempty"`
	TransID                   string                     `json:"transId,omitempty"`
	Currency                  string                     `json:"currency"`
	PaymentID                 int64                      `json:"paymentId"`
	PaymentTransactionRefunds []PaymentTransactionRefund `json:"paymentTransactionRefunds"`
}

// RefundTransactionRequest is the body of POST /payment/v1/refund-transactions.
type RefundTransactionRequest struct {
	PaymentTransactionID  int64  `json:"paymentTransactionId"`
	RefundPrice           Amount `json:"refundPrice"`
	ConversationID        string `json:"conversationId,omitempty"`
	RefundDestinationType string `json:"refundDestinationType,omitempty"`
	ChargeFromMe          bool   `json:"chargeFromMe,omitempty"`
}

// PaymentTransactionRefund is one (partial) refund of one transaction
// (docs/reference/craftgate/endpoints.md B.9).
type PaymentTransactionRefund struct {
	ID                    int64  `json:"id"`
	CreatedDate           string `json:"createdDate"`
	Status                string `json:"status"`
	RefundDestinationType string `json:"refundDestinationType"`
	RefundPrice           Amount `json:"refundPrice"`
	RefundBankPrice       Amount `json:"refundBankPrice"`
	RefundWalletPrice     Amount `json:"refundWalletPrice"`
	ConversationID        string `json:"conversationId,omitempty"`
	AuthCode              string `json:"authCode,omitempty"`
	HostReference         string `json:"hostReference,omitempty"`
	TransID               string `json:"transId,omitempty"`
	IsAfterSettlement     bool   `json:"isAfterSettlement"`
	PaymentTransactionID  int64  `json:"paymentTransactionId"`
	PaymentID             int64  `json:"paymentId"`
	Currency              string `json:"currency"`
}

// DateTimeLayout is the layout of every timestamp in Craftgate responses:
// no zone designator (a trailing Z breaks the official Go and Java clients).
const DateTimeLayout = "2006-01-02T15:04:05"
