package rbsmock

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/rbs"
)

// The payer's pages. They are plain HTML forms that work without
// scripts, so a person, a headless browser and gatecheck's form driver
// can all pay with them.

var pageTemplates = template.Must(template.New("layout").Parse(`{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem;color:#ef3124} label{display:block;margin:.6rem 0 .2rem}
input,select{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
.row{display:flex;gap:.5rem} .row label{flex:1}
button{font-size:1rem;padding:.6rem 1.2rem;margin:1rem .5rem 0 0;cursor:pointer}
.error{color:#b00020;font-weight:bold} .note{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin-top:.5rem} td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}
</style></head><body>{{end}}
{{define "foot"}}<p class="note">gatecheck RBS mock: a test gateway, not Alfa-Bank.</p></body></html>{{end}}

{{define "payment"}}{{template "head" .}}
<h1>Payment for order {{.Number}}</h1>
<p>Amount: <strong id="amount">{{.Amount}} {{.Currency}}</strong></p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="note" id="session">The session ends at {{.Deadline}} ({{.Minutes}} min left).</p>
{{if .Error}}<p class="error" role="alert">{{.Error}}</p>{{end}}
{{if .Masked}}<form method="post" action="{{.Action}}" autocomplete="off">
<input type="hidden" name="mdOrder" value="{{.OrderID}}">
<p id="binding">Pay with your saved card {{.Masked}}.</p>
<label for="cvc">CVC</label><input id="cvc" name="cvc" type="password" inputmode="numeric" placeholder="123">
<button type="submit" name="action" value="binding">Pay</button>
</form>
{{else}}<form method="post" action="{{.Action}}" autocomplete="off">
<input type="hidden" name="mdOrder" value="{{.OrderID}}">
<label for="pan">Card number</label><input id="pan" name="pan" inputmode="numeric" placeholder="4111111111111111">
<div class="row"><label>Month<input name="month" inputmode="numeric" placeholder="MM"></label>
<label>Year<input name="year" inputmode="numeric" placeholder="YYYY"></label>
<label>CVC<input name="cvc" type="password" inputmode="numeric" placeholder="123"></label></div>
<label for="cardholder">Cardholder name</label><input id="cardholder" name="cardholder" placeholder="TEST CARDHOLDER">
<button type="submit" name="action" value="pay">Pay</button>
{{if .AlfaPay}}<button type="submit" name="action" value="alfapay">Pay with Alfa Pay</button>{{end}}
</form>{{end}}
<h2>Test cards</h2>
<p class="note">Any expiry date that is not in the past; CVC 123. Cards marked synthetic exist only in gatecheck's mock.</p>
<table id="test-cards"><tr><th>Card</th><th>System</th><th>3-D Secure password</th><th>Outcome</th><th>Source</th></tr>
{{range .Cards}}<tr><td>{{.Number}}</td><td>{{.PaymentSystem}}</td><td>{{if .ThreeDS}}{{.Password}}{{else}}none{{end}}</td><td>{{.Outcome}}{{if .ActionCode}} (actionCode {{.ActionCode}}){{end}}</td><td>{{.Source}}</td></tr>
{{end}}</table>
{{template "foot" .}}{{end}}

{{define "acs"}}{{template "head" .}}
<h1>3-D Secure: confirm the payment</h1>
<p>Merchant order {{.Number}}, {{.Amount}} {{.Currency}}, card {{.Masked}}.</p>
<p class="note">Test password: {{.Password}}</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="mdOrder" value="{{.OrderID}}"><input type="hidden" name="t" value="{{.Token}}">
<label for="password">One-time password</label><input id="password" name="password" type="password" inputmode="numeric">
<button type="submit" name="action" value="confirm">Confirm</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
{{template "foot" .}}{{end}}

{{define "alfapay"}}{{template "head" .}}
<h1>Alfa Pay</h1>
<p>Pay {{.Amount}} {{.Currency}} for order {{.Number}} with a card from your Alfa-Bank wallet.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="orderId" value="{{.OrderID}}"><input type="hidden" name="t" value="{{.Token}}">
<label for="card">Card</label><select id="card" name="card">
{{range .Wallet}}<option value="{{.Value}}">{{.Label}}</option>
{{end}}</select>
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
{{template "foot" .}}{{end}}

{{define "sbp"}}{{template "head" .}}
<h1>Your bank: SBP payment</h1>
<p>Pay <strong id="amount">{{.Amount}} {{.Currency}}</strong> to the merchant for order {{.Number}} by the Faster Payments System.</p>
{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="note">The QR code expires at {{.Deadline}}.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="qrId" value="{{.OrderID}}"><input type="hidden" name="t" value="{{.Token}}">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="reject">Reject</button>
</form>
{{template "foot" .}}{{end}}

{{define "message"}}{{template "head" .}}
<h1>{{.Title}}</h1><p id="message">{{.Message}}</p>
{{template "foot" .}}{{end}}
`))

type pageData struct {
	Title, Number, Amount, Currency, Description, Deadline, Error, Action, OrderID string
	Minutes                                                                        int
	AlfaPay                                                                        bool
	Cards                                                                          []*rbs.TestCard
	Masked, Password, Token                                                        string
	Wallet                                                                         []walletOption
	Message                                                                        string
}

type walletOption struct{ Value, Label string }

func (m *Mock) render(w http.ResponseWriter, status int, name string, d pageData) {
	var b bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&b, name, d); err != nil {
		http.Error(w, "page error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action *")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (m *Mock) message(w http.ResponseWriter, status int, title, msg string) {
	m.render(w, status, "message", pageData{Title: title, Message: msg})
}

func (o *order) pageData(now time.Time) pageData {
	return pageData{Number: o.number, Amount: rbs.FormatMinor(o.amount, o.currency), Currency: o.currency.Alpha,
		Description: o.description, OrderID: o.id, Deadline: o.deadline.Format("15:04:05 MST"),
		Minutes: int(o.deadline.Sub(now).Round(time.Minute) / time.Minute)}
}

// formParams reads a page's form (bounded) and the query.
func (m *Mock) formParams(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, m.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		m.message(w, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return nil, false
	}
	return r.Form, true
}

// pageForm reads the form of a page the browser may GET or POST; anything
// else is answered 405. ok is false when the page has been answered.
func (m *Mock) pageForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		m.message(w, http.StatusMethodNotAllowed, "Method not allowed", "")
		return nil, false
	}
	return m.formParams(w, r)
}

// pageOrder finds the order of a page request and expires it, sending its
// callback. The lock is held when ok.
func (m *Mock) pageOrder(w http.ResponseWriter, id string, now time.Time) (*order, bool) {
	m.mu.Lock()
	o, ok := m.orders[id]
	if !ok {
		m.mu.Unlock()
		m.message(w, http.StatusNotFound, "Order not found", "There is no order "+strconv.Quote(id)+".")
		return nil, false
	}
	if ev := m.expireLocked(o, now); ev != nil {
		m.cb.send(ev)
	}
	return o, true
}

// sessionPage starts a page of an order's session (3-D Secure, Alfa Pay):
// it reads the form, finds the order the form field idField names and
// checks the form's token t against token(o), the token of the order's
// open session ("" when none is open). Otherwise it answers 403 with the
// page's title and the text closed and returns false. The lock is held
// when ok.
func (m *Mock) sessionPage(w http.ResponseWriter, r *http.Request, idField string, token func(*order) string, title, closed string) (url.Values, *order, time.Time, bool) {
	f, ok := m.pageForm(w, r)
	if !ok {
		return nil, nil, time.Time{}, false
	}
	now := m.Now()
	o, ok := m.pageOrder(w, f.Get(idField), now)
	if !ok {
		return nil, nil, now, false
	}
	if t := token(o); t == "" || subtle.ConstantTimeCompare([]byte(f.Get("t")), []byte(t)) != 1 {
		m.mu.Unlock()
		m.message(w, http.StatusForbidden, title, closed)
		return nil, nil, now, false
	}
	return f, o, now, true
}

// openACSToken is the token of o's open 3-D Secure authentication, "" when
// none is open.
func openACSToken(o *order) string {
	if o.status != rbs.StatusACS {
		return ""
	}
	return o.acsToken
}

// openAlfaPayToken is the token of o's open Alfa Pay session, "" when none
// is open.
func openAlfaPayToken(o *order) string {
	if o.status != rbs.StatusRegistered {
		return ""
	}
	return o.alfaPayToken
}

// servePaymentPage shows the card form of an unpaid order (formUrl).
func (m *Mock) servePaymentPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		m.message(w, http.StatusMethodNotAllowed, "Method not allowed", "Open the payment page with GET.")
		return
	}
	now := m.Now()
	o, ok := m.pageOrder(w, r.URL.Query().Get("mdOrder"), now)
	if !ok {
		return
	}
	if o.status != rbs.StatusRegistered {
		d := o.pageData(now)
		st := o.status
		m.mu.Unlock()
		m.message(w, http.StatusOK, "Order "+d.Number, "This order cannot be paid: its status is "+st.String()+".")
		return
	}
	d := o.pageData(now)
	d.AlfaPay = slices.Contains(o.ways, rbs.PaymentWayAlfaPay)
	if b := m.orderBindingLocked(o); b != nil {
		// An order registered with bindingId is paid only with that
		// card: the page asks for its CVC alone.
		d.Masked = b.masked()
	}
	m.mu.Unlock()
	m.paymentForm(w, r, d, "")
}

// orderBindingLocked is the active binding an order was registered with,
// or nil.
func (m *Mock) orderBindingLocked(o *order) *binding {
	if o.bindingID == "" {
		return nil
	}
	if b, ok := m.bindings[o.bindingID]; ok && b.active && b.clientID == o.clientID {
		return b
	}
	return nil
}

func (m *Mock) paymentForm(w http.ResponseWriter, r *http.Request, d pageData, errMsg string) {
	d.Title = "Payment for order " + d.Number
	d.Action = m.pathBase(r) + payPath
	d.Cards = rbs.TestCards().All()
	d.Error = errMsg
	m.render(w, http.StatusOK, "payment", d)
}

// servePay takes the card form: a card of the catalogue pays (through the
// ACS when it has 3-D Secure, or with FORCE_TDS), anything else shows the
// form again with an error, the order still payable.
func (m *Mock) servePay(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		m.message(w, http.StatusMethodNotAllowed, "Method not allowed", "Submit the payment form.")
		return
	}
	f, ok := m.formParams(w, r)
	if !ok {
		return
	}
	now := m.Now()
	o, ok := m.pageOrder(w, f.Get("mdOrder"), now)
	if !ok {
		return
	}
	if o.status != rbs.StatusRegistered {
		st := o.status
		m.mu.Unlock()
		m.message(w, http.StatusConflict, "Order already processed", "This order cannot be paid: its status is "+st.String()+".")
		return
	}
	d := o.pageData(now)
	d.AlfaPay = slices.Contains(o.ways, rbs.PaymentWayAlfaPay)
	if f.Get("action") == "alfapay" && d.AlfaPay {
		if o.alfaPayToken == "" {
			o.alfaPayToken = m.token(o.seq, 2)
		}
		loc := m.pathBase(r) + alfaPayPagePath + "?orderId=" + o.id + "&t=" + o.alfaPayToken
		m.mu.Unlock()
		http.Redirect(w, r, loc, http.StatusSeeOther)
		return
	}
	if b := m.orderBindingLocked(o); b != nil {
		d.Masked = b.masked()
		cvc := strings.TrimSpace(f.Get("cvc"))
		if f.Get("action") != "binding" || len(cvc) != 3 || strings.Trim(cvc, "0123456789") != "" {
			m.mu.Unlock()
			m.paymentForm(w, r, d, "Enter the 3-digit CVC of your saved card.")
			return
		}
		ev, next := m.finishLocked(o, &enteredCard{tc: b.tc, expiry: b.expiry, holder: b.holder}, rbs.PaymentWayCardBinding, 7, now)
		m.finishPageLocked(w, r, ev, next)
		return
	}
	card, problem := m.readCard(f, now)
	if problem != "" {
		m.mu.Unlock()
		m.paymentForm(w, r, d, problem)
		return
	}
	if card.tc.ThreeDS || o.hasFeature("FORCE_TDS") || o.hasFeature("FORCE_FULL_TDS") {
		o.status = rbs.StatusACS
		o.acsCard = card
		o.acsToken = m.token(o.seq, 1)
		loc := m.pathBase(r) + acsPath + "?mdOrder=" + o.id + "&t=" + o.acsToken
		m.mu.Unlock()
		http.Redirect(w, r, loc, http.StatusSeeOther)
		return
	}
	ev, next := m.finishLocked(o, card, rbs.PaymentWayCard, 7, now)
	m.finishPageLocked(w, r, ev, next)
}

// readCard checks the card form; problem is what the page tells the payer.
func (m *Mock) readCard(f url.Values, now time.Time) (*enteredCard, string) {
	pan := strings.ReplaceAll(strings.TrimSpace(f.Get("pan")), " ", "")
	if len(pan) < 12 || len(pan) > 19 || !craftgate.LuhnValid(pan) {
		return nil, "The card number is invalid."
	}
	month, err := strconv.Atoi(strings.TrimSpace(f.Get("month")))
	if err != nil || month < 1 || month > 12 {
		return nil, "The expiry month is invalid."
	}
	ys := strings.TrimSpace(f.Get("year"))
	year, err := strconv.Atoi(ys)
	if err != nil || (len(ys) != 2 && len(ys) != 4) {
		return nil, "The expiry year is invalid."
	}
	if len(ys) == 2 {
		year += 2000
	}
	if y, mo, _ := now.Date(); year < y || (year == y && month < int(mo)) {
		return nil, "The card has expired."
	}
	cvc := strings.TrimSpace(f.Get("cvc"))
	if len(cvc) != 3 || strings.Trim(cvc, "0123456789") != "" {
		return nil, "The CVC is invalid."
	}
	tc, ok := rbs.TestCards().Card(pan)
	if !ok {
		// MOCK DECISION: a card outside the catalogue is refused on the
		// page (the order stays payable) rather than declined.
		return nil, "This is a test gateway: use one of the test cards listed below."
	}
	holder := strings.TrimSpace(f.Get("cardholder"))
	if len(holder) > 150 {
		holder = holder[:150]
	}
	return &enteredCard{tc: tc, expiry: strconv.Itoa(year) + twoDigits(month), holder: holder}, ""
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// acsPassword is what the ACS accepts for a card without one of its own
// (a card sent through 3-D Secure by FORCE_TDS).
const acsPassword = "12345678"

// serveACS is the issuer's 3-D Secure page: the right password finishes
// the payment with the card's outcome, a wrong one or Cancel declines it
// with actionCode 151017.
func (m *Mock) serveACS(w http.ResponseWriter, r *http.Request) {
	f, o, now, ok := m.sessionPage(w, r, "mdOrder", openACSToken, "3-D Secure", "This authentication is not open.")
	if !ok {
		return
	}
	want := o.acsCard.tc.Password
	if want == "" {
		want = acsPassword
	}
	if r.Method == http.MethodGet || f.Get("action") == "" {
		// GET, or the merchant's auto-post of PaReq/MD/TermUrl (creq for
		// 3-D Secure 2): show the page.
		if term := f.Get("TermUrl"); term != "" && o.direct && o.tds2 == "" && absoluteHTTP(term) {
			o.termURL = term
		}
		d := o.pageData(now)
		d.Title, d.Action, d.Token = "3-D Secure", m.pathBase(r)+acsPath, o.acsToken
		d.Masked, d.Password = craftgate.MaskPAN(o.acsCard.tc.Number), want
		m.mu.Unlock()
		m.render(w, http.StatusOK, "acs", d)
		return
	}
	confirmed := f.Get("action") == "confirm" && subtle.ConstantTimeCompare([]byte(f.Get("password")), []byte(want)) == 1
	if o.direct {
		next := m.directACSDoneLocked(o, confirmed)
		m.mu.Unlock()
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	ev, next := m.acsDoneLocked(o, confirmed, now)
	m.finishPageLocked(w, r, ev, next)
}

// finishPageLocked ends a page's payment: it releases the lock, sends the
// callback ev and sends the browser on to next.
func (m *Mock) finishPageLocked(w http.ResponseWriter, r *http.Request, ev *event, next string) {
	m.mu.Unlock()
	m.cb.send(ev)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// acsDoneLocked ends o's 3-D Secure authentication: a confirmed one pays
// with the card's outcome, any other declines with actionCode 151017. It
// returns the callback to send and where the browser goes next.
func (m *Mock) acsDoneLocked(o *order, confirmed bool, now time.Time) (*event, string) {
	if confirmed {
		return m.finishLocked(o, o.acsCard, rbs.PaymentWayCard, 5, now)
	}
	o.card = &paidCard{maskedPan: rbs.GatewayMaskedPAN(o.acsCard.tc.Number), expiry: o.acsCard.expiry,
		holder: o.acsCard.holder, paymentSystem: o.acsCard.tc.PaymentSystem}
	o.paymentWay = rbs.PaymentWayCard
	return m.declineLocked(o, rbs.ActionThreeDSDeclined, "3-D Secure authentication failed", now)
}

// serveAlfaPayPage is the Alfa Pay page (seed 002, steps 11-16): the
// payer picks a wallet card and pays, or cancels; either way the browser
// goes to returnUrl or failUrl. MOCK DECISION: no 3-D Secure here (the
// seed leaves its "steps for 3DS Authentication" out).
func (m *Mock) serveAlfaPayPage(w http.ResponseWriter, r *http.Request) {
	f, o, now, ok := m.sessionPage(w, r, "orderId", openAlfaPayToken, "Alfa Pay", "This Alfa Pay session is not open.")
	if !ok {
		return
	}
	wallet := rbs.TestCards().AlfaPayWallet()
	if r.Method == http.MethodGet {
		d := o.pageData(now)
		d.Title, d.Action, d.Token = "Alfa Pay", m.pathBase(r)+alfaPayPagePath, o.alfaPayToken
		for _, tc := range wallet {
			d.Wallet = append(d.Wallet, walletOption{Value: walletValue(tc), Label: tc.PaymentSystem + " ··" + tc.Number[len(tc.Number)-4:] + " (Alfa-Bank)"})
		}
		m.mu.Unlock()
		m.render(w, http.StatusOK, "alfapay", d)
		return
	}
	var ev *event
	var next string
	var chosen *rbs.TestCard
	for _, tc := range wallet {
		if walletValue(tc) == f.Get("card") {
			chosen = tc
		}
	}
	switch {
	case f.Get("action") == "pay" && chosen != nil:
		y, mo, _ := now.AddDate(3, 0, 0).Date()
		ev, next = m.finishLocked(o, &enteredCard{tc: chosen, expiry: strconv.Itoa(y) + twoDigits(int(mo)), holder: "ALFA PAY CLIENT"}, rbs.PaymentWayAlfaPay, 7, now)
	case f.Get("action") == "cancel":
		o.paymentWay = rbs.PaymentWayAlfaPay
		// MOCK DECISION: the reference has no actionCode for a payer who
		// cancels in Alfa Pay; the mock declines with 5.
		ev, next = m.declineLocked(o, rbs.ActionDeclinedByIssuer, "Payment cancelled by the payer in Alfa Pay", now)
	default:
		m.mu.Unlock()
		m.message(w, http.StatusBadRequest, "Alfa Pay", "Choose a card of the wallet.")
		return
	}
	m.finishPageLocked(w, r, ev, next)
}

// walletValue is a wallet card's option value: never the PAN.
func walletValue(tc *rbs.TestCard) string { return "card-" + tc.Number[len(tc.Number)-4:] }
