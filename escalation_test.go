package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestAddWorkingDays(t *testing.T) {
	week := attendance.WorkCalendar{Location: berlin, WorkDays: attendance.MondayToFriday,
		Holidays: attendance.Holidays{date("2026-04-03"): "Good Friday", date("2026-04-06"): "Easter Monday"}}
	everyDay := attendance.WorkCalendar{Location: berlin, WorkDays: attendance.NewWeekdays(time.Sunday, time.Monday, time.Tuesday,
		time.Wednesday, time.Thursday, time.Friday, time.Saturday)}
	sunThu := attendance.WorkCalendar{Location: berlin, WorkDays: sundayToThur}
	tests := []struct {
		name   string
		cal    attendance.WorkCalendar
		since  time.Time
		n      int
		want   time.Time
		wantOK bool
	}{
		{"Monday 10:00, two days: Wednesday 10:00", week, at(berlin, "2026-06-15 10:00"), 2, at(berlin, "2026-06-17 10:00"), true},
		{"Friday 10:00, two days: Tuesday 10:00", week, at(berlin, "2026-06-19 10:00"), 2, at(berlin, "2026-06-23 10:00"), true},
		{"Friday 10:00, one day: Monday 10:00", week, at(berlin, "2026-06-19 10:00"), 1, at(berlin, "2026-06-22 10:00"), true},
		{"Saturday 14:00 starts on Monday: Wednesday 00:00", week, at(berlin, "2026-06-20 14:00"), 2, at(berlin, "2026-06-24 00:00"), true},
		{"zero days: now", week, at(berlin, "2026-06-15 10:00"), 0, at(berlin, "2026-06-15 10:00"), true},
		{"zero days on a Sunday: Monday's start", week, at(berlin, "2026-06-21 10:00"), 0, at(berlin, "2026-06-22 00:00"), true},
		{"over Easter: Thursday to Wednesday", week, at(berlin, "2026-04-02 16:30"), 1, at(berlin, "2026-04-07 16:30"), true},
		{"seconds are dropped: to the minute", week, at(berlin, "2026-06-15 10:00:59"), 1, at(berlin, "2026-06-16 10:00"), true},
		{"the wall clock across the autumn change", everyDay, at(berlin, "2026-10-24 12:00"), 1, at(berlin, "2026-10-25 12:00"), true},
		{"a time the spring change skips: past the gap", everyDay, at(berlin, "2026-03-28 02:30"), 1, utc("2026-03-29 01:30"), true},
		{"in the company's zone, not UTC", week, utc("2026-06-19 22:30"), 1, at(berlin, "2026-06-23 00:00"), true},
		{"a Sunday-to-Thursday week", sunThu, at(berlin, "2026-06-18 09:00"), 1, at(berlin, "2026-06-21 09:00"), true},
		{"across the year end", week, at(berlin, "2026-12-31 09:00"), 1, at(berlin, "2027-01-01 09:00"), true},
		{"no working days at all", attendance.WorkCalendar{Location: berlin}, at(berlin, "2026-06-15 10:00"), 1, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.cal.AddWorkingDays(tt.since, tt.n)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, %v; want %s, %v", tt.since, tt.n, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestWaitedWorkingDays(t *testing.T) {
	week := attendance.WorkCalendar{Location: berlin, WorkDays: attendance.MondayToFriday,
		Holidays: attendance.Holidays{date("2026-06-18"): "a Thursday holiday"}}
	monday := at(berlin, "2026-06-15 10:00")
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"at once", monday, 0},
		{"the same evening", at(berlin, "2026-06-15 23:59"), 0},
		{"a minute short of a day", at(berlin, "2026-06-16 09:59"), 0},
		{"a day", at(berlin, "2026-06-16 10:00"), 1},
		{"two days", at(berlin, "2026-06-17 10:00"), 2},
		{"the holiday counts nothing", at(berlin, "2026-06-18 23:00"), 2},
		{"Friday 10:00: three", at(berlin, "2026-06-19 10:00"), 3},
		{"the weekend counts nothing", at(berlin, "2026-06-21 23:00"), 3},
		{"a week later", at(berlin, "2026-06-22 10:00"), 4},
		{"before it began", at(berlin, "2026-06-14 10:00"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := week.WaitedWorkingDays(monday, tt.now); got != tt.want {
				t.Errorf("WaitedWorkingDays(%s, %s) = %d, want %d", monday, tt.now, got, tt.want)
			}
			// The two agree: n days waited means the n-th deadline has come.
			n := week.WaitedWorkingDays(monday, tt.now)
			if d, _ := week.AddWorkingDays(monday, n); n > 0 && d.After(tt.now) {
				t.Errorf("AddWorkingDays(%d) = %s, after now %s", n, d, tt.now)
			}
			if d, _ := week.AddWorkingDays(monday, n+1); !d.After(tt.now) {
				t.Errorf("AddWorkingDays(%d) = %s, not after now %s", n+1, d, tt.now)
			}
		})
	}
}

func TestEscalationDue(t *testing.T) {
	week := attendance.WorkCalendar{Location: berlin, WorkDays: attendance.MondayToFriday}
	since := at(berlin, "2026-06-15 10:00")
	escalated := at(berlin, "2026-06-17 10:05")
	pending := attendance.StepRecord{Step: 1, Status: attendance.StepPending, PendingSince: &since}
	done := pending
	done.EscalatedAt = &escalated
	approved := pending
	approved.Status = attendance.StepApproved
	tests := []struct {
		name  string
		step  attendance.StepRecord
		after int
		now   time.Time
		want  bool
	}{
		{"not yet two days", pending, 2, at(berlin, "2026-06-17 09:59"), false},
		{"exactly two days is not more", pending, 2, at(berlin, "2026-06-17 10:00"), false},
		{"more than two days", pending, 2, at(berlin, "2026-06-17 10:01"), true},
		{"a week later, still once due", pending, 2, at(berlin, "2026-06-24 10:00"), true},
		{"escalated already: once", done, 2, at(berlin, "2026-06-24 10:00"), false},
		{"decided", approved, 2, at(berlin, "2026-06-24 10:00"), false},
		{"escalation off", pending, 0, at(berlin, "2026-12-24 10:00"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.step.EscalationDue(tt.now, tt.after, week); got != tt.want {
				t.Errorf("EscalationDue(%s, %d) = %v, want %v", tt.now, tt.after, got, tt.want)
			}
		})
	}
	if at, ok := pending.EscalatesAt(2, week); !ok || !at.Equal(at.In(berlin)) || !at.Equal(time.Date(2026, 6, 17, 10, 0, 0, 0, berlin)) {
		t.Errorf("EscalatesAt = %s, %v; want Wednesday 10:00", at, ok)
	}
}
