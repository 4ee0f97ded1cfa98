package steps

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// fraudWorld is the fraud part of a scenario, made on first use.
//
// Fraud rules and value lists are the merchant's, shared by every
// scenario, so a scenario only ever puts values of its own in them: a
// client IP and a buyer email made up for it, and a list named for it. It
// removes them again when it ends (closeFraud).
type fraudWorld struct {
	clientIP, email string // the buyer's, when the scenario made them up
	added           []listValue
	ownList         string // the scenario's own value list
	ownType         string
	check           *craftgate.FraudCheck // the payment's fraud check
}

// listValue is a value the scenario added to a list.
type listValue struct{ list, value string }

// The value lists of the gatecheck mock's fraud rules (mock/fraud.go): a
// sandbox merchant needs rules of its own that use them.
var fraudRuleLists = map[string]map[string]string{
	"block":  {craftgate.FraudValueIP: "blockedClientIps", craftgate.FraudValueEmail: "blockedEmails"},
	"review": {craftgate.FraudValueIP: "reviewClientIps", craftgate.FraudValueEmail: "reviewEmails"},
}

func (w *World) fw() *fraudWorld {
	return lazy(&w.fraud)
}

func fraudDefinitions() []Definition {
	return []Definition{
		{`^the buyer's IP address is on the merchant's (block|review) list$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.buyerListed(ctx, a0, craftgate.FraudValueIP)
			})},
		{`^the buyer's email address is on the merchant's (block|review) list$`,
			step1(func(w *World, ctx context.Context, a0 string) error {
				return w.buyerListed(ctx, a0, craftgate.FraudValueEmail)
			})},
		{`^the buyer pays from an IP address no list names$`,
			step0(func(w *World, ctx context.Context) error { w.fw().clientIP = uniqueIP(); return nil })},
		{`^the payment is blocked by the merchant's fraud rules$`, step0((*World).fraudBlocked)},
		{`^the payment is held for fraud review$`, step0((*World).heldForReview)},
		{`^the payment was not flagged by the fraud rules$`, step0((*World).notFlagged)},
		{`^the merchant finds the payment's fraud check waiting for review$`, step0((*World).findFraudCheck)},
		{`^the merchant closes the fraud review as (FRAUD|NOT_FRAUD)$`,
			step1((*World).closeReview)},
		{`^the payment's fraud check is (FRAUD|NOT_FRAUD|WAITING)$`,
			step1((*World).fraudCheckIs)},

		{`^the merchant creates a value list of its own for (IP|EMAIL|PHONE_NUMBER|OTHER) values$`,
			step1((*World).createOwnList)},
		{`^the merchant adds "([^"]+)" to its list$`,
			step1((*World).addToOwnList)},
		{`^the merchant adds the card of the payment to a card list of its own$`, step0((*World).addPaymentCard)},
		{`^its list holds "([^"]+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.ownListHolds(ctx, a0, true) })},
		{`^its list no longer holds "([^"]+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.ownListHolds(ctx, a0, false) })},
		{`^its list holds the card only by a fingerprint$`, step0((*World).ownListHoldsFingerprint)},
		{`^the merchant removes "([^"]+)" from its list$`,
			step1((*World).removeFromOwnList)},
		{`^the merchant sees its list among all value lists$`, step0((*World).ownListAmongAll)},
		{`^the merchant deletes its list$`, step0((*World).deleteOwnList)},
		{`^its list no longer exists$`, step0((*World).ownListGone)},
	}
}

// uniqueIP is a client IP address no other scenario uses: random in
// 10.0.0.0/8.
func uniqueIP() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("10.%d.%d.%d", b[0], b[1], b[2]|1)
}

// buyerListed makes up the buyer's IP address or email for the scenario
// and adds it to the list of the mock's block or review rule.
func (w *World) buyerListed(ctx context.Context, action, kind string) error {
	x := w.fw()
	var value string
	switch kind {
	case craftgate.FraudValueIP:
		x.clientIP = uniqueIP()
		value = x.clientIP
	default:
		x.email = "buyer-" + newConversationID() + "@gatecheck.test"
		value = x.email
	}
	list := fraudRuleLists[action][kind]
	req := &craftgate.FraudValueRequest{ListName: list, Type: kind, Label: "gatecheck scenario", Value: value, DurationInSeconds: 3600}
	if err := w.client.AddFraudValue(ctx, req); err != nil {
		return fmt.Errorf("expected %s to be added to the value list %s, got %s", value, list, describeErr(err))
	}
	x.added = append(x.added, listValue{list, value})
	return nil
}

func (w *World) fraudBlocked(context.Context) error {
	ce := craftgate.AsError(w.err)
	if ce == nil || ce.HTTPStatus != http.StatusUnprocessableEntity || ce.Group != "FRAUD_CHECK_BLOCK" {
		return fmt.Errorf("expected the payment with %s to be blocked with error group FRAUD_CHECK_BLOCK, got %s", w.card, describeErr(w.err))
	}
	return nil
}

func (w *World) heldForReview(ctx context.Context) error {
	if err := w.paymentSucceeds(ctx); err != nil {
		return err
	}
	p := w.payment
	var m mismatches
	m.check("fraudAction", craftgate.FraudReview, p.FraudAction)
	if p.FraudID == 0 {
		m.addf("fraudId: expected the fraud check's id, got none")
	}
	return m.errf("payment %d", p.ID)
}

func (w *World) notFlagged(ctx context.Context) error {
	if err := w.paymentSucceeds(ctx); err != nil {
		return err
	}
	if p := w.payment; p.FraudID != 0 || p.FraudAction != "" {
		return fmt.Errorf("payment %d: expected no fraud result, got fraudId %d, fraudAction %q", p.ID, p.FraudID, p.FraudAction)
	}
	return nil
}

// paymentCheck searches the fraud check of the payment under test.
func (w *World) paymentCheck(ctx context.Context) (*craftgate.FraudCheck, error) {
	p, err := w.requirePayment()
	if err != nil {
		return nil, err
	}
	list, err := w.client.SearchFraudChecks(ctx, &craftgate.SearchFraudChecksRequest{PaymentID: p.ID})
	if err != nil {
		return nil, fmt.Errorf("expected the fraud-check search to answer, got %s", describeErr(err))
	}
	if len(list.Items) != 1 {
		return nil, fmt.Errorf("fraud checks of payment %d: expected one, got %d", p.ID, len(list.Items))
	}
	return &list.Items[0], nil
}

func (w *World) findFraudCheck(ctx context.Context) error {
	fc, err := w.paymentCheck(ctx)
	if err != nil {
		return err
	}
	p := w.payment
	var m mismatches
	m.check("id (the payment's fraudId)", p.FraudID, fc.ID)
	m.check("action", craftgate.FraudReview, fc.Action)
	m.check("checkStatus", craftgate.FraudCheckWaiting, fc.CheckStatus)
	m.check("paymentStatus", p.PaymentStatus, fc.PaymentStatus)
	m.amount("paymentData.paidPrice", p.PaidPrice, fc.PaymentData.PaidPrice)
	m.check("paymentData.currency", p.Currency, fc.PaymentData.Currency)
	if err := m.err(fmt.Sprintf("fraud check of payment %d", p.ID)); err != nil {
		return err
	}
	w.fw().check = fc
	return nil
}

func (w *World) closeReview(ctx context.Context, status string) error {
	x := w.fw()
	if x.check == nil {
		return errors.New(`steps: no fraud check: "Then the merchant finds the payment's fraud check waiting for review" first`)
	}
	return expectDone(w.client.UpdateFraudCheckStatus(ctx, x.check.ID, status), "fraud check %d to be set to %s", x.check.ID, status)
}

func (w *World) fraudCheckIs(ctx context.Context, status string) error {
	fc, err := w.paymentCheck(ctx)
	if err != nil {
		return err
	}
	if fc.CheckStatus != status {
		return fmt.Errorf("fraud check %d: checkStatus expected %s, got %s", fc.ID, status, fc.CheckStatus)
	}
	return nil
}

func (w *World) createOwnList(ctx context.Context, kind string) error {
	x := w.fw()
	x.ownList, x.ownType = "gatecheck-"+strings.TrimPrefix(newConversationID(), "gatecheck-"), kind
	if err := w.client.AddFraudValue(ctx, &craftgate.FraudValueRequest{ListName: x.ownList, Type: kind}); err != nil {
		x.ownList = ""
		return fmt.Errorf("expected the value list to be created, got %s", describeErr(err))
	}
	return nil
}

func (w *World) requireOwnList() (*fraudWorld, error) {
	if w.fraud == nil || w.fraud.ownList == "" {
		return nil, errors.New(`steps: no value list: "When the merchant creates a value list of its own ..." first`)
	}
	return w.fraud, nil
}

func (w *World) addToOwnList(ctx context.Context, value string) error {
	x, err := w.requireOwnList()
	if err != nil {
		return err
	}
	return expectDone(w.client.AddFraudValue(ctx, &craftgate.FraudValueRequest{ListName: x.ownList, Type: x.ownType, Value: value, Label: "gatecheck"}), "%q to be added to the value list", value)
}

// addPaymentCard adds the card of the payment under test to a CARD list
// named for the scenario, as the merchant does after a fraud (the list
// keeps the card's fingerprint, at most 2 hours).
func (w *World) addPaymentCard(ctx context.Context) error {
	if w.paymentID == 0 {
		return errors.New("steps: no payment: pay first")
	}
	x := w.fw()
	x.ownList, x.ownType = "gatecheck-cards-"+strings.TrimPrefix(newConversationID(), "gatecheck-"), craftgate.FraudValueCard
	err := w.client.AddCardFingerprint(ctx, x.ownList, &craftgate.CardFingerprintRequest{
		Label: "gatecheck", Operation: craftgate.FraudOperationPayment, OperationID: craftgate.TextID(strconv.FormatInt(w.paymentID, 10)), DurationInSeconds: 600})
	if err != nil {
		x.ownList = ""
		return fmt.Errorf("expected the card of payment %d to be added to a value list, got %s", w.paymentID, describeErr(err))
	}
	return nil
}

func (w *World) ownListValues(ctx context.Context) ([]craftgate.FraudValue, error) {
	x, err := w.requireOwnList()
	if err != nil {
		return nil, err
	}
	l, err := w.client.FraudValueListByName(ctx, x.ownList)
	if err != nil {
		return nil, fmt.Errorf("expected the value list %s to be read, got %s", x.ownList, describeErr(err))
	}
	return l.Values, nil
}

func (w *World) ownListHolds(ctx context.Context, value string, want bool) error {
	vals, err := w.ownListValues(ctx)
	if err != nil {
		return err
	}
	got := slices.ContainsFunc(vals, func(v craftgate.FraudValue) bool { return v.Value == value })
	if got != want {
		return fmt.Errorf("value list %s: holds %q: expected %t, got %t", w.fraud.ownList, value, want, got)
	}
	return nil
}

func (w *World) ownListHoldsFingerprint(ctx context.Context) error {
	vals, err := w.ownListValues(ctx)
	if err != nil {
		return err
	}
	var m mismatches
	if len(vals) != 1 {
		m.addf("values: expected the card's fingerprint, got %d values", len(vals))
	}
	for _, v := range vals {
		if v.Value == "" || strings.Contains(v.Value, w.card.Number) || craftgate.MaskPANs(v.Value) != v.Value {
			m.addf("value: expected a fingerprint, not the card number")
		}
	}
	return m.err("card value list " + w.fraud.ownList)
}

func (w *World) removeFromOwnList(ctx context.Context, value string) error {
	vals, err := w.ownListValues(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(vals, func(v craftgate.FraudValue) bool { return v.Value == value })
	if i < 0 {
		return fmt.Errorf("value list %s does not hold %q", w.fraud.ownList, value)
	}
	return expectDone(w.client.DeleteFraudValue(ctx, w.fraud.ownList, vals[i].ID), "%q to be removed", value)
}

func (w *World) ownListAmongAll(ctx context.Context) error {
	x, err := w.requireOwnList()
	if err != nil {
		return err
	}
	all, err := w.client.AllFraudValueLists(ctx)
	if err != nil {
		return fmt.Errorf("expected every value list to be read, got %s", describeErr(err))
	}
	if !slices.ContainsFunc(all.Items, func(l craftgate.FraudValueList) bool { return l.Name == x.ownList }) {
		return fmt.Errorf("value list %s is not among the %d lists", x.ownList, len(all.Items))
	}
	return nil
}

func (w *World) deleteOwnList(ctx context.Context) error {
	x, err := w.requireOwnList()
	if err != nil {
		return err
	}
	return expectDone(w.client.DeleteFraudValueList(ctx, x.ownList), "the value list %s to be deleted", x.ownList)
}

func (w *World) ownListGone(ctx context.Context) error {
	x, err := w.requireOwnList()
	if err != nil {
		return err
	}
	_, err = w.client.FraudValueListByName(ctx, x.ownList)
	if err := expectStatus(err, http.StatusNotFound, "the deleted value list to be not found (HTTP 404)"); err != nil {
		return err
	}
	x.ownList = ""
	return nil
}

// closeFraud removes what the scenario put in the merchant's value lists:
// the values it added to the rule lists, and its own list.
func (w *World) closeFraud(ctx context.Context) error {
	x := w.fraud
	if x == nil {
		return nil
	}
	w.fraud = nil
	var errs []error
	lists := map[string][]craftgate.FraudValue{}
	for _, a := range x.added {
		vals, ok := lists[a.list]
		if !ok {
			l, err := w.client.FraudValueListByName(ctx, a.list)
			if err != nil {
				errs = append(errs, fmt.Errorf("steps: reading the value list %s: %w", a.list, err))
				continue
			}
			vals, lists[a.list] = l.Values, l.Values
		}
		for _, v := range vals {
			if v.Value == a.value {
				if err := w.client.DeleteFraudValue(ctx, a.list, v.ID); err != nil {
					errs = append(errs, fmt.Errorf("steps: removing the scenario's value from %s: %w", a.list, err))
				}
			}
		}
	}
	if x.ownList != "" {
		err := w.client.DeleteFraudValueList(ctx, x.ownList)
		if ce := craftgate.AsError(err); err != nil && (ce == nil || ce.HTTPStatus != http.StatusNotFound) {
			errs = append(errs, fmt.Errorf("steps: deleting the scenario's value list %s: %w", x.ownList, err))
		}
	}
	return errors.Join(errs...)
}
