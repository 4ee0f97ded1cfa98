package rbsmock

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/rbs"
)

// methodKind is the answer shape of a method: where its errorCode is and
// which JSON type the gateway's own examples give it (README, "JSON
// types"). The mock writes these shapes unless Config.JSONCodes forces
// one type everywhere.
type methodKind int

const (
	// kindRegister omits errorCode on success and quotes it on error
	// (register.do, registerPreAuth.do examples).
	kindRegister methodKind = iota
	// kindStatus quotes errorCode (getOrderStatusExtended.do example,
	// getBindings.do, extendBinding.do, instantPayment.do, ...).
	kindStatus
	// kindOperation answers errorCode as a number (deposit.do,
	// reverse.do, refund.do, paymentorder.do, paymentOrderBinding.do,
	// createBindingNoPayment.do examples).
	kindOperation
	// kindEnvelope answers {"success":...,"data":...} (the router's Alfa
	// Pay, the Apple/Google/Samsung Pay payment.do, closeOfdReceipt.do).
	kindEnvelope
	// kindSBP answers without errorCode on success (the SBP QR examples)
	// and quotes it on error.
	kindSBP
	// kindClassic is the classic getOrderStatus.do: capitalised
	// ErrorCode and ErrorMessage, quoted.
	kindClassic
)

// handler answers one gateway method. router reports the router variant.
type handler func(m *Mock, r *http.Request, p params, router bool) (*reply, *apiError)

// route is one row of the route table: a gateway method, the paths it is
// served at (relative to the mount point) and its handler. Every method
// accepts GET (parameters in the query) and POST (a form or JSON body),
// as the gateway does.
type route struct {
	// op is the method's name, e.g. "register.do".
	op string
	// bank lists its paths under the bank API (/payment/rest/..., or
	// /payment/<wallet>/... for the wallets); router its path under the
	// router API (/v1/...), empty when the router has no such method.
	bank   []string
	router string
	kind   methodKind
	fn     handler
	// merchantOnly: the request names the merchant (merchant=login)
	// instead of sending credentials (the wallets' payment.do).
	merchantOnly bool
}

// routes is the mock's one route table: one row per gateway method. The
// list of documented methods the mock must serve is testdata/methods.txt.
var routes = []route{
	{op: rbs.MethodRegister, bank: rest(rbs.MethodRegister), router: v1(rbs.MethodRegister), kind: kindRegister, fn: (*Mock).register},
	{op: rbs.MethodRegisterPreAuth, bank: rest(rbs.MethodRegisterPreAuth), router: v1(rbs.MethodRegisterPreAuth), kind: kindRegister, fn: (*Mock).registerPreAuth},
	{op: rbs.MethodDeposit, bank: rest(rbs.MethodDeposit), router: v1(rbs.MethodDeposit), kind: kindOperation, fn: (*Mock).deposit},
	{op: rbs.MethodReverse, bank: rest(rbs.MethodReverse), router: v1(rbs.MethodReverse), kind: kindOperation, fn: (*Mock).reverse},
	{op: rbs.MethodRefund, bank: rest(rbs.MethodRefund), router: v1(rbs.MethodRefund), kind: kindOperation, fn: (*Mock).refund},
	{op: rbs.MethodDecline, bank: rest(rbs.MethodDecline), router: v1(rbs.MethodDecline), kind: kindOperation, fn: (*Mock).decline},
	{op: rbs.MethodGetOrderStatusExtended, bank: rest(rbs.MethodGetOrderStatusExtended), router: v1(rbs.MethodGetOrderStatusExtended), kind: kindStatus, fn: (*Mock).status},
	{op: rbs.MethodGetOrderStatus, bank: rest(rbs.MethodGetOrderStatus), kind: kindClassic, fn: (*Mock).classicStatus},
	// The Alfa-Bank docs spell it paymentorder.do, BPC's paymentOrder.do.
	{op: rbs.MethodPaymentOrder, bank: rest(rbs.MethodPaymentOrder, "paymentOrder.do"), router: v1("paymentOrder.do"), kind: kindOperation, fn: (*Mock).paymentOrder},
	{op: rbs.MethodFinish3DS, bank: rest(rbs.MethodFinish3DS), kind: kindOperation, fn: (*Mock).finish3ds},
	{op: rbs.MethodFinish3DSVer2, bank: rest(rbs.MethodFinish3DSVer2), kind: kindOperation, fn: (*Mock).finish3dsVer2},
	{op: rbs.MethodVerifyEnrollment, bank: rest(rbs.MethodVerifyEnrollment), kind: kindStatus, fn: (*Mock).verifyEnrollment},
	{op: rbs.MethodPaymentOrderBinding, bank: rest(rbs.MethodPaymentOrderBinding), router: v1(rbs.MethodPaymentOrderBinding), kind: kindOperation, fn: (*Mock).paymentOrderBinding},
	{op: rbs.MethodGetBindings, bank: rest(rbs.MethodGetBindings), kind: kindStatus, fn: (*Mock).getBindings},
	{op: rbs.MethodGetBindingsByCardOrID, bank: rest(rbs.MethodGetBindingsByCardOrID), kind: kindStatus, fn: (*Mock).getBindingsByCardOrID},
	{op: rbs.MethodUnBindCard, bank: rest(rbs.MethodUnBindCard), kind: kindStatus, fn: (*Mock).unBindCard},
	{op: rbs.MethodBindCard, bank: rest(rbs.MethodBindCard), kind: kindStatus, fn: (*Mock).bindCard},
	{op: rbs.MethodExtendBinding, bank: rest(rbs.MethodExtendBinding), kind: kindStatus, fn: (*Mock).extendBinding},
	{op: rbs.MethodCreateBindingNoPayment, bank: rest(rbs.MethodCreateBindingNoPayment), kind: kindOperation, fn: (*Mock).createBindingNoPayment},
	{op: rbs.MethodSBPGetQR, bank: rest(rbs.MethodSBPGetQR), kind: kindSBP, fn: (*Mock).sbpGetQR},
	// The docs title the status method sbp/c2b/qr/status.do and link it
	// as sbp/c2b/qr/dynamic/status.do: both are served.
	{op: rbs.MethodSBPStatus, bank: rest(rbs.MethodSBPStatus, "sbp/c2b/qr/dynamic/status.do"), kind: kindSBP, fn: (*Mock).sbpStatus},
	{op: rbs.MethodSBPReject, bank: rest(rbs.MethodSBPReject), kind: kindSBP, fn: (*Mock).sbpReject},
	{op: rbs.MethodGetLastOrders, bank: rest(rbs.MethodGetLastOrders), kind: kindStatus, fn: (*Mock).lastOrders},
	{op: rbs.MethodAddParams, bank: rest(rbs.MethodAddParams), kind: kindStatus, fn: (*Mock).addParams},
	{op: rbs.MethodInstantPayment, bank: rest(rbs.MethodInstantPayment), kind: kindStatus, fn: (*Mock).instantPayment},
	{op: rbs.MethodGetReceiptStatus, bank: rest(rbs.MethodGetReceiptStatus), kind: kindStatus, fn: (*Mock).receiptStatus},
	{op: rbs.MethodCloseOfdReceipt, bank: rest(rbs.MethodCloseOfdReceipt), kind: kindEnvelope, fn: (*Mock).closeReceipt},
	{op: rbs.MethodApplePay, bank: []string{"/payment/" + rbs.MethodApplePay}, kind: kindEnvelope, merchantOnly: true, fn: (*Mock).walletPay},
	{op: rbs.MethodGooglePay, bank: []string{"/payment/" + rbs.MethodGooglePay}, kind: kindEnvelope, merchantOnly: true, fn: (*Mock).walletPay},
	{op: rbs.MethodSamsungPay, bank: []string{"/payment/" + rbs.MethodSamsungPay}, kind: kindEnvelope, merchantOnly: true, fn: (*Mock).walletPay},
	{op: rbs.MethodAlfaPayPaymentOrder, router: v1(rbs.MethodAlfaPayPaymentOrder), kind: kindEnvelope, fn: (*Mock).alfaPay},
}

func rest(methods ...string) []string {
	out := make([]string, len(methods))
	for i, m := range methods {
		out[i] = BankPath + "/" + m
	}
	return out
}

func v1(method string) string { return RouterPath + "/" + method }

// routeRef is a route and the API variant a path belongs to.
type routeRef struct {
	*route
	router bool
}

// routeIndex maps every path of the table to its row. It is built once
// and only read afterwards.
var routeIndex = sync.OnceValues(func() (map[string]routeRef, error) {
	idx := map[string]routeRef{}
	add := func(path string, r *route, router bool) error {
		if _, dup := idx[path]; dup {
			return fmt.Errorf("rbsmock: path %s is in the route table twice", path)
		}
		idx[path] = routeRef{r, router}
		return nil
	}
	for i := range routes {
		r := &routes[i]
		for _, p := range r.bank {
			if err := add(p, r, false); err != nil {
				return nil, err
			}
		}
		if r.router != "" {
			if err := add(r.router, r, true); err != nil {
				return nil, err
			}
		}
	}
	return idx, nil
})

// lookupRoute finds the row serving path.
func lookupRoute(path string) (routeRef, bool) {
	idx, err := routeIndex()
	if err != nil {
		return routeRef{}, false
	}
	ref, ok := idx[path]
	return ref, ok
}

// isAPIPath reports whether path is under one of the API prefixes, so an
// unknown method there is answered as the gateway answers one.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, BankPath+"/") || strings.HasPrefix(p, RouterPath+"/") ||
		(strings.HasPrefix(p, "/payment/") && strings.HasSuffix(p, ".do"))
}

// JSON code modes of Config.JSONCodes.
const (
	// CodesDocumented writes errorCode and actionCode as the gateway's
	// examples show them, method by method (the default).
	CodesDocumented = ""
	// CodesNumber writes every errorCode and actionCode as a JSON number.
	CodesNumber = "number"
	// CodesString writes every errorCode and actionCode as a JSON string,
	// as the docs' parameter tables type them.
	CodesString = "string"
)

// errorBody is the gateway's error shape for a method kind.
func errorBody(kind methodKind, router bool, e *apiError) map[string]any {
	var code any = strconv.Itoa(e.code)
	if kind == kindOperation && !router {
		code = e.code
	}
	if kind == kindClassic {
		return map[string]any{"ErrorCode": strconv.Itoa(e.code), "ErrorMessage": e.msg}
	}
	b := map[string]any{"errorCode": code, "errorMessage": e.msg}
	if kind == kindEnvelope {
		// The wallets' and the router's Alfa Pay error shape: success
		// false with an error object, beside the usual errorCode.
		b["success"] = false
		b["error"] = map[string]any{"code": strconv.Itoa(e.code), "description": e.msg, "message": e.msg}
	}
	return b
}

// serveAPI answers a gateway method: GET or POST, parameters from the
// query and the body, credentials checked, the handler's answer shaped by
// the JSON code mode.
func (m *Mock) serveAPI(w http.ResponseWriter, r *http.Request) {
	ref, ok := lookupRoute(r.URL.Path)
	if !ok {
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, BankPath+"/"), RouterPath+"/")
		m.writeAPI(w, http.StatusNotFound, map[string]any{"errorCode": "7", "errorMessage": "Unknown method " + strconv.Quote(name)})
		return
	}
	kind, router := ref.kind, ref.router
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, POST")
		m.writeAPI(w, http.StatusMethodNotAllowed, errorBody(kind, router, fail(rbs.CodeWrongParameter, "Use HTTP GET or POST")))
		return
	}
	p, err := readParams(r, m.cfg.MaxBodyBytes)
	switch {
	case errors.Is(err, errTooLarge):
		m.writeAPI(w, http.StatusRequestEntityTooLarge, errorBody(kind, router, fail(rbs.CodeWrongParameter, "Request body too large")))
		return
	case errors.Is(err, errContentType):
		m.writeAPI(w, http.StatusUnsupportedMediaType, errorBody(kind, router, fail(rbs.CodeWrongParameter, "Unsupported content type")))
		return
	case err != nil:
		m.writeAPI(w, http.StatusBadRequest, errorBody(kind, router, fail(rbs.CodeWrongParameter, "Malformed request body")))
		return
	}
	if ref.merchantOnly {
		if p.get("merchant") == "" {
			m.writeAPI(w, http.StatusOK, errorBody(kind, router, fail(rbs.CodeWrongParameter, "[merchant] is empty")))
			return
		}
	} else if e := m.authenticate(p, kind); e != nil {
		m.writeAPI(w, http.StatusOK, errorBody(kind, router, e))
		return
	}
	rep, e := ref.fn(m, r, p, router)
	if rep != nil {
		m.cb.send(rep.events...)
	}
	if e != nil {
		m.writeAPI(w, http.StatusOK, errorBody(kind, router, e))
		return
	}
	m.writeAPI(w, http.StatusOK, rep.body)
}

// writeAPI writes an API answer with its codes in the configured mode.
func (m *Mock) writeAPI(w http.ResponseWriter, status int, body map[string]any) {
	if m.cfg.JSONCodes != CodesDocumented {
		shapeCodes(body, m.cfg.JSONCodes)
	}
	writeJSON(w, status, body)
}

// codeKeys are the fields the JSON code mode retypes, at any depth.
var codeKeys = map[string]bool{"errorCode": true, "ErrorCode": true, "actionCode": true}

// shapeCodes rewrites every errorCode, ErrorCode and actionCode in v
// (maps and slices of maps, recursively) as a number or a string.
func shapeCodes(v any, mode string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if codeKeys[k] {
				x[k] = retype(val, mode)
				continue
			}
			shapeCodes(val, mode)
		}
	case []map[string]any:
		for _, e := range x {
			shapeCodes(e, mode)
		}
	case []any:
		for _, e := range x {
			shapeCodes(e, mode)
		}
	}
}

func retype(v any, mode string) any {
	var n int
	switch x := v.(type) {
	case int:
		n = x
	case string:
		i, err := strconv.Atoi(x)
		if err != nil {
			return v
		}
		n = i
	default:
		return v
	}
	if mode == CodesNumber {
		return n
	}
	return strconv.Itoa(n)
}

// ParseJSONCodes checks a --rbs-json-codes value: "number", "string",
// or "" / "documented" for the documented per-method shapes.
func ParseJSONCodes(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "documented":
		return CodesDocumented, nil
	case CodesNumber:
		return CodesNumber, nil
	case CodesString:
		return CodesString, nil
	}
	return "", fmt.Errorf("rbsmock: JSON codes %q: want number, string or documented", s)
}
