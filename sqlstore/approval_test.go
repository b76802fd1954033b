package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// approvalEnv is an env with an approver group "hr" of two managers of
// another team, and the employee's manager.
func approvalEnv(t *testing.T, kind string) (e *env, s *sqlstore.ApprovalService, mgr, emp, hr1, hr2 *attendance.Employee) {
	t.Helper()
	e = newEnv(t, kind)
	s = sqlstore.NewApprovalService(e.DB.DB)
	mgr, emp = e.team(t)
	hr1 = e.mustCreate(t, e.Admin, "hr1", attendance.RoleManager, nil)
	hr2 = e.mustCreate(t, e.Admin, "hr2", attendance.RoleManager, nil)
	if _, err := s.CreateGroup(context.Background(), e.Admin, "hr", "HR", []int64{hr1.ID, hr2.ID}); err != nil {
		t.Fatal(err)
	}
	return e, s, mgr, emp, hr1, hr2
}

func TestApprovalRaces(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		// Two approvers of one step at once: one decides, the other gets
		// 409, for a chain of one step (not_pending) and of two (step_moved);
		// the step is decided once, by the winner.
		t.Run("TwoApproversOfOneStep", func(t *testing.T) {
			t.Parallel()
			e, s, _, emp, hr1, hr2 := approvalEnv(t, kind)
			if _, err := s.SetPolicy(ctx, e.Admin, attendance.LeaveSick, attendance.PolicyInput{Tiers: []attendance.ApprovalTier{
				{Steps: []attendance.ApprovalStep{{Approver: attendance.ApproverGroup, Group: "hr"}}},
				{OverDays: attendance.WholeDays(1), Steps: []attendance.ApprovalStep{{Approver: attendance.ApproverGroup, Group: "hr"},
					{Approver: attendance.ApproverManager, Level: 1}}},
			}}); err != nil {
				t.Fatal(err)
			}
			deciders := [2]attendance.Actor{hr1.Actor(), hr2.Actor()}
			for round := range raceRounds {
				start := date("2026-11-09").AddDays(7 * round)
				for _, days := range []int{0, 1} {
					r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, start.AddDays(2*days).String(), start.AddDays(3*days).String())
					steps := len(r.Chain.Steps)
					errs := both(func(i int) error {
						action := attendance.Approve
						if i == 1 {
							action = attendance.Reject
						}
						_, err := s.DecideStep(ctx, deciders[i], r.ID, attendance.StepDecision{Step: 1, Action: action})
						return err
					})
					// After an approval of the first of two steps the request
					// waits at step 2 (step_moved); after a rejection it is decided.
					want := []string{"not_pending"}
					if steps == 2 && errs[0] == nil {
						want = []string{"step_moved"}
					}
					if ok := outcomes(t, fmt.Sprintf("%d steps, round %d", steps, round), errs, want...); ok != 1 {
						t.Fatalf("%d steps: %d decisions went through (%v), want 1", steps, ok, errs)
					}
					got, err := s.Request(ctx, e.Admin, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					winner := 0
					if errs[0] != nil {
						winner = 1
					}
					st := got.Chain.Steps[0]
					if st.DecidedBy == nil || *st.DecidedBy != deciders[winner].ID || (winner == 0) != (st.Status == attendance.StepApproved) {
						t.Fatalf("step 1: %+v, want decided by %d", st.StepRecord, deciders[winner].ID)
					}
				}
			}
		})

		// The last step racing a cancel: whichever commits first wins; an
		// approval first is then cancelled (it has not started), a cancel
		// first leaves the approval 409 not_pending. Either way the request
		// ends cancelled and the balance whole.
		t.Run("LastStepRacingCancel", func(t *testing.T) {
			t.Parallel()
			e, s, mgr, emp, _, _ := approvalEnv(t, kind)
			for round := range raceRounds {
				start := date("2026-11-16").AddDays(7 * round)
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, start.String(), start.AddDays(1).String())
				errs := both(func(i int) error {
					if i == 0 {
						_, err := s.DecideStep(ctx, mgr.Actor(), r.ID, attendance.StepDecision{Action: attendance.Approve})
						return err
					}
					_, err := e.Leave.CancelLeave(ctx, emp.Actor(), r.ID)
					return err
				})
				outcomes(t, fmt.Sprintf("round %d", round), errs, "not_pending")
				if errs[1] != nil {
					t.Fatalf("round %d: the cancel failed: %v", round, errs[1])
				}
				got, err := s.Request(ctx, e.Admin, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := attendance.StepSkipped
				if errs[0] == nil {
					want = attendance.StepApproved
				}
				if got.Status != attendance.LeaveCancelled || got.Chain.Steps[0].Status != want || got.CurrentStep != nil {
					t.Fatalf("round %d: %s with step %s at %v, want cancelled with step %s", round, got.Status, got.Chain.Steps[0].Status, got.CurrentStep, want)
				}
			}
			b, err := e.Leave.LeaveBalance(ctx, emp.Actor(), nil, ptr(2026))
			if err != nil || b.Used != 0 || b.Pending != 0 {
				t.Errorf("balance %+v, %v; want nothing used or pending", b, err)
			}
		})
	})
}

// TestEscalation: a step pending more than three working days tells the
// next level up once, however many workers check at once, and never again.
func TestEscalation(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e, s, mgr, emp, _, _ := approvalEnv(t, kind)
		r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-16", "2026-11-16") // Monday 2 November, 07:00
		other := e.Reopen(t)
		other.Now = e.Clock.Now
		checks := [2]*sqlstore.Checks{e.Checks, other.Checks}
		e.Clock.Set(at(t, "2026-11-05T07:00:00Z")) // three working days: not more
		if n, err := e.Checks.CheckEscalations(ctx, e.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("after three working days: %d escalated, %v; want none", n, err)
		}
		e.Clock.Set(at(t, "2026-11-05T07:01:00Z"))
		var counts [2]int
		errs := both(func(i int) error {
			var err error
			counts[i], err = checks[i].CheckEscalations(ctx, e.Clock.Now())
			return err
		})
		outcomes(t, "two workers", errs)
		if counts[0]+counts[1] != 1 {
			t.Fatalf("two workers escalated %v steps, want 1 in all", counts)
		}
		if n, err := e.Checks.CheckEscalations(ctx, e.Clock.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("again: %d escalated, %v; want none", n, err)
		}
		// The manager has no manager: the admins are the next level up.
		kinds := e.notifications(t, e.Admin)
		if got := slices.DeleteFunc(kinds, func(k attendance.NotificationKind) bool { return k != attendance.NotifyLeaveEscalated }); len(got) != 1 {
			t.Errorf("the admin's escalations: %v, want one", got)
		}
		if slices.Contains(e.notifications(t, mgr.Actor()), attendance.NotifyLeaveEscalated) {
			t.Error("the manager asked to decide was told of the escalation")
		}
		got, err := s.Request(ctx, e.Admin, r.ID)
		if err != nil || got.Chain.Steps[0].EscalatedAt == nil || got.Chain.Steps[0].EscalatesAt != nil || *got.Chain.Steps[0].WaitedWorkingDays != 3 {
			t.Errorf("the step after escalation: %+v, %v; want escalated, waited 3 days", got.Chain.Steps[0], err)
		}
	})
}
