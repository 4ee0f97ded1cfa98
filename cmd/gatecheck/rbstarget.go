package main

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/gatecheck/gatecheck/load"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

// rbsFlags select the Alfa-Bank RBS gateway the @rbs scenarios talk to.
//
//	--rbs-target embedded (default)  each scenario gets an in-process RBS mock of its own
//	--rbs-target mock                the RBS mock `gatecheck mock` serves under /rbs/ of the
//	                                 Craftgate target (the embedded mock, or a loopback URL)
//	--rbs-target URL                 a bank REST base, e.g. https://alfa.rbsuat.com/payment/rest
//
// A URL target takes --rbs-router-url (Alfa Pay and the router API), the
// API account (--rbs-user and --rbs-password, or --rbs-token; env
// RBS_USERNAME, RBS_PASSWORD, RBS_TOKEN) and the callback key
// (--rbs-callback-key, env RBS_CALLBACK_KEY). Secrets are never flag
// defaults, so -h cannot print them. The merchant's receiver listens on a
// free loopback port, or on --rbs-merchant-listen with --rbs-merchant-url
// as the address the gateway posts callbacks to (a remote test gateway
// cannot reach loopback).
type rbsFlags struct {
	target, routerURL               string
	user, password, token           string
	callbackKey                     string
	merchantURL, merchantListenAddr string
}

func (f *rbsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.target, "rbs-target", "embedded",
		"Alfa-Bank RBS gateway of the @rbs scenarios: embedded (an in-process mock per scenario), mock (the RBS mock served under /rbs/ of the target), or a bank REST base URL")
	fs.StringVar(&f.routerURL, "rbs-router-url", "", "RBS router API base URL (Alfa Pay); derived for mock targets")
	fs.StringVar(&f.user, "rbs-user", "", "RBS API user (env RBS_USERNAME; the mock's default for local targets)")
	fs.StringVar(&f.password, "rbs-password", "", "RBS API password (env RBS_PASSWORD; never printed)")
	fs.StringVar(&f.token, "rbs-token", "", "RBS API token instead of user and password (env RBS_TOKEN; never printed)")
	fs.StringVar(&f.callbackKey, "rbs-callback-key", "", "merchant's RBS callback checksum key (env RBS_CALLBACK_KEY; never printed)")
	fs.StringVar(&f.merchantURL, "rbs-merchant-url", "", "URL the gateway reaches the merchant receiver at (default: the receiver's loopback address)")
	fs.StringVar(&f.merchantListenAddr, "rbs-merchant-listen", "", "address the merchant receiver listens on (default: a free loopback port)")
}

// remote reports whether the flags name an RBS gateway off this machine
// (before resolve, for the load rails).
func (f *rbsFlags) remote() bool {
	switch f.target {
	case "", "embedded", "mock":
		return false
	}
	u, err := url.Parse(f.target)
	return err != nil || !isLoopback(u.Hostname())
}

// rbsSide is the resolved RBS side of a run.
type rbsSide struct {
	// Target is nil for the embedded default.
	Target *steps.RBSTarget
	// Mock is true when the gateway is a gatecheck RBS mock (embedded, or
	// on loopback), so the @rbs @mock scenarios can run.
	Mock bool
	// Explicit is true when --rbs-target names a gateway.
	Explicit bool
	// Remote is true for a gateway off this machine: load runs against it
	// are rate-capped like the Craftgate sandbox.
	Remote bool
	Name   string
}

// resolve turns the flags into the RBS side of craftgate (the resolved
// Craftgate target, whose base serves /rbs/ when it is a gatecheck mock).
// It starts the merchant's RBS receiver; the returned function stops it.
func (f *rbsFlags) resolve(craftgate *resolved) (rbsSide, func(), error) {
	f.user = orEnv(f.user, "RBS_USERNAME")
	f.password = orEnv(f.password, "RBS_PASSWORD")
	f.token = orEnv(f.token, "RBS_TOKEN")
	f.callbackKey = orEnv(f.callbackKey, "RBS_CALLBACK_KEY")
	nothing := func() {}
	var t steps.RBSTarget
	side := rbsSide{Explicit: true}
	switch f.target {
	case "", "embedded":
		return rbsSide{Mock: true, Name: "in-process RBS mock per scenario"}, nothing, nil
	case "mock":
		if craftgate == nil || !craftgate.Mock {
			return rbsSide{}, nil, errors.New("--rbs-target mock needs a gatecheck mock as --target (it serves the RBS gateway under /rbs/)")
		}
		base := strings.TrimRight(craftgate.BaseURL, "/") + "/rbs"
		t.BaseURL, t.RouterURL = base+rbsmock.BankPath, orDefault(f.routerURL, base+rbsmock.RouterPath)
		side.Mock = true
	default:
		u, err := url.Parse(f.target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return rbsSide{}, nil, fmt.Errorf("--rbs-target %q: want embedded, mock or an http(s) base URL", f.target)
		}
		t.BaseURL, t.RouterURL = strings.TrimRight(f.target, "/"), strings.TrimRight(f.routerURL, "/")
		side.Mock = isLoopback(u.Hostname())
		side.Remote = !side.Mock
	}
	if err := steps.CheckRBSGateway(t.BaseURL, t.RouterURL); err != nil {
		return rbsSide{}, nil, err
	}
	if side.Mock {
		// A gatecheck RBS mock with its documented default account.
		f.user, f.password = orDefault(f.user, rbsmock.DefaultUserName), orDefault(f.password, rbsmock.DefaultPassword)
		f.callbackKey = orDefault(f.callbackKey, rbsmock.DefaultCallbackKey)
	}
	if f.token == "" && (f.user == "" || f.password == "") {
		return rbsSide{}, nil, errors.New("an RBS gateway other than a local mock needs --rbs-user and --rbs-password, or --rbs-token (or RBS_USERNAME / RBS_PASSWORD / RBS_TOKEN)")
	}
	t.UserName, t.Password, t.Token, t.CallbackKey = f.user, f.password, f.token, f.callbackKey
	t.MerchantURL, t.ListenAddr = f.merchantURL, f.merchantListenAddr
	release, err := steps.PrepareRBSTarget(&t)
	if err != nil {
		return rbsSide{}, nil, err
	}
	side.Target = &t
	side.Name = hostOf(t.BaseURL)
	return side, release, nil
}

// filter narrows a tag filter to the @rbs scenarios this RBS side can run:
// only a gatecheck mock runs the @rbs @mock ones (they move its clock
// through its admin route).
func (s rbsSide) filter(expr string) string {
	if s.Mock {
		return expr
	}
	return load.AndFilters(expr, "~@rbs,~@mock")
}

func isLoopback(host string) bool {
	return host == "127.0.0.1" || host == "localhost" || host == "::1"
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// rbsAccount is the RBS account a run used, for the report's fingerprint
// (never printed itself): the token or the user name.
func (r *resolved) rbsAccount() string {
	t := r.RBS.Target
	switch {
	case t == nil:
		return rbsmock.DefaultUserName
	case t.Token != "":
		return t.Token
	}
	return t.UserName
}
