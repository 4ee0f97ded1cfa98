package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/probe"
)

const probeUsage = `Usage: gatecheck probe --callback-url URL --callback-key KEY --webhook-url URL --webhook-key KEY [flags]

Act as the provider towards YOUR merchant: send its 3DS callback URL and its
webhook URL genuine, forged, replayed and malformed calls, and report how each
was answered. Either URL may be left out. Use a test or staging merchant: the
valid calls are genuinely signed with your keys.

3DS callbacks (form POST):  v1-valid, v2-valid (hashParams), hash-upper-case,
  tampered-status, tampered-payment-id, v2-tampered, v2-hashparams-forgery and
  bnpl-hashparams-forgery (a FAILURE callback's signed values moved into one
  field named alone in hashParams, SUCCESS added), hash-missing, wrong-key,
  repeated-field (parameter pollution), replay (v1-valid again),
  already-returned (status FAILURE, callbackStatus ALREADY_RETURNED)
Webhooks (JSON POST, x-cg-signature-v1):  valid, signature-missing, wrong-key,
  tampered-payload-id, tampered-status, replay (identical), old-timestamp,
  unknown-event-type, malformed-json

Expected: genuine calls 2xx (a callback may redirect); forged and malformed
calls 4xx. A forged call answered 2xx is a FAIL. What a status cannot settle
(a valid call refused, a redirect, a 5xx) is a WARN with a note. Replays can
only be judged by their status: check yourself that nothing was fulfilled twice.

Exit status: 0 no FAIL and no ERROR; 1 a forged call was accepted, or a case
got no answer; 2 invalid invocation. Keys are never printed.

Flags:
`

func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("probe", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), probeUsage)
		fs.PrintDefaults()
	}
	var cfg probe.Config
	fs.StringVar(&cfg.CallbackURL, "callback-url", "", "the merchant's 3DS callbackUrl")
	fs.StringVar(&cfg.WebhookURL, "webhook-url", "", "the merchant's webhook URL")
	fs.StringVar(&cfg.CallbackKey, "callback-key", "", "merchant callback key (env CRAFTGATE_CALLBACK_KEY; never printed)")
	fs.StringVar(&cfg.WebhookKey, "webhook-key", "", "merchant webhook key (env CRAFTGATE_WEBHOOK_KEY; never printed)")
	fs.StringVar(&cfg.PaymentID, "payment-id", "", "paymentId of the valid callback and webhook, e.g. a real test order's (default: random 9 digits; other cases use the following ids)")
	fs.StringVar(&cfg.ConversationID, "conversation-id", "", "conversationId of the callbacks (default: a random UUID)")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "timeout of each request")
	asJSON := fs.Bool("json", false, "print the report as JSON instead of a table")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	if cfg.Timeout <= 0 {
		return usagef("--timeout %s: want more than 0", cfg.Timeout)
	}
	// Keys from the environment are read after parsing, so -h never shows
	// them as flag defaults.
	cfg.CallbackKey = orEnv(cfg.CallbackKey, "CRAFTGATE_CALLBACK_KEY")
	cfg.WebhookKey = orEnv(cfg.WebhookKey, "CRAFTGATE_WEBHOOK_KEY")
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gatecheck probe: unexpected arguments %q\n", fs.Args())
		return exitError{code: 2}
	}
	if cfg.CallbackURL == "" && cfg.WebhookURL == "" {
		fmt.Fprintln(stderr, "gatecheck probe: --callback-url, --webhook-url or both are required (see -h)")
		return exitError{code: 2}
	}
	rep, err := probe.Run(ctx, cfg)
	if err != nil {
		if rep == nil { // invalid configuration
			fmt.Fprintf(stderr, "gatecheck probe: %v\n", err)
			return exitError{code: 2}
		}
		return err // interrupted
	}
	out := craftgate.NewMaskingWriter(stdout)
	if *asJSON {
		err = rep.WriteJSON(out)
	} else {
		err = rep.WriteTable(out)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return exitError{code: 1}
	}
	return nil
}
