package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

func storedCardDefinitions() []Definition {
	return []Definition{
		{`^the merchant stores ` + ReCard + ` with the alias "([^"]*)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.storeCard(ctx, a0, a1, false) })},
		{`^the merchant has stored ` + ReCard + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.hasStored(ctx, a0, "", false) })},
		{`^the merchant has stored ` + ReCard + ` with the alias "([^"]*)"$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.hasStored(ctx, a0, a1, false) })},
		{`^the merchant has stored ` + ReCard + ` for the same card user$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.hasStored(ctx, a0, "", true) })},
		{`^the buyer pays without 3-D Secure with the stored card$`, step0((*World).payWithStoredCard)},
		{`^the buyer pays without 3-D Secure with ` + ReCard + ` and asks to store it$`,
			step1((*World).payAndStore)},
		{`^the buyer has paid without 3-D Secure with ` + ReCard + ` and asked to store it$`,
			step1((*World).hasPaidAndStored)},
		{`^the merchant renames the stored card "([^"]*)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.updateStoredCard(ctx, a0, "", "") })},
		{`^the merchant changes the stored card's expiry to (\d{1,2})/(\d{4})$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.updateStoredCard(ctx, "", a0, a1) })},
		{`^the merchant deletes the stored card$`, step0((*World).deleteStoredCard)},
		{`^the merchant searches the card user's stored cards$`,
			step0(func(w *World, ctx context.Context) error { return w.searchStoredCards(ctx, "") })},
		{`^the merchant searches the card user's stored cards with the alias "([^"]*)"$`,
			step1((*World).searchStoredCards)},

		{`^the card is stored with a card user key and a card token$`, step0((*World).cardStored)},
		{`^the stored card is described as the catalogue does$`, step0((*World).storedCardDescribed)},
		{`^the stored card shows the card only by its BIN and last four digits$`, step0((*World).storedCardMasked)},
		{`^the stored card's alias is "([^"]*)"$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.storedAlias(a0) })},
		{`^the stored card expires in (\d{1,2})/(\d{4})$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.storedExpiry(a0, a1) })},
		{`^the stored card is deleted$`, step0((*World).storedCardDeleted)},
		{`^the payment was made with the stored card$`, step0((*World).paidWithStoredCard)},
		{`^the payment answers the stored card's card user key and card token$`, step0((*World).paymentAnswersKeys)},
		{`^the payment with the stored card is rejected$`, step0((*World).storedPaymentRejected)},
		{`^the card user's stored cards (include|do not include) the card$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.cardUserHas(ctx, a0 == "include") })},
		{`^the search finds (\d+) stored cards?$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.searchFinds(a0) })},
		{`^each stored card found is shown only by its BIN and last four digits$`, step0((*World).searchMasked)},
	}
}

// storeCard stores the card spec; sameUser adds it to the card user of the
// card stored before.
func (w *World) storeCard(ctx context.Context, spec, alias string, sameUser bool) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	x := w.x()
	req := &craftgate.StoreCardRequest{CardHolderName: cardHolderName, CardNumber: card.Number,
		ExpireYear: defaultExpireYear, ExpireMonth: defaultExpireMonth, CardAlias: alias}
	if sameUser {
		if x.stored == nil {
			return errors.New("steps: no card stored before: store one first")
		}
		req.CardUserKey = x.stored.CardUserKey
	}
	x.stored, x.storeErr = w.client.StoreCard(ctx, req)
	if x.storeErr != nil && craftgate.AsError(x.storeErr) == nil {
		return fmt.Errorf("steps: storing %s: %w", card, x.storeErr)
	}
	x.storedNumber, x.deleted = card.Number, false
	w.card = card
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), "")
	if x.stored != nil {
		w.note(EvidenceToken, "card token "+x.stored.CardToken, "")
	}
	return nil
}

func (w *World) hasStored(ctx context.Context, spec, alias string, sameUser bool) error {
	if err := w.storeCard(ctx, spec, alias, sameUser); err != nil {
		return err
	}
	return w.cardStored(ctx)
}

// requireStored returns the stored card under test.
func (w *World) requireStored() (*extWorld, error) {
	x := w.x()
	if x.stored == nil {
		if x.storeErr != nil {
			return nil, fmt.Errorf("expected a stored card, got %s", describeErr(x.storeErr))
		}
		return nil, errors.New("steps: no stored card: store one first")
	}
	return x, nil
}

// payWithStoredCard pays the basket with the stored card: its card user
// key and token, no number, no security code.
func (w *World) payWithStoredCard(ctx context.Context) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	tc, _ := w.cards.Card(x.storedNumber)
	card := CardChoice{Number: x.storedNumber, Entry: tc, Role: "the stored card"}
	req, err := w.paymentRequest(card)
	if err != nil {
		return err
	}
	req.Card = &craftgate.Card{CardUserKey: x.stored.CardUserKey, CardToken: x.stored.CardToken}
	w.startPayment(card, req)
	p, err := w.client.CreatePayment(ctx, req)
	return w.paid(card, p, err)
}

// payAndStore pays with a plain card and storeCardAfterSuccessPayment.
func (w *World) payAndStore(ctx context.Context, spec string) error {
	card, req, err := w.cardPayment(spec)
	if err != nil {
		return err
	}
	req.Card.StoreCardAfterSuccessPayment = true
	w.startPayment(card, req)
	p, err := w.client.CreatePayment(ctx, req)
	if err := w.paid(card, p, err); err != nil {
		return err
	}
	if p != nil && p.CardToken != "" {
		// The card under test is now the one the payment stored.
		x := w.x()
		x.stored = &craftgate.StoredCard{CardUserKey: p.CardUserKey, CardToken: p.CardToken, BinNumber: p.BinNumber, LastFourDigits: p.LastFourDigits}
		x.storedNumber, x.storeErr, x.deleted = card.Number, nil, false
		w.note(EvidenceToken, "card token "+p.CardToken, "")
	}
	return nil
}

func (w *World) hasPaidAndStored(ctx context.Context, spec string) error {
	if err := w.paidWith(ctx, w.payAndStore, spec); err != nil {
		return err
	}
	return w.paymentAnswersKeys(ctx)
}

// updateStoredCard renames the stored card (alias) or changes its expiry
// (month, year); the docs require the expiry in every update, so a rename
// sends the card's current one.
func (w *World) updateStoredCard(ctx context.Context, alias, month, year string) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	req := &craftgate.UpdateStoredCardRequest{CardUserKey: x.stored.CardUserKey, CardToken: x.stored.CardToken,
		ExpireYear: x.stored.ExpireYear, ExpireMonth: x.stored.ExpireMonth, CardAlias: alias}
	if req.ExpireYear == "" { // stored by a payment: its expiry is the payment's
		req.ExpireYear, req.ExpireMonth = defaultExpireYear, defaultExpireMonth
	}
	if month != "" {
		if err := w.expiryParts(month, year, &req.ExpireMonth, &req.ExpireYear); err != nil {
			return err
		}
	}
	sc, err := w.client.UpdateStoredCard(ctx, req)
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: updating the stored card: %w", err)
		}
		return fmt.Errorf("expected the stored card to be updated, got %s", describeErr(err))
	}
	x.stored = sc
	return nil
}

// expiryParts checks a step's month and year and writes them as the API
// wants them ("07", "2046").
func (w *World) expiryParts(month, year string, m, y *string) error {
	n, err := ParseInt(month)
	if err != nil || n < 1 || n > 12 {
		return fmt.Errorf("steps: expiry month %q: want 1 to 12", month)
	}
	*m, *y = fmt.Sprintf("%02d", n), year
	return nil
}

func (w *World) deleteStoredCard(ctx context.Context) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	err = w.client.DeleteStoredCard(ctx, &craftgate.DeleteStoredCardRequest{CardUserKey: x.stored.CardUserKey, CardToken: x.stored.CardToken})
	w.err = err
	if err != nil && craftgate.AsError(err) == nil {
		return fmt.Errorf("steps: deleting the stored card: %w", err)
	}
	x.deleted = err == nil
	return nil
}

// searchStoredCards searches the stored cards of the card user of the
// stored card under test, optionally by alias.
func (w *World) searchStoredCards(ctx context.Context, alias string) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	x.search, err = w.client.SearchStoredCards(ctx, &craftgate.SearchStoredCardsRequest{CardUserKey: x.stored.CardUserKey, CardAlias: alias})
	if err != nil {
		if craftgate.AsError(err) == nil {
			return fmt.Errorf("steps: searching stored cards: %w", err)
		}
		return fmt.Errorf("expected the stored cards to be searched, got %s", describeErr(err))
	}
	return nil
}

func (w *World) cardStored(context.Context) error {
	return verify(w.requireStored, func(x *extWorld, m *mismatches) error {
		if x.stored.CardUserKey == "" {
			m.addf("cardUserKey: expected a card user key, got none")
		}
		if x.stored.CardToken == "" {
			m.addf("cardToken: expected a card token, got none")
		}
		if x.stored.CardToken != "" && x.stored.CardToken == x.stored.CardUserKey {
			m.addf("cardToken: expected it to differ from cardUserKey")
		}
		return m.errf("stored %s", w.card)
	})
}

func (w *World) storedCardDescribed(context.Context) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	tc, ok := w.cards.Card(x.storedNumber)
	if !ok {
		return fmt.Errorf("steps: %s is not in the test-card catalogue", craftgate.MaskPAN(x.storedNumber))
	}
	sc := x.stored
	var m mismatches
	m.check("cardAssociation", tc.Association, sc.CardAssociation)
	if tc.Successful {
		m.check("cardType", tc.CardType, sc.CardType)
		m.check("cardBrand (card family)", tc.CardFamily, sc.CardBrand)
		m.check("cardBankName", tc.Bank, sc.CardBankName)
		m.check("isCommercial", tc.Commercial, sc.IsCommercial)
	}
	return m.errf("stored card %s", craftgate.MaskPAN(x.storedNumber))
}

// maskedCard checks binNumber and lastFourDigits against the number.
func maskedCard(m *mismatches, number, bin, last4 string) {
	if len(bin) < 6 || len(bin) > 8 || !strings.HasPrefix(number, bin) {
		m.addf("binNumber: expected the card's first 6 to 8 digits, got %q", craftgate.MaskPAN(bin))
	}
	m.check("lastFourDigits", number[len(number)-4:], last4)
}

func (w *World) storedCardMasked(context.Context) error {
	return verify(w.requireStored, func(x *extWorld, m *mismatches) error {
		maskedCard(m, x.storedNumber, x.stored.BinNumber, x.stored.LastFourDigits)
		if bytes.Contains(w.rec.body, []byte(x.storedNumber)) {
			m.addf("the answer contains the full card number")
		}
		return m.errf("stored card %s", craftgate.MaskPAN(x.storedNumber))
	})
}

func (w *World) storedAlias(want string) error {
	return verify(w.requireStored, func(x *extWorld, m *mismatches) error {
		m.check("cardAlias", want, x.stored.CardAlias)
		return m.err("stored card")
	})
}

func (w *World) storedExpiry(month, year string) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	var mm, yy string
	if err := w.expiryParts(month, year, &mm, &yy); err != nil {
		return err
	}
	var m mismatches
	m.check("expireMonth", mm, x.stored.ExpireMonth)
	m.check("expireYear", yy, x.stored.ExpireYear)
	return m.err("stored card")
}

func (w *World) storedCardDeleted(context.Context) error {
	x, err := w.requireStored()
	if err != nil {
		return err
	}
	if !x.deleted {
		return fmt.Errorf("expected the stored card to be deleted, got %s", describeErr(w.err))
	}
	return nil
}

func (w *World) paidWithStoredCard(context.Context) error {
	p, x, err := both(w.requirePayment, w.requireStored)
	if err != nil {
		return err
	}
	var m mismatches
	m.check("paidWithStoredCard", true, p.PaidWithStoredCard)
	maskedCard(&m, x.storedNumber, p.BinNumber, p.LastFourDigits)
	return m.errf("payment %d", p.ID)
}

func (w *World) paymentAnswersKeys(context.Context) error {
	return verify(w.requirePayment, func(p *craftgate.Payment, m *mismatches) error {
		if p.CardUserKey == "" {
			m.addf("cardUserKey: expected the stored card's card user key, got none")
		}
		if p.CardToken == "" {
			m.addf("cardToken: expected the stored card's token, got none")
		}
		return m.errf("payment %d with storeCardAfterSuccessPayment", p.ID)
	})
}

func (w *World) storedPaymentRejected(context.Context) error {
	if w.err == nil {
		return fmt.Errorf("expected the payment with the stored card to be rejected, but it succeeded (payment %d)", w.paymentID)
	}
	ce := craftgate.AsError(w.err)
	if ce == nil || ce.HTTPStatus < 400 || ce.HTTPStatus > 499 || ce.HTTPStatus == http.StatusUnprocessableEntity {
		return fmt.Errorf("expected the payment with the stored card to be rejected before the bank (HTTP 4xx, not a 422 decline), got %s", describeErr(w.err))
	}
	return nil
}

// cardUserHas searches the card user's stored cards for the card under
// test.
func (w *World) cardUserHas(ctx context.Context, want bool) error {
	if err := w.searchStoredCards(ctx, ""); err != nil {
		return err
	}
	x := w.x()
	var found *craftgate.StoredCard
	for i, sc := range x.search.Items {
		if sc.CardToken == x.stored.CardToken {
			found = &x.search.Items[i]
		}
	}
	switch {
	case want && found == nil:
		return fmt.Errorf("expected the card user's stored cards to include card token %s, got %d cards", x.stored.CardToken, len(x.search.Items))
	case !want && found != nil:
		return fmt.Errorf("expected the card user's stored cards not to include the deleted card token %s", x.stored.CardToken)
	case want:
		var m mismatches
		maskedCard(&m, x.storedNumber, found.BinNumber, found.LastFourDigits)
		if x.stored.CardAlias != "" {
			m.check("cardAlias", x.stored.CardAlias, found.CardAlias)
		}
		return m.err("stored card found by search")
	}
	return nil
}

func (w *World) searchFinds(n string) error {
	want, err := ParseInt(n)
	if err != nil {
		return err
	}
	x := w.x()
	if x.search == nil {
		return errors.New("steps: no search of stored cards: search first")
	}
	var m mismatches
	m.check("number of stored cards found", want, len(x.search.Items))
	m.check("totalSize", int64(want), x.search.TotalSize)
	for i, sc := range x.search.Items {
		m.check(fmt.Sprintf("items[%d].cardUserKey", i), x.stored.CardUserKey, sc.CardUserKey)
	}
	return m.err("stored-card search")
}

func (w *World) searchMasked(context.Context) error {
	x := w.x()
	if x.search == nil {
		return errors.New("steps: no search of stored cards: search first")
	}
	var m mismatches
	for i, sc := range x.search.Items {
		if len(sc.BinNumber) < 6 || len(sc.BinNumber) > 8 || len(sc.LastFourDigits) != 4 {
			m.addf("items[%d]: expected a BIN and four last digits, got %q and %q", i, craftgate.MaskPAN(sc.BinNumber), sc.LastFourDigits)
		}
	}
	if craftgate.MaskPANs(string(w.rec.body)) != string(w.rec.body) {
		m.addf("the answer contains a full card number")
	}
	return m.err("stored-card search")
}
