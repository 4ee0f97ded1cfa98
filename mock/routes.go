package mock

import (
	"net/http"
	"strconv"
	"strings"
)

// route is one endpoint of the mock.
type route struct {
	method  string
	body    bool // takes a JSON body (Content-Type is checked)
	handler func(*Mock, *call)
	// alt is the same path's route for a second method, if any.
	alt *route
	// page marks the browser pages: not signed, form bodies, HTML answers;
	// the handler reads the body itself.
	page bool
}

// allow is the Allow header of the route's path.
func (rt *route) allow() string {
	if rt.alt != nil {
		return rt.method + ", " + rt.alt.method
	}
	return rt.method
}

// Paths. The /_mock/v1 routes are the mock's own admin API; they are signed
// like every other call. The /_mock/acs and /_mock/checkout pages are what
// a buyer's browser sees; they are not signed.
const (
	pathCardPayments       = "/payment/v1/card-payments"
	pathThreeDSInit        = "/payment/v1/card-payments/3ds-init"
	pathThreeDSComplete    = "/payment/v1/card-payments/3ds-complete"
	pathCheckoutInit       = "/payment/v1/checkout-payments/init"
	pathCheckoutPayments   = "/payment/v1/checkout-payments"
	pathRefunds            = "/payment/v1/refunds"
	pathRefundTransactions = "/payment/v1/refund-transactions"
	pathClock              = "/_mock/v1/clock"
	pathClockAdvance       = "/_mock/v1/clock/advance"
	pathPayments           = "/_mock/v1/payments"
	pathSettings           = "/_mock/v1/settings"
	pathWebhooks           = "/_mock/v1/webhooks"
	pathACS                = "/_mock/acs"
	pathCheckoutPage       = "/_mock/checkout"
)

// Second-method routes, shared (routes are returned by value).
var (
	routePostSettings    = route{method: http.MethodPost, body: true, handler: (*Mock).postSettings}
	routeExpireCheckout  = route{method: http.MethodDelete, handler: (*Mock).expireCheckout}
	routeACSPost         = route{method: http.MethodPost, handler: (*Mock).acsPost, page: true}
	routeCheckoutPagePay = route{method: http.MethodPost, handler: (*Mock).checkoutPay, page: true}
)

// matchRoute finds the route for path. For the {id} routes it also returns
// the id segment (all digits; a segment that is not a number is no route at
// all). The checkout {token} routes return the token instead.
func matchRoute(path string) (rt route, idText string, ok bool) {
	switch path {
	case pathCardPayments:
		return route{method: http.MethodPost, body: true, handler: (*Mock).createPayment}, "", true
	case pathThreeDSInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).initThreeDS}, "", true
	case pathThreeDSComplete:
		return route{method: http.MethodPost, body: true, handler: (*Mock).completeThreeDS}, "", true
	case pathCheckoutInit:
		return route{method: http.MethodPost, body: true, handler: (*Mock).initCheckout}, "", true
	case pathRefunds:
		return route{method: http.MethodPost, body: true, handler: (*Mock).refundPayment}, "", true
	case pathRefundTransactions:
		return route{method: http.MethodPost, body: true, handler: (*Mock).refundTransaction}, "", true
	case pathClock:
		return route{method: http.MethodGet, handler: (*Mock).getClock}, "", true
	case pathClockAdvance:
		return route{method: http.MethodPost, body: true, handler: (*Mock).advanceClock}, "", true
	case pathPayments:
		return route{method: http.MethodGet, handler: (*Mock).searchPayments}, "", true
	case pathSettings:
		return route{method: http.MethodGet, handler: (*Mock).getSettings, alt: &routePostSettings}, "", true
	case pathWebhooks:
		return route{method: http.MethodGet, handler: (*Mock).listWebhooks}, "", true
	}
	if id, found := strings.CutPrefix(path, pathCardPayments+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrievePayment}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefunds+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveRefund}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefundTransactions+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveTxRefund}, id, true
	}
	if tok, found := strings.CutPrefix(path, pathCheckoutPayments+"/"); found && isToken(tok) {
		return route{method: http.MethodGet, handler: (*Mock).retrieveCheckout, alt: &routeExpireCheckout}, tok, true
	}
	if id, found := strings.CutPrefix(path, pathACS+"/"); found && isDigits(id) {
		return route{method: http.MethodGet, handler: (*Mock).acsGet, alt: &routeACSPost, page: true}, id, true
	}
	if tok, found := strings.CutPrefix(path, pathCheckoutPage+"/"); found && isToken(tok) {
		return route{method: http.MethodGet, handler: (*Mock).checkoutPage, alt: &routeCheckoutPagePay, page: true}, tok, true
	}
	return route{}, "", false
}

// isToken accepts a checkout token segment: 1 to 64 letters, digits, '-'
// or '_'.
func isToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseID parses an id segment; ids too large for int64 are simply unknown.
func parseID(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0
	}
	return id
}
