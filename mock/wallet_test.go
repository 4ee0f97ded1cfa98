package mock

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// validIBAN passes the TR mod-97 check.
const validIBAN = "TR330006100519786457841326"

func buyerReq(ext string) craftgate.CreateMemberRequest {
	return craftgate.CreateMemberRequest{MemberExternalID: ext, Address: "Suadiye Mah. 1", Email: "haluk@example.com",
		PhoneNumber: "905551111111", IsBuyer: true, ContactName: "Haluk", ContactSurname: "Demir"}
}

func sellerReq(ext, memberType string) craftgate.CreateMemberRequest {
	return craftgate.CreateMemberRequest{MemberExternalID: ext, Address: "Levent 5", Email: "shop@example.com",
		PhoneNumber: "905552222222", IsSubMerchant: true, MemberType: memberType, Name: "Shop A.Ş.",
		ContactName: "Ayşe", ContactSurname: "Kaya", LegalCompanyTitle: "Shop Ticaret A.Ş.", TaxOffice: "Maslak",
		TaxNumber: "1234567890", IBAN: validIBAN}
}

func createMember(t testing.TB, m http.Handler, req craftgate.CreateMemberRequest) *craftgate.Member {
	t.Helper()
	var mb craftgate.Member
	data(t, do(t, m, http.MethodPost, craftgate.PathMembers, req), &mb)
	return &mb
}

func createWallet(t testing.TB, m http.Handler, memberID int64, limit string) *craftgate.Wallet {
	t.Helper()
	var w craftgate.Wallet
	data(t, do(t, m, http.MethodPost, craftgate.MemberWalletsPath(memberID), craftgate.CreateWalletRequest{NegativeAmountLimit: amt(limit), Currency: "TRY"}), &w)
	return &w
}

func memberWallet(t testing.TB, m http.Handler, memberID int64) *craftgate.Wallet {
	t.Helper()
	var w craftgate.Wallet
	data(t, do(t, m, http.MethodGet, craftgate.MemberWalletPath(memberID), nil), &w)
	return &w
}

func merchantWallet(t testing.TB, m http.Handler) *craftgate.Wallet {
	t.Helper()
	var w craftgate.Wallet
	data(t, do(t, m, http.MethodGet, craftgate.PathMerchantWallet, nil), &w)
	return &w
}

func TestMemberValidation(t *testing.T) {
	m := newTestMock(t)
	createMember(t, m, buyerReq("taken"))
	type request = craftgate.CreateMemberRequest
	buyer := func(edit func(*request)) request { r := buyerReq("a"); edit(&r); return r }
	seller := func(memberType string, edit func(*request)) request {
		r := sellerReq("a", memberType)
		edit(&r)
		return r
	}
	ltd := craftgate.MemberTypeLimitedCompany
	cases := []struct {
		name string
		req  request
		code string
		desc string
	}{
		{"no external id", buyerReq(""), CodeRequiredField, "memberExternalId"},
		{"neither buyer nor seller", buyer(func(r *request) { r.IsBuyer = false }), CodeInvalidMember, "buyer"},
		{"no address", buyer(func(r *request) { r.Address = "" }), CodeRequiredField, "address"},
		{"no email", buyer(func(r *request) { r.Email = "" }), CodeRequiredField, "email"},
		{"bad email", buyer(func(r *request) { r.Email = "x@" }), CodeInvalidMember, "e-mail"},
		{"no phone", buyer(func(r *request) { r.PhoneNumber = "" }), CodeRequiredField, "phoneNumber"},
		{"buyer without contact name", buyer(func(r *request) { r.ContactName = "" }), CodeRequiredField, "contactName"},
		{"seller without type", sellerReq("a", ""), CodeRequiredField, "memberType"},
		{"seller bad type", sellerReq("a", "NGO"), CodeInvalidMember, "memberType"},
		{"personal seller without surname", seller(craftgate.MemberTypePersonal, func(r *request) { r.ContactSurname = "" }), CodeRequiredField, "contactSurname"},
		{"private company without tax office", seller(craftgate.MemberTypePrivateCompany, func(r *request) { r.TaxOffice = "" }), CodeRequiredField, "taxOffice"},
		{"limited company without name", seller(ltd, func(r *request) { r.Name = "" }), CodeRequiredField, "name"},
		{"limited company without legal title", seller(ltd, func(r *request) { r.LegalCompanyTitle = "" }), CodeRequiredField, "legalCompanyTitle"},
		{"seller paid to IBAN without one", seller(ltd, func(r *request) { r.IBAN = "" }), CodeRequiredField, "iban"},
		{"IBAN check digits wrong", seller(ltd, func(r *request) { r.IBAN = "TR340006100519786457841326" }), CodeInvalidIBAN, "TR IBAN"},
		{"foreign IBAN", seller(ltd, func(r *request) { r.IBAN = "DE89370400440532013000" }), CodeInvalidIBAN, "TR IBAN"},
		{"tax number not digits", seller(ltd, func(r *request) { r.TaxNumber = "12345X7890" }), CodeInvalidMember, "taxNumber"},
		{"bad destination", seller(ltd, func(r *request) { r.SettlementEarningsDestination = "CASH" }), CodeInvalidMember, "settlementEarningsDestination"},
		{"negative allowed balance", seller(ltd, func(r *request) { a := amt("-1"); r.SubMerchantMaximumAllowedNegativeBalance = &a }), CodeInvalidAmount, "subMerchantMaximumAllowedNegativeBalance"},
		{"external id taken", buyerReq("taken"), CodeMemberExternalIDTaken, "taken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMembers, tc.req))
			if e.ErrorCode != tc.code || !contains(e.ErrorDescription, tc.desc) {
				t.Fatalf("got %s %q, want %s naming %q", e.ErrorCode, e.ErrorDescription, tc.code, tc.desc)
			}
		})
	}
}

func TestMemberKindsAccepted(t *testing.T) {
	m := newTestMock(t)
	wallet := sellerReq("w", craftgate.MemberTypePersonal)
	wallet.IBAN, wallet.SettlementEarningsDestination = "", craftgate.SettlementToWallet
	wallet.LegalCompanyTitle, wallet.TaxOffice, wallet.TaxNumber = "", "", ""
	spaced := sellerReq("s", craftgate.MemberTypeLimitedCompany)
	spaced.IBAN = "tr33 0006 1005 1978 6457 8413 26"
	both := sellerReq("b", craftgate.MemberTypePrivateCompany)
	both.IsBuyer = true
	for _, req := range []craftgate.CreateMemberRequest{buyerReq("buyer"), sellerReq("p", craftgate.MemberTypePersonal), both, spaced, wallet} {
		mb := createMember(t, m, req)
		if mb.ID == 0 || mb.Status != "ACTIVE" || mb.MemberExternalID != req.MemberExternalID || mb.CreatedDate == "" {
			t.Fatalf("%+v", mb)
		}
		if req.IBAN != "" && mb.IBAN != validIBAN {
			t.Fatalf("iban %q, want %q", mb.IBAN, validIBAN)
		}
	}
}

func TestMemberRetrieveUpdateSearch(t *testing.T) {
	m := newTestMock(t)
	b := createMember(t, m, buyerReq("b1"))
	s := createMember(t, m, sellerReq("s1", craftgate.MemberTypeLimitedCompany))
	var got craftgate.Member
	data(t, do(t, m, http.MethodGet, craftgate.PathMembers+"/"+strconv.FormatInt(b.ID, 10), nil), &got)
	if got.ID != b.ID || got.ContactName != "Haluk" {
		t.Fatalf("%+v", got)
	}
	upd := craftgate.UpdateMemberRequest{Address: "Moda 9", Email: "new@example.com", PhoneNumber: "905559999999",
		IsBuyer: true, ContactName: "Haluk", ContactSurname: "Demirci"}
	data(t, do(t, m, http.MethodPut, craftgate.PathMembers+"/"+strconv.FormatInt(b.ID, 10), upd), &got)
	if got.Address != "Moda 9" || got.ContactSurname != "Demirci" || got.MemberExternalID != "b1" {
		t.Fatalf("%+v", got)
	}
	upd.Email = ""
	if e := validationError(t, do(t, m, http.MethodPut, craftgate.PathMembers+"/"+strconv.FormatInt(b.ID, 10), upd)); e.ErrorCode != CodeRequiredField {
		t.Fatal(e)
	}
	if e := errorBody(t, do(t, m, http.MethodGet, craftgate.PathMembers+"/1", nil), http.StatusNotFound); e.ErrorCode != CodeMemberNotFound {
		t.Fatal(e)
	}
	yes := true
	for _, tc := range []struct {
		req  craftgate.SearchMembersRequest
		want []int64
	}{
		{craftgate.SearchMembersRequest{}, []int64{b.ID, s.ID}},
		{craftgate.SearchMembersRequest{IsSubMerchant: &yes}, []int64{s.ID}},
		{craftgate.SearchMembersRequest{IsBuyer: &yes}, []int64{b.ID}},
		{craftgate.SearchMembersRequest{MemberExternalID: "s1"}, []int64{s.ID}},
		{craftgate.SearchMembersRequest{Name: "shop"}, []int64{s.ID}},
		{craftgate.SearchMembersRequest{MemberIDs: []int64{b.ID, 7}}, []int64{b.ID}},
		{craftgate.SearchMembersRequest{MemberType: craftgate.MemberTypePersonal}, nil},
		{craftgate.SearchMembersRequest{Page: 1, Size: 1}, []int64{s.ID}},
	} {
		var l craftgate.MemberList
		data(t, do(t, m, http.MethodGet, craftgate.PathMembers+"?"+tc.req.Query().Encode(), nil), &l)
		var ids []int64
		for _, it := range l.Items {
			ids = append(ids, it.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
			t.Errorf("%+v: %v, want %v", tc.req, ids, tc.want)
		}
	}
	if e := validationError(t, do(t, m, http.MethodGet, craftgate.PathMembers+"?isBuyer=maybe", nil)); e.ErrorCode != CodeInvalidQuery {
		t.Fatal(e)
	}
}

// webhookMock is a test mock whose webhooks are recorded but, on its
// stopped clock, never delivered.
func webhookMock(t testing.TB) *Mock {
	m := newTestMock(t, func(c *Config) { c.Settings.WebhookURL = "http://127.0.0.1:9/hooks" })
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	return m
}

func TestWalletLifecycle(t *testing.T) {
	m := webhookMock(t)
	b := createMember(t, m, buyerReq("b"))
	w := createWallet(t, m, b.ID, "10")
	if w.MemberID != b.ID || !amountEq(w.Amount, "0") || !amountEq(w.NegativeAmountLimit, "10") || w.Currency != "TRY" {
		t.Fatalf("%+v", w)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.MemberWalletsPath(b.ID), craftgate.CreateWalletRequest{})); e.ErrorCode != CodeWalletExists {
		t.Fatal(e)
	}
	if e := errorBody(t, do(t, m, http.MethodPost, craftgate.MemberWalletsPath(5), craftgate.CreateWalletRequest{}), http.StatusNotFound); e.ErrorCode != CodeMemberNotFound {
		t.Fatal(e)
	}
	hs := m.Webhooks(strconv.FormatInt(w.ID, 10), EventWalletCreated)
	if len(hs) != 1 {
		t.Fatalf("WALLET_CREATED: %+v", hs)
	}
	var created struct {
		Currency            string           `json:"currency"`
		WalletID            int64            `json:"walletId"`
		MemberID            int64            `json:"memberId"`
		NegativeAmountLimit craftgate.Amount `json:"negativeAmountLimit"`
	}
	if err := json.Unmarshal(hs[0].Payload, &created); err != nil || created.Currency != "TRY" || created.WalletID != w.ID ||
		!amountEq(created.NegativeAmountLimit, "10") || created.MemberID != b.ID {
		t.Fatalf("%s %v", hs[0].Payload, err)
	}

	// Remittance in, then out beyond the limit, then out within it.
	var r craftgate.Remittance
	data(t, do(t, m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("25.50"), Currency: "TRY", Description: "loyalty"}), &r)
	if r.RemittanceType != "SEND" || r.RemittanceReasonType != "REDEEM_ONLY_LOYALTY" || !amountEq(r.Price, "25.5") {
		t.Fatalf("%+v", r)
	}
	e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRemittancesReceive, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("35.51"), Currency: "TRY", Description: "back"}))
	if e.ErrorCode != CodeInsufficientWalletBalance {
		t.Fatal(e)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathRemittancesReceive, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("35.50"), Currency: "TRY", Description: "back"}), &r)
	if got := memberWallet(t, m, b.ID); !amountEq(got.Amount, "-10") {
		t.Fatalf("balance %s, want -10", got.Amount)
	}
	if got := merchantWallet(t, m); !amountEq(got.Amount, "10") {
		t.Fatalf("merchant balance %s, want 10", got.Amount)
	}
	// Retrieve: GET (clients) and POST (docs) both answer.
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var got craftgate.Remittance
		data(t, do(t, m, method, craftgate.PathRemittances+"/"+strconv.FormatInt(r.ID, 10), nil), &got)
		if !sameJSON(t, got, r) {
			t.Fatalf("%s: %+v, want %+v", method, got, r)
		}
	}
	// Limit raised by update, then the wallet can pay more.
	var upd craftgate.Wallet
	data(t, do(t, m, http.MethodPut, craftgate.MemberWalletsPath(b.ID)+"/"+strconv.FormatInt(w.ID, 10), craftgate.UpdateWalletRequest{NegativeAmountLimit: amt("20")}), &upd)
	if !amountEq(upd.NegativeAmountLimit, "20") || !amountEq(upd.Amount, "-10") {
		t.Fatalf("%+v", upd)
	}
	if e := errorBody(t, do(t, m, http.MethodPut, craftgate.MemberWalletsPath(b.ID)+"/1", craftgate.UpdateWalletRequest{}), http.StatusNotFound); e.ErrorCode != CodeWalletNotFound {
		t.Fatal(e)
	}

	// Fund transfer and card deposits.
	var ft craftgate.FundTransferDeposit
	data(t, do(t, m, http.MethodPost, craftgate.PathDepositsFundTransfer, craftgate.FundTransferDepositRequest{Price: amt("100"), Currency: "TRY", BuyerMemberID: b.ID}), &ft)
	if ft.WalletTransaction == nil || ft.WalletTransaction.WalletTransactionType != craftgate.WalletTxDepositFromFundTransfer {
		t.Fatalf("%+v", ft)
	}
	card := &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}
	var dp craftgate.DepositPayment
	wd := do(t, m, http.MethodPost, craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("40.25"), Currency: "TRY", BuyerMemberID: b.ID, Card: card})
	noPAN(t, wd, successCard)
	data(t, wd, &dp)
	if dp.PaymentType != "DEPOSIT_PAYMENT" || dp.PaymentStatus != "SUCCESS" || dp.AuthCode == "" || dp.WalletTransaction.WalletID != w.ID {
		t.Fatalf("%+v", dp)
	}
	declined := *card
	declined.CardNumber = cardCompleteFails
	if e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("1"), Currency: "TRY", BuyerMemberID: b.ID, Card: &declined}), http.StatusUnprocessableEntity); e.ErrorGroup != "NOT_SUFFICIENT_FUNDS" {
		t.Fatal(e)
	}
	if got := memberWallet(t, m, b.ID); !amountEq(got.Amount, "130.25") {
		t.Fatalf("balance %s, want 130.25 (-10 + 100 + 40.25)", got.Amount)
	}

	// Movements, oldest first, each with its WALLET_TX_CREATED.
	var l craftgate.WalletTransactionList
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(w.ID), nil), &l)
	want := []string{"REMITTANCE 25.5", "REMITTANCE -35.5", "DEPOSIT_FROM_FUND_TRANSFER 100", "DEPOSIT_FROM_CARD 40.25"}
	var got []string
	for _, it := range l.Items {
		got = append(got, it.WalletTransactionType+" "+it.Amount.String())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || l.TotalSize != 4 {
		t.Fatalf("%v, want %v", got, want)
	}
	if hs := m.Webhooks(strconv.FormatInt(w.ID, 10), EventWalletTxCreated); len(hs) != 4 ||
		!contains(string(hs[3].Payload), `"walletTransactionType":"DEPOSIT_FROM_CARD"`) || !contains(string(hs[3].Payload), `"amount":40.25`) {
		t.Fatalf("%d WALLET_TX_CREATED: %+v", len(hs), hs)
	}
	q := craftgate.SearchWalletTransactionsRequest{WalletTransactionTypes: []string{"REMITTANCE"}, MinAmount: ptrAmt("0")}
	data(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(w.ID)+"?"+q.Query().Encode(), nil), &l)
	if len(l.Items) != 1 || !amountEq(l.Items[0].Amount, "25.5") {
		t.Fatalf("%+v", l)
	}
	if e := validationError(t, do(t, m, http.MethodGet, craftgate.WalletTransactionsPath(w.ID)+"?walletTransactionType=GIFT", nil)); e.ErrorCode != CodeInvalidQuery {
		t.Fatal(e)
	}

	// Merchant reset: only with the current balance.
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMerchantWalletReset, craftgate.ResetMerchantWalletRequest{WalletAmount: amt("9")})); e.ErrorCode != CodeWalletBalanceMismatch {
		t.Fatal(e)
	}
	var mw craftgate.Wallet
	data(t, do(t, m, http.MethodPost, craftgate.PathMerchantWalletReset, craftgate.ResetMerchantWalletRequest{WalletAmount: amt("10")}), &mw)
	if !amountEq(mw.Amount, "0") {
		t.Fatalf("%+v", mw)
	}
}

func ptrAmt(s string) *craftgate.Amount { a := amt(s); return &a }

func TestWalletMoveErrors(t *testing.T) {
	m := newTestMock(t)
	b := createMember(t, m, buyerReq("b"))
	noWallet := createMember(t, m, buyerReq("n"))
	createWallet(t, m, b.ID, "0")
	card := &craftgate.Card{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireYear: "2044", ExpireMonth: "07", CVC: "000"}
	cases := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"send without description", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("1"), Currency: "TRY"}, 400, CodeRequiredField},
		{"send zero", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("0"), Currency: "TRY", Description: "x"}, 400, CodeRequiredField},
		{"send other currency", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("1"), Currency: "USD", Description: "x"}, 400, CodeWalletCurrencyMismatch},
		{"send to member without wallet", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: noWallet.ID, Price: amt("1"), Currency: "TRY", Description: "x"}, 404, CodeWalletNotFound},
		{"send to unknown member", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: 3, Price: amt("1"), Currency: "TRY", Description: "x"}, 404, CodeMemberNotFound},
		{"receive from empty wallet", craftgate.PathRemittancesReceive, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("0.01"), Currency: "TRY", Description: "x"}, 400, CodeInsufficientWalletBalance},
		{"bad reason", craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: b.ID, Price: amt("1"), Currency: "TRY", Description: "x", RemittanceReasonType: "a b"}, 400, CodeInvalidQuery},
		{"deposit without card", craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("1"), Currency: "TRY", BuyerMemberID: b.ID}, 400, CodeRequiredField},
		{"deposit without member", craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("1"), Currency: "TRY", Card: card}, 400, CodeRequiredField},
		{"deposit to member without wallet", craftgate.PathDeposits, craftgate.DepositRequest{Price: amt("1"), Currency: "TRY", BuyerMemberID: noWallet.ID, Card: card}, 404, CodeWalletNotFound},
		{"deposit too precise", craftgate.PathDepositsFundTransfer, craftgate.FundTransferDepositRequest{Price: amt("1.000000001"), Currency: "TRY", BuyerMemberID: b.ID}, 400, CodeInvalidAmount},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if e := errorBody(t, do(t, m, http.MethodPost, tc.path, tc.body), tc.status); e.ErrorCode != tc.code {
				t.Fatalf("%+v, want %s", e, tc.code)
			}
		})
	}
	if w := memberWallet(t, m, b.ID); !amountEq(w.Amount, "0") {
		t.Fatalf("a refused move changed the balance: %s", w.Amount)
	}
	if mw := merchantWallet(t, m); !amountEq(mw.Amount, "0") {
		t.Fatalf("a refused move changed the merchant's balance: %s", mw.Amount)
	}
}

// TestWalletConservation runs concurrent deposits and remittances in both
// directions, many refused for insufficient balance, and checks that the
// wallets hold exactly what came in: the sum of every member wallet and the
// merchant's equals the deposits, and every wallet's balance equals the sum
// of its recorded movements and stays above its floor.
func TestWalletConservation(t *testing.T) {
	m := newTestMock(t)
	const members, workers, perWorker = 8, 8, 500
	ids := make([]int64, members)
	for i := range ids {
		ids[i] = createMember(t, m, buyerReq("c"+strconv.Itoa(i))).ID
		createWallet(t, m, ids[i], strconv.Itoa(i)) // floors 0..7
	}
	var mu sync.Mutex
	var deposited money
	concurrently(t, workers, perWorker, 0, func(x uint64) *httptest.ResponseRecorder {
		member := ids[x%members]
		price := money(1+x>>8%5000) * moneyCent // 0.01 .. 50.00
		switch x >> 40 % 3 {
		case 0:
			w := do(t, m, http.MethodPost, craftgate.PathDepositsFundTransfer, craftgate.FundTransferDepositRequest{Price: price.toAmount(), Currency: "TRY", BuyerMemberID: member})
			if w.Code == http.StatusOK {
				mu.Lock()
				deposited += price
				mu.Unlock()
			}
			return w
		case 1:
			return do(t, m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: member, Price: price.toAmount(), Currency: "TRY", Description: "gift"})
		default:
			return do(t, m, http.MethodPost, craftgate.PathRemittancesReceive, craftgate.RemittanceRequest{MemberID: member, Price: (3 * price).toAmount(), Currency: "TRY", Description: "back"})
		}
	})
	if total := walletsBalanced(t, m); total != deposited {
		t.Fatalf("wallets hold %s, deposits brought %s", total, deposited)
	}
}
