package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestLoadCommandAgainstEmbeddedMock(t *testing.T) {
	dir := t.TempDir()
	export, points, csvOut, page := filepath.Join(dir, "load.json"), filepath.Join(dir, "points.json"), filepath.Join(dir, "points.csv"), filepath.Join(dir, "load.html")
	var stdout, stderr bytes.Buffer
	// The iteration count ends the run; the duration is only a generous
	// bound, so that a loaded machine makes the run slower, not failed.
	code := run(context.Background(), []string{"load", "--duration", "3m", "--iterations", "200", "--vus", "4",
		"--summary-export", export, "--out", "json=" + points, "--out", "csv=" + csvOut, "--html", page}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"POST /payment/v1/card-payments", "0 failed", "PROVIDER OPERATIONS", "http_req_duration..", "checks..", "http_req_failed..", "iterations..", "vus_max..", "data_received..", "verdict: PASS"} {
		if !strings.Contains(out, want) {
			t.Fatalf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(stderr.String(), "\x1b[") {
		t.Error("escape codes on a non-terminal")
	}
	if !regexp.MustCompile(`it/s, \d+/\d+ VUs`).MatchString(stderr.String()) && !strings.Contains(stderr.String(), "load: done") {
		t.Errorf("no progress line:\n%s", stderr.String())
	}

	// The summary export parses and agrees with the printed summary.
	var res struct {
		Format     string                    `json:"format"`
		Verdict    string                    `json:"verdict"`
		Iterations int                       `json:"iterations"`
		Failures   int                       `json:"failures"`
		Metrics    map[string]map[string]any `json:"metrics"`
		Units      map[string]string         `json:"units"`
	}
	readJSONFile(t, export, &res)
	if res.Iterations != 200 || res.Failures != 0 || res.Verdict != "pass" || res.Units["time"] == "" {
		t.Fatalf("summary export %+v", res)
	}
	reqs := res.Metrics["http_reqs"]["count"].(float64)
	if !strings.Contains(out, "http_reqs"+strings.Repeat(".", 34-len("http_reqs"))+": "+strconv.Itoa(int(reqs))+" ") {
		t.Fatalf("summary export says %v requests; printed:\n%s", reqs, out)
	}
	p95 := res.Metrics["http_req_duration"]["p(95)"].(float64)
	if !strings.Contains(out, "p(95)="+fmtMSForTest(p95)) {
		t.Fatalf("summary export p(95) %v (%s) not in the printed summary:\n%s", p95, fmtMSForTest(p95), out)
	}

	// The JSON point output parses, in k6's format, and agrees too.
	f, err := os.Open(points)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	counts := map[string]float64{}
	declared := map[string]bool{}
	for sc.Scan() {
		var line struct {
			Type   string `json:"type"`
			Metric string `json:"metric"`
			Data   struct {
				Name  string            `json:"name"`
				Type  string            `json:"type"`
				Value float64           `json:"value"`
				Tags  map[string]string `json:"tags"`
			} `json:"data"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("point line %q: %v", sc.Text(), err)
		}
		switch line.Type {
		case "Metric":
			declared[line.Data.Name] = true
		case "Point":
			if !declared[line.Metric] {
				t.Fatalf("point of %s before its Metric line", line.Metric)
			}
			counts[line.Metric] += line.Data.Value
		default:
			t.Fatalf("line type %q", line.Type)
		}
	}
	if counts["http_reqs"] != reqs || counts["iterations"] != 200 {
		t.Fatalf("points: %v http_reqs, %v iterations; export %v, 200", counts["http_reqs"], counts["iterations"], reqs)
	}
	csvBytes, err := os.ReadFile(csvOut)
	if err != nil || !strings.HasPrefix(string(csvBytes), "metric_name,timestamp,metric_value,scenario,op,") || strings.Count(string(csvBytes), "\nhttp_reqs,") != int(reqs) {
		t.Fatalf("csv output: %v\n%.300s", err, csvBytes)
	}
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "<polyline") || strings.Contains(string(html), "<script") {
		t.Fatalf("html page: %v", err)
	}

	// Merging the one result with itself doubles the counts; the quantiles
	// stay within the run's (exactness is load.TestMergeSegmentsExactly's).
	stdout.Reset()
	merged := filepath.Join(dir, "merged.json")
	if code := run(context.Background(), []string{"load", "merge", "--summary-export", merged, export, export}, &stdout, &stderr); code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, stdout.String())
	}
	var m struct {
		Iterations int                       `json:"iterations"`
		Metrics    map[string]map[string]any `json:"metrics"`
	}
	readJSONFile(t, merged, &m)
	med, p99 := res.Metrics["http_req_duration"]["med"].(float64), res.Metrics["http_req_duration"]["p(99)"].(float64)
	if m.Iterations != 400 || m.Metrics["http_reqs"]["count"].(float64) != 2*reqs {
		t.Fatalf("merged: %d iterations, %v requests (want 400, %v)", m.Iterations, m.Metrics["http_reqs"]["count"], 2*reqs)
	}
	if mp95 := m.Metrics["http_req_duration"]["p(95)"].(float64); mp95 < med || mp95 > p99 {
		t.Fatalf("merged p95 %v outside the run's median %v and p99 %v", mp95, med, p99)
	}
}

// fmtMSForTest formats as the summary does.
func fmtMSForTest(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v/1000, 'f', 2, 64) + "s"
	case v < 1:
		return strconv.FormatFloat(v*1000, 'f', 0, 64) + "µs"
	}
	return strconv.FormatFloat(v, 'f', 2, 64) + "ms"
}

func TestLoadUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"zero VUs", []string{"load", "--vus", "0"}, 2, "--vus 0"},
		{"negative rate", []string{"load", "--rate", "-5"}, 2, "--rate -5"},
		{"negative iterations", []string{"load", "--iterations", "-1"}, 2, "--iterations"},
		{"unbounded refused", []string{"load", "--duration", "0"}, 2, "duration or an iteration count"},
		{"bad mix", []string{"load", "--mix", "x"}, 2, "mix"},
		{"bad output", []string{"load", "--out", "influxdb=http://x"}, 2, "unknown output"},
		{"merge needs files", []string{"load", "merge"}, 2, "result files"},
		{"bad segment", []string{"load", "--execution-segment", "2/3:1/3"}, 2, "--execution-segment"},
		{"segment not in sequence", []string{"load", "--execution-segment", "0:1/2", "--execution-segment-sequence", "0,1/3,2/3,1"}, 2, "--execution-segment"},
		{"production refused", []string{"load", "--target", "https://api.craftgate.io", "--api-key", "a", "--secret-key", "b"}, 1, "production"},
		{"sandbox needs consent", []string{"load", "--target", "sandbox", "--api-key", "a", "--secret-key", "b"}, 1, "--sandbox-ok"},
		{"sandbox rate cap", []string{"load", "--target", "sandbox", "--sandbox-ok", "--rate", "50", "--api-key", "a", "--secret-key", "b"}, 1, "cap"},
		{"sandbox profile rate cap", []string{"load", "--target", "sandbox", "--sandbox-ok", "--profile", "../../scenarios/peak.json", "--api-key", "a", "--secret-key", "b"}, 1, "sandbox cap"},
		{"sandbox closed-model profile", []string{"load", "--target", "sandbox", "--sandbox-ok", "--profile", "../../scenarios/smoke.json", "--api-key", "a", "--secret-key", "b"}, 1, "only arrival-rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), c.args, &stdout, &stderr)
			if code != c.code || !strings.Contains(stderr.String(), c.want) {
				t.Fatalf("exit %d (want %d), stderr %q, want it to mention %q", code, c.code, stderr.String(), c.want)
			}
			if strings.Contains(stderr.String()+stdout.String(), "secret-key b") {
				t.Fatal("secret printed")
			}
		})
	}
}

func TestLoadProfiles(t *testing.T) {
	var stdout, stderr bytes.Buffer
	smoke := filepath.Join("..", "..", "scenarios", "smoke.json")
	t.Setenv("GATECHECK_ITERATIONS", "60")
	if code := run(context.Background(), []string{"load", "--profile", smoke}, &stdout, &stderr); code != 0 {
		t.Fatalf("smoke profile: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "60 iterations") || !strings.Contains(stdout.String(), "✓ 'rate==0' 0.00%") || !strings.Contains(stdout.String(), "verdict: PASS") {
		t.Fatalf("smoke output:\n%s", stdout.String())
	}
	// An impossible threshold fails the run with ✗ and its value.
	strict := filepath.Join(t.TempDir(), "strict.json")
	if err := os.WriteFile(strict, []byte(`{"name":"strict","scenarios":{"s":{"executor":"shared-iterations","iterations":20,"vus":2,"mix":"1:@non3ds && ~@error-card"}},
		"thresholds":{"http_req_duration{traffic:provider}":["p(95)<0.001"]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"load", "--profile", strict}, &stdout, &stderr); code != 1 || !strings.Contains(stdout.String(), "✗ 'p(95)<0.001'") {
		t.Fatalf("strict profile: exit %d\n%s", code, stdout.String())
	}
}

// TestLoadAbortOnFail: a threshold with abortOnFail stops the run long
// before its duration and exits 1.
func TestLoadAbortOnFail(t *testing.T) {
	prof := filepath.Join(t.TempDir(), "abort.json")
	if err := os.WriteFile(prof, []byte(`{"name":"abort","scenarios":{"s":{"executor":"constant-vus","vus":2,"duration":"60s","mix":"1:@non3ds && ~@error-card"}},
		"thresholds":{"http_req_duration":[{"threshold":"max<0.001","abortOnFail":true,"delayAbortEval":"1s"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"load", "--profile", prof}, &stdout, &stderr)
	out := stdout.String()
	if code != 1 || !strings.Contains(out, "ABORTED: threshold http_req_duration max<0.001 crossed") || !strings.Contains(out, "verdict: FAIL") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr.String())
	}
	m := regexp.MustCompile(`iterations in ([0-9.]+)(ms|s) `).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no elapsed time:\n%s", out)
	}
	if secs, _ := strconv.ParseFloat(m[1], 64); m[2] == "s" && secs > 30 {
		t.Fatalf("the run went on for %ss after the threshold failed", m[1])
	}
}

// TestRBSLoadProfile runs the Alfa-Bank mix against the RBS gateway the
// embedded mock serves under /rbs/ (the profile's rbsTarget), so its calls
// are measured; and refuses a remote RBS gateway without --sandbox-ok.
func TestRBSLoadProfile(t *testing.T) {
	var stdout, stderr bytes.Buffer
	t.Setenv("GATECHECK_ITERATIONS", "120")
	t.Setenv("GATECHECK_VUS", "4")
	prof := filepath.Join("..", "..", "scenarios", "rbs.json")
	// The profile's latency thresholds may fail on a loaded machine (exit
	// 1): what this test holds is that every flow passed and the RBS
	// operations were measured, not how fast they were.
	code := run(context.Background(), []string{"load", "--profile", prof}, &stdout, &stderr)
	out := stdout.String()
	if code != 0 && code != 1 {
		t.Fatalf("rbs profile: exit %d\n%s\n%s", code, out, stderr.String())
	}
	if !strings.Contains(out, "120 iterations") || !strings.Contains(out, "POST /rbs/payment/rest/register.do") ||
		!strings.Contains(out, "✓ 'rate==0'") {
		t.Fatalf("rbs profile output (want 120 iterations, register.do measured, flow_failed rate==0 held):\n%s", out)
	}
	if code == 1 && strings.Contains(out, "✗ 'rate==0'") {
		t.Fatalf("rbs profile: a flow failed:\n%s", out)
	}
	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"load", "--profile", prof, "--rbs-target", "https://alfa.rbsuat.com/payment/rest",
		"--rbs-user", "u", "--rbs-password", "p"}, &stdout, &stderr)
	if code == 0 || !strings.Contains(stderr.String(), "needs --sandbox-ok") {
		t.Fatalf("remote RBS gateway without --sandbox-ok: exit %d\n%s", code, stderr.String())
	}
}

// TestLoadSegmentsMerge runs the smoke profile as two execution segments
// and merges their result files: the merged run has the whole test's
// iterations and its thresholds are evaluated on the merged data.
func TestLoadSegmentsMerge(t *testing.T) {
	t.Setenv("GATECHECK_ITERATIONS", "41")
	dir := t.TempDir()
	smoke := filepath.Join("..", "..", "scenarios", "smoke.json")
	var files []string
	for i, seg := range []string{"0:1/2", "1/2:1"} {
		out := filepath.Join(dir, strconv.Itoa(i)+".json")
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"load", "--profile", smoke, "--execution-segment", seg, "--execution-segment-sequence", "0,1/2,1", "--summary-export", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("segment %s: exit %d\n%s\n%s", seg, code, stdout.String(), stderr.String())
		}
		if !strings.Contains(stdout.String(), "execution segment "+seg) {
			t.Fatalf("segment %s summary:\n%s", seg, stdout.String())
		}
		files = append(files, out)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"load", "merge"}, files...), &stdout, &stderr); code != 0 {
		t.Fatalf("merge: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "41 iterations") || !strings.Contains(stdout.String(), "verdict: PASS") {
		t.Fatalf("merged summary:\n%s", stdout.String())
	}
}

// TestLoadOutputDown: an OTLP receiver that is not there does not lose the
// run: the summary is printed, and the failed output is reported (exit 1).
func TestLoadOutputDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"load", "--iterations", "10", "--vus", "2", "--out", "otlp=http://" + addr}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stdout.String(), "verdict: PASS") || !strings.Contains(stderr.String(), "otlp output") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}
