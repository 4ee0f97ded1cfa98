package steps

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// Regular-expression fragments of the typed step parameters. Each holds
// exactly one capturing group, so a sentence's arguments line up with its
// parameters.
const (
	// ReAmount is a decimal money amount such as 100.00.
	ReAmount = `(-?\d+(?:\.\d+)?)`
	// ReAmounts is a list of amounts: "60.00 and 40.00",
	// "200.00, 50.00 and 0.75" (see ParseAmounts).
	ReAmounts = `(-?\d+(?:\.\d+)?(?:(?:, | and )-?\d+(?:\.\d+)?)*)`
	// ReCurrency is a three-letter currency code. It is not checked against
	// the documented list, so that features can send an unknown one.
	ReCurrency = `([A-Z]{3})`
	// ReItem is a 1-based basket item number.
	ReItem = `(\d+)`
	// ReGroup is a quoted error group or enum value such as "NOT_SUFFICIENT_FUNDS".
	ReGroup = `"([A-Z0-9_]+)"`
	// ReCard is a card: `card "<number>"` or a role such as
	// `a successful credit card` (see CardRoles).
	ReCard = `(card "\d+"|an? [a-zA-Z_ -]+ card)`
)

// ParseAmount parses a money amount written in a step ("100.00") into a
// decimal. Exponents, thousands separators and anything but plain decimal
// notation are rejected: money is never a float.
func ParseAmount(s string) (craftgate.Amount, error) {
	a, err := craftgate.ParseAmount(strings.TrimSpace(s))
	if err != nil {
		return craftgate.Amount{}, fmt.Errorf("steps: %w", err)
	}
	return a, nil
}

// parseTwoAmounts parses the two amounts a step names, a and b.
func parseTwoAmounts(a, b string) (craftgate.Amount, craftgate.Amount, error) {
	x, err := ParseAmount(a)
	if err != nil {
		return x, craftgate.Amount{}, err
	}
	y, err := ParseAmount(b)
	return x, y, err
}

// ParseAmounts parses a list of amounts written as "60.00 and 40.00",
// "200.00, 50.00 and 0.75" or a single "100.00".
func ParseAmounts(s string) ([]craftgate.Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("steps: empty list of amounts")
	}
	parts := splitList(s)
	out := make([]craftgate.Amount, 0, len(parts))
	for _, p := range parts {
		a, err := ParseAmount(p)
		if err != nil {
			return nil, fmt.Errorf("steps: list of amounts %q: %w", s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// splitList splits a list written "a and b" or "a, b and c".
func splitList(s string) []string {
	parts := make([]string, 0, 1+strings.Count(s, ",")+strings.Count(s, " and "))
	for p := range strings.SplitSeq(s, ",") {
		for q := range strings.SplitSeq(p, " and ") {
			parts = append(parts, q)
		}
	}
	return parts
}

// ParseItem parses a 1-based basket item number.
func ParseItem(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("steps: item number %q: want 1, 2, ...", s)
	}
	return n, nil
}

// ParseInt parses a whole number such as an installment count (which may
// be zero or negative in a feature that tests validation).
func ParseInt(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("steps: whole number %q: %w", s, err)
	}
	return n, nil
}

// CardChoice is a card resolved from a step parameter.
type CardChoice struct {
	// Number is the card number. Print it only masked (String does).
	Number string
	// Entry is the catalogue's entry, nil for a number the catalogue does
	// not know (features use such numbers to test validation).
	Entry *craftgate.TestCard
	// Role is the role phrase the card was chosen by, empty when chosen by
	// number.
	Role string
}

// String describes the card with its number masked.
func (c CardChoice) String() string {
	if c.Role != "" {
		return c.Role + " (" + craftgate.MaskPAN(c.Number) + ")"
	}
	return "card " + craftgate.MaskPAN(c.Number)
}

// Association is the card association: the catalogue's when the card is
// known (some AMEX cards do not start with 34/37), else derived from the
// number's prefix.
func (c CardChoice) Association() string {
	if c.Entry != nil && c.Entry.Association != "" {
		return c.Entry.Association
	}
	return craftgate.AssociationOf(c.Number)
}

// DefaultCVC is a security code of the right length for the card: four
// digits for AMEX, three for every other association.
func (c CardChoice) DefaultCVC() string {
	if c.Association() == "AMEX" {
		return "1234"
	}
	return "123"
}

// cardRole is one role a feature can ask for instead of a number.
type cardRole struct {
	phrase string // without the article
	pick   func(*craftgate.Catalogue) *craftgate.TestCard
}

var associations = []string{"AMEX", "VISA", "MASTER_CARD", "TROY"}

// cardRoles lists the roles in a stable order. Each picks the first
// matching card in catalogue order, so a role always means the same card.
// The list is built once: ParseCard runs in every iteration of a load run.
var cardRoles = sync.OnceValue(buildCardRoles)

func buildCardRoles() []cardRole {
	successful := func(match func(*craftgate.TestCard) bool) func(*craftgate.Catalogue) *craftgate.TestCard {
		return func(c *craftgate.Catalogue) *craftgate.TestCard { return c.Find(match) }
	}
	multi := func(assoc string) func(*craftgate.Catalogue) *craftgate.TestCard {
		return func(c *craftgate.Catalogue) *craftgate.TestCard {
			for _, tc := range c.MultiCurrency() {
				if assoc == "" || tc.Association == assoc {
					return tc
				}
			}
			return nil
		}
	}
	roles := []cardRole{
		{"successful card", successful(func(*craftgate.TestCard) bool { return true })},
		{"successful credit card", successful(func(tc *craftgate.TestCard) bool { return tc.CardType == "CREDIT_CARD" && !tc.Commercial })},
		{"successful debit card", successful(func(tc *craftgate.TestCard) bool { return tc.CardType == "DEBIT_CARD" && !tc.Commercial })},
		{"successful prepaid card", successful(func(tc *craftgate.TestCard) bool { return tc.CardType == "PREPAID_CARD" })},
		{"commercial card", successful(func(tc *craftgate.TestCard) bool { return tc.Commercial })},
		{"multi-currency card", multi("")},
	}
	for _, a := range associations {
		roles = append(roles,
			cardRole{a + " card", successful(func(tc *craftgate.TestCard) bool { return tc.Association == a })},
			cardRole{"multi-currency " + a + " card", multi(a)})
	}
	return roles
}

// CardRoles returns the role phrases ParseCard understands, with "a" as
// the article ("an" is accepted too).
func CardRoles() []string {
	var out []string
	for _, r := range cardRoles() {
		out = append(out, "a "+r.phrase)
	}
	return out
}

// cardByNumber returns the number of a `card "<digits>"` parameter (what
// the pattern ^card "(\d+)"$ captures), read without a regular expression:
// a load iteration resolves its card on every payment.
func cardByNumber(spec string) (string, bool) {
	n, ok := strings.CutPrefix(spec, `card "`)
	if !ok {
		return "", false
	}
	if n, ok = strings.CutSuffix(n, `"`); !ok || n == "" {
		return "", false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return "", false
		}
	}
	return n, true
}

// ParseCard resolves a card parameter: `card "5258640000000001"` (any
// number, known to the catalogue or not) or a role such as
// `a successful credit card`, `a successful debit card`,
// `a successful prepaid card`, `a commercial card`, `an AMEX card`,
// `a TROY card`, `a multi-currency card` or `a multi-currency VISA card`.
func ParseCard(cat *craftgate.Catalogue, spec string) (CardChoice, error) {
	spec = strings.TrimSpace(spec)
	if n, ok := cardByNumber(spec); ok {
		tc, _ := cat.Card(n)
		return CardChoice{Number: n, Entry: tc}, nil
	}
	phrase, ok := strings.CutPrefix(spec, "an ")
	if !ok {
		phrase, ok = strings.CutPrefix(spec, "a ")
	}
	if ok {
		for _, r := range cardRoles() {
			if r.phrase != phrase {
				continue
			}
			tc := r.pick(cat)
			if tc == nil {
				return CardChoice{}, fmt.Errorf("steps: the catalogue has no card for %q", spec)
			}
			return CardChoice{Number: tc.Number, Entry: tc, Role: spec}, nil
		}
	}
	return CardChoice{}, fmt.Errorf("steps: unknown card %q: want card \"<number>\" or one of: %s", spec, strings.Join(CardRoles(), ", "))
}

// ReNames is a list of field names: "status, paymentId and mdStatus".
const ReNames = `([a-zA-Z]+(?:(?:, | and )[a-zA-Z]+)*)`

// ParseNames parses a list of names written as "a, b and c" or a single "a".
func ParseNames(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(s), ",") {
		for _, n := range strings.Split(p, " and ") {
			if n = strings.TrimSpace(n); n != "" {
				out = append(out, n)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("steps: empty list of names %q", s)
	}
	return out, nil
}

// ReDurations is a list of durations: "30s, 10s, 3m and 30m".
const ReDurations = `(\d+(?:ms|s|m|h)(?:(?:, | and )\d+(?:ms|s|m|h))*)`

// ParseDurations parses a list of Go durations written as "30s, 10s and 3m".
func ParseDurations(s string) ([]time.Duration, error) {
	names, err := ParseNames(s)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(names))
	for i, n := range names {
		d, err := time.ParseDuration(n)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("steps: duration %q in %q: want a positive duration such as 30s or 3m", n, s)
		}
		out[i] = d
	}
	return out, nil
}
