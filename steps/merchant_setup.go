package steps

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Defaults of a run's merchant side. The keys match the defaults of
// gatecheck's mock; they are not secrets.
const (
	DefaultCallbackKey = "gatecheck-callback-key"
	DefaultWebhookKey  = "gatecheck-webhook-key"
	// DefaultTimeScale is the webhook time scale set on a gatecheck mock:
	// the documented 30 s before the first call become 30 ms, the whole
	// retry schedule (about 44 minutes) 2.65 s.
	DefaultTimeScale = 0.001
)

// PrepareTarget gets a target ready for a run of any runner (godog, load,
// sign-off): it fills the default callback and webhook keys, starts one
// merchant receiver on a free loopback port when the target names none,
// and, when the target is a gatecheck mock, points the mock's webhooks at
// that receiver on timeScale (0 means DefaultTimeScale, negative leaves
// the mock's own). release undoes all of it; call it when the run ends.
func PrepareTarget(ctx context.Context, t *Target, timeScale float64) (release func(), err error) {
	return prepareTarget(ctx, t, timeScale, true)
}

// PrepareTargetWithoutWebhooks is PrepareTarget for a run none of whose
// scenarios awaits a webhook (none tagged @webhook): the mock's webhooks
// are not pointed at the receiver, so under load the mock spends nothing
// delivering webhooks nobody reads and the receiver nothing verifying them.
func PrepareTargetWithoutWebhooks(ctx context.Context, t *Target) (release func(), err error) {
	return prepareTarget(ctx, t, 0, false)
}

func prepareTarget(ctx context.Context, t *Target, timeScale float64, webhooks bool) (release func(), err error) {
	if t.CallbackKey == "" {
		t.CallbackKey = DefaultCallbackKey
	}
	if t.WebhookKey == "" {
		t.WebhookKey = DefaultWebhookKey
	}
	stop, err := startMerchant(t)
	if err != nil {
		return nil, err
	}
	restore := func() {}
	if webhooks {
		restore, err = configureMock(ctx, *t, timeScale)
	}
	if err != nil {
		stop()
		return nil, err
	}
	// The mock's settings are set back before the receiver stops, so it
	// sends nothing more to it.
	return func() { restore(); stop() }, nil
}

// startMerchant starts the run's merchant receiver on a free loopback port
// when the target names neither a receiver nor a merchant URL, and sets
// both on target. The returned function stops it.
func startMerchant(target *Target) (func(), error) {
	if target.Merchant != nil || target.MerchantURL != "" {
		return func() {}, nil
	}
	r := merchant.NewReceiver(merchant.Config{CallbackKey: target.CallbackKey, WebhookKey: target.WebhookKey})
	base, stop, err := serveReceiver("127.0.0.1:0", r)
	if err != nil {
		return nil, fmt.Errorf("steps: merchant receiver: %w", err)
	}
	target.Merchant, target.MerchantURL = r, base
	return stop, nil
}

// serveReceiver serves a merchant receiver (Craftgate's or RBS's) on addr
// and returns its base URL and the function that stops it.
func serveReceiver(addr string, h http.Handler) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns when Close is called
	}()
	return "http://" + ln.Addr().String(), func() {
		_ = srv.Close()
		<-done
	}, nil
}

// mockSettings are the merchant settings Run changes on a gatecheck mock.
type mockSettings struct {
	WebhookURL string  `json:"webhookUrl"`
	TimeScale  float64 `json:"timeScale"`
}

// configureMock points a gatecheck mock's webhooks at the run's merchant
// receiver, signed with the run's webhook key, on the run's time scale. A
// target that does not answer the mock's settings route (the sandbox
// answers 404) is left alone. The returned function sets the webhook URL
// and the time scale back; the webhook key cannot be: the mock never
// tells it. A mock that refuses the change is an error: its webhook
// scenarios would wait for the real-time schedule.
func configureMock(ctx context.Context, target Target, timeScale float64) (func(), error) {
	nothing := func() {}
	c, err := craftgate.New(craftgate.WithBaseURL(target.BaseURL), craftgate.WithAPIKey(target.APIKey),
		craftgate.WithSecretKey(target.SecretKey), craftgate.WithDoer(target.Doer))
	if err != nil || target.MerchantURL == "" {
		return nothing, nil
	}
	var before mockSettings
	if err := c.Do(ctx, http.MethodGet, pathMockSettings, nil, nil, &before); err != nil {
		return nothing, nil // not a gatecheck mock (or not reachable: the scenarios will say)
	}
	change := map[string]any{"webhookUrl": target.MerchantURL + merchant.PathWebhook, "webhookKey": target.WebhookKey}
	if timeScale == 0 {
		timeScale = DefaultTimeScale
	}
	if timeScale > 0 {
		change["timeScale"] = timeScale
	}
	if err := c.Do(ctx, http.MethodPost, pathMockSettings, nil, change, nil); err != nil {
		return nothing, fmt.Errorf("steps: pointing the mock's webhooks at the merchant receiver: %w", err)
	}
	return func() {
		undo := map[string]any{"webhookUrl": before.WebhookURL}
		if timeScale > 0 {
			undo["timeScale"] = before.TimeScale
		}
		_ = c.Do(context.WithoutCancel(ctx), http.MethodPost, pathMockSettings, nil, undo, nil)
	}, nil
}
