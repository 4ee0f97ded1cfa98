package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestLinesWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(&buf, false)
	d.lineEvery = 0
	b := d.Bar("conform", "scenarios", 3)
	b.Add(1, 0)
	b.Add(1, 1)
	b.Add(1, 0)
	b.Done()
	b.Done() // idempotent
	d.Wait()
	out := buf.String()
	for _, want := range []string{"conform: started (3 scenarios)", "conform: 2/3 scenarios, 1 failed", "conform: done, 3 scenarios, 1 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("escape codes in non-terminal output")
	}
	if strings.Count(out, "conform: done") != 1 {
		t.Error("Done printed twice")
	}
}

func TestBarsOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(&buf, true)
	b := d.Bar("load", "iterations", 10)
	for i := 0; i < 10; i++ {
		b.Add(1, 0)
	}
	b.Done()
	d.Wait()
	if !strings.Contains(buf.String(), "10/10 iterations") {
		t.Errorf("bar output: %q", buf.String())
	}
}

func TestIsTerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
}

// TestStatusLinesWithoutTotal: a bar of unknown total prints its count and
// its status in every line, every line period (here: each update).
func TestStatusLinesWithoutTotal(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(&buf, false)
	d.SetLineEvery(0)
	b := d.Bar("load", "iterations", 0)
	b.SetStatus("150 it/s, 4/8 VUs")
	b.Add(150, 0)
	b.SetStatus("148 it/s, 4/8 VUs")
	b.Add(148, 2)
	b.Done()
	d.Wait()
	out := buf.String()
	for _, want := range []string{"load: 150 iterations, 0 failed, 150 it/s, 4/8 VUs", "load: 298 iterations, 2 failed, 148 it/s, 4/8 VUs", "load: done, 298 iterations, 2 failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBarOfUnknownTotalOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	d := newDisplay(&buf, true)
	b := d.Bar("load", "iterations", 0)
	b.SetStatus("12 it/s")
	b.Add(12, 0)
	b.Done()
	d.Wait()
	if !strings.Contains(buf.String(), "12 iterations") || strings.Contains(buf.String(), "/0 iterations") {
		t.Errorf("bar output: %q", buf.String())
	}
}
