// Package reports turns a sign-off run into evidence a person can hand to
// their payment provider: the Craftgate integration checklist (20 go-live
// and 3 post-go-live items) evaluated against the conformance scenarios
// that ran, test-card coverage by flow step and error group, a load
// summary, and provenance.
//
// Build evaluates a Run into a Report, which writes signoff.html (one
// self-contained file: inline CSS and SVG, no scripts, no network
// fetches), signoff.md and report.json. ReadJSON reads report.json back and
// Diff compares two reports (what got slower, what newly fails).
//
// Card numbers appear only masked (first six and last four digits): every
// string is masked when the report is built, and every output passes
// through craftgate.MaskPANs once more before it is written.
package reports

import (
	"time"

	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/probe"
)

// Run is everything a sign-off run produced. The caller fills it; Build
// reads it and never changes it.
type Run struct {
	// Provider names the provider, e.g. "craftgate".
	Provider string
	// Target describes what was tested, e.g. "embedded mock
	// http://127.0.0.1:41234" or "sandbox-api.craftgate.io".
	Target       string
	TargetIsMock bool
	// Version is gatecheck's version, e.g. "v0.3.0" or "(devel)".
	Version string
	// Commit is the VCS revision gatecheck was built from (may be empty).
	Commit string
	// LoadEngine names the load engine, e.g. "gatecheck load engine (Go)".
	LoadEngine string
	// KeyFingerprint identifies the API key, e.g. "sha256:1a2b3c4d". It is
	// never the key itself.
	KeyFingerprint    string
	Started, Finished time.Time
	// Scenarios are the conformance scenarios, one per scenario or
	// outline row.
	Scenarios []Scenario
	// Load is the load stage's result; nil when it was skipped or failed.
	Load *load.Result
	// LoadError says why there is no load result, when there is none.
	LoadError string
	// TagFilter is the tag filter the user gave (empty: none). A run
	// whose filter left scenarios out is not go-live evidence: its
	// verdict is at best INCOMPLETE.
	TagFilter string
	// Filter is the tag expression the conformance stage ran with: the
	// user's filter and what the provider and the target leave out.
	Filter string
	// LeftOut says which scenarios of the suite did not run, and why.
	LeftOut []LeftOut
	// CatalogueVersion identifies the test-card catalogue
	// (craftgate.CatalogueVersion).
	CatalogueVersion string
	// Probe is the probe of the merchant's own callback and webhook
	// endpoints (package probe); nil when it did not run. It alone
	// decides the items about the merchant's hash verification (G15,
	// G16).
	Probe *probe.Report
	// ProbeError says why there is no probe result or what it lacks,
	// e.g. that no webhook URL was given.
	ProbeError string
	// ProbeReference is true when the probe targeted gatecheck's own
	// reference merchant receiver (a rehearsal), not the merchant's
	// endpoints: the items it decides are REHEARSED at best.
	ProbeReference bool
}

// LeftOut is a part of the suite a run did not run, and why.
type LeftOut struct {
	// Filter is the tag filter that left the scenarios out, e.g.
	// "~@mock && ~@webhook".
	Filter string `json:"filter"`
	// Reason says why, in words.
	Reason string `json:"reason"`
	// Scenarios is how many scenarios it left out.
	Scenarios int `json:"scenarios"`
	// User is true for the user's own tag filter (--tags), false for
	// what the provider or the target leaves out.
	User bool `json:"user"`
}

// Scenario is one conformance scenario (an outline row counts as one).
type Scenario struct {
	// Feature is the feature file path, e.g. "payments/declined.feature".
	Feature string `json:"feature"`
	// Name is the scenario name, outline values substituted, card numbers
	// masked.
	Name string `json:"name"`
	// Tags are the scenario's tags including its feature's, e.g. "@non3ds".
	Tags []string `json:"tags,omitempty"`
	// Status is one of the Scenario* status constants.
	Status   string        `json:"status"`
	Duration time.Duration `json:"duration_ns"`
	// Failure is the failing step and its message, masked.
	Failure  string     `json:"failure,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Scenario statuses, as godog names them.
const (
	ScenarioPassed    = "passed"
	ScenarioFailed    = "failed"
	ScenarioUndefined = "undefined"
	ScenarioPending   = "pending"
	ScenarioSkipped   = "skipped"
	ScenarioAmbiguous = "ambiguous"
)

// Failing reports whether the scenario ran and did not pass: failed,
// undefined, pending or ambiguous. Skipped scenarios neither pass nor fail.
func (s *Scenario) Failing() bool {
	switch s.Status {
	case ScenarioFailed, ScenarioUndefined, ScenarioPending, ScenarioAmbiguous:
		return true
	}
	return false
}

// Passed reports whether the scenario passed.
func (s *Scenario) Passed() bool { return s.Status == ScenarioPassed }

// Evidence is one fact a scenario established.
type Evidence struct {
	// Kind is one of the Evidence* kind constants.
	Kind string `json:"kind"`
	// Value is the fact: a payment id, a masked card number, an error
	// group, a description of the signature that was checked.
	Value string `json:"value"`
	// Step optionally names the craftgate.Step a card was exercised at,
	// e.g. "NON_3DS_PAYMENT", "CANCEL_REFUND", "THREEDS_COMPLETE". When it
	// is empty the step is inferred from the scenario's tags.
	Step string `json:"step,omitempty"`
}

// Evidence kinds.
const (
	EvidencePayment    = "payment"
	EvidenceCard       = "card"
	EvidenceRefund     = "refund"
	EvidenceErrorGroup = "errorGroup"
	EvidenceSignature  = "signature"
	EvidenceWebhook    = "webhook"
	EvidenceCallback   = "callback"
	EvidenceToken      = "token"
	EvidenceMember     = "member"
	EvidenceWallet     = "wallet"
	EvidenceRemittance = "remittance"
	// The probe's answers, as "case → HTTP status".
	EvidenceForgedAccepted  = "forgedAccepted"
	EvidenceForgedRefused   = "forgedRefused"
	EvidenceGenuineAccepted = "genuineAccepted"
	EvidenceUnsettled       = "unsettled"
)
