package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
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
	trustProxy := fs.Bool("trust-proxy", false, "honour X-Forwarded-Proto (the mock runs behind a proxy that sets it), in the Craftgate and the RBS mock; otherwise any client could choose the scheme signatures and page URLs use")
	callbackKey := fs.String("callback-key", mock.DefaultCallbackKey, "merchant callback key that hashes the 3-D Secure callbacks (never printed)")
	webhookURL := fs.String("webhook-url", "", "merchant webhook URL; empty sends no webhooks")
	webhookKey := fs.String("webhook-key", mock.DefaultWebhookKey, "merchant webhook key that signs the webhooks (never printed)")
	timeScale := fs.Float64("time-scale", 1, "multiplies every webhook delay (0.001 turns the 30 s initial delay into 30 ms; 0 delivers at once)")
	mode := fs.String("threeds-mode", mock.ThreeDSModeFull, "merchant 3-D Secure mode: FULL_THREEDS (mdStatus 1) or HALF_THREEDS (mdStatus 1-4)")
	model := fs.String("threeds-model", mock.ThreeDSModel3D, "3-D Secure POS model: 3D (verify, then 3ds-complete) or 3D_PAY (paid at verification)")
	duplicate := fs.Bool("webhook-duplicate", false, "send every webhook attempt twice")
	outOfOrder := fs.Bool("webhook-out-of-order", false, "hold back the first webhook of each payment, so later ones arrive first")
	fixtures := fs.Bool("fixtures", false, "seed sandbox-like fixtures (a member with a wallet, a pay-by-link product, fraud value lists, the SDK samples' BINs); their ids are printed and listed by GET /_mock/v1/fixtures")
	var rel reliabilityFlags
	rel.register(fs)
	// --rbs-json-codes: the JSON type of the RBS mock's errorCode and
	// actionCode (README, "JSON types").
	rbsCodes := fs.String("rbs-json-codes", "", "RBS mock: answer every errorCode and actionCode as a number or a string (default: as each method's documented example)")
	if err := parseArgs(fs, args); err != nil {
		return err
	}
	codes, err := rbsmock.ParseJSONCodes(*rbsCodes)
	if err != nil {
		return usageError{err}
	}
	if *timeScale < 0 {
		return usagef("--time-scale must not be negative, got %v", *timeScale)
	}
	cfg := mock.Config{APIKey: *apiKey, SecretKey: *secretKey, Seed: *seed, StrictSignature: *strict,
		CallbackKey: *callbackKey, PublicURL: *publicURL, TrustProxy: *trustProxy,
		Settings: mock.Settings{ThreeDSMode: *mode, ThreeDSModel: *model, WebhookURL: *webhookURL, WebhookKey: *webhookKey,
			TimeScale: *timeScale, WebhookDuplicate: *duplicate, WebhookOutOfOrder: *outOfOrder}}
	if err := rel.apply(&cfg); err != nil {
		return usageError{err}
	}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	base, m, shutdown, err := serveMock(ctx, *addr, cfg, func(c *rbsmock.Config) { c.JSONCodes = codes })
	if err != nil {
		// A setting the mock refuses, or an address it cannot listen on.
		return usageError{withoutMockPrefix(err)}
	}
	if *timeScale == 0 {
		// In Config a zero TimeScale means the default (1); the flag means
		// it literally.
		if err := m.UpdateSettings(func(s *mock.Settings) { s.TimeScale = 0 }); err != nil {
			return err
		}
	}
	// Seeded before the base URL is printed: a script that reads it finds
	// the fixtures in place.
	var fx *mock.Fixtures
	if *fixtures {
		if fx, err = m.SeedFixtures(); err != nil {
			_ = shutdown(context.Background())
			return err
		}
	}
	// The description on stderr first, then the base URL alone on stdout,
	// so that a script (or a test) that has read the URL finds the
	// description complete.
	fmt.Fprintf(stderr, "gatecheck mock: listening on %s; Ctrl-C stops it\n", base)
	fmt.Fprintf(stderr, "gatecheck mock: Alfa-Bank RBS gateway at %s/rbs/payment/rest (router %s/rbs/v1), user %q\n", base, base, rbsmock.DefaultUserName)
	rel.describe(stderr, m)
	if fx != nil {
		fmt.Fprintf(stderr, "gatecheck mock: fixtures: buyer member %d (wallet %d, 1000 TRY), sub-merchant member %d, product %d (token %s), value lists %s, %d BINs; GET /_mock/v1/fixtures lists them\n",
			fx.BuyerMemberID, fx.BuyerWalletID, fx.SubMerchantMemberID, fx.ProductID, fx.ProductToken, strings.Join(fx.FraudValueLists, ", "), len(fx.Bins))
	}
	s := m.Settings()
	fmt.Fprintf(stderr, "gatecheck mock: 3-D Secure %s, model %s\n", s.ThreeDSMode, s.ThreeDSModel)
	if s.WebhookURL != "" {
		fmt.Fprintf(stderr, "gatecheck mock: webhooks to %s (time scale %v, duplicate %v, out of order %v)\n",
			redactURL(s.WebhookURL), s.TimeScale, s.WebhookDuplicate, s.WebhookOutOfOrder)
	}
	fmt.Fprintln(stdout, base)
	return serveUntilDone(ctx, stderr, "mock", shutdown)
}

// redactURL hides the password of a URL's user info.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// reliabilityFlags are the mock's fault injection, overload and
// persistence flags (mock/faults.go, mock/store.go, mock/state.go).
type reliabilityFlags struct {
	faultsFile    string
	faultSeed     int64
	latency       string
	errorRate     float64
	rateLimitRate float64
	timeoutRate   float64
	resetRate     float64
	slowBodyRate  float64
	maxConcurrent int
	capacity      int
	stateFile     string
	snapshotEvery time.Duration
	stateSync     string
	bodyTimeout   time.Duration
	cardCapacity  int
	textBudget    int64
}

func (r *reliabilityFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.faultsFile, "faults", "", "JSON fault configuration file (rules, bank outages); see the README; changeable at run time via /_mock/v1/faults")
	fs.Int64Var(&r.faultSeed, "fault-seed", 0, "seed of the fault and latency draws (default: --seed)")
	fs.StringVar(&r.latency, "latency", "", "latency of every call: fixed:20ms, uniform:10ms-50ms or lognormal:20ms,0.5[,2s] (median, sigma, cap)")
	fs.Float64Var(&r.errorRate, "error-rate", 0, "probability of an HTTP 503 in the error envelope, before processing (every call)")
	fs.Float64Var(&r.rateLimitRate, "rate-limit-rate", 0, "probability of an HTTP 429 TOO_MANY_REQUESTS with Retry-After: 1 (every call)")
	fs.Float64Var(&r.timeoutRate, "timeout-rate", 0, "probability that a call is held 30 s (or until the client gives up), then answered 504")
	fs.Float64Var(&r.resetRate, "reset-rate", 0, "probability that a call's connection is reset without an answer")
	fs.Float64Var(&r.slowBodyRate, "slow-body-rate", 0, "probability that an answer trickles out 16 bytes every 100 ms")
	fs.IntVar(&r.maxConcurrent, "max-concurrency", 0, "requests in flight beyond which the mock answers 503 at once (0: no limit)")
	fs.IntVar(&r.capacity, "store-capacity", mock.DefaultStoreCapacity, "payments the store keeps; the oldest are evicted beyond it (-1: no bound)")
	fs.StringVar(&r.stateFile, "state-file", "", "file the mock's state is restored from at start and saved to periodically and at shutdown")
	fs.DurationVar(&r.snapshotEvery, "snapshot-interval", mock.DefaultSnapshotInterval, "period of the state file's snapshots with --state-sync periodic (0: only at shutdown)")
	fs.DurationVar(&r.bodyTimeout, "body-read-timeout", mock.DefaultBodyReadTimeout, "time a client has to send a request's body; then 408 and the connection is closed")
	fs.IntVar(&r.cardCapacity, "stored-card-capacity", mock.DefaultStoredCardCapacity, "stored cards (and card users) the vault keeps; beyond it 507")
	fs.Int64Var(&r.textBudget, "store-text-budget", mock.DefaultStoreTextBudget, "bytes of stored payments' strings; beyond it the oldest payments are evicted (-1: no bound)")
	fs.StringVar(&r.stateSync, "state-sync", mock.StateSyncEveryWrite, "how --state-file keeps acknowledged writes: every-write (answered once on disk, group commit; a crash loses none) or periodic (a snapshot every --snapshot-interval; a crash loses up to one interval)")
}

// apply sets the flags' configuration on cfg.
func (r *reliabilityFlags) apply(cfg *mock.Config) error {
	for name, v := range map[string]float64{"--error-rate": r.errorRate, "--rate-limit-rate": r.rateLimitRate,
		"--timeout-rate": r.timeoutRate, "--reset-rate": r.resetRate, "--slow-body-rate": r.slowBodyRate} {
		if v < 0 || v > 1 || v != v {
			return fmt.Errorf("%s must be a probability from 0 to 1, got %v", name, v)
		}
	}
	if r.maxConcurrent < 0 {
		return fmt.Errorf("--max-concurrency must not be negative, got %d", r.maxConcurrent)
	}
	if r.capacity == 0 || r.capacity < -1 {
		return fmt.Errorf("--store-capacity must be positive, or -1 for no bound; got %d", r.capacity)
	}
	if r.snapshotEvery < 0 {
		return fmt.Errorf("--snapshot-interval must not be negative, got %s", r.snapshotEvery)
	}
	if r.bodyTimeout <= 0 {
		return fmt.Errorf("--body-read-timeout must be positive, got %s", r.bodyTimeout)
	}
	if r.cardCapacity <= 0 {
		return fmt.Errorf("--stored-card-capacity must be positive, got %d", r.cardCapacity)
	}
	if r.textBudget == 0 || r.textBudget < -1 {
		return fmt.Errorf("--store-text-budget must be positive, or -1 for no bound; got %d", r.textBudget)
	}
	var faults mock.FaultConfig
	if r.faultsFile != "" {
		b, err := os.ReadFile(r.faultsFile)
		if err != nil {
			return fmt.Errorf("--faults: %w", err)
		}
		if faults, err = mock.ParseFaults(b); err != nil {
			return fmt.Errorf("--faults %s: %w", r.faultsFile, err)
		}
	}
	if r.faultSeed != 0 {
		faults.Seed = &r.faultSeed
	}
	if r.latency != "" {
		l, err := parseLatencyFlag(r.latency)
		if err != nil {
			return fmt.Errorf("--latency: %w", err)
		}
		faults.Rules = append(faults.Rules, mock.FaultRule{Operation: "*", Latency: l})
	}
	for _, f := range []struct {
		rate float64
		kind string
	}{{r.errorRate, mock.FaultError}, {r.rateLimitRate, mock.FaultRateLimit}, {r.timeoutRate, mock.FaultTimeout},
		{r.resetRate, mock.FaultReset}, {r.slowBodyRate, mock.FaultSlowBody}} {
		if f.rate > 0 {
			faults.Rules = append(faults.Rules, mock.FaultRule{Operation: "*", Fault: f.kind, Rate: f.rate})
		}
	}
	cfg.Faults = faults
	cfg.MaxConcurrent = r.maxConcurrent
	cfg.StoreCapacity = r.capacity
	cfg.StateFile = r.stateFile
	cfg.StateSync = r.stateSync
	cfg.BodyReadTimeout, cfg.StoredCardCapacity, cfg.StoreTextBudget = r.bodyTimeout, r.cardCapacity, r.textBudget
	cfg.SnapshotInterval = r.snapshotEvery
	if r.snapshotEvery == 0 {
		cfg.SnapshotInterval = -1 // Config's 0 means the default
	}
	return nil
}

// parseLatencyFlag reads fixed:D, uniform:D-D or lognormal:D,SIGMA[,D].
func parseLatencyFlag(v string) (*mock.Latency, error) {
	dist, args, ok := strings.Cut(v, ":")
	if !ok {
		return nil, errors.New("want fixed:20ms, uniform:10ms-50ms or lognormal:20ms,0.5[,2s]")
	}
	switch dist {
	case mock.LatencyFixed:
		return &mock.Latency{Dist: dist, Value: args}, nil
	case mock.LatencyUniform:
		lo, hi, ok := strings.Cut(args, "-")
		if !ok {
			return nil, errors.New("want uniform:MIN-MAX, e.g. uniform:10ms-50ms")
		}
		return &mock.Latency{Dist: dist, Min: lo, Max: hi}, nil
	case mock.LatencyLognormal:
		parts := strings.Split(args, ",")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, errors.New("want lognormal:MEDIAN,SIGMA[,MAX], e.g. lognormal:20ms,0.5,2s")
		}
		var sigma float64
		if _, err := fmt.Sscanf(parts[1], "%g", &sigma); err != nil {
			return nil, fmt.Errorf("sigma %q: %w", parts[1], err)
		}
		l := &mock.Latency{Dist: dist, Median: parts[0], Sigma: sigma}
		if len(parts) == 3 {
			l.Max = parts[2]
		}
		return l, nil
	}
	return nil, fmt.Errorf("unknown distribution %q: want fixed, uniform or lognormal", dist)
}

// describe tells what is configured, on stderr.
func (r *reliabilityFlags) describe(w io.Writer, m *mock.Mock) {
	if f := m.Faults(); len(f.Rules) > 0 || len(f.Outages) > 0 {
		fmt.Fprintf(w, "gatecheck mock: %d fault rules, %d bank outages (GET /_mock/v1/faults)\n", len(f.Rules), len(f.Outages))
	}
	if r.maxConcurrent > 0 {
		fmt.Fprintf(w, "gatecheck mock: at most %d requests in flight, then 503\n", r.maxConcurrent)
	}
	st := m.Stats()
	if r.stateFile != "" {
		fmt.Fprintf(w, "gatecheck mock: state file %s (%d payments restored)\n", r.stateFile, st.Payments)
		fmt.Fprintf(w, "gatecheck mock: %s\n", m.DurabilityNote())
	}
	if st.Capacity > 0 {
		fmt.Fprintf(w, "gatecheck mock: store capacity %d payments\n", st.Capacity)
	}
}

// withoutMockPrefix drops mock.New's "mock: " from err's message: the
// command prints its own "gatecheck mock: " before it.
func withoutMockPrefix(err error) error {
	msg, ok := strings.CutPrefix(err.Error(), "mock: ")
	if !ok {
		return err
	}
	return &prefixedError{msg: msg, err: err}
}

// prefixedError is an error with another message, still unwrapping to the
// original.
type prefixedError struct {
	msg string
	err error
}

func (e *prefixedError) Error() string { return e.msg }
func (e *prefixedError) Unwrap() error { return e.err }
