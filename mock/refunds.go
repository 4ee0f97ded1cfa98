package mock

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Refunds (docs/reference/craftgate/flows.md section 4). There is no cancel endpoint: POST
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
	card, ok := m.store.card(p)
	if !ok {
		return errReadEvicted(p.id)
	}
	f := failureAt(card, craftgate.StepCancelRefund)
	if f == nil {
		return nil
	}
	return m.paymentFailure(f, craftgate.TestCards().Outcome(card.Number, craftgate.StepCancelRefund).Code, en)
}

// refundPayment serves POST /payment/v1/refunds: the whole (remaining)
// payment, as a CANCEL or a REFUND.
func (m *Mock) refundPayment(c *call, req craftgate.RefundPaymentRequest) error {
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	if e := checkDestination(req.RefundDestinationType); e != nil {
		return e
	}
	if m.refundAPMPayment(c, &req) { // APM payments and BNPL loans (bnpl.go)
		return nil
	}
	p := m.store.payment(req.PaymentID)
	if p == nil {
		return m.paymentNotFound("paymentId "+strconv.FormatInt(req.PaymentID, 10)+": payment", req.PaymentID)
	}
	now := m.Now().Unix()
	r, err := m.refundWhole(p, &req, c.en(), now)
	if err != nil {
		return err
	}
	m.emitWallet(r.evs)
	c.out = append(c.out, `{"data":`...)
	if r.cancel != nil {
		m.logRefund(c, "CANCEL", r.p.id, r.cancel.id, r.cancel.price)
		m.emit(EventRefund, craftgate.StatusSuccess, itoa(r.cancel.id), r.p.id)
		var ok bool
		if c.out, ok = m.appendCancel(c.out, r.cancel); !ok {
			return errRecordEvicted()
		}
	} else {
		m.logRefund(c, "REFUND", r.p.id, r.first, r.total)
		// A REFUND has no payment-refund id of its own
		// (docs/reference/craftgate/endpoints.md B.8): its webhook names the
		// payment.
		m.emit(EventRefund, craftgate.StatusSuccess, itoa(r.p.id), r.p.id)
		var ok bool
		if c.out, ok = m.appendRefund(c.out, r.p, req.ConversationID, r.total, now, r.recs, r.rw); !ok {
			return errRecordEvicted()
		}
	}
	c.out = append(c.out, '}')
	c.send(http.StatusOK)
	return nil
}

// wholeRefund is what refundWhole did: a CANCEL (cancel set) or a REFUND
// (one transaction refund per transaction with something left).
type wholeRefund struct {
	p      *payment // the record changed (relocated if it moved)
	cancel *cancelRecord
	recs   []*txRefundRecord
	first  int64 // the first transaction refund's id
	total  money
	rw     refundWallet
	evs    []walletEvent
}

// refundWhole refunds what is left of p under its lock. The refund's id is
// allocated and its record stored under the payment's lock, with the change
// of its refund state, so that a state snapshot sees both or neither
// (state.go).
func (m *Mock) refundWhole(p *payment, req *craftgate.RefundPaymentRequest, en bool, now int64) (r wholeRefund, err error) {
	p = m.store.lock(p)
	defer p.mu.Unlock()
	r.p = p
	if e := notRefundable(p); e != nil {
		return r, e
	}
	n := int(p.txCount)
	// The wallet side (walletpay.go): each item's wallet-paid part goes
	// back to the wallet, the card-paid part to the card or the wallet.
	var small [8]money
	var txBuf [8]*transaction
	txs, ok := m.store.txsAt(p, txBuf[:0])
	if !ok {
		return r, errReadEvicted(p.id)
	}
	shares, ok := m.store.walletShares(p, small[:0])
	if !ok {
		return r, errReadEvicted(p.id)
	}
	plan := refundPlan{toWallet: destinationWallet(req.RefundDestinationType)}
	for i, t := range txs {
		d := walletBack(shares[i], t.refunded, t.refundable())
		plan.deposit += d
		plan.card += t.refundable() - d
	}
	if e := m.checkRefundWallet(p, &plan); e != nil {
		return r, e
	}
	if plan.bankPart() > 0 {
		if e := m.refundFailure(p, en); e != nil {
			return r, e
		}
	}
	r.rw = plan.record(plan.deposit, plan.card)
	if !p.partial && m.sameDay(p.created, now) {
		// CANCEL: nothing was refunded yet, so the whole paidPrice.
		for _, t := range txs {
			t.refunded = t.paidPrice
		}
		p.refund = refundFull
		r.cancel = m.store.insertCancel(nextRange(&m.ids.refund, 1), p.id, now, p.paidPrice, p.currency, req.ConversationID, r.rw)
		r.evs = m.creditRefund(p, &plan, true, r.cancel.id, now)
		return r, nil
	}
	// REFUND: one transaction refund per transaction with something left.
	ds := make([]txRefundDraft, 0, n)
	for i, t := range txs {
		left := t.refundable()
		if left <= 0 {
			continue
		}
		d := walletBack(shares[i], t.refunded, left)
		ds = append(ds, txRefundDraft{txID: p.txFirst + int64(i), price: left, rw: plan.record(d, left-d)})
		t.refunded = t.paidPrice
		r.total += left
	}
	p.refund = refundFull
	r.first = nextRange(&m.ids.txRefund, len(ds))
	r.recs = m.store.insertTxRefunds(r.first, p.id, now, p.currency, req.ConversationID, ds)
	r.evs = m.creditRefund(p, &plan, true, p.id, now)
	return r, nil
}

// refundTransaction serves POST /payment/v1/refund-transactions: part or
// all of what is left on one transaction; repeatable until exhausted.
func (m *Mock) refundTransaction(c *call, req craftgate.RefundTransactionRequest) error {
	if req.PaymentTransactionID <= 0 {
		return errRequired("paymentTransactionId")
	}
	if m.refundAPMTransaction(c, &req) { // APM payments and BNPL loans (bnpl.go)
		return nil
	}
	price, e := checkAmount("refundPrice", req.RefundPrice)
	if e != nil {
		return e
	}
	if e := checkDestination(req.RefundDestinationType); e != nil {
		return e
	}
	txID := req.PaymentTransactionID
	t := m.store.transaction(txID)
	if t == nil {
		if m.store.evictedTransaction(txID) {
			return errNotFound(CodeEvicted, "paymentTransactionId "+strconv.FormatInt(txID, 10)+
				": the payment transaction was evicted from the mock's store with its payment (Config.StoreCapacity)")
		}
		return errNotFound(CodePaymentTransactionNotFound, "paymentTransactionId "+strconv.FormatInt(req.PaymentTransactionID, 10)+": payment transaction not found")
	}
	pid := t.paymentID.Load()
	p := m.store.payment(pid) // published before t; nil only when evicted since
	if p == nil {
		return m.paymentNotFound("paymentTransactionId "+strconv.FormatInt(txID, 10)+": its payment "+strconv.FormatInt(pid, 10), pid)
	}
	now := m.Now().Unix()
	p, rec, evs, err := m.refundPart(p, txID, price, &req, c.en(), now)
	if err != nil {
		return err
	}
	m.emitWallet(evs)
	m.logRefund(c, "REFUND_TX", p.id, rec.id, price)
	m.emit(EventRefundTx, craftgate.StatusSuccess, itoa(rec.id), p.id)
	if !c.sendRecord(http.StatusOK, func(b []byte) ([]byte, bool) { return m.appendTxRefund(b, rec) }) {
		return errRecordEvicted()
	}
	return nil
}

// refundPart refunds price of transaction txID of p under p's lock. It
// returns the record changed (relocated if p moved).
func (m *Mock) refundPart(p *payment, txID int64, price money, req *craftgate.RefundTransactionRequest, en bool, now int64) (*payment, *txRefundRecord, []walletEvent, error) {
	p = m.store.lock(p)
	defer p.mu.Unlock()
	var txBuf [8]*transaction
	txs, ok := m.store.txsAt(p, txBuf[:0])
	if !ok {
		return p, nil, nil, errReadEvicted(p.id)
	}
	i := int(txID - p.txFirst)
	t := txs[i] // the relocated copy, if p moved
	if e := notRefundable(p); e != nil {
		return p, nil, nil, e
	}
	if p.authPhase != phaseAuth {
		// docs/reference/craftgate/flows.md section 3 item 4: pre-authorised
		// payments are refunded whole, through POST /payment/v1/refunds only
		// (preauth.go).
		return p, nil, nil, errValidation(CodePreAuthRefundNotWhole, "paymentTransactionId "+strconv.FormatInt(txID, 10)+": payment "+
			itoa(p.id)+" is a pre-authorisation (paymentPhase "+p.authPhase.String()+"), which can only be refunded whole with POST /payment/v1/refunds")
	}
	if left := t.refundable(); price > left {
		// The reference only guesses that Craftgate answers an over-refund
		// with a MAY_HAVE_ALREADY_REFUNDED payment error
		// (docs/reference/craftgate/flows.md section 4, "behaviour and code
		// not documented"); the mock treats it as a validation error, since
		// it is decided before any bank call.
		return p, nil, nil, errValidation(CodeRefundExceedsRefundable, "refundPrice "+price.String()+" exceeds the refundable amount "+
			left.String()+" of paymentTransactionId "+strconv.FormatInt(txID, 10))
	}
	var small [8]money
	shares, ok := m.store.walletShares(p, small[:0])
	if !ok {
		return p, nil, nil, errReadEvicted(p.id)
	}
	d := walletBack(shares[i], t.refunded, price) // walletpay.go
	plan := refundPlan{toWallet: destinationWallet(req.RefundDestinationType), deposit: d, card: price - d}
	if e := m.checkRefundWallet(p, &plan); e != nil {
		return p, nil, nil, e
	}
	if plan.bankPart() > 0 {
		if e := m.refundFailure(p, en); e != nil {
			return p, nil, nil, e
		}
	}
	t.refunded += price
	p.partial = true
	p.refund = refundFull
	for _, t := range txs {
		if t.refundable() > 0 {
			p.refund = refundPartial
			break
		}
	}
	rec := m.store.insertTxRefunds(nextRange(&m.ids.txRefund, 1), p.id, now, p.currency, req.ConversationID,
		[]txRefundDraft{{txID: txID, price: price, rw: plan.record(plan.deposit, plan.card)}})[0]
	return p, rec, m.creditRefund(p, &plan, false, rec.id, now), nil
}

// retrieveRefund serves GET /payment/v1/refunds/{id}. Only a CANCEL has a
// payment-refund id; a REFUND's parts are transaction refunds.
func (m *Mock) retrieveRefund(c *call) error {
	rec := m.store.cancel(c.id)
	if rec == nil {
		return m.missing("payment refund "+c.idText, "refunds", CodeRefundNotFound, m.store.evictedCancel(c.id))
	}
	if !c.sendRecord(http.StatusOK, func(b []byte) ([]byte, bool) { return m.appendCancel(b, rec) }) {
		return errRecordEvicted()
	}
	return nil
}

// retrieveTxRefund serves GET /payment/v1/refund-transactions/{id}.
func (m *Mock) retrieveTxRefund(c *call) error {
	rec := m.store.txRefund(c.id)
	if rec == nil {
		return m.missing("payment transaction refund "+c.idText, "transaction refunds", CodeTransactionRefundNotFound, m.store.evictedTxRefund(c.id))
	}
	if !c.sendRecord(http.StatusOK, func(b []byte) ([]byte, bool) { return m.appendTxRefund(b, rec) }) {
		return errRecordEvicted()
	}
	return nil
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
