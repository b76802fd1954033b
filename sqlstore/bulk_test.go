package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
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
			// A pending request loaded in bulk has its type's chain, as one
			// made through the service: its manager finds it and decides it.
			t.Run("PendingHasItsChain", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				var mgr, emp int64
				if err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
					if err := load(w); err != nil {
						return err
					}
					mgr, emp = 2, 3
					return w.Leave(ctx, &attendance.LeaveRequest{EmployeeID: emp, LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-14"),
						EndDate: date("2026-12-15"), Days: 2, Status: attendance.LeavePending, CreatedAt: monday})
				}); err != nil {
					t.Fatal(err)
				}
				boss := attendance.Actor{ID: mgr, Role: attendance.RoleManager}
				todo, _, err := sqlstore.NewApprovalService(e.DB.DB).ToDecide(ctx, boss, attendance.Page{Limit: 10})
				if err != nil || len(todo) != 1 || todo[0].EmployeeID != emp || len(todo[0].Chain.Steps) != 1 {
					t.Fatalf("the manager's list to decide: %+v, %v; want the pending request with one step", todo, err)
				}
				r, err := e.Leave.DecideLeave(ctx, boss, todo[0].ID, attendance.Approve, "")
				if err != nil || r.Status != attendance.LeaveApproved {
					t.Fatalf("approving it: %+v, %v", r, err)
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

// TestBulkLoaderCopy loads one demo company into SQLite, row by row, and into
// PostgreSQL with COPY in batches of a few rows and leave ids taken a few at
// a time: what the services read back is the same company.
func TestBulkLoaderCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opt := demo.Options{Employees: 40, Days: 120, Seed: 21, Today: attendance.DateOf(monday), Now: monday}
	envs := map[string]*env{}
	sums := map[string]demo.Summary{}
	for _, kind := range []string{"sqlite", "postgres"} {
		e := newEnv(t, kind)
		l := sqlstore.NewBulkLoader(e.DB.DB)
		l.SetBatches(97, 5)
		err := l.Load(ctx, func(w *sqlstore.BulkWriter) error {
			var err error
			sums[kind], err = demo.Generate(ctx, w, "x", opt, nil)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		envs[kind] = e
	}
	if sums["sqlite"].LeaveRequests < 10 || sums["sqlite"].Events < 10*97 {
		t.Fatalf("%+v: want more leave requests and events than a few batches", sums["sqlite"])
	}
	first, last := opt.Today.AddDays(-opt.Days), opt.Today.AddDays(-1)
	read := func(e *env) (*attendance.Overview, []*attendance.Balance, []string, int) {
		t.Helper()
		ov, err := e.Attendance.Overview(ctx, e.Admin, attendance.OverviewFilter{From: &first, To: &last, All: true})
		if err != nil {
			t.Fatal(err)
		}
		var balances []*attendance.Balance
		for _, r := range ov.Results {
			for _, y := range []int{first.Year(), last.Year()} {
				b, err := e.Leave.LeaveBalance(ctx, e.Admin, &r.EmployeeID, &y)
				if err != nil {
					t.Fatal(err)
				}
				balances = append(balances, b)
			}
		}
		leave, n, err := e.Leave.LeaveOverview(ctx, e.Admin, attendance.LeaveFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit}})
		if err != nil || n != len(leave) {
			t.Fatalf("%d of %d requests, %v; want all on one page", len(leave), n, err)
		}
		_, events, err := e.Attendance.ListEvents(ctx, e.Admin, attendance.EventFilter{EmployeeID: &ov.Results[len(ov.Results)-1].EmployeeID})
		if err != nil {
			t.Fatal(err)
		}
		return ov, balances, leaveKeys(leave), events
	}
	sqOv, sqBal, sqLeave, sqEvents := read(envs["sqlite"])
	pgOv, pgBal, pgLeave, pgEvents := read(envs["postgres"])
	if len(sqOv.Results) != opt.Employees+1 || sqOv.Totals.WorkedSeconds == 0 || sqOv.Totals.LeaveDays == 0 {
		t.Fatalf("SQLite: %d rows, totals %+v; want everyone, with work and leave", len(sqOv.Results), sqOv.Totals)
	}
	if !reflect.DeepEqual(sqOv, pgOv) {
		t.Errorf("overview: PostgreSQL %+v, SQLite %+v", pgOv.Totals, sqOv.Totals)
	}
	if !reflect.DeepEqual(sqBal, pgBal) {
		t.Errorf("balances differ: PostgreSQL %+v, SQLite %+v", pgBal, sqBal)
	}
	if len(sqLeave) != sums["sqlite"].LeaveRequests || !reflect.DeepEqual(sqLeave, pgLeave) {
		t.Errorf("leave: %d requests on SQLite, %d on PostgreSQL; want %d, the same", len(sqLeave), len(pgLeave), sums["sqlite"].LeaveRequests)
	}
	if sqEvents == 0 || sqEvents != pgEvents {
		t.Errorf("events of the last employee: %d on SQLite, %d on PostgreSQL", sqEvents, pgEvents)
	}
	// A request made after the load gets an id of its own.
	emp := pgOv.Results[len(pgOv.Results)-1].EmployeeID
	d := opt.Today.AddDays(60)
	for d.Weekday() != time.Wednesday {
		d++
	}
	if _, err := envs["postgres"].Leave.RequestLeave(ctx, attendance.Actor{ID: emp, Role: attendance.RoleEmployee},
		attendance.LeaveInput{LeaveType: attendance.LeaveSick, StartDate: d, EndDate: d}); err != nil {
		t.Errorf("a request after the load: %v", err)
	}
}

// leaveKeys are what the requests are, without their ids.
func leaveKeys(rs []*attendance.LeaveRequestView) []string {
	var keys []string
	for _, r := range rs {
		var by int64
		if r.DecidedBy != nil {
			by = *r.DecidedBy
		}
		keys = append(keys, fmt.Sprint(r.EmployeeID, r.LeaveType, r.StartDate, r.EndDate, r.HalfDay, r.Days, r.Status, by))
	}
	slices.Sort(keys)
	return keys
}
