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

// TestClockFactsMigration builds the demo company at version 20, reads
// everyone's overview of the last 60 days and the board, migrates to 21
// (PostgreSQL's clock_facts; nothing on SQLite) and reads them again: the
// same. Then everyone clocks in (or is refused: already in) on the migrated database, which
// on PostgreSQL goes through the new function.
func TestClockFactsMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		logger := storetest.Logger()
		u := storetest.OpenUnmigrated(t, kind)
		migrateTo := func(v int64) error { return u.MigrateTo(ctx, logger, v) }
		if err := migrateTo(20); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		today := attendance.DateOf(now)
		open := func() *sqlstore.DB { return u.Store(t, now) }
		db := open()
		admin := u.LoadDemo(t, db, demo.Options{Employees: 20, Days: 90, Seed: 11, Today: today, Now: now})
		figures := func(db *sqlstore.DB) (*attendance.Today, string) {
			t.Helper()
			att := sqlstore.NewAttendanceService(db)
			from := today.AddDays(-60)
			ov, err := att.Overview(ctx, admin, attendance.OverviewFilter{From: &from, To: &today, Page: attendance.Page{Limit: attendance.MaxPageLimit}})
			if err != nil {
				t.Fatal(err)
			}
			board, err := att.Today(ctx, admin, attendance.TodayFilter{Page: attendance.Page{Limit: attendance.MaxPageLimit}})
			if err != nil {
				t.Fatal(err)
			}
			out, err := json.Marshal([]any{ov, board})
			if err != nil {
				t.Fatal(err)
			}
			return board, string(out)
		}
		_, before := figures(db)
		db.Close()
		if len(before) < 1000 {
			t.Fatalf("the demo company's figures are %q: the test proves nothing", before)
		}
		if err := migrateTo(21); err != nil {
			t.Fatal(err)
		}
		db = open()
		t.Cleanup(func() { db.Close() })
		board, after := figures(db)
		if after != before {
			t.Errorf("the figures changed in the migration:\nbefore: %s\nafter:  %s", before, after)
		}
		clocked := 0
		att := sqlstore.NewAttendanceService(db)
		for _, r := range board.Results {
			emp := attendance.Actor{ID: r.EmployeeID, Role: attendance.RoleEmployee}
			_, err := att.RecordEvent(ctx, emp, attendance.RecordEvent{Type: attendance.Entry})
			switch {
			case err == nil:
				clocked++
			case attendance.ErrorCode(err) != "already_clocked_in":
				t.Errorf("employee %d clocks in: %v", r.EmployeeID, err)
			}
		}
		if clocked == 0 {
			t.Error("nobody was out to clock in: the test proves nothing")
		}
	})
}
