package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestPresenceAt: the board's status of one employee at fixed instants, by
// the rules of lateness, leave and not_arrived (start + grace + 30 minutes).
func TestPresenceAt(t *testing.T) {
	monFri, err := attendance.ParseWeekdays([]string{"mon", "tue", "wed", "thu", "fri"})
	if err != nil {
		t.Fatal(err)
	}
	day := attendance.Schedule{Location: berlin, WorkStart: hm("08:00"), WorkEnd: hm("17:00"), WorkDays: monFri,
		LateGrace: 5, HiredOn: date("2026-01-01")}
	night := day
	night.WorkStart, night.WorkEnd = hm("22:00"), hm("06:00")
	hired := day
	hired.HiredOn = date("2026-12-10")
	thu := date("2026-12-03")
	b := func(s string) time.Time { return at(berlin, s) }
	leave := func(unit attendance.LeaveUnit, half bool, from, to string, cost attendance.Amount) attendance.LeaveRequest {
		r := attendance.LeaveRequest{LeaveType: "annual", Status: attendance.LeaveApproved, StartDate: thu, EndDate: thu,
			HalfDay: half, Unit: unit, Cost: cost}
		if unit == attendance.UnitHour {
			s, e := b("2026-12-03 "+from), b("2026-12-03 "+to)
			r.StartAt, r.EndAt = &s, &e
		}
		return r
	}
	tests := []struct {
		name        string
		s           attendance.Schedule
		h           attendance.Holidays
		now         time.Time
		facts       attendance.PresenceFacts
		want        attendance.Presence
		wantDate    attendance.Date
		wantLate    int
		wantDue     string // local HH:MM of due_at, "" for none
		wantShare   float64
		wantHoliday string
	}{
		{name: "before the start", s: day, now: b("2026-12-03 07:00"), want: attendance.PresenceExpected, wantDue: "08:35"},
		{name: "at the deadline", s: day, now: b("2026-12-03 08:35"), want: attendance.PresenceExpected, wantDue: "08:35"},
		{name: "past the deadline", s: day, now: b("2026-12-03 08:36"), want: attendance.PresenceNotArrived, wantDue: "08:35"},
		{name: "after the shift", s: day, now: b("2026-12-03 18:00"), want: attendance.PresenceNotArrived, wantDue: "08:35"},
		{name: "in, late", s: day, now: b("2026-12-03 10:00"),
			facts: attendance.PresenceFacts{Days: []attendance.Day{{Date: thu, Entries: 1, Late: true, LateMinutes: 12, OpenSessions: 1, OpenSince: b("2026-12-03 08:12")}}},
			want:  attendance.PresenceIn, wantLate: 12},
		{name: "left", s: day, now: b("2026-12-03 16:00"),
			facts: attendance.PresenceFacts{Days: []attendance.Day{{Date: thu, Entries: 1, WorkedSeconds: 3600}}},
			want:  attendance.PresenceLeft},
		{name: "yesterday's entry only", s: day, now: b("2026-12-03 09:00"),
			facts: attendance.PresenceFacts{Days: []attendance.Day{{Date: thu.AddDays(-1), Entries: 1}}},
			want:  attendance.PresenceNotArrived, wantDue: "08:35"},
		{name: "saturday", s: day, now: b("2026-12-05 09:00"), wantDate: date("2026-12-05"), want: attendance.PresenceOff},
		{name: "holiday", s: day, h: attendance.Holidays{thu: "Founders' Day"}, now: b("2026-12-03 09:00"),
			want: attendance.PresenceHoliday, wantHoliday: "Founders' Day"},
		{name: "in on a holiday", s: day, h: attendance.Holidays{thu: "Founders' Day"}, now: b("2026-12-03 09:00"),
			facts: attendance.PresenceFacts{Days: []attendance.Day{{Date: thu, Entries: 1, OpenSessions: 1, OpenSince: b("2026-12-03 08:50")}}},
			want:  attendance.PresenceIn, wantHoliday: "Founders' Day"},
		{name: "whole day of leave", s: day, now: b("2026-12-03 09:00"),
			facts: attendance.PresenceFacts{Leave: []attendance.LeaveRequest{leave(attendance.UnitDay, false, "", "", attendance.NewAmount(1, 1))}},
			want:  attendance.PresenceOnLeave, wantShare: 1},
		{name: "half a day of leave", s: day, now: b("2026-12-03 09:00"),
			facts: attendance.PresenceFacts{Leave: []attendance.LeaveRequest{leave(attendance.UnitHalfDay, true, "", "", attendance.NewAmount(1, 2))}},
			want:  attendance.PresenceOnLeave, wantShare: 0.5},
		{name: "hours of leave move the deadline", s: day, now: b("2026-12-03 10:30"),
			facts: attendance.PresenceFacts{Leave: []attendance.LeaveRequest{leave(attendance.UnitHour, false, "08:00", "10:00", attendance.NewAmount(2, 9))}},
			want:  attendance.PresenceExpected, wantDue: "10:35", wantShare: 2.0 / 9},
		{name: "hours of leave, then not arrived", s: day, now: b("2026-12-03 10:36"),
			facts: attendance.PresenceFacts{Leave: []attendance.LeaveRequest{leave(attendance.UnitHour, false, "08:00", "10:00", attendance.NewAmount(2, 9))}},
			want:  attendance.PresenceNotArrived, wantDue: "10:35", wantShare: 2.0 / 9},
		{name: "hours of leave over the whole shift", s: day, now: b("2026-12-03 10:00"),
			facts: attendance.PresenceFacts{Leave: []attendance.LeaveRequest{leave(attendance.UnitHour, false, "08:00", "17:00", attendance.NewAmount(1, 1))}},
			want:  attendance.PresenceOnLeave, wantShare: 1},
		{name: "not hired yet", s: hired, now: b("2026-12-03 10:00"), want: attendance.PresenceOff},
		{name: "night, in after midnight", s: night, now: b("2026-12-03 02:00"), wantDate: date("2026-12-02"),
			facts: attendance.PresenceFacts{Days: []attendance.Day{{Date: date("2026-12-02"), Entries: 1, OpenSessions: 1, OpenSince: b("2026-12-02 21:58")}}},
			want:  attendance.PresenceIn},
		{name: "night, missed", s: night, now: b("2026-12-03 07:00"), wantDate: date("2026-12-02"),
			want: attendance.PresenceNotArrived, wantDue: "22:35"},
		{name: "night, before it", s: night, now: b("2026-12-03 20:00"), want: attendance.PresenceExpected, wantDue: "22:35"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.PresenceAt(tt.now, tt.h, tt.facts)
			wantDate := tt.wantDate
			if wantDate == 0 {
				wantDate = thu
			}
			if got.Status != tt.want || got.Date != wantDate {
				t.Fatalf("status = %s on %s, want %s on %s", got.Status, got.Date, tt.want, wantDate)
			}
			if got.LateMinutes != tt.wantLate || got.Late != (tt.wantLate > 0) {
				t.Errorf("late = %v %d, want %d minutes", got.Late, got.LateMinutes, tt.wantLate)
			}
			due := ""
			if got.DueAt != nil {
				due = got.DueAt.In(berlin).Format("15:04")
			}
			if due != tt.wantDue {
				t.Errorf("due_at = %q, want %q", due, tt.wantDue)
			}
			if d := got.LeaveShare - tt.wantShare; d > 1e-9 || d < -1e-9 {
				t.Errorf("leave_share = %v, want %v", got.LeaveShare, tt.wantShare)
			}
			if (got.LeaveType != nil) != (tt.wantShare > 0) {
				t.Errorf("leave_type = %v with a share of %v", got.LeaveType, tt.wantShare)
			}
			holiday := ""
			if got.Holiday != nil {
				holiday = *got.Holiday
			}
			if holiday != tt.wantHoliday {
				t.Errorf("holiday = %q, want %q", holiday, tt.wantHoliday)
			}
			if (got.Status == attendance.PresenceIn) != (got.OpenSince != nil) {
				t.Errorf("open_since = %v with status %s", got.OpenSince, got.Status)
			}
		})
	}
}
