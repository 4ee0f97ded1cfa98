package load

import (
	"fmt"
	"strings"
	"time"
)

// aggregator owns every metric of a run: one goroutine ingests the VUs'
// sample batches, so recording takes no lock on the hot path. Once a
// second it samples the gauges and the byte counters, reports progress
// and evaluates the thresholds that may abort the run.
type aggregator struct {
	e       *engine
	ths     []*Threshold
	m       *MetricSet
	stop    chan struct{}
	secs    []Second
	opSecs  map[int]map[string]*Histogram
	opDone  []OpSecond
	closed  int // seconds before this are closed
	lastIts int64
}

func newAggregator(e *engine, ths []*Threshold) *aggregator {
	return &aggregator{e: e, ths: ths, m: newMetricSet(), stop: make(chan struct{}), opSecs: map[int]map[string]*Histogram{}}
}

func (a *aggregator) loop(abort func(error), runs []*scenarioRun) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var lastSent, lastRecv int64
	gauges := func(now time.Time) {
		var act, alloc int64
		for _, r := range runs {
			act += r.active.Load()
			alloc += r.alloc.Load()
		}
		sent, recv := a.e.sent.Load(), a.e.recv.Load()
		batch := []Sample{
			{Metric: mVUs, Time: now, Value: float64(act)},
			{Metric: mVUsMax, Time: now, Value: float64(alloc)},
		}
		if sent > lastSent {
			batch = append(batch, Sample{Metric: mDataSent, Time: now, Value: float64(sent - lastSent)})
		}
		if recv > lastRecv {
			batch = append(batch, Sample{Metric: mDataReceived, Time: now, Value: float64(recv - lastRecv)})
		}
		lastSent, lastRecv = sent, recv
		a.e.miscMu.Lock()
		batch = append(batch, a.e.misc...)
		a.e.misc = a.e.misc[:0]
		a.e.miscMu.Unlock()
		a.ingest(batch)
	}
	gauges(time.Now())
	for {
		select {
		case b := <-a.e.ch:
			a.ingest(*b)
			a.e.pool.Put(b)
		case now := <-tick.C:
			gauges(now)
			a.closeSeconds(int(now.Sub(a.e.start)/time.Second) - 2)
			if why := a.abortReason(now.Sub(a.e.start)); why != "" {
				abort(fmt.Errorf("%s", why))
			}
			if a.e.opts.Progress != nil {
				a.e.opts.Progress(a.progress(now, runs))
			}
		case <-a.stop:
			for {
				select {
				case b := <-a.e.ch:
					a.ingest(*b)
					a.e.pool.Put(b)
					continue
				default:
				}
				break
			}
			gauges(time.Now())
			a.closeSeconds(1 << 30)
			return
		}
	}
}

func (a *aggregator) ingest(batch []Sample) {
	for i := range batch {
		s := &batch[i]
		a.m.add(s)
		sec := int(s.Time.Sub(a.e.start) / time.Second)
		switch s.Metric {
		case mIterations:
			a.second(sec).Iterations++
		case mFlowFailed:
			if s.Value != 0 {
				a.second(sec).Failures++
			}
		case mHTTPReqDuration:
			// Bucketed by when the answer ended, so a closed second
			// receives nothing more.
			end := sec
			if d := time.Duration(s.Value * 1e6); d > 0 {
				end = int(s.Time.Add(d).Sub(a.e.start) / time.Second)
			}
			a.second(end).Requests++
			if s.Tags.Traffic == "provider" && end >= a.closed {
				m := a.opSecs[end]
				if m == nil {
					m = map[string]*Histogram{}
					a.opSecs[end] = m
				}
				h := m[s.Tags.Op]
				if h == nil {
					h = &Histogram{}
					m[s.Tags.Op] = h
				}
				h.recordMicros(int64(s.Value * 1000))
			}
		}
	}
	for _, o := range a.e.opts.Outputs {
		o.AddSamples(batch)
	}
}

func (a *aggregator) second(i int) *Second {
	i = max(i, 0)
	for len(a.secs) <= i {
		a.secs = append(a.secs, Second{At: len(a.secs)})
	}
	return &a.secs[i]
}

// closeSeconds turns the per-operation histograms of the seconds before
// upTo into points.
func (a *aggregator) closeSeconds(upTo int) {
	for sec, m := range a.opSecs {
		if sec >= upTo {
			continue
		}
		for _, op := range sortedKeys(m) {
			h := m[op]
			a.opDone = append(a.opDone, OpSecond{At: sec, Op: op, Count: int(h.Count()), P50MS: msf(h.Quantile(0.5)), P95MS: msf(h.Quantile(0.95)), MaxMS: msf(h.Max())})
		}
		delete(a.opSecs, sec)
	}
	a.closed = max(a.closed, upTo)
}

// abortReason evaluates the abortOnFail conditions past their delay.
func (a *aggregator) abortReason(elapsed time.Duration) string {
	for _, t := range a.ths {
		for i, r := range t.Evaluate(a.m, elapsed) {
			c := t.Conds[i]
			if c.Spec.AbortOnFail && elapsed >= time.Duration(c.Spec.DelayAbortEval) && !r.OK && r.Note == "" {
				return fmt.Sprintf("threshold %s %s crossed (value %s): abortOnFail stopped the run", t.Key, c.Spec.Threshold, formatValue(r.Value, r.Unit))
			}
		}
	}
	return ""
}

func (a *aggregator) progress(now time.Time, runs []*scenarioRun) Progress {
	p := Progress{Elapsed: now.Sub(a.e.start), Iterations: a.e.iterations.Load(), Failures: a.e.failures.Load(),
		ChecksFails: a.e.checkFails.Load()}
	var stages []string
	for _, r := range runs {
		p.ActiveVUs += r.active.Load()
		p.AllocatedVUs += r.alloc.Load()
		p.Dropped += r.dropped.Load()
		st := r.startNs.Load()
		if st == 0 {
			stages = append(stages, r.name+": waiting")
			continue
		}
		el := now.Sub(time.Unix(0, st))
		desc := r.name + ": "
		switch {
		case el >= r.cfg.length():
			desc += "stopping"
		case len(r.cfg.Stages) > 0:
			desc += stageAt(r.cfg.Stages, el)
		default:
			desc += fmt.Sprintf("%s/%s", el.Truncate(time.Second), r.cfg.length())
		}
		stages = append(stages, desc)
	}
	p.Stage = strings.Join(stages, ", ")
	p.IterationsPerSecond = float64(p.Iterations - a.lastIts)
	a.lastIts = p.Iterations
	for _, s := range a.m.series {
		if s.id == mHTTPReqs {
			p.Requests += int64(s.Sum)
		}
	}
	return p
}

// result builds the result from the metrics.
func (a *aggregator) result(start, end time.Time) *Result {
	r := &Result{Start: start, End: end, Metrics: a.m, Timeline: a.secs, OpTimeline: a.opDone}
	last := int(end.Sub(start) / time.Second)
	if len(r.Timeline) > last+1 {
		r.Timeline = r.Timeline[:last+1]
	}
	r.derive()
	return r
}

// derive fills the per-operation, per-flow and error-group views and the
// counts from the metrics.
func (r *Result) derive() {
	r.Operations, r.Harness = map[string]*Histogram{}, map[string]*Histogram{}
	r.Flows, r.ErrorGroups = map[string]*Flow{}, map[string]int{}
	r.Iterations, r.Failures, r.Requests, r.Dropped = 0, 0, 0, 0
	for k, s := range r.Metrics.series {
		switch k.metric {
		case mHTTPReqDuration:
			m := r.Harness
			if k.tags.Traffic == "provider" {
				m = r.Operations
			}
			h := m[k.tags.Op]
			if h == nil {
				h = &Histogram{}
				m[k.tags.Op] = h
			}
			h.Merge(s.Hist)
		case mHTTPReqs:
			r.Requests += int(s.Sum)
		case mIterations:
			r.Iterations += int(s.Sum)
		case mDroppedIterations:
			r.Dropped += int(s.Sum)
		case mFlowDuration, mFlowFailed:
			f := r.Flows[k.tags.Flow]
			if f == nil {
				f = &Flow{Scenario: k.tags.Flow, Duration: &Histogram{}}
				r.Flows[k.tags.Flow] = f
			}
			if k.metric == mFlowDuration {
				f.Duration.Merge(s.Hist)
				f.Iterations += int(s.Count)
			} else {
				f.Failures += int(s.Passes)
				r.Failures += int(s.Passes)
			}
		case mErrorAnswers:
			r.ErrorGroups[k.tags.Group] += int(s.Sum)
		}
	}
}
