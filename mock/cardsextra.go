package mock

import (
	"net/http"
	"strings"
	"sync"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The card vault's other doors (official clients).
//
//	POST /payment/v1/cards/clone                   a stored card copied to a card user
//	GET  /payment/v1/cards/provider-card-mappings  cards migrated from another provider
//	GET  /payment/v1/ivr-cards                     the card captured on a phone call
//	GET|POST /_mock/secure-fields                  the secure fields' stand-in: a card -> secureFieldsToken
//	POST /payment/v1/cards {secureFieldsToken}     store the card behind the token (cards.go)
//
// MOCK DECISION: the mock is one merchant, so a clone lands in its own
// vault (targetMerchantId is required and must be positive) under
// targetCardUserKey, or a new card user. The mock keeps no cards at other
// providers: provider-card-mappings validates cardProvider (IYZICO, IPARA,
// BIRLESIK_ODEME, MEX) and answers an empty page. Secure fields run in
// Craftgate's iframe; the mock's stand-in is the page /_mock/secure-fields,
// whose answer shows the secureFieldsToken (element id secureFieldsToken,
// valid DefaultCheckoutTTL, usable once). An IVR call's callToken is such
// a token: ivr-cards stores its card for cardUserKey (or a new card user)
// and answers a fresh secureFieldsToken for the stored card.

// pathSecureFields is the secure fields' stand-in page.
const pathSecureFields = "/_mock/secure-fields"

// keyed is a string-keyed map bounded by methodCapacity, oldest dropped
// first. The zero value is ready.
type keyed[V any] struct {
	mu    sync.Mutex
	byKey map[string]V
	order []string
}

func (k *keyed[V]) add(key string, v V) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.byKey == nil {
		k.byKey = map[string]V{}
	}
	if len(k.order) >= methodCapacity {
		delete(k.byKey, k.order[0])
		k.order = k.order[1:]
	}
	k.byKey[key] = v
	k.order = append(k.order, key)
}

func (k *keyed[V]) get(key string) V {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.byKey[key]
}

// take returns and forgets key's value.
func (k *keyed[V]) take(key string) (V, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.byKey[key]
	delete(k.byKey, key)
	return v, ok
}

// secureCard is the card behind a secureFieldsToken.
type secureCard struct {
	card    storeDraft
	expires int64
}

// cloneStoredCard serves POST /payment/v1/cards/clone.
func (m *Mock) cloneStoredCard(c *call, req craftgate.CloneStoredCardRequest) error {
	if e := requireCardKeys(req.SourceCardUserKey, req.SourceCardToken); e != nil {
		return errValidation(CodeRequiredField, "sourceCardUserKey and sourceCardToken are required")
	}
	if req.TargetMerchantID <= 0 {
		return errRequired("targetMerchantId")
	}
	src, ok := m.store.vault.get(req.SourceCardUserKey, req.SourceCardToken)
	if !ok {
		return errStoredCardNotFound(req.SourceCardUserKey, req.SourceCardToken)
	}
	d := storeDraft{userKey: req.TargetCardUserKey, pan: src.pan, holder: src.holder, alias: src.alias,
		month: src.month, year: src.year, created: m.Now().Unix()}
	sc, e := m.putInVault(&d, "targetCardUserKey")
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, m.render(&sc))
	return nil
}

// providerCardMappings serves GET /payment/v1/cards/provider-card-mappings.
func (m *Mock) providerCardMappings(c *call, q searchQuery) error {
	switch p := q.Get("cardProvider"); p {
	case "", "IYZICO", "IPARA", "BIRLESIK_ODEME", "MEX":
	default:
		return errValidation(CodeInvalidCardVerify, "cardProvider must be IYZICO, IPARA, BIRLESIK_ODEME or MEX")
	}
	c.sendData(http.StatusOK, craftgate.StoredCardList{Items: []craftgate.StoredCard{}, Page: q.page, Size: q.size})
	return nil
}

// ivrCard serves GET /payment/v1/ivr-cards.
func (m *Mock) ivrCard(c *call) error {
	q := c.r.URL.Query()
	call := q.Get("callToken")
	if call == "" {
		return errRequired("callToken")
	}
	d, e := m.takeSecureCard(call, "callToken")
	if e != nil {
		return e
	}
	d.userKey, d.created = q.Get("cardUserKey"), m.Now().Unix()
	sc, e := m.putInVault(&d, "cardUserKey")
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, craftgate.IvrCard{BinNumber: craftgate.BinOf(sc.pan), LastFourDigits: sc.pan[len(sc.pan)-4:],
		CardUserKey: sc.userKey, CardToken: sc.token, SecureFieldsToken: m.newSecureToken(d)})
	return nil
}

// newSecureToken keeps d behind a new secureFieldsToken.
func (m *Mock) newSecureToken(d storeDraft) string {
	tok := "sf-" + randomToken()
	d.userKey = ""
	m.pm.secureFields.add(tok, &secureCard{card: d, expires: m.Now().Add(DefaultCheckoutTTL).Unix()})
	return tok
}

// takeSecureCard uses up a secureFieldsToken.
func (m *Mock) takeSecureCard(tok, field string) (storeDraft, *apiError) {
	sc, ok := m.pm.secureFields.take(tok)
	if !ok || sc == nil || m.Now().Unix() > sc.expires {
		return storeDraft{}, errNotFound(CodeMethodNotFound, field+" is not a live secureFieldsToken (tokens are used once and live "+DefaultCheckoutTTL.String()+")")
	}
	return sc.card, nil
}

// storeSecureCard stores the card of req.SecureFieldsToken (POST
// /payment/v1/cards, cards.go).
func (m *Mock) storeSecureCard(c *call, req *craftgate.StoreCardRequest) {
	d, e := m.takeSecureCard(req.SecureFieldsToken, "secureFieldsToken")
	if e == nil {
		e = checkAlias(req.CardAlias, "cardAlias")
	}
	if e != nil {
		c.fail(e)
		return
	}
	d.userKey, d.alias, d.created = req.CardUserKey, req.CardAlias, m.Now().Unix()
	sc, e := m.putInVault(&d, "cardUserKey")
	if e != nil {
		c.fail(e)
		return
	}
	c.sendData(http.StatusOK, m.render(&sc))
}

// secureFieldsPage serves GET and POST /_mock/secure-fields: the card
// form, and the token of the card typed.
func (m *Mock) secureFieldsPage(c *call) error {
	form := &checkoutSession{token: "", expires: m.Now().Add(DefaultCheckoutTTL), installments: []int{1}, currency: craftgate.CurrencyTRY, page: pathSecureFields}
	if c.r.Method == http.MethodGet {
		c.sendHTML(http.StatusOK, secureFieldsForm(m.renderCheckout(form, "", "", "", "", 1)))
		return nil
	}
	if !m.parsePageForm(c) {
		return nil
	}
	f := c.r.PostForm
	holder, month, year := strings.TrimSpace(f.Get("cardHolderName")), strings.TrimSpace(f.Get("expireMonth")), strings.TrimSpace(f.Get("expireYear"))
	d, e := checkPlainCard(holder, cleanCardNumber(f.Get("cardNumber")), month, year, m.Now(), true, "")
	if e != nil {
		c.sendHTML(http.StatusOK, secureFieldsForm(m.renderCheckout(form, craftgate.MaskPANs(e.desc), holder, month, year, 1)))
		return nil
	}
	tok := m.newSecureToken(d)
	c.sendHTML(http.StatusOK, renderPage("message", struct{ Title, Heading, Message string }{"Secure fields", "Card captured",
		"secureFieldsToken " + tok}))
	return nil
}

// secureFieldsForm adapts the checkout page's card form: no amount to pay.
func secureFieldsForm(page []byte) []byte {
	s := string(page)
	s = strings.Replace(s, "<h1>Secure checkout</h1>", "<h1>Secure fields</h1>", 1)
	s = strings.Replace(s, `action="/_mock/secure-fields/"`, `action="/_mock/secure-fields"`, 1)
	return []byte(s)
}
