package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Dialect describes a database engine to the shared SQL.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// NumberedParams turns the shared SQL's ? placeholders into $1, $2, ….
	NumberedParams bool
	// ForUpdate is appended to SELECTs that lock the rows they read (PostgreSQL:
	// " FOR NO KEY UPDATE"); SQLite has one writer at a time and needs none.
	ForUpdate string
	// SerializeNotifications runs before notifications are inserted, so that
	// their ids commit in the order they were given (PostgreSQL sequences can
	// commit out of order). Empty on SQLite, whose writes are serial.
	SerializeNotifications string
	// AdvisoryLock takes a lock named by one integer parameter until the
	// transaction ends (PostgreSQL: pg_advisory_xact_lock). Empty on SQLite.
	AdvisoryLock string
	// WritableCTEs: statements may modify data in WITH (PostgreSQL). A clock
	// event then reads what its rules need in one statement (clockFacts) and
	// writes the event and its day in one more; SQLite, whose statements are
	// calls inside this process, runs them one by one.
	WritableCTEs bool
	// EncodeTime turns an instant into the value stored in a timestamp column.
	EncodeTime func(time.Time) any
	// IsUniqueViolation reports whether err is a unique constraint violation.
	IsUniqueViolation func(error) bool
	// GroupCommit runs concurrent write transactions in one transaction, each
	// in a savepoint, committing once (SQLite, whose writes are serial anyway).
	GroupCommit bool
	// CacheStatements keeps every query prepared, by its text (SQLite, which
	// otherwise parses and plans each statement it runs). PostgreSQL's driver
	// prepares and caches the statements of each connection itself.
	CacheStatements bool
	// Copy loads rows into a table in bulk on conn, inside the transaction
	// open on it (PostgreSQL: COPY … FROM STDIN). Nil: a bulk load inserts
	// many rows per statement instead.
	Copy func(ctx context.Context, conn *sql.Conn, table string, columns []string, rows [][]any) error
	// NextIDs selects new values of a table's identity column, one a row, for
	// rows that Copy loads and others refer to: the parameters are the table
	// and how many. Set with Copy.
	NextIDs string
	// BulkSetup, if set, runs first in the transaction of a bulk load with
	// Copy (PostgreSQL: the foreign-key triggers off, where the role may).
	BulkSetup string
	// ReportSetup, if set, runs first in the read-only transaction that
	// holds a report's large reads (the overview's rollup and leave over
	// many people). PostgreSQL turns JIT compilation off there: it compiled
	// for up to 4.5 s of a year's 7.4 s read of the rollup, to read rows
	// whose expressions are a few comparisons; and costs a page read at
	// random as memory or an SSD does. Empty: no transaction.
	ReportSetup string
	// Pipe, if set, runs fn in a transaction (read-only, on one snapshot,
	// if readOnly) on a connection of db that pipelines its statements and
	// reads rows as the driver has them (pipe.go), and rolls it back unless
	// fn committed it. Nil: every write is a database/sql transaction, and a
	// report's reads go to the read pool.
	Pipe func(ctx context.Context, db *sql.DB, readOnly bool, fn func(Pipe) error) error
}

// q turns shared SQL into the dialect's, once per query text.
func (db *DB) q(query string) string {
	if !db.d.NumberedParams {
		return query
	}
	if s, ok := db.queries.Load(query); ok {
		return s.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	s := b.String()
	db.queries.Store(query, s)
	return s
}

// t encodes an instant for a query argument.
func (db *DB) t(t time.Time) any { return db.d.EncodeTime(t.UTC().Truncate(time.Microsecond)) }
