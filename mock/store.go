package mock

import (
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The store keeps every object of one mock in pointer-free records, so
// that however many payments a load test creates, the garbage collector
// never scans them: records live in slabs indexed by id, their strings in
// an append-only arena (slab.go), and the conversationId index is a map of
// integers. It keeps only what the responses need, never the raw request:
// card data is looked up in the immutable catalogue by the stored card
// number, and bank references are derived from the seed and the id when
// rendered (ids.go). A payment with three items takes about 330 bytes.
//
// Ids of each kind are handed out by an atomic counter, so they are dense
// and a record's slot is simply id - base. Writers fill records under
// store.mu and publish them last with an atomic store; readers find
// records without any lock.

// refundState is a payment's refundStatus (flows.md section 0).
type refundState uint8

const (
	refundNone    refundState = iota // NO_REFUND: the payment did not succeed
	refundNot                        // NOT_REFUNDED
	refundPartial                    // PARTIAL_REFUNDED
	refundFull                       // FULLY_REFUNDED
)

func (s refundState) String() string {
	switch s {
	case refundNot:
		return "NOT_REFUNDED"
	case refundPartial:
		return "PARTIAL_REFUNDED"
	case refundFull:
		return "FULLY_REFUNDED"
	}
	return "NO_REFUND"
}

// payment is the stored state of one payment.
type payment struct {
	ready atomic.Bool

	// mu guards the refund state: refund, partial, and the refunded amount
	// of every transaction of the payment. The rest is written once, before
	// ready.
	mu      sync.Mutex
	refund  refundState
	partial bool // a transaction refund was made: no CANCEL any more

	// failed and the 3-D Secure state (phase, mdStatus, failStep) change
	// after publication for 3-D Secure payments only, under mu.
	failed      bool
	phase       payPhase
	threeDS     bool
	source      uint8 // sourceAPI or sourceCheckout
	failStep    uint8 // the step whose failure paymentError reports (stepNon3DS...)
	md          int8  // mdStatus of a verified 3-D Secure payment; -1 when none
	currency    uint8 // index into craftgate.Currencies
	group       uint8 // groupNone, groupProduct or groupListing
	installment uint8
	txCount     uint32

	id            int64
	created       int64 // Unix seconds
	buyerMemberID int64
	price         money
	paidPrice     money
	txFirst       int64 // the transactions' ids are txFirst...txFirst+txCount-1
	convPrev      int64 // previous payment whose conversationId has the same hash

	text textRef // see paymentText
}

// payPhase is where a payment stands in its flow: final (SUCCESS or
// FAILURE, per failed), or waiting in one of the two pending 3-D Secure
// statuses.
type payPhase uint8

const (
	phaseFinal           payPhase = iota // SUCCESS or FAILURE
	phaseInitThreeDS                     // INIT_THREEDS: 3ds-init done, not verified
	phaseCallbackThreeDS                 // CALLBACK_THREEDS: verified, waiting for 3ds-complete
)

// Payment sources (paymentSource).
const (
	sourceAPI uint8 = iota
	sourceCheckout
)

// Steps a stored failure can come from (payment.failStep).
const (
	stepNon3DS uint8 = iota
	stepThreeDSInit
	stepThreeDSVerify // not authenticated: a validation-class error, mdStatus in payment.md
	stepThreeDSComplete
)

// paymentText holds a payment's strings, in the order they are stored.
type paymentText struct {
	conversationID, externalID, channel, pan, holder, bankOrderID, posAlias string
	// items yields name, externalId for each transaction in turn.
	items textReader
}

// transaction is one basket item of a payment. Its id is its slot's.
type transaction struct {
	paymentID        atomic.Int64 // non-zero once published
	subMerchantID    int64
	price            money
	paidPrice        money
	subMerchantPrice money
	refunded         money // guarded by the payment's mu
}

// refundable is what is left to refund on the transaction; the caller holds
// the payment's lock.
func (t *transaction) refundable() money { return t.paidPrice - t.refunded }

// cancelRecord is a whole-payment CANCEL, retrievable by id.
type cancelRecord struct {
	ready     atomic.Bool
	currency  uint8
	id        int64
	paymentID int64
	created   int64
	price     money
	text      textRef // conversationId
}

// txRefundRecord is one refund of one payment transaction.
type txRefundRecord struct {
	ready     atomic.Bool
	currency  uint8
	id        int64
	paymentID int64
	txID      int64
	created   int64
	price     money
	text      textRef // conversationId
}

// store holds every object of one mock.
type store struct {
	// mu serialises writers: slab and arena growth, and the conversation
	// index. Readers of records and strings take no lock.
	mu        sync.Mutex
	payments  slab[payment]
	txs       slab[transaction]
	cancels   slab[cancelRecord]
	txRefunds slab[txRefundRecord]
	strs      arena

	// byConversation maps a conversationId's hash to the newest payment
	// with that hash; older ones are chained through payment.convPrev.
	byConversation map[uint64]int64
	seed           maphash.Seed
}

func newStore(g *idGen) *store {
	s := &store{byConversation: make(map[uint64]int64), seed: maphash.MakeSeed()}
	s.payments.base = g.payment.Load() + 1
	s.txs.base = g.tx.Load() + 1
	s.cancels.base = g.refund.Load() + 1
	s.txRefunds.base = g.txRefund.Load() + 1
	return s
}

// payment returns a published payment, or nil.
func (s *store) payment(id int64) *payment {
	p := s.payments.at(id)
	if p == nil || !p.ready.Load() {
		return nil
	}
	return p
}

// transaction returns a published transaction, or nil.
func (s *store) transaction(id int64) *transaction {
	t := s.txs.at(id)
	if t == nil || t.paymentID.Load() == 0 {
		return nil
	}
	return t
}

// tx returns the i-th transaction of a published payment.
func (s *store) tx(p *payment, i int) *transaction {
	return s.txs.at(p.txFirst + int64(i))
}

func (s *store) cancel(id int64) *cancelRecord {
	c := s.cancels.at(id)
	if c == nil || !c.ready.Load() {
		return nil
	}
	return c
}

func (s *store) txRefund(id int64) *txRefundRecord {
	r := s.txRefunds.at(id)
	if r == nil || !r.ready.Load() {
		return nil
	}
	return r
}

// text returns the strings of a published payment.
func (s *store) text(p *payment) paymentText {
	r := s.strs.text(p.text)
	var t paymentText
	t.conversationID, t.externalID, t.channel = r.next(), r.next(), r.next()
	t.pan, t.holder, t.bankOrderID, t.posAlias = r.next(), r.next(), r.next(), r.next()
	t.items = r
	return t
}

// conversationID returns the conversationId of a refund record.
func (s *store) conversationID(r textRef) string {
	t := s.strs.text(r)
	return t.next()
}

// card returns the catalogue entry of the payment's card; every stored
// card number was found in the catalogue when the payment was made.
func (s *store) card(p *payment) *craftgate.TestCard {
	r := s.strs.text(p.text)
	r.next()
	r.next()
	r.next()
	tc, _ := craftgate.TestCards().Card(r.next())
	return tc
}

// paymentsByConversation returns every payment with conversationId c, by
// ascending id.
func (s *store) paymentsByConversation(c string) []*payment {
	s.mu.Lock()
	id := s.byConversation[maphash.String(s.seed, c)]
	s.mu.Unlock()
	var out []*payment
	for id != 0 {
		p := s.payment(id)
		if p == nil {
			break
		}
		if r := s.strs.text(p.text); r.next() == c {
			out = append(out, p)
		}
		id = p.convPrev
	}
	slices.Reverse(out)
	return out
}

// insertPayment stores a validated payment and its transactions under the
// given ids and publishes them.
func (s *store) insertPayment(d *draft, id, txFirst, created int64, failed bool) *payment {
	size := fieldSize(d.conversationID) + fieldSize(d.externalID) + fieldSize(d.channel) + fieldSize(d.card.Number) +
		fieldSize(d.holder) + fieldSize(d.bankOrderID) + fieldSize(d.posAlias)
	for i := range d.txs {
		size += fieldSize(d.txs[i].name) + fieldSize(d.txs[i].externalID)
	}
	var h uint64
	if d.conversationID != "" {
		h = maphash.String(s.seed, d.conversationID)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	w, ref := s.strs.reserve(size)
	w.put(d.conversationID)
	w.put(d.externalID)
	w.put(d.channel)
	w.put(d.card.Number)
	w.put(d.holder)
	w.put(d.bankOrderID)
	w.put(d.posAlias)
	for i := range d.txs {
		w.put(d.txs[i].name)
		w.put(d.txs[i].externalID)
	}
	p := s.payments.slot(id)
	p.id, p.created, p.failed, p.text = id, created, failed, ref
	p.threeDS, p.source, p.failStep, p.md = d.threeDS, d.source, d.failStep, -1
	p.refund = refundNot
	if d.pending {
		p.phase = phaseInitThreeDS
	}
	if failed || d.pending {
		p.refund = refundNone
	}
	p.currency, p.group, p.installment = d.currency, d.group, d.installment
	p.buyerMemberID, p.price, p.paidPrice = d.buyerMemberID, d.price, d.paidPrice
	p.txFirst, p.txCount = txFirst, uint32(len(d.txs))
	for i := range d.txs {
		dt := &d.txs[i]
		t := s.txs.slot(txFirst + int64(i))
		t.subMerchantID, t.price, t.paidPrice, t.subMerchantPrice = dt.subMerchantID, dt.price, dt.paidPrice, dt.subMerchantPrice
	}
	if d.conversationID != "" {
		p.convPrev = s.byConversation[h]
		s.byConversation[h] = id
	}
	// Publish the payment first, then its transactions: whoever finds a
	// transaction by id then also finds its payment.
	p.ready.Store(true)
	for i := range d.txs {
		s.txs.at(txFirst + int64(i)).paymentID.Store(id)
	}
	return p
}

// conversationText stores a refund's conversationId; the caller holds s.mu.
func (s *store) conversationText(conversationID string) textRef {
	w, ref := s.strs.reserve(fieldSize(conversationID))
	w.put(conversationID)
	return ref
}

// insertCancel stores and publishes a CANCEL.
func (s *store) insertCancel(id, paymentID, created int64, price money, currency uint8, conversationID string) *cancelRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cancels.slot(id)
	c.id, c.paymentID, c.created, c.price, c.currency = id, paymentID, created, price, currency
	c.text = s.conversationText(conversationID)
	c.ready.Store(true)
	return c
}

// txRefundDraft is one transaction refund about to be stored.
type txRefundDraft struct {
	txID  int64
	price money
}

// insertTxRefunds stores and publishes consecutive transaction refunds
// from id first on.
func (s *store) insertTxRefunds(first, paymentID, created int64, currency uint8, conversationID string, ds []txRefundDraft) []*txRefundRecord {
	out := make([]*txRefundRecord, len(ds))
	s.mu.Lock()
	defer s.mu.Unlock()
	text := s.conversationText(conversationID)
	for i, d := range ds {
		r := s.txRefunds.slot(first + int64(i))
		r.id, r.paymentID, r.txID, r.created, r.price, r.currency = first+int64(i), paymentID, d.txID, created, d.price, currency
		r.text = text
		r.ready.Store(true)
		out[i] = r
	}
	return out
}
