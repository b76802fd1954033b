// Package sqlite opens the embedded SQLite database (modernc.org/sqlite, no
// cgo) for the shared store, with its own migrations.
//
// SQLite allows one writer at a time. The store gets a pool of exactly one
// connection for writes, whose transactions begin IMMEDIATE (they take the
// write lock at BEGIN, so a read-then-write transaction never fails to upgrade
// its lock), and a separate pool of read-only connections, which WAL mode lets
// read while the writer writes.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/openattendance/attendance/internal/rekey"
	"github.com/openattendance/attendance/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// SQLite's own lower() folds only ASCII letters; the store's case-insensitive
// searches (lower(name) LIKE lower(query)) must find "Ängström" by "ängström"
// as PostgreSQL does. This lower() folds every letter, on every connection.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		default:
			return strings.ToLower(fmt.Sprint(v)), nil
		}
	})
}

// FileName is the database file in the data directory.
const FileName = "attendance.db"

// Conn is an open database: one writer, several readers.
type Conn struct {
	Write *sql.DB
	Read  *sql.DB
	Path  string
}

// Options tune the connection.
type Options struct {
	// Synchronous is the PRAGMA synchronous level: "NORMAL" (default; in WAL
	// mode it survives a crash of the process, and may lose the last commits on
	// a power loss) or "FULL" (syncs every commit).
	Synchronous string
	// Readers is the size of the read pool; default 2 × CPUs, at least 4.
	Readers int
}

// Open opens (and creates) the database file at path.
func Open(path string, opt Options) (*Conn, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: data directory: %w", err)
	}
	// The file holds password hashes: readable by the service's user only
	// (SQLite gives its -wal and -shm files the same mode).
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
	}
	if opt.Synchronous == "" {
		opt.Synchronous = "NORMAL"
	}
	if opt.Synchronous != "NORMAL" && opt.Synchronous != "FULL" {
		return nil, fmt.Errorf("sqlite: synchronous must be NORMAL or FULL, not %q", opt.Synchronous)
	}
	if opt.Readers <= 0 {
		opt.Readers = max(4, 2*runtime.NumCPU())
	}
	pragmas := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(" + opt.Synchronous + ")"} {
		pragmas.Add("_pragma", p)
	}
	w := url.Values{"_txlock": {"immediate"}}
	w["_pragma"] = pragmas["_pragma"]
	write, err := sql.Open("sqlite", "file:"+path+"?"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	r := url.Values{}
	r["_pragma"] = append(pragmas["_pragma"], "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+r.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	read.SetMaxOpenConns(opt.Readers)
	read.SetMaxIdleConns(opt.Readers)
	read.SetConnMaxIdleTime(0)

	// Open the file now, so that a bad path fails at start and not at the first request.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &Conn{Write: write, Read: read, Path: path}, nil
}

// Close closes both pools.
func (c *Conn) Close() error {
	return errors.Join(c.Read.Close(), c.Write.Close())
}

// Migrate applies the embedded schema migrations that have not run yet.
func (c *Conn) Migrate(ctx context.Context, logger *slog.Logger) error {
	return Migrate(ctx, c.Write, logger)
}

// Migrate applies the embedded schema migrations to the database behind the
// writer pool db.
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
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithSlog(logger), goose.WithDisableGlobalRegistry(true),
		goose.WithAllowOutofOrder(true), goose.WithGoMigrations(goMigrations(logger)...))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	res, err := up(ctx, p, version)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	for _, r := range res {
		logger.Info("migration applied", "version", r.Source.Version, "took", r.Duration)
	}
	// Usernames that became one name stay reported until an admin renames them.
	if err := rekey.Report(ctx, db, logger); err != nil {
		return fmt.Errorf("sqlite: usernames: %w", err)
	}
	return nil
}

// Dialect returns the store dialect of SQLite.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Name:              "sqlite",
		EncodeTime:        func(t time.Time) any { return t.UnixMicro() },
		IsUniqueViolation: isUniqueViolation,
		GroupCommit:       true,
		CacheStatements:   true,
	}
}

func isUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
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
