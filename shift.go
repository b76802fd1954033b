package attendance

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Shift is a named stretch of work: a start and an end wall-clock time, with
// the grace minutes after the start before an entry counts as late and the
// unpaid break planned inside it. An end at or before the start ends the next
// day (22:00–06:00 is a night; 08:00–08:00 lasts a whole day).
type Shift struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Start        TimeOfDay `json:"start"`
	End          TimeOfDay `json:"end"`
	GraceMinutes int       `json:"grace_minutes"`
	BreakMinutes int       `json:"break_minutes"`
	// IsOvernight is Overnight() as clients read it (MarshalJSON fills it
	// in), so that no page works it out itself. Code asks Overnight().
	IsOvernight bool      `json:"overnight"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Overnight reports whether the shift ends on the day after it starts.
func (s Shift) Overnight() bool { return s.End <= s.Start }

// MarshalJSON writes the shift with overnight from its times, whoever made
// or read the value.
func (s Shift) MarshalJSON() ([]byte, error) {
	type plain Shift
	p := plain(s)
	p.IsOvernight = s.Overnight()
	return json.Marshal(p)
}

// NominalMinutes is the shift's length on the clock face, without its break:
// what it lasts on a day without a daylight-saving change. An instance's own
// scheduled time (ShiftInstance.Scheduled) is the one the rules use.
func (s Shift) NominalMinutes() int {
	span := int(s.End) - int(s.Start)
	if span <= 0 {
		span += 24 * 60
	}
	return span - s.BreakMinutes
}

// Limits on shifts.
const (
	maxShiftName = 100
	// MaxBreakMinutes bounds a shift's unpaid break and a break rule's step.
	MaxBreakMinutes = 240
)

// ShiftFields are the writable fields of a shift, each nil when not given.
type ShiftFields struct {
	Name         *string
	Start        *TimeOfDay
	End          *TimeOfDay
	GraceMinutes *int
	BreakMinutes *int
}

// Validate checks the given fields, and the break against the shift's length
// once applied to before (nil when creating: name, start and end are then
// required).
func (f ShiftFields) Validate(before *Shift) error {
	var v Validator
	if before == nil {
		v.Check(f.Name != nil, "body.name", "is required")
		v.Check(f.Start != nil, "body.start", "is required")
		v.Check(f.End != nil, "body.end", "is required")
	}
	if f.Name != nil {
		n := strings.TrimSpace(*f.Name)
		v.Check(n != "" && utf8.RuneCountInString(*f.Name) <= maxShiftName, "body.name", "must be 1 to 100 characters")
		v.Text("body.name", *f.Name, false)
	}
	if f.GraceMinutes != nil {
		v.Check(*f.GraceMinutes >= 0 && *f.GraceMinutes <= maxGraceMinutes, "body.grace_minutes", "must be between 0 and 720")
	}
	if f.BreakMinutes != nil {
		v.Check(*f.BreakMinutes >= 0 && *f.BreakMinutes <= MaxBreakMinutes, "body.break_minutes", "must be between 0 and %d", MaxBreakMinutes)
	}
	if err := v.Err(); err != nil {
		return err
	}
	var s Shift
	if before != nil {
		s = *before
	}
	f.Apply(&s)
	if s.NominalMinutes() <= 0 {
		return InvalidField("body.break_minutes", "must be shorter than the shift (%s–%s)", s.Start, s.End)
	}
	return nil
}

// Apply writes the given fields onto s.
func (f ShiftFields) Apply(s *Shift) {
	if f.Name != nil {
		s.Name = strings.TrimSpace(*f.Name)
	}
	if f.Start != nil {
		s.Start = *f.Start
	}
	if f.End != nil {
		s.End = *f.End
	}
	if f.GraceMinutes != nil {
		s.GraceMinutes = *f.GraceMinutes
	}
	if f.BreakMinutes != nil {
		s.BreakMinutes = *f.BreakMinutes
	}
}

// ChangesTimes reports whether the fields change s's start, end, grace or
// break: what the work of the past was judged by.
func (f ShiftFields) ChangesTimes(s Shift) bool {
	return (f.Start != nil && *f.Start != s.Start) || (f.End != nil && *f.End != s.End) ||
		(f.GraceMinutes != nil && *f.GraceMinutes != s.GraceMinutes) || (f.BreakMinutes != nil && *f.BreakMinutes != s.BreakMinutes)
}

// CheckShiftEdit decides whether an edit of shift s may be made: its name
// always, its times only while no pattern or roster override names it
// (inUse), so that figures of the past never change behind anyone's back.
func CheckShiftEdit(f ShiftFields, s Shift, inUse bool) error {
	if err := f.Validate(&s); err != nil {
		return err
	}
	if inUse && f.ChangesTimes(s) {
		return Errorf(KindConflict, "shift_in_use", "shift %q is in use: its times stay; make a new shift and a pattern from a date", s.Name)
	}
	return nil
}

// ShiftInstance is a shift on one work date: the instants it starts and ends
// in the employee's zone.
type ShiftInstance struct {
	Date  Date // the work date: the date the shift starts on
	Shift Shift
	Start time.Time
	End   time.Time
}

// NewShiftInstance places shift s on work date d in loc. The start is the
// shift's start time on d, the end its end time on d, or on the next day when
// the shift is overnight. A wall time that a daylight-saving change skips is
// moved forward past the gap (as Date.At does); one that occurs twice is its
// first occurrence.
func NewShiftInstance(d Date, s Shift, loc *time.Location) ShiftInstance {
	endDate := d
	if s.Overnight() {
		endDate = d.AddDays(1)
	}
	return ShiftInstance{Date: d, Shift: s, Start: wallInstant(d, s.Start, loc), End: wallInstant(endDate, s.End, loc)}
}

// Scheduled is the instance's scheduled time: the real time between its start
// and end, less the shift's unpaid break. A 22:00–06:00 night lasts 9 hours
// across the autumn change and 7 across the spring change.
func (i ShiftInstance) Scheduled() time.Duration {
	return max(0, i.End.Sub(i.Start)-time.Duration(i.Shift.BreakMinutes)*time.Minute)
}

// ScheduledMinutes is Scheduled in whole minutes (what hourly leave is divided by).
func (i ShiftInstance) ScheduledMinutes() int { return int(i.Scheduled() / time.Minute) }

// String writes the instance for messages: "2026-03-02 22:00–06:00 (Night)".
func (i ShiftInstance) String() string {
	name := ""
	if i.Shift.Name != "" {
		name = " (" + i.Shift.Name + ")"
	}
	return fmt.Sprintf("%s %s–%s%s", i.Date, i.Shift.Start, i.Shift.End, name)
}

// wallInstant returns the instant of wall time tod on date d in loc, like
// d.At, except that a wall time occurring twice (when clocks fall back) is
// always its first occurrence: time.Date does not promise which one it picks.
func wallInstant(d Date, tod TimeOfDay, loc *time.Location) time.Time {
	t := d.At(tod, loc)
	// An earlier occurrence reads the wall time with a larger offset, in
	// force until a change within the last hours.
	_, off := t.Zone()
	if _, before := t.Add(-12 * time.Hour).Zone(); before <= off {
		return t
	}
	h, m := int(tod)/60, int(tod)%60
	y, mo, dd := d.utc().Date()
	naive := time.Date(y, mo, dd, h, m, 0, 0, time.UTC)
	// The offsets in force around t: an ambiguous time reads as either.
	for _, probe := range []time.Duration{-12 * time.Hour, 12 * time.Hour} {
		_, off := t.Add(probe).Zone()
		c := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if c.Before(t) && DateOf(c) == d {
			if ch, cm, _ := c.Clock(); ch == h && cm == m {
				t = c
			}
		}
	}
	return t
}

// wallClock turns wall times into instants for many dates of one zone, as
// wallInstant does, with arithmetic alone while the zone's offset holds.
type wallClock struct {
	loc        *time.Location
	valid      bool
	off        int64 // the offset of the zone period known
	start, end int64 // its bounds, in Unix seconds
}

// clockMargin keeps the arithmetic away from a period's edges, where a wall
// time may be skipped or occur twice: no offset changes by more than this.
const clockMargin = 3 * 3600

func (c *wallClock) at(d Date, tod TimeOfDay) time.Time {
	naive := int64(d)*86400 + int64(tod)*60
	if u := naive - c.off; c.valid && u >= c.start+clockMargin && u < c.end-clockMargin {
		return time.Unix(u, 0).In(c.loc)
	}
	t := wallInstant(d, tod, c.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	c.valid, c.off, c.start, c.end = true, int64(off), math.MinInt64+clockMargin, math.MaxInt64-clockMargin
	if !start.IsZero() {
		c.start = start.Unix()
	}
	if !end.IsZero() {
		c.end = end.Unix()
	}
	return t
}
