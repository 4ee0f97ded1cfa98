package reports

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// mdLimit bounds how many values of one kind a Markdown cell lists.
const mdLimit = 6

// WriteMarkdown writes signoff.md: the same content as signoff.html in
// Markdown tables, with a short load table instead of charts.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b bytes.Buffer
	r.markdown(&b)
	return writeMasked(w, b.Bytes())
}

func (r *Report) markdown(b *bytes.Buffer) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	s := r.Summary
	prov := r.Provenance

	p("# %s integration checklist: go-live sign-off\n\n", displayName(prov.Provider))
	p("**Verdict: %s**. %s\n\n", r.Verdict, mdText(r.verdictLine()))
	for _, id := range s.Blocking {
		it := r.Item(id)
		line := fmt.Sprintf("- **%s %s**: %s", id, it.Status, mdOwn(it.Title))
		if it.Note != "" {
			line += " " + mdText(it.Note)
		}
		if it.HowTo != "" {
			line += " *How to cover it:* " + mdText(it.HowTo)
		}
		p("%s\n", line)
	}
	if len(s.Blocking) > 0 {
		p("\n")
	}
	tagFilter := "none (the whole suite)"
	if prov.TagFilter != "" {
		tagFilter = "`" + mdCode(prov.TagFilter) + "`"
	}
	p("Tag filter: %s", tagFilter)
	if lo := r.leftOutLine(); lo != "" {
		p(" · left out: %s", mdText(lo))
	}
	p(" · merchant probe: %s\n\n", mdText(r.probeLine()))
	p("Target: %s · started %s · gatecheck %s\n\n", mdText(prov.Target), fmtTime(prov.Started), mdText(prov.versionLine()))
	p("Items: %d PASS · %d REHEARSED · %d FAIL · %d NOT COVERED · %d MANUAL. Scenarios: %d", s.Pass, s.Rehearsed, s.Fail, s.NotCovered, s.Manual, s.Scenarios)
	for i, st := range r.scenarioStates() {
		sep := ", "
		if i == 0 {
			sep = " ("
		}
		p("%s%s", sep, st)
	}
	if len(s.ScenarioByStatus) > 0 {
		p(")")
	}
	p(".\n\n")
	if ws := r.warnings(false); len(ws) > 0 {
		for i, w := range ws {
			ws[i] = "> **Note:** " + mdText(w)
		}
		p("%s\n\n", strings.Join(ws, "\n>\n"))
	}

	p("## Checklist\n\n")
	p("PASS: proved by this run. REHEARSED: passed on gatecheck's mock; only the provider's sandbox proves it. " +
		"FAIL: a matching scenario or probe case failed. NOT COVERED: gatecheck can check it but this run did not. " +
		"MANUAL: only a person can confirm it. Must-pass items decide the verdict.\n\n")
	for _, ph := range []struct {
		phase Phase
		title string
	}{{PhaseSetup, "Set-up"}, {PhaseGoLive, "Development and go-live"}, {PhasePostGoLive, "Post-go-live"}} {
		var items []ItemResult
		for _, it := range r.Items {
			if it.Phase == ph.phase {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			continue
		}
		p("### %s (%d items)\n\n", ph.title, len(items))
		p("| ID | Item | Status | Must pass | Evidence |\n|---|---|---|---|---|\n")
		for _, it := range items {
			p("| %s | %s | %s | %s | %s |\n", it.ID, mdItem(it), it.Status, mdMustPass(it), mdEvidence(it))
		}
		p("\n")
	}

	if r.Provenance.Provider != ProviderRBS {
		r.markdownCardsAndLoad(b)
	}
	r.markdownScenarios(b)
}

// markdownCardsAndLoad writes the Craftgate sections: test-card coverage
// and load.
func (r *Report) markdownCardsAndLoad(b *bytes.Buffer) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	c := r.Cards
	p("## Test-card coverage\n\n")
	p("Successful cards used: %d of %d in the catalogue.\n\n", len(c.SuccessfulUsed), c.SuccessfulTotal)
	p("### By flow step\n\n")
	p("| Step | Error cards failing here | Exercised | Share | Successful cards used | Not exercised |\n|---|---:|---:|---:|---:|---|\n")
	for _, st := range c.Steps {
		p("| `%s` | %d | %d | %s | %d | %s |\n", mdCode(st.Step), st.Failing, len(st.Exercised), ratio(len(st.Exercised), st.Failing), st.Successful, mdValues(st.Missing))
	}
	p("\n### By error group\n\n")
	p("| Error group | Catalogue cards | Exercised | Passed scenarios | Load answers |\n|---|---:|---:|---:|---:|\n")
	for _, g := range r.groupRows() {
		p("| `%s` | %d | %d | %d | %d |\n", mdCode(g.Group), g.Cards, g.Exercised, g.Scenarios, g.Load)
	}
	if len(c.Unknown) > 0 {
		p("\nCards not in the catalogue: %s\n", mdValues(c.Unknown))
	}

	p("\n## Load\n\n")
	if l := r.Load; l != nil {
		p("%d iterations (%d failed), %d requests in %s s with %d virtual users: **%s iterations/s**, failure rate %.2f%%.\n\n",
			l.Iterations, l.Failures, l.Requests, num(l.ElapsedSeconds), l.VUs, num(l.IterationsPerSecond), l.FailureRate*100)
		p("| Operation | Requests | p50 | p95 | p99 | Max |\n|---|---:|---:|---:|---:|---:|\n")
		for _, o := range l.Operations {
			p("| `%s` | %d | %s | %s | %s | %s |\n", mdCode(o.Name), o.Count, fmtMs(o.P50), fmtMs(o.P95), fmtMs(o.P99), fmtMs(o.Max))
		}
	} else {
		p("No load result. %s\n", mdText(r.LoadError))
	}
}

// markdownScenarios writes the scenarios and the provenance.
func (r *Report) markdownScenarios(b *bytes.Buffer) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	prov := r.Provenance

	p("\n## Scenarios\n\n")
	fgs := r.features()
	if len(fgs) == 0 {
		p("No scenario ran.\n")
	}
	for _, fg := range fgs {
		p("### %s: %d passed", mdText(fg.Feature), fg.Passed)
		if fg.Failing > 0 {
			p(", %d not passed", fg.Failing)
		}
		if fg.Other > 0 {
			p(", %d skipped", fg.Other)
		}
		p("\n\n| Status | Scenario | Duration |\n|---|---|---:|\n")
		for _, sc := range fg.Scenarios {
			name := mdText(sc.Name)
			if sc.Failure != "" {
				name += "<br>" + mdText(sc.Failure)
			}
			p("| %s | %s | %s |\n", sc.Status, name, fmtDuration(sc.Duration))
		}
		p("\n")
	}

	p("## Provenance\n\n| | |\n|---|---|\n")
	target := mdText(prov.Target)
	if prov.TargetIsMock {
		target += " (gatecheck's mock)"
	}
	fp := "–"
	if prov.KeyFingerprint != "" {
		fp = "`" + mdCode(prov.KeyFingerprint) + "` (fingerprint; the key itself is never recorded)"
	}
	finished := fmtTime(prov.Finished)
	if l := prov.runLength(); l != "" {
		finished += " (" + l + ")"
	}
	engine := prov.LoadEngine
	if engine == "" {
		engine = "–"
	}
	tagFilter, filter, leftOut := "none: the whole suite", "every scenario", "nothing"
	if prov.TagFilter != "" {
		tagFilter = "`" + mdCode(prov.TagFilter) + "`"
	}
	if prov.Filter != "" {
		filter = "`" + mdCode(prov.Filter) + "`"
	}
	if len(prov.LeftOut) > 0 {
		var lines []string
		for _, lo := range prov.LeftOut {
			lines = append(lines, fmt.Sprintf("%d %s by `%s`: %s", lo.Scenarios, plural(lo.Scenarios, "scenario", "scenarios"), mdCode(lo.Filter), mdText(lo.Reason)))
		}
		leftOut = strings.Join(lines, "<br>")
	}
	probed := "did not run"
	if pr := r.Probe; pr != nil {
		probed = fmt.Sprintf("%d cases: %d PASS, %d WARN, %d FAIL, %d ERROR", len(pr.Results), pr.Summary.Pass, pr.Summary.Warn, pr.Summary.Fail, pr.Summary.Error)
	}
	if r.ProbeError != "" {
		probed += " (" + mdText(r.ProbeError) + ")"
	}
	catalogue := prov.CatalogueVersion
	if catalogue == "" {
		catalogue = "–"
	}
	for _, row := range [][2]string{
		{"Provider", mdText(prov.Provider)}, {"Target", target}, {"gatecheck", mdText(prov.versionLine())},
		{"Tag filter", tagFilter}, {"Suite ran with", filter}, {"Left out", leftOut}, {"Merchant probe", probed},
		{"Test-card catalogue", mdText(catalogue)},
		{"Load engine", mdText(engine)}, {"Started", fmtTime(prov.Started)}, {"Finished", finished}, {"API key", fp},
	} {
		p("| %s | %s |\n", row[0], row[1])
	}
	p("\nCard numbers are masked to their first six and last four digits; no secret is recorded.\n")
}

// mdItem is the Item cell: title, guidance, what gatecheck checks, what a
// person confirms.
func mdItem(it ItemResult) string {
	parts := []string{"**" + mdOwn(it.Title) + "**"}
	if it.Guidance != "" {
		parts = append(parts, mdOwn(it.Guidance))
	}
	if it.Checks != "" {
		parts = append(parts, "*gatecheck checks:* "+mdOwn(it.Checks))
	}
	if it.Manual != "" {
		parts = append(parts, "*To confirm by a person:* "+mdOwn(it.Manual))
	}
	return strings.Join(parts, "<br>")
}

func mdMustPass(it ItemResult) string {
	switch {
	case it.MustPass:
		return "yes"
	case it.MustPassIf != "":
		return "once " + mdText(it.MustPassIf) + " runs"
	}
	return ""
}

// mdEvidence is the Evidence cell.
func mdEvidence(it ItemResult) string {
	var parts []string
	if it.Note != "" {
		parts = append(parts, mdText(it.Note))
	}
	if it.HowTo != "" {
		parts = append(parts, "*How to cover it:* "+mdText(it.HowTo))
	}
	for _, q := range it.Requirements {
		mark := "–"
		switch {
		case q.Failing > 0:
			mark = "✗"
		case q.Passed > 0:
			mark = "✓"
		}
		extra := ""
		if q.Failing > 0 {
			extra = fmt.Sprintf(", %d failing", q.Failing)
		}
		if q.Optional {
			extra += "; optional"
		}
		parts = append(parts, fmt.Sprintf("%s %s (%d passed%s)", mark, mdText(q.Label), q.Passed, extra))
	}
	for _, f := range it.Failing {
		s := "**Failing:** " + mdText(f.Feature+": "+f.Name) + " (" + f.Status + ")"
		if f.Failure != "" {
			s += ": " + mdText(f.Failure)
		}
		parts = append(parts, s)
	}
	if len(it.Passed) > 0 {
		names := make([]string, 0, 2)
		for _, ref := range it.Passed[:min(2, len(it.Passed))] {
			names = append(names, mdText(ref.Name))
		}
		parts = append(parts, fmt.Sprintf("%d passed %s, e.g. %s", len(it.Passed), plural(len(it.Passed), "scenario", "scenarios"), strings.Join(names, "; ")))
	}
	for _, set := range it.Evidence {
		head, _ := limit(set.Values, 2)
		parts = append(parts, fmt.Sprintf("%s: %d, e.g. %s", evidenceLabel(set.Kind), len(set.Values), mdValues(head)))
	}
	return strings.Join(parts, "<br>")
}

// mdValues lists values as code spans, at most mdLimit of them.
func mdValues(v []string) string {
	if len(v) == 0 {
		return "–"
	}
	head, more := limit(v, mdLimit)
	out := make([]string, len(head))
	for i, s := range head {
		out[i] = "`" + mdCode(s) + "`"
	}
	s := strings.Join(out, ", ")
	if more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

// mdCode makes s safe inside a code span in a table cell.
func mdCode(s string) string {
	s = strings.NewReplacer("`", "'", "|", `\|`, "\r", " ", "\n", " ").Replace(s)
	return s
}

// mdOwn makes the package's own text (which may use code spans) safe in a
// table cell.
func mdOwn(s string) string {
	return strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ").Replace(s)
}

// mdEscaper escapes what Markdown would read as formatting in run data.
var mdEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "`", "\\`", "<", "&lt;", ">", "&gt;",
	"[", `\[`, "]", `\]`, "\r", " ", "\n", " ")

// mdText makes run data (scenario names, failures, targets) safe in
// Markdown text and table cells; masked card numbers become code spans.
func mdText(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range maskedPAN.FindAllStringIndex(s, -1) {
		b.WriteString(mdEscaper.Replace(s[last:loc[0]]))
		b.WriteString("`" + s[loc[0]:loc[1]] + "`")
		last = loc[1]
	}
	b.WriteString(mdEscaper.Replace(s[last:]))
	return b.String()
}
