package mock

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// Pre-authorisation and post-authorisation (docs/reference/craftgate/flows.md section 3,
// docs/reference/craftgate/endpoints.md A.1 and B.6).
//
//	POST /payment/v1/card-payments                  paymentPhase PRE_AUTH: a pre-authorisation
//	POST /payment/v1/card-payments/3ds-init         paymentPhase PRE_AUTH: the same, with 3-D Secure
//	POST /payment/v1/card-payments/{id}/post-auth   {paidPrice}: capture it, phase POST_AUTH
//
// A pre-authorisation is stored like any payment, with paymentPhase
// PRE_AUTH. Its outcome is the card's catalogue outcome at PRE_AUTH, not at
// NON_3DS_PAYMENT: the catalogue's rule is that an error card fails only at
// the steps it lists (docs/reference/craftgate/test-cards.md "Rules of the sandbox"), so
// 9792120000006667 is declined at pre-auth and 5100050000006661 (which
// fails standard payments) is not. A 3-D Secure pre-authorisation is
// declined at 3ds-complete (or, in model 3D_PAY, at verification) by the
// card's THREEDS_COMPLETE failure first, then by its PRE_AUTH failure.
//
// Post-auth rules, as the mock decides what the reference leaves open:
//   - only a successful, unrefunded PRE_AUTH payment can be post-authorised,
//     once (anything else: HTTP 400, CodePostAuthNotAllowed);
//   - paidPrice must be positive and at most Config.PostAuthMargin (default
//     1.5) times the pre-authorised paidPrice (HTTP 400,
//     CodePostAuthAboveMargin); a smaller amount captures less;
//   - then the card's catalogue outcome at POST_AUTH applies: 4043150000006662
//     is declined with HTTP 422 and its group, and the payment stays as it
//     was (SUCCESS, PRE_AUTH: the hold can still be released with a full
//     refund);
//   - on success the payment's phase becomes POST_AUTH and its paidPrice the
//     captured amount, split over its transactions in proportion to their
//     prices as at creation; price is unchanged, so
//     merchantCommissionRateAmount is paidPrice - price as always.
//
// Both outcomes of a post-auth send an API_AUTH webhook for the payment.
// Refunds: a pre-authorised payment (PRE_AUTH or POST_AUTH) can only be
// refunded whole, through POST /payment/v1/refunds; a transaction refund is
// refused with CodePreAuthRefundNotWhole.

// authPhase is a payment's paymentPhase.
type authPhase uint8

// Payment phases. The zero value is AUTH, so that every payment made
// without paymentPhase is an AUTH payment.
const (
	phaseAuth     authPhase = iota // AUTH
	phasePreAuth                   // PRE_AUTH: held, not captured
	phasePostAuth                  // POST_AUTH: a pre-authorisation, captured
)

// String returns the paymentPhase enum value.
func (ph authPhase) String() string {
	switch ph {
	case phasePreAuth:
		return craftgate.PhasePreAuth
	case phasePostAuth:
		return craftgate.PhasePostAuth
	}
	return craftgate.PhaseAuth
}

// DefaultPostAuthMargin is Config.PostAuthMargin when it is zero: Craftgate
// captures up to 1.5 times the pre-authorised amount (docs/reference/craftgate/endpoints.md B.6).
var DefaultPostAuthMargin = decimal.RequireFromString("1.5")

// maxPostAuthMargin bounds Config.PostAuthMargin, so that the limit of the
// largest amount still fits the mock's money arithmetic.
const maxPostAuthMargin = 5

// postAuthFactor converts a margin to money units per unit (1.5 becomes
// 150000000), the factor postAuthLimit multiplies by.
func postAuthFactor(margin decimal.Decimal) (money, error) {
	if margin.IsZero() {
		margin = DefaultPostAuthMargin
	}
	if margin.LessThan(decimal.NewFromInt(1)) || margin.GreaterThan(decimal.NewFromInt(maxPostAuthMargin)) {
		return 0, fmt.Errorf("must be between 1 and %d (a multiple of the pre-authorised amount), got %s", maxPostAuthMargin, margin)
	}
	f, prob := moneyOf(craftgate.AmountOf(margin))
	if prob != amountOK {
		return 0, errors.New("must have at most 8 decimal places, got " + margin.String())
	}
	return f, nil
}

// postAuthLimit is the largest amount a pre-authorisation of paid can be
// closed with: paid times the margin, rounded down to the unit of money.
func (m *Mock) postAuthLimit(paid money) money {
	// paid <= maxMoney (< 10^18) and factor <= 5*10^8: the quotient is below
	// 5*10^18, within int64.
	return mulDiv(paid, m.postAuthFactor, moneyUnit)
}

// authStep is the catalogue step whose outcome decides a non-3DS payment
// of d: PRE_AUTH for a pre-authorisation, NON_3DS_PAYMENT otherwise.
func (d *draft) authStep() craftgate.Step {
	if d.authPhase == phasePreAuth {
		return craftgate.StepPreAuth
	}
	return craftgate.StepNon3DSPayment
}

// failStepOf is the payment.failStep of a failure at step.
func failStepOf(step craftgate.Step) uint8 {
	switch step {
	case craftgate.StepPreAuth:
		return stepPreAuth
	case craftgate.StepThreeDSInit:
		return stepThreeDSInit
	case craftgate.StepThreeDSVerify:
		return stepThreeDSVerify
	case craftgate.StepThreeDSComplete:
		return stepThreeDSComplete
	}
	return stepNon3DS
}

// completionDecline decides whether the bank declines the completion of
// the 3-D Secure payment p (3ds-complete, or verification in model 3D_PAY):
// by the card's THREEDS_COMPLETE failure with an error group (the mdStatus
// cards' group-less failures are decided by their verification), else, for
// a pre-authorisation, by its PRE_AUTH failure. It returns the catalogue
// step of the decline. p's phase is fixed before completion, so the caller
// may hold p.mu or not.
func completionDecline(p *payment, card *craftgate.TestCard) (craftgate.Step, bool) {
	if bankDeclinesCompletion(card) {
		return craftgate.StepThreeDSComplete, true
	}
	if p.authPhase == phasePreAuth && failureAt(card, craftgate.StepPreAuth) != nil {
		return craftgate.StepPreAuth, true
	}
	return "", false
}

// postAuthRefusal checks, under p.mu, that p is a pre-authorisation that
// can be post-authorised now.
func postAuthRefusal(p *payment) *apiError {
	id := itoa(p.id)
	switch {
	case p.authPhase == phaseAuth:
		return errValidation(CodePostAuthNotAllowed, "paymentId "+id+" is not a pre-authorisation (paymentPhase AUTH): only a PRE_AUTH payment can be post-authorised")
	case p.authPhase == phasePostAuth:
		return errValidation(CodePostAuthNotAllowed, "paymentId "+id+" is already post-authorised (paymentPhase POST_AUTH)")
	case p.failed:
		return errValidation(CodePostAuthNotAllowed, "paymentId "+id+": the pre-authorisation did not succeed (paymentStatus FAILURE) and cannot be post-authorised")
	case !p.succeeded():
		return errValidation(CodePostAuthNotAllowed, "paymentId "+id+": the 3-D Secure pre-authorisation is not completed (paymentStatus "+p.status()+")")
	case p.refund != refundNot:
		return errValidation(CodePostAuthNotAllowed, "paymentId "+id+": the pre-authorisation was released by a refund and cannot be post-authorised")
	}
	return nil
}

// postAuth serves POST /payment/v1/card-payments/{id}/post-auth.
func (m *Mock) postAuth(c *call, req craftgate.PostAuthPaymentRequest) error {
	p := m.store.payment(c.id)
	if p == nil {
		return m.paymentNotFound("payment "+c.idText, c.id)
	}
	paid, e := checkAmount("paidPrice", req.PaidPrice)
	if e != nil {
		return e
	}
	card, ok := m.store.card(p)
	if !ok {
		return errReadEvicted(p.id)
	}
	en := c.en()

	var declined *craftgate.Failure
	if e := func() error {
		p = m.store.lock(p) // the relocated record, if p moved
		defer p.mu.Unlock()
		if e := postAuthRefusal(p); e != nil {
			return e
		}
		if limit := m.postAuthLimit(p.paidPrice); paid > limit {
			return errValidation(CodePostAuthAboveMargin, "paidPrice "+paid.String()+" exceeds the post-auth limit "+limit.String()+
				": at most "+m.postAuthFactor.String()+" times the pre-authorised "+p.paidPrice.String())
		}
		if declined = failureAt(card, craftgate.StepPostAuth); declined != nil {
			return nil
		}
		p.authPhase = phasePostAuth
		p.paidPrice = paid
		if !m.resplitPaidPrice(p) {
			return errReadEvicted(p.id)
		}
		return nil
	}(); e != nil {
		return e
	}
	if declined != nil {
		m.logPostAuth(c, p, "declined", paid)
		m.emitPayment(EventAPIAuth, p, true)
		return m.paymentFailure(declined, craftgate.TestCards().Outcome(card.Number, craftgate.StepPostAuth).Code, en)
	}
	m.logPostAuth(c, p, "captured", paid)
	m.emitPayment(EventAPIAuth, p, false)
	return c.sendPayment(http.StatusOK, p, en)
}

// resplitPaidPrice shares p's (new) paidPrice among its transactions the
// way splitPaidPrice does at creation; the caller holds p.mu. False, with
// nothing changed, when p was evicted while it was read.
func (m *Mock) resplitPaidPrice(p *payment) bool {
	var small [8]draftTx
	var txs [8]*transaction
	all, ok := m.store.txsAt(p, txs[:0])
	if !ok {
		return false
	}
	d := draft{price: p.price, paidPrice: p.paidPrice, txs: small[:0]}
	for _, t := range all {
		d.txs = append(d.txs, draftTx{price: t.price})
	}
	splitPaidPrice(&d)
	for i, t := range all {
		t.paidPrice = d.txs[i].paidPrice
	}
	return true
}

func (m *Mock) logPostAuth(c *call, p *payment, what string, paid money) {
	if m.log == nil || !m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		return
	}
	m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: post-auth "+what,
		slog.Int64("id", p.id), slog.String("paidPrice", paid.String()))
}
