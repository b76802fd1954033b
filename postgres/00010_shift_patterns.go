package postgres

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/openattendance/attendance/internal/shiftmig"
)

// shiftPatterns is migration 00010: every schedule of today becomes a
// one-week pattern of one shift, and the days gain their breaks (see package
// shiftmig). It is Go, not SQL, as the days are derived by attendance.BuildDays.
func shiftPatterns(logger *slog.Logger) *goose.Migration {
	d := shiftmig.Dialect{
		Param: func(n int) string { return "$" + strconv.Itoa(n) },
		Time:  func(t time.Time) any { return t },
	}
	return goose.NewGoMigration(10, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return shiftmig.Up(ctx, tx, logger, d, time.Now())
	}}, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return shiftmig.Down(ctx, tx)
	}})
}
