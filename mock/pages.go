package mock

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The browser pages of the mock: the 3-D Secure redirect form (htmlContent),
// the bank's ACS page, the auto-posted callback form, and the checkout
// page. Every page is self-contained (inline CSS, no external fetch, not
// even a favicon), rendered with html/template so that every value is
// escaped for its context, and shows card numbers masked only.

// pageCSP is the Content-Security-Policy of the pages the mock serves: no
// fetch at all, inline style and script only, forms may post anywhere over
// http(s) (the merchant's callbackUrl).
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; " +
	"form-action http: https:; base-uri 'none'"

const pageCSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#1f2937;background:linear-gradient(160deg,#eef2ff 0%,#f8fafc 55%,#ecfeff 100%);display:flex;align-items:center;justify-content:center;padding:24px}
.card{width:100%;max-width:460px;background:#fff;border-radius:16px;box-shadow:0 10px 30px rgba(15,23,42,.12);overflow:hidden}
.head{padding:18px 24px;background:#1e3a8a;color:#fff;display:flex;align-items:center;justify-content:space-between}
.head.bank{background:#0f766e}
.head h1{font-size:18px;margin:0;font-weight:600}
.badge{font-size:12px;background:rgba(255,255,255,.18);padding:3px 8px;border-radius:999px;letter-spacing:.02em}
.body{padding:20px 24px 24px}
.amount{font-size:30px;font-weight:700;margin:4px 0 12px;color:#111827}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px;margin:0 0 18px;font-size:14px}
dt{color:#6b7280}dd{margin:0;font-weight:500;text-align:right;word-break:break-word}
label{display:block;font-size:13px;font-weight:600;color:#374151;margin:12px 0 4px}
input,select{width:100%;padding:10px 12px;font:inherit;border:1px solid #d1d5db;border-radius:10px;background:#fff}
input:focus,select:focus{outline:2px solid #93c5fd;border-color:#3b82f6}
.row{display:flex;gap:12px}.row>div{flex:1}
.buttons{display:flex;gap:12px;margin-top:20px}
button{flex:1;padding:12px 16px;font:inherit;font-weight:600;border-radius:10px;border:0;cursor:pointer;background:#2563eb;color:#fff}
button:hover{filter:brightness(1.08)}
button.secondary{background:#fff;color:#b91c1c;border:1px solid #fca5a5}
.note{font-size:13px;color:#4b5563;background:#f1f5f9;border-radius:10px;padding:10px 12px;margin:14px 0 0}
.error{font-size:14px;color:#991b1b;background:#fef2f2;border:1px solid #fecaca;border-radius:10px;padding:10px 12px;margin:0 0 14px}
.warn{font-size:14px;color:#92400e;background:#fffbeb;border:1px solid #fde68a;border-radius:10px;padding:10px 12px;margin:0 0 14px}
table{width:100%;border-collapse:collapse;font-size:14px;margin:0 0 8px}
td{padding:6px 0;border-bottom:1px solid #f1f5f9}td.num{text-align:right;white-space:nowrap}
.center{text-align:center}
.spinner{width:36px;height:36px;border:4px solid #dbeafe;border-top-color:#2563eb;border-radius:50%;margin:8px auto 16px;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
.foot{font-size:12px;color:#9ca3af;text-align:center;padding:0 24px 16px}
`

const pageLayout = `{{define "head"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{{.Title}}</title>
<style>` + pageCSS + `</style>
</head>
<body>
{{end}}
{{define "foot"}}
</body>
</html>
{{end}}
{{define "autopost"}}<form id="autopost" method="post" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<div class="spinner" aria-hidden="true"></div>
<noscript><button type="submit">{{.Button}}</button></noscript>
</form>
<script>document.getElementById("autopost").submit();</script>
{{end}}
`

var pages = template.Must(template.New("pages").Parse(pageLayout + `
{{define "redirect"}}{{template "head" .}}<div class="card"><div class="head"><h1>3-D Secure</h1><span class="badge">Gatecheck mock</span></div>
<div class="body center"><p>Connecting to your bank for verification…</p>
{{template "autopost" .Post}}</div></div>
{{template "foot" .}}{{end}}

{{define "callback"}}{{template "head" .}}<div class="card"><div class="head"><h1>{{.Heading}}</h1><span class="badge">Gatecheck mock</span></div>
<div class="body center"><p>{{.Message}}</p><p>Returning to the merchant…</p>
{{template "autopost" .Post}}</div></div>
{{template "foot" .}}{{end}}

{{define "acs"}}{{template "head" .}}<div class="card"><div class="head bank"><h1>{{.Bank}}</h1><span class="badge">3-D Secure</span></div>
<div class="body">
{{if .Returned}}<p class="warn">This verification was already completed. Submitting again reports ALREADY_RETURNED to the merchant.</p>{{end}}
<div class="amount" id="amount">{{.Amount}}</div>
<dl><dt>Merchant</dt><dd>{{.Merchant}}</dd><dt>Card</dt><dd id="card">{{.Card}}</dd><dt>Date</dt><dd>{{.Date}}</dd><dt>Payment</dt><dd>{{.PaymentID}}</dd></dl>
<form id="acs" method="post" action="{{.Action}}">
<input type="hidden" name="t" value="{{.Token}}">
<label for="otp">SMS verification code</label>
<input id="otp" type="text" name="otp" inputmode="numeric" autocomplete="one-time-code" placeholder="Any code works in the sandbox" maxlength="12" autofocus>
<div class="buttons"><button type="submit" name="action" value="verify" id="verify">Verify</button>
<button type="submit" name="action" value="reject" id="reject" class="secondary">Reject</button></div>
</form>
<p class="note">Sandbox bank: Verify authenticates with mdStatus {{.VerifyMd}}{{if .MdNote}} ({{.MdNote}}){{end}}; Reject answers mdStatus 0. Merchant 3-D Secure mode {{.Mode}}, model {{.Model}}.</p>
</div><div class="foot">Gatecheck mock ACS — not a real bank</div></div>
{{template "foot" .}}{{end}}

{{define "checkout"}}{{template "head" .}}<div class="card"><div class="head"><h1>Secure checkout</h1><span class="badge">Gatecheck mock</span></div>
<div class="body">
<div class="amount" id="amount">{{.Amount}}</div>
<table>{{range .Items}}<tr><td>{{.Name}}</td><td class="num">{{.Price}}</td></tr>{{end}}</table>
<p class="note">{{.Order}} · pay before {{.Expires}}</p>
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form id="checkout" method="post" action="{{.Action}}" autocomplete="on">
<label for="cardHolderName">Card holder</label>
<input id="cardHolderName" type="text" name="cardHolderName" value="{{.Holder}}" autocomplete="cc-name" required maxlength="100">
<label for="cardNumber">Card number</label>
<input id="cardNumber" type="text" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 5678 9012 3456" required maxlength="23">
<div class="row"><div><label for="expireMonth">Month</label>
<input id="expireMonth" type="text" name="expireMonth" value="{{.Month}}" inputmode="numeric" autocomplete="cc-exp-month" placeholder="MM" required maxlength="2"></div>
<div><label for="expireYear">Year</label>
<input id="expireYear" type="text" name="expireYear" value="{{.Year}}" inputmode="numeric" autocomplete="cc-exp-year" placeholder="YYYY" required maxlength="4"></div>
<div><label for="cvc">CVC</label>
<input id="cvc" type="password" name="cvc" inputmode="numeric" autocomplete="cc-csc" placeholder="123" required maxlength="4"></div></div>
<label for="installment">Installments</label>
<select id="installment" name="installment">{{range .Installments}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>{{end}}</select>
<div class="buttons"><button type="submit" id="pay">Pay {{.Amount}}</button></div>
</form>
</div><div class="foot">Gatecheck mock checkout — test cards only</div></div>
{{template "foot" .}}{{end}}

{{define "message"}}{{template "head" .}}<div class="card"><div class="head"><h1>{{.Heading}}</h1><span class="badge">Gatecheck mock</span></div>
<div class="body"><p id="message">{{.Message}}</p></div></div>
{{template "foot" .}}{{end}}
`))

// formField is one hidden input of an auto-posted form.
type formField struct{ Name, Value string }

// autoPost is a form the browser submits by itself.
type autoPost struct {
	Action string
	Fields []formField
	Button string
}

// sendCallbackPage answers the page that posts fields back to the
// merchant's callbackURL, titled heading, saying message.
func (c *call) sendCallbackPage(heading, message, callbackURL string, fields []formField) {
	c.sendHTML(http.StatusOK, renderPage("callback", struct {
		Title, Heading, Message string
		Post                    autoPost
	}{heading, heading, message, autoPost{Action: callbackURL, Fields: fields, Button: "Return to the merchant"}}))
}

// formFields lists the values of form's names, in that order.
func formFields(form url.Values, names []string) []formField {
	fields := make([]formField, len(names))
	for i, n := range names {
		fields[i] = formField{n, form.Get(n)}
	}
	return fields
}

// renderPage executes a page template.
func renderPage(name string, data any) []byte {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		panic("mock: render " + name + ": " + err.Error()) // a bug: answered as a 500
	}
	return b.Bytes()
}

// sendHTML answers a page.
func (c *call) sendHTML(status int, page []byte) {
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	c.wrote, c.status = true, status
	c.w.WriteHeader(status)
	_, _ = c.w.Write(page)
}

// sendMessage answers a page with a heading and one sentence.
func (c *call) sendMessage(status int, title, message string) {
	c.sendHTML(status, renderPage("message", struct{ Title, Heading, Message string }{title, title, message}))
}

// displayAmount formats an amount for people: at least two decimals, and
// the currency.
func displayAmount(v money, currency string) string {
	s := v.String()
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".00"
	} else if len(s)-i == 2 {
		s += "0"
	}
	return s + " " + currency
}

// parsePageForm reads a browser form body (urlencoded), bounded by the
// mock's body limit; a field longer than MaxTextBytes is refused, as in
// the API's bodies.
func (m *Mock) parsePageForm(c *call) bool {
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, m.maxBody)
	if err := c.r.ParseForm(); err != nil {
		c.sendMessage(http.StatusBadRequest, "Bad request", "The form could not be read.")
		return false
	}
	for k, vs := range c.r.Form {
		for _, v := range vs {
			if len(v) > MaxTextBytes {
				c.sendMessage(http.StatusBadRequest, "Bad request", "The field "+truncate(k, 40)+" is longer than "+
					strconv.Itoa(MaxTextBytes)+" bytes.")
				return false
			}
		}
	}
	return true
}

// pageSession finds the session of a hosted page's {token} in sessions,
// reading the form first when the browser POSTs one. It answers the page
// itself (a bad form, or notFound with 404) and returns nil when it cannot.
func pageSession[S any](m *Mock, c *call, sessions *keyed[*S], notFound string) *S {
	if c.r.Method == http.MethodPost && !m.parsePageForm(c) {
		return nil
	}
	s := sessions.get(c.idText)
	if s == nil {
		c.sendMessage(http.StatusNotFound, "Not found", notFound)
	}
	return s
}

// publicBase is the base URL a browser reaches the mock at.
func (m *Mock) publicBase(r *http.Request) string {
	if m.publicURL != "" {
		return m.publicURL
	}
	u := signedURL(r, m.cfg.TrustProxy)
	// signedURL is scheme://host followed by the request target.
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[:i+3+j]
		}
	}
	return u
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
