package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openattendance/attendance"
)

// clockFacts is everything recording one clock event of an employee reads
// besides the employee's row, read with that row and its lock in one
// statement where the dialect can (PostgreSQL) instead of one per fact: the neighbouring events, the roster,
// and the holidays, stored days and approved leave of the dates around the
// event, and who hears of it. The rules (insertEvent, decideWorkDate,
// appendToDay, lateFacts, managersOf) read through it and do not know
// whether it was there; dates it does not cover are read as before.
//
// It lives for one recordEvent, in its transaction, after the employee's
// row is locked: what it read cannot change before the commit.
type clockFacts struct {
	employeeID  int64
	at          time.Time // the event's instant, which the neighbours are around
	first, last attendance.Date
	prev, next  *attendance.AttendanceEvent
	sched       attendance.Schedule // with the overrides from first to last
	holidays    attendance.Holidays // from first to last
	days        map[attendance.Date]attendance.Day
	leave       []factLeave
	chain       attendance.Chain
	admins      []int64
	// eventID is the new event's id, drawn with the facts in a pipeline
	// (pipe.go) so that its write need not answer; 0 elsewhere.
	eventID int64
}

// factLeave is an approved leave request of the employee that overlaps the
// facts' dates: whole or half days, or hours (start_at set).
type factLeave struct {
	start, end attendance.Date
	hours      *attendance.Interval
}

// covers reports whether the facts hold what is stored of the employee's date d.
func (f *clockFacts) covers(employeeID int64, d attendance.Date) bool {
	return f != nil && f.employeeID == employeeID && d >= f.first && d <= f.last
}

// factsWindow is how many days either side of the event's local date the
// schedule's overrides are read (scheduleAround), and so the work dates and
// the days an event may touch.
const factsWindow = 2

// lockClockFacts locks the employee's row (as employee does) and reads it
// with the facts of recording their event at instant t, leaving out the
// event skip (as neighbours does). On PostgreSQL the lock, the row and the
// facts are one statement, the function clock_facts (migration 00021),
// whose reads each come after the lock; elsewhere the facts are nil and
// read one by one.
//
// The facts cover the event's UTC date and factsWindow+1 days either side:
// the employee's local date, which the window is around, is at most a day
// from it, and is not known before the row is read.
func (db *DB) lockClockFacts(ctx context.Context, tx *Tx, employeeID int64, t time.Time, skip int64) (*attendance.Employee, *clockFacts, error) {
	if !db.d.WritableCTEs {
		emp, err := db.employee(ctx, tx, employeeID, true)
		return emp, nil, err
	}
	k, err := db.readClockFacts(ctx, tx, employeeID, t, skip, &keyedFacts{})
	if err != nil {
		return nil, nil, err
	}
	return k.emp, k.facts, nil
}

// clockFactsKeyed is lockClockFacts of a new event in a pipeline, which
// also reads what is stored under the actor's idempotency key (replay) in
// the same statement, after the key's lock: the lock goes first, in the
// same round trip, and the statement after it sees whatever a request with
// the same key committed while it waited.
func (db *DB) clockFactsKeyed(ctx context.Context, tx *Tx, employeeID int64, t time.Time, actorID int64, key string) (*keyedFacts, error) {
	if err := db.lock(ctx, tx, lockKey("idempotency", actorID, key)); err != nil {
		return nil, err
	}
	return db.readClockFacts(ctx, tx, employeeID, t, 0, &keyedFacts{actorID: actorID, key: key})
}

// readClockFacts runs clock_facts into k (lockClockFacts), with what is
// stored under k's idempotency key if it has one. In a pipeline, a new
// event's id is drawn with them (after the lock, as the function's reads
// are), so that its write need not answer.
func (db *DB) readClockFacts(ctx context.Context, tx *Tx, employeeID int64, t time.Time, skip int64, k *keyedFacts) (*keyedFacts, error) {
	utc := attendance.DateOf(t.UTC())
	f := &clockFacts{employeeID: employeeID, at: t, first: utc.AddDays(-factsWindow - 1), last: utc.AddDays(factsWindow + 1)}
	var doc, recs []byte
	cols, dest, args := `, f.facts`, []any{&doc}, []any{}
	if tx.pipe != nil && skip == 0 {
		cols += `, nextval(pg_get_serial_sequence('attendance_events', 'id'))`
		dest = append(dest, &f.eventID)
	}
	if k.key != "" {
		cols += `, (SELECT json_agg(json_build_object('endpoint', endpoint, 'hash', request_hash, 'response', response, 'failed', failed,
				'created_at', CAST(EXTRACT(EPOCH FROM created_at) * 1000000 AS BIGINT)) ORDER BY created_at, endpoint)
			FROM idempotency_keys WHERE employee_id = ? AND key = ?)`
		dest = append(dest, &recs)
		args = append(args, k.actorID, k.key)
	}
	args = append(args, employeeID, skip, db.t(t), f.first.String(), f.last.String())
	emp, err := scanEmployee(tx.queryRow(ctx, `SELECT `+employeeCols+cols+` FROM clock_facts(?, ?, ?, ?, ?) f
		CROSS JOIN LATERAL (SELECT (f.emp).*) e`, args...), dest...)
	if err != nil {
		return nil, notFound(err, "employee")
	}
	if err := f.parse(emp, doc); err != nil {
		return nil, err
	}
	k.emp, k.facts = emp, f
	if recs != nil {
		var raw []struct {
			Endpoint, Hash, Response string
			Failed                   bool
			CreatedAt                int64 `json:"created_at"`
		}
		if err := json.Unmarshal(recs, &raw); err != nil {
			return nil, fmt.Errorf("idempotency records: %w", err)
		}
		for _, r := range raw {
			var s storedRequest
			s.Endpoint, s.Hash, s.response, s.failed, s.CreatedAt = r.Endpoint, r.Hash, r.Response, r.Failed, time.UnixMicro(r.CreatedAt).UTC()
			k.recs = append(k.recs, s)
		}
	}
	return k, nil
}

// parse sets the facts from clock_facts' JSON document, of employee emp.
func (f *clockFacts) parse(emp *attendance.Employee, doc []byte) error {
	var raw struct {
		Prev, Next *factEvent
		Shifts     []factShift
		Patterns   []struct {
			ID                   int64
			Start                attendance.Date
			Weeks                int
			Week, Weekday, Shift *int64
		}
		Overrides []struct {
			Date  attendance.Date
			Shift *int64
		}
		Holidays []struct {
			Date attendance.Date
			Name string
		}
		Days  []factDay
		Leave []struct {
			Start, End     attendance.Date
			StartAt, EndAt *int64
		}
		Chain []struct {
			ID     int64
			Role   attendance.Role
			Active bool
		}
		Admins []int64
	}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return fmt.Errorf("clock facts: %w", err)
	}
	f.prev, f.next = raw.Prev.event(), raw.Next.event()
	r := &roster{patterns: map[int64][]attendance.Pattern{}, overrides: map[int64]map[attendance.Date]*attendance.Shift{},
		shifts: map[int64]*attendance.Shift{}}
	for _, s := range raw.Shifts {
		r.shifts[s.ID] = s.shift()
	}
	for _, p := range raw.Patterns {
		r.addPatternDay(emp.ID, p.ID, p.Start, p.Weeks, nullInt(p.Week), nullInt(p.Weekday), nullInt(p.Shift))
	}
	for _, o := range raw.Overrides {
		r.addOverride(emp.ID, o.Date, nullInt(o.Shift))
	}
	f.sched = r.schedule(emp)
	f.holidays = attendance.Holidays{}
	for _, h := range raw.Holidays {
		f.holidays[h.Date] = h.Name
	}
	f.days = map[attendance.Date]attendance.Day{}
	for _, d := range raw.Days {
		f.days[d.Date] = d.day()
	}
	for _, l := range raw.Leave {
		fl := factLeave{start: l.Start, end: l.End}
		if l.StartAt != nil {
			fl.hours = &attendance.Interval{Start: time.UnixMicro(*l.StartAt).UTC()}
			if l.EndAt != nil {
				fl.hours.End = time.UnixMicro(*l.EndAt).UTC()
			}
		}
		f.leave = append(f.leave, fl)
	}
	seen := map[int64]bool{}
	for _, l := range raw.Chain {
		if seen[l.ID] {
			break // a corrupt cycle, as in chain
		}
		seen[l.ID] = true
		f.chain = append(f.chain, attendance.ChainLink{ID: l.ID, Role: l.Role, Active: l.Active})
	}
	f.admins = raw.Admins
	return nil
}

// factsOf returns the facts of the employee's clock event that q, a
// transaction recording it, holds; nil when there are none.
func factsOf(q queryer, employeeID int64) *clockFacts {
	if tx, ok := q.(*Tx); ok && tx.facts != nil && tx.facts.employeeID == employeeID {
		return tx.facts
	}
	return nil
}

// nullInt is an optional integer of the facts' JSON as sql.NullInt64.
func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// saved keeps the facts' days as the transaction stores them.
func (f *clockFacts) saved(employeeID int64, day attendance.Day) {
	if !f.covers(employeeID, day.Date) {
		return
	}
	if day.Present() {
		f.days[day.Date] = day
	} else {
		delete(f.days, day.Date)
	}
}

// lateFacts returns what lateness on work date d depends on besides the
// schedule (see DB.lateFacts), from the facts.
func (f *clockFacts) lateFacts(d attendance.Date) (attendance.Holidays, bool, []attendance.Interval) {
	holidays := attendance.Holidays{}
	if _, ok := f.holidays[d]; ok {
		holidays[d] = ""
	}
	onLeave := false
	var hourly []attendance.Interval
	for _, l := range f.leave {
		switch {
		case l.hours == nil && d >= l.start && d <= l.end:
			onLeave = true
		case l.hours != nil && l.start == d:
			hourly = append(hourly, *l.hours)
		}
	}
	return holidays, onLeave, hourly
}

// holidaysIn returns the facts' holidays from first to last.
func (f *clockFacts) holidaysIn(first, last attendance.Date) attendance.Holidays {
	h := attendance.Holidays{}
	for d, name := range f.holidays {
		if d >= first && d <= last {
			h[d] = name
		}
	}
	return h
}

// factEvent is an event in the facts' JSON: eventCols, in order, instants in
// microseconds since the epoch.
type factEvent struct {
	ID, EmployeeID      int64
	Type                attendance.EventType
	TS                  int64
	Late                bool
	LateMinutes         int
	Source              attendance.EventSource
	RecordedBy          *int64
	Note                string
	Voided              bool
	VoidedBy            *int64
	VoidedAt            *int64
	VoidNote            string
	WorkDate            *attendance.Date
	CorrectionRequestID *int64
}

func (e *factEvent) event() *attendance.AttendanceEvent {
	if e == nil {
		return nil
	}
	ev := &attendance.AttendanceEvent{ID: e.ID, EmployeeID: e.EmployeeID, Type: e.Type, Timestamp: time.UnixMicro(e.TS).UTC(),
		Late: e.Late, LateMinutes: e.LateMinutes, Source: e.Source, Note: e.Note, Voided: e.Voided, VoidedBy: e.VoidedBy,
		VoidNote: e.VoidNote, WorkDate: e.WorkDate, CorrectionRequestID: e.CorrectionRequestID}
	if e.RecordedBy != nil {
		ev.RecordedBy = *e.RecordedBy
	}
	if e.VoidedAt != nil {
		t := time.UnixMicro(*e.VoidedAt).UTC()
		ev.VoidedAt = &t
	}
	return ev
}

// factShift is a shift in the facts' JSON (shiftCols).
type factShift struct {
	ID                   int64
	Name                 string
	Start, End           int
	Grace, Break         int
	Active               bool
	CreatedAt, UpdatedAt int64
}

func (s factShift) shift() *attendance.Shift {
	return &attendance.Shift{ID: s.ID, Name: s.Name, Start: attendance.TimeOfDay(s.Start), End: attendance.TimeOfDay(s.End),
		GraceMinutes: s.Grace, BreakMinutes: s.Break, Active: s.Active,
		CreatedAt: time.UnixMicro(s.CreatedAt).UTC(), UpdatedAt: time.UnixMicro(s.UpdatedAt).UTC()}
}

// factDay is a stored day in the facts' JSON.
type factDay struct {
	Date                attendance.Date
	Entries             int
	Late                bool
	LateMinutes         int
	WorkedSeconds       int64
	OpenSessions        int
	BreakSeconds        int64
	LastExit, OpenSince *int64
}

func (d factDay) day() attendance.Day {
	day := attendance.Day{Date: d.Date, Entries: d.Entries, Late: d.Late, LateMinutes: d.LateMinutes, WorkedSeconds: d.WorkedSeconds,
		OpenSessions: d.OpenSessions, BreakSeconds: d.BreakSeconds}
	if d.LastExit != nil {
		day.LastExit = time.UnixMicro(*d.LastExit).UTC()
	}
	if d.OpenSince != nil {
		day.OpenSince = time.UnixMicro(*d.OpenSince).UTC()
	}
	return day
}

// drawnID is the id drawn for the new event with the facts; 0 when there are
// no facts or none was drawn.
func (f *clockFacts) drawnID() int64 {
	if f == nil {
		return 0
	}
	return f.eventID
}
