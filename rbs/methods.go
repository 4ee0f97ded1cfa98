package rbs

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// The methods merchants' own clients use beside the hosted page: the
// classic status, direct card payments and their 3-D Secure finish,
// bindings (stored cards), SBP QR payments, reconciliation, order
// parameters, instant payments, fiscal receipts and the wallets.

// OrderStatusClassic is the classic getOrderStatus.do answer, with its
// capitalised names. ErrorCode 2 (a declined payment) is an answer here,
// not an error.
type OrderStatusClassic struct {
	ErrorCode      Flex        `json:"ErrorCode"`
	ErrorMessage   string      `json:"ErrorMessage"`
	OrderStatus    OrderStatus `json:"OrderStatus"`
	OrderNumber    string      `json:"OrderNumber"`
	Pan            string      `json:"Pan"`
	Expiration     string      `json:"expiration"`
	CardholderName string      `json:"cardholderName"`
	Amount         FlexInt     `json:"Amount"`
	DepositAmount  FlexInt     `json:"depositAmount"`
	Currency       Flex        `json:"currency"`
	ApprovalCode   string      `json:"approvalCode"`
	IP             string      `json:"Ip"`
	ClientID       string      `json:"clientId"`
	BindingID      string      `json:"bindingId"`
}

// GetOrderStatus fetches an order with the classic getOrderStatus.do.
func (c *Client) GetOrderStatus(ctx context.Context, r *StatusRequest) (*OrderStatusClassic, error) {
	return call[OrderStatusClassic](ctx, c, MethodGetOrderStatus, r.params())
}

// PaymentOrderRequest pays a registered order with card data on the
// merchant's own page (paymentorder.do). ThreeDSServerTransID is set on
// the second call of a 3-D Secure 2 payment; TermURL is where the ACS
// returns the payer (the gateway's own finish page when empty).
type PaymentOrderRequest struct {
	OrderID              string
	PAN, CVC             string
	Expiry               string // YYYYMM
	Cardholder           string
	Language             string
	BindingNotNeeded     bool
	ThreeDSServerTransID string
	ThreeDSVer2FinishURL string
	TermURL              string
}

func (r *PaymentOrderRequest) params() []Param {
	p := []Param{Str("MDORDER", r.OrderID), Str("$PAN", r.PAN), Str("$CVC", r.CVC), Str("$EXPIRY", r.Expiry), Str("TEXT", r.Cardholder)}
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	p = append(p, Str("language", lang))
	if r.BindingNotNeeded {
		p = append(p, Str("bindingNotNeeded", "true"))
	}
	p = appendOpt(p, "threeDSServerTransID", r.ThreeDSServerTransID)
	p = appendOpt(p, "threeDSVer2FinishUrl", r.ThreeDSVer2FinishURL)
	return appendOpt(p, "TermUrl", r.TermURL)
}

// PaymentResponse is the answer of paymentorder.do, paymentOrderBinding.do
// and the finish methods: a redirect when the payment is over, the ACS's
// address and message for 3-D Secure 1 (AcsURL, PaReq, TermURL) or 2
// (Is3DSVer2 with ThreeDSServerTransID first, then AcsURL and
// PackedCReq).
type PaymentResponse struct {
	Info                    string `json:"info"`
	Redirect                string `json:"redirect"`
	AcsURL                  string `json:"acsUrl"`
	PaReq                   string `json:"paReq"`
	TermURL                 string `json:"termUrl"`
	Is3DSVer2               bool   `json:"is3DSVer2"`
	ThreeDSServerTransID    string `json:"threeDSServerTransId"`
	ThreeDSMethodURL        string `json:"threeDSMethodURL"`
	ThreeDSMethodURLServer  string `json:"threeDSMethodURLServer"`
	ThreeDSMethodDataPacked string `json:"threeDSMethodDataPacked"`
	PackedCReq              string `json:"packedCReq"`
	BindingID               string `json:"bindingId"`
}

// PaymentOrder pays a registered order with card data (paymentorder.do;
// the router's paymentOrder.do).
func (c *Client) PaymentOrder(ctx context.Context, r *PaymentOrderRequest) (*PaymentResponse, error) {
	method := MethodPaymentOrder
	if c.variant == VariantRouter {
		method = "paymentOrder.do"
	}
	return c.payment(ctx, method, r.params())
}

func (c *Client) payment(ctx context.Context, method string, p []Param) (*PaymentResponse, error) {
	return call[PaymentResponse](ctx, c, method, p)
}

// Finish3DS ends a 3-D Secure 1 direct payment with the ACS's PaRes
// (finish3dsPayment.do).
func (c *Client) Finish3DS(ctx context.Context, orderID, paRes string) (*PaymentResponse, error) {
	return c.payment(ctx, MethodFinish3DS, []Param{Str("mdOrder", orderID), Str("paRes", paRes)})
}

// Finish3DSVer2 ends a 3-D Secure 2 direct payment
// (finish3dsVer2Payment.do).
func (c *Client) Finish3DSVer2(ctx context.Context, threeDSServerTransID, orderID string) (*PaymentResponse, error) {
	return c.payment(ctx, MethodFinish3DSVer2, appendOpt([]Param{Str("threeDSServerTransId", threeDSServerTransID)}, "threeDSVer2MdOrder", orderID))
}

// Enrollment is verifyEnrollment.do's answer.
type Enrollment struct {
	IsEnrolled         Flex   `json:"isEnrolled"`
	EmitterName        string `json:"emitterName"`
	EmitterCountryCode string `json:"emitterCountryCode"`
}

// Enrolled reports whether the card takes part in 3-D Secure.
func (e *Enrollment) Enrolled() bool { return e.IsEnrolled == "true" }

// VerifyEnrollment asks whether a card takes part in 3-D Secure.
func (c *Client) VerifyEnrollment(ctx context.Context, pan string) (*Enrollment, error) {
	return call[Enrollment](ctx, c, MethodVerifyEnrollment, []Param{Str("pan", pan)})
}

// PaymentOrderBinding pays a registered order (registered with the
// binding's clientId) with a stored card; cvc may be empty.
func (c *Client) PaymentOrderBinding(ctx context.Context, orderID, bindingID, cvc string) (*PaymentResponse, error) {
	return c.payment(ctx, MethodPaymentOrderBinding, appendOpt([]Param{Str("mdOrder", orderID), Str("bindingId", bindingID)}, "cvc", cvc))
}

// Binding is a stored card as the binding methods list it.
type Binding struct {
	BindingID       string `json:"bindingId"`
	MaskedPan       string `json:"maskedPan"`
	ExpiryDate      string `json:"expiryDate"`
	ClientID        string `json:"clientId"`
	PaymentWay      string `json:"paymentWay"`
	PaymentSystem   string `json:"paymentSystem"`
	DisplayLabel    string `json:"displayLabel"`
	BindingCategory string `json:"bindingCategory"`
	// createBindingNoPayment.do also answers the cardholder.
	CardholderName string `json:"cardholderName"`
}

type bindingsAnswer struct {
	Bindings []Binding `json:"bindings"`
}

// GetBindings lists a client's active bindings. A client without any is
// errorCode 2; GetBindings answers an empty list for it.
func (c *Client) GetBindings(ctx context.Context, clientID string) ([]Binding, error) {
	return c.bindings(ctx, MethodGetBindings, []Param{Str("clientId", clientID)})
}

// GetBindingsByCard lists every client's bindings of one card, by its
// number or one of its binding ids (getBindingsByCardOrId.do).
func (c *Client) GetBindingsByCard(ctx context.Context, pan, bindingID string) ([]Binding, error) {
	p := appendOpt(appendOpt(nil, "pan", pan), "bindingId", bindingID)
	return c.bindings(ctx, MethodGetBindingsByCardOrID, p)
}

// bindings calls a method listing bindings; errorCode 2 (none) is an
// empty list.
func (c *Client) bindings(ctx context.Context, method string, p []Param) ([]Binding, error) {
	out, err := call[bindingsAnswer](ctx, c, method, p)
	if err != nil {
		if HasCode(err, CodeBindingState) {
			return nil, nil
		}
		return nil, err
	}
	return out.Bindings, nil
}

// UnBindCard deactivates a binding; BindCard activates it again.
func (c *Client) UnBindCard(ctx context.Context, bindingID string) error {
	return c.Call(ctx, MethodUnBindCard, []Param{Str("bindingId", bindingID)}, nil)
}

// BindCard activates a deactivated binding.
func (c *Client) BindCard(ctx context.Context, bindingID string) error {
	return c.Call(ctx, MethodBindCard, []Param{Str("bindingId", bindingID)}, nil)
}

// ExtendBinding sets a binding's expiry (YYYYMM).
func (c *Client) ExtendBinding(ctx context.Context, bindingID, newExpiry string) error {
	lang := c.lang
	if lang == "" {
		lang = "en"
	}
	return c.Call(ctx, MethodExtendBinding, []Param{Str("bindingId", bindingID), Str("newExpiry", newExpiry), Str("language", lang)}, nil)
}

// CreateBindingNoPayment stores a card for a client without a payment.
func (c *Client) CreateBindingNoPayment(ctx context.Context, clientID, pan, expiry, cardholder string) (*Binding, error) {
	p := []Param{Str("clientId", clientID), Str("pan", pan), Str("expiryDate", expiry), Str("cardholderName", cardholder)}
	return call[Binding](ctx, c, MethodCreateBindingNoPayment, p)
}

// SBPQR is the answer of the SBP QR methods. The docs' tables name the
// QR status "status", their examples "qrStatus": QRStatus returns
// whichever came.
type SBPQR struct {
	QRID             string `json:"qrId"`
	Payload          string `json:"payload"`
	RenderedQR       string `json:"renderedQr"`
	Status           string `json:"status"`
	QRStatusField    string `json:"qrStatus"`
	QRType           string `json:"qrType"`
	TransactionState string `json:"transactionState"`
}

// QRStatus is STARTED, CONFIRMED, REJECTED, REJECTED_BY_USER or ACCEPTED.
func (q *SBPQR) QRStatus() string {
	if q.QRStatusField != "" {
		return q.QRStatusField
	}
	return q.Status
}

// SBPGetQR asks for the dynamic SBP QR code of a registered order.
func (c *Client) SBPGetQR(ctx context.Context, orderID, redirectURL string) (*SBPQR, error) {
	return call[SBPQR](ctx, c, MethodSBPGetQR, appendOpt([]Param{Str("mdOrder", orderID)}, "redirectUrl", redirectURL))
}

// SBPStatus reports an SBP QR payment's status.
func (c *Client) SBPStatus(ctx context.Context, orderID, qrID string) (*SBPQR, error) {
	return call[SBPQR](ctx, c, MethodSBPStatus, appendOpt([]Param{Str("mdOrder", orderID)}, "qrId", qrID))
}

// SBPReject withdraws an unpaid SBP QR code; it reports whether it did.
func (c *Client) SBPReject(ctx context.Context, orderID, qrID string) (bool, error) {
	var out struct {
		Rejected bool `json:"rejected"`
	}
	if err := c.Call(ctx, MethodSBPReject, appendOpt([]Param{Str("mdOrder", orderID)}, "qrId", qrID), &out); err != nil {
		return false, err
	}
	return out.Rejected, nil
}

// LastOrdersRequest asks getLastOrdersForMerchants.do for a page of the
// merchant's orders: From and To as yyyyMMddHHmmss, States among CREATED,
// APPROVED, DEPOSITED, DECLINED, REVERSED, REFUNDED.
type LastOrdersRequest struct {
	Size, Page int
	From, To   string
	States     []string
}

// LastOrders is a page of orders.
type LastOrders struct {
	OrderStatuses []OrderStatusExtended `json:"orderStatuses"`
	TotalCount    FlexInt               `json:"totalCount"`
	Page          FlexInt               `json:"page"`
	PageSize      FlexInt               `json:"pageSize"`
}

// GetLastOrders lists the merchant's orders for reconciliation.
func (c *Client) GetLastOrders(ctx context.Context, r *LastOrdersRequest) (*LastOrders, error) {
	p := []Param{Int("size", int64(r.Size)), Str("from", r.From), Str("to", r.To), Str("transactionStates", strings.Join(r.States, ","))}
	if r.Page > 0 {
		p = append(p, Int("page", int64(r.Page)))
	}
	return call[LastOrders](ctx, c, MethodGetLastOrders, p)
}

// AddParams adds name/value parameters to an order (addParams.do).
func (c *Client) AddParams(ctx context.Context, orderID string, values map[string]string) error {
	b, err := json.Marshal(values)
	if err != nil {
		return fmt.Errorf("rbs: addParams: %w", err)
	}
	return c.Call(ctx, MethodAddParams, []Param{Str("orderId", orderID), Raw("params", b)}, nil)
}

// InstantPaymentRequest registers and pays an order in one call, with a
// card or a binding.
type InstantPaymentRequest struct {
	OrderNumber string
	Amount      int64
	Currency    Currency
	BackURL     string
	FailURL     string
	PAN, CVC    string
	Expiry      string // YYYYMM
	Cardholder  string
	BindingID   string
	ClientID    string
	PreAuth     bool
	// OrderBundle is the cart as JSON, for fiscal receipts.
	OrderBundle json.RawMessage
}

// InstantPayment is instantPayment.do's answer.
type InstantPayment struct {
	OrderID     string              `json:"orderId"`
	OrderStatus *OrderStatusClassic `json:"orderStatus"`
	PaymentResponse
}

// InstantPayment registers and pays an order in one call.
func (c *Client) InstantPayment(ctx context.Context, r *InstantPaymentRequest) (*InstantPayment, error) {
	p := []Param{Int("amount", r.Amount), Str("backUrl", r.BackURL)}
	if r.Currency.Numeric != 0 {
		p = append(p, Str("currency", r.Currency.Code()))
	}
	p = appendOpt(p, "orderNumber", r.OrderNumber)
	p = appendOpt(p, "failUrl", r.FailURL)
	p = appendOpt(p, "pan", r.PAN)
	p = appendOpt(p, "cvc", r.CVC)
	p = appendOpt(p, "expiry", r.Expiry)
	p = appendOpt(p, "cardHolderName", r.Cardholder)
	p = appendOpt(p, "bindingId", r.BindingID)
	p = appendOpt(p, "clientId", r.ClientID)
	if r.PreAuth {
		p = append(p, Str("preAuth", "true"))
	}
	if len(r.OrderBundle) > 0 {
		p = append(p, Raw("orderBundle", r.OrderBundle))
	}
	return call[InstantPayment](ctx, c, MethodInstantPayment, p)
}

// Receipt is one fiscal receipt of an order.
type Receipt struct {
	ReceiptStatus        FlexInt `json:"receiptStatus"`
	ReceiptType          string  `json:"receiptType"`
	UUID                 string  `json:"uuid"`
	FiscalDocumentNumber FlexInt `json:"fiscal_document_number"`
	AmountTotal          string  `json:"amount_total"`
	OFDReceiptURL        string  `json:"ofd_receipt_url"`
}

// Receipt statuses.
const (
	ReceiptPaymentSent      = 0
	ReceiptPaymentDelivered = 1
	ReceiptRefundSent       = 3
	ReceiptRefundDelivered  = 4
)

// ReceiptStatus lists an order's fiscal receipts (getReceiptStatus.do).
func (c *Client) ReceiptStatus(ctx context.Context, orderID string) ([]Receipt, error) {
	var out struct {
		Receipt receiptList `json:"receipt"`
	}
	if err := c.Call(ctx, MethodGetReceiptStatus, []Param{Str("orderId", orderID)}, &out); err != nil {
		return nil, err
	}
	return out.Receipt, nil
}

// receiptList accepts the receipts as an array or as one object (the docs
// type "receipt" as an object and describe a list).
type receiptList []Receipt

func (l *receiptList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var one Receipt
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = receiptList{one}
		return nil
	}
	var many []Receipt
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

// CloseReceipt sends a closing receipt of amount (minor units) for a paid
// order (closeOfdReceipt.do).
func (c *Client) CloseReceipt(ctx context.Context, orderID string, amount int64) error {
	return c.Call(ctx, MethodCloseOfdReceipt, []Param{Str("mdOrder", orderID), Int("amount", amount)}, nil)
}

// WalletPayRequest pays with Apple Pay, Google Pay or Samsung Pay
// (Method is MethodApplePay, MethodGooglePay or MethodSamsungPay).
// Token is the wallet's payment token as the wallet gave it; it is sent
// base64-encoded.
type WalletPayRequest struct {
	Method      string
	Merchant    string
	OrderNumber string
	Token       []byte
	Amount      int64
	ReturnURL   string
	PreAuth     bool
}

// WalletPay is the wallets' answer data.
type WalletPay struct {
	OrderID string `json:"orderId"`
}

// WalletPay pays with a wallet token: the order is registered and paid in
// one call. The request is JSON and names the merchant instead of sending
// credentials.
func (c *Client) WalletPay(ctx context.Context, r *WalletPayRequest) (*WalletPay, error) {
	if !isWalletMethod(r.Method) {
		return nil, fmt.Errorf("rbs: %q is not a wallet's payment.do", r.Method)
	}
	p := []Param{Str("merchant", r.Merchant), Str("orderNumber", r.OrderNumber), Str("paymentToken", base64.StdEncoding.EncodeToString(r.Token))}
	if r.Amount > 0 {
		p = append(p, Int("amount", r.Amount))
	}
	p = appendOpt(p, "returnUrl", r.ReturnURL)
	if r.PreAuth {
		p = append(p, Str("preAuth", "true"))
	}
	status, b, err := c.send(ctx, r.Method, p)
	if err != nil {
		return nil, err
	}
	var out WalletPay
	if err := DecodeResponse(r.Method, status, b, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
