package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gatecheck/gatecheck/internal/browsertest"
)

// TestSignoffReportInBrowser opens signoff.html from a real sign-off run in
// headless Chromium: the checklist table and the three charts render, no
// console error appears, and a screenshot is saved.
func TestSignoffReportInBrowser(t *testing.T) {
	ctx, console := browsertest.Start(t)
	dir, _, _ := runSignoffForTest(t)
	abs, err := filepath.Abs(filepath.Join(dir, "signoff.html"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+abs), chromedp.WaitVisible(chromedp.CSS("#checklist"))); err != nil {
		t.Fatalf("opening the report: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#checklist tr[data-item]").length`))
	if err != nil {
		t.Fatal(err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".chart[data-chart] svg").length`))
	if err != nil {
		t.Fatal(err)
	}
	verdict, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if rows != 23 {
		t.Errorf("checklist rows = %d, want 23", rows)
	}
	if charts < 3 {
		t.Errorf("charts with an SVG = %d, want 3 (latency, throughput, error groups)", charts)
	}
	if !strings.Contains(verdict, "GO") {
		t.Errorf("no verdict on the page")
	}
	browsertest.Screenshot(t, ctx, "signoff.png")
	if errs := console.Errors(); len(errs) > 0 {
		t.Fatalf("console errors: %v", errs)
	}
}
