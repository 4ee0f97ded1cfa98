package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/conform"
	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/merchant"
	"github.com/gatecheck/gatecheck/probe"
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
	tags := fs.String("tags", "", "tag filter of the conformance stage ("+features.TagSyntax+"); a filtered run is at best INCOMPLETE")
	loadDur := fs.Duration("load-duration", 10*time.Second, "length of the load stage (0 skips it)")
	loadVUs := fs.Int("load-vus", 8, "virtual users of the load stage")
	loadRate := fs.Float64("load-rate", 0, "iterations/s of the load stage (0: closed model)")
	mixFlag := fs.String("load-mix", defaultMix, "scenario mix of the load stage")
	sandboxOK := fs.Bool("sandbox-ok", false, "allow the load stage against the Craftgate sandbox (rate-capped)")
	provider := fs.String("provider", reports.ProviderCraftgate, "whose checklist: craftgate, or rbs (Alfa-Bank gateway, RetailCRM go-live)")
	var mf merchantFlags
	mf.register(fs)
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if err := errors.Join(checkDuration("load-duration", *loadDur), checkPositive("load-vus", *loadVUs),
		checkNonNegative("load-rate", *loadRate)); err != nil {
		return usageError{err}
	}
	mix, err := load.ParseMix(*mixFlag)
	if err != nil {
		return usagef("--load-mix: %v", err)
	}
	if *provider != reports.ProviderCraftgate && *provider != reports.ProviderRBS {
		return usagef("--provider %q: want craftgate or rbs", *provider)
	}
	pickles, err := suitePickles()
	if err != nil {
		return err
	}
	if err := checkTags(*tags, pickles); err != nil {
		return err
	}
	if err := mf.check(); err != nil {
		return err
	}

	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *provider == reports.ProviderRBS && !set["rbs-target"] && !set["target"] && !set["base-url"] {
		// One RBS gateway for the whole run, served by the embedded mock
		// under /rbs/, so that every order has its own id, as the evidence
		// for Alfa-Bank support must show (an in-process gateway per
		// scenario starts each scenario's ids from the same seed).
		tf.rbs.target = "mock"
	}
	started := time.Now()
	tf.noonClock = true
	tgt, err := tf.resolve(ctx, stderr)
	if err != nil {
		return usageError{err}
	}
	defer tgt.Close()
	if *provider == reports.ProviderCraftgate {
		if err := preflight(ctx, tgt); err != nil {
			return err
		}
	}
	if mf.reference && (tgt.CallbackKey == "" || tgt.WebhookKey == "") {
		return usagef("--merchant-reference needs the callback and webhook keys: --callback-key and --webhook-key (or CRAFTGATE_CALLBACK_KEY, CRAFTGATE_WEBHOOK_KEY)")
	}
	if err := mf.checkKeys(tgt); err != nil {
		return err
	}
	plan, err := load.Compile(features.FS())
	if err != nil {
		return err
	}

	// What the suite runs with, and what it leaves out and why.
	sel := newSelection(pickles)
	if *provider == reports.ProviderRBS {
		sel.and("@rbs", "the Alfa-Bank sign-off runs the @rbs scenarios only", false)
		if !tgt.RBS.Mock {
			sel.and("~@rbs,~@mock", "they need gatecheck's RBS mock, and the gateway is "+tgt.RBS.Name, false)
		}
	} else {
		sel.and("~@rbs", "Alfa-Bank scenarios belong to the rbs sign-off", false)
	}
	if tgt.foreignClock {
		sel.and("~@clock", "they move the clock of a mock gatecheck did not start (--move-clock runs them)", false)
	}
	for i := range mix {
		mix[i].Filter = tgt.clockFilter(mix[i].Filter, nil)
	}
	if !tgt.Mock {
		sel.and("~@mock && ~@webhook", "they need gatecheck's mock (its admin routes, or webhooks posted to a receiver on this machine)", false)
		for i := range mix {
			mix[i].Filter = load.AndFilters(mix[i].Filter, "~@mock && ~@webhook")
		}
	}
	sel.and(*tags, "the tag filter (--tags)", true)
	if sel.selected == 0 {
		return usagef("the tag filter %q selects no scenario for the %s sign-off on this target", *tags, *provider)
	}

	dir := filepath.Join(*out, "signoff-"+started.Format("2006-01-02T150405"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report folder: %w", err)
	}
	fmt.Fprintf(stderr, "gatecheck signoff: target %s; report folder %s\n", tgt.Name, dir)

	// Stage 1: the conformance suite, with JUnit and cucumber reports.
	disp := progress.New(stderr)
	bar := disp.Bar("conformance", "scenarios", sel.selected)
	res, err := conform.Run(ctx, conform.Options{
		Target: tgt.Target, Tags: sel.expr, Output: io.Discard, Concurrency: 4, NoColors: true,
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

	run := &reports.Run{Provider: *provider, Target: tgt.Name, TargetIsMock: tgt.Mock, LoadEngine: loadEngineName,
		KeyFingerprint: fingerprint(tgt.APIKey), Started: started, TagFilter: strings.TrimSpace(*tags), Filter: sel.expr,
		LeftOut: sel.leftOut, CatalogueVersion: craftgate.CatalogueVersion()}
	if *provider == reports.ProviderRBS {
		run.Target, run.TargetIsMock = tgt.RBS.Name, tgt.RBS.Mock
		run.KeyFingerprint = fingerprint(tgt.rbsAccount())
	}
	run.Version, run.Commit = buildInfo()
	for _, o := range res.Outcomes {
		run.Scenarios = append(run.Scenarios, toReportScenario(o))
	}

	// Stage 2: the probe of the merchant's own endpoints (Craftgate's G15
	// and G16 are about them).
	if *provider == reports.ProviderCraftgate {
		run.Probe, run.ProbeError = mf.probe(ctx, tgt, stderr)
		run.ProbeReference = mf.reference
		if run.Probe != nil {
			if err := writeJSONFile(filepath.Join(dir, "probe.json"), run.Probe); err != nil {
				return err
			}
		}
	}

	// Stage 3: a short, bounded load run of the same scenarios.
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

	// Stage 4: the report, and its provenance in the JUnit file.
	rep := reports.Build(run)
	if err := rep.WriteDir(dir); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := addJUnitProperties(filepath.Join(dir, "junit.xml"), rep); err != nil {
		return err
	}
	s := res.Scenarios
	fmt.Fprintf(stdout, "verdict: %s; %d scenarios: %d passed, %d failed\n",
		rep.Verdict, s.Total(), s.Passed, s.Failed+s.Undefined+s.Pending+s.Ambiguous)
	if len(rep.Summary.Blocking) > 0 {
		fmt.Fprintf(stdout, "blocking: %s\n", blockingLine(rep))
	}
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

// blockingLine lists the blocking items with their status and how-to.
func blockingLine(rep *reports.Report) string {
	var parts []string
	for _, id := range rep.Summary.Blocking {
		it := rep.Item(id)
		p := id + " " + string(it.Status)
		if it.HowTo != "" {
			p += " (" + it.HowTo + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// selection builds the conformance stage's tag expression part by part,
// recording how many scenarios each part leaves out.
type selection struct {
	pickles  []*messages.Pickle
	expr     string
	selected int
	leftOut  []reports.LeftOut
}

func newSelection(pickles []*messages.Pickle) *selection {
	return &selection{pickles: pickles, selected: len(pickles)}
}

// and narrows the selection with filter; reason says why, user whether
// it is the user's own filter. The part every run has (which provider)
// is not reported as left out.
func (s *selection) and(filter, reason string, user bool) {
	if strings.TrimSpace(filter) == "" {
		return
	}
	next := load.AndFilters(s.expr, filter)
	n := countSelected(next, s.pickles)
	if gone := s.selected - n; gone > 0 && (user || s.expr != "") {
		s.leftOut = append(s.leftOut, reports.LeftOut{Filter: filter, Reason: reason, Scenarios: gone, User: user})
	}
	s.expr, s.selected = next, n
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
	if len(args) == 0 || (args[0] != "diff" && args[0] != "-h" && args[0] != "--help") {
		return usagef("usage: gatecheck report diff OLD NEW   (sign-off folders or report.json files)")
	}
	if args[0] != "diff" {
		fmt.Fprintln(stdout, "usage: gatecheck report diff OLD NEW   (sign-off folders or report.json files)")
		return nil
	}
	fs := newFlagSet("report diff", stderr)
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usagef("report diff needs OLD and NEW: two sign-off folders or report.json files")
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

// merchantFlags name the merchant's own endpoints for the sign-off's probe
// stage; the keys are the target's callback and webhook keys
// (--callback-key, --webhook-key or their environment variables).
type merchantFlags struct {
	callbackURL, webhookURL, paymentID string
	// reference probes gatecheck's own reference merchant instead: a
	// rehearsal of the probe stage.
	reference bool
}

func (m *merchantFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.callbackURL, "merchant-callback-url", "", "YOUR 3DS callback URL: the probe sends it genuine and forged callbacks (G15 needs it)")
	fs.StringVar(&m.webhookURL, "merchant-webhook-url", "", "YOUR webhook URL: the probe sends it genuine and forged webhooks (G16 needs it)")
	fs.StringVar(&m.paymentID, "merchant-payment-id", "", "paymentId of the probe's genuine calls, e.g. a real test order's (default: random)")
	fs.BoolVar(&m.reference, "merchant-reference", false, "rehearse the probe stage against gatecheck's own reference merchant (G15, G16 REHEARSED at best; the verdict a rehearsal)")
}

// check validates the URLs before anything starts.
func (m *merchantFlags) check() error {
	if m.reference && (m.callbackURL != "" || m.webhookURL != "") {
		return usagef("--merchant-reference probes gatecheck's own merchant: leave out --merchant-callback-url and --merchant-webhook-url")
	}
	for _, f := range []struct{ name, v string }{{"merchant-callback-url", m.callbackURL}, {"merchant-webhook-url", m.webhookURL}} {
		if f.v == "" {
			continue
		}
		u, err := url.Parse(f.v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usagef("--%s: want an absolute http(s) URL", f.name)
		}
	}
	return nil
}

// checkKeys makes sure the keys the probe signs with are known.
func (m *merchantFlags) checkKeys(tgt *resolved) error {
	if m.callbackURL != "" && tgt.CallbackKey == "" {
		return usagef("--merchant-callback-url needs the merchant callback key: --callback-key or CRAFTGATE_CALLBACK_KEY")
	}
	if m.webhookURL != "" && tgt.WebhookKey == "" {
		return usagef("--merchant-webhook-url needs the merchant webhook key: --webhook-key or CRAFTGATE_WEBHOOK_KEY")
	}
	return nil
}

// probe runs the probe stage: nil and the reason when there is nothing
// to probe.
func (m *merchantFlags) probe(ctx context.Context, tgt *resolved, stderr io.Writer) (*probe.Report, string) {
	if m.reference {
		// gatecheck's reference merchant (package merchant), with the
		// target's keys, on a loopback port for the probe's duration.
		srv := httptest.NewServer(merchant.NewReceiver(merchant.Config{CallbackKey: tgt.CallbackKey, WebhookKey: tgt.WebhookKey}))
		defer srv.Close()
		ref := *m
		ref.reference, ref.callbackURL, ref.webhookURL = false, srv.URL+merchant.PathCallback, srv.URL+merchant.PathWebhook
		rep, msg := ref.probe(ctx, tgt, stderr)
		return rep, strings.TrimSpace("gatecheck's reference merchant was probed, not yours " + msg)
	}
	if m.callbackURL == "" && m.webhookURL == "" {
		return nil, "no --merchant-callback-url or --merchant-webhook-url was given"
	}
	rep, err := probe.Run(ctx, probe.Config{CallbackURL: m.callbackURL, WebhookURL: m.webhookURL,
		CallbackKey: tgt.CallbackKey, WebhookKey: tgt.WebhookKey, PaymentID: m.paymentID})
	if err != nil {
		return nil, "the probe did not run: " + err.Error()
	}
	s := rep.Summary
	fmt.Fprintf(stderr, "gatecheck signoff: probe of the merchant's endpoints: %d cases, %d PASS, %d WARN, %d FAIL, %d ERROR\n",
		len(rep.Results), s.Pass, s.Warn, s.Fail, s.Error)
	var missing []string
	if m.callbackURL == "" {
		missing = append(missing, "no --merchant-callback-url")
	}
	if m.webhookURL == "" {
		missing = append(missing, "no --merchant-webhook-url")
	}
	return rep, strings.Join(missing, "; ")
}

// addJUnitProperties writes the report's provenance into junit.xml as
// <properties> of every <testsuite>, where CI systems show them.
func addJUnitProperties(path string, rep *reports.Report) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("junit.xml: %w", err)
	}
	p := rep.Provenance
	var leftOut []string
	for _, lo := range p.LeftOut {
		leftOut = append(leftOut, fmt.Sprintf("%d by %s (%s)", lo.Scenarios, lo.Filter, lo.Reason))
	}
	props := [][2]string{
		{"gatecheck.verdict", rep.Verdict}, {"gatecheck.provider", p.Provider}, {"gatecheck.target", p.Target},
		{"gatecheck.targetIsMock", strconv.FormatBool(p.TargetIsMock)}, {"gatecheck.version", p.Version}, {"gatecheck.commit", p.Commit},
		{"gatecheck.tagFilter", p.TagFilter}, {"gatecheck.filter", p.Filter}, {"gatecheck.leftOut", strings.Join(leftOut, "; ")},
		{"gatecheck.catalogueVersion", p.CatalogueVersion}, {"gatecheck.durationSeconds", strconv.FormatFloat(p.DurationSeconds, 'f', 3, 64)},
	}
	var b strings.Builder
	b.WriteString("<properties>")
	for _, kv := range props {
		b.WriteString(`<property name="`)
		_ = xml.EscapeText(&b, []byte(kv[0]))
		b.WriteString(`" value="`)
		_ = xml.EscapeText(&b, []byte(craftgate.MaskPANs(kv[1])))
		b.WriteString(`"/>`)
	}
	b.WriteString("</properties>")
	out, n := junitSuiteOpen.ReplaceAll(data, []byte("${0}"+b.String())), len(junitSuiteOpen.FindAll(data, -1))
	if n == 0 {
		return fmt.Errorf("junit.xml: no <testsuite> element")
	}
	return os.WriteFile(path, out, 0o644)
}

// junitSuiteOpen matches a <testsuite ...> start tag (not <testsuites>).
var junitSuiteOpen = regexp.MustCompile(`<testsuite(\s[^>]*)?>`)
