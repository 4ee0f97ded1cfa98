package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/reports"
)

// runSignoffForTest runs `gatecheck signoff` against the embedded mock with
// a short load stage, probing a careful merchant receiver on 127.0.0.1
// (gatecheck's own, with the mock's keys), and returns the report folder
// and the output.
func runSignoffForTest(t *testing.T, extra ...string) (dir, stdout, stderr string) {
	t.Helper()
	dir, stdout, stderr, code := runSignoffCode(t, append(merchantArgs(t, merchant.NewReceiver(merchant.Config{
		CallbackKey: mock.DefaultCallbackKey, WebhookKey: mock.DefaultWebhookKey})), extra...)...)
	if code != 0 {
		t.Fatalf("signoff exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	return dir, stdout, stderr
}

// merchantArgs serves h on 127.0.0.1 for the test and returns the
// --merchant-* flags naming it.
func merchantArgs(t *testing.T, h http.Handler) []string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return []string{"--merchant-callback-url", srv.URL + merchant.PathCallback, "--merchant-webhook-url", srv.URL + merchant.PathWebhook}
}

// runSignoffCode runs `gatecheck signoff` with a short load stage and
// returns the report folder ("" when none was written), the output and
// the exit status.
func runSignoffCode(t *testing.T, extra ...string) (dir, stdout, stderr string, code int) {
	t.Helper()
	parent := t.TempDir()
	var out, errb bytes.Buffer
	args := append([]string{"signoff", "--out", parent, "--load-duration", "2s", "--load-vus", "4",
		"--api-key", "signoff-api-key", "--secret-key", "signoff-secret-key-XYZ"}, extra...)
	code = run(context.Background(), args, &out, &errb)
	entries, err := os.ReadDir(parent)
	if err != nil || len(entries) > 1 {
		t.Fatalf("report folder: %v %v", entries, err)
	}
	if len(entries) == 1 {
		if !strings.HasPrefix(entries[0].Name(), "signoff-") {
			t.Fatalf("report folder %s", entries[0].Name())
		}
		dir = filepath.Join(parent, entries[0].Name())
	}
	return dir, out.String(), errb.String(), code
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
	if !strings.Contains(stdout, "verdict: REHEARSAL PASS") {
		t.Fatalf("stdout:\n%s", stdout)
	}

	// JUnit: one testcase per scenario row, none failed.
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Properties []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
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
		props := map[string]string{}
		for _, p := range s.Properties {
			props[p.Name] = p.Value
		}
		if props["gatecheck.verdict"] != "REHEARSAL PASS" || props["gatecheck.version"] == "" || props["gatecheck.catalogueVersion"] == "" ||
			!strings.Contains(props["gatecheck.target"], "embedded mock") || props["gatecheck.durationSeconds"] == "" {
			t.Errorf("junit properties %v", props)
		}
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
	if !strings.Contains(stdout, "verdict: REHEARSAL PASS") || len(rep.Items) != len(reports.RetailCRMChecklist()) {
		t.Fatalf("stdout %q, %d items", stdout, len(rep.Items))
	}
	for _, id := range []string{"E1", "E2", "E3"} {
		if it := rep.Item(id); it == nil || it.Status != reports.StatusRehearsed {
			t.Errorf("%s: %+v", id, it)
		}
	}
	for _, s := range rep.Scenarios {
		if !slices.Contains(s.Tags, "@rbs") {
			t.Errorf("non-RBS scenario %q in the Alfa-Bank sign-off", s.Name)
		}
	}
	// The evidence for Alfa-Bank support names each order by its own id.
	ids := map[string]string{}
	for _, set := range rep.Item("E5").Evidence {
		if set.Kind != "rbsOrder" {
			continue
		}
		for _, v := range set.Values {
			id, number, _ := strings.Cut(v, " ")
			if prev, dup := ids[id]; dup {
				t.Errorf("order id %s names two orders: %s and %s", id, prev, number)
			}
			ids[id] = number
		}
	}
	if len(ids) < 2 {
		t.Errorf("E5 lists %d orders, want the two test payments at least", len(ids))
	}
}

// The sign-off never says more than it proved: a filtered run is not GO
// and records its filter; a merchant that accepts forged webhooks is a
// failure naming G16; without the merchant's URLs G15 and G16 are not
// covered, with a how-to; bad filters, bad numbers and an unreachable
// target stop the run before anything is written, with exit status 2.
func TestSignoffCannotOverclaim(t *testing.T) {
	careful := merchant.NewReceiver(merchant.Config{CallbackKey: mock.DefaultCallbackKey, WebhookKey: mock.DefaultWebhookKey})
	// A broken merchant: it verifies callbacks but takes every webhook.
	broken := http.NewServeMux()
	broken.Handle(merchant.PathCallback, careful)
	broken.HandleFunc(merchant.PathWebhook, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})
	tests := []struct {
		name     string
		args     []string
		code     int
		verdict  string
		want     map[string]reports.Status
		stdout   []string
		stderr   []string
		noFolder bool
	}{
		{name: "filtered run", args: append(merchantArgs(t, careful), "--tags", "~@3ds && ~@webhook", "--load-duration", "0"),
			code: 1, verdict: reports.VerdictRehearsalIncomplete, want: map[string]reports.Status{"G10": reports.StatusNotCovered}},
		{name: "merchant accepts forged webhooks", args: append(merchantArgs(t, broken), "--tags", "@webhook,@non3ds", "--load-duration", "0"),
			code: 1, verdict: reports.VerdictRehearsalFail, want: map[string]reports.Status{"G16": reports.StatusFail, "G15": reports.StatusPass},
			stdout: []string{"blocking:", "G16 FAIL"}},
		{name: "no merchant URLs", args: []string{"--tags", "@non3ds", "--load-duration", "0"},
			code: 1, verdict: reports.VerdictRehearsalIncomplete, want: map[string]reports.Status{"G15": reports.StatusNotCovered, "G16": reports.StatusNotCovered},
			stdout: []string{"G16 NOT COVERED (Run the sign-off with --merchant-webhook-url"}},
		{name: "reference merchant", args: []string{"--merchant-reference", "--tags", "@non3ds,@3ds,@error-card,@refund,@webhook", "--load-duration", "0"},
			// The filter alone keeps it from REHEARSAL PASS.
			code: 1, verdict: reports.VerdictRehearsalIncomplete, want: map[string]reports.Status{"G15": reports.StatusRehearsed, "G16": reports.StatusRehearsed}},
		{name: "reference merchant and URLs", args: append(merchantArgs(t, careful), "--merchant-reference"), code: 2, noFolder: true, stderr: []string{"--merchant-reference"}},
		{name: "tag typo", args: []string{"--tags", "@3dss"}, code: 2, noFolder: true, stderr: []string{"did you mean @3ds?"}},
		{name: "malformed filter", args: []string{"--tags", "@3ds &&"}, code: 2, noFolder: true, stderr: []string{"nothing on one side"}},
		{name: "zero scenarios", args: []string{"--provider", "rbs", "--tags", "@non3ds"}, code: 2, noFolder: true, stderr: []string{"selects no scenario"}},
		{name: "zero VUs", args: []string{"--load-vus", "0"}, code: 2, noFolder: true, stderr: []string{"--load-vus 0"}},
		{name: "negative rate", args: []string{"--load-rate", "-5"}, code: 2, noFolder: true, stderr: []string{"--load-rate -5"}},
		{name: "unknown flag", args: []string{"--tagz", "@3ds"}, code: 2, noFolder: true, stderr: []string{"did you mean --tags?"}},
		{name: "unreachable target", args: []string{"--target", "http://127.0.0.1:1"}, code: 2, noFolder: true, stderr: []string{"not reachable: connection refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, stdout, stderr, code := runSignoffCode(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
				t.Fatalf("panic:\n%s", stderr)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.noFolder {
				if dir != "" {
					t.Errorf("a refused sign-off left %s", dir)
				}
				if lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1; lines != 1 {
					t.Errorf("%d lines on stderr, want one:\n%s", lines, stderr)
				}
				return
			}
			rep, err := reports.ReadFile(dir)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tt.verdict || !strings.Contains(stdout, "verdict: "+tt.verdict) {
				t.Errorf("verdict %s, want %s", rep.Verdict, tt.verdict)
			}
			for id, want := range tt.want {
				if got := rep.Item(id); got.Status != want {
					t.Errorf("%s: %s, want %s (%s)", id, got.Status, want, got.Note)
				}
			}
			md, _ := os.ReadFile(filepath.Join(dir, reports.MarkdownFile))
			html, _ := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
			junit, _ := os.ReadFile(filepath.Join(dir, "junit.xml"))
			if i := slices.Index(tt.args, "--tags"); i >= 0 {
				filter := tt.args[i+1]
				if rep.Provenance.TagFilter != filter || !bytes.Contains(md, []byte(filter)) ||
					!strings.Contains(string(html), strings.ReplaceAll(filter, "&", "&amp;")) ||
					!strings.Contains(string(junit), strings.ReplaceAll(filter, "&", "&amp;")) {
					t.Errorf("the tag filter %q is missing from an output (json %q)", filter, rep.Provenance.TagFilter)
				}
				if len(rep.Provenance.LeftOut) == 0 {
					t.Error("no left-out scenarios recorded")
				}
			}
		})
	}
}
