package mock

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The side table: what the reward (loyalty.go) and fraud (fraud.go) checks
// decided about a payment, kept apart from the payment store (store.go),
// whose records stay pointer-free and small. Only payments that used a
// reward or matched a REVIEW rule have an entry, so most payments cost one
// atomic load here. Bounded: maxSideEntries entries, the oldest forgotten
// first (a payment whose entry was forgotten answers without fraudId and
// loyalty).
//
// The API payment handlers call beforeBank after validating a payment and
// before its bank outcome, and afterInsert once it is stored; the payment
// encoder calls appendExtras.

// maxSideEntries bounds the side table.
const maxSideEntries = 100_000

// paymentExtras is what beforeBank decided for a payment about to be made.
type paymentExtras struct {
	loyalty *loyaltyUse
	fraudID int64 // a REVIEW check
}

type sideTable struct {
	n     atomic.Int64 // len(byID), read without the lock
	mu    sync.Mutex
	byID  map[int64]paymentExtras
	order []int64
}

func (t *sideTable) put(id int64, x paymentExtras) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byID == nil {
		t.byID = map[int64]paymentExtras{}
	}
	if _, ok := t.byID[id]; !ok {
		t.order = append(t.order, id)
	}
	t.byID[id] = x
	for len(t.byID) > maxSideEntries {
		delete(t.byID, t.order[0])
		t.order = t.order[1:]
	}
	t.n.Store(int64(len(t.byID)))
}

func (t *sideTable) get(id int64) (paymentExtras, bool) {
	if t.n.Load() == 0 {
		return paymentExtras{}, false
	}
	t.mu.Lock()
	x, ok := t.byID[id]
	t.mu.Unlock()
	return x, ok
}

// beforeBank runs the reward and fraud checks on a validated payment
// (req.Card is its plain card, with the loyalty it asked for): a refusal
// stops the payment before anything is stored.
func (m *Mock) beforeBank(req *craftgate.CreatePaymentRequest, d *draft, now time.Time, en bool) (paymentExtras, *apiError) {
	var x paymentExtras
	if req.Card != nil && req.Card.Loyalty != nil {
		lo, e := checkLoyalty(req.Card.Loyalty, d, en)
		if e != nil {
			return x, e
		}
		x.loyalty = lo
	}
	fp := fraudPayment{clientIP: req.ClientIP, paidPrice: d.paidPrice, buyerID: d.buyerMemberID, currency: d.currency}
	if req.FraudParams != nil {
		fp.email = req.FraudParams.BuyerEmail
	}
	if r, id := m.evaluateFraud(fp, d.pan(), d.conversationID, now); r != nil {
		if r.action == fraudBlock {
			return x, fraudBlocked(r, id)
		}
		x.fraudID = id
	}
	return x, nil
}

// afterInsert keeps x for the stored payment id.
func (m *Mock) afterInsert(id int64, x paymentExtras) {
	if x.loyalty == nil && x.fraudID == 0 {
		return
	}
	if x.fraudID != 0 {
		m.fraud.attachPayment(x.fraudID, id)
	}
	m.side.put(id, x)
}

// appendExtras appends fraudId, fraudAction and loyalty of payment id, when
// it has them.
func (m *Mock) appendExtras(b []byte, id int64) []byte {
	x, ok := m.side.get(id)
	if !ok {
		return b
	}
	if x.fraudID != 0 {
		b = append(b, `,"fraudId":`...)
		b = strconv.AppendInt(b, x.fraudID, 10)
		b = append(b, `,"fraudAction":"REVIEW"`...)
	}
	if x.loyalty != nil {
		b = appendLoyalty(b, x.loyalty)
	}
	return b
}
