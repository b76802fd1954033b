// Package storetest opens stores for tests: a fresh, migrated database of
// each kind the service runs on, so that one suite runs against all of them.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/auth"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlite"
	"github.com/openattendance/attendance/sqlstore"
)

// Kinds are the databases every store test runs on.
var Kinds = []string{"sqlite", "postgres"}

// ForEach runs f in a parallel subtest per kind of database.
func ForEach(t *testing.T, f func(t *testing.T, kind string)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f(t, kind)
		})
	}
}

// Migration is an extra migration to apply after the store's, e.g. River's.
type Migration func(ctx context.Context, db *sql.DB, dialect string, logger *slog.Logger) error

// DB is an open test database with the store's services on it.
type DB struct {
	*sqlstore.DB
	// Hasher is the cheap hasher of the employee service.
	Hasher        attendance.PasswordHasher
	Employees     *sqlstore.EmployeeService
	Attendance    *sqlstore.AttendanceService
	Leave         *sqlstore.LeaveService
	LeaveTypes    *sqlstore.LeaveTypeService
	Ledger        *sqlstore.LedgerService
	Allowances    *sqlstore.AllowanceService
	Holidays      *sqlstore.HolidayService
	Notifications *sqlstore.NotificationService
	Auth          *sqlstore.AuthStore
	Checks        *sqlstore.Checks
	// Write is the pool that writes (SQLite: the single writer connection).
	Write *sql.DB
	// Dialect is "sqlite" or "postgres".
	Dialect string
	// URL is the PostgreSQL database's; empty on SQLite.
	URL  string
	open func(t testing.TB) *DB
}

// Logger discards everything.
func Logger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Config is the store configuration of the tests.
var Config = sqlstore.Config{CompanyTimezone: "UTC", LowLeaveThreshold: 3, EscalationDays: 3}

// CheapHash keeps argon2id but makes it cheap: tests create many users, and
// the race detector slows hashing tenfold.
var CheapHash = &auth.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Open opens a fresh database of kind, applies the store's migrations and
// then extra, and closes it when the test ends. PostgreSQL needs
// ATTENDANCE_TEST_DATABASE_URL; its databases come emptied from a pool
// (testenv.PostgresDatabase).
func Open(t testing.TB, kind string, extra ...Migration) *DB {
	t.Helper()
	var open func(t testing.TB) *DB
	var migrate func(ctx context.Context, db *sql.DB) error
	switch kind {
	case "sqlite":
		path := filepath.Join(t.TempDir(), "test.db")
		migrate = func(ctx context.Context, db *sql.DB) error { return sqlite.Migrate(ctx, db, Logger()) }
		MigratedSQLite(t, path, schemaName("store", extra), func(ctx context.Context, db *sql.DB) error {
			return migrations(ctx, db, kind, migrate, extra)
		})
		open = func(t testing.TB) *DB {
			conn, err := sqlite.Open(path, sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			return newDB(t, conn.Write, conn.Read, sqlite.Dialect())
		}
	case "postgres":
		migrate = func(ctx context.Context, db *sql.DB) error { return postgres.Migrate(ctx, db, Logger()) }
		url := testenv.PostgresDatabase(t, schemaName("store", extra), func(ctx context.Context, url string) error {
			pool, err := postgres.Open(ctx, url, 1)
			if err != nil {
				return err
			}
			defer pool.Close()
			return migrations(ctx, pool, kind, migrate, extra)
		})
		open = func(t testing.TB) *DB {
			pool, err := postgres.Open(context.Background(), url, 20)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pool.Close() })
			db := newDB(t, pool, pool, postgres.Dialect())
			db.URL = url
			return db
		}
	default:
		t.Fatalf("unknown database %q", kind)
	}
	db := open(t)
	db.open = open
	// A pooled PostgreSQL database comes emptied, built-in leave types too.
	if err := db.EnsureLeaveTypes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// schemaName names the schema that migrations base, then extra, make.
func schemaName(base string, extra []Migration) string {
	for _, m := range extra {
		name := runtime.FuncForPC(reflect.ValueOf(m).Pointer()).Name() // e.g. …/jobs.Migrate
		base += " " + name[strings.LastIndexByte(name, '/')+1:]
	}
	return base
}

// sqliteTemplates are migrated SQLite files by schema, made once per test
// process: migrating an empty file costs a test more than most of its work
// (about a second under the race detector), copying one costs nothing.
var sqliteTemplates sync.Map // schema → *sqliteTemplate

type sqliteTemplate struct {
	once sync.Once
	file []byte
	err  error
}

// MigratedSQLite writes at path, which must not exist yet, the SQLite
// database that migrate makes of an empty one. The migrations run once per
// test process and schema (schema names what migrate does: one schema, one
// migrate); every later call copies that file. The copy is the database a
// first start would leave, so the store opened on it finds nothing left to
// migrate. The tests of the migrations themselves open empty databases
// (OpenUnmigrated).
func MigratedSQLite(t testing.TB, path, schema string, migrate func(ctx context.Context, db *sql.DB) error) {
	t.Helper()
	v, _ := sqliteTemplates.LoadOrStore(schema, &sqliteTemplate{})
	tpl := v.(*sqliteTemplate)
	tpl.once.Do(func() { tpl.file, tpl.err = makeSQLiteTemplate(migrate) })
	if tpl.err != nil {
		t.Fatalf("migrated SQLite database %q: %v", schema, tpl.err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// O_EXCL: a file already there is a database a copy would corrupt.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(tpl.file); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// makeSQLiteTemplate migrates an empty SQLite file and returns its bytes,
// every page written back from the write-ahead log.
func makeSQLiteTemplate(migrate func(ctx context.Context, db *sql.DB) error) ([]byte, error) {
	dir, err := os.MkdirTemp("", "attendance-sqlite-template")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, sqlite.FileName)
	conn, err := sqlite.Open(path, sqlite.Options{})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	err = migrate(ctx, conn.Write)
	if err == nil {
		_, err = conn.Write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, errors.New("the write-ahead log kept pages after the checkpoint")
	}
	return os.ReadFile(path)
}

// migrations applies the store's migrations, then extra.
func migrations(ctx context.Context, db *sql.DB, kind string, store func(context.Context, *sql.DB) error, extra []Migration) error {
	if err := store(ctx, db); err != nil {
		return err
	}
	for _, m := range extra {
		if err := m(ctx, db, kind, Logger()); err != nil {
			return err
		}
	}
	return nil
}

// Reopen opens another set of connections to the same database, as another
// process would; it is not migrated again.
func (db *DB) Reopen(t testing.TB) *DB {
	t.Helper()
	o := db.open(t)
	o.open = db.open
	return o
}

func newDB(t testing.TB, write, read *sql.DB, d sqlstore.Dialect) *DB {
	s, err := sqlstore.New(write, read, d, Config)
	if err != nil {
		t.Fatal(err)
	}
	s.Logger = Logger()
	t.Cleanup(func() { s.Close() })
	hasher := auth.NewHasher(CheapHash, 0)
	return &DB{
		DB:            s,
		Hasher:        hasher,
		Employees:     sqlstore.NewEmployeeService(s, hasher),
		Attendance:    sqlstore.NewAttendanceService(s),
		Leave:         sqlstore.NewLeaveService(s),
		LeaveTypes:    sqlstore.NewLeaveTypeService(s),
		Ledger:        sqlstore.NewLedgerService(s),
		Allowances:    sqlstore.NewAllowanceService(s),
		Holidays:      sqlstore.NewHolidayService(s),
		Notifications: sqlstore.NewNotificationService(s),
		Auth:          sqlstore.NewAuthStore(s),
		Checks:        sqlstore.NewChecks(s),
		Write:         write,
		Dialect:       d.Name,
	}
}

// Unmigrated is an empty database of one kind for the tests of migrations,
// which migrate it step by step and compare what it holds before and after.
type Unmigrated struct {
	// Write writes (SQLite: the single writer connection); Read reads.
	Write, Read *sql.DB
	Dialect     sqlstore.Dialect
	migrateTo   func(ctx context.Context, db *sql.DB, logger *slog.Logger, version int64) error
}

// OpenUnmigrated opens an empty database of kind, closed when the test ends.
// PostgreSQL needs ATTENDANCE_TEST_DATABASE_URL.
func OpenUnmigrated(t testing.TB, kind string) *Unmigrated {
	t.Helper()
	switch kind {
	case "sqlite":
		c, err := sqlite.Open(filepath.Join(t.TempDir(), sqlite.FileName), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return &Unmigrated{Write: c.Write, Read: c.Read, Dialect: sqlite.Dialect(), migrateTo: sqlite.MigrateTo}
	case "postgres":
		url := testenv.PostgresDatabase(t, "empty", nil)
		pool, err := postgres.Open(context.Background(), url, 4)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pool.Close() })
		return &Unmigrated{Write: pool, Read: pool, Dialect: postgres.Dialect(), migrateTo: postgres.MigrateTo}
	}
	t.Fatalf("unknown database %q", kind)
	return nil
}

// MigrateTo applies the store's migrations up to version.
func (u *Unmigrated) MigrateTo(ctx context.Context, logger *slog.Logger, version int64) error {
	return u.migrateTo(ctx, u.Write, logger, version)
}

// Rebind turns a query's ? placeholders into the dialect's ($1, $2, … on
// PostgreSQL), for the tests that run an old version's SQL themselves.
func (u *Unmigrated) Rebind(query string) string {
	if !u.Dialect.NumberedParams {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Store opens the store on the database as it is now, its clock stopped at
// now; the caller closes it (before migrating, to open another after).
func (u *Unmigrated) Store(t testing.TB, now time.Time) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.New(u.Write, u.Read, u.Dialect, Config)
	if err != nil {
		t.Fatal(err)
	}
	db.Logger, db.Now = Logger(), func() time.Time { return now }
	return db
}

// LoadDemo writes the demo company o describes with db's bulk loader, in the
// columns of the schema it finds, and makes its first employee an admin,
// whom it returns: the figures of a migration's test are read as them.
func (u *Unmigrated) LoadDemo(t testing.TB, db *sqlstore.DB, o demo.Options) attendance.Actor {
	t.Helper()
	ctx := context.Background()
	if err := sqlstore.NewBulkLoader(db).Load(ctx, func(w *sqlstore.BulkWriter) error {
		_, err := demo.Generate(ctx, w, "x", o, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Write.ExecContext(ctx, `UPDATE employees SET role = 'admin' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	return attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
}

// Demo is the demo company loaded at a schema version, for a migration's
// test: it reads the figures as Admin on DB, migrates (Migrate), and reads
// them again on the new DB. The clock stays at Now.
type Demo struct {
	*Unmigrated
	DB    *sqlstore.DB
	Admin attendance.Actor
	Now   time.Time
	Today attendance.Date
}

// DemoAt opens an empty database of kind, migrates it to version and loads
// the demo company o describes there, as of now (o's Today and Now are
// set).
func DemoAt(t testing.TB, kind string, version int64, o demo.Options) *Demo {
	t.Helper()
	d := &Demo{Unmigrated: OpenUnmigrated(t, kind), Now: time.Now().UTC()}
	if err := d.MigrateTo(context.Background(), Logger(), version); err != nil {
		t.Fatal(err)
	}
	d.Today = attendance.DateOf(d.Now)
	o.Today, o.Now = d.Today, d.Now
	d.DB = d.Store(t, d.Now)
	d.Admin = d.LoadDemo(t, d.DB, o)
	return d
}

// Migrate closes DB, migrates the database to version and opens DB on it
// again, closed when the test ends.
func (d *Demo) Migrate(t testing.TB, version int64) *sqlstore.DB {
	t.Helper()
	d.DB.Close()
	if err := d.MigrateTo(context.Background(), Logger(), version); err != nil {
		t.Fatal(err)
	}
	d.DB = d.Store(t, d.Now)
	db := d.DB
	t.Cleanup(func() { db.Close() })
	return db
}

// NextEventID is the id the next attendance event of db will get.
func (db *DB) NextEventID(t testing.TB) int64 {
	t.Helper()
	ctx := context.Background()
	q := `SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'attendance_events'), 0) + 1`
	if db.Dialect == "postgres" {
		var seq string
		if err := db.Write.QueryRowContext(ctx, `SELECT pg_get_serial_sequence('attendance_events', 'id')`).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		q = `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM ` + seq
	}
	var next int64
	if err := db.Write.QueryRowContext(ctx, q).Scan(&next); err != nil {
		t.Fatal(err)
	}
	return next
}

// InsertLateArrival stores a late arrival of cause for recipient about
// employee, created at, as an earlier write would have.
func (db *DB) InsertLateArrival(t testing.TB, recipient, employee int64, cause string, created time.Time) {
	t.Helper()
	q := `INSERT INTO notifications (recipient_id, kind, employee_id, message, data, cause, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if db.Dialect == "postgres" {
		q = `INSERT INTO notifications (recipient_id, kind, employee_id, message, data, cause, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`
	}
	if _, err := db.Write.ExecContext(context.Background(), q, recipient, string(attendance.NotifyLateArrival), employee, "stored before", "{}",
		cause, db.DB.Dialect().EncodeTime(created)); err != nil {
		t.Fatal(err)
	}
}
