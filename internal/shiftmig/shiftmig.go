// Package shiftmig is migration 00010 of both databases (docs/shifts.md,
// "Migration of today's data"): every employee's schedule of today becomes
// a one-week pattern of one shift, and every stored day gains its breaks,
// its last exit and its open session, derived from the events as they were
// recorded (by local date). Nothing existing changes meaning: no event gets a
// work date (an empty one reads as the local date), and the existing columns
// of the days are not written.
package shiftmig

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/migsql"
)

// Dialect is what differs between the databases here.
type Dialect = migsql.Dialect

type employee struct {
	id         int64
	timezone   string
	start, end attendance.TimeOfDay
	days       attendance.Weekdays
	grace      int
	hiredOn    attendance.Date
	schedule   attendance.Schedule
}

type shiftKey struct {
	start, end attendance.TimeOfDay
	grace      int
}

// Up makes the shifts and patterns and fills the days' new columns in tx.
func Up(ctx context.Context, tx *sql.Tx, logger *slog.Logger, d Dialect, now time.Time) error {
	emps, err := readEmployees(ctx, tx)
	if err != nil {
		return fmt.Errorf("shifts from schedules: %w", err)
	}
	holidays, err := readHolidays(ctx, tx)
	if err != nil {
		return fmt.Errorf("shifts from schedules: %w", err)
	}
	shifts := map[shiftKey]int64{}
	for _, e := range emps {
		k := shiftKey{e.start, e.end, e.grace}
		id, ok := shifts[k]
		if !ok {
			name := attendance.LegacyShiftName(e.start, e.end, e.grace)
			if err := tx.QueryRowContext(ctx, d.Query(`INSERT INTO shifts (name, name_key, start_minute, end_minute, grace_minutes, break_minutes,
				active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, TRUE, ?, ?) RETURNING id`),
				name, strings.ToLower(name), int(e.start), int(e.end), e.grace, d.Time(now), d.Time(now)).Scan(&id); err != nil {
				return fmt.Errorf("shifts from schedules: %w", err)
			}
			shifts[k] = id
		}
		var pid int64
		start := mondayOf(e.hiredOn)
		if err := tx.QueryRowContext(ctx, d.Query(`INSERT INTO shift_patterns (employee_id, start_date, weeks, created_by, created_at)
			VALUES (?, ?, 1, NULL, ?) RETURNING id`), e.id, start.String(), d.Time(now)).Scan(&pid); err != nil {
			return fmt.Errorf("pattern of employee %d: %w", e.id, err)
		}
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if !e.days.Has(wd) {
				continue
			}
			if _, err := tx.ExecContext(ctx, d.Query(`INSERT INTO shift_pattern_days (pattern_id, week, weekday, shift_id) VALUES (?, 0, ?, ?)`),
				pid, int(wd), id); err != nil {
				return fmt.Errorf("pattern of employee %d: %w", e.id, err)
			}
		}
		moved, err := fillDays(ctx, tx, d, e, id, holidays)
		if err != nil {
			return fmt.Errorf("days of employee %d: %w", e.id, err)
		}
		if moved > 0 {
			logger.Info("entries that the work-date rule would place on another date; kept on their local date",
				"employee_id", e.id, "entries", moved)
		}
	}
	logger.Info("schedules became one-week patterns", "employees", len(emps), "shifts", len(shifts))
	return nil
}

func mondayOf(d attendance.Date) attendance.Date {
	return d.AddDays(-((int(d.Weekday()) + 6) % 7))
}

func readEmployees(ctx context.Context, tx *sql.Tx) ([]*employee, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, timezone, work_start, work_end, work_days, late_grace_minutes, hired_on FROM employees ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*employee
	for rows.Next() {
		e := &employee{}
		var start, end, days int
		var hired any
		if err := rows.Scan(&e.id, &e.timezone, &start, &end, &days, &e.grace, &hired); err != nil {
			return nil, err
		}
		e.start, e.end, e.days = attendance.TimeOfDay(start), attendance.TimeOfDay(end), attendance.Weekdays(days)
		if e.hiredOn, err = scanDate(hired); err != nil {
			return nil, err
		}
		loc, err := attendance.LoadLocation(e.timezone)
		if err != nil {
			loc = time.UTC
		}
		e.schedule = attendance.Schedule{Location: loc, WorkStart: e.start, WorkEnd: e.end, WorkDays: e.days, LateGrace: e.grace, HiredOn: e.hiredOn}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanDate(v any) (attendance.Date, error) {
	switch v := v.(type) {
	case string:
		return attendance.ParseDate(v)
	case []byte:
		return attendance.ParseDate(string(v))
	case time.Time:
		return attendance.NewDate(v.Date()), nil
	}
	return 0, fmt.Errorf("cannot read %T as a date", v)
}

func scanTime(v any) (time.Time, error) {
	switch v := v.(type) {
	case int64:
		return time.UnixMicro(v).UTC(), nil
	case time.Time:
		return v.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("cannot read %T as an instant", v)
}

// fillDays derives the employee's days from their events by local date, as
// they were recorded, and writes the new columns; it returns how many
// entries the work-date rule would place on another date under the migrated
// pattern.
func fillDays(ctx context.Context, tx *sql.Tx, d Dialect, e *employee, shiftID int64, h attendance.Holidays) (moved int, err error) {
	rows, err := tx.QueryContext(ctx, d.Query(`SELECT type, ts FROM attendance_events WHERE employee_id = ? AND NOT voided ORDER BY ts, id`), e.id)
	if err != nil {
		return 0, err
	}
	var events []attendance.AttendanceEvent
	for rows.Next() {
		var ev attendance.AttendanceEvent
		var ts any
		if err := rows.Scan(&ev.Type, &ts); err != nil {
			rows.Close()
			return 0, err
		}
		if ev.Timestamp, err = scanTime(ts); err != nil {
			rows.Close()
			return 0, err
		}
		events = append(events, ev)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	loc := e.schedule.Location
	sh := e.schedule.LegacyShift()
	sh.ID = shiftID
	migrated := e.schedule.Migrated(&sh)
	for i := range events {
		if events[i].Type != attendance.Entry {
			continue
		}
		if wd, _, _ := migrated.WorkDate(events[i].Timestamp, h); wd != attendance.DateOf(events[i].Timestamp.In(loc)) {
			moved++
		}
	}
	for _, day := range attendance.BuildDays(loc, events) {
		if day.BreakSeconds == 0 && day.LastExit.IsZero() && day.OpenSince.IsZero() {
			continue
		}
		var last, open any
		if !day.LastExit.IsZero() {
			last = d.Time(day.LastExit)
		}
		if !day.OpenSince.IsZero() {
			open = d.Time(day.OpenSince)
		}
		if _, err := tx.ExecContext(ctx, d.Query(`UPDATE attendance_days SET break_seconds = ?, last_exit_at = ?, open_since = ?
			WHERE employee_id = ? AND date = ?`), day.BreakSeconds, last, open, e.id, day.Date.String()); err != nil {
			return 0, err
		}
	}
	return moved, nil
}

func readHolidays(ctx context.Context, tx *sql.Tx) (attendance.Holidays, error) {
	rows, err := tx.QueryContext(ctx, `SELECT date FROM holidays`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := attendance.Holidays{}
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		d, err := scanDate(v)
		if err != nil {
			return nil, err
		}
		h[d] = ""
	}
	return h, rows.Err()
}

// Down removes what Up made: the patterns and shifts, and the days' new
// columns' values.
func Down(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{`DELETE FROM shift_pattern_days`, `DELETE FROM shift_patterns`, `DELETE FROM roster_overrides`,
		`DELETE FROM shifts`, `UPDATE attendance_days SET break_seconds = 0, last_exit_at = NULL, open_since = NULL`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
