package mock

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"net/http"
	"strconv"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestWalletStateRoundTrip saves a mock with members, wallets, wallet
// payments, refunds to the wallet, remittances and approvals, restores it
// into a new mock, and checks that every answer is the same and that new
// ids continue after the old ones.
func TestWalletStateRoundTrip(t *testing.T) {
	a := newTestMock(t)
	buyer := walletBuyer(t, a, "b", "500", "10")
	sellers := threeSellers(t, a)
	full := pay(t, a, walletPayment(buyer, "100"))
	part := pay(t, a, walletPayment(buyer, "40"))
	data(t, do(t, a, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: full.ID}), &craftgate.PaymentRefund{})
	var txr craftgate.PaymentTransactionRefund
	data(t, do(t, a, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
		PaymentTransactionID: part.PaymentTransactions[1].ID, RefundPrice: amt("30"), RefundDestinationType: "WALLET"}), &txr)
	var rem craftgate.Remittance
	data(t, do(t, a, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: buyer, Price: amt("5"), Currency: "TRY", Description: "x"}), &rem)
	var dp craftgate.DepositPayment
	data(t, do(t, a, http.MethodPost, craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("60"), Currency: "TRY", BuyerMemberID: buyer,
		Card: &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}}), &dp)
	data(t, do(t, a, http.MethodPost, craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), map[string]any{"refundPrice": 15}), &craftgate.WalletTransactionRefund{})
	split := splitPayment(t, a, sellers, craftgate.PaymentGroupProduct)
	approve(t, a, craftgate.PathApprovePaymentTransactions, false, split.PaymentTransactions[0].ID)

	paths := []string{
		craftgate.PathMembers + "/" + strconv.FormatInt(buyer, 10), craftgate.PathMembers + "?size=100",
		craftgate.MemberWalletPath(buyer), craftgate.PathMerchantWallet,
		craftgate.WalletTransactionsPath(memberWallet(t, a, buyer).ID) + "?size=100",
		craftgate.PathCardPayments + "/" + strconv.FormatInt(full.ID, 10), craftgate.PathCardPayments + "/" + strconv.FormatInt(part.ID, 10),
		craftgate.PathCardPayments + "/" + strconv.FormatInt(split.ID, 10),
		craftgate.PathRefundTransactions + "/" + strconv.FormatInt(txr.ID, 10), craftgate.PathRemittances + "/" + strconv.FormatInt(rem.ID, 10),
		craftgate.WalletTransactionRefundsPath(dp.WalletTransaction.ID), craftgate.PathCardPayments + "/" + strconv.FormatInt(dp.ID, 10),
		craftgate.PathWalletTransactions + "/" + strconv.FormatInt(dp.WalletTransaction.ID, 10) + "/refundable-amount",
	}
	before := map[string]string{}
	for _, p := range paths {
		w := do(t, a, http.MethodGet, p, nil)
		data(t, w, &struct{}{})
		before[p] = w.Body.String()
	}
	var buf bytes.Buffer
	if err := a.SaveState(&buf); err != nil {
		t.Fatal(err)
	}
	b := newTestMock(t)
	if err := b.LoadState(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if got := do(t, b, http.MethodGet, p, nil).Body.String(); got != before[p] {
			t.Errorf("GET %s after restore:\n%s\nbefore:\n%s", p, got, before[p])
		}
	}
	// The restored wallet keeps paying and counting; new ids continue.
	balanceIs(t, b, buyer, memberWallet(t, a, buyer).Amount.String())
	next := createMember(t, b, buyerReq("after"))
	if next.ID <= sellers[2] {
		t.Fatalf("new member id %d does not continue after %d", next.ID, sellers[2])
	}
	if e := validationError(t, do(t, b, http.MethodPost, craftgate.PathMembers, buyerReq("b"))); e.ErrorCode != CodeMemberExternalIDTaken {
		t.Fatalf("the external id index was not restored: %+v", e)
	}
	pay(t, b, walletPayment(buyer, "1"))
	balanceIs(t, b, buyer, memberWallet(t, a, buyer).Amount.Sub(amt("1")).String())
}

// TestStateReadsVersion1 writes a version-1 file (the version-2 format of
// a mock without wallets, which has none of the added fields, with the
// version-1 magic and header) and restores it.
func TestStateReadsVersion1(t *testing.T) {
	a := newTestMock(t)
	p := pay(t, a, paymentRequest(successCard))
	data(t, do(t, a, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
		PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1")}), &craftgate.PaymentTransactionRefund{})
	var v2 bytes.Buffer
	if err := a.SaveState(&v2); err != nil {
		t.Fatal(err)
	}
	dec := gob.NewDecoder(bufio.NewReader(bytes.NewReader(v2.Bytes()[len(stateMagic):])))
	var h stateHeader
	if err := dec.Decode(&h); err != nil {
		t.Fatal(err)
	}
	h.Version = 1
	var v1 bytes.Buffer
	v1.WriteString(stateMagicV1)
	enc := gob.NewEncoder(&v1)
	if err := enc.Encode(&h); err != nil {
		t.Fatal(err)
	}
	for {
		var sb stateBatch
		if err := dec.Decode(&sb); err != nil {
			t.Fatal(err)
		}
		sb.Book, sb.Approvals = nil, nil // not in version 1
		if err := enc.Encode(&sb); err != nil {
			t.Fatal(err)
		}
		if sb.End {
			break
		}
	}
	b := newTestMock(t)
	if err := b.LoadState(&v1); err != nil {
		t.Fatalf("a version-1 file: %v", err)
	}
	if got, want := retrieve(t, b, p.ID), retrieve(t, a, p.ID); !sameJSON(t, got, want) {
		t.Fatalf("restored %+v, want %+v", got, want)
	}
}
