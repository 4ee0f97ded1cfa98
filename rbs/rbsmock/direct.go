package rbsmock

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatecheck/gatecheck/rbs"
)

// Direct payments: the merchant's own page sends the card with
// paymentorder.do. A card without 3-D Secure is paid at once; one with
// 3-D Secure 1 answers acsUrl, paReq and termUrl, the payer confirms on
// the ACS, which hands a PaRes back to termUrl, and finish3dsPayment.do
// (or the gateway's own termUrl, finish3ds.do) ends the payment; a
// 3-D Secure 2 card first answers is3DSVer2 with a threeDSServerTransId,
// a second paymentorder.do with it answers acsUrl and packedCReq, and
// finish3dsVer2Payment.do ends it.

// paymentOrder is paymentorder.do.
func (m *Mock) paymentOrder(r *http.Request, p params, _ bool) (*reply, *apiError) {
	id := p.first("MDORDER", "mdOrder")
	if id == "" {
		return nil, fail(rbs.CodeWrongParameter, "[MDORDER] is empty")
	}
	f := url.Values{"pan": {p.get("$PAN")}, "cvc": {p.get("$CVC")}, "cardholder": {p.get("TEXT")},
		"month": {p.get("MM")}, "year": {p.get("YYYY")}}
	if exp := p.get("$EXPIRY"); len(exp) == 6 {
		f.Set("year", exp[:4])
		f.Set("month", exp[4:])
	}
	now := m.Now()
	card, problem := m.readCard(f, now)
	if problem != "" {
		return nil, fail(rbs.CodeWrongParameter, problem)
	}
	o, rep, e := m.lookupID(id, now)
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	trans := p.first("threeDSServerTransID", "threeDSServerTransId")
	if trans != "" {
		// The second call of 3-D Secure 2: the challenge.
		if o.tds2 == "" || subtle.ConstantTimeCompare([]byte(trans), []byte(o.tds2)) != 1 || o.status != rbs.StatusRegistered {
			return rep, fail(rbs.CodeWrongState, "Unknown threeDSServerTransId for the order")
		}
		m.openACSLocked(o, card, p.get("threeDSVer2FinishUrl"), r)
		rep.body = map[string]any{"errorCode": 0, "is3DSVer2": true, "info": "Your order is proceeded, redirecting...",
			"acsUrl": m.acsURL(r, o), "packedCReq": o.acsToken}
		return rep, nil
	}
	if e := payable(o); e != nil {
		return rep, e
	}
	if p.get("bindingNotNeeded") == "true" {
		o.bindingNotNeeded = true
	}
	if !card.tc.ThreeDS && !o.hasFeature("FORCE_TDS") && !o.hasFeature("FORCE_FULL_TDS") {
		ev, next := m.finishLocked(o, card, rbs.PaymentWayCard, 7, now)
		rep.events = append(rep.events, ev)
		rep.body = map[string]any{"errorCode": 0, "redirect": next, "info": payInfo(o)}
		return rep, nil
	}
	if card.tc.ThreeDS2 {
		o.tds2 = m.orderID(o.seq | 3<<40)
		m.threeDS2[o.tds2] = o
		method := base64.StdEncoding.EncodeToString([]byte(`{"threeDSServerTransID":"` + o.tds2 + `"}`))
		rep.body = map[string]any{"errorCode": 0, "is3DSVer2": true, "threeDSServerTransId": o.tds2,
			"threeDSMethodURL":        m.publicBase(r) + acsPath + "/3dsMethod",
			"threeDSMethodURLServer":  m.publicBase(r) + acsPath + "/gather?threeDSServerTransID=" + o.tds2,
			"threeDSMethodDataPacked": method}
		return rep, nil
	}
	term := p.get("TermUrl")
	m.openACSLocked(o, card, term, r)
	rep.body = map[string]any{"errorCode": 0, "info": "Your order is proceeded, redirecting...",
		"acsUrl": m.acsURL(r, o), "paReq": o.acsToken, "termUrl": o.termURL}
	return rep, nil
}

// openACSLocked puts o at the ACS for a direct payment that returns to
// term (the gateway's finish3ds.do when empty).
func (m *Mock) openACSLocked(o *order, card *enteredCard, term string, r *http.Request) {
	o.status, o.acsCard, o.direct, o.paRes = rbs.StatusACS, card, true, ""
	o.acsToken = m.token(o.seq, 1)
	if term == "" || !absoluteHTTP(term) {
		lang := o.language
		if lang == "" {
			lang = "en"
		}
		term = m.publicBase(r) + finish3DSPagePath + "?lang=" + lang
	}
	o.termURL = term
}

func (m *Mock) acsURL(r *http.Request, o *order) string {
	return m.publicBase(r) + acsPath + "?mdOrder=" + o.id + "&t=" + o.acsToken
}

// directACSDone is the ACS's end of a direct payment: it records the
// authentication result as a PaRes and sends the payer back to termUrl
// (3-D Secure 1: MD and PaRes; 3-D Secure 2: threeDSServerTransID and
// cres). The payment itself ends with a finish call.
func (m *Mock) directACSDoneLocked(o *order, confirmed bool) string {
	o.paRes = m.token(o.seq, 3)
	if !confirmed {
		o.paRes = "N" + o.paRes[1:]
	} else {
		o.paRes = "Y" + o.paRes[1:]
	}
	u, err := url.Parse(o.termURL)
	if err != nil {
		return o.termURL
	}
	q := u.Query()
	if o.tds2 != "" {
		q.Set("threeDSServerTransID", o.tds2)
		q.Set("cres", o.paRes)
	} else {
		q.Set("MD", o.id)
		q.Set("PaRes", o.paRes)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// finishDirectLocked ends a direct payment with the ACS's result.
func (m *Mock) finishDirectLocked(o *order, rep *reply) (string, *apiError) {
	if o.status != rbs.StatusACS || !o.direct || o.paRes == "" {
		return "", fail(rbs.CodeWrongState, "The 3-D Secure authentication of the order is not finished")
	}
	now := m.Now()
	ev, next := m.acsDoneLocked(o, o.paRes[0] == 'Y', now)
	o.direct = false
	rep.events = append(rep.events, ev)
	return next, nil
}

// finish3ds is finish3dsPayment.do: mdOrder and the ACS's paRes.
func (m *Mock) finish3ds(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	paRes := p.first("paRes", "PaRes")
	if paRes == "" {
		return nil, fail(rbs.CodeWrongParameter, "[paRes] is empty")
	}
	id := p.first("mdOrder", "MD")
	o, rep, e := m.lookupID(id, m.Now())
	if e != nil {
		return nil, e
	}
	defer m.mu.Unlock()
	if o.paRes == "" || subtle.ConstantTimeCompare([]byte(paRes), []byte(o.paRes)) != 1 || o.tds2 != "" {
		return rep, fail(rbs.CodeWrongParameter, "Invalid paRes for the order")
	}
	next, e := m.finishDirectLocked(o, rep)
	if e != nil {
		return rep, e
	}
	rep.body = map[string]any{"errorCode": 0, "redirect": next}
	return rep, nil
}

// finish3dsVer2 is finish3dsVer2Payment.do: threeDSServerTransId (and
// optionally threeDSVer2MdOrder).
func (m *Mock) finish3dsVer2(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	trans := p.first("threeDSServerTransId", "threeDSServerTransID")
	if trans == "" {
		return nil, fail(rbs.CodeWrongParameter, "[threeDSServerTransId] is empty")
	}
	now := m.Now()
	m.mu.Lock()
	o, ok := m.threeDS2[trans]
	if !ok || (p.get("threeDSVer2MdOrder") != "" && p.get("threeDSVer2MdOrder") != o.id) {
		m.mu.Unlock()
		return nil, fail(rbs.CodeUnknownOrder, "Unknown threeDSServerTransId")
	}
	defer m.mu.Unlock()
	rep := &reply{}
	rep.add(m.expireLocked(o, now))
	next, e := m.finishDirectLocked(o, rep)
	if e != nil {
		return rep, e
	}
	rep.body = map[string]any{"errorCode": 0, "is3DSVer2": true, "redirect": next}
	return rep, nil
}

// serveFinish3DS is the gateway's termUrl page (finish3ds.do): the ACS
// sends the payer here with MD and PaRes (or threeDSServerTransID and
// cres); the payment ends and the payer goes to returnUrl or failUrl.
func (m *Mock) serveFinish3DS(w http.ResponseWriter, r *http.Request) {
	f, ok := m.formParams(w, r)
	if !ok {
		return
	}
	p := params(f)
	var rep reply
	var next string
	var e *apiError
	if t := f.Get("threeDSServerTransID"); t != "" {
		var got *reply
		got, e = m.finish3dsVer2(r, params{"threeDSServerTransId": {t}}, false)
		if got != nil {
			rep.events, rep.body = got.events, got.body
		}
	} else {
		var got *reply
		got, e = m.finish3ds(r, params{"mdOrder": {p.get("MD")}, "paRes": {p.get("PaRes")}}, false)
		if got != nil {
			rep.events, rep.body = got.events, got.body
		}
	}
	m.cb.send(rep.events...)
	if e != nil {
		m.message(w, http.StatusBadRequest, "3-D Secure", e.msg)
		return
	}
	next, _ = rep.body["redirect"].(string)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// verifyEnrollment is verifyEnrollment.do: whether a card takes part in
// 3-D Secure (the catalogue's threeDS), and its issuer.
func (m *Mock) verifyEnrollment(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	pan := strings.ReplaceAll(p.get("pan"), " ", "")
	if pan == "" {
		return nil, fail(rbs.CodeDuplicateOrder, "[pan] is empty")
	}
	if len(pan) < 12 || len(pan) > 19 || strings.Trim(pan, "0123456789") != "" {
		return nil, fail(rbs.CodeWrongParameter, "Invalid pan")
	}
	enrolled := "false"
	if tc, ok := rbs.TestCards().Card(pan); ok && tc.ThreeDS {
		enrolled = "true"
	}
	return &reply{body: map[string]any{"errorCode": "0", "errorMessage": "Success", "isEnrolled": enrolled,
		"emitterName": bankName, "emitterCountryCode": "RU"}}, nil
}

// bankName is the issuer of every test card.
const bankName = "GATECHECK TEST BANK"

// classicStatus is the classic getOrderStatus.do, with its capitalised
// fields (ErrorCode, OrderStatus, Pan, ...). ErrorCode 2 says the payment
// was declined by the card's issuer.
func (m *Mock) classicStatus(_ *http.Request, p params, _ bool) (*reply, *apiError) {
	id, number := p.get("orderId"), p.get("orderNumber")
	if id == "" && number == "" {
		return nil, fail(rbs.CodeDuplicateOrder, "[orderId] or [orderNumber] expected")
	}
	now := m.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if id == "" {
		o, ok = m.byNumber[number]
	}
	if !ok {
		return nil, fail(rbs.CodeUnknownOrder, "Order not found")
	}
	rep := &reply{}
	rep.add(m.expireLocked(o, now))
	code, msg := "0", "Success"
	if o.status == rbs.StatusDeclined && o.card != nil {
		code, msg = "2", "Payment is declined"
	}
	b := map[string]any{"ErrorCode": code, "ErrorMessage": msg, "OrderStatus": int(o.status), "OrderNumber": o.number,
		"Amount": o.amount, "currency": o.currency.Code(), "Ip": o.ip, "authCode": 2, "depositAmount": o.deposited,
		"approvedAmount": o.approved}
	if o.card != nil {
		b["Pan"], b["expiration"], b["cardholderName"], b["approvalCode"] = o.card.maskedPan, o.card.expiry, o.card.holder, o.card.approvalCode
	}
	if o.clientID != "" {
		b["clientId"] = o.clientID
	}
	if o.bindingID != "" {
		b["bindingId"] = o.bindingID
	}
	rep.body = b
	return rep, nil
}
