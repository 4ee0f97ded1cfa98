package mock

import (
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Validation of POST /payment/v1/card-payments (docs/reference/craftgate/endpoints.md B.1). The
// first failing rule answers; every answer is HTTP 400 with a code below
// 10000, no errorGroup, and a description that names the field.
//
// Rules the reference leaves open, as the mock decides them:
//   - Amounts must be positive (walletPrice: not negative), have at most 8
//     decimal places and be below 10,000,000,000.
//   - installment must be 1..12; it must be 1 for debit and prepaid cards,
//     for the catalogue's multi-currency (foreign) cards, and for any
//     currency other than TRY (foreign cards and foreign-currency POSes
//     take single payments only; docs/reference/craftgate/test-cards.md section 2).
//   - A currency other than TRY needs one of the catalogue's multi-currency
//     cards: Turkish cards on Turkish POSes cannot pay in foreign currency.
//     The card-dependent rules (currency, then installment above 1) are
//     checked after the card itself.
//   - Card numbers must pass Luhn and be in the catalogue; catalogue cards
//     whose outcome is a bank decline (even DEBIT_CARDS_INSTALLMENT_NOT_ALLOWED)
//     are declined with 422 by the outcome step, not here.
//   - paidPrice may be below price (a discount) or above it (installment
//     interest); merchantCommissionRateAmount is the difference.
//   - The expiry is valid through the end of its month, judged by the
//     mock's clock in its Location; expireYear may have 4 digits or 2
//     (meaning 20yy). A past or malformed year answers with Craftgate's one
//     documented validation error, 4152, and its documented Turkish text
//     (English with lang: en), which names the value, not the field; a
//     month already past in the current year uses 4152 too.
//   - cvc is required for plain cards; a stored card (cardUserKey +
//     cardToken, cards.go) pays without one.
//   - paymentPhase may be AUTH (or absent) or PRE_AUTH (preauth.go).
//   - Wallet payments (walletPrice > 0) are taken by POST
//     /payment/v1/card-payments only (walletpay.go); 3ds-init, checkout
//     and pre-authorisations refuse them with CodeUnsupportedFeature
//     rather than answer them wrong, as is storeCardAfterSuccessPayment
//     with 3-D Secure (cards.go).

// holderForbidden are the characters cardHolderName must not contain.
const holderForbidden = `<>"%;&+()|=!`

// checkAmount converts a required positive amount.
func checkAmount(field string, a craftgate.Amount) (money, *apiError) {
	v, prob := moneyOf(a)
	switch {
	case prob == amountTooPrecise:
		return 0, errValidation(CodeInvalidAmount, field+" must have at most 8 decimal places")
	case prob == amountTooLarge:
		return 0, errValidation(CodeInvalidAmount, field+" must be less than 10000000000")
	case v == 0:
		return 0, errValidation(CodeRequiredField, field+" is required and must be greater than zero")
	case v < 0:
		return 0, errValidation(CodeInvalidAmount, field+" must be greater than zero, got "+v.String())
	}
	return v, nil
}

// currencyIndex returns the index of a currency code in
// craftgate.Currencies, which is how payments store it.
func currencyIndex(c string) (uint8, bool) {
	for i, x := range craftgate.Currencies {
		if x == c {
			return uint8(i), true
		}
	}
	return 0, false
}

// Stored payment groups.
const (
	groupNone uint8 = iota
	groupProduct
	groupListing
)

func groupName(g uint8) string {
	switch g {
	case groupProduct:
		return craftgate.PaymentGroupProduct
	case groupListing:
		return craftgate.PaymentGroupListing
	}
	return ""
}

// draft is a validated create-payment request: what the store keeps of it.
type draft struct {
	price, paidPrice money
	buyerMemberID    int64
	currency         uint8
	group            uint8
	installment      uint8
	card             *craftgate.TestCard
	holder           string
	conversationID   string
	externalID       string
	channel          string
	bankOrderID      string
	posAlias         string
	txs              []draftTx // its capacity is reused when large enough

	// How the payment is stored (not validated).
	threeDS  bool  // made through 3ds-init
	pending  bool  // stored INIT_THREEDS
	source   uint8 // sourceAPI or sourceCheckout
	failStep uint8 // the step that failed, when stored failed
	outage   uint8 // failStep stepOutage: the outage's group (outage.index)

	// Pre-authorisation and stored cards (preauth.go, cards.go).
	authPhase authPhase       // phaseAuth or phasePreAuth
	cardFlags uint8           // cardPaidStored, cardSaved
	saveCard  *craftgate.Card // storeCardAfterSuccessPayment: the card to store on success

	// Wallet payments (walletpay.go): walletOK is set by the one endpoint
	// that takes them; walletPrice is the wallet-paid part of paidPrice.
	walletOK    bool
	walletPrice money
}

// draftTx is one validated basket item.
type draftTx struct {
	price, paidPrice, subMerchantPrice money
	subMerchantID                      int64
	name, externalID                   string
}

// validatePayment checks req and fills p.
func validatePayment(req *craftgate.CreatePaymentRequest, now time.Time, en bool, p *draft) *apiError {
	if err := validateOrder(req, p); err != nil {
		return err
	}
	if p.walletOnly() { // walletpay.go: no card, no card rules
		if req.Card != nil {
			return errValidation(CodeWalletCardNotAllowed, "card must be omitted when walletPrice equals paidPrice (a payment wholly from the wallet)")
		}
		p.fillEchoes(req)
		return nil
	}
	if err := validateCard(req.Card, now, en, p); err != nil {
		return err
	}

	card := p.card
	currency := craftgate.Currencies[p.currency]
	if currency != craftgate.CurrencyTRY && !card.MultiCurrency {
		return errValidation(CodeCurrencyNotSupportedByCard, "currency "+currency+" requires a multi-currency (foreign) test card; card.cardNumber "+
			craftgate.MaskPAN(card.Number)+" can pay in TRY only")
	}
	if p.installment > 1 {
		switch {
		case currency != craftgate.CurrencyTRY:
			return errValidation(CodeInvalidInstallment, "installment must be 1 for currency "+currency)
		case card.MultiCurrency:
			return errValidation(CodeInvalidInstallment, "installment must be 1 for a foreign (multi-currency) card")
		case card.CardType == "DEBIT_CARD" || card.CardType == "PREPAID_CARD":
			return errValidation(CodeInvalidInstallment, "installment must be 1 for a "+card.CardType)
		}
	}

	p.fillEchoes(req)
	return nil
}

// fillEchoes copies the fields of req the payment only echoes.
func (p *draft) fillEchoes(req *craftgate.CreatePaymentRequest) {
	p.conversationID = req.ConversationID
	p.externalID = req.ExternalID
	p.channel = req.PaymentChannel
	p.buyerMemberID = req.BuyerMemberID
	p.bankOrderID = req.BankOrderID
	p.posAlias = req.PosAlias
}

// validateOrder checks everything of req but the card: phase, amounts,
// currency, group, installment and basket. The checkout init validates its
// basket with it too.
func validateOrder(req *craftgate.CreatePaymentRequest, p *draft) *apiError {
	switch req.PaymentPhase {
	case "", craftgate.PhaseAuth:
	case craftgate.PhasePreAuth:
		p.authPhase = phasePreAuth
	default:
		return errValidation(CodeInvalidPaymentPhase, "paymentPhase must be AUTH or PRE_AUTH")
	}
	var err *apiError
	if p.price, err = checkAmount("price", req.Price); err != nil {
		return err
	}
	if p.paidPrice, err = checkAmount("paidPrice", req.PaidPrice); err != nil {
		return err
	}
	wallet, prob := moneyOf(req.WalletPrice)
	switch {
	case prob != amountOK || wallet < 0:
		return errValidation(CodeInvalidAmount, "walletPrice must be zero or a positive amount with at most 8 decimal places")
	case wallet > p.paidPrice:
		return errValidation(CodeWalletPriceExceedsPaidPrice, "paidPrice must be greater than or equal to walletPrice")
	case wallet > 0:
		if e := p.acceptWallet(req, wallet); e != nil { // walletpay.go
			return e
		}
	}

	if req.Currency == "" {
		return errRequired("currency")
	}
	var ok bool
	if p.currency, ok = currencyIndex(req.Currency); !ok {
		return errValidation(CodeInvalidCurrency, "currency "+strconv.Quote(truncate(req.Currency, 10))+" is not a supported currency")
	}
	switch req.PaymentGroup {
	case "":
	case craftgate.PaymentGroupProduct:
		p.group = groupProduct
	case craftgate.PaymentGroupListing:
		p.group = groupListing
	default:
		return errValidation(CodeInvalidPaymentGroup, "paymentGroup must be PRODUCT or LISTING_OR_SUBSCRIPTION")
	}
	if req.Installment < 1 || req.Installment > 12 {
		return errValidation(CodeInvalidInstallment, "installment must be between 1 and 12, got "+strconv.Itoa(req.Installment))
	}
	p.installment = uint8(req.Installment)

	return validateItems(req.Items, p)
}

// validateItems checks the basket and fills p.txs.
func validateItems(items []craftgate.PaymentItem, p *draft) *apiError {
	if len(items) == 0 {
		return errValidation(CodeRequiredField, "items is required: at least one item")
	}
	if len(items) <= cap(p.txs) {
		p.txs = p.txs[:len(items)]
	} else {
		p.txs = make([]draftTx, len(items))
	}
	var sum money
	for i := range items {
		it := &items[i]
		field := "items[" + strconv.Itoa(i) + "]"
		price, err := checkAmount(field+".price", it.Price)
		if err != nil {
			return err
		}
		tx := &p.txs[i]
		tx.price, tx.name, tx.externalID = price, it.Name, it.ExternalID
		switch {
		case it.SubMerchantMemberID < 0:
			return errValidation(CodeInvalidSubMerchant, field+".subMerchantMemberId must be positive")
		case it.SubMerchantMemberID == 0 && it.SubMerchantMemberPrice != nil:
			return errValidation(CodeInvalidSubMerchant, field+".subMerchantMemberId is required when subMerchantMemberPrice is set")
		case it.SubMerchantMemberID > 0 && it.SubMerchantMemberPrice == nil:
			return errRequired(field + ".subMerchantMemberPrice")
		case it.SubMerchantMemberID > 0:
			sp, prob := moneyOf(*it.SubMerchantMemberPrice)
			if prob != amountOK || sp < 0 {
				return errValidation(CodeInvalidAmount, field+".subMerchantMemberPrice must be zero or a positive amount with at most 8 decimal places")
			}
			if sp > price {
				return errValidation(CodeInvalidSubMerchant, field+".subMerchantMemberPrice must not exceed "+field+".price")
			}
			tx.subMerchantID, tx.subMerchantPrice = it.SubMerchantMemberID, sp
		}
		// Each price is at most maxMoney, so the sum cannot overflow before
		// it passes maxMoney, after which it can no longer equal price.
		if sum <= maxMoney {
			sum += price
		}
	}
	if sum != p.price {
		got := "more than 10000000000"
		if sum <= maxMoney {
			got = sum.String()
		}
		return errValidation(CodeItemsPriceMismatch, "the sum of items[].price ("+got+") must equal price ("+p.price.String()+")")
	}
	return nil
}

// validateCard checks a plain card and looks it up in the catalogue.
func validateCard(c *craftgate.Card, now time.Time, en bool, p *draft) *apiError {
	if c == nil {
		return errRequired("card")
	}
	if c.CardNumber == "" && (c.CardUserKey != "" || c.CardToken != "") {
		// Mock.resolveCard replaced the stored cards of the API payments
		// with their card before validation (cards.go).
		return errValidation(CodeUnsupportedFeature, "card.cardUserKey/card.cardToken: stored cards cannot pay here; send a plain card")
	}
	if err := p.wantsCardSaved(c); err != nil {
		return err
	}

	name := c.CardHolderName
	if strings.TrimSpace(name) == "" {
		return errRequired("card.cardHolderName")
	}
	if strings.ContainsAny(name, holderForbidden) {
		return errValidation(CodeInvalidCardHolderName, "card.cardHolderName must not contain any of "+holderForbidden)
	}
	digits := 0
	for i := 0; i < len(name); i++ {
		if name[i] >= '0' && name[i] <= '9' {
			digits++
		}
	}
	if digits > 5 {
		return errValidation(CodeInvalidCardHolderName, "card.cardHolderName must not contain more than five digits")
	}

	if c.CardNumber == "" {
		return errRequired("card.cardNumber")
	}
	if !craftgate.LuhnValid(c.CardNumber) {
		return errValidation(CodeInvalidCardNumber, "card.cardNumber must be 12 to 19 digits with a valid check digit")
	}
	tc, ok := craftgate.TestCards().Card(c.CardNumber)
	if !ok {
		return errValidation(CodeCardNotInSandbox, "card.cardNumber "+craftgate.MaskPAN(c.CardNumber)+
			" is not a sandbox test card: the sandbox accepts only test cards")
	}

	if c.ExpireMonth == "" {
		return errRequired("card.expireMonth")
	}
	month, mok := smallNumber(c.ExpireMonth, 1, 2)
	if !mok || month < 1 || month > 12 {
		return errValidation(CodeInvalidExpireMonth, "card.expireMonth must be 01 to 12")
	}
	if c.ExpireYear == "" {
		return errRequired("card.expireYear")
	}
	year, yok := smallNumber(c.ExpireYear, 4, 4)
	if !yok {
		if y2, ok2 := smallNumber(c.ExpireYear, 2, 2); ok2 {
			year, yok = 2000+y2, true
		}
	}
	if !yok || year < now.Year() {
		return expiryYearError(c.ExpireYear, en)
	}
	if year == now.Year() && time.Month(month) < now.Month() {
		if en {
			return errValidation(CodeInvalidExpireYear, "Card expiry "+c.ExpireMonth+"/"+c.ExpireYear+" is in the past (card.expireMonth)")
		}
		return errValidation(CodeInvalidExpireYear, "Kart son kullanma tarihi \""+c.ExpireMonth+"/"+c.ExpireYear+"\" geçersiz (card.expireMonth)")
	}

	want := 3
	if tc.Association == "AMEX" {
		want = 4
	}
	if c.CVC == "" {
		return errRequired("card.cvc")
	}
	if _, ok := smallNumber(c.CVC, want, want); !ok {
		if want == 4 {
			return errValidation(CodeInvalidCVC, "card.cvc must be 4 digits for an American Express card")
		}
		return errValidation(CodeInvalidCVC, "card.cvc must be 3 digits")
	}
	p.card, p.holder = tc, name
	return nil
}

// expiryYearError is Craftgate's documented validation error 4152.
func expiryYearError(year string, en bool) *apiError {
	y := strconv.Quote(truncate(year, 8))
	if en {
		return errValidation(CodeInvalidExpireYear, "Invalid card expiry year "+y+" (card.expireYear)")
	}
	// The documented text, verbatim: Kart son kullanma yılı "2010" geçersiz.
	return errValidation(CodeInvalidExpireYear, "Kart son kullanma yılı "+y+" geçersiz")
}

// smallNumber parses s when it is made of min..max ASCII digits.
func smallNumber(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
