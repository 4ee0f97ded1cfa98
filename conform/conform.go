// Package conform runs gatecheck's conformance suite: the embedded Gherkin
// features (package features), bound to the step library (package steps),
// run by godog against one target, the mock or the provider's sandbox.
//
// Everything the run writes, to the given Output or to report files, goes
// through a craftgate.MaskingWriter, so no card number leaves the run unmasked.
package conform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/colors"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/steps"
)

// ExclusiveTags mark scenarios that change state every other scenario
// sees: @clock moves the mock's clock (which turns a concurrent same-day
// cancel into a refund), @serial changes the mock's merchant settings or the
// merchant's webhook endpoint (a failing endpoint, a 3D Pay POS). Run never
// runs such a scenario at the same time as another, whatever the
// concurrency.
var ExclusiveTags = []string{"@clock", "@serial"}

// Options configures a run.
type Options struct {
	// Target is the provider to test and the merchant's keys.
	Target steps.Target
	// Tags filters scenarios with godog's tag expression, e.g. "~@mock" to
	// leave out what only the mock can do, "@refund && ~@clock".
	Tags string
	// Format is a comma-separated list of formatters, each "name" (writing
	// to Output) or "name:path" (writing to a file): pretty, progress,
	// junit, cucumber, events. Default "pretty".
	Format string
	// Output receives the formatters without a path. Default os.Stdout.
	Output io.Writer
	// Concurrency is how many scenarios run at once. Default 1.
	Concurrency int
	// OnScenario, when set, is called as each scenario ends (from the
	// goroutine that ran it), e.g. to drive a progress bar.
	OnScenario func(ScenarioResult)
	// NoColors strips the ANSI colours of the pretty and progress formats.
	NoColors bool
	// FS holds the feature files. Default features.FS().
	FS fs.FS
	// Paths selects files or folders within FS. Default: all of them.
	Paths []string
	// TimeScale is the webhook time scale Run sets on a gatecheck mock
	// target for the run (and sets back afterwards). 0 means
	// steps.DefaultTimeScale; a negative value leaves the mock's own.
	TimeScale float64
}

// Counts counts scenarios or steps by result.
type Counts struct {
	Passed, Failed, Undefined, Pending, Skipped, Ambiguous int
}

// Total is the number counted.
func (c Counts) Total() int {
	return c.Passed + c.Failed + c.Undefined + c.Pending + c.Skipped + c.Ambiguous
}

// Failure is one scenario that did not pass.
type Failure struct {
	// Feature is the feature file, Scenario the scenario's name (outline
	// rows have their values substituted), Step the text of the step that
	// failed (or was undefined or pending). Card numbers are masked.
	Feature, Scenario, Step string
	// Status is failed, undefined, pending or ambiguous.
	Status string
	// Message is the step's error, card numbers masked.
	Message string
}

// ScenarioResult is one scenario of a run: what sign-off reports list.
type ScenarioResult struct {
	Feature  string
	Name     string // card numbers masked
	Tags     []string
	Status   string // passed, failed, undefined, pending, skipped, ambiguous
	Duration time.Duration
	// Failure is the failing step and its error, card numbers masked.
	Failure string
	// Evidence is what the scenario established (payment ids, masked
	// cards, verified signatures).
	Evidence []steps.Evidence
}

// Result is the outcome of a run. Strict mode is always on: an undefined
// or pending step fails the run.
type Result struct {
	Scenarios Counts
	Steps     Counts
	Failures  []Failure
	// Outcomes lists every scenario that ran, in the order it started.
	Outcomes []ScenarioResult
	// Status is godog's exit status: 0 passed, 1 failed, 2 usage error.
	Status int
	// Duration is the run's wall-clock time.
	Duration time.Duration
}

// OK reports whether every scenario passed.
func (r Result) OK() bool {
	s := r.Scenarios
	return r.Status == 0 && s.Failed == 0 && s.Undefined == 0 && s.Pending == 0 && s.Ambiguous == 0
}

// Run runs the suite. An error means the run could not be set up (an
// unknown format, a file that cannot be created, unreadable features); a
// run whose scenarios fail is not an error: see Result.OK.
func Run(ctx context.Context, opts Options) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = features.FS()
	}
	paths := opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	// godog panics on some malformed filters ("@3ds &&"): refuse them.
	if err := features.CheckTagSyntax(opts.Tags); err != nil {
		return Result{}, fmt.Errorf("conform: %w", err)
	}
	target := opts.Target
	if target.Doer == nil {
		target.Doer = &http.Client{Timeout: 30 * time.Second}
	}
	stdout := opts.Output
	if stdout == nil {
		stdout = os.Stdout
	}

	outs, closeOutputs, err := openOutputs(opts.Format, stdout, opts.NoColors, fsys)
	if err != nil {
		return Result{}, err
	}
	// godog's Output is only a key to this run's outputs (see fanout.go);
	// it is an ANSI writer already, so godog passes it on unchanged.
	key := colors.Colored(io.Discard)
	runOutputs.Store(key, outs)
	defer runOutputs.Delete(key)

	release, err := steps.PrepareTarget(ctx, &target, opts.TimeScale)
	if err != nil {
		_ = closeOutputs()
		return Result{}, err
	}
	defer release()

	col := &collector{exclusive: &sync.RWMutex{}, onScenario: opts.OnScenario}
	suite := godog.TestSuite{
		Name: "gatecheck",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			// The World's After hook (restoring what the scenario changed)
			// must run before the collector's releases the exclusive lock:
			// godog runs After hooks in the order they were registered.
			steps.RegisterGodog(sc, func() (*steps.World, error) { return steps.NewWorld(target) })
			col.track(sc)
		},
		Options: &godog.Options{
			Format:         fanoutFormat,
			Tags:           opts.Tags,
			Paths:          paths,
			FS:             fsys,
			Output:         key,
			Concurrency:    max(opts.Concurrency, 1),
			Strict:         true,
			Randomize:      0,
			DefaultContext: ctx,
		},
	}
	start := time.Now()
	status := suite.Run()
	res := col.result()
	res.Status, res.Duration = status, time.Since(start)
	if err := closeOutputs(); err != nil {
		return res, err
	}
	if status == 2 {
		return res, errors.New("conform: godog refused the options (see standard error)")
	}
	return res, nil
}

// openOutputs parses a format list and opens its outputs, each behind a
// masking writer. The returned function flushes and closes them.
func openOutputs(format string, stdout io.Writer, noColors bool, fsys fs.FS) ([]output, func() error, error) {
	if strings.TrimSpace(format) == "" {
		format = "pretty"
	}
	var (
		outs    []output
		flushes []func() error
		stdMask *craftgate.MaskingWriter
		loc     *locator
	)
	closeAll := func() error {
		var errs []error
		for _, f := range flushes {
			errs = append(errs, f())
		}
		return errors.Join(errs...)
	}
	available := godog.AvailableFormatters()
	for _, spec := range strings.Split(format, ",") {
		name, path, hasPath := strings.Cut(strings.TrimSpace(spec), ":")
		if _, ok := available[name]; !ok || name == fanoutFormat {
			_ = closeAll()
			return nil, nil, fmt.Errorf("conform: unknown format %q: want one of %s", name, strings.Join(formatNames(available), ", "))
		}
		var w io.Writer
		switch {
		case hasPath && path == "":
			_ = closeAll()
			return nil, nil, fmt.Errorf("conform: format %q: empty path", spec)
		case hasPath:
			f, err := os.Create(path)
			if err != nil {
				_ = closeAll()
				return nil, nil, fmt.Errorf("conform: format %s: %w", name, err)
			}
			m := craftgate.NewMaskingWriter(f)
			flushes = append(flushes, func() error { return errors.Join(m.Flush(), f.Close()) })
			w = m
		default:
			if stdMask == nil {
				stdMask = craftgate.NewMaskingWriter(stdout)
				flushes = append(flushes, stdMask.Flush)
			}
			w = stdMask
		}
		if noColors {
			w = colors.Uncolored(w)
		}
		// The step functions' real names and places, where godog sees only
		// the adapter (locations.go); flushed before the files close.
		switch name {
		case "pretty", "cucumber":
			if loc == nil {
				loc = newLocator(fsys)
			}
			if loc != nil {
				var f interface{ Flush() error }
				if name == "pretty" {
					pl := &prettyLocations{w: w, loc: loc}
					w, f = pl, pl
				} else {
					cl := &cucumberLocations{w: w, loc: loc}
					w, f = cl, cl
				}
				flushes = append([]func() error{f.Flush}, flushes...)
			}
		case "junit":
			jt := &junitTimes{w: w}
			w = jt
			flushes = append([]func() error{jt.Flush}, flushes...)
		}
		outs = append(outs, output{format: name, w: w})
	}
	return outs, closeAll, nil
}

func formatNames(m map[string]string) []string {
	var names []string
	for n := range m {
		if n != fanoutFormat {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// collector counts the results of one run from godog's hooks and keeps
// ExclusiveTags scenarios apart from the others.
type collector struct {
	mu        sync.Mutex
	scenarios []*scenarioRecord
	// exclusive is held for reading by every running scenario and for
	// writing by an ExclusiveTags one.
	exclusive *sync.RWMutex
	// onScenario is Options.OnScenario.
	onScenario func(ScenarioResult)
}

// scenarioRecord is what one scenario did. It is written only by the
// goroutine running that scenario and read after the run.
type scenarioRecord struct {
	feature, name string
	tags          []string
	start, end    time.Time
	steps         []stepRecord
	evidence      []steps.Evidence
}

type stepRecord struct {
	text   string
	status godog.StepResultStatus
	err    error
}

// track records the scenario sc is about to run; godog calls the scenario
// initializer once per scenario.
func (c *collector) track(sc *godog.ScenarioContext) {
	rec := &scenarioRecord{}
	c.mu.Lock()
	c.scenarios = append(c.scenarios, rec)
	c.mu.Unlock()
	// godog runs the after-scenario hooks exactly once, at the first failing
	// step or after the last one, so every lock taken here is released.
	var unlock func()
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		rec.feature, rec.name, rec.start = s.Uri, s.Name, time.Now()
		for _, t := range s.Tags {
			rec.tags = append(rec.tags, t.Name)
		}
		if slices.ContainsFunc(s.Tags, func(t *messages.PickleTag) bool { return slices.Contains(ExclusiveTags, t.Name) }) {
			c.exclusive.Lock()
			unlock = c.exclusive.Unlock
		} else {
			c.exclusive.RLock()
			unlock = c.exclusive.RUnlock
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
		if unlock != nil {
			unlock()
			unlock = nil
		}
		rec.end = time.Now()
		if w, ok := steps.WorldFrom(ctx); ok {
			rec.evidence = w.Evidence()
		}
		if c.onScenario != nil {
			c.onScenario(rec.summary())
		}
		return ctx, nil // a non-nil error here would be reported as a hook failure
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		rec.steps = append(rec.steps, stepRecord{text: st.Text, status: status, err: err})
		return ctx, nil
	})
}

// verdict is the scenario's result: the worst result of its steps (one
// without any step is undefined, as godog counts it), and the step that
// made it fail, undefined or pending, if any.
func (sc *scenarioRecord) verdict() (godog.StepResultStatus, *stepRecord) {
	status, worst := godog.StepUndefined, -1
	var culprit *stepRecord
	for i := range sc.steps {
		st := &sc.steps[i]
		if rank := severity(st.status); rank > worst {
			status, worst = st.status, rank
			if rank >= severity(godog.StepPending) {
				culprit = st
			}
		}
	}
	return status, culprit
}

// summary is the scenario's result so far.
func (sc *scenarioRecord) summary() ScenarioResult {
	status, culprit := sc.verdict()
	r := ScenarioResult{Feature: sc.feature, Name: craftgate.MaskPANs(sc.name), Tags: sc.tags, Status: status.String(),
		Evidence: sc.evidence}
	if !sc.end.IsZero() {
		r.Duration = sc.end.Sub(sc.start)
	}
	if culprit != nil {
		r.Failure = craftgate.MaskPANs(culprit.text)
		if culprit.err != nil {
			r.Failure += ": " + craftgate.MaskPANs(culprit.err.Error())
		}
	}
	return r
}

// result sums the records up.
func (c *collector) result() Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	var r Result
	for _, sc := range c.scenarios {
		if sc.name != "" || len(sc.steps) > 0 {
			r.Outcomes = append(r.Outcomes, sc.summary())
		}
		for _, st := range sc.steps {
			count(&r.Steps, st.status)
		}
		status, culprit := sc.verdict()
		count(&r.Scenarios, status)
		if culprit != nil {
			f := Failure{Feature: sc.feature, Scenario: craftgate.MaskPANs(sc.name), Step: craftgate.MaskPANs(culprit.text), Status: culprit.status.String()}
			if culprit.err != nil {
				f.Message = craftgate.MaskPANs(culprit.err.Error())
			}
			r.Failures = append(r.Failures, f)
		} else if len(sc.steps) == 0 {
			r.Failures = append(r.Failures, Failure{Feature: sc.feature, Scenario: craftgate.MaskPANs(sc.name), Status: "undefined", Message: "no steps"})
		}
	}
	return r
}

// severity orders step results: a scenario is as bad as its worst step.
func severity(s godog.StepResultStatus) int {
	switch s {
	case godog.StepPassed:
		return 0
	case godog.StepSkipped:
		return 1
	case godog.StepPending:
		return 2
	case godog.StepUndefined:
		return 3
	case godog.StepAmbiguous:
		return 4
	default: // failed
		return 5
	}
}

func count(c *Counts, s godog.StepResultStatus) {
	switch s {
	case godog.StepPassed:
		c.Passed++
	case godog.StepSkipped:
		c.Skipped++
	case godog.StepPending:
		c.Pending++
	case godog.StepUndefined:
		c.Undefined++
	case godog.StepAmbiguous:
		c.Ambiguous++
	default:
		c.Failed++
	}
}
