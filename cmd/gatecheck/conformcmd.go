package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gatecheck/gatecheck/conform"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/progress"
)

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("conform", stderr)
	var tf targetFlags
	tf.register(fs)
	tf.registerRBS(fs)
	tags := fs.String("tags", "", "tag filter: '&&' = and, ',' = or, '~' = not, e.g. '@refund && ~@clock' or '@3ds,@checkout'")
	format := fs.String("format", "pretty", "pretty, progress, junit or cucumber; several as 'progress,junit:out/junit.xml'")
	concurrency := fs.Int("concurrency", 1, "scenarios run at once (output of several interleaves)")
	noColors := fs.Bool("no-colors", false, "plain output without ANSI colours")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if err := checkPositive("concurrency", *concurrency); err != nil {
		return err
	}
	pickles, err := suitePickles()
	if err != nil {
		return err
	}
	if err := checkTags(*tags, pickles); err != nil {
		return err
	}
	tf.noonClock = true
	tgt, err := tf.resolve(ctx, stderr)
	if err != nil {
		return usageError{err}
	}
	defer tgt.Close()
	if err := preflight(ctx, tgt); err != nil {
		return err
	}

	expr := *tags
	if !tgt.Mock {
		// Scenarios tagged @mock need the mock's admin routes or assert on
		// statuses only the mock defines. Scenarios tagged @webhook wait for
		// webhooks at the run's merchant receiver, on a loopback port the
		// provider cannot reach (it posts to the URL set in its panel).
		expr = load.AndFilters(expr, "~@mock && ~@webhook")
		if !tgt.RBS.Explicit {
			// Without --rbs-target the Alfa-Bank @rbs scenarios use
			// gatecheck's in-process RBS mock: they belong to mock runs.
			expr = load.AndFilters(expr, "~@rbs")
		}
	}
	expr = tgt.clockFilter(tgt.RBS.filter(expr), stderr)
	if countSelected(expr, pickles) == 0 {
		return usagef("the tag filter %q selects no scenario on target %s (the suite ran with %q)", *tags, tgt.Name, expr)
	}
	fmt.Fprintf(stderr, "gatecheck conform: target %s, tags %q\n", tgt.Name, expr)
	res, err := conform.Run(ctx, conform.Options{
		Target: tgt.Target, Tags: expr, Format: *format, Output: stdout,
		Concurrency: *concurrency, NoColors: *noColors || !progress.IsTerminal(stdout),
	})
	if err != nil {
		return err
	}
	s := res.Scenarios
	fmt.Fprintf(stderr, "gatecheck conform: %d scenarios: %d passed, %d failed, %d undefined, %d pending in %s\n",
		s.Total(), s.Passed, s.Failed, s.Undefined, s.Pending, res.Duration.Round(1e6))
	for _, f := range res.Failures {
		fmt.Fprintf(stderr, "  FAIL %s: %s\n       %s: %s\n", f.Feature, f.Scenario, f.Step, f.Message)
	}
	if !res.OK() || s.Total() == 0 {
		return exitError{code: 1}
	}
	return nil
}
