package attendance

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// LeaveUnit is a measure in which leave of a type may be asked for.
type LeaveUnit string

// The units: whole working days over a date range, half of one working day,
// or hours of one working day.
const (
	UnitDay     LeaveUnit = "day"
	UnitHalfDay LeaveUnit = "half_day"
	UnitHour    LeaveUnit = "hour"
)

var unitOrder = [...]LeaveUnit{UnitDay, UnitHalfDay, UnitHour}

// LeaveUnits is a set of units, written as a JSON list ["day", "half_day"].
type LeaveUnits uint8

// AllLeaveUnits allows days, half days and hours.
const AllLeaveUnits LeaveUnits = 1<<len(unitOrder) - 1

// NewLeaveUnits returns the set of the given units; unknown ones are ignored.
func NewLeaveUnits(units ...LeaveUnit) LeaveUnits {
	var s LeaveUnits
	for _, u := range units {
		for i, o := range unitOrder {
			if u == o {
				s |= 1 << i
			}
		}
	}
	return s
}

// Has reports whether u is in the set.
func (s LeaveUnits) Has(u LeaveUnit) bool { return s&NewLeaveUnits(u) != 0 }

// List returns the units in the order day, half_day, hour.
func (s LeaveUnits) List() []LeaveUnit {
	out := make([]LeaveUnit, 0, len(unitOrder))
	for i, u := range unitOrder {
		if s&(1<<i) != 0 {
			out = append(out, u)
		}
	}
	return out
}

// MarshalJSON writes the set as a list.
func (s LeaveUnits) MarshalJSON() ([]byte, error) { return json.Marshal(s.List()) }

// UnmarshalJSON reads a list of units; an unknown or repeated unit is an error.
func (s *LeaveUnits) UnmarshalJSON(b []byte) error {
	var names []LeaveUnit
	if err := json.Unmarshal(b, &names); err != nil {
		return err
	}
	var v LeaveUnits
	for _, n := range names {
		u := NewLeaveUnits(n)
		if u == 0 {
			return fmt.Errorf("%q is not a unit (use day, half_day or hour)", n)
		}
		if v&u != 0 {
			return fmt.Errorf("%q is listed twice", n)
		}
		v |= u
	}
	*s = v
	return nil
}

// Accrual says how a leave type's yearly allowance comes into the ledger.
type Accrual string

// The accrual modes. The rules of each are in DueCredits.
const (
	// AccrualNone credits nothing by itself: the balance is what admins'
	// adjustments (and carry-over) put there, e.g. time off in lieu.
	AccrualNone Accrual = "none"
	// AccrualYearlyFull grants the whole allowance for every year, the hire
	// year too, never pro-rated: the contract's original rule for annual
	// leave, which the built-in annual type keeps.
	AccrualYearlyFull Accrual = "yearly_full"
	// AccrualYearly grants the allowance on 1 January, pro-rated in the hire
	// year by the months that accrue.
	AccrualYearly Accrual = "yearly"
	// AccrualMonthly credits a twelfth of the allowance on the 1st of each
	// month that accrues, each credit rounded to the half day.
	AccrualMonthly Accrual = "monthly"
)

// Valid reports whether a is a known accrual mode.
func (a Accrual) Valid() bool {
	return a == AccrualNone || a == AccrualYearlyFull || a == AccrualYearly || a == AccrualMonthly
}

// AccrualPeriod is the accrual mode of a leave type from a year on (until
// the next period's year).
type AccrualPeriod struct {
	FromYear int     `json:"from_year"`
	Accrual  Accrual `json:"accrual"`
}

// MonthDay is a day of the year without a year, written MM-DD ("03-31"):
// the date on which carried-over days expire, each year. The zero value
// means none.
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseMonthDay parses MM-DD. 02-29 is refused: an expiry must exist every year.
func ParseMonthDay(s string) (MonthDay, error) {
	bad := fmt.Errorf("%q is not a day of the year in the form MM-DD (01-01 to 12-31, never 02-29)", s)
	if len(s) != 5 || s[2] != '-' {
		return MonthDay{}, bad
	}
	m, okM := decimal(s[:2])
	d, okD := decimal(s[3:])
	if !okM || !okD || m < 1 || m > 12 || d < 1 || d > daysInMonth(2001, time.Month(m)) {
		return MonthDay{}, bad
	}
	return MonthDay{time.Month(m), d}, nil
}

// IsZero reports whether no day is set.
func (md MonthDay) IsZero() bool { return md.Month == 0 }

// In returns the date of md in year.
func (md MonthDay) In(year int) Date { return NewDate(year, md.Month, md.Day) }

// String returns MM-DD, or "" for the zero value.
func (md MonthDay) String() string {
	if md.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day)
}

// MarshalJSON writes "MM-DD", or null for none.
func (md MonthDay) MarshalJSON() ([]byte, error) {
	if md.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(md.String())), nil
}

// UnmarshalJSON reads "MM-DD", or "" for none; null leaves it as it was.
func (md *MonthDay) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*md = MonthDay{}
		return nil
	}
	v, err := ParseMonthDay(s)
	if err != nil {
		return err
	}
	*md = v
	return nil
}

// LeavePolicy is a leave type as an admin defines it: what a request of it
// costs, whether it draws on a balance and how that balance is filled.
// Requests and ledger entries name it by Code, the LeaveType of the wire
// (leave_type "annual"). Today's annual, sick and unpaid are the built-in
// types (BuiltinLeavePolicies).
type LeavePolicy struct {
	ID   int64     `json:"id"`
	Code LeaveType `json:"code"`
	Name string    `json:"name"`
	Paid bool      `json:"paid"`
	// UsesAllowance says that requests draw on a yearly balance, checked
	// when requested and approved. Types without one still record what is
	// taken in the ledger, for the record, and are never refused for it.
	UsesAllowance bool       `json:"uses_allowance"`
	NeedsApproval bool       `json:"needs_approval"`
	Units         LeaveUnits `json:"units"`
	// Allowance is the yearly allowance of employees without one of their
	// own. For the built-in annual type every employee has their own: their
	// annual_leave_days.
	Allowance Amount `json:"allowance"`
	// Accrual is the mode of the newest period of Accruals: the one in force
	// from AccrualFromYear on.
	Accrual         Accrual         `json:"accrual"`
	AccrualFromYear int             `json:"accrual_from_year"`
	Accruals        []AccrualPeriod `json:"accrual_history"`
	// CarryOverMax is the most of a year's unused balance that moves into
	// the next year (0: none); CarryOverExpires the day of that next year on
	// which what is left of it expires (zero: never).
	CarryOverMax     Amount   `json:"carry_over_max"`
	CarryOverExpires MonthDay `json:"carry_over_expires"`
	// FirstYear is the first year for which the jobs write credits and
	// carry-over; the years before it keep what they had.
	FirstYear int       `json:"first_year"`
	BuiltIn   bool      `json:"built_in"`
	Retired   bool      `json:"retired"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AccrualIn returns the accrual mode of year: that of the newest period
// starting in or before it, AccrualNone before the first.
func (p *LeavePolicy) AccrualIn(year int) Accrual {
	mode := AccrualNone
	for _, a := range p.Accruals {
		if a.FromYear <= year {
			mode = a.Accrual
		}
	}
	return mode
}

// ExpiryIn returns the date on which days carried into year expire, nil
// when carried days never expire.
func (p *LeavePolicy) ExpiryIn(year int) *Date {
	if p.CarryOverExpires.IsZero() {
		return nil
	}
	d := p.CarryOverExpires.In(year)
	return &d
}

// AllowanceFor returns an employee's yearly allowance of this type: their
// own (own, nil when they have none) or the type's.
func (p *LeavePolicy) AllowanceFor(own *Amount) Amount {
	if own != nil {
		return *own
	}
	return p.Allowance
}

// CheckRequestable refuses a new request of a retired type. Pending requests
// of a type retired since may still be decided.
func (p *LeavePolicy) CheckRequestable() error {
	if p.Retired {
		return &Error{Kind: KindInvalid, Code: "leave_type_retired", Message: fmt.Sprintf("%s is retired: no new requests", p.Name),
			Fields: []FieldError{{Location: "body.leave_type", Message: "is retired"}}}
	}
	return nil
}

// Limits of leave types.
const (
	maxLeaveCodeLength = 32
	maxLeaveTypeName   = 100
	maxAllowanceDays   = 366
)

// firstBuiltinYear is where the built-in annual type's yearly_full period
// starts: it covers every year a date of the service can fall in.
const firstBuiltinYear = 1970

// BuiltinLeavePolicies returns today's three leave types as data, the ledger
// starting in firstYear (the year of the migration): annual leave draws on
// each employee's annual_leave_days, the whole of it every year
// (yearly_full), nothing carried over; sick and unpaid leave use no
// allowance. Every type allows days, half days and hours, and needs approval.
func BuiltinLeavePolicies(firstYear int) []LeavePolicy {
	base := func(code LeaveType, name string, paid bool) LeavePolicy {
		return LeavePolicy{Code: code, Name: name, Paid: paid, NeedsApproval: true, Units: AllLeaveUnits,
			Accrual: AccrualNone, AccrualFromYear: firstBuiltinYear, Accruals: []AccrualPeriod{{firstBuiltinYear, AccrualNone}},
			FirstYear: firstYear, BuiltIn: true}
	}
	annual := base(LeaveAnnual, "Annual leave", true)
	annual.UsesAllowance, annual.Allowance = true, WholeDays(15)
	annual.Accrual, annual.Accruals = AccrualYearlyFull, []AccrualPeriod{{firstBuiltinYear, AccrualYearlyFull}}
	return []LeavePolicy{annual, base(LeaveSick, "Sick leave", true), base(LeaveUnpaid, "Unpaid leave", false)}
}

// LeavePolicyFields are the fields of a leave type an admin sets: all of
// them to create one (Code and Name required), any of them to change one. A
// nil field is left as it is (or at its default).
type LeavePolicyFields struct {
	Code             *LeaveType
	Name             *string
	Paid             *bool
	UsesAllowance    *bool
	NeedsApproval    *bool
	Units            *LeaveUnits
	Allowance        *Amount
	Accrual          *Accrual
	CarryOverMax     *Amount
	CarryOverExpires *MonthDay // the zero MonthDay: carried days never expire
	FirstYear        *int      // on creation only
	Retired          *bool
}

// validLeaveCode reports whether c is 1 to 32 of a-z, 0-9 and _, starting
// with a letter: it is written in URLs and CSV headers.
func validLeaveCode(c LeaveType) bool {
	if len(c) == 0 || len(c) > maxLeaveCodeLength || c[0] < 'a' || c[0] > 'z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if ch := c[i]; !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// allowanceDays reports whether a is a number of days an allowance may
// hold: 0 to 366 in steps of half a day, as annual_leave_days.
func allowanceDays(a Amount) bool {
	return a.Sign() >= 0 && a.Cmp(WholeDays(maxAllowanceDays)) <= 0 && HalfDays(1).Den()%a.Den() == 0
}

// NewLeavePolicy builds a new leave type from f on date today (the company's):
// f must name Code and Name. Defaults: paid, uses an allowance, needs
// approval, every unit, an allowance of 0 accruing yearly, no carry-over,
// the ledger starting this year.
func NewLeavePolicy(f LeavePolicyFields, today Date) (*LeavePolicy, error) {
	var v Validator
	v.Check(f.Code != nil, "body.code", "is required")
	v.Check(f.Name != nil, "body.name", "is required")
	if f.FirstYear != nil {
		v.Check(*f.FirstYear >= MinDate.Year() && *f.FirstYear <= MaxDate.Year(), "body.first_year", "must be between 1970 and 9999")
	}
	if f.Retired != nil && *f.Retired {
		v.Add("body.retired", "a new leave type cannot be retired")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	year := today.Year()
	if f.FirstYear != nil {
		year = *f.FirstYear
	}
	p := &LeavePolicy{Paid: true, UsesAllowance: true, NeedsApproval: true, Units: AllLeaveUnits,
		Accrual: AccrualYearly, AccrualFromYear: year, FirstYear: year}
	if f.UsesAllowance != nil && !*f.UsesAllowance {
		p.Accrual = AccrualNone
	}
	if err := p.apply(f, true); err != nil {
		return nil, err
	}
	p.Accruals = []AccrualPeriod{{p.AccrualFromYear, p.Accrual}}
	return p, nil
}

// Update applies an admin's change to the type on date today (the
// company's). A change of accrual takes effect on 1 January of the next year
// (or in FirstYear, when that is later): the current year's credits stand as
// the old mode made them. The code and the first year never change; a
// built-in type is never retired, and annual leave always uses an allowance.
// Turning uses_allowance off keeps the allowance, accrual and carry-over
// settings, unused, for when it is turned on again.
func (p *LeavePolicy) Update(f LeavePolicyFields, today Date) error {
	var v Validator
	if f.Code != nil && *f.Code != p.Code {
		v.Add("body.code", "cannot be changed")
	}
	if f.FirstYear != nil && *f.FirstYear != p.FirstYear {
		v.Add("body.first_year", "cannot be changed")
	}
	if p.BuiltIn && f.Retired != nil && *f.Retired {
		v.Add("body.retired", "a built-in leave type cannot be retired")
	}
	if p.Code == LeaveAnnual && f.UsesAllowance != nil && !*f.UsesAllowance {
		v.Add("body.uses_allowance", "annual leave always uses an allowance")
	}
	if err := v.Err(); err != nil {
		return err
	}
	q := *p
	g := f
	g.Accrual = nil // applied below, by period
	if err := q.apply(g, false); err != nil {
		return err
	}
	if f.Accrual != nil {
		if !f.Accrual.Valid() {
			return InvalidField("body.accrual", "must be none, yearly_full, yearly or monthly")
		}
		from := max(today.Year()+1, p.FirstYear)
		if *f.Accrual != q.AccrualIn(from) {
			var kept []AccrualPeriod
			for _, a := range p.Accruals {
				if a.FromYear < from {
					kept = append(kept, a)
				}
			}
			if n := len(kept); n == 0 || kept[n-1].Accrual != *f.Accrual {
				kept = append(kept, AccrualPeriod{from, *f.Accrual})
			}
			q.Accruals = kept
			last := kept[len(kept)-1]
			q.Accrual, q.AccrualFromYear = last.Accrual, last.FromYear
		}
	}
	if err := q.checkAllowanceFields(f); err != nil {
		return err
	}
	*p = q
	return nil
}

// apply copies and validates the fields of f.
func (p *LeavePolicy) apply(f LeavePolicyFields, creating bool) error {
	var v Validator
	if f.Code != nil && creating {
		v.Check(validLeaveCode(*f.Code), "body.code", "must be 1 to 32 lower-case letters, digits and _, starting with a letter")
		p.Code = *f.Code
	}
	if f.Name != nil {
		v.Check(*f.Name != "" && len(*f.Name) <= maxLeaveTypeName, "body.name", "must be 1 to 100 bytes")
		v.Text("body.name", *f.Name, false)
		p.Name = *f.Name
	}
	set := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&p.Paid, f.Paid)
	set(&p.UsesAllowance, f.UsesAllowance)
	set(&p.NeedsApproval, f.NeedsApproval)
	set(&p.Retired, f.Retired)
	if f.Units != nil {
		v.Check(*f.Units != 0 && *f.Units&^AllLeaveUnits == 0, "body.units", "must list at least one of day, half_day and hour")
		p.Units = *f.Units
	}
	if f.Allowance != nil {
		v.Check(allowanceDays(*f.Allowance), "body.allowance", "must be between 0 and 366, in steps of 0.5")
		p.Allowance = *f.Allowance
	}
	if f.Accrual != nil {
		v.Check(f.Accrual.Valid(), "body.accrual", "must be none, yearly_full, yearly or monthly")
		p.Accrual = *f.Accrual
	}
	if f.CarryOverMax != nil {
		v.Check(allowanceDays(*f.CarryOverMax), "body.carry_over_max", "must be between 0 and 366, in steps of 0.5")
		p.CarryOverMax = *f.CarryOverMax
	}
	if f.CarryOverExpires != nil {
		p.CarryOverExpires = *f.CarryOverExpires
	}
	if err := v.Err(); err != nil {
		return err
	}
	if creating {
		return p.checkAllowanceFields(f)
	}
	return nil
}

// checkAllowanceFields refuses, on a type that uses no allowance, the
// settings of a balance that f sets: an allowance, an accrual or a carry-over
// that would silently do nothing.
func (p *LeavePolicy) checkAllowanceFields(f LeavePolicyFields) error {
	if p.UsesAllowance {
		return nil
	}
	var v Validator
	const msg = "must not be set on a leave type that uses no allowance"
	v.Check(f.Allowance == nil || f.Allowance.IsZero(), "body.allowance", msg)
	v.Check(f.Accrual == nil || *f.Accrual == AccrualNone, "body.accrual", msg)
	v.Check(f.CarryOverMax == nil || f.CarryOverMax.IsZero(), "body.carry_over_max", msg)
	v.Check(f.CarryOverExpires == nil || f.CarryOverExpires.IsZero(), "body.carry_over_expires", msg)
	return v.Err()
}

// CheckDeleteLeaveType decides whether a leave type may be deleted: only a
// type that nothing refers to (no request, ledger entry or allowance of an
// employee) and that is not built in. Types in use are retired instead.
func CheckDeleteLeaveType(p *LeavePolicy, inUse bool) error {
	switch {
	case p.BuiltIn:
		return Errorf(KindConflict, "built_in", "%s is built in and cannot be deleted", p.Name)
	case inUse:
		return Errorf(KindConflict, "leave_type_in_use", "%s is in use: retire it instead (PATCH retired true)", p.Name)
	}
	return nil
}

// LeaveTypeFilter selects leave types: by default those not retired.
type LeaveTypeFilter struct {
	Retired *bool // nil: both
	Page
}

// LeaveTypeService keeps the leave types. Everyone signed in reads them;
// admins change them.
type LeaveTypeService interface {
	ListLeaveTypes(ctx context.Context, actor Actor, f LeaveTypeFilter) ([]*LeavePolicy, int, error)
	FindLeaveType(ctx context.Context, actor Actor, code LeaveType) (*LeavePolicy, error)
	CreateLeaveType(ctx context.Context, actor Actor, f LeavePolicyFields) (*LeavePolicy, error)
	UpdateLeaveType(ctx context.Context, actor Actor, code LeaveType, f LeavePolicyFields) (*LeavePolicy, error)
	DeleteLeaveType(ctx context.Context, actor Actor, code LeaveType) error
}
