package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// pathMockClock reads the mock's clock (a gatecheck mock facility).
const pathMockClock = "/_mock/v1/clock"

// istanbul is where the provider writes local times such as
// tokenExpireDate; a fixed +03:00 zone when the host has no tzdata
// (equivalent since 2016).
var istanbul = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Istanbul"); err == nil {
		return loc
	}
	return time.FixedZone("+03", 3*60*60)
}()

func checkoutDefinitions() []Definition {
	return []Definition{
		{`^the merchant has created a checkout form for the basket$`,
			step0(func(w *World, ctx context.Context) error { return w.createCheckout(ctx, "") })},
		{`^the merchant has created a checkout form for the basket valid for (\d+) minutes$`,
			step1((*World).createCheckout)},
		{`^the buyer pays on the checkout page with ` + ReCard + `$`,
			step1((*World).payOnCheckoutPage)},
		{`^the buyer has paid on the checkout page with ` + ReCard + `$`,
			step1((*World).hasPaidOnCheckoutPage)},
		{`^the merchant retrieves the checkout payment by its token$`, step0((*World).retrieveCheckout)},
		{`^the merchant expires the checkout form$`, step0((*World).expireCheckout)},

		{`^the merchant receives the checkout callback with the form's token$`, step0((*World).checkoutCallbackReceived)},
		{`^the checkout payment matches the merchant's order$`, step0((*World).checkoutMatchesOrder)},
		{`^the checkout payment failed with error group ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.checkoutFailed(a0) })},
		{`^the checkout form's token retrieves no payment$`, step0((*World).checkoutNotRetrievable)},
		{`^the checkout page shows the form as expired$`, step0((*World).checkoutPageExpired)},
		{`^the checkout form's token expires (\d+) minutes after it was created$`,
			step1((*World).checkoutExpiresIn)},
	}
}

// createCheckout creates a checkout form (common payment page) for the
// basket; ttl is its lifetime in minutes, empty for the provider's default.
func (w *World) createCheckout(ctx context.Context, ttl string) error {
	if w.currency == "" {
		return errors.New(`steps: no basket: a scenario starts with "Given a basket of ..."`)
	}
	cb, err := w.merchantURL(merchant.PathCheckout)
	if err != nil {
		return err
	}
	req := &craftgate.InitCheckoutPaymentRequest{
		Price: w.price, PaidPrice: w.price, Currency: w.currency,
		PaymentGroup: craftgate.PaymentGroupProduct, ConversationID: newConversationID(),
		CallbackURL: cb, EnabledInstallments: []int{1, 2, 3, 6},
	}
	for i, a := range w.items {
		req.Items = append(req.Items, craftgate.PaymentItem{Name: fmt.Sprintf("Item %d", i+1), ExternalID: fmt.Sprintf("item-%d", i+1), Price: a})
	}
	if ttl != "" {
		n, err := ParseInt(ttl)
		if err != nil || n < 1 {
			return fmt.Errorf("steps: checkout form lifetime %q: want a number of minutes", ttl)
		}
		req.TTL = int64(n)
	}
	w.startPayment(CardChoice{}, nil)
	w.checkoutReq, w.checkout, w.checkoutCallback = req, nil, nil
	resp, err := w.client.InitCheckoutPayment(ctx, req)
	if err != nil {
		return fmt.Errorf("expected the checkout form to be created, got %s", describeErr(err))
	}
	var m mismatches
	if resp.Token == "" {
		m.addf("token: expected one, got none")
	}
	if _, err := url.ParseRequestURI(resp.PageURL); err != nil {
		m.addf("pageUrl: expected an address, got %q", resp.PageURL)
	}
	if err := m.err("checkout form"); err != nil {
		return err
	}
	w.checkout = resp
	return nil
}

// requireCheckout returns the checkout form under test.
func (w *World) requireCheckout() (*craftgate.InitCheckoutPaymentResponse, error) {
	if w.checkout == nil {
		return nil, errors.New(`steps: no checkout form: "Given the merchant has created a checkout form for the basket" first`)
	}
	return w.checkout, nil
}

// payOnCheckoutPage plays the buyer: open the page, type the card, press
// pay, and let the page the provider answers with post the token to the
// merchant. A page that refuses the card fails the step.
func (w *World) payOnCheckoutPage(ctx context.Context, spec string) error {
	card, co, err := withArg(spec, w.parseCard, w.requireCheckout)
	if err != nil {
		return err
	}
	w.card = card
	b := w.browser()
	req, err := w.cardFormAt(ctx, b, co.PageURL, "the checkout page", card)
	if err != nil {
		return err
	}
	back, err := b.do(req)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCheckout)
	if err != nil {
		return err
	}
	next, err := ParseForm(back)
	if err != nil || next.Action.String() != cb {
		return fmt.Errorf("steps: the checkout page did not take %s (HTTP %d): %s", card, back.Status, excerpt(back.Body))
	}
	answer, v, err := b.submitForm(ctx, next, nil, nil)
	if err != nil {
		return err
	}
	w.checkoutCallback, w.callbackAnswer = v, answer.Status
	return nil
}

// cardFormAt opens the hosted page at rawURL (named what in errors) and
// returns the request its card form sends (see cardFormRequest).
func (w *World) cardFormAt(ctx context.Context, b browser, rawURL, what string, card CardChoice) (*http.Request, error) {
	page, err := b.get(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return w.cardFormOf(ctx, page, what, card)
}

// cardFormOf is cardFormRequest on a page that must have answered 200;
// what names the page in errors.
func (w *World) cardFormOf(ctx context.Context, page Page, what string, card CardChoice) (*http.Request, error) {
	if err := pageOK(page, what); err != nil {
		return nil, err
	}
	req, err := w.cardFormRequest(ctx, page, card)
	if err != nil {
		return nil, fmt.Errorf("steps: %s: %w", what, err)
	}
	return req, nil
}

// cardFormRequest fills a hosted page's card form (the checkout page, a
// payment link's page) as the buyer would, with the scenario's security
// code, expiry and installment choice, and returns the request its first
// button sends.
func (w *World) cardFormRequest(ctx context.Context, page Page, card CardChoice) (*http.Request, error) {
	f, err := ParseForm(page)
	if err != nil {
		return nil, err
	}
	month, year, cvc := w.cardDetails(card)
	set := map[string]string{"cardHolderName": cardHolderName, "cardNumber": card.Number,
		"expireMonth": month, "expireYear": year, "cvc": cvc}
	if _, ok := f.Get("installment"); ok {
		set["installment"] = strconv.Itoa(w.installment)
	}
	var press *Button
	if len(f.Buttons) > 0 {
		press = &f.Buttons[0]
	}
	req, err := f.Request(ctx, set, press)
	if err != nil {
		return nil, fmt.Errorf("filling the card form: %w", err)
	}
	return req, nil
}

func (w *World) hasPaidOnCheckoutPage(ctx context.Context, spec string) error {
	if err := w.payOnCheckoutPage(ctx, spec); err != nil {
		return err
	}
	return w.checkoutCallbackReceived(ctx)
}

// checkoutCallbackReceived checks that the browser brought the form's
// token, and nothing else, to the merchant, which accepted it.
func (w *World) checkoutCallbackReceived(ctx context.Context) error {
	co, err := w.requireCheckout()
	if err != nil {
		return err
	}
	form := w.checkoutCallback
	if form == nil {
		return errors.New("expected the checkout callback, but the buyer's browser posted none")
	}
	var m mismatches
	m.check("token", co.Token, form.Get("token"))
	if len(form) != 1 {
		m.addf("fields: expected the single field token, got %s", fieldList(form))
	}
	if w.callbackAnswer < 200 || w.callbackAnswer > 299 {
		m.addf("the merchant answered HTTP %d, expected 2xx", w.callbackAnswer)
	}
	if r := w.target.Merchant; r != nil {
		if _, err := waitCallback(ctx, r, merchant.KindCheckout, form); err != nil {
			m.addf("the merchant's receiver did not record it: %v", err)
		}
	}
	if err := m.err("checkout callback"); err != nil {
		return err
	}
	w.note(EvidenceToken, "checkout token "+co.Token+" posted to the merchant", "")
	return nil
}

// retrieveCheckout retrieves the payment made on the checkout page by the
// form's token; the payment becomes the payment under test.
func (w *World) retrieveCheckout(ctx context.Context) error {
	co, err := w.requireCheckout()
	if err != nil {
		return err
	}
	p, err := w.client.RetrieveCheckoutPayment(ctx, co.Token)
	w.err, w.payment, w.retrieved = err, nil, nil
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: retrieving the checkout payment: %w", err)
		}
		return nil
	}
	w.payment, w.retrieved, w.paymentID = p, p, p.ID
	return nil
}

// checkoutMatchesOrder compares the payment retrieved by token with the
// merchant's order, as the docs require before fulfilling it (the token a
// browser brings back is not signed).
func (w *World) checkoutMatchesOrder(context.Context) error {
	return verify(w.requirePayment, func(p *craftgate.Payment, m *mismatches) error {
		req := w.checkoutReq
		w.sameOrder(m, craftgate.PaymentSourceCheckoutForm, req.Price, req.Currency, req.ConversationID, p)
		m.amount("paidPrice", req.PaidPrice, p.PaidPrice)
		if n := w.card.Number; n != "" {
			if !strings.HasPrefix(n, p.BinNumber) || p.BinNumber == "" {
				m.addf("binNumber: expected the first digits of %s, got %q", w.card, craftgate.MaskPAN(p.BinNumber))
			}
			m.check("lastFourDigits", n[len(n)-4:], p.LastFourDigits)
		}
		return m.errf("checkout payment %d", p.ID)
	})
}

// sameOrder records where payment p differs from the order the merchant
// made it for through source: its price, currency and conversationId, and
// the installment the buyer chose.
func (w *World) sameOrder(m *mismatches, source string, price craftgate.Amount, currency, conversationID string, p *craftgate.Payment) {
	m.check("paymentSource", source, p.PaymentSource)
	m.amount("price", price, p.Price)
	m.check("currency", currency, p.Currency)
	m.check("conversationId", conversationID, p.ConversationID)
	m.check("installment (the buyer's choice)", w.installment, p.Installment)
}

func (w *World) checkoutFailed(group string) error {
	if w.err != nil || w.retrieved == nil {
		return fmt.Errorf("expected the checkout payment to be retrieved, got %s", describeErr(w.err))
	}
	p := w.retrieved
	var m mismatches
	m.check("paymentStatus", craftgate.StatusFailure, p.PaymentStatus)
	if p.PaymentError == nil {
		m.addf("paymentError: expected errorGroup %q, got none", group)
	} else {
		m.check("paymentError.errorGroup", group, p.PaymentError.ErrorGroup)
	}
	m.check("paymentSource", craftgate.PaymentSourceCheckoutForm, p.PaymentSource)
	return m.errf("checkout payment %d with %s", p.ID, w.card)
}

// checkoutNotRetrievable checks that retrieving by the form's token is
// refused (HTTP 4xx in the error envelope).
func (w *World) checkoutNotRetrievable(ctx context.Context) error {
	co, err := w.requireCheckout()
	if err != nil {
		return err
	}
	p, err := w.client.RetrieveCheckoutPayment(ctx, co.Token)
	if err == nil {
		return fmt.Errorf("expected the checkout form's token to retrieve no payment, got payment %d (%s)", p.ID, p.PaymentStatus)
	}
	return expect4xx(err, "the retrieval by token to be refused (HTTP 4xx in the error envelope)")
}

// checkoutPageExpired opens the page as the buyer would after expiry.
func (w *World) checkoutPageExpired(ctx context.Context) error {
	co, err := w.requireCheckout()
	if err != nil {
		return err
	}
	return w.pageRefuses(ctx, co.PageURL, http.StatusGone, "expired", "expired checkout page")
}

// pageRefuses opens pageURL as the buyer would and checks that the page
// refuses to take a payment: it answers HTTP status (any 4xx or 5xx when
// status is 0), says phrase and offers no form to pay.
func (w *World) pageRefuses(ctx context.Context, pageURL string, status int, phrase, subject string) error {
	page, err := w.browser().get(ctx, pageURL)
	if err != nil {
		return err
	}
	var m mismatches
	if status != 0 {
		m.check("HTTP status", status, page.Status)
	} else if page.Status < 400 {
		m.addf("HTTP status: expected a 4xx page, got %d", page.Status)
	}
	if !strings.Contains(strings.ToLower(pageText(page.Body)), strings.ToLower(phrase)) {
		m.addf("the page does not say %q: %s", phrase, excerpt(page.Body))
	}
	if _, err := ParseForm(page); !errors.Is(err, ErrNoForm) {
		m.addf("the page still offers a form to pay")
	}
	return m.err(subject)
}

// checkoutExpiresIn compares tokenExpireDate with the provider's time:
// the mock's clock when the target is a gatecheck mock, else the local
// time in Istanbul, with a minute's tolerance either way.
func (w *World) checkoutExpiresIn(ctx context.Context, minutes string) error {
	n, co, err := withArg(minutes, ParseInt, w.requireCheckout)
	if err != nil {
		return err
	}
	exp, err := time.ParseInLocation(craftgate.DateTimeLayout, trimFraction(co.TokenExpireDate), istanbul)
	if err != nil {
		return fmt.Errorf("checkout form: tokenExpireDate %q is not yyyy-MM-ddTHH:mm:ss", co.TokenExpireDate)
	}
	now, err := w.providerNow(ctx)
	if err != nil {
		return err
	}
	want := time.Duration(n) * time.Minute
	if got := exp.Sub(now); got < want-time.Minute || got > want+time.Minute {
		return fmt.Errorf("checkout form: tokenExpireDate %s is %s from now (%s), expected %s", co.TokenExpireDate, got.Round(time.Second), now.Format(craftgate.DateTimeLayout), want)
	}
	return nil
}

// providerNow is the provider's current local time: the mock's clock, or
// the wall clock for a provider that has none to read.
func (w *World) providerNow(ctx context.Context) (time.Time, error) {
	var clock struct {
		Now string `json:"now"`
	}
	err := w.client.Do(ctx, http.MethodGet, pathMockClock, nil, nil, &clock)
	if ce := craftgate.AsError(err); ce != nil && ce.HTTPStatus == http.StatusNotFound {
		return time.Now().In(istanbul), nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("steps: reading the mock's clock: %w", err)
	}
	now, err := time.ParseInLocation(craftgate.DateTimeLayout, trimFraction(clock.Now), istanbul)
	if err != nil {
		return time.Time{}, fmt.Errorf("steps: the mock's clock %q: %w", clock.Now, err)
	}
	return now, nil
}

// trimFraction drops fractional seconds from a local date-time.
func trimFraction(s string) string {
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return s[:i]
	}
	return s
}

// expireCheckout expires the checkout form's token (an unused one).
func (w *World) expireCheckout(ctx context.Context) error {
	co, err := w.requireCheckout()
	if err != nil {
		return err
	}
	return expectDone(w.client.ExpireCheckoutPayment(ctx, co.Token), "the checkout form to be expired")
}
