package steps

import (
	"slices"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Evidence kinds a World records.
const (
	EvidencePayment    = "payment"    // a payment id
	EvidenceCard       = "card"       // a masked card number, with the step it was exercised at
	EvidenceRefund     = "refund"     // a refund or transaction-refund id
	EvidenceErrorGroup = "errorGroup" // an error group the provider answered
	EvidenceSignature  = "signature"  // a signature or hash check that held
	EvidenceCallback   = "callback"   // a callback the merchant verified
	EvidenceWebhook    = "webhook"    // a webhook the merchant verified
	EvidenceToken      = "token"      // a checkout token
	EvidenceMember     = "member"     // a member id (wallet_steps.go)
	EvidenceWallet     = "wallet"     // a wallet id
	EvidenceRemittance = "remittance" // a remittance id
)

// Evidence is one fact a scenario established: what sign-off reports show
// next to a checklist item. Values never hold a full card number or a key.
type Evidence struct {
	Kind  string
	Value string
	// Step is the craftgate.Step a card was exercised at, for card and
	// errorGroup evidence.
	Step string
}

// Evidence returns what the scenario has established so far, in order.
// Values are masked here, when a report reads them: the steps note the
// card numbers and payment ids of every attempt, and a load iteration,
// which never reads its evidence, should not pay for their formatting.
func (w *World) Evidence() []Evidence {
	out := make([]Evidence, 0, len(w.evidence))
	for _, n := range w.evidence {
		e := n.evidence()
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// maxEvidence bounds the evidence one scenario keeps.
const maxEvidence = 64

// noted is one piece of evidence as a step noted it, formatted and masked
// only when read (Evidence).
type noted struct {
	kind  string
	value string // masked with MaskPANs when read; with MaskPAN when pan
	pan   bool   // value is a card number
	id    int64  // value is this id, when not zero
	step  craftgate.Step
}

// evidence formats and masks n.
func (n noted) evidence() Evidence {
	v := n.value
	switch {
	case n.id != 0:
		v = strconv.FormatInt(n.id, 10)
	case n.pan:
		v = craftgate.MaskPAN(v)
	}
	return Evidence{Kind: n.kind, Value: craftgate.MaskPANs(v), Step: string(n.step)}
}

// note records one piece of evidence once.
func (w *World) note(kind, value string, step craftgate.Step) {
	w.noteRaw(noted{kind: kind, value: value, step: step})
}

// noteRaw records n once.
func (w *World) noteRaw(n noted) {
	if slices.Contains(w.evidence, n) {
		return
	}
	if len(w.evidence) < maxEvidence {
		w.evidence = append(w.evidence, n)
	}
}

// noteAttempt records a payment attempt at step: the card, the payment id
// and, for a decline, its error group.
func (w *World) noteAttempt(step craftgate.Step, card CardChoice, paymentID int64, err error) {
	if card.Number != "" {
		w.noteRaw(noted{kind: EvidenceCard, value: card.Number, pan: true, step: step})
	}
	if paymentID != 0 {
		w.noteRaw(noted{kind: EvidencePayment, id: paymentID})
	}
	if ce := craftgate.AsError(err); ce != nil && ce.Group != "" {
		w.note(EvidenceErrorGroup, ce.Group, step)
	}
}
