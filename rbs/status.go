package rbs

import (
	"fmt"
	"strconv"
	"strings"
)

// OrderStatus is the gateway's orderStatus (docs/reference/alfabank/rbs-gateway.md §4).
type OrderStatus int

// Order statuses. Classic manuals know 0..6; 7 and 8 appear in current
// docs; the router adds -1 for an order not yet sent to a bank.
const (
	StatusPreregistered   OrderStatus = -1 // router only: not yet at a bank
	StatusRegistered      OrderStatus = 0  // registered, not paid (CREATED)
	StatusApproved        OrderStatus = 1  // pre-authorised, funds held (two-phase)
	StatusDeposited       OrderStatus = 2  // authorised and captured
	StatusReversed        OrderStatus = 3  // authorisation cancelled
	StatusRefunded        OrderStatus = 4  // at least one refund
	StatusACS             OrderStatus = 5  // 3-D Secure at the issuer's ACS in progress
	StatusDeclined        OrderStatus = 6  // declined (issuer, timeout, decline.do)
	StatusPending         OrderStatus = 7  // payment pending
	StatusPartlyDeposited OrderStatus = 8  // intermediate state of multiple partial captures
)

var statusNames = map[OrderStatus]string{
	StatusPreregistered: "PREREGISTERED", StatusRegistered: "CREATED", StatusApproved: "APPROVED",
	StatusDeposited: "DEPOSITED", StatusReversed: "REVERSED", StatusRefunded: "REFUNDED",
	StatusACS: "ACS", StatusDeclined: "DECLINED", StatusPending: "PENDING", StatusPartlyDeposited: "PARTLY_DEPOSITED",
}

// String returns the state name, e.g. "DEPOSITED" (the router's state and
// the paymentState of paymentAmountInfo; "ACS" for 5, which has none).
func (s OrderStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return "ORDER_STATUS_" + strconv.Itoa(int(s))
}

// Paid reports whether the payer's money was authorised: status 1 (still
// to be deposited) or 2. Per BPC, a payment is successful only then.
func (s OrderStatus) Paid() bool { return s == StatusApproved || s == StatusDeposited }

// ParseOrderStatus reads a status given as its number ("2") or its name
// ("DEPOSITED", case-insensitive; "REGISTERED" is accepted for 0).
func ParseOrderStatus(s string) (OrderStatus, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		st := OrderStatus(n)
		if _, ok := statusNames[st]; ok {
			return st, nil
		}
		return 0, fmt.Errorf("rbs: unknown orderStatus %d", n)
	}
	if strings.EqualFold(s, "REGISTERED") {
		return StatusRegistered, nil
	}
	for st, name := range statusNames {
		if strings.EqualFold(name, s) {
			return st, nil
		}
	}
	return 0, fmt.Errorf("rbs: unknown orderStatus %q", s)
}

// Callback operations (docs/reference/alfabank/rbs-gateway.md §8).
const (
	OperationApproved            = "approved"
	OperationDeposited           = "deposited"
	OperationReversed            = "reversed"
	OperationRefunded            = "refunded"
	OperationDeclinedByTimeout   = "declinedByTimeout"
	OperationDeclinedCardPresent = "declinedCardPresent"
	// Binding callbacks go to the merchant's static callback URL.
	OperationBindingCreated         = "bindingCreated"
	OperationBindingActivityChanged = "bindingActivityChanged"
)

// Payment ways the mock and the client know (getOrderStatusExtended
// paymentWay, router allowedPaymentWays).
const (
	PaymentWayCard        = "CARD"
	PaymentWayCardBinding = "CARD_BINDING"
	PaymentWayAlfaPay     = "ALFAPAY"
	PaymentWaySBP         = "SBP_C2B"
	PaymentWayApplePay    = "APPLE_PAY"
	PaymentWayGooglePay   = "GOOGLE_PAY_TOKENIZED"
	PaymentWaySamsungPay  = "SAMSUNG_PAY"
)
