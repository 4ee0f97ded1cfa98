package mock

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Marketplace (docs/reference/craftgate/flows.md section 10, docs/reference/craftgate/endpoints.md A.8).
//
//	POST /payment/v1/payment-transactions/approve     approve items for payout
//	POST /payment/v1/payment-transactions/disapprove  withdraw approvals
//	PUT  /payment/v1/payment-transactions/{id}        change an item's seller and/or share
//	POST /settlement/v1/instant-wallet-settlements    credit approved earnings to sellers' wallets
//
// A basket item with subMerchantMemberId is a marketplace item: the member
// must be registered as a sub-merchant (members.go), its
// subMerchantMemberPrice at most the item's price. Its transactionStatus
// is WAITING_FOR_APPROVAL until approved, APPROVED after, PAYOUT_STARTED
// once settled; the merchant keeps merchantPayoutAmount = the item's
// paidPrice - subMerchantMemberPrice.
//
// MOCK DECISIONS where the reference is silent:
//   - approving an approved item succeeds again (idempotent); approving a
//     non-marketplace item, an item of a payment that did not succeed, a
//     fully refunded item or a settled one fails with a failedReason;
//     disapproving an item that is not approved, or is settled, fails;
//   - isTransactional: when any item fails, none is changed, and every
//     other item answers FAILURE with a failedReason naming the one that
//     failed; otherwise each item stands alone;
//   - at most maxApprovalItems ids per call (CodeInvalidApproval);
//   - PUT follows docs/reference/craftgate/flows.md 10.4: PRODUCT payments only, successful, the
//     item neither cancelled nor refunded (in part), a marketplace item not yet
//     approved, the new seller a registered sub-merchant, the new share at
//     most the item's price, and at least one of seller or share changed
//     (CodeTransactionNotUpdatable, 400);
//   - wallet payments cannot carry marketplace items ("closed-loop
//     wallets cannot be used in marketplaces", docs/reference/craftgate/flows.md 10.9);
//   - settlement credits each approved, unrefunded, unsettled item's
//     subMerchantMemberPrice to its seller's wallet (SETTLEMENT_EARNINGS,
//     transactionId the item) when the seller has a wallet in the
//     payment's currency, and marks the item PAYOUT_STARTED; sellers
//     without such a wallet are left for a later run; the answer is
//     NO_RECORD_FOUND when nothing was settled. Blockage days are not
//     modelled;
//   - approvals live beside the payment store, not in it (one entry per
//     approved item, dropped when its payment is evicted), and are kept in
//     the state file (wallet_state.go).

// maxApprovalItems bounds one approve or disapprove call.
const maxApprovalItems = 1000

// Approval states of a marketplace item, beside the store.
const (
	itemApproved uint8 = iota + 1
	itemSettled
)

// market holds the approvals. mu serialises approve, disapprove and
// settlement (each checks and then changes several items); the rendering
// of payments reads states without it.
type market struct {
	mu      sync.Mutex
	states  sync.Map // payment transaction id (int64) -> uint8
	count   atomic.Int64
	sweepAt int64 // guarded by mu: the count past which set sweeps
}

func (k *market) state(txID int64) uint8 {
	if v, ok := k.states.Load(txID); ok {
		return v.(uint8)
	}
	return 0
}

// set records a state; the caller holds k.mu. Entries of evicted items
// are swept once the entries outnumber the store's capacity.
func (k *market) set(m *Mock, txID int64, st uint8) {
	if st == 0 {
		if _, had := k.states.LoadAndDelete(txID); had {
			k.count.Add(-1)
		}
		return
	}
	if _, had := k.states.Swap(txID, st); !had {
		if n := k.count.Add(1); m.store.capacity > 0 && n > max(m.store.capacity, k.sweepAt) {
			k.states.Range(func(key, _ any) bool {
				if m.store.transaction(key.(int64)) == nil {
					k.states.Delete(key)
					k.count.Add(-1)
				}
				return true
			})
			// Amortised: the next sweep comes after as many new entries
			// as survived this one.
			k.sweepAt = 2*k.count.Load() + slabSize
		}
	}
}

// transactionStatus is an item's transactionStatus.
func (m *Mock) transactionStatus(txID int64, t *transaction) string {
	if t.subMerchantID == 0 {
		return craftgate.TransactionApproved // not a marketplace item: nothing to approve
	}
	switch m.market.state(txID) {
	case itemApproved:
		return craftgate.TransactionApproved
	case itemSettled:
		return craftgate.TransactionPayoutStarted
	}
	return craftgate.TransactionWaitingForApproval
}

// isSeller reports whether id is a registered sub-merchant member.
func (m *Mock) isSeller(id int64) bool {
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	mb := b.members[id]
	return mb != nil && mb.f.isSubMerchant
}

// checkSellers checks, after validation, that the basket's sub-merchants
// are registered sellers, and that a wallet payment carries none.
func (m *Mock) checkSellers(d *draft) *apiError {
	for i := range d.txs {
		id := d.txs[i].subMerchantID
		if id == 0 {
			continue
		}
		field := "items[" + strconv.Itoa(i) + "].subMerchantMemberId"
		if d.walletPrice > 0 {
			return errValidation(CodeInvalidSubMerchant, field+": a payment from the wallet cannot carry marketplace items (closed-loop wallets cannot be used in marketplaces)")
		}
		if !m.isSeller(id) {
			return errValidation(CodeInvalidSubMerchant, field+" "+strconv.FormatInt(id, 10)+" is not a member registered as a sub-merchant (POST /onboarding/v1/members with isSubMerchant true)")
		}
	}
	return nil
}

// lockedTx finds transaction id and returns it with its payment, locked,
// or the reason it cannot.
func (m *Mock) lockedTx(id int64) (*payment, *transaction, int, string) {
	t := m.store.transaction(id)
	if t == nil {
		if m.store.evictedTransaction(id) {
			return nil, nil, 0, "the payment transaction was evicted from the mock's store with its payment"
		}
		return nil, nil, 0, "payment transaction not found"
	}
	p := m.store.payment(t.paymentID.Load())
	if p == nil {
		return nil, nil, 0, "the payment transaction was evicted from the mock's store with its payment"
	}
	p = m.store.lock(p)
	i := int(id - p.txFirst)
	t, ok := m.store.txAt(p, i)
	if !ok {
		p.mu.Unlock()
		return nil, nil, 0, "the payment transaction was evicted from the mock's store with its payment"
	}
	return p, t, i, ""
}

// approveTransactions serves POST /payment/v1/payment-transactions/approve.
func (m *Mock) approveTransactions(c *call) error {
	m.approval(c, true)
	return nil
}

// disapproveTransactions serves POST /payment/v1/payment-transactions/disapprove.
func (m *Mock) disapproveTransactions(c *call) error {
	m.approval(c, false)
	return nil
}

func (m *Mock) approval(c *call, approve bool) {
	var req craftgate.ApprovalRequest
	if e := decodeJSON(c.body, &req); e != nil {
		c.fail(e)
		return
	}
	n := len(req.PaymentTransactionIDs)
	switch {
	case n == 0:
		c.fail(errValidation(CodeInvalidApproval, "paymentTransactionIds is required: at least one payment transaction id"))
		return
	case n > maxApprovalItems:
		c.fail(errValidation(CodeInvalidApproval, "paymentTransactionIds: at most "+strconv.Itoa(maxApprovalItems)+" ids per call"))
		return
	}
	k := &m.market
	k.mu.Lock()
	defer k.mu.Unlock()
	out := craftgate.ApprovalResponse{Size: n, Items: make([]craftgate.ApprovalItem, n)}
	failed := -1
	for i, id := range req.PaymentTransactionIDs {
		out.Items[i] = craftgate.ApprovalItem{PaymentTransactionID: id, ApprovalStatus: craftgate.ApprovalSuccess}
		if reason := m.approvable(id, approve); reason != "" {
			out.Items[i].ApprovalStatus, out.Items[i].FailedReason = craftgate.ApprovalFailure, reason
			if failed < 0 {
				failed = i
			}
		}
	}
	if req.IsTransactional && failed >= 0 {
		for i := range out.Items {
			if it := &out.Items[i]; it.ApprovalStatus == craftgate.ApprovalSuccess {
				it.ApprovalStatus = craftgate.ApprovalFailure
				it.FailedReason = "not applied: the request is transactional and payment transaction " +
					strconv.FormatInt(out.Items[failed].PaymentTransactionID, 10) + " failed"
			}
		}
	}
	for _, it := range out.Items {
		if it.ApprovalStatus != craftgate.ApprovalSuccess {
			continue
		}
		if approve {
			k.set(m, it.PaymentTransactionID, itemApproved)
		} else {
			k.set(m, it.PaymentTransactionID, 0)
		}
	}
	c.sendData(http.StatusOK, out)
}

// approvable is why item id cannot be approved (or disapproved), or "";
// the caller holds market.mu.
func (m *Mock) approvable(id int64, approve bool) string {
	if id <= 0 {
		return "payment transaction not found"
	}
	p, t, _, reason := m.lockedTx(id)
	if reason != "" {
		return reason
	}
	defer p.mu.Unlock()
	st := m.market.state(id)
	switch {
	case t.subMerchantID == 0:
		return "not a marketplace item: it has no subMerchantMemberId"
	case !p.succeeded():
		return "payment " + itoa(p.id) + " did not succeed (paymentStatus " + p.status() + ")"
	case st == itemSettled:
		return "the item's payout has started"
	case approve && t.refunded > 0 && t.refundable() == 0:
		return "the item is fully refunded"
	case !approve && st != itemApproved:
		return "the item is not approved"
	}
	return ""
}

// updateTransaction serves PUT /payment/v1/payment-transactions/{id}. The
// clients also send blockageResolvedDate, which the docs do not list: it
// is accepted and ignored (blockage days are not modelled).
func (m *Mock) updateTransaction(c *call) error {
	var req craftgate.UpdatePaymentTransactionRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if req.SubMerchantMemberID <= 0 {
		return errRequired("subMerchantMemberId")
	}
	share, prob := moneyOf(req.SubMerchantMemberPrice)
	if prob != amountOK || share < 0 {
		return errValidation(CodeInvalidAmount, "subMerchantMemberPrice must be zero or a positive amount with at most 8 decimal places")
	}
	if !m.isSeller(req.SubMerchantMemberID) {
		return errValidation(CodeInvalidSubMerchant, "subMerchantMemberId "+strconv.FormatInt(req.SubMerchantMemberID, 10)+" is not a member registered as a sub-merchant")
	}
	p, t, i, reason := m.lockedTx(c.id)
	if reason != "" {
		return errNotFound(CodePaymentTransactionNotFound, "payment transaction "+c.idText+": "+reason)
	}
	if e := func() error {
		defer p.mu.Unlock()
		refuse := func(why string) error {
			return errValidation(CodeTransactionNotUpdatable, "payment transaction "+c.idText+": "+why)
		}
		switch {
		case t.subMerchantID == 0:
			return refuse("not a marketplace item (no subMerchantMemberId): its split cannot be changed")
		case p.group != groupProduct:
			return refuse("payment " + itoa(p.id) + " is not a PRODUCT payment (paymentGroup); only their splits can be changed")
		case !p.succeeded():
			return refuse("payment " + itoa(p.id) + " did not succeed (paymentStatus " + p.status() + ")")
		case t.refunded > 0:
			return refuse("the item was cancelled or refunded (" + t.refunded.String() + " of " + t.paidPrice.String() + ")")
		case m.market.state(c.id) != 0:
			return refuse("the item is already approved (transactionStatus " + m.transactionStatus(c.id, t) + ")")
		case share > t.price:
			return refuse("subMerchantMemberPrice " + share.String() + " exceeds the item's price " + t.price.String())
		case req.SubMerchantMemberID == t.subMerchantID && share == t.subMerchantPrice:
			return refuse("nothing to change: the item already has this sub-merchant and subMerchantMemberPrice")
		}
		t.subMerchantID, t.subMerchantPrice = req.SubMerchantMemberID, share
		c.out = append(c.out, `{"data":`...)
		var ok bool
		if c.out, ok = m.appendOneTransaction(c.out, p, i); !ok {
			return errReadEvicted(p.id)
		}
		c.out = append(c.out, '}')
		return nil
	}(); e != nil {
		return e
	}
	c.send(http.StatusOK)
	return nil
}

// appendOneTransaction appends transaction i of p as a
// craftgate.PaymentTransaction; the caller holds p.mu. False when p was
// evicted while it was read.
func (m *Mock) appendOneTransaction(b []byte, p *payment, i int) ([]byte, bool) {
	st := m.store
	text, ok := st.text(p)
	if !ok {
		return b, false
	}
	for range i {
		text.items.next()
		text.items.next()
	}
	name, ext := text.items.next(), text.items.next()
	var small [8]money
	shares, ok := st.walletShares(p, small[:0])
	if !ok {
		return b, false
	}
	id := p.txFirst + int64(i)
	t, ok := st.txAt(p, i)
	if !ok {
		return b, false
	}
	return appendTransaction(b, p, id, t, p.commissionRate(), name, ext, shares[i], m.transactionStatus(id, t)), true
}

// settleToWallets serves POST /settlement/v1/instant-wallet-settlements.
func (m *Mock) settleToWallets(c *call) error {
	var req craftgate.InstantWalletSettlementRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	excluded := map[int64]bool{}
	for _, id := range req.ExcludedSubMerchantMemberIDs {
		excluded[id] = true
	}
	k := &m.market
	k.mu.Lock()
	var ids []int64
	k.states.Range(func(key, v any) bool {
		if v.(uint8) == itemApproved {
			ids = append(ids, key.(int64))
		}
		return true
	})
	now := m.nowUnix()
	var evs []walletEvent
	settled := 0
	for _, id := range ids {
		func() {
			p, t, _, reason := m.lockedTx(id)
			if reason != "" {
				return
			}
			defer p.mu.Unlock()
			if t.subMerchantID == 0 || excluded[t.subMerchantID] || !p.succeeded() || t.refunded > 0 {
				return
			}
			b := &m.book
			b.mu.Lock()
			w, e := b.payerWallet(t.subMerchantID, p.currency)
			if e == nil {
				if t.subMerchantPrice > 0 {
					_ = b.move(w, t.subMerchantPrice, craftgate.WalletTxSettlementEarnings, id, now, &evs) // a credit never fails
				}
				k.set(m, id, itemSettled)
				settled++
			}
			b.mu.Unlock()
		}()
	}
	k.mu.Unlock()
	m.emitWallet(evs)
	status := "SUCCESS"
	if settled == 0 {
		status = "NO_RECORD_FOUND"
	}
	c.sendData(http.StatusOK, craftgate.InstantWalletSettlement{SettlementResultStatus: status})
	return nil
}
