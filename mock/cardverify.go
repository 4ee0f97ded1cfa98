package mock

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Card verification (official clients; the docs give only a summary:
// https://developer.craftgate.io/en/payment/card-storage).
//
//	POST /payment/v1/cards/verify                  verify and store a card
//	POST /payment/v1/checkout-card-verify/init     {token, pageUrl, tokenExpireDate}
//	GET|POST /_mock/card-verify/{token}            the hosted page: the buyer's card
//	GET  /payment/v1/checkout-card-verify/{token}  {token, card}
//
// The verification follows the card's catalogue: NON_THREE_DS
// authorises verificationPrice (the card's non-3DS payment outcome) and
// refunds it at once (refundStatus SUCCESS); NONE stores the card without
// asking the bank; THREE_DS (hosted page only) needs the card's 3-D Secure
// verification to pass (mdStatus 1, threeds.go). A verified card is
// stored in the vault (to cardUserKey when given, else to a new card user).
//
// MOCK DECISION: POST /cards/verify with THREE_DS is refused as an
// unsupported feature (use the hosted page); a card the bank refuses
// answers cardVerifyStatus FAILURE (HTTP 200) and is not stored; the hosted
// page posts the single field token to callbackUrl, like the checkout page.

// pathCardVerifyPage is the hosted card-verification page.
const pathCardVerifyPage = "/_mock/card-verify"

// cardVerifyTypes are the paymentAuthenticationTypes of a verification.
var cardVerifyTypes = map[string]bool{craftgate.VerifyNonThreeDS: true, craftgate.VerifyThreeDS: true, craftgate.VerifyNone: true}

// verifyOutcome verifies pan with authType: whether the bank accepts it.
func verifyOutcome(pan, authType string) bool {
	switch authType {
	case craftgate.VerifyNone:
		return true
	case craftgate.VerifyThreeDS:
		tc, _ := craftgate.TestCards().Card(pan)
		return verifyMd(tc) == 1
	}
	return !craftgate.TestCards().Outcome(pan, craftgate.StepNon3DSPayment).Fails
}

// checkVerifyPrice validates the optional verificationPrice and currency.
func checkVerifyPrice(price *craftgate.Amount, currency string) *apiError {
	if price != nil {
		if _, e := checkAmount("verificationPrice", *price); e != nil {
			return e
		}
	}
	if currency != "" {
		if _, ok := currencyIndex(currency); !ok {
			return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(currency, 8))+" is not a currency code")
		}
	}
	return nil
}

// verifyCard serves POST /payment/v1/cards/verify.
func (m *Mock) verifyCard(c *call) error {
	var req craftgate.VerifyCardRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if req.Card == nil {
		return errRequired("card")
	}
	auth := req.PaymentAuthenticationType
	if auth == "" {
		auth = craftgate.VerifyNonThreeDS
	}
	switch {
	case !cardVerifyTypes[auth]:
		return errValidation(CodeInvalidCardVerify, "paymentAuthenticationType must be NON_THREE_DS, THREE_DS or NONE")
	case auth == craftgate.VerifyThreeDS:
		return errValidation(CodeUnsupportedFeature, "paymentAuthenticationType THREE_DS: the mock verifies with 3-D Secure on the hosted page ("+craftgate.PathCheckoutCardVerifyInit+")")
	}
	if e := checkVerifyPrice(req.VerificationPrice, req.Currency); e != nil {
		return e
	}
	now := m.Now()
	d, e := checkPlainCard(req.Card.CardHolderName, req.Card.CardNumber, req.Card.ExpireMonth, req.Card.ExpireYear, now, c.en(), "card.")
	if e != nil {
		return e
	}
	if e := checkAlias(req.Card.CardAlias, "card.cardAlias"); e != nil {
		return e
	}
	if !verifyOutcome(d.pan, auth) {
		c.sendData(http.StatusOK, craftgate.VerifyCardResponse{CardVerifyStatus: craftgate.CardVerifyFailure})
		return nil
	}
	d.userKey, d.alias, d.created = req.Card.CardUserKey, req.Card.CardAlias, now.Unix()
	sc, ok, err := m.store.vault.put(m, &d)
	if err != nil {
		return errVaultFullAPI(m.store.vault.capacity)
	}
	if !ok {
		return errNotFound(CodeCardUserNotFound, "card.cardUserKey "+strconv.Quote(truncate(d.userKey, 64))+" is not a card user; omit it to create one")
	}
	out := craftgate.VerifyCardResponse{CardUserKey: sc.userKey, CardToken: sc.token, CardVerifyStatus: craftgate.CardVerifySuccess}
	if auth == craftgate.VerifyNonThreeDS {
		out.RefundStatus = craftgate.StatusSuccess
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// cardVerifySession is a hosted verification page; guarded by page.mu.
type cardVerifySession struct {
	page        *checkoutSession // token, expiry, price shown
	auth        string
	cardUserKey string
	callbackURL string
	card        *craftgate.StoredCard // the verified card
	failed      bool
}

// initCheckoutCardVerify serves POST /payment/v1/checkout-card-verify/init.
func (m *Mock) initCheckoutCardVerify(c *call) error {
	var req craftgate.InitCheckoutCardVerifyRequest
	if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	auth := req.PaymentAuthenticationType
	if auth == "" {
		auth = craftgate.VerifyNonThreeDS
	}
	if !cardVerifyTypes[auth] {
		return errValidation(CodeInvalidCardVerify, "paymentAuthenticationType must be NON_THREE_DS, THREE_DS or NONE")
	}
	if e := checkVerifyPrice(req.VerificationPrice, req.Currency); e != nil {
		return e
	}
	if req.CardUserKey != "" && !m.store.vault.hasUser(req.CardUserKey) {
		return errNotFound(CodeCardUserNotFound, "cardUserKey "+strconv.Quote(truncate(req.CardUserKey, 64))+" is not a card user")
	}
	ttl := DefaultCheckoutTTL
	if req.TTL < 0 || req.TTL > maxCheckoutTTL {
		return errValidation(CodeInvalidTTL, "ttl must be between 1 and "+strconv.Itoa(maxCheckoutTTL)+" minutes")
	} else if req.TTL > 0 {
		ttl = time.Duration(req.TTL) * time.Minute
	}
	currency := req.Currency
	if currency == "" {
		currency = craftgate.CurrencyTRY
	}
	var price money
	if req.VerificationPrice != nil {
		price, _ = checkAmount("verificationPrice", *req.VerificationPrice)
	}
	s := &cardVerifySession{auth: auth, cardUserKey: req.CardUserKey, callbackURL: req.CallbackURL,
		page: &checkoutSession{token: newUUID(), expires: m.Now().Add(ttl), installments: []int{1}, price: price,
			currency: currency, page: pathCardVerifyPage}}
	m.pm.cardVerify.add(s.page.token, s)
	c.sendData(http.StatusOK, craftgate.InitCheckoutPaymentResponse{Token: s.page.token,
		PageURL: m.publicBase(c.r) + pathCardVerifyPage + "/" + s.page.token, TokenExpireDate: s.page.expires.In(m.loc).Format(craftgate.DateTimeLayout)})
	return nil
}

// cardVerifyPage serves GET and POST /_mock/card-verify/{token}.
func (m *Mock) cardVerifyPage(c *call) error {
	if c.r.Method == http.MethodPost && !m.parsePageForm(c) {
		return nil
	}
	s := m.pm.cardVerify.get(c.idText)
	if s == nil {
		c.sendMessage(http.StatusNotFound, "Not found", "This card verification page does not exist.")
		return nil
	}
	now := m.Now()
	s.page.mu.Lock()
	defer s.page.mu.Unlock()
	switch {
	case s.card != nil || s.failed:
		c.sendMessage(http.StatusConflict, "Already answered", "A card was already verified on this page.")
		return nil
	case s.page.expired(now):
		c.sendMessage(http.StatusGone, "Expired", "This card verification page has expired.")
		return nil
	}
	if c.r.Method == http.MethodGet {
		c.sendHTML(http.StatusOK, m.renderCheckout(s.page, "", "", "", "", 1))
		return nil
	}
	f := c.r.PostForm
	holder, month, year := strings.TrimSpace(f.Get("cardHolderName")), strings.TrimSpace(f.Get("expireMonth")), strings.TrimSpace(f.Get("expireYear"))
	d, e := checkPlainCard(holder, cleanCardNumber(f.Get("cardNumber")), month, year, now, true, "")
	if e != nil {
		c.sendHTML(http.StatusOK, m.renderCheckout(s.page, craftgate.MaskPANs(e.desc), holder, month, year, 1))
		return nil
	}
	heading, msg := "Card verified", "Your card was verified and saved."
	if verifyOutcome(d.pan, s.auth) {
		d.userKey, d.created = s.cardUserKey, now.Unix()
		if sc, ok, err := m.store.vault.put(m, &d); err == nil && ok {
			card := m.render(&sc)
			s.card = &card
		}
	}
	if s.card == nil {
		s.failed = true
		heading, msg = "Card not verified", "Your bank did not verify the card."
	}
	c.sendCallbackPage(heading, msg, s.callbackURL, []formField{{"token", s.page.token}})
	return nil
}

// retrieveCheckoutCardVerify serves GET /payment/v1/checkout-card-verify/{token}.
func (m *Mock) retrieveCheckoutCardVerify(c *call) error {
	s := m.pm.cardVerify.get(c.idText)
	if s == nil {
		return errMethodNotFound("card verification token", c.idText)
	}
	s.page.mu.Lock()
	defer s.page.mu.Unlock()
	if s.card == nil && !s.failed {
		return errMethodState("card verification", c.idText, "no card was verified on the page yet")
	}
	c.sendData(http.StatusOK, craftgate.CheckoutCardVerifyResult{Token: s.page.token, Card: s.card})
	return nil
}

// CodeInvalidCardVerify: a card-verification field is invalid (HTTP 400;
// synthetic like errors.go's).
const CodeInvalidCardVerify = "2404"
