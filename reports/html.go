package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed signoff.html.tmpl
var signoffHTML string

// htmlTemplate is parsed once; a parsed template is safe for concurrent
// use and never changes.
var htmlTemplate = template.Must(template.New("signoff.html").Funcs(template.FuncMap{
	"f":             func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"num":           num,
	"ms":            fmtMs,
	"pct":           pct,
	"pctf":          func(v float64) string { return fmt.Sprintf("%.2f%%", v*100) },
	"ratio":         ratio,
	"dur":           fmtDuration,
	"fmtTime":       fmtTime,
	"join":          strings.Join,
	"statusClass":   statusClass,
	"scenarioClass": scenarioClass,
	"evidenceLabel": evidenceLabel,
	"head":          func(v []string, n int) []string { h, _ := limit(v, n); return h },
	"rest":          func(v []string, n int) int { _, r := limit(v, n); return r },
	"tail":          func(v []string, n int) []string { return v[min(n, len(v)):] },
	"headRefs":      func(v []ScenarioRef, n int) []ScenarioRef { return v[:min(n, len(v))] },
	"restRefs":      func(v []ScenarioRef, n int) int { return max(len(v)-n, 0) },
	"tailRefs":      func(v []ScenarioRef, n int) []ScenarioRef { return v[min(n, len(v)):] },
}).Parse(signoffHTML))

// htmlView is what the template renders.
type htmlView struct {
	R              *Report
	Provider       string
	Version        string
	RunLength      string
	ScoreLine      string
	CoverageLine   string
	VerdictLine    string
	VerdictClass   string
	Warnings       []string
	ScenarioStates []string
	Charts         []chart
	Features       []featureGroup
	Groups         []groupRow
}

// groupRow joins an error group's catalogue coverage and its distribution.
type groupRow struct {
	Group, Label     string
	Cards, Exercised int
	Scenarios, Load  int
}

// WriteHTML writes signoff.html: one self-contained page (inline CSS and
// SVG charts, no scripts, nothing fetched from the network) with the
// verdict, score and coverage, the checklist table (id "checklist"), the
// charts (class "chart", attribute data-chart), test-card coverage, the
// load summary, the scenarios and provenance.
func (r *Report) WriteHTML(w io.Writer) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, r.htmlView()); err != nil {
		return fmt.Errorf("reports: html: %w", err)
	}
	return writeMasked(w, buf.Bytes())
}

func (r *Report) htmlView() *htmlView {
	v := &htmlView{R: r, Provider: displayName(r.Provenance.Provider), Version: r.Provenance.versionLine(),
		RunLength: r.Provenance.runLength(), ScoreLine: r.scoreLine(), CoverageLine: r.coverageLine(),
		VerdictLine: r.verdictLine(), VerdictClass: verdictClass(r.Verdict), Warnings: r.warnings(), Features: r.features(), Groups: r.groupRows()}
	v.Charts = []chart{latencyChart(r.Load), throughputChart(r.Load), errorGroupChart(r.ErrorGroups)}
	v.ScenarioStates = r.scenarioStates()
	return v
}

// groupRows lists every error group of the catalogue or the run with its
// coverage and counts, sorted by name.
func (r *Report) groupRows() []groupRow {
	rows := map[string]*groupRow{}
	for _, g := range r.Cards.Groups {
		rows[g.Group] = &groupRow{Group: g.Group, Label: g.Label, Cards: g.Cards, Exercised: g.Exercised}
	}
	for _, g := range r.ErrorGroups {
		row := rows[g.Group]
		if row == nil {
			row = &groupRow{Group: g.Group}
			rows[g.Group] = row
		}
		row.Scenarios, row.Load = g.Scenarios, g.Load
	}
	out := make([]groupRow, 0, len(rows))
	for _, row := range rows {
		out = append(out, *row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// ratio formats part/whole as a percentage, "–" when whole is zero.
func ratio(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return pct(float64(part) / float64(whole))
}

// displayName capitalises a provider name ("craftgate" → "Craftgate").
func displayName(s string) string {
	switch s {
	case "":
		return "Payment provider"
	case ProviderRBS:
		return "Alfa-Bank (RBS gateway, RetailCRM module)"
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// verdictClass is the CSS class of the verdict box.
func verdictClass(v string) string {
	switch v {
	case VerdictGo:
		return "go"
	case VerdictIncomplete, VerdictRehearsalIncomplete:
		return "incomplete"
	case VerdictRehearsalPass:
		return "rehearsal"
	}
	return "nogo"
}
