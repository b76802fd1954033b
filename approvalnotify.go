package attendance

import (
	"encoding/json"
	"fmt"
)

// The notification kinds of approval chains and delegation.
const (
	// NotifyLeaveStepPending asks the approvers of a later step (the
	// second on) to decide; the first step's are asked by leave_requested,
	// as the contract has it.
	NotifyLeaveStepPending NotificationKind = "leave_step_pending"
	// NotifyLeaveStepApproved tells the employee that a step before the last
	// was approved, and what the request waits for now.
	NotifyLeaveStepApproved NotificationKind = "leave_step_approved"
	// NotifyLeaveEscalated tells the next level up, once, that a step has
	// waited more than the escalation's working days.
	NotifyLeaveEscalated NotificationKind = "leave_escalated"
	// NotifyDelegateNamed tells a delegate that an approver named them (and
	// the approver, when an admin did it for them).
	NotifyDelegateNamed NotificationKind = "delegate_named"
	// NotifyDelegateRemoved tells the same people that the delegation ended early.
	NotifyDelegateRemoved NotificationKind = "delegate_removed"
)

// Names is how the approval notifications name people: the user's full
// name by id ("" for someone unknown).
type Names func(id int64) string

// withData returns n with fields added to its data.
func withData(n Notification, fields map[string]any) Notification {
	data := map[string]any{}
	_ = json.Unmarshal(n.Data, &data)
	for k, v := range fields {
		data[k] = v
	}
	if raw, err := json.Marshal(data); err == nil {
		n.Data = raw
	}
	return n
}

// forText says on whose behalf an approver is asked: "", or " (for Ben
// Meyer, whose delegate you are)" and the like.
func forText(a StepApprover, name Names) string {
	switch a.As {
	case AsDelegate:
		return fmt.Sprintf(" (for %s, whose delegate you are)", name(a.For))
	case AsSubstitute:
		return fmt.Sprintf(" (for %s, who is away)", name(a.For))
	}
	return ""
}

// stepText writes "step 2 of 3 (HR)".
func stepText(s StepRecord, steps int) string {
	return fmt.Sprintf("step %d of %d (%s)", s.Step, steps, s.Label)
}

// ApprovalNeeded returns the notifications asking step's approvers (to, see
// StepApprovers) to decide employee e's request r, whose chain has steps
// steps. The first step's are the contract's leave_requested, one cause per
// request as before; a later step's are leave_step_pending, one cause per
// step. A delegate or substitute is told for whom they decide. Data gains
// step, steps and for_id.
func ApprovalNeeded(e *Employee, r *LeaveRequest, step StepRecord, steps int, to []StepApprover, name Names) []Notification {
	out := make([]Notification, 0, len(to))
	for _, a := range to {
		var n Notification
		if step.Step == 1 {
			n = LeaveRequested(e, r, []int64{a.ID})[0]
			n.Message += forText(a, name)
			if steps > 1 {
				n.Message += "; " + stepText(step, steps)
			}
		} else {
			n = NewNotification(NotifyLeaveStepPending, fmt.Sprintf("leave_step_pending:%d:%d", r.ID, step.Step), e.ID,
				fmt.Sprintf("%s's %s leave from %s to %s waits for your decision at %s%s", e.Name(), r.LeaveType, r.StartDate, r.EndDate,
					stepText(step, steps), forText(a, name)),
				map[string]any{"leave_request_id": r.ID, "leave_type": r.LeaveType, "start_date": r.StartDate, "end_date": r.EndDate, "days": r.Days},
				[]int64{a.ID})[0]
		}
		fields := map[string]any{"step": step.Step, "steps": steps}
		if a.For != 0 {
			fields["for_id"], fields["as"] = a.For, a.As
		}
		out = append(out, withData(n, fields))
	}
	return out
}

// ApprovalAsk is what a notification asks its recipient to decide: a step
// of a request, maybe for someone else (ApprovalNeeded's data).
type ApprovalAsk struct {
	RequestID   int64
	Step, Steps int
	ForID       int64    // 0 in the recipient's own right
	As          Capacity // approver, delegate or substitute
}

// ApprovalAsk returns what n asks its recipient to decide; false for a
// notification that asks no one to decide a step (any other kind, or the
// contract's leave_requested sent to someone who is not asked).
func (n Notification) ApprovalAsk() (ApprovalAsk, bool) {
	if n.Kind != NotifyLeaveRequested && n.Kind != NotifyLeaveStepPending {
		return ApprovalAsk{}, false
	}
	var d struct {
		RequestID int64    `json:"leave_request_id"`
		Step      int      `json:"step"`
		Steps     int      `json:"steps"`
		ForID     int64    `json:"for_id"`
		As        Capacity `json:"as"`
		Status    string   `json:"status"`
	}
	if json.Unmarshal(n.Data, &d) != nil || d.RequestID == 0 || d.Step < 1 || (d.Status != "" && d.Status != string(LeavePending)) {
		return ApprovalAsk{}, false
	}
	if d.As == "" {
		d.As = AsApprover
	}
	return ApprovalAsk{RequestID: d.RequestID, Step: d.Step, Steps: d.Steps, ForID: d.ForID, As: d.As}, true
}

// LeaveStepApproved returns the notification telling the employee that step
// (not the last) of their request r was approved, by whom, and which step
// it waits for now.
func LeaveStepApproved(r *LeaveRequest, step, next StepRecord, steps int, name Names) []Notification {
	by := DecidedByText(name(*step.DecidedBy), forName(step, name))
	return NewNotification(NotifyLeaveStepApproved, fmt.Sprintf("leave_step_approved:%d:%d", r.ID, step.Step), r.EmployeeID,
		fmt.Sprintf("%s approved %s of your %s leave from %s to %s; it now waits for %s", by, stepText(step, steps), r.LeaveType,
			r.StartDate, r.EndDate, stepText(next, steps)),
		map[string]any{"leave_request_id": r.ID, "step": step.Step, "steps": steps, "decided_by": step.DecidedBy, "decided_for": step.DecidedFor,
			"comment": step.Comment}, []int64{r.EmployeeID})
}

func forName(s StepRecord, name Names) string {
	if s.DecidedFor == nil {
		return ""
	}
	return name(*s.DecidedFor)
}

// LeaveChainDecided returns the contract's leave_decided notification for a
// request decided at step final (ApprovalState.Final), saying who decided
// and for whom: "Your annual leave from … was approved by Ana Lopez for Ben
// Meyer". Data gains step, decided_by and decided_for.
func LeaveChainDecided(r *LeaveRequest, final StepRecord, name Names) []Notification {
	n := LeaveDecided(r)[0]
	if final.DecidedBy != nil {
		n.Message += " by " + DecidedByText(name(*final.DecidedBy), forName(final, name))
	}
	return []Notification{withData(n, map[string]any{"step": final.Step, "decided_by": final.DecidedBy, "decided_for": final.DecidedFor})}
}

// LeaveEscalated returns the notifications telling recipients (see
// EscalationRecipients) that step of e's request r has waited waited
// working days: one cause per step, so it is sent once.
func LeaveEscalated(e *Employee, r *LeaveRequest, step StepRecord, steps, waited int, recipients []int64) []Notification {
	return NewNotification(NotifyLeaveEscalated, fmt.Sprintf("leave_escalated:%d:%d", r.ID, step.Step), e.ID,
		fmt.Sprintf("%s's %s leave from %s to %s has waited %s at %s; you may decide it", e.Name(), r.LeaveType, r.StartDate, r.EndDate,
			workingDaysText(waited), stepText(step, steps)),
		map[string]any{"leave_request_id": r.ID, "step": step.Step, "steps": steps, "waited_working_days": waited, "pending_since": step.PendingSince},
		recipients)
}

func workingDaysText(n int) string {
	if n == 1 {
		return "1 working day"
	}
	return fmt.Sprintf("%d working days", n)
}

// DelegateNamed returns the notifications of a new delegation d: to the
// delegate, and to the principal when someone else (an admin) made it.
func DelegateNamed(d Delegation, name Names) []Notification {
	to := []int64{d.DelegateID}
	if d.CreatedBy != d.PrincipalID {
		to = append(to, d.PrincipalID)
	}
	return NewNotification(NotifyDelegateNamed, fmt.Sprintf("delegate_named:%d", d.ID), d.PrincipalID,
		fmt.Sprintf("%s decides leave for %s from %s to %s", name(d.DelegateID), name(d.PrincipalID), d.From, d.To),
		map[string]any{"delegation_id": d.ID, "principal_id": d.PrincipalID, "delegate_id": d.DelegateID, "from": d.From, "to": d.To}, to)
}

// DelegateRemoved returns the notifications of delegation d ended by
// actorID: to the delegate, and to the principal when someone else did it.
func DelegateRemoved(d Delegation, actorID int64, name Names) []Notification {
	to := []int64{d.DelegateID}
	if actorID != d.PrincipalID {
		to = append(to, d.PrincipalID)
	}
	return NewNotification(NotifyDelegateRemoved, fmt.Sprintf("delegate_removed:%d", d.ID), d.PrincipalID,
		fmt.Sprintf("%s no longer decides leave for %s (the delegation from %s to %s was removed)", name(d.DelegateID), name(d.PrincipalID), d.From, d.To),
		map[string]any{"delegation_id": d.ID, "principal_id": d.PrincipalID, "delegate_id": d.DelegateID}, to)
}
