package mock

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Withdrawals (https://developer.craftgate.io/en/api/wallet) and refunds
// made outside Craftgate:
//
//	POST /wallet/v1/withdraws               a member asks to be paid its wallet balance
//	POST /wallet/v1/withdraws/{id}/cancel   before it is paid out
//	GET  /wallet/v1/withdraws/{id}
//	GET  /wallet/v1/withdraws               search
//	POST /payment/v1/refunds/mark-as-refunded              a whole payment refunded by other means
//	POST /payment/v1/refund-transactions/mark-as-refunded  one transaction, part or all
//
// A withdrawal debits the member's wallet at once (wallet transaction
// WITHDRAW); one larger than the balance, or in a currency the wallet does
// not hold, is refused and changes nothing. It is paid out at the next
// midnight on the mock's clock (payoutStatus PAYOUT_COMPLETED, payoutId
// set); until then it can be cancelled, which credits the wallet back
// (CANCEL_WITHDRAW). A paid withdrawal is a payout of its own in the
// settlement reports (settlementType WITHDRAW, one WITHDRAW transaction),
// numbered after the day's settlement payouts: the day's payout id base
// plus 5,000 plus its rank among the day's paid withdrawals.
//
// MOCK DECISION: a withdrawal's status is ACTIVE, and PASSIVE once
// cancelled (the clients' Status enumeration); the negative balance a
// member may run (negativeAmountLimit) does not count towards what can be
// withdrawn: only money held can be paid out.

// Wallet transaction types of withdrawals.
const (
	walletTxWithdraw       = "WITHDRAW"
	walletTxCancelWithdraw = "CANCEL_WITHDRAW"
)

// withdrawal is one withdrawal; recon.mu guards it.
type withdrawal struct {
	id, memberID, created int64
	price                 money
	currency              uint8
	description           string
	cancelled             bool
}

// paidAt is when w is paid out: the next midnight after it was made.
func (m *Mock) paidAt(w *withdrawal) int64 {
	y, mo, d := time.Unix(w.created, 0).In(m.loc).Date()
	return time.Date(y, mo, d+1, 0, 0, 0, 0, m.loc).Unix()
}

// renderWithdraw is the Withdraw response; payoutIDs are
// withdrawPayoutIDs, or nil to compute them. The caller holds recon.mu.
func (m *Mock) renderWithdraw(w *withdrawal, payoutIDs map[int64]int64) craftgate.Withdraw {
	out := craftgate.Withdraw{ID: w.id, CreatedDate: m.dateText(w.created), Status: "ACTIVE", MemberID: w.memberID,
		Price: w.price.toAmount(), Description: w.description, Currency: craftgate.Currencies[w.currency],
		PayoutStatus: craftgate.PayoutStatusWaitingForPayout}
	switch {
	case w.cancelled:
		out.Status = "PASSIVE"
	case m.nowUnix() >= m.paidAt(w):
		if payoutIDs == nil {
			payoutIDs = m.withdrawPayoutIDs()
		}
		out.PayoutStatus, out.PayoutID = craftgate.PayoutStatusPayoutCompleted, payoutIDs[w.id]
	}
	return out
}

// withdrawRankBase is added to a day's payout id base for its
// withdrawals' payouts, after the settlement payouts.
const withdrawRankBase = 5_000

// withdrawPayoutIDs are the payout ids of every withdrawal not cancelled
// (paid or to be paid), by withdrawal id; the caller holds recon.mu.
func (m *Mock) withdrawPayoutIDs() map[int64]int64 {
	ids := make(map[int64]int64, len(m.recon.withdraws))
	ranks := map[int64]int64{}
	for _, w := range m.recon.withdraws { // ascending ids
		if w.cancelled {
			continue
		}
		day := m.paidAt(w)
		ranks[day]++
		ids[w.id] = (day/86400+1)*10_000 + withdrawRankBase + ranks[day]
	}
	return ids
}

// withdrawPayouts are the payouts of the withdrawals paid by now whose day
// is in [from, to].
func (m *Mock) withdrawPayouts(from, to int64) []*payout {
	now := m.nowUnix()
	r := &m.recon
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*payout
	ids := m.withdrawPayoutIDs()
	for _, w := range r.withdraws {
		day := m.paidAt(w)
		if w.cancelled || day > now || day < from || day > to {
			continue
		}
		out = append(out, &payout{id: ids[w.id], day: day, member: w.memberID, currency: craftgate.Currencies[w.currency],
			amount: w.price, withdraw: true, txs: []craftgate.PayoutDetailTransaction{{TransactionID: w.id,
				TransactionType: settlementTypeWithdraw, PayoutAmount: w.price.toAmount()}}})
	}
	return out
}

// createWithdraw serves POST /wallet/v1/withdraws.
func (m *Mock) createWithdraw(c *call, req craftgate.CreateWithdrawRequest) error {
	switch {
	case req.MemberID <= 0:
		return errRequired("memberId")
	case req.Currency == "":
		return errRequired("currency")
	}
	price, e := checkAmount("price", req.Price)
	if e != nil {
		return e
	}
	ci, ok := currencyIndex(req.Currency)
	if !ok {
		return errValidation(CodeInvalidCurrency, "currency must be a currency code such as TRY, got "+strconv.Quote(truncate(req.Currency, 10)))
	}
	now := m.nowUnix()
	return m.sendWithdrawal(c, func(evs *[]walletEvent) (craftgate.Withdraw, *apiError) {
		w, e := m.book.memberWalletOf(req.MemberID, "memberId")
		switch {
		case e != nil:
			return craftgate.Withdraw{}, e
		case w.currency != ci:
			return craftgate.Withdraw{}, errValidation(CodeWalletCurrencyMismatch, "currency "+req.Currency+": the wallet of member "+
				strconv.FormatInt(req.MemberID, 10)+" holds "+craftgate.Currencies[w.currency])
		case price > w.amount:
			return craftgate.Withdraw{}, errValidation(CodeInsufficientWalletBalance, "price "+price.String()+" exceeds the balance "+
				w.amount.String()+" of the wallet of member "+strconv.FormatInt(req.MemberID, 10))
		}
		r := &m.recon
		wd := &withdrawal{id: r.newID(), memberID: req.MemberID, created: now, price: price, currency: ci, description: req.Description}
		if e := m.book.move(w, -price, walletTxWithdraw, wd.id, now, evs); e != nil {
			return craftgate.Withdraw{}, e
		}
		r.withdraws = bounded(r.withdraws, wd)
		return m.renderWithdraw(wd, nil), nil
	})
}

// sendWithdrawal answers a withdrawal call with what change returns, made
// with the book's and then recon's lock held; the webhooks of the wallet
// movements change records in evs are sent after both are released.
func (m *Mock) sendWithdrawal(c *call, change func(evs *[]walletEvent) (craftgate.Withdraw, *apiError)) error {
	var evs []walletEvent
	out, e := func() (craftgate.Withdraw, *apiError) {
		m.book.mu.Lock()
		defer m.book.mu.Unlock()
		m.recon.mu.Lock()
		defer m.recon.mu.Unlock()
		return change(&evs)
	}()
	if e != nil {
		return e
	}
	m.emitWallet(evs)
	c.sendData(http.StatusOK, out)
	return nil
}

// withdrawOf finds the withdrawal of the {id} wildcard; the caller holds
// recon.mu.
func (m *Mock) withdrawOf(c *call) (*withdrawal, *apiError) {
	for _, w := range m.recon.withdraws {
		if w.id == c.id && c.idText == strconv.FormatInt(c.id, 10) {
			return w, nil
		}
	}
	return nil, errNotFound(CodeWithdrawNotFound, "withdraw "+truncate(c.idText, 40)+" not found")
}

// cancelWithdraw serves POST /wallet/v1/withdraws/{id}/cancel.
func (m *Mock) cancelWithdraw(c *call) error {
	now := m.nowUnix()
	b := &m.book
	return m.sendWithdrawal(c, func(evs *[]walletEvent) (craftgate.Withdraw, *apiError) {
		w, e := m.withdrawOf(c)
		if e != nil {
			return craftgate.Withdraw{}, e
		}
		if w.cancelled || now >= m.paidAt(w) {
			return craftgate.Withdraw{}, errValidation(CodeWithdrawNotCancellable, "withdraw "+strconv.FormatInt(w.id, 10)+
				" was already cancelled or paid out")
		}
		wl, e := b.memberWalletOf(w.memberID, "memberId")
		if e != nil {
			return craftgate.Withdraw{}, e
		}
		if e := b.move(wl, w.price, walletTxCancelWithdraw, w.id, now, evs); e != nil {
			return craftgate.Withdraw{}, e
		}
		w.cancelled = true
		return m.renderWithdraw(w, nil), nil
	})
}

// retrieveWithdraw serves GET /wallet/v1/withdraws/{id}.
func (m *Mock) retrieveWithdraw(c *call) error {
	return sendLocked(c, &m.recon.mu, func() (craftgate.Withdraw, *apiError) {
		w, e := m.withdrawOf(c)
		if e != nil {
			return craftgate.Withdraw{}, e
		}
		return m.renderWithdraw(w, nil), nil
	})
}

// searchWithdraws serves GET /wallet/v1/withdraws, newest first. The
// member is memberId (the documentation's name) or walletId (what the Go
// client sends for it).
func (m *Mock) searchWithdraws(c *call, q searchQuery) error {
	member, e := queryInt(q, "memberId")
	if e != nil {
		return e
	}
	if member == 0 {
		if member, e = queryInt(q, "walletId"); e != nil {
			return e
		}
	}
	cur, e1 := queryCurrency(q)
	lo, hasLo, e2 := queryMoney(q, "minWithdrawPrice")
	hi, hasHi, e3 := queryMoney(q, "maxWithdrawPrice")
	from, to, e4 := m.queryDates(q, "minCreatedDate", "maxCreatedDate")
	if e := errs(e1, e2, e3, e4); e != nil {
		return e
	}
	status := q.Get("payoutStatus")
	r := &m.recon
	r.mu.Lock()
	var all []craftgate.Withdraw
	payoutIDs := m.withdrawPayoutIDs()
	for i := len(r.withdraws) - 1; i >= 0; i-- {
		w := r.withdraws[i]
		switch {
		case member != 0 && w.memberID != member, cur != 0 && int(w.currency)+1 != cur, hasLo && w.price < lo, hasHi && w.price > hi,
			from != nil && w.created < *from, to != nil && w.created > *to:
			continue
		}
		out := m.renderWithdraw(w, payoutIDs)
		if status != "" && out.PayoutStatus != status {
			continue
		}
		all = append(all, out)
	}
	r.mu.Unlock()
	c.sendData(http.StatusOK, paged(all, q.page, q.size))
	return nil
}

// markAsRefunded serves POST /payment/v1/refunds/mark-as-refunded: the
// merchant refunded the whole (remaining) payment by other means, so the
// mock records it as refunded without asking the bank or moving wallet
// money, and answers the transaction refunds it recorded as {items}.
func (m *Mock) markAsRefunded(c *call, req craftgate.MarkAsRefundedRequest) error {
	if req.PaymentID <= 0 {
		return errRequired("paymentId")
	}
	p := m.store.payment(req.PaymentID)
	if p == nil {
		return m.paymentNotFound("paymentId "+strconv.FormatInt(req.PaymentID, 10)+": payment", req.PaymentID)
	}
	now := m.nowUnix()
	recs, e := func() ([]*txRefundRecord, *apiError) {
		p = m.store.lock(p)
		defer p.mu.Unlock()
		if e := notRefundable(p); e != nil {
			return nil, e
		}
		var txBuf [8]*transaction
		txs, ok := m.store.txsAt(p, txBuf[:0])
		if !ok {
			return nil, errReadEvicted(p.id)
		}
		ds := make([]txRefundDraft, 0, p.txCount)
		for i, t := range txs {
			if left := t.refundable(); left > 0 {
				ds = append(ds, txRefundDraft{txID: p.txFirst + int64(i), price: left, rw: refundWallet{}})
				t.refunded = t.paidPrice
			}
		}
		p.refund, p.partial = refundFull, true
		return m.store.insertTxRefunds(nextRange(&m.ids.txRefund, len(ds)), p.id, now, p.currency, req.ConversationID, ds), nil
	}()
	if e != nil {
		return e
	}
	c.out = append(c.out, `{"data":{"items":[`...)
	for i, r := range recs {
		if i > 0 {
			c.out = append(c.out, ',')
		}
		var ok bool
		if c.out, ok = m.appendTxRefund(c.out, r); !ok {
			return errRecordEvicted()
		}
	}
	c.out = append(c.out, `]}}`...)
	c.send(http.StatusOK)
	return nil
}

// markTxAsRefunded serves POST
// /payment/v1/refund-transactions/mark-as-refunded.
func (m *Mock) markTxAsRefunded(c *call, req craftgate.MarkTransactionAsRefundedRequest) error {
	if req.PaymentTransactionID <= 0 {
		return errRequired("paymentTransactionId")
	}
	price, e := checkAmount("refundPrice", req.RefundPrice)
	if e != nil {
		return e
	}
	p, t, _, reason := m.lockedTx(req.PaymentTransactionID)
	if reason != "" {
		return errNotFound(CodePaymentTransactionNotFound, "paymentTransactionId "+strconv.FormatInt(req.PaymentTransactionID, 10)+": "+reason)
	}
	now := m.nowUnix()
	rec, e := func() (*txRefundRecord, *apiError) {
		defer p.mu.Unlock()
		if e := notRefundable(p); e != nil {
			return nil, e
		}
		if left := t.refundable(); price > left {
			return nil, errValidation(CodeRefundExceedsRefundable, "refundPrice "+price.String()+" exceeds the refundable amount "+
				left.String()+" of paymentTransactionId "+strconv.FormatInt(req.PaymentTransactionID, 10))
		}
		var txBuf [8]*transaction
		txs, ok := m.store.txsAt(p, txBuf[:0])
		if !ok {
			return nil, errReadEvicted(p.id)
		}
		t.refunded += price
		p.partial, p.refund = true, refundFull
		for _, t := range txs {
			if t.refundable() > 0 {
				p.refund = refundPartial
				break
			}
		}
		return m.store.insertTxRefunds(nextRange(&m.ids.txRefund, 1), p.id, now, p.currency, req.ConversationID,
			[]txRefundDraft{{txID: req.PaymentTransactionID, price: price}})[0], nil
	}()
	if e != nil {
		return e
	}
	if !c.sendRecord(http.StatusOK, func(b []byte) ([]byte, bool) { return m.appendTxRefund(b, rec) }) {
		return errRecordEvicted()
	}
	return nil
}
