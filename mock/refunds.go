package mock

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Refunds (flows.md section 4). There is no cancel endpoint: POST
// /payment/v1/refunds cancels (CANCEL) while the mock clock is still on the
// payment's calendar day in the mock's Location and no transaction refund
// was made, and refunds (REFUND) otherwise. Every state change of a payment
// happens under its own lock, with the refund record stored before the lock
// is released, so concurrent refunds of one payment are serialised, can
// never refund more than was paid, and every acknowledged refund is
// retrievable (money_test.go checks it under -race).

// checkDestination accepts PROVIDER (the default), its deprecated alias
// CARD, and WALLET (the buyer's wallet, walletpay.go).
func checkDestination(d string) *apiError {
	switch d {
	case "", craftgate.RefundDestinationProvider, "CARD", craftgate.RefundDestinationWallet:
		return nil
	}
	return errValidation(CodeInvalidRefundDestination, "refundDestinationType must be PROVIDER or WALLET")
}

// notRefundable checks, under p.mu, that p can still be refunded at all.
func notRefundable(p *payment) *apiError {
	id := strconv.FormatInt(p.id, 10)
	switch {
	case p.failed:
		return errValidation(CodePaymentNotRefundable, "paymentId "+id+": the payment did not succeed (paymentStatus FAILURE) and cannot be refunded")
	case !p.succeeded():
		return errValidation(CodePaymentNotRefundable, "paymentId "+id+": the 3-D Secure payment is not completed (paymentStatus "+p.status()+") and cannot be refunded")
	case p.refund == refundFull:
		return errValidation(CodePaymentNotRefundable, "paymentId "+id+": the payment is already fully refunded")
	case p.isDeposit(): // walletpay.go
		return errValidation(CodePaymentNotRefundable, "paymentId "+id+" is a wallet top-up (DEPOSIT_PAYMENT): its money is in the wallet, not refundable here")
	}
	return nil
}

// refundFailure is the card's catalogue failure at the cancel/refund step,
// as a 422, or nil.
func (m *Mock) refundFailure(p *payment, en bool) *apiError {
	card := m.store.card(p)
	f := failureAt(card, craftgate.StepCancelRefund)
	if f == nil {
		return nil
	}
	return m.paymentFailure(f, craftgate.TestCards().Outcome(card.Number, craftgate.StepCancelRefund).Code, en)
}

// refundPayment serves POST /payment/v1/refunds: the whole (remaining)
// payment, as a CANCEL or a REFUND.
func (m *Mock) refundPayment(c *call) {
	var req craftgate.RefundPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		c.fail(e)
		return
	}
	if req.PaymentID <= 0 {
		c.fail(errRequired("paymentId"))
		return
	}
	if e := checkDestination(req.RefundDestinationType); e != nil {
		c.fail(e)
		return
	}
	if m.refundAPMPayment(c, &req) { // APM payments and BNPL loans (bnpl.go)
		return
	}
	p := m.store.payment(req.PaymentID)
	if p == nil {
		c.fail(m.paymentNotFound("paymentId "+strconv.FormatInt(req.PaymentID, 10)+": payment", req.PaymentID))
		return
	}
	en := c.en()
	now := m.Now().Unix()

	// The refund's id is allocated and its record stored under the
	// payment's lock, with the change of its refund state, so that a state
	// snapshot sees both or neither (state.go).
	p = m.store.lock(p)
	if e := notRefundable(p); e != nil {
		p.mu.Unlock()
		c.fail(e)
		return
	}
	n := int(p.txCount)
	// The wallet side (walletpay.go): each item's wallet-paid part goes
	// back to the wallet, the card-paid part to the card or the wallet.
	var small [8]money
	shares := m.store.walletShares(p, small[:0])
	plan := refundPlan{toWallet: destinationWallet(req.RefundDestinationType)}
	for i := range n {
		t := m.store.tx(p, i)
		d := walletBack(shares[i], t.refunded, t.refundable())
		plan.deposit += d
		plan.card += t.refundable() - d
	}
	if e := m.checkRefundWallet(p, &plan); e != nil {
		p.mu.Unlock()
		c.fail(e)
		return
	}
	if plan.bankPart() > 0 {
		if e := m.refundFailure(p, en); e != nil {
			p.mu.Unlock()
			c.fail(e)
			return
		}
	}
	if !p.partial && m.sameDay(p.created, now) {
		// CANCEL: nothing was refunded yet, so the whole paidPrice.
		for i := range n {
			t := m.store.tx(p, i)
			t.refunded = t.paidPrice
		}
		p.refund = refundFull
		rec := m.store.insertCancel(nextRange(&m.ids.refund, 1), p.id, now, p.paidPrice, p.currency, req.ConversationID,
			plan.record(plan.deposit, plan.card))
		evs := m.creditRefund(p, &plan, true, rec.id, now)
		p.mu.Unlock()
		m.emitWallet(evs)
		m.logRefund(c, "CANCEL", p.id, rec.id, rec.price)
		m.emit(EventRefund, craftgate.StatusSuccess, itoa(rec.id), p.id)
		c.out = append(c.out, `{"data":`...)
		c.out = m.appendCancel(c.out, rec)
		c.out = append(c.out, '}')
		c.send(http.StatusOK)
		return
	}
	// REFUND: one transaction refund per transaction with something left.
	ds := make([]txRefundDraft, 0, n)
	var total money
	for i := range n {
		t := m.store.tx(p, i)
		left := t.refundable()
		if left <= 0 {
			continue
		}
		d := walletBack(shares[i], t.refunded, left)
		ds = append(ds, txRefundDraft{txID: p.txFirst + int64(i), price: left, rw: plan.record(d, left-d)})
		t.refunded = t.paidPrice
		total += left
	}
	p.refund = refundFull
	first := nextRange(&m.ids.txRefund, len(ds))
	recs := m.store.insertTxRefunds(first, p.id, now, p.currency, req.ConversationID, ds)
	evs := m.creditRefund(p, &plan, true, p.id, now)
	p.mu.Unlock()
	m.emitWallet(evs)
	m.logRefund(c, "REFUND", p.id, first, total)
	// A REFUND has no payment-refund id of its own (endpoints.md B.8): its
	// webhook names the payment.
	m.emit(EventRefund, craftgate.StatusSuccess, itoa(p.id), p.id)
	c.out = append(c.out, `{"data":`...)
	c.out = m.appendRefund(c.out, p, req.ConversationID, total, now, recs, plan.record(plan.deposit, plan.card))
	c.out = append(c.out, '}')
	c.send(http.StatusOK)
}

// refundTransaction serves POST /payment/v1/refund-transactions: part or
// all of what is left on one transaction; repeatable until exhausted.
func (m *Mock) refundTransaction(c *call) {
	var req craftgate.RefundTransactionRequest
	if e := decodeJSON(c.body, &req); e != nil {
		c.fail(e)
		return
	}
	if req.PaymentTransactionID <= 0 {
		c.fail(errRequired("paymentTransactionId"))
		return
	}
	if m.refundAPMTransaction(c, &req) { // APM payments and BNPL loans (bnpl.go)
		return
	}
	price, e := checkAmount("refundPrice", req.RefundPrice)
	if e != nil {
		c.fail(e)
		return
	}
	if e := checkDestination(req.RefundDestinationType); e != nil {
		c.fail(e)
		return
	}
	txID := req.PaymentTransactionID
	t := m.store.transaction(txID)
	if t == nil {
		if m.store.evictedTransaction(txID) {
			c.fail(errNotFound(CodeEvicted, "paymentTransactionId "+strconv.FormatInt(txID, 10)+
				": the payment transaction was evicted from the mock's store with its payment (Config.StoreCapacity)"))
			return
		}
		c.fail(errNotFound(CodePaymentTransactionNotFound, "paymentTransactionId "+strconv.FormatInt(req.PaymentTransactionID, 10)+": payment transaction not found"))
		return
	}
	pid := t.paymentID.Load()
	p := m.store.payment(pid) // published before t; nil only when evicted since
	if p == nil {
		c.fail(m.paymentNotFound("paymentTransactionId "+strconv.FormatInt(txID, 10)+": its payment "+strconv.FormatInt(pid, 10), pid))
		return
	}
	en := c.en()
	now := m.Now().Unix()

	p = m.store.lock(p)
	t = m.store.tx(p, int(txID-p.txFirst)) // the relocated copy, if p moved
	if e := notRefundable(p); e != nil {
		p.mu.Unlock()
		c.fail(e)
		return
	}
	if p.authPhase != phaseAuth {
		// flows.md section 3 item 4: pre-authorised payments are refunded
		// whole, through POST /payment/v1/refunds only (preauth.go).
		ph := p.authPhase
		p.mu.Unlock()
		c.fail(errValidation(CodePreAuthRefundNotWhole, "paymentTransactionId "+strconv.FormatInt(txID, 10)+": payment "+
			itoa(p.id)+" is a pre-authorisation (paymentPhase "+ph.String()+"), which can only be refunded whole with POST /payment/v1/refunds"))
		return
	}
	if left := t.refundable(); price > left {
		p.mu.Unlock()
		// The reference only guesses that Craftgate answers an over-refund
		// with a MAY_HAVE_ALREADY_REFUNDED payment error (flows.md section 4,
		// "behaviour and code not documented"); the mock treats it as a
		// validation error, since it is decided before any bank call.
		c.fail(errValidation(CodeRefundExceedsRefundable, "refundPrice "+price.String()+" exceeds the refundable amount "+
			left.String()+" of paymentTransactionId "+strconv.FormatInt(txID, 10)))
		return
	}
	i := int(txID - p.txFirst)
	var small [8]money
	d := walletBack(m.store.walletShares(p, small[:0])[i], t.refunded, price) // walletpay.go
	plan := refundPlan{toWallet: destinationWallet(req.RefundDestinationType), deposit: d, card: price - d}
	if e := m.checkRefundWallet(p, &plan); e != nil {
		p.mu.Unlock()
		c.fail(e)
		return
	}
	if plan.bankPart() > 0 {
		if e := m.refundFailure(p, en); e != nil {
			p.mu.Unlock()
			c.fail(e)
			return
		}
	}
	t.refunded += price
	p.partial = true
	p.refund = refundFull
	for i := range int(p.txCount) {
		if m.store.tx(p, i).refundable() > 0 {
			p.refund = refundPartial
			break
		}
	}
	rec := m.store.insertTxRefunds(nextRange(&m.ids.txRefund, 1), p.id, now, p.currency, req.ConversationID,
		[]txRefundDraft{{txID: txID, price: price, rw: plan.record(plan.deposit, plan.card)}})[0]
	evs := m.creditRefund(p, &plan, false, rec.id, now)
	p.mu.Unlock()
	m.emitWallet(evs)
	m.logRefund(c, "REFUND_TX", p.id, rec.id, price)
	m.emit(EventRefundTx, craftgate.StatusSuccess, itoa(rec.id), p.id)
	c.out = append(c.out, `{"data":`...)
	c.out = m.appendTxRefund(c.out, rec)
	c.out = append(c.out, '}')
	c.send(http.StatusOK)
}

// retrieveRefund serves GET /payment/v1/refunds/{id}. Only a CANCEL has a
// payment-refund id; a REFUND's parts are transaction refunds.
func (m *Mock) retrieveRefund(c *call) {
	rec := m.store.cancel(c.id)
	if rec == nil {
		c.fail(m.missing("payment refund "+c.idText, "refunds", CodeRefundNotFound, m.store.evictedCancel(c.id)))
		return
	}
	c.out = append(c.out, `{"data":`...)
	c.out = m.appendCancel(c.out, rec)
	c.out = append(c.out, '}')
	c.send(http.StatusOK)
}

// retrieveTxRefund serves GET /payment/v1/refund-transactions/{id}.
func (m *Mock) retrieveTxRefund(c *call) {
	rec := m.store.txRefund(c.id)
	if rec == nil {
		c.fail(m.missing("payment transaction refund "+c.idText, "transaction refunds", CodeTransactionRefundNotFound, m.store.evictedTxRefund(c.id)))
		return
	}
	c.out = append(c.out, `{"data":`...)
	c.out = m.appendTxRefund(c.out, rec)
	c.out = append(c.out, '}')
	c.send(http.StatusOK)
}

func (m *Mock) logRefund(c *call, kind string, paymentID, id int64, price money) {
	if m.log == nil || !m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		return
	}
	m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: refund", slog.String("type", kind),
		slog.Int64("paymentId", paymentID), slog.Int64("id", id), slog.String("refundPrice", price.String()))
}

// missing is the 404 for a refund record that does not exist: evicted
// (the store keeps the newest Config.StoreCapacity) or never made.
func (m *Mock) missing(what, kind, notFound string, evicted bool) *apiError {
	if evicted {
		return errNotFound(CodeEvicted, what+" was evicted from the mock's store (it keeps the newest "+
			strconv.FormatInt(m.store.capacity, 10)+" "+kind+")")
	}
	return errNotFound(notFound, what+" not found")
}
