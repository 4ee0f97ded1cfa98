package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestMealVoucherTokenization(t *testing.T) {
	m := newTestMock(t)
	start := func() string {
		var r craftgate.MealVoucherInitResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathMealVoucherInit, craftgate.MealVoucherInitRequest{ApmType: craftgate.ApmEdenred,
			MealVoucherCardTokenizationData: craftgate.MealVoucherCardData{CardNumber: "6036340000000120", GsmNumber: "5551112233"}}), &r)
		if r.SessionID == "" || r.AdditionalAction != craftgate.ApmActionOTPRequired {
			t.Fatalf("init: %+v", r)
		}
		return r.SessionID
	}
	id := start()
	base := craftgate.PathMealVoucherTokenizations + "/" + id
	if e := errorBody(t, do(t, m, http.MethodPost, base+"/complete", craftgate.MealVoucherCompleteRequest{ValidationCode: "111111"}), http.StatusUnprocessableEntity); e.ErrorGroup != "APM_INVALID_VERIFICATION_CODE" {
		t.Fatalf("wrong code: %+v", e)
	}
	var again craftgate.MealVoucherInitResponse
	data(t, do(t, m, http.MethodPost, base+"/regenerate", craftgate.MealVoucherInitRequest{}), &again)
	if again.SessionID != id {
		t.Fatalf("regenerate: %+v", again)
	}
	var done craftgate.MealVoucherCompleteResponse
	data(t, do(t, m, http.MethodPost, base+"/complete", craftgate.MealVoucherCompleteRequest{ValidationCode: apmOTPCode}), &done)
	if done.MaskedCardNumber != craftgate.MaskPAN("6036340000000120") || done.Fingerprint == "" || !amountEq(done.Balance, "220") {
		t.Fatalf("complete: %+v", done)
	}
	if e := validationError(t, do(t, m, http.MethodPost, base+"/complete", craftgate.MealVoucherCompleteRequest{ValidationCode: apmOTPCode})); e.ErrorCode != CodeMethodNotReady {
		t.Fatalf("used session: %+v", e)
	}
	if e := errorBody(t, do(t, m, http.MethodPost, craftgate.PathMealVoucherTokenizations+"/"+start()+"/complete", craftgate.MealVoucherCompleteRequest{ValidationCode: apmExpiredCode}), http.StatusUnprocessableEntity); e.ErrorGroup != "APM_VERIFICATION_CODE_ERROR" {
		t.Fatalf("expired code: %+v", e)
	}
	if w := do(t, m, http.MethodPost, craftgate.PathMealVoucherTokenizations+"/nope/complete", craftgate.MealVoucherCompleteRequest{ValidationCode: apmOTPCode}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown session: %d", w.Code)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMealVoucherInit, craftgate.MealVoucherInitRequest{ApmType: craftgate.ApmPapara,
		MealVoucherCardTokenizationData: craftgate.MealVoucherCardData{CardNumber: "6036340000000120"}})); e.ErrorCode != CodeApmTypeNotEnabled {
		t.Fatalf("not a voucher: %+v", e)
	}
}

func TestBnplLimitInquiry(t *testing.T) {
	m := newTestMock(t)
	initReq := craftgate.BnplLimitInquiryRequest{ApmType: craftgate.BnplZip, AdditionalParams: map[string]string{
		"buyerPhoneNumber": "+905321112233", "buyerIdentityNumber": "11111111110", "buyerBirthdate": "1990-01-31"}}
	var r craftgate.BnplLimitInquiryResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathBnplLimitInquiryInit, initReq), &r)
	if r.PaymentStatus != craftgate.StatusWaiting || r.AdditionalAction != craftgate.ApmActionOTPRequired {
		t.Fatalf("init: %+v", r)
	}
	ask := func(code string) craftgate.BnplLimitInquiryResponse {
		var out craftgate.BnplLimitInquiryResponse
		data(t, do(t, m, http.MethodPost, craftgate.PathBnplLimitInquiry, craftgate.BnplLimitInquiryRequest{ApmType: craftgate.BnplZip,
			AdditionalParams: map[string]string{"buyerPhoneNumber": "+905321112233", "otpCode": code}}), &out)
		return out
	}
	if bad := ask("000000"); bad.PaymentStatus != craftgate.StatusFailure || bad.ErrorCode == "" {
		t.Fatalf("wrong code: %+v", bad)
	}
	if ok := ask(apmOTPCode); ok.PaymentStatus != craftgate.StatusSuccess || ok.AdditionalData["limit"] != float64(50000) {
		t.Fatalf("inquiry: %+v", ok)
	}
	if used := ask(apmOTPCode); used.PaymentStatus != craftgate.StatusFailure {
		t.Fatalf("inquiry without init: %+v", used)
	}
	delete(initReq.AdditionalParams, "buyerBirthdate")
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathBnplLimitInquiryInit, initReq)); e.ErrorCode != CodeRequiredField {
		t.Fatalf("no birthdate: %+v", e)
	}
}
