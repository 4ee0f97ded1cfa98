// Package rbsmock is gatecheck's in-process RBS payment gateway (Alfa-Bank
// Russia's gateway, BPC platform) and all2pay AntiDDOS Router: an
// http.Handler with no package-level state, deterministic order ids from a
// seed, an injectable clock, callback notifications with checksum, and the
// payer's pages (payment page, 3-D Secure ACS, Alfa Pay).
//
// Routes, relative to wherever the handler is mounted (http.StripPrefix
// works: the mock finds its prefix and writes it into every URL it hands
// out). The gateway methods are one route table (routes.go): one row per
// method with its bank paths (/payment/rest/..., the wallets under
// /payment/<wallet>/payment.do), its router path (/v1/...) where the
// router has it, and its handler; every method takes GET (parameters in
// the query) and POST (a form or JSON). Beside them:
//
//	GET  /payment/merchants/gatecheck/payment_{lang}.html?mdOrder=ID  payment page (formUrl, bank)
//	GET  /wl/payment.html?mdOrder=ID&language=xx                      payment page (formUrl, router)
//	POST /payment/pay                card form submission
//	GET|POST /payment/acs?mdOrder=ID&t=TOKEN     3-D Secure ACS page (also the direct payments' acsUrl)
//	GET|POST /payment/rest/finish3ds.do          the gateway's own termUrl of direct payments
//	GET|POST /alfapay/goto-alfapay?orderId=ID&t=TOKEN  Alfa Pay page
//	GET|POST /sbp/bank?qrId=ID&t=TOKEN           the buyer's bank app for an SBP QR code
//	GET  /_mock/rbs/clock            {"now":...}
//	POST /_mock/rbs/clock/advance    duration=24h + credentials; moves the clock
//	POST /_mock/rbs/callbacks        credentials [+ mdOrder]; the callback deliveries
//
// errorCode answers follow the per-method tables of the gateway's
// documentation (https://alfa.rbsuat.com/sandbox/ru/integration/api/rest.html),
// with the wire types its examples show (methodKind), unless
// Config.JSONCodes forces numbers or strings everywhere.
//
// MOCK DECISIONS where the reference is silent (each repeated next to its
// code): API errors are HTTP 200 with errorCode; transport problems carry
// the same JSON shape with 404 (unknown method), 405 (not POST), 413 (body
// over the limit) or 415 (content type) and errorCode 5 or 7; a deposited
// order can be reversed only on the calendar day of its deposit in the
// mock's Location (Europe/Moscow) and never after a refund; a hold can be
// reversed any time, partially once; a partial deposit releases the rest
// of the hold; session expiry declines the order with actionCode -2007;
// Alfa Pay needs no 3-D Secure and the wallet holds the catalogue's alfaPay
// cards.
package rbsmock

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
)

// Path prefixes of the two API variants.
const (
	BankPath   = "/payment/rest"
	RouterPath = "/v1"
)

// Defaults of Config.
const (
	DefaultUserName      = "gatecheck-api"
	DefaultPassword      = "gatecheck-password"
	DefaultCallbackKey   = "gatecheck-rbs-callback-key"
	DefaultMaxBodyBytes  = 64 << 10
	DefaultRetryInterval = 30 * time.Second
	DefaultMaxFailures   = 3
	// DefaultSessionTimeout is the gateway's order lifetime when
	// register.do names none (1200 s).
	DefaultSessionTimeout = 1200 * time.Second
)

// Clock tells the mock the time; Mock.Advance adds an offset on top.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// Config configures a Mock. Zero fields take the defaults named.
type Config struct {
	// UserName and Password are the API account (both required unless
	// Token is set). Token is an alternative credential.
	UserName, Password string
	Token              string
	// CallbackKey signs callbacks (symmetric checksum). Empty sends
	// unsigned callbacks.
	CallbackKey string
	// SignAlias, when set, is sent as sign_alias with signed callbacks.
	SignAlias string
	// CallbackURL is the merchant's static callback URL; empty sends
	// callbacks only for orders registered with dynamicCallbackUrl.
	CallbackURL string
	// CallbackMethod is GET (the gateway's default) or POST.
	CallbackMethod string
	// CallbackRetryInterval is the pause between attempts (30 s); the
	// gateway gives up after CallbackMaxFailures failed attempts (3).
	CallbackRetryInterval time.Duration
	CallbackMaxFailures   int
	// HTTPClient delivers callbacks; nil means a client with a 10 s
	// timeout. Redirects are never followed.
	HTTPClient *http.Client
	// Seed makes order ids, tokens and approval codes deterministic.
	Seed int64
	// Clock is the time source (nil: real time).
	Clock Clock
	// Location is where days end (reversal window) and dates are written;
	// nil means Europe/Moscow (fixed +03:00 without tzdata).
	Location *time.Location
	// PublicURL is the base URL browsers reach the mock at, mount prefix
	// included; empty means each request's scheme, Host and prefix
	// (X-Forwarded-Proto honoured only with TrustProxy).
	PublicURL string
	// TrustProxy honours X-Forwarded-Proto (http or https) as the scheme
	// of the URLs the mock gives browsers (formUrl, ACS and 3-D Secure
	// method URLs, termUrl, SBP and Alfa Pay pages): set it only when the
	// mock runs behind a proxy that sets (and overwrites) the header, since
	// without one any client can send it.
	TrustProxy bool
	// MaxBodyBytes bounds request bodies (64 KiB).
	MaxBodyBytes int64
	// Logger receives one Info record per request (method, path, status,
	// duration) and Debug records per order event; never credentials or
	// parameters, card numbers only masked.
	Logger *slog.Logger
	// Currencies are the ISO 4217 numeric codes the merchant may use;
	// empty means 643, 840 and 978.
	Currencies []int
	// JSONCodes is the JSON type of every errorCode and actionCode the
	// mock answers: CodesDocumented (the per-method shapes of the
	// gateway's examples), CodesNumber or CodesString.
	JSONCodes string
}

// Mock is an in-process RBS gateway. It is safe for concurrent use.
type Mock struct {
	cfg        Config
	clock      Clock
	loc        *time.Location
	offset     atomic.Int64
	seedKey    uint64
	seq        atomic.Uint64
	log        *slog.Logger
	currencies map[int]bool

	mu       sync.Mutex
	orders   map[string]*order
	byNumber map[string]*order
	// bindings (stored cards) by bindingId; qrs (SBP QR codes) by qrId;
	// threeDS2 (3-D Secure 2 transactions) by threeDSServerTransId.
	bindings map[string]*binding
	// byClient and byCard index the bindings by clientId and card number.
	byClient map[string][]*binding
	byCard   map[string][]*binding
	qrs      map[string]*order
	threeDS2 map[string]*order

	cb *deliverer
}

// New returns a Mock for cfg.
func New(cfg Config) (*Mock, error) {
	if cfg.Token == "" && (cfg.UserName == "" || cfg.Password == "") {
		return nil, errors.New("rbsmock: Config needs UserName and Password, or Token")
	}
	if cfg.MaxBodyBytes < 0 || cfg.CallbackRetryInterval < 0 || cfg.CallbackMaxFailures < 0 {
		return nil, errors.New("rbsmock: Config limits must not be negative")
	}
	switch strings.ToUpper(cfg.CallbackMethod) {
	case "", http.MethodGet:
		cfg.CallbackMethod = http.MethodGet
	case http.MethodPost:
		cfg.CallbackMethod = http.MethodPost
	default:
		return nil, fmt.Errorf("rbsmock: Config.CallbackMethod %q: want GET or POST", cfg.CallbackMethod)
	}
	for name, u := range map[string]string{"CallbackURL": cfg.CallbackURL, "PublicURL": cfg.PublicURL} {
		if u != "" && !absoluteHTTP(u) {
			return nil, fmt.Errorf("rbsmock: Config.%s %q is not an absolute http(s) URL", name, u)
		}
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.CallbackRetryInterval == 0 {
		cfg.CallbackRetryInterval = DefaultRetryInterval
	}
	if cfg.CallbackMaxFailures == 0 {
		cfg.CallbackMaxFailures = DefaultMaxFailures
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	codes, err := ParseJSONCodes(cfg.JSONCodes)
	if err != nil {
		return nil, err
	}
	cfg.JSONCodes = codes
	m := &Mock{
		cfg:        cfg,
		clock:      cfg.Clock,
		loc:        cfg.Location,
		seedKey:    splitmix64(uint64(cfg.Seed) ^ 0x7b50a1fa0ba5e),
		log:        cfg.Logger,
		currencies: map[int]bool{},
		orders:     map[string]*order{},
		byNumber:   map[string]*order{},
		bindings:   map[string]*binding{},
		byClient:   map[string][]*binding{},
		byCard:     map[string][]*binding{},
		qrs:        map[string]*order{},
		threeDS2:   map[string]*order{},
	}
	if m.clock == nil {
		m.clock = realClock{}
	}
	if m.loc == nil {
		m.loc = moscow()
	}
	cur := cfg.Currencies
	if len(cur) == 0 {
		cur = []int{rbs.RUB.Numeric, rbs.USD.Numeric, rbs.EUR.Numeric}
	}
	for _, c := range cur {
		m.currencies[c] = true
	}
	m.cb = newDeliverer(m, cfg.HTTPClient)
	return m, nil
}

// Close stops pending callback retries and waits for deliveries in flight.
func (m *Mock) Close() error {
	m.cb.close()
	return nil
}

func moscow() *time.Location {
	if loc, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}

// Now is the mock's time: the clock plus every Advance, in its Location.
func (m *Mock) Now() time.Time {
	return m.clock.Now().Add(time.Duration(m.offset.Load())).In(m.loc)
}

// Advance moves the mock's clock forward (non-positive d is ignored), for
// example past the end of the day a reversal is allowed on, or past an
// order's session timeout.
func (m *Mock) Advance(d time.Duration) {
	if d > 0 {
		m.offset.Add(int64(d))
	}
}

// sameDay reports whether a and b fall on one calendar day in the mock's
// Location.
func (m *Mock) sameDay(a, b time.Time) bool {
	ya, ma, da := a.In(m.loc).Date()
	yb, mb, db := b.In(m.loc).Date()
	return ya == yb && ma == mb && da == db
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// ServeHTTP implements http.Handler. It never panics: a panic in a handler
// is answered as errorCode 7 (system error) and logged.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			if m.log != nil {
				m.log.Error("rbsmock: recovered panic", "path", r.URL.Path, "panic", fmt.Sprint(p))
			}
			if sw.status == 0 {
				writeJSON(sw, http.StatusInternalServerError, map[string]any{"errorCode": "7", "errorMessage": "System error"})
			}
		}
		if m.log != nil {
			m.log.Info("rbsmock", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
		}
	}()
	m.route(sw, r)
}

func (m *Mock) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == finish3DSPagePath:
		m.serveFinish3DS(w, r)
	case isAPIPath(p):
		m.serveAPI(w, r)
	case p == sbpBankPath:
		m.serveSBPBank(w, r)
	case p == bankPagePath || p == routerPagePath || (strings.HasPrefix(p, "/payment/merchants/gatecheck/payment_") && strings.HasSuffix(p, ".html")):
		m.servePaymentPage(w, r)
	case p == payPath:
		m.servePay(w, r)
	case p == acsPath:
		m.serveACS(w, r)
	case strings.HasPrefix(p, acsPath+"/"):
		m.serve3DSMethod(w, r)
	case p == alfaPayPagePath:
		m.serveAlfaPayPage(w, r)
	case strings.HasPrefix(p, adminPath+"/"):
		m.serveAdmin(w, r, strings.TrimPrefix(p, adminPath))
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"errorCode": "7", "errorMessage": "Unknown path"})
	}
}

// Paths of the pages and admin routes.
const (
	bankPagePath    = "/payment/merchants/gatecheck/payment_ru.html"
	routerPagePath  = "/wl/payment.html"
	payPath         = "/payment/pay"
	acsPath         = "/payment/acs"
	alfaPayPagePath = "/alfapay/goto-alfapay"
	// finish3DSPagePath is the gateway's own termUrl: where the ACS
	// returns the payer after a paymentorder.do 3-D Secure.
	finish3DSPagePath = BankPath + "/finish3ds.do"
	// sbpBankPath is the page that plays the buyer's bank app: the SBP
	// QR payload points at it.
	sbpBankPath = "/sbp/bank"
	adminPath   = "/_mock/rbs"
)

// mountPrefix is the path the handler is mounted under: what
// http.StripPrefix removed from the request URI.
func mountPrefix(r *http.Request) string {
	uri := r.RequestURI
	if i := strings.IndexAny(uri, "?#"); i >= 0 {
		uri = uri[:i]
	}
	if u, err := url.Parse(uri); err == nil && u.Path != "" {
		uri = u.Path
	}
	if uri != r.URL.Path && strings.HasSuffix(uri, r.URL.Path) {
		return strings.TrimRight(strings.TrimSuffix(uri, r.URL.Path), "/")
	}
	return ""
}

// publicBase is the base URL the payer's browser reaches the mock at:
// Config.PublicURL, else the request's scheme, Host and mount prefix. The
// scheme is X-Forwarded-Proto (the first proxy's, when http or https) only
// with Config.TrustProxy; otherwise https for TLS connections, else http.
func (m *Mock) publicBase(r *http.Request) string {
	if m.cfg.PublicURL != "" {
		return m.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if m.cfg.TrustProxy {
		p, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
		if p = strings.ToLower(strings.TrimSpace(p)); p == "https" || p == "http" {
			scheme = p
		}
	}
	return scheme + "://" + r.Host + mountPrefix(r)
}

// pathBase is the path prefix for links inside pages.
func (m *Mock) pathBase(r *http.Request) string {
	if m.cfg.PublicURL != "" {
		if u, err := url.Parse(m.cfg.PublicURL); err == nil {
			return strings.TrimRight(u.Path, "/")
		}
	}
	return mountPrefix(r)
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"errorCode":"7","errorMessage":"System error"}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// credentialsOK checks userName+password or token in constant time.
func (m *Mock) credentialsOK(user, pass, token string) bool {
	if token != "" {
		return m.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(m.cfg.Token)) == 1
	}
	if m.cfg.UserName == "" {
		return false
	}
	u := subtle.ConstantTimeCompare([]byte(user), []byte(m.cfg.UserName))
	p := subtle.ConstantTimeCompare([]byte(pass), []byte(m.cfg.Password))
	return u&p == 1
}

// Order returns a snapshot of the order's public state, for tests and
// the CLI; ok is false for an unknown id.
func (m *Mock) Order(id string) (OrderSnapshot, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return OrderSnapshot{}, false
	}
	if ev := m.expireLocked(o, m.Now()); ev != nil {
		m.cb.send(ev)
	}
	return o.snapshot(), true
}
