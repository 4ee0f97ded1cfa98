package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ThresholdList is a threshold's conditions: strings ("p(95)<50") or
// objects with abortOnFail, as k6 takes them.
type ThresholdList []ThresholdSpec

// ThresholdSpec is one condition.
type ThresholdSpec struct {
	Threshold string `json:"threshold"`
	// AbortOnFail stops the run as soon as the condition fails (exit 1).
	AbortOnFail bool `json:"abortOnFail,omitempty"`
	// DelayAbortEval waits this long into the run before the condition
	// can abort it, so early samples do not.
	DelayAbortEval Duration `json:"delayAbortEval,omitempty"`
}

// UnmarshalJSON reads a string or an object.
func (s *ThresholdSpec) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &s.Threshold)
	}
	type plain ThresholdSpec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p plain
	if err := dec.Decode(&p); err != nil {
		return fmt.Errorf("threshold %s: %w", b, err)
	}
	*s = ThresholdSpec(p)
	return nil
}

// MarshalJSON writes a plain condition as a string.
func (s ThresholdSpec) MarshalJSON() ([]byte, error) {
	if !s.AbortOnFail && s.DelayAbortEval == 0 {
		return json.Marshal(s.Threshold)
	}
	type plain ThresholdSpec
	return json.Marshal(plain(s))
}

// Threshold is one parsed threshold key with its conditions.
type Threshold struct {
	// Key is as written: "http_req_duration{op:POST /payment/v1/card-payments}".
	Key    string
	Metric string
	Filter map[string]string
	Conds  []Cond
}

// Cond is one parsed condition: method(pct) op value.
type Cond struct {
	Spec   ThresholdSpec
	Method string
	Pct    float64
	Op     string
	Value  float64
}

var (
	thresholdKeyRE  = regexp.MustCompile(`^([a-z_]+)(?:\{(.*)\})?$`)
	thresholdCondRE = regexp.MustCompile(`^\s*(count|rate|value|avg|min|max|med|p\(\s*([0-9.]+)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?[0-9.]+(?:e-?[0-9]+)?)\s*$`)
)

// ParseThreshold parses a threshold key and its conditions and checks
// that the metric, tags and aggregation methods exist.
func ParseThreshold(key string, list ThresholdList) (*Threshold, error) {
	m := thresholdKeyRE.FindStringSubmatch(strings.TrimSpace(key))
	if m == nil {
		return nil, fmt.Errorf("threshold %q: want metric or metric{tag:value,...}", key)
	}
	id, ok := metricByName(m[1])
	if !ok {
		var names []string
		for _, d := range metricDefs {
			names = append(names, d.Name)
		}
		return nil, fmt.Errorf("threshold %q: unknown metric %q (known: %s)", key, m[1], strings.Join(names, ", "))
	}
	t := &Threshold{Key: key, Metric: m[1]}
	if m[2] != "" {
		t.Filter = map[string]string{}
		for _, part := range strings.Split(m[2], ",") {
			k, v, found := strings.Cut(part, ":")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !found || k == "" {
				return nil, fmt.Errorf("threshold %q: tag filter %q: want tag:value", key, part)
			}
			if (&Tags{}).field(k) == nil {
				return nil, fmt.Errorf("threshold %q: unknown tag %q (known: %s)", key, k, strings.Join(tagNames, ", "))
			}
			t.Filter[k] = v
		}
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("threshold %q: no condition", key)
	}
	probe := Agg{Def: metricDefs[id], Hist: &Histogram{}}
	for _, spec := range list {
		c := thresholdCondRE.FindStringSubmatch(spec.Threshold)
		if c == nil {
			return nil, fmt.Errorf("threshold %q: condition %q: want e.g. p(95)<50, avg<=200, rate>0.99, count>100", key, spec.Threshold)
		}
		cond := Cond{Spec: spec, Method: c[1], Op: c[3]}
		if c[2] != "" {
			cond.Method = "p"
			cond.Pct, _ = strconv.ParseFloat(c[2], 64)
			if cond.Pct <= 0 || cond.Pct > 100 {
				return nil, fmt.Errorf("threshold %q: %q: percentile must be in (0,100]", key, spec.Threshold)
			}
		}
		var err error
		if cond.Value, err = strconv.ParseFloat(c[4], 64); err != nil {
			return nil, fmt.Errorf("threshold %q: %q: %w", key, spec.Threshold, err)
		}
		if _, err := probe.Value(cond.Method, cond.Pct, time.Second); err != nil {
			return nil, fmt.Errorf("threshold %q: %w", key, err)
		}
		t.Conds = append(t.Conds, cond)
	}
	return t, nil
}

// ParseThresholds parses a profile's thresholds in key order.
func ParseThresholds(m map[string]ThresholdList) ([]*Threshold, error) {
	var out []*Threshold
	for _, k := range sortedKeys(m) {
		t, err := ParseThreshold(k, m[k])
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// ThresholdResult is one condition's verdict.
type ThresholdResult struct {
	Key       string  `json:"key"`
	Condition string  `json:"condition"`
	OK        bool    `json:"ok"`
	Value     float64 `json:"value"`
	// Unit of Value: "ms", "1" (a share), "count" or "count/s".
	Unit        string `json:"unit"`
	AbortOnFail bool   `json:"abort_on_fail,omitempty"`
	// Note says why a condition could not hold (no sample matched).
	Note string `json:"note,omitempty"`
}

// Evaluate returns each condition's verdict over m. A counter no sample
// matched counts 0 (no iteration dropped is dropped_iterations 0); any
// other metric with no matching sample fails, as its condition cannot be
// shown to hold (a p95 of an operation that was never called).
func (t *Threshold) Evaluate(m *MetricSet, elapsed time.Duration) []ThresholdResult {
	agg, any := m.Aggregate(t.Metric, t.Filter)
	if !any && agg.Def.Type == Counter {
		any = true
	}
	var out []ThresholdResult
	for _, c := range t.Conds {
		r := ThresholdResult{Key: t.Key, Condition: c.Spec.Threshold, AbortOnFail: c.Spec.AbortOnFail, Unit: unitOf(agg.Def, c.Method)}
		if !any {
			r.Note = "no sample matched"
			out = append(out, r)
			continue
		}
		v, err := agg.Value(c.Method, c.Pct, elapsed)
		if err != nil {
			r.Note = err.Error()
			out = append(out, r)
			continue
		}
		r.Value, r.OK = v, compare(v, c.Op, c.Value)
		out = append(out, r)
	}
	return out
}

func unitOf(d MetricDef, method string) string {
	switch {
	case d.Type == Rate:
		return "1"
	case d.Type == Trend && method != "count":
		return "ms"
	case d.Type == Counter && method == "rate":
		return "count/s"
	case d.Contains == "data":
		return "bytes"
	}
	return "count"
}

func compare(v float64, op string, x float64) bool {
	switch op {
	case "<":
		return v < x
	case "<=":
		return v <= x
	case ">":
		return v > x
	case ">=":
		return v >= x
	case "==", "===":
		return v == x
	case "!=":
		return v != x
	}
	return false
}

// EvaluateAll evaluates every threshold; passed is true when all hold.
func EvaluateAll(ts []*Threshold, m *MetricSet, elapsed time.Duration) (results []ThresholdResult, passed bool) {
	passed = true
	for _, t := range ts {
		for _, r := range t.Evaluate(m, elapsed) {
			passed = passed && r.OK
			results = append(results, r)
		}
	}
	return results, passed
}
