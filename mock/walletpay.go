package mock

import (
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Wallet payments and refunds to the wallet (docs/reference/craftgate/flows.md section 11,
// docs/reference/craftgate/endpoints.md B.1, B.2, B.8, B.9).
//
// A card payment (POST /payment/v1/card-payments) with walletPrice > 0
// takes that part of paidPrice from the wallet of buyerMemberId: the whole
// of it (walletPrice == paidPrice: paymentType WALLET_PAYMENT, and no card
// may be sent) or a part (CARD_AND_WALLET_PAYMENT, the rest from the
// card). The debit is one PAYMENT_REDEEM wallet transaction (a negative
// amount, transactionId the payment id) and one WALLET_TX_CREATED webhook.
//
// Refunds give the wallet-paid part back to the wallet (REFUND_DEPOSIT for
// POST /payment/v1/refunds, REFUND_TX_DEPOSIT for refund-transactions);
// the card-paid part goes back to the card (refundDestinationType
// PROVIDER, the default) or to the wallet (WALLET: CANCEL_REFUND_TO_WALLET
// or REFUND_TX_TO_WALLET). refundWalletPrice is what the wallet got,
// refundBankPrice what the card got.
//
// MOCK DECISIONS where the reference is silent:
//   - each item's walletPrice is its share of walletPrice in proportion to
//     its paidPrice, rounded down to the cent (to 10^-8 when walletPrice
//     has sub-cent digits), the last item taking the remainder, and no
//     item's share above its paidPrice: the shares sum exactly to
//     walletPrice; they are derived from the stored amounts when needed,
//     not stored per item, and the payment's walletPrice is kept beside
//     its record (store.walletPrices), flagged in it (payWallet);
//   - a refund of an item takes its wallet-paid part first, then its
//     card-paid part;
//   - only the card-paid part sent back to the card can meet the card's
//     catalogue refund failure: a refund wholly to the wallet never fails
//     at the bank;
//   - the wallet must belong to buyerMemberId, exist and be in the
//     payment's currency, or the payment is refused (400, nothing stored);
//     a balance that would fall below -negativeAmountLimit is refused with
//     CodeInsufficientWalletBalance (400, nothing stored) once the card
//     part, if any, was accepted; a declined card stores the failed
//     payment and moves nothing;
//   - a wallet-only payment has no card, so no bank references, POS,
//     binNumber or paymentProvider; refunding it never reaches a bank;
//   - wallet payments are taken by card-payments only: 3ds-init, the
//     checkout form and pre-authorisations refuse walletPrice > 0
//     (CodeUnsupportedFeature);
//   - a refund to WALLET needs the payment's buyerMemberId to have a
//     wallet in the payment's currency (400, CodeWalletNotFound).
//   - the wallet transaction of a CANCEL names the CANCEL's id, that of a
//     whole-payment REFUND the payment (a REFUND has no id of its own),
//     that of a transaction refund its id.

// refundWallet is the wallet side of one refund record.
type refundWallet struct {
	wallet   money // refundWalletPrice
	toWallet bool  // refundDestinationType WALLET
}

// walletOnly reports whether the whole payment comes from the wallet.
func (d *draft) walletOnly() bool { return d.walletPrice > 0 && d.walletPrice == d.paidPrice }

// pan is the card number, or "" for a wallet-only payment.
func (d *draft) pan() string {
	if d.card == nil {
		return ""
	}
	return d.card.Number
}

// acceptWallet checks the wallet part of a payment during validation.
func (d *draft) acceptWallet(req *craftgate.CreatePaymentRequest, wallet money) *apiError {
	switch {
	case !d.walletOK:
		return errValidation(CodeUnsupportedFeature, "walletPrice: the mock takes wallet payments through POST /payment/v1/card-payments only; send walletPrice 0 here")
	case d.authPhase == phasePreAuth:
		return errValidation(CodeUnsupportedFeature, "walletPrice: a pre-authorisation cannot be paid from the wallet in the mock; send walletPrice 0")
	case req.BuyerMemberID <= 0:
		return errRequired("buyerMemberId (required when walletPrice > 0)")
	}
	d.walletPrice = wallet
	return nil
}

// payDeposit marks, in payment.cardFlags, a 3-D Secure wallet top-up
// (wallet.go): a card payment without items whose money goes to the wallet
// of buyerMemberId on completion.
const payDeposit uint8 = 1 << 7

// isDeposit reports whether p is a 3-D Secure wallet top-up.
func (p *payment) isDeposit() bool { return p.cardFlags&payDeposit != 0 }

// depositMismatch explains a 3ds-complete sent to the wrong endpoint.
func (p *payment) depositMismatch() string {
	if p.isDeposit() {
		return "it is a wallet top-up: complete it with POST " + craftgate.PathDepositsThreeDSComplete
	}
	return "it is a payment, not a wallet top-up: complete it with POST " + craftgate.PathThreeDSComplete
}

// payWallet marks, in payment.cardFlags, a payment with a walletPrice:
// the amount is kept beside the record, in store.walletPrices, so that
// the records of card payments, the hot path measured in memory_test.go,
// stay as small as they were.
const payWallet uint8 = 1 << 6

// walletPrice is p's walletPrice.
func (s *store) walletPrice(p *payment) money {
	if p.cardFlags&payWallet == 0 {
		return 0
	}
	if v, ok := s.walletPrices.Load(p.id); ok {
		return v.(money)
	}
	return 0
}

// setWalletPrice records payment id's walletPrice; the caller holds s.mu.
// Entries of evicted payments are dropped once they outnumber the store's
// capacity, one eviction round late (below prevPayLow), like the evicted
// payments' strings, so that a reader that found a payment just before
// its eviction still renders it whole.
func (s *store) setWalletPrice(id int64, v money) {
	if _, had := s.walletPrices.Swap(id, v); had {
		return
	}
	// At most capacity + 2 chunks are held, and one more chunk is freed one
	// round late: past 4 chunks more, a sweep frees at least a chunk's worth.
	if n := s.walletPriceCount.Add(1); s.capacity > 0 && n > s.capacity+4*slabSize {
		s.walletPrices.Range(func(key, _ any) bool {
			if id := key.(int64); id < s.prevPayLow && s.keptPayment(id) == nil {
				s.walletPrices.Delete(key)
				s.walletPriceCount.Add(-1)
			}
			return true
		})
	}
}

// paymentType is the payment's paymentType; wallet is its walletPrice.
func (p *payment) paymentType(wallet money) string {
	switch {
	case p.isDeposit():
		return craftgate.PaymentTypeDeposit
	case wallet == 0:
		return "CARD_PAYMENT"
	case wallet == p.paidPrice:
		return craftgate.PaymentTypeWallet
	}
	return craftgate.PaymentTypeCardAndWallet
}

// asValidation turns a 404 of the wallet book into the 400 a payment or
// refund answers when its buyer has no wallet.
func asValidation(e *apiError) *apiError {
	return errValidation(e.code, e.desc)
}

// payerWallet returns the wallet a payment or refund of member id in
// currency ci uses; the caller holds book.mu.
func (b *book) payerWallet(memberID int64, ci uint8) (*wallet, *apiError) {
	w, e := b.memberWalletOf(memberID, "buyerMemberId")
	if e != nil {
		return nil, asValidation(e)
	}
	if w.currency != ci {
		return nil, errValidation(CodeWalletCurrencyMismatch, "the wallet of buyerMemberId "+strconv.FormatInt(memberID, 10)+" is in "+
			craftgate.Currencies[w.currency]+", the payment in "+craftgate.Currencies[ci])
	}
	return w, nil
}

// reservePayment hands out the payment's ids and, for a wallet payment
// whose card part (if any) was accepted, debits the wallet under book.mu:
// the balance check, the ids and the debit happen together, and nothing
// is reserved when the wallet cannot pay (the store needs every reserved
// id to be inserted).
func (m *Mock) reservePayment(d *draft, fails bool, now int64) (id, txFirst int64, e *apiError) {
	if d.walletPrice == 0 {
		return nextRange(&m.ids.payment, 1), nextRange(&m.ids.tx, len(d.txs)), nil
	}
	var evs []walletEvent
	b := &m.book
	if err := locked(&b.mu, func() error {
		w, e := b.payerWallet(d.buyerMemberID, d.currency)
		if e == nil && !fails {
			e = w.canPay(d.walletPrice)
		}
		if e != nil {
			return e
		}
		id, txFirst = nextRange(&m.ids.payment, 1), nextRange(&m.ids.tx, len(d.txs))
		if !fails {
			_ = b.move(w, -d.walletPrice, craftgate.WalletTxPaymentRedeem, id, now, &evs) // checked above
		}
		return nil
	}); err != nil {
		return 0, 0, asAPIError(err)
	}
	m.emitWallet(evs)
	return id, txFirst, nil
}

// canPay reports whether a member wallet can pay amount.
func (w *wallet) canPay(amount money) *apiError {
	if w.memberID != 0 && w.amount-amount < w.floor() {
		return errValidation(CodeInsufficientWalletBalance, "wallet "+strconv.FormatInt(w.id, 10)+" has "+w.amount.String()+
			" (negativeAmountLimit "+w.limit.String()+"): it cannot pay "+amount.String())
	}
	return nil
}

// walletShares returns each transaction's walletPrice (see the MOCK
// DECISION above), appended to out; the caller holds p.mu. False when p
// was evicted while it was read.
func (s *store) walletShares(p *payment, out []money) ([]money, bool) {
	n := int(p.txCount)
	out = out[:0]
	wallet := s.walletPrice(p)
	if wallet == 0 || n == 0 {
		for range n {
			out = append(out, 0)
		}
		return out, true
	}
	var txs [8]*transaction
	all, ok := s.txsAt(p, txs[:0])
	if !ok {
		return out, false
	}
	if wallet == p.paidPrice {
		for _, t := range all {
			out = append(out, t.paidPrice)
		}
		return out, true
	}
	grain := moneyCent
	if wallet%moneyCent != 0 {
		grain = 1
	}
	var sum money
	for _, t := range all[:n-1] {
		v := min(mulDiv(wallet, t.paidPrice, p.paidPrice)/grain*grain, t.paidPrice)
		out = append(out, v)
		sum += v
	}
	last := wallet - sum
	if room := all[n-1].paidPrice; last > room {
		// Rounding left more than the last item was paid: give the
		// excess to the earlier items, within their paidPrice (the
		// paidPrices sum to paidPrice >= walletPrice, so it fits).
		over := last - room
		last = room
		for i := range n - 1 {
			add := min(over, all[i].paidPrice-out[i])
			out[i] += add
			over -= add
		}
	}
	return append(out, last), true
}

// walletBack is the wallet-paid part of refunding price on an item whose
// wallet share is share and of which before was refunded already: the
// wallet-paid part is refunded first.
func walletBack(share, before, price money) money {
	return min(before+price, share) - min(before, share)
}

// refundPlan is the wallet side of one refund call.
type refundPlan struct {
	toWallet bool  // refundDestinationType WALLET
	deposit  money // the wallet-paid part going back to the wallet
	card     money // the card-paid part (to the card, or to the wallet)
}

// bankPart is what goes back to the card.
func (r *refundPlan) bankPart() money {
	if r.toWallet {
		return 0
	}
	return r.card
}

// record is the refund record's wallet side for a part of deposit d and
// card part c.
func (r *refundPlan) record(d, c money) refundWallet {
	if r.toWallet {
		return refundWallet{wallet: d + c, toWallet: true}
	}
	return refundWallet{wallet: d}
}

// checkRefundWallet checks, before anything changes, that the wallet the
// plan credits exists; the caller holds p.mu.
func (m *Mock) checkRefundWallet(p *payment, plan *refundPlan) *apiError {
	if plan.deposit == 0 && !(plan.toWallet && plan.card > 0) {
		return nil
	}
	if p.buyerMemberID == 0 {
		return errValidation(CodeWalletNotFound, "refundDestinationType WALLET: payment "+itoa(p.id)+" has no buyerMemberId, so no wallet to refund to")
	}
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	_, e := b.payerWallet(p.buyerMemberID, p.currency)
	return e
}

// creditRefund makes the plan's wallet movements; the caller holds p.mu
// and checked the plan with checkRefundWallet. whole is a refund through
// POST /payment/v1/refunds; txID the movement's transactionId. The
// returned webhooks are for emitWallet once p.mu is released.
func (m *Mock) creditRefund(p *payment, plan *refundPlan, whole bool, txID, now int64) []walletEvent {
	if plan.deposit == 0 && !(plan.toWallet && plan.card > 0) {
		return nil
	}
	depositType, toWalletType := craftgate.WalletTxRefundTxDeposit, craftgate.WalletTxRefundTxToWallet
	if whole {
		depositType, toWalletType = craftgate.WalletTxRefundDeposit, craftgate.WalletTxCancelRefundToWallet
	}
	var evs []walletEvent
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	w, e := b.payerWallet(p.buyerMemberID, p.currency)
	if e != nil { // checked under p.mu, and wallets are never deleted
		panic("mock: the wallet of a checked refund vanished: " + e.desc)
	}
	if plan.deposit > 0 {
		_ = b.move(w, plan.deposit, depositType, txID, now, &evs) // credits never fail
	}
	if plan.toWallet && plan.card > 0 {
		_ = b.move(w, plan.card, toWalletType, txID, now, &evs)
	}
	return evs
}

// destinationWallet reports whether a refund's refundDestinationType is
// WALLET (checkDestination accepted it).
func destinationWallet(d string) bool { return d == craftgate.RefundDestinationWallet }

// refundDestination is a refund's refundDestinationType: PROVIDER when
// the request names none.
func refundDestination(d string) string {
	if d == "" {
		return craftgate.RefundDestinationProvider
	}
	return d
}

// appendDestination appends a refund record's destination and prices:
// refundDestinationType, refundBankPrice and refundWalletPrice.
func appendDestination(b []byte, price money, rw refundWallet) []byte {
	if rw.toWallet {
		b = append(b, `"refundDestinationType":"WALLET","refundPrice":`...)
	} else {
		b = append(b, `"refundDestinationType":"PROVIDER","refundPrice":`...)
	}
	b = price.appendTo(b)
	b = append(b, `,"refundBankPrice":`...)
	b = (price - rw.wallet).appendTo(b)
	b = append(b, `,"refundWalletPrice":`...)
	return rw.wallet.appendTo(b)
}
