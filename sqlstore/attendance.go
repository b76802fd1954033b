package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// AttendanceService keeps the clock-ins and -outs and what is derived from
// them: each employee's days and the overview (attendance.AttendanceService).
type AttendanceService struct{ db *DB }

var _ attendance.AttendanceService = (*AttendanceService)(nil)

// NewAttendanceService returns the attendance service of db.
func NewAttendanceService(db *DB) *AttendanceService { return &AttendanceService{db: db} }

// RecordEvent clocks the actor in or out, or records an event on behalf of
// someone in the actor's scope. The sequence check, the insert, the lateness
// of the date, the derived day and the late-arrival notification commit together.
func (s *AttendanceService) RecordEvent(ctx context.Context, a attendance.Actor, r attendance.RecordEvent) (_ *attendance.AttendanceEvent, err error) {
	defer wrap(&err, "RecordEvent(actor %d, %s)", a.ID, r.Type)
	now := s.db.now()
	if err := r.Check(a, now); err != nil {
		return nil, err
	}
	var ev *attendance.AttendanceEvent
	// On PostgreSQL in a pipeline (pipe.go): the lock and the facts with the
	// BEGIN, the writes with the COMMIT.
	err = s.db.inPipe(ctx, func(tx *Tx) error {
		if k := r.Idempotency; k != nil && tx.pipe != nil {
			// The key's records come with the facts, after the key's lock:
			// one round trip for both.
			e := newEvent(a, r, now)
			keyed, err := s.db.clockFactsKeyed(ctx, tx, e.EmployeeID, e.Timestamp, a.ID, k.Key)
			if err != nil && attendance.ErrorKind(err) != attendance.KindNotFound {
				return err
			}
			// No such employee: the key is replayed, and the refusal
			// remembered, as without the facts.
			tx.keyed = keyed
		}
		var err error
		ev, err = idempotent(ctx, s.db, tx, a.ID, "attendance", r.Idempotency, func() (*attendance.AttendanceEvent, error) {
			return s.recordEvent(ctx, tx, a, r, now)
		})
		return err
	})
	return ev, err
}

// VoidEvent voids an event of someone in the actor's scope. Nothing is erased:
// the event stays, marked voided, with who voided it, when and why.
func (s *AttendanceService) VoidEvent(ctx context.Context, a attendance.Actor, id int64, note string) (_ *attendance.AttendanceEvent, err error) {
	defer wrap(&err, "VoidEvent(actor %d, %d)", a.ID, id)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if err := attendance.CheckVoidNote(note); err != nil {
		return nil, err
	}
	var ev *attendance.AttendanceEvent
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		ev, err = scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, id))
		if err != nil {
			return notFound(err, "attendance event")
		}
		emp, err := s.db.employee(ctx, tx, ev.EmployeeID, true)
		if err != nil {
			return err
		}
		if ok, err := s.db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
			return orNotFound(err, "attendance event")
		}
		if err := attendance.CheckEditable(a, emp.ID, emp.Role); err != nil {
			return err
		}
		if emp.ID == a.ID {
			return attendance.ErrForbidden("nobody may void their own events; their manager or an admin does")
		}
		// Read it again under the employee's lock, which every change of their
		// events holds: a void that committed meanwhile is seen.
		if ev, err = scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, id)); err != nil {
			return notFound(err, "attendance event")
		}
		if ev.Voided {
			return attendance.Errorf(attendance.KindConflict, "already_voided", "the event was already voided")
		}
		return s.voidEvent(ctx, tx, emp, ev, a.ID, note)
	})
	return ev, err
}

// voidEvent voids ev, an event of emp that is not voided, by the employee
// by for note, in tx under the employee's lock: the days it touched are
// derived again and the managers told. A correction request's approval
// sets ev.CorrectionRequestID first, and the event keeps it.
func (s *AttendanceService) voidEvent(ctx context.Context, tx *Tx, emp *attendance.Employee, ev *attendance.AttendanceEvent, by int64, note string) error {
	prev, next, err := s.neighbours(ctx, tx, emp.ID, ev.Timestamp, ev.ID)
	if err != nil {
		return err
	}
	ev.Void(by, s.db.now(), note)
	if _, err := tx.exec(ctx, `UPDATE attendance_events SET voided = ?, voided_by = ?, voided_at = ?, void_note = ?, late = ?, late_minutes = ?,
		correction_request_id = ? WHERE id = ?`, ev.Voided, *ev.VoidedBy, s.db.t(*ev.VoidedAt), ev.VoidNote, ev.Late, ev.LateMinutes,
		ev.CorrectionRequestID, ev.ID); err != nil {
		return err
	}
	if err := s.db.refreshDays(ctx, tx, emp, ev, prev); err != nil {
		return err
	}
	if err := s.db.relinkExit(ctx, tx, emp.Schedule().Location, prev, next); err != nil {
		return err
	}
	if err := s.db.nameEvents(ctx, tx, map[int64]string{emp.ID: emp.Name()}, ev); err != nil {
		return err
	}
	chain, err := s.db.chain(ctx, tx, emp.ID)
	if err != nil {
		return err
	}
	s.emitEvent(tx, ev, chain, ":voided")
	return nil
}

// ListEvents lists the events of the actor or of someone in scope, newest first.
func (s *AttendanceService) ListEvents(ctx context.Context, a attendance.Actor, f attendance.EventFilter) (_ []*attendance.AttendanceEvent, _ int, err error) {
	defer wrap(&err, "ListEvents(actor %d)", a.ID)
	id := a.ID
	if f.EmployeeID != nil {
		id = *f.EmployeeID
	}
	emp, err := s.db.findEmployee(ctx, a, id)
	if err != nil {
		return nil, 0, err
	}
	var w where
	w.add("ev.employee_id = ?", id)
	loc := emp.Schedule().Location
	if f.From != nil {
		w.add("ev.ts >= ?", s.db.t(f.From.In(loc)))
	}
	if f.To != nil {
		w.add("ev.ts < ?", s.db.t(f.To.AddDays(1).In(loc)))
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM attendance_events ev WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	events, err := s.db.events(ctx, s.db.reader(), `SELECT `+eventCols+` FROM attendance_events ev WHERE `+w.String()+
		` ORDER BY ev.ts DESC, ev.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*attendance.AttendanceEvent, len(events))
	for i := range events {
		out[i] = &events[i]
	}
	return out, count, s.db.nameEvents(ctx, s.db.reader(), map[int64]string{emp.ID: emp.Name()}, out...)
}

// newEvent is the event r asks the actor to record, at now unless a
// manager gives the instant.
func newEvent(a attendance.Actor, r attendance.RecordEvent, now time.Time) *attendance.AttendanceEvent {
	ev := &attendance.AttendanceEvent{EmployeeID: a.ID, Type: r.Type, Timestamp: now, Source: attendance.SourceSelf, RecordedBy: a.ID}
	if r.OnBehalf() {
		ev.EmployeeID, ev.Source, ev.Note = *r.EmployeeID, attendance.SourceManager, *r.Note
		if r.Timestamp != nil {
			ev.Timestamp = r.Timestamp.UTC().Truncate(time.Microsecond)
		}
	}
	return ev
}

// recordEvent records r in tx, at now unless a manager gives the instant.
func (s *AttendanceService) recordEvent(ctx context.Context, tx *Tx, a attendance.Actor, r attendance.RecordEvent, now time.Time) (*attendance.AttendanceEvent, error) {
	ev := newEvent(a, r, now)
	// Where the dialect can, one statement locks the employee's row and then
	// reads it and every fact the rules below need: they cannot change until
	// the commit. A refusal below rolls the reads back with the rest. They
	// may have been read already, with the idempotency key's records.
	var emp *attendance.Employee
	var facts *clockFacts
	var err error
	if k := tx.keyed; k != nil && k.facts.employeeID == ev.EmployeeID && k.facts.at.Equal(ev.Timestamp) {
		emp, facts = k.emp, k.facts
	} else if emp, facts, err = s.db.lockClockFacts(ctx, tx, ev.EmployeeID, ev.Timestamp, 0); err != nil {
		return nil, err
	}
	if r.OnBehalf() {
		if ok, err := s.db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
			return nil, orNotFound(err, "employee")
		}
		if err := attendance.CheckEditable(a, emp.ID, emp.Role); err != nil {
			return nil, err
		}
		if err := attendance.CheckLocalDate(ev.Timestamp, emp.Schedule().Location); err != nil {
			return nil, err
		}
		if err := attendance.CheckHired(ev.Timestamp, emp.Schedule().Location, emp.HiredOn); err != nil {
			return nil, err
		}
	}
	tx.facts = facts
	defer func() { tx.facts = nil }()
	var prev, next *attendance.AttendanceEvent
	if facts != nil {
		prev, next = facts.prev, facts.next
	} else if prev, next, err = s.neighbours(ctx, tx, emp.ID, ev.Timestamp, 0); err != nil {
		return nil, err
	}
	if err := attendance.CheckSequence(prev, next, ev.Type, ev.Timestamp, emp.Schedule().Location); err != nil {
		return nil, err
	}
	if err := s.insertEvent(ctx, tx, emp, ev, prev, next, now); err != nil {
		return nil, err
	}
	if err := s.db.nameEvents(ctx, tx, map[int64]string{emp.ID: emp.Name()}, ev); err != nil {
		return nil, err
	}
	recipients, chain, err := s.db.managersOf(ctx, tx, emp.ID)
	if err != nil {
		return nil, err
	}
	s.emitEvent(tx, ev, chain, "")
	if ev.Late {
		if _, err := s.db.notify(ctx, tx, attendance.LateArrival(emp, ev, recipients)); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// insertEvent stores ev, which fits the sequence between prev and next, with
// its work date and lateness, and updates the days it touches.
func (s *AttendanceService) insertEvent(ctx context.Context, tx *Tx, emp *attendance.Employee, ev, prev, next *attendance.AttendanceEvent, now time.Time) error {
	sched, err := s.db.scheduleAround(ctx, tx, emp, ev.Timestamp)
	if err != nil {
		return err
	}
	if err := s.db.decideWorkDate(ctx, tx, sched, ev, prev); err != nil {
		return err
	}
	// The usual case appends at the end of the employee's events: the day it
	// touches is updated from its stored row. An event recorded before others
	// derives the touched days again from the events.
	var day *attendance.Day
	if next == nil {
		if day, err = s.db.appendToDay(ctx, tx, emp, sched, ev, prev); err != nil {
			return err
		}
	}
	var recordedBy any
	if ev.Source != attendance.SourceSystem {
		recordedBy = ev.RecordedBy
	}
	args := []any{ev.EmployeeID, string(ev.Type), s.db.t(ev.Timestamp), ev.Late, ev.LateMinutes,
		string(ev.Source), recordedBy, ev.Note, s.db.t(now), datePtr(ev.WorkDate), ev.CorrectionRequestID}
	if day != nil && day.Present() && s.db.d.WritableCTEs {
		// The event, its day and the day's slot of the rollup in one statement.
		month, err := monthArgs(emp.ID, *day)
		if err != nil {
			return err
		}
		args = append(append(args, s.db.dayArgs(emp.ID, *day)...), month...)
		if id := tx.facts.drawnID(); id != 0 {
			// The id is drawn: nothing to wait for, the statement goes
			// with the next (in a pipeline, with the COMMIT).
			ev.ID = id
			err = tx.later(ctx, `WITH ev AS (`+insertEventWithIDSQL+` RETURNING id), day AS (`+upsertDaySQL+`), month AS (`+
				s.db.upsertMonthSQL()+`) SELECT id FROM ev`, append([]any{id}, args...)...)
		} else {
			err = tx.queryRow(ctx, `WITH ev AS (`+insertEventSQL+` RETURNING id), day AS (`+upsertDaySQL+`), month AS (`+
				s.db.upsertMonthSQL()+`) SELECT id FROM ev`, args...).Scan(&ev.ID)
		}
		if err == nil {
			tx.facts.saved(emp.ID, *day)
		}
		return err
	}
	if ev.ID, err = tx.insertID(ctx, insertEventSQL, args...); err != nil {
		return err
	}
	if day != nil {
		return s.db.saveDay(ctx, tx, emp.ID, *day)
	}
	if err := s.db.relinkExit(ctx, tx, emp.Schedule().Location, ev, next); err != nil {
		return err
	}
	return s.db.refreshDays(ctx, tx, emp, ev, prev)
}

// insertEventSQL inserts an event (insertEvent's arguments).
const insertEventSQL = `INSERT INTO attendance_events (employee_id, type, ts, late, late_minutes, source, recorded_by, note,
		created_at, work_date, correction_request_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// insertEventWithIDSQL inserts an event whose id is drawn already: the id,
// then insertEvent's arguments.
const insertEventWithIDSQL = `INSERT INTO attendance_events (id, employee_id, type, ts, late, late_minutes, source, recorded_by, note,
		created_at, work_date, correction_request_id)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// neighbours returns the employee's non-voided events right before and after
// the instant t, leaving out the event skip, in one round trip.
func (s *AttendanceService) neighbours(ctx context.Context, tx *Tx, employeeID int64, t time.Time, skip int64) (prev, next *attendance.AttendanceEvent, err error) {
	const cond = `ev.employee_id = ? AND NOT ev.voided AND ev.id <> ?`
	rows, err := tx.query(ctx, `SELECT * FROM (SELECT 0 AS side, `+eventCols+` FROM attendance_events ev
			WHERE `+cond+` AND ev.ts <= ? ORDER BY ev.ts DESC, ev.id DESC LIMIT 1) p
		UNION ALL
		SELECT * FROM (SELECT 1 AS side, `+eventCols+` FROM attendance_events ev
			WHERE `+cond+` AND ev.ts > ? ORDER BY ev.ts, ev.id LIMIT 1) n`,
		employeeID, skip, s.db.t(t), employeeID, skip, s.db.t(t))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var side int
		var e attendance.AttendanceEvent
		if err := rows.Scan(append([]any{&side}, eventDest(&e)...)...); err != nil {
			return nil, nil, err
		}
		if side == 0 {
			prev = &e
		} else {
			next = &e
		}
	}
	return prev, next, rows.Err()
}

// emitEvent queues an attendance message for the managers in scope of the event.
func (s *AttendanceService) emitEvent(tx *Tx, ev *attendance.AttendanceEvent, chain attendance.Chain, suffix string) {
	e := *ev
	tx.emit(attendance.Message{ID: "attendance:" + strconv.FormatInt(ev.ID, 10) + suffix, Type: attendance.MessageAttendance,
		OccurredAt: s.db.now(), Event: &e, Managers: chain.Watchers()})
}

// nameEvents sets who recorded and who voided each event by name
// (RecordedByName, VoidedByName), with one read of the names it does not
// know: known may name people already at hand (nil for none).
func (db *DB) nameEvents(ctx context.Context, q queryer, known map[int64]string, evs ...*attendance.AttendanceEvent) error {
	names := map[int64]string{}
	for id, n := range known {
		names[id] = n
	}
	var ids []int64
	need := func(id int64) {
		if _, ok := names[id]; !ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	for _, e := range evs {
		if e.Source != attendance.SourceSystem {
			need(e.RecordedBy)
		}
		if e.VoidedBy != nil {
			need(*e.VoidedBy)
		}
	}
	if len(ids) > 0 {
		in, args := inIDs(ids)
		rows, err := q.query(ctx, `SELECT id, username, first_name, last_name FROM employees WHERE id `+in, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e attendance.Employee
			if err := rows.Scan(&e.ID, &e.Username, &e.FirstName, &e.LastName); err != nil {
				return err
			}
			names[e.ID] = e.Name()
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	name := func(id int64) *string {
		if n, ok := names[id]; ok {
			return &n
		}
		return nil
	}
	for _, e := range evs {
		e.RecordedByName, e.VoidedByName = nil, nil
		if e.Source != attendance.SourceSystem {
			e.RecordedByName = name(e.RecordedBy)
		}
		if e.VoidedBy != nil {
			e.VoidedByName = name(*e.VoidedBy)
		}
	}
	return nil
}

// events reads the events a query selects (eventCols).
func (db *DB) events(ctx context.Context, q queryer, query string, args ...any) ([]attendance.AttendanceEvent, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.AttendanceEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// eventCols are the columns of an attendance.AttendanceEvent, of attendance_events ev.
const eventCols = `ev.id, ev.employee_id, ev.type, ev.ts, ev.late, ev.late_minutes, ev.source, ev.recorded_by,
	ev.note, ev.voided, ev.voided_by, ev.voided_at, ev.void_note, ev.work_date, ev.correction_request_id`

// eventDest are the destinations of eventCols in e.
func eventDest(e *attendance.AttendanceEvent) []any {
	return []any{&e.ID, &e.EmployeeID, &e.Type, timeCol{&e.Timestamp}, &e.Late, &e.LateMinutes, &e.Source, nullIDCol{&e.RecordedBy},
		&e.Note, &e.Voided, &e.VoidedBy, nullTimeCol{&e.VoidedAt}, &e.VoidNote, nullDateCol{&e.WorkDate}, &e.CorrectionRequestID}
}

// nullIDCol scans an optional id, NULL being 0 (the system's recorded_by).
type nullIDCol struct{ id *int64 }

func (c nullIDCol) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*c.id = n.Int64
	return nil
}

// scanEvent scans eventCols.
func scanEvent(s scanner) (*attendance.AttendanceEvent, error) {
	var e attendance.AttendanceEvent
	if err := s.Scan(eventDest(&e)...); err != nil {
		return nil, err
	}
	return &e, nil
}
