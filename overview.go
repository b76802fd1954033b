package attendance

import "math"

// OverviewRow sums up one employee's attendance over a date range.
type OverviewRow struct {
	EmployeeID int64  `json:"employee_id"`
	Username   string `json:"username"`
	Name       string `json:"name"`
	Department string `json:"department"`
	OverviewTotals
	TimeTotals
	LeaveTotals
}

// OverviewTotals are the numbers of an overview row, and their sums.
type OverviewTotals struct {
	DaysPresent   int     `json:"days_present"`
	LateEntries   int     `json:"late_entries"`
	LateMinutes   int     `json:"late_minutes"`
	AbsentDays    int     `json:"absent_days"`
	LeaveDays     float64 `json:"leave_days"`
	WorkedSeconds int64   `json:"worked_seconds"`
	WorkedHours   float64 `json:"worked_hours"`
	OpenSessions  int     `json:"open_sessions"`
}

// Add adds r's numbers to t; WorkedHours is recomputed from the seconds.
func (t *OverviewTotals) Add(r OverviewTotals) {
	t.DaysPresent += r.DaysPresent
	t.LateEntries += r.LateEntries
	t.LateMinutes += r.LateMinutes
	t.AbsentDays += r.AbsentDays
	t.LeaveDays += r.LeaveDays
	t.WorkedSeconds += r.WorkedSeconds
	t.OpenSessions += r.OpenSessions
	t.WorkedHours = Hours(t.WorkedSeconds)
}

// Hours converts seconds to hours rounded to two decimals.
func Hours(seconds int64) float64 {
	return math.Round(float64(seconds)/36) / 100
}

// Overview is the attendance overview of a date range: a page of rows and the
// totals over every matching employee.
type Overview struct {
	From   Date           `json:"from"`
	To     Date           `json:"to"`
	Count  int            `json:"count"`
	Totals OverviewTotals `json:"totals"`
	// TimeTotals are the working-time figures summed over every matching
	// employee (the JSON totals carry them beside Totals').
	TimeTotals TimeTotals `json:"-"`
	// LeaveTotals are the leave minutes and days per type summed over every
	// matching employee; LeaveTypes every type's code in code order, the
	// CSV's columns.
	LeaveTotals LeaveTotals   `json:"-"`
	LeaveTypes  []LeaveType   `json:"-"`
	Results     []OverviewRow `json:"results"`
}

// LeaveDays maps the working days under approved leave to the share of the day
// taken: 1, or 0.5 for a half day.
type LeaveDays map[Date]float64

// ApprovedLeave is what the overview counts of an approved leave request:
// its type, dates, half day, unit and cost, and the minutes of hourly leave
// (0 for the other units).
type ApprovedLeave struct {
	LeaveType          LeaveType
	StartDate, EndDate Date
	HalfDay            bool
	Unit               LeaveUnit
	Cost               Amount
	Minutes            int
}

// ApprovedOf returns the approved requests among rs as ApprovedLeave.
func ApprovedOf(rs []LeaveRequest) []ApprovedLeave {
	var out []ApprovedLeave
	for _, r := range rs {
		if r.Status != LeaveApproved {
			continue
		}
		l := ApprovedLeave{LeaveType: r.LeaveType, StartDate: r.StartDate, EndDate: r.EndDate, HalfDay: r.HalfDay, Unit: r.Unit, Cost: r.Cost}
		if r.Minutes != nil {
			l.Minutes = *r.Minutes
		}
		out = append(out, l)
	}
	return out
}

// ApprovedLeaveDays returns the working days from first to last that the
// approved requests cover, under the schedule s and the holidays h.
func ApprovedLeaveDays(s Schedule, h Holidays, first, last Date, approved []LeaveRequest) LeaveDays {
	return leaveDays(ruledDays(s, h), first, last, ApprovedOf(approved))
}

// leaveDays is ApprovedLeaveDays of approved, with the schedule's shifts
// from v.
func leaveDays(v *shiftDays, first, last Date, approved []ApprovedLeave) LeaveDays {
	out := LeaveDays{}
	if first > last || len(approved) == 0 {
		return out
	}
	n := int(last-first) + 1
	shares, has := make([]float64, n), make([]bool, n)
	leaveShares(v, first, last, approved, shares, has)
	for k, ok := range has {
		if ok {
			out[first+Date(k)] = shares[k]
		}
	}
	return out
}

// leaveShares is leaveDays into shares, the dates from first to last by
// their offset from first, zero on entry: a slice the overview uses again
// from one employee to the next, not a map per employee. has, unless nil,
// marks the dates leaveDays holds (a share may be zero).
func leaveShares(v *shiftDays, first, last Date, approved []ApprovedLeave, shares []float64, has []bool) {
	for _, r := range approved {
		share := 1.0
		if r.HalfDay {
			share = 0.5
		}
		if r.Unit == UnitHour {
			// Hours of one date count the fraction they were charged
			// (docs/leave.md): 2 h of a 9 h day are 2/9.
			if d := r.StartDate; d >= first && d <= last && v.isWorkingDay(d) {
				k := d - first
				shares[k] = min(1, shares[k]+float64(r.Cost.Num())/float64(r.Cost.Den()))
				if has != nil {
					has[k] = true
				}
			}
			continue
		}
		for d := max(r.StartDate, first); d <= min(r.EndDate, last); d++ {
			if v.isWorkingDay(d) {
				k := d - first
				shares[k] = max(shares[k], share)
				if has != nil {
					has[k] = true
				}
			}
		}
	}
}

// OnLeaveOn reports whether approved leave of whole or half days covers the
// working day d: the employee is not expected that day. Hourly leave does
// not: it only moves when the employee is expected (ShiftInstance.LateFrom).
func OnLeaveOn(s Schedule, h Holidays, d Date, approved []LeaveRequest) bool {
	for _, r := range approved {
		if r.Status == LeaveApproved && r.Unit != UnitHour && r.StartDate <= d && d <= r.EndDate {
			return s.IsWorkingDay(d, h)
		}
	}
	return false
}

// Summarize sums up an employee's days from first to last as of today (all the
// employee's local dates). days holds the Days recorded in the range, in any
// order; leave the approved leave in it. Working days and absences use the
// schedule and holidays as they are now, for the whole range.
//
// An absent day is a working day before today, on or after the hiring date
// (and not after a deactivation), with no entry and no approved leave.
//
// It is SummarizeWork without the working-time figures: with a schedule of
// today's kind, its working days are the dates of its one shift.
func Summarize(s Schedule, h Holidays, first, last, today Date, days []Day, leave LeaveDays) OverviewTotals {
	sc := getScratch()
	defer putScratch(sc)
	t, _ := summarize(ruledDays(s, h), WorkSettings{}, first, last, today, today.In(s.Location), days, sc.sharesOf(first, last, leave), false, sc)
	return t
}

// MaxOverviewDays bounds the date range of an overview: its cost grows with
// the range, and a year (a leap year's 366 days) is what a report asks for.
const MaxOverviewDays = 366

// CheckRange checks the from and to of a query: to not before from, and, when
// maxDays > 0, at most maxDays dates from one to the other.
func CheckRange(from, to Date, maxDays int) error {
	if to < from {
		return InvalidField("query.to", "must not be before from")
	}
	if maxDays > 0 && int(to-from) >= maxDays {
		return InvalidField("query.to", "the range may span at most %d days", maxDays)
	}
	return nil
}
