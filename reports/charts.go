package reports

import (
	"fmt"
	"math"
	"strings"
)

// The charts are computed here as plain geometry (rectangles, lines, text,
// polylines) and drawn as inline SVG by the HTML template, so html/template
// escapes every label and the page needs no script and no fetch.

// chart is one inline SVG chart.
type chart struct {
	// Kind is the data-chart attribute: "latency", "throughput" or
	// "error-groups".
	Kind    string
	Title   string
	Caption string
	W, H    float64
	// Empty, when set, is shown instead of data.
	Empty     string
	Rects     []svgRect
	Lines     []svgLine
	Texts     []svgText
	Polylines []svgPolyline
}

type svgRect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type svgLine struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type svgText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Class  string
}

type svgPolyline struct {
	Points string
	Class  string
	Title  string
}

const chartW = 1080

// niceCeil rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// num formats a number for a label: at most two decimals, trailing zeros
// trimmed.
func num(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if v >= 100 || v <= -100 {
		s = fmt.Sprintf("%.0f", v)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// legend adds colour keys at the top right of a chart.
func (c *chart) legend(entries ...[2]string) {
	x := c.W - 12
	for i := len(entries) - 1; i >= 0; i-- {
		cls, label := entries[i][0], entries[i][1]
		w := float64(len(label))*6.5 + 22
		x -= w
		c.Rects = append(c.Rects, svgRect{X: x, Y: 8, W: 12, H: 10, Class: cls})
		c.Texts = append(c.Texts, svgText{X: x + 16, Y: 17, Text: label, Anchor: "start", Class: "lg"})
	}
}

// withoutLoadData is c drawn empty, saying that the load stage did not run.
func (c chart) withoutLoadData() chart {
	c.H, c.Empty = 60, "No load data: the load stage did not run."
	return c
}

// latencyChart draws p50/p95/p99 bars per operation.
func latencyChart(l *LoadSummary) chart {
	c := chart{Kind: "latency", Title: "Latency percentiles per operation",
		Caption: "HTTP latency of each API operation during the load run, in milliseconds (p50, p95, p99).", W: chartW}
	if l == nil || len(l.Operations) == 0 {
		return c.withoutLoadData()
	}
	const left, right, top, band, bottom = 340.0, 70.0, 30.0, 36.0, 30.0
	ops := l.Operations
	c.H = top + band*float64(len(ops)) + bottom
	maxV := 0.0
	for _, o := range ops {
		maxV = math.Max(maxV, math.Max(o.P99, math.Max(o.P95, o.P50)))
	}
	maxV = niceCeil(maxV)
	pw := c.W - left - right
	x := func(v float64) float64 { return left + pw*v/maxV }
	bottomY := top + band*float64(len(ops))
	for i := 0; i <= 5; i++ {
		v := maxV * float64(i) / 5
		c.Lines = append(c.Lines, svgLine{X1: x(v), Y1: top - 4, X2: x(v), Y2: bottomY, Class: "grid"})
		c.Texts = append(c.Texts, svgText{X: x(v), Y: bottomY + 16, Text: num(v) + " ms", Anchor: "middle", Class: "ax"})
	}
	for i, o := range ops {
		y := top + band*float64(i)
		c.Texts = append(c.Texts, svgText{X: left - 8, Y: y + band/2 + 4, Text: truncate(o.Name, 56), Anchor: "end", Class: "lb"})
		for j, p := range []struct {
			cls, name string
			v         float64
		}{{"s1", "p50", o.P50}, {"s2", "p95", o.P95}, {"s3", "p99", o.P99}} {
			by := y + 4 + float64(j)*9.5
			w := math.Max(x(p.v)-left, 1)
			c.Rects = append(c.Rects, svgRect{X: left, Y: by, W: w, H: 8, Class: p.cls,
				Title: fmt.Sprintf("%s %s %s ms (%d requests)", o.Name, p.name, num(p.v), o.Count)})
			c.Texts = append(c.Texts, svgText{X: left + w + 4, Y: by + 7.5, Text: num(p.v), Anchor: "start", Class: "vl"})
		}
	}
	c.Lines = append(c.Lines, svgLine{X1: left, Y1: top - 4, X2: left, Y2: bottomY, Class: "axis"})
	c.legend([2]string{"s1", "p50"}, [2]string{"s2", "p95"}, [2]string{"s3", "p99"})
	return c
}

// throughputChart draws iterations (and failures) per second over the run.
func throughputChart(l *LoadSummary) chart {
	c := chart{Kind: "throughput", Title: "Throughput over time",
		Caption: "Scenario iterations completed per second of the load run; failed iterations in red.", W: chartW}
	if l == nil || len(l.Timeline) == 0 {
		return c.withoutLoadData()
	}
	pts := l.Timeline
	// The last second is usually partial; drawn as is it looks like a drop.
	if n := len(pts); n > 1 && l.ElapsedSeconds < float64(pts[n-1].At)+1 {
		pts = pts[:n-1]
		c.Caption += " The final, partial second is left out."
	}
	const left, right, top, bottom = 56.0, 20.0, 30.0, 40.0
	c.H = 260
	ph, pw := c.H-top-bottom, c.W-left-right
	maxY, maxX := 0.0, float64(pts[len(pts)-1].At)
	for _, p := range pts {
		maxY = math.Max(maxY, float64(max(p.Iterations, p.Failures)))
	}
	maxY = niceCeil(maxY)
	if maxX < 1 {
		maxX = 1
	}
	x := func(v float64) float64 { return left + pw*v/maxX }
	y := func(v float64) float64 { return top + ph - ph*v/maxY }
	for i := 0; i <= 5; i++ {
		v := maxY * float64(i) / 5
		c.Lines = append(c.Lines, svgLine{X1: left, Y1: y(v), X2: left + pw, Y2: y(v), Class: "grid"})
		c.Texts = append(c.Texts, svgText{X: left - 6, Y: y(v) + 4, Text: num(v), Anchor: "end", Class: "ax"})
	}
	step := niceCeil(maxX / 8)
	for v := 0.0; v <= maxX+1e-9; v += step {
		c.Texts = append(c.Texts, svgText{X: x(v), Y: top + ph + 16, Text: num(v) + " s", Anchor: "middle", Class: "ax"})
	}
	c.Texts = append(c.Texts, svgText{X: left + pw/2, Y: c.H - 4, Text: "seconds since the load run started", Anchor: "middle", Class: "ax"})
	c.Texts = append(c.Texts, svgText{X: left, Y: 17, Text: "iterations/s", Anchor: "start", Class: "ax"})
	c.Lines = append(c.Lines, svgLine{X1: left, Y1: top + ph, X2: left + pw, Y2: top + ph, Class: "axis"})
	line := func(val func(TimelinePoint) int) string {
		var b strings.Builder
		for i, p := range pts {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", x(float64(p.At)), y(float64(val(p))))
		}
		if len(pts) == 1 { // one point: draw it as a short level line
			fmt.Fprintf(&b, " %.1f,%.1f", x(float64(pts[0].At))+pw, y(float64(val(pts[0]))))
		}
		return b.String()
	}
	c.Polylines = append(c.Polylines, svgPolyline{Points: line(func(p TimelinePoint) int { return p.Iterations }), Class: "ln1",
		Title: fmt.Sprintf("mean %s iterations/s over %s s", num(l.IterationsPerSecond), num(l.ElapsedSeconds))})
	anyFail := false
	for _, p := range pts {
		anyFail = anyFail || p.Failures > 0
	}
	if anyFail {
		c.Polylines = append(c.Polylines, svgPolyline{Points: line(func(p TimelinePoint) int { return p.Failures }), Class: "ln2",
			Title: fmt.Sprintf("%d failed iterations", l.Failures)})
		c.legend([2]string{"s1", "iterations/s"}, [2]string{"s4", "failures/s"})
	} else {
		c.legend([2]string{"s1", "iterations/s"})
	}
	return c
}
