package attendance

import (
	"context"
	"math"
	"time"
)

// LeaveType is the kind of leave asked for.
type LeaveType string

// The leave types. Only annual leave uses the balance.
const (
	LeaveAnnual LeaveType = "annual"
	LeaveSick   LeaveType = "sick"
	LeaveUnpaid LeaveType = "unpaid"
)

// Valid reports whether t is a known leave type.
func (t LeaveType) Valid() bool { return t == LeaveAnnual || t == LeaveSick || t == LeaveUnpaid }

// LeaveStatus is where a leave request stands.
type LeaveStatus string

// The leave statuses.
const (
	LeavePending   LeaveStatus = "pending"
	LeaveApproved  LeaveStatus = "approved"
	LeaveRejected  LeaveStatus = "rejected"
	LeaveCancelled LeaveStatus = "cancelled"
)

// Valid reports whether s is a known status.
func (s LeaveStatus) Valid() bool {
	return s == LeavePending || s == LeaveApproved || s == LeaveRejected || s == LeaveCancelled
}

// HoldingStatuses are the statuses in which a request holds its dates (a new
// request may not overlap it) and, for annual leave, its days of balance.
var HoldingStatuses = []LeaveStatus{LeavePending, LeaveApproved}

// LeaveRequest is an employee's request for leave over a date range.
type LeaveRequest struct {
	ID              int64       `json:"id"`
	EmployeeID      int64       `json:"employee_id"`
	LeaveType       LeaveType   `json:"leave_type"`
	StartDate       Date        `json:"start_date"`
	EndDate         Date        `json:"end_date"`
	HalfDay         bool        `json:"half_day"`
	Days            float64     `json:"days"`
	Status          LeaveStatus `json:"status"`
	Reason          string      `json:"reason"`
	DecidedBy       *int64      `json:"decided_by"`
	DecidedAt       *time.Time  `json:"decided_at"`
	DecisionComment string      `json:"decision_comment"`
	CreatedAt       time.Time   `json:"created_at"`
	// The approval chain (docs/approvals.md): see RequestChain.
	Chain       *RequestChain `json:"chain"`
	CurrentStep *int          `json:"current_step"`
	DecidedFor  *int64        `json:"decided_for"`
	DecidedAs   *Capacity     `json:"decided_as"`

	// Unit is how the leave was asked for: whole days, a half day, hours.
	Unit LeaveUnit `json:"unit"`
	// For hourly leave: the wall-clock times in the employee's zone, the
	// minutes asked for and the date's scheduled minutes (Days = Minutes ÷
	// DayMinutes); nil otherwise. StartAt and EndAt are the instants.
	StartTime  *TimeOfDay `json:"start_time"`
	EndTime    *TimeOfDay `json:"end_time"`
	Minutes    *int       `json:"minutes"`
	DayMinutes *int       `json:"day_minutes"`
	StartAt    *time.Time `json:"-"`
	EndAt      *time.Time `json:"-"`
	// Cost is the exact cost in days, Days as shown; DaysExact its string.
	Cost      Amount `json:"-"`
	DaysExact string `json:"days_exact"`

	// CanCancelNow and CanDecideNow say what the caller may do with the request
	// now (ActionsOn), on the answers of the leave endpoints; nil elsewhere
	// (a message, a notification).
	CanCancelNow *bool `json:"can_cancel,omitempty"`
	CanDecideNow *bool `json:"can_decide,omitempty"`
}

// Held returns what the request holds of its dates, for the overlap rule.
func (r *LeaveRequest) Held() HeldLeave {
	h := HeldLeave{Start: r.StartDate, End: r.EndDate}
	if r.StartAt != nil && r.EndAt != nil {
		h.Hours = &LeaveHours{Start: *r.StartAt, End: *r.EndAt}
	}
	return h
}

// SetCharge fixes the request's cost and how it was measured.
func (r *LeaveRequest) SetCharge(c LeaveCharge, in LeaveInput) {
	r.Unit, r.Cost, r.Days, r.DaysExact = c.Unit, c.Days, c.Days.Float64(), c.Days.String()
	r.HalfDay = c.Unit == UnitHalfDay
	if c.Hours != nil {
		m, dm := c.Minutes, c.DayMinutes
		s, e := c.Hours.Start.UTC(), c.Hours.End.UTC()
		st, et := *in.StartTime, *in.EndTime
		r.Minutes, r.DayMinutes, r.StartAt, r.EndAt, r.StartTime, r.EndTime = &m, &dm, &s, &e, &st, &et
	}
}

// MaxReasonLength bounds free-text reasons and comments.
const MaxReasonLength = 2000

// LeaveInput is a request for leave as the employee makes it.
type LeaveInput struct {
	LeaveType LeaveType
	StartDate Date
	EndDate   Date
	HalfDay   bool
	// StartTime and EndTime ask for hours of one working day, as wall-clock
	// times of the employee's zone (see RequestCost); nil for days.
	StartTime   *TimeOfDay
	EndTime     *TimeOfDay
	Reason      string
	Idempotency *Idempotency
}

// LeaveCost validates the dates of a request and returns the working days it
// costs under schedule s and holidays h: a half day is 0.5; a range with no
// working day, an end before the start, a half day over several dates or a
// range across two calendar years is invalid.
func LeaveCost(s Schedule, h Holidays, in LeaveInput) (float64, error) {
	var v Validator
	v.Check(in.LeaveType.Valid(), "body.leave_type", "must be annual, sick or unpaid")
	v.Check(len(in.Reason) <= MaxReasonLength, "body.reason", "must be at most 2000 bytes")
	v.Text("body.reason", in.Reason, true)
	// Hours are costed by RequestCost, which knows the day's scheduled hours.
	v.Check(in.StartTime == nil && in.EndTime == nil, "body.start_time", "hours are not supported here")
	switch {
	case in.EndDate < in.StartDate:
		v.Add("body.end_date", "must not be before start_date")
	case in.StartDate.Year() != in.EndDate.Year():
		v.Add("body.end_date", "must be in the same calendar year as start_date (make one request per year)")
	case in.HalfDay && in.StartDate != in.EndDate:
		v.Add("body.half_day", "is only allowed when start_date and end_date are the same date")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	days := float64(s.WorkingDays(in.StartDate, in.EndDate, h))
	if days == 0 {
		return 0, InvalidField("body.start_date", "the range %s to %s holds no working day", in.StartDate, in.EndDate)
	}
	if in.HalfDay {
		days = 0.5
	}
	return days, nil
}

// Balance is an employee's annual leave for one year.
type Balance struct {
	EmployeeID  int64   `json:"employee_id"`
	Year        int     `json:"year"`
	Allowance   float64 `json:"allowance"`
	Used        float64 `json:"used"`
	Pending     float64 `json:"pending"`
	LatePenalty float64 `json:"late_penalty"`
	Remaining   float64 `json:"remaining"`
}

// LatePenaltyDays returns the whole days of annual leave lost to lateness under
// the company policy: one day per penaltyMinutes late minutes in the year; 0
// when the policy is off (penaltyMinutes <= 0).
func LatePenaltyDays(lateMinutes, penaltyMinutes int) float64 {
	if penaltyMinutes <= 0 || lateMinutes <= 0 {
		return 0
	}
	return float64(lateMinutes / penaltyMinutes)
}

// NewBalance computes a balance: remaining = allowance - used - pending - late penalty.
func NewBalance(employeeID int64, year int, allowance, used, pending float64, lateMinutes, penaltyMinutes int) Balance {
	b := Balance{EmployeeID: employeeID, Year: year, Allowance: allowance, Used: used, Pending: pending,
		LatePenalty: LatePenaltyDays(lateMinutes, penaltyMinutes)}
	b.Remaining = round2(b.Allowance - b.Used - b.Pending - b.LatePenalty)
	return b
}

// CheckRequest decides whether a new annual request of days fits the balance.
func (b Balance) CheckRequest(days float64) error {
	if days > b.Remaining {
		return Errorf(KindInvalid, "insufficient_balance", "the request costs %g days but only %g remain in %d", days, math.Max(b.Remaining, 0), b.Year)
	}
	return nil
}

// CheckApproval decides whether approving an annual request of days keeps the
// balance whole: used + days <= allowance - late penalty. Other pending
// requests do not count against it.
func (b Balance) CheckApproval(days float64) error {
	if b.Used+days > b.Allowance-b.LatePenalty {
		return Errorf(KindInvalid, "insufficient_balance", "approving %g days would overdraw %d: %g of %g days are used and %g lost to lateness", days, b.Year, b.Used, b.Allowance, b.LatePenalty)
	}
	return nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// LeaveAction is a manager's decision on a request.
type LeaveAction string

// The decisions.
const (
	Approve LeaveAction = "approve"
	Reject  LeaveAction = "reject"
)

// CheckDecider applies the rules for who may decide a request of employee,
// who is in the actor's scope: a manager or admin, never on their own request,
// except an admin with no other active admin above or beside them, given as
// adminsAboveOrBeside (the active admins other than the actor who do not
// report to them, directly or not): nobody else could decide it.
func CheckDecider(a Actor, employeeID int64, adminsAboveOrBeside int) error {
	if err := RequireManagerAccess(a); err != nil {
		return err
	}
	if a.ID == employeeID && !(a.IsAdmin() && adminsAboveOrBeside == 0) {
		return Errorf(KindForbidden, "own_request", "nobody may decide their own leave request; their manager or an admin does")
	}
	return nil
}

// CanCancel decides whether the requester may cancel r on date today (their local date).
func (r *LeaveRequest) CanCancel(today Date) error {
	switch {
	case r.Status == LeavePending:
		return nil
	case r.Status == LeaveApproved && today < r.StartDate:
		return nil
	case r.Status == LeaveApproved:
		return Errorf(KindConflict, "already_started", "approved leave that has started can no longer be cancelled")
	}
	return Errorf(KindConflict, "not_cancellable", "a %s request cannot be cancelled", r.Status)
}

// ChecksLowBalanceAtOnce reports whether deciding r calls for the low-balance
// check at once, today being the company's date: approved annual leave of the
// current year, the year whose balance the contract watches. Leave approved
// for a later year is checked by the daily job once that year has come.
func (r *LeaveRequest) ChecksLowBalanceAtOnce(today Date) bool {
	return r.Status == LeaveApproved && r.LeaveType == LeaveAnnual && r.StartDate.Year() == today.Year()
}

// LeaveFilter selects leave requests.
type LeaveFilter struct {
	Status    *LeaveStatus
	LeaveType *LeaveType
	Year      *int
	// EmployeeIDs selects the requests of these employees (any of them;
	// none: everyone in scope). Those outside the actor's scope match nothing.
	EmployeeIDs []int64
	Department  *string
	From, To    *Date // requests overlapping this range
	// ByWaiting orders by how long the pending step has waited, longest
	// first (requests without one last), instead of newest first.
	ByWaiting bool
	// All lists every matching request, ignoring the page (the CSV).
	All bool
	Page
}

// LeaveRequestView is a leave request with the employee's name, as the overview shows it.
type LeaveRequestView struct {
	LeaveRequest
	EmployeeName string `json:"employee_name"`
	// Approval is what approving a pending request now would do, for
	// manager access in scope (GET /api/leaves/<id>/ only).
	Approval *ApprovalPreview `json:"approval,omitempty"`
}

// LeaveService manages leave requests and balances.
type LeaveService interface {
	// RequestLeave files a pending request for the actor.
	RequestLeave(ctx context.Context, actor Actor, in LeaveInput) (*LeaveRequest, error)
	// ListLeave lists the actor's own requests, newest first.
	ListLeave(ctx context.Context, actor Actor, f LeaveFilter) ([]*LeaveRequest, int, error)
	// DecideLeave approves or rejects a pending request of someone in scope.
	DecideLeave(ctx context.Context, actor Actor, id int64, action LeaveAction, comment string) (*LeaveRequest, error)
	// CancelLeave cancels the actor's own pending, or approved and not started, request.
	CancelLeave(ctx context.Context, actor Actor, id int64) (*LeaveRequest, error)
	// LeaveOverview lists the requests of everyone in scope.
	LeaveOverview(ctx context.Context, actor Actor, f LeaveFilter) ([]*LeaveRequestView, int, error)
	// LeaveBalance returns the annual leave balance of the actor or, with
	// manager access, of someone in scope.
	LeaveBalance(ctx context.Context, actor Actor, employeeID *int64, year *int) (*Balance, error)
}

// Holiday is a company holiday.
type Holiday struct {
	ID   int64  `json:"id"`
	Date Date   `json:"date"`
	Name string `json:"name"`
}

// Validate checks a new holiday's name: 1 to 200 bytes of one line of text.
// (Its date was parsed on the way in.)
func (h Holiday) Validate() error {
	var v Validator
	v.Check(h.Name != "" && len(h.Name) <= 200, "body.name", "must be 1 to 200 bytes")
	v.Text("body.name", h.Name, false)
	return v.Err()
}

// CheckDecision checks an approval or rejection: the action, and the
// comment (at most MaxReasonLength bytes of text).
func CheckDecision(action LeaveAction, comment string) error {
	var v Validator
	v.Check(action == Approve || action == Reject, "body.action", "must be approve or reject")
	v.Check(len(comment) <= MaxReasonLength, "body.comment", "must be at most 2000 bytes")
	v.Text("body.comment", comment, true)
	return v.Err()
}

// HolidayService keeps the company holiday list.
type HolidayService interface {
	ListHolidays(ctx context.Context, actor Actor, year *int, p Page) ([]*Holiday, int, error)
	CreateHoliday(ctx context.Context, actor Actor, h Holiday) (*Holiday, error)
	DeleteHoliday(ctx context.Context, actor Actor, id int64) error
}
