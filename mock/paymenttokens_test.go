package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestApplePayAndPaymentTokens(t *testing.T) {
	m := newTestMock(t)
	var s map[string]any
	data(t, do(t, m, http.MethodPost, craftgate.PathApplePayMerchantSessions, craftgate.ApplePayMerchantSessionRequest{MerchantIdentifier: "merchant.io.gatecheck",
		DisplayName: "Shop", Initiative: "web", InitiativeContext: "shop.example", ValidationURL: "https://apple-pay-gateway.apple.com/paymentservices/startSession"}), &s)
	if s["merchantIdentifier"] != "merchant.io.gatecheck" || s["domainName"] != "shop.example" || s["merchantSessionIdentifier"] == "" {
		t.Fatalf("session: %v", s)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathApplePayMerchantSessions, craftgate.ApplePayMerchantSessionRequest{MerchantIdentifier: "m",
		DisplayName: "Shop", Initiative: "web", InitiativeContext: "shop.example", ValidationURL: "http://evil.example"})); e.ErrorCode != CodeInvalidCallbackURL {
		t.Fatalf("http validation URL: %+v", e)
	}
	var tok craftgate.PaymentToken
	data(t, do(t, m, http.MethodPost, craftgate.PathPaymentTokens, craftgate.PaymentToken{Value: "tok-value", Issuer: "VISA"}), &tok)
	if tok.Token == "" || tok.Issuer != "VISA" {
		t.Fatalf("token: %+v", tok)
	}
	if w := do(t, m, http.MethodDelete, craftgate.PathPaymentTokens+"/"+tok.Token, nil); w.Code != http.StatusOK {
		t.Fatalf("delete: %d", w.Code)
	}
	if w := do(t, m, http.MethodDelete, craftgate.PathPaymentTokens+"/"+tok.Token, nil); w.Code != http.StatusNotFound {
		t.Fatalf("second delete: %d", w.Code)
	}
}
