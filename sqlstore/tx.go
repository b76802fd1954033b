package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/openattendance/attendance"
)

// Tx is one caller's write transaction as the store's functions see it: the
// statements they run and the live messages they emit. In a group commit
// (batch.go) several share one database transaction, each in a savepoint.
type Tx struct {
	sqltx      *sql.Tx
	db         *DB
	msgs       []attendance.Message
	unprepared []string // queries to prepare once the writer is free
	// here holds the statements prepared in this transaction (prepareHere).
	here map[string]*sql.Stmt
	// facts holds what the clock event being recorded read in advance
	// (clockFacts); nil outside recordEvent and where it reads fact by fact.
	facts *clockFacts
	// pipe, when set, runs the statements instead of sqltx (pipe.go).
	pipe Pipe
	// keyed holds a clock event's facts read with its idempotency key's
	// records, before the key is replayed (RecordEvent); nil elsewhere.
	keyed *keyedFacts
}

// write is a caller's write: fn, to run in a transaction, and what came of it.
type write struct {
	ctx context.Context
	fn  func(tx *Tx) error
	tx  *Tx
	err error
	// done is closed once err is final; only a write queued for a group has one.
	done chan struct{}
}

// inTx runs fn in a write transaction and returns after the commit that holds
// what fn wrote, with fn's error, or the commit's. On a single-writer database
// the transaction may share its commit with others (see batch.go).
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	w := &write{ctx: ctx, fn: fn}
	if db.batch == nil || !db.batch.submit(w) {
		db.commit(context.WithoutCancel(ctx), w)
	}
	return w.err
}

// commit runs the writes in one database transaction, commits it once and
// sets each write's err: every write of the store reaches the database this
// way. A write alone runs in the transaction itself, and its failure rolls it
// back. In a group each write runs in a savepoint: a failing one, or one that
// panics, is rolled back to it alone and the others commit. A write that
// returns commitThen keeps what it wrote and reports the error it carries.
// The messages of the writes that stand go to the Emitter inside the
// transaction and, once it has committed, to its Committed.
//
// ctx is the transaction's own, never a caller's: one caller's cancellation
// must not end the others' writes. Each fn gets its caller's ctx, whose values
// it keeps and whose cancellation its statements ignore (see exec).
func (db *DB) commit(ctx context.Context, writes ...*write) {
	fail := func(err error) {
		for _, w := range writes {
			w.err = err
		}
	}
	sqltx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	committed := false
	defer func() {
		if !committed {
			_ = sqltx.Rollback()
		}
		for _, w := range writes {
			if w.tx != nil {
				db.prepareLater(ctx, w.tx.unprepared)
			}
		}
	}()
	grouped := len(writes) > 1
	var msgs []attendance.Message
	for _, w := range writes {
		w.tx = &Tx{sqltx: sqltx, db: db}
		if grouped {
			if _, err := sqltx.ExecContext(ctx, `SAVEPOINT write`); err != nil {
				fail(fmt.Errorf("savepoint: %w", err))
				return
			}
		}
		err := runGuarded(w)
		var ct commitThen
		switch {
		case err == nil:
		case errors.As(err, &ct):
			w.err = ct.err
		case !grouped:
			w.err = err
			return // rolled back
		default:
			w.err = err
			w.tx.msgs = nil
			if _, err := sqltx.ExecContext(ctx, `ROLLBACK TO write`); err != nil {
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if grouped {
			if _, err := sqltx.ExecContext(ctx, `RELEASE write`); err != nil {
				fail(fmt.Errorf("release savepoint: %w", err))
				return
			}
		}
		msgs = append(msgs, w.tx.msgs...)
	}
	em := db.Emitter
	if em != nil && len(msgs) > 0 {
		if err := em.EmitTx(ctx, sqltx, msgs); err != nil {
			fail(fmt.Errorf("emit: %w", err))
			return
		}
	}
	if err := sqltx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	committed = true
	if em == nil {
		return
	}
	for _, w := range writes {
		if len(w.tx.msgs) > 0 {
			em.Committed(context.WithoutCancel(w.ctx), w.tx.msgs)
		}
	}
}

// runGuarded runs w's fn, turning a panic into an error of w alone: in a
// group commit the other writes still commit, and the goroutine that runs
// the groups lives on.
func runGuarded(w *write) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic in a write transaction: %v", v)
			w.tx.db.Logger.ErrorContext(w.ctx, "panic in a write transaction", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	return w.fn(w.tx)
}

// commitThen is an error with which a write keeps what it wrote: the
// transaction commits, and the caller gets err.
type commitThen struct{ err error }

func (c commitThen) Error() string { return c.err.Error() }
func (c commitThen) Unwrap() error { return c.err }

// emit queues live messages; they are handed to the Emitter at commit.
func (tx *Tx) emit(msgs ...attendance.Message) { tx.msgs = append(tx.msgs, msgs...) }

// Statements run with their caller's values but not its cancellation: a
// write transaction runs to its end (a client that hangs up mid-write gets
// nothing half-done), and the SQLite driver then needs no watcher goroutine
// per statement. Short reads do the same; the long overview read keeps it.

func (tx *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if tx.pipe != nil {
		n, err := tx.pipe.Exec(ctx, q, args...)
		return pipeResult(n), err
	}
	if st := tx.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.sqltx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, query string, args ...any) (Rows, error) {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if tx.pipe != nil {
		return tx.pipe.Query(ctx, q, args...)
	}
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.sqltx.QueryContext(ctx, q, args...)
}

func (tx *Tx) queryRow(ctx context.Context, query string, args ...any) row {
	ctx = context.WithoutCancel(ctx)
	q := tx.db.q(query)
	if tx.pipe != nil {
		rows, err := tx.pipe.Query(ctx, q, args...)
		return pipeRow{rows, err}
	}
	if st := tx.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.sqltx.QueryRowContext(ctx, q, args...)
}

// stmt returns the prepared statement of q for this transaction, or nil when
// there is none. When the dialect caches statements and q is not prepared
// yet, it is prepared once the transaction has ended (SQLite's single writer
// connection is busy until then).
func (tx *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if tx.db.writes == nil {
		return nil
	}
	if st := tx.db.writes.get(q); st != nil {
		return tx.sqltx.StmtContext(ctx, st)
	}
	if tx.here != nil {
		st := tx.here[q]
		if st == nil {
			var err error
			if st, err = tx.sqltx.PrepareContext(ctx, q); err != nil {
				return nil
			}
			tx.here[q] = st
		}
		return st
	}
	tx.unprepared = append(tx.unprepared, q)
	return nil
}

// prepareHere has the transaction prepare the statements it runs that are
// not in the cache yet, for itself: a long transaction (a bulk load) runs
// them many times before the cache could have them.
func (tx *Tx) prepareHere() { tx.here = map[string]*sql.Stmt{} }

// closePrepared releases the statements of prepareHere.
func (tx *Tx) closePrepared() {
	for _, st := range tx.here {
		st.Close()
	}
	tx.here = nil
}

// insertID runs an INSERT … RETURNING id.
func (tx *Tx) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}
