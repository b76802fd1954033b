package postgres

import "testing"

// TestImportSnapshot: the snapshot's name goes into SET TRANSACTION quoted
// only when it is what pg_export_snapshot makes; anything else is refused.
func TestImportSnapshot(t *testing.T) {
	for _, name := range []string{"00000003-0000001B-1", "0000000A-00000ABC", "00000003-0000001b-12"} {
		if q, err := importSnapshot(name); err != nil || q != "SET TRANSACTION SNAPSHOT '"+name+"'" {
			t.Errorf("importSnapshot(%q) = %q, %v", name, q, err)
		}
	}
	for _, name := range []string{"", "00000003", "0000-'; DROP TABLE employees; --", "00000003-0000001B-1'", "00000003-0000001B-1\n", "x-y"} {
		if q, err := importSnapshot(name); err == nil {
			t.Errorf("importSnapshot(%q) = %q, want an error", name, q)
		}
	}
}
