package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openattendance/attendance"
)

// Pipe is a transaction on one connection that sends its statements
// in as few round trips as their answers allow (PostgreSQL's pipeline): the
// BEGIN and the statements queued by Later go with the next statement whose
// answer the caller waits for, or with the COMMIT. A clock event is then one
// round trip to read what its rules need (with the BEGIN), one to write
// (with the COMMIT), and one more per answer the write needs first: the
// publish job of cluster mode. A report's reads run on a read-only Pipe
// (inReport): its rows come as the driver reads them.
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
	// CommitReading runs the statements queued, then query, whose rows it
	// hands to read, and commits: one round trip. It returns the COMMIT's
	// outcome.
	CommitReading(ctx context.Context, query string, args []any, read func(Rows)) error
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
// messages, and the COMMIT. The ids of the notifications fn stored, whose
// insert it queued unread (queueNotifications), are read with the COMMIT
// for an Emitter that needs them in Committed; one that has them read
// later (NotificationIDReader), or none, goes without.
func (db *DB) commitPipe(ctx context.Context, w *write) {
	var keep error // a commitThen's error, after the commit
	em := db.Emitter
	var pending []int // the indexes of w.tx.msgs whose ids are read with the COMMIT
	var ids []int64
	var idsErr error
	err := db.d.Pipe(ctx, db.write, false, func(p Pipe) error {
		w.tx = &Tx{pipe: p, db: db}
		if err := runGuarded(w); err != nil {
			var ct commitThen
			if !errors.As(err, &ct) {
				return err
			}
			keep = ct.err
		}
		if em != nil && len(w.tx.msgs) > 0 {
			tx, err := w.tx.driverTx(ctx)
			if err == nil {
				err = em.EmitTx(ctx, tx, w.tx.msgs)
			}
			if err != nil {
				return fmt.Errorf("emit: %w", err)
			}
		}
		var refs []attendance.NotificationRef
		if r, ok := em.(NotificationIDReader); em != nil && (!ok || !r.ReadsNotificationIDs()) {
			for i, m := range w.tx.msgs {
				if m.NotificationIDPending() {
					pending = append(pending, i)
					refs = append(refs, m.Notification.Ref())
				}
			}
		}
		if len(refs) == 0 {
			if err := p.Commit(ctx); err != nil {
				return fmt.Errorf("commit: %w", err)
			}
			return nil
		}
		query, args := notificationIDsQuery(refs)
		if err := p.CommitReading(ctx, db.q(query), args, func(rows Rows) { ids, idsErr = scanNotificationIDs(rows, refs) }); err != nil {
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
	if em == nil || len(w.tx.msgs) == 0 {
		return
	}
	if len(pending) > 0 {
		if idsErr != nil {
			// Committed: the notifications are stored, their messages lost.
			db.Logger.ErrorContext(w.ctx, "notification ids not read: their live messages are not sent", "err", idsErr)
			ids = make([]int64, len(pending))
		}
		w.tx.msgs = withNotificationIDs(w.tx.msgs, pending, ids)
	}
	em.Committed(context.WithoutCancel(w.ctx), w.tx.msgs)
}

// withNotificationIDs returns msgs with the ids of the notifications of
// msgs[pending[i]], ids[i], leaving out those of id 0 (not stored by the
// write: their cause had notified already).
func withNotificationIDs(msgs []attendance.Message, pending []int, ids []int64) []attendance.Message {
	out := make([]attendance.Message, 0, len(msgs))
	j := 0
	for i, m := range msgs {
		if j < len(pending) && pending[j] == i {
			id := ids[j]
			j++
			if id == 0 {
				continue
			}
			m = m.WithNotificationID(id)
		}
		out = append(out, m)
	}
	return out
}
