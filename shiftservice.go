package attendance

import (
	"context"
	"strings"
	"time"
)

// ShiftPattern is an employee's pattern as the API shows it (docs/shifts.md).
type ShiftPattern struct {
	ID         int64         `json:"id"`
	EmployeeID int64         `json:"employee_id"`
	StartDate  Date          `json:"start_date"`
	Weeks      []PatternWeek `json:"weeks"`
	// CreatedBy is nil for the pattern the migration made of a schedule.
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// RosterRow is one employee's roster over a range of dates.
type RosterRow struct {
	EmployeeID int64  `json:"employee_id"`
	Username   string `json:"username"`
	Name       string `json:"name"`
	Department string `json:"department"`
	Timezone   string `json:"timezone"`
	// Editable says whether the caller may set this row's dates
	// (CheckRosterWriter): never their own, an admin's only by an admin.
	Editable bool        `json:"editable"`
	Days     []RosterDay `json:"days"`
}

// RosterFilter selects the rows and dates of a roster.
type RosterFilter struct {
	From, To   *Date // default: the company's current ISO week
	EmployeeID *int64
	Department *string
	Page
}

// ShiftFilter selects shifts: active ones (the default), archived ones, or all.
type ShiftFilter struct {
	Active *bool // nil: all
	Page
}

// OverrideInput is a roster override as a manager sets it.
type OverrideInput struct {
	ShiftID *int64
	Note    string
}

// Check checks the note: at most MaxNoteLength bytes of text.
func (in OverrideInput) Check() error {
	var v Validator
	v.Check(len(in.Note) <= MaxNoteLength, "body.note", "must be at most 1000 bytes")
	v.Text("body.note", in.Note, true)
	v.Check(in.ShiftID == nil || *in.ShiftID > 0, "body.shift_id", "must be a shift's id, or null for a day off")
	return v.Err()
}

// RosterRange returns the dates of a roster query: from and to, by default
// the ISO week of today, at most MaxRosterDays.
func RosterRange(from, to *Date, today Date) (Date, Date, error) {
	first, last := mondayOf(today), mondayOf(today).AddDays(6)
	if from != nil {
		first = *from
		if to == nil {
			last = first.AddDays(6)
		}
	}
	if to != nil {
		last = *to
		if from == nil {
			first = last.AddDays(-6)
		}
	}
	return first, last, CheckRange(first, last, MaxRosterDays)
}

// ShiftNameKey is the key under which a shift's name is unique among active
// shifts: its lower case.
func ShiftNameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// ShiftService keeps the shifts, the employees' patterns, the roster and the
// working-time settings (docs/shifts.md).
type ShiftService interface {
	ListShifts(ctx context.Context, actor Actor, f ShiftFilter) ([]*Shift, int, error)
	GetShift(ctx context.Context, actor Actor, id int64) (*Shift, error)
	CreateShift(ctx context.Context, actor Actor, f ShiftFields, k *Idempotency) (*Shift, error)
	UpdateShift(ctx context.Context, actor Actor, id int64, f ShiftFields) (*Shift, error)
	ArchiveShift(ctx context.Context, actor Actor, id int64) error

	ListPatterns(ctx context.Context, actor Actor, employeeID int64, p Page) ([]*ShiftPattern, int, error)
	CreatePattern(ctx context.Context, actor Actor, employeeID int64, in PatternInput, k *Idempotency) (*ShiftPattern, error)
	DeletePattern(ctx context.Context, actor Actor, employeeID, patternID int64) error

	Roster(ctx context.Context, actor Actor, f RosterFilter) ([]*RosterRow, int, error)
	// SetOverride sets the override of a date; created says it is new.
	SetOverride(ctx context.Context, actor Actor, employeeID int64, d Date, in OverrideInput) (o *RosterOverride, created bool, err error)
	DeleteOverride(ctx context.Context, actor Actor, employeeID int64, d Date) error

	WorkSettings(ctx context.Context, actor Actor) (*WorkSettings, error)
	SetWorkSettings(ctx context.Context, actor Actor, s WorkSettings) (*WorkSettings, error)
}
