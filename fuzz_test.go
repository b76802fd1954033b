package attendance_test

import (
	"encoding/json"
	"errors"
	"math/bits"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// Fuzz targets for the pure rules: parsing never panics and accepts only what
// it can write back; the date and time rules hold for any zone, instant and
// schedule.

// fzZones are zones with awkward clocks: daylight saving at midnight, half-
// and quarter-hour offsets, a skipped calendar day (Samoa, 2011-12-30),
// negative DST (Dublin), +14 and -11.
var fzZones = []string{
	"UTC", "Europe/Berlin", "America/New_York", "Pacific/Auckland", "Asia/Kathmandu", "Australia/Lord_Howe",
	"America/Santiago", "America/Havana", "Asia/Beirut", "America/Sao_Paulo", "Pacific/Apia", "Pacific/Kiritimati",
	"Pacific/Pago_Pago", "Africa/Casablanca", "Asia/Tehran", "America/St_Johns", "Antarctica/Troll", "Europe/Dublin",
	"Pacific/Chatham", "America/Godthab",
}

func fzZone(t *testing.T, i uint8) *time.Location {
	t.Helper()
	loc, err := attendance.LoadLocation(fzZones[int(i)%len(fzZones)])
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// fzDate maps any number onto a date from 1900 to 2199.
func fzDate(n int32) attendance.Date {
	const first, span = -25567, 109572 // 1900-01-01, days to 2200-01-01
	v := int(n) % span
	if v < 0 {
		v += span
	}
	return attendance.Date(first + v)
}

// fzExists reports whether the date d occurs on the clocks of loc (Samoa skipped one).
func fzExists(d attendance.Date, loc *time.Location) bool {
	start := time.Unix(int64(d)*86400, 0).Add(-15 * time.Hour)
	for h := 0; h < 54; h++ {
		if attendance.DateOf(start.Add(time.Duration(h)*time.Hour).In(loc)) == d {
			return true
		}
	}
	return false
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-02", "2024-02-29", "2026-02-29", "0000-01-01", "9999-12-31", "1970-01-01",
		"2026-13-01", "2026-00-10", "2026-02-30", "2026-04-31", "2000-02-29", "1900-02-29", "0000-02-29", "2026-11-00", "2026-1-2", "26-11-02", "2026/11/02", "+026-11-02", "-001-01-01", "2026-11-02T00:00:00Z",
		" 2026-11-0", "２０２６-11-02", "", "\xff\xfe", "2026-11-02\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := attendance.ParseDate(s)
		var u attendance.Date
		uerr := u.UnmarshalText([]byte(s))
		if (err == nil) != (uerr == nil) || u != d {
			t.Fatalf("ParseDate(%q) = %v, %v but UnmarshalText = %v, %v", s, d, err, u, uerr)
		}
		if _, terr := time.Parse(attendance.DateLayout, s); (terr == nil) != (err == nil) && len(s) == len(attendance.DateLayout) {
			t.Fatalf("ParseDate(%q): %v, but time.Parse: %v", s, err, terr)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "YYYY-MM-DD") {
				t.Errorf("ParseDate(%q): error %q does not say the form", s, err)
			}
			return
		}
		// Accepted means written back exactly: one spelling per date.
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q) = %v, which is written %q", s, int32(d), got)
		}
		if b, _ := d.MarshalText(); string(b) != s {
			t.Fatalf("MarshalText(ParseDate(%q)) = %q", s, b)
		}
		tm, terr := time.Parse(attendance.DateLayout, s)
		if terr != nil || attendance.DateOf(tm) != d || d.Year() != tm.Year() || d.Weekday() != tm.Weekday() {
			t.Fatalf("ParseDate(%q) = %v (year %d, %s) but time.Parse = %v, %v", s, d, d.Year(), d.Weekday(), tm, terr)
		}
		if y := d.Year(); y < 0 || y > 9999 {
			t.Fatalf("ParseDate(%q) is in year %d", s, y)
		}
	})
}

func FuzzDateArithmetic(f *testing.F) {
	f.Add(int32(0), int32(1), uint8(0))
	f.Add(int32(20454), int32(-365), uint8(10)) // 2026-01-01 in Samoa
	f.Add(int32(15338), int32(1), uint8(10))    // 2011-12-29 in Samoa
	f.Add(int32(-25567), int32(109571), uint8(6))
	f.Fuzz(func(t *testing.T, n, k int32, zone uint8) {
		d := fzDate(n)
		loc := fzZone(t, zone)
		s := d.String()
		if p, err := attendance.ParseDate(s); err != nil || p != d {
			t.Fatalf("ParseDate(%v.String() = %q) = %v, %v", int32(d), s, p, err)
		}
		utc := time.Unix(int64(d)*86400, 0).UTC()
		if d.Weekday() != utc.Weekday() || d.Year() != utc.Year() {
			t.Fatalf("%s: weekday %s year %d, want %s %d", s, d.Weekday(), d.Year(), utc.Weekday(), utc.Year())
		}
		step := int(k % 1000)
		if got := d.AddDays(step).AddDays(-step); got != d {
			t.Fatalf("%s + %d - %d = %s", s, step, step, got)
		}
		first, last := attendance.YearBounds(d.Year())
		if d < first || d > last || first.String()[5:] != "01-01" || last.String()[5:] != "12-31" {
			t.Fatalf("%s not within its year %s..%s", s, first, last)
		}
		if fzExists(d, loc) {
			if got := attendance.DateOf(d.In(loc)); got != d {
				t.Fatalf("%s.In(%s) = %s, on %s", s, loc, d.In(loc), got)
			}
		}
	})
}

func FuzzParseTimeOfDay(f *testing.F) {
	for _, s := range []string{"08:00", "00:00", "23:59", "24:00", "12:60", "8:00", "08:0", "+8:00", "08:+1", "-1:00",
		"08-00", " 8:00", "08:00:00", "０８:00", "", "\xff:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tod, err := attendance.ParseTimeOfDay(s)
		var u attendance.TimeOfDay
		if uerr := u.UnmarshalText([]byte(s)); (err == nil) != (uerr == nil) || u != tod {
			t.Fatalf("ParseTimeOfDay(%q) = %v, %v but UnmarshalText = %v, %v", s, tod, err, u, uerr)
		}
		if err != nil {
			return
		}
		if tod < 0 || tod >= 24*60 {
			t.Fatalf("ParseTimeOfDay(%q) = %d minutes", s, tod)
		}
		if got := tod.String(); got != s {
			t.Fatalf("ParseTimeOfDay(%q) is written %q", s, got)
		}
	})
}

func FuzzWeekdays(f *testing.F) {
	for _, s := range []string{`["mon","tue","wed","thu","fri"]`, `[]`, `null`, `["MON","Sun"]`, `["mon","mon"]`, `["mon","MON"]`,
		`["funday"]`, `[1]`, `"mon"`, `{}`, `["sat","sun","mon","tue","wed","thu","fri"]`, `[null]`, `["mon",`, `["m\u006fn"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var w attendance.Weekdays
		if err := json.Unmarshal(b, &w); err != nil {
			return
		}
		if w >= 1<<7 {
			t.Fatalf("%s: %08b has a bit beyond Saturday", b, w)
		}
		names := w.Names()
		if len(names) != bits.OnesCount8(uint8(w)) {
			t.Fatalf("%s: names %v for %07b", b, names, w)
		}
		order := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
		if !slices.IsSortedFunc(names, func(x, y string) int { return slices.Index(order, x) - slices.Index(order, y) }) {
			t.Fatalf("%s: names %v are not Monday first", b, names)
		}
		out, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var back attendance.Weekdays
		if err := json.Unmarshal(out, &back); err != nil || back != w {
			t.Fatalf("%s: round trip %s = %07b, %v; want %07b", b, out, back, err, w)
		}
		// Accepted lists name each day once (in any case), and ParseWeekdays agrees.
		var in []string
		if json.Unmarshal(b, &in) == nil && in != nil {
			p, err := attendance.ParseWeekdays(in)
			if err != nil || p != w || len(in) != len(names) {
				t.Fatalf("%s: ParseWeekdays = %07b, %v; UnmarshalJSON = %07b", b, p, err, w)
			}
		}
	})
}

// fzSchedule builds a schedule from fuzz values.
func fzSchedule(t *testing.T, zone uint8, start, grace int16, days uint8) attendance.Schedule {
	mod := func(v, m int) int { return (v%m + m) % m }
	return attendance.Schedule{
		Location:  fzZone(t, zone),
		WorkStart: attendance.TimeOfDay(mod(int(start), 24*60)),
		WorkEnd:   attendance.TimeOfDay(mod(int(start)+480, 24*60)),
		WorkDays:  attendance.Weekdays(days & 0x7f),
		LateGrace: mod(int(grace), 721),
		HiredOn:   attendance.MustParseDate("1900-01-01"),
	}
}

func FuzzLateness(f *testing.F) {
	f.Add(uint8(0), int64(1780300800), int16(480), int16(0), uint8(0x3e), false, int8(0))
	f.Add(uint8(6), int64(1757217600), int16(0), int16(5), uint8(0x7f), false, int8(0))     // Santiago, DST at midnight
	f.Add(uint8(10), int64(1325152800), int16(1439), int16(0), uint8(0x7f), false, int8(1)) // Samoa skips a day
	f.Add(uint8(1), int64(1774746000), int16(150), int16(30), uint8(0x7f), true, int8(0))   // Berlin, spring forward
	f.Add(uint8(17), int64(-1), int16(-1), int16(-1), uint8(0xff), false, int8(-1))
	f.Fuzz(func(t *testing.T, zone uint8, unix int64, start, grace int16, days uint8, onLeave bool, holiday int8) {
		const lo, hi = -2208988800, 7258118400 // 1900 to 2200
		unix = lo + (unix%(hi-lo)+(hi-lo))%(hi-lo)
		s := fzSchedule(t, zone, start, grace, days)
		at := time.Unix(unix, int64(uint64(unix)%1e9))
		d := s.LocalDate(at)
		h := attendance.Holidays{d.AddDays(int(holiday % 3)): "holiday"}

		late, minutes := s.Lateness(at, h, onLeave)
		startAt := s.StartOf(d)
		if got := attendance.DateOf(startAt.In(s.Location)); got != d {
			t.Fatalf("the work start of %s in %s is %s, on %s", d, s.Location, startAt, got)
		}
		elapsed := int(at.Sub(startAt) / time.Minute)
		wantLate := !onLeave && s.IsWorkingDay(d, h) && elapsed > s.LateGrace
		switch {
		case late != wantLate:
			t.Fatalf("Lateness(%s in %s, start %s, grace %d, days %v, leave %v) = %v, want %v (elapsed %d)",
				at, s.Location, s.WorkStart, s.LateGrace, s.WorkDays.Names(), onLeave, late, wantLate, elapsed)
		case late && (minutes <= s.LateGrace || minutes != elapsed):
			t.Fatalf("late by %d minutes with grace %d and %d elapsed", minutes, s.LateGrace, elapsed)
		case !late && minutes != 0:
			t.Fatalf("on time but %d late minutes", minutes)
		}
		if dl := s.NotArrivedDeadline(d); !dl.Equal(startAt.Add(time.Duration(s.LateGrace+30) * time.Minute)) {
			t.Fatalf("deadline %s, start %s, grace %d", dl, startAt, s.LateGrace)
		}
	})
}

func FuzzLeaveCost(f *testing.F) {
	f.Add(uint8(0x3e), int32(20514), int16(4), false, uint8(0), int16(2), int16(40))
	f.Add(uint8(0x3e), int32(20514), int16(0), true, uint8(1), int16(0), int16(0))
	f.Add(uint8(0x41), int32(20514), int16(-3), false, uint8(2), int16(1), int16(1))
	f.Add(uint8(0x00), int32(20818), int16(5), false, uint8(3), int16(0), int16(0))
	f.Add(uint8(0x7f), int32(20818), int16(380), true, uint8(0), int16(100), int16(-1))
	f.Fuzz(func(t *testing.T, days uint8, start int32, span int16, half bool, typ uint8, hol1, hol2 int16) {
		s := fzSchedule(t, 0, 480, 0, days)
		first := fzDate(start)
		last := first.AddDays(int(span % 800))
		h := attendance.Holidays{first.AddDays(int(hol1 % 400)): "a", first.AddDays(int(hol2 % 400)): "b"}
		lt := []attendance.LeaveType{attendance.LeaveAnnual, attendance.LeaveSick, attendance.LeaveUnpaid, "holiday"}[typ%4]
		in := attendance.LeaveInput{LeaveType: lt, StartDate: first, EndDate: last, HalfDay: half}

		cost, err := attendance.LeaveCost(s, h, in)
		working := 0
		for d := first; d <= last; d++ {
			if s.IsWorkingDay(d, h) {
				working++
			}
		}
		if first <= last {
			if got := s.WorkingDays(first, last, h); got != working {
				t.Fatalf("WorkingDays(%s, %s) = %d, counted %d (days %v, holidays %v)", first, last, got, working, s.WorkDays.Names(), h)
			}
		}
		valid := lt.Valid() && first <= last && first.Year() == last.Year() && (!half || first == last) && working > 0
		if err != nil {
			var e *attendance.Error
			if !errors.As(err, &e) || e.Kind != attendance.KindInvalid || len(e.Fields) == 0 {
				t.Fatalf("LeaveCost(%+v) = %v: want a validation error naming a field", in, err)
			}
			if valid {
				t.Fatalf("LeaveCost(%+v) = %v, want %d days", in, err, working)
			}
			return
		}
		if !valid {
			t.Fatalf("LeaveCost(%+v) = %g, want an error (type %q, %d working days)", in, cost, lt, working)
		}
		want := float64(working)
		if half {
			want = 0.5
		}
		if cost != want {
			t.Fatalf("LeaveCost(%+v) = %g, want %g", in, cost, want)
		}
	})
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte{10, 200, 30, 40, 5, 5, 250, 1}, []byte{3, 2, 1}, uint8(0), int32(20514), uint8(20), uint8(10), uint8(0x3e), int16(480), int16(5))
	f.Add([]byte{0, 0, 0, 0}, []byte{}, uint8(6), int32(20300), uint8(60), uint8(100), uint8(0x7f), int16(0), int16(0))
	f.Add([]byte{255, 255, 1, 1, 128, 7}, []byte{0, 9, 200}, uint8(10), int32(15330), uint8(15), uint8(5), uint8(0x41), int16(1439), int16(720))
	f.Fuzz(func(t *testing.T, steps, leaves []byte, zone uint8, start int32, span, todayAt uint8, days uint8, workStart, grace int16) {
		s := fzSchedule(t, zone, workStart, grace, days)
		first := fzDate(start)
		last := first.AddDays(int(span % 62))
		today := first.AddDays(int(todayAt%90) - 10)
		s.HiredOn = first.AddDays(int(span%7) - 3)
		if todayAt%5 == 0 {
			until := first.AddDays(int(todayAt % 40))
			s.Until = &until
		}
		h := attendance.Holidays{first.AddDays(int(todayAt % 11)): "holiday"}

		// Approved and other requests over the range.
		var requests []attendance.LeaveRequest
		for i := 0; i+1 < len(leaves) && i < 20; i += 2 {
			from := first.AddDays(int(leaves[i]%70) - 5)
			r := attendance.LeaveRequest{StartDate: from, EndDate: from.AddDays(int(leaves[i+1] % 4)), Status: attendance.LeaveApproved}
			if leaves[i+1]%5 == 0 {
				r.HalfDay, r.EndDate = true, from
			}
			if leaves[i]%7 == 0 {
				r.Status = attendance.LeaveRejected
			}
			requests = append(requests, r)
		}
		leave := attendance.ApprovedLeaveDays(s, h, first, last, requests)

		// A valid history: alternating entries and exits in time order, the first
		// entry of each date carrying its lateness.
		var events []attendance.AttendanceEvent
		at := first.In(s.Location).Add(-12 * time.Hour)
		seen := map[attendance.Date]bool{}
		for i, b := range steps {
			if i >= 200 {
				break
			}
			at = at.Add(time.Duration(int(b)*11+1) * time.Minute)
			e := attendance.AttendanceEvent{Type: attendance.Entry, Timestamp: at}
			if i%2 == 1 {
				e.Type = attendance.Exit
			}
			if d := s.LocalDate(at); e.Type == attendance.Entry && !seen[d] {
				seen[d] = true
				e.Late, e.LateMinutes = s.Lateness(at, h, leave[d] > 0)
			}
			events = append(events, e)
		}
		dayList := attendance.BuildDays(s.Location, events)
		got := attendance.Summarize(s, h, first, last, today, dayList, leave)

		// The same by brute force, date by date.
		byDate := map[attendance.Date]attendance.Day{}
		for _, d := range dayList {
			if _, dup := byDate[d.Date]; dup {
				t.Fatalf("BuildDays returned %s twice", d.Date)
			}
			byDate[d.Date] = d
		}
		var want attendance.OverviewTotals
		absentTo := min(last, today.AddDays(-1))
		if s.Until != nil {
			absentTo = min(absentTo, *s.Until)
		}
		for d := first; d <= last; d++ {
			day, ok := byDate[d]
			present := ok && day.Present()
			if present {
				want.DaysPresent++
			}
			if ok && day.Late {
				want.LateEntries++
				want.LateMinutes += day.LateMinutes
			}
			if ok {
				want.WorkedSeconds += day.WorkedSeconds
				want.OpenSessions += day.OpenSessions
			}
			want.LeaveDays += leave[d]
			if d >= s.HiredOn && d <= absentTo && s.IsWorkingDay(d, h) && !present && leave[d] == 0 {
				want.AbsentDays++
			}
		}
		want.WorkedHours = attendance.Hours(want.WorkedSeconds)
		if got != want {
			t.Fatalf("Summarize = %+v\nwant        %+v\n(first %s last %s today %s hired %s until %v)", got, want, first, last, today, s.HiredOn, s.Until)
		}
		if got.AbsentDays < 0 || got.WorkedSeconds < 0 || got.LateEntries > got.DaysPresent || got.LeaveDays > float64(last-first+1) {
			t.Fatalf("impossible totals %+v", got)
		}
		if got.LateEntries > 0 && got.LateMinutes <= s.LateGrace*got.LateEntries {
			t.Fatalf("%d late entries for %d minutes with grace %d", got.LateEntries, got.LateMinutes, s.LateGrace)
		}
	})
}
