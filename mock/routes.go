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
}

// Paths. The /_mock/v1 routes are the mock's own admin API; they are signed
// like every other call.
const (
	pathCardPayments       = "/payment/v1/card-payments"
	pathRefunds            = "/payment/v1/refunds"
	pathRefundTransactions = "/payment/v1/refund-transactions"
	pathClock              = "/_mock/v1/clock"
	pathClockAdvance       = "/_mock/v1/clock/advance"
	pathPayments           = "/_mock/v1/payments"
)

// matchRoute finds the route for path. For the {id} routes it also returns
// the id segment (all digits; a segment that is not a number is no route at
// all, so that e.g. /card-payments/3ds-init is a 404, not a 405).
func matchRoute(path string) (rt route, idText string, ok bool) {
	switch path {
	case pathCardPayments:
		return route{http.MethodPost, true, (*Mock).createPayment}, "", true
	case pathRefunds:
		return route{http.MethodPost, true, (*Mock).refundPayment}, "", true
	case pathRefundTransactions:
		return route{http.MethodPost, true, (*Mock).refundTransaction}, "", true
	case pathClock:
		return route{http.MethodGet, false, (*Mock).getClock}, "", true
	case pathClockAdvance:
		return route{http.MethodPost, true, (*Mock).advanceClock}, "", true
	case pathPayments:
		return route{http.MethodGet, false, (*Mock).searchPayments}, "", true
	}
	if id, found := strings.CutPrefix(path, pathCardPayments+"/"); found && isDigits(id) {
		return route{http.MethodGet, false, (*Mock).retrievePayment}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefunds+"/"); found && isDigits(id) {
		return route{http.MethodGet, false, (*Mock).retrieveRefund}, id, true
	}
	if id, found := strings.CutPrefix(path, pathRefundTransactions+"/"); found && isDigits(id) {
		return route{http.MethodGet, false, (*Mock).retrieveTxRefund}, id, true
	}
	return route{}, "", false
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
