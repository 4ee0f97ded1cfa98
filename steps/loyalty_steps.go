package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gatecheck/gatecheck/craftgate"
)

// rewardWorld is the rewards part of a scenario, made on first use.
type rewardWorld struct {
	loyalty *craftgate.Loyalty       // the reward the next payment uses
	inquiry *craftgate.CardLoyalties // the last reward inquiry's answer
	card    CardChoice               // the card asked about
}

func (w *World) rw() *rewardWorld {
	return lazy(&w.rewards)
}

func loyaltyDefinitions() []Definition {
	return []Definition{
		{`^the merchant asks which rewards ` + ReCard + ` has$`,
			step1((*World).askRewards)},
		{`^the card offers reward money of ` + ReAmount + ` on the card and ` + ReAmount + ` from the merchant$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.offersRewardMoney(a0, a1) })},
		{`^the card offers the rewards the catalogue lists for it$`, step0((*World).offersCatalogueRewards)},
		{`^the card offers no rewards$`, step0((*World).offersNoRewards)},
		{`^the buyer uses ` + ReAmount + ` of reward money on the card and ` + ReAmount + ` from the merchant$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.useReward(a0, a1) })},
		{`^the payment shows the reward used: ` + ReAmount + ` on the card and ` + ReAmount + ` from the merchant$`,
			step2(func(w *World, ctx context.Context, a0, a1 string) error { return w.rewardEchoed(a0, a1) })},
		{`^the payment is refused because no POS takes the reward$`, step0((*World).noRewardPos)},
	}
}

// tailorExtras applies the reward and fraud inputs the scenario chose to a
// payment request built by paymentRequest.
func (w *World) tailorExtras(req *craftgate.CreatePaymentRequest) {
	if w.rewards != nil && w.rewards.loyalty != nil && req.Card != nil {
		l := *w.rewards.loyalty
		req.Card.Loyalty = &l
	}
	if f := w.fraud; f != nil {
		if f.clientIP != "" {
			req.ClientIP = f.clientIP
		}
		if f.email != "" {
			req.FraudParams = &craftgate.FraudParams{BuyerEmail: f.email}
		}
	}
}

func (w *World) askRewards(ctx context.Context, spec string) error {
	card, err := w.parseCard(spec)
	if err != nil {
		return err
	}
	x := w.rw()
	x.card, x.inquiry = card, nil
	out, err := w.client.RetrieveLoyalties(ctx, &craftgate.RetrieveLoyaltiesRequest{
		CardNumber: card.Number, ExpireMonth: defaultExpireMonth, ExpireYear: defaultExpireYear, CVC: card.DefaultCVC(),
		ConversationID: newConversationID(),
	})
	if err != nil {
		return fmt.Errorf("expected the reward inquiry for %s to answer, got %s", card, describeErr(err))
	}
	x.inquiry = out
	w.note(EvidenceCard, craftgate.MaskPAN(card.Number), "")
	return nil
}

func (w *World) requireInquiry() (*craftgate.CardLoyalties, error) {
	if w.rewards == nil || w.rewards.inquiry == nil {
		return nil, errors.New(`steps: no reward inquiry: "When the merchant asks which rewards ... has" first`)
	}
	return w.rewards.inquiry, nil
}

// rewardMoney is the REWARD_MONEY loyalty of an inquiry, if any.
func rewardMoney(in *craftgate.CardLoyalties) *craftgate.Loyalty {
	for i := range in.Loyalties {
		if in.Loyalties[i].Type == craftgate.LoyaltyRewardMoney {
			return &in.Loyalties[i]
		}
	}
	return nil
}

func (w *World) offersRewardMoney(card, firm string) error {
	in, err := w.requireInquiry()
	if err != nil {
		return err
	}
	want, err := parseReward(card, firm)
	if err != nil {
		return err
	}
	l := rewardMoney(in)
	if l == nil || l.Reward == nil {
		return fmt.Errorf("reward inquiry of %s: expected a REWARD_MONEY loyalty with amounts, got %+v", w.rewards.card, in.Loyalties)
	}
	var m mismatches
	m.amount("cardRewardMoney", want.CardRewardMoney, l.Reward.CardRewardMoney)
	m.amount("firmRewardMoney", want.FirmRewardMoney, l.Reward.FirmRewardMoney)
	return m.err("reward inquiry of " + w.rewards.card.String())
}

// offersCatalogueRewards compares the inquiry with the catalogue's reward
// data for the card: the same types, and for REWARD_MONEY the amounts.
func (w *World) offersCatalogueRewards(context.Context) error {
	in, err := w.requireInquiry()
	if err != nil {
		return err
	}
	card := w.rewards.card
	tc, ok := w.cards.Card(card.Number)
	if !ok || tc.Reward == nil || len(tc.Reward.RewardTypes) == 0 {
		return fmt.Errorf("steps: %s has no reward data in the catalogue", card)
	}
	var m mismatches
	var got []string
	for _, l := range in.Loyalties {
		got = append(got, l.Type)
	}
	m.check("loyalty types", strings.Join(tc.Reward.RewardTypes, ", "), strings.Join(got, ", "))
	if l := rewardMoney(in); l != nil && l.Reward != nil {
		m.amount("cardRewardMoney", tc.Reward.CardRewardMoney, l.Reward.CardRewardMoney)
		m.amount("firmRewardMoney", tc.Reward.MerchantRewardMoney, l.Reward.FirmRewardMoney)
	}
	return m.err("reward inquiry of " + card.String())
}

func (w *World) offersNoRewards(context.Context) error {
	in, err := w.requireInquiry()
	if err != nil {
		return err
	}
	if len(in.Loyalties) != 0 {
		return fmt.Errorf("reward inquiry of %s: expected no loyalties, got %+v", w.rewards.card, in.Loyalties)
	}
	return nil
}

func (w *World) useReward(card, firm string) error {
	r, err := parseReward(card, firm)
	if err != nil {
		return err
	}
	w.rw().loyalty = &craftgate.Loyalty{Type: craftgate.LoyaltyRewardMoney, Reward: r}
	return nil
}

// parseReward reads the card's and the firm's reward money as the scenario
// wrote them.
func parseReward(card, firm string) (*craftgate.Reward, error) {
	c, f, err := parseTwoAmounts(card, firm)
	if err != nil {
		return nil, err
	}
	return &craftgate.Reward{CardRewardMoney: c, FirmRewardMoney: f}, nil
}

func (w *World) rewardEchoed(card, firm string) error {
	p, err := w.requirePayment()
	if err != nil {
		return err
	}
	want, err := parseReward(card, firm)
	if err != nil {
		return err
	}
	l := p.Loyalty
	if l == nil || l.Reward == nil {
		return fmt.Errorf("payment %d: expected the reward used in loyalty, got none", p.ID)
	}
	var m mismatches
	m.check("loyalty.type", craftgate.LoyaltyRewardMoney, l.Type)
	m.amount("loyalty.reward.cardRewardMoney", want.CardRewardMoney, l.Reward.CardRewardMoney)
	m.amount("loyalty.reward.firmRewardMoney", want.FirmRewardMoney, l.Reward.FirmRewardMoney)
	return m.errf("payment %d", p.ID)
}

// noRewardPos expects the documented refusal of a reward with a card no
// POS takes it for: a 4xx error that names the POS ("no suitable POS found
// for reward transaction", Turkish "uygun POS bulunamadı").
func (w *World) noRewardPos(context.Context) error {
	if err := expect4xx(w.err, "the reward payment with %s to be refused", w.card); err != nil {
		return err
	}
	ce := craftgate.AsError(w.err)
	if !strings.Contains(ce.Description, "POS") {
		return fmt.Errorf("expected the refusal to say no POS takes the reward, got %q", ce.Description)
	}
	return nil
}
