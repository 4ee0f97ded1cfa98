package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/progress"
)

// Rate caps that keep a load run polite to the provider's sandbox.
const (
	sandboxDefaultRate = 2.0  // iterations/s when --sandbox-ok is given without --rate
	sandboxMaxRate     = 10.0 // iterations/s unless --sandbox-max-rate raises it knowingly
)

// defaultMix is the peak-hour mix: mostly successful non-3DS payments,
// some declines and refunds.
const defaultMix = "70:@non3ds && ~@error-card; 15:@error-card && @non3ds; 15:@refund && ~@mock"

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load", stderr)
	var tf targetFlags
	tf.register(fs)
	tf.registerRBS(fs)
	mixFlag := fs.String("mix", defaultMix, "weighted scenario mix: 'weight:tag filter' entries separated by ';'")
	vus := fs.Int("vus", 8, "virtual users (concurrent iterations)")
	duration := fs.Duration("duration", 10*time.Second, "how long to start iterations (bounded: max 24h)")
	iterations := fs.Int("iterations", 0, "stop after this many iterations (0: only the duration bounds the run)")
	rate := fs.Float64("rate", 0, "iterations started per second (open model); 0 = closed model")
	seed := fs.Uint64("scenario-seed", 1, "seed of the scenario choice")
	jsonOut := fs.String("json", "", "write the full result as JSON to this file")
	sandboxOK := fs.Bool("sandbox-ok", false, "allow a load run against the Craftgate sandbox (rate-capped)")
	sandboxMax := fs.Float64("sandbox-max-rate", sandboxMaxRate, "highest rate allowed against the sandbox")
	profilePath := fs.String("profile", "", "a load profile (scenarios/*.json): mix, VUs, rate, bounds and pass/fail thresholds; flags and GATECHECK_VUS/RATE/DURATION/ITERATIONS override it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var thresholds *load.Thresholds
	if *profilePath != "" {
		p, err := load.ReadProfile(*profilePath)
		if err != nil {
			return err
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := applyProfile(p, set, mixFlag, vus, duration, iterations, rate); err != nil {
			return err
		}
		if !set["rbs-target"] && p.RBSTarget != "" {
			tf.rbs.target = p.RBSTarget
		}
		thresholds = &p.Thresholds
		fmt.Fprintf(stderr, "gatecheck load: profile %s\n", p.Name)
	}
	mix, err := load.ParseMix(*mixFlag)
	if err != nil {
		return err
	}
	if err := checkLoadTarget(&tf, *sandboxOK, rate, *sandboxMax, *vus); err != nil {
		return err
	}
	tgt, err := tf.resolve(ctx, stderr)
	if err != nil {
		return err
	}
	defer tgt.Close()
	plan, err := load.Compile(features.FS())
	if err != nil {
		return err
	}
	for i := range mix {
		if !tgt.Mock {
			mix[i].Filter = load.AndFilters(mix[i].Filter, "~@mock")
		}
		mix[i].Filter = tgt.clockFilter(tgt.RBS.filter(mix[i].Filter), nil)
	}
	fmt.Fprintf(stderr, "gatecheck load: target %s, %d VUs, duration %s, iterations %d, rate %g/s\n",
		tgt.Name, *vus, *duration, *iterations, *rate)
	res, err := runLoadWithProgress(ctx, stderr, load.Options{Target: tgt.Target, Plan: plan, Mix: mix, VUs: *vus,
		Duration: *duration, Iterations: *iterations, Rate: *rate, Seed: *seed})
	if err != nil {
		return err
	}
	printLoadSummary(stdout, res)
	if *jsonOut != "" {
		if err := writeJSONFile(*jsonOut, res); err != nil {
			return err
		}
	}
	if thresholds != nil {
		if bad := thresholds.Check(res); len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintln(stdout, "  THRESHOLD FAILED:", b)
			}
			return exitError{code: 1}
		}
		fmt.Fprintln(stdout, "thresholds: all passed")
		return nil
	}
	if res.Failures > 0 {
		return exitError{code: 1}
	}
	return nil
}

// applyProfile takes the profile's settings, then the environment's
// (GATECHECK_VUS, GATECHECK_RATE, GATECHECK_DURATION, GATECHECK_ITERATIONS,
// as k6 scripts read __ENV), then the flags given explicitly.
func applyProfile(p *load.Profile, set map[string]bool, mix *string, vus *int, duration *time.Duration, iterations *int, rate *float64) error {
	if !set["mix"] && p.Mix != "" {
		*mix = p.Mix
	}
	if !set["vus"] && p.VUs > 0 {
		*vus = p.VUs
	}
	if !set["rate"] && p.Rate > 0 {
		*rate = p.Rate
	}
	if !set["duration"] {
		*duration = time.Duration(p.Duration)
	}
	if !set["iterations"] {
		*iterations = p.Iterations
	}
	env := func(name string, apply func(string) error) error {
		v := os.Getenv(name)
		if v == "" || set[strings.ToLower(strings.TrimPrefix(name, "GATECHECK_"))] {
			return nil
		}
		if err := apply(v); err != nil {
			return fmt.Errorf("%s=%q: %w", name, v, err)
		}
		return nil
	}
	return errors.Join(
		env("GATECHECK_VUS", func(v string) (err error) { *vus, err = strconv.Atoi(v); return }),
		env("GATECHECK_RATE", func(v string) (err error) { *rate, err = strconv.ParseFloat(v, 64); return }),
		env("GATECHECK_DURATION", func(v string) (err error) { *duration, err = time.ParseDuration(v); return }),
		env("GATECHECK_ITERATIONS", func(v string) (err error) { *iterations, err = strconv.Atoi(v); return }),
	)
}

// checkLoadTarget applies the safety rails: production is refused by
// resolve; the sandbox needs --sandbox-ok and is rate-capped.
func checkLoadTarget(tf *targetFlags, sandboxOK bool, rate *float64, maxRate float64, vus int) error {
	dest := tf.target
	if tf.baseURL != "" {
		dest = tf.baseURL
	}
	sandbox := dest == "sandbox" || strings.Contains(dest, "sandbox-api.craftgate.io")
	if !sandbox && !tf.rbs.remote() {
		return nil
	}
	if !sandboxOK {
		if !sandbox {
			return errors.New("load against a remote RBS test gateway needs --sandbox-ok (and stays rate-capped)")
		}
		return errors.New("load against the Craftgate sandbox needs --sandbox-ok (and stays rate-capped)")
	}
	if *rate == 0 {
		*rate = sandboxDefaultRate
	}
	if *rate > maxRate {
		return fmt.Errorf("rate %g/s exceeds the sandbox cap %g/s (raise it knowingly with --sandbox-max-rate)", *rate, maxRate)
	}
	if vus > 50 {
		return fmt.Errorf("%d VUs against the sandbox: at most 50", vus)
	}
	return nil
}

// runLoadWithProgress runs the load test with a progress bar (a line
// every few seconds when stderr is not a terminal).
func runLoadWithProgress(ctx context.Context, stderr io.Writer, opts load.Options) (*load.Result, error) {
	disp := progress.New(stderr)
	// An iteration-bounded run counts iterations; a time-bounded one
	// counts seconds, the only total known in advance.
	byTime := opts.Iterations <= 0
	var bar *progress.Bar
	if byTime {
		bar = disp.Bar("load", "s", int(opts.Duration/time.Second))
	} else {
		bar = disp.Bar("load", "iterations", opts.Iterations)
	}
	var lastIt, lastFail int64
	var lastSec int
	opts.Progress = func(p load.Progress) {
		done := int(p.Iterations - lastIt)
		if byTime {
			sec := int(p.Elapsed / time.Second)
			done, lastSec = sec-lastSec, sec
		}
		bar.Add(done, int(p.Failures-lastFail))
		lastIt, lastFail = p.Iterations, p.Failures
	}
	res, err := load.Run(ctx, opts)
	if res != nil {
		if byTime {
			bar.Add(int(res.Elapsed()/time.Second)-lastSec, res.Failures-int(lastFail))
		} else {
			bar.Add(res.Iterations-int(lastIt), res.Failures-int(lastFail))
		}
	}
	bar.Done()
	disp.Wait()
	return res, err
}

func printLoadSummary(w io.Writer, r *load.Result) {
	fmt.Fprintf(w, "\n%d iterations in %s (%.1f it/s), %d failed (%.2f %%), %d dropped, %d requests\n\n",
		r.Iterations, r.Elapsed().Round(time.Millisecond), r.IterationsPerSecond(), r.Failures, 100*r.FailureRate(), r.Dropped, r.Requests)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tcount\tp50\tp90\tp95\tp99\tmax\t")
	for _, name := range sortedKeys(r.Operations) {
		s := r.Operations[name].Summary()
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", name, s.Count, ms(s.P50), ms(s.P90), ms(s.P95), ms(s.P99), ms(s.Max))
	}
	tw.Flush()
	if len(r.ErrorGroups) > 0 {
		fmt.Fprintln(w, "\nerror answers by group (error-card scenarios expect some):")
		for _, g := range sortedKeys(r.ErrorGroups) {
			fmt.Fprintf(w, "  %-32s %d\n", g, r.ErrorGroups[g])
		}
	}
	for _, s := range r.FailureSamples {
		fmt.Fprintln(w, "  FAIL", s)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/1e6) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(craftgate.MaskPANs(string(b))), 0o644)
}
