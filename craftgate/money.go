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

// ParseAmount parses a decimal amount such as "100.00". It rejects
// exponents, NaN and anything decimal.NewFromString would not read exactly.
func ParseAmount(s string) (Amount, error) {
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
