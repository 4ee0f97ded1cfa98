package load

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestJSONOutputListsThresholds checks that each metric's Metric line in
// the JSON output lists the run's thresholds on it, the tagged ones under
// submetrics, as k6's JSON output does.
func TestJSONOutputListsThresholds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "points.json")
	o, err := NewJSONOutput(path)
	if err != nil {
		t.Fatal(err)
	}
	o.SetThresholds(map[string]ThresholdList{
		"http_req_duration": {{Threshold: "p(95)<200"}},
		"http_req_duration{op:POST /payment/v1/card-payments}": {{Threshold: "p(95)<50"}, {Threshold: "max<500"}},
		"checks": {{Threshold: "rate==1"}},
	})
	now := time.Now()
	o.AddSamples([]Sample{
		{Metric: mHTTPReqDuration, Time: now, Value: 12, Tags: Tags{Op: "POST /payment/v1/card-payments"}},
		{Metric: mHTTPReqs, Time: now, Value: 1},
	})
	if err := o.Stop(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]jsonMetricData{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line struct {
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Type != "Metric" {
			continue
		}
		var d jsonMetricData
		if err := json.Unmarshal(line.Data, &d); err != nil {
			t.Fatal(err)
		}
		got[d.Name] = d
	}
	dur := got["http_req_duration"]
	if !slices.Equal(dur.Thresholds, []string{"p(95)<200"}) || len(dur.Submetrics) != 1 {
		t.Fatalf("http_req_duration's Metric line: %+v", dur)
	}
	raw, _ := json.Marshal(dur.Submetrics[0])
	var sub jsonSubmetric
	if err := json.Unmarshal(raw, &sub); err != nil || sub.Name != "http_req_duration{op:POST /payment/v1/card-payments}" ||
		!slices.Equal(sub.Thresholds, []string{"p(95)<50", "max<500"}) {
		t.Errorf("submetric %s (%v)", raw, err)
	}
	if reqs := got["http_reqs"]; reqs.Thresholds == nil || len(reqs.Thresholds) != 0 {
		t.Errorf("http_reqs has no thresholds, want [] (k6 writes an empty list): %+v", reqs)
	}
}
