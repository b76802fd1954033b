package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/jobs"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlstore"
)

// BenchmarkClockRoundTrips counts the statements a clock event sends to
// PostgreSQL, as the server counts them (pg_stat_statements, BEGIN and COMMIT
// included), in cluster mode: every event also enqueues its publish job. It
// reports them as statements/op, -v logs them statement by statement; and
// the round trips they took, as roundtrips/op: the times the store's
// connections sent a request and waited for its answer (counted on the
// client's side of the sockets; a pipeline of statements is one).
//
//	go test -run '^$' -bench BenchmarkClockRoundTrips -benchtime 200x ./sqlstore
//
// It needs ATTENDANCE_TEST_DATABASE_URL, on a server that preloads
// pg_stat_statements. On a server that does not, it counts the statements
// the server logs instead, if ATTENDANCE_TEST_PG_LOG names the server's log
// file (readable, with a log_line_prefix that ends in user@database, as
// Debian's does): the benchmark has its own database log every statement
// (log_statement = all), one line per statement an execution, BEGIN and
// COMMIT included, the same count as pg_stat_statements' calls.
func BenchmarkClockRoundTrips(b *testing.B) {
	db := storetest.Open(b, "postgres", jobs.Migrate, statStatements)
	ctx := context.Background()
	counter := statCounter(b, db.Write)
	runner, err := jobs.New(jobs.Config{DB: db.Write, Dialect: db.Dialect, Publisher: nopPublisher{}, Logger: storetest.Logger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = runner.Stop(ctx) })
	db.Emitter = runner
	clock := &clock{t: monday}
	db.Now = clock.Now
	// The clock events go through a store of their own, on connections
	// whose round trips are counted.
	pool, trips := testenv.CountedPostgres(b, db.URL)
	counted, err := sqlstore.New(pool, pool, postgres.Dialect(), storetest.Config)
	if err != nil {
		b.Fatal(err)
	}
	counted.Now, counted.Logger = clock.Now, storetest.Logger()
	attendanceSvc := sqlstore.NewAttendanceService(counted)
	hash, err := db.Hasher.Hash(ctx, "admin-password")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Employees.Bootstrap(ctx, "admin", hash); err != nil {
		b.Fatal(err)
	}
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	create := func(name string, role attendance.Role, manager *int64) *attendance.Employee {
		f := attendance.EmployeeFields{Username: &name, Password: ptr(testPassword), Role: &role, ManagerID: manager, ManagerIDSet: true}
		emp, err := db.Employees.CreateEmployee(ctx, admin, f)
		if err != nil {
			b.Fatal(err)
		}
		return emp
	}
	mgr := create("mgr", attendance.RoleManager, nil)
	var staff []*attendance.Employee
	// Each run clocks on working days of its own, after the previous runs'.
	date := monday.Truncate(24*time.Hour).AddDate(0, 0, -1)
	nextDay := func() {
		for date = date.AddDate(0, 0, 1); date.Weekday() == time.Saturday || date.Weekday() == time.Sunday; {
			date = date.AddDate(0, 0, 1)
		}
	}
	keys := 0
	clockAll := func(b *testing.B, typ attendance.EventType, hour, minute int, keyed bool) {
		for len(staff) < b.N {
			staff = append(staff, create(fmt.Sprint("emp", len(staff)), attendance.RoleEmployee, &mgr.ID))
		}
		clock.Set(date.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
		for i := range b.N {
			r := attendance.RecordEvent{Type: typ}
			if keyed { // as the web app sends it
				keys++
				r.Idempotency = &attendance.Idempotency{Key: fmt.Sprint("key-", keys), Hash: "h"}
			}
			if _, err := attendanceSvc.RecordEvent(ctx, staff[i].Actor(), r); err != nil {
				b.Fatal(err)
			}
		}
	}
	// Cluster mode inserts each event's publish job in its transaction; a
	// single node publishes after the commit, and writes no job.
	for _, mode := range []struct {
		name    string
		emitter sqlstore.Emitter
	}{{"cluster", runner}, {"single", nil}} {
		for _, c := range []struct {
			name         string
			typ          attendance.EventType
			hour, minute int
			keyed        bool
		}{
			{"entry", attendance.Entry, 7, 50, false},
			{"late-entry", attendance.Entry, 9, 30, false}, // past the 08:00 start: the manager is notified
			{"exit", attendance.Exit, 16, 0, false},
			{"entry-with-key", attendance.Entry, 7, 50, true}, // an Idempotency-Key
		} {
			b.Run(mode.name+"/"+c.name, func(b *testing.B) {
				counted.Emitter = mode.emitter
				// A day in and out first prepares the connections' statements,
				// outside the counted run.
				nextDay()
				clockAll(b, attendance.Entry, 6, 0, c.keyed)
				clockAll(b, attendance.Exit, 6, 30, c.keyed)
				if c.typ == attendance.Entry {
					nextDay() // the counted entry is the date's first
				} else {
					clockAll(b, attendance.Entry, 7, 0, false) // the counted exit closes it
				}
				counter.reset(b)
				before := trips.Count()
				b.ResetTimer()
				clockAll(b, c.typ, c.hour, c.minute, c.keyed)
				b.StopTimer()
				n := trips.Count() - before
				stats := counter.calls(b)
				total := 0
				for _, s := range stats {
					total += s.calls
				}
				b.ReportMetric(float64(total)/float64(b.N), "statements/op")
				b.ReportMetric(float64(n)/float64(b.N), "roundtrips/op")
				if c.typ == attendance.Entry {
					clockAll(b, attendance.Exit, 18, 0, false) // out again for the next run
				}
				for _, s := range stats {
					b.Logf("%6.2f/op  %s", float64(s.calls)/float64(b.N), s.query)
				}
			})
		}
	}
}

// statCall is a statement and how many times the server ran it.
type statCall struct {
	query string
	calls int
}

// statCounter counts the statements the server runs in the benchmark's
// database: by pg_stat_statements, or by the server's log where it is not
// loaded (see BenchmarkClockRoundTrips).
func statCounter(b *testing.B, db *sql.DB) *counter {
	b.Helper()
	c := &counter{db: db}
	_, err := db.Exec(`SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)`)
	if err == nil {
		return c
	}
	c.log = os.Getenv("ATTENDANCE_TEST_PG_LOG")
	if !strings.Contains(err.Error(), "shared_preload_libraries") || c.log == "" {
		b.Fatalf("%v (or set ATTENDANCE_TEST_PG_LOG to the server's log file to count its logged statements)", err)
	}
	if err := db.QueryRow(`SELECT current_database()`).Scan(&c.dbname); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`ALTER DATABASE ` + c.dbname + ` SET log_statement = 'all'`); err != nil {
		b.Fatal(err)
	}
	// The test database outlives the run: the next user of it logs nothing.
	b.Cleanup(func() {
		if _, err := db.Exec(`ALTER DATABASE ` + c.dbname + ` RESET log_statement`); err != nil {
			b.Error(err)
		}
	})
	// The connections open now do not log: new ones do.
	n := db.Stats().MaxOpenConnections
	db.SetMaxIdleConns(0)
	db.SetMaxIdleConns(n)
	b.Logf("pg_stat_statements is not loaded: counting the statements %s logs", c.log)
	return c
}

// counter is statCounter's.
type counter struct {
	db     *sql.DB
	log    string // the server's log file; "" for pg_stat_statements
	dbname string
	offset int64
}

// reset starts a count.
func (c *counter) reset(b *testing.B) {
	b.Helper()
	if c.log == "" {
		if _, err := c.db.Exec(`SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)`); err != nil {
			b.Fatal(err)
		}
		return
	}
	fi, err := os.Stat(c.log)
	if err != nil {
		b.Fatal(err)
	}
	c.offset = fi.Size()
}

// calls returns the statements run since reset, most frequent first.
func (c *counter) calls(b *testing.B) []statCall {
	b.Helper()
	if c.log == "" {
		return statementCalls(b, c.db)
	}
	f, err := os.Open(c.log)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(c.offset, io.SeekStart); err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		b.Fatal(err)
	}
	// An entry's first line starts with the prefix's time stamp; a
	// statement's lines follow it.
	entry := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)
	mine := " " + c.dbname + " LOG:  "
	counts := map[string]int{}
	var cur []string
	flush := func() {
		if cur != nil {
			q := strings.Join(strings.Fields(strings.Join(cur, " ")), " ")
			if len(q) > 140 {
				q = q[:140] + "…"
			}
			counts[q]++
		}
		cur = nil
	}
	for _, line := range strings.Split(string(data), "\n") {
		if !entry.MatchString(line) {
			if cur != nil {
				cur = append(cur, line)
			}
			continue
		}
		flush()
		_, rest, ok := strings.Cut(line, "@"+mine[1:])
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(rest, "statement: "):
			cur = []string{strings.TrimPrefix(rest, "statement: ")}
		case strings.HasPrefix(rest, "execute "):
			_, q, _ := strings.Cut(rest, ": ")
			cur = []string{q}
		}
	}
	flush()
	var out []statCall
	for q, n := range counts {
		out = append(out, statCall{query: q, calls: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].calls > out[j].calls })
	return out
}

// statementCalls reads what pg_stat_statements counted in the current
// database since its reset, leaving out the reading itself.
func statementCalls(b *testing.B, db *sql.DB) []statCall {
	b.Helper()
	rows, err := db.Query(`SELECT query, calls FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND query NOT LIKE '%pg_stat_statements%'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []statCall
	for rows.Next() {
		var s statCall
		if err := rows.Scan(&s.query, &s.calls); err != nil {
			b.Fatal(err)
		}
		s.query = strings.Join(strings.Fields(s.query), " ")
		if len(s.query) > 140 {
			s.query = s.query[:140] + "…"
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].calls > out[j].calls })
	return out
}

// statStatements makes pg_stat_statements readable in a test database.
func statStatements(ctx context.Context, db *sql.DB, kind string, _ *slog.Logger) error {
	if kind != "postgres" {
		return nil
	}
	_, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`)
	return err
}

// nopPublisher accepts the publish jobs' messages; nothing runs them here.
type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, ...attendance.Message) error { return nil }
