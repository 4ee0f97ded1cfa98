package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The merchant's retry and timeout behaviour under provider faults (the
// @reliability features). The provider's side is the mock's fault
// injection, driven through its signed admin route /_mock/v1/faults (a
// gatecheck mock facility: such scenarios are tagged @mock @serial, since
// faults apply to every scenario running at the time). The merchant's
// side is a small retrying client, retryPayment: a real policy, so that a
// scenario fails when the retries are wrong.
//
// The policy: at most Attempts calls, each bounded by Timeout. A decline
// (HTTP 422) or a validation error (other 4xx) is final. A 429 is retried
// after max(backoff, Retry-After): the provider did not process it. Any
// other failure (5xx, a timeout, a reset connection, a body cut short) is
// ambiguous, since the provider may have taken the payment before the
// answer was lost, so before retrying the merchant looks the payment up
// by its conversationId, which is the same for every attempt: a payment
// found is adopted (never paid twice), only "nothing found" is retried.
// Backoff doubles from Base, capped at Max, with no jitter (so that waits
// can be asserted).

// pathMockFaults is the mock's fault injection admin route.
const pathMockFaults = "/_mock/v1/faults"

// opCreatePayment is the fault rules' name of the payment call.
const opCreatePayment = "POST " + craftgate.PathCardPayments

// retryPolicy is the merchant's retry policy for payment calls.
type retryPolicy struct {
	Attempts int           // calls at most, the first included
	Timeout  time.Duration // per call, the body included
	Base     time.Duration // the first wait; doubled for each retry
	Max      time.Duration // the longest wait
}

// defaultRetryPolicy is the policy until a scenario sets one.
func defaultRetryPolicy() retryPolicy {
	return retryPolicy{Attempts: 3, Timeout: 5 * time.Second, Base: 20 * time.Millisecond, Max: 2 * time.Second}
}

// backoff is the wait before retry n (1 for the first retry).
func (p retryPolicy) backoff(n int) time.Duration {
	d := p.Base
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// attemptResult is what one call of a retried payment saw.
type attemptResult struct {
	status     int    // HTTP status, 0 when no answer came
	group      string // errorGroup of an error answer
	err        string // the failure, described
	retryAfter time.Duration
}

// retryOutcome is how a retried payment ended.
type retryOutcome struct {
	attempts  []attemptResult
	waits     []time.Duration // the waits before each retry
	payment   *craftgate.Payment
	recovered bool  // found by conversationId after an ambiguous failure
	err       error // the final failure, when it did not succeed
}

// faultPlan is the fault configuration a scenario builds up, in the mock's
// JSON form (mock.FaultConfig).
type faultPlan struct {
	Rules   []map[string]any `json:"rules"`
	Outages []map[string]any `json:"outages"`
}

func faultDefinitions() []Definition {
	return []Definition{
		{`^the merchant retries payments up to (\d+) times with a timeout of (\d+(?:ms|s)) per attempt$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.setRetryPolicy(a0, a1) })},
		{`^the provider answers HTTP (5\d\d) to the next (\d+) payment calls?( after taking the payment)?$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error {
				status, _ := strconv.Atoi(a0)
				return w.addFault(ctx, a1, map[string]any{"fault": "error", "status": status, "after": a2 != ""})
			})},
		{`^the provider rate-limits the next (\d+) payment calls? for (\d+) seconds?$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.addFault(ctx, a0, map[string]any{"fault": "rateLimit", "retryAfter": a1 + "s"})
			})},
		{`^the provider resets the connection of the next (\d+) payment calls? after taking the payment$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.addFault(ctx, a0, map[string]any{"fault": "reset", "after": true})
			})},
		{`^the provider holds the next (\d+) payment calls? for (\d+(?:ms|s)) after taking the payment$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.addFault(ctx, a0, map[string]any{"fault": "timeout", "hold": a1, "after": true})
			})},
		{`^the provider trickles the answer to the next (\d+) payment calls? (\d+) bytes every (\d+(?:ms|s))$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error {
				chunk, _ := strconv.Atoi(a1)
				return w.addFault(ctx, a0, map[string]any{"fault": "slowBody", "chunk": chunk, "every": a2})
			})},
		{`^the provider answers every payment call after (\d+(?:ms|s))$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.addRule(ctx, map[string]any{"operation": opCreatePayment, "latency": map[string]any{"dist": "fixed", "value": a0}})
			})},
		{`^the bank "([^"]+)" is out of service for the next (\d+) minutes with error group ` + ReGroup + `$`,
			step3((*World).bankOutage)},
		{`^(\d+) minutes pass on the provider's clock$`,
			step1((*World).minutesPass)},

		{`^the merchant pays with ` + ReCard + `, retrying as its policy allows$`,
			step1((*World).payRetrying)},

		{`^the merchant's payment succeeds after (\d+) attempts?$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.retrySucceeded(a0) })},
		{`^the merchant recovered the payment by its conversationId$`, step0((*World).retryRecovered)},
		{`^the merchant gives up after (\d+) attempts?$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.retryGaveUp(a0) })},
		{`^the merchant waited at least (\d+) seconds? before retrying$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.retryWaited(a0) })},
		{`^the first attempt was refused with HTTP (\d{3}) and error group ` + ReGroup + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.firstAttemptRefused(a0, a1) })},
		{`^the merchant's payment is declined with error group ` + ReGroup + ` without a retry$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.retryDeclined(a0) })},
		{`^the provider holds exactly one successful payment for the order$`,
			step0(func(w *World, ctx context.Context) error { return w.paymentsForOrder(ctx, 1) })},
		{`^the provider holds no payment for the order$`,
			step0(func(w *World, ctx context.Context) error { return w.paymentsForOrder(ctx, 0) })},
	}
}

// setRetryPolicy sets the merchant's attempts and per-call timeout.
func (w *World) setRetryPolicy(attempts, timeout string) error {
	n, err := ParseInt(attempts)
	if err != nil || n < 1 || n > 20 {
		return fmt.Errorf("steps: attempts %q: want 1 to 20", attempts)
	}
	d, err := time.ParseDuration(timeout)
	if err != nil || d <= 0 {
		return fmt.Errorf("steps: timeout %q: want a positive duration", timeout)
	}
	p := w.retryPolicy()
	p.Attempts, p.Timeout = n, d
	w.retry = &p
	return nil
}

func (w *World) retryPolicy() retryPolicy {
	if w.retry != nil {
		return *w.retry
	}
	return defaultRetryPolicy()
}

// addFault adds a rule for the next count payment calls.
func (w *World) addFault(ctx context.Context, count string, rule map[string]any) error {
	n, err := ParseInt(count)
	if err != nil || n < 1 {
		return fmt.Errorf("steps: number of calls %q", count)
	}
	rule["operation"], rule["count"] = opCreatePayment, n
	return w.addRule(ctx, rule)
}

// addRule adds a fault rule to the mock's configuration for the rest of
// the scenario; Close sets the configuration back.
func (w *World) addRule(ctx context.Context, rule map[string]any) error {
	plan, err := w.faultPlan(ctx)
	if err != nil {
		return err
	}
	plan.Rules = append(plan.Rules, rule)
	return w.installFaults(ctx)
}

// bankOutage makes the bank's cards fail for the next minutes (mock clock).
func (w *World) bankOutage(ctx context.Context, bank, minutes, group string) error {
	n, err := ParseInt(minutes)
	if err != nil || n < 1 {
		return fmt.Errorf("steps: minutes %q", minutes)
	}
	plan, err := w.faultPlan(ctx)
	if err != nil {
		return err
	}
	plan.Outages = append(plan.Outages, map[string]any{"bank": bank, "from": "+0s", "until": "+" + strconv.Itoa(n) + "m", "errorGroup": group})
	return w.installFaults(ctx)
}

// faultPlan reads the mock's fault configuration once, to set it back at
// Close, and returns the scenario's plan.
func (w *World) faultPlan(ctx context.Context) (*faultPlan, error) {
	if w.faults != nil {
		return w.faults, nil
	}
	var before json.RawMessage
	if err := w.client.Do(ctx, http.MethodGet, pathMockFaults, nil, nil, &before); err != nil {
		return nil, fmt.Errorf("steps: reading the mock's fault configuration (a gatecheck mock facility: tag the scenario @mock @serial): %w", err)
	}
	var plan faultPlan
	if err := json.Unmarshal(before, &plan); err != nil {
		return nil, fmt.Errorf("steps: the mock's fault configuration: %w", err)
	}
	w.faultsBefore, w.faults = before, &plan
	return w.faults, nil
}

// installFaults posts the scenario's plan.
func (w *World) installFaults(ctx context.Context) error {
	if err := w.client.Do(ctx, http.MethodPost, pathMockFaults, nil, w.faults, nil); err != nil {
		return fmt.Errorf("steps: changing the mock's fault configuration: %w", err)
	}
	return nil
}

// restoreFaults sets the mock's fault configuration back (World.Close).
func (w *World) restoreFaults(ctx context.Context) error {
	if w.faults == nil {
		return nil
	}
	before := w.faultsBefore
	w.faults, w.faultsBefore = nil, nil
	if err := w.client.Do(ctx, http.MethodPost, pathMockFaults, nil, before, nil); err != nil {
		return fmt.Errorf("steps: restoring the mock's fault configuration: %w", err)
	}
	return nil
}

// minutesPass moves the mock's clock forward.
func (w *World) minutesPass(ctx context.Context, minutes string) error {
	n, err := ParseInt(minutes)
	if err != nil || n < 1 {
		return fmt.Errorf("steps: minutes %q", minutes)
	}
	if err := w.client.Do(ctx, http.MethodPost, pathMockClockAdvance, nil, map[string]string{"duration": strconv.Itoa(n) + "m"}, nil); err != nil {
		return fmt.Errorf("steps: advancing the mock's clock (a gatecheck mock facility: tag the scenario @mock @clock): %w", err)
	}
	return nil
}

// payRetrying makes a payment of the basket through the merchant's
// retrying client; the outcome is kept for the Then steps.
func (w *World) payRetrying(ctx context.Context, spec string) error {
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	w.startPayment(card, req)
	out := w.retryPayment(ctx, req, w.retryPolicy())
	w.retried = out
	w.err = out.err
	if out.payment != nil {
		w.payment, w.paymentID = out.payment, out.payment.ID
	}
	w.noteAttempt(craftgate.StepNon3DSPayment, card, w.paymentID, out.err)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return nil
}

// retryPayment is the merchant's retrying payment client (see the policy
// above). It never fails the step itself: the outcome says what happened.
func (w *World) retryPayment(ctx context.Context, req *craftgate.CreatePaymentRequest, pol retryPolicy) *retryOutcome {
	out := &retryOutcome{}
	for n := 1; ; n++ {
		actx, cancel := context.WithTimeout(ctx, pol.Timeout)
		p, err := w.client.CreatePayment(actx, req)
		cancel()
		if err == nil {
			out.attempts = append(out.attempts, attemptResult{status: http.StatusOK})
			out.payment, out.err = p, nil
			return out
		}
		a := attemptResult{err: describeErr(err)}
		ce := craftgate.AsError(err)
		if ce != nil {
			a.status, a.group = ce.HTTPStatus, ce.Group
			if s, perr := strconv.Atoi(w.rec.header.Get("Retry-After")); perr == nil && s >= 0 {
				a.retryAfter = time.Duration(s) * time.Second
			}
		}
		out.attempts = append(out.attempts, a)
		out.err = err
		switch {
		case ce != nil && ce.HTTPStatus == http.StatusTooManyRequests:
			// Not processed: retry after the wait asked for.
		case ce != nil && ce.HTTPStatus >= 400 && ce.HTTPStatus < 500 && ce.HTTPStatus != http.StatusRequestTimeout:
			return out // a decline or a validation error: final
		case ctx.Err() != nil:
			return out
		default:
			// Ambiguous: the payment may have been taken.
			found, lerr := w.findOrder(ctx, req.ConversationID)
			if lerr != nil {
				out.err = fmt.Errorf("%w (and the lookup by conversationId failed: %w)", err, lerr)
				return out
			}
			if found != nil {
				out.recovered = true
				if found.PaymentStatus == craftgate.StatusSuccess {
					out.payment, out.err = found, nil
				} else {
					out.err = fmt.Errorf("the payment with conversationId %s exists with status %s", req.ConversationID, found.PaymentStatus)
				}
				return out
			}
		}
		if n >= pol.Attempts {
			return out
		}
		wait := max(pol.backoff(n), a.retryAfter)
		out.waits = append(out.waits, wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return out
		case <-t.C:
		}
	}
}

// findOrder looks the payment of a conversationId up (the mock's admin
// search, which a merchant would do with the reporting API); nil when
// there is none. The newest one counts.
func (w *World) findOrder(ctx context.Context, conversationID string) (*craftgate.Payment, error) {
	items, err := w.ordersByConversation(ctx, conversationID)
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[len(items)-1], nil
}

// ordersByConversation lists the provider's payments with the
// conversationId, oldest first.
func (w *World) ordersByConversation(ctx context.Context, conversationID string) ([]craftgate.Payment, error) {
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var page struct {
		Items []craftgate.Payment `json:"items"`
	}
	if err := w.client.Do(lctx, http.MethodGet, pathMockPaymentsList, url.Values{"conversationId": {conversationID}}, nil, &page); err != nil {
		return nil, fmt.Errorf("steps: searching payments by conversationId (a gatecheck mock facility): %w", err)
	}
	return page.Items, nil
}

// requireRetried returns the outcome of the retried payment.
func (w *World) requireRetried() (*retryOutcome, error) {
	if w.retried == nil {
		return nil, errors.New(`steps: no retried payment: "When the merchant pays with ..., retrying as its policy allows" first`)
	}
	return w.retried, nil
}

// describe lists the attempts, for failure messages.
func (o *retryOutcome) describe() string {
	var parts []string
	for i, a := range o.attempts {
		s := fmt.Sprintf("attempt %d: ", i+1)
		switch {
		case a.status == http.StatusOK:
			s += "HTTP 200"
		default:
			s += a.err
		}
		parts = append(parts, s)
	}
	if o.recovered {
		parts = append(parts, "then found by conversationId")
	}
	return strings.Join(parts, "; ")
}

func (w *World) retrySucceeded(attempts string) error {
	n, o, err := withArg(attempts, ParseInt, w.requireRetried)
	if err != nil {
		return err
	}
	var m mismatches
	if o.payment == nil || o.err != nil {
		m.addf("expected the payment to succeed, got %s", describeErr(o.err))
	} else {
		m.check("paymentStatus", craftgate.StatusSuccess, o.payment.PaymentStatus)
	}
	m.check("attempts", n, len(o.attempts))
	return m.err("retried payment (" + o.describe() + ")")
}

func (w *World) retryRecovered(context.Context) error {
	o, err := w.requireRetried()
	if err != nil {
		return err
	}
	if !o.recovered || o.payment == nil {
		return fmt.Errorf("expected the merchant to find the payment by its conversationId after the failure, got %s", o.describe())
	}
	return nil
}

func (w *World) retryGaveUp(attempts string) error {
	n, o, err := withArg(attempts, ParseInt, w.requireRetried)
	if err != nil {
		return err
	}
	var m mismatches
	if o.payment != nil || o.err == nil {
		m.addf("expected the merchant to give up, but the payment succeeded")
	}
	m.check("attempts", n, len(o.attempts))
	return m.err("retried payment (" + o.describe() + ")")
}

func (w *World) retryWaited(seconds string) error {
	n, o, err := withArg(seconds, ParseInt, w.requireRetried)
	if err != nil {
		return err
	}
	if len(o.waits) == 0 || o.waits[0] < time.Duration(n)*time.Second {
		return fmt.Errorf("expected a wait of at least %ds before the first retry, got %v (%s)", n, o.waits, o.describe())
	}
	return nil
}

func (w *World) firstAttemptRefused(status, group string) error {
	o, err := w.requireRetried()
	if err != nil {
		return err
	}
	if len(o.attempts) == 0 {
		return errors.New("no attempt was made")
	}
	a := o.attempts[0]
	var m mismatches
	m.check("HTTP status", status, strconv.Itoa(a.status))
	m.check("errorGroup", group, a.group)
	return m.err("first attempt (" + a.err + ")")
}

func (w *World) retryDeclined(group string) error {
	o, err := w.requireRetried()
	if err != nil {
		return err
	}
	var m mismatches
	m.check("attempts", 1, len(o.attempts))
	if err := expectPaymentError("retried payment", o.err, group, ""); err != nil {
		m.addf("%v", err)
	}
	return m.err("retried payment (" + o.describe() + ")")
}

// paymentsForOrder checks the provider's payments for the order's
// conversationId: exactly want successful ones (never two for one order),
// or, for want 0, none at all.
func (w *World) paymentsForOrder(ctx context.Context, want int) error {
	if w.request == nil {
		return errors.New("steps: no payment request: pay first")
	}
	items, err := w.ordersByConversation(ctx, w.request.ConversationID)
	if err != nil {
		return err
	}
	if want == 0 {
		if len(items) != 0 {
			return fmt.Errorf("expected no payment with conversationId %s, the provider holds %d (%s first)", w.request.ConversationID, len(items), items[0].PaymentStatus)
		}
		return nil
	}
	ok := 0
	for _, p := range items {
		if p.PaymentStatus == craftgate.StatusSuccess {
			ok++
		}
	}
	if ok != want {
		return fmt.Errorf("expected %d successful payments with conversationId %s, the provider holds %d (of %d)", want, w.request.ConversationID, ok, len(items))
	}
	return nil
}
