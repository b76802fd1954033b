// Package postgres opens a PostgreSQL database (through pgx's database/sql
// driver) for the shared store, with its own migrations. Several replicas may
// use one database: writes lock the rows they check, and migrations take a
// session lock so that replicas starting together apply them once.
package postgres

import (
	"bufio"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/openattendance/attendance/internal/rekey"
	"github.com/openattendance/attendance/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// readBuffer is how much a connection reads from its socket at a time, at
// most. pgx reads 8 KB a call: the overview's year over 100,000 employees
// (1.5 GB of the rollup) took 180,000 reads, 1.2 s of CPU in the system
// calls alone.
const readBuffer = 256 << 10

// Open connects to the database at url (postgres://…).
func Open(ctx context.Context, url string, maxConns int) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(r, readBuffer), w)
	}
	db := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(registerScanners))
	if maxConns <= 0 {
		maxConns = 20
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	return db, nil
}

// Migrate applies the embedded schema migrations that have not run yet,
// holding a session lock so that concurrent replicas do not race.
func Migrate(ctx context.Context, db *sql.DB, logger *slog.Logger) error {
	return MigrateTo(ctx, db, logger, 0)
}

// MigrateTo applies the migrations up to and including version, or all of
// them when version is 0. Tests use it to build a database as an earlier
// version left it, then migrate it the rest of the way.
//
// A migration missing below the newest applied one is applied too (goose's
// out-of-order mode): migrations land on main in version order, so in use it
// never happens, and a test may remove one version's record to run it again.
func MigrateTo(ctx context.Context, db *sql.DB, logger *slog.Logger, version int64) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker),
		goose.WithSlog(logger), goose.WithDisableGlobalRegistry(true), goose.WithAllowOutofOrder(true),
		goose.WithGoMigrations(goMigrations(logger)...))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	res, err := up(ctx, p, version)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, r := range res {
		logger.Info("migration applied", "version", r.Source.Version, "took", r.Duration)
	}
	// Usernames that became one name stay reported until an admin renames them.
	if err := rekey.Report(ctx, db, logger); err != nil {
		return fmt.Errorf("postgres: usernames: %w", err)
	}
	return nil
}

// notificationLock is the advisory lock key that orders notification inserts.
const notificationLock = 7_301_172_001

// Dialect returns the store dialect of PostgreSQL.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:           "postgres",
		NumberedParams: true,
		// The rows a write locks are never deleted and their ids never change:
		// FOR NO KEY UPDATE excludes the other writers just the same, and still
		// lets rows elsewhere refer to them (an event's recorded_by, a
		// notification's recipient). FOR UPDATE would make two admins
		// correcting each other's attendance deadlock.
		ForUpdate: " FOR NO KEY UPDATE",
		// Notification ids come from a sequence, and sequences can commit out of
		// order; taking this lock before the insert (held to the commit) makes
		// ids commit in order, so a replay "after id N" can never skip one.
		SerializeNotifications: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", notificationLock),
		AdvisoryLock:           "SELECT pg_advisory_xact_lock(?)",
		WritableCTEs:           true,
		EncodeTime:             func(t time.Time) any { return t },
		IsUniqueViolation:      isUniqueViolation,
		Copy:                   copyFrom,
		Pipe:                   runPipe,
		NextIDs:                "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, ?)",
		// A bulk load (the demo company) refers only to rows it has written
		// itself; the per-row foreign-key checks are half of its time. A
		// superuser skips them for the transaction, as pg_restore
		// --disable-triggers does; any other role keeps them. (Every other
		// trigger of the schema refuses updates and deletes, never inserts.)
		BulkSetup: "SELECT set_config('session_replication_role', 'replica', true) WHERE current_setting('is_superuser') = 'on'",
		// For the overview's reads only (set_config's local: until their
		// read-only transaction ends), not the database's or the pool's: the
		// clock's statements never cost enough to be compiled, and other
		// reports may yet gain from it. The rollup's rows are read in its
		// primary key's order, a page apart each: at the default random
		// page cost (4, a spinning disk's) the planner preferred to scan
		// every month kept and sort the range's rows on disk, 2.7 s for a
		// month over 100,000 people against 0.2–1.3 s through the index.
		ReportSetup: "SELECT set_config('jit', 'off', true), set_config('random_page_cost', '1.1', true)",
	}
}

// copyFrom loads rows with COPY on pgx's own connection under conn, in the
// transaction open on it: database/sql has no COPY.
func copyFrom(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: copy into %s: the connection is a %T, not pgx's", table, dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
		return err
	})
}

func isUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// goMigrations are the migrations written in Go, in version order; the SQL
// ones are the files of migrations/.
func goMigrations(logger *slog.Logger) []*goose.Migration {
	return []*goose.Migration{usernameKeys(logger), shiftPatterns(logger), approvalChains(logger), attendanceMonths(logger)}
}

// up applies the migrations up to version, or all of them when it is 0.
func up(ctx context.Context, p *goose.Provider, version int64) ([]*goose.MigrationResult, error) {
	if version == 0 {
		return p.Up(ctx)
	}
	return p.UpTo(ctx, version)
}
