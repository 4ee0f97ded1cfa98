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
