package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/openattendance/attendance"
)

// Group commit. SQLite has one writer: write transactions run one after the
// other, and each pays for its BEGIN and COMMIT and writes the same hot pages
// (the end of the events table and its index) to the log again. With group
// commit, one goroutine runs the write transactions waiting at that moment in
// one database transaction, each inside its own savepoint — a failing one is
// rolled back alone — and commits once. Every caller is answered only after
// that commit, so a success still means durably committed.

// maxBatch bounds how many writes share one commit.
const maxBatch = 64

type writeRequest struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

// batcher runs write transactions in groups.
type batcher struct {
	db      *DB
	mu      sync.RWMutex
	closed  bool
	queue   chan *writeRequest
	stopped chan struct{}
}

func newBatcher(db *DB) *batcher {
	b := &batcher{db: db, queue: make(chan *writeRequest, maxBatch), stopped: make(chan struct{})}
	go b.run()
	return b
}

// do runs fn in the next group and returns its outcome after the commit; ok is
// false when the batcher is closed.
func (b *batcher) do(ctx context.Context, fn func(tx *Tx) error) (err error, ok bool) {
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return nil, false
	}
	r := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	b.queue <- r
	b.mu.RUnlock()
	return <-r.done, true
}

func (b *batcher) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	<-b.stopped
}

func (b *batcher) run() {
	defer close(b.stopped)
	for first := range b.queue {
		group := []*writeRequest{first}
	more:
		for len(group) < maxBatch {
			select {
			case r, open := <-b.queue:
				if !open {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		b.commit(group)
	}
}

// commit runs a group in one transaction, each request in its own savepoint.
func (b *batcher) commit(group []*writeRequest) {
	db := b.db
	ctx := context.WithoutCancel(group[0].ctx)
	results := make([]error, len(group))
	fail := func(err error) {
		for _, r := range group {
			r.done <- err
		}
	}
	sqltx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		fail(db.internal("begin", err))
		return
	}
	committed := false
	var unprepared []string
	defer func() {
		if !committed {
			_ = sqltx.Rollback()
		}
		for _, q := range unprepared {
			db.writes.getOrPrepare(ctx, q)
		}
	}()
	txs := make([]*Tx, len(group))
	var msgs []attendance.Message
	for i, r := range group {
		tx := &Tx{Tx: sqltx, db: db}
		txs[i] = tx
		if _, err := sqltx.ExecContext(ctx, `SAVEPOINT request`); err != nil {
			fail(db.internal("savepoint", err))
			return
		}
		err := runGuarded(r.ctx, tx, r.fn)
		unprepared = append(unprepared, tx.unprepared...)
		var ct commitThen
		switch {
		case err == nil:
		case errors.As(err, &ct):
			results[i] = ct.err // keep what it wrote, report its error
		default:
			results[i] = err
			tx.msgs = nil
			if _, rerr := sqltx.ExecContext(ctx, `ROLLBACK TO request`); rerr != nil {
				fail(db.internal("rollback to savepoint", rerr))
				return
			}
		}
		if _, err := sqltx.ExecContext(ctx, `RELEASE request`); err != nil {
			fail(db.internal("release savepoint", err))
			return
		}
		msgs = append(msgs, tx.msgs...)
	}
	em := db.Emitter
	if em != nil && len(msgs) > 0 {
		if err := em.EmitTx(ctx, sqltx, msgs); err != nil {
			fail(db.internal("emit", err))
			return
		}
	}
	if err := sqltx.Commit(); err != nil {
		fail(db.internal("commit", err))
		return
	}
	committed = true
	for i, r := range group {
		if em != nil && len(txs[i].msgs) > 0 {
			em.Committed(ctx, txs[i].msgs)
		}
		r.done <- results[i]
	}
}

// runGuarded runs fn, turning a panic into an error for its request alone.
func runGuarded(ctx context.Context, tx *Tx, fn func(tx *Tx) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("sqlstore: panic in a write transaction: %v", v)
			tx.db.Logger.ErrorContext(ctx, "panic in a write transaction", "panic", v)
		}
	}()
	return fn(tx)
}
