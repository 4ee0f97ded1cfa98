package mock

import (
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Deposit to card and the refund of a WAITING payment (official Java
// client).
//
//	POST /payment/v1/card-payments/deposit-to-card     {price, currency, description, orderId, card}
//	POST /payment/v1/refunds/refund-waiting-payment    {paymentId} -> {status}
//
// MOCK DECISION: a deposit to a card credits the card: the card must be a
// valid catalogue card (plain or stored) and the deposit succeeds, its
// catalogue outcome being about charges; it is answered, not stored (no
// retrieve is documented). Only APM and BNPL payments are WAITING in the
// mock: refunding one closes it (paymentStatus FAILURE, without an
// error: nothing was taken) and answers status SUCCESS; any other
// payment is refused (2401), an unknown one is 404.

// depositToCard serves POST /payment/v1/card-payments/deposit-to-card.
func (m *Mock) depositToCard(c *call, req craftgate.DepositToCardRequest) error {
	price, e := checkAmount("price", req.Price)
	if e != nil {
		return e
	}
	if req.Currency == "" {
		return errRequired("currency")
	}
	cur, ok := currencyIndex(req.Currency)
	if !ok {
		return errValidation(CodeInvalidCurrency, "currency is not a currency code")
	}
	if req.Card == nil {
		return errRequired("card")
	}
	now := m.Now()
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.Price, Installment: 1, Currency: req.Currency, Card: req.Card,
		Items: []craftgate.PaymentItem{{Name: "deposit", Price: req.Price}}}
	var d draft
	if e := m.resolveCard(&order, &d, now, c.en()); e != nil { // stored cards (cards.go)
		return e
	}
	if e := validatePayment(&order, now, c.en(), &d); e != nil {
		return e
	}
	id := nextRange(&m.ids.payment, 1)
	c.sendData(http.StatusOK, craftgate.DepositToCard{ID: id, CreatedDate: string(m.appendUnix(nil, now.Unix())),
		Price: craftgate.MustAmount(price.String()), ReferenceID: newUUID(), PaymentStatus: craftgate.StatusSuccess,
		Currency: craftgate.Currencies[cur], Description: req.Description, OrderID: req.OrderID})
	return nil
}

// refundWaitingPayment serves POST /payment/v1/refunds/refund-waiting-payment.
func (m *Mock) refundWaitingPayment(c *call, req completeRequest) error { // {paymentId}, as 3ds-complete (threeds.go)
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	p := m.apm.get(req.PaymentID)
	if p == nil {
		if m.store.payment(req.PaymentID) != nil {
			return errMethodState("payment", itoa(req.PaymentID), "is not WAITING: refund it with "+craftgate.PathRefunds)
		}
		return m.apmNotFound(req.PaymentID)
	}
	if e := locked(&m.apm.mu, func() error {
		if p.status != craftgate.StatusWaiting {
			return errMethodState("payment", itoa(req.PaymentID), "is "+p.status+", not WAITING: refund it with "+craftgate.PathRefunds)
		}
		p.status = craftgate.StatusFailure
		return nil
	}); e != nil {
		return e
	}
	m.emit(EventRefund, craftgate.StatusSuccess, itoa(p.id), p.id)
	c.sendData(http.StatusOK, map[string]string{"status": craftgate.StatusSuccess})
	return nil
}
