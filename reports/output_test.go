package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// render writes every output of r.
func render(t *testing.T, r *Report) (html, md, js string) {
	t.Helper()
	var h, m, j bytes.Buffer
	if err := r.WriteHTML(&h); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&m); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	return h.String(), m.String(), j.String()
}

// digitRun finds runs of digits that could be card numbers.
var digitRun = regexp.MustCompile(`\d{13,19}`)

// assertNoFullPAN fails when out holds a Luhn-valid run of 13 to 19 digits
// or anything else craftgate.MaskPANs would mask.
func assertNoFullPAN(t *testing.T, what, out string) {
	t.Helper()
	if craftgate.MaskPANs(out) != out {
		t.Errorf("%s: holds a card number MaskPANs masks", what)
	}
	for _, run := range digitRun.FindAllString(out, -1) {
		if craftgate.LuhnValid(run) {
			t.Errorf("%s: holds a Luhn-valid digit run %s…", what, run[:6])
		}
	}
}

// leakyRun is a run whose every string tries to smuggle a full card number
// or markup into the outputs.
func leakyRun() *Run {
	const pan = "5528790000000008"
	scs := fullSuite()
	scs = append(scs,
		sc("payments/leak.feature", "card "+pan+" <script>alert(1)</script> | pipe", "failed", "@robustness",
			Evidence{Kind: EvidenceCard, Value: pan}, Evidence{Kind: EvidencePayment, Value: "id " + pan}),
	)
	scs[len(scs)-1].Failure = "Then it fails: card " + pan + " \"quoted\" & <b>bold</b>"
	run := sampleRun(scs, sampleLoad(1))
	run.Target = "mock " + pan
	run.LoadError = ""
	return run
}

func TestOutputsHoldNoFullCardNumber(t *testing.T) {
	for name, run := range map[string]*Run{"all pass": sampleRun(fullSuite(), sampleLoad(1)), "leaky": leakyRun(), "empty": sampleRun(nil, nil)} {
		t.Run(name, func(t *testing.T) {
			r := Build(run)
			html, md, js := render(t, r)
			assertNoFullPAN(t, "html", html)
			assertNoFullPAN(t, "markdown", md)
			assertNoFullPAN(t, "json", js)
			var d bytes.Buffer
			if err := Diff(r, r).WriteText(&d); err != nil {
				t.Fatal(err)
			}
			assertNoFullPAN(t, "diff", d.String())
		})
	}
}

func TestHTMLStructure(t *testing.T) {
	tests := []struct {
		name    string
		run     *Run
		verdict string
		charts  []string
	}{
		{"all pass", sampleRun(fullSuite(), sampleLoad(1)), "GO", []string{"latency", "throughput", "error-groups"}},
		{"failing", sampleRun(withStatus(fullSuite(), "A successful credit card pays a basket of two items", "failed", "boom"), sampleLoad(1)), "NO-GO",
			[]string{"latency", "throughput", "error-groups"}},
		{"no load, no scenarios", sampleRun(nil, nil), "INCOMPLETE", nil},
		{"leaky", leakyRun(), "GO", []string{"latency", "throughput", "error-groups"}},
		// On the mock, latencies measure the mock: no latency chart.
		{"rehearsal", mockRun(fullSuite(), sampleLoad(1)), "REHEARSAL PASS", []string{"throughput", "error-groups"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html, _, _ := render(t, Build(tt.run))
			for _, want := range []string{
				"<!DOCTYPE html>", `<html lang="en">`, `<meta charset="utf-8">`, `<meta name="viewport"`,
				`<table id="checklist">`, `<div class="big">` + tt.verdict + `</div>`, `id="summary"`, `id="provenance"`,
			} {
				if !strings.Contains(html, want) {
					t.Errorf("no %q", want)
				}
			}
			for _, c := range []string{"G1", "G2", "G10", "G20", "P1", "P2", "P3"} {
				if !strings.Contains(html, fmt.Sprintf(`<tr id="item-%s" data-item="%s"`, c, c)) {
					t.Errorf("no row for %s", c)
				}
			}
			if n := strings.Count(html, `<tr id="item-`); n != 23 {
				t.Errorf("%d checklist rows, want 23", n)
			}
			for _, kind := range []string{"latency", "throughput", "error-groups"} {
				if got, want := strings.Contains(html, `data-chart="`+kind+`"`), slices.Contains(tt.charts, kind); got != want {
					t.Errorf("chart %s shown: %v, want %v", kind, got, want)
				}
			}
			if n := strings.Count(html, `class="chart"`); n != len(tt.charts) {
				t.Errorf("%d charts, want %d", n, len(tt.charts))
			}
			if strings.Contains(html, "No error group was seen") || strings.Contains(html, "`") {
				t.Error("an empty chart or a raw backtick")
			}
			assertSelfContained(t, html)
			assertBalanced(t, html)
		})
	}
}

func TestHTMLEscapesRunData(t *testing.T) {
	html, _, _ := render(t, Build(leakyRun()))
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>bold</b>") {
		t.Error("run data is not escaped")
	}
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("escaped scenario name missing")
	}
	if !strings.Contains(html, "552879******0008") {
		t.Error("masked card missing")
	}
}

func TestHTMLShowsEvidence(t *testing.T) {
	html, _, _ := render(t, Build(sampleRun(fullSuite(), sampleLoad(1))))
	row := html[strings.Index(html, `<tr id="item-G2"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"Payment ids", "101", "Cards (masked)", "510005******6661", "successful payment", "Refund ids", "9001"} {
		if !strings.Contains(row, want) {
			t.Errorf("G2 row lacks %q", want)
		}
	}
	row = html[strings.Index(html, `<tr id="item-G15"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "Forged calls refused") || !strings.Contains(row, "tampered-status → 400") || !strings.Contains(row, "must pass") {
		t.Errorf("G15 row lacks the probe's evidence: %s", row)
	}
	if !strings.Contains(html, "sha256:1a2b3c4d") || !strings.Contains(html, "gatecheck load engine (Go)") || !strings.Contains(html, "0123456789ab") {
		t.Error("provenance incomplete")
	}
}

// external finds references that would make a browser fetch something.
var external = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\b(src|href|action|srcset|poster|data|xlink:href)\s*=\s*["']?\s*(https?:|//|ftp:)`),
	regexp.MustCompile(`(?i)@import`),
	regexp.MustCompile(`(?i)url\(`),
	regexp.MustCompile(`(?i)<(script|link|iframe|img|object|embed|base)\b`),
}

func assertSelfContained(t *testing.T, html string) {
	t.Helper()
	for _, re := range external {
		if m := re.FindString(html); m != "" {
			t.Errorf("external reference or fetching element: %q", m)
		}
	}
}

// voidElements have no end tag in HTML.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// blockElements may not appear inside a <p>.
var blockElements = map[string]bool{"div": true, "details": true, "table": true, "ul": true, "ol": true, "dl": true,
	"section": true, "figure": true, "h1": true, "h2": true, "h3": true, "p": true, "header": true, "footer": true, "nav": true}

var tagRe = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>`)

// assertBalanced checks that every element the page opens is closed in
// order (the template is hand-written; html/template escapes the data).
func assertBalanced(t *testing.T, html string) {
	t.Helper()
	var stack []string
	for _, m := range tagRe.FindAllStringSubmatch(html, -1) {
		closing, name, self := m[1] == "/", strings.ToLower(m[2]), m[3] == "/"
		switch {
		case voidElements[name] || self:
		case closing:
			if len(stack) == 0 || stack[len(stack)-1] != name {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			if blockElements[name] && len(stack) > 0 && stack[len(stack)-1] == "p" {
				t.Fatalf("<%s> inside <p>", name)
			}
			stack = append(stack, name)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
}

func TestMarkdownStructure(t *testing.T) {
	_, md, _ := render(t, Build(leakyRun()))
	headings := []string{
		"# Craftgate integration checklist: go-live sign-off", "## Checklist", "### Development and go-live (20 items)",
		"### Post-go-live (3 items)", "## Test-card coverage", "### By flow step", "### By error group", "## Load",
		"## Scenarios", "## Provenance",
	}
	last := -1
	for _, h := range headings {
		i := strings.Index(md, "\n"+h+"\n")
		if h == headings[0] {
			i = strings.Index(md, h+"\n")
		}
		if i < 0 {
			t.Errorf("no heading %q", h)
			continue
		}
		if i < last {
			t.Errorf("heading %q out of order", h)
		}
		last = i
	}
	lines := strings.Split(md, "\n")
	rows := map[string]bool{}
	for _, l := range lines {
		if m := regexp.MustCompile(`^\| ([GP]\d+) \| `).FindStringSubmatch(l); m != nil {
			rows[m[1]] = true
			if n := countCells(l); n != 5 {
				t.Errorf("%s row has %d cells: %s", m[1], n, l)
			}
		}
	}
	if len(rows) != 23 {
		t.Errorf("%d checklist rows, want 23", len(rows))
	}
	for _, want := range []string{
		"**Verdict: GO**", "1 scenario did not pass", "| ID | Item | Status | Must pass | Evidence |", "| Operation | Requests | p50 | p95 | p99 | Max |",
		"| `NON_3DS_PAYMENT` |", "`552879******0008`", "&lt;script&gt;", `\| pipe`, "`sha256:1a2b3c4d`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// Every table row of the scenario tables has its 3 cells, whatever the
	// scenario names hold.
	for _, l := range lines {
		if strings.HasPrefix(l, "| passed |") || strings.HasPrefix(l, "| failed |") {
			if n := countCells(l); n != 3 {
				t.Errorf("scenario row has %d cells: %s", n, l)
			}
		}
	}
}

func TestMarkdownWithoutLoad(t *testing.T) {
	_, md, _ := render(t, Build(sampleRun(currentSuite(), nil)))
	if !strings.Contains(md, "No load result.") || strings.Contains(md, "| Operation |") {
		t.Error("a run without load must say so instead of a table")
	}
	if !strings.Contains(md, "**Verdict: INCOMPLETE**") || !strings.Contains(md, "G10") {
		t.Error("the incomplete verdict and its blocking item are not shown")
	}
}

// countCells counts the cells of a Markdown table row (unescaped pipes).
func countCells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
