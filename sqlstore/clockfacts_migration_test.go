package sqlstore_test

import (
	"context"
	"testing"

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
		d := storetest.DemoAt(t, kind, 20, demo.Options{Employees: 20, Days: 90, Seed: 11})
		_, before := demoFigures(t, d, false)
		db := d.Migrate(t, 21)
		board, after := demoFigures(t, d, false)
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
