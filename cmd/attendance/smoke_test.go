package main

import "testing"

func TestSmoke(t *testing.T) {
	app := mustStart(t)
	var me struct{ Username string }
	app.Admin.Do("GET", "/api/users/me/", nil).Want(200).JSON(&me)
	if me.Username != "admin" {
		t.Fatalf("me = %q", me.Username)
	}
	m := app.Admin.NewUser("mgr", map[string]any{"role": "manager"})
	e := m.NewUser("emp", nil)
	e.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)
	e.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).WantProblem(409, "already_clocked_in")
	m.Do("GET", "/api/attendance/overview/", nil).Want(200)
	m.Do("GET", "/api/employees/", nil).Want(200)
	e.Do("GET", "/api/employees/", nil).WantProblem(403, "forbidden")
}
