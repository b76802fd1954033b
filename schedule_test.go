package attendance_test

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

var (
	everyDay     = attendance.NewWeekdays(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)
	sundayToThur = attendance.NewWeekdays(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday)
)

// sched returns a schedule in loc starting at start with grace minutes, on days.
func sched(loc *time.Location, start string, grace int, days attendance.Weekdays) attendance.Schedule {
	return attendance.Schedule{
		Location:  loc,
		WorkStart: hm(start),
		WorkEnd:   hm("17:00"),
		WorkDays:  days,
		LateGrace: grace,
		HiredOn:   date("2020-01-01"),
	}
}

func TestParseWeekdays(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    attendance.Weekdays
		wantErr bool
	}{
		{name: "Monday to Friday", in: []string{"mon", "tue", "wed", "thu", "fri"}, want: attendance.MondayToFriday},
		{name: "Sunday to Thursday", in: []string{"sun", "mon", "tue", "wed", "thu"}, want: sundayToThur},
		{name: "case is ignored", in: []string{"MON", "Tue"}, want: attendance.NewWeekdays(time.Monday, time.Tuesday)},
		{name: "any order", in: []string{"sat", "sun"}, want: attendance.NewWeekdays(time.Saturday, time.Sunday)},
		{name: "every day", in: []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}, want: everyDay},
		{name: "none", in: []string{}, want: 0},
		{name: "full name", in: []string{"monday"}, wantErr: true},
		{name: "unknown name", in: []string{"mon", "xyz"}, wantErr: true},
		{name: "empty name", in: []string{""}, wantErr: true},
		{name: "number", in: []string{"1"}, wantErr: true},
		{name: "padded name", in: []string{" mon"}, wantErr: true},
		{name: "duplicate", in: []string{"mon", "tue", "mon"}, wantErr: true},
		{name: "duplicate in another case", in: []string{"mon", "MON"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := attendance.ParseWeekdays(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseWeekdays(%q) = %v, nil; want an error", tt.in, got.Names())
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWeekdays(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseWeekdays(%q) = %q, want %q", tt.in, got.Names(), tt.want.Names())
			}
		})
	}
}

func TestWeekdaysNamesMondayFirst(t *testing.T) {
	tests := []struct {
		in   attendance.Weekdays
		want []string
	}{
		{attendance.MondayToFriday, []string{"mon", "tue", "wed", "thu", "fri"}},
		{sundayToThur, []string{"mon", "tue", "wed", "thu", "sun"}},
		{attendance.NewWeekdays(time.Sunday, time.Saturday, time.Monday), []string{"mon", "sat", "sun"}},
		{everyDay, []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}},
		{0, []string{}},
	}
	for _, tt := range tests {
		if got := tt.in.Names(); !slices.Equal(got, tt.want) {
			t.Errorf("Names() = %q, want %q", got, tt.want)
		}
	}
}

func TestWeekdaysJSON(t *testing.T) {
	b, err := json.Marshal(attendance.MondayToFriday)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `["mon","tue","wed","thu","fri"]`; got != want {
		t.Errorf("json.Marshal(MondayToFriday) = %s, want %s", got, want)
	}
	if b, _ := json.Marshal(attendance.Weekdays(0)); string(b) != "[]" {
		t.Errorf("json.Marshal(no days) = %s, want []", b)
	}

	// Every one of the 128 sets survives a round trip.
	for w := attendance.Weekdays(0); w < 1<<7; w++ {
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var back attendance.Weekdays
		if err := json.Unmarshal(b, &back); err != nil || back != w {
			t.Fatalf("json.Unmarshal(%s) = %q, %v; want %q", b, back.Names(), err, w.Names())
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			if got, want := back.Has(d), w&(1<<d) != 0; got != want {
				t.Fatalf("%q.Has(%v) = %v, want %v", w.Names(), d, got, want)
			}
		}
	}

	bad := []string{
		`["mon","xyz"]`,
		`["mon","mon"]`,
		`["Fri","fri"]`,
		`"mon"`,
		`[1,2]`,
		`{"mon":true}`,
	}
	for _, s := range bad {
		w := attendance.MondayToFriday
		if err := json.Unmarshal([]byte(s), &w); err == nil {
			t.Errorf("json.Unmarshal(%s) = %q, nil; want an error", s, w.Names())
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	h := attendance.Holidays{date("2026-12-25"): "Christmas", date("2026-12-26"): "Boxing Day (a Saturday)"}
	tests := []struct {
		name string
		days attendance.Weekdays
		d    string
		want bool
	}{
		{"Monday", attendance.MondayToFriday, "2026-06-15", true},
		{"Friday", attendance.MondayToFriday, "2026-06-19", true},
		{"Saturday", attendance.MondayToFriday, "2026-06-20", false},
		{"Sunday", attendance.MondayToFriday, "2026-06-21", false},
		{"holiday on a Friday", attendance.MondayToFriday, "2026-12-25", false},
		{"holiday on a Saturday", everyDay, "2026-12-26", false},
		{"Sunday in a Sunday-to-Thursday week", sundayToThur, "2026-06-21", true},
		{"Friday in a Sunday-to-Thursday week", sundayToThur, "2026-06-19", false},
		{"no work days", 0, "2026-06-15", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sched(time.UTC, "08:00", 0, tt.days)
			if got := s.IsWorkingDay(date(tt.d), h); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestWorkingDays(t *testing.T) {
	holidays := attendance.Holidays{
		date("2026-04-06"): "Easter Monday",
		date("2026-05-01"): "Labour Day (a Friday)",
		date("2026-12-25"): "Christmas (a Friday)",
		date("2026-12-26"): "Boxing Day (a Saturday)",
		date("2027-01-01"): "New Year (a Friday)",
	}
	tests := []struct {
		name        string
		days        attendance.Weekdays
		h           attendance.Holidays
		first, last string
		want        int
	}{
		{"empty range", attendance.MondayToFriday, nil, "2026-06-19", "2026-06-15", 0},
		{"one day before the other", attendance.MondayToFriday, nil, "2026-06-16", "2026-06-15", 0},
		{"single working day", attendance.MondayToFriday, nil, "2026-06-15", "2026-06-15", 1},
		{"single Saturday", attendance.MondayToFriday, nil, "2026-06-20", "2026-06-20", 0},
		{"single holiday", attendance.MondayToFriday, holidays, "2026-12-25", "2026-12-25", 0},
		{"weekend only", attendance.MondayToFriday, nil, "2026-06-20", "2026-06-21", 0},
		{"Monday to Friday", attendance.MondayToFriday, nil, "2026-06-15", "2026-06-19", 5},
		{"Monday to Sunday", attendance.MondayToFriday, nil, "2026-06-15", "2026-06-21", 5},
		{"Saturday to Saturday", attendance.MondayToFriday, nil, "2026-06-13", "2026-06-20", 5},
		{"Friday to Monday", attendance.MondayToFriday, nil, "2026-06-19", "2026-06-22", 2},
		{"Monday to the next Monday", attendance.MondayToFriday, nil, "2026-06-15", "2026-06-22", 6},
		{"Sunday-to-Thursday week", sundayToThur, nil, "2026-06-14", "2026-06-20", 5},
		{"Sunday-to-Thursday, Friday and Saturday", sundayToThur, nil, "2026-06-19", "2026-06-20", 0},
		{"Sunday-to-Thursday, Thursday to Sunday", sundayToThur, nil, "2026-06-18", "2026-06-21", 2},
		{"holiday on a work day", attendance.MondayToFriday, holidays, "2026-04-06", "2026-04-10", 4},
		{"holiday on a weekend", attendance.MondayToFriday, holidays, "2026-12-21", "2026-12-27", 4},
		{"holiday on a weekend, every day worked", everyDay, holidays, "2026-12-21", "2026-12-27", 5},
		{"holiday outside the range", attendance.MondayToFriday, holidays, "2026-06-15", "2026-06-19", 5},
		{"holiday on a non-working Friday", sundayToThur, holidays, "2026-04-26", "2026-05-02", 5},
		{"holiday on the first day", attendance.MondayToFriday, holidays, "2026-04-06", "2026-04-06", 0},
		{"holiday on the last day", attendance.MondayToFriday, holidays, "2026-04-01", "2026-04-06", 3},
		// Mon 28, Tue 29, Wed 30, Thu 31; Fri 1 January is a holiday.
		{"year end", attendance.MondayToFriday, holidays, "2026-12-28", "2027-01-03", 4},
		// 2026 starts on a Thursday: 52 weeks and one Thursday.
		{"year 2026", attendance.MondayToFriday, nil, "2026-01-01", "2026-12-31", 261},
		// Minus Easter Monday, Labour Day and Christmas; Boxing Day is a Saturday.
		{"year 2026 with holidays", attendance.MondayToFriday, holidays, "2026-01-01", "2026-12-31", 258},
		{"year 2026 Sunday to Thursday", sundayToThur, nil, "2026-01-01", "2026-12-31", 261},
		// 2024 is a leap year starting on a Monday: 52 weeks, a Monday and a Tuesday.
		{"leap year 2024", attendance.MondayToFriday, nil, "2024-01-01", "2024-12-31", 262},
		// 2028 is a leap year starting on a Saturday: 52 weeks, a Saturday and a Sunday.
		{"leap year 2028", attendance.MondayToFriday, nil, "2028-01-01", "2028-12-31", 260},
		{"no work days", 0, nil, "2026-01-01", "2026-12-31", 0},
		{"every day", everyDay, nil, "2026-01-01", "2026-12-31", 365},
		{"every day with holidays", everyDay, holidays, "2026-01-01", "2026-12-31", 361},
		// 2000-01-03 is a Monday and 2099-12-27 a Sunday: 5217 whole weeks.
		{"a century of whole weeks", attendance.MondayToFriday, nil, "2000-01-03", "2099-12-27", 5217 * 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sched(time.UTC, "08:00", 0, tt.days)
			first, last := date(tt.first), date(tt.last)
			got := s.WorkingDays(first, last, tt.h)
			if got != tt.want {
				t.Errorf("WorkingDays(%s, %s) = %d, want %d", tt.first, tt.last, got, tt.want)
			}
			if brute := bruteWorkingDays(tt.days, tt.h, first, last); brute != tt.want {
				t.Errorf("counting day by day gives %d, the table says %d: fix the table", brute, tt.want)
			}
		})
	}
}

// TestWorkingDaysMatchesCountingDays compares WorkingDays with counting one
// date at a time over many ranges, work weeks and holiday lists.
func TestWorkingDaysMatchesCountingDays(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 6))
	base := date("1999-12-25")
	for i := range 5000 {
		days := attendance.Weekdays(rng.IntN(1 << 7))
		h := attendance.Holidays{}
		for range rng.IntN(40) {
			h[base.AddDays(rng.IntN(12000))] = "holiday"
		}
		first := base.AddDays(rng.IntN(11000))
		var last attendance.Date
		switch i % 4 {
		case 0: // short
			last = first.AddDays(rng.IntN(15) - 1)
		case 1: // around a year
			last = first.AddDays(300 + rng.IntN(130))
		case 2: // long
			last = first.AddDays(rng.IntN(3000))
		default: // reversed or empty
			last = first.AddDays(-rng.IntN(10) - 1)
		}
		s := sched(time.UTC, "08:00", 0, days)
		got := s.WorkingDays(first, last, h)
		want := bruteWorkingDays(days, h, first, last)
		if got != want {
			t.Fatalf("WorkingDays(%v, %v) with days %q and %d holidays = %d, want %d", first, last, days.Names(), len(h), got, want)
		}
	}
}

func TestLateness(t *testing.T) {
	berlinMF := sched(berlin, "08:00", 5, attendance.MondayToFriday)
	berlinNoGrace := sched(berlin, "08:00", 0, attendance.MondayToFriday)
	berlinNight := sched(berlin, "01:00", 0, everyDay)
	berlinSkipped := sched(berlin, "02:30", 0, everyDay)
	nyMF := sched(newYork, "08:00", 0, attendance.MondayToFriday)
	nyNight := sched(newYork, "01:00", 0, everyDay)
	nyMidnight := sched(newYork, "00:30", 0, everyDay)
	aucklandMF := sched(auckland, "08:00", 0, attendance.MondayToFriday)
	utcMF := sched(time.UTC, "08:00", 0, attendance.MondayToFriday)
	utcSunThu := sched(time.UTC, "08:00", 0, sundayToThur)

	tests := []struct {
		name        string
		s           attendance.Schedule
		h           attendance.Holidays
		t           time.Time
		onLeave     bool
		wantLate    bool
		wantMinutes int
	}{
		{name: "early", s: berlinMF, t: at(berlin, "2026-06-15 07:55")},
		{name: "exactly at the start", s: berlinMF, t: at(berlin, "2026-06-15 08:00")},
		{name: "within the grace", s: berlinMF, t: at(berlin, "2026-06-15 08:03")},
		{name: "exactly at start plus grace", s: berlinMF, t: at(berlin, "2026-06-15 08:05")},
		{name: "start plus grace and 59 seconds", s: berlinMF, t: at(berlin, "2026-06-15 08:05:59")},
		{name: "one minute after start plus grace", s: berlinMF, t: at(berlin, "2026-06-15 08:06"), wantLate: true, wantMinutes: 6},
		{name: "minutes count from the start, not the grace", s: berlinMF, t: at(berlin, "2026-06-15 09:00"), wantLate: true, wantMinutes: 60},
		{name: "08:00:59 is on time (compared to the minute)", s: berlinNoGrace, t: at(berlin, "2026-06-15 08:00:59")},
		{name: "08:01 is late with no grace", s: berlinNoGrace, t: at(berlin, "2026-06-15 08:01"), wantLate: true, wantMinutes: 1},
		{name: "08:01:59 is one minute late", s: berlinNoGrace, t: at(berlin, "2026-06-15 08:01:59"), wantLate: true, wantMinutes: 1},
		{name: "last minute of the day", s: berlinNoGrace, t: at(berlin, "2026-06-15 23:59"), wantLate: true, wantMinutes: 959},
		{name: "just after midnight", s: berlinNoGrace, t: at(berlin, "2026-06-16 00:01")},

		// Europe/Berlin springs forward on Sunday 2026-03-29 (02:00 CET -> 03:00 CEST).
		{name: "Berlin: Friday before spring forward (CET)", s: berlinNoGrace, t: utc("2026-03-27 07:20"), wantLate: true, wantMinutes: 20},
		{name: "Berlin: Monday after spring forward (CEST)", s: berlinNoGrace, t: utc("2026-03-30 06:20"), wantLate: true, wantMinutes: 20},
		// Start 01:00 CET = 00:00Z; entry 04:00 CEST = 02:00Z: 120 real minutes (the clock shows 180).
		{name: "Berlin: over the spring-forward gap", s: berlinNight, t: utc("2026-03-29 02:00"), wantLate: true, wantMinutes: 120},
		// 02:30 does not exist that night: the start moves forward to 03:30 CEST = 01:30Z.
		{name: "Berlin: start in the gap, entry at the moved start", s: berlinSkipped, t: utc("2026-03-29 01:30")},
		{name: "Berlin: start in the gap, one minute after", s: berlinSkipped, t: utc("2026-03-29 01:31"), wantLate: true, wantMinutes: 1},
		// Europe/Berlin falls back on Sunday 2026-10-25 (03:00 CEST -> 02:00 CET).
		// Start 01:00 CEST = 23:00Z the day before; entry 04:00 CET = 03:00Z: 240 real minutes (the clock shows 180).
		{name: "Berlin: over the fall-back repeat", s: berlinNight, t: utc("2026-10-25 03:00"), wantLate: true, wantMinutes: 240},
		{name: "Berlin: Friday before fall back (CEST)", s: berlinNoGrace, t: utc("2026-10-23 06:10"), wantLate: true, wantMinutes: 10},
		{name: "Berlin: Monday after fall back (CET)", s: berlinNoGrace, t: utc("2026-10-26 07:10"), wantLate: true, wantMinutes: 10},
		{name: "Berlin: Monday after fall back, on time", s: berlinNoGrace, t: utc("2026-10-26 07:00")},

		// America/New_York springs forward on Sunday 2026-03-08 (02:00 EST -> 03:00 EDT).
		{name: "New York: Friday before spring forward (EST)", s: nyMF, t: utc("2026-03-06 13:15"), wantLate: true, wantMinutes: 15},
		{name: "New York: Monday after spring forward (EDT)", s: nyMF, t: utc("2026-03-09 12:15"), wantLate: true, wantMinutes: 15},
		{name: "New York: Monday after spring forward, on time", s: nyMF, t: utc("2026-03-09 12:00")},
		// Start 01:00 EST = 06:00Z; entry 03:30 EDT = 07:30Z: 90 real minutes (the clock shows 150).
		{name: "New York: over the spring-forward gap", s: nyNight, t: utc("2026-03-08 07:30"), wantLate: true, wantMinutes: 90},
		// America/New_York falls back on Sunday 2026-11-01 (02:00 EDT -> 01:00 EST).
		// Start 00:30 EDT = 04:30Z; entry 01:30 EST = 06:30Z: 120 real minutes (the clock shows 60).
		{name: "New York: over the fall-back repeat", s: nyMidnight, t: utc("2026-11-01 06:30"), wantLate: true, wantMinutes: 120},
		{name: "New York: Friday before fall back (EDT)", s: nyMF, t: utc("2026-10-30 12:10"), wantLate: true, wantMinutes: 10},
		{name: "New York: Monday after fall back (EST)", s: nyMF, t: utc("2026-11-02 13:10"), wantLate: true, wantMinutes: 10},
		{name: "New York: Monday after fall back, 08:00 EST is on time", s: nyMF, t: utc("2026-11-02 13:00")},

		// Pacific/Auckland is UTC+12 in June (NZST) and UTC+13 in January (NZDT).
		{name: "Auckland: 23:59 on a Monday", s: aucklandMF, t: at(auckland, "2026-06-15 23:59"), wantLate: true, wantMinutes: 959},
		{name: "UTC: the same instant is 11:59", s: utcMF, t: at(auckland, "2026-06-15 23:59"), wantLate: true, wantMinutes: 239},
		{name: "Auckland: 23:59 in summer time", s: aucklandMF, t: at(auckland, "2026-01-12 23:59"), wantLate: true, wantMinutes: 959},
		{name: "UTC: the same summer instant is 10:59", s: utcMF, t: at(auckland, "2026-01-12 23:59"), wantLate: true, wantMinutes: 179},
		{name: "Auckland: Monday 09:00", s: aucklandMF, t: at(auckland, "2026-06-15 09:00"), wantLate: true, wantMinutes: 60},
		{name: "UTC: the same instant is Sunday", s: utcMF, t: at(auckland, "2026-06-15 09:00")},
		{name: "Auckland: Saturday 00:30", s: aucklandMF, t: at(auckland, "2026-06-20 00:30")},
		{name: "UTC: the same instant is Friday 12:30", s: utcMF, t: at(auckland, "2026-06-20 00:30"), wantLate: true, wantMinutes: 270},

		{name: "holiday", s: berlinMF, h: attendance.Holidays{date("2026-06-15"): "holiday"}, t: at(berlin, "2026-06-15 11:00")},
		{name: "holiday on another date", s: berlinMF, h: attendance.Holidays{date("2026-06-16"): "holiday"}, t: at(berlin, "2026-06-15 11:00"), wantLate: true, wantMinutes: 180},
		// The holiday is the employee's local date: Tuesday in Auckland, still Monday in UTC.
		{name: "Auckland: holiday on the local date", s: aucklandMF, h: attendance.Holidays{date("2026-06-16"): "holiday"}, t: at(auckland, "2026-06-16 09:00")},
		{name: "UTC: holiday is tomorrow", s: utcMF, h: attendance.Holidays{date("2026-06-16"): "holiday"}, t: at(auckland, "2026-06-16 09:00"), wantLate: true, wantMinutes: 780},
		{name: "Saturday", s: berlinMF, t: at(berlin, "2026-06-20 11:00")},
		{name: "Sunday", s: berlinMF, t: at(berlin, "2026-06-21 11:00")},
		{name: "Sunday in a Sunday-to-Thursday week", s: utcSunThu, t: utc("2026-06-14 09:00"), wantLate: true, wantMinutes: 60},
		{name: "Friday in a Sunday-to-Thursday week", s: utcSunThu, t: utc("2026-06-19 09:00")},
		{name: "on leave", s: berlinMF, t: at(berlin, "2026-06-15 11:00"), onLeave: true},
		{name: "on leave and on time", s: berlinMF, t: at(berlin, "2026-06-15 08:00"), onLeave: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			late, minutes := tt.s.Lateness(tt.t, tt.h, tt.onLeave)
			if late != tt.wantLate || minutes != tt.wantMinutes {
				t.Errorf("Lateness(%v) = %v, %d; want %v, %d", tt.t.In(tt.s.Location), late, minutes, tt.wantLate, tt.wantMinutes)
			}
		})
	}
}

// TestLatenessRealElapsedMinutes checks, for every minute of the DST-change
// weeks, that late minutes are the real minutes elapsed since the work start.
func TestLatenessRealElapsedMinutes(t *testing.T) {
	tests := []struct {
		name  string
		loc   *time.Location
		first string // a Monday; the week runs to the Sunday of the change
	}{
		{"Berlin spring forward", berlin, "2026-03-23"},
		{"Berlin fall back", berlin, "2026-10-19"},
		{"New York spring forward", newYork, "2026-03-02"},
		{"New York fall back", newYork, "2026-10-26"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sched(tt.loc, "00:30", 10, everyDay)
			for i := range 8 {
				d := date(tt.first).AddDays(i)
				start := s.StartOf(d)
				for m := 0; m < 20*60; m += 7 {
					entry := start.Add(time.Duration(m)*time.Minute + 30*time.Second)
					if attendance.DateOf(entry.In(tt.loc)) != d {
						continue
					}
					late, got := s.Lateness(entry, nil, false)
					if wantLate := m > 10; late != wantLate || (late && got != m) {
						t.Fatalf("Lateness(%v) = %v, %d; want %v, %d", entry, late, got, wantLate, m)
					}
				}
			}
		})
	}
}

func TestStartOfAndNotArrivedDeadline(t *testing.T) {
	tests := []struct {
		name         string
		s            attendance.Schedule
		d            string
		wantStart    time.Time
		wantDeadline time.Time
	}{
		{"UTC, no grace", sched(time.UTC, "08:00", 0, attendance.MondayToFriday), "2026-06-15", utc("2026-06-15 08:00"), utc("2026-06-15 08:30")},
		{"Berlin winter, grace 5", sched(berlin, "08:00", 5, attendance.MondayToFriday), "2026-03-27", utc("2026-03-27 07:00"), utc("2026-03-27 07:35")},
		{"Berlin summer, grace 5", sched(berlin, "08:00", 5, attendance.MondayToFriday), "2026-03-30", utc("2026-03-30 06:00"), utc("2026-03-30 06:35")},
		{"New York after fall back, grace 10", sched(newYork, "08:00", 10, attendance.MondayToFriday), "2026-11-02", utc("2026-11-02 13:00"), utc("2026-11-02 13:40")},
		{"Auckland", sched(auckland, "09:15", 0, attendance.MondayToFriday), "2026-06-15", utc("2026-06-14 21:15"), utc("2026-06-14 21:45")},
		{"the longest grace", sched(time.UTC, "08:00", 720, attendance.MondayToFriday), "2026-06-15", utc("2026-06-15 08:00"), utc("2026-06-15 20:30")},
		// Start 01:45 EST = 06:45Z; 30 real minutes later the clock shows 03:15 EDT.
		{"New York over the gap", sched(newYork, "01:45", 0, everyDay), "2026-03-08", utc("2026-03-08 06:45"), utc("2026-03-08 07:15")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.StartOf(date(tt.d)); !got.Equal(tt.wantStart) {
				t.Errorf("StartOf(%s) = %v, want %v", tt.d, got.UTC(), tt.wantStart)
			}
			if got := tt.s.NotArrivedDeadline(date(tt.d)); !got.Equal(tt.wantDeadline) {
				t.Errorf("NotArrivedDeadline(%s) = %v, want %v", tt.d, got.UTC(), tt.wantDeadline)
			}
		})
	}
}

func TestScheduleLocalDate(t *testing.T) {
	instant := utc("2026-06-15 22:30")
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "2026-06-15"},
		{berlin, "2026-06-16"},
		{newYork, "2026-06-15"},
		{auckland, "2026-06-16"},
	}
	for _, tt := range tests {
		s := sched(tt.loc, "08:00", 0, attendance.MondayToFriday)
		if got := s.LocalDate(instant); got != date(tt.want) {
			t.Errorf("LocalDate(%v) in %v = %v, want %s", instant, tt.loc, got, tt.want)
		}
		if got := s.Today(instant); got != date(tt.want) {
			t.Errorf("Today(%v) in %v = %v, want %s", instant, tt.loc, got, tt.want)
		}
	}
}
