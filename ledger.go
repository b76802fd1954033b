package attendance

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// EntryKind says why a ledger entry changed a balance.
type EntryKind string

// The kinds of ledger entry. Which part of a balance each one counts in is
// in NewTypeBalance.
const (
	EntryGrant            EntryKind = "grant"              // the year's allowance, at once (accrual yearly_full or yearly)
	EntryAccrual          EntryKind = "accrual"            // one month's credit (accrual monthly)
	EntryGrantChange      EntryKind = "grant_change"       // the year's grant following a changed allowance
	EntryCarryOverIn      EntryKind = "carry_over_in"      // unused days of the year before, moved in
	EntryCarryOverOut     EntryKind = "carry_over_out"     // the same days, moved out of the year before
	EntryCarryOverExpired EntryKind = "carry_over_expired" // carried days not taken by the expiry date
	EntryTaken            EntryKind = "taken"              // a request approved (or made, for a type needing no approval)
	EntryReturned         EntryKind = "returned"           // an approved request cancelled
	EntryLatePenalty      EntryKind = "late_penalty"       // days lost to lateness, or given back when late minutes fall
	EntryAdjustment       EntryKind = "adjustment"         // an admin's correction, with a note
	EntryOvertime         EntryKind = "overtime"           // overtime a manager converted into time off in lieu
)

// Valid reports whether k is a known kind.
func (k EntryKind) Valid() bool {
	switch k {
	case EntryGrant, EntryAccrual, EntryGrantChange, EntryCarryOverIn, EntryCarryOverOut, EntryCarryOverExpired,
		EntryTaken, EntryReturned, EntryLatePenalty, EntryAdjustment, EntryOvertime:
		return true
	}
	return false
}

// EntryID is the id of a recorded ledger entry; 0, written as JSON null, is
// an entry the rules say is due that no job or write has recorded yet.
type EntryID int64

// MarshalJSON writes the id, or null for 0.
func (id EntryID) MarshalJSON() ([]byte, error) {
	if id == 0 {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, int64(id), 10), nil
}

// LedgerEntry is one change of an employee's balance of a leave type in a
// year. Entries are only ever added: a mistake is corrected by another entry.
type LedgerEntry struct {
	ID         EntryID   `json:"id"`
	EmployeeID int64     `json:"employee_id"`
	LeaveType  LeaveType `json:"leave_type"`
	Year       int       `json:"year"`
	Kind       EntryKind `json:"kind"`
	// Date is the date the entry counts from: a credit's, the first date of
	// the leave taken or returned, the expiry date, the late day's.
	Date   Date   `json:"date"`
	Amount Amount `json:"amount"`
	// Period names what a job's entry is for ("2026" for a grant, a
	// carry-over or an expiry, "2026-03" for a month's accrual), unique per
	// employee, type and kind; "" for the other kinds.
	Period string `json:"period"`
	// Note says why, in a sentence: an admin's words, or the rule's
	// arithmetic for an automatic entry.
	Note string `json:"note"`
	// Unrounded is a credit before its rounding to the half day.
	Unrounded      *Amount `json:"-"`
	LeaveRequestID *int64  `json:"leave_request_id"`
	// EventID is the attendance event whose lateness caused a late penalty.
	EventID *int64 `json:"attendance_event_id"`
	// JobRunID is the job run that wrote the entry.
	JobRunID *int64 `json:"job_run_id"`
	// CreatedBy is the user whose action wrote the entry; nil for a job.
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`

	// The exact amount and, in a listing, the balance after this entry:
	// filled by Explain.
	AmountExact    string  `json:"amount_exact"`
	UnroundedExact *string `json:"unrounded_exact"`
	Balance        Amount  `json:"balance"`
	BalanceExact   string  `json:"balance_exact"`
}

// Explain fills in the running balance of entries, in the order they were
// recorded (oldest first, due entries last), and the exact amounts, so that
// each line shows the balance it leaves: the first balance is the first
// amount, the last is the ledger's total.
func Explain(entries []LedgerEntry) {
	var run Amount
	for i := range entries {
		e := &entries[i]
		run = run.Add(e.Amount)
		e.AmountExact, e.Balance, e.BalanceExact = e.Amount.String(), run, run.String()
		e.UnroundedExact = nil
		if e.Unrounded != nil {
			s := e.Unrounded.String()
			e.UnroundedExact = &s
		}
	}
}

// Reservation is what a pending request holds of its balance: its cost from
// its first date.
type Reservation struct {
	LeaveRequestID int64
	Start          Date
	Cost           Amount
}

// TypeBalance is an employee's balance of one leave type in one year: the
// sum of its ledger entries minus what pending requests reserve. The first
// seven fields are the contract's Balance, the same numbers for annual leave
// as before the ledger: Allowance is every entry that is neither leave taken
// nor a late penalty, so Remaining = Allowance - Used - Pending - LatePenalty.
type TypeBalance struct {
	EmployeeID  int64   `json:"employee_id"`
	Year        int     `json:"year"`
	Allowance   Amount  `json:"allowance"`
	Used        Amount  `json:"used"`
	Pending     Amount  `json:"pending"`
	LatePenalty Amount  `json:"late_penalty"`
	Remaining   *Amount `json:"remaining"` // nil for a type that uses no allowance

	LeaveType     LeaveType `json:"leave_type"`
	UsesAllowance bool      `json:"uses_allowance"`
	// The parts of Allowance.
	Granted    Amount `json:"granted"`      // grants, monthly accruals and grant changes
	Adjusted   Amount `json:"adjusted"`     // admins' adjustments
	Earned     Amount `json:"earned"`       // overtime converted into time off in lieu
	CarriedIn  Amount `json:"carried_over"` // carried in from the year before
	CarriedOut Amount `json:"carried_out"`  // carried on into the next year (negative)
	Expired    Amount `json:"expired"`      // carried days that expired (negative)
	// CarryOverLeft is what is left of the carried days, taken first, not
	// yet expired; CarryOverExpiresOn the date it expires after (nil: never,
	// or nothing carried).
	CarryOverLeft      Amount  `json:"carry_over_left"`
	CarryOverExpiresOn *Date   `json:"carry_over_expires_on"`
	RemainingExact     *string `json:"remaining_exact"`
	// Low says that remaining annual leave is at or below the company's
	// threshold (ATTENDANCE_LOW_LEAVE_THRESHOLD), the rule of the
	// low_leave_balance notification; never for other types (MarkLow).
	Low bool `json:"low"`

	ledger        Amount // every entry
	window        bool   // carried days that will expire on windowEnd unless taken by then
	windowEnd     Date
	carried       Amount // carried in, while the window is open
	takenInWindow Amount // net approved leave dated on or before windowEnd
	pendingWindow Amount // pending requests dated on or before windowEnd
}

// MarkLow sets Low: remaining annual leave at or below threshold, as
// LowBalanceDue judges it. Other types are never low: the company's
// threshold is about annual leave.
func (b *TypeBalance) MarkLow(threshold float64) {
	b.Low = b.LeaveType == LeaveAnnual && b.Remaining != nil && b.Remaining.Float64() <= threshold
}

// NewTypeBalance sums the ledger of employeeID's balance of p in year: the
// recorded entries and the due ones (see DueCredits and the year-end rules)
// of that year, and the reservations of the year's pending requests. Entries
// of another year or type are ignored.
func NewTypeBalance(p *LeavePolicy, employeeID int64, year int, entries []LedgerEntry, pending []Reservation) TypeBalance {
	b := TypeBalance{EmployeeID: employeeID, Year: year, LeaveType: p.Code, UsesAllowance: p.UsesAllowance}
	var takenAll Amount
	expiredRecorded := false
	expires := p.ExpiryIn(year)
	for _, e := range entries {
		if e.Year != year || e.LeaveType != p.Code {
			continue
		}
		b.ledger = b.ledger.Add(e.Amount)
		switch e.Kind {
		case EntryTaken, EntryReturned:
			b.Used = b.Used.Sub(e.Amount)
			takenAll = takenAll.Sub(e.Amount)
			if expires != nil && e.Date <= *expires {
				b.takenInWindow = b.takenInWindow.Sub(e.Amount)
			}
		case EntryLatePenalty:
			b.LatePenalty = b.LatePenalty.Sub(e.Amount)
		case EntryGrant, EntryAccrual, EntryGrantChange:
			b.Granted = b.Granted.Add(e.Amount)
		case EntryAdjustment:
			b.Adjusted = b.Adjusted.Add(e.Amount)
		case EntryOvertime:
			b.Earned = b.Earned.Add(e.Amount)
		case EntryCarryOverIn:
			b.CarriedIn = b.CarriedIn.Add(e.Amount)
		case EntryCarryOverOut:
			b.CarriedOut = b.CarriedOut.Add(e.Amount)
		case EntryCarryOverExpired:
			b.Expired = b.Expired.Add(e.Amount)
			expiredRecorded = true
		}
	}
	for _, r := range pending {
		if r.Start.Year() != year {
			continue
		}
		b.Pending = b.Pending.Add(r.Cost)
		if expires != nil && r.Start <= *expires {
			b.pendingWindow = b.pendingWindow.Add(r.Cost)
		}
	}
	b.Allowance = b.ledger.Add(b.Used).Add(b.LatePenalty)
	if p.UsesAllowance {
		r := b.ledger.Sub(b.Pending)
		s := r.String()
		b.Remaining, b.RemainingExact = &r, &s
	}
	if b.CarriedIn.Sign() > 0 {
		switch {
		case expires == nil:
			// Never expires: the carried days are simply part of the balance,
			// and still taken first.
			b.CarryOverLeft = MaxAmount(Amount{}, b.CarriedIn.Sub(MaxAmount(Amount{}, takenAll)))
		case !expiredRecorded:
			b.window, b.windowEnd, b.carried = true, *expires, b.CarriedIn
			b.CarryOverLeft = b.expiring(b.takenInWindow)
			b.CarryOverExpiresOn = expires
		}
	}
	return b
}

// expiring returns the carried days that expire when takenInWindow days of
// leave lie in the window: the carried days are taken first.
func (b *TypeBalance) expiring(takenInWindow Amount) Amount {
	if !b.window {
		return Amount{}
	}
	return MaxAmount(Amount{}, b.carried.Sub(MaxAmount(Amount{}, takenInWindow)))
}

// Ledger returns the sum of the balance's entries, without the pending
// reservations.
func (b TypeBalance) Ledger() Amount { return b.ledger }

// CheckRequest decides whether a new request costing cost from date start
// fits the balance: after it, the ledger minus every pending reservation
// minus the carried days that will expire unused must not be negative. So
// pending requests together never exceed the balance, and a request after
// the carried days' expiry cannot count on them. Types without an allowance
// always fit.
func (b TypeBalance) CheckRequest(cost Amount, start Date) error {
	if !b.UsesAllowance {
		return nil
	}
	inWindow := b.window && start <= b.windowEnd
	taken := b.takenInWindow.Add(b.pendingWindow)
	if inWindow {
		taken = taken.Add(cost)
	}
	expiring := b.expiring(taken)
	left := b.ledger.Sub(b.Pending).Sub(expiring).Sub(cost)
	if left.Sign() >= 0 {
		return nil
	}
	avail := MaxAmount(Amount{}, left.Add(cost))
	msg := fmt.Sprintf("the request costs %s but only %s remain in %d", daysText(cost), daysText(avail), b.Year)
	if expiring.Sign() > 0 && !inWindow {
		msg += fmt.Sprintf(" after the carried-over days expire on %s", b.windowEnd)
	}
	return Errorf(KindInvalid, "insufficient_balance", "%s", msg)
}

// CheckApproval decides whether approving a request costing cost from date
// start keeps the balance whole: the ledger minus the cost minus the carried
// days that will expire unused must not be negative. Other pending requests
// do not count against it, as the contract says (used + days <= allowance -
// late penalty); the store runs it with the employee's row locked, so two
// approvals racing can never overdraw.
func (b TypeBalance) CheckApproval(cost Amount, start Date) error {
	if !b.UsesAllowance {
		return nil
	}
	inWindow := b.window && start <= b.windowEnd
	taken := b.takenInWindow
	if inWindow {
		taken = taken.Add(cost)
	}
	expiring := b.expiring(taken)
	left := b.ledger.Sub(expiring).Sub(cost)
	if left.Sign() >= 0 {
		return nil
	}
	msg := fmt.Sprintf("approving %s would overdraw %d: %s are used, %s lost to lateness, of %s", daysText(cost), b.Year,
		daysText(b.Used), daysText(b.LatePenalty), daysText(b.Allowance))
	if expiring.Sign() > 0 && !inWindow {
		msg += fmt.Sprintf(", and %s carried over expire on %s", daysText(expiring), b.windowEnd)
	}
	return Errorf(KindInvalid, "insufficient_balance", "%s", msg)
}

// CheckSpan refuses a request from start to end that spans the day the
// balance's carried days expire (start on or before it, end after it): the
// carried days are taken first up to that day, so the request's days on
// either side count differently. Make one request up to the expiry date and
// one after it, as for the end of a year.
func (b TypeBalance) CheckSpan(start, end Date) error {
	if b.window && start <= b.windowEnd && end > b.windowEnd {
		return InvalidField("body.end_date", "must not be after %s, when the carried-over days expire, if start_date is not (make two requests)", b.windowEnd)
	}
	return nil
}

// Legacy returns the balance as the contract's Balance, numbers rounded to
// two decimals as shown.
func (b TypeBalance) Legacy() Balance {
	out := Balance{EmployeeID: b.EmployeeID, Year: b.Year, Allowance: b.Allowance.Float64(), Used: b.Used.Float64(),
		Pending: b.Pending.Float64(), LatePenalty: b.LatePenalty.Float64()}
	if b.Remaining != nil {
		out.Remaining = b.Remaining.Float64()
	}
	return out
}

// daysText writes an amount of days for a person: "1 day", "0.22 days".
func daysText(a Amount) string {
	if a == WholeDays(1) {
		return "1 day"
	}
	return a.Decimal() + " days"
}

// LeavePreview says what a request would cost and whether it would be
// accepted, without making it, so that the page shows the server's figures
// and never computes a cost itself.
type LeavePreview struct {
	LeaveType LeaveType `json:"leave_type"`
	Unit      LeaveUnit `json:"unit"`
	Days      Amount    `json:"days"`
	DaysExact string    `json:"days_exact"`
	// For hourly leave: the minutes, the date's scheduled minutes, the
	// instants.
	Minutes       *int       `json:"minutes"`
	DayMinutes    *int       `json:"day_minutes"`
	StartAt       *time.Time `json:"start_at"`
	EndAt         *time.Time `json:"end_at"`
	NeedsApproval bool       `json:"needs_approval"`
	// Balance is the balance before the request; RemainingAfter what would
	// remain after it (nil for a type that uses no allowance).
	Balance        TypeBalance `json:"balance"`
	RemainingAfter *Amount     `json:"remaining_after"`
	// OK is true when the request would be made; otherwise Code and Detail
	// are the refusal it would get (overlap, insufficient_balance, invalid).
	OK     bool   `json:"ok"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// PreviewRequest says what a request from start to end costing charge would
// do to balance b of type p, overlap telling whether it overlaps a pending
// or approved request; the checks are those of a real request, in its order:
// the overlap, a span across the carried days' expiry, the balance.
func PreviewRequest(p *LeavePolicy, charge LeaveCharge, b TypeBalance, start, end Date, overlap bool) LeavePreview {
	pv := LeavePreview{LeaveType: p.Code, Unit: charge.Unit, Days: charge.Days, DaysExact: charge.Days.String(),
		NeedsApproval: p.NeedsApproval, Balance: b, OK: true}
	if charge.Hours != nil {
		m, dm := charge.Minutes, charge.DayMinutes
		s, e := charge.Hours.Start.UTC(), charge.Hours.End.UTC()
		pv.Minutes, pv.DayMinutes, pv.StartAt, pv.EndAt = &m, &dm, &s, &e
	}
	if b.Remaining != nil {
		after := b.Remaining.Sub(charge.Days)
		pv.RemainingAfter = &after
	}
	var err error
	switch {
	case overlap:
		err = ErrOverlap()
	default:
		if err = b.CheckSpan(start, end); err == nil {
			err = b.CheckRequest(charge.Days, start)
		}
	}
	if err != nil {
		pv.OK, pv.Code = false, ErrorCode(err)
		if e, ok := err.(*Error); ok {
			pv.Detail = e.Message
		}
	}
	return pv
}

// ErrOverlap is the refusal of a request that overlaps one of the
// employee's pending or approved requests.
func ErrOverlap() *Error {
	return Errorf(KindConflict, "overlap", "the dates overlap another pending or approved request")
}

// AdjustmentInput is an admin's adjustment of a balance.
type AdjustmentInput struct {
	EmployeeID  int64
	LeaveType   LeaveType
	Year        int
	Days        Amount
	Note        string
	Idempotency *Idempotency
}

// maxAdjustment bounds an adjustment, in days either way.
const maxAdjustment = 366

// Validate checks an adjustment: a non-zero number of days, at most 366
// either way (a decimal, or an exact fraction such as -2/9 to even out hourly
// leave; CheckPrecision has the last word); a year the service handles; a
// note of 1 to 2000 bytes saying why.
func (in AdjustmentInput) Validate() error {
	var v Validator
	v.Check(!in.Days.IsZero() && in.Days.Cmp(WholeDays(maxAdjustment)) <= 0 && in.Days.Cmp(WholeDays(-maxAdjustment)) >= 0,
		"body.days", "must be a non-zero number of days between -366 and 366")
	v.Check(in.Year >= MinDate.Year() && in.Year <= MaxDate.Year(), "body.year", "must be between 1970 and 9999")
	v.Check(in.Note != "" && len(in.Note) <= MaxReasonLength, "body.note", "is required: 1 to 2000 bytes saying why")
	v.Text("body.note", in.Note, true)
	return v.Err()
}

// CheckAdjuster applies who may adjust a balance of employeeID (in the
// actor's scope): an admin, never their own balance unless no other active
// admin is above or beside them (adminsAboveOrBeside), as for deciding leave.
func CheckAdjuster(a Actor, employeeID int64, adminsAboveOrBeside int) error {
	if err := RequireAdmin(a); err != nil {
		return err
	}
	if a.ID == employeeID && adminsAboveOrBeside > 0 {
		return Errorf(KindForbidden, "own_balance", "nobody may adjust their own leave balance; another admin does")
	}
	return nil
}

// LedgerFilter selects the ledger of one balance.
type LedgerFilter struct {
	EmployeeID *int64     // nil: the actor's own
	LeaveType  *LeaveType // nil: annual
	Year       *int       // nil: the current year
	Page
}

// LedgerService keeps the leave ledger: balances per type, the entries that
// explain them, and admins' adjustments.
type LedgerService interface {
	// TypeBalance returns a balance of the actor or, with manager access, of
	// someone in scope.
	TypeBalance(ctx context.Context, actor Actor, employeeID *int64, leaveType *LeaveType, year *int) (*TypeBalance, error)
	// ListLedger lists a balance's entries, newest first, each with the
	// balance it leaves (see Explain).
	ListLedger(ctx context.Context, actor Actor, f LedgerFilter) ([]*LedgerEntry, int, error)
	// Adjust records an admin's adjustment.
	Adjust(ctx context.Context, actor Actor, in AdjustmentInput) (*LedgerEntry, error)
}
