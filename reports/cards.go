package reports

import (
	"regexp"
	"slices"
	"sort"

	"github.com/gatecheck/gatecheck/craftgate"
)

// CardCoverage is how much of the sandbox test-card catalogue the passed
// scenarios exercised, by flow step and by error group. Cards are named
// only masked (first six and last four digits); every masked number in the
// catalogue is unique, so the masked form identifies a card.
type CardCoverage struct {
	// SuccessfulTotal is the number of catalogue cards that succeed at
	// every step; SuccessfulUsed lists those the scenarios used.
	SuccessfulTotal int      `json:"successfulTotal"`
	SuccessfulUsed  []string `json:"successfulUsed,omitempty"`
	// ErrorTotal is the number of catalogue cards that fail at some step.
	ErrorTotal int `json:"errorTotal"`
	// Steps has one entry per craftgate.Step, in flow order.
	Steps []StepCoverage `json:"steps"`
	// Groups has one entry per error group that some catalogue card fails
	// with, sorted by name.
	Groups []GroupCoverage `json:"groups"`
	// Unknown lists card numbers in the evidence that are not in the
	// catalogue (masked).
	Unknown []string `json:"unknown,omitempty"`
}

// StepCoverage is the coverage of one flow step.
type StepCoverage struct {
	Step string `json:"step"`
	// Failing is the number of catalogue cards that fail at this step.
	Failing int `json:"failing"`
	// Exercised lists the cards failing at this step that a passed
	// scenario took through it; Missing lists the others.
	Exercised []string `json:"exercised,omitempty"`
	Missing   []string `json:"missing,omitempty"`
	// Successful is the number of successful catalogue cards taken through
	// this step.
	Successful int `json:"successful"`
}

// GroupCoverage is the coverage of one error group by the error cards.
type GroupCoverage struct {
	Group string `json:"group"`
	Label string `json:"label,omitempty"`
	// Cards is the number of catalogue cards failing with the group;
	// Exercised how many of them a passed scenario took to the failing step.
	Cards     int `json:"cards"`
	Exercised int `json:"exercised"`
}

// maskedPAN finds masked card numbers, e.g. in scenario names.
var maskedPAN = regexp.MustCompile(`\b\d{6}\*{2,9}\d{4}\b`)

// cardIndex maps masked numbers to catalogue cards.
type cardIndex struct {
	cat      *craftgate.Catalogue
	byMasked map[string]*craftgate.TestCard
}

func newCardIndex() *cardIndex {
	cat := craftgate.TestCards()
	ix := &cardIndex{cat: cat, byMasked: map[string]*craftgate.TestCard{}}
	for _, list := range [][]*craftgate.TestCard{cat.Successful(), cat.ErrorCards(), cat.MultiCurrency(), cat.RewardCards()} {
		for _, tc := range list {
			ix.byMasked[tc.Masked()] = tc
		}
	}
	return ix
}

// lookup returns the catalogue card a masked (or full) number names.
func (ix *cardIndex) lookup(v string) *craftgate.TestCard {
	return ix.byMasked[craftgate.MaskPANs(v)]
}

// flowSteps are the steps a scenario's tags say it goes through, in order.
func flowSteps(tags []string) []craftgate.Step {
	has := func(t ...string) bool {
		return slices.ContainsFunc(tags, func(x string) bool { return slices.Contains(t, x) })
	}
	var seq []craftgate.Step
	switch {
	case has("@3ds"):
		seq = []craftgate.Step{craftgate.StepThreeDSInit, craftgate.StepThreeDSVerify, craftgate.StepThreeDSComplete}
	case has("@preauth", "@pre-auth", "@postauth", "@post-auth"):
		seq = []craftgate.Step{craftgate.StepPreAuth, craftgate.StepPostAuth}
	case has("@non3ds", "@refund", "@cancel"):
		seq = []craftgate.Step{craftgate.StepNon3DSPayment}
	default:
		return nil
	}
	if has("@refund", "@cancel") {
		seq = append(seq, craftgate.StepCancelRefund)
	}
	return seq
}

// cardSteps are the steps card went through in a scenario with these tags:
// the flow's steps up to and including the first one the card fails at.
func cardSteps(tags []string, tc *craftgate.TestCard) []craftgate.Step {
	seq := flowSteps(tags)
	if tc == nil {
		return seq
	}
	for i, st := range seq {
		if _, fails := tc.FailureAt(st); fails {
			return seq[:i+1]
		}
	}
	return seq
}

// effectiveEvidence completes a (masked) scenario's evidence: card numbers
// named in the scenario name become card evidence, and when the scenario
// names no error group, the groups its catalogue cards fail with at the
// steps they went through become errorGroup evidence.
func (ix *cardIndex) effectiveEvidence(sc *Scenario) []Evidence {
	ev := slices.Clone(sc.Evidence)
	hasCard := map[string]bool{}
	hasGroup := false
	for _, e := range ev {
		switch e.Kind {
		case EvidenceCard:
			hasCard[e.Value] = true
		case EvidenceErrorGroup:
			hasGroup = true
		}
	}
	for _, m := range maskedPAN.FindAllString(sc.Name, -1) {
		if !hasCard[m] {
			hasCard[m] = true
			ev = append(ev, Evidence{Kind: EvidenceCard, Value: m})
		}
	}
	if hasGroup {
		return ev
	}
	seen := map[string]bool{}
	for _, e := range slices.Clone(ev) {
		if e.Kind != EvidenceCard {
			continue
		}
		tc := ix.lookup(e.Value)
		if tc == nil {
			continue
		}
		for _, st := range stepsOf(e, sc.Tags, tc) {
			if f, fails := tc.FailureAt(st); fails && f.Group != "" && !seen[f.Group] {
				seen[f.Group] = true
				ev = append(ev, Evidence{Kind: EvidenceErrorGroup, Value: f.Group, Step: string(st)})
			}
		}
	}
	return ev
}

// stepsOf is the steps a card evidence covers: its explicit Step, or the
// steps inferred from the scenario's tags.
func stepsOf(e Evidence, tags []string, tc *craftgate.TestCard) []craftgate.Step {
	if e.Step != "" {
		return []craftgate.Step{craftgate.Step(e.Step)}
	}
	return cardSteps(tags, tc)
}

// cardCoverage computes the catalogue coverage of the passed scenarios
// (evidence already completed by effectiveEvidence).
func (ix *cardIndex) cardCoverage(scenarios []Scenario) CardCoverage {
	used := map[string]bool{}
	unknown := map[string]bool{}
	at := map[craftgate.Step]map[string]bool{}
	for _, st := range craftgate.Steps {
		at[st] = map[string]bool{}
	}
	for i := range scenarios {
		sc := &scenarios[i]
		if !sc.Passed() {
			continue
		}
		for _, e := range sc.Evidence {
			if e.Kind != EvidenceCard {
				continue
			}
			tc := ix.lookup(e.Value)
			if tc == nil {
				unknown[craftgate.MaskPANs(e.Value)] = true
				continue
			}
			m := tc.Masked()
			used[m] = true
			for _, st := range stepsOf(e, sc.Tags, tc) {
				if at[st] != nil {
					at[st][m] = true
				}
			}
		}
	}
	cc := CardCoverage{SuccessfulTotal: len(ix.cat.Successful()), ErrorTotal: len(ix.cat.ErrorCards())}
	for _, tc := range ix.cat.Successful() {
		if used[tc.Masked()] {
			cc.SuccessfulUsed = append(cc.SuccessfulUsed, tc.Masked())
		}
	}
	for _, st := range craftgate.Steps {
		sv := StepCoverage{Step: string(st)}
		for _, tc := range ix.cat.FailingAt(st) {
			sv.Failing++
			if at[st][tc.Masked()] {
				sv.Exercised = append(sv.Exercised, tc.Masked())
			} else {
				sv.Missing = append(sv.Missing, tc.Masked())
			}
		}
		for m := range at[st] {
			if tc := ix.byMasked[m]; tc != nil && tc.Successful {
				sv.Successful++
			}
		}
		cc.Steps = append(cc.Steps, sv)
	}
	groups := map[string]*GroupCoverage{}
	for _, tc := range ix.cat.ErrorCards() {
		counted, hit := map[string]bool{}, map[string]bool{}
		for _, f := range tc.Failures {
			if f.Group == "" {
				continue
			}
			g := groups[f.Group]
			if g == nil {
				g = &GroupCoverage{Group: f.Group}
				if eg, ok := ix.cat.Group(f.Group); ok {
					g.Label = eg.Label
				}
				groups[f.Group] = g
			}
			if !counted[f.Group] {
				counted[f.Group] = true
				g.Cards++
			}
			if at[f.Step][tc.Masked()] && !hit[f.Group] {
				hit[f.Group] = true
				g.Exercised++
			}
		}
	}
	for _, g := range groups {
		cc.Groups = append(cc.Groups, *g)
	}
	sort.Slice(cc.Groups, func(i, j int) bool { return cc.Groups[i].Group < cc.Groups[j].Group })
	cc.Unknown = sortedKeys(unknown)
	return cc
}

// groupDistribution counts, per error group, the passed scenarios that
// showed it and the load answers that carried it.
func groupDistribution(scenarios []Scenario, loadGroups map[string]int) []GroupCount {
	counts := map[string]*GroupCount{}
	get := func(g string) *GroupCount {
		c := counts[g]
		if c == nil {
			c = &GroupCount{Group: g}
			counts[g] = c
		}
		return c
	}
	for i := range scenarios {
		sc := &scenarios[i]
		if !sc.Passed() {
			continue
		}
		seen := map[string]bool{}
		for _, e := range sc.Evidence {
			if e.Kind == EvidenceErrorGroup && e.Value != "" && !seen[e.Value] {
				seen[e.Value] = true
				get(e.Value).Scenarios++
			}
		}
	}
	for g, n := range loadGroups {
		get(craftgate.MaskPANs(g)).Load += n
	}
	out := make([]GroupCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
