package rbsmock_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
	"github.com/gatecheck/gatecheck/rbs/rbsmock"
	"github.com/gatecheck/gatecheck/steps"
)

const (
	testUser = "merchant-api"
	testPass = "merchant-password"
	testKey  = "callback-key-for-tests"
)

// fixedClock is a settable clock.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// harness is a mock behind httptest on 127.0.0.1 with the merchant's
// receiver beside it.
type harness struct {
	t        *testing.T
	mock     *rbsmock.Mock
	srv      *httptest.Server
	merchant *httptest.Server
	recv     *rbs.Receiver
	bank     *rbs.Client
	router   *rbs.Client
	browser  *http.Client
	seq      int
}

// noon is the default start: noon in Moscow, far from the end of the day.
var noon = time.Date(2026, 3, 10, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))

func newHarness(t *testing.T, mutate ...func(*rbsmock.Config)) *harness {
	t.Helper()
	h := &harness{t: t, recv: rbs.NewReceiver(rbs.ReceiverConfig{CallbackKey: testKey})}
	h.merchant = httptest.NewServer(h.recv)
	t.Cleanup(h.merchant.Close)
	cfg := rbsmock.Config{UserName: testUser, Password: testPass, Token: "merchant-token", CallbackKey: testKey,
		CallbackURL: h.merchant.URL + "/callback", Seed: 7, Clock: &fixedClock{t: noon},
		CallbackRetryInterval: 5 * time.Millisecond}
	for _, f := range mutate {
		f(&cfg)
	}
	m, err := rbsmock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.mock = m
	h.srv = httptest.NewServer(m)
	t.Cleanup(func() { h.srv.Close(); _ = m.Close() })
	h.bank = h.client(rbs.VariantBank, h.srv.URL+rbsmock.BankPath)
	h.router = h.client(rbs.VariantRouter, h.srv.URL+rbsmock.RouterPath)
	h.browser = &http.Client{Timeout: 10 * time.Second}
	return h
}

func (h *harness) client(v rbs.Variant, base string) *rbs.Client {
	c, err := rbs.New(rbs.WithBaseURL(base), rbs.WithCredentials(testUser, testPass), rbs.WithVariant(v))
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) orderNumber() string {
	h.seq++
	return fmt.Sprintf("T-%d", h.seq)
}

func (h *harness) registerReq(amount int64) *rbs.RegisterRequest {
	return &rbs.RegisterRequest{OrderNumber: h.orderNumber(), Amount: amount, Currency: rbs.RUB,
		ReturnURL: h.merchant.URL + "/return", FailURL: h.merchant.URL + "/fail", Language: "en"}
}

// register registers a one- or two-phase order of amount kopecks.
func (h *harness) register(c *rbs.Client, preAuth bool, amount int64) *rbs.RegisterResponse {
	h.t.Helper()
	req := h.registerReq(amount)
	var out *rbs.RegisterResponse
	var err error
	if preAuth {
		out, err = c.RegisterPreAuth(context.Background(), req)
	} else {
		out, err = c.Register(context.Background(), req)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// page fetches a page.
func (h *harness) page(u string) steps.Page {
	h.t.Helper()
	resp, err := h.browser.Get(u)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.read(resp)
}

func (h *harness) read(resp *http.Response) steps.Page {
	h.t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return steps.Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: b}
}

// submit fills and submits the page's form.
func (h *harness) submit(p steps.Page, set map[string]string, button string) steps.Page {
	h.t.Helper()
	f, err := steps.ParseForm(p)
	if err != nil {
		h.t.Fatalf("%v\n%s", err, p.Body)
	}
	req, err := f.Request(context.Background(), set, &steps.Button{Name: "action", Value: button})
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := h.browser.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.read(resp)
}

// card fills the payment page's form.
func card(pan string) map[string]string {
	return map[string]string{"pan": pan, "month": "12", "year": "2030", "cvc": "123", "cardholder": "TEST CARDHOLDER"}
}

// pay pays formURL with pan; password, when not empty, is entered at the
// ACS. It returns the page the browser ends on.
func (h *harness) pay(formURL, pan, password string) steps.Page {
	h.t.Helper()
	p := h.submit(h.page(formURL), card(pan), "pay")
	if password != "" {
		if !strings.HasSuffix(p.URL.Path, "/payment/acs") {
			h.t.Fatalf("expected the ACS, got %s\n%s", p.URL, p.Body)
		}
		p = h.submit(p, map[string]string{"password": password}, "confirm")
	}
	return p
}

func (h *harness) status(c *rbs.Client, id string) *rbs.OrderStatusExtended {
	h.t.Helper()
	st, err := c.OrderStatus(context.Background(), &rbs.StatusRequest{OrderID: id})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

func (h *harness) waitCallback(id, op string) rbs.ReceivedCallback {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cb, err := h.recv.WaitCallback(ctx, id, op)
	if err != nil {
		h.t.Fatal(err)
	}
	return cb
}

// post sends a raw request to the mock.
func (h *harness) post(path, ctype, body string) (int, string) {
	h.t.Helper()
	resp, err := h.browser.Post(h.srv.URL+path, ctype, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func creds() url.Values { return url.Values{"userName": {testUser}, "password": {testPass}} }

func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
