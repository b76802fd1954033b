package attendance

import "time"

// The window of the work-date rule: an entry belongs to the shift instance
// whose start is nearest to it among those starting at most WorkDateLookBack
// before it or WorkDateLookAhead after it.
const (
	WorkDateLookBack  = 12 * time.Hour
	WorkDateLookAhead = 6 * time.Hour
)

// WorkDate returns the work date of an entry at instant t: the date of the
// shift instance of the employee's roster whose start is nearest to t, among
// those starting at most 12 hours before or 6 hours after it (at equal
// distances, the earlier one, which has begun), with that instance; with none,
// t's local calendar date, and ok false.
//
// A 22:00–06:00 shift that starts on Monday is Monday's, and so is an entry
// at 05:58 on Tuesday.
func (s Schedule) WorkDate(t time.Time, h Holidays) (d Date, inst ShiftInstance, ok bool) {
	local := s.LocalDate(t)
	var best time.Duration
	// Instances start on their own date, so the window (18 hours wide)
	// reaches no further than the dates either side of t's.
	for c := local.AddDays(-1); c <= local.AddDays(1); c++ {
		i, has := s.Instance(c, h)
		if !has || i.Start.Before(t.Add(-WorkDateLookBack)) || i.Start.After(t.Add(WorkDateLookAhead)) {
			continue
		}
		dist := i.Start.Sub(t).Abs()
		if !ok || dist < best {
			inst, best, ok = i, dist, true
		}
	}
	if !ok {
		return local, ShiftInstance{}, false
	}
	return inst.Date, inst, true
}

// WorkDates is the WorkDater of the employee's roster (WorkDate): what the
// store decides for each entry when it is recorded.
func (s Schedule) WorkDates(h Holidays) WorkDater {
	return func(e *AttendanceEvent) Date {
		d, _, _ := s.WorkDate(e.Timestamp, h)
		return d
	}
}

// OverrideReach returns the instants whose entries may change work date when
// the shift of date d changes (a roster override set or removed): those of
// the local dates d−1 to d+1 in loc, whose work dates are d−1 to d+1.
func OverrideReach(d Date, loc *time.Location) (from, to time.Time) {
	return d.AddDays(-1).In(loc), d.AddDays(2).In(loc)
}

// Interval is a stretch of time from Start up to End, e.g. approved hourly leave.
type Interval struct {
	Start time.Time
	End   time.Time
}

// Contains reports whether t lies in [Start, End).
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.Start) && t.Before(i.End) }

// LateFrom returns the instant an instance's lateness counts from: its start,
// or, when approved hourly leave covers the start, that leave's end (and the
// end of leave that covers that end in turn). ok is false when the leave
// covers the instance to its end: nobody is expected.
func (i ShiftInstance) LateFrom(hourlyLeave []Interval) (from time.Time, ok bool) {
	from = i.Start
	for moved := true; moved; {
		moved = false
		for _, l := range hourlyLeave {
			if l.Contains(from) {
				from, moved = l.End, true
			}
		}
	}
	return from, from.Before(i.End)
}

// EntryLateness decides whether the first entry of work date d, at instant t,
// is late, and by how many minutes. It is late when d has a shift instance,
// the employee has no approved leave of whole or half days on d (onLeave), and
// t, to the minute, is after the instance's start plus the shift's grace
// minutes; the minutes count from the start. Approved hourly leave that
// covers the start moves the start to the leave's end (LateFrom); leave that
// covers the whole shift leaves nobody expected.
//
// For a schedule without patterns and an entry on its own local date, this is
// Lateness.
func (s Schedule) EntryLateness(d Date, t time.Time, h Holidays, onLeave bool, hourlyLeave []Interval) (late bool, minutes int) {
	inst, ok := s.Instance(d, h)
	if !ok || onLeave {
		return false, 0
	}
	from, expected := inst.LateFrom(hourlyLeave)
	if !expected {
		return false, 0
	}
	elapsed := int(t.Sub(from) / time.Minute)
	if elapsed <= inst.Shift.GraceMinutes {
		return false, 0
	}
	return true, elapsed
}

// NotArrivedDueOn decides whether the not_arrived check is due at now for the
// employee's work date d: d has a shift instance and is on or after the hiring
// date, the employee has no leave of whole or half days on it and no entry,
// and the deadline — the start (moved by hourly leave, see LateFrom) plus
// grace plus 30 minutes — has passed. The check covers the employee's local
// today, and an earlier date only while its shift lasts (a night that began
// yesterday); see NotArrivedDates.
func (s Schedule) NotArrivedDueOn(d Date, h Holidays, now time.Time, onLeave, present bool, hourlyLeave []Interval) (due bool, deadline time.Time) {
	inst, ok := s.Instance(d, h)
	if !ok {
		return false, time.Time{}
	}
	from, expected := inst.LateFrom(hourlyLeave)
	deadline = from.Add(time.Duration(inst.Shift.GraceMinutes+30) * time.Minute)
	today := s.Today(now)
	switch {
	case !expected || onLeave || present || d < s.HiredOn || d > today:
		return false, deadline
	case d < today && !now.Before(inst.End):
		return false, deadline
	}
	return now.After(deadline), deadline
}

// NotArrivedDates returns the work dates the not_arrived check looks at now:
// the employee's local yesterday (whose night may still be on) and today.
func (s Schedule) NotArrivedDates(now time.Time) [2]Date {
	today := s.Today(now)
	return [2]Date{today.AddDays(-1), today}
}

// NotArrivedLookBack bounds how far back a run of the not_arrived check looks
// for deadlines that passed since the run before it: a worker down for longer
// catches up on everything still due (no deadline can still be due longer
// after it passed: a date is checked only while it is today or its shift
// lasts), and the first run of all looks at everyone.
const NotArrivedLookBack = 48 * time.Hour

// NotArrivedPassed reports whether the not_arrived deadline of a shift that
// starts at start with grace minutes, placed in loc on some date, lies in
// [from, to): whether a run of the check at to, following one at from, must
// look at the employees who work that shift in that zone. Hourly leave only
// moves a deadline later; the store looks at those on such leave anyway.
func NotArrivedPassed(loc *time.Location, start TimeOfDay, grace int, from, to time.Time) bool {
	if !from.Before(to) {
		return false
	}
	// A deadline lies less than a day after its shift's start, so its date
	// is at most a day before from's.
	sh := Shift{Start: start, End: start, GraceMinutes: grace}
	for d := DateOf(from.In(loc)).AddDays(-2); d <= DateOf(to.In(loc)); d++ {
		deadline := NewShiftInstance(d, sh, loc).Start.Add(time.Duration(grace+30) * time.Minute)
		if !deadline.Before(from) && deadline.Before(to) {
			return true
		}
	}
	return false
}
