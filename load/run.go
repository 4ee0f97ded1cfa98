// Package load runs the conformance scenarios as a load test: the same
// feature files, compiled once into a Plan and bound to the same step
// library the godog runner uses, executed by k6-style executors (named
// scenarios side by side, each with its own arrival model), with k6's
// metric names, thresholds in k6's syntax and k6's outputs.
//
// It is gatecheck's own load engine: k6 is AGPL-licensed and is neither
// imported nor installed; this engine follows k6's conventions so that
// performance engineers recognise its profiles, summary and outputs, and
// keeps the promise that the Gherkin scenarios CI runs are the load
// scenarios too.
package load

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/load/segment"
	"github.com/gatecheck/gatecheck/steps"
)

// Limits that keep every run bounded.
const (
	MaxDuration = 24 * time.Hour
	MaxVUs      = 10000
)

// Options configures a run.
type Options struct {
	Target steps.Target
	Plan   *Plan
	// Profile names the run in its result.
	Profile string
	// Scenarios run side by side. When empty, one scenario "default" is
	// made from Mix, VUs, Duration, Iterations and Rate: an arrival rate
	// when Rate > 0 (constant-arrival-rate), else shared-iterations when
	// Iterations > 0 (bounded by Duration), else constant-vus.
	Scenarios map[string]*ScenarioConfig
	Mix       []MixEntry
	VUs       int
	Duration  time.Duration
	// Iterations stops after this many iterations in all (0: no limit).
	Iterations int
	Rate       float64
	// FilterMix, when set, rewrites every mix filter (a target's
	// exclusions, such as ~@mock away from the mock).
	FilterMix func(string) string
	// Thresholds are checked at the end; those with abortOnFail also
	// during the run, once a second.
	Thresholds map[string]ThresholdList
	// Segment, when set, is this process's share of a run split across
	// processes (k6's execution segments): VUs and iteration counts are
	// scaled by its striping, and an arrival-rate executor starts exactly
	// the whole test's iterations the segment owns, at their times.
	Segment *segment.Part
	// Outputs receive every sample as the run goes (--out).
	Outputs []Output
	// IterationTimeout bounds one iteration (default 30 s); an iteration
	// has at least 99 % of it (see vu.iterationContext).
	IterationTimeout time.Duration
	// Seed makes the scenario choice repeatable.
	Seed uint64
	// TimeScale is the webhook time scale set on a gatecheck mock target
	// (see steps.PrepareTarget); 0 means steps.DefaultTimeScale.
	TimeScale float64
	// Progress, when set, is called once a second from one goroutine.
	Progress func(Progress)
}

// Progress is the run's state, once a second.
type Progress struct {
	Elapsed                       time.Duration
	Iterations, Failures, Dropped int64
	Requests                      int64
	// ActiveVUs are iterating (busy, for an arrival-rate executor);
	// AllocatedVUs exist.
	ActiveVUs, AllocatedVUs int64
	// IterationsPerSecond is over the last second.
	IterationsPerSecond float64
	// Stage is every scenario's state: "card_payments: stage 2/3,
	// secure_and_refunds: 4s/30s".
	Stage string
	// ChecksFails counts failed checks (Then steps) so far.
	ChecksFails int64
}

// Flow is the outcome of one Gherkin scenario across iterations.
type Flow struct {
	Scenario   string     `json:"scenario"`
	Iterations int        `json:"iterations"`
	Failures   int        `json:"failures"`
	Duration   *Histogram `json:"duration"`
}

// Second is one second of the run.
type Second struct {
	At         int `json:"at_s"` // seconds since start
	Iterations int `json:"iterations"`
	Failures   int `json:"failures"`
	Requests   int `json:"requests"`
}

// OpSecond is one provider operation's latency in one second of the run.
type OpSecond struct {
	At    int     `json:"at_s"`
	Op    string  `json:"op"`
	Count int     `json:"count"`
	P50MS float64 `json:"p50_ms"`
	P95MS float64 `json:"p95_ms"`
	MaxMS float64 `json:"max_ms"`
}

// Result is a finished run.
type Result struct {
	Profile    string
	Segment    string
	Start, End time.Time
	// VUs is the most VUs allocated; Rate the sum of the scenarios'
	// configured arrival rates (per second), 0 for closed models only.
	VUs         int
	Rate        float64
	Iterations  int
	Failures    int
	Dropped     int
	Interrupted int
	Requests    int
	// Operations holds provider operations' latency (OperationName);
	// Harness the harness's own traffic (mock pages and admin routes,
	// the merchant receiver), never mixed with them.
	Operations map[string]*Histogram
	Harness    map[string]*Histogram
	// Flows by Gherkin scenario name.
	Flows map[string]*Flow
	// ErrorGroups counts provider error answers by errorGroup
	// (VALIDATION for codes without one, HTTP_<status> for non-envelope
	// answers, TRANSPORT_ERROR for failed requests).
	ErrorGroups map[string]int
	// Timeline is iterations, failures and requests per second.
	Timeline   []Second
	OpTimeline []OpSecond
	// FailureSamples are up to 20 distinct failure messages, card numbers
	// masked.
	FailureSamples []string
	// Metrics holds every series, mergeable.
	Metrics *MetricSet
	// ThresholdDefs are the thresholds as configured; ThresholdResults
	// their verdicts.
	ThresholdDefs    map[string]ThresholdList
	ThresholdResults []ThresholdResult
	ThresholdsPassed bool
	// Aborted says why the run stopped early (an abortOnFail threshold,
	// an interrupt); empty when it ran its course.
	Aborted   string
	Scenarios map[string]ScenarioConfig
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

// Passed is the run's verdict: thresholds hold (or, with none, no flow
// failed) and it was not aborted.
func (r *Result) Passed() bool {
	if r.Aborted != "" {
		return false
	}
	if len(r.ThresholdDefs) > 0 {
		return r.ThresholdsPassed
	}
	return r.Failures == 0
}

// engine is one run.
type engine struct {
	opts       Options
	start      time.Time
	ch         chan *[]Sample
	pool       sync.Pool
	miscMu     sync.Mutex
	misc       []Sample
	iterations atomic.Int64
	failures   atomic.Int64
	interrupt  atomic.Int64
	requests   atomic.Int64
	checkFails atomic.Int64
	sent, recv atomic.Int64
	samplesMu  sync.Mutex
	samples    map[string]bool
	timeout    time.Duration
	merchant   string // the merchant receiver's host
}

// sample records a sample from outside a VU (dropped iterations).
func (e *engine) sample(s Sample) {
	e.miscMu.Lock()
	e.misc = append(e.misc, s)
	e.miscMu.Unlock()
}

func (e *engine) failureSample(msg string) {
	e.samplesMu.Lock()
	if len(e.samples) < 20 {
		e.samples[craftgate.MaskPANs(msg)] = true
	}
	e.samplesMu.Unlock()
}

// vu is one virtual user.
type vu struct {
	s      *scenarioRun
	target steps.Target
	rng    *rand.Rand
	// world is the VU's World, reset for each iteration (nil until the
	// first has ended).
	world *steps.World
	// closeCtx is detached(closeParent).
	closeParent, closeCtx context.Context
	// iterCtx is iterationContext's context, made under iterParent.
	iterParent, iterCtx context.Context
	iterCancel          context.CancelFunc
	mu                  sync.Mutex // guards buf, ops and opBuf: steps may make requests from helpers
	buf                 *[]Sample
	ops                 map[string]string // operation names made so far (opName)
	opBuf               []byte
}

func (s *scenarioRun) newVU() *vu {
	s.alloc.Add(1)
	v := &vu{s: s, rng: rand.New(rand.NewPCG(s.seed, s.nextVU.Add(1)))}
	v.target = s.eng.opts.Target
	v.target.Doer = &recordingDoer{inner: s.eng.opts.Target.Doer, v: v}
	v.buf = s.eng.getBuf()
	return v
}

func (e *engine) getBuf() *[]Sample {
	if b, ok := e.pool.Get().(*[]Sample); ok {
		*b = (*b)[:0]
		return b
	}
	b := make([]Sample, 0, 64)
	return &b
}

func (v *vu) add(s Sample) {
	v.mu.Lock()
	*v.buf = append(*v.buf, s)
	v.mu.Unlock()
}

// flush hands the VU's samples to the aggregator.
func (v *vu) flush() {
	v.mu.Lock()
	b := v.buf
	v.buf = v.s.eng.getBuf()
	v.mu.Unlock()
	if len(*b) > 0 {
		v.s.eng.ch <- b
	} else {
		v.s.eng.pool.Put(b)
	}
}

// Run executes the plan and returns the result. Cancelling ctx stops it
// early (the result covers what ran and says it was interrupted). When an
// output fails to finish, Run returns the result and the error.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Plan == nil {
		return nil, errors.New("load: no plan")
	}
	scens, err := opts.scenarios()
	if err != nil {
		return nil, err
	}
	ths, err := ParseThresholds(opts.Thresholds)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if opts.IterationTimeout <= 0 {
		opts.IterationTimeout = 30 * time.Second
	}
	e := &engine{opts: opts, ch: make(chan *[]Sample, 4096), samples: map[string]bool{}, timeout: opts.IterationTimeout}
	type prepared struct {
		run  *scenarioRun
		exec executor
	}
	var runs []prepared
	maxVUs := 0
	rate := 0.0
	for i, name := range sortedKeys(scens) {
		c := scens[name]
		mix, err := ParseMix(c.Mix)
		if c.Mix == "" {
			mix, err = opts.Mix, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load: scenario %q: %w", name, err)
		}
		if opts.FilterMix != nil {
			mix = append([]MixEntry(nil), mix...)
			if len(mix) == 0 {
				mix = []MixEntry{{Weight: 1}}
			}
			for j := range mix {
				mix[j].Filter = opts.FilterMix(mix[j].Filter)
			}
		}
		pk, err := newPicker(opts.Plan, mix)
		if err != nil {
			return nil, fmt.Errorf("load: scenario %q: %w", name, err)
		}
		ex, err := newExecutor(c)
		if err != nil {
			return nil, err
		}
		maxVUs += c.MaxVUCount()
		if c.Executor == ConstantArrival && !c.noArrivals {
			r := c.Rate * float64(time.Second) / float64(c.TimeUnit)
			if c.part != nil {
				r = c.part.ScaleRate(r)
			}
			rate += r
		}
		runs = append(runs, prepared{&scenarioRun{name: name, cfg: c, eng: e, pk: pk, seed: opts.Seed + uint64(i)*0x9e3779b9}, ex})
	}
	if opts.Target.Doer == nil {
		opts.Target.Doer = newClient(maxVUs, opts.IterationTimeout, &e.sent, &e.recv)
		e.opts.Target.Doer = opts.Target.Doer
	}

	// 3-D Secure, checkout and webhook scenarios need the merchant side;
	// the mock's webhooks go to it only when a scenario awaits one.
	prepare := steps.PrepareTargetWithoutWebhooks
	for _, p := range runs {
		if p.run.pk.any("@webhook") {
			prepare = func(ctx context.Context, t *steps.Target) (func(), error) {
				return steps.PrepareTarget(ctx, t, opts.TimeScale)
			}
			break
		}
	}
	release, err := prepare(ctx, &opts.Target)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	defer release()
	e.opts.Target = opts.Target
	if i := strings.Index(opts.Target.MerchantURL, "://"); i >= 0 {
		e.merchant = strings.SplitN(opts.Target.MerchantURL[i+3:], "/", 2)[0]
	}

	runCtx, abort := context.WithCancelCause(ctx)
	defer abort(nil)
	e.start = time.Now()
	agg := newAggregator(e, ths)
	aggDone := make(chan struct{})
	srs := make([]*scenarioRun, len(runs))
	for i, p := range runs {
		srs[i] = p.run
	}
	go func() { defer close(aggDone); agg.loop(abort, srs) }()

	var wg sync.WaitGroup
	for _, p := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, c := p.run, p.run.cfg
			select {
			case <-runCtx.Done():
				return
			case <-time.After(time.Duration(c.StartTime)):
			}
			s.start = time.Now()
			s.startNs.Store(s.start.UnixNano())
			// Iterations run until the graceful stop ends; new ones start
			// only within the executor's own length.
			hardCtx, hardCancel := context.WithTimeout(runCtx, c.length()+time.Duration(*c.GracefulStop))
			defer hardCancel()
			s.iterCtx = hardCtx
			startCtx, cancel := context.WithTimeout(runCtx, c.length())
			p.exec.run(startCtx, s)
			cancel()
			s.wg.Wait()
		}()
	}
	wg.Wait()
	end := time.Now()
	close(agg.stop)
	<-aggDone

	res := agg.result(e.start, end)
	res.Profile, res.VUs, res.Rate = opts.Profile, maxVUs, rate
	if opts.Segment != nil && !opts.Segment.IsWhole() {
		res.Segment = opts.Segment.String()
	}
	res.Scenarios = map[string]ScenarioConfig{}
	for _, p := range runs {
		res.Scenarios[p.run.name] = p.run.cfg
	}
	res.Interrupted = int(e.interrupt.Load())
	if cause := context.Cause(runCtx); cause != nil && !errors.Is(cause, context.Canceled) || ctx.Err() != nil {
		if ctx.Err() != nil {
			res.Aborted = "interrupted"
		} else {
			res.Aborted = cause.Error()
		}
	}
	for s := range e.samples {
		res.FailureSamples = append(res.FailureSamples, s)
	}
	sort.Strings(res.FailureSamples)
	res.ThresholdDefs = opts.Thresholds
	res.ThresholdResults, res.ThresholdsPassed = EvaluateAll(ths, res.Metrics, res.Elapsed())
	var outErrs []error
	for _, o := range opts.Outputs {
		if err := o.Stop(); err != nil {
			outErrs = append(outErrs, fmt.Errorf("load: output: %w", err))
		}
	}
	// The result is whole even when an output failed.
	return res, errors.Join(outErrs...)
}

// scenarios returns the scenarios to run with k6's defaults and the
// segment's scaling applied.
func (o Options) scenarios() (map[string]ScenarioConfig, error) {
	in := o.Scenarios
	if len(in) == 0 {
		in = map[string]*ScenarioConfig{"default": o.defaultScenario()}
	}
	out := map[string]ScenarioConfig{}
	for name, c := range in {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("load: scenario %q: %w", name, err)
		}
		d := c.withDefaults()
		if o.Segment != nil && !o.Segment.IsWhole() {
			var err error
			if d, err = d.scaled(o.Segment); err != nil {
				return nil, fmt.Errorf("load: scenario %q: execution segment: %w", name, err)
			}
		}
		out[name] = d
	}
	return out, nil
}

func (o Options) defaultScenario() *ScenarioConfig {
	vus := max(o.VUs, 1)
	switch {
	case o.Rate > 0:
		return &ScenarioConfig{Executor: ConstantArrival, Rate: o.Rate, Duration: Duration(o.Duration), PreAllocatedVUs: vus}
	case o.Iterations > 0:
		c := &ScenarioConfig{Executor: SharedIterations, VUs: min(vus, o.Iterations), Iterations: o.Iterations}
		if o.Duration > 0 {
			c.MaxDuration = Duration(o.Duration)
		}
		return c
	}
	return &ScenarioConfig{Executor: ConstantVUs, VUs: vus, Duration: Duration(o.Duration)}
}

// scaled is c's share for a segment, as k6 scales executors: VUs (and
// ramping-vus stage targets) by the segment's striping, shared iterations
// likewise; an arrival-rate executor keeps the whole test's rate and
// starts only the iterations its segment owns, with the sequence rebased
// on maxVUs so that a process without VUs owns no iteration.
func (c ScenarioConfig) scaled(seg *segment.Part) (ScenarioConfig, error) {
	sc := func(n int) int { return int(seg.Scale(int64(n))) }
	switch c.Executor {
	case SharedIterations:
		c.VUs, c.Iterations = sc(c.VUs), sc(c.Iterations)
	case PerVUIterations, ConstantVUs:
		c.VUs = sc(c.VUs)
	case RampingVUs:
		n := sc(*c.StartVUs)
		c.StartVUs = &n
		stages := make([]Stage, len(c.Stages))
		for i, s := range c.Stages {
			stages[i] = s
			stages[i].Target = float64(sc(int(math.Round(s.Target))))
		}
		c.Stages = stages
	case ConstantArrival, RampingArrivalRate:
		part, ok, err := seg.Rebase(int64(c.MaxVUs))
		if err != nil {
			return c, err
		}
		c.PreAllocatedVUs, c.MaxVUs = sc(c.PreAllocatedVUs), sc(c.MaxVUs)
		if !ok {
			c.part, c.MaxVUs, c.PreAllocatedVUs = nil, 0, 0
			c.noArrivals = true
		} else {
			c.part = part
		}
	}
	return c, nil
}

// iterate runs one iteration on v, interrupted when the graceful stop
// ends.
func (s *scenarioRun) iterate(v *vu) { s.iterateIn(s.iterCtx, v) }

// iterateIn runs one iteration on v under ctx (derived from iterCtx); an
// iteration ctx ends is interrupted: counted apart, not as an iteration.
func (s *scenarioRun) iterateIn(ctx context.Context, v *vu) {
	e := s.eng
	sc := s.pk.pick(v.rng.Float64())
	t0 := time.Now()
	failed := v.runScenario(ctx, sc, e.timeout)
	d := time.Since(t0)
	if ctx.Err() != nil {
		e.interrupt.Add(1)
		v.flush()
		return
	}
	e.iterations.Add(1)
	if failed {
		e.failures.Add(1)
	}
	end := t0.Add(d)
	msd := float64(d) / 1e6
	v.add(Sample{Metric: mIterations, Time: end, Value: 1, Tags: Tags{Scenario: s.name}})
	v.add(Sample{Metric: mIterationDuration, Time: end, Value: msd, Tags: Tags{Scenario: s.name}})
	v.add(Sample{Metric: mFlowDuration, Time: end, Value: msd, Tags: Tags{Scenario: s.name, Flow: sc.Name}})
	v.add(Sample{Metric: mFlowFailed, Time: end, Value: b2f(failed), Tags: Tags{Scenario: s.name, Flow: sc.Name}})
	v.flush()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// runScenario runs one iteration of sc with a fresh World (the VU's,
// reset) and reports
// whether it failed. A failing step ends the iteration, as in godog. Every
// Then step (and the And and But steps after it) is a check: its pass or
// failure is a sample of the checks metric.
func (v *vu) runScenario(parent context.Context, sc *Scenario, timeout time.Duration) (failed bool) {
	ctx := v.iterationContext(parent, timeout)
	w, err := v.newWorld()
	if err != nil {
		v.s.eng.failureSample(sc.Name + ": " + err.Error())
		return true
	}
	defer v.closeWorld(v.detached(parent), w)
	for _, st := range sc.Steps {
		err := st.Bound.Run(ctx, w)
		if st.Check {
			v.add(Sample{Metric: mChecks, Time: time.Now(), Value: b2f(err == nil), Tags: Tags{Scenario: v.s.name, Check: st.Text}})
			if err != nil {
				v.s.eng.checkFails.Add(1)
			}
		}
		if err != nil {
			if parent.Err() == nil {
				v.s.eng.failureSample(sc.Name + ": " + st.Text + ": " + err.Error())
			}
			return true
		}
	}
	return false
}

// iterationContext is the context an iteration runs under: its deadline
// is at most timeout away and at least 99 % of timeout. The VU makes one
// and keeps it for the iterations that start within the first 1 % of its
// time (while it is not done), instead of a timer context per iteration:
// making, watching (every request registers with it) and cancelling one
// cost the engine as much as a Then step does.
func (v *vu) iterationContext(parent context.Context, timeout time.Duration) context.Context {
	now := time.Now()
	if c := v.iterCtx; c != nil && v.iterParent == parent && c.Err() == nil {
		if d, _ := c.Deadline(); d.Sub(now) >= timeout-timeout/100 {
			return c
		}
	}
	if v.iterCancel != nil {
		v.iterCancel()
	}
	v.iterParent = parent
	v.iterCtx, v.iterCancel = context.WithDeadline(parent, now.Add(timeout))
	return v.iterCtx
}

// newWorld returns a fresh World for an iteration: the VU's own, reset,
// or a new one the first time.
func (v *vu) newWorld() (*steps.World, error) {
	if w := v.world; w != nil {
		v.world = nil
		w.Reset()
		return w, nil
	}
	return steps.NewWorld(v.target)
}

// detached is context.WithoutCancel(parent), made once for the VU's
// iterations under one parent: what a World's Close runs under, so that
// it restores what the scenario changed even after the iteration's
// deadline (the iteration's own context adds no values to parent's).
func (v *vu) detached(parent context.Context) context.Context {
	if v.closeParent != parent {
		v.closeParent, v.closeCtx = parent, context.WithoutCancel(parent)
	}
	return v.closeCtx
}

// closeWorld closes the iteration's World and keeps it for the next.
func (v *vu) closeWorld(ctx context.Context, w *steps.World) {
	_ = w.Close(ctx)
	v.world = w
}

// newClient is the run's HTTP client: keep-alive connections enough for
// every VU, counting the bytes written and read on them (data_sent,
// data_received).
func newClient(vus int, timeout time.Duration, sent, recv *atomic.Int64) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = vus * 2
	tr.MaxIdleConnsPerHost = vus * 2
	dial := (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, sent: sent, recv: recv}, nil
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// countingConn counts the bytes on a connection.
type countingConn struct {
	net.Conn
	sent, recv *atomic.Int64
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.recv.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.sent.Add(int64(n))
	return n, err
}
