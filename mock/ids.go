package mock

import (
	"strconv"
	"sync/atomic"
)

// Kinds of generated numbers. Each kind of id has its own counter; each
// kind of bank reference its own stream.
const (
	kindPayment uint64 = iota + 1
	kindTransaction
	kindRefund
	kindTxRefund

	refAuthCode
	refHostReference
	refTransID
	refOrderID
)

// idGen hands out ids: one counter per kind, each starting at a base
// derived from the seed, so the same seed and the same sequence of requests
// give the same ids, and different seeds give visibly different ranges.
type idGen struct {
	// The kinds the state file keeps: with a state file, their ids are
	// reserved durably in blocks before they are handed out (idreserve.go).
	payment, tx, refund, txRefund idCounter
	// Pay-by-link products and fraud (products.go, fraud.go).
	product, fraudCheck, fraudValue idCounter
}

// idCounter is the last id handed out of one kind. With a reserver, ids up
// to limit are durably reserved, and nextRange reserves the next block
// before it hands out an id beyond it.
type idCounter struct {
	atomic.Int64
	limit atomic.Int64
	res   *idReserver // nil: no state file, nothing to reserve
}

// idBase is the first id of a kind for a seed: ids in [1e6, 1e9), short,
// positive, JSON-safe.
func idBase(seed int64, kind uint64) int64 {
	return 1_000_000 + int64(splitmix64(uint64(seed)^kind*0x9e3779b97f4a7c15)%999_000_000)
}

// Kinds of the pay-by-link and fraud ids (apart from the list above, so
// that the bank references of existing seeds stay the same).
const (
	kindProduct uint64 = 0x300 + iota
	kindFraudCheck
	kindFraudValue
	kindProductToken
)

func (g *idGen) init(seed int64) {
	base := func(kind uint64) int64 { return idBase(seed, kind) }
	g.payment.Store(base(kindPayment) - 1)
	g.tx.Store(base(kindTransaction) - 1)
	g.refund.Store(base(kindRefund) - 1)
	g.txRefund.Store(base(kindTxRefund) - 1)
	g.product.Store(base(kindProduct) - 1)
	g.fraudCheck.Store(base(kindFraudCheck) - 1)
	g.fraudValue.Store(base(kindFraudValue) - 1)
}

// nextRange reserves n consecutive ids and returns the first. With a state
// file, an id beyond the durable reservation waits until the next block is
// reserved on disk, so no id handed out can come again after a crash.
func nextRange(c *idCounter, n int) int64 {
	last := c.Add(int64(n))
	if c.res != nil && last > c.limit.Load() {
		c.res.extend(c, last)
	}
	return last - int64(n) + 1
}

// splitmix64 is the SplitMix64 finaliser: a stateless, seedable mixing
// function. The mock's "PRNG" is splitmix64(seedKey, kind, id): a counter-
// based generator, so a reference depends only on the seed and the object's
// id, not on the order in which concurrent requests happened to run, and no
// lock or shared generator state is needed.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// pow10u is a read-only table.
var pow10u = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// appendRef appends a deterministic bank reference of exactly digits
// digits (1..18, no leading zero) for the object id of the given kind.
func (m *Mock) appendRef(b []byte, kind uint64, id int64, digits int) []byte {
	x := splitmix64(m.refKey ^ kind*0xd1b54a32d192ed03 ^ uint64(id)*0x9e3779b97f4a7c15)
	lo := pow10u[digits-1]
	return strconv.AppendUint(b, lo+x%(pow10u[digits]-lo), 10)
}
