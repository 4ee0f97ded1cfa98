package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// The mock's admin routes for merchant settings and webhook deliveries (a
// gatecheck mock facility).
const (
	pathMockSettings = "/_mock/v1/settings"
	pathMockWebhooks = "/_mock/v1/webhooks"
)

// States of a webhook in the mock's record.
const (
	webhookDelivered = "DELIVERED"
	webhookGaveUp    = "GAVE_UP"
)

// The documented webhook schedule (docs/reference/craftgate/flows.md 9.1): the first call 30 s after
// the action, retries after 10 s, 30 s, 3 min, 10 min and 30 min.
var (
	documentedInitialDelay = 30 * time.Second
	documentedRetryDelays  = []time.Duration{10 * time.Second, 30 * time.Second, 3 * time.Minute, 10 * time.Minute, 30 * time.Minute}
)

// webhookSlack is added to the longest wait the provider's schedule
// allows, for delivery and scheduling delays.
const webhookSlack = 5 * time.Second

// nonMockWebhookWait bounds the wait for a webhook from a provider whose
// schedule cannot be read (the sandbox): its first call comes 30 s after
// the action.
const nonMockWebhookWait = 2 * time.Minute

// eventTimeLayout is the documented shape of eventTime,
// yyyy-MM-ddTHH:mm:ss.SSSSSS.
var eventTimeLayout = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$`)

func webhookDefinitions() []Definition {
	return []Definition{
		{`^the merchant's 3-D Secure mode is "(FULL_THREEDS|HALF_THREEDS)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.changeSetting(ctx, "threeDSMode", a0)
			})},
		{`^the merchant's POS uses the 3D Pay model$`,
			step0(func(w *World, ctx context.Context) error {
				return w.changeSetting(ctx, "threeDSModel", "3D_PAY")
			})},
		{`^the provider delivers every webhook twice$`,
			step0(func(w *World, ctx context.Context) error {
				return w.changeSetting(ctx, "webhookDuplicate", true)
			})},
		{`^the merchant's webhook endpoint is failing with HTTP (\d{3})$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.failWebhooks(a0) })},
		{`^the merchant's webhook endpoint recovers$`,
			step0(func(w *World, ctx context.Context) error { return w.failWebhooks("0") })},
		{`^the provider has attempted the ` + ReGroup + ` webhook for the payment (\d+) times$`,
			step2((*World).attempted)},
		{`^the provider gives up delivering the ` + ReGroup + ` webhook for the payment$`,
			step1((*World).givesUp)},

		{`^the merchant receives a signed ` + ReGroup + ` webhook with status ` + ReGroup + ` for the (payment|checkout form|refund|item refund)$`,
			step3((*World).receivesWebhook)},
		{`^the merchant processed the webhook once although it was delivered twice$`, step0((*World).processedOnce)},
		{`^the provider recorded the webhook as delivered after (\d+) failed attempts?$`,
			step1((*World).deliveredAfter)},
		{`^the provider recorded the webhook as given up after (\d+) attempts$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.gaveUpAfter(a0) })},
		{`^the attempts were spaced ` + ReDurations + ` apart on the provider's time scale$`,
			step1((*World).attemptsSpaced)},
	}
}

// changeSetting changes one of the mock's merchant settings for the rest
// of the scenario; Close sets it back. Such scenarios are tagged @mock
// @serial: the settings are the whole mock's.
func (w *World) changeSetting(ctx context.Context, name string, value any) error {
	if w.settingsBefore == nil {
		var current map[string]json.RawMessage
		if err := w.client.Do(ctx, http.MethodGet, pathMockSettings, nil, nil, &current); err != nil {
			return fmt.Errorf("steps: reading the mock's merchant settings (a gatecheck mock facility: tag the scenario @mock @serial): %w", err)
		}
		w.settingsBefore = current
	}
	before, ok := w.settingsBefore[name]
	if !ok {
		return fmt.Errorf("steps: the mock has no merchant setting %q", name)
	}
	if _, saved := w.savedSettings[name]; !saved {
		if w.savedSettings == nil {
			w.savedSettings = map[string]json.RawMessage{}
		}
		w.savedSettings[name] = before
	}
	w.schedule = nil // the schedule may have changed
	if err := w.client.Do(ctx, http.MethodPost, pathMockSettings, nil, map[string]any{name: value}, nil); err != nil {
		return fmt.Errorf("steps: changing the mock's merchant setting %s: %w", name, err)
	}
	return nil
}

// failWebhooks makes the merchant's webhook endpoint answer every webhook
// with status ("0": answer normally again). Such scenarios are tagged
// @serial: the endpoint is every scenario's.
func (w *World) failWebhooks(status string) error {
	r, err := w.receiver()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(status)
	if err != nil || (n != 0 && (n < 100 || n > 599)) {
		return fmt.Errorf("steps: HTTP status %q", status)
	}
	r.FailWebhooks(n)
	w.failingHooks = n != 0
	return nil
}

// webhookSchedule is the provider's webhook schedule as the mock's
// settings give it.
type webhookSchedule struct {
	mock         bool
	timeScale    float64
	initialDelay time.Duration
	retryDelays  []time.Duration
}

// longest is the longest a webhook can take from the action to its last
// attempt, plus slack.
func (s *webhookSchedule) longest() time.Duration {
	if !s.mock {
		return nonMockWebhookWait
	}
	total := s.initialDelay
	for _, d := range s.retryDelays {
		total += d
	}
	return time.Duration(float64(total)*s.timeScale) + webhookSlack
}

// providerSchedule reads the mock's webhook schedule once per World; a
// provider without the settings route (the sandbox) has the documented
// schedule in real time.
func (w *World) providerSchedule(ctx context.Context) (*webhookSchedule, error) {
	if w.schedule != nil {
		return w.schedule, nil
	}
	var s struct {
		TimeScale           float64  `json:"timeScale"`
		WebhookInitialDelay string   `json:"webhookInitialDelay"`
		WebhookRetryDelays  []string `json:"webhookRetryDelays"`
	}
	err := w.client.Do(ctx, http.MethodGet, pathMockSettings, nil, nil, &s)
	if ce := craftgate.AsError(err); ce != nil && ce.HTTPStatus == http.StatusNotFound {
		w.schedule = &webhookSchedule{timeScale: 1, initialDelay: documentedInitialDelay, retryDelays: documentedRetryDelays}
		return w.schedule, nil
	}
	if err != nil {
		return nil, fmt.Errorf("steps: reading the mock's webhook schedule: %w", err)
	}
	sched := &webhookSchedule{mock: true, timeScale: s.TimeScale}
	if sched.timeScale <= 0 {
		sched.timeScale = 1
	}
	if sched.initialDelay, err = time.ParseDuration(s.WebhookInitialDelay); err != nil {
		return nil, fmt.Errorf("steps: the mock's webhookInitialDelay %q: %w", s.WebhookInitialDelay, err)
	}
	for _, r := range s.WebhookRetryDelays {
		d, err := time.ParseDuration(r)
		if err != nil {
			return nil, fmt.Errorf("steps: the mock's webhookRetryDelays %q: %w", r, err)
		}
		sched.retryDelays = append(sched.retryDelays, d)
	}
	w.schedule = sched
	return sched, nil
}

// payloadID is what a webhook about subject carries as payloadId
// (docs/reference/craftgate/flows.md 9.1): the payment id, the checkout token, the refund id or the
// transaction refund id.
func (w *World) payloadID(subject string) (string, error) {
	switch subject {
	case "payment":
		if w.paymentID == 0 {
			return "", errors.New("steps: no payment: pay first")
		}
		return strconv.FormatInt(w.paymentID, 10), nil
	case "checkout form":
		co, err := w.requireCheckout()
		if err != nil {
			return "", err
		}
		return co.Token, nil
	case "refund":
		r, err := w.requireRefund()
		if err != nil {
			return "", err
		}
		if r.RefundType == craftgate.RefundTypeRefund {
			// A REFUND has no id of its own (docs/reference/craftgate/endpoints.md B.8): its webhook
			// names the payment.
			return strconv.FormatInt(r.PaymentID, 10), nil
		}
		return strconv.FormatInt(r.ID, 10), nil
	case "item refund":
		if w.itemRefund == nil {
			return "", fmt.Errorf("expected an item refund, got %s", describeErr(w.err))
		}
		return strconv.FormatInt(w.itemRefund.ID, 10), nil
	}
	return "", fmt.Errorf("steps: unknown webhook subject %q", subject)
}

// receivesWebhook waits until the merchant's endpoint has accepted a
// webhook of eventType about subject, then checks its status and
// signature.
func (w *World) receivesWebhook(ctx context.Context, eventType, status, subject string) error {
	id, err := w.payloadID(subject)
	if err != nil {
		return err
	}
	d, err := w.awaitDelivery(ctx, id, func(d merchant.Delivery) bool {
		return d.Event.EventType == eventType && d.Event.PayloadID == id && d.Verified && is2xx(d.HTTPStatus)
	}, "a signed %s webhook for %s %s", eventType, subject, id)
	if err != nil {
		return err
	}
	w.webhook = &d
	e := d.Event
	var m mismatches
	m.check("status", status, e.Status)
	if k := w.target.WebhookKey; k != "" && d.Signature != craftgate.WebhookSignature(k, e.EventType, e.EventTimestamp, e.Status, e.PayloadID) {
		m.addf("x-cg-signature-v1: expected base64(HMAC-SHA256(webhook key, eventType+eventTimestamp+status+payloadId))")
	}
	if !eventTimeLayout.MatchString(e.EventTime) {
		m.addf("eventTime: expected yyyy-MM-ddTHH:mm:ss.SSSSSS, got %q", e.EventTime)
	}
	if e.EventTimestamp <= 0 {
		m.addf("eventTimestamp: expected epoch seconds, got %d", e.EventTimestamp)
	} else if et, err := time.ParseInLocation("2006-01-02T15:04:05.000000", e.EventTime, istanbul); err == nil {
		if diff := et.Unix() - e.EventTimestamp; diff < -1 || diff > 1 {
			m.addf("eventTime %s and eventTimestamp %d are %d s apart (eventTime is Istanbul time)", e.EventTime, e.EventTimestamp, diff)
		}
	}
	if err := m.err(fmt.Sprintf("%s webhook for %s %s", eventType, subject, id)); err != nil {
		return err
	}
	w.note(EvidenceWebhook, fmt.Sprintf("%s %s for %s %s: x-cg-signature-v1 verified", eventType, e.Status, subject, id), "")
	return nil
}

// deliveriesOf describes what the merchant received about payloadID, for
// a failed wait.
func (w *World) deliveriesOf(r *merchant.Receiver, payloadID string, waitErr error) string {
	var seen []string
	for _, d := range r.Deliveries() {
		if d.Event.PayloadID != payloadID {
			continue
		}
		sig := "signature ok"
		if !d.Verified {
			sig = "signature BAD"
		}
		seen = append(seen, fmt.Sprintf("%s %s (%s, answered HTTP %d)", d.Event.EventType, d.Event.Status, sig, d.HTTPStatus))
	}
	if len(seen) == 0 {
		return fmt.Sprintf("no webhook about it (%v)", waitErr)
	}
	return fmt.Sprintf("only %s", strings.Join(seen, "; "))
}

// webhookWait returns what a step waiting for webhooks needs: the
// merchant's receiver, and the provider's delivery schedule, whose longest
// wait bounds the step's.
func (w *World) webhookWait(ctx context.Context) (*merchant.Receiver, *webhookSchedule, error) {
	r, err := w.receiver()
	if err != nil {
		return nil, nil, err
	}
	sched, err := w.providerSchedule(ctx)
	return r, sched, err
}

// awaitDelivery waits until the merchant has accepted a webhook delivery
// that match accepts, as long as the provider's delivery schedule may
// take. Waiting longer fails with "expected the merchant to accept <what>
// within <the wait>, got <the deliveries about payloadID>" (what, format
// and args, is formatted only then).
func (w *World) awaitDelivery(ctx context.Context, payloadID string, match func(merchant.Delivery) bool, format string, args ...any) (merchant.Delivery, error) {
	r, sched, err := w.webhookWait(ctx)
	if err != nil {
		return merchant.Delivery{}, err
	}
	wctx, cancel := context.WithTimeout(ctx, sched.longest())
	defer cancel()
	d, err := r.WaitDelivery(wctx, match)
	if err != nil {
		return d, fmt.Errorf("expected the merchant to accept %s within %s, got %s", fmt.Sprintf(format, args...),
			sched.longest().Round(time.Millisecond), w.deliveriesOf(r, payloadID, err))
	}
	return d, nil
}

func is2xx(status int) bool { return status >= 200 && status <= 299 }

// processedOnce waits for the second delivery of the last webhook and
// checks that the merchant processed the event only once.
func (w *World) processedOnce(ctx context.Context) error {
	if w.webhook == nil {
		return errors.New(`steps: no webhook yet: "Then the merchant receives a signed ... webhook" first`)
	}
	e := w.webhook.Event
	r, sched, err := w.webhookWait(ctx)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, sched.longest())
	defer cancel()
	same := func(d merchant.Delivery) bool {
		x := d.Event
		return x.EventType == e.EventType && x.PayloadID == e.PayloadID && x.Status == e.Status && x.EventTimestamp == e.EventTimestamp
	}
	if _, err := r.WaitDelivery(wctx, func(d merchant.Delivery) bool { return same(d) && d.Duplicate }); err != nil {
		return fmt.Errorf("expected the %s webhook for %s to be delivered a second time, got %s", e.EventType, e.PayloadID, w.deliveriesOf(r, e.PayloadID, err))
	}
	n := 0
	for _, d := range r.Deliveries() {
		if same(d) {
			n++
		}
	}
	var m mismatches
	if n < 2 {
		m.addf("deliveries: expected at least 2, got %d", n)
	}
	m.check("times processed", 1, r.Processed(e.EventType, e.PayloadID))
	return m.errf("%s webhook for %s", e.EventType, e.PayloadID)
}

// attempted waits until the merchant's endpoint has seen n attempts of the
// webhook of eventType for the payment. It watches the receiver, not the
// provider, so that a step right after it (the endpoint recovering) comes
// before the provider's next attempt even on a fast schedule.
func (w *World) attempted(ctx context.Context, eventType, times string) error {
	n, err := ParseInt(times)
	if err != nil || n < 1 {
		return fmt.Errorf("steps: number of attempts %q", times)
	}
	id, err := w.payloadID("payment")
	if err != nil {
		return err
	}
	r, sched, err := w.webhookWait(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(sched.longest())
	for {
		got := 0
		for _, d := range r.Deliveries() {
			if d.Event.EventType == eventType && d.Event.PayloadID == id {
				got++
			}
		}
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("expected %d attempts of the %s webhook for payment %s, the merchant saw %d in %s", n, eventType, id, got, sched.longest().Round(time.Millisecond))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// mockWebhook is the mock's record of one webhook and its delivery
// attempts (GET /_mock/v1/webhooks).
type mockWebhook struct {
	EventType string        `json:"eventType"`
	PayloadID string        `json:"payloadId"`
	Status    string        `json:"status"`
	State     string        `json:"state"`
	CreatedAt time.Time     `json:"createdAt"`
	Attempts  []mockAttempt `json:"attempts"`
}

// mockAttempt is one delivery attempt in the mock's record.
type mockAttempt struct {
	At time.Time `json:"at"`
	// Due and Delay are when the attempt was scheduled and the wait it was
	// scheduled with (gatecheck's mock reports them).
	Due        time.Time     `json:"due"`
	Delay      time.Duration `json:"delayNs"`
	HTTPStatus int           `json:"httpStatus"`
	Error      string        `json:"error"`
	// Duplicate marks the second send of an attempt in duplicate mode.
	Duplicate bool `json:"duplicate"`
}

// lookupMockWebhook reads the mock's record of the webhook of eventType
// about payloadID.
func (w *World) lookupMockWebhook(ctx context.Context, eventType, payloadID string) (*mockWebhook, error) {
	var page struct {
		Items []mockWebhook `json:"items"`
	}
	q := url.Values{"payloadId": {payloadID}, "eventType": {eventType}}
	if err := w.client.Do(ctx, http.MethodGet, pathMockWebhooks, q, nil, &page); err != nil {
		return nil, fmt.Errorf("steps: reading the mock's webhook deliveries (a gatecheck mock facility: tag the scenario @mock): %w", err)
	}
	switch len(page.Items) {
	case 0:
		return nil, nil
	case 1:
		h := &page.Items[0]
		// One attempt is one entry: the second send of an attempt in
		// duplicate mode is not another attempt.
		h.Attempts = slices.DeleteFunc(h.Attempts, func(a mockAttempt) bool { return a.Duplicate })
		return h, nil
	}
	return nil, fmt.Errorf("steps: the mock recorded %d %s webhooks for %s, expected one", len(page.Items), eventType, payloadID)
}

// waitMockWebhook polls the mock until the webhook reaches one of states.
func (w *World) waitMockWebhook(ctx context.Context, eventType, payloadID string, states ...string) (*mockWebhook, error) {
	sched, err := w.providerSchedule(ctx)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(sched.longest())
	for {
		h, err := w.lookupMockWebhook(ctx, eventType, payloadID)
		if err != nil {
			return nil, err
		}
		if h != nil && slices.Contains(states, h.State) {
			return h, nil
		}
		if time.Now().After(deadline) {
			state := "no record"
			if h != nil {
				state = fmt.Sprintf("state %s after %d attempts", h.State, len(h.Attempts))
			}
			return nil, fmt.Errorf("expected the provider's %s webhook for %s to reach %s within %s, got %s", eventType, payloadID, strings.Join(states, " or "), sched.longest().Round(time.Millisecond), state)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (w *World) givesUp(ctx context.Context, eventType string) error {
	id, err := w.payloadID("payment")
	if err != nil {
		return err
	}
	h, err := w.waitMockWebhook(ctx, eventType, id, webhookGaveUp, webhookDelivered)
	if err != nil {
		return err
	}
	w.mockWebhook = h
	return nil
}

func (w *World) deliveredAfter(ctx context.Context, failures string) error {
	n, err := ParseInt(failures)
	if err != nil {
		return err
	}
	if w.webhook == nil {
		return errors.New(`steps: no webhook yet: "Then the merchant receives a signed ... webhook" first`)
	}
	e := w.webhook.Event
	h, err := w.waitMockWebhook(ctx, e.EventType, e.PayloadID, webhookDelivered, webhookGaveUp)
	if err != nil {
		return err
	}
	w.mockWebhook = h
	var m mismatches
	m.check("state", webhookDelivered, h.State)
	if len(h.Attempts) < n+1 {
		m.addf("attempts: expected %d failed and one delivered, got %d in all", n, len(h.Attempts))
	} else {
		for i, a := range h.Attempts[:n] {
			if is2xx(a.HTTPStatus) {
				m.addf("attempt %d: expected a failure, got HTTP %d", i+1, a.HTTPStatus)
			}
		}
		if last := h.Attempts[len(h.Attempts)-1]; !is2xx(last.HTTPStatus) {
			m.addf("last attempt: expected HTTP 2xx, got %d %s", last.HTTPStatus, last.Error)
		}
	}
	return m.errf("the provider's %s webhook for %s", e.EventType, e.PayloadID)
}

// requireMockWebhook returns the mock's record of the webhook the provider
// gave up delivering.
func (w *World) requireMockWebhook() (*mockWebhook, error) {
	if w.mockWebhook == nil {
		return nil, errors.New(`steps: no webhook record: "When the provider gives up delivering ..." first`)
	}
	return w.mockWebhook, nil
}

func (w *World) gaveUpAfter(attempts string) error {
	n, h, err := withArg(attempts, ParseInt, w.requireMockWebhook)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("state", webhookGaveUp, h.State)
	m.check("attempts", n, len(h.Attempts))
	for i, a := range h.Attempts {
		if is2xx(a.HTTPStatus) {
			m.addf("attempt %d: expected a failure, got HTTP %d", i+1, a.HTTPStatus)
		}
	}
	return m.errf("the provider's %s webhook for %s", h.EventType, h.PayloadID)
}

// attemptsSpaced checks the schedule's shape: each attempt was scheduled
// with exactly the listed delay on the mock's time scale (the initial one
// after the action, the retries after the previous attempt ended), was
// never sent before it was due (5% + 2 ms of timer granularity), and was
// sent at most lateSlack after it (a loaded machine delays goroutines, not
// the schedule). Attempts recorded by mocks that do not report due times
// are checked by their gaps instead.
func (w *World) attemptsSpaced(ctx context.Context, list string) error {
	delays, h, err := withArg(list, ParseDurations, w.requireMockWebhook)
	if err != nil {
		return err
	}
	sched, err := w.providerSchedule(ctx)
	if err != nil {
		return err
	}
	if len(h.Attempts) != len(delays) {
		return fmt.Errorf("the provider's %s webhook for %s: %d attempts, the schedule lists %d delays", h.EventType, h.PayloadID, len(h.Attempts), len(delays))
	}
	const lateSlack = 5 * time.Second
	var m mismatches
	prev := h.CreatedAt
	for i, a := range h.Attempts {
		want := time.Duration(float64(delays[i]) * sched.timeScale)
		early := want/20 + 2*time.Millisecond
		if !a.Due.IsZero() {
			if d := a.Delay - want; d < -time.Microsecond || d > time.Microsecond {
				m.addf("attempt %d was scheduled %s after the previous step, expected %s (%s × %g)", i+1, a.Delay, want, delays[i], sched.timeScale)
			}
			if a.At.Before(a.Due.Add(-early)) || a.At.After(a.Due.Add(lateSlack)) {
				m.addf("attempt %d was sent %s after it was due", i+1, a.At.Sub(a.Due).Round(time.Millisecond))
			}
			continue
		}
		got := a.At.Sub(prev)
		if got < want-early || got > want+want/2+250*time.Millisecond {
			m.addf("attempt %d came %s after the previous one, expected %s (%s × %g)", i+1, got.Round(100*time.Microsecond), want, delays[i], sched.timeScale)
		}
		prev = a.At
	}
	return m.errf("the provider's %s webhook schedule for %s", h.EventType, h.PayloadID)
}
