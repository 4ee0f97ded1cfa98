package load

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/load/segment"
)

func TestReadProfile(t *testing.T) {
	good := `{"name":"x","scenarios":{"a":{"executor":"constant-vus","vus":2,"duration":"5s","mix":"1:@non3ds"},
		"b":{"executor":"ramping-arrival-rate","startRate":1,"timeUnit":"1s","preAllocatedVUs":2,"stages":[{"duration":"2s","target":10}],"startTime":"1s"}},
		"thresholds":{"http_req_duration{op:POST /payment/v1/card-payments}":["p(95)<50"],"checks":[{"threshold":"rate>0.999","abortOnFail":true,"delayAbortEval":"10s"}]}}`
	p, err := ParseProfile([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Scenarios["a"]; a.VUs != 2 || time.Duration(a.Duration) != 5*time.Second {
		t.Fatalf("scenario a = %+v", a)
	}
	if c := p.Thresholds["checks"][0]; !c.AbortOnFail || time.Duration(c.DelayAbortEval) != 10*time.Second {
		t.Fatalf("checks threshold = %+v", c)
	}
	bad := map[string]string{
		"unknown field":        `{"name":"x","scenarios":{"a":{"executor":"constant-vus","vus":1,"duration":"1s","exec":"default"}}}`,
		"no scenarios":         `{"name":"x"}`,
		"unknown executor":     `{"name":"x","scenarios":{"a":{"executor":"externally-controlled"}}}`,
		"option not taken":     `{"name":"x","scenarios":{"a":{"executor":"constant-vus","vus":1,"duration":"1s","rate":5}}}`,
		"constant-vus no time": `{"name":"x","scenarios":{"a":{"executor":"constant-vus","vus":1}}}`,
		"arrival no pool":      `{"name":"x","scenarios":{"a":{"executor":"constant-arrival-rate","rate":5,"duration":"1s"}}}`,
		"max below pre":        `{"name":"x","scenarios":{"a":{"executor":"constant-arrival-rate","rate":5,"duration":"1s","preAllocatedVUs":4,"maxVUs":2}}}`,
		"ramp no stages":       `{"name":"x","scenarios":{"a":{"executor":"ramping-vus"}}}`,
		"bad mix":              `{"name":"x","scenarios":{"a":{"executor":"shared-iterations","mix":"x"}}}`,
		"bad duration":         `{"name":"x","scenarios":{"a":{"executor":"constant-vus","duration":"soon"}}}`,
		"unknown metric":       `{"name":"x","scenarios":{"a":{"executor":"shared-iterations"}},"thresholds":{"http_req_durations":["p(95)<1"]}}`,
		"unknown tag":          `{"name":"x","scenarios":{"a":{"executor":"shared-iterations"}},"thresholds":{"http_req_duration{url:/x}":["p(95)<1"]}}`,
		"wrong method":         `{"name":"x","scenarios":{"a":{"executor":"shared-iterations"}},"thresholds":{"checks":["p(95)<1"]}}`,
		"bad condition":        `{"name":"x","scenarios":{"a":{"executor":"shared-iterations"}},"thresholds":{"checks":["rate is high"]}}`,
		"too long":             `{"name":"x","scenarios":{"a":{"executor":"constant-vus","duration":"25h"}}}`,
	}
	for name, body := range bad {
		if _, err := ParseProfile([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The project's own profiles are valid, and one ramps an arrival rate
	// beside another scenario.
	files, _ := filepath.Glob(filepath.Join("..", "scenarios", "*.json"))
	if len(files) < 5 {
		t.Fatalf("scenarios/ has %d profiles", len(files))
	}
	sideBySide := false
	for _, f := range files {
		p, err := ReadProfile(f)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, c := range p.Scenarios {
			if c.Executor == RampingArrivalRate && len(c.Stages) > 1 && len(p.Scenarios) > 1 {
				sideBySide = true
			}
		}
	}
	if !sideBySide {
		t.Error("no profile ramps an arrival rate with stages beside another scenario")
	}
}

func TestOverrideAndSegmentScaling(t *testing.T) {
	p, err := ReadProfile(filepath.Join("..", "scenarios", "ramp.json"))
	if err != nil {
		t.Fatal(err)
	}
	Override{Duration: 4 * time.Second, VUs: 3}.Apply(p)
	if l := p.Scenarios["card_payments"].length(); l != 4*time.Second {
		t.Fatalf("stages scaled to %s, want 4s", l)
	}
	if c := p.Scenarios["secure_and_refunds"]; c.VUs != 3 || time.Duration(c.Duration) != 4*time.Second {
		t.Fatalf("constant-vus override: %+v", c)
	}
	part, err := segment.New("0:1/3", "0,1/3,2/3,1")
	if err != nil {
		t.Fatal(err)
	}
	c := ScenarioConfig{Executor: ConstantArrival, Rate: 90, Duration: Duration(time.Second), PreAllocatedVUs: 10, MaxVUs: 20}.withDefaults()
	s, err := c.scaled(part)
	if err != nil {
		t.Fatal(err)
	}
	// The rate stays the whole test's: the segment starts the iterations it owns.
	if s.Rate != 90 || s.PreAllocatedVUs != 4 || s.MaxVUs != 7 || s.part == nil {
		t.Fatalf("scaled = rate %g pre %d max %d", s.Rate, s.PreAllocatedVUs, s.MaxVUs)
	}
	sh := ScenarioConfig{Executor: SharedIterations, VUs: 4, Iterations: 100}.withDefaults()
	if s, _ := sh.scaled(part); s.VUs != 2 || s.Iterations != 34 {
		t.Fatalf("shared-iterations scaled to %d VUs, %d iterations; want 2, 34", s.VUs, s.Iterations)
	}
	pv := ScenarioConfig{Executor: PerVUIterations, VUs: 3, Iterations: 5}.withDefaults()
	if s, _ := pv.scaled(part); s.VUs != 1 || s.Iterations != 5 {
		t.Fatalf("per-vu-iterations scaled to %d VUs, %d iterations; want 1, 5", s.VUs, s.Iterations)
	}
}

func TestRampPacer(t *testing.T) {
	// 0 -> 100/s over 2 s, then 100/s for 1 s: 100 + 100 iterations.
	p := newRampPacer(0, time.Second, []Stage{{Duration: Duration(2 * time.Second), Target: 100}, {Duration: Duration(time.Second), Target: 100}})
	n := uint64(0)
	for {
		at, ok := p.due(float64(n))
		if !ok || at >= p.length() {
			break
		}
		n++
	}
	if n < 199 || n > 201 {
		t.Fatalf("%d iterations scheduled, want 200", n)
	}
	if at, _ := p.due(100); at < 1990*time.Millisecond || at > 2010*time.Millisecond {
		t.Fatalf("iteration 100 due at %s, want 2s", at)
	}
	if r := p.Rate(time.Second); r != 50 {
		t.Fatalf("rate at 1s = %g", r)
	}
	if _, stop := p.Pace(3*time.Second, 0); !stop {
		t.Fatal("pacer did not stop at its end")
	}
	// timeUnit scales the rate: 60 per minute is 1 per second.
	if r := newRampPacer(60, time.Minute, []Stage{{Duration: Duration(time.Second), Target: 60}}).Rate(0); r != 1 {
		t.Fatalf("60/min = %g/s", r)
	}
}

func TestThresholds(t *testing.T) {
	m := newMetricSet()
	now := time.Now()
	for i := 1; i <= 100; i++ {
		m.add(&Sample{Metric: mHTTPReqDuration, Time: now, Value: float64(i), Tags: Tags{Op: "POST /payment/v1/card-payments", Traffic: TrafficProvider, Status: "200"}})
		m.add(&Sample{Metric: mHTTPReqDuration, Time: now, Value: 1000, Tags: Tags{Op: "GET /_mock/acs/{id}", Traffic: TrafficMock, Status: "200"}})
		m.add(&Sample{Metric: mChecks, Time: now, Value: b2f(i != 1), Tags: Tags{Check: "the payment succeeds"}})
		m.add(&Sample{Metric: mHTTPReqs, Time: now, Value: 1})
	}
	cases := []struct {
		key, cond string
		ok        bool
		value     float64
	}{
		{"http_req_duration{op:POST /payment/v1/card-payments}", "p(95)<100", true, 95},
		{"http_req_duration{op:POST /payment/v1/card-payments}", "max<100", false, 100},
		{"http_req_duration{traffic:provider}", "avg<=50.5", true, 50.5},
		{"http_req_duration", "max<1000", false, 1000},
		{"checks", "rate>0.999", false, 0.99},
		{"checks{check:the payment succeeds}", "rate>=0.99", true, 0.99},
		{"http_reqs", "count==100", true, 100},
		{"http_reqs", "rate>=10", true, 10},
		{"http_req_duration{op:GET /nothing}", "p(95)<1", false, 0},
		{"dropped_iterations", "count==0", true, 0},
		{"checks{check:never run}", "rate>0", false, 0},
	}
	for _, c := range cases {
		th, err := ParseThreshold(c.key, ThresholdList{{Threshold: c.cond}})
		if err != nil {
			t.Fatal(err)
		}
		r := th.Evaluate(m, 10*time.Second)[0]
		if r.OK != c.ok || (r.Note == "" && (r.Value < c.value*0.99 || r.Value > c.value*1.01)) {
			t.Errorf("%s %s: ok %v value %g (%s), want ok %v value %g", c.key, c.cond, r.OK, r.Value, r.Note, c.ok, c.value)
		}
	}
}

func TestHistogramMergeIsExact(t *testing.T) {
	var a, b, all Histogram
	for i := 1; i <= 5000; i++ {
		d := time.Duration(i*i%9973) * time.Microsecond
		all.Record(d)
		if i%3 == 0 {
			a.Record(d)
		} else {
			b.Record(d)
		}
	}
	a.Merge(&b)
	for _, q := range []float64{0.5, 0.9, 0.95, 0.99, 1} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("q%g: merged %s, whole %s", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != all.Count() || a.Mean() != all.Mean() || a.Min() != all.Min() || a.Max() != all.Max() {
		t.Errorf("merged %+v, whole %+v", a.Summary(), all.Summary())
	}
	// A histogram survives its JSON form exactly.
	js, err := all.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Histogram
	if err := back.UnmarshalJSON(js); err != nil {
		t.Fatal(err)
	}
	if back.Summary() != all.Summary() || !strings.Contains(string(js), `"hdr_v2":"HISTF`) {
		t.Fatalf("round trip %+v != %+v (%s)", back.Summary(), all.Summary(), js[:80])
	}
}
