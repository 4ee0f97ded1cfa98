package mock

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func apmRequest(apmType string) *craftgate.InitApmPaymentRequest {
	return &craftgate.InitApmPaymentRequest{ApmType: apmType, Price: amt("100"), PaidPrice: amt("100"), Currency: "TRY",
		ConversationID: "apm-conv", CallbackURL: "https://merchant.example/callback",
		Items: []craftgate.PaymentItem{{Name: "a", Price: amt("60")}, {Name: "b", Price: amt("40")}}}
}

// TestApmInitActions checks the additionalAction of each APM type and
// that every APM payment can be retrieved through card-payments/{id}.
func TestApmInitActions(t *testing.T) {
	tests := []struct {
		apmType, identity string
		params            map[string]string
		action, status    string
	}{
		{craftgate.ApmPapara, "", nil, craftgate.ApmActionRedirectToURL, craftgate.StatusWaiting},
		{craftgate.ApmKlarna, "", map[string]string{"country": "TR", "locale": "tr-TR"}, craftgate.ApmActionRedirectToURL, craftgate.StatusWaiting},
		{craftgate.ApmEdenred, "4111111111111111", nil, craftgate.ApmActionOTPRequired, craftgate.StatusWaiting},
		{craftgate.ApmPaycellDCB, "", map[string]string{"paycellGsmNumber": "5321234567"}, craftgate.ApmActionOTPRequired, craftgate.StatusWaiting},
		{craftgate.ApmInstantTransfer, "", map[string]string{"bankCode": "0062"}, craftgate.ApmActionShowHTMLContent, craftgate.StatusWaiting},
		{craftgate.ApmBizum, "", map[string]string{"buyerPhoneNumber": "34600111222"}, craftgate.ApmActionWaitForWebhook, craftgate.StatusWaiting},
		{craftgate.ApmPluxee, "5321234567", map[string]string{"sodexoCode": apmSandboxPluxeeCode}, craftgate.ApmActionNone, craftgate.StatusSuccess},
	}
	for _, tt := range tests {
		t.Run(tt.apmType, func(t *testing.T) {
			m := newTestMock(t)
			req := apmRequest(tt.apmType)
			req.ApmUserIdentity, req.AdditionalParams = tt.identity, tt.params
			var r craftgate.InitApmPaymentResponse
			data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, req), &r)
			if r.AdditionalAction != tt.action || r.PaymentStatus != tt.status {
				t.Fatalf("got %s/%s, want %s/%s", r.AdditionalAction, r.PaymentStatus, tt.action, tt.status)
			}
			if (tt.action == craftgate.ApmActionRedirectToURL) != (r.RedirectURL != "") && tt.action != craftgate.ApmActionWaitForWebhook {
				t.Errorf("redirectUrl %q with action %s", r.RedirectURL, tt.action)
			}
			if tt.action == craftgate.ApmActionShowHTMLContent {
				if h, err := r.DecodedHTML(); err != nil || !strings.Contains(h, pathAPMPage+"/") {
					t.Errorf("htmlContent does not lead to the provider page: %v %q", err, h)
				}
			}
			p := retrieve(t, m, r.PaymentID)
			if p.PaymentStatus != tt.status || p.ApmType != tt.apmType || p.PaymentSource != craftgate.PaymentSourceAPI {
				t.Errorf("retrieved %s %s %s", p.PaymentStatus, p.ApmType, p.PaymentSource)
			}
			sum := craftgate.MustAmount("0")
			for _, tx := range p.PaymentTransactions {
				sum = sum.Add(tx.PaidPrice)
			}
			if !sum.Equal(p.PaidPrice.Decimal) {
				t.Errorf("transactions paid %s, payment %s", sum, p.PaidPrice)
			}
		})
	}
}

// TestApmErrorGroups checks the documented identities and codes reach
// every APM error group of the catalogue, stored FAILURE.
func TestApmErrorGroups(t *testing.T) {
	seen := map[string]bool{}
	for identity, group := range APMErrorIdentities() {
		m := newTestMock(t)
		req := apmRequest(craftgate.ApmPapara)
		req.ApmUserIdentity = identity
		w := do(t, m, http.MethodPost, craftgate.PathApmInit, req)
		if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != group {
			t.Errorf("identity %s: group %q, want %q", identity, e.ErrorGroup, group)
		}
		seen[group] = true
	}
	for _, tt := range []struct{ code, group string }{{"111111", "APM_INVALID_VERIFICATION_CODE"}, {apmExpiredCode, "APM_VERIFICATION_CODE_ERROR"}} {
		m := newTestMock(t)
		req := apmRequest(craftgate.ApmEdenred)
		req.ApmUserIdentity = "4111111111111111"
		var r craftgate.InitApmPaymentResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, req), &r)
		w := do(t, m, http.MethodPost, craftgate.PathApmComplete, craftgate.CompleteApmPaymentRequest{PaymentID: r.PaymentID, AdditionalParams: map[string]string{"otpCode": tt.code}})
		if e := errorBody(t, w, http.StatusUnprocessableEntity); e.ErrorGroup != tt.group {
			t.Errorf("code %s: group %q, want %q", tt.code, e.ErrorGroup, tt.group)
		}
		if p := retrieve(t, m, r.PaymentID); p.PaymentStatus != craftgate.StatusFailure || p.PaymentError == nil || p.PaymentError.ErrorGroup != tt.group {
			t.Errorf("retrieved %+v", p)
		}
		seen[tt.group] = true
	}
	for _, g := range craftgate.TestCards().GroupNames() {
		if strings.HasPrefix(g, "APM_") && !seen[g] {
			t.Errorf("APM group %s is not reachable", g)
		}
	}
}

// TestApmCompleteAndValidation checks OTP completion and the validation
// answers.
func TestApmCompleteAndValidation(t *testing.T) {
	m := newTestMock(t)
	req := apmRequest(craftgate.ApmEdenred)
	req.ApmUserIdentity = "4111111111111111"
	var r craftgate.InitApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, req), &r)
	var c craftgate.CompleteApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathApmComplete, craftgate.CompleteApmPaymentRequest{PaymentID: r.PaymentID, AdditionalParams: map[string]string{"otpCode": apmOTPCode}}), &c)
	if c.PaymentStatus != craftgate.StatusSuccess {
		t.Fatalf("complete: %s", c.PaymentStatus)
	}
	again := do(t, m, http.MethodPost, craftgate.PathApmComplete, craftgate.CompleteApmPaymentRequest{PaymentID: r.PaymentID, AdditionalParams: map[string]string{"otpCode": apmOTPCode}})
	if e := validationError(t, again); e.ErrorCode != CodeApmNotCompletable {
		t.Errorf("second complete: %+v", e)
	}
	checkRefusals(t, m, craftgate.PathApmInit, func() *craftgate.InitApmPaymentRequest { return apmRequest(craftgate.ApmPapara) }, []refusal[craftgate.InitApmPaymentRequest]{
		{"no apmType", func(r *craftgate.InitApmPaymentRequest) { r.ApmType = "" }, CodeRequiredField},
		{"unknown apmType", func(r *craftgate.InitApmPaymentRequest) { r.ApmType = "NOPE" }, CodeApmTypeNotEnabled},
		{"direct type at init", func(r *craftgate.InitApmPaymentRequest) { r.ApmType = craftgate.ApmCashOnDelivery }, CodeApmTypeNotEnabled},
		{"items sum", func(r *craftgate.InitApmPaymentRequest) { r.Items = r.Items[:1] }, CodeItemsPriceMismatch},
		{"no callbackUrl", func(r *craftgate.InitApmPaymentRequest) { r.CallbackURL = "" }, CodeInvalidCallbackURL},
		{"edenred identity", func(r *craftgate.InitApmPaymentRequest) { r.ApmType = craftgate.ApmEdenred; r.ApmUserIdentity = "12" }, CodeInvalidApmParam},
		{"bizum phone", func(r *craftgate.InitApmPaymentRequest) { r.ApmType = craftgate.ApmBizum }, CodeInvalidApmParam},
		{"instant transfer bank", func(r *craftgate.InitApmPaymentRequest) {
			r.ApmType, r.AdditionalParams = craftgate.ApmInstantTransfer, map[string]string{"bankCode": "9999"}
		}, CodeInvalidApmParam},
	})
}

// TestApmRedirectCallback follows the provider page to the callback form:
// the v1 hash verifies, a second answer is ALREADY_RETURNED.
func TestApmRedirectCallback(t *testing.T) {
	m := newTestMock(t)
	var r craftgate.InitApmPaymentResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathApmInit, apmRequest(craftgate.ApmPayPal)), &r)
	u, err := url.Parse(r.RedirectURL)
	if err != nil {
		t.Fatal(err)
	}
	answer := func() url.Values { return answerAPMPage(t, m, r.RedirectURL, "approve") }
	first := answer()
	if first.Get("status") != craftgate.StatusSuccess || first.Get("paymentId") != itoa(r.PaymentID) || first.Get("conversationId") != "apm-conv" {
		t.Errorf("callback %v", first)
	}
	if err := craftgate.VerifyCallback(m.callbackKey, first); err != nil {
		t.Errorf("hash: %v", err)
	}
	if second := answer(); second.Get("callbackStatus") != craftgate.CallbackAlreadyReturned {
		t.Errorf("second answer %v", second)
	}
	if p := retrieve(t, m, r.PaymentID); p.PaymentStatus != craftgate.StatusSuccess {
		t.Errorf("retrieved %s", p.PaymentStatus)
	}
	req, _ := http.NewRequest(http.MethodGet, u.Path+"?t=wrong", nil)
	if w := serve(m, req); w.Code != http.StatusNotFound {
		t.Errorf("wrong token answered %d", w.Code)
	}
}

// TestApmDirect checks cash on delivery is a payment at once.
func TestApmDirect(t *testing.T) {
	m := newTestMock(t)
	req := &craftgate.CreateApmPaymentRequest{ApmType: craftgate.ApmCashOnDelivery, Price: amt("10"), PaidPrice: amt("10"), Currency: "TRY",
		Items: []craftgate.PaymentItem{{Name: "a", Price: amt("10")}}}
	var p craftgate.Payment
	data(t, do(t, m, http.MethodPost, craftgate.PathApmPayments, req), &p)
	if p.PaymentStatus != craftgate.StatusSuccess || p.ApmType != craftgate.ApmCashOnDelivery || len(p.PaymentTransactions) != 1 {
		t.Fatalf("%+v", p)
	}
	if r := retrieve(t, m, p.ID); r.ID != p.ID {
		t.Errorf("retrieve %d", r.ID)
	}
	req.ApmType = craftgate.ApmPapara
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathApmPayments, req)); e.ErrorCode != CodeApmTypeNotEnabled {
		t.Errorf("%+v", e)
	}
}

// TestApmStoreBounded checks the APM store keeps apmCapacity payments,
// drops the oldest first and answers an evicted id with 404 "evicted".
func TestApmStoreBounded(t *testing.T) {
	m := newTestMock(t)
	for i := int64(1); i <= apmCapacity+1; i++ {
		m.apm.add(&apmPayment{id: i, txs: []apmTx{{id: 1_000_000_000 + i}}})
	}
	if p := m.apm.get(1); p != nil {
		t.Fatal("the oldest payment was kept")
	}
	if p, _ := m.apm.transaction(1_000_000_001); p != nil {
		t.Error("the oldest payment's transaction was kept")
	}
	if m.apm.get(2) == nil || m.apm.get(apmCapacity+1) == nil {
		t.Error("a newer payment was dropped")
	}
	if e := m.apmNotFound(1); e.code != CodeEvicted {
		t.Errorf("evicted id answered %s", e.code)
	}
	if len(m.apm.byID) != apmCapacity || len(m.apm.txOwner) != apmCapacity {
		t.Errorf("store holds %d payments, %d transactions", len(m.apm.byID), len(m.apm.txOwner))
	}
}
