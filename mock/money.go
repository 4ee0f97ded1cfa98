package mock

import (
	"math/bits"
	"strconv"

	"github.com/gatecheck/gatecheck/craftgate"
	"github.com/shopspring/decimal"
)

// money is an exact decimal amount in units of 10^-8, the precision of
// Craftgate's responses ("100.00000000"). Requests arrive as
// craftgate.Amount (shopspring decimal) and are converted once at
// validation; from then on the mock's arithmetic is exact int64 arithmetic,
// which keeps the store compact (no big.Int per amount) and the hot path
// free of allocations. Amounts are bounded by maxMoney, so sums of a few
// amounts never overflow and products are done in 128 bits.
type money int64

const (
	moneyScale = 8
	moneyUnit  = money(100_000_000) // 1.00
	moneyCent  = money(1_000_000)   // 0.01
	// maxMoney is the largest accepted amount, 9,999,999,999.99999999.
	// Craftgate documents no maximum; this bound is the mock's.
	maxMoney = money(1_000_000_000_000_000_000 - 1)
)

// amountProblem says why an amount cannot be converted.
type amountProblem uint8

const (
	amountOK amountProblem = iota
	amountTooPrecise
	amountTooLarge
)

// pow10 is a read-only table.
var pow10 = [...]int64{1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000}

// moneyOf converts a decimal amount. It rejects more than 8 significant
// decimal places (trailing zeros do not count) and magnitudes above
// maxMoney.
func moneyOf(a craftgate.Amount) (money, amountProblem) {
	d := a.Decimal
	if d.Sign() == 0 {
		return 0, amountOK
	}
	exp := d.Exponent()
	// Fast path: the coefficient fits in int64 and the exponent is within
	// the mock's scale (what every real client sends).
	if exp <= 0 && exp >= -moneyScale && d.NumDigits() <= 18 {
		c := d.CoefficientInt64()
		mul := pow10[moneyScale+exp]
		hi, lo := bits.Mul64(uabs(c), uint64(mul))
		if hi != 0 || lo > uint64(maxMoney) {
			return 0, amountTooLarge
		}
		if c < 0 {
			return -money(lo), amountOK
		}
		return money(lo), amountOK
	}
	// Cheap verdicts for absurd exponents (shopspring accepts up to
	// ±10000), before any arithmetic scales by them: a non-zero coefficient
	// times 10^19 is too large, and one with fewer digits than the places
	// to drop cannot be made integral.
	if exp > 18 {
		return 0, amountTooLarge
	}
	if int(-exp)-moneyScale >= d.NumDigits() {
		return 0, amountTooPrecise
	}
	// Slow path, exact: scale by 10^8 and demand an integer in range. The
	// decimal is bounded (the prescan rejects literals over 64 characters),
	// so this is cheap enough.
	s := d.Shift(moneyScale)
	if s.Abs().Cmp(decimal.NewFromInt(int64(maxMoney))) > 0 {
		return 0, amountTooLarge
	}
	if !s.IsInteger() {
		return 0, amountTooPrecise
	}
	return money(s.IntPart()), amountOK
}

func uabs(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// appendTo appends the amount as a JSON number exactly as
// craftgate.Amount.MarshalJSON writes it (decimal.String: no exponent, no
// trailing fractional zeros).
func (m money) appendTo(b []byte) []byte {
	v := int64(m)
	if v < 0 {
		b = append(b, '-')
		v = -v // |m| <= maxMoney, no overflow
	}
	b = strconv.AppendInt(b, v/int64(moneyUnit), 10)
	frac := v % int64(moneyUnit)
	if frac == 0 {
		return b
	}
	var digits [moneyScale]byte
	n := moneyScale
	for i := moneyScale - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// String formats the amount like appendTo.
func (m money) String() string { return string(m.appendTo(nil)) }

// mulDiv returns floor(a*b/c) for a, b >= 0, c > 0 and a*b/c < 2^63, in
// 128-bit arithmetic.
func mulDiv(a, b, c money) money {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return money(q)
}

// percentOf returns part/whole*100 rounded half away from zero to 2 decimal
// places: the mock's merchantCommissionRate (Craftgate does not document the
// rate's precision). whole must be positive.
func percentOf(part, whole money) money {
	neg := part < 0
	if neg {
		part = -part
	}
	// part*100/whole in money units = part*100*10^8/whole; in cents of a
	// percent (10^6 units) = part*10^4/whole, rounded.
	// Twice the quotient, so that it can be rounded half up.
	hi, lo := bits.Mul64(uint64(part), 2*10_000)
	var q2 uint64
	if hi < uint64(whole) {
		q2, _ = bits.Div64(hi, lo, uint64(whole))
	}
	if hi >= uint64(whole) || (q2+1)/2 > uint64(maxMoney/moneyCent) {
		// An absurd rate (paidPrice orders of magnitude above price):
		// clamp rather than overflow.
		q2 = uint64(maxMoney/moneyCent) * 2
	}
	q := money((q2+1)/2) * moneyCent
	if neg {
		return -q
	}
	return q
}
