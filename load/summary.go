package load

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// formatValue writes a value in its unit as k6's summary does.
func formatValue(v float64, unit string) string {
	switch unit {
	case "ms":
		return fmtMS(v)
	case "1":
		return fmt.Sprintf("%.2f%%", 100*v)
	case "count/s":
		return fmt.Sprintf("%.2f/s", v)
	case "bytes":
		return fmtBytes(v)
	}
	return fmt.Sprintf("%g", v)
}

func fmtMS(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.2fs", v/1000)
	case v < 1:
		return fmt.Sprintf("%.0fµs", v*1000)
	}
	return fmt.Sprintf("%.2fms", v)
}

func fmtBytes(v float64) string {
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.1f GB", v/1e9)
	case v >= 1e6:
		return fmt.Sprintf("%.1f MB", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1f kB", v/1e3)
	}
	return fmt.Sprintf("%.0f B", v)
}

func trendLine(h *Histogram) string {
	s := h.Summary()
	return fmt.Sprintf("avg=%s min=%s med=%s max=%s p(90)=%s p(95)=%s", fmtMS(ms64(s.Mean)), fmtMS(ms64(s.Min)),
		fmtMS(ms64(s.P50)), fmtMS(ms64(s.Max)), fmtMS(ms64(s.P90)), fmtMS(ms64(s.P95)))
}

// WriteSummary writes the end-of-test summary as k6 lays it out:
// thresholds with ✓ or ✗ and their values, then every metric in
// alphabetical order with dots to its value, then gatecheck's own tables:
// provider operations, harness traffic (never in one table), flows by
// Gherkin scenario, failing checks and error answers by group.
func WriteSummary(w io.Writer, r *Result) {
	el := r.Elapsed()
	head := fmt.Sprintf("\n  gatecheck load: %s", orDefault(r.Profile, "ad hoc run"))
	if r.Segment != "" {
		head += ", execution segment " + r.Segment
	}
	fmt.Fprintln(w, head)
	for _, name := range sortedKeys(r.Scenarios) {
		fmt.Fprintf(w, "    * %s: %s\n", name, describeScenario(r.Scenarios[name]))
	}
	if len(r.ThresholdResults) > 0 {
		fmt.Fprintln(w, "\n  THRESHOLDS")
		last := ""
		for _, t := range r.ThresholdResults {
			if t.Key != last {
				fmt.Fprintf(w, "\n    %s\n", t.Key)
				last = t.Key
			}
			mark := "✓"
			if !t.OK {
				mark = "✗"
			}
			val := formatValue(t.Value, t.Unit)
			if t.Note != "" {
				val = t.Note
			}
			fmt.Fprintf(w, "    %s '%s' %s\n", mark, t.Condition, val)
		}
	}
	fmt.Fprintln(w, "\n  METRICS")
	type line struct{ name, val string }
	var lines []line
	for _, name := range sortedKeys(metricIndex()) {
		d := metricDefs[metricIndex()[name]]
		a, ok := r.Metrics.Aggregate(d.Name, nil)
		if !ok {
			continue
		}
		var v string
		switch d.Type {
		case Counter:
			rate := 0.0
			if el > 0 {
				rate = a.Sum / el.Seconds()
			}
			if d.Contains == "data" {
				v = fmt.Sprintf("%s %s/s", fmtBytes(a.Sum), fmtBytes(rate))
			} else {
				v = fmt.Sprintf("%.0f %.2f/s", a.Sum, rate)
			}
		case Gauge:
			v = fmt.Sprintf("%.0f min=%.0f max=%.0f", a.Last, a.Min, a.Max)
		case Rate:
			share := 0.0
			if a.Count > 0 {
				share = float64(a.Passes) / float64(a.Count)
			}
			v = fmt.Sprintf("%.2f%% %d out of %d", 100*share, a.Passes, a.Count)
		case Trend:
			v = trendLine(a.Hist)
		}
		lines = append(lines, line{d.Name, v})
		if d.Name == "http_req_duration" {
			// Sub-metrics: the provider's operations apart from the
			// harness's own traffic.
			for _, f := range []struct{ k, v string }{{"expected_response", "true"}, {"traffic", TrafficProvider}} {
				if s, ok := r.Metrics.Aggregate(d.Name, map[string]string{f.k: f.v}); ok {
					lines = append(lines, line{"  { " + f.k + ":" + f.v + " }", trendLine(s.Hist)})
				}
			}
		}
	}
	for _, l := range lines {
		dots := 34 - len(l.name)
		fmt.Fprintf(w, "    %s%s: %s\n", l.name, strings.Repeat(".", max(dots, 1)), l.val)
	}
	fmt.Fprintf(w, "\n    %d iterations in %s (%.1f it/s), %d failed (%.2f %%), %d dropped, %d interrupted, %d requests\n",
		r.Iterations, el.Round(time.Millisecond), r.IterationsPerSecond(), r.Failures, 100*r.FailureRate(), r.Dropped, r.Interrupted, r.Requests)

	opTable(w, "PROVIDER OPERATIONS (http_req_duration{traffic:provider})", r.Operations)
	opTable(w, "HARNESS TRAFFIC (mock pages and admin routes, merchant receiver; not the provider)", r.Harness)

	if len(r.Flows) > 0 {
		fmt.Fprintln(w, "\n  FLOWS (flow_duration by Gherkin scenario)")
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "    flow\titerations\tfailed\tmed\tp(95)\tmax\t")
		for _, name := range sortedKeys(r.Flows) {
			f := r.Flows[name]
			s := f.Duration.Summary()
			fmt.Fprintf(tw, "    %s\t%d\t%d\t%s\t%s\t%s\t\n", craftgate.MaskPANs(name), f.Iterations, f.Failures, fmtMS(ms64(s.P50)), fmtMS(ms64(s.P95)), fmtMS(ms64(s.Max)))
		}
		tw.Flush()
	}
	writeChecks(w, r)
	if len(r.ErrorGroups) > 0 {
		fmt.Fprintln(w, "\n  ERROR ANSWERS BY GROUP (error_answers; error-card scenarios expect some)")
		for _, g := range sortedKeys(r.ErrorGroups) {
			fmt.Fprintf(w, "    %-32s %d\n", g, r.ErrorGroups[g])
		}
	}
	for _, s := range r.FailureSamples {
		fmt.Fprintln(w, "    FAIL", s)
	}
	if r.Aborted != "" {
		fmt.Fprintln(w, "\n  ABORTED:", r.Aborted)
	}
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\n  verdict: %s\n", verdict)
}

// metricIndex maps metric names to their ids, for the summary's
// alphabetical order.
func metricIndex() map[string]metricID {
	m := map[string]metricID{}
	for i, d := range metricDefs {
		m[d.Name] = metricID(i)
	}
	return m
}

func opTable(w io.Writer, title string, ops map[string]*Histogram) {
	if len(ops) == 0 {
		return
	}
	fmt.Fprintf(w, "\n  %s\n", title)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "    operation\tcount\tavg\tmed\tp(90)\tp(95)\tp(99)\tmax\t")
	for _, name := range sortedKeys(ops) {
		s := ops[name].Summary()
		fmt.Fprintf(tw, "    %s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, s.Count, fmtMS(ms64(s.Mean)), fmtMS(ms64(s.P50)),
			fmtMS(ms64(s.P90)), fmtMS(ms64(s.P95)), fmtMS(ms64(s.P99)), fmtMS(ms64(s.Max)))
	}
	tw.Flush()
}

// writeChecks writes the checks' pass rate and every check that failed
// at least once (a passing check is one line among hundreds).
func writeChecks(w io.Writer, r *Result) {
	type ck struct{ pass, total int64 }
	checks := map[string]*ck{}
	for k, s := range r.Metrics.series {
		if k.metric != mChecks {
			continue
		}
		c := checks[k.tags.Check]
		if c == nil {
			c = &ck{}
			checks[k.tags.Check] = c
		}
		c.pass += s.Passes
		c.total += s.Count
	}
	if len(checks) == 0 {
		return
	}
	failing := 0
	for _, c := range checks {
		if c.pass < c.total {
			failing++
		}
	}
	fmt.Fprintf(w, "\n  CHECKS (every Then step): %d distinct, %d passed every time\n", len(checks), len(checks)-failing)
	for _, name := range sortedKeys(checks) {
		c := checks[name]
		if c.pass < c.total {
			fmt.Fprintf(w, "    ✗ %s\n      ↳ %.0f%% — ✓ %d / ✗ %d\n", craftgate.MaskPANs(name), math.Floor(100*float64(c.pass)/float64(c.total)), c.pass, c.total-c.pass)
		}
	}
}

func describeScenario(c ScenarioConfig) string {
	var b strings.Builder
	b.WriteString(c.Executor)
	switch c.Executor {
	case SharedIterations:
		fmt.Fprintf(&b, ", %d iterations shared by %d VUs (maxDuration %s)", c.Iterations, c.VUs, time.Duration(c.MaxDuration))
	case PerVUIterations:
		fmt.Fprintf(&b, ", %d iterations for each of %d VUs (maxDuration %s)", c.Iterations, c.VUs, time.Duration(c.MaxDuration))
	case ConstantVUs:
		fmt.Fprintf(&b, ", %d VUs for %s", c.VUs, time.Duration(c.Duration))
	case RampingVUs:
		fmt.Fprintf(&b, ", up to %d VUs over %d stages (%s)", c.MaxVUCount(), len(c.Stages), c.length())
	case ConstantArrival:
		fmt.Fprintf(&b, ", %g iterations/%s for %s (preAllocatedVUs %d, maxVUs %d)", c.Rate, time.Duration(c.TimeUnit), time.Duration(c.Duration), c.PreAllocatedVUs, c.MaxVUs)
	case RampingArrivalRate:
		fmt.Fprintf(&b, ", from %g iterations/%s over %d stages (%s; preAllocatedVUs %d, maxVUs %d)", c.StartRate, time.Duration(c.TimeUnit), len(c.Stages), c.length(), c.PreAllocatedVUs, c.MaxVUs)
	}
	if c.StartTime > 0 {
		fmt.Fprintf(&b, ", starting at %s", time.Duration(c.StartTime))
	}
	if c.GracefulStop != nil {
		fmt.Fprintf(&b, ", gracefulStop %s", time.Duration(*c.GracefulStop))
	}
	if c.Mix != "" {
		fmt.Fprintf(&b, "\n        mix: %s", c.Mix)
	}
	return b.String()
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
