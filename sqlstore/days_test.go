package sqlstore_test

import (
	"context"
	"testing"

	"github.com/openattendance/attendance"
)

// TestDays is the conformance suite of AttendanceService.Days.
func TestDays(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		// A week in Berlin, the overview's own (TestAttendanceService/Overview/AWeek):
		// the rows' statuses count what the overview counts.
		t.Run("AgreesWithTheOverview", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			berlin := e.mustCreate(t, mgr.Actor(), "berlin", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
				f.Timezone = ptr("Europe/Berlin")
				f.LateGraceMinutes = ptr(5)
				f.HiredOn = ptr(date("2026-11-02"))
			})
			a := berlin.Actor()
			e.clockAt(t, a, "2026-11-02T07:04:00Z", attendance.Entry) // Mon, on time
			e.clockAt(t, a, "2026-11-02T15:04:00Z", attendance.Exit)
			e.clockAt(t, a, "2026-11-03T07:20:00Z", attendance.Entry) // Tue, 20 minutes late, two sessions
			e.clockAt(t, a, "2026-11-03T11:00:00Z", attendance.Exit)
			e.clockAt(t, a, "2026-11-03T12:00:00Z", attendance.Entry)
			e.clockAt(t, a, "2026-11-03T16:00:00Z", attendance.Exit)
			e.clockAt(t, a, "2026-11-05T21:00:00Z", attendance.Entry) // Wed absent; Thu 22:00 local across midnight
			e.clockAt(t, a, "2026-11-06T01:00:00Z", attendance.Exit)
			wrong := e.clockAt(t, a, "2026-11-06T07:30:00Z", attendance.Entry) // Fri: voided, then open
			e.Clock.Set(at(t, "2026-11-06T07:35:00Z"))
			if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), wrong.ID, "clocked in by mistake"); err != nil {
				t.Fatal(err)
			}
			e.clockAt(t, a, "2026-11-06T08:00:00Z", attendance.Entry)
			e.Clock.Set(at(t, "2026-11-07T10:00:00Z")) // Saturday

			from, to := date("2026-11-01"), date("2026-11-08")
			l, err := e.Attendance.Days(ctx, mgr.Actor(), attendance.DaysFilter{EmployeeID: &berlin.ID, From: &from, To: &to})
			if err != nil {
				t.Fatal(err)
			}
			var got []attendance.DayStatus
			for _, r := range l.Results {
				got = append(got, r.Status)
			}
			want := []attendance.DayStatus{attendance.DayNotEmployed, attendance.DayWorked, attendance.DayLate, attendance.DayAbsent,
				attendance.DayLate, attendance.DayLate, attendance.DayOff, attendance.DayOff}
			if len(got) != len(want) || l.Count != 8 || l.Timezone != "Europe/Berlin" || l.Today != date("2026-11-07") {
				t.Fatalf("rows %v (count %d, zone %s, today %s), want %v", got, l.Count, l.Timezone, l.Today, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: %s, want %s", l.Results[i].Date, got[i], want[i])
				}
			}
			if thu := l.Results[4]; len(thu.Sessions) != 1 || thu.WorkedSeconds != 4*3600 || thu.Sessions[0].Exit == nil {
				t.Errorf("Thursday's night: %+v, want one session of 4 hours", thu)
			}
			if fri := l.Results[5]; len(fri.Sessions) != 1 || fri.OpenSessions != 1 || fri.Sessions[0].EntryID == wrong.ID || fri.LateMinutes != 60 {
				t.Errorf("Friday: %+v, want the open session after the void, 60 minutes late", fri)
			}
			ov, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &from, To: &to, EmployeeID: &berlin.ID})
			if err != nil {
				t.Fatal(err)
			}
			var sum attendance.OverviewTotals
			for _, r := range l.Results {
				switch r.Status {
				case attendance.DayLate:
					sum.LateEntries++
					sum.DaysPresent++
				case attendance.DayWorked:
					sum.DaysPresent++
				case attendance.DayAbsent:
					sum.AbsentDays++
				}
				sum.LateMinutes += r.LateMinutes
				sum.WorkedSeconds += r.WorkedSeconds
				sum.OpenSessions += r.OpenSessions
			}
			sum.WorkedHours = attendance.Hours(sum.WorkedSeconds)
			if ov.Results[0].OverviewTotals != sum {
				t.Errorf("the rows add up to %+v; the overview says %+v", sum, ov.Results[0].OverviewTotals)
			}
		})

		t.Run("Scope", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
			for _, c := range []struct {
				actor attendance.Actor
				id    int64
				code  string
			}{
				{emp.Actor(), emp.ID, ""},
				{mgr.Actor(), emp.ID, ""},
				{e.Admin, other.ID, ""},
				{emp.Actor(), mgr.ID, "not_found"},
				{mgr.Actor(), other.ID, "not_found"},
				{e.Admin, 987654, "not_found"},
			} {
				_, err := e.Attendance.Days(ctx, c.actor, attendance.DaysFilter{EmployeeID: &c.id})
				wantCode(t, err, c.code)
			}
			// Without an employee: the caller, over the company's current month.
			l, err := e.Attendance.Days(ctx, emp.Actor(), attendance.DaysFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if l.EmployeeID != emp.ID || l.From != date("2026-11-01") || l.To != date("2026-11-30") || l.Count != 30 {
				t.Errorf("default: employee %d, %s to %s, count %d; want %d, November", l.EmployeeID, l.From, l.To, l.Count, emp.ID)
			}
			from, to := date("2026-11-01"), date("2027-01-02") // 63 dates
			_, err = e.Attendance.Days(ctx, emp.Actor(), attendance.DaysFilter{From: &from, To: &to})
			wantCode(t, err, "range_too_long")
		})
	})
}
