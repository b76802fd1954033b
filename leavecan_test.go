package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestActionsOn: the buttons the page may show are exactly what the cancel
// and decide endpoints would accept.
func TestActionsOn(t *testing.T) {
	today := date("2026-06-15")
	pending := func(step attendance.ApprovalStep) *attendance.ApprovalState {
		return &attendance.ApprovalState{Steps: []attendance.StepRecord{{Step: 1, ApprovalStep: step, Status: attendance.StepPending}}}
	}
	decided := &attendance.ApprovalState{Steps: []attendance.StepRecord{{Step: 1, ApprovalStep: managerStep(1), Status: attendance.StepApproved}}}
	req := func(owner attendance.Person, status attendance.LeaveStatus, start string) *attendance.LeaveRequest {
		return &attendance.LeaveRequest{EmployeeID: owner.ID, Status: status, StartDate: date(start), EndDate: date(start)}
	}
	lone := func(f *attendance.DecisionFacts) { f.Admins, f.AdminsAboveOrBeside = []int64{1}, 0 }
	tests := []struct {
		name       string
		r          *attendance.LeaveRequest
		actor      attendance.Actor
		st         *attendance.ApprovalState
		f          attendance.DecisionFacts
		wantCancel bool
		wantDecide bool
	}{
		{"the requester, pending", req(dan, attendance.LeavePending, "2026-06-20"), actor(dan), pending(managerStep(1)), facts(dan), true, false},
		{"the requester, approved, not started", req(dan, attendance.LeaveApproved, "2026-06-16"), actor(dan), decided, facts(dan), true, false},
		{"the requester, approved, starts today", req(dan, attendance.LeaveApproved, "2026-06-15"), actor(dan), decided, facts(dan), false, false},
		{"the requester, rejected", req(dan, attendance.LeaveRejected, "2026-06-20"), actor(dan), decided, facts(dan), false, false},
		{"the step's approver", req(dan, attendance.LeavePending, "2026-06-20"), actor(cleo), pending(managerStep(1)), facts(dan), false, true},
		{"a manager above the step", req(dan, attendance.LeavePending, "2026-06-20"), actor(ben), pending(managerStep(1)), facts(dan), false, true},
		{"a manager below the step", req(dan, attendance.LeavePending, "2026-06-20"), actor(cleo), pending(managerStep(2)), facts(dan), false, false},
		{"a manager outside the line", req(dan, attendance.LeavePending, "2026-06-20"), actor(gus), pending(managerStep(1)), facts(dan), false, false},
		{"an employee", req(dan, attendance.LeavePending, "2026-06-20"), actor(eve), pending(managerStep(1)), facts(dan), false, false},
		{"an admin", req(dan, attendance.LeavePending, "2026-06-20"), actor(fay), pending(managerStep(1)), facts(dan), false, true},
		{"an admin, not pending", req(dan, attendance.LeaveApproved, "2026-06-20"), actor(fay), decided, facts(dan), false, false},
		{"a manager on their own request", req(cleo, attendance.LeavePending, "2026-06-20"), actor(cleo), pending(managerStep(1)), facts(cleo), true, false},
		{"an admin with another admin beside them, their own", req(ada, attendance.LeavePending, "2026-06-20"), actor(ada), pending(managerStep(1)), facts(ada), true, false},
		{"a lone admin, their own", req(ada, attendance.LeavePending, "2026-06-20"), actor(ada), pending(managerStep(1)), facts(ada, lone), true, true},
		{"a manager of an admin", req(hal, attendance.LeavePending, "2026-06-20"), actor(ben), pending(managerStep(1)), facts(hal), false, false},
		{"a group member at a group step", req(dan, attendance.LeavePending, "2026-06-20"), actor(ivy), pending(groupStep("hr")), facts(dan), false, true},
		{"a line manager at a group step", req(dan, attendance.LeavePending, "2026-06-20"), actor(ben), pending(groupStep("hr")), facts(dan), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.f
			got := attendance.ActionsOn(tt.r, tt.actor, today, tt.st, &f)
			if got.CanCancel != tt.wantCancel || got.CanDecide != tt.wantDecide {
				t.Errorf("ActionsOn = %+v, want cancel %v, decide %v", got, tt.wantCancel, tt.wantDecide)
			}
			// What the decision itself says.
			if tt.r.Status == attendance.LeavePending && tt.st != nil {
				st := *tt.st
				st.Steps = append([]attendance.StepRecord(nil), tt.st.Steps...)
				_, _, err := st.Decide(tt.actor, attendance.StepDecision{Action: attendance.Approve}, june15.In(time.UTC).Add(9*time.Hour), f)
				if (err == nil) != tt.wantDecide {
					t.Errorf("Decide: err = %v, but can_decide = %v", err, tt.wantDecide)
				}
			}
			if cancel := tt.r.EmployeeID == tt.actor.ID && tt.r.CanCancel(today) == nil; cancel != tt.wantCancel {
				t.Errorf("CanCancel by the requester = %v, want %v", cancel, tt.wantCancel)
			}
		})
	}
}
