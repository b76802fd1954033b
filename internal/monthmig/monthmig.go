// Package monthmig is migration 00019 of both databases: the rollup of the
// stored days, attendance_months (package monthpack), made and filled from
// attendance_days. It is Go, not SQL, as the days are packed by monthpack,
// the one place that knows the layout.
package monthmig

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/migsql"
	"github.com/openattendance/attendance/internal/monthpack"
)

// Dialect is what differs between the databases here.
type Dialect = migsql.Dialect

// The employees whose days are read at a time, and the packed months one
// INSERT writes: memory stays bounded (about 15 MB for a chunk of a year)
// whatever the size of the company.
const (
	chunkEmployees = 1000
	insertRows     = 100
)

// Up creates the table with create (the dialect's CREATE TABLE) and fills
// it from the stored days in tx.
//
// The rows are packed employee by employee into a temporary table, then
// written in the order of their months: a month's rows lie together, as
// the clock's writes lay them in service (they rewrite the current month's
// rows only), so that the overview of everyone over a month reads few pages.
func Up(ctx context.Context, tx *sql.Tx, logger *slog.Logger, d Dialect, create string) error {
	for _, q := range []string{create,
		`CREATE TEMPORARY TABLE attendance_months_fill AS SELECT employee_id, month, days FROM attendance_months WHERE 1 = 0`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("the days' rollup: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT employee_id FROM attendance_days ORDER BY employee_id`)
	if err != nil {
		return fmt.Errorf("the days' rollup: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("the days' rollup: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("the days' rollup: %w", err)
	}
	start, days, months := time.Now(), 0, 0
	for i := 0; i < len(ids); i += chunkEmployees {
		lo, hi := ids[i], ids[min(i+chunkEmployees, len(ids))-1]
		n, packed, err := pack(ctx, tx, d, lo, hi)
		if err != nil {
			return fmt.Errorf("the days' rollup of employees %d to %d: %w", lo, hi, err)
		}
		if err := insert(ctx, tx, d, packed); err != nil {
			return fmt.Errorf("the days' rollup of employees %d to %d: %w", lo, hi, err)
		}
		days += n
		months += len(packed)
		if i > 0 && i%(20*chunkEmployees) == 0 {
			logger.Info("the days' rollup", "employees_done", i, "employees", len(ids), "days", days, "took", time.Since(start).Round(time.Second))
		}
	}
	// And the planner's statistics now, not at autovacuum's next visit: the
	// overview's first reads would otherwise be planned for an empty table.
	for _, q := range []string{
		`INSERT INTO attendance_months (employee_id, month, days) SELECT employee_id, month, days FROM attendance_months_fill
			ORDER BY month, employee_id`,
		`DROP TABLE attendance_months_fill`,
		`ANALYZE attendance_months`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("the days' rollup: %w", err)
		}
	}
	logger.Info("the days' rollup made", "employees", len(ids), "days", days, "months", months, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Down drops the rollup.
func Down(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DROP TABLE attendance_months`)
	return err
}

// month is one packed row to write.
type month struct {
	employeeID int64
	month      attendance.Date
	days       []byte
}

// pack reads the days of the employees lo to hi and packs them, in the
// order of the rollup's key. It returns how many days it read.
func pack(ctx context.Context, tx *sql.Tx, d Dialect, lo, hi int64) (int, []month, error) {
	rows, err := tx.QueryContext(ctx, d.Query(`SELECT employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions,
		break_seconds, open_since FROM attendance_days WHERE employee_id >= ? AND employee_id <= ? ORDER BY employee_id, date`), lo, hi)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var out []month
	n := 0
	for rows.Next() {
		var (
			id              int64
			day             attendance.Day
			date, openSince any
		)
		if err := rows.Scan(&id, &date, &day.Entries, &day.Late, &day.LateMinutes, &day.WorkedSeconds, &day.OpenSessions,
			&day.BreakSeconds, &openSince); err != nil {
			return 0, nil, err
		}
		if day.Date, err = dateOf(date); err != nil {
			return 0, nil, err
		}
		if day.OpenSince, err = instantOf(openSince); err != nil {
			return 0, nil, err
		}
		m, _ := monthpack.Month(day.Date)
		if len(out) == 0 || out[len(out)-1].employeeID != id || out[len(out)-1].month != m {
			out = append(out, month{employeeID: id, month: m, days: make([]byte, monthpack.Size)})
		}
		if err := monthpack.Put(out[len(out)-1].days, day); err != nil {
			return 0, nil, err
		}
		n++
	}
	return n, out, rows.Err()
}

// insert writes packed months into the temporary table, many a statement.
func insert(ctx context.Context, tx *sql.Tx, d Dialect, months []month) error {
	for len(months) > 0 {
		k := min(len(months), insertRows)
		args := make([]any, 0, 3*k)
		for _, m := range months[:k] {
			args = append(args, m.employeeID, m.month.String(), m.days)
		}
		if _, err := tx.ExecContext(ctx, d.Query(`INSERT INTO attendance_months_fill (employee_id, month, days) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", k), ", ")), args...); err != nil {
			return err
		}
		months = months[k:]
	}
	return nil
}

// dateOf reads a date column: TEXT on SQLite, DATE on PostgreSQL.
func dateOf(v any) (attendance.Date, error) {
	switch v := v.(type) {
	case string:
		return attendance.ParseDate(v)
	case []byte:
		return attendance.ParseDate(string(v))
	case time.Time:
		return attendance.NewDate(v.Date()), nil
	}
	return 0, fmt.Errorf("a date column holds %T", v)
}

// instantOf reads an optional instant column: microseconds since the epoch
// on SQLite, TIMESTAMPTZ on PostgreSQL; NULL is the zero time.
func instantOf(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case int64:
		return time.UnixMicro(v).UTC(), nil
	case time.Time:
		return v.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("an instant column holds %T", v)
}
