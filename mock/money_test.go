package mock

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// TestConcurrentRefundsBalance is a property test of money integrity: 16
// goroutines fire 4,000 whole-payment refunds and transaction refunds of
// random decimal amounts at the same 40 payments (run it with -race).
// Afterwards, in exact decimal arithmetic (craftgate.Amount, never
// float):
//   - no transaction is refunded beyond what it was paid;
//   - every acknowledged refund is retrievable, with its amount;
//   - for every transaction, paid = refundable + the acknowledged refunds;
//   - a refused refund left nothing behind (the store holds exactly the
//     acknowledged refunds).
func TestConcurrentRefundsBalance(t *testing.T) {
	m := newTestMock(t)
	type txInfo struct {
		payment int64
		paid    decimal.Decimal
	}
	txs := map[int64]txInfo{}
	var payments []*craftgate.Payment
	for i := range 40 {
		req := paymentRequest(successCard)
		if i%2 == 1 {
			req.PaidPrice = amt("110.37") // split unevenly over the items
		}
		p := pay(t, m, req)
		payments = append(payments, p)
		for _, tx := range p.PaymentTransactions {
			txs[tx.ID] = txInfo{payment: p.ID, paid: tx.PaidPrice.Decimal}
		}
	}
	var txIDs []int64
	for id := range txs {
		txIDs = append(txIDs, id)
	}

	type ack struct {
		path   string          // where the refund is retrieved
		txID   int64           // the transaction refunded
		amount decimal.Decimal // refundPrice
	}
	var mu sync.Mutex
	var acks []ack
	cancelled := map[int64]bool{} // payments cancelled whole
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 99))
			var mine []ack
			for range 250 {
				if rng.IntN(20) == 0 {
					p := payments[rng.IntN(len(payments))]
					w := do(t, m, http.MethodPost, "/payment/v1/refunds", craftgate.RefundPaymentRequest{PaymentID: p.ID})
					switch w.Code {
					case http.StatusOK:
						var r craftgate.PaymentRefund
						data(t, w, &r)
						if r.RefundType == craftgate.RefundTypeCancel {
							mu.Lock()
							cancelled[p.ID] = true
							mu.Unlock()
							for _, tx := range p.PaymentTransactions {
								mine = append(mine, ack{path: "/payment/v1/refunds/" + itoa(r.ID), txID: tx.ID, amount: tx.PaidPrice.Decimal})
							}
						}
						for _, tr := range r.PaymentTransactionRefunds {
							mine = append(mine, ack{path: "/payment/v1/refund-transactions/" + itoa(tr.ID), txID: tr.PaymentTransactionID, amount: tr.RefundPrice.Decimal})
						}
					case http.StatusBadRequest: // already fully refunded
					default:
						t.Errorf("refund: %d %s", w.Code, w.Body.String())
						return
					}
					continue
				}
				txID := txIDs[rng.IntN(len(txIDs))]
				price := decimal.New(int64(1+rng.IntN(900)), -2) // 0.01 to 9.00
				if rng.IntN(4) == 0 {
					price = decimal.New(int64(1+rng.IntN(99_999_999)), -8) // sub-cent
				}
				w := do(t, m, http.MethodPost, "/payment/v1/refund-transactions", craftgate.RefundTransactionRequest{
					PaymentTransactionID: txID, RefundPrice: craftgate.AmountOf(price)})
				switch w.Code {
				case http.StatusOK:
					var r craftgate.PaymentTransactionRefund
					data(t, w, &r)
					if !r.RefundPrice.Equal(price) || r.PaymentTransactionID != txID {
						t.Errorf("acknowledged %s of %d, asked %s of %d", r.RefundPrice, r.PaymentTransactionID, price, txID)
					}
					mine = append(mine, ack{path: "/payment/v1/refund-transactions/" + itoa(r.ID), txID: txID, amount: price})
				case http.StatusBadRequest: // beyond the refundable amount, or fully refunded
					if e := validationError(t, w); e.ErrorCode != CodeRefundExceedsRefundable && e.ErrorCode != CodePaymentNotRefundable {
						t.Errorf("refused with %+v", e)
					}
				default:
					t.Errorf("transaction refund: %d %s", w.Code, w.Body.String())
					return
				}
			}
			mu.Lock()
			acks = append(acks, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	refunded := map[int64]decimal.Decimal{}
	records := map[string]bool{}
	for _, a := range acks {
		refunded[a.txID] = refunded[a.txID].Add(a.amount)
		records[a.path] = true
	}
	// Every acknowledged refund is retrievable, with its amount.
	for _, a := range acks {
		if _, ok := records[a.path]; !ok {
			continue
		}
		w := do(t, m, http.MethodGet, a.path, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("acknowledged refund %s: %d", a.path, w.Code)
		}
	}
	for _, a := range acks {
		if strings.HasPrefix(a.path, "/payment/v1/refund-transactions/") {
			var r craftgate.PaymentTransactionRefund
			data(t, do(t, m, http.MethodGet, a.path, nil), &r)
			if !r.RefundPrice.Equal(a.amount) || r.PaymentTransactionID != a.txID {
				t.Fatalf("%s: %s of %d, acknowledged %s of %d", a.path, r.RefundPrice, r.PaymentTransactionID, a.amount, a.txID)
			}
		}
	}
	// Per transaction: never beyond paid, and paid = refundable + refunded.
	for _, p := range payments {
		got := retrieve(t, m, p.ID)
		for _, tx := range got.PaymentTransactions {
			info := txs[tx.ID]
			r := refunded[tx.ID]
			if r.GreaterThan(info.paid) {
				t.Fatalf("transaction %d: refunded %s of %s paid", tx.ID, r, info.paid)
			}
			if sum := tx.RefundablePrice.Decimal.Add(r); !sum.Equal(info.paid) {
				t.Fatalf("transaction %d: refundable %s + refunded %s = %s, paid %s", tx.ID, tx.RefundablePrice, r, sum, info.paid)
			}
		}
		if cancelled[p.ID] && got.RefundStatus != "FULLY_REFUNDED" {
			t.Fatalf("payment %d: cancelled but %s", p.ID, got.RefundStatus)
		}
	}
	// The store holds exactly the acknowledged refund records.
	txRefunds, cancels := 0, 0
	for path := range records {
		if strings.HasPrefix(path, "/payment/v1/refund-transactions/") {
			txRefunds++
		} else {
			cancels++
		}
	}
	if st := m.Stats(); st.TxRefunds != int64(txRefunds) || st.Cancels != int64(cancels) {
		t.Fatalf("store holds %d transaction refunds and %d cancels, %d and %d acknowledged", st.TxRefunds, st.Cancels, txRefunds, cancels)
	}
	t.Logf("%d refund records acknowledged over %d transactions", len(records), len(txs))
}
