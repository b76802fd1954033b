package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/openattendance/attendance/internal/monthmig"
)

// attendanceMonths is migration 00019: the rollup of the stored days, one
// row of packed days per employee and calendar month, which the overview
// reads (see package monthmig). A table with rowids: its rows of about
// 1.2 KB are too wide to sit in the key's own tree.
func attendanceMonths(logger *slog.Logger) *goose.Migration {
	d := monthmig.Dialect{
		Param: func(int) string { return "?" },
		Time:  func(t time.Time) any { return t.UnixMicro() },
	}
	return goose.NewGoMigration(19, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return monthmig.Up(ctx, tx, logger, d, `CREATE TABLE attendance_months (
			employee_id INTEGER NOT NULL REFERENCES employees (id),
			month       TEXT NOT NULL, -- its first date
			days        BLOB NOT NULL,
			PRIMARY KEY (employee_id, month)
		)`)
	}}, &goose.GoFunc{RunTx: monthmig.Down})
}
