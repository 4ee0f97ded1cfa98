package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPartArgs(t *testing.T) {
	tests := []struct {
		i, n     int
		seg, seq string
	}{
		{0, 1, "0:1", "0,1"},
		{0, 3, "0:1/3", "0,1/3,2/3,1"},
		{1, 3, "1/3:2/3", "0,1/3,2/3,1"},
		{2, 3, "2/3:1", "0,1/3,2/3,1"},
		{3, 4, "3/4:1", "0,1/4,1/2,3/4,1"},
		{1, 6, "1/6:1/3", "0,1/6,1/3,1/2,2/3,5/6,1"},
	}
	for _, tt := range tests {
		got, err := partArgs(tt.i, tt.n, "/r/part.json", []string{"--profile", "p.json"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"load", "--execution-segment", tt.seg, "--execution-segment-sequence", tt.seq,
			"--summary-export", "/r/part.json", "--profile", "p.json"}
		if !slices.Equal(got, want) {
			t.Errorf("partArgs(%d, %d) = %q, want %q", tt.i, tt.n, got, want)
		}
	}
	if _, err := partArgs(3, 3, "x", nil); err == nil {
		t.Error("partArgs(3, 3) succeeded")
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadConfig(t *testing.T) {
	tests := []struct {
		mode string
		env  map[string]string
		err  string
	}{
		{"part", map[string]string{"GATECHECK_PARTS": "3", "JOB_COMPLETION_INDEX": "2"}, ""},
		{"merge", map[string]string{"GATECHECK_PARTS": "3", "GATECHECK_WAIT": "5m"}, ""},
		{"part", map[string]string{"JOB_COMPLETION_INDEX": "0"}, "GATECHECK_PARTS"},
		{"part", map[string]string{"GATECHECK_PARTS": "0", "JOB_COMPLETION_INDEX": "0"}, "GATECHECK_PARTS"},
		{"part", map[string]string{"GATECHECK_PARTS": "3"}, "JOB_COMPLETION_INDEX"},
		{"part", map[string]string{"GATECHECK_PARTS": "3", "JOB_COMPLETION_INDEX": "3"}, "JOB_COMPLETION_INDEX"},
		{"merge", map[string]string{"GATECHECK_PARTS": "3", "GATECHECK_WAIT": "soon"}, "GATECHECK_WAIT"},
	}
	for _, tt := range tests {
		cfg, err := readConfig(tt.mode, env(tt.env))
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s %v: %v", tt.mode, tt.env, err)
			} else if cfg.results != "/results" || cfg.bin != "/usr/local/bin/gatecheck" {
				t.Errorf("defaults: %+v", cfg)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s %v: error %v, want one naming %s", tt.mode, tt.env, err, tt.err)
		}
	}
}

// fakeGatecheck writes a stand-in for the gatecheck binary: it records its
// arguments, writes the --summary-export file unless told not to, and exits
// with the status it is given.
func fakeGatecheck(t *testing.T, dir string, writeSummary bool, status int) (bin, argsFile string) {
	t.Helper()
	argsFile = filepath.Join(dir, "args")
	write := ""
	if writeSummary {
		write = `prev=""; for a in "$@"; do if [ "$prev" = "--summary-export" ]; then echo '{"part":true}' > "$a"; fi; prev="$a"; done`
	}
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + argsFile + "\n" + write + "\nexit " + strconv.Itoa(status) + "\n"
	bin = filepath.Join(dir, "gatecheck")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, argsFile
}

func TestPart(t *testing.T) {
	tests := []struct {
		name     string
		write    bool
		status   int
		wantCode int
		wantFile bool
	}{
		{"result written", true, 0, 0, true},
		{"thresholds failed, result written", true, 7, 0, true},
		{"crashed without a result", false, 3, 3, false},
		{"exit 0 without a result", false, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bin, argsFile := fakeGatecheck(t, dir, tt.write, tt.status)
			// A previous run's result, which must not survive this run.
			if err := os.WriteFile(filepath.Join(dir, "part-1.json"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"part", "--profile", "/scenarios/peak.json"},
				env(map[string]string{"GATECHECK_PARTS": "3", "JOB_COMPLETION_INDEX": "1", "GATECHECK_RESULTS": dir, "GATECHECK_BIN": bin}),
				&out, &errOut)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.wantCode, errOut.String())
			}
			_, err := os.Stat(filepath.Join(dir, "part-1.json"))
			if (err == nil) != tt.wantFile {
				t.Fatalf("part-1.json exists = %v, want %v", err == nil, tt.wantFile)
			}
			if _, err := os.Stat(filepath.Join(dir, ".part-1.json")); err == nil {
				t.Fatal("the hidden partial file is left behind")
			}
			args, err := os.ReadFile(argsFile)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Join([]string{"load", "--execution-segment", "1/3:2/3", "--execution-segment-sequence", "0,1/3,2/3,1",
				"--summary-export", filepath.Join(dir, ".part-1.json"), "--profile", "/scenarios/peak.json"}, "\n") + "\n"
			if string(args) != want {
				t.Fatalf("gatecheck ran with\n%s\nwant\n%s", args, want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	bin, argsFile := fakeGatecheck(t, dir, false, 5)
	e := env(map[string]string{"GATECHECK_PARTS": "3", "GATECHECK_RESULTS": dir, "GATECHECK_BIN": bin, "GATECHECK_WAIT": "10s"})
	for _, i := range []string{"0", "2"} {
		if err := os.WriteFile(filepath.Join(dir, "part-"+i+".json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The last part arrives while merge waits.
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = os.WriteFile(filepath.Join(dir, "part-1.json"), []byte("{}"), 0o644)
	}()
	cfg, err := readConfig("merge", e)
	if err != nil {
		t.Fatal(err)
	}
	cfg.poll = 50 * time.Millisecond
	var out, errOut bytes.Buffer
	if code := runMerge(context.Background(), cfg, []string{"--json", "merged.json"}, &out, &errOut); code != 5 {
		t.Fatalf("merge exit %d, want gatecheck's 5; stderr %s", code, errOut.String())
	}
	args, err := os.ReadFile(argsFile)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{"load", "merge", "--json", "merged.json",
		filepath.Join(dir, "part-0.json"), filepath.Join(dir, "part-1.json"), filepath.Join(dir, "part-2.json")}, "\n") + "\n"
	if string(args) != want {
		t.Fatalf("gatecheck ran with\n%s\nwant\n%s", args, want)
	}
}

func TestMergeGivesUpNamingTheMissingParts(t *testing.T) {
	dir := t.TempDir()
	bin, argsFile := fakeGatecheck(t, dir, false, 0)
	if err := os.WriteFile(filepath.Join(dir, "part-0.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"merge"},
		env(map[string]string{"GATECHECK_PARTS": "2", "GATECHECK_RESULTS": dir, "GATECHECK_BIN": bin, "GATECHECK_WAIT": "200ms"}), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "part-1.json") {
		t.Fatalf("exit %d, stderr %q; want 1 naming part-1.json", code, errOut.String())
	}
	if _, err := os.Stat(argsFile); err == nil {
		t.Fatal("gatecheck ran although a part was missing")
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"other"}, env(nil), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}
