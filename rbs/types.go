package rbs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// Flex is a scalar the gateway sends as a string in some versions and as a
// number in others (actionCode, currency); it keeps the text.
type Flex string

// UnmarshalJSON accepts a string, a number, a boolean or null.
func (f *Flex) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = Flex(s)
	default:
		*f = Flex(b)
	}
	return nil
}

// Int returns the value as an integer.
func (f Flex) Int() (int, error) { return strconv.Atoi(string(f)) }

// FlexInt is an integer sent as a number or a quoted number.
type FlexInt int64

// UnmarshalJSON accepts a number, a quoted number, "" or null.
func (n *FlexInt) UnmarshalJSON(b []byte) error {
	var f Flex
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	if f == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(f), 10, 64)
	if err != nil {
		return fmt.Errorf("rbs: integer %s: %w", b, err)
	}
	*n = FlexInt(v)
	return nil
}

// RegisterRequest is the body of register.do and registerPreAuth.do.
// Amount is in minor units; a zero Currency is left out (the merchant's
// currency applies).
type RegisterRequest struct {
	OrderNumber string
	Amount      int64
	Currency    Currency
	ReturnURL   string
	FailURL     string
	// DynamicCallbackURL receives this order's payment callbacks instead
	// of the merchant's static callback URL.
	DynamicCallbackURL string
	Description        string
	Language           string
	ClientID           string
	IP                 string
	Email              string
	// SessionTimeoutSecs is the order's lifetime (gateway default 1200 s).
	SessionTimeoutSecs int
	// ExpirationDate is yyyy-MM-ddTHH:mm:ss; it wins over SessionTimeoutSecs.
	ExpirationDate string
	// Features such as VERIFY or FORCE_TDS.
	Features   []string
	JSONParams map[string]string
	// AllowedPaymentWays is router-only, e.g. ["CARD","ALFAPAY"].
	AllowedPaymentWays []string
	// AutocompletionDate and AutoReverseDate are registerPreAuth.do only.
	AutocompletionDate, AutoReverseDate string
	// OrderBundle is the cart (JSON) for fiscal receipts; BindingID
	// restricts the order to one stored card.
	OrderBundle json.RawMessage
	BindingID   string
}

func (r *RegisterRequest) params() []Param {
	p := []Param{Str("orderNumber", r.OrderNumber), Int("amount", r.Amount)}
	if r.Currency.Numeric != 0 {
		p = append(p, Str("currency", r.Currency.Code()))
	}
	p = append(p, Str("returnUrl", r.ReturnURL))
	p = appendOpt(p, "failUrl", r.FailURL)
	p = appendOpt(p, "dynamicCallbackUrl", r.DynamicCallbackURL)
	p = appendOpt(p, "description", r.Description)
	p = appendOpt(p, "language", r.Language)
	p = appendOpt(p, "clientId", r.ClientID)
	p = appendOpt(p, "ip", r.IP)
	p = appendOpt(p, "email", r.Email)
	if r.SessionTimeoutSecs > 0 {
		p = append(p, Int("sessionTimeoutSecs", int64(r.SessionTimeoutSecs)))
	}
	p = appendOpt(p, "expirationDate", r.ExpirationDate)
	p = appendOpt(p, "autocompletionDate", r.AutocompletionDate)
	p = appendOpt(p, "autoReverseDate", r.AutoReverseDate)
	for _, f := range r.Features {
		p = append(p, Str("features", f))
	}
	if len(r.JSONParams) > 0 {
		b, _ := json.Marshal(r.JSONParams) // a map of strings always encodes
		p = append(p, Raw("jsonParams", b))
	}
	if len(r.OrderBundle) > 0 {
		p = append(p, Raw("orderBundle", r.OrderBundle))
	}
	p = appendOpt(p, "bindingId", r.BindingID)
	if len(r.AllowedPaymentWays) > 0 {
		b, _ := json.Marshal(r.AllowedPaymentWays)
		p = append(p, Raw("allowedPaymentWays", b))
	}
	return p
}

// RegisterResponse is the answer to register.do and registerPreAuth.do.
type RegisterResponse struct {
	// OrderID is the gateway's order id (mdOrder), a 36-character UUID.
	OrderID string `json:"orderId"`
	// FormURL is the payment page: the payment link a merchant sends.
	FormURL string `json:"formUrl"`
	// OrderNumber is echoed by the router only.
	OrderNumber string `json:"orderNumber,omitempty"`
}

// DepositRequest captures a held order. Amount 0 captures the whole
// approved amount.
type DepositRequest struct {
	OrderID  string
	Amount   int64
	Language string
}

func (r *DepositRequest) params() []Param {
	return appendOpt([]Param{Str("orderId", r.OrderID), Int("amount", r.Amount)}, "language", r.Language)
}

// ReverseRequest cancels an authorisation (or a same-day payment). Amount
// 0 leaves amount out: the whole authorisation.
type ReverseRequest struct {
	OrderID  string
	Amount   int64
	Language string
}

func (r *ReverseRequest) params() []Param {
	p := []Param{Str("orderId", r.OrderID)}
	if r.Amount > 0 {
		p = append(p, Int("amount", r.Amount))
	}
	return appendOpt(p, "language", r.Language)
}

// RefundRequest returns deposited money. Amount 0 refunds everything not
// yet refunded. ExternalRefundID makes the refund idempotent;
// ExpectedDepositedAmount, when set, makes the gateway refund only if the
// order's deposited amount is exactly that.
type RefundRequest struct {
	OrderID                 string
	Amount                  int64
	ExternalRefundID        string
	ExpectedDepositedAmount *int64
	Language                string
}

func (r *RefundRequest) params() []Param {
	p := []Param{Str("orderId", r.OrderID), Int("amount", r.Amount)}
	p = appendOpt(p, "externalRefundId", r.ExternalRefundID)
	if r.ExpectedDepositedAmount != nil {
		p = append(p, Int("expectedDepositedAmount", *r.ExpectedDepositedAmount))
	}
	return appendOpt(p, "language", r.Language)
}

// DeclineRequest cancels an order that was never paid.
type DeclineRequest struct {
	OrderID     string
	OrderNumber string
	Language    string
}

func (r *DeclineRequest) params() []Param {
	p := []Param{Str("orderId", r.OrderID)}
	p = appendOpt(p, "orderNumber", r.OrderNumber)
	return appendOpt(p, "language", r.Language)
}

// StatusRequest asks for an order by OrderID or, if empty, OrderNumber.
type StatusRequest struct {
	OrderID     string
	OrderNumber string
	Language    string
}

func (r *StatusRequest) params() []Param {
	var p []Param
	p = appendOpt(p, "orderId", r.OrderID)
	if r.OrderID == "" {
		p = appendOpt(p, "orderNumber", r.OrderNumber)
	}
	return appendOpt(p, "language", r.Language)
}

// AlfaPayRequest is the body of the router's /alfapay/paymentOrder.do.
type AlfaPayRequest struct {
	OrderID  string
	Language string
}

func (r *AlfaPayRequest) params() []Param {
	return appendOpt([]Param{Str("orderId", r.OrderID)}, "language", r.Language)
}

// AlfaPayResponse is the data of the router's Alfa Pay answer
// {"data":{"orderId","redirect"},"success":true}.
type AlfaPayResponse struct {
	// OrderID is the order id the router returns; seed 002's example
	// shows an id different from the registered one (perhaps the bank's),
	// so callers should keep using the id register.do returned.
	OrderID string `json:"orderId"`
	// Redirect is the Alfa Pay page the payer's browser goes to.
	Redirect string `json:"redirect"`
}

// NameValue is one entry of attributes and merchantOrderParams.
type NameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SecureAuthInfo is the 3-D Secure part of cardAuthInfo.
type SecureAuthInfo struct {
	ECI                    FlexInt `json:"eci,omitempty"`
	ThreeDSProtocolVersion string  `json:"threeDSProtocolVersion,omitempty"`
}

// CardAuthInfo describes the card an order was paid with; the PAN only
// masked ("411111**1111").
type CardAuthInfo struct {
	MaskedPan      string          `json:"maskedPan,omitempty"`
	Expiration     string          `json:"expiration,omitempty"` // YYYYMM
	CardholderName string          `json:"cardholderName,omitempty"`
	ApprovalCode   string          `json:"approvalCode,omitempty"`
	PaymentSystem  string          `json:"paymentSystem,omitempty"`
	SecureAuthInfo *SecureAuthInfo `json:"secureAuthInfo,omitempty"`
}

// PaymentAmountInfo holds the order's amounts in minor units.
type PaymentAmountInfo struct {
	PaymentState    string  `json:"paymentState,omitempty"`
	ApprovedAmount  FlexInt `json:"approvedAmount"`
	DepositedAmount FlexInt `json:"depositedAmount"`
	RefundedAmount  FlexInt `json:"refundedAmount"`
	TotalAmount     FlexInt `json:"totalAmount"`
}

// BankInfo is the issuer's bank.
type BankInfo struct {
	BankName        string `json:"bankName,omitempty"`
	BankCountryCode string `json:"bankCountryCode,omitempty"`
	BankCountryName string `json:"bankCountryName,omitempty"`
}

// RefundInfo is one refund of refunds[].
type RefundInfo struct {
	Date             string  `json:"date,omitempty"`
	ExternalRefundID string  `json:"externalRefundId,omitempty"`
	ApprovalCode     string  `json:"approvalCode,omitempty"`
	ActionCode       Flex    `json:"actionCode,omitempty"`
	ReferenceNumber  string  `json:"referenceNumber,omitempty"`
	Amount           FlexInt `json:"amount"`
}

// OrderStatusExtended is the answer to getOrderStatusExtended.do. Fields
// depend on the merchant's configured version; unknown ones are ignored.
// The router's answer {"state", "depositedAmount",
// "orderStatusResultModel"} is flattened into the same struct, with State
// set.
type OrderStatusExtended struct {
	OrderNumber           string             `json:"orderNumber"`
	OrderStatus           *OrderStatus       `json:"orderStatus"`
	ActionCode            Flex               `json:"actionCode"`
	ActionCodeDescription string             `json:"actionCodeDescription"`
	Amount                FlexInt            `json:"amount"`
	Currency              Flex               `json:"currency"`
	Date                  FlexInt            `json:"date"`
	OrderDescription      string             `json:"orderDescription"`
	IP                    string             `json:"ip"`
	Attributes            []NameValue        `json:"attributes"`
	MerchantOrderParams   []NameValue        `json:"merchantOrderParams"`
	CardAuthInfo          *CardAuthInfo      `json:"cardAuthInfo"`
	PaymentAmountInfo     *PaymentAmountInfo `json:"paymentAmountInfo"`
	BankInfo              *BankInfo          `json:"bankInfo"`
	Refunds               []RefundInfo       `json:"refunds"`
	PaymentWay            string             `json:"paymentWay"`
	AuthDateTime          FlexInt            `json:"authDateTime"`
	DepositedDate         FlexInt            `json:"depositedDate"`
	RefundedDate          FlexInt            `json:"refundedDate"`
	ReversedDate          FlexInt            `json:"reversedDate"`
	// State is the router's state (CREATED, APPROVED, DEPOSITED, ...);
	// empty from a bank gateway.
	State string `json:"state"`
}

// Status returns orderStatus, or -2 when the answer had none.
func (o *OrderStatusExtended) Status() OrderStatus {
	if o.OrderStatus == nil {
		return -2
	}
	return *o.OrderStatus
}

// OrderID returns the mdOrder attribute.
func (o *OrderStatusExtended) OrderID() string {
	for _, a := range o.Attributes {
		if a.Name == "mdOrder" {
			return a.Value
		}
	}
	return ""
}

// Amounts returns paymentAmountInfo, or zero amounts when absent.
func (o *OrderStatusExtended) Amounts() PaymentAmountInfo {
	if o.PaymentAmountInfo == nil {
		return PaymentAmountInfo{}
	}
	return *o.PaymentAmountInfo
}

// MaskedPAN returns cardAuthInfo.maskedPan, or "".
func (o *OrderStatusExtended) MaskedPAN() string {
	if o.CardAuthInfo == nil {
		return ""
	}
	return o.CardAuthInfo.MaskedPan
}
