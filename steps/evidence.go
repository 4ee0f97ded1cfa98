package steps

import (
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
func (w *World) Evidence() []Evidence { return append([]Evidence(nil), w.evidence...) }

// note records one piece of evidence once.
func (w *World) note(kind, value string, step craftgate.Step) {
	e := Evidence{Kind: kind, Value: craftgate.MaskPANs(value), Step: string(step)}
	for _, x := range w.evidence {
		if x == e {
			return
		}
	}
	if len(w.evidence) < 64 {
		w.evidence = append(w.evidence, e)
	}
}

// noteAttempt records a payment attempt at step: the card, the payment id
// and, for a decline, its error group.
func (w *World) noteAttempt(step craftgate.Step, card CardChoice, paymentID int64, err error) {
	if card.Number != "" {
		w.note(EvidenceCard, craftgate.MaskPAN(card.Number), step)
	}
	if paymentID != 0 {
		w.note(EvidencePayment, strconv.FormatInt(paymentID, 10), "")
	}
	if ce := craftgate.AsError(err); ce != nil && ce.Group != "" {
		w.note(EvidenceErrorGroup, ce.Group, step)
	}
}
