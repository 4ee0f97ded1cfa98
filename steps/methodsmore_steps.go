package steps

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/gatecheck/gatecheck/merchant"
)

// Split payments, card verification, virtual POSes, meal-voucher cards
// and the BNPL limit inquiry.

// moreWorld is this file's part of a scenario, made on first use.
type moreWorld struct {
	multi       *craftgate.InitCheckoutPaymentResponse
	multiState  *craftgate.MultiPayment
	verify      *craftgate.VerifyCardResponse
	verifyPage  *craftgate.InitCheckoutPaymentResponse
	pos         *craftgate.MerchantPosDetail
	commissions *craftgate.MerchantPosCommissions
	newMerchant *craftgate.CreateMerchantResponse
	voucherID   string
	voucher     *craftgate.MealVoucherCompleteResponse
	limit       *craftgate.BnplLimitInquiryResponse
	limitPhone  string // the buyer's phone of the limit inquiry, unique per scenario
}

func (w *World) more() *moreWorld {
	return lazy(&w.methodState().more)
}

func moreMethodDefinitions() []Definition {
	return []Definition{
		// Split payments.
		{`^the merchant has created a split payment for the basket in at most (\d+) parts$`, step1((*World).createMulti)},
		{`^the buyer pays ` + ReAmount + ` of the split payment with ` + ReCard + `$`, step2((*World).payPart)},
		{`^the split payment is (CREATED|COMPLETED) with ` + ReAmount + ` remaining and (\d+) payments?$`, step3((*World).multiIs)},
		{`^the merchant takes payment (\d+) of the split payment$`, step1((*World).takePart)},

		// Card verification.
		{`^the merchant verifies ` + ReCard + ` (with|without) asking the bank$`,
			step2(func(w *World, ctx context.Context, card, with string) error {
				return w.verifyCard(ctx, card, with == "with")
			})},
		{`^the card verification (succeeds and stores the card|fails)$`,
			step1(func(w *World, _ context.Context, outcome string) error { return w.verifyOutcome(outcome == "fails") })},
		{`^the merchant verifies ` + ReCard + ` with 3-D Secure$`, step1((*World).verifyCardThreeDS)},
		{`^the buyer (verifies|rejects) the card at the bank$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.verifyCardAtBank(ctx, bankButtons[a0]) })},
		{`^the callback carries the stored card's keys$`, step0((*World).callbackStoredCard)},
		{`^the callback carries no card$`, step0((*World).callbackNoCard)},
		{`^the buyer verifies ` + ReCard + ` on the card verification page$`, step1((*World).verifyOnPage)},
		{`^the card verification page's token retrieves (the card|no card)$`,
			step1(func(w *World, ctx context.Context, what string) error {
				return w.verifyPageResult(ctx, what == "the card")
			})},

		// Virtual POSes and merchants.
		{`^the merchant has created a virtual POS "([^"]+)"$`, step1((*World).createPos)},
		{`^the merchant sets the POS's status to (ACTIVE|PASSIVE)$`, step1((*World).setPosStatus)},
		{`^the buyer pays without 3-D Secure with ` + ReCard + ` on that POS$`, step1((*World).payOnPos)},
		{`^the merchant sets the POS's commissions for installments ((?:\d+)(?:, \d+)*)$`, step1((*World).setCommissions)},
		{`^the POS has (\d+) commission rows?$`, step1((*World).posCommissions)},
		{`^the merchant deletes the POS$`, step0((*World).deletePos)},
		{`^the POS can no longer be retrieved$`, step0((*World).posGone)},
		{`^the POS is found by its alias$`, step0((*World).posFound)},
		{`^the merchant's APMs include "([A-Z_]+)"$`, step1((*World).apmsInclude)},
		{`^the platform creates a merchant "([^"]+)"$`, step1((*World).createMerchant)},
		{`^the new merchant has API credentials$`, step0((*World).merchantHasKeys)},

		// Meal-voucher cards.
		{`^the buyer registers (EDENRED|SODEXO|SETCARD|MULTINET|METROPOL) meal-voucher card "(\d+)"$`, step2((*World).registerVoucher)},
		{`^the provider sends a new meal-voucher code$`, step0((*World).regenerateVoucher)},
		{`^the buyer confirms the meal-voucher card with code "(\d+)"$`, step1((*World).confirmVoucher)},
		{`^the meal-voucher card is tokenised with a balance of ` + ReAmount + ` TRY$`, step1((*World).voucherTokenised)},
		{`^the meal-voucher code is refused with error group ` + ReGroup + `$`, step1((*World).refusedWithGroup)},

		// BNPL limit inquiry.
		{`^the buyer asks ZIP for a credit limit with identity number "(\d{11})"$`, step1((*World).askLimit)},
		{`^the buyer confirms the limit inquiry with code "(\d+)"$`, step1((*World).confirmLimit)},
		{`^the credit limit is (\d+) TRY$`, step1((*World).limitIs)},
		{`^the limit inquiry fails$`, step0((*World).limitFails)},
	}
}

// createMulti creates a split payment of the basket.
func (w *World) createMulti(ctx context.Context, parts string) error {
	n, err := ParseInt(parts)
	if err != nil {
		return err
	}
	o, err := w.methodOrder(CardChoice{})
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCheckout)
	if err != nil {
		return err
	}
	r, err := w.client.InitMultiPayment(ctx, &craftgate.InitMultiPaymentRequest{Price: o.Price, Currency: o.Currency, PaymentGroup: o.PaymentGroup,
		ConversationID: o.ConversationID, CallbackURL: cb, Items: o.Items, MaximumSplitPaymentCount: n})
	if err != nil {
		return fmt.Errorf("expected the split payment to be created, got %s", describeErr(err))
	}
	w.more().multi = r
	return nil
}

// payPart pays one part on the split-payment page; the last part's page
// posts the token to the merchant.
func (w *World) payPart(ctx context.Context, amount, spec string) error {
	x := w.more()
	if x.multi == nil {
		return errors.New("steps: no split payment: the merchant creates one first")
	}
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	w.card = card
	b := w.browser()
	page, err := b.get(ctx, x.multi.PageURL)
	if err != nil {
		return err
	}
	f, err := ParseForm(page)
	if err != nil {
		return fmt.Errorf("steps: the split-payment page: %w", err)
	}
	set := map[string]string{"amount": amount, "cardHolderName": cardHolderName, "cardNumber": card.Number,
		"expireMonth": defaultExpireMonth, "expireYear": defaultExpireYear, "cvc": card.DefaultCVC()}
	var press *Button
	if len(f.Buttons) > 0 {
		press = &f.Buttons[0]
	}
	back, _, err := b.submitForm(ctx, f, set, press)
	if err != nil {
		return err
	}
	cb, _ := w.merchantURL(merchant.PathCheckout)
	if next, err := ParseForm(back); err == nil && next.Action.String() == cb {
		if _, _, err := b.submitForm(ctx, next, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// multiIs checks the split payment's state.
func (w *World) multiIs(ctx context.Context, status, remaining, count string) error {
	x := w.more()
	if x.multi == nil {
		return errors.New("steps: no split payment: the merchant creates one first")
	}
	mp, err := w.client.RetrieveMultiPayment(ctx, x.multi.Token)
	if err != nil {
		return fmt.Errorf("expected the split payment, got %s", describeErr(err))
	}
	x.multiState = mp
	want, err := ParseAmount(remaining)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("multiPaymentStatus", status, mp.MultiPaymentStatus)
	if !mp.RemainingAmount.Equal(want.Decimal) {
		m.addf("remainingAmount: expected %s, got %s", want, mp.RemainingAmount)
	}
	m.check("paymentIds", count, fmt.Sprint(len(mp.PaymentIDs)))
	return m.err("split payment")
}

// takePart makes payment n (1-based) of the split payment the payment
// under test.
func (w *World) takePart(_ context.Context, n string) error {
	i, err := ParseInt(n)
	x := w.more()
	if err != nil || x.multiState == nil || i < 1 || i > len(x.multiState.PaymentIDs) {
		return fmt.Errorf("steps: no payment %s of the split payment: check its state first", n)
	}
	w.paymentID = x.multiState.PaymentIDs[i-1]
	return nil
}

// verifyCard verifies a card through the API.
func (w *World) verifyCard(ctx context.Context, spec string, bank bool) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	w.card = card
	auth := craftgate.VerifyNone
	if bank {
		auth = craftgate.VerifyNonThreeDS
	}
	price := craftgate.MustAmount("1")
	r, err := w.client.VerifyCard(ctx, &craftgate.VerifyCardRequest{Card: &craftgate.VerifyCardDetails{CardHolderName: cardHolderName, CardNumber: card.Number,
		ExpireMonth: defaultExpireMonth, ExpireYear: defaultExpireYear, CVC: card.DefaultCVC()}, PaymentAuthenticationType: auth,
		VerificationPrice: &price, Currency: craftgate.CurrencyTRY, ConversationID: newConversationID()})
	if err != nil {
		return fmt.Errorf("expected a card verification answer, got %s", describeErr(err))
	}
	w.more().verify = r
	return nil
}

// verifyCardThreeDS asks for a THREE_DS verification of a card; the
// answer (THREE_DS_PENDING) leads the buyer to the bank.
func (w *World) verifyCardThreeDS(ctx context.Context, spec string) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	cb, err := w.merchantURL(merchant.PathCallback)
	if err != nil {
		return err
	}
	w.card, w.callback = card, nil
	price := craftgate.MustAmount("1")
	r, err := w.client.VerifyCard(ctx, &craftgate.VerifyCardRequest{Card: &craftgate.VerifyCardDetails{CardHolderName: cardHolderName, CardNumber: card.Number,
		ExpireMonth: defaultExpireMonth, ExpireYear: defaultExpireYear, CVC: card.DefaultCVC()}, PaymentAuthenticationType: craftgate.VerifyThreeDS,
		VerificationPrice: &price, Currency: craftgate.CurrencyTRY, ConversationID: newConversationID(), CallbackURL: cb})
	if err != nil {
		return fmt.Errorf("expected a card verification answer, got %s", describeErr(err))
	}
	var m mismatches
	m.check("cardVerifyStatus", craftgate.CardVerifyPending3DS, r.CardVerifyStatus)
	if r.HTMLContent == "" && r.RedirectURL == "" {
		m.addf("neither htmlContent nor redirectUrl to take the buyer to the bank")
	}
	if err := m.err(fmt.Sprintf("3-D Secure verification of %s", card)); err != nil {
		return err
	}
	w.more().verify = r
	return nil
}

// verifyCardAtBank plays the buyer at the bank for the THREE_DS
// verification: the bank's answer posts the callback to the merchant.
func (w *World) verifyCardAtBank(ctx context.Context, action string) error {
	r := w.more().verify
	if r == nil || r.CardVerifyStatus != craftgate.CardVerifyPending3DS {
		return errors.New("steps: no 3-D Secure card verification: the merchant verifies a card with 3-D Secure first")
	}
	bank, err := w.toBank(ctx, "card verification of "+w.card.String(), r.HTMLContent, r.RedirectURL)
	if err != nil {
		return err
	}
	return w.pressAtBank(ctx, bank, action)
}

// callbackStoredCard checks that the verification's callback names a
// stored card of the card verified.
func (w *World) callbackStoredCard(ctx context.Context) error {
	form, err := w.requireCallback()
	if err != nil {
		return err
	}
	key, token := form.Get("cardUserKey"), form.Get("cardToken")
	if key == "" || token == "" {
		return fmt.Errorf("callback of the verification of %s: expected cardUserKey and cardToken, got fields %s", w.card, fieldList(form))
	}
	l, err := w.client.SearchStoredCards(ctx, &craftgate.SearchStoredCardsRequest{CardUserKey: key, CardToken: token})
	if err != nil {
		return fmt.Errorf("expected the stored cards, got %s", describeErr(err))
	}
	last4 := w.card.Number[len(w.card.Number)-4:]
	if len(l.Items) != 1 || l.Items[0].LastFourDigits != last4 {
		return fmt.Errorf("expected one stored card ending %s under the callback's keys, got %d cards", last4, len(l.Items))
	}
	return nil
}

// callbackNoCard checks that a failed verification's callback names no card.
func (w *World) callbackNoCard(context.Context) error {
	form, err := w.requireCallback()
	if err != nil {
		return err
	}
	if form.Get("cardToken") != "" {
		return fmt.Errorf("callback of the verification of %s: expected no cardToken, got one", w.card)
	}
	return nil
}

// verifyOutcome checks the verification's status.
func (w *World) verifyOutcome(fails bool) error {
	r := w.more().verify
	if r == nil {
		return errors.New("steps: no card verification: the merchant verifies a card first")
	}
	var m mismatches
	if fails {
		m.check("cardVerifyStatus", craftgate.CardVerifyFailure, r.CardVerifyStatus)
		m.check("cardToken", "", r.CardToken)
	} else {
		m.check("cardVerifyStatus", craftgate.CardVerifySuccess, r.CardVerifyStatus)
		if r.CardToken == "" || r.CardUserKey == "" {
			m.addf("cardUserKey/cardToken: expected the stored card's keys, got none")
		}
	}
	return m.err(fmt.Sprintf("verification of %s", w.card))
}

// verifyOnPage verifies a card on the hosted page.
func (w *World) verifyOnPage(ctx context.Context, spec string) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	w.card = card
	cb, err := w.merchantURL(merchant.PathCheckout)
	if err != nil {
		return err
	}
	r, err := w.client.InitCheckoutCardVerify(ctx, &craftgate.InitCheckoutCardVerifyRequest{CallbackURL: cb, PaymentAuthenticationType: craftgate.VerifyNonThreeDS})
	if err != nil {
		return fmt.Errorf("expected a card verification page, got %s", describeErr(err))
	}
	w.more().verifyPage = r
	back, err := w.chooseCardAt(ctx, r.PageURL, "", card)
	if err != nil {
		return err
	}
	next, err := ParseForm(back)
	if err != nil || next.Action.String() != cb {
		return fmt.Errorf("steps: the verification page did not send the buyer back (HTTP %d): %s", back.Status, excerpt(back.Body))
	}
	_, _, err = w.browser().submitForm(ctx, next, nil, nil)
	return err
}

// verifyPageResult reads the hosted verification's result.
func (w *World) verifyPageResult(ctx context.Context, stored bool) error {
	r := w.more().verifyPage
	if r == nil {
		return errors.New("steps: no card verification page")
	}
	res, err := w.client.RetrieveCheckoutCardVerify(ctx, r.Token)
	if err != nil {
		return fmt.Errorf("expected the verification result, got %s", describeErr(err))
	}
	switch {
	case stored && (res.Card == nil || res.Card.LastFourDigits != w.card.Number[len(w.card.Number)-4:]):
		return fmt.Errorf("expected the verified card ending %s, got %+v", w.card.Number[len(w.card.Number)-4:], res.Card)
	case !stored && res.Card != nil:
		return fmt.Errorf("expected no card, got one ending %s", res.Card.LastFourDigits)
	}
	return nil
}

// createPos creates a virtual POS.
func (w *World) createPos(ctx context.Context, name string) error {
	p, err := w.client.CreateMerchantPos(ctx, &craftgate.CreateMerchantPosRequest{Name: name + " " + newConversationID()[:8], ClientID: "10000001",
		Currency: craftgate.CurrencyTRY, PosIntegrator: "GARANTI", Status: craftgate.PosStatusActive, EnableInstallment: true,
		EnabledPaymentAuthenticationTypes: []string{"THREE_DS", "NON_THREE_DS"}})
	if err != nil {
		return fmt.Errorf("expected the POS to be created, got %s", describeErr(err))
	}
	w.more().pos = p
	return nil
}

func (w *World) requirePos() (*craftgate.MerchantPosDetail, error) {
	if p := w.more().pos; p != nil {
		return p, nil
	}
	return nil, errors.New(`steps: no POS: "Given the merchant has created a virtual POS" first`)
}

func (w *World) setPosStatus(ctx context.Context, status string) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	return expectDone(w.client.UpdateMerchantPosStatus(ctx, p.ID, status), "the POS status to change")
}

func (w *World) payOnPos(ctx context.Context, spec string) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	req.PosAlias = p.Alias
	w.startPayment(card, req)
	pay, err := w.client.CreatePayment(ctx, req)
	return w.paid(card, pay, err)
}

func (w *World) setCommissions(ctx context.Context, list string) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	var rows []craftgate.MerchantPosCommission
	rate := craftgate.MustAmount("1.79")
	for _, s := range splitList(list) {
		n, err := ParseInt(s)
		if err != nil {
			return err
		}
		rows = append(rows, craftgate.MerchantPosCommission{Installment: n, Status: craftgate.PosStatusActive, BankOnUsCreditCardCommissionRate: &rate})
	}
	c, err := w.client.UpdateMerchantPosCommissions(ctx, p.ID, rows)
	if err != nil {
		return fmt.Errorf("expected the commissions to be set, got %s", describeErr(err))
	}
	w.more().commissions = c
	return nil
}

func (w *World) posCommissions(ctx context.Context, n string) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	c, err := w.client.RetrieveMerchantPosCommissions(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("expected the POS's commissions, got %s", describeErr(err))
	}
	if fmt.Sprint(len(c.Items)) != n {
		return fmt.Errorf("expected %s commission rows, got %d", n, len(c.Items))
	}
	return nil
}

func (w *World) deletePos(ctx context.Context) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	return expectDone(w.client.DeleteMerchantPos(ctx, p.ID), "the POS to be deleted")
}

func (w *World) posGone(ctx context.Context) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	_, err = w.client.RetrieveMerchantPos(ctx, p.ID)
	return expectStatus(err, http.StatusNotFound, "POS %d to be gone (HTTP 404)", p.ID)
}

func (w *World) posFound(ctx context.Context) error {
	p, err := w.requirePos()
	if err != nil {
		return err
	}
	list, err := w.client.SearchMerchantPoses(ctx, &craftgate.SearchMerchantPosRequest{Alias: p.Alias})
	if err != nil {
		return fmt.Errorf("expected the POS search, got %s", describeErr(err))
	}
	if !slices.ContainsFunc(list.Items, func(q craftgate.MerchantPosDetail) bool { return q.ID == p.ID }) {
		return fmt.Errorf("expected POS %d among %d found", p.ID, len(list.Items))
	}
	return nil
}

func (w *World) apmsInclude(ctx context.Context, apmType string) error {
	apms, err := w.client.RetrieveMerchantApms(ctx)
	if err != nil {
		return fmt.Errorf("expected the merchant's APMs, got %s", describeErr(err))
	}
	if !slices.ContainsFunc(apms, func(a craftgate.MerchantApm) bool { return a.ApmType == apmType }) {
		return fmt.Errorf("expected %s among the merchant's %d APMs", apmType, len(apms))
	}
	return nil
}

func (w *World) createMerchant(ctx context.Context, name string) error {
	r, err := w.client.CreateMerchant(ctx, &craftgate.CreateMerchantRequest{Name: name, LegalCompanyTitle: name + " Ltd.", Email: "owner@example.com",
		Website: "https://shop.example", ContactName: "Haluk", ContactSurname: "Demir", ContactPhoneNumber: "905551112233"})
	if err != nil {
		return fmt.Errorf("expected the merchant to be created, got %s", describeErr(err))
	}
	w.more().newMerchant = r
	return nil
}

func (w *World) merchantHasKeys(context.Context) error {
	r := w.more().newMerchant
	if r == nil || r.ID == 0 || len(r.MerchantAPICredentials) == 0 || r.MerchantAPICredentials[0].APIKey == "" || r.MerchantAPICredentials[0].SecretKey == "" {
		return fmt.Errorf("expected a merchant id and API keys, got %v", r != nil && r.ID != 0)
	}
	return nil
}

func (w *World) registerVoucher(ctx context.Context, apmType, number string) error {
	r, err := w.client.InitMealVoucherTokenization(ctx, &craftgate.MealVoucherInitRequest{ApmType: apmType,
		MealVoucherCardTokenizationData: craftgate.MealVoucherCardData{CardNumber: number, GsmNumber: "5551112233"}})
	if err != nil {
		return fmt.Errorf("expected the meal-voucher card to be registered, got %s", describeErr(err))
	}
	if r.AdditionalAction != craftgate.ApmActionOTPRequired {
		return fmt.Errorf("expected additionalAction OTP_REQUIRED, got %q", r.AdditionalAction)
	}
	w.more().voucherID = r.SessionID
	return nil
}

func (w *World) regenerateVoucher(ctx context.Context) error {
	x := w.more()
	if _, err := w.client.RegenerateMealVoucherTokenization(ctx, x.voucherID, &craftgate.MealVoucherInitRequest{}); err != nil {
		return fmt.Errorf("expected a new code, got %s", describeErr(err))
	}
	return nil
}

func (w *World) confirmVoucher(ctx context.Context, code string) error {
	x := w.more()
	x.voucher, w.err = w.client.CompleteMealVoucherTokenization(ctx, x.voucherID, code)
	if w.err != nil && craftgate.AsError(w.err) == nil {
		return w.err
	}
	return nil
}

func (w *World) voucherTokenised(_ context.Context, balance string) error {
	x := w.more()
	if w.err != nil || x.voucher == nil {
		return fmt.Errorf("expected the card to be tokenised, got %s", describeErr(w.err))
	}
	want, err := ParseAmount(balance)
	if err != nil {
		return err
	}
	if !x.voucher.Balance.Equal(want.Decimal) || x.voucher.Fingerprint == "" {
		return fmt.Errorf("expected balance %s and a fingerprint, got %s and %q", want, x.voucher.Balance, x.voucher.Fingerprint)
	}
	return nil
}

// refusedWithGroup checks the last call's error group.
func (w *World) refusedWithGroup(_ context.Context, group string) error {
	ce := craftgate.AsError(w.err)
	if ce == nil || ce.Group != group {
		return fmt.Errorf("expected error group %s, got %s", group, describeErr(w.err))
	}
	return nil
}

func (w *World) askLimit(ctx context.Context, identity string) error {
	x := w.more()
	x.limitPhone = fmt.Sprintf("+90532%07d", rand.IntN(10_000_000)) // the provider keys inquiries by phone
	r, err := w.client.InitBnplLimitInquiry(ctx, &craftgate.BnplLimitInquiryRequest{ApmType: craftgate.BnplZip, AdditionalParams: map[string]string{
		"buyerPhoneNumber": x.limitPhone, "buyerIdentityNumber": identity, "buyerBirthdate": "1990-01-31"}})
	if err != nil {
		return fmt.Errorf("expected the limit inquiry to start, got %s", describeErr(err))
	}
	if r.AdditionalAction != craftgate.ApmActionOTPRequired {
		return fmt.Errorf("expected additionalAction OTP_REQUIRED, got %q", r.AdditionalAction)
	}
	return nil
}

func (w *World) confirmLimit(ctx context.Context, code string) error {
	r, err := w.client.BnplLimitInquiry(ctx, &craftgate.BnplLimitInquiryRequest{ApmType: craftgate.BnplZip, AdditionalParams: map[string]string{
		"buyerPhoneNumber": w.more().limitPhone, "otpCode": code}})
	if err != nil {
		return fmt.Errorf("expected a limit inquiry answer, got %s", describeErr(err))
	}
	w.more().limit = r
	return nil
}

func (w *World) limitIs(_ context.Context, amount string) error {
	r := w.more().limit
	if r == nil || r.PaymentStatus != craftgate.StatusSuccess {
		return fmt.Errorf("expected a successful limit inquiry, got %+v", r)
	}
	if got := fmt.Sprint(r.AdditionalData["limit"]); got != amount {
		return fmt.Errorf("expected a limit of %s, got %s", amount, got)
	}
	return nil
}

func (w *World) limitFails(context.Context) error {
	r := w.more().limit
	if r == nil || r.PaymentStatus != craftgate.StatusFailure || r.ErrorCode == "" {
		return fmt.Errorf("expected the limit inquiry to fail with an error code, got %+v", r)
	}
	return nil
}
