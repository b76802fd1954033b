package sqlstore

import (
	"context"
	"sync"
)

// Group commit. SQLite has one writer: write transactions run one after the
// other, and each pays for its BEGIN and COMMIT and writes the same hot pages
// (the end of the events table and its index) to the log again. With group
// commit, one goroutine runs the write transactions waiting at that moment in
// one database transaction, each inside its own savepoint — a failing one is
// rolled back alone — and commits once (DB.commit). Every caller is answered
// only after that commit, so a success still means durably committed.

// maxBatch bounds how many writes share one commit.
const maxBatch = 64

// batcher runs write transactions in groups.
type batcher struct {
	db *DB
	// ctx is the groups' transactions' own: never a caller's, whose
	// cancellation must not end the other callers' writes.
	ctx     context.Context
	mu      sync.RWMutex
	closed  bool
	queue   chan *write
	stopped chan struct{}
}

func newBatcher(db *DB) *batcher {
	b := &batcher{db: db, ctx: context.Background(), queue: make(chan *write, maxBatch), stopped: make(chan struct{})}
	go b.loop()
	return b
}

// submit queues w for the next group and returns once the group has
// committed or failed; it returns false, without running w, when the batcher
// is closed.
func (b *batcher) submit(w *write) bool {
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return false
	}
	w.done = make(chan struct{})
	b.queue <- w
	b.mu.RUnlock()
	<-w.done
	return true
}

// close stops taking writes, lets the queued ones commit and waits for them.
func (b *batcher) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	<-b.stopped
}

// loop groups the writes waiting in the queue, up to maxBatch, and commits
// each group before it takes the next.
func (b *batcher) loop() {
	defer close(b.stopped)
	for first := range b.queue {
		group := []*write{first}
	more:
		for len(group) < maxBatch {
			select {
			case w, open := <-b.queue:
				if !open {
					break more
				}
				group = append(group, w)
			default:
				break more
			}
		}
		b.db.commit(b.ctx, group...)
		for _, w := range group {
			close(w.done)
		}
	}
}
