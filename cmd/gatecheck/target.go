package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

// Default merchant credentials of the embedded mock. They are not secrets:
// they only open the mock, and the README documents them.
const (
	defaultMockAPIKey    = "gatecheck-api-key"
	defaultMockSecretKey = "gatecheck-secret-key"
)

// targetFlags selects what a run talks to: the embedded mock (default), the
// Craftgate sandbox, or any base URL (a mock started elsewhere).
type targetFlags struct {
	target    string
	baseURL   string
	apiKey    string
	secretKey string
	seed      int64
	// callbackKey and webhookKey are the merchant's keys: the target
	// hashes 3-D Secure callbacks and signs webhooks with them. The
	// embedded mock is started with them (its defaults when empty).
	callbackKey string
	webhookKey  string
	// noonClock starts the embedded mock's clock at noon, Istanbul time,
	// of today (and lets it run), so a conformance run never crosses the
	// bank's end of day between a payment and its same-day cancel.
	noonClock bool
	// moveClock lets @clock scenarios move the clock of a mock gatecheck
	// did not start (--target URL).
	moveClock bool
	// rbs is the Alfa-Bank RBS side, for the commands that run @rbs
	// scenarios (registerRBS).
	rbs rbsFlags
}

// registerRBS adds the --rbs-* flags (rbstarget.go).
func (t *targetFlags) registerRBS(fs *flag.FlagSet) { t.rbs.register(fs) }

func (t *targetFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&t.target, "target", "mock", "mock (embedded, on a free loopback port), sandbox, or a base URL")
	fs.StringVar(&t.baseURL, "base-url", "", "base URL of the target (same as --target URL)")
	fs.StringVar(&t.apiKey, "api-key", "", "merchant API key (env CRAFTGATE_API_KEY; the embedded mock's default otherwise)")
	fs.StringVar(&t.secretKey, "secret-key", "", "merchant secret key (env CRAFTGATE_SECRET_KEY; never printed)")
	fs.Int64Var(&t.seed, "seed", 1, "seed of the embedded mock's ids")
	fs.BoolVar(&t.moveClock, "move-clock", false,
		"let @clock scenarios move the clock of a mock gatecheck did not start (--target URL): every other client of that mock sees its time jump; without it they are left out")
	fs.StringVar(&t.callbackKey, "callback-key", "",
		"merchant callback key (env CRAFTGATE_CALLBACK_KEY; the embedded mock's default otherwise; never printed)")
	fs.StringVar(&t.webhookKey, "webhook-key", "",
		"merchant webhook key (env CRAFTGATE_WEBHOOK_KEY; the embedded mock's default otherwise; never printed)")
}

// resolved is a target ready to use.
type resolved struct {
	steps.Target
	// Mock is true when the target is gatecheck's mock, so @mock scenarios
	// (clock control, mock-assumed statuses) can run.
	Mock bool
	// Embedded is true for the mock this process started.
	Embedded bool
	Name     string
	// RBS is the Alfa-Bank side: the gateway of the @rbs scenarios.
	RBS   rbsSide
	close func()
	// foreignClock is true for a mock gatecheck did not start, whose
	// clock @clock scenarios must not move without --move-clock.
	foreignClock bool
}

// clockFilter leaves the @clock scenarios out of expr when they would move
// the clock of a mock gatecheck did not start: other clients use it too.
func (r *resolved) clockFilter(expr string, stderr io.Writer) string {
	if !r.foreignClock {
		return expr
	}
	if stderr != nil {
		fmt.Fprintf(stderr, "gatecheck: %s was not started by gatecheck: @clock scenarios left out (--move-clock runs them)\n", r.Name)
	}
	return load.AndFilters(expr, "~@clock")
}

// Close stops an embedded mock, if one was started.
func (r *resolved) Close() {
	if r.close != nil {
		r.close()
	}
}

// resolve turns the flags into a target, starting the embedded mock when
// asked to, and the RBS side (rbstarget.go). Load and conformance runs
// against the production API (and production RBS gateways) are refused.
func (t *targetFlags) resolve(ctx context.Context, stderr io.Writer) (*resolved, error) {
	r, err := t.resolveCraftgate(ctx, stderr)
	if err != nil {
		return nil, err
	}
	side, release, err := t.rbs.resolve(r)
	if err != nil {
		r.Close()
		return nil, err
	}
	r.RBS, r.Target.RBS = side, side.Target
	if stop := r.close; stop != nil {
		r.close = func() { release(); stop() }
	} else {
		r.close = release
	}
	return r, nil
}

// resolveCraftgate is resolve's Craftgate side.
func (t *targetFlags) resolveCraftgate(ctx context.Context, stderr io.Writer) (*resolved, error) {
	// Keys come from the environment after parsing, never as flag
	// defaults: -h would print them.
	t.apiKey = orEnv(t.apiKey, "CRAFTGATE_API_KEY")
	t.secretKey = orEnv(t.secretKey, "CRAFTGATE_SECRET_KEY")
	t.callbackKey = orEnv(t.callbackKey, "CRAFTGATE_CALLBACK_KEY")
	t.webhookKey = orEnv(t.webhookKey, "CRAFTGATE_WEBHOOK_KEY")
	dest := t.target
	if t.baseURL != "" {
		dest = t.baseURL
	}
	switch dest {
	case "", "mock":
		key, secret := orDefault(t.apiKey, defaultMockAPIKey), orDefault(t.secretKey, defaultMockSecretKey)
		callbackKey, webhookKey := orDefault(t.callbackKey, mock.DefaultCallbackKey), orDefault(t.webhookKey, mock.DefaultWebhookKey)
		cfg := mock.Config{APIKey: key, SecretKey: secret, Seed: t.seed, CallbackKey: callbackKey,
			Settings: mock.Settings{WebhookKey: webhookKey}}
		if t.noonClock {
			cfg.Clock = newNoonClock(time.Now())
		}
		base, _, shutdown, err := serveMock(ctx, "127.0.0.1:0", cfg)
		if err != nil {
			return nil, err
		}
		return &resolved{Target: steps.Target{BaseURL: base, APIKey: key, SecretKey: secret, CallbackKey: callbackKey, WebhookKey: webhookKey},
			Mock: true, Embedded: true, Name: "embedded mock " + base,
			close: func() {
				sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = shutdown(sctx)
			}}, nil
	case "sandbox":
		dest = craftgate.SandboxURL
	}
	u, err := url.Parse(dest)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q: want mock, sandbox or an http(s) base URL", dest)
	}
	if isProductionHost(u.Hostname()) {
		return nil, fmt.Errorf("target %s is Craftgate's production API: gatecheck never runs against it", u.Host)
	}
	loopback := isLoopback(u.Hostname())
	if loopback {
		// A gatecheck mock started with its default keys.
		t.apiKey, t.secretKey = orDefault(t.apiKey, defaultMockAPIKey), orDefault(t.secretKey, defaultMockSecretKey)
		t.callbackKey, t.webhookKey = orDefault(t.callbackKey, mock.DefaultCallbackKey), orDefault(t.webhookKey, mock.DefaultWebhookKey)
	}
	if t.apiKey == "" || t.secretKey == "" {
		return nil, errors.New("a target other than a local mock needs --api-key and --secret-key (or CRAFTGATE_API_KEY / CRAFTGATE_SECRET_KEY)")
	}
	// A URL may point at a gatecheck mock started by `gatecheck mock`; the
	// caller decides whether mock-only scenarios run (--tags).
	return &resolved{Target: steps.Target{BaseURL: strings.TrimRight(dest, "/"), APIKey: t.apiKey, SecretKey: t.secretKey,
		CallbackKey: t.callbackKey, WebhookKey: t.webhookKey},
		Mock: loopback, Name: u.Host, foreignClock: loopback && !t.moveClock}, nil
}

func isProductionHost(h string) bool {
	h = strings.ToLower(strings.TrimSuffix(h, "."))
	return h == "api.craftgate.io"
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// serveMock starts a mock provider on addr and returns its base URL, the
// mock, and a graceful shutdown function: the server stops taking requests
// and finishes those in flight (injected delays cut short), then the mock
// closes: its webhook dispatcher stops (pending webhooks are dropped,
// deliveries in flight finish) and, with a state file, the last snapshot
// is written.
func serveMock(ctx context.Context, addr string, cfg mock.Config, rbsOpts ...func(*rbsmock.Config)) (string, *mock.Mock, func(context.Context) error, error) {
	m, err := mock.New(cfg)
	if err != nil {
		return "", nil, nil, err // mock.New's errors start with "mock: "
	}
	// The Alfa-Bank RBS gateway mock shares the port under /rbs/ (bank API
	// /rbs/payment/rest/*.do, router API /rbs/v1/*.do), with its documented
	// default credentials. It takes the Craftgate mock's seed and its trust
	// in X-Forwarded-Proto (--trust-proxy): both sit behind the same proxy,
	// or none.
	rcfg := rbsmock.Config{UserName: rbsmock.DefaultUserName, Password: rbsmock.DefaultPassword,
		CallbackKey: rbsmock.DefaultCallbackKey, Seed: cfg.Seed, TrustProxy: cfg.TrustProxy}
	for _, o := range rbsOpts {
		o(&rcfg)
	}
	rm, err := rbsmock.New(rcfg)
	if err != nil {
		return "", nil, nil, fmt.Errorf("rbs mock: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/rbs/", http.StripPrefix("/rbs", rm))
	mux.Handle("/", m)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, nil, fmt.Errorf("mock: listen: %w", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	// At shutdown, injected delays and holds end at once, so that the
	// requests in flight finish (mock.Mock.Drain).
	srv.RegisterOnShutdown(m.Drain)
	go func() { _ = srv.Serve(ln) }()
	shutdown := func(ctx context.Context) error {
		return errors.Join(srv.Shutdown(ctx), m.Close(ctx), rm.Close())
	}
	return "http://" + ln.Addr().String(), m, shutdown, nil
}

// noonClock is a mock.Clock that reads noon (Europe/Istanbul, +03:00 all
// year since 2016) of the day it was made, plus the real time elapsed since.
type noonClock struct {
	start time.Time
	made  time.Time
}

func newNoonClock(now time.Time) *noonClock {
	ist := time.FixedZone("+03", 3*60*60)
	d := now.In(ist)
	return &noonClock{start: time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, ist), made: now}
}

// Now implements mock.Clock.
func (c *noonClock) Now() time.Time { return c.start.Add(time.Since(c.made)) }
