package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func statuses(r *Report) map[string]Status {
	m := map[string]Status{}
	for _, it := range r.Items {
		m[it.ID] = it.Status
	}
	return m
}

func TestBuildEvaluatesTheChecklist(t *testing.T) {
	const declinedNSF = "NOT_SUFFICIENT_FUNDS card 510005******6661 is declined"
	tests := []struct {
		name      string
		scenarios []Scenario
		ok        bool
		want      map[string]Status
		mustPass  []string // items that must be must-pass in this run
		notMust   []string // must-pass items whose condition did not hold
		blocking  []string
		failing   map[string]int // item → failing scenarios
	}{
		{
			name: "all pass", scenarios: fullSuite(), ok: true,
			want: map[string]Status{"G2": StatusPass, "G3": StatusPass, "G4": StatusPass, "G5": StatusPass, "G6": StatusPass,
				"G7": StatusPass, "G8": StatusPass, "G9": StatusPass, "G10": StatusPass, "G11": StatusPass, "G12": StatusPass,
				"G14": StatusPass, "G15": StatusPass, "G16": StatusPass, "G20": StatusPass,
				"G1": StatusManual, "G13": StatusManual, "G17": StatusManual, "G18": StatusManual, "G19": StatusManual,
				"P1": StatusManual, "P2": StatusManual, "P3": StatusManual},
			mustPass: []string{"G2", "G3", "G8", "G10", "G15", "G16"},
		},
		{
			name: "the suite of issue 2: no 3DS, no webhooks yet", scenarios: currentSuite(), ok: true,
			want: map[string]Status{"G2": StatusPass, "G3": StatusPass, "G5": StatusPass, "G6": StatusPass, "G7": StatusPass,
				"G8": StatusPass, "G4": StatusNotCovered, "G9": StatusNotCovered, "G10": StatusNotCovered,
				"G15": StatusNotCovered, "G16": StatusNotCovered, "G20": StatusNotCovered, "G12": StatusNotCovered},
			mustPass: []string{"G2", "G3", "G8"},
			notMust:  []string{"G10", "G15", "G16"},
		},
		{
			name: "a failing must-pass scenario", scenarios: withStatus(fullSuite(), declinedNSF, ScenarioFailed, "Then the payment is declined: got DO_NOT_HONOUR"),
			ok: false, want: map[string]Status{"G2": StatusFail, "G3": StatusFail, "G5": StatusPass, "G6": StatusPass},
			blocking: []string{"G2", "G3"}, failing: map[string]int{"G2": 1, "G3": 1},
		},
		{
			name: "an undefined step fails its items", scenarios: withStatus(fullSuite(), "A stored card pays without a CVV", ScenarioUndefined, ""),
			ok: true, want: map[string]Status{"G4": StatusFail, "G2": StatusPass},
		},
		{
			name: "a failing item that is not must-pass does not block", scenarios: withStatus(fullSuite(), "A pre-authorised payment is captured by post-auth", ScenarioFailed, "boom"),
			ok: true, want: map[string]Status{"G20": StatusFail, "G2": StatusPass},
			blocking: []string{},
		},
		{
			name: "missing evidence is not covered", scenarios: without(without(fullSuite(), "@preauth"), "@stored-card"), ok: true,
			want: map[string]Status{"G20": StatusNotCovered, "G4": StatusNotCovered, "G2": StatusPass},
		},
		{
			name:      "3DS scenarios without a tampered-hash check block G15",
			scenarios: slices.DeleteFunc(fullSuite(), func(s Scenario) bool { return strings.Contains(s.Name, "tampered hash") }),
			ok:        false, want: map[string]Status{"G15": StatusNotCovered, "G10": StatusPass},
			mustPass: []string{"G15"}, blocking: []string{"G15"},
		},
		{
			name:      "a failing tampered-hash check fails G15 only",
			scenarios: withStatus(fullSuite(), "A callback with a tampered hash is detected", ScenarioFailed, "the payment was completed"),
			ok:        false, want: map[string]Status{"G15": StatusFail, "G2": StatusPass, "G10": StatusPass, "G11": StatusPass},
			blocking: []string{"G15"}, failing: map[string]int{"G15": 1},
		},
		{
			name: "optional rules do not decide coverage", scenarios: without(fullSuite(), "@validation"), ok: true,
			want: map[string]Status{"G3": StatusPass, "G8": StatusPass, "G9": StatusPass},
		},
		{
			name: "skipped scenarios are no evidence",
			scenarios: withStatus(withStatus(currentSuite(), "An AMEX card pays with its four-digit security code", ScenarioSkipped, ""),
				"an AMEX card pays", ScenarioSkipped, ""),
			ok: false, want: map[string]Status{"G8": StatusNotCovered}, blocking: []string{"G8"},
		},
		{
			name: "no scenario at all", scenarios: nil, ok: false,
			want:     map[string]Status{"G2": StatusNotCovered, "G3": StatusNotCovered, "G8": StatusNotCovered, "G1": StatusManual},
			blocking: []string{"G2", "G3", "G8"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Build(sampleRun(tt.scenarios, sampleLoad(1)))
			if len(r.Items) != 23 {
				t.Fatalf("%d items", len(r.Items))
			}
			if r.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v (blocking %v)", r.OK(), tt.ok, r.Summary.Blocking)
			}
			wantVerdict := VerdictGo
			if !tt.ok {
				wantVerdict = VerdictNoGo
			}
			if r.Verdict != wantVerdict {
				t.Errorf("verdict %s, want %s", r.Verdict, wantVerdict)
			}
			got := statuses(r)
			for id, want := range tt.want {
				if got[id] != want {
					t.Errorf("%s: %s, want %s (%s)", id, got[id], want, r.Item(id).Note)
				}
			}
			for _, id := range tt.mustPass {
				if !r.Item(id).MustPass {
					t.Errorf("%s is not must-pass", id)
				}
			}
			for _, id := range tt.notMust {
				if it := r.Item(id); it.MustPass || !strings.Contains(it.Note, "Must pass once") {
					t.Errorf("%s: must-pass %v, note %q", id, it.MustPass, it.Note)
				}
			}
			if tt.blocking != nil && len(r.Summary.Blocking)+len(tt.blocking) > 0 && !slices.Equal(r.Summary.Blocking, tt.blocking) {
				t.Errorf("blocking %v, want %v", r.Summary.Blocking, tt.blocking)
			}
			for id, n := range tt.failing {
				if f := r.Item(id).Failing; len(f) != n || f[0].Failure == "" {
					t.Errorf("%s: failing %+v, want %d with their failure", id, f, n)
				}
			}
		})
	}
}

func TestBuildAllPassFigures(t *testing.T) {
	r := Build(sampleRun(fullSuite(), sampleLoad(1)))
	s := r.Summary
	if s.Items != 23 || s.Automatable != 15 || s.Pass != 15 || s.Manual != 8 || s.Exercised != 15 {
		t.Errorf("summary %+v", s)
	}
	if s.Score != 1 || s.Coverage != round(15.0/23, 4) {
		t.Errorf("score %v coverage %v", s.Score, s.Coverage)
	}
	for _, it := range r.Items {
		if it.Automatable && it.Status != StatusPass {
			t.Errorf("%s: %s: %s", it.ID, it.Status, it.Note)
		}
	}
	g2 := r.Item("G2")
	kinds := map[string][]string{}
	for _, e := range g2.Evidence {
		kinds[e.Kind] = e.Values
	}
	if !slices.Contains(kinds[EvidencePayment], "101") || !slices.Contains(kinds[EvidenceRefund], "9001") ||
		!slices.Contains(kinds[EvidenceCard], "510005******6661") || !slices.Contains(kinds[EvidenceErrorGroup], "NOT_SUFFICIENT_FUNDS") {
		t.Errorf("G2 evidence %+v", g2.Evidence)
	}
}

func TestBuildScoreAndCoverageOfThePartialSuite(t *testing.T) {
	r := Build(sampleRun(currentSuite(), nil))
	s := r.Summary
	// G2 G3 G5 G6 G7 G8 pass; G11 G14 G12 G4 G9 G10 G15 G16 G20 are not covered.
	if s.Pass != 6 || s.NotCovered != 9 || s.Automatable != 15 || s.Exercised != 6 {
		t.Fatalf("summary %+v", s)
	}
	if s.Score != round(6.0/15, 4) || s.Coverage != round(6.0/23, 4) {
		t.Errorf("score %v coverage %v", s.Score, s.Coverage)
	}
	if r.Load != nil || r.LoadError == "" {
		t.Errorf("no load: %+v %q", r.Load, r.LoadError)
	}
	if g9 := r.Item("G9"); !strings.Contains(g9.Note, "payment in installments") {
		t.Errorf("G9 note %q", g9.Note)
	}
}

func TestBuildCardCoverage(t *testing.T) {
	r := Build(sampleRun(fullSuite(), sampleLoad(1)))
	cat := craftgate.TestCards()
	step := func(s craftgate.Step) StepCoverage {
		for _, sv := range r.Cards.Steps {
			if sv.Step == string(s) {
				return sv
			}
		}
		t.Fatalf("no step %s", s)
		return StepCoverage{}
	}
	if len(r.Cards.Steps) != len(craftgate.Steps) {
		t.Errorf("%d steps", len(r.Cards.Steps))
	}
	non3ds := step(craftgate.StepNon3DSPayment)
	if non3ds.Failing != len(cat.FailingAt(craftgate.StepNon3DSPayment)) || len(non3ds.Exercised) != non3ds.Failing || len(non3ds.Missing) != 0 {
		t.Errorf("non-3DS step: failing %d, exercised %d, missing %v", non3ds.Failing, len(non3ds.Exercised), non3ds.Missing)
	}
	refund := step(craftgate.StepCancelRefund)
	if !slices.Equal(refund.Exercised, []string{"435508******6663"}) || refund.Failing != len(cat.FailingAt(craftgate.StepCancelRefund)) {
		t.Errorf("cancel/refund step: %+v", refund)
	}
	if c := step(craftgate.StepThreeDSComplete); c.Successful != 1 || len(c.Exercised) != 0 {
		t.Errorf("3DS complete: %+v", c)
	}
	if r.Cards.SuccessfulTotal != len(cat.Successful()) || !slices.Contains(r.Cards.SuccessfulUsed, "413226******0003") {
		t.Errorf("successful cards: %d, used %v", r.Cards.SuccessfulTotal, r.Cards.SuccessfulUsed)
	}
	var nsf *GroupCoverage
	for i := range r.Cards.Groups {
		if r.Cards.Groups[i].Group == "NOT_SUFFICIENT_FUNDS" {
			nsf = &r.Cards.Groups[i]
		}
	}
	nsfAtPayment := 0
	for _, tc := range cat.FailingAt(craftgate.StepNon3DSPayment) {
		if f, _ := tc.FailureAt(craftgate.StepNon3DSPayment); f.Group == "NOT_SUFFICIENT_FUNDS" {
			nsfAtPayment++
		}
	}
	if nsf == nil || nsf.Cards < nsfAtPayment || nsf.Exercised != nsfAtPayment || nsfAtPayment < 4 {
		t.Errorf("NOT_SUFFICIENT_FUNDS coverage %+v", nsf)
	}
	var dist GroupCount
	for _, g := range r.ErrorGroups {
		if g.Group == "NOT_SUFFICIENT_FUNDS" {
			dist = g
		}
	}
	if dist.Scenarios < 4 || dist.Load != 40 {
		t.Errorf("NOT_SUFFICIENT_FUNDS distribution %+v", dist)
	}
}

func TestCardStepsStopAtTheFirstFailure(t *testing.T) {
	cat := craftgate.TestCards()
	var both *craftgate.TestCard // fails the non-3DS payment and the 3DS completion
	for _, tc := range cat.ErrorCards() {
		_, a := tc.FailureAt(craftgate.StepNon3DSPayment)
		_, b := tc.FailureAt(craftgate.StepThreeDSComplete)
		if a && b {
			both = tc
			break
		}
	}
	if both == nil {
		t.Skip("no card fails at both steps")
	}
	tests := []struct {
		tags string
		want []craftgate.Step
	}{
		{"@non3ds @error-card", []craftgate.Step{craftgate.StepNon3DSPayment}},
		{"@refund @cancel", []craftgate.Step{craftgate.StepNon3DSPayment}},
		{"@3ds", []craftgate.Step{craftgate.StepThreeDSInit, craftgate.StepThreeDSVerify, craftgate.StepThreeDSComplete}},
		{"@validation", nil},
	}
	for _, tt := range tests {
		if got := cardSteps(strings.Fields(tt.tags), both); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.tags, got, tt.want)
		}
	}
	if got := cardSteps([]string{"@refund"}, nil); !slices.Equal(got, []craftgate.Step{craftgate.StepNon3DSPayment, craftgate.StepCancelRefund}) {
		t.Errorf("refund without a known card: %v", got)
	}
}

func TestBuildMasksEverything(t *testing.T) {
	const pan = "5528790000000008"
	run := sampleRun([]Scenario{
		sc("payments/x.feature", "card "+pan+" pays", "failed", "@non3ds", Evidence{Kind: EvidenceCard, Value: pan}),
	}, sampleLoad(1))
	run.Scenarios[0].Failure = "declined " + pan
	run.Target = "mock for " + pan
	r := Build(run)
	s := r.Scenarios[0]
	for _, v := range []string{s.Name, s.Failure, s.Evidence[0].Value, r.Provenance.Target, r.Load.FailureSamples[0]} {
		if strings.Contains(v, pan) {
			t.Errorf("unmasked: %q", v)
		}
	}
	if s.Evidence[0].Value != "552879******0008" {
		t.Errorf("card evidence %q", s.Evidence[0].Value)
	}
}

func TestBuildWithholdsWhatIsNotAFingerprint(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sha256:1a2b3c4d", "sha256:1a2b3c4d"},
		{"", ""},
		{"sandbox-XYZsecretKEY123", "(withheld: not a fingerprint)"},
		{"sha256:1a2b3c4d extra", "(withheld: not a fingerprint)"},
	}
	for _, tt := range tests {
		run := sampleRun(nil, nil)
		run.KeyFingerprint = tt.in
		if got := Build(run).Provenance.KeyFingerprint; got != tt.want {
			t.Errorf("%q: %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBuildNilRun(t *testing.T) {
	r := Build(nil)
	if r.OK() || r.Verdict != VerdictNoGo || len(r.Items) != 23 {
		t.Errorf("nil run: %s, %d items", r.Verdict, len(r.Items))
	}
}
