package main

import (
	"slices"
	"testing"

	"github.com/openattendance/attendance"
)

// TestMeCan: GET /api/users/me/ lists the operations the user's role may
// call, from the same check that guards them: each listed one answers the
// user something other than 403 for the role, and each one left out is 403.
func TestMeCan(t *testing.T) {
	app := mustStart(t)
	boss := app.Admin.NewUser("can_boss", map[string]any{"role": "manager"})
	emp := boss.NewUser("can_emp", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Security    []any  `json:"security"`
		} `json:"paths"`
	}
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)
	secured := map[string]bool{}
	for _, methods := range doc.Paths {
		for _, op := range methods {
			if len(op.Security) > 0 {
				secured[op.OperationID] = true
			}
		}
	}
	can := func(c *client) []string {
		var me struct {
			ID  int64    `json:"id"`
			Can []string `json:"can"`
		}
		c.Do("GET", "/api/users/me/", nil).Want(200).JSON(&me)
		if me.ID != c.ID() {
			t.Errorf("me is %d, want %d", me.ID, c.ID())
		}
		for _, id := range me.Can {
			if !secured[id] && id != attendance.CanAssignAdmin && id != attendance.CanTeamFeed {
				t.Errorf("can lists %q, not an operation that needs a token", id)
			}
		}
		return me.Can
	}
	for _, tc := range []struct {
		who      string
		c        *client
		yes, not []string
	}{
		// Beside the operations, what a role may do within one that others
		// may call too: make admins, have a team calendar feed.
		{"employee", emp, []string{"me", "record-event", "request-leave"}, []string{"list-employees", "import-employees", "create-holiday", "attendance-overview",
			attendance.CanAssignAdmin, attendance.CanTeamFeed}},
		{"manager", boss, []string{"me", "list-employees", "import-employees", "attendance-overview", "leave-overview", attendance.CanTeamFeed},
			[]string{"create-holiday", attendance.CanAssignAdmin}},
		{"admin", app.Admin, []string{"list-employees", "import-employees", "create-holiday", attendance.CanAssignAdmin, attendance.CanTeamFeed}, nil},
	} {
		got := can(tc.c)
		for _, id := range tc.yes {
			if !slices.Contains(got, id) {
				t.Errorf("%s: can %v lacks %q", tc.who, got, id)
			}
		}
		for _, id := range tc.not {
			if slices.Contains(got, id) {
				t.Errorf("%s: can lists %q", tc.who, id)
			}
		}
		if !slices.IsSorted(got) {
			t.Errorf("%s: can is not sorted: %v", tc.who, got)
		}
	}
	// What an employee may not call is refused to them, and what a manager
	// may not do within an operation to the manager.
	emp.Do("GET", "/api/employees/", nil).WantProblem(403, "")
	emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "team"}).WantProblem(403, "")
	boss.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "team"}).Want(201)
	boss.Do("POST", "/api/employees/", map[string]any{"username": "can_new_admin", "password": testPassword, "role": "admin"}).WantProblem(403, "")
	app.Admin.Do("POST", "/api/employees/", map[string]any{"username": "can_new_admin", "password": testPassword, "role": "admin"}).Want(201)
	boss.Do("POST", "/api/holidays/", map[string]string{"date": "2030-01-01", "name": "x"}).WantProblem(403, "")
}
