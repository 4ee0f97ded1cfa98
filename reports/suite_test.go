package reports

import (
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
)

// The checklist rules match the real feature files: when every scenario of
// the suite passes, every must-pass item passes, against the mock (all
// scenarios) and against the sandbox (no @mock scenarios). A tag or a
// scenario name changed in features/ without the checklist following shows
// here.
func TestChecklistMatchesTheSuite(t *testing.T) {
	pickles, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		filter string
	}{{"mock", ""}, {"sandbox", "~@mock"}} {
		t.Run(tt.name, func(t *testing.T) {
			var scs []Scenario
			for _, pk := range pickles {
				var tags []string
				for _, tg := range pk.Tags {
					tags = append(tags, tg.Name)
				}
				if load.MatchTags(tt.filter, tags) {
					scs = append(scs, Scenario{Feature: pk.Uri, Name: craftgate.MaskPANs(pk.Name), Tags: tags, Status: ScenarioPassed})
				}
			}
			if len(scs) == 0 {
				t.Fatal("no scenario")
			}
			r := Build(sampleRun(scs, nil))
			if !r.OK() {
				t.Errorf("an all-passing suite is NO-GO: blocking %v", r.Summary.Blocking)
			}
			for _, it := range r.Items {
				if it.Status == StatusFail {
					t.Errorf("%s fails with every scenario passing", it.ID)
				}
				if it.MustPass && it.Status != StatusPass {
					t.Errorf("%s is must-pass and %s: %s", it.ID, it.Status, it.Note)
				}
				t.Logf("%-3s %-11s must-pass=%-5v %s", it.ID, it.Status, it.MustPass, it.Note)
			}
			t.Logf("score %s, coverage %s", pct(r.Summary.Score), pct(r.Summary.Coverage))
		})
	}
}
