package attendance

import (
	"fmt"
	"time"
)

// Delegation lets a delegate decide the steps of an approver (the
// principal) from From to To, both inclusive, the principal's local dates.
// A principal has at most one delegation on any date, so that "approved by
// Ana for Ben" names one delegate. Delegations do not chain: a delegate
// decides for those who named them, not for whoever named the principal.
type Delegation struct {
	ID          int64     `json:"id"`
	PrincipalID int64     `json:"principal_id"`
	DelegateID  int64     `json:"delegate_id"`
	From        Date      `json:"from"`
	To          Date      `json:"to"`
	Note        string    `json:"note"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Covers reports whether the delegation runs on date d.
func (d Delegation) Covers(day Date) bool { return d.From <= day && day <= d.To }

// DelegationOn returns principal's delegation that runs on day, if any.
func DelegationOn(ds []Delegation, principal int64, day Date) (Delegation, bool) {
	for _, d := range ds {
		if d.PrincipalID == principal && d.Covers(day) {
			return d, true
		}
	}
	return Delegation{}, false
}

// MaxDelegationDays bounds a delegation's length: a year, leap day included.
const MaxDelegationDays = 366

// DelegationInput is a new delegation as a client asks for it.
type DelegationInput struct {
	// PrincipalID is whose steps are delegated; nil for the caller's own.
	// Only an admin names someone else (an approver fallen ill).
	PrincipalID *int64
	DelegateID  int64
	From, To    Date
	Note        string
}

// CheckDelegation decides whether actor may make delegation in for
// principal (whose local date is today), to delegate, principal's other
// delegations being existing: the principal themselves with manager access,
// or an admin for anyone with manager access (403 otherwise); the delegate
// an active manager or admin other than the principal; from not before
// today, to not before from, at most MaxDelegationDays; a note of at most
// 2000 bytes (422 at the field); no overlap with another delegation of the
// principal (409 overlap).
func CheckDelegation(actor Actor, in DelegationInput, principal, delegate Person, today Date, existing []Delegation) error {
	switch {
	case principal.ID != actor.ID && !actor.IsAdmin():
		return ErrForbidden("only an admin names a delegate for someone else")
	case !actor.HasManagerAccess():
		return ErrForbidden("only approvers (managers and admins) name delegates")
	case !principal.Role.HasManagerAccess() || !principal.Active:
		return InvalidField("body.principal_id", "must be an active manager or admin: only approvers delegate")
	}
	var v Validator
	v.Check(delegate.Active && delegate.Role.HasManagerAccess(), "body.delegate_id", "must be an active manager or admin: deciding leave needs manager access")
	v.Check(delegate.ID != principal.ID, "body.delegate_id", "must be someone other than the approver")
	switch {
	case in.From < today:
		v.Add("body.from", "must not be in the past (today is %s)", today)
	case in.To < in.From:
		v.Add("body.to", "must not be before from")
	case int(in.To-in.From)+1 > MaxDelegationDays:
		v.Add("body.to", "must be at most %d days after from, both included", MaxDelegationDays)
	}
	v.Check(len(in.Note) <= MaxReasonLength, "body.note", "must be at most 2000 bytes")
	v.Text("body.note", in.Note, true)
	if err := v.Err(); err != nil {
		return err
	}
	for _, d := range existing {
		if d.PrincipalID == principal.ID && d.From <= in.To && in.From <= d.To {
			return Errorf(KindConflict, "overlap", "the dates overlap delegation %d (%s to %s): one delegate at a time", d.ID, d.From, d.To)
		}
	}
	return nil
}

// CheckRemoveDelegation decides whether actor may remove delegation d: its
// principal, or an admin. Others who can see it (the delegate) get 403;
// the caller shows everyone else 404.
func CheckRemoveDelegation(actor Actor, d Delegation) error {
	if actor.ID == d.PrincipalID || actor.IsAdmin() {
		return nil
	}
	return ErrForbidden("only the approver who named the delegate, or an admin, removes a delegation")
}

// DecidedByText writes who decided for a person: "Ana Lopez", or "Ana
// Lopez for Ben Meyer" when Ana decided as Ben's delegate or substitute.
func DecidedByText(by, forName string) string {
	if forName == "" {
		return by
	}
	return fmt.Sprintf("%s for %s", by, forName)
}
