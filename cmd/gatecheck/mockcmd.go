package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
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
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := mock.Config{APIKey: *apiKey, SecretKey: *secretKey, Seed: *seed, StrictSignature: *strict}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	base, shutdown, err := serveMock(ctx, *addr, cfg)
	if err != nil {
		return err
	}
	// The base URL alone on stdout, so scripts can read it; the rest on stderr.
	fmt.Fprintln(stdout, base)
	fmt.Fprintf(stderr, "gatecheck mock: listening on %s; Ctrl-C stops it\n", base)
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "gatecheck mock: stopped")
	return nil
}
