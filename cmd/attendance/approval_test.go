package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// step decides a step of a request.
func (c *client) step(id int64, step int, action, comment string) *response {
	c.app.t.Helper()
	return c.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", id), map[string]any{"action": action, "comment": comment, "step": step})
}

// TestApprovalChain: a two-step chain end to end: the employee's manager,
// then the HR group (a manager of another team); a delegate of the HR
// member deciding for them, "approved by … for …".
func TestApprovalChain(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 08:00"), staff("UTC", "08:00", 0, "2026-01-01")) // a Monday
	admin, mgr, emp, hr, clock := tm.app.Admin, tm.mgr, tm.emp, tm.otherMgr, tm.clock
	deputy := admin.NewUser("deputy", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))

	admin.Do("POST", "/api/approver-groups/", map[string]any{"code": "hr", "name": "Human resources", "member_ids": []int64{emp.ID()}}).WantProblem(422, "invalid")
	admin.Do("POST", "/api/approver-groups/", map[string]any{"code": "hr", "name": "Human resources", "member_ids": []int64{hr.ID()}}).Want(201)
	admin.Do("POST", "/api/approver-groups/", map[string]any{"code": "hr", "name": "Again"}).WantProblem(409, "approver_group_exists")
	var p attendance.ApprovalPolicy
	admin.Do("GET", "/api/leaves/types/annual/approval/", nil).Want(200).JSON(&p)
	if !p.Default || p.Version != 0 {
		t.Errorf("policy before any is set: %+v, want the default", p)
	}
	tiers := map[string]any{"tiers": []map[string]any{
		{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1}}},
		{"over_days": 2, "steps": []map[string]any{{"approver": "manager", "level": 1}, {"approver": "group", "group": "hr", "label": "HR"}}},
	}}
	mgr.Do("PUT", "/api/leaves/types/annual/approval/", tiers).WantProblem(403, "")
	admin.Do("PUT", "/api/leaves/types/annual/approval/", map[string]any{"tiers": []map[string]any{
		{"over_days": 1, "steps": []map[string]any{{"approver": "group", "group": "nobody"}}}}}).WantProblem(422, "invalid")
	admin.Do("PUT", "/api/leaves/types/annual/approval/", tiers).Want(200).JSON(&p)
	if p.Default || p.Version != 1 || len(p.Tiers) != 2 || p.Tiers[1].Steps[0].Label != "Manager" {
		t.Errorf("policy set: %+v, want version 1 with two tiers", p)
	}
	admin.Do("PUT", "/api/leaves/types/annual/approval/", tiers).Want(200).JSON(&p)
	if p.Version != 1 {
		t.Errorf("the same tiers again: version %d, want 1", p.Version)
	}
	admin.Do("DELETE", "/api/approver-groups/hr/", nil).WantProblem(409, "approver_group_in_use")

	// Two days: one step, decided as the contract's endpoint always did.
	short := emp.requestLeave("annual", "2026-06-08", "2026-06-09")
	if len(short.Chain.Steps) != 1 {
		t.Fatalf("a request of 2 days: %d steps, want 1", len(short.Chain.Steps))
	}
	mgr.decide(short.ID, "approve", "").Want(200)

	// Three days: two steps.
	r := emp.requestLeave("annual", "2026-06-15", "2026-06-17", "reason", "trip")
	if len(r.Chain.Steps) != 2 || *r.CurrentStep != 1 || r.Chain.Version != 1 {
		t.Fatalf("a request of 3 days: chain %+v at %v, want two steps at step 1", r.Chain, r.CurrentStep)
	}
	tm.stray.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).WantProblem(404, "not_found")
	hr.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).Want(200) // named for step 2
	mgr.decide(r.ID, "approve", "").WantProblem(422, "invalid")       // which step?
	emp.step(r.ID, 1, "approve", "").WantProblem(403, "")
	hr.step(r.ID, 1, "approve", "").WantProblem(403, "not_approver")
	tm.stray.step(r.ID, 1, "approve", "").WantProblem(403, "")
	clock.Add(time.Hour)
	var got, again leave
	body := map[string]any{"action": "approve", "comment": "fine by me", "step": 1}
	path := fmt.Sprintf("/api/leaves/%d/action/", r.ID)
	mgr.Do("POST", path, body, "Idempotency-Key", "step-1").Want(200).JSON(&got)
	mgr.Do("POST", path, body, "Idempotency-Key", "step-1").Want(200).JSON(&again) // a retry: the first answer, nothing decided twice
	if again.CurrentStep == nil || *again.CurrentStep != 2 || again.Chain.Steps[0].DecidedAt == nil || !again.Chain.Steps[0].DecidedAt.Equal(*got.Chain.Steps[0].DecidedAt) {
		t.Errorf("the retry: %+v, want the first answer", again)
	}
	mgr.Do("POST", path, map[string]any{"action": "reject", "step": 1}, "Idempotency-Key", "step-1").WantProblem(422, "idempotency_key_reused")
	if got.Status != attendance.LeavePending || *got.CurrentStep != 2 || got.Chain.Steps[0].Status != attendance.StepApproved || got.DecidedBy != nil {
		t.Fatalf("after step 1: %+v, want pending at step 2", got)
	}
	mgr.step(r.ID, 1, "approve", "").WantProblem(409, "step_moved")
	mgr.step(r.ID, 2, "approve", "").WantProblem(403, "not_approver")

	// The pending overview, longest waiting first, says how long each waited.
	var ov list[attendance.LeaveRequestView]
	admin.Do("GET", "/api/leaves/overview/?status=pending&order=waiting", nil).Want(200).JSON(&ov)
	if len(ov.Results) != 1 || ov.Results[0].ID != r.ID || ov.Results[0].Chain.Steps[1].WaitedWorkingDays == nil {
		t.Errorf("the pending overview: %+v, want the request with its wait", ov.Results)
	}

	// The HR member names a deputy; the deputy finds the request to decide.
	var del attendance.DelegationView
	hr.Do("POST", "/api/delegations/", map[string]any{"delegate_id": deputy.ID(), "from": "2026-06-01", "to": "2026-06-05"}).Want(201).JSON(&del)
	hr.Do("POST", "/api/delegations/", map[string]any{"delegate_id": deputy.ID(), "from": "2026-06-05", "to": "2026-06-06"}).WantProblem(409, "overlap")
	var todo list[attendance.LeaveRequestView]
	for _, c := range []*client{hr, deputy} {
		c.Do("GET", "/api/leaves/to-decide/", nil).Want(200).JSON(&todo)
		if len(todo.Results) != 1 || todo.Results[0].ID != r.ID || todo.Results[0].EmployeeName == "" {
			t.Fatalf("%s's list to decide: %+v, want the request", c.Me.Username, todo.Results)
		}
		s := todo.Results[0].Chain.Steps[1]
		if s.Status != attendance.StepPending || s.WaitedWorkingDays == nil || s.EscalatesAt == nil || len(s.Approvers) != 2 {
			t.Errorf("%s's pending step: %+v, want pending, waited, escalating, two asked", c.Me.Username, s)
		}
	}
	mgr.Do("GET", "/api/leaves/to-decide/", nil).Want(200).JSON(&todo)
	if len(todo.Results) != 0 {
		t.Errorf("the manager's list to decide: %+v, want none (step 2 is HR's)", todo.Results)
	}
	var one attendance.LeaveRequestView
	deputy.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).Want(200).JSON(&one)
	asked := one.Chain.Steps[1].Approvers
	if !slices.ContainsFunc(asked, func(a attendance.ApproverView) bool {
		return a.ID == deputy.ID() && a.As == attendance.AsDelegate && a.ForID != nil && *a.ForID == hr.ID()
	}) {
		t.Errorf("asked for step 2: %+v, want the deputy for the HR member", asked)
	}
	deputy.step(r.ID, 2, "approve", "enjoy").Want(200).JSON(&got)
	if got.Status != attendance.LeaveApproved || got.DecidedBy == nil || *got.DecidedBy != deputy.ID() || got.DecidedFor == nil ||
		*got.DecidedFor != hr.ID() || got.DecidedAs == nil || *got.DecidedAs != attendance.AsDelegate || got.DecisionComment != "enjoy" {
		t.Errorf("after step 2: %+v, want approved by the deputy for the HR member", got)
	}
	deputy.step(r.ID, 2, "approve", "").WantProblem(409, "not_pending")
	var notes list[attendance.Notification]
	emp.Do("GET", "/api/notifications/", nil).Want(200).JSON(&notes)
	if len(notes.Results) == 0 || !strings.Contains(notes.Results[0].Message, "deputy") || !strings.Contains(notes.Results[0].Message, " for ") {
		t.Errorf("the employee's last notification: %+v, want approved by the deputy for the HR member", notes.Results)
	}
	// The deputy may not remove the delegation; its principal may, and each
	// is told so with the delegation.
	for _, c := range []struct {
		who  *client
		want bool
	}{{deputy, false}, {hr, true}, {admin, true}} {
		var l list[attendance.DelegationView]
		c.who.Do("GET", "/api/delegations/", nil).Want(200).JSON(&l)
		if len(l.Results) != 1 || l.Results[0].CanDelete != c.want {
			t.Errorf("%s's delegations: %+v, want the one with can_delete %v", c.who.Me.Username, l.Results, c.want)
		}
	}
	deputy.Do("DELETE", fmt.Sprintf("/api/delegations/%d/", del.ID), nil).WantProblem(403, "")
	hr.Do("DELETE", fmt.Sprintf("/api/delegations/%d/", del.ID), nil).Want(204)

	// A rejection at step 1 ends the request.
	r2 := emp.requestLeave("annual", "2026-06-22", "2026-06-24")
	mgr.step(r2.ID, 1, "reject", "not then").Want(200).JSON(&got)
	if got.Status != attendance.LeaveRejected || got.Chain.Steps[1].Status != attendance.StepSkipped {
		t.Errorf("rejected at step 1: %+v, want rejected, step 2 skipped", got)
	}
	// Policy back to the default: requests made keep their chains.
	admin.Do("DELETE", "/api/leaves/types/annual/approval/", nil).Want(204)
	admin.Do("GET", "/api/leaves/types/annual/approval/", nil).Want(200).JSON(&p)
	if !p.Default || p.Version != 2 {
		t.Errorf("after the reset: %+v, want the default at version 2", p)
	}
	admin.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).Want(200).JSON(&got)
	if len(got.Chain.Steps) != 2 || got.Chain.Version != 1 || got.Chain.Steps[1].DecidedBy == nil {
		t.Errorf("a decided request after the reset: chain %+v, want its two steps of version 1", got.Chain)
	}
	if r3 := emp.requestLeave("annual", "2026-07-06", "2026-07-08"); len(r3.Chain.Steps) != 1 {
		t.Errorf("a request of 3 days after the reset: %d steps, want the default's one", len(r3.Chain.Steps))
	}
	admin.Do("DELETE", "/api/approver-groups/hr/", nil).Want(204)
}
