package mock

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Helpers of the tests that run the mock on a real loopback server, with a
// merchant-side receiver (callbacks and webhooks) next to it.

const (
	testCallbackKey = "test-callback-key-0123456789abcdef"
	testWebhookKey  = "test-webhook-key-0123456789abcdef"
)

// Cards of the 3-D Secure table (docs/reference/craftgate/test-cards.md 3.2).
const (
	cardInitFails     = "5117580000006668" // THREEDS_INIT_ERROR at init
	cardMd0           = "5115830000006669" // verify: mdStatus 0
	cardMd4           = "5117280000006665" // verify: mdStatus 4
	cardCompleteFails = "5100050000006661" // NOT_SUFFICIENT_FUNDS at complete (and non-3DS)
	cardDebit         = "4796810000000002" // AKBANK DEBIT_CARD
)

// live is a mock served on 127.0.0.1 with a client for it.
type live struct {
	m      *Mock
	srv    *httptest.Server
	client *craftgate.Client
}

func startLive(t testing.TB, mod ...func(*Config)) *live {
	t.Helper()
	m := newTestMock(t, append([]func(*Config){func(c *Config) { c.CallbackKey = testCallbackKey }}, mod...)...)
	srv := httptest.NewServer(m)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	c, err := craftgate.New(craftgate.WithBaseURL(srv.URL), craftgate.WithAPIKey(testAPIKey), craftgate.WithSecretKey(testSecretKey),
		craftgate.WithDoer(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	return &live{m: m, srv: srv, client: c}
}

// delivery is one webhook call the receiver got.
type delivery struct {
	event     craftgate.WebhookEvent
	body      []byte
	signature string
	verified  bool
	at        time.Time
}

// receiver is a merchant: it verifies and records callbacks and webhooks.
type receiver struct {
	srv *httptest.Server

	mu        sync.Mutex
	callbacks []url.Values
	checkouts []string
	hooks     []delivery

	status     atomic.Int32 // the webhook answer; 0 means 200
	failN      atomic.Int32 // answer failStatus to this many webhooks first
	failStatus int
	hold       chan struct{} // when not nil, webhook handlers wait for it
	inHook     atomic.Int32
}

func startReceiver(t testing.TB) *receiver {
	t.Helper()
	rc := &receiver{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /callback", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		rc.mu.Lock()
		rc.callbacks = append(rc.callbacks, r.PostForm)
		rc.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := craftgate.VerifyCallback(testCallbackKey, r.PostForm); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"><title>bad hash</title></head><body><h1 id="result">bad hash</h1></body></html>`)
			return
		}
		_, _ = io.WriteString(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"><title>verified</title></head><body><h1 id="result">verified `+
			html.EscapeString(r.PostForm.Get("status"))+`</h1></body></html>`)
	})
	mux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		rc.mu.Lock()
		rc.checkouts = append(rc.checkouts, r.PostForm.Get("token"))
		rc.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"><title>thanks</title></head><body><h1 id="result">token received</h1></body></html>`)
	})
	mux.HandleFunc("POST /webhook", func(w http.ResponseWriter, r *http.Request) {
		rc.inHook.Add(1)
		defer rc.inHook.Add(-1)
		body, _ := io.ReadAll(r.Body)
		sig := r.Header.Get(craftgate.WebhookSignatureHeader)
		d := delivery{body: body, signature: sig, at: time.Now()}
		if e, err := craftgate.VerifyWebhook(testWebhookKey, body, sig); err == nil {
			d.event, d.verified = *e, true
		} else {
			_ = json.Unmarshal(body, &d.event)
		}
		rc.mu.Lock()
		rc.hooks = append(rc.hooks, d)
		hold := rc.hold
		rc.mu.Unlock()
		if hold != nil {
			<-hold
		}
		status := int(rc.status.Load())
		if rc.failN.Add(-1) >= 0 {
			status = rc.failStatus
		}
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
	})
	rc.srv = httptest.NewServer(mux)
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) callbackURL() string { return rc.srv.URL + "/callback" }
func (rc *receiver) checkoutURL() string { return rc.srv.URL + "/checkout" }
func (rc *receiver) webhookURL() string  { return rc.srv.URL + "/webhook" }

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.hooks...)
}

// eventually polls cond every few milliseconds until it holds or the
// timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// htmlForm is a form parsed out of one of the mock's pages.
type htmlForm struct {
	method, action string
	fields         url.Values // inputs, hidden or not, with their values
	buttons        []url.Values
}

var (
	reForm   = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	reAttr   = regexp.MustCompile(`([a-zA-Z][\w-]*)(?:="([^"]*)")?`)
	reInput  = regexp.MustCompile(`<(input|select)\b([^>]*)>`)
	reButton = regexp.MustCompile(`<button\b([^>]*)>`)
	reOption = regexp.MustCompile(`<option\b([^>]*)>`)
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range reAttr.FindAllStringSubmatch(s, -1) {
		out[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// parseForms returns every form of page.
func parseForms(page string) []htmlForm {
	var out []htmlForm
	for _, fm := range reForm.FindAllStringSubmatch(page, -1) {
		a := attrs(fm[1])
		f := htmlForm{method: strings.ToLower(a["method"]), action: a["action"], fields: url.Values{}}
		for _, in := range reInput.FindAllStringSubmatch(fm[2], -1) {
			ia := attrs(in[2])
			if ia["name"] == "" {
				continue
			}
			f.fields.Set(ia["name"], ia["value"])
		}
		// A select's value is its selected option, or its first.
		if i := strings.Index(fm[2], "<select"); i >= 0 {
			sel := fm[2][i:]
			name := attrs(reInput.FindStringSubmatch(sel)[2])["name"]
			opts := reOption.FindAllStringSubmatch(sel[:strings.Index(sel, "</select>")], -1)
			for j, o := range opts {
				oa := attrs(o[1])
				if _, sel := oa["selected"]; sel || j == 0 {
					f.fields.Set(name, oa["value"])
				}
			}
		}
		for _, b := range reButton.FindAllStringSubmatch(fm[2], -1) {
			ba := attrs(b[1])
			v := url.Values{}
			if ba["name"] != "" {
				v.Set(ba["name"], ba["value"])
			}
			f.buttons = append(f.buttons, v)
		}
		out = append(out, f)
	}
	return out
}

// oneForm parses the page's only form, failing when there is not exactly one.
func oneForm(t testing.TB, page string) htmlForm {
	t.Helper()
	fs := parseForms(page)
	if len(fs) != 1 {
		t.Fatalf("%d forms, want exactly 1:\n%s", len(fs), page)
	}
	if fs[0].method != "post" {
		t.Fatalf("form method %q, want post", fs[0].method)
	}
	return fs[0]
}

// browser posts forms like a browser would (no redirects followed; the
// mock never redirects).
type browser struct {
	t    testing.TB
	http *http.Client
}

func newBrowser(t testing.TB) *browser {
	return &browser{t: t, http: &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches a page.
func (b *browser) get(u string) (int, string) {
	b.t.Helper()
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// submit posts form (resolved against base) with its fields, overridden by
// set.
func (b *browser) submit(base string, f htmlForm, set url.Values) (int, string) {
	b.t.Helper()
	bu, err := url.Parse(base)
	if err != nil {
		b.t.Fatal(err)
	}
	au, err := bu.Parse(f.action)
	if err != nil {
		b.t.Fatal(err)
	}
	vals := url.Values{}
	for k, v := range f.fields {
		vals[k] = append([]string(nil), v...)
	}
	for k, v := range set {
		vals[k] = v
	}
	resp, err := b.http.PostForm(au.String(), vals)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode < 500 && !strings.HasPrefix(ct, "text/html") && au.Host == bu.Host {
		b.t.Fatalf("POST %s: Content-Type %q", au.Path, ct)
	}
	return resp.StatusCode, string(body)
}

// threeDSRequest is a 3-D Secure init for card, answered to rc.
func threeDSRequest(card, callbackURL string, v2 bool) *craftgate.InitThreeDSPaymentRequest {
	req := &craftgate.InitThreeDSPaymentRequest{CreatePaymentRequest: *paymentRequest(card), CallbackURL: callbackURL}
	if v2 {
		req.UseCallbackV2()
	}
	return req
}

// acsPage follows htmlContent to the ACS page and returns the page's
// form and HTML.
func (l *live) acsPage(t testing.TB, b *browser, init *craftgate.InitThreeDSPaymentResponse) (htmlForm, string) {
	t.Helper()
	doc, err := init.DecodedHTML()
	if err != nil {
		t.Fatal(err)
	}
	redirect := oneForm(t, doc)
	if redirect.action != init.RedirectURL {
		t.Fatalf("htmlContent form action %q, want redirectUrl %q", redirect.action, init.RedirectURL)
	}
	status, page := b.submit(l.srv.URL, redirect, nil)
	if status != http.StatusOK {
		t.Fatalf("ACS page: %d\n%s", status, page)
	}
	return oneForm(t, page), page
}

// answerACS posts the ACS form with the chosen action and returns the
// callback form the mock answers.
func (l *live) answerACS(t testing.TB, b *browser, acs htmlForm, action string) htmlForm {
	t.Helper()
	status, page := b.submit(l.srv.URL, acs, url.Values{"otp": {"123456"}, "action": {action}})
	if status != http.StatusOK {
		t.Fatalf("ACS answer: %d\n%s", status, page)
	}
	if !strings.Contains(page, `document.getElementById("autopost").submit()`) {
		t.Fatalf("callback page does not auto-submit:\n%s", page)
	}
	return oneForm(t, page)
}

// hooksGoroutines counts the goroutines of webhook dispatchers.
func hooksGoroutines() int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	return strings.Count(string(buf[:n]), "mock.(*hooks)")
}

// noHooksGoroutines waits briefly for the dispatcher goroutines to be gone:
// Close returns once they are done, a moment before they have exited.
func noHooksGoroutines(t testing.TB) {
	t.Helper()
	eventually(t, time.Second, "no dispatcher goroutines", func() bool { return hooksGoroutines() == 0 })
}

// TestMain fails the package when a test leaves a webhook dispatcher
// running (a mock that sent webhooks and was never closed).
func TestMain(m *testing.M) {
	code := m.Run()
	deadline := time.Now().Add(2 * time.Second)
	for hooksGoroutines() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := hooksGoroutines(); n != 0 && code == 0 {
		println("mock tests leaked webhook dispatcher goroutines")
		code = 1
	}
	os.Exit(code)
}
