package mock

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// methodOrder is the basket of the wallet-method tests: 100 TRY in two items.
func methodOrder() craftgate.CreatePaymentRequest {
	return craftgate.CreatePaymentRequest{Price: amt("100"), PaidPrice: amt("100"), Currency: "TRY", PaymentGroup: craftgate.PaymentGroupProduct,
		ConversationID: "wallet-conv", Items: []craftgate.PaymentItem{{Name: "a", Price: amt("60")}, {Name: "b", Price: amt("40")}}}
}

// pagePost posts form to the provider page at rawURL (an absolute URL the
// mock answered) and returns the answer.
func pagePost(t *testing.T, m *Mock, rawURL string, form url.Values) (int, string) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	hr, _ := http.NewRequest(http.MethodPost, u.RequestURI(), strings.NewReader(form.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := serve(m, hr)
	return w.Code, w.Body.String()
}

// callbackOf reads the callback form of a page and checks its hash.
func callbackOf(t *testing.T, m *Mock, page, wantAction string) url.Values {
	t.Helper()
	f := oneForm(t, page)
	if f.action != wantAction {
		t.Fatalf("callback to %q, want %q", f.action, wantAction)
	}
	if err := craftgate.VerifyCallback(m.callbackKey, f.fields); err != nil {
		t.Fatalf("callback hash: %v (%v)", err, f.fields)
	}
	forged := url.Values{}
	for k, v := range f.fields {
		forged[k] = v
	}
	forged.Set("status", map[string]string{"SUCCESS": "FAILURE", "FAILURE": "SUCCESS"}[f.fields.Get("status")])
	if craftgate.VerifyCallback(m.callbackKey, forged) == nil {
		t.Fatalf("a forged callback verifies: %v", forged)
	}
	return f.fields
}

func TestMasterpass(t *testing.T) {
	m := newTestMock(t)
	var user craftgate.CheckMasterpassUserResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassCheckUser, craftgate.CheckMasterpassUserRequest{MasterpassGsmNumber: "905551112233"}), &user)
	if !user.HasMasterpassAccount || user.IsMasterpassAccountLinkedWithMerchant {
		t.Fatalf("check-user before a token: %+v", user)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMasterpassCheckUser, craftgate.CheckMasterpassUserRequest{MasterpassGsmNumber: "5551112233"})); e.ErrorCode != CodeInvalidApmParam {
		t.Fatalf("short number: %+v", e)
	}
	token := func(card string, force bool) craftgate.MasterpassTokenResponse {
		t.Helper()
		var tok craftgate.MasterpassTokenResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassGenerateToken, craftgate.MasterpassTokenRequest{Msisdn: "905551112233",
			BinNumber: card[:8], ForceThreeDS: force, CreatePayment: methodOrder()}), &tok)
		if tok.Token == "" || tok.ReferenceID == "" {
			t.Fatalf("token: %+v", tok)
		}
		if card != "" {
			code, body := pagePost(t, m, testBase+pathWalletPage+"/"+tok.ReferenceID+"?t="+tok.Token, cardForm(card))
			if code != http.StatusOK || !strings.Contains(body, "Card chosen") {
				t.Fatalf("card choice %d: %s", code, body)
			}
		}
		return tok
	}
	tok := token(successCard, false)
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassCheckUser, craftgate.CheckMasterpassUserRequest{MasterpassGsmNumber: "905551112233"}), &user)
	if !user.IsMasterpassAccountLinkedWithMerchant {
		t.Errorf("check-user after a token: %+v", user)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: tok.ReferenceID, Token: "wrong"})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("wrong token: %+v", e)
	}
	var p craftgate.Payment
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: tok.ReferenceID, Token: tok.Token}), &p)
	if p.PaymentStatus != craftgate.StatusSuccess || p.PaymentProvider != craftgate.PaymentProviderMasterpass || !amountEq(p.PaidPrice, "100") {
		t.Fatalf("complete: %+v", p)
	}
	if r := retrieve(t, m, p.ID); r.PaymentProvider != craftgate.PaymentProviderMasterpass {
		t.Errorf("retrieve: provider %q", r.PaymentProvider)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: tok.ReferenceID, Token: tok.Token})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("second complete: %+v", e)
	}
	var refund craftgate.PaymentRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: p.ID}), &refund)
	if refund.Status != craftgate.StatusSuccess || refund.RefundType != craftgate.RefundTypeCancel {
		t.Errorf("cancel: %+v", refund)
	}

	// A card the bank declines: the catalogue's outcome.
	bad := token(cardCompleteFails, false)
	w := do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: bad.ReferenceID, Token: bad.Token})
	if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != "NOT_SUFFICIENT_FUNDS" {
		t.Fatalf("declined: %+v", e)
	}

	// No card chosen yet.
	var none craftgate.MasterpassTokenResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassGenerateToken, craftgate.MasterpassTokenRequest{Msisdn: "905551112233", CreatePayment: methodOrder()}), &none)
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: none.ReferenceID, Token: none.Token})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("no card: %+v", e)
	}

	// 3-D Secure: forceThreeDS refuses complete; 3ds-init, the bank's page,
	// the callback and its hash, 3ds-complete.
	three := token(successCard, true)
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMasterpassComplete, craftgate.MasterpassCompleteRequest{ReferenceID: three.ReferenceID, Token: three.Token})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("forced 3DS complete: %+v", e)
	}
	var init craftgate.MasterpassThreeDSInitResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassThreeDSInit, craftgate.MasterpassThreeDSInitRequest{ReferenceID: three.ReferenceID, CallbackURL: "https://merchant.example/cb"}), &init)
	u, _ := url.Parse(init.ReturnURL)
	code, page := pagePost(t, m, init.ReturnURL, url.Values{"t": {u.Query().Get("t")}, "action": {"verify"}})
	if code != http.StatusOK {
		t.Fatalf("acs %d: %s", code, page)
	}
	cb := callbackOf(t, m, page, "https://merchant.example/cb")
	if cb.Get("status") != craftgate.StatusSuccess || cb.Get("paymentId") != itoa(init.PaymentID) {
		t.Fatalf("callback: %v", cb)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassThreeDSComplete, map[string]int64{"paymentId": init.PaymentID}), &p)
	if p.PaymentStatus != craftgate.StatusSuccess || !p.IsThreeDS || p.PaymentProvider != craftgate.PaymentProviderMasterpass {
		t.Fatalf("3ds-complete: %+v", p)
	}

	var loy craftgate.CardLoyalties
	data(t, do(t, m, http.MethodPost, craftgate.PathMasterpassLoyalties, craftgate.MasterpassLoyaltiesRequest{Msisdn: "905551112233", BinNumber: successCard[:8]}), &loy)
	if loy.Pos == nil {
		t.Errorf("loyalties: %+v", loy)
	}
}

func TestGarantiPayAndPosApm(t *testing.T) {
	m := newTestMock(t)
	o := methodOrder()
	tests := []struct {
		name, card, status string
		posApm             bool
	}{
		{"garanti pay paid", successCard, craftgate.StatusSuccess, false},
		{"garanti pay declined", cardCompleteFails, craftgate.StatusFailure, false},
		{"world pay paid", successCard, craftgate.StatusSuccess, true},
		{"world pay declined", cardCompleteFails, craftgate.StatusFailure, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var id int64
			var html string
			if tt.posApm {
				var r craftgate.InitPosApmResponse
				data(t, do(t, m, http.MethodPost, craftgate.PathPosApmInit, craftgate.InitPosApmRequest{Price: o.Price, PaidPrice: o.PaidPrice,
					Currency: "TRY", ConversationID: o.ConversationID, CallbackURL: "https://merchant.example/cb", Items: o.Items,
					PaymentProvider: craftgate.PosApmYKBWorldPay}), &r)
				if r.PaymentStatus != craftgate.StatusWaiting || r.AdditionalAction != craftgate.ActionShowHTMLContent {
					t.Fatalf("init: %+v", r)
				}
				id, html = r.PaymentID, r.HTMLContent
			} else {
				var r craftgate.InitGarantiPayResponse
				data(t, do(t, m, http.MethodPost, craftgate.PathGarantiPayPayments, craftgate.InitGarantiPayRequest{Price: o.Price, PaidPrice: o.PaidPrice,
					Currency: "TRY", ConversationID: o.ConversationID, CallbackURL: "https://merchant.example/cb", Items: o.Items, EnabledInstallments: []int{2, 3}}), &r)
				id, html = r.PaymentID, r.HTMLContent
			}
			raw, err := base64.StdEncoding.DecodeString(html)
			if err != nil {
				t.Fatal(err)
			}
			redirect := oneForm(t, string(raw))
			code, form := pagePost(t, m, redirect.action, redirect.fields)
			if code != http.StatusOK || !strings.Contains(form, `name="cardNumber"`) {
				t.Fatalf("provider page %d: %s", code, form)
			}
			if tt.posApm {
				if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathPosApmComplete, craftgate.CompletePosApmRequest{PaymentID: id})); e.ErrorCode != CodeMethodNotReady {
					t.Fatalf("complete before the page: %+v", e)
				}
			}
			bad := cardForm("1234")
			code, again := pagePost(t, m, redirect.action, bad)
			retry := oneForm(t, again)
			if code != http.StatusOK || !strings.Contains(again, `id="error"`) || retry.action != strings.TrimPrefix(redirect.action, testBase) {
				t.Fatalf("a wrong card: %d, form to %q: %s", code, retry.action, again)
			}
			code, page := pagePost(t, m, testBase+retry.action, cardForm(tt.card))
			if code != http.StatusOK {
				t.Fatalf("pay %d: %s", code, page)
			}
			cb := callbackOf(t, m, page, "https://merchant.example/cb")
			if cb.Get("status") != tt.status || cb.Get("paymentId") != itoa(id) || cb.Get("conversationId") != "wallet-conv" {
				t.Fatalf("callback: %v", cb)
			}
			p := retrieveAny(t, m, id)
			if p.PaymentStatus != tt.status {
				t.Fatalf("retrieve: %+v", p)
			}
			if tt.posApm {
				var done craftgate.Payment
				data(t, do(t, m, http.MethodPost, craftgate.PathPosApmComplete, craftgate.CompletePosApmRequest{PaymentID: id}), &done)
				if done.PaymentStatus != tt.status || done.PaymentProvider != craftgate.PosApmYKBWorldPay {
					t.Fatalf("complete: %+v", done)
				}
			} else if p.PaymentProvider != "GARANTI_PAY" {
				t.Errorf("provider %q", p.PaymentProvider)
			}
			if tt.status == craftgate.StatusSuccess {
				var refund craftgate.PaymentRefund
				data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: id}), &refund)
				if refund.Status != craftgate.StatusSuccess {
					t.Errorf("cancel: %+v", refund)
				}
			}
		})
	}
}

// retrieveAny retrieves a payment, failed ones included.
func retrieveAny(t *testing.T, m *Mock, id int64) craftgate.Payment {
	t.Helper()
	var p craftgate.Payment
	data(t, do(t, m, http.MethodGet, craftgate.PathCardPayments+"/"+itoa(id), nil), &p)
	return p
}

func TestJuzdanAndBkmExpress(t *testing.T) {
	m := newTestMock(t)
	o := methodOrder()
	var j craftgate.InitJuzdanResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathJuzdanInit, craftgate.InitJuzdanRequest{Price: o.Price, PaidPrice: o.PaidPrice, Currency: "TRY",
		ConversationID: o.ConversationID, Items: o.Items, ClientType: "W", CallbackURL: "https://merchant.example/juzdan"}), &j)
	if e := validationError(t, do(t, m, http.MethodGet, craftgate.PathJuzdanPayments+"/"+j.ReferenceID, nil)); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("retrieve before paying: %+v", e)
	}
	u, _ := url.Parse(j.JuzdanQrURL)
	if w := serve(m, httptest.NewRequest(http.MethodGet, u.RequestURI(), nil)); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Juzdan") {
		t.Fatalf("QR page %d: %s", w.Code, w.Body)
	}
	code, page := pagePost(t, m, j.JuzdanQrURL, cardForm(successCard))
	if code != http.StatusOK {
		t.Fatalf("pay %d: %s", code, page)
	}
	callbackOf(t, m, page, "https://merchant.example/juzdan")
	var p craftgate.Payment
	data(t, do(t, m, http.MethodGet, craftgate.PathJuzdanPayments+"/"+j.ReferenceID, nil), &p)
	if p.PaymentStatus != craftgate.StatusSuccess || p.PaymentSource != "JUZDAN" {
		t.Fatalf("juzdan payment: %+v", p)
	}
	if w := do(t, m, http.MethodGet, craftgate.PathJuzdanPayments+"/nope", nil); w.Code != http.StatusNotFound {
		t.Fatalf("unknown reference: %d", w.Code)
	}

	for _, form := range []string{"ticket", "token"} {
		var b craftgate.InitBkmExpressResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathBkmExpressInit, craftgate.InitBkmExpressRequest{Price: o.Price, PaidPrice: o.PaidPrice,
			Currency: "TRY", ConversationID: o.ConversationID, Items: o.Items}), &b)
		req := craftgate.CompleteBkmExpressRequest{Status: true, Message: "ok", TicketID: b.ID}
		if form == "token" {
			req.BkmExpressPaymentToken = b.Token
		}
		if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathBkmExpressComplete, req)); e.ErrorCode != CodeMethodNotReady {
			t.Fatalf("complete before the card: %+v", e)
		}
		if code, body := pagePost(t, m, b.Path, cardForm(successCard)); code != http.StatusOK {
			t.Fatalf("bkm page %d: %s", code, body)
		}
		data(t, do(t, m, http.MethodPost, craftgate.PathBkmExpressComplete, req), &p)
		if p.PaymentStatus != craftgate.StatusSuccess || p.PaymentProvider != "BKM_EXPRESS" {
			t.Fatalf("%s form: %+v", form, p)
		}
		for _, path := range []string{craftgate.PathBkmExpressPayments + "/" + b.ID, craftgate.PathBkmExpress + "/" + b.Token} {
			var r craftgate.Payment
			data(t, do(t, m, http.MethodGet, path, nil), &r)
			if r.ID != p.ID {
				t.Fatalf("%s: %+v", path, r)
			}
		}
	}
}

func TestTrAmount(t *testing.T) {
	for in, want := range map[string]string{"1": "1,00", "1234.5": "1.234,50", "1000000": "1.000.000,00", "0.01": "0,01"} {
		v, _ := moneyOf(amt(in))
		if got := trAmount(v); got != want {
			t.Errorf("trAmount(%s) = %q, want %q", in, got, want)
		}
	}
}
