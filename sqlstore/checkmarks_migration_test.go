package sqlstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

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
		logger := storetest.Logger()
		u := storetest.OpenUnmigrated(t, kind)
		migrateTo := func(v int64) error { return u.MigrateTo(ctx, logger, v) }
		if err := migrateTo(18); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		today := attendance.DateOf(now)
		open := func() *sqlstore.DB { return u.Store(t, now) }
		db := open()
		admin := u.LoadDemo(t, db, demo.Options{Employees: 20, Days: 90, Seed: 11, Today: today, Now: now})
		figures := func(db *sqlstore.DB) string {
			t.Helper()
			att, leave := sqlstore.NewAttendanceService(db), sqlstore.NewLeaveService(db)
			from := today.AddDays(-60)
			ov, err := att.Overview(ctx, admin, attendance.OverviewFilter{From: &from, To: &today, Page: attendance.Page{Limit: attendance.MaxPageLimit}})
			if err != nil {
				t.Fatal(err)
			}
			board, err := att.Today(ctx, admin, attendance.TodayFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit}})
			if err != nil {
				t.Fatal(err)
			}
			var balances []*attendance.Balance
			for _, r := range ov.Results {
				b, err := leave.LeaveBalance(ctx, admin, &r.EmployeeID, nil)
				if err != nil {
					t.Fatal(err)
				}
				balances = append(balances, b)
			}
			out, err := json.Marshal([]any{ov, board, balances})
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		// Version 18 has no rollup of the days (00019): its overview read them one by one.
		sqlstore.OverviewFromDays(db)
		before := figures(db)
		db.Close()
		if len(before) < 1000 {
			t.Fatalf("the demo company's figures are %q: the test proves nothing", before)
		}
		if err := migrateTo(20); err != nil {
			t.Fatal(err)
		}
		db = open()
		t.Cleanup(func() { db.Close() })
		if after := figures(db); after != before {
			t.Errorf("the figures changed in the migration:\nbefore: %s\nafter:  %s", before, after)
		}
		checks := sqlstore.NewChecks(db)
		if _, err := checks.CheckNotArrived(ctx, now); err != nil {
			t.Error(err)
		}
		if _, err := checks.CheckForgottenExits(ctx, now); err != nil {
			t.Error(err)
		}
	})
}
