package rbsmock

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatecheck/gatecheck/rbs"
)

// apiError is an errorCode answer.
type apiError struct {
	code int
	msg  string
}

func fail(code int, msg string) *apiError { return &apiError{code, msg} }

// reply is a successful answer: its body, and callbacks to send once the
// lock is released.
type reply struct {
	body   map[string]any
	events []*event
}

// add queues ev, when there is one, for delivery after the answer.
func (r *reply) add(ev *event) {
	if ev != nil {
		r.events = append(r.events, ev)
	}
}

// authenticate checks userName+password or token (never both). A missing
// password is errorCode 4 for register methods (a missing mandatory
// parameter), 5 (access denied) elsewhere.
func (m *Mock) authenticate(p params, kind methodKind) *apiError {
	user, pass, token := p.get("userName"), p.get("password"), p.get("token")
	switch {
	case token != "" && (user != "" || pass != ""):
		return fail(rbs.CodeWrongParameter, "Access denied: send userName and password, or token, not both")
	case token == "" && (user == "" || pass == ""):
		if kind == kindRegister {
			return fail(rbs.CodeMissingParameter, "Merchant login or password is empty")
		}
		return fail(rbs.CodeWrongParameter, "Access denied")
	case !m.credentialsOK(user, pass, token):
		return fail(rbs.CodeWrongParameter, "Access denied")
	}
	return nil
}

// languages the Alfa-Bank gateway supports (docs/reference/alfabank/rbs-gateway.md §2).
var languages = []string{"ru", "en", "de", "fr", "es", "it", "zh", "ja", "ko", "ua", "kz"}

// features register.do knows (docs/reference/alfabank/rbs-gateway.md §3.1).
var knownFeatures = []string{"AUTO_PAYMENT", "VERIFY", "SBP_BINDING", "FORCE_TDS", "FORCE_SSL", "FORCE_FULL_TDS", "FORCE_CREATE_BINDING"}

// paymentWays the router accepts in allowedPaymentWays.
var paymentWays = []string{"CARD", "CARD_BINDING", "ALFAPAY", "SBERPAY", "UNIQR_C2B", "MIR_PAY"}

func (m *Mock) register(r *http.Request, p params, router bool) (*reply, *apiError) {
	return m.registerOrder(r, p, router, false)
}

func (m *Mock) registerPreAuth(r *http.Request, p params, router bool) (*reply, *apiError) {
	return m.registerOrder(r, p, router, true)
}

func (m *Mock) registerOrder(r *http.Request, p params, router, preAuth bool) (*reply, *apiError) {
	now := m.Now()
	o := &order{router: router, preAuth: preAuth, created: now, currency: rbs.DefaultCurrency,
		actionCode: rbs.ActionNoPaymentAttempt, actionDesc: descNoPaymentAttempt}
	o.number = p.get("orderNumber")
	switch {
	case o.number == "":
		return nil, fail(rbs.CodeMissingParameter, "Order number is empty")
	case utf8.RuneCountInString(o.number) > 36:
		return nil, fail(rbs.CodeDuplicateOrder, "Invalid order number")
	}
	features := p.list("features")
	for _, f := range features {
		if !slices.Contains(knownFeatures, f) {
			return nil, fail(rbs.CodeBadFeatures, "Features are given incorrectly")
		}
	}
	if slices.Contains(features, "AUTO_PAYMENT") && (slices.Contains(features, "FORCE_TDS") || slices.Contains(features, "FORCE_SSL")) {
		return nil, fail(rbs.CodeFeatureConflict, "Features conflict")
	}
	if slices.Contains(features, "AUTO_PAYMENT") || slices.Contains(features, "VERIFY") {
		// MOCK DECISION: the mock's merchant has no privilege for
		// automatic or verification payments.
		return nil, fail(rbs.CodeFeatureConflict, "The merchant has no privilege for this kind of payment")
	}
	if slices.Contains(features, "FORCE_CREATE_BINDING") && p.get("clientId") == "" {
		return nil, fail(rbs.CodeBadFeatures, "FORCE_CREATE_BINDING needs clientId")
	}
	o.features = features
	if !p.has("amount") {
		return nil, fail(rbs.CodeMissingParameter, "Amount is empty")
	}
	amount, err := rbs.ParseMinor(strings.TrimSpace(p.get("amount")))
	if err != nil || amount == 0 {
		return nil, fail(rbs.CodeWrongParameter, "Invalid amount")
	}
	o.amount = amount
	if c := p.get("currency"); c != "" {
		cur, err := rbs.CurrencyOf(c)
		if err != nil || len(c) != 3 || c[0] < '0' || c[0] > '9' || !m.currencies[cur.Numeric] {
			return nil, fail(rbs.CodeUnknownCurrency, "Unknown currency")
		}
		o.currency = cur
	}
	o.returnURL = p.get("returnUrl")
	switch {
	case o.returnURL == "":
		return nil, fail(rbs.CodeMissingParameter, "Return URL is empty")
	case len(o.returnURL) > 512 || !absoluteHTTP(o.returnURL):
		return nil, fail(rbs.CodeMissingParameter, "Return URL is incorrect")
	}
	if o.failURL = p.get("failUrl"); o.failURL != "" && (len(o.failURL) > 512 || !absoluteHTTP(o.failURL)) {
		return nil, fail(rbs.CodeMissingParameter, "Fail URL is incorrect")
	}
	if o.callbackURL = p.get("dynamicCallbackUrl"); o.callbackURL != "" && (len(o.callbackURL) > 512 || !absoluteHTTP(o.callbackURL)) {
		return nil, fail(rbs.CodeWrongParameter, "Dynamic callback URL is incorrect")
	}
	if o.language = p.get("language"); o.language != "" && !slices.Contains(languages, o.language) {
		return nil, fail(rbs.CodeWrongParameter, "Wrong language")
	}
	if o.language == "ru" {
		o.actionDesc = descNoPaymentAttemptRU
	}
	if o.description = p.get("description"); utf8.RuneCountInString(o.description) > 598 {
		return nil, fail(rbs.CodeWrongParameter, "Description is too long")
	}
	o.clientID, o.ip = p.get("clientId"), p.get("ip")
	timeout := DefaultSessionTimeout
	if s := p.get("sessionTimeoutSecs"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || len(s) > 9 {
			return nil, fail(rbs.CodeWrongParameter, "Invalid sessionTimeoutSecs")
		}
		timeout = time.Duration(n) * time.Second
	}
	o.deadline = now.Add(timeout)
	if s := p.get("expirationDate"); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04:05", s, m.loc)
		if err != nil || !t.After(now) {
			return nil, fail(rbs.CodeWrongParameter, "Invalid expirationDate")
		}
		o.deadline = t
	}
	if s := p.get("jsonParams"); s != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(s), &obj); err != nil || obj == nil {
			return nil, fail(rbs.CodeWrongParameter, "jsonParams is invalid")
		}
		for k, v := range obj {
			o.jsonParams = append(o.jsonParams, rbs.NameValue{Name: k, Value: scalarText(v)})
		}
		slices.SortFunc(o.jsonParams, func(a, b rbs.NameValue) int { return strings.Compare(a.Name, b.Name) })
	}
	if s := p.get("orderBundle"); s != "" {
		var bundle map[string]any
		if err := json.Unmarshal([]byte(s), &bundle); err != nil || bundle == nil {
			return nil, fail(rbs.CodeWrongParameter, "orderBundle is invalid")
		}
		if e := checkBundle(bundle, o.amount); e != nil {
			return nil, e
		}
		o.bundle = bundle
	}
	if s := p.get("bindingId"); s != "" {
		o.bindingID = s
	}
	if router {
		for _, way := range p.list("allowedPaymentWays") {
			if !slices.Contains(paymentWays, way) {
				return nil, fail(rbs.CodeWrongParameter, "Unknown payment way in allowedPaymentWays")
			}
			o.ways = append(o.ways, way)
		}
	}

	m.mu.Lock()
	if _, dup := m.byNumber[o.number]; dup {
		m.mu.Unlock()
		return nil, fail(rbs.CodeDuplicateOrder, "Order number is duplicated, order with given order number is processed already")
	}
	o.seq = m.seq.Add(1)
	o.id = m.orderID(o.seq)
	m.orders[o.id] = o
	m.byNumber[o.number] = o
	m.mu.Unlock()

	formURL := m.publicBase(r) + bankPagePath + "?mdOrder=" + o.id
	if router {
		lang := o.language
		if lang == "" {
			lang = "ru"
		}
		formURL = m.publicBase(r) + routerPagePath + "?mdOrder=" + o.id + "&language=" + lang
	}
	body := map[string]any{"orderId": o.id, "formUrl": formURL}
	if router {
		body["errorCode"] = "0"
		body["orderNumber"] = o.number
	}
	return &reply{body: body}, nil
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// lookup finds the order named by orderId, expiring it first, and returns
// it with a reply holding the expiry's event. The lock is held on success;
// the caller unlocks.
func (m *Mock) lookup(p params, now time.Time) (*order, *reply, *apiError) {
	return m.lookupID(p.get("orderId"), now)
}

// lookupID is lookup of the order id.
func (m *Mock) lookupID(id string, now time.Time) (*order, *reply, *apiError) {
	if id == "" {
		return nil, nil, fail(rbs.CodeWrongParameter, "[orderId] is empty")
	}
	m.mu.Lock()
	o, ok := m.orders[id]
	return m.foundLocked(o, ok, now)
}

// lookupWhere is lookupID of an order that check (if not nil) accepts.
// When check refuses it, the lock is released and the reply (with the expiry's
// event) comes with check's error.
func (m *Mock) lookupWhere(id string, now time.Time, check func(*order) *apiError) (*order, *reply, *apiError) {
	o, rep, e := m.lookupID(id, now)
	if e != nil {
		return nil, nil, e
	}
	if check == nil {
		return o, rep, nil
	}
	if e := check(o); e != nil {
		m.mu.Unlock()
		return nil, rep, e
	}
	return o, rep, nil
}

// payable fails unless o is registered and not yet paid.
func payable(o *order) *apiError {
	if o.status != rbs.StatusRegistered {
		return fail(rbs.CodeWrongState, "The order cannot be paid in its state")
	}
	return nil
}

// foundLocked ends a lookup made under m.mu, ok telling whether o was
// found: it unlocks and fails for a missing order, else expires o and
// returns it, the lock still held, with a reply holding the expiry's event.
func (m *Mock) foundLocked(o *order, ok bool, now time.Time) (*order, *reply, *apiError) {
	if !ok {
		m.mu.Unlock()
		return nil, nil, fail(rbs.CodeUnknownOrder, "Order not found")
	}
	rep := &reply{}
	rep.add(m.expireLocked(o, now))
	return o, rep, nil
}

// amountParam reads a mandatory or optional amount in minor units.
func amountParam(p params, required bool) (int64, bool, *apiError) {
	s := strings.TrimSpace(p.get("amount"))
	if s == "" {
		if required {
			return 0, false, fail(rbs.CodeWrongParameter, "Invalid amount")
		}
		return 0, false, nil
	}
	n, err := rbs.ParseMinor(s)
	if err != nil {
		return 0, false, fail(rbs.CodeWrongParameter, "Invalid amount")
	}
	return n, true, nil
}

func opOK(router bool) map[string]any {
	if router {
		return map[string]any{"errorCode": "0", "errorMessage": "Success"}
	}
	return map[string]any{"errorCode": 0, "errorMessage": "Success"}
}

// moneyOperation is deposit.do, reverse.do or refund.do: it reads the
// amount (required or not), finds the order and runs op on it, then
// answers success and sends the callback op returns (nil: none).
func (m *Mock) moneyOperation(p params, router, required bool,
	op func(m *Mock, o *order, p params, amount int64, given bool, now time.Time) (*event, *apiError)) (*reply, *apiError) {
	amount, given, e := amountParam(p, required)
	if e != nil {
		return nil, e
	}
	now := m.Now()
	o, rep, e := m.lookup(p, now)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	ev, e := op(m, o, p, amount, given, now)
	if e != nil {
		return rep, e
	}
	rep.add(ev)
	rep.body = opOK(router)
	return rep, nil
}

// deposit captures a hold: only in status 1, at most the approved amount,
// 0 meaning all of it, never less than one major unit.
func (m *Mock) deposit(_ *http.Request, p params, router bool) (*reply, *apiError) {
	return m.moneyOperation(p, router, true, (*Mock).depositLocked)
}

// depositLocked is the part of deposit that is its own (see moneyOperation).
func (m *Mock) depositLocked(o *order, _ params, amount int64, _ bool, now time.Time) (*event, *apiError) {
	if o.status != rbs.StatusApproved {
		return nil, fail(rbs.CodeWrongState, "Payment must be in a correct state")
	}
	if amount == 0 {
		amount = o.approved
	}
	switch {
	case amount > o.approved:
		return nil, fail(rbs.CodeWrongState, "Deposit amount exceeds the pre-authorised amount")
	case amount < o.minAmount():
		return nil, fail(rbs.CodeWrongParameter, "Invalid amount: less than the minimum")
	}
	// MOCK DECISION: one capture per order (status 8, several partial
	// captures, is not modelled); a partial deposit releases the rest.
	o.status, o.deposited, o.depositedAt = rbs.StatusDeposited, amount, now
	m.receiptLocked(o, receiptPaymentDelivered, amount, now)
	return m.callbackFor(o, rbs.OperationDeposited, true, now, nil), nil
}

// reverse cancels a hold (status 1, partially at most once) or a deposited
// payment on the day of its deposit before any refund (status 2, whole
// amount only). Only one reversal per order.
func (m *Mock) reverse(_ *http.Request, p params, router bool) (*reply, *apiError) {
	return m.moneyOperation(p, router, false, (*Mock).reverseLocked)
}

// reverseLocked is the part of reverse that is its own (see moneyOperation).
func (m *Mock) reverseLocked(o *order, _ params, amount int64, given bool, now time.Time) (*event, *apiError) {
	impossible := fail(rbs.CodeWrongState, "Operation is impossible for the current payment state")
	if o.reversalUsed {
		return nil, fail(rbs.CodeWrongState, "Operation is impossible: the order was already reversed once")
	}
	switch o.status {
	case rbs.StatusApproved:
		if given && amount > o.approved {
			return nil, fail(rbs.CodeWrongState, "Reversal amount exceeds the authorised amount")
		}
		o.reversalUsed = true
		if given && amount > 0 && amount < o.approved {
			o.approved -= amount
		} else {
			o.status, o.reversedAt = rbs.StatusReversed, now
			amount = o.approved
		}
	case rbs.StatusDeposited:
		switch {
		case o.refunded > 0:
			return nil, impossible
		case !m.sameDay(o.depositedAt, now):
			// MOCK DECISION: the bank's reversal window is "ask support";
			// the mock's is the calendar day of the deposit.
			return nil, fail(rbs.CodeWrongState, "Operation is impossible: the reversal window (the day of the payment) is over; use refund.do")
		case given && amount != 0 && amount != o.deposited:
			return nil, fail(rbs.CodeWrongState, "A deposited payment can only be reversed in full")
		}
		o.reversalUsed = true
		o.status, o.reversedAt = rbs.StatusReversed, now
		amount = o.deposited
	default:
		return nil, impossible
	}
	extra := map[string][]string{"operationReversedAmount": {strconv.FormatInt(amount, 10)}}
	return m.callbackFor(o, rbs.OperationReversed, true, now, extra), nil
}

// refund returns deposited money: status 2 or 4, Σ refunds ≤ deposited, 0
// meaning the rest, repeated externalRefundId answering the first refund.
func (m *Mock) refund(_ *http.Request, p params, router bool) (*reply, *apiError) {
	return m.moneyOperation(p, router, true, (*Mock).refundLocked)
}

// refundLocked is the part of refund that is its own (see moneyOperation).
func (m *Mock) refundLocked(o *order, p params, amount int64, _ bool, now time.Time) (*event, *apiError) {
	ext := p.get("externalRefundId")
	if ext != "" {
		for _, r := range o.refunds {
			if r.externalID == ext {
				return nil, nil // answered like the first refund, which sent its callback
			}
		}
	}
	if o.status != rbs.StatusDeposited && o.status != rbs.StatusRefunded {
		return nil, fail(rbs.CodeWrongState, "Payment must be in a correct state: nothing was deposited")
	}
	if s := p.get("expectedDepositedAmount"); s != "" {
		want, err := rbs.ParseMinor(s)
		if err != nil {
			return nil, fail(rbs.CodeWrongParameter, "Invalid expectedDepositedAmount")
		}
		if want != o.deposited {
			return nil, fail(rbs.CodeWrongState, "The deposited amount differs from expectedDepositedAmount")
		}
	}
	left := o.deposited - o.refunded
	if amount == 0 {
		amount = left
	}
	switch {
	case left == 0:
		return nil, fail(rbs.CodeWrongState, "Nothing left to refund")
	case amount > left:
		return nil, fail(rbs.CodeWrongState, "Refund amount exceeds the deposited amount")
	case amount < o.minAmount():
		return nil, fail(rbs.CodeWrongState, "Refund amount is less than the minimum")
	}
	n := uint64(len(o.refunds)+1) << 32
	o.refunds = append(o.refunds, refundRec{at: now, externalID: ext, amount: amount,
		approvalCode: m.digits(streamApproval, o.seq|n, 6), reference: m.digits(streamReference, o.seq|n, 12)})
	o.refunded += amount
	o.status, o.refundedAt = rbs.StatusRefunded, now
	m.receiptLocked(o, receiptRefundDelivered, amount, now)
	extra := map[string][]string{"operationRefundedAmount": {strconv.FormatInt(amount, 10)}}
	if ext != "" {
		extra["externalRefundId"] = []string{ext}
	}
	return m.callbackFor(o, rbs.OperationRefunded, true, now, extra), nil
}

// decline cancels an order that was never paid (status 0 or 5) → 6.
func (m *Mock) decline(_ *http.Request, p params, router bool) (*reply, *apiError) {
	now := m.Now()
	o, rep, e := m.lookup(p, now)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	if n := p.get("orderNumber"); n != "" && n != o.number {
		return rep, fail(rbs.CodeUnknownOrder, "Order number does not match the order")
	}
	if o.status != rbs.StatusRegistered && o.status != rbs.StatusACS {
		return rep, fail(rbs.CodeWrongState, "Operation is impossible for the current payment state")
	}
	o.acsToken, o.acsCard, o.alfaPayToken = "", nil, ""
	o.status, o.actionDesc = rbs.StatusDeclined, "Declined by the merchant"
	if o.qr != nil && o.qr.status == qrStarted {
		o.qr.status = qrRejected
	}
	rep.body = opOK(router)
	return rep, nil
}

// status answers getOrderStatusExtended.do by orderId or orderNumber.
func (m *Mock) status(_ *http.Request, p params, router bool) (*reply, *apiError) {
	id, number := p.get("orderId"), p.get("orderNumber")
	if id == "" && number == "" {
		return nil, fail(rbs.CodeDuplicateOrder, "[orderId] or [orderNumber] expected")
	}
	if id == "" && p.get("token") != "" {
		return nil, fail(rbs.CodeWrongParameter, "With a token, only orderId can be used")
	}
	now := m.Now()
	m.mu.Lock()
	o, ok := m.orders[id]
	if id == "" {
		o, ok = m.byNumber[number]
	}
	o, rep, e := m.foundLocked(o, ok, now)
	if e != nil {
		return nil, e
	}
	body := m.statusBody(o)
	state := o.statusName()
	m.mu.Unlock()
	if router {
		body = map[string]any{"state": state, "depositedAmount": body["paymentAmountInfo"].(map[string]any)["depositedAmount"], "orderStatusResultModel": body}
	}
	rep.body = body
	return rep, nil
}

// statusName is the router's state of an order.
func (o *order) statusName() string {
	if o.status == rbs.StatusACS {
		return "CREATED"
	}
	return o.status.String()
}

// alfaPay answers the router's /alfapay/paymentOrder.do: the redirect to
// the Alfa Pay page for a registered, unpaid order.
func (m *Mock) alfaPay(r *http.Request, p params, _ bool) (*reply, *apiError) {
	o, rep, e := m.lookupWhere(p.get("orderId"), m.Now(), payable)
	if e != nil {
		return rep, e
	}
	defer m.mu.Unlock()
	if o.alfaPayToken == "" {
		o.alfaPayToken = m.token(o.seq, 2)
	}
	// The seed's answer shows an orderId other than the registered one
	// (perhaps the bank's own); the mock, with one bank, answers the
	// registered id.
	rep.body = map[string]any{"success": true, "data": map[string]any{"orderId": o.id,
		"redirect": m.publicBase(r) + alfaPayPagePath + "?orderId=" + o.id + "&t=" + o.alfaPayToken}}
	return rep, nil
}
