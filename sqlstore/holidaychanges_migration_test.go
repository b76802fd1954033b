package sqlstore_test

import (
	"testing"

	"github.com/openattendance/attendance/internal/storetest"
)

// TestHolidayChangesMigration builds the demo company at version 23, reads
// everyone's overview of the last 60 days, the board and every balance,
// migrates to 24 (the holiday changes still to settle: a new, empty table)
// and reads them again: the same.
func TestHolidayChangesMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		keepsFigures(t, kind, 23, 24)
	})
}
