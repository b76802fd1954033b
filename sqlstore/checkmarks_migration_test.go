package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/sqlstore"
)

// TestCheckMarksMigration builds the demo company at version 18, reads
// everyone's overview of the last 60 days, the board and every balance,
// migrates to 20 (the checks' marks and indexes) and reads them again: the
// same. Then the checks run on the migrated database.
func TestCheckMarksMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		d := storetest.DemoAt(t, kind, 18, demo.Options{Employees: 20, Days: 90, Seed: 11})
		// Version 18 has no rollup of the days (00019): its overview read them one by one.
		sqlstore.OverviewFromDays(d.DB)
		_, before := demoFigures(t, d, true)
		db := d.Migrate(t, 20)
		if _, after := demoFigures(t, d, true); after != before {
			t.Errorf("the figures changed in the migration:\nbefore: %s\nafter:  %s", before, after)
		}
		checks := sqlstore.NewChecks(db)
		if _, err := checks.CheckNotArrived(ctx, d.Now); err != nil {
			t.Error(err)
		}
		if _, err := checks.CheckForgottenExits(ctx, d.Now); err != nil {
			t.Error(err)
		}
	})
}

// keepsFigures builds the demo company at version from, reads its figures
// with every balance (demoFigures), migrates to version to and reads them
// again: the same, or the test fails. It returns the migrated store.
func keepsFigures(t *testing.T, kind string, from, to int64) (*storetest.Demo, *sqlstore.DB) {
	t.Helper()
	d := storetest.DemoAt(t, kind, from, demo.Options{Employees: 20, Days: 90, Seed: 11})
	_, before := demoFigures(t, d, true)
	db := d.Migrate(t, to)
	if _, after := demoFigures(t, d, true); after != before {
		t.Errorf("the figures changed in the migration to %d:\nbefore: %s\nafter:  %s", to, before, after)
	}
	return d, db
}

// demoFigures reads, as the demo's admin on its DB, everyone's overview of
// the last 60 days and the board, and with balances every balance: the
// board, and all of it as JSON. It fails the test when the figures are too
// few to prove anything.
func demoFigures(t *testing.T, d *storetest.Demo, balances bool) (*attendance.Today, string) {
	t.Helper()
	ctx := context.Background()
	att, leave := sqlstore.NewAttendanceService(d.DB), sqlstore.NewLeaveService(d.DB)
	from := d.Today.AddDays(-60)
	ov, err := att.Overview(ctx, d.Admin, attendance.OverviewFilter{From: &from, To: &d.Today, Page: attendance.Page{Limit: attendance.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	board, err := att.Today(ctx, d.Admin, attendance.TodayFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	figures := []any{ov, board}
	if balances {
		for _, r := range ov.Results {
			b, err := leave.LeaveBalance(ctx, d.Admin, &r.EmployeeID, nil)
			if err != nil {
				t.Fatal(err)
			}
			figures = append(figures, b)
		}
	}
	out, err := json.Marshal(figures)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 1000 {
		t.Fatalf("the demo company's figures are %s: the test proves nothing", out)
	}
	return board, string(out)
}
