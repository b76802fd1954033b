package attendance_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/openattendance/attendance"
)

// The company of the scope tests:
//
//	1 admin
//	└── 2 manager
//	    ├── 3 manager
//	    │   └── 4 employee
//	    └── 5 employee
//	6 manager (no manager)
//	└── 7 employee
var chains = map[int64]attendance.Chain{
	1: nil,
	2: {{ID: 1, Role: attendance.RoleAdmin, Active: true}},
	3: {{ID: 2, Role: attendance.RoleManager, Active: true}, {ID: 1, Role: attendance.RoleAdmin, Active: true}},
	4: {{ID: 3, Role: attendance.RoleManager, Active: true}, {ID: 2, Role: attendance.RoleManager, Active: true}, {ID: 1, Role: attendance.RoleAdmin, Active: true}},
	5: {{ID: 2, Role: attendance.RoleManager, Active: true}, {ID: 1, Role: attendance.RoleAdmin, Active: true}},
	6: nil,
	7: {{ID: 6, Role: attendance.RoleManager, Active: true}},
}

func TestInScope(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager2 := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	manager3 := attendance.Actor{ID: 3, Role: attendance.RoleManager}
	manager6 := attendance.Actor{ID: 6, Role: attendance.RoleManager}
	employee4 := attendance.Actor{ID: 4, Role: attendance.RoleEmployee}

	tests := []struct {
		name   string
		actor  attendance.Actor
		target int64
		want   bool
	}{
		{"admin: themselves", admin, 1, true},
		{"admin: a manager", admin, 2, true},
		{"admin: an indirect report", admin, 4, true},
		{"admin: outside their line", admin, 7, true},
		{"admin: a manager with no manager", admin, 6, true},
		{"manager: themselves", manager2, 2, true},
		{"manager: a direct report", manager2, 5, true},
		{"manager: a direct report who manages", manager2, 3, true},
		{"manager: an indirect report", manager2, 4, true},
		{"manager: their own manager", manager2, 1, false},
		{"manager: another team", manager2, 7, false},
		{"manager: another manager", manager2, 6, false},
		{"lower manager: their report", manager3, 4, true},
		{"lower manager: a sibling", manager3, 5, false},
		{"lower manager: their manager", manager3, 2, false},
		{"manager: someone else's indirect report", manager6, 4, false},
		{"employee: themselves", employee4, 4, true},
		{"employee: their manager", employee4, 3, false},
		{"employee: a colleague", employee4, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.InScope(tt.actor, tt.target, chains[tt.target]); got != tt.want {
				t.Errorf("InScope(%d as %s, %d) = %v, want %v", tt.actor.ID, tt.actor.Role, tt.target, got, tt.want)
			}
		})
	}
}

func TestChainContains(t *testing.T) {
	c := chains[4]
	for _, tt := range []struct {
		id   int64
		want bool
	}{{3, true}, {2, true}, {1, true}, {4, false}, {5, false}, {0, false}} {
		if got := c.Contains(tt.id); got != tt.want {
			t.Errorf("chain of 4 Contains(%d) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if attendance.Chain(nil).Contains(1) {
		t.Error("empty chain Contains(1) = true, want false")
	}
}

func TestChainWatchers(t *testing.T) {
	link := func(id int64, role attendance.Role, active bool) attendance.ChainLink {
		return attendance.ChainLink{ID: id, Role: role, Active: active}
	}
	tests := []struct {
		name  string
		chain attendance.Chain
		want  []int64
	}{
		{"no one above", nil, nil},
		{"managers and an admin, nearest first", chains[4], []int64{3, 2, 1}},
		{"a manager demoted to employee is left out", attendance.Chain{
			link(3, attendance.RoleEmployee, true), link(2, attendance.RoleManager, true)}, []int64{2}},
		{"a deactivated manager is left out", attendance.Chain{
			link(3, attendance.RoleManager, false), link(1, attendance.RoleAdmin, true)}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.chain.Watchers(); !slices.Equal(got, tt.want) {
				t.Errorf("Watchers() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	tests := []struct {
		role         attendance.Role
		valid, mgr   bool
		wantMgrErr   bool
		wantAdminErr bool
		isAdmin      bool
	}{
		{attendance.RoleEmployee, true, false, true, true, false},
		{attendance.RoleManager, true, true, false, true, false},
		{attendance.RoleAdmin, true, true, false, false, true},
		{"root", false, false, true, true, false},
		{"", false, false, true, true, false},
		{"Admin", false, false, true, true, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			a := attendance.Actor{ID: 1, Role: tt.role}
			if got := tt.role.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			if got := tt.role.HasManagerAccess(); got != tt.mgr {
				t.Errorf("Role.HasManagerAccess() = %v, want %v", got, tt.mgr)
			}
			if got := a.HasManagerAccess(); got != tt.mgr {
				t.Errorf("Actor.HasManagerAccess() = %v, want %v", got, tt.mgr)
			}
			if got := a.IsAdmin(); got != tt.isAdmin {
				t.Errorf("IsAdmin() = %v, want %v", got, tt.isAdmin)
			}
			if tt.wantMgrErr {
				checkErr(t, attendance.RequireManagerAccess(a), attendance.KindForbidden, "forbidden")
			} else {
				checkErr(t, attendance.RequireManagerAccess(a), "", "")
			}
			if tt.wantAdminErr {
				checkErr(t, attendance.RequireAdmin(a), attendance.KindForbidden, "forbidden")
			} else {
				checkErr(t, attendance.RequireAdmin(a), "", "")
			}
		})
	}
}

// staff returns the employee "before" an update.
func staff(id int64, role attendance.Role, managerID int64) *attendance.Employee {
	e := &attendance.Employee{
		ID:               id,
		Username:         fmt.Sprintf("user%d", id),
		Role:             role,
		Timezone:         "Europe/Berlin",
		WorkStart:        hm("08:00"),
		WorkEnd:          hm("17:00"),
		WorkDays:         attendance.MondayToFriday,
		LateGraceMinutes: 5,
		AnnualLeaveDays:  15,
		HiredOn:          date("2024-01-01"),
		Active:           true,
	}
	if managerID != 0 {
		e.ManagerID = ptr(managerID)
	}
	return e
}

func TestEmployeeChangeCheck(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	employee := attendance.Actor{ID: 4, Role: attendance.RoleEmployee}
	newUser := attendance.EmployeeFields{Username: ptr("newbie"), Password: ptr("correct horse")}
	with := func(f attendance.EmployeeFields, edit func(*attendance.EmployeeFields)) attendance.EmployeeFields {
		edit(&f)
		return f
	}
	managerSet := func(id int64) attendance.EmployeeFields {
		return attendance.EmployeeFields{ManagerID: ptr(id), ManagerIDSet: true}
	}
	nullManager := attendance.EmployeeFields{ManagerIDSet: true}

	tests := []struct {
		name     string
		c        attendance.EmployeeChange
		wantKind attendance.Kind
		wantCode string
	}{
		// Creating.
		{name: "create: employee may not", c: attendance.EmployeeChange{Actor: employee, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerID, f.ManagerIDSet = ptr[int64](4), true }), ManagerExists: true, ManagerInScope: true},
			wantKind: attendance.KindForbidden},
		{name: "create: manager creates an employee under themselves", c: attendance.EmployeeChange{Actor: manager, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerID, f.ManagerIDSet = ptr[int64](2), true }), ManagerExists: true, ManagerInScope: true}},
		{name: "create: manager creates a manager under a report", c: attendance.EmployeeChange{Actor: manager, Fields: with(newUser, func(f *attendance.EmployeeFields) {
			f.Role, f.ManagerID, f.ManagerIDSet = ptr(attendance.RoleManager), ptr[int64](3), true
		}), ManagerExists: true, ManagerInScope: true}},
		{name: "create: manager creates an admin", c: attendance.EmployeeChange{Actor: manager, Fields: with(newUser, func(f *attendance.EmployeeFields) {
			f.Role, f.ManagerID, f.ManagerIDSet = ptr(attendance.RoleAdmin), ptr[int64](2), true
		}), ManagerExists: true, ManagerInScope: true}, wantKind: attendance.KindForbidden},
		{name: "create: admin creates an admin with no manager", c: attendance.EmployeeChange{Actor: admin, Fields: with(newUser, func(f *attendance.EmployeeFields) {
			f.Role, f.ManagerIDSet = ptr(attendance.RoleAdmin), true
		})}},
		{name: "create: admin picks any manager", c: attendance.EmployeeChange{Actor: admin, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerID, f.ManagerIDSet = ptr[int64](7), true }), ManagerExists: true, ManagerInScope: false}},
		{name: "create: no password", c: attendance.EmployeeChange{Actor: admin, Fields: attendance.EmployeeFields{Username: ptr("newbie")}},
			wantKind: attendance.KindInvalid},
		{name: "create: no username", c: attendance.EmployeeChange{Actor: admin, Fields: attendance.EmployeeFields{Password: ptr("correct horse")}},
			wantKind: attendance.KindInvalid},
		{name: "create: manager_id outside the manager's scope", c: attendance.EmployeeChange{Actor: manager, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerID, f.ManagerIDSet = ptr[int64](6), true }), ManagerExists: true, ManagerInScope: false},
			wantKind: attendance.KindInvalid},
		{name: "create: manager_id of nobody", c: attendance.EmployeeChange{Actor: admin, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerID, f.ManagerIDSet = ptr[int64](99), true }), ManagerExists: false},
			wantKind: attendance.KindInvalid},
		{name: "create: manager sets a null manager", c: attendance.EmployeeChange{Actor: manager, Fields: with(newUser, func(f *attendance.EmployeeFields) { f.ManagerIDSet = true })},
			wantKind: attendance.KindInvalid},

		// Editing others.
		{name: "update: employee may not", c: attendance.EmployeeChange{Actor: employee, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{FirstName: ptr("Bo")}},
			wantKind: attendance.KindForbidden},
		{name: "update: manager renames a report", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{FirstName: ptr("Bo"), Email: ptr("bo@example.com")}}},
		{name: "update: manager resets a report's password", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{Password: ptr("new secret 1")}}},
		{name: "update: manager changes a report's schedule and allowance", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{
			WorkStart: ptr(hm("09:00")), WorkDays: ptr(sundayToThur), LateGraceMinutes: ptr(10), AnnualLeaveDays: ptr(20.0), Timezone: ptr("Asia/Jerusalem"),
		}}},
		{name: "update: manager promotes a report to manager", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}}},
		{name: "update: manager demotes a manager", c: attendance.EmployeeChange{Actor: manager, Before: staff(3, attendance.RoleManager, 2), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleEmployee)}}},
		{name: "update: manager deactivates a report", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{Active: ptr(false)}}},
		{name: "update: manager promotes to admin", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleAdmin)}},
			wantKind: attendance.KindForbidden},
		{name: "update: manager edits an admin", c: attendance.EmployeeChange{Actor: manager, Before: staff(8, attendance.RoleAdmin, 2), Fields: attendance.EmployeeFields{FirstName: ptr("Al")}, OtherActiveAdmins: 1},
			wantKind: attendance.KindForbidden},
		{name: "update: manager edits an admin without changing anything", c: attendance.EmployeeChange{Actor: manager, Before: staff(8, attendance.RoleAdmin, 2), OtherActiveAdmins: 1},
			wantKind: attendance.KindForbidden},
		{name: "update: manager moves a report under another report", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(3), ManagerExists: true, ManagerInScope: true}},
		{name: "update: manager moves a report out of scope", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(6), ManagerExists: true, ManagerInScope: false},
			wantKind: attendance.KindInvalid},
		{name: "update: manager_id of nobody", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(99), ManagerExists: false},
			wantKind: attendance.KindInvalid},
		{name: "update: manager makes a cycle", c: attendance.EmployeeChange{Actor: manager, Before: staff(3, attendance.RoleManager, 2), Fields: managerSet(4), ManagerExists: true, ManagerInScope: true, ManagerCycle: true},
			wantKind: attendance.KindInvalid},
		{name: "update: admin makes a cycle", c: attendance.EmployeeChange{Actor: admin, Before: staff(2, attendance.RoleManager, 1), Fields: managerSet(4), ManagerExists: true, ManagerInScope: true, ManagerCycle: true},
			wantKind: attendance.KindInvalid},
		{name: "update: someone their own manager", c: attendance.EmployeeChange{Actor: admin, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(5), ManagerExists: true, ManagerInScope: true, ManagerCycle: true},
			wantKind: attendance.KindInvalid},
		{name: "update: manager sets a null manager", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: nullManager},
			wantKind: attendance.KindInvalid},
		{name: "update: admin sets a null manager", c: attendance.EmployeeChange{Actor: admin, Before: staff(5, attendance.RoleEmployee, 2), Fields: nullManager}},
		{name: "update: an unchanged manager_id is not checked again", c: attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(2), ManagerExists: true, ManagerInScope: false}},
		{name: "update: admin moves someone anywhere", c: attendance.EmployeeChange{Actor: admin, Before: staff(5, attendance.RoleEmployee, 2), Fields: managerSet(6), ManagerExists: true, ManagerInScope: false}},

		// Admins.
		{name: "admin promotes to admin", c: attendance.EmployeeChange{Actor: admin, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleAdmin)}}},
		{name: "admin edits another admin", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{
			FirstName: ptr("Al"), AnnualLeaveDays: ptr(30.0), WorkDays: ptr(everyDay), Password: ptr("reset pass 1"),
		}, OtherActiveAdmins: 1}},
		{name: "admin demotes another admin", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}, OtherActiveAdmins: 1}},
		{name: "admin deactivates another admin", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Active: ptr(false)}, OtherActiveAdmins: 1}},
		{name: "last admin demoted", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleEmployee)}, OtherActiveAdmins: 0},
			wantKind: attendance.KindConflict, wantCode: "last_admin"},
		{name: "last admin deactivated", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Active: ptr(false)}, OtherActiveAdmins: 0},
			wantKind: attendance.KindConflict, wantCode: "last_admin"},
		{name: "last admin keeps role and flag", c: attendance.EmployeeChange{Actor: admin, Before: staff(8, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleAdmin), Active: ptr(true), FirstName: ptr("Al")}, OtherActiveAdmins: 0}},
		{name: "an inactive admin may be demoted with no other admin", c: attendance.EmployeeChange{Actor: admin, Before: func() *attendance.Employee {
			e := staff(8, attendance.RoleAdmin, 0)
			e.Active = false
			return e
		}(), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleEmployee)}, OtherActiveAdmins: 0}},

		// Oneself.
		{name: "self: names, email and department", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{
			FirstName: ptr("Mo"), LastName: ptr("Ng"), Email: ptr("mo@example.com"), Department: ptr("Sales"),
		}}},
		{name: "self: role", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleEmployee)}},
			wantKind: attendance.KindForbidden},
		{name: "self: role unchanged", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}}},
		{name: "self: manager", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: managerSet(6), ManagerExists: true, ManagerInScope: true},
			wantKind: attendance.KindForbidden},
		{name: "self: manager removed", c: attendance.EmployeeChange{Actor: admin, Before: staff(1, attendance.RoleAdmin, 6), Fields: nullManager, OtherActiveAdmins: 1},
			wantKind: attendance.KindForbidden},
		{name: "self: manager unchanged", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: managerSet(1), ManagerExists: true}},
		{name: "self: null manager unchanged", c: attendance.EmployeeChange{Actor: admin, Before: staff(1, attendance.RoleAdmin, 0), Fields: nullManager, OtherActiveAdmins: 1}},
		{name: "self: active flag", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{Active: ptr(false)}},
			wantKind: attendance.KindForbidden},
		{name: "self: active flag unchanged", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{Active: ptr(true)}}},
		{name: "self: allowance", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{AnnualLeaveDays: ptr(30.0)}},
			wantKind: attendance.KindForbidden},
		{name: "self: allowance unchanged", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{AnnualLeaveDays: ptr(15.0)}}},
		{name: "self: time zone", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{Timezone: ptr("UTC")}},
			wantKind: attendance.KindForbidden},
		{name: "self: work start", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{WorkStart: ptr(hm("10:00"))}},
			wantKind: attendance.KindForbidden},
		{name: "self: work end", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{WorkEnd: ptr(hm("12:00"))}},
			wantKind: attendance.KindForbidden},
		{name: "self: work days", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{WorkDays: ptr(attendance.NewWeekdays(1))}},
			wantKind: attendance.KindForbidden},
		{name: "self: grace", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{LateGraceMinutes: ptr(60)}},
			wantKind: attendance.KindForbidden},
		{name: "self: schedule unchanged", c: attendance.EmployeeChange{Actor: manager, Before: staff(2, attendance.RoleManager, 1), Fields: attendance.EmployeeFields{
			Timezone: ptr("Europe/Berlin"), WorkStart: ptr(hm("08:00")), WorkEnd: ptr(hm("17:00")), WorkDays: ptr(attendance.MondayToFriday), LateGraceMinutes: ptr(5), HiredOn: ptr(date("2024-01-01")),
		}}},
		{name: "self: admin changes own role", c: attendance.EmployeeChange{Actor: admin, Before: staff(1, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}, OtherActiveAdmins: 1},
			wantKind: attendance.KindForbidden},
		{name: "self: admin changes own allowance", c: attendance.EmployeeChange{Actor: admin, Before: staff(1, attendance.RoleAdmin, 0), Fields: attendance.EmployeeFields{AnnualLeaveDays: ptr(40.0)}, OtherActiveAdmins: 1},
			wantKind: attendance.KindForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.c.Check(), tt.wantKind, tt.wantCode)
		})
	}
}

func TestEmployeeChangeInvalidFields(t *testing.T) {
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	tests := []struct {
		name string
		c    attendance.EmployeeChange
		want string
	}{
		{"missing password", attendance.EmployeeChange{Actor: manager, Fields: attendance.EmployeeFields{Username: ptr("newbie")}}, "body.password"},
		{"missing username", attendance.EmployeeChange{Actor: manager, Fields: attendance.EmployeeFields{Password: ptr("correct horse")}}, "body.username"},
		{"manager out of scope", attendance.EmployeeChange{Actor: manager, Before: staff(5, attendance.RoleEmployee, 2), Fields: attendance.EmployeeFields{ManagerID: ptr[int64](6), ManagerIDSet: true}, ManagerExists: true}, "body.manager_id"},
		{"cycle", attendance.EmployeeChange{Actor: manager, Before: staff(3, attendance.RoleManager, 2), Fields: attendance.EmployeeFields{ManagerID: ptr[int64](4), ManagerIDSet: true}, ManagerExists: true, ManagerInScope: true, ManagerCycle: true}, "body.manager_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFields(t, tt.c.Check(), tt.want)
		})
	}
}

// TestLastAdminOnThemselves: the sole active admin is the only one who can
// reach the last-admin rule through the API (any other actor allowed to edit
// an admin is an active admin too), so the 409 must win over the 403 for
// changing one's own role or active flag, or the contract's 409 last_admin
// can never be seen.
func TestLastAdminOnThemselves(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	tests := []struct {
		name string
		f    attendance.EmployeeFields
	}{
		{"demote", attendance.EmployeeFields{Role: ptr(attendance.RoleManager)}},
		{"deactivate", attendance.EmployeeFields{Active: ptr(false)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := attendance.EmployeeChange{Actor: admin, Before: staff(1, attendance.RoleAdmin, 0), Fields: tt.f, OtherActiveAdmins: 0}
			checkErr(t, c.Check(), attendance.KindConflict, "last_admin")
		})
	}
}

// TestEmployeeChangeDeactivate: the rules for deactivating an employee in
// scope (an update of the active flag alone).
func TestEmployeeChangeDeactivate(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	employee := attendance.Actor{ID: 4, Role: attendance.RoleEmployee}
	tests := []struct {
		name        string
		actor       attendance.Actor
		target      *attendance.Employee
		otherAdmins int
		wantKind    attendance.Kind
		wantCode    string
	}{
		{"manager deactivates a report", manager, staff(5, attendance.RoleEmployee, 2), 1, "", ""},
		{"manager deactivates a lower manager", manager, staff(3, attendance.RoleManager, 2), 1, "", ""},
		{"manager deactivates an admin", manager, staff(8, attendance.RoleAdmin, 2), 1, attendance.KindForbidden, "forbidden"},
		{"manager deactivates themselves", manager, staff(2, attendance.RoleManager, 1), 1, attendance.KindForbidden, "forbidden"},
		{"employee deactivates someone", employee, staff(5, attendance.RoleEmployee, 2), 1, attendance.KindForbidden, "forbidden"},
		{"admin deactivates an admin", admin, staff(8, attendance.RoleAdmin, 0), 1, "", ""},
		{"admin deactivates the last active admin", admin, staff(8, attendance.RoleAdmin, 0), 0, attendance.KindConflict, "last_admin"},
		{"admin deactivates an employee", admin, staff(5, attendance.RoleEmployee, 2), 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := attendance.EmployeeChange{Actor: tt.actor, Before: tt.target, Fields: attendance.EmployeeFields{Active: ptr(false)},
				OtherActiveAdmins: tt.otherAdmins}
			checkErr(t, c.Check(), tt.wantKind, tt.wantCode)
		})
	}
}

func TestNotifyManagers(t *testing.T) {
	link := func(id int64, role attendance.Role, active bool) attendance.ChainLink {
		return attendance.ChainLink{ID: id, Role: role, Active: active}
	}
	tests := []struct {
		name         string
		employeeID   int64
		chain        attendance.Chain
		activeAdmins []int64
		want         []int64
	}{
		{"the direct manager", 4,
			attendance.Chain{link(3, attendance.RoleManager, true), link(2, attendance.RoleManager, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1}, []int64{3}},
		{"an inactive manager is skipped", 4,
			attendance.Chain{link(3, attendance.RoleManager, false), link(2, attendance.RoleManager, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1}, []int64{2}},
		{"an employee-role link is skipped", 4,
			attendance.Chain{link(9, attendance.RoleEmployee, true), link(2, attendance.RoleManager, true)},
			[]int64{1}, []int64{2}},
		{"an admin up the chain", 4,
			attendance.Chain{link(9, attendance.RoleEmployee, true), link(3, attendance.RoleManager, false), link(1, attendance.RoleAdmin, true)},
			[]int64{1, 8}, []int64{1}},
		{"an inactive admin up the chain is skipped", 4,
			attendance.Chain{link(8, attendance.RoleAdmin, false)},
			[]int64{1}, []int64{1}},
		{"nobody up the chain: every active admin", 4,
			attendance.Chain{link(9, attendance.RoleEmployee, true), link(3, attendance.RoleManager, false)},
			[]int64{1, 8}, []int64{1, 8}},
		{"no manager at all: every active admin", 6, nil, []int64{1, 8}, []int64{1, 8}},
		{"an admin without a manager: the other admins", 1, nil, []int64{1, 8}, []int64{8}},
		{"the sole admin: nobody", 1, nil, []int64{1}, nil},
		{"no admins: nobody", 6, nil, nil, nil},
		{"a cycle back to the employee is skipped", 5,
			attendance.Chain{link(5, attendance.RoleManager, true)},
			[]int64{1}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NotifyManagers(tt.employeeID, tt.chain, tt.activeAdmins)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NotifyManagers(%d) = %v, want %v", tt.employeeID, got, tt.want)
			}
		})
	}
}

func TestEditable(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	employee := attendance.Actor{ID: 4, Role: attendance.RoleEmployee}
	tests := []struct {
		name       string
		actor      attendance.Actor
		targetID   int64
		targetRole attendance.Role
		want       bool
	}{
		{"manager: an employee in their line", manager, 5, attendance.RoleEmployee, true},
		{"manager: a manager in their line", manager, 3, attendance.RoleManager, true},
		{"manager: an admin in their line", manager, 9, attendance.RoleAdmin, false},
		{"manager: themselves", manager, 2, attendance.RoleManager, true},
		{"admin: another admin", admin, 8, attendance.RoleAdmin, true},
		{"admin: an employee", admin, 5, attendance.RoleEmployee, true},
		{"admin: themselves", admin, 1, attendance.RoleAdmin, true},
		{"employee: themselves", employee, 4, attendance.RoleEmployee, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.Editable(tt.actor, tt.targetID, tt.targetRole); got != tt.want {
				t.Errorf("Editable(%d as %s, %d the %s) = %v, want %v", tt.actor.ID, tt.actor.Role, tt.targetID, tt.targetRole, got, tt.want)
			}
			wantKind := attendance.KindForbidden
			if tt.want {
				wantKind = ""
			}
			checkErr(t, attendance.CheckEditable(tt.actor, tt.targetID, tt.targetRole), wantKind, "")
		})
	}
}

func TestNotifyDeciders(t *testing.T) {
	link := func(id int64, role attendance.Role, active bool) attendance.ChainLink {
		return attendance.ChainLink{ID: id, Role: role, Active: active}
	}
	tests := []struct {
		name         string
		employeeID   int64
		role         attendance.Role
		chain        attendance.Chain
		activeAdmins []int64
		want         []int64
	}{
		{"an employee: their manager", 4, attendance.RoleEmployee,
			attendance.Chain{link(3, attendance.RoleManager, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1, 8}, []int64{3}},
		{"a manager: their manager", 3, attendance.RoleManager,
			attendance.Chain{link(2, attendance.RoleManager, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1, 8}, []int64{2}},
		{"an admin under a manager: the admin above the manager", 9, attendance.RoleAdmin,
			attendance.Chain{link(3, attendance.RoleManager, true), link(2, attendance.RoleManager, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1, 8, 9}, []int64{1}},
		{"an admin under a manager with no admin above: every other admin", 9, attendance.RoleAdmin,
			attendance.Chain{link(6, attendance.RoleManager, true)},
			[]int64{1, 8, 9}, []int64{1, 8}},
		{"an admin under a manager under an inactive admin: every other admin", 9, attendance.RoleAdmin,
			attendance.Chain{link(6, attendance.RoleManager, true), link(8, attendance.RoleAdmin, false)},
			[]int64{1, 9}, []int64{1}},
		{"an admin under an admin: that admin", 9, attendance.RoleAdmin,
			attendance.Chain{link(8, attendance.RoleAdmin, true), link(1, attendance.RoleAdmin, true)},
			[]int64{1, 8, 9}, []int64{8}},
		{"an admin without a manager: the other admins", 1, attendance.RoleAdmin, nil, []int64{1, 8}, []int64{8}},
		{"the sole admin under a manager: nobody", 9, attendance.RoleAdmin,
			attendance.Chain{link(6, attendance.RoleManager, true)}, []int64{9}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NotifyDeciders(tt.employeeID, tt.role, tt.chain, tt.activeAdmins)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NotifyDeciders(%d the %s) = %v, want %v", tt.employeeID, tt.role, got, tt.want)
			}
		})
	}
}
