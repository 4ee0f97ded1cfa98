package mock

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestRetrieveBin(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		name, bin string
		want      craftgate.BinNumber
	}{
		{"credit card", "52586400", craftgate.BinNumber{BinNumber: "52586400", CardType: "CREDIT_CARD", CardAssociation: "MASTER_CARD",
			CardBrand: "World", BankName: "YAPI VE KREDİ BANKASI A.Ş.", BankCode: 67}},
		{"commercial card", "45467300", craftgate.BinNumber{BinNumber: "45467300", CardType: "CREDIT_CARD", CardAssociation: "VISA",
			CardBrand: "Bankkart Combo", BankName: "T.C.ZİRAAT BANKASI A.Ş.", BankCode: 10, Commercial: true}},
		{"AMEX (15 digits)", "37562300", craftgate.BinNumber{BinNumber: "37562300", CardType: "CREDIT_CARD", CardAssociation: "AMEX",
			CardBrand: "Bonus", BankName: "T. GARANTİ BANKASI A.Ş.", BankCode: 62}},
		{"AMEX not starting with 34/37", "11301200", craftgate.BinNumber{BinNumber: "11301200", CardType: "CREDIT_CARD", CardAssociation: "AMEX",
			CardBrand: "Halkbank CC", BankName: "T.HALK BANKASI A.Ş.", BankCode: 12}},
		{"debit card", "47968100", craftgate.BinNumber{BinNumber: "47968100", CardType: "DEBIT_CARD", CardAssociation: "VISA",
			CardBrand: "Neo", BankName: "AKBANK T.A.Ş.", BankCode: 46}},
		{"prepaid card of an e-money institution", "46095700", craftgate.BinNumber{BinNumber: "46095700", CardType: "PREPAID_CARD",
			CardAssociation: "VISA", CardBrand: "Papara", BankName: "PAPARA ELEKTRONİK PARA VE ÖDEME HİZMETLERİ A.Ş."}},
		{"foreign card", "41111111", craftgate.BinNumber{BinNumber: "41111111", CardType: "CREDIT_CARD", CardAssociation: "VISA"}},
		{"error card: its successful sibling", "97921200", craftgate.BinNumber{BinNumber: "97921200", CardType: "DEBIT_CARD",
			CardAssociation: "TROY", CardBrand: "Bank24", BankName: "T.HALK BANKASI A.Ş.", BankCode: 12}},
		{"extra-installment card", "52092221", craftgate.BinNumber{BinNumber: "52092221", CardType: "CREDIT_CARD",
			CardAssociation: "MASTER_CARD", CardBrand: "Bonus", BankName: "T. GARANTİ BANKASI A.Ş.", BankCode: 62}},
		{"six digits", "525864", craftgate.BinNumber{BinNumber: "525864", CardType: "CREDIT_CARD", CardAssociation: "MASTER_CARD",
			CardBrand: "World", BankName: "YAPI VE KREDİ BANKASI A.Ş.", BankCode: 67}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got craftgate.BinNumber
			data(t, do(t, m, http.MethodGet, craftgate.PathBins+"/"+tt.bin, nil), &got)
			if got != tt.want {
				t.Errorf("\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	for bin, want := range map[string]struct {
		status int
		code   string
	}{
		"12345678":         {404, CodeBinNotFound},
		"12345":            {400, CodeInvalidBinNumber},
		"123456789":        {400, CodeInvalidBinNumber},
		"5258640000000001": {400, CodeInvalidBinNumber},
		"5258abcd":         {404, CodeBinNotFound},
	} {
		w := do(t, m, http.MethodGet, craftgate.PathBins+"/"+bin, nil)
		if e := errorBody(t, w, want.status); e.ErrorCode != want.code || contains(w.Body.String(), "5258640000000001") {
			t.Errorf("BIN %s: %+v (%s)", craftgate.MaskPAN(bin), e, craftgate.MaskPANs(w.Body.String()))
		}
	}
}

func searchInstallments(t *testing.T, m http.Handler, q url.Values, lang string) *craftgate.InstallmentSearch {
	t.Helper()
	r := signedRequest(http.MethodGet, testBase+craftgate.PathInstallments+"?"+q.Encode(), nil)
	if lang != "" {
		r.Header.Set("Lang", lang)
	}
	var out craftgate.InstallmentSearch
	data(t, serve(m, r), &out)
	return &out
}

// TestSearchInstallments checks the commission model on the catalogue's
// cards and the single-payment rules.
func TestSearchInstallments(t *testing.T) {
	m := newTestMock(t)
	type opt struct{ n, total, each, rate string }
	full := []opt{{"1", "100", "100", "0"}, {"2", "101.25", "50.63", "1.25"}, {"3", "102.5", "34.17", "2.5"},
		{"6", "106.25", "17.71", "6.25"}, {"9", "110", "12.22", "10"}, {"12", "113.75", "9.48", "13.75"}}
	single := full[:1]
	tests := []struct {
		name, bin, price, currency string
		commercial                 bool
		want                       []opt
	}{
		{"credit card", "52586400", "100", "TRY", false, full},
		{"commercial credit card", "45467300", "100.00", "TRY", true, full},
		{"AMEX credit card", "37562300", "100", "TRY", false, full},
		{"debit card", "47968100", "100", "TRY", false, single},
		{"prepaid card", "46095700", "100", "TRY", false, single},
		{"commercial debit card", "97921700", "100", "TRY", true, single},
		{"foreign card", "55555555", "100", "TRY", false, single},
		{"foreign card in dollars", "41111111", "100", "USD", false, single},
		{"credit card in euros", "52586400", "100", "EUR", false, single},
		{"odd price", "52586400", "33.33", "TRY", false, []opt{{"1", "33.33", "33.33", "0"}, {"2", "33.75", "16.88", "1.25"},
			{"3", "34.16", "11.39", "2.5"}, {"6", "35.41", "5.9", "6.25"}, {"9", "36.66", "4.07", "10"}, {"12", "37.91", "3.16", "13.75"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := searchInstallments(t, m, url.Values{"binNumber": {tt.bin}, "price": {tt.price}, "currency": {tt.currency}}, "")
			if len(res.Items) != 1 {
				t.Fatalf("%d items", len(res.Items))
			}
			it := res.Items[0]
			if it.BinNumber != tt.bin || it.Commercial != tt.commercial || !amountEq(it.Price, tt.price) || it.PosAlias == "" {
				t.Errorf("item %+v", it)
			}
			if len(it.InstallmentPrices) != len(tt.want) {
				t.Fatalf("%d options, want %d: %+v", len(it.InstallmentPrices), len(tt.want), it.InstallmentPrices)
			}
			for i, w := range tt.want {
				got := it.InstallmentPrices[i]
				if strconv.Itoa(got.InstallmentNumber) != w.n || !amountEq(got.TotalPrice, w.total) || !amountEq(got.InstallmentPrice, w.each) ||
					!amountEq(got.MerchantCommissionRate, w.rate) || !amountEq(got.BankCommissionRate, "0") {
					t.Errorf("option %d: %+v, want %+v", i, got, w)
				}
			}
			if l := it.InstallmentPrices[0].InstallmentLabel; l != "Tek Çekim" {
				t.Errorf("label %q", l)
			}
		})
	}
	en := searchInstallments(t, m, url.Values{"binNumber": {"52586400"}, "price": {"100"}, "currency": {"TRY"}}, "en")
	if l := en.Items[0].InstallmentPrices; l[0].InstallmentLabel != "Single payment" || l[2].InstallmentLabel != "3 installments" {
		t.Errorf("English labels %q %q", l[0].InstallmentLabel, l[2].InstallmentLabel)
	}
	reward := searchInstallments(t, m, url.Values{"binNumber": {"52092221"}, "price": {"100"}, "currency": {"TRY"}}, "")
	if !reward.Items[0].InstallmentPrices[1].LoyaltySupported {
		t.Error("the extra-installment card's options should support loyalty")
	}
}

func TestSearchInstallmentsWithoutBin(t *testing.T) {
	m := newTestMock(t)
	all := searchInstallments(t, m, url.Values{"price": {"100"}, "currency": {"TRY"}}, "")
	brands := searchInstallments(t, m, url.Values{"price": {"100"}, "currency": {"TRY"}, "distinctCardBrandsWithLowestCommissions": {"true"}}, "")
	if len(all.Items) <= len(brands.Items) || len(brands.Items) < 10 {
		t.Fatalf("%d bank families, %d brands", len(all.Items), len(brands.Items))
	}
	seen := map[string]bool{}
	for _, it := range brands.Items {
		key := it.CardBrand + "/" + it.CardType
		if seen[key] || it.BankName != "" || it.BankCode != 0 || it.BinNumber != "" {
			t.Errorf("brand item %+v (duplicate %v)", it, seen[key])
		}
		seen[key] = true
	}
	for _, it := range all.Items {
		if it.BankName == "" || it.BinNumber != "" || it.CardAssociation != "" {
			t.Errorf("family item %+v", it)
		}
		if n := len(it.InstallmentPrices); (it.CardType == "CREDIT_CARD") != (n == 6) {
			t.Errorf("%s %s: %d options", it.CardBrand, it.CardType, n)
		}
	}
}

func TestSearchInstallmentsValidation(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		q      url.Values
		status int
		code   string
	}{
		{url.Values{"currency": {"TRY"}}, 400, CodeRequiredField},
		{url.Values{"price": {"100"}}, 400, CodeRequiredField},
		{url.Values{"price": {"1e3"}, "currency": {"TRY"}}, 400, CodeInvalidQuery},
		{url.Values{"price": {"-1"}, "currency": {"TRY"}}, 400, CodeInvalidAmount},
		{url.Values{"price": {"0"}, "currency": {"TRY"}}, 400, CodeRequiredField},
		{url.Values{"price": {"100"}, "currency": {"XYZ"}}, 400, CodeInvalidCurrency},
		{url.Values{"price": {"100"}, "currency": {"TRY"}, "binNumber": {"123"}}, 400, CodeInvalidBinNumber},
		{url.Values{"price": {"100"}, "currency": {"TRY"}, "binNumber": {"12345678"}}, 404, CodeBinNotFound},
		{url.Values{"price": {"100"}, "currency": {"TRY"}, "loyaltyExists": {"maybe"}}, 400, CodeInvalidQuery},
		{url.Values{"price": {"100"}, "currency": {"TRY"}, "paymentPhase": {"POST_AUTH"}}, 400, CodeInvalidPaymentPhase},
	}
	for _, tt := range tests {
		w := do(t, m, http.MethodGet, craftgate.PathInstallments+"?"+tt.q.Encode(), nil)
		if e := errorBody(t, w, tt.status); e.ErrorCode != tt.code {
			t.Errorf("%s: %+v, want %s", tt.q.Encode(), e, tt.code)
		}
	}
	ok := searchInstallments(t, m, url.Values{"price": {"100"}, "currency": {"TRY"}, "binNumber": {"52586400"}, "paymentPhase": {"PRE_AUTH"}, "loyaltyExists": {"false"}}, "")
	if len(ok.Items) != 1 {
		t.Errorf("%+v", ok)
	}
}

// TestInstallmentOptionsPay: for one card of each kind, every option the
// search offers pays (installmentNumber as installment, totalPrice as
// paidPrice), and one more installment than offered does not: the search
// and create payment apply the same rules.
func TestInstallmentOptionsPay(t *testing.T) {
	m := newTestMock(t)
	cat := craftgate.TestCards()
	var cards []*craftgate.TestCard
	kinds := map[string]bool{}
	for _, tc := range cat.Successful() {
		k := tc.CardType + strconv.FormatBool(tc.Commercial) + tc.Association
		if !kinds[k] {
			kinds[k] = true
			cards = append(cards, tc)
		}
	}
	cards = append(cards, cat.MultiCurrency()...)
	for _, tc := range cards {
		currency := "TRY"
		if tc.MultiCurrency {
			currency = "USD"
		}
		res := searchInstallments(t, m, url.Values{"binNumber": {craftgate.BinOf(tc.Number)}, "price": {"100"}, "currency": {currency}}, "")
		offered := map[int]bool{}
		for _, o := range res.Items[0].InstallmentPrices {
			offered[o.InstallmentNumber] = true
			req := paymentRequest(tc.Number)
			req.Currency, req.Installment, req.PaidPrice = currency, o.InstallmentNumber, o.TotalPrice
			if tc.Association == "AMEX" {
				req.Card.CVC = "1234"
			}
			w := do(t, m, http.MethodPost, craftgate.PathCardPayments, req)
			var p craftgate.Payment
			data(t, w, &p)
			if !p.PaidPrice.Equal(o.TotalPrice.Decimal) || p.Installment != o.InstallmentNumber ||
				!p.MerchantCommissionRateAmount.Equal(o.TotalPrice.Sub(amt("100")).Decimal) {
				t.Errorf("%s, %d installments: paid %s, commission %s", tc.Masked(), o.InstallmentNumber, p.PaidPrice, p.MerchantCommissionRateAmount)
			}
		}
		if !offered[2] {
			req := paymentRequest(tc.Number)
			req.Currency, req.Installment = currency, 2
			if tc.Association == "AMEX" {
				req.Card.CVC = "1234"
			}
			if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, req)); e.ErrorCode != CodeInvalidInstallment {
				t.Errorf("%s in 2 installments (not offered): %+v", tc.Masked(), e)
			}
		}
	}
}
