package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// withActions sets on each request what the actor may do with it now
// (attendance.ActionsOn): can_cancel for their own, can_decide for a pending
// one they may see, by the checks the cancel and decide endpoints make.
func (db *DB) withActions(ctx context.Context, q queryer, a attendance.Actor, rs ...*attendance.LeaveRequest) error {
	now := db.now()
	var pending []int64
	for _, r := range rs {
		if r != nil && r.Status == attendance.LeavePending && a.HasManagerAccess() {
			pending = append(pending, r.ID)
		}
	}
	states, err := db.approvalStates(ctx, q, pending)
	if err != nil {
		return err
	}
	emps := map[int64]*attendance.Employee{}
	employee := func(id int64) (*attendance.Employee, error) {
		if e := emps[id]; e != nil {
			return e, nil
		}
		e, err := db.employee(ctx, q, id, false)
		emps[id] = e
		return e, err
	}
	for _, r := range rs {
		if r == nil {
			continue
		}
		var today attendance.Date
		if r.EmployeeID == a.ID {
			emp, err := employee(r.EmployeeID)
			if err != nil {
				return err
			}
			today = emp.Schedule().Today(now)
		}
		var st *attendance.ApprovalState
		var f *attendance.DecisionFacts
		if s := states[r.ID]; s != nil {
			emp, err := employee(r.EmployeeID)
			if err != nil {
				return err
			}
			facts, err := db.decisionFacts(ctx, q, emp, s, now)
			if err != nil {
				return err
			}
			ok, err := db.maySee(ctx, q, a, emp, s, &facts)
			if err != nil {
				return err
			}
			if ok {
				st, f = s, &facts
			}
		}
		acts := attendance.ActionsOn(r, a, today, st, f)
		r.CanCancelNow, r.CanDecideNow = &acts.CanCancel, &acts.CanDecide
	}
	return nil
}
