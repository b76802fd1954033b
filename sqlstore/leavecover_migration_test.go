package sqlstore_test

import (
	"context"
	"strings"
	"testing"

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
		d, db := keepsFigures(t, kind, 22, 23)
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
