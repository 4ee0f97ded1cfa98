package mock

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// PaymentIDHeader carries the id of the failed payment a card decline
// (HTTP 422) stored. It is a mock extension: Craftgate's 422 body has no
// payment id, so without it a harness could not retrieve the failed payment
// it just caused. (A success carries the id in its body.)
const PaymentIDHeader = "X-Gatecheck-Payment-Id"

// createPayment serves POST /payment/v1/card-payments: a non-3DS card
// payment (docs/reference/craftgate/flows.md section 1).
func (m *Mock) createPayment(c *call, req craftgate.CreatePaymentRequest) error {
	m.payByAPI(c, &req, sourceAPI)
	return nil
}

// payByAPI makes the non-3DS payment req and answers it, the payment or
// its decline. source is its paymentSource: sourceAPI, or a wallet
// method's (walletpage.go), which takes no walletPrice. It returns the id
// of the stored payment, 0 when none was stored.
func (m *Mock) payByAPI(c *call, req *craftgate.CreatePaymentRequest, source uint8) int64 {
	now := m.Now()
	en := c.en()
	var small [4]draftTx                                                      // the basket of most payments, on the stack
	d := draft{txs: small[:0], walletOK: source == sourceAPI, source: source} // walletPrice accepted (walletpay.go)
	if e := m.resolveCard(req, &d, now, en); e != nil {                       // stored cards (cards.go)
		c.fail(e)
		return 0
	}
	if e := validatePayment(req, now, en, &d); e != nil {
		c.fail(e)
		return 0
	}
	if e := m.pm.poses.usable(req.PosAlias); e != nil { // a passive POS (merchantpos.go)
		c.fail(e)
		return 0
	}
	if e := m.checkSellers(&d); e != nil { // marketplace.go
		c.fail(e)
		return 0
	}
	splitPaidPrice(&d)
	extras, e := m.beforeBank(req, &d, now, en) // rewards and fraud rules (side.go)
	if e != nil {
		c.fail(e)
		return 0
	}
	step := d.authStep()                                // PRE_AUTH for a pre-authorisation (preauth.go)
	out := craftgate.TestCards().Outcome(d.pan(), step) // a wallet-only payment has no card: no failure
	if out.Fails {
		d.failStep = failStepOf(step)
	}
	var down *outage
	if d.card != nil {
		down = m.bankOutage(d.card, now)
	}
	if down != nil {
		out.Fails, d.failStep, d.outage = true, stepOutage, down.index
	}
	// Ids, and the wallet's debit when walletPrice > 0 (walletpay.go).
	id, txFirst, werr := m.reservePayment(&d, out.Fails, now.Unix())
	if werr != nil {
		c.fail(werr)
		return 0
	}
	if d.saveCard != nil && !out.Fails {
		m.saveCardOf(&d, id, now) // storeCardAfterSuccessPayment (cards.go)
	}
	p := m.store.insertPayment(&d, id, txFirst, now.Unix(), out.Fails)
	m.afterInsert(p.id, extras)
	if m.log != nil && m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: payment",
			slog.Int64("id", p.id), slog.String("status", p.status()),
			slog.String("card", craftgate.MaskPAN(d.pan())), slog.String("paidPrice", p.paidPrice.String()))
	}
	m.emitPayment(EventAPIAuth, p, out.Fails)
	if out.Fails {
		c.w.Header()[PaymentIDHeader] = []string{strconv.FormatInt(p.id, 10)}
		if down != nil {
			c.fail(outageError(down.index))
			return p.id
		}
		c.fail(m.paymentFailure(failureAt(d.card, step), out.Code, en))
		return p.id
	}
	if e := c.sendPayment(http.StatusOK, p, en); e != nil {
		c.fail(asAPIError(e)) // evicted before its answer was written
	}
	return p.id
}

// splitPaidPrice sets each item's share of paidPrice, in proportion to its
// price, so that the shares sum exactly to paidPrice: every share but the
// last is rounded down to the cent (to 10^-8 when paidPrice itself has
// sub-cent digits) and the last item takes the remainder, which is
// therefore never below its exact proportional share. When paidPrice equals
// price each share is the item's own price.
func splitPaidPrice(d *draft) {
	last := len(d.txs) - 1
	if d.paidPrice == d.price {
		for i := range d.txs {
			d.txs[i].paidPrice = d.txs[i].price
		}
		return
	}
	grain := moneyCent
	if d.paidPrice%moneyCent != 0 {
		grain = 1
	}
	var sum money
	for i := range d.txs[:last] {
		// price_i <= price, so the quotient is at most paidPrice.
		s := mulDiv(d.paidPrice, d.txs[i].price, d.price) / grain * grain
		d.txs[i].paidPrice = s
		sum += s
	}
	d.txs[last].paidPrice = d.paidPrice - sum
}

// failureAt returns a pointer to the card's catalogue failure at step. The
// catalogue is immutable, so the pointer can be kept in the store.
func failureAt(tc *craftgate.TestCard, step craftgate.Step) *craftgate.Failure {
	for i := range tc.Failures {
		if tc.Failures[i].Step == step {
			return &tc.Failures[i]
		}
	}
	return nil
}

// paymentFailure is the 422 answer for a catalogue failure.
func (m *Mock) paymentFailure(f *craftgate.Failure, code string, en bool) *apiError {
	group := f.Group
	if group == "" || code == "" {
		// No catalogue failure at the non-3DS or refund steps lacks a group;
		// should one appear, answer as the catalogue's UNKNOWN group.
		group = "UNKNOWN"
		g, _ := craftgate.TestCards().Group(group)
		code = g.Code
	}
	return errPayment(code, group, failureDescription(f, en))
}

// trimCatalogueNote drops the 3-D Secure notes that three catalogue
// entries (5115830000006669, 5117280000006665, 5117580000006668) carry
// inside their Turkish description: "Kart limiti yetersiz, yetersiz bakiye
// 3DS ödeme için: ..." becomes "Kart limiti yetersiz, yetersiz bakiye".
func trimCatalogueNote(s string) string {
	if i := strings.Index(s, " 3DS ödeme için"); i > 0 {
		return s[:i]
	}
	return s
}

// retrievePayment serves GET /payment/v1/card-payments/{id}: any payment,
// failed ones included (with paymentError).
func (m *Mock) retrievePayment(c *call) error {
	if m.retrieveAPM(c) { // APM payments (apm.go)
		return nil
	}
	p := m.store.payment(c.id)
	if p == nil {
		return m.paymentNotFound("payment "+c.idText, c.id)
	}
	return c.sendPayment(http.StatusOK, p, c.en())
}

// paymentNotFound is the 404 for a payment id: not found, or evicted.
func (m *Mock) paymentNotFound(what string, id int64) *apiError {
	if m.store.evictedPayment(id) {
		return errNotFound(CodeEvicted, what+" was evicted from the mock's store: it keeps the newest "+
			strconv.FormatInt(m.store.capacity, 10)+" payments (Config.StoreCapacity) and drops the oldest")
	}
	return errNotFound(CodePaymentNotFound, what+" not found")
}

// searchPayments serves the admin route GET /_mock/v1/payments
// ?conversationId=...: every payment with that conversationId, failed ones
// included, by ascending id, as {"data":{"items":[...]}}.
func (m *Mock) searchPayments(c *call) error {
	q := c.r.URL.Query()
	cid := q.Get("conversationId")
	if cid == "" {
		return errRequired("conversationId query parameter")
	}
	en := c.en()
	c.out = append(c.out, `{"data":{"items":[`...)
	for i, p := range m.store.paymentsByConversation(cid) {
		if i > 0 {
			c.out = append(c.out, ',')
		}
		var ok bool
		if c.out, ok = m.appendPayment(c.out, p, en); !ok {
			return errReadEvicted(p.id)
		}
	}
	c.out = append(c.out, ']', '}', '}')
	c.send(http.StatusOK)
	return nil
}
