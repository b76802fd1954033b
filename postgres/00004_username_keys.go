package postgres

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/openattendance/attendance/internal/rekey"
)

// usernameKeys is migration 00004: every username is stored under its
// RFC 8265 key (see package rekey). It is Go, not SQL, as the key is
// computed by attendance.NormalizeUsername. Down leaves the keys as they
// are: version 3 finds the users whose key did not change.
func usernameKeys(logger *slog.Logger) *goose.Migration {
	d := rekey.Dialect{
		Param: func(n int) string { return "$" + strconv.Itoa(n) },
		Time:  func(t time.Time) any { return t },
	}
	return goose.NewGoMigration(4, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return rekey.Up(ctx, tx, logger, d, time.Now())
	}}, nil)
}
