package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/gatecheck/gatecheck/craftgate"
)

func installmentDefinitions() []Definition {
	return []Definition{
		{`^the merchant searches the installment options of ` + ReCard + `$`,
			step1((*World).searchInstallments)},
		{`^the merchant has searched the installment options of ` + ReCard + `$`,
			step1((*World).hasSearchedInstallments)},
		{`^the buyer chooses the (\d+)-installment option$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.chooseOption(a0) })},
		{`^the merchant looks up the BIN of ` + ReCard + `$`,
			step1((*World).lookUpBin)},

		{`^the card is offered installments beyond a single payment$`, step0((*World).offeredInstallments)},
		{`^the card is offered a single payment only$`, step0((*World).offeredSinglePayment)},
		{`^the single payment costs the basket's price$`, step0((*World).singleCostsPrice)},
		{`^no installment option costs less than the basket's price$`, step0((*World).noOptionBelowPrice)},
		{`^the installment search describes the card as the catalogue does$`, step0((*World).installmentsDescribeCard)},
		{`^the (\d+)-installment option totals ` + ReAmount + ` ` + ReCurrency + ` in installments of ` + ReAmount + `$`,
			step4(func(w *World, ctx context.Context, a0, a1, a2, a3 string) error {
				return w.optionTotals(a0, a1, a2, a3)
			})},
		{`^the BIN is described as the catalogue does$`, step0((*World).binDescribed)},
		{`^the BIN is (a|not a) commercial card$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.binCommercial(a0 == "a") })},
		{`^the BIN's card association is ` + ReGroup + `$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.binAssociation(a0) })},
		{`^the payment is in (\d+) installments with the option's total as its paid price$`,
			step1(func(w *World, ctx context.Context, a0 string) error { return w.paidInOption(a0) })},
		{`^the payment's maturity difference is its paid price minus its price$`, step0((*World).maturityDifference)},
	}
}

// searchInstallments asks for the installment options of the card spec
// for the basket's price and currency.
func (w *World) searchInstallments(ctx context.Context, spec string) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	if w.currency == "" {
		return errors.New(`steps: no basket: a scenario starts with "Given a basket of ..."`)
	}
	x := w.x()
	x.lookedUp, x.option = card, nil
	x.installments, x.lookupErr = w.client.SearchInstallments(ctx, &craftgate.SearchInstallmentsRequest{
		BinNumber: craftgate.BinOf(card.Number), Price: w.price, Currency: w.currency})
	if x.lookupErr != nil && craftgate.AsError(x.lookupErr) == nil {
		return fmt.Errorf("steps: searching installments of %s: %w", card, x.lookupErr)
	}
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), "")
	return nil
}

func (w *World) hasSearchedInstallments(ctx context.Context, spec string) error {
	if err := w.searchInstallments(ctx, spec); err != nil {
		return err
	}
	_, err := w.requireInstallment()
	return err
}

// requireInstallment returns the one item of the installment search.
func (w *World) requireInstallment() (*craftgate.Installment, error) {
	x := w.x()
	if x.installments == nil {
		if x.lookupErr != nil {
			return nil, fmt.Errorf("expected the installment options of %s, got %s", x.lookedUp, describeErr(x.lookupErr))
		}
		return nil, errors.New("steps: no installment search: search first")
	}
	if len(x.installments.Items) != 1 {
		return nil, fmt.Errorf("installment search for %s: expected one item for the BIN, got %d", x.lookedUp, len(x.installments.Items))
	}
	return &x.installments.Items[0], nil
}

// chooseOption makes the buyer's next payment the n-installment option
// of the search: installment n, paid price its total.
func (w *World) chooseOption(n string) error {
	count, opt, err := w.requireOption(n)
	if err != nil {
		return err
	}
	x := w.x()
	x.option = &opt
	total := opt.TotalPrice
	x.paidPrice = &total
	w.installment = count
	return nil
}

// requireOption returns the n-installment option of the installment search.
func (w *World) requireOption(n string) (int, craftgate.InstallmentPrice, error) {
	count, err := ParseInt(n)
	if err != nil {
		return 0, craftgate.InstallmentPrice{}, err
	}
	it, err := w.requireInstallment()
	if err != nil {
		return 0, craftgate.InstallmentPrice{}, err
	}
	opt, ok := it.Option(count)
	if !ok {
		return 0, craftgate.InstallmentPrice{}, fmt.Errorf("installment search for %s: no %d-installment option (offered: %s)", w.x().lookedUp, count, optionList(it))
	}
	return count, opt, nil
}

func optionList(it *craftgate.Installment) string {
	s := ""
	for i, p := range it.InstallmentPrices {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(p.InstallmentNumber)
	}
	if s == "" {
		return "none"
	}
	return s
}

func (w *World) lookUpBin(ctx context.Context, spec string) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	x := w.x()
	x.lookedUp = card
	x.bin, x.lookupErr = w.client.RetrieveBin(ctx, craftgate.BinOf(card.Number))
	if x.lookupErr != nil && craftgate.AsError(x.lookupErr) == nil {
		return fmt.Errorf("steps: BIN inquiry of %s: %w", card, x.lookupErr)
	}
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), "")
	return nil
}

func (w *World) offeredInstallments(context.Context) error {
	it, err := w.requireInstallment()
	if err != nil {
		return err
	}
	if len(it.InstallmentPrices) < 2 {
		return fmt.Errorf("installment search for %s: expected installment options beyond a single payment, got %s", w.x().lookedUp, optionList(it))
	}
	if _, ok := it.Option(1); !ok {
		return fmt.Errorf("installment search for %s: expected a single-payment option among %s", w.x().lookedUp, optionList(it))
	}
	return nil
}

func (w *World) offeredSinglePayment(context.Context) error {
	it, err := w.requireInstallment()
	if err != nil {
		return err
	}
	if len(it.InstallmentPrices) != 1 || it.InstallmentPrices[0].InstallmentNumber != 1 {
		return fmt.Errorf("installment search for %s: expected a single payment only, got options %s", w.x().lookedUp, optionList(it))
	}
	return nil
}

func (w *World) singleCostsPrice(context.Context) error {
	return verify(w.requireInstallment, func(it *craftgate.Installment, m *mismatches) error {
		opt, ok := it.Option(1)
		if !ok {
			return fmt.Errorf("installment search for %s: no single-payment option", w.x().lookedUp)
		}
		m.amount("single payment totalPrice", w.price, opt.TotalPrice)
		m.amount("single payment installmentPrice", w.price, opt.InstallmentPrice)
		return m.errf("installment search for %s", w.x().lookedUp)
	})
}

// noOptionBelowPrice checks every option: its total is at least the price
// (installments add a maturity difference, never a discount) and its
// installments add up to the total within a cent per installment.
func (w *World) noOptionBelowPrice(context.Context) error {
	return verify(w.requireInstallment, func(it *craftgate.Installment, m *mismatches) error {
		cent := craftgate.MustAmount("0.01")
		for _, p := range it.InstallmentPrices {
			if p.TotalPrice.LessThan(w.price.Decimal) {
				m.addf("%d installments: totalPrice %s is below the price %s", p.InstallmentNumber, fmtAmount(p.TotalPrice), fmtAmount(w.price))
			}
			n := int64(p.InstallmentNumber)
			if n < 1 {
				m.addf("installmentNumber %d", p.InstallmentNumber)
				continue
			}
			sum := p.InstallmentPrice.Mul(craftgate.MustAmount(fmt.Sprint(n)).Decimal)
			if sum.Sub(p.TotalPrice.Decimal).Abs().GreaterThan(cent.Mul(craftgate.MustAmount(fmt.Sprint(n)).Decimal)) {
				m.addf("%d installments of %s do not add up to totalPrice %s", n, fmtAmount(p.InstallmentPrice), fmtAmount(p.TotalPrice))
			}
		}
		return m.errf("installment search for %s", w.x().lookedUp)
	})
}

func (w *World) installmentsDescribeCard(context.Context) error {
	it, err := w.requireInstallment()
	if err != nil {
		return err
	}
	c := w.x().lookedUp
	m := describedAsCatalogue(c, craftgate.BinNumber{BinNumber: it.BinNumber, CardType: it.CardType, CardAssociation: it.CardAssociation,
		CardBrand: it.CardBrand, BankName: it.BankName, Commercial: it.Commercial})
	return m.errf("installment search for %s describes it differently from the catalogue", c)
}

func (w *World) optionTotals(n, total, currency, each string) error {
	wantTotal, wantEach, err := parseTwoAmounts(total, each)
	if err != nil {
		return err
	}
	count, opt, err := w.requireOption(n)
	if err != nil {
		return err
	}
	var m mismatches
	m.amount("totalPrice", wantTotal, opt.TotalPrice)
	m.amount("installmentPrice", wantEach, opt.InstallmentPrice)
	m.check("currency of the search", currency, w.currency)
	return m.errf("%d-installment option for %s", count, w.x().lookedUp)
}

// requireBin returns the BIN inquiry's answer.
func (w *World) requireBin() (*craftgate.BinNumber, error) {
	x := w.x()
	if x.bin == nil {
		if x.lookupErr != nil {
			return nil, fmt.Errorf("expected the BIN of %s to be described, got %s", x.lookedUp, describeErr(x.lookupErr))
		}
		return nil, errors.New("steps: no BIN inquiry: look up a BIN first")
	}
	return x.bin, nil
}

func (w *World) binDescribed(context.Context) error {
	b, err := w.requireBin()
	if err != nil {
		return err
	}
	c := w.x().lookedUp
	m := describedAsCatalogue(c, *b)
	return m.errf("BIN of %s", c)
}

// describedAsCatalogue compares what the provider says of card c (a BIN
// inquiry's answer, or the same fields of an installment search) with the
// catalogue's entry for it.
func describedAsCatalogue(c CardChoice, b craftgate.BinNumber) mismatches {
	var m mismatches
	m.check("binNumber", craftgate.BinOf(c.Number), b.BinNumber)
	m.check("cardAssociation", c.Association(), b.CardAssociation)
	if c.Entry != nil && c.Entry.Successful {
		m.check("cardType", c.Entry.CardType, b.CardType)
		m.check("cardBrand (card family)", c.Entry.CardFamily, b.CardBrand)
		m.check("bankName", c.Entry.Bank, b.BankName)
		m.check("commercial", c.Entry.Commercial, b.Commercial)
	}
	return m
}

func (w *World) binCommercial(want bool) error {
	return verify(w.requireBin, func(b *craftgate.BinNumber, m *mismatches) error {
		m.check("commercial", want, b.Commercial)
		return m.errf("BIN of %s", w.x().lookedUp)
	})
}

func (w *World) binAssociation(want string) error {
	return verify(w.requireBin, func(b *craftgate.BinNumber, m *mismatches) error {
		m.check("cardAssociation", want, b.CardAssociation)
		return m.errf("BIN of %s", w.x().lookedUp)
	})
}

func (w *World) paidInOption(n string) error {
	count, p, err := withArg(n, ParseInt, w.requirePayment)
	if err != nil {
		return err
	}
	opt := w.x().option
	if opt == nil {
		return errors.New("steps: no installment option chosen: the buyer chooses one first")
	}
	var m mismatches
	m.check("installment", count, p.Installment)
	m.amount("paidPrice (the option's totalPrice)", opt.TotalPrice, p.PaidPrice)
	m.amount("price (the basket's)", w.price, p.Price)
	return m.errf("payment %d", p.ID)
}

// maturityDifference checks the maturity difference (vade farkı) is
// reported as merchantCommissionRateAmount = paidPrice - price, and is
// shared among the items.
func (w *World) maturityDifference(context.Context) error {
	return verify(w.requirePayment, func(p *craftgate.Payment, m *mismatches) error {
		m.amount("merchantCommissionRateAmount (paidPrice - price)", p.PaidPrice.Sub(p.Price), p.MerchantCommissionRateAmount)
		if !p.PaidPrice.GreaterThan(p.Price.Decimal) {
			m.addf("paidPrice %s: expected it above the price %s", fmtAmount(p.PaidPrice), fmtAmount(p.Price))
		}
		sum := craftgate.Amount{}
		for _, tx := range p.PaymentTransactions {
			sum = sum.Add(tx.PaidPrice)
		}
		m.amount("sum of paymentTransactions[].paidPrice", p.PaidPrice, sum)
		return m.errf("payment %d", p.ID)
	})
}
