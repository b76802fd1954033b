package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// The domain's hot rules, without any database.

func benchSchedule(b *testing.B) attendance.Schedule {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	return attendance.Schedule{Location: loc, WorkStart: 8 * 60, WorkEnd: 17 * 60, WorkDays: attendance.MondayToFriday, LateGrace: 5}
}

// BenchmarkLateness decides whether an entry is late.
func BenchmarkLateness(b *testing.B) {
	s := benchSchedule(b)
	h := attendance.Holidays{attendance.MustParseDate("2026-12-25"): "Christmas"}
	t := time.Date(2026, 11, 3, 7, 20, 0, 0, time.UTC)
	for b.Loop() {
		if late, _ := s.Lateness(t, h, false); !late {
			b.Fatal("not late")
		}
	}
}

// BenchmarkWorkingDaysYear counts the working days of a year with holidays.
func BenchmarkWorkingDaysYear(b *testing.B) {
	s := benchSchedule(b)
	h := attendance.Holidays{}
	for _, d := range []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26"} {
		h[attendance.MustParseDate(d)] = ""
	}
	first, last := attendance.YearBounds(2026)
	for b.Loop() {
		if n := s.WorkingDays(first, last, h); n != 256 {
			b.Fatalf("working days = %d", n)
		}
	}
}

// BenchmarkSummarizeYear sums up a year of one employee's days: the
// overview's work per employee.
func BenchmarkSummarizeYear(b *testing.B) {
	s := benchSchedule(b)
	first, last := attendance.YearBounds(2026)
	var days []attendance.Day
	for d := first; d <= last; d++ {
		if s.IsWorkingDay(d, nil) && int(d)%17 != 0 {
			days = append(days, attendance.Day{Date: d, Entries: 1, Late: int(d)%7 == 0, LateMinutes: 12, WorkedSeconds: 8 * 3600})
		}
	}
	leave := attendance.LeaveDays{attendance.MustParseDate("2026-08-03"): 1, attendance.MustParseDate("2026-08-04"): 0.5}
	today := attendance.MustParseDate("2027-01-10")
	for b.Loop() {
		t := attendance.Summarize(s, nil, first, last, today, days, leave)
		if t.DaysPresent == 0 {
			b.Fatal("nothing summed")
		}
	}
}

var dateSink attendance.Date

// BenchmarkParseDate: the store reads a date for every row of the overview.
func BenchmarkParseDate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		dateSink, _ = attendance.ParseDate("2026-11-26")
	}
}

// BenchmarkSummarizeWorkYear sums up a year of one employee's work dates with
// a shift pattern, the break rule and the weekly figures: the overview's work
// per employee with shifts in play.
func BenchmarkSummarizeWorkYear(b *testing.B) {
	s := benchSchedule(b)
	sh := s.LegacyShift()
	s = s.Migrated(&sh)
	first, last := attendance.YearBounds(2026)
	var days []attendance.Day
	for d := first; d <= last; d++ {
		if s.IsWorkingDay(d, nil) && int(d)%17 != 0 {
			days = append(days, attendance.Day{Date: d, Entries: 2, Late: int(d)%7 == 0, LateMinutes: 12, WorkedSeconds: 8 * 3600, BreakSeconds: 1800})
		}
	}
	leave := attendance.LeaveDays{attendance.MustParseDate("2026-08-03"): 1, attendance.MustParseDate("2026-08-04"): 0.5}
	set := attendance.DefaultWorkSettings()
	set.BreakRule = attendance.GermanBreakRule
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	for b.Loop() {
		t, w := attendance.SummarizeWork(s, nil, set, first, last, now, days, leave)
		if t.DaysPresent == 0 || w.ScheduledSeconds == 0 {
			b.Fatal("nothing summed")
		}
	}
}

// BenchmarkShiftCalendarsSummarizeYear sums up a year of one employee's work
// dates as the overview does, the shifts placed once in calendars shared
// with the employees alike: the overview's work per employee.
func BenchmarkShiftCalendarsSummarizeYear(b *testing.B) {
	s := benchSchedule(b)
	first, last := attendance.YearBounds(2026)
	h := attendance.Holidays{}
	for _, d := range []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-12-25", "2026-12-26"} {
		h[attendance.MustParseDate(d)] = ""
	}
	var days []attendance.Day
	for d := first; d <= last; d++ {
		if s.IsWorkingDay(d, h) && int(d)%17 != 0 {
			days = append(days, attendance.Day{Date: d, Entries: 2, Late: int(d)%7 == 0, LateMinutes: 12, WorkedSeconds: 8 * 3600, BreakSeconds: 1800})
		}
	}
	leave := []attendance.ApprovedLeave{
		{LeaveType: "annual", StartDate: attendance.MustParseDate("2026-08-03"), EndDate: attendance.MustParseDate("2026-08-07"), Unit: attendance.UnitDay, Cost: attendance.NewAmount(5, 1)},
		{LeaveType: "sick", StartDate: attendance.MustParseDate("2026-10-12"), EndDate: attendance.MustParseDate("2026-10-12"), HalfDay: true, Unit: attendance.UnitDay, Cost: attendance.NewAmount(1, 2)},
	}
	set := attendance.DefaultWorkSettings()
	set.BreakRule = attendance.GermanBreakRule
	now := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	c := attendance.NewShiftCalendars(h, first, last)
	for b.Loop() {
		t, w, l := c.Summarize(s, set, now, days, leave)
		if t.DaysPresent == 0 || w.ScheduledSeconds == 0 || l.LeaveByType == nil {
			b.Fatal("nothing summed")
		}
	}
}
