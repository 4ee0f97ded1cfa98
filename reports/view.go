package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Helpers shared by the HTML and Markdown writers.

// featureGroup is the scenarios of one feature file, in run order.
type featureGroup struct {
	Feature   string
	Scenarios []Scenario
	Passed    int
	Failing   int
	Other     int
}

// features groups the report's scenarios by feature, in order of first
// appearance.
func (r *Report) features() []featureGroup {
	var out []featureGroup
	index := map[string]int{}
	for _, sc := range r.Scenarios {
		i, ok := index[sc.Feature]
		if !ok {
			i = len(out)
			index[sc.Feature] = i
			out = append(out, featureGroup{Feature: sc.Feature})
		}
		g := &out[i]
		g.Scenarios = append(g.Scenarios, sc)
		switch {
		case sc.Passed():
			g.Passed++
		case sc.Failing():
			g.Failing++
		default:
			g.Other++
		}
	}
	return out
}

// pct formats a ratio as a whole percentage.
func pct(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }

// fmtMs formats milliseconds for a table.
func fmtMs(v float64) string { return num(v) + " ms" }

// fmtDuration formats a scenario duration.
func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

// fmtTime formats a timestamp for people; the zero time is "–".
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// runLength is the run's wall-clock length, when known.
func (p Provenance) runLength() string {
	if p.Started.IsZero() || p.Finished.IsZero() || p.Finished.Before(p.Started) {
		return ""
	}
	return p.Finished.Sub(p.Started).Round(100 * time.Millisecond).String()
}

// versionLine is gatecheck's version and commit.
func (p Provenance) versionLine() string {
	v := p.Version
	if v == "" {
		v = "(unknown)"
	}
	if p.Commit != "" {
		c := p.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		v += " (commit " + c + ")"
	}
	return v
}

// limit returns at most n values and how many were left out.
func limit(v []string, n int) ([]string, int) {
	if len(v) <= n {
		return v, 0
	}
	return v[:n], len(v) - n
}

// evidenceLabel names an evidence kind for people.
func evidenceLabel(kind string) string {
	switch kind {
	case EvidencePayment:
		return "Payment ids"
	case EvidenceRefund:
		return "Refund ids"
	case EvidenceCard:
		return "Cards (masked)"
	case EvidenceErrorGroup:
		return "Error groups"
	case EvidenceSignature:
		return "Signature checks"
	case EvidenceCallback:
		return "Callbacks"
	case EvidenceWebhook:
		return "Webhooks"
	case EvidenceToken:
		return "Tokens"
	case EvidenceMember:
		return "Member ids"
	case EvidenceWallet:
		return "Wallet ids"
	case EvidenceRemittance:
		return "Remittance ids"
	case EvidenceForgedAccepted:
		return "Forged calls accepted"
	case EvidenceForgedRefused:
		return "Forged calls refused"
	case EvidenceGenuineAccepted:
		return "Genuine calls accepted"
	case EvidenceUnsettled:
		return "Answers that settle nothing"
	// The Alfa-Bank (RBS) scenarios' kinds.
	case "rbsGoLive":
		return "Test payments"
	case "rbsOrder":
		return "Orders"
	case "rbsPaymentLink":
		return "Payment links"
	case "rbsStatus":
		return "Order statuses"
	case "rbsTarget":
		return "Gateway"
	}
	return kind
}

// statusClass is the CSS class of an item status badge.
func statusClass(s Status) string {
	switch s {
	case StatusPass:
		return "pass"
	case StatusFail:
		return "fail"
	case StatusNotCovered:
		return "nc"
	case StatusRehearsed:
		return "rehearsed"
	}
	return "manual"
}

// scenarioClass is the CSS class of a scenario status badge.
func scenarioClass(status string) string {
	switch status {
	case ScenarioPassed:
		return "pass"
	case ScenarioSkipped:
		return "manual"
	}
	return "fail"
}

// verdictLine explains the verdict in a sentence.
func (r *Report) verdictLine() string {
	var parts []string
	switch r.Verdict {
	case VerdictGo:
		return "Every must-pass item passed against " + r.Provenance.Target + ", with the whole suite."
	case VerdictRehearsalPass:
		if r.ProbeReference && !r.Provenance.TargetIsMock {
			return "Rehearsal: no must-pass item failed or went uncovered, but the probe checked gatecheck's reference merchant, not yours. Run the sign-off with your --merchant-callback-url and --merchant-webhook-url."
		}
		return "Rehearsal on gatecheck's mock: no must-pass item failed or went uncovered. It is not go-live evidence: run the sign-off against the provider's sandbox."
	}
	if len(r.Summary.Blocking) > 0 {
		parts = append(parts, "Must-pass items failed or not covered: "+strings.Join(r.Summary.Blocking, ", ")+".")
	}
	if n := r.filteredByUser(); n > 0 {
		parts = append(parts, fmt.Sprintf("The tag filter %s left %d %s out: a filtered run is not go-live evidence.",
			r.Provenance.TagFilter, n, plural(n, "scenario", "scenarios")))
	}
	if r.Rehearsal() {
		parts = append(parts, "This is a rehearsal on gatecheck's mock, not go-live evidence.")
	} else if r.ProbeReference {
		parts = append(parts, "The probe checked gatecheck's reference merchant, not yours: a rehearsal.")
	}
	return strings.Join(parts, " ")
}

// targetNote warns when the evidence comes from the mock.
func (r *Report) targetNote() string {
	if r.Provenance.TargetIsMock {
		return "This run used gatecheck's embedded mock of the provider, not the provider's sandbox: it shows the integration logic, not the provider's answers. Run the sign-off against the sandbox for go-live evidence."
	}
	return ""
}

// warnings lists what a reader should know beyond the checklist.
func (r *Report) warnings(forHTML bool) []string {
	var w []string
	// On the mock the verdict line says it is a rehearsal; the longer
	// note is for the Markdown, which has no verdict box.
	if note := r.targetNote(); note != "" && !forHTML {
		w = append(w, note)
	}
	for _, it := range r.Items {
		if !it.MustPass && it.Status == StatusFail {
			w = append(w, fmt.Sprintf("%s failed; it is not must-pass, so it does not block the verdict.", it.ID))
		}
	}
	failing := 0
	for i := range r.Scenarios {
		if r.Scenarios[i].Failing() {
			failing++
		}
	}
	if failing > 0 {
		w = append(w, fmt.Sprintf("%d %s did not pass (see Scenarios).", failing, plural(failing, "scenario", "scenarios")))
	}
	if r.Load == nil && r.LoadError != "" {
		w = append(w, "No load result: "+r.LoadError)
	} else if r.Load != nil && r.Load.Failures > 0 {
		w = append(w, fmt.Sprintf("%d of %d load iterations failed (%.2f%%).", r.Load.Failures, r.Load.Iterations, r.Load.FailureRate*100))
	}
	return w
}

// scenarioStates lists the scenario counts by status, e.g. "3 failed".
func (r *Report) scenarioStates() []string {
	states := make([]string, 0, len(r.Summary.ScenarioByStatus))
	for s, n := range r.Summary.ScenarioByStatus {
		states = append(states, fmt.Sprintf("%d %s", n, s))
	}
	sort.Strings(states)
	return states
}
