package mock

import (
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Juzdan (https://developer.craftgate.io/en/payment/juzdan).
//
//	POST /payment/v1/juzdan-payments/init           {referenceId, juzdanQrUrl}
//	GET|POST /_mock/wallet/{referenceId}?t=TOKEN    the Juzdan app's page the QR leads to (walletpage.go)
//	GET  /payment/v1/juzdan-payments/{referenceId}  the payment
//
// The QR code encodes juzdanQrUrl; the buyer scans it and pays in the app
// with a card of their Juzdan wallet. The mock's juzdanQrUrl is the
// app's stand-in page, where the buyer types a test card; the payment is
// made there (paymentSource JUZDAN) and, when the init had a callbackUrl,
// the browser posts the 3-D Secure callback fields and hash to it. The
// merchant reads the result with GET /juzdan-payments/{referenceId}.

// juzdanInit serves POST /payment/v1/juzdan-payments/init.
func (m *Mock) juzdanInit(c *call, req craftgate.InitJuzdanRequest) error {
	switch req.ClientType {
	case "", "W", "M":
	default:
		return errValidation(CodeInvalidApmParam, "clientType must be W (web) or M (mobile)")
	}
	if req.CallbackURL != "" {
		if e := checkCallbackURL(req.CallbackURL); e != nil {
			return e
		}
	}
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, PaymentPhase: req.PaymentPhase, ConversationID: req.ConversationID, ExternalID: req.ExternalID,
		PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, BankOrderID: req.BankOrderID, Items: req.Items}
	s, e := m.newMethodSession(order, "Juzdan", sourceJuzdan, nil)
	if e != nil {
		return e
	}
	s.key, s.callbackURL, s.onPage = newUUID(), req.CallbackURL, true
	m.pm.methods.add(s)
	c.sendData(http.StatusOK, craftgate.InitJuzdanResponse{ReferenceID: s.key, JuzdanQrURL: m.pageURL(c.r, s)})
	return nil
}

// juzdanRetrieve serves GET /payment/v1/juzdan-payments/{referenceId}.
func (m *Mock) juzdanRetrieve(c *call) error {
	s := m.pm.methods.get(c.idText)
	if s == nil || s.key != c.idText || s.page.source != sourceJuzdan {
		return errMethodNotFound("Juzdan referenceId", c.idText)
	}
	return m.sendPayment(c, s, c.idText)
}
