package attendance

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// EventType says whether an attendance event starts or ends a session.
type EventType string

// The event types.
const (
	Entry EventType = "entry"
	Exit  EventType = "exit"
)

// Valid reports whether t is entry or exit.
func (t EventType) Valid() bool { return t == Entry || t == Exit }

// EventSource says who recorded an event.
type EventSource string

// The event sources.
const (
	SourceSelf    EventSource = "self"    // the employee clocked in or out
	SourceManager EventSource = "manager" // a manager recorded it on the employee's behalf
	SourceSystem  EventSource = "system"  // the service closed a forgotten session at its shift's end
)

// AttendanceEvent is one clock-in or clock-out. Events are never erased: a
// wrong one is voided, and voided events count for nothing.
type AttendanceEvent struct {
	ID          int64       `json:"id"`
	EmployeeID  int64       `json:"employee_id"`
	Type        EventType   `json:"type"`
	Timestamp   time.Time   `json:"timestamp"`
	Late        bool        `json:"late"`
	LateMinutes int         `json:"late_minutes"`
	Source      EventSource `json:"source"`
	RecordedBy  int64       `json:"recorded_by"`
	Note        string      `json:"note"`
	Voided      bool        `json:"voided"`
	// The audit trail of a void: who, when and why.
	VoidedBy *int64     `json:"voided_by"`
	VoidedAt *time.Time `json:"voided_at"`
	VoidNote string     `json:"void_note"`
	// WorkDate is the work date the event counts for, decided when it was
	// recorded (an exit's is that of the entry it closes); nil for events
	// recorded before work dates were kept, which count for their local date.
	WorkDate *Date `json:"work_date"`
	// CorrectionRequestID is the correction request whose approval recorded
	// or voided the event.
	CorrectionRequestID *int64 `json:"correction_request_id"`
	// RecordedByName and VoidedByName are the display names (Employee.Name)
	// of who recorded and who voided the event, whoever may read it: a log
	// names its people even outside the reader's scope, and says nothing
	// else about them. Nil for the system and for an event not voided.
	RecordedByName *string `json:"recorded_by_name"`
	VoidedByName   *string `json:"voided_by_name"`
}

// MarshalJSON writes the event, recorded_by null for an event the system
// recorded (source system).
func (e AttendanceEvent) MarshalJSON() ([]byte, error) {
	type plain AttendanceEvent
	var by *int64
	if e.Source != SourceSystem {
		by = &e.RecordedBy
	}
	return json.Marshal(struct {
		plain
		RecordedBy *int64 `json:"recorded_by"`
	}{plain(e), by})
}

// StoredWorkDates is the WorkDater of the work dates kept with the events:
// an entry's WorkDate, or its local date in loc when it has none.
func StoredWorkDates(loc *time.Location) WorkDater {
	return func(e *AttendanceEvent) Date {
		if e.WorkDate != nil {
			return *e.WorkDate
		}
		return DateOf(e.Timestamp.In(loc))
	}
}

// Void marks the event voided by someone at a time, for a reason (checked by
// CheckVoidNote). A voided event counts for nothing, and is not late either:
// lateness belongs to the first entry of the date that is not voided, which
// the day is judged by again.
func (e *AttendanceEvent) Void(by int64, at time.Time, note string) {
	e.Voided, e.VoidedBy, e.VoidedAt, e.VoidNote = true, &by, &at, note
	e.Late, e.LateMinutes = false, 0
}

// MaxNoteLength bounds the note of a correction.
const MaxNoteLength = 1000

// CheckSequence decides whether an event of type typ at instant at may stand
// between prev and next, the employee's neighbouring non-voided events (nil
// where there is none), loc being the employee's time zone. Entries and exits
// alternate, starting with an entry: an entry after an entry is
// already_clocked_in, an exit after an exit (or with nothing before it) is
// not_clocked_in, and an event whose successor has its own type would break
// the sequence after it (out_of_sequence).
//
// One exception makes a forgotten day recordable afterwards: an entry may come
// before an entry of a later local date. Until its exit is recorded too, it is
// that date's open session, as when someone forgets to clock out.
//
// The error names the neighbour it collides with (Error.Event): the entry
// already open, the exit that closed the last session, or the later event
// of the same type; not_clocked_in with nothing before names none.
func CheckSequence(prev, next *AttendanceEvent, typ EventType, at time.Time, loc *time.Location) error {
	switch {
	case typ == Entry && prev != nil && prev.Type == Entry:
		return sequenceError("already_clocked_in", prev, "already clocked in since %s", prev.Timestamp.UTC().Format(time.RFC3339))
	case typ == Exit && (prev == nil || prev.Type == Exit):
		return sequenceError("not_clocked_in", prev, "not clocked in: an exit needs an entry before it")
	case next != nil && next.Type == typ && !(typ == Entry && DateOf(at.In(loc)) < DateOf(next.Timestamp.In(loc))):
		return sequenceError("out_of_sequence", next, "an %s here would be followed by another %s at %s", typ, typ, next.Timestamp.UTC().Format(time.RFC3339))
	}
	return nil
}

// EventRef names an event in an error: the neighbour a sequence conflict
// collides with, so that a client can say it in words without parsing the
// message.
type EventRef struct {
	ID        int64     `json:"id"`
	Type      EventType `json:"type"`
	Timestamp time.Time `json:"timestamp"`
}

// sequenceError is a conflict of the sequence rule with the neighbour it
// collides with (nil for none).
func sequenceError(code string, neighbour *AttendanceEvent, format string, args ...any) *Error {
	e := Errorf(KindConflict, code, format, args...)
	if neighbour != nil {
		e.Event = &EventRef{ID: neighbour.ID, Type: neighbour.Type, Timestamp: neighbour.Timestamp.UTC()}
	}
	return e
}

// Day is what one employee did on one of their work dates: the derived
// record that overviews add up. Sessions belong to the work date of their
// entry (with CalendarDates, their entry's local date).
type Day struct {
	Date          Date
	Entries       int   // non-voided entries of this date
	Late          bool  // the first entry was late
	LateMinutes   int   // minutes the first entry was late
	WorkedSeconds int64 // sum of the closed sessions of this date
	OpenSessions  int   // entries of this date without an exit after them
	// BreakSeconds is the time between the date's closed sessions, from each
	// one's exit to the next one's entry: the breaks the break rule counts.
	BreakSeconds int64
	// LastExit is the exit of the date's last closed session (zero before
	// the first), from which the next session's break counts.
	LastExit time.Time
	// OpenSince is the entry of the date's earliest open session (zero when
	// none is open), from which a forgotten exit is judged.
	OpenSince time.Time
}

// Present reports whether the employee clocked in on this date.
func (d Day) Present() bool { return d.Entries > 0 }

// WorkDater tells the work date an entry belongs to: CalendarDates (its local
// date, today's rule), Schedule.WorkDates (the shift it falls in), or the work
// date the store keeps with each event.
type WorkDater func(entry *AttendanceEvent) Date

// CalendarDates is the WorkDater of today's rule: an entry belongs to its
// local date in loc.
func CalendarDates(loc *time.Location) WorkDater {
	return func(e *AttendanceEvent) Date { return DateOf(e.Timestamp.In(loc)) }
}

// BuildDays derives the Days of an employee from their non-voided events in
// time order, one Day for each local date with an entry. See BuildWorkDays.
func BuildDays(loc *time.Location, events []AttendanceEvent) []Day {
	return BuildWorkDays(CalendarDates(loc), events)
}

// BuildWorkDays derives the Days of an employee from their non-voided events
// in time order, one Day for each work date with an entry. Sessions belong to
// the work date of their entry: each entry pairs with the event right after
// it when that is an exit, and adds nothing while open. The first entry's
// stored lateness is the day's.
func BuildWorkDays(workDate WorkDater, events []AttendanceEvent) []Day {
	var days []Day
	index := map[Date]int{} // work dates need not come in order
	eachSession(workDate, events, func(d Date, entry, exit *AttendanceEvent) {
		k, ok := index[d]
		if !ok {
			k = len(days)
			index[d] = k
			days = append(days, Day{Date: d, Late: entry.Late, LateMinutes: entry.LateMinutes})
		}
		day := &days[k]
		day.Entries++
		if exit != nil {
			day.WorkedSeconds += int64(exit.Timestamp.Sub(entry.Timestamp) / time.Second)
			if !day.LastExit.IsZero() {
				day.BreakSeconds += int64(entry.Timestamp.Sub(day.LastExit) / time.Second)
			}
			day.LastExit = exit.Timestamp.UTC()
		} else {
			day.OpenSessions++
			if day.OpenSessions == 1 {
				day.OpenSince = entry.Timestamp.UTC()
			}
		}
	})
	return days
}

// eachSession is the session rule: it calls fn for each entry of events (an
// employee's non-voided events in time order), in order, with its work date
// and the exit that closes it, the event right after it when that is an
// exit (nil otherwise: the session is open).
func eachSession(workDate WorkDater, events []AttendanceEvent, fn func(d Date, entry, exit *AttendanceEvent)) {
	for i := range events {
		e := &events[i]
		if e.Type != Entry {
			continue
		}
		var exit *AttendanceEvent
		if i+1 < len(events) && events[i+1].Type == Exit {
			exit = &events[i+1]
		}
		fn(workDate(e), e, exit)
	}
}

// ClockSession is one session of a work date: an entry and the exit that
// closes it, or no exit while it is open (BuildSessions).
type ClockSession struct {
	EntryID int64      `json:"entry_id"`
	Entry   time.Time  `json:"entry"`
	ExitID  *int64     `json:"exit_id"`
	Exit    *time.Time `json:"exit"`
	// Seconds is the session's worked time: exit less entry, 0 while open.
	Seconds int64 `json:"seconds"`
}

// BuildSessions returns the sessions of an employee's non-voided events in
// time order, by the work date of their entry, in time order within a
// date: the pairs BuildWorkDays adds up.
func BuildSessions(workDate WorkDater, events []AttendanceEvent) map[Date][]ClockSession {
	out := map[Date][]ClockSession{}
	eachSession(workDate, events, func(d Date, entry, exit *AttendanceEvent) {
		s := ClockSession{EntryID: entry.ID, Entry: entry.Timestamp.UTC()}
		if exit != nil {
			id, at := exit.ID, exit.Timestamp.UTC()
			s.ExitID, s.Exit = &id, &at
			s.Seconds = int64(exit.Timestamp.Sub(entry.Timestamp) / time.Second)
		}
		out[d] = append(out[d], s)
	})
	return out
}

// AddEntry returns the day after an entry was appended at the end of the
// employee's events: one more entry, its session open; the day's first entry
// sets the day's lateness. Appending keeps a day what BuildWorkDays would make
// of the longer list, without reading it, except for OpenSince, which only
// AddEntryAt keeps.
func (d Day) AddEntry(late bool, lateMinutes int) Day {
	if d.Entries == 0 {
		d.Late, d.LateMinutes = late, lateMinutes
	}
	d.Entries++
	d.OpenSessions++
	return d
}

// AddEntryAt is AddEntry for an entry at instant at, which keeps OpenSince too.
func (d Day) AddEntryAt(at time.Time, late bool, lateMinutes int) Day {
	if d.OpenSessions == 0 {
		d.OpenSince = at.UTC()
	}
	return d.AddEntry(late, lateMinutes)
}

// CloseSession returns the day after an exit at exit was appended right
// after its open session's entry at entry.
func (d Day) CloseSession(entry, exit time.Time) Day {
	d.OpenSessions--
	if d.OpenSessions == 0 {
		d.OpenSince = time.Time{}
	}
	d.WorkedSeconds += int64(exit.Sub(entry) / time.Second)
	if !d.LastExit.IsZero() {
		d.BreakSeconds += int64(entry.Sub(d.LastExit) / time.Second)
	}
	d.LastExit = exit.UTC()
	return d
}

// BuildDay derives the Day of date d from events, the employee's non-voided
// events in time order from the start of d up to and including the first event
// after d (which may close d's last session). See BuildDays.
func BuildDay(d Date, loc *time.Location, events []AttendanceEvent) Day {
	return BuildWorkDay(d, CalendarDates(loc), events)
}

// BuildWorkDay derives the Day of work date d from events, the employee's
// non-voided events in time order that hold every entry of d and the event
// right after each. See BuildWorkDays.
func BuildWorkDay(d Date, workDate WorkDater, events []AttendanceEvent) Day {
	for _, day := range BuildWorkDays(workDate, events) {
		if day.Date == d {
			return day
		}
	}
	return Day{Date: d}
}

// DaysTouched returns the local dates whose Day changes when ev is added to,
// or voided from, an employee's events. See WorkDaysTouched.
func DaysTouched(loc *time.Location, ev, prev *AttendanceEvent) []Date {
	return WorkDaysTouched(CalendarDates(loc), ev, prev)
}

// WorkDaysTouched returns the work dates whose Day changes when ev is added
// to, or voided from, an employee's events, prev being the non-voided event
// right before it (nil if none). Sessions belong to their entry's work date,
// so: the work date of ev when it is an entry (its sessions, and which entry
// is the first), and that of prev when prev is an entry (it gains or loses
// the exit after it).
func WorkDaysTouched(workDate WorkDater, ev, prev *AttendanceEvent) []Date {
	var out []Date
	if ev.Type == Entry {
		out = append(out, workDate(ev))
	}
	if prev != nil && prev.Type == Entry {
		if d := workDate(prev); len(out) == 0 || out[0] != d {
			out = append(out, d)
		}
	}
	return out
}

// RecordEvent is a clock event to record. An employee clocking in or out gives
// only Type; a manager recording on someone's behalf gives EmployeeID,
// Timestamp and Note.
type RecordEvent struct {
	Type        EventType
	EmployeeID  *int64
	Timestamp   *time.Time
	Note        *string
	Idempotency *Idempotency
}

// OnBehalf reports whether the event is recorded by a manager for someone.
func (r RecordEvent) OnBehalf() bool {
	return r.EmployeeID != nil || r.Timestamp != nil || r.Note != nil
}

// Check applies the rules that need no data: who may record on whose behalf,
// that a correction has a note, and that it is not in the future.
func (r RecordEvent) Check(a Actor, now time.Time) error {
	if !r.Type.Valid() {
		return InvalidField("body.type", "must be entry or exit")
	}
	if !r.OnBehalf() {
		return nil
	}
	if err := RequireManagerAccess(a); err != nil {
		return ErrForbidden("only a manager may record attendance on someone's behalf")
	}
	if r.EmployeeID == nil || *r.EmployeeID == a.ID {
		return ErrForbidden("nobody may record their own attendance with an explicit employee_id, timestamp or note")
	}
	var v Validator
	v.Check(r.Note != nil && strings.TrimSpace(*r.Note) != "", "body.note", "is required when recording on someone's behalf")
	v.Check(r.Note == nil || len(*r.Note) <= MaxNoteLength, "body.note", "must be at most 1000 bytes")
	if r.Note != nil {
		v.Text("body.note", *r.Note, true)
	}
	v.Check(r.Timestamp == nil || !r.Timestamp.After(now), "body.timestamp", "must not be in the future")
	v.Check(r.Timestamp == nil || DateOf(r.Timestamp.UTC()).Supported(), "body.timestamp", "must not be before %s", MinDate)
	return v.Err()
}

// CheckVoidNote checks the note that says why an event is voided: required,
// at most MaxNoteLength bytes, text a person typed.
func CheckVoidNote(note string) error {
	var v Validator
	v.Check(strings.TrimSpace(note) != "", "body.note", "is required: say why the event is voided")
	v.Check(len(note) <= MaxNoteLength, "body.note", "must be at most 1000 bytes")
	v.Text("body.note", note, true)
	return v.Err()
}

// CheckLocalDate checks that an event at ts falls on a date the service
// keeps in the employee's time zone loc: 1970-01-01T00:00Z is still
// 1969-12-31 west of Greenwich, a date no filter could ask for.
func CheckLocalDate(ts time.Time, loc *time.Location) error {
	if !DateOf(ts.In(loc)).Supported() {
		return InvalidField("body.timestamp", "must fall on or after %s in the employee's time zone", MinDate)
	}
	return nil
}

// CheckHired checks that an event recorded on an employee's behalf at ts
// falls on or after their hire date hiredOn in their time zone loc: nobody
// worked for the company before they were hired. An employee's own clock-in
// is not checked: the server stamps it with the present, which may still be
// the eve of a default hire date (the company's date of creation) west of
// the company's zone.
func CheckHired(ts time.Time, loc *time.Location, hiredOn Date) error {
	if DateOf(ts.In(loc)) < hiredOn {
		return InvalidField("body.timestamp", "must fall on or after the employee's hire date, %s, in their time zone", hiredOn)
	}
	return nil
}

// Idempotency identifies a retried request: the client's key and a hash of the body.
type Idempotency struct {
	Key  string
	Hash string
}

// EventFilter selects attendance events.
type EventFilter struct {
	EmployeeID *int64 // nil: the actor's own
	From, To   *Date  // the employee's local dates, inclusive
	Page
}

// OverviewFilter selects the employees and dates of an overview.
type OverviewFilter struct {
	From, To   *Date // default: first of the current month to today (company time zone)
	EmployeeID *int64
	Department *string
	All        bool // every row, ignoring the page (CSV)
	Page
}

// AttendanceService records and reports attendance.
type AttendanceService interface {
	// RecordEvent clocks the actor in or out, or records an event on behalf of
	// someone in scope. With an idempotency key, a repeat returns the first result.
	RecordEvent(ctx context.Context, actor Actor, r RecordEvent) (*AttendanceEvent, error)
	// VoidEvent voids an event of someone in the actor's scope, with a note.
	VoidEvent(ctx context.Context, actor Actor, id int64, note string) (*AttendanceEvent, error)
	// ListEvents lists events newest first, with the total count.
	ListEvents(ctx context.Context, actor Actor, f EventFilter) ([]*AttendanceEvent, int, error)
	// Overview sums up attendance per employee in scope.
	Overview(ctx context.Context, actor Actor, f OverviewFilter) (*Overview, error)
	// Today is the board: the presence now of each active employee in the
	// actor's scope (Schedule.PresenceAt).
	Today(ctx context.Context, actor Actor, f TodayFilter) (*Today, error)
	// Days is the day-by-day view: each date of a range of one employee in
	// the actor's scope, with its status (Schedule.DayRows).
	Days(ctx context.Context, actor Actor, f DaysFilter) (*DayList, error)
}
