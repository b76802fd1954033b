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
	r := newClockRig(b, jobs.Migrate, statStatements)
	counter := statCounter(b, r.db.Write)
	for _, mode := range clockModes(r) {
		for _, c := range clockCases {
			b.Run(mode.name+"/"+c.name, func(b *testing.B) {
				r.counted.Emitter = mode.emitter
				r.warm(b, b.N, c.typ)
				counter.reset(b)
				before := r.trips.Count()
				b.ResetTimer()
				r.clockAll(b, b.N, c.typ, c.hour, c.minute, c.keyed)
				b.StopTimer()
				n := r.trips.Count() - before
				stats := counter.calls(b)
				total := 0
				for _, s := range stats {
					total += s.calls
				}
				b.ReportMetric(float64(total)/float64(b.N), "statements/op")
				b.ReportMetric(float64(n)/float64(b.N), "roundtrips/op")
				r.settle(b, b.N, c.typ)
				for _, s := range stats {
					b.Logf("%6.2f/op  %s", float64(s.calls)/float64(b.N), s.query)
				}
			})
		}
	}
}

// TestClockRoundTrips holds issue 21's bound: a clock event on PostgreSQL
// in at most three round trips (see BENCHMARKS.md), counted on the
// client's side of the store's sockets.
// River's insert now and then wakes its workers with a statement of its
// own: the average over the events may pass the bound by that.
func TestClockRoundTrips(t *testing.T) {
	testenv.Lookup(t, testenv.DatabaseURLVar, "PostgreSQL")
	r := newClockRig(t, jobs.Migrate)
	const n = 8
	want := map[string][2]int{ // cluster, single node
		"entry": {3, 2}, "late-entry": {3, 2}, "exit": {3, 2}, "entry-with-key": {3, 2},
	}
	for i, mode := range clockModes(r) {
		for _, c := range clockCases {
			r.counted.Emitter = mode.emitter
			r.warm(t, n, c.typ)
			before := r.trips.Count()
			r.clockAll(t, n, c.typ, c.hour, c.minute, c.keyed)
			got := float64(r.trips.Count()-before) / n
			if w := float64(want[c.name][i]); got > w+0.25 {
				t.Errorf("%s, %s: %.2f round trips an event, want %v", mode.name, c.name, got, w)
			}
			r.settle(t, n, c.typ)
		}
	}
}

// clockCases are the clock events the round trips are counted for.
var clockCases = []struct {
	name         string
	typ          attendance.EventType
	hour, minute int
	keyed        bool
}{
	{"entry", attendance.Entry, 7, 50, false},
	{"late-entry", attendance.Entry, 9, 30, false}, // past the 08:00 start: the manager is notified
	{"exit", attendance.Exit, 16, 0, false},
	{"entry-with-key", attendance.Entry, 7, 50, true}, // an Idempotency-Key
}

// clockMode is how the store hands its messages on.
type clockMode struct {
	name    string
	emitter sqlstore.Emitter
}

// clockModes: cluster mode inserts each event's publish job in its
// transaction; a single node publishes after the commit, and writes no job.
func clockModes(r *clockRig) []clockMode {
	return []clockMode{{"cluster", r.runner}, {"single", afterCommit{}}}
}

// afterCommit is a single node's Emitter (cmd/attendance's localEmitter):
// nothing in the transaction, the messages with their notifications' ids
// (read with the COMMIT) after the commit, here dropped.
type afterCommit struct{}

func (afterCommit) EmitTx(context.Context, any, []attendance.Message) error { return nil }
func (afterCommit) Committed(context.Context, []attendance.Message)         {}

// clockRig clocks the staff of one manager in and out through a store of
// its own, on connections whose round trips are counted.
type clockRig struct {
	ctx     context.Context
	db      *storetest.DB
	counted *sqlstore.DB
	svc     *sqlstore.AttendanceService
	trips   *testenv.RoundTrips
	runner  *jobs.Runner
	clock   *clock
	mgr     *attendance.Employee
	staff   []*attendance.Employee
	date    time.Time // of the events, a working day after the previous ones'
	keys    int
}

func newClockRig(tb testing.TB, extra ...storetest.Migration) *clockRig {
	r := &clockRig{ctx: context.Background(), db: storetest.Open(tb, "postgres", extra...), clock: &clock{t: monday}}
	runner, err := jobs.New(jobs.Config{DB: r.db.Write, Dialect: r.db.Dialect, Publisher: nopPublisher{}, Logger: storetest.Logger()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = runner.Stop(r.ctx) })
	r.runner = runner
	r.db.Emitter, r.db.Now = runner, r.clock.Now
	pool, trips := testenv.CountedPostgres(tb, r.db.URL)
	if r.counted, err = sqlstore.New(pool, pool, postgres.Dialect(), storetest.Config); err != nil {
		tb.Fatal(err)
	}
	r.counted.Now, r.counted.Logger = r.clock.Now, storetest.Logger()
	r.svc, r.trips = sqlstore.NewAttendanceService(r.counted), trips
	hash, err := r.db.Hasher.Hash(r.ctx, "admin-password")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := r.db.Employees.Bootstrap(r.ctx, "admin", hash); err != nil {
		tb.Fatal(err)
	}
	r.mgr = r.create(tb, "mgr", attendance.RoleManager, nil)
	r.date = monday.Truncate(24*time.Hour).AddDate(0, 0, -1)
	return r
}

func (r *clockRig) create(tb testing.TB, name string, role attendance.Role, manager *int64) *attendance.Employee {
	f := attendance.EmployeeFields{Username: &name, Password: ptr(testPassword), Role: &role, ManagerID: manager, ManagerIDSet: true}
	emp, err := r.db.Employees.CreateEmployee(r.ctx, attendance.Actor{ID: 1, Role: attendance.RoleAdmin}, f)
	if err != nil {
		tb.Fatal(err)
	}
	return emp
}

func (r *clockRig) nextDay() {
	for r.date = r.date.AddDate(0, 0, 1); r.date.Weekday() == time.Saturday || r.date.Weekday() == time.Sunday; {
		r.date = r.date.AddDate(0, 0, 1)
	}
}

// clockAll records an event of type typ for the first n of the staff at
// the time of day given, with an idempotency key each if keyed (as the web
// app sends it).
func (r *clockRig) clockAll(tb testing.TB, n int, typ attendance.EventType, hour, minute int, keyed bool) {
	for len(r.staff) < n {
		r.staff = append(r.staff, r.create(tb, fmt.Sprint("emp", len(r.staff)), attendance.RoleEmployee, &r.mgr.ID))
	}
	r.clock.Set(r.date.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
	for i := range n {
		e := attendance.RecordEvent{Type: typ}
		if keyed {
			r.keys++
			e.Idempotency = &attendance.Idempotency{Key: fmt.Sprint("key-", r.keys), Hash: "h"}
		}
		if _, err := r.svc.RecordEvent(r.ctx, r.staff[i].Actor(), e); err != nil {
			tb.Fatal(err)
		}
	}
}

// warm clocks a day in and out first, which prepares the connections'
// statements, and leaves the staff where an event of type typ counts: out
// on a new day for an entry (its date's first), in for an exit.
func (r *clockRig) warm(tb testing.TB, n int, typ attendance.EventType) {
	r.nextDay()
	for i, keyed := range []bool{false, true} {
		r.clockAll(tb, n, attendance.Entry, 6, 20*i, keyed)
		r.clockAll(tb, n, attendance.Exit, 6, 20*i+10, keyed)
	}
	if typ == attendance.Entry {
		r.nextDay()
	} else {
		r.clockAll(tb, n, attendance.Entry, 7, 0, false)
	}
}

// settle clocks out again after counted entries, for the next count.
func (r *clockRig) settle(tb testing.TB, n int, typ attendance.EventType) {
	if typ == attendance.Entry {
		r.clockAll(tb, n, attendance.Exit, 18, 0, false)
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
