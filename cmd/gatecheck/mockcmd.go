package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"time"

	"github.com/gatecheck/gatecheck/mock"
)

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mock", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	apiKey := fs.String("api-key", defaultMockAPIKey, "the merchant API key the mock accepts")
	secretKey := fs.String("secret-key", defaultMockSecretKey, "the merchant secret key (never printed)")
	seed := fs.Int64("seed", 1, "seed for deterministic ids and bank references")
	strict := fs.Bool("strict-signature", false, "accept only signatures over the percent-decoded URL")
	verbose := fs.Bool("v", false, "log every request (card numbers masked, keys never logged)")
	publicURL := fs.String("public-url", "", "base URL browsers reach the mock at, for redirectUrl and pageUrl (default: the Host of each request)")
	callbackKey := fs.String("callback-key", mock.DefaultCallbackKey, "merchant callback key that hashes the 3-D Secure callbacks (never printed)")
	webhookURL := fs.String("webhook-url", "", "merchant webhook URL; empty sends no webhooks")
	webhookKey := fs.String("webhook-key", mock.DefaultWebhookKey, "merchant webhook key that signs the webhooks (never printed)")
	timeScale := fs.Float64("time-scale", 1, "multiplies every webhook delay (0.001 turns the 30 s initial delay into 30 ms; 0 delivers at once)")
	mode := fs.String("threeds-mode", mock.ThreeDSModeFull, "merchant 3-D Secure mode: FULL_THREEDS (mdStatus 1) or HALF_THREEDS (mdStatus 1-4)")
	model := fs.String("threeds-model", mock.ThreeDSModel3D, "3-D Secure POS model: 3D (verify, then 3ds-complete) or 3D_PAY (paid at verification)")
	duplicate := fs.Bool("webhook-duplicate", false, "send every webhook attempt twice")
	outOfOrder := fs.Bool("webhook-out-of-order", false, "hold back the first webhook of each payment, so later ones arrive first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *timeScale < 0 {
		return fmt.Errorf("--time-scale must not be negative, got %v", *timeScale)
	}
	cfg := mock.Config{APIKey: *apiKey, SecretKey: *secretKey, Seed: *seed, StrictSignature: *strict,
		CallbackKey: *callbackKey, PublicURL: *publicURL,
		Settings: mock.Settings{ThreeDSMode: *mode, ThreeDSModel: *model, WebhookURL: *webhookURL, WebhookKey: *webhookKey,
			TimeScale: *timeScale, WebhookDuplicate: *duplicate, WebhookOutOfOrder: *outOfOrder}}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	base, m, shutdown, err := serveMock(ctx, *addr, cfg)
	if err != nil {
		return err
	}
	if *timeScale == 0 {
		// In Config a zero TimeScale means the default (1); the flag means
		// it literally.
		if err := m.UpdateSettings(func(s *mock.Settings) { s.TimeScale = 0 }); err != nil {
			return err
		}
	}
	// The base URL alone on stdout, so scripts can read it; the rest on stderr.
	fmt.Fprintln(stdout, base)
	fmt.Fprintf(stderr, "gatecheck mock: listening on %s; Ctrl-C stops it\n", base)
	s := m.Settings()
	fmt.Fprintf(stderr, "gatecheck mock: 3-D Secure %s, model %s\n", s.ThreeDSMode, s.ThreeDSModel)
	if s.WebhookURL != "" {
		fmt.Fprintf(stderr, "gatecheck mock: webhooks to %s (time scale %v, duplicate %v, out of order %v)\n",
			redactURL(s.WebhookURL), s.TimeScale, s.WebhookDuplicate, s.WebhookOutOfOrder)
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "gatecheck mock: stopped")
	return nil
}

// redactURL hides the password of a URL's user info.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}
