// Package mock is gatecheck's in-process Craftgate sandbox: an
// http.Handler that checks the signature of, validates and answers the card
// payment (non-3DS and 3-D Secure), checkout form, retrieve and refund
// endpoints the way the sandbox documents them, with outcomes taken from the
// embedded test-card catalogue (craftgate.TestCards), deterministic ids, a
// controllable clock, signed merchant webhooks, and a hot path and store
// lean enough for it to serve as a load-test target.
//
// Every API call, admin routes included, must carry a valid Craftgate
// signature. Answers use Craftgate's envelopes: {"data":...} on success and
// {"errors":{"errorCode","errorDescription","errorGroup"}} otherwise. Where
// the reference documents nothing (status codes other than 422, validation
// codes other than 4152, refund limits, end of day, checkout retrieve before
// payment, webhook ordering), the mock's choice is stated in a comment next
// to the code that makes it; errors.go lists the synthetic codes.
//
// The pages a buyer's browser sees are not signed: the 3-D Secure bank page
// (threeds.go) and the checkout form (checkout.go):
//
//	GET|POST /_mock/acs/{paymentId}?t=TOKEN  3-D Secure verification (token from 3ds-init)
//	GET|POST /_mock/checkout/{token}         checkout card form
//
// Mock extensions to the API: the X-Gatecheck-Payment-Id response header
// on declined create-payment, 3ds-init and 3ds-complete calls
// (PaymentIDHeader), refundStatus and refundablePrice on payments
// (reporting fields the sandbox's PaymentResponse lacks), and the /_mock/v1
// admin routes:
//
//	GET  /_mock/v1/clock                        {"data":{"now":"..."}}
//	POST /_mock/v1/clock/advance {"duration":"24h"} same answer, after moving the clock
//	GET  /_mock/v1/payments?conversationId=...  {"data":{"items":[PaymentResponse...]}}
//	GET  /_mock/v1/settings                     {"data":{merchant settings}} (settings.go)
//	POST /_mock/v1/settings {...}               change some settings; same answer
//	GET  /_mock/v1/webhooks?payloadId=&eventType= {"data":{"items":[WebhookRecord...]}}
//
// A Mock holds no package-level state: any number of mocks can run in one
// process without seeing each other. A Mock that sent webhooks owns
// goroutines; Close stops them.
package mock

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Config configures a Mock.
type Config struct {
	// APIKey and SecretKey are the credentials of the one merchant the
	// mock knows. Both are required.
	APIKey, SecretKey string
	// Seed makes ids and bank references deterministic: the same seed and
	// the same sequence of requests give the same ids.
	Seed int64
	// Clock is the time source; nil means the real time. The mock adds its
	// own offset (Advance) on top.
	Clock Clock
	// Location is where "end of day" is judged and createdDate is written;
	// nil means Europe/Istanbul (a fixed +03:00 zone if the host has no
	// tzdata, which is equivalent since 2016).
	Location *time.Location
	// StrictSignature accepts only the percent-decoded URL form of the
	// signature (what five of six official clients sign), rejecting the raw
	// form the Go client signs.
	StrictSignature bool
	// MaxBodyBytes bounds request bodies; 0 means 1 MiB.
	MaxBodyBytes int64
	// Logger, when set, receives one Info record per request (method,
	// path, status, duration), authentication failures (Warn), recovered
	// panics (Error) and one Debug record per payment or refund. Keys,
	// secrets and signatures are never logged; card numbers only masked.
	Logger *slog.Logger

	// CallbackKey is the merchant callback key that hashes the 3-D Secure
	// callbacks (flows.md 2.2); empty means DefaultCallbackKey.
	CallbackKey string
	// Settings are the initial merchant settings (3-D Secure mode and
	// model, webhooks); zero fields take their defaults (see Settings).
	Settings Settings
	// HTTPClient delivers the webhooks; nil means a client of the mock's
	// own with a 10 s timeout. Redirects are never followed.
	HTTPClient *http.Client
	// PublicURL is the base URL browsers reach the mock at, used for the
	// 3-D Secure redirectUrl and the checkout pageUrl. Empty means the
	// scheme and Host of each request (X-Forwarded-Proto honoured), which
	// is right unless a proxy rewrites the Host.
	PublicURL string
}

// DefaultMaxBodyBytes is the body limit when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// maxPooledBuffer is the largest buffer kept for reuse; bigger ones (a
// near-limit body) are left to the garbage collector.
const maxPooledBuffer = 64 << 10

// Mock is an in-process Craftgate sandbox. It is safe for concurrent use.
type Mock struct {
	cfg       Config
	apiKey    []byte
	clock     Clock
	loc       *time.Location
	offset    atomic.Int64 // nanoseconds added to clock by Advance
	maxBody   int64
	log       *slog.Logger
	refKey    uint64
	ids       idGen
	store     *store
	scratch   sync.Pool // *scratch
	cardCache sync.Map  // *craftgate.TestCard -> *cardJSON
	ctJSON    []string  // shared, never modified

	callbackKey string
	publicURL   string
	settings    atomic.Pointer[Settings] // never modified once stored
	settingsMu  sync.Mutex               // serialises UpdateSettings
	hooks       *hooks
	threeDS     sync.Map // payment id (int64) -> *threeDSSession
	checkouts   sync.Map // token (string) -> *checkoutSession
}

// scratch holds one request's reusable state.
type scratch struct {
	call call
	body []byte
	out  []byte
}

// New returns a Mock for cfg.
func New(cfg Config) (*Mock, error) {
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("mock: Config.APIKey is required")
	case cfg.SecretKey == "":
		return nil, errors.New("mock: Config.SecretKey is required")
	case cfg.MaxBodyBytes < 0:
		return nil, fmt.Errorf("mock: Config.MaxBodyBytes must not be negative, got %d", cfg.MaxBodyBytes)
	}
	settings, err := cfg.Settings.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("mock: Config.Settings: %w", err)
	}
	if cfg.PublicURL != "" {
		if err := checkHTTPURL(cfg.PublicURL); err != nil {
			return nil, fmt.Errorf("mock: Config.PublicURL %w", err)
		}
	}
	m := &Mock{
		cfg:     cfg,
		apiKey:  []byte(cfg.APIKey),
		clock:   cfg.Clock,
		loc:     cfg.Location,
		maxBody: cfg.MaxBodyBytes,
		log:     cfg.Logger,
		refKey:  splitmix64(uint64(cfg.Seed) ^ 0x5eed5eed5eed5eed),
		ctJSON:  []string{"application/json"},

		callbackKey: cfg.CallbackKey,
		publicURL:   strings.TrimRight(cfg.PublicURL, "/"),
	}
	if m.callbackKey == "" {
		m.callbackKey = DefaultCallbackKey
	}
	m.settings.Store(&settings)
	m.hooks = newHooks(m, cfg.HTTPClient)
	if m.clock == nil {
		m.clock = realClock{}
	}
	if m.loc == nil {
		m.loc = defaultLocation()
	}
	if m.maxBody == 0 {
		m.maxBody = DefaultMaxBodyBytes
	}
	m.ids.init(cfg.Seed)
	m.store = newStore(&m.ids)
	m.scratch.New = func() any { return &scratch{body: make([]byte, 0, 2048), out: make([]byte, 0, 4096)} }
	return m, nil
}

// call is the state of one request.
type call struct {
	m      *Mock
	w      http.ResponseWriter
	r      *http.Request
	body   []byte
	out    []byte
	id     int64  // the {id} path segment, parsed
	idText string // the {id} (or checkout {token}) path segment as received
	wrote  bool
	status int
}

// en reports whether the request asks for English descriptions (lang: en).
func (c *call) en() bool {
	l := header(c.r.Header, "Lang")
	return len(l) >= 2 && l[0]|0x20 == 'e' && l[1]|0x20 == 'n' && (len(l) == 2 || l[2] == '-' || l[2] == '_')
}

// send writes c.out as the JSON response.
func (c *call) send(status int) {
	c.wrote, c.status = true, status
	c.w.Header()["Content-Type"] = c.m.ctJSON
	c.w.WriteHeader(status)
	_, _ = c.w.Write(c.out)
}

// fail answers with e in the error envelope. Descriptions may echo request
// values; card numbers among them are masked.
func (c *call) fail(e *apiError) {
	if e.allow != "" {
		c.w.Header()["Allow"] = []string{e.allow}
	}
	e.desc = craftgate.MaskPANs(e.desc)
	c.out = appendError(c.out[:0], e)
	c.send(e.status)
}

// ServeHTTP implements http.Handler. Routing errors (404, 405) are answered
// before authentication, so a wrong base path is diagnosed even when the
// signing is broken too; everything else, admin routes included, needs a
// valid signature, except the browser pages (/_mock/acs, /_mock/checkout),
// which a buyer's browser calls and which are protected by their
// unguessable tokens instead. A panic is answered with a 500 in the error envelope and
// the mock keeps serving.
func (m *Mock) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := m.scratch.Get().(*scratch)
	c := &s.call
	*c = call{m: m, w: w, r: r, out: s.out[:0]}
	var start time.Time
	if m.log != nil && m.log.Enabled(r.Context(), slog.LevelInfo) {
		start = time.Now()
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			m.logPanic(r.Context(), r, v)
			if !c.wrote {
				c.fail(&apiError{status: http.StatusInternalServerError, code: CodeInternalError, desc: "internal mock error"})
			}
			m.logRequest(r, c.status, start)
			return // do not pool buffers of a request that panicked
		}
		m.logRequest(r, c.status, start)
		if cap(c.body) <= maxPooledBuffer && cap(c.out) <= maxPooledBuffer {
			s.body, s.out = c.body[:0], c.out[:0]
			*c = call{} // drop the request and writer
			m.scratch.Put(s)
		}
	}()

	rt, idText, ok := matchRoute(r.URL.Path)
	if !ok {
		c.fail(errNotFound(CodeRouteNotFound, "no route "+truncate(r.URL.Path, 100)))
		return
	}
	if r.Method != rt.method {
		if rt.alt == nil || r.Method != rt.alt.method {
			allow := rt.allow()
			c.fail(&apiError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed, allow: allow,
				desc: "method " + truncate(r.Method, 20) + " is not allowed on " + r.URL.Path + "; use " + allow})
			return
		}
		rt = *rt.alt
	}
	if idText != "" {
		c.idText, c.id = idText, parseID(idText)
	}
	if rt.page {
		// Browser pages: no signature; the handler reads the form.
		rt.handler(m, c)
		return
	}
	body, err := readBody(r, m.maxBody, s.body)
	c.body = body
	switch {
	case errors.Is(err, errBodyTooLarge):
		c.fail(&apiError{status: http.StatusRequestEntityTooLarge, code: CodeBodyTooLarge,
			desc: fmt.Sprintf("request body exceeds %d bytes", m.maxBody)})
		return
	case err != nil:
		c.fail(errValidation(CodeMalformedJSON, "request body could not be read"))
		return
	}
	if e := m.authenticate(r, body); e != nil {
		m.logAuthFailure(r, e)
		c.fail(e)
		return
	}
	if rt.body && !isJSONContentType(header(r.Header, "Content-Type")) {
		c.fail(&apiError{status: http.StatusUnsupportedMediaType, code: CodeUnsupportedMediaType,
			desc: "Content-Type must be application/json, got " + truncate(quotedOrNone(header(r.Header, "Content-Type")), 60)})
		return
	}
	rt.handler(m, c)
}

// quotedOrNone quotes a header value for an error description.
func quotedOrNone(s string) string {
	if s == "" {
		return "none"
	}
	return string(appendString(nil, s))
}

// logRequest writes the access-log record of a request whose start was
// taken (only when Info is enabled).
func (m *Mock) logRequest(r *http.Request, status int, start time.Time) {
	if start.IsZero() {
		return
	}
	m.log.LogAttrs(r.Context(), slog.LevelInfo, "mock: request",
		slog.String("method", r.Method), slog.String("path", craftgate.MaskPANs(r.URL.Path)),
		slog.Int("status", status), slog.Duration("duration", time.Since(start)))
}

func (m *Mock) logAuthFailure(r *http.Request, e *apiError) {
	if m.log == nil {
		return
	}
	// Never the key, the secret or the signature.
	m.log.LogAttrs(r.Context(), slog.LevelWarn, "mock: authentication failed",
		slog.String("code", e.code), slog.String("reason", e.desc),
		slog.String("method", r.Method), slog.String("path", craftgate.MaskPANs(r.URL.Path)), slog.String("remote", r.RemoteAddr))
}

func (m *Mock) logPanic(ctx context.Context, r *http.Request, v any) {
	if m.log == nil {
		return
	}
	m.log.LogAttrs(ctx, slog.LevelError, "mock: recovered panic",
		slog.String("panic", craftgate.MaskPANs(fmt.Sprint(v))), slog.String("method", r.Method), slog.String("path", craftgate.MaskPANs(r.URL.Path)))
}
