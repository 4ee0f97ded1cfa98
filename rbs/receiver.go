package rbs

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Paths a Receiver serves, relative to its base URL.
const (
	ReceiverCallbackPath = "/callback"
	ReceiverReturnPath   = "/return"
	ReceiverFailPath     = "/fail"
)

// ReceiverConfig configures a Receiver.
type ReceiverConfig struct {
	// CallbackKey is the merchant's callback key (the symmetric checksum
	// key issued by the bank's support). Empty: callbacks are not checked.
	CallbackKey string
	// RequireChecksum refuses unsigned callbacks (HTTP 400) when a key is
	// set. Otherwise they are accepted but recorded as unverified: the
	// merchant must confirm them with getOrderStatusExtended.do.
	RequireChecksum bool
}

// ReceivedCallback is one callback notification as the merchant got it.
type ReceivedCallback struct {
	// Method is GET (the gateway's default) or POST.
	Method string
	// Params are the decoded parameters, checksum included.
	Params url.Values
	// Verified says the checksum matched the callback key.
	Verified bool
	// Problem says why the callback was not verified; empty when it was.
	Problem string
	// Answer is the HTTP status the merchant answered: 200 accepts it;
	// anything else makes the gateway retry.
	Answer int
}

// MdOrder is the gateway order id of the callback.
func (c ReceivedCallback) MdOrder() string { return c.Params.Get("mdOrder") }

// Operation is approved, deposited, reversed, refunded, declinedByTimeout...
func (c ReceivedCallback) Operation() string { return c.Params.Get("operation") }

// Status is "1" for success and "0" for failure.
func (c ReceivedCallback) Status() string { return c.Params.Get("status") }

// Landing is one visit of the payer's browser to the return or fail URL.
type Landing struct {
	// Fail is true for the fail URL.
	Fail bool
	// OrderID is the orderId the gateway appended.
	OrderID string
	// Query is the whole query.
	Query url.Values
}

// Receiver is the merchant's side of an RBS integration, for tests and
// the mock: an http.Handler that takes the gateway's callback
// notifications at /callback (GET query or POST form), checks their
// checksum and records them, and is where the payer's browser lands after
// the payment page (/return and /fail). It is safe for concurrent use.
type Receiver struct {
	cfg ReceiverConfig

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced whenever something is recorded
	callbacks []ReceivedCallback
	landings  []Landing
	failNext  int
}

// NewReceiver returns a Receiver.
func NewReceiver(cfg ReceiverConfig) *Receiver {
	return &Receiver{cfg: cfg, changed: make(chan struct{})}
}

// maxCallbackBytes bounds a callback's body.
const maxCallbackBytes = 64 << 10

// maxRecorded bounds what a Receiver keeps of each kind: beyond it the
// oldest quarter is dropped, so that a long load run keeps recording the
// newest callbacks (the ones its iterations wait for).
const maxRecorded = 10_000

// appendBounded appends v to s, first dropping the oldest quarter of s
// when s holds maxRecorded entries.
func appendBounded[T any](s []T, v T) []T {
	if len(s) >= maxRecorded {
		n := copy(s, s[maxRecorded/4:])
		clear(s[n:])
		s = s[:n]
	}
	return append(s, v)
}

// ServeHTTP implements http.Handler.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	path := req.URL.Path
	switch {
	case strings.HasSuffix(path, ReceiverCallbackPath):
		r.serveCallback(w, req)
	case strings.HasSuffix(path, ReceiverReturnPath), strings.HasSuffix(path, ReceiverFailPath):
		r.serveLanding(w, req, strings.HasSuffix(path, ReceiverFailPath))
	default:
		http.NotFound(w, req)
	}
}

func (r *Receiver) serveCallback(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, maxCallbackBytes)
	var params url.Values
	if req.Method == http.MethodPost {
		if err := req.ParseForm(); err != nil {
			http.Error(w, "malformed callback", http.StatusBadRequest)
			return
		}
		params = req.PostForm
	} else {
		var err error
		if params, err = url.ParseQuery(req.URL.RawQuery); err != nil {
			http.Error(w, "malformed callback", http.StatusBadRequest)
			return
		}
	}
	cb := ReceivedCallback{Method: req.Method, Params: params, Answer: http.StatusOK}
	switch {
	case r.cfg.CallbackKey == "":
		cb.Problem = "no callback key configured"
	case params.Get(ParamChecksum) == "":
		cb.Problem = ErrNoChecksum.Error()
		if r.cfg.RequireChecksum {
			cb.Answer = http.StatusBadRequest
		}
	default:
		if err := VerifyChecksum(params, r.cfg.CallbackKey); err != nil {
			cb.Problem, cb.Answer = err.Error(), http.StatusBadRequest
		} else {
			cb.Verified = true
		}
	}
	r.mu.Lock()
	if cb.Answer == http.StatusOK && r.failNext > 0 {
		r.failNext--
		cb.Answer = http.StatusServiceUnavailable
	}
	r.callbacks = appendBounded(r.callbacks, cb)
	r.notifyLocked()
	r.mu.Unlock()
	if cb.Answer != http.StatusOK {
		http.Error(w, http.StatusText(cb.Answer), cb.Answer)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "OK")
}

func (r *Receiver) serveLanding(w http.ResponseWriter, req *http.Request, fail bool) {
	q := req.URL.Query()
	l := Landing{Fail: fail, OrderID: q.Get("orderId"), Query: q}
	r.mu.Lock()
	r.landings = appendBounded(r.landings, l)
	r.notifyLocked()
	r.mu.Unlock()
	title := "Thank you: the payment is being processed"
	if fail {
		title = "The payment did not succeed"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>%s</title></head><body><h1>%s</h1><p>Order <code>%s</code></p></body></html>",
		title, title, html.EscapeString(l.OrderID))
}

func (r *Receiver) notifyLocked() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// FailCallbacks makes the receiver answer the next n callbacks that would
// be accepted with HTTP 503, so the gateway retries them.
func (r *Receiver) FailCallbacks(n int) {
	r.mu.Lock()
	r.failNext = max(n, 0)
	r.mu.Unlock()
}

// Callbacks returns the callbacks received for mdOrder (all when empty),
// in arrival order.
func (r *Receiver) Callbacks(mdOrder string) []ReceivedCallback {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ReceivedCallback
	for _, c := range r.callbacks {
		if mdOrder == "" || c.MdOrder() == mdOrder {
			out = append(out, c)
		}
	}
	return out
}

// Landings returns the browser visits for orderID (all when empty).
func (r *Receiver) Landings(orderID string) []Landing {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Landing
	for _, l := range r.landings {
		if orderID == "" || l.OrderID == orderID {
			out = append(out, l)
		}
	}
	return out
}

// WaitCallback waits until a callback for mdOrder with operation (any when
// empty) has been received and returns the first such one.
func (r *Receiver) WaitCallback(ctx context.Context, mdOrder, operation string) (ReceivedCallback, error) {
	for {
		r.mu.Lock()
		ch := r.changed
		for _, c := range r.callbacks {
			if c.MdOrder() == mdOrder && (operation == "" || c.Operation() == operation) {
				r.mu.Unlock()
				return c, nil
			}
		}
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ReceivedCallback{}, fmt.Errorf("rbs: no %q callback for order %s: %w", operation, mdOrder, ctx.Err())
		}
	}
}
