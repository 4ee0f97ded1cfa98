package load

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// ResultFormat names the result file's format (--summary-export).
const ResultFormat = "gatecheck-load-result/1"

// exportJSON is the result file: k6-style snake_case keys, every unit
// stated, the verdict and threshold results, the metrics as k6's summary
// export has them, and every series with its mergeable histogram, so that
// results of execution segments merge exactly (MergeResults).
type exportJSON struct {
	Format         string                    `json:"format"`
	Profile        string                    `json:"profile,omitempty"`
	Segment        string                    `json:"execution_segment,omitempty"`
	Start          time.Time                 `json:"start"`
	End            time.Time                 `json:"end"`
	DurationS      float64                   `json:"duration_s"`
	Verdict        string                    `json:"verdict"`
	Aborted        string                    `json:"aborted,omitempty"`
	Units          map[string]string         `json:"units"`
	Iterations     int                       `json:"iterations"`
	Failures       int                       `json:"failures"`
	Dropped        int                       `json:"dropped_iterations"`
	Interrupted    int                       `json:"interrupted_iterations"`
	Requests       int                       `json:"http_reqs"`
	MaxVUs         int                       `json:"vus_max"`
	RatePerS       float64                   `json:"rate_per_s"`
	Metrics        map[string]map[string]any `json:"metrics"`
	Thresholds     []ThresholdResult         `json:"thresholds"`
	ThreshDefs     map[string]ThresholdList  `json:"threshold_definitions,omitempty"`
	Scenarios      map[string]ScenarioConfig `json:"scenarios,omitempty"`
	Operations     map[string]*Histogram     `json:"provider_operations"`
	Harness        map[string]*Histogram     `json:"harness_traffic"`
	Flows          map[string]*Flow          `json:"flows"`
	ErrorGroups    map[string]int            `json:"error_groups"`
	Timeline       []Second                  `json:"timeline"`
	OpTimeline     []OpSecond                `json:"operation_timeline,omitempty"`
	FailureSamples []string                  `json:"failure_samples,omitempty"`
	Series         []*Series                 `json:"series"`
}

// MetricValues returns a metric's values as k6's summary export writes
// them: counter count and rate (per s), gauge value/min/max, rate
// rate/passes/fails, trend avg/min/med/max/p(90)/p(95)/p(99) in ms.
func (r *Result) MetricValues() map[string]map[string]any {
	out := map[string]map[string]any{}
	el := r.Elapsed()
	for _, d := range metricDefs {
		a, ok := r.Metrics.Aggregate(d.Name, nil)
		if !ok {
			continue
		}
		v := map[string]any{"type": d.Type.String(), "contains": d.Contains}
		switch d.Type {
		case Counter:
			v["count"] = a.Sum
			v["rate"] = round6(a.Sum / math.Max(el.Seconds(), 1e-9))
		case Gauge:
			v["value"], v["min"], v["max"] = a.Last, a.Min, a.Max
		case Rate:
			rate := 0.0
			if a.Count > 0 {
				rate = float64(a.Passes) / float64(a.Count)
			}
			v["rate"], v["passes"], v["fails"] = round6(rate), a.Passes, a.Count-a.Passes
		case Trend:
			s := a.Hist.Summary()
			v["avg"], v["min"], v["med"], v["max"] = round6(ms64(s.Mean)), round6(ms64(s.Min)), round6(ms64(s.P50)), round6(ms64(s.Max))
			v["p(90)"], v["p(95)"], v["p(99)"], v["count"] = round6(ms64(s.P90)), round6(ms64(s.P95)), round6(ms64(s.P99)), s.Count
		}
		out[d.Name] = v
	}
	return out
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// MarshalJSON writes the result file (see exportJSON); card numbers in
// flow names and failure messages are masked.
func (r *Result) MarshalJSON() ([]byte, error) {
	verdict := "pass"
	if !r.Passed() {
		verdict = "fail"
	}
	flows := map[string]*Flow{}
	for k, f := range r.Flows {
		g := *f
		g.Scenario = craftgate.MaskPANs(g.Scenario)
		flows[craftgate.MaskPANs(k)] = &g
	}
	var samples []string
	for _, s := range r.FailureSamples {
		samples = append(samples, craftgate.MaskPANs(s))
	}
	series := r.Metrics.All()
	for _, s := range series {
		for k, v := range s.Tags {
			s.Tags[k] = craftgate.MaskPANs(v)
		}
	}
	return json.Marshal(exportJSON{
		Format: ResultFormat, Profile: r.Profile, Segment: r.Segment, Start: r.Start, End: r.End,
		DurationS: round6(r.Elapsed().Seconds()), Verdict: verdict, Aborted: r.Aborted,
		Units:      map[string]string{"time": "ms (trend values, *_ms); us (histogram sum_us, min_us, max_us)", "data": "bytes", "rate": "share of samples, 0 to 1", "duration_s": "seconds"},
		Iterations: r.Iterations, Failures: r.Failures, Dropped: r.Dropped, Interrupted: r.Interrupted, Requests: r.Requests,
		MaxVUs: r.VUs, RatePerS: r.Rate, Metrics: r.MetricValues(), Thresholds: r.ThresholdResults, ThreshDefs: r.ThresholdDefs,
		Scenarios: r.Scenarios, Operations: r.Operations, Harness: r.Harness, Flows: flows, ErrorGroups: r.ErrorGroups,
		Timeline: r.Timeline, OpTimeline: r.OpTimeline, FailureSamples: samples, Series: series,
	})
}

// UnmarshalJSON reads a result file: the series, from which everything
// else derives, and the run's facts.
func (r *Result) UnmarshalJSON(b []byte) error {
	var in exportJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	if in.Format != ResultFormat {
		return fmt.Errorf("not a gatecheck load result (format %q, want %q)", in.Format, ResultFormat)
	}
	m := newMetricSet()
	for _, s := range in.Series {
		if err := m.addSeries(s); err != nil {
			return err
		}
	}
	*r = Result{Profile: in.Profile, Segment: in.Segment, Start: in.Start, End: in.End, Aborted: in.Aborted, VUs: in.MaxVUs, Rate: in.RatePerS,
		Interrupted: in.Interrupted, Metrics: m, ThresholdDefs: in.ThreshDefs, ThresholdResults: in.Thresholds, Scenarios: in.Scenarios,
		Timeline: in.Timeline, OpTimeline: in.OpTimeline, FailureSamples: in.FailureSamples}
	r.derive()
	r.ThresholdsPassed = true
	for _, t := range r.ThresholdResults {
		r.ThresholdsPassed = r.ThresholdsPassed && t.OK
	}
	return nil
}

// ReadResult reads a result file written by --summary-export.
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("load: %s: %w", path, err)
	}
	return &r, nil
}

// MergeResults combines the results of the segments of one run into one:
// every series merged exactly (counters and rates added, histograms merged
// bucket by bucket), timelines aligned on wall-clock seconds, and the
// thresholds evaluated again on the merged metrics. The thresholds are the
// first result's; every result must carry the same ones.
func MergeResults(rs ...*Result) (*Result, error) {
	if len(rs) == 0 {
		return nil, errors.New("load: merge: no result")
	}
	out := &Result{Profile: rs[0].Profile, Start: rs[0].Start, End: rs[0].End, Metrics: newMetricSet(),
		ThresholdDefs: rs[0].ThresholdDefs, Scenarios: rs[0].Scenarios}
	seen := map[string]bool{}
	var aborted []string
	for i, r := range rs {
		if fmt.Sprint(r.ThresholdDefs) != fmt.Sprint(out.ThresholdDefs) {
			return nil, fmt.Errorf("load: merge: result %d has other thresholds than result 1", i+1)
		}
		if r.Start.Before(out.Start) {
			out.Start = r.Start
		}
		if r.End.After(out.End) {
			out.End = r.End
		}
		out.Metrics.Merge(r.Metrics)
		out.VUs += r.VUs
		out.Rate += r.Rate
		out.Interrupted += r.Interrupted
		if r.Aborted != "" {
			aborted = append(aborted, r.Aborted)
		}
		for _, s := range r.FailureSamples {
			if !seen[s] && len(out.FailureSamples) < 20 {
				seen[s] = true
				out.FailureSamples = append(out.FailureSamples, s)
			}
		}
	}
	secs := map[int]*Second{}
	type opKey struct {
		at int
		op string
	}
	ops := map[opKey]*OpSecond{}
	for _, r := range rs {
		off := int(r.Start.Sub(out.Start) / time.Second)
		for _, s := range r.Timeline {
			t := secs[s.At+off]
			if t == nil {
				t = &Second{At: s.At + off}
				secs[s.At+off] = t
			}
			t.Iterations += s.Iterations
			t.Failures += s.Failures
			t.Requests += s.Requests
		}
		for _, p := range r.OpTimeline {
			k := opKey{p.At + off, p.Op}
			if o := ops[k]; o != nil {
				// Per-second quantiles cannot be merged exactly; the
				// larger is kept (the run's quantiles are exact).
				o.Count += p.Count
				o.P50MS, o.P95MS, o.MaxMS = math.Max(o.P50MS, p.P50MS), math.Max(o.P95MS, p.P95MS), math.Max(o.MaxMS, p.MaxMS)
			} else {
				q := p
				q.At = k.at
				ops[k] = &q
			}
		}
	}
	for _, s := range secs {
		out.Timeline = append(out.Timeline, *s)
	}
	sort.Slice(out.Timeline, func(i, j int) bool { return out.Timeline[i].At < out.Timeline[j].At })
	for _, o := range ops {
		out.OpTimeline = append(out.OpTimeline, *o)
	}
	sort.Slice(out.OpTimeline, func(i, j int) bool {
		a, b := out.OpTimeline[i], out.OpTimeline[j]
		return a.At < b.At || a.At == b.At && a.Op < b.Op
	})
	sort.Strings(out.FailureSamples)
	if len(aborted) > 0 {
		out.Aborted = aborted[0]
	}
	out.derive()
	ths, err := ParseThresholds(out.ThresholdDefs)
	if err != nil {
		return nil, fmt.Errorf("load: merge: %w", err)
	}
	out.ThresholdResults, out.ThresholdsPassed = EvaluateAll(ths, out.Metrics, out.Elapsed())
	return out, nil
}
