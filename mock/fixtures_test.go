package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestFixtures: the seeded objects answer through the API as the SDK
// samples use them, the admin route lists their ids, seeding twice seeds
// once, and neither faults nor a missing --fixtures change what is seeded.
func TestFixtures(t *testing.T) {
	m := newTestMock(t, func(c *Config) {
		c.Faults = FaultConfig{Rules: []FaultRule{{Operation: "*", Fault: FaultError, Rate: 1}}} // seeding ignores faults
	})
	f, err := m.SeedFixtures()
	if err != nil {
		t.Fatal(err)
	}
	again, err := m.SeedFixtures()
	if err != nil || again != f {
		t.Fatalf("second seed: %v %+v", err, again)
	}
	if err := m.SetFaults(FaultConfig{}); err != nil {
		t.Fatal(err)
	}
	if w := memberWallet(t, m, f.BuyerMemberID); w.ID != f.BuyerWalletID || !amountEq(w.Amount, "1000") {
		t.Errorf("buyer wallet %+v", w)
	}
	var seller craftgate.Member
	data(t, do(t, m, http.MethodGet, craftgate.PathMembers+"/"+itoa(f.SubMerchantMemberID), nil), &seller)
	if !seller.IsSubMerchant {
		t.Errorf("seller %+v", seller)
	}
	var p craftgate.Product
	data(t, do(t, m, http.MethodGet, craftgate.PathProducts+"/"+itoa(f.ProductID), nil), &p)
	if p.Token != f.ProductToken || p.Status != "ACTIVE" {
		t.Errorf("product %+v", p)
	}
	for _, name := range f.FraudValueLists {
		getFraudList(t, m, name)
	}
	var banks struct {
		Items []craftgate.InstantTransferBank
	}
	data(t, do(t, m, http.MethodGet, craftgate.PathInstantTransferBanks, nil), &banks)
	if len(banks.Items) != len(f.InstantTransferBanks) {
		t.Errorf("banks %+v", banks)
	}
	for _, b := range f.Bins {
		var got craftgate.BinNumber
		data(t, do(t, m, http.MethodGet, craftgate.PathBins+"/"+b.BinNumber, nil), &got)
		if got.BinNumber != b.BinNumber || got.CardAssociation == "" {
			t.Errorf("BIN %s: %+v", b.BinNumber, got)
		}
	}
	var listed Fixtures
	data(t, do(t, m, http.MethodGet, pathFixtures, nil), &listed)
	if listed.BuyerMemberID != f.BuyerMemberID || listed.ProductID != f.ProductID || len(listed.Bins) != len(fixtureBins) {
		t.Errorf("listed %+v", listed)
	}

	// Without fixtures: the Go client's BIN is unknown, the route says why.
	plain := newTestMock(t)
	errorBody(t, do(t, plain, http.MethodGet, craftgate.PathBins+"/487074", nil), http.StatusNotFound)
	errorBody(t, do(t, plain, http.MethodGet, pathFixtures, nil), http.StatusNotFound)
}
