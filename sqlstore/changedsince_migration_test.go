package sqlstore_test

import (
	"testing"

	"github.com/openattendance/attendance/internal/storetest"
)

// TestChangedSinceMigration builds the demo company at version 21, reads
// everyone's overview of the last 60 days, the board and every balance,
// migrates to 22 (indexes of what changed since a ledger job's run, and the
// requests' cancelled_at, empty for the requests cancelled before) and reads
// them again: the same.
func TestChangedSinceMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		keepsFigures(t, kind, 21, 22)
	})
}
