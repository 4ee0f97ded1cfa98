package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

func TestRBSFlagsResolve(t *testing.T) {
	mockTarget := &resolved{Target: steps.Target{BaseURL: "http://127.0.0.1:8080"}, Mock: true}
	remoteTarget := &resolved{Target: steps.Target{BaseURL: "https://sandbox-api.craftgate.io"}}
	tests := []struct {
		name     string
		f        rbsFlags
		cg       *resolved
		wantErr  string
		explicit bool
		mock     bool
		remote   bool
		base     string
		router   string
		user     string
	}{
		{name: "embedded by default", cg: remoteTarget, mock: true},
		{name: "embedded by name", f: rbsFlags{target: "embedded"}, cg: mockTarget, mock: true},
		{name: "served mock", f: rbsFlags{target: "mock"}, cg: mockTarget, explicit: true, mock: true,
			base: "http://127.0.0.1:8080/rbs/payment/rest", router: "http://127.0.0.1:8080/rbs/v1", user: rbsmock.DefaultUserName},
		{name: "served mock needs a gatecheck mock", f: rbsFlags{target: "mock"}, cg: remoteTarget, wantErr: "needs a gatecheck mock"},
		{name: "loopback URL takes the mock's account", f: rbsFlags{target: "http://127.0.0.1:9/rbs/payment/rest/"}, cg: mockTarget,
			explicit: true, mock: true, base: "http://127.0.0.1:9/rbs/payment/rest", user: rbsmock.DefaultUserName},
		{name: "remote needs an account", f: rbsFlags{target: "https://alfa.rbsuat.com/payment/rest"}, cg: mockTarget, wantErr: "--rbs-user"},
		{name: "remote with an account", f: rbsFlags{target: "https://alfa.rbsuat.com/payment/rest", user: "shop-api", password: "pw",
			routerURL: "https://api.uat.all2pay.net/v1"}, cg: mockTarget, explicit: true, remote: true,
			base: "https://alfa.rbsuat.com/payment/rest", router: "https://api.uat.all2pay.net/v1", user: "shop-api"},
		{name: "remote with a token", f: rbsFlags{target: "https://alfa.rbsuat.com/payment/rest", token: "tok"}, cg: mockTarget,
			explicit: true, remote: true, base: "https://alfa.rbsuat.com/payment/rest"},
		{name: "production refused", f: rbsFlags{target: "https://pay.alfabank.ru/payment/rest", user: "u", password: "p"}, cg: mockTarget,
			wantErr: "production gateway"},
		{name: "not a URL", f: rbsFlags{target: "ftp://x"}, cg: mockTarget, wantErr: "want embedded, mock or"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"RBS_USERNAME", "RBS_PASSWORD", "RBS_TOKEN", "RBS_CALLBACK_KEY"} {
				t.Setenv(k, "")
			}
			side, release, err := tt.f.resolve(tt.cg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			if side.Explicit != tt.explicit || side.Mock != tt.mock || side.Remote != tt.remote || tt.f.remote() != tt.remote {
				t.Errorf("side = %+v (remote() %v)", side, tt.f.remote())
			}
			if !tt.explicit {
				if side.Target != nil {
					t.Errorf("embedded: target %v", side.Target)
				}
				return
			}
			rt := side.Target
			if rt.BaseURL != tt.base || rt.RouterURL != tt.router || rt.UserName != tt.user {
				t.Errorf("target = %v", rt)
			}
			if !strings.HasPrefix(rt.MerchantURL, "http://127.0.0.1:") || rt.Merchant == nil {
				t.Errorf("merchant receiver not started: %v", rt)
			}
			// Only a gatecheck mock runs the @rbs @mock scenarios.
			f := side.filter("@rbs")
			for tags, want := range map[string]bool{"@rbs": true, "@rbs @mock": tt.mock, "@rbs @clock @mock": tt.mock} {
				if got := load.MatchTags(f, strings.Fields(tags)); got != want {
					t.Errorf("filter %q on %s = %v, want %v", f, tags, got, want)
				}
			}
		})
	}
}

// TestSignoffForAlfaBankAgainstServedMock points the @rbs scenarios at the
// RBS gateway the embedded mock serves under /rbs/ (--rbs-target mock), not
// at an in-process mock per scenario, and checks the evidence says so.
func TestSignoffForAlfaBankAgainstServedMock(t *testing.T) {
	dir, stdout, _ := runSignoffForTest(t, "--provider", "rbs", "--rbs-target", "mock")
	if !strings.Contains(stdout, "verdict: REHEARSAL PASS") {
		t.Fatalf("stdout:\n%s", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if !strings.Contains(s, "/rbs/payment/rest") || strings.Contains(s, "in-process gatecheck RBS mock") {
		t.Errorf("the evidence does not name the served RBS mock:\n%.2000s", s)
	}
	if strings.Contains(s, rbsmock.DefaultPassword) || strings.Contains(s, rbsmock.DefaultCallbackKey) {
		t.Error("report.json holds an RBS secret")
	}
}

// TestRBSMerchantListen: with --rbs-merchant-listen the receiver listens
// there while the gateway is told the public --rbs-merchant-url.
func TestRBSMerchantListen(t *testing.T) {
	f := rbsFlags{target: "mock", merchantListenAddr: "127.0.0.1:0", merchantURL: "https://shop.example/rbs-merchant"}
	side, release, err := f.resolve(&resolved{Target: steps.Target{BaseURL: "http://127.0.0.1:8080"}, Mock: true})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if side.Target.MerchantURL != "https://shop.example/rbs-merchant" || side.Target.Merchant == nil {
		t.Errorf("target = %v, receiver %v", side.Target, side.Target.Merchant != nil)
	}
}
