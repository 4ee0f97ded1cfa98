package mock

import (
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// POS-APMs: bank wallets routed through a POS, YKB World Pay (and its
// shopping loan), Garanti Pay v2 and Google Pay
// (https://developer.craftgate.io/en/payment/ykb-worldpay).
//
//	POST /payment/v1/pos-apm-payments/init      {paymentId, htmlContent, paymentStatus WAITING, additionalAction SHOW_HTML_CONTENT}
//	GET|POST /_mock/wallet/{key}?t=TOKEN        the bank wallet's page (walletpage.go)
//	POST /payment/v1/pos-apm-payments/complete  {paymentId, additionalParams}: the payment
//
// MOCK DECISION: the money is taken when the buyer confirms on the
// wallet's page (the card's catalogue outcome); the browser posts the
// 3-D Secure callback fields and hash to callbackUrl with completeStatus
// WAITING, and complete (once) answers the payment, a declined one as
// paymentStatus FAILURE with its paymentError. The callback uses the
// version 2 hash when additionalParams.threeDSCallbackVersion is 2.

var posApmSources = map[string]uint8{
	craftgate.PosApmYKBWorldPay:     sourceYKBWorldPay,
	craftgate.PosApmYKBWorldPayLoan: sourceYKBWorldPayLoan,
	craftgate.PosApmGooglePay:       sourceGooglePay,
	craftgate.PosApmGarantiPay:      sourcePosGarantiPay,
}

// posApmInit serves POST /payment/v1/pos-apm-payments/init.
func (m *Mock) posApmInit(c *call, req craftgate.InitPosApmRequest) error {
	if req.PaymentProvider == "" {
		return errRequired("paymentProvider")
	}
	source, ok := posApmSources[req.PaymentProvider]
	if !ok {
		return errValidation(CodeApmTypeNotEnabled, "paymentProvider must be YKB_WORLD_PAY, YKB_WORLD_PAY_SHOPPING_LOAN, GOOGLEPAY or GARANTI_PAY")
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	version, e := callbackVersion(req.AdditionalParams)
	if e != nil {
		return e
	}
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency, PosAlias: req.PosAlias,
		PaymentGroup: req.PaymentGroup, PaymentPhase: req.PaymentPhase, ConversationID: req.ConversationID, ExternalID: req.ExternalID,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, BankOrderID: req.BankOrderID, Items: req.Items, FraudParams: req.FraudParams}
	s, e := m.newMethodSession(order, posApmName(req.PaymentProvider), source, installmentNumbers(nil, req.Installments))
	if e != nil {
		return e
	}
	s.callbackURL, s.v2, s.onPage = req.CallbackURL, version == 2, true
	s.page.paymentID = nextRange(&m.ids.payment, 1)
	s.key = posApmKey(s.page.paymentID)
	m.pm.methods.add(s)
	c.sendData(http.StatusOK, craftgate.InitPosApmResponse{PaymentID: s.page.paymentID, HTMLContent: m.redirectHTML(c.r, s),
		PaymentStatus: craftgate.StatusWaiting, AdditionalAction: craftgate.ActionShowHTMLContent})
	return nil
}

// posApmKey is the session key of a POS-APM payment: its id (ids are
// unique, so Garanti Pay's keys, also ids, never collide).
func posApmKey(id int64) string { return itoa(id) }

func posApmName(provider string) string {
	switch provider {
	case craftgate.PosApmYKBWorldPay:
		return "World Pay"
	case craftgate.PosApmYKBWorldPayLoan:
		return "World Pay shopping loan"
	case craftgate.PosApmGooglePay:
		return "Google Pay"
	}
	return "Garanti Pay"
}

// posApmComplete serves POST /payment/v1/pos-apm-payments/complete.
func (m *Mock) posApmComplete(c *call, req craftgate.CompletePosApmRequest) error {
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	s := m.pm.methods.get(posApmKey(req.PaymentID))
	if s == nil || !s.onComplete() {
		return errMethodNotFound("POS-APM paymentId", itoa(req.PaymentID))
	}
	if e := locked(&s.page.mu, func() error {
		switch {
		case s.completed:
			return errMethodState("POS-APM payment", itoa(req.PaymentID), "is already completed")
		case s.page.state != checkoutPaid:
			return errMethodState("POS-APM payment", itoa(req.PaymentID), "the buyer has not confirmed it at "+s.method+" yet")
		}
		s.completed = true
		return nil
	}); e != nil {
		return e
	}
	return m.sendPayment(c, s, itoa(req.PaymentID))
}
