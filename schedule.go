package attendance

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Weekdays is a set of days of the week, e.g. an employee's work days.
type Weekdays uint8

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// weekdayOrder is the order in which work days are written: Monday first.
var weekdayOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// MondayToFriday is the default work week.
const MondayToFriday Weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

// NewWeekdays returns the set of the given days.
func NewWeekdays(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		w |= 1 << d
	}
	return w
}

// ParseWeekdays parses day names ("mon", "tue", …); case is ignored, repeats are an error.
func ParseWeekdays(names []string) (Weekdays, error) {
	var w Weekdays
	for _, n := range names {
		i := weekdayIndex(strings.ToLower(n))
		if i < 0 {
			return 0, fmt.Errorf("%q is not a day of the week (use mon, tue, wed, thu, fri, sat, sun)", n)
		}
		if w&(1<<i) != 0 {
			return 0, fmt.Errorf("%q is listed twice", n)
		}
		w |= 1 << i
	}
	return w, nil
}

func weekdayIndex(name string) int {
	for i, n := range weekdayNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

// Names returns the days as names, Monday first.
func (w Weekdays) Names() []string {
	names := make([]string, 0, 7)
	for _, d := range weekdayOrder {
		if w.Has(d) {
			names = append(names, weekdayNames[d])
		}
	}
	return names
}

// MarshalJSON writes the set as a list of names.
func (w Weekdays) MarshalJSON() ([]byte, error) { return json.Marshal(w.Names()) }

// UnmarshalJSON reads a list of names.
func (w *Weekdays) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return err
	}
	v, err := ParseWeekdays(names)
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// Schedule is what the time rules need to know about an employee: where they
// work, when their day starts, which days they work, and since when.
type Schedule struct {
	Location  *time.Location
	WorkStart TimeOfDay
	WorkEnd   TimeOfDay
	WorkDays  Weekdays
	LateGrace int // minutes after WorkStart before an entry counts as late
	HiredOn   Date
	// Until is the last date of employment (the deactivation date), nil while employed.
	Until *Date

	// Patterns, when there are any, assign the shifts in place of WorkStart,
	// WorkEnd, WorkDays and LateGrace, each from its StartDate (in that
	// order; see Pattern). Without them the schedule is today's: one shift
	// from WorkStart to WorkEnd with LateGrace on each of WorkDays.
	Patterns []Pattern
	// Overrides are the roster's choices for single dates (nil: a day off),
	// for the dates the caller needs. They win over the patterns.
	Overrides map[Date]*Shift
}

// Holidays is the company holiday list as a set of dates.
type Holidays map[Date]string

// IsWorkingDay reports whether the employee has a shift on d (ShiftOn): for a
// schedule without patterns, whether d is one of its work days and not a holiday.
func (s Schedule) IsWorkingDay(d Date, h Holidays) bool {
	if s.hasRoster() {
		_, ok := s.ShiftOn(d, h)
		return ok
	}
	if !s.WorkDays.Has(d.Weekday()) {
		return false
	}
	_, holiday := h[d]
	return !holiday
}

// WorkingDays counts the working days from first to last, both inclusive.
func (s Schedule) WorkingDays(first, last Date, h Holidays) int {
	if last < first {
		return 0
	}
	if s.hasRoster() {
		n := 0
		for d := first; d <= last; d++ {
			if s.IsWorkingDay(d, h) {
				n++
			}
		}
		return n
	}
	n := 0
	// Whole weeks contain each work day once.
	span := int(last-first) + 1
	weeks := span / 7
	n += weeks * s.workDaysPerWeek()
	for d := first.AddDays(weeks * 7); d <= last; d++ {
		if s.WorkDays.Has(d.Weekday()) {
			n++
		}
	}
	for d := range h {
		if d >= first && d <= last && s.WorkDays.Has(d.Weekday()) {
			n--
		}
	}
	return n
}

func (s Schedule) workDaysPerWeek() int {
	n := 0
	for d := time.Sunday; d <= time.Saturday; d++ {
		if s.WorkDays.Has(d) {
			n++
		}
	}
	return n
}

// LocalDate returns the employee's calendar date at instant t.
func (s Schedule) LocalDate(t time.Time) Date { return DateOf(t.In(s.Location)) }

// Today returns the employee's calendar date now.
func (s Schedule) Today(now time.Time) Date { return s.LocalDate(now) }

// StartOf returns the instant the employee's work day d starts.
func (s Schedule) StartOf(d Date) time.Time { return d.At(s.WorkStart, s.Location) }

// Lateness decides whether an entry at instant t, the first of its date, is
// late, and by how many minutes. It is late when its date is a working day
// without approved leave and its local time, to the minute, is after the work
// start plus the grace; the minutes count from the work start.
//
// Times are compared to the minute, as they are written (HH:MM): an entry at
// 08:00:59 for an 08:00 start is on time.
func (s Schedule) Lateness(t time.Time, h Holidays, onLeave bool) (late bool, minutes int) {
	d := s.LocalDate(t)
	if onLeave || !s.IsWorkingDay(d, h) {
		return false, 0
	}
	elapsed := int(t.Sub(s.StartOf(d)) / time.Minute)
	if elapsed <= s.LateGrace {
		return false, 0
	}
	return true, elapsed
}

// NotArrivedDeadline is the instant after which an employee who has not
// clocked in on working day d is reported as not arrived: the work start plus
// the grace plus 30 minutes.
func (s Schedule) NotArrivedDeadline(d Date) time.Time {
	return s.StartOf(d).Add(time.Duration(s.LateGrace+30) * time.Minute)
}
