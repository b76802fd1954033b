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

// TestOvertimeMigration builds the demo company at version 16 (its ledger
// holds every approved request's entry), reads every ledger row and every
// balance, migrates to 18 (the overtime kind: SQLite rebuilds the ledger)
// and reads them again: the same. The rebuilt ledger is still append-only.
func TestOvertimeMigration(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		logger := storetest.Logger()
		cfg := storetest.Config
		u := storetest.OpenUnmigrated(t, kind)
		write, read := u.Write, u.Read
		migrateTo := func(v int64) error { return u.MigrateTo(ctx, logger, v) }
		if err := migrateTo(16); err != nil {
			t.Fatal(err)
		}
		open := func() *sqlstore.DB {
			db, err := sqlstore.New(write, read, u.Dialect, cfg)
			if err != nil {
				t.Fatal(err)
			}
			db.Logger = logger
			return db
		}
		db := open()
		now := time.Now().UTC()
		today := attendance.DateOf(now)
		if err := sqlstore.NewBulkLoader(db).Load(ctx, func(w *sqlstore.BulkWriter) error {
			_, err := demo.Generate(ctx, w, "x", demo.Options{Employees: 20, Days: 400, Seed: 7, Today: today, Now: now}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The balances of two years, read by an admin (the demo's first
		// employee, made one here).
		years := []int{today.Year() - 1, today.Year()}
		admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
		if _, err := write.ExecContext(ctx, `UPDATE employees SET role = 'admin' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		rows, err := read.QueryContext(ctx, `SELECT id FROM employees ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		balances := func(db *sqlstore.DB) string {
			ledger := sqlstore.NewLedgerService(db)
			var out string
			for _, id := range ids {
				for _, y := range years {
					b, err := ledger.TypeBalance(ctx, admin, &id, nil, &y)
					if err != nil {
						t.Fatal(err)
					}
					out += fmt.Sprintf("%d/%d %s %s %s %s\n", id, y, b.Allowance, b.Used, b.Pending, b.LatePenalty)
				}
			}
			return out
		}
		ledgerRows := func() []string {
			return testenv.Rows(t, read, `SELECT id, employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num,
				unrounded_den, leave_request_id, attendance_event_id, job_run_id, created_by, created_at FROM leave_ledger ORDER BY id`)
		}
		rowsBefore, balancesBefore := ledgerRows(), balances(db)
		db.Close()
		if len(rowsBefore) == 0 {
			t.Fatal("the demo company's ledger is empty: the test proves nothing")
		}

		if err := migrateTo(18); err != nil {
			t.Fatal(err)
		}
		db = open()
		t.Cleanup(func() { db.Close() })
		if after := ledgerRows(); fmt.Sprint(after) != fmt.Sprint(rowsBefore) {
			t.Errorf("the ledger's %d rows changed in the migration", len(rowsBefore))
		}
		if after := balances(db); after != balancesBefore {
			t.Errorf("the balances changed:\nbefore:\n%s\nafter:\n%s", balancesBefore, after)
		}
		if _, err := write.ExecContext(ctx, `UPDATE leave_ledger SET num = 0`); err == nil {
			t.Error("an UPDATE of the ledger went through")
		}
		if _, err := write.ExecContext(ctx, `DELETE FROM leave_ledger`); err == nil {
			t.Error("a DELETE from the ledger went through")
		}
		var n int
		if err := read.QueryRowContext(ctx, `SELECT COUNT(*) FROM leave_ledger`).Scan(&n); err != nil || n != len(rowsBefore) {
			t.Errorf("%d ledger rows after the refused writes (%v), want %d", n, err, len(rowsBefore))
		}
	})
}
