package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestDayStatusOn(t *testing.T) {
	d := attendance.MustParseDate
	until := d("2026-11-27")
	s := attendance.Schedule{
		Location: time.UTC, WorkStart: attendance.MustParseTimeOfDay("08:00"), WorkEnd: attendance.MustParseTimeOfDay("17:00"),
		WorkDays: attendance.MondayToFriday, HiredOn: d("2026-11-03"), Until: &until,
	}
	h := attendance.Holidays{d("2026-11-09"): "Founders' Day", d("2026-11-14"): "On a Saturday"}
	today := d("2026-11-20") // a Friday
	worked := attendance.Day{Entries: 1, WorkedSeconds: 3600}
	late := attendance.Day{Entries: 1, Late: true, LateMinutes: 12}
	for _, tt := range []struct {
		name  string
		date  string
		day   attendance.Day
		share float64
		want  attendance.DayStatus
	}{
		{"an entry on time", "2026-11-04", worked, 0, attendance.DayWorked},
		{"a late first entry", "2026-11-04", late, 0, attendance.DayLate},
		{"work on a holiday", "2026-11-09", worked, 0, attendance.DayWorked},
		{"work on a Saturday", "2026-11-07", worked, 0, attendance.DayWorked},
		{"work and half a day of leave", "2026-11-05", worked, 0.5, attendance.DayWorked},
		{"an entry today", "2026-11-20", worked, 0, attendance.DayWorked},
		{"before hired_on", "2026-11-02", attendance.Day{}, 0, attendance.DayNotEmployed},
		{"after the deactivation", "2026-11-30", attendance.Day{}, 0, attendance.DayNotEmployed},
		{"a holiday on a work day", "2026-11-09", attendance.Day{}, 0, attendance.DayHoliday},
		{"a holiday on a Saturday", "2026-11-14", attendance.Day{}, 0, attendance.DayOff},
		{"a Sunday", "2026-11-08", attendance.Day{}, 0, attendance.DayOff},
		{"a day of leave", "2026-11-06", attendance.Day{}, 1, attendance.DayOnLeave},
		{"half a day of leave", "2026-11-06", attendance.Day{}, 0.5, attendance.DayOnLeave},
		{"hours of leave", "2026-11-06", attendance.Day{}, 2.0 / 9, attendance.DayOnLeave},
		{"leave still to come", "2026-11-24", attendance.Day{}, 1, attendance.DayOnLeave},
		{"a working day to come", "2026-11-24", attendance.Day{}, 0, attendance.DayFuture},
		{"today without an entry", "2026-11-20", attendance.Day{}, 0, attendance.DayToday},
		{"a past working day without anything", "2026-11-19", attendance.Day{}, 0, attendance.DayAbsent},
		{"the hiring date without anything", "2026-11-03", attendance.Day{}, 0, attendance.DayAbsent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.DayStatusOn(d(tt.date), today, h, tt.day, tt.share); got != tt.want {
				t.Errorf("DayStatusOn(%s) = %s, want %s", tt.date, got, tt.want)
			}
		})
	}

	// A roster: an override wins over the holiday, and a day off is off.
	night := &attendance.Shift{Start: attendance.MustParseTimeOfDay("22:00"), End: attendance.MustParseTimeOfDay("06:00")}
	r := s
	r.Overrides = map[attendance.Date]*attendance.Shift{d("2026-11-09"): night, d("2026-11-10"): nil}
	if got := r.DayStatusOn(d("2026-11-09"), today, h, attendance.Day{}, 0); got != attendance.DayAbsent {
		t.Errorf("a night shift on a holiday, not worked = %s, want absent", got)
	}
	if got := r.DayStatusOn(d("2026-11-10"), today, h, attendance.Day{}, 0); got != attendance.DayOff {
		t.Errorf("an override's day off = %s, want off", got)
	}
}

// TestDayRows: the rows of a range agree with Summarize on the same facts.
func TestDayRows(t *testing.T) {
	d := attendance.MustParseDate
	s := attendance.Schedule{
		Location: time.UTC, WorkStart: attendance.MustParseTimeOfDay("08:00"), WorkEnd: attendance.MustParseTimeOfDay("17:00"),
		WorkDays: attendance.MondayToFriday, HiredOn: d("2026-11-03"),
	}
	h := attendance.Holidays{d("2026-11-09"): "Founders' Day"}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	events := []attendance.AttendanceEvent{
		{ID: 1, Type: attendance.Entry, Timestamp: at("2026-11-04T08:20:00Z"), Late: true, LateMinutes: 20},
		{ID: 2, Type: attendance.Exit, Timestamp: at("2026-11-04T17:00:00Z")},
		{ID: 3, Type: attendance.Entry, Timestamp: at("2026-11-05T08:00:00Z")},
		{ID: 4, Type: attendance.Exit, Timestamp: at("2026-11-05T12:00:00Z")},
		{ID: 5, Type: attendance.Entry, Timestamp: at("2026-11-05T13:00:00Z")},
		{ID: 6, Type: attendance.Entry, Timestamp: at("2026-11-10T08:00:00Z")},
	}
	leave := []attendance.LeaveRequest{{Status: attendance.LeaveApproved, LeaveType: attendance.LeaveAnnual,
		StartDate: d("2026-11-11"), EndDate: d("2026-11-12"), Unit: attendance.UnitDay}}
	now := at("2026-11-13T12:00:00Z")
	first, last := attendance.MonthOf(d("2026-11-13"))
	dater := attendance.CalendarDates(time.UTC)
	days := attendance.BuildWorkDays(dater, events)
	rows := s.DayRows(first, last, h, now, attendance.DayFacts{Days: days, Sessions: attendance.BuildSessions(dater, events), Leave: leave})
	if len(rows) != 30 || rows[0].Date != d("2026-11-01") || rows[29].Date != d("2026-11-30") {
		t.Fatalf("%d rows from %s, want the 30 dates of November", len(rows), rows[0].Date)
	}
	count := map[attendance.DayStatus]int{}
	var worked int64
	var open int
	var leaveDays float64
	for _, r := range rows {
		count[r.Status]++
		worked += r.WorkedSeconds
		open += r.OpenSessions
		if r.Leave != nil {
			leaveDays += r.Leave.Share
		}
	}
	shares := attendance.ApprovedLeaveDays(s, h, first, last, leave)
	want := attendance.Summarize(s, h, first, last, s.Today(now), days, shares)
	if count[attendance.DayWorked]+count[attendance.DayLate] != want.DaysPresent || count[attendance.DayLate] != want.LateEntries ||
		count[attendance.DayAbsent] != want.AbsentDays || worked != want.WorkedSeconds || open != want.OpenSessions || leaveDays != want.LeaveDays {
		t.Errorf("rows: %v, %d s, %d open, %v leave; Summarize: %+v", count, worked, open, leaveDays, want)
	}
	// The 5th has two sessions, the second open (an entry followed by an
	// entry); the 10th's entry is open too.
	if s5 := rows[4].Sessions; len(s5) != 2 || s5[0].Seconds != 4*3600 || s5[1].Exit != nil || rows[4].OpenSessions != 1 {
		t.Errorf("the 5th's sessions = %+v", s5)
	}
	if rows[3].Status != attendance.DayLate || rows[3].LateMinutes != 20 || rows[8].Status != attendance.DayHoliday ||
		rows[10].Status != attendance.DayOnLeave || rows[12].Status != attendance.DayToday || rows[5].Status != attendance.DayAbsent {
		t.Errorf("statuses: 4th %s (%d), 9th %s, 11th %s, 13th %s, 6th %s", rows[3].Status, rows[3].LateMinutes, rows[8].Status,
			rows[10].Status, rows[12].Status, rows[5].Status)
	}
}

func TestCheckDayRange(t *testing.T) {
	d := attendance.MustParseDate
	for _, tt := range []struct {
		from, to, code string
	}{
		{"2026-01-01", "2026-03-03", ""},
		{"2026-01-01", "2026-03-04", "range_too_long"},
		{"2026-11-02", "2026-11-01", "invalid"},
		{"2026-11-02", "2026-11-02", ""},
	} {
		if got := attendance.ErrorCode(attendance.CheckDayRange(d(tt.from), d(tt.to))); got != tt.code {
			t.Errorf("CheckDayRange(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.code)
		}
	}
	if first, last := attendance.MonthOf(d("2028-02-14")); first != d("2028-02-01") || last != d("2028-02-29") {
		t.Errorf("MonthOf(2028-02-14) = %s, %s", first, last)
	}
	if first, last := attendance.MonthOf(d("2026-12-31")); first != d("2026-12-01") || last != d("2026-12-31") {
		t.Errorf("MonthOf(2026-12-31) = %s, %s", first, last)
	}
}
