package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/jobs"
)

// BenchmarkClockRoundTrips counts the statements a clock event sends to
// PostgreSQL, as the server counts them (pg_stat_statements, BEGIN and COMMIT
// included), in cluster mode: every event also enqueues its publish job. It
// reports them as roundtrips/op; -v logs them statement by statement.
//
//	go test -run '^$' -bench BenchmarkClockRoundTrips -benchtime 200x ./sqlstore
//
// It needs ATTENDANCE_TEST_DATABASE_URL, on a server that preloads
// pg_stat_statements.
func BenchmarkClockRoundTrips(b *testing.B) {
	db := storetest.Open(b, "postgres", jobs.Migrate, statStatements)
	ctx := context.Background()
	runner, err := jobs.New(jobs.Config{DB: db.Write, Dialect: db.Dialect, Publisher: nopPublisher{}, Logger: storetest.Logger()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = runner.Stop(ctx) })
	db.Emitter = runner
	clock := &clock{t: monday}
	db.Now = clock.Now
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
	clockAll := func(b *testing.B, typ attendance.EventType, hour, minute int) {
		for len(staff) < b.N {
			staff = append(staff, create(fmt.Sprint("emp", len(staff)), attendance.RoleEmployee, &mgr.ID))
		}
		clock.Set(date.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
		for i := range b.N {
			if _, err := db.Attendance.RecordEvent(ctx, staff[i].Actor(), attendance.RecordEvent{Type: typ}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name         string
		typ          attendance.EventType
		hour, minute int
	}{
		{"entry", attendance.Entry, 7, 50},
		{"late-entry", attendance.Entry, 9, 30}, // past the 08:00 start: the manager is notified
		{"exit", attendance.Exit, 16, 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			// A day in and out first prepares the connections' statements,
			// outside the counted run.
			nextDay()
			clockAll(b, attendance.Entry, 6, 0)
			clockAll(b, attendance.Exit, 6, 30)
			if c.typ == attendance.Entry {
				nextDay() // the counted entry is the date's first
			} else {
				clockAll(b, attendance.Entry, 7, 0) // the counted exit closes it
			}
			if _, err := db.Write.ExecContext(ctx, `SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)`); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			clockAll(b, c.typ, c.hour, c.minute)
			b.StopTimer()
			stats := statementCalls(b, db.Write)
			total := 0
			for _, s := range stats {
				total += s.calls
			}
			b.ReportMetric(float64(total)/float64(b.N), "roundtrips/op")
			if c.typ == attendance.Entry {
				clockAll(b, attendance.Exit, 18, 0) // out again for the next run
			}
			for _, s := range stats {
				b.Logf("%6.2f/op  %s", float64(s.calls)/float64(b.N), s.query)
			}
		})
	}
}

// statCall is a statement and how many times the server ran it.
type statCall struct {
	query string
	calls int
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
