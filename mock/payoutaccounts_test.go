package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestPayoutAccounts(t *testing.T) {
	m := newTestMock(t)
	var a craftgate.PayoutAccount
	data(t, do(t, m, http.MethodPost, craftgate.PathPayoutAccounts, craftgate.PayoutAccount{Type: "WISE", ExternalAccountID: "wise-1",
		Currency: "USD", AccountOwner: craftgate.AccountOwnerSubMerchantMember, SubMerchantMemberID: 42}), &a)
	if a.ID == 0 || a.SubMerchantMemberID != 42 {
		t.Fatalf("create: %+v", a)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathPayoutAccounts, craftgate.PayoutAccount{Type: "WISE", ExternalAccountID: "x",
		Currency: "USD", AccountOwner: craftgate.AccountOwnerSubMerchantMember})); e.ErrorCode != CodeRequiredField {
		t.Fatalf("no member: %+v", e)
	}
	path := craftgate.PathPayoutAccounts + "/" + itoa(a.ID)
	if w := do(t, m, http.MethodPut, path, craftgate.PayoutAccount{Type: "WISE", ExternalAccountID: "wise-2"}); w.Code != http.StatusOK {
		t.Fatalf("update: %d %s", w.Code, w.Body)
	}
	var list craftgate.PayoutAccountList
	data(t, do(t, m, http.MethodGet, craftgate.PathPayoutAccounts+"?currency=USD&subMerchantMemberId=42", nil), &list)
	if list.TotalSize != 1 || list.Items[0].ExternalAccountID != "wise-2" {
		t.Fatalf("search: %+v", list)
	}
	if w := do(t, m, http.MethodDelete, path, nil); w.Code != http.StatusOK {
		t.Fatalf("delete: %d", w.Code)
	}
	if w := do(t, m, http.MethodDelete, path, nil); w.Code != http.StatusNotFound {
		t.Fatalf("second delete: %d", w.Code)
	}
}

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
