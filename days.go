package attendance

import "time"

// DayStatus is what became of one date of an employee's calendar, as their
// record shows it day by day (Schedule.DayStatusOn).
type DayStatus string

// The statuses of a date, in the order DayStatusOn asks its questions.
const (
	DayWorked      DayStatus = "worked"       // an entry on the work date, the first on time
	DayLate        DayStatus = "late"         // an entry on the work date, the first late
	DayNotEmployed DayStatus = "not_employed" // before hired_on, or after the deactivation
	DayHoliday     DayStatus = "holiday"      // no shift because of a company holiday
	DayOff         DayStatus = "off"          // no shift on the date
	DayOnLeave     DayStatus = "leave"        // approved leave on a working day, no entry
	DayFuture      DayStatus = "future"       // a working day still to come
	DayToday       DayStatus = "today"        // today, a working day not over yet, no entry so far
	DayAbsent      DayStatus = "absent"       // a past working day without entry or leave
)

// MaxDayRows bounds the range of the day-by-day view: two months, so that a
// month and its neighbours' edges fit, and its cost stays that of a page.
const MaxDayRows = 62

// CheckDayRange checks the range of the day-by-day view: to not before from,
// and at most MaxDayRows dates (422 range_too_long otherwise).
func CheckDayRange(from, to Date) error {
	if err := CheckRange(from, to, 0); err != nil {
		return err
	}
	if int(to-from) >= MaxDayRows {
		e := InvalidField("query.to", "the range may span at most %d days", MaxDayRows)
		e.Code = "range_too_long"
		return e
	}
	return nil
}

// MonthOf returns the first and last dates of d's month.
func MonthOf(d Date) (first, last Date) {
	t := d.utc()
	first = NewDate(t.Year(), t.Month(), 1)
	return first, NewDate(t.Year(), t.Month()+1, 1).AddDays(-1)
}

// DayStatusOn decides the status of date d for the employee, today being
// their local date now, day what they did on d (its Day, zero without an
// entry) and leaveShare the share of d under approved leave (ApprovedLeaveDays).
// In order: an entry makes d worked, or late when its first entry was; then
// a date outside the employment is not_employed; a date without a shift is
// holiday (when a company holiday took it) or off; approved leave makes it
// leave; then future, today, and absent for a past working day.
//
// These are the overview's rules (Summarize): its days_present are the worked
// and late dates, its late_entries the late ones, its absent_days the absent ones.
func (s Schedule) DayStatusOn(d, today Date, h Holidays, day Day, leaveShare float64) DayStatus {
	switch {
	case day.Present() && day.Late:
		return DayLate
	case day.Present():
		return DayWorked
	case !s.employed(d):
		return DayNotEmployed
	case !s.IsWorkingDay(d, h):
		if _, holiday := h[d]; holiday {
			if _, would := s.ShiftOn(d, nil); would {
				return DayHoliday
			}
		}
		return DayOff
	case leaveShare > 0:
		return DayOnLeave
	case d > today:
		return DayFuture
	case d == today:
		return DayToday
	}
	return DayAbsent
}

// DayRow is one date of an employee's calendar, day by day: what the
// schedule planned, what they did and what the date counts as.
type DayRow struct {
	Date Date `json:"date"`
	// WorkingDay: the schedule (work days, roster, holidays) has a shift on
	// the date, whatever the employment.
	WorkingDay bool `json:"working_day"`
	// Holiday is the name of the company holiday on the date, if any.
	Holiday *string `json:"holiday"`
	// ShiftStart and ShiftEnd are the wall-clock times of the date's shift
	// in the employee's zone (an end at or before the start is the next
	// day's); nil without a shift.
	ShiftStart *TimeOfDay `json:"shift_start" nullable:"true"`
	ShiftEnd   *TimeOfDay `json:"shift_end" nullable:"true"`
	Status     DayStatus  `json:"status"`
	// LateMinutes are those of the date's first entry when it was late.
	LateMinutes   int   `json:"late_minutes"`
	WorkedSeconds int64 `json:"worked_seconds"`
	OpenSessions  int   `json:"open_sessions"`
	// Leave is the approved leave on the date, nil for none.
	Leave *DayRowLeave `json:"leave"`
	// Sessions are the date's sessions (BuildSessions), in time order.
	Sessions []ClockSession `json:"sessions"`
}

// DayRowLeave is the approved leave on one date of DayRow.
type DayRowLeave struct {
	// Type is the type of the first request covering the date.
	Type LeaveType `json:"type"`
	// Share is the share of the day taken (ApprovedLeaveDays): 1, 0.5 for a
	// half day, hours as the fraction of the date's shift.
	Share float64 `json:"share"`
	// Minutes are those of approved hourly leave on the date, 0 for leave
	// of whole or half days.
	Minutes int `json:"minutes"`
}

// DayFacts are what the store knows of an employee over a range of dates.
type DayFacts struct {
	// Days are the Days of the work dates in the range, in any order.
	Days []Day
	// Sessions are the sessions of those dates (BuildSessions).
	Sessions map[Date][]ClockSession
	// Leave is the approved leave overlapping the range.
	Leave []LeaveRequest
}

// DayRows returns the rows of the employee's dates from first to last at
// now, under holidays h (which must hold the range), each date's status
// decided by DayStatusOn as of the employee's local date today.
func (s Schedule) DayRows(first, last Date, h Holidays, now time.Time, f DayFacts) []DayRow {
	today := s.Today(now)
	byDate := make(map[Date]Day, len(f.Days))
	for _, d := range f.Days {
		byDate[d.Date] = d
	}
	shares := ApprovedLeaveDays(s, h, first, last, f.Leave)
	rows := make([]DayRow, 0, max(0, int(last-first)+1))
	for d := first; d <= last; d++ {
		day := byDate[d]
		r := DayRow{Date: d, WorkedSeconds: day.WorkedSeconds, OpenSessions: day.OpenSessions, Sessions: f.Sessions[d]}
		if r.Sessions == nil {
			r.Sessions = []ClockSession{}
		}
		if day.Late {
			r.LateMinutes = day.LateMinutes
		}
		if name, ok := h[d]; ok {
			r.Holiday = &name
		}
		if inst, ok := s.Instance(d, h); ok {
			r.WorkingDay = true
			r.ShiftStart, r.ShiftEnd = &inst.Shift.Start, &inst.Shift.End
		}
		if share := shares[d]; share > 0 {
			r.Leave = &DayRowLeave{Share: share}
			for _, l := range f.Leave {
				if l.Status != LeaveApproved || l.StartDate > d || l.EndDate < d {
					continue
				}
				if r.Leave.Type == "" {
					r.Leave.Type = l.LeaveType
				}
				if l.Unit == UnitHour && l.Minutes != nil {
					r.Leave.Minutes += *l.Minutes
				}
			}
		}
		r.Status = s.DayStatusOn(d, today, h, day, shares[d])
		rows = append(rows, r)
	}
	return rows
}

// DayList is a page of an employee's dates, day by day.
type DayList struct {
	EmployeeID int64  `json:"employee_id"`
	Timezone   string `json:"timezone"`
	// Today is the employee's local date now.
	Today   Date     `json:"today"`
	From    Date     `json:"from"`
	To      Date     `json:"to"`
	Count   int      `json:"count"`
	Results []DayRow `json:"results"`
}

// DaysFilter selects the dates of the day-by-day view: an employee (the
// caller when nil) and a range (the current month when nil).
type DaysFilter struct {
	EmployeeID *int64
	From, To   *Date
	Page
}
