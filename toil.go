package attendance

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// OvertimeConversion is overtime a manager converted into time off in lieu:
// Minutes of the employee's daily overtime of the work dates From to To,
// credited to a leave type's balance as Amount days (Minutes ÷ DayMinutes,
// kept exact) by the ledger entry LedgerEntryID (kind overtime).
type OvertimeConversion struct {
	ID         int64     `json:"id"`
	EmployeeID int64     `json:"employee_id"`
	LeaveType  LeaveType `json:"leave_type"`
	From       Date      `json:"from"`
	To         Date      `json:"to"`
	Minutes    int       `json:"minutes"`
	// DayMinutes is the length of a day off: the scheduled minutes of the
	// first date of the range with a shift (DefaultDayMinutes without one).
	DayMinutes int `json:"day_minutes"`
	// OvertimeMinutes is the range's daily overtime when it was converted.
	OvertimeMinutes int       `json:"overtime_minutes"`
	Amount          Amount    `json:"amount"`
	AmountExact     string    `json:"amount_exact"`
	Comment         string    `json:"comment"`
	LedgerEntryID   int64     `json:"ledger_entry_id"`
	CreatedBy       int64     `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}

// DefaultDayMinutes is a day off in lieu when the range has no shift: 8 hours.
const DefaultDayMinutes = 480

// MaxConversionDays bounds the range of one conversion.
const MaxConversionDays = 62

// ConversionInput is a conversion as a manager asks for it.
type ConversionInput struct {
	EmployeeID int64
	From, To   Date
	Minutes    int
	LeaveType  LeaveType
	Comment    string
}

// Check applies the rules that need no stored data: the range (to not
// before from, one calendar year, at most MaxConversionDays, not after
// today, the employee's today), a positive number of minutes and a comment
// of text.
func (in ConversionInput) Check(today Date) error {
	var v Validator
	v.Check(in.EmployeeID > 0, "body.employee_id", "is required")
	v.Check(in.Minutes > 0, "body.minutes", "must be a positive number of minutes")
	v.Check(in.LeaveType != "", "body.leave_type", "is required: a leave type with a balance")
	v.Check(len(in.Comment) <= MaxReasonLength, "body.comment", "must be at most 2000 bytes")
	v.Text("body.comment", in.Comment, true)
	if err := v.Err(); err != nil {
		return err
	}
	if err := CheckRange(in.From, in.To, MaxConversionDays); err != nil {
		return err
	}
	if in.From.Year() != in.To.Year() {
		return InvalidField("body.to", "must be in the same calendar year as from: a balance is a year's")
	}
	if in.To > today {
		return InvalidField("body.to", "must not be after today: overtime is converted once it is worked")
	}
	return nil
}

// CheckConverter applies the rules for who converts employeeID's overtime
// (role employeeRole, in the actor's scope): a manager or an admin, never
// their own, an admin's only an admin, as with recording on their behalf.
func CheckConverter(a Actor, employeeID int64, employeeRole Role) error {
	if err := RequireManagerAccess(a); err != nil {
		return err
	}
	if a.ID == employeeID {
		return Errorf(KindForbidden, "own_request", "nobody converts their own overtime; their manager or an admin does")
	}
	return CheckEditable(a, employeeID, employeeRole)
}

// Conversion returns the conversion of in, when the range's daily overtime
// is overtimeSeconds and a day off lasts dayMinutes: at most the overtime's
// whole minutes (422 insufficient_overtime beyond), credited as
// in.Minutes ÷ dayMinutes days, exactly.
func (in ConversionInput) Conversion(overtimeSeconds int64, dayMinutes int) (*OvertimeConversion, error) {
	if dayMinutes <= 0 {
		dayMinutes = DefaultDayMinutes
	}
	available := int(overtimeSeconds / 60)
	if in.Minutes > available {
		return nil, &Error{Kind: KindInvalid, Code: "insufficient_overtime",
			Message: fmt.Sprintf("%d minutes asked for, but the daily overtime of %s to %s is %d minutes", in.Minutes, in.From, in.To, available),
			Fields:  []FieldError{{Location: "body.minutes", Message: fmt.Sprintf("must be at most %d, the range's daily overtime", available)}}}
	}
	amount := NewAmount(int64(in.Minutes), int64(dayMinutes))
	return &OvertimeConversion{EmployeeID: in.EmployeeID, LeaveType: in.LeaveType, From: in.From, To: in.To, Minutes: in.Minutes,
		DayMinutes: dayMinutes, OvertimeMinutes: available, Amount: amount, AmountExact: amount.String(), Comment: strings.TrimSpace(in.Comment)}, nil
}

// ErrAlreadyConverted is the answer to a range that overlaps one converted before.
func ErrAlreadyConverted(other *OvertimeConversion) error {
	return Errorf(KindConflict, "already_converted", "overtime of %s to %s was converted already (conversion %d): a range is converted once",
		other.From, other.To, other.ID)
}

// Entry returns the ledger entry that credits the conversion, dated its
// last date, by the manager by.
func (c *OvertimeConversion) Entry(by int64) LedgerEntry {
	note := fmt.Sprintf("Overtime of %s to %s converted: %d minutes ÷ %d minutes a day", c.From, c.To, c.Minutes, c.DayMinutes)
	if c.Comment != "" {
		note += ". " + c.Comment
	}
	return LedgerEntry{EmployeeID: c.EmployeeID, LeaveType: c.LeaveType, Year: c.To.Year(), Kind: EntryOvertime, Date: c.To,
		Amount: c.Amount, Note: note, CreatedBy: &by}
}

// ConversionFilter selects conversions.
type ConversionFilter struct {
	EmployeeID *int64
	Page
}

// OvertimeService converts overtime into time off in lieu.
type OvertimeService interface {
	// ConvertOvertime credits overtime of someone in the actor's scope.
	ConvertOvertime(ctx context.Context, actor Actor, in ConversionInput) (*OvertimeConversion, error)
	// ListConversions lists the conversions of the actor, or with manager
	// access of everyone in scope, newest first.
	ListConversions(ctx context.Context, actor Actor, f ConversionFilter) ([]*OvertimeConversion, int, error)
}
