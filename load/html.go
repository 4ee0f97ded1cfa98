package load

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// WriteHTML writes a self-contained HTML page of a run (no script, no
// external resource): the verdict, thresholds, provider operations'
// latency over time (p95 per second, one line per operation, as inline
// SVG), throughput over time, and the summary's tables.
func WriteHTML(w io.Writer, r *Result) error {
	var sum strings.Builder
	WriteSummary(&sum, r)
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	data := struct {
		Title, Verdict, Summary string
		Latency, Throughput     template.HTML
		Generated               string
	}{
		Title: "gatecheck load: " + orDefault(r.Profile, "ad hoc run"), Verdict: verdict, Summary: craftgate.MaskPANs(sum.String()),
		Latency: latencySVG(r), Throughput: throughputSVG(r), Generated: r.End.UTC().Format(time.RFC3339),
	}
	return htmlPage.Execute(w, data)
}

var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}

const svgW, svgH, pad = 900.0, 320.0, 48.0

func axes(b *strings.Builder, maxX, maxY float64, yLabel string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" role="img">`, svgW, svgH)
	fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#444"/>`, pad, svgH-pad, svgW-pad, svgH-pad)
	fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#444"/>`, pad, pad/2, pad, svgH-pad)
	for i := 0; i <= 4; i++ {
		y := svgH - pad - float64(i)/4*(svgH-1.5*pad)
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" font-size="10" text-anchor="end">%s</text>`, pad-4, y+3, axisLabel(maxY*float64(i)/4))
		x := pad + float64(i)/4*(svgW-2*pad)
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" font-size="10" text-anchor="middle">%.0fs</text>`, x, svgH-pad+14, maxX*float64(i)/4)
	}
	fmt.Fprintf(b, `<text x="12" y="%.0f" font-size="11" transform="rotate(-90 12 %.0f)" text-anchor="middle">%s</text>`, svgH/2, svgH/2, template.HTMLEscapeString(yLabel))
}

// axisLabel writes a tick value without an exponent.
func axisLabel(v float64) string {
	if v >= 100 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func px(x, maxX float64) float64 { return pad + x/math.Max(maxX, 1)*(svgW-2*pad) }
func py(y, maxY float64) float64 {
	return svgH - pad - y/math.Max(maxY, 1e-9)*(svgH-1.5*pad)
}

// latencySVG draws each provider operation's p95 per second.
func latencySVG(r *Result) template.HTML {
	if len(r.OpTimeline) == 0 {
		return "<p>No provider request was measured.</p>"
	}
	byOp := map[string][]OpSecond{}
	maxX, maxY := 1.0, 0.0
	for _, p := range r.OpTimeline {
		byOp[p.Op] = append(byOp[p.Op], p)
		maxX, maxY = math.Max(maxX, float64(p.At)), math.Max(maxY, p.P95MS)
	}
	ops := sortedKeys(byOp)
	// The busiest operations first; at most ten lines stay readable.
	sort.SliceStable(ops, func(i, j int) bool { return len(byOp[ops[i]]) > len(byOp[ops[j]]) })
	if len(ops) > len(palette) {
		ops = ops[:len(palette)]
	}
	var b strings.Builder
	axes(&b, maxX, maxY, "p95 latency (ms)")
	var legend strings.Builder
	for i, op := range ops {
		pts := byOp[op]
		sort.Slice(pts, func(a, c int) bool { return pts[a].At < pts[c].At })
		var coords []string
		for _, p := range pts {
			coords = append(coords, fmt.Sprintf("%.1f,%.1f", px(float64(p.At), maxX), py(p.P95MS, maxY)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"><title>%s</title></polyline>`, palette[i], strings.Join(coords, " "), template.HTMLEscapeString(op))
		fmt.Fprintf(&legend, `<li><span style="color:%s">■</span> %s</li>`, palette[i], template.HTMLEscapeString(op))
	}
	b.WriteString("</svg><ul class=legend>" + legend.String() + "</ul>")
	return template.HTML(b.String())
}

// throughputSVG draws requests and iterations per second.
func throughputSVG(r *Result) template.HTML {
	if len(r.Timeline) == 0 {
		return ""
	}
	maxX, maxY := float64(max(len(r.Timeline)-1, 1)), 1.0
	for _, s := range r.Timeline {
		maxY = math.Max(maxY, float64(s.Requests))
	}
	var b strings.Builder
	axes(&b, maxX, maxY, "per second")
	for i, series := range []func(Second) int{func(s Second) int { return s.Requests }, func(s Second) int { return s.Iterations }, func(s Second) int { return s.Failures }} {
		var coords []string
		for _, s := range r.Timeline {
			coords = append(coords, fmt.Sprintf("%.1f,%.1f", px(float64(s.At), maxX), py(float64(series(s)), maxY)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, palette[i], strings.Join(coords, " "))
	}
	b.WriteString(`</svg><ul class=legend><li><span style="color:#1f77b4">■</span> http_reqs/s</li><li><span style="color:#ff7f0e">■</span> iterations/s</li><li><span style="color:#2ca02c">■</span> failed flows/s</li></ul>`)
	return template.HTML(b.String())
}

var htmlPage = template.Must(template.New("load").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}
.PASS{color:#2a7a2a}.FAIL{color:#b22}pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}
ul.legend{list-style:none;padding:0;columns:2;font-size:13px}</style></head>
<body><h1>{{.Title}}</h1>
<p>Verdict: <strong class="{{.Verdict}}">{{.Verdict}}</strong> (ended {{.Generated}})</p>
<h2>Latency over time per provider operation</h2>{{.Latency}}
<h2>Throughput over time</h2>{{.Throughput}}
<h2>Summary</h2><pre>{{.Summary}}</pre>
</body></html>
`))
