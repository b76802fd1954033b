package attendance

import "time"

// WorkCalendar is the company's working week: the days escalation counts.
// It is the company time zone, a set of work days and the company
// holidays, the same for every request, so that the pending overview
// compares like with like.
type WorkCalendar struct {
	Location *time.Location
	WorkDays Weekdays
	Holidays Holidays
}

// IsWorkingDay reports whether d is one of the work days and no holiday.
func (c WorkCalendar) IsWorkingDay(d Date) bool {
	_, holiday := c.Holidays[d]
	return c.WorkDays.Has(d.Weekday()) && !holiday
}

// maxCalendarScan bounds the dates scanned for working days: a calendar
// with none in ten years has none.
const maxCalendarScan = 3660

// start returns where counting begins for a wait that began at t: t's date
// and wall-clock time when that date is a working day; else the start of
// the next working day. ok is false when the calendar has no working day.
func (c WorkCalendar) start(t time.Time) (base Date, at TimeOfDay, ok bool) {
	local := t.In(c.Location)
	base = DateOf(local)
	if c.IsWorkingDay(base) {
		return base, TimeOfDay(local.Hour()*60 + local.Minute()), true
	}
	for i := 1; i <= maxCalendarScan; i++ {
		if d := base.AddDays(i); c.IsWorkingDay(d) {
			return d, 0, true
		}
	}
	return 0, 0, false
}

// clock returns the instant of wall-clock time at on date d: the same time
// of day as the wait began (past the gap, on a day that skips it).
func (c WorkCalendar) clock(d Date, at TimeOfDay) time.Time { return d.At(at, c.Location) }

// AddWorkingDays returns the instant n working days after t: the same
// wall-clock time (to the minute) on the n-th working day after t's date.
// A wait that begins on a day off begins at the start of the next working
// day: from Saturday 14:00, two working days end on Wednesday 00:00; from
// Friday 10:00, on Tuesday 10:00. ok is false when the calendar has no
// working day.
func (c WorkCalendar) AddWorkingDays(t time.Time, n int) (deadline time.Time, ok bool) {
	base, at, ok := c.start(t)
	if !ok {
		return time.Time{}, false
	}
	d := base
	for k, scanned := 0, 0; k < n; scanned++ {
		if scanned > maxCalendarScan {
			return time.Time{}, false
		}
		d = d.AddDays(1)
		if c.IsWorkingDay(d) {
			k++
		}
	}
	return c.clock(d, at), true
}

// WaitedWorkingDays returns how many whole working days have passed from
// since to now: the greatest n with AddWorkingDays(since, n) not after now.
// The pending overview shows it beside each step.
func (c WorkCalendar) WaitedWorkingDays(since, now time.Time) int {
	base, at, ok := c.start(since)
	if !ok {
		return 0
	}
	today := DateOf(now.In(c.Location))
	n := 0
	for d := base.AddDays(1); d <= today; d++ {
		if !c.IsWorkingDay(d) {
			continue
		}
		if c.clock(d, at).After(now) {
			break
		}
		n++
	}
	return n
}

// EscalatesAt returns when a pending step escalates: more than after
// working days after it became pending (AddWorkingDays). ok is false when
// it never does: not pending, already escalated, escalation off (after <=
// 0), or a calendar without working days.
func (r StepRecord) EscalatesAt(after int, c WorkCalendar) (at time.Time, ok bool) {
	if r.Status != StepPending || r.PendingSince == nil || r.EscalatedAt != nil || after <= 0 {
		return time.Time{}, false
	}
	return c.AddWorkingDays(*r.PendingSince, after)
}

// EscalationDue reports whether the step has been pending more than after
// working days at now and has not escalated yet: the next level up is to be
// told, once (EscalationRecipients).
func (r StepRecord) EscalationDue(now time.Time, after int, c WorkCalendar) bool {
	at, ok := r.EscalatesAt(after, c)
	return ok && now.After(at)
}
