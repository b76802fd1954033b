package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openattendance/attendance"
)

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

// insertID runs an INSERT … RETURNING id.
func (tx *Tx) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}
