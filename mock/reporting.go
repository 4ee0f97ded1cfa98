package mock

import (
	"cmp"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Payment reporting (https://developer.craftgate.io/en/api/payment-reporting):
//
//	GET /payment-reporting/v1/payments                                  search, paged, newest first
//	GET /payment-reporting/v1/payments/{id}                             one payment, with refunds
//	GET /payment-reporting/v1/payments/{id}/transactions                items with payout status
//	GET /payment-reporting/v1/payments/{id}/refunds                     its refunds
//	GET /payment-reporting/v1/payments/{id}/transactions/{txId}/refunds one item's refunds
//	GET /payment-reporting/v1/refunds                                   search payment refunds
//	GET /payment-reporting/v1/refund-transactions                       search transaction refunds
//
// Reporting is a view of the store, never a copy: every answer is rendered
// from the same records the payment API changes (the card store of
// store.go and the APM/BNPL store of apm.go), so what reporting says always
// agrees with what the payment API did. A search walks the payments newest
// first (ids come from one counter, so id order is creation order), checks
// the cheap filters on the record and renders only the candidates.
//
// MOCK DECISION: each transaction refund (a partial refund, or one item of
// a whole-payment REFUND) is listed by GET /payment-reporting/v1/refunds as
// a REFUND with the transaction refund's id, beside the CANCELs: the store
// keeps no separate record of a whole-payment REFUND. A BNPL loan's
// refunds are read where the refund endpoints keep them (bnplLoan.refunds,
// bnpl.go): its whole-loan CANCEL or REFUND is a payment refund, its item
// refunds are transaction refunds, listed like a card's.
//
// A refund is after settlement (isAfterSettlement, "refund after payout":
// https://developer.craftgate.io/en/api/payment-reporting) when it was made
// once its transaction had been paid out on the mock's clock
// (settlement.go): at or after the blockage's end, and for a marketplace
// item once the item is approved (or settled to the seller's wallet). A
// whole-payment refund is judged by the merchant's blockage. MOCK DECISION:
// a marketplace item's approval is read as it is now, not as it was at the
// refund.

// repHead is what the cheap filters read of a payment: its record and
// (withText) its strings.
type repHead struct {
	id, created, buyer int64
	status             string
	currency           uint8
	paid               money
	installment        int
	threeDS            bool
	hasText            bool
	conv, ext, channel string
}

// paymentIDs yields every payment id the mock holds, card and APM,
// newest first, without copying the store's ids: the slab's ids are walked
// down, merged with the few held elsewhere (relocated 3-D Secure payments,
// APM payments), which are sorted.
func (m *Mock) paymentIDs() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		s := m.store
		var extra []int64
		if ks := s.kept.Load(); ks != nil {
			for id := range ks.byID {
				extra = append(extra, id)
			}
		}
		m.apm.mu.Lock()
		extra = append(extra, m.apm.order...)
		m.apm.mu.Unlock()
		slices.Sort(extra)
		last := int64(-1)
		emit := func(id int64) bool {
			if id == last {
				return true
			}
			last = id
			return yield(id)
		}
		j := len(extra) - 1
		low := max(s.payments.low(), s.payments.base)
		for id := m.ids.payment.Load(); id >= low; id-- {
			for ; j >= 0 && extra[j] >= id; j-- {
				if !emit(extra[j]) {
					return
				}
			}
			if s.payments.at(id) != nil && s.payment(id) != nil && !emit(id) {
				return
			}
		}
		for ; j >= 0; j-- {
			if !emit(extra[j]) {
				return
			}
		}
	}
}

// clockSlack is how far back the mock's clock may have stepped between
// two payments (Advance only moves it forward; the machine's clock may be
// corrected back a little): walking payments newest first, one created
// more than clockSlack before a range's start ends the walk.
const clockSlack = 3600

// head reads the cheap fields of payment id; withText adds its
// conversationId, externalId and paymentChannel.
func (m *Mock) head(id int64, withText bool) (repHead, bool) {
	if p := m.store.payment(id); p != nil {
		var h repHead
		if withText {
			t, ok := m.store.text(p)
			if !ok {
				return repHead{}, false // evicted while read: gone
			}
			h.hasText, h.conv, h.ext, h.channel = true, t.conversationID, t.externalID, t.channel
		}
		p = m.store.lock(p)
		defer p.mu.Unlock()
		h.id, h.created, h.buyer, h.status, h.currency = id, p.created, p.buyerMemberID, p.status(), p.currency
		h.paid, h.installment, h.threeDS = p.paidPrice, int(p.installment), p.threeDS
		return h, true
	}
	a := m.apm.get(id)
	if a == nil {
		return repHead{}, false
	}
	m.apm.mu.Lock()
	defer m.apm.mu.Unlock()
	return repHead{id: id, created: a.created, buyer: a.buyerMemberID, status: a.status, currency: a.currency,
		paid: a.paid, installment: 1, hasText: true, conv: a.conversationID, ext: a.externalID, channel: a.channel}, true
}

// paymentView renders payment id as a PaymentResponse, from whichever
// store holds it.
func (m *Mock) paymentView(id int64) (*craftgate.Payment, bool) {
	if p := m.store.payment(id); p != nil {
		var out craftgate.Payment
		b, ok := m.appendPayment(nil, p, false)
		if !ok {
			return nil, false // evicted while read: gone
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, false
		}
		return &out, true
	}
	if a := m.apm.get(id); a != nil {
		return m.apmReportingView(a), true
	}
	return nil, false
}

// apmReportingView is the PaymentResponse of an APM payment with what the
// reporting API adds: each transaction's refundablePrice (what is left of
// it after BNPL refunds, bnpl.go) and the payment's refundStatus.
func (m *Mock) apmReportingView(a *apmPayment) *craftgate.Payment {
	p := m.apmPaymentView(a)
	m.apm.mu.Lock()
	defer m.apm.mu.Unlock()
	cancelled := a.bnpl != nil && a.bnpl.cancelled
	p.RefundStatus = refundNone.String()
	if a.status != craftgate.StatusSuccess {
		return p
	}
	var left, paid money
	for i := range p.PaymentTransactions {
		t := &a.txs[i]
		v := t.paid - t.refunded
		if cancelled {
			v = 0
		}
		amount := v.toAmount()
		p.PaymentTransactions[i].RefundablePrice = &amount
		left, paid = left+v, paid+t.paid
	}
	p.RefundStatus = refundStateOf(left, paid).String()
	return p
}

// refundStateOf is the refund status of what was paid, given what is left
// to refund of it.
func refundStateOf(left, paid money) refundState {
	switch {
	case left == paid:
		return refundNot
	case left == 0:
		return refundFull
	default:
		return refundPartial
	}
}

// reportingPayments are the reporting views of ps, with their refunds
// when withRefunds (found in one pass over the refund records).
func (m *Mock) reportingPayments(ps []*craftgate.Payment, withRefunds bool) []craftgate.ReportingPayment {
	out := make([]craftgate.ReportingPayment, len(ps))
	ids := make(map[int64]int, len(ps))
	for i, p := range ps {
		rp := craftgate.ReportingPayment{Payment: *p, Refunds: []craftgate.ReportingPaymentRefund{}}
		var total money
		for _, t := range p.PaymentTransactions {
			if t.RefundablePrice != nil {
				v, _ := moneyOf(*t.RefundablePrice)
				total += v
			}
		}
		rp.RefundablePrice = total.toAmount()
		if rp.RefundStatus == "" { // APM payments
			rp.RefundStatus = refundNone.String()
			if p.PaymentStatus == craftgate.StatusSuccess {
				rp.RefundStatus = refundNot.String()
			}
		}
		out[i], ids[p.ID] = rp, i
	}
	if withRefunds && len(ps) > 0 {
		f := refundFilter{payments: ids}
		if len(ps) == 1 {
			f.paymentID = ps[0].ID
		}
		types := make(map[int64]string, len(ps))
		for _, p := range ps {
			types[p.ID] = p.PaymentType
		}
		for _, r := range m.paymentRefunds(f, types) {
			rp := &out[ids[r.PaymentID]]
			rp.Refunds = append(rp.Refunds, r)
		}
	}
	return out
}

// refundFilter is what the refund searches filter on; zero fields match
// everything.
type refundFilter struct {
	id, paymentID, txID, buyer int64
	conversationID, status     string
	currency                   int // the currency's index + 1; 0: any
	minPrice, maxPrice         money
	hasMin, hasMax             bool
	minDate, maxDate           *int64
	afterSettlement            *bool
	payments                   map[int64]int // when not nil, only these payments' refunds
}

// match checks a refund record; conv reads its conversationId, only
// when the filter needs it; after is its isAfterSettlement.
func (f *refundFilter) match(id, paymentID, txID, created int64, price money, currency uint8, after bool, conv func() string) bool {
	switch {
	case f.id != 0 && f.id != id, f.paymentID != 0 && f.paymentID != paymentID, f.txID != 0 && f.txID != txID,
		f.conversationID != "" && f.conversationID != conv(), f.status != "" && f.status != craftgate.StatusSuccess,
		f.currency != 0 && int(currency)+1 != f.currency, f.hasMin && price < f.minPrice, f.hasMax && price > f.maxPrice,
		f.minDate != nil && created < *f.minDate, f.maxDate != nil && created > *f.maxDate,
		f.afterSettlement != nil && *f.afterSettlement != after:
		return false
	}
	if f.payments != nil {
		_, ok := f.payments[paymentID]
		return ok
	}
	return true
}

// apmRefund is one BNPL refund as the reporting API reads it: the loan's
// record (bnplLoan.refunds) with its payment's id and currency.
type apmRefund struct {
	bnplRefund
	paymentID int64
	currency  uint8
}

// apmRefunds reads, under the APM store's lock, the BNPL refunds of
// payment id (0: of every APM payment) for one answer; the records stay
// on their loans.
func (m *Mock) apmRefunds(id int64) []apmRefund {
	m.apm.mu.Lock()
	defer m.apm.mu.Unlock()
	var out []apmRefund
	add := func(p *apmPayment) {
		if p != nil && p.bnpl != nil {
			for _, r := range p.bnpl.refunds {
				out = append(out, apmRefund{bnplRefund: r, paymentID: p.id, currency: p.currency})
			}
		}
	}
	if id != 0 {
		add(m.apm.byID[id])
		return out
	}
	for _, pid := range m.apm.order {
		add(m.apm.byID[pid])
	}
	return out
}

// apmRefundDate is the createdDate of a BNPL refund.
func (m *Mock) apmRefundDate(r *apmRefund) string { return string(m.appendUnix(nil, r.created)) }

// afterPayout reports whether a refund made at created (Unix seconds) of
// transaction txID (0: the whole payment) of payment pid came after that
// transaction's payout (settlement.go); subs caches each payment's
// transactions' sub-merchant members (nil for APM payments).
func (m *Mock) afterPayout(pid, txID, created int64, subs map[int64]map[int64]int64) bool {
	h, ok := m.head(pid, false)
	if !ok || h.status != craftgate.StatusSuccess {
		return false
	}
	if created < m.blockageResolved(h.created, 0) { // every blockage is at least the merchant's one day
		return false
	}
	var sub int64
	if txID != 0 {
		byTx, seen := subs[pid]
		if !seen {
			if m.store.payment(pid) != nil {
				if p, ok := m.paymentView(pid); ok {
					byTx = make(map[int64]int64, len(p.PaymentTransactions))
					for _, t := range p.PaymentTransactions {
						byTx[t.ID] = t.SubMerchantMemberID
					}
				}
			}
			subs[pid] = byTx
		}
		sub = byTx[txID]
	}
	if created < m.blockageResolved(h.created, sub) {
		return false
	}
	if sub == 0 {
		return true
	}
	st := m.market.state(txID)
	return st == itemApproved || st == itemSettled
}

// paymentRefunds lists the CANCELs and transaction refunds matching f as
// payment refunds, newest first.
func (m *Mock) paymentRefunds(f refundFilter, types map[int64]string) []craftgate.ReportingPaymentRefund {
	s := m.store
	out := []craftgate.ReportingPaymentRefund{}
	subs := map[int64]map[int64]int64{}
	buyerOK := func(pid int64) bool {
		if f.buyer == 0 {
			return true
		}
		h, ok := m.head(pid, false)
		return ok && h.buyer == f.buyer
	}
	for id := m.ids.refund.Load(); id >= s.cancels.low() && id >= s.cancels.base; id-- {
		c := s.cancel(id)
		if c == nil || !f.match(c.id, c.paymentID, 0, c.created, c.price, c.currency, f.afterSettlement != nil && m.afterPayout(c.paymentID, 0, c.created, subs),
			func() string { conv, _ := s.cancelConversationAt(c); return conv }) || !buyerOK(c.paymentID) {
			continue
		}
		var pc craftgate.PaymentRefund
		b, ok := m.appendCancel(nil, c)
		if !ok || json.Unmarshal(b, &pc) != nil {
			continue // !ok: evicted while read, gone like those before it
		}
		out = append(out, craftgate.ReportingPaymentRefund{ID: pc.ID, CreatedDate: pc.CreatedDate, Status: pc.Status, RefundType: pc.RefundType,
			RefundDestinationType: pc.RefundDestinationType, RefundPrice: pc.RefundPrice, RefundBankPrice: pc.RefundBankPrice,
			RefundWalletPrice: pc.RefundWalletPrice, ConversationID: pc.ConversationID, AuthCode: pc.AuthCode,
			HostReference: pc.HostReference, TransID: pc.TransID, PaymentType: m.paymentTypeOf(c.paymentID, types),
			PaymentID: pc.PaymentID, Currency: pc.Currency})
	}
	for _, r := range m.apmRefunds(f.paymentID) {
		if r.txID != 0 || !f.match(r.id, r.paymentID, 0, r.created, r.price, r.currency, f.afterSettlement != nil && m.afterPayout(r.paymentID, 0, r.created, subs),
			func() string { return r.conversationID }) || !buyerOK(r.paymentID) {
			continue
		}
		price := r.price.toAmount()
		out = append(out, craftgate.ReportingPaymentRefund{ID: r.id, CreatedDate: m.apmRefundDate(&r), Status: craftgate.StatusSuccess,
			RefundType: r.refundType, RefundDestinationType: r.destination, RefundPrice: price, RefundBankPrice: price,
			RefundWalletPrice: money(0).toAmount(), ConversationID: r.conversationID, PaymentType: m.paymentTypeOf(r.paymentID, types),
			PaymentID: r.paymentID, Currency: craftgate.Currencies[r.currency]})
	}
	slices.SortStableFunc(out, func(a, b craftgate.ReportingPaymentRefund) int { return cmp.Compare(b.ID, a.ID) })
	txf := f
	txf.txID = 0
	for _, r := range m.txRefunds(txf, types) {
		out = append(out, craftgate.ReportingPaymentRefund{ID: r.ID, CreatedDate: r.CreatedDate, Status: r.Status,
			RefundType: craftgate.RefundTypeRefund, RefundDestinationType: r.RefundDestinationType, RefundPrice: r.RefundPrice,
			RefundBankPrice: r.RefundBankPrice, RefundWalletPrice: r.RefundWalletPrice, ConversationID: r.ConversationID,
			AuthCode: r.AuthCode, HostReference: r.HostReference, TransID: r.TransID, PaymentType: r.PaymentType,
			PaymentID: r.PaymentID, Currency: r.Currency})
	}
	slices.SortStableFunc(out, func(a, b craftgate.ReportingPaymentRefund) int { return strings.Compare(b.CreatedDate, a.CreatedDate) })
	return out
}

// txRefunds lists the transaction refunds matching f, newest first.
func (m *Mock) txRefunds(f refundFilter, types map[int64]string) []craftgate.ReportingPaymentTransactionRefund {
	s := m.store
	out := []craftgate.ReportingPaymentTransactionRefund{}
	subs := map[int64]map[int64]int64{}
	for id := m.ids.txRefund.Load(); id >= s.txRefunds.low() && id >= s.txRefunds.base; id-- {
		r := s.txRefund(id)
		if r == nil {
			continue
		}
		after := m.afterPayout(r.paymentID, r.txID, r.created, subs)
		if !f.match(r.id, r.paymentID, r.txID, r.created, r.price, r.currency, after, func() string { conv, _ := s.txRefundConversationAt(r); return conv }) {
			continue
		}
		if f.buyer != 0 {
			if h, ok := m.head(r.paymentID, false); !ok || h.buyer != f.buyer {
				continue
			}
		}
		var t craftgate.PaymentTransactionRefund
		b, ok := m.appendTxRefund(nil, r)
		if !ok || json.Unmarshal(b, &t) != nil {
			continue // !ok: evicted while read, gone like those before it
		}
		t.IsAfterSettlement = after
		out = append(out, craftgate.ReportingPaymentTransactionRefund{PaymentTransactionRefund: t, PaymentType: m.paymentTypeOf(r.paymentID, types)})
	}
	for _, r := range m.apmRefunds(f.paymentID) {
		if r.txID == 0 {
			continue
		}
		after := m.afterPayout(r.paymentID, r.txID, r.created, subs)
		if !f.match(r.id, r.paymentID, r.txID, r.created, r.price, r.currency, after, func() string { return r.conversationID }) {
			continue
		}
		if f.buyer != 0 {
			if h, ok := m.head(r.paymentID, false); !ok || h.buyer != f.buyer {
				continue
			}
		}
		price := r.price.toAmount()
		out = append(out, craftgate.ReportingPaymentTransactionRefund{PaymentTransactionRefund: craftgate.PaymentTransactionRefund{
			ID: r.id, CreatedDate: m.apmRefundDate(&r), Status: craftgate.StatusSuccess, RefundDestinationType: r.destination,
			RefundPrice: price, RefundBankPrice: price, RefundWalletPrice: money(0).toAmount(), ConversationID: r.conversationID,
			IsAfterSettlement: after, PaymentTransactionID: r.txID, PaymentID: r.paymentID, Currency: craftgate.Currencies[r.currency]},
			PaymentType: m.paymentTypeOf(r.paymentID, types)})
	}
	slices.SortStableFunc(out, func(a, b craftgate.ReportingPaymentTransactionRefund) int { return cmp.Compare(b.ID, a.ID) })
	return out
}

// paymentTypeOf is the paymentType of payment id, remembered in types
// (which callers may fill with the types they know).
func (m *Mock) paymentTypeOf(id int64, types map[int64]string) string {
	if t, ok := types[id]; ok {
		return t
	}
	t := craftgate.PaymentTypeCard
	if p, ok := m.paymentView(id); ok {
		t = p.PaymentType
	}
	types[id] = t
	return t
}

// paymentQuery is a parsed payment search.
type paymentQuery struct {
	page, size                                     int
	paymentID, txID, buyer, subMerchant, posID     int64
	conversationID, externalID, orderID            string
	paymentType, provider, status, source, channel string
	bin, lastFour                                  string
	currency                                       int // index + 1; 0: any
	minPaid, maxPaid                               money
	hasMin, hasMax                                 bool
	installment                                    int
	threeDS                                        *bool
	minDate, maxDate                               *int64
}

// queryInt reads an optional whole-number query parameter (0 or more).
func queryInt(q interface{ Get(string) string }, name string) (int64, *apiError) {
	s := q.Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errValidation(CodeInvalidQuery, name+" must be a positive whole number, got "+strconv.Quote(truncate(s, 20)))
	}
	return n, nil
}

// queryMoney reads an optional amount query parameter.
func queryMoney(q interface{ Get(string) string }, name string) (money, bool, *apiError) {
	s := q.Get(name)
	if s == "" {
		return 0, false, nil
	}
	a, err := craftgate.ParseAmount(s)
	if err != nil {
		return 0, false, errValidation(CodeInvalidQuery, name+" must be an amount, got "+strconv.Quote(truncate(s, 20)))
	}
	v, prob := moneyOf(a)
	if prob != amountOK || v < 0 {
		return 0, false, errValidation(CodeInvalidQuery, name+" must be an amount of at most 8 decimal places, got "+strconv.Quote(truncate(s, 20)))
	}
	return v, true, nil
}

// queryCurrency reads an optional currency filter: the currency's index
// + 1, 0 when absent.
func queryCurrency(q interface{ Get(string) string }) (int, *apiError) {
	s := q.Get("currency")
	if s == "" {
		return 0, nil
	}
	ci, ok := currencyIndex(s)
	if !ok {
		return 0, errValidation(CodeInvalidCurrency, "currency must be a currency code such as TRY, got "+strconv.Quote(truncate(s, 10)))
	}
	return int(ci) + 1, nil
}

// queryBool reads an optional true/false query parameter.
func queryBool(q interface{ Get(string) string }, name string) (*bool, *apiError) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return nil, errValidation(CodeInvalidQuery, name+" must be true or false, got "+strconv.Quote(truncate(s, 12)))
	}
	return &v, nil
}

// errs returns the first non-nil error.
func errs(es ...*apiError) *apiError {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

// parsePaymentQuery reads the filters and paging of a payment search;
// a malformed value is a 400 naming it.
func (m *Mock) parsePaymentQuery(q url.Values) (*paymentQuery, *apiError) {
	pq := &paymentQuery{conversationID: q.Get("conversationId"), externalID: q.Get("externalId"), orderID: q.Get("orderId"),
		paymentType: q.Get("paymentType"), provider: q.Get("paymentProvider"), status: q.Get("paymentStatus"),
		source: q.Get("paymentSource"), channel: q.Get("paymentChannel"), bin: q.Get("binNumber"), lastFour: q.Get("lastFourDigits")}
	var e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12 *apiError
	pq.page, pq.size, e1 = paging(q)
	pq.paymentID, e2 = queryInt(q, "paymentId")
	pq.txID, e3 = queryInt(q, "paymentTransactionId")
	pq.buyer, e4 = queryInt(q, "buyerMemberId")
	pq.subMerchant, e5 = queryInt(q, "subMerchantMemberId")
	pq.posID, e6 = queryInt(q, "merchantPosId")
	pq.currency, e7 = queryCurrency(q)
	pq.minPaid, pq.hasMin, e8 = queryMoney(q, "minPaidPrice")
	pq.maxPaid, pq.hasMax, e9 = queryMoney(q, "maxPaidPrice")
	var inst int64
	inst, e10 = queryInt(q, "installment")
	pq.installment = int(inst)
	pq.threeDS, e11 = queryBool(q, "isThreeDS")
	pq.minDate, pq.maxDate, e12 = m.queryDates(q, "minCreatedDate", "maxCreatedDate")
	if e := errs(e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12); e != nil {
		return nil, e
	}
	return pq, nil
}

// cheap checks the filters a record answers without rendering.
func (pq *paymentQuery) cheap(h *repHead) bool {
	switch {
	case pq.paymentID != 0 && h.id != pq.paymentID, pq.buyer != 0 && h.buyer != pq.buyer,
		pq.status != "" && h.status != pq.status, pq.currency != 0 && int(h.currency)+1 != pq.currency,
		pq.hasMin && h.paid < pq.minPaid, pq.hasMax && h.paid > pq.maxPaid,
		pq.installment != 0 && h.installment != pq.installment, pq.threeDS != nil && *pq.threeDS != h.threeDS,
		pq.minDate != nil && h.created < *pq.minDate, pq.maxDate != nil && h.created > *pq.maxDate,
		h.hasText && (pq.conversationID != "" && h.conv != pq.conversationID || pq.externalID != "" && h.ext != pq.externalID ||
			pq.channel != "" && h.channel != pq.channel):
		return false
	}
	return true
}

// needsText reports whether a filter reads a payment's strings.
func (pq *paymentQuery) needsText() bool {
	return pq.conversationID != "" || pq.externalID != "" || pq.channel != ""
}

// full checks the filters that need the rendered payment.
func (pq *paymentQuery) full(p *craftgate.Payment) bool {
	switch {
	case pq.conversationID != "" && p.ConversationID != pq.conversationID, pq.externalID != "" && p.ExternalID != pq.externalID,
		pq.orderID != "" && p.OrderID != pq.orderID, pq.paymentType != "" && p.PaymentType != pq.paymentType,
		pq.provider != "" && p.PaymentProvider != pq.provider, pq.source != "" && p.PaymentSource != pq.source,
		pq.channel != "" && p.PaymentChannel != pq.channel, pq.lastFour != "" && p.LastFourDigits != pq.lastFour,
		pq.bin != "" && (p.BinNumber == "" || !strings.HasPrefix(p.BinNumber, pq.bin) && !strings.HasPrefix(pq.bin, p.BinNumber)),
		pq.posID != 0 && (p.Pos == nil || p.Pos.ID != pq.posID):
		return false
	}
	if pq.txID == 0 && pq.subMerchant == 0 {
		return true
	}
	for _, t := range p.PaymentTransactions {
		if (pq.txID == 0 || t.ID == pq.txID) && (pq.subMerchant == 0 || t.SubMerchantMemberID == pq.subMerchant) {
			return true
		}
	}
	return false
}

// needsView reports whether a filter needs the rendered payment.
func (pq *paymentQuery) needsView() bool {
	return pq.orderID != "" || pq.paymentType != "" || pq.provider != "" || pq.source != "" || pq.lastFour != "" || pq.bin != "" ||
		pq.posID != 0 || pq.txID != 0 || pq.subMerchant != 0 // the text filters are read cheaply (head)
}

// matchingPayments returns the number of payments matching pq and the
// page asked for, newest first. Only the payments a filter needs to see
// rendered, and those of the page, are rendered.
func (m *Mock) matchingPayments(pq *paymentQuery) (int, []*craftgate.Payment) {
	lo := pq.page * pq.size
	n := 0
	var page []*craftgate.Payment
	text := pq.needsText()
	for id := range m.paymentIDs() {
		h, ok := m.head(id, text)
		if ok && pq.minDate != nil && h.created < *pq.minDate-clockSlack {
			break
		}
		if !ok || !pq.cheap(&h) {
			continue
		}
		inPage := n >= lo && n < lo+pq.size
		if !pq.needsView() && !inPage {
			n++
			continue
		}
		p, ok := m.paymentView(id)
		if !ok || !pq.full(p) {
			continue
		}
		if inPage {
			page = append(page, p)
		}
		n++
	}
	return n, page
}

// pageOf cuts page page of size out of items.
func pageOf[T any](items []T, page, size int) []T {
	lo := min(page*size, len(items))
	return items[lo:min(lo+size, len(items))]
}

// paged is the page of all a search asked for, in the paged envelope.
func paged[T any](all []T, page, size int) craftgate.Paged[T] {
	return craftgate.Paged[T]{Items: append([]T{}, pageOf(all, page, size)...), Page: page, Size: size, TotalSize: int64(len(all))}
}

// searchReportingPayments serves GET /payment-reporting/v1/payments.
func (m *Mock) searchReportingPayments(c *call) error {
	pq, e := m.parsePaymentQuery(c.r.URL.Query())
	if e != nil {
		return e
	}
	total, page := m.matchingPayments(pq)
	out := craftgate.ReportingPaymentList{Items: []craftgate.ReportingPayment{}, Page: pq.page, Size: pq.size, TotalSize: int64(total)}
	out.Items = append(out.Items, m.reportingPayments(page, true)...)
	c.sendData(http.StatusOK, out)
	return nil
}

// reportingPaymentOf finds the payment of the {id} wildcard.
func (m *Mock) reportingPaymentOf(c *call, name string) (*craftgate.Payment, *apiError) {
	text := c.param(name)
	id, err := strconv.ParseInt(text, 10, 64)
	if err == nil {
		if p, ok := m.paymentView(id); ok {
			return p, nil
		}
	}
	return nil, m.paymentNotFound("payment "+truncate(text, 40), id)
}

// retrieveReportingPayment serves GET /payment-reporting/v1/payments/{id}.
func (m *Mock) retrieveReportingPayment(c *call) error {
	p, e := m.reportingPaymentOf(c, "id")
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, m.reportingPayments([]*craftgate.Payment{p}, true)[0])
	return nil
}

// reportingTransactions is a payment's transactions with their payout
// state (settlement.go).
func (m *Mock) reportingTransactions(p *craftgate.Payment) []craftgate.ReportingPaymentTransaction {
	h, _ := m.head(p.ID, false)
	out := make([]craftgate.ReportingPaymentTransaction, 0, len(p.PaymentTransactions))
	zero := craftgate.MustAmount("0")
	for _, t := range p.PaymentTransactions {
		rt := craftgate.ReportingPaymentTransaction{PaymentTransaction: t, CreatedDate: p.CreatedDate, TransactionStatusDate: p.CreatedDate,
			BankCommissionRate: zero, BankCommissionRateAmount: zero, RefundStatus: refundNone.String()}
		if t.RefundablePrice == nil {
			t.RefundablePrice = &zero
			rt.RefundablePrice = &zero
		}
		sub := zero
		if t.SubMerchantMemberPayoutAmount != nil {
			sub = *t.SubMerchantMemberPayoutAmount
		}
		rt.Payout = craftgate.Payout{PaidPrice: t.PaidPrice, Parity: craftgate.MustAmount("1"), Currency: p.Currency,
			MerchantPayoutAmount: t.MerchantPayoutAmount, SubMerchantMemberPayoutAmount: sub}
		if p.PaymentStatus == craftgate.StatusSuccess {
			left, _ := moneyOf(*t.RefundablePrice)
			paid, _ := moneyOf(t.PaidPrice)
			rt.RefundStatus = refundStateOf(left, paid).String()
			resolved := m.blockageResolved(h.created, t.SubMerchantMemberID)
			rt.BlockageResolvedDate = m.dateText(resolved)
			// MOCK DECISION: both shares of a transaction follow the same
			// payout schedule; the sub-merchant member's status is given
			// only for a sub-merchant's item.
			st := &craftgate.TransactionPayoutStatus{MerchantStatus: m.payoutStatus(t.ID, t.SubMerchantMemberID, resolved)}
			if t.SubMerchantMemberID != 0 {
				st.SubMerchantMemberStatus = st.MerchantStatus
			}
			rt.PayoutStatus = st
		}
		out = append(out, rt)
	}
	return out
}

// retrieveReportingTransactions serves GET
// /payment-reporting/v1/payments/{id}/transactions.
func (m *Mock) retrieveReportingTransactions(c *call) error {
	p, e := m.reportingPaymentOf(c, "id")
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, craftgate.ReportingTransactionList{Items: m.reportingTransactions(p)})
	return nil
}

// retrieveReportingRefunds serves GET /payment-reporting/v1/payments/{id}/refunds.
func (m *Mock) retrieveReportingRefunds(c *call) error {
	p, e := m.reportingPaymentOf(c, "id")
	if e != nil {
		return e
	}
	items := m.paymentRefunds(refundFilter{paymentID: p.ID}, map[int64]string{p.ID: p.PaymentType})
	c.sendData(http.StatusOK, craftgate.ReportingRefundList{Items: items, Size: len(items), TotalSize: int64(len(items))})
	return nil
}

// retrieveReportingTxRefunds serves GET
// /payment-reporting/v1/payments/{paymentId}/transactions/{txId}/refunds.
func (m *Mock) retrieveReportingTxRefunds(c *call) error {
	p, e := m.reportingPaymentOf(c, "paymentId")
	if e != nil {
		return e
	}
	text := c.param("txId")
	txID, _ := strconv.ParseInt(text, 10, 64)
	found := false
	for _, t := range p.PaymentTransactions {
		found = found || t.ID == txID
	}
	if !found {
		return errNotFound(CodePaymentTransactionNotFound, "payment transaction "+truncate(text, 40)+" of payment "+strconv.FormatInt(p.ID, 10)+" not found")
	}
	items := m.txRefunds(refundFilter{paymentID: p.ID, txID: txID}, map[int64]string{p.ID: p.PaymentType})
	c.sendData(http.StatusOK, craftgate.ReportingTransactionRefundList{Items: items, Size: len(items), TotalSize: int64(len(items))})
	return nil
}

// parseRefundQuery reads the filters of the refund searches.
func (m *Mock) parseRefundQuery(q url.Values) (refundFilter, int, int, *apiError) {
	f := refundFilter{conversationID: q.Get("conversationId"), status: q.Get("status")}
	var e1, e2, e3, e4, e5, e6, e7, e8, e9, e10 *apiError
	page, size, e1 := paging(q)
	f.id, e2 = queryInt(q, "id")
	f.paymentID, e3 = queryInt(q, "paymentId")
	f.txID, e4 = queryInt(q, "paymentTransactionId")
	f.buyer, e5 = queryInt(q, "buyerMemberId")
	f.currency, e6 = queryCurrency(q)
	f.minPrice, f.hasMin, e7 = queryMoney(q, "minRefundPrice")
	if !f.hasMin && e7 == nil { // the documentation's name for it
		f.minPrice, f.hasMin, e7 = queryMoney(q, "minPaidPrice")
	}
	f.maxPrice, f.hasMax, e8 = queryMoney(q, "maxRefundPrice")
	if !f.hasMax && e8 == nil {
		f.maxPrice, f.hasMax, e8 = queryMoney(q, "maxPaidPrice")
	}
	f.afterSettlement, e9 = queryBool(q, "isAfterSettlement")
	f.minDate, f.maxDate, e10 = m.queryDates(q, "minCreatedDate", "maxCreatedDate")
	return f, page, size, errs(e1, e2, e3, e4, e5, e6, e7, e8, e9, e10)
}

// searchReportingRefunds serves GET /payment-reporting/v1/refunds.
func (m *Mock) searchReportingRefunds(c *call) error {
	f, page, size, e := m.parseRefundQuery(c.r.URL.Query())
	if e != nil {
		return e
	}
	f.txID = 0
	all := m.paymentRefunds(f, map[int64]string{})
	c.sendData(http.StatusOK, paged(all, page, size))
	return nil
}

// searchReportingTxRefunds serves GET /payment-reporting/v1/refund-transactions.
func (m *Mock) searchReportingTxRefunds(c *call) error {
	f, page, size, e := m.parseRefundQuery(c.r.URL.Query())
	if e != nil {
		return e
	}
	all := m.txRefunds(f, map[int64]string{})
	c.sendData(http.StatusOK, paged(all, page, size))
	return nil
}
