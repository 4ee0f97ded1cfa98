// Package progress shows how long work is going: mpb progress bars on a
// terminal, and plain, line-based updates when the output is not one (CI
// logs, files), so nothing there is cluttered with escape codes.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/sys/unix"
)

// IsTerminal reports whether w is a terminal with a size: a terminal that
// reports zero rows or columns (a detached pseudo-terminal, some CI
// runners) gets lines, since bars drawn into no width show nothing.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	return err == nil && ws.Row > 0 && ws.Col > 0
}

// Display owns the bars of one command.
type Display struct {
	w   io.Writer
	tty bool
	p   *mpb.Progress
	// lineEvery is how often a non-terminal bar prints a line.
	lineEvery time.Duration
}

// New returns a Display writing to w: bars when w is a terminal, lines
// otherwise.
func New(w io.Writer) *Display { return newDisplay(w, IsTerminal(w)) }

func newDisplay(w io.Writer, tty bool) *Display {
	d := &Display{w: w, tty: tty, lineEvery: 5 * time.Second}
	if tty {
		d.p = mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond), mpb.WithAutoRefresh())
	}
	return d
}

// SetLineEvery sets how often a bar prints a line when the output is not
// a terminal (default 5 s).
func (d *Display) SetLineEvery(every time.Duration) { d.lineEvery = every }

// Bar is one unit of work: count done out of a total, with failures.
type Bar struct {
	d      *Display
	name   string
	unit   string
	total  int64
	mu     sync.Mutex
	done   int64
	failed int64
	last   time.Time
	start  time.Time
	bar    *mpb.Bar
	closed bool
	status string
}

// SetStatus sets a short text shown after the counts (rates, VUs, stage),
// on the bar and in every line.
func (b *Bar) SetStatus(s string) {
	b.mu.Lock()
	b.status = s
	b.mu.Unlock()
}

func (b *Bar) statusText() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.status
}

// Bar starts a bar named name counting total units (scenarios,
// iterations, seconds). total may be 0 when unknown.
func (d *Display) Bar(name, unit string, total int) *Bar {
	b := &Bar{d: d, name: name, unit: unit, total: int64(total), start: time.Now()}
	if d.tty {
		counter := decor.CountersNoUnit("%d/%d "+unit, decor.WCSyncSpace)
		if total <= 0 {
			counter = decor.CurrentNoUnit("%d "+unit, decor.WCSyncSpace)
		}
		// A total of 0 is unknown: mpb keeps the bar open until Done.
		b.bar = d.p.AddBar(int64(max(total, 0)),
			mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR), counter),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return b.failText() }, decor.WCSyncSpace),
				decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace),
				decor.Any(func(decor.Statistics) string { return b.statusText() }, decor.WCSyncSpace)),
		)
	} else {
		fmt.Fprintf(d.w, "%s: started (%d %s)\n", name, total, unit)
	}
	return b
}

func (b *Bar) failText() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failed == 0 {
		return "0 failed"
	}
	return fmt.Sprintf("%d FAILED", b.failed)
}

// Add records n units done, failed of them failed.
func (b *Bar) Add(n, failed int) {
	b.mu.Lock()
	b.done += int64(n)
	b.failed += int64(failed)
	// A tenth of slack, so updates that come on a ticker of the same
	// period each print their line.
	line := !b.d.tty && time.Since(b.last) >= b.d.lineEvery*9/10
	if line {
		b.last = time.Now()
	}
	done, fails, status := b.done, b.failed, b.status
	b.mu.Unlock()
	if b.bar != nil {
		b.bar.IncrBy(n)
		return
	}
	if line {
		if status != "" {
			status = ", " + status
		}
		of := fmt.Sprintf("/%d", b.total)
		if b.total <= 0 {
			of = ""
		}
		fmt.Fprintf(b.d.w, "%s: %d%s %s, %d failed%s\n", b.name, done, of, b.unit, fails, status)
	}
}

// Done completes the bar and prints its last line.
func (b *Bar) Done() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	done, fails := b.done, b.failed
	b.mu.Unlock()
	if b.bar != nil {
		b.bar.SetTotal(max(done, 1), true)
		return
	}
	fmt.Fprintf(b.d.w, "%s: done, %d %s, %d failed, %s\n", b.name, done, b.unit, fails, time.Since(b.start).Round(time.Millisecond))
}

// Wait waits for the bars to finish drawing. Call it after every bar's Done.
func (d *Display) Wait() {
	if d.p != nil {
		d.p.Wait()
	}
}
