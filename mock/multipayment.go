package mock

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Split payments (official clients; https://developer.craftgate.io/en/payment/multi-payment).
//
//	POST /payment/v1/multi-payments/init     {token, pageUrl, tokenExpireDate}
//	GET|POST /_mock/multi/{token}            the page: an amount and a card per part
//	GET  /payment/v1/multi-payments/{token}  {multiPaymentStatus, price, remainingAmount, paymentIds...}
//
// Each part is an ordinary card payment of the amount the buyer chose (one
// item "Part N"), with the card's catalogue outcome; paymentIds lists the
// successful and the failed ones. When the parts paid reach price the
// split payment is COMPLETED, MULTI_PAYMENT_COMPLETED is sent (payload
// paymentIds, conversationId, externalId, multiPaymentStatus, token) and
// the browser posts the single field token to callbackUrl, like the
// checkout page. Each part is refunded or cancelled as a payment.
//
// MOCK DECISION: without maximumSplitPaymentCount the parts are not
// counted; with it, the last allowed part must pay all that remains. A
// part is at most what remains.

// pathMultiPage is the split-payment page.
const pathMultiPage = "/_mock/multi"

// multiSession is one split payment; guarded by page.mu.
type multiSession struct {
	page        *checkoutSession // token, expiry, order (amounts), installments
	id          int64
	price       money
	remaining   money
	maxParts    int
	callbackURL string
	paymentIDs  []int64
	parts       int // successful parts
}

// initMultiPayment serves POST /payment/v1/multi-payments/init.
func (m *Mock) initMultiPayment(c *call, req craftgate.InitMultiPaymentRequest) error {
	if e := checkCallbackURL(req.CallbackURL); e != nil {
		return e
	}
	if req.MaximumSplitPaymentCount < 0 || req.MaximumSplitPaymentCount == 1 {
		return errValidation(CodeInvalidInstallment, "maximumSplitPaymentCount must be at least 2")
	}
	order := craftgate.CreatePaymentRequest{Price: req.Price, PaidPrice: req.Price, Currency: req.Currency, PaymentGroup: req.PaymentGroup,
		ConversationID: req.ConversationID, ExternalID: req.ExternalID, PaymentChannel: req.PaymentChannel, BuyerMemberID: req.BuyerMemberID, Items: req.Items}
	if len(order.Items) == 0 { // the basket is optional: one line of the price
		order.Items = []craftgate.PaymentItem{{Name: "Order", Price: req.Price}}
	}
	ms, e := m.newMethodSession(order, "Split payment", sourceMultiPayment, req.EnabledInstallments)
	if e != nil {
		return e
	}
	ttl := DefaultCheckoutTTL
	if req.TTL < 0 || req.TTL > maxCheckoutTTL {
		return errValidation(CodeInvalidTTL, "ttl must be between 1 and "+strconv.Itoa(maxCheckoutTTL)+" minutes")
	} else if req.TTL > 0 {
		ttl = time.Duration(req.TTL) * time.Minute
	}
	s := &multiSession{page: ms.page, id: nextRange(&m.ids.product, 1), price: ms.page.price, remaining: ms.page.price,
		maxParts: req.MaximumSplitPaymentCount, callbackURL: req.CallbackURL, paymentIDs: []int64{}}
	s.page.token, s.page.page, s.page.expires, s.page.onlyCredit = newUUID(), pathMultiPage, m.Now().Add(ttl), req.AllowOnlyCreditCard
	m.pm.multi.add(s.page.token, s)
	c.sendData(http.StatusOK, craftgate.InitCheckoutPaymentResponse{Token: s.page.token, PageURL: m.publicBase(c.r) + pathMultiPage + "/" + s.page.token,
		TokenExpireDate: s.page.expires.In(m.loc).Format(craftgate.DateTimeLayout)})
	return nil
}

// renderMulti is the checkout card form with the part's amount; the caller
// holds s.page.mu.
func (m *Mock) renderMulti(s *multiSession, msg string) []byte {
	page := &checkoutSession{token: s.page.token, expires: s.page.expires, installments: s.page.installments, price: s.remaining,
		currency: s.page.currency, items: s.page.items, page: pathMultiPage}
	out := string(m.renderCheckout(page, msg, "", "", "", 1))
	amount := `<label for="partAmount">Amount to pay now (` + strconv.Itoa(s.parts) + ` part(s) paid, ` +
		displayAmount(s.remaining, s.page.currency) + ` remaining)</label>
<input id="partAmount" type="text" name="amount" inputmode="decimal" value="` + s.remaining.String() + `" required>
<label for="cardHolderName">`
	return []byte(strings.Replace(out, `<label for="cardHolderName">`, amount, 1))
}

// multiPage serves GET and POST /_mock/multi/{token}.
func (m *Mock) multiPage(c *call) error {
	s := pageSession(m, c, &m.pm.multi, "This split payment does not exist.")
	if s == nil {
		return nil
	}
	now := m.Now()
	s.page.mu.Lock()
	defer s.page.mu.Unlock()
	switch {
	case s.remaining == 0:
		c.sendMessage(http.StatusOK, "Already paid", "The whole amount was paid.")
		return nil
	case s.page.expired(now):
		c.sendMessage(http.StatusGone, "Expired", "This split payment has expired.")
		return nil
	case c.r.Method == http.MethodGet:
		c.sendHTML(http.StatusOK, m.renderMulti(s, ""))
		return nil
	}
	amount, e := checkAmount("amount", craftgateAmount(c.r.PostForm.Get("amount")))
	switch {
	case e != nil:
		c.sendHTML(http.StatusOK, m.renderMulti(s, "Type the amount to pay now."))
		return nil
	case amount > s.remaining:
		c.sendHTML(http.StatusOK, m.renderMulti(s, "At most "+displayAmount(s.remaining, s.page.currency)+" remains to pay."))
		return nil
	case s.maxParts > 0 && s.parts == s.maxParts-1 && amount != s.remaining:
		c.sendHTML(http.StatusOK, m.renderMulti(s, "This is the last part allowed: pay all that remains."))
		return nil
	}
	part := s.page.order
	part.Price, part.PaidPrice = craftgate.MustAmount(amount.String()), craftgate.MustAmount(amount.String())
	part.Items = []craftgate.PaymentItem{{Name: "Part " + strconv.Itoa(len(s.paymentIDs)+1), Price: part.Price}}
	tmp := &checkoutSession{token: s.page.token, expires: s.page.expires, order: part, installments: s.page.installments, onlyCredit: s.page.onlyCredit,
		price: amount, currency: s.page.currency, page: pathMultiPage, source: sourceMultiPayment}
	p, failed := m.payOnPage(c, tmp, now)
	if p == nil {
		return nil // the form again, with its error
	}
	m.emitPayment(EventAPIAuth, p, failed)
	s.paymentIDs = append(s.paymentIDs, p.id)
	if failed {
		c.sendHTML(http.StatusOK, m.renderMulti(s, "Your bank declined this part; try another card."))
		return nil
	}
	s.parts++
	s.remaining -= amount
	if s.remaining > 0 {
		c.sendHTML(http.StatusOK, m.renderMulti(s, "Part paid. Pay the rest."))
		return nil
	}
	payload, _ := json.Marshal(map[string]any{"paymentIds": s.paymentIDs, "conversationId": s.page.order.ConversationID,
		"externalId": s.page.order.ExternalID, "multiPaymentStatus": craftgate.MultiPaymentCompleted, "token": s.page.token})
	m.emitPayload(craftgate.EventMultiPaymentDone, craftgate.StatusSuccess, s.page.token, 0, payload)
	c.sendCallbackPage("Paid", "The whole amount was paid.", s.callbackURL, []formField{{"token", s.page.token}})
	return nil
}

// craftgateAmount parses a typed amount; an invalid one is zero (refused).
func craftgateAmount(s string) craftgate.Amount {
	a, err := craftgate.ParseAmount(strings.TrimSpace(strings.ReplaceAll(s, ",", ".")))
	if err != nil {
		return craftgate.Amount{}
	}
	return a
}

// retrieveMultiPayment serves GET /payment/v1/multi-payments/{token}.
func (m *Mock) retrieveMultiPayment(c *call) error {
	s := m.pm.multi.get(c.idText)
	if s == nil {
		return errMethodNotFound("multi-payment token", c.idText)
	}
	return sendLocked(c, &s.page.mu, func() (craftgate.MultiPayment, *apiError) {
		status := craftgate.MultiPaymentCreated
		if s.remaining == 0 {
			status = craftgate.MultiPaymentCompleted
		}
		return craftgate.MultiPayment{ID: s.id, MultiPaymentStatus: status, Token: s.page.token, ConversationID: s.page.order.ConversationID,
			ExternalID: s.page.order.ExternalID, Price: craftgate.MustAmount(s.price.String()), RemainingAmount: craftgate.MustAmount(s.remaining.String()),
			TokenExpireDate: s.page.expires.In(m.loc).Format(craftgate.DateTimeLayout), PaymentIDs: append([]int64{}, s.paymentIDs...)}, nil
	})
}
