package mock

import (
	"crypto/subtle"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// BKM Express (https://developer.craftgate.io/en/payment/bkm-express).
//
//	POST /payment/v1/bkm-express/init                {id (ticket), path, token}
//	GET  /_mock/wallet/{ticketId}?t=TOKEN            the BKM Express SDK's card choice (path)
//	POST /payment/v1/bkm-express/complete            {status, message, ticketId[, bkmExpressPaymentToken]}
//	GET  /payment/v1/bkm-express/payments/{ticketId} the payment (Java client)
//	GET  /payment/v1/bkm-express/{token}             the payment (Go and Java clients)
//
// When the buyer confirms a card, Craftgate asks the merchant with the
// BKM_EXPRESS_PAYMENT_NOTIFICATION webhook (payload ticketId, paidPrice,
// installment, price: Turkish-formatted amounts). complete makes the
// payment of the chosen card, with its catalogue outcome.
//
// MOCK DECISION: bkmExpressPaymentToken is the token init answered (the
// reference gives no other source for it); the token form of complete
// must send it with the ticketId. A complete with status false (the buyer
// gave up in the SDK) closes the ticket without a payment and is answered
// with a validation error carrying the message.

// bkmInit serves POST /payment/v1/bkm-express/init.
func (m *Mock) bkmInit(c *call, req craftgate.InitBkmExpressRequest) error {
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, PaymentPhase: req.PaymentPhase, ConversationID: req.ConversationID,
		ExternalID: req.ExternalID, BuyerMemberID: req.BuyerMemberID, BankOrderID: req.BankOrderID, Items: req.Items}
	s, e := m.newMethodSession(order, "BKM Express", sourceBkmExpress, req.EnabledInstallments)
	if e != nil {
		return e
	}
	s.key = newUUID()
	s.alias = s.page.token
	m.pm.methods.add(s)
	c.sendData(200, craftgate.InitBkmExpressResponse{ID: s.key, Path: m.pageURL(c.r, s), Token: s.page.token})
	return nil
}

// bkmNotify sends BKM_EXPRESS_PAYMENT_NOTIFICATION for the card chosen;
// the caller holds s.page.mu.
func (m *Mock) bkmNotify(s *methodSession) {
	var d draft
	order := s.page.order
	if validateOrder(&order, &d) != nil {
		return // validated at init
	}
	payload, _ := json.Marshal(map[string]any{"ticketId": s.key, "paidPrice": trAmount(d.paidPrice),
		"installment": s.installment, "price": trAmount(d.price)})
	m.emitPayload(craftgate.EventBkmExpressNotified, craftgate.StatusSuccess, s.key, 0, payload)
}

// trAmount formats an amount the Turkish way, as BKM's notification does:
// "1.234,50".
func trAmount(v money) string {
	s := v.String()
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 && r != '-' {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + "," + frac
}

// bkmComplete serves POST /payment/v1/bkm-express/complete.
func (m *Mock) bkmComplete(c *call, req craftgate.CompleteBkmExpressRequest) error {
	if req.TicketID == "" {
		return errRequired("ticketId")
	}
	s := m.pm.methods.get(req.TicketID)
	if s == nil || s.key != req.TicketID || s.page.source != sourceBkmExpress {
		return errMethodNotFound("BKM Express ticketId", req.TicketID)
	}
	if req.BkmExpressPaymentToken != "" && subtle.ConstantTimeCompare([]byte(req.BkmExpressPaymentToken), []byte(s.alias)) != 1 {
		return errValidation(CodeMethodNotReady, "bkmExpressPaymentToken is not the token of ticketId "+req.TicketID)
	}
	s.page.mu.Lock()
	defer s.page.mu.Unlock()
	switch {
	case s.completed:
		return errMethodState("BKM Express ticket", req.TicketID, "is already completed")
	case !req.Status:
		s.completed = true
		return errMethodState("BKM Express ticket", req.TicketID, "BKM Express reported a failure: "+strconv.Quote(truncate(req.Message, 200)))
	case s.card == nil:
		return errMethodState("BKM Express ticket", req.TicketID, "the buyer has not chosen a card in BKM Express yet")
	}
	m.chargeChosen(c, s)
	return nil
}

// bkmRetrieve serves GET /payment/v1/bkm-express/payments/{ticketId} and
// GET /payment/v1/bkm-express/{token}.
func (m *Mock) bkmRetrieve(c *call) error {
	ref := c.idText
	s := m.pm.methods.get(ref)
	if s == nil || s.page.source != sourceBkmExpress {
		return errMethodNotFound("BKM Express ticketId or token", ref)
	}
	return m.sendPayment(c, s, ref)
}
