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
// an area) or is larger than that (the CEO's whole company); and the
// admin's, read from the rollup, is the one read from the stored days.
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
