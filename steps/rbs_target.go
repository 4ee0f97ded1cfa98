package steps

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
)

// RBSTarget is the Alfa-Bank RBS side of a Target: the gateway (bank
// variant) and router base URLs, the API account, the merchant's callback
// key, and the merchant's receiver, where the payer's browser returns
// (MerchantURL+"/return" and "/fail") and where the gateway sends the
// order's callbacks (MerchantURL+"/callback", given as dynamicCallbackUrl).
type RBSTarget struct {
	// BaseURL is the bank gateway's REST base, e.g.
	// https://alfa.rbsuat.com/payment/rest or a mock's
	// http://127.0.0.1:8081/payment/rest.
	BaseURL string
	// RouterURL is the router's base (e.g. https://api.uat.all2pay.net/v1);
	// the Alfa Pay and router scenarios need it.
	RouterURL string
	// UserName and Password, or Token, are the API account.
	UserName, Password, Token string
	// CallbackKey is the merchant's callback checksum key.
	CallbackKey string
	// MerchantURL is the merchant receiver's base URL; Merchant is the
	// receiver when it runs in this process (the callback steps read it).
	MerchantURL string
	Merchant    *rbs.Receiver
	// ListenAddr is where PrepareRBSTarget's receiver listens; empty means
	// a free loopback port. A gateway that is not on this machine cannot
	// reach a loopback receiver: listen on an address it can reach (or
	// one a tunnel forwards to) and give the public URL as MerchantURL.
	ListenAddr string
	// Doer is the HTTP transport; nil means the Target's.
	Doer craftgate.Doer
	// Mock is the gateway when it is an in-process rbsmock: the @clock
	// scenarios move its clock. Without it they use the mock's admin
	// route, which only a gatecheck RBS mock has.
	Mock *rbsmock.Mock
}

// String describes the target without its password, token or key.
func (t RBSTarget) String() string {
	return fmt.Sprintf("steps.RBSTarget{BaseURL: %q, RouterURL: %q, UserName: %q, Password: %s, Token: %s, CallbackKey: %s, MerchantURL: %q}",
		t.BaseURL, t.RouterURL, t.UserName, redacted(t.Password), redacted(t.Token), redacted(t.CallbackKey), t.MerchantURL)
}

// GoString is String, for %#v.
func (t RBSTarget) GoString() string { return t.String() }

// refusedRBSHosts are production gateways: conformance scenarios make
// test payments and must never run there.
var refusedRBSHosts = []string{"pay.alfabank.ru", "payment.alfabank.ru", "securepayments.sberbank.ru"}

// CheckRBSGateway refuses a production gateway among the base URLs.
func CheckRBSGateway(urls ...string) error {
	for _, u := range urls {
		for _, h := range refusedRBSHosts {
			if strings.Contains(strings.ToLower(u), "//"+h) {
				return fmt.Errorf("steps: RBS target %s is a production gateway: the conformance scenarios make test payments and run only against a test environment", h)
			}
		}
	}
	return nil
}

// checkRBSTarget refuses a production gateway and an incomplete account.
func checkRBSTarget(t *RBSTarget) error {
	if err := CheckRBSGateway(t.BaseURL, t.RouterURL); err != nil {
		return err
	}
	switch {
	case t.BaseURL == "" && t.RouterURL == "":
		return errors.New("steps: RBS target: BaseURL or RouterURL is required")
	case t.Token == "" && (t.UserName == "" || t.Password == ""):
		return errors.New("steps: RBS target: UserName and Password (or Token) are required")
	case t.MerchantURL == "":
		return errors.New("steps: RBS target: MerchantURL is required (PrepareRBSTarget starts a receiver)")
	}
	return nil
}

// PrepareRBSTarget starts the merchant's receiver, on t.ListenAddr or a
// free loopback port, when t names no MerchantURL or names a ListenAddr,
// and sets Merchant and, when it was empty, MerchantURL. The returned
// function stops it. A runner calls it once per run, as it calls
// PrepareTarget.
func PrepareRBSTarget(t *RBSTarget) (release func(), err error) {
	if t.MerchantURL != "" && t.ListenAddr == "" {
		return func() {}, nil
	}
	addr := t.ListenAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	r := rbs.NewReceiver(rbs.ReceiverConfig{CallbackKey: t.CallbackKey})
	base, stop, err := serveReceiver(addr, r)
	if err != nil {
		return nil, fmt.Errorf("steps: RBS merchant receiver: %w", err)
	}
	t.Merchant = r
	if t.MerchantURL == "" {
		t.MerchantURL = base
	}
	return stop, nil
}

// Hosts of the in-process RBS world: names under .invalid never resolve,
// so nothing addressed to them can leave the process.
const (
	embeddedGatewayHost  = "rbs-gateway.gatecheck.invalid"
	embeddedMerchantHost = "rbs-merchant.gatecheck.invalid"
)

// inProcess is an http.RoundTripper that hands each request to the
// handler of its host, in this process.
type inProcess map[string]http.Handler

// RoundTrip implements http.RoundTripper.
func (p inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	h, ok := p[req.URL.Host]
	if !ok {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("steps: in-process RBS world: no host %q", req.URL.Host)
	}
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:1"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// noonClock starts at noon of today in Moscow and runs with real time, so
// a scenario never crosses the gateway's end of day by chance.
type noonClock struct {
	base  time.Time
	start time.Time
}

func newNoonClock() noonClock {
	loc := time.FixedZone("MSK", 3*3600)
	y, m, d := time.Now().In(loc).Date()
	return noonClock{base: time.Date(y, m, d, 12, 0, 0, 0, loc), start: time.Now()}
}

// Now implements rbsmock.Clock.
func (c noonClock) Now() time.Time { return c.base.Add(time.Since(c.start)) }

// embeddedRBS builds an in-process RBS mock (with codes, its JSON code
// mode) and merchant receiver for one
// World: no listener, no port; the mock's callbacks and the browser reach
// both through an in-process transport.
func embeddedRBS(codes string) (*RBSTarget, func() error, error) {
	recv := rbs.NewReceiver(rbs.ReceiverConfig{CallbackKey: rbsmock.DefaultCallbackKey})
	hosts := inProcess{embeddedMerchantHost: recv}
	client := &http.Client{Transport: hosts, Timeout: 30 * time.Second}
	m, err := rbsmock.New(rbsmock.Config{UserName: rbsmock.DefaultUserName, Password: rbsmock.DefaultPassword,
		CallbackKey: rbsmock.DefaultCallbackKey, Seed: 1, Clock: newNoonClock(), HTTPClient: client,
		CallbackRetryInterval: 10 * time.Millisecond, JSONCodes: codes})
	if err != nil {
		return nil, nil, fmt.Errorf("steps: embedded RBS mock: %w", err)
	}
	hosts[embeddedGatewayHost] = m
	base := "http://" + embeddedGatewayHost
	t := &RBSTarget{BaseURL: base + rbsmock.BankPath, RouterURL: base + rbsmock.RouterPath,
		UserName: rbsmock.DefaultUserName, Password: rbsmock.DefaultPassword, CallbackKey: rbsmock.DefaultCallbackKey,
		MerchantURL: "http://" + embeddedMerchantHost, Merchant: recv, Doer: client, Mock: m}
	return t, m.Close, nil
}
