package attendance_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// ev returns a non-voided event of type typ at instant t.
func ev(typ attendance.EventType, t time.Time) attendance.AttendanceEvent {
	return attendance.AttendanceEvent{EmployeeID: 7, Type: typ, Timestamp: t}
}

// lateEntry returns an entry at t whose stored lateness is minutes.
func lateEntry(t time.Time, minutes int) attendance.AttendanceEvent {
	e := ev(attendance.Entry, t)
	e.Late, e.LateMinutes = minutes > 0, minutes
	return e
}

func TestEventTypeValid(t *testing.T) {
	for _, tt := range []struct {
		in   attendance.EventType
		want bool
	}{
		{attendance.Entry, true},
		{attendance.Exit, true},
		{"", false},
		{"Entry", false},
		{"lunch", false},
	} {
		if got := tt.in.Valid(); got != tt.want {
			t.Errorf("EventType(%q).Valid() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCheckSequence(t *testing.T) {
	prevAt, at, nextAt := utc("2026-06-15 08:00"), utc("2026-06-15 12:00"), utc("2026-06-15 17:00")
	entryBefore, exitBefore := ev(attendance.Entry, prevAt), ev(attendance.Exit, prevAt)
	entryAfter, exitAfter := ev(attendance.Entry, nextAt), ev(attendance.Exit, nextAt)
	entryBefore.ID, exitBefore.ID, entryAfter.ID, exitAfter.ID = 1, 2, 3, 4

	tests := []struct {
		name     string
		prev     *attendance.AttendanceEvent
		next     *attendance.AttendanceEvent
		typ      attendance.EventType
		wantCode string // "" for no error
	}{
		// An entry.
		{"entry: first ever", nil, nil, attendance.Entry, ""},
		{"entry: before a later entry", nil, &entryAfter, attendance.Entry, "out_of_sequence"},
		{"entry: before the first exit", nil, &exitAfter, attendance.Entry, ""},
		{"entry: after an entry", &entryBefore, nil, attendance.Entry, "already_clocked_in"},
		{"entry: after an entry, before an entry", &entryBefore, &entryAfter, attendance.Entry, "already_clocked_in"},
		{"entry: after an entry, before an exit", &entryBefore, &exitAfter, attendance.Entry, "already_clocked_in"},
		{"entry: after an exit", &exitBefore, nil, attendance.Entry, ""},
		{"entry: between an exit and an entry", &exitBefore, &entryAfter, attendance.Entry, "out_of_sequence"},
		{"entry: between two exits (a voided entry restored)", &exitBefore, &exitAfter, attendance.Entry, ""},
		// An exit.
		{"exit: with nothing before", nil, nil, attendance.Exit, "not_clocked_in"},
		{"exit: with nothing before, before an entry", nil, &entryAfter, attendance.Exit, "not_clocked_in"},
		{"exit: with nothing before, before an exit", nil, &exitAfter, attendance.Exit, "not_clocked_in"},
		{"exit: after an entry", &entryBefore, nil, attendance.Exit, ""},
		{"exit: between an entry and an entry", &entryBefore, &entryAfter, attendance.Exit, ""},
		{"exit: between an entry and an exit", &entryBefore, &exitAfter, attendance.Exit, "out_of_sequence"},
		{"exit: after an exit", &exitBefore, nil, attendance.Exit, "not_clocked_in"},
		{"exit: after an exit, before an entry", &exitBefore, &entryAfter, attendance.Exit, "not_clocked_in"},
		{"exit: after an exit, before an exit", &exitBefore, &exitAfter, attendance.Exit, "not_clocked_in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.CheckSequence(tt.prev, tt.next, tt.typ, at, time.UTC)
			if tt.wantCode == "" {
				checkErr(t, err, "", "")
			} else {
				checkErr(t, err, attendance.KindConflict, tt.wantCode)
				// The neighbour it collides with: the event before, or
				// after for out_of_sequence; none with nothing before.
				want := tt.prev
				if tt.wantCode == "out_of_sequence" {
					want = tt.next
				}
				got := err.(*attendance.Error).Event
				switch {
				case want == nil && got != nil:
					t.Errorf("Event = %+v, want none", *got)
				case want != nil && (got == nil || got.ID != want.ID || got.Type != want.Type || !got.Timestamp.Equal(want.Timestamp)):
					t.Errorf("Event = %+v, want the %s at %v (id %d)", got, want.Type, want.Timestamp, want.ID)
				}
			}

			// The rule itself: entries and exits alternate, starting with an entry.
			var seq []attendance.EventType
			if tt.prev != nil {
				seq = append(seq, tt.prev.Type)
			}
			seq = append(seq, tt.typ)
			if tt.next != nil {
				seq = append(seq, tt.next.Type)
			}
			valid := tt.prev != nil || tt.typ == attendance.Entry
			for i := 1; i < len(seq); i++ {
				valid = valid && seq[i] != seq[i-1]
			}
			if got := err == nil; got != valid {
				t.Errorf("CheckSequence accepts %v = %v, but the sequence is valid = %v", seq, got, valid)
			}
		})
	}
}

// TestCheckSequenceBackfill: a forgotten day can be recorded afterwards, its
// entry first (an open session of that date for a moment), then its exit; an
// entry may not come before another entry of its own date, nor an exit before
// an exit. Dates are the employee's: 23:00 in New York is the next day in UTC.
func TestCheckSequenceBackfill(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	exitMon, entryWed := ev(attendance.Exit, at(ny, "2026-06-15 17:00")), ev(attendance.Entry, at(ny, "2026-06-17 09:00"))
	entryTue := ev(attendance.Entry, at(ny, "2026-06-16 09:00"))
	exitWed := ev(attendance.Exit, at(ny, "2026-06-17 17:00"))
	tests := []struct {
		name       string
		prev, next *attendance.AttendanceEvent
		typ        attendance.EventType
		at         time.Time
		wantCode   string
	}{
		{"Tuesday's entry, before Wednesday's", &exitMon, &entryWed, attendance.Entry, at(ny, "2026-06-16 09:00"), ""},
		{"then Tuesday's exit", &entryTue, &entryWed, attendance.Exit, at(ny, "2026-06-16 17:00"), ""},
		{"Tuesday's exit first", &exitMon, &entryWed, attendance.Exit, at(ny, "2026-06-16 17:00"), "not_clocked_in"},
		{"an entry late on Tuesday in New York, Wednesday in UTC", &exitMon, &entryWed, attendance.Entry, at(ny, "2026-06-16 23:00"), ""},
		{"an entry early on Wednesday, before Wednesday's", &exitMon, &entryWed, attendance.Entry, at(ny, "2026-06-17 07:00"), "out_of_sequence"},
		{"an exit before an exit of a later date", &entryTue, &exitWed, attendance.Exit, at(ny, "2026-06-16 17:00"), "out_of_sequence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.CheckSequence(tt.prev, tt.next, tt.typ, tt.at, ny)
			if tt.wantCode == "" {
				checkErr(t, err, "", "")
			} else {
				checkErr(t, err, attendance.KindConflict, tt.wantCode)
			}
		})
	}
}

func TestCheckLocalDate(t *testing.T) {
	pagoPago, _ := time.LoadLocation("Pacific/Pago_Pago") // UTC-11
	epoch := time.Unix(0, 0)
	checkErr(t, attendance.CheckLocalDate(epoch, time.UTC), "", "")
	checkErr(t, attendance.CheckLocalDate(epoch, pagoPago), attendance.KindInvalid, "")
	checkErr(t, attendance.CheckLocalDate(epoch.Add(11*time.Hour), pagoPago), "", "")
}

func TestBuildDay(t *testing.T) {
	d := date("2026-06-15")
	tests := []struct {
		name   string
		d      attendance.Date
		loc    *time.Location
		events []attendance.AttendanceEvent
		want   attendance.Day
	}{
		{
			name: "no events",
			d:    d, loc: time.UTC,
			want: attendance.Day{Date: d},
		},
		{
			name: "one session",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 08:00")),
				ev(attendance.Exit, utc("2026-06-15 17:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, WorkedSeconds: 9 * 3600, LastExit: utc("2026-06-15 17:00")},
		},
		{
			// 08:00–12:00 and 13:00–17:30: 4 h + 4.5 h = 8.5 h.
			name: "two sessions",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 08:00")),
				ev(attendance.Exit, utc("2026-06-15 12:00")),
				ev(attendance.Entry, utc("2026-06-15 13:00")),
				ev(attendance.Exit, utc("2026-06-15 17:30")),
			},
			want: attendance.Day{Date: d, Entries: 2, WorkedSeconds: 8*3600 + 1800, BreakSeconds: 3600, LastExit: utc("2026-06-15 17:30")},
		},
		{
			name: "seconds count",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 08:00:15")),
				ev(attendance.Exit, utc("2026-06-15 08:01:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, WorkedSeconds: 45, LastExit: utc("2026-06-15 08:01")},
		},
		{
			// 22:00 to 02:00 the next day: four hours, all on the entry's date.
			name: "session across midnight belongs to the entry's date",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 22:00")),
				ev(attendance.Exit, utc("2026-06-16 02:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, WorkedSeconds: 4 * 3600, LastExit: utc("2026-06-16 02:00")},
		},
		{
			// The exit at 02:00 closes yesterday's session; today has 09:00–17:00.
			name: "the next date ignores the exit of yesterday's session",
			d:    date("2026-06-16"), loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Exit, utc("2026-06-16 02:00")),
				ev(attendance.Entry, utc("2026-06-16 09:00")),
				ev(attendance.Exit, utc("2026-06-16 17:00")),
			},
			want: attendance.Day{Date: date("2026-06-16"), Entries: 1, WorkedSeconds: 8 * 3600, LastExit: utc("2026-06-16 17:00")},
		},
		{
			name: "open session adds nothing",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 08:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, OpenSessions: 1, OpenSince: utc("2026-06-15 08:00")},
		},
		{
			// The first event after the date is tomorrow's entry, not an exit.
			name: "closed then open session",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-15 08:00")),
				ev(attendance.Exit, utc("2026-06-15 12:00")),
				ev(attendance.Entry, utc("2026-06-15 13:00")),
				ev(attendance.Entry, utc("2026-06-16 08:00")),
			},
			want: attendance.Day{Date: d, Entries: 2, WorkedSeconds: 4 * 3600, OpenSessions: 1, LastExit: utc("2026-06-15 12:00"), OpenSince: utc("2026-06-15 13:00")},
		},
		{
			name: "only entries of that date count",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-14 08:00")),
				ev(attendance.Exit, utc("2026-06-14 17:00")),
				ev(attendance.Entry, utc("2026-06-15 08:00")),
				ev(attendance.Exit, utc("2026-06-15 10:00")),
				ev(attendance.Entry, utc("2026-06-16 08:00")),
				ev(attendance.Exit, utc("2026-06-16 17:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, WorkedSeconds: 2 * 3600, LastExit: utc("2026-06-15 10:00")},
		},
		{
			name: "the first entry's lateness is the day's",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				lateEntry(utc("2026-06-15 08:12"), 12),
				ev(attendance.Exit, utc("2026-06-15 12:00")),
				lateEntry(utc("2026-06-15 13:00"), 300),
				ev(attendance.Exit, utc("2026-06-15 17:00")),
			},
			want: attendance.Day{Date: d, Entries: 2, Late: true, LateMinutes: 12, WorkedSeconds: 3*3600 + 48*60 + 4*3600, BreakSeconds: 3600, LastExit: utc("2026-06-15 17:00")},
		},
		{
			name: "a late second entry does not make the day late",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				lateEntry(utc("2026-06-15 07:55"), 0),
				ev(attendance.Exit, utc("2026-06-15 12:00")),
				lateEntry(utc("2026-06-15 13:00"), 300),
				ev(attendance.Exit, utc("2026-06-15 17:00")),
			},
			want: attendance.Day{Date: d, Entries: 2, WorkedSeconds: 4*3600 + 5*60 + 4*3600, BreakSeconds: 3600, LastExit: utc("2026-06-15 17:00")},
		},
		{
			// 21:00–23:00 EDT on the 15th is 01:00–03:00 UTC on the 16th.
			name: "dates are the employee's: New York evening",
			d:    d, loc: newYork,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-16 01:00")),
				ev(attendance.Exit, utc("2026-06-16 03:00")),
			},
			want: attendance.Day{Date: d, Entries: 1, WorkedSeconds: 2 * 3600, LastExit: utc("2026-06-16 03:00")},
		},
		{
			name: "dates are the employee's: the same events on the UTC date",
			d:    d, loc: time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-16 01:00")),
				ev(attendance.Exit, utc("2026-06-16 03:00")),
			},
			want: attendance.Day{Date: d},
		},
		{
			// Berlin falls back at 03:00 CEST: from 23:00 CEST (21:00Z) to 06:00 CET (05:00Z)
			// the clock moves seven hours, but eight real hours pass.
			name: "worked time over the fall-back night is real time",
			d:    date("2026-10-24"), loc: berlin,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-10-24 21:00")),
				ev(attendance.Exit, utc("2026-10-25 05:00")),
			},
			want: attendance.Day{Date: date("2026-10-24"), Entries: 1, WorkedSeconds: 8 * 3600, LastExit: utc("2026-10-25 05:00")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.BuildDay(tt.d, tt.loc, tt.events)
			if got != tt.want {
				t.Errorf("BuildDay(%v) = %+v, want %+v", tt.d, got, tt.want)
			}
			if got.Present() != (tt.want.Entries > 0) {
				t.Errorf("Present() = %v, want %v", got.Present(), tt.want.Entries > 0)
			}
		})
	}
}

func TestRecordEventCheck(t *testing.T) {
	now := utc("2026-06-15 12:00")
	employee := attendance.Actor{ID: 10, Role: attendance.RoleEmployee}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	past := now.Add(-3 * time.Hour)

	tests := []struct {
		name       string
		actor      attendance.Actor
		r          attendance.RecordEvent
		wantKind   attendance.Kind
		wantFields []string
	}{
		{name: "employee clocks in", actor: employee, r: attendance.RecordEvent{Type: attendance.Entry}},
		{name: "employee clocks out", actor: employee, r: attendance.RecordEvent{Type: attendance.Exit}},
		{name: "manager clocks in", actor: manager, r: attendance.RecordEvent{Type: attendance.Entry}},
		{name: "unknown type", actor: employee, r: attendance.RecordEvent{Type: "lunch"}, wantKind: attendance.KindInvalid, wantFields: []string{"body.type"}},
		{name: "missing type", actor: manager, r: attendance.RecordEvent{}, wantKind: attendance.KindInvalid, wantFields: []string{"body.type"}},

		{name: "employee with someone's employee_id", actor: employee,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](11), Timestamp: &past, Note: ptr("forgot")},
			wantKind: attendance.KindForbidden},
		{name: "employee with their own employee_id", actor: employee,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10)},
			wantKind: attendance.KindForbidden},
		{name: "employee with a timestamp", actor: employee,
			r:        attendance.RecordEvent{Type: attendance.Entry, Timestamp: &past},
			wantKind: attendance.KindForbidden},
		{name: "manager for themselves", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](2), Timestamp: &past, Note: ptr("forgot")},
			wantKind: attendance.KindForbidden},
		{name: "manager with a timestamp but no employee_id", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, Timestamp: &past, Note: ptr("forgot")},
			wantKind: attendance.KindForbidden},
		{name: "admin for themselves", actor: admin,
			r:        attendance.RecordEvent{Type: attendance.Exit, EmployeeID: ptr[int64](1), Timestamp: &past, Note: ptr("forgot")},
			wantKind: attendance.KindForbidden},

		{name: "manager for someone", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &past, Note: ptr("badge reader down")}},
		{name: "admin for someone", actor: admin,
			r: attendance.RecordEvent{Type: attendance.Exit, EmployeeID: ptr[int64](10), Timestamp: &past, Note: ptr("left early")}},
		{name: "manager for someone, stamped now", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Note: ptr("arrived with me")}},
		{name: "timestamp exactly now", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &now, Note: ptr("now")}},
		{name: "note of 1000 bytes", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &past, Note: ptr(strings.Repeat("n", 1000))}},

		{name: "missing note", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &past},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.note"}},
		{name: "empty note", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &past, Note: ptr("")},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.note"}},
		{name: "note of 1001 bytes", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: &past, Note: ptr(strings.Repeat("n", 1001))},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.note"}},
		{name: "timestamp one second in the future", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: ptr(now.Add(time.Second)), Note: ptr("early")},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.timestamp"}},
		{name: "timestamp tomorrow in another zone", actor: admin,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: ptr(at(auckland, "2026-06-16 08:00")), Note: ptr("plan")},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.timestamp"}},
		{name: "timestamp at the first instant of 1970", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: ptr(time.Unix(0, 0).UTC()), Note: ptr("old")}},
		{name: "timestamp a second before 1970", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: ptr(time.Unix(-1, 0).UTC()), Note: ptr("old")},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.timestamp"}},
		{name: "timestamp in year 0 that is year -1 in UTC", actor: manager,
			r: attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10),
				Timestamp: ptr(time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 60))), Note: ptr("typo")},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.timestamp"}},
		{name: "future timestamp and no note", actor: manager,
			r:        attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](10), Timestamp: ptr(now.Add(time.Hour))},
			wantKind: attendance.KindInvalid, wantFields: []string{"body.note", "body.timestamp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Check(tt.actor, now)
			checkErr(t, err, tt.wantKind, "")
			if tt.wantKind == attendance.KindInvalid {
				checkFields(t, err, tt.wantFields...)
			}
		})
	}
}

func TestRecordEventOnBehalf(t *testing.T) {
	ts := utc("2026-06-15 08:00")
	tests := []struct {
		r    attendance.RecordEvent
		want bool
	}{
		{attendance.RecordEvent{Type: attendance.Entry}, false},
		{attendance.RecordEvent{Type: attendance.Entry, EmployeeID: ptr[int64](3)}, true},
		{attendance.RecordEvent{Type: attendance.Entry, Timestamp: &ts}, true},
		{attendance.RecordEvent{Type: attendance.Entry, Note: ptr("x")}, true},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if got := tt.r.OnBehalf(); got != tt.want {
				t.Errorf("OnBehalf() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildDays(t *testing.T) {
	tests := []struct {
		name   string
		loc    *time.Location
		events []attendance.AttendanceEvent
		want   []attendance.Day
	}{
		{name: "no events", loc: time.UTC},
		{
			name: "only an exit",
			loc:  time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Exit, utc("2026-06-15 02:00")),
			},
		},
		{
			// Mon: 08:00–12:00, 13:00–17:00 and 22:00–02:00 (across midnight): 12 h.
			// Tue: 09:00, late 60, never closed. Wed: nothing.
			name: "three sessions and an open one",
			loc:  time.UTC,
			events: []attendance.AttendanceEvent{
				ev(attendance.Exit, utc("2026-06-15 01:00")),
				lateEntry(utc("2026-06-15 08:00"), 0),
				ev(attendance.Exit, utc("2026-06-15 12:00")),
				lateEntry(utc("2026-06-15 13:00"), 300),
				ev(attendance.Exit, utc("2026-06-15 17:00")),
				ev(attendance.Entry, utc("2026-06-15 22:00")),
				ev(attendance.Exit, utc("2026-06-16 02:00")),
				lateEntry(utc("2026-06-16 09:00"), 60),
			},
			want: []attendance.Day{
				// Breaks: 12:00–13:00 and 17:00–22:00.
				{Date: date("2026-06-15"), Entries: 3, WorkedSeconds: 12 * 3600, BreakSeconds: 6 * 3600, LastExit: utc("2026-06-16 02:00")},
				{Date: date("2026-06-16"), Entries: 1, Late: true, LateMinutes: 60, OpenSessions: 1, OpenSince: utc("2026-06-16 09:00")},
			},
		},
		{
			// 23:00–23:30 EDT on Monday is 03:00–03:30 UTC on Tuesday.
			name: "local dates",
			loc:  newYork,
			events: []attendance.AttendanceEvent{
				ev(attendance.Entry, utc("2026-06-16 03:00")),
				ev(attendance.Exit, utc("2026-06-16 03:30")),
				ev(attendance.Entry, utc("2026-06-16 12:00")),
				ev(attendance.Exit, utc("2026-06-16 13:00")),
			},
			want: []attendance.Day{
				{Date: date("2026-06-15"), Entries: 1, WorkedSeconds: 1800, LastExit: utc("2026-06-16 03:30")},
				{Date: date("2026-06-16"), Entries: 1, WorkedSeconds: 3600, LastExit: utc("2026-06-16 13:00")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.BuildDays(tt.loc, tt.events)
			if !slices.Equal(got, tt.want) {
				t.Errorf("BuildDays =\n%+v\nwant\n%+v", got, tt.want)
			}
			// BuildDay of each date, given the events from the start of it, agrees.
			for _, want := range tt.want {
				var from []attendance.AttendanceEvent
				for _, e := range tt.events {
					if !e.Timestamp.Before(want.Date.In(tt.loc)) {
						from = append(from, e)
					}
				}
				if got := attendance.BuildDay(want.Date, tt.loc, from); got != want {
					t.Errorf("BuildDay(%v) = %+v, want %+v", want.Date, got, want)
				}
			}
		})
	}
}

// TestBuildDaysMatchesCountingSessions builds random clock-in/clock-out
// histories over the Berlin DST weeks and checks each date's numbers against
// sessions counted one by one.
func TestBuildDaysMatchesCountingSessions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 29))
	for i := range 300 {
		start := utc("2026-03-25 00:00")
		if i%2 == 1 {
			start = utc("2026-10-22 00:00")
		}
		var events []attendance.AttendanceEvent
		want := map[attendance.Date]*attendance.Day{}
		var order []attendance.Date
		now := start
		for typ := attendance.Entry; len(events) < 2+rng.IntN(20); {
			now = now.Add(time.Duration(1+rng.IntN(14*60)) * time.Minute)
			e := ev(typ, now)
			if typ == attendance.Entry {
				e.Late, e.LateMinutes = rng.IntN(2) == 0, rng.IntN(90)
				d := attendance.DateOf(now.In(berlin))
				if want[d] == nil {
					want[d] = &attendance.Day{Date: d, Late: e.Late, LateMinutes: e.LateMinutes}
					order = append(order, d)
				}
				want[d].Entries++
				want[d].OpenSessions++ // until its exit comes
				want[d].OpenSince = now
			} else {
				entry := events[len(events)-1].Timestamp
				d := attendance.DateOf(entry.In(berlin))
				want[d].OpenSessions--
				want[d].OpenSince = time.Time{}
				want[d].WorkedSeconds += int64(now.Sub(entry) / time.Second)
				if !want[d].LastExit.IsZero() {
					want[d].BreakSeconds += int64(entry.Sub(want[d].LastExit) / time.Second)
				}
				want[d].LastExit = now
			}
			events = append(events, e)
			typ = map[attendance.EventType]attendance.EventType{attendance.Entry: attendance.Exit, attendance.Exit: attendance.Entry}[typ]
		}
		var wantDays []attendance.Day
		for _, d := range order {
			wantDays = append(wantDays, *want[d])
		}
		if got := attendance.BuildDays(berlin, events); !slices.Equal(got, wantDays) {
			t.Fatalf("case %d: BuildDays =\n%+v\nwant\n%+v", i, got, wantDays)
		}
	}
}

func TestCheckVoidNote(t *testing.T) {
	checkErr(t, attendance.CheckVoidNote("pressed the wrong button"), "", "")
	checkErr(t, attendance.CheckVoidNote("two\nlines"), "", "")
	for _, bad := range []string{"", "   ", strings.Repeat("n", 1001), "nul\x00"} {
		checkFields(t, attendance.CheckVoidNote(bad), "body.note")
	}
}

// TestVoid: a voided event keeps who voided it, when and why, and is late no
// more, so that a later entry of the date can be the late one.
func TestVoid(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := lateEntry(time.Date(2026, 11, 2, 8, 20, 0, 0, time.UTC), 20)
	e.Void(3, at, "clocked in for someone else")
	if !e.Voided || e.VoidedBy == nil || *e.VoidedBy != 3 || e.VoidedAt == nil || !e.VoidedAt.Equal(at) || e.VoidNote != "clocked in for someone else" {
		t.Errorf("audit trail = %v %v %v %q", e.Voided, e.VoidedBy, e.VoidedAt, e.VoidNote)
	}
	if e.Late || e.LateMinutes != 0 {
		t.Errorf("a voided entry is still late: %v by %d", e.Late, e.LateMinutes)
	}
}

func TestCheckHired(t *testing.T) {
	newYork, _ := time.LoadLocation("America/New_York")
	hired := date("2026-11-02")
	tests := []struct {
		name string
		ts   string
		loc  *time.Location
		ok   bool
	}{
		{"1970", "1970-01-01T12:00:00Z", time.UTC, false},
		{"the day before", "2026-11-01T23:59:59Z", time.UTC, false},
		{"the first instant of the hire date", "2026-11-02T00:00:00Z", time.UTC, true},
		{"later", "2027-03-01T08:00:00Z", time.UTC, true},
		{"the hire date in UTC, the eve in New York", "2026-11-02T03:00:00Z", newYork, false},
		{"the hire date in New York", "2026-11-02T05:00:00Z", newYork, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, err := time.Parse(time.RFC3339, tt.ts)
			if err != nil {
				t.Fatal(err)
			}
			err = attendance.CheckHired(ts, tt.loc, hired)
			if tt.ok {
				checkErr(t, err, "", "")
			} else {
				checkFields(t, err, "body.timestamp")
			}
		})
	}
}
