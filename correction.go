package attendance

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// CorrectionAction says what a correction request asks for.
type CorrectionAction string

// The correction actions.
const (
	CorrectionAdd  CorrectionAction = "add"  // record a missing entry or exit
	CorrectionVoid CorrectionAction = "void" // void one of the employee's own events
)

// Valid reports whether a is add or void.
func (a CorrectionAction) Valid() bool { return a == CorrectionAdd || a == CorrectionVoid }

// CorrectionStatus is where a correction request stands.
type CorrectionStatus string

// The correction statuses.
const (
	CorrectionPending   CorrectionStatus = "pending"
	CorrectionApproved  CorrectionStatus = "approved"
	CorrectionRejected  CorrectionStatus = "rejected"
	CorrectionCancelled CorrectionStatus = "cancelled"
)

// Valid reports whether s is a known status.
func (s CorrectionStatus) Valid() bool {
	return s == CorrectionPending || s == CorrectionApproved || s == CorrectionRejected || s == CorrectionCancelled
}

// The notification kinds of correction requests.
const (
	NotifyCorrectionRequested NotificationKind = "correction_requested" // to the employee's manager
	NotifyCorrectionDecided   NotificationKind = "correction_decided"   // to the employee
)

// CorrectionRequest is an employee's request to correct their own record: a
// missing entry or exit (Type at the local Date and Time, the instant
// Timestamp), or the void of one of their events (EventID). Their manager
// approves it, which records the correction as a manager's, or rejects it
// with a comment.
type CorrectionRequest struct {
	ID         int64            `json:"id"`
	EmployeeID int64            `json:"employee_id"`
	Action     CorrectionAction `json:"action"`
	Type       *EventType       `json:"type"`
	Date       *Date            `json:"date"`
	Time       *TimeOfDay       `json:"time"`
	// Timestamp is the instant of Date and Time in the employee's zone (add),
	// or that of the event to void.
	Timestamp *time.Time `json:"timestamp"`
	// EventID is the event to void, or the event that approving an add recorded.
	EventID         *int64           `json:"event_id"`
	Reason          string           `json:"reason"`
	Status          CorrectionStatus `json:"status"`
	DecidedBy       *int64           `json:"decided_by"`
	DecidedAt       *time.Time       `json:"decided_at"`
	DecisionComment string           `json:"decision_comment"`
	CreatedAt       time.Time        `json:"created_at"`
}

// CorrectionInput is a correction request as the employee makes it.
type CorrectionInput struct {
	Action      CorrectionAction
	Type        *EventType
	Date        *Date
	Time        *TimeOfDay
	EventID     *int64
	Reason      string
	Idempotency *Idempotency
}

// Check applies the rules that need no stored data, for an employee in zone
// loc at now, and returns the instant an add asks for: the local date and
// time (a time that a clock change skips moves forward past the gap; one
// that occurs twice is the first). An add names type, date and time and no
// event; a void names the event only; both give a reason of at most
// MaxNoteLength bytes. The instant may not be in the future, nor before 1970.
func (in CorrectionInput) Check(loc *time.Location, now time.Time) (time.Time, error) {
	var v Validator
	v.Check(in.Action.Valid(), "body.action", "must be add or void")
	v.Check(strings.TrimSpace(in.Reason) != "", "body.reason", "is required: say what happened")
	v.Check(len(in.Reason) <= MaxNoteLength, "body.reason", "must be at most 1000 bytes")
	v.Text("body.reason", in.Reason, true)
	var ts time.Time
	switch in.Action {
	case CorrectionAdd:
		v.Check(in.Type != nil && in.Type.Valid(), "body.type", "must be entry or exit")
		v.Check(in.Date != nil, "body.date", "is required")
		v.Check(in.Time != nil, "body.time", "is required")
		v.Check(in.EventID == nil, "body.event_id", "belongs to a void, not an add")
		if in.Date != nil && in.Time != nil {
			if !in.Date.Supported() {
				v.Add("body.date", "must be from %s to %s", MinDate, MaxDate)
				break
			}
			ts = wallInstant(*in.Date, *in.Time, loc)
			v.Check(!ts.After(now), "body.time", "must not be in the future")
			v.Check(DateOf(ts.UTC()).Supported(), "body.date", "must not be before %s", MinDate)
		}
	case CorrectionVoid:
		v.Check(in.EventID != nil && *in.EventID > 0, "body.event_id", "is required: the id of the event to void")
		v.Check(in.Type == nil, "body.type", "belongs to an add, not a void")
		v.Check(in.Date == nil, "body.date", "belongs to an add, not a void")
		v.Check(in.Time == nil, "body.time", "belongs to an add, not a void")
	}
	return ts, v.Err()
}

// CheckHired checks that the add's instant ts falls on or after the
// employee's hire date hiredOn in their zone loc: nobody worked for the
// company before they were hired, as for a manager's correction.
func (in CorrectionInput) CheckHired(ts time.Time, loc *time.Location, hiredOn Date) error {
	if in.Action == CorrectionAdd && DateOf(ts.In(loc)) < hiredOn {
		return InvalidField("body.date", "must be on or after your hire date, %s", hiredOn)
	}
	return nil
}

// CheckVoidTarget decides whether ev may be the event of a void request by
// employeeID: their own (another's is not found, so that ids do not leak),
// and not voided already.
func CheckVoidTarget(ev *AttendanceEvent, employeeID int64) error {
	if ev.EmployeeID != employeeID {
		return ErrNotFound("attendance event")
	}
	if ev.Voided {
		return Errorf(KindConflict, "already_voided", "the event was already voided")
	}
	return nil
}

// NewCorrectionRequest returns the pending request of employeeID made at now,
// in for checked input, at the instant ts: the add's (from Check), or the
// voided event's.
func NewCorrectionRequest(employeeID int64, in CorrectionInput, ts time.Time, now time.Time) *CorrectionRequest {
	r := &CorrectionRequest{EmployeeID: employeeID, Action: in.Action, Reason: in.Reason, Status: CorrectionPending, CreatedAt: now}
	ts = ts.UTC()
	r.Timestamp = &ts
	switch in.Action {
	case CorrectionAdd:
		r.Type, r.Date, r.Time = in.Type, in.Date, in.Time
	case CorrectionVoid:
		r.EventID = in.EventID
	}
	return r
}

// Duplicates reports whether r asks for what other, a pending request of the
// same employee, already asks for: the void of the same event, or an event of
// the same type at the same instant.
func (r *CorrectionRequest) Duplicates(other *CorrectionRequest) bool {
	if other.Status != CorrectionPending || other.EmployeeID != r.EmployeeID || other.Action != r.Action {
		return false
	}
	if r.Action == CorrectionVoid {
		return r.EventID != nil && other.EventID != nil && *r.EventID == *other.EventID
	}
	return r.Type != nil && other.Type != nil && *r.Type == *other.Type &&
		r.Timestamp != nil && other.Timestamp != nil && r.Timestamp.Equal(*other.Timestamp)
}

// ErrDuplicateCorrection is the answer to a request that a pending one already makes.
func ErrDuplicateCorrection(other *CorrectionRequest) error {
	return Errorf(KindConflict, "duplicate_request", "correction request %d already asks for this", other.ID)
}

// CheckCorrectionDecider applies the rules for who may decide a correction
// request of employeeID (whose role is employeeRole), who is in the actor's
// scope: a manager or an admin, never their own request (nobody decides their
// own, not even an admin: their own records are corrected by another), and
// an admin's request only an admin, as with recording on their behalf.
func CheckCorrectionDecider(a Actor, employeeID int64, employeeRole Role) error {
	if err := RequireManagerAccess(a); err != nil {
		return err
	}
	if a.ID == employeeID {
		return Errorf(KindForbidden, "own_request", "nobody may decide their own correction request; their manager or an admin does")
	}
	if !Editable(a, employeeID, employeeRole) {
		return ErrForbidden("only an admin may decide an admin's correction request")
	}
	return nil
}

// CheckCorrectionDecision checks an approval or rejection: the action, and the
// comment, which a rejection requires (at most MaxReasonLength bytes of text).
func CheckCorrectionDecision(action LeaveAction, comment string) error {
	if err := CheckDecision(action, comment); err != nil {
		return err
	}
	if action == Reject && strings.TrimSpace(comment) == "" {
		return InvalidField("body.comment", "is required when rejecting: say why")
	}
	return nil
}

// CheckPending decides whether the request may still be decided or cancelled.
func (r *CorrectionRequest) CheckPending() error {
	if r.Status != CorrectionPending {
		return Errorf(KindConflict, "not_pending", "correction request %d is %s, not pending", r.ID, r.Status)
	}
	return nil
}

// AuditNote is the note an approved request leaves on the event it records
// or voids: the request's id and reason, so that the audit trail names it.
func (r *CorrectionRequest) AuditNote() string {
	return fmt.Sprintf("Correction request %d: %s", r.ID, r.Reason)
}

// Correction returns the event that approving an add records: the employee's,
// at the request's instant, recorded by the decider as a manager's correction
// is, with the request in its note.
func (r *CorrectionRequest) Correction(decider Actor) AttendanceEvent {
	return AttendanceEvent{EmployeeID: r.EmployeeID, Type: *r.Type, Timestamp: *r.Timestamp, Source: SourceManager,
		RecordedBy: decider.ID, Note: r.AuditNote()}
}

// CheckFits decides whether the add still fits the employee's record when it
// is approved, prev and next being the employee's non-voided events around
// its instant and loc their zone: the sequence rule of a manager's
// correction (CheckSequence). When it does not, the approval is refused with
// the sequence's code and the conflict named; the request stays pending.
func (r *CorrectionRequest) CheckFits(prev, next *AttendanceEvent, loc *time.Location) error {
	err := CheckSequence(prev, next, *r.Type, *r.Timestamp, loc)
	if err == nil {
		return nil
	}
	e := err.(*Error)
	out := Errorf(e.Kind, e.Code, "correction request %d no longer fits the record: %s", r.ID, e.Message)
	out.Event = e.Event
	return out
}

// Decide records the decision of a pending request: approved or rejected,
// by whom, when, and with what comment.
func (r *CorrectionRequest) Decide(a Actor, action LeaveAction, comment string, now time.Time) {
	r.Status = CorrectionApproved
	if action == Reject {
		r.Status = CorrectionRejected
	}
	r.DecidedBy, r.DecidedAt, r.DecisionComment = &a.ID, &now, comment
}

// CorrectionRequested returns the notifications for a new correction request.
func CorrectionRequested(e *Employee, r *CorrectionRequest, recipients []int64) []Notification {
	what := "the void of event " + fmt.Sprint(derefID(r.EventID))
	if r.Action == CorrectionAdd {
		what = fmt.Sprintf("a missing %s on %s at %s", *r.Type, *r.Date, *r.Time)
	}
	return NewNotification(NotifyCorrectionRequested, fmt.Sprintf("correction_requested:%d", r.ID), e.ID,
		fmt.Sprintf("%s asks for a correction: %s", e.Name(), what),
		map[string]any{"correction_request_id": r.ID, "action": r.Action, "type": r.Type, "timestamp": r.Timestamp, "event_id": r.EventID}, recipients)
}

// CorrectionDecided returns the notification to the employee whose request was decided.
func CorrectionDecided(r *CorrectionRequest) []Notification {
	return NewNotification(NotifyCorrectionDecided, fmt.Sprintf("correction_decided:%d", r.ID), r.EmployeeID,
		fmt.Sprintf("Your correction request %d was %s", r.ID, r.Status),
		map[string]any{"correction_request_id": r.ID, "status": r.Status, "comment": r.DecisionComment, "event_id": r.EventID}, []int64{r.EmployeeID})
}

// CorrectionFilter selects correction requests.
type CorrectionFilter struct {
	Status     *CorrectionStatus
	EmployeeID *int64
	Department *string
	From, To   *Date // requests whose date lies in this range
	Page
}

// CorrectionRequestView is a correction request with the employee's name, as
// the overview shows it.
type CorrectionRequestView struct {
	CorrectionRequest
	EmployeeName string `json:"employee_name"`
}

// CorrectionDecision is an approval or rejection of a correction request.
type CorrectionDecision struct {
	Action      LeaveAction
	Comment     string
	Idempotency *Idempotency
}

// CorrectionService keeps the correction requests employees make of their
// own attendance record and their managers' decisions (docs/corrections.md).
type CorrectionService interface {
	// RequestCorrection files a pending request of the actor for their own record.
	RequestCorrection(ctx context.Context, actor Actor, in CorrectionInput) (*CorrectionRequest, error)
	// ListCorrections lists the actor's own requests, newest first.
	ListCorrections(ctx context.Context, actor Actor, f CorrectionFilter) ([]*CorrectionRequest, int, error)
	// CorrectionOverview lists the requests of everyone in the actor's scope
	// but the actor, newest first.
	CorrectionOverview(ctx context.Context, actor Actor, f CorrectionFilter) ([]*CorrectionRequestView, int, error)
	// Correction returns one request: the actor's own, or one in scope with
	// manager access.
	Correction(ctx context.Context, actor Actor, id int64) (*CorrectionRequestView, error)
	// DecideCorrection approves or rejects a pending request of someone in
	// scope; approving records or voids the event in the same transaction.
	DecideCorrection(ctx context.Context, actor Actor, id int64, d CorrectionDecision) (*CorrectionRequest, error)
	// CancelCorrection cancels the actor's own pending request.
	CancelCorrection(ctx context.Context, actor Actor, id int64) (*CorrectionRequest, error)
}

func derefID(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}
