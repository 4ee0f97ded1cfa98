package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/reports"
)

// runSignoffForTest runs `gatecheck signoff` against the embedded mock with
// a short load stage and returns the report folder and the output.
func runSignoffForTest(t *testing.T, extra ...string) (dir, stdout, stderr string) {
	t.Helper()
	parent := t.TempDir()
	var out, errb bytes.Buffer
	args := append([]string{"signoff", "--out", parent, "--load-duration", "2s", "--load-vus", "4",
		"--api-key", "signoff-api-key", "--secret-key", "signoff-secret-key-XYZ"}, extra...)
	code := run(context.Background(), args, &out, &errb)
	if code != 0 {
		t.Fatalf("signoff exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	entries, err := os.ReadDir(parent)
	if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Name(), "signoff-") {
		t.Fatalf("report folder: %v %v", entries, err)
	}
	return filepath.Join(parent, entries[0].Name()), out.String(), errb.String()
}

// sixteenDigits finds a 16-digit run not touching other digits (nor a
// decimal point: JUnit times have long fractions).
var sixteenDigits = regexp.MustCompile(`(^|[^0-9.])[0-9]{16}([^0-9]|$)`)

func TestSignoffAgainstEmbeddedMock(t *testing.T) {
	dir, stdout, stderr := runSignoffForTest(t)
	for _, f := range []string{"signoff.html", "signoff.md", "junit.xml", "cucumber.json", "load-summary.json", "report.json"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !strings.Contains(stdout, "verdict: GO") {
		t.Fatalf("stdout:\n%s", stdout)
	}

	// JUnit: one testcase per scenario row, none failed.
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
				Error   *struct{} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	rep, err := reports.ReadFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			cases++
			if c.Failure != nil || c.Error != nil {
				t.Errorf("junit failure: %s", c.Name)
			}
		}
	}
	if cases != len(rep.Scenarios) || cases < 150 {
		t.Fatalf("junit has %d testcases, the report %d scenarios", cases, len(rep.Scenarios))
	}

	// The checklist has all 23 items, in HTML and Markdown.
	html, _ := os.ReadFile(filepath.Join(dir, "signoff.html"))
	md, _ := os.ReadFile(filepath.Join(dir, "signoff.md"))
	if len(rep.Items) != 23 {
		t.Fatalf("%d checklist items", len(rep.Items))
	}
	for _, it := range rep.Items {
		if !bytes.Contains(html, []byte(`id="item-`+it.ID+`"`)) || !bytes.Contains(md, []byte(it.ID)) {
			t.Errorf("item %s missing from the HTML or Markdown", it.ID)
		}
	}

	// No file and no output line holds a full catalogue card number or the
	// secret key.
	cat := craftgate.TestCards()
	var numbers []string
	for _, tc := range append(append(cat.Successful(), cat.ErrorCards()...), cat.MultiCurrency()...) {
		numbers = append(numbers, tc.Number)
	}
	check := func(what string, data []byte) {
		for _, n := range numbers {
			if bytes.Contains(data, []byte(n)) {
				t.Errorf("%s holds the full card number %s", what, craftgate.MaskPAN(n))
			}
		}
		if craftgate.MaskPANs(string(data)) != string(data) {
			t.Errorf("%s holds a card-like number that is not masked", what)
		}
		// Nothing in a report has the length of a card number unmasked:
		// ids are shorter, and voucher cards (APM user identities) are
		// card numbers too.
		if m := sixteenDigits.Find(data); m != nil {
			t.Errorf("%s holds an unmasked 16-digit number %s", what, craftgate.MaskPAN(strings.Trim(string(m), "\"<>|`(), ")))
		}
		for _, secret := range []string{"signoff-secret-key-XYZ", "signoff-api-key"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("%s holds a key", what)
			}
		}
	}
	check("stdout", []byte(stdout))
	check("stderr", []byte(stderr))
	files, _ := os.ReadDir(dir)
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		check(f.Name(), data)
	}
}

func TestReportDiffCommand(t *testing.T) {
	dir, _, _ := runSignoffForTest(t, "--load-duration", "1s")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "diff", dir, dir}, &out, &errb); code != 0 {
		t.Fatalf("diff of a report with itself: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if code := run(context.Background(), []string{"report", "diff", dir}, &out, &errb); code == 0 {
		t.Fatal("diff with one argument succeeded")
	}
	if code := run(context.Background(), []string{"report"}, &out, &errb); code != 2 {
		t.Fatalf("report without diff: exit %d", code)
	}
}

func TestSignoffForAlfaBank(t *testing.T) {
	dir, stdout, _ := runSignoffForTest(t, "--provider", "rbs")
	rep, err := reports.ReadFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "verdict: GO") || len(rep.Items) != len(reports.RetailCRMChecklist()) {
		t.Fatalf("stdout %q, %d items", stdout, len(rep.Items))
	}
	for _, id := range []string{"E1", "E2", "E3"} {
		if it := rep.Item(id); it == nil || it.Status != reports.StatusPass {
			t.Errorf("%s: %+v", id, it)
		}
	}
	for _, s := range rep.Scenarios {
		if !slices.Contains(s.Tags, "@rbs") {
			t.Errorf("non-RBS scenario %q in the Alfa-Bank sign-off", s.Name)
		}
	}
}
