package sqlstore

import (
	"context"
	"fmt"
	"hash/fnv"
)

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
	return err
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

// lockEveryone locks every employee's row, in id order, before a change of the
// holiday list: an event being recorded holds its employee's row from before
// it reads the holidays to its commit, so it either commits before the change
// (and is judged again by it) or reads the changed list.
func (db *DB) lockEveryone(ctx context.Context, tx *Tx) error {
	if db.d.ForUpdate == "" {
		return nil
	}
	_, err := tx.exec(ctx, `SELECT id FROM employees ORDER BY id`+db.d.ForUpdate)
	return err
}
