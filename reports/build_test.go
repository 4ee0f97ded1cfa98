package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/probe"
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
		verdict   string // when not GO or NO-GO
		want      map[string]Status
		mustPass  []string // items that must be must-pass in this run
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
			name: "a partial suite: no 3DS, no webhooks yet", scenarios: currentSuite(), ok: false, verdict: VerdictIncomplete,
			want: map[string]Status{"G2": StatusPass, "G3": StatusPass, "G5": StatusPass, "G6": StatusPass, "G7": StatusPass,
				"G8": StatusPass, "G4": StatusNotCovered, "G9": StatusNotCovered, "G10": StatusNotCovered,
				"G15": StatusPass, "G16": StatusPass, "G20": StatusNotCovered, "G12": StatusNotCovered},
			mustPass: []string{"G2", "G3", "G8", "G10", "G15", "G16"},
			blocking: []string{"G10"},
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
			name:      "the suite's own tampered-hash scenarios do not decide G15: the probe does",
			scenarios: withStatus(fullSuite(), "A callback with a tampered hash is detected", ScenarioFailed, "the payment was completed"),
			ok:        true, want: map[string]Status{"G15": StatusPass, "G2": StatusPass, "G10": StatusPass, "G11": StatusPass},
		},
		{
			name: "optional rules do not decide coverage", scenarios: without(fullSuite(), "@validation"), ok: true,
			want: map[string]Status{"G3": StatusPass, "G8": StatusPass, "G9": StatusPass},
		},
		{
			name: "skipped scenarios are no evidence",
			scenarios: withStatus(withStatus(currentSuite(), "An AMEX card pays with its four-digit security code", ScenarioSkipped, ""),
				"an AMEX card pays", ScenarioSkipped, ""),
			ok: false, verdict: VerdictIncomplete, want: map[string]Status{"G8": StatusNotCovered}, blocking: []string{"G8", "G10"},
		},
		{
			name: "no scenario at all", scenarios: nil, ok: false, verdict: VerdictIncomplete,
			want:     map[string]Status{"G2": StatusNotCovered, "G3": StatusNotCovered, "G8": StatusNotCovered, "G1": StatusManual},
			blocking: []string{"G2", "G3", "G8", "G10"},
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
			if tt.verdict != "" {
				wantVerdict = tt.verdict
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
	// G2 G3 G5 G6 G7 G8 pass, and G15 G16 on the probe; G11 G14 G12 G4
	// G9 G10 G20 are not covered.
	if s.Pass != 8 || s.NotCovered != 7 || s.Automatable != 15 || s.Exercised != 8 {
		t.Fatalf("summary %+v", s)
	}
	if s.Score != round(8.0/15, 4) || s.Coverage != round(8.0/23, 4) {
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
	if r.OK() || r.Verdict != VerdictIncomplete || len(r.Items) != 23 {
		t.Errorf("nil run: %s, %d items", r.Verdict, len(r.Items))
	}
}

// The verdict never says more than the run proved: GO only on a go-live
// target with every must-pass item PASS and the whole suite; a rehearsal
// on the mock never says GO; a user's tag filter that left scenarios out,
// or a merchant endpoint that was not probed, is INCOMPLETE; a merchant
// that accepts forged webhooks is NO-GO naming G16.
func TestVerdictCannotOverclaim(t *testing.T) {
	filtered := sampleRun(without(fullSuite(), "@3ds,@webhook"), nil)
	filtered.TagFilter = "~@3ds && ~@webhook"
	filtered.LeftOut = append(filtered.LeftOut, LeftOut{Filter: filtered.TagFilter, Reason: "the tag filter (--tags)", Scenarios: 3, User: true})
	narrow := sampleRun(fullSuite(), nil)
	narrow.TagFilter = "~@wallet"
	narrow.LeftOut = append(narrow.LeftOut, LeftOut{Filter: "~@wallet", Reason: "the tag filter (--tags)", Scenarios: 4, User: true})
	unprobed := sampleRun(fullSuite(), nil)
	unprobed.Probe = nil
	webhookOnly := sampleRun(fullSuite(), nil)
	webhookOnly.Probe.Results = slices.DeleteFunc(slices.Clone(webhookOnly.Probe.Results), func(r probe.Result) bool { return r.Endpoint == probe.EndpointCallback })
	forged := sampleRun(fullSuite(), nil)
	forged.Probe = sampleProbe(true)
	refused := sampleRun(fullSuite(), nil)
	refused.Probe = sampleProbe(false)
	refused.Probe.Results[0].HTTPStatus, refused.Probe.Results[0].Verdict = 404, probe.Warn
	refused.Probe.Results[1].HTTPStatus, refused.Probe.Results[1].Verdict = 404, probe.Warn
	mockUnprobed := mockRun(fullSuite(), nil)
	mockUnprobed.Probe = nil
	mockForged := mockRun(fullSuite(), nil)
	mockForged.Probe = sampleProbe(true)
	reference := mockRun(fullSuite(), nil)
	reference.ProbeReference = true
	referenceOnSandbox := sampleRun(fullSuite(), nil)
	referenceOnSandbox.ProbeReference = true

	tests := []struct {
		name     string
		run      *Run
		verdict  string
		blocking []string
		want     map[string]Status
	}{
		{"everything on the sandbox", sampleRun(fullSuite(), nil), VerdictGo, nil, map[string]Status{"G2": StatusPass, "G15": StatusPass, "G16": StatusPass}},
		{"filter leaves 3DS and webhooks out", filtered, VerdictIncomplete, []string{"G10"}, map[string]Status{"G10": StatusNotCovered}},
		{"a filter that leaves out no must-pass evidence", narrow, VerdictIncomplete, nil, map[string]Status{"G2": StatusPass}},
		{"merchant endpoints not probed", unprobed, VerdictIncomplete, []string{"G15", "G16"}, map[string]Status{"G15": StatusNotCovered, "G16": StatusNotCovered}},
		{"only the webhook URL probed", webhookOnly, VerdictIncomplete, []string{"G15"}, map[string]Status{"G15": StatusNotCovered, "G16": StatusPass}},
		{"merchant accepts a forged webhook", forged, VerdictNoGo, []string{"G16"}, map[string]Status{"G15": StatusPass, "G16": StatusFail}},
		{"merchant refuses the genuine callbacks", refused, VerdictIncomplete, []string{"G15"}, map[string]Status{"G15": StatusNotCovered}},
		{"everything on the mock", mockRun(fullSuite(), nil), VerdictRehearsalPass, nil, map[string]Status{"G2": StatusRehearsed, "G8": StatusRehearsed, "G3": StatusPass}},
		{"mock without the probe", mockUnprobed, VerdictRehearsalIncomplete, []string{"G15", "G16"}, nil},
		{"mock, merchant accepts a forged webhook", mockForged, VerdictRehearsalFail, []string{"G16"}, nil},
		{"mock, gatecheck's reference merchant probed", reference, VerdictRehearsalPass, nil, map[string]Status{"G15": StatusRehearsed, "G16": StatusRehearsed}},
		{"sandbox, gatecheck's reference merchant probed", referenceOnSandbox, VerdictRehearsalPass, nil, map[string]Status{"G15": StatusRehearsed, "G2": StatusPass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Build(tt.run)
			if r.Verdict != tt.verdict {
				t.Errorf("verdict %s, want %s (%s)", r.Verdict, tt.verdict, r.verdictLine())
			}
			if r.OK() != (tt.verdict == VerdictGo || tt.verdict == VerdictRehearsalPass) {
				t.Errorf("OK() = %v", r.OK())
			}
			if tt.blocking != nil && !slices.Equal(r.Summary.Blocking[:min(len(tt.blocking), len(r.Summary.Blocking))], tt.blocking) {
				t.Errorf("blocking %v, want %v first", r.Summary.Blocking, tt.blocking)
			}
			for id, want := range tt.want {
				if got := r.Item(id); got.Status != want {
					t.Errorf("%s: %s, want %s (%s)", id, got.Status, want, got.Note)
				}
			}
			for _, it := range r.Items {
				if r.Rehearsal() && it.SandboxOnly && it.Status == StatusPass {
					t.Errorf("%s is sandbox-only and PASS on the mock", it.ID)
				}
				if it.Status == StatusNotCovered && it.Probed && it.HowTo == "" {
					t.Errorf("%s not covered without a how-to", it.ID)
				}
			}
			if strings.Contains(r.Verdict, "GO") && r.Rehearsal() {
				t.Errorf("a rehearsal says %s", r.Verdict)
			}
		})
	}
	if r := Build(forged); !strings.Contains(r.Item("G16").Note, "forged") || !strings.Contains(r.verdictLine(), "G16") {
		t.Errorf("G16 note %q, verdict line %q", r.Item("G16").Note, r.verdictLine())
	}
}
