package attendance_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

func TestApprovalNotifications(t *testing.T) {
	e := &attendance.Employee{ID: 4, Username: "dan", FirstName: "Dan", LastName: "Brown"}
	req := &attendance.LeaveRequest{ID: 31, EmployeeID: 4, LeaveType: attendance.LeaveAnnual, StartDate: date("2026-07-06"), EndDate: date("2026-07-10"),
		Days: 5, Status: attendance.LeavePending}
	names := map[int64]string{1: "Ada Admin", 2: "Ben Meyer", 3: "Cleo Diaz", 7: "Gus Weber", 9: "Ivy Chen"}
	name := func(id int64) string { return names[id] }
	since := utc("2026-07-01 09:00")
	step1 := attendance.StepRecord{Step: 1, ApprovalStep: attendance.ApprovalStep{Label: "Manager"}, Status: attendance.StepPending, PendingSince: &since}
	step2 := attendance.StepRecord{Step: 2, ApprovalStep: attendance.ApprovalStep{Label: "HR"}, Status: attendance.StepPending, PendingSince: &since}
	decided := step1
	decided.Status, decided.DecidedBy, decided.DecidedFor, decided.Comment = attendance.StepApproved, ptr(int64(7)), ptr(int64(3)), "fine"
	final := step2
	final.Status, final.DecidedBy = attendance.StepApproved, ptr(int64(9))
	approved := *req
	approved.Status = attendance.LeaveApproved
	deleg := attendance.Delegation{ID: 5, PrincipalID: 3, DelegateID: 7, From: date("2026-07-01"), To: date("2026-07-14"), CreatedBy: 3}
	byAdmin := deleg
	byAdmin.CreatedBy = 1

	tests := []struct {
		name           string
		got            []attendance.Notification
		wantKind       attendance.NotificationKind
		wantCause      string
		wantRecipients []int64
		wantMessages   []string // a part of each notification's message
		wantData       map[string]any
	}{
		{
			name: "the first step: leave_requested, as today, to the approver and the delegate",
			got: attendance.ApprovalNeeded(e, req, step1, 1, []attendance.StepApprover{
				{ID: 3, As: attendance.AsApprover}, {ID: 7, For: 3, As: attendance.AsDelegate}}, name),
			wantKind: attendance.NotifyLeaveRequested, wantCause: "leave_requested:31", wantRecipients: []int64{3, 7},
			wantMessages: []string{"Dan Brown asks for 5 days of annual leave from 2026-07-06 to 2026-07-10", "(for Cleo Diaz, whose delegate you are)"},
			wantData:     map[string]any{"leave_request_id": 31.0, "step": 1.0, "steps": 1.0},
		},
		{
			name:     "the first of two steps says so",
			got:      attendance.ApprovalNeeded(e, req, step1, 2, []attendance.StepApprover{{ID: 3, As: attendance.AsApprover}}, name),
			wantKind: attendance.NotifyLeaveRequested, wantCause: "leave_requested:31", wantRecipients: []int64{3},
			wantMessages: []string{"; step 1 of 2 (Manager)"},
			wantData:     map[string]any{"step": 1.0, "steps": 2.0},
		},
		{
			name:     "a later step, to a substitute",
			got:      attendance.ApprovalNeeded(e, req, step2, 2, []attendance.StepApprover{{ID: 2, For: 9, As: attendance.AsSubstitute}}, name),
			wantKind: attendance.NotifyLeaveStepPending, wantCause: "leave_step_pending:31:2", wantRecipients: []int64{2},
			wantMessages: []string{"Dan Brown's annual leave from 2026-07-06 to 2026-07-10 waits for your decision at step 2 of 2 (HR) (for Ivy Chen, who is away)"},
			wantData:     map[string]any{"leave_request_id": 31.0, "step": 2.0, "steps": 2.0, "for_id": 9.0},
		},
		{
			name:     "a step approved, to the employee",
			got:      attendance.LeaveStepApproved(req, decided, step2, 2, name),
			wantKind: attendance.NotifyLeaveStepApproved, wantCause: "leave_step_approved:31:1", wantRecipients: []int64{4},
			wantMessages: []string{"Gus Weber for Cleo Diaz approved step 1 of 2 (Manager) of your annual leave from 2026-07-06 to 2026-07-10; it now waits for step 2 of 2 (HR)"},
			wantData:     map[string]any{"step": 1.0, "decided_by": 7.0, "decided_for": 3.0, "comment": "fine"},
		},
		{
			name:     "decided: leave_decided says by whom",
			got:      attendance.LeaveChainDecided(&approved, final, name),
			wantKind: attendance.NotifyLeaveDecided, wantCause: "leave_decided:31", wantRecipients: []int64{4},
			wantMessages: []string{"Your annual leave from 2026-07-06 to 2026-07-10 was approved by Ivy Chen"},
			wantData:     map[string]any{"status": "approved", "step": 2.0, "decided_by": 9.0, "decided_for": nil},
		},
		{
			name:     "decided by a delegate: for whom",
			got:      attendance.LeaveChainDecided(&approved, decided, name),
			wantKind: attendance.NotifyLeaveDecided, wantCause: "leave_decided:31", wantRecipients: []int64{4},
			wantMessages: []string{"was approved by Gus Weber for Cleo Diaz"},
			wantData:     map[string]any{"decided_by": 7.0, "decided_for": 3.0},
		},
		{
			name:     "escalated, once per step",
			got:      attendance.LeaveEscalated(e, req, step1, 2, 3, []int64{2}),
			wantKind: attendance.NotifyLeaveEscalated, wantCause: "leave_escalated:31:1", wantRecipients: []int64{2},
			wantMessages: []string{"Dan Brown's annual leave from 2026-07-06 to 2026-07-10 has waited 3 working days at step 1 of 2 (Manager)"},
			wantData:     map[string]any{"waited_working_days": 3.0, "pending_since": "2026-07-01T09:00:00Z"},
		},
		{
			name:     "a delegate named by the approver: the delegate hears",
			got:      attendance.DelegateNamed(deleg, name),
			wantKind: attendance.NotifyDelegateNamed, wantCause: "delegate_named:5", wantRecipients: []int64{7},
			wantMessages: []string{"Gus Weber decides leave for Cleo Diaz from 2026-07-01 to 2026-07-14"},
			wantData:     map[string]any{"delegate_id": 7.0, "principal_id": 3.0, "from": "2026-07-01", "to": "2026-07-14"},
		},
		{
			name:     "a delegate named by an admin: both hear",
			got:      attendance.DelegateNamed(byAdmin, name),
			wantKind: attendance.NotifyDelegateNamed, wantCause: "delegate_named:5", wantRecipients: []int64{7, 3},
		},
		{
			name:     "a delegation removed by the approver",
			got:      attendance.DelegateRemoved(deleg, 3, name),
			wantKind: attendance.NotifyDelegateRemoved, wantCause: "delegate_removed:5", wantRecipients: []int64{7},
			wantMessages: []string{"Gus Weber no longer decides leave for Cleo Diaz"},
		},
		{
			name:     "a delegation removed by an admin",
			got:      attendance.DelegateRemoved(deleg, 1, name),
			wantKind: attendance.NotifyDelegateRemoved, wantCause: "delegate_removed:5", wantRecipients: []int64{7, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recipients []int64
			for i, n := range tt.got {
				recipients = append(recipients, n.RecipientID)
				if n.Kind != tt.wantKind || n.Cause != tt.wantCause {
					t.Errorf("kind, cause = %q, %q; want %q, %q", n.Kind, n.Cause, tt.wantKind, tt.wantCause)
				}
				if i < len(tt.wantMessages) && !strings.Contains(n.Message, tt.wantMessages[i]) {
					t.Errorf("message = %q, want it to hold %q", n.Message, tt.wantMessages[i])
				}
				var data map[string]any
				if err := json.Unmarshal(n.Data, &data); err != nil {
					t.Fatal(err)
				}
				for k, want := range tt.wantData {
					if got, ok := data[k]; !ok || got != want {
						t.Errorf("data[%q] = %v, want %v (data %s)", k, got, want, n.Data)
					}
				}
			}
			if !slices.Equal(recipients, tt.wantRecipients) {
				t.Errorf("recipients = %v, want %v", recipients, tt.wantRecipients)
			}
		})
	}
}
