package mock

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Checkout form, the common payment page (docs/reference/craftgate/flows.md section 7, docs/reference/craftgate/endpoints.md
// B.7).
//
//	POST   /payment/v1/checkout-payments/init     signed: {token, pageUrl, tokenExpireDate}
//	GET    /_mock/checkout/{token}                the card form
//	POST   /_mock/checkout/{token}                pay; answers the callback form {token}
//	GET    /payment/v1/checkout-payments/{token}  signed: the payment made on the page
//	DELETE /payment/v1/checkout-payments/{token}  signed: expire an unused token
//
// Mock choices where the reference is silent: a token pays once (a failed
// payment uses it up too, and both are posted to the callbackUrl, as the
// docs say); the page pays without 3-D Secure (forceThreeDS is accepted but
// not modelled); it takes plain cards only, so stored cards (cardUserKey,
// allowOnlyStoredCards), deposits and card storage are refused at init with
// CodeUnsupportedFeature, and enabledPaymentMethods must include CARD when
// given. Retrieve answers 400 before payment (CodeCheckoutNotPaid) and
// after expiry (CodeCheckoutExpired); DELETE of a paid token answers 400
// (CodeCheckoutAlreadyPaid) and of an expired one 200 again. The token's
// lifetime runs on the mock clock (Advance expires it). A form the buyer
// got wrong comes back with HTTP 200 and the message in the page (element
// id "error"): browsers log every non-2xx page as a console error, which a
// person mistyping a card number should not cause. A used token answers 409
// to POST, an expired one 410.

// DefaultCheckoutTTL is the token lifetime when init sends no ttl. The
// reference documents no default; 30 minutes is the mock's.
const DefaultCheckoutTTL = 30 * time.Minute

// maxCheckoutTTL bounds ttl (minutes): about two years.
const maxCheckoutTTL = 1_000_000

// Checkout token states.
const (
	checkoutOpen uint8 = iota
	checkoutPaid
	checkoutExpired // by DELETE; expiry by ttl is judged on the clock
)

// checkoutSession is one checkout token.
type checkoutSession struct {
	token        string
	callbackURL  string
	expires      time.Time
	order        craftgate.CreatePaymentRequest // the basket, without card and installment
	installments []int                          // sorted, 1 included
	onlyCredit   bool
	price        money // paidPrice, for display
	currency     string
	items        []pageItem
	// page is the path of the page's form (pathCheckoutPage or, for a
	// pay-by-link product, pathLinkPage), source the paymentSource of its
	// payments (sourceCheckout, sourcePayByLink).
	page   string
	source uint8

	mu        sync.Mutex
	state     uint8
	paymentID int64
}

// pageItem is one basket line on the page.
type pageItem struct{ Name, Price string }

// expired reports whether the token can no longer pay; the caller holds mu.
func (s *checkoutSession) expired(now time.Time) bool {
	return s.state == checkoutExpired || (s.state == checkoutOpen && !now.Before(s.expires))
}

// newUUID returns a random (version 4) UUID, the shape of Craftgate's
// checkout tokens.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// initCheckout serves POST /payment/v1/checkout-payments/init.
func (m *Mock) initCheckout(c *call) error {
	var req craftgate.InitCheckoutPaymentRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	order := craftgate.CreatePaymentRequest{
		Price: req.Price, PaidPrice: req.PaidPrice, Installment: 1, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, PaymentPhase: req.PaymentPhase, ConversationID: req.ConversationID,
		ExternalID: req.ExternalID, PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID,
		BankOrderID: req.OrderID, Items: req.Items, FraudParams: req.FraudParams,
	}
	var d draft
	if e := validateOrder(&order, &d); e != nil {
		return e
	}
	if e := m.checkSellers(&d); e != nil { // marketplace.go
		return e
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	switch {
	case req.CardUserKey != "" || req.AllowOnlyStoredCards:
		return errValidation(CodeUnsupportedFeature, "cardUserKey/allowOnlyStoredCards: stored cards are not supported by the mock's checkout page")
	case req.DepositPayment:
		return errValidation(CodeUnsupportedFeature, "depositPayment: the mock's checkout page does not top up wallets; use POST /payment/v1/deposits or deposits/3ds-init")
	case req.AlwaysStoreCardAfterPayment:
		return errValidation(CodeUnsupportedFeature, "alwaysStoreCardAfterPayment is not supported by the mock")
	case len(req.EnabledPaymentMethods) > 0 && !slices.Contains(req.EnabledPaymentMethods, "CARD"):
		return errValidation(CodeUnsupportedFeature, "enabledPaymentMethods: the mock's checkout page takes cards only; include CARD")
	}
	ttl := DefaultCheckoutTTL
	switch {
	case req.TTL < 0 || req.TTL > maxCheckoutTTL:
		return errValidation(CodeInvalidTTL, "ttl must be between 1 and "+strconv.Itoa(maxCheckoutTTL)+" minutes")
	case req.TTL > 0:
		ttl = time.Duration(req.TTL) * time.Minute
	}
	installments := []int{1}
	for _, n := range req.EnabledInstallments {
		if n < 1 || n > 12 {
			return errValidation(CodeInvalidInstallment, "enabledInstallments must be between 1 and 12, got "+strconv.Itoa(n))
		}
		if n > 1 && craftgate.Currencies[d.currency] != craftgate.CurrencyTRY {
			return errValidation(CodeInvalidInstallment, "enabledInstallments above 1 need currency TRY")
		}
		if !slices.Contains(installments, n) {
			installments = append(installments, n)
		}
	}
	slices.Sort(installments)

	currency := craftgate.Currencies[d.currency]
	s := &checkoutSession{
		token: newUUID(), callbackURL: req.CallbackURL, expires: m.Now().Add(ttl), order: order,
		installments: installments, onlyCredit: req.AllowOnlyCreditCard, price: d.paidPrice, currency: currency,
		page: pathCheckoutPage, source: sourceCheckout,
	}
	for i, it := range d.txs {
		name := it.name
		if name == "" {
			name = "Item " + strconv.Itoa(i+1)
		}
		s.items = append(s.items, pageItem{name, displayAmount(it.price, currency)})
	}
	m.checkouts.Store(s.token, s)
	if old := m.tokens.push(s.token); old != "" {
		m.checkouts.Delete(old) // the oldest token beyond the capacity
	}
	if m.log != nil && m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: checkout init", slog.String("paidPrice", d.paidPrice.String()),
			slog.Time("expires", s.expires))
	}
	c.sendData(http.StatusOK, craftgate.InitCheckoutPaymentResponse{
		Token: s.token, PageURL: m.publicBase(c.r) + pathCheckoutPage + "/" + s.token,
		TokenExpireDate: s.expires.In(m.loc).Format(craftgate.DateTimeLayout),
	})
	return nil
}

// tokenQueue remembers checkout tokens in creation order, so that the
// oldest can be forgotten beyond the store's capacity.
type tokenQueue struct {
	mu       sync.Mutex
	capacity int // 0 or negative: unbounded
	q        []string
	head     int
}

// push adds a token and returns the one to forget, if any.
func (t *tokenQueue) push(token string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.q = append(t.q, token)
	if t.capacity <= 0 || len(t.q)-t.head <= t.capacity {
		return ""
	}
	old := t.q[t.head]
	t.q[t.head] = ""
	t.head++
	if t.head > len(t.q)/2 && t.head > 1024 {
		t.q = append(t.q[:0:0], t.q[t.head:]...)
		t.head = 0
	}
	return old
}

// len is the number of tokens held.
func (t *tokenQueue) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.q) - t.head
}

// all returns the tokens held, oldest first.
func (t *tokenQueue) all() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.q[t.head:]...)
}

// checkoutByToken finds a session.
func (m *Mock) checkoutByToken(token string) *checkoutSession {
	v, ok := m.checkouts.Load(token)
	if !ok {
		return nil
	}
	return v.(*checkoutSession)
}

// checkoutForm is what the page shows.
type checkoutForm struct {
	Title, Amount, Order, Expires, Error, Action, Holder, Month, Year string
	Items                                                             []pageItem
	Installments                                                      []installmentOption
}

type installmentOption struct {
	Value, Label string
	Selected     bool
}

// renderCheckout renders the card form, keeping what the buyer typed
// except the card number and CVC.
func (m *Mock) renderCheckout(s *checkoutSession, errMsg, holder, month, year string, installment int) []byte {
	f := checkoutForm{
		Title: "Checkout", Amount: displayAmount(s.price, s.currency), Order: mockMerchantName,
		Expires: s.expires.In(m.loc).Format("02.01.2006 15:04"), Error: errMsg, Action: s.page + "/" + s.token,
		Holder: holder, Month: month, Year: year, Items: s.items,
	}
	for _, n := range s.installments {
		label := "Single payment"
		if n > 1 {
			label = strconv.Itoa(n) + " installments"
		}
		f.Installments = append(f.Installments, installmentOption{strconv.Itoa(n), label, n == installment})
	}
	return renderPage("checkout", f)
}

// checkoutPage serves GET /_mock/checkout/{token}.
func (m *Mock) checkoutPage(c *call) error {
	s := m.checkoutByToken(c.idText)
	if s == nil {
		c.sendMessage(http.StatusNotFound, "Checkout not found", "This payment page does not exist.")
		return nil
	}
	s.mu.Lock()
	expired, paid := s.expired(m.Now()), s.state == checkoutPaid
	s.mu.Unlock()
	switch {
	case paid:
		c.sendMessage(http.StatusOK, "Already paid", "A payment was already made on this page.")
	case expired:
		c.sendMessage(http.StatusGone, "Expired", "This payment page has expired.")
	default:
		c.sendHTML(http.StatusOK, m.renderCheckout(s, "", "", "", "", 1))
	}
	return nil
}

// cleanCardNumber drops the spaces and dashes people type.
func cleanCardNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

// checkoutPay serves POST /_mock/checkout/{token}: validates the card
// form, pays (the card's non-3DS outcome) and answers the callback form.
func (m *Mock) checkoutPay(c *call) error {
	if !m.parsePageForm(c) {
		return nil
	}
	s := m.checkoutByToken(c.idText)
	if s == nil {
		c.sendMessage(http.StatusNotFound, "Checkout not found", "This payment page does not exist.")
		return nil
	}
	now := m.Now()

	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.state == checkoutPaid:
		c.sendMessage(http.StatusConflict, "Already paid", "A payment was already made on this page.")
		return nil
	case s.expired(now):
		c.sendMessage(http.StatusGone, "Expired", "This payment page has expired.")
		return nil
	}
	p, failed := m.payOnPage(c, s, now)
	if p == nil {
		return nil
	}
	s.state, s.paymentID = checkoutPaid, p.id
	if !failed {
		m.emit(EventCheckoutFormAuth, craftgate.StatusSuccess, s.token, p.id)
	}
	heading, msg := "Payment received", "Your payment was successful."
	if failed {
		heading, msg = "Payment declined", "Your bank declined the payment."
	}
	c.sendCallbackPage(heading, msg, s.callbackURL, []formField{{"token", s.token}})
	return nil
}

// payOnPage validates the card form posted to a hosted page (the checkout
// page, a pay-by-link product's page) and pays: the card's non-3DS
// outcome, stored with the session's paymentSource. A form the buyer got
// wrong is answered with the form and its error, and p is nil. The caller
// holds s.mu (or, for a product, the product store's lock) and answers a
// payment itself.
func (m *Mock) payOnPage(c *call, s *checkoutSession, now time.Time) (p *payment, failed bool) {
	form := c.r.PostForm
	holder, month, year := strings.TrimSpace(form.Get("cardHolderName")), strings.TrimSpace(form.Get("expireMonth")), strings.TrimSpace(form.Get("expireYear"))
	installment, err := strconv.Atoi(form.Get("installment"))
	if form.Get("installment") == "" {
		installment, err = 1, nil
	}
	if err != nil || !slices.Contains(s.installments, installment) {
		c.sendHTML(http.StatusOK, m.renderCheckout(s, "Choose one of the installment options offered.", holder, month, year, 1))
		return nil, false
	}
	req := s.order
	req.Installment = installment
	req.Card = &craftgate.Card{CardHolderName: holder, CardNumber: cleanCardNumber(form.Get("cardNumber")),
		ExpireMonth: month, ExpireYear: year, CVC: strings.TrimSpace(form.Get("cvc"))}
	d := draft{source: s.source}
	if e := validatePayment(&req, now, true, &d); e != nil {
		c.sendHTML(http.StatusOK, m.renderCheckout(s, craftgate.MaskPANs(e.desc), holder, month, year, installment))
		return nil, false
	}
	if s.onlyCredit && d.card.CardType != "CREDIT_CARD" {
		c.sendHTML(http.StatusOK, m.renderCheckout(s, "Only credit cards are accepted for this payment.", holder, month, year, installment))
		return nil, false
	}
	splitPaidPrice(&d)
	step := d.authStep() // paymentPhase PRE_AUTH at init: the PRE_AUTH outcome (preauth.go)
	out := craftgate.TestCards().Outcome(d.card.Number, step)
	if out.Fails {
		d.failStep = failStepOf(step)
	}
	if down := m.bankOutage(d.card, now); down != nil {
		out.Fails, d.failStep, d.outage = true, stepOutage, down.index
	}
	id := s.paymentID // an id the method's init already gave (walletpage.go)
	if id == 0 {
		id = nextRange(&m.ids.payment, 1)
	}
	p = m.store.insertPayment(&d, id, nextRange(&m.ids.tx, len(d.txs)), now.Unix(), out.Fails)
	if m.log != nil && m.log.Enabled(c.r.Context(), slog.LevelDebug) {
		m.log.LogAttrs(c.r.Context(), slog.LevelDebug, "mock: hosted page payment", slog.Int64("id", p.id),
			slog.String("status", p.status()), slog.String("card", craftgate.MaskPAN(d.card.Number)))
	}
	return p, out.Fails
}

// retrieveCheckout serves GET /payment/v1/checkout-payments/{token}.
func (m *Mock) retrieveCheckout(c *call) error {
	s := m.checkoutByToken(c.idText)
	if s == nil {
		return errNotFound(CodeCheckoutNotFound, "checkout token "+c.idText+" not found")
	}
	s.mu.Lock()
	state, id, expired := s.state, s.paymentID, s.expired(m.Now())
	s.mu.Unlock()
	switch {
	case state == checkoutPaid:
		p := m.store.payment(id)
		if p == nil {
			return m.paymentNotFound("checkout token "+c.idText+": its payment "+itoa(id), id)
		}
		return c.sendPayment(http.StatusOK, p, c.en())
	case expired:
		c.fail(errValidation(CodeCheckoutExpired, "checkout token "+c.idText+" has expired without a payment"))
	default:
		c.fail(errValidation(CodeCheckoutNotPaid, "checkout token "+c.idText+" has no payment yet"))
	}
	return nil
}

// expireCheckout serves DELETE /payment/v1/checkout-payments/{token}:
// HTTP 200 with an empty body.
func (m *Mock) expireCheckout(c *call) error {
	s := m.checkoutByToken(c.idText)
	if s == nil {
		return errNotFound(CodeCheckoutNotFound, "checkout token "+c.idText+" not found")
	}
	if e := locked(&s.mu, func() error {
		if s.state == checkoutPaid {
			return errValidation(CodeCheckoutAlreadyPaid, "checkout token "+c.idText+" was already used for a payment")
		}
		s.state = checkoutExpired
		return nil
	}); e != nil {
		return e
	}
	c.sendEmpty(http.StatusOK)
	return nil
}
