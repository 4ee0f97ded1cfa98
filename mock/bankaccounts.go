package mock

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Bank-account tracking (https://developer.craftgate.io/en/api/bank-account-tracking):
// the transfers seen on the merchant's bank account.
//
//	GET  /bank-account-tracking/v1/merchant-bank-account-trackings/records       search, newest first
//	GET  /bank-account-tracking/v1/merchant-bank-account-trackings/records/{id}
//	POST /_mock/v1/bank-account-records   admin: a transfer arrives (or leaves)
//
// The mock's bank sees no transfer by itself: a test injects one with the
// signed admin route, whose body is the record's fields (senderName,
// senderIban, description, currency, amount; recordType RECEIVE by default
// or SEND; bankAccountTrackingSource YKB by default or GARANTI); the
// record is dated now on the mock's clock and keyed "mock-" + its id.

// injectRecordRequest is the body of POST /_mock/v1/bank-account-records.
type injectRecordRequest struct {
	SenderName                string           `json:"senderName"`
	SenderIBAN                string           `json:"senderIban"`
	Description               string           `json:"description"`
	Currency                  string           `json:"currency"`
	Amount                    craftgate.Amount `json:"amount"`
	RecordType                string           `json:"recordType"`
	BankAccountTrackingSource string           `json:"bankAccountTrackingSource"`
}

// injectBankRecord serves POST /_mock/v1/bank-account-records.
func (m *Mock) injectBankRecord(c *call, req injectRecordRequest) error {
	if e := requireAll("senderName", req.SenderName, "currency", req.Currency); e != nil {
		return e
	}
	amount, e := checkAmount("amount", req.Amount)
	if e != nil {
		return e
	}
	if _, ok := currencyIndex(req.Currency); !ok {
		return errValidation(CodeInvalidCurrency, "currency must be a currency code such as TRY, got "+strconv.Quote(truncate(req.Currency, 10)))
	}
	req.RecordType = orDefault(req.RecordType, "RECEIVE")
	req.BankAccountTrackingSource = orDefault(req.BankAccountTrackingSource, "YKB")
	if req.RecordType != "RECEIVE" && req.RecordType != "SEND" {
		return errValidation(CodeInvalidQuery, "recordType must be RECEIVE or SEND")
	}
	if req.BankAccountTrackingSource != "YKB" && req.BankAccountTrackingSource != "GARANTI" {
		return errValidation(CodeInvalidQuery, "bankAccountTrackingSource must be YKB or GARANTI")
	}
	r := &m.recon
	r.mu.Lock()
	id := r.newID()
	rec := craftgate.BankAccountTrackingRecord{ID: id, Key: "mock-" + strconv.FormatInt(id, 10), SenderName: req.SenderName,
		SenderIBAN: req.SenderIBAN, Description: req.Description, Currency: req.Currency, Amount: amount.toAmount(),
		RecordDate: m.dateText(m.nowUnix()), RecordType: req.RecordType, BankAccountTrackingSource: req.BankAccountTrackingSource}
	r.records = bounded(r.records, rec)
	r.mu.Unlock()
	c.sendData(http.StatusOK, rec)
	return nil
}

// searchBankRecords serves GET
// /bank-account-tracking/v1/merchant-bank-account-trackings/records. Text
// filters match a part of the field, ignoring case.
func (m *Mock) searchBankRecords(c *call, q searchQuery) error {
	cur, e1 := queryCurrency(q)
	from, to, e2 := m.queryDates(q, "minRecordDate", "maxRecordDate")
	if e := errs(e1, e2); e != nil {
		return e
	}
	has := func(field, name string) bool {
		v := q.Get(name)
		return v == "" || strings.Contains(strings.ToLower(field), strings.ToLower(v))
	}
	r := &m.recon
	r.mu.Lock()
	var all []craftgate.BankAccountTrackingRecord
	for i := len(r.records) - 1; i >= 0; i-- {
		rec := r.records[i]
		ci, _ := currencyIndex(rec.Currency)
		created := m.parseDateText(rec.RecordDate)
		if !has(rec.SenderName, "senderName") || !has(rec.SenderIBAN, "senderIban") || !has(rec.Description, "description") ||
			cur != 0 && int(ci)+1 != cur || from != nil && created < *from || to != nil && created > *to {
			continue
		}
		all = append(all, rec)
	}
	r.mu.Unlock()
	c.sendData(http.StatusOK, paged(all, q.page, q.size))
	return nil
}

// parseDateText reads back a date the mock rendered (dateText).
func (m *Mock) parseDateText(s string) int64 {
	v, _ := m.queryDate(dateQuery(s), "d")
	if v == nil {
		return 0
	}
	return *v
}

// dateQuery is a one-value query for queryDate.
type dateQuery string

func (d dateQuery) Get(string) string { return string(d) }

// retrieveBankRecord serves GET
// /bank-account-tracking/v1/merchant-bank-account-trackings/records/{id}.
func (m *Mock) retrieveBankRecord(c *call) error {
	r := &m.recon
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range r.records {
		if rec.ID == c.id && c.idText == strconv.FormatInt(c.id, 10) {
			c.sendData(http.StatusOK, rec)
			return nil
		}
	}
	return errNotFound(CodeBankRecordNotFound, "bank account tracking record "+truncate(c.idText, 40)+" not found")
}
