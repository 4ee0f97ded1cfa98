// Package mock is gatecheck's in-process Craftgate sandbox: an
// http.Handler that checks the signature of, validates and answers the card
// payment (non-3DS and 3-D Secure), pre-authorisation and post-auth
// (preauth.go), checkout form, retrieve, refund, stored-card (cards.go),
// installment and BIN (installments.go), member (members.go), wallet
// (wallet.go, walletpay.go, wallet_refunds.go), marketplace
// (marketplace.go), pay-by-link product (products.go), reward (loyalty.go)
// and fraud (fraud.go) endpoints the way the sandbox
// documents them, with outcomes taken from the
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
//	GET|POST /_mock/link/{token}             a pay-by-link product's card form (products.go)
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
//	GET  /_mock/v1/faults                       {"data":{fault configuration}} (faults.go)
//	POST /_mock/v1/faults {...}                 replace the fault configuration; same answer
//	GET  /_mock/v1/stats                        {"data":{store counts}} (store.go)
//
// Reliability: fault and latency injection per operation and bank outages
// (faults.go), a concurrency limit answering 503 instead of queueing
// (Config.MaxConcurrent), a bounded store that evicts the oldest payments
// (Config.StoreCapacity, store.go), a state file that survives restarts
// (Config.StateFile, state.go), and request bodies refused when they are
// not UTF-8 or name a JSON member twice (decode.go).
//
// A Mock holds no package-level state: any number of mocks can run in one
// process without seeing each other. A Mock that sent webhooks or keeps a
// state file owns goroutines; Close stops them.
package mock

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
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
	// BodyReadTimeout bounds the reading of one request's body (a read
	// deadline set when the body is read, lifted after): a client that
	// stalls is answered 408 (CodeBodyTimeout). 0 means
	// DefaultBodyReadTimeout; negative means no deadline.
	BodyReadTimeout time.Duration
	// Logger, when set, receives one Info record per request (method,
	// path, status, duration), authentication failures (Warn), recovered
	// panics (Error) and one Debug record per payment or refund. Keys,
	// secrets and signatures are never logged; card numbers only masked.
	Logger *slog.Logger

	// CallbackKey is the merchant callback key that hashes the 3-D Secure
	// callbacks (docs/reference/craftgate/flows.md 2.2); empty means DefaultCallbackKey.
	CallbackKey string
	// Settings are the initial merchant settings (3-D Secure mode and
	// model, webhooks); zero fields take their defaults (see Settings).
	Settings Settings
	// HTTPClient delivers the webhooks; nil means a client of the mock's
	// own with a 10 s timeout. Redirects are never followed.
	HTTPClient *http.Client
	// PublicURL is the base URL browsers reach the mock at, used for the
	// 3-D Secure redirectUrl and the checkout pageUrl. Empty means the
	// scheme and Host of each request (X-Forwarded-Proto honoured only with
	// TrustProxy), which is right unless a proxy rewrites the Host.
	PublicURL string
	// TrustProxy honours X-Forwarded-Proto as the scheme of the URL a
	// request was signed over and of the pages' URLs: set it only when the
	// mock runs behind a proxy that sets (and overwrites) the header, since
	// without one any client can send it.
	TrustProxy bool

	// Faults is the initial fault and latency injection (faults.go). The
	// admin route /_mock/v1/faults replaces it at run time.
	Faults FaultConfig
	// MaxConcurrent bounds the API calls and page requests in flight:
	// beyond it a request is answered at once with HTTP 503 in the error
	// envelope (CodeOverloaded, Retry-After: 1) instead of waiting in a
	// queue. The /_mock/v1 admin routes are not counted, so that an
	// overloaded mock can still be inspected and reconfigured. 0 means no
	// limit.
	MaxConcurrent int
	// StoreCapacity bounds the payments the store keeps; the oldest are
	// evicted beyond it (store.go states the rule). 0 means
	// DefaultStoreCapacity; a negative value means no bound.
	StoreCapacity int
	// StoredCardCapacity bounds the stored cards, and separately the card
	// users and the records of cards stored by payments: beyond it a card
	// is refused (HTTP 507, CodeVaultFull) and a payment that asks to
	// store its card goes through without storing it. 0 means
	// DefaultStoredCardCapacity; a negative value means no bound.
	StoredCardCapacity int
	// StoreTextBudget bounds the bytes of the stored payments' strings
	// (conversationIds, names, item names...): beyond it the oldest
	// payments are evicted as beyond StoreCapacity, so that the store's
	// memory is bounded in bytes, not only in payments. 0 means
	// DefaultStoreTextBudget; a negative value means no bound.
	StoreTextBudget int64
	// ThreeDSLifetime is how long after its 3ds-init, on the mock clock, a
	// 3-D Secure payment still waiting for verification or completion is
	// never evicted; 0 means DefaultThreeDSLifetime.
	ThreeDSLifetime time.Duration
	// StateFile, when set, is where the mock keeps its state across
	// restarts (state.go): restored by New when the file exists, written
	// every SnapshotInterval and by Close.
	StateFile string
	// SnapshotInterval is the period of the state file's snapshots while
	// the mock runs with StateSyncPeriodic; 0 means
	// DefaultSnapshotInterval, negative means only at Close.
	SnapshotInterval time.Duration
	// StateSync is how the state file keeps acknowledged writes
	// (durable.go): StateSyncEveryWrite (the default when empty) answers
	// a write only once a snapshot holding it is on disk, so a crash
	// loses none; StateSyncPeriodic (opt-in) snapshots every
	// SnapshotInterval and loses up to one interval in a crash.
	StateSync string

	// PostAuthMargin is the largest post-auth paidPrice as a multiple of
	// the pre-authorised amount, between 1 and 5; zero means
	// DefaultPostAuthMargin, 1.5 (preauth.go).
	PostAuthMargin decimal.Decimal
	// DisabledAPMs are apmTypes (APM or BNPL) not enabled for the merchant
	// in the panel: their init and offers are refused (apm.go).
	DisabledAPMs []string
}

// DefaultMaxBodyBytes is the body limit when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// DefaultStoredCardCapacity is the stored-card capacity when
// Config.StoredCardCapacity is 0: far more cards than a merchant's test
// buyers store, at under 300 bytes each.
const DefaultStoredCardCapacity = 100_000

// DefaultStoreTextBudget is the byte budget of the stored payments'
// strings when Config.StoreTextBudget is 0: about 1.5 times what
// DefaultStoreCapacity payments of typical size hold (a conversationId, a
// holder name, two or three item names: ~170 bytes each).
const DefaultStoreTextBudget = 512 << 20

// DefaultBodyReadTimeout is the body read deadline when
// Config.BodyReadTimeout is 0: far beyond what a 1 MiB body needs on any
// link a payment test runs over, short enough that stalled clients are
// let go soon.
const DefaultBodyReadTimeout = 10 * time.Second

// maxPooledBuffer is the largest buffer kept for reuse; bigger ones (a
// near-limit body) are left to the garbage collector.
const maxPooledBuffer = 64 << 10

// Mock is an in-process Craftgate sandbox. It is safe for concurrent use.
type Mock struct {
	cfg     Config
	apiKey  []byte
	clock   Clock
	loc     *time.Location
	offset  atomic.Int64 // nanoseconds added to clock by Advance
	maxBody int64
	// bodyTimeout is Config.BodyReadTimeout with its default.
	bodyTimeout time.Duration
	log         *slog.Logger
	refKey      uint64
	ids         idGen
	store       *store
	scratch     sync.Pool // *scratch
	routes      *router   // the compiled route table (routetable.go)
	cardCache   sync.Map  // *craftgate.TestCard -> *cardJSON
	ctJSON      []string  // shared, never modified

	callbackKey string
	publicURL   string
	settings    atomic.Pointer[Settings] // never modified once stored
	settingsMu  sync.Mutex               // serialises UpdateSettings
	hooks       *hooks
	threeDS     sync.Map // payment id (int64) -> *threeDSSession
	checkouts   sync.Map // token (string) -> *checkoutSession
	apm         apmStore // APM payments (apm.go)
	tokens      tokenQueue

	// disabledAPMs is Config.DisabledAPMs as a set; read-only.
	disabledAPMs map[string]bool

	faults    atomic.Pointer[faultSet] // nil: no faults
	maxConc   int64
	inflight  atomic.Int64
	drain     chan struct{} // closed by Drain
	drainOnce sync.Once
	snap      *snapshotter // nil without a state file

	postAuthFactor money // Config.PostAuthMargin in money units per unit (preauth.go)

	book     book         // members and wallets (members.go, wallet.go)
	market   market       // marketplace approvals (marketplace.go)
	recon    recon        // payout accounts, withdrawals, bank transfers, report demands (settlement.go)
	products productStore // pay-by-link products (products.go)
	fraud    fraudStore   // fraud value lists and checks (fraud.go)

	fixtures   atomic.Pointer[Fixtures] // nil until SeedFixtures (fixtures.go)
	fixturesMu sync.Mutex               // serialises SeedFixtures
	side       sideTable                // rewards and fraud results of payments (side.go)
	pm         methodState              // wallet methods, card verification, POSes... (walletpage.go)
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
	case cfg.MaxConcurrent < 0:
		return nil, fmt.Errorf("mock: Config.MaxConcurrent must not be negative, got %d", cfg.MaxConcurrent)
	case cfg.ThreeDSLifetime < 0:
		return nil, fmt.Errorf("mock: Config.ThreeDSLifetime must not be negative, got %s", cfg.ThreeDSLifetime)
	case cfg.StateSync != "" && cfg.StateSync != StateSyncEveryWrite && cfg.StateSync != StateSyncPeriodic:
		return nil, fmt.Errorf("mock: Config.StateSync must be %q or %q, got %q", StateSyncEveryWrite, StateSyncPeriodic, cfg.StateSync)
	}
	settings, err := cfg.Settings.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("mock: Config.Settings: %w", err)
	}
	postAuthFactor, err := postAuthFactor(cfg.PostAuthMargin)
	if err != nil {
		return nil, fmt.Errorf("mock: Config.PostAuthMargin %w", err)
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
		maxConc:     int64(cfg.MaxConcurrent),
		drain:       make(chan struct{}),

		postAuthFactor: postAuthFactor,
		disabledAPMs:   disabledAPMs(cfg.DisabledAPMs),
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
	switch m.bodyTimeout = cfg.BodyReadTimeout; {
	case m.bodyTimeout == 0:
		m.bodyTimeout = DefaultBodyReadTimeout
	case m.bodyTimeout < 0:
		m.bodyTimeout = 0
	}
	m.ids.init(cfg.Seed)
	m.book.initBook(cfg.Seed)
	capacity := cfg.StoreCapacity
	if capacity == 0 {
		capacity = DefaultStoreCapacity
	}
	lifetime := cfg.ThreeDSLifetime
	if lifetime == 0 {
		lifetime = DefaultThreeDSLifetime
	}
	m.store = newStore(&m.ids, capacity, lifetime, m.nowUnix, m.forgetThreeDS)
	switch n := cfg.StoredCardCapacity; {
	case n == 0:
		m.store.vault.capacity = DefaultStoredCardCapacity
	case n > 0:
		m.store.vault.capacity = n
	}
	switch b := cfg.StoreTextBudget; {
	case b == 0:
		m.store.textBudget = DefaultStoreTextBudget
	case b > 0:
		m.store.textBudget = b
	}
	m.tokens.capacity = capacity
	m.hooks.capacity = capacity
	routes, err := newRouter(routeTable())
	if err != nil {
		return nil, err
	}
	m.routes = routes
	m.scratch.New = func() any { return &scratch{body: make([]byte, 0, 2048), out: make([]byte, 0, 4096)} }
	if err := m.SetFaults(cfg.Faults); err != nil {
		return nil, fmt.Errorf("mock: Config.Faults: %w", err)
	}
	if cfg.StateFile != "" {
		if err := m.openState(); err != nil {
			return nil, err
		}
	}
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
	idText string // the route's last wildcard segment ({id}, {token}...) as received
	params pathValues
	wrote  bool
	status int
}

// param returns the path segment of the route's wildcard {name}.
func (c *call) param(name string) string { return c.params.get(name) }

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

// sendEmpty answers status with no body.
func (c *call) sendEmpty(status int) {
	c.wrote, c.status = true, status
	c.w.WriteHeader(status)
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
	counted := false
	defer func() {
		if counted {
			m.inflight.Add(-1)
		}
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

	var vals [maxParams]string
	node := m.routes.match(r.URL.Path, &vals)
	if node == nil {
		c.fail(errNotFound(CodeRouteNotFound, "no route "+truncate(r.URL.Path, 100)))
		return
	}
	mr, allow := node.find(r.Method)
	if mr == nil {
		c.fail(&apiError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed, allow: allow,
			desc: "method " + truncate(r.Method, 20) + " is not allowed on " + r.URL.Path + "; use " + allow})
		return
	}
	rt := &mr.route
	// The body is read first, under a read deadline, and only then does
	// the request count against MaxConcurrent: a client that sends
	// headers and then stalls holds no slot, and its goroutine and
	// connection for at most BodyReadTimeout.
	body, err := m.readRequestBody(w, r, s.body)
	c.body = body
	switch {
	case errors.Is(err, errBodyTooLarge):
		c.fail(&apiError{status: http.StatusRequestEntityTooLarge, code: CodeBodyTooLarge,
			desc: fmt.Sprintf("request body exceeds %d bytes", m.maxBody)})
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.fail(&apiError{status: http.StatusRequestTimeout, code: CodeBodyTimeout,
			desc: fmt.Sprintf("the request body did not arrive within %s", m.bodyTimeout)})
		return
	case err != nil:
		c.fail(errValidation(CodeMalformedJSON, "request body could not be read"))
		return
	}
	if m.maxConc > 0 && rt.op != opAdmin {
		counted = true
		if m.inflight.Add(1) > m.maxConc {
			c.w.Header()["Retry-After"] = []string{"1"}
			c.fail(&apiError{status: http.StatusServiceUnavailable, code: CodeOverloaded,
				desc: "the mock is at its limit of " + strconv.FormatInt(m.maxConc, 10) +
					" requests in flight; the request was not processed, retry later"})
			return
		}
	}
	if mr.n > 0 {
		c.params = pathValues{names: &mr.params, values: vals, n: mr.n}
		c.idText = vals[mr.n-1]
		c.id = parseID(c.idText)
	}
	if rt.kind == page {
		// Browser pages: no signature; the handler parses the form from
		// the body already read.
		r.Body = io.NopCloser(bytes.NewReader(body))
		m.durableAnswer(c)
		m.dispatch(c, rt)
		return
	}
	if e := m.authenticate(r, body); e != nil {
		m.logAuthFailure(r, e)
		c.fail(e)
		return
	}
	if rt.kind == signedJSON && !isJSONContentType(header(r.Header, "Content-Type")) {
		c.fail(&apiError{status: http.StatusUnsupportedMediaType, code: CodeUnsupportedMediaType,
			desc: "Content-Type must be application/json, got " + truncate(quotedOrNone(header(r.Header, "Content-Type")), 60)})
		return
	}
	m.durableAnswer(c)
	m.dispatch(c, rt)
}

// dispatch runs the route's handler, with the installed faults.
func (m *Mock) dispatch(c *call, rt *route) {
	if rt.op != opAdmin {
		if fs := m.faults.Load(); fs != nil {
			m.inject(c, rt, fs)
			return
		}
	}
	m.run(c, rt)
}

// run calls the route's handler and writes the error it returns in the
// provider's envelope.
func (m *Mock) run(c *call, rt *route) {
	err := rt.handle(m, c)
	if e, ok := err.(*apiError); err == nil || ok && e == nil || c.wrote {
		return // answered (a typed nil *apiError is no error)
	}
	c.fail(asAPIError(err))
}

// durableAnswer makes a request that may change the state wait, before
// its answer, for the group commit of a snapshot holding the change
// (durable.go). Only requests past authentication (and the pages) wait:
// an unauthenticated client cannot make the mock write snapshots.
func (m *Mock) durableAnswer(c *call) {
	if m.snap != nil && m.snap.commit != nil && c.r.Method != http.MethodGet && c.r.Method != http.MethodHead {
		c.w = &durableWriter{ResponseWriter: c.w, c: c}
	}
}

// readRequestBody reads the body under the per-request read deadline
// (Config.BodyReadTimeout), then lifts the deadline. A writer that cannot
// set deadlines (httptest's recorder) reads without one. A body that could
// not be read closes the connection after the answer. The deadline is set
// through the method http.ResponseController would call, asserted directly
// to save the controller's allocation on every request.
func (m *Mock) readRequestBody(w http.ResponseWriter, r *http.Request, buf []byte) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return buf[:0], nil
	}
	dl, ok := w.(readDeadliner)
	if !ok || m.bodyTimeout <= 0 {
		return readBody(r, m.maxBody, buf)
	}
	set := dl.SetReadDeadline(time.Now().Add(m.bodyTimeout)) == nil
	b, err := readBody(r, m.maxBody, buf)
	switch {
	case err != nil:
		// Leave the deadline and close the connection after the answer:
		// otherwise the server would wait, before answering, for the
		// rest of a body that is not coming, to reuse the connection.
		w.Header().Set("Connection", "close")
	case set:
		_ = dl.SetReadDeadline(time.Time{})
	}
	return b, err
}

// readDeadliner is what net/http's response writer implements for
// http.ResponseController.SetReadDeadline.
type readDeadliner interface {
	SetReadDeadline(time.Time) error
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
