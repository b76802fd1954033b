package sqlstore

import (
	"context"
	"time"
)

// SetBatches sets how many rows l copies at a time and how many leave ids
// it takes at once, so that a test's few rows span several of each.
func (l *BulkLoader) SetBatches(rows, ids int) { l.copyBatch, l.idBlock = rows, ids }

// NotArrivedPending counts the not_arrived notifications that a run of the
// check over every active employee would store at now: due, not told yet.
func (s *Checks) NotArrivedPending(ctx context.Context, now time.Time) (int, error) {
	return s.notArrived(ctx, now.UTC(), time.Time{}, false)
}

// CheckNotArrivedOverlapping is a run of CheckNotArrived that does not wait
// for, nor skip because of, another under way: what two workers would do
// without the check's lock.
func (s *Checks) CheckNotArrivedOverlapping(ctx context.Context, now time.Time) (int, error) {
	return s.checkNotArrived(ctx, now)
}

// Exclusive runs fn as the named check's run (Checks' lock), reporting
// whether it ran.
func (db *DB) Exclusive(ctx context.Context, name string, fn func() error) (bool, error) {
	return db.exclusive(ctx, name, fn)
}
