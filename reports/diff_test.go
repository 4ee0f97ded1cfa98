package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

const payOp = "POST /payment/v1/card-payments"

// tweak returns a deep-enough copy of r with the load changed by f.
func tweak(r *Report, f func(l *LoadSummary)) *Report {
	c := *r
	l := *r.Load
	l.Operations = slices.Clone(r.Load.Operations)
	c.Load = &l
	f(c.Load)
	return &c
}

func setP95(name string, v float64) func(*LoadSummary) {
	return func(l *LoadSummary) { l.Op(name).P95 = v }
}

func TestDiff(t *testing.T) {
	base := Build(sampleRun(fullSuite(), sampleLoad(1)))
	basePay := base.Load.Op(payOp).P95
	failing := Build(sampleRun(withStatus(fullSuite(), "A successful credit card pays a basket of two items", "failed", "Then the payment succeeds: got 500"), sampleLoad(1)))
	tests := []struct {
		name         string
		old, new     *Report
		regressed    bool
		slower       []string
		dropped      bool
		newlyFailing []string
		newlyPassing []string
		itemsWorse   []string
	}{
		{name: "identical", old: base, new: base},
		{name: "a slower operation", old: base, new: tweak(base, setP95(payOp, basePay*1.5+2)), regressed: true, slower: []string{payOp}},
		{name: "noise under 10%", old: base, new: tweak(base, setP95(payOp, basePay*1.09))},
		{name: "over 10% but under 1 ms", old: tweak(base, setP95(payOp, 0.5)), new: tweak(base, setP95(payOp, 0.9))},
		{name: "faster is not a regression", old: base, new: tweak(base, setP95(payOp, basePay/3))},
		{name: "throughput down 20%", old: base, new: tweak(base, func(l *LoadSummary) { l.IterationsPerSecond *= 0.8 }), regressed: true, dropped: true},
		{name: "throughput down 5%", old: base, new: tweak(base, func(l *LoadSummary) { l.IterationsPerSecond *= 0.95 })},
		{name: "failure rate up 5 points", old: base, new: tweak(base, func(l *LoadSummary) { l.FailureRate += 0.05 }), regressed: true},
		{
			name: "a newly failing scenario", old: base, new: failing, regressed: true,
			newlyFailing: []string{"A successful credit card pays a basket of two items"}, itemsWorse: []string{"G2", "G10"},
		},
		{name: "a newly passing scenario", old: failing, new: base, newlyPassing: []string{"A successful credit card pays a basket of two items"}},
		{name: "coverage falls", old: base, new: Build(sampleRun(without(fullSuite(), "@preauth"), sampleLoad(1))), regressed: true, itemsWorse: []string{"G20"}},
		{name: "no load on one side", old: base, new: Build(sampleRun(fullSuite(), nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(tt.old, tt.new)
			if d.Regressed() != tt.regressed {
				t.Errorf("Regressed() = %v, want %v: %+v", d.Regressed(), tt.regressed, d)
			}
			var slower, nf, np, worse []string
			for _, c := range d.Slower {
				slower = append(slower, c.Name)
			}
			for _, c := range d.NewlyFailing {
				nf = append(nf, c.Name)
			}
			for _, c := range d.NewlyPassing {
				np = append(np, c.Name)
			}
			for _, c := range d.ItemsRegressed {
				worse = append(worse, c.ID)
			}
			if !slices.Equal(slower, tt.slower) {
				t.Errorf("slower %v, want %v", slower, tt.slower)
			}
			if d.ThroughputDropped != tt.dropped {
				t.Errorf("throughput dropped %v, want %v", d.ThroughputDropped, tt.dropped)
			}
			if !slices.Equal(nf, tt.newlyFailing) || !slices.Equal(np, tt.newlyPassing) {
				t.Errorf("newly failing %v (want %v), newly passing %v (want %v)", nf, tt.newlyFailing, np, tt.newlyPassing)
			}
			if !slices.Equal(worse, tt.itemsWorse) {
				t.Errorf("items worse %v, want %v", worse, tt.itemsWorse)
			}
			var out bytes.Buffer
			if err := d.WriteText(&out); err != nil {
				t.Fatal(err)
			}
			text := out.String()
			if tt.regressed != strings.HasPrefix(text, "gatecheck report diff: REGRESSED") {
				t.Errorf("text headline: %s", strings.SplitN(text, "\n", 2)[0])
			}
			for _, s := range tt.slower {
				if !strings.Contains(text, s) {
					t.Errorf("text does not name %s:\n%s", s, text)
				}
			}
			for _, s := range tt.newlyFailing {
				if !strings.Contains(text, s) || !strings.Contains(text, "got 500") {
					t.Errorf("text does not name %s with its failure:\n%s", s, text)
				}
			}
		})
	}
}

func TestDiffText(t *testing.T) {
	base := Build(sampleRun(fullSuite(), sampleLoad(1)))
	slow := Build(sampleRun(withStatus(fullSuite(), "A stored card pays without a CVV", "failed", "boom"), sampleLoad(2)))
	var out bytes.Buffer
	if err := Diff(base, slow).WriteText(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"REGRESSED", "verdict:  GO -> GO", "Slower operations", payOp, "(+", "Newly failing scenarios (1)",
		"stored/cards.feature: A stored card pays without a CVV (passed -> failed)", "G4   PASS -> FAIL"} {
		if !strings.Contains(text, want) {
			t.Errorf("diff text lacks %q:\n%s", want, text)
		}
	}
}

func TestDiffNil(t *testing.T) {
	d := Diff(nil, Build(sampleRun(fullSuite(), nil)))
	if len(d.NewlyFailing) != 0 || d.Throughput != nil {
		t.Errorf("%+v", d)
	}
}

// A diff between a rehearsal on the mock and a sandbox run says the
// targets differ; two mock runs on different ports are the same target.
func TestDiffNamesDifferentTargets(t *testing.T) {
	onMock := Build(mockRun(fullSuite(), sampleLoad(1)))
	onMockAgain := Build(mockRun(fullSuite(), sampleLoad(1)))
	onMockAgain.Provenance.Target = "embedded mock http://127.0.0.1:50000"
	onSandbox := Build(sampleRun(fullSuite(), sampleLoad(1)))
	if d := Diff(onMock, onMockAgain); d.TargetsDiffer {
		t.Errorf("two mock runs differ: %q -> %q", d.OldTarget, d.NewTarget)
	}
	d := Diff(onMock, onSandbox)
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !d.TargetsDiffer || !strings.Contains(b.String(), "targets differ: gatecheck's mock -> sandbox-api.craftgate.io") {
		t.Errorf("targets differ %v:\n%s", d.TargetsDiffer, b.String())
	}
}
