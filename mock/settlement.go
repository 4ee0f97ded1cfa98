package mock

import (
	"bytes"
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Settlement and payouts (https://developer.craftgate.io/en/api/settlement,
// https://developer.craftgate.io/en/api/settlement-reporting):
//
//	POST   /settlement/v1/payout-accounts          create
//	PUT    /settlement/v1/payout-accounts/{id}     update type and externalAccountId
//	DELETE /settlement/v1/payout-accounts/{id}     delete
//	GET    /settlement/v1/payout-accounts          search
//	GET    /settlement-reporting/v1/settlement-file-rows                          payout rows
//	GET    /settlement-reporting/v1/settlement-file/bounced-sub-merchant-rows     bounced rows
//	GET    /settlement-reporting/v1/settlement-file/payout-details/{id}           one payout
//	GET    /settlement-reporting/v2/settlement-file/payout-completed-transactions its transactions
//
// Settlement runs on the mock's clock and, like reporting, is a view of
// the store: nothing is copied when a payout happens. A transaction of a
// successful payment is paid out when its blockage is resolved: at
// midnight (the mock's Location) of the day of the payment plus the
// blockage days, those of the sub-merchant member (settlementDelayCount)
// for its share and merchantBlockageDays for the merchant's, at least one.
// A marketplace item is paid out only once approved; an item settled to a
// wallet (instant-wallet-settlements) is not paid out again. Advancing the
// clock (POST /_mock/v1/clock/advance) thus turns approved transactions
// into payout rows.
//
// A payout is what one payee (the merchant or one sub-merchant member) is
// paid on one day in one currency; its amount is net of refunds: a
// sub-merchant is paid subMerchantMemberPrice scaled by the part of the
// item not refunded, the merchant the rest of what is left of the item.
// A refund made after the payout changes that payout's row too (the mock
// does not carry a negative line into a later payout), and a fully
// refunded item has no line. Payout ids are the payout day (days since 1970-01-01) times 10,000 plus
// the payout's rank in that day (the merchant first, then members by id),
// so they are stable; a settlement file's id (settlementFileId) is the
// day as yyyyMMdd.
//
// MOCK DECISION: a sub-merchant payout bounces when it is sent to the
// bank's test IBAN bounceIBAN (a valid TR IBAN whose account is all
// zeros), or when its member has no IBAN to be paid to; the bank returns
// it the same day (bounced-sub-merchant-rows).

// bounceIBAN is the IBAN whose payouts bounce (MOCK DECISION).
const bounceIBAN = "TR690001000000000000000000"

// merchantBlockageDays is the merchant's own blockage (MOCK DECISION).
const merchantBlockageDays = 1

// merchantPayeeName names the merchant in payout rows.
const merchantPayeeName = "Gatecheck Mock Merchant"

// Bounce statuses of a payout (bounceStatus, MOCK DECISION).
const (
	bounceNone    = "NOT_BOUNCED"
	bounceBounced = "BOUNCED"
)

// settlementSource of every payout the mock makes.
const settlementSourceCollection = "COLLECTION"

// blockageResolved is when a transaction of a payment created at created
// (Unix seconds) becomes payable to sub (0: the merchant's share only).
func (m *Mock) blockageResolved(created, sub int64) int64 {
	days := merchantBlockageDays
	if sub != 0 {
		b := &m.book
		b.mu.Lock()
		if mb := b.members[sub]; mb != nil {
			days = mb.f.delay
		}
		b.mu.Unlock()
	}
	days = max(days, 1)
	t := time.Unix(created, 0).In(m.loc)
	y, mo, d := t.Date()
	return time.Date(y, mo, d+days, 0, 0, 0, 0, m.loc).Unix()
}

// payable reports whether a transaction with blockage resolved at
// resolved is paid out now.
func (m *Mock) payable(txID, sub, resolved int64) bool {
	if m.nowUnix() < resolved {
		return false
	}
	return sub == 0 || m.market.state(txID) == itemApproved
}

// payoutStatus is a transaction's payoutStatus.
func (m *Mock) payoutStatus(txID, sub, resolved int64) string {
	if sub != 0 && m.market.state(txID) == itemSettled {
		return craftgate.PayoutStatusPayoutStarted // settled to the wallet
	}
	if m.payable(txID, sub, resolved) {
		return craftgate.PayoutStatusPayoutCompleted
	}
	return craftgate.PayoutStatusWaitingForPayout
}

// payout is one payout: one payee, one day, one currency.
type payout struct {
	id       int64
	day      int64 // Unix seconds of its midnight
	member   int64 // 0: the merchant
	currency string
	amount   money
	txs      []craftgate.PayoutDetailTransaction
	withdraw bool // a withdrawal's payout (withdrawals.go): settlementType WITHDRAW
}

// Settlement types of payouts (settlementType).
const (
	settlementTypeSettlement = "SETTLEMENT"
	settlementTypeWithdraw   = "WITHDRAW"
)

func (po *payout) settlementType() string {
	if po.withdraw {
		return settlementTypeWithdraw
	}
	return settlementTypeSettlement
}

// payee is what a payout row says of its payee.
type payee struct {
	name, iban, destination string
	contactName, surname    string
	legalTitle              string
}

func (m *Mock) payeeOf(member int64) payee {
	if member == 0 {
		return payee{name: merchantPayeeName, destination: "IBAN"}
	}
	b := &m.book
	b.mu.Lock()
	defer b.mu.Unlock()
	mb := b.members[member]
	if mb == nil {
		return payee{}
	}
	return payee{name: mb.f.name, iban: mb.f.iban, destination: mb.f.destination, contactName: mb.f.contactName,
		surname: mb.f.contactSurname, legalTitle: mb.f.legalTitle}
}

// bounced reports whether a payout to p bounces.
func (p *payee) bounced(member int64) bool {
	return member != 0 && (p.destination == "" || p.destination == craftgate.SettlementToIBAN) && (p.iban == "" || p.iban == bounceIBAN)
}

// maxBlockageDays is the longest blockage a member may have
// (settlementDelayCount, members.go).
const maxBlockageDays = 365

// payouts computes the payouts made by now whose day is in [from, to],
// oldest day first. Only the payments that can have one are read: those
// made from maxBlockageDays before from up to to.
func (m *Mock) payouts(from, to int64) []*payout {
	type key struct {
		day, member int64
		currency    string
	}
	byKey := map[key]*payout{}
	add := func(day, member int64, currency string, txID int64, amount money) {
		if amount == 0 {
			return // a fully refunded item pays nothing
		}
		k := key{day, member, currency}
		po := byKey[k]
		if po == nil {
			po = &payout{day: day, member: member, currency: currency}
			byKey[k] = po
		}
		po.amount += amount
		po.txs = append(po.txs, craftgate.PayoutDetailTransaction{TransactionID: txID, TransactionType: "PAYMENT", PayoutAmount: amount.toAmount()})
	}
	for id := range m.paymentIDs() {
		h, ok := m.head(id, false)
		if ok && h.created < from-(maxBlockageDays+1)*86400-clockSlack {
			break
		}
		if !ok || h.status != craftgate.StatusSuccess || h.created > to || h.created < from-(maxBlockageDays+1)*86400 {
			continue
		}
		p, ok := m.paymentView(id)
		if !ok {
			continue
		}
		for _, t := range p.PaymentTransactions {
			sub := t.SubMerchantMemberID
			left, paid := money(0), money(0)
			if t.RefundablePrice != nil {
				left, _ = moneyOf(*t.RefundablePrice)
			}
			paid, _ = moneyOf(t.PaidPrice)
			var subNet money
			if sub != 0 && t.SubMerchantMemberPrice != nil && paid > 0 {
				sp, _ := moneyOf(*t.SubMerchantMemberPrice)
				subNet = mulDiv(sp, left, paid)
			}
			if r := m.blockageResolved(h.created, 0); m.nowUnix() >= r {
				add(r, 0, p.Currency, t.ID, left-subNet)
			}
			if sub != 0 && m.market.state(t.ID) != itemSettled {
				if r := m.blockageResolved(h.created, sub); m.payable(t.ID, sub, r) {
					add(r, sub, p.Currency, t.ID, subNet)
				}
			}
		}
	}
	out := make([]*payout, 0, len(byKey))
	for _, po := range byKey {
		if po.day >= from && po.day <= to {
			out = append(out, po)
		}
	}
	out = append(out, m.withdrawPayouts(from, to)...)
	slices.SortFunc(out, func(a, b *payout) int {
		if c := cmp.Compare(a.day, b.day); c != 0 {
			return c
		}
		if a.withdraw || b.withdraw { // numbered on their own (withdrawPayouts)
			return cmpBool(a.withdraw, b.withdraw)
		}
		if c := cmp.Compare(a.member, b.member); c != 0 {
			return c
		}
		return cmp.Compare(a.currency, b.currency)
	})
	rank := int64(0)
	for i, po := range out {
		if i == 0 || out[i-1].day != po.day {
			rank = 0
		}
		if po.withdraw {
			continue // numbered by withdrawPayouts
		}
		rank++
		po.id = (po.day/86400+1)*10_000 + rank
		slices.SortFunc(po.txs, func(a, b craftgate.PayoutDetailTransaction) int { return cmp.Compare(a.TransactionID, b.TransactionID) })
	}
	return out
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

// settlementFileID is the id of the settlement file of a payout day.
func (m *Mock) settlementFileID(day int64) int64 {
	y, mo, d := time.Unix(day, 0).In(m.loc).Date()
	return int64(y*10000 + int(mo)*100 + d)
}

// settlementQuery is the query of a settlement-reporting call, with the
// members of its JSON body when it has one: the documentation describes
// these searches as POSTs with a body, the official clients as GETs with
// a query, and the mock answers both.
func settlementQuery(c *call) (url.Values, *apiError) {
	q := c.r.URL.Query()
	if len(bytes.TrimSpace(c.body)) == 0 {
		return q, nil
	}
	var body map[string]any
	if e := decodeJSON(c.body, &body); e != nil {
		return nil, e
	}
	for k, v := range body {
		switch v := v.(type) {
		case string:
			q.Set(k, v)
		case float64:
			q.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			q.Set(k, strconv.FormatBool(v))
		}
	}
	return q, nil
}

// payoutRange reads the required startDate and endDate.
func (m *Mock) payoutRange(q url.Values) (int64, int64, *apiError) {
	start, end, e := m.queryDates(q, "startDate", "endDate")
	if e != nil {
		return 0, 0, e
	}
	switch {
	case start == nil:
		return 0, 0, errRequired("startDate")
	case end == nil:
		return 0, 0, errRequired("endDate")
	}
	return *start, *end, nil
}

// settlementSearch reads a settlement-file search: its query
// (settlementQuery) and the date range it requires (payoutRange).
func (m *Mock) settlementSearch(c *call) (q url.Values, start, end int64, e *apiError) {
	if q, e = settlementQuery(c); e != nil {
		return nil, 0, 0, e
	}
	start, end, e = m.payoutRange(q)
	return q, start, end, e
}

func (m *Mock) payoutRow(po *payout) craftgate.PayoutRow {
	pe := m.payeeOf(po.member)
	typ := craftgate.MerchantTypeMerchant
	if po.member != 0 {
		typ = craftgate.MerchantTypeSubMerchant
	}
	return craftgate.PayoutRow{Name: pe.name, IBAN: pe.iban, PayoutID: po.id, MerchantID: po.member, MerchantType: typ,
		PayoutAmount: po.amount.toAmount(), PayoutDate: m.dateText(po.day), Currency: po.currency}
}

// searchPayoutRows serves GET /settlement-reporting/v1/settlement-file-rows.
// Every settlement file whose day has come is APPROVED (MOCK DECISION).
func (m *Mock) searchPayoutRows(c *call) error {
	q := c.r.URL.Query()
	status := q.Get("fileStatus")
	if status == "" {
		return errRequired("fileStatus")
	}
	start, end, e := m.payoutRange(q)
	if e != nil {
		return e
	}
	page, size, e := paging(q)
	if e != nil {
		return e
	}
	var rows []craftgate.PayoutRow
	if status == "APPROVED" {
		for _, po := range m.payouts(start, end) {
			if po.day >= start && po.day <= end {
				rows = append(rows, m.payoutRow(po))
			}
		}
	}
	c.sendData(http.StatusOK, paged(rows, page, size))
	return nil
}

// searchBouncedPayouts serves GET
// /settlement-reporting/v1/settlement-file/bounced-sub-merchant-rows.
func (m *Mock) searchBouncedPayouts(c *call) error {
	_, start, end, e := m.settlementSearch(c)
	if e != nil {
		return e
	}
	out := craftgate.PayoutBouncedList{Items: []craftgate.PayoutBouncedRow{}}
	for _, po := range m.payouts(start, end) {
		if po.day < start || po.day > end {
			continue
		}
		pe := m.payeeOf(po.member)
		if !pe.bounced(po.member) {
			continue
		}
		date := m.dateText(po.day)
		out.Items = append(out.Items, craftgate.PayoutBouncedRow{ID: po.id, IBAN: pe.iban, CreatedDate: date, UpdatedDate: date,
			PayoutID: po.id, PayoutAmount: po.amount.toAmount(), ContactName: pe.contactName, ContactSurname: pe.surname,
			LegalCompanyTitle: pe.legalTitle, RowDescription: "the bank returned the payout to " + orDefault(pe.iban, "no IBAN")})
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// retrievePayoutDetails serves GET
// /settlement-reporting/v1/settlement-file/payout-details/{id}.
func (m *Mock) retrievePayoutDetails(c *call) error {
	day := (c.id/10_000 - 1) * 86400 // the payout's day, within a day (payout ids above)
	for _, po := range m.payouts(day-86400, day+2*86400) {
		if po.id != c.id || c.idText != strconv.FormatInt(c.id, 10) {
			continue
		}
		pe := m.payeeOf(po.member)
		row := m.payoutRow(po)
		d := craftgate.PayoutDetail{RowDescription: "payout " + strconv.FormatInt(po.id, 10), PayoutDate: row.PayoutDate, Name: pe.name,
			IBAN: pe.iban, PayoutAmount: row.PayoutAmount, Currency: po.currency, MerchantID: po.member, MerchantType: row.MerchantType,
			SettlementEarningsDestination: orDefault(pe.destination, "IBAN"), SettlementSource: settlementSourceCollection,
			BounceStatus: bounceNone, PayoutTransactions: po.txs}
		if pe.bounced(po.member) {
			d.BounceStatus = bounceBounced
		}
		c.sendData(http.StatusOK, d)
		return nil
	}
	return errNotFound(CodePayoutNotFound, "payout "+truncate(c.idText, 40)+" not found")
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// searchPayoutCompleted serves GET
// /settlement-reporting/v2/settlement-file/payout-completed-transactions.
func (m *Mock) searchPayoutCompleted(c *call) error {
	q, start, end, e := m.settlementSearch(c)
	if e != nil {
		return e
	}
	page, size, e := paging(q)
	if e != nil {
		return e
	}
	fileID, e := queryInt(q, "settlementFileId")
	if e != nil {
		return e
	}
	typ := q.Get("settlementType")
	var items []craftgate.PayoutCompletedTransaction
	for _, po := range m.payouts(start, end) {
		if po.day < start || po.day > end || fileID != 0 && m.settlementFileID(po.day) != fileID {
			continue
		}
		pe := m.payeeOf(po.member)
		if pe.bounced(po.member) || typ != "" && typ != po.settlementType() {
			continue
		}
		row := m.payoutRow(po)
		for _, t := range po.txs {
			items = append(items, craftgate.PayoutCompletedTransaction{PayoutID: po.id, TransactionID: t.TransactionID,
				TransactionType: t.TransactionType, PayoutAmount: t.PayoutAmount, PayoutDate: row.PayoutDate, Currency: po.currency,
				MerchantID: po.member, MerchantType: row.MerchantType, SettlementEarningsDestination: orDefault(pe.destination, "IBAN"),
				SettlementSource: settlementSourceCollection})
		}
	}
	c.sendData(http.StatusOK, paged(items, page, size))
	return nil
}

// recon holds the few objects of the money-out families that are not
// views of the store: payout accounts, withdrawals (withdrawals.go), bank
// transfers (bankaccounts.go) and report demands (filereports.go). Each
// list is bounded by reconCapacity, oldest dropped first. The zero value
// is ready.
type recon struct {
	mu        sync.Mutex
	accounts  []craftgate.PayoutAccount
	withdraws []*withdrawal
	records   []craftgate.BankAccountTrackingRecord
	demands   []craftgate.ReportDemand
	next      int64 // the last id handed out, for every kind
}

// reconCapacity bounds each list of recon.
const reconCapacity = 10_000

// newID hands out an id; the caller holds r.mu.
func (r *recon) newID() int64 {
	r.next++
	return r.next
}

// bounded appends v to list, dropping the oldest beyond reconCapacity.
func bounded[T any](list []T, v T) []T {
	if len(list) >= reconCapacity {
		list = slices.Delete(list, 0, len(list)-reconCapacity+1)
	}
	return append(list, v)
}

// Payout account types and owners the mock accepts (the documentation's).
var (
	payoutAccountTypes  = []string{"WISE"}
	payoutAccountOwners = []string{"MERCHANT", "SUB_MERCHANT_MEMBER"}
)

// createPayoutAccount serves POST /settlement/v1/payout-accounts.
func (m *Mock) createPayoutAccount(c *call, req craftgate.CreatePayoutAccountRequest) error {
	if e := requireAll("type", req.Type, "externalAccountId", req.ExternalAccountID, "currency", req.Currency,
		"accountOwner", req.AccountOwner); e != nil {
		return e
	}
	switch {
	case !slices.Contains(payoutAccountTypes, req.Type):
		return errValidation(CodeInvalidPayoutAccount, "type must be WISE, got "+strconv.Quote(truncate(req.Type, 20)))
	case !slices.Contains(payoutAccountOwners, req.AccountOwner):
		return errValidation(CodeInvalidPayoutAccount, "accountOwner must be MERCHANT or SUB_MERCHANT_MEMBER, got "+strconv.Quote(truncate(req.AccountOwner, 30)))
	case req.AccountOwner == "SUB_MERCHANT_MEMBER" && req.SubMerchantMemberID == 0:
		return errRequired("subMerchantMemberId")
	}
	if _, ok := currencyIndex(req.Currency); !ok {
		return errValidation(CodeInvalidCurrency, "currency must be a currency code such as TRY, got "+strconv.Quote(truncate(req.Currency, 10)))
	}
	if req.AccountOwner == "SUB_MERCHANT_MEMBER" && !m.isSeller(req.SubMerchantMemberID) {
		return errNotFound(CodeMemberNotFound, "subMerchantMemberId "+strconv.FormatInt(req.SubMerchantMemberID, 10)+": no such sub-merchant member")
	}
	if req.AccountOwner == "MERCHANT" {
		req.SubMerchantMemberID = 0
	}
	r := &m.recon
	r.mu.Lock()
	a := craftgate.PayoutAccount{ID: r.newID(), Type: req.Type, ExternalAccountID: req.ExternalAccountID, Currency: req.Currency,
		AccountOwner: req.AccountOwner, SubMerchantMemberID: req.SubMerchantMemberID}
	r.accounts = bounded(r.accounts, a)
	r.mu.Unlock()
	c.sendData(http.StatusOK, a)
	return nil
}

// editPayoutAccount runs edit on the index of the account of the {id}
// wildcard in recon.accounts, with recon.mu held, and answers {}; an
// account that does not exist is 404.
func (m *Mock) editPayoutAccount(c *call, edit func(i int)) error {
	r := &m.recon
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.accounts {
		if r.accounts[i].ID == c.id && c.idText == strconv.FormatInt(c.id, 10) {
			edit(i)
			c.out = append(c.out[:0], "{}"...)
			c.send(http.StatusOK)
			return nil
		}
	}
	return errNotFound(CodePayoutAccountNotFound, "payout account "+truncate(c.idText, 40)+" not found")
}

// updatePayoutAccount serves PUT /settlement/v1/payout-accounts/{id}.
func (m *Mock) updatePayoutAccount(c *call, req craftgate.UpdatePayoutAccountRequest) error {
	switch {
	case req.Type == "":
		return errRequired("type")
	case req.ExternalAccountID == "":
		return errRequired("externalAccountId")
	case !slices.Contains(payoutAccountTypes, req.Type):
		return errValidation(CodeInvalidPayoutAccount, "type must be WISE, got "+strconv.Quote(truncate(req.Type, 20)))
	}
	return m.editPayoutAccount(c, func(i int) {
		a := &m.recon.accounts[i]
		a.Type, a.ExternalAccountID = req.Type, req.ExternalAccountID
	})
}

// deletePayoutAccount serves DELETE /settlement/v1/payout-accounts/{id}.
func (m *Mock) deletePayoutAccount(c *call) error {
	return m.editPayoutAccount(c, func(i int) {
		m.recon.accounts = slices.Delete(m.recon.accounts, i, i+1)
	})
}

// searchPayoutAccounts serves GET /settlement/v1/payout-accounts.
func (m *Mock) searchPayoutAccounts(c *call, q searchQuery) error {
	cur, e := queryCurrency(q)
	if e != nil {
		return e
	}
	sub, e := queryInt(q, "subMerchantMemberId")
	if e != nil {
		return e
	}
	owner := q.Get("accountOwner")
	r := &m.recon
	r.mu.Lock()
	var all []craftgate.PayoutAccount
	for _, a := range r.accounts {
		ci, _ := currencyIndex(a.Currency)
		if cur != 0 && int(ci)+1 != cur || owner != "" && a.AccountOwner != owner || sub != 0 && a.SubMerchantMemberID != sub {
			continue
		}
		all = append(all, a)
	}
	r.mu.Unlock()
	c.sendData(http.StatusOK, paged(all, q.page, q.size))
	return nil
}
