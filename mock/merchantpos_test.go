package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestMerchantPoses covers the POS lifecycle, its commissions, the
// passive POS refusing payments, the APM list and merchant onboarding.
func TestMerchantPoses(t *testing.T) {
	m := newTestMock(t)
	var pos craftgate.MerchantPosDetail
	data(t, do(t, m, http.MethodPost, craftgate.PathMerchantPoses, craftgate.CreateMerchantPosRequest{Name: "Garanti Main", ClientID: "10001",
		Currency: "TRY", PosIntegrator: "GARANTI", Status: craftgate.PosStatusActive, EnableInstallment: true,
		MerchantPosUsers: []craftgate.MerchantPosUser{{PosUsername: "api", PosPassword: "s3cret", PosUserType: "API", PosOperationType: "STANDARD"}}}), &pos)
	if pos.ID == 0 || pos.Alias != "garanti-main-1001" || len(pos.MerchantPosUsers) != 1 || pos.MerchantPosUsers[0].PosPassword != "" {
		t.Fatalf("create: %+v", pos)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMerchantPoses, craftgate.CreateMerchantPosRequest{Name: "x", ClientID: "1", Currency: "TRY"})); e.ErrorCode != CodeRequiredField {
		t.Errorf("no integrator: %+v", e)
	}
	path := craftgate.PathMerchantPoses + "/" + itoa(pos.ID)
	var list craftgate.MerchantPosList
	data(t, do(t, m, http.MethodGet, craftgate.PathMerchantPoses+"?alias="+pos.Alias, nil), &list)
	if list.TotalSize != 1 || list.Items[0].ID != pos.ID {
		t.Fatalf("search: %+v", list)
	}

	// A payment on the POS works while it is ACTIVE and not once PASSIVE.
	req := paymentRequest(successCard)
	req.PosAlias = pos.Alias
	pay(t, m, req)
	if w := do(t, m, http.MethodPut, path+"/status/PASSIVE", nil); w.Code != http.StatusOK {
		t.Fatalf("status: %d %s", w.Code, w.Body)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathCardPayments, req)); e.ErrorCode != CodePosNotUsable {
		t.Fatalf("payment on a passive POS: %+v", e)
	}
	var got craftgate.MerchantPosDetail
	data(t, do(t, m, http.MethodGet, path, nil), &got)
	if got.Status != craftgate.PosStatusPassive {
		t.Fatalf("retrieve: %+v", got)
	}
	if e := validationError(t, do(t, m, http.MethodPut, path+"/status/DELETED", nil)); e.ErrorCode != CodeInvalidPos {
		t.Errorf("status DELETED: %+v", e)
	}

	var com craftgate.MerchantPosCommissions
	rate := amt("1.79")
	data(t, do(t, m, http.MethodPost, path+"/commissions", craftgate.MerchantPosCommissions{Commissions: []craftgate.MerchantPosCommission{
		{Installment: 1, BankOnUsCreditCardCommissionRate: &rate}, {Installment: 3, BankOnUsCreditCardCommissionRate: &rate, CardBrandName: "Bonus"}}}), &com)
	if len(com.Items) != 2 || com.Items[1].Installment != 3 || com.Items[0].Status != craftgate.PosStatusActive {
		t.Fatalf("update commissions: %+v", com)
	}
	data(t, do(t, m, http.MethodGet, path+"/commissions", nil), &com)
	if len(com.Items) != 2 || !amountEq(*com.Items[0].BankOnUsCreditCardCommissionRate, "1.79") {
		t.Fatalf("read commissions: %+v", com)
	}

	if w := do(t, m, http.MethodDelete, path, nil); w.Code != http.StatusOK {
		t.Fatalf("delete: %d", w.Code)
	}
	if w := do(t, m, http.MethodGet, path, nil); w.Code != http.StatusNotFound {
		t.Fatalf("retrieve after delete: %d", w.Code)
	}
	if w := do(t, m, http.MethodGet, craftgate.PathMerchantPoses+"/abc", nil); w.Code != http.StatusNotFound {
		t.Fatalf("bad id: %d", w.Code)
	}

	var apms struct{ Items []craftgate.MerchantApm }
	data(t, do(t, m, http.MethodGet, craftgate.PathMerchantApms, nil), &apms)
	found := false
	for _, a := range apms.Items {
		found = found || a.ApmType == craftgate.ApmPapara
	}
	if !found {
		t.Errorf("merchant-apms lacks PAPARA: %+v", apms)
	}

	var merchant craftgate.CreateMerchantResponse
	data(t, do(t, m, http.MethodPost, craftgate.PathMerchants, craftgate.CreateMerchantRequest{Name: "Sub shop", Email: "shop@example.com",
		LegalCompanyTitle: "Sub Shop Ltd", Website: "https://shop.example", ContactName: "A", ContactSurname: "B", ContactPhoneNumber: "905551112233"}), &merchant)
	if merchant.ID == 0 || len(merchant.MerchantAPICredentials) != 1 || merchant.MerchantAPICredentials[0].APIKey == "" {
		t.Fatalf("create merchant: %+v", merchant)
	}
	if e := validationError(t, do(t, m, http.MethodPost, craftgate.PathMerchants, craftgate.CreateMerchantRequest{Name: "x", Email: "not-an-email"})); e.ErrorCode != CodeInvalidMember {
		t.Errorf("bad email: %+v", e)
	}
}
