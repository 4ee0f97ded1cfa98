package features_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/mock"
)

// Tests of the APM features.

// TestApmErrorOutlinesMatchCatalogue keeps the APM error outlines equal
// to the catalogue's APM groups (BNPL_CANCELLED belongs to BNPL), and the
// init outline's identities equal to the mock's.
func TestApmErrorOutlinesMatchCatalogue(t *testing.T) {
	initRows := outlineRows(t, "apm/errors.feature", "<group> APM user <card> is refused at init")
	codeRows := outlineRows(t, "apm/errors.feature", "<group> code <card> is refused at completion")
	var got []string
	for _, g := range initRows {
		got = append(got, g)
	}
	for _, g := range codeRows {
		got = append(got, g)
	}
	var want []string
	for _, g := range craftgate.TestCards().GroupNames() {
		if strings.HasPrefix(g, "APM_") {
			want = append(want, g)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("APM error outlines cover %v, the catalogue's APM groups are %v", got, want)
	}
	ids := mock.APMErrorIdentities()
	if len(ids) != len(initRows) {
		t.Errorf("init outline has %d rows, the mock %d identities", len(initRows), len(ids))
	}
	for id, g := range initRows {
		if ids[id] != g {
			t.Errorf("APM user %s: outline %s, mock %q", id, g, ids[id])
		}
	}
}

// apmMockOnly are the APM sentences whose provider side is the mock's
// (no sandbox APM accounts are documented): their scenarios need @mock.
var apmMockOnly = []*regexp.Regexp{
	regexp.MustCompile(`^the buyer (approves|rejects) the payment at the APM provider$`),
	regexp.MustCompile(`APM payment as APM user`),
	// A wallet top-up through an APM (features/wallet/apmtopup.feature):
	// its provider side is the APM payment's.
	regexp.MustCompile(`starts a top-up of .+ through an? [A-Z_]+ APM`),
	regexp.MustCompile(`^the merchant completes the APM payment with code`),
	regexp.MustCompile(`^the buyer starts an? (PAPARA|PAYPAL|KLARNA|EDENRED|IWALLET|METROPOL|PAYCELL_DCB|INSTANT_TRANSFER|MULTINET|BIZUM|CHIPPIN|TOMPAY) APM payment`),
}

func TestApmMockOnlyScenariosAreTagged(t *testing.T) {
	for _, p := range pickles(t) {
		for _, s := range p.Steps {
			for _, re := range apmMockOnly {
				if re.MatchString(s.Text) && !hasTag(p, "@mock") {
					t.Errorf("%s: %q uses %q but is not tagged @mock", p.Uri, p.Name, s.Text)
				}
			}
		}
	}
}
