package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openattendance/attendance"
)

// TestAdminInManagersLine: an admin who reports to a manager is in the
// manager's scope to read, never to write (attendance.Editable): the
// manager cannot record or void their attendance, decide or cancel their
// leave, or change their record; the admins can, and hear of their leave.
func TestAdminInManagersLine(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		// admin (1)
		// └── mgr
		//     ├── lineadmin (an admin)
		//     └── emp
		// other (an admin, beside)
		line := func(t *testing.T) (e *env, mgr, lineAdmin, emp, other *attendance.Employee) {
			t.Helper()
			e = newEnv(t, kind)
			mgr = e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, &e.Admin.ID)
			lineAdmin = e.mustCreate(t, e.Admin, "lineadmin", attendance.RoleAdmin, &mgr.ID)
			emp = e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID)
			other = e.mustCreate(t, e.Admin, "other", attendance.RoleAdmin, nil)
			return e, mgr, lineAdmin, emp, other
		}

		t.Run("Reads", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, _, _ := line(t)
			if _, err := e.Employees.FindEmployee(ctx, mgr.Actor(), lineAdmin.ID); err != nil {
				t.Errorf("the manager reads the admin: %v", err)
			}
			if _, _, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &lineAdmin.ID}); err != nil {
				t.Errorf("the manager lists the admin's events: %v", err)
			}
			if _, err := e.Leave.LeaveBalance(ctx, mgr.Actor(), &lineAdmin.ID, nil); err != nil {
				t.Errorf("the manager reads the admin's balance: %v", err)
			}
		})
		t.Run("RecordEvent", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, emp, other := line(t)
			e.Clock.Set(at(t, "2026-11-02T09:00:00Z"))
			ts, note := at(t, "2026-11-02T08:00:00Z"), "forgot to clock in"
			rec := attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &lineAdmin.ID, Timestamp: &ts, Note: &note}
			_, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), rec)
			wantCode(t, err, "forbidden")
			if _, n, err := e.Attendance.ListEvents(ctx, e.Admin, attendance.EventFilter{EmployeeID: &lineAdmin.ID}); err != nil || n != 0 {
				t.Fatalf("the refused record left %d events (%v)", n, err)
			}
			// The rule is the admin's role, not the manager's line: their
			// employee, and an admin acting for the admin, are fine.
			if _, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Timestamp: &ts, Note: &note}); err != nil {
				t.Errorf("the manager records for their employee: %v", err)
			}
			if _, err := e.Attendance.RecordEvent(ctx, other.Actor(), rec); err != nil {
				t.Errorf("another admin records for the admin: %v", err)
			}
		})
		t.Run("VoidEvent", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, _, other := line(t)
			ev := e.clockAt(t, lineAdmin.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
			_, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), ev.ID, "not here")
			wantCode(t, err, "forbidden")
			list, _, err := e.Attendance.ListEvents(ctx, e.Admin, attendance.EventFilter{EmployeeID: &lineAdmin.ID})
			if err != nil || len(list) != 1 || list[0].Voided {
				t.Fatalf("after the refused void: %+v, %v; want the event, not voided", list, err)
			}
			if _, err := e.Attendance.VoidEvent(ctx, other.Actor(), ev.ID, "not here"); err != nil {
				t.Errorf("another admin voids the admin's event: %v", err)
			}
		})
		t.Run("DecideLeave", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, _, other := line(t)
			for _, action := range []attendance.LeaveAction{attendance.Approve, attendance.Reject} {
				r := e.mustRequest(t, lineAdmin.Actor(), attendance.LeaveSick, "2026-11-09", "2026-11-09")
				_, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, action, "no")
				wantCode(t, err, "not_approver") // 403: an admin's steps are the admins'
				if attendance.ErrorKind(err) != attendance.KindForbidden {
					t.Errorf("the manager of an admin decides: %v, want 403", err)
				}
				got, _, err := e.Leave.LeaveOverview(ctx, e.Admin, attendance.LeaveFilter{EmployeeIDs: []int64{lineAdmin.ID}, Status: ptr(attendance.LeavePending)})
				if err != nil || len(got) != 1 || got[0].ID != r.ID {
					t.Fatalf("after the manager's refused %s: %d pending requests (%v); want request %d still pending", action, len(got), err, r.ID)
				}
				if _, err := e.Leave.DecideLeave(ctx, other.Actor(), r.ID, attendance.Reject, "no"); err != nil {
					t.Errorf("another admin decides the admin's leave: %v", err)
				}
			}
		})
		t.Run("CancelLeave", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, _, _ := line(t)
			r := e.mustRequest(t, lineAdmin.Actor(), attendance.LeaveSick, "2026-11-09", "2026-11-09")
			_, err := e.Leave.CancelLeave(ctx, mgr.Actor(), r.ID)
			wantCode(t, err, "forbidden")
		})
		t.Run("UpdateEmployee", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, _, _ := line(t)
			for name, f := range map[string]attendance.EmployeeFields{
				"a department":     {Department: ptr("Elsewhere")},
				"a password reset": {Password: ptr("another-password-1")},
				// 403 before the rules that compare it with the admin's username.
				"a password that is the username": {Password: ptr("lineadmin")},
			} {
				_, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), lineAdmin.ID, f)
				if got := attendance.ErrorCode(err); got != "forbidden" {
					t.Errorf("the manager changes %s of the admin: %v; want forbidden", name, err)
				}
			}
			wantCode(t, e.Employees.DeactivateEmployee(ctx, mgr.Actor(), lineAdmin.ID), "forbidden")
		})
		t.Run("LeaveRequestedGoesToTheAdmins", func(t *testing.T) {
			t.Parallel()
			e, mgr, lineAdmin, emp, other := line(t)
			e.mustRequest(t, lineAdmin.Actor(), attendance.LeaveSick, "2026-11-09", "2026-11-09")
			// The nearest admin up the line hears of it; the manager, who
			// cannot decide it, and the admin beside do not.
			if got := e.notifications(t, e.Admin); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLeaveRequested}) {
				t.Errorf("the admin above the manager got %v, want one leave_requested", got)
			}
			if got := e.notifications(t, mgr.Actor()); len(got) != 0 {
				t.Errorf("the manager got %v, want nothing: they cannot decide an admin's leave", got)
			}
			if got := e.notifications(t, other.Actor()); len(got) != 0 {
				t.Errorf("the admin beside got %v, want nothing", got)
			}
			// The manager's employee is still the manager's to decide.
			e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-10", "2026-11-10")
			if got := e.notifications(t, mgr.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLeaveRequested}) {
				t.Errorf("the manager got %v for their employee's request, want one leave_requested", got)
			}
		})
		t.Run("LeaveRequestedWithNoAdminAbove", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			lineAdmin := e.mustCreate(t, e.Admin, "lineadmin", attendance.RoleAdmin, &mgr.ID)
			other := e.mustCreate(t, e.Admin, "other", attendance.RoleAdmin, nil)
			e.mustRequest(t, lineAdmin.Actor(), attendance.LeaveSick, "2026-11-09", "2026-11-09")
			for _, a := range []attendance.Actor{e.Admin, other.Actor()} {
				if got := e.notifications(t, a); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLeaveRequested}) {
					t.Errorf("admin %d got %v, want one leave_requested", a.ID, got)
				}
			}
			if got := e.notifications(t, mgr.Actor()); len(got) != 0 {
				t.Errorf("the manager got %v, want nothing", got)
			}
		})
	})
}
