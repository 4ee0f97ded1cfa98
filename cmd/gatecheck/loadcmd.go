package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/load/segment"
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

// outFlags collects repeated --out flags.
type outFlags []string

func (o *outFlags) String() string     { return strings.Join(*o, ",") }
func (o *outFlags) Set(v string) error { *o = append(*o, v); return nil }

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "merge" {
		return runLoadMerge(args[1:], stdout, stderr)
	}
	fs := newFlagSet("load", stderr)
	var tf targetFlags
	tf.register(fs)
	tf.registerRBS(fs)
	mixFlag := fs.String("mix", defaultMix, "weighted scenario mix: 'weight:tag filter' entries separated by ';'")
	vus := fs.Int("vus", 8, "virtual users (concurrent iterations); over a profile, every scenario's VUs")
	duration := fs.Duration("duration", 10*time.Second, "how long to start iterations (bounded: max 24h)")
	iterations := fs.Int("iterations", 0, "stop after this many iterations (0: only the duration bounds the run)")
	rate := fs.Float64("rate", 0, "iterations started per second (open model, constant-arrival-rate); 0 = closed model")
	seed := fs.Uint64("scenario-seed", 1, "seed of the scenario choice")
	export := fs.String("summary-export", "", "write the result (metrics, thresholds, verdict, mergeable histograms) as JSON to this file")
	htmlOut := fs.String("html", "", "write a self-contained HTML page of the run (latency over time per operation) to this file")
	segFlag := fs.String("execution-segment", "", "run only this process's share of the test, as k6: \"1/3:2/3\" (with --execution-segment-sequence; merge the results with 'gatecheck load merge')")
	seqFlag := fs.String("execution-segment-sequence", "", "every segment's boundaries, as k6: \"0,1/3,2/3,1\"")
	var outs outFlags
	fs.Var(&outs, "out", "stream metric samples: json=FILE (k6's JSON lines), csv=FILE, otlp=http://HOST:PORT (OpenTelemetry metrics over OTLP/HTTP); repeatable")
	sandboxOK := fs.Bool("sandbox-ok", false, "allow a load run against the Craftgate sandbox (rate-capped)")
	sandboxMax := fs.Float64("sandbox-max-rate", sandboxMaxRate, "highest rate allowed against the sandbox")
	profilePath := fs.String("profile", "", "a load profile (scenarios/*.json, k6's options.scenarios shape); --vus/--rate/--duration/--iterations and GATECHECK_VUS/RATE/DURATION/ITERATIONS override every scenario that takes them")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (did you mean 'gatecheck load merge'?)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case *vus <= 0:
		return usagef("--vus %d: want at least 1", *vus)
	case *vus > load.MaxVUs:
		return usagef("--vus %d: at most %d", *vus, load.MaxVUs)
	case *rate < 0:
		return usagef("--rate %g: want 0 (closed model) or a positive rate", *rate)
	case *iterations < 0:
		return usagef("--iterations %d: must not be negative", *iterations)
	case *duration < 0:
		return usagef("--duration %s: must not be negative", *duration)
	case *duration > load.MaxDuration:
		return usagef("--duration %s exceeds the %s limit", *duration, load.MaxDuration)
	}
	part, err := segment.New(*segFlag, *seqFlag)
	if err != nil {
		return usagef("--execution-segment %q --execution-segment-sequence %q: %v", *segFlag, *seqFlag, err)
	}
	ov, err := loadOverrides(set, *vus, *duration, *iterations, *rate)
	if err != nil {
		return usagef("%v", err)
	}
	opts := load.Options{Seed: *seed, Segment: part}
	var prof *load.Profile
	if *profilePath != "" {
		prof, err = load.ReadProfile(*profilePath)
		if err != nil {
			return err
		}
		ov.Apply(prof)
		if err := prof.Validate(); err != nil {
			return usagef("profile %s after overrides: %v", prof.Name, err)
		}
		if !set["rbs-target"] && prof.RBSTarget != "" {
			tf.rbs.target = prof.RBSTarget
		}
		opts.Profile, opts.Scenarios, opts.Thresholds = prof.Name, prof.Scenarios, prof.Thresholds
		fmt.Fprintf(stderr, "gatecheck load: profile %s\n", prof.Name)
		if set["mix"] {
			for _, c := range prof.Scenarios {
				c.Mix = *mixFlag
			}
		}
	} else {
		if *duration <= 0 && *iterations <= 0 {
			return usagef("a run needs a duration or an iteration count")
		}
		opts.VUs, opts.Duration, opts.Iterations, opts.Rate = *vus, *duration, *iterations, *rate
	}
	mix, err := load.ParseMix(*mixFlag)
	if err != nil {
		return usagef("--mix: %v", err)
	}
	opts.Mix = mix
	if err := checkMixTags(mix, prof); err != nil {
		return err
	}
	if err := checkLoadTarget(&tf, *sandboxOK, rate, *sandboxMax, *vus); err != nil {
		return err
	}
	if prof != nil && sandboxLoadTarget(&tf) {
		if err := capProfile(prof, *sandboxMax); err != nil {
			return err
		}
	}
	for _, o := range outs {
		out, err := openOutput(o)
		if err != nil {
			return usagef("--out %s: %v", o, err)
		}
		if j, ok := out.(*load.JSONOutput); ok {
			j.SetThresholds(opts.Thresholds)
		}
		opts.Outputs = append(opts.Outputs, out)
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
	opts.Target, opts.Plan = tgt.Target, plan
	opts.FilterMix = func(f string) string {
		if !tgt.Mock {
			f = load.AndFilters(f, "~@mock")
		}
		return tgt.clockFilter(tgt.RBS.filter(f), nil)
	}
	fmt.Fprintf(stderr, "gatecheck load: target %s\n", tgt.Name)
	res, runErr := runLoadWithProgress(ctx, stderr, opts)
	if res == nil {
		return runErr
	}
	if err := writeLoadResult(stdout, res, *export, *htmlOut); err != nil {
		return err
	}
	if runErr != nil {
		// The run ended but an output failed (its file, its receiver): the
		// summary above stands, the failure is reported.
		return runErr
	}
	if !res.Passed() {
		return exitError{code: 1}
	}
	return nil
}

// loadOverrides reads the overrides of a profile: the environment's
// (GATECHECK_VUS, GATECHECK_RATE, GATECHECK_DURATION, GATECHECK_ITERATIONS,
// as k6 scripts read __ENV), then the flags given explicitly.
func loadOverrides(set map[string]bool, vus int, duration time.Duration, iterations int, rate float64) (load.Override, error) {
	var ov load.Override
	env := func(name string, apply func(string) error) error {
		v := os.Getenv(name)
		if v == "" {
			return nil
		}
		if err := apply(v); err != nil {
			return fmt.Errorf("%s=%q: %w", name, v, err)
		}
		return nil
	}
	err := errors.Join(
		env("GATECHECK_VUS", func(v string) (err error) { ov.VUs, err = strconv.Atoi(v); return }),
		env("GATECHECK_RATE", func(v string) (err error) { ov.Rate, err = strconv.ParseFloat(v, 64); return }),
		env("GATECHECK_DURATION", func(v string) (err error) { ov.Duration, err = time.ParseDuration(v); return }),
		env("GATECHECK_ITERATIONS", func(v string) (err error) { ov.Iterations, err = strconv.Atoi(v); return }),
	)
	if err != nil {
		return ov, err
	}
	if ov.VUs < 0 || ov.Rate < 0 || ov.Duration < 0 || ov.Iterations < 0 {
		return ov, errors.New("GATECHECK_VUS, GATECHECK_RATE, GATECHECK_DURATION and GATECHECK_ITERATIONS must not be negative")
	}
	if set["vus"] {
		ov.VUs = vus
	}
	if set["duration"] {
		ov.Duration = duration
	}
	if set["iterations"] {
		ov.Iterations = iterations
	}
	if set["rate"] {
		ov.Rate = rate
	}
	return ov, nil
}

// openOutput opens one --out: json=FILE, csv=FILE or otlp=URL.
func openOutput(spec string) (load.Output, error) {
	kind, arg, ok := strings.Cut(spec, "=")
	if !ok || arg == "" {
		return nil, errors.New("want json=FILE, csv=FILE or otlp=http://HOST:PORT")
	}
	switch kind {
	case "json":
		return load.NewJSONOutput(arg)
	case "csv":
		return load.NewCSVOutput(arg)
	case "otlp", "opentelemetry", "experimental-opentelemetry":
		return load.NewOTLPOutput(context.Background(), arg)
	}
	return nil, fmt.Errorf("unknown output %q: want json, csv or otlp", kind)
}

// runLoadMerge merges the result files of the segments of one run and
// prints the summary with the thresholds evaluated on the merged data.
func runLoadMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("load merge", stderr)
	export := fs.String("summary-export", "", "write the merged result as JSON to this file")
	htmlOut := fs.String("html", "", "write a self-contained HTML page of the merged run to this file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return exitError{code: 2}
	}
	if fs.NArg() == 0 {
		return usagef("load merge: name the result files (--summary-export of each segment) to merge")
	}
	var rs []*load.Result
	for _, p := range fs.Args() {
		r, err := load.ReadResult(p)
		if err != nil {
			return err
		}
		rs = append(rs, r)
	}
	m, err := load.MergeResults(rs...)
	if err != nil {
		return err
	}
	if err := writeLoadResult(stdout, m, *export, *htmlOut); err != nil {
		return err
	}
	if !m.Passed() {
		return exitError{code: 1}
	}
	return nil
}

// writeLoadResult writes r's summary to stdout and, where their paths are
// not empty, r as JSON to export and as an HTML page to htmlOut.
func writeLoadResult(stdout io.Writer, r *load.Result, export, htmlOut string) error {
	load.WriteSummary(stdout, r)
	if export != "" {
		if err := writeJSONFile(export, r); err != nil {
			return err
		}
	}
	if htmlOut != "" {
		if err := writeLoadHTML(htmlOut, r); err != nil {
			return err
		}
	}
	return nil
}

func writeLoadHTML(path string, r *load.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := load.WriteHTML(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sandboxLoadTarget reports whether the run goes to the Craftgate sandbox
// or a remote RBS test gateway, where load is rate-capped.
func sandboxLoadTarget(tf *targetFlags) bool {
	dest := tf.target
	if tf.baseURL != "" {
		dest = tf.baseURL
	}
	return dest == "sandbox" || strings.Contains(dest, "sandbox-api.craftgate.io") || tf.rbs.remote()
}

// capProfile keeps a profile polite to a sandbox: only arrival-rate
// scenarios (a closed model runs as fast as the sandbox answers), whose
// peak rates together stay within maxRate iterations per second.
func capProfile(p *load.Profile, maxRate float64) error {
	total := 0.0
	for _, name := range p.ScenarioNames() {
		c := p.Scenarios[name]
		if c.Executor != load.ConstantArrival && c.Executor != load.RampingArrivalRate {
			return fmt.Errorf("scenario %q: against a sandbox only arrival-rate executors run (a %s scenario is not rate-capped)", name, c.Executor)
		}
		peak := max(c.Rate, c.StartRate)
		for _, st := range c.Stages {
			peak = max(peak, st.Target)
		}
		unit := time.Second
		if c.TimeUnit > 0 {
			unit = time.Duration(c.TimeUnit)
		}
		total += peak * float64(time.Second) / float64(unit)
	}
	if total > maxRate {
		return fmt.Errorf("the profile peaks at %g iterations/s, above the sandbox cap %g/s (lower it with --rate or GATECHECK_RATE, or raise the cap knowingly with --sandbox-max-rate)", total, maxRate)
	}
	return nil
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

// runLoadWithProgress runs the load test with a progress bar showing
// iterations per second, active VUs, the current stage and failures (a
// line every second when stderr is not a terminal).
func runLoadWithProgress(ctx context.Context, stderr io.Writer, opts load.Options) (*load.Result, error) {
	disp := progress.New(stderr)
	disp.SetLineEvery(time.Second)
	bar := disp.Bar("load", "iterations", 0)
	var lastIt, lastFail int64
	opts.Progress = func(p load.Progress) {
		bar.SetStatus(fmt.Sprintf("%.0f it/s, %d/%d VUs, %d dropped, %d checks failed, %s [%s]",
			p.IterationsPerSecond, p.ActiveVUs, p.AllocatedVUs, p.Dropped, p.ChecksFails, p.Elapsed.Truncate(time.Second), p.Stage))
		bar.Add(int(p.Iterations-lastIt), int(p.Failures-lastFail))
		lastIt, lastFail = p.Iterations, p.Failures
	}
	res, err := load.Run(ctx, opts)
	if res != nil {
		bar.Add(res.Iterations-int(lastIt), res.Failures-int(lastFail))
	}
	bar.Done()
	disp.Wait()
	return res, err
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(craftgate.MaskPANs(string(b))), 0o644)
}

// checkMixTags validates every tag filter of the run's mixes against the
// suite before anything starts: an unknown tag or a malformed filter is a
// usage error naming the close matches.
func checkMixTags(mix []load.MixEntry, prof *load.Profile) error {
	pickles, err := suitePickles()
	if err != nil {
		return err
	}
	entries := append([]load.MixEntry(nil), mix...)
	if prof != nil {
		for _, c := range prof.Scenarios {
			if c.Mix == "" {
				continue
			}
			m, err := load.ParseMix(c.Mix)
			if err != nil {
				return usagef("profile %s: mix %q: %v", prof.Name, c.Mix, err)
			}
			entries = append(entries, m...)
		}
	}
	for _, e := range entries {
		if err := checkTags(e.Filter, pickles); err != nil {
			return err
		}
	}
	return nil
}
