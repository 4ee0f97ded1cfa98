package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gatecheck/gatecheck/internal/browsertest"
	"github.com/gatecheck/gatecheck/reports"
)

// maxReportHeight bounds a passing report at 1400 px wide: a person reads
// the verdict and the summary on the first screen and scrolls a few more.
const maxReportHeight = 6000

// TestSignoffReportInBrowser opens signoff.html from real sign-off runs
// (Craftgate and Alfa-Bank) in headless Chromium at 1400 px wide: the
// verdict and the summary come first, the checklist renders with each
// item's evidence summarised and the full list folded, no chart is empty,
// no raw backtick shows, the page stays under maxReportHeight, no console
// error appears, and a screenshot is saved.
func TestSignoffReportInBrowser(t *testing.T) {
	if _, err := os.Stat(browsertest.ChromiumPath); err != nil {
		t.Skipf("%s is not installed: %v", browsertest.ChromiumPath, err)
	}
	// The sign-off folders by arguments, shared by the subtests.
	runs := map[string]string{}
	for _, args := range [][]string{nil, {"--provider", "rbs"}} {
		runs[strings.Join(args, " ")], _, _ = runSignoffForTest(t, args...)
	}
	for _, tt := range []struct {
		name     string
		args     []string
		goShaped bool // the same run's report as a sandbox run would show it
		verdict  string
		rows     int
		charts   int // SVG charts: throughput only on the mock (no latency)
		craftTbl bool
	}{
		{"craftgate", nil, false, "REHEARSAL PASS", len(reports.ChecklistFor(reports.ProviderCraftgate)), 1, true},
		{"craftgate-go", nil, true, "GO", len(reports.ChecklistFor(reports.ProviderCraftgate)), 2, true},
		{"rbs", []string{"--provider", "rbs"}, false, "REHEARSAL PASS", len(reports.ChecklistFor(reports.ProviderRBS)), 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, console := browsertest.Start(t)
			dir := runs[strings.Join(tt.args, " ")]
			if tt.goShaped {
				dir = goShaped(t, dir)
			}
			abs, err := filepath.Abs(filepath.Join(dir, "signoff.html"))
			if err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), chromedp.Navigate("file://"+abs),
				chromedp.WaitVisible(chromedp.CSS("#checklist"))); err != nil {
				t.Fatalf("opening the report: %v", err)
			}
			num := func(js string) int { t.Helper(); return evaluate[int](t, ctx, js) }
			str := func(js string) string { t.Helper(); return evaluate[string](t, ctx, js) }
			if rows := num(`document.querySelectorAll("#checklist tr[data-item]").length`); rows != tt.rows {
				t.Errorf("checklist rows = %d, want %d", rows, tt.rows)
			}
			h := num(`document.documentElement.scrollHeight`)
			t.Logf("page height at 1400 px wide: %d px", h)
			if h > maxReportHeight {
				t.Errorf("the page is %d px tall at 1400 px wide, want at most %d", h, maxReportHeight)
			}
			// The verdict and the summary are on the first screen.
			if top := num(`Math.round(document.querySelector("#summary").getBoundingClientRect().bottom)`); top > 900 {
				t.Errorf("the summary ends at %d px, below the first screen", top)
			}
			if v := str(`document.querySelector("#verdict").innerText`); !strings.Contains(v, tt.verdict) {
				t.Errorf("verdict box %q", v)
			}
			// Evidence: summarised in the row, the full list folded.
			if n := num(`document.querySelectorAll("#checklist details.evidence:not([open])").length`); n == 0 {
				t.Error("no folded evidence")
			}
			if n := num(`[...document.querySelectorAll("#checklist .ev")].filter(e => !e.closest("details") && e.querySelectorAll(".val").length > 2).length`); n > 0 {
				t.Errorf("%d visible evidence lines list more than two values", n)
			}
			if n := num(`document.querySelectorAll("#checklist details.evidence .evall").length`); n == 0 {
				t.Error("the full evidence is not in the folded details")
			}
			// No chart without data, no raw backtick.
			if n := num(`document.querySelectorAll(".chart[data-chart] svg").length`); n != tt.charts {
				t.Errorf("SVG charts = %d, want %d", n, tt.charts)
			}
			if n := num(`[...document.querySelectorAll(".chart svg")].filter(s => s.querySelectorAll("rect,polyline").length === 0).length`); n > 0 {
				t.Errorf("%d empty charts", n)
			}
			if body := str(`document.body.innerText`); strings.Contains(body, "`") {
				t.Error("a raw backtick on the page")
			}
			if got := num(`document.querySelectorAll("#card-steps, #card-groups").length`) > 0; got != tt.craftTbl {
				t.Errorf("Craftgate card tables shown: %v, want %v", got, tt.craftTbl)
			}
			browsertest.Screenshot(t, ctx, "signoff-"+tt.name+".png")
			if errs := console.Errors(); len(errs) > 0 {
				t.Fatalf("console errors: %v", errs)
			}
		})
	}
}

// goShaped rewrites a mock run's report as the same run against the
// sandbox would show it (GO, PASS instead of REHEARSED, the latency chart)
// into a new folder, to hold the GO page to the same bounds.
func goShaped(t *testing.T, dir string) string {
	t.Helper()
	rep, err := reports.ReadFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep.Provenance.TargetIsMock, rep.Provenance.Target, rep.Verdict = false, "sandbox-api.craftgate.io", reports.VerdictGo
	for i := range rep.Items {
		if rep.Items[i].Status == reports.StatusRehearsed {
			rep.Items[i].Status = reports.StatusPass
		}
	}
	rep.Summary.Pass += rep.Summary.Rehearsed
	rep.Summary.Rehearsed = 0
	out := t.TempDir()
	if err := rep.WriteDir(out); err != nil {
		t.Fatal(err)
	}
	return out
}

// evaluate returns the value of the JavaScript expression js in the page
// of ctx, failing t if it cannot be evaluated.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}
