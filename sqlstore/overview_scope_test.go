package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/sqlstore"
)

// TestOverviewScope: a manager's overview is the admin's, restricted to the
// people below that manager, whether the scope is named by its ids (a team,
// an area) or is larger than that (the CEO's whole company), read on one
// connection or split on two; and the admin's, read from the rollup, is the
// one read from the stored days.
func TestOverviewScope(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		opt := demo.Options{Employees: 1200, Days: 4, Seed: 5, Today: attendance.DateOf(monday), Now: monday}
		if err := sqlstore.NewBulkLoader(e.DB.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
			_, err := demo.Generate(ctx, w, "x", opt, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		emps, _, err := e.Employees.ListEmployees(ctx, e.Admin, attendance.EmployeeFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit}})
		if err != nil {
			t.Fatal(err)
		}
		for page := len(emps); page == attendance.MaxPageLimit; {
			more, _, err := e.Employees.ListEmployees(ctx, e.Admin, attendance.EmployeeFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit, Offset: len(emps)}})
			if err != nil {
				t.Fatal(err)
			}
			emps, page = append(emps, more...), len(more)
		}
		managerOf := map[int64]int64{}
		for _, p := range emps {
			if p.ManagerID != nil {
				managerOf[p.ID] = *p.ManagerID
			}
		}
		below := func(boss, id int64) bool {
			for ; id != 0; id = managerOf[id] {
				if id == boss {
					return true
				}
			}
			return false
		}
		first, last := opt.Today.AddDays(-opt.Days), opt.Today.AddDays(-1)
		f := attendance.OverviewFilter{From: &first, To: &last, All: true}
		all, err := e.Attendance.Overview(ctx, e.Admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if all.Totals.LeaveDays == 0 || all.Totals.DaysPresent == 0 {
			t.Fatalf("the overview's totals are %+v: no leave or no presence in the range, the test proves little", all.Totals)
		}
		// From here on every overview of more than one person reads its
		// halves on two connections where the database can (on
		// PostgreSQL): the same figures as on one.
		sqlstore.SplitOverviewAt(e.DB.DB, 2)
		split, err := e.Attendance.Overview(ctx, e.Admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(split, all) {
			t.Errorf("the overview read in two parts: totals %+v; in one: %+v", split.Totals, all.Totals)
		}
		// The CEO (everyone: more than a scope named by ids), the first area
		// manager (about 50) and the first team lead (about ten).
		ceo := emps[1]
		var area, lead *attendance.Employee
		for _, p := range emps {
			if p.Role == attendance.RoleManager && p.ManagerID != nil && managerOf[*p.ManagerID] == ceo.ID && area == nil {
				area = p
			}
			if area != nil && p.ManagerID != nil && *p.ManagerID == area.ID && lead == nil {
				lead = p
			}
		}
		if area == nil || lead == nil {
			t.Fatal("no area manager or team lead in the demo company")
		}
		for _, tc := range []struct {
			name    string
			boss    *attendance.Employee
			atLeast int
		}{{"CEO", ceo, 1000}, {"Area", area, 40}, {"Lead", lead, 5}} {
			t.Run(tc.name, func(t *testing.T) {
				want := &attendance.Overview{From: first, To: last, LeaveTypes: all.LeaveTypes, Results: []attendance.OverviewRow{}}
				for _, r := range all.Results {
					if below(tc.boss.ID, r.EmployeeID) {
						want.Results = append(want.Results, r)
						want.Totals.Add(r.OverviewTotals)
						want.TimeTotals.Add(r.TimeTotals)
						want.LeaveTotals.Add(r.LeaveTotals)
					}
				}
				want.Count = len(want.Results)
				got, err := e.Attendance.Overview(ctx, tc.boss.Actor(), f)
				if err != nil {
					t.Fatal(err)
				}
				if got.Count < tc.atLeast || !reflect.DeepEqual(got, want) {
					t.Errorf("%d people, totals %+v; want %d (at least %d), totals %+v", got.Count, got.Totals, want.Count, tc.atLeast, want.Totals)
				}
			})
		}
		// The admin's figures, summed by several workers from the rollup the
		// bulk loader wrote, are those of the stored days read one by one
		// and summed in turn.
		sqlstore.OverviewFromDays(e.DB.DB)
		fromDays, err := e.Attendance.Overview(ctx, e.Admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromDays, all) {
			t.Errorf("the overview from the rollup: totals %+v; from the days: %+v", all.Totals, fromDays.Totals)
		}
	})
}

// TestOverviewLeaveSlices: an overview split in two reads the approved leave
// in two slices of end dates, cut on Thursday 5 November for the week of
// Monday 2 to Saturday 7: requests ending before, on and after the cut, one
// spanning it, one ending after the range and hours on the cut's date all
// count, once, as when it reads on one connection.
func TestOverviewLeaveSlices(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		requests := map[string][][2]string{
			"single": {{"2026-11-02", "2026-11-02"}, {"2026-11-04", "2026-11-04"}, {"2026-11-05", "2026-11-05"}, {"2026-11-06", "2026-11-06"}},
			"across": {{"2026-11-04", "2026-11-05"}},
			"beyond": {{"2026-11-03", "2026-11-03"}, {"2026-11-06", "2026-11-10"}},
			"none":   nil,
		}
		want := map[int64]float64{}
		approve := func(r *attendance.LeaveRequest, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
				t.Fatal(err)
			}
		}
		for name, rs := range requests {
			emp := e.mustCreate(t, mgr.Actor(), name, attendance.RoleEmployee, &mgr.ID)
			for _, r := range rs {
				approve(e.mustRequest(t, emp.Actor(), attendance.LeaveUnpaid, r[0], r[1]), nil)
				want[emp.ID] += float64(min(date(r[1]), date("2026-11-06")) - date(r[0]) + 1) // Monday to Friday
			}
		}
		// Hours on the cut's date add up (a request read twice would count
		// twice): 2 h and 1 h of a 9 h day.
		hourly := e.mustCreate(t, mgr.Actor(), "hourly", attendance.RoleEmployee, &mgr.ID)
		for _, h := range [][2]string{{"08:00", "10:00"}, {"13:00", "14:00"}} {
			from, to := attendance.MustParseTimeOfDay(h[0]), attendance.MustParseTimeOfDay(h[1])
			approve(e.Leave.RequestLeave(ctx, hourly.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveUnpaid,
				StartDate: date("2026-11-05"), EndDate: date("2026-11-05"), StartTime: &from, EndTime: &to}))
		}
		want[hourly.ID] = 3.0 / 9
		first, last := date("2026-11-02"), date("2026-11-07")
		f := attendance.OverviewFilter{From: &first, To: &last, All: true}
		one, err := e.Attendance.Overview(ctx, e.Admin, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range one.Results {
			if r.LeaveDays != want[r.EmployeeID] {
				t.Errorf("%s: %v leave days, want %v", r.Username, r.LeaveDays, want[r.EmployeeID])
			}
		}
		sqlstore.SplitOverviewAt(e.DB.DB, 2)
		two, err := e.Attendance.Overview(ctx, e.Admin, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(two, one) {
			t.Errorf("split in two the overview is\n%+v\nwant\n%+v", two.Results, one.Results)
		}
	})
}
