package mock

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// walletBuyer creates a buyer with a TRY wallet holding balance (a fund
// transfer) and the given negative limit.
func walletBuyer(t testing.TB, m http.Handler, ext, balance, limit string) int64 {
	t.Helper()
	id := createMember(t, m, buyerReq(ext)).ID
	createWallet(t, m, id, limit)
	if balance != "0" {
		data(t, do(t, m, http.MethodPost, craftgate.PathDepositsFundTransfer,
			craftgate.FundTransferDepositRequest{Price: amt(balance), Currency: "TRY", BuyerMemberID: id}), &craftgate.FundTransferDeposit{})
	}
	return id
}

func walletPayment(buyer int64, wallet string) *craftgate.CreatePaymentRequest {
	r := paymentRequest(successCard)
	r.BuyerMemberID, r.WalletPrice = buyer, amt(wallet)
	if wallet == "100" {
		r.Card = nil
	}
	return r
}

func balanceIs(t testing.TB, m http.Handler, buyer int64, want string) {
	t.Helper()
	if w := memberWallet(t, m, buyer); !amountEq(w.Amount, want) {
		t.Fatalf("wallet balance %s, want %s", w.Amount, want)
	}
}

func TestWalletPayments(t *testing.T) {
	m := newTestMock(t)
	buyer := walletBuyer(t, m, "b", "150", "0")

	full := pay(t, m, walletPayment(buyer, "100"))
	if full.PaymentType != "WALLET_PAYMENT" || !amountEq(full.WalletPrice, "100") || full.BinNumber != "" || full.AuthCode != "" || full.Pos != nil {
		t.Fatalf("%+v", full)
	}
	for i, want := range []string{"30", "50", "20"} {
		if !amountEq(full.PaymentTransactions[i].WalletPrice, want) {
			t.Fatalf("item %d walletPrice %s, want %s", i, full.PaymentTransactions[i].WalletPrice, want)
		}
	}
	balanceIs(t, m, buyer, "50")

	part := pay(t, m, walletPayment(buyer, "33.33"))
	if part.PaymentType != "CARD_AND_WALLET_PAYMENT" || !amountEq(part.WalletPrice, "33.33") || part.BinNumber == "" || part.AuthCode == "" {
		t.Fatalf("%+v", part)
	}
	var sum craftgate.Amount
	for _, tx := range part.PaymentTransactions {
		sum = sum.Add(tx.WalletPrice)
	}
	if !amountEq(sum, "33.33") || !amountEq(part.PaymentTransactions[0].WalletPrice, "9.99") {
		t.Fatalf("item walletPrices %+v sum %s", part.PaymentTransactions, sum)
	}
	balanceIs(t, m, buyer, "16.67")

	// Too much: refused, nothing stored, nothing moved.
	e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, walletPayment(buyer, "16.68")))
	if e.ErrorCode != CodeInsufficientWalletBalance {
		t.Fatal(e)
	}
	balanceIs(t, m, buyer, "16.67")
	// A declined card moves nothing but stores the failed payment.
	r := walletPayment(buyer, "10")
	r.Card.CardNumber = cardCompleteFails
	w := do(t, m, http.MethodPost, craftgate.PathCardPayments, r)
	errorBody(t, w, http.StatusUnprocessableEntity)
	id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
	if got := retrieve(t, m, id); got.PaymentStatus != "FAILURE" || !amountEq(got.WalletPrice, "10") {
		t.Fatalf("%+v", got)
	}
	balanceIs(t, m, buyer, "16.67")

	// The negative limit lets the wallet pay beyond its balance.
	data(t, do(t, m, http.MethodPut, craftgate.MemberWalletsPath(buyer)+"/"+strconv.FormatInt(memberWallet(t, m, buyer).ID, 10),
		craftgate.UpdateWalletRequest{NegativeAmountLimit: amt("5")}), &craftgate.Wallet{})
	pay(t, m, walletPayment(buyer, "21.67"))
	balanceIs(t, m, buyer, "-5")

	// The movements: PAYMENT_REDEEM with the payment ids.
	var l craftgate.WalletTransactionList
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(memberWallet(t, m, buyer).ID)+"?walletTransactionType=PAYMENT_REDEEM", nil), &l)
	if len(l.Items) != 3 || l.Items[0].TransactionID != full.ID || !amountEq(l.Items[0].Amount, "-100") || l.Items[1].TransactionID != part.ID {
		t.Fatalf("%+v", l.Items)
	}
}

func TestWalletPaymentRefunds(t *testing.T) {
	refund := func(t *testing.T, m *Mock, req craftgate.RefundPaymentRequest) *craftgate.PaymentRefund {
		t.Helper()
		var r craftgate.PaymentRefund
		data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, req), &r)
		return &r
	}
	refundTx := func(t *testing.T, m *Mock, req craftgate.RefundTransactionRequest) *craftgate.PaymentTransactionRefund {
		t.Helper()
		var r craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, req), &r)
		return &r
	}
	cases := []struct {
		name    string
		wallet  string // walletPrice of the 100 TRY payment
		run     func(t *testing.T, m *Mock, p *craftgate.Payment) (refundPrice, bank, toWallet string)
		balance string // after the refund: 200 - walletPrice + what the wallet got back
		types   []string
		nextDay bool
	}{
		{"cancel of a wallet-only payment", "100", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			r := refund(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "200", []string{"REFUND_DEPOSIT"}, false},
		{"cancel of a card-and-wallet payment to the card", "40", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			r := refund(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID})
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "200", []string{"REFUND_DEPOSIT"}, false},
		{"cancel of a card payment to the wallet", "0", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			r := refund(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID, RefundDestinationType: "WALLET"})
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "300", []string{"CANCEL_REFUND_TO_WALLET"}, false},
		{"next-day refund of a card-and-wallet payment to the wallet", "40", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			r := refund(t, m, craftgate.RefundPaymentRequest{PaymentID: p.ID, RefundDestinationType: "WALLET"})
			if r.RefundType != "REFUND" || len(r.PaymentTransactionRefunds) != 3 || !amountEq(r.PaymentTransactionRefunds[1].RefundWalletPrice, "50") {
				t.Fatalf("%+v", r)
			}
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "260", []string{"REFUND_DEPOSIT", "CANCEL_REFUND_TO_WALLET"}, true},
		{"item refund takes the wallet part first", "40", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			// Item 2 (50) has walletPrice 20: 25 refunded = 20 wallet + 5 card.
			r := refundTx(t, m, craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[1].ID, RefundPrice: amt("25")})
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "180", []string{"REFUND_TX_DEPOSIT"}, false},
		{"item refund to the wallet", "40", func(t *testing.T, m *Mock, p *craftgate.Payment) (string, string, string) {
			refundTx(t, m, craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[1].ID, RefundPrice: amt("15")})
			r := refundTx(t, m, craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[1].ID, RefundPrice: amt("35"), RefundDestinationType: "WALLET"})
			return r.RefundPrice.String(), r.RefundBankPrice.String(), r.RefundWalletPrice.String()
		}, "210", []string{"REFUND_TX_DEPOSIT", "REFUND_TX_DEPOSIT", "REFUND_TX_TO_WALLET"}, false},
	}
	want := map[string][3]string{
		"cancel of a wallet-only payment":                            {"100", "0", "100"},
		"cancel of a card-and-wallet payment to the card":            {"100", "60", "40"},
		"cancel of a card payment to the wallet":                     {"100", "0", "100"},
		"next-day refund of a card-and-wallet payment to the wallet": {"100", "0", "100"},
		"item refund takes the wallet part first":                    {"25", "5", "20"},
		"item refund to the wallet":                                  {"35", "0", "35"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMock(t)
			buyer := walletBuyer(t, m, "b", "200", "0")
			p := pay(t, m, walletPayment(buyer, tc.wallet))
			if tc.nextDay {
				m.Advance(24 * time.Hour)
			}
			price, bank, wallet := tc.run(t, m, p)
			w := want[tc.name]
			if !amountEq(amt(price), w[0]) || !amountEq(amt(bank), w[1]) || !amountEq(amt(wallet), w[2]) {
				t.Fatalf("refund %s bank %s wallet %s, want %v", price, bank, wallet, w)
			}
			balanceIs(t, m, buyer, tc.balance)
			var l craftgate.WalletTransactionList
			data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(memberWallet(t, m, buyer).ID), nil), &l)
			var got []string
			for _, it := range l.Items[1:] { // after the fund transfer
				if it.WalletTransactionType != "PAYMENT_REDEEM" {
					got = append(got, it.WalletTransactionType)
				}
			}
			if len(got) != len(tc.types) {
				t.Fatalf("movements %v, want %v", got, tc.types)
			}
			for i := range got {
				if got[i] != tc.types[i] {
					t.Fatalf("movements %v, want %v", got, tc.types)
				}
			}
		})
	}
}

func TestWalletSharesSumExactly(t *testing.T) {
	m := newTestMock(t)
	buyer := walletBuyer(t, m, "b", "1000000", "0")
	for _, tc := range []struct{ paid, wallet string }{
		{"100", "99.99"}, {"100", "0.01"}, {"100", "33.333333"}, {"101.01", "101"}, {"100", "0.00000001"},
	} {
		r := walletPayment(buyer, tc.wallet)
		r.PaidPrice = amt(tc.paid)
		r.Items = []craftgate.PaymentItem{{Price: amt("0.01")}, {Price: amt("0.01")}, {Price: amt("0.01")}, {Price: amt("99.97")}, {Price: amt("0.00000001")}}
		r.Items[3].Price = amt("99.96999999")
		p := pay(t, m, r)
		var sum craftgate.Amount
		for _, tx := range p.PaymentTransactions {
			if tx.WalletPrice.Sign() < 0 || tx.WalletPrice.GreaterThan(tx.PaidPrice.Decimal) {
				t.Fatalf("%s/%s: item walletPrice %s outside 0..%s", tc.paid, tc.wallet, tx.WalletPrice, tx.PaidPrice)
			}
			sum = sum.Add(tx.WalletPrice)
		}
		if !amountEq(sum, tc.wallet) {
			t.Fatalf("%s/%s: shares sum to %s", tc.paid, tc.wallet, sum)
		}
	}
}

// TestWalletMoneyConserved runs 4,000 concurrent requests against a few
// wallets: wallet-only and card-and-wallet payments, refunds (whole and per
// item, to the card and to the wallet), remittances both ways and fund
// transfers, many refused (insufficient balance, exhausted refunds). At the
// end, exactly:
//   - the wallets (members' and merchant's) hold fund transfers
//   - wallet-paid amounts + wallet-paid parts refunded + card parts
//     refunded to the wallet, summed from the payments and refund records;
//   - every wallet's balance is the sum of its movements, above its floor;
//   - every payment's refunds never exceed what was paid.
func TestWalletMoneyConserved(t *testing.T) {
	m := newTestMock(t)
	const buyers, workers, perWorker = 4, 8, 500
	ids := make([]int64, buyers)
	for i := range ids {
		ids[i] = walletBuyer(t, m, "c"+strconv.Itoa(i), "500", strconv.Itoa(10*i))
	}
	var mu sync.Mutex
	funded := money(buyers * 500 * moneyUnit)
	var payments []*craftgate.Payment
	var deposits []int64 // the card top-ups' wallet transactions
	concurrently(t, workers, perWorker, 0xabc, func(x uint64) *httptest.ResponseRecorder {
		buyer := ids[x%buyers]
		cents := money(1 + x>>8%10000) // 0.01 .. 100.00
		var w *httptest.ResponseRecorder
		switch x >> 30 % 8 {
		case 0, 1:
			wp := "100"
			if x>>40%2 == 0 {
				wp = (cents * moneyCent).String()
			}
			w = do(t, m, http.MethodPost, craftgate.PathCardPayments, walletPayment(buyer, wp))
			if w.Code == http.StatusOK {
				var p craftgate.Payment
				data(t, w, &p)
				mu.Lock()
				payments = append(payments, &p)
				mu.Unlock()
			}
		case 2, 3:
			mu.Lock()
			var p *craftgate.Payment
			if len(payments) > 0 {
				p = payments[int(x>>12)%len(payments)]
			}
			mu.Unlock()
			if p == nil {
				return nil
			}
			dest := "PROVIDER"
			if x>>50%2 == 0 {
				dest = "WALLET"
			}
			if x>>45%3 == 0 {
				w = do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: p.ID, RefundDestinationType: dest})
			} else {
				tx := p.PaymentTransactions[int(x>>20)%len(p.PaymentTransactions)]
				w = do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
					PaymentTransactionID: tx.ID, RefundPrice: (cents * moneyCent / 4).toAmount(), RefundDestinationType: dest})
			}
		case 4:
			w = do(t, m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: buyer, Price: (cents * moneyCent).toAmount(), Currency: "TRY", Description: "gift"})
		case 5:
			w = do(t, m, http.MethodPost, craftgate.PathRemittancesReceive, craftgate.RemittanceRequest{MemberID: buyer, Price: (cents * moneyCent).toAmount(), Currency: "TRY", Description: "back"})
		case 6:
			w = do(t, m, http.MethodPost, craftgate.PathDeposits, craftgate.DepositRequest{Price: (cents * moneyCent).toAmount(), Currency: "TRY", BuyerMemberID: buyer,
				Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}})
			if w.Code == http.StatusOK {
				var d craftgate.DepositPayment
				data(t, w, &d)
				mu.Lock()
				deposits = append(deposits, d.WalletTransaction.ID)
				mu.Unlock()
			}
		case 7:
			mu.Lock()
			var wtx int64
			if len(deposits) > 0 {
				wtx = deposits[int(x>>12)%len(deposits)]
			}
			mu.Unlock()
			if wtx == 0 {
				return nil
			}
			w = do(t, m, http.MethodPost, craftgate.WalletTransactionRefundsPath(wtx), map[string]any{"refundPrice": (cents * moneyCent / 2).toAmount()})
		}
		return w
	})

	// What the payments and refunds say moved through the wallets.
	expected := funded
	for _, pr := range payments {
		p := m.store.payment(pr.ID)
		p.mu.Lock()
		expected -= m.store.walletPrice(p)
		var refunded money
		for i := range int(p.txCount) {
			t := m.store.tx(p, i)
			refunded += t.refunded
		}
		if refunded > p.paidPrice {
			t.Errorf("payment %d: refunded %s of %s", p.id, refunded, p.paidPrice)
		}
		p.mu.Unlock()
	}
	st := m.store
	// Card top-ups (payments of their own) in, their refunds to the card out.
	for id := st.payments.low(); id <= m.ids.payment.Load(); id++ {
		if p := st.payment(id); p != nil && p.isDeposit() && p.succeeded() {
			expected += p.paidPrice
		}
	}
	for _, rs := range m.book.txRefunds {
		for _, r := range rs {
			expected -= r.price
		}
	}
	for id := st.cancels.low(); id <= m.ids.refund.Load(); id++ {
		if c := st.cancel(id); c != nil {
			expected += c.wallet
		}
	}
	for id := st.txRefunds.low(); id <= m.ids.txRefund.Load(); id++ {
		if r := st.txRefund(id); r != nil {
			expected += r.wallet
		}
	}
	if total := walletsBalanced(t, m); total != expected {
		t.Fatalf("wallets hold %s; fund transfers, wallet payments and refunds to wallets say %s", total, expected)
	}
	if len(payments) < 100 || len(deposits) < 100 || len(m.book.txRefunds) < 20 {
		t.Fatalf("only %d payments, %d top-ups and %d refunded top-ups: the test exercises too little", len(payments), len(deposits), len(m.book.txRefunds))
	}
}

// TestWalletPricesBounded makes more wallet payments than the store
// holds: the walletPrices beside the records are dropped with their
// payments, and the payments still held keep theirs.
func TestWalletPricesBounded(t *testing.T) {
	m := newTestMock(t, func(c *Config) { c.StoreCapacity = 600 })
	buyer := walletBuyer(t, m, "b", "1000", "0")
	var last *craftgate.Payment
	for range 3000 {
		last = pay(t, m, walletPayment(buyer, "0.10"))
	}
	if n := m.store.walletPriceCount.Load(); n > int64(600+4*slabSize) {
		t.Fatalf("%d wallet prices kept for a store of 600 payments", n)
	}
	if got := retrieve(t, m, last.ID); !amountEq(got.WalletPrice, "0.10") || got.PaymentType != "CARD_AND_WALLET_PAYMENT" {
		t.Fatalf("%+v", got)
	}
	balanceIs(t, m, buyer, "700")
}
