package attendance_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestDecisionLinkRecordCheck(t *testing.T) {
	key := []byte("a decision link key of 32 bytes!")
	l := attendance.DecisionLink{ID: 7, RequestID: 31, Step: 2, ApproverID: 4, Action: attendance.Approve, ExpiresAt: utc("2026-06-17 09:00")}
	token := l.Token(key)
	sum := sha256.Sum256([]byte(token))
	hash := hex.EncodeToString(sum[:])
	used := utc("2026-06-12 10:00")
	tests := []struct {
		name     string
		edit     func(r *attendance.DecisionLinkRecord)
		wantCode string
	}{
		{"the row of the token", func(*attendance.DecisionLinkRecord) {}, ""},
		{"used", func(r *attendance.DecisionLinkRecord) { r.UsedAt = &used }, "link_used"},
		{"another hash", func(r *attendance.DecisionLinkRecord) { r.TokenHash = hex.EncodeToString(make([]byte, 32)) }, "link_invalid"},
		{"no hash", func(r *attendance.DecisionLinkRecord) { r.TokenHash = "" }, "link_invalid"},
		{"another step", func(r *attendance.DecisionLinkRecord) { r.Step = 1 }, "link_invalid"},
		{"another approver", func(r *attendance.DecisionLinkRecord) { r.ApproverID = 5 }, "link_invalid"},
		{"another action", func(r *attendance.DecisionLinkRecord) { r.Action = attendance.Reject }, "link_invalid"},
		{"another request", func(r *attendance.DecisionLinkRecord) { r.RequestID = 32 }, "link_invalid"},
		{"another expiry", func(r *attendance.DecisionLinkRecord) { r.ExpiresAt = r.ExpiresAt.Add(time.Hour) }, "link_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := attendance.DecisionLinkRecord{DecisionLink: l, TokenHash: hash}
			tt.edit(&r)
			if got := attendance.ErrorCode(r.Check(l, hash)); got != tt.wantCode {
				t.Errorf("Check = %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestFillDecisionLinks(t *testing.T) {
	m := attendance.ApprovalMail{
		NotificationID: 1, To: "gus@example.com", ToName: "Gus", EmployeeName: "Dan", LeaveTypeName: "Annual leave",
		Start: date("2026-06-15"), End: date("2026-06-15"), Days: attendance.WholeDays(1),
		Reason:     "please ignore " + attendance.ApproveLinkPlaceholder,
		Step:       attendance.StepRecord{Step: 1, ApprovalStep: attendance.ApprovalStep{Label: "Manager"}},
		Steps:      1,
		ApproveURL: attendance.ApproveLinkPlaceholder, RejectURL: attendance.RejectLinkPlaceholder,
		Expires: utc("2026-06-17 09:00"), Domain: "x",
	}
	got := attendance.FillDecisionLinks(m.Render().Text, "https://a.example.com/decide/A", "https://a.example.com/decide/R")
	for _, want := range []string{
		"Reason: please ignore " + attendance.ApproveLinkPlaceholder + "\n", // a user's text is left alone
		"Approve: https://a.example.com/decide/A\n",
		"Reject: https://a.example.com/decide/R\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the text lacks %q:\n%s", want, got)
		}
	}
}

func TestApprovalAsk(t *testing.T) {
	emp := &attendance.Employee{ID: 3, FirstName: "Dan", LastName: "Brown"}
	r := &attendance.LeaveRequest{ID: 31, EmployeeID: 3, LeaveType: attendance.LeaveAnnual, Status: attendance.LeavePending,
		StartDate: date("2026-06-15"), EndDate: date("2026-06-16")}
	name := func(int64) string { return "Cleo" }
	first := attendance.StepRecord{Step: 1, ApprovalStep: attendance.ApprovalStep{Label: "Manager"}}
	second := attendance.StepRecord{Step: 2, ApprovalStep: attendance.ApprovalStep{Label: "HR"}}
	asked := []attendance.StepApprover{{ID: 7, As: attendance.AsApprover}, {ID: 8, For: 7, As: attendance.AsDelegate}}
	approvedOnRequest := *r
	approvedOnRequest.Status = attendance.LeaveApproved
	tests := []struct {
		name string
		n    attendance.Notification
		want []attendance.ApprovalAsk // nil: not an ask
	}{
		{"the first step", attendance.ApprovalNeeded(emp, r, first, 2, asked[:1], name)[0],
			[]attendance.ApprovalAsk{{RequestID: 31, Step: 1, Steps: 2, As: attendance.AsApprover}}},
		{"a later step, a delegate", attendance.ApprovalNeeded(emp, r, second, 2, asked[1:], name)[0],
			[]attendance.ApprovalAsk{{RequestID: 31, Step: 2, Steps: 2, ForID: 7, As: attendance.AsDelegate}}},
		{"the contract's leave_requested to someone not asked", attendance.LeaveRequested(emp, r, []int64{1})[0], nil},
		{"approved on request", attendance.LeaveRequested(emp, &approvedOnRequest, []int64{1})[0], nil},
		{"another kind", attendance.Notification{Kind: attendance.NotifyLeaveDecided, Data: json.RawMessage(`{"leave_request_id": 31, "step": 1}`)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.n.ApprovalAsk()
			if tt.want == nil {
				if ok {
					t.Errorf("ApprovalAsk = %+v, want none", got)
				}
				return
			}
			if !ok || got != tt.want[0] {
				t.Errorf("ApprovalAsk = %+v, %v; want %+v", got, ok, tt.want[0])
			}
		})
	}
}
