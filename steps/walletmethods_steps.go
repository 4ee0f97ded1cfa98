package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Wallet methods whose money comes from a card: Masterpass, BKM Express,
// Garanti Pay, Juzdan and the POS-APMs. The buyer chooses a card at the
// provider (the mock's stand-in page, /_mock/wallet/...), and the payment
// is an ordinary card payment: the steps of payments, 3-D Secure
// callbacks and refunds apply to it.

// pathMockWallet is the mock's provider page of the wallet methods.
const pathMockWallet = "/_mock/wallet/"

// masterpassGsm is the buyer's Masterpass number in the scenarios.
const masterpassGsm = "905551112233"

// methodsWorld is the wallet-method part of a scenario, made on first use.
type methodsWorld struct {
	bkm       *craftgate.InitBkmExpressResponse
	juzdanRef string
	posApm    bool
	more      *moreWorld // methodsmore_steps.go
}

func (w *World) methodState() *methodsWorld {
	return lazy(&w.methods)
}

func walletMethodDefinitions() []Definition {
	return []Definition{
		{`^the buyer pays with (Garanti Pay|World Pay|Google Pay|Juzdan) using ` + ReCard + `$`, step2((*World).payOnProviderPage)},
		{`^the buyer pays with Masterpass using ` + ReCard + `$`,
			step1(func(w *World, ctx context.Context, card string) error { return w.payWithMasterpass(ctx, card, false) })},
		{`^the buyer starts a Masterpass payment with 3-D Secure using ` + ReCard + `$`,
			step1(func(w *World, ctx context.Context, card string) error { return w.payWithMasterpass(ctx, card, true) })},
		{`^the merchant completes the Masterpass 3-D Secure payment$`, step0((*World).completeMasterpassThreeDS)},
		{`^the buyer pays with BKM Express using ` + ReCard + `( and the merchant completes it by token)?$`,
			step2(func(w *World, ctx context.Context, card, byToken string) error {
				return w.payWithBkm(ctx, card, byToken != "")
			})},
		{`^the BKM Express payment can be retrieved by its ticket and by its token$`, step0((*World).bkmRetrievable)},
		{`^the merchant completes the POS-APM payment$`, step0((*World).completePosApm)},
		{`^the merchant retrieves the Juzdan payment$`, step0((*World).retrieveJuzdan)},
		{`^the payment's provider is "([A-Z_]+)"$`, step1((*World).paymentProviderIs)},
	}
}

// methodOrder is the basket as the order of a wallet method.
func (w *World) methodOrder(card CardChoice) (*craftgate.CreatePaymentRequest, error) {
	req, err := w.paymentRequest(card)
	if err != nil {
		return nil, err
	}
	req.Card = nil
	w.startPayment(card, req)
	return req, nil
}

// cardMethodOrder is methodOrder for the card of spec.
func (w *World) cardMethodOrder(spec string) (CardChoice, *craftgate.CreatePaymentRequest, error) {
	card, err := w.parseCard(spec)
	if err != nil {
		return CardChoice{}, nil, err
	}
	o, err := w.methodOrder(card)
	return card, o, err
}

// chooseCardAt opens the provider's page at rawURL (or renders html, the
// init's htmlContent, which leads there) and types the card; it returns
// the provider's answer.
func (w *World) chooseCardAt(ctx context.Context, rawURL, html string, card CardChoice) (Page, error) {
	b := w.browser()
	var page Page
	var err error
	if html != "" {
		doc, derr := decodeBase64HTML(html)
		if derr != nil {
			return Page{}, derr
		}
		page, _, err = b.submit(ctx, Page{Body: []byte(doc)}, nil, nil)
	} else {
		page, err = b.get(ctx, rawURL)
	}
	if err != nil {
		return Page{}, err
	}
	req, err := w.cardFormOf(ctx, page, "the provider's page", card)
	if err != nil {
		return Page{}, err
	}
	return b.do(req)
}

// payOnProviderPage pays with a method that takes the money on the
// provider's page and posts the callback to the merchant.
func (w *World) payOnProviderPage(ctx context.Context, methodName, spec string) error {
	card, o, err := w.cardMethodOrder(spec)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	x := w.methodState()
	x.posApm = false
	var pageURL, html string
	switch methodName {
	case "Garanti Pay":
		r, err := w.client.InitGarantiPay(ctx, &craftgate.InitGarantiPayRequest{Price: o.Price, PaidPrice: o.PaidPrice, Currency: o.Currency,
			PaymentGroup: o.PaymentGroup, ConversationID: o.ConversationID, CallbackURL: cb, Items: o.Items})
		if err != nil {
			return fmt.Errorf("expected Garanti Pay to start, got %s", describeErr(err))
		}
		w.paymentID, html = r.PaymentID, r.HTMLContent
	case "Juzdan":
		r, err := w.client.InitJuzdan(ctx, &craftgate.InitJuzdanRequest{Price: o.Price, PaidPrice: o.PaidPrice, Currency: o.Currency,
			PaymentGroup: o.PaymentGroup, ConversationID: o.ConversationID, CallbackURL: cb, Items: o.Items, ClientType: "W"})
		if err != nil {
			return fmt.Errorf("expected Juzdan to start, got %s", describeErr(err))
		}
		x.juzdanRef, pageURL = r.ReferenceID, r.JuzdanQrURL
	default:
		provider := craftgate.PosApmYKBWorldPay
		if methodName == "Google Pay" {
			provider = craftgate.PosApmGooglePay
		}
		r, err := w.client.InitPosApm(ctx, &craftgate.InitPosApmRequest{Price: o.Price, PaidPrice: o.PaidPrice, Currency: o.Currency,
			PaymentGroup: o.PaymentGroup, ConversationID: o.ConversationID, CallbackURL: cb, Items: o.Items, PaymentProvider: provider})
		if err != nil {
			return fmt.Errorf("expected %s to start, got %s", methodName, describeErr(err))
		}
		w.paymentID, html, x.posApm = r.PaymentID, r.HTMLContent, true
	}
	back, err := w.chooseCardAt(ctx, pageURL, html, card)
	if err != nil {
		return err
	}
	if err := w.postCallback(ctx, back); err != nil {
		return err
	}
	if w.paymentID == 0 {
		w.paymentID, _ = strconv.ParseInt(w.callback.Get("paymentId"), 10, 64)
	}
	w.noteAttempt(craftgate.StepNon3DSPayment, card, w.paymentID, nil)
	return nil
}

// decodeBase64HTML decodes an htmlContent.
func decodeBase64HTML(s string) (string, error) {
	r := craftgate.InitThreeDSPaymentResponse{HTMLContent: s}
	doc, err := r.DecodedHTML()
	if err != nil {
		return "", fmt.Errorf("steps: htmlContent: %w", err)
	}
	return doc, nil
}

// payWithMasterpass generates a Masterpass token, chooses the card in the
// Masterpass stand-in page, and completes without 3-D Secure, or starts
// the 3-D Secure payment (the bank's page steps follow).
func (w *World) payWithMasterpass(ctx context.Context, spec string, threeDS bool) error {
	card, o, err := w.cardMethodOrder(spec)
	if err != nil {
		return err
	}
	tok, err := w.client.GenerateMasterpassToken(ctx, &craftgate.MasterpassTokenRequest{Msisdn: masterpassGsm, BinNumber: craftgate.BinOf(card.Number),
		ForceThreeDS: threeDS, CreatePayment: *o})
	if err != nil {
		return fmt.Errorf("expected a Masterpass token, got %s", describeErr(err))
	}
	page := strings.TrimRight(w.target.BaseURL, "/") + pathMockWallet + tok.ReferenceID + "?t=" + tok.Token
	back, err := w.chooseCardAt(ctx, page, "", card)
	if err != nil {
		return err
	}
	if back.Status != http.StatusOK {
		return fmt.Errorf("steps: Masterpass did not take %s (HTTP %d): %s", card, back.Status, excerpt(back.Body))
	}
	if !threeDS {
		p, err := w.client.CompleteMasterpassPayment(ctx, &craftgate.MasterpassCompleteRequest{ReferenceID: tok.ReferenceID, Token: tok.Token})
		return w.paid(card, p, err)
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	r, err := w.client.InitMasterpassThreeDS(ctx, &craftgate.MasterpassThreeDSInitRequest{ReferenceID: tok.ReferenceID, CallbackURL: cb})
	if err != nil {
		w.stage = craftgate.StepThreeDSInit
		return w.paid(card, nil, err)
	}
	w.err, w.paymentID = nil, r.PaymentID
	w.threeDS = &craftgate.InitThreeDSPaymentResponse{PaymentID: r.PaymentID, RedirectURL: r.ReturnURL, PaymentStatus: craftgate.StatusInitThreeDS}
	w.noteAttempt(craftgate.StepThreeDSInit, card, r.PaymentID, nil)
	return nil
}

// completeMasterpassThreeDS finishes a 3-D Secure Masterpass payment.
func (w *World) completeMasterpassThreeDS(ctx context.Context) error {
	return w.completeWith(ctx, "Masterpass", w.client.CompleteMasterpassThreeDS)
}

// payWithBkm starts BKM Express, chooses the card in its SDK's page and
// completes with the ticket (or the token).
func (w *World) payWithBkm(ctx context.Context, spec string, byToken bool) error {
	card, o, err := w.cardMethodOrder(spec)
	if err != nil {
		return err
	}
	r, err := w.client.InitBkmExpress(ctx, &craftgate.InitBkmExpressRequest{Price: o.Price, PaidPrice: o.PaidPrice, Currency: o.Currency,
		PaymentGroup: o.PaymentGroup, ConversationID: o.ConversationID, Items: o.Items})
	if err != nil {
		return fmt.Errorf("expected BKM Express to start, got %s", describeErr(err))
	}
	w.methodState().bkm = r
	if _, err := w.chooseCardAt(ctx, r.Path, "", card); err != nil {
		return err
	}
	req := &craftgate.CompleteBkmExpressRequest{Status: true, Message: "BKM Express payment approved", TicketID: r.ID}
	if byToken {
		req.BkmExpressPaymentToken = r.Token
	}
	p, err := w.client.CompleteBkmExpress(ctx, req)
	return w.paid(card, p, err)
}

// bkmRetrievable retrieves the BKM Express payment both ways.
func (w *World) bkmRetrievable(ctx context.Context) error {
	x := w.methodState()
	if x.bkm == nil || w.paymentID == 0 {
		return errors.New("steps: no BKM Express payment: the buyer pays with BKM Express first")
	}
	for _, get := range []func() (*craftgate.Payment, error){
		func() (*craftgate.Payment, error) { return w.client.RetrieveBkmExpressByTicket(ctx, x.bkm.ID) },
		func() (*craftgate.Payment, error) { return w.client.RetrieveBkmExpressByToken(ctx, x.bkm.Token) },
	} {
		p, err := get()
		if err != nil {
			return fmt.Errorf("expected the BKM Express payment, got %s", describeErr(err))
		}
		if p.ID != w.paymentID {
			return fmt.Errorf("expected payment %d, got %d", w.paymentID, p.ID)
		}
	}
	return nil
}

// completePosApm completes a POS-APM payment.
func (w *World) completePosApm(ctx context.Context) error {
	if w.paymentID == 0 || !w.methodState().posApm {
		return errors.New("steps: no POS-APM payment to complete: the buyer pays with World Pay first")
	}
	p, err := w.client.CompletePosApm(ctx, &craftgate.CompletePosApmRequest{PaymentID: w.paymentID})
	return w.paid(w.card, p, err)
}

// retrieveJuzdan reads the Juzdan payment by its reference.
func (w *World) retrieveJuzdan(ctx context.Context) error {
	ref := w.methodState().juzdanRef
	if ref == "" {
		return errors.New("steps: no Juzdan payment: the buyer pays with Juzdan first")
	}
	p, err := w.client.RetrieveJuzdan(ctx, ref)
	return w.paid(w.card, p, err)
}

// paymentProviderIs checks the payment's paymentProvider.
func (w *World) paymentProviderIs(_ context.Context, provider string) error {
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	if p.PaymentProvider != provider {
		return fmt.Errorf("expected paymentProvider %s, got %q", provider, p.PaymentProvider)
	}
	return nil
}
