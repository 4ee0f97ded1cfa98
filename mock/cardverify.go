package mock

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
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
//	GET|POST /_mock/acs/card-verify/{id}?t=TOKEN   the bank's page of a THREE_DS verification
//
// The verification follows the card's catalogue: NON_THREE_DS
// authorises verificationPrice (the card's non-3DS payment outcome) and
// refunds it at once (refundStatus SUCCESS); NONE stores the card without
// asking the bank; THREE_DS needs the card's 3-D Secure verification to
// pass (mdStatus 1, threeds.go). A verified card is stored in the vault
// (to cardUserKey when given, else to a new card user).
//
// POST /cards/verify with THREE_DS answers cardVerifyStatus
// THREE_DS_PENDING with htmlContent and redirectUrl, which take the buyer's
// browser to the bank's page (the ACS page of 3-D Secure payments); the
// bank's answer form-POSTs a callback to callbackUrl with status,
// conversationId, cardUserKey, cardToken (empty when not verified),
// mdStatus, hashParams and the version 2 hash (craftgate.CallbackHashV2).
//
// MOCK DECISIONS: a card the bank refuses answers cardVerifyStatus FAILURE
// (HTTP 200) and is not stored; the hosted page posts the single field
// token to callbackUrl, like the checkout page; a THREE_DS verification is
// not a payment (no paymentId, no payment record), its callback is always
// of version 2, merchantCallbackUrl echoes callbackUrl, and its bank page
// answers once (a second answer is refused with HTTP 409).

// pathCardVerifyPage is the hosted card-verification page;
// pathCardVerifyACS is the bank's page of a THREE_DS verification.
const (
	pathCardVerifyPage = "/_mock/card-verify"
	pathCardVerifyACS  = pathACS + "/card-verify"
)

// cardVerifyHashParams is the hashParams of a THREE_DS verification's
// callback.
const cardVerifyHashParams = "status:conversationId:cardUserKey:cardToken:mdStatus"

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

// verifyAuth validates paymentAuthenticationType: NON_THREE_DS when
// none is given.
func verifyAuth(auth string) (string, *apiError) {
	if auth == "" {
		auth = craftgate.VerifyNonThreeDS
	}
	if !cardVerifyTypes[auth] {
		return "", errValidation(CodeInvalidCardVerify, "paymentAuthenticationType must be NON_THREE_DS, THREE_DS or NONE")
	}
	return auth, nil
}

// verifyPrice validates the optional verificationPrice (0 when none) and
// currency (TRY when none).
func verifyPrice(price *craftgate.Amount, currency string) (money, string, *apiError) {
	var v money
	if price != nil {
		var e *apiError
		if v, e = checkAmount("verificationPrice", *price); e != nil {
			return 0, "", e
		}
	}
	if currency == "" {
		return v, craftgate.CurrencyTRY, nil
	}
	if _, ok := currencyIndex(currency); !ok {
		return 0, "", errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(currency, 8))+" is not a currency code")
	}
	return v, currency, nil
}

// verifyCard serves POST /payment/v1/cards/verify.
func (m *Mock) verifyCard(c *call, req craftgate.VerifyCardRequest) error {
	if req.Card == nil {
		return errRequired("card")
	}
	auth, e := verifyAuth(req.PaymentAuthenticationType)
	if e != nil {
		return e
	}
	if auth == craftgate.VerifyThreeDS {
		if e := checkCallbackURL(req.CallbackURL); e != nil {
			return e
		}
	}
	price, currency, e := verifyPrice(req.VerificationPrice, req.Currency)
	if e != nil {
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
	d.userKey, d.alias = req.Card.CardUserKey, req.Card.CardAlias
	if d.userKey != "" && !m.store.vault.hasUser(d.userKey) {
		return errNotFound(CodeCardUserNotFound, "card.cardUserKey "+strconv.Quote(truncate(d.userKey, 64))+" is not a card user; omit it to create one")
	}
	if auth == craftgate.VerifyThreeDS {
		return m.beginCardVerify3DS(c, &req, d, price, currency)
	}
	if !verifyOutcome(d.pan, auth) {
		c.sendData(http.StatusOK, craftgate.VerifyCardResponse{CardVerifyStatus: craftgate.CardVerifyFailure})
		return nil
	}
	sc, err := m.keepVerified(d, now)
	if err != nil {
		return err
	}
	out := craftgate.VerifyCardResponse{CardUserKey: sc.userKey, CardToken: sc.token, CardVerifyStatus: craftgate.CardVerifySuccess}
	if auth == craftgate.VerifyNonThreeDS {
		out.RefundStatus = craftgate.StatusSuccess
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// keepVerified stores the verified card d in the vault (to d.userKey, or
// to a new card user); the error is the API's answer when the vault
// refuses it.
func (m *Mock) keepVerified(d storeDraft, now time.Time) (storedCard, *apiError) {
	d.created = now.Unix()
	return m.putInVault(&d, "card.cardUserKey")
}

// cardVerify3DS is a THREE_DS verification waiting for the buyer at the
// bank; answered is guarded by mu.
type cardVerify3DS struct {
	mu                                 sync.Mutex
	token, callbackURL, conversationID string
	draft                              storeDraft
	amount                             string // shown on the bank's page
	answered                           bool
}

// beginCardVerify3DS answers a THREE_DS verification of the checked card
// d, of price in currency (verifyPrice): THREE_DS_PENDING with the page
// that takes the buyer to the bank.
func (m *Mock) beginCardVerify3DS(c *call, req *craftgate.VerifyCardRequest, d storeDraft, price money, currency string) error {
	ci, _ := currencyIndex(currency) // checked by verifyPrice
	id := newUUID()
	s := &cardVerify3DS{token: randomToken(), callbackURL: req.CallbackURL, conversationID: req.ConversationID, draft: d,
		amount: displayAmount(price, craftgate.Currencies[ci])}
	m.pm.cardVerify3DS.add(id, s)
	acs := m.publicBase(c.r) + pathCardVerifyACS + "/" + id + "?t=" + s.token
	c.sendData(http.StatusOK, craftgate.VerifyCardResponse{HTMLContent: acsRedirectHTML(acs, formField{"t", s.token}),
		RedirectURL: acs, MerchantCallbackURL: req.CallbackURL, CardVerifyStatus: craftgate.CardVerifyPending3DS})
	return nil
}

// cardVerifyACS serves GET and POST /_mock/acs/card-verify/{id}: the
// bank's page of a THREE_DS verification, and the buyer's answer (action
// verify or reject), which stores the card when the bank authenticates it
// (mdStatus 1) and answers the callback form.
func (m *Mock) cardVerifyACS(c *call) error {
	if c.r.Method == http.MethodPost {
		if !m.parsePageForm(c) {
			return nil
		}
	} else if err := c.r.ParseForm(); err != nil {
		c.sendMessage(http.StatusBadRequest, "Bad request", "The link could not be read.")
		return nil
	}
	s := m.pm.cardVerify3DS.get(c.idText)
	if s == nil || subtle.ConstantTimeCompare([]byte(c.r.Form.Get("t")), []byte(s.token)) != 1 {
		c.sendMessage(http.StatusNotFound, "Not found", "There is no such card verification at the bank.")
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.answered {
		c.sendMessage(http.StatusConflict, "Already answered", "This card verification was already completed.")
		return nil
	}
	card, _ := craftgate.TestCards().Card(s.draft.pan)
	action := c.r.PostForm.Get("action")
	switch action {
	case "":
		set := m.settings.Load()
		m.sendACSPage(c, acsView{card: card, amount: s.amount, subject: "card verification", action: pathCardVerifyACS + "/" + c.idText,
			token: s.token, mode: set.ThreeDSMode, model: set.ThreeDSModel})
		return nil
	case "verify", "reject":
	default:
		c.sendMessage(http.StatusBadRequest, "Bad request", "Unknown action; use Verify or Reject.")
		return nil
	}
	s.answered = true
	md := 0
	if action == "verify" {
		md = verifyMd(card)
	}
	form := url.Values{"status": {craftgate.StatusFailure}, "conversationId": {s.conversationID}, "cardUserKey": {""}, "cardToken": {""},
		"mdStatus": {strconv.Itoa(md)}, "hashParams": {cardVerifyHashParams}}
	heading, msg := "Card not verified", "Your bank did not verify the card."
	if md == 1 {
		if sc, err := m.keepVerified(s.draft, m.Now()); err == nil {
			form.Set("status", craftgate.StatusSuccess)
			form.Set("cardUserKey", sc.userKey)
			form.Set("cardToken", sc.token)
			heading, msg = "Card verified", "Your card was verified and saved."
		}
	}
	form.Set("hash", craftgate.CallbackHashV2(m.callbackKey, form))
	c.sendCallbackPage(heading, msg, s.callbackURL, formFields(form, []string{"status", "conversationId", "cardUserKey", "cardToken", "mdStatus", "hashParams", "hash"}))
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
func (m *Mock) initCheckoutCardVerify(c *call, req craftgate.InitCheckoutCardVerifyRequest) error {
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	auth, e := verifyAuth(req.PaymentAuthenticationType)
	if e != nil {
		return e
	}
	price, currency, e := verifyPrice(req.VerificationPrice, req.Currency)
	if e != nil {
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
	s := pageSession(m, c, &m.pm.cardVerify, "This card verification page does not exist.")
	if s == nil {
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
		d.userKey = s.cardUserKey
		if sc, err := m.keepVerified(d, now); err == nil {
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
	return sendLocked(c, &s.page.mu, func() (craftgate.CheckoutCardVerifyResult, *apiError) {
		if s.card == nil && !s.failed {
			return craftgate.CheckoutCardVerifyResult{}, errMethodState("card verification", c.idText, "no card was verified on the page yet")
		}
		return craftgate.CheckoutCardVerifyResult{Token: s.page.token, Card: s.card}, nil
	})
}

// CodeInvalidCardVerify: a card-verification field is invalid (HTTP 400;
// synthetic like errors.go's).
const CodeInvalidCardVerify = "2404"
