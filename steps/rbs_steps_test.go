package steps

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/rbs"
)

// TestRBSDeclineOutlineMatchesCatalogue keeps the declining-card outline
// of features/rbs/payment.feature equal to the catalogue's declining cards
// without 3-D Secure, with their actionCodes.
func TestRBSDeclineOutlineMatchesCatalogue(t *testing.T) {
	docs, err := features.Documents(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	const uri, name = "rbs/payment.feature", "Declining test card <card> ends on the fail URL with actionCode <actionCode>"
	rows := map[string]string{}
	for _, d := range docs {
		if d.Uri != uri {
			continue
		}
		for _, c := range d.Feature.Children {
			if c.Scenario == nil || c.Scenario.Name != name {
				continue
			}
			for _, ex := range c.Scenario.Examples {
				col := map[string]int{}
				for i, h := range ex.TableHeader.Cells {
					col[h.Value] = i
				}
				for _, r := range ex.TableBody {
					rows[r.Cells[col["card"]].Value] = r.Cells[col["actionCode"]].Value
				}
			}
		}
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no outline %q", uri, name)
	}
	want := map[string]string{}
	for _, tc := range rbs.TestCards().Filter(func(tc *rbs.TestCard) bool { return tc.Declines() && !tc.ThreeDS }) {
		want[tc.Number] = strconv.Itoa(tc.ActionCode)
	}
	for card, code := range want {
		if got, ok := rows[card]; !ok || got != code {
			t.Errorf("card %s: the catalogue says actionCode %s, the outline %q", rbs.GatewayMaskedPAN(card), code, got)
		}
	}
	for card := range rows {
		if _, ok := want[card]; !ok {
			t.Errorf("the outline's row %s is not a declining card without 3-D Secure", rbs.GatewayMaskedPAN(card))
		}
	}
}

// TestRBSFeaturesAreTaggedByDomain: every @rbs scenario has an RBS domain
// tag, and the @mock sentence is tagged @mock @clock.
func TestRBSFeaturesAreTaggedByDomain(t *testing.T) {
	ps, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	domains := []string{"@rbs-payment", "@rbs-twophase", "@rbs-refund", "@alfapay", "@rbs-callback", "@retailcrm",
		"@binding", "@sbp", "@rbs-direct", "@rbs-wallet", "@rbs-receipt", "@rbs-reconciliation", "@rbs-client"}
	n := 0
	for _, p := range ps {
		var tags []string
		for _, tg := range p.Tags {
			tags = append(tags, tg.Name)
		}
		if !slices.Contains(tags, "@rbs") {
			continue
		}
		n++
		if !slices.ContainsFunc(domains, func(d string) bool { return slices.Contains(tags, d) }) {
			t.Errorf("%s: %q has no RBS domain tag %v", p.Uri, p.Name, domains)
		}
		for _, s := range p.Steps {
			if (strings.HasPrefix(s.Text, "the RBS gateway's day has ended") || strings.HasPrefix(s.Text, "the order's payment session expires")) && (!slices.Contains(tags, "@mock") || !slices.Contains(tags, "@clock")) {
				t.Errorf("%s: %q moves the gateway's clock but is not tagged @mock @clock", p.Uri, p.Name)
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d @rbs scenarios", n)
	}
}

func TestCheckRBSTarget(t *testing.T) {
	ok := RBSTarget{BaseURL: "https://alfa.rbsuat.com/payment/rest", UserName: "u", Password: "p", MerchantURL: "http://127.0.0.1:1"}
	cases := []struct {
		name string
		edit func(*RBSTarget)
		ok   bool
	}{
		{"test environment", func(*RBSTarget) {}, true},
		{"token", func(t *RBSTarget) { t.UserName, t.Password, t.Token = "", "", "tok" }, true},
		{"production", func(t *RBSTarget) { t.BaseURL = "https://pay.alfabank.ru/payment/rest" }, false},
		{"Sberbank production", func(t *RBSTarget) { t.RouterURL = "https://securepayments.sberbank.ru/payment/rest" }, false},
		{"no URL", func(t *RBSTarget) { t.BaseURL = "" }, false},
		{"no password", func(t *RBSTarget) { t.Password = "" }, false},
		{"no merchant", func(t *RBSTarget) { t.MerchantURL = "" }, false},
	}
	for _, c := range cases {
		tt := ok
		c.edit(&tt)
		if err := checkRBSTarget(&tt); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestInProcessTransport(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Method+" "+r.RequestURI)
	})
	c := &http.Client{Transport: inProcess{"a.invalid": h}}
	resp, err := c.Get("http://a.invalid/x?y=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "GET /x?y=1" {
		t.Errorf("%q", b)
	}
	if _, err := c.Get("http://elsewhere.invalid/"); err == nil {
		t.Error("an unknown host was reached")
	}
}

func TestCheckGoLive(t *testing.T) {
	good := goLivePayment{OrderID: "o", Status: rbs.StatusDeposited, Succeeded: true, MaskedCard: "411111******1111", Callback: "deposited status 1, checksum verified"}
	bad := goLivePayment{OrderID: "o", Status: rbs.StatusDeclined, MaskedCard: "400000******0119", Callback: "deposited status 0, checksum verified"}
	cases := []struct {
		name    string
		p       goLivePayment
		success bool
		ok      bool
	}{
		{"success", good, true, true},
		{"failure", bad, false, true},
		{"success expected", bad, true, false},
		{"failure expected", good, false, false},
		{"no card", func() goLivePayment { p := good; p.MaskedCard = ""; return p }(), true, false},
		{"unverified callback", func() goLivePayment { p := good; p.Callback = "deposited status 1"; return p }(), true, false},
		{"callback disagrees", func() goLivePayment { p := good; p.Callback = "deposited status 0, checksum verified"; return p }(), true, false},
		{"no callback", func() goLivePayment { p := bad; p.Callback = ""; return p }(), false, false},
	}
	for _, c := range cases {
		if err := checkGoLive(c.p, c.success); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestRBSWorldClosesItsMock: a World that used the in-process RBS mock
// stops it on Close, and a second Close is harmless.
func TestRBSWorldClosesItsMock(t *testing.T) {
	w, err := NewWorld(Target{BaseURL: "http://127.0.0.1:1", APIKey: "k", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := NewMatcher(Definitions())
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"an Alfa-Bank RBS merchant with test credentials", `a one-phase order of 10.00 RUB was paid with test card "5555555555555599"`, `the RBS order has status 2 "DEPOSITED"`} {
		b, err := m.Match(text)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Run(ctx, w); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
	if w.rbs == nil || !w.rbs.embedded {
		t.Fatal("no in-process RBS world")
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if ev := w.Evidence(); !slices.ContainsFunc(ev, func(e Evidence) bool { return e.Kind == EvidenceCard && e.Value == "555555******5599" }) {
		t.Errorf("evidence %+v has no masked card", ev)
	}
}
