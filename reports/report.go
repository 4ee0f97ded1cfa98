package reports

import (
	"slices"
	"time"

	"github.com/gatecheck/gatecheck/probe"
)

// Schema identifies report.json's format; ReadJSON accepts only this one.
const Schema = "gatecheck.signoff/v1"

// Status is a checklist item's outcome.
type Status string

// Item statuses.
const (
	// StatusPass: every required rule has a passed scenario and no matching
	// scenario failed.
	StatusPass Status = "PASS"
	// StatusFail: a matching scenario failed.
	StatusFail Status = "FAIL"
	// StatusNotCovered: gatecheck could check the item but the run holds no
	// scenario for (some of) its rules.
	StatusNotCovered Status = "NOT COVERED"
	// StatusManual: only a person can confirm the item.
	StatusManual Status = "MANUAL"
	// StatusRehearsed: the item would pass, but only a run against the
	// provider's sandbox proves it, and this run used gatecheck's mock.
	StatusRehearsed Status = "REHEARSED"
)

// Verdicts. GO needs a go-live target (the provider's sandbox) and every
// must-pass item PASS; a run on gatecheck's mock is a rehearsal and never
// says GO.
const (
	// VerdictGo: on a go-live target, every must-pass item passed and the
	// whole suite ran.
	VerdictGo = "GO"
	// VerdictNoGo: a must-pass item failed.
	VerdictNoGo = "NO-GO"
	// VerdictIncomplete: nothing failed, but a must-pass item is not
	// covered or a tag filter left scenarios out.
	VerdictIncomplete = "INCOMPLETE"
	// The rehearsal verdicts are the same three on gatecheck's mock.
	VerdictRehearsalPass       = "REHEARSAL PASS"
	VerdictRehearsalFail       = "REHEARSAL FAIL"
	VerdictRehearsalIncomplete = "REHEARSAL INCOMPLETE"
)

// VerdictOK reports whether a verdict lets the run succeed (exit status
// 0): GO, or REHEARSAL PASS.
func VerdictOK(v string) bool { return v == VerdictGo || v == VerdictRehearsalPass }

// Report is an evaluated sign-off run: the checklist with each item's
// status and evidence, the coverage figure and score, test-card coverage,
// the load summary and provenance. It is what report.json holds.
type Report struct {
	Schema     string       `json:"schema"`
	Verdict    string       `json:"verdict"`
	Provenance Provenance   `json:"provenance"`
	Items      []ItemResult `json:"items"`
	Summary    Summary      `json:"summary"`
	Scenarios  []Scenario   `json:"scenarios"`
	Cards      CardCoverage `json:"cards"`
	// ErrorGroups is the error-group distribution: passed scenarios per
	// group and load answers per group.
	ErrorGroups []GroupCount `json:"errorGroups"`
	// Load is nil when the run has no load result (see LoadError).
	Load      *LoadSummary `json:"load,omitempty"`
	LoadError string       `json:"loadError,omitempty"`
	// Probe is the probe of the merchant's endpoints, when it ran;
	// ProbeError says why not, or what it lacked.
	Probe      *probe.Report `json:"probe,omitempty"`
	ProbeError string        `json:"probeError,omitempty"`
	// ProbeReference is true when the probe targeted gatecheck's own
	// reference merchant, not the merchant's endpoints.
	ProbeReference bool `json:"probeReference,omitempty"`
}

// Provenance says what produced the report and against what.
type Provenance struct {
	Provider       string `json:"provider"`
	Target         string `json:"target"`
	TargetIsMock   bool   `json:"targetIsMock"`
	Version        string `json:"version"`
	Commit         string `json:"commit,omitempty"`
	LoadEngine     string `json:"loadEngine,omitempty"`
	KeyFingerprint string `json:"keyFingerprint,omitempty"`
	// TagFilter is the user's tag filter ("" for none); Filter the
	// expression the suite ran with; LeftOut what did not run and why.
	TagFilter string    `json:"tagFilter"`
	Filter    string    `json:"filter"`
	LeftOut   []LeftOut `json:"leftOut"`
	// CatalogueVersion identifies the test-card catalogue.
	CatalogueVersion string    `json:"catalogueVersion,omitempty"`
	Started          time.Time `json:"started"`
	Finished         time.Time `json:"finished"`
	// DurationSeconds is the run's wall-clock length.
	DurationSeconds float64 `json:"durationSeconds"`
}

// Summary holds the headline figures.
type Summary struct {
	Items       int `json:"items"`
	Automatable int `json:"automatable"`
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	NotCovered  int `json:"notCovered"`
	Manual      int `json:"manual"`
	// Rehearsed counts sandbox-only items that passed on gatecheck's mock.
	Rehearsed int `json:"rehearsed"`
	// Exercised counts automatable items whose every required rule matched
	// a scenario that ran (PASS or FAIL on full evidence).
	Exercised int `json:"exercised"`
	// Score is Pass / Automatable: what passed.
	Score float64 `json:"score"`
	// Coverage is Exercised / Items: what was exercised, out of the whole
	// checklist.
	Coverage float64 `json:"coverage"`
	// Blocking lists the must-pass items that failed or are not covered.
	Blocking []string `json:"blocking,omitempty"`
	// Scenario counts by status.
	Scenarios        int            `json:"scenarios"`
	ScenarioByStatus map[string]int `json:"scenarioByStatus"`
}

// ItemResult is one evaluated checklist item.
type ItemResult struct {
	ID       string `json:"id"`
	Phase    Phase  `json:"phase"`
	Title    string `json:"title"`
	Guidance string `json:"guidance,omitempty"`
	Checks   string `json:"checks,omitempty"`
	Manual   string `json:"manual,omitempty"`
	Status   Status `json:"status"`
	// MustPass is whether the item blocks GO in this run (MustPassIf
	// already applied); MustPassIf is the condition, when there is one.
	MustPass    bool   `json:"mustPass"`
	MustPassIf  string `json:"mustPassIf,omitempty"`
	Automatable bool   `json:"automatable"`
	// Note explains the status in a sentence; HowTo says how to cover an
	// item that is not covered.
	Note  string `json:"note,omitempty"`
	HowTo string `json:"howTo,omitempty"`
	// SandboxOnly items are REHEARSED at best on gatecheck's mock.
	SandboxOnly bool `json:"sandboxOnly,omitempty"`
	// Probed items are decided by the probe of the merchant's endpoints.
	Probed       bool          `json:"probed,omitempty"`
	Requirements []Requirement `json:"requirements,omitempty"`
	// Passed and Failing are the matching scenarios by outcome.
	Passed  []ScenarioRef `json:"passed,omitempty"`
	Failing []ScenarioRef `json:"failing,omitempty"`
	// Evidence is what the passed scenarios established, by kind.
	Evidence []EvidenceSet `json:"evidence,omitempty"`
}

// Requirement is one rule of an item and what matched it.
type Requirement struct {
	Rule
	Passed  int `json:"passed"`
	Failing int `json:"failing"`
}

// Covered reports whether the requirement has a passed scenario.
func (q *Requirement) Covered() bool { return q.Passed > 0 }

// ScenarioRef names a scenario.
type ScenarioRef struct {
	Feature string `json:"feature"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Failure string `json:"failure,omitempty"`
}

// EvidenceSet is the distinct values of one evidence kind.
type EvidenceSet struct {
	Kind   string   `json:"kind"`
	Values []string `json:"values"`
}

// GroupCount is how often an error group was seen.
type GroupCount struct {
	Group string `json:"group"`
	// Scenarios is the number of passed scenarios that showed the group.
	Scenarios int `json:"scenarios"`
	// Load is the number of load-test answers with the group.
	Load int `json:"load"`
}

// OK reports whether the verdict lets the run succeed: GO, or on
// gatecheck's mock REHEARSAL PASS.
func (r *Report) OK() bool { return VerdictOK(r.Verdict) }

// Rehearsal reports whether the run used gatecheck's mock.
func (r *Report) Rehearsal() bool { return r.Provenance.TargetIsMock }

// Item returns the item with the given ID, or nil.
func (r *Report) Item(id string) *ItemResult {
	i := slices.IndexFunc(r.Items, func(it ItemResult) bool { return it.ID == id })
	if i < 0 {
		return nil
	}
	return &r.Items[i]
}
