package reports

import (
	"bytes"
	"fmt"
	"io"
	"sort"
)

// Diff thresholds: changes inside them are noise and are not flagged.
const (
	// SlowerRatio and SlowerMinMs: an operation is slower when its p95 rose
	// by more than 10 % and by more than 1 ms (both must hold).
	SlowerRatio = 0.10
	SlowerMinMs = 1.0
	// ThroughputDropRatio: throughput dropped when iterations/s fell by
	// more than 10 %.
	ThroughputDropRatio = 0.10
	// FailureRateRise: the load failure rate rose when it went up by more
	// than one percentage point.
	FailureRateRise = 0.01
)

// DiffResult is what changed between two sign-off reports.
type DiffResult struct {
	OldVerdict string `json:"oldVerdict"`
	NewVerdict string `json:"newVerdict"`
	// OldTarget and NewTarget are the reports' targets, "(mock)" appended
	// for gatecheck's mock; TargetsDiffer is true when the two runs did
	// not test the same kind of target (mock against sandbox, or two
	// different hosts): their latencies and verdicts are not comparable.
	OldTarget     string `json:"oldTarget"`
	NewTarget     string `json:"newTarget"`
	TargetsDiffer bool   `json:"targetsDiffer"`
	Score         Change `json:"score"`
	Coverage      Change `json:"coverage"`
	// Slower and Faster are operations whose p95 moved past the
	// thresholds, largest change first.
	Slower []OpChange `json:"slower,omitempty"`
	Faster []OpChange `json:"faster,omitempty"`
	// Throughput and FailureRate are set when both reports have a load
	// result.
	Throughput        *Change `json:"throughput,omitempty"`
	ThroughputDropped bool    `json:"throughputDropped"`
	FailureRate       *Change `json:"failureRate,omitempty"`
	FailureRateRose   bool    `json:"failureRateRose"`
	// NewlyFailing are scenarios that do not pass in the new report and
	// passed (or did not exist) in the old one; NewlyPassing the reverse.
	NewlyFailing []ScenarioChange `json:"newlyFailing,omitempty"`
	NewlyPassing []ScenarioChange `json:"newlyPassing,omitempty"`
	// Added and Removed count scenarios only in the new or old report.
	Added   int `json:"added"`
	Removed int `json:"removed"`
	// ItemsRegressed and ItemsImproved are checklist items whose status got
	// worse (PASS → NOT COVERED → FAIL) or better.
	ItemsRegressed []ItemChange `json:"itemsRegressed,omitempty"`
	ItemsImproved  []ItemChange `json:"itemsImproved,omitempty"`
	// OpsAdded and OpsRemoved are operations measured in only one report.
	OpsAdded   []string `json:"opsAdded,omitempty"`
	OpsRemoved []string `json:"opsRemoved,omitempty"`
}

// Change is a number before and after.
type Change struct {
	Old float64 `json:"old"`
	New float64 `json:"new"`
}

// Ratio is New/Old - 1 (0 when Old is 0).
func (c Change) Ratio() float64 {
	if c.Old == 0 {
		return 0
	}
	return c.New/c.Old - 1
}

// OpChange is an operation's p95 before and after, in milliseconds.
type OpChange struct {
	Name   string  `json:"name"`
	OldP95 float64 `json:"oldP95Ms"`
	NewP95 float64 `json:"newP95Ms"`
}

// ScenarioChange is a scenario whose outcome changed. OldStatus is empty
// for a scenario the old report did not have.
type ScenarioChange struct {
	Feature   string `json:"feature"`
	Name      string `json:"name"`
	OldStatus string `json:"oldStatus,omitempty"`
	NewStatus string `json:"newStatus"`
	Failure   string `json:"failure,omitempty"`
}

// ItemChange is a checklist item whose status changed.
type ItemChange struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Old      Status `json:"old"`
	New      Status `json:"new"`
	MustPass bool   `json:"mustPass"`
}

// Diff compares two reports: what got slower (p95 per operation up by more
// than SlowerRatio and SlowerMinMs, throughput down by more than
// ThroughputDropRatio), which scenarios and checklist items newly fail or
// pass, and how coverage and score moved. Either report may be nil.
func Diff(oldR, newR *Report) DiffResult {
	if oldR == nil {
		oldR = &Report{}
	}
	if newR == nil {
		newR = &Report{}
	}
	d := DiffResult{OldVerdict: oldR.Verdict, NewVerdict: newR.Verdict,
		OldTarget: targetKind(oldR.Provenance), NewTarget: targetKind(newR.Provenance),
		Score:    Change{oldR.Summary.Score, newR.Summary.Score},
		Coverage: Change{oldR.Summary.Coverage, newR.Summary.Coverage}}
	d.TargetsDiffer = d.OldTarget != d.NewTarget
	d.diffLoad(oldR.Load, newR.Load)
	d.diffScenarios(oldR.Scenarios, newR.Scenarios)
	d.diffItems(oldR.Items, newR.Items)
	return d
}

// targetKind names a report's target for comparison: gatecheck's mock on
// any port is one target.
func targetKind(p Provenance) string {
	if p.TargetIsMock {
		return "gatecheck's mock"
	}
	return p.Target
}

func (d *DiffResult) diffLoad(o, n *LoadSummary) {
	if o == nil || n == nil {
		return
	}
	for _, no := range n.Operations {
		oo := o.Op(no.Name)
		if oo == nil {
			d.OpsAdded = append(d.OpsAdded, no.Name)
			continue
		}
		ch := OpChange{Name: no.Name, OldP95: oo.P95, NewP95: no.P95}
		switch {
		case no.P95-oo.P95 > SlowerMinMs && no.P95 > oo.P95*(1+SlowerRatio):
			d.Slower = append(d.Slower, ch)
		case oo.P95-no.P95 > SlowerMinMs && no.P95 < oo.P95*(1-SlowerRatio):
			d.Faster = append(d.Faster, ch)
		}
	}
	for _, oo := range o.Operations {
		if n.Op(oo.Name) == nil {
			d.OpsRemoved = append(d.OpsRemoved, oo.Name)
		}
	}
	byChange := func(v []OpChange) func(i, j int) bool {
		return func(i, j int) bool {
			a, b := v[i].NewP95-v[i].OldP95, v[j].NewP95-v[j].OldP95
			if a < 0 {
				a, b = -a, -b
			}
			return a > b
		}
	}
	sort.SliceStable(d.Slower, byChange(d.Slower))
	sort.SliceStable(d.Faster, byChange(d.Faster))
	d.Throughput = &Change{o.IterationsPerSecond, n.IterationsPerSecond}
	d.ThroughputDropped = o.IterationsPerSecond > 0 && n.IterationsPerSecond < o.IterationsPerSecond*(1-ThroughputDropRatio)
	d.FailureRate = &Change{o.FailureRate, n.FailureRate}
	d.FailureRateRose = n.FailureRate-o.FailureRate > FailureRateRise
}

// scenarioKey identifies a scenario across reports.
func scenarioKey(sc *Scenario) string { return sc.Feature + "\x00" + sc.Name }

// outcomes collapses scenarios by key: failing if any run of the key
// failed, else passed if any passed.
func outcomes(list []Scenario) (map[string]*Scenario, []string) {
	m := map[string]*Scenario{}
	var order []string
	for i := range list {
		sc := &list[i]
		k := scenarioKey(sc)
		prev, ok := m[k]
		switch {
		case !ok:
			m[k] = sc
			order = append(order, k)
		case sc.Failing() && !prev.Failing(), sc.Passed() && !prev.Passed() && !prev.Failing():
			m[k] = sc
		}
	}
	return m, order
}

func (d *DiffResult) diffScenarios(oldList, newList []Scenario) {
	om, _ := outcomes(oldList)
	nm, order := outcomes(newList)
	for _, k := range order {
		n := nm[k]
		o, had := om[k]
		if !had {
			d.Added++
		}
		ch := ScenarioChange{Feature: n.Feature, Name: n.Name, NewStatus: n.Status}
		if had {
			ch.OldStatus = o.Status
		}
		switch {
		case n.Failing() && (!had || !o.Failing()):
			ch.Failure = n.Failure
			d.NewlyFailing = append(d.NewlyFailing, ch)
		case n.Passed() && had && o.Failing():
			d.NewlyPassing = append(d.NewlyPassing, ch)
		}
	}
	for k := range om {
		if _, ok := nm[k]; !ok {
			d.Removed++
		}
	}
}

// statusRank orders automatable statuses from worst to best.
func statusRank(s Status) int {
	switch s {
	case StatusFail:
		return 0
	case StatusNotCovered:
		return 1
	case StatusPass:
		return 2
	}
	return -1
}

func (d *DiffResult) diffItems(oldItems, newItems []ItemResult) {
	old := map[string]ItemResult{}
	for _, it := range oldItems {
		old[it.ID] = it
	}
	for _, n := range newItems {
		o, ok := old[n.ID]
		if !ok || o.Status == n.Status {
			continue
		}
		ro, rn := statusRank(o.Status), statusRank(n.Status)
		if ro < 0 || rn < 0 {
			continue
		}
		ch := ItemChange{ID: n.ID, Title: n.Title, Old: o.Status, New: n.Status, MustPass: n.MustPass}
		if rn < ro {
			d.ItemsRegressed = append(d.ItemsRegressed, ch)
		} else {
			d.ItemsImproved = append(d.ItemsImproved, ch)
		}
	}
}

// Regressed reports whether the new report is worse: an operation got
// slower, throughput dropped, the load failure rate rose, a scenario or
// checklist item newly fails, coverage or score fell, or a passing
// verdict (GO, REHEARSAL PASS) became a failing one.
func (d DiffResult) Regressed() bool {
	return len(d.Slower) > 0 || d.ThroughputDropped || d.FailureRateRose || len(d.NewlyFailing) > 0 ||
		len(d.ItemsRegressed) > 0 || d.Coverage.New < d.Coverage.Old || d.Score.New < d.Score.Old ||
		(VerdictOK(d.OldVerdict) && !VerdictOK(d.NewVerdict))
}

// WriteText writes the comparison for people, one finding a line.
func (d DiffResult) WriteText(w io.Writer) error {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	verdict := "no regression"
	if d.Regressed() {
		verdict = "REGRESSED"
	}
	p("gatecheck report diff: %s\n", verdict)
	if d.TargetsDiffer {
		p("targets differ: %s -> %s; latencies, throughput and verdicts are not comparable\n", orDash(d.OldTarget), orDash(d.NewTarget))
	}
	p("verdict:  %s -> %s\n", orDash(d.OldVerdict), orDash(d.NewVerdict))
	p("score:    %s -> %s\n", pct(d.Score.Old), pct(d.Score.New))
	p("coverage: %s -> %s\n", pct(d.Coverage.Old), pct(d.Coverage.New))
	if d.Throughput != nil {
		flag := ""
		if d.ThroughputDropped {
			flag = "  DROPPED"
		}
		p("throughput: %s -> %s iterations/s (%+.0f%%)%s\n", num(d.Throughput.Old), num(d.Throughput.New), d.Throughput.Ratio()*100, flag)
	} else {
		p("throughput: not compared (a report has no load result)\n")
	}
	if d.FailureRate != nil {
		flag := ""
		if d.FailureRateRose {
			flag = "  ROSE"
		}
		p("load failure rate: %.2f%% -> %.2f%%%s\n", d.FailureRate.Old*100, d.FailureRate.New*100, flag)
	}
	ops := func(title string, v []OpChange) {
		if len(v) == 0 {
			return
		}
		p("\n%s (%d):\n", title, len(v))
		for _, c := range v {
			ch := Change{c.OldP95, c.NewP95}
			p("  %-40s p95 %s -> %s (%+.0f%%)\n", c.Name, fmtMs(c.OldP95), fmtMs(c.NewP95), ch.Ratio()*100)
		}
	}
	ops(fmt.Sprintf("Slower operations (p95 up by more than %.0f%% and %s ms)", SlowerRatio*100, num(SlowerMinMs)), d.Slower)
	scen := func(title string, v []ScenarioChange) {
		if len(v) == 0 {
			return
		}
		p("\n%s (%d):\n", title, len(v))
		for _, c := range v {
			p("  %s: %s (%s -> %s)\n", c.Feature, c.Name, orNew(c.OldStatus), c.NewStatus)
			if c.Failure != "" {
				p("      %s\n", c.Failure)
			}
		}
	}
	scen("Newly failing scenarios", d.NewlyFailing)
	items := func(title string, v []ItemChange) {
		if len(v) == 0 {
			return
		}
		p("\n%s (%d):\n", title, len(v))
		for _, c := range v {
			mp := ""
			if c.MustPass {
				mp = " [must pass]"
			}
			p("  %-4s %s -> %s%s  %s\n", c.ID, c.Old, c.New, mp, c.Title)
		}
	}
	items("Checklist items that got worse", d.ItemsRegressed)
	scen("Newly passing scenarios", d.NewlyPassing)
	items("Checklist items that got better", d.ItemsImproved)
	ops("Faster operations", d.Faster)
	if d.Added > 0 || d.Removed > 0 {
		p("\nScenarios: %d added, %d removed\n", d.Added, d.Removed)
	}
	if len(d.OpsAdded) > 0 {
		p("Operations only in the new report: %v\n", d.OpsAdded)
	}
	if len(d.OpsRemoved) > 0 {
		p("Operations only in the old report: %v\n", d.OpsRemoved)
	}
	return writeMasked(w, b.Bytes())
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func orNew(s string) string {
	if s == "" {
		return "new"
	}
	return s
}
