package mock

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Rewards / loyalty (docs/reference/craftgate/endpoints.md A.6 and B.1, docs/reference/craftgate/flows.md section 13,
// docs/reference/craftgate/test-cards.md section 4).
//
//	POST /payment/v1/card-loyalties/retrieve   the rewards of a plain or stored card
//	card.loyalty in a payment (non-3DS and 3ds-init)   use one; the payment echoes it
//
// The inquiry answers from the catalogue's reward-inquiry cards (their
// reward types, and for REWARD_MONEY the card's points as cardRewardMoney
// and the merchant-specific points as firmRewardMoney); every other card
// has no loyalties. Usage, as the sandbox documents it, succeeds only with
// Bonus and Garanti BBVA CC family cards; other cards are refused with the
// documented "no suitable POS found for reward transaction" (a validation
// error, HTTP 400, CodeNoRewardPos: the reference gives it no group). The
// two reward error cards (NOT_SUFFICIENT_AWARD, SALES_AMOUNT_LESS_THAN_AWARD)
// fail with their catalogue groups as they always do, loyalty or not.
//
// MOCK DECISIONS where the reference is silent:
//   - only REWARD_MONEY can be used (the other types are not modelled:
//     CodeUnsupportedFeature); reward is required for it and refused for the
//     other types ("reward only for REWARD_MONEY", docs/reference/craftgate/endpoints.md B.1); its
//     amounts are zero or positive and not both zero;
//   - a reward above the payment's paidPrice is declined (HTTP 422) with
//     group SALES_AMOUNT_LESS_THAN_AWARD, and a card reward above the card's
//     points, or a firm reward above its merchant-specific points (of a card
//     with inquiry data), with NOT_SUFFICIENT_AWARD; both are decided before
//     the bank, so no payment is stored (like a fraud BLOCK). Family cards
//     without inquiry data have no mock limit;
//   - the reward does not change price or paidPrice (the bank charges the
//     card paidPrice less the reward; the transactions' amounts, payouts and
//     refunds are unchanged), and the payment echoes loyalty with
//     totalRewardMoney = cardRewardMoney + firmRewardMoney;
//   - wallet payments cannot use rewards (documented); the mock refuses every
//     walletPrice above zero anyway (validateOrder).

// rewardFamilies are the card families reward usage succeeds with.
var rewardFamilies = []string{"Bonus", "Garanti BBVA CC"}

// rewardErrorGroups are the groups of the reward usage error cards.
var rewardErrorGroups = []string{"NOT_SUFFICIENT_AWARD", "SALES_AMOUNT_LESS_THAN_AWARD"}

// loyaltyUse is a validated card.loyalty, kept in the side table.
type loyaltyUse struct {
	kind       string
	card, firm money
}

// retrieveLoyalties serves POST /payment/v1/card-loyalties/retrieve.
func (m *Mock) retrieveLoyalties(c *call, req craftgate.RetrieveLoyaltiesRequest) error {
	now, en := m.Now(), c.en()
	var pan string
	switch {
	case req.CardNumber == "" && (req.CardUserKey != "" || req.CardToken != ""):
		if e := requireCardKeys(req.CardUserKey, req.CardToken); e != nil {
			return e
		}
		sc, ok := m.store.vault.get(req.CardUserKey, req.CardToken)
		if !ok {
			return errStoredCardNotFound(req.CardUserKey, req.CardToken)
		}
		pan = sc.pan
	default:
		// The holder is not part of the inquiry: checked only when sent.
		holder := req.CardHolderName
		if holder == "" {
			holder = "Card Holder"
		}
		sd, e := checkPlainCard(holder, req.CardNumber, req.ExpireMonth, req.ExpireYear, now, en, "")
		if e != nil {
			return e
		}
		pan = sd.pan
	}
	c.sendData(http.StatusOK, loyaltiesOf(pan))
	return nil
}

// loyaltiesOf is the reward inquiry of the card pan (also of a Masterpass
// card, masterpass.go).
func loyaltiesOf(pan string) craftgate.CardLoyalties {
	tc, _ := craftgate.TestCards().Card(pan)
	out := craftgate.CardLoyalties{Loyalties: []craftgate.Loyalty{}, Pos: &craftgate.MerchantPos{ID: 1, Name: "Gatecheck Mock POS", Alias: "gatecheck-mock", BankID: 1}}
	if tc != nil {
		out.CardBrand, out.CardIssuerBankName = tc.CardFamily, tc.Bank
		if r := tc.Reward; r != nil {
			for _, t := range r.RewardTypes {
				l := craftgate.Loyalty{Type: t}
				if t == craftgate.LoyaltyRewardMoney {
					total := r.CardRewardMoney.Add(r.MerchantRewardMoney)
					l.Reward = &craftgate.Reward{CardRewardMoney: r.CardRewardMoney, FirmRewardMoney: r.MerchantRewardMoney, TotalRewardMoney: &total}
				}
				out.Loyalties = append(out.Loyalties, l)
			}
		}
	}
	return out
}

// checkLoyalty validates a payment's card.loyalty against its validated
// draft; nil, nil without one.
func checkLoyalty(l *craftgate.Loyalty, d *draft, en bool) (*loyaltyUse, *apiError) {
	if l == nil {
		return nil, nil
	}
	switch l.Type {
	case "":
		return nil, errRequired("card.loyalty.type")
	case craftgate.LoyaltyRewardMoney:
	case craftgate.LoyaltyAdditionalInstallment, craftgate.LoyaltyPostponingInstallment, craftgate.LoyaltyExtraPoints,
		craftgate.LoyaltyGainingMinutes, craftgate.LoyaltyPostponingStatement, craftgate.LoyaltyPostponingPayment:
		if l.Reward != nil {
			return nil, errValidation(CodeInvalidLoyalty, "card.loyalty.reward is only for type REWARD_MONEY")
		}
		if d.card == nil {
			return nil, errValidation(CodeInvalidLoyalty, "card.loyalty needs a card: a loyalty cannot be used on a wallet payment")
		}
		// MOCK DECISION: the bank campaigns (an additional or postponed
		// installment, points, minutes, a postponed statement) are accepted
		// for any card, as the official samples send them, and echoed; the
		// mock models no campaign, so they change nothing else.
		return &loyaltyUse{kind: l.Type}, nil
	default:
		return nil, errValidation(CodeInvalidLoyalty, "card.loyalty.type must be a loyalty type such as REWARD_MONEY, got "+strconv.Quote(truncate(l.Type, 40)))
	}
	if l.Reward == nil {
		return nil, errRequired("card.loyalty.reward")
	}
	use := &loyaltyUse{kind: l.Type}
	for _, f := range []struct {
		name string
		a    craftgate.Amount
		to   *money
	}{{"cardRewardMoney", l.Reward.CardRewardMoney, &use.card}, {"firmRewardMoney", l.Reward.FirmRewardMoney, &use.firm}} {
		v, prob := moneyOf(f.a)
		if prob != amountOK || v < 0 {
			return nil, errValidation(CodeInvalidLoyalty, "card.loyalty.reward."+f.name+" must be zero or a positive amount with at most 8 decimal places")
		}
		*f.to = v
	}
	if use.card == 0 && use.firm == 0 {
		return nil, errValidation(CodeInvalidLoyalty, "card.loyalty.reward: cardRewardMoney or firmRewardMoney must be above zero")
	}
	tc := d.card
	if tc == nil { // docs/reference/craftgate/flows.md 13.3: not possible on fully-wallet payments
		return nil, errValidation(CodeInvalidLoyalty, "card.loyalty needs a card: a reward cannot be used on a wallet payment")
	}
	if slices.ContainsFunc(tc.Failures, func(f craftgate.Failure) bool { return slices.Contains(rewardErrorGroups, f.Group) }) {
		return use, nil // the reward error cards fail with their catalogue group
	}
	if !slices.Contains(rewardFamilies, tc.CardFamily) {
		if en {
			return nil, errValidation(CodeNoRewardPos, "No suitable POS found for the reward transaction")
		}
		return nil, errValidation(CodeNoRewardPos, "Ödül işlemi için uygun POS bulunamadı")
	}
	if use.card+use.firm > d.paidPrice {
		return nil, rewardDecline("SALES_AMOUNT_LESS_THAN_AWARD", "the reward "+(use.card+use.firm).String()+" is above paidPrice "+d.paidPrice.String())
	}
	if r := tc.Reward; r != nil {
		have, _ := moneyOf(r.CardRewardMoney)
		firm, _ := moneyOf(r.MerchantRewardMoney)
		if use.card > have || use.firm > firm {
			return nil, rewardDecline("NOT_SUFFICIENT_AWARD", "the card has "+have.String()+" card and "+firm.String()+" merchant-specific reward money")
		}
	}
	return use, nil
}

// rewardDecline is the 422 of a reward the card cannot give.
func rewardDecline(group, why string) *apiError {
	g, _ := craftgate.TestCards().Group(group)
	return errPayment(g.Code, group, g.Label+": "+why)
}

// appendLoyalty appends the echo of a used loyalty.
func appendLoyalty(b []byte, l *loyaltyUse) []byte {
	b = append(b, `,"loyalty":{"type":"`...)
	b = append(b, l.kind...) // a constant that needs no escaping
	if l.kind != craftgate.LoyaltyRewardMoney {
		return append(b, '"', '}')
	}
	b = append(b, `","reward":{"cardRewardMoney":`...)
	b = l.card.appendTo(b)
	b = append(b, `,"firmRewardMoney":`...)
	b = l.firm.appendTo(b)
	b = append(b, `,"totalRewardMoney":`...)
	b = (l.card + l.firm).appendTo(b)
	return append(b, '}', '}')
}
