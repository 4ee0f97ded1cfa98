package features_test

// Tests of the multi-currency and reward features.

import (
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

// TestMultiCurrencyRowsMatchTheCatalogue keeps the multi-currency outline
// equal to the catalogue's multi-currency cards: one row per card, with the
// card's association, in a currency other than TRY.
func TestMultiCurrencyRowsMatchTheCatalogue(t *testing.T) {
	const uri, name = "payments/multicurrency.feature", "A multi-currency <association> card pays in <currency>"
	rows := map[string]string{}
	for _, r := range outlineExamples(t, uri, name, "card", "association", "currency") {
		card, assoc, cur := r["card"], r["association"], r["currency"]
		if _, dup := rows[card]; dup {
			t.Errorf("card %s is listed twice", craftgate.MaskPAN(card))
		}
		if cur == craftgate.CurrencyTRY || !craftgate.IsCurrency(cur) {
			t.Errorf("card %s: currency %q is not a foreign currency", craftgate.MaskPAN(card), cur)
		}
		rows[card] = assoc
	}
	want := craftgate.TestCards().MultiCurrency()
	if len(want) == 0 {
		t.Fatal("the catalogue has no multi-currency cards")
	}
	for _, tc := range want {
		assoc, ok := rows[tc.Number]
		switch {
		case !ok:
			t.Errorf("%s: no row for the catalogue's multi-currency card %s", uri, tc.Masked())
		case assoc != tc.Association:
			t.Errorf("%s: card %s: association %s, the catalogue says %s", uri, tc.Masked(), assoc, tc.Association)
		}
		delete(rows, tc.Number)
	}
	for card := range rows {
		t.Errorf("%s: card %s is not a multi-currency card of the catalogue", uri, craftgate.MaskPAN(card))
	}
}

// TestRewardInquiryRowsMatchTheCatalogue keeps the reward-inquiry outline
// equal to the catalogue's cards with reward types.
func TestRewardInquiryRowsMatchTheCatalogue(t *testing.T) {
	const uri, name = "rewards/rewards.feature", "The reward inquiry of a <family> card answers the catalogue's rewards"
	rows := map[string]bool{}
	for _, r := range outlineExamples(t, uri, name, "card") {
		rows[r["card"]] = true
	}
	n := 0
	for _, tc := range craftgate.TestCards().RewardCards() {
		if tc.Reward == nil || len(tc.Reward.RewardTypes) == 0 {
			continue // extra-installment cards: no inquiry data
		}
		n++
		if !rows[tc.Number] {
			t.Errorf("%s: no row for the catalogue's reward card %s", uri, tc.Masked())
		}
		delete(rows, tc.Number)
	}
	if n == 0 {
		t.Fatal("the catalogue has no reward-inquiry cards")
	}
	for card := range rows {
		t.Errorf("%s: card %s has no reward types in the catalogue", uri, craftgate.MaskPAN(card))
	}
}
