package migsql_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/openattendance/attendance/internal/migsql"
)

func TestDialect(t *testing.T) {
	pg := migsql.Dialect{
		Param: func(n int) string { return fmt.Sprint("$", n) },
		Time:  func(t time.Time) any { return t.UnixMicro() },
	}
	if got, want := pg.Query("UPDATE t SET a = ?, b = 'é' WHERE id = ?"), "UPDATE t SET a = $1, b = 'é' WHERE id = $2"; got != want {
		t.Errorf("Query = %q, want %q", got, want)
	}
	if got := pg.OptionalTime(nil); got != nil {
		t.Errorf("OptionalTime(nil) = %v, want nil", got)
	}
	at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	if got := pg.OptionalTime(&at); got != at.UnixMicro() {
		t.Errorf("OptionalTime = %v, want %d", got, at.UnixMicro())
	}
}
