package reports_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/reports"
)

// A sign-off run evaluated and written out.
func ExampleBuild() {
	run := &reports.Run{
		Provider: "craftgate", Target: "embedded mock", TargetIsMock: true, Version: "(devel)",
		KeyFingerprint: "sha256:1a2b3c4d",
		Scenarios: []reports.Scenario{
			{Feature: "payments/non3ds.feature", Name: "A successful credit card pays a basket of two items",
				Tags: []string{"@non3ds", "@payment"}, Status: "passed",
				Evidence: []reports.Evidence{{Kind: "payment", Value: "1"}, {Kind: "card", Value: "413226******0003"}}},
			{Feature: "payments/declined.feature", Name: "NOT_SUFFICIENT_FUNDS card 510005******6661 is declined",
				Tags: []string{"@non3ds", "@error-card"}, Status: "passed"},
		},
	}
	r := reports.Build(run)
	g2 := r.Item("G2")
	fmt.Println(r.Verdict, r.Summary.Blocking)
	fmt.Println("G2", g2.Status, g2.Note)
	fmt.Println("G6", r.Item("G6").Status)
	fmt.Println("G17", r.Item("G17").Status)
	// Output:
	// REHEARSAL INCOMPLETE [G2 G8 G10 G15 G16]
	// G2 NOT COVERED No passed scenario for: cancel; refund; cancel or refund declined by the bank.
	// G6 NOT COVERED
	// G17 MANUAL
}

// TestWriteSampleReport writes a sample sign-off (signoff.html, signoff.md,
// report.json) to a temporary folder, or to $GATECHECK_SAMPLE_REPORT when
// set, so a person can open it.
func TestWriteSampleReport(t *testing.T) {
	dir := os.Getenv("GATECHECK_SAMPLE_REPORT")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := reports.Build(sampleRun())
	if err := r.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{reports.HTMLFile, reports.MarkdownFile, reports.JSONFile} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	back, err := reports.ReadFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Verdict != r.Verdict {
		t.Errorf("read back %s, wrote %s", back.Verdict, r.Verdict)
	}
	t.Logf("sample report in %s", dir)
}

// sampleRun is a small run through the public API only: a few scenarios of
// each kind, one failing.
func sampleRun() *reports.Run {
	start := time.Date(2025, 6, 2, 9, 30, 0, 0, time.UTC)
	s := func(feature, name, status, failure string, tags []string, ev ...reports.Evidence) reports.Scenario {
		return reports.Scenario{Feature: feature, Name: name, Tags: tags, Status: status, Failure: failure,
			Duration: 4 * time.Millisecond, Evidence: ev}
	}
	pay := func(id string) reports.Evidence { return reports.Evidence{Kind: reports.EvidencePayment, Value: id} }
	non3ds := []string{"@non3ds", "@payment"}
	return &reports.Run{
		Provider: "craftgate", Target: "sandbox-api.craftgate.io", Version: "v0.3.0", Commit: "4f9c2e1d0b7a",
		LoadEngine: "gatecheck load engine (Go)", KeyFingerprint: "sha256:1a2b3c4d",
		Started: start, Finished: start.Add(80 * time.Second),
		Scenarios: []reports.Scenario{
			s("payments/non3ds.feature", "A successful credit card pays a basket of two items", "passed", "", non3ds, pay("1001"),
				reports.Evidence{Kind: reports.EvidenceCard, Value: "413226******0003", Step: "NON_3DS_PAYMENT"}),
			s("payments/non3ds.feature", "a commercial card pays", "passed", "", non3ds, pay("1002")),
			s("payments/non3ds.feature", "An AMEX card pays with its four-digit security code", "passed", "", non3ds, pay("1003")),
			s("payments/declined.feature", "NOT_SUFFICIENT_FUNDS card 510005******6661 is declined", "passed", "", []string{"@non3ds", "@error-card"},
				pay("1004"), reports.Evidence{Kind: reports.EvidenceErrorGroup, Value: "NOT_SUFFICIENT_FUNDS"}),
			s("payments/declined.feature", "NOT_PERMITTED_TO_FOREIGN_CARD card 538121******6661 is declined", "passed", "", []string{"@non3ds", "@error-card"}, pay("1005")),
			s("refunds/cancel.feature", "A payment reversed on the day it was taken is cancelled", "passed", "", []string{"@refund", "@cancel"},
				pay("1006"), reports.Evidence{Kind: reports.EvidenceRefund, Value: "2001"}),
			s("refunds/declined.feature", "POS_BALANCE_NOT_SUFFICIENT card 435508******6663 pays but its refund is declined", "passed", "",
				[]string{"@refund", "@cancel", "@error-card"}, pay("1007")),
			s("threeds/threeds.feature", "A 3DS payment completes after its callback hash is verified", "passed", "", []string{"@3ds"}, pay("1008"),
				reports.Evidence{Kind: reports.EvidenceCallback, Value: "v2 callback hash verified"}),
			s("threeds/threeds.feature", "A callback with a tampered hash is detected", "failed",
				"Then the payment is not completed: the payment was completed", []string{"@3ds"}),
			s("security/signature.feature", "A correctly signed payment is accepted", "passed", "", []string{"@security", "@signature"},
				reports.Evidence{Kind: reports.EvidenceSignature, Value: "x-signature over the raw URL accepted"}),
		},
		LoadError: "the load stage was skipped (--no-load)",
	}
}
