package sqlstore_test

import (
	"context"
	"sync"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// TestForgottenExits: an employee still clocked in after their 08:00–17:00
// shift is reminded once at 17:30; their manager is told once at 21:00 that
// the session needs review, and the overview counts it; with automatic close
// on, the system records the exit at 17:00, once, whoever runs the check.
// Each step runs the check from three workers at once.
func TestForgottenExits(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr, emp := e.team(t)
		e.clockAt(t, emp.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
		run := func(ts string) int {
			t.Helper()
			e.Clock.Set(at(t, ts))
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := e.Checks.CheckForgottenExits(ctx, e.Clock.Now())
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}()
			}
			wg.Wait()
			return total
		}
		count := func(a attendance.Actor, kind attendance.NotificationKind) int {
			n := 0
			for _, k := range e.notifications(t, a) {
				if k == kind {
					n++
				}
			}
			return n
		}
		if n := run("2026-11-02T17:29:00Z"); n != 0 || count(emp.Actor(), attendance.NotifyExitReminder) != 0 {
			t.Errorf("before 17:30: %d acted on, want none", n)
		}
		if n := run("2026-11-02T17:30:00Z"); n != 1 || count(emp.Actor(), attendance.NotifyExitReminder) != 1 {
			t.Errorf("at 17:30: %d acted on, %d reminders; want one", n, count(emp.Actor(), attendance.NotifyExitReminder))
		}
		run("2026-11-02T18:00:00Z")
		if c := count(emp.Actor(), attendance.NotifyExitReminder); c != 1 {
			t.Errorf("reminders after a second run: %d, want 1", c)
		}
		if run("2026-11-02T20:59:00Z"); count(mgr.Actor(), attendance.NotifyNeedsReview) != 0 {
			t.Errorf("flagged before 4 hours after the shift's end")
		}
		if n := run("2026-11-02T21:00:00Z"); n != 1 || count(mgr.Actor(), attendance.NotifyNeedsReview) != 1 {
			t.Errorf("at 21:00: %d acted on, %d review notices; want one", n, count(mgr.Actor(), attendance.NotifyNeedsReview))
		}
		day := attendance.MustParseDate("2026-11-02")
		ov, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &day, To: &day, EmployeeID: &emp.ID})
		if err != nil || ov.Results[0].NeedsReviewSessions != 1 || ov.Results[0].OpenSessions != 1 {
			t.Fatalf("overview: %+v, %v; want one open session that needs review", ov, err)
		}

		// Automatic close: at the shift's end, by the system, once.
		shifts := sqlstore.NewShiftService(e.DB.DB)
		if _, err := shifts.SetWorkSettings(ctx, e.Admin, attendance.WorkSettings{ReviewAfterMinutes: 240, AutoClose: true}); err != nil {
			t.Fatal(err)
		}
		if n := run("2026-11-02T21:01:00Z"); n != 1 {
			t.Errorf("auto close: %d acted on, want 1", n)
		}
		list, _, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("events: %+v, %v; want the entry and the system's exit", list, err)
		}
		exit := list[0]
		if exit.Type != attendance.Exit || exit.Source != attendance.SourceSystem || exit.RecordedBy != 0 ||
			!exit.Timestamp.Equal(at(t, "2026-11-02T17:00:00Z")) || exit.WorkDate == nil || *exit.WorkDate != day || exit.Note == "" {
			t.Errorf("the system's exit: %+v", exit)
		}
		ov, err = e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &day, To: &day, EmployeeID: &emp.ID})
		if err != nil || ov.Results[0].WorkedSeconds != 9*3600 || ov.Results[0].OpenSessions != 0 || ov.Results[0].NeedsReviewSessions != 0 {
			t.Errorf("overview after the close: %+v, %v; want 9 hours worked, nothing open", ov.Results, err)
		}
		if c := count(emp.Actor(), attendance.NotifySessionClosed); c != 1 {
			t.Errorf("session_closed to the employee: %d, want 1", c)
		}
		// It is an event like any other: voidable, and the session is open again.
		if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), exit.ID, "they were still there"); err != nil {
			t.Errorf("void the system's exit: %v", err)
		}
		run("2026-11-02T21:30:00Z")
		if list, _, _ := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID}); len(list) != 2 {
			t.Errorf("after the void: %d events, want no second system exit", len(list))
		}
	})
}
