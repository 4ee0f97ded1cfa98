package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Step is what a definition runs: a World method, or a function of the
// World, with one string parameter per capturing group of the sentence.
// The adapters step0 to step5 make one from a method expression such as
// step2((*World).refundItem); TestStepArity checks that every pattern has
// as many capturing groups as its step has parameters.
type Step interface {
	// Arity is the number of captured arguments the step takes.
	Arity() int
	// Run runs the step with the sentence's captured arguments, in order.
	Run(ctx context.Context, w *World, args []string) error
}

// Definition binds a sentence to its meaning.
type Definition struct {
	// Pattern is an anchored regular expression; each capturing group is
	// one argument of Fn.
	Pattern string
	// Fn runs the step.
	Fn Step
}

// The typed step adapters, by number of captured arguments.
type (
	step0 func(*World, context.Context) error
	step1 func(*World, context.Context, string) error
	step2 func(*World, context.Context, string, string) error
	step3 func(*World, context.Context, string, string, string) error
	step4 func(*World, context.Context, string, string, string, string) error
	step5 func(*World, context.Context, string, string, string, string, string) error
)

func (f step0) Arity() int { return 0 }
func (f step1) Arity() int { return 1 }
func (f step2) Arity() int { return 2 }
func (f step3) Arity() int { return 3 }
func (f step4) Arity() int { return 4 }
func (f step5) Arity() int { return 5 }

// errArity is returned when a step is run with the wrong number of
// arguments (a pattern that does not match its step; TestStepArity).
var errArity = errors.New("steps: wrong number of captured arguments for the step")

func (f step0) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 0 {
		return errArity
	}
	return f(w, ctx)
}

func (f step1) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 1 {
		return errArity
	}
	return f(w, ctx, a[0])
}

func (f step2) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 2 {
		return errArity
	}
	return f(w, ctx, a[0], a[1])
}

func (f step3) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 3 {
		return errArity
	}
	return f(w, ctx, a[0], a[1], a[2])
}

func (f step4) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 4 {
		return errArity
	}
	return f(w, ctx, a[0], a[1], a[2], a[3])
}

func (f step5) Run(ctx context.Context, w *World, a []string) error {
	if len(a) != 5 {
		return errArity
	}
	return f(w, ctx, a[0], a[1], a[2], a[3], a[4])
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
	defs = append(defs, reconciliationDefinitions()...)
	return defs
}

// Bound is a definition matched to a step's text, with its arguments.
type Bound struct {
	Definition
	Args []string
}

// Run runs the bound step on w.
func (b Bound) Run(ctx context.Context, w *World) error { return b.Fn.Run(ctx, w, b.Args) }

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
