package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

const eventCols = `ev.id, ev.employee_id, ev.type, ev.ts, ev.late, ev.late_minutes, ev.source, ev.recorded_by,
	ev.note, ev.voided, ev.voided_by, ev.voided_at, ev.void_note`

func scanEvent(s scanner) (*attendance.AttendanceEvent, error) {
	var e attendance.AttendanceEvent
	err := s.Scan(&e.ID, &e.EmployeeID, &e.Type, timeCol{&e.Timestamp}, &e.Late, &e.LateMinutes, &e.Source, &e.RecordedBy,
		&e.Note, &e.Voided, &e.VoidedBy, nullTimeCol{&e.VoidedAt}, &e.VoidNote)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func (db *DB) events(ctx context.Context, q queryer, query string, args ...any) ([]attendance.AttendanceEvent, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, db.internal("events", err)
	}
	defer rows.Close()
	var out []attendance.AttendanceEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, db.internal("events", err)
		}
		out = append(out, *e)
	}
	return out, db.internal("events", rows.Err())
}

// RecordEvent clocks the actor in or out, or records an event on behalf of
// someone in the actor's scope. The sequence check, the insert, the lateness
// of the date, the derived day and the late-arrival notification commit together.
func (db *DB) RecordEvent(ctx context.Context, a attendance.Actor, r attendance.RecordEvent) (*attendance.AttendanceEvent, error) {
	now := db.now()
	if err := r.Check(a, now); err != nil {
		return nil, err
	}
	var ev *attendance.AttendanceEvent
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		ev, err = idempotent(ctx, db, tx, a.ID, "attendance", r.Idempotency, func() (*attendance.AttendanceEvent, error) {
			return db.recordEvent(ctx, tx, a, r, now)
		})
		return err
	})
	return ev, err
}

func (db *DB) recordEvent(ctx context.Context, tx *Tx, a attendance.Actor, r attendance.RecordEvent, now time.Time) (*attendance.AttendanceEvent, error) {
	ev := &attendance.AttendanceEvent{EmployeeID: a.ID, Type: r.Type, Timestamp: now, Source: attendance.SourceSelf, RecordedBy: a.ID}
	if r.OnBehalf() {
		ev.EmployeeID, ev.Source, ev.Note = *r.EmployeeID, attendance.SourceManager, *r.Note
		if r.Timestamp != nil {
			ev.Timestamp = r.Timestamp.UTC().Truncate(time.Microsecond)
		}
	}
	emp, err := db.employee(ctx, tx, ev.EmployeeID, true)
	if err != nil {
		return nil, err
	}
	if r.OnBehalf() {
		if ok, err := db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
			return nil, orNotFound(err, "employee")
		}
		if err := attendance.CheckLocalDate(ev.Timestamp, emp.Schedule().Location); err != nil {
			return nil, err
		}
	}
	prev, next, err := db.neighbours(ctx, tx, emp.ID, ev.Timestamp, 0)
	if err != nil {
		return nil, err
	}
	if err := attendance.CheckSequence(prev, next, ev.Type, ev.Timestamp, emp.Schedule().Location); err != nil {
		return nil, err
	}
	// The usual case appends at the end of the employee's events: the day it
	// touches is updated from its stored row. An event recorded before others
	// derives the touched days again from the events.
	var day *attendance.Day
	if next == nil {
		if day, err = db.appendToDay(ctx, tx, emp, ev, prev); err != nil {
			return nil, err
		}
	}
	ev.ID, err = tx.insertID(ctx, `INSERT INTO attendance_events (employee_id, type, ts, late, late_minutes, source, recorded_by, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ev.EmployeeID, string(ev.Type), db.t(ev.Timestamp), ev.Late, ev.LateMinutes,
		string(ev.Source), ev.RecordedBy, ev.Note, db.t(now))
	if err != nil {
		return nil, db.internal("insert event", err)
	}
	if day != nil {
		err = db.saveDay(ctx, tx, emp.ID, *day)
	} else {
		err = db.refreshDays(ctx, tx, emp, ev, prev)
	}
	if err != nil {
		return nil, err
	}
	recipients, chain, err := db.managersOf(ctx, tx, emp.ID)
	if err != nil {
		return nil, err
	}
	db.emitEvent(tx, ev, chain, "")
	if ev.Late {
		if _, err := db.notify(ctx, tx, attendance.LateArrival(emp, ev, recipients)); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// emitEvent queues an attendance message for the managers in scope of the event.
func (db *DB) emitEvent(tx *Tx, ev *attendance.AttendanceEvent, chain attendance.Chain, suffix string) {
	e := *ev
	tx.emit(attendance.Message{ID: "attendance:" + strconv.FormatInt(ev.ID, 10) + suffix, Type: attendance.MessageAttendance,
		OccurredAt: db.now(), Event: &e, Managers: chain.Watchers()})
}

// neighbours returns the employee's non-voided events right before and after
// the instant t, leaving out the event skip, in one round trip.
func (db *DB) neighbours(ctx context.Context, tx *Tx, employeeID int64, t time.Time, skip int64) (prev, next *attendance.AttendanceEvent, err error) {
	const cond = `ev.employee_id = ? AND NOT ev.voided AND ev.id <> ?`
	rows, err := tx.query(ctx, `SELECT * FROM (SELECT 0 AS side, `+eventCols+` FROM attendance_events ev
			WHERE `+cond+` AND ev.ts <= ? ORDER BY ev.ts DESC, ev.id DESC LIMIT 1) p
		UNION ALL
		SELECT * FROM (SELECT 1 AS side, `+eventCols+` FROM attendance_events ev
			WHERE `+cond+` AND ev.ts > ? ORDER BY ev.ts, ev.id LIMIT 1) n`,
		employeeID, skip, db.t(t), employeeID, skip, db.t(t))
	if err != nil {
		return nil, nil, db.internal("neighbours", err)
	}
	defer rows.Close()
	for rows.Next() {
		var side int
		var e attendance.AttendanceEvent
		if err := rows.Scan(&side, &e.ID, &e.EmployeeID, &e.Type, timeCol{&e.Timestamp}, &e.Late, &e.LateMinutes, &e.Source,
			&e.RecordedBy, &e.Note, &e.Voided, &e.VoidedBy, nullTimeCol{&e.VoidedAt}, &e.VoidNote); err != nil {
			return nil, nil, db.internal("neighbours", err)
		}
		if side == 0 {
			prev = &e
		} else {
			next = &e
		}
	}
	return prev, next, db.internal("neighbours", rows.Err())
}

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
	return day, db.internal("day", err)
}

// lateFacts reads what lateness depends on besides the schedule: whether the
// date is a holiday, and whether the employee has approved leave on it.
func (db *DB) lateFacts(ctx context.Context, tx *Tx, employeeID int64, d attendance.Date) (attendance.Holidays, bool, error) {
	var holiday, leave int
	if err := tx.queryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM holidays WHERE date = ?),
			(SELECT COUNT(*) FROM leave_requests WHERE employee_id = ? AND status = 'approved' AND start_date <= ? AND end_date >= ?)`,
		d.String(), employeeID, d.String(), d.String()).Scan(&holiday, &leave); err != nil {
		return nil, false, db.internal("lateness", err)
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
				return db.internal("lateness", err)
			}
		}
	}
	return nil
}

func (db *DB) saveDay(ctx context.Context, tx *Tx, employeeID int64, day attendance.Day) error {
	if !day.Present() {
		_, err := tx.exec(ctx, `DELETE FROM attendance_days WHERE employee_id = ? AND date = ?`, employeeID, day.Date.String())
		return db.internal("day", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (employee_id, date) DO UPDATE SET entries = excluded.entries, late = excluded.late,
			late_minutes = excluded.late_minutes, worked_seconds = excluded.worked_seconds, open_sessions = excluded.open_sessions`,
		employeeID, day.Date.String(), day.Entries, day.Late, day.LateMinutes, day.WorkedSeconds, day.OpenSessions)
	return db.internal("day", err)
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
		return db.internal("days", err)
	}
	for _, day := range attendance.BuildDays(emp.Schedule().Location, events) {
		if err := db.saveDay(ctx, tx, emp.ID, day); err != nil {
			return err
		}
	}
	return nil
}

// VoidEvent voids an event of someone in the actor's scope. Nothing is erased:
// the event stays, marked voided, with who voided it, when and why.
func (db *DB) VoidEvent(ctx context.Context, a attendance.Actor, id int64, note string) (*attendance.AttendanceEvent, error) {
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if err := attendance.CheckVoidNote(note); err != nil {
		return nil, err
	}
	var ev *attendance.AttendanceEvent
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		ev, err = scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, id))
		if err != nil {
			return db.notFound(err, "attendance event")
		}
		emp, err := db.employee(ctx, tx, ev.EmployeeID, true)
		if err != nil {
			return err
		}
		if ok, err := db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
			return orNotFound(err, "attendance event")
		}
		if emp.ID == a.ID {
			return attendance.ErrForbidden("nobody may void their own events; their manager or an admin does")
		}
		// Read it again under the employee's lock, which every change of their
		// events holds: a void that committed meanwhile is seen.
		if ev, err = scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, id)); err != nil {
			return db.notFound(err, "attendance event")
		}
		if ev.Voided {
			return attendance.Errorf(attendance.KindConflict, "already_voided", "the event was already voided")
		}
		prev, _, err := db.neighbours(ctx, tx, emp.ID, ev.Timestamp, ev.ID)
		if err != nil {
			return err
		}
		ev.Void(a.ID, db.now(), note)
		if _, err := tx.exec(ctx, `UPDATE attendance_events SET voided = ?, voided_by = ?, voided_at = ?, void_note = ?, late = ?, late_minutes = ? WHERE id = ?`,
			ev.Voided, *ev.VoidedBy, db.t(*ev.VoidedAt), ev.VoidNote, ev.Late, ev.LateMinutes, id); err != nil {
			return db.internal("void", err)
		}
		if err := db.refreshDays(ctx, tx, emp, ev, prev); err != nil {
			return err
		}
		chain, err := db.chain(ctx, tx, emp.ID)
		if err != nil {
			return err
		}
		db.emitEvent(tx, ev, chain, ":voided")
		return nil
	})
	return ev, err
}

// ListEvents lists the events of the actor or of someone in scope, newest first.
func (db *DB) ListEvents(ctx context.Context, a attendance.Actor, f attendance.EventFilter) ([]*attendance.AttendanceEvent, int, error) {
	id := a.ID
	if f.EmployeeID != nil {
		id = *f.EmployeeID
	}
	emp, err := db.FindEmployee(ctx, a, id)
	if err != nil {
		return nil, 0, err
	}
	var w where
	w.add("ev.employee_id = ?", id)
	loc := emp.Schedule().Location
	if f.From != nil {
		w.add("ev.ts >= ?", db.t(f.From.In(loc)))
	}
	if f.To != nil {
		w.add("ev.ts < ?", db.t(f.To.AddDays(1).In(loc)))
	}
	var count int
	if err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM attendance_events ev WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, db.internal("count events", err)
	}
	limit, offset := pageArgs(f.Page)
	events, err := db.events(ctx, db.reader(), `SELECT `+eventCols+` FROM attendance_events ev WHERE `+w.String()+
		` ORDER BY ev.ts DESC, ev.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*attendance.AttendanceEvent, len(events))
	for i := range events {
		out[i] = &events[i]
	}
	return out, count, nil
}

// holidays returns the company holidays from first to last.
func (db *DB) holidays(ctx context.Context, q queryer, first, last attendance.Date) (attendance.Holidays, error) {
	rows, err := q.query(ctx, `SELECT date, name FROM holidays WHERE date >= ? AND date <= ?`, first.String(), last.String())
	if err != nil {
		return nil, db.internal("holidays", err)
	}
	defer rows.Close()
	h := attendance.Holidays{}
	for rows.Next() {
		var d attendance.Date
		var name string
		if err := rows.Scan(dateCol{&d}, &name); err != nil {
			return nil, db.internal("holidays", err)
		}
		h[d] = name
	}
	return h, db.internal("holidays", rows.Err())
}
