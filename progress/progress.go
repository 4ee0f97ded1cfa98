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
)

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
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
}

// Bar starts a bar named name counting total units (scenarios,
// iterations, seconds). total may be 0 when unknown.
func (d *Display) Bar(name, unit string, total int) *Bar {
	b := &Bar{d: d, name: name, unit: unit, total: int64(total), start: time.Now()}
	if d.tty {
		b.bar = d.p.AddBar(int64(max(total, 1)),
			mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d "+unit, decor.WCSyncSpace)),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return b.failText() }, decor.WCSyncSpace),
				decor.Elapsed(decor.ET_STYLE_GO, decor.WCSyncSpace)),
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
	line := !b.d.tty && time.Since(b.last) >= b.d.lineEvery
	if line {
		b.last = time.Now()
	}
	done, fails := b.done, b.failed
	b.mu.Unlock()
	if b.bar != nil {
		b.bar.IncrBy(n)
		return
	}
	if line {
		fmt.Fprintf(b.d.w, "%s: %d/%d %s, %d failed\n", b.name, done, b.total, b.unit, fails)
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
