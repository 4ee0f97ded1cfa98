package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// pathMockClockAdvance moves the mock's clock (a gatecheck mock facility).
const pathMockClockAdvance = "/_mock/v1/clock/advance"

func refundDefinitions() []Definition {
	return []Definition{
		{`^the merchant refunds the whole payment$`, step0((*World).refundWhole)},
		{`^the merchant refunds ` + ReAmount + ` of item ` + ReItem + `$`,
			step2((*World).refundItem)},
		{`^the merchant has refunded ` + ReAmount + ` of item ` + ReItem + `$`,
			step2((*World).hasRefundedItem)},
		{`^the bank's day has ended$`, step0((*World).dayEnds)},

		{`^the payment is cancelled$`, step0((*World).refundIsCancel)},
		{`^the payment is refunded rather than cancelled$`, step0((*World).refundIsRefund)},
		{`^the refund returns ` + ReAmount + ` ` + ReCurrency + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.refundReturns(a0, a1) })},
		{`^the refund returns ` + ReAmount + ` for item ` + ReItem + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.refundReturnsForItem(a0, a1) })},
		{`^the cancellation can be retrieved$`, step0((*World).cancellationRetrievable)},
		{`^each item refund can be retrieved$`, step0((*World).refundItemsRetrievable)},
		{`^the refund is rejected$`, step0((*World).refundRejected)},
		{`^the refund is declined with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.refundDeclined(a0) })},
		{`^the item refund succeeds with ` + ReAmount + ` ` + ReCurrency + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.itemRefundSucceeds(a0, a1) })},
		{`^the item refund can be retrieved$`, step0((*World).itemRefundRetrievable)},
		{`^the item refund is rejected as a validation error$`, step0((*World).itemRefundInvalid)},
		{`^item ` + ReItem + ` has ` + ReAmount + ` left to refund$`,
			step2((*World).itemLeft)},
		{`^the payment's refund status is ` + ReGroup + `$`,
			step1((*World).refundStatus)},
	}
}

// itemAmount returns the payment transaction of basket item and the
// amount the scenario wrote for it.
func (w *World) itemAmount(item, amount string) (craftgate.PaymentTransaction, craftgate.Amount, error) {
	a, err := ParseAmount(amount)
	if err != nil {
		return craftgate.PaymentTransaction{}, craftgate.Amount{}, err
	}
	tx, err := w.transaction(item)
	return tx, a, err
}

// transaction returns the payment transaction of basket item n (1-based).
func (w *World) transaction(item string) (craftgate.PaymentTransaction, error) {
	n, err := ParseItem(item)
	if err != nil {
		return craftgate.PaymentTransaction{}, err
	}
	p, err := w.requirePayment()
	if err != nil {
		return craftgate.PaymentTransaction{}, err
	}
	if n > len(p.PaymentTransactions) {
		return craftgate.PaymentTransaction{}, fmt.Errorf("steps: item %d: payment %d has %d transactions", n, p.ID, len(p.PaymentTransactions))
	}
	return p.PaymentTransactions[n-1], nil
}

// refundWhole refunds or cancels the whole payment under test, declined
// ones included.
func (w *World) refundWhole(ctx context.Context) error { return w.refundWholeTo(ctx, "") }

// refundWholeTo is refundWhole with a refundDestinationType ("" for the
// provider's default, PROVIDER).
func (w *World) refundWholeTo(ctx context.Context, destination string) error {
	if w.paymentID == 0 {
		return errors.New("steps: no payment to refund: pay first")
	}
	w.refund, w.err = w.client.RefundPayment(ctx, &craftgate.RefundPaymentRequest{PaymentID: w.paymentID,
		RefundDestinationType: destination, ConversationID: newConversationID()})
	if w.err != nil && craftgate.AsError(w.err) == nil {
		return fmt.Errorf("steps: refunding payment %d%s: %w", w.paymentID, toDestination(destination), w.err)
	}
	w.noteRefund(w.refund, w.err)
	return nil
}

func (w *World) refundItem(ctx context.Context, amount, item string) error {
	return w.refundItemTo(ctx, amount, item, "")
}

// refundItemTo is refundItem with a refundDestinationType.
func (w *World) refundItemTo(ctx context.Context, amount, item, destination string) error {
	tx, a, err := w.itemAmount(item, amount)
	if err != nil {
		return err
	}
	w.itemRefundTx = tx.ID
	w.itemRefund, w.err = w.client.RefundTransaction(ctx, &craftgate.RefundTransactionRequest{PaymentTransactionID: tx.ID, RefundPrice: a,
		RefundDestinationType: destination, ConversationID: newConversationID()})
	if w.err != nil && craftgate.AsError(w.err) == nil {
		return fmt.Errorf("steps: refunding transaction %d%s: %w", tx.ID, toDestination(destination), w.err)
	}
	if w.err == nil {
		w.itemRefunds = append(w.itemRefunds, w.itemRefund)
		w.note(EvidenceRefund, "transaction refund "+strconv.FormatInt(w.itemRefund.ID, 10), "")
	}
	w.noteRefund(nil, w.err)
	return nil
}

// toDestination words a refund destination for an error message.
func toDestination(destination string) string {
	if destination == craftgate.RefundDestinationWallet {
		return " to the wallet"
	}
	return ""
}

func (w *World) hasRefundedItem(ctx context.Context, amount, item string) error {
	if err := w.refundItem(ctx, amount, item); err != nil {
		return err
	}
	return w.itemRefundSucceeds(amount, w.payment.Currency)
}

// dayEnds moves the mock's clock a day ahead, past the bank's end of day.
func (w *World) dayEnds(ctx context.Context) error {
	err := w.client.Do(ctx, http.MethodPost, pathMockClockAdvance, nil, map[string]string{"duration": "24h"}, nil)
	if err != nil {
		return fmt.Errorf("steps: advancing the mock's clock (a gatecheck mock facility: tag the scenario @mock): %w", err)
	}
	return nil
}

// requireRefund returns the whole-payment refund under test.
func (w *World) requireRefund() (*craftgate.PaymentRefund, error) {
	if w.err != nil || w.refund == nil {
		return nil, fmt.Errorf("expected payment %d to be refunded, got %s", w.paymentID, describeErr(w.err))
	}
	return w.refund, nil
}

func (w *World) refundIsCancel(context.Context) error {
	return verify(w.requireRefund, func(r *craftgate.PaymentRefund, m *mismatches) error {
		m.check("refundType", craftgate.RefundTypeCancel, r.RefundType)
		m.check("status", craftgate.StatusSuccess, r.Status)
		m.check("paymentId", w.paymentID, r.PaymentID)
		if r.ID == 0 {
			m.addf("id: expected the cancellation's id, got none")
		}
		if len(r.PaymentTransactionRefunds) != 0 {
			m.addf("paymentTransactionRefunds: expected none for a cancellation, got %d", len(r.PaymentTransactionRefunds))
		}
		return m.errf("refund of payment %d", w.paymentID)
	})
}

func (w *World) refundIsRefund(context.Context) error {
	return verify(w.requireRefund, func(r *craftgate.PaymentRefund, m *mismatches) error {
		m.check("refundType", craftgate.RefundTypeRefund, r.RefundType)
		m.check("status", craftgate.StatusSuccess, r.Status)
		m.check("paymentId", w.paymentID, r.PaymentID)
		if len(r.PaymentTransactionRefunds) == 0 {
			m.addf("paymentTransactionRefunds: expected one per refunded item, got none")
		}
		sum := craftgate.Amount{}
		for i, tr := range r.PaymentTransactionRefunds {
			m.check(fmt.Sprintf("paymentTransactionRefunds[%d].status", i), craftgate.StatusSuccess, tr.Status)
			m.check(fmt.Sprintf("paymentTransactionRefunds[%d].paymentId", i), w.paymentID, tr.PaymentID)
			sum = sum.Add(tr.RefundPrice)
		}
		m.amount("sum of paymentTransactionRefunds[].refundPrice vs refundPrice", r.RefundPrice, sum)
		return m.errf("refund of payment %d", w.paymentID)
	})
}

func (w *World) refundReturns(amount, currency string) error {
	want, r, err := withAmount(amount, w.requireRefund)
	if err != nil {
		return err
	}
	var m mismatches
	m.amount("refundPrice", want, r.RefundPrice)
	m.check("currency", currency, r.Currency)
	return m.errf("refund of payment %d", w.paymentID)
}

func (w *World) refundReturnsForItem(amount, item string) error {
	tx, want, err := w.itemAmount(item, amount)
	if err != nil {
		return err
	}
	r, err := w.requireRefund()
	if err != nil {
		return err
	}
	var found []craftgate.PaymentTransactionRefund
	for _, tr := range r.PaymentTransactionRefunds {
		if tr.PaymentTransactionID == tx.ID {
			found = append(found, tr)
		}
	}
	if len(found) != 1 {
		return fmt.Errorf("refund of payment %d: expected one refund of item %s (transaction %d), got %d", w.paymentID, item, tx.ID, len(found))
	}
	var m mismatches
	m.amount(fmt.Sprintf("refundPrice of item %s", item), want, found[0].RefundPrice)
	return m.errf("refund of payment %d", w.paymentID)
}

func (w *World) cancellationRetrievable(ctx context.Context) error {
	r, err := w.requireRefund()
	if err != nil {
		return err
	}
	got, err := w.client.RetrieveRefund(ctx, r.ID)
	if err != nil {
		return fmt.Errorf("expected cancellation %d to be retrievable, got %s", r.ID, describeErr(err))
	}
	var m mismatches
	m.check("id", r.ID, got.ID)
	m.check("refundType", r.RefundType, got.RefundType)
	m.check("status", r.Status, got.Status)
	m.check("paymentId", r.PaymentID, got.PaymentID)
	m.amount("refundPrice", r.RefundPrice, got.RefundPrice)
	return m.errf("retrieved cancellation %d", r.ID)
}

func (w *World) refundItemsRetrievable(ctx context.Context) error {
	r, err := w.requireRefund()
	if err != nil {
		return err
	}
	if len(r.PaymentTransactionRefunds) == 0 {
		return fmt.Errorf("refund of payment %d: expected item refunds, got none", w.paymentID)
	}
	for _, tr := range r.PaymentTransactionRefunds {
		if err := w.transactionRefundRetrievable(ctx, &tr); err != nil {
			return err
		}
	}
	return nil
}

// transactionRefundRetrievable retrieves a transaction refund and compares
// it with what the refund call answered.
func (w *World) transactionRefundRetrievable(ctx context.Context, want *craftgate.PaymentTransactionRefund) error {
	got, err := w.client.RetrieveTransactionRefund(ctx, want.ID)
	if err != nil {
		return fmt.Errorf("expected item refund %d to be retrievable, got %s", want.ID, describeErr(err))
	}
	var m mismatches
	m.check("id", want.ID, got.ID)
	m.check("status", want.Status, got.Status)
	m.check("paymentTransactionId", want.PaymentTransactionID, got.PaymentTransactionID)
	m.check("paymentId", want.PaymentID, got.PaymentID)
	m.amount("refundPrice", want.RefundPrice, got.RefundPrice)
	return m.errf("retrieved item refund %d", want.ID)
}

func (w *World) refundRejected(context.Context) error {
	return expect4xx(w.err, "the refund of payment %d to be rejected (HTTP 4xx in the error envelope)", w.paymentID)
}

func (w *World) refundDeclined(group string) error {
	if w.err == nil {
		return fmt.Errorf("expected the refund of payment %d with %s to be declined with errorGroup %q, but it succeeded", w.paymentID, w.card, group)
	}
	return expectPaymentError(fmt.Sprintf("refund of payment %d with %s", w.paymentID, w.card), w.err, group, "")
}

func (w *World) itemRefundSucceeds(amount, currency string) error {
	want, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	if w.err != nil || w.itemRefund == nil {
		return fmt.Errorf("expected the refund of %s of transaction %d to succeed, got %s", fmtAmount(want), w.itemRefundTx, describeErr(w.err))
	}
	r := w.itemRefund
	var m mismatches
	m.check("status", craftgate.StatusSuccess, r.Status)
	m.amount("refundPrice", want, r.RefundPrice)
	m.check("currency", currency, r.Currency)
	m.check("paymentTransactionId", w.itemRefundTx, r.PaymentTransactionID)
	m.check("paymentId", w.paymentID, r.PaymentID)
	if r.ID == 0 {
		m.addf("id: expected the item refund's id, got none")
	}
	return m.errf("item refund of transaction %d", w.itemRefundTx)
}

func (w *World) itemRefundRetrievable(ctx context.Context) error {
	if w.err != nil || w.itemRefund == nil {
		return fmt.Errorf("expected an item refund, got %s", describeErr(w.err))
	}
	return w.transactionRefundRetrievable(ctx, w.itemRefund)
}

func (w *World) itemRefundInvalid(context.Context) error {
	if w.err == nil {
		return fmt.Errorf("expected the item refund of transaction %d to be rejected as a validation error, but it succeeded", w.itemRefundTx)
	}
	return expectValidationError(fmt.Sprintf("item refund of transaction %d", w.itemRefundTx), w.err, "")
}

// current retrieves the payment under test as it is now.
func (w *World) current(ctx context.Context) (*craftgate.Payment, error) {
	if w.paymentID == 0 {
		return nil, errors.New("steps: no payment: pay first")
	}
	p, err := w.client.RetrievePayment(ctx, w.paymentID)
	if err != nil {
		return nil, fmt.Errorf("expected payment %d to be retrievable, got %s", w.paymentID, describeErr(err))
	}
	return p, nil
}

// verifyCurrent is verify for the payment as the provider has it now
// (retrieved again).
func (w *World) verifyCurrent(ctx context.Context, check func(p *craftgate.Payment, m *mismatches) error) error {
	return verify(func() (*craftgate.Payment, error) { return w.current(ctx) }, check)
}

func (w *World) itemLeft(ctx context.Context, item, amount string) error {
	tx, want, err := w.itemAmount(item, amount)
	if err != nil {
		return err
	}
	p, err := w.current(ctx)
	if err != nil {
		return err
	}
	for _, cur := range p.PaymentTransactions {
		if cur.ID != tx.ID {
			continue
		}
		if cur.RefundablePrice == nil {
			return fmt.Errorf("payment %d: transaction %d has no refundablePrice (a gatecheck mock extension: tag the scenario @mock)", p.ID, tx.ID)
		}
		var m mismatches
		m.amount(fmt.Sprintf("refundablePrice of item %s", item), want, *cur.RefundablePrice)
		return m.errf("payment %d", p.ID)
	}
	return fmt.Errorf("payment %d: transaction %d of item %s is missing", p.ID, tx.ID, item)
}

func (w *World) refundStatus(ctx context.Context, status string) error {
	p, err := w.current(ctx)
	if err != nil {
		return err
	}
	if p.RefundStatus == "" {
		return fmt.Errorf("payment %d has no refundStatus (a gatecheck mock extension: tag the scenario @mock)", p.ID)
	}
	var m mismatches
	m.check("refundStatus", status, p.RefundStatus)
	return m.errf("payment %d", p.ID)
}

// noteRefund records a whole refund's ids, or a declined refund's card and
// error group at the cancel/refund step.
func (w *World) noteRefund(r *craftgate.PaymentRefund, err error) {
	if r != nil {
		if r.ID != 0 {
			w.note(EvidenceRefund, r.RefundType+" "+strconv.FormatInt(r.ID, 10), "")
		}
		for _, tr := range r.PaymentTransactionRefunds {
			w.note(EvidenceRefund, r.RefundType+" transaction refund "+strconv.FormatInt(tr.ID, 10), "")
		}
	}
	if ce := craftgate.AsError(err); ce != nil && ce.Group != "" {
		if w.card.Number != "" {
			w.note(EvidenceCard, craftgate.MaskPAN(w.card.Number), craftgate.StepCancelRefund)
		}
		w.note(EvidenceErrorGroup, ce.Group, craftgate.StepCancelRefund)
	}
}
