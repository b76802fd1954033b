package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openattendance/attendance"
)

// appendToDay works out the day that ev, about to be appended after prev at
// the end of the employee's events, changes — from the stored day, without
// reading the events — and sets ev's lateness. It returns nil when the stored
// day does not fit (then the caller derives it from the events).
func (db *DB) appendToDay(ctx context.Context, tx *Tx, emp *attendance.Employee, ev, prev *attendance.AttendanceEvent) (*attendance.Day, error) {
	sched := emp.Schedule()
	switch {
	case ev.Type == attendance.Entry:
		d := sched.LocalDate(ev.Timestamp)
		day, err := db.day(ctx, tx, emp.ID, d)
		if err != nil {
			return nil, err
		}
		if day.Entries == 0 {
			holidays, onLeave, err := db.lateFacts(ctx, tx, emp.ID, d)
			if err != nil {
				return nil, err
			}
			ev.Late, ev.LateMinutes = sched.Lateness(ev.Timestamp, holidays, onLeave)
		}
		day = day.AddEntry(ev.Late, ev.LateMinutes)
		return &day, nil
	case prev != nil && prev.Type == attendance.Entry:
		day, err := db.day(ctx, tx, emp.ID, sched.LocalDate(prev.Timestamp))
		if err != nil || day.OpenSessions == 0 {
			return nil, err
		}
		day = day.CloseSession(prev.Timestamp, ev.Timestamp)
		return &day, nil
	}
	return nil, nil
}

// day reads the stored day of an employee's date; a date without one is empty.
func (db *DB) day(ctx context.Context, tx *Tx, employeeID int64, d attendance.Date) (attendance.Day, error) {
	day := attendance.Day{Date: d}
	err := tx.queryRow(ctx, `SELECT entries, late, late_minutes, worked_seconds, open_sessions FROM attendance_days
		WHERE employee_id = ? AND date = ?`, employeeID, d.String()).
		Scan(&day.Entries, &day.Late, &day.LateMinutes, &day.WorkedSeconds, &day.OpenSessions)
	if errors.Is(err, sql.ErrNoRows) {
		return attendance.Day{Date: d}, nil
	}
	return day, err
}

// lateFacts reads what lateness depends on besides the schedule: whether the
// date is a holiday, and whether the employee has approved leave on it.
func (db *DB) lateFacts(ctx context.Context, tx *Tx, employeeID int64, d attendance.Date) (attendance.Holidays, bool, error) {
	var holiday, leave int
	if err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM holidays WHERE date = ?),
			(SELECT COUNT(*) FROM leave_requests WHERE employee_id = ? AND status = 'approved' AND start_date <= ? AND end_date >= ?)`,
		d.String(), employeeID, d.String(), d.String()).Scan(&holiday, &leave); err != nil {
		return nil, false, err
	}
	holidays := attendance.Holidays{}
	if holiday > 0 {
		holidays[d] = ""
	}
	return holidays, leave > 0, nil
}

// refreshDays derives again the days that ev, just added or voided, touches
// (attendance.DaysTouched), deciding the lateness of ev's date again when ev
// is an entry, and sets ev's own lateness.
func (db *DB) refreshDays(ctx context.Context, tx *Tx, emp *attendance.Employee, ev, prev *attendance.AttendanceEvent) error {
	loc := emp.Schedule().Location
	evDay := attendance.DateOf(ev.Timestamp.In(loc))
	for _, d := range attendance.DaysTouched(loc, ev, prev) {
		evaluate := ev.Type == attendance.Entry && d == evDay
		events, err := db.refreshDay(ctx, tx, emp, d, evaluate)
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.ID == ev.ID {
				ev.Late, ev.LateMinutes = e.Late, e.LateMinutes
			}
		}
	}
	return nil
}

// refreshDay derives the stored Day of date d from the employee's events
// (one read: the date's events and the first one after it). With evaluate,
// it first decides again which entry is the date's first and whether it is
// late, storing the outcome on the entries. It returns the date's events.
func (db *DB) refreshDay(ctx context.Context, tx *Tx, emp *attendance.Employee, d attendance.Date, evaluate bool) ([]attendance.AttendanceEvent, error) {
	sched := emp.Schedule()
	start, end := db.t(d.In(sched.Location)), db.t(d.AddDays(1).In(sched.Location))
	events, err := db.events(ctx, tx, `SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? AND ev.ts < ?) on_day
		UNION ALL
		SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? ORDER BY ev.ts, ev.id LIMIT 1) after_day
		ORDER BY 4, 1`, emp.ID, start, end, emp.ID, end)
	if err != nil {
		return nil, err
	}
	if evaluate {
		if err := db.evaluateLateness(ctx, tx, emp, d, events); err != nil {
			return nil, err
		}
	}
	return events, db.saveDay(ctx, tx, emp.ID, attendance.BuildDay(d, sched.Location, events))
}

// evaluateLateness decides which of the events is the first entry of date d
// and whether it is late (attendance.Schedule.Lateness), and stores changes.
func (db *DB) evaluateLateness(ctx context.Context, tx *Tx, emp *attendance.Employee, d attendance.Date, events []attendance.AttendanceEvent) error {
	sched := emp.Schedule()
	holidays, onLeave, err := db.lateFacts(ctx, tx, emp.ID, d)
	if err != nil {
		return err
	}
	first := true
	for i := range events {
		e := &events[i]
		if e.Type != attendance.Entry || sched.LocalDate(e.Timestamp) != d {
			continue
		}
		late, minutes := false, 0
		if first {
			late, minutes = sched.Lateness(e.Timestamp, holidays, onLeave)
			first = false
		}
		if late != e.Late || minutes != e.LateMinutes {
			e.Late, e.LateMinutes = late, minutes
			if _, err := tx.exec(ctx, `UPDATE attendance_events SET late = ?, late_minutes = ? WHERE id = ?`, late, minutes, e.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (db *DB) saveDay(ctx context.Context, tx *Tx, employeeID int64, day attendance.Day) error {
	if !day.Present() {
		_, err := tx.exec(ctx, `DELETE FROM attendance_days WHERE employee_id = ? AND date = ?`, employeeID, day.Date.String())
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (employee_id, date) DO UPDATE SET entries = excluded.entries, late = excluded.late,
			late_minutes = excluded.late_minutes, worked_seconds = excluded.worked_seconds, open_sessions = excluded.open_sessions`,
		employeeID, day.Date.String(), day.Entries, day.Late, day.LateMinutes, day.WorkedSeconds, day.OpenSessions)
	return err
}

// rebuildAllDays derives every Day of an employee again, e.g. after a change
// of time zone moved their events to other local dates.
func (db *DB) rebuildAllDays(ctx context.Context, tx *Tx, emp *attendance.Employee) error {
	events, err := db.events(ctx, tx, `SELECT `+eventCols+` FROM attendance_events ev
		WHERE ev.employee_id = ? AND NOT ev.voided ORDER BY ev.ts, ev.id`, emp.ID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM attendance_days WHERE employee_id = ?`, emp.ID); err != nil {
		return err
	}
	for _, day := range attendance.BuildDays(emp.Schedule().Location, events) {
		if err := db.saveDay(ctx, tx, emp.ID, day); err != nil {
			return err
		}
	}
	return nil
}

// reevaluateRange decides the lateness of the employee's entries from first to
// last again, after their approved leave changed.
func (db *DB) reevaluateRange(ctx context.Context, tx *Tx, emp *attendance.Employee, first, last attendance.Date) error {
	rows, err := tx.query(ctx, `SELECT date FROM attendance_days WHERE employee_id = ? AND date >= ? AND date <= ?`, emp.ID, first.String(), last.String())
	if err != nil {
		return err
	}
	var dates []attendance.Date
	for rows.Next() {
		var d attendance.Date
		if err := rows.Scan(dateCol{&d}); err != nil {
			rows.Close()
			return err
		}
		dates = append(dates, d)
	}
	rows.Close()
	for _, d := range dates {
		if _, err := db.refreshDay(ctx, tx, emp, d, true); err != nil {
			return err
		}
	}
	return rows.Err()
}

// reevaluateDate decides the lateness of everyone's entries on date d again,
// after the holiday list changed.
func (db *DB) reevaluateDate(ctx context.Context, tx *Tx, d attendance.Date) error {
	rows, err := tx.query(ctx, `SELECT `+employeeCols+` FROM employees e JOIN attendance_days ad ON ad.employee_id = e.id WHERE ad.date = ?`, d.String())
	if err != nil {
		return err
	}
	var emps []*attendance.Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			rows.Close()
			return err
		}
		emps = append(emps, e)
	}
	rows.Close()
	for _, e := range emps {
		if err := db.reevaluateRange(ctx, tx, e, d, d); err != nil {
			return err
		}
	}
	return nil
}
