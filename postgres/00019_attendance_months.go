package postgres

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/openattendance/attendance/internal/monthmig"
)

// attendanceMonths is migration 00019: the rollup of the stored days, one
// row of packed days per employee and calendar month, which the overview
// reads (see package monthmig).
func attendanceMonths(logger *slog.Logger) *goose.Migration {
	d := monthmig.Dialect{
		Param: func(n int) string { return "$" + strconv.Itoa(n) },
		Time:  func(t time.Time) any { return t },
	}
	return goose.NewGoMigration(19, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return monthmig.Up(ctx, tx, logger, d, `CREATE TABLE attendance_months (
			employee_id BIGINT NOT NULL REFERENCES employees (id),
			month       DATE NOT NULL, -- its first date
			days        BYTEA NOT NULL,
			PRIMARY KEY (employee_id, month)
		)`)
	}}, &goose.GoFunc{RunTx: monthmig.Down})
}
