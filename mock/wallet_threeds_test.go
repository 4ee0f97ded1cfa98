package mock

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestThreeDSDeposit(t *testing.T) {
	rc := startReceiver(t)
	deposit := func(l *live, buyer int64, card string) *craftgate.InitThreeDSDepositRequest {
		return &craftgate.InitThreeDSDepositRequest{DepositRequest: craftgate.DepositRequest{Price: amt("120.50"), Currency: "TRY",
			BuyerMemberID: buyer, ConversationID: "dep-1", Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: card,
				ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}}, CallbackURL: rc.callbackURL()}
	}
	tests := []struct {
		name     string
		card     string
		model    string
		action   string
		complete string // "" succeeds, else the error code or group
		balance  string
	}{
		{"verified and completed", successCard, ThreeDSModel3D, "verify", "", "120.5"},
		{"rejected", successCard, ThreeDSModel3D, "reject", CodeThreeDSNotAuthenticated, "0"},
		{"declined at completion", cardCompleteFails, ThreeDSModel3D, "verify", "NOT_SUFFICIENT_FUNDS", "0"},
		{"3D Pay credits at the callback", successCard, ThreeDSModel3DPay, "verify", CodeThreeDSNotCompletable, "120.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := startLive(t, func(c *Config) { c.Settings = Settings{ThreeDSModel: tt.model} })
			ctx := context.Background()
			buyer := walletBuyer(t, l.m, "b", "0", "0")
			init, err := l.client.InitThreeDSDeposit(ctx, deposit(l, buyer, tt.card))
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)
			acs, _ := l.acsPage(t, b, init)
			cb := l.answerACS(t, b, acs, tt.action)
			if err := craftgate.VerifyCallback(testCallbackKey, cb.fields); err != nil {
				t.Fatalf("callback hash: %v", err)
			}
			balanceIs(t, l.m, buyer, map[bool]string{true: "120.5", false: "0"}[tt.model == ThreeDSModel3DPay && tt.action == "verify"])
			d, err := l.client.CompleteThreeDSDeposit(ctx, init.PaymentID)
			if tt.complete == "" {
				if err != nil || d.PaymentType != "DEPOSIT_PAYMENT" || d.PaymentStatus != "SUCCESS" || d.WalletTransaction == nil ||
					d.WalletTransaction.WalletTransactionType != "DEPOSIT_FROM_CARD" || !amountEq(d.Price, "120.50") || d.ConversationID != "dep-1" {
					t.Fatalf("%+v %v", d, err)
				}
			} else if ce := craftgate.AsError(err); ce == nil || ce.Code != tt.complete && ce.Group != tt.complete {
				t.Fatalf("complete: %v, want %s", err, tt.complete)
			}
			balanceIs(t, l.m, buyer, tt.balance)
			p, err := l.client.RetrievePayment(ctx, init.PaymentID)
			if err != nil || p.PaymentType != "DEPOSIT_PAYMENT" || len(p.PaymentTransactions) != 0 {
				t.Fatalf("%+v %v", p, err)
			}
		})
	}

	t.Run("each completion refuses the other's payments, refunds refuse deposits", func(t *testing.T) {
		l := startLive(t)
		ctx := context.Background()
		buyer := walletBuyer(t, l.m, "b", "0", "0")
		init, err := l.client.InitThreeDSDeposit(ctx, deposit(l, buyer, successCard))
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t)
		acs, _ := l.acsPage(t, b, init)
		l.answerACS(t, b, acs, "verify")
		pay3, err := l.client.InitThreeDSPayment(ctx, threeDSRequest(successCard, rc.callbackURL(), false))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.client.CompleteThreeDSPayment(ctx, init.PaymentID); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeThreeDSNotCompletable {
			t.Fatalf("card-payments 3ds-complete of a deposit: %v", err)
		}
		if _, err := l.client.CompleteThreeDSDeposit(ctx, pay3.PaymentID); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeThreeDSNotCompletable {
			t.Fatalf("deposits 3ds-complete of a payment: %v", err)
		}
		if _, err := l.client.CompleteThreeDSDeposit(ctx, init.PaymentID); err != nil {
			t.Fatal(err)
		}
		if _, err := l.client.CompleteThreeDSDeposit(ctx, init.PaymentID); craftgate.AsError(err) == nil {
			t.Fatal("a second completion succeeded")
		}
		balanceIs(t, l.m, buyer, "120.5")
		if e := validationError(t, do(t, l.m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: init.PaymentID})); e.ErrorCode != CodePaymentNotRefundable {
			t.Fatal(e)
		}
		// Validation before anything is stored.
		req := deposit(l, buyer, successCard)
		req.CallbackURL = ""
		if e := validationError(t, do(t, l.m, http.MethodPost, craftgate.PathDepositsThreeDSInit, req)); e.ErrorCode != CodeInvalidCallbackURL {
			t.Fatal(e)
		}
		req = deposit(l, buyer+1000, successCard)
		if e := errorBody(t, do(t, l.m, http.MethodPost, craftgate.PathDepositsThreeDSInit, req), http.StatusNotFound); e.ErrorCode != CodeMemberNotFound {
			t.Fatal(e)
		}
		req = deposit(l, buyer, cardInitFails)
		w := do(t, l.m, http.MethodPost, craftgate.PathDepositsThreeDSInit, req)
		if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != "THREEDS_INIT_ERROR" {
			t.Fatal(e)
		}
		id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
		if p := retrieve(t, l.m, id); p.PaymentStatus != "FAILURE" || p.PaymentType != "DEPOSIT_PAYMENT" {
			t.Fatalf("%+v", p)
		}
	})
}

func TestWalletTransactionRefunds(t *testing.T) {
	m := newTestMock(t)
	buyer := walletBuyer(t, m, "b", "0", "50")
	card := &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}
	var dp craftgate.DepositPayment
	data(t, do(t, m, http.MethodPost, craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("100"), Currency: "TRY", BuyerMemberID: buyer, Card: card}), &dp)
	if p := retrieve(t, m, dp.ID); p.PaymentType != "DEPOSIT_PAYMENT" || p.PaymentStatus != "SUCCESS" {
		t.Fatalf("the deposit as a payment: %+v", p)
	}
	wtx := strconv.FormatInt(dp.WalletTransaction.ID, 10)
	refundable := func(want string) {
		t.Helper()
		var r struct{ RefundableAmount craftgate.Amount }
		data(t, do(t, m, http.MethodGet, craftgate.PathWalletTransactions+"/"+wtx+"/refundable-amount", nil), &r)
		if !amountEq(r.RefundableAmount, want) {
			t.Fatalf("refundable %s, want %s", r.RefundableAmount, want)
		}
	}
	refundable("100")
	pay(t, m, walletPayment(buyer, "70")) // spent: 30 left in the wallet
	refundable("30")
	var r craftgate.WalletTransactionRefund
	data(t, do(t, m, http.MethodPost, craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), map[string]any{"refundPrice": 20}), &r)
	if r.RefundStatus != "SUCCESS" || r.TransactionID != dp.ID || r.TransactionType != "WALLET_TX" || r.WalletTransactionID != dp.WalletTransaction.ID {
		t.Fatalf("%+v", r)
	}
	balanceIs(t, m, buyer, "10")
	refundable("10")
	e := validationError(t, do(t, m, http.MethodPost, craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), map[string]any{"refundPrice": 10.01}))
	if e.ErrorCode != CodeRefundExceedsRefundable {
		t.Fatal(e)
	}
	var l struct {
		Items []craftgate.WalletTransactionRefund
	}
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), nil), &l)
	if len(l.Items) != 1 || l.Items[0].ID != r.ID {
		t.Fatalf("%+v", l)
	}
	var txs craftgate.WalletTransactionList
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(memberWallet(t, m, buyer).ID)+"?walletTransactionType=CANCEL_REFUND_WALLET_TO_CARD", nil), &txs)
	if len(txs.Items) != 1 || !amountEq(txs.Items[0].Amount, "-20") || txs.Items[0].TransactionID != r.ID {
		t.Fatalf("%+v", txs)
	}
	// The next day: REFUND_WALLET_TX_TO_CARD. A redeem is not refundable.
	m.Advance(24 * 3600e9)
	data(t, do(t, m, http.MethodPost, craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), map[string]any{"refundPrice": 10}), &r)
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(memberWallet(t, m, buyer).ID), nil), &txs)
	last := txs.Items[len(txs.Items)-1]
	if last.WalletTransactionType != "REFUND_WALLET_TX_TO_CARD" || !amountEq(last.Amount, "-10") {
		t.Fatalf("%+v", last)
	}
	redeem := txs.Items[1]
	if e := validationError(t, do(t, m, http.MethodGet, craftgate.PathWalletTransactions+"/"+strconv.FormatInt(redeem.ID, 10)+"/refundable-amount", nil)); e.ErrorCode != CodeWalletTxNotRefundable {
		t.Fatal(e)
	}
	if e := errorBody(t, do(t, m, http.MethodGet, craftgate.PathWalletTransactions+"/1/refunds", nil), http.StatusNotFound); e.ErrorCode != CodeWalletNotFound {
		t.Fatal(e)
	}
}
