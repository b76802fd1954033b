package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

func TestBulkLoader(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		// load stores a manager with a report who worked on Monday and has
		// leave approved, and a holiday, through a BulkWriter.
		load := func(w *sqlstore.BulkWriter) error {
			if err := w.Holiday(ctx, &attendance.Holiday{Date: date("2026-12-25"), Name: "Christmas"}); err != nil {
				return err
			}
			mgr := attendance.NewEmployee("UTC", monday)
			mgr.Username, mgr.Role = "mgr", attendance.RoleManager
			if err := w.Employee(ctx, mgr, "hash"); err != nil {
				return err
			}
			emp := attendance.NewEmployee("UTC", monday)
			emp.Username, emp.ManagerID = "emp", &mgr.ID
			if err := w.Employee(ctx, emp, "hash"); err != nil {
				return err
			}
			in, out := at(t, "2026-11-02T08:30:00Z"), at(t, "2026-11-02T16:30:00Z")
			events := []attendance.AttendanceEvent{
				{EmployeeID: emp.ID, Type: attendance.Entry, Timestamp: in, Late: true, LateMinutes: 30, Source: attendance.SourceSelf, RecordedBy: emp.ID},
				{EmployeeID: emp.ID, Type: attendance.Exit, Timestamp: out, Source: attendance.SourceSelf, RecordedBy: emp.ID},
			}
			if err := w.Attendance(ctx, emp.ID, events, attendance.BuildDays(emp.Schedule().Location, events)); err != nil {
				return err
			}
			return w.Leave(ctx, &attendance.LeaveRequest{EmployeeID: emp.ID, LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-07"),
				EndDate: date("2026-12-08"), Days: 2, Status: attendance.LeaveApproved, DecidedBy: &mgr.ID, DecidedAt: &monday, CreatedAt: monday})
		}

		t.Run("Load", func(t *testing.T) {
			t.Parallel()
			t.Run("ReadBackThroughTheServices", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				if err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, load); err != nil {
					t.Fatal(err)
				}
				emps, _, err := e.Employees.ListEmployees(ctx, e.Admin, attendance.EmployeeFilter{})
				if err != nil || len(emps) != 3 || emps[2].Username != "emp" || *emps[2].ManagerID != emps[1].ID {
					t.Fatalf("employees %q, %v", usernames(emps), err)
				}
				emp := emps[2]
				if _, err := e.Auth.FindCredentials(ctx, "EMP"); err != nil {
					t.Errorf("credentials: %v", err)
				}
				e.Clock.Set(at(t, "2026-11-03T12:00:00Z"))
				mon := date("2026-11-02")
				ov, err := e.Attendance.Overview(ctx, e.Admin, attendance.OverviewFilter{From: &mon, To: &mon, EmployeeID: &emp.ID})
				if err != nil || ov.Results[0].WorkedSeconds != 8*3600 || ov.Results[0].LateMinutes != 30 {
					t.Errorf("Monday: %+v, %v; want 8 hours, 30 minutes late", ov, err)
				}
				b, err := e.Leave.LeaveBalance(ctx, e.Admin, &emp.ID, ptr(2026))
				if err != nil || b.Used != 2 {
					t.Errorf("balance %+v, %v; want 2 used", b, err)
				}
				if _, n, err := e.Holidays.ListHolidays(ctx, e.Admin, nil, attendance.Page{}); err != nil || n != 1 {
					t.Errorf("%d holidays, %v", n, err)
				}
				// The next event of the employee carries on from the loaded ones.
				ev := e.clockAt(t, emp.Actor(), "2026-11-03T08:00:00Z", attendance.Entry)
				if ev.Late {
					t.Errorf("%+v: on time, want not late", ev)
				}
			})
			t.Run("AllOrNothing", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				errStop := errors.New("stop")
				err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
					if err := load(w); err != nil {
						return err
					}
					return errStop
				})
				if !errors.Is(err, errStop) {
					t.Fatalf("%v, want the function's error", err)
				}
				if n, err := e.Employees.CountEmployees(ctx); err != nil || n != 1 {
					t.Errorf("%d employees, %v; want the admin alone", n, err)
				}
			})
			t.Run("UsernameTaken", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
					a := attendance.NewEmployee("UTC", monday)
					a.Username = "ADMIN"
					return w.Employee(ctx, a, "hash")
				})
				wantCode(t, err, "username_taken")
			})
			t.Run("ManyRows", func(t *testing.T) {
				// More events than one statement inserts.
				t.Parallel()
				e := newEnv(t, kind)
				var id int64
				err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
					emp := attendance.NewEmployee("UTC", monday.AddDate(-1, 0, 0))
					emp.Username = "busy"
					if err := w.Employee(ctx, emp, "hash"); err != nil {
						return err
					}
					id = emp.ID
					var events []attendance.AttendanceEvent
					for d := 150; d > 0; d-- {
						in := monday.AddDate(0, 0, -d).Add(time.Hour)
						events = append(events,
							attendance.AttendanceEvent{EmployeeID: id, Type: attendance.Entry, Timestamp: in, Source: attendance.SourceSelf, RecordedBy: id},
							attendance.AttendanceEvent{EmployeeID: id, Type: attendance.Exit, Timestamp: in.Add(8 * time.Hour), Source: attendance.SourceSelf, RecordedBy: id})
					}
					return w.Attendance(ctx, id, events, attendance.BuildDays(time.UTC, events))
				})
				if err != nil {
					t.Fatal(err)
				}
				if _, n, err := e.Attendance.ListEvents(ctx, e.Admin, attendance.EventFilter{EmployeeID: &id}); err != nil || n != 300 {
					t.Errorf("%d events, %v; want 300", n, err)
				}
				from, to := date("2026-07-01"), date("2026-07-31")
				ov, err := e.Attendance.Overview(ctx, e.Admin, attendance.OverviewFilter{From: &from, To: &to, EmployeeID: &id})
				if err != nil || ov.Results[0].DaysPresent != 31 || ov.Results[0].WorkedSeconds != 31*8*3600 {
					t.Errorf("July: %+v, %v; want 31 days of 8 hours", ov, err)
				}
			})
		})
	})
}
