package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Fault and latency injection, so that a merchant's retry, timeout and
// idempotency behaviour can be tested against the mock.
//
// A FaultConfig is a list of rules and a list of bank outages. It comes from
// Config.Faults, from a JSON file (ParseFaults; the CLI's --faults), or from
// the signed admin route, which replaces it at run time:
//
//	GET  /_mock/v1/faults     {"data":FaultConfig} (counts are what is left; fired and spent are read-only)
//	POST /_mock/v1/faults     a FaultConfig; replaces the whole configuration; {} clears it
//
// Example (every field is optional except operation, and fault or latency):
//
//	{
//	  "seed": 7,
//	  "rules": [
//	    {"operation": "*", "latency": {"dist": "lognormal", "median": "20ms", "sigma": 0.5, "max": "2s"}},
//	    {"operation": "POST /payment/v1/card-payments", "fault": "error", "status": 503, "count": 2},
//	    {"operation": "POST /payment/v1/card-payments", "fault": "reset", "rate": 0.01, "after": true},
//	    {"operation": "POST /payment/v1/refunds", "fault": "rateLimit", "rate": 0.05, "retryAfter": "2s"},
//	    {"operation": "GET /payment/v1/card-payments/{id}", "fault": "timeout", "rate": 0.001, "hold": "30s"},
//	    {"operation": "*", "fault": "slowBody", "rate": 0.01, "chunk": 64, "every": "50ms"}
//	  ],
//	  "outages": [
//	    {"bank": "GARANTİ", "from": "+0s", "until": "+10m", "errorGroup": "ISSUER_OR_SWITCH_INOPERATIVE"},
//	    {"bins": ["454671"], "from": "2026-03-10T12:00:00", "until": "2026-03-10T12:30:00", "errorGroup": "NO_RESPONSE"}
//	  ]
//	}
//
// Rules. operation is "*" (every API operation and browser page; never the
// /_mock/v1 admin routes) or one of Operations(), e.g. "POST
// /payment/v1/card-payments" or "GET /payment/v1/card-payments/{id}".
//
//   - latency delays the request before it is processed: "fixed" (value),
//     "uniform" (min, max) or "lognormal" (median, sigma, capped at max,
//     default MaxHold). Of the rules matching an operation, the first one
//     naming the operation itself gives its latency, else the first "*"
//     one. A client that gives up during the delay cancels the request: it
//     is not processed.
//   - fault is one of:
//     "error": answer status (500-599, default 503) in the error envelope,
//     code CodeInjectedError, with Retry-After when retryAfter is set;
//     "rateLimit": HTTP 429 with the catalogue's TOO_MANY_REQUESTS payment
//     error group and Retry-After (retryAfter, default 1s);
//     "timeout": hold the request until the client gives up or hold
//     (default DefaultHold, at most MaxHold) passes, then answer 504
//     (CodeInjectedTimeout);
//     "reset": hijack the connection and close it (TCP RST where the
//     platform allows; an aborted stream over HTTP/2);
//     "slowBody": process the request and trickle the answer, chunk bytes
//     (default 16) every "every" (default 100ms), MaxHold at most.
//   - rate is the probability (0 to 1) that the rule fires on a matching
//     call; count, when set, limits it to that many firings ("the next 2
//     calls": count 2, rate defaulting to 1). Rules are tried in order and
//     the first one that fires applies.
//   - after (error, timeout, reset) processes the request first and then
//     loses or replaces its answer: the payment or refund exists although
//     the client saw a failure, which is what idempotent retries must
//     cope with. Without it the request is not processed at all.
//
// Draws are deterministic: each rule has its own counter-based stream
// seeded by seed (default Config.Seed) and the rule's position, so the n-th
// call matching a rule always draws the same number, whatever the timing.
//
// Outages. During [from, until) on the mock clock, payments (create
// payment, 3ds-init, 3ds-complete, checkout page) with a card whose issuer
// bank name contains bank (case-insensitive, dotted and dotless i alike:
// "garanti" matches "T. GARANTİ BANKASI A.Ş.") or whose number starts with
// one of bins fail like a bank decline: HTTP 422 with errorGroup (default
// ISSUER_OR_SWITCH_INOPERATIVE; any catalogue group) and its code, a stored
// FAILURE payment and an API_AUTH webhook. from and until are
// "2006-01-02T15:04:05" in the mock's Location, RFC 3339, or "+duration",
// relative to the mock clock when the configuration is installed; from
// defaults to then, until to never. Refunds are not affected.
//
// Injected faults and delays are cut short when the mock drains (Drain,
// Close): delays and holds end at once, held requests answer 504, slow
// bodies are written out.

// Fault kinds (FaultRule.Fault).
const (
	FaultError     = "error"
	FaultRateLimit = "rateLimit"
	FaultTimeout   = "timeout"
	FaultReset     = "reset"
	FaultSlowBody  = "slowBody"
)

// Latency distributions (Latency.Dist).
const (
	LatencyFixed     = "fixed"
	LatencyUniform   = "uniform"
	LatencyLognormal = "lognormal"
)

// Bounds of injected delays.
const (
	// MaxHold bounds every injected delay: latencies, timeout holds and
	// the whole of a slow body.
	MaxHold = 5 * time.Minute
	// DefaultHold is how long a "timeout" fault holds a request.
	DefaultHold = 30 * time.Second
	// DefaultOutageGroup is the error group of a bank outage.
	DefaultOutageGroup = "ISSUER_OR_SWITCH_INOPERATIVE"

	maxFaultRules     = 100
	maxOutages        = 100
	defaultSlowChunk  = 16
	maxSlowChunk      = 1 << 20
	defaultSlowEvery  = 100 * time.Millisecond
	maxSlowEvery      = 10 * time.Second
	defaultRetryAfter = time.Second
	maxRetryAfter     = time.Hour
	tooManyRequests   = "TOO_MANY_REQUESTS"
)

// FaultConfig is the mock's fault and latency injection (see faults.go for
// the semantics). Its JSON form is the --faults file and the body of POST
// /_mock/v1/faults.
type FaultConfig struct {
	// Seed seeds the draws; nil means Config.Seed.
	Seed *int64 `json:"seed,omitempty"`
	// Rules are tried in order.
	Rules []FaultRule `json:"rules,omitempty"`
	// Outages are bank outage windows on the mock clock.
	Outages []BankOutage `json:"outages,omitempty"`
}

// FaultRule is one fault and/or latency rule.
type FaultRule struct {
	// Operation is "*" or one of Operations().
	Operation string `json:"operation"`
	// Latency delays matching requests.
	Latency *Latency `json:"latency,omitempty"`
	// Fault is FaultError, FaultRateLimit, FaultTimeout, FaultReset or
	// FaultSlowBody; empty for a latency-only rule.
	Fault string `json:"fault,omitempty"`
	// Rate is the probability that the fault fires (0..1).
	Rate float64 `json:"rate,omitempty"`
	// Count limits the firings; 0 means no limit. The admin route's GET
	// answers what is left.
	Count int64 `json:"count,omitempty"`
	// After processes the request before the fault (error, timeout, reset).
	After bool `json:"after,omitempty"`
	// Status is the HTTP status of an error fault, 500..599 (default 503).
	Status int `json:"status,omitempty"`
	// RetryAfter is the Retry-After of error and rateLimit answers, e.g.
	// "2s" (rateLimit default 1s; whole seconds, rounded up).
	RetryAfter string `json:"retryAfter,omitempty"`
	// Hold is how long a timeout fault holds the request (default 30s).
	Hold string `json:"hold,omitempty"`
	// Chunk and Every shape a slow body: Chunk bytes every Every.
	Chunk int    `json:"chunk,omitempty"`
	Every string `json:"every,omitempty"`
	// Fired is how often the rule fired since it was installed. Read-only:
	// the admin route answers it and ignores it on input.
	Fired int64 `json:"fired,omitempty"`
	// Spent marks a rule whose count is used up (GET answers it). A rule
	// posted with spent true keeps only its latency, if any.
	Spent bool `json:"spent,omitempty"`
}

// Latency is a delay distribution. Durations are Go duration strings.
type Latency struct {
	// Dist is LatencyFixed, LatencyUniform or LatencyLognormal.
	Dist string `json:"dist"`
	// Value is the fixed delay.
	Value string `json:"value,omitempty"`
	// Min and Max bound a uniform delay; Max also caps a lognormal one.
	Min string `json:"min,omitempty"`
	Max string `json:"max,omitempty"`
	// Median and Sigma shape a lognormal delay: exp(ln(median) + sigma·Z).
	Median string  `json:"median,omitempty"`
	Sigma  float64 `json:"sigma,omitempty"`
}

// BankOutage is a window during which one bank's cards fail.
type BankOutage struct {
	// Bank is matched against the card's issuer bank name.
	Bank string `json:"bank,omitempty"`
	// BINs are card number prefixes (1 to 8 digits).
	BINs []string `json:"bins,omitempty"`
	// From and Until bound the window (see faults.go).
	From  string `json:"from,omitempty"`
	Until string `json:"until,omitempty"`
	// ErrorGroup is the catalogue error group answered.
	ErrorGroup string `json:"errorGroup,omitempty"`
}

// ParseFaults decodes a fault configuration file (JSON). Unknown fields
// are errors, so that a typo does not silently disable a fault. The
// configuration is checked against the mock's clock when installed.
func ParseFaults(b []byte) (FaultConfig, error) {
	var cfg FaultConfig
	if e := decodeJSON(b, &cfg); e != nil {
		return FaultConfig{}, fmt.Errorf("mock: faults: %s", e.desc)
	}
	if err := strictFaults(b, &cfg); err != nil {
		return FaultConfig{}, fmt.Errorf("mock: faults: %w", err)
	}
	return cfg, nil
}

// strictFaults decodes b again refusing unknown fields.
func strictFaults(b []byte, cfg *FaultConfig) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(cfg); err != nil {
		return err
	}
	return nil
}

// faultKind is a compiled FaultRule.Fault.
type faultKind uint8

const (
	kindNone faultKind = iota
	kindError
	kindRateLimit
	kindTimeout
	kindReset
	kindSlowBody
)

// faultSet is an installed FaultConfig. It is immutable but for the
// rules' counters.
type faultSet struct {
	seed    int64
	rules   []*faultRule
	byOp    [][]*faultRule // op -> rules with a fault, in order
	latency []*faultRule   // op -> the rule giving the operation's latency
	outages []*outage
}

// faultRule is a compiled FaultRule.
type faultRule struct {
	spec      FaultRule // normalised, Count and Fired as installed
	index     int
	key       uint64
	all       bool
	op        op
	kind      faultKind
	always    bool   // rate 1
	threshold uint64 // fires when the draw is below it
	limited   bool
	remaining atomic.Int64
	fired     atomic.Int64
	calls     atomic.Uint64 // fault draws so far
	latCalls  atomic.Uint64 // latency draws so far
	status    int
	retry     string // Retry-After header value, "" for none
	hold      time.Duration
	chunk     int
	every     time.Duration
	lat       *latencyDist
}

// latencyDist is a compiled Latency.
type latencyDist struct {
	dist      string
	a, b      time.Duration // fixed: a; uniform: [a, b]; lognormal: median a, cap b
	sigma, mu float64
}

// outage is a compiled BankOutage.
type outage struct {
	spec        BankOutage // with absolute From and Until
	bank        string     // folded
	bins        []string
	from, until time.Time
	group       string
	code        string
	label       string
	index       uint8 // 1 + the group's index in groupNames
}

// foldBank folds a bank name for matching: upper case, with the Turkish
// dotted and dotless i (İ, ı) and i all read as I.
func foldBank(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'İ', 'ı', 'i':
			return 'I'
		}
		return unicode.ToUpper(r)
	}, s)
}

// parseSpecDuration parses an optional duration field.
func parseSpecDuration(field, v string, def, max time.Duration, allowZero bool) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || (d == 0 && !allowZero) || d > max {
		lo := "positive"
		if allowZero {
			lo = "non-negative"
		}
		return 0, fmt.Errorf("%s must be a %s Go duration of at most %s, got %q", field, lo, max, truncate(v, 40))
	}
	return d, nil
}

// compileFaults checks cfg and compiles it, resolving relative outage
// windows on the mock clock; nil for an empty configuration.
func (m *Mock) compileFaults(cfg FaultConfig) (*faultSet, error) {
	if len(cfg.Rules) == 0 && len(cfg.Outages) == 0 {
		return nil, nil
	}
	if len(cfg.Rules) > maxFaultRules {
		return nil, fmt.Errorf("at most %d rules, got %d", maxFaultRules, len(cfg.Rules))
	}
	if len(cfg.Outages) > maxOutages {
		return nil, fmt.Errorf("at most %d outages, got %d", maxOutages, len(cfg.Outages))
	}
	nOps := len(m.routes.names)
	fs := &faultSet{seed: m.cfg.Seed, byOp: make([][]*faultRule, nOps), latency: make([]*faultRule, nOps)}
	if cfg.Seed != nil {
		fs.seed = *cfg.Seed
	}
	for i, spec := range cfg.Rules {
		r, err := compileRule(m.routes, i, spec, fs.seed)
		if err != nil {
			return nil, fmt.Errorf("rules[%d]: %w", i, err)
		}
		fs.rules = append(fs.rules, r)
	}
	for o := op(1); int(o) < nOps; o++ {
		for _, r := range fs.rules {
			if !r.all && r.op != o {
				continue
			}
			if r.kind != kindNone {
				fs.byOp[o] = append(fs.byOp[o], r)
			}
			if r.lat != nil && (fs.latency[o] == nil || (fs.latency[o].all && !r.all)) {
				fs.latency[o] = r
			}
		}
	}
	now := m.Now()
	for i, spec := range cfg.Outages {
		o, err := m.compileOutage(spec, now)
		if err != nil {
			return nil, fmt.Errorf("outages[%d]: %w", i, err)
		}
		fs.outages = append(fs.outages, o)
	}
	return fs, nil
}

func compileRule(routes *router, i int, spec FaultRule, seed int64) (*faultRule, error) {
	spec.Fired, spec.Spent = 0, false
	r := &faultRule{index: i, key: splitmix64(uint64(seed) ^ uint64(i+1)*0xd6e8feb86659fd93)}
	if spec.Operation == "*" {
		r.all = true
	} else if k, ok := routes.opByName(spec.Operation); ok {
		r.op = k
	} else {
		return nil, fmt.Errorf("operation %q is not \"*\" nor one of: %s", truncate(spec.Operation, 60), strings.Join(routes.names[1:], ", "))
	}
	if spec.Latency != nil {
		l, err := compileLatency(*spec.Latency)
		if err != nil {
			return nil, fmt.Errorf("latency: %w", err)
		}
		r.lat = l
	}
	if spec.Fault == "" {
		if r.lat == nil {
			return nil, errors.New("a rule needs a fault or a latency")
		}
		if spec.Rate != 0 || spec.Count != 0 || spec.After || spec.Status != 0 || spec.RetryAfter != "" || spec.Hold != "" || spec.Chunk != 0 || spec.Every != "" {
			return nil, errors.New("rate, count, after, status, retryAfter, hold, chunk and every need a fault")
		}
		r.spec = spec
		return r, nil
	}
	kind, ok := faultKindOf(spec.Fault)
	if !ok {
		return nil, fmt.Errorf("fault must be %s, %s, %s, %s or %s, got %q", FaultError, FaultRateLimit, FaultTimeout, FaultReset, FaultSlowBody, truncate(spec.Fault, 30))
	}
	r.kind = kind
	if err := r.compileFiring(&spec); err != nil {
		return nil, err
	}
	if err := checkKindFields(r.kind, &spec); err != nil {
		return nil, err
	}
	if err := r.compileKindParams(&spec); err != nil {
		return nil, err
	}
	r.spec = spec
	return r, nil
}

// faultKindOf returns the kind of a FaultRule.Fault.
func faultKindOf(fault string) (faultKind, bool) {
	switch fault {
	case FaultError:
		return kindError, true
	case FaultRateLimit:
		return kindRateLimit, true
	case FaultTimeout:
		return kindTimeout, true
	case FaultReset:
		return kindReset, true
	case FaultSlowBody:
		return kindSlowBody, true
	}
	return kindNone, false
}

// compileFiring reads when a fault fires: rate and count (a rule with a
// count only fires every time until the count is spent).
func (r *faultRule) compileFiring(spec *FaultRule) error {
	switch {
	case math.IsNaN(spec.Rate) || spec.Rate < 0 || spec.Rate > 1:
		return errors.New("rate must be a probability from 0 to 1")
	case spec.Count < 0:
		return errors.New("count must not be negative")
	case spec.Rate == 0 && spec.Count == 0:
		return errors.New("a fault needs a rate above 0 or a count")
	case spec.Rate == 0:
		spec.Rate = 1
	}
	r.always = spec.Rate >= 1
	if !r.always {
		r.threshold = uint64(spec.Rate * (1 << 63) * 2) // below 2^64
	}
	r.limited = spec.Count > 0
	r.remaining.Store(spec.Count)
	return nil
}

// checkKindFields refuses fields that do not apply to the fault's kind.
func checkKindFields(kind faultKind, spec *FaultRule) error {
	switch {
	case spec.After && kind != kindError && kind != kindTimeout && kind != kindReset:
		return fmt.Errorf("after applies to %s, %s and %s faults only", FaultError, FaultTimeout, FaultReset)
	case spec.Status != 0 && kind != kindError:
		return errors.New("status applies to error faults only")
	case spec.RetryAfter != "" && kind != kindError && kind != kindRateLimit:
		return errors.New("retryAfter applies to error and rateLimit faults only")
	case spec.Hold != "" && kind != kindTimeout:
		return errors.New("hold applies to timeout faults only")
	case (spec.Chunk != 0 || spec.Every != "") && kind != kindSlowBody:
		return errors.New("chunk and every apply to slowBody faults only")
	}
	return nil
}

// compileKindParams reads the kind's own parameters, with their defaults
// and bounds.
func (r *faultRule) compileKindParams(spec *FaultRule) error {
	var err error
	switch r.kind {
	case kindError:
		if spec.Status == 0 {
			spec.Status = http.StatusServiceUnavailable
		}
		if spec.Status < 500 || spec.Status > 599 {
			return fmt.Errorf("status must be 500 to 599, got %d", spec.Status)
		}
		r.status = spec.Status
		var d time.Duration
		if d, err = parseSpecDuration("retryAfter", spec.RetryAfter, 0, maxRetryAfter, true); err != nil {
			return err
		}
		if spec.RetryAfter != "" {
			r.retry = retryAfterValue(d)
		}
	case kindRateLimit:
		d, err := parseSpecDuration("retryAfter", spec.RetryAfter, defaultRetryAfter, maxRetryAfter, true)
		if err != nil {
			return err
		}
		r.retry = retryAfterValue(d)
	case kindTimeout:
		if r.hold, err = parseSpecDuration("hold", spec.Hold, DefaultHold, MaxHold, false); err != nil {
			return err
		}
	case kindSlowBody:
		r.chunk = spec.Chunk
		if r.chunk == 0 {
			r.chunk = defaultSlowChunk
		}
		if r.chunk < 1 || r.chunk > maxSlowChunk {
			return fmt.Errorf("chunk must be 1 to %d bytes, got %d", maxSlowChunk, spec.Chunk)
		}
		if r.every, err = parseSpecDuration("every", spec.Every, defaultSlowEvery, maxSlowEvery, true); err != nil {
			return err
		}
	}
	return nil
}

// retryAfterValue is a Retry-After header value: whole seconds, rounded up.
func retryAfterValue(d time.Duration) string {
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

func compileLatency(l Latency) (*latencyDist, error) {
	d := &latencyDist{dist: l.Dist}
	var err error
	switch l.Dist {
	case LatencyFixed:
		if l.Value == "" {
			return nil, errors.New("a fixed latency needs value")
		}
		d.a, err = parseSpecDuration("value", l.Value, 0, MaxHold, true)
	case LatencyUniform:
		if l.Min == "" || l.Max == "" {
			return nil, errors.New("a uniform latency needs min and max")
		}
		if d.a, err = parseSpecDuration("min", l.Min, 0, MaxHold, true); err == nil {
			d.b, err = parseSpecDuration("max", l.Max, 0, MaxHold, true)
		}
		if err == nil && d.b < d.a {
			err = errors.New("max must not be below min")
		}
	case LatencyLognormal:
		if l.Median == "" {
			return nil, errors.New("a lognormal latency needs median (and sigma)")
		}
		if math.IsNaN(l.Sigma) || l.Sigma < 0 || l.Sigma > 10 {
			return nil, errors.New("sigma must be from 0 to 10")
		}
		if d.a, err = parseSpecDuration("median", l.Median, 0, MaxHold, false); err == nil {
			d.b, err = parseSpecDuration("max", l.Max, MaxHold, MaxHold, false)
		}
		d.sigma, d.mu = l.Sigma, math.Log(float64(d.a))
	default:
		return nil, fmt.Errorf("dist must be %s, %s or %s, got %q", LatencyFixed, LatencyUniform, LatencyLognormal, truncate(l.Dist, 30))
	}
	if err != nil {
		return nil, err
	}
	if l.Dist != LatencyLognormal && (l.Median != "" || l.Sigma != 0) || l.Dist != LatencyFixed && l.Value != "" ||
		l.Dist == LatencyFixed && (l.Min != "" || l.Max != "") || l.Dist == LatencyLognormal && l.Min != "" {
		return nil, fmt.Errorf("fields that do not belong to a %s latency are set", l.Dist)
	}
	return d, nil
}

// compileOutage checks an outage and resolves its window on the mock clock.
func (m *Mock) compileOutage(spec BankOutage, now time.Time) (*outage, error) {
	o := &outage{bank: foldBank(strings.TrimSpace(spec.Bank))}
	if o.bank == "" && len(spec.BINs) == 0 {
		return nil, errors.New("an outage needs bank or bins")
	}
	for _, b := range spec.BINs {
		if _, ok := smallNumber(b, 1, 8); !ok {
			return nil, fmt.Errorf("bins must be 1 to 8 digits, got %q", truncate(b, 20))
		}
	}
	o.bins = append([]string(nil), spec.BINs...)
	var err error
	if o.from, err = m.parseOutageTime("from", spec.From, now, now); err != nil {
		return nil, err
	}
	never := time.Date(9999, 12, 31, 23, 59, 59, 0, m.loc)
	if o.until, err = m.parseOutageTime("until", spec.Until, now, never); err != nil {
		return nil, err
	}
	if !o.until.After(o.from) {
		return nil, errors.New("until must be after from")
	}
	o.group = spec.ErrorGroup
	if o.group == "" {
		o.group = DefaultOutageGroup
	}
	g, ok := craftgate.TestCards().Group(o.group)
	if !ok {
		return nil, fmt.Errorf("errorGroup %q is not a catalogue error group", truncate(o.group, 60))
	}
	o.code, o.label = g.Code, g.Label
	names := craftgate.TestCards().GroupNames()
	o.index = uint8(slices.Index(names, o.group) + 1)
	o.spec = BankOutage{Bank: spec.Bank, BINs: o.bins, From: appendDateTimeString(o.from.In(m.loc)),
		Until: appendDateTimeString(o.until.In(m.loc)), ErrorGroup: o.group}
	return o, nil
}

func appendDateTimeString(t time.Time) string { return string(appendDateTime(nil, t)) }

// parseOutageTime reads "+duration", "2006-01-02T15:04:05" (mock Location)
// or RFC 3339; empty gives def.
func (m *Mock) parseOutageTime(field, v string, now, def time.Time) (time.Time, error) {
	switch {
	case v == "":
		return def, nil
	case v[0] == '+':
		d, err := time.ParseDuration(v[1:])
		if err != nil || d < 0 {
			return time.Time{}, fmt.Errorf("%s %q: want +duration such as +10m", field, truncate(v, 40))
		}
		return now.Add(d), nil
	}
	if t, err := time.ParseInLocation(craftgate.DateTimeLayout, v, m.loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: want +duration, %s or RFC 3339", field, truncate(v, 40), craftgate.DateTimeLayout)
}
