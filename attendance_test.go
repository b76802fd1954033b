package attendance_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// The zones the tests use. The package embeds its own zone database, so these
// load on any machine.
var (
	berlin   = mustLoadLocation("Europe/Berlin")
	newYork  = mustLoadLocation("America/New_York")
	auckland = mustLoadLocation("Pacific/Auckland")
)

func mustLoadLocation(name string) *time.Location {
	loc, err := attendance.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// ptr returns a pointer to v, for the optional fields of inputs.
func ptr[T any](v T) *T { return &v }

// date is attendance.MustParseDate, short for tables.
func date(s string) attendance.Date { return attendance.MustParseDate(s) }

// hm is attendance.MustParseTimeOfDay, short for tables.
func hm(s string) attendance.TimeOfDay { return attendance.MustParseTimeOfDay(s) }

// at returns the fixed instant of the wall-clock time "YYYY-MM-DD HH:MM" or
// "YYYY-MM-DD HH:MM:SS" in loc, built with time.Date.
func at(loc *time.Location, s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) == len("2006-01-02 15:04:05") {
		layout = "2006-01-02 15:04:05"
	}
	p, err := time.Parse(layout, s)
	if err != nil {
		panic(err)
	}
	return time.Date(p.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), p.Second(), 0, loc)
}

// utc is at(time.UTC, s).
func utc(s string) time.Time { return at(time.UTC, s) }

// checkErr fails the test unless err is of the wanted kind and code. An empty
// wantKind wants no error; an empty wantCode accepts any code.
func checkErr(t *testing.T, err error, wantKind attendance.Kind, wantCode string) {
	t.Helper()
	if wantKind == "" {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("err = nil, want kind %q code %q", wantKind, wantCode)
	}
	if got := attendance.ErrorKind(err); got != wantKind {
		t.Fatalf("ErrorKind(%v) = %q, want %q", err, got, wantKind)
	}
	if got := attendance.ErrorCode(err); wantCode != "" && got != wantCode {
		t.Fatalf("ErrorCode(%v) = %q, want %q", err, got, wantCode)
	}
}

// checkFields fails the test unless err is a validation error naming exactly
// the wanted field locations (in any order).
func checkFields(t *testing.T, err error, want ...string) {
	t.Helper()
	checkErr(t, err, attendance.KindInvalid, "invalid")
	var e *attendance.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T, want *attendance.Error", err)
	}
	got := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		got = append(got, f.Location)
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("field locations = %q, want %q (err %v)", got, want, err)
	}
}

// bruteWorkingDays counts the working days from first to last one date at a
// time, straight from the contract: a weekday in work days that is not a holiday.
func bruteWorkingDays(work attendance.Weekdays, h attendance.Holidays, first, last attendance.Date) int {
	n := 0
	for d := first; d <= last; d = d.AddDays(1) {
		if _, holiday := h[d]; work.Has(d.Weekday()) && !holiday {
			n++
		}
	}
	return n
}
