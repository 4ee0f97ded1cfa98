package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
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
	"tailBars":      func(v []groupBar, n int) []groupBar { return v[min(n, len(v)):] },
	"rich":          rich,
	"stepLabel":     stepLabel,
	"evidenceCount": func(v []EvidenceSet) int {
		n := 0
		for _, e := range v {
			n += len(e.Values)
		}
		return n
	},
}).Parse(signoffHTML))

// htmlView is what the template renders.
type htmlView struct {
	R              *Report
	Provider       string
	Version        string
	RunLength      string
	VerdictLine    string
	VerdictClass   string
	Warnings       []string
	ScenarioStates []string
	Charts         []chart
	Features       []featureGroup
	Groups         []groupRow
	// Blocking are the must-pass items that block the verdict.
	Blocking []ItemResult
	// LeftOutLine and ProbeLine summarise what the run left out and the
	// probe of the merchant's endpoints.
	LeftOutLine, ProbeLine string
	// IsCraftgate is false for the Alfa-Bank report, which has no test-card
	// catalogue, error groups or load stage.
	IsCraftgate bool
	// Bars is the error-group distribution, most frequent first.
	Bars             []groupBar
	FailingScenarios bool
}

// groupBar is one bar of the error-group list.
type groupBar struct {
	Label string
	Count int
	// Width is the bar's length in percent of the longest.
	Width int
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
		RunLength:   r.Provenance.runLength(),
		VerdictLine: r.verdictLine(), VerdictClass: verdictClass(r.Verdict), Warnings: r.warnings(true), Features: r.features(), Groups: r.groupRows()}
	v.IsCraftgate = r.Provenance.Provider != ProviderRBS
	// Only charts that inform the provider: no empty chart, and no
	// latency chart for a run on gatecheck's own mock (it would measure
	// the mock on this machine).
	if r.Load != nil {
		if !r.Provenance.TargetIsMock {
			v.Charts = append(v.Charts, latencyChart(r.Load))
		}
		v.Charts = append(v.Charts, throughputChart(r.Load))
	}
	v.Charts = slices.DeleteFunc(v.Charts, func(c chart) bool { return c.Empty != "" })
	if v.IsCraftgate {
		v.Bars = groupBars(r.ErrorGroups)
	}
	v.ScenarioStates = r.scenarioStates()
	for _, id := range r.Summary.Blocking {
		if it := r.Item(id); it != nil {
			v.Blocking = append(v.Blocking, *it)
		}
	}
	v.LeftOutLine, v.ProbeLine = r.leftOutLine(), r.probeLine()
	v.FailingScenarios = slices.ContainsFunc(r.Scenarios, func(s Scenario) bool { return s.Failing() })
	return v
}

// groupBars lists the error groups seen, most frequent first, each with
// its count of passed scenarios and load answers.
func groupBars(groups []GroupCount) []groupBar {
	var out []groupBar
	top := 0
	for _, g := range groups {
		if n := g.Scenarios + g.Load; n > 0 {
			out = append(out, groupBar{Label: g.Group, Count: n})
			top = max(top, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Label < out[j].Label
	})
	for i := range out {
		out[i].Width = max(1, 100*out[i].Count/top)
	}
	return out
}

// leftOutLine sums up what the run left out, e.g. "40 scenarios (need
// gatecheck's mock)".
func (r *Report) leftOutLine() string {
	var parts []string
	for _, lo := range r.Provenance.LeftOut {
		parts = append(parts, fmt.Sprintf("%d %s by %s", lo.Scenarios, plural(lo.Scenarios, "scenario", "scenarios"), lo.Filter))
	}
	return strings.Join(parts, "; ")
}

// probeLine sums up the probe of the merchant's endpoints.
func (r *Report) probeLine() string {
	p := r.Probe
	if p == nil {
		line := "did not run"
		if r.ProbeError != "" {
			line += ": " + r.ProbeError
		}
		return line
	}
	var urls []string
	if p.CallbackURL != "" {
		urls = append(urls, "callback URL "+p.CallbackURL)
	}
	if p.WebhookURL != "" {
		urls = append(urls, "webhook URL "+p.WebhookURL)
	}
	s := p.Summary
	line := fmt.Sprintf("%s: %d cases, %d PASS, %d WARN, %d FAIL, %d ERROR", strings.Join(urls, ", "), len(p.Results), s.Pass, s.Warn, s.Fail, s.Error)
	if s.ForgedAccepted > 0 {
		line += fmt.Sprintf("; %d forged %s accepted", s.ForgedAccepted, plural(s.ForgedAccepted, "call", "calls"))
	}
	if r.ProbeError != "" {
		line += " (" + r.ProbeError + ")"
	}
	return line
}

// rich renders the package's own text for HTML: `code spans` become
// <code> elements, everything else is escaped.
func rich(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(part))
		}
	}
	return template.HTML(b.String())
}

// stepLabel names a flow step for people ("NON_3DS_PAYMENT" → "Non-3DS
// payment").
func stepLabel(step string) string {
	switch step {
	case "NON_3DS_PAYMENT":
		return "Non-3DS payment"
	case "THREEDS_INIT":
		return "3-D Secure start"
	case "THREEDS_VERIFY":
		return "3-D Secure verification at the bank"
	case "THREEDS_COMPLETE":
		return "3-D Secure completion"
	case "PRE_AUTH":
		return "Pre-authorisation"
	case "POST_AUTH":
		return "Post-authorisation"
	case "CANCEL_REFUND":
		return "Cancel or refund"
	}
	return step
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
