package sqlstore_test

import (
	"context"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// TestFactMemo: the facts the list to decide reads once for every pending
// request equal those each decision reads from the database: for a
// two-step chain at either step, a level the line is too short for, a group
// member's delegate, an approver away, and an admin's own request.
func TestFactMemo(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e, s, mgr, emp, hr1, _ := approvalEnv(t, kind)
		manager := func(level int) attendance.ApprovalStep {
			return attendance.ApprovalStep{Approver: attendance.ApproverManager, Level: level}
		}
		if _, err := s.SetPolicy(ctx, e.Admin, attendance.LeaveAnnual, attendance.PolicyInput{Tiers: []attendance.ApprovalTier{
			{Steps: []attendance.ApprovalStep{manager(1), {Approver: attendance.ApproverGroup, Group: "hr"}}},
			{OverDays: attendance.WholeDays(2), DecideOnce: true, Steps: []attendance.ApprovalStep{manager(1), manager(2)}},
		}}); err != nil {
			t.Fatal(err)
		}
		today := attendance.DateOf(e.Clock.Now())
		if _, err := s.CreateDelegation(ctx, e.Admin, attendance.DelegationInput{PrincipalID: &hr1.ID, DelegateID: mgr.ID, From: today, To: today.AddDays(3)}); err != nil {
			t.Fatal(err)
		}
		away := e.mustCreate(t, e.Admin, "away", attendance.RoleManager, nil)
		report := e.mustCreate(t, away.Actor(), "report", attendance.RoleEmployee, &away.ID)
		off := e.mustRequest(t, away.Actor(), attendance.LeaveSick, today.String(), today.String())
		if _, err := s.DecideStep(ctx, e.Admin, off.ID, attendance.StepDecision{Step: 1, Action: attendance.Approve}); err != nil {
			t.Fatal(err)
		}
		first := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-11-09", "2026-11-09")
		e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-11-16", "2026-11-18")
		e.mustRequest(t, report.Actor(), attendance.LeaveSick, "2026-11-10", "2026-11-10")
		e.mustRequest(t, e.Admin, attendance.LeaveSick, "2026-11-11", "2026-11-11")
		if _, err := s.DecideStep(ctx, mgr.Actor(), first.ID, attendance.StepDecision{Step: 1, Action: attendance.Approve}); err != nil {
			t.Fatal(err)
		}
		n, err := sqlstore.FactsAgree(ctx, e.DB.DB)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("compared %d pending requests, want 4", n)
		}
		// The delegate of an HR member is asked for the group step.
		list, total, err := s.ToDecide(ctx, mgr.Actor(), attendance.Page{})
		if err != nil || total != 2 || list[0].ID != first.ID {
			t.Errorf("the manager's list to decide: %d %+v, %v; want the first request (for HR) and the second", total, list, err)
		}
	})
}
