package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Card details the payment steps send unless a feature says otherwise.
const (
	cardHolderName     = "Haluk Demir"
	defaultExpireMonth = "07"
	defaultExpireYear  = "2044"
)

// Where the payment id of a declined payment can be found: the mock sends it
// in this header of the 422 answer; otherwise the payment is searched by its
// conversationId in the reporting API (sandbox) or the mock's admin list.
const (
	headerPaymentID      = "X-Gatecheck-Payment-Id"
	pathReportingSearch  = "/payment-reporting/v1/payments"
	pathMockPaymentsList = "/_mock/v1/payments"
)

func paymentDefinitions() []Definition {
	return []Definition{
		{`^a merchant with valid API credentials$`, step0((*World).merchant)},
		{`^a basket of ` + ReAmount + ` ` + ReCurrency + ` with items of ` + ReAmounts + `$`,
			step3(func(w *World, ctx context.Context, a0, a1, a2 string) error { return w.basket(a0, a1, a2) })},
		{`^a basket of ` + ReAmount + ` ` + ReCurrency + ` with no items$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.basket(a0, a1, "") })},
		{`^the card's security code is "(\d*)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { w.cvc = &a0; return nil })},
		{`^the card expires in (\d{1,2})/(\d{4})$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.expiry(a0, a1) })},
		{`^the buyer chooses (-?\d+) installments?$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.installments(a0) })},
		{`^the buyer pays without 3-D Secure with ` + ReCard + `$`,
			step1((*World).pay)},
		{`^the buyer has paid without 3-D Secure with ` + ReCard + `$`,
			step1((*World).hasPaid)},
		{`^the buyer's payment without 3-D Secure with ` + ReCard + ` was declined$`,
			step1((*World).wasDeclined)},
		{`^the merchant retrieves the payment$`, step0((*World).retrievePayment)},

		{`^the payment succeeds$`, step0((*World).paymentSucceeds)},
		{`^the payment is a card payment in phase ` + ReGroup + ` (with|without) 3-D Secure$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.paymentPhase(a0, a1 == "with") })},
		{`^the payment's price and paid price are ` + ReAmount + ` ` + ReCurrency + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.paymentPrices(a0, a1) })},
		{`^the payment has one transaction per basket item with the item's price$`, step0((*World).paymentTransactions)},
		{`^the payment describes the card as the catalogue does$`, step0((*World).paymentCard)},
		{`^the payment shows the card only by its BIN and last four digits$`, step0((*World).paymentMasksCard)},
		{`^the retrieved payment matches the payment$`, step0((*World).retrievedMatches)},
		{`^the payment is declined with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.paymentDeclined(a0, "") })},
		{`^the payment is declined with error group ` + ReGroup + ` and code "(\d+)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.paymentDeclined(a0, a1) })},
		{`^the declined payment can be retrieved with that error$`, step0((*World).declinedRetrievable)},
		{`^the payment is rejected as a validation error$`,
			step0(func(w *World, ctx context.Context) error { return w.paymentInvalid("") })},
		{`^the payment is rejected as a validation error with code "(\d+)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.paymentInvalid(a0) })},
	}
}

// merchant checks that the World has a merchant's credentials.
func (w *World) merchant(context.Context) error {
	if w.target.APIKey == "" || w.target.SecretKey == "" {
		return errors.New("steps: the target has no API key or secret key")
	}
	return nil
}

// basket sets the basket; items is a list of amounts, or empty for a
// basket without items.
func (w *World) basket(price, currency, items string) error {
	if b := w.lastBasket; b != nil && b.price == price && b.items == items {
		w.price, w.currency, w.items = b.p, currency, b.its
		return nil
	}
	p, err := ParseAmount(price)
	if err != nil {
		return err
	}
	var its []craftgate.Amount
	if items != "" {
		if its, err = ParseAmounts(items); err != nil {
			return err
		}
	}
	its = its[:len(its):len(its)] // an append copies: the slice is shared
	w.lastBasket = &parsedBasket{price: price, items: items, p: p, its: its}
	w.price, w.currency, w.items = p, currency, its
	return nil
}

// parsedBasket is the last basket a World parsed, kept across Reset: a
// load VU runs the same sentences iteration after iteration. The amounts
// are immutable values (decimal arithmetic makes new ones) and no step
// writes into w.items, so the parsed slice is shared.
type parsedBasket struct {
	price, items string
	p            craftgate.Amount
	its          []craftgate.Amount
}

func (w *World) expiry(month, year string) error {
	m, err := strconv.Atoi(month)
	if err != nil || m < 1 || m > 12 {
		return fmt.Errorf("steps: expiry month %q: want 1 to 12", month)
	}
	w.expMonth, w.expYear = fmt.Sprintf("%02d", m), year
	return nil
}

func (w *World) installments(s string) error {
	n, err := ParseInt(s)
	if err != nil {
		return err
	}
	w.installment = n
	return nil
}

// paymentRequest builds the payment of the current basket with card.
func (w *World) paymentRequest(card CardChoice) (*craftgate.CreatePaymentRequest, error) {
	if w.currency == "" {
		return nil, errors.New(`steps: no basket: a scenario starts with "Given a basket of ..."`)
	}
	var items []craftgate.PaymentItem
	if len(w.items) > 0 {
		items = make([]craftgate.PaymentItem, len(w.items))
	}
	for i, a := range w.items {
		items[i] = craftgate.PaymentItem{Name: itemName(i), ExternalID: itemExternalID(i), Price: a}
	}
	month, year, cvc := w.cardDetails(card)
	req := &craftgate.CreatePaymentRequest{
		Price:          w.price,
		PaidPrice:      w.price,
		WalletPrice:    craftgate.Amount{},
		Installment:    w.installment,
		Currency:       w.currency,
		PaymentGroup:   craftgate.PaymentGroupProduct,
		ConversationID: newConversationID(),
		Card: &craftgate.Card{CardHolderName: cardHolderName, CardNumber: card.Number,
			ExpireMonth: month, ExpireYear: year, CVC: cvc},
		Items: items,
	}
	w.tailorRequest(req) // phase, paid price, externalId the scenario chose (preauth_steps.go)
	w.tailorExtras(req)  // reward, client IP and buyer email the scenario chose (loyalty_steps.go)
	return req, nil
}

// cardDetails returns the expiry and security code the buyer types for
// card: the scenario's when it set them, else a valid expiry and a code of
// the right length.
func (w *World) cardDetails(card CardChoice) (month, year, cvc string) {
	month, year, cvc = defaultExpireMonth, defaultExpireYear, card.DefaultCVC()
	if w.cvc != nil {
		cvc = *w.cvc
	}
	if w.expYear != "" {
		month, year = w.expMonth, w.expYear
	}
	return month, year, cvc
}

// Item names and external ids of the first basket items, made once (a
// load iteration builds a basket on every payment).
var (
	itemNames       = [...]string{"Item 1", "Item 2", "Item 3", "Item 4", "Item 5", "Item 6", "Item 7", "Item 8"}
	itemExternalIDs = [...]string{"item-1", "item-2", "item-3", "item-4", "item-5", "item-6", "item-7", "item-8"}
)

// itemName is the name of basket item i (from 0): "Item 1", "Item 2", ...
func itemName(i int) string {
	if i < len(itemNames) {
		return itemNames[i]
	}
	return "Item " + strconv.Itoa(i+1)
}

// itemExternalID is the external id of basket item i: "item-1", ...
func itemExternalID(i int) string {
	if i < len(itemExternalIDs) {
		return itemExternalIDs[i]
	}
	return "item-" + strconv.Itoa(i+1)
}

// cardPayment parses the card spec and builds the payment of the current
// basket with that card.
func (w *World) cardPayment(spec string) (CardChoice, *craftgate.CreatePaymentRequest, error) {
	card, err := w.parseCard(spec)
	if err != nil {
		return CardChoice{}, nil, err
	}
	req, err := w.paymentRequest(card)
	if err != nil {
		return CardChoice{}, nil, err
	}
	return card, req, nil
}

// startPayment forgets the previous payment attempt.
func (w *World) startPayment(card CardChoice, req *craftgate.CreatePaymentRequest) {
	w.card, w.request = card, req
	w.payment, w.paymentID, w.declined, w.paymentBody = nil, 0, nil, nil
	w.retrieved, w.refund, w.itemRefund, w.itemRefunds = nil, nil, nil, nil
	w.threeDS, w.bankPage, w.callback, w.callbackAnswer, w.forged, w.forgedAnswer = nil, nil, nil, 0, nil, 0
	w.webhook, w.mockWebhook = nil, nil
}

// pay makes a non-3DS payment of the basket with the card spec. The
// provider's answer, success or error, is kept for the Then steps; only a
// failure to get an answer fails the step.
func (w *World) pay(ctx context.Context, spec string) error {
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	w.startPayment(card, req)
	p, err := w.client.CreatePayment(ctx, req)
	return w.paid(card, p, err)
}

// paid records the outcome of a payment attempt.
func (w *World) paid(card CardChoice, p *craftgate.Payment, err error) error {
	w.err = err
	// The recorder reads every answer into a new slice, so the body can
	// be kept without a copy.
	w.paymentBody = w.rec.body
	stage := w.stage
	if stage == "" {
		stage = craftgate.StepNon3DSPayment
	}
	w.stage = ""
	if err == nil {
		w.payment, w.paymentID = p, p.ID
		w.noteAttempt(stage, card, p.ID, nil)
		return nil
	}
	defer func() { w.noteAttempt(stage, card, w.paymentID, err) }()
	ce := craftgate.AsError(err)
	if ce == nil {
		return fmt.Errorf("steps: paying with %s: %w", card, err)
	}
	if ce.HTTPStatus == http.StatusUnprocessableEntity {
		w.declined = ce
		if id, perr := strconv.ParseInt(w.rec.header.Get(headerPaymentID), 10, 64); perr == nil {
			w.paymentID = id
		}
	}
	return nil
}

func (w *World) hasPaid(ctx context.Context, spec string) error {
	return w.paidWith(ctx, w.pay, spec)
}

// paidWith pays with the card spec in the way pay does (the API, a hosted
// page, a pre-authorisation, ...) and checks that the payment succeeded:
// the start of every Given that needs a payment made.
func (w *World) paidWith(ctx context.Context, pay func(context.Context, string) error, spec string) error {
	if err := pay(ctx, spec); err != nil {
		return err
	}
	return w.paymentSucceeds(ctx)
}

func (w *World) wasDeclined(ctx context.Context, spec string) error {
	if err := w.pay(ctx, spec); err != nil {
		return err
	}
	if w.declined == nil {
		return fmt.Errorf("steps: expected the payment with %s to be declined (HTTP 422), got %s", w.card, describeErr(w.err))
	}
	return w.locateDeclined(ctx)
}

// locateDeclined finds the id of the declined payment when the answer did
// not carry it, by its conversationId.
func (w *World) locateDeclined(ctx context.Context) error {
	if w.paymentID != 0 {
		return nil
	}
	conv := w.request.ConversationID
	ids, err := w.paymentIDsByConversation(ctx, conv)
	if err != nil {
		return fmt.Errorf("steps: searching the declined payment: %w", err)
	}
	if len(ids) > 0 {
		w.paymentID = ids[0]
		return nil
	}
	return fmt.Errorf("steps: the declined payment with %s cannot be found: no %s header and no payment with conversationId %q", w.card, headerPaymentID, conv)
}

// paymentIDsByConversation returns the ids of the payments with the
// conversationId conv, failed ones included: from the reporting search
// (sandbox) or the mock's admin list, the first that has any; none when
// neither has.
func (w *World) paymentIDsByConversation(ctx context.Context, conv string) ([]int64, error) {
	for _, path := range []string{pathReportingSearch, pathMockPaymentsList} {
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		err := w.client.Do(ctx, http.MethodGet, path, url.Values{"conversationId": {conv}}, nil, &page)
		if ce := craftgate.AsError(err); ce != nil && (ce.HTTPStatus == http.StatusNotFound || ce.HTTPStatus == http.StatusMethodNotAllowed) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			continue
		}
		ids := make([]int64, 0, len(page.Items))
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		return ids, nil
	}
	return nil, nil
}

func (w *World) retrievePayment(ctx context.Context) error {
	if w.paymentID == 0 {
		return errors.New("steps: no payment to retrieve: pay first")
	}
	w.retrieved, w.err = w.client.RetrievePayment(ctx, w.paymentID)
	if w.err != nil && craftgate.AsError(w.err) == nil {
		return fmt.Errorf("steps: retrieving payment %d: %w", w.paymentID, w.err)
	}
	return nil
}

// requirePayment returns the successful payment under test.
func (w *World) requirePayment() (*craftgate.Payment, error) {
	if w.payment == nil {
		return nil, fmt.Errorf("expected a successful payment with %s, got %s", w.card, describeErr(w.err))
	}
	return w.payment, nil
}

func (w *World) paymentSucceeds(context.Context) error {
	if w.err != nil {
		return fmt.Errorf("expected the payment with %s to succeed, got %s", w.card, describeErr(w.err))
	}
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	var m mismatches
	same(&m, "paymentStatus", craftgate.StatusSuccess, p.PaymentStatus)
	if p.ID == 0 {
		m.addf("id: expected a payment id, got none")
	}
	if len(m) == 0 {
		return nil // the subject is boxed and formatted only for a difference
	}
	return m.errf("payment with %s", w.card)
}

func (w *World) paymentPhase(phase string, threeDS bool) error {
	return verify(w.requirePayment, func(p *craftgate.Payment, m *mismatches) error {
		same(m, "paymentType", "CARD_PAYMENT", p.PaymentType)
		same(m, "paymentPhase", phase, p.PaymentPhase)
		same(m, "isThreeDS", threeDS, p.IsThreeDS)
		if len(*m) == 0 {
			return nil // the subject is boxed and formatted only for a difference
		}
		return m.errf("payment %d", p.ID)
	})
}

func (w *World) paymentPrices(amount, currency string) error {
	want, p, err := withAmount(amount, w.requirePayment)
	if err != nil {
		return err
	}
	var m mismatches
	m.amount("price", want, p.Price)
	m.amount("paidPrice", want, p.PaidPrice)
	same(&m, "currency", currency, p.Currency)
	if len(m) == 0 {
		return nil // the subject is boxed and formatted only for a difference
	}
	return m.errf("payment %d", p.ID)
}

func (w *World) paymentTransactions(context.Context) error {
	return verify(w.requirePayment, func(p *craftgate.Payment, m *mismatches) error {
		if len(p.PaymentTransactions) != len(w.items) {
			m.addf("paymentTransactions: expected %d, one per basket item, got %d", len(w.items), len(p.PaymentTransactions))
			return m.errf("payment %d", p.ID)
		}
		for i, tx := range p.PaymentTransactions {
			if !w.items[i].Equal(tx.Price.Decimal) { // the subject is formatted only for a difference
				m.amount(fmt.Sprintf("transaction %d price", i+1), w.items[i], tx.Price)
			}
			if tx.ID == 0 || slices.ContainsFunc(p.PaymentTransactions[:i], func(x craftgate.PaymentTransaction) bool { return x.ID == tx.ID }) {
				m.addf("transaction %d id: expected a distinct id, got %d", i+1, tx.ID)
			}
		}
		if len(*m) == 0 {
			return nil // the subject is boxed and formatted only for a difference
		}
		return m.errf("payment %d", p.ID)
	})
}

func (w *World) paymentCard(context.Context) error {
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	tc := w.card.Entry
	if tc == nil {
		return fmt.Errorf("steps: %s is not in the test-card catalogue", w.card)
	}
	var m mismatches
	same(&m, "cardAssociation", w.card.Association(), p.CardAssociation)
	if tc.Successful {
		same(&m, "cardIssuerBankName", tc.Bank, p.CardIssuerBankName)
		same(&m, "cardType", tc.CardType, p.CardType)
		same(&m, "cardBrand (card family)", tc.CardFamily, p.CardBrand)
	}
	if len(m) == 0 {
		return nil // the subject is boxed and formatted only for a difference
	}
	return m.errf("payment %d describes %s differently from the catalogue", p.ID, w.card)
}

func (w *World) paymentMasksCard(context.Context) error {
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	n := w.card.Number
	var m mismatches
	if len(p.BinNumber) < 6 || len(p.BinNumber) > 8 || !strings.HasPrefix(n, p.BinNumber) {
		m.addf("binNumber: expected the card's first 6 to 8 digits, got %q", craftgate.MaskPAN(p.BinNumber))
	}
	same(&m, "lastFourDigits", n[len(n)-4:], p.LastFourDigits)
	if bytes.Contains(w.paymentBody, []byte(n)) {
		m.addf("the answer contains the full card number")
	}
	if len(m) == 0 {
		return nil // the subject is boxed and formatted only for a difference
	}
	return m.errf("payment %d with %s", p.ID, w.card)
}

func (w *World) retrievedMatches(context.Context) error {
	if w.err != nil || w.retrieved == nil {
		return fmt.Errorf("expected payment %d to be retrieved, got %s", w.paymentID, describeErr(w.err))
	}
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	r := w.retrieved
	var m mismatches
	m.check("id", p.ID, r.ID)
	m.check("paymentStatus", p.PaymentStatus, r.PaymentStatus)
	m.check("paymentPhase", p.PaymentPhase, r.PaymentPhase)
	m.amount("price", p.Price, r.Price)
	m.amount("paidPrice", p.PaidPrice, r.PaidPrice)
	m.check("currency", p.Currency, r.Currency)
	m.check("installment", p.Installment, r.Installment)
	m.check("conversationId", p.ConversationID, r.ConversationID)
	m.check("binNumber", p.BinNumber, r.BinNumber)
	m.check("lastFourDigits", p.LastFourDigits, r.LastFourDigits)
	if len(p.PaymentTransactions) != len(r.PaymentTransactions) {
		m.addf("paymentTransactions: expected %d, got %d", len(p.PaymentTransactions), len(r.PaymentTransactions))
	} else {
		for i, tx := range p.PaymentTransactions {
			m.check(fmt.Sprintf("transaction %d id", i+1), tx.ID, r.PaymentTransactions[i].ID)
			m.amount(fmt.Sprintf("transaction %d price", i+1), tx.Price, r.PaymentTransactions[i].Price)
		}
	}
	return m.errf("retrieved payment %d", p.ID)
}

func (w *World) paymentDeclined(group, code string) error {
	if w.err == nil {
		id := int64(0)
		if w.payment != nil {
			id = w.payment.ID
		}
		return fmt.Errorf("expected the payment with %s to be declined with errorGroup %q, but it succeeded (payment %d)", w.card, group, id)
	}
	return expectPaymentError(fmt.Sprintf("payment with %s", w.card), w.err, group, code)
}

func (w *World) declinedRetrievable(ctx context.Context) error {
	if w.declined == nil {
		return fmt.Errorf("expected a declined payment with %s, got %s", w.card, describeErr(w.err))
	}
	if err := w.locateDeclined(ctx); err != nil {
		return err
	}
	r, err := w.client.RetrievePayment(ctx, w.paymentID)
	if err != nil {
		return fmt.Errorf("expected declined payment %d with %s to be retrievable, got %s", w.paymentID, w.card, describeErr(err))
	}
	var m mismatches
	m.check("id", w.paymentID, r.ID)
	m.check("paymentStatus", craftgate.StatusFailure, r.PaymentStatus)
	if r.PaymentError == nil {
		m.addf("paymentError: expected errorGroup %q, got none", w.declined.Group)
	} else {
		m.check("paymentError.errorGroup", w.declined.Group, r.PaymentError.ErrorGroup)
		m.check("paymentError.errorCode", w.declined.Code, r.PaymentError.ErrorCode)
	}
	return m.errf("declined payment %d with %s", w.paymentID, w.card)
}

func (w *World) paymentInvalid(code string) error {
	if w.err == nil {
		return fmt.Errorf("expected the payment with %s to be rejected as a validation error, but it succeeded", w.card)
	}
	return expectValidationError(fmt.Sprintf("payment with %s", w.card), w.err, code)
}
