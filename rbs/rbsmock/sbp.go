package rbsmock

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/rbs"
)

// SBP (the Faster Payments System) with a dynamic QR code: the merchant
// asks for the QR of a registered order (sbp/c2b/qr/dynamic/get.do), the
// buyer scans it and pays or refuses in their bank's app, and the merchant
// polls sbp/c2b/qr/status.do or rejects the QR with
// sbp/c2b/qr/dynamic/reject.do. The mock's QR payload is the address of a
// page that plays the buyer's bank app (the real payload is an NSPK
// address, https://qr.nspk.ru/<qrId>, which the mock cannot serve).

// QR statuses (qrStatus).
const (
	qrStarted        = "STARTED"
	qrAccepted       = "ACCEPTED"
	qrRejected       = "REJECTED"
	qrRejectedByUser = "REJECTED_BY_USER"
)

// sbpQR is an order's dynamic QR code.
type sbpQR struct {
	id, status string
	token      string // opens the bank app page
	redirect   string // redirectUrl: where the bank app returns the buyer
	purpose    string
}

// actionSBPRejected is the actionCode of an SBP payment the buyer refused
// in their bank app. MOCK DECISION: the documentation lists none; 5 is the
// mock's "declined" code.
const actionSBPRejected = rbs.ActionDeclinedByIssuer

// sbpOrder finds the order mdOrder (or orderId) names that check (if not
// nil) accepts, like lookupWhere.
func (m *Mock) sbpOrder(p params, check func(*order) *apiError) (*order, *reply, *apiError) {
	id := p.first("mdOrder", "orderId")
	if id == "" {
		return nil, nil, fail(rbs.CodeWrongParameter, "[mdOrder] is empty")
	}
	return m.lookupWhere(id, m.Now(), check)
}

// sbpGetQR is sbp/c2b/qr/dynamic/get.do: the order's QR, created on the
// first call.
func (m *Mock) sbpGetQR(r *http.Request, p params, _ bool) (*reply, *apiError) {
	if ru := p.get("redirectUrl"); ru != "" && !absoluteHTTP(ru) && !strings.Contains(ru, "://") {
		return nil, fail(rbs.CodeWrongParameter, "Invalid redirectUrl")
	}
	if s := p.get("paymentPurpose"); len([]rune(s)) > 140 {
		return nil, fail(rbs.CodeWrongParameter, "paymentPurpose is too long")
	}
	o, rep, e := m.sbpOrder(p, payable)
	if e != nil {
		return rep, e
	}
	defer m.mu.Unlock()
	if o.preAuth {
		// MOCK DECISION: SBP pays at once; a two-phase order is refused.
		return rep, fail(rbs.CodeWrongState, "SBP payments are one-phase: the order is two-phase")
	}
	if o.qr == nil || o.qr.status != qrStarted {
		n := uint64(len(m.qrs)+1) | 1<<41
		id := strings.ToUpper(strings.ReplaceAll(m.orderID(n), "-", ""))
		o.qr = &sbpQR{id: id, status: qrStarted, token: m.token(o.seq, 4+uint64(len(m.qrs))), redirect: p.get("redirectUrl"), purpose: p.get("paymentPurpose")}
		m.qrs[id] = o
	}
	rep.body = map[string]any{"qrId": o.qr.id, "payload": m.sbpPayload(r, o), "qrStatus": o.qr.status, "status": o.qr.status}
	return rep, nil
}

func (m *Mock) sbpPayload(r *http.Request, o *order) string {
	return m.publicBase(r) + sbpBankPath + "?qrId=" + o.qr.id + "&t=" + o.qr.token
}

// transactionState is the order's state as the SBP status names it.
func transactionState(s rbs.OrderStatus) string {
	switch s {
	case rbs.StatusDeposited, rbs.StatusRefunded:
		return "DEPOSITED"
	case rbs.StatusDeclined, rbs.StatusReversed:
		return "DECLINED"
	}
	return "CREATED"
}

// hasSBPQR is an order check: the order has an SBP QR, and it is the one
// the optional qrId names.
func hasSBPQR(p params) func(*order) *apiError {
	return func(o *order) *apiError {
		switch q := p.get("qrId"); {
		case o.qr == nil:
			return fail(rbs.CodeUnknownOrder, "The order has no SBP QR code")
		case q != "" && q != o.qr.id:
			return fail(rbs.CodeUnknownOrder, "Unknown qrId for the order")
		}
		return nil
	}
}

// sbpStatus is sbp/c2b/qr/status.do.
func (m *Mock) sbpStatus(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	o, rep, e := m.sbpOrder(p, hasSBPQR(p))
	if e != nil {
		return rep, e
	}
	defer m.mu.Unlock()
	rep.body = map[string]any{"qrType": "DYNAMIC", "qrStatus": o.qr.status, "status": o.qr.status,
		"transactionState": transactionState(o.status)}
	return rep, nil
}

// sbpReject is sbp/c2b/qr/dynamic/reject.do: the merchant withdraws an
// unpaid QR (REJECTED_BY_USER); the order stays payable otherwise.
func (m *Mock) sbpReject(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	o, rep, e := m.sbpOrder(p, hasSBPQR(p))
	if e != nil {
		return rep, e
	}
	defer m.mu.Unlock()
	rejected := o.qr.status == qrStarted
	if rejected {
		o.qr.status = qrRejectedByUser
	}
	rep.body = map[string]any{"rejected": rejected}
	return rep, nil
}

// sbpPaidLocked ends o's payment by SBP: deposited at once, or declined
// when the buyer refused in their bank app.
func (m *Mock) sbpPaidLocked(o *order, paid bool, now time.Time) (*event, string) {
	o.paymentWay = rbs.PaymentWaySBP
	if !paid {
		o.qr.status = qrRejected
		ev, next := m.declineLocked(o, actionSBPRejected, "Payment refused in the buyer's bank app", now)
		return ev, m.sbpReturn(o, next)
	}
	o.qr.status = qrAccepted
	o.actionCode, o.actionDesc = rbs.ActionApproved, ""
	o.authAt, o.approved = now, o.amount
	o.status, o.deposited, o.depositedAt = rbs.StatusDeposited, o.amount, now
	m.receiptLocked(o, receiptPaymentDelivered, o.amount, now)
	return m.callbackFor(o, rbs.OperationDeposited, true, now, nil), m.sbpReturn(o, withOrderID(o.returnURL, o))
}

// sbpReturn is where the bank app sends the buyer: the QR's redirectUrl
// when the merchant gave one.
func (m *Mock) sbpReturn(o *order, fallback string) string {
	if o.qr.redirect != "" {
		return o.qr.redirect
	}
	return fallback
}

// serveSBPBank plays the buyer's bank app: GET shows the payment, POST
// action=pay pays it, action=reject refuses it. An expired order's QR
// cannot be paid.
func (m *Mock) serveSBPBank(w http.ResponseWriter, r *http.Request) {
	f, ok := m.pageForm(w, r)
	if !ok {
		return
	}
	now := m.Now()
	m.mu.Lock()
	o, ok := m.qrs[f.Get("qrId")]
	if !ok || o.qr == nil || subtle.ConstantTimeCompare([]byte(f.Get("t")), []byte(o.qr.token)) != 1 {
		m.mu.Unlock()
		m.message(w, http.StatusNotFound, "SBP", "This QR code is unknown to the bank.")
		return
	}
	if ev := m.expireLocked(o, now); ev != nil {
		m.cb.send(ev)
	}
	if o.qr.status != qrStarted || o.status != rbs.StatusRegistered {
		st := o.qr.status
		m.mu.Unlock()
		m.message(w, http.StatusConflict, "SBP", "This QR code can no longer be paid: its status is "+st+".")
		return
	}
	if r.Method == http.MethodGet {
		d := o.pageData(now)
		d.Title, d.Action, d.Token, d.OrderID = "SBP payment", m.pathBase(r)+sbpBankPath, o.qr.token, o.qr.id
		d.Description = o.qr.purpose
		m.mu.Unlock()
		m.render(w, http.StatusOK, "sbp", d)
		return
	}
	var ev *event
	var next string
	switch f.Get("action") {
	case "pay":
		ev, next = m.sbpPaidLocked(o, true, now)
	case "reject":
		ev, next = m.sbpPaidLocked(o, false, now)
	default:
		m.mu.Unlock()
		m.message(w, http.StatusBadRequest, "SBP", "Choose Pay or Reject.")
		return
	}
	m.mu.Unlock()
	m.cb.send(ev)
	if _, err := url.Parse(next); err != nil || next == "" {
		m.message(w, http.StatusOK, "SBP", "Done.")
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// serve3DSMethod answers the 3-D Secure 2 method URLs (the hidden iframe
// a merchant page loads before the challenge): an empty page.
func (m *Mock) serve3DSMethod(w http.ResponseWriter, _ *http.Request) {
	m.message(w, http.StatusOK, "3-D Secure method", "Browser data collected.")
}
