package rbsmock

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
)

// Bindings (stored cards, "связки"): a successful card payment of an order
// registered with clientId stores the card for that client, unless the
// payment said bindingNotNeeded; createBindingNoPayment.do stores one
// directly. The mock's merchant has the bindings permission and may pay by
// binding without CVC (MOCK DECISION: both are support settings).

// binding is one stored card. Guarded by Mock.mu; it keeps the catalogue
// card, never a PAN of its own.
type binding struct {
	id, clientID string
	tc           *rbs.TestCard
	expiry       string // YYYYMM
	holder       string
	active       bool
	created      time.Time
}

// errorCode 2 of the binding methods: the docs' examples answer "2" for a
// binding that is not active (unBindCard.do) or already active
// (bindCard.do); getBindings.do uses it for "nothing found".
const codeBindingState = 2

func (b *binding) masked() string { return rbs.GatewayMaskedPAN(b.tc.Number) }

func (b *binding) expired(now time.Time) bool {
	y, mo, _ := now.Date()
	return b.expiry < strconv.Itoa(y)+twoDigits(int(mo))
}

// bindingJSON is a binding as getBindings.do lists it.
func (b *binding) json(withClient bool) map[string]any {
	out := map[string]any{"bindingId": b.id, "maskedPan": b.masked(), "expiryDate": b.expiry,
		"paymentWay": rbs.PaymentWayCardBinding, "paymentSystem": b.tc.PaymentSystem,
		"displayLabel": b.tc.Number[len(b.tc.Number)-4:], "bindingCategory": "COMMON"}
	if withClient {
		out["clientId"] = b.clientID
	}
	return out
}

// bindLocked stores the card that paid o for o's client, once per client
// and card, and returns the bindingCreated callback.
func (m *Mock) bindLocked(o *order, c *enteredCard, way string, now time.Time) *event {
	if o.clientID == "" || o.bindingNotNeeded || way != rbs.PaymentWayCard {
		return nil
	}
	for _, b := range m.byClient[o.clientID] {
		if b.tc == c.tc && b.active {
			o.bindingID = b.id
			return nil
		}
	}
	b := m.newBindingLocked(o.clientID, c.tc, c.expiry, c.holder, now)
	o.bindingID = b.id
	return m.bindingCallback(b, rbs.OperationBindingCreated, now)
}

func (m *Mock) newBindingLocked(clientID string, tc *rbs.TestCard, expiry, holder string, now time.Time) *binding {
	n := uint64(len(m.bindings)+1) | 1<<40
	b := &binding{id: m.orderID(n), clientID: clientID, tc: tc, expiry: expiry, holder: holder, active: true, created: now}
	m.bindings[b.id] = b
	m.byClient[clientID] = append(m.byClient[clientID], b)
	m.byCard[tc.Number] = append(m.byCard[tc.Number], b)
	return b
}

// bindingCallback is a binding's callback: it goes to the static URL only
// (dynamicCallbackUrl carries payment callbacks only).
func (m *Mock) bindingCallback(b *binding, op string, now time.Time) *event {
	if m.cfg.CallbackURL == "" {
		return nil
	}
	p := url.Values{}
	p.Set("bindingId", b.id)
	p.Set("clientId", b.clientID)
	p.Set("operation", op)
	p.Set("status", "1")
	p.Set("callbackCreationDate", now.Format("Mon Jan 02 15:04:05 MST 2006"))
	return &event{url: m.cfg.CallbackURL, params: p, operation: op}
}

// bindingParam finds the binding named by bindingId; the lock is held on
// success.
func (m *Mock) bindingParam(p params) (*binding, *apiError) {
	id := p.get("bindingId")
	if id == "" {
		return nil, fail(rbs.CodeWrongParameter, "[bindingId] is empty")
	}
	m.mu.Lock()
	b, ok := m.bindings[id]
	if !ok {
		m.mu.Unlock()
		return nil, fail(rbs.CodeDuplicateOrder, "Binding not found")
	}
	return b, nil
}

// paymentOrderBinding pays a registered order with a stored card, with or
// without CVC. MOCK DECISION: a binding payment needs no 3-D Secure (the
// card was authenticated when it was stored).
func (m *Mock) paymentOrderBinding(r *http.Request, p params, _ bool) (*reply, *apiError) {
	id := p.first("mdOrder", "orderId")
	if id == "" {
		return nil, fail(rbs.CodeWrongParameter, "[mdOrder] is empty")
	}
	cvc := p.get("cvc")
	if cvc != "" && (len(cvc) != 3 || strings.Trim(cvc, "0123456789") != "") {
		return nil, fail(rbs.CodeWrongParameter, "Invalid CVC")
	}
	now := m.Now()
	o, rep, e := m.lookupWhere(id, now, payable)
	if e != nil {
		return rep, e
	}
	defer m.mu.Unlock()
	if o.clientID == "" {
		return rep, fail(rbs.CodeWrongParameter, "[clientId] is empty")
	}
	b, ok := m.bindings[p.get("bindingId")]
	switch {
	case p.get("bindingId") == "":
		return rep, fail(rbs.CodeWrongParameter, "[bindingId] is empty")
	case !ok || b.clientID != o.clientID:
		return rep, fail(rbs.CodeDuplicateOrder, "Binding not found for the order's client")
	case !b.active:
		return rep, fail(codeBindingState, "Binding is not active")
	case b.expired(now):
		return rep, fail(rbs.CodeWrongParameter, "The card of the binding has expired")
	case o.bindingID != "" && o.bindingID != b.id:
		return rep, fail(rbs.CodeWrongParameter, "The order can only be paid with its own binding")
	}
	o.bindingID = b.id
	ev, next := m.finishLocked(o, &enteredCard{tc: b.tc, expiry: b.expiry, holder: b.holder}, rbs.PaymentWayCardBinding, 7, now)
	rep.events = append(rep.events, ev)
	rep.body = map[string]any{"errorCode": 0, "redirect": next, "info": payInfo(o), "bindingId": b.id}
	return rep, nil
}

// payInfo is paymentorder.do's info text for the outcome.
func payInfo(o *order) string {
	if o.status.Paid() {
		return "Your order is proceeded, redirecting..."
	}
	return "Operation declined. Please check the data and available balance of the card, redirecting..."
}

// clientBindingsLocked lists a client's active bindings, oldest first.
func (m *Mock) clientBindingsLocked(clientID string, showExpired bool, now time.Time) []*binding {
	var out []*binding
	for _, b := range m.byClient[clientID] {
		if b.active && (showExpired || !b.expired(now)) {
			out = append(out, b)
		}
	}
	return out // in creation order
}

// getBindings lists a client's active bindings.
func (m *Mock) getBindings(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	client := p.get("clientId")
	if client == "" {
		return nil, fail(rbs.CodeDuplicateOrder, "[clientId] is empty")
	}
	if t := p.get("bindingType"); t != "" && t != "C" && t != "R" && t != "I" {
		return nil, fail(rbs.CodeWrongParameter, "Invalid bindingType")
	}
	now := m.Now()
	m.mu.Lock()
	bs := m.clientBindingsLocked(client, p.get("showExpired") == "true", now)
	list := make([]map[string]any, 0, len(bs))
	for _, b := range bs {
		if t := p.get("bindingType"); t == "" || t == "C" {
			list = append(list, b.json(false))
		}
	}
	m.mu.Unlock()
	if len(list) == 0 {
		return nil, fail(codeBindingState, "No bindings found")
	}
	return &reply{body: map[string]any{"errorCode": "0", "errorMessage": "Success", "bindings": list}}, nil
}

// getBindingsByCardOrID lists every binding of a card, by its number or
// by one of its bindings.
func (m *Mock) getBindingsByCardOrID(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	pan, id := strings.ReplaceAll(p.get("pan"), " ", ""), p.get("bindingId")
	if pan == "" && id == "" {
		return nil, fail(rbs.CodeDuplicateOrder, "[pan] or [bindingId] expected")
	}
	now := m.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	var number string
	if id != "" {
		b, ok := m.bindings[id]
		if !ok {
			return nil, fail(codeBindingState, "Binding not found")
		}
		number = b.tc.Number
	} else {
		if len(pan) < 12 || len(pan) > 19 || !craftgate.LuhnValid(pan) {
			return nil, fail(rbs.CodeWrongParameter, "Invalid pan")
		}
		number = pan
	}
	var list []map[string]any
	for _, b := range m.byCard[number] {
		if !b.active || (p.get("showExpired") != "true" && b.expired(now)) {
			continue
		}
		list = append(list, map[string]any{"bindingId": b.id, "maskedPan": b.masked(), "expiryDate": b.expiry, "clientId": b.clientID})
	}
	if len(list) == 0 {
		return nil, fail(codeBindingState, "No bindings found")
	}
	return &reply{body: map[string]any{"errorCode": "0", "errorMessage": "Success", "bindings": list}}, nil
}

// unBindCard deactivates a binding; bindCard activates it again.
func (m *Mock) unBindCard(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	return m.setBindingActive(p, false)
}

func (m *Mock) bindCard(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	return m.setBindingActive(p, true)
}

func (m *Mock) setBindingActive(p params, active bool) (*reply, *apiError) {
	b, e := m.bindingParam(p)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	if b.active == active {
		if active {
			return nil, fail(codeBindingState, "Binding is active")
		}
		return nil, fail(codeBindingState, "Binding is not active")
	}
	b.active = active
	rep := &reply{body: map[string]any{"errorCode": "0", "errorMessage": "Success"}}
	if ev := m.bindingCallback(b, rbs.OperationBindingActivityChanged, m.Now()); ev != nil {
		ev.params.Set("enabled", strconv.FormatBool(active))
		rep.events = append(rep.events, ev)
	}
	return rep, nil
}

// extendBinding moves a binding's expiry (newExpiry, YYYYMM) forward.
func (m *Mock) extendBinding(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	exp := p.get("newExpiry")
	if !validExpiry(exp) {
		return nil, fail(rbs.CodeWrongParameter, "Invalid newExpiry: want YYYYMM")
	}
	b, e := m.bindingParam(p)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	if !b.active {
		return nil, fail(codeBindingState, "Binding is not active")
	}
	y, mo, _ := m.Now().Date()
	if exp < strconv.Itoa(y)+twoDigits(int(mo)) {
		return nil, fail(rbs.CodeWrongParameter, "newExpiry is in the past")
	}
	b.expiry = exp
	return &reply{body: map[string]any{"errorCode": "0", "errorMessage": "Success"}}, nil
}

func validExpiry(s string) bool {
	if len(s) != 6 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	mo, _ := strconv.Atoi(s[4:])
	return mo >= 1 && mo <= 12
}

// createBindingNoPayment stores a card of the catalogue for a client
// without a payment.
func (m *Mock) createBindingNoPayment(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	client, holder, exp := p.get("clientId"), p.get("cardholderName"), p.get("expiryDate")
	pan := strings.ReplaceAll(p.get("pan"), " ", "")
	switch {
	case client == "":
		return nil, fail(rbs.CodeWrongParameter, "[clientId] is empty")
	case pan == "":
		return nil, fail(rbs.CodeWrongParameter, "[pan] is empty")
	case holder == "" || len(holder) > 26:
		return nil, fail(rbs.CodeWrongParameter, "Invalid cardholderName")
	case !validExpiry(exp):
		return nil, fail(rbs.CodeWrongParameter, "Invalid expiryDate: want YYYYMM")
	case len(pan) < 12 || len(pan) > 19 || !craftgate.LuhnValid(pan):
		return nil, fail(rbs.CodeWrongParameter, "Invalid pan")
	}
	tc, ok := rbs.TestCards().Card(pan)
	if !ok {
		return nil, fail(rbs.CodeWrongParameter, "This is a test gateway: use a test card")
	}
	now := m.Now()
	m.mu.Lock()
	b := m.newBindingLocked(client, tc, exp, holder, now)
	ev := m.bindingCallback(b, rbs.OperationBindingCreated, now)
	m.mu.Unlock()
	return &reply{events: []*event{ev}, body: map[string]any{"errorCode": 0, "error": false, "bindingId": b.id,
		"clientId": client, "cardholderName": holder, "expiryDate": exp, "maskedPan": b.masked()}}, nil
}
