package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/openattendance/attendance/internal/chainmig"
)

// approvalChains is migration 00015: every request made before approval
// chains gets its chain (see package chainmig). It is Go, not SQL, as the
// chain is attendance.MigratedApprovalState's.
func approvalChains(logger *slog.Logger) *goose.Migration {
	d := chainmig.Dialect{
		Param: func(int) string { return "?" },
		Time:  func(t time.Time) any { return t.UnixMicro() },
	}
	return goose.NewGoMigration(15, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return chainmig.Up(ctx, tx, logger, d)
	}}, &goose.GoFunc{RunTx: chainmig.Down})
}
