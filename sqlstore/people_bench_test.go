package sqlstore_test

import (
	"context"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// The people list's first page at 10,000 employees (issue 16: under 200 ms
// of server time), on a demo company of 10,000 people and one day of
// attendance, made once per run.

var bigDB = &benchCompany{employees: 10000, days: 1, prefix: "attendance-bench-people"}

func bigStore(b *testing.B) *sqlstore.DB { return bigDB.open(b) }

// BenchmarkPeopleFirstPage lists the first 50 people of 10,000 as the
// people page asks for them: an admin's and a manager's, by id, by name
// and searched.
func BenchmarkPeopleFirstPage(b *testing.B) {
	db := bigStore(b)
	emp := sqlstore.NewEmployeeService(db, nil)
	ctx := context.Background()
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	mgrs, _, err := emp.ListEmployees(ctx, admin, attendance.EmployeeFilter{Role: ptr(attendance.RoleManager), Page: attendance.Page{Limit: 1}})
	if err != nil || len(mgrs) == 0 {
		b.Fatalf("no manager: %v", err)
	}
	manager := mgrs[0].Actor()
	active := true
	for _, bc := range []struct {
		name string
		a    attendance.Actor
		f    attendance.EmployeeFilter
	}{
		{"admin", admin, attendance.EmployeeFilter{Active: &active}},
		{"admin-by-name", admin, attendance.EmployeeFilter{Active: &active, Ordering: "name"}},
		{"admin-by-name-desc-page-100", admin, attendance.EmployeeFilter{Active: &active, Ordering: "-name", Page: attendance.Page{Offset: 4950}}},
		{"admin-search", admin, attendance.EmployeeFilter{Active: &active, Query: "ann"}},
		{"manager", manager, attendance.EmployeeFilter{Active: &active}},
		{"manager-by-name", manager, attendance.EmployeeFilter{Active: &active, Ordering: "name"}},
		{"departments", admin, attendance.EmployeeFilter{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				var n int
				var err error
				if bc.name == "departments" {
					_, n, err = emp.ListDepartments(ctx, bc.a, attendance.Page{Limit: 500})
				} else {
					_, n, err = emp.ListEmployees(ctx, bc.a, bc.f)
				}
				if err != nil || n == 0 {
					b.Fatal(n, err)
				}
			}
		})
	}
}
