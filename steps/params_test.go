package steps

import (
	"strings"
	"testing"

	"github.com/gatecheck/gatecheck/craftgate"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in   string
		want string // decimal string, "" for an error
	}{
		{"100.00", "100"},
		{"0.01", "0.01"},
		{"59.99", "59.99"},
		{"250.75", "250.75"},
		{"7", "7"},
		{" 12.5 ", "12.5"},
		{"-1.00", "-1"},
		{"0.1", "0.1"}, // exact, not 0.1000000000000000055511151231257827
		{"1e3", ""},
		{"1,000.00", ""},
		{"12.", ""},
		{".5", ""},
		{"NaN", ""},
		{"", ""},
		{"100.00 TRY", ""},
	}
	for _, c := range cases {
		got, err := ParseAmount(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseAmount(%q) = %s, want an error", c.in, got)
		case c.want != "" && err != nil:
			t.Errorf("ParseAmount(%q): %v", c.in, err)
		case c.want != "" && !got.Equal(craftgate.MustAmount(c.want).Decimal):
			t.Errorf("ParseAmount(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestParseAmountIsExactDecimal(t *testing.T) {
	a, _ := ParseAmount("0.10")
	b, _ := ParseAmount("0.20")
	c, _ := ParseAmount("0.30")
	if !a.Add(b).Equal(c.Decimal) {
		t.Errorf("0.10 + 0.20 = %s, want 0.30", a.Add(b))
	}
}

func TestParseAmounts(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"100.00", []string{"100"}},
		{"60.00 and 40.00", []string{"60", "40"}},
		{"200.00, 50.00 and 0.75", []string{"200", "50", "0.75"}},
		{"1, 2, 3", []string{"1", "2", "3"}},
		{"", nil},
		{"60.00 and", nil},
		{"60.00 or 40.00", nil},
	}
	for _, c := range cases {
		got, err := ParseAmounts(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("ParseAmounts(%q) = %v, want an error", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAmounts(%q): %v", c.in, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("ParseAmounts(%q) = %v, want %v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if !got[i].Equal(craftgate.MustAmount(c.want[i]).Decimal) {
				t.Errorf("ParseAmounts(%q)[%d] = %s, want %s", c.in, i, got[i], c.want[i])
			}
		}
	}
}

func TestParseItemAndInt(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "2": 2, " 3 ": 3} {
		if got, err := ParseItem(in); err != nil || got != want {
			t.Errorf("ParseItem(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-1", "x", ""} {
		if _, err := ParseItem(in); err == nil {
			t.Errorf("ParseItem(%q): want an error", in)
		}
	}
	for in, want := range map[string]int{"0": 0, "-1": -1, "12": 12} {
		if got, err := ParseInt(in); err != nil || got != want {
			t.Errorf("ParseInt(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	if _, err := ParseInt("one"); err == nil {
		t.Error(`ParseInt("one"): want an error`)
	}
}

func TestParseCardByNumber(t *testing.T) {
	cat := craftgate.TestCards()
	cases := []struct {
		spec, number string
		known        bool
	}{
		{`card "5258640000000001"`, "5258640000000001", true},
		{`card "5100050000006661"`, "5100050000006661", true}, // an error card
		{`card "4242424242424242"`, "4242424242424242", false},
		{`card "5258640000000002"`, "5258640000000002", false}, // fails Luhn
	}
	for _, c := range cases {
		got, err := ParseCard(cat, c.spec)
		if err != nil {
			t.Errorf("ParseCard(%s): %v", c.spec, err)
			continue
		}
		if got.Number != c.number || (got.Entry != nil) != c.known || got.Role != "" {
			t.Errorf("ParseCard(%s) = %+v, want number %s, known %v", c.spec, got, craftgate.MaskPAN(c.number), c.known)
		}
	}
}

// TestParseCardByNumberRefuses checks what the pattern ^card "(\d+)"$
// refused is still refused: no digits, other characters, no closing quote.
func TestParseCardByNumberRefuses(t *testing.T) {
	cat := craftgate.TestCards()
	for _, spec := range []string{`card ""`, `card "52586400000a0001"`, `card "5258640000000001`, `card 5258640000000001`,
		`a card "5258640000000001"`, `card "５258640000000001"`} {
		if got, err := ParseCard(cat, spec); err == nil {
			t.Errorf("ParseCard(%s) = %+v, want an error", spec, got)
		}
	}
}

func TestParseCardByRole(t *testing.T) {
	cat := craftgate.TestCards()
	cases := []struct {
		spec  string
		check func(*craftgate.TestCard) bool
	}{
		{"a successful card", func(tc *craftgate.TestCard) bool { return tc.Successful }},
		{"a successful credit card", func(tc *craftgate.TestCard) bool {
			return tc.Successful && tc.CardType == "CREDIT_CARD" && !tc.Commercial
		}},
		{"a successful debit card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.CardType == "DEBIT_CARD" }},
		{"a successful prepaid card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.CardType == "PREPAID_CARD" }},
		{"a commercial card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.Commercial }},
		{"an AMEX card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.Association == "AMEX" }},
		{"a AMEX card", func(tc *craftgate.TestCard) bool { return tc.Association == "AMEX" }},
		{"a VISA card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.Association == "VISA" }},
		{"a MASTER_CARD card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.Association == "MASTER_CARD" }},
		{"a TROY card", func(tc *craftgate.TestCard) bool { return tc.Successful && tc.Association == "TROY" }},
		{"a multi-currency card", func(tc *craftgate.TestCard) bool { return tc.MultiCurrency }},
		{"a multi-currency VISA card", func(tc *craftgate.TestCard) bool { return tc.MultiCurrency && tc.Association == "VISA" }},
	}
	for _, c := range cases {
		got, err := ParseCard(cat, c.spec)
		if err != nil {
			t.Errorf("ParseCard(%s): %v", c.spec, err)
			continue
		}
		if got.Entry == nil || !c.check(got.Entry) || got.Role != c.spec || got.Number != got.Entry.Number {
			t.Errorf("ParseCard(%s) = %s: does not fit the role", c.spec, got)
		}
		if len(got.Entry.Failures) != 0 {
			t.Errorf("ParseCard(%s) = %s: an error card", c.spec, got)
		}
		again, _ := ParseCard(cat, c.spec)
		if again.Number != got.Number {
			t.Errorf("ParseCard(%s) is not deterministic", c.spec)
		}
	}
}

func TestParseCardRejectsUnknown(t *testing.T) {
	for _, spec := range []string{"a golden card", "card 5258640000000001", "the AMEX card", "", `card "52586400000000x1"`} {
		if got, err := ParseCard(craftgate.TestCards(), spec); err == nil {
			t.Errorf("ParseCard(%q) = %s, want an error", spec, got)
		}
	}
	_, err := ParseCard(craftgate.TestCards(), "a golden card")
	if err == nil || !strings.Contains(err.Error(), "a successful credit card") {
		t.Errorf("the error should list the roles, got %v", err)
	}
}

func TestRolesMatchReCard(t *testing.T) {
	re := mustCompile(t, `^`+ReCard+`$`)
	for _, r := range append(CardRoles(), `card "5258640000000001"`, "an AMEX card") {
		if !re.MatchString(r) {
			t.Errorf("ReCard does not match %q", r)
		}
	}
}

func TestCardChoiceMasksAndCVC(t *testing.T) {
	cat := craftgate.TestCards()
	amex, _ := ParseCard(cat, "an AMEX card")
	visa, _ := ParseCard(cat, `card "4111111111111111"`)
	if amex.DefaultCVC() != "1234" || visa.DefaultCVC() != "123" {
		t.Errorf("CVC: AMEX %q, VISA %q; want 1234 and 123", amex.DefaultCVC(), visa.DefaultCVC())
	}
	for _, c := range []CardChoice{amex, visa} {
		if s := c.String(); strings.Contains(s, c.Number) || !strings.Contains(s, craftgate.MaskPAN(c.Number)) {
			t.Errorf("String() = %q: want the number masked", s)
		}
	}
}
