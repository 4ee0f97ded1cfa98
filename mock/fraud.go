package mock

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Fraud management (docs/reference/craftgate/endpoints.md A.11, docs/reference/craftgate/flows.md section 12).
//
//	POST   /fraud/v1/value-lists                                 create a list {listName, type}, or add a value (+ label, value or paymentId, durationInSeconds)
//	GET    /fraud/v1/value-lists/all                             every list (the official clients' path)
//	GET    /fraud/v1/value-lists                                 every list (the documented path; the documentation and the official clients differ, both accepted)
//	GET    /fraud/v1/value-lists/{listName}                      one list
//	DELETE /fraud/v1/value-lists/{listName}                      delete a list
//	DELETE /fraud/v1/value-lists/{listName}/values/{valueId}     remove a value
//	POST   /fraud/v1/value-lists/{listName}/card-fingerprints    add the card of a payment (operation PAYMENT, operationId)
//	GET    /fraud/v1/rules                                       the mock's rules
//	GET    /fraud/v1/fraud-checks                                search the checks (paged)
//	PUT    /fraud/v1/fraud-checks/{id}/check-status              {checkStatus: FRAUD | NOT_FRAUD | WAITING}
//
// The mock does not interpret the Fraud DSL. MOCK DECISION: it has a fixed
// rule set (fraudRules), each rule a membership test of one payment value
// in a value list of a fixed name, which the merchant fills through the
// value-list API: clientIp in @blockedClientIps, fraudParams.buyerEmail in
// @blockedEmails, the card's fingerprint in @blockedCardNumbers (BLOCK), and
// the same three with the review* lists (REVIEW). The BLOCK rules are
// evaluated first; the first matching rule decides. Because every rule
// tests a value the payment brings, scenarios isolate themselves by using
// values of their own (a unique clientIp or email) rather than by running
// alone.
//
// Evaluated on API payments (non-3DS and 3ds-init; not the hosted pages),
// after validation and before the bank:
//   - BLOCK: the payment is stopped, HTTP 422 with error group
//     FRAUD_CHECK_BLOCK (the catalogue's code); no payment is stored, and a
//     fraud check with action BLOCK and no paymentId is recorded;
//   - REVIEW: the payment proceeds with its card's outcome and carries
//     fraudId (the check's id) and fraudAction REVIEW; the check has
//     checkStatus WAITING until the merchant sets FRAUD or NOT_FRAUD.
//
// More MOCK DECISIONS: list names are 1-64 letters, digits, '-' or '_';
// types are CARD, IP, PHONE_NUMBER, EMAIL, OTHER and a list keeps the type
// it was created with (adding a value of another type is refused); creating
// an existing list is a no-op; adding a value to a missing list creates it;
// a repeated value is kept once (its label and duration renewed). A card
// value is a fingerprint (sha-256 of the number, 32 hex digits), never the
// number: given as paymentId (or operationId), or as value when that is
// already a fingerprint; a card number in value is refused. Card
// fingerprints are kept at most 2 hours (documented), other values for
// durationInSeconds when given, else until removed; expiry runs on the mock
// clock. Bounds: maxFraudLists lists of maxFraudValues values (a clear
// error beyond), maxFraudChecks checks (the oldest are forgotten).

// Bounds of the fraud store.
const (
	maxFraudLists  = 1_000
	maxFraudValues = 10_000
	maxFraudChecks = 100_000
	maxFraudLabel  = 255
	maxFraudValue  = 255
	// maxCardFingerprintAge is how long a card fingerprint is kept
	// (docs/reference/craftgate/endpoints.md A.11).
	maxCardFingerprintAge = 2 * time.Hour
)

// Fraud actions (side entries and checks).
const (
	fraudNone uint8 = iota
	fraudBlock
	fraudReview
)

func fraudActionName(a uint8) string {
	if a == fraudBlock {
		return craftgate.FraudBlock
	}
	return craftgate.FraudReview
}

// fraudRule is one of the mock's fixed rules.
type fraudRule struct {
	id     int64
	name   string
	action uint8
	list   string
	value  func(in *fraudInput) string
	cond   string
}

// fraudInput is what the rules look at.
type fraudInput struct {
	clientIP, email, fingerprint string
}

// fraudRules are the mock's rules, in evaluation order. Read-only.
var fraudRules = []fraudRule{
	{1, "Blocked client IPs", fraudBlock, "blockedClientIps", func(in *fraudInput) string { return in.clientIP }, "clientIp in @blockedClientIps"},
	{2, "Blocked buyer emails", fraudBlock, "blockedEmails", func(in *fraudInput) string { return in.email }, "buyerEmail in @blockedEmails"},
	{3, "Blocked cards", fraudBlock, "blockedCardNumbers", func(in *fraudInput) string { return in.fingerprint }, "cardNumber in @blockedCardNumbers"},
	{4, "Review client IPs", fraudReview, "reviewClientIps", func(in *fraudInput) string { return in.clientIP }, "clientIp in @reviewClientIps"},
	{5, "Review buyer emails", fraudReview, "reviewEmails", func(in *fraudInput) string { return in.email }, "buyerEmail in @reviewEmails"},
	{6, "Review cards", fraudReview, "reviewCardNumbers", func(in *fraudInput) string { return in.fingerprint }, "cardNumber in @reviewCardNumbers"},
}

// fraudList is one value list.
type fraudList struct {
	name, kind string
	values     []fraudValue
}

type fraudValue struct {
	id           int64
	label, value string
	expires      time.Time // zero: until removed
}

// fraudCheck is one rule match.
type fraudCheck struct {
	id          int64
	rule        *fraudRule
	checkStatus string
	paymentID   int64 // 0 for BLOCK
	created     time.Time
	paidPrice   money
	currency    uint8
	conv        string
	buyerID     int64
	clientIP    string
}

// fraudStore holds the lists and checks.
type fraudStore struct {
	values atomic.Int64 // values held (expired ones included), read without the lock: none, no evaluation
	mu     sync.Mutex
	byName map[string]*fraudList
	checks map[int64]*fraudCheck
	order  []int64 // check ids, oldest first
}

// fingerprint is a card's fraud fingerprint: it identifies the number
// without revealing it.
func fingerprint(pan string) string {
	h := sha256.Sum256([]byte("gatecheck-card:" + pan))
	return hex.EncodeToString(h[:16])
}

func isFingerprint(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// live returns the list's unexpired values; the caller holds mu.
func (l *fraudList) live(now time.Time) []fraudValue {
	l.values = slices.DeleteFunc(l.values, func(v fraudValue) bool { return !v.expires.IsZero() && !now.Before(v.expires) })
	return l.values
}

// has reports whether value is in the named list; the caller holds mu.
func (fs *fraudStore) has(list, value string, now time.Time) bool {
	l := fs.byName[list]
	if l == nil || value == "" {
		return false
	}
	return slices.ContainsFunc(l.live(now), func(v fraudValue) bool { return v.value == value })
}

// fraudPayment is what the rules and a check keep of a payment: the
// request's clientIp and buyer email, and the draft's numbers. The draft's
// strings (card number, conversationId) are passed apart and never kept
// as they are, so that the draft, and its basket, stay on the handler's
// stack.
type fraudPayment struct {
	clientIP, email string
	paidPrice       money
	buyerID         int64
	currency        uint8
}

// evaluateFraud runs the rules on a validated payment: the rule that
// matched (nil when none) and, for a match, the id of the check it
// recorded.
func (m *Mock) evaluateFraud(fp fraudPayment, pan, conv string, now time.Time) (*fraudRule, int64) {
	fs := &m.fraud
	if fs.values.Load() == 0 {
		return nil, 0
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	defer fs.recount() // has drops expired values
	in := fraudInput{clientIP: fp.clientIP, email: fp.email}
	if pan != "" && (fs.byName[fraudRules[2].list] != nil || fs.byName[fraudRules[5].list] != nil) {
		in.fingerprint = fingerprint(pan) // only when a card rule has a list (a wallet-only payment has no card)
	}
	for i := range fraudRules {
		r := &fraudRules[i]
		if !fs.has(r.list, r.value(&in), now) {
			continue
		}
		fc := &fraudCheck{id: nextRange(&m.ids.fraudCheck, 1), rule: r, checkStatus: craftgate.FraudCheckWaiting, created: now,
			paidPrice: fp.paidPrice, currency: fp.currency, conv: strings.Clone(conv), buyerID: fp.buyerID, clientIP: fp.clientIP}
		fs.addCheck(fc)
		return r, fc.id
	}
	return nil, 0
}

// addCheck stores a check, forgetting the oldest beyond the bound; the
// caller holds mu.
func (fs *fraudStore) addCheck(fc *fraudCheck) {
	if fs.checks == nil {
		fs.checks = map[int64]*fraudCheck{}
	}
	fs.checks[fc.id] = fc
	fs.order = append(fs.order, fc.id)
	if len(fs.order) > maxFraudChecks {
		delete(fs.checks, fs.order[0])
		fs.order = fs.order[1:]
	}
}

// attachPayment sets the payment of a REVIEW check.
func (fs *fraudStore) attachPayment(checkID, paymentID int64) {
	fs.mu.Lock()
	if fc := fs.checks[checkID]; fc != nil {
		fc.paymentID = paymentID
	}
	fs.mu.Unlock()
}

func checkListName(name string) *apiError {
	if name == "" {
		return errRequired("listName")
	}
	if !isToken(name) {
		return errValidation(CodeInvalidFraudValue, "listName must be 1 to 64 letters, digits, '-' or '_'")
	}
	return nil
}

// addFraudValue serves POST /fraud/v1/value-lists.
func (m *Mock) addFraudValue(c *call, req craftgate.FraudValueRequest) error {
	if e := checkListName(req.ListName); e != nil {
		return e
	}
	switch req.Type {
	case "":
		return errRequired("type")
	case craftgate.FraudValueCard, craftgate.FraudValueIP, craftgate.FraudValuePhoneNumber, craftgate.FraudValueEmail, craftgate.FraudValueOther:
	default:
		return errValidation(CodeInvalidFraudValue, "type must be CARD, IP, PHONE_NUMBER, EMAIL or OTHER")
	}
	value := req.Value
	switch {
	case req.PaymentID != 0 && req.Type != craftgate.FraudValueCard:
		return errValidation(CodeInvalidFraudValue, "paymentId adds a card fingerprint: only for type CARD")
	case req.PaymentID != 0:
		fp, e := m.paymentFingerprint(req.PaymentID)
		if e != nil {
			return e
		}
		value = fp
	case req.Type == craftgate.FraudValueCard && value != "" && !isFingerprint(value):
		return errValidation(CodeInvalidFraudValue, "value: a CARD value is a card fingerprint; send paymentId to add the card of a payment")
	}
	if e := m.putFraudValue(req.ListName, req.Type, req.Label, value, req.DurationInSeconds); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// addCardFingerprint serves POST /fraud/v1/value-lists/{listName}/card-fingerprints.
// operationId is a string in every official client (a number is read
// too); one that names no payment is a 404.
func (m *Mock) addCardFingerprint(c *call) error {
	name := c.param("listName")
	var req craftgate.CardFingerprintRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	switch {
	case req.Operation == "":
		return errRequired("operation")
	case req.Operation != craftgate.FraudOperationPayment:
		// MOCK DECISION: LOYALTY operations (reward inquiries) are not
		// recorded by the mock, so only payments have cards to add.
		return errValidation(CodeInvalidFraudValue, "operation must be PAYMENT (the mock records no LOYALTY operations)")
	case strings.TrimSpace(string(req.OperationID)) == "":
		return errRequired("operationId")
	}
	id, ok := req.OperationID.Int64()
	if !ok {
		return errNotFound(CodePaymentNotFound, "payment "+strconv.Quote(truncate(string(req.OperationID), 40))+" not found")
	}
	fp, e := m.paymentFingerprint(id)
	if e != nil {
		return e
	}
	if e := m.putFraudValue(name, craftgate.FraudValueCard, req.Label, fp, req.DurationInSeconds); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// paymentFingerprint is the fingerprint of a stored payment's card.
func (m *Mock) paymentFingerprint(id int64) (string, *apiError) {
	p := m.store.payment(id)
	if p == nil {
		return "", m.paymentNotFound("payment "+strconv.FormatInt(id, 10), id)
	}
	t, ok := m.store.text(p)
	if !ok {
		return "", errReadEvicted(id)
	}
	return fingerprint(t.pan), nil
}

// putFraudValue creates the list if needed and adds value when not empty.
func (m *Mock) putFraudValue(name, kind, label, value string, seconds int64) *apiError {
	switch {
	case len(label) > maxFraudLabel:
		return errValidation(CodeInvalidFraudValue, "label must be at most "+strconv.Itoa(maxFraudLabel)+" characters")
	case len(value) > maxFraudValue:
		return errValidation(CodeInvalidFraudValue, "value must be at most "+strconv.Itoa(maxFraudValue)+" characters")
	case seconds < 0 || seconds > 10*365*24*3600:
		return errValidation(CodeInvalidFraudValue, "durationInSeconds must be between 1 and ten years")
	}
	now := m.Now()
	var expires time.Time
	if seconds > 0 {
		expires = now.Add(time.Duration(seconds) * time.Second)
	}
	if kind == craftgate.FraudValueCard && value != "" && (expires.IsZero() || expires.Sub(now) > maxCardFingerprintAge) {
		expires = now.Add(maxCardFingerprintAge)
	}
	fs := &m.fraud
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.byName == nil {
		fs.byName = map[string]*fraudList{}
	}
	l := fs.byName[name]
	switch {
	case l == nil && len(fs.byName) >= maxFraudLists:
		return errValidation(CodeFraudStoreFull, "the mock holds at most "+strconv.Itoa(maxFraudLists)+" value lists; delete one first")
	case l == nil:
		l = &fraudList{name: name, kind: kind}
		fs.byName[name] = l
	case l.kind != kind:
		return errValidation(CodeInvalidFraudValue, "list "+name+" holds "+l.kind+" values, not "+kind)
	}
	if value == "" {
		return nil
	}
	vals := l.live(now)
	if i := slices.IndexFunc(vals, func(v fraudValue) bool { return v.value == value }); i >= 0 {
		vals[i].label, vals[i].expires = label, expires
		return nil
	}
	if len(vals) >= maxFraudValues {
		return errValidation(CodeFraudStoreFull, "list "+name+" holds the mock's maximum of "+strconv.Itoa(maxFraudValues)+" values; remove some first")
	}
	l.values = append(vals, fraudValue{id: nextRange(&m.ids.fraudValue, 1), label: label, value: value, expires: expires})
	fs.recount()
	return nil
}

// recount sets values; the caller holds mu.
func (fs *fraudStore) recount() {
	n := 0
	for _, l := range fs.byName {
		n += len(l.values)
	}
	fs.values.Store(int64(n))
}

// fraudValueID is the id a value is known by: UUID-shaped, like the
// sandbox's (the official samples remove "5758a029-4a82-..."), derived
// from the mock's seed and the value's sequence number.
func (m *Mock) fraudValueID(seq int64) string { return m.newKey(kindFraudValue, uint64(seq)) }

// listJSON renders a list; the caller holds mu.
func (m *Mock) listJSON(l *fraudList, now time.Time) craftgate.FraudValueList {
	out := craftgate.FraudValueList{Name: l.name, Type: l.kind, Values: []craftgate.FraudValue{}}
	for _, v := range l.live(now) {
		fv := craftgate.FraudValue{ID: m.fraudValueID(v.id), Label: v.label, Value: v.value}
		if !v.expires.IsZero() {
			left := int64(v.expires.Sub(now) / time.Second)
			fv.ExpireInSeconds = &left
		}
		out.Values = append(out.Values, fv)
	}
	return out
}

// allFraudValueLists serves GET /fraud/v1/value-lists/all and GET
// /fraud/v1/value-lists (the documentation and the official clients differ: both paths are accepted), lists by name.
func (m *Mock) allFraudValueLists(c *call) error {
	now := m.Now()
	fs := &m.fraud
	out := craftgate.FraudValueLists{Items: []craftgate.FraudValueList{}}
	fs.mu.Lock()
	names := make([]string, 0, len(fs.byName))
	for n := range fs.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		out.Items = append(out.Items, m.listJSON(fs.byName[n], now))
	}
	fs.mu.Unlock()
	c.sendData(http.StatusOK, out)
	return nil
}

// fraudValueList serves GET /fraud/v1/value-lists/{listName}.
func (m *Mock) fraudValueList(c *call) error {
	return sendLocked(c, &m.fraud.mu, func() (craftgate.FraudValueList, *apiError) {
		l := m.fraud.byName[c.idText]
		if l == nil {
			return craftgate.FraudValueList{}, errNotFound(CodeFraudListNotFound, "value list "+c.idText+" not found")
		}
		return m.listJSON(l, m.Now()), nil
	})
}

// deleteFraudValueList serves DELETE /fraud/v1/value-lists/{listName}.
func (m *Mock) deleteFraudValueList(c *call) error {
	fs := &m.fraud
	if e := locked(&fs.mu, func() error {
		_, ok := fs.byName[c.idText]
		delete(fs.byName, c.idText)
		fs.recount()
		if !ok {
			return errNotFound(CodeFraudListNotFound, "value list "+c.idText+" not found")
		}
		return nil
	}); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// deleteFraudValue serves DELETE /fraud/v1/value-lists/{listName}/values/{valueId}.
// Value ids are strings in the clients; an id of any shape that names no
// value of the list is a 404.
func (m *Mock) deleteFraudValue(c *call) error {
	name, idText := c.param("listName"), c.param("valueId")
	fs := &m.fraud
	found := func() bool {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		l := fs.byName[name]
		if l == nil {
			return false
		}
		n := len(l.values)
		l.values = slices.DeleteFunc(l.values, func(v fraudValue) bool { return m.fraudValueID(v.id) == idText })
		fs.recount()
		return len(l.values) < n
	}()
	if !found {
		return errNotFound(CodeFraudListNotFound, "value "+truncate(idText, 64)+" of list "+truncate(name, 64)+" not found")
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// searchFraudRules serves GET /fraud/v1/rules: the mock's fixed rules,
// filtered by name (substring) and action.
func (m *Mock) searchFraudRules(c *call, q searchQuery) error {
	out := craftgate.FraudRuleList{Items: []craftgate.FraudRule{}, Page: q.page, Size: q.size}
	name, action := strings.ToLower(q.Get("name")), q.Get("action")
	n := 0
	for i := range fraudRules {
		r := &fraudRules[i]
		if name != "" && !strings.Contains(strings.ToLower(r.name), name) || action != "" && action != fraudActionName(r.action) {
			continue
		}
		if q.onPage(n) {
			out.Items = append(out.Items, craftgate.FraudRule{ID: r.id, Name: r.name, Status: "ACTIVE", Action: fraudActionName(r.action),
				Conditions: r.cond, Operations: []string{craftgate.FraudOperationPayment}})
		}
		n++
	}
	out.TotalSize = int64(n)
	c.sendData(http.StatusOK, out)
	return nil
}

// searchFraudChecks serves GET /fraud/v1/fraud-checks, oldest first.
func (m *Mock) searchFraudChecks(c *call, q searchQuery) error {
	var paymentID, ruleID int64
	for _, f := range []struct {
		k  string
		to *int64
	}{{"paymentId", &paymentID}, {"ruleId", &ruleID}} {
		if s := q.Get(f.k); s != "" {
			if *f.to = parseID(s); *f.to <= 0 {
				return errValidation(CodeInvalidQuery, f.k+" must be a positive number, got "+strconv.Quote(truncate(s, 20)))
			}
		}
	}
	action, checkStatus, paymentStatus := q.Get("action"), q.Get("checkStatus"), q.Get("paymentStatus")
	fs := &m.fraud
	fs.mu.Lock()
	var found []fraudCheck
	for _, id := range fs.order {
		fc := fs.checks[id]
		if fc == nil || paymentID != 0 && fc.paymentID != paymentID || ruleID != 0 && fc.rule.id != ruleID ||
			action != "" && action != fraudActionName(fc.rule.action) || checkStatus != "" && checkStatus != fc.checkStatus {
			continue
		}
		found = append(found, *fc)
	}
	fs.mu.Unlock()
	out := craftgate.FraudCheckList{Items: []craftgate.FraudCheck{}, Page: q.page, Size: q.size}
	n := 0
	for i := range found {
		fc := &found[i]
		status := ""
		if fc.paymentID != 0 {
			if p := m.store.payment(fc.paymentID); p != nil {
				p.mu.Lock()
				status = p.status()
				p.mu.Unlock()
			}
		}
		if paymentStatus != "" && paymentStatus != status {
			continue
		}
		if q.onPage(n) {
			out.Items = append(out.Items, craftgate.FraudCheck{
				ID: fc.id, Status: "ACTIVE", Action: fraudActionName(fc.rule.action), CheckStatus: fc.checkStatus,
				PaymentID: fc.paymentID, PaymentStatus: status, RuleID: fc.rule.id, RuleName: fc.rule.name, RuleConditions: fc.rule.cond,
				CreatedDate: fc.created.In(m.loc).Format(craftgate.DateTimeLayout),
				PaymentData: craftgate.FraudPaymentData{PaymentDate: fc.created.In(m.loc).Format(craftgate.DateTimeLayout), ConversationID: fc.conv,
					PaidPrice: fc.paidPrice.toAmount(), Currency: craftgate.Currencies[fc.currency], BuyerID: fc.buyerID, ClientIP: fc.clientIP},
			})
		}
		n++
	}
	out.TotalSize = int64(n)
	c.sendData(http.StatusOK, out)
	return nil
}

// updateFraudCheckStatus serves PUT /fraud/v1/fraud-checks/{id}/check-status.
func (m *Mock) updateFraudCheckStatus(c *call) error {
	var req struct {
		CheckStatus string `json:"checkStatus"`
	}
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	switch req.CheckStatus {
	case craftgate.FraudCheckFraud, craftgate.FraudCheckNotFraud, craftgate.FraudCheckWaiting:
	case "":
		return errRequired("checkStatus")
	default:
		return errValidation(CodeInvalidFraudValue, "checkStatus must be FRAUD, NOT_FRAUD or WAITING")
	}
	id := c.id
	fs := &m.fraud
	if e := locked(&fs.mu, func() error {
		fc := fs.checks[id]
		if fc == nil {
			return errNotFound(CodeFraudCheckNotFound, "fraud check "+strconv.FormatInt(id, 10)+" not found")
		}
		fc.checkStatus = req.CheckStatus
		return nil
	}); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// fraudBlocked is the 422 of a BLOCK rule.
func fraudBlocked(r *fraudRule, checkID int64) *apiError {
	g, _ := craftgate.TestCards().Group("FRAUD_CHECK_BLOCK")
	return errPayment(g.Code, g.Name, "Payment blocked by fraud rule "+strconv.FormatInt(r.id, 10)+" ("+r.name+"), fraud check "+strconv.FormatInt(checkID, 10))
}
