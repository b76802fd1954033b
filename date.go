package attendance

import (
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar date without a time zone, counted in days since
// 1970-01-01. Dates in this product are always some employee's local dates
// (or the company's); the type makes that impossible to confuse with an instant.
type Date int32

// DateLayout is the wire format of a Date.
const DateLayout = "2006-01-02"

// The dates the service takes as input: from 1970-01-01 to 9999-12-31. An
// instant taken as input (a corrected clock-in) must not be before MinDate
// either. Further out is a typing mistake, and beyond year 9999 or before
// year 0 a timestamp cannot even be written as RFC 3339.
var (
	MinDate = NewDate(1970, time.January, 1)
	MaxDate = NewDate(9999, time.December, 31)
)

// Supported reports whether d lies between MinDate and MaxDate.
func (d Date) Supported() bool { return d >= MinDate && d <= MaxDate }

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// NewDate returns the date y-m-d; out-of-range values normalise like time.Date.
func NewDate(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate parses a YYYY-MM-DD date: exactly what time.Parse accepts with
// DateLayout, without its cost (the store reads a date for every row of the
// overview).
func ParseDate(s string) (Date, error) {
	if len(s) != len(DateLayout) || s[4] != '-' || s[7] != '-' {
		return 0, notADate(s)
	}
	y, okY := decimal(s[0:4])
	m, okM := decimal(s[5:7])
	d, okD := decimal(s[8:10])
	if !okY || !okM || !okD || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, time.Month(m)) {
		return 0, notADate(s)
	}
	return civilDate(y, m, d), nil
}

func notADate(s string) error { return fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s) }

// decimal parses ASCII digits only (no sign, no spaces).
func decimal(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysInMonth(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// civilDate counts the days from 1970-01-01 to the valid date y-m-d of the
// proleptic Gregorian calendar, as NewDate does, without time.Date: the year
// is taken to start in March, so that the leap day comes last, and is split
// into 400-year eras of 146,097 days.
func civilDate(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400                     // [0, 399]
	doy := (153*((m+9)%12)+2)/5 + d - 1    // [0, 365], from March 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy // [0, 146096]
	return Date(era*146097 + doe - 719468) // 719,468 days from 0000-03-01 to 1970-01-01
}

// MustParseDate is ParseDate for constants in tests and tables; it panics on a bad date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Date) utc() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String returns the date as YYYY-MM-DD.
func (d Date) String() string {
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.utc().Date()
	if y < 0 || y > 9999 {
		return d.utc().AppendFormat(b, DateLayout)
	}
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(m)/10), byte('0'+int(m)%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// Year returns the date's year.
func (d Date) Year() int { return d.utc().Year() }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (int(d) + 4) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns the date n days later (earlier for negative n).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// In returns the instant at which the date begins in loc: midnight, or, where
// a daylight-saving change skips midnight, the first instant of the day.
func (d Date) In(loc *time.Location) time.Time { return d.At(0, loc) }

// At returns the instant of the wall-clock time tod on this date in loc. A
// time that a daylight-saving change skips is moved forward past the gap, so
// that the instant always lies on this date.
func (d Date) At(tod TimeOfDay, loc *time.Location) time.Time {
	y, m, dd := d.utc().Date()
	h, mi := int(tod)/60, int(tod)%60
	t := time.Date(y, m, dd, h, mi, 0, 0, loc)
	if th, tm, _ := t.Clock(); th != h || tm != mi {
		// Skipped: read the wall time with the offset in force before the change,
		// which lands just after the gap.
		_, before := t.Add(-24 * time.Hour).Zone()
		t = time.Date(y, m, dd, h, mi, 0, 0, time.UTC).Add(-time.Duration(before) * time.Second).In(loc)
	}
	return t
}

// YearBounds returns the first and last date of a year.
func YearBounds(year int) (first, last Date) {
	return NewDate(year, time.January, 1), NewDate(year, time.December, 31)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return d.appendTo(make([]byte, 0, 10)), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// TimeOfDay is a wall-clock time, in minutes after midnight, written HH:MM.
type TimeOfDay int16

// ParseTimeOfDay parses a 24-hour HH:MM time.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	bad := fmt.Errorf("%q is not a time in the form HH:MM (00:00 to 23:59)", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || s[3] == '+' || s[3] == '-' || h > 23 || m > 59 {
		return 0, bad
	}
	return TimeOfDay(h*60 + m), nil
}

// MustParseTimeOfDay is ParseTimeOfDay for constants; it panics on a bad time.
func MustParseTimeOfDay(s string) TimeOfDay {
	t, err := ParseTimeOfDay(s)
	if err != nil {
		panic(err)
	}
	return t
}

// String returns HH:MM.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// MarshalText implements encoding.TextMarshaler.
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	v, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
