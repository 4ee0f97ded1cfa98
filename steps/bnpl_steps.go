package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// BNPL, the shopping loan (docs/reference/craftgate/flows.md section 6, alfabank/bnpl.md): offers,
// the application at the bank's page through the buyer's browser, the
// callback with the version 2 hash, BNPL_NOTIFICATION, approve, verify.

// bnplWorld is the BNPL part of a scenario, made on first use.
type bnplWorld struct {
	offers *craftgate.BnplOffersResponse
	verify *craftgate.BnplVerifyResponse
}

func (w *World) bnplState() *bnplWorld {
	return lazy(&w.bnpl)
}

// bnplParams are provider inputs every provider of docs/reference/alfabank/bnpl.md section 2
// accepts (each takes the ones it needs).
func bnplParams() map[string]any {
	return map[string]any{"buyerPhoneNumber": "5321234567", "buyerBirthdate": "1990-01-31", "buyerIdentityNumber": "11111111110",
		"buyerEmail": "buyer@example.com", "buyerName": "Haluk Demir", "channelId": 1, "term": 3}
}

func bnplDefinitions() []Definition {
	return []Definition{
		{`^the merchant asks for ([A-Z_]+) loan offers for the basket$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.bnplOffers(ctx, a0, "ELECTRONICS") })},
		{`^the merchant asks for ([A-Z_]+) loan offers for the basket in category "([A-Z_]*)"$`,
			step2((*World).bnplOffers)},
		{`^the offers include bank "(\d+)" with plans totalling the price$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.offersInclude(a0) })},
		{`^the buyer applies for a ([A-Z_]+) loan$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.applyLoan(ctx, a0, "", "apply") })},
		{`^the buyer applies for a ([A-Z_]+) loan at bank "(\d+)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.applyLoan(ctx, a0, a1, "apply") })},
		{`^the buyer abandons a ([A-Z_]+) loan application$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.applyLoan(ctx, a0, "", "abandon") })},
		{`^the buyer starts a ([A-Z_]+) loan without its "([a-zA-Z]+)" parameter$`,
			step2((*World).loanWithout)},
		{`^the buyer returns to the bank's page and applies again$`,
			step0(func(w *World, ctx context.Context) error { return w.apmAgain(ctx, "apply") })},
		{`^the loan callback carries status ` + ReGroup + ` and additional action ` + ReGroup + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.loanCallback(a0, a1) })},
		{`^the webhook's payload carries additional action ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.payloadAction(a0) })},
		{`^the merchant approves the loan$`, step0((*World).approveLoan)},
		{`^the loan is approved$`, step0(func(w *World, ctx context.Context) error { return w.loanApproved() })},
		{`^the loan approval is rejected as a validation error$`,
			step0(func(w *World, ctx context.Context) error { return w.loanApprovalInvalid() })},
		{`^the merchant verifies the loan$`,
			step0(func(w *World, ctx context.Context) error { return w.verifyLoan(ctx, false) })},
		{`^the merchant verifies the loan the documented way$`,
			step0(func(w *World, ctx context.Context) error { return w.verifyLoan(ctx, true) })},
		{`^the verification says status ` + ReGroup + ` with additional action ` + ReGroup + `$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.verificationSays(a0, a1) })},
	}
}

// cartItems is the basket as a loan basket: one of each item, of category.
func (w *World) cartItems(category string) []craftgate.BnplCartItem {
	var out []craftgate.BnplCartItem
	for i, a := range w.items {
		out = append(out, craftgate.BnplCartItem{ID: fmt.Sprintf("item-%d", i+1), Name: fmt.Sprintf("Item %d", i+1),
			BrandName: "Gatecheck", Type: category, UnitPrice: a, Quantity: 1})
	}
	return out
}

func (w *World) bnplOffers(ctx context.Context, apmType, category string) error {
	if w.currency == "" {
		return fmt.Errorf(`steps: no basket: a scenario starts with "Given a basket of ..."`)
	}
	s := w.bnplState()
	s.offers = nil
	r, err := w.client.BnplOffers(ctx, &craftgate.BnplOffersRequest{ApmType: apmType, Price: w.price, Currency: w.currency,
		AdditionalParams: bnplParams(), Items: w.cartItems(category)})
	w.err = err
	if err == nil {
		s.offers = r
	} else if craftgate.AsError(err) == nil {
		return fmt.Errorf("steps: BNPL offers: %w", err)
	}
	return nil
}

func (w *World) offersInclude(bank string) error {
	s := w.bnplState()
	if s.offers == nil {
		return fmt.Errorf("expected BNPL offers, got %s", describeErr(w.err))
	}
	var m mismatches
	if s.offers.OfferID == "" {
		m.addf("offerId: expected one, got none")
	}
	found := false
	for _, o := range s.offers.BankOffers {
		if o.BankCode != bank {
			continue
		}
		found = true
		if len(o.BankOfferTerms) == 0 {
			m.addf("bank %s: no plans", bank)
		}
		for _, t := range o.BankOfferTerms {
			if !t.TotalAmount.Equal(w.price.Decimal) || t.Term < 1 {
				m.addf("bank %s, %d months: totalAmount %s, expected the price %s (interest-free)", bank, t.Term, t.TotalAmount, w.price)
			}
		}
	}
	if !found {
		m.addf("bankOffers: expected bank %s among %d offers", bank, len(s.offers.BankOffers))
	}
	return m.err("BNPL offers")
}

// loanRequest is the init request of the basket as a loan.
func (w *World) loanRequest(ctx context.Context, apmType, bank string) (*craftgate.InitBnplPaymentRequest, error) {
	base, err := w.apmRequest(ctx, apmType)
	if err != nil {
		return nil, err
	}
	req := &craftgate.InitBnplPaymentRequest{ApmType: apmType, Price: base.Price, PaidPrice: base.PaidPrice, Currency: base.Currency,
		PaymentGroup: base.PaymentGroup, ConversationID: base.ConversationID, CallbackURL: base.CallbackURL, Items: base.Items,
		CartItems: w.cartItems("ELECTRONICS"), BankCode: bank, AdditionalParams: bnplParams()}
	if s := w.bnpl; s != nil && s.offers != nil {
		req.ApmOrderID = string(s.offers.OfferID)
	}
	if apmType == craftgate.BnplMaslak && bank == "" {
		req.AdditionalParams = map[string]any{"fingate": map[string]any{"isHostedPage": true}}
	}
	return req, nil
}

// applyLoan starts a loan and plays the buyer at the bank's page (apply
// or abandon); the bank's answer posts the callback to the merchant.
func (w *World) applyLoan(ctx context.Context, apmType, bank, action string) error {
	req, err := w.loanRequest(ctx, apmType, bank)
	if err != nil {
		return err
	}
	if err := w.initLoan(ctx, req); err != nil {
		return err
	}
	init, err := w.requireAPM()
	if err != nil {
		return err
	}
	if init.AdditionalAction != craftgate.ApmActionRedirectToURL || init.RedirectURL == "" {
		return fmt.Errorf("BNPL init (%s): expected REDIRECT_TO_URL with a redirectUrl, got %q %q", apmType, init.AdditionalAction, init.RedirectURL)
	}
	page, err := w.browser().getOK(ctx, init.RedirectURL, fmt.Sprintf("loan %d: the bank's page", w.paymentID))
	if err != nil {
		return err
	}
	w.apm.page = &page
	if err := w.pressAtAPM(ctx, page, action); err != nil {
		return err
	}
	// The merchant checks the callback against the payment (docs/reference/craftgate/flows.md 5
	// item 4) and keeps it for its refunds.
	p, err := w.current(ctx)
	if err != nil {
		return err
	}
	w.payment = p
	return nil
}

func (w *World) initLoan(ctx context.Context, req *craftgate.InitBnplPaymentRequest) error {
	w.bnplState() // marks the scenario a BNPL one (callbackFlow)
	s := w.apmState()
	s.apmType, s.init, s.page = req.ApmType, nil, nil
	w.payment, w.declined, w.retrieved, w.callback, w.paymentID = nil, nil, nil, nil, 0
	w.card = CardChoice{Role: "BNPL " + req.ApmType}
	resp, err := w.client.InitBnplPayment(ctx, req)
	w.err = err
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: BNPL init: %w", err)
		}
		return nil
	}
	s.init, w.paymentID = resp, resp.PaymentID
	w.note(EvidencePayment, strconv.FormatInt(resp.PaymentID, 10), "")
	return nil
}

func (w *World) loanWithout(ctx context.Context, apmType, param string) error {
	req, err := w.loanRequest(ctx, apmType, "")
	if err != nil {
		return err
	}
	switch param {
	case "cartItems":
		req.CartItems = nil
	case "category":
		req.CartItems[0].Type = ""
	case "quantity":
		req.CartItems[0].Quantity = 0
	case "bankCode":
		req.BankCode, req.AdditionalParams = "", bnplParams()
	default:
		if _, ok := req.AdditionalParams[param]; !ok {
			return fmt.Errorf("steps: %s loans take no %q parameter here", apmType, param)
		}
		delete(req.AdditionalParams, param)
	}
	return w.initLoan(ctx, req)
}

func (w *World) loanCallback(status, action string) error {
	return verify(w.requireCallback, func(form url.Values, m *mismatches) error {
		m.check("paymentStatus", status, form.Get("paymentStatus"))
		m.check("additionalAction", action, form.Get("additionalAction"))
		m.check("hashParams", craftgate.BnplCallbackHashParams, form.Get("hashParams"))
		return m.errf("loan callback of payment %d", w.paymentID)
	})
}

func (w *World) payloadAction(action string) error {
	if w.webhook == nil {
		return fmt.Errorf("steps: no webhook received yet")
	}
	var p struct {
		AdditionalAction string `json:"additionalAction"`
	}
	if err := json.Unmarshal(w.webhook.Event.Payload, &p); err != nil {
		return fmt.Errorf("webhook %s for %s: payload %q: %w", w.webhook.Event.EventType, w.webhook.Event.PayloadID, w.webhook.Event.Payload, err)
	}
	var m mismatches
	m.check("payload.additionalAction", action, p.AdditionalAction)
	return m.errf("%s webhook for payment %s", w.webhook.Event.EventType, w.webhook.Event.PayloadID)
}

func (w *World) approveLoan(ctx context.Context) error {
	if w.paymentID == 0 {
		return fmt.Errorf("steps: no loan to approve: apply first")
	}
	p, err := w.client.ApproveBnplPayment(ctx, w.paymentID)
	w.err = err
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: approving loan %d: %w", w.paymentID, err)
		}
		return nil
	}
	w.payment = p
	return nil
}

func (w *World) loanApproved() error {
	if w.err != nil {
		return fmt.Errorf("expected loan %d to be approved, got %s", w.paymentID, describeErr(w.err))
	}
	var m mismatches
	m.check("id", w.paymentID, w.payment.ID)
	m.check("paymentStatus", craftgate.StatusSuccess, w.payment.PaymentStatus)
	return m.errf("approved loan %d", w.paymentID)
}

func (w *World) loanApprovalInvalid() error {
	if w.err == nil {
		return fmt.Errorf("expected the approval of loan %d to be rejected as a validation error, but it succeeded", w.paymentID)
	}
	return expectValidationError(fmt.Sprintf("approval of loan %d", w.paymentID), w.err, "")
}

// verifyLoan re-queries the loan the clients' way or the docs' way; the
// docs' APPROVED / DECLINED / WAITING read as SUCCESS / FAILURE / WAITING.
func (w *World) verifyLoan(ctx context.Context, docs bool) error {
	if w.paymentID == 0 {
		return fmt.Errorf("steps: no loan to verify: apply first")
	}
	s := w.bnplState()
	s.verify = nil
	if docs {
		r, err := w.client.VerifyBnplPaymentDocs(ctx, w.paymentID)
		if w.err = err; err != nil {
			return fmt.Errorf("expected loan %d to verify, got %s", w.paymentID, describeErr(err))
		}
		st := map[string]string{"APPROVED": craftgate.StatusSuccess, "DECLINED": craftgate.StatusFailure, "WAITING": craftgate.StatusWaiting}[r.ResponseStatus]
		if st == "" {
			return fmt.Errorf("loan %d: verify answered responseStatus %q, expected APPROVED, DECLINED or WAITING", w.paymentID, r.ResponseStatus)
		}
		s.verify = &craftgate.BnplVerifyResponse{PaymentStatus: st, AdditionalAction: r.AdditionalAction}
		return nil
	}
	r, err := w.client.VerifyBnplPayment(ctx, w.paymentID)
	if w.err = err; err != nil {
		return fmt.Errorf("expected loan %d to verify, got %s", w.paymentID, describeErr(err))
	}
	s.verify = r
	return nil
}

func (w *World) verificationSays(status, action string) error {
	s := w.bnplState()
	if s.verify == nil {
		return fmt.Errorf("steps: the loan was not verified")
	}
	var m mismatches
	m.check("paymentStatus", status, s.verify.PaymentStatus)
	m.check("additionalAction", action, s.verify.AdditionalAction)
	return m.errf("verification of loan %d", w.paymentID)
}
