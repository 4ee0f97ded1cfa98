package mock

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
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

// TestVerifyCardThreeDS drives a THREE_DS verification through the bank's
// page: the card is stored only when the bank authenticates it, and the
// callback verifies with the merchant's callback key, unless forged.
func TestVerifyCardThreeDS(t *testing.T) {
	m := newTestMock(t, func(c *Config) { c.CallbackKey = testCallbackKey })
	const callback = "https://merchant.example/verified"
	price := amt("1")
	for _, tt := range []struct {
		name, card, action, md string
		stored                 bool
	}{
		{"verified", successCard, "verify", "1", true},
		{"mdStatus 0", cardMd0, "verify", "0", false},
		{"mdStatus 4", cardMd4, "verify", "4", false},
		{"rejected", successCard, "reject", "0", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(m.store.vault.byToken)
			var r craftgate.VerifyCardResponse
			data(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, craftgate.VerifyCardRequest{
				Card:                      &craftgate.VerifyCardDetails{CardHolderName: "Haluk Demir", CardNumber: tt.card, ExpireMonth: "07", ExpireYear: "2044", CVC: "000"},
				PaymentAuthenticationType: craftgate.VerifyThreeDS, VerificationPrice: &price, Currency: "TRY", ConversationID: "cv-1", CallbackURL: callback}), &r)
			if r.CardVerifyStatus != craftgate.CardVerifyPending3DS || r.HTMLContent == "" || r.RedirectURL == "" || r.CardToken != "" || r.MerchantCallbackURL != callback {
				t.Fatalf("verify: %+v", r)
			}
			html, err := base64.StdEncoding.DecodeString(r.HTMLContent)
			if err != nil {
				t.Fatal(err)
			}
			redirect := oneForm(t, string(html))
			code, bank := pagePost(t, m, redirect.action, redirect.fields)
			if code != http.StatusOK || !strings.Contains(bank, `value="verify"`) || strings.Contains(bank, tt.card) {
				t.Fatalf("bank page %d: %s", code, bank)
			}
			f := oneForm(t, bank)
			f.fields.Set("action", tt.action)
			code, page := pagePost(t, m, f.action, f.fields)
			cb := oneForm(t, page)
			if code != http.StatusOK || cb.action != callback {
				t.Fatalf("callback page %d: %s", code, page)
			}
			if err := craftgate.VerifyCallback(testCallbackKey, cb.fields); err != nil {
				t.Fatalf("callback hash: %v (%v)", err, cb.fields)
			}
			if got := cb.fields.Get("mdStatus"); got != tt.md || cb.fields.Get("conversationId") != "cv-1" {
				t.Fatalf("callback %v, want mdStatus %s", cb.fields, tt.md)
			}
			after := len(m.store.vault.byToken)
			if !tt.stored {
				if cb.fields.Get("status") != craftgate.StatusFailure || cb.fields.Get("cardToken") != "" || after != before {
					t.Fatalf("failed verification: callback %v, vault %d -> %d cards", cb.fields, before, after)
				}
			} else {
				if cb.fields.Get("status") != craftgate.StatusSuccess || after != before+1 {
					t.Fatalf("verified: callback %v, vault %d -> %d cards", cb.fields, before, after)
				}
				pay(t, m, &craftgate.CreatePaymentRequest{Price: amt("10"), PaidPrice: amt("10"), Installment: 1, Currency: "TRY",
					Card: &craftgate.Card{CardUserKey: cb.fields.Get("cardUserKey"), CardToken: cb.fields.Get("cardToken")}, Items: []craftgate.PaymentItem{{Name: "x", Price: amt("10")}}})
				forged := url.Values{}
				for k, v := range cb.fields {
					forged[k] = slices.Clone(v)
				}
				forged.Set("cardToken", "someone-elses-card")
				if err := craftgate.VerifyCallback(testCallbackKey, forged); err == nil {
					t.Fatal("a callback with a forged cardToken verifies")
				}
			}
			if code, _ := pagePost(t, m, f.action, f.fields); code != http.StatusConflict {
				t.Fatalf("second answer: HTTP %d, want 409", code)
			}
		})
	}
	wrong := craftgate.VerifyCardRequest{Card: &craftgate.VerifyCardDetails{CardHolderName: "Haluk Demir", CardNumber: successCard, ExpireMonth: "07", ExpireYear: "2044"},
		PaymentAuthenticationType: craftgate.VerifyThreeDS}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardsVerify, wrong)); e.ErrorCode != CodeInvalidCallbackURL {
		t.Fatalf("THREE_DS without callbackUrl: %+v", e)
	}
	if w := serve(m, httptest.NewRequest(http.MethodGet, pathCardVerifyACS+"/nope?t=x", nil)); w.Code != http.StatusNotFound {
		t.Fatalf("unknown verification: %d", w.Code)
	}
}
