package attendance_test

import (
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// The company of the approval tests:
//
//	1 Ada, admin
//	├── 2 Ben, manager
//	│   ├── 3 Cleo, manager
//	│   │   └── 4 Dan, employee
//	│   ├── 5 Eve, employee
//	│   └── 8 Hal, admin (an admin who reports to a manager)
//	├── 7 Gus, manager (in HR)
//	└── 9 Ivy, manager (in HR)
//	6 Fay, admin (no manager)
//
// Group hr: Gus, Ivy and Eve (an employee, who cannot decide). Group leads:
// Cleo and Gus. Group solo: Gus alone.
var (
	ada  = attendance.Person{ID: 1, Role: attendance.RoleAdmin, Active: true}
	ben  = attendance.Person{ID: 2, Role: attendance.RoleManager, Active: true}
	cleo = attendance.Person{ID: 3, Role: attendance.RoleManager, Active: true}
	dan  = attendance.Person{ID: 4, Role: attendance.RoleEmployee, Active: true}
	eve  = attendance.Person{ID: 5, Role: attendance.RoleEmployee, Active: true}
	fay  = attendance.Person{ID: 6, Role: attendance.RoleAdmin, Active: true}
	gus  = attendance.Person{ID: 7, Role: attendance.RoleManager, Active: true}
	hal  = attendance.Person{ID: 8, Role: attendance.RoleAdmin, Active: true}
	ivy  = attendance.Person{ID: 9, Role: attendance.RoleManager, Active: true}

	staffByID = map[int64]attendance.Person{1: ada, 2: ben, 3: cleo, 4: dan, 5: eve, 6: fay, 7: gus, 8: hal, 9: ivy}
	managerOf = map[int64]int64{2: 1, 3: 2, 4: 3, 5: 2, 8: 2, 7: 1, 9: 1}
)

// lineOf returns p's line of managers, nearest first, as the store reads it.
func lineOf(id int64, people map[int64]attendance.Person) attendance.Chain {
	var c attendance.Chain
	for m, ok := managerOf[id]; ok; m, ok = managerOf[m] {
		p := people[m]
		c = append(c, attendance.ChainLink(p))
	}
	return c
}

var june15 = date("2026-06-15") // a Monday

// facts returns the decision facts of a request by requester in the test
// company; change applies the case's own circumstances.
func facts(requester attendance.Person, change ...func(*attendance.DecisionFacts)) attendance.DecisionFacts {
	people := map[int64]attendance.Person{}
	for id, p := range staffByID {
		people[id] = p
	}
	f := attendance.DecisionFacts{
		Requester: requester,
		Groups: map[string][]attendance.Person{
			"hr":    {gus, ivy, eve},
			"leads": {cleo, gus},
			"solo":  {gus},
		},
		Admins:       []int64{1, 6, 8},
		People:       people,
		ManagersOf:   map[int64]attendance.Chain{},
		DefaultToday: june15,
	}
	for id := range staffByID {
		f.ManagersOf[id] = lineOf(id, people)
	}
	f.Line = f.ManagersOf[requester.ID]
	// Admins above or beside the requester: not below them in the line.
	for _, id := range f.Admins {
		if id != requester.ID && !lineOf(id, people).Contains(requester.ID) {
			f.AdminsAboveOrBeside++
		}
	}
	for _, c := range change {
		c(&f)
	}
	return f
}

func managerStep(level int) attendance.ApprovalStep {
	return attendance.ApprovalStep{Approver: attendance.ApproverManager, Level: level}
}

func groupStep(code string) attendance.ApprovalStep {
	return attendance.ApprovalStep{Approver: attendance.ApproverGroup, Group: code}
}

func actor(p attendance.Person) attendance.Actor { return attendance.Actor{ID: p.ID, Role: p.Role} }

func delegates(principal, delegate attendance.Person, from, to string) func(*attendance.DecisionFacts) {
	return func(f *attendance.DecisionFacts) {
		f.Delegations = append(f.Delegations, attendance.Delegation{ID: int64(len(f.Delegations) + 1),
			PrincipalID: principal.ID, DelegateID: delegate.ID, From: date(from), To: date(to)})
	}
}

func away(p attendance.Person, from, to string) func(*attendance.DecisionFacts) {
	return func(f *attendance.DecisionFacts) {
		f.Away = append(f.Away, attendance.Absence{EmployeeID: p.ID, From: date(from), To: date(to)})
	}
}

func appr(id int64, as attendance.Capacity) attendance.StepApprover {
	return attendance.StepApprover{ID: id, As: as}
}

func forID(id, forID int64, as attendance.Capacity) attendance.StepApprover {
	return attendance.StepApprover{ID: id, For: forID, As: as}
}

func TestStepApprovers(t *testing.T) {
	tests := []struct {
		name string
		step attendance.ApprovalStep
		f    attendance.DecisionFacts
		want []attendance.StepApprover
	}{
		{"the employee's manager", managerStep(1), facts(dan), []attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"the manager's manager", managerStep(2), facts(dan), []attendance.StepApprover{appr(2, attendance.AsApprover)}},
		{"three levels up: an admin", managerStep(3), facts(dan), []attendance.StepApprover{appr(1, attendance.AsApprover)}},
		{"a level beyond the line: the admins", managerStep(4), facts(dan),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), appr(6, attendance.AsApprover), appr(8, attendance.AsApprover)}},
		{"an inactive manager is skipped", managerStep(1), facts(dan, func(f *attendance.DecisionFacts) { f.Line[0].Active = false }),
			[]attendance.StepApprover{appr(2, attendance.AsApprover)}},
		{"a manager demoted to employee is skipped", managerStep(1), facts(dan, func(f *attendance.DecisionFacts) { f.Line[0].Role = attendance.RoleEmployee }),
			[]attendance.StepApprover{appr(2, attendance.AsApprover)}},
		{"a group: its members with manager access", groupStep("hr"), facts(dan),
			[]attendance.StepApprover{appr(7, attendance.AsApprover), appr(9, attendance.AsApprover)}},
		{"a group member's own request: the other members", groupStep("hr"), facts(gus),
			[]attendance.StepApprover{appr(9, attendance.AsApprover)}},
		{"a group of only the requester: the admins", groupStep("solo"), facts(gus),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), appr(6, attendance.AsApprover), appr(8, attendance.AsApprover)}},
		{"an unknown or emptied group: the admins", groupStep("gone"), facts(dan),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), appr(6, attendance.AsApprover), appr(8, attendance.AsApprover)}},
		{"a manager with no manager: the admins", managerStep(1), facts(ivy, func(f *attendance.DecisionFacts) { f.Line = nil }),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), appr(6, attendance.AsApprover), appr(8, attendance.AsApprover)}},
		{"an admin's manager step skips the manager above them", managerStep(1), facts(hal),
			[]attendance.StepApprover{appr(1, attendance.AsApprover)}},
		{"an admin's group step: no manager member decides it", groupStep("hr"), facts(hal),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), appr(6, attendance.AsApprover)}},
		{"the top admin's own request: the other admins", managerStep(1), facts(ada),
			[]attendance.StepApprover{appr(6, attendance.AsApprover), appr(8, attendance.AsApprover)}},
		{"a lone admin's own request lists nobody", managerStep(1), facts(ada, func(f *attendance.DecisionFacts) { f.Admins = []int64{1} }), nil},

		{"a delegate for today", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"a delegation's first day", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-15", "2026-06-20")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"a delegation's last day", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-01", "2026-06-15")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"a delegation that starts tomorrow", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-16", "2026-06-20")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"a delegation that ended yesterday", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-01", "2026-06-14")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"a delegation by the approver's own date", managerStep(1),
			facts(dan, delegates(cleo, gus, "2026-06-16", "2026-06-20"), func(f *attendance.DecisionFacts) {
				f.Today = map[int64]attendance.Date{cleo.ID: date("2026-06-16")} // Cleo works in Auckland
			}),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"someone else's delegation", managerStep(1), facts(dan, delegates(ben, gus, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"delegations do not chain", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20"), delegates(gus, ivy, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"a delegate who is the requester", managerStep(1), facts(cleo, delegates(ben, cleo, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(2, attendance.AsApprover)}},
		{"a delegate since deactivated", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20"), func(f *attendance.DecisionFacts) {
			g := f.People[gus.ID]
			g.Active = false
			f.People[gus.ID] = g
		}), []attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"a delegate who is away", managerStep(1), facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20"), away(gus, "2026-06-15", "2026-06-15")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"a manager delegate of an admin's approver", managerStep(1), facts(hal, delegates(ada, ben, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(1, attendance.AsApprover)}},
		{"an admin delegate of an admin's approver", managerStep(1), facts(hal, delegates(ada, fay, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), forID(6, 1, attendance.AsDelegate)}},
		{"a delegate who is also an approver is listed once", groupStep("hr"), facts(dan, delegates(gus, ivy, "2026-06-10", "2026-06-20")),
			[]attendance.StepApprover{appr(7, attendance.AsApprover), appr(9, attendance.AsApprover)}},

		{"an approver away with no delegate: their manager", managerStep(1), facts(dan, away(cleo, "2026-06-12", "2026-06-19")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(2, 3, attendance.AsSubstitute)}},
		{"an approver back from leave", managerStep(1), facts(dan, away(cleo, "2026-06-01", "2026-06-14")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover)}},
		{"an approver away with a delegate: the delegate", managerStep(1), facts(dan, away(cleo, "2026-06-12", "2026-06-19"), delegates(cleo, gus, "2026-06-12", "2026-06-19")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(7, 3, attendance.AsDelegate)}},
		{"an approver and their delegate away: the approver's manager", managerStep(1),
			facts(dan, away(cleo, "2026-06-12", "2026-06-19"), away(gus, "2026-06-15", "2026-06-16"), delegates(cleo, gus, "2026-06-12", "2026-06-19")),
			[]attendance.StepApprover{appr(3, attendance.AsApprover), forID(2, 3, attendance.AsSubstitute)}},
		{"a group member away: their own manager", groupStep("hr"), facts(dan, away(gus, "2026-06-15", "2026-06-15")),
			[]attendance.StepApprover{appr(7, attendance.AsApprover), appr(9, attendance.AsApprover), forID(1, 7, attendance.AsSubstitute)}},
		{"an away approver with no manager: the admins", managerStep(3), facts(dan, away(ada, "2026-06-15", "2026-06-15")),
			[]attendance.StepApprover{appr(1, attendance.AsApprover), forID(6, 1, attendance.AsSubstitute), forID(8, 1, attendance.AsSubstitute)}},
		{"an away approver whose manager is the requester", managerStep(1), facts(ben, func(f *attendance.DecisionFacts) {
			// Ben's manager Ada is away, and Ada's "manager" is nobody: the other admins.
			f.Away = []attendance.Absence{{EmployeeID: ada.ID, From: june15, To: june15}}
		}), []attendance.StepApprover{appr(1, attendance.AsApprover), forID(6, 1, attendance.AsSubstitute), forID(8, 1, attendance.AsSubstitute)}},
		{"an admin's away approver: no manager substitutes", managerStep(1), facts(hal, away(ada, "2026-06-15", "2026-06-15"), func(f *attendance.DecisionFacts) {
			f.ManagersOf[ada.ID] = attendance.Chain{{ID: ben.ID, Role: attendance.RoleManager, Active: true}} // Ada under Ben, for the case
		}), []attendance.StepApprover{appr(1, attendance.AsApprover)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.StepApprovers(tt.step, tt.f)
			if !slices.Equal(got, tt.want) {
				t.Errorf("StepApprovers = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMayDecide(t *testing.T) {
	lone := func(f *attendance.DecisionFacts) { f.Admins, f.AdminsAboveOrBeside = []int64{1, 8}, 0 }
	tests := []struct {
		name     string
		step     attendance.ApprovalStep
		f        attendance.DecisionFacts
		actor    attendance.Actor
		want     attendance.StepApprover
		wantKind attendance.Kind
		wantCode string
	}{
		{name: "the step's approver", step: managerStep(1), f: facts(dan), actor: actor(cleo), want: appr(3, attendance.AsApprover)},
		{name: "a manager above a manager step", step: managerStep(1), f: facts(dan), actor: actor(ben), want: appr(2, attendance.AsManagerAbove)},
		{name: "an admin above a manager step decides as approver? no: as admin", step: managerStep(1), f: facts(dan), actor: actor(ada), want: appr(1, attendance.AsAdmin)},
		{name: "an admin outside the line", step: managerStep(1), f: facts(dan), actor: actor(fay), want: appr(6, attendance.AsAdmin)},
		{name: "a manager below the step", step: managerStep(2), f: facts(dan), actor: actor(cleo), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "a manager outside the line", step: managerStep(1), f: facts(dan), actor: actor(gus), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "an employee", step: managerStep(1), f: facts(dan), actor: actor(eve), wantKind: attendance.KindForbidden, wantCode: "forbidden"},
		{name: "the requester", step: managerStep(1), f: facts(cleo), actor: actor(cleo), wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "the requester who is in the step's group", step: groupStep("hr"), f: facts(gus), actor: actor(gus), wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "a group member", step: groupStep("hr"), f: facts(dan), actor: actor(ivy), want: appr(9, attendance.AsApprover)},
		{name: "a line manager at a group step", step: groupStep("hr"), f: facts(dan), actor: actor(ben), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "an admin at a group step", step: groupStep("hr"), f: facts(dan), actor: actor(fay), want: appr(6, attendance.AsAdmin)},
		{name: "a delegate", step: managerStep(1), f: facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20")), actor: actor(gus), want: forID(7, 3, attendance.AsDelegate)},
		{name: "a delegate after the range", step: managerStep(1), f: facts(dan, delegates(cleo, gus, "2026-06-01", "2026-06-14")), actor: actor(gus), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "the principal still decides while delegating", step: managerStep(1), f: facts(dan, delegates(cleo, gus, "2026-06-10", "2026-06-20")), actor: actor(cleo), want: appr(3, attendance.AsApprover)},
		{name: "a delegate on their own request", step: managerStep(1), f: facts(cleo, delegates(ben, cleo, "2026-06-10", "2026-06-20")), actor: actor(cleo), wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "a substitute for an away group member", step: groupStep("solo"), f: facts(dan, away(gus, "2026-06-15", "2026-06-15"), func(f *attendance.DecisionFacts) {
			f.ManagersOf[gus.ID] = attendance.Chain{{ID: ben.ID, Role: attendance.RoleManager, Active: true}}
		}), actor: actor(ben), want: forID(2, 7, attendance.AsSubstitute)},
		{name: "no substitute while the member is at work", step: groupStep("solo"), f: facts(dan, func(f *attendance.DecisionFacts) {
			f.ManagersOf[gus.ID] = attendance.Chain{{ID: ben.ID, Role: attendance.RoleManager, Active: true}}
		}), actor: actor(ben), wantKind: attendance.KindForbidden, wantCode: "not_approver"},

		{name: "a manager never decides an admin's leave, even as their manager", step: managerStep(1), f: facts(hal), actor: actor(ben), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "a group's manager member at an admin's group step", step: groupStep("hr"), f: facts(hal), actor: actor(gus), wantKind: attendance.KindForbidden, wantCode: "not_approver"},
		{name: "an admin's manager step: the admin above", step: managerStep(1), f: facts(hal), actor: actor(ada), want: appr(1, attendance.AsApprover)},
		{name: "another admin decides an admin's leave", step: managerStep(1), f: facts(hal), actor: actor(fay), want: appr(6, attendance.AsAdmin)},
		{name: "an admin below the requesting admin decides it", step: managerStep(1), f: facts(ada), actor: actor(hal), want: appr(8, attendance.AsApprover)},
		{name: "an admin with an admin beside them: not their own", step: managerStep(1), f: facts(ada), actor: actor(ada), wantKind: attendance.KindForbidden, wantCode: "own_request"},
		{name: "a lone admin decides their own", step: managerStep(1), f: facts(ada, lone), actor: actor(ada), want: appr(1, attendance.AsAdmin)},
		{name: "a lone admin decides every step of their own", step: groupStep("hr"), f: facts(ada, lone), actor: actor(ada), want: appr(1, attendance.AsAdmin)},
		{name: "a lone manager never decides their own", step: managerStep(1), f: facts(ivy, func(f *attendance.DecisionFacts) { f.Line, f.AdminsAboveOrBeside = nil, 0 }), actor: actor(ivy), wantKind: attendance.KindForbidden, wantCode: "own_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := attendance.MayDecide(tt.step, tt.actor, tt.f)
			checkErr(t, err, tt.wantKind, tt.wantCode)
			if got != tt.want {
				t.Errorf("MayDecide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEscalationRecipients(t *testing.T) {
	tests := []struct {
		name string
		step attendance.ApprovalStep
		f    attendance.DecisionFacts
		want []int64
	}{
		{"a manager step: the next manager up", managerStep(1), facts(dan), []int64{2}},
		{"the manager's manager step: the admin above", managerStep(2), facts(dan), []int64{1}},
		{"the top of the line: the other admins", managerStep(3), facts(dan), []int64{6, 8}},
		{"a group step: the admins", groupStep("hr"), facts(dan), []int64{1, 6, 8}},
		{"an admin's request: the next admin up, or the admins", managerStep(1), facts(hal), []int64{6}},
		{"the admins asked already: nobody more", groupStep("hr"), facts(ada), nil},
		{"not those already asked: a substitute", managerStep(1), facts(dan, away(cleo, "2026-06-15", "2026-06-15")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.EscalationRecipients(tt.step, tt.f)
			if !slices.Equal(got, tt.want) {
				t.Errorf("EscalationRecipients = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChainFor(t *testing.T) {
	one := []attendance.ApprovalStep{managerStep(1)}
	two := []attendance.ApprovalStep{managerStep(1), managerStep(2)}
	three := []attendance.ApprovalStep{managerStep(1), managerStep(2), groupStep("hr")}
	p, err := attendance.NewApprovalPolicy("annual", []attendance.ApprovalTier{
		{OverDays: attendance.WholeDays(10), Steps: three},
		{OverDays: attendance.Amount{}, Steps: one},
		{OverDays: attendance.WholeDays(5), Steps: two, DecideOnce: true},
	}, 2, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	def := attendance.DefaultApprovalPolicy("sick")
	tests := []struct {
		name       string
		p          attendance.ApprovalPolicy
		days       attendance.Amount
		wantSteps  int
		wantOver   attendance.Amount
		wantOnce   bool
		wantVerson int
	}{
		{"two hours", *p, attendance.NewAmount(2, 9), 1, attendance.Amount{}, false, 3},
		{"a half day", *p, attendance.HalfDays(1), 1, attendance.Amount{}, false, 3},
		{"one day", *p, attendance.WholeDays(1), 1, attendance.Amount{}, false, 3},
		{"five days is not more than five", *p, attendance.WholeDays(5), 1, attendance.Amount{}, false, 3},
		{"five and a half days", *p, attendance.HalfDays(11), 2, attendance.WholeDays(5), true, 3},
		{"ten days", *p, attendance.WholeDays(10), 2, attendance.WholeDays(5), true, 3},
		{"ten days and two hours", *p, attendance.WholeDays(10).Add(attendance.NewAmount(2, 9)), 3, attendance.WholeDays(10), false, 3},
		{"a whole year", *p, attendance.WholeDays(261), 3, attendance.WholeDays(10), false, 3},
		{"no policy: the employee's manager", def, attendance.WholeDays(20), 1, attendance.Amount{}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.ChainFor(tt.days)
			if len(got.Steps) != tt.wantSteps || got.OverDays != tt.wantOver || got.DecideOnce != tt.wantOnce || got.Version != tt.wantVerson {
				t.Errorf("ChainFor(%s) = %d steps over %s once %v version %d, want %d over %s once %v version %d", tt.days,
					len(got.Steps), got.OverDays, got.DecideOnce, got.Version, tt.wantSteps, tt.wantOver, tt.wantOnce, tt.wantVerson)
			}
		})
	}
	t.Run("the chain is a copy", func(t *testing.T) {
		c := p.ChainFor(attendance.WholeDays(20))
		c.Steps[0].Level = 9
		if p.ChainFor(attendance.WholeDays(20)).Steps[0].Level != 1 {
			t.Error("changing a request's chain changed the policy")
		}
	})
	t.Run("default labels", func(t *testing.T) {
		var got []string
		for _, s := range p.ChainFor(attendance.WholeDays(20)).Steps {
			got = append(got, s.Label)
		}
		if want := []string{"Manager", "Manager's manager", "hr"}; !slices.Equal(got, want) {
			t.Errorf("labels = %q, want %q", got, want)
		}
	})
}

func TestNewApprovalPolicyInvalid(t *testing.T) {
	known := func(code string) bool { return code == "hr" }
	one := []attendance.ApprovalStep{managerStep(1)}
	tier := func(over attendance.Amount, steps ...attendance.ApprovalStep) attendance.ApprovalTier {
		return attendance.ApprovalTier{OverDays: over, Steps: steps}
	}
	zero := attendance.Amount{}
	long := make([]attendance.ApprovalStep, attendance.MaxApprovalSteps+1)
	for i := range long {
		long[i] = managerStep(1)
	}
	tests := []struct {
		name  string
		tiers []attendance.ApprovalTier
		want  []string
	}{
		{"no tiers", nil, []string{"body.tiers"}},
		{"six tiers", []attendance.ApprovalTier{tier(zero, one...), tier(attendance.WholeDays(1), one...), tier(attendance.WholeDays(2), one...),
			tier(attendance.WholeDays(3), one...), tier(attendance.WholeDays(4), one...), tier(attendance.WholeDays(5), one...)}, []string{"body.tiers"}},
		{"no tier over 0 days", []attendance.ApprovalTier{tier(attendance.WholeDays(5), one...)}, []string{"body.tiers"}},
		{"a threshold twice", []attendance.ApprovalTier{tier(zero, one...), tier(zero, one...)}, []string{"body.tiers[1].over_days"}},
		{"a negative threshold", []attendance.ApprovalTier{tier(zero, one...), tier(attendance.WholeDays(-1), one...)}, []string{"body.tiers[1].over_days"}},
		{"a threshold in quarters", []attendance.ApprovalTier{tier(zero, one...), tier(attendance.NewAmount(5, 4), one...)}, []string{"body.tiers[1].over_days"}},
		{"no steps", []attendance.ApprovalTier{tier(zero)}, []string{"body.tiers[0].steps"}},
		{"eleven steps", []attendance.ApprovalTier{tier(zero, long...)}, []string{"body.tiers[0].steps"}},
		{"level 0", []attendance.ApprovalTier{tier(zero, managerStep(0))}, []string{"body.tiers[0].steps[0].level"}},
		{"level 11", []attendance.ApprovalTier{tier(zero, managerStep(11))}, []string{"body.tiers[0].steps[0].level"}},
		{"an unknown group", []attendance.ApprovalTier{tier(zero, groupStep("payroll"))}, []string{"body.tiers[0].steps[0].group"}},
		{"a group code that cannot be", []attendance.ApprovalTier{tier(zero, groupStep("HR"))}, []string{"body.tiers[0].steps[0].group"}},
		{"a group with a level", []attendance.ApprovalTier{tier(zero, attendance.ApprovalStep{Approver: attendance.ApproverGroup, Group: "hr", Level: 1})}, []string{"body.tiers[0].steps[0].level"}},
		{"a manager with a group", []attendance.ApprovalTier{tier(zero, attendance.ApprovalStep{Approver: attendance.ApproverManager, Group: "hr", Level: 1})}, []string{"body.tiers[0].steps[0].group"}},
		{"an unknown approver", []attendance.ApprovalTier{tier(zero, attendance.ApprovalStep{Approver: "ceo"})}, []string{"body.tiers[0].steps[0].approver"}},
		{"a label of two lines", []attendance.ApprovalTier{tier(zero, attendance.ApprovalStep{Approver: attendance.ApproverManager, Level: 1, Label: "a\nb"})}, []string{"body.tiers[0].steps[0].label"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := attendance.NewApprovalPolicy("annual", tt.tiers, 0, known)
			checkFields(t, err, tt.want...)
		})
	}
}

// chainOf returns a chain of steps, decided each step on its own.
func chainOf(steps ...attendance.ApprovalStep) attendance.ApprovalChain {
	return attendance.ApprovalChain{Steps: steps}
}

func TestDecide(t *testing.T) {
	made := utc("2026-06-10 09:00")
	now := utc("2026-06-15 10:00")
	approve := attendance.StepDecision{Action: attendance.Approve, Comment: "ok"}
	reject := attendance.StepDecision{Action: attendance.Reject, Comment: "not that week"}
	at := func(step int, d attendance.StepDecision) attendance.StepDecision { d.Step = step; return d }
	once := func(c attendance.ApprovalChain) attendance.ApprovalChain { c.DecideOnce = true; return c }

	// decision is one decision made, in order, on the request.
	type decision struct {
		by attendance.Person
		d  attendance.StepDecision
	}
	tests := []struct {
		name      string
		chain     attendance.ApprovalChain
		f         attendance.DecisionFacts
		before    []decision // made first, each must succeed
		by        attendance.Person
		d         attendance.StepDecision
		want      attendance.DecisionOutcome
		wantBy    attendance.StepApprover
		wantSteps []attendance.StepStatus
		wantKind  attendance.Kind
		wantCode  string
	}{
		{name: "one step approved: applied", chain: chainOf(managerStep(1)), f: facts(dan), by: cleo, d: approve,
			want: attendance.OutcomeApproved, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved"}},
		{name: "one step rejected", chain: chainOf(managerStep(1)), f: facts(dan), by: cleo, d: reject,
			want: attendance.OutcomeRejected, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"rejected"}},
		{name: "the first of two approved: the next step", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan), by: cleo, d: at(1, approve),
			want: attendance.OutcomeNextStep, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "the first of three rejected: the others skipped", chain: chainOf(managerStep(1), managerStep(2), groupStep("hr")), f: facts(dan), by: cleo, d: at(1, reject),
			want: attendance.OutcomeRejected, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"rejected", "skipped", "skipped"}},
		{name: "the second of two approved: applied", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: gus, d: at(2, approve),
			want: attendance.OutcomeApproved, wantBy: appr(7, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "approved"}},
		{name: "the second of three rejected", chain: chainOf(managerStep(1), groupStep("hr"), managerStep(2)), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: ivy, d: at(2, reject),
			want: attendance.OutcomeRejected, wantBy: appr(9, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "rejected", "skipped"}},
		{name: "a delegate decides for the approver", chain: chainOf(managerStep(1)), f: facts(dan, delegates(cleo, gus, "2026-06-15", "2026-06-15")), by: gus, d: approve,
			want: attendance.OutcomeApproved, wantBy: forID(7, 3, attendance.AsDelegate), wantSteps: []attendance.StepStatus{"approved"}},
		{name: "a chain of several steps needs the step", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan), by: cleo, d: approve,
			wantKind: attendance.KindInvalid, wantCode: "invalid", wantSteps: []attendance.StepStatus{"pending", "waiting"}},
		{name: "a chain of one step may name it", chain: chainOf(managerStep(1)), f: facts(dan), by: cleo, d: at(1, approve),
			want: attendance.OutcomeApproved, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved"}},

		{name: "a person at two steps decides each", chain: chainOf(managerStep(1), groupStep("leads")), f: facts(dan), by: cleo, d: at(1, approve),
			want: attendance.OutcomeNextStep, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "a person at two steps names the second", chain: chainOf(managerStep(1), groupStep("leads")), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: cleo, d: at(2, approve),
			want: attendance.OutcomeApproved, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "approved"}},
		{name: "a retry never decides the second step", chain: chainOf(managerStep(1), groupStep("leads")), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: cleo, d: at(1, approve),
			wantKind: attendance.KindConflict, wantCode: "step_moved", wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "decide once: the second step with the first", chain: once(chainOf(managerStep(1), groupStep("leads"))), f: facts(dan), by: cleo, d: at(1, approve),
			want: attendance.OutcomeApproved, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "approved"}},
		{name: "decide once: a later step, not the next", chain: once(chainOf(groupStep("leads"), managerStep(2), managerStep(1))), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: ben, d: at(2, approve),
			want: attendance.OutcomeApproved, wantBy: appr(2, attendance.AsApprover), wantSteps: []attendance.StepStatus{"approved", "approved", "approved"}},
		{name: "decide once: only an approver in their own right", chain: once(chainOf(managerStep(1), groupStep("hr"))), f: facts(dan), by: fay, d: at(1, approve),
			want: attendance.OutcomeNextStep, wantBy: appr(6, attendance.AsAdmin), wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "decide once: a delegate who is named later", chain: once(chainOf(managerStep(1), groupStep("leads"))), f: facts(dan, delegates(cleo, gus, "2026-06-15", "2026-06-15")),
			by: gus, d: at(1, approve), want: attendance.OutcomeApproved, wantBy: forID(7, 3, attendance.AsDelegate), wantSteps: []attendance.StepStatus{"approved", "approved"}},
		{name: "decide once: a rejection still ends it", chain: once(chainOf(managerStep(1), groupStep("leads"))), f: facts(dan), by: cleo, d: at(1, reject),
			want: attendance.OutcomeRejected, wantBy: appr(3, attendance.AsApprover), wantSteps: []attendance.StepStatus{"rejected", "skipped"}},

		{name: "a step that moved", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: ben, d: at(1, reject),
			wantKind: attendance.KindConflict, wantCode: "step_moved", wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "a step beyond the chain", chain: chainOf(managerStep(1)), f: facts(dan), by: cleo, d: at(2, approve),
			wantKind: attendance.KindConflict, wantCode: "step_moved", wantSteps: []attendance.StepStatus{"pending"}},
		{name: "a rejected request", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan),
			before: []decision{{cleo, at(1, reject)}}, by: gus, d: at(2, approve),
			wantKind: attendance.KindConflict, wantCode: "not_pending", wantSteps: []attendance.StepStatus{"rejected", "skipped"}},
		{name: "an approved request", chain: chainOf(managerStep(1)), f: facts(dan),
			before: []decision{{cleo, approve}}, by: ben, d: reject,
			wantKind: attendance.KindConflict, wantCode: "not_pending", wantSteps: []attendance.StepStatus{"approved"}},
		{name: "not an approver of the current step", chain: chainOf(managerStep(1), groupStep("hr")), f: facts(dan),
			before: []decision{{cleo, at(1, approve)}}, by: ben, d: at(2, approve),
			wantKind: attendance.KindForbidden, wantCode: "not_approver", wantSteps: []attendance.StepStatus{"approved", "pending"}},
		{name: "the requester", chain: chainOf(managerStep(1)), f: facts(cleo), by: cleo, d: approve,
			wantKind: attendance.KindForbidden, wantCode: "own_request", wantSteps: []attendance.StepStatus{"pending"}},
		{name: "the requester, even on a decided request", chain: chainOf(managerStep(1)), f: facts(cleo),
			before: []decision{{ben, approve}}, by: cleo, d: approve,
			wantKind: attendance.KindForbidden, wantCode: "own_request", wantSteps: []attendance.StepStatus{"approved"}},
		{name: "an employee", chain: chainOf(managerStep(1)), f: facts(dan), by: eve, d: approve,
			wantKind: attendance.KindForbidden, wantCode: "forbidden", wantSteps: []attendance.StepStatus{"pending"}},
		{name: "a lone admin's own request", chain: chainOf(managerStep(1), groupStep("hr")),
			f:      facts(ada, func(f *attendance.DecisionFacts) { f.Admins, f.AdminsAboveOrBeside = []int64{1}, 0 }),
			before: []decision{{ada, at(1, approve)}}, by: ada, d: at(2, approve),
			want: attendance.OutcomeApproved, wantBy: appr(1, attendance.AsAdmin), wantSteps: []attendance.StepStatus{"approved", "approved"}},
		{name: "an unknown action", chain: chainOf(managerStep(1)), f: facts(dan), by: cleo, d: attendance.StepDecision{Action: "maybe"},
			wantKind: attendance.KindInvalid, wantCode: "invalid", wantSteps: []attendance.StepStatus{"pending"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := attendance.NewApprovalState(tt.chain, made)
			for _, b := range tt.before {
				if _, _, err := st.Decide(actor(b.by), b.d, made.Add(time.Hour), tt.f); err != nil {
					t.Fatalf("decision before by %d: %v", b.by.ID, err)
				}
			}
			got, outcome, err := st.Decide(actor(tt.by), tt.d, now, tt.f)
			checkErr(t, err, tt.wantKind, tt.wantCode)
			if outcome != tt.want || got != tt.wantBy {
				t.Errorf("Decide = %+v, %q, want %+v, %q", got, outcome, tt.wantBy, tt.want)
			}
			var steps []attendance.StepStatus
			for _, s := range st.Steps {
				steps = append(steps, s.Status)
			}
			if !slices.Equal(steps, tt.wantSteps) {
				t.Errorf("steps = %q, want %q", steps, tt.wantSteps)
			}
		})
	}
}

func TestDecideRecords(t *testing.T) {
	made := utc("2026-06-10 09:00")
	now := utc("2026-06-15 10:00")
	f := facts(dan, delegates(cleo, gus, "2026-06-15", "2026-06-15"))
	st := attendance.NewApprovalState(attendance.ApprovalChain{DecideOnce: true, Steps: []attendance.ApprovalStep{managerStep(1), groupStep("leads"), managerStep(2)}}, made)
	if c := st.Current(); c == nil || c.Step != 1 || !c.PendingSince.Equal(made) {
		t.Fatalf("Current = %+v, want step 1 pending since %s", c, made)
	}
	if _, _, err := st.Decide(actor(gus), attendance.StepDecision{Step: 1, Action: attendance.Approve, Comment: "for Cleo"}, now, f); err != nil {
		t.Fatal(err)
	}
	s1, s2, s3 := st.Steps[0], st.Steps[1], st.Steps[2]
	if *s1.DecidedBy != gus.ID || s1.DecidedFor == nil || *s1.DecidedFor != cleo.ID || s1.DecidedAs != attendance.AsDelegate || !s1.DecidedAt.Equal(now) || s1.Comment != "for Cleo" {
		t.Errorf("step 1 = %+v, want decided by Gus for Cleo as delegate at %s", s1, now)
	}
	if *s2.DecidedBy != gus.ID || s2.DecidedFor != nil || s2.DecidedAs != attendance.AsEarlierStep || s2.Comment == "" {
		t.Errorf("step 2 = %+v, want counted from step 1", s2)
	}
	if s3.Status != attendance.StepPending || !s3.PendingSince.Equal(now) {
		t.Errorf("step 3 = %+v, want pending since %s", s3, now)
	}
	if st.Final() != nil {
		t.Errorf("Final = %+v while pending, want nil", st.Final())
	}
	later := now.Add(time.Hour)
	if _, out, err := st.Decide(actor(ben), attendance.StepDecision{Step: 3, Action: attendance.Approve}, later, f); err != nil || out != attendance.OutcomeApproved {
		t.Fatalf("Decide = %q, %v", out, err)
	}
	if fin := st.Final(); fin == nil || fin.Step != 3 || *fin.DecidedBy != ben.ID || !fin.DecidedAt.Equal(later) {
		t.Errorf("Final = %+v, want step 3 by Ben", fin)
	}

	t.Run("a decide-once approval at the last step is the first's", func(t *testing.T) {
		st := attendance.NewApprovalState(attendance.ApprovalChain{DecideOnce: true, Steps: []attendance.ApprovalStep{managerStep(1), groupStep("leads")}}, made)
		if _, _, err := st.Decide(actor(cleo), attendance.StepDecision{Step: 1, Action: attendance.Approve, Comment: "fine"}, now, facts(dan)); err != nil {
			t.Fatal(err)
		}
		if fin := st.Final(); fin == nil || fin.Step != 1 || fin.Comment != "fine" {
			t.Errorf("Final = %+v, want step 1's decision", fin)
		}
	})
	t.Run("cancel skips what is left", func(t *testing.T) {
		st := attendance.NewApprovalState(chainOf(managerStep(1), groupStep("hr"), managerStep(2)), made)
		if _, _, err := st.Decide(actor(cleo), attendance.StepDecision{Step: 1, Action: attendance.Approve}, now, facts(dan)); err != nil {
			t.Fatal(err)
		}
		st.Cancel()
		var got []attendance.StepStatus
		for _, s := range st.Steps {
			got = append(got, s.Status)
		}
		if want := []attendance.StepStatus{"approved", "skipped", "skipped"}; !slices.Equal(got, want) {
			t.Errorf("steps = %q, want %q", got, want)
		}
	})
	t.Run("no steps: nothing to decide", func(t *testing.T) {
		st := attendance.NewApprovalState(attendance.ApprovalChain{}, made)
		_, _, err := st.Decide(actor(cleo), attendance.StepDecision{Action: attendance.Approve}, now, facts(dan))
		checkErr(t, err, attendance.KindConflict, "not_pending")
	})
}

func TestMigratedApprovalState(t *testing.T) {
	made := utc("2026-05-01 08:00")
	decided := utc("2026-05-02 09:30")
	req := func(status attendance.LeaveStatus, by *int64) *attendance.LeaveRequest {
		r := &attendance.LeaveRequest{ID: 11, EmployeeID: 4, Status: status, CreatedAt: made, DecidedBy: by, DecisionComment: "enjoy"}
		if by != nil {
			r.DecidedAt = &decided
		}
		return r
	}
	tests := []struct {
		name       string
		r          *attendance.LeaveRequest
		wantStatus []attendance.StepStatus
		wantBy     *int64
		wantFinal  bool
	}{
		{"pending: waits for the manager", req(attendance.LeavePending, nil), []attendance.StepStatus{"pending"}, nil, false},
		{"approved by a manager", req(attendance.LeaveApproved, ptr(int64(3))), []attendance.StepStatus{"approved"}, ptr(int64(3)), true},
		{"rejected by an admin", req(attendance.LeaveRejected, ptr(int64(1))), []attendance.StepStatus{"rejected"}, ptr(int64(1)), true},
		{"approved on request: no steps", req(attendance.LeaveApproved, nil), nil, nil, false},
		{"cancelled while pending", req(attendance.LeaveCancelled, nil), []attendance.StepStatus{"skipped"}, nil, false},
		{"cancelled after approval", req(attendance.LeaveCancelled, ptr(int64(3))), []attendance.StepStatus{"approved"}, ptr(int64(3)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := attendance.MigratedApprovalState(tt.r)
			var got []attendance.StepStatus
			for _, s := range st.Steps {
				got = append(got, s.Status)
			}
			if !slices.Equal(got, tt.wantStatus) {
				t.Fatalf("steps = %q, want %q", got, tt.wantStatus)
			}
			if len(st.Steps) > 0 {
				s := st.Steps[0]
				if s.Approver != attendance.ApproverManager || s.Level != 1 || !s.PendingSince.Equal(made) {
					t.Errorf("step = %+v, want the employee's manager, pending since the request was made", s)
				}
				if (s.DecidedBy == nil) != (tt.wantBy == nil) || s.DecidedBy != nil && *s.DecidedBy != *tt.wantBy {
					t.Errorf("decided_by = %v, want %v", s.DecidedBy, tt.wantBy)
				}
			}
			fin := st.Final()
			if (fin != nil) != tt.wantFinal {
				t.Fatalf("Final = %+v, want one: %v", fin, tt.wantFinal)
			}
			if fin != nil && (*fin.DecidedBy != *tt.r.DecidedBy || !fin.DecidedAt.Equal(*tt.r.DecidedAt) || fin.Comment != tt.r.DecisionComment || fin.DecidedAs != attendance.AsRecorded) {
				t.Errorf("Final = %+v, want the request's decision, recorded", fin)
			}
		})
	}
	t.Run("a pending migrated request is decided as today", func(t *testing.T) {
		st := attendance.MigratedApprovalState(req(attendance.LeavePending, nil))
		for _, a := range []attendance.Person{cleo, ben, ada, fay} {
			st := st
			st.Steps = slices.Clone(st.Steps)
			if _, out, err := st.Decide(actor(a), attendance.StepDecision{Action: attendance.Approve}, decided, facts(dan)); err != nil || out != attendance.OutcomeApproved {
				t.Errorf("manager access in scope (%d): Decide = %q, %v; want approved", a.ID, out, err)
			}
		}
		if _, _, err := st.Decide(actor(gus), attendance.StepDecision{Action: attendance.Approve}, decided, facts(dan)); err == nil {
			t.Error("a manager outside the line decided")
		}
	})
}
