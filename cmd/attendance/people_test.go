package main

import (
	"slices"
	"testing"
)

// TestPeopleList: GET /api/employees/?ordering= and the rows' manager_name,
// and GET /api/departments/, each within the caller's scope.
func TestPeopleList(t *testing.T) {
	app := mustStart(t)
	admin := app.Admin
	boss := admin.NewUser("pl_boss", map[string]any{"role": "manager", "first_name": "Mona", "last_name": "Boss", "department": "Ops"})
	zed := boss.CreateEmployee("pl_zed", map[string]any{"first_name": "zed", "last_name": "Ash", "department": "Ops", "hired_on": "2026-01-02"})
	amy := boss.CreateEmployee("pl_amy", map[string]any{"first_name": "Amy", "last_name": "Zorn", "department": "Sales", "hired_on": "2026-03-01"})
	admin.CreateEmployee("pl_out", map[string]any{"department": "Secret"})

	type row struct {
		ID          int64   `json:"id"`
		Username    string  `json:"username"`
		ManagerName *string `json:"manager_name"`
	}
	order := func(q string) []string {
		var l list[row]
		boss.Do("GET", "/api/employees/?"+q, nil).Want(200).JSON(&l)
		var names []string
		for _, r := range l.Results {
			names = append(names, r.Username)
			if r.Username == "pl_zed" && (r.ManagerName == nil || *r.ManagerName != "Mona Boss") {
				t.Errorf("zed's manager_name = %v, want Mona Boss", r.ManagerName)
			}
		}
		return names
	}
	for q, want := range map[string][]string{
		"":                               {"pl_boss", "pl_zed", "pl_amy"},
		"ordering=name":                  {"pl_amy", "pl_boss", "pl_zed"}, // ignoring case
		"ordering=-name":                 {"pl_zed", "pl_boss", "pl_amy"},
		"ordering=username":              {"pl_amy", "pl_boss", "pl_zed"},
		"ordering=-id":                   {"pl_amy", "pl_zed", "pl_boss"},
		"ordering=department":            {"pl_boss", "pl_zed", "pl_amy"},
		"ordering=-hired_on":             {"pl_boss", "pl_amy", "pl_zed"},
		"ordering=name&limit=1&offset=1": {"pl_boss"},
	} {
		if got := order(q); !slices.Equal(got, want) {
			t.Errorf("?%s: %v, want %v", q, got, want)
		}
	}
	boss.Do("GET", "/api/employees/?ordering=salary", nil).WantProblem(422, "")
	_, _ = zed, amy

	var deps list[struct {
		Name      string `json:"name"`
		Employees int    `json:"employees"`
		Active    int    `json:"active"`
	}]
	boss.Do("GET", "/api/departments/", nil).Want(200).JSON(&deps)
	if deps.Count != 2 || len(deps.Results) != 2 || deps.Results[0].Name != "Ops" || deps.Results[0].Employees != 2 || deps.Results[1].Name != "Sales" {
		t.Errorf("the manager's departments: %+v", deps)
	}
	boss.Do("DELETE", empPath(amy.ID), nil).Want(204)
	boss.Do("GET", "/api/departments/", nil).Want(200).JSON(&deps)
	if deps.Results[1].Employees != 1 || deps.Results[1].Active != 0 {
		t.Errorf("a deactivated person's department: %+v", deps.Results[1])
	}
	admin.Do("GET", "/api/departments/?limit=1", nil).Want(200).JSON(&deps)
	if deps.Count != 3 || len(deps.Results) != 1 || deps.Next == nil {
		t.Errorf("the admin's first page of departments: %+v", deps)
	}
	boss.NewUser("pl_emp", nil).Do("GET", "/api/departments/", nil).WantProblem(403, "")
}
