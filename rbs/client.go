package rbs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Well-known base URLs (docs/reference/alfabank/rbs-gateway.md §1). Production hosts are listed
// for reference; gatecheck's steps never default to them.
const (
	AlfaTestURL       = "https://alfa.rbsuat.com/payment/rest"
	AlfaProductionURL = "https://pay.alfabank.ru/payment/rest"
	RouterTestURL     = "https://api.uat.all2pay.net/v1"
)

// Gateway methods: paths relative to the base URL.
const (
	MethodRegister               = "register.do"
	MethodRegisterPreAuth        = "registerPreAuth.do"
	MethodDeposit                = "deposit.do"
	MethodReverse                = "reverse.do"
	MethodRefund                 = "refund.do"
	MethodDecline                = "decline.do"
	MethodGetOrderStatusExtended = "getOrderStatusExtended.do"
	MethodAlfaPayPaymentOrder    = "alfapay/paymentOrder.do"
	MethodGetOrderStatus         = "getOrderStatus.do"
	MethodPaymentOrder           = "paymentorder.do"
	MethodFinish3DS              = "finish3dsPayment.do"
	MethodFinish3DSVer2          = "finish3dsVer2Payment.do"
	MethodVerifyEnrollment       = "verifyEnrollment.do"
	MethodPaymentOrderBinding    = "paymentOrderBinding.do"
	MethodGetBindings            = "getBindings.do"
	MethodGetBindingsByCardOrID  = "getBindingsByCardOrId.do"
	MethodUnBindCard             = "unBindCard.do"
	MethodBindCard               = "bindCard.do"
	MethodExtendBinding          = "extendBinding.do"
	MethodCreateBindingNoPayment = "createBindingNoPayment.do"
	MethodSBPGetQR               = "sbp/c2b/qr/dynamic/get.do"
	MethodSBPStatus              = "sbp/c2b/qr/status.do"
	MethodSBPReject              = "sbp/c2b/qr/dynamic/reject.do"
	MethodGetLastOrders          = "getLastOrdersForMerchants.do"
	MethodAddParams              = "addParams.do"
	MethodInstantPayment         = "instantPayment.do"
	MethodGetReceiptStatus       = "getReceiptStatus.do"
	MethodCloseOfdReceipt        = "closeOfdReceipt.do"
	// The wallets' methods live beside /payment/rest, under /payment:
	// relative to a bank base URL they are "../<wallet>/payment.do".
	MethodApplePay   = "applepay/payment.do"
	MethodGooglePay  = "google/payment.do"
	MethodSamsungPay = "samsung/payment.do"
)

// Variant is the wire variant a Client speaks.
type Variant int

const (
	// VariantBank is the bank gateway: form-encoded requests.
	VariantBank Variant = iota
	// VariantRouter is the all2pay router: JSON requests.
	VariantRouter
)

// String names the variant.
func (v Variant) String() string {
	if v == VariantRouter {
		return "router"
	}
	return "bank"
}

// Doer sends an HTTP request; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client is an RBS gateway client. It is safe for concurrent use and never
// prints its credentials.
type Client struct {
	baseURL  string
	userName string
	password string
	token    string
	lang     string
	variant  Variant
	doer     Doer
	// get sends every call as GET with the parameters in the query.
	get bool
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL sets the base URL methods are appended to, e.g. AlfaTestURL
// or RouterTestURL or a mock's.
func WithBaseURL(u string) Option { return func(c *Client) { c.baseURL = strings.TrimRight(u, "/") } }

// WithCredentials sets the API account's userName and password.
func WithCredentials(userName, password string) Option {
	return func(c *Client) { c.userName, c.password = userName, password }
}

// WithToken authenticates with a merchant token instead of a password.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithVariant selects the bank (form) or router (JSON) wire variant.
func WithVariant(v Variant) Option { return func(c *Client) { c.variant = v } }

// WithDoer sets the HTTP transport (default http.DefaultClient).
func WithDoer(d Doer) Option { return func(c *Client) { c.doer = d } }

// WithGET makes the client send every method as an HTTP GET with its
// parameters in the query string, as some merchant clients do; the gateway
// accepts GET and POST alike.
func WithGET() Option { return func(c *Client) { c.get = true } }

// WithLanguage sets the default language (ISO 639-1) sent with requests
// that name none.
func WithLanguage(lang string) Option { return func(c *Client) { c.lang = strings.ToLower(lang) } }

// New returns a Client. A base URL and either userName+password or a token
// (never both) are required.
func New(opts ...Option) (*Client, error) {
	c := &Client{doer: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	switch {
	case c.baseURL == "":
		return nil, errors.New("rbs: base URL is required")
	case c.token != "" && (c.userName != "" || c.password != ""):
		return nil, errors.New("rbs: use userName+password or a token, not both")
	case c.token == "" && (c.userName == "" || c.password == ""):
		return nil, errors.New("rbs: userName and password (or a token) are required")
	}
	u, err := url.Parse(c.baseURL)
	if err != nil {
		return nil, fmt.Errorf("rbs: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("rbs: base URL %q: want http or https", c.baseURL)
	}
	return c, nil
}

// BaseURL returns the configured base URL.
func (c *Client) BaseURL() string { return c.baseURL }

// Variant returns the wire variant.
func (c *Client) Variant() Variant { return c.variant }

// String describes the client without its credentials.
func (c *Client) String() string {
	auth := "userName+password"
	if c.token != "" {
		auth = "token"
	}
	return fmt.Sprintf("rbs.Client{%s %s, auth: %s [redacted]}", c.variant, c.baseURL, auth)
}

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

type paramKind uint8

const (
	kindString paramKind = iota
	kindInt
	kindRaw
)

// Param is one request parameter. Strings and integers are form values in
// the bank variant; in the router variant an integer is a JSON number and a
// raw value (Raw) is embedded as JSON.
type Param struct {
	Name  string
	Value string
	kind  paramKind
}

// Str is a string parameter.
func Str(name, value string) Param { return Param{Name: name, Value: value} }

// Int is an integer parameter (amounts in minor units).
func Int(name string, v int64) Param {
	return Param{Name: name, Value: strconv.FormatInt(v, 10), kind: kindInt}
}

// Raw is a JSON value (object or array) parameter; in a form it is sent as
// its JSON text.
func Raw(name string, js []byte) Param { return Param{Name: name, Value: string(js), kind: kindRaw} }

func appendOpt(p []Param, name, value string) []Param {
	if value == "" {
		return p
	}
	return append(p, Str(name, value))
}

// auth returns the credentials as parameters.
func (c *Client) auth() []Param {
	if c.token != "" {
		return []Param{Str("token", c.token)}
	}
	return []Param{Str("userName", c.userName), Str("password", c.password)}
}

// EncodeBody encodes params for the variant: a form or a JSON object (a
// repeated name becomes a JSON array). It returns the body and its
// content type.
func EncodeBody(v Variant, params []Param) ([]byte, string) {
	if v == VariantBank {
		form := url.Values{}
		for _, p := range params {
			form.Add(p.Name, p.Value)
		}
		return []byte(form.Encode()), "application/x-www-form-urlencoded"
	}
	var b bytes.Buffer
	b.WriteByte('{')
	done := map[string]bool{}
	first := true
	for i, p := range params {
		if done[p.Name] {
			continue
		}
		done[p.Name] = true
		var same []Param
		for _, q := range params[i:] {
			if q.Name == p.Name {
				same = append(same, q)
			}
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeJSONString(&b, p.Name)
		b.WriteByte(':')
		if len(same) > 1 {
			b.WriteByte('[')
			for j, q := range same {
				if j > 0 {
					b.WriteByte(',')
				}
				writeJSONValue(&b, q)
			}
			b.WriteByte(']')
			continue
		}
		writeJSONValue(&b, p)
	}
	b.WriteByte('}')
	return b.Bytes(), "application/json"
}

func writeJSONString(b *bytes.Buffer, s string) {
	js, _ := json.Marshal(s) // a string always encodes
	b.Write(js)
}

func writeJSONValue(b *bytes.Buffer, p Param) {
	switch p.kind {
	case kindInt, kindRaw:
		b.WriteString(p.Value)
	default:
		writeJSONString(b, p.Value)
	}
}

// maxResponseBytes bounds what the client reads of one answer.
const maxResponseBytes = 4 << 20

// call is Call decoding the answer into a new T.
func call[T any](ctx context.Context, c *Client, method string, params []Param) (*T, error) {
	var out T
	if err := c.Call(ctx, method, params, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Call sends method with params (credentials and the default language are
// added) and decodes the answer into out (may be nil). An errorCode other
// than 0 is an *Error; an answer that is not JSON wraps
// ErrUnexpectedResponse.
func (c *Client) Call(ctx context.Context, method string, params []Param, out any) error {
	status, b, err := c.send(ctx, method, append(c.auth(), params...))
	if err != nil {
		return err
	}
	return DecodeResponse(method, status, b, out)
}

// send sends method with params (the default language added) and returns
// the answer's status and body.
func (c *Client) send(ctx context.Context, method string, all []Param) (int, []byte, error) {
	if c.lang != "" && !hasParam(all, "language") {
		all = append(all, Str("language", c.lang))
	}
	target := c.methodURL(method)
	var req *http.Request
	var err error
	if c.get {
		body, _ := EncodeBody(VariantBank, all)
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, target+"?"+string(body), nil)
	} else {
		body, ctype := EncodeBody(c.variant, all)
		if isWalletMethod(method) {
			body, ctype = EncodeBody(VariantRouter, all)
		}
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", ctype)
		}
	}
	if err != nil {
		return 0, nil, fmt.Errorf("rbs: %s: %w", method, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.doer.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("rbs: %s: %w", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return 0, nil, fmt.Errorf("rbs: %s: read answer: %w", method, err)
	}
	return resp.StatusCode, b, nil
}

// isWalletMethod reports the Apple, Google and Samsung Pay payment.do,
// which live under /payment/<wallet>/ and take JSON.
func isWalletMethod(method string) bool {
	return method == MethodApplePay || method == MethodGooglePay || method == MethodSamsungPay
}

// methodURL is the method's address: the base URL and the method, except
// the wallets', which sit beside /payment/rest.
func (c *Client) methodURL(method string) string {
	if isWalletMethod(method) {
		return strings.TrimSuffix(c.baseURL, "/rest") + "/" + method
	}
	return c.baseURL + "/" + method
}

func hasParam(ps []Param, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

// envelope is what every answer may carry: errorCode and errorMessage at
// the top, or (router Alfa Pay) success with an error object.
type envelope struct {
	ErrorCode    ErrorCode `json:"errorCode"`
	ErrorMessage string    `json:"errorMessage"`
	Success      *bool     `json:"success"`
	// ErrorCodeCap is the classic getOrderStatus.do's ErrorCode (the
	// decoder matches names case-insensitively, so the exact key wins).
	ErrorCodeCap ErrorCode `json:"ErrorCode"`
	// Error is an object in the envelope answers ({code, message,
	// description}), a string in paymentOrderBinding.do and
	// instantPayment.do, a boolean in createBindingNoPayment.do.
	Error json.RawMessage `json:"error"`
}

// envelopeError is the object form of "error".
type envelopeError struct {
	Code        ErrorCode `json:"code"`
	Message     string    `json:"message"`
	Description string    `json:"description"`
}

// DecodeResponse decodes a gateway answer to method: an errorCode other
// than 0 (or success:false) becomes an *Error, anything else is decoded
// into out. The router's getOrderStatusExtended shape and its
// {"data":...,"success":true} envelope are unwrapped.
func DecodeResponse(method string, status int, body []byte, out any) error {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%w to %s: HTTP %d: %s", ErrUnexpectedResponse, method, status, truncate(string(body), 200))
	}
	if env.ErrorCode.Present && env.ErrorCode.Code != 0 {
		return &Error{Method: method, HTTPStatus: status, Code: env.ErrorCode.Code, Message: env.ErrorMessage}
	}
	if env.ErrorCodeCap.Present && env.ErrorCodeCap.Code != 0 && (method != MethodGetOrderStatus || env.ErrorCodeCap.Code != CodeClassicDeclined) {
		return &Error{Method: method, HTTPStatus: status, Code: env.ErrorCodeCap.Code, Message: env.ErrorMessage}
	}
	if env.Success != nil && !*env.Success {
		e := &Error{Method: method, HTTPStatus: status, Code: CodeWrongState, Message: env.ErrorMessage}
		var obj envelopeError
		if len(env.Error) > 0 && env.Error[0] == '{' && json.Unmarshal(env.Error, &obj) == nil {
			if obj.Code.Present {
				e.Code = obj.Code.Code
			}
			e.Message = obj.Message
			if e.Message == "" {
				e.Message = obj.Description
			}
		}
		return e
	}
	if status < 200 || status > 299 {
		return fmt.Errorf("%w to %s: HTTP %d without an errorCode: %s", ErrUnexpectedResponse, method, status, truncate(string(body), 200))
	}
	if out == nil {
		return nil
	}
	if env.Success != nil {
		var data struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(body, &data); err != nil || len(data.Data) == 0 {
			return fmt.Errorf("%w to %s: success without data", ErrUnexpectedResponse, method)
		}
		body = data.Data
	}
	if st, ok := out.(*OrderStatusExtended); ok {
		return decodeStatus(method, body, st)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("rbs: %s: decode answer: %w", method, err)
	}
	return nil
}

// decodeStatus decodes either status shape into st.
func decodeStatus(method string, body []byte, st *OrderStatusExtended) error {
	var router struct {
		State           string          `json:"state"`
		DepositedAmount FlexInt         `json:"depositedAmount"`
		Model           json.RawMessage `json:"orderStatusResultModel"`
	}
	if err := json.Unmarshal(body, &router); err != nil {
		return fmt.Errorf("rbs: %s: decode answer: %w", method, err)
	}
	if len(router.Model) > 0 && string(router.Model) != "null" {
		if err := json.Unmarshal(router.Model, st); err != nil {
			return fmt.Errorf("rbs: %s: decode orderStatusResultModel: %w", method, err)
		}
		if e := modelError(method, router.Model); e != nil {
			return e
		}
		st.State = router.State
		return nil
	}
	if err := json.Unmarshal(body, st); err != nil {
		return fmt.Errorf("rbs: %s: decode answer: %w", method, err)
	}
	return nil
}

func modelError(method string, model []byte) error {
	var env envelope
	if json.Unmarshal(model, &env) == nil && env.ErrorCode.Present && env.ErrorCode.Code != 0 {
		return &Error{Method: method, HTTPStatus: http.StatusOK, Code: env.ErrorCode.Code, Message: env.ErrorMessage}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Register registers a one-phase order (register.do).
func (c *Client) Register(ctx context.Context, r *RegisterRequest) (*RegisterResponse, error) {
	return c.register(ctx, MethodRegister, r)
}

// RegisterPreAuth registers a two-phase order (registerPreAuth.do): once
// paid it is held (orderStatus 1) until Deposit or Reverse.
func (c *Client) RegisterPreAuth(ctx context.Context, r *RegisterRequest) (*RegisterResponse, error) {
	return c.register(ctx, MethodRegisterPreAuth, r)
}

func (c *Client) register(ctx context.Context, method string, r *RegisterRequest) (*RegisterResponse, error) {
	out, err := call[RegisterResponse](ctx, c, method, r.params())
	if err != nil {
		return nil, err
	}
	if out.OrderID == "" || out.FormURL == "" {
		return nil, fmt.Errorf("%w to %s: no orderId or formUrl", ErrUnexpectedResponse, method)
	}
	return out, nil
}

// Deposit captures a held order (deposit.do).
func (c *Client) Deposit(ctx context.Context, r *DepositRequest) error {
	return c.Call(ctx, MethodDeposit, r.params(), nil)
}

// Reverse cancels an authorisation (reverse.do).
func (c *Client) Reverse(ctx context.Context, r *ReverseRequest) error {
	return c.Call(ctx, MethodReverse, r.params(), nil)
}

// Refund returns deposited money (refund.do).
func (c *Client) Refund(ctx context.Context, r *RefundRequest) error {
	return c.Call(ctx, MethodRefund, r.params(), nil)
}

// Decline cancels an unpaid order (decline.do).
func (c *Client) Decline(ctx context.Context, r *DeclineRequest) error {
	return c.Call(ctx, MethodDecline, r.params(), nil)
}

// OrderStatus fetches an order (getOrderStatusExtended.do). An unknown
// order is an *Error with code 6.
func (c *Client) OrderStatus(ctx context.Context, r *StatusRequest) (*OrderStatusExtended, error) {
	return call[OrderStatusExtended](ctx, c, MethodGetOrderStatusExtended, r.params())
}

// AlfaPayPaymentOrder asks the router for the Alfa Pay page of a
// registered order (/alfapay/paymentOrder.do; router variant only).
func (c *Client) AlfaPayPaymentOrder(ctx context.Context, r *AlfaPayRequest) (*AlfaPayResponse, error) {
	out, err := call[AlfaPayResponse](ctx, c, MethodAlfaPayPaymentOrder, r.params())
	if err != nil {
		return nil, err
	}
	if out.Redirect == "" {
		return nil, fmt.Errorf("%w to %s: no redirect", ErrUnexpectedResponse, MethodAlfaPayPaymentOrder)
	}
	return out, nil
}
