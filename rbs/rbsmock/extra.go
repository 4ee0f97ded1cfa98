package rbsmock

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
)

// Fiscal receipts (54-FZ): an order registered with an orderBundle gets a
// payment receipt when its money is deposited, a refund receipt per
// refund, and a closing receipt per closeOfdReceipt.do; getReceiptStatus.do
// lists them. MOCK DECISION: the mock's fiscaliser delivers every receipt
// at once (receiptStatus 1 or 4; the "sent" states 0 and 3 are skipped).

// receiptStatus values (getReceiptStatus.do).
const (
	receiptPaymentDelivered = 1
	receiptRefundDelivered  = 4
)

// receiptLocked adds a receipt to an order with a cart.
func (m *Mock) receiptLocked(o *order, status int, amount int64, now time.Time) {
	if o.bundle == nil {
		return
	}
	n := len(o.receipts) + 1
	uuid := strings.ReplaceAll(m.orderID(o.seq|uint64(n)<<44), "-", "")
	o.receipts = append(o.receipts, receipt{uuid: uuid, status: status, amount: amount, at: now, docNumber: int(o.seq)*10 + n})
}

// checkBundle checks an orderBundle: cartItems.items, each with
// positionId, name, quantity, itemCode, and itemAmount or itemPrice; when
// both are given itemAmount must be itemPrice × quantity (as the docs
// require).
func checkBundle(b map[string]any, _ int64) *apiError {
	bad := func(msg string) *apiError { return fail(rbs.CodeWrongParameter, "orderBundle: "+msg) }
	cart, _ := b["cartItems"].(map[string]any)
	if cart == nil {
		return bad("cartItems is required")
	}
	items, _ := cart["items"].([]any)
	if len(items) == 0 {
		return bad("cartItems.items is required")
	}
	for i, it := range items {
		item, _ := it.(map[string]any)
		if item == nil {
			return bad(fmt.Sprintf("item %d is not an object", i+1))
		}
		for _, k := range []string{"positionId", "name", "quantity", "itemCode"} {
			if item[k] == nil || item[k] == "" {
				return bad(fmt.Sprintf("item %d: %s is required", i+1, k))
			}
		}
		q, _ := item["quantity"].(map[string]any)
		qty, err := strconv.ParseFloat(fmt.Sprint(q["value"]), 64)
		if q == nil || err != nil || qty <= 0 {
			return bad(fmt.Sprintf("item %d: quantity.value is required", i+1))
		}
		amt, hasAmt := numberField(item, "itemAmount")
		price, hasPrice := numberField(item, "itemPrice")
		switch {
		case !hasAmt && !hasPrice:
			return bad(fmt.Sprintf("item %d: itemAmount or itemPrice is required", i+1))
		case hasAmt && hasPrice && float64(amt) != float64(price)*qty:
			return bad(fmt.Sprintf("item %d: itemAmount must equal itemPrice × quantity", i+1))
		}
	}
	return nil
}

// numberField reads an integer given as a JSON number or string.
func numberField(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case float64:
		return int64(v), true
	case json.Number:
		n, err := v.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// orderByIDOrNumber finds an order by orderId (or mdOrder) or
// orderNumber, expiring it first; the lock is held on success.
func (m *Mock) orderByIDOrNumber(p params) (*order, *reply, *apiError) {
	if id := p.first("orderId", "mdOrder"); id != "" {
		return m.lookupID(id, m.Now())
	}
	number := p.get("orderNumber")
	if number == "" {
		return nil, nil, fail(rbs.CodeDuplicateOrder, "[orderId] or [orderNumber] expected")
	}
	m.mu.Lock()
	o, ok := m.byNumber[number]
	return m.foundLocked(o, ok, m.Now())
}

// receiptStatus is getReceiptStatus.do: the receipts of an order (by
// orderId or orderNumber) or one receipt (by uuid).
func (m *Mock) receiptStatus(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	var o *order
	var rep reply
	uuid := p.get("uuid")
	if p.get("orderId") == "" && p.get("orderNumber") == "" {
		if uuid == "" {
			return nil, fail(rbs.CodeDuplicateOrder, "[orderId], [orderNumber] or [uuid] expected")
		}
		m.mu.Lock()
		for _, c := range m.orders {
			for _, rc := range c.receipts {
				if rc.uuid == uuid {
					o = c
				}
			}
		}
		if o == nil {
			m.mu.Unlock()
			return nil, fail(rbs.CodeUnknownOrder, "Receipt not found")
		}
	} else {
		var found *reply
		var e *apiError
		if o, found, e = m.orderByIDOrNumber(p); e != nil {
			return nil, e
		}
		rep.events = found.events
		uuid = ""
	}
	defer m.mu.Unlock()
	list := []map[string]any{}
	for _, rc := range o.receipts {
		if uuid != "" && rc.uuid != uuid {
			continue
		}
		item := map[string]any{"receiptStatus": rc.status, "uuid": rc.uuid, "original_ofd_uuid": rc.uuid,
			"shift_number": 1, "fiscal_receipt_number": rc.docNumber, "receipt_datetime": strconv.FormatInt(rc.at.UnixMilli(), 10),
			"fn_number": "9999078900001234", "ecr_registration_number": "0000000001012345",
			"fiscal_document_number": rc.docNumber, "fiscal_document_attribute": strconv.Itoa(1000000000 + rc.docNumber),
			"amount_total": rbs.FormatMinor(rc.amount, o.currency), "serial_number": "GC0000001",
			"ofd_receipt_url": ""}
		if rc.closing {
			item["receiptType"] = "close"
		}
		list = append(list, item)
	}
	rep.body = map[string]any{"errorCode": "0", "errorMessage": "Success", "orderNumber": o.number, "orderId": o.id, "receipt": list}
	return &rep, nil
}

// closeReceipt is closeOfdReceipt.do: a closing receipt for a paid order
// with a cart, as long as it was not refunded in full.
func (m *Mock) closeReceipt(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	amount, given, e := amountParam(p, true)
	if e != nil {
		return nil, e
	}
	if !given {
		return nil, fail(rbs.CodeWrongParameter, "[amount] is empty")
	}
	if s := p.get("orderBundle"); s != "" {
		var b map[string]any
		if err := json.Unmarshal([]byte(s), &b); err != nil || b == nil {
			return nil, fail(rbs.CodeWrongParameter, "orderBundle is invalid")
		}
		if e := checkBundle(b, amount); e != nil {
			return nil, e
		}
	}
	o, rep, e := m.orderByIDOrNumber(p)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	switch {
	case o.bundle == nil:
		return rep, fail(rbs.CodeWrongState, "The order has no cart: no receipt to close")
	case o.deposited == 0 || (o.status != rbs.StatusDeposited && o.status != rbs.StatusRefunded):
		return rep, fail(rbs.CodeWrongState, "The order is not paid")
	case o.refunded >= o.deposited:
		return rep, fail(rbs.CodeWrongState, "The order was refunded in full")
	}
	m.receiptLocked(o, receiptPaymentDelivered, amount, m.Now())
	o.receipts[len(o.receipts)-1].closing = true
	rep.body = map[string]any{"success": true}
	return rep, nil
}

// paymentStates are the transactionStates getLastOrdersForMerchants.do
// filters by.
var paymentStates = []string{"CREATED", "APPROVED", "DEPOSITED", "DECLINED", "REVERSED", "REFUNDED"}

// lastOrders is getLastOrdersForMerchants.do: the merchant's orders
// registered (or, searchByCreatedDate=false, paid) between from and to
// (yyyyMMddHHmmss, the mock's time zone) in the given states, a page at a
// time, newest first.
func (m *Mock) lastOrders(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	size, err := strconv.Atoi(p.get("size"))
	if err != nil || size < 1 || size > 200 {
		return nil, fail(rbs.CodeWrongParameter, "[size] must be 1..200")
	}
	page := 0
	if s := p.get("page"); s != "" {
		if page, err = strconv.Atoi(s); err != nil || page < 0 {
			return nil, fail(rbs.CodeWrongParameter, "Invalid page")
		}
	}
	from, err1 := time.ParseInLocation("20060102150405", p.get("from"), m.loc)
	to, err2 := time.ParseInLocation("20060102150405", p.get("to"), m.loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil, fail(rbs.CodeWrongParameter, "[from] and [to] must be yyyyMMddHHmmss, from before to")
	}
	states := p.list("transactionStates")
	if len(states) == 0 {
		return nil, fail(rbs.CodeWrongParameter, "[transactionStates] is empty")
	}
	for _, s := range states {
		if !slices.Contains(paymentStates, s) {
			return nil, fail(rbs.CodeWrongParameter, "Unknown transaction state "+strconv.Quote(s))
		}
	}
	byCreated := p.get("searchByCreatedDate") != "false"
	now := m.Now()
	m.mu.Lock()
	var found []*order
	var evs []*event
	for _, o := range m.orders {
		if ev := m.expireLocked(o, now); ev != nil {
			evs = append(evs, ev)
		}
		at := o.created
		if !byCreated {
			at = o.authAt
		}
		if at.IsZero() || at.Before(from) || at.After(to) || !slices.Contains(states, paymentState(o.status)) {
			continue
		}
		found = append(found, o)
	}
	slices.SortFunc(found, func(a, b *order) int { return int(b.seq) - int(a.seq) })
	total := len(found)
	list := []map[string]any{}
	for i := page * size; i < total && i < (page+1)*size; i++ {
		st := m.statusBody(found[i])
		delete(st, "errorCode")
		delete(st, "errorMessage")
		list = append(list, st)
	}
	m.mu.Unlock()
	return &reply{events: evs, body: map[string]any{"errorCode": "0", "errorMessage": "Success", "orderStatuses": list,
		"totalCount": total, "page": page, "pageSize": size}}, nil
}

// addParams is addParams.do: extra name/value parameters on an order,
// shown in merchantOrderParams.
func (m *Mock) addParams(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	var add map[string]any
	if err := json.Unmarshal([]byte(p.get("params")), &add); err != nil || len(add) == 0 {
		return nil, fail(rbs.CodeWrongParameter, "[params] must be a JSON object of names and values")
	}
	o, rep, e := m.lookup(p, m.Now())
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	names := make([]string, 0, len(add))
	for k := range add {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		o.extra = slices.DeleteFunc(o.extra, func(nv rbs.NameValue) bool { return nv.Name == k })
		o.extra = append(o.extra, rbs.NameValue{Name: k, Value: scalarText(add[k])})
	}
	rep.body = map[string]any{"errorCode": "0", "errorMessage": "Success"}
	return rep, nil
}

// instantPayment is instantPayment.do: register and pay in one call, with
// a card (pan, cvc, expiry) or a binding. A 3-D Secure card answers as
// paymentorder.do does (acsUrl, paReq, termUrl) with the orderId.
func (m *Mock) instantPayment(r *http.Request, p params, router bool) (*reply, *apiError) {
	reg := params{}
	for k, v := range p {
		reg[k] = v
	}
	reg["returnUrl"] = p["backUrl"]
	if reg.get("returnUrl") == "" {
		return nil, fail(rbs.CodeMissingParameter, "[backUrl] is empty")
	}
	if reg.get("orderNumber") == "" {
		reg["orderNumber"] = []string{"gc-" + strconv.FormatUint(m.seq.Load()+1, 10) + "-" + m.token(m.seq.Load()+1, 9)[:6]}
	}
	if p.get("bindingId") == "" && p.get("pan") == "" {
		return nil, fail(rbs.CodeWrongParameter, "[pan] or [bindingId] expected")
	}
	regRep, e := m.registerOrder(r, reg, router, p.get("preAuth") == "true")
	if e != nil {
		return nil, e
	}
	id, _ := regRep.body["orderId"].(string)
	var payRep *reply
	if b := p.get("bindingId"); b != "" {
		payRep, e = m.paymentOrderBinding(r, params{"mdOrder": {id}, "bindingId": {b}, "cvc": p["cvc"]}, router)
	} else {
		exp := p.get("expiry")
		pay := params{"MDORDER": {id}, "$PAN": p["pan"], "$CVC": p["cvc"], "$EXPIRY": {exp}, "TEXT": p["cardHolderName"],
			"bindingNotNeeded": p["bindingNotNeeded"]}
		payRep, e = m.paymentOrder(r, pay, router)
	}
	if e != nil {
		return payRep, e
	}
	body := map[string]any{"errorCode": "0", "orderId": id}
	for k, v := range payRep.body {
		if k != "errorCode" {
			body[k] = v
		}
	}
	if st, e := m.classicStatus(r, params{"orderId": {id}}, router); e == nil {
		body["orderStatus"] = st.body
		payRep.events = append(payRep.events, st.events...)
	}
	payRep.body = body
	return payRep, nil
}

// walletWays maps a wallet's payment.do path to its paymentWay.
var walletWays = map[string]string{
	rbs.MethodApplePay:   rbs.PaymentWayApplePay,
	rbs.MethodGooglePay:  rbs.PaymentWayGooglePay,
	rbs.MethodSamsungPay: rbs.PaymentWaySamsungPay,
}

// walletToken is what the mock reads from a wallet's paymentToken (JSON,
// base64-encoded). MOCK DECISION: real tokens are encrypted for the
// gateway; the mock's are readable, name a catalogue card by its last
// four digits (default: the first successful card of the Alfa Pay
// wallet) and may carry the amount when the request has none.
type walletToken struct {
	Card   string `json:"card"`
	Amount int64  `json:"amount"`
}

// walletPay is the Apple Pay, Google Pay and Samsung Pay payment.do:
// register and pay with a wallet token in one call. The answer is the
// {"success":true,"data":{"orderId"}} envelope.
func (m *Mock) walletPay(r *http.Request, p params, router bool) (*reply, *apiError) {
	wallet := strings.TrimPrefix(r.URL.Path, "/payment/")
	way := walletWays[wallet]
	raw, err := base64.StdEncoding.DecodeString(p.get("paymentToken"))
	if p.get("paymentToken") == "" || err != nil {
		return nil, fail(rbs.CodeWrongParameter, "[paymentToken] must be base64")
	}
	var tok walletToken
	if err := json.Unmarshal(raw, &tok); err != nil {
		return nil, fail(rbs.CodeWrongParameter, "paymentToken cannot be decrypted")
	}
	var tc *rbs.TestCard
	for _, c := range rbs.TestCards().All() {
		if (tok.Card == "" && c.AlfaPay && !c.Declines()) || (tok.Card != "" && strings.HasSuffix(c.Number, tok.Card)) {
			tc = c
			break
		}
	}
	if tc == nil {
		return nil, fail(rbs.CodeWrongParameter, "paymentToken names no card of the wallet")
	}
	reg := params{"orderNumber": p["orderNumber"], "description": p["description"], "language": p["language"],
		"clientId": p["clientId"], "returnUrl": p["returnUrl"], "failUrl": p["failUrl"], "currency": p["currencyCode"]}
	if reg.get("returnUrl") == "" {
		reg["returnUrl"] = []string{"https://merchant.invalid/return"}
	}
	if p.has("amount") {
		reg["amount"] = p["amount"]
	} else if tok.Amount > 0 {
		reg["amount"] = []string{strconv.FormatInt(tok.Amount, 10)}
	}
	if s := p.get("orderBundle"); s != "" {
		reg["orderBundle"] = []string{s}
	}
	regRep, e := m.registerOrder(r, reg, router, p.get("preAuth") == "true")
	if e != nil {
		return nil, e
	}
	id, _ := regRep.body["orderId"].(string)
	now := m.Now()
	m.mu.Lock()
	o := m.orders[id]
	y, mo, _ := now.AddDate(3, 0, 0).Date()
	ev, _ := m.finishLocked(o, &enteredCard{tc: tc, expiry: strconv.Itoa(y) + twoDigits(int(mo)), holder: "WALLET CARDHOLDER"}, way, 7, now)
	paid := o.status.Paid()
	m.mu.Unlock()
	rep := &reply{events: []*event{ev}}
	if !paid {
		return rep, fail(rbs.CodeWrongState, "Payment declined by the issuer")
	}
	rep.body = map[string]any{"success": true, "data": map[string]any{"orderId": id}}
	return rep, nil
}
