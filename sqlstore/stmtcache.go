package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the prepared statements of one pool by query text
// (Dialect.CacheStatements). SQLite parses and plans a statement for every
// unprepared query, which costs more than running most of ours; prepared ones
// are parsed once per connection. A nil cache keeps nothing: every query runs
// unprepared, as the dialect's driver prepares it.
type stmtCache struct {
	pool *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
}

// maxPrepared bounds the cache: queries built from filters vary.
const maxPrepared = 512

func newStmtCache(pool *sql.DB) *stmtCache { return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}} }

// get returns the prepared statement of q, nil when there is none.
func (c *stmtCache) get(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[q]
}

// getOrPrepare returns the prepared statement of q, preparing it on first
// use; nil when it cannot (the caller runs q unprepared). It never holds the
// lock while preparing: preparing waits for a connection, and on SQLite the
// only writer connection may belong to a transaction that needs the cache.
func (c *stmtCache) getOrPrepare(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
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
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		st.Close()
		delete(c.m, q)
	}
}

// prepareLater prepares the queries a write transaction ran unprepared, now
// that the writer is free.
func (db *DB) prepareLater(ctx context.Context, queries []string) {
	for _, q := range queries {
		db.writes.getOrPrepare(ctx, q)
	}
}
