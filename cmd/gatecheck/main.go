// Command gatecheck is the conformance, load-testing and sign-off harness
// for Craftgate payment integrations.
//
//	gatecheck signoff   conformance + load + the sign-off report (embedded mock by default)
//	gatecheck conform   run the Gherkin conformance suite
//	gatecheck load      run the scenarios as a bounded load test
//	gatecheck report    compare two sign-off reports (report diff OLD NEW)
//	gatecheck mock      serve the mock provider
//	gatecheck api       send one signed request by hand
//	gatecheck webhooks  listen as the merchant: verify and print callbacks and webhooks
//	gatecheck probe     send a merchant's endpoints forged and valid callbacks and webhooks
//	gatecheck cards     list the sandbox test-card catalogue
//	gatecheck version   print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// exitError carries a process exit code through the command functions.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"mock", "serve the mock Craftgate provider", runMock},
		{"conform", "run the conformance suite against the embedded mock or a target", runConform},
		{"signoff", "conformance + load against a target, then the sign-off report (embedded mock by default)", runSignoff},
		{"report", "compare two sign-off reports: report diff OLD NEW", runReport},
		{"load", "run the scenarios as a bounded load test (embedded mock by default)", runLoad},
		{"api", "send one signed request (curl with Craftgate's signature) and print the answer", runAPI},
		{"cards", "list the sandbox test-card catalogue", runCards},
		{"webhooks", "listen: receive webhooks and callbacks as the merchant", runWebhooks},
		{"probe", "probe a merchant's callback and webhook endpoints with forged calls", runProbe},
		{"version", "print the gatecheck version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs one command and returns the process exit status: 0 success,
// 1 a test, threshold or verdict failure, 2 a usage or environment error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help":
		usage(stdout)
		return 0
	case "--version", "-version":
		args = []string{"version"}
	case "help":
		// gatecheck help CMD is gatecheck CMD -h.
		if len(args) == 1 {
			usage(stdout)
			return 0
		}
		args = []string{args[1], "-h"}
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ee exitError
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ee):
			return ee.code
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "gatecheck %s: %v\n", c.name, err)
			return 2
		default:
			fmt.Fprintf(stderr, "gatecheck %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "gatecheck: unknown command %q%s; see 'gatecheck help'\n", args[0], suggestCommand(args[0]))
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "gatecheck: conformance and load testing for Craftgate payment integrations")
	fmt.Fprintln(w, "\nUsage: gatecheck <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'gatecheck help <command>' for a command's flags. 'gatecheck --version' prints the version.")
	fmt.Fprintln(w, "Exit status: 0 success; 1 a test, threshold or verdict failure; 2 a usage or environment error.")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gatecheck "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// version describes the build: module version and VCS revision.
func version() string {
	v, commit := buildInfo()
	if len(commit) > 12 {
		dirty := strings.HasSuffix(commit, "+dirty")
		commit = commit[:12]
		if dirty {
			commit += "+dirty"
		}
	}
	if commit != "" {
		v += " (" + commit + ")"
	}
	return v
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	fmt.Fprintln(stdout, "gatecheck", version())
	return nil
}
