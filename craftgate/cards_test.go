package craftgate

import (
	"strings"
	"testing"
)

func TestCatalogueCounts(t *testing.T) {
	c := TestCards()
	if got := len(c.Successful()); got != 339 {
		t.Errorf("successful cards = %d, want 339", got)
	}
	// The four of the test-cards page and 5400010000000004, the card of
	// the official SDKs' multi-currency samples.
	if got := len(c.MultiCurrency()); got != 5 {
		t.Errorf("multi-currency cards = %d, want 5", got)
	}
	if tc, ok := c.Card("5400010000000004"); !ok || !tc.MultiCurrency {
		t.Errorf("the SDK samples' multi-currency card is not in the catalogue")
	}
	if got := len(c.RewardCards()); got != 7 {
		t.Errorf("reward cards = %d, want 7", got)
	}
	// 70 error entries in the reference; three numbers have two entries
	// (one per phase), so 67 distinct cards.
	entries := 0
	for _, tc := range c.ErrorCards() {
		entries += len(tc.Failures)
	}
	if got := len(c.ErrorCards()); got != 67 {
		t.Errorf("error cards = %d, want 67", got)
	}
	if got := len(c.FailingAt(StepNon3DSPayment)); got != 55 {
		t.Errorf("non-3DS error cards = %d, want 55", got)
	}
	if got := len(c.FailingAt(StepCancelRefund)); got != 11 {
		t.Errorf("cancel/refund error cards = %d, want 11", got)
	}
	for _, tc := range append(c.Successful(), c.ErrorCards()...) {
		if !LuhnValid(tc.Number) {
			t.Errorf("%s fails Luhn", tc.Masked())
		}
		if tc.Association == "" {
			t.Errorf("%s has no association", tc.Masked())
		}
	}
}

func TestOutcome(t *testing.T) {
	c := TestCards()
	cases := []struct {
		number   string
		step     Step
		known    bool
		fails    bool
		group    string
		code     string
		mdStatus int
	}{
		{"5258640000000001", StepNon3DSPayment, true, false, "", "", 0},
		{"5100050000006661", StepNon3DSPayment, true, true, "NOT_SUFFICIENT_FUNDS", "10051", -1},
		{"5100050000006661", StepThreeDSInit, true, false, "", "", 0},
		{"5100050000006661", StepThreeDSComplete, true, true, "NOT_SUFFICIENT_FUNDS", "10051", -1},
		{"5117580000006668", StepNon3DSPayment, true, true, "NOT_SUFFICIENT_FUNDS", "10051", -1},
		{"5117580000006668", StepThreeDSInit, true, true, "THREEDS_INIT_ERROR", "10932", -1},
		{"5115830000006669", StepThreeDSVerify, true, true, "", "", 0},
		{"5117280000006665", StepThreeDSVerify, true, true, "", "", 4},
		{"9792140000006665", StepCancelRefund, true, true, "UNKNOWN", "10933", -1},
		{"9792140000006665", StepNon3DSPayment, true, false, "", "", 0},
		{"4111111111111111", StepNon3DSPayment, true, false, "", "", 0},
		{"4242424242424242", StepNon3DSPayment, false, false, "", "", 0},
	}
	for _, tc := range cases {
		t.Run(MaskPAN(tc.number)+"/"+string(tc.step), func(t *testing.T) {
			o := c.Outcome(tc.number, tc.step)
			if o.Known != tc.known || o.Fails != tc.fails {
				t.Fatalf("known=%v fails=%v, want %v %v", o.Known, o.Fails, tc.known, tc.fails)
			}
			if !tc.fails {
				return
			}
			if o.Failure.Group != tc.group || o.Code != tc.code || o.Failure.MdStatus != tc.mdStatus {
				t.Fatalf("group=%q code=%q md=%d, want %q %q %d", o.Failure.Group, o.Code, o.Failure.MdStatus, tc.group, tc.code, tc.mdStatus)
			}
		})
	}
}

func TestCardData(t *testing.T) {
	c := TestCards()
	tc, ok := c.Card("5258640000000001")
	if !ok || tc.CardFamily != "World" || tc.Association != "MASTER_CARD" || tc.CardType != "CREDIT_CARD" || tc.Bank == "" {
		t.Fatalf("card = %+v", tc)
	}
	amex, ok := c.Card("378282246310005")
	if !ok || amex.Association != "AMEX" || !amex.MultiCurrency {
		t.Fatalf("amex = %+v", amex)
	}
	r, ok := c.Card("4043080000000003")
	if !ok || r.Reward == nil || r.Reward.CardRewardMoney.String() != "12.35" {
		t.Fatalf("reward card = %+v", r)
	}
	if g, ok := c.Group("NOT_SUFFICIENT_FUNDS"); !ok || g.Code != "10051" || !g.CodeDocumented {
		t.Fatalf("group = %+v", g)
	}
}

func TestAssociationOf(t *testing.T) {
	for n, want := range map[string]string{
		"4111111111111111": "VISA", "5555555555554444": "MASTER_CARD", "2221000000000009": "MASTER_CARD",
		"378282246310005": "AMEX", "9792140000006665": "TROY", "30569309025904": "DINERS_CLUB",
		"3530111333300000": "JCB", "6200000000000005": "UNION_PAY", "6011111111111117": "DISCOVER", "1234": "",
	} {
		if got := AssociationOf(n); got != want {
			t.Errorf("AssociationOf(%s) = %q, want %q", n, got, want)
		}
	}
}

func TestLuhnAndMask(t *testing.T) {
	cases := []struct {
		in     string
		luhn   bool
		masked string
	}{
		{"5528790000000008", true, "552879******0008"},
		{"5528790000000009", false, "552879******0009"},
		{"378282246310005", true, "378282*****0005"},
		{"55287900000a0008", false, "552879******0008"},
		{"123", false, "****"},
		{"", false, "****"},
	}
	for _, c := range cases {
		if got := LuhnValid(c.in); got != c.luhn {
			t.Errorf("LuhnValid(%q) = %v", c.in, got)
		}
		if got := MaskPAN(c.in); got != c.masked {
			t.Errorf("MaskPAN(%q) = %q, want %q", c.in, got, c.masked)
		}
	}
}

func TestParseCatalogueRejectsBadData(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":      `{`,
		"unknown group": `{"errors":[{"number":"4111111111111111","errorGroup":"NO_SUCH_GROUP","failsAt":["NON_3DS_PAYMENT"]}]}`,
		"duplicate":     `{"errors":[{"number":"4111111111111111","failsAt":["NON_3DS_PAYMENT"]},{"number":"4111111111111111","failsAt":["NON_3DS_PAYMENT"]}]}`,
	} {
		if _, err := ParseCatalogue([]byte(doc), errorGroupsJSON); err == nil {
			t.Errorf("%s: ParseCatalogue accepted it", name)
		}
	}
}

// TestMaskedNumbersAreUnique: a masked number identifies its catalogue
// card, which reports and the mock's state file rely on.
func TestMaskedNumbersAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, tc := range TestCards().All() {
		if other, dup := seen[tc.Masked()]; dup {
			t.Fatalf("%s masks like %s", tc.Masked(), MaskPAN(other))
		}
		seen[tc.Masked()] = tc.Number
	}
	if len(seen) < 400 {
		t.Fatalf("only %d cards", len(seen))
	}
}

// The Turkish text of a card failing at two steps belongs to each step:
// the 3-D Secure start failure of 5117580000006668 says so, its non-3DS
// decline does not.
func TestCatalogueTurkishTextFollowsTheStep(t *testing.T) {
	tc, ok := TestCards().Card("5117580000006668")
	if !ok {
		t.Fatal("5117580000006668 is not in the catalogue")
	}
	non3DS, ok1 := tc.FailureAt(StepNon3DSPayment)
	init3DS, ok2 := tc.FailureAt(StepThreeDSInit)
	if !ok1 || !ok2 {
		t.Fatalf("failures %+v", tc.Failures)
	}
	if strings.Contains(non3DS.DescriptionTr, "3DS") || !strings.Contains(init3DS.DescriptionTr, "3DS init") {
		t.Errorf("non-3DS %q, 3DS init %q", non3DS.DescriptionTr, init3DS.DescriptionTr)
	}
}
