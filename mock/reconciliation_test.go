package mock

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/xuri/excelize/v2"
)

// get sends a signed GET with a query.
func get(t testing.TB, m http.Handler, path string, q url.Values) *httptest.ResponseRecorder {
	t.Helper()
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return do(t, m, http.MethodGet, path, nil)
}

func searchPayments(t testing.TB, m http.Handler, q url.Values) craftgate.ReportingPaymentList {
	t.Helper()
	var out craftgate.ReportingPaymentList
	data(t, get(t, m, craftgate.PathReportingPayments, q), &out)
	return out
}

func ids(list craftgate.ReportingPaymentList) []int64 {
	var out []int64
	for _, p := range list.Items {
		out = append(out, p.ID)
	}
	return out
}

// TestReportingSearchFilters pays by card (one declined), by 3-D Secure
// pending, and by APM, and checks that each filter of the payment search
// finds exactly what it should, newest first, with paging.
func TestReportingSearchFilters(t *testing.T) {
	m := newTestMock(t)
	a := paymentRequest(successCard)
	a.ConversationID, a.ExternalID = "conv-a", "ext-a"
	pa := pay(t, m, a)
	b := paymentRequest(successCard)
	b.ConversationID, b.Installment, b.Price, b.PaidPrice = "conv-b", 3, amt("200"), amt("210")
	b.Items = []craftgate.PaymentItem{{Name: "x", Price: amt("200")}}
	pb := pay(t, m, b)
	declined := paymentRequest(craftgate.TestCards().FailingAt(craftgate.StepNon3DSPayment)[0].Number)
	declined.ConversationID = "conv-declined"
	if w := do(t, m, http.MethodPost, craftgate.PathCardPayments, declined); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("declined card: %d %s", w.Code, w.Body.String())
	}
	var apm craftgate.Payment
	data(t, do(t, m, http.MethodPost, craftgate.PathApmPayments, &craftgate.CreateApmPaymentRequest{ApmType: craftgate.ApmCashOnDelivery,
		Price: amt("10"), PaidPrice: amt("10"), Currency: "TRY", ConversationID: "conv-apm", Items: []craftgate.PaymentItem{{Name: "a", Price: amt("10")}}}), &apm)

	all := searchPayments(t, m, nil)
	if all.TotalSize != 4 || len(all.Items) != 4 || all.Items[0].ID != apm.ID || all.Items[3].ID != pa.ID {
		t.Fatalf("all: total %d, ids %v", all.TotalSize, ids(all))
	}
	txID := strconv.FormatInt(pa.PaymentTransactions[1].ID, 10)
	for _, tc := range []struct {
		name string
		q    url.Values
		want []int64
	}{
		{"conversationId", url.Values{"conversationId": {"conv-b"}}, []int64{pb.ID}},
		{"externalId", url.Values{"externalId": {"ext-a"}}, []int64{pa.ID}},
		{"paymentId", url.Values{"paymentId": {strconv.FormatInt(pb.ID, 10)}}, []int64{pb.ID}},
		{"paymentTransactionId", url.Values{"paymentTransactionId": {txID}}, []int64{pa.ID}},
		{"paymentType APM", url.Values{"paymentType": {"APM"}}, []int64{apm.ID}},
		{"paymentStatus SUCCESS card", url.Values{"paymentStatus": {"SUCCESS"}, "paymentType": {"CARD_PAYMENT"}}, []int64{pb.ID, pa.ID}},
		{"installment", url.Values{"installment": {"3"}}, []int64{pb.ID}},
		{"min and max paid price", url.Values{"minPaidPrice": {"100"}, "maxPaidPrice": {"205.5"}, "paymentStatus": {"SUCCESS"}}, []int64{pa.ID}},
		{"lastFourDigits", url.Values{"lastFourDigits": {successCard[12:]}, "paymentStatus": {"SUCCESS"}}, []int64{pb.ID, pa.ID}},
		{"binNumber", url.Values{"binNumber": {successCard[:6]}}, []int64{pb.ID, pa.ID}},
		{"isThreeDS", url.Values{"isThreeDS": {"true"}}, nil},
		{"currency", url.Values{"currency": {"USD"}}, nil},
		{"dates", url.Values{"minCreatedDate": {"2025-06-15T00:00:00"}, "maxCreatedDate": {"2025-06-15T23:59:59"}, "size": {"1"}}, []int64{apm.ID}},
		{"page", url.Values{"page": {"1"}, "size": {"3"}}, []int64{pa.ID}},
		{"no match", url.Values{"minCreatedDate": {"2025-06-16T00:00:00"}}, nil},
	} {
		got := ids(searchPayments(t, m, tc.q))
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	}
	for _, q := range []url.Values{{"size": {"100000"}}, {"page": {"-1"}}, {"currency": {"XXX"}}, {"minPaidPrice": {"ten"}},
		{"isThreeDS": {"maybe"}}, {"paymentId": {"x"}}, {"minCreatedDate": {"yesterday"}}} {
		validationError(t, get(t, m, craftgate.PathReportingPayments, q))
	}
}

// TestReportingRefunds refunds part of an item and checks that the
// refund appears in both refund searches and in the payment's views, and
// that refundablePrice went down by the refunded amount.
func TestReportingRefunds(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	tx := p.PaymentTransactions[0]
	var r craftgate.PaymentTransactionRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID,
		RefundPrice: amt("10.50"), ConversationID: "partial-1"}), &r)

	var rp craftgate.ReportingPayment
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID), nil), &rp)
	if !amountEq(rp.RefundablePrice, "89.5") || rp.RefundStatus != "PARTIAL_REFUNDED" || len(rp.Refunds) != 1 ||
		rp.Refunds[0].ID != r.ID || !amountEq(rp.Refunds[0].RefundPrice, "10.5") || rp.Refunds[0].PaymentType != craftgate.PaymentTypeCard {
		t.Fatalf("reporting payment: %+v", rp)
	}
	var refunds craftgate.ReportingRefundList
	data(t, get(t, m, craftgate.PathReportingRefunds, url.Values{"paymentId": {itoa(p.ID)}}), &refunds)
	if refunds.TotalSize != 1 || refunds.Items[0].RefundType != craftgate.RefundTypeRefund || refunds.Items[0].ConversationID != "partial-1" {
		t.Fatalf("refund search: %+v", refunds)
	}
	var txRefunds craftgate.ReportingTransactionRefundList
	data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"paymentTransactionId": {itoa(tx.ID)}, "minRefundPrice": {"10"}}), &txRefunds)
	if txRefunds.TotalSize != 1 || txRefunds.Items[0].PaymentTransactionID != tx.ID {
		t.Fatalf("transaction refund search: %+v", txRefunds)
	}
	data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"minRefundPrice": {"11"}}), &txRefunds)
	if txRefunds.TotalSize != 0 {
		t.Fatalf("minRefundPrice 11 found %+v", txRefunds)
	}
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID)+"/transactions/"+itoa(tx.ID)+"/refunds", nil), &txRefunds)
	if len(txRefunds.Items) != 1 {
		t.Fatalf("item refunds: %+v", txRefunds)
	}
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID)+"/refunds", nil), &refunds)
	if len(refunds.Items) != 1 {
		t.Fatalf("payment refunds: %+v", refunds)
	}
	var txs craftgate.ReportingTransactionList
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID)+"/transactions", nil), &txs)
	if len(txs.Items) != 3 || txs.Items[0].RefundStatus != "PARTIAL_REFUNDED" || !amountEq(*txs.Items[0].RefundablePrice, "19.5") ||
		txs.Items[1].RefundStatus != "NOT_REFUNDED" || merchantPayout(txs.Items[0].PayoutStatus) != craftgate.PayoutStatusWaitingForPayout {
		t.Fatalf("transactions: %+v", txs.Items)
	}
	for _, path := range []string{"/999", "/abc", "/" + itoa(p.ID) + "/transactions/12/refunds"} {
		errorBody(t, get(t, m, craftgate.PathReportingPayments+path, nil), http.StatusNotFound)
	}
}

// TestReportFiles downloads the day's transaction and payment reports as
// CSV and XLSX, parses them and compares them with the payments made.
func TestReportFiles(t *testing.T) {
	m := newTestMock(t)
	made := map[string]bool{}
	for i := range 3 {
		r := paymentRequest(successCard)
		r.ConversationID = "file-" + strconv.Itoa(i)
		made[itoa(pay(t, m, r).ID)] = true
	}
	first := pay(t, m, paymentRequest(successCard))
	made[itoa(first.ID)] = true
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
		PaymentTransactionID: first.PaymentTransactions[0].ID, RefundPrice: amt("5")}), &craftgate.PaymentTransactionRefund{})
	m.Advance(24 * time.Hour)
	pay(t, m, paymentRequest(successCard)) // another day: not in the report

	for _, typ := range []string{"CSV", "XLSX"} {
		w := get(t, m, craftgate.PathTransactionReports, url.Values{"reportDate": {"2025-06-15"}, "fileType": {typ}})
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", typ, w.Code, w.Body.String())
		}
		rows := parseReport(t, typ, w.Body.Bytes())
		if len(rows[0]) != len(transactionColumns) || rows[0][0] != "transactionType" {
			t.Fatalf("%s header %v", typ, rows[0])
		}
		seen := map[string]int{}
		refunds := 0
		for _, row := range rows[1:] {
			switch row[0] {
			case "PAYMENT":
				seen[row[2]]++
				if row[16] == "" || row[16][6:12] != "******" {
					t.Errorf("%s card column %q not masked", typ, row[16])
				}
			case "REFUND":
				refunds++
				if row[2] != itoa(first.ID) || row[12] != "5" {
					t.Errorf("%s refund row %v", typ, row)
				}
			}
		}
		for id := range made {
			if seen[id] != 1 {
				t.Errorf("%s: payment %s appears %d times", typ, id, seen[id])
			}
		}
		if len(seen) != len(made) || refunds != 1 {
			t.Errorf("%s: %d payments, %d refunds: %v", typ, len(seen), refunds, rows)
		}
		w = get(t, m, craftgate.PathPaymentReports, url.Values{"reportDate": {"2025-06-15"}, "fileType": {typ}})
		prow := parseReport(t, typ, w.Body.Bytes())
		if len(prow) != 1+len(made) || prow[0][0] != "paymentId" {
			t.Errorf("%s payment report: %v", typ, prow)
		}
	}
	for _, q := range []url.Values{{"reportDate": {"2025-06-17"}, "fileType": {"CSV"}}, {"reportDate": {"2025-06-15"}, "fileType": {"PDF"}},
		{"reportDate": {"15.06.2025"}, "fileType": {"CSV"}}, {"fileType": {"CSV"}}, {"reportDate": {"2025-06-15"}}} {
		validationError(t, get(t, m, craftgate.PathTransactionReports, q))
	}
	var d craftgate.ReportDemand
	data(t, do(t, m, http.MethodPost, craftgate.PathReportDemands, craftgate.ReportDemandRequest{StartDate: "2025-06-15T00:00:00",
		EndDate: "2025-06-16T23:59:59", ReportType: "PAYMENT", ReportPeriod: "DAILY"}), &d)
	w := get(t, m, craftgate.PathReports+"/"+itoa(d.ID), url.Values{"fileType": {"CSV"}})
	if rows := parseReport(t, "CSV", w.Body.Bytes()); len(rows) != 1+len(made)+1 {
		t.Errorf("demanded report: %d rows", len(rows))
	}
	errorBody(t, get(t, m, craftgate.PathReports+"/77", url.Values{"fileType": {"CSV"}}), http.StatusNotFound)
	validationError(t, do(t, m, http.MethodPost, craftgate.PathReportDemands, craftgate.ReportDemandRequest{StartDate: "2025-07-01T00:00:00",
		EndDate: "2025-07-02T00:00:00", ReportType: "PAYMENT"}))
}

// parseReport parses a CSV or XLSX report into rows of text.
func parseReport(t testing.TB, typ string, b []byte) [][]string {
	t.Helper()
	if typ == "CSV" {
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v", err)
		}
		return rows
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Report")
	if err != nil {
		t.Fatalf("XLSX rows: %v", err)
	}
	return rows
}

// delayedSeller creates a limited-company seller whose items are paid out
// after a blockage of days, and returns its member id.
func delayedSeller(t *testing.T, m *Mock, externalID string, days int) int64 {
	t.Helper()
	req := sellerReq(externalID, craftgate.MemberTypeLimitedCompany)
	req.SettlementDelayCount = &days
	return createMember(t, m, req).ID
}

// TestSettlementPayouts pays a marketplace basket to a seller with two
// blockage days, and checks that the payout row appears only once the
// item is approved and the clock has passed the blockage, with the net
// amount after a partial refund.
func TestSettlementPayouts(t *testing.T) {
	m := newTestMock(t)
	seller := delayedSeller(t, m, "payee", 2)
	bounce := sellerReq("no-iban", craftgate.MemberTypeLimitedCompany)
	bounce.IBAN = bounceIBAN
	bouncer := createMember(t, m, bounce).ID
	p := splitPayment(t, m, [3]int64{seller, seller, bouncer}, craftgate.PaymentGroupProduct)
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
		PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("15")}), &craftgate.PaymentTransactionRefund{})
	rows := func() []craftgate.PayoutRow {
		var out craftgate.PayoutRowList
		data(t, get(t, m, craftgate.PathSettlementFileRows, url.Values{"fileStatus": {"APPROVED"}, "startDate": {"2025-06-01T00:00:00"},
			"endDate": {"2025-07-01T00:00:00"}}), &out)
		return out.Items
	}
	sellerRow := func() *craftgate.PayoutRow {
		for _, r := range rows() {
			if r.MerchantID == seller {
				return &r
			}
		}
		return nil
	}
	if r := rows(); len(r) != 0 {
		t.Fatalf("rows before any blockage: %+v", r)
	}
	m.Advance(24 * time.Hour)
	if r := rows(); len(r) != 1 || r[0].MerchantType != craftgate.MerchantTypeMerchant || !amountEq(r[0].PayoutAmount, "11.5") {
		// the merchant keeps 15 - 13.5 of item 1, 8 of item 2, 2 of item 3
		t.Fatalf("merchant row after a day: %+v", r)
	}
	m.Advance(24 * time.Hour)
	if r := sellerRow(); r != nil {
		t.Fatalf("paid out before approval: %+v", r)
	}
	approve(t, m, craftgate.PathApprovePaymentTransactions, false, p.PaymentTransactions[0].ID, p.PaymentTransactions[1].ID, p.PaymentTransactions[2].ID)
	r := sellerRow()
	if r == nil || !amountEq(r.PayoutAmount, "55.5") || r.PayoutDate != "2025-06-17T00:00:00" || r.IBAN == "" {
		// 27 scaled by 15/30 left, plus 42
		t.Fatalf("seller row: %+v (all %+v)", r, rows())
	}
	var txs craftgate.ReportingTransactionList
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID)+"/transactions", nil), &txs)
	if merchantPayout(txs.Items[1].PayoutStatus) != craftgate.PayoutStatusPayoutCompleted || txs.Items[1].BlockageResolvedDate != "2025-06-17T00:00:00" {
		t.Errorf("transaction payout state: %+v", txs.Items[1])
	}
	var d craftgate.PayoutDetail
	data(t, get(t, m, craftgate.PathPayoutDetails+"/"+itoa(r.PayoutID), nil), &d)
	if len(d.PayoutTransactions) != 2 || d.BounceStatus != "NOT_BOUNCED" || !amountEq(d.PayoutAmount, "55.5") {
		t.Errorf("detail: %+v", d)
	}
	var bounced craftgate.PayoutBouncedList
	data(t, get(t, m, craftgate.PathBouncedSubMerchantRows, url.Values{"startDate": {"2025-06-01T00:00:00"}, "endDate": {"2025-07-01T00:00:00"}}), &bounced)
	if len(bounced.Items) != 1 || !amountEq(bounced.Items[0].PayoutAmount, "18") {
		t.Errorf("bounced: %+v", bounced)
	}
	var done craftgate.PayoutCompletedList
	data(t, get(t, m, craftgate.PathPayoutCompletedTransactions, url.Values{"startDate": {"2025-06-17T00:00:00"}, "endDate": {"2025-06-17T00:00:00"},
		"settlementFileId": {"20250617"}}), &done)
	if done.TotalSize != 2 || done.Items[0].PayoutID != r.PayoutID {
		t.Errorf("completed: %+v", done)
	}
	errorBody(t, get(t, m, craftgate.PathPayoutDetails+"/12", nil), http.StatusNotFound)
	validationError(t, get(t, m, craftgate.PathSettlementFileRows, url.Values{"fileStatus": {"APPROVED"}}))
	validationError(t, get(t, m, craftgate.PathSettlementFileRows, url.Values{"startDate": {"2025-06-01T00:00:00"}, "endDate": {"2025-07-01T00:00:00"}}))
}

// TestPayoutAccounts creates, searches, updates and deletes.
func TestPayoutAccounts(t *testing.T) {
	m := newTestMock(t)
	seller := createMember(t, m, sellerReq("s", craftgate.MemberTypeLimitedCompany)).ID
	var a craftgate.PayoutAccount
	data(t, do(t, m, http.MethodPost, craftgate.PathPayoutAccounts, craftgate.CreatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "ext-1",
		Currency: "USD", AccountOwner: "SUB_MERCHANT_MEMBER", SubMerchantMemberID: seller}), &a)
	var list craftgate.PayoutAccountList
	data(t, get(t, m, craftgate.PathPayoutAccounts, url.Values{"currency": {"USD"}, "subMerchantMemberId": {itoa(seller)}}), &list)
	if list.TotalSize != 1 || list.Items[0] != a {
		t.Fatalf("search: %+v", list)
	}
	if w := do(t, m, http.MethodPut, craftgate.PathPayoutAccounts+"/"+itoa(a.ID), craftgate.UpdatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "ext-2"}); w.Code != 200 {
		t.Fatalf("update: %s", w.Body.String())
	}
	data(t, get(t, m, craftgate.PathPayoutAccounts, nil), &list)
	if list.Items[0].ExternalAccountID != "ext-2" {
		t.Fatalf("after update: %+v", list)
	}
	if w := do(t, m, http.MethodDelete, craftgate.PathPayoutAccounts+"/"+itoa(a.ID), nil); w.Code != 200 {
		t.Fatalf("delete: %s", w.Body.String())
	}
	errorBody(t, do(t, m, http.MethodDelete, craftgate.PathPayoutAccounts+"/"+itoa(a.ID), nil), http.StatusNotFound)
	for _, bad := range []craftgate.CreatePayoutAccountRequest{{ExternalAccountID: "x", Currency: "USD", AccountOwner: "MERCHANT"},
		{Type: "BANK", ExternalAccountID: "x", Currency: "USD", AccountOwner: "MERCHANT"},
		{Type: "WISE", ExternalAccountID: "x", Currency: "USD", AccountOwner: "SUB_MERCHANT_MEMBER"}} {
		validationError(t, do(t, m, http.MethodPost, craftgate.PathPayoutAccounts, bad))
	}
}

// TestWithdrawals checks the balance rules: a withdrawal debits the
// wallet, one above the balance or in another currency is refused and
// changes nothing, a cancel credits it back, and it is paid out at
// midnight.
func TestWithdrawals(t *testing.T) {
	m := newTestMock(t)
	seller := createMember(t, m, sellerReq("w", craftgate.MemberTypeLimitedCompany)).ID
	createWallet(t, m, seller, "0")
	data(t, do(t, m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: seller, Price: amt("100"),
		Currency: "TRY", Description: "earnings"}), &craftgate.Remittance{})
	for _, bad := range []craftgate.CreateWithdrawRequest{{MemberID: seller, Price: amt("100.01"), Currency: "TRY"},
		{MemberID: seller, Price: amt("10"), Currency: "USD"}, {MemberID: seller, Price: amt("-1"), Currency: "TRY"}} {
		validationError(t, do(t, m, http.MethodPost, craftgate.PathWithdraws, bad))
		if w := memberWallet(t, m, seller); !amountEq(w.Amount, "100") {
			t.Fatalf("balance after a refusal: %s", w.Amount)
		}
	}
	var w1, w2 craftgate.Withdraw
	data(t, do(t, m, http.MethodPost, craftgate.PathWithdraws, craftgate.CreateWithdrawRequest{MemberID: seller, Price: amt("60"), Currency: "TRY"}), &w1)
	data(t, do(t, m, http.MethodPost, craftgate.PathWithdraws, craftgate.CreateWithdrawRequest{MemberID: seller, Price: amt("40"), Currency: "TRY"}), &w2)
	if w := memberWallet(t, m, seller); !amountEq(w.Amount, "0") || w1.PayoutStatus != craftgate.PayoutStatusWaitingForPayout {
		t.Fatalf("after withdrawals: %s %+v", w.Amount, w1)
	}
	var c craftgate.Withdraw
	data(t, do(t, m, http.MethodPost, craftgate.PathWithdraws+"/"+itoa(w2.ID)+"/cancel", nil), &c)
	if c.Status != "PASSIVE" || !amountEq(memberWallet(t, m, seller).Amount, "40") {
		t.Fatalf("cancel: %+v", c)
	}
	validationError(t, do(t, m, http.MethodPost, craftgate.PathWithdraws+"/"+itoa(w2.ID)+"/cancel", nil))
	m.Advance(24 * time.Hour)
	var got craftgate.Withdraw
	data(t, get(t, m, craftgate.PathWithdraws+"/"+itoa(w1.ID), nil), &got)
	if got.PayoutStatus != craftgate.PayoutStatusPayoutCompleted || got.PayoutID == 0 {
		t.Fatalf("paid out: %+v", got)
	}
	validationError(t, do(t, m, http.MethodPost, craftgate.PathWithdraws+"/"+itoa(w1.ID)+"/cancel", nil))
	var d craftgate.PayoutDetail
	data(t, get(t, m, craftgate.PathPayoutDetails+"/"+itoa(got.PayoutID), nil), &d)
	if d.MerchantID != seller || !amountEq(d.PayoutAmount, "60") || len(d.PayoutTransactions) != 1 ||
		d.PayoutTransactions[0].TransactionID != w1.ID || d.PayoutTransactions[0].TransactionType != "WITHDRAW" {
		t.Fatalf("the withdrawal's payout: %+v", d)
	}
	var done craftgate.PayoutCompletedList
	data(t, get(t, m, craftgate.PathPayoutCompletedTransactions, url.Values{"startDate": {"2025-06-01T00:00:00"}, "endDate": {"2025-07-01T00:00:00"},
		"settlementType": {"WITHDRAW"}}), &done)
	if done.TotalSize != 1 || done.Items[0].PayoutID != got.PayoutID {
		t.Fatalf("completed withdrawals: %+v", done)
	}
	var list craftgate.WithdrawList
	data(t, get(t, m, craftgate.PathWithdraws, url.Values{"memberId": {itoa(seller)}, "payoutStatus": {"PAYOUT_COMPLETED"}}), &list)
	if list.TotalSize != 1 || list.Items[0].ID != w1.ID {
		t.Fatalf("search: %+v", list)
	}
	errorBody(t, get(t, m, craftgate.PathWithdraws+"/999", nil), http.StatusNotFound)
}

// TestMarkAsRefunded records refunds made elsewhere: the payment's state
// changes as for a refund, and reporting shows them.
func TestMarkAsRefunded(t *testing.T) {
	m := newTestMock(t)
	p := pay(t, m, paymentRequest(successCard))
	var r craftgate.PaymentTransactionRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactionsMarkRefunded, craftgate.MarkTransactionAsRefundedRequest{
		PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("30")}), &r)
	validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactionsMarkRefunded, craftgate.MarkTransactionAsRefundedRequest{
		PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1")}))
	var list struct {
		Items []craftgate.PaymentTransactionRefund `json:"items"`
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundsMarkAsRefunded, craftgate.MarkAsRefundedRequest{PaymentID: p.ID}), &list)
	if len(list.Items) != 2 || retrieve(t, m, p.ID).RefundStatus != "FULLY_REFUNDED" {
		t.Fatalf("mark as refunded: %+v", list)
	}
	validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundsMarkAsRefunded, craftgate.MarkAsRefundedRequest{PaymentID: p.ID}))
	var rp craftgate.ReportingPayment
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(p.ID), nil), &rp)
	if len(rp.Refunds) != 3 || !amountEq(rp.RefundablePrice, "0") {
		t.Fatalf("reporting: %+v", rp)
	}
}

// TestBankAccountRecords injects transfers through the admin route and
// finds them.
func TestBankAccountRecords(t *testing.T) {
	m := newTestMock(t)
	var rec craftgate.BankAccountTrackingRecord
	data(t, do(t, m, http.MethodPost, pathBankRecords, map[string]any{"senderName": "Haluk Demir", "senderIban": validIBAN,
		"description": "Order 42", "currency": "TRY", "amount": 150.25}), &rec)
	data(t, do(t, m, http.MethodPost, pathBankRecords, map[string]any{"senderName": "Other", "currency": "USD", "amount": 1}), &craftgate.BankAccountTrackingRecord{})
	var list craftgate.BankAccountTrackingRecordList
	data(t, get(t, m, craftgate.PathBankAccountTrackingRecords, url.Values{"description": {"order 42"}, "currency": {"TRY"}}), &list)
	if list.TotalSize != 1 || list.Items[0].ID != rec.ID || !amountEq(list.Items[0].Amount, "150.25") || list.Items[0].RecordType != "RECEIVE" {
		t.Fatalf("search: %+v", list)
	}
	var one craftgate.BankAccountTrackingRecord
	data(t, get(t, m, craftgate.PathBankAccountTrackingRecords+"/"+itoa(rec.ID), nil), &one)
	if one.Key != rec.Key {
		t.Fatalf("retrieve: %+v", one)
	}
	errorBody(t, get(t, m, craftgate.PathBankAccountTrackingRecords+"/404", nil), http.StatusNotFound)
	validationError(t, do(t, m, http.MethodPost, pathBankRecords, map[string]any{"currency": "TRY", "amount": 1}))
}

// TestReportingPaymentKinds checks that payments of every kind appear in
// the reporting search with their type and status: a wallet payment, a
// card and wallet payment, a 3-D Secure payment still waiting for the
// buyer, and a BNPL loan.
func TestReportingPaymentKinds(t *testing.T) {
	m := newTestMock(t)
	buyer := walletBuyer(t, m, "rb", "150", "0")
	wallet := pay(t, m, walletPayment(buyer, "100"))
	mixed := pay(t, m, walletPayment(buyer, "40"))
	var init craftgate.InitThreeDSPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathThreeDSInit, threeDSRequest(successCard, "https://merchant.example/cb", false)), &init)
	loan, _ := bnplApply(t, m, bnplRequest(craftgate.BnplMaslak, "0064"), "apply")
	for _, tc := range []struct {
		q          url.Values
		id         int64
		typ, state string
	}{
		{url.Values{"paymentType": {craftgate.PaymentTypeWallet}}, wallet.ID, craftgate.PaymentTypeWallet, craftgate.StatusSuccess},
		{url.Values{"paymentType": {craftgate.PaymentTypeCardAndWallet}}, mixed.ID, craftgate.PaymentTypeCardAndWallet, craftgate.StatusSuccess},
		{url.Values{"isThreeDS": {"true"}}, init.PaymentID, craftgate.PaymentTypeCard, craftgate.StatusInitThreeDS},
		{url.Values{"paymentStatus": {craftgate.StatusInitThreeDS}}, init.PaymentID, craftgate.PaymentTypeCard, craftgate.StatusInitThreeDS},
		{url.Values{"paymentId": {itoa(loan)}}, loan, craftgate.PaymentTypeAPM, ""},
		{url.Values{"buyerMemberId": {itoa(buyer)}, "paymentType": {craftgate.PaymentTypeWallet}}, wallet.ID, craftgate.PaymentTypeWallet, craftgate.StatusSuccess},
	} {
		got := searchPayments(t, m, tc.q)
		if got.TotalSize != 1 || got.Items[0].ID != tc.id || got.Items[0].PaymentType != tc.typ || tc.state != "" && got.Items[0].PaymentStatus != tc.state {
			t.Errorf("%v: %+v", tc.q, got.Items)
		}
	}
	var rl craftgate.ReportingPayment
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(loan), nil), &rl)
	if !amountEq(rl.RefundablePrice, "100") || rl.RefundStatus != "NOT_REFUNDED" {
		t.Fatalf("BNPL loan before a refund: %+v", rl)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
		PaymentTransactionID: rl.PaymentTransactions[0].ID, RefundPrice: amt("10")}), &craftgate.PaymentTransactionRefund{})
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(loan), nil), &rl)
	if !amountEq(rl.RefundablePrice, "90") || rl.RefundStatus != "PARTIAL_REFUNDED" {
		t.Fatalf("BNPL loan after a refund of 10: %+v", rl)
	}
	var txs craftgate.ReportingTransactionList
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(init.PaymentID)+"/transactions", nil), &txs)
	if len(txs.Items) != 3 || txs.Items[0].PayoutStatus != nil || txs.Items[0].RefundStatus != "NO_REFUND" {
		t.Errorf("pending 3-D Secure transactions: %+v", txs.Items)
	}
}

// TestReconciliationWhilePaying runs searches, report files, payouts and
// withdrawals while payments and refunds are made: every answer is a 200
// and the money of the withdrawals adds up (run with -race).
func TestReconciliationWhilePaying(t *testing.T) {
	m := newTestMock(t)
	seller := createMember(t, m, sellerReq("c", craftgate.MemberTypeLimitedCompany)).ID
	createWallet(t, m, seller, "0")
	data(t, do(t, m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: seller, Price: amt("10"),
		Currency: "TRY", Description: "earnings"}), &craftgate.Remittance{})
	done := make(chan string, 8)
	for g := range 3 {
		go func() {
			for i := range 20 {
				var p craftgate.Payment
				w := do(t, m, http.MethodPost, craftgate.PathCardPayments, paymentRequest(successCard))
				if err := craftgate.DecodeResponse(w.Code, w.Body.Bytes(), &p); err != nil {
					done <- "payment: " + err.Error()
					return
				}
				if i%2 == g%2 {
					do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
						PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("1")})
				}
			}
			done <- ""
		}()
	}
	for _, path := range []string{craftgate.PathReportingPayments + "?size=5", craftgate.PathReportingRefundTransactions,
		craftgate.PathTransactionReports + "?reportDate=2025-06-15&fileType=XLSX",
		craftgate.PathSettlementFileRows + "?fileStatus=APPROVED&startDate=2025-06-01T00:00:00&endDate=2025-07-01T00:00:00"} {
		go func() {
			for range 10 {
				if w := do(t, m, http.MethodGet, path, nil); w.Code != http.StatusOK {
					done <- path + ": " + w.Body.String()
					return
				}
			}
			done <- ""
		}()
	}
	go func() {
		for range 20 {
			do(t, m, http.MethodPost, craftgate.PathWithdraws, craftgate.CreateWithdrawRequest{MemberID: seller, Price: amt("1"), Currency: "TRY"})
		}
		done <- ""
	}()
	timeout := time.After(60 * time.Second)
	for range 8 {
		select {
		case msg := <-done:
			if msg != "" {
				t.Error(msg)
			}
		case <-timeout:
			t.Fatal("the concurrent calls did not finish within 60 s")
		}
	}
	var list craftgate.WithdrawList
	data(t, get(t, m, craftgate.PathWithdraws, url.Values{"memberId": {itoa(seller)}}), &list)
	if list.TotalSize != 10 || !amountEq(memberWallet(t, m, seller).Amount, "0") {
		t.Errorf("%d withdrawals of 1 from 10, balance %s", list.TotalSize, memberWallet(t, m, seller).Amount)
	}
	if got := searchPayments(t, m, nil).TotalSize; got != 60 {
		t.Errorf("%d payments reported, 60 made", got)
	}
}

// TestReconciliationClient calls every reconciliation method of the
// client against a live mock: paths, query names and typed answers agree.
func TestReconciliationClient(t *testing.T) {
	l := startLive(t)
	ctx, c := t.Context(), l.client
	p, err := c.CreatePayment(ctx, paymentRequest(successCard))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := c.MarkTransactionAsRefunded(ctx, &craftgate.MarkTransactionAsRefundedRequest{PaymentTransactionID: p.PaymentTransactions[0].ID, RefundPrice: amt("5")})
	if err != nil || !amountEq(tr.RefundPrice, "5") {
		t.Fatalf("mark transaction: %+v %v", tr, err)
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	list, err := c.SearchReportingPayments(ctx, &craftgate.SearchReportingPaymentsRequest{PaymentID: p.ID, Size: 5})
	must("search payments", err)
	if list.TotalSize != 1 || !amountEq(list.Items[0].RefundablePrice, "95") {
		t.Fatalf("search: %+v", list)
	}
	txs, err := c.RetrieveReportingTransactions(ctx, p.ID)
	must("transactions", err)
	refunds, err := c.RetrieveReportingPaymentRefunds(ctx, p.ID)
	must("payment refunds", err)
	txRefunds, err := c.RetrieveReportingTransactionRefunds(ctx, p.ID, p.PaymentTransactions[0].ID)
	must("item refunds", err)
	if len(txs.Items) != 3 || len(refunds.Items) != 1 || len(txRefunds.Items) != 1 {
		t.Fatalf("%d transactions, %d refunds, %d item refunds", len(txs.Items), len(refunds.Items), len(txRefunds.Items))
	}
	p2, err := c.CreatePayment(ctx, paymentRequest(successCard))
	must("second payment", err)
	whole, err := c.MarkAsRefunded(ctx, &craftgate.MarkAsRefundedRequest{PaymentID: p2.ID})
	must("mark as refunded", err)
	if len(whole.Items) != 3 || !amountEq(whole.Items[1].RefundPrice, "50") {
		t.Fatalf("mark as refunded: %+v", whole)
	}
	d, err := c.DemandReport(ctx, &craftgate.ReportDemandRequest{StartDate: "2025-06-15T00:00:00", EndDate: "2025-06-15T23:59:59", ReportType: "TRANSACTION"})
	must("demand", err)
	b, err := c.DownloadReport(ctx, d.ID, craftgate.FileTypeXLSX)
	must("download", err)
	if rows := parseReport(t, "XLSX", b); len(rows) < 2 {
		t.Fatalf("report rows %v", rows)
	}
	if _, err := c.DownloadTransactionReport(ctx, "2030-01-01", craftgate.FileTypeCSV); craftgate.AsError(err) == nil || craftgate.AsError(err).Code != CodeInvalidReportDate {
		t.Fatalf("future report: %v", err)
	}
	acct, err := c.CreatePayoutAccount(ctx, &craftgate.CreatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "e", Currency: "EUR", AccountOwner: "MERCHANT"})
	must("create account", err)
	must("update account", c.UpdatePayoutAccount(ctx, acct.ID, &craftgate.UpdatePayoutAccountRequest{Type: "WISE", ExternalAccountID: "f"}))
	accts, err := c.SearchPayoutAccounts(ctx, url.Values{"accountOwner": {"MERCHANT"}})
	must("search accounts", err)
	must("delete account", c.DeletePayoutAccount(ctx, acct.ID))
	if accts.TotalSize != 1 || accts.Items[0].ExternalAccountID != "f" {
		t.Fatalf("accounts: %+v", accts)
	}
	l.m.Advance(48 * time.Hour)
	span := url.Values{"fileStatus": {"APPROVED"}, "startDate": {"2025-06-01T00:00:00"}, "endDate": {"2025-07-01T00:00:00"}}
	rows, err := c.SearchPayoutRows(ctx, span)
	must("payout rows", err)
	if len(rows.Items) != 1 {
		t.Fatalf("payout rows: %+v", rows)
	}
	detail, err := c.RetrievePayoutDetails(ctx, rows.Items[0].PayoutID)
	must("payout detail", err)
	done, err := c.SearchPayoutCompletedTransactions(ctx, span)
	must("completed", err)
	bounced, err := c.SearchBouncedPayouts(ctx, span)
	must("bounced", err)
	if len(detail.PayoutTransactions) != 3 || done.TotalSize != 3 || len(bounced.Items) != 0 { // the second payment is fully refunded: 0 each
		t.Fatalf("detail %+v, completed %+v, bounced %+v", detail, done, bounced)
	}
	seller := createMember(t, l.m, sellerReq("cl", craftgate.MemberTypeLimitedCompany)).ID
	createWallet(t, l.m, seller, "0")
	data(t, do(t, l.m, http.MethodPost, craftgate.PathRemittancesSend, craftgate.RemittanceRequest{MemberID: seller, Price: amt("10"),
		Currency: "TRY", Description: "x"}), &craftgate.Remittance{})
	wd, err := c.CreateWithdraw(ctx, &craftgate.CreateWithdrawRequest{MemberID: seller, Price: amt("4"), Currency: "TRY"})
	must("withdraw", err)
	cancelled, err := c.CancelWithdraw(ctx, wd.ID)
	must("cancel", err)
	wds, err := c.SearchWithdraws(ctx, url.Values{"memberId": {itoa(seller)}})
	must("search withdraws", err)
	if cancelled.Status != "PASSIVE" || wds.TotalSize != 1 {
		t.Fatalf("cancelled %+v, search %+v", cancelled, wds)
	}
	data(t, do(t, l.m, http.MethodPost, pathBankRecords, map[string]any{"senderName": "S", "currency": "TRY", "amount": 3}), &craftgate.BankAccountTrackingRecord{})
	recs, err := c.SearchBankAccountRecords(ctx, nil)
	must("bank records", err)
	rec, err := c.RetrieveBankAccountRecord(ctx, recs.Items[0].ID)
	must("bank record", err)
	if rec.SenderName != "S" {
		t.Fatalf("record %+v", rec)
	}
}

// BenchmarkReportingSearch measures the payment search and the day's
// transaction report over a store of 20,000 payments:
//
//	go test -run '^$' -bench ReportingSearch -benchtime 20x ./mock/
func BenchmarkReportingSearch(b *testing.B) {
	m := newTestMock(b)
	req := paymentRequest(successCard)
	body := mustJSON(b, req)
	for range 20_000 {
		if w := do(b, m, http.MethodPost, craftgate.PathCardPayments, body); w.Code != http.StatusOK {
			b.Fatal(w.Body.String())
		}
	}
	for _, bc := range []struct{ name, path string }{
		{"page of 10", craftgate.PathReportingPayments + "?size=10"},
		{"conversationId", craftgate.PathReportingPayments + "?conversationId=none"},
		{"CSV report of the day", craftgate.PathTransactionReports + "?reportDate=2025-06-15&fileType=CSV"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if w := do(b, m, http.MethodGet, bc.path, nil); w.Code != http.StatusOK {
					b.Fatal(w.Body.String())
				}
			}
		})
	}
}

// TestSettlementSearchesAsDocumentedPOSTs calls the settlement-file
// searches as the documentation shows them (POST with a JSON body) and as
// the clients send them (GET with a query): same answers.
func TestSettlementSearchesAsDocumentedPOSTs(t *testing.T) {
	m := newTestMock(t)
	pay(t, m, paymentRequest(successCard))
	m.Advance(24 * time.Hour)
	span := map[string]any{"startDate": "2025-06-01T00:00:00", "endDate": "2025-07-01T00:00:00", "page": 0, "size": 10}
	var posted, got craftgate.PayoutCompletedList
	data(t, do(t, m, http.MethodPost, craftgate.PathPayoutCompletedTransactions, span), &posted)
	data(t, get(t, m, craftgate.PathPayoutCompletedTransactions, url.Values{"startDate": {"2025-06-01T00:00:00"}, "endDate": {"2025-07-01T00:00:00"}}), &got)
	if posted.TotalSize != 3 || !sameJSON(t, posted, got) {
		t.Fatalf("POST %+v, GET %+v", posted, got)
	}
	var bounced craftgate.PayoutBouncedList
	data(t, do(t, m, http.MethodPost, craftgate.PathBouncedSubMerchantRows, span), &bounced)
	var d craftgate.PayoutDetail
	data(t, do(t, m, http.MethodPost, craftgate.PathPayoutDetails+"/"+itoa(posted.Items[0].PayoutID), nil), &d)
	if len(d.PayoutTransactions) != 3 {
		t.Fatalf("detail %+v", d)
	}
	validationError(t, do(t, m, http.MethodPost, craftgate.PathPayoutCompletedTransactions, map[string]any{"startDate": "2025-06-01T00:00:00"}))
}

// merchantPayout is the merchant's payout status of a reporting
// transaction ("" when it has none).
func merchantPayout(st *craftgate.TransactionPayoutStatus) string {
	if st == nil {
		return ""
	}
	return st.MerchantStatus
}
