package mock

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Refunds of a wallet's top-ups to where the money came from (docs/reference/craftgate/flows.md
// section 11, docs/reference/craftgate/endpoints.md A.7).
//
//	GET  /payment/v1/wallet-transactions/{id}/refundable-amount  {refundableAmount}
//	POST /payment/v1/wallet-transactions/{id}/refunds {refundPrice}  WalletTransactionRefund
//	GET  /payment/v1/wallet-transactions/{id}/refunds            {items:[WalletTransactionRefund]}
//
// MOCK DECISIONS where the reference is silent:
//   - only top-ups can be refunded: DEPOSIT_FROM_CARD (to the card) and
//     DEPOSIT_FROM_FUND_TRANSFER (back by bank transfer); other movements
//     answer 400 (CodeWalletTxNotRefundable);
//   - the refundable amount is what is left of the top-up, at most what
//     the wallet holds (a balance already spent is not refundable, and the
//     negative limit does not apply to refunds);
//   - a refund debits the wallet with CANCEL_REFUND_WALLET_TO_CARD on the
//     top-up's calendar day, REFUND_WALLET_TX_TO_CARD after it, or
//     REFUND_WALLET_TX_FUND_TRANSFER for a transfer; transactionId is the
//     refund's id; the card's catalogue cancel/refund failure applies (422,
//     nothing moved); refundStatus is SUCCESS, transactionType WALLET_TX,
//     transactionId in the answer the top-up's payment (or deposit) id;
//   - a card top-up evicted from the payment store answers 404 (CodeEvicted);
//     the mock keeps at most maxWalletTxRefunds refunds and refuses more.

// maxWalletTxRefunds bounds the wallet transaction refunds of one mock.
const maxWalletTxRefunds = 100_000

// kindWalletTxRefund is the id kind of wallet transaction refunds.
const kindWalletTxRefund = kindDeposit + 1

// walletTxRefund is one refund of a top-up.
type walletTxRefund struct {
	id, created, walletTxID, transactionID int64
	price                                  money
}

// findTx returns the movement id and its wallet; the caller holds b.mu.
func (b *book) findTx(id int64) (*wallet, *walletTx) {
	for _, w := range b.wallets {
		i := sort.Search(len(w.txs), func(i int) bool { return w.txs[i].id >= id })
		if i < len(w.txs) && w.txs[i].id == id {
			return w, &w.txs[i]
		}
	}
	return nil, nil
}

// refundable is what can still be refunded of top-up t of w; the caller
// holds b.mu.
func (b *book) refundable(w *wallet, t *walletTx) money {
	left := t.amount
	for _, r := range b.txRefunds[t.id] {
		left -= r.price
	}
	return max(0, min(left, w.amount))
}

// walletTxOf finds the top-up of a wallet-transactions route; the caller
// holds b.mu.
func (b *book) walletTxOf(c *call) (*wallet, *walletTx, *apiError) {
	w, t := b.findTx(c.id)
	if t == nil {
		return nil, nil, errNotFound(CodeWalletNotFound, "wallet transaction "+c.idText+" not found")
	}
	if t.typ != craftgate.WalletTxDepositFromCard && t.typ != craftgate.WalletTxDepositFromFundTransfer {
		return nil, nil, errValidation(CodeWalletTxNotRefundable, "wallet transaction "+c.idText+" is a "+t.typ+
			": only DEPOSIT_FROM_CARD and DEPOSIT_FROM_FUND_TRANSFER top-ups are refunded this way")
	}
	return w, t, nil
}

// walletTxRefundable serves GET .../wallet-transactions/{id}/refundable-amount.
func (m *Mock) walletTxRefundable(c *call) error {
	b := &m.book
	var left money
	if e := locked(&b.mu, func() error {
		w, t, e := b.walletTxOf(c)
		if e != nil {
			return e
		}
		left = b.refundable(w, t)
		return nil
	}); e != nil {
		return e
	}
	c.sendData(http.StatusOK, struct {
		RefundableAmount craftgate.Amount `json:"refundableAmount"`
	}{left.toAmount()})
	return nil
}

// refundWalletTx serves POST .../wallet-transactions/{id}/refunds.
func (m *Mock) refundWalletTx(c *call) error {
	var req struct {
		RefundPrice craftgate.Amount `json:"refundPrice"`
	}
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	price, e := checkAmount("refundPrice", req.RefundPrice)
	if e != nil {
		return e
	}
	b := &m.book
	var txID int64
	var card bool
	if e := locked(&b.mu, func() error {
		_, t, e := b.walletTxOf(c)
		if e != nil {
			return e
		}
		txID, card = t.txID, t.typ == craftgate.WalletTxDepositFromCard
		return nil
	}); e != nil {
		return e
	}
	var p *payment
	if card {
		// The top-up's payment gives the card and the day (walletpay.go).
		if p = m.store.payment(txID); p == nil {
			return m.paymentNotFound("the card top-up "+itoa(txID)+" of wallet transaction "+c.idText, txID)
		}
		p = m.store.lock(p)
		defer p.mu.Unlock()
		if e := m.refundFailure(p, c.en()); e != nil {
			return e
		}
	}
	now := m.nowUnix()
	var evs []walletEvent
	var rec walletTxRefund
	if e := locked(&b.mu, func() error {
		w, t, e := b.walletTxOf(c)
		switch {
		case e != nil:
			return e
		case len(b.txRefundIDs) >= maxWalletTxRefunds:
			return errValidation(CodeMemberCapacity, "the mock holds at most "+strconv.Itoa(maxWalletTxRefunds)+" wallet transaction refunds")
		case price > b.refundable(w, t):
			return errValidation(CodeRefundExceedsRefundable, "refundPrice "+price.String()+" exceeds the refundable amount "+
				b.refundable(w, t).String()+" of wallet transaction "+c.idText)
		}
		typ := "REFUND_WALLET_TX_FUND_TRANSFER"
		if card {
			typ = "REFUND_WALLET_TX_TO_CARD"
			if m.sameDay(p.created, now) {
				typ = "CANCEL_REFUND_WALLET_TO_CARD"
			}
		}
		rec = walletTxRefund{id: take(&b.nextWalletTxRefund), created: now, walletTxID: t.id, transactionID: t.txID, price: price}
		_ = b.move(w, -price, typ, rec.id, now, &evs) // within the balance: refundable is at most it
		b.txRefunds[t.id] = append(b.txRefunds[t.id], rec)
		b.txRefundIDs = append(b.txRefundIDs, rec.id)
		return nil
	}); e != nil {
		return e
	}
	m.emitWallet(evs)
	c.sendData(http.StatusOK, m.renderWalletTxRefund(&rec))
	return nil
}

// listWalletTxRefunds serves GET .../wallet-transactions/{id}/refunds.
func (m *Mock) listWalletTxRefunds(c *call) error {
	b := &m.book
	var recs []walletTxRefund
	if e := locked(&b.mu, func() error {
		_, t, e := b.walletTxOf(c)
		if e != nil {
			return e
		}
		recs = append(recs, b.txRefunds[t.id]...)
		return nil
	}); e != nil {
		return e
	}
	out := struct {
		Items []craftgate.WalletTransactionRefund `json:"items"`
	}{Items: []craftgate.WalletTransactionRefund{}}
	for i := range recs {
		out.Items = append(out.Items, m.renderWalletTxRefund(&recs[i]))
	}
	c.sendData(http.StatusOK, out)
	return nil
}

func (m *Mock) renderWalletTxRefund(r *walletTxRefund) craftgate.WalletTransactionRefund {
	var refs []byte
	ref := func(kind uint64, digits int) string {
		refs = m.appendRef(refs[:0], kind^kindWalletTxRefund<<8, r.id, digits)
		return string(refs)
	}
	return craftgate.WalletTransactionRefund{ID: r.id, CreatedDate: m.dateText(r.created), RefundStatus: craftgate.StatusSuccess,
		RefundPrice: r.price.toAmount(), AuthCode: ref(refAuthCode, authCodeDigits), HostReference: ref(refHostReference, hostReferenceDigits),
		TransID: ref(refTransID, transIDDigits), TransactionID: r.transactionID, TransactionType: "WALLET_TX", WalletTransactionID: r.walletTxID}
}
