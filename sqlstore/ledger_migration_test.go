package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/sqlstore"
)

// TestLedgerMigration builds the demo company on a database at version 4
// (before the ledger), reads every balance the way version 4 did (its SQL
// and attendance.NewBalance, with the late-penalty policy on), migrates it,
// and reads every balance again from the ledger: each one is the same, and
// so is every request.
func TestLedgerMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		logger := storetest.Logger()
		cfg := storetest.Config
		cfg.LatePenaltyMinutes = 240 // days lost to lateness, in some balances
		u := storetest.OpenUnmigrated(t, kind)
		write, read := u.Write, u.Read
		migrateTo := func(v int64) error { return u.MigrateTo(ctx, logger, v) }
		if err := migrateTo(4); err != nil {
			t.Fatal(err)
		}
		db, err := sqlstore.New(write, read, u.Dialect, cfg)
		if err != nil {
			t.Fatal(err)
		}
		db.Logger = logger
		now := time.Now().UTC()
		today := attendance.DateOf(now)
		// The loader writes the columns of the schema it finds: version 4's.
		err = sqlstore.NewBulkLoader(db).Load(ctx, func(w *sqlstore.BulkWriter) error {
			_, err := demo.Generate(ctx, w, "x",
				demo.Options{Employees: 30, Days: 500, Seed: 18, Today: today, Now: now}, nil)
			return err
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}

		type emp struct {
			id        int64
			allowance float64
		}
		var emps []emp
		rows, err := read.QueryContext(ctx, `SELECT id, annual_leave_days FROM employees ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e emp
			if err := rows.Scan(&e.id, &e.allowance); err != nil {
				t.Fatal(err)
			}
			emps = append(emps, e)
		}
		rows.Close()
		years := []int{today.Year() - 2, today.Year() - 1, today.Year(), today.Year() + 1}
		// Version 4's balance: its SQL, its rule.
		before := map[string]attendance.Balance{}
		penalised := 0
		for _, e := range emps {
			for _, y := range years {
				first, last := attendance.YearBounds(y)
				var used, pending float64
				var late int
				if err := read.QueryRowContext(ctx, u.Rebind(`SELECT
						COALESCE(SUM(CASE WHEN status = 'approved' THEN days ELSE 0 END), 0),
						COALESCE(SUM(CASE WHEN status = 'pending' THEN days ELSE 0 END), 0)
					FROM leave_requests WHERE employee_id = ? AND leave_type = 'annual' AND start_date >= ? AND start_date <= ?`),
					e.id, first.String(), last.String()).Scan(&used, &pending); err != nil {
					t.Fatal(err)
				}
				if err := read.QueryRowContext(ctx, u.Rebind(`SELECT COALESCE(SUM(late_minutes), 0) FROM attendance_days
					WHERE employee_id = ? AND late AND date >= ? AND date <= ?`), e.id, first.String(), last.String()).Scan(&late); err != nil {
					t.Fatal(err)
				}
				b := attendance.NewBalance(e.id, y, e.allowance, used, pending, late, cfg.LatePenaltyMinutes)
				if b.LatePenalty > 0 {
					penalised++
				}
				before[fmt.Sprint(e.id, "/", y)] = b
			}
		}
		requests := func() []string {
			return testenv.Rows(t, read, `SELECT id, employee_id, leave_type, start_date, end_date, half_day, days, status, reason,
				decided_by, decided_at, decision_comment, created_at FROM leave_requests ORDER BY id`)
		}
		requestsBefore := requests()
		if penalised == 0 || len(requestsBefore) == 0 {
			t.Fatalf("the demo company has %d requests and %d balances with a late penalty: it tests nothing", len(requestsBefore), penalised)
		}

		if err := migrateTo(0); err != nil {
			t.Fatal(err)
		}
		db, err = sqlstore.New(write, read, u.Dialect, cfg)
		if err != nil {
			t.Fatal(err)
		}
		db.Logger = logger
		t.Cleanup(func() { db.Close() })
		ledger := sqlstore.NewLedgerService(db)
		leave := sqlstore.NewLeaveService(db)
		for _, e := range emps {
			self := attendance.Actor{ID: e.id, Role: attendance.RoleEmployee}
			for _, y := range years {
				b, err := ledger.TypeBalance(ctx, self, nil, nil, &y)
				if err != nil {
					t.Fatal(err)
				}
				want := before[fmt.Sprint(e.id, "/", y)]
				if got := b.Legacy(); got != want {
					t.Errorf("employee %d, %d: balance %+v after the migration, %+v before", e.id, y, got, want)
				}
				if got, err := leave.LeaveBalance(ctx, self, nil, &y); err != nil || *got != want {
					t.Errorf("employee %d, %d: LeaveBalance %+v, %v after the migration, %+v before", e.id, y, got, err, want)
				}
			}
		}
		if after := requests(); fmt.Sprint(after) != fmt.Sprint(requestsBefore) {
			t.Errorf("the requests changed:\n%v\n%v", requestsBefore, after)
		}
		var approved, taken int
		if err := read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM leave_requests WHERE status = 'approved'),
			(SELECT COUNT(*) FROM leave_ledger WHERE kind = 'taken')`).Scan(&approved, &taken); err != nil {
			t.Fatal(err)
		}
		if approved != taken || taken == 0 {
			t.Errorf("%d approved requests, %d taken entries", approved, taken)
		}
		// The ledger is append-only.
		if _, err := write.ExecContext(ctx, `UPDATE leave_ledger SET num = 0`); err == nil {
			t.Error("an UPDATE of the ledger went through")
		}
		if _, err := write.ExecContext(ctx, `DELETE FROM leave_ledger`); err == nil {
			t.Error("a DELETE from the ledger went through")
		}
	})
}
