// Package sqlstore implements the domain's services on database/sql. The SQL
// is shared by SQLite and PostgreSQL; what differs between them (placeholders,
// row locks, how instants are stored, how a unique violation looks) is a
// Dialect, supplied by the sqlite and postgres packages, which also own the
// connections and the migrations.
//
// Every service method owns its transaction: it begins, checks the domain's
// rules against what it reads inside the transaction, writes, and commits, so
// that concurrent requests can never break a rule between the check and the
// write. Messages for live subscribers are handed to an Emitter inside the
// transaction and published only once it has committed.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openattendance/attendance"
)

// Dialect describes a database engine to the shared SQL.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// NumberedParams turns the shared SQL's ? placeholders into $1, $2, ….
	NumberedParams bool
	// ForUpdate is appended to SELECTs that lock the rows they read (PostgreSQL:
	// " FOR NO KEY UPDATE"); SQLite has one writer at a time and needs none.
	ForUpdate string
	// SerializeNotifications runs before notifications are inserted, so that
	// their ids commit in the order they were given (PostgreSQL sequences can
	// commit out of order). Empty on SQLite, whose writes are serial.
	SerializeNotifications string
	// AdvisoryLock takes a lock named by one integer parameter until the
	// transaction ends (PostgreSQL: pg_advisory_xact_lock). Empty on SQLite.
	AdvisoryLock string
	// EncodeTime turns an instant into the value stored in a timestamp column.
	EncodeTime func(time.Time) any
	// IsUniqueViolation reports whether err is a unique constraint violation.
	IsUniqueViolation func(error) bool
	// GroupCommit runs concurrent write transactions in one transaction, each
	// in a savepoint, committing once (SQLite, whose writes are serial anyway).
	GroupCommit bool
}

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
}

// Emitter receives the live messages a write produces. EmitTx is called inside
// the write's transaction (a cluster stores them in a durable job there);
// Committed is called after the commit (a single node publishes them then).
type Emitter interface {
	EmitTx(ctx context.Context, tx *sql.Tx, msgs []attendance.Message) error
	Committed(ctx context.Context, msgs []attendance.Message)
}

// DB is the store. It implements the domain's service interfaces.
type DB struct {
	write *sql.DB // the connection(s) that write; on SQLite exactly one
	read  *sql.DB // the connections that only read; may be the same as write
	d     Dialect
	cfg   Config

	// Now is the clock; tests set it to fixed instants.
	Now func() time.Time
	// Hasher hashes new passwords.
	Hasher attendance.PasswordHasher
	// Emitter receives live messages; nil drops them.
	Emitter Emitter
	// Logger logs what operators need to know.
	Logger *slog.Logger

	company *time.Location
	queries sync.Map // shared SQL → dialect SQL
	writes  *stmtCache
	reads   *stmtCache
	batch   *batcher // group commit, on a single-writer database
}

var (
	_ attendance.EmployeeService     = (*DB)(nil)
	_ attendance.AuthStore           = (*DB)(nil)
	_ attendance.AttendanceService   = (*DB)(nil)
	_ attendance.LeaveService        = (*DB)(nil)
	_ attendance.HolidayService      = (*DB)(nil)
	_ attendance.NotificationService = (*DB)(nil)
)

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
		writes:  newStmtCache(write),
		reads:   newStmtCache(read),
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

// q turns shared SQL into the dialect's, once per query text.
func (db *DB) q(query string) string {
	if !db.d.NumberedParams {
		return query
	}
	if s, ok := db.queries.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	s := b.String()
	db.queries.Store(query, s)
	return s
}

// t encodes an instant for a query argument.
func (db *DB) t(t time.Time) any { return db.d.EncodeTime(t.UTC().Truncate(time.Microsecond)) }

// Tx is a write transaction with the hooks that run after it commits.
type Tx struct {
	*sql.Tx
	db         *DB
	msgs       []attendance.Message
	unprepared []string // queries to prepare once the writer is free
}

// begin starts a write transaction. Once begun it is not cancelled with its
// request (see exec).
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, db.internal("begin", err)
	}
	return &Tx{Tx: tx, db: db}, nil
}

// emit queues live messages; they are handed to the Emitter at commit.
func (tx *Tx) emit(msgs ...attendance.Message) { tx.msgs = append(tx.msgs, msgs...) }

// commit commits and then publishes the queued messages.
func (tx *Tx) commit(ctx context.Context) error {
	em := tx.db.Emitter
	if em != nil && len(tx.msgs) > 0 {
		if err := em.EmitTx(ctx, tx.Tx, tx.msgs); err != nil {
			return tx.db.internal("emit", err)
		}
	}
	if err := tx.Tx.Commit(); err != nil {
		return tx.db.internal("commit", err)
	}
	if em != nil && len(tx.msgs) > 0 {
		em.Committed(context.WithoutCancel(ctx), tx.msgs)
	}
	return nil
}

// inTx runs fn in a write transaction and commits when it returns nil. On a
// single-writer database the transaction may share its commit with others
// (see batch.go); either way, inTx returns after the commit.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.batch != nil {
		if err, ok := db.batch.do(ctx, fn); ok {
			return err
		}
	}
	return db.inOwnTx(ctx, fn)
}

// inOwnTx runs fn in a transaction of its own, never grouped.
func (db *DB) inOwnTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		_ = tx.Rollback()
		for _, q := range tx.unprepared {
			db.writes.getOrPrepare(ctx, q)
		}
	}()
	if err := fn(tx); err != nil {
		var ct commitThen
		if errors.As(err, &ct) {
			if cerr := tx.commit(ctx); cerr != nil {
				return cerr
			}
			return ct.err
		}
		return err
	}
	return tx.commit(ctx)
}

// Statements run with their caller's values but not its cancellation: a
// write transaction runs to its end (a client that hangs up mid-write gets
// nothing half-done), and the SQLite driver then needs no watcher goroutine
// per statement. Short reads do the same; the long overview read keeps it.

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// stmt returns the prepared statement of q for this transaction, or nil when
// q is not prepared yet: it is then prepared once the transaction has ended
// (SQLite's single writer connection is busy until then).
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := tx.db.writes.get(q); st != nil {
		return tx.StmtContext(ctx, st)
	}
	tx.unprepared = append(tx.unprepared, q)
	return nil
}

// queryer runs reads, in a write transaction or on the read pool. The SQL is
// the shared form (? placeholders).
type queryer interface {
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// readPool runs reads on the read pool, with prepared statements.
type readPool struct{ db *DB }

// reader returns what reads outside a write go to.
func (db *DB) reader() queryer { return readPool{db} }

func (r readPool) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	q := r.db.q(query)
	if st := r.db.reads.getOrPrepare(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.read.QueryContext(ctx, q, args...)
}

func (r readPool) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	ctx = context.WithoutCancel(ctx)
	q := r.db.q(query)
	if st := r.db.reads.getOrPrepare(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.read.QueryRowContext(ctx, q, args...)
}

// stmtCache keeps the prepared statements of one pool by query text. SQLite
// parses and plans a statement for every unprepared query, which costs more
// than running most of ours; prepared ones are parsed once per connection.
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

// maxPrepared bounds the cache: queries built from filters vary.
const maxPrepared = 512

func newStmtCache(pool *sql.DB) *stmtCache { return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
}

// getOrPrepare returns the prepared statement of q, preparing it on first
// use; nil when it cannot (the caller runs q unprepared). It never holds the
// lock while preparing: preparing waits for a connection, and on SQLite the
// only writer connection may belong to a transaction that needs the cache.
func (c *stmtCache) getOrPrepare(ctx context.Context, q string) *sql.Stmt {
	if st := c.get(q); st != nil {
		return st
	}
	c.mu.RLock()
	full := len(c.m) >= maxPrepared
	c.mu.RUnlock()
	if full {
		return nil
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[q]; prev != nil {
		st.Close()
		return prev
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

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

// insertID runs an INSERT … RETURNING id.
func (tx *Tx) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// internal wraps an unexpected database error: it is logged with its cause
// by the HTTP layer, and the user sees a plain sentence.
func (db *DB) internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *attendance.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// timeCol scans an instant stored by either dialect.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("cannot scan %T into an instant", src)
	}
	return nil
}

// nullTimeCol scans an optional instant.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// dateCol scans a calendar date stored as TEXT (SQLite) or DATE (PostgreSQL).
type dateCol struct{ d *attendance.Date }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case string:
		d, err := attendance.ParseDate(v)
		*c.d = d
		return err
	case []byte:
		d, err := attendance.ParseDate(string(v))
		*c.d = d
		return err
	case time.Time:
		*c.d = attendance.NewDate(v.Date())
		return nil
	}
	return fmt.Errorf("cannot scan %T into a date", src)
}

// nullDateCol scans an optional date.
type nullDateCol struct{ d **attendance.Date }

func (c nullDateCol) Scan(src any) error {
	if src == nil {
		*c.d = nil
		return nil
	}
	var d attendance.Date
	if err := (dateCol{&d}).Scan(src); err != nil {
		return err
	}
	*c.d = &d
	return nil
}

// pageArgs returns LIMIT/OFFSET values for a page, with the contract's defaults.
func pageArgs(p attendance.Page) (limit, offset int) {
	limit = p.Limit
	if limit <= 0 {
		limit = attendance.DefaultPageLimit
	}
	limit = min(limit, attendance.MaxPageLimit)
	return limit, max(p.Offset, 0)
}

// where collects the conditions and arguments of a query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// addScope adds the condition that col, an employee id, is in the actor's scope.
func (w *where) addScope(a attendance.Actor, col string) {
	cond, args := scopeCond(a, col)
	w.add(cond, args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(w.conds, " AND ")
}

// The advisory locks of the store (see Dialect.AdvisoryLock). Each is taken
// first in its transaction, before any row lock, so that it cannot close a
// cycle of waits.
const (
	// lockOrganisation serialises the changes of who reports to whom, of
	// roles and of the active flag: two such changes each checking the chain
	// or the admins before the other commits could close a reporting cycle
	// or leave no admin, and locking rows in two orders deadlocks.
	lockOrganisation int64 = 7_301_172_002
)

// lock takes an advisory lock until the transaction ends; a no-op where the
// writes are serial anyway (SQLite).
func (db *DB) lock(ctx context.Context, tx *Tx, key int64) error {
	if db.d.AdvisoryLock == "" {
		return nil
	}
	_, err := tx.exec(ctx, db.d.AdvisoryLock, key)
	return db.internal("lock", err)
}

// lockKey names the advisory lock of one thing, e.g. ("login", key): a hash
// of the parts, NUL-separated so that no two lists of parts run together.
func lockKey(parts ...any) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return int64(h.Sum64())
}
