package mock

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// splitPayment pays the documented example (docs/reference/craftgate/flows.md 10.2): items of 30,
// 50 and 20 with sellers getting 27, 42 and 18.
func splitPayment(t *testing.T, m *Mock, sellers [3]int64, group string) *craftgate.Payment {
	t.Helper()
	r := paymentRequest(successCard)
	r.PaymentGroup = group
	for i, share := range []string{"27", "42", "18"} {
		a := amt(share)
		r.Items[i].SubMerchantMemberID, r.Items[i].SubMerchantMemberPrice = sellers[i], &a
	}
	return pay(t, m, r)
}

func threeSellers(t *testing.T, m *Mock) [3]int64 {
	var ids [3]int64
	for i := range ids {
		req := sellerReq("seller"+strconv.Itoa(i), craftgate.MemberTypeLimitedCompany)
		req.SettlementEarningsDestination = craftgate.SettlementToWallet
		ids[i] = createMember(t, m, req).ID
	}
	return ids
}

func approve(t *testing.T, m *Mock, path string, transactional bool, ids ...int64) *craftgate.ApprovalResponse {
	t.Helper()
	var r craftgate.ApprovalResponse
	data(t, do(t, m, http.MethodPost, path, craftgate.ApprovalRequest{PaymentTransactionIDs: ids, IsTransactional: transactional}), &r)
	return &r
}

func statuses(t *testing.T, m *Mock, id int64) []string {
	var out []string
	for _, tx := range retrieve(t, m, id).PaymentTransactions {
		out = append(out, tx.TransactionStatus)
	}
	return out
}

func TestMarketplaceSplitPayment(t *testing.T) {
	m := newTestMock(t)
	sellers := threeSellers(t, m)
	p := splitPayment(t, m, sellers, craftgate.PaymentGroupProduct)
	for i, want := range []struct{ share, merchant, rate string }{{"27", "3", "90"}, {"42", "8", "84"}, {"18", "2", "90"}} {
		tx := p.PaymentTransactions[i]
		if tx.SubMerchantMemberID != sellers[i] || !amountEq(*tx.SubMerchantMemberPayoutAmount, want.share) ||
			!amountEq(tx.MerchantPayoutAmount, want.merchant) || !amountEq(*tx.SubMerchantMemberPayoutRate, want.rate) ||
			tx.TransactionStatus != craftgate.TransactionWaitingForApproval {
			t.Errorf("item %d: %+v", i, tx)
		}
	}
	buyer := createMember(t, m, buyerReq("only-a-buyer")).ID
	cases := []struct {
		name   string
		mutate func(*craftgate.CreatePaymentRequest)
		desc   string
	}{
		{"unknown seller", func(r *craftgate.CreatePaymentRequest) { r.Items[0].SubMerchantMemberID = 42 }, "not a member registered as a sub-merchant"},
		{"a buyer is no seller", func(r *craftgate.CreatePaymentRequest) { r.Items[0].SubMerchantMemberID = buyer }, "not a member registered as a sub-merchant"},
		{"share above the price", func(r *craftgate.CreatePaymentRequest) { a := amt("30.01"); r.Items[0].SubMerchantMemberPrice = &a }, "must not exceed"},
		{"wallet payment", func(r *craftgate.CreatePaymentRequest) { r.WalletPrice, r.BuyerMemberID = amt("1"), buyer }, "cannot carry marketplace items"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := paymentRequest(successCard)
			a := amt("27")
			r.Items[0].SubMerchantMemberID, r.Items[0].SubMerchantMemberPrice = sellers[0], &a
			tc.mutate(r)
			e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, r))
			if e.ErrorCode != CodeInvalidSubMerchant || !contains(e.ErrorDescription, tc.desc) {
				t.Fatalf("%+v", e)
			}
		})
	}
}

func TestMarketplaceApproval(t *testing.T) {
	m := newTestMock(t)
	sellers := threeSellers(t, m)
	p := splitPayment(t, m, sellers, craftgate.PaymentGroupProduct)
	tx := func(i int) int64 { return p.PaymentTransactions[i].ID }
	plain := pay(t, m, paymentRequest(successCard)).PaymentTransactions[0].ID

	// Transactional with one bad item: nothing changes.
	r := approve(t, m, craftgate.PathApprovePaymentTransactions, true, tx(0), plain)
	if r.Size != 2 || r.Items[0].ApprovalStatus != "FAILURE" || !contains(r.Items[0].FailedReason, "transactional") ||
		r.Items[1].ApprovalStatus != "FAILURE" || !contains(r.Items[1].FailedReason, "not a marketplace item") {
		t.Fatalf("%+v", r)
	}
	if got := statuses(t, m, p.ID); got[0] != "WAITING_FOR_APPROVAL" {
		t.Fatalf("%v", got)
	}
	// Not transactional: the good item is approved, the bad one fails.
	r = approve(t, m, craftgate.PathApprovePaymentTransactions, false, tx(0), tx(1), 12345)
	if r.Items[0].ApprovalStatus != "SUCCESS" || r.Items[1].ApprovalStatus != "SUCCESS" || r.Items[2].ApprovalStatus != "FAILURE" ||
		!contains(r.Items[2].FailedReason, "not found") {
		t.Fatalf("%+v", r)
	}
	if got := statuses(t, m, p.ID); got[0] != "APPROVED" || got[1] != "APPROVED" || got[2] != "WAITING_FOR_APPROVAL" {
		t.Fatalf("%v", got)
	}
	// Disapprove: the approved one goes back, the waiting one fails.
	r = approve(t, m, craftgate.PathDisapprovePaymentTransactions, false, tx(1), tx(2))
	if r.Items[0].ApprovalStatus != "SUCCESS" || r.Items[1].ApprovalStatus != "FAILURE" || !contains(r.Items[1].FailedReason, "not approved") {
		t.Fatalf("%+v", r)
	}
	if got := statuses(t, m, p.ID); got[1] != "WAITING_FOR_APPROVAL" {
		t.Fatalf("%v", got)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathApprovePaymentTransactions, craftgate.ApprovalRequest{})); e.ErrorCode != CodeInvalidApproval {
		t.Fatal(e)
	}

	// Settlement: the approved item's share goes to its seller's wallet.
	for _, s := range sellers {
		createWallet(t, m, s, "0")
	}
	var st craftgate.InstantWalletSettlement
	data(t, do(t, m, http.MethodPost, craftgate.PathInstantWalletSettlements, craftgate.InstantWalletSettlementRequest{}), &st)
	if st.SettlementResultStatus != "SUCCESS" {
		t.Fatalf("%+v", st)
	}
	balanceIs(t, m, sellers[0], "27")
	balanceIs(t, m, sellers[1], "0")
	if got := statuses(t, m, p.ID); got[0] != "PAYOUT_STARTED" {
		t.Fatalf("%v", got)
	}
	r = approve(t, m, craftgate.PathDisapprovePaymentTransactions, false, tx(0))
	if r.Items[0].ApprovalStatus != "FAILURE" || !contains(r.Items[0].FailedReason, "payout") {
		t.Fatalf("%+v", r)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathInstantWalletSettlements, craftgate.InstantWalletSettlementRequest{}), &st)
	if st.SettlementResultStatus != "NO_RECORD_FOUND" {
		t.Fatalf("%+v", st)
	}
}

func TestMarketplaceUpdateTransaction(t *testing.T) {
	m := newTestMock(t)
	sellers := threeSellers(t, m)
	p := splitPayment(t, m, sellers, craftgate.PaymentGroupProduct)
	listing := splitPayment(t, m, sellers, craftgate.PaymentGroupListing)
	put := func(id, seller int64, share string) *httptest.ResponseRecorder {
		return do(t, m, http.MethodPut, craftgate.PathPaymentTransactions+"/"+strconv.FormatInt(id, 10),
			craftgate.UpdatePaymentTransactionRequest{SubMerchantMemberID: seller, SubMerchantMemberPrice: amt(share)})
	}
	var tx craftgate.PaymentTransaction
	data(t, put(p.PaymentTransactions[0].ID, sellers[1], "25"), &tx)
	if tx.SubMerchantMemberID != sellers[1] || !amountEq(*tx.SubMerchantMemberPrice, "25") || !amountEq(tx.MerchantPayoutAmount, "5") ||
		tx.TransactionStatus != "WAITING_FOR_APPROVAL" || tx.Name != "Item 1" {
		t.Fatalf("%+v", tx)
	}
	if got := retrieve(t, m, p.ID).PaymentTransactions[0]; got.SubMerchantMemberID != sellers[1] || !amountEq(*got.SubMerchantMemberPrice, "25") {
		t.Fatalf("%+v", got)
	}
	approve(t, m, craftgate.PathApprovePaymentTransactions, false, p.PaymentTransactions[1].ID)
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{PaymentTransactionID: p.PaymentTransactions[2].ID, RefundPrice: amt("1")}), &craftgate.PaymentTransactionRefund{})
	buyer := createMember(t, m, buyerReq("b")).ID
	for _, tc := range []struct {
		name   string
		id     int64
		seller int64
		share  string
		code   string
		desc   string
	}{
		{"nothing changes", p.PaymentTransactions[0].ID, sellers[1], "25", CodeTransactionNotUpdatable, "nothing to change"},
		{"approved", p.PaymentTransactions[1].ID, sellers[0], "40", CodeTransactionNotUpdatable, "approved"},
		{"refunded", p.PaymentTransactions[2].ID, sellers[0], "10", CodeTransactionNotUpdatable, "refunded"},
		{"listing payment", listing.PaymentTransactions[0].ID, sellers[1], "20", CodeTransactionNotUpdatable, "PRODUCT"},
		{"share above price", p.PaymentTransactions[0].ID, sellers[1], "30.01", CodeTransactionNotUpdatable, "exceeds"},
		{"not a seller", p.PaymentTransactions[0].ID, buyer, "20", CodeInvalidSubMerchant, "sub-merchant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := validationError(t, put(tc.id, tc.seller, tc.share))
			if e.ErrorCode != tc.code || !contains(e.ErrorDescription, tc.desc) {
				t.Fatalf("%+v", e)
			}
		})
	}
	if e := errorBody(t, put(1, sellers[0], "1"), http.StatusNotFound); e.ErrorCode != CodePaymentTransactionNotFound {
		t.Fatal(e)
	}
}

// TestWalletRoutesRobust sends malformed and hostile bodies and paths to
// every route of members.go, wallet.go and marketplace.go: each answers in
// the error envelope, never with a 500 or a panic.
func TestWalletRoutesRobust(t *testing.T) {
	m := newTestMock(t)
	buyer := walletBuyer(t, m, "b", "10", "0")
	bid := strconv.FormatInt(buyer, 10)
	wid := strconv.FormatInt(memberWallet(t, m, buyer).ID, 10)
	routes := []struct{ method, path string }{
		{http.MethodPost, craftgate.PathMembers}, {http.MethodGet, craftgate.PathMembers}, {http.MethodPut, craftgate.PathMembers + "/" + bid},
		{http.MethodGet, craftgate.PathMembers + "/" + bid}, {http.MethodPost, craftgate.MemberWalletsPath(buyer)},
		{http.MethodPut, craftgate.MemberWalletsPath(buyer) + "/" + wid}, {http.MethodGet, craftgate.MemberWalletPath(buyer)},
		{http.MethodPost, craftgate.PathMerchantWalletReset}, {http.MethodGet, craftgate.WalletTransactionsPath(9)},
		{http.MethodPost, craftgate.PathRemittancesSend}, {http.MethodPost, craftgate.PathRemittancesReceive},
		{http.MethodPost, craftgate.PathRemittances + "/1"}, {http.MethodPost, craftgate.PathDeposits},
		{http.MethodPost, craftgate.PathDepositsFundTransfer}, {http.MethodPost, craftgate.PathApprovePaymentTransactions},
		{http.MethodPost, craftgate.PathDisapprovePaymentTransactions}, {http.MethodPut, craftgate.PathPaymentTransactions + "/1"},
		{http.MethodPost, craftgate.PathInstantWalletSettlements}, {http.MethodPost, craftgate.PathDepositsThreeDSInit},
		{http.MethodPost, craftgate.PathDepositsThreeDSComplete}, {http.MethodPost, craftgate.WalletTransactionRefundsPath(1)},
		{http.MethodGet, craftgate.WalletTransactionRefundsPath(1)}, {http.MethodGet, craftgate.PathWalletTransactions + "/1/refundable-amount"},
	}
	bodies := []string{``, `null`, `[]`, `{`, `"x"`, `{"price":"abc"}`, `{"price":1e400}`, `{"price":-0.000000001,"currency":"TRY"}`,
		`{"memberId":-1,"price":1,"currency":"TRY","description":"x"}`, `{"memberId":9223372036854775807,"price":9999999999.99999999,"currency":"TRY","description":"x"}`,
		`{"paymentTransactionIds":[-1,0,9223372036854775807],"isTransactional":true}`, `{"paymentTransactionIds":null}`,
		`{"isBuyer":true,"email":"@","memberExternalId":"` + string(make([]byte, 300)) + `"}`, `{"walletAmount":null}`,
		`{"card":{"cardNumber":"4242"},"price":1,"currency":"TRY","buyerMemberId":` + bid + `}`, `{"negativeAmountLimit":-1}`,
		`{"subMerchantMemberId":1,"subMerchantMemberPrice":"1"}`, `{"excludedSubMerchantMemberIds":"x"}`,
	}
	for _, rt := range routes {
		for _, b := range bodies {
			var body []byte
			if rt.method != http.MethodGet {
				body = []byte(b)
			}
			w := do(t, m, rt.method, rt.path+"?page=-1&size=x&isBuyer=2&minAmount=abc&walletTransactionType=X&memberIds=a", body)
			if w.Code >= 500 {
				t.Errorf("%s %s %q: %d %s", rt.method, rt.path, b, w.Code, w.Body.String())
			}
			if w.Code != http.StatusOK {
				errorBody(t, w, w.Code)
			}
		}
	}
	// The one valid move among them: the fund transfer of 1 (its card
	// member is not a fund-transfer field, and unknown members are ignored).
	balanceIs(t, m, buyer, "11")
}

// TestApprovalsBounded approves items of more payments than the store
// holds: the approvals of evicted items are swept.
func TestApprovalsBounded(t *testing.T) {
	m := newTestMock(t, func(c *Config) { c.StoreCapacity = 600 })
	sellers := threeSellers(t, m)
	var last *craftgate.Payment
	// The sweep is amortised: it lets the entries grow to twice those it
	// kept (at most the held payments' and a chunk) plus a chunk, 4784 here.
	for range 6000 {
		last = splitPayment(t, m, sellers, craftgate.PaymentGroupProduct)
		approve(t, m, craftgate.PathApprovePaymentTransactions, false, last.PaymentTransactions[0].ID)
	}
	if n := m.market.count.Load(); n > 2*(600+3*slabSize)+slabSize {
		t.Fatalf("%d approvals kept for a store of 600 payments", n)
	}
	if got := statuses(t, m, last.ID); got[0] != "APPROVED" {
		t.Fatalf("%v", got)
	}
}

// FuzzWalletRoutes sends fuzzed bodies to the member, wallet and
// marketplace routes that move or create things: no answer is a 5xx, and
// every wallet's balance stays the sum of its movements (the floor is
// checked by TestWalletMoneyConserved: a lowered negativeAmountLimit may
// leave a wallet below it).
func FuzzWalletRoutes(f *testing.F) {
	m := newTestMock(f)
	buyer := walletBuyer(f, m, "b", "100", "10")
	seller := createMember(f, m, sellerReq("s", craftgate.MemberTypePersonal)).ID
	paths := []struct{ method, path string }{
		{http.MethodPost, craftgate.PathMembers}, {http.MethodPost, craftgate.MemberWalletsPath(seller)},
		{http.MethodPost, craftgate.PathRemittancesSend}, {http.MethodPost, craftgate.PathRemittancesReceive},
		{http.MethodPost, craftgate.PathDepositsFundTransfer}, {http.MethodPost, craftgate.PathDeposits},
		{http.MethodPost, craftgate.PathCardPayments}, {http.MethodPost, craftgate.PathRefunds},
		{http.MethodPost, craftgate.PathApprovePaymentTransactions}, {http.MethodPost, craftgate.PathInstantWalletSettlements},
		{http.MethodPut, craftgate.MemberWalletsPath(buyer) + "/" + strconv.FormatInt(memberWallet(f, m, buyer).ID, 10)},
	}
	b := strconv.FormatInt(buyer, 10)
	f.Add(uint8(2), `{"memberId":`+b+`,"price":1.5,"currency":"TRY","description":"x"}`)
	f.Add(uint8(3), `{"memberId":`+b+`,"price":1000,"currency":"TRY","description":"x"}`)
	f.Add(uint8(4), `{"buyerMemberId":`+b+`,"price":0.00000001,"currency":"TRY"}`)
	f.Add(uint8(6), string(mustJSON(f, walletPayment(buyer, "100"))))
	f.Add(uint8(6), string(mustJSON(f, walletPayment(buyer, "33.33"))))
	f.Add(uint8(10), `{"negativeAmountLimit":1e3}`)
	f.Add(uint8(0), `{"memberExternalId":"x","isSubMerchant":true,"memberType":"PERSONAL","iban":"TR00"}`)
	debt := map[int64]money{} // see walletsAbove
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		rt := paths[int(which)%len(paths)]
		w := do(t, m, rt.method, rt.path, []byte(body))
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, rt.path, body, w.Code, w.Body.String())
		}
		if rt.method == http.MethodPut && w.Code == http.StatusOK {
			// A lowered limit leaves a debt below the new floor in place.
			m.book.mu.Lock()
			for _, wl := range m.book.wallets {
				if wl.memberID == buyer && wl.amount < wl.floor() {
					debt[wl.id] = wl.amount
				}
			}
			m.book.mu.Unlock()
		}
		walletsAbove(t, m, debt)
	})
}
