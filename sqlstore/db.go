// Package sqlstore implements the domain's services on database/sql. The SQL
// is shared by SQLite and PostgreSQL; what differs between them (placeholders,
// row locks, how instants are stored, how a unique violation looks) is a
// Dialect, supplied by the sqlite and postgres packages, which also own the
// connections and the migrations.
//
// Each noun of the domain has a service type, made on one shared DB:
// EmployeeService, AttendanceService, LeaveService, HolidayService,
// NotificationService and AuthStore implement the root package's interfaces;
// Checks runs the periodic checks and BulkLoader loads a demo company.
//
// Every service method owns its transaction: it begins, checks the domain's
// rules against what it reads inside the transaction, writes, and commits, so
// that concurrent requests can never break a rule between the check and the
// write. Every write reaches the database through DB.commit (tx.go); on
// SQLite, writes that wait at the same moment share one (batch.go); on
// PostgreSQL a clock event's goes through DB.commitPipe instead, its
// statements pipelined in a few round trips (pipe.go). Messages
// for live subscribers are handed to an Emitter inside the transaction and
// published only once it has committed.
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/openattendance/attendance"
)

// Config is the company policy the services apply.
type Config struct {
	// CompanyTimezone is the default time zone of new employees and the zone of
	// "today" in defaults.
	CompanyTimezone string
	// LowLeaveThreshold is the remaining annual leave at or below which a
	// low-balance notification is sent.
	LowLeaveThreshold float64
	// LatePenaltyMinutes: every this many late minutes in a year cost a day of
	// annual leave; 0 turns the policy off.
	LatePenaltyMinutes int
	// EscalationDays: working days an approval step may wait before the
	// next level up is told; 0 turns escalation off (docs/approvals.md).
	EscalationDays int
	// CompanyWorkDays are the working days escalation counts; zero means
	// Monday to Friday.
	CompanyWorkDays attendance.Weekdays
}

// Emitter receives the live messages a write produces. EmitTx is called inside
// the write's transaction (a cluster stores them in a durable job there): tx
// is a *sql.Tx, or a Pipe's Tx (on PostgreSQL, pgx's pgx.Tx). Committed is
// called after the commit (a single node publishes them then).
//
// On a Pipe, a notification's insert goes with the COMMIT, unread: EmitTx
// gets its message without the id (attendance.Message.NotificationIDPending),
// which is read with the COMMIT, and Committed gets it with the id — unless
// the Emitter is a NotificationIDReader.
type Emitter interface {
	EmitTx(ctx context.Context, tx any, msgs []attendance.Message) error
	Committed(ctx context.Context, msgs []attendance.Message)
}

// NotificationIDReader is an Emitter that has the ids of notification
// messages read after the commit: cluster mode's publish job, whose worker
// reads them (NotificationService.NotificationIDs) before it publishes.
// A write on a Pipe then reads no ids at all: its Committed gets the
// messages without them, as EmitTx does.
type NotificationIDReader interface {
	Emitter
	ReadsNotificationIDs() bool
}

// DB is the store's shared executor: the pools, the dialect, the company
// policy, the clock and where live messages go. The services of the domain's
// nouns (NewEmployeeService, NewAttendanceService, …) all run on one DB, and
// share its helpers (scope, holidays, notifications, idempotency).
type DB struct {
	write *sql.DB // the connection(s) that write; on SQLite exactly one
	read  *sql.DB // the connections that only read; may be the same as write
	d     Dialect
	cfg   Config

	// Now is the clock; tests set it to fixed instants.
	Now func() time.Time
	// Emitter receives live messages; nil drops them.
	Emitter Emitter
	// Logger logs what operators need to know.
	Logger *slog.Logger

	company *time.Location
	queries sync.Map   // shared SQL → dialect SQL
	writes  *stmtCache // nil unless the dialect caches statements
	reads   *stmtCache
	batch   *batcher // group commit, on a single-writer database
	mail    *MailConfig
	running sync.Map // check name → *sync.Mutex, held while it runs (exclusive)
	// holidayBatch is how many employees' days a transaction judges again
	// after a holiday change; 0: holidayBatchSize (tests set it).
	holidayBatch int
}

// overviewDaysFunc reads each employee's stored days from first to last.
type overviewDaysFunc func(ctx context.Context, emps []*attendance.Employee, first, last attendance.Date) (map[int64][]attendance.Day, error)

// testOverviewDays is set by the tests only (export_test.go): it returns
// the reader of the days that db's overview sums instead of the rollup's,
// nil for the rollup.
var testOverviewDays func(db *DB) overviewDaysFunc

// overviewDays returns the days reader a test gave db, nil in the service.
func (db *DB) overviewDays() overviewDaysFunc {
	if testOverviewDays == nil {
		return nil
	}
	return testOverviewDays(db)
}

// New returns a store on the given pools. write must serialise writers the way
// the engine needs (SQLite: one connection, immediate transactions); read may be
// the same pool.
func New(write, read *sql.DB, d Dialect, cfg Config) (*DB, error) {
	if cfg.CompanyTimezone == "" {
		cfg.CompanyTimezone = "UTC"
	}
	loc, err := attendance.LoadLocation(cfg.CompanyTimezone)
	if err != nil {
		return nil, fmt.Errorf("company time zone: %w", err)
	}
	if read == nil {
		read = write
	}
	db := &DB{
		write: write, read: read, d: d, cfg: cfg,
		Now:     func() time.Time { return time.Now() },
		Logger:  slog.Default(),
		company: loc,
	}
	if d.CacheStatements {
		db.writes, db.reads = newStmtCache(write), newStmtCache(read)
	}
	if d.GroupCommit {
		db.batch = newBatcher(db)
	}
	return db, nil
}

// Dialect returns the store's dialect.
func (db *DB) Dialect() Dialect { return db.d }

// WriteDB returns the pool that writes, for jobs that share its transactions.
func (db *DB) WriteDB() *sql.DB { return db.write }

// Ping reports whether the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// now returns the current instant, truncated to what the database stores.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// companyToday returns the company's date now.
func (db *DB) companyToday() attendance.Date { return attendance.DateOf(db.now().In(db.company)) }

// Close stops the group commit and releases the prepared statements (the
// pools belong to the caller).
func (db *DB) Close() error {
	if db.batch != nil {
		db.batch.close()
	}
	db.writes.close()
	db.reads.close()
	return nil
}
