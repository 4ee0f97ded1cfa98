package mock

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/xuri/excelize/v2"
)

// Report files (https://developer.craftgate.io/en/api/file-reporting):
//
//	GET  /file-reporting/v1/transaction-reports?reportDate=yyyy-MM-dd&fileType=CSV|XLSX
//	GET  /file-reporting/v1/payment-reports?reportDate=yyyy-MM-dd&fileType=CSV|XLSX
//	POST /file-reporting/v1/report-demands   {startDate, endDate, reportType, reportPeriod}
//	GET  /file-reporting/v1/reports/{id}?fileType=CSV|XLSX
//
// The files are real and, like reporting, rendered from the store: the
// rows of the report date on the mock's clock (its Location's midnight to
// midnight), oldest first. CSV is RFC 4180 (comma, CRLF, a header row,
// UTF-8); XLSX is one sheet named "Report" written by excelize, with the
// amounts as numbers and everything else as text. Craftgate generates a
// day's file after the day ends; the mock renders any day up to today
// (today's file holds the rows so far) and refuses a future date
// (CodeInvalidReportDate) and any fileType but CSV and XLSX
// (CodeInvalidFileType). Card numbers are masked (first 6, last 4).
//
// MOCK DECISION (Craftgate documents no columns): the columns are
// transactionColumns and paymentColumns below, documented in the README.
// A report demand whose reportType starts with PAYMENT is a payment
// report over its period, any other a transaction report.

// transactionColumns are the transaction report's columns: one row per
// payment made that day (whatever its status), per CANCEL and per
// transaction refund.
var transactionColumns = []string{"transactionType", "transactionId", "paymentId", "paymentTransactionId", "createdDate",
	"conversationId", "status", "paymentType", "paymentSource", "paymentProvider", "price", "paidPrice", "amount",
	"currency", "installment", "isThreeDS", "cardNumber", "cardAssociation", "authCode", "hostReference", "orderId"}

// paymentColumns are the payment report's columns: one row per payment
// made that day.
var paymentColumns = []string{"paymentId", "createdDate", "conversationId", "externalId", "paymentStatus", "paymentType",
	"paymentSource", "paymentProvider", "price", "paidPrice", "walletPrice", "refundablePrice", "refundStatus", "currency",
	"installment", "isThreeDS", "cardNumber", "cardAssociation", "cardType", "authCode", "hostReference", "orderId",
	"transactionCount"}

// amountColumns are written as numbers in XLSX.
var amountColumns = map[string]bool{"price": true, "paidPrice": true, "amount": true, "walletPrice": true, "refundablePrice": true}

// maskedCard is a payment's card number as the files show it.
func maskedCard(p *craftgate.Payment) string {
	if p.BinNumber == "" {
		return ""
	}
	bin := p.BinNumber
	if len(bin) > 6 {
		bin = bin[:6]
	}
	return bin + "******" + p.LastFourDigits
}

// reportRows renders the rows of a report over [from, to) (Unix seconds).
func (m *Mock) reportRows(payments bool, from, to int64) (cols []string, rows [][]string) {
	var views []*craftgate.Payment
	for id := range m.paymentIDs() {
		h, ok := m.head(id, false)
		if ok && h.created < from-clockSlack {
			break
		}
		if !ok || h.created < from || h.created >= to {
			continue
		}
		if p, ok := m.paymentView(id); ok {
			views = append(views, p)
		}
	}
	slices.Reverse(views) // oldest first
	if payments {
		for _, rp := range m.reportingPayments(views, false) {
			p := &rp.Payment
			rows = append(rows, []string{itoa(p.ID), p.CreatedDate, p.ConversationID, p.ExternalID, p.PaymentStatus, p.PaymentType,
				p.PaymentSource, p.PaymentProvider, p.Price.String(), p.PaidPrice.String(), p.WalletPrice.String(),
				rp.RefundablePrice.String(), rp.RefundStatus, p.Currency, strconv.Itoa(p.Installment), strconv.FormatBool(p.IsThreeDS),
				maskedCard(p), p.CardAssociation, p.CardType, p.AuthCode, p.HostReference, p.OrderID, strconv.Itoa(len(p.PaymentTransactions))})
		}
		return paymentColumns, rows
	}
	type row struct {
		created string
		cells   []string
	}
	var all []row
	for _, p := range views {
		all = append(all, row{p.CreatedDate, []string{"PAYMENT", itoa(p.ID), itoa(p.ID), "", p.CreatedDate, p.ConversationID,
			p.PaymentStatus, p.PaymentType, p.PaymentSource, p.PaymentProvider, p.Price.String(), p.PaidPrice.String(),
			p.PaidPrice.String(), p.Currency, strconv.Itoa(p.Installment), strconv.FormatBool(p.IsThreeDS), maskedCard(p),
			p.CardAssociation, p.AuthCode, p.HostReference, p.OrderID}})
	}
	f := refundFilter{minDate: &from}
	last := to - 1
	f.maxDate = &last
	types := make(map[int64]string, len(views))
	for _, p := range views {
		types[p.ID] = p.PaymentType
	}
	for _, r := range m.paymentRefunds(f, types) {
		txID := ""
		if r.RefundType == craftgate.RefundTypeRefund {
			if t := m.store.txRefund(r.ID); t != nil {
				txID = itoa(t.txID)
			}
		}
		all = append(all, row{r.CreatedDate, []string{r.RefundType, itoa(r.ID), itoa(r.PaymentID), txID, r.CreatedDate, r.ConversationID,
			r.Status, r.PaymentType, "", "", "", "", r.RefundPrice.String(), r.Currency, "", "", "", "", r.AuthCode, r.HostReference, ""}})
	}
	// Payments first within a second, then refunds; stable by time.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].created < all[j-1].created; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	for _, r := range all {
		rows = append(rows, r.cells)
	}
	return transactionColumns, rows
}

// fileType reads the required fileType.
func fileType(s string) (string, *apiError) {
	switch strings.ToUpper(s) {
	case "":
		return "", errRequired("fileType")
	case craftgate.FileTypeCSV:
		return craftgate.FileTypeCSV, nil
	case craftgate.FileTypeXLSX:
		return craftgate.FileTypeXLSX, nil
	}
	return "", errValidation(CodeInvalidFileType, "fileType must be CSV or XLSX, got "+strconv.Quote(truncate(s, 20)))
}

// reportDay reads the required reportDate (yyyy-MM-dd) as the day's
// bounds; a day after today on the mock's clock is refused.
func (m *Mock) reportDay(s string) (int64, int64, *apiError) {
	if s == "" {
		return 0, 0, errRequired("reportDate")
	}
	d, err := time.ParseInLocation(time.DateOnly, s, m.loc)
	if err != nil {
		return 0, 0, errValidation(CodeInvalidReportDate, "reportDate must be yyyy-MM-dd, got "+strconv.Quote(truncate(s, 20)))
	}
	y, mo, dd := m.Now().Date()
	if today := time.Date(y, mo, dd, 0, 0, 0, 0, m.loc); d.After(today) {
		return 0, 0, errValidation(CodeInvalidReportDate, "reportDate "+s+" is in the future (today is "+today.Format(time.DateOnly)+" on the mock's clock)")
	}
	return d.Unix(), d.AddDate(0, 0, 1).Unix(), nil
}

// sendFile renders rows as typ and writes it as an attachment.
func (c *call) sendFile(typ, name string, cols []string, rows [][]string) error {
	var buf bytes.Buffer
	var ct string
	switch typ {
	case craftgate.FileTypeCSV:
		ct = "text/csv; charset=utf-8"
		w := csv.NewWriter(&buf)
		w.UseCRLF = true
		_ = w.Write(cols)
		_ = w.WriteAll(rows) // a bytes.Buffer does not fail
	default:
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		b, err := xlsxOf(cols, rows)
		if err != nil {
			return &apiError{status: http.StatusInternalServerError, code: CodeInternalError, desc: "the mock could not write the XLSX file: " + err.Error()}
		}
		buf.Write(b)
	}
	h := c.w.Header()
	h["Content-Type"] = []string{ct}
	h["Content-Disposition"] = []string{`attachment; filename="` + name + "." + strings.ToLower(typ) + `"`}
	c.wrote, c.status = true, http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return nil
}

// xlsxOf writes one sheet "Report": the header, then the rows; the amount
// columns as numbers.
func xlsxOf(cols []string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Report"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, fmt.Errorf("sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	line := make([]any, len(cols))
	for i, c := range cols {
		line[i] = c
	}
	if err := sw.SetRow("A1", line); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for r, row := range rows {
		line := make([]any, len(row))
		for i, v := range row {
			line[i] = v
			if amountColumns[cols[i]] && v != "" {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					line[i] = x
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, line); err != nil {
			return nil, fmt.Errorf("row %d: %w", r+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, fmt.Errorf("flush: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return buf.Bytes(), nil
}

// dailyReport serves the two daily report files.
func (m *Mock) dailyReport(c *call, payments bool) error {
	q := c.r.URL.Query()
	typ, e := fileType(q.Get("fileType"))
	if e != nil {
		return e
	}
	from, to, e := m.reportDay(q.Get("reportDate"))
	if e != nil {
		return e
	}
	cols, rows := m.reportRows(payments, from, to)
	name := "transaction-report-"
	if payments {
		name = "payment-report-"
	}
	return c.sendFile(typ, name+q.Get("reportDate"), cols, rows)
}

// transactionReport serves GET /file-reporting/v1/transaction-reports.
func (m *Mock) transactionReport(c *call) error { return m.dailyReport(c, false) }

// paymentReport serves GET /file-reporting/v1/payment-reports.
func (m *Mock) paymentReport(c *call) error { return m.dailyReport(c, true) }

// demandReport serves POST /file-reporting/v1/report-demands.
func (m *Mock) demandReport(c *call, req craftgate.ReportDemandRequest) error {
	if e := requireAll("startDate", req.StartDate, "endDate", req.EndDate, "reportType", req.ReportType); e != nil {
		return e
	}
	start, e := m.queryDate(dateQuery(req.StartDate), "startDate")
	if e != nil {
		return e
	}
	end, e := m.queryDate(dateQuery(req.EndDate), "endDate")
	if e != nil {
		return e
	}
	if *end < *start {
		return errValidation(CodeInvalidReportDate, "endDate must not be before startDate")
	}
	if *start > m.nowUnix() {
		return errValidation(CodeInvalidReportDate, "startDate "+req.StartDate+" is in the future on the mock's clock")
	}
	r := &m.recon
	r.mu.Lock()
	d := craftgate.ReportDemand{ID: r.newID(), ReportType: req.ReportType, ReportPeriod: req.ReportPeriod,
		StartDate: m.dateText(*start), EndDate: m.dateText(*end)}
	r.demands = bounded(r.demands, d)
	r.mu.Unlock()
	c.sendData(http.StatusOK, d)
	return nil
}

// downloadReport serves GET /file-reporting/v1/reports/{id}: the rows of
// the demand's period (endDate included).
func (m *Mock) downloadReport(c *call) error {
	typ, e := fileType(c.r.URL.Query().Get("fileType"))
	if e != nil {
		return e
	}
	r := &m.recon
	var d *craftgate.ReportDemand
	if e := locked(&r.mu, func() error {
		for i := range r.demands {
			if r.demands[i].ID == c.id && c.idText == strconv.FormatInt(c.id, 10) {
				dd := r.demands[i]
				d = &dd
			}
		}
		if d == nil {
			return errNotFound(CodeReportNotFound, "report "+truncate(c.idText, 40)+" not found")
		}
		return nil
	}); e != nil {
		return e
	}
	payments := strings.HasPrefix(strings.ToUpper(d.ReportType), "PAYMENT")
	cols, rows := m.reportRows(payments, m.parseDateText(d.StartDate), m.parseDateText(d.EndDate)+1)
	return c.sendFile(typ, "report-"+itoa(d.ID), cols, rows)
}
