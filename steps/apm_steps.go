package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Alternative payment methods (docs/reference/craftgate/flows.md sections 5 and 14): the merchant
// starts an APM payment and follows its additionalAction; the buyer's
// browser is the form driver (form.go), the callback goes to the
// merchant's receiver.

// apmWorld is the APM part of a scenario, made on first use.
type apmWorld struct {
	apmType string
	init    *craftgate.InitApmPaymentResponse
	page    *Page // the provider's page as the buyer last saw it
}

// apmState returns the scenario's APM state.
func (w *World) apmState() *apmWorld {
	return lazy(&w.apm)
}

// apmInputs are the APM-specific inputs each type needs (docs/reference/craftgate/flows.md 5): an
// apmUserIdentity and additionalParams that the provider accepts.
var apmInputs = map[string]struct {
	identity string
	params   map[string]string
}{
	craftgate.ApmKlarna:          {"", map[string]string{"country": "TR", "locale": "tr-TR"}},
	craftgate.ApmEdenred:         {"4111111111111111", nil},
	craftgate.ApmEdenredGift:     {"4111111111111111", nil},
	craftgate.ApmSetcard:         {"4111111111111111", nil},
	craftgate.ApmIWallet:         {"", map[string]string{"cardNumber": "1111222233334444"}},
	craftgate.ApmMetropol:        {"", map[string]string{"cardNumber": "1111222233334444"}},
	craftgate.ApmPaycellDCB:      {"", map[string]string{"paycellGsmNumber": "5321234567"}},
	craftgate.ApmPluxee:          {"5321234567", map[string]string{"sodexoCode": "843195"}},
	craftgate.ApmInstantTransfer: {"", map[string]string{"bankCode": "0062", "shopUrl": "https://merchant.example", "receiptDescription": "order"}},
	craftgate.ApmBizum:           {"", map[string]string{"buyerPhoneNumber": "34600111222"}},
	craftgate.ApmChippin:         {"12345678", nil},
	craftgate.ApmTompay:          {"", map[string]string{"phone": "5321234567", "channel": "WEB"}},
}

func apmDefinitions() []Definition {
	return []Definition{
		{`^the buyer starts an? ([A-Z_]+) APM payment$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.startAPM(ctx, a0, nil) })},
		{`^the buyer starts an? ([A-Z_]+) APM payment as APM user "(\d+)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.startAPM(ctx, a0, &a1) })},
		{`^the buyer starts an? ([A-Z_]+) APM payment without its "([a-zA-Z]+)" parameter$`,
			step2((*World).startAPMWithout)},
		{`^the APM payment waits for ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.apmWaits(a0) })},
		{`^the APM payment succeeds at once$`, step0(func(w *World, ctx context.Context) error { return w.apmSucceedsAtOnce() })},
		{`^the buyer (approves|rejects) the payment at the APM provider$`,
			step1((*World).atAPMProvider)},
		{`^the buyer returns to the APM provider's page and approves again$`,
			step0(func(w *World, ctx context.Context) error { return w.apmAgain(ctx, "approve") })},
		{`^the merchant completes the APM payment with code "(\d+)"$`,
			step1((*World).completeAPM)},
		{`^the APM completion succeeds$`, step0(func(w *World, ctx context.Context) error { return w.apmCompleted() })},
		{`^the merchant records a (CASH_ON_DELIVERY|FUND_TRANSFER) payment$`,
			step1((*World).directAPM)},
		{`^the payment is a successful ` + ReGroup + ` APM payment with one transaction per basket item$`,
			step1((*World).apmPaymentIs)},
		{`^the instant-transfer banks include bank "(\d+)"$`,
			step1((*World).instantTransferBank)},
	}
}

// apmRequest is the init request of the basket paid with apmType.
func (w *World) apmRequest(ctx context.Context, apmType string) (*craftgate.InitApmPaymentRequest, error) {
	req, err := w.paymentRequest(CardChoice{})
	if err != nil {
		return nil, err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return nil, err
	}
	identity, params := apmParams(apmType)
	w.request = req
	return &craftgate.InitApmPaymentRequest{ApmType: apmType, Price: req.Price, PaidPrice: req.PaidPrice, Currency: req.Currency,
		PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, CallbackURL: cb, Items: req.Items,
		ApmUserIdentity: identity, AdditionalParams: params}, nil
}

// startAPM starts an APM payment; identity replaces the type's default
// apmUserIdentity. The answer, success or error, is kept.
func (w *World) startAPM(ctx context.Context, apmType string, identity *string) error {
	req, err := w.apmRequest(ctx, apmType)
	if err != nil {
		return err
	}
	if identity != nil {
		req.ApmUserIdentity = *identity
	}
	return w.sendAPM(ctx, req)
}

// startAPMWithout starts an APM payment lacking one of its inputs.
func (w *World) startAPMWithout(ctx context.Context, apmType, param string) error {
	req, err := w.apmRequest(ctx, apmType)
	if err != nil {
		return err
	}
	if param == "apmUserIdentity" {
		req.ApmUserIdentity = ""
	} else if _, ok := req.AdditionalParams[param]; ok {
		delete(req.AdditionalParams, param)
	} else {
		return fmt.Errorf("steps: %s APM payments take no %q parameter here", apmType, param)
	}
	return w.sendAPM(ctx, req)
}

func (w *World) sendAPM(ctx context.Context, req *craftgate.InitApmPaymentRequest) error {
	s := w.resetAPM(req.ApmType)
	resp, err := w.client.InitApmPayment(ctx, req)
	w.err = err
	if err != nil {
		w.apmRefused(err)
		return nil
	}
	return w.apmStarted(s, resp)
}

// resetAPM forgets the scenario's previous payment before an APM init
// (a payment or a wallet top-up) of apmType.
func (w *World) resetAPM(apmType string) *apmWorld {
	s := w.apmState()
	s.apmType, s.init, s.page = apmType, nil, nil
	w.payment, w.declined, w.retrieved, w.callback, w.paymentID = nil, nil, nil, nil, 0
	w.card = CardChoice{Role: "APM " + apmType}
	return s
}

// apmRefused keeps the refusal of an APM init.
func (w *World) apmRefused(err error) {
	w.declined = craftgate.AsError(err)
	if w.declined != nil && w.declined.Group != "" {
		w.note(EvidenceErrorGroup, w.declined.Group, "")
	}
	// The mock names the refused payment (as for card declines).
	if id, perr := strconv.ParseInt(w.rec.header.Get(headerPaymentID), 10, 64); perr == nil {
		w.paymentID = id
	}
}

// apmStarted keeps the answer of an APM init: the payment the next steps
// follow.
func (w *World) apmStarted(s *apmWorld, resp *craftgate.InitApmPaymentResponse) error {
	s.init, w.paymentID = resp, resp.PaymentID
	w.note(EvidencePayment, strconv.FormatInt(resp.PaymentID, 10), "")
	if resp.PaymentID == 0 {
		return fmt.Errorf("steps: APM init (%s) answered no paymentId", s.apmType)
	}
	return nil
}

// apmParams are apmType's usual inputs (apmInputs): its apmUserIdentity
// and a copy of its additionalParams.
func apmParams(apmType string) (string, map[string]string) {
	in := apmInputs[apmType]
	params := map[string]string{}
	for k, v := range in.params {
		params[k] = v
	}
	return in.identity, params
}

func (w *World) requireAPM() (*craftgate.InitApmPaymentResponse, error) {
	if s := w.apm; s != nil && s.init != nil {
		return s.init, nil
	}
	return nil, fmt.Errorf("expected a started APM payment, got %s", describeErr(w.err))
}

func (w *World) apmWaits(action string) error {
	init, err := w.requireAPM()
	if err != nil {
		return err
	}
	var m mismatches
	m.check("additionalAction", action, init.AdditionalAction)
	m.check("paymentStatus", craftgate.StatusWaiting, init.PaymentStatus)
	switch action {
	case craftgate.ApmActionRedirectToURL, craftgate.ApmActionWaitForWebhook:
		if action == craftgate.ApmActionRedirectToURL && init.RedirectURL == "" {
			m.addf("redirectUrl: expected one, got none")
		}
	case craftgate.ApmActionShowHTMLContent:
		if _, err := init.DecodedHTML(); err != nil {
			m.addf("htmlContent: %v", err)
		}
	}
	return m.errf("APM payment %d (%s)", init.PaymentID, w.apm.apmType)
}

func (w *World) apmSucceedsAtOnce() error {
	return verify(w.requireAPM, func(init *craftgate.InitApmPaymentResponse, m *mismatches) error {
		m.check("additionalAction", craftgate.ApmActionNone, init.AdditionalAction)
		m.check("paymentStatus", craftgate.StatusSuccess, init.PaymentStatus)
		return m.errf("APM payment %d (%s)", init.PaymentID, w.apm.apmType)
	})
}

// atAPMProvider plays the buyer's browser: the redirectUrl (or the
// rendered htmlContent) leads to the provider's page, where the buyer
// approves or rejects; a redirect payment's answer posts the callback to
// the merchant, an app payment's (WAIT_FOR_WEBHOOK) answers a page only.
func (w *World) atAPMProvider(ctx context.Context, action string) error {
	init, err := w.requireAPM()
	if err != nil {
		return err
	}
	b := w.browser()
	var page Page
	switch {
	case init.HTMLContent != "":
		doc, err := init.DecodedHTML()
		if err != nil {
			return err
		}
		if page, _, err = b.submit(ctx, Page{Body: []byte(doc)}, nil, nil); err != nil {
			return fmt.Errorf("steps: APM payment %d: the htmlContent does not lead to the provider's page: %w", w.paymentID, err)
		}
	case init.RedirectURL != "":
		if page, err = b.get(ctx, init.RedirectURL); err != nil {
			return err
		}
	default:
		return fmt.Errorf("steps: APM payment %d: neither htmlContent nor redirectUrl (additionalAction %q)", w.paymentID, init.AdditionalAction)
	}
	if err := pageOK(page, fmt.Sprintf("APM payment %d: the provider's page", w.paymentID)); err != nil {
		return err
	}
	w.apm.page = &page
	return w.pressAtAPM(ctx, page, map[string]string{"approves": "approve", "rejects": "reject"}[action])
}

func (w *World) pressAtAPM(ctx context.Context, page Page, action string) error {
	f, err := ParseForm(page)
	if err != nil {
		return fmt.Errorf("steps: APM payment %d: the provider's page: %w", w.paymentID, err)
	}
	back, err := w.browser().press(ctx, f, nil, action, "APM payment %d: the provider's page", w.paymentID)
	if err != nil {
		return err
	}
	if w.apm.init.AdditionalAction == craftgate.ApmActionWaitForWebhook {
		if back.Status != http.StatusOK {
			return fmt.Errorf("steps: APM payment %d: the provider answered HTTP %d: %s", w.paymentID, back.Status, excerpt(back.Body))
		}
		return nil
	}
	return w.postCallback(ctx, back)
}

// apmAgain presses the page's button again: approve at an APM provider,
// apply at a BNPL bank.
func (w *World) apmAgain(ctx context.Context, action string) error {
	if w.apm == nil || w.apm.page == nil {
		return errors.New("steps: the buyer has not been to the provider's page yet")
	}
	return w.pressAtAPM(ctx, *w.apm.page, action)
}

// completeAPM sends the code the buyer typed (otpCode, or iWallet's
// passCode) with the wallet Metropol lists.
func (w *World) completeAPM(ctx context.Context, code string) error {
	init, err := w.requireAPM()
	if err != nil {
		return err
	}
	params := map[string]string{"otpCode": code}
	switch w.apm.apmType {
	case craftgate.ApmIWallet:
		params = map[string]string{"passCode": code}
	case craftgate.ApmMetropol:
		params["walletId"], params["productId"] = "1", "1"
	}
	w.declined = nil
	r, err := w.client.CompleteApmPayment(ctx, &craftgate.CompleteApmPaymentRequest{PaymentID: init.PaymentID, AdditionalParams: params})
	w.err = err
	if err != nil {
		w.declined = craftgate.AsError(err)
		if w.declined != nil && w.declined.Group != "" {
			w.note(EvidenceErrorGroup, w.declined.Group, "")
		}
		return nil
	}
	w.apm.init = &craftgate.InitApmPaymentResponse{PaymentID: r.PaymentID, PaymentStatus: r.PaymentStatus, AdditionalAction: init.AdditionalAction}
	return nil
}

func (w *World) apmCompleted() error {
	if w.err != nil {
		return fmt.Errorf("expected the APM completion to succeed, got %s", describeErr(w.err))
	}
	init, err := w.requireAPM()
	if err != nil {
		return err
	}
	var m mismatches
	m.check("paymentStatus", craftgate.StatusSuccess, init.PaymentStatus)
	return m.errf("completed APM payment %d", init.PaymentID)
}

// directAPM records an offline payment of the basket.
func (w *World) directAPM(ctx context.Context, apmType string) error {
	req, err := w.paymentRequest(CardChoice{})
	if err != nil {
		return err
	}
	w.request, w.card, w.declined = req, CardChoice{Role: "APM " + apmType}, nil
	p, err := w.client.CreateApmPayment(ctx, &craftgate.CreateApmPaymentRequest{ApmType: apmType, Price: req.Price, PaidPrice: req.PaidPrice,
		Currency: req.Currency, PaymentGroup: req.PaymentGroup, ConversationID: req.ConversationID, Items: req.Items})
	w.err, w.payment = err, p
	if err != nil {
		w.declined = craftgate.AsError(err)
		return nil
	}
	w.paymentID = p.ID
	w.note(EvidencePayment, strconv.FormatInt(p.ID, 10), "")
	return nil
}

// apmPaymentIs retrieves the payment under test and checks it is a
// successful APM payment of apmType for the basket, each item a
// transaction with its price, the transactions adding up to paidPrice.
func (w *World) apmPaymentIs(ctx context.Context, apmType string) error {
	return w.verifyCurrent(ctx, func(p *craftgate.Payment, m *mismatches) error {
		m.check("paymentStatus", craftgate.StatusSuccess, p.PaymentStatus)
		m.check("apmType", apmType, p.ApmType)
		m.check("paymentSource", craftgate.PaymentSourceAPI, p.PaymentSource)
		if !p.Price.Equal(w.price.Decimal) {
			m.addf("price: expected %s, got %s", w.price, p.Price)
		}
		if len(p.PaymentTransactions) != len(w.items) {
			m.addf("paymentTransactions: expected %d, got %d", len(w.items), len(p.PaymentTransactions))
		} else {
			sum := craftgate.Amount{}
			for i, tx := range p.PaymentTransactions {
				if !tx.Price.Equal(w.items[i].Decimal) {
					m.addf("paymentTransactions[%d].price: expected %s, got %s", i, w.items[i], tx.Price)
				}
				sum = sum.Add(tx.PaidPrice)
			}
			if !sum.Equal(p.PaidPrice.Decimal) {
				m.addf("paymentTransactions paidPrice add up to %s, paidPrice is %s", sum, p.PaidPrice)
			}
		}
		return m.errf("APM payment %d", p.ID)
	})
}

func (w *World) instantTransferBank(ctx context.Context, code string) error {
	banks, err := w.client.InstantTransferBanks(ctx)
	if err != nil {
		return fmt.Errorf("expected the instant-transfer banks, got %s", describeErr(err))
	}
	for _, b := range banks {
		if b.BankCode == code {
			return nil
		}
	}
	return fmt.Errorf("instant-transfer banks: expected bank %q among %v", code, banks)
}
