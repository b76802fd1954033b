package sqlstore

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/fnv"
	"sync"
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
	// Taken before whatever the transaction runs next: it may go with it.
	return tx.later(ctx, db.d.AdvisoryLock, key)
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

// exclusive runs fn unless a run of the named check is under way, in this
// process or, where the database has advisory locks (PostgreSQL), in any
// process: River makes one job per period, but a run longer than its
// period would otherwise meet the next one. It reports whether fn ran. The
// database's lock belongs to a connection held for the run, so a worker
// that dies releases it.
func (db *DB) exclusive(ctx context.Context, name string, fn func() error) (ran bool, err error) {
	mu, _ := db.running.LoadOrStore(name, &sync.Mutex{})
	if !mu.(*sync.Mutex).TryLock() {
		return false, nil
	}
	defer mu.(*sync.Mutex).Unlock()
	if db.d.AdvisoryLock == "" {
		return true, fn()
	}
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	key := lockKey("check", name)
	var got bool
	if err := conn.QueryRowContext(ctx, db.q(`SELECT pg_try_advisory_lock(?)`), key).Scan(&got); err != nil || !got {
		return false, err
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), db.q(`SELECT pg_advisory_unlock(?)`), key); uerr != nil {
			// The lock stays with the connection: end it rather than keep it.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return true, fn()
}
