package steps_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	messages "github.com/cucumber/messages/go/v21"

	"github.com/gatecheck/gatecheck/conform"
	"github.com/gatecheck/gatecheck/features"
	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/mock"
	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

// moscowNoon is a fixed clock: noon in Moscow, far from the end of the
// gateway's day.
type moscowNoon struct{}

func (moscowNoon) Now() time.Time {
	return time.Date(2026, 3, 10, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))
}

// craftgateTarget is the Craftgate side conform.Run always prepares: a
// Craftgate mock on 127.0.0.1.
func craftgateTarget(t *testing.T) steps.Target {
	t.Helper()
	m, err := mock.New(mock.Config{APIKey: "k", SecretKey: "s", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = m.Close(ctx)
	})
	return steps.Target{BaseURL: srv.URL, APIKey: "k", SecretKey: "s", Doer: srv.Client()}
}

// rbsPickles are the embedded scenarios tagged @rbs.
func rbsPickles(t *testing.T) []*messages.Pickle {
	t.Helper()
	all, err := features.Pickles(features.FS())
	if err != nil {
		t.Fatal(err)
	}
	var out []*messages.Pickle
	for _, p := range all {
		var tags []string
		for _, tg := range p.Tags {
			tags = append(tags, tg.Name)
		}
		if load.MatchTags("@rbs", tags) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no @rbs scenario embedded")
	}
	return out
}

func runRBS(t *testing.T, target steps.Target) conform.Result {
	t.Helper()
	var out bytes.Buffer
	res, err := conform.Run(context.Background(), conform.Options{Target: target, Tags: "@rbs", Format: "progress",
		Output: &out, Concurrency: 4, NoColors: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failures {
		t.Errorf("%s: %s: %s %q: %s", f.Feature, f.Scenario, f.Status, f.Step, f.Message)
	}
	if want := len(rbsPickles(t)); !res.OK() || res.Scenarios.Passed != want || res.Scenarios.Total() != want {
		t.Errorf("%+v, want %d passed\n%s", res.Scenarios, want, out.String())
	}
	for _, tc := range rbs.TestCards().All() {
		if strings.Contains(out.String(), tc.Number) {
			t.Errorf("the output holds card %s unmasked", tc.Masked())
		}
	}
	return res
}

// TestRBSFeaturesAgainstMockServer runs every @rbs scenario through
// conform.Run against the RBS mock served by httptest on 127.0.0.1, with
// the merchant's receiver on its own port (PrepareRBSTarget). The @clock
// scenario moves the mock's clock through its admin route (Mock is not
// given).
func TestRBSFeaturesAgainstMockServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the @rbs features")
	}
	m, err := rbsmock.New(rbsmock.Config{UserName: "shop-api", Password: "shop-pass", CallbackKey: "shop-callback-key",
		Seed: 3, Clock: moscowNoon{}, CallbackRetryInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() { srv.Close(); _ = m.Close() })
	rt := &steps.RBSTarget{BaseURL: srv.URL + rbsmock.BankPath, RouterURL: srv.URL + rbsmock.RouterPath,
		UserName: "shop-api", Password: "shop-pass", CallbackKey: "shop-callback-key"}
	release, err := steps.PrepareRBSTarget(rt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	target := craftgateTarget(t)
	target.RBS = rt
	res := runRBS(t, target)

	// The go-live evidence: both test payments, with status and masked card.
	var golive []string
	for _, o := range res.Outcomes {
		for _, e := range o.Evidence {
			if e.Kind == steps.EvidenceRBSGoLive {
				golive = append(golive, e.Value)
			}
			if strings.Contains(e.Value, "shop-pass") || strings.Contains(e.Value, "shop-callback-key") {
				t.Errorf("evidence leaks a secret: %+v", e)
			}
		}
	}
	var ok, failed int
	for _, g := range golive {
		switch {
		case strings.HasPrefix(g, "successful test payment") && strings.Contains(g, "orderStatus 2 DEPOSITED") && strings.Contains(g, "******"):
			ok++
		case strings.HasPrefix(g, "failed test payment") && strings.Contains(g, "orderStatus 6 DECLINED") && strings.Contains(g, "******"):
			failed++
		}
	}
	if ok < 2 || failed < 2 {
		t.Errorf("go-live evidence: %d successful, %d failed:\n%s", ok, failed, strings.Join(golive, "\n"))
	}
}

// TestRBSFeaturesEmbedded runs them with no RBS target: each scenario gets
// an in-process RBS mock, as in a plain `gatecheck conform`.
func TestRBSFeaturesEmbedded(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the @rbs features")
	}
	res := runRBS(t, craftgateTarget(t))
	found := false
	for _, o := range res.Outcomes {
		for _, e := range o.Evidence {
			found = found || (e.Kind == steps.EvidenceRBSTarget && strings.Contains(e.Value, "in-process"))
		}
	}
	if !found {
		t.Error("no evidence names the in-process RBS mock")
	}
}

func TestRBSTargetNeverPrintsSecrets(t *testing.T) {
	rt := steps.RBSTarget{BaseURL: "http://x", UserName: "u", Password: "pw-secret", Token: "tok-secret", CallbackKey: "key-secret"}
	for _, s := range []string{rt.String(), rt.GoString()} {
		for _, secret := range []string{"pw-secret", "tok-secret", "key-secret"} {
			if strings.Contains(s, secret) {
				t.Errorf("%s printed", secret)
			}
		}
	}
}
