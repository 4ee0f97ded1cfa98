// Command gatecheck-entrypoint runs one part of a load test split over the
// pods of a Kubernetes Indexed Job, and merges the parts' results. The
// container image has no shell, so the little arithmetic and file handling
// a shell script would do lives here.
//
//	gatecheck-entrypoint part [gatecheck load flags...]
//	gatecheck-entrypoint merge [gatecheck load merge flags...]
//
// part runs, for pod i of N (JOB_COMPLETION_INDEX = i, GATECHECK_PARTS = N),
//
//	gatecheck load --execution-segment i/N:(i+1)/N \
//	  --execution-segment-sequence 0,1/N,…,1 \
//	  --summary-export $GATECHECK_RESULTS/part-i.json [flags...]
//
// writing the result under a hidden name (.part-i.json) and renaming it when gatecheck
// exits, so that merge never reads a half-written part. A part whose result
// was written exits 0 even when its own thresholds failed: thresholds are
// judged on the merged result, not on 1/N of the load. A part without a
// result exits with gatecheck's status, which fails the Job.
//
// merge waits (up to GATECHECK_WAIT, default 2m) until all N parts are
// there and runs `gatecheck load merge [flags...] part-0.json … part-(N-1).json`,
// exiting with its status: the merged verdict.
//
// Environment: GATECHECK_PARTS (N, required), JOB_COMPLETION_INDEX (part),
// GATECHECK_RESULTS (default /results), GATECHECK_BIN (default
// /usr/local/bin/gatecheck), GATECHECK_WAIT (merge, a Go duration).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/gatecheck/gatecheck/load/segment"
)

// config is what the environment says.
type config struct {
	parts   int
	index   int // part only
	results string
	bin     string
	wait    time.Duration
	poll    time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "part" && args[0] != "merge") {
		fmt.Fprintln(stderr, "usage: gatecheck-entrypoint part|merge [gatecheck flags...]")
		return 2
	}
	cfg, err := readConfig(args[0], getenv)
	if err != nil {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: %v\n", err)
		return 2
	}
	if args[0] == "part" {
		return runPart(ctx, cfg, args[1:], stdout, stderr)
	}
	return runMerge(ctx, cfg, args[1:], stdout, stderr)
}

func readConfig(mode string, getenv func(string) string) (config, error) {
	cfg := config{results: "/results", bin: "/usr/local/bin/gatecheck", wait: 2 * time.Minute, poll: 2 * time.Second}
	n, err := strconv.Atoi(getenv("GATECHECK_PARTS"))
	if err != nil || n < 1 {
		return cfg, fmt.Errorf("GATECHECK_PARTS=%q: want the number of parts (the Job's completions), at least 1", getenv("GATECHECK_PARTS"))
	}
	cfg.parts = n
	if mode == "part" {
		i, err := strconv.Atoi(getenv("JOB_COMPLETION_INDEX"))
		if err != nil || i < 0 || i >= n {
			return cfg, fmt.Errorf("JOB_COMPLETION_INDEX=%q: want 0…%d (an Indexed Job sets it)", getenv("JOB_COMPLETION_INDEX"), n-1)
		}
		cfg.index = i
	}
	if v := getenv("GATECHECK_RESULTS"); v != "" {
		cfg.results = v
	}
	if v := getenv("GATECHECK_BIN"); v != "" {
		cfg.bin = v
	}
	if v := getenv("GATECHECK_WAIT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("GATECHECK_WAIT=%q: want a positive Go duration such as 30m", v)
		}
		cfg.wait = d
	}
	return cfg, nil
}

// partFile is where part i's result ends up.
func partFile(dir string, i int) string {
	return filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
}

// partArgs is the gatecheck command line of part i of n.
func partArgs(i, n int, summary string, extra []string) ([]string, error) {
	p, err := segment.Even(i, n)
	if err != nil {
		return nil, err
	}
	args := []string{"load",
		"--execution-segment", p.Segment().String(),
		"--execution-segment-sequence", p.Sequence().String(),
		"--summary-export", summary,
	}
	return append(args, extra...), nil
}

func runPart(ctx context.Context, cfg config, extra []string, stdout, stderr io.Writer) int {
	final := partFile(cfg.results, cfg.index)
	// A hidden name that a part-*.json glob does not match.
	partial := filepath.Join(cfg.results, "."+filepath.Base(final))
	// A previous run's result must not pass for this one's: a merge
	// started after a failed part would otherwise read it.
	_ = os.Remove(partial)
	_ = os.Remove(final)
	args, err := partArgs(cfg.index, cfg.parts, partial, extra)
	if err != nil {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "gatecheck-entrypoint: part %d of %d: %s %v\n", cfg.index, cfg.parts, cfg.bin, args)
	code := runChild(ctx, cfg.bin, args, stdout, stderr)
	if _, err := os.Stat(partial); err != nil {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: part %d wrote no result (gatecheck exit status %d)\n", cfg.index, code)
		if code == 0 {
			code = 1
		}
		return code
	}
	if err := os.Rename(partial, final); err != nil {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: %v\n", err)
		return 1
	}
	if code != 0 {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: part %d: gatecheck exit status %d; its result %s is kept, the merge judges the thresholds\n", cfg.index, code, final)
	}
	return 0
}

func runMerge(ctx context.Context, cfg config, extra []string, stdout, stderr io.Writer) int {
	files := make([]string, cfg.parts)
	for i := range files {
		files[i] = partFile(cfg.results, i)
	}
	if err := waitFor(ctx, files, cfg.wait, cfg.poll); err != nil {
		fmt.Fprintf(stderr, "gatecheck-entrypoint: %v\n", err)
		return 1
	}
	args := append(append([]string{"load", "merge"}, extra...), files...)
	fmt.Fprintf(stderr, "gatecheck-entrypoint: merging %d parts: %s %v\n", cfg.parts, cfg.bin, args)
	return runChild(ctx, cfg.bin, args, stdout, stderr)
}

// waitFor returns when every file exists, or an error naming the missing
// ones when wait is over or ctx is done.
func waitFor(ctx context.Context, files []string, wait, poll time.Duration) error {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		var missing []string
		for _, f := range files {
			if _, err := os.Stat(f); err != nil {
				missing = append(missing, filepath.Base(f))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("stopped while waiting for %v: %w", missing, ctx.Err())
		case <-deadline.C:
			return fmt.Errorf("after %s, still no %v: did a part fail? (kubectl get pods -l job-name=gatecheck-load)", wait, missing)
		case <-tick.C:
		}
	}
}

// runChild runs bin with args, passing SIGTERM/SIGINT on (through ctx) and
// giving it 30 s to write its result before it is killed, and returns its
// exit status.
func runChild(ctx context.Context, bin string, args []string, stdout, stderr io.Writer) int {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	err := cmd.Run()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() > 0 {
		return ee.ExitCode()
	}
	fmt.Fprintf(stderr, "gatecheck-entrypoint: %s: %v\n", bin, err)
	return 1
}
