package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/gatecheck/gatecheck/conform"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/progress"
	"github.com/gatecheck/gatecheck/reports"
)

// loadEngineName names the engine of the sign-off's load stage.
const loadEngineName = "gatecheck load engine (Go, same step library as the conformance suite)"

func runSignoff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("signoff", stderr)
	var tf targetFlags
	tf.register(fs)
	tf.registerRBS(fs)
	out := fs.String("out", filepath.Join("reports", "out"), "parent folder of the dated report folder")
	tags := fs.String("tags", "", "tag filter of the conformance stage (default: everything the target supports)")
	loadDur := fs.Duration("load-duration", 10*time.Second, "length of the load stage (0 skips it)")
	loadVUs := fs.Int("load-vus", 8, "virtual users of the load stage")
	loadRate := fs.Float64("load-rate", 0, "iterations/s of the load stage (0: closed model)")
	mixFlag := fs.String("load-mix", defaultMix, "scenario mix of the load stage")
	sandboxOK := fs.Bool("sandbox-ok", false, "allow the load stage against the Craftgate sandbox (rate-capped)")
	provider := fs.String("provider", reports.ProviderCraftgate, "whose checklist: craftgate, or rbs (Alfa-Bank gateway, RetailCRM go-live)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mix, err := load.ParseMix(*mixFlag)
	if err != nil {
		return err
	}
	if *provider != reports.ProviderCraftgate && *provider != reports.ProviderRBS {
		return fmt.Errorf("--provider %q: want craftgate or rbs", *provider)
	}
	started := time.Now()
	dir := filepath.Join(*out, "signoff-"+started.Format("2006-01-02T150405"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}

	tf.noonClock = true
	tgt, err := tf.resolve(ctx, stderr)
	if err != nil {
		return err
	}
	defer tgt.Close()
	plan, err := load.Compile(features.FS())
	if err != nil {
		return err
	}
	expr := *tags
	if *provider == reports.ProviderRBS {
		// The Alfa-Bank scenarios run against the --rbs-target gateway:
		// by default gatecheck's in-process RBS mock (the evidence names it).
		expr = tgt.RBS.filter(load.AndFilters(expr, "@rbs"))
	} else {
		expr = load.AndFilters(expr, "~@rbs")
	}
	expr = tgt.clockFilter(expr, stderr)
	for i := range mix {
		mix[i].Filter = tgt.clockFilter(mix[i].Filter, nil)
	}
	if !tgt.Mock {
		expr = load.AndFilters(expr, "~@mock && ~@webhook")
		for i := range mix {
			mix[i].Filter = load.AndFilters(mix[i].Filter, "~@mock && ~@webhook")
		}
	}
	fmt.Fprintf(stderr, "gatecheck signoff: target %s; report folder %s\n", tgt.Name, dir)

	// Stage 1: the conformance suite, with JUnit and cucumber reports.
	disp := progress.New(stderr)
	bar := disp.Bar("conformance", "scenarios", len(plan.Select(expr)))
	res, err := conform.Run(ctx, conform.Options{
		Target: tgt.Target, Tags: expr, Output: io.Discard, Concurrency: 4, NoColors: true,
		Format: "junit:" + filepath.Join(dir, "junit.xml") + ",cucumber:" + filepath.Join(dir, "cucumber.json"),
		OnScenario: func(s conform.ScenarioResult) {
			failed := 0
			if s.Status != "passed" {
				failed = 1
			}
			bar.Add(1, failed)
		},
	})
	bar.Done()
	disp.Wait()
	if err != nil {
		return fmt.Errorf("conformance stage: %w", err)
	}

	// Stage 2: a short, bounded load run of the same scenarios.
	run := &reports.Run{Provider: *provider, Target: tgt.Name, TargetIsMock: tgt.Mock, LoadEngine: loadEngineName,
		KeyFingerprint: fingerprint(tgt.APIKey), Started: started}
	if *provider == reports.ProviderRBS {
		run.Target, run.TargetIsMock = tgt.RBS.Name, tgt.RBS.Mock
		run.KeyFingerprint = fingerprint(tgt.rbsAccount())
	}
	run.Version, run.Commit = buildInfo()
	for _, o := range res.Outcomes {
		run.Scenarios = append(run.Scenarios, toReportScenario(o))
	}
	rate := *loadRate
	switch lerr := checkLoadTarget(&tf, *sandboxOK, &rate, sandboxMaxRate, *loadVUs); {
	case *loadDur <= 0:
		run.LoadError = "load stage skipped (--load-duration 0)"
	case *provider == reports.ProviderRBS:
		run.LoadError = "load stage skipped: the Alfa-Bank go-live check has no load requirement"
	case lerr != nil:
		run.LoadError = "load stage skipped: " + lerr.Error()
	default:
		lr, err := runLoadWithProgress(ctx, stderr, load.Options{Target: tgt.Target, Plan: plan, Mix: mix,
			VUs: *loadVUs, Duration: *loadDur, Rate: rate, Seed: 1})
		if err != nil {
			run.LoadError = "load stage failed: " + err.Error()
		} else {
			run.Load = lr
			if err := writeJSONFile(filepath.Join(dir, "load-summary.json"), lr); err != nil {
				return err
			}
		}
	}
	run.Finished = time.Now()

	// Stage 3: the report.
	rep := reports.Build(run)
	if err := rep.WriteDir(dir); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	s := res.Scenarios
	fmt.Fprintf(stdout, "verdict: %s (score %.0f%%, coverage %.0f%%); %d scenarios: %d passed, %d failed\n",
		rep.Verdict, 100*rep.Summary.Score, 100*rep.Summary.Coverage, s.Total(), s.Passed, s.Failed+s.Undefined+s.Pending+s.Ambiguous)
	if run.Load != nil {
		fmt.Fprintf(stdout, "load: %d iterations, %.1f it/s, %.2f %% failed\n", run.Load.Iterations, run.Load.IterationsPerSecond(), 100*run.Load.FailureRate())
	} else {
		fmt.Fprintln(stdout, run.LoadError)
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, reports.HTMLFile))
	for _, f := range res.Failures {
		fmt.Fprintf(stderr, "  FAIL %s: %s: %s\n", f.Feature, f.Scenario, f.Message)
	}
	if !rep.OK() || !res.OK() {
		return exitError{code: 1}
	}
	return nil
}

func toReportScenario(o conform.ScenarioResult) reports.Scenario {
	s := reports.Scenario{Feature: o.Feature, Name: o.Name, Tags: o.Tags, Status: o.Status, Duration: o.Duration, Failure: o.Failure}
	for _, e := range o.Evidence {
		s.Evidence = append(s.Evidence, reports.Evidence{Kind: e.Kind, Value: e.Value, Step: e.Step})
	}
	return s
}

// fingerprint identifies a key without revealing it.
func fingerprint(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

// buildInfo returns the module version and VCS revision of the binary.
func buildInfo() (version, commit string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)", ""
	}
	version = bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			commit = s.Value
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			commit += "+dirty"
		}
	}
	return version, commit
}

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "diff" {
		fmt.Fprintln(stderr, "usage: gatecheck report diff OLD NEW   (sign-off folders or report.json files)")
		return exitError{code: 2}
	}
	fs := newFlagSet("report diff", stderr)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return errors.New("report diff needs OLD and NEW: two sign-off folders or report.json files")
	}
	oldR, err := reports.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	newR, err := reports.ReadFile(fs.Arg(1))
	if err != nil {
		return err
	}
	d := reports.Diff(oldR, newR)
	if err := d.WriteText(stdout); err != nil {
		return err
	}
	if d.Regressed() {
		return exitError{code: 1}
	}
	return nil
}
