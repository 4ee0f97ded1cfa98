package steps

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"testing"

	"github.com/gatecheck/gatecheck/features"
)

func mustCompile(t *testing.T, pattern string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

func TestDefinitionsCompileAndAreUnique(t *testing.T) {
	defs := Definitions()
	if _, err := NewMatcher(defs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range defs {
		if seen[d.Pattern] {
			t.Errorf("pattern %q is defined twice", d.Pattern)
		}
		seen[d.Pattern] = true
		if d.Fn == nil {
			t.Errorf("pattern %q has no function", d.Pattern)
		}
	}
}

// TestStepArity checks that every pattern has as many capturing groups as
// its step takes arguments, so a mismatch fails here, not in a run.
func TestStepArity(t *testing.T) {
	for _, d := range Definitions() {
		n := d.Fn.Arity()
		if groups := mustCompile(t, d.Pattern).NumSubexp(); groups != n {
			t.Errorf("pattern %q has %d capturing groups, its step takes %d", d.Pattern, groups, n)
		}
	}
	// A step run with the wrong number of arguments is an error, not a panic.
	if err := step2(func(*World, context.Context, string, string) error { return nil }).Run(context.Background(), &World{}, []string{"x"}); !errors.Is(err, errArity) {
		t.Errorf("step2 with one argument: %v, want errArity", err)
	}
}

// TestEveryFeatureStepMatchesOneDefinition is the suite's "no undefined,
// no ambiguous step" check, independent of any runner.
func TestEveryFeatureStepMatchesOneDefinition(t *testing.T) {
	m, err := NewMatcher(Definitions())
	if err != nil {
		t.Fatal(err)
	}
	pickles, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, p := range pickles {
		for _, s := range p.Steps {
			b, err := m.Match(s.Text)
			if err != nil {
				t.Errorf("%s: %q: %v", p.Uri, p.Name, err)
				continue
			}
			used[b.Pattern] = true
			if want := mustCompile(t, b.Pattern).NumSubexp(); len(b.Args) != want {
				t.Errorf("%q: %d arguments, want %d", s.Text, len(b.Args), want)
			}
		}
	}
	for _, d := range Definitions() {
		if !used[d.Pattern] {
			t.Errorf("definition %q is used by no feature", d.Pattern)
		}
	}
}

func TestMatcherErrors(t *testing.T) {
	fn := step1(func(*World, context.Context, string) error { return nil })
	m, err := NewMatcher([]Definition{{`^a (\d+)$`, fn}, {`^a (.+)$`, fn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Match("b"); !errors.Is(err, ErrUndefined) {
		t.Errorf("Match(b) = %v, want ErrUndefined", err)
	}
	if _, err := m.Match("a 1"); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("Match(a 1) = %v, want ErrAmbiguous", err)
	}
	if b, err := m.Match("a x"); err != nil || len(b.Args) != 1 || b.Args[0] != "x" {
		t.Errorf("Match(a x) = %+v, %v", b, err)
	}
	if _, err := NewMatcher([]Definition{{`a`, fn}}); err == nil {
		t.Error("an unanchored pattern should be refused")
	}
	if _, err := NewMatcher([]Definition{{`^(a$`, fn}}); err == nil {
		t.Error("a malformed pattern should be refused")
	}
}

func TestGodogHandlerShapeAndCall(t *testing.T) {
	var gotArgs []string
	var gotWorld *World
	d := Definition{`^pay ([0-9.]+) of item (\d+)$`, step2(func(w *World, _ context.Context, a0, a1 string) error {
		gotWorld, gotArgs = w, []string{a0, a1}
		return errors.New("boom")
	})}
	h := GodogHandler(d)
	ft := reflect.TypeOf(h)
	if ft.NumIn() != 3 || ft.In(0) != typeContext || ft.In(1) != typeString || ft.In(2) != typeString {
		t.Fatalf("handler type %v, want func(context.Context, string, string) (context.Context, error)", ft)
	}
	if ft.NumOut() != 2 || ft.Out(0) != typeContext || ft.Out(1) != typeError {
		t.Fatalf("handler type %v, want (context.Context, error) out", ft)
	}
	w := &World{}
	f := h.(func(context.Context, string, string) (context.Context, error))
	ctx := WithWorld(context.Background(), w)
	rctx, err := f(ctx, "20.00", "1")
	if err == nil || err.Error() != "boom" || rctx != ctx {
		t.Errorf("call = %v, %v", rctx, err)
	}
	if gotWorld != w || len(gotArgs) != 2 || gotArgs[0] != "20.00" || gotArgs[1] != "1" {
		t.Errorf("the step got %p %q", gotWorld, gotArgs)
	}
	if _, err := f(context.Background(), "1", "1"); !errors.Is(err, errNoWorld) {
		t.Errorf("without a World: %v, want errNoWorld", err)
	}

	ok := GodogHandler(Definition{`^ok$`, step0(func(*World, context.Context) error { return nil })})
	if _, err := ok.(func(context.Context) (context.Context, error))(ctx); err != nil {
		t.Errorf("a passing step returned %v", err)
	}
}

func TestEveryDefinitionAdaptsForGodog(t *testing.T) {
	for _, d := range Definitions() {
		ft := reflect.TypeOf(GodogHandler(d))
		if want := 1 + mustCompile(t, d.Pattern).NumSubexp(); ft.NumIn() != want {
			t.Errorf("%q: handler takes %d parameters, want %d", d.Pattern, ft.NumIn(), want)
		}
	}
}
