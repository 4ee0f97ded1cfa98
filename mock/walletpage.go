package mock

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The wallet methods whose money comes from a card: Masterpass, BKM
// Express, Garanti Pay, Juzdan and the POS-APMs (YKB World Pay, Garanti
// Pay v2, Google Pay). In each, the buyer chooses a card in the provider's
// wallet, on the provider's page or app; the mock stands in for that with
// one page, GET/POST /_mock/wallet/{key}?t=TOKEN, where the buyer types a
// test card of the catalogue (any card, as on the checkout page: the
// provider's wallet holds them all). The payment that follows is an
// ordinary card payment of that card (its catalogue outcome; retrieve,
// refund and cancel as for any payment), reported with the method's
// paymentProvider.
//
// Two shapes:
//   - charged on the page (Garanti Pay, Juzdan, POS-APM): the payment is made
//     when the buyer confirms, and the browser is sent to the merchant's
//     callbackUrl with the 3-D Secure callback fields and hash (status,
//     paymentId, conversationId, hash).
//   - chosen on the page, charged by the API (Masterpass complete and
//     3ds-init, BKM Express complete): the page records the card; the
//     merchant's API call makes the payment.

// methodCapacity bounds the sessions the mock keeps; the oldest is dropped
// first.
const methodCapacity = 1 << 14

// pathWalletPage is the provider's page of the wallet methods.
const pathWalletPage = "/_mock/wallet"

// The paymentSources of the wallet methods' payments, after store.go's.
const (
	sourceMasterpass = sourcePayByLink + 1 + iota
	sourceBkmExpress
	sourceGarantiPay
	sourceJuzdan
	sourceYKBWorldPay
	sourceYKBWorldPayLoan
	sourceGooglePay
	sourcePosGarantiPay
	sourceMultiPayment
)

// methodOrigins are the paymentType, paymentProvider and paymentSource of
// each source above, as appendPayment writes them.
var methodOrigins = map[uint8]string{
	sourceMasterpass:      origin("MASTERPASS", "API"),
	sourceBkmExpress:      origin("BKM_EXPRESS", "API"),
	sourceGarantiPay:      origin("GARANTI_PAY", "API"),
	sourceJuzdan:          origin("BANK", "JUZDAN"),
	sourceYKBWorldPay:     origin("YKB_WORLD_PAY", "API"),
	sourceYKBWorldPayLoan: origin("YKB_WORLD_PAY_SHOPPING_LOAN", "API"),
	sourceGooglePay:       origin("GOOGLEPAY", "API"),
	sourcePosGarantiPay:   origin("GARANTI_PAY", "API"),
	sourceMultiPayment:    origin("BANK", "API"),
}

func origin(provider, source string) string {
	return `,"paymentType":"CARD_PAYMENT","paymentProvider":"` + provider + `","paymentSource":"` + source + `"`
}

// methodOrigin is the JSON of a wallet method's payment origin, or "".
func methodOrigin(source uint8) string { return methodOrigins[source] }

// methodSession is one payment of a wallet method, from its init to its
// payment. The page (token, basket, installments) is a checkout session;
// its mu guards the fields below.
type methodSession struct {
	page        *checkoutSession
	method      string // the provider's name, shown on the page
	key         string // the session's key in the store (a reference id)
	alias       string // a second key (BKM Express: the token), or ""
	callbackURL string
	v2          bool
	onPage      bool // charged on the page; else the page records the card
	// recorded by the page when !onPage
	card        *craftgate.Card
	installment int
	// forceThreeDS: Masterpass payments that must use 3ds-init.
	forceThreeDS bool
	completed    bool // the API call that finishes it was made
	expires      time.Time
}

// methodState is the state of the wallet methods (this file), split
// payments (multipayment.go), card verification and secure fields
// (cardverify.go, cardsextra.go), meal vouchers (mealvoucher.go), BNPL
// limit inquiries (bnpllimit.go) and virtual POSes (merchantpos.go). The
// zero value is ready.
type methodState struct {
	methods       methodStore
	poses         posStore
	vouchers      keyed[*voucherSession]
	limits        keyed[limitInquiry]
	cardVerify    keyed[*cardVerifySession]
	cardVerify3DS keyed[*cardVerify3DS] // THREE_DS verifications at the bank
	secureFields  keyed[*secureCard]
	multi         keyed[*multiSession]
	tokens        keyed[string] // payment tokens -> issuer (paymenttokens.go)
}

// methodStore holds the sessions by key, bounded by methodCapacity. The
// zero value is ready.
type methodStore struct {
	mu    sync.Mutex
	byKey map[string]*methodSession
	order []string
	// linkedGsm are the Masterpass numbers tokens were made for (masterpass.go).
	linkedGsm map[string]bool
}

// add stores s under its key (and alias).
func (st *methodStore) add(s *methodSession) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byKey == nil {
		st.byKey = map[string]*methodSession{}
	}
	if len(st.order) >= methodCapacity {
		old := st.byKey[st.order[0]]
		delete(st.byKey, st.order[0])
		if old != nil && old.alias != "" {
			delete(st.byKey, old.alias)
		}
		st.order = st.order[1:]
	}
	st.byKey[s.key] = s
	if s.alias != "" {
		st.byKey[s.alias] = s
	}
	st.order = append(st.order, s.key)
}

// get returns the session of key (or alias), or nil.
func (st *methodStore) get(key string) *methodSession {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.byKey[key]
}

// newMethodSession validates order (the basket: amounts, currency, items)
// and the installment options and returns a session with its page. The
// caller sets the method's fields and stores it with m.pm.methods.add.
func (m *Mock) newMethodSession(order craftgate.CreatePaymentRequest, method string, source uint8, installments []int) (*methodSession, *apiError) {
	order.Installment = 1
	var d draft
	if e := validateOrder(&order, &d); e != nil {
		return nil, e
	}
	if e := m.checkSellers(&d); e != nil { // marketplace.go
		return nil, e
	}
	opts := []int{1}
	for _, n := range installments {
		if n < 1 || n > 12 {
			return nil, errValidation(CodeInvalidInstallment, "installments must be between 1 and 12, got "+strconv.Itoa(n))
		}
		if n > 1 && craftgate.Currencies[d.currency] != craftgate.CurrencyTRY {
			return nil, errValidation(CodeInvalidInstallment, "installments above 1 need currency TRY")
		}
		if !containsInt(opts, n) {
			opts = append(opts, n)
		}
	}
	sortInts(opts)
	currency := craftgate.Currencies[d.currency]
	now := m.Now()
	s := &methodSession{method: method, expires: now.Add(DefaultCheckoutTTL)}
	s.page = &checkoutSession{token: randomToken(), expires: s.expires, order: order, installments: opts,
		price: d.paidPrice, currency: currency, page: pathWalletPage, source: source}
	for i, it := range d.txs {
		name := it.name
		if name == "" {
			name = "Item " + strconv.Itoa(i+1)
		}
		s.page.items = append(s.page.items, pageItem{name, displayAmount(it.price, currency)})
	}
	return s, nil
}

func containsInt(xs []int, n int) bool {
	for _, x := range xs {
		if x == n {
			return true
		}
	}
	return false
}

func sortInts(xs []int) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// pageURL is the provider's page of s.
func (m *Mock) pageURL(r *http.Request, s *methodSession) string {
	return m.publicBase(r) + pathWalletPage + "/" + s.key + "?t=" + s.page.token
}

// walletSession finds the session of a page request and checks its token;
// it answers the error page itself.
func (m *Mock) walletSession(c *call) (*methodSession, bool) {
	if c.r.Method == http.MethodPost {
		if !m.parsePageForm(c) {
			return nil, false
		}
	} else if err := c.r.ParseForm(); err != nil {
		c.sendMessage(http.StatusBadRequest, "Bad request", "The link could not be read.")
		return nil, false
	}
	s := m.pm.methods.get(c.idText)
	if s == nil || s.key != c.idText || subtle.ConstantTimeCompare([]byte(c.r.Form.Get("t")), []byte(s.page.token)) != 1 {
		c.sendMessage(http.StatusNotFound, "Not found", "There is no such payment at this provider.")
		return nil, false
	}
	return s, true
}

// walletPage serves GET /_mock/wallet/{key}: the provider's card choice.
func (m *Mock) walletPage(c *call) error {
	s, ok := m.walletSession(c)
	if !ok {
		return nil
	}
	s.page.mu.Lock()
	done, expired := s.page.state == checkoutPaid || s.card != nil, s.page.expired(m.Now())
	s.page.mu.Unlock()
	switch {
	case done:
		c.sendMessage(http.StatusOK, "Already answered", "A card was already chosen for this payment.")
	case expired:
		c.sendMessage(http.StatusGone, "Expired", "This payment has expired at "+s.method+".")
	default:
		c.sendHTML(http.StatusOK, m.renderProviderPage(s, "", "", "", "", 1))
	}
	return nil
}

// renderProviderPage is the checkout page's card form under the provider's name;
// the token travels as the form's t.
func (m *Mock) renderProviderPage(s *methodSession, errMsg, holder, month, year string, installment int) []byte {
	out := m.renderCheckout(s.form(), errMsg, holder, month, year, installment)
	return []byte(strings.Replace(string(out), "<h1>Secure checkout</h1>", "<h1>"+html.EscapeString(s.method)+"</h1>", 1))
}

// form is the page's card form as the checkout page renders and pays it:
// its action carries the key and the token. The caller holds s.page.mu or
// reads only fields set at init.
func (s *methodSession) form() *checkoutSession {
	return &checkoutSession{token: s.key + "?t=" + s.page.token, expires: s.page.expires, order: s.page.order,
		installments: s.page.installments, onlyCredit: s.page.onlyCredit, price: s.page.price, currency: s.page.currency,
		items: s.page.items, page: s.page.page, source: s.page.source, paymentID: s.page.paymentID}
}

// walletPay serves POST /_mock/wallet/{key}: the buyer's card.
func (m *Mock) walletPay(c *call) error {
	s, ok := m.walletSession(c)
	if !ok {
		return nil
	}
	now := m.Now()
	s.page.mu.Lock()
	defer s.page.mu.Unlock()
	switch {
	case s.page.state == checkoutPaid || s.card != nil:
		c.sendMessage(http.StatusConflict, "Already answered", "A card was already chosen for this payment.")
		return nil
	case s.page.expired(now):
		c.sendMessage(http.StatusGone, "Expired", "This payment has expired at "+s.method+".")
		return nil
	}
	if _, typed := c.r.PostForm["cardNumber"]; !typed { // the init's htmlContent arriving
		c.sendHTML(http.StatusOK, m.renderProviderPage(s, "", "", "", "", 1))
		return nil
	}
	if s.onPage {
		p, failed := m.payOnPage(c, s.form(), now)
		if p == nil {
			return nil // the form again, with its error
		}
		s.page.state, s.page.paymentID = checkoutPaid, p.id
		m.emitPayment(EventAPIAuth, p, failed)
		f := callbackFields{status: craftgate.StatusSuccess, completeStatus: craftgate.CompleteStatusCompleted,
			paymentID: itoa(p.id), conversationID: s.page.order.ConversationID, md: -1}
		heading, msg := "Payment received", s.method+" took the payment."
		if failed {
			f.status, f.completeStatus = craftgate.StatusFailure, ""
			heading, msg = "Payment declined", "Your bank declined the payment."
		}
		if s.onComplete() {
			f.completeStatus = craftgate.CompleteStatusWaiting
		}
		if s.callbackURL == "" { // Juzdan in the app: the merchant learns it by retrieve
			c.sendMessage(http.StatusOK, heading, msg)
			return nil
		}
		m.sendCallback(c, &threeDSSession{callbackURL: s.callbackURL, v2: s.v2}, f, heading, msg)
		return nil
	}
	card, installment, errMsg := m.chosenCard(c, s, now)
	if errMsg != "" {
		f := c.r.PostForm
		c.sendHTML(http.StatusOK, m.renderProviderPage(s, errMsg, f.Get("cardHolderName"), f.Get("expireMonth"), f.Get("expireYear"), installment))
		return nil
	}
	s.card, s.installment = card, installment
	m.chosen(s)
	c.sendMessage(http.StatusOK, "Card chosen", s.method+" will pay with "+craftgate.MaskPAN(card.CardNumber)+". Return to the merchant to finish.")
	return nil
}

// onComplete reports whether the method's API finishes a payment charged
// on the page (POS-APM complete).
func (s *methodSession) onComplete() bool {
	return s.page.source >= sourceYKBWorldPay && s.page.source <= sourcePosGarantiPay
}

// chosen is told of a card chosen on the page (BKM Express notifies the
// merchant, bkmexpress.go); the caller holds s.page.mu.
func (m *Mock) chosen(s *methodSession) {
	if s.page.source == sourceBkmExpress {
		m.bkmNotify(s)
	}
}

// chosenCard reads and checks the card form: a valid card the payment
// could be made with (the bank's answer comes later). The caller holds
// s.page.mu.
func (m *Mock) chosenCard(c *call, s *methodSession, now time.Time) (*craftgate.Card, int, string) {
	form := c.r.PostForm
	installment := 1
	if v := form.Get("installment"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !containsInt(s.page.installments, n) {
			return nil, 1, "Choose one of the installment options offered."
		}
		installment = n
	}
	card := &craftgate.Card{CardHolderName: strings.TrimSpace(form.Get("cardHolderName")), CardNumber: cleanCardNumber(form.Get("cardNumber")),
		ExpireMonth: strings.TrimSpace(form.Get("expireMonth")), ExpireYear: strings.TrimSpace(form.Get("expireYear")), CVC: strings.TrimSpace(form.Get("cvc"))}
	req := s.page.order
	req.Installment, req.Card = installment, card
	var d draft
	if e := validatePayment(&req, now, true, &d); e != nil {
		return nil, installment, craftgate.MaskPANs(e.desc)
	}
	return card, installment, ""
}

// chargeChosen makes the payment of the card chosen on the page through
// the API (payByAPI answers it) and marks s completed. The caller holds
// s.page.mu and has checked s.card.
func (m *Mock) chargeChosen(c *call, s *methodSession) {
	req := s.page.order
	req.Installment, req.Card = s.installment, s.card
	id := m.payByAPI(c, &req, s.page.source)
	s.completed = true
	if id != 0 {
		s.page.state, s.page.paymentID = checkoutPaid, id
	}
}

// errMethodState is the refusal of a call the session is not ready for.
func errMethodState(method, key, why string) *apiError {
	return errValidation(CodeMethodNotReady, method+" "+key+": "+why)
}

// errMethodNotFound is the 404 of an unknown reference.
func errMethodNotFound(what, key string) *apiError {
	return errNotFound(CodeMethodNotFound, what+" "+strconv.Quote(truncate(key, 64))+" not found")
}

// Error codes of the wallet methods, synthetic like those of errors.go.
const (
	// CodeMethodNotFound: no payment of the method with that reference
	// (referenceId, ticketId, token, sessionId; HTTP 404).
	CodeMethodNotFound = "1241"
	// CodeMethodNotReady: the call does not fit the payment's state (no
	// card chosen yet, already completed, 3-D Secure required...; HTTP 400).
	CodeMethodNotReady = "2401"
)

// walletPages are the provider's pages (the shared layout of pages.go).
var walletPages = template.Must(template.Must(pages.Clone()).Parse(`
{{define "walletredirect"}}{{template "head" .}}<div class="card"><div class="head"><h1>{{.Provider}}</h1><span class="badge">Gatecheck mock</span></div>
<div class="body center"><p>Connecting to {{.Provider}}…</p>
{{template "autopost" .Post}}</div></div>
{{template "foot" .}}{{end}}
`))

// redirectHTML is the base64 htmlContent that takes the browser to the
// provider's page of s.
func (m *Mock) redirectHTML(r *http.Request, s *methodSession) string {
	var b bytes.Buffer
	if err := walletPages.ExecuteTemplate(&b, "walletredirect", struct {
		Title, Provider string
		Post            autoPost
	}{s.method, s.method, autoPost{Action: m.pageURL(r, s), Button: "Continue to " + s.method}}); err != nil {
		panic("mock: render walletredirect: " + err.Error()) // a bug: answered as a 500
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// sendPayment answers the payment of s (retrieve by the method's
// reference): the payment, failed ones included, like a retrieve.
func (m *Mock) sendPayment(c *call, s *methodSession, what string) error {
	var id int64
	if e := locked(&s.page.mu, func() error {
		if s.page.state != checkoutPaid {
			return errMethodState(s.method+" payment", what, "is not paid yet")
		}
		id = s.page.paymentID
		return nil
	}); e != nil {
		return e
	}
	p := m.store.payment(id)
	if p == nil {
		return m.paymentNotFound("payment "+itoa(id), id)
	}
	return c.sendPayment(http.StatusOK, p, c.en())
}

// installmentNumbers are the numbers of the offered installments.
func installmentNumbers(enabled []int, offers []craftgate.CustomInstallment) []int {
	out := append([]int(nil), enabled...)
	for _, o := range offers {
		out = append(out, o.Number)
	}
	return out
}
