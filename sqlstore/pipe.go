package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Pipe is a write transaction on one connection that sends its statements
// in as few round trips as their answers allow (PostgreSQL's pipeline): the
// BEGIN and the statements queued by Later go with the next statement whose
// answer the caller waits for, or with the COMMIT. A clock event is then one
// round trip to read what its rules need (with the BEGIN), one to write
// (with the COMMIT), and one more per answer the write needs first: the
// ids of new notifications, the publish job of cluster mode.
//
// An error of a queued statement is the error of the statement it was sent
// with; the transaction is then rolled back. A Pipe is used by one goroutine.
type Pipe interface {
	// Later queues a statement whose answer nobody reads.
	Later(query string, args ...any)
	// Exec runs the statements queued and then query, returning the rows it
	// changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs the statements queued and then query, returning its rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// Commit runs the statements queued and commits: one round trip.
	Commit(ctx context.Context) error
	// Tx is the transaction as the driver's own type, for a library that
	// writes in it (River's insert of the publish job), begun now if it is
	// not yet. What the library sends runs before the statements queued.
	Tx(ctx context.Context) (any, error)
}

// Rows are the rows of a query, as *sql.Rows has them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Close() error
	Err() error
}

// row is the first row of a query, as *sql.Row has it: sql.ErrNoRows when
// there is none.
type row interface{ Scan(dest ...any) error }

// pipeRow is the row of a query run on a Pipe.
type pipeRow struct {
	rows Rows
	err  error
}

func (r pipeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// pipeResult is what an Exec on a Pipe changed, as sql.Result.
type pipeResult int64

func (r pipeResult) RowsAffected() (int64, error) { return int64(r), nil }
func (pipeResult) LastInsertId() (int64, error) {
	return 0, errors.New("sqlstore: no LastInsertId on a pipeline; use RETURNING")
}

// driverTx is the transaction as its driver has it, for a library that
// writes in it (River): the *sql.Tx, or the Pipe's.
func (tx *Tx) driverTx(ctx context.Context) (any, error) {
	if tx.pipe != nil {
		return tx.pipe.Tx(ctx)
	}
	return tx.sqltx, nil
}

// later runs a statement whose answer nobody reads: on a Pipe it goes with
// the transaction's next round trip (its error then fails that one), on
// database/sql at once.
func (tx *Tx) later(ctx context.Context, query string, args ...any) error {
	if tx.pipe != nil {
		tx.pipe.Later(tx.db.q(query), args...)
		return nil
	}
	_, err := tx.exec(ctx, query, args...)
	return err
}

// inPipe runs fn as inTx does, on a Pipe where the dialect has one;
// elsewhere it is inTx.
func (db *DB) inPipe(ctx context.Context, fn func(tx *Tx) error) error {
	if db.d.Pipe == nil {
		return db.inTx(ctx, fn)
	}
	w := &write{ctx: ctx, fn: fn}
	db.commitPipe(context.WithoutCancel(ctx), w)
	return w.err
}

// commitPipe is commit for one write on a Pipe: fn, the publish job of its
// messages, and the COMMIT.
func (db *DB) commitPipe(ctx context.Context, w *write) {
	var keep error // a commitThen's error, after the commit
	err := db.d.Pipe(ctx, db.write, false, func(p Pipe) error {
		w.tx = &Tx{pipe: p, db: db}
		if err := runGuarded(w); err != nil {
			var ct commitThen
			if !errors.As(err, &ct) {
				return err
			}
			keep = ct.err
		}
		if em := db.Emitter; em != nil && len(w.tx.msgs) > 0 {
			tx, err := w.tx.driverTx(ctx)
			if err == nil {
				err = em.EmitTx(ctx, tx, w.tx.msgs)
			}
			if err != nil {
				return fmt.Errorf("emit: %w", err)
			}
		}
		if err := p.Commit(ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
	switch {
	case err != nil:
		w.err = err
		return
	case keep != nil:
		w.err = keep
	}
	if em := db.Emitter; em != nil && len(w.tx.msgs) > 0 {
		em.Committed(context.WithoutCancel(w.ctx), w.tx.msgs)
	}
}
