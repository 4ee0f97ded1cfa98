package progress

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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

// TestZeroSizeTerminalGetsLines: a pseudo-terminal that reports zero rows
// and columns (as a detached one does) gets lines, not bars drawn into no
// width; once it has a size it gets bars.
func TestZeroSizeTerminalGetsLines(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("cannot unlock a pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("no pseudo-terminal number: %v", err)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("cannot open the pseudo-terminal: %v", err)
	}
	defer tty.Close()
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{}); err != nil {
		t.Fatal(err)
	}
	if IsTerminal(tty) {
		t.Fatal("a zero-size terminal was taken for one that can show bars")
	}
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80}); err != nil {
		t.Fatal(err)
	}
	if !IsTerminal(tty) {
		t.Fatal("a 24x80 terminal was not taken for a terminal")
	}
}
