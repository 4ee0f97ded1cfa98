package mock

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// refundIDs are the ids of a reporting refund list's items.
func refundIDs(items []craftgate.ReportingPaymentRefund) []int64 {
	out := []int64{}
	for _, r := range items {
		out = append(out, r.ID)
	}
	return out
}

// txRefundIDs are the ids of a reporting transaction refund list's items.
func txRefundIDs(items []craftgate.ReportingPaymentTransactionRefund) []int64 {
	out := []int64{}
	for _, r := range items {
		out = append(out, r.ID)
	}
	return out
}

// TestReportingBnplRefunds cancels, refunds whole and refunds part of
// BNPL loans through the payment API and finds each refund, with the
// answer's fields, through every reporting view and refund filter.
func TestReportingBnplRefunds(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		name, apmType, bank, conv string
		approve, partial          bool
		wantType, wantPrice       string
	}{
		{"Alfabank loan cancelled before approval", craftgate.BnplAlfabank, "", "bnpl-cancel", false, false, craftgate.RefundTypeCancel, "100"},
		{"Alfabank item refunded after approval", craftgate.BnplAlfabank, "", "bnpl-part", true, true, craftgate.RefundTypeRefund, "12.5"},
		{"Maslak approved loan refunded whole", craftgate.BnplMaslak, "0064", "bnpl-whole", false, false, craftgate.RefundTypeRefund, "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, _ := bnplApply(t, m, bnplRequest(tt.apmType, tt.bank), "apply")
			if tt.approve {
				data(t, do(t, m, http.MethodPost, craftgate.PathBnplPayments+"/"+itoa(id)+"/approve", nil), &craftgate.Payment{})
			}
			txID := retrieve(t, m, id).PaymentTransactions[0].ID
			var refundID int64
			var created string
			if tt.partial {
				var r craftgate.PaymentTransactionRefund
				data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{PaymentTransactionID: txID,
					RefundPrice: amt(tt.wantPrice), ConversationID: tt.conv}), &r)
				refundID, created = r.ID, r.CreatedDate
			} else {
				var r craftgate.PaymentRefund
				data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: id, ConversationID: tt.conv}), &r)
				if r.RefundType != tt.wantType {
					t.Fatalf("refund type %s, want %s", r.RefundType, tt.wantType)
				}
				refundID, created = r.ID, r.CreatedDate
			}

			var rp craftgate.ReportingPayment
			data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(id), nil), &rp)
			if got := refundIDs(rp.Refunds); !slices.Equal(got, []int64{refundID}) {
				t.Fatalf("payment's refunds %v, want [%d]", got, refundID)
			}
			r := rp.Refunds[0]
			if r.RefundType != tt.wantType || !amountEq(r.RefundPrice, tt.wantPrice) || !amountEq(r.RefundBankPrice, tt.wantPrice) ||
				!amountEq(r.RefundWalletPrice, "0") || r.ConversationID != tt.conv || r.CreatedDate != created || r.Status != craftgate.StatusSuccess ||
				r.PaymentType != rp.PaymentType || r.PaymentID != id || r.Currency != "TRY" || r.RefundDestinationType != craftgate.RefundDestinationProvider {
				t.Errorf("payment's refund %+v (payment type %s)", r, rp.PaymentType)
			}
			var list craftgate.ReportingRefundList
			data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(id)+"/refunds", nil), &list)
			if got := refundIDs(list.Items); !slices.Equal(got, []int64{refundID}) {
				t.Errorf("GET payments/%d/refunds: %v", id, got)
			}

			day := created[:10]
			filters := []struct {
				q    url.Values
				want bool
			}{
				{url.Values{"paymentId": {itoa(id)}}, true},
				{url.Values{"id": {itoa(refundID)}, "paymentId": {itoa(id)}}, true},
				{url.Values{"conversationId": {tt.conv}}, true},
				{url.Values{"conversationId": {tt.conv + "-other"}}, false},
				{url.Values{"paymentId": {itoa(id)}, "currency": {"TRY"}, "status": {"SUCCESS"}}, true},
				{url.Values{"paymentId": {itoa(id)}, "currency": {"USD"}}, false},
				{url.Values{"paymentId": {itoa(id)}, "minRefundPrice": {tt.wantPrice}, "maxRefundPrice": {tt.wantPrice}}, true},
				{url.Values{"paymentId": {itoa(id)}, "maxPaidPrice": {"1"}}, false},
				{url.Values{"paymentId": {itoa(id)}, "minCreatedDate": {day + "T00:00:00"}, "maxCreatedDate": {day + "T23:59:59"}}, true},
				{url.Values{"paymentId": {itoa(id)}, "maxCreatedDate": {"2000-01-01T00:00:00"}}, false},
				{url.Values{"paymentId": {itoa(id)}, "isAfterSettlement": {"false"}}, true},
				{url.Values{"paymentId": {itoa(id)}, "isAfterSettlement": {"true"}}, false},
			}
			for _, f := range filters {
				data(t, get(t, m, craftgate.PathReportingRefunds, f.q), &list)
				if got := slices.Contains(refundIDs(list.Items), refundID); got != f.want {
					t.Errorf("GET refunds %v: found %v, want %v (%v)", f.q, got, f.want, refundIDs(list.Items))
				}
				if !tt.partial {
					continue
				}
				q := url.Values{"paymentTransactionId": {itoa(txID)}}
				for k, v := range f.q {
					q[k] = v
				}
				var txList craftgate.ReportingTransactionRefundList
				data(t, get(t, m, craftgate.PathReportingRefundTransactions, q), &txList)
				if got := slices.Contains(txRefundIDs(txList.Items), refundID); got != f.want {
					t.Errorf("GET refund-transactions %v: found %v, want %v", q, got, f.want)
				}
			}

			var txList craftgate.ReportingTransactionRefundList
			data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(id)+"/transactions/"+itoa(txID)+"/refunds", nil), &txList)
			want := []int64{}
			if tt.partial {
				want = []int64{refundID}
			}
			if got := txRefundIDs(txList.Items); !slices.Equal(got, want) {
				t.Fatalf("item's refunds %v, want %v", got, want)
			}
			if tt.partial {
				tr := txList.Items[0]
				if tr.PaymentTransactionID != txID || tr.PaymentID != id || !amountEq(tr.RefundPrice, tt.wantPrice) || tr.ConversationID != tt.conv ||
					tr.CreatedDate != created || tr.IsAfterSettlement || tr.PaymentType != rp.PaymentType || tr.Currency != "TRY" {
					t.Errorf("item's refund %+v", tr)
				}
				data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"paymentTransactionId": {itoa(txID + 1)}}), &txList)
				if slices.Contains(txRefundIDs(txList.Items), refundID) {
					t.Errorf("refund of transaction %d found under transaction %d", txID, txID+1)
				}
			} else {
				data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"paymentId": {itoa(id)}}), &txList)
				if len(txList.Items) != 0 {
					t.Errorf("a whole-loan refund listed as transaction refunds: %+v", txList.Items)
				}
			}
		})
	}
}

// TestReportingRefundAfterSettlement refunds items before and after their
// payout (the clock moved past the blockage) and checks isAfterSettlement
// and its filter, for a card payment and a BNPL loan.
func TestReportingRefundAfterSettlement(t *testing.T) {
	m := newTestMock(t)
	card := pay(t, m, paymentRequest(successCard))
	cardTx := card.PaymentTransactions[0].ID
	loan, _ := bnplApply(t, m, bnplRequest(craftgate.BnplMaslak, "0064"), "apply")
	loanTx := retrieve(t, m, loan).PaymentTransactions[0].ID
	answered := map[int64]bool{} // isAfterSettlement of the BNPL refunds' answers
	refund := func(tx int64) int64 {
		var r craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("1")}), &r)
		if tx == loanTx {
			answered[r.ID] = r.IsAfterSettlement
		}
		return r.ID
	}
	before := []int64{refund(cardTx), refund(loanTx)}
	var txs craftgate.ReportingTransactionList
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(card.ID)+"/transactions", nil), &txs)
	if txs.Items[0].PayoutStatus == nil || txs.Items[0].PayoutStatus.MerchantStatus != craftgate.PayoutStatusWaitingForPayout {
		t.Fatalf("card item paid out before the clock moved: %+v", txs.Items[0].PayoutStatus)
	}
	m.Advance(48 * time.Hour)
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(card.ID)+"/transactions", nil), &txs)
	if txs.Items[0].PayoutStatus == nil || txs.Items[0].PayoutStatus.MerchantStatus != craftgate.PayoutStatusPayoutCompleted {
		t.Fatalf("card item not paid out two days later: %+v", txs.Items[0].PayoutStatus)
	}
	after := []int64{refund(cardTx), refund(loanTx)}

	var all craftgate.ReportingTransactionRefundList
	data(t, get(t, m, craftgate.PathReportingRefundTransactions, nil), &all)
	got := map[int64]bool{}
	for _, r := range all.Items {
		got[r.ID] = r.IsAfterSettlement
	}
	for _, id := range before {
		if v, ok := got[id]; !ok || v {
			t.Errorf("refund %d before payout: listed %v, isAfterSettlement %v", id, ok, v)
		}
	}
	for _, id := range after {
		if v, ok := got[id]; !ok || !v {
			t.Errorf("refund %d after payout: listed %v, isAfterSettlement %v", id, ok, v)
		}
	}
	for _, tc := range []struct {
		value string
		want  []int64
	}{{"true", after}, {"false", before}} {
		var l craftgate.ReportingTransactionRefundList
		data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"isAfterSettlement": {tc.value}}), &l)
		ids := txRefundIDs(l.Items)
		slices.Sort(ids)
		if !slices.Equal(ids, tc.want) {
			t.Errorf("isAfterSettlement=%s: %v, want %v", tc.value, ids, tc.want)
		}
		var pl craftgate.ReportingRefundList
		data(t, get(t, m, craftgate.PathReportingRefunds, url.Values{"isAfterSettlement": {tc.value}}), &pl)
		ids = refundIDs(pl.Items)
		slices.Sort(ids)
		if !slices.Equal(ids, tc.want) {
			t.Errorf("GET refunds isAfterSettlement=%s: %v, want %v", tc.value, ids, tc.want)
		}
	}
	if len(answered) != 2 || answered[before[1]] || !answered[after[1]] {
		t.Errorf("the BNPL refunds' answers disagree with reporting: isAfterSettlement %v (before %d, after %d)", answered, before[1], after[1])
	}
	var item craftgate.ReportingTransactionRefundList
	data(t, get(t, m, craftgate.PathReportingPayments+"/"+itoa(loan)+"/transactions/"+itoa(loanTx)+"/refunds", nil), &item)
	if len(item.Items) != 2 || !item.Items[0].IsAfterSettlement || item.Items[1].IsAfterSettlement {
		t.Errorf("loan item's refunds, newest first: %+v", item.Items)
	}
}

// TestReportingMarketplaceRefundAfterSettlement checks isAfterSettlement
// of marketplace items: an item is paid out only once its seller's
// blockage is over and it is approved.
func TestReportingMarketplaceRefundAfterSettlement(t *testing.T) {
	m := newTestMock(t)
	seller := delayedSeller(t, m, "payee", 2)
	p := splitPayment(t, m, [3]int64{seller, seller, seller}, craftgate.PaymentGroupProduct)
	approve(t, m, craftgate.PathApprovePaymentTransactions, false, p.PaymentTransactions[1].ID, p.PaymentTransactions[2].ID)
	refund := func(i int) craftgate.PaymentTransactionRefund {
		var r craftgate.PaymentTransactionRefund
		data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, craftgate.RefundTransactionRequest{
			PaymentTransactionID: p.PaymentTransactions[i].ID, RefundPrice: amt("1")}), &r)
		return r
	}
	type refundCase struct {
		name string
		r    craftgate.PaymentTransactionRefund
		want bool
	}
	m.Advance(24 * time.Hour)
	tests := []refundCase{{"approved, the merchant's blockage over, the seller's not", refund(1), false}}
	m.Advance(24 * time.Hour)
	tests = append(tests, refundCase{"not approved, blockage over", refund(0), false}, refundCase{"approved, blockage over", refund(2), true})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l craftgate.ReportingTransactionRefundList
			data(t, get(t, m, craftgate.PathReportingRefundTransactions, url.Values{"id": {itoa(tt.r.ID)}}), &l)
			if len(l.Items) != 1 || l.Items[0].IsAfterSettlement != tt.want {
				t.Fatalf("refund %d: %+v, want isAfterSettlement %v", tt.r.ID, l.Items, tt.want)
			}
		})
	}
}
