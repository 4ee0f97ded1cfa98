package reports

import (
	"math"
	"sort"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/load"
)

// LoadSummary is the load stage's result in report form: durations in
// milliseconds, operations and flows sorted by name.
type LoadSummary struct {
	Start               time.Time       `json:"start"`
	End                 time.Time       `json:"end"`
	ElapsedSeconds      float64         `json:"elapsedSeconds"`
	VUs                 int             `json:"vus"`
	Rate                float64         `json:"rate,omitempty"`
	Iterations          int             `json:"iterations"`
	Failures            int             `json:"failures"`
	Dropped             int             `json:"dropped,omitempty"`
	Requests            int             `json:"requests"`
	IterationsPerSecond float64         `json:"iterationsPerSecond"`
	FailureRate         float64         `json:"failureRate"`
	Operations          []OpLatency     `json:"operations"`
	Flows               []FlowSummary   `json:"flows,omitempty"`
	Timeline            []TimelinePoint `json:"timeline,omitempty"`
	FailureSamples      []string        `json:"failureSamples,omitempty"`
}

// OpLatency is one operation's HTTP latency, in milliseconds.
type OpLatency struct {
	Name  string  `json:"name"`
	Count uint64  `json:"count"`
	Min   float64 `json:"minMs"`
	Mean  float64 `json:"meanMs"`
	P50   float64 `json:"p50Ms"`
	P90   float64 `json:"p90Ms"`
	P95   float64 `json:"p95Ms"`
	P99   float64 `json:"p99Ms"`
	Max   float64 `json:"maxMs"`
}

// FlowSummary is one scenario's outcome under load.
type FlowSummary struct {
	Scenario   string  `json:"scenario"`
	Iterations int     `json:"iterations"`
	Failures   int     `json:"failures"`
	P50        float64 `json:"p50Ms"`
	P95        float64 `json:"p95Ms"`
}

// TimelinePoint is one second of the load run.
type TimelinePoint struct {
	At         int `json:"at"`
	Iterations int `json:"iterations"`
	Failures   int `json:"failures"`
	Requests   int `json:"requests"`
}

// ms converts a duration to milliseconds rounded to the microsecond, so
// the numbers stay short in every output.
func ms(d time.Duration) float64 { return round(float64(d)/1e6, 3) }

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// summarizeLoad converts a load result; nil stays nil.
func summarizeLoad(r *load.Result) *LoadSummary {
	if r == nil {
		return nil
	}
	mask := craftgate.MaskPANs
	s := &LoadSummary{Start: r.Start, End: r.End, ElapsedSeconds: round(r.Elapsed().Seconds(), 3), VUs: r.VUs,
		Rate: round(r.Rate, 3), Iterations: r.Iterations, Failures: r.Failures, Dropped: r.Dropped, Requests: r.Requests,
		IterationsPerSecond: round(r.IterationsPerSecond(), 3), FailureRate: round(r.FailureRate(), 6)}
	for name, h := range r.Operations {
		if h == nil {
			continue
		}
		q := h.Summary()
		s.Operations = append(s.Operations, OpLatency{Name: mask(name), Count: q.Count, Min: ms(q.Min), Mean: ms(q.Mean),
			P50: ms(q.P50), P90: ms(q.P90), P95: ms(q.P95), P99: ms(q.P99), Max: ms(q.Max)})
	}
	sort.Slice(s.Operations, func(i, j int) bool { return s.Operations[i].Name < s.Operations[j].Name })
	for name, f := range r.Flows {
		if f == nil {
			continue
		}
		fs := FlowSummary{Scenario: mask(name), Iterations: f.Iterations, Failures: f.Failures}
		if f.Duration != nil {
			fs.P50, fs.P95 = ms(f.Duration.Quantile(0.5)), ms(f.Duration.Quantile(0.95))
		}
		s.Flows = append(s.Flows, fs)
	}
	sort.Slice(s.Flows, func(i, j int) bool { return s.Flows[i].Scenario < s.Flows[j].Scenario })
	for _, sec := range r.Timeline {
		s.Timeline = append(s.Timeline, TimelinePoint{At: sec.At, Iterations: sec.Iterations, Failures: sec.Failures, Requests: sec.Requests})
	}
	for _, f := range r.FailureSamples {
		s.FailureSamples = append(s.FailureSamples, mask(f))
	}
	return s
}

// Op returns the named operation's latency, or nil.
func (s *LoadSummary) Op(name string) *OpLatency {
	if s == nil {
		return nil
	}
	for i := range s.Operations {
		if s.Operations[i].Name == name {
			return &s.Operations[i]
		}
	}
	return nil
}
