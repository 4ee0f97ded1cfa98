package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// extWorld is the part of a scenario about pre-authorisation,
// installments and BIN, and stored cards.
type extWorld struct {
	// Request options: tailorRequest applies them to every payment the
	// scenario makes from then on.
	phase      string            // PRE_AUTH: pre-authorise
	paidPrice  *craftgate.Amount // the paid price the buyer chose (an installment option's total)
	externalID string            // the merchant's order reference

	// post-auth
	postAuthID     int64              // the payment post-authed last
	postAuthAmount craftgate.Amount   // what was asked for
	postAuthed     *craftgate.Payment // its answer, nil when refused or declined
	postAuthErr    error
	postAuthSent   time.Time // when it was sent (wall clock)

	// installments and BIN
	lookedUp     CardChoice // the card whose installments or BIN were asked for
	installments *craftgate.InstallmentSearch
	option       *craftgate.InstallmentPrice // the option the buyer chose
	bin          *craftgate.BinNumber
	lookupErr    error

	// stored cards
	storedNumber string                // the number behind stored (the scenario stored it)
	stored       *craftgate.StoredCard // the card under test, as last answered
	storeErr     error
	deleted      bool
	search       *craftgate.StoredCardList
}

// x returns the scenario's extWorld, made on first use.
func (w *World) x() *extWorld {
	return lazy(&w.ext)
}

// tailorRequest applies the options the scenario chose to a payment
// request built by paymentRequest.
func (w *World) tailorRequest(req *craftgate.CreatePaymentRequest) {
	if w.ext == nil {
		return
	}
	x := w.ext
	if x.phase != "" {
		req.PaymentPhase = x.phase
	}
	if x.paidPrice != nil {
		req.PaidPrice = *x.paidPrice
	}
	if x.externalID != "" {
		req.ExternalID = x.externalID
	}
}

func preAuthDefinitions() []Definition {
	return []Definition{
		{`^the merchant pre-authorises its payments$`,
			step0(func(w *World, ctx context.Context) error { w.x().phase = craftgate.PhasePreAuth; return nil })},
		{`^the merchant's order reference \(externalId\) is "([^"]+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { w.x().externalID = a0; return nil })},
		{`^the buyer pre-authorises the payment without 3-D Secure with ` + ReCard + `$`,
			step1((*World).preAuthorise)},
		{`^the buyer has pre-authorised the payment without 3-D Secure with ` + ReCard + `$`,
			step1((*World).hasPreAuthorised)},
		{`^the merchant post-auths ` + ReAmount + ` of the payment$`,
			step1((*World).postAuth)},
		{`^the merchant has post-authed ` + ReAmount + ` of the payment$`,
			step1((*World).hasPostAuthed)},

		{`^the post-auth succeeds with a paid price of ` + ReAmount + ` ` + ReCurrency + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.postAuthSucceeds(a0, a1) })},
		{`^the post-auth is rejected$`, step0((*World).postAuthRejected)},
		{`^the post-auth is rejected as a validation error$`, step0((*World).postAuthInvalid)},
		{`^the post-auth is declined with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.postAuthDeclined(a0) })},
		{`^the retrieved payment is in phase ` + ReGroup + `$`,
			step1((*World).retrievedInPhase)},
		{`^the payment's items share its paid price$`, step0((*World).itemsSharePaidPrice)},
		{`^the (payment|retrieved payment) carries the externalId "([^"]+)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.carriesExternalID(ctx, a0 == "retrieved payment", a1)
			})},
		{`^the merchant receives a signed ` + ReGroup + ` webhook with status ` + ReGroup + ` for the post-auth$`,
			step2((*World).postAuthWebhook)},
	}
}

// preAuthorise makes a non-3DS pre-authorisation of the basket with the
// card spec: the payment steps' payment, in phase PRE_AUTH.
func (w *World) preAuthorise(ctx context.Context, spec string) error {
	w.x().phase = craftgate.PhasePreAuth
	w.stage = craftgate.StepPreAuth
	err := w.pay(ctx, spec)
	w.stage = ""
	return err
}

func (w *World) hasPreAuthorised(ctx context.Context, spec string) error {
	if err := w.paidWith(ctx, w.preAuthorise, spec); err != nil {
		return err
	}
	return w.paymentPhase(craftgate.PhasePreAuth, false)
}

// postAuth closes the pre-authorisation under test with amount. The
// answer, success or error, is kept for the Then steps.
func (w *World) postAuth(ctx context.Context, amount string) error {
	a, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	if w.paymentID == 0 {
		return errors.New("steps: no payment to post-auth: pre-authorise one first")
	}
	x := w.x()
	x.postAuthID, x.postAuthAmount, x.postAuthSent = w.paymentID, a, time.Now()
	x.postAuthed, x.postAuthErr = w.client.PostAuthPayment(ctx, w.paymentID, &craftgate.PostAuthPaymentRequest{PaidPrice: a})
	w.err = x.postAuthErr
	if x.postAuthErr != nil && craftgate.AsError(x.postAuthErr) == nil {
		return fmt.Errorf("steps: post-auth of payment %d: %w", w.paymentID, x.postAuthErr)
	}
	if x.postAuthed != nil {
		// The payment under test is now the captured one.
		w.payment, w.paymentBody = x.postAuthed, append([]byte(nil), w.rec.body...)
	}
	if w.card.Number != "" {
		w.note(EvidenceCard, craftgate.MaskPAN(w.card.Number), craftgate.StepPostAuth)
	}
	if ce := craftgate.AsError(x.postAuthErr); ce != nil && ce.Group != "" {
		w.note(EvidenceErrorGroup, ce.Group, craftgate.StepPostAuth)
	}
	return nil
}

func (w *World) hasPostAuthed(ctx context.Context, amount string) error {
	if err := w.postAuth(ctx, amount); err != nil {
		return err
	}
	return w.postAuthSucceeds(amount, w.currency)
}

// requirePostAuth returns the post-auth of the payment under test.
func (w *World) requirePostAuth() (*extWorld, error) {
	x := w.x()
	if x.postAuthID == 0 || x.postAuthID != w.paymentID {
		return nil, errors.New("steps: no post-auth of the payment under test: post-auth it first")
	}
	return x, nil
}

func (w *World) postAuthSucceeds(amount, currency string) error {
	want, x, err := withAmount(amount, w.requirePostAuth)
	if err != nil {
		return err
	}
	if x.postAuthErr != nil || x.postAuthed == nil {
		return fmt.Errorf("expected the post-auth of payment %d to succeed, got %s", x.postAuthID, describeErr(x.postAuthErr))
	}
	p := x.postAuthed
	var m mismatches
	m.check("id", x.postAuthID, p.ID)
	m.check("paymentStatus", craftgate.StatusSuccess, p.PaymentStatus)
	m.check("paymentPhase", craftgate.PhasePostAuth, p.PaymentPhase)
	m.amount("paidPrice", want, p.PaidPrice)
	m.check("currency", currency, p.Currency)
	return m.errf("post-auth of payment %d", x.postAuthID)
}

func (w *World) postAuthRejected(context.Context) error {
	x, err := w.requirePostAuth()
	if err != nil {
		return err
	}
	return expect4xx(x.postAuthErr, "the post-auth of payment %d to be rejected (HTTP 4xx in the error envelope)", x.postAuthID)
}

func (w *World) postAuthInvalid(context.Context) error {
	x, err := w.requirePostAuth()
	if err != nil {
		return err
	}
	if x.postAuthErr == nil {
		return fmt.Errorf("expected the post-auth of %s of payment %d to be rejected as a validation error, but it succeeded", fmtAmount(x.postAuthAmount), x.postAuthID)
	}
	return expectValidationError(fmt.Sprintf("post-auth of payment %d", x.postAuthID), x.postAuthErr, "")
}

func (w *World) postAuthDeclined(group string) error {
	x, err := w.requirePostAuth()
	if err != nil {
		return err
	}
	if x.postAuthErr == nil {
		return fmt.Errorf("expected the post-auth of payment %d with %s to be declined with errorGroup %q, but it succeeded", x.postAuthID, w.card, group)
	}
	return expectPaymentError(fmt.Sprintf("post-auth of payment %d with %s", x.postAuthID, w.card), x.postAuthErr, group, "")
}

func (w *World) retrievedInPhase(ctx context.Context, phase string) error {
	return w.verifyCurrent(ctx, func(p *craftgate.Payment, m *mismatches) error {
		m.check("paymentPhase", phase, p.PaymentPhase)
		return m.errf("retrieved payment %d", p.ID)
	})
}

// itemsSharePaidPrice checks that the transactions' paid prices add up to
// the payment's paid price.
func (w *World) itemsSharePaidPrice(context.Context) error {
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	sum := craftgate.Amount{}
	for _, tx := range p.PaymentTransactions {
		sum = sum.Add(tx.PaidPrice)
	}
	var m mismatches
	m.amount("sum of paymentTransactions[].paidPrice vs paidPrice", p.PaidPrice, sum)
	return m.errf("payment %d", p.ID)
}

func (w *World) carriesExternalID(ctx context.Context, retrieved bool, want string) error {
	p, err := w.requirePayment()
	if retrieved {
		p, err = w.current(ctx)
	}
	if err != nil {
		return err
	}
	var m mismatches
	m.check("externalId", want, p.ExternalID)
	return m.errf("payment %d", p.ID)
}

// postAuthWebhook waits for the webhook of the post-auth: an event of the
// type and status for the payment besides those its earlier steps caused
// (the pre-authorisation's own API_AUTH has the same type and payloadId).
func (w *World) postAuthWebhook(ctx context.Context, eventType, status string) error {
	x, err := w.requirePostAuth()
	if err != nil {
		return err
	}
	r, sched, err := w.webhookWait(ctx)
	if err != nil {
		return err
	}
	id := strconv.FormatInt(x.postAuthID, 10)
	// The pre-authorisation sent one event of this type with status
	// SUCCESS: a SUCCESS for the post-auth is the second one.
	want := 1
	if eventType == "API_AUTH" && status == craftgate.StatusSuccess {
		want = 2
	}
	match := func(d merchant.Delivery) bool {
		return d.Event.EventType == eventType && d.Event.PayloadID == id && d.Event.Status == status && d.Verified && is2xx(d.HTTPStatus)
	}
	deadline := time.Now().Add(sched.longest())
	for {
		n := 0
		for _, d := range r.Deliveries() {
			if match(d) {
				n++
			}
		}
		if n >= want {
			w.note(EvidenceWebhook, fmt.Sprintf("%s %s for post-auth of payment %s: x-cg-signature-v1 verified", eventType, status, id), "")
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("expected the merchant to accept a signed %s webhook with status %s for the post-auth of payment %s within %s, got %s",
				eventType, status, id, sched.longest().Round(time.Millisecond), w.deliveriesOf(r, id, context.DeadlineExceeded))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}
