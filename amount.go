package attendance

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Amount is an exact number of days of leave: a fraction in lowest terms.
// Hourly leave costs its minutes divided by the scheduled minutes of that
// date (2 hours of a 9-hour day are 2/9 of a day), which no decimal unit holds
// exactly; a fraction does, and sums of fractions stay exact, so a balance
// never drifts. The store keeps an Amount as two integer columns (Num, Den).
//
// The zero value is 0. Amounts compare with ==: equal values have one form.
// Arithmetic is exact; it panics only when a result's numerator or
// denominator does not fit in an int64, which CheckPrecision rules out for
// the entries of one balance (see MaxLedgerDenominator). Sums over many
// employees, whose denominators are unrelated, use DaysTotal.
type Amount struct {
	num, den int64 // den == 0 only for the zero value; otherwise den >= 1 and gcd(num, den) == 1
}

// MaxLedgerDenominator bounds the common denominator of the entries and
// reservations of one balance (one employee, leave type and year). Below it,
// every sum of them, running balances included, is held exactly in an
// Amount. Reaching it takes hourly leave on a dozen days whose scheduled
// lengths share no factor, which no real roster does; CheckPrecision refuses
// the request or adjustment that would pass it.
const MaxLedgerDenominator = 1 << 40

// WholeDays returns n whole days.
func WholeDays(n int64) Amount { return NewAmount(n, 1) }

// HalfDays returns n half days (HalfDays(3) is 1.5 days).
func HalfDays(n int64) Amount { return NewAmount(n, 2) }

// NewAmount returns num/den days in lowest terms. It panics when den is 0.
func NewAmount(num, den int64) Amount {
	if den == 0 {
		panic("attendance: NewAmount with a zero denominator")
	}
	if num == 0 {
		return Amount{}
	}
	if num == math.MinInt64 || den == math.MinInt64 {
		return fromRat(new(big.Rat).SetFrac(big.NewInt(num), big.NewInt(den)))
	}
	if den < 0 {
		num, den = -num, -den
	}
	g := gcd(abs64(num), den)
	return Amount{num / g, den / g}
}

// Num returns the numerator of the amount in lowest terms (negative for a
// negative amount).
func (a Amount) Num() int64 { return a.num }

// Den returns the denominator of the amount in lowest terms: 1 for whole
// days and for zero.
func (a Amount) Den() int64 {
	if a.den == 0 {
		return 1
	}
	return a.den
}

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	switch {
	case a.num < 0:
		return -1
	case a.num > 0:
		return 1
	}
	return 0
}

// IsZero reports whether the amount is 0.
func (a Amount) IsZero() bool { return a.num == 0 }

// Neg returns -a.
func (a Amount) Neg() Amount {
	if a.num == math.MinInt64 {
		return fromRat(new(big.Rat).Neg(a.rat()))
	}
	return Amount{-a.num, a.den}
}

// Add returns a + b.
func (a Amount) Add(b Amount) Amount {
	switch {
	case a.num == 0:
		return b
	case b.num == 0:
		return a
	}
	g := gcd(a.den, b.den)
	l, ok1 := mul64(a.den/g, b.den)
	x, ok2 := mul64(a.num, b.den/g)
	y, ok3 := mul64(b.num, a.den/g)
	n, ok4 := add64(x, y)
	if ok1 && ok2 && ok3 && ok4 {
		return NewAmount(n, l)
	}
	return fromRat(new(big.Rat).Add(a.rat(), b.rat()))
}

// Sub returns a - b.
func (a Amount) Sub(b Amount) Amount { return a.Add(b.Neg()) }

// MulFrac returns a × num/den; den must not be 0.
func (a Amount) MulFrac(num, den int64) Amount {
	if den == 0 {
		panic("attendance: MulFrac with a zero denominator")
	}
	if a.num == 0 || num == 0 {
		return Amount{}
	}
	// Reduce crosswise first so that the products stay small.
	f := NewAmount(num, den)
	g1, g2 := gcd(abs64(a.num), f.den), gcd(abs64(f.num), a.den)
	n, ok1 := mul64(a.num/g1, f.num/g2)
	d, ok2 := mul64(a.den/g2, f.den/g1)
	if ok1 && ok2 {
		return NewAmount(n, d)
	}
	return fromRat(new(big.Rat).Mul(a.rat(), f.rat()))
}

// Cmp compares a and b: -1 if a < b, 0 if equal, +1 if a > b.
func (a Amount) Cmp(b Amount) int {
	if a == b {
		return 0
	}
	x, ok1 := mul64(a.num, b.Den())
	y, ok2 := mul64(b.num, a.Den())
	if ok1 && ok2 {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return a.rat().Cmp(b.rat())
}

// MinAmount returns the smaller of a and b.
func MinAmount(a, b Amount) Amount {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

// MaxAmount returns the larger of a and b.
func MaxAmount(a, b Amount) Amount {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// RoundHalfDay rounds to the nearest half day, halves up (towards +∞): 1.25
// becomes 1.5 and 1.2 becomes 1. It is the rounding of accrual credits.
func (a Amount) RoundHalfDay() Amount {
	// floor(2a + 1/2) / 2 = floor((4·num + den) / (2·den)) / 2
	n, d := a.num, a.Den()
	x, ok1 := mul64(n, 4)
	x, ok2 := add64(x, d)
	y, ok3 := mul64(d, 2)
	if ok1 && ok2 && ok3 {
		return HalfDays(floorDiv(x, y))
	}
	q := new(big.Int).Add(new(big.Int).Mul(big.NewInt(n), big.NewInt(4)), big.NewInt(d))
	q.Div(q, new(big.Int).Mul(big.NewInt(d), big.NewInt(2))) // Euclidean: floor for a positive divisor
	return fromRat(new(big.Rat).SetFrac(q, big.NewInt(2)))
}

// Hundredths returns the amount in hundredths of a day, rounded to the
// nearest, halves away from zero (2/9 is 22, 1/8 is 13, -1/8 is -13): the
// precision in which days are shown.
func (a Amount) Hundredths() int64 {
	n, d := abs64(a.num), a.Den()
	// round(100·n/d) = floor((200·n + d) / (2·d)) for n >= 0
	x, ok1 := mul64(n, 200)
	x, ok2 := add64(x, d)
	y, ok3 := mul64(d, 2)
	if !ok1 || !ok2 || !ok3 || n < 0 {
		var t DaysTotal
		t.Add(a)
		return t.Hundredths()
	}
	if a.num < 0 {
		return -(x / y)
	}
	return x / y
}

// Float64 returns the amount as shown, rounded to two decimals (see
// Hundredths). It is for display and for the JSON of the contract's number
// fields; decisions compare Amounts.
func (a Amount) Float64() float64 { return float64(a.Hundredths()) / 100 }

// Decimal returns the amount as shown, with at most two decimals and no
// trailing zeros: "0.22", "-1.5", "15".
func (a Amount) Decimal() string {
	h := a.Hundredths()
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	s := sign + strconv.FormatInt(h/100, 10)
	switch f := h % 100; {
	case f == 0:
	case f%10 == 0:
		s += "." + strconv.FormatInt(f/10, 10)
	default:
		s += fmt.Sprintf(".%02d", f)
	}
	return s
}

// String returns the exact amount: "15", "3/2", "-2/9".
func (a Amount) String() string {
	if a.Den() == 1 {
		return strconv.FormatInt(a.num, 10)
	}
	return strconv.FormatInt(a.num, 10) + "/" + strconv.FormatInt(a.den, 10)
}

// ParseAmount reads an amount of days written as a decimal ("12.5", "-0.25",
// at most 6 decimals, no exponent) or as an exact fraction ("2/9", "-7/4").
func ParseAmount(s string) (Amount, error) {
	bad := fmt.Errorf("%q is not a number of days (write 1.5 or 2/9)", s)
	if num, den, ok := strings.Cut(s, "/"); ok {
		n, err1 := strconv.ParseInt(num, 10, 64)
		d, err2 := strconv.ParseInt(den, 10, 64)
		if err1 != nil || err2 != nil || d <= 0 || strings.HasPrefix(den, "+") || strings.HasPrefix(num, "+") {
			return Amount{}, bad
		}
		return NewAmount(n, d), nil
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(digits, ".")
	if whole == "" || (dot && frac == "") || len(frac) > 6 || len(whole) > 12 {
		return Amount{}, bad
	}
	if strings.Trim(whole+frac, "0123456789") != "" {
		return Amount{}, bad
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return Amount{}, bad
	}
	a := NewAmount(n, int64(math.Pow10(len(frac))))
	if neg {
		a = a.Neg()
	}
	return a, nil
}

// MarshalJSON writes the amount as the contract shows days: a JSON number
// with at most two decimals. The exact value goes in fields of its own (see
// String).
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.Decimal()), nil }

// UnmarshalJSON reads a JSON number (or a string holding a fraction) without
// passing through binary floating point: 0.1 is exactly 1/10. JSON null
// leaves the amount as it was, as encoding/json does for its own types.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// AmountFromFloat converts a float64 that holds a multiple of 1/100 (an
// allowance of 12.5 days as the employee record keeps it) to an exact
// Amount; ok is false for anything else (0.333, NaN, ±Inf, beyond 10¹²).
func AmountFromFloat(f float64) (a Amount, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return Amount{}, false
	}
	h := math.Round(f * 100)
	if math.Abs(h/100-f) > 1e-9 {
		return Amount{}, false
	}
	return NewAmount(int64(h), 100), true
}

// CheckPrecision checks that the amounts of one balance (its ledger entries
// and pending reservations, the new one included) have a common denominator
// of at most MaxLedgerDenominator, so that the balance and every running sum
// of it stay exact.
func CheckPrecision(amounts ...Amount) error {
	l := int64(1)
	for _, a := range amounts {
		d := a.Den()
		m, ok := mul64(l/gcd(l, d), d)
		if !ok || m > MaxLedgerDenominator {
			return Errorf(KindInvalid, "too_precise", "this balance cannot hold one more fraction of a day exactly; ask for whole or half days")
		}
		l = m
	}
	return nil
}

// DaysTotal sums amounts whose denominators may be unrelated (the leave days
// of many employees in an overview's totals), exactly and without bound. The
// zero value is an empty sum.
type DaysTotal struct{ r big.Rat }

// Add adds a to the total.
func (t *DaysTotal) Add(a Amount) { t.r.Add(&t.r, a.rat()) }

// Hundredths returns the total rounded as Amount.Hundredths rounds; a total
// beyond ±9×10¹⁶ days does not fit and is not meaningful.
func (t *DaysTotal) Hundredths() int64 {
	n := new(big.Int).Abs(t.r.Num())
	d := t.r.Denom()
	q := new(big.Int).Add(new(big.Int).Mul(n, big.NewInt(200)), d)
	q.Quo(q, new(big.Int).Mul(d, big.NewInt(2)))
	if t.r.Sign() < 0 {
		q.Neg(q)
	}
	return q.Int64()
}

// Float64 returns the total rounded to two decimals.
func (t *DaysTotal) Float64() float64 { return float64(t.Hundredths()) / 100 }

func (a Amount) rat() *big.Rat { return new(big.Rat).SetFrac64(a.num, a.Den()) }

// fromRat converts an exact result back; it panics when the result cannot be
// held (see the Amount doc and CheckPrecision).
func fromRat(r *big.Rat) Amount {
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		panic(fmt.Sprintf("attendance: the amount %s does not fit in an Amount", r.RatString()))
	}
	if r.Sign() == 0 {
		return Amount{}
	}
	return Amount{r.Num().Int64(), r.Denom().Int64()}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return 1
	}
	return a
}

func abs64(a int64) int64 {
	if a < 0 {
		return -a
	}
	return a
}

// mul64 returns a·b and whether it did not overflow.
func mul64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) || c/b != a {
		return 0, false
	}
	return c, true
}

// add64 returns a+b and whether it did not overflow.
func add64(a, b int64) (int64, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
