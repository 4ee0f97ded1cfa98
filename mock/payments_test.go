package mock

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestCreatePaymentSuccess(t *testing.T) {
	m := newTestMock(t)
	req := paymentRequest(successCard)
	req.PaidPrice = amt("110.01")
	req.ExternalID = "order-7"
	req.PaymentChannel = "WEB"
	req.BuyerMemberID = 77
	req.PosAlias = "my-pos"
	req.Card.CardHolderName = "Haluk Dëmir\\ Ünlü\t\u2028"
	req.Items[1].ExternalID = "sku-2"
	seller := createMember(t, m, sellerReq("seller-9", craftgate.MemberTypeLimitedCompany)).ID // wallet_test.go
	req.Items[2].SubMerchantMemberID = seller
	sp := amt("18")
	req.Items[2].SubMerchantMemberPrice = &sp

	w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
	var p craftgate.Payment
	data(t, w, &p)
	if h := w.Header().Get(PaymentIDHeader); h != "" {
		t.Errorf("%s = %q on a success (the id is in the body)", PaymentIDHeader, h)
	}
	tc, _ := craftgate.TestCards().Card(successCard)
	str := []struct{ name, got, want string }{
		{"createdDate", p.CreatedDate, "2025-06-15T10:00:00"},
		{"currency", p.Currency, "TRY"},
		{"conversationId", p.ConversationID, req.ConversationID},
		{"externalId", p.ExternalID, "order-7"},
		{"paymentChannel", p.PaymentChannel, "WEB"},
		{"paymentType", p.PaymentType, "CARD_PAYMENT"},
		{"paymentProvider", p.PaymentProvider, "BANK"},
		{"paymentSource", p.PaymentSource, "API"},
		{"paymentGroup", p.PaymentGroup, craftgate.PaymentGroupListing},
		{"paymentStatus", p.PaymentStatus, "SUCCESS"},
		{"paymentPhase", p.PaymentPhase, "AUTH"},
		{"binNumber", p.BinNumber, "52586400"},
		{"lastFourDigits", p.LastFourDigits, "0001"},
		{"cardHolderName", p.CardHolderName, req.Card.CardHolderName},
		{"cardIssuerBankName", p.CardIssuerBankName, tc.Bank},
		{"cardType", p.CardType, tc.CardType},
		{"cardAssociation", p.CardAssociation, tc.Association},
		{"cardBrand", p.CardBrand, tc.CardFamily},
		{"requestedPosAlias", p.RequestedPosAlias, "my-pos"},
		{"refundStatus", p.RefundStatus, "NOT_REFUNDED"},
	}
	for _, s := range str {
		if s.got != s.want {
			t.Errorf("%s = %q, want %q", s.name, s.got, s.want)
		}
	}
	if tc.Bank != "YAPI VE KREDİ BANKASI A.Ş." || tc.CardFamily != "World" {
		t.Fatalf("catalogue changed: %+v", tc)
	}
	if p.ID <= 0 || p.Installment != 1 || p.IsThreeDS || p.BuyerMemberID != 77 {
		t.Errorf("id %d installment %d isThreeDS %v buyer %d", p.ID, p.Installment, p.IsThreeDS, p.BuyerMemberID)
	}
	if !amountEq(p.Price, "100") || !amountEq(p.PaidPrice, "110.01") || !amountEq(p.WalletPrice, "0") {
		t.Errorf("amounts %s %s %s", p.Price, p.PaidPrice, p.WalletPrice)
	}
	if !amountEq(p.MerchantCommissionRateAmount, "10.01") || !amountEq(p.MerchantCommissionRate, "10.01") {
		t.Errorf("commission %s rate %s", p.MerchantCommissionRateAmount, p.MerchantCommissionRate)
	}
	for _, ref := range []struct {
		name string
		v    string
		n    int
	}{{"authCode", p.AuthCode, 6}, {"hostReference", p.HostReference, 12}, {"transId", p.TransID, 15}, {"orderId", p.OrderID, 16}} {
		if len(ref.v) != ref.n || !isDigits(ref.v) {
			t.Errorf("%s = %q, want %d digits", ref.name, ref.v, ref.n)
		}
	}
	if p.Pos == nil || p.Pos.ID == 0 || p.Pos.Name == "" || p.Pos.Alias == "" || p.Pos.BankID == 0 {
		t.Errorf("pos %+v", p.Pos)
	}
	if p.PaymentError != nil {
		t.Errorf("paymentError on success: %+v", p.PaymentError)
	}

	if len(p.PaymentTransactions) != 3 {
		t.Fatalf("%d transactions", len(p.PaymentTransactions))
	}
	sum := craftgate.MustAmount("0")
	seen := map[int64]bool{}
	for i, tx := range p.PaymentTransactions {
		sum = sum.Add(tx.PaidPrice)
		if tx.ID <= 0 || seen[tx.ID] {
			t.Errorf("tx %d id %d", i, tx.ID)
		}
		seen[tx.ID] = true
		if tx.Name != req.Items[i].Name || tx.ExternalID != req.Items[i].ExternalID || !tx.Price.Equal(req.Items[i].Price.Decimal) {
			t.Errorf("tx %d echo: %+v", i, tx)
		}
		if tx.RefundablePrice == nil || !tx.RefundablePrice.Equal(tx.PaidPrice.Decimal) {
			t.Errorf("tx %d refundablePrice %v, paidPrice %s", i, tx.RefundablePrice, tx.PaidPrice)
		}
		if !tx.MerchantCommissionRateAmount.Equal(tx.PaidPrice.Sub(tx.Price).Decimal) {
			t.Errorf("tx %d commission amount %s", i, tx.MerchantCommissionRateAmount)
		}
	}
	if !sum.Equal(p.PaidPrice.Decimal) {
		t.Errorf("transaction paidPrices sum to %s, want %s", sum, p.PaidPrice)
	}
	// 110.01 split 30:50:20, rounded down to the cent, remainder last.
	for i, want := range []string{"33", "55", "22.01"} {
		if !amountEq(p.PaymentTransactions[i].PaidPrice, want) {
			t.Errorf("tx %d paidPrice %s, want %s", i, p.PaymentTransactions[i].PaidPrice, want)
		}
	}
	if s := p.PaymentTransactions[0].TransactionStatus; s != "APPROVED" {
		t.Errorf("tx 0 status %s", s)
	}
	sm := p.PaymentTransactions[2]
	if sm.TransactionStatus != "WAITING_FOR_APPROVAL" || sm.SubMerchantMemberID != seller || sm.SubMerchantMemberPrice == nil ||
		!amountEq(*sm.SubMerchantMemberPrice, "18") || !amountEq(sm.MerchantPayoutAmount, "4.01") {
		t.Errorf("marketplace tx %+v", sm)
	}

	// Retrieve gives the same payment.
	got := retrieve(t, m, p.ID)
	if got.ID != p.ID || got.AuthCode != p.AuthCode || got.CreatedDate != p.CreatedDate || len(got.PaymentTransactions) != 3 {
		t.Errorf("retrieved %+v", got)
	}
}

func TestSplitPaidPrice(t *testing.T) {
	tests := []struct {
		paid   string
		prices []string
		want   []string
	}{
		{"100", []string{"30", "50", "20"}, []string{"30", "50", "20"}},
		{"100.005", []string{"33.33", "33.33", "33.34"}, []string{"33.3316665", "33.3316665", "33.341667"}},
		{"10", []string{"3.33", "3.33", "3.34"}, []string{"3.33", "3.33", "3.34"}},
		{"10.01", []string{"3.33", "3.33", "3.34"}, []string{"3.33", "3.33", "3.35"}},
		{"1", []string{"0.01", "999.99"}, []string{"0", "1"}},
		{"200", []string{"0.01", "0.01", "0.01"}, []string{"66.66", "66.66", "66.68"}},
	}
	for _, tt := range tests {
		p := &draft{txs: make([]draftTx, len(tt.prices))}
		p.paidPrice, _ = moneyOf(amt(tt.paid))
		for i, s := range tt.prices {
			p.txs[i].price, _ = moneyOf(amt(s))
			p.price += p.txs[i].price
		}
		splitPaidPrice(p)
		var sum money
		for i, want := range tt.want {
			sum += p.txs[i].paidPrice
			if got := p.txs[i].paidPrice.String(); got != want {
				t.Errorf("paid %s prices %v: share %d = %s, want %s", tt.paid, tt.prices, i, got, want)
			}
		}
		if sum != p.paidPrice {
			t.Errorf("paid %s: shares sum to %s", tt.paid, sum)
		}
	}
}

func TestFailingCards(t *testing.T) {
	m := newTestMock(t)
	eachFailingCard(t, craftgate.StepNon3DSPayment, 50, func(t *testing.T, tc *craftgate.TestCard, o craftgate.Outcome, g craftgate.ErrorGroup) {
		req := paymentRequest(tc.Number)
		if tc.Association == "AMEX" {
			req.Card.CVC = "0000"
		}
		req.ConversationID = "fail-" + tc.Number
		w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
		e := errorBody(t, w, http.StatusUnprocessableEntity)
		if e.ErrorGroup != o.Failure.Group || e.ErrorCode != g.Code || e.ErrorCode != o.Code {
			t.Errorf("got %s/%s, want %s/%s", e.ErrorCode, e.ErrorGroup, g.Code, o.Failure.Group)
		}
		if n, _ := strconv.Atoi(e.ErrorCode); n <= 10000 {
			t.Errorf("payment error code %s not above 10000", e.ErrorCode)
		}
		if o.Failure.Group == "NOT_SUFFICIENT_FUNDS" && (e.ErrorCode != "10051" || e.ErrorDescription != "Kart limiti yetersiz, yetersiz bakiye") {
			t.Errorf("documented example differs: %+v", e)
		}
		if contains(w.Body.String(), `"id"`) || contains(w.Body.String(), `"data"`) {
			t.Errorf("422 body carries more than the error: %s", w.Body.String())
		}
		id, err := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
		if err != nil {
			t.Fatalf("%s header: %v", PaymentIDHeader, err)
		}
		p := retrieve(t, m, id)
		if p.PaymentStatus != "FAILURE" || p.RefundStatus != "NO_REFUND" || p.PaymentError == nil {
			t.Fatalf("stored failure %+v", p)
		}
		if p.PaymentError.ErrorCode != e.ErrorCode || p.PaymentError.ErrorGroup != e.ErrorGroup || p.PaymentError.ErrorDescription != e.ErrorDescription {
			t.Errorf("paymentError %+v, 422 said %+v", p.PaymentError, e)
		}
		if p.AuthCode != "" || p.CardAssociation != tc.Association || p.LastFourDigits != tc.Number[len(tc.Number)-4:] {
			t.Errorf("failed payment card data %+v", p)
		}
		// Also findable by conversationId.
		var list struct{ Items []craftgate.Payment }
		data(t, do(t, m, http.MethodGet, "/_mock/v1/payments?conversationId="+req.ConversationID, nil), &list)
		if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].PaymentStatus != "FAILURE" {
			t.Errorf("search by conversationId: %+v", list.Items)
		}
	})
}

func TestFailureDescriptionLanguage(t *testing.T) {
	m := newTestMock(t)
	req := paymentRequest("5115830000006669") // catalogue Turkish text carries a 3DS note
	r := signedRequest(http.MethodPost, testBase+"/payment/v1/card-payments", mustJSON(t, req))
	e := errorBody(t, serve(m, r), http.StatusUnprocessableEntity)
	if e.ErrorDescription != "Kart limiti yetersiz, yetersiz bakiye" {
		t.Errorf("tr description %q", e.ErrorDescription)
	}
	r = signedRequest(http.MethodPost, testBase+"/payment/v1/card-payments", mustJSON(t, req))
	r.Header.Set("Lang", "en")
	e = errorBody(t, serve(m, r), http.StatusUnprocessableEntity)
	if e.ErrorDescription != "Insufficient funds / card limit" {
		t.Errorf("en description %q", e.ErrorDescription)
	}
}

func TestMultiCurrencyCard(t *testing.T) {
	m := newTestMock(t)
	for _, tc := range craftgate.TestCards().MultiCurrency() {
		req := paymentRequest(tc.Number)
		req.Currency = "USD"
		if tc.Association == "AMEX" {
			req.Card.CVC = "1234"
		}
		p := pay(t, m, req)
		if p.Currency != "USD" || p.CardAssociation != tc.Association || p.CardIssuerBankName != "" {
			t.Errorf("%s: %+v", tc.Number, p)
		}
	}
}

func TestRetrieveUnknownPayment(t *testing.T) {
	m := newTestMock(t)
	for _, path := range []string{"/payment/v1/card-payments/1", "/payment/v1/card-payments/99999999999999999999999"} {
		e := errorBody(t, do(t, m, http.MethodGet, path, nil), http.StatusNotFound)
		if e.ErrorCode != CodePaymentNotFound {
			t.Errorf("%s: code %s", path, e.ErrorCode)
		}
	}
	e := validationError(t, do(t, m, http.MethodGet, "/_mock/v1/payments", nil))
	if !contains(e.ErrorDescription, "conversationId") {
		t.Errorf("description %q", e.ErrorDescription)
	}
}

func TestClockAdmin(t *testing.T) {
	m := newTestMock(t)
	var now struct{ Now string }
	data(t, do(t, m, http.MethodGet, "/_mock/v1/clock", nil), &now)
	if now.Now != "2025-06-15T10:00:00" {
		t.Errorf("now %q", now.Now)
	}
	data(t, do(t, m, http.MethodPost, "/_mock/v1/clock/advance", map[string]string{"duration": "24h30m"}), &now)
	if now.Now != "2025-06-16T10:30:00" {
		t.Errorf("after advance %q", now.Now)
	}
	if got := m.Now(); !got.Equal(testStart.Add(24*time.Hour+30*time.Minute)) || got.Location().String() != "Europe/Istanbul" && got.Location().String() != "+03" {
		t.Errorf("Now() = %v", got)
	}
	for _, d := range []string{"-1h", "0s", "soon", ""} {
		e := validationError(t, do(t, m, http.MethodPost, "/_mock/v1/clock/advance", map[string]string{"duration": d}))
		if !contains(e.ErrorDescription, "duration") {
			t.Errorf("%q: %q", d, e.ErrorDescription)
		}
	}
	m.Advance(-time.Hour) // ignored
	data(t, do(t, m, http.MethodGet, "/_mock/v1/clock", nil), &now)
	if now.Now != "2025-06-16T10:30:00" {
		t.Errorf("negative Advance moved the clock: %q", now.Now)
	}
}
