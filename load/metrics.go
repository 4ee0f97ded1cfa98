package load

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// MetricType is a k6 metric type.
type MetricType uint8

// The k6 metric types.
const (
	Counter MetricType = iota
	Gauge
	Rate
	Trend
)

func (t MetricType) String() string {
	return [...]string{"counter", "gauge", "rate", "trend"}[t]
}

// MetricDef describes one metric: k6's built-in ones under k6's names, and
// gatecheck's own.
type MetricDef struct {
	Name string
	Type MetricType
	// Contains is k6's value kind: "time" (milliseconds), "data" (bytes)
	// or "default".
	Contains string
	Desc     string
}

type metricID uint8

const (
	mHTTPReqs metricID = iota
	mHTTPReqDuration
	mHTTPReqFailed
	mIterations
	mIterationDuration
	mDroppedIterations
	mVUs
	mVUsMax
	mDataSent
	mDataReceived
	mChecks
	mFlowDuration
	mFlowFailed
	mErrorAnswers
	numMetrics
)

// Metrics lists every metric the engine records, in summary order.
func Metrics() []MetricDef {
	return []MetricDef{
		mHTTPReqs:          {"http_reqs", Counter, "default", "HTTP requests made"},
		mHTTPReqDuration:   {"http_req_duration", Trend, "time", "time from sending a request to reading its whole answer (ms)"},
		mHTTPReqFailed:     {"http_req_failed", Rate, "default", "share of requests answered outside 200-399 or not answered"},
		mIterations:        {"iterations", Counter, "default", "iterations completed"},
		mIterationDuration: {"iteration_duration", Trend, "time", "time of one whole iteration (ms)"},
		mDroppedIterations: {"dropped_iterations", Counter, "default", "iterations an arrival-rate executor could not start for want of a VU"},
		mVUs:               {"vus", Gauge, "default", "active virtual users"},
		mVUsMax:            {"vus_max", Gauge, "default", "virtual users allocated"},
		mDataSent:          {"data_sent", Counter, "data", "bytes written on the connections (bytes)"},
		mDataReceived:      {"data_received", Counter, "data", "bytes read from the connections (bytes)"},
		mChecks:            {"checks", Rate, "default", "share of passed Then assertions"},
		mFlowDuration:      {"flow_duration", Trend, "time", "time of one Gherkin scenario (flow) per k6 scenario (ms)"},
		mFlowFailed:        {"flow_failed", Rate, "default", "share of flows (iterations) in which a step failed"},
		mErrorAnswers:      {"error_answers", Counter, "default", "provider error answers by error group"},
	}
}

var metricDefs = Metrics()

func metricByName(name string) (metricID, bool) {
	for i, d := range metricDefs {
		if d.Name == name {
			return metricID(i), true
		}
	}
	return 0, false
}

// Tags are a sample's tags. Every tag is a fixed field, so a tag set is a
// comparable value (a map key) and recording one allocates nothing.
type Tags struct {
	// Scenario is the k6 scenario (profile scenario name).
	Scenario string
	// Op is the operation: method and path template (OperationName).
	Op string
	// Status is the HTTP status ("0" when no answer came).
	Status string
	// ExpectedResponse is "true" for a status in 200-399, as k6's default.
	ExpectedResponse string
	// Traffic separates provider operations ("provider") from the
	// harness's own traffic: the mock's pages and admin routes ("mock")
	// and the merchant receiver ("merchant").
	Traffic string
	// Flow is the Gherkin scenario name.
	Flow string
	// Check is a Then step's text.
	Check string
	// Group is a provider error answer's errorGroup.
	Group string
}

// tagFields are the tags in the order a threshold filter or an output
// writes them: each one's key and its field of Tags.
var tagFields = []struct {
	key   string
	field func(*Tags) *string
}{
	{"scenario", func(t *Tags) *string { return &t.Scenario }},
	{"op", func(t *Tags) *string { return &t.Op }},
	{"status", func(t *Tags) *string { return &t.Status }},
	{"expected_response", func(t *Tags) *string { return &t.ExpectedResponse }},
	{"traffic", func(t *Tags) *string { return &t.Traffic }},
	{"flow", func(t *Tags) *string { return &t.Flow }},
	{"check", func(t *Tags) *string { return &t.Check }},
	{"group", func(t *Tags) *string { return &t.Group }},
}

// tagNames are the tag keys, as a threshold filter or an output writes them.
var tagNames = func() []string {
	names := make([]string, len(tagFields))
	for i, f := range tagFields {
		names[i] = f.key
	}
	return names
}()

// field returns the field of t that the tag key names, nil for an unknown
// key.
func (t *Tags) field(key string) *string {
	for _, f := range tagFields {
		if f.key == key {
			return f.field(t)
		}
	}
	return nil
}

// Map returns the set tags by key.
func (t Tags) Map() map[string]string {
	m := map[string]string{}
	for _, k := range tagNames {
		if v := *t.field(k); v != "" {
			m[k] = v
		}
	}
	return m
}

// String writes the tags as k6 writes a sub-metric's: "{op:GET /x,status:200}".
func (t Tags) String() string {
	var parts []string
	for _, k := range tagNames {
		if v := *t.field(k); v != "" {
			parts = append(parts, k+":"+v)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// tagsFromMap is the inverse of Map.
func tagsFromMap(m map[string]string) (Tags, error) {
	var t Tags
	for k, v := range m {
		f := t.field(k)
		if f == nil {
			return t, fmt.Errorf("unknown tag %q (known: %s)", k, strings.Join(tagNames, ", "))
		}
		*f = v
	}
	return t, nil
}

// matches reports whether t has every tag of filter.
func (t Tags) matches(filter map[string]string) bool {
	for k, v := range filter {
		f := t.field(k)
		if f == nil || *f != v {
			return false
		}
	}
	return true
}

// Sample is one measurement, as k6 emits them.
type Sample struct {
	Metric metricID
	Time   time.Time
	// Value is in the metric's unit: milliseconds for time, bytes for
	// data, 0 or 1 for a rate.
	Value float64
	Tags  Tags
}

type seriesKey struct {
	metric metricID
	tags   Tags
}

// Series is one metric with one tag set, aggregated over the run.
type Series struct {
	Metric string `json:"metric"`
	// Tags are the series' tags.
	Tags map[string]string `json:"tags,omitempty"`
	// Count is the number of samples; for a counter, also Sum.
	Count int64 `json:"count"`
	// Sum is a counter's total.
	Sum float64 `json:"sum,omitempty"`
	// Passes is a rate's number of non-zero samples.
	Passes int64 `json:"passes,omitempty"`
	// Min, Max and Last are a gauge's.
	Min  float64 `json:"min,omitempty"`
	Max  float64 `json:"max,omitempty"`
	Last float64 `json:"last,omitempty"`
	// Hist is a trend's histogram, mergeable.
	Hist *Histogram `json:"hist,omitempty"`

	id   metricID
	tags Tags
}

func (s *Series) add(typ MetricType, v float64) {
	switch typ {
	case Counter:
		s.Sum += v
	case Rate:
		if v != 0 {
			s.Passes++
		}
	case Gauge:
		if s.Count == 0 || v < s.Min {
			s.Min = v
		}
		if s.Count == 0 || v > s.Max {
			s.Max = v
		}
		s.Last = v
	case Trend:
		if s.Hist == nil {
			s.Hist = &Histogram{}
		}
		s.Hist.recordMicros(int64(math.Round(v * 1000)))
	}
	s.Count++
}

// merge adds o (of the same metric) to s.
func (s *Series) merge(typ MetricType, o *Series) {
	switch typ {
	case Counter:
		s.Sum += o.Sum
	case Rate:
		s.Passes += o.Passes
	case Gauge:
		// Segments run side by side: their gauges add up.
		s.Min += o.Min
		s.Max += o.Max
		s.Last += o.Last
	case Trend:
		if s.Hist == nil {
			s.Hist = &Histogram{}
		}
		s.Hist.Merge(o.Hist)
	}
	s.Count += o.Count
}

// MetricSet is every series of a run, by metric and tags. It is what
// thresholds, the summary and the merge of results read.
type MetricSet struct {
	series map[seriesKey]*Series
}

func newMetricSet() *MetricSet { return &MetricSet{series: map[seriesKey]*Series{}} }

func (m *MetricSet) add(s *Sample) {
	k := seriesKey{s.Metric, s.Tags}
	ser := m.series[k]
	if ser == nil {
		ser = &Series{Metric: metricDefs[s.Metric].Name, id: s.Metric, tags: s.Tags}
		m.series[k] = ser
	}
	ser.add(metricDefs[s.Metric].Type, s.Value)
}

// All returns the series in a stable order.
func (m *MetricSet) All() []*Series {
	out := make([]*Series, 0, len(m.series))
	for _, s := range m.series {
		s.Tags = s.tags.Map()
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].id != out[j].id {
			return out[i].id < out[j].id
		}
		return out[i].tags.String() < out[j].tags.String()
	})
	return out
}

// Merge adds every series of o to m.
func (m *MetricSet) Merge(o *MetricSet) {
	for k, s := range o.series {
		t := m.series[k]
		if t == nil {
			t = &Series{Metric: s.Metric, id: s.id, tags: s.tags}
			m.series[k] = t
		}
		t.merge(metricDefs[k.metric].Type, s)
	}
}

// addSeries adds a series read from a result file.
func (m *MetricSet) addSeries(s *Series) error {
	id, ok := metricByName(s.Metric)
	if !ok {
		return fmt.Errorf("unknown metric %q", s.Metric)
	}
	tags, err := tagsFromMap(s.Tags)
	if err != nil {
		return err
	}
	s.id, s.tags = id, tags
	if metricDefs[id].Type == Trend && s.Hist == nil {
		return fmt.Errorf("trend %s%s has no histogram", s.Metric, tags)
	}
	o := newMetricSet()
	o.series[seriesKey{id, tags}] = s
	m.Merge(o)
	return nil
}

// Agg is a metric aggregated over the series a tag filter selects.
type Agg struct {
	Def    MetricDef
	Count  int64
	Sum    float64
	Passes int64
	// Min, Max, Last: a gauge's.
	Min, Max, Last float64
	Hist           *Histogram
}

// Aggregate merges the series of metric name whose tags have every tag
// of filter; ok is false when none does.
func (m *MetricSet) Aggregate(name string, filter map[string]string) (a Agg, ok bool) {
	id, known := metricByName(name)
	if !known {
		return a, false
	}
	a.Def = metricDefs[id]
	acc := &Series{id: id}
	for k, s := range m.series {
		if k.metric != id || !k.tags.matches(filter) {
			continue
		}
		if !ok && a.Def.Type == Gauge {
			acc.Min, acc.Max, acc.Last = s.Min, s.Max, s.Last
			acc.Count = s.Count
			ok = true
			continue
		}
		ok = true
		if a.Def.Type == Gauge {
			// Different tag sets of one gauge are different gauges: keep
			// the extremes.
			acc.Min, acc.Max = math.Min(acc.Min, s.Min), math.Max(acc.Max, s.Max)
			acc.Last = s.Last
			acc.Count += s.Count
			continue
		}
		acc.merge(a.Def.Type, s)
	}
	a.Count, a.Sum, a.Passes, a.Min, a.Max, a.Last, a.Hist = acc.Count, acc.Sum, acc.Passes, acc.Min, acc.Max, acc.Last, acc.Hist
	if a.Hist == nil {
		a.Hist = &Histogram{}
	}
	return a, ok
}

// Value returns an aggregation method's value as k6's thresholds name
// them: count and rate (counter, per second over elapsed), value
// (gauge: last), rate (rate), avg, min, max, med and p(N) (trend, in
// milliseconds).
func (a Agg) Value(method string, pct float64, elapsed time.Duration) (float64, error) {
	switch a.Def.Type {
	case Counter:
		switch method {
		case "count":
			return a.Sum, nil
		case "rate":
			if elapsed <= 0 {
				return 0, nil
			}
			return a.Sum / elapsed.Seconds(), nil
		}
	case Gauge:
		switch method {
		case "value":
			return a.Last, nil
		case "min":
			return a.Min, nil
		case "max":
			return a.Max, nil
		}
	case Rate:
		if method == "rate" {
			if a.Count == 0 {
				return 0, nil
			}
			return float64(a.Passes) / float64(a.Count), nil
		}
	case Trend:
		h := a.Hist
		switch method {
		case "avg":
			return ms64(h.Mean()), nil
		case "min":
			return ms64(h.Min()), nil
		case "max":
			return ms64(h.Max()), nil
		case "med":
			return ms64(h.Quantile(0.5)), nil
		case "p":
			return ms64(h.Quantile(pct / 100)), nil
		case "count":
			return float64(h.Count()), nil
		}
	}
	return 0, fmt.Errorf("%s is a %s: it has no %q", a.Def.Name, a.Def.Type, method)
}

func ms64(d time.Duration) float64 { return float64(d) / 1e6 }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
