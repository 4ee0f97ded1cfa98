package features_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
)

// domainTags are the tags that name a feature's domain; every scenario has
// at least one.
var domainTags = []string{"@non3ds", "@3ds", "@checkout", "@webhook", "@error-card", "@refund", "@cancel", "@security", "@validation", "@robustness", "@reliability", "@rbs",
	"@preauth", "@installment", "@stored-card", "@wallet", "@marketplace", "@paybylink", "@multi-currency", "@reward", "@fraud", "@apm", "@bnpl",
	"@masterpass", "@bkm-express", "@garanti-pay", "@juzdan", "@pos-apm", "@multi-payment", "@card-verify", "@merchant-pos", "@meal-voucher", "@reconciliation"}

func pickles(t *testing.T) []*messages.Pickle {
	t.Helper()
	ps, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no scenarios embedded")
	}
	return ps
}

func hasTag(p *messages.Pickle, tag string) bool {
	return slices.ContainsFunc(p.Tags, func(t *messages.PickleTag) bool { return t.Name == tag })
}

func TestEveryFolderIsEmbedded(t *testing.T) {
	docs, err := features.Documents(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	folders := map[string]bool{}
	for _, d := range docs {
		folders[strings.SplitN(d.Uri, "/", 2)[0]] = true
		if d.Feature == nil {
			t.Errorf("%s: no feature", d.Uri)
		}
	}
	for _, f := range []string{"payments", "refunds", "security", "validation", "robustness", "reliability", "threeds", "checkout", "webhooks",
		"preauth", "installments", "storedcards", "wallet", "marketplace", "paybylink", "rewards", "fraud", "apm", "bnpl", "walletmethods", "reconciliation"} {
		if !folders[f] {
			t.Errorf("no feature in %s/", f)
		}
	}
}

func TestScenariosAreTaggedAndUniquelyNamed(t *testing.T) {
	seen := map[string]string{}
	for _, p := range pickles(t) {
		if !slices.ContainsFunc(domainTags, func(tag string) bool { return hasTag(p, tag) }) {
			t.Errorf("%s: %q has no domain tag (%v)", p.Uri, p.Name, domainTags)
		}
		if prev, dup := seen[p.Name]; dup {
			t.Errorf("scenario name %q is used in %s and %s: JUnit reports need unique names", p.Name, prev, p.Uri)
		}
		seen[p.Name] = p.Uri
	}
}

// mockOnly are sentences that need a facility only gatecheck's mock has;
// their scenarios must be tagged @mock (and @clock for the clock). Sentences
// that change what every scenario sees (the mock's merchant settings, the
// merchant's webhook endpoint) need @serial, so that conform runs them
// alone; webhook sentences need @webhook, so that a run against a provider
// that cannot reach the merchant's receiver can leave them out.
var mockOnly = []struct{ prefix, tag string }{
	{"the bank's day has ended", "@clock"},
	{"the bank's day has ended", "@mock"},
	{"no payment was recorded", "@mock"},
	{"the payment was recorded", "@mock"},
	{"the payment's refund status is", "@mock"},
	{"item ", "@mock"}, // item N has X left to refund
	{"the payment is rejected as a validation error", "@mock"},
	{"the item refund is rejected as a validation error", "@mock"},
	{"the request is refused as unauthenticated", "@mock"},
	{"the request is rejected with HTTP status", "@mock"},
	{"the merchant's 3-D Secure mode is", "@mock"},
	{"the merchant's 3-D Secure mode is", "@serial"},
	{"the merchant's POS uses", "@mock"},
	{"the merchant's POS uses", "@serial"},
	{"the provider delivers every webhook twice", "@mock"},
	{"the provider delivers every webhook twice", "@serial"},
	{"the merchant's webhook endpoint", "@serial"},
	{"the merchant's webhook endpoint", "@webhook"},
	{"the provider has attempted", "@mock"},
	{"the provider gives up", "@mock"},
	{"the provider recorded the webhook", "@mock"},
	{"the merchant receives a signed", "@webhook"},
	{"the merchant processed the webhook", "@webhook"},
	{"the checkout form's token retrieves no payment", "@mock"},
	// Fault injection and the mock's payment search (fault_steps.go).
	{"the provider answers HTTP", "@mock"},
	{"the provider answers HTTP", "@serial"},
	{"the provider answers every payment call", "@serial"},
	{"the provider rate-limits", "@serial"},
	{"the provider resets the connection", "@serial"},
	{"the provider holds the next", "@serial"},
	{"the provider trickles", "@serial"},
	{"the bank \"", "@mock"},
	{"the bank \"", "@serial"},
	{"the merchant pays with", "@mock"},
	{"the provider holds exactly one", "@mock"},
	{"the provider holds no payment", "@mock"},
	{"the checkout page shows the form as expired", "@mock"},
	// Members and wallets (wallet_steps.go): the refusals' HTTP status and
	// wording are the mock's.
	{"the registration is refused", "@mock"},
	{"the move is refused for lack of balance", "@mock"},
	{"the approval of item", "@mock"}, // failedReason wording is the mock's
	// Settlement touches every approved item of the merchant.
	{"the merchant settles the approved earnings", "@serial"},
	// The fraud rules of the gatecheck mock (mock/fraud.go).
	{"the buyer's IP address is on the merchant's", "@mock"},
	{"the buyer's email address is on the merchant's", "@mock"},
	// Days pass on the mock's clock only (reconciliation_steps.go).
	{"1 day passes", "@clock"},
	{"1 day passes", "@mock"},
}

func TestMockOnlyScenariosAreTagged(t *testing.T) {
	for _, p := range pickles(t) {
		for _, s := range p.Steps {
			for _, m := range mockOnly {
				if strings.HasPrefix(s.Text, m.prefix) && !hasTag(p, m.tag) {
					t.Errorf("%s: %q uses %q but is not tagged %s", p.Uri, p.Name, s.Text, m.tag)
				}
			}
		}
	}
}

// outlineExamples returns the example rows of the scenario outline named
// name in the feature file uri, each as column name -> value. It fails t
// unless the outline exists and each of its example tables has the columns
// cols.
func outlineExamples(t *testing.T, uri, name string, cols ...string) []map[string]string {
	t.Helper()
	docs, err := features.Documents(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.Uri != uri {
			continue
		}
		for _, c := range d.Feature.Children {
			if c.Scenario == nil || c.Scenario.Name != name {
				continue
			}
			var rows []map[string]string
			for _, ex := range c.Scenario.Examples {
				col := map[string]int{}
				for i, h := range ex.TableHeader.Cells {
					col[h.Value] = i
				}
				for _, want := range cols {
					if _, ok := col[want]; !ok {
						t.Fatalf("%s: %q: examples need %s columns", uri, name, strings.Join(cols, " and "))
					}
				}
				for _, r := range ex.TableBody {
					row := map[string]string{}
					for h, i := range col {
						row[h] = r.Cells[i].Value
					}
					rows = append(rows, row)
				}
			}
			return rows
		}
	}
	t.Fatalf("%s: no scenario outline %q", uri, name)
	return nil
}

// outlineRows returns the examples of the scenario outline named name in
// the feature file uri as card number -> error group.
func outlineRows(t *testing.T, uri, name string) map[string]string {
	t.Helper()
	rows := map[string]string{}
	for _, r := range outlineExamples(t, uri, name, "card", "group") {
		card := r["card"]
		if _, dup := rows[card]; dup {
			t.Errorf("%s: card %s is listed twice", uri, craftgate.MaskPAN(card))
		}
		rows[card] = r["group"]
	}
	return rows
}

// diffWithCatalogue lists how rows differs from want: a card of want
// without a row, a row that is not a card of want, or a different error
// group at step.
func diffWithCatalogue(rows map[string]string, want []*craftgate.TestCard, step craftgate.Step) []string {
	var diffs []string
	inCatalogue := map[string]bool{}
	for _, tc := range want {
		inCatalogue[tc.Number] = true
		f, _ := tc.FailureAt(step)
		group, ok := rows[tc.Number]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("card %s (%s) fails at %s in the catalogue but has no row in the outline", tc.Masked(), f.Group, step))
		case group != f.Group:
			diffs = append(diffs, fmt.Sprintf("card %s: the outline says %s, the catalogue %s", tc.Masked(), group, f.Group))
		}
	}
	for card, group := range rows {
		if !inCatalogue[card] {
			diffs = append(diffs, fmt.Sprintf("the outline's row %s (%s) is not a catalogue card failing at %s", craftgate.MaskPAN(card), group, step))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// compareWithCatalogue fails t unless rows lists exactly the cards of want,
// each with the catalogue's error group at step.
func compareWithCatalogue(t *testing.T, rows map[string]string, want []*craftgate.TestCard, step craftgate.Step) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("the catalogue has no cards failing at %s", step)
	}
	for _, d := range diffWithCatalogue(rows, want, step) {
		t.Error(d)
	}
}

func TestDeclinedOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "payments/declined.feature", "<group> card <card> is declined")
	want := craftgate.TestCards().FailingAt(craftgate.StepNon3DSPayment)
	compareWithCatalogue(t, rows, want, craftgate.StepNon3DSPayment)
	if len(rows) != len(want) {
		t.Errorf("the outline has %d rows, the catalogue %d cards", len(rows), len(want))
	}
}

func TestRefundOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "refunds/declined.feature", "<group> card <card> pays but its refund is declined")
	var want []*craftgate.TestCard
	for _, tc := range craftgate.TestCards().FailingAt(craftgate.StepCancelRefund) {
		// A card that is also declined at the payment cannot reach the
		// refund: the declined-payment outline covers it.
		if _, declined := tc.FailureAt(craftgate.StepNon3DSPayment); !declined {
			want = append(want, tc)
		}
	}
	compareWithCatalogue(t, rows, want, craftgate.StepCancelRefund)
}

// threeDSReachable reports whether a 3-D Secure outline at step can use
// card: a card that already fails at an earlier 3-D Secure step never gets
// there (the earlier step's outline covers it).
func threeDSReachable(tc *craftgate.TestCard, step craftgate.Step) bool {
	for _, s := range []craftgate.Step{craftgate.StepThreeDSInit, craftgate.StepThreeDSVerify, craftgate.StepThreeDSComplete} {
		if s == step {
			return true
		}
		if _, fails := tc.FailureAt(s); fails {
			return false
		}
	}
	return false
}

func TestThreeDSInitOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "threeds/declined.feature", "<group> card <card> cannot start 3-D Secure")
	compareWithCatalogue(t, rows, craftgate.TestCards().FailingAt(craftgate.StepThreeDSInit), craftgate.StepThreeDSInit)
}

func TestThreeDSCompleteOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "threeds/declined.feature", "<group> card <card> is verified but declined at completion")
	var want []*craftgate.TestCard
	for _, tc := range craftgate.TestCards().FailingAt(craftgate.StepThreeDSComplete) {
		// The mdStatus cards fail completion without an error group, as a
		// consequence of their verification: the mdStatus outline covers
		// them.
		if f, _ := tc.FailureAt(craftgate.StepThreeDSComplete); f.Group != "" && threeDSReachable(tc, craftgate.StepThreeDSComplete) {
			want = append(want, tc)
		}
	}
	compareWithCatalogue(t, rows, want, craftgate.StepThreeDSComplete)
}

// TestThreeDSVerifyOutlineMatchesCatalogue keeps the mdStatus outline
// equal to the catalogue's cards failing at verification, with their
// mdStatus.
func TestThreeDSVerifyOutlineMatchesCatalogue(t *testing.T) {
	const uri, name = "threeds/declined.feature", "Card <card> comes back with mdStatus <mdStatus> and cannot be completed in FULL_THREEDS mode"
	rows := map[string]string{}
	for _, r := range outlineExamples(t, uri, name, "card", "mdStatus") {
		rows[r["card"]] = r["mdStatus"]
	}
	want := map[string]string{}
	for _, tc := range craftgate.TestCards().FailingAt(craftgate.StepThreeDSVerify) {
		if !threeDSReachable(tc, craftgate.StepThreeDSVerify) {
			continue
		}
		f, _ := tc.FailureAt(craftgate.StepThreeDSVerify)
		if f.MdStatus < 0 {
			t.Errorf("card %s fails at verification without an mdStatus in the catalogue", tc.Masked())
			continue
		}
		want[tc.Number] = fmt.Sprint(f.MdStatus)
	}
	if len(want) == 0 {
		t.Fatal("the catalogue has no card failing at 3-D Secure verification")
	}
	for card, md := range want {
		if got, ok := rows[card]; !ok || got != md {
			t.Errorf("card %s: the catalogue says mdStatus %s, the outline %q", craftgate.MaskPAN(card), md, got)
		}
	}
	for card := range rows {
		if _, ok := want[card]; !ok {
			t.Errorf("the outline's row %s is not a catalogue card failing at verification", craftgate.MaskPAN(card))
		}
	}
}

// TestCompareWithCatalogueCatchesDrift makes sure the comparison fails in
// both directions.
func TestCompareWithCatalogueCatchesDrift(t *testing.T) {
	want := craftgate.TestCards().FailingAt(craftgate.StepCancelRefund)[:2]
	g0, _ := want[0].FailureAt(craftgate.StepCancelRefund)
	g1, _ := want[1].FailureAt(craftgate.StepCancelRefund)
	cases := []struct {
		name string
		rows map[string]string
		fail bool
	}{
		{"same", map[string]string{want[0].Number: g0.Group, want[1].Number: g1.Group}, false},
		{"missing row", map[string]string{want[0].Number: g0.Group}, true},
		{"extra row", map[string]string{want[0].Number: g0.Group, want[1].Number: g1.Group, "5258640000000001": "DECLINED"}, true},
		{"wrong group", map[string]string{want[0].Number: g1.Group, want[1].Number: g1.Group}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diffs := diffWithCatalogue(c.rows, want, craftgate.StepCancelRefund)
			if (len(diffs) > 0) != c.fail {
				t.Errorf("differences %q, want any: %v", diffs, c.fail)
			}
		})
	}
}
