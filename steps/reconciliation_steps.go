package steps

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/xuri/excelize/v2"
)

// Reconciliation: what the merchant's back office does after the payment.
// It searches payments and refunds through the reporting API, downloads
// the daily report files, reads the settlement file's payout rows and
// moves a seller's money out of its wallet
// (https://developer.craftgate.io/en/api/payment-reporting,
// https://developer.craftgate.io/en/api/file-reporting,
// https://developer.craftgate.io/en/api/settlement-reporting).

// reconWorld is the reconciliation part of a scenario.
type reconWorld struct {
	payments []*craftgate.Payment // the payments made, in order
	// report is the last report file downloaded, parsed into rows (the
	// header first), and its format.
	report [][]string
	format string
	// the last withdrawal attempt
	withdraw    *craftgate.Withdraw
	withdrawErr error
}

func (w *World) reconw() *reconWorld {
	return lazy(&w.recon)
}

func reconciliationDefinitions() []Definition {
	return []Definition{
		{`^the buyer has made (\d+) payments without 3-D Secure with ` + ReCard + `$`, step2((*World).payTimes)},
		{`^the merchant downloads the day's (transaction|payment) report as (CSV|XLSX)$`, step2((*World).downloadReport)},
		{`^every payment made appears once in the report with its paid price$`, step0((*World).reportHasPayments)},
		{`^the refund search finds the refund of ` + ReAmount + ` for item ` + ReItem + `$`, step2((*World).refundFound)},
		{`^the reporting API shows ` + ReAmount + ` left to refund on the payment$`, step1((*World).reportedRefundable)},
		{`^a registered ` + reSellerType + ` seller ` + reName + ` paid out (\d+) days? after each sale$`,
			step3(func(w *World, ctx context.Context, kind, name, days string) error {
				return w.registered(ctx, func(ctx context.Context, n string) error { return w.registerDelayedSeller(ctx, kind, n, days) }, name)
			})},
		{`^(\d+) days? pass(?:es)?$`, step1((*World).daysPass)},
		{`^the settlement file shows a payout of ` + ReAmount + ` ` + ReCurrency + ` to ` + reName + `$`, step3((*World).payoutShown)},
		{`^the settlement file shows no payout to ` + reName + ` yet$`, step1((*World).noPayout)},
		{`^` + reName + ` asks to withdraw ` + ReAmount + ` ` + ReCurrency + ` from the wallet$`, step3((*World).askWithdraw)},
		{`^the withdrawal is refused$`, step0((*World).withdrawRefused)},
		{`^the withdrawal is accepted and waits for the payout$`, step0((*World).withdrawAccepted)},
	}
}

// payTimes makes n payments of the basket with the card spec; each must
// succeed.
func (w *World) payTimes(ctx context.Context, n, spec string) error {
	count, err := strconv.Atoi(n)
	if err != nil || count < 1 || count > 100 {
		return fmt.Errorf("steps: %q payments: want 1 to 100", n)
	}
	for range count {
		if err := w.paidWith(ctx, w.pay, spec); err != nil {
			return err
		}
		w.reconw().payments = append(w.reconw().payments, w.payment)
	}
	return nil
}

// made returns the payments of the scenario: those made by payTimes, or
// the payment under test.
func (w *World) made() ([]*craftgate.Payment, error) {
	if ps := w.reconw().payments; len(ps) > 0 {
		return ps, nil
	}
	p, err := w.requirePayment()
	if err != nil {
		return nil, err
	}
	return []*craftgate.Payment{p}, nil
}

// downloadReport downloads the report of the day of the scenario's
// payments (on the provider's clock, as their createdDate says) and
// parses it.
func (w *World) downloadReport(ctx context.Context, kind, format string) error {
	ps, err := w.made()
	if err != nil {
		return err
	}
	day := ps[0].CreatedDate
	if len(day) < 10 {
		return fmt.Errorf("steps: payment %d has no createdDate", ps[0].ID)
	}
	var b []byte
	if kind == "transaction" {
		b, err = w.client.DownloadTransactionReport(ctx, day[:10], format)
	} else {
		b, err = w.client.DownloadPaymentReport(ctx, day[:10], format)
	}
	if err != nil {
		return fmt.Errorf("expected the %s report of %s as %s, got %s", kind, day[:10], format, describeErr(err))
	}
	rows, err := parseReport(format, b)
	if err != nil {
		return fmt.Errorf("steps: the %s report of %s as %s: %w", kind, day[:10], format, err)
	}
	r := w.reconw()
	r.report, r.format = rows, format
	return nil
}

// parseReport reads a CSV or XLSX report file into rows of text.
func parseReport(format string, b []byte) ([][]string, error) {
	if format == craftgate.FileTypeCSV {
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			return nil, fmt.Errorf("not CSV: %w", err)
		}
		return rows, nil
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not XLSX: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("XLSX without a sheet")
	}
	return f.GetRows(sheets[0])
}

// reportHasPayments checks that each payment made has exactly one
// PAYMENT row (transaction report) or one row (payment report), with its
// paid price and currency.
func (w *World) reportHasPayments(context.Context) error {
	r := w.reconw()
	if len(r.report) == 0 {
		return errors.New("steps: no report downloaded")
	}
	ps, err := w.made()
	if err != nil {
		return err
	}
	head := r.report[0]
	col := func(name string) int { return slices.Index(head, name) }
	idCol, typeCol, paidCol, curCol := col("paymentId"), col("transactionType"), col("paidPrice"), col("currency")
	if idCol < 0 || paidCol < 0 || curCol < 0 {
		return fmt.Errorf("expected the report to have paymentId, paidPrice and currency columns, got %v", head)
	}
	rows := map[string][][]string{}
	for _, row := range r.report[1:] {
		if len(row) <= max(idCol, paidCol, curCol) || typeCol >= 0 && (len(row) <= typeCol || row[typeCol] != "PAYMENT") {
			continue
		}
		rows[row[idCol]] = append(rows[row[idCol]], row)
	}
	var m mismatches
	for _, p := range ps {
		id := strconv.FormatInt(p.ID, 10)
		got := rows[id]
		if len(got) != 1 {
			m.addf("payment %s: expected one row in the %s report, got %d", id, r.format, len(got))
			continue
		}
		paid, err := craftgate.ParseAmount(got[0][paidCol])
		if err != nil {
			m.addf("payment %s: paidPrice %q is not an amount", id, got[0][paidCol])
			continue
		}
		m.amount("payment "+id+" paidPrice", p.PaidPrice, paid)
		m.check("payment "+id+" currency", p.Currency, got[0][curCol])
	}
	return m.err(r.format + " report")
}

// refundFound checks that both refund searches of the reporting API find
// the scenario's refund of item.
func (w *World) refundFound(ctx context.Context, amount, item string) error {
	tx, want, err := w.itemAmount(item, amount)
	if err != nil {
		return err
	}
	txs, err := w.client.SearchReportingTransactionRefunds(ctx, &craftgate.SearchReportingRefundsRequest{PaymentTransactionID: tx.ID})
	if err != nil {
		return fmt.Errorf("expected the transaction refund search to answer, got %s", describeErr(err))
	}
	var m mismatches
	if len(txs.Items) != 1 {
		m.addf("transaction refunds of item %s: expected 1, got %d", item, len(txs.Items))
	} else {
		m.amount("transaction refund refundPrice", want, txs.Items[0].RefundPrice)
		m.check("transaction refund paymentId", w.paymentID, txs.Items[0].PaymentID)
	}
	refunds, err := w.client.SearchReportingRefunds(ctx, &craftgate.SearchReportingRefundsRequest{PaymentID: w.paymentID})
	if err != nil {
		return fmt.Errorf("expected the refund search to answer, got %s", describeErr(err))
	}
	found := false
	for _, r := range refunds.Items {
		found = found || r.RefundPrice.Equal(want.Decimal)
	}
	if !found {
		m.addf("refund search of payment %d: no refund of %s among %d", w.paymentID, want, len(refunds.Items))
	}
	return m.err("refund search")
}

// reportedRefundable checks the reporting API's refundablePrice of the
// payment under test.
func (w *World) reportedRefundable(ctx context.Context, amount string) error {
	want, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	p, err := w.client.RetrieveReportingPayment(ctx, w.paymentID)
	if err != nil {
		return fmt.Errorf("expected payment %d in the reporting API, got %s", w.paymentID, describeErr(err))
	}
	var m mismatches
	m.amount("refundablePrice", want, p.RefundablePrice)
	return m.err("reported payment " + strconv.FormatInt(w.paymentID, 10))
}

// registerDelayedSeller registers a seller whose earnings are paid out
// days after each sale (settlementDelayCount).
func (w *World) registerDelayedSeller(ctx context.Context, kind, name, days string) error {
	n, err := strconv.Atoi(days)
	if err != nil {
		return fmt.Errorf("steps: %q days: %w", days, err)
	}
	req := sellerRequest(kind, name)
	req.SettlementDelayCount = &n
	return w.register(ctx, name, &req)
}

// daysPass moves the mock's clock n days ahead.
func (w *World) daysPass(ctx context.Context, days string) error {
	n, err := strconv.Atoi(days)
	if err != nil || n < 1 || n > 365 {
		return fmt.Errorf("steps: %q days: want 1 to 365", days)
	}
	err = w.client.Do(ctx, http.MethodPost, pathMockClockAdvance, nil, map[string]string{"duration": strconv.Itoa(24*n) + "h"}, nil)
	if err != nil {
		return fmt.Errorf("steps: advancing the mock's clock (a gatecheck mock facility: tag the scenario @mock @clock): %w", err)
	}
	return nil
}

// payoutsTo returns the settlement file rows paying member name, from the
// day of the payment under test on.
func (w *World) payoutsTo(ctx context.Context, name string) ([]craftgate.PayoutRow, error) {
	mb, err := w.requireMember(name)
	if err != nil {
		return nil, err
	}
	p, err := w.requirePayment()
	if err != nil {
		return nil, err
	}
	from, err := time.Parse(craftgate.DateTimeLayout, p.CreatedDate)
	if err != nil {
		return nil, fmt.Errorf("steps: payment %d createdDate %q: %w", p.ID, p.CreatedDate, err)
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	q := url.Values{"fileStatus": {"APPROVED"}, "startDate": {from.Format(craftgate.DateTimeLayout)},
		"endDate": {from.AddDate(0, 0, 400).Format(craftgate.DateTimeLayout)}, "size": {"1000"}}
	list, err := w.client.SearchPayoutRows(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("expected the settlement file rows, got %s", describeErr(err))
	}
	var out []craftgate.PayoutRow
	for _, r := range list.Items {
		if r.MerchantID == mb.ID && r.MerchantType == craftgate.MerchantTypeSubMerchant {
			out = append(out, r)
		}
	}
	return out, nil
}

func (w *World) payoutShown(ctx context.Context, amount, currency, name string) error {
	want, err := ParseAmount(amount)
	if err != nil {
		return err
	}
	rows, err := w.payoutsTo(ctx, name)
	if err != nil {
		return err
	}
	if len(rows) != 1 {
		return fmt.Errorf("expected one payout to %q in the settlement file, got %d", name, len(rows))
	}
	var m mismatches
	m.amount("payoutAmount", want, rows[0].PayoutAmount)
	m.check("currency", currency, rows[0].Currency)
	if rows[0].IBAN == "" {
		m.addf("iban: expected the seller's IBAN, got none")
	}
	if err := m.err("payout to " + name); err != nil {
		return err
	}
	w.note(EvidencePayment, "payout "+strconv.FormatInt(rows[0].PayoutID, 10)+" ("+name+")", "")
	return nil
}

func (w *World) noPayout(ctx context.Context, name string) error {
	rows, err := w.payoutsTo(ctx, name)
	if err != nil {
		return err
	}
	if len(rows) != 0 {
		return fmt.Errorf("expected no payout to %q yet, got %d (%s on %s)", name, len(rows), rows[0].PayoutAmount, rows[0].PayoutDate)
	}
	return nil
}

func (w *World) askWithdraw(ctx context.Context, name, amount, currency string) error {
	mb, a, err := w.memberAmount(name, amount)
	if err != nil {
		return err
	}
	r := w.reconw()
	r.withdraw, r.withdrawErr = w.client.CreateWithdraw(ctx, &craftgate.CreateWithdrawRequest{MemberID: mb.ID, Price: a, Currency: currency,
		Description: "gatecheck withdrawal"})
	if r.withdrawErr != nil && craftgate.AsError(r.withdrawErr) == nil {
		return fmt.Errorf("steps: withdrawing for %q: %w", name, r.withdrawErr)
	}
	return nil
}

func (w *World) withdrawRefused(context.Context) error {
	r := w.reconw()
	if r.withdrawErr == nil {
		return fmt.Errorf("expected the withdrawal to be refused, got withdrawal %d", r.withdraw.ID)
	}
	if ce := craftgate.AsError(r.withdrawErr); ce.HTTPStatus >= 500 {
		return fmt.Errorf("expected the withdrawal to be refused, got a server error: %s", describeErr(r.withdrawErr))
	}
	return nil
}

func (w *World) withdrawAccepted(ctx context.Context) error {
	r := w.reconw()
	if r.withdrawErr != nil {
		return fmt.Errorf("expected the withdrawal to be accepted, got %s", describeErr(r.withdrawErr))
	}
	got, err := w.client.RetrieveWithdraw(ctx, r.withdraw.ID)
	if err != nil {
		return fmt.Errorf("expected withdrawal %d to be retrievable, got %s", r.withdraw.ID, describeErr(err))
	}
	var m mismatches
	m.check("payoutStatus", craftgate.PayoutStatusWaitingForPayout, got.PayoutStatus)
	m.amount("price", r.withdraw.Price, got.Price)
	return m.err("withdrawal " + strconv.FormatInt(got.ID, 10))
}
