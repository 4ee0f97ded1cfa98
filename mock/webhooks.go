package mock

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Transaction webhooks (docs/reference/craftgate/flows.md 9.1). When the merchant settings name a
// webhookUrl, every action below queues one event, signed with the
// webhookKey (x-cg-signature-v1, craftgate.WebhookSignature):
//
//	API_AUTH             non-3DS create payment (SUCCESS and FAILURE), 3ds-complete,
//	                     post-auth (SUCCESS and FAILURE; preauth.go)
//	THREEDS_VERIFY       3-D Secure verification in model 3D (SUCCESS or FAILURE)
//	API_VERIFY_AND_AUTH  3-D Secure verification in model 3D_PAY
//	CHECKOUTFORM_AUTH    successful checkout payment; payloadId is the token
//	REFUND               successful POST /refunds; payloadId is the CANCEL's
//	                     payment-refund id, or, for a REFUND (which has no id
//	                     of its own, docs/reference/craftgate/endpoints.md B.8), the payment id
//	REFUND_TX            successful POST /refund-transactions; payloadId is
//	                     the transaction refund id
//
// eventTime and eventTimestamp come from the mock clock. A 3ds-init that
// fails, a checkout payment that fails and a failed refund send nothing.
// The records of settled events (GET /_mock/v1/webhooks) are bounded by the
// store's capacity: beyond it the oldest delivered or given-up ones are
// dropped.
//
// Schedule: the first attempt is made initialDelay×timeScale after the
// action, each retry retryDelays[i]×timeScale after the previous attempt
// ended; only a 2xx answer counts (redirects are not followed, and count as
// failures, like timeouts and 4xx/5xx); after 1+len(retryDelays) failed
// attempts the event is GAVE_UP. An event keeps the settings (URL, key,
// schedule, modes) of the moment it was created.
//
// Deliveries run on goroutines owned by the Mock: one scheduler, started
// with the first event, and one goroutine per attempt in flight. Close
// stops the scheduler, cancels the pending events (they stay PENDING) and
// waits for the attempts in flight.

// Webhook event types the mock sends.
const (
	EventAPIAuth          = "API_AUTH"
	EventThreeDSVerify    = "THREEDS_VERIFY"
	EventAPIVerifyAndAuth = "API_VERIFY_AND_AUTH"
	EventCheckoutFormAuth = "CHECKOUTFORM_AUTH"
	EventRefund           = "REFUND"
	EventRefundTx         = "REFUND_TX"
)

// Delivery states of a webhook event.
const (
	WebhookPending   = "PENDING"
	WebhookDelivered = "DELIVERED"
	WebhookGaveUp    = "GAVE_UP"
)

// webhookTimeLayout is eventTime: local time with microseconds.
const webhookTimeLayout = "2006-01-02T15:04:05.000000"

// maxWebhookAnswer is how much of a webhook answer is read (and dropped)
// so that the connection can be reused.
const maxWebhookAnswer = 64 << 10

// WebhookAttempt is one delivery attempt.
type WebhookAttempt struct {
	// At is the wall-clock time the attempt was sent (not the mock clock,
	// so that tests can measure the scaled schedule).
	At time.Time `json:"at"`
	// HTTPStatus is the answer's status, 0 when none came.
	HTTPStatus int `json:"httpStatus"`
	// Error is the transport error, if any.
	Error string `json:"error"`
	// Duplicate marks the second send of an attempt in duplicate mode.
	Duplicate bool `json:"duplicate,omitempty"`
	// Due is when the attempt was scheduled, and Delay the (scaled) wait
	// it was scheduled with: the initial delay after the action, or a retry
	// delay after the previous attempt ended. They let a test check the
	// schedule's shape exactly, whatever a loaded machine does to At.
	Due   time.Time     `json:"due"`
	Delay time.Duration `json:"delayNs"`
}

// WebhookRecord is one webhook event and its delivery so far.
type WebhookRecord struct {
	ID        int64     `json:"id"`
	EventType string    `json:"eventType"`
	PayloadID string    `json:"payloadId"`
	Status    string    `json:"status"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"createdAt"`
	// Payload is the event's payload object, for the events that have one.
	Payload  json.RawMessage  `json:"payload,omitempty"`
	Attempts []WebhookAttempt `json:"attempts"`
}

// hookEvent is a queued webhook event.
type hookEvent struct {
	id        int64
	eventType string
	payloadID string
	status    string
	payload   json.RawMessage
	body      []byte
	signature string
	createdAt time.Time
	cfg       *Settings // snapshot, never modified

	// Guarded by hooks.mu.
	state    string
	attempts []WebhookAttempt
	sent     int // attempts made (a duplicate pair counts once)
	due      time.Time
	delay    time.Duration // the wait due was scheduled with
}

// dueHeap orders pending events by due time (then id, for determinism).
type dueHeap []*hookEvent

func (h dueHeap) Len() int { return len(h) }
func (h dueHeap) Less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].id < h[j].id
}
func (h dueHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)   { *h = append(*h, x.(*hookEvent)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// hooks is the webhook dispatcher of one Mock.
type hooks struct {
	m      *Mock
	client *http.Client // redirects not followed

	mu        sync.Mutex
	started   bool
	closed    bool
	queue     dueHeap
	events    []*hookEvent
	nextID    int64
	seenFirst map[int64]struct{} // out-of-order mode: payments that had an event
	capacity  int                // records kept (settled ones beyond it are dropped); 0: all

	wake  chan struct{} // capacity 1: the queue head changed
	stop  chan struct{} // closed by Close
	abort context.CancelFunc
	ctx   context.Context // of every send; cancelled when Close gives up waiting
	wg    sync.WaitGroup  // the scheduler and the attempts in flight
	owned bool            // client is the mock's own (its idle connections are closed on Close)
}

func newHooks(m *Mock, client *http.Client) *hooks {
	h := &hooks{m: m, wake: make(chan struct{}, 1), stop: make(chan struct{}), seenFirst: map[int64]struct{}{}}
	if client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
		h.owned = true
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	h.client = &c
	h.ctx, h.abort = context.WithCancel(context.Background())
	return h
}

// emit queues a webhook event when a webhook URL is configured. paymentID
// groups the events of one payment for out-of-order mode.
func (m *Mock) emit(eventType, status, payloadID string, paymentID int64) {
	m.emitPayload(eventType, status, payloadID, paymentID, nil)
}

// emitPayload is emit for the events that carry a payload object
// (WALLET_CREATED, WALLET_TX_CREATED, BNPL_NOTIFICATION ...: docs/reference/craftgate/flows.md
// 9.1). payload must be a JSON object or nil; it is sent as the body's
// "payload" member and is not part of the signature (the signature covers
// eventType, eventTimestamp, status and payloadId only).
func (m *Mock) emitPayload(eventType, status, payloadID string, paymentID int64, payload json.RawMessage) {
	s := m.settings.Load()
	if s.WebhookURL == "" {
		return
	}
	m.hooks.enqueue(s, eventType, status, payloadID, paymentID, payload)
}

// emitPayment is emit for events whose payloadId is the payment id.
func (m *Mock) emitPayment(eventType string, p *payment, failed bool) {
	if m.settings.Load().WebhookURL == "" {
		return
	}
	status := craftgate.StatusSuccess
	if failed {
		status = craftgate.StatusFailure
	}
	m.emit(eventType, status, strconv.FormatInt(p.id, 10), p.id)
}

func (h *hooks) enqueue(s *Settings, eventType, status, payloadID string, paymentID int64, payload json.RawMessage) {
	now := h.m.Now()
	ev := craftgate.WebhookEvent{EventType: eventType, EventTime: now.Format(webhookTimeLayout), EventTimestamp: now.Unix(),
		Status: status, PayloadID: payloadID, Payload: payload}
	body, err := json.Marshal(&ev)
	if err != nil {
		return // cannot happen: strings, an integer and a valid JSON object
	}
	e := &hookEvent{eventType: eventType, payloadID: payloadID, status: status, payload: payload, body: body,
		signature: ev.Sign(s.WebhookKey), createdAt: time.Now(), cfg: s, state: WebhookPending}
	delay := s.scaled(s.WebhookInitialDelay)

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	if s.WebhookOutOfOrder && paymentID != 0 {
		if h.capacity > 0 && len(h.seenFirst) >= h.capacity {
			clear(h.seenFirst) // bounded: a payment that old sends no more events
		}
		if _, seen := h.seenFirst[paymentID]; !seen {
			h.seenFirst[paymentID] = struct{}{}
			delay *= 2 // the first event of a payment is held back
		}
	}
	h.nextID++
	e.id = h.nextID
	e.due, e.delay = e.createdAt.Add(delay), delay
	h.events = append(h.events, e)
	if h.capacity > 0 && len(h.events) > h.capacity+h.capacity/4 {
		h.trim()
	}
	if !h.started {
		h.started = true
		h.wg.Add(1)
		go h.run()
	}
	h.push(e)
}

// trim drops the oldest settled (delivered or given up) event records
// down to the capacity; pending ones are kept. The caller holds h.mu.
func (h *hooks) trim() {
	excess := len(h.events) - h.capacity
	kept := h.events[:0]
	for _, e := range h.events {
		if excess > 0 && e.state != WebhookPending {
			excess--
			continue
		}
		kept = append(kept, e)
	}
	clear(h.events[len(kept):])
	h.events = kept
}

// count is the number of event records held.
func (h *hooks) count() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return int64(len(h.events))
}

// push queues e; the caller holds h.mu.
func (h *hooks) push(e *hookEvent) {
	heap.Push(&h.queue, e)
	if h.queue[0] == e {
		select {
		case h.wake <- struct{}{}:
		default:
		}
	}
}

// run is the scheduler: it starts every due attempt on its own goroutine.
func (h *hooks) run() {
	defer h.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		h.mu.Lock()
		now := time.Now()
		for len(h.queue) > 0 && !h.queue[0].due.After(now) {
			e := heap.Pop(&h.queue).(*hookEvent)
			h.wg.Add(1)
			go h.attempt(e)
		}
		wait := time.Hour
		if len(h.queue) > 0 {
			wait = h.queue[0].due.Sub(now)
		}
		h.mu.Unlock()
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-h.wake:
		case <-h.stop:
			return
		}
	}
}

// attempt makes one delivery attempt (two sends in duplicate mode) and
// schedules the next one or settles the event.
func (h *hooks) attempt(e *hookEvent) {
	defer h.wg.Done()
	sends := 1
	if e.cfg.WebhookDuplicate {
		sends = 2
	}
	ok := false
	// The event left the queue under h.mu before this goroutine started, so
	// nothing writes due and delay now.
	due, delay := e.due, e.delay
	for i := range sends {
		a := h.send(e)
		a.Duplicate = i > 0
		a.Due, a.Delay = due, delay
		if a.HTTPStatus >= 200 && a.HTTPStatus < 300 {
			ok = true
		}
		h.mu.Lock()
		e.attempts = append(e.attempts, a)
		h.mu.Unlock()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	e.sent++
	switch {
	case ok:
		e.state = WebhookDelivered
	case e.sent > len(e.cfg.WebhookRetryDelays):
		e.state = WebhookGaveUp
	case !h.closed:
		e.delay = e.cfg.scaled(e.cfg.WebhookRetryDelays[e.sent-1])
		e.due = time.Now().Add(e.delay)
		h.push(e)
	}
}

// send posts the event once.
func (h *hooks) send(e *hookEvent) WebhookAttempt {
	a := WebhookAttempt{At: time.Now()}
	req, err := http.NewRequestWithContext(h.ctx, http.MethodPost, e.cfg.WebhookURL, bytes.NewReader(e.body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "gatecheck-mock-webhook")
	req.Header.Set(craftgate.WebhookSignatureHeader, e.signature)
	resp, err := h.client.Do(req)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	_ = resp.Body.Close()
	a.HTTPStatus = resp.StatusCode
	return a
}

// close stops the scheduler and waits for the attempts in flight; when ctx
// ends first, it cancels them and returns ctx's error.
func (h *hooks) close(ctx context.Context) error {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.stop)
	}
	h.mu.Unlock()
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		h.abort()
		<-done // sends return promptly once their context is cancelled
	}
	h.abort()
	if h.owned {
		h.client.CloseIdleConnections()
	}
	return err
}

// records returns copies of the events matching the filters (empty: any),
// in creation order.
func (h *hooks) records(payloadID, eventType string) []WebhookRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []WebhookRecord{}
	for _, e := range h.events {
		if (payloadID != "" && e.payloadID != payloadID) || (eventType != "" && e.eventType != eventType) {
			continue
		}
		out = append(out, WebhookRecord{ID: e.id, EventType: e.eventType, PayloadID: e.payloadID, Status: e.status,
			State: e.state, CreatedAt: e.createdAt, Payload: e.payload, Attempts: append([]WebhookAttempt{}, e.attempts...)})
	}
	return out
}

// Webhooks returns the webhook events created so far with their delivery
// attempts, in creation order, filtered by payloadId and eventType when
// those are not empty. The admin route GET /_mock/v1/webhooks answers the
// same.
func (m *Mock) Webhooks(payloadID, eventType string) []WebhookRecord {
	return m.hooks.records(payloadID, eventType)
}

// Close ends the mock's background work, for a graceful shutdown after
// the HTTP server has stopped taking requests (http.Server.Shutdown): it
// drains injected delays (Drain), stops the webhook dispatcher (pending
// events are cancelled and stay PENDING; attempts in flight are waited
// for, and cancelled when ctx ends first, whose error is then returned),
// and, with a state file, stops the periodic snapshots and writes the last
// one. The mock keeps answering API calls, but queues no more webhooks.
// Close may be called more than once.
func (m *Mock) Close(ctx context.Context) error {
	m.Drain()
	return errors.Join(m.hooks.close(ctx), m.closeState())
}

// listWebhooks serves GET /_mock/v1/webhooks[?payloadId=X&eventType=Y]:
// {"data":{"items":[WebhookRecord...]}}.
func (m *Mock) listWebhooks(c *call) error {
	q := c.r.URL.Query()
	c.sendData(http.StatusOK, struct {
		Items []WebhookRecord `json:"items"`
	}{m.Webhooks(q.Get("payloadId"), q.Get("eventType"))})
	return nil
}
