package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// StepFunc is the one Go signature of every step: the scenario's World and
// the sentence's captured arguments, in order, as written in the feature.
type StepFunc func(ctx context.Context, w *World, args []string) error

// Definition binds a sentence to its meaning.
type Definition struct {
	// Pattern is an anchored regular expression; each capturing group is
	// one argument of Fn.
	Pattern string
	// Fn runs the step.
	Fn StepFunc
}

// method adapts a World method without arguments.
func method(f func(*World, context.Context) error) StepFunc {
	return func(ctx context.Context, w *World, _ []string) error { return f(w, ctx) }
}

// Definitions returns every step definition, a fresh slice each call.
func Definitions() []Definition {
	var defs []Definition
	defs = append(defs, paymentDefinitions()...)
	defs = append(defs, refundDefinitions()...)
	defs = append(defs, securityDefinitions()...)
	defs = append(defs, robustnessDefinitions()...)
	defs = append(defs, threeDSDefinitions()...)
	defs = append(defs, checkoutDefinitions()...)
	defs = append(defs, walletMethodDefinitions()...)
	defs = append(defs, moreMethodDefinitions()...)
	defs = append(defs, webhookDefinitions()...)
	defs = append(defs, faultDefinitions()...)
	defs = append(defs, preAuthDefinitions()...)
	defs = append(defs, linkDefinitions()...)
	defs = append(defs, loyaltyDefinitions()...)
	defs = append(defs, fraudDefinitions()...)
	defs = append(defs, apmDefinitions()...)
	defs = append(defs, bnplDefinitions()...)
	defs = append(defs, storedCardDefinitions()...)
	defs = append(defs, installmentDefinitions()...)
	defs = append(defs, rbsDefinitions()...)
	defs = append(defs, walletDefinitions()...)
	defs = append(defs, marketplaceDefinitions()...)
	return defs
}

// Bound is a definition matched to a step's text, with its arguments.
type Bound struct {
	Definition
	Args []string
}

// Run runs the bound step on w.
func (b Bound) Run(ctx context.Context, w *World) error { return b.Fn(ctx, w, b.Args) }

// ErrUndefined is returned by Matcher.Match for a sentence no definition
// matches.
var ErrUndefined = errors.New("steps: undefined step")

// ErrAmbiguous is returned by Matcher.Match for a sentence more than one
// definition matches.
var ErrAmbiguous = errors.New("steps: ambiguous step")

// Matcher matches step texts to definitions. It is what a runner other than
// godog (the k6 plan compiler) uses; it is safe for concurrent use.
type Matcher struct {
	defs []Definition
	res  []*regexp.Regexp
}

// NewMatcher compiles defs.
func NewMatcher(defs []Definition) (*Matcher, error) {
	m := &Matcher{defs: defs, res: make([]*regexp.Regexp, len(defs))}
	for i, d := range defs {
		re, err := regexp.Compile(d.Pattern)
		if err != nil {
			return nil, fmt.Errorf("steps: pattern %q: %w", d.Pattern, err)
		}
		if !strings.HasPrefix(d.Pattern, "^") || !strings.HasSuffix(d.Pattern, "$") {
			return nil, fmt.Errorf("steps: pattern %q is not anchored with ^...$", d.Pattern)
		}
		m.res[i] = re
	}
	return m, nil
}

// Match returns the one definition matching text (a step's text without its
// Given/When/Then keyword).
func (m *Matcher) Match(text string) (Bound, error) {
	var found []Bound
	for i, re := range m.res {
		if sub := re.FindStringSubmatch(text); sub != nil {
			found = append(found, Bound{Definition: m.defs[i], Args: sub[1:]})
		}
	}
	switch len(found) {
	case 0:
		return Bound{}, fmt.Errorf("%w: %q", ErrUndefined, text)
	case 1:
		return found[0], nil
	}
	pats := make([]string, len(found))
	for i, b := range found {
		pats[i] = b.Pattern
	}
	return Bound{}, fmt.Errorf("%w: %q matches %s", ErrAmbiguous, text, strings.Join(pats, " and "))
}
