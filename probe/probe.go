// Package probe is gatecheck acting as the provider towards a merchant:
// it sends a merchant's 3-D Secure callback URL and webhook URL a battery
// of genuine, forged, replayed and malformed calls, the way Craftgate (or
// an attacker) would, and judges how each was answered.
//
// Only status codes are observable from outside, so the verdicts say what
// they can: a forged call (tampered field, missing hash or signature,
// wrong key) answered 2xx is a FAIL — the merchant took an unauthenticated
// call for a real one. Everything the status cannot settle (a valid call
// refused because the merchant does not know the probe's payment id, a
// redirect, a server error) is a WARN with a note, never a silent PASS.
//
// The probe never prints or reports a key. Point it at a test or staging
// merchant: its valid calls are genuinely signed.
package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Endpoints a case is sent to.
const (
	EndpointCallback = "callback"
	EndpointWebhook  = "webhook"
)

// Names of the version 2 (hashParams) forgery cases, which sign-off
// evidence cites: a genuine FAILURE callback's signed values moved into one
// field named alone in hashParams, with a SUCCESS outcome added unsigned.
const (
	CaseV2HashParamsForgery   = "v2-hashparams-forgery"
	CaseBnplHashParamsForgery = "bnpl-hashparams-forgery"
)

// ForgeHashParams returns the version 2 callback forgery of genuine, a
// callback whose hash verifies under the version 2 algorithm: the values of
// the fields its hashParams names, joined in order, become the value of a
// single field that hashParams then names alone, so the hash still
// verifies under a verifier that only recomputes it; the fields of set are
// then added unsigned. genuine is not changed.
func ForgeHashParams(genuine url.Values, set map[string]string) url.Values {
	const junk = "gatecheckProbe"
	var joined strings.Builder
	for _, n := range strings.Split(genuine.Get("hashParams"), ":") {
		if n != "" {
			joined.WriteString(genuine.Get(n))
		}
	}
	f := url.Values{junk: {joined.String()}, "hashParams": {junk}, "hash": {genuine.Get("hash")}}
	for k, v := range set {
		f.Set(k, v)
	}
	return f
}

// Expect is what a case expects of the merchant.
type Expect string

// Expectations.
const (
	// ExpectAccept: a genuine call, to be answered 2xx.
	ExpectAccept Expect = "accept"
	// ExpectReject: a forged or malformed call, to be answered 4xx.
	ExpectReject Expect = "reject"
	// ExpectIdempotent: a genuine call seen before (a replay, a redelivery,
	// an old event), to be answered without acting twice; see the case's
	// description for the acceptable statuses.
	ExpectIdempotent Expect = "idempotent"
)

// Verdict is the judgement of one answer.
type Verdict string

// Verdicts.
const (
	// Pass: answered as expected.
	Pass Verdict = "PASS"
	// Warn: answered in a way the status alone cannot settle, or that
	// works but is worse than expected; the note says why.
	Warn Verdict = "WARN"
	// Fail: a forged call was accepted (2xx).
	Fail Verdict = "FAIL"
	// Error: the call could not be made or got no answer.
	Error Verdict = "ERROR"
)

// Config configures a probe run.
type Config struct {
	// CallbackURL is the merchant's 3-D Secure callbackUrl; empty skips
	// the callback cases.
	CallbackURL string
	// WebhookURL is the merchant's webhook URL; empty skips the webhook
	// cases.
	WebhookURL string
	// CallbackKey is the merchant callback key; required with CallbackURL.
	CallbackKey string
	// WebhookKey is the merchant webhook key; required with WebhookURL.
	WebhookKey string
	// PaymentID is the payment id (decimal) of the first valid callback,
	// its replay, the ALREADY_RETURNED callback and the first valid
	// webhook. Every other case gets the ids that follow it, one per case,
	// so that a merchant's "already processed" check cannot mask a missing
	// hash check. Empty means a random 9-digit id.
	PaymentID string
	// ConversationID is the merchant's conversationId for the callbacks;
	// empty means a random UUID.
	ConversationID string
	// Timeout bounds each request; 0 means 5 s.
	Timeout time.Duration
	// HTTPClient sends the requests; nil means a plain client. Redirects
	// are never followed (a callback page's redirect is reported).
	HTTPClient *http.Client
	// Now is the clock for webhook timestamps; nil means time.Now.
	Now func() time.Time
}

// Result is how the merchant answered one case.
type Result struct {
	// Endpoint is EndpointCallback or EndpointWebhook.
	Endpoint string `json:"endpoint"`
	// Case is the case's short name, e.g. "v1-valid".
	Case string `json:"case"`
	// Description says what was sent.
	Description string `json:"description"`
	// Expect is what the case expects; Expected is it in HTTP terms.
	Expect   Expect `json:"expect"`
	Expected string `json:"expected"`
	// Forged is true for calls no genuine provider sends: tampered,
	// unsigned or signed with another key. Accepting one is a FAIL.
	Forged bool `json:"forged"`
	// HTTPStatus is the answer's status; 0 when there was none.
	HTTPStatus int `json:"httpStatus,omitempty"`
	// Location is the answer's Location header (redirects).
	Location string `json:"location,omitempty"`
	// Err is why no answer came, when none did.
	Err string `json:"error,omitempty"`
	// Verdict is the judgement; Note explains it.
	Verdict Verdict `json:"verdict"`
	Note    string  `json:"note,omitempty"`
	// Duration is how long the merchant took to answer.
	Duration time.Duration `json:"durationNs"`
}

// Summary counts the verdicts of a report.
type Summary struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
	// ForgedAccepted is how many forged calls were answered 2xx.
	ForgedAccepted int `json:"forgedAccepted"`
}

// Report is the outcome of a probe run. It holds no key.
type Report struct {
	// CallbackURL and WebhookURL are the probed URLs without query or
	// user information (either could carry a secret).
	CallbackURL string `json:"callbackUrl,omitempty"`
	WebhookURL  string `json:"webhookUrl,omitempty"`
	// PaymentID and ConversationID are the ids the valid cases used.
	PaymentID      string    `json:"paymentId"`
	ConversationID string    `json:"conversationId"`
	Started        time.Time `json:"started"`
	Results        []Result  `json:"results"`
	Summary        Summary   `json:"summary"`
}

// OK reports whether no forged call was accepted and every case got an
// answer (no FAIL, no ERROR).
func (r *Report) OK() bool { return r.Summary.Fail == 0 && r.Summary.Error == 0 }

// Run probes the merchant's endpoints named in cfg, one case after the
// other (replays follow their originals), and returns the report. It
// returns an error only for an invalid cfg or when ctx ends; failed
// requests are ERROR results.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	p, err := newProber(cfg)
	if err != nil {
		return nil, err
	}
	rep := &Report{
		CallbackURL: redact(cfg.CallbackURL), WebhookURL: redact(cfg.WebhookURL),
		PaymentID: strconv.FormatInt(p.paymentID, 10), ConversationID: p.conversationID,
		Started: p.now(),
	}
	var cases []probeCase
	if cfg.CallbackURL != "" {
		cases = append(cases, p.callbackCases()...)
	}
	if cfg.WebhookURL != "" {
		cases = append(cases, p.webhookCases()...)
	}
	byName := make(map[string]Result, len(cases))
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("probe: %w", context.Cause(ctx))
		}
		res := p.send(ctx, c)
		res.Verdict, res.Note = c.judge(res, byName)
		byName[c.endpoint+"/"+c.name] = res
		rep.Results = append(rep.Results, res)
		rep.Summary.add(res)
	}
	return rep, nil
}

func (s *Summary) add(r Result) {
	switch r.Verdict {
	case Pass:
		s.Pass++
	case Warn:
		s.Warn++
	case Fail:
		s.Fail++
	case Error:
		s.Error++
	}
	if r.Forged && is2xx(r.HTTPStatus) {
		s.ForgedAccepted++
	}
}

// prober holds a run's settings.
type prober struct {
	callbackURL, webhookURL string
	callbackKey, webhookKey string
	wrongKey                string // random, never reported
	paymentID               int64
	conversationID          string
	timeout                 time.Duration
	client                  *http.Client
	now                     func() time.Time
}

func newProber(cfg Config) (*prober, error) {
	p := &prober{
		callbackURL: cfg.CallbackURL, webhookURL: cfg.WebhookURL,
		callbackKey: cfg.CallbackKey, webhookKey: cfg.WebhookKey,
		conversationID: cfg.ConversationID, timeout: cfg.Timeout, now: cfg.Now,
	}
	if p.callbackURL == "" && p.webhookURL == "" {
		return nil, errors.New("probe: a callback URL, a webhook URL or both are required")
	}
	for _, u := range []struct{ name, url, key string }{
		{"callback", p.callbackURL, p.callbackKey}, {"webhook", p.webhookURL, p.webhookKey},
	} {
		if u.url == "" {
			continue
		}
		pu, err := url.Parse(u.url)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return nil, fmt.Errorf("probe: the %s URL %q is not an absolute http(s) URL", u.name, redact(u.url))
		}
		if u.key == "" {
			return nil, fmt.Errorf("probe: the %s key is required to probe the %s URL", u.name, u.name)
		}
	}
	if cfg.PaymentID != "" {
		id, err := strconv.ParseInt(cfg.PaymentID, 10, 64)
		if err != nil || id <= 0 || id > 1<<62 {
			return nil, fmt.Errorf("probe: payment id %q is not a positive decimal number", cfg.PaymentID)
		}
		p.paymentID = id
	} else {
		n, err := rand.Int(rand.Reader, big.NewInt(900_000_000))
		if err != nil {
			return nil, fmt.Errorf("probe: random payment id: %w", err)
		}
		p.paymentID = 100_000_000 + n.Int64()
	}
	if p.conversationID == "" {
		id, err := uuid4()
		if err != nil {
			return nil, err
		}
		p.conversationID = id
	}
	wk, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	p.wrongKey = wk
	if p.timeout <= 0 {
		p.timeout = 5 * time.Second
	}
	if p.now == nil {
		p.now = time.Now
	}
	c := http.Client{}
	if cfg.HTTPClient != nil {
		c = *cfg.HTTPClient
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p.client = &c
	return p, nil
}

// probeCase is one call and how to judge its answer.
type probeCase struct {
	endpoint, name, desc string
	expect               Expect
	forged               bool
	contentType          string
	header               http.Header
	body                 []byte
	// judge decides the verdict; earlier holds the results so far by
	// endpoint+"/"+name.
	judge func(res Result, earlier map[string]Result) (Verdict, string)
}

// send makes the call of c and returns its result, verdict not yet set.
func (p *prober) send(ctx context.Context, c probeCase) Result {
	res := Result{Endpoint: c.endpoint, Case: c.name, Description: c.desc, Expect: c.expect,
		Expected: expectedText(c), Forged: c.forged}
	target := p.callbackURL
	if c.endpoint == EndpointWebhook {
		target = p.webhookURL
	}
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, target, bytes.NewReader(c.body))
	if err != nil {
		res.Err = fmt.Sprintf("building the request: %v", err)
		return res
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", c.contentType)
	req.Header.Set("User-Agent", "gatecheck-probe/1")
	start := time.Now()
	resp, err := p.client.Do(req)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = scrubError(err, target)
		return res
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	res.HTTPStatus = resp.StatusCode
	res.Location = resp.Header.Get("Location")
	return res
}

// scrubError renders a transport error without the target URL's query or
// user information.
func scrubError(err error, target string) string {
	msg := err.Error()
	if ue, ok := errors.AsType[*url.Error](err); ok {
		msg = ue.Err.Error()
	}
	return strings.ReplaceAll(msg, target, redact(target))
}

func expectedText(c probeCase) string {
	switch {
	case c.expect == ExpectAccept && c.endpoint == EndpointCallback:
		return "2xx (or 3xx)"
	case c.expect == ExpectAccept:
		return "2xx"
	case c.expect == ExpectReject:
		return "4xx"
	case c.name == "old-timestamp":
		return "2xx or 4xx"
	case c.endpoint == EndpointCallback:
		return "same as first"
	default:
		return "2xx"
	}
}

// callbackCases is the 3-D Secure callback battery.
func (p *prober) callbackCases() []probeCase {
	first := p.paymentID
	next := first
	id := func() string { next++; return strconv.FormatInt(next, 10) }
	convData, _ := randomHex(12)

	v1 := func(paymentID, status, completeStatus, callbackStatus string) url.Values {
		return url.Values{
			"status": {status}, "completeStatus": {completeStatus}, "paymentId": {paymentID},
			"conversationData": {convData}, "conversationId": {p.conversationID}, "callbackStatus": {callbackStatus},
		}
	}
	signed := func(f url.Values, key string) url.Values {
		f.Set("hash", craftgate.CallbackHash(key, f))
		return f
	}
	firstID := strconv.FormatInt(first, 10)
	valid := signed(v1(firstID, "SUCCESS", "WAITING", ""), p.callbackKey)

	v2 := v1(id(), "SUCCESS", "WAITING", "")
	v2.Set("mdStatus", "1")
	v2.Set("hashParams", "status:callbackStatus:completeStatus:paymentId:conversationData:conversationId:mdStatus")
	signed(v2, p.callbackKey)

	upper := signed(v1(id(), "SUCCESS", "WAITING", ""), p.callbackKey)
	upper.Set("hash", strings.ToUpper(upper.Get("hash")))

	// The classic forgery: a failed payment's genuine callback with its
	// status flipped to SUCCESS.
	tamperedStatus := signed(v1(id(), "FAILURE", "", ""), p.callbackKey)
	tamperedStatus.Set("status", "SUCCESS")
	tamperedStatus.Set("completeStatus", "WAITING")

	tamperedID := signed(v1(id(), "SUCCESS", "WAITING", ""), p.callbackKey)
	tamperedID.Set("paymentId", id())

	tamperedV2 := v1(id(), "FAILURE", "", "")
	tamperedV2.Set("mdStatus", "0")
	tamperedV2.Set("hashParams", v2.Get("hashParams"))
	signed(tamperedV2, p.callbackKey)
	tamperedV2.Set("status", "SUCCESS")
	tamperedV2.Set("completeStatus", "WAITING")
	tamperedV2.Set("mdStatus", "1")

	// The hashParams forgeries: a genuine FAILURE callback (3-D Secure v2,
	// then BNPL) whose signed values move into one field named alone.
	v2Failure := v1(id(), "FAILURE", "", "")
	v2Failure.Set("mdStatus", "0")
	v2Failure.Set("hashParams", v2.Get("hashParams"))
	signed(v2Failure, p.callbackKey)
	v2Forged := ForgeHashParams(v2Failure, map[string]string{"status": "SUCCESS", "completeStatus": "WAITING", "mdStatus": "1",
		"paymentId": v2Failure.Get("paymentId"), "conversationId": p.conversationID})
	bnplID := id()
	bnplFailure := url.Values{"paymentId": {bnplID}, "paymentStatus": {"FAILURE"}, "additionalAction": {""},
		"conversationId": {p.conversationID}, "callbackStatus": {""}, "hashParams": {craftgate.BnplCallbackHashParams}}
	signed(bnplFailure, p.callbackKey)
	bnplForged := ForgeHashParams(bnplFailure, map[string]string{"paymentStatus": "SUCCESS", "paymentId": bnplID, "conversationId": p.conversationID})

	missing := v1(id(), "SUCCESS", "WAITING", "")

	wrongKey := signed(v1(id(), "SUCCESS", "WAITING", ""), p.wrongKey)

	// Parameter pollution: a genuine failure callback with a second status
	// appended. A verifier reading the first copy and an order handler
	// reading the last (PHP's $_POST does) disagree.
	polluted := signed(v1(id(), "FAILURE", "", ""), p.callbackKey)
	pollutedBody := polluted.Encode() + "&status=SUCCESS"

	already := url.Values{"status": {"FAILURE"}, "callbackStatus": {"ALREADY_RETURNED"},
		"paymentId": {firstID}, "conversationId": {p.conversationID}}
	signed(already, p.callbackKey)

	form := func(name, desc string, expect Expect, forged bool, body string, judge func(Result, map[string]Result) (Verdict, string)) probeCase {
		return probeCase{endpoint: EndpointCallback, name: name, desc: desc, expect: expect, forged: forged,
			contentType: "application/x-www-form-urlencoded", body: []byte(body), judge: judge}
	}
	return []probeCase{
		form("v1-valid", "3DS v1 callback, status SUCCESS, paymentId "+firstID+", valid hash", ExpectAccept, false, valid.Encode(), judgeAcceptCallback),
		form("v2-valid", "3DS v2 callback (hashParams, mdStatus 1), valid hash", ExpectAccept, false, v2.Encode(), judgeAcceptCallback),
		form("hash-upper-case", "v1 callback, valid hash in upper-case hex", ExpectAccept, false, upper.Encode(), judgeAcceptCallback),
		form("tampered-status", "FAILURE callback's hash, status changed to SUCCESS", ExpectReject, true, tamperedStatus.Encode(), judgeForged),
		form("tampered-payment-id", "valid callback's hash, paymentId changed", ExpectReject, true, tamperedID.Encode(), judgeForged),
		form("v2-tampered", "v2 FAILURE callback's hash, status/mdStatus changed to SUCCESS/1", ExpectReject, true, tamperedV2.Encode(), judgeForged),
		form(CaseV2HashParamsForgery, "v2 FAILURE callback's signed values moved into one field named alone in hashParams, status SUCCESS and mdStatus 1 added", ExpectReject, true, v2Forged.Encode(), judgeForged),
		form(CaseBnplHashParamsForgery, "BNPL FAILURE callback's signed values moved into one field named alone in hashParams, paymentStatus SUCCESS added", ExpectReject, true, bnplForged.Encode(), judgeForged),
		form("hash-missing", "SUCCESS callback without a hash", ExpectReject, true, missing.Encode(), judgeForged),
		form("wrong-key", "SUCCESS callback hashed with another key", ExpectReject, true, wrongKey.Encode(), judgeForged),
		form("repeated-field", "FAILURE callback, valid hash, plus a second status=SUCCESS", ExpectReject, false, pollutedBody, judgeRepeated),
		form("replay", "v1-valid posted again (browser back/refresh, or a replay)", ExpectIdempotent, false, valid.Encode(), judgeReplayCallback),
		form("already-returned", "status FAILURE, callbackStatus ALREADY_RETURNED for paymentId "+firstID+", valid hash", ExpectAccept, false, already.Encode(), judgeAlreadyReturned),
	}
}

// webhookCases is the webhook battery.
func (p *prober) webhookCases() []probeCase {
	now := p.now()
	next := p.paymentID
	id := func() string { next++; return strconv.FormatInt(next, 10) }
	firstID := strconv.FormatInt(p.paymentID, 10)
	// Craftgate writes eventTime in Istanbul local time, without a zone.
	ist := time.FixedZone("+03", 3*60*60)
	ev := func(eventType, status, payloadID string, at time.Time) craftgate.WebhookEvent {
		return craftgate.WebhookEvent{EventType: eventType, EventTime: at.In(ist).Format("2006-01-02T15:04:05.000000"),
			EventTimestamp: at.Unix(), Status: status, PayloadID: payloadID}
	}
	call := func(name, desc string, expect Expect, forged bool, e craftgate.WebhookEvent, signature string,
		judge func(Result, map[string]Result) (Verdict, string)) probeCase {
		body, _ := json.Marshal(e) // a WebhookEvent always marshals
		h := http.Header{}
		if signature != "" {
			h.Set(craftgate.WebhookSignatureHeader, signature)
		}
		return probeCase{endpoint: EndpointWebhook, name: name, desc: desc, expect: expect, forged: forged,
			contentType: "application/json", header: h, body: body, judge: judge}
	}

	// The callback cases, if any, used paymentId .. paymentId+12: start
	// the webhooks' fresh ids after them.
	next += 20
	valid := ev("API_AUTH", "SUCCESS", firstID, now)
	unsigned := ev("API_AUTH", "SUCCESS", id(), now)
	wrongKey := ev("API_AUTH", "SUCCESS", id(), now)

	tamperedID := ev("API_AUTH", "SUCCESS", id(), now)
	tamperedIDSig := tamperedID.Sign(p.webhookKey)
	tamperedID.PayloadID = id()

	tamperedStatus := ev("API_AUTH", "FAILURE", id(), now)
	tamperedStatusSig := tamperedStatus.Sign(p.webhookKey)
	tamperedStatus.Status = "SUCCESS"

	old := ev("API_AUTH", "SUCCESS", id(), now.Add(-7*24*time.Hour))
	unknown := ev("GATECHECK_PROBE_EVENT", "SUCCESS", id(), now)

	malformed := call("malformed-json", "truncated JSON body with a signature", ExpectReject, false,
		ev("API_AUTH", "SUCCESS", id(), now), "", judgeMalformed)
	malformed.body = malformed.body[:len(malformed.body)/2]
	malformed.header.Set(craftgate.WebhookSignatureHeader, valid.Sign(p.webhookKey))

	return []probeCase{
		call("valid", "API_AUTH SUCCESS for payload "+firstID+", valid x-cg-signature-v1", ExpectAccept, false, valid, valid.Sign(p.webhookKey), judgeAcceptWebhook),
		call("signature-missing", "API_AUTH SUCCESS without x-cg-signature-v1", ExpectReject, true, unsigned, "", judgeForged),
		call("wrong-key", "API_AUTH SUCCESS signed with another key", ExpectReject, true, wrongKey, wrongKey.Sign(p.wrongKey), judgeForged),
		call("tampered-payload-id", "valid signature, payloadId changed", ExpectReject, true, tamperedID, tamperedIDSig, judgeForged),
		call("tampered-status", "FAILURE event's signature, status changed to SUCCESS", ExpectReject, true, tamperedStatus, tamperedStatusSig, judgeForged),
		call("replay", "the valid delivery again, identical (Craftgate retries and duplicates)", ExpectIdempotent, false, valid, valid.Sign(p.webhookKey), judgeReplayWebhook),
		call("old-timestamp", "valid signature, eventTimestamp 7 days old", ExpectIdempotent, false, old, old.Sign(p.webhookKey), judgeOldWebhook),
		call("unknown-event-type", "validly signed event of an unknown eventType", ExpectAccept, false, unknown, unknown.Sign(p.webhookKey), judgeUnknownEvent),
		malformed,
	}
}

// Judges. Each returns the verdict and a note for the answer.

const hintIDs = "; if the merchant does not know this payment, rerun with --payment-id/--conversation-id of a real test order"

func judgeForged(r Result, _ map[string]Result) (Verdict, string) {
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case is2xx(s):
		return Fail, "forged call accepted"
	case s >= 300 && s < 400:
		return Warn, "redirected" + where(r) + ": the status cannot tell rejection from acceptance; check where it leads"
	case s >= 500:
		return Warn, "rejected, but with a server error: answer 4xx"
	case s >= 400:
		return Pass, "rejected"
	default:
		return Warn, "unexpected status"
	}
}

func judgeAcceptCallback(r Result, _ map[string]Result) (Verdict, string) {
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case is2xx(s):
		return Pass, "accepted"
	case s >= 300 && s < 400:
		return Pass, "accepted with a redirect" + where(r)
	default:
		return Warn, "valid callback refused" + hintIDs
	}
}

func judgeAlreadyReturned(r Result, earlier map[string]Result) (Verdict, string) {
	v, note := judgeAcceptCallback(r, earlier)
	if v == Pass {
		note += "; make sure the order was left as it was"
	}
	return v, note
}

// judgeAck judges a call the merchant must acknowledge with a 2xx: passed
// (with the note accepted) when it does, a warning (the note refused)
// otherwise.
func judgeAck(r Result, accepted, refused string) (Verdict, string) {
	switch {
	case r.Err != "":
		return Error, r.Err
	case is2xx(r.HTTPStatus):
		return Pass, accepted
	default:
		return Warn, refused
	}
}

func judgeAcceptWebhook(r Result, _ map[string]Result) (Verdict, string) {
	return judgeAck(r, "accepted", "valid webhook refused: Craftgate would retry it 5 times, then give up"+hintIDs)
}

func judgeUnknownEvent(r Result, _ map[string]Result) (Verdict, string) {
	return judgeAck(r, "accepted", "unknown event types should be acknowledged and ignored (new types get added)")
}

func judgeReplayCallback(r Result, earlier map[string]Result) (Verdict, string) {
	first, ok := earlier[EndpointCallback+"/v1-valid"]
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case !ok || first.HTTPStatus == 0:
		return Warn, "no answer to the original to compare with"
	case class(first.HTTPStatus) != 2 && class(first.HTTPStatus) != 3:
		return Warn, "the original was refused: nothing to compare the replay with"
	case class(s) == class(first.HTTPStatus):
		return Pass, "answered like the first; check the order was fulfilled once"
	case s >= 500:
		return Warn, "server error on the replay: did it try to complete the payment twice?"
	case s >= 400 && class(first.HTTPStatus) != 4:
		return Warn, "replay refused: a browser refresh shows an error page; answer idempotently"
	default:
		return Warn, fmt.Sprintf("answered %d, the first got %d", s, first.HTTPStatus)
	}
}

func judgeReplayWebhook(r Result, _ map[string]Result) (Verdict, string) {
	return judgeAck(r, "acknowledged; check it was processed once", "a redelivery must be answered 2xx, or Craftgate keeps retrying")
}

func judgeOldWebhook(r Result, _ map[string]Result) (Verdict, string) {
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case is2xx(s):
		return Pass, "accepted; it must only act after checking the payment's current state"
	case s >= 400 && s < 500:
		return Pass, "refused as stale (fine beyond Craftgate's ~44 min retry window)"
	default:
		return Warn, "unexpected status for a genuine old event"
	}
}

func judgeMalformed(r Result, _ map[string]Result) (Verdict, string) {
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case s >= 400 && s < 500:
		return Pass, "rejected"
	case is2xx(s):
		return Warn, "a body that is not JSON was acknowledged: was anything verified?"
	default:
		return Warn, "answer 4xx to a body that is not JSON"
	}
}

func judgeRepeated(r Result, _ map[string]Result) (Verdict, string) {
	switch s := r.HTTPStatus; {
	case r.Err != "":
		return Error, r.Err
	case s >= 400 && s < 500:
		return Pass, "rejected"
	case is2xx(s) || s >= 300 && s < 400:
		return Warn, "accepted a repeated field: make sure the hash check and the order logic read the same copy"
	default:
		return Warn, "rejected, but with a server error: answer 4xx"
	}
}

func is2xx(s int) bool { return s >= 200 && s < 300 }

func class(s int) int { return s / 100 }

func where(r Result) string {
	if r.Location == "" {
		return ""
	}
	return " to " + r.Location
}

// redact drops the query, fragment and user information of a URL: they
// can carry secrets.
func redact(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment, u.ForceQuery = nil, "", "", false
	return u.String()
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("probe: random: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// uuid4 returns a random (version 4) UUID, like the conversationIds
// merchants generate.
func uuid4() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("probe: random: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}
