package rbs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Currency is an ISO 4217 currency: its numeric code (what the gateway
// takes, as three digits), its letter code and its number of minor-unit
// digits.
type Currency struct {
	// Numeric is the ISO 4217 numeric code, e.g. 643.
	Numeric int
	// Alpha is the letter code, e.g. "RUB".
	Alpha string
	// Exponent is the number of minor-unit digits (2 for kopecks).
	Exponent int32
}

// Code returns the numeric code as the gateway writes it: three digits.
func (c Currency) Code() string { return fmt.Sprintf("%03d", c.Numeric) }

// String returns the letter code.
func (c Currency) String() string { return c.Alpha }

// Well-known currencies. RUB is the gateway's (and the client's) default.
var (
	RUB = Currency{643, "RUB", 2}
	USD = Currency{840, "USD", 2}
	EUR = Currency{978, "EUR", 2}
	KZT = Currency{398, "KZT", 2}
	BYN = Currency{933, "BYN", 2}
	CNY = Currency{156, "CNY", 2}
	JPY = Currency{392, "JPY", 0}
	KWD = Currency{414, "KWD", 3}
)

// DefaultCurrency is used when a request names none (the gateway then
// takes the merchant's currency, which for Alfa-Bank shops is RUB).
var DefaultCurrency = RUB

// currencies is a read-only table.
var currencies = []Currency{RUB, USD, EUR, KZT, BYN, CNY, JPY, KWD}

// ErrUnknownCurrency is returned for a currency this package has no
// exponent for.
var ErrUnknownCurrency = errors.New("rbs: unknown currency")

// CurrencyOf returns the currency with letter code ("RUB") or numeric code
// ("643"). The legacy Russian code 810 (still shown in some gateway
// examples) is read as RUB.
func CurrencyOf(code string) (Currency, error) {
	code = strings.TrimSpace(code)
	if code == "810" {
		return RUB, nil
	}
	for _, c := range currencies {
		if strings.EqualFold(c.Alpha, code) || c.Code() == code {
			return c, nil
		}
	}
	return Currency{}, fmt.Errorf("%w %q", ErrUnknownCurrency, code)
}

// MaxAmountDigits is the gateway's limit: amounts have at most 12 digits.
const MaxAmountDigits = 12

// maxMinor is the largest 12-digit amount.
const maxMinor = 999_999_999_999

// ToMinor converts an amount in major units (1500.50 RUB) to minor units
// (150050 kopecks). It refuses negative amounts, fractions of a minor unit
// and amounts of more than 12 digits: the gateway takes nothing else.
func ToMinor(amount decimal.Decimal, c Currency) (int64, error) {
	if amount.IsNegative() {
		return 0, fmt.Errorf("rbs: amount %s %s is negative", amount, c)
	}
	scaled := amount.Shift(c.Exponent)
	if !scaled.Equal(scaled.Truncate(0)) {
		return 0, fmt.Errorf("rbs: amount %s %s has more than %d decimal places", amount, c, c.Exponent)
	}
	if scaled.GreaterThan(decimal.NewFromInt(maxMinor)) {
		return 0, fmt.Errorf("rbs: amount %s %s has more than %d digits in minor units", amount, c, MaxAmountDigits)
	}
	return scaled.IntPart(), nil
}

// FromMinor converts minor units (150050) to a decimal in major units
// (1500.50).
func FromMinor(minor int64, c Currency) decimal.Decimal {
	return decimal.New(minor, -c.Exponent)
}

// FormatMinor writes minor units as a fixed-point major amount with the
// currency's number of decimals ("1500.50").
func FormatMinor(minor int64, c Currency) string {
	return FromMinor(minor, c).StringFixed(c.Exponent)
}

// ParseMinor parses an amount in minor units as the gateway writes it: up
// to 12 decimal digits, nothing else.
func ParseMinor(s string) (int64, error) {
	if s == "" || len(s) > MaxAmountDigits {
		return 0, fmt.Errorf("rbs: amount %q: want 1 to %d digits", s, MaxAmountDigits)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("rbs: amount %q: want digits only (minor units)", s)
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("rbs: amount %q: %w", s, err)
	}
	return n, nil
}
