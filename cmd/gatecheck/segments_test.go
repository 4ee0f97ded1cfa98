package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/mock"
)

// TestMain lets the test binary stand in for the gatecheck binary: with
// GATECHECK_TEST_AS_CLI=1 it runs the command line it was given, so a test
// can start real gatecheck processes without building one.
func TestMain(m *testing.M) {
	if os.Getenv("GATECHECK_TEST_AS_CLI") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// segmentProfile has two scenarios side by side whose iteration counts
// do not depend on the machine's speed, so that the parts of a segmented
// run can be compared with one process exactly.
const segmentProfile = `{
  "name": "segments",
  "scenarios": {
    "shared": {"executor": "shared-iterations", "vus": 5, "iterations": 61, "maxDuration": "3m",
               "mix": "3:@non3ds && ~@error-card; 1:@error-card && @non3ds"},
    "pervu":  {"executor": "per-vu-iterations", "vus": 7, "iterations": 4, "maxDuration": "3m",
               "mix": "1:@refund && ~@mock && ~@clock"}
  },
  "thresholds": {
    "flow_failed": ["rate==0"],
    "checks": ["rate==1"],
    "iterations": ["count==89"]
  }
}`

// segmentResult is what the test reads of a --summary-export file.
type segmentResult struct {
	Verdict    string `json:"verdict"`
	Iterations int    `json:"iterations"`
	Failures   int    `json:"failures"`
	Thresholds []struct {
		Key       string `json:"key"`
		Condition string `json:"condition"`
		OK        bool   `json:"ok"`
	} `json:"thresholds"`
	Series []struct {
		Metric string            `json:"metric"`
		Tags   map[string]string `json:"tags"`
		Sum    float64           `json:"sum"`
	} `json:"series"`
}

func (r segmentResult) scenarioIterations() map[string]int {
	out := map[string]int{}
	for _, s := range r.Series {
		if s.Metric == "iterations" && s.Tags["scenario"] != "" {
			out[s.Tags["scenario"]] += int(s.Sum)
		}
	}
	return out
}

func (r segmentResult) verdicts() map[string]bool {
	out := map[string]bool{}
	for _, t := range r.Thresholds {
		out[t.Key+" "+t.Condition] = t.OK
	}
	return out
}

// TestThreeProcessSegmentsMatchOneProcess starts three gatecheck load
// processes, each with its execution segment of one sequence, against one
// mock; merges their results with gatecheck load merge; and checks the
// merged run against a single process running the same profile: the same
// iterations in all, per scenario, and the same threshold verdicts. The
// segment algorithm splits integers exactly, so no rounding is allowed.
func TestThreeProcessSegmentsMatchOneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts four gatecheck processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	m, err := mock.New(mock.Config{APIKey: defaultMockAPIKey, SecretKey: defaultMockSecretKey})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)

	dir := t.TempDir()
	prof := filepath.Join(dir, "segments.json")
	if err := os.WriteFile(prof, []byte(segmentProfile), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	gatecheck := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Env = append(os.Environ(), "GATECHECK_TEST_AS_CLI=1",
			"CRAFTGATE_API_KEY="+defaultMockAPIKey, "CRAFTGATE_SECRET_KEY="+defaultMockSecretKey)
		return cmd
	}
	loadArgs := func(out string, extra ...string) []string {
		return append([]string{"load", "--target", srv.URL, "--profile", prof, "--summary-export", out}, extra...)
	}

	// Three processes at once, one segment each.
	segs := []string{"0:1/3", "1/3:2/3", "2/3:1"}
	parts := make([]string, len(segs))
	cmds := make([]*exec.Cmd, len(segs))
	outs := make([]*bytes.Buffer, len(segs))
	for i, seg := range segs {
		parts[i] = filepath.Join(dir, "part-"+strconv.Itoa(i)+".json")
		cmds[i] = gatecheck(loadArgs(parts[i], "--execution-segment", seg, "--execution-segment-sequence", "0,1/3,2/3,1")...)
		outs[i] = &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		// A part's own thresholds (the iteration count) are judged on the
		// merged data: exit 1 is expected, anything else is not.
		if err := c.Wait(); err != nil && c.ProcessState.ExitCode() != 1 {
			t.Fatalf("segment %s: %v (the test's 6 min bound, if killed)\n%s", segs[i], err, outs[i])
		}
	}
	merged := filepath.Join(dir, "merged.json")
	out, err := gatecheck(append([]string{"load", "merge", "--summary-export", merged}, parts...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("merge: %v\n%s", err, out)
	}
	single := filepath.Join(dir, "single.json")
	if out, err := gatecheck(loadArgs(single)...).CombinedOutput(); err != nil {
		t.Fatalf("single process: %v\n%s", err, out)
	}

	read := func(path string) segmentResult {
		t.Helper()
		var r segmentResult
		readJSONFile(t, path, &r)
		return r
	}
	one, all := read(single), read(merged)
	sum := 0
	for i := range parts {
		sum += read(parts[i]).Iterations
	}
	if one.Iterations != 89 || all.Iterations != one.Iterations || sum != one.Iterations {
		t.Errorf("iterations: one process %d, merged %d, parts summed %d; want 89 each", one.Iterations, all.Iterations, sum)
	}
	if got, want := fmt.Sprint(all.scenarioIterations()), fmt.Sprint(one.scenarioIterations()); got != want {
		t.Errorf("iterations per scenario: merged %s, one process %s", got, want)
	}
	if got, want := fmt.Sprint(all.verdicts()), fmt.Sprint(one.verdicts()); got != want || len(one.verdicts()) != 3 {
		t.Errorf("threshold verdicts: merged %s, one process %s", got, want)
	}
	if one.Verdict != "pass" || all.Verdict != "pass" || one.Failures != 0 || all.Failures != 0 {
		t.Errorf("verdicts: one process %s (%d failed), merged %s (%d failed)", one.Verdict, one.Failures, all.Verdict, all.Failures)
	}
}
