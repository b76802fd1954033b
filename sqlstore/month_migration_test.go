package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/sqlstore"
)

// TestMonthRollupMigration builds the demo company at version 18, reads the
// overview from the stored days as it was read before the rollup — everyone
// and a manager's team, over a month, a range across months and a year —
// migrates to 19 (the rollup, filled from the days) and reads the same
// overviews from the rollup: the same figures, row by row.
func TestMonthRollupMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		d := storetest.DemoAt(t, kind, 18, demo.Options{Employees: 30, Days: 400, Seed: 11})
		today := d.Today
		var mgr int64
		if err := d.Read.QueryRowContext(ctx, `SELECT MIN(manager_id) FROM employees WHERE manager_id > 1`).Scan(&mgr); err != nil {
			t.Fatal(err)
		}
		actors := []attendance.Actor{d.Admin, {ID: mgr, Role: attendance.RoleManager}}
		ranges := [][2]attendance.Date{
			{today.AddDays(-30), today},
			{today.AddDays(-75), today.AddDays(-40)},
			{today.AddDays(-365), today},
		}
		overviews := func(db *sqlstore.DB) (string, int) {
			s := sqlstore.NewAttendanceService(db)
			out, present := "", 0
			for _, a := range actors {
				for _, r := range ranges {
					ov, err := s.Overview(ctx, a, attendance.OverviewFilter{From: &r[0], To: &r[1], All: true})
					if err != nil {
						t.Fatal(err)
					}
					out += fmt.Sprintf("%d %s–%s: %+v\n", a.ID, r[0], r[1], *ov)
					present += ov.Totals.DaysPresent
				}
			}
			return out, present
		}
		sqlstore.OverviewFromDays(d.DB)
		before, present := overviews(d.DB)
		if present == 0 {
			t.Fatal("nobody was present: the test proves nothing")
		}
		db := d.Migrate(t, 19)
		var months int
		if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance_months`).Scan(&months); err != nil {
			t.Fatal(err)
		}
		if months == 0 {
			t.Fatal("the rollup is empty after the migration")
		}
		if after, _ := overviews(db); after != before {
			t.Errorf("the overviews after 00019 differ\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}
