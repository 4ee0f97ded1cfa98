package mock

import (
	"bytes"
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The store keeps every object of one mock in pointer-free records, so
// that however many payments a load test creates, the garbage collector
// never scans them: records live in slabs indexed by id, their strings in
// append-only arenas (slab.go), and the conversationId index is a map of
// integers. It keeps only what the responses need, never the raw request:
// card data is looked up in the immutable catalogue by the stored card
// number, and bank references are derived from the seed and the id when
// rendered (ids.go).
//
// Ids of each kind are handed out by an atomic counter, so they are dense
// and a record's slot is simply id - base. Writers fill records under
// store.mu and publish them last with an atomic store; readers find
// records without any lock.
//
// Capacity and eviction. The store is bounded: it keeps at most
// Config.StoreCapacity payments (DefaultStoreCapacity) plus two chunks of
// 512, and as many CANCEL records and as many transaction refund records.
// Beyond that the OLDEST chunk of 512 payments (lowest ids: the first
// created) is evicted as a whole, with their transactions, strings and
// conversationId index entries, whatever their state: a soak test keeps
// the most recent payments, and refunding or retrieving a payment that
// old answers 404 with CodeEvicted. The one exception: a 3-D Secure
// payment still waiting for verification or completion (INIT_THREEDS,
// CALLBACK_THREEDS) less than Config.ThreeDSLifetime after its 3ds-init
// (mock clock) is moved to a side table and stays fully usable until it
// is final or its lifetime has passed, after which it is evicted at the
// next round. Refund records are evicted oldest first, independently of
// their payments (the payment's refunded amounts are kept on the payment,
// so money stays consistent). Eviction pauses while a state snapshot is
// being written. Checkout tokens (Config.StoreCapacity of them) and
// webhook records are bounded the same way, oldest first.
//
// Measured (memory_test.go, `go test ./mock/ -run TestMemoryFootprint -v
// -memfootprint`): a payment with three items and a 36-character
// conversationId takes 372 bytes of heap, index included: 1,000,000 of
// them 355 MiB of heap and 680 MiB of RSS (the garbage collector's
// headroom at GOGC=100); at a capacity of 250,000, 89 MiB of heap and 200
// MiB of RSS however many are made. The default capacity thus holds about
// 710 MiB of heap; set GOMEMLIMIT to keep the RSS near it. A walletPrice
// is kept beside the record, only for the payments that have one
// (walletpay.go): in the record, its 8 bytes would make a chunk of 512
// payments fill 7 pages of 8 KiB instead of 6, 16 bytes more per payment
// (388, measured).

// DefaultStoreCapacity is the payment capacity when Config.StoreCapacity
// is 0.
const DefaultStoreCapacity = 2_000_000

// DefaultThreeDSLifetime protects a pending 3-D Secure payment from
// eviction when Config.ThreeDSLifetime is 0.
const DefaultThreeDSLifetime = 30 * time.Minute

// errReadEvicted is the 404 (CodeEvicted) of payment id, evicted from the
// store while a request was reading it: the readers of a payment's
// transactions and strings (txAt, textAt and those built on them) report
// it with false, and the handler returns this error.
func errReadEvicted(id int64) *apiError {
	return errNotFound(CodeEvicted, "payment "+strconv.FormatInt(id, 10)+" was evicted from the mock's store while it was being read")
}

// errRecordEvicted is the 404 (CodeEvicted) of a refund record evicted
// from the store while a request was reading it.
func errRecordEvicted() *apiError {
	return errNotFound(CodeEvicted, "the record was evicted from the mock's store while it was being read")
}

// refundState is a payment's refundStatus (docs/reference/craftgate/flows.md section 0).
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
	source      uint8 // sourceAPI, sourceCheckout or sourcePayByLink
	failStep    uint8 // the step whose failure paymentError reports (stepNon3DS...)
	md          int8  // mdStatus of a verified 3-D Secure payment; -1 when none
	currency    uint8 // index into craftgate.Currencies
	group       uint8 // groupNone, groupProduct or groupListing
	installment uint8
	outage      uint8     // failStep stepOutage: 1 + the error group's index in GroupNames
	kept        bool      // this record lives in the side table of relocated payments
	moved       bool      // under mu: relocated to the side table; use store.lock
	dirty       bool      // under mu: listed in store.dirty (journal.go)
	authPhase   authPhase // paymentPhase; PRE_AUTH becomes POST_AUTH under mu (preauth.go)
	cardFlags   uint8     // cardPaidStored, cardSaved (cards.go)
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

// copyFrom copies every field of src but the locks and flags of place
// (ready, kept, moved). Keep it in step with payment.
func (p *payment) copyFrom(src *payment) {
	p.refund, p.partial, p.failed, p.phase, p.threeDS = src.refund, src.partial, src.failed, src.phase, src.threeDS
	p.source, p.failStep, p.md, p.currency, p.group = src.source, src.failStep, src.md, src.currency, src.group
	p.installment, p.outage, p.txCount = src.installment, src.outage, src.txCount
	p.id, p.created, p.buyerMemberID, p.price, p.paidPrice = src.id, src.created, src.buyerMemberID, src.price, src.paidPrice
	p.txFirst, p.convPrev, p.text = src.txFirst, src.convPrev, src.text
	p.authPhase, p.cardFlags = src.authPhase, src.cardFlags
}

// pending reports whether p waits for 3-D Secure verification or
// completion; the caller holds p.mu.
func (p *payment) pending() bool { return p.phase != phaseFinal }

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
	sourcePayByLink // a pay-by-link product's page (products.go)
)

// Steps a stored failure can come from (payment.failStep).
const (
	stepNon3DS uint8 = iota
	stepThreeDSInit
	stepThreeDSVerify // not authenticated: a validation-class error, mdStatus in payment.md
	stepThreeDSComplete
	stepOutage  // an injected bank outage (faults.go), group in payment.outage
	stepPreAuth // a pre-authorisation the bank declined (preauth.go)
)

// paymentFields is how many fields a payment's text block has besides two
// per transaction.
const paymentFields = 7

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
	toWallet  bool // refundDestinationType WALLET (walletpay.go)
	id        int64
	paymentID int64
	created   int64
	price     money
	wallet    money   // refundWalletPrice: the part credited to the buyer's wallet
	text      textRef // conversationId
}

// txRefundRecord is one refund of one payment transaction.
type txRefundRecord struct {
	ready     atomic.Bool
	currency  uint8
	toWallet  bool // refundDestinationType WALLET (walletpay.go)
	id        int64
	paymentID int64
	txID      int64
	created   int64
	price     money
	wallet    money   // refundWalletPrice: the part credited to the buyer's wallet
	text      textRef // conversationId
}

// keptPayment is a pending 3-D Secure payment relocated out of an evicted
// chunk, with copies of its transactions and strings.
type keptPayment struct {
	p    payment
	txs  []transaction
	text []byte
}

// keptSet is the side table of relocated payments; it is replaced, never
// changed, once published.
type keptSet struct {
	byID map[int64]*keptPayment
	byTx map[int64]*keptPayment
}

// store holds every object of one mock.
type store struct {
	// mu serialises writers: slab and arena growth, the conversation
	// index, eviction. Readers of records and strings take no lock.
	mu        sync.Mutex
	payments  slab[payment]
	txs       slab[transaction]
	cancels   slab[cancelRecord]
	txRefunds slab[txRefundRecord]
	strs      arena // payments' strings
	cstrs     arena // CANCELs' conversationIds
	rstrs     arena // transaction refunds' conversationIds

	// byConversation maps a conversationId's hash to the newest payment
	// with that hash; older ones are chained through payment.convPrev.
	byConversation map[uint64]int64
	seed           maphash.Seed

	capacity int64 // per kind; 0: unbounded
	// textBudget bounds the payments' string arena in bytes (0: no
	// bound): beyond it the oldest payment chunk is evicted, one per
	// insertion, whatever the payment count.
	textBudget int64
	lifetime   int64 // seconds a pending 3-D Secure payment is protected
	now        func() int64
	forget     func(id int64) // called for an evicted 3-D Secure payment

	kept atomic.Pointer[keptSet]
	// gaps: ids at or below these that are not published never will be
	// (a restored store's missing ids). Guarded by mu.
	payGap, txGap, cancelGap, txRefundGap int64
	// prevPayLow is the payment watermark of the previous eviction round:
	// transactions and strings are freed one round late, so that a reader
	// that found a payment just before its eviction can still render it.
	prevPayLow, prevCancelLow, prevTxRefundLow int64
	// snapshotting pauses eviction while a snapshot is written.
	snapshotting atomic.Int32
	counts       storeCounts

	// vault holds the stored cards, with its own lock (cards.go). It is
	// not bounded by capacity: cards are few next to payments.
	vault vault

	// walletPrices holds the walletPrice of the payments flagged payWallet
	// (walletpay.go), beside the records so that card payments pay nothing
	// for it.
	walletPrices     sync.Map // payment id (int64) -> money
	walletPriceCount atomic.Int64

	// dirty lists the payments changed since the state file's journal
	// last wrote them (journal.go); nil without a journal.
	dirty *dirtySet
}

// storeCounts are the store's live and evicted record counts.
type storeCounts struct {
	payments, txs, cancels, txRefunds       atomic.Int64
	evPayments, evCancels, evTxRefunds, kep atomic.Int64
}

func newStore(g *idGen, capacity int, lifetime time.Duration, now func() int64, forget func(int64)) *store {
	s := &store{byConversation: make(map[uint64]int64), seed: maphash.MakeSeed(), now: now, forget: forget,
		lifetime: int64(lifetime / time.Second)}
	if capacity > 0 {
		s.capacity = int64(capacity)
	}
	s.payments.base = g.payment.Load() + 1
	s.txs.base = g.tx.Load() + 1
	s.cancels.base = g.refund.Load() + 1
	s.txRefunds.base = g.txRefund.Load() + 1
	s.payGap, s.txGap, s.cancelGap, s.txRefundGap = s.payments.base-1, s.txs.base-1, s.cancels.base-1, s.txRefunds.base-1
	s.prevPayLow, s.prevCancelLow, s.prevTxRefundLow = s.payments.base, s.cancels.base, s.txRefunds.base
	return s
}

// payment returns a published payment, or nil.
func (s *store) payment(id int64) *payment {
	p := s.payments.at(id)
	if p == nil {
		if k := s.keptPayment(id); k != nil {
			return &k.p
		}
		return nil
	}
	if !p.ready.Load() {
		return nil
	}
	return p
}

// keptPayment returns the relocated payment id, or nil.
func (s *store) keptPayment(id int64) *keptPayment {
	if ks := s.kept.Load(); ks != nil {
		return ks.byID[id]
	}
	return nil
}

// keptOf returns the relocated record of a kept payment; false when it was
// swept while a request was reading it.
func (s *store) keptOf(p *payment) (*keptPayment, bool) {
	k := s.keptPayment(p.id)
	return k, k != nil
}

// evictedPayment reports whether id is a payment id the store no longer
// holds because it was evicted.
func (s *store) evictedPayment(id int64) bool {
	return id >= s.payments.base && id < s.payments.low() && s.keptPayment(id) == nil
}

// lock locks p and returns the record to change: p itself, or, when p was
// relocated while the caller was not holding its lock, the relocated
// record, locked. A payment evicted meanwhile is returned locked as it
// was: changing it changes nothing anyone can see.
//
// With a journal, the payment is listed as changed: whoever locks a
// payment may change it, and the journal's next entry writes it.
func (s *store) lock(p *payment) *payment {
	p = s.lockQuiet(p)
	if s.dirty != nil {
		s.dirty.mark(p)
	}
	return p
}

// lockQuiet is lock for a reader that changes nothing: it does not list
// the payment as changed.
func (s *store) lockQuiet(p *payment) *payment {
	p.mu.Lock()
	for p.moved {
		k := s.keptPayment(p.id)
		if k == nil {
			return p
		}
		p.mu.Unlock()
		p = &k.p
		p.mu.Lock()
	}
	return p
}

// transaction returns a published transaction, or nil.
func (s *store) transaction(id int64) *transaction {
	t := s.txs.at(id)
	if t == nil {
		if ks := s.kept.Load(); ks != nil {
			if k := ks.byTx[id]; k != nil {
				return &k.txs[id-k.p.txFirst]
			}
		}
		return nil
	}
	if t.paymentID.Load() == 0 {
		return nil
	}
	return t
}

// evictedTransaction reports whether id is a transaction id the store no
// longer holds because it was evicted.
func (s *store) evictedTransaction(id int64) bool {
	return id >= s.txs.base && id < s.txs.low()
}

// txAt returns the i-th transaction of a published payment; false when
// the payment was evicted while the caller was reading it (the caller
// answers errReadEvicted).
func (s *store) txAt(p *payment, i int) (*transaction, bool) {
	if p.kept {
		k, ok := s.keptOf(p)
		if !ok {
			return nil, false
		}
		return &k.txs[i], true
	}
	t := s.txs.at(p.txFirst + int64(i))
	return t, t != nil
}

// txsAt appends the transactions of a published payment to out; false
// when the payment was evicted while the caller was reading it.
func (s *store) txsAt(p *payment, out []*transaction) ([]*transaction, bool) {
	for i := range int(p.txCount) {
		t, ok := s.txAt(p, i)
		if !ok {
			return out, false
		}
		out = append(out, t)
	}
	return out, true
}

// paused returns what a read made inside an eviction round found: the
// round holds s.mu and frees strings only after it has read them, so the
// record is always there; a missing one is a bug of the store (an
// assertion, never a request that raced an eviction: readers use the
// ...At forms and answer 404).
func paused[T any](v T, ok bool) T {
	if !ok {
		panic("mock: a record read while eviction was paused is missing")
	}
	return v
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

// evictedCancel and evictedTxRefund report whether id was evicted.
func (s *store) evictedCancel(id int64) bool {
	return id >= s.cancels.base && id < s.cancels.low()
}

func (s *store) evictedTxRefund(id int64) bool {
	return id >= s.txRefunds.base && id < s.txRefunds.low()
}

// textAt returns a reader on the first field of a payment's text block;
// false when the payment was evicted while the caller was reading it.
func (s *store) textAt(p *payment) (textReader, bool) {
	if p.kept {
		k, ok := s.keptOf(p)
		if !ok {
			return textReader{}, false
		}
		return textReader{k.text}, true
	}
	return s.strs.text(p.text)
}

// textOf is textAt inside an eviction round (paused).
func (s *store) textOf(p *payment) textReader { return paused(s.textAt(p)) }

// text returns the strings of a published payment; false when it was
// evicted while the caller was reading it.
func (s *store) text(p *payment) (paymentText, bool) {
	r, ok := s.textAt(p)
	if !ok {
		return paymentText{}, false
	}
	var t paymentText
	t.conversationID, t.externalID, t.channel = r.next(), r.next(), r.next()
	t.pan, t.holder, t.bankOrderID, t.posAlias = r.next(), r.next(), r.next(), r.next()
	t.items = r
	return t, true
}

// cancelConversationAt returns the conversationId of a CANCEL; false when
// the record was evicted while the caller was reading it.
func (s *store) cancelConversationAt(c *cancelRecord) (string, bool) {
	t, ok := s.cstrs.text(c.text)
	return t.next(), ok
}

// txRefundConversationAt returns the conversationId of a transaction
// refund; false when the record was evicted while the caller was reading
// it.
func (s *store) txRefundConversationAt(r *txRefundRecord) (string, bool) {
	t, ok := s.rstrs.text(r.text)
	return t.next(), ok
}

// card returns the catalogue entry of the payment's card; every stored
// card number was found in the catalogue when the payment was made. False
// when the payment was evicted while the caller was reading it.
func (s *store) card(p *payment) (*craftgate.TestCard, bool) {
	t, ok := s.text(p)
	if !ok {
		return nil, false
	}
	tc, _ := craftgate.TestCards().Card(t.pan)
	return tc, true
}

// paymentsByConversation returns every payment with conversationId c, by
// ascending id. Evicted payments are not found.
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
		if r, ok := s.textAt(p); ok && r.next() == c {
			out = append(out, p) // one evicted meanwhile is not found
		}
		id = p.convPrev
	}
	slices.Reverse(out)
	return out
}

// insertPayment stores a validated payment and its transactions under the
// given ids and publishes them.
func (s *store) insertPayment(d *draft, id, txFirst, created int64, failed bool) *payment {
	size := fieldSize(d.conversationID) + fieldSize(d.externalID) + fieldSize(d.channel) + fieldSize(d.pan()) +
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
	w, ref := s.strs.reserve(size, id)
	w.put(d.conversationID)
	w.put(d.externalID)
	w.put(d.channel)
	w.put(d.pan())
	w.put(d.holder)
	w.put(d.bankOrderID)
	w.put(d.posAlias)
	for i := range d.txs {
		w.put(d.txs[i].name)
		w.put(d.txs[i].externalID)
	}
	p := s.payments.slot(id)
	p.id, p.created, p.failed, p.text = id, created, failed, ref
	p.threeDS, p.source, p.failStep, p.md, p.outage = d.threeDS, d.source, d.failStep, -1, d.outage
	p.refund = refundNot
	if d.pending {
		p.phase = phaseInitThreeDS
	}
	if failed || d.pending {
		p.refund = refundNone
	}
	p.currency, p.group, p.installment = d.currency, d.group, d.installment
	p.authPhase, p.cardFlags = d.authPhase, d.cardFlags
	p.buyerMemberID, p.price, p.paidPrice = d.buyerMemberID, d.price, d.paidPrice
	if d.walletPrice != 0 { // beside the record (walletpay.go), before it is published
		s.setWalletPrice(id, d.walletPrice)
		p.cardFlags |= payWallet
	}
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
	if s.dirty != nil {
		s.dirty.mark(p) // nobody else holds it yet
	}
	p.ready.Store(true)
	for i := range d.txs {
		s.txs.at(txFirst + int64(i)).paymentID.Store(id)
	}
	s.counts.payments.Add(1)
	s.counts.txs.Add(int64(len(d.txs)))
	if s.capacity > 0 || s.textBudget > 0 {
		s.evictPayments(id)
	}
	return p
}

// insertCancel stores and publishes a CANCEL.
func (s *store) insertCancel(id, paymentID, created int64, price money, currency uint8, conversationID string, rw refundWallet) *cancelRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cancels.slot(id)
	c.id, c.paymentID, c.created, c.price, c.currency = id, paymentID, created, price, currency
	c.wallet, c.toWallet = rw.wallet, rw.toWallet
	w, ref := s.cstrs.reserve(fieldSize(conversationID), id)
	w.put(conversationID)
	c.text = ref
	c.ready.Store(true)
	s.counts.cancels.Add(1)
	if s.capacity > 0 {
		s.evictRecords()
	}
	return c
}

// txRefundDraft is one transaction refund about to be stored.
type txRefundDraft struct {
	txID  int64
	price money
	rw    refundWallet // walletpay.go
}

// insertTxRefunds stores and publishes consecutive transaction refunds
// from id first on.
func (s *store) insertTxRefunds(first, paymentID, created int64, currency uint8, conversationID string, ds []txRefundDraft) []*txRefundRecord {
	out := make([]*txRefundRecord, len(ds))
	s.mu.Lock()
	defer s.mu.Unlock()
	last := first + int64(len(ds)) - 1
	w, text := s.rstrs.reserve(fieldSize(conversationID), last)
	w.put(conversationID)
	for i, d := range ds {
		r := s.txRefunds.slot(first + int64(i))
		r.id, r.paymentID, r.txID, r.created, r.price, r.currency = first+int64(i), paymentID, d.txID, created, d.price, currency
		r.wallet, r.toWallet = d.rw.wallet, d.rw.toWallet
		r.text = text
		r.ready.Store(true)
		out[i] = r
	}
	s.counts.txRefunds.Add(int64(len(ds)))
	if s.capacity > 0 {
		s.evictRecords()
	}
	return out
}

// evictPayments evicts the oldest payment chunks while the store holds
// more than its capacity (plus a chunk); newest is the id just inserted.
// The caller holds s.mu.
func (s *store) evictPayments(newest int64) {
	if s.snapshotting.Load() > 0 {
		return
	}
	for s.capacity > 0 && s.payments.chunkCount() > 1 && newest-s.payments.low() >= s.capacity+slabSize {
		if !s.evictPaymentChunk() {
			return
		}
	}
	// The byte budget: an evicted chunk's strings are freed one round
	// late (see prevPayLow), so one chunk per insertion, not a loop.
	if s.textBudget > 0 && s.strs.bytes.Load() > s.textBudget && s.payments.chunkCount() > 1 {
		s.evictPaymentChunk()
	}
}

// evictPaymentChunk evicts the oldest payment chunk, relocating its
// protected 3-D Secure payments; false when it cannot now (a payment in it
// is being inserted or changed: the next insertion tries again).
func (s *store) evictPaymentChunk() bool {
	chunk, firstID := s.payments.first()
	now := s.now()
	var moved []*payment
	locked := make([]*payment, 0, 8)
	unlock := func() {
		for _, p := range locked {
			p.mu.Unlock()
		}
	}
	for k := range chunk {
		p := &chunk[k]
		if !p.ready.Load() {
			if firstID+int64(k) > s.payGap {
				unlock()
				return false // being inserted
			}
			continue
		}
		if !p.threeDS {
			continue
		}
		if !p.mu.TryLock() {
			unlock()
			return false // being changed
		}
		locked = append(locked, p)
		if p.pending() && now-p.created < s.lifetime {
			moved = append(moved, p)
		}
	}
	// Relocate the protected payments (their old records are locked).
	var ks *keptSet
	if len(moved) > 0 {
		ks = s.cloneKept()
		for _, p := range moved {
			k := s.relocate(p)
			ks.byID[p.id] = k
			for i := range k.txs {
				ks.byTx[p.txFirst+int64(i)] = k
			}
		}
		s.kept.Store(ks)
		s.counts.kep.Add(int64(len(moved)))
	}
	evicted := int64(0)
	for k := range chunk {
		p := &chunk[k]
		if !p.ready.Load() || p.moved {
			continue // a gap, or relocated (its transactions are still held)
		}
		evicted++
		s.dropConversation(p)
		if p.threeDS {
			s.forget(p.id)
		}
		s.counts.txs.Add(-int64(p.txCount))
	}
	unlock()
	s.counts.payments.Add(-evicted - int64(len(moved)))
	s.counts.evPayments.Add(evicted)
	s.payments.dropFirst()
	// Transactions and strings of the previous round go now.
	s.freeTransactions(s.prevPayLow)
	s.strs.free(s.prevPayLow)
	s.prevPayLow = s.payments.low()
	s.sweepKept(now)
	return true
}

// relocate copies p (locked) into a kept record and marks p moved.
func (s *store) relocate(p *payment) *keptPayment {
	k := &keptPayment{txs: make([]transaction, p.txCount)}
	k.p.copyFrom(p)
	k.p.kept = true
	for i := range k.txs {
		t := s.txs.at(p.txFirst + int64(i))
		k.txs[i].subMerchantID, k.txs[i].price, k.txs[i].paidPrice = t.subMerchantID, t.price, t.paidPrice
		k.txs[i].subMerchantPrice, k.txs[i].refunded = t.subMerchantPrice, t.refunded
		k.txs[i].paymentID.Store(p.id)
	}
	r := s.textOf(p) // under s.mu in the eviction round, which frees the strings after this
	block := r.b
	n := r.skip(paymentFields + 2*int(p.txCount))
	k.text = bytes.Clone(block[:n])
	k.p.ready.Store(true)
	p.moved = true
	return k
}

// cloneKept returns a modifiable copy of the kept set.
func (s *store) cloneKept() *keptSet {
	ks := &keptSet{byID: map[int64]*keptPayment{}, byTx: map[int64]*keptPayment{}}
	if old := s.kept.Load(); old != nil {
		maps.Copy(ks.byID, old.byID)
		maps.Copy(ks.byTx, old.byTx)
	}
	return ks
}

// sweepKept evicts the relocated payments that are final or past their
// lifetime. The caller holds s.mu.
func (s *store) sweepKept(now int64) {
	old := s.kept.Load()
	if old == nil || len(old.byID) == 0 {
		return
	}
	var drop []*keptPayment
	for _, k := range old.byID {
		p := &k.p
		if !p.mu.TryLock() {
			continue
		}
		if !p.pending() || now-p.created >= s.lifetime {
			p.moved = true // a holder of this record finds it gone (store.lock)
			drop = append(drop, k)
		}
		p.mu.Unlock()
	}
	if len(drop) == 0 {
		return
	}
	ks := s.cloneKept()
	for _, k := range drop {
		s.dropConversation(&k.p) // while its text can still be found
		delete(ks.byID, k.p.id)
		for i := range k.txs {
			delete(ks.byTx, k.p.txFirst+int64(i))
		}
		if k.p.threeDS {
			s.forget(k.p.id)
		}
		s.counts.txs.Add(-int64(len(k.txs)))
	}
	s.kept.Store(ks)
	s.counts.kep.Add(-int64(len(drop)))
	s.counts.evPayments.Add(int64(len(drop)))
}

// dropConversation removes p from the conversationId index when it is the
// newest payment of its hash (older ones are evicted before it). The
// caller holds s.mu.
func (s *store) dropConversation(p *payment) {
	r := s.textOf(p)
	c := r.next()
	if c == "" {
		return
	}
	h := maphash.String(s.seed, c)
	if s.byConversation[h] == p.id {
		delete(s.byConversation, h)
	}
}

// freeTransactions evicts the oldest transaction chunks whose payments
// are all below payLow. The caller holds s.mu.
func (s *store) freeTransactions(payLow int64) {
	for s.txs.chunkCount() > 1 {
		chunk, firstID := s.txs.first()
		for k := range chunk {
			pid := chunk[k].paymentID.Load()
			if pid == 0 && firstID+int64(k) > s.txGap || pid >= payLow {
				return
			}
		}
		s.txs.dropFirst()
	}
}

// evictRecords evicts the oldest CANCEL and transaction refund chunks
// beyond the capacity. The caller holds s.mu.
func (s *store) evictRecords() {
	if s.snapshotting.Load() > 0 {
		return
	}
	evictRecordKind(s, &s.cancels, s.cancelGap, func(c *cancelRecord) bool { return c.ready.Load() },
		&s.counts.cancels, &s.counts.evCancels, &s.cstrs, &s.prevCancelLow)
	evictRecordKind(s, &s.txRefunds, s.txRefundGap, func(r *txRefundRecord) bool { return r.ready.Load() },
		&s.counts.txRefunds, &s.counts.evTxRefunds, &s.rstrs, &s.prevTxRefundLow)
}

// evictRecordKind evicts the oldest chunks of one refund record kind
// beyond the capacity, counting them (live, evicted) and freeing their
// strings one round late (prevLow). The caller holds s.mu.
func evictRecordKind[T any](s *store, sl *slab[T], gap int64, ready func(*T) bool, live, evicted *atomic.Int64, strs *arena, prevLow *int64) {
	for sl.chunkCount() > 2 && int64(sl.chunkCount()-1)*slabSize > s.capacity {
		n := evictRecordChunk(sl, gap, ready)
		if n < 0 {
			return
		}
		live.Add(-n)
		evicted.Add(n)
		strs.free(*prevLow)
		*prevLow = sl.low()
	}
}

// evictRecordChunk drops the oldest chunk of a record slab when every
// record in it is published (or a restore gap), and returns how many
// records it held; -1 when it cannot now.
func evictRecordChunk[T any](sl *slab[T], gap int64, ready func(*T) bool) int64 {
	chunk, firstID := sl.first()
	n := int64(0)
	for k := range chunk {
		switch {
		case ready(&chunk[k]):
			n++
		case firstID+int64(k) > gap:
			return -1
		}
	}
	sl.dropFirst()
	return n
}

// Stats are the store's counts, as GET /_mock/v1/stats answers them.
type Stats struct {
	// Payments, Transactions, Cancels and TxRefunds are the records held.
	Payments     int64 `json:"payments"`
	Transactions int64 `json:"transactions"`
	Cancels      int64 `json:"cancels"`
	TxRefunds    int64 `json:"transactionRefunds"`
	// Kept are the pending 3-D Secure payments relocated out of evicted
	// chunks (counted in Payments).
	Kept int64 `json:"kept3DS"`
	// Evicted* count the records evicted so far.
	EvictedPayments  int64 `json:"evictedPayments"`
	EvictedCancels   int64 `json:"evictedCancels"`
	EvictedTxRefunds int64 `json:"evictedTransactionRefunds"`
	// Capacity is the payment capacity; 0 means unbounded.
	Capacity int64 `json:"capacity"`
	// TextBudget is the byte budget of the payments' strings
	// (Config.StoreTextBudget); 0 means unbounded.
	TextBudget int64 `json:"textBudget"`
	// TextBytes are the bytes of the string arenas.
	TextBytes int64 `json:"textBytes"`
	// CheckoutTokens, ThreeDSSessions and WebhookEvents are the sessions
	// and webhook records held.
	CheckoutTokens  int64 `json:"checkoutTokens"`
	ThreeDSSessions int64 `json:"threeDSSessions"`
	WebhookEvents   int64 `json:"webhookEvents"`
	// StoredCards, CardUsers and SavedCards are the stored cards, the card
	// users and the records of cards payments stored, each bounded by
	// CardCapacity (Config.StoredCardCapacity; 0: unbounded).
	StoredCards  int64 `json:"storedCards"`
	CardUsers    int64 `json:"cardUsers"`
	SavedCards   int64 `json:"savedCards"`
	CardCapacity int64 `json:"cardCapacity"`
	// Collections are the sizes of the other collections that grow with
	// requests (collections.go).
	Collections CollectionCounts `json:"collections"`
	// InFlight is the number of API and page requests being served, counted
	// only with a concurrency limit (Config.MaxConcurrent).
	InFlight int64 `json:"inFlight"`
}

// stats returns the store's part of Stats.
func (s *store) stats() Stats {
	c := &s.counts
	cards, users, saved := s.vault.counts()
	return Stats{
		StoredCards: int64(cards), CardUsers: int64(users), SavedCards: int64(saved), CardCapacity: int64(s.vault.capacity),
		Payments: c.payments.Load() + c.kep.Load(), Transactions: c.txs.Load(), Cancels: c.cancels.Load(), TxRefunds: c.txRefunds.Load(),
		Kept: c.kep.Load(), EvictedPayments: c.evPayments.Load(), EvictedCancels: c.evCancels.Load(), EvictedTxRefunds: c.evTxRefunds.Load(),
		Capacity: s.capacity, TextBudget: s.textBudget, TextBytes: s.strs.bytes.Load() + s.cstrs.bytes.Load() + s.rstrs.bytes.Load(),
	}
}
