package features_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Tests of the pre-authorisation, installment and stored-card features.

// TestPreAuthOutlineMatchesCatalogue keeps the pre-authorisation outline
// equal to the catalogue's cards failing at PRE_AUTH.
func TestPreAuthOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "preauth/declined.feature", "<group> card <card> is declined at pre-authorisation")
	want := craftgate.TestCards().FailingAt(craftgate.StepPreAuth)
	compareWithCatalogue(t, rows, want, craftgate.StepPreAuth)
}

// TestPostAuthOutlineMatchesCatalogue keeps the post-auth outline equal to
// the catalogue's cards failing at POST_AUTH; each must pass the
// pre-authorisation, or the outline could not reach the post-auth.
func TestPostAuthOutlineMatchesCatalogue(t *testing.T) {
	rows := outlineRows(t, "preauth/declined.feature", "<group> card <card> is pre-authorised but declined at post-auth")
	want := craftgate.TestCards().FailingAt(craftgate.StepPostAuth)
	for _, tc := range want {
		if _, fails := tc.FailureAt(craftgate.StepPreAuth); fails {
			t.Errorf("card %s fails at both PRE_AUTH and POST_AUTH: the post-auth outline cannot use it", tc.Masked())
		}
	}
	compareWithCatalogue(t, rows, want, craftgate.StepPostAuth)
}

// cardStepsNeedingTheMock are the part-A sentences that need the mock (its
// documented-nowhere answers or its own commission table), as patterns,
// with the tag they require.
var cardStepsNeedingTheMock = []struct {
	re  *regexp.Regexp
	tag string
}{
	{regexp.MustCompile(`^the post-auth is rejected as a validation error$`), "@mock"},
	{regexp.MustCompile(`^the \d+-installment option totals `), "@mock"},
	{regexp.MustCompile(`^the merchant receives a signed .* for the post-auth$`), "@webhook"},
}

func TestCardScenariosNeedingTheMockAreTagged(t *testing.T) {
	for _, p := range pickles(t) {
		for _, s := range p.Steps {
			for _, m := range cardStepsNeedingTheMock {
				if m.re.MatchString(s.Text) && !hasTag(p, m.tag) {
					t.Errorf("%s: %q uses %q but is not tagged %s", p.Uri, p.Name, s.Text, m.tag)
				}
			}
		}
	}
}

// TestCardSignOffScenarioNames keeps the scenarios the sign-off checklist
// (reports/checklist.go) finds by tag and name: G4 stored cards, G6
// commercial cards, G8 AMEX, G9 installments, G12 externalId, G14
// maturity difference, G20 pre-authorisation and post-auth.
func TestCardSignOffScenarioNames(t *testing.T) {
	ps := pickles(t)
	tests := []struct {
		item    string
		tags    []string // each required
		notTags []string
		name    *regexp.Regexp
		feature string // the folder it must be in
	}{
		{"G4", []string{"@stored-card"}, []string{"@error-card", "@validation"}, regexp.MustCompile(`(?i)stored card pays`), "storedcards/"},
		{"G6", nil, []string{"@error-card", "@validation"}, regexp.MustCompile(`(?i)\bcommercial\b`), "installments/"},
		{"G8", nil, []string{"@error-card", "@validation"}, regexp.MustCompile(`(?i)\bamex\b`), "installments/"},
		{"G9", []string{"@installment"}, []string{"@error-card", "@validation"}, regexp.MustCompile(`(?i)installment`), "installments/"},
		{"G12", nil, []string{"@validation"}, regexp.MustCompile(`(?i)external ?id`), "preauth/"},
		{"G14", nil, []string{"@validation", "@error-card"}, regexp.MustCompile(`(?i)maturity`), "installments/"},
		{"G20 pre-auth", []string{"@preauth"}, []string{"@error-card", "@validation"}, regexp.MustCompile(`(?i)pre-authorisation`), "preauth/"},
		{"G20 post-auth", []string{"@preauth"}, []string{"@validation"}, regexp.MustCompile(`(?i)post.?auth`), "preauth/"},
	}
	for _, tt := range tests {
		n := 0
		for _, p := range ps {
			if !strings.HasPrefix(p.Uri, tt.feature) || !tt.name.MatchString(p.Name) {
				continue
			}
			ok := true
			for _, tag := range tt.tags {
				ok = ok && hasTag(p, tag)
			}
			for _, tag := range tt.notTags {
				ok = ok && !hasTag(p, tag)
			}
			if ok {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no scenario in %s named like %s with tags %v and none of %v", tt.item, tt.feature, tt.name, tt.tags, tt.notTags)
		}
	}
}
