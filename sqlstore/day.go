package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

// appendToDay works out the day that ev, about to be appended after prev at
// the end of the employee's events, changes — from the stored day, without
// reading the events — and sets ev's lateness. ev's work date is decided
// (decideWorkDate) before. It returns nil when the stored day does not fit
// (then the caller derives it from the events).
func (db *DB) appendToDay(ctx context.Context, tx *Tx, emp *attendance.Employee, sched attendance.Schedule, ev, prev *attendance.AttendanceEvent) (*attendance.Day, error) {
	switch {
	case ev.Type == attendance.Entry:
		d := *ev.WorkDate
		day, err := db.day(ctx, tx, emp.ID, d)
		if err != nil {
			return nil, err
		}
		if day.Entries == 0 {
			holidays, onLeave, hourly, err := db.lateFacts(ctx, tx, emp.ID, d)
			if err != nil {
				return nil, err
			}
			ev.Late, ev.LateMinutes = sched.EntryLateness(d, ev.Timestamp, holidays, onLeave, hourly)
		}
		day = day.AddEntryAt(ev.Timestamp, ev.Late, ev.LateMinutes)
		return &day, nil
	case prev != nil && prev.Type == attendance.Entry:
		day, err := db.day(ctx, tx, emp.ID, attendance.StoredWorkDates(sched.Location)(prev))
		if err != nil || day.OpenSessions == 0 {
			return nil, err
		}
		day = day.CloseSession(prev.Timestamp, ev.Timestamp)
		return &day, nil
	}
	return nil, nil
}

// decideWorkDate sets the work date of ev, about to be recorded after prev:
// an entry's by the roster (attendance.Schedule.WorkDate), an exit's that of
// the entry it closes, none for an exit without one.
func (db *DB) decideWorkDate(ctx context.Context, tx *Tx, sched attendance.Schedule, ev, prev *attendance.AttendanceEvent) (err error) {
	switch {
	case ev.Type == attendance.Entry:
		local := sched.LocalDate(ev.Timestamp)
		var holidays attendance.Holidays
		if f := tx.facts; f.covers(ev.EmployeeID, local.AddDays(-1)) && f.covers(ev.EmployeeID, local.AddDays(1)) {
			holidays = f.holidaysIn(local.AddDays(-1), local.AddDays(1))
		} else if holidays, err = db.holidays(ctx, tx, local.AddDays(-1), local.AddDays(1)); err != nil {
			return err
		}
		d, _, _ := sched.WorkDate(ev.Timestamp, holidays)
		ev.WorkDate = &d
	case prev != nil && prev.Type == attendance.Entry:
		d := attendance.StoredWorkDates(sched.Location)(prev)
		ev.WorkDate = &d
	}
	return nil
}

// relinkExit gives exit the work date of entry, the event now right before
// it, after a write changed which entry the exit closes: an entry recorded
// between an entry and its exit, or an entry voided. Nothing is written when
// the two are not an entry and the exit that follows it, or when the exit's
// work date is the entry's already.
func (db *DB) relinkExit(ctx context.Context, tx *Tx, loc *time.Location, entry, exit *attendance.AttendanceEvent) error {
	if entry == nil || exit == nil || entry.Type != attendance.Entry || exit.Type != attendance.Exit {
		return nil
	}
	d := attendance.StoredWorkDates(loc)(entry)
	if exit.WorkDate != nil && *exit.WorkDate == d {
		return nil
	}
	exit.WorkDate = &d
	_, err := tx.exec(ctx, `UPDATE attendance_events SET work_date = ? WHERE id = ?`, d.String(), exit.ID)
	return err
}

// scheduleAround returns emp's schedule with the overrides of the dates
// around instant t (the work-date rule looks a day either way).
func (db *DB) scheduleAround(ctx context.Context, tx *Tx, emp *attendance.Employee, t time.Time) (attendance.Schedule, error) {
	local := emp.Schedule().LocalDate(t)
	if f := tx.facts; f.covers(emp.ID, local) && local == emp.Schedule().LocalDate(f.at) {
		return f.sched, nil
	}
	return db.schedule(ctx, tx, emp, local.AddDays(-factsWindow), local.AddDays(factsWindow))
}

// day reads the stored day of an employee's date; a date without one is empty.
func (db *DB) day(ctx context.Context, tx *Tx, employeeID int64, d attendance.Date) (attendance.Day, error) {
	if f := tx.facts; f.covers(employeeID, d) {
		if day, ok := f.days[d]; ok {
			return day, nil
		}
		return attendance.Day{Date: d}, nil
	}
	day := attendance.Day{Date: d}
	err := tx.queryRow(ctx, `SELECT entries, late, late_minutes, worked_seconds, open_sessions, break_seconds, last_exit_at, open_since
		FROM attendance_days WHERE employee_id = ? AND date = ?`, employeeID, d.String()).
		Scan(&day.Entries, &day.Late, &day.LateMinutes, &day.WorkedSeconds, &day.OpenSessions, &day.BreakSeconds,
			zeroTimeCol{&day.LastExit}, zeroTimeCol{&day.OpenSince})
	if errors.Is(err, sql.ErrNoRows) {
		return attendance.Day{Date: d}, nil
	}
	return day, err
}

// lateFacts reads what lateness depends on besides the schedule: whether the
// date is a holiday, whether the employee has approved leave of whole or half
// days on it, and the intervals of their approved hourly leave (lateness
// counts from the end of leave that covers the shift's start).
func (db *DB) lateFacts(ctx context.Context, tx *Tx, employeeID int64, d attendance.Date) (attendance.Holidays, bool, []attendance.Interval, error) {
	if f := tx.facts; f.covers(employeeID, d) {
		holidays, onLeave, hourly := f.lateFacts(d)
		return holidays, onLeave, hourly, nil
	}
	var holiday, leave int
	if err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM holidays WHERE date = ?),
			(SELECT COUNT(*) FROM leave_requests WHERE employee_id = ? AND status = 'approved' AND start_date <= ? AND end_date >= ?
				AND start_at IS NULL)`,
		d.String(), employeeID, d.String(), d.String()).Scan(&holiday, &leave); err != nil {
		return nil, false, nil, err
	}
	holidays := attendance.Holidays{}
	if holiday > 0 {
		holidays[d] = ""
	}
	hourly, err := db.hourlyLeave(ctx, tx, employeeID, d)
	return holidays, leave > 0, hourly, err
}

// hourlyLeave reads the intervals of an employee's approved hourly leave on
// work date d.
func (db *DB) hourlyLeave(ctx context.Context, q queryer, employeeID int64, d attendance.Date) ([]attendance.Interval, error) {
	rows, err := q.query(ctx, `SELECT start_at, end_at FROM leave_requests WHERE employee_id = ? AND status = 'approved'
		AND start_date = ? AND start_at IS NOT NULL ORDER BY start_at`, employeeID, d.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.Interval
	for rows.Next() {
		var in attendance.Interval
		if err := rows.Scan(timeCol{&in.Start}, timeCol{&in.End}); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// refreshDays derives again the days that ev, just added or voided, touches
// (attendance.WorkDaysTouched), deciding the lateness of ev's work date again
// when ev is an entry, and sets ev's own lateness.
func (db *DB) refreshDays(ctx context.Context, tx *Tx, emp *attendance.Employee, ev, prev *attendance.AttendanceEvent) error {
	loc := emp.Schedule().Location
	dater := attendance.StoredWorkDates(loc)
	evDay := dater(ev)
	sched, err := db.scheduleAround(ctx, tx, emp, ev.Timestamp)
	if err != nil {
		return err
	}
	for _, d := range attendance.WorkDaysTouched(dater, ev, prev) {
		evaluate := ev.Type == attendance.Entry && d == evDay
		events, err := db.refreshDay(ctx, tx, emp, sched, d, evaluate)
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

// refreshDay derives the stored Day of work date d from the employee's
// events (one read: those of the local dates d−1 to d+1, where d's entries
// lie, and the first one after them). With evaluate, it first decides again
// which entry is the date's first and whether it is late, storing the
// outcome on the entries. sched holds the overrides of d's neighbours. It
// returns the events read.
func (db *DB) refreshDay(ctx context.Context, tx *Tx, emp *attendance.Employee, sched attendance.Schedule, d attendance.Date, evaluate bool) ([]attendance.AttendanceEvent, error) {
	start, end := db.t(d.AddDays(-1).In(sched.Location)), db.t(d.AddDays(2).In(sched.Location))
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
		if err := db.evaluateLateness(ctx, tx, emp, sched, d, events); err != nil {
			return nil, err
		}
	}
	return events, db.saveDay(ctx, tx, emp.ID, attendance.BuildWorkDay(d, attendance.StoredWorkDates(sched.Location), events))
}

// evaluateLateness decides which of the events is the first entry of work
// date d and whether it is late (attendance.Schedule.EntryLateness), and
// stores changes.
func (db *DB) evaluateLateness(ctx context.Context, tx *Tx, emp *attendance.Employee, sched attendance.Schedule, d attendance.Date, events []attendance.AttendanceEvent) error {
	holidays, onLeave, hourly, err := db.lateFacts(ctx, tx, emp.ID, d)
	if err != nil {
		return err
	}
	dater := attendance.StoredWorkDates(sched.Location)
	first := true
	for i := range events {
		e := &events[i]
		if e.Type != attendance.Entry || dater(e) != d {
			continue
		}
		late, minutes := false, 0
		if first {
			late, minutes = sched.EntryLateness(d, e.Timestamp, holidays, onLeave, hourly)
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

// saveDay stores an employee's day, or deletes it when nothing is left of
// it, and its slot of the rollup (month.go): on PostgreSQL in one statement.
func (db *DB) saveDay(ctx context.Context, tx *Tx, employeeID int64, day attendance.Day) error {
	tx.facts.saved(employeeID, day)
	month, err := monthArgs(employeeID, day)
	if err != nil {
		return err
	}
	query, args := upsertDaySQL, db.dayArgs(employeeID, day)
	if !day.Present() {
		query, args = deleteDaySQL, []any{employeeID, day.Date.String()}
	}
	if db.d.WritableCTEs {
		_, err := tx.exec(ctx, `WITH day AS (`+query+`) `+db.upsertMonthSQL(), append(args, month...)...)
		return err
	}
	if _, err := tx.exec(ctx, query, args...); err != nil {
		return err
	}
	_, err = tx.exec(ctx, db.upsertMonthSQL(), month...)
	return err
}

// deleteDaySQL deletes a day: its employee and date.
const deleteDaySQL = `DELETE FROM attendance_days WHERE employee_id = ? AND date = ?`

// upsertDaySQL stores a day (dayArgs).
const upsertDaySQL = `INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions,
		break_seconds, last_exit_at, open_since)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (employee_id, date) DO UPDATE SET entries = excluded.entries, late = excluded.late,
		late_minutes = excluded.late_minutes, worked_seconds = excluded.worked_seconds, open_sessions = excluded.open_sessions,
		break_seconds = excluded.break_seconds, last_exit_at = excluded.last_exit_at, open_since = excluded.open_since`

// dayArgs are the arguments of upsertDaySQL.
func (db *DB) dayArgs(employeeID int64, day attendance.Day) []any {
	return []any{employeeID, day.Date.String(), day.Entries, day.Late, day.LateMinutes, day.WorkedSeconds, day.OpenSessions,
		day.BreakSeconds, db.zt(day.LastExit), db.zt(day.OpenSince)}
}

// rebuildAllDays derives every Day of an employee again, e.g. after a change
// of time zone moved their events to other local dates.
// Each event's work date is decided again, in the new zone.
func (db *DB) rebuildAllDays(ctx context.Context, tx *Tx, emp *attendance.Employee) error {
	events, err := db.events(ctx, tx, `SELECT `+eventCols+` FROM attendance_events ev
		WHERE ev.employee_id = ? AND NOT ev.voided ORDER BY ev.ts, ev.id`, emp.ID)
	if err != nil {
		return err
	}
	sched, err := db.schedule(ctx, tx, emp, attendance.MinDate, attendance.MaxDate)
	if err != nil {
		return err
	}
	holidays, err := db.holidays(ctx, tx, attendance.MinDate, attendance.MaxDate)
	if err != nil {
		return err
	}
	if _, err := db.redecideWorkDates(ctx, tx, sched, holidays, events, len(events)); err != nil {
		return err
	}
	return db.storeDays(ctx, tx, emp.ID, attendance.BuildWorkDays(attendance.StoredWorkDates(emp.Schedule().Location), events))
}

// redecideWorkDates decides again the work dates of the first n of events
// (non-voided, in time order; an exit that follows one of them takes its
// entry's), storing changes, and returns the work dates that lost or gained
// an entry.
func (db *DB) redecideWorkDates(ctx context.Context, tx *Tx, sched attendance.Schedule, h attendance.Holidays, events []attendance.AttendanceEvent, n int) ([]attendance.Date, error) {
	dater := attendance.StoredWorkDates(sched.Location)
	var touched []attendance.Date
	set := func(e *attendance.AttendanceEvent, d attendance.Date) error {
		if e.WorkDate != nil && *e.WorkDate == d {
			return nil
		}
		e.WorkDate = &d
		_, err := tx.exec(ctx, `UPDATE attendance_events SET work_date = ? WHERE id = ?`, d.String(), e.ID)
		return err
	}
	for i := 0; i < n && i < len(events); i++ {
		e := &events[i]
		if e.Type != attendance.Entry {
			continue
		}
		old := dater(e)
		d, _, _ := sched.WorkDate(e.Timestamp, h)
		if d != old {
			touched = append(touched, old, d)
		}
		if err := set(e, d); err != nil {
			return nil, err
		}
		if i+1 < len(events) && events[i+1].Type == attendance.Exit {
			if err := set(&events[i+1], d); err != nil {
				return nil, err
			}
		}
	}
	return touched, nil
}

// reevaluateRange decides the lateness of the employee's entries from first to
// last again, after their approved leave or the holidays changed, and books
// the late penalties of the years it touched (latePenaltiesAfter), by the
// user given.
func (db *DB) reevaluateRange(ctx context.Context, tx *Tx, emp *attendance.Employee, first, last attendance.Date, by *int64) error {
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
	if err := rows.Err(); err != nil {
		return err
	}
	sched, err := db.schedule(ctx, tx, emp, first.AddDays(-2), last.AddDays(2))
	if err != nil {
		return err
	}
	for _, d := range dates {
		if _, err := db.refreshDay(ctx, tx, emp, sched, d, true); err != nil {
			return err
		}
	}
	return db.latePenaltiesAfter(ctx, tx, emp, dates, by)
}

// latePenaltiesAfter books, in the transaction that decided the lateness of
// emp's dates again (a holiday, approved leave or a roster change), the late
// penalties of their years, so that the ledger needs no later run to agree:
// a holiday added for a late day gives back the day it cost at once. A
// clock event's lateness is booked by the late_penalties job instead (its
// three round trips have no room for it); reads add it as due meanwhile.
// With the policy off nothing is booked here: the job gives booked days
// back, all at once.
func (db *DB) latePenaltiesAfter(ctx context.Context, tx *Tx, emp *attendance.Employee, dates []attendance.Date, by *int64) error {
	if db.cfg.LatePenaltyMinutes <= 0 {
		return nil
	}
	seen := map[int]bool{}
	for _, d := range dates {
		if y := d.Year(); !seen[y] {
			seen[y] = true
			if _, err := db.bookLatePenalty(ctx, tx, emp, y, nil, by); err != nil {
				return err
			}
		}
	}
	return nil
}
