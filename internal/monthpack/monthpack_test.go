package monthpack_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/monthpack"
)

func date(s string) attendance.Date { return attendance.MustParseDate(s) }

// unpackAll unpacks every day of packed month b.
func unpackAll(t *testing.T, month attendance.Date, b []byte) []attendance.Day {
	t.Helper()
	days, err := monthpack.Unpack(nil, month, b, attendance.MinDate, attendance.MaxDate)
	if err != nil {
		t.Fatal(err)
	}
	return days
}

func TestMonth(t *testing.T) {
	for _, c := range []struct {
		d, month string
		slot     int
	}{
		{"2026-01-01", "2026-01-01", 0},
		{"2026-01-31", "2026-01-01", 30},
		{"2024-02-29", "2024-02-01", 28},
		{"1970-01-01", "1970-01-01", 0},
		{"9999-12-31", "9999-12-01", 30},
	} {
		m, slot := monthpack.Month(date(c.d))
		if m != date(c.month) || slot != c.slot {
			t.Errorf("Month(%s) = %s, %d; want %s, %d", c.d, m, slot, c.month, c.slot)
		}
		if got := monthpack.Pos(slot); got != slot*monthpack.SlotSize+1 {
			t.Errorf("Pos(%d) = %d", slot, got)
		}
	}
}

// TestRoundTrip packs days with every field at its limits and unpacks them.
func TestRoundTrip(t *testing.T) {
	since := time.Date(2026, 3, 1, 7, 59, 59, 123456000, time.UTC)
	days := []attendance.Day{
		{Date: date("2026-03-01"), Entries: 1},
		{Date: date("2026-03-02"), Entries: 2, Late: true, LateMinutes: 17, WorkedSeconds: 8 * 3600, OpenSessions: 1, BreakSeconds: 1800,
			OpenSince: since},
		{Date: date("2026-03-03"), Entries: math.MaxUint32, Late: true, LateMinutes: math.MaxUint32, WorkedSeconds: math.MaxInt64,
			OpenSessions: math.MaxUint32, BreakSeconds: math.MaxInt64, OpenSince: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
		{Date: date("2026-03-04"), Entries: 1, WorkedSeconds: math.MinInt64, BreakSeconds: -1,
			OpenSince: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)}, // the epoch: set, not zero
		{Date: date("2026-03-31"), Entries: 3, OpenSessions: 3, OpenSince: since.AddDate(0, 0, 29)},
	}
	b := make([]byte, monthpack.Size)
	for _, d := range days {
		if err := monthpack.Put(b, d); err != nil {
			t.Fatal(err)
		}
	}
	got := unpackAll(t, date("2026-03-01"), b)
	if !slices.Equal(got, days) {
		t.Fatalf("unpacked\n%+v\nwant\n%+v", got, days)
	}
	// Only the days of a range.
	got, err := monthpack.Unpack(nil, date("2026-03-01"), b, date("2026-03-02"), date("2026-03-30"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, days[1:4]) {
		t.Fatalf("from the 2nd to the 30th\n%+v\nwant\n%+v", got, days[1:4])
	}
	// Appending to what is there.
	got, err = monthpack.Unpack(days[:1], date("2026-03-01"), b, date("2026-03-31"), date("2026-03-31"))
	if err != nil || !slices.Equal(got, []attendance.Day{days[0], days[4]}) {
		t.Fatalf("appended %+v, %v", got, err)
	}
}

// TestRewrite writes a day's slot twice and deletes another: the neighbours
// stay, the last write counts, a deleted day is gone.
func TestRewrite(t *testing.T) {
	month := date("2026-02-01")
	b := make([]byte, monthpack.Size)
	first := attendance.Day{Date: date("2026-02-01"), Entries: 1, OpenSessions: 1, OpenSince: time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)}
	second := attendance.Day{Date: date("2026-02-02"), Entries: 1, Late: true, LateMinutes: 5, OpenSessions: 1,
		OpenSince: time.Date(2026, 2, 2, 8, 5, 0, 0, time.UTC)}
	last := attendance.Day{Date: date("2026-02-28"), Entries: 1, WorkedSeconds: 100}
	for _, d := range []attendance.Day{first, second, last} {
		if err := monthpack.Put(b, d); err != nil {
			t.Fatal(err)
		}
	}
	// The second day's session closes: open since becomes zero, late stays.
	second.OpenSessions, second.OpenSince, second.WorkedSeconds, second.Entries = 0, time.Time{}, 3600, 1
	if err := monthpack.Put(b, second); err != nil {
		t.Fatal(err)
	}
	if got, want := unpackAll(t, month, b), []attendance.Day{first, second, last}; !slices.Equal(got, want) {
		t.Fatalf("after writing the 2nd twice\n%+v\nwant\n%+v", got, want)
	}
	// The first day's entry is voided: nothing is left of it.
	if err := monthpack.Put(b, attendance.Day{Date: first.Date}); err != nil {
		t.Fatal(err)
	}
	if got, want := unpackAll(t, month, b), []attendance.Day{second, last}; !slices.Equal(got, want) {
		t.Fatalf("after deleting the 1st\n%+v\nwant\n%+v", got, want)
	}
	if slices.ContainsFunc(b[:monthpack.SlotSize], func(c byte) bool { return c != 0 }) {
		t.Errorf("a deleted day's slot is not all zero: %x", b[:monthpack.SlotSize])
	}
	// Pack makes the row of one day, as an upsert inserts it.
	one, pos, err := monthpack.Pack(last)
	if err != nil {
		t.Fatal(err)
	}
	if pos != 27*monthpack.SlotSize+1 {
		t.Errorf("Pack's position = %d", pos)
	}
	if got := unpackAll(t, month, one); !slices.Equal(got, []attendance.Day{last}) {
		t.Errorf("Pack's row unpacks to %+v", got)
	}
}

// TestLimits: counts that do not fit their field, and rows of the wrong
// size or with a day past the month's end, are errors, never a wrong day.
func TestLimits(t *testing.T) {
	b := make([]byte, monthpack.Size)
	for _, d := range []attendance.Day{
		{Date: date("2026-03-01"), Entries: math.MaxUint32 + 1},
		{Date: date("2026-03-01"), Entries: 1, OpenSessions: math.MaxUint32 + 1},
		{Date: date("2026-03-01"), Entries: 1, LateMinutes: math.MaxUint32 + 1},
		{Date: date("2026-03-01"), Entries: 1, LateMinutes: -1},
		{Date: date("2026-03-01"), Entries: 1, OpenSessions: -1},
	} {
		if err := monthpack.Put(b, d); err == nil {
			t.Errorf("Put(%+v) took it", d)
		}
	}
	if err := monthpack.Put(b[:monthpack.Size-1], attendance.Day{Date: date("2026-03-01"), Entries: 1}); err == nil {
		t.Error("Put into a short row took it")
	}
	if _, err := monthpack.Unpack(nil, date("2026-03-01"), b[:10], attendance.MinDate, attendance.MaxDate); err == nil {
		t.Error("Unpack of a short row took it")
	}
	// A day put into March's 31st slot does not belong to February.
	if err := monthpack.Put(b, attendance.Day{Date: date("2026-03-31"), Entries: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := monthpack.Unpack(nil, date("2026-02-01"), b, attendance.MinDate, attendance.MaxDate); err == nil ||
		!strings.Contains(err.Error(), "past the month's end") {
		t.Errorf("Unpack of February with a 31st: %v", err)
	}
}

// TestWithin: the slots Within gives of a month, unpacked alone with
// UnpackSlots, are exactly the month's days in the range, for every range
// around a month with a day on every date; Unpack of a range gives them too.
func TestWithin(t *testing.T) {
	for _, m := range []string{"2026-02-01", "2028-02-01", "2026-04-01", "2026-12-01"} {
		month := date(m)
		b := make([]byte, monthpack.Size)
		next, _ := monthpack.Month(month.AddDays(monthpack.Slots))
		for d := month; d < next; d++ {
			if err := monthpack.Put(b, attendance.Day{Date: d, Entries: 1, WorkedSeconds: int64(d)}); err != nil {
				t.Fatal(err)
			}
		}
		for first := month.AddDays(-3); first <= month.AddDays(monthpack.Slots+2); first++ {
			for last := first.AddDays(-1); last <= month.AddDays(monthpack.Slots+2); last++ {
				want := slices.DeleteFunc(unpackAll(t, month, b), func(d attendance.Day) bool { return d.Date < first || d.Date > last })
				if ranged, err := monthpack.Unpack(nil, month, b, first, last); err != nil || !slices.Equal(ranged, want) {
					t.Fatalf("%s, %s to %s: Unpack gives %v, %v; want %v", m, first, last, ranged, err, want)
				}
				from, n := monthpack.Within(month, first, last)
				got, err := monthpack.UnpackSlots(nil, month, from, b[from*monthpack.SlotSize:(from+n)*monthpack.SlotSize])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s, %s to %s: slots %d+%d give %v, want %v", m, first, last, from, n, got, want)
				}
				if len(want) > 0 && (first > month && from != int(first-month) || n > monthpack.Slots) {
					t.Fatalf("%s, %s to %s: slots %d+%d", m, first, last, from, n)
				}
			}
		}
	}
	if _, err := monthpack.UnpackSlots(nil, date("2026-02-01"), 30, make([]byte, 2*monthpack.SlotSize)); err == nil {
		t.Error("slots past the 31st unpacked")
	}
	if _, err := monthpack.UnpackSlots(nil, date("2026-02-01"), 0, make([]byte, monthpack.SlotSize+1)); err == nil {
		t.Error("a part of a slot unpacked")
	}
}
