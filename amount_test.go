package attendance_test

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/openattendance/attendance"
)

// amt is attendance.ParseAmount for tables: "1.5", "2/9", "-3".
func amt(s string) attendance.Amount {
	a, err := attendance.ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

func TestNewAmount(t *testing.T) {
	tests := []struct {
		name     string
		num, den int64
		wantNum  int64
		wantDen  int64
	}{
		{"whole", 15, 1, 15, 1},
		{"reduced", 6, 4, 3, 2},
		{"two hours of nine", 120, 540, 2, 9},
		{"two hours of four", 120, 240, 1, 2},
		{"zero", 0, 7, 0, 1},
		{"negative numerator", -120, 540, -2, 9},
		{"negative denominator", 120, -540, -2, 9},
		{"both negative", -3, -6, 1, 2},
		{"largest", math.MaxInt64, 1, math.MaxInt64, 1},
		{"smallest", math.MinInt64, 2, math.MinInt64 / 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NewAmount(tt.num, tt.den)
			if got.Num() != tt.wantNum || got.Den() != tt.wantDen {
				t.Errorf("NewAmount(%d, %d) = %d/%d, want %d/%d", tt.num, tt.den, got.Num(), got.Den(), tt.wantNum, tt.wantDen)
			}
			if got != attendance.NewAmount(tt.wantNum, tt.wantDen) {
				t.Errorf("NewAmount(%d, %d) != NewAmount(%d, %d): equal amounts must compare equal", tt.num, tt.den, tt.wantNum, tt.wantDen)
			}
		})
	}
	if (attendance.Amount{}) != attendance.NewAmount(0, 5) || (attendance.Amount{}) != attendance.WholeDays(0) {
		t.Errorf("zero amounts differ from the zero value")
	}
}

func TestAmountArithmetic(t *testing.T) {
	tests := []struct {
		name string
		got  attendance.Amount
		want string
	}{
		{"nine times two ninths is two days", sum(amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9"), amt("2/9")), "2"},
		{"fifteen minus two ninths", amt("15").Sub(amt("2/9")), "133/9"},
		{"half and two ninths", amt("1/2").Add(amt("2/9")), "13/18"},
		{"ten tenths", sum(amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1"), amt("0.1")), "1"},
		{"add zero", amt("3/2").Add(attendance.Amount{}), "3/2"},
		{"zero add", attendance.Amount{}.Add(amt("3/2")), "3/2"},
		{"to zero", amt("2/9").Sub(amt("2/9")), "0"},
		{"negate", amt("2/9").Neg(), "-2/9"},
		{"negate zero", attendance.Amount{}.Neg(), "0"},
		{"fifteen twelfths", amt("15").MulFrac(1, 12), "5/4"},
		{"fifteen times seven twelfths", amt("15").MulFrac(7, 12), "35/4"},
		{"times zero", amt("15").MulFrac(0, 12), "0"},
		{"times a negative", amt("3/2").MulFrac(-2, 3), "-1"},
		// 2⁶¹/3 − 2⁶¹/5: the cross products overflow int64, the result does not.
		{"exact past the fast path", amt("2305843009213693952/3").Sub(amt("2305843009213693952/5")), "4611686018427387904/15"},
		{"large denominators", amt("1/3037000493").Add(amt("1/3")), bigSum("1/3037000493", "1/3")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got.String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// bigSum is the exact sum of fractions by math/big, for cases whose result is
// long to write by hand; it returns "" when the sum does not fit an Amount.
func bigSum(fracs ...string) string {
	var r big.Rat
	for _, f := range fracs {
		x, _ := new(big.Rat).SetString(f)
		r.Add(&r, x)
	}
	if !r.Num().IsInt64() || !r.Denom().IsInt64() {
		return ""
	}
	return r.RatString()
}

func sum(as ...attendance.Amount) attendance.Amount {
	var s attendance.Amount
	for _, a := range as {
		s = s.Add(a)
	}
	return s
}

func TestAmountCmp(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1", "1", 0},
		{"2/9", "0.22", 1},
		{"0.22", "2/9", -1},
		{"-1/2", "-0.5", 0},
		{"-1/3", "-1/4", -1},
		{"0", "-1/1000000", 1},
		{"9223372036854775807/1", "9223372036854775806/1", 1},
		{"1/9223372036854775807", "1/9223372036854775806", -1},
	}
	for _, tt := range tests {
		if got := amt(tt.a).Cmp(amt(tt.b)); got != tt.want {
			t.Errorf("Cmp(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := attendance.MinAmount(amt("5"), amt("9/2")); got != amt("4.5") {
		t.Errorf("MinAmount(5, 9/2) = %s, want 9/2", got)
	}
	if got := attendance.MaxAmount(amt("5"), amt("9/2")); got != amt("5") {
		t.Errorf("MaxAmount(5, 9/2) = %s, want 5", got)
	}
}

func TestAmountRoundHalfDay(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0", "0"},
		{"1", "1"},
		{"1.2", "1"},
		{"1.25", "1.5"}, // a half of a half: up
		{"1.249", "1"},
		{"1.5", "1.5"},
		{"1.7", "1.5"},
		{"1.75", "2"},
		{"5/4", "3/2"},       // 15 ÷ 12
		{"35/4", "9"},        // 15 × 7/12 = 8.75
		{"5/3", "3/2"},       // 20 ÷ 12 = 1.666…
		{"25/12", "2"},       // 25 ÷ 12 = 2.083…
		{"1/4", "1/2"},       // 3 ÷ 12
		{"1/6", "0"},         // 2 ÷ 12
		{"-1.25", "-1"},      // halves up, towards +∞
		{"-1.3", "-3/2"},     //
		{"2/9", "0"},         // 0.22
		{"7/24", "1/2"},      // 0.2916…
		{"366", "366"},       //
		{"731/2", "731/2"},   // 365.5
		{"4391/12", "366"},   // 365.91…
		{"4387/12", "731/2"}, // 365.58…
	}
	for _, tt := range tests {
		if got := amt(tt.in).RoundHalfDay(); got != amt(tt.want) {
			t.Errorf("RoundHalfDay(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAmountShown(t *testing.T) {
	tests := []struct {
		in         string
		hundredths int64
		decimal    string
	}{
		{"0", 0, "0"},
		{"15", 1500, "15"},
		{"1/2", 50, "0.5"},
		{"2/9", 22, "0.22"},
		{"7/9", 78, "0.78"},
		{"133/9", 1478, "14.78"},
		{"1/8", 13, "0.13"},    // 0.125: halves away from zero
		{"-1/8", -13, "-0.13"}, // so a return shows as its taking does
		{"1/200", 1, "0.01"},
		{"-1/200", -1, "-0.01"},
		{"1/201", 0, "0"},
		{"-2/9", -22, "-0.22"},
		{"-15/2", -750, "-7.5"},
		{"1/3", 33, "0.33"},
		{"2/3", 67, "0.67"},
		{"101/100", 101, "1.01"},
		{"-1/100", -1, "-0.01"},
	}
	for _, tt := range tests {
		a := amt(tt.in)
		if got := a.Hundredths(); got != tt.hundredths {
			t.Errorf("Hundredths(%s) = %d, want %d", tt.in, got, tt.hundredths)
		}
		if got := a.Decimal(); got != tt.decimal {
			t.Errorf("Decimal(%s) = %q, want %q", tt.in, got, tt.decimal)
		}
		if got, want := a.Float64(), float64(tt.hundredths)/100; got != want {
			t.Errorf("Float64(%s) = %v, want %v", tt.in, got, want)
		}
		b, err := json.Marshal(a)
		if err != nil || string(b) != tt.decimal {
			t.Errorf("json.Marshal(%s) = %s, %v; want %s", tt.in, b, err, tt.decimal)
		}
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		want    string // exact; "" for an error
		wantErr bool
	}{
		{in: "15", want: "15"},
		{in: "12.5", want: "25/2"},
		{in: "0.1", want: "1/10"},
		{in: "-0.25", want: "-1/4"},
		{in: "0.000001", want: "1/1000000"},
		{in: "2/9", want: "2/9"},
		{in: "-7/4", want: "-7/4"},
		{in: "6/4", want: "3/2"},
		{in: "-0", want: "0"},
		{in: "007", want: "7"},
		{in: "", wantErr: true},
		{in: "-", wantErr: true},
		{in: ".5", wantErr: true},
		{in: "1.", wantErr: true},
		{in: "1.0000001", wantErr: true},
		{in: "1e2", wantErr: true},
		{in: "+1", wantErr: true},
		{in: "1,5", wantErr: true},
		{in: "--1", wantErr: true},
		{in: "1.-5", wantErr: true},
		{in: "2/0", wantErr: true},
		{in: "2/-9", wantErr: true},
		{in: "+2/9", wantErr: true},
		{in: "2/+9", wantErr: true},
		{in: "a/b", wantErr: true},
		{in: "NaN", wantErr: true},
		{in: "Infinity", wantErr: true},
		{in: "1234567890123", wantErr: true},
		{in: " 1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := attendance.ParseAmount(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseAmount(%q) = %s, nil; want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseAmount(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestAmountUnmarshalJSON(t *testing.T) {
	var v struct {
		A attendance.Amount  `json:"a"`
		B *attendance.Amount `json:"b"`
	}
	if err := json.Unmarshal([]byte(`{"a": 0.1, "b": "2/9"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != amt("1/10") || v.B == nil || *v.B != amt("2/9") {
		t.Errorf("got a=%s b=%v, want 1/10 and 2/9", v.A, v.B)
	}
	v.A = amt("3")
	if err := json.Unmarshal([]byte(`{"a": null}`), &v); err != nil || v.A != amt("3") {
		t.Errorf("null: a=%s, %v; want it unchanged (3)", v.A, err)
	}
	for _, bad := range []string{`{"a": 1e2}`, `{"a": "x"}`, `{"a": true}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("json.Unmarshal(%s) = nil, want an error", bad)
		}
	}
}

func TestAmountFromFloat(t *testing.T) {
	tests := []struct {
		in     float64
		want   string
		wantOK bool
	}{
		{15, "15", true},
		{12.5, "25/2", true},
		{0.1, "1/10", true},
		{0.29, "29/100", true},
		{366, "366", true},
		{-0.5, "-1/2", true},
		{0.333, "", false},
		{1.0 / 3, "", false},
		{math.NaN(), "", false},
		{math.Inf(1), "", false},
		{1e13, "", false},
	}
	for _, tt := range tests {
		got, ok := attendance.AmountFromFloat(tt.in)
		if ok != tt.wantOK || (ok && got.String() != tt.want) {
			t.Errorf("AmountFromFloat(%v) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestCheckPrecision(t *testing.T) {
	// Scheduled day lengths in minutes whose hourly fractions, in lowest
	// terms, have pairwise coprime denominators.
	primes := []int64{499, 503, 509, 521, 523, 541, 547}
	var realistic []attendance.Amount
	for _, day := range []int64{540, 480, 420, 510, 570, 600, 450, 240, 360} { // part-time, DST, odd lengths
		realistic = append(realistic, attendance.NewAmount(60, day), attendance.NewAmount(-61, day))
	}
	realistic = append(realistic, amt("0.01"), amt("1/2"), amt("15"))
	var adversarial []attendance.Amount
	for _, p := range primes {
		adversarial = append(adversarial, attendance.NewAmount(1, p))
	}
	tests := []struct {
		name    string
		in      []attendance.Amount
		wantErr bool
	}{
		{name: "nothing", in: nil},
		{name: "whole and half days", in: []attendance.Amount{amt("15"), amt("-1/2"), amt("-3")}},
		{name: "a year of real schedules", in: realistic},
		{name: "four coprime day lengths", in: adversarial[:4]},
		{name: "seven coprime day lengths", in: adversarial, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.CheckPrecision(tt.in...)
			if tt.wantErr {
				checkErr(t, err, attendance.KindInvalid, "too_precise")
				return
			}
			checkErr(t, err, "", "")
			// Below the bound every running sum is exact: no panic, and
			// the same as math/big's.
			var got attendance.Amount
			var want big.Rat
			for _, a := range tt.in {
				got = got.Add(a)
				want.Add(&want, big.NewRat(a.Num(), a.Den()))
				if got.String() != want.RatString() {
					t.Fatalf("running sum = %s, want %s", got, want.RatString())
				}
			}
		})
	}
}

// TestAmountAgainstBig checks the arithmetic against math/big on random
// fractions, small and near the int64 bounds (where the fast path overflows
// and the exact one takes over).
func TestAmountAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 2026))
	pick := func() (int64, int64) {
		switch rng.IntN(3) {
		case 0:
			return rng.Int64N(2001) - 1000, rng.Int64N(1500) + 1
		case 1:
			return rng.Int64N(1<<40) - 1<<39, rng.Int64N(1<<31) + 1
		}
		return rng.Int64() >> rng.UintN(3), rng.Int64N(1<<20) + 1
	}
	fits := func(r *big.Rat) bool { return r.Num().IsInt64() && r.Denom().IsInt64() }
	for range 5000 {
		an, ad := pick()
		bn, bd := pick()
		a, b := attendance.NewAmount(an, ad), attendance.NewAmount(bn, bd)
		ra, rb := big.NewRat(an, ad), big.NewRat(bn, bd)
		if want := new(big.Rat).Add(ra, rb); fits(want) {
			if got := a.Add(b); got.String() != want.RatString() {
				t.Fatalf("%s + %s = %s, want %s", a, b, got, want.RatString())
			}
		}
		if want := new(big.Rat).Sub(ra, rb); fits(want) {
			if got := a.Sub(b); got.String() != want.RatString() {
				t.Fatalf("%s - %s = %s, want %s", a, b, got, want.RatString())
			}
		}
		if got, want := a.Cmp(b), ra.Cmp(rb); got != want {
			t.Fatalf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
		}
		m, d := rng.Int64N(25)-12, rng.Int64N(12)+1
		if want := new(big.Rat).Mul(ra, big.NewRat(m, d)); fits(want) {
			if got := a.MulFrac(m, d); got.String() != want.RatString() {
				t.Fatalf("%s × %d/%d = %s, want %s", a, m, d, got, want.RatString())
			}
		}
		// Rounding to the half day: floor(2a + 1/2) / 2.
		twice := new(big.Rat).Add(new(big.Rat).Mul(ra, big.NewRat(2, 1)), big.NewRat(1, 2))
		fl := new(big.Int).Div(twice.Num(), twice.Denom())
		if want := new(big.Rat).SetFrac(fl, big.NewInt(2)); fits(want) {
			if got := a.RoundHalfDay(); got.String() != want.RatString() {
				t.Fatalf("RoundHalfDay(%s) = %s, want %s", a, got, want.RatString())
			}
		}
		var total attendance.DaysTotal
		total.Add(a)
		if a.Hundredths() != total.Hundredths() {
			t.Fatalf("Hundredths(%s) = %d, DaysTotal says %d", a, a.Hundredths(), total.Hundredths())
		}
	}
}

func TestDaysTotal(t *testing.T) {
	var total attendance.DaysTotal
	primes := []int64{499, 503, 509, 521, 523, 541, 547, 557, 563}
	for _, p := range primes {
		total.Add(attendance.NewAmount(p-1, p)) // just under a day each
	}
	if got, want := total.Hundredths(), int64(898); got != want { // 9 − Σ1/p = 8.982…
		t.Errorf("Hundredths = %d, want %d", got, want)
	}
	if got := total.Float64(); got != 8.98 {
		t.Errorf("Float64 = %v, want 8.98", got)
	}
}
