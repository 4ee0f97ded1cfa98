package craftgate

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Amount is a money amount. It is a decimal (never a float) that travels as a
// JSON number, as Craftgate sends and expects amounts; it also accepts a
// quoted number on input because some payloads (and some clients) quote them.
//
// Amount embeds decimal.Decimal, so all of its methods are available; wrap
// arithmetic results with AmountOf.
type Amount struct{ decimal.Decimal }

// AmountOf wraps a decimal.
func AmountOf(d decimal.Decimal) Amount { return Amount{d} }

// ParseAmount parses an amount written in plain decimal notation such as
// "100.00" or "-0.5". Exponents ("1e3"), thousands separators, commas and
// anything else are rejected: amounts in features and flags are exact.
func ParseAmount(s string) (Amount, error) {
	if !plainDecimal(s) {
		return Amount{}, fmt.Errorf("craftgate: amount %q: want plain decimal notation such as 100.00", s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Amount{}, fmt.Errorf("craftgate: amount %q: %w", s, err)
	}
	return Amount{d}, nil
}

// MustAmount is ParseAmount for constants; it panics on a malformed literal.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// MarshalJSON writes the amount as a bare JSON number.
func (a Amount) MarshalJSON() ([]byte, error) {
	return []byte(a.Decimal.String()), nil
}

// UnmarshalJSON reads a JSON number or a quoted number.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*a = Amount{}
		return nil
	}
	return a.Decimal.UnmarshalJSON(b)
}

// Add returns a+b.
func (a Amount) Add(b Amount) Amount { return Amount{a.Decimal.Add(b.Decimal)} }

// Sub returns a-b.
func (a Amount) Sub(b Amount) Amount { return Amount{a.Decimal.Sub(b.Decimal)} }

// plainDecimal reports whether s is -?digits(.digits)?.
func plainDecimal(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	intPart, frac, hasDot := s, "", false
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac, hasDot = s[:i], s[i+1:], true
			break
		}
	}
	digits := func(x string) bool {
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return x != ""
	}
	return digits(intPart) && (!hasDot || digits(frac))
}
