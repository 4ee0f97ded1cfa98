package load

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/load/segment"
)

// Pacer is an open model's arrival schedule, in the spirit of vegeta's
// pacer: it says when the next iteration is due, and the executor starts
// iterations on that schedule whether or not earlier ones have finished.
type Pacer interface {
	// Pace returns how long to wait before the next iteration, given the
	// time since the executor started and the iterations started so far;
	// stop is true once the schedule is over.
	Pace(elapsed time.Duration, started uint64) (wait time.Duration, stop bool)
	// Rate is the arrival rate at elapsed, in iterations per second.
	Rate(elapsed time.Duration) float64
}

// rampPacer is a piecewise-linear rate: k6's ramping-arrival-rate, and
// constant-arrival-rate as one flat stage. Iteration n (from 0) is due when
// the integral of the rate reaches n, so the first starts at once.
type rampPacer struct {
	start  float64 // iterations per second at 0
	stages []pacerStage
}

type pacerStage struct {
	d      time.Duration
	target float64 // iterations per second at the stage's end
}

func newRampPacer(startRate float64, timeUnit time.Duration, stages []Stage) *rampPacer {
	per := float64(time.Second) / float64(timeUnit)
	p := &rampPacer{start: startRate * per}
	for _, s := range stages {
		p.stages = append(p.stages, pacerStage{d: time.Duration(s.Duration), target: s.Target * per})
	}
	return p
}

func (p *rampPacer) length() time.Duration {
	var t time.Duration
	for _, s := range p.stages {
		t += s.d
	}
	return t
}

// Rate returns the rate at elapsed.
func (p *rampPacer) Rate(elapsed time.Duration) float64 {
	r0 := p.start
	for _, s := range p.stages {
		if elapsed < s.d {
			return r0 + (s.target-r0)*float64(elapsed)/float64(s.d)
		}
		elapsed -= s.d
		r0 = s.target
	}
	return r0
}

// due returns when iteration n is due, or false when the schedule ends first.
func (p *rampPacer) due(n float64) (time.Duration, bool) {
	r0 := p.start
	var at time.Duration
	for _, s := range p.stages {
		d := s.d.Seconds()
		h := (r0 + s.target) / 2 * d
		if n <= h && d > 0 {
			var t float64
			if a := (s.target - r0) / (2 * d); math.Abs(a) < 1e-12 {
				t = n / r0
			} else {
				t = (-r0 + math.Sqrt(max(r0*r0+4*a*n, 0))) / (2 * a)
			}
			return at + time.Duration(t*float64(time.Second)), true
		}
		n -= h
		at += s.d
		r0 = s.target
	}
	return 0, false
}

// Pace implements Pacer.
func (p *rampPacer) Pace(elapsed time.Duration, started uint64) (time.Duration, bool) {
	if elapsed >= p.length() {
		return 0, true
	}
	at, ok := p.due(float64(started))
	if !ok || at >= p.length() {
		return 0, true
	}
	return max(at-elapsed, 0), false
}

// segmentPacer starts, of the whole test's schedule, only the iterations
// an execution segment owns, each when the whole test would start it: the
// part's k-th iteration is the whole test's iteration part.Global(k).
type segmentPacer struct {
	whole Pacer
	part  *segment.Part
}

// Pace implements Pacer.
func (p segmentPacer) Pace(elapsed time.Duration, started uint64) (time.Duration, bool) {
	return p.whole.Pace(elapsed, uint64(p.part.Global(int64(started))))
}

// Rate is the segment's mean share of the whole rate.
func (p segmentPacer) Rate(elapsed time.Duration) float64 {
	return p.part.ScaleRate(p.whole.Rate(elapsed))
}

// nonePacer starts nothing: an execution segment without VUs of this
// scenario owns none of its iterations.
type nonePacer struct{}

func (nonePacer) Pace(time.Duration, uint64) (time.Duration, bool) { return 0, true }
func (nonePacer) Rate(time.Duration) float64                       { return 0 }

// scenarioRun is one scenario running: its executor's view of the engine.
type scenarioRun struct {
	name    string
	cfg     ScenarioConfig
	eng     *engine
	pk      *picker
	active  atomic.Int64 // VUs iterating (closed) or busy (open)
	alloc   atomic.Int64 // VUs allocated
	dropped atomic.Int64
	wg      sync.WaitGroup
	start   time.Time
	iterCtx context.Context // cancelled when the graceful stop ends
	startNs atomic.Int64    // when the executor started (unix ns), 0 before
	seed    uint64
	nextVU  atomic.Uint64
}

// executor starts iterations until its schedule ends or startCtx is done;
// iterations run under iterCtx, which the engine cancels at the end of the
// graceful stop.
type executor interface {
	run(startCtx context.Context, s *scenarioRun)
}

func newExecutor(c ScenarioConfig) (executor, error) {
	switch c.Executor {
	case SharedIterations:
		return sharedIterations{vus: c.VUs, iterations: c.Iterations}, nil
	case PerVUIterations:
		return perVUIterations{vus: c.VUs, iterations: c.Iterations}, nil
	case ConstantVUs:
		n := c.VUs
		return closedModel{max: n, target: func(time.Duration) int { return n }}, nil
	case RampingVUs:
		p := newRampPacer(float64(*c.StartVUs), time.Second, c.Stages)
		n := c.MaxVUCount()
		return closedModel{max: n, target: func(el time.Duration) int { return int(math.Round(p.Rate(el))) }, stages: c.Stages,
			rampDown: time.Duration(*c.GracefulRampDown)}, nil
	case ConstantArrival, RampingArrivalRate:
		var p Pacer
		if c.Executor == ConstantArrival {
			p = newRampPacer(c.Rate, time.Duration(c.TimeUnit), []Stage{{Duration: c.Duration, Target: c.Rate}})
		} else {
			p = newRampPacer(c.StartRate, time.Duration(c.TimeUnit), c.Stages)
		}
		switch {
		case c.noArrivals:
			p = nonePacer{}
		case c.part != nil:
			p = segmentPacer{whole: p, part: c.part}
		}
		return openModel{pacer: p, pre: c.PreAllocatedVUs, max: c.MaxVUs, stages: c.Stages}, nil
	}
	return nil, fmt.Errorf("load: executor %q", c.Executor)
}

// stageAt names the stage at elapsed: "stage 2/4".
func stageAt(stages []Stage, elapsed time.Duration) string {
	if len(stages) == 0 {
		return ""
	}
	for i, s := range stages {
		if elapsed < time.Duration(s.Duration) {
			return fmt.Sprintf("stage %d/%d", i+1, len(stages))
		}
		elapsed -= time.Duration(s.Duration)
	}
	return fmt.Sprintf("stage %d/%d", len(stages), len(stages))
}

// openModel is an arrival-rate executor: iterations start on the pacer's
// schedule on a free VU from a pool of pre-allocated VUs that may grow to
// max; with none free, the iteration is dropped (dropped_iterations).
type openModel struct {
	pacer    Pacer
	pre, max int
	stages   []Stage
}

func (e openModel) run(ctx context.Context, s *scenarioRun) {
	free := make(chan *vu, e.max)
	for range e.pre {
		free <- s.newVU()
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var started uint64
	for {
		wait, stop := e.pacer.Pace(time.Since(s.start), started)
		if stop {
			return
		}
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		started++
		var v *vu
		select {
		case v = <-free:
		default:
			if int(s.alloc.Load()) < e.max {
				v = s.newVU()
			}
		}
		if v == nil {
			s.dropped.Add(1)
			s.eng.sample(Sample{Metric: mDroppedIterations, Time: time.Now(), Value: 1, Tags: Tags{Scenario: s.name}})
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.active.Add(1)
			s.iterate(v)
			s.active.Add(-1)
			free <- v
		}()
	}
}

// closedModel runs up to max VUs, each starting its next iteration when
// its last ends, while its index is below target(elapsed): k6's
// constant-vus and ramping-vus. A VU ramped down in the middle of an
// iteration gets rampDown (gracefulRampDown) to end it, then the
// iteration is interrupted.
type closedModel struct {
	max      int
	target   func(time.Duration) int
	stages   []Stage
	rampDown time.Duration
}

func (e closedModel) run(ctx context.Context, s *scenarioRun) {
	var wg sync.WaitGroup
	// inFlight[i] cancels VU i's running iteration; the watcher below
	// schedules that cancel when the VU is ramped down.
	type flight struct {
		mu      sync.Mutex
		cancel  context.CancelFunc
		stopper *time.Timer
	}
	inFlight := make([]flight, e.max)
	if e.stages != nil {
		done := make(chan struct{})
		defer close(done)
		go func() {
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				n := e.target(time.Since(s.start))
				for i := n; i < e.max; i++ {
					f := &inFlight[i]
					f.mu.Lock()
					if f.cancel != nil && f.stopper == nil {
						f.stopper = time.AfterFunc(e.rampDown, f.cancel)
					}
					f.mu.Unlock()
				}
			}
		}()
	}
	for i := range e.max {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v *vu
			on := false
			defer func() {
				if on {
					s.active.Add(-1)
				}
			}()
			for ctx.Err() == nil {
				if i >= e.target(time.Since(s.start)) {
					if on {
						on = false
						s.active.Add(-1)
					}
					select {
					case <-ctx.Done():
					case <-time.After(20 * time.Millisecond):
					}
					continue
				}
				if v == nil {
					v = s.newVU()
				}
				if !on {
					on = true
					s.active.Add(1)
				}
				if e.stages == nil {
					s.iterate(v)
					continue
				}
				ictx, cancel := context.WithCancel(s.iterCtx)
				f := &inFlight[i]
				f.mu.Lock()
				f.cancel = cancel
				f.mu.Unlock()
				s.iterateIn(ictx, v)
				f.mu.Lock()
				if f.stopper != nil {
					f.stopper.Stop()
				}
				f.cancel, f.stopper = nil, nil
				f.mu.Unlock()
				cancel()
			}
		}()
	}
	wg.Wait()
}

// sharedIterations: vus VUs share a budget of iterations.
type sharedIterations struct{ vus, iterations int }

func (e sharedIterations) run(ctx context.Context, s *scenarioRun) {
	var budget atomic.Int64
	budget.Store(int64(e.iterations))
	s.runVUs(e.vus, func(v *vu) {
		for ctx.Err() == nil && budget.Add(-1) >= 0 {
			s.iterate(v)
		}
	})
}

// perVUIterations: each of vus VUs makes iterations iterations.
type perVUIterations struct{ vus, iterations int }

func (e perVUIterations) run(ctx context.Context, s *scenarioRun) {
	s.runVUs(e.vus, func(v *vu) {
		for i := 0; i < e.iterations && ctx.Err() == nil; i++ {
			s.iterate(v)
		}
	})
}

// runVUs runs body on n new VUs at once, each active while body runs, and
// returns when every body has.
func (s *scenarioRun) runVUs(n int, body func(v *vu)) {
	var wg sync.WaitGroup
	for range n {
		v := s.newVU()
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.active.Add(1)
			defer s.active.Add(-1)
			body(v)
		}()
	}
	wg.Wait()
}
