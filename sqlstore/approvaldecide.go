package sqlstore

import (
	"context"
	"slices"

	"github.com/openattendance/attendance"
)

// startChain gives emp's new request r the chain of its type's policy in
// force now (frozen with it), and asks the first step's approvers: the
// contract's leave_requested to the employee's manager (admins if none),
// and to everyone else asked to decide the first step.
func (s *LeaveService) startChain(ctx context.Context, tx *Tx, emp *attendance.Employee, r *attendance.LeaveRequest) error {
	p, err := s.db.policy(ctx, tx, r.LeaveType)
	if err != nil {
		return err
	}
	days := r.Cost
	if days.IsZero() {
		days, _ = attendance.AmountFromFloat(r.Days)
	}
	st := attendance.NewApprovalState(p.ChainFor(days), r.CreatedAt)
	if err := s.db.insertChain(ctx, tx, r.ID, &st); err != nil {
		return err
	}
	r.SetChain(st, nil)
	if err := s.db.withWaits(ctx, tx, r); err != nil {
		return err
	}
	recipients, err := s.db.decidersOf(ctx, tx, emp)
	if err != nil {
		return err
	}
	cur := st.Current()
	if cur == nil {
		_, err := s.db.notify(ctx, tx, attendance.LeaveRequested(emp, r, recipients))
		return err
	}
	return s.askStep(ctx, tx, emp, r, &st, recipients)
}

// askStep notifies the people asked to decide st's current step; for the
// first step also the contract's recipients of leave_requested.
func (s *LeaveService) askStep(ctx context.Context, tx *Tx, emp *attendance.Employee, r *attendance.LeaveRequest, st *attendance.ApprovalState, also []int64) error {
	cur := st.Current()
	f, err := s.db.decisionFacts(ctx, tx, emp, st, s.db.now())
	if err != nil {
		return err
	}
	asked := attendance.StepApprovers(cur.ApprovalStep, f)
	ids := []int64{}
	for _, a := range asked {
		ids = append(ids, a.ID, a.For)
	}
	names, err := s.db.names(ctx, tx, ids)
	if err != nil {
		return err
	}
	var ns []attendance.Notification
	var rest []int64
	for _, id := range also {
		if !slices.ContainsFunc(asked, func(a attendance.StepApprover) bool { return a.ID == id }) {
			rest = append(rest, id)
		}
	}
	if len(rest) > 0 {
		ns = append(ns, attendance.LeaveRequested(emp, r, rest)...)
	}
	ns = append(ns, attendance.ApprovalNeeded(emp, r, *cur, len(st.Steps), asked, namer(names))...)
	_, err = s.db.notify(ctx, tx, ns)
	return err
}

// DecideStep decides the current step of a request (docs/approvals.md,
// "Deciding"): the request's row is locked, then the employee's (the order
// a cancellation takes them in), the steps are read again under the lock
// and the rules (ApprovalState.Decide) decide on what was read. The last
// step's approval applies the request as an approval always did: the
// balance check and the write in the same transaction.
func (s *LeaveService) DecideStep(ctx context.Context, a attendance.Actor, id int64, d attendance.StepDecision) (_ *attendance.LeaveRequest, err error) {
	defer wrap(&err, "DecideStep(actor %d, %d, %q, step %d)", a.ID, id, d.Action, d.Step)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if err := attendance.CheckDecision(d.Action, d.Comment); err != nil {
		return nil, err
	}
	var r *attendance.LeaveRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		r, err = idempotent(ctx, s.db, tx, a.ID, "leave_action", d.Idempotency, func() (*attendance.LeaveRequest, error) {
			return s.decideStep(ctx, tx, a, id, d)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, s.db.withActions(ctx, s.db.reader(), a, r)
}

// decideStep decides the current step of request id in tx (DecideStep).
func (s *LeaveService) decideStep(ctx context.Context, tx *Tx, a attendance.Actor, id int64, d attendance.StepDecision) (r *attendance.LeaveRequest, err error) {
	err = func() error {
		var err error
		if r, err = s.leave(ctx, tx, id); err != nil {
			return err
		}
		emp, err := s.db.employee(ctx, tx, r.EmployeeID, true)
		if err != nil {
			return err
		}
		st, err := s.db.approvalState(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.db.now()
		f, err := s.db.decisionFacts(ctx, tx, emp, st, now)
		if err != nil {
			return err
		}
		if ok, err := s.db.maySee(ctx, tx, a, emp, st, &f); err != nil || !ok {
			return orNotFound(err, "leave request")
		}
		_, outcome, err := st.Decide(a, d, now, f)
		if err != nil {
			return err
		}
		if err := s.db.saveSteps(ctx, tx, id, st); err != nil {
			return err
		}
		names, err := s.db.stateNames(ctx, tx, st)
		if err != nil {
			return err
		}
		switch outcome {
		case attendance.OutcomeNextStep:
			r.SetChain(*st, namer(names))
			if err := s.db.withWaits(ctx, tx, r); err != nil {
				return err
			}
			decided := st.Steps[*r.CurrentStep-2]
			ns := attendance.LeaveStepApproved(r, decided, *st.Current(), len(st.Steps), namer(names))
			if _, err := s.db.notify(ctx, tx, ns); err != nil {
				return err
			}
			return s.askStep(ctx, tx, emp, r, st, nil)
		default:
			final := st.Final()
			status := attendance.LeaveRejected
			if outcome == attendance.OutcomeApproved {
				status = attendance.LeaveApproved
			}
			r.SetChain(*st, namer(names))
			return s.finishDecision(ctx, tx, emp, r, status, final, namer(names))
		}
	}()
	return r, err
}
