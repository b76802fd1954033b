package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
)

// TestLeaveCoverMigration builds the demo company at version 22, reads
// everyone's overview of the last 60 days, the board and every balance,
// migrates to 23 (PostgreSQL's covering index of the approved leave;
// nothing on SQLite) and reads them again: the same. On PostgreSQL the
// overview's leave is then an index-only scan of the new index.
func TestLeaveCoverMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		d := storetest.DemoAt(t, kind, 22, demo.Options{Employees: 20, Days: 90, Seed: 11})
		_, before := demoFigures(t, d, true)
		db := d.Migrate(t, 23)
		if _, after := demoFigures(t, d, true); after != before {
			t.Errorf("the figures changed in the migration:\nbefore: %s\nafter:  %s", before, after)
		}
		if kind != "postgres" {
			return
		}
		var plan string
		if err := db.ExplainOverviewLeave(ctx, d.Today.AddDays(-60), d.Today, &plan); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "Index Only Scan using leave_requests_status_end_cover") {
			t.Errorf("the overview's leave is read as\n%s\nwant an index-only scan of leave_requests_status_end_cover", plan)
		}
	})
}
