package load

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	colmetric "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	"google.golang.org/protobuf/proto"

	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load/segment"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/steps"
)

// startMock serves an in-process mock (API key "k", secret key "s") made
// with seed on 127.0.0.1 until t ends.
func startMock(t testing.TB, seed int64) (*mock.Mock, *httptest.Server) {
	t.Helper()
	m, err := mock.New(mock.Config{APIKey: "k", SecretKey: "s", Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv
}

// compilePlan compiles the embedded features.
func compilePlan(t testing.TB) *Plan {
	t.Helper()
	p, err := Compile(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mockTarget starts an in-process mock on 127.0.0.1 and compiles the plan.
func mockTarget(t testing.TB) (steps.Target, *Plan) {
	t.Helper()
	_, srv := startMock(t, 7)
	return steps.Target{BaseURL: srv.URL, APIKey: "k", SecretKey: "s"}, compilePlan(t)
}

const quickMix = "1:@non3ds && ~@error-card"

func scenarioDropped(r *Result, name string) int {
	a, _ := r.Metrics.Aggregate("dropped_iterations", map[string]string{"scenario": name})
	return int(a.Sum)
}

func scenarioIterations(r *Result, name string) int {
	a, _ := r.Metrics.Aggregate("iterations", map[string]string{"scenario": name})
	return int(a.Sum)
}

// TestExecutors runs each executor briefly, side by side where the profile
// says so, and checks what k6's semantics promise.
func TestExecutors(t *testing.T) {
	target, plan := mockTarget(t)
	two := Duration(2 * time.Second)
	zero := Duration(0)
	start := 1
	scen := map[string]*ScenarioConfig{
		"shared":  {Executor: SharedIterations, VUs: 3, Iterations: 40, Mix: quickMix},
		"per_vu":  {Executor: PerVUIterations, VUs: 3, Iterations: 7, Mix: quickMix},
		"const":   {Executor: ConstantVUs, VUs: 2, Duration: Duration(time.Second), Mix: quickMix, GracefulStop: &zero},
		"ramp":    {Executor: RampingVUs, StartVUs: &start, Stages: []Stage{{Duration: Duration(time.Second), Target: 3}}, Mix: quickMix},
		"arrival": {Executor: ConstantArrival, Rate: 20, Duration: Duration(time.Second), PreAllocatedVUs: 2, MaxVUs: 4, Mix: quickMix, StartTime: Duration(500 * time.Millisecond)},
		"ramp_rate": {Executor: RampingArrivalRate, StartRate: 0, PreAllocatedVUs: 2, Mix: quickMix,
			Stages: []Stage{{Duration: Duration(time.Second), Target: 40}}, GracefulStop: &two},
	}
	t0 := time.Now()
	capt := &captureOutput{}
	res, err := Run(context.Background(), Options{Target: target, Plan: plan, Scenarios: scen, Seed: 1, Outputs: []Output{capt}})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > 20*time.Second {
		t.Fatalf("run took %s", el)
	}
	if res.Failures != 0 {
		t.Fatalf("%d failures: %v", res.Failures, res.FailureSamples)
	}
	if n := scenarioIterations(res, "shared"); n != 40 {
		t.Errorf("shared-iterations made %d iterations, want 40", n)
	}
	if n := scenarioIterations(res, "per_vu"); n != 21 {
		t.Errorf("per-vu-iterations made %d iterations, want 3×7", n)
	}
	if n := scenarioIterations(res, "const"); n == 0 {
		t.Error("constant-vus made no iteration")
	}
	if n := scenarioIterations(res, "ramp"); n == 0 {
		t.Error("ramping-vus made no iteration")
	}
	// 20/s for 1 s: 20 iterations, started or dropped.
	if n := scenarioIterations(res, "arrival") + scenarioDropped(res, "arrival"); n < 19 || n > 21 {
		t.Errorf("constant-arrival-rate started %d iterations, want 20", n)
	}
	// 0 -> 40/s over 1 s: 20 iterations.
	if n := scenarioIterations(res, "ramp_rate") + scenarioDropped(res, "ramp_rate"); n < 19 || n > 21 {
		t.Errorf("ramping-arrival-rate made %d iterations, want 20", n)
	}
	// startTime: the arrival scenario's first HTTP request is 500 ms in.
	var firstReq time.Time
	for _, smp := range capt.samples {
		if smp.Metric == mHTTPReqs && smp.Tags.Scenario == "arrival" && (firstReq.IsZero() || smp.Time.Before(firstReq)) {
			firstReq = smp.Time
		}
	}
	if d := firstReq.Sub(res.Start); d < 500*time.Millisecond {
		t.Errorf("the arrival scenario's first request came %s in, before its startTime of 500ms", d)
	}
	if res.VUs != 3+3+2+3+4+2 {
		t.Errorf("vus_max %d, want the sum of every scenario's most VUs", res.VUs)
	}
	// Checks: every Then step of every iteration.
	c, ok := res.Metrics.Aggregate("checks", nil)
	if !ok || c.Count < int64(res.Iterations) || c.Passes != c.Count {
		t.Errorf("checks %d of %d for %d iterations", c.Passes, c.Count, res.Iterations)
	}
	// Provider and harness traffic are apart.
	for op := range res.Operations {
		if strings.Contains(op, "/_mock/") {
			t.Errorf("harness route %s among provider operations", op)
		}
	}
}

// TestRunAbortsOnFail: an abortOnFail threshold stops the run once its
// delay is past.
func TestRunAbortsOnFail(t *testing.T) {
	target, plan := mockTarget(t)
	t0 := time.Now()
	res, err := Run(context.Background(), Options{Target: target, Plan: plan, Mix: mustMix(t, quickMix), VUs: 2, Duration: 60 * time.Second,
		Thresholds: map[string]ThresholdList{"iterations": {{Threshold: "count<5", AbortOnFail: true, DelayAbortEval: Duration(time.Second)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > 15*time.Second {
		t.Fatalf("aborted run took %s", el)
	}
	if !strings.Contains(res.Aborted, "iterations count<5 crossed") || res.Passed() {
		t.Fatalf("aborted %q passed %v", res.Aborted, res.Passed())
	}
}

func mustMix(t testing.TB, s string) []MixEntry {
	t.Helper()
	m, err := ParseMix(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMergeSegmentsExactly: two runs merged give the counts of both and
// quantiles equal to those of every sample recorded in one histogram.
func TestMergeSegmentsExactly(t *testing.T) {
	target, plan := mockTarget(t)
	th := map[string]ThresholdList{"iterations": {{Threshold: "count>=50"}}}
	var rs []*Result
	for seed := uint64(1); seed <= 2; seed++ {
		r, err := Run(context.Background(), Options{Target: target, Plan: plan, Mix: mustMix(t, quickMix), VUs: 2, Iterations: 30, Duration: 20 * time.Second, Seed: seed, Thresholds: th})
		if err != nil {
			t.Fatal(err)
		}
		if r.ThresholdsPassed {
			t.Fatal("30 iterations passed count>=50")
		}
		// Through the file format, as `load merge` reads them.
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		rs = append(rs, &back)
	}
	m, err := MergeResults(rs...)
	if err != nil {
		t.Fatal(err)
	}
	if m.Iterations != 60 || !m.ThresholdsPassed || !m.Passed() {
		t.Fatalf("merged: %d iterations, thresholds %v", m.Iterations, m.ThresholdResults)
	}
	var whole Histogram
	for _, r := range rs {
		for k, s := range r.Metrics.series {
			if k.metric == mHTTPReqDuration {
				whole.Merge(s.Hist)
			}
		}
	}
	got, _ := m.Metrics.Aggregate("http_req_duration", nil)
	if got.Hist.Summary() != whole.Summary() {
		t.Fatalf("merged %+v, whole %+v", got.Hist.Summary(), whole.Summary())
	}
	if _, err := MergeResults(rs[0], &Result{Metrics: newMetricSet(), ThresholdDefs: map[string]ThresholdList{"checks": {{Threshold: "rate>0"}}}}); err == nil {
		t.Fatal("results with different thresholds merged")
	}
}

// TestOTLPOutputReachesReceiver streams a short run to an in-process
// OTLP/HTTP receiver on 127.0.0.1 and finds k6's metrics in what it got.
func TestOTLPOutputReachesReceiver(t *testing.T) {
	var mu sync.Mutex
	names := map[string]bool{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/metrics" || r.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "want POST /v1/metrics protobuf", http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var req colmetric.ExportMetricsServiceRequest
		if err := proto.Unmarshal(b, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		for _, rm := range req.GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, m := range sm.GetMetrics() {
					names[m.GetName()] = true
				}
			}
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&colmetric.ExportMetricsServiceResponse{})
		w.Write(out)
	}))
	defer recv.Close()
	out, err := newOTLPOutput(context.Background(), recv.URL, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	target, plan := mockTarget(t)
	if _, err := Run(context.Background(), Options{Target: target, Plan: plan, Mix: mustMix(t, quickMix), VUs: 2, Iterations: 20,
		Duration: 20 * time.Second, Outputs: []Output{out}}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"gatecheck_http_reqs", "gatecheck_http_req_duration", "gatecheck_iterations", "gatecheck_checks.occurred", "gatecheck_checks.total", "gatecheck_vus"} {
		if !names[want] {
			t.Errorf("receiver got no %s (got %v)", want, names)
		}
	}
}

// BenchmarkExecutorsReachTheirRates runs the arrival-rate executors for 3 s
// each and reports the iterations made over the schedule's (1 is exact)
// and the iterations dropped for want of a VU. Whether the rate holds
// within 5 % is a question for an idle machine, so it is a benchmark, not
// a test: go test -run '^$' -bench ExecutorsReachTheirRates ./load/
func BenchmarkExecutorsReachTheirRates(b *testing.B) {
	target, plan := mockTarget(b)
	cases := []struct {
		name string
		cfg  ScenarioConfig
		want float64 // iterations over the run
	}{
		{"constant-arrival-rate", ScenarioConfig{Executor: ConstantArrival, Rate: 100, Duration: Duration(3 * time.Second), PreAllocatedVUs: 20, MaxVUs: 40, Mix: quickMix}, 300},
		{"ramping-arrival-rate", ScenarioConfig{Executor: RampingArrivalRate, StartRate: 50, PreAllocatedVUs: 20, MaxVUs: 40, Mix: quickMix,
			Stages: []Stage{{Duration: Duration(time.Second), Target: 150}, {Duration: Duration(2 * time.Second), Target: 150}}}, 100 + 300},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var made, dropped float64
			runs := 0
			for b.Loop() {
				cfg := c.cfg
				res, err := Run(context.Background(), Options{Target: target, Plan: plan, Scenarios: map[string]*ScenarioConfig{"s": &cfg}})
				if err != nil {
					b.Fatal(err)
				}
				made += float64(res.Iterations)
				dropped += float64(res.Dropped)
				runs++
			}
			b.ReportMetric(made/float64(runs)/c.want, "made/scheduled")
			b.ReportMetric(dropped/float64(runs), "dropped/run")
		})
	}
}

// captureOutput keeps every sample.
type captureOutput struct{ samples []Sample }

func (c *captureOutput) AddSamples(ss []Sample) { c.samples = append(c.samples, ss...) }
func (c *captureOutput) Stop() error            { return nil }

// TestSegmentsAddUpToTheWhole runs a profile as three execution segments,
// one after another against one mock, merges their results, and finds the
// iterations of the whole test: shared iterations split exactly, and the
// arrival-rate scenario's iterations dealt out once each.
func TestSegmentsAddUpToTheWhole(t *testing.T) {
	target, plan := mockTarget(t)
	scen := func() map[string]*ScenarioConfig {
		return map[string]*ScenarioConfig{
			"shared":  {Executor: SharedIterations, VUs: 4, Iterations: 31, Mix: quickMix},
			"per_vu":  {Executor: PerVUIterations, VUs: 5, Iterations: 3, Mix: quickMix},
			"arrival": {Executor: ConstantArrival, Rate: 30, Duration: Duration(time.Second), PreAllocatedVUs: 6, MaxVUs: 6, Mix: quickMix},
		}
	}
	th := map[string]ThresholdList{"iterations{scenario:shared}": {{Threshold: "count==31"}}}
	var rs []*Result
	for _, seg := range []string{"0:1/3", "1/3:2/3", "2/3:1"} {
		part, err := segment.New(seg, "0,1/3,2/3,1")
		if err != nil {
			t.Fatal(err)
		}
		r, err := Run(context.Background(), Options{Target: target, Plan: plan, Scenarios: scen(), Segment: part, Thresholds: th})
		if err != nil {
			t.Fatal(err)
		}
		if r.Segment != seg+" of 0,1/3,2/3,1" {
			t.Errorf("segment %q", r.Segment)
		}
		rs = append(rs, r)
	}
	m, err := MergeResults(rs...)
	if err != nil {
		t.Fatal(err)
	}
	if n := scenarioIterations(m, "shared"); n != 31 {
		t.Errorf("shared: %d iterations in all, want 31", n)
	}
	if n := scenarioIterations(m, "per_vu"); n != 15 {
		t.Errorf("per_vu: %d iterations in all, want 5×3", n)
	}
	if n := scenarioIterations(m, "arrival") + scenarioDropped(m, "arrival"); n != 30 {
		t.Errorf("arrival: %d iterations started in all, want 30", n)
	}
	if !m.ThresholdsPassed {
		t.Errorf("merged thresholds: %+v", m.ThresholdResults)
	}
}

// TestGracefulRampDown: a VU ramped down mid-iteration gets
// gracefulRampDown to end it, then its iteration is interrupted. Every
// create-payment takes 400 ms (the mock's injected latency), the ramp
// drops from 2 VUs to 0 at 300 ms, and the grace is 50 ms: the
// iterations in flight are interrupted, none completes.
func TestGracefulRampDown(t *testing.T) {
	m, srv := startMock(t, 7)
	faults, err := mock.ParseFaults([]byte(`{"rules":[{"operation":"POST /payment/v1/card-payments","latency":{"dist":"fixed","value":"400ms"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	defer m.Drain()
	plan := compilePlan(t)
	two, grace := 2, Duration(50*time.Millisecond)
	cfg := &ScenarioConfig{Executor: RampingVUs, StartVUs: &two, GracefulRampDown: &grace, Mix: quickMix,
		Stages: []Stage{{Duration: Duration(300 * time.Millisecond), Target: 2}, {Duration: Duration(time.Millisecond), Target: 0}, {Duration: Duration(700 * time.Millisecond), Target: 0}}}
	t0 := time.Now()
	res, err := Run(context.Background(), Options{Target: steps.Target{BaseURL: srv.URL, APIKey: "k", SecretKey: "s"}, Plan: plan,
		Scenarios: map[string]*ScenarioConfig{"ramp": cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(t0); el > 10*time.Second {
		t.Fatalf("run took %s", el)
	}
	if res.Interrupted != 2 || res.Iterations != 0 {
		t.Fatalf("%d interrupted, %d completed; want the 2 in flight interrupted by the ramp-down", res.Interrupted, res.Iterations)
	}
}
