package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL test databases. Creating a database costs the server a copy of
// its template, more than most tests take; emptying one that a finished test
// used costs a few deletes. So the databases are kept in a pool per schema
// (what setup makes of an empty database), handed to one test at a time and
// emptied when it ends.
//
// A pooled database is named after its schema and a slot number, and a
// process owns a slot by holding a session advisory lock of that name for as
// long as it runs: test processes of several packages at once take different
// slots, and a slot a process left behind (it ended, or crashed) is taken
// again, dropped and made anew by the next. So the server keeps a few
// databases per schema between runs, never more than the tests ever needed
// at once.

// PostgresDatabase returns the URL of a database on the server of
// ATTENDANCE_TEST_DATABASE_URL for the test alone, with the schema that
// setup makes of an empty database (schema names it: databases of one name
// must come out of one setup). The database is a fresh one, or one that a
// finished test used and that was emptied since: every row deleted, every
// sequence restarted, the schema kept. With a nil setup it is always a new,
// empty database. Without the variable the test is skipped
// (ATTENDANCE_TEST_REQUIRE=1: failed).
func PostgresDatabase(t testing.TB, schema string, setup func(ctx context.Context, url string) error) string {
	t.Helper()
	base := Lookup(t, DatabaseURLVar, "PostgreSQL")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := pgPool.take(ctx, base, schema, setup)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() { pgPool.give(db) })
	return db.url
}

// pgPool is the process's pool of test databases.
var pgPool = &pgDatabases{free: map[string][]*pgDatabase{}}

type pgDatabases struct {
	mu   sync.Mutex
	free map[string][]*pgDatabase // by schema
	// locks holds the session locks of the slots this process owns.
	locks *sql.Conn
	admin *sql.DB
	slots map[string]int // the next slot number to try, by schema
}

// pgDatabase is a pooled database.
type pgDatabase struct {
	name, url, schema string
	// once: a database without a setup, never handed out again.
	once bool
}

var schemaName = regexp.MustCompile(`[^a-z0-9]+`)

// take returns a free database of schema, or makes one in a new slot.
func (p *pgDatabases) take(ctx context.Context, base, schema string, setup func(context.Context, string) error) (*pgDatabase, error) {
	p.mu.Lock()
	if free := p.free[schema]; len(free) > 0 {
		db := free[len(free)-1]
		p.free[schema] = free[:len(free)-1]
		p.mu.Unlock()
		return db, nil
	}
	if p.admin == nil {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			p.mu.Unlock()
			return nil, err
		}
		conn, err := admin.Conn(ctx)
		if err != nil {
			admin.Close()
			p.mu.Unlock()
			return nil, err
		}
		p.admin, p.locks, p.slots = admin, conn, map[string]int{}
	}
	// Claim the next slot no other process holds.
	prefix := "attendance_test_" + strings.Trim(schemaName.ReplaceAllString(strings.ToLower(schema), "_"), "_") + "_"
	var name string
	for {
		n := p.slots[schema]
		p.slots[schema] = n + 1
		name = fmt.Sprint(prefix, n)
		var ok bool
		if err := p.locks.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, lockID(name)).Scan(&ok); err != nil {
			p.mu.Unlock()
			return nil, fmt.Errorf("claim %s: %w", name, err)
		}
		if ok {
			break
		}
	}
	admin := p.admin
	p.mu.Unlock()

	// Made anew, so that its schema is this code's.
	for _, stmt := range []string{
		`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
		`CREATE DATABASE ` + name,
		// Commits that need not wait for the disk: a test database is worth
		// nothing after a crash of the server.
		`ALTER DATABASE ` + name + ` SET synchronous_commit = off`,
	} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", DatabaseURLVar, err)
	}
	u.Path = "/" + name
	db := &pgDatabase{name: name, url: u.String(), schema: schema, once: setup == nil}
	if setup != nil {
		if err := setup(ctx, db.url); err != nil {
			return nil, fmt.Errorf("set up %s: %w", name, err)
		}
	}
	return db, nil
}

// give empties a database a test has finished with and puts it back in the
// pool; one that cannot be emptied is dropped.
func (p *pgDatabases) give(db *pgDatabase) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if db.once {
		p.drop(ctx, db)
		return
	}
	if err := empty(ctx, db.url); err != nil {
		p.drop(ctx, db)
		return
	}
	p.mu.Lock()
	p.free[db.schema] = append(p.free[db.schema], db)
	p.mu.Unlock()
}

// drop drops a database; its slot stays this process's, unused.
func (p *pgDatabases) drop(ctx context.Context, db *pgDatabase) {
	p.mu.Lock()
	admin := p.admin
	p.mu.Unlock()
	_, _ = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+db.name+` WITH (FORCE)`)
}

// migrationTables record which migrations ran: emptying keeps them.
var migrationTables = []string{"goose_db_version", "river_migration"}

// empty deletes every row of the database at url but the migrations' own,
// children before their parents, and restarts every sequence.
func empty(ctx context.Context, url string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	// Whoever the finished test left connected goes first.
	if _, err := db.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		return err
	}
	tables, err := deleteOrder(ctx, db)
	if err != nil {
		return err
	}
	// Append-only tables (the leave ledger) refuse DELETE by a trigger; a
	// replica session fires no triggers.
	stmts := []string{`SET session_replication_role = replica`}
	for _, table := range tables {
		stmts = append(stmts, `DELETE FROM `+table)
	}
	stmts = append(stmts, `SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'S' AND n.nspname = 'public'`)
	_, err = db.ExecContext(ctx, strings.Join(stmts, ";\n"))
	return err
}

// deleteOrder lists the tables of the public schema but the migration
// tables, each after every table whose rows refer to it.
func deleteOrder(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT quote_ident(c.relname),
			COALESCE((SELECT string_agg(DISTINCT quote_ident(r.relname), ' ') FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid
				WHERE k.contype = 'f' AND k.confrelid = c.oid AND k.conrelid <> c.oid), '')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public' AND c.relname NOT IN ('`+strings.Join(migrationTables, "', '")+`')
		ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	referrers := map[string][]string{}
	var names []string
	for rows.Next() {
		var name, refs string
		if err := rows.Scan(&name, &refs); err != nil {
			return nil, err
		}
		names = append(names, name)
		referrers[name] = strings.Fields(refs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var order []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if done[name] {
			return
		}
		done[name] = true
		for _, r := range referrers[name] {
			visit(r)
		}
		order = append(order, name)
	}
	for _, name := range names {
		visit(name)
	}
	return order, nil
}

// lockID is the advisory lock of a slot's name.
func lockID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("attendance test database " + name))
	return int64(h.Sum64())
}

// RoundTrips counts the round trips of a pool's connections to the server:
// a connection that writes after it has read (or for the first time) sent
// a request and will wait for its answer. A pipeline of statements is one.
type RoundTrips struct{ n atomic.Int64 }

// Count returns the round trips so far.
func (r *RoundTrips) Count() int64 { return r.n.Load() }

// CountedPostgres opens a pool on the database at url whose round trips
// are counted, closed when the test ends.
func CountedPostgres(t testing.TB, url string) (*sql.DB, *RoundTrips) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	rt := &RoundTrips{}
	dial := cfg.DialFunc
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cc := &countedConn{Conn: c, rt: rt}
		cc.answered.Store(true)
		return cc, nil
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db, rt
}

// countedConn counts its round trips into rt.
type countedConn struct {
	net.Conn
	rt       *RoundTrips
	answered atomic.Bool // read since the last write (pgx may read in the background)
}

func (c *countedConn) Write(p []byte) (int, error) {
	if c.answered.Swap(false) {
		c.rt.n.Add(1)
	}
	return c.Conn.Write(p)
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.answered.Store(true)
	}
	return n, err
}
