package steps

// This is the only file of the package that knows godog.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"

	"github.com/cucumber/godog"
)

// worldKey is the context key of the scenario's World.
type worldKey struct{}

// WithWorld returns ctx carrying w.
func WithWorld(ctx context.Context, w *World) context.Context {
	return context.WithValue(ctx, worldKey{}, w)
}

// WorldFrom returns the World ctx carries.
func WorldFrom(ctx context.Context) (*World, bool) {
	w, ok := ctx.Value(worldKey{}).(*World)
	return w, ok
}

// errNoWorld is returned by a step run without a World in its context.
var errNoWorld = errors.New("steps: no World in the step's context (RegisterGodog creates one per scenario)")

// RegisterGodog registers every definition on sc, creates one World per
// scenario with newWorld, before the scenario's first step, and closes it
// (World.Close) after the scenario, whatever its result. godog runs After
// hooks in the order they were registered: a runner that must do something
// after the World is closed registers its hook after calling RegisterGodog.
func RegisterGodog(sc *godog.ScenarioContext, newWorld func() (*World, error)) {
	sc.Before(func(ctx context.Context, _ *godog.Scenario) (context.Context, error) {
		w, err := newWorld()
		if err != nil {
			return ctx, fmt.Errorf("steps: new world: %w", err)
		}
		return WithWorld(ctx, w), nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
		if w, ok := WorldFrom(ctx); ok {
			// The scenario's context may be done (a cancelled run); the
			// restore must still reach the provider.
			return ctx, w.Close(context.WithoutCancel(ctx))
		}
		return ctx, nil
	})
	for _, d := range Definitions() {
		sc.Step(d.Pattern, GodogHandler(d))
	}
}

var (
	typeContext = reflect.TypeFor[context.Context]()
	typeError   = reflect.TypeFor[error]()
	typeString  = reflect.TypeFor[string]()
)

// GodogHandler turns a definition into the function godog expects: a
// context and one string per capturing group in, a context and an error
// out. godog finds the arity by reflection, so the function is built with
// reflect.MakeFunc.
func GodogHandler(d Definition) any {
	n := regexp.MustCompile(d.Pattern).NumSubexp()
	in := make([]reflect.Type, 1+n)
	in[0] = typeContext
	for i := 1; i <= n; i++ {
		in[i] = typeString
	}
	ft := reflect.FuncOf(in, []reflect.Type{typeContext, typeError}, false)
	fn := d.Fn
	return reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
		ctx := args[0].Interface().(context.Context)
		strs := make([]string, n)
		for i := range strs {
			strs[i] = args[i+1].String()
		}
		err := errNoWorld
		if w, ok := WorldFrom(ctx); ok {
			err = fn.Run(ctx, w, strs)
		}
		errV := reflect.Zero(typeError)
		if err != nil {
			errV = reflect.ValueOf(&err).Elem()
		}
		return []reflect.Value{reflect.ValueOf(&ctx).Elem(), errV}
	}).Interface()
}

// Location names the Go function a definition's step runs and where it
// is, as "steps/refund_steps.go:123 -> steps.(*World).refundItem". godog
// sees only the adapter GodogHandler builds (reflect.makeFuncStub, at the
// line that registers it); the conformance runner writes this in its place.
func (d Definition) Location() string {
	var fn any = d.Fn
	if s, ok := d.Fn.(rbsStepFunc); ok {
		fn = s.f
	}
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return ""
	}
	f := runtime.FuncForPC(v.Pointer())
	if f == nil {
		return ""
	}
	file, line := f.FileLine(f.Entry())
	name := f.Name()
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return fmt.Sprintf("%s/%s:%d -> %s", filepath.Base(filepath.Dir(file)), filepath.Base(file), line, name)
}
