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
// besides the employee's row, read in one statement where the dialect can
// (PostgreSQL) instead of one per fact: the neighbouring events, the roster,
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
// facts cover: the schedule's overrides (scheduleAround) and so the work
// dates and the days an event may touch.
const factsWindow = 2

// clockFacts reads the facts of recording an event of emp at instant t
// (leaving out the event skip, as neighbours does), on PostgreSQL in one
// statement. It returns nil where the dialect reads them one by one.
func (db *DB) clockFacts(ctx context.Context, tx *Tx, emp *attendance.Employee, t time.Time, skip int64) (*clockFacts, error) {
	if !db.d.WritableCTEs {
		return nil, nil
	}
	local := emp.Schedule().LocalDate(t)
	f := &clockFacts{employeeID: emp.ID, at: t, first: local.AddDays(-factsWindow), last: local.AddDays(factsWindow)}
	var doc []byte
	if err := tx.queryRow(ctx, clockFactsQuery, emp.ID, skip, db.t(t), f.first.String(), f.last.String()).Scan(&doc); err != nil {
		return nil, err
	}
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
		return nil, fmt.Errorf("clock facts: %w", err)
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
	return f, nil
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

// clockFactsQuery reads clockFacts as one JSON document. $1 is the employee,
// $2 the event to leave out, $3 the instant, $4 and $5 the first and last
// dates (PostgreSQL's placeholders: the query is PostgreSQL's alone, and the
// planner sees each parameter where it is compared, so that each neighbour
// is one step of an index scan, whatever the history). Instants are
// microseconds since the epoch.
var clockFactsQuery = `
WITH RECURSIVE up(id, role, active, manager_id, depth) AS (
	SELECT m.id, m.role, m.active, m.manager_id, 1 FROM employees e JOIN employees m ON m.id = e.manager_id WHERE e.id = $1
	UNION ALL
	SELECT m.id, m.role, m.active, m.manager_id, up.depth + 1 FROM up JOIN employees m ON m.id = up.manager_id
	WHERE up.depth < 64
), ev AS (
	SELECT * FROM (SELECT 0 AS side, ev.* FROM attendance_events ev
		WHERE ev.employee_id = $1 AND NOT ev.voided AND ev.id <> $2 AND ev.ts <= $3
		ORDER BY ev.ts DESC, ev.id DESC LIMIT 1) p
	UNION ALL
	SELECT * FROM (SELECT 1 AS side, ev.* FROM attendance_events ev
		WHERE ev.employee_id = $1 AND NOT ev.voided AND ev.id <> $2 AND ev.ts > $3
		ORDER BY ev.ts, ev.id LIMIT 1) n
)
SELECT json_build_object(
	'prev', (SELECT ` + factEventJSON + ` FROM ev WHERE side = 0),
	'next', (SELECT ` + factEventJSON + ` FROM ev WHERE side = 1),
	'shifts', (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'start', s.start_minute, 'end', s.end_minute,
		'grace', s.grace_minutes, 'break', s.break_minutes, 'active', s.active,
		'createdat', ` + micros("s.created_at") + `, 'updatedat', ` + micros("s.updated_at") + `)) FROM shifts s),
	'patterns', (SELECT json_agg(json_build_object('id', p.id, 'start', p.start_date, 'weeks', p.weeks, 'week', pd.week,
		'weekday', pd.weekday, 'shift', pd.shift_id) ORDER BY p.start_date, p.id)
		FROM shift_patterns p LEFT JOIN shift_pattern_days pd ON pd.pattern_id = p.id WHERE p.employee_id = $1),
	'overrides', (SELECT json_agg(json_build_object('date', o.date, 'shift', o.shift_id)) FROM roster_overrides o
		WHERE o.employee_id = $1 AND o.date >= $4 AND o.date <= $5),
	'holidays', (SELECT json_agg(json_build_object('date', h.date, 'name', h.name)) FROM holidays h
		WHERE h.date >= $4 AND h.date <= $5),
	'days', (SELECT json_agg(json_build_object('date', d.date, 'entries', d.entries, 'late', d.late, 'lateminutes', d.late_minutes,
		'workedseconds', d.worked_seconds, 'opensessions', d.open_sessions, 'breakseconds', d.break_seconds,
		'lastexit', ` + micros("d.last_exit_at") + `, 'opensince', ` + micros("d.open_since") + `)) FROM attendance_days d
		WHERE d.employee_id = $1 AND d.date >= $4 AND d.date <= $5),
	'leave', (SELECT json_agg(json_build_object('start', l.start_date, 'end', l.end_date,
		'startat', ` + micros("l.start_at") + `, 'endat', ` + micros("l.end_at") + `) ORDER BY l.start_at) FROM leave_requests l
		WHERE l.employee_id = $1 AND l.status = 'approved' AND l.start_date <= $5 AND l.end_date >= $4),
	'chain', (SELECT json_agg(json_build_object('id', id, 'role', role, 'active', active) ORDER BY depth) FROM up),
	'admins', (SELECT json_agg(id ORDER BY id) FROM employees WHERE role = 'admin' AND active)
)`

// factEventJSON is an event of ev as factEvent.
var factEventJSON = `json_build_object('id', id, 'employeeid', employee_id, 'type', type, 'ts', ` + micros("ts") + `,
	'late', late, 'lateminutes', late_minutes, 'source', source, 'recordedby', recorded_by, 'note', note, 'voided', voided,
	'voidedby', voided_by, 'voidedat', ` + micros("voided_at") + `, 'voidnote', void_note, 'workdate', work_date,
	'correctionrequestid', correction_request_id)`

// micros is an instant column in microseconds since the epoch (NULL stays NULL).
func micros(col string) string {
	return `CAST(EXTRACT(EPOCH FROM ` + col + `) * 1000000 AS BIGINT)`
}
