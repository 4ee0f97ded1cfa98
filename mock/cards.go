package mock

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Stored cards, the card vault (docs/reference/craftgate/endpoints.md A.6 and B.11, docs/reference/craftgate/flows.md
// section 1 item 6).
//
//	POST   /payment/v1/cards                                store a card
//	GET    /payment/v1/cards?cardUserKey=&cardToken=&...    search (paged)
//	POST   /payment/v1/cards/update                         expiry (required, as documented) and cardAlias
//	POST   /payment/v1/cards/delete  {cardUserKey, cardToken}  delete: the documented form
//	DELETE /payment/v1/cards?cardUserKey=&cardToken=         delete: the form older official
//	                                                        clients send; accepted too
//
// Payments use a stored card with card {cardUserKey, cardToken} (no CVC
// needed; one sent is checked for length) and answer paidWithStoredCard
// true; a plain-card payment with card.storeCardAfterSuccessPayment stores
// the card when it succeeds and answers its cardUserKey and cardToken
// (non-3DS payments; with 3-D Secure the mock refuses the flag, since the
// docs return the keys there only in the 3D Pay model).
//
// The vault keeps the card number, because a stored card's payments follow
// the card's catalogue outcome, but no answer ever contains it: cards are
// shown by binNumber (first 8 digits) and lastFourDigits only.
//
// Mock choices where the reference is silent:
//   - cardUserKey and cardToken are UUID-shaped and derived from the seed
//     and a counter, so a run is repeatable;
//   - storing a number the card user already has answers the card already
//     stored, unchanged (no duplicate);
//   - store and update validate the holder name, number and expiry as a
//     payment does (4152 for a past expiry); cardAlias is at most 100
//     characters; an unknown cardUserKey answers 404;
//   - cardExpiryStatus is EXPIRED after the expiry month,
//     WILL_EXPIRE_NEXT_MONTH during the expiry month and the month before
//     it, NOT_EXPIRED otherwise, judged on the mock clock;
//   - a payment with an unknown or deleted card is a validation error (400,
//     CodeStoredCardNotUsable), as is one with an expired stored card
//     (4152); the stored-card endpoints answer an unknown card with 404;
//   - search filters are exact matches; results are in the order the cards
//     were stored; page is 0-based, size defaults to 10 and may be 1..1000;
//     min/maxCreatedDate take yyyy-MM-ddTHH:mm:ss (mock Location) or
//     RFC 3339 (what the Node client sends);
//   - deleting a card removes it; its card user remains, and can get new
//     cards; a payment that stored a card keeps answering its keys.

// Flags of a payment's card (payment.cardFlags).
const (
	cardPaidStored uint8 = 1 << iota // paid with a stored card: paidWithStoredCard true
	cardSaved                        // stored after this payment: keys in vault.saved
)

// Kinds of generated keys, after those of ids.go.
const (
	kindCardUser uint64 = 0x100 + iota
	kindCardToken
)

// maxCardAlias bounds cardAlias (the mock's limit).
const maxCardAlias = 100

// Search paging.
const (
	defaultSearchSize = 10
	maxSearchSize     = 1000
)

// storedCard is one card in the vault. Its fields change only under
// vault.mu; readers get copies.
type storedCard struct {
	seq            uint64 // storage order
	userKey, token string
	pan            string // never rendered
	holder, alias  string
	month, year    int
	created        int64 // Unix seconds
}

// savedKeys are the keys a payment answers for the card it stored.
type savedKeys struct{ userKey, token string }

// vault holds one mock's stored cards. The zero value is empty and ready.
type vault struct {
	// capacity bounds the stored cards, and separately the card users and
	// the payments' saved-card records (Config.StoredCardCapacity).
	capacity int
	mu       sync.RWMutex
	byToken  map[string]*storedCard
	users    map[string][]*storedCard // card user -> cards, in storage order
	saved    map[int64]savedKeys      // payment id -> the card it stored
	seq      uint64                   // cards stored so far
	userSeq  uint64                   // card users created so far
	gen      uint64                   // changes so far: the journal writes the vault when it moved (journal.go)
}

// newKey returns a UUID-shaped key, a function of the mock's seed, the
// kind and n only.
func (m *Mock) newKey(kind, n uint64) string {
	x := splitmix64(m.refKey ^ kind*0xd1b54a32d192ed03 ^ n*0x9e3779b97f4a7c15)
	y := splitmix64(x ^ 0x6a09e667f3bcc909)
	// Version 4, variant 10: the shape of a random UUID.
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", x>>32, x>>16&0xffff, 0x4000|x&0x0fff, 0x8000|y>>48&0x3fff, y&0xffffffffffff)
}

// storeDraft is a validated card to store.
type storeDraft struct {
	userKey     string // empty: a new card user
	pan, holder string
	alias       string
	month, year int
	created     int64
}

// errVaultFull is put's answer when the vault holds its capacity of cards
// or card users.
var errVaultFull = errors.New("the stored-card vault is full")

// put stores d and returns a copy of the stored card. It fails when d
// names a card user the vault does not know (ok false, nil error) or when
// the vault is full (errVaultFull).
func (v *vault) put(m *Mock, d *storeDraft) (storedCard, bool, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	if v.byToken == nil {
		v.byToken, v.users, v.saved = map[string]*storedCard{}, map[string][]*storedCard{}, map[int64]savedKeys{}
	}
	user := d.userKey
	if user != "" {
		cards, ok := v.users[user]
		if !ok {
			return storedCard{}, false, nil
		}
		for _, sc := range cards {
			if sc.pan == d.pan {
				return *sc, true, nil
			}
		}
	}
	if v.capacity > 0 && (len(v.byToken) >= v.capacity || user == "" && len(v.users) >= v.capacity) {
		return storedCard{}, false, errVaultFull
	}
	if user == "" {
		v.userSeq++
		user = m.newKey(kindCardUser, v.userSeq)
	}
	v.seq++
	sc := &storedCard{seq: v.seq, userKey: user, token: m.newKey(kindCardToken, v.seq), pan: d.pan, holder: d.holder,
		alias: d.alias, month: d.month, year: d.year, created: d.created}
	v.byToken[sc.token] = sc
	v.users[user] = append(v.users[user], sc)
	return *sc, true, nil
}

// counts returns how many cards, card users and saved-card records the
// vault holds.
func (v *vault) counts() (cards, users, saved int) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.byToken), len(v.users), len(v.saved)
}

// get returns a copy of the card userKey/token.
func (v *vault) get(userKey, token string) (storedCard, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	sc, ok := v.byToken[token]
	if !ok || sc.userKey != userKey {
		return storedCard{}, false
	}
	return *sc, true
}

// hasUser reports whether userKey is a card user.
func (v *vault) hasUser(userKey string) bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	_, ok := v.users[userKey]
	return ok
}

// update changes a card's expiry and, when alias is not empty, its alias.
func (v *vault) update(userKey, token string, month, year int, alias string) (storedCard, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	sc, ok := v.byToken[token]
	if !ok || sc.userKey != userKey {
		return storedCard{}, false
	}
	sc.month, sc.year = month, year
	if alias != "" {
		sc.alias = alias
	}
	return *sc, true
}

// remove deletes a card.
func (v *vault) remove(userKey, token string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	sc, ok := v.byToken[token]
	if !ok || sc.userKey != userKey {
		return false
	}
	delete(v.byToken, token)
	cards := v.users[userKey]
	v.users[userKey] = slices.DeleteFunc(cards, func(x *storedCard) bool { return x == sc })
	return true
}

// attach records that payment id stored the card keys; false when the
// vault holds its capacity of such records.
func (v *vault) attach(id int64, k savedKeys) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.gen++
	if v.capacity > 0 && len(v.saved) >= v.capacity {
		return false
	}
	v.saved[id] = k
	return true
}

// savedFor returns the keys of the card payment id stored.
func (v *vault) savedFor(id int64) savedKeys {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.saved[id]
}

// all returns copies of the cards matching keep, in storage order.
func (v *vault) all(keep func(*storedCard) bool) []storedCard {
	v.mu.RLock()
	defer v.mu.RUnlock()
	var out []storedCard
	for _, sc := range v.byToken {
		if keep(sc) {
			out = append(out, *sc)
		}
	}
	slices.SortFunc(out, func(a, b storedCard) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	return out
}

// expiryStatus is the card's cardExpiryStatus at now.
func expiryStatus(month, year int, now time.Time) string {
	have := year*12 + month - 1 // the last valid month
	cur := now.Year()*12 + int(now.Month()) - 1
	switch {
	case have < cur:
		return craftgate.CardExpiryExpired
	case have <= cur+1:
		return craftgate.CardExpiryWillExpireNextMon
	}
	return craftgate.CardExpiryNotExpired
}

// render describes sc as a craftgate.StoredCard: never the number.
func (m *Mock) render(sc *storedCard) craftgate.StoredCard {
	tc, _ := craftgate.TestCards().Card(sc.pan) // every stored number is a catalogue card
	return craftgate.StoredCard{
		BinNumber: craftgate.BinOf(sc.pan), LastFourDigits: sc.pan[len(sc.pan)-4:], CardHolderName: sc.holder,
		CardUserKey: sc.userKey, CardToken: sc.token, CardAlias: sc.alias, CardType: tc.CardType,
		CardAssociation: tc.Association, CardBrand: tc.CardFamily, CardBankName: tc.Bank, CardBankID: bankCodes[tc.Bank],
		CardExpiryStatus: expiryStatus(sc.month, sc.year, m.Now()), ExpireYear: strconv.Itoa(sc.year),
		ExpireMonth: fmt.Sprintf("%02d", sc.month), IsCommercial: tc.Commercial,
		CreatedAt: time.Unix(sc.created, 0).In(m.loc).Format(craftgate.DateTimeLayout),
	}
}

// checkPlainCard validates a card to store (holder, number, expiry) with
// the rules of a payment's card, and returns it normalised. field prefixes
// the field names in descriptions ("" for store card, "card." in a
// payment).
func checkPlainCard(holder, number, month, year string, now time.Time, en bool, field string) (storeDraft, *apiError) {
	// validateCard checks a payment's card; its CVC rule does not apply to
	// stored cards, so it is given a CVC of the right length.
	cvc := "123"
	if tc, ok := craftgate.TestCards().Card(number); ok && tc.Association == "AMEX" {
		cvc = "1234"
	}
	var d draft
	if e := validateCard(&craftgate.Card{CardHolderName: holder, CardNumber: number, ExpireMonth: month, ExpireYear: year, CVC: cvc}, now, en, &d); e != nil {
		if field != "card." {
			e.desc = strings.ReplaceAll(e.desc, "card.", field)
		}
		return storeDraft{}, e
	}
	mo, _ := smallNumber(month, 1, 2)
	y, ok := smallNumber(year, 4, 4)
	if !ok {
		y2, _ := smallNumber(year, 2, 2)
		y = 2000 + y2
	}
	return storeDraft{pan: number, holder: holder, month: mo, year: y}, nil
}

// checkAlias validates a cardAlias.
func checkAlias(alias, field string) *apiError {
	if len([]rune(alias)) > maxCardAlias {
		return errValidation(CodeInvalidCardAlias, field+" must be at most "+strconv.Itoa(maxCardAlias)+" characters")
	}
	return nil
}

// storeCard serves POST /payment/v1/cards.
func (m *Mock) storeCard(c *call, req craftgate.StoreCardRequest) error {
	if req.SecureFieldsToken != "" && req.CardNumber == "" { // secure fields (cardsextra.go)
		m.storeSecureCard(c, &req)
		return nil
	}
	now := m.Now()
	d, e := checkPlainCard(req.CardHolderName, req.CardNumber, req.ExpireMonth, req.ExpireYear, now, c.en(), "")
	if e != nil {
		return e
	}
	if e := checkAlias(req.CardAlias, "cardAlias"); e != nil {
		return e
	}
	d.userKey, d.alias, d.created = req.CardUserKey, req.CardAlias, now.Unix()
	sc, e := m.putInVault(&d, "cardUserKey")
	if e != nil {
		return e
	}
	c.sendData(http.StatusOK, m.render(&sc))
	return nil
}

// updateStoredCard serves POST /payment/v1/cards/update.
func (m *Mock) updateStoredCard(c *call, req craftgate.UpdateStoredCardRequest) error {
	if e := requireCardKeys(req.CardUserKey, req.CardToken); e != nil {
		return e
	}
	now := m.Now()
	en := c.en()
	if req.ExpireMonth == "" {
		return errRequired("expireMonth")
	}
	if req.ExpireYear == "" {
		return errRequired("expireYear")
	}
	cur, ok := m.store.vault.get(req.CardUserKey, req.CardToken)
	if !ok {
		return errStoredCardNotFound(req.CardUserKey, req.CardToken)
	}
	// The stored number and holder pass again; only the expiry is new.
	d, e := checkPlainCard(cur.holder, cur.pan, req.ExpireMonth, req.ExpireYear, now, en, "")
	if e != nil {
		return e
	}
	if e := checkAlias(req.CardAlias, "cardAlias"); e != nil {
		return e
	}
	sc, ok := m.store.vault.update(req.CardUserKey, req.CardToken, d.month, d.year, req.CardAlias)
	if !ok { // deleted meanwhile
		return errStoredCardNotFound(req.CardUserKey, req.CardToken)
	}
	c.sendData(http.StatusOK, m.render(&sc))
	return nil
}

// deleteStoredCard serves POST /payment/v1/cards/delete (body) and DELETE
// /payment/v1/cards (query): HTTP 200 with an empty body.
func (m *Mock) deleteStoredCard(c *call) error {
	var req craftgate.DeleteStoredCardRequest
	if c.r.Method == http.MethodDelete {
		q := c.r.URL.Query()
		req.CardUserKey, req.CardToken = q.Get("cardUserKey"), q.Get("cardToken")
	} else if e := decodeJSON(c.body, &req); e != nil {
		return e
	}
	if e := requireCardKeys(req.CardUserKey, req.CardToken); e != nil {
		return e
	}
	if !m.store.vault.remove(req.CardUserKey, req.CardToken) {
		return errStoredCardNotFound(req.CardUserKey, req.CardToken)
	}
	c.sendEmpty(http.StatusOK)
	return nil
}

// searchStoredCards serves GET /payment/v1/cards.
func (m *Mock) searchStoredCards(c *call, q searchQuery) error {
	minDate, maxDate, e := m.queryDates(q, "minCreatedDate", "maxCreatedDate")
	if e != nil {
		return e
	}
	now := m.Now()
	eq := func(name, got string) bool { want := q.Get(name); return want == "" || want == got }
	matches := m.store.vault.all(func(sc *storedCard) bool {
		if !eq("cardUserKey", sc.userKey) || !eq("cardToken", sc.token) || !eq("cardAlias", sc.alias) ||
			(minDate != nil && sc.created < *minDate) || (maxDate != nil && sc.created > *maxDate) {
			return false
		}
		tc, _ := craftgate.TestCards().Card(sc.pan)
		return eq("cardBrand", tc.CardFamily) && eq("cardType", tc.CardType) && eq("cardBankName", tc.Bank) &&
			eq("cardAssociation", tc.Association) && eq("cardExpiryStatus", expiryStatus(sc.month, sc.year, now))
	})
	out := craftgate.StoredCardList{Items: []craftgate.StoredCard{}, Page: q.page, Size: q.size, TotalSize: int64(len(matches))}
	onPage := pageOf(matches, q.page, q.size)
	for i := range onPage {
		out.Items = append(out.Items, m.render(&onPage[i]))
	}
	c.sendData(http.StatusOK, out)
	return nil
}

// paging reads page (0-based) and size.
func paging(q interface{ Get(string) string }) (page, size int, e *apiError) {
	page, size = 0, defaultSearchSize
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1_000_000 {
			return 0, 0, errValidation(CodeInvalidPaging, "page must be a number from 0 (the first page), got "+strconv.Quote(truncate(s, 12)))
		}
		page = n
	}
	if s := q.Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxSearchSize {
			return 0, 0, errValidation(CodeInvalidPaging, "size must be a number from 1 to "+strconv.Itoa(maxSearchSize)+", got "+strconv.Quote(truncate(s, 12)))
		}
		size = n
	}
	return page, size, nil
}

// queryDate reads an optional date-time query parameter as Unix seconds,
// in every form the clients send (craftgate.ParseDateTime):
// yyyy-MM-ddTHH:mm:ss in the mock's Location (Go and Java clients), RFC
// 3339 with a zone and optional fraction (the Node client), yyyy-MM-dd.
func (m *Mock) queryDate(q interface{ Get(string) string }, name string) (*int64, *apiError) {
	s := q.Get(name)
	if s == "" {
		return nil, nil
	}
	t, err := craftgate.ParseDateTime(s, m.loc)
	if err != nil {
		return nil, errValidation(CodeInvalidQuery, name+" must be yyyy-MM-ddTHH:mm:ss or RFC 3339, got "+strconv.Quote(truncate(s, 40)))
	}
	u := t.Unix()
	return &u, nil
}

// queryDates reads the optional bounds of a date range (queryDate), the
// lower one's error first.
func (m *Mock) queryDates(q interface{ Get(string) string }, minName, maxName string) (lo, hi *int64, e *apiError) {
	if lo, e = m.queryDate(q, minName); e != nil {
		return nil, nil, e
	}
	if hi, e = m.queryDate(q, maxName); e != nil {
		return nil, nil, e
	}
	return lo, hi, nil
}

// requireCardKeys checks that both keys of a stored card are given.
func requireCardKeys(userKey, token string) *apiError {
	switch {
	case userKey == "":
		return errRequired("cardUserKey")
	case token == "":
		return errRequired("cardToken")
	}
	return nil
}

// errStoredCardNotFound is the 404 of the stored-card endpoints.
func errStoredCardNotFound(userKey, token string) *apiError {
	return errNotFound(CodeStoredCardNotFound, "no stored card with cardUserKey "+strconv.Quote(truncate(userKey, 64))+
		" and cardToken "+strconv.Quote(truncate(token, 64)))
}

// resolveCard prepares the card of a create-payment or 3ds-init request
// before validatePayment checks it. A stored card (card.cardUserKey and
// card.cardToken, no number) is replaced by the card it stands for, with
// a placeholder CVC of the right length when none was sent, and d is
// marked paid with a stored card; for storeCardAfterSuccessPayment the
// card user named, if any, must exist. The vault is consulted here rather
// than during validation so that the draft, which holds the basket on the
// caller's stack, never reaches a lock (which would move it to the heap).
func (m *Mock) resolveCard(req *craftgate.CreatePaymentRequest, d *draft, now time.Time, en bool) *apiError {
	c := req.Card
	if c == nil {
		return nil
	}
	if c.CardNumber == "" && (c.CardUserKey != "" || c.CardToken != "") {
		if c.CardUserKey == "" || c.CardToken == "" {
			return errValidation(CodeStoredCardNotUsable, "card.cardUserKey and card.cardToken are both required to pay with a stored card (or send card.cardNumber)")
		}
		sc, ok := m.store.vault.get(c.CardUserKey, c.CardToken)
		if !ok {
			return errValidation(CodeStoredCardNotUsable, "card.cardToken: no stored card with this cardUserKey and cardToken (never stored, or deleted)")
		}
		if expiryStatus(sc.month, sc.year, now) == craftgate.CardExpiryExpired {
			exp := fmt.Sprintf("%02d/%d", sc.month, sc.year)
			if en {
				return errValidation(CodeInvalidExpireYear, "The stored card's expiry "+exp+" has passed; update it with POST /payment/v1/cards/update")
			}
			return errValidation(CodeInvalidExpireYear, "Kayıtlı kartın son kullanma tarihi \""+exp+"\" geçersiz")
		}
		cvc := c.CVC
		if cvc == "" { // stored cards pay without CVC
			cvc = "000"
			if tc, _ := craftgate.TestCards().Card(sc.pan); tc.Association == "AMEX" {
				cvc = "0000"
			}
		}
		req.Card = &craftgate.Card{CardHolderName: sc.holder, CardNumber: sc.pan, ExpireMonth: fmt.Sprintf("%02d", sc.month),
			ExpireYear: strconv.Itoa(sc.year), CVC: cvc, Loyalty: c.Loyalty}
		d.cardFlags |= cardPaidStored
		return nil
	}
	if c.CardNumber == "" && (c.BinNumber != "" || c.LastFourDigits != "" || c.CardHolderIdentityNumber != "") {
		return resolvePartialCard(req, now)
	}
	if c.StoreCardAfterSuccessPayment && c.CardUserKey != "" && !m.store.vault.hasUser(c.CardUserKey) {
		return errValidation(CodeStoredCardNotUsable, "card.cardUserKey "+strconv.Quote(truncate(c.CardUserKey, 64))+" is not a card user; omit it to store the card for a new one")
	}
	return nil
}

// partialCardHolder is the holder name of a payment made with the
// insurance form, which carries no name (MOCK DECISION).
const partialCardHolder = "CARD HOLDER"

// resolvePartialCard replaces the documented insurance form of a card
// (binNumber, the first 6 or 8 digits; lastFourDigits; the holder's
// 11-digit cardHolderIdentityNumber) by the one catalogue card with those
// digits, so that the payment follows that card's outcome. It has no
// expiry or CVC to check: the placeholders are valid ones.
func resolvePartialCard(req *craftgate.CreatePaymentRequest, now time.Time) *apiError {
	c := req.Card
	if e := requireAll("card.binNumber (or card.cardNumber)", c.BinNumber, "card.lastFourDigits", c.LastFourDigits,
		"card.cardHolderIdentityNumber", c.CardHolderIdentityNumber); e != nil {
		return e
	}
	switch {
	case len(c.BinNumber) != 6 && len(c.BinNumber) != 8 || !isDigits(c.BinNumber):
		return errValidation(CodeInvalidCardNumber, "card.binNumber must be the first 6 or 8 digits of the card")
	case len(c.LastFourDigits) != 4 || !isDigits(c.LastFourDigits):
		return errValidation(CodeInvalidCardNumber, "card.lastFourDigits must be 4 digits")
	case len(c.CardHolderIdentityNumber) != 11 || !isDigits(c.CardHolderIdentityNumber):
		return errValidation(CodeInvalidCardNumber, "card.cardHolderIdentityNumber must be the 11-digit national identity number")
	}
	var tc *craftgate.TestCard
	for _, x := range craftgate.TestCards().All() {
		if strings.HasPrefix(x.Number, c.BinNumber) && strings.HasSuffix(x.Number, c.LastFourDigits) {
			tc = x
			break
		}
	}
	if tc == nil {
		return errValidation(CodeCardNotInSandbox, "card.binNumber "+c.BinNumber+" and card.lastFourDigits "+c.LastFourDigits+
			" name no sandbox test card: the sandbox accepts only test cards")
	}
	cvc := "000"
	if tc.Association == "AMEX" {
		cvc = "0000"
	}
	req.Card = &craftgate.Card{CardHolderName: partialCardHolder, CardNumber: tc.Number, ExpireMonth: "12",
		ExpireYear: strconv.Itoa(now.Year() + 1), CVC: cvc, Loyalty: c.Loyalty}
	return nil
}

// wantsCardSaved records, during validation, a plain card's
// storeCardAfterSuccessPayment.
func (d *draft) wantsCardSaved(c *craftgate.Card) *apiError {
	if !c.StoreCardAfterSuccessPayment {
		return nil
	}
	if d.threeDS && d.cardFlags&payDeposit != 0 {
		return errValidation(CodeUnsupportedFeature, "card.storeCardAfterSuccessPayment is not supported by the mock's deposits")
	}
	if e := checkAlias(c.CardAlias, "card.cardAlias"); e != nil {
		return e
	}
	d.saveCard = c
	return nil
}

// saveCardOf stores the card of the successful payment id (validated into
// d with storeCardAfterSuccessPayment) and marks d so that the payment
// answers its keys. It runs before the payment is published.
func (m *Mock) saveCardOf(d *draft, id int64, now time.Time) {
	c := d.saveCard
	// A copy of the holder: d's own strings must not reach the vault, or
	// the draft would escape to the heap (see resolveCard).
	if m.storeCardFor(id, cardToSave{holder: strings.Clone(d.holder), pan: d.card.Number, month: c.ExpireMonth,
		year: c.ExpireYear, userKey: c.CardUserKey, alias: c.CardAlias}, now) {
		d.cardFlags |= cardSaved
	}
}

// cardToSave is a card a payment stores once it succeeds
// (storeCardAfterSuccessPayment): at once for a non-3DS payment, when the
// bank takes the money for a 3-D Secure one (threeds.go).
type cardToSave struct{ holder, pan, month, year, userKey, alias string }

// pendingSave is the card a 3-D Secure payment validated into d will
// store, or nil.
func (d *draft) pendingSave() *cardToSave {
	c := d.saveCard
	if c == nil {
		return nil
	}
	return &cardToSave{holder: strings.Clone(d.holder), pan: d.card.Number, month: strings.Clone(c.ExpireMonth),
		year: strings.Clone(c.ExpireYear), userKey: strings.Clone(c.CardUserKey), alias: strings.Clone(c.CardAlias)}
}

// storeCardFor stores k in the vault for payment id and reports whether
// the payment now answers its keys.
func (m *Mock) storeCardFor(id int64, k cardToSave, now time.Time) bool {
	sd, e := checkPlainCard(k.holder, k.pan, k.month, k.year, now, false, "card.")
	if e != nil {
		return false // cannot happen: the payment validated the same card
	}
	sd.userKey, sd.alias, sd.created = k.userKey, k.alias, now.Unix()
	sc, ok, err := m.store.vault.put(m, &sd)
	if err != nil || !ok {
		// A full vault (or, which cannot happen, a card user removed):
		// the payment goes through without storing its card, and its
		// answer carries no card keys.
		return false
	}
	return m.store.vault.attach(id, savedKeys{userKey: sc.userKey, token: sc.token})
}

// putInVault stores d in the vault (to d.userKey, or to a new card user)
// and returns the stored card; the error is the API's answer when the vault
// refuses it, userKeyField naming the request's field of d.userKey.
func (m *Mock) putInVault(d *storeDraft, userKeyField string) (storedCard, *apiError) {
	sc, ok, err := m.store.vault.put(m, d)
	switch {
	case err != nil:
		return sc, errVaultFullAPI(m.store.vault.capacity)
	case !ok:
		return sc, errNotFound(CodeCardUserNotFound, userKeyField+" "+strconv.Quote(truncate(d.userKey, 64))+" is not a card user; omit it to create one")
	}
	return sc, nil
}

// errVaultFullAPI is the answer to a card the full vault cannot take.
func errVaultFullAPI(capacity int) *apiError {
	return &apiError{status: http.StatusInsufficientStorage, code: CodeVaultFull,
		desc: "the mock holds " + strconv.Itoa(capacity) + " stored cards or card users, its limit (Config.StoredCardCapacity); delete some"}
}
