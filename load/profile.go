package load

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Profile is a named, bounded load run with pass/fail thresholds, kept as
// a JSON file under scenarios/ (smoke, peak, soak, error storm), so a team
// versions its load tests next to its features.
type Profile struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Mix         string   `json:"mix,omitempty"`
	VUs         int      `json:"vus,omitempty"`
	Rate        float64  `json:"rate,omitempty"`
	Duration    Duration `json:"duration,omitempty"`
	Iterations  int      `json:"iterations,omitempty"`
	// RBSTarget is the Alfa-Bank gateway of the @rbs scenarios (gatecheck
	// load --rbs-target) unless the flag is given: "mock" is the RBS mock
	// that the Craftgate mock serves under /rbs/, whose calls the run
	// measures (the default, an in-process mock per scenario, is not
	// reached over HTTP, so it measures no request).
	RBSTarget  string     `json:"rbsTarget,omitempty"`
	Thresholds Thresholds `json:"thresholds"`
}

// Thresholds fail a run. Absent thresholds are not checked.
type Thresholds struct {
	// MaxFailureRate is the highest allowed share of failed iterations
	// (0 = no failure allowed).
	MaxFailureRate *float64 `json:"maxFailureRate,omitempty"`
	// P95 maps an operation name (see OperationName; "*" for every
	// operation) to its highest allowed 95th-percentile latency.
	P95 map[string]Duration `json:"p95,omitempty"`
	// MinIterations is the least number of iterations the run must make.
	MinIterations int `json:"minIterations,omitempty"`
	// MaxDropped is the highest allowed number of dropped iterations (open
	// model); nil means not checked.
	MaxDropped *int `json:"maxDropped,omitempty"`
}

// Duration is a time.Duration written as "30s" in JSON.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("duration %s: want a string such as \"30s\"", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return fmt.Errorf("duration %q: want a positive Go duration such as \"30s\"", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// ReadProfile reads a profile file. Unknown fields are refused, so a typo
// in a threshold does not silently disable it.
func ReadProfile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load: profile: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("load: profile %s: %w", path, err)
	}
	if p.Duration <= 0 && p.Iterations <= 0 {
		return nil, fmt.Errorf("load: profile %s: needs a duration or an iteration count", path)
	}
	if p.Mix != "" {
		if _, err := ParseMix(p.Mix); err != nil {
			return nil, fmt.Errorf("load: profile %s: %w", path, err)
		}
	}
	return &p, nil
}

// Check returns the thresholds r violates, one sentence each, in a stable
// order; none means the run passed.
func (t Thresholds) Check(r *Result) []string {
	var out []string
	if t.MaxFailureRate != nil && r.FailureRate() > *t.MaxFailureRate {
		out = append(out, fmt.Sprintf("failure rate %.4f exceeds %.4f (%d of %d iterations failed)", r.FailureRate(), *t.MaxFailureRate, r.Failures, r.Iterations))
	}
	if t.MinIterations > 0 && r.Iterations < t.MinIterations {
		out = append(out, fmt.Sprintf("%d iterations, fewer than %d", r.Iterations, t.MinIterations))
	}
	if t.MaxDropped != nil && r.Dropped > *t.MaxDropped {
		out = append(out, fmt.Sprintf("%d iterations dropped, more than %d", r.Dropped, *t.MaxDropped))
	}
	ops := make([]string, 0, len(t.P95))
	for op := range t.P95 {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		limit := time.Duration(t.P95[op])
		matched := false
		for name, h := range r.Operations {
			if op != "*" && name != op {
				continue
			}
			matched = true
			if p := h.Quantile(0.95); p > limit {
				out = append(out, fmt.Sprintf("p95 of %s is %s, above %s", name, p.Round(time.Microsecond), limit))
			}
		}
		if !matched && op != "*" {
			out = append(out, fmt.Sprintf("no %s request was made, so its p95 threshold cannot hold", op))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.Compare(out[i], out[j]) < 0 })
	return out
}
