package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlstore"
)

// TestPipe: a write on PostgreSQL's pipeline sends its queued statements
// with the next that answers and with the COMMIT, in as many round trips;
// a queued statement that fails fails the write and rolls it all back; and
// the connection comes back to the pool out of the transaction.
func TestPipe(t *testing.T) {
	testenv.Lookup(t, "ATTENDANCE_TEST_DATABASE_URL", "PostgreSQL")
	db := storetest.Open(t, "postgres")
	ctx := context.Background()
	pool, trips := testenv.CountedPostgres(t, db.URL)
	pool.SetMaxOpenConns(1) // one connection: what a write leaves behind, the next finds
	piped, err := sqlstore.New(pool, pool, postgres.Dialect(), storetest.Config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pool.ExecContext(ctx, `CREATE TABLE pipe_test (n INT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	count := func() (n int64) {
		t.Helper()
		if err := pool.QueryRowContext(ctx, `SELECT count(*) FROM pipe_test`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	write := func() ([]int64, error) {
		return piped.InPipe(ctx,
			sqlstore.PipeStep{Later: `INSERT INTO pipe_test VALUES (1)`},
			sqlstore.PipeStep{Later: `INSERT INTO pipe_test VALUES (2)`},
			sqlstore.PipeStep{Query: `SELECT count(*) FROM pipe_test`}, // sees the queued ones
			sqlstore.PipeStep{Later: `INSERT INTO pipe_test VALUES (3)`})
	}
	// The first time, pgx prepares the connection's statements first.
	if _, err := write(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.ExecContext(ctx, `DELETE FROM pipe_test`); err != nil {
		t.Fatal(err)
	}
	before := trips.Count()
	got, err := write()
	if err != nil {
		t.Fatal(err)
	}
	if n := trips.Count() - before; n != 2 {
		t.Errorf("%d round trips, want 2: BEGIN, two inserts and the count; the last insert and COMMIT", n)
	}
	if len(got) != 1 || got[0] != 2 {
		t.Errorf("the count inside the write = %v, want [2]", got)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d rows committed, want 3", n)
	}

	// A queued statement that fails: with the next query, or with the COMMIT.
	for _, steps := range [][]sqlstore.PipeStep{
		{{Later: `INSERT INTO pipe_test VALUES (4)`}, {Later: `INSERT INTO pipe_test VALUES (1)`}, {Query: `SELECT 1`}},
		{{Later: `INSERT INTO pipe_test VALUES (4)`}, {Query: `SELECT 1`}, {Later: `INSERT INTO pipe_test VALUES (1)`}},
	} {
		_, err := piped.InPipe(ctx, steps...)
		if err == nil || !postgres.Dialect().IsUniqueViolation(err) {
			t.Errorf("steps %v: err = %v, want the duplicate key", steps, err)
		}
		if n := count(); n != 3 {
			t.Errorf("steps %v: %d rows, want 3: the write rolled back", steps, n)
		}
	}
	// The one connection is idle again: a plain transaction works on it.
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT 1`).Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		t.Fatal(err)
	}
}
