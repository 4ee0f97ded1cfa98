package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Marketplace (docs/reference/craftgate/flows.md section 10): basket items sold by sellers
// registered as members (wallet_steps.go), each seller's share, the
// merchant's approval of items for payout, and changes of a split before
// approval.

func marketplaceDefinitions() []Definition {
	return []Definition{
		{`^` + reName + ` sells item ` + ReItem + ` for a share of ` + ReAmount + `$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error { return w.soldBy(a1, a0, a2) })},
		{`^the buyer has paid the marketplace basket without 3-D Secure with ` + ReCard + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.payMarketplace(ctx, a0, true) })},
		{`^the buyer pays the marketplace basket without 3-D Secure with ` + ReCard + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.payMarketplace(ctx, a0, false) })},
		{`^the merchant approves (?:items|item) ([\d, and]+)( as one)?$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error {
				return w.approveItems(ctx, true, a0, a1 != "")
			})},
		{`^the merchant approves item ` + ReItem + ` and an unknown item as one$`,
			step1((*World).approveWithUnknown)},
		{`^the merchant withdraws the approval of (?:items|item) ([\d, and]+)$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.approveItems(ctx, false, a0, false) })},
		{`^the merchant settles the approved earnings into the sellers' wallets$`, step0((*World).settleToWallets)},
		{`^the settlement answers ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.settlementAnswers(a0) })},
		{`^the merchant gives item ` + ReItem + ` to ` + reName + ` for a share of ` + ReAmount + `$`,
			step3((*World).changeSplit)},

		{`^the seller of item ` + ReItem + ` is ` + reName + ` with a payout of ` + ReAmount + ` at a rate of ` + ReAmount + `%, the merchant keeping ` + ReAmount + `$`,
			step5((*World).itemPayout)},
		{`^the marketplace (?:items|item) ([\d, and]+) (?:are|is) (waiting for approval|approved|paid out)$`,
			step2((*World).itemsAre)},
		{`^every approval succeeds$`, step0((*World).approvalsSucceed)},
		{`^no approval succeeds$`, step0((*World).noApprovalSucceeds)},
		{`^the approval of item ` + ReItem + ` fails, saying "([^"]+)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.approvalFails(a0, a1) })},
		{`^the change is refused$`, step0((*World).changeRefused)},
	}
}

// marketWorld is the marketplace part of a scenario.
type marketWorld struct {
	sellers  map[int]string           // 1-based item -> seller name
	shares   map[int]craftgate.Amount // 1-based item -> seller's share
	approval *craftgate.ApprovalResponse
	settled  *craftgate.InstantWalletSettlement
	asked    []int64 // the transaction ids of the last approval call
	changed  *craftgate.PaymentTransaction
	err      error
}

func (w *World) mkt() *marketWorld {
	x := w.wal()
	if x.market == nil {
		x.market = &marketWorld{sellers: map[int]string{}, shares: map[int]craftgate.Amount{}}
	}
	return x.market
}

// split parses a seller's split of an item: the item's number, the
// registered seller name and its share.
func (w *World) split(item, name, share string) (int, *craftgate.Member, craftgate.Amount, error) {
	n, err := ParseItem(item)
	if err != nil {
		return 0, nil, craftgate.Amount{}, err
	}
	mb, a, err := w.memberAmount(name, share)
	return n, mb, a, err
}

// setSplit remembers that item n is sold by name for share a.
func (x *marketWorld) setSplit(n int, name string, a craftgate.Amount) {
	x.sellers[n], x.shares[n] = name, a
}

func (w *World) soldBy(item, name, share string) error {
	n, _, a, err := w.split(item, name, share)
	if err != nil {
		return err
	}
	w.mkt().setSplit(n, name, a)
	return nil
}

// payMarketplace pays the basket with each item's seller and share.
func (w *World) payMarketplace(ctx context.Context, spec string, mustSucceed bool) error {
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	x := w.mkt()
	for n, name := range x.sellers {
		if n > len(req.Items) {
			return fmt.Errorf("steps: item %d: the basket has %d items", n, len(req.Items))
		}
		share := x.shares[n]
		req.Items[n-1].SubMerchantMemberID, req.Items[n-1].SubMerchantMemberPrice = w.wal().members[name].ID, &share
	}
	w.startPayment(card, req)
	p, err := w.client.CreatePayment(ctx, req)
	if err := w.paid(card, p, err); err != nil {
		return err
	}
	if mustSucceed && w.err != nil {
		return fmt.Errorf("expected the marketplace payment to succeed, got %s", describeErr(w.err))
	}
	return nil
}

// itemIDs resolves "1", "1 and 2", "1, 2 and 3" to transaction ids.
func (w *World) itemIDs(list string) ([]int64, []int, error) {
	var ids []int64
	var items []int
	for _, s := range splitList(list) {
		tx, err := w.transaction(s)
		if err != nil {
			return nil, nil, err
		}
		n, _ := ParseItem(s)
		ids, items = append(ids, tx.ID), append(items, n)
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("steps: no items in %q", list)
	}
	return ids, items, nil
}

func (w *World) approveItems(ctx context.Context, approve bool, list string, transactional bool) error {
	ids, _, err := w.itemIDs(list)
	if err != nil {
		return err
	}
	return w.sendApproval(ctx, approve, ids, transactional)
}

func (w *World) approveWithUnknown(ctx context.Context, item string) error {
	tx, err := w.transaction(item)
	if err != nil {
		return err
	}
	// Ids are below 1e9 plus what the provider made: 1e10 more than a
	// real one is no item at all.
	return w.sendApproval(ctx, true, []int64{tx.ID, tx.ID + 10_000_000_000}, true)
}

func (w *World) sendApproval(ctx context.Context, approve bool, ids []int64, transactional bool) error {
	x := w.mkt()
	req := &craftgate.ApprovalRequest{PaymentTransactionIDs: ids, IsTransactional: transactional}
	x.asked = ids
	if approve {
		x.approval, x.err = w.client.ApprovePaymentTransactions(ctx, req)
	} else {
		x.approval, x.err = w.client.DisapprovePaymentTransactions(ctx, req)
	}
	if x.err != nil {
		return fmt.Errorf("steps: approval call: %s", describeErr(x.err))
	}
	return nil
}

func (w *World) changeSplit(ctx context.Context, item, name, share string) error {
	n, mb, a, err := w.split(item, name, share)
	if err != nil {
		return err
	}
	tx, err := w.transaction(item)
	if err != nil {
		return err
	}
	x := w.mkt()
	x.changed, x.err = w.client.UpdatePaymentTransaction(ctx, tx.ID, &craftgate.UpdatePaymentTransactionRequest{
		SubMerchantMemberID: mb.ID, SubMerchantMemberPrice: a})
	if x.err != nil && craftgate.AsError(x.err) == nil {
		return fmt.Errorf("steps: changing the split of transaction %d: %w", tx.ID, x.err)
	}
	if x.err == nil {
		x.setSplit(n, name, a)
	}
	return nil
}

// itemPayout checks an item's split on the payment as retrieved now.
func (w *World) itemPayout(ctx context.Context, item, name, payout, rate, merchant string) error {
	mb, err := w.requireMember(name)
	if err != nil {
		return err
	}
	want := map[string]craftgate.Amount{}
	for k, v := range map[string]string{"payout": payout, "rate": rate, "merchant": merchant} {
		if want[k], err = ParseAmount(v); err != nil {
			return err
		}
	}
	tx, err := w.currentTransaction(ctx, item)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("subMerchantMemberId", mb.ID, tx.SubMerchantMemberID)
	if tx.SubMerchantMemberPayoutAmount == nil || tx.SubMerchantMemberPayoutRate == nil {
		m.addf("subMerchantMemberPayoutAmount/Rate: expected both, got %v/%v", tx.SubMerchantMemberPayoutAmount, tx.SubMerchantMemberPayoutRate)
	} else {
		m.amount("subMerchantMemberPayoutAmount", want["payout"], *tx.SubMerchantMemberPayoutAmount)
		m.amount("subMerchantMemberPayoutRate", want["rate"], *tx.SubMerchantMemberPayoutRate)
	}
	m.amount("merchantPayoutAmount", want["merchant"], tx.MerchantPayoutAmount)
	return m.err("item " + item)
}

// currentTransaction is item of the payment under test, retrieved afresh.
func (w *World) currentTransaction(ctx context.Context, item string) (*craftgate.PaymentTransaction, error) {
	n, err := ParseItem(item)
	if err != nil {
		return nil, err
	}
	p, err := w.current(ctx)
	if err != nil {
		return nil, err
	}
	if n > len(p.PaymentTransactions) {
		return nil, fmt.Errorf("steps: item %d: payment %d has %d transactions", n, p.ID, len(p.PaymentTransactions))
	}
	return &p.PaymentTransactions[n-1], nil
}

func (w *World) itemsAre(ctx context.Context, list, state string) error {
	want := map[string]string{"waiting for approval": craftgate.TransactionWaitingForApproval,
		"approved": craftgate.TransactionApproved, "paid out": craftgate.TransactionPayoutStarted}[state]
	p, err := w.client.RetrievePayment(ctx, w.paymentID)
	if err != nil {
		return fmt.Errorf("expected payment %d to be retrievable, got %s", w.paymentID, describeErr(err))
	}
	var m mismatches
	for _, s := range splitList(list) {
		n, err := ParseItem(s)
		if err != nil {
			return err
		}
		if n > len(p.PaymentTransactions) {
			return fmt.Errorf("steps: item %d: payment %d has %d transactions", n, p.ID, len(p.PaymentTransactions))
		}
		m.check("item "+s+" transactionStatus", want, p.PaymentTransactions[n-1].TransactionStatus)
	}
	return m.errf("payment %d", p.ID)
}

func (w *World) requireApproval() (*craftgate.ApprovalResponse, error) {
	x := w.mkt()
	if x.approval == nil {
		return nil, fmt.Errorf("expected an approval answer, got %s", describeErr(x.err))
	}
	if x.approval.Size != len(x.asked) || len(x.approval.Items) != len(x.asked) {
		return nil, fmt.Errorf("approval: asked for %d items, the answer has size %d and %d items", len(x.asked), x.approval.Size, len(x.approval.Items))
	}
	return x.approval, nil
}

func (w *World) approvalsSucceed(context.Context) error {
	return verify(w.requireApproval, func(r *craftgate.ApprovalResponse, m *mismatches) error {
		for i, it := range r.Items {
			m.check("items["+strconv.Itoa(i)+"].paymentTransactionId", w.mkt().asked[i], it.PaymentTransactionID)
			m.check("items["+strconv.Itoa(i)+"].approvalStatus", craftgate.ApprovalSuccess, it.ApprovalStatus)
		}
		return m.err("approval")
	})
}

func (w *World) noApprovalSucceeds(context.Context) error {
	return verify(w.requireApproval, func(r *craftgate.ApprovalResponse, m *mismatches) error {
		for i, it := range r.Items {
			m.check("items["+strconv.Itoa(i)+"].approvalStatus", craftgate.ApprovalFailure, it.ApprovalStatus)
			if it.FailedReason == "" {
				m.addf("items[%d].failedReason: expected a reason, got none", i)
			}
		}
		return m.err("approval")
	})
}

func (w *World) approvalFails(item, reason string) error {
	r, err := w.requireApproval()
	if err != nil {
		return err
	}
	tx, err := w.transaction(item)
	if err != nil {
		return err
	}
	for _, it := range r.Items {
		if it.PaymentTransactionID != tx.ID {
			continue
		}
		if it.ApprovalStatus != craftgate.ApprovalFailure || !strings.Contains(strings.ToLower(it.FailedReason), strings.ToLower(reason)) {
			return fmt.Errorf("item %s: expected FAILURE saying %q, got %s %q", item, reason, it.ApprovalStatus, it.FailedReason)
		}
		return nil
	}
	return fmt.Errorf("item %s (transaction %d) is not in the approval answer", item, tx.ID)
}

func (w *World) settleToWallets(ctx context.Context) error {
	x := w.mkt()
	x.settled, x.err = w.client.SettleToWallets(ctx, &craftgate.InstantWalletSettlementRequest{})
	if x.err != nil {
		return fmt.Errorf("steps: instant wallet settlement: %s", describeErr(x.err))
	}
	return nil
}

func (w *World) settlementAnswers(status string) error {
	x := w.mkt()
	if x.settled == nil {
		return errors.New("steps: no settlement made")
	}
	if x.settled.SettlementResultStatus != status {
		return fmt.Errorf("settlement: expected settlementResultStatus %s, got %s", status, x.settled.SettlementResultStatus)
	}
	return nil
}

func (w *World) changeRefused(context.Context) error {
	return expectStatus(w.mkt().err, 400, "the change to be refused with HTTP 400")
}
