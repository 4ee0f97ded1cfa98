// Package browsertest drives a real headless Chromium for gatecheck's page
// tests (the mock's ACS and checkout pages, the sign-off report): one
// browser setup, console-error capture and screenshots for every test.
//
// Without /usr/bin/chromium a test skips, unless the environment variable
// CI is set (CI installs Chromium), in which case it fails.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian installs Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Timeout bounds each browser test as a whole.
const Timeout = 90 * time.Second

// Console collects what the pages write to the console and the browser
// log.
type Console struct {
	mu   sync.Mutex
	errs []string
}

// Errors returns the console errors, exceptions and error log entries so far.
func (c *Console) Errors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.errs...)
}

// Start starts a headless Chromium with its own profile and
// returns a tab context, bounded by Timeout, and its console log.
func Start(t testing.TB) (context.Context, *Console) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: %v", ChromiumPath, err)
		}
		t.Skipf("%s is not installed: %v", ChromiumPath, err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 1000),
	}
	// The allocator and browser live for the whole test; the deadline
	// bounds everything, the browser start included.
	deadline, cancelDeadline := context.WithTimeout(context.Background(), Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelDeadline()
	})
	cl := &Console{}
	if err := chromedp.Listen(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				msg = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
			}
		case *runtime.EventExceptionThrown:
			msg = "exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				msg = "log " + string(ev.Entry.Source) + ": " + ev.Entry.Text + " " + ev.Entry.URL
			}
		}
		if msg != "" {
			cl.mu.Lock()
			cl.errs = append(cl.errs, msg)
			cl.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return ctx, cl
}

// Screenshot saves the current page as a PNG (quality 100 means PNG) in
// the test's temp dir.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	// GATECHECK_SCREENSHOTS keeps a copy for people to look at.
	if dir := os.Getenv("GATECHECK_SCREENSHOTS"); dir != "" {
		keep := filepath.Join(dir, strings.NewReplacer("/", "_", "=", "_").Replace(t.Name())+"_"+name)
		if err := os.WriteFile(keep, png, 0o600); err != nil {
			t.Errorf("keep screenshot: %v", err)
		}
	}
	t.Logf("screenshot %s (%d bytes)", path, len(png))
}

// Text returns the trimmed text of the element with that id.
func Text(t testing.TB, ctx context.Context, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("text of #%s: %v", id, err)
	}
	return strings.TrimSpace(s)
}
