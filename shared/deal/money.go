package deal

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Money is an amount in fils (1/100 AED). Amounts are integers so that commission, VAT and
// fees never drift the way binary floats do; JSON shows them as AED numbers (1234.56).
type Money int64

// MaxMoney is the largest amount a numeric(14, 2) column holds: AED 999,999,999,999.99.
const MaxMoney Money = 99_999_999_999_999

// AED returns whole dirhams as Money.
func AED(dirhams int64) Money { return Money(dirhams * 100) }

// ParseMoney reads a decimal amount in AED ("1234.5", "1e6") exactly, rounding half away
// from zero to fils.
func ParseMoney(s string) (Money, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	n, ok := roundRat(r.Mul(r, big.NewRat(100, 1)))
	if !ok || n > int64(MaxMoney) || n < -int64(MaxMoney) {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return Money(n), nil
}

// String renders the amount in AED with two decimals ("1234.50").
func (m Money) String() string {
	sign, v := "", int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Grouped renders the amount for people: thousands separated, decimals only when there are
// fils ("60,000", "54,999.99").
func (m Money) Grouped() string {
	s := m.String()
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	var b strings.Builder
	if m < 0 {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "00" {
		b.WriteString("." + frac)
	}
	return b.String()
}

// MarshalJSON writes the amount as a JSON number in AED.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number (or numeric string) in AED exactly.
func (m *Money) UnmarshalJSON(b []byte) error {
	v, err := ParseMoney(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Times multiplies the amount by a rate, rounding half away from zero to fils.
func (m Money) Times(r Rate) Money {
	p := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(int64(r))), big.NewInt(RateScale))
	n, _ := roundRat(p)
	return Money(n)
}

// Rate is a fraction in units of 1/10,000 (basis points), the precision of the deals table's
// rate columns: 200 is 2%, 10,000 is 100%.
type Rate int64

// RateScale is the number of Rate units in 1 (100%).
const RateScale = 10_000

// RateOf converts a configured fraction (0.02) to a Rate, to the nearest basis point.
func RateOf(f float64) Rate { return Rate(math.Round(f * RateScale)) }

// ParseRate reads a decimal fraction ("0.025") exactly, rounding half away from zero to a
// basis point.
func ParseRate(s string) (Rate, error) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return 0, fmt.Errorf("%q is not a rate", s)
	}
	n, ok := roundRat(r.Mul(r, big.NewRat(RateScale, 1)))
	if !ok || n > 100*RateScale || n < -100*RateScale {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return Rate(n), nil
}

// String renders the rate as a decimal fraction without trailing zeros ("0.025").
func (r Rate) String() string {
	sign, v := "", int64(r)
	if v < 0 {
		sign, v = "-", -v
	}
	frac := strings.TrimRight(fmt.Sprintf("%04d", v%RateScale), "0")
	if frac == "" {
		return sign + strconv.FormatInt(v/RateScale, 10)
	}
	return fmt.Sprintf("%s%d.%s", sign, v/RateScale, frac)
}

// MarshalJSON writes the rate as a JSON number (0.02).
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalJSON reads a JSON number (or numeric string) fraction exactly.
func (r *Rate) UnmarshalJSON(b []byte) error {
	v, err := ParseRate(strings.Trim(string(b), `"`))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// roundRat rounds to the nearest integer, halves away from zero; ok is false when the result
// does not fit an int64.
func roundRat(r *big.Rat) (int64, bool) {
	num, den := new(big.Int).Set(r.Num()), r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Lsh(rem, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64(), q.IsInt64()
}
