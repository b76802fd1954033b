package sqlstore_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/sqlite"
	"github.com/openattendance/attendance/sqlstore"
)

// The benchmarks run on a demo company of 1,000 employees and a year of
// attendance (about 640,000 events), made once per run.

// benchCompany is a demo company made once per run, in an SQLite file of
// its own, for the benchmarks that read it.
type benchCompany struct {
	employees, days int
	prefix          string // of its temporary directory

	once  sync.Once
	dir   string
	today attendance.Date
	err   error
}

// demoDB is the 1,000-employee company with a year of attendance.
var demoDB = &benchCompany{employees: 1000, days: 365, prefix: "attendance-bench"}

// open makes the company on first use and opens a store on it.
func (c *benchCompany) open(b *testing.B) *sqlstore.DB {
	b.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	c.once.Do(func() {
		c.dir, c.err = os.MkdirTemp("", c.prefix)
		if c.err != nil {
			return
		}
		conn, err := sqlite.Open(filepath.Join(c.dir, "bench.db"), sqlite.Options{})
		if err != nil {
			c.err = err
			return
		}
		defer conn.Close()
		if c.err = conn.Migrate(ctx, logger); c.err != nil {
			return
		}
		db, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), sqlstore.Config{CompanyTimezone: "UTC"})
		if err != nil {
			c.err = err
			return
		}
		now := time.Now()
		c.today = attendance.DateOf(now.UTC())
		c.err = sqlstore.NewBulkLoader(db).Load(ctx, func(w *sqlstore.BulkWriter) error {
			_, err := demo.Generate(ctx, w, "x", demo.Options{Employees: c.employees, Days: c.days, Seed: 1, Today: c.today, Now: now}, nil)
			return err
		})
	})
	if c.err != nil {
		b.Fatal(c.err)
	}
	conn, err := sqlite.Open(filepath.Join(c.dir, "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	db, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), sqlstore.Config{CompanyTimezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	db.Logger = logger
	return db
}

// benchStore opens the 1,000-employee company and says which day is today.
func benchStore(b *testing.B) (*sqlstore.DB, attendance.Date) {
	db := demoDB.open(b)
	return db, demoDB.today
}

// benchmarkOverview sums up the days days before today over everyone of db.
func benchmarkOverview(b *testing.B, db *sqlstore.DB, today attendance.Date, days int) {
	att := sqlstore.NewAttendanceService(db)
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	from, to := today.AddDays(-days), today.AddDays(-1)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		ov, err := att.Overview(ctx, admin, attendance.OverviewFilter{From: &from, To: &to})
		if err != nil {
			b.Fatal(err)
		}
		if ov.Totals.DaysPresent == 0 || ov.TimeTotals.ScheduledSeconds == 0 {
			b.Fatal("empty overview")
		}
	}
}

// BenchmarkOverviewMonth sums up a month over 1,000 employees.
func BenchmarkOverviewMonth(b *testing.B) {
	db, today := benchStore(b)
	benchmarkOverview(b, db, today, 30)
}

// BenchmarkOverviewQuarter sums up 90 days over 1,000 employees.
func BenchmarkOverviewQuarter(b *testing.B) {
	db, today := benchStore(b)
	benchmarkOverview(b, db, today, 90)
}

// BenchmarkOverviewYear sums up a year over 1,000 employees.
func BenchmarkOverviewYear(b *testing.B) {
	db, today := benchStore(b)
	benchmarkOverview(b, db, today, 365)
}

// clocker is an employee of the demo company, clocked in and out in turn.
type clocker struct {
	a    attendance.Actor
	next attendance.EventType
}

// clockers returns the employees with ids from first to last, each starting
// with whatever their last event calls for.
func clockers(att *sqlstore.AttendanceService, first, last int64) []*clocker {
	var cs []*clocker
	for id := first; id <= last; id++ {
		c := &clocker{a: attendance.Actor{ID: id, Role: attendance.RoleEmployee}, next: attendance.Entry}
		list, _, err := att.ListEvents(context.Background(), c.a, attendance.EventFilter{Page: attendance.Page{Limit: 1}})
		if err == nil && len(list) > 0 && list[0].Type == attendance.Entry && !list[0].Voided {
			c.next = attendance.Exit
		}
		cs = append(cs, c)
	}
	return cs
}

// clock records the employee's next event.
func (c *clocker) clock(ctx context.Context, att *sqlstore.AttendanceService) error {
	if _, err := att.RecordEvent(ctx, c.a, attendance.RecordEvent{Type: c.next}); err != nil {
		return err
	}
	if c.next == attendance.Entry {
		c.next = attendance.Exit
	} else {
		c.next = attendance.Entry
	}
	return nil
}

// BenchmarkRecordEvent clocks employees of the demo company in and out, one
// transaction per event: the store's share of the clock endpoint.
func BenchmarkRecordEvent(b *testing.B) {
	db, _ := benchStore(b)
	att := sqlstore.NewAttendanceService(db)
	ctx := context.Background()
	emps := clockers(att, 100, 199)
	i := 0
	b.ResetTimer()
	for b.Loop() {
		if err := emps[i%len(emps)].clock(ctx, att); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRecordEventParallel clocks employees in and out from 16
// goroutines per CPU at once, each with employees of its own: the concurrent
// clock-ins that share commits on SQLite.
func BenchmarkRecordEventParallel(b *testing.B) {
	db, _ := benchStore(b)
	att := sqlstore.NewAttendanceService(db)
	ctx := context.Background()
	emps := clockers(att, 200, 327)
	const perCPU = 16
	stride := perCPU * runtime.GOMAXPROCS(0)
	if stride > len(emps) {
		b.Skipf("%d goroutines need more than %d employees", stride, len(emps))
	}
	var goroutines atomic.Int64
	b.SetParallelism(perCPU)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// Each goroutine owns every stride-th employee from its own number on.
		first := int(goroutines.Add(1) - 1)
		i := first
		for pb.Next() {
			e := emps[i]
			if i += stride; i >= len(emps) {
				i = first
			}
			if err := e.clock(ctx, att); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSessionActor looks up a live session: the database part of every
// request's authentication.
func BenchmarkSessionActor(b *testing.B) {
	db, _ := benchStore(b)
	store := sqlstore.NewAuthStore(db)
	ctx := context.Background()
	now := time.Now()
	sid := "bench" + strconv.FormatInt(now.UnixNano(), 10)
	creds, err := store.FindCredentialsByID(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := store.CreateSession(ctx, &attendance.Session{ID: sid, EmployeeID: 1, RefreshID: "r", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, creds.PasswordHash); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := store.SessionActor(ctx, sid, now); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLeaveBalance reads one employee's annual leave balance from the
// ledger (its entries of the year, its pending requests, what is due, the
// late minutes), as GET /api/leaves/balance/ does, over the 1,000
// employees of the demo company in turn.
func BenchmarkLeaveBalance(b *testing.B) {
	db, _ := benchStore(b)
	ledger := sqlstore.NewLedgerService(db)
	ctx := context.Background()
	i := int64(0)
	b.ResetTimer()
	for b.Loop() {
		id := 1 + i%1000
		if _, err := ledger.TypeBalance(ctx, attendance.Actor{ID: id, Role: attendance.RoleEmployee}, nil, nil, nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// The demo company with shifts in play: two shifts (an early one, and a
// night with a 30-minute break), every employee on a two-week rotation of
// them, and a roster override every tenth day. A copy of the demo database.
var shiftDB struct {
	once sync.Once
	path string
	err  error
}

func benchShiftStore(b *testing.B) (*sqlstore.DB, attendance.Date) {
	b.Helper()
	db, today := benchStore(b)
	ctx := context.Background()
	shiftDB.once.Do(func() {
		shiftDB.path = filepath.Join(demoDB.dir, "bench-shifts.db")
		w := db.WriteDB()
		if _, shiftDB.err = w.ExecContext(ctx, `VACUUM INTO '`+shiftDB.path+`'`); shiftDB.err != nil {
			return
		}
		conn, err := sqlite.Open(shiftDB.path, sqlite.Options{})
		if err != nil {
			shiftDB.err = err
			return
		}
		defer conn.Close()
		now := time.Now().UnixMicro()
		stmts := []string{
			`DELETE FROM shift_pattern_days`, `DELETE FROM shift_patterns`,
			`INSERT INTO shifts (id, name, name_key, start_minute, end_minute, grace_minutes, break_minutes, active, created_at, updated_at)
				VALUES (9001, 'Early', 'early', 360, 840, 5, 0, 1, ` + strconv.FormatInt(now, 10) + `, ` + strconv.FormatInt(now, 10) + `),
				(9002, 'Night', 'night', 1320, 360, 10, 30, 1, ` + strconv.FormatInt(now, 10) + `, ` + strconv.FormatInt(now, 10) + `)`,
			`INSERT INTO shift_patterns (id, employee_id, start_date, weeks, created_by, created_at)
				SELECT id, id, '2000-01-03', 2, NULL, ` + strconv.FormatInt(now, 10) + ` FROM employees`,
		}
		for wd := 1; wd <= 5; wd++ {
			stmts = append(stmts,
				`INSERT INTO shift_pattern_days (pattern_id, week, weekday, shift_id) SELECT id, 0, `+strconv.Itoa(wd)+`, 9001 FROM shift_patterns`,
				`INSERT INTO shift_pattern_days (pattern_id, week, weekday, shift_id) SELECT id, 1, `+strconv.Itoa(wd)+`, 9002 FROM shift_patterns`)
		}
		for i := 0; i < 370; i += 10 {
			d := today.AddDays(-i).String()
			stmts = append(stmts, `INSERT INTO roster_overrides (employee_id, date, shift_id, note, set_by, updated_at)
				SELECT id, '`+d+`', CASE WHEN id % 2 = 0 THEN NULL ELSE 9002 END, 'bench', 1, `+strconv.FormatInt(now, 10)+` FROM employees`)
		}
		stmts = append(stmts, `UPDATE work_settings SET break_rule = '[{"after_minutes":360,"break_minutes":30},{"after_minutes":540,"break_minutes":45}]'`)
		for _, q := range stmts {
			if _, shiftDB.err = conn.Write.ExecContext(ctx, q); shiftDB.err != nil {
				return
			}
		}
	})
	if shiftDB.err != nil {
		b.Fatal(shiftDB.err)
	}
	conn, err := sqlite.Open(shiftDB.path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	sdb, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), sqlstore.Config{CompanyTimezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	sdb.Logger = db.Logger
	return sdb, today
}

// BenchmarkOverviewShiftsMonth sums up 30 days over 1,000 employees on rotating shifts.
func BenchmarkOverviewShiftsMonth(b *testing.B) {
	db, today := benchShiftStore(b)
	benchmarkOverview(b, db, today, 30)
}

// BenchmarkOverviewShiftsYear sums up 365 days over 1,000 employees on rotating shifts.
func BenchmarkOverviewShiftsYear(b *testing.B) {
	db, today := benchShiftStore(b)
	benchmarkOverview(b, db, today, 365)
}
