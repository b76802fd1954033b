package sqlstore_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/sqlite"
	"github.com/openattendance/attendance/sqlstore"
)

// The benchmarks run on a demo company of 1,000 employees and a year of
// attendance (about 640,000 events), made once per run.

var demoDB struct {
	once  sync.Once
	dir   string
	today attendance.Date
	err   error
}

func benchStore(b *testing.B) (*sqlstore.DB, attendance.Date) {
	b.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	demoDB.once.Do(func() {
		demoDB.dir, demoDB.err = os.MkdirTemp("", "attendance-bench")
		if demoDB.err != nil {
			return
		}
		conn, err := sqlite.Open(filepath.Join(demoDB.dir, "bench.db"), sqlite.Options{})
		if err != nil {
			demoDB.err = err
			return
		}
		defer conn.Close()
		if demoDB.err = conn.Migrate(ctx, logger); demoDB.err != nil {
			return
		}
		db, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), sqlstore.Config{CompanyTimezone: "UTC"})
		if err != nil {
			demoDB.err = err
			return
		}
		now := time.Now()
		demoDB.today = attendance.DateOf(now.UTC())
		demoDB.err = db.Bulk(ctx, func(w *sqlstore.BulkWriter) error {
			_, err := demo.Generate(ctx, w, "x", demo.Options{Employees: 1000, Days: 365, Seed: 1, Today: demoDB.today, Now: now}, nil)
			return err
		})
	})
	if demoDB.err != nil {
		b.Fatal(demoDB.err)
	}
	conn, err := sqlite.Open(filepath.Join(demoDB.dir, "bench.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	db, err := sqlstore.New(conn.Write, conn.Read, sqlite.Dialect(), sqlstore.Config{CompanyTimezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	db.Logger = logger
	return db, demoDB.today
}

func benchmarkOverview(b *testing.B, days int) {
	db, today := benchStore(b)
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	from, to := today.AddDays(-days), today.AddDays(-1)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		ov, err := db.Overview(ctx, admin, attendance.OverviewFilter{From: &from, To: &to})
		if err != nil {
			b.Fatal(err)
		}
		if ov.Totals.DaysPresent == 0 {
			b.Fatal("empty overview")
		}
	}
}

// BenchmarkOverviewMonth sums up a month over 1,000 employees.
func BenchmarkOverviewMonth(b *testing.B) { benchmarkOverview(b, 30) }

// BenchmarkOverviewQuarter sums up 90 days over 1,000 employees.
func BenchmarkOverviewQuarter(b *testing.B) { benchmarkOverview(b, 90) }

// BenchmarkOverviewYear sums up a year over 1,000 employees.
func BenchmarkOverviewYear(b *testing.B) { benchmarkOverview(b, 365) }
