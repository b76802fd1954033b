package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// The list to decide (GET /api/leaves/to-decide/) at 10,000 employees with
// approval chains and delegations: the demo company of 10,000 people, its
// pending requests (one per person) given the chains of these policies,
// a third of the two-step ones decided at step 1, and one manager in ten
// away with a delegate.

var decideDB = &benchCompany{employees: 10000, days: 1, prefix: "attendance-bench-decide"}

var decideSetup struct {
	once sync.Once
	err  error
	took time.Duration // of setUpChains
	// The deciders the benchmark lists for.
	manager, hr, delegate attendance.Actor
	pending, atStep2      int
}

func decideStore(b *testing.B) *sqlstore.DB {
	db := decideDB.open(b)
	decideSetup.once.Do(func() {
		start := time.Now()
		decideSetup.err = setUpChains(db)
		decideSetup.took = time.Since(start)
	})
	if decideSetup.err != nil {
		b.Fatal(decideSetup.err)
	}
	return db
}

// setUpChains sets the policies, the HR group and the delegations, and
// gives the pending requests their chains.
func setUpChains(db *sqlstore.DB) error {
	ctx := context.Background()
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	emp := sqlstore.NewEmployeeService(db, nil)
	apr := sqlstore.NewApprovalService(db)
	mgrs, _, err := emp.ListEmployees(ctx, admin, attendance.EmployeeFilter{Role: ptr(attendance.RoleManager), Page: attendance.Page{Limit: 500}})
	if err != nil {
		return err
	}
	// HR: six managers; their steps are everyone's second step of longer annual leave.
	var hr []int64
	for i := 0; i < len(mgrs) && len(hr) < 6; i += len(mgrs)/6 + 1 {
		hr = append(hr, mgrs[i].ID)
	}
	if _, err := apr.CreateGroup(ctx, admin, "hr", "Human resources", hr); err != nil {
		return err
	}
	manager := func(level int) attendance.ApprovalStep {
		return attendance.ApprovalStep{Approver: attendance.ApproverManager, Level: level}
	}
	if _, err := apr.SetPolicy(ctx, admin, attendance.LeaveAnnual, attendance.PolicyInput{Tiers: []attendance.ApprovalTier{
		{Steps: []attendance.ApprovalStep{manager(1)}},
		{OverDays: attendance.WholeDays(2), Steps: []attendance.ApprovalStep{manager(1), {Approver: attendance.ApproverGroup, Group: "hr"}}},
	}}); err != nil {
		return err
	}
	if _, err := apr.SetPolicy(ctx, admin, attendance.LeaveSick, attendance.PolicyInput{Tiers: []attendance.ApprovalTier{
		{DecideOnce: true, Steps: []attendance.ApprovalStep{manager(1), manager(2)}},
	}}); err != nil {
		return err
	}
	var several []int64
	if decideSetup.pending, several, err = sqlstore.ChainPending(ctx, db); err != nil {
		return err
	}
	// One manager in ten names the next one their delegate, from today on.
	today := decideDB.today
	var delegate int64
	for i := 0; i+1 < len(mgrs); i += 10 {
		p := mgrs[i].ID
		if _, err := apr.CreateDelegation(ctx, admin, attendance.DelegationInput{PrincipalID: &p, DelegateID: mgrs[i+1].ID,
			From: today, To: today.AddDays(14), Note: "bench"}); err != nil {
			return err
		}
		if delegate == 0 {
			delegate = mgrs[i+1].ID
		}
	}
	// A third of the two-step requests have passed step 1 (an admin decided it).
	for i := 0; i < len(several); i += 3 {
		if _, err := apr.DecideStep(ctx, admin, several[i], attendance.StepDecision{Step: 1, Action: attendance.Approve}); err != nil {
			return err
		}
		decideSetup.atStep2++
	}
	decideSetup.hr = attendance.Actor{ID: hr[0], Role: attendance.RoleManager}
	decideSetup.delegate = attendance.Actor{ID: delegate, Role: attendance.RoleManager}
	// The line manager of someone in the middle of the company.
	staff, _, err := emp.ListEmployees(ctx, admin, attendance.EmployeeFilter{Role: ptr(attendance.RoleEmployee), Page: attendance.Page{Limit: 1, Offset: 5000}})
	if err != nil || len(staff) == 0 || staff[0].ManagerID == nil {
		return fmt.Errorf("no employee with a manager: %v", err)
	}
	decideSetup.manager = attendance.Actor{ID: *staff[0].ManagerID, Role: attendance.RoleManager}
	return nil
}

// BenchmarkToDecide lists the first page to decide of a line manager, an
// HR member (asked for every longer annual leave at step 2) and a
// delegate, among 10,000 pending requests with chains.
func BenchmarkToDecide(b *testing.B) {
	db := decideStore(b)
	apr := sqlstore.NewApprovalService(db)
	ctx := context.Background()
	b.Logf("%d pending requests with chains, %d of them at step 2 (set up in %s)", decideSetup.pending, decideSetup.atStep2, decideSetup.took.Round(time.Second))
	for _, bc := range []struct {
		name string
		a    attendance.Actor
	}{
		{"line-manager", decideSetup.manager},
		{"hr-member", decideSetup.hr},
		{"delegate", decideSetup.delegate},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var n, runs int
			cpu := cpuTime()
			for b.Loop() {
				var err error
				if _, n, err = apr.ToDecide(ctx, bc.a, attendance.Page{Limit: 50}); err != nil {
					b.Fatal(err)
				}
				runs++
			}
			// The machine is shared: the process's CPU time per listing says
			// more than the wall time, which includes waiting for a core.
			b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(runs), "cpu-ms/op")
			b.ReportMetric(float64(n), "requests")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
