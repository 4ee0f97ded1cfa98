package mock

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestVerifyCard(t *testing.T) {
	m := newTestMock(t)
	price := amt("1")
	req := func(card, auth string) craftgate.VerifyCardRequest {
		return craftgate.VerifyCardRequest{Card: &craftgate.VerifyCardDetails{CardHolderName: "Haluk Demir", CardNumber: card, ExpireMonth: "07", ExpireYear: "2044", CVC: "000"},
			PaymentAuthenticationType: auth, VerificationPrice: &price, Currency: "TRY"}
	}
	var r craftgate.VerifyCardResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, req(successCard, craftgate.VerifyNonThreeDS)), &r)
	if r.CardVerifyStatus != craftgate.CardVerifySuccess || r.CardToken == "" || r.RefundStatus != craftgate.StatusSuccess {
		t.Fatalf("verify: %+v", r)
	}
	pay(t, m, &craftgate.CreatePaymentRequest{Price: amt("10"), PaidPrice: amt("10"), Installment: 1, Currency: "TRY",
		Card: &craftgate.Card{CardUserKey: r.CardUserKey, CardToken: r.CardToken}, Items: []craftgate.PaymentItem{{Name: "x", Price: amt("10")}}})
	r = craftgate.VerifyCardResponse{}
	data(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, req(cardCompleteFails, craftgate.VerifyNonThreeDS)), &r)
	if r.CardVerifyStatus != craftgate.CardVerifyFailure || r.CardToken != "" {
		t.Fatalf("declined card: %+v", r)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, req(cardCompleteFails, craftgate.VerifyNone)), &r)
	if r.CardVerifyStatus != craftgate.CardVerifySuccess {
		t.Fatalf("NONE: %+v", r)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, req(successCard, "BOGUS"))); e.ErrorCode != CodeInvalidCardVerify {
		t.Fatalf("bad type: %+v", e)
	}
}

func TestCheckoutCardVerify(t *testing.T) {
	m := newTestMock(t)
	for _, tt := range []struct {
		card string
		ok   bool
	}{{successCard, true}, {cardCompleteFails, false}} {
		var init craftgate.InitCheckoutPaymentResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathCheckoutCardVerifyInit, craftgate.InitCheckoutCardVerifyRequest{CallbackURL: "https://merchant.example/verified"}), &init)
		if e := validationError(t, do(t, m, http.MethodGet, craftgate.PathCheckoutCardVerify+"/"+init.Token, nil)); e.ErrorCode != CodeMethodNotReady {
			t.Fatalf("retrieve before: %+v", e)
		}
		u, _ := url.Parse(init.PageURL)
		if w := serve(m, httptest.NewRequest(http.MethodGet, u.Path, nil)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `name="cardNumber"`) {
			t.Fatalf("page: %d %s", w.Code, w.Body)
		}
		code, page := pagePost(t, m, init.PageURL, cardForm(tt.card))
		f := oneForm(t, page)
		if code != http.StatusOK || f.action != "https://merchant.example/verified" || f.fields.Get("token") != init.Token {
			t.Fatalf("callback %d: %s", code, page)
		}
		var res craftgate.CheckoutCardVerifyResult
		data(t, do(t, m, http.MethodGet, craftgate.PathCheckoutCardVerify+"/"+init.Token, nil), &res)
		if (res.Card != nil) != tt.ok || (tt.ok && res.Card.LastFourDigits != tt.card[12:]) {
			t.Fatalf("result for %s: %+v", craftgate.MaskPAN(tt.card), res)
		}
	}
}

func TestCardsCloneIvrSecureFields(t *testing.T) {
	m := newTestMock(t)
	var sc craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, craftgate.PathStoredCards, craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireMonth: "07", ExpireYear: "2044"}), &sc)
	var clone craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, craftgate.PathCardsClone, craftgate.CloneStoredCardRequest{SourceCardUserKey: sc.CardUserKey, SourceCardToken: sc.CardToken, TargetMerchantID: 7}), &clone)
	if clone.CardToken == "" || clone.CardToken == sc.CardToken || clone.LastFourDigits != sc.LastFourDigits {
		t.Fatalf("clone: %+v", clone)
	}
	if w := do(t, m, http.MethodPost, craftgate.PathCardsClone, craftgate.CloneStoredCardRequest{SourceCardUserKey: sc.CardUserKey, SourceCardToken: "nope", TargetMerchantID: 7}); w.Code != http.StatusNotFound {
		t.Fatalf("clone of nothing: %d", w.Code)
	}
	var list craftgate.StoredCardList
	data(t, do(t, m, http.MethodGet, craftgate.PathProviderCardMappings+"?cardProvider=IYZICO&providerCardToken=x", nil), &list)
	if list.Items == nil || len(list.Items) != 0 {
		t.Fatalf("mappings: %+v", list)
	}

	// Secure fields: the page's token stores the card once.
	hr := httptest.NewRequest(http.MethodPost, pathSecureFields, strings.NewReader(cardForm(successCard).Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := serve(m, hr)
	tok := regexp.MustCompile(`sf-[0-9a-f]{32}`).FindString(w.Body.String())
	if tok == "" {
		t.Fatalf("secure fields page: %s", w.Body)
	}
	var stored craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, craftgate.PathStoredCards, craftgate.StoreCardRequest{SecureFieldsToken: tok, CardUserKey: sc.CardUserKey}), &stored)
	if stored.CardUserKey != sc.CardUserKey || stored.LastFourDigits != successCard[12:] {
		t.Fatalf("store from token: %+v", stored)
	}
	if w := do(t, m, http.MethodPost, craftgate.PathStoredCards, craftgate.StoreCardRequest{SecureFieldsToken: tok}); w.Code != http.StatusNotFound {
		t.Fatalf("token used twice: %d", w.Code)
	}

	// An IVR call's token: the card stored, and a token for it.
	call := m.newSecureToken(storeDraft{pan: successCard, holder: "Haluk Demir", month: 7, year: 2044})
	var ivr craftgate.IvrCard
	data(t, do(t, m, http.MethodGet, craftgate.PathIvrCards+"?callToken="+call, nil), &ivr)
	if ivr.CardToken == "" || ivr.BinNumber != craftgate.BinOf(successCard) || !strings.HasPrefix(ivr.SecureFieldsToken, "sf-") {
		t.Fatalf("ivr: %+v", ivr)
	}
}
