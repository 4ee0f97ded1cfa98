package mock

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Cards of the stored-card tests.
const (
	amexCard  = "375623000000006"  // GARANTİ, CREDIT_CARD, Bonus, AMEX
	debitCard = "4796810000000002" // AKBANK, DEBIT_CARD, Neo, VISA
)

var uuidShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func storeReq(card string) craftgate.StoreCardRequest {
	return craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: card, ExpireYear: "2044", ExpireMonth: "07", CardAlias: "Work card"}
}

// storeCard stores a card that must be accepted, and checks the answer
// never carries the number.
func storeCard(t testing.TB, m http.Handler, req craftgate.StoreCardRequest) *craftgate.StoredCard {
	t.Helper()
	w := do(t, m, http.MethodPost, craftgate.PathStoredCards, req)
	noPAN(t, w, req.CardNumber)
	var sc craftgate.StoredCard
	data(t, w, &sc)
	return &sc
}

// noPAN fails when the answer holds the full card number.
func noPAN(t testing.TB, w *httptest.ResponseRecorder, pan string) {
	t.Helper()
	if pan != "" && strings.Contains(w.Body.String(), pan) {
		t.Fatalf("the answer contains the full card number: %s", craftgate.MaskPANs(w.Body.String()))
	}
}

func storedPayment(sc *craftgate.StoredCard) *craftgate.CreatePaymentRequest {
	req := paymentRequest(successCard)
	req.Card = &craftgate.Card{CardUserKey: sc.CardUserKey, CardToken: sc.CardToken}
	return req
}

func searchCards(t testing.TB, m http.Handler, q url.Values) *craftgate.StoredCardList {
	t.Helper()
	var out craftgate.StoredCardList
	data(t, do(t, m, http.MethodGet, craftgate.PathStoredCards+"?"+q.Encode(), nil), &out)
	return &out
}

func TestStoreCard(t *testing.T) {
	m := newTestMock(t)
	sc := storeCard(t, m, storeReq(successCard))
	if !uuidShape.MatchString(sc.CardUserKey) || !uuidShape.MatchString(sc.CardToken) || sc.CardUserKey == sc.CardToken {
		t.Fatalf("keys %q %q", sc.CardUserKey, sc.CardToken)
	}
	want := craftgate.StoredCard{BinNumber: "52586400", LastFourDigits: "0001", CardHolderName: "Haluk Demir",
		CardUserKey: sc.CardUserKey, CardToken: sc.CardToken, CardAlias: "Work card", CardType: "CREDIT_CARD",
		CardAssociation: "MASTER_CARD", CardBrand: "World", CardBankName: "YAPI VE KREDİ BANKASI A.Ş.", CardBankID: 67,
		CardExpiryStatus: "NOT_EXPIRED", ExpireYear: "2044", ExpireMonth: "07", CreatedAt: "2025-06-15T10:00:00"}
	if *sc != want {
		t.Fatalf("stored card\n got %+v\nwant %+v", *sc, want)
	}

	// A second card for the same card user; the same number again is the
	// same card.
	second := storeReq(amexCard)
	second.CardUserKey, second.ExpireYear, second.CardAlias = sc.CardUserKey, "44", ""
	sc2 := storeCard(t, m, second)
	if sc2.CardUserKey != sc.CardUserKey || sc2.CardToken == sc.CardToken || sc2.CardAssociation != "AMEX" || sc2.ExpireYear != "2044" || sc2.LastFourDigits != "0006" {
		t.Fatalf("second card %+v", sc2)
	}
	again := storeReq(successCard)
	again.CardUserKey = sc.CardUserKey
	if sc3 := storeCard(t, m, again); sc3.CardToken != sc.CardToken {
		t.Errorf("the same number stored twice: tokens %s and %s", sc.CardToken, sc3.CardToken)
	}
	// Without cardUserKey, a new card user.
	if sc4 := storeCard(t, m, storeReq(successCard)); sc4.CardUserKey == sc.CardUserKey || sc4.CardToken == sc.CardToken {
		t.Errorf("a new card user expected: %+v", sc4)
	}
	if got := searchCards(t, m, url.Values{"cardUserKey": {sc.CardUserKey}}); got.TotalSize != 2 {
		t.Errorf("card user has %d cards, want 2", got.TotalSize)
	}

	unknown := storeReq(successCard)
	unknown.CardUserKey = "no-such-user"
	if e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathStoredCards, unknown), http.StatusNotFound); e.ErrorCode != CodeCardUserNotFound {
		t.Errorf("unknown card user: %+v", e)
	}
}

// TestStoredKeysAreRepeatable: the same seed and requests give the same
// keys; another seed, other keys.
func TestStoredKeysAreRepeatable(t *testing.T) {
	a := storeCard(t, newTestMock(t), storeReq(successCard))
	b := storeCard(t, newTestMock(t), storeReq(successCard))
	c := storeCard(t, newTestMock(t, func(c *Config) { c.Seed = 7 }), storeReq(successCard))
	if *a != *b || a.CardToken == c.CardToken || a.CardUserKey == c.CardUserKey {
		t.Errorf("keys: seed 42 %s/%s and %s/%s, seed 7 %s/%s", a.CardUserKey, a.CardToken, b.CardUserKey, b.CardToken, c.CardUserKey, c.CardToken)
	}
}

func TestStoreCardValidation(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(*craftgate.StoreCardRequest)
		code   string
		inDesc string
	}{
		{"no holder", func(r *craftgate.StoreCardRequest) { r.CardHolderName = "" }, CodeRequiredField, "cardHolderName"},
		{"holder with forbidden characters", func(r *craftgate.StoreCardRequest) { r.CardHolderName = "Haluk <b>" }, CodeInvalidCardHolderName, "cardHolderName"},
		{"holder with six digits", func(r *craftgate.StoreCardRequest) { r.CardHolderName = "Haluk 123456" }, CodeInvalidCardHolderName, "five digits"},
		{"no number", func(r *craftgate.StoreCardRequest) { r.CardNumber = "" }, CodeRequiredField, "cardNumber"},
		{"bad check digit", func(r *craftgate.StoreCardRequest) { r.CardNumber = "5258640000000002" }, CodeInvalidCardNumber, "cardNumber"},
		{"not a test card", func(r *craftgate.StoreCardRequest) { r.CardNumber = "4242424242424242" }, CodeCardNotInSandbox, "424242******4242"},
		{"past year", func(r *craftgate.StoreCardRequest) { r.ExpireYear = "2010" }, CodeInvalidExpireYear, "2010"},
		{"past month", func(r *craftgate.StoreCardRequest) { r.ExpireYear, r.ExpireMonth = "2025", "05" }, CodeInvalidExpireYear, "05/2025"},
		{"bad month", func(r *craftgate.StoreCardRequest) { r.ExpireMonth = "13" }, CodeInvalidExpireMonth, "expireMonth"},
		{"alias too long", func(r *craftgate.StoreCardRequest) { r.CardAlias = strings.Repeat("ş", 101) }, CodeInvalidCardAlias, "cardAlias"},
	}
	m := newTestMock(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := storeReq(successCard)
			tt.mod(&req)
			w := do(t, m, http.MethodPost, craftgate.PathStoredCards, req)
			noPAN(t, w, req.CardNumber)
			e := validationError(t, w)
			if e.ErrorCode != tt.code || !contains(e.ErrorDescription, tt.inDesc) || contains(e.ErrorDescription, "card.") {
				t.Errorf("%+v, want code %s mentioning %q (top-level field names)", e, tt.code, tt.inDesc)
			}
		})
	}
	if got := searchCards(t, m, nil); got.TotalSize != 0 {
		t.Errorf("%d cards stored by invalid requests", got.TotalSize)
	}
}

// TestPayWithStoredCard: a stored card pays without CVC; every way a
// stored card cannot pay is refused before the bank.
func TestPayWithStoredCard(t *testing.T) {
	m := newTestMock(t)
	sc := storeCard(t, m, storeReq(successCard))
	w := do(t, m, http.MethodPost, craftgate.PathCardPayments, storedPayment(sc))
	noPAN(t, w, successCard)
	var p craftgate.Payment
	data(t, w, &p)
	if p.PaymentStatus != "SUCCESS" || !p.PaidWithStoredCard || p.BinNumber != "52586400" || p.LastFourDigits != "0001" ||
		p.CardHolderName != "Haluk Demir" || p.CardBrand != "World" || p.CardUserKey != "" {
		t.Fatalf("payment with a stored card %+v", p)
	}
	if got := retrieve(t, m, p.ID); !got.PaidWithStoredCard {
		t.Error("retrieved payment: paidWithStoredCard false")
	}
	plain := pay(t, m, paymentRequest(successCard))
	if plain.PaidWithStoredCard {
		t.Error("plain payment: paidWithStoredCard true")
	}

	amex := storeCard(t, m, storeReq(amexCard))
	debit := storeCard(t, m, storeReq(debitCard))
	declining := storeCard(t, m, storeReq(cardCompleteFails))
	preAuthDecline := storeCard(t, m, storeReq(cardPreAuthFails))
	expiring := storeReq(successCard)
	expiring.ExpireYear, expiring.ExpireMonth = "2025", "06"
	soon := storeCard(t, m, expiring)
	if soon.CardExpiryStatus != "WILL_EXPIRE_NEXT_MONTH" {
		t.Errorf("card expiring this month: %s", soon.CardExpiryStatus)
	}

	tests := []struct {
		name   string
		card   *craftgate.StoredCard
		mod    func(*craftgate.CreatePaymentRequest) // nil: the stored card's plain payment
		status int
		code   string // errorCode, or errorGroup for 422
	}{
		{"AMEX with its 4-digit CVC", amex, func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "1234" }, 200, ""},
		{"AMEX with a 3-digit CVC", amex, func(r *craftgate.CreatePaymentRequest) { r.Card.CVC = "123" }, 400, CodeInvalidCVC},
		{"stored debit card in installments", debit, func(r *craftgate.CreatePaymentRequest) { r.Installment = 3 }, 400, CodeInvalidInstallment},
		{"stored error card declined like the card", declining, nil, 422, "NOT_SUFFICIENT_FUNDS"},
		{"stored pre-auth error card declined at pre-auth", preAuthDecline, func(r *craftgate.CreatePaymentRequest) { r.PaymentPhase = craftgate.PhasePreAuth }, 422, "NOT_SUFFICIENT_FUNDS"},
		{"stored card pre-authorised", sc, func(r *craftgate.CreatePaymentRequest) { r.PaymentPhase = craftgate.PhasePreAuth }, 200, ""},
		{"token only", sc, func(r *craftgate.CreatePaymentRequest) { r.Card.CardUserKey = "" }, 400, CodeStoredCardNotUsable},
		{"user key only", sc, func(r *craftgate.CreatePaymentRequest) { r.Card.CardToken = "" }, 400, CodeStoredCardNotUsable},
		{"token of another user", sc, func(r *craftgate.CreatePaymentRequest) { r.Card.CardToken = amex.CardToken }, 400, CodeStoredCardNotUsable},
		{"unknown token", sc, func(r *craftgate.CreatePaymentRequest) { r.Card.CardToken = "nope" }, 400, CodeStoredCardNotUsable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := storedPayment(tt.card)
			if tt.mod != nil {
				tt.mod(req)
			}
			w := do(t, m, http.MethodPost, craftgate.PathCardPayments, req)
			noPAN(t, w, successCard)
			switch tt.status {
			case 200:
				var p craftgate.Payment
				data(t, w, &p)
				if !p.PaidWithStoredCard {
					t.Error("paidWithStoredCard false")
				}
			case 422:
				if e := errorBody(t, w, 422); e.ErrorGroup != tt.code {
					t.Errorf("%+v, want group %s", e, tt.code)
				}
				id, _ := strconv.ParseInt(w.Header().Get(PaymentIDHeader), 10, 64)
				if got := retrieve(t, m, id); !got.PaidWithStoredCard || got.PaymentStatus != "FAILURE" {
					t.Errorf("declined stored-card payment: %+v", got)
				}
			default:
				if e := validationError(t, w); e.ErrorCode != tt.code {
					t.Errorf("%+v, want code %s", e, tt.code)
				}
			}
		})
	}

	// The stored card expires with the month: on the mock clock, a month on.
	m.Advance(31 * 24 * time.Hour)
	e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, storedPayment(soon)))
	if e.ErrorCode != CodeInvalidExpireYear || !contains(e.ErrorDescription, "06/2025") {
		t.Errorf("expired stored card: %+v", e)
	}
}

func TestStoreCardAfterPayment(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t)
	m := l.m
	req := paymentRequest(successCard)
	req.Card.StoreCardAfterSuccessPayment, req.Card.CardAlias = true, "From checkout"
	w := do(t, m, http.MethodPost, craftgate.PathCardPayments, req)
	noPAN(t, w, successCard)
	var p craftgate.Payment
	data(t, w, &p)
	if !uuidShape.MatchString(p.CardUserKey) || !uuidShape.MatchString(p.CardToken) || p.PaidWithStoredCard {
		t.Fatalf("payment keys %q %q, paidWithStoredCard %v", p.CardUserKey, p.CardToken, p.PaidWithStoredCard)
	}
	if got := retrieve(t, m, p.ID); got.CardUserKey != p.CardUserKey || got.CardToken != p.CardToken {
		t.Errorf("retrieved keys %q %q", got.CardUserKey, got.CardToken)
	}
	list := searchCards(t, m, url.Values{"cardUserKey": {p.CardUserKey}})
	if list.TotalSize != 1 || list.Items[0].CardToken != p.CardToken || list.Items[0].CardAlias != "From checkout" || list.Items[0].LastFourDigits != "0001" {
		t.Fatalf("stored after payment: %+v", list)
	}
	// The stored card pays; a second card joins the same card user.
	if sp := pay(t, m, storedPayment(&list.Items[0])); !sp.PaidWithStoredCard {
		t.Error("the card stored after payment did not pay as a stored card")
	}
	second := paymentRequest(amexCard)
	second.Card.CVC, second.Card.StoreCardAfterSuccessPayment, second.Card.CardUserKey = "1234", true, p.CardUserKey
	if p2 := pay(t, m, second); p2.CardUserKey != p.CardUserKey || p2.CardToken == p.CardToken {
		t.Errorf("second card stored for %q token %q", p2.CardUserKey, p2.CardToken)
	}
	// A deleted card: the payment that stored it still answers its keys.
	if w := do(t, m, http.MethodPost, craftgate.PathStoredCardsDelete, craftgate.DeleteStoredCardRequest{CardUserKey: p.CardUserKey, CardToken: p.CardToken}); w.Code != 200 {
		t.Fatal(w.Body.String())
	}
	if got := retrieve(t, m, p.ID); got.CardToken != p.CardToken {
		t.Errorf("after delete: %q", got.CardToken)
	}

	// A declined payment stores nothing.
	declined := paymentRequest(cardCompleteFails)
	declined.Card.StoreCardAfterSuccessPayment = true
	if w := do(t, m, http.MethodPost, craftgate.PathCardPayments, declined); w.Code != 422 || contains(w.Body.String(), "cardToken") {
		t.Fatalf("declined: %d %s", w.Code, w.Body.String())
	}
	if got := searchCards(t, m, url.Values{"cardBankName": {""}}); got.TotalSize != 1 {
		t.Errorf("%d cards stored, want only the AMEX left", got.TotalSize)
	}

	for name, c := range map[string]struct {
		req  *craftgate.CreatePaymentRequest
		path string
		code string
	}{
		"unknown card user": {func() *craftgate.CreatePaymentRequest {
			r := paymentRequest(successCard)
			r.Card.StoreCardAfterSuccessPayment, r.Card.CardUserKey = true, "nobody"
			return r
		}(), craftgate.PathCardPayments, CodeStoredCardNotUsable},
	} {
		t.Run(name, func(t *testing.T) {
			var w *httptest.ResponseRecorder
			if c.path != "" {
				w = do(t, m, http.MethodPost, c.path, c.req)
			} else {
				w = do(t, m, http.MethodPost, "/payment/v1/card-payments/3ds-init",
					craftgate.InitThreeDSPaymentRequest{CreatePaymentRequest: *c.req, CallbackURL: rc.callbackURL()})
			}
			if e := validationError(t, w); e.ErrorCode != c.code {
				t.Errorf("%+v, want %s", e, c.code)
			}
		})
	}
}

// TestThreeDSWithStoredCard: a stored card pays with 3-D Secure too.
func TestThreeDSWithStoredCard(t *testing.T) {
	rc := startReceiver(t)
	l := startLive(t)
	ctx := context.Background()
	sc := storeCard(t, l.m, storeReq(successCard))
	req := threeDSRequest(successCard, rc.callbackURL(), false)
	req.Card = &craftgate.Card{CardUserKey: sc.CardUserKey, CardToken: sc.CardToken}
	init, err := l.client.InitThreeDSPayment(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	acs, page := l.acsPage(t, b, init)
	if strings.Contains(page, successCard) || !strings.Contains(page, craftgate.MaskPAN(successCard)) {
		t.Fatal("the bank page must show the stored card masked")
	}
	l.answerACS(t, b, acs, "verify")
	p, err := l.client.CompleteThreeDSPayment(ctx, init.PaymentID)
	if err != nil || !p.PaidWithStoredCard || !p.IsThreeDS {
		t.Fatalf("%v %+v", err, p)
	}
}

func TestUpdateStoredCard(t *testing.T) {
	m := newTestMock(t)
	sc := storeCard(t, m, storeReq(successCard))
	upd := func(r craftgate.UpdateStoredCardRequest) *httptest.ResponseRecorder {
		return do(t, m, http.MethodPost, craftgate.PathStoredCardsUpdate, r)
	}
	base := craftgate.UpdateStoredCardRequest{CardUserKey: sc.CardUserKey, CardToken: sc.CardToken, ExpireYear: "2045", ExpireMonth: "1", CardAlias: "Holiday card"}
	var got craftgate.StoredCard
	data(t, upd(base), &got)
	if got.CardAlias != "Holiday card" || got.ExpireYear != "2045" || got.ExpireMonth != "01" || got.CardToken != sc.CardToken || got.LastFourDigits != "0001" {
		t.Fatalf("updated %+v", got)
	}
	keep := base
	keep.CardAlias, keep.ExpireYear = "", "2046"
	data(t, upd(keep), &got)
	if got.CardAlias != "Holiday card" || got.ExpireYear != "2046" {
		t.Errorf("an update without cardAlias: %+v", got)
	}
	if l := searchCards(t, m, url.Values{"cardAlias": {"Holiday card"}}); l.TotalSize != 1 || l.Items[0].ExpireYear != "2046" {
		t.Errorf("search by the new alias: %+v", l)
	}
	tests := []struct {
		name   string
		mod    func(*craftgate.UpdateStoredCardRequest)
		status int
		code   string
	}{
		{"no expiry month", func(r *craftgate.UpdateStoredCardRequest) { r.ExpireMonth = "" }, 400, CodeRequiredField},
		{"no expiry year", func(r *craftgate.UpdateStoredCardRequest) { r.ExpireYear = "" }, 400, CodeRequiredField},
		{"past expiry", func(r *craftgate.UpdateStoredCardRequest) { r.ExpireYear = "2020" }, 400, CodeInvalidExpireYear},
		{"no token", func(r *craftgate.UpdateStoredCardRequest) { r.CardToken = "" }, 400, CodeRequiredField},
		{"long alias", func(r *craftgate.UpdateStoredCardRequest) { r.CardAlias = strings.Repeat("x", 101) }, 400, CodeInvalidCardAlias},
		{"unknown card", func(r *craftgate.UpdateStoredCardRequest) { r.CardToken = "nope" }, 404, CodeStoredCardNotFound},
		{"wrong user", func(r *craftgate.UpdateStoredCardRequest) { r.CardUserKey = "nope" }, 404, CodeStoredCardNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.mod(&r)
			if e := errorBody(t, upd(r), tt.status); e.ErrorCode != tt.code {
				t.Errorf("%+v, want %s", e, tt.code)
			}
		})
	}
}

// TestDeleteStoredCard covers both accepted forms: the documented POST
// /payment/v1/cards/delete and the DELETE older clients send.
func TestDeleteStoredCard(t *testing.T) {
	forms := map[string]func(m *Mock, userKey, token string) *httptest.ResponseRecorder{
		"POST /cards/delete": func(m *Mock, u, tok string) *httptest.ResponseRecorder {
			return do(t, m, http.MethodPost, craftgate.PathStoredCardsDelete, craftgate.DeleteStoredCardRequest{CardUserKey: u, CardToken: tok})
		},
		"DELETE /cards": func(m *Mock, u, tok string) *httptest.ResponseRecorder {
			return do(t, m, http.MethodDelete, craftgate.PathStoredCards+"?"+url.Values{"cardUserKey": {u}, "cardToken": {tok}}.Encode(), nil)
		},
	}
	for name, del := range forms {
		t.Run(name, func(t *testing.T) {
			m := newTestMock(t)
			sc := storeCard(t, m, storeReq(successCard))
			other := storeCard(t, m, storeReq(amexCard))
			if e := errorBody(t, del(m, other.CardUserKey, sc.CardToken), 404); e.ErrorCode != CodeStoredCardNotFound {
				t.Fatalf("another user's card: %+v", e)
			}
			w := del(m, sc.CardUserKey, sc.CardToken)
			if w.Code != http.StatusOK || w.Body.Len() != 0 {
				t.Fatalf("delete: %d %q", w.Code, w.Body.String())
			}
			if e := errorBody(t, del(m, sc.CardUserKey, sc.CardToken), 404); e.ErrorCode != CodeStoredCardNotFound {
				t.Errorf("second delete: %+v", e)
			}
			if e := validationError(t, del(m, sc.CardUserKey, "")); e.ErrorCode != CodeRequiredField {
				t.Errorf("no token: %+v", e)
			}
			if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, storedPayment(sc))); e.ErrorCode != CodeStoredCardNotUsable {
				t.Errorf("paying with the deleted card: %+v", e)
			}
			if l := searchCards(t, m, url.Values{"cardUserKey": {sc.CardUserKey}}); l.TotalSize != 0 {
				t.Errorf("deleted card still found: %+v", l)
			}
			// The card user remains: a card can be stored for it again.
			again := storeReq(successCard)
			again.CardUserKey = sc.CardUserKey
			if sc2 := storeCard(t, m, again); sc2.CardToken == sc.CardToken {
				t.Error("a deleted token came back")
			}
		})
	}
	m := newTestMock(t)
	w := do(t, m, http.MethodPut, craftgate.PathStoredCards, nil)
	if e := errorBody(t, w, http.StatusMethodNotAllowed); e.ErrorCode != CodeMethodNotAllowed || w.Header().Get("Allow") != "POST, GET, DELETE" {
		t.Errorf("PUT: %+v, Allow %q", e, w.Header().Get("Allow"))
	}
}

func TestSearchStoredCards(t *testing.T) {
	m := newTestMock(t)
	a := storeCard(t, m, storeReq(successCard)) // World MASTER_CARD credit, YKB
	bReq := storeReq(amexCard)
	bReq.CardUserKey = a.CardUserKey
	b := storeCard(t, m, bReq) // Bonus AMEX credit, Garanti
	m.Advance(2 * time.Hour)
	cReq := storeReq(debitCard)
	cReq.CardAlias, cReq.ExpireYear, cReq.ExpireMonth = "Debit", "2025", "07"
	c := storeCard(t, m, cReq) // Neo VISA debit, Akbank; expires next month

	tokens := func(l *craftgate.StoredCardList) string {
		var s []string
		for _, it := range l.Items {
			s = append(s, map[string]string{a.CardToken: "a", b.CardToken: "b", c.CardToken: "c"}[it.CardToken])
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		q     url.Values
		want  string
		total int64
	}{
		{url.Values{}, "a,b,c", 3},
		{url.Values{"cardUserKey": {a.CardUserKey}}, "a,b", 2},
		{url.Values{"cardUserKey": {a.CardUserKey}, "cardToken": {b.CardToken}}, "b", 1},
		{url.Values{"cardToken": {c.CardToken}}, "c", 1},
		{url.Values{"cardAlias": {"Debit"}}, "c", 1},
		{url.Values{"cardType": {"DEBIT_CARD"}}, "c", 1},
		{url.Values{"cardType": {"CREDIT_CARD"}, "cardAssociation": {"AMEX"}}, "b", 1},
		{url.Values{"cardBrand": {"World"}}, "a", 1},
		{url.Values{"cardBankName": {"AKBANK T.A.Ş."}}, "c", 1},
		{url.Values{"cardExpiryStatus": {"WILL_EXPIRE_NEXT_MONTH"}}, "c", 1},
		{url.Values{"cardExpiryStatus": {"NOT_EXPIRED"}}, "a,b", 2},
		{url.Values{"minCreatedDate": {"2025-06-15T11:00:00"}}, "c", 1},
		{url.Values{"maxCreatedDate": {"2025-06-15T10:00:00"}}, "a,b", 2},
		{url.Values{"minCreatedDate": {"2025-06-15T08:30:00Z"}}, "c", 1},
		{url.Values{"size": {"2"}}, "a,b", 3},
		{url.Values{"size": {"2"}, "page": {"1"}}, "c", 3},
		{url.Values{"size": {"2"}, "page": {"5"}}, "", 3},
		{url.Values{"cardUserKey": {"nobody"}}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.q.Encode(), func(t *testing.T) {
			w := do(t, m, http.MethodGet, craftgate.PathStoredCards+"?"+tt.q.Encode(), nil)
			for _, pan := range []string{successCard, amexCard, debitCard} {
				noPAN(t, w, pan)
			}
			if !contains(w.Body.String(), `"items":[`) {
				t.Fatalf("items must be a list: %s", w.Body.String())
			}
			var l craftgate.StoredCardList
			data(t, w, &l)
			size := 10
			if s := tt.q.Get("size"); s != "" {
				size, _ = strconv.Atoi(s)
			}
			page, _ := strconv.Atoi(tt.q.Get("page"))
			if tokens(&l) != tt.want || l.TotalSize != tt.total || l.Size != size || l.Page != page {
				t.Errorf("got %q total %d page %d size %d, want %q total %d", tokens(&l), l.TotalSize, l.Page, l.Size, tt.want, tt.total)
			}
		})
	}
	for _, bad := range []url.Values{{"page": {"-1"}}, {"size": {"0"}}, {"size": {"1001"}}, {"page": {"x"}}, {"minCreatedDate": {"yesterday"}}} {
		e := validationError(t, do(t, m, http.MethodGet, craftgate.PathStoredCards+"?"+bad.Encode(), nil))
		if e.ErrorCode != CodeInvalidPaging && e.ErrorCode != CodeInvalidQuery {
			t.Errorf("%s: %+v", bad.Encode(), e)
		}
	}
}
