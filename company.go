package attendance

import (
	"context"
	"time"
)

// Company is what the company's settings say to every signed-in user: its
// time zone and today's date there, a new employee's defaults, the rules of
// usernames and passwords, and the leave thresholds. A client shows these
// instead of keeping copies of them.
type Company struct {
	// Timezone is the company time zone (ATTENDANCE_TIMEZONE): the zone of
	// "today", "this month" and "this year" in defaults.
	Timezone string `json:"timezone"`
	// Today is the company's date now.
	Today            Date             `json:"today"`
	EmployeeDefaults EmployeeDefaults `json:"employee_defaults"`
	UsernameRule     TextRule         `json:"username_rule"`
	PasswordRule     TextRule         `json:"password_rule"`
	// LowLeaveThreshold is the remaining annual leave at or below which a
	// balance is low (ATTENDANCE_LOW_LEAVE_THRESHOLD).
	LowLeaveThreshold float64 `json:"low_leave_threshold"`
	// LatePenaltyMinutes: every this many late minutes in a year cost a day
	// of annual leave; 0 when the policy is off.
	LatePenaltyMinutes int `json:"late_penalty_minutes"`
}

// EmployeeDefaults are the fields a new employee gets when they are not
// given (NewEmployee).
type EmployeeDefaults struct {
	Role             Role      `json:"role"`
	Timezone         string    `json:"timezone"`
	WorkStart        TimeOfDay `json:"work_start"`
	WorkEnd          TimeOfDay `json:"work_end"`
	WorkDays         Weekdays  `json:"work_days"`
	LateGraceMinutes int       `json:"late_grace_minutes"`
	AnnualLeaveDays  float64   `json:"annual_leave_days"`
}

// TextRule is a rule on a text a person chooses, in numbers and in words.
type TextRule struct {
	MinLength int `json:"min_length" doc:"In characters"`
	// MaxLength is in characters for a username, in bytes for a password.
	MaxLength int `json:"max_length"`
	// NotUsername: a password may not equal the username (ignoring case).
	NotUsername bool   `json:"not_username,omitempty"`
	Text        string `json:"text" doc:"The rule in words, for a form's hint"`
}

// CompanyPolicy is the company's configuration a Company is made of.
type CompanyPolicy struct {
	Timezone           string
	LowLeaveThreshold  float64
	LatePenaltyMinutes int
}

// NewCompany returns what the company's policy says at now. The defaults are
// those of NewEmployee, so that what a form prefills is what the server
// would apply.
func NewCompany(p CompanyPolicy, now time.Time) Company {
	e := NewEmployee(p.Timezone, now)
	loc, err := LoadLocation(e.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return Company{
		Timezone: e.Timezone,
		Today:    DateOf(now.In(loc)),
		EmployeeDefaults: EmployeeDefaults{Role: e.Role, Timezone: e.Timezone, WorkStart: e.WorkStart, WorkEnd: e.WorkEnd,
			WorkDays: e.WorkDays, LateGraceMinutes: e.LateGraceMinutes, AnnualLeaveDays: e.AnnualLeaveDays},
		UsernameRule: TextRule{MinLength: 3, MaxLength: MaxUsernameLength,
			Text: "3 to 150 characters: letters, digits and @ . + - _, in one script; case does not matter."},
		PasswordRule: TextRule{MinLength: MinPasswordLength, MaxLength: MaxPasswordLength, NotUsername: true,
			Text: "At least 8 characters, and not the username."},
		LowLeaveThreshold:  p.LowLeaveThreshold,
		LatePenaltyMinutes: p.LatePenaltyMinutes,
	}
}

// CompanyService reads the company's settings.
type CompanyService interface {
	// Company returns the company's settings; any signed-in user may read them.
	Company(ctx context.Context, actor Actor) (*Company, error)
}
