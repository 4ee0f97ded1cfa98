package mock

import (
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Garanti Pay v1 (https://developer.craftgate.io/en/payment/garanti-pay).
//
//	POST /payment/v1/garanti-pay-payments   {htmlContent (base64), paymentId}
//	GET|POST /_mock/wallet/{key}?t=TOKEN    Garanti Pay's page: the buyer's card (walletpage.go)
//
// The payment is made when the buyer confirms on Garanti Pay's page, with
// the card's catalogue outcome and the paymentId init answered; the browser
// then posts the 3-D Secure callback fields and hash to callbackUrl
// (status, completeStatus COMPLETED, paymentId, conversationId, hash).
// Garanti Pay v1 has no complete call.

// garantiPayInit serves POST /payment/v1/garanti-pay-payments.
func (m *Mock) garantiPayInit(c *call, req craftgate.InitGarantiPayRequest) error {
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, ExternalID: req.ExternalID, PosAlias: req.PosAlias,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, BankOrderID: req.BankOrderID, Items: req.Items}
	s, e := m.newMethodSession(order, "Garanti Pay", sourceGarantiPay, installmentNumbers(req.EnabledInstallments, req.Installments))
	if e != nil {
		return e
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	s.callbackURL, s.onPage = req.CallbackURL, true
	s.page.paymentID = nextRange(&m.ids.payment, 1)
	s.key = itoa(s.page.paymentID) // an id-shaped key: load metrics name it {id}
	m.pm.methods.add(s)
	c.sendData(http.StatusOK, craftgate.InitGarantiPayResponse{HTMLContent: m.redirectHTML(c.r, s), PaymentID: s.page.paymentID})
	return nil
}
