package reports

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/probe"
)

// fingerprint is what a key fingerprint looks like ("sha256:1a2b3c4d").
// Anything else is withheld from the report, in case a key was passed by
// mistake.
var fingerprint = regexp.MustCompile(`^[a-z0-9-]{2,16}:[0-9a-f]{4,64}$`)

// Build evaluates a run: every checklist item against the scenarios, the
// card and error-group coverage, the load summary. Every string taken from
// the run is masked with craftgate.MaskPANs. A nil run gives an empty,
// NO-GO report.
func Build(run *Run) *Report {
	if run == nil {
		run = &Run{}
	}
	mask := craftgate.MaskPANs
	r := &Report{Schema: Schema, LoadError: mask(run.LoadError), Probe: run.Probe, ProbeError: mask(run.ProbeError),
		ProbeReference: run.ProbeReference}
	r.Provenance = Provenance{Provider: mask(run.Provider), Target: mask(run.Target), TargetIsMock: run.TargetIsMock,
		Version: mask(run.Version), Commit: mask(run.Commit), LoadEngine: mask(run.LoadEngine),
		TagFilter: mask(run.TagFilter), Filter: mask(run.Filter), CatalogueVersion: mask(run.CatalogueVersion),
		LeftOut: []LeftOut{}, Started: run.Started, Finished: run.Finished}
	for _, lo := range run.LeftOut {
		r.Provenance.LeftOut = append(r.Provenance.LeftOut, LeftOut{Filter: mask(lo.Filter), Reason: mask(lo.Reason), Scenarios: lo.Scenarios, User: lo.User})
	}
	if !run.Started.IsZero() && run.Finished.After(run.Started) {
		r.Provenance.DurationSeconds = round(run.Finished.Sub(run.Started).Seconds(), 3)
	}
	if fp := strings.TrimSpace(run.KeyFingerprint); fp != "" {
		if fingerprint.MatchString(fp) {
			r.Provenance.KeyFingerprint = fp
		} else {
			r.Provenance.KeyFingerprint = "(withheld: not a fingerprint)"
		}
	}

	ix := newCardIndex()
	r.Scenarios = make([]Scenario, len(run.Scenarios))
	for i, sc := range run.Scenarios {
		m := Scenario{Feature: mask(sc.Feature), Name: mask(sc.Name), Status: strings.ToLower(strings.TrimSpace(sc.Status)),
			Duration: sc.Duration, Failure: mask(sc.Failure)}
		for _, t := range sc.Tags {
			t = mask(strings.TrimSpace(t))
			if t != "" && !strings.HasPrefix(t, "@") {
				t = "@" + t
			}
			m.Tags = append(m.Tags, t)
		}
		for _, e := range sc.Evidence {
			m.Evidence = append(m.Evidence, Evidence{Kind: mask(e.Kind), Value: mask(e.Value), Step: mask(e.Step)})
		}
		m.Evidence = ix.effectiveEvidence(&m)
		r.Scenarios[i] = m
	}

	ev := newEvaluator(r.Scenarios)
	ev.mock, ev.probe, ev.probeReference = run.TargetIsMock, run.Probe, run.ProbeReference
	for _, it := range ChecklistFor(run.Provider) {
		r.Items = append(r.Items, ev.item(it))
	}
	r.Cards = ix.cardCoverage(r.Scenarios)
	var loadGroups map[string]int
	if run.Load != nil {
		loadGroups = run.Load.ErrorGroups
	}
	r.ErrorGroups = groupDistribution(r.Scenarios, loadGroups)
	r.Load = summarizeLoad(run.Load)
	if r.Load == nil && r.LoadError == "" {
		r.LoadError = "the load stage did not run"
	}
	r.Summary = summarize(r)
	r.Verdict = r.verdict()
	return r
}

// verdict decides the verdict word from the must-pass items, the tag
// filter and the target: a must-pass FAIL is NO-GO; a must-pass item not
// covered, or a user's tag filter that left scenarios out, is INCOMPLETE;
// otherwise GO; and each is a REHEARSAL on gatecheck's mock.
func (r *Report) verdict() string {
	failed, incomplete := false, r.filteredByUser() > 0
	for i := range r.Items {
		it := &r.Items[i]
		if !it.MustPass {
			continue
		}
		switch it.Status {
		case StatusFail:
			failed = true
		case StatusNotCovered:
			incomplete = true
		}
	}
	rehearsal := r.Provenance.TargetIsMock || r.ProbeReference
	switch {
	case failed && rehearsal:
		return VerdictRehearsalFail
	case failed:
		return VerdictNoGo
	case incomplete && rehearsal:
		return VerdictRehearsalIncomplete
	case incomplete:
		return VerdictIncomplete
	case rehearsal:
		return VerdictRehearsalPass
	}
	return VerdictGo
}

// filteredByUser is how many scenarios the user's tag filter left out.
func (r *Report) filteredByUser() int {
	n := 0
	for _, lo := range r.Provenance.LeftOut {
		if lo.User {
			n += lo.Scenarios
		}
	}
	return n
}

// evaluator matches rules against scenarios, compiling each name pattern
// once.
type evaluator struct {
	scenarios []Scenario
	names     map[string]*regexp.Regexp
	// mock is true on gatecheck's mock: sandbox-only items are REHEARSED
	// at best.
	mock bool
	// probe is the probe of the merchant's endpoints, or nil;
	// probeReference is true when it probed gatecheck's reference
	// merchant instead.
	probe          *probe.Report
	probeReference bool
}

func newEvaluator(sc []Scenario) *evaluator {
	return &evaluator{scenarios: sc, names: map[string]*regexp.Regexp{}}
}

// matches reports whether sc is selected by rule. A rule whose name
// pattern does not compile selects nothing (the checklist test keeps them
// valid).
func (e *evaluator) matches(rule Rule, sc *Scenario) bool {
	if !load.MatchTags(rule.Tags, sc.Tags) {
		return false
	}
	if rule.Name != "" {
		if re := e.re(rule.Name); re == nil || !re.MatchString(sc.Name) {
			return false
		}
	}
	if rule.NotName != "" {
		if re := e.re(rule.NotName); re == nil || re.MatchString(sc.Name) {
			return false
		}
	}
	return true
}

// re compiles a name pattern once; nil when it does not compile.
func (e *evaluator) re(pattern string) *regexp.Regexp {
	re, ok := e.names[pattern]
	if !ok {
		re, _ = regexp.Compile(pattern)
		e.names[pattern] = re
	}
	return re
}

// anyScenario reports whether the run holds a scenario (of any status)
// matching the tag filter.
func (e *evaluator) anyScenario(tags string) bool {
	return slices.ContainsFunc(e.scenarios, func(sc Scenario) bool { return load.MatchTags(tags, sc.Tags) })
}

// item evaluates one checklist item.
func (e *evaluator) item(it Item) ItemResult {
	res := ItemResult{ID: it.ID, Phase: it.Phase, Title: it.Title, Guidance: it.Guidance, Checks: it.Checks,
		Manual: it.Manual, Automatable: it.Automatable(), MustPassIf: it.MustPassIf}
	res.MustPass = it.MustPass && (it.MustPassIf == "" || e.anyScenario(it.MustPassIf))
	rules := it.Rules
	if len(rules) == 0 {
		rules = it.Related
	}
	if len(rules) > 0 {
		res.Requirements = make([]Requirement, len(rules))
	}
	evidence := newEvidenceCollector()
	for i := range e.scenarios {
		sc := &e.scenarios[i]
		if sc.Status == ScenarioSkipped {
			continue
		}
		matched := false
		for j, rule := range rules {
			if !e.matches(rule, sc) {
				continue
			}
			matched = true
			switch {
			case sc.Passed():
				res.Requirements[j].Passed++
			case sc.Failing():
				res.Requirements[j].Failing++
			}
		}
		if !matched {
			continue
		}
		ref := ScenarioRef{Feature: sc.Feature, Name: sc.Name, Status: sc.Status}
		switch {
		case sc.Passed():
			res.Passed = append(res.Passed, ref)
			evidence.add(sc.Evidence)
		case sc.Failing():
			ref.Failure = sc.Failure
			res.Failing = append(res.Failing, ref)
		}
	}
	for j, rule := range rules {
		res.Requirements[j].Rule = rule
	}
	res.Evidence = evidence.sets()

	uncovered := slices.ContainsFunc(res.Requirements, func(q Requirement) bool { return !q.Optional && !q.Covered() })
	switch {
	case it.Probe != "":
		res.Probed = true
		res.Status, res.Note, res.Evidence = probeStatus(e.probe, it.Probe)
		if e.probeReference && res.Status == StatusPass {
			res.Status = StatusRehearsed
			res.Note = strings.Replace(res.Note, "Your ", "gatecheck's reference merchant (not yours): its ", 1)
			res.HowTo = it.HowTo
		}
		if res.Status == StatusNotCovered {
			res.HowTo = it.HowTo
		}
	case !res.Automatable:
		res.Status = StatusManual
		res.Note = "Only a person can confirm this item."
	case len(res.Failing) > 0:
		res.Status = StatusFail
		res.Note = fmt.Sprintf("%d of %d matching scenarios did not pass.", len(res.Failing), len(res.Failing)+len(res.Passed))
	case uncovered:
		res.Status = StatusNotCovered
		var labels []string
		for _, q := range res.Requirements {
			if !q.Optional && !q.Covered() {
				labels = append(labels, q.Label)
			}
		}
		res.Note = "No passed scenario for: " + strings.Join(labels, "; ") + "."
	default:
		res.Status = StatusPass
		res.Note = fmt.Sprintf("%d matching %s passed.", len(res.Passed), plural(len(res.Passed), "scenario", "scenarios"))
	}
	if it.MustPass && !res.MustPass {
		res.Note += fmt.Sprintf(" Must pass once the suite has scenarios matching %s.", it.MustPassIf)
	}
	res.SandboxOnly = it.SandboxOnly
	if e.mock && it.SandboxOnly && res.Status == StatusPass {
		res.Status = StatusRehearsed
		res.Note += " Rehearsed on the mock; only the sandbox proves it."
	}
	return res
}

// probeStatus decides an item about the merchant's own endpoint from the
// probe: PASS only when the merchant accepted every genuine call and
// refused every forged one; FAIL when it accepted a forged call; NOT
// COVERED when the endpoint was not probed or an answer settles nothing.
func probeStatus(rep *probe.Report, endpoint string) (Status, string, []EvidenceSet) {
	var results []probe.Result
	if rep != nil {
		for _, res := range rep.Results {
			if res.Endpoint == endpoint {
				results = append(results, res)
			}
		}
	}
	what := map[string]string{probe.EndpointCallback: "3-D Secure callback URL", probe.EndpointWebhook: "webhook URL"}[endpoint]
	if len(results) == 0 {
		return StatusNotCovered, "Your " + what + " was not probed, so nothing shows that it verifies what it receives.", nil
	}
	var accepted, refused, forgedOK, unsettled []string
	for _, res := range results {
		got := fmt.Sprintf("%s → %s", res.Case, probeAnswer(res))
		switch {
		case res.Forged && res.Verdict == probe.Fail:
			forgedOK = append(forgedOK, got)
		case res.Forged && res.Verdict == probe.Pass:
			refused = append(refused, got)
		case res.Expect == probe.ExpectAccept && res.Verdict == probe.Pass:
			accepted = append(accepted, got)
		case res.Forged || res.Expect == probe.ExpectAccept:
			unsettled = append(unsettled, got)
		}
	}
	var ev []EvidenceSet
	for _, set := range []struct {
		kind string
		vals []string
	}{{EvidenceForgedAccepted, forgedOK}, {EvidenceForgedRefused, refused}, {EvidenceGenuineAccepted, accepted}, {EvidenceUnsettled, unsettled}} {
		if len(set.vals) > 0 {
			ev = append(ev, EvidenceSet{Kind: set.kind, Values: set.vals})
		}
	}
	switch {
	case len(forgedOK) > 0:
		return StatusFail, fmt.Sprintf("Your %s accepted %d forged %s: it does not verify what it receives.",
			what, len(forgedOK), plural(len(forgedOK), "call", "calls")), ev
	case len(unsettled) > 0 || len(accepted) == 0 || len(refused) == 0:
		return StatusNotCovered, fmt.Sprintf("The probe of your %s settles nothing for %d %s (a genuine call refused, a redirect, a server error or no answer); see the probe's notes.",
			what, len(unsettled), plural(len(unsettled), "case", "cases")), ev
	}
	return StatusPass, fmt.Sprintf("Your %s accepted %d genuine %s and refused all %d forged ones.",
		what, len(accepted), plural(len(accepted), "call", "calls"), len(refused)), ev
}

// probeAnswer is a probe result's answer in a few characters.
func probeAnswer(res probe.Result) string {
	if res.Err != "" || res.HTTPStatus == 0 {
		return "no answer"
	}
	return fmt.Sprint(res.HTTPStatus)
}

// exercised reports whether every required rule of an automatable item
// matched a scenario that ran.
func (it *ItemResult) exercised() bool {
	if !it.Automatable {
		return false
	}
	if it.Probed {
		return len(it.Evidence) > 0
	}
	for _, q := range it.Requirements {
		if !q.Optional && q.Passed+q.Failing == 0 {
			return false
		}
	}
	return true
}

// summarize computes the headline figures.
func summarize(r *Report) Summary {
	s := Summary{Items: len(r.Items), Scenarios: len(r.Scenarios), ScenarioByStatus: map[string]int{}}
	for i := range r.Items {
		it := &r.Items[i]
		if it.Automatable {
			s.Automatable++
		}
		if it.exercised() {
			s.Exercised++
		}
		switch it.Status {
		case StatusPass:
			s.Pass++
		case StatusFail:
			s.Fail++
		case StatusNotCovered:
			s.NotCovered++
		case StatusManual:
			s.Manual++
		case StatusRehearsed:
			s.Rehearsed++
		}
		if it.MustPass && (it.Status == StatusFail || it.Status == StatusNotCovered) {
			s.Blocking = append(s.Blocking, it.ID)
		}
	}
	if s.Automatable > 0 {
		s.Score = round(float64(s.Pass)/float64(s.Automatable), 4)
	}
	if s.Items > 0 {
		s.Coverage = round(float64(s.Exercised)/float64(s.Items), 4)
	}
	for _, sc := range r.Scenarios {
		s.ScenarioByStatus[sc.Status]++
	}
	return s
}

// evidenceOrder is the order evidence kinds are shown in.
var evidenceOrder = []string{EvidencePayment, EvidenceRefund, EvidenceCard, EvidenceErrorGroup, EvidenceSignature,
	EvidenceCallback, EvidenceWebhook, EvidenceToken, EvidenceMember, EvidenceWallet, EvidenceRemittance}

// evidenceCollector gathers distinct evidence values by kind, in order of
// appearance.
type evidenceCollector struct {
	values map[string][]string
	seen   map[string]bool
}

func newEvidenceCollector() *evidenceCollector {
	return &evidenceCollector{values: map[string][]string{}, seen: map[string]bool{}}
}

func (c *evidenceCollector) add(ev []Evidence) {
	for _, e := range ev {
		if e.Value == "" {
			continue
		}
		k := e.Kind + "\x00" + e.Value
		if c.seen[k] {
			continue
		}
		c.seen[k] = true
		c.values[e.Kind] = append(c.values[e.Kind], e.Value)
	}
}

func (c *evidenceCollector) sets() []EvidenceSet {
	var out []EvidenceSet
	for _, k := range evidenceOrder {
		if v := c.values[k]; len(v) > 0 {
			out = append(out, EvidenceSet{Kind: k, Values: v})
		}
	}
	var other []string
	for k := range c.values {
		if !slices.Contains(evidenceOrder, k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	for _, k := range other {
		out = append(out, EvidenceSet{Kind: k, Values: c.values[k]})
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
