package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

const webhooksUsage = `Usage: gatecheck webhooks listen [flags]

Serve gatecheck's merchant receiver, like 'stripe listen': point Craftgate's
(or a mock's) webhook URL and your 3DS callbackUrl at it and watch what arrives.

  POST <url>/webhook   webhooks, x-cg-signature-v1 verified; duplicates answered 200, processed once
  POST <url>/callback  3DS callbacks, hash verified (v1 and v2/hashParams)
  POST <url>/checkout  checkout-form callbacks (token only: unsigned by design)

The base URL is printed alone on the first stdout line, then one line per
delivery or callback. Card numbers are masked; keys are never printed.
Ctrl-C stops it.

Flags:
`

func runWebhooks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, webhooksUsage)
		fmt.Fprintln(stderr, "  (run 'gatecheck webhooks listen -h')")
		return exitError{code: 2}
	}
	switch args[0] {
	case "listen":
		return runWebhooksListen(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stderr, webhooksUsage)
		fmt.Fprintln(stderr, "  (run 'gatecheck webhooks listen -h')")
		return flag.ErrHelp
	}
	return usagef("unknown subcommand %q (want: listen)", args[0])
}

func runWebhooksListen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("webhooks listen", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), webhooksUsage)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:9090", "listen address")
	webhookKey := fs.String("webhook-key", "", "merchant webhook key (env CRAFTGATE_WEBHOOK_KEY; never printed)")
	callbackKey := fs.String("callback-key", "", "merchant callback key (env CRAFTGATE_CALLBACK_KEY; never printed); without it 3DS callbacks are refused")
	verbose := fs.Bool("v", false, "also log every request to stderr (masked)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	// Keys from the environment are read after parsing, so -h never shows
	// them as flag defaults.
	*webhookKey = orEnv(*webhookKey, "CRAFTGATE_WEBHOOK_KEY")
	*callbackKey = orEnv(*callbackKey, "CRAFTGATE_CALLBACK_KEY")
	if *webhookKey == "" {
		return usagef("--webhook-key (or CRAFTGATE_WEBHOOK_KEY) is required")
	}

	out := craftgate.NewMaskingWriter(stdout)
	defer out.Flush()
	p := &listenPrinter{w: out}
	cfg := merchant.Config{
		CallbackKey: *callbackKey, WebhookKey: *webhookKey,
		OnCallback: p.callback, OnDelivery: p.delivery,
	}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(craftgate.NewMaskingWriter(stderr), nil))
	}
	base, shutdown, err := serveHandler(ctx, *addr, merchant.NewReceiver(cfg))
	if err != nil {
		return err
	}
	p.line(base)
	fmt.Fprintf(stderr, "gatecheck webhooks: listening on %s: webhooks to %s, 3DS callbacks to %s, checkout callbacks to %s; Ctrl-C stops it\n",
		base, base+merchant.PathWebhook, base+merchant.PathCallback, base+merchant.PathCheckout)
	if *callbackKey == "" {
		fmt.Fprintln(stderr, "gatecheck webhooks: no --callback-key: every 3DS callback will be refused")
	}
	return serveUntilDone(ctx, stderr, "webhooks", shutdown)
}

// orEnv returns v, or the environment variable env when v is empty.
func orEnv(v, env string) string {
	if v == "" {
		return os.Getenv(env)
	}
	return v
}

// serveHandler serves h on addr and returns its base URL and a graceful
// shutdown function.
func serveHandler(ctx context.Context, addr string, h http.Handler) (string, func(context.Context) error, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), srv.Shutdown, nil
}

// serveUntilDone waits for ctx to end, then shuts the server of the
// command name down gracefully, within 10 s, and says so on stderr.
func serveUntilDone(ctx context.Context, stderr io.Writer, name string, shutdown func(context.Context) error) error {
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintf(stderr, "gatecheck %s: stopped\n", name)
	return nil
}

// listenPrinter prints one line per callback and delivery. Lines are
// written whole, one Write each, so concurrent requests never interleave.
type listenPrinter struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *listenPrinter) line(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = io.WriteString(p.w, s+"\n")
}

// delivery prints a webhook delivery:
//
//	2026-03-04 12:10:11  webhook   API_AUTH  payloadId=271591 status=SUCCESS signature=ok [200]
func (p *listenPrinter) delivery(d merchant.Delivery) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  webhook   %s  payloadId=%s status=%s", d.At.Format(time.DateTime),
		field(d.Event.EventType), field(d.Event.PayloadID), field(d.Event.Status))
	writeVerdict(&b, "signature", d.Verified, d.Err)
	if d.Duplicate {
		b.WriteString(" duplicate")
	}
	if d.Verified && d.Err != "" {
		b.WriteString(" (" + d.Err + ")")
	}
	fmt.Fprintf(&b, " [%d]", d.HTTPStatus)
	p.line(b.String())
}

// writeVerdict writes " name=ok" for a verified record, else " name=BAD"
// with the record's error, if any, in parentheses.
func writeVerdict(b *strings.Builder, name string, verified bool, err string) {
	switch {
	case verified:
		b.WriteString(" " + name + "=ok")
	case err != "":
		b.WriteString(" " + name + "=BAD (" + err + ")")
	default:
		b.WriteString(" " + name + "=BAD")
	}
}

// callback prints a callback:
//
//	2026-03-04 12:10:11  callback  3ds  paymentId=271591 conversationId=456d1297-... status=SUCCESS completeStatus=WAITING callbackStatus=- hash=ok [200]
//	2026-03-04 12:10:12  callback  checkout  token=14755c78-... [200]
func (p *listenPrinter) callback(c merchant.Callback) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  callback  %s", c.At.Format(time.DateTime), c.Kind)
	f := c.Form
	if c.Kind == merchant.KindCheckout {
		fmt.Fprintf(&b, "  token=%s", field(f.Get("token")))
		if c.Err != "" {
			b.WriteString(" rejected (" + c.Err + ")")
		}
	} else {
		// A failed callback may carry no paymentId: the conversationId
		// is what ties it to the merchant's order.
		fmt.Fprintf(&b, "  paymentId=%s conversationId=%s status=%s completeStatus=%s callbackStatus=%s", field(f.Get("paymentId")),
			field(f.Get("conversationId")), field(f.Get("status")), field(f.Get("completeStatus")), field(f.Get("callbackStatus")))
		if f.Get("hashParams") != "" {
			fmt.Fprintf(&b, " mdStatus=%s v2", field(f.Get("mdStatus")))
		}
		writeVerdict(&b, "hash", c.Verified, c.Err)
	}
	fmt.Fprintf(&b, " [%d]", c.HTTPStatus)
	p.line(b.String())
}

// maxField bounds a printed value taken from a request.
const maxField = 64

// field renders an untrusted value on one line: "-" when empty, quoted
// when it holds spaces, quotes or control characters, truncated.
func field(s string) string {
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > maxField {
		s = string(r[:maxField-1]) + "…"
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '"' || r == 0x7f || r == '=' }) {
		return strconv.Quote(s)
	}
	return s
}
