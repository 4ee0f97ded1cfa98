package load

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// JSONOutput writes k6's JSON output: one JSON object per line, a
// "Metric" object the first time a metric appears, then one "Point" per
// sample (see https://grafana.com/docs/k6/latest/results-output/real-time/json/).
// Values are in the metric's unit (ms for time, bytes for data).
type JSONOutput struct {
	f    *os.File
	w    *bufio.Writer
	enc  *json.Encoder
	seen [numMetrics]bool
	err  error
	// thresholds are the run's, by key ("http_req_duration" or
	// "http_req_duration{op:...}"), listed in each metric's Metric line.
	thresholds map[string]ThresholdList
}

// SetThresholds gives the output the run's thresholds, which each
// metric's Metric line lists as k6's does: the metric's own conditions in
// thresholds, those of a tagged sub-metric under submetrics.
func (o *JSONOutput) SetThresholds(t map[string]ThresholdList) { o.thresholds = t }

// jsonSubmetric is a tagged sub-metric with thresholds.
type jsonSubmetric struct {
	Name       string   `json:"name"`
	Thresholds []string `json:"thresholds"`
}

// metricThresholds returns the conditions on metric name and on its
// tagged sub-metrics, in a stable order.
func (o *JSONOutput) metricThresholds(name string) ([]string, []any) {
	own, subs := []string{}, []any{}
	keys := make([]string, 0, len(o.thresholds))
	for k := range o.thresholds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		base, _, tagged := strings.Cut(k, "{")
		if base != name {
			continue
		}
		var conds []string
		for _, c := range o.thresholds[k] {
			conds = append(conds, c.Threshold)
		}
		if tagged {
			subs = append(subs, jsonSubmetric{Name: k, Thresholds: conds})
		} else {
			own = append(own, conds...)
		}
	}
	return own, subs
}

// NewJSONOutput creates the file.
func NewJSONOutput(path string) (*JSONOutput, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // "p(95)<50" as written, as k6 writes it
	return &JSONOutput{f: f, w: w, enc: enc}, nil
}

type jsonMetric struct {
	Type   string         `json:"type"`
	Data   jsonMetricData `json:"data"`
	Metric string         `json:"metric"`
}

type jsonMetricData struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Contains   string   `json:"contains"`
	Thresholds []string `json:"thresholds"`
	Submetrics []any    `json:"submetrics"`
}

type jsonPoint struct {
	Type   string        `json:"type"`
	Data   jsonPointData `json:"data"`
	Metric string        `json:"metric"`
}

type jsonPointData struct {
	Time  time.Time         `json:"time"`
	Value float64           `json:"value"`
	Tags  map[string]string `json:"tags"`
}

// AddSamples writes the samples.
func (o *JSONOutput) AddSamples(ss []Sample) {
	for i := range ss {
		s := &ss[i]
		d := metricDefs[s.Metric]
		if !o.seen[s.Metric] {
			o.seen[s.Metric] = true
			own, subs := o.metricThresholds(d.Name)
			o.keep(o.enc.Encode(jsonMetric{Type: "Metric", Metric: d.Name,
				Data: jsonMetricData{Name: d.Name, Type: d.Type.String(), Contains: d.Contains, Thresholds: own, Submetrics: subs}}))
		}
		tags := s.Tags.Map()
		for k, v := range tags {
			tags[k] = craftgate.MaskPANs(v)
		}
		o.keep(o.enc.Encode(jsonPoint{Type: "Point", Metric: d.Name, Data: jsonPointData{Time: s.Time, Value: s.Value, Tags: tags}}))
	}
}

func (o *JSONOutput) keep(err error) {
	if o.err == nil {
		o.err = err
	}
}

// Stop flushes and closes the file.
func (o *JSONOutput) Stop() error {
	o.keep(o.w.Flush())
	o.keep(o.f.Close())
	if o.err != nil {
		return fmt.Errorf("json output: %w", o.err)
	}
	return nil
}

// CSVOutput writes k6's CSV output: a header, then one row per sample with
// metric_name, timestamp (Unix seconds), metric_value and the tags as
// columns.
type CSVOutput struct {
	f   *os.File
	w   *csv.Writer
	err error
}

// NewCSVOutput creates the file and writes the header.
func NewCSVOutput(path string) (*CSVOutput, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	o := &CSVOutput{f: f, w: csv.NewWriter(f)}
	o.err = o.w.Write(append([]string{"metric_name", "timestamp", "metric_value"}, tagNames...))
	return o, nil
}

// AddSamples writes the samples.
func (o *CSVOutput) AddSamples(ss []Sample) {
	row := make([]string, 3+len(tagNames))
	for i := range ss {
		s := &ss[i]
		row[0] = metricDefs[s.Metric].Name
		row[1] = strconv.FormatInt(s.Time.Unix(), 10)
		row[2] = strconv.FormatFloat(s.Value, 'f', -1, 64)
		for j, k := range tagNames {
			row[3+j] = craftgate.MaskPANs(*s.Tags.field(k))
		}
		if err := o.w.Write(row); err != nil && o.err == nil {
			o.err = err
		}
	}
}

// Stop flushes and closes the file.
func (o *CSVOutput) Stop() error {
	o.w.Flush()
	if o.err == nil {
		o.err = o.w.Error()
	}
	if err := o.f.Close(); o.err == nil {
		o.err = err
	}
	if o.err != nil {
		return fmt.Errorf("csv output: %w", o.err)
	}
	return nil
}
