package load

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/steps"
)

// Scenario is one runnable scenario (an outline row counts as one),
// compiled once: every step already bound to its definition, so an
// iteration does no parsing and no regular-expression matching.
type Scenario struct {
	Name string
	URI  string
	Tags []string
	// Steps are the bound steps, Background first.
	Steps []Step
}

// Step is one bound step.
type Step struct {
	Text  string
	Bound steps.Bound
	// Check is true for an outcome step (Then, and the And and But steps
	// after it): its pass or failure is a sample of the checks metric.
	Check bool
}

// Plan is the compiled suite.
type Plan struct {
	Scenarios []*Scenario
}

// Compile parses the feature files once and binds every step to the one
// step library (package steps), exactly as the godog runner does. An
// undefined or ambiguous step is an error.
func Compile(fsys fs.FS) (*Plan, error) {
	pickles, err := features.Pickles(fsys)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	m, err := steps.NewMatcher(steps.Definitions())
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	p := &Plan{}
	for _, pk := range pickles {
		sc := &Scenario{Name: pk.Name, URI: pk.Uri}
		for _, t := range pk.Tags {
			sc.Tags = append(sc.Tags, t.Name)
		}
		for _, st := range pk.Steps {
			b, err := m.Match(st.Text)
			if err != nil {
				return nil, fmt.Errorf("load: %s: %q: %w", pk.Uri, st.Text, err)
			}
			sc.Steps = append(sc.Steps, Step{Text: st.Text, Bound: b, Check: st.Type == messages.PickleStepType_OUTCOME})
		}
		p.Scenarios = append(p.Scenarios, sc)
	}
	return p, nil
}

// Select returns the scenarios whose tags match filter (see MatchTags), in
// plan order.
func (p *Plan) Select(filter string) []*Scenario {
	var out []*Scenario
	for _, sc := range p.Scenarios {
		if MatchTags(filter, sc.Tags) {
			out = append(out, sc)
		}
	}
	return out
}

// MatchTags reports whether tags satisfy filter, with the same (behat)
// syntax the godog runner uses, so one filter selects the same scenarios in
// conformance and load runs: "&&" separates groups that must all hold, ","
// separates alternatives within a group, "~" negates a tag. An empty filter
// matches everything.
func MatchTags(filter string, tags []string) bool {
	if strings.TrimSpace(filter) == "" {
		return true
	}
	has := func(t string) bool {
		t = strings.TrimPrefix(t, "@")
		return slices.ContainsFunc(tags, func(x string) bool { return strings.TrimPrefix(x, "@") == t })
	}
	for _, group := range strings.Split(filter, "&&") {
		ok := false
		for _, alt := range strings.Split(group, ",") {
			alt = strings.TrimSpace(alt)
			if neg, found := strings.CutPrefix(alt, "~"); found {
				ok = ok || !has(neg)
			} else {
				ok = ok || has(alt)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// MixEntry gives a weight to the scenarios a tag filter selects.
type MixEntry struct {
	Weight int
	Filter string
}

// ParseMix reads a mix such as "70:@non3ds && ~@error-card; 20:@error-card; 10:@refund":
// entries separated by ';', each "weight:filter".
func ParseMix(s string) ([]MixEntry, error) {
	var mix []MixEntry
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		w, f, ok := strings.Cut(part, ":")
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if !ok || err != nil || n <= 0 {
			return nil, fmt.Errorf("load: mix entry %q: want weight:filter with a positive weight", part)
		}
		mix = append(mix, MixEntry{Weight: n, Filter: strings.TrimSpace(f)})
	}
	if len(mix) == 0 {
		return nil, fmt.Errorf("load: empty mix %q", s)
	}
	return mix, nil
}

// DefaultExclude leaves out the scenarios that cannot share a target with
// concurrent iterations: they move the mock's clock or change the
// merchant's settings for everyone.
const DefaultExclude = "~@clock && ~@serial"

// picker chooses scenarios by weight. Entries' scenarios share their
// entry's weight equally.
type picker struct {
	scenarios []*Scenario
	cum       []float64 // cumulative weights
}

func newPicker(p *Plan, mix []MixEntry) (*picker, error) {
	if len(mix) == 0 {
		mix = []MixEntry{{Weight: 1, Filter: ""}}
	}
	pk := &picker{}
	total := 0.0
	for _, e := range mix {
		sel := p.Select(AndFilters(e.Filter, DefaultExclude))
		if len(sel) == 0 {
			return nil, fmt.Errorf("load: mix filter %q selects no scenario", e.Filter)
		}
		each := float64(e.Weight) / float64(len(sel))
		for _, sc := range sel {
			total += each
			pk.scenarios = append(pk.scenarios, sc)
			pk.cum = append(pk.cum, total)
		}
	}
	return pk, nil
}

// any reports whether any scenario the picker can choose has tag.
func (pk *picker) any(tag string) bool {
	for _, sc := range pk.scenarios {
		if MatchTags(tag, sc.Tags) {
			return true
		}
	}
	return false
}

// pick maps u in [0,1) to a scenario.
func (pk *picker) pick(u float64) *Scenario {
	x := u * pk.cum[len(pk.cum)-1]
	i, _ := slices.BinarySearch(pk.cum, x)
	if i >= len(pk.scenarios) {
		i = len(pk.scenarios) - 1
	}
	// BinarySearch finds the first cum >= x; equal means the boundary
	// belongs to the next entry.
	if pk.cum[i] == x && i+1 < len(pk.scenarios) {
		i++
	}
	return pk.scenarios[i]
}

// AndFilters joins two tag filters so both must hold. The (behat) filter
// syntax has no parentheses, but "&&" is its outermost operator, so
// appending one more AND group is always correct.
func AndFilters(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " && " + b
}
