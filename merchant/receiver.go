// Package merchant is gatecheck acting as the merchant: a Receiver is the
// http.Handler a careful Craftgate integration would put behind its
// callbackUrl and its webhook URL. It verifies every 3-D Secure callback
// hash (v1 and v2, through craftgate.VerifyCallback) and every webhook
// signature (craftgate.VerifyWebhook), records what arrived, answers
// duplicate webhook deliveries idempotently, and lets tests wait for what
// they expect without polling.
//
// Routes:
//
//	POST /callback  3-D Secure (or APM) callback form: 200 HTML page when the
//	                hash verifies, 400 HTML page when it is missing or wrong
//	POST /checkout  checkout-form callback (one field, token): 200 HTML page
//	POST /webhook   webhook delivery with x-cg-signature-v1: 200 when the
//	                signature verifies (duplicates included), 401 when it is
//	                missing or wrong, 400 for a body that is not JSON, not
//	                UTF-8 or names a JSON member twice (internal/strictjson,
//	                the mock's rules), or the status set with FailWebhooks
//
// Bodies are limited to MaxBodyBytes (413 beyond). A Receiver keeps the
// last MaxRecorded callbacks and the last MaxRecorded deliveries, and
// remembers up to MaxProcessed distinct webhook events for deduplication,
// so a long-running listener uses bounded memory. Card numbers are masked
// in everything it logs; keys, hashes and signatures are never logged.
package merchant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/internal/strictjson"
)

// Routes served by a Receiver.
const (
	PathCallback = "/callback"
	PathCheckout = "/checkout"
	PathWebhook  = "/webhook"
)

// Callback kinds.
const (
	KindThreeDS  = "3ds"
	KindCheckout = "checkout"
)

// Limits of a Receiver.
const (
	// MaxBodyBytes bounds the body of a callback or a webhook delivery;
	// a bigger one is answered 413 (Craftgate's bodies are well under 1 KiB).
	MaxBodyBytes = 64 << 10
	// MaxRecorded is how many callbacks, and separately how many
	// deliveries, a Receiver keeps; older ones are forgotten.
	MaxRecorded = 10_000
	// MaxProcessed is how many distinct webhook events a Receiver
	// remembers to recognise duplicates; the oldest are forgotten first.
	// It exceeds what Craftgate can redeliver within its retry window
	// (about 44 minutes) at any realistic test rate.
	MaxProcessed = 100_000
)

// Reasons recorded in Callback.Err and Delivery.Err.
const (
	errHashMissing     = "hash missing"
	errHashMismatch    = "hash mismatch"
	errHashParams      = "hashParams incomplete"
	errNoCallbackKey   = "no callback key configured"
	errTokenMissing    = "token missing"
	errRepeatedField   = "repeated field"
	errBodyTooLarge    = "body too large"
	errMalformedForm   = "malformed form"
	errUnreadableBody  = "unreadable body"
	errSigMissing      = "signature missing"
	errSigMismatch     = "signature mismatch"
	errMalformedJSON   = "malformed JSON"
	errInvalidUTF8     = "invalid UTF-8"
	errDuplicateKey    = "duplicate JSON key"
	errNoWebhookKey    = "no webhook key configured"
	errFailureRulePref = "failure rule: answered "
)

// Config configures a Receiver.
type Config struct {
	// CallbackKey is the merchant callback key the 3-D Secure callback
	// hash is made with. Without it every 3-D Secure callback is refused
	// (a hash under an empty key proves nothing).
	CallbackKey string
	// WebhookKey is the merchant webhook key x-cg-signature-v1 is made
	// with. Without it every webhook is refused with 401.
	WebhookKey string
	// Logger, when set, receives one record per callback and delivery
	// (masked, truncated field values; never keys, hashes or signatures)
	// and recovered panics. Nil logs nothing.
	Logger *slog.Logger
	// OnCallback, when set, is called with a copy of every callback right
	// after it is recorded, from the request's goroutine (so possibly
	// concurrently). gatecheck webhooks listen prints through it.
	OnCallback func(Callback)
	// OnDelivery, when set, is called with a copy of every webhook
	// delivery right after it is recorded, like OnCallback.
	OnDelivery func(Delivery)
}

// Callback is one callback posted to the Receiver.
type Callback struct {
	// Kind is KindThreeDS ("3ds") or KindCheckout ("checkout").
	Kind string
	// Form holds the posted form fields (body only, not the URL query).
	Form url.Values
	// Verified is true when the hash of a 3-D Secure callback verified.
	// It is always false for checkout callbacks: they carry only a token
	// and no hash, so the merchant must retrieve the payment by token and
	// compare it with its order (docs/reference/craftgate/flows.md §7).
	Verified bool
	// Err is why the callback was refused ("hash missing", "hash
	// mismatch", "hashParams incomplete" (a version 2 hash that leaves a
	// field the merchant acts on unsigned), "repeated field", "token missing", "body too large",
	// "malformed form", "no callback key configured"), empty otherwise.
	Err string
	// HTTPStatus is the status the Receiver answered.
	HTTPStatus int
	// At is when the callback arrived.
	At time.Time
}

// Delivery is one webhook delivery posted to the Receiver.
type Delivery struct {
	// Event is the decoded body. Unless Verified, it is only what the
	// sender claimed (zero when the body was not JSON).
	Event craftgate.WebhookEvent
	// Signature is the x-cg-signature-v1 header as received.
	Signature string
	// Verified is true when the signature verified under the webhook key.
	Verified bool
	// Duplicate is true for a verified event already processed: the same
	// (eventType, payloadId, status, eventTimestamp). It was answered 2xx
	// and not processed again.
	Duplicate bool
	// HTTPStatus is the status the Receiver answered.
	HTTPStatus int
	// Err is why the delivery was refused ("signature missing",
	// "signature mismatch", "malformed JSON", "invalid UTF-8", "duplicate
	// JSON key", "body too large", "no
	// webhook key configured", "failure rule: answered N"), empty when
	// it was accepted.
	Err string
	// At is when the delivery arrived.
	At time.Time
}

// eventKey identifies a webhook event for deduplication.
type eventKey struct {
	eventType, payloadID, status string
	timestamp                    int64
}

// pairKey is what Processed counts by.
type pairKey struct{ eventType, payloadID string }

// Receiver is the merchant's side of Craftgate's callbacks and webhooks,
// as an http.Handler. It is safe for concurrent use.
type Receiver struct {
	callbackKey string
	webhookKey  string
	log         *slog.Logger
	onCallback  func(Callback)
	onDelivery  func(Delivery)
	handler     http.Handler
	maxRecorded int // MaxRecorded; smaller in tests
	maxDedup    int // MaxProcessed; smaller in tests

	mu sync.Mutex
	// changed is closed, and replaced, whenever something is recorded:
	// waiters select on it.
	changed chan struct{}
	// callbacks and deliveries hold the last maxRecorded of each.
	callbacks  recorded[Callback]
	deliveries recorded[Delivery]
	// processed holds the verified events processed, evicted in the
	// order of dedupOrder[dedupHead:] once there are more than maxDedup.
	processed  map[eventKey]struct{}
	dedupOrder []eventKey
	dedupHead  int
	counts     map[pairKey]int
	failStatus int
}

// NewReceiver returns a Receiver for cfg.
func NewReceiver(cfg Config) *Receiver {
	r := &Receiver{
		callbackKey: cfg.CallbackKey,
		webhookKey:  cfg.WebhookKey,
		log:         cfg.Logger,
		onCallback:  cfg.OnCallback,
		onDelivery:  cfg.OnDelivery,
		maxRecorded: MaxRecorded,
		maxDedup:    MaxProcessed,
		changed:     make(chan struct{}),
		processed:   make(map[eventKey]struct{}),
		counts:      make(map[pairKey]int),
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathCallback, r.serveCallback)
	mux.HandleFunc("POST "+PathCheckout, r.serveCheckout)
	mux.HandleFunc("POST "+PathWebhook, r.serveWebhook)
	r.handler = mux
	return r
}

// ServeHTTP implements http.Handler.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		r.log.Error("merchant: recovered panic", "method", req.Method, "path", req.URL.Path, "panic", fmt.Sprint(v))
		http.Error(w, "internal error", http.StatusInternalServerError)
	}()
	r.handler.ServeHTTP(w, req)
}

// Callbacks returns a copy of the recorded callbacks, oldest first.
func (r *Receiver) Callbacks() []Callback {
	return snapshot(r, &r.callbacks)
}

// Deliveries returns a copy of the recorded webhook deliveries, oldest
// first.
func (r *Receiver) Deliveries() []Delivery {
	return snapshot(r, &r.deliveries)
}

// Processed reports how many distinct verified events of eventType for
// payloadID were processed: duplicates and deliveries refused by the
// failure rule do not count.
func (r *Receiver) Processed(eventType, payloadID string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[pairKey{eventType, payloadID}]
}

// WaitCallback returns the first recorded callback match accepts (nil
// accepts any), looking at those already recorded first, then waiting for
// new ones. It returns when ctx ends, with an error wrapping its cause.
// match runs without the Receiver's lock held, on a copy.
func (r *Receiver) WaitCallback(ctx context.Context, match func(Callback) bool) (Callback, error) {
	return waitRecorded(ctx, r, &r.callbacks, match, "a callback")
}

// WaitDelivery returns the first recorded webhook delivery match accepts
// (nil accepts any), like WaitCallback.
func (r *Receiver) WaitDelivery(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	return waitRecorded(ctx, r, &r.deliveries, match, "a webhook delivery")
}

// recorded is a bounded log of what a Receiver recorded: items holds the
// last ones, next is the sequence number the next one will get, so
// items[i] has number next-len(items)+i. The Receiver's mu guards it.
type recorded[T interface{ clone() T }] struct {
	items []T
	next  uint64
}

// add records v, keeping the last n items.
func (l *recorded[T]) add(v T, n int) {
	l.items = appendBounded(l.items, v, n)
	l.next++
}

// since returns the items numbered from on (from the oldest kept if that
// is later), not yet cloned, and the number the next item will get.
func (l *recorded[T]) since(from uint64) ([]T, uint64) {
	first := l.next - uint64(len(l.items))
	from = max(from, first)
	return append([]T(nil), l.items[from-first:]...), l.next
}

// snapshot is Callbacks and Deliveries: clones of all of l, oldest first.
func snapshot[T interface{ clone() T }](r *Receiver, l *recorded[T]) []T {
	r.mu.Lock()
	out, _ := l.since(0)
	r.mu.Unlock()
	for i := range out {
		out[i] = out[i].clone()
	}
	return out
}

// waitRecorded is WaitCallback and WaitDelivery on l; what names the item
// in the error.
func waitRecorded[T interface{ clone() T }](ctx context.Context, r *Receiver, l *recorded[T], match func(T) bool, what string) (T, error) {
	var from uint64
	for {
		r.mu.Lock()
		var batch []T
		batch, from = l.since(from)
		ch := r.changed
		r.mu.Unlock()
		for _, x := range batch {
			if x = x.clone(); match == nil || match(x) {
				return x, nil
			}
		}
		select {
		case <-ctx.Done():
			var zero T
			return zero, fmt.Errorf("merchant: waiting for %s: %w", what, context.Cause(ctx))
		case <-ch:
		}
	}
}

// FailWebhooks makes the Receiver answer every verified webhook with
// status, without processing it, until FailWebhooks(0). A status outside
// 100-599 means 500.
func (r *Receiver) FailWebhooks(status int) {
	if status != 0 && (status < 100 || status > 599) {
		status = http.StatusInternalServerError
	}
	r.mu.Lock()
	r.failStatus = status
	r.mu.Unlock()
}

// Reset forgets every recorded callback, delivery and processed event and
// clears the failure rule. Waiters keep waiting for new records.
func (r *Receiver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.callbacks.items, r.deliveries.items = nil, nil
	r.processed = make(map[eventKey]struct{})
	r.dedupOrder, r.dedupHead = nil, 0
	r.counts = make(map[pairKey]int)
	r.failStatus = 0
}

// serveCallback handles a 3-D Secure (or APM) callback form.
func (r *Receiver) serveCallback(w http.ResponseWriter, req *http.Request) {
	c := Callback{Kind: KindThreeDS, At: time.Now()}
	c.Form, c.Err, c.HTTPStatus = readForm(w, req)
	switch {
	case c.Err != "":
	case r.callbackKey == "":
		c.Err, c.HTTPStatus = errNoCallbackKey, http.StatusInternalServerError
	default:
		switch err := craftgate.VerifyCallback(r.callbackKey, c.Form); {
		case err == nil:
			c.Verified, c.HTTPStatus = true, http.StatusOK
		case errors.Is(err, craftgate.ErrHashMissing):
			c.Err, c.HTTPStatus = errHashMissing, http.StatusBadRequest
		case errors.Is(err, craftgate.ErrHashParamsIncomplete):
			c.Err, c.HTTPStatus = errHashParams, http.StatusBadRequest
		default:
			c.Err, c.HTTPStatus = errHashMismatch, http.StatusBadRequest
		}
	}
	r.recordCallback(req.Context(), c)
	switch {
	case c.Verified && c.Form.Get("status") == "SUCCESS":
		writePage(w, c.HTTPStatus, "Payment verified", "Payment verified — you can close this window")
	case c.Verified:
		msg := "Callback verified: payment status " + safe(c.Form.Get("status"))
		if cs := c.Form.Get("callbackStatus"); cs != "" {
			msg += " (" + safe(cs) + ")"
		}
		writePage(w, c.HTTPStatus, "Payment not completed", msg+" — you can close this window")
	default:
		writePage(w, c.HTTPStatus, "Rejected", "Rejected: "+c.Err)
	}
}

// serveCheckout handles a checkout-form callback: it carries only a token
// and no hash.
func (r *Receiver) serveCheckout(w http.ResponseWriter, req *http.Request) {
	c := Callback{Kind: KindCheckout, At: time.Now()}
	c.Form, c.Err, c.HTTPStatus = readForm(w, req)
	if c.Err == "" {
		if c.Form.Get("token") == "" {
			c.Err, c.HTTPStatus = errTokenMissing, http.StatusBadRequest
		} else {
			c.HTTPStatus = http.StatusOK
		}
	}
	r.recordCallback(req.Context(), c)
	if c.Err != "" {
		writePage(w, c.HTTPStatus, "Rejected", "Rejected: "+c.Err)
		return
	}
	writePage(w, c.HTTPStatus, "Payment received", "Payment received — we are confirming it with the payment provider; you can close this window")
}

// readForm reads a form body of at most MaxBodyBytes. It answers the form
// or the reason it was refused with its status; a field that occurs more
// than once is refused (Craftgate never repeats one, and a verifier and an
// order handler reading different copies is a classic parameter-pollution
// hole).
func readForm(w http.ResponseWriter, req *http.Request) (url.Values, string, int) {
	req.Body = http.MaxBytesReader(w, req.Body, MaxBodyBytes)
	if err := req.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return url.Values{}, errBodyTooLarge, http.StatusRequestEntityTooLarge
		}
		return url.Values{}, errMalformedForm, http.StatusBadRequest
	}
	form := req.PostForm
	if form == nil {
		form = url.Values{}
	}
	for k, vs := range form {
		if len(vs) > 1 {
			return form, errRepeatedField, http.StatusBadRequest
		}
		if !utf8.ValidString(k) || !utf8.ValidString(vs[0]) {
			return form, errInvalidUTF8, http.StatusBadRequest
		}
	}
	return form, "", 0
}

// serveWebhook handles a webhook delivery.
func (r *Receiver) serveWebhook(w http.ResponseWriter, req *http.Request) {
	d := Delivery{At: time.Now(), Signature: req.Header.Get(craftgate.WebhookSignatureHeader)}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBodyBytes))
	switch {
	case err != nil:
		d.Err, d.HTTPStatus = errUnreadableBody, http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			d.Err, d.HTTPStatus = errBodyTooLarge, http.StatusRequestEntityTooLarge
		}
	case strictjson.Check(body) != nil:
		// What the mock refuses too: encoding/json would take the last
		// of two "status" members, or turn bad bytes into U+FFFD.
		d.Err, d.HTTPStatus = errDuplicateKey, http.StatusBadRequest
		if errors.Is(strictjson.Check(body), strictjson.ErrInvalidUTF8) {
			d.Err = errInvalidUTF8
		}
	case r.webhookKey == "":
		_ = json.Unmarshal(body, &d.Event) // best effort, for the record only
		d.Err, d.HTTPStatus = errNoWebhookKey, http.StatusUnauthorized
	default:
		ev, err := craftgate.VerifyWebhook(r.webhookKey, body, d.Signature)
		switch {
		case err == nil:
			d.Event, d.Verified = *ev, true
		case errors.Is(err, craftgate.ErrSignatureMissing):
			_ = json.Unmarshal(body, &d.Event) // best effort, for the record only
			d.Err, d.HTTPStatus = errSigMissing, http.StatusUnauthorized
		case errors.Is(err, craftgate.ErrSignatureInvalid):
			_ = json.Unmarshal(body, &d.Event) // it decoded once already
			d.Err, d.HTTPStatus = errSigMismatch, http.StatusUnauthorized
		default:
			d.Err, d.HTTPStatus = errMalformedJSON, http.StatusBadRequest
		}
	}
	d = r.recordDelivery(req.Context(), d)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(d.HTTPStatus)
	switch {
	case d.Duplicate:
		io.WriteString(w, "duplicate: already processed\n")
	case d.Err != "":
		io.WriteString(w, "rejected: "+d.Err+"\n")
	default:
		io.WriteString(w, "ok\n")
	}
}

// recordCallback records c, logs it and calls the hook.
func (r *Receiver) recordCallback(ctx context.Context, c Callback) {
	r.mu.Lock()
	r.callbacks.add(c, r.maxRecorded)
	r.notifyLocked()
	r.mu.Unlock()

	r.log.LogAttrs(ctx, logLevel(c.Err), "merchant: callback",
		slog.String("kind", c.Kind), slog.Bool("verified", c.Verified), slog.Int("httpStatus", c.HTTPStatus),
		slog.String("err", c.Err), slog.String("status", safe(c.Form.Get("status"))),
		slog.String("callbackStatus", safe(c.Form.Get("callbackStatus"))),
		slog.String("paymentId", safe(c.Form.Get("paymentId"))),
		slog.String("conversationId", safe(c.Form.Get("conversationId"))),
		slog.String("token", safe(c.Form.Get("token"))))
	if r.onCallback != nil {
		r.onCallback(c.clone())
	}
}

// recordDelivery decides whether a verified delivery is processed (or
// refused by the failure rule, or a duplicate), records it, logs it and
// calls the hook. It returns d with HTTPStatus and Duplicate set.
func (r *Receiver) recordDelivery(ctx context.Context, d Delivery) Delivery {
	r.mu.Lock()
	if d.Verified {
		switch k := keyOf(d.Event); {
		case r.failStatus != 0:
			d.HTTPStatus = r.failStatus
			d.Err = errFailureRulePref + strconv.Itoa(r.failStatus)
		default:
			d.HTTPStatus = http.StatusOK
			if _, seen := r.processed[k]; seen {
				d.Duplicate = true
			} else {
				r.processLocked(k)
			}
		}
	}
	r.deliveries.add(d, r.maxRecorded)
	r.notifyLocked()
	r.mu.Unlock()

	r.log.LogAttrs(ctx, logLevel(d.Err), "merchant: webhook",
		slog.String("eventType", safe(d.Event.EventType)), slog.String("payloadId", safe(d.Event.PayloadID)),
		slog.String("status", safe(d.Event.Status)), slog.Int64("eventTimestamp", d.Event.EventTimestamp),
		slog.Bool("verified", d.Verified), slog.Bool("duplicate", d.Duplicate),
		slog.Int("httpStatus", d.HTTPStatus), slog.String("err", d.Err))
	if r.onDelivery != nil {
		r.onDelivery(d.clone())
	}
	return d
}

// logLevel is the level of a record with the error err: a warning when
// there is one.
func logLevel(err string) slog.Level {
	if err != "" {
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// processLocked marks k processed, forgetting the oldest processed event
// beyond maxDedup. r.mu must be held.
func (r *Receiver) processLocked(k eventKey) {
	r.processed[k] = struct{}{}
	r.counts[pairKey{k.eventType, k.payloadID}]++
	r.dedupOrder = append(r.dedupOrder, k)
	for len(r.processed) > r.maxDedup {
		old := r.dedupOrder[r.dedupHead]
		r.dedupOrder[r.dedupHead] = eventKey{}
		r.dedupHead++
		delete(r.processed, old)
		p := pairKey{old.eventType, old.payloadID}
		if r.counts[p]--; r.counts[p] <= 0 {
			delete(r.counts, p)
		}
	}
	if r.dedupHead > 1024 && r.dedupHead*2 > len(r.dedupOrder) {
		r.dedupOrder = append([]eventKey(nil), r.dedupOrder[r.dedupHead:]...)
		r.dedupHead = 0
	}
}

// notifyLocked wakes every waiter. r.mu must be held.
func (r *Receiver) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func keyOf(e craftgate.WebhookEvent) eventKey {
	return eventKey{e.EventType, e.PayloadID, e.Status, e.EventTimestamp}
}

// appendBounded appends v to s and keeps only the last n elements. The
// backing array is reallocated by append from time to time, so memory
// stays within a small multiple of n.
func appendBounded[T any](s []T, v T, n int) []T {
	s = append(s, v)
	if len(s) > n {
		var zero T
		s[0] = zero // let the garbage collector have it
		s = s[len(s)-n:]
	}
	return s
}

func (c Callback) clone() Callback {
	c.Form = cloneValues(c.Form)
	return c
}

func (d Delivery) clone() Delivery {
	if d.Event.Payload != nil {
		d.Event.Payload = append(json.RawMessage(nil), d.Event.Payload...)
	}
	return d
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// maxLogged bounds each field value written to the log.
const maxLogged = 128

// safe prepares an untrusted value for a log: card numbers masked,
// truncated to maxLogged bytes (on a rune boundary).
func safe(s string) string {
	if len(s) > maxLogged {
		cut := maxLogged
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return craftgate.MaskPANs(s)
}

// writePage answers a tiny HTML page, the kind of page a merchant shows the
// buyer's browser at the end of a callback.
func writePage(w http.ResponseWriter, status int, title, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>`+html.EscapeString(title)+
		`</title></head><body><p>`+html.EscapeString(msg)+"</p></body></html>\n")
}
