// Package load runs the conformance scenarios as a load test: the same
// feature files, compiled once into a Plan and bound to the same step
// library the godog runner uses, executed by concurrent virtual users for
// a bounded time and number of iterations, with latency histograms per
// operation, flow and step, throughput over time and error-group counts.
//
// It is gatecheck's own load engine: the brief's k6 extension is blocked
// (k6 is AGPL-licensed and this workplace does not allow it), and this
// engine keeps the promise that the Gherkin scenarios CI runs are the load
// scenarios too.
package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/steps"
)

// Limits that keep every run bounded.
const (
	MaxDuration = 24 * time.Hour
	MaxVUs      = 10000
)

// Options configures a run. Duration or Iterations (or both) bound it.
type Options struct {
	Target steps.Target
	Plan   *Plan
	// Mix weights scenarios by tag filter; empty means every scenario that
	// can share the target (DefaultExclude), equally.
	Mix []MixEntry
	// VUs is the number of virtual users (concurrent iterations).
	VUs int
	// Duration stops starting iterations after this long.
	Duration time.Duration
	// Iterations stops after this many iterations in all (0: no limit).
	Iterations int
	// Rate, when > 0, starts this many iterations per second (an open
	// model, like k6's constant-arrival-rate); VUs is then the pool that
	// runs them and an iteration with no free VU is dropped and counted.
	// When 0, each VU starts its next iteration as soon as one ends.
	Rate float64
	// IterationTimeout bounds one iteration (default 30 s).
	IterationTimeout time.Duration
	// Seed makes the scenario choice repeatable.
	Seed uint64
	// TimeScale is the webhook time scale set on a gatecheck mock target
	// (see steps.PrepareTarget); 0 means steps.DefaultTimeScale.
	TimeScale float64
	// Progress, when set, is called about once a second from one goroutine.
	Progress func(Progress)
}

// Progress is a running count.
type Progress struct {
	Elapsed              time.Duration
	Iterations, Failures int64
	Dropped              int64
	TargetIterations     int
	TargetDuration       time.Duration
}

// Flow is the outcome of one scenario across iterations.
type Flow struct {
	Scenario   string
	Iterations int
	Failures   int
	Duration   *Histogram
}

// Second is one second of the run.
type Second struct {
	At         int // seconds since start
	Iterations int
	Failures   int
	Requests   int
}

// Result is a finished run.
type Result struct {
	Start, End time.Time
	VUs        int
	Rate       float64
	Iterations int
	Failures   int
	Dropped    int
	Requests   int
	// Operations holds HTTP latency by operation name (OperationName).
	Operations map[string]*Histogram
	// Flows by scenario name.
	Flows map[string]*Flow
	// Steps holds step latency by step definition pattern.
	Steps map[string]*Histogram
	// ErrorGroups counts error answers by errorGroup (VALIDATION for codes
	// without a group, HTTP_<status> for non-envelope answers,
	// TRANSPORT_ERROR for failed requests). Error-card scenarios expect
	// some of them.
	ErrorGroups map[string]int
	// Timeline is iterations, failures and requests per second.
	Timeline []Second
	// FailureSamples are up to 20 distinct failure messages, card numbers
	// masked.
	FailureSamples []string
}

// Elapsed is the run's wall-clock length.
func (r *Result) Elapsed() time.Duration { return r.End.Sub(r.Start) }

// IterationsPerSecond is the mean throughput.
func (r *Result) IterationsPerSecond() float64 {
	if s := r.Elapsed().Seconds(); s > 0 {
		return float64(r.Iterations) / s
	}
	return 0
}

// FailureRate is failed iterations over iterations.
func (r *Result) FailureRate() float64 {
	if r.Iterations == 0 {
		return 0
	}
	return float64(r.Failures) / float64(r.Iterations)
}

// timeline counts per second since start, lock-free.
type timeline struct {
	start time.Time
	secs  []timelineSec
}

type timelineSec struct{ it, fail, req atomic.Int64 }

func newTimeline(start time.Time, d time.Duration) *timeline {
	n := int(d/time.Second) + 2
	if d == 0 {
		n = 3600
	}
	return &timeline{start: start, secs: make([]timelineSec, min(n, 86402))}
}

func (t *timeline) slot(at time.Time) *timelineSec {
	i := int(at.Sub(t.start) / time.Second)
	if i < 0 {
		i = 0
	}
	if i >= len(t.secs) {
		i = len(t.secs) - 1
	}
	return &t.secs[i]
}

func (t *timeline) request(at time.Time) { t.slot(at).req.Add(1) }

func (t *timeline) iteration(at time.Time, failed bool) {
	s := t.slot(at)
	s.it.Add(1)
	if failed {
		s.fail.Add(1)
	}
}

// vu is one virtual user.
type vu struct {
	st      *vuStats
	flows   map[string]*Flow
	steps   map[string]*Histogram
	target  steps.Target
	samples map[string]bool
}

// Run executes the plan and returns the result. Cancelling ctx stops it
// early (the result covers what ran).
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Plan == nil {
		return nil, errors.New("load: no plan")
	}
	if opts.Duration <= 0 && opts.Iterations <= 0 {
		return nil, errors.New("load: a run needs a duration or an iteration count")
	}
	if opts.Duration > MaxDuration {
		return nil, fmt.Errorf("load: duration %s exceeds the %s limit", opts.Duration, MaxDuration)
	}
	if opts.VUs <= 0 {
		opts.VUs = 1
	}
	if opts.VUs > MaxVUs {
		return nil, fmt.Errorf("load: %d VUs exceed the %d limit", opts.VUs, MaxVUs)
	}
	if opts.IterationTimeout <= 0 {
		opts.IterationTimeout = 30 * time.Second
	}
	pk, err := newPicker(opts.Plan, opts.Mix)
	if err != nil {
		return nil, err
	}
	if opts.Target.Doer == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = opts.VUs * 2
		tr.MaxIdleConnsPerHost = opts.VUs * 2
		opts.Target.Doer = &http.Client{Transport: tr, Timeout: opts.IterationTimeout}
	}

	// 3-D Secure, checkout and webhook scenarios need the merchant side.
	release, err := steps.PrepareTarget(ctx, &opts.Target, opts.TimeScale)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer release()

	runCtx := ctx
	var cancel context.CancelFunc
	if opts.Duration > 0 {
		runCtx, cancel = context.WithTimeout(ctx, opts.Duration)
	} else {
		runCtx, cancel = context.WithCancel(ctx)
	}
	defer cancel()

	start := time.Now()
	tl := newTimeline(start, opts.Duration)
	var iterations, failures, dropped atomic.Int64
	var budget atomic.Int64 // iterations left to start when bounded
	budget.Store(int64(opts.Iterations))
	take := func() bool {
		if opts.Iterations <= 0 {
			return true
		}
		return budget.Add(-1) >= 0
	}

	vus := make([]*vu, opts.VUs)
	for i := range vus {
		st := newVUStats()
		t := opts.Target
		t.Doer = &recordingDoer{inner: opts.Target.Doer, st: st, tl: tl}
		vus[i] = &vu{st: st, flows: map[string]*Flow{}, steps: map[string]*Histogram{}, target: t, samples: map[string]bool{}}
	}
	iterate := func(v *vu, rng *rand.Rand) {
		sc := pk.pick(rng.Float64())
		failed := v.runScenario(ctx, sc, opts.IterationTimeout)
		iterations.Add(1)
		if failed {
			failures.Add(1)
		}
		tl.iteration(time.Now(), failed)
	}

	var wg sync.WaitGroup
	if opts.Rate > 0 {
		free := make(chan *vu, len(vus))
		for _, v := range vus {
			free <- v
		}
		interval := time.Duration(float64(time.Second) / opts.Rate)
		ticker := time.NewTicker(max(interval, time.Microsecond))
		rng := rand.New(rand.NewPCG(opts.Seed, 0x6761746563686b))
	loop:
		for take() {
			select {
			case <-runCtx.Done():
				break loop
			case <-ticker.C:
			}
			select {
			case v := <-free:
				wg.Add(1)
				seed := rng.Uint64()
				go func() {
					defer wg.Done()
					iterate(v, rand.New(rand.NewPCG(seed, 1)))
					free <- v
				}()
			default:
				dropped.Add(1)
			}
		}
		ticker.Stop()
	} else {
		for i, v := range vus {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
				for runCtx.Err() == nil && take() {
					iterate(v, rng)
				}
			}()
		}
	}

	done := make(chan struct{})
	progressDone := make(chan struct{})
	if opts.Progress == nil {
		close(progressDone)
	} else {
		go func() {
			defer close(progressDone)
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					opts.Progress(Progress{Elapsed: time.Since(start), Iterations: iterations.Load(), Failures: failures.Load(),
						Dropped: dropped.Load(), TargetIterations: opts.Iterations, TargetDuration: opts.Duration})
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	<-progressDone // no Progress call may outlive Run
	end := time.Now()

	res := &Result{Start: start, End: end, VUs: opts.VUs, Rate: opts.Rate,
		Iterations: int(iterations.Load()), Failures: int(failures.Load()), Dropped: int(dropped.Load()),
		Operations: map[string]*Histogram{}, Flows: map[string]*Flow{}, Steps: map[string]*Histogram{}, ErrorGroups: map[string]int{}}
	seen := map[string]bool{}
	for _, v := range vus {
		res.Requests += v.st.reqs
		for k, h := range v.st.ops {
			mergeInto(res.Operations, k, h)
		}
		for k, h := range v.steps {
			mergeInto(res.Steps, k, h)
		}
		for k, n := range v.st.groups {
			res.ErrorGroups[k] += n
		}
		for k, f := range v.flows {
			rf := res.Flows[k]
			if rf == nil {
				rf = &Flow{Scenario: k, Duration: &Histogram{}}
				res.Flows[k] = rf
			}
			rf.Iterations += f.Iterations
			rf.Failures += f.Failures
			rf.Duration.Merge(f.Duration)
		}
		for s := range v.samples {
			if !seen[s] && len(res.FailureSamples) < 20 {
				seen[s] = true
				res.FailureSamples = append(res.FailureSamples, s)
			}
		}
	}
	sort.Strings(res.FailureSamples)
	last := int(end.Sub(start) / time.Second)
	for i := 0; i <= last && i < len(tl.secs); i++ {
		s := &tl.secs[i]
		res.Timeline = append(res.Timeline, Second{At: i, Iterations: int(s.it.Load()), Failures: int(s.fail.Load()), Requests: int(s.req.Load())})
	}
	return res, nil
}

func mergeInto(m map[string]*Histogram, k string, h *Histogram) {
	t := m[k]
	if t == nil {
		t = &Histogram{}
		m[k] = t
	}
	t.Merge(h)
}

// runScenario runs one iteration of sc with a fresh World and reports
// whether it failed. A failing step ends the iteration, as in godog.
func (v *vu) runScenario(parent context.Context, sc *Scenario, timeout time.Duration) (failed bool) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	f := v.flows[sc.Name]
	if f == nil {
		f = &Flow{Scenario: sc.Name, Duration: &Histogram{}}
		v.flows[sc.Name] = f
	}
	t0 := time.Now()
	defer func() {
		f.Iterations++
		f.Duration.Record(time.Since(t0))
		if failed {
			f.Failures++
		}
	}()
	w, err := steps.NewWorld(v.target)
	if err != nil {
		v.sample(sc.Name + ": " + err.Error())
		return true
	}
	defer w.Close(context.WithoutCancel(ctx))
	for _, st := range sc.Steps {
		s0 := time.Now()
		err := st.Bound.Run(ctx, w)
		h := v.steps[st.Bound.Pattern]
		if h == nil {
			h = &Histogram{}
			v.steps[st.Bound.Pattern] = h
		}
		h.Record(time.Since(s0))
		if err != nil {
			v.sample(sc.Name + ": " + st.Text + ": " + err.Error())
			return true
		}
	}
	return false
}

func (v *vu) sample(msg string) {
	if len(v.samples) < 20 {
		v.samples[craftgate.MaskPANs(msg)] = true
	}
}
