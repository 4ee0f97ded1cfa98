package mock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func bnplRequest(apmType, bank string) *craftgate.InitBnplPaymentRequest {
	r := &craftgate.InitBnplPaymentRequest{ApmType: apmType, Price: amt("100"), PaidPrice: amt("100"), Currency: "TRY",
		ConversationID: "bnpl-conv", CallbackURL: "https://merchant.example/callback", BankCode: bank,
		Items: []craftgate.PaymentItem{{Name: "phone", Price: amt("80")}, {Name: "case", Price: amt("20")}},
		CartItems: []craftgate.BnplCartItem{{ID: "p1", Name: "phone", Type: "MOBILE_PHONE_PRICE_BELOW_REGULATION_LIMIT", UnitPrice: amt("80"), Quantity: 1},
			{ID: "c1", Name: "case", Type: "ACCESSORIES", UnitPrice: amt("10"), Quantity: 2}},
		AdditionalParams: map[string]any{"buyerPhoneNumber": "5321234567", "buyerBirthdate": "1990-01-31", "buyerIdentityNumber": "11111111110",
			"buyerEmail": "b@example.com", "buyerName": "Haluk", "term": 3}}
	return r
}

// bnplApply starts a loan and applies at the bank's page; it returns the
// payment id and the callback form.
func bnplApply(t *testing.T, m *Mock, req *craftgate.InitBnplPaymentRequest, action string) (int64, url.Values) {
	t.Helper()
	var r craftgate.InitApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathBnplInit, req), &r)
	if r.AdditionalAction != craftgate.ApmActionRedirectToURL || r.PaymentStatus != craftgate.StatusWaiting {
		t.Fatalf("init: %+v", r)
	}
	return r.PaymentID, answerAPMPage(t, m, r.RedirectURL, action)
}

// TestBnplOutcomes checks the bank's decision per provider and bank, the
// v2 callback hash, approve, verify (both forms) and the notifications.
func TestBnplOutcomes(t *testing.T) {
	tests := []struct {
		name, apmType, bank string
		status, action      string // at the callback
		approve, verify     bool
	}{
		{"Is Bankasi auto", craftgate.BnplMaslak, "0064", craftgate.StatusSuccess, craftgate.ApmActionNone, false, false},
		{"Fibabanka needs approval", craftgate.BnplMaslak, "0103", craftgate.StatusWaiting, craftgate.ApmActionApprovalRequired, true, false},
		{"evaluating bank", craftgate.BnplMaslak, "9001", craftgate.StatusWaiting, craftgate.ApmActionWaitForWebhook, true, false},
		{"unknown status", craftgate.BnplMaslak, "9002", craftgate.StatusWaiting, craftgate.ApmActionVerifyRequired, true, true},
		{"rejecting bank", craftgate.BnplMaslak, "9003", craftgate.StatusFailure, craftgate.ApmActionNone, false, false},
		{"Alfabank", craftgate.BnplAlfabank, "", craftgate.StatusWaiting, craftgate.ApmActionApprovalRequired, true, false},
		{"Tom Finance", craftgate.BnplTomFinance, "", craftgate.StatusWaiting, craftgate.ApmActionApprovalRequired, true, false},
		{"Haso", craftgate.BnplHaso, "", craftgate.StatusWaiting, craftgate.ApmActionApprovalRequired, true, false},
		{"Zip", craftgate.BnplZip, "", craftgate.StatusSuccess, craftgate.ApmActionNone, false, false},
		{"Paycell", craftgate.BnplPaycell, "", craftgate.StatusSuccess, craftgate.ApmActionNone, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMock(t)
			id, cb := bnplApply(t, m, bnplRequest(tt.apmType, tt.bank), "apply")
			if cb.Get("paymentStatus") != tt.status || cb.Get("additionalAction") != tt.action || cb.Get("paymentId") != itoa(id) {
				t.Fatalf("callback %v", cb)
			}
			if cb.Get("hashParams") != craftgate.BnplCallbackHashParams {
				t.Errorf("hashParams %q", cb.Get("hashParams"))
			}
			if err := craftgate.VerifyCallback(m.callbackKey, cb); err != nil {
				t.Errorf("hash: %v", err)
			}
			if tt.verify {
				var v craftgate.BnplVerifyResponse
				data(t, do(t, m, http.MethodPost, craftgate.PathBnplPayments+"/"+itoa(id)+"/verify", nil), &v)
				var d craftgate.BnplVerifyDocsResponse
				data(t, do(t, m, http.MethodPost, craftgate.PathBnplVerify, map[string]int64{"paymentId": id}), &d)
				if v.AdditionalAction != craftgate.ApmActionApprovalRequired || d.ResponseStatus != "WAITING" || d.AdditionalAction != v.AdditionalAction {
					t.Errorf("verify %+v / docs %+v", v, d)
				}
			}
			approve := do(t, m, http.MethodPost, craftgate.PathBnplPayments+"/"+itoa(id)+"/approve", nil)
			if tt.approve {
				var p craftgate.Payment
				data(t, approve, &p)
				if p.PaymentStatus != craftgate.StatusSuccess || p.ID != id {
					t.Errorf("approved %+v", p)
				}
			} else if e := validationError(t, approve); e.ErrorCode != CodeBnplNotApprovable {
				t.Errorf("approve: %+v", e)
			}
		})
	}
}

// TestBnplValidation checks the offers and init refusals.
func TestBnplValidation(t *testing.T) {
	m := newTestMock(t)
	checkRefusals(t, m, craftgate.PathBnplInit, func() *craftgate.InitBnplPaymentRequest { return bnplRequest(craftgate.BnplMaslak, "0064") }, []refusal[craftgate.InitBnplPaymentRequest]{
		{"no cart", func(r *craftgate.InitBnplPaymentRequest) { r.CartItems = nil }, CodeRequiredField},
		{"no category", func(r *craftgate.InitBnplPaymentRequest) { r.CartItems[0].Type = "" }, CodeRequiredField},
		{"bad category", func(r *craftgate.InitBnplPaymentRequest) { r.CartItems[0].Type = "CARS" }, CodeInvalidBnplCart},
		{"no quantity", func(r *craftgate.InitBnplPaymentRequest) { r.CartItems[0].Quantity = 0 }, CodeInvalidBnplCart},
		{"sum", func(r *craftgate.InitBnplPaymentRequest) { r.CartItems[1].Quantity = 3 }, CodeInvalidBnplCart},
		{"zip email", func(r *craftgate.InitBnplPaymentRequest) {
			r.ApmType = craftgate.BnplZip
			delete(r.AdditionalParams, "buyerEmail")
		}, CodeRequiredField},
		{"haso tckn", func(r *craftgate.InitBnplPaymentRequest) {
			r.ApmType = craftgate.BnplHaso
			r.AdditionalParams["buyerIdentityNumber"] = "123"
		}, CodeInvalidApmParam},
		{"paycell term", func(r *craftgate.InitBnplPaymentRequest) {
			r.ApmType = craftgate.BnplPaycell
			delete(r.AdditionalParams, "term")
		}, CodeRequiredField},
		{"maslak bank", func(r *craftgate.InitBnplPaymentRequest) { r.BankCode = "" }, CodeRequiredField},
		{"unknown bank", func(r *craftgate.InitBnplPaymentRequest) { r.BankCode = "7777" }, CodeInvalidApmParam},
		{"provider", func(r *craftgate.InitBnplPaymentRequest) { r.ApmType = "PAPARA" }, CodeApmTypeNotEnabled},
		{"currency", func(r *craftgate.InitBnplPaymentRequest) { r.Currency = "USD" }, CodeInvalidCurrency},
	})
	req := bnplRequest(craftgate.BnplMaslak, "")
	offers := &craftgate.BnplOffersRequest{ApmType: craftgate.BnplMaslak, Price: req.Price, Currency: "TRY", Items: req.CartItems}
	var o craftgate.BnplOffersResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathBnplOffers, offers), &o)
	if o.OfferID == "" || len(o.BankOffers) != len(bnplBanks) || !o.Price.Equal(req.Price.Decimal) {
		t.Errorf("offers %+v", o)
	}
	offers.ApmType = craftgate.BnplAlfabank
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathBnplOffers, offers)); e.ErrorCode != CodeApmTypeNotEnabled {
		t.Errorf("alfabank offers: %+v", e)
	}
}

// TestBnplCancelRefundRules checks cancel only unapproved, partial refund
// only approved, both ways.
func TestBnplCancelRefundRules(t *testing.T) {
	m := newTestMock(t)
	id, _ := bnplApply(t, m, bnplRequest(craftgate.BnplAlfabank, ""), "apply")
	p := retrieve(t, m, id)
	tx := p.PaymentTransactions[0].ID
	partial := craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("10")}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, partial)); e.ErrorCode != CodeBnplRefundNotAllowed {
		t.Errorf("partial refund before approval: %+v", e)
	}
	data(t, do(t, m, http.MethodPost, craftgate.PathBnplPayments+"/"+itoa(id)+"/approve", nil), &p)
	var r craftgate.PaymentTransactionRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, partial), &r)
	if !r.RefundPrice.Equal(amt("10").Decimal) || r.PaymentID != id {
		t.Errorf("refund %+v", r)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: id})); e.ErrorCode != CodeBnplCancelNotAllowed {
		t.Errorf("cancel after approval: %+v", e)
	}
	over := craftgate.RefundTransactionRequest{PaymentTransactionID: tx, RefundPrice: amt("70.01")}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathRefundTransactions, over)); e.ErrorCode != CodeBnplRefundNotAllowed {
		t.Errorf("over-refund: %+v", e)
	}

	id2, _ := bnplApply(t, m, bnplRequest(craftgate.BnplAlfabank, ""), "apply")
	var c craftgate.PaymentRefund
	data(t, do(t, m, http.MethodPost, craftgate.PathRefunds, craftgate.RefundPaymentRequest{PaymentID: id2}), &c)
	if c.RefundType != craftgate.RefundTypeCancel || !c.RefundPrice.Equal(amt("100").Decimal) {
		t.Errorf("cancel %+v", c)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathBnplPayments+"/"+itoa(id2)+"/approve", nil)); e.ErrorCode != CodeBnplNotApprovable {
		t.Errorf("approve after cancel: %+v", e)
	}
}

// TestBnplNotification checks the evaluating bank's BNPL_NOTIFICATION
// payload.
func TestBnplNotification(t *testing.T) {
	rc := startReceiver(t)
	m := newTestMock(t)
	t.Cleanup(func() { _ = m.Close(context.Background()) })
	if err := m.UpdateSettings(func(s *Settings) { s.WebhookURL = rc.webhookURL(); s.WebhookInitialDelay = 1 }); err != nil {
		t.Fatal(err)
	}
	id, _ := bnplApply(t, m, bnplRequest(craftgate.BnplMaslak, "9001"), "apply")
	recs := m.Webhooks(itoa(id), EventBnplNotification)
	if len(recs) != 1 {
		t.Fatalf("%d BNPL_NOTIFICATION records", len(recs))
	}
	var payload map[string]string
	if err := json.Unmarshal(recs[0].Payload, &payload); err != nil || payload["additionalAction"] != craftgate.ApmActionApprovalRequired {
		t.Errorf("payload %s (%v)", recs[0].Payload, err)
	}
}

// TestApmTypeNotEnabled checks Config.DisabledAPMs refuses init and offers.
func TestApmTypeNotEnabled(t *testing.T) {
	m := newTestMock(t, func(c *Config) { c.DisabledAPMs = []string{craftgate.ApmPapara, craftgate.BnplMaslak} })
	paths := []struct {
		path string
		body any
	}{
		{craftgate.PathApmInit, apmRequest(craftgate.ApmPapara)},
		{craftgate.PathBnplInit, bnplRequest(craftgate.BnplMaslak, "0064")},
		{craftgate.PathBnplOffers, craftgate.BnplOffersRequest{ApmType: craftgate.BnplMaslak, Price: amt("100"), Currency: "TRY",
			Items: bnplRequest(craftgate.BnplMaslak, "").CartItems}},
	}
	for _, p := range paths {
		if e := validationError(t, do(t, m, http.MethodPost, p.path, p.body)); e.ErrorCode != CodeApmTypeNotEnabled {
			t.Errorf("%s: %+v", p.path, e)
		}
	}
	var r craftgate.InitApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, apmRequest(craftgate.ApmPayPal)), &r)
}
