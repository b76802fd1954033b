package attendance_test

import (
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
)

func TestEmployeeActions(t *testing.T) {
	all := "[assign-admin-role convert-overtime deactivate-employee record-event replace-employee update-employee void-event]"
	report := "[convert-overtime deactivate-employee record-event replace-employee update-employee void-event]"
	self := "[replace-employee update-employee]"
	for _, tt := range []struct {
		name   string
		actor  attendance.Actor
		target attendance.Employee
		want   string
	}{
		{"an employee, themselves", attendance.Actor{ID: 1, Role: attendance.RoleEmployee}, attendance.Employee{ID: 1, Role: attendance.RoleEmployee}, "[]"},
		{"a manager, a report", attendance.Actor{ID: 2, Role: attendance.RoleManager}, attendance.Employee{ID: 1, Role: attendance.RoleEmployee}, report},
		{"a manager, a manager below", attendance.Actor{ID: 2, Role: attendance.RoleManager}, attendance.Employee{ID: 3, Role: attendance.RoleManager}, report},
		{"a manager, themselves", attendance.Actor{ID: 2, Role: attendance.RoleManager}, attendance.Employee{ID: 2, Role: attendance.RoleManager}, self},
		{"a manager, an admin who reports to them", attendance.Actor{ID: 2, Role: attendance.RoleManager}, attendance.Employee{ID: 4, Role: attendance.RoleAdmin}, "[]"},
		{"an admin, anyone", attendance.Actor{ID: 4, Role: attendance.RoleAdmin}, attendance.Employee{ID: 1, Role: attendance.RoleEmployee}, all},
		{"an admin, another admin", attendance.Actor{ID: 4, Role: attendance.RoleAdmin}, attendance.Employee{ID: 5, Role: attendance.RoleAdmin}, all},
		{"an admin, themselves", attendance.Actor{ID: 4, Role: attendance.RoleAdmin}, attendance.Employee{ID: 4, Role: attendance.RoleAdmin}, self},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fmt.Sprint(attendance.EmployeeActions(tt.actor, &tt.target)); got != tt.want {
				t.Errorf("EmployeeActions = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRolePermissions(t *testing.T) {
	for role, want := range map[attendance.Role]string{
		attendance.RoleEmployee: "[]",
		attendance.RoleManager:  "[create-team-calendar-feed]",
		attendance.RoleAdmin:    "[assign-admin-role create-team-calendar-feed]",
	} {
		if got := fmt.Sprint(attendance.RolePermissions(attendance.Actor{Role: role})); got != want {
			t.Errorf("%s: %s, want %s", role, got, want)
		}
	}
}
