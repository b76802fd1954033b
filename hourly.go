package attendance

import (
	"fmt"
	"slices"
	"time"
)

// LeaveHours is an interval of hourly leave, [Start, End), as instants.
type LeaveHours struct {
	Start time.Time
	End   time.Time
}

// Minutes returns the real time between Start and End, in whole minutes.
func (h LeaveHours) Minutes() int { return int(h.End.Sub(h.Start) / time.Minute) }

// HoursOnShift resolves the wall-clock times from and to of an hourly
// request into instants on the scheduled hours [shiftStart, shiftEnd) of its
// work date, in the employee's zone loc. A shift may end the next day (22:00
// to 06:00): each time is the first instant with that wall-clock time from
// the shift's start on (the end time: after the start), the earlier of the
// two in a repeated hour, past the gap in a skipped one. from must lie in the
// shift and to after it, at the latest at the shift's end.
func HoursOnShift(shiftStart, shiftEnd time.Time, loc *time.Location, from, to TimeOfDay) (LeaveHours, error) {
	var v Validator
	span := fmt.Sprintf("%s to %s", shiftStart.In(loc).Format("15:04"), shiftEnd.In(loc).Format("15:04"))
	start, okStart := wallTimeIn(shiftStart, shiftEnd, loc, from, false)
	end, okEnd := wallTimeIn(shiftStart, shiftEnd, loc, to, true)
	v.Check(okStart && start.Before(shiftEnd), "body.start_time", "must lie within the scheduled hours, %s", span)
	v.Check(okEnd, "body.end_time", "must lie within the scheduled hours, %s", span)
	if err := v.Err(); err != nil {
		return LeaveHours{}, err
	}
	if !end.After(start) {
		return LeaveHours{}, InvalidField("body.end_time", "must be after start_time")
	}
	return LeaveHours{start, end}, nil
}

// wallTimeIn returns the first instant from start (after it, when
// afterStart) up to end whose wall-clock time in loc is tod, or its place
// after a skipped hour.
func wallTimeIn(start, end time.Time, loc *time.Location, tod TimeOfDay, afterStart bool) (time.Time, bool) {
	d := DateOf(start.In(loc))
	for i := 0; i < 3; i++ { // a shift of up to a day reaches the second date; one more for a long one
		t := d.AddDays(i).At(tod, loc)
		if t.Before(start) || (afterStart && t.Equal(start)) {
			continue
		}
		if t.After(end) {
			return time.Time{}, false
		}
		return t, true
	}
	return time.Time{}, false
}

// HourlyCost returns what hourly leave over hours costs on the shift
// [shiftStart, shiftEnd): its minutes divided by the shift's scheduled
// minutes, both real elapsed time, kept exactly. Two hours of an 08:00-17:00
// day cost 2/9 of a day, of a 09:00-13:00 day half a day.
func HourlyCost(shiftStart, shiftEnd time.Time, hours LeaveHours) (minutes, scheduled int, cost Amount) {
	minutes = hours.Minutes()
	scheduled = int(shiftEnd.Sub(shiftStart) / time.Minute)
	if scheduled <= 0 || minutes <= 0 {
		return max(minutes, 0), max(scheduled, 0), Amount{}
	}
	return minutes, scheduled, NewAmount(int64(minutes), int64(scheduled))
}

// LeaveCharge is what a request costs, and how it was measured.
type LeaveCharge struct {
	Unit LeaveUnit
	Days Amount // the cost, in days
	// For hourly leave: the minutes asked for, the scheduled minutes of
	// that date (Days = Minutes / DayMinutes), and the instants.
	Minutes    int
	DayMinutes int
	Hours      *LeaveHours
}

// RequestCost validates a request of leave type p and returns its cost.
// The caller gives what it knows of the employee's time: workingDays, the
// working days from in.StartDate to in.EndDate (their work days minus
// holidays); and for an hourly request the scheduled hours [shiftStart,
// shiftEnd) of in.StartDate in their zone loc (zero instants when it has
// none).
//
// A request is of whole working days over a date range, of half a day
// (HalfDay, one date: 0.5), or of hours of one working day (StartTime and
// EndTime, inside the scheduled hours: HourlyCost), each only where p allows
// that unit. As before, a range with no working day, an end before the start
// or one in another calendar year is invalid, and so is a request of a
// retired type.
func RequestCost(p *LeavePolicy, in LeaveInput, workingDays int, shiftStart, shiftEnd time.Time, loc *time.Location) (LeaveCharge, error) {
	if err := p.CheckRequestable(); err != nil {
		return LeaveCharge{}, err
	}
	hourly := in.StartTime != nil || in.EndTime != nil
	unit := UnitDay
	switch {
	case hourly:
		unit = UnitHour
	case in.HalfDay:
		unit = UnitHalfDay
	}
	var v Validator
	v.Check(len(in.Reason) <= MaxReasonLength, "body.reason", "must be at most 2000 bytes")
	v.Text("body.reason", in.Reason, true)
	switch {
	case in.EndDate < in.StartDate:
		v.Add("body.end_date", "must not be before start_date")
	case in.StartDate.Year() != in.EndDate.Year():
		v.Add("body.end_date", "must be in the same calendar year as start_date (make one request per year)")
	case in.HalfDay && hourly:
		v.Add("body.half_day", "cannot be combined with start_time and end_time")
	case in.HalfDay && in.StartDate != in.EndDate:
		v.Add("body.half_day", "is only allowed when start_date and end_date are the same date")
	case hourly && in.StartDate != in.EndDate:
		v.Add("body.end_date", "must equal start_date for hours (hourly leave lies on one working day)")
	case hourly && (in.StartTime == nil || in.EndTime == nil):
		v.Add("body.end_time", "start_time and end_time go together")
	}
	if !p.Units.Has(unit) {
		field := map[LeaveUnit]string{UnitDay: "body.leave_type", UnitHalfDay: "body.half_day", UnitHour: "body.start_time"}[unit]
		v.Add(field, "%s is not taken in %s (it allows %s)", p.Name, unitText(unit), unitsText(p.Units))
	}
	if err := v.Err(); err != nil {
		return LeaveCharge{}, err
	}
	if workingDays <= 0 {
		return LeaveCharge{}, InvalidField("body.start_date", "the range %s to %s holds no working day", in.StartDate, in.EndDate)
	}
	switch unit {
	case UnitHalfDay:
		return LeaveCharge{Unit: unit, Days: HalfDays(1)}, nil
	case UnitHour:
		if !shiftEnd.After(shiftStart) {
			return LeaveCharge{}, InvalidField("body.start_date", "%s has no scheduled hours", in.StartDate)
		}
		h, err := HoursOnShift(shiftStart, shiftEnd, loc, *in.StartTime, *in.EndTime)
		if err != nil {
			return LeaveCharge{}, err
		}
		minutes, scheduled, cost := HourlyCost(shiftStart, shiftEnd, h)
		return LeaveCharge{Unit: unit, Days: cost, Minutes: minutes, DayMinutes: scheduled, Hours: &h}, nil
	}
	return LeaveCharge{Unit: unit, Days: WholeDays(int64(workingDays))}, nil
}

func unitText(u LeaveUnit) string {
	return map[LeaveUnit]string{UnitDay: "days", UnitHalfDay: "half days", UnitHour: "hours"}[u]
}

func unitsText(s LeaveUnits) string {
	out := ""
	for i, u := range s.List() {
		if i > 0 {
			out += ", "
		}
		out += unitText(u)
	}
	return out
}

// HeldLeave is what a pending or approved request holds: its dates and,
// for hourly leave, its hours.
type HeldLeave struct {
	Start, End Date
	Hours      *LeaveHours
}

// Overlaps reports whether two requests may not both be held: they share a
// date, unless both are hourly leave on that date whose hours do not meet
// (08:00-10:00 and 15:00-17:00 may both be taken). A half day overlaps any
// other leave on its date, as before: which half is not known.
func (h HeldLeave) Overlaps(o HeldLeave) bool {
	if h.Start > o.End || o.Start > h.End {
		return false
	}
	if h.Hours != nil && o.Hours != nil {
		return h.Hours.Start.Before(o.Hours.End) && o.Hours.Start.Before(h.Hours.End)
	}
	return true
}

// HourlyLeave is one approved request's hours on a date and what it cost.
type HourlyLeave struct {
	LeaveHours
	Cost Amount
}

// DayLeave is what approved leave covers of one work date, as lateness,
// absence and the overview see it.
type DayLeave struct {
	// Days is 1 for a full day, 1/2 for a half day, 0 for neither. Either
	// way, a date with a full or half day of leave is never late, absent or
	// not arrived.
	Days  Amount
	Hours []HourlyLeave
}

// Covered reports whether the date counts as a day of leave for lateness
// and absence: a full or half day.
func (l DayLeave) Covered() bool { return l.Days.Sign() > 0 }

// Share returns the part of the day the leave takes, for the overview's
// leave days: the full or half day, or the sum of the hourly requests' costs
// (the fractions they were charged), at most a day.
func (l DayLeave) Share() Amount {
	if l.Covered() {
		return l.Days
	}
	var s Amount
	for _, h := range l.Hours {
		s = s.Add(h.Cost)
	}
	return MinAmount(s, WholeDays(1))
}

// ExpectedArrival returns when the employee is expected at work on a shift
// starting at shiftStart and ending at shiftEnd, given the date's leave: the
// shift's start, or, when hourly leave covers it, the end of that leave
// (leave that ends where the next begins counts as one stretch). Lateness
// counts from there: on leave 08:00-10:00, an arrival at 10:05 is 5 minutes
// late. ok is false when leave covers the whole shift or the date has a full
// or half day of leave: nobody is expected.
func (l DayLeave) ExpectedArrival(shiftStart, shiftEnd time.Time) (time.Time, bool) {
	if l.Covered() {
		return time.Time{}, false
	}
	hours := make([]LeaveHours, 0, len(l.Hours))
	for _, h := range l.Hours {
		hours = append(hours, h.LeaveHours)
	}
	slices.SortFunc(hours, func(a, b LeaveHours) int { return a.Start.Compare(b.Start) })
	t := shiftStart
	for _, h := range hours {
		if h.Start.After(t) {
			break
		}
		if h.End.After(t) {
			t = h.End
		}
	}
	if !t.Before(shiftEnd) {
		return time.Time{}, false
	}
	return t, true
}
