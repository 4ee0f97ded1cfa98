package mock

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestMultiPayment pays 100 TRY in parts: a declined part, two paid
// parts, the callback, the state, and a refund of one part.
func TestMultiPayment(t *testing.T) {
	m := newTestMock(t)
	var init craftgate.InitCheckoutPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathMultiPaymentInit, craftgate.InitMultiPaymentRequest{Price: amt("100"), Currency: "TRY",
		ConversationID: "split-conv", CallbackURL: "https://merchant.example/split", MaximumSplitPaymentCount: 2}), &init)
	part := func(card, amount string) (int, string) {
		f := cardForm(card)
		f.Set("amount", amount)
		return pagePost(t, m, init.PageURL, f)
	}
	state := func() craftgate.MultiPayment {
		var mp craftgate.MultiPayment
		data(t, do(t, m, http.MethodGet, craftgate.PathMultiPayments+"/"+init.Token, nil), &mp)
		return mp
	}
	if _, page := part(successCard, "150"); !strings.Contains(page, "remains to pay") {
		t.Fatalf("part above the total: %s", page)
	}
	if _, page := part(cardCompleteFails, "30"); !strings.Contains(page, "declined") {
		t.Fatalf("declined part: %s", page)
	}
	if _, page := part(successCard, "60"); !strings.Contains(page, "Part paid") {
		t.Fatalf("first part: %s", page)
	}
	if mp := state(); mp.MultiPaymentStatus != craftgate.MultiPaymentCreated || !amountEq(mp.RemainingAmount, "40") || len(mp.PaymentIDs) != 2 {
		t.Fatalf("after one part: %+v", mp)
	}
	if _, page := part(successCard, "10"); !strings.Contains(page, "last part") {
		t.Fatalf("last part not the rest: %s", page)
	}
	code, page := part(successCard, "40")
	f := oneForm(t, page)
	if code != http.StatusOK || f.action != "https://merchant.example/split" || f.fields.Get("token") != init.Token {
		t.Fatalf("callback %d: %s", code, page)
	}
	mp := state()
	if mp.MultiPaymentStatus != craftgate.MultiPaymentCompleted || !amountEq(mp.RemainingAmount, "0") || len(mp.PaymentIDs) != 3 || !amountEq(mp.Price, "100") {
		t.Fatalf("completed: %+v", mp)
	}
	if p := retrieveAny(t, m, mp.PaymentIDs[2]); p.PaymentStatus != craftgate.StatusSuccess || !amountEq(p.PaidPrice, "40") || p.ConversationID != "split-conv" {
		t.Fatalf("part payment: %+v", p)
	}
	var refund craftgate.PaymentRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: mp.PaymentIDs[1]}), &refund)
	if refund.Status != craftgate.StatusSuccess || !amountEq(refund.RefundPrice, "60") {
		t.Fatalf("refund of a part: %+v", refund)
	}
	if code, _ := pagePost(t, m, init.PageURL, url.Values{}); code != http.StatusOK {
		t.Fatalf("page after completion: %d", code)
	}
}
