package attendance

import (
	"fmt"
	"time"
)

// StepStatus is where one step of a request's chain stands.
type StepStatus string

// The step statuses.
const (
	StepWaiting  StepStatus = "waiting"  // an earlier step is not decided yet
	StepPending  StepStatus = "pending"  // the step being decided now
	StepApproved StepStatus = "approved" // approved, by its decider or by an earlier step's (decide_once)
	StepRejected StepStatus = "rejected" // rejected: the request is rejected
	StepSkipped  StepStatus = "skipped"  // never decided: the request was rejected or cancelled first
)

// StepRecord is one step of a request's chain: the step as frozen with the
// request, and where it stands.
type StepRecord struct {
	Step int `json:"step"` // 1-based
	ApprovalStep
	Status StepStatus `json:"status"`
	// PendingSince is when the step became the one to decide.
	PendingSince *time.Time `json:"pending_since"`
	DecidedBy    *int64     `json:"decided_by"`
	// DecidedFor is the approver a delegate or substitute decided for.
	DecidedFor  *int64     `json:"decided_for"`
	DecidedAs   Capacity   `json:"decided_as,omitempty"`
	DecidedAt   *time.Time `json:"decided_at"`
	Comment     string     `json:"comment"`
	EscalatedAt *time.Time `json:"escalated_at"`
}

// ApprovalState is a request's chain and its steps.
type ApprovalState struct {
	Chain ApprovalChain `json:"chain"`
	Steps []StepRecord  `json:"steps"`
}

// NewApprovalState starts chain c for a request made at now: the first step
// pending, the others waiting. A chain without steps needs no approval.
func NewApprovalState(c ApprovalChain, now time.Time) ApprovalState {
	st := ApprovalState{Chain: c, Steps: make([]StepRecord, len(c.Steps))}
	for i, s := range c.Steps {
		st.Steps[i] = StepRecord{Step: i + 1, ApprovalStep: s, Status: StepWaiting}
	}
	if len(st.Steps) > 0 {
		st.Steps[0].Status, st.Steps[0].PendingSince = StepPending, &now
	}
	return st
}

// Current returns the pending step, nil when none is (decided, cancelled,
// or no approval needed).
func (st *ApprovalState) Current() *StepRecord {
	for i := range st.Steps {
		if st.Steps[i].Status == StepPending {
			return &st.Steps[i]
		}
	}
	return nil
}

// DecisionOutcome is what a decision did to the request.
type DecisionOutcome string

// The outcomes of a decision.
const (
	OutcomeNextStep DecisionOutcome = "next_step" // the request waits for a later step
	OutcomeApproved DecisionOutcome = "approved"  // the last step was approved: apply the request
	OutcomeRejected DecisionOutcome = "rejected"  // a step was rejected: the request is rejected
)

// StepDecision is a decision on a request, as its decider makes it.
type StepDecision struct {
	// Step is the step the decider means (1-based). 0 means the current
	// one, and is allowed only for a chain of one step (a client of the
	// contract, which knows nothing of steps).
	Step    int
	Action  LeaveAction
	Comment string
	// Idempotency repeats a decision safely (the contract's Idempotency-Key).
	Idempotency *Idempotency
}

// Decide applies actor's decision d at now to the request's chain, the facts
// telling who may decide (MayDecide). In order: deciding needs manager
// access (403); the requester never decides (403 own_request, but for a
// lone admin); a chain of several steps needs d.Step (422 at body.step), so
// that neither a retry nor a race ever decides a step its decider did not
// see; the request must be pending (409 not_pending); d.Step, when given,
// must be the current step (409 step_moved); the actor must be allowed to
// decide the step (403 not_approver).
//
// A rejection rejects the request and skips the later steps. An approval
// makes the next step pending, or, after the last step, approves the
// request (the caller then applies it: the balance check, the ledger). With
// DecideOnce, a step that becomes pending is approved at once when someone
// who approved an earlier step is among its approvers in their own right
// (Named), and so on down the chain.
//
// The state is changed only when the error is nil.
func (st *ApprovalState) Decide(actor Actor, d StepDecision, now time.Time, f DecisionFacts) (StepApprover, DecisionOutcome, error) {
	if err := CheckDecision(d.Action, d.Comment); err != nil {
		return StepApprover{}, "", err
	}
	if !actor.HasManagerAccess() {
		return StepApprover{}, "", ErrForbidden("deciding leave needs manager access")
	}
	lone := actor.IsAdmin() && f.Requester.Role == RoleAdmin && f.AdminsAboveOrBeside == 0
	if actor.ID == f.Requester.ID && !lone {
		return StepApprover{}, "", Errorf(KindForbidden, "own_request", "nobody may decide their own leave request; their manager or an admin does")
	}
	if d.Step == 0 && len(st.Steps) > 1 {
		return StepApprover{}, "", InvalidField("body.step", "is required: this request has %d approval steps; name the one you decide", len(st.Steps))
	}
	cur := st.Current()
	if cur == nil {
		return StepApprover{}, "", Errorf(KindConflict, "not_pending", "the request is not waiting for a decision")
	}
	if d.Step != 0 && d.Step != cur.Step {
		return StepApprover{}, "", Errorf(KindConflict, "step_moved", "step %d is no longer the one to decide: the request is at step %d of %d", d.Step, cur.Step, len(st.Steps))
	}
	by, err := MayDecide(cur.ApprovalStep, actor, f)
	if err != nil {
		return StepApprover{}, "", err
	}
	cur.decide(by, d.Action, d.Comment, now)
	if d.Action == Reject {
		for i := cur.Step; i < len(st.Steps); i++ {
			st.Steps[i].Status = StepSkipped
		}
		return by, OutcomeRejected, nil
	}
	for i := cur.Step; i < len(st.Steps); i++ {
		next := &st.Steps[i]
		next.Status, next.PendingSince = StepPending, &now
		if !st.Chain.DecideOnce {
			return by, OutcomeNextStep, nil
		}
		earlier := st.approvedEarlierBy(f.Named(next.ApprovalStep), next.Step)
		if earlier == nil {
			return by, OutcomeNextStep, nil
		}
		next.decide(StepApprover{ID: *earlier.DecidedBy, As: AsEarlierStep}, Approve,
			fmt.Sprintf("Counted from step %d (the chain lets an approver decide once for all their steps).", earlier.Step), now)
	}
	return by, OutcomeApproved, nil
}

// decide records a decision on the step.
func (r *StepRecord) decide(by StepApprover, action LeaveAction, comment string, now time.Time) {
	r.Status = StepApproved
	if action == Reject {
		r.Status = StepRejected
	}
	id := by.ID
	r.DecidedBy, r.DecidedAs, r.DecidedAt, r.Comment = &id, by.As, &now, comment
	r.DecidedFor = nil
	if by.For != 0 {
		f := by.For
		r.DecidedFor = &f
	}
}

// approvedEarlierBy returns the earliest step before step whose approver
// (who made the decision themselves) is one of ids.
func (st *ApprovalState) approvedEarlierBy(ids []int64, step int) *StepRecord {
	for i := 0; i < step-1 && i < len(st.Steps); i++ {
		s := &st.Steps[i]
		if s.Status != StepApproved || s.DecidedBy == nil || s.DecidedAs == AsEarlierStep {
			continue
		}
		for _, id := range ids {
			if id == *s.DecidedBy {
				return s
			}
		}
	}
	return nil
}

// Cancel records that the requester cancelled the request: the pending
// step and those after it are skipped. Decided steps stay as they were.
func (st *ApprovalState) Cancel() {
	for i := range st.Steps {
		if s := &st.Steps[i]; s.Status == StepPending || s.Status == StepWaiting {
			s.Status = StepSkipped
		}
	}
}

// Final returns the step whose decision decided the request: the rejected
// step, or the last step once approved; nil while undecided. Its decider,
// time and comment are the request's decided_by, decided_at and
// decision_comment, and its DecidedFor the request's decided_for.
func (st *ApprovalState) Final() *StepRecord {
	for i := range st.Steps {
		if st.Steps[i].Status == StepRejected {
			return &st.Steps[i]
		}
	}
	if n := len(st.Steps); n > 0 && st.Steps[n-1].Status == StepApproved {
		// The step decided last in time: with decide_once the last step may
		// have been approved by an earlier step's decision.
		last := &st.Steps[n-1]
		if last.DecidedAs == AsEarlierStep {
			for i := n - 1; i >= 0; i-- {
				if st.Steps[i].DecidedAs != AsEarlierStep {
					return &st.Steps[i]
				}
			}
		}
		return last
	}
	return nil
}

// MigratedApprovalState returns the chain that a request made before
// chains existed gets, so that nothing changes meaning: the default chain
// (the employee's manager, with the contract's fallbacks), its one step as
// the request stands. Pending: the step pending since the request was made.
// Approved or rejected by someone: the step decided by them, then, with the
// request's comment (capacity "recorded"). Approved by nobody (a type that
// needs no approval): no steps. Cancelled: the step approved if someone had
// approved it, else skipped.
func MigratedApprovalState(r *LeaveRequest) ApprovalState {
	if r.DecidedBy == nil && r.Status == LeaveApproved {
		return ApprovalState{Chain: ApprovalChain{}, Steps: []StepRecord{}}
	}
	st := NewApprovalState(ApprovalChain{Steps: DefaultApprovalChain()}, r.CreatedAt)
	s := &st.Steps[0]
	decided := func(status StepStatus) {
		s.Status, s.DecidedBy, s.DecidedAt, s.Comment, s.DecidedAs = status, r.DecidedBy, r.DecidedAt, r.DecisionComment, AsRecorded
	}
	switch {
	case r.Status == LeavePending:
	case r.Status == LeaveApproved, r.Status == LeaveCancelled && r.DecidedBy != nil:
		decided(StepApproved)
	case r.Status == LeaveRejected:
		decided(StepRejected)
	default:
		s.Status = StepSkipped
	}
	return st
}
