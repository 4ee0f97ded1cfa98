package craftgate

import (
	"context"
	"strings"
	"testing"
)

func TestPostAuthPayment(t *testing.T) {
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /payment/v1/card-payments/42/post-auth": `{"data":{"id":42,"paidPrice":120.5,"paymentPhase":"POST_AUTH","paymentStatus":"SUCCESS","paymentTransactions":[]}}`,
	})
	p, err := c.PostAuthPayment(context.Background(), 42, &PostAuthPaymentRequest{PaidPrice: MustAmount("120.50")})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != 42 || p.PaymentPhase != PhasePostAuth || p.PaidPrice.String() != "120.5" {
		t.Errorf("decoded %+v", p)
	}
	if got := (*seen)[0].fields["paidPrice"]; got != 120.5 {
		t.Errorf("paidPrice on the wire = %v, want the number 120.5", got)
	}
}

func TestSearchInstallmentsAndRetrieveBin(t *testing.T) {
	c, seen := fakePartAProvider(t, map[string]string{
		"GET /installment/v1/installments": `{"data":{"items":[{"binNumber":"52092200","price":100,"cardType":"CREDIT_CARD","commercial":false,
			"installmentPrices":[{"installmentNumber":1,"installmentPrice":100,"totalPrice":100},{"installmentNumber":3,"installmentPrice":34.17,"totalPrice":102.5,"merchantCommissionRate":2.5}]}]}}`,
		"GET /installment/v1/bins/37562300": `{"data":{"binNumber":"37562300","cardType":"CREDIT_CARD","cardAssociation":"AMEX","cardBrand":"Bonus","bankName":"T. GARANTİ BANKASI A.Ş.","bankCode":62,"commercial":false}}`,
	})
	ctx := context.Background()
	res, err := c.SearchInstallments(ctx, &SearchInstallmentsRequest{BinNumber: "52092200", Price: MustAmount("100.00"), Currency: CurrencyTRY,
		PaymentPhase: PhasePreAuth, DistinctCardBrandsWithLowestCommissions: true})
	if err != nil {
		t.Fatal(err)
	}
	q := (*seen)[0].query
	for k, want := range map[string]string{"binNumber": "52092200", "price": "100", "currency": "TRY", "paymentPhase": "PRE_AUTH",
		"distinctCardBrandsWithLowestCommissions": "true", "loyaltyExists": ""} {
		if got := q.Get(k); got != want {
			t.Errorf("query %s = %q, want %q", k, got, want)
		}
	}
	if len(res.Items) != 1 {
		t.Fatalf("items %+v", res.Items)
	}
	opt, ok := res.Items[0].Option(3)
	if !ok || opt.TotalPrice.String() != "102.5" || opt.MerchantCommissionRate.String() != "2.5" {
		t.Errorf("option 3 = %+v, %v", opt, ok)
	}
	if _, ok := res.Items[0].Option(12); ok {
		t.Error("option 12 found but not offered")
	}

	bin, err := c.RetrieveBin(ctx, "37562300")
	if err != nil {
		t.Fatal(err)
	}
	if bin.CardAssociation != "AMEX" || bin.BankCode != 62 || bin.CardBrand != "Bonus" {
		t.Errorf("bin %+v", bin)
	}
	for _, bad := range []string{"", "12345", "123456789", "4111abcd", "4111111111111111"} {
		if _, err := c.RetrieveBin(ctx, bad); err == nil {
			t.Errorf("RetrieveBin(%q) sent a request", bad)
		} else if bad == "4111111111111111" && strings.Contains(err.Error(), bad) {
			t.Errorf("error leaks the card number: %v", err)
		}
	}
	if BinOf("5209220000000002") != "52092200" || BinOf("1234") != "1234" {
		t.Error("BinOf")
	}
}

func TestStoredCardCalls(t *testing.T) {
	card := `{"binNumber":"52092200","lastFourDigits":"0002","cardUserKey":"u1","cardToken":"t1","cardAlias":"Work","isCommercial":false}`
	c, seen := fakePartAProvider(t, map[string]string{
		"POST /payment/v1/cards":        `{"data":` + card + `}`,
		"POST /payment/v1/cards/update": `{"data":` + card + `}`,
		"POST /payment/v1/cards/delete": ``,
		"GET /payment/v1/cards":         `{"data":{"items":[` + card + `],"page":1,"size":5,"totalSize":6}}`,
	})
	ctx := context.Background()
	sc, err := c.StoreCard(ctx, &StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: "5209220000000002", ExpireYear: "2044", ExpireMonth: "07", CardAlias: "Work"})
	if err != nil || sc.CardToken != "t1" || sc.CardUserKey != "u1" {
		t.Fatalf("StoreCard = %+v, %v", sc, err)
	}
	if _, err := c.UpdateStoredCard(ctx, &UpdateStoredCardRequest{CardUserKey: "u1", CardToken: "t1", ExpireYear: "2045", ExpireMonth: "01", CardAlias: "Home"}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteStoredCard(ctx, &DeleteStoredCardRequest{CardUserKey: "u1", CardToken: "t1"}); err != nil {
		t.Fatal(err)
	}
	list, err := c.SearchStoredCards(ctx, &SearchStoredCardsRequest{CardUserKey: "u1", CardAlias: "Work", Page: 1, Size: 5})
	if err != nil || len(list.Items) != 1 || list.TotalSize != 6 || list.Page != 1 {
		t.Fatalf("SearchStoredCards = %+v, %v", list, err)
	}
	want := []struct{ method, path string }{
		{"POST", "/payment/v1/cards"}, {"POST", "/payment/v1/cards/update"}, {"POST", "/payment/v1/cards/delete"}, {"GET", "/payment/v1/cards"},
	}
	for i, w := range want {
		if (*seen)[i].method != w.method || (*seen)[i].path != w.path {
			t.Errorf("call %d: %s %s, want %s %s", i, (*seen)[i].method, (*seen)[i].path, w.method, w.path)
		}
	}
	if (*seen)[1].fields["cardAlias"] != "Home" || (*seen)[1].fields["expireYear"] != "2045" {
		t.Errorf("update body %v", (*seen)[1].fields)
	}
	if (*seen)[2].fields["cardUserKey"] != "u1" || (*seen)[2].fields["cardToken"] != "t1" {
		t.Errorf("delete body %v", (*seen)[2].fields)
	}
	q := (*seen)[3].query
	if q.Get("cardUserKey") != "u1" || q.Get("cardAlias") != "Work" || q.Get("page") != "1" || q.Get("size") != "5" || q.Has("cardToken") {
		t.Errorf("search query %v", q)
	}
}

func TestCatalogueAll(t *testing.T) {
	c := TestCards()
	all := c.All()
	seen := map[string]bool{}
	for _, tc := range all {
		if seen[tc.Number] {
			t.Errorf("card %s listed twice", tc.Masked())
		}
		seen[tc.Number] = true
	}
	for _, list := range [][]*TestCard{c.Successful(), c.MultiCurrency(), c.ErrorCards(), c.RewardCards()} {
		for _, tc := range list {
			if !seen[tc.Number] {
				t.Errorf("card %s missing from All", tc.Masked())
			}
		}
	}
	if all[0] != c.Successful()[0] {
		t.Error("All must start with the successful cards")
	}
	// The extra-installment card is listed only in its own section, with
	// its bank and family.
	x, ok := c.Card("5209222154820003")
	if !ok || !seen[x.Number] || x.Bank != "T. GARANTİ BANKASI A.Ş." || x.CardFamily != "Bonus" || x.Reward == nil || !x.Reward.ExtraInstallmentCard {
		t.Errorf("extra-installment card %+v", x)
	}
}
