package mock

import (
	"net/http"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Reward inquiry cards of docs/reference/craftgate/test-cards.md section 4.
const (
	rewardBonusCard   = "4043080000000003" // Bonus: 12.35 card, 5.20 firm
	rewardGarantiCard = "4032800000000007" // Garanti BBVA CC: 11.22 card, 45.58 firm
	rewardWorldCard   = "4048090000000007" // World: three reward types
	rewardNotSuffCard = "4043080000006661" // NOT_SUFFICIENT_AWARD
	rewardLessCard    = "4025890000006665" // SALES_AMOUNT_LESS_THAN_AWARD
)

func TestRetrieveLoyalties(t *testing.T) {
	m := newTestMock(t)
	tests := []struct {
		name, card string
		types      []string
		cardMoney  string
		firmMoney  string
	}{
		{"bonus", rewardBonusCard, []string{"REWARD_MONEY"}, "12.35", "5.2"},
		{"world", rewardWorldCard, []string{"REWARD_MONEY", "ADDITIONAL_INSTALLMENT", "POSTPONING_INSTALLMENT"}, "33.82", "25"},
		{"no rewards", successCard, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out craftgate.CardLoyalties
			data(t, do(t, m, http.MethodPost, pathCardLoyalties, craftgate.RetrieveLoyaltiesRequest{CardNumber: tt.card, ExpireYear: "2044", ExpireMonth: "07"}), &out)
			var types []string
			for _, l := range out.Loyalties {
				types = append(types, l.Type)
			}
			if !sameJSON(t, types, tt.types) || out.Pos == nil {
				t.Fatalf("loyalties %+v", out)
			}
			if tt.cardMoney != "" {
				r := out.Loyalties[0].Reward
				if r == nil || !amountEq(r.CardRewardMoney, tt.cardMoney) || !amountEq(r.FirmRewardMoney, tt.firmMoney) ||
					r.TotalRewardMoney == nil || !r.TotalRewardMoney.Equal(r.CardRewardMoney.Add(r.FirmRewardMoney).Decimal) {
					t.Fatalf("reward %+v", r)
				}
			}
		})
	}
	// Stored card: the same answer as its plain card.
	var sc craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, "/payment/v1/cards", craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: rewardGarantiCard, ExpireYear: "2044", ExpireMonth: "07"}), &sc)
	var out craftgate.CardLoyalties
	data(t, do(t, m, http.MethodPost, pathCardLoyalties, craftgate.RetrieveLoyaltiesRequest{CardUserKey: sc.CardUserKey, CardToken: sc.CardToken}), &out)
	if len(out.Loyalties) != 1 || !amountEq(out.Loyalties[0].Reward.FirmRewardMoney, "45.58") {
		t.Fatalf("stored card loyalties %+v", out)
	}
	// Bad input.
	for _, req := range []craftgate.RetrieveLoyaltiesRequest{
		{CardNumber: "1234", ExpireYear: "2044", ExpireMonth: "07"},
		{CardNumber: rewardBonusCard},
		{CardUserKey: sc.CardUserKey},
	} {
		validationError(t, do(t, m, http.MethodPost, pathCardLoyalties, req))
	}
	if w := do(t, m, http.MethodPost, pathCardLoyalties, craftgate.RetrieveLoyaltiesRequest{CardUserKey: "x", CardToken: "y"}); w.Code != http.StatusNotFound {
		t.Fatalf("unknown stored card: %d %s", w.Code, w.Body)
	}
}

func TestLoyaltyUsage(t *testing.T) {
	reward := func(kind, card, firm string) *craftgate.Loyalty {
		return &craftgate.Loyalty{Type: kind, Reward: &craftgate.Reward{CardRewardMoney: amt(card), FirmRewardMoney: amt(firm)}}
	}
	tests := []struct {
		name    string
		card    string
		loyalty *craftgate.Loyalty
		status  int
		code    string // validation code (400)
		group   string // payment error group (422)
	}{
		{"bonus within the points", rewardBonusCard, reward("REWARD_MONEY", "10", "5"), 200, "", ""},
		{"garanti firm points", rewardGarantiCard, reward("REWARD_MONEY", "0", "45.58"), 200, "", ""},
		{"bonus above the card points", rewardBonusCard, reward("REWARD_MONEY", "12.36", "0"), 422, "", "NOT_SUFFICIENT_AWARD"},
		{"above paidPrice", rewardGarantiCard, reward("REWARD_MONEY", "0", "100.01"), 422, "", "SALES_AMOUNT_LESS_THAN_AWARD"},
		{"not a reward family", successCard, reward("REWARD_MONEY", "1", "0"), 400, CodeNoRewardPos, ""},
		{"world family", rewardWorldCard, reward("REWARD_MONEY", "1", "0"), 400, CodeNoRewardPos, ""},
		{"error card NOT_SUFFICIENT_AWARD", rewardNotSuffCard, reward("REWARD_MONEY", "1", "0"), 422, "", "NOT_SUFFICIENT_AWARD"},
		{"error card SALES_AMOUNT_LESS_THAN_AWARD", rewardLessCard, reward("REWARD_MONEY", "1", "0"), 422, "", "SALES_AMOUNT_LESS_THAN_AWARD"},
		{"no type", rewardBonusCard, &craftgate.Loyalty{}, 400, CodeRequiredField, ""},
		{"unknown type", rewardBonusCard, &craftgate.Loyalty{Type: "FREE_LUNCH"}, 400, CodeInvalidLoyalty, ""},
		{"no reward", rewardBonusCard, &craftgate.Loyalty{Type: "REWARD_MONEY"}, 400, CodeRequiredField, ""},
		{"zero reward", rewardBonusCard, reward("REWARD_MONEY", "0", "0"), 400, CodeInvalidLoyalty, ""},
		{"negative reward", rewardBonusCard, reward("REWARD_MONEY", "-1", "2"), 400, CodeInvalidLoyalty, ""},
		{"reward on another type", rewardBonusCard, reward("ADDITIONAL_INSTALLMENT", "1", "0"), 400, CodeInvalidLoyalty, ""},
	}
	m := newTestMock(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := paymentRequest(tt.card)
			req.Card.Loyalty = tt.loyalty
			w := do(t, m, http.MethodPost, "/payment/v1/card-payments", req)
			switch tt.status {
			case 200:
				var p craftgate.Payment
				data(t, w, &p)
				l := p.Loyalty
				if l == nil || l.Type != tt.loyalty.Type || l.Reward == nil || !l.Reward.CardRewardMoney.Equal(tt.loyalty.Reward.CardRewardMoney.Decimal) ||
					!l.Reward.FirmRewardMoney.Equal(tt.loyalty.Reward.FirmRewardMoney.Decimal) || l.Reward.TotalRewardMoney == nil ||
					!l.Reward.TotalRewardMoney.Equal(tt.loyalty.Reward.CardRewardMoney.Add(tt.loyalty.Reward.FirmRewardMoney).Decimal) {
					t.Fatalf("loyalty echo %+v", l)
				}
				if !amountEq(p.PaidPrice, "100") || !amountEq(p.Price, "100") {
					t.Fatalf("the reward changed the amounts: %s %s", p.Price, p.PaidPrice)
				}
				if q := retrieve(t, m, p.ID); !sameJSON(t, q.Loyalty, p.Loyalty) {
					t.Fatalf("retrieved loyalty %+v", q.Loyalty)
				}
			case 400:
				if e := validationError(t, w); e.ErrorCode != tt.code {
					t.Fatalf("code %s (%s), want %s", e.ErrorCode, e.ErrorDescription, tt.code)
				}
			case 422:
				if e := errorBody(t, w, 422); e.ErrorGroup != tt.group {
					t.Fatalf("group %s, want %s", e.ErrorGroup, tt.group)
				}
			}
		})
	}
	// Without loyalty the payment has no echo.
	if p := pay(t, m, paymentRequest(rewardBonusCard)); p.Loyalty != nil {
		t.Fatalf("echo without loyalty: %+v", p.Loyalty)
	}
	// A stored card keeps the loyalty of its payment.
	var sc craftgate.StoredCard
	data(t, do(t, m, http.MethodPost, "/payment/v1/cards", craftgate.StoreCardRequest{CardHolderName: "Haluk Demir", CardNumber: rewardBonusCard, ExpireYear: "2044", ExpireMonth: "07"}), &sc)
	req := paymentRequest("")
	req.Card = &craftgate.Card{CardUserKey: sc.CardUserKey, CardToken: sc.CardToken, Loyalty: reward("REWARD_MONEY", "2", "0")}
	if p := pay(t, m, req); p.Loyalty == nil || !amountEq(p.Loyalty.Reward.CardRewardMoney, "2") {
		t.Fatalf("stored card loyalty %+v", p.Loyalty)
	}
}

func TestSideTableIsBounded(t *testing.T) {
	var st sideTable
	for i := range maxSideEntries + 3 {
		st.put(int64(i+1), paymentExtras{fraudID: 1})
	}
	if _, ok := st.get(3); ok {
		t.Fatal("oldest entry kept")
	}
	if _, ok := st.get(4); !ok || len(st.byID) != maxSideEntries {
		t.Fatalf("held %d", len(st.byID))
	}
}
