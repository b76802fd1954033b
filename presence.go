package attendance

import "time"

// Presence is where an employee stands on their current work date, as the
// manager's board shows it.
type Presence string

// The presences, in the order the board asks its questions.
const (
	PresenceIn         Presence = "in"          // a session is open
	PresenceLeft       Presence = "left"        // clocked in on the work date and out again
	PresenceOnLeave    Presence = "on_leave"    // approved leave covers the day (or the whole shift), no entry
	PresenceHoliday    Presence = "holiday"     // a company holiday on a day the roster would have a shift
	PresenceOff        Presence = "off"         // no shift on the date (or not yet hired)
	PresenceNotArrived Presence = "not_arrived" // no entry although the not_arrived deadline has passed
	PresenceExpected   Presence = "expected"    // a shift today, no entry, the deadline not passed yet
)

// PresenceFacts are what the store knows of an employee around now: the
// derived days of the work dates before and on the current one, and the
// approved leave on them.
type PresenceFacts struct {
	// Days are the derived days of the employee's recent work dates, in any
	// order; those other than the current one only count for an open session
	// (a night that began the day before).
	Days []Day
	// Leave is the approved leave overlapping the current work date, with
	// StartAt and EndAt for hourly leave.
	Leave []LeaveRequest
}

// PresenceStatus is an employee's presence at an instant, with what the
// board says beside it.
type PresenceStatus struct {
	Date        Date     `json:"date"`
	Status      Presence `json:"status"`
	Late        bool     `json:"late"`
	LateMinutes int      `json:"late_minutes"`
	// OpenSince is the entry of the open session, when Status is in.
	OpenSince *time.Time `json:"open_since"`
	// ShiftStart and ShiftEnd are the wall-clock times of the date's shift
	// in the employee's zone; nil without a shift.
	ShiftStart *TimeOfDay `json:"shift_start" nullable:"true"`
	ShiftEnd   *TimeOfDay `json:"shift_end" nullable:"true"`
	// DueAt is the not_arrived deadline: start (moved by hourly leave) plus
	// grace plus 30 minutes, when someone is expected.
	DueAt *time.Time `json:"due_at"`
	// LeaveShare is the share of the day under approved leave (1, 0.5, or
	// the fraction of hours), LeaveType the type's code of the leave taken.
	LeaveShare float64    `json:"leave_share"`
	LeaveType  *LeaveType `json:"leave_type"`
	// Holiday is the name of the company holiday on the date, if any.
	Holiday *string `json:"holiday"`
}

// PresenceAt decides an employee's presence at now under schedule s and
// holidays h (which must hold the dates around now). The current work date is
// the one an entry at now would belong to (WorkDate). In order: an open
// session on any recent work date is in; an entry on the work date is left;
// no shift on it is holiday (when a holiday took it) or off; leave of whole or
// half days, or hourly leave over the whole shift, is on_leave; before the
// hiring date is off; then not_arrived once the not_arrived deadline has
// passed (NotArrivedDueOn, the rule of the notification), expected before.
func (s Schedule) PresenceAt(now time.Time, h Holidays, f PresenceFacts) PresenceStatus {
	d, _, _ := s.WorkDate(now, h)
	st := PresenceStatus{Date: d}
	if name, ok := h[d]; ok {
		st.Holiday = &name
	}
	var day Day
	for _, x := range f.Days {
		if x.Date == d {
			day = x
		}
		if x.OpenSessions > 0 && x.Date <= d && x.Date >= d.AddDays(-1) && !x.OpenSince.IsZero() {
			if st.OpenSince == nil || x.OpenSince.Before(*st.OpenSince) {
				t := x.OpenSince
				st.OpenSince = &t
			}
		}
	}
	st.Late, st.LateMinutes = day.Late, day.LateMinutes

	inst, shift := s.Instance(d, h)
	if shift {
		st.ShiftStart, st.ShiftEnd = &inst.Shift.Start, &inst.Shift.End
	}
	var hourly []Interval
	wholeDays := false
	for _, r := range f.Leave {
		if r.Status != LeaveApproved || r.StartDate > d || r.EndDate < d {
			continue
		}
		if st.LeaveType == nil {
			t := r.LeaveType
			st.LeaveType = &t
		}
		if r.Unit == UnitHour {
			if r.StartAt != nil && r.EndAt != nil {
				hourly = append(hourly, Interval{Start: *r.StartAt, End: *r.EndAt})
			}
		} else {
			wholeDays = true
		}
	}
	st.LeaveShare = ApprovedLeaveDays(s, h, d, d, f.Leave)[d]
	if st.LeaveShare == 0 {
		st.LeaveType = nil // leave on a day without a shift takes nothing
	}

	switch {
	case st.OpenSince != nil:
		st.Status = PresenceIn
		return st
	case day.Present():
		st.Status = PresenceLeft
		return st
	case !shift:
		st.Status = PresenceOff
		if st.Holiday != nil {
			if _, would := s.ShiftOn(d, nil); would {
				st.Status = PresenceHoliday
			}
		}
		return st
	case wholeDays && st.LeaveShare > 0:
		st.Status = PresenceOnLeave
		return st
	}
	if _, expected := inst.LateFrom(hourly); !expected {
		st.Status = PresenceOnLeave
		return st
	}
	if d < s.HiredOn {
		st.Status = PresenceOff
		return st
	}
	// The notification is due only while the date's shift lasts; the board
	// keeps saying not arrived after it.
	_, deadline := s.NotArrivedDueOn(d, h, now, false, false, hourly)
	st.DueAt = &deadline
	st.Status = PresenceExpected
	if now.After(deadline) {
		st.Status = PresenceNotArrived
	}
	return st
}

// TodayRow is one employee's line of the board: who, and their presence now.
type TodayRow struct {
	EmployeeID int64  `json:"employee_id"`
	Username   string `json:"username"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Timezone   string `json:"timezone"`
	PresenceStatus
	// ReviewMark: a forgotten exit to review, or correction requests waiting.
	ReviewMark
}

// TodayFilter selects the rows of the board.
type TodayFilter struct {
	EmployeeID *int64
	Department *string
	Page
}

// Today is a page of the board: the company's today and the rows of the
// active employees in scope, by id.
type Today struct {
	Date    Date       `json:"date"`
	Count   int        `json:"count"`
	Results []TodayRow `json:"results"`
}
