package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Sandbox-like fixtures (gatecheck mock --fixtures): the few objects that
// the official SDKs' samples and merchants' own tests refer to and expect
// to find on a sandbox account. SeedFixtures creates them through the
// mock's own handlers (the same validation, ids from the same counters,
// the same webhooks), bypassing signatures and fault injection; their ids
// are listed by the signed admin route GET /_mock/v1/fixtures.
//
// MOCK DECISIONS: a buyer member with a TRY wallet topped up with 1000 TRY
// by a fund transfer (so that remittance and wallet-payment samples work
// at once) and a limited-company sub-merchant; one pay-by-link product;
// the six value lists the mock's fraud rules read (fraud.go), each with
// one documentation-range value that no scenario uses; the instant
// transfer banks; and a BIN table covering the BINs the official samples
// look up: those of catalogue cards answer like the catalogue, 487074 (the
// Go client's tests) has no catalogue card and answers a VISA credit card
// without bank data.

// Fixtures are the objects SeedFixtures created.
type Fixtures struct {
	BuyerMemberID        int64                           `json:"buyerMemberId"`
	BuyerWalletID        int64                           `json:"buyerWalletId"`
	SubMerchantMemberID  int64                           `json:"subMerchantMemberId"`
	ProductID            int64                           `json:"productId"`
	ProductToken         string                          `json:"productToken"`
	FraudValueLists      []string                        `json:"fraudValueLists"`
	InstantTransferBanks []craftgate.InstantTransferBank `json:"instantTransferBanks"`
	Bins                 []craftgate.BinNumber           `json:"bins"`
}

// fixtureBins are the BINs of the official samples: 525864 (Node's BIN
// and installment samples, 5258640000000001), 404308 (the first 6 / last
// 4 sample), 540001 (the multi-currency sample card 5400010000000004) and
// 487074 (the Go client's BIN test).
var fixtureBins = []string{"525864", "404308", "540001", "487074"}

// extraBins answers the fixtures' BINs that no catalogue card has.
var extraBins = map[string]craftgate.BinNumber{
	"487074": {BinNumber: "487074", CardType: craftgate.CardTypeCredit, CardAssociation: "VISA"},
}

// errFixtures wraps a failure to seed a fixture.
var errFixtures = errors.New("mock: fixtures")

// SeedFixtures creates the fixtures; the second call answers the first
// call's fixtures.
func (m *Mock) SeedFixtures() (*Fixtures, error) {
	m.fixturesMu.Lock()
	defer m.fixturesMu.Unlock()
	if f := m.fixtures.Load(); f != nil {
		return f, nil
	}
	f := &Fixtures{InstantTransferBanks: append([]craftgate.InstantTransferBank(nil), instantTransferBanks...)}
	// A restored state (--state-file) may hold the fixtures' members and
	// wallet already: they are reused, and the wallet not topped up again.
	var err error
	if f.BuyerMemberID, err = m.fixtureMember(craftgate.CreateMemberRequest{
		MemberExternalID: "gatecheck-fixture-buyer", Name: "Haluk Demir", Address: "Suadiye Mah. Örnek Cad. No:23, 34740 Kadıköy/İstanbul",
		Email: "haluk.demir@example.com", PhoneNumber: "905551111111", IsBuyer: true, ContactName: "Haluk", ContactSurname: "Demir",
	}); err != nil {
		return nil, err
	}
	if f.SubMerchantMemberID, err = m.fixtureMember(craftgate.CreateMemberRequest{
		MemberExternalID: "gatecheck-fixture-seller", Name: "Örnek Mağaza A.Ş.", Address: "Büyükdere Cad. No:1, 34394 Şişli/İstanbul",
		Email: "magaza@example.com", PhoneNumber: "905552222222", IsSubMerchant: true, MemberType: "LIMITED_OR_JOINT_STOCK_COMPANY",
		ContactName: "Ayşe", ContactSurname: "Kaya", LegalCompanyTitle: "Örnek Mağaza Ticaret A.Ş.", TaxOffice: "Maslak",
		TaxNumber: "1234567890", IBAN: "TR180006200119000006672315",
	}); err != nil {
		return nil, err
	}
	m.book.mu.Lock()
	walletID, hasWallet := m.book.memberWallet[f.BuyerMemberID]
	m.book.mu.Unlock()
	f.BuyerWalletID = walletID
	if !hasWallet {
		var w craftgate.Wallet
		if err := m.seedCall(http.MethodPost, craftgate.MemberWalletsPath(f.BuyerMemberID),
			craftgate.CreateWalletRequest{NegativeAmountLimit: craftgate.MustAmount("0"), Currency: craftgate.CurrencyTRY}, &w); err != nil {
			return nil, err
		}
		f.BuyerWalletID = w.ID
		if err := m.seedCall(http.MethodPost, craftgate.PathDepositsFundTransfer,
			map[string]any{"price": 1000, "buyerMemberId": f.BuyerMemberID, "conversationId": "gatecheck-fixture-deposit"}, nil); err != nil {
			return nil, err
		}
	}
	var p craftgate.Product
	if err := m.seedCall(http.MethodPost, craftgate.PathProducts, craftgate.CreateProductRequest{
		Name: "A3 Kağıt", Description: "Sandbox **pay-by-link** product", Price: craftgate.MustAmount("10"), Currency: craftgate.CurrencyTRY,
		EnabledInstallments: []int{1, 2, 3, 6}, Channel: "API", ConversationID: "gatecheck-fixture-product",
	}, &p); err != nil {
		return nil, err
	}
	f.ProductID, f.ProductToken = p.ID, p.Token
	for _, l := range []struct{ list, kind, value string }{
		{"blockedClientIps", craftgate.FraudValueIP, "192.0.2.66"},
		{"reviewClientIps", craftgate.FraudValueIP, "192.0.2.67"},
		{"blockedEmails", craftgate.FraudValueEmail, "blocked-buyer@example.com"},
		{"reviewEmails", craftgate.FraudValueEmail, "review-buyer@example.com"},
		{"blockedCardNumbers", craftgate.FraudValueCard, ""},
		{"reviewCardNumbers", craftgate.FraudValueCard, ""},
	} {
		if e := m.putFraudValue(l.list, l.kind, "gatecheck fixture", l.value, 0); e != nil {
			return nil, fmt.Errorf("%w: value list %s: %s", errFixtures, l.list, e.desc)
		}
		f.FraudValueLists = append(f.FraudValueLists, l.list)
	}
	for _, bin := range fixtureBins {
		if tc := binCard(bin); tc != nil {
			f.Bins = append(f.Bins, binOf(bin, tc))
		} else {
			f.Bins = append(f.Bins, extraBins[bin])
		}
	}
	m.fixtures.Store(f)
	return f, nil
}

// fixtureMember returns the id of the member with req's memberExternalId,
// creating it when there is none.
func (m *Mock) fixtureMember(req craftgate.CreateMemberRequest) (int64, error) {
	m.book.mu.Lock()
	id, ok := m.book.byExtID[req.MemberExternalID]
	m.book.mu.Unlock()
	if ok {
		return id, nil
	}
	var mb craftgate.Member
	if err := m.seedCall(http.MethodPost, craftgate.PathMembers, req, &mb); err != nil {
		return 0, err
	}
	return mb.ID, nil
}

// fixtureBin answers a BIN of the fixtures' table that no catalogue card
// has, once the fixtures are seeded.
func (m *Mock) fixtureBin(bin string) (craftgate.BinNumber, bool) {
	if m.fixtures.Load() == nil {
		return craftgate.BinNumber{}, false
	}
	b, ok := extraBins[bin]
	return b, ok
}

// seedCall runs one API call through its handler, without signature or
// faults, and decodes its data into out (when not nil).
func (m *Mock) seedCall(method, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %w", errFixtures, method, path, err)
	}
	var vals [maxParams]string
	node := m.routes.match(path, &vals)
	if node == nil {
		return fmt.Errorf("%w: %s %s: no route", errFixtures, method, path)
	}
	mr, _ := node.find(method)
	if mr == nil {
		return fmt.Errorf("%w: %s %s: no route", errFixtures, method, path)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(method, "http://"+fixtureHost+path, strings.NewReader(string(body)))
	c := &call{m: m, w: w, r: r, body: body}
	if mr.n > 0 {
		c.params = pathValues{names: &mr.params, values: vals, n: mr.n}
		c.idText = vals[mr.n-1]
		c.id = parseID(c.idText)
	}
	m.run(c, &mr.route)
	if w.Code != http.StatusOK {
		return fmt.Errorf("%w: %s %s: HTTP %d: %s", errFixtures, method, path, w.Code, truncate(w.Body.String(), 300))
	}
	if out == nil {
		return nil
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		return fmt.Errorf("%w: %s %s: %w", errFixtures, method, path, err)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return fmt.Errorf("%w: %s %s: %w", errFixtures, method, path, err)
	}
	return nil
}

// fixtureHost is the host of the fixtures' internal calls.
const fixtureHost = "fixtures.gatecheck.invalid"

// getFixtures serves GET /_mock/v1/fixtures: the seeded fixtures, or 404
// when the mock runs without them.
func (m *Mock) getFixtures(c *call) error {
	f := m.fixtures.Load()
	if f == nil {
		return errNotFound(CodeRouteNotFound, "the mock runs without fixtures (start it with --fixtures)")
	}
	c.sendData(http.StatusOK, f)
	return nil
}
