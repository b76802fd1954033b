package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// HTTP tests of the Employees section of the contract and of "Roles and
// scope": who may see and change whom, escalation, validation, deactivation,
// list filters and pagination, and the conventions every path shares
// (trailing slashes, 404/405 problems, the body limit).

func empPath(id int64) string { return "/api/employees/" + itoa(id) + "/" }

// getEmployee reads an employee as c, failing unless that is 200.
func getEmployee(c *client, id int64) attendance.Employee {
	c.app.t.Helper()
	var e attendance.Employee
	c.Do("GET", empPath(id), nil).Want(200).JSON(&e)
	return e
}

// getEmployeeMap reads an employee as c, as the JSON object a client would PUT back.
func getEmployeeMap(c *client, id int64) map[string]any {
	c.app.t.Helper()
	var m map[string]any
	c.Do("GET", empPath(id), nil).Want(200).JSON(&m)
	return m
}

// listIDs lists employees as c with the query q and returns the ids of one page.
func listIDs(c *client, q string) (ids []int64, l list[attendance.Employee]) {
	c.app.t.Helper()
	c.Do("GET", "/api/employees/"+q, nil).Want(200).JSON(&l)
	for _, e := range l.Results {
		ids = append(ids, e.ID)
	}
	return ids, l
}

// wantIDs fails unless got and want hold the same ids, in any order.
func wantIDs(t testing.TB, what string, got []int64, want ...int64) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: ids %v, want %v", what, g, w)
	}
}

// noLeak fails when a response body names any of the secret usernames.
func noLeak(t testing.TB, res *response, secrets ...string) {
	t.Helper()
	body := strings.ToLower(string(res.Body))
	for _, s := range secrets {
		if strings.Contains(body, strings.ToLower(s)) {
			t.Errorf("%s: body names out-of-scope %q: %s", res.req, s, res.Body)
		}
	}
}

// wantField fails unless a validation problem names the field at loc.
func wantField(t testing.TB, p problem, loc string) {
	t.Helper()
	if !namesField(p, loc) {
		t.Errorf("errors = %+v, want one at %s", p.Errors, loc)
	}
}

// TestEmployeeAccess drives every employee endpoint as every kind of caller
// over one company:
//
//	admin
//	├── mona_alpha (manager)
//	│   ├── mike_bravo (manager)
//	│   │   └── ella_echo
//	│   ├── erin_charlie
//	│   └── eve_delta
//	└── mark_foxtrot (manager)
//	    └── emil_golf
func TestEmployeeAccess(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	m1 := admin.NewUser("mona_alpha", map[string]any{"role": "manager", "department": "Ops"})
	m1a := m1.NewUser("mike_bravo", map[string]any{"role": "manager", "department": "Ops"})
	e1 := m1.NewUser("erin_charlie", map[string]any{"department": "Ops"})
	e1b := m1.NewUser("eve_delta", map[string]any{"department": "Ops"})
	e2 := m1a.NewUser("ella_echo", map[string]any{"department": "Ops"})
	m2 := admin.NewUser("mark_foxtrot", map[string]any{"role": "manager"})
	e3 := m2.NewUser("emil_golf", nil)
	const missing = 999999

	if e2.Me.ManagerID == nil || *e2.Me.ManagerID != m1a.ID() || m1a.Me.ManagerID == nil || *m1a.Me.ManagerID != m1.ID() {
		t.Fatalf("setup: ella reports to %v, mike to %v", e2.Me.ManagerID, m1a.Me.ManagerID)
	}
	newBody := func(username string) map[string]any {
		return map[string]any{"username": username, "password": testPassword}
	}

	t.Run("anonymous", func(t *testing.T) {
		anon := app.In(t).Anon()
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/employees/", nil},
			{"POST", "/api/employees/", newBody("anon_made")},
			{"GET", empPath(e1.ID()), nil},
			{"PUT", empPath(e1.ID()), map[string]any{"username": "erin_charlie", "department": "X"}},
			{"PATCH", empPath(e1.ID()), map[string]any{"department": "X"}},
			{"DELETE", empPath(e1.ID()), nil},
			{"GET", empPath(missing), nil},
		} {
			res := anon.Do(tc.method, tc.path, tc.body)
			res.WantProblem(401, "unauthorized")
			noLeak(t, res, "erin_charlie")
		}
		if e := getEmployee(admin.In(t), e1.ID()); e.Department != "Ops" || !e.Active {
			t.Errorf("after anonymous writes: department %q active %v, want Ops true", e.Department, e.Active)
		}
		_, l := listIDs(admin.In(t), "?q=anon_made&active=all")
		if l.Count != 0 {
			t.Errorf("anonymous POST created %d employees", l.Count)
		}
	})

	t.Run("employee", func(t *testing.T) {
		c := e1.In(t)
		c.Do("GET", "/api/employees/", nil).WantProblem(403, "forbidden")
		c.Do("POST", "/api/employees/", newBody("emp_made")).WantProblem(403, "forbidden")
		if _, l := listIDs(admin.In(t), "?q=emp_made&active=all"); l.Count != 0 {
			t.Errorf("an employee's POST created %d employees", l.Count)
		}

		self := getEmployee(c, e1.ID())
		if self.Username != "erin_charlie" || self.ManagerID == nil || *self.ManagerID != m1.ID() {
			t.Errorf("GET self: %+v", self)
		}

		notFound := c.Do("GET", empPath(missing), nil)
		notFound.WantProblem(404, "not_found")
		for name, id := range map[string]int64{"a colleague": e1b.ID(), "own manager": m1.ID(), "admin": admin.ID(), "someone elsewhere": e3.ID()} {
			res := c.Do("GET", empPath(id), nil)
			res.WantProblem(404, "not_found")
			if string(res.Body) != string(notFound.Body) {
				t.Errorf("GET %s: body %s, want the same as for no such id: %s", name, res.Body, notFound.Body)
			}
			noLeak(t, res, "eve_delta", "mona_alpha", "emil_golf")
		}
		for _, id := range []int64{e1.ID(), e1b.ID(), missing} {
			c.Do("PUT", empPath(id), map[string]any{"username": "erin_charlie", "first_name": "E"}).WantProblem(403, "forbidden")
			c.Do("PATCH", empPath(id), map[string]any{"first_name": "E"}).WantProblem(403, "forbidden")
			c.Do("DELETE", empPath(id), nil).WantProblem(403, "forbidden")
		}
		if e := getEmployee(c, e1.ID()); e.FirstName != "" || !e.Active {
			t.Errorf("after refused writes: first_name %q active %v", e.FirstName, e.Active)
		}
		if e := getEmployee(admin.In(t), e1b.ID()); e.FirstName != "" || !e.Active {
			t.Errorf("colleague after refused writes: first_name %q active %v", e.FirstName, e.Active)
		}
	})

	t.Run("another employee", func(t *testing.T) {
		c := e1b.In(t)
		res := c.Do("GET", empPath(e1.ID()), nil)
		res.WantProblem(404, "not_found")
		noLeak(t, res, "erin_charlie")
		if e := getEmployee(c, e1b.ID()); e.Username != "eve_delta" {
			t.Errorf("GET self: username %q", e.Username)
		}
		c2 := e2.In(t)
		c2.Do("GET", empPath(e1.ID()), nil).WantProblem(404, "not_found")
		c2.Do("GET", empPath(m1a.ID()), nil).WantProblem(404, "not_found")
	})

	t.Run("manager in scope", func(t *testing.T) {
		c := m1.In(t)
		ids, l := listIDs(c, "")
		wantIDs(t, "mona's list", ids, m1.ID(), m1a.ID(), e1.ID(), e1b.ID(), e2.ID())
		if l.Count != 5 {
			t.Errorf("count = %d, want 5", l.Count)
		}
		wantIDs(t, "mike's list", must(listIDs(m1a.In(t), "")), m1a.ID(), e2.ID())

		for _, tc := range []struct {
			name string
			who  *client
		}{
			{"direct report", e1},
			{"indirect report", e2},
			{"report who is a manager", m1a},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := m1.In(t)
				if e := getEmployee(c, tc.who.ID()); e.Username != tc.who.Me.Username {
					t.Errorf("GET: username %q, want %q", e.Username, tc.who.Me.Username)
				}
				var e attendance.Employee
				c.Do("PATCH", empPath(tc.who.ID()), map[string]any{"department": "Field"}).Want(200).JSON(&e)
				if e.Department != "Field" || e.Username != tc.who.Me.Username {
					t.Errorf("PATCH response: department %q username %q", e.Department, e.Username)
				}
				m := getEmployeeMap(c, tc.who.ID())
				if m["department"] != "Field" {
					t.Errorf("after PATCH: department %v, want Field", m["department"])
				}
				m["department"] = "Ops"
				m["last_name"] = "Put"
				c.Do("PUT", empPath(tc.who.ID()), m).Want(200).JSON(&e)
				if e.Department != "Ops" || e.LastName != "Put" {
					t.Errorf("PUT response: department %q last_name %q", e.Department, e.LastName)
				}
				if g := getEmployee(admin.In(t), tc.who.ID()); g.Department != "Ops" || g.LastName != "Put" || g.Role != tc.who.Me.Role {
					t.Errorf("after PUT: %+v", g)
				}
				// The report still signs in: nothing but the fields above changed.
				wantSignedIn(tc.who.In(t), tc.who.Me.Username)
			})
		}

		t.Run("create and deactivate", func(t *testing.T) {
			c := m1.In(t)
			d1 := c.CreateEmployee("direct_temp", nil)
			d2 := m1a.In(t).CreateEmployee("indirect_temp", nil)
			if d1.ManagerID == nil || *d1.ManagerID != m1.ID() {
				t.Errorf("created by mona: manager_id %v, want %d", d1.ManagerID, m1.ID())
			}
			for _, d := range []attendance.Employee{d1, d2} {
				c.Do("DELETE", empPath(d.ID), nil).Want(204)
				if e := getEmployee(admin.In(t), d.ID); e.Active {
					t.Errorf("%s still active after DELETE", d.Username)
				}
			}
		})
	})

	t.Run("manager out of scope", func(t *testing.T) {
		c := m2.In(t)
		secrets := []string{"mona_alpha", "mike_bravo", "erin_charlie", "eve_delta", "ella_echo"}
		for _, q := range []string{"", "?active=all", "?active=false", "?department=Ops", "?q=alpha", "?q=_", "?limit=500"} {
			ids, l := listIDs(c, q)
			for _, id := range ids {
				if id != m2.ID() && id != e3.ID() {
					t.Errorf("list %q: id %d is outside mark's scope", q, id)
				}
			}
			if l.Count != len(ids) {
				t.Errorf("list %q: count %d, but %d results", q, l.Count, len(ids))
			}
		}
		wantIDs(t, "mark's list", must(listIDs(c, "")), m2.ID(), e3.ID())

		notFound := c.Do("GET", empPath(missing), nil)
		notFound.WantProblem(404, "not_found")
		for name, id := range map[string]int64{"other manager": m1.ID(), "their manager": m1a.ID(), "their report": e1.ID(), "indirect": e2.ID(), "admin": admin.ID()} {
			t.Run(name, func(t *testing.T) {
				c := m2.In(t)
				for _, res := range []*response{
					c.Do("GET", empPath(id), nil),
					c.Do("PUT", empPath(id), map[string]any{"username": "hijacked", "department": "Gone"}),
					c.Do("PATCH", empPath(id), map[string]any{"department": "Gone"}),
					c.Do("PATCH", empPath(id), map[string]any{"password": "hijack-password"}),
					c.Do("PATCH", empPath(id), map[string]any{"manager_id": m2.ID()}),
					c.Do("DELETE", empPath(id), nil),
				} {
					res.WantProblem(404, "not_found")
					if string(res.Body) != string(notFound.Body) {
						t.Errorf("%s: body %s, want the same as for no such id: %s", res.req, res.Body, notFound.Body)
					}
					noLeak(t, res, secrets...)
				}
				e := getEmployee(admin.In(t), id)
				if e.Department == "Gone" || e.Username == "hijacked" || !e.Active || (e.ManagerID != nil && *e.ManagerID == m2.ID()) {
					t.Errorf("after refused writes: %+v", e)
				}
			})
		}
		for _, who := range []*client{m1, e1} {
			wantSignedIn(who.In(t), who.Me.Username) // the password was not reset
		}
		res := c.Do("POST", "/api/employees/", map[string]any{"username": "steal_report", "password": testPassword, "manager_id": e1.ID()})
		res.WantProblem(422, "")
		noLeak(t, res, secrets...)
	})

	t.Run("admin", func(t *testing.T) {
		c := admin.In(t)
		ids, _ := listIDs(c, "")
		for _, who := range []*client{admin, m1, m1a, e1, e1b, e2, m2, e3} {
			if !slices.Contains(ids, who.ID()) {
				t.Errorf("admin's list lacks %s", who.Me.Username)
			}
			if e := getEmployee(c, who.ID()); e.Username != who.Me.Username {
				t.Errorf("GET %d: username %q, want %q", who.ID(), e.Username, who.Me.Username)
			}
		}
		c.Do("PATCH", empPath(e3.ID()), map[string]any{"department": "Admin-set"}).Want(200)
		m := getEmployeeMap(c, e3.ID())
		m["first_name"] = "Emil"
		c.Do("PUT", empPath(e3.ID()), m).Want(200)
		if e := getEmployee(m2.In(t), e3.ID()); e.Department != "Admin-set" || e.FirstName != "Emil" {
			t.Errorf("after admin's writes: department %q first_name %q", e.Department, e.FirstName)
		}
		d := c.CreateEmployee("admin_temp", nil)
		if d.ManagerID == nil || *d.ManagerID != admin.ID() {
			t.Errorf("created by admin: manager_id %v, want %d", d.ManagerID, admin.ID())
		}
		c.Do("DELETE", empPath(d.ID), nil).Want(204)
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			var body any
			if method == "PATCH" {
				body = map[string]any{"department": "X"}
			}
			c.Do(method, empPath(missing), body).WantProblem(404, "not_found")
		}
	})
}

// must drops the second result.
func must[A, B any](a A, _ B) A { return a }

func TestEmployeeEscalation(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	mgr := admin.NewUser("mgr", map[string]any{"role": "manager"})
	rep := mgr.NewUser("reginald", nil)
	rep2 := mgr.CreateEmployee("rep2", nil)
	om := admin.NewUser("other_mgr", map[string]any{"role": "manager"})
	ox := om.CreateEmployee("other_rep", nil)
	// An admin inside mgr's reporting line.
	adm2 := admin.CreateEmployee("adm2", map[string]any{"role": "admin", "manager_id": mgr.ID()})
	const missing = 999999

	t.Run("manager creates an admin", func(t *testing.T) {
		mgr.In(t).Do("POST", "/api/employees/", map[string]any{"username": "sneaky_admin", "password": testPassword, "role": "admin"}).WantProblem(403, "forbidden")
		if _, l := listIDs(admin.In(t), "?q=sneaky_admin&active=all"); l.Count != 0 {
			t.Errorf("a refused create made %d employees", l.Count)
		}
		var e attendance.Employee
		mgr.In(t).Do("POST", "/api/employees/", map[string]any{"username": "new_mgr", "password": testPassword, "role": "manager"}).Want(201).JSON(&e)
		if e.Role != attendance.RoleManager {
			t.Errorf("manager created role %q, want manager", e.Role)
		}
	})
	t.Run("manager promotes to admin", func(t *testing.T) {
		c := mgr.In(t)
		c.Do("PATCH", empPath(rep.ID()), map[string]any{"role": "admin"}).WantProblem(403, "forbidden")
		m := getEmployeeMap(c, rep.ID())
		m["role"] = "admin"
		c.Do("PUT", empPath(rep.ID()), m).WantProblem(403, "forbidden")
		if e := getEmployee(admin.In(t), rep.ID()); e.Role != attendance.RoleEmployee {
			t.Errorf("role = %q, want employee", e.Role)
		}
		// Who is not an admin cannot do admin things with the same token.
		rep.In(t).Do("GET", "/api/employees/", nil).WantProblem(403, "forbidden")
	})
	t.Run("manager promotes to manager", func(t *testing.T) {
		var e attendance.Employee
		mgr.In(t).Do("PATCH", empPath(rep2.ID), map[string]any{"role": "manager"}).Want(200).JSON(&e)
		if e.Role != attendance.RoleManager {
			t.Errorf("role = %q, want manager", e.Role)
		}
	})
	t.Run("manager edits an admin in their line", func(t *testing.T) {
		c := mgr.In(t)
		for _, body := range []map[string]any{
			{"first_name": "Changed"},
			{"role": "manager"},
			{"active": false},
			{"password": "taken-over-pass"},
		} {
			c.Do("PATCH", empPath(adm2.ID), body).WantProblem(403, "forbidden")
		}
		c.Do("PUT", empPath(adm2.ID), map[string]any{"username": "adm2", "first_name": "Changed"}).WantProblem(403, "forbidden")
		c.Do("DELETE", empPath(adm2.ID), nil).WantProblem(403, "forbidden")
		e := getEmployee(admin.In(t), adm2.ID)
		if e.Role != attendance.RoleAdmin || !e.Active || e.FirstName != "" {
			t.Errorf("adm2 after refused edits: %+v", e)
		}
		wantSignedIn(app.In(t).Login("adm2", testPassword), "adm2")
	})
	t.Run("manager_id outside the manager's scope", func(t *testing.T) {
		c := mgr.In(t)
		var bodies []string
		for _, id := range []any{om.ID(), ox.ID, admin.ID(), missing, nil} {
			res := c.Do("PATCH", empPath(rep.ID()), map[string]any{"manager_id": id})
			wantField(t, res.WantProblem(422, ""), "body.manager_id")
			noLeak(t, res, "other_mgr", "other_rep")
			if id != nil {
				bodies = append(bodies, string(res.Body))
			}
		}
		// An id outside the scope and an id that does not exist get the same
		// answer: a manager cannot probe for ids.
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Errorf("different answers for ids outside the scope: %s and %s", bodies[0], b)
			}
		}
		res := c.Do("POST", "/api/employees/", map[string]any{"username": "placed_out", "password": testPassword, "manager_id": ox.ID})
		wantField(t, res.WantProblem(422, ""), "body.manager_id")
		c.Do("POST", "/api/employees/", map[string]any{"username": "placed_null", "password": testPassword, "manager_id": nil}).WantProblem(422, "")
		if e := getEmployee(c, rep.ID()); e.ManagerID == nil || *e.ManagerID != mgr.ID() {
			t.Errorf("manager_id = %v, want %d", e.ManagerID, mgr.ID())
		}
	})
	t.Run("manager_id inside the manager's scope", func(t *testing.T) {
		c := mgr.In(t)
		var e attendance.Employee
		c.Do("PATCH", empPath(rep2.ID), map[string]any{"manager_id": rep.ID()}).Want(200).JSON(&e)
		if e.ManagerID == nil || *e.ManagerID != rep.ID() {
			t.Errorf("manager_id = %v, want %d", e.ManagerID, rep.ID())
		}
		getEmployee(c, rep2.ID) // still in scope, two levels down
		c.Do("PATCH", empPath(rep2.ID), map[string]any{"manager_id": mgr.ID()}).Want(200)
	})
	t.Run("manager_id defaults to the caller", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			by     *client
			fields map[string]any
			want   *int64
		}{
			{"manager", mgr, nil, ptr(mgr.ID())},
			{"admin", admin, nil, ptr(admin.ID())},
			{"admin, explicit null", admin, map[string]any{"manager_id": nil}, nil},
			{"admin, explicit manager", admin, map[string]any{"manager_id": om.ID()}, ptr(om.ID())},
			{"manager, a report as manager", mgr, map[string]any{"manager_id": rep.ID()}, ptr(rep.ID())},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e := tc.by.In(t).CreateEmployee("dflt_"+strings.ReplaceAll(strings.ReplaceAll(tc.name, " ", "_"), ",", ""), tc.fields)
				if (e.ManagerID == nil) != (tc.want == nil) || (e.ManagerID != nil && *e.ManagerID != *tc.want) {
					t.Errorf("manager_id = %v, want %v", deref(e.ManagerID), deref(tc.want))
				}
				if g := getEmployee(admin.In(t), e.ID); fmt.Sprint(deref(g.ManagerID)) != fmt.Sprint(deref(tc.want)) {
					t.Errorf("stored manager_id = %v, want %v", deref(g.ManagerID), deref(tc.want))
				}
			})
		}
	})
	t.Run("nobody changes their own", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			who  *client
			body map[string]any
		}{
			{"role", mgr, map[string]any{"role": "employee"}},
			{"role up", mgr, map[string]any{"role": "admin"}},
			{"manager", mgr, map[string]any{"manager_id": om.ID()}},
			{"manager null", mgr, map[string]any{"manager_id": nil}},
			{"active flag", mgr, map[string]any{"active": false}},
			{"annual_leave_days", mgr, map[string]any{"annual_leave_days": 30}},
			{"work_start", mgr, map[string]any{"work_start": "09:00"}},
			{"work_end", mgr, map[string]any{"work_end": "16:00"}},
			{"work_days", mgr, map[string]any{"work_days": []string{"mon", "tue"}}},
			{"late_grace_minutes", mgr, map[string]any{"late_grace_minutes": 30}},
			{"timezone", mgr, map[string]any{"timezone": "Europe/Berlin"}},
			{"hired_on", mgr, map[string]any{"hired_on": "2020-01-01"}},
			{"with an allowed change", mgr, map[string]any{"first_name": "M", "annual_leave_days": 30}},
			{"admin: annual_leave_days", admin, map[string]any{"annual_leave_days": 40}},
			{"admin: role (another admin exists)", admin, map[string]any{"role": "manager"}},
			{"admin: manager", admin, map[string]any{"manager_id": mgr.ID()}},
			{"admin: work_days", admin, map[string]any{"work_days": []string{"sat", "sun"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := tc.who.In(t)
				before := getEmployeeMap(c, c.ID())
				c.Do("PATCH", empPath(c.ID()), tc.body).WantProblem(403, "forbidden")
				m := getEmployeeMap(c, c.ID())
				for k, v := range tc.body {
					m[k] = v
				}
				c.Do("PUT", empPath(c.ID()), m).WantProblem(403, "forbidden")
				after := getEmployeeMap(c, c.ID())
				if fmt.Sprint(after) != fmt.Sprint(before) {
					t.Errorf("changed:\n got %+v\nwant %+v", after, before)
				}
			})
		}
		mgr.In(t).Do("DELETE", empPath(mgr.ID()), nil).WantProblem(403, "forbidden")
		wantSignedIn(mgr.In(t), "mgr")
		// An employee has no manager access at all.
		rep.In(t).Do("PATCH", empPath(rep.ID()), map[string]any{"first_name": "R"}).WantProblem(403, "forbidden")
	})
	t.Run("unchanged values are accepted", func(t *testing.T) {
		for _, who := range []*client{mgr, admin} {
			c := who.In(t)
			me := getEmployee(c, c.ID())
			var e attendance.Employee
			c.Do("PATCH", empPath(c.ID()), map[string]any{
				"role": me.Role, "manager_id": me.ManagerID, "active": true, "annual_leave_days": me.AnnualLeaveDays,
				"work_start": me.WorkStart, "work_end": me.WorkEnd, "work_days": me.WorkDays, "timezone": me.Timezone,
				"late_grace_minutes": me.LateGraceMinutes, "hired_on": me.HiredOn, "first_name": "Self",
			}).Want(200).JSON(&e)
			if e.FirstName != "Self" || e.Role != me.Role {
				t.Errorf("%s: first_name %q role %q", me.Username, e.FirstName, e.Role)
			}
			// A client may PUT back what it read.
			m := getEmployeeMap(c, c.ID())
			m["last_name"] = "Same"
			c.Do("PUT", empPath(c.ID()), m).Want(200).JSON(&e)
			if e.LastName != "Same" {
				t.Errorf("%s: last_name %q after PUT", me.Username, e.LastName)
			}
		}
	})
	t.Run("password reset by the manager", func(t *testing.T) {
		c := mgr.In(t)
		old := app.In(t).Login("reginald", testPassword)
		for _, pw := range []string{"Reginald", "REGINALD", "short"} {
			res := c.Do("PATCH", empPath(rep.ID()), map[string]any{"password": pw})
			wantField(t, res.WantProblem(422, ""), "body.password")
		}
		wantSignedIn(old, "reginald")
		const fresh = "fresh-password-1"
		res := c.Do("PATCH", empPath(rep.ID()), map[string]any{"password": fresh}).Want(200)
		if strings.Contains(strings.ToLower(string(res.Body)), "password") {
			t.Errorf("response mentions a password: %s", res.Body)
		}
		wantSignedOut(old)
		wantSignedOut(rep.In(t))
		postRefresh(app.In(t), old.Refresh).WantProblem(401, "unauthorized")
		postLogin(app.In(t).Anon(), "reginald", testPassword).WantProblem(401, "invalid_credentials")
		wantSignedIn(app.In(t).Login("reginald", fresh), "reginald")
		// Someone outside the line cannot reset it.
		om.In(t).Do("PATCH", empPath(rep.ID()), map[string]any{"password": "other-password-2"}).WantProblem(404, "not_found")
		wantSignedIn(app.In(t).Login("reginald", fresh), "reginald")
	})
	t.Run("reporting cycle", func(t *testing.T) {
		c := admin.In(t)
		a := c.CreateEmployee("cyc_a", map[string]any{"role": "manager"})
		b := c.CreateEmployee("cyc_b", map[string]any{"role": "manager", "manager_id": a.ID})
		d := c.CreateEmployee("cyc_c", map[string]any{"manager_id": b.ID})
		for _, tc := range []struct {
			name   string
			target int64
			man    int64
		}{
			{"A under its report B", a.ID, b.ID},
			{"A under its indirect report C", a.ID, d.ID},
			{"B under itself", b.ID, b.ID},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := admin.In(t).Do("PATCH", empPath(tc.target), map[string]any{"manager_id": tc.man})
				wantField(t, res.WantProblem(422, ""), "body.manager_id")
			})
		}
		// The same as a manager, on a report.
		ca := app.In(t).Login("cyc_a", testPassword)
		wantField(t, ca.Do("PATCH", empPath(b.ID), map[string]any{"manager_id": d.ID}).WantProblem(422, ""), "body.manager_id")
		if e := getEmployee(c, a.ID); e.ManagerID == nil || *e.ManagerID != admin.ID() {
			t.Errorf("A's manager_id = %v, want %d", deref(e.ManagerID), admin.ID())
		}
		if e := getEmployee(c, b.ID); e.ManagerID == nil || *e.ManagerID != a.ID {
			t.Errorf("B's manager_id = %v, want %d", deref(e.ManagerID), a.ID)
		}
		// Not a cycle: moving C directly under A.
		ca.Do("PATCH", empPath(d.ID), map[string]any{"manager_id": a.ID}).Want(200)
	})
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestLastAdmin(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	self := empPath(admin.ID())

	t.Run("the sole admin keeps their role", func(t *testing.T) {
		c := admin.In(t)
		c.Do("PATCH", self, map[string]any{"role": "manager"}).WantProblem(409, "last_admin")
		c.Do("PATCH", self, map[string]any{"role": "employee"}).WantProblem(409, "last_admin")
		c.Do("PATCH", self, map[string]any{"active": false}).WantProblem(409, "last_admin")
		c.Do("PUT", self, map[string]any{"username": "admin", "role": "manager"}).WantProblem(409, "last_admin")
		c.Do("DELETE", self, nil).WantProblem(409, "last_admin")
		if e := getEmployee(c, admin.ID()); e.Role != attendance.RoleAdmin || !e.Active {
			t.Errorf("admin after refused changes: role %q active %v", e.Role, e.Active)
		}
		wantSignedIn(c, "admin")
	})

	adm2 := admin.NewUser("second_admin", map[string]any{"role": "admin"})

	t.Run("one of two admins may demote the other", func(t *testing.T) {
		var e attendance.Employee
		adm2.In(t).Do("PATCH", self, map[string]any{"role": "manager"}).Want(200).JSON(&e)
		if e.Role != attendance.RoleManager {
			t.Fatalf("role = %q, want manager", e.Role)
		}
		// The demoted admin's token now carries a manager's rights.
		c := admin.In(t)
		var me attendance.Employee
		c.Do("GET", "/api/users/me/", nil).Want(200).JSON(&me)
		if me.Role != attendance.RoleManager {
			t.Errorf("me.role = %q, want manager", me.Role)
		}
		c.Do("PATCH", empPath(adm2.ID()), map[string]any{"first_name": "X"}).WantProblem(403, "forbidden")
		c.Do("PATCH", self, map[string]any{"role": "admin"}).WantProblem(403, "forbidden")
		c.Do("POST", "/api/employees/", map[string]any{"username": "made_admin", "password": testPassword, "role": "admin"}).WantProblem(403, "forbidden")
	})
	t.Run("now the other is the last admin", func(t *testing.T) {
		c := adm2.In(t)
		c.Do("PATCH", empPath(adm2.ID()), map[string]any{"role": "manager"}).WantProblem(409, "last_admin")
		c.Do("DELETE", empPath(adm2.ID()), nil).WantProblem(409, "last_admin")
	})
	t.Run("an inactive admin does not count", func(t *testing.T) {
		c := adm2.In(t)
		c.Do("PATCH", self, map[string]any{"role": "admin"}).Want(200)
		wantSignedIn(admin.In(t), "admin")
		admin.In(t).Do("DELETE", empPath(adm2.ID()), nil).Want(204)
		wantSignedOut(c)
		admin.In(t).Do("PATCH", self, map[string]any{"role": "manager"}).WantProblem(409, "last_admin")
		admin.In(t).Do("DELETE", self, nil).WantProblem(409, "last_admin")
	})
}

func TestEmployeeValidation(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock))
	admin := app.Admin
	n := 0
	uniq := func() string { n++; return fmt.Sprintf("val_user%d", n) }

	for _, tc := range []struct {
		name   string
		fields map[string]any // added to a fresh username and the test password
		status int
		loc    string // for 422
	}{
		{"username too short", map[string]any{"username": "ab"}, 422, "body.username"},
		{"username too long", map[string]any{"username": strings.Repeat("u", 151)}, 422, "body.username"},
		{"username 150 characters", map[string]any{"username": strings.Repeat("u", 150)}, 201, ""},
		{"username 3 characters", map[string]any{"username": "abc"}, 201, ""},
		{"username with a space", map[string]any{"username": "ann lee"}, 422, "body.username"},
		{"username with a slash", map[string]any{"username": "ann/lee"}, 422, "body.username"},
		{"username with an emoji", map[string]any{"username": "ann😀"}, 422, "body.username"},
		{"username empty", map[string]any{"username": ""}, 422, "body.username"},
		{"username unicode letters", map[string]any{"username": "Zoë_Ångström"}, 201, ""},
		{"username punctuation", map[string]any{"username": "a.b+c-d_e@f"}, 201, ""},
		{"username taken", map[string]any{"username": "admin"}, 409, ""},
		{"username taken, other case", map[string]any{"username": "ADMIN"}, 409, ""},
		{"username taken, unicode case", map[string]any{"username": "zoË_åNGSTRÖM"}, 409, ""},
		{"username missing", map[string]any{"username": nil}, 422, "body.username"},
		{"password missing", map[string]any{"password": nil}, 422, "body.password"},
		{"password too short", map[string]any{"password": "short12"}, 422, "body.password"},
		{"password 8 characters", map[string]any{"password": "eight888"}, 201, ""},
		{"password is the username", map[string]any{"username": "longname1", "password": "LongName1"}, 422, "body.password"},
		{"password over 1024 bytes", map[string]any{"password": strings.Repeat("p", 1025)}, 422, "body.password"},
		{"timezone Mars/Olympus", map[string]any{"timezone": "Mars/Olympus"}, 422, "body.timezone"},
		{"timezone Local", map[string]any{"timezone": "Local"}, 422, "body.timezone"},
		{"timezone empty", map[string]any{"timezone": ""}, 422, "body.timezone"},
		{"timezone Europe/Berlin", map[string]any{"timezone": "Europe/Berlin"}, 201, ""},
		{"work_start 24:00", map[string]any{"work_start": "24:00"}, 422, "body.work_start"},
		{"work_start 7:00", map[string]any{"work_start": "7:00"}, 422, "body.work_start"},
		{"work_end 17:60", map[string]any{"work_end": "17:60"}, 422, "body.work_end"},
		{"work_start a number", map[string]any{"work_start": 480}, 422, "body.work_start"},
		{"work_days empty", map[string]any{"work_days": []string{}}, 422, "body.work_days"},
		{"work_days xyz", map[string]any{"work_days": []string{"xyz"}}, 422, "body.work_days"},
		{"work_days twice", map[string]any{"work_days": []string{"mon", "mon"}}, 422, "body.work_days"},
		{"work_days weekend", map[string]any{"work_days": []string{"sat", "sun"}}, 201, ""},
		{"late_grace_minutes -1", map[string]any{"late_grace_minutes": -1}, 422, "body.late_grace_minutes"},
		{"annual_leave_days 0.3", map[string]any{"annual_leave_days": 0.3}, 422, "body.annual_leave_days"},
		{"annual_leave_days -1", map[string]any{"annual_leave_days": -1}, 422, "body.annual_leave_days"},
		{"annual_leave_days 22.5", map[string]any{"annual_leave_days": 22.5}, 201, ""},
		{"hired_on 2026-02-30", map[string]any{"hired_on": "2026-02-30"}, 422, "body.hired_on"},
		{"hired_on 10/03/2026", map[string]any{"hired_on": "10/03/2026"}, 422, "body.hired_on"},
		{"hired_on 0001-01-01", map[string]any{"hired_on": "0001-01-01"}, 422, "body.hired_on"},
		{"hired_on 1970-01-01", map[string]any{"hired_on": "1970-01-01"}, 201, ""},
		{"email", map[string]any{"email": "not an email"}, 422, "body.email"},
		{"role", map[string]any{"role": "superuser"}, 422, "body.role"},
		{"manager_id no such id", map[string]any{"manager_id": 999999}, 422, "body.manager_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]any{"username": uniq(), "password": testPassword}
			for k, v := range tc.fields {
				if v == nil {
					delete(body, k)
				} else {
					body[k] = v
				}
			}
			res := admin.In(t).Do("POST", "/api/employees/", body)
			switch tc.status {
			case 201:
				res.Want(201)
				var e attendance.Employee
				res.JSON(&e)
				if e.Username != body["username"] {
					t.Errorf("username %q, want %q", e.Username, body["username"])
				}
				postLogin(app.In(t).Anon(), e.Username, body["password"].(string)).Want(200)
			case 409:
				res.WantProblem(409, "username_taken")
			default:
				p := res.WantProblem(tc.status, "invalid")
				wantField(t, p, tc.loc)
				if strings.Contains(string(res.Body), testPassword) {
					t.Errorf("the problem echoes the password: %s", res.Body)
				}
			}
		})
	}

	t.Run("every invalid field is listed", func(t *testing.T) {
		p := admin.In(t).Do("POST", "/api/employees/", map[string]any{
			"username": uniq(), "password": testPassword, "timezone": "Mars/Olympus", "late_grace_minutes": -1, "annual_leave_days": 0.3,
		}).WantProblem(422, "invalid")
		for _, loc := range []string{"body.timezone", "body.late_grace_minutes", "body.annual_leave_days"} {
			wantField(t, p, loc)
		}
	})

	t.Run("the same rules on PATCH and PUT", func(t *testing.T) {
		c := admin.In(t)
		e := c.CreateEmployee(uniq(), nil)
		for _, tc := range []struct {
			body map[string]any
			loc  string
		}{
			{map[string]any{"timezone": "Mars/Olympus"}, "body.timezone"},
			{map[string]any{"work_start": "24:00"}, "body.work_start"},
			{map[string]any{"work_days": []string{}}, "body.work_days"},
			{map[string]any{"late_grace_minutes": -1}, "body.late_grace_minutes"},
			{map[string]any{"annual_leave_days": 0.3}, "body.annual_leave_days"},
			{map[string]any{"hired_on": "2026-02-30"}, "body.hired_on"},
			{map[string]any{"username": "a b"}, "body.username"},
			{map[string]any{"password": e.Username}, "body.password"},
		} {
			wantField(t, c.Do("PATCH", empPath(e.ID), tc.body).WantProblem(422, "invalid"), tc.loc)
			m := getEmployeeMap(c, e.ID)
			for k, v := range tc.body {
				m[k] = v
			}
			wantField(t, c.Do("PUT", empPath(e.ID), m).WantProblem(422, "invalid"), tc.loc)
		}
		c.Do("PATCH", empPath(e.ID), map[string]any{"username": "ADMIN"}).WantProblem(409, "username_taken")
		wantField(t, c.Do("PUT", empPath(e.ID), map[string]any{"department": "X"}).WantProblem(422, "invalid"), "body.username")
		if g := getEmployee(c, e.ID); g.Timezone != "UTC" || g.Username != e.Username || g.WorkStart != e.WorkStart {
			t.Errorf("after refused updates: %+v", g)
		}
		// A rename keeps the uniqueness rule ignoring case, and the login follows it.
		c.Do("PATCH", empPath(e.ID), map[string]any{"username": "Renamed_User"}).Want(200)
		wantSignedIn(app.In(t).Login("renamed_user", testPassword), "Renamed_User")
	})

	t.Run("defaults", func(t *testing.T) {
		res := admin.In(t).Do("POST", "/api/employees/", map[string]any{"username": "dflt", "password": testPassword}).Want(201)
		var e attendance.Employee
		res.JSON(&e)
		if loc := res.Header.Get("Location"); loc != empPath(e.ID) {
			t.Errorf("Location = %q, want %q", loc, empPath(e.ID))
		}
		var raw map[string]any
		res.JSON(&raw)
		want := map[string]any{
			"username": "dflt", "email": "", "first_name": "", "last_name": "", "role": "employee",
			"manager_id": float64(admin.ID()), "department": "", "timezone": "UTC", "work_start": "08:00", "work_end": "17:00",
			"work_days": []any{"mon", "tue", "wed", "thu", "fri"}, "late_grace_minutes": float64(0), "annual_leave_days": float64(15),
			"hired_on": "2026-03-10", "active": true, "created_at": "2026-03-10T12:00:00Z", "updated_at": "2026-03-10T12:00:00Z",
		}
		for k, v := range want {
			if fmt.Sprint(raw[k]) != fmt.Sprint(v) {
				t.Errorf("%s = %v, want %v", k, raw[k], v)
			}
		}
		for k := range raw {
			if strings.Contains(k, "password") || strings.Contains(k, "hash") {
				t.Errorf("the employee has a field %q", k)
			}
		}
		if g := getEmployeeMap(admin.In(t), e.ID); fmt.Sprint(g) != fmt.Sprint(raw) {
			t.Errorf("GET after create:\n got %v\nwant %v", g, raw)
		}
	})

	t.Run("explicit fields are kept", func(t *testing.T) {
		var e attendance.Employee
		admin.In(t).Do("POST", "/api/employees/", map[string]any{
			"username": "explicit", "password": testPassword, "email": "ex@example.com", "first_name": "Ex", "last_name": "Plicit",
			"role": "manager", "department": "Ops", "timezone": "America/New_York", "work_start": "07:30", "work_end": "15:45",
			"work_days": []string{"sun", "tue"}, "late_grace_minutes": 10, "annual_leave_days": 20.5, "hired_on": "2024-02-29", "active": true,
		}).Want(201).JSON(&e)
		got := fmt.Sprintf("%s %s %s %s %s %s %s %s %s %v %d %v %s %v", e.Email, e.FirstName, e.LastName, e.Role, e.Department, e.Timezone,
			e.WorkStart, e.WorkEnd, e.HiredOn, e.WorkDays.Names(), e.LateGraceMinutes, e.AnnualLeaveDays, e.HiredOn, e.Active)
		want := "ex@example.com Ex Plicit manager Ops America/New_York 07:30 15:45 2024-02-29 [tue sun] 10 20.5 2024-02-29 true"
		if got != want {
			t.Errorf("created:\n got %s\nwant %s", got, want)
		}
	})
}

func TestEmployeeDefaultsCompanyTimezone(t *testing.T) {
	t.Parallel()
	// 23:30 in UTC is already the next day in Berlin.
	clock := newClock(time.Date(2026, 3, 10, 23, 30, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock), withConfig(func(c *Config) { c.Timezone = "Europe/Berlin" }))
	e := app.Admin.CreateEmployee("berliner", nil)
	if e.Timezone != "Europe/Berlin" || e.HiredOn.String() != "2026-03-11" {
		t.Errorf("timezone %q hired_on %s, want Europe/Berlin 2026-03-11", e.Timezone, e.HiredOn)
	}
	e = app.Admin.CreateEmployee("tokyo", map[string]any{"timezone": "Asia/Tokyo"})
	if e.Timezone != "Asia/Tokyo" {
		t.Errorf("timezone %q, want Asia/Tokyo", e.Timezone)
	}
}

func TestDeactivation(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock))
	admin := app.Admin
	mgr := admin.NewUser("boss", map[string]any{"role": "manager"})
	leaver := mgr.NewUser("leaver", map[string]any{"first_name": "Lee"})
	stayer := mgr.NewUser("stayer", nil)
	second := app.Login("leaver", testPassword)

	var ev struct {
		ID int64 `json:"id"`
	}
	leaver.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201).JSON(&ev)
	unknown := postLogin(app.Anon(), "nobody_here", testPassword)
	unknown.WantProblem(401, "invalid_credentials")

	res := mgr.Do("DELETE", empPath(leaver.ID()), nil).Want(204)
	if len(res.Body) != 0 {
		t.Errorf("204 body %q, want none", res.Body)
	}

	t.Run("login refused", func(t *testing.T) {
		res := postLogin(app.In(t).Anon(), "leaver", testPassword)
		res.WantProblem(401, "invalid_credentials")
		if string(res.Body) != string(unknown.Body) {
			t.Errorf("body %s, want the unknown-user body %s", res.Body, unknown.Body)
		}
	})
	t.Run("tokens revoked", func(t *testing.T) {
		wantSignedOut(leaver.In(t))
		wantSignedOut(second.In(t))
		postRefresh(app.In(t), leaver.Refresh).WantProblem(401, "unauthorized")
		postRefresh(app.In(t), second.Refresh).WantProblem(401, "unauthorized")
		wantSignedIn(stayer.In(t), "stayer")
	})
	t.Run("lists", func(t *testing.T) {
		for _, c := range []*client{admin.In(t), mgr.In(t)} {
			ids, _ := listIDs(c, "")
			if slices.Contains(ids, leaver.ID()) || !slices.Contains(ids, stayer.ID()) {
				t.Errorf("default list %v: want stayer %d and not leaver %d", ids, stayer.ID(), leaver.ID())
			}
			ids, _ = listIDs(c, "?active=true")
			if slices.Contains(ids, leaver.ID()) {
				t.Errorf("?active=true lists the leaver")
			}
			ids, _ = listIDs(c, "?active=false")
			wantIDs(t, "?active=false", ids, leaver.ID())
			ids, _ = listIDs(c, "?active=all")
			if !slices.Contains(ids, leaver.ID()) || !slices.Contains(ids, stayer.ID()) {
				t.Errorf("?active=all %v: want both", ids)
			}
		}
		admin.In(t).Do("GET", "/api/employees/?active=maybe", nil).WantProblem(422, "invalid")
	})
	t.Run("history kept", func(t *testing.T) {
		e := getEmployee(mgr.In(t), leaver.ID())
		if e.Active || e.Username != "leaver" || e.FirstName != "Lee" {
			t.Errorf("after DELETE: %+v", e)
		}
		if e.DeactivatedOn == nil || e.DeactivatedOn.String() != "2026-03-10" {
			t.Errorf("deactivated_on = %v, want 2026-03-10", e.DeactivatedOn)
		}
		var l list[struct {
			ID         int64 `json:"id"`
			EmployeeID int64 `json:"employee_id"`
		}]
		mgr.In(t).Do("GET", "/api/attendance/?employee_id="+itoa(leaver.ID()), nil).Want(200).JSON(&l)
		if len(l.Results) != 1 || l.Results[0].ID != ev.ID {
			t.Errorf("attendance after deactivation: %+v, want event %d", l.Results, ev.ID)
		}
	})
	t.Run("overview", func(t *testing.T) {
		// A row while the range reaches the deactivation date, none after it.
		for from, want := range map[string]bool{"2026-03-01": true, "2026-03-10": true, "2026-03-11": false} {
			var ov overview
			mgr.In(t).Do("GET", "/api/attendance/overview/?from="+from+"&to=2026-03-31", nil).Want(200).JSON(&ov)
			var got bool
			for _, r := range ov.Results {
				got = got || r.EmployeeID == leaver.ID()
			}
			if got != want || ov.Count != len(ov.Results) {
				t.Errorf("overview from %s: leaver listed %v, want %v (count %d, %d rows)", from, got, want, ov.Count, len(ov.Results))
			}
		}
	})
	t.Run("a new user may not take the name", func(t *testing.T) {
		admin.In(t).Do("POST", "/api/employees/", map[string]any{"username": "Leaver", "password": testPassword}).WantProblem(409, "username_taken")
	})
	t.Run("reactivation", func(t *testing.T) {
		mgr.In(t).Do("PATCH", empPath(leaver.ID()), map[string]any{"active": true}).Want(200)
		wantSignedOut(leaver.In(t)) // old sessions stay revoked
		wantSignedIn(app.In(t).Login("leaver", testPassword), "leaver")
		if e := getEmployee(admin.In(t), leaver.ID()); !e.Active || e.DeactivatedOn != nil {
			t.Errorf("after reactivation: active %v deactivated_on %v", e.Active, e.DeactivatedOn)
		}
	})
}

func TestEmployeeList(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	ada := admin.CreateEmployee("ada_l", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@analytical.example", "department": "Engineering"})
	grace := admin.CreateEmployee("grace_h", map[string]any{"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example", "department": "Engineering", "role": "manager"})
	alan := admin.CreateEmployee("alan_t", map[string]any{"first_name": "Alan", "last_name": "Turing", "email": "alan@bletchley.example", "department": "Research"})
	kath := admin.CreateEmployee("kath_j", map[string]any{"first_name": "Katherine", "last_name": "Johnson", "email": "kj@nasa.example", "department": "Research", "role": "manager"})
	linus := admin.CreateEmployee("linus_t", map[string]any{"first_name": "Linus", "last_name": "Torvalds", "email": "linus@kernel.example", "department": "R&D 100%"})
	zoe := admin.CreateEmployee("zoe_a", map[string]any{"first_name": "Zoë", "last_name": "Ängström", "department": "Ops"})
	all := []int64{admin.ID(), ada.ID, grace.ID, alan.ID, kath.ID, linus.ID, zoe.ID}

	for _, tc := range []struct {
		name, query string
		want        []int64
	}{
		{"everyone", "", all},
		{"department", "?department=Engineering", []int64{ada.ID, grace.ID}},
		{"department with symbols", "?department=" + url.QueryEscape("R&D 100%"), []int64{linus.ID}},
		{"department none", "?department=Marketing", nil},
		{"role manager", "?role=manager", []int64{grace.ID, kath.ID}},
		{"role admin", "?role=admin", []int64{admin.ID()}},
		{"role and department", "?role=manager&department=Research", []int64{kath.ID}},
		{"q last name, other case", "?q=LOVE", []int64{ada.ID}},
		{"q first name", "?q=katherine", []int64{kath.ID}},
		{"q full name", "?q=" + url.QueryEscape("grace hopper"), []int64{grace.ID}},
		{"q username", "?q=ADA_L", []int64{ada.ID}},
		{"q email", "?q=Bletchley", []int64{alan.ID}},
		{"q underscore is literal", "?q=_t", []int64{alan.ID, linus.ID}},
		{"q percent is literal", "?q=%25", nil},
		{"q no match", "?q=zzz", nil},
		{"q and department", "?q=a&department=Research", []int64{alan.ID, kath.ID}},
		{"q non-ASCII, same case", "?q=" + url.QueryEscape("Ängs"), []int64{zoe.ID}},
		{"q non-ASCII, other case", "?q=" + url.QueryEscape("äNGSTRÖM"), []int64{zoe.ID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, l := listIDs(admin.In(t), tc.query)
			wantIDs(t, tc.query, ids, tc.want...)
			if l.Count != len(tc.want) {
				t.Errorf("count = %d, want %d", l.Count, len(tc.want))
			}
			if l.Results == nil {
				t.Errorf("results is null, want a list")
			}
		})
	}

	t.Run("bad queries", func(t *testing.T) {
		for _, q := range []string{"?limit=0", "?limit=501", "?limit=-1", "?limit=ten", "?offset=-1", "?role=boss", "?active=yes", "?q=" + strings.Repeat("q", 201)} {
			p := admin.In(t).Do("GET", "/api/employees/"+q, nil).WantProblem(422, "invalid")
			if len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Location, "query.") {
				t.Errorf("%s: errors %+v, want one in the query", q, p.Errors)
			}
		}
		admin.In(t).Do("GET", "/api/employees/?limit=500", nil).Want(200)
	})

	t.Run("pagination", func(t *testing.T) {
		c := admin.In(t)
		var got []int64
		path := "/api/employees/?limit=2"
		for page := 0; path != ""; page++ {
			var l list[attendance.Employee]
			c.Do("GET", path, nil).Want(200).JSON(&l)
			if l.Count != len(all) {
				t.Errorf("page %d: count %d, want %d", page, l.Count, len(all))
			}
			if want := min(2, len(all)-2*page); len(l.Results) != want {
				t.Errorf("page %d: %d results, want %d", page, len(l.Results), want)
			}
			for _, e := range l.Results {
				got = append(got, e.ID)
			}
			if (page == 0) != (l.Previous == nil) {
				t.Errorf("page %d: previous = %v", page, l.Previous)
			}
			if l.Previous != nil {
				u := mustURL(t, app, *l.Previous)
				if q := u.Query(); q.Get("limit") != "2" || q.Get("offset") != itoa(int64(2*(page-1))) {
					t.Errorf("page %d: previous %s", page, *l.Previous)
				}
			}
			path = ""
			if l.Next != nil {
				u := mustURL(t, app, *l.Next)
				if q := u.Query(); q.Get("limit") != "2" || q.Get("offset") != itoa(int64(2*(page+1))) {
					t.Errorf("page %d: next %s", page, *l.Next)
				}
				path = u.RequestURI()
			}
			if page > 5 {
				t.Fatal("next never ends")
			}
		}
		if !slices.Equal(got, all) {
			t.Errorf("pages gave ids %v, want %v in order", got, all)
		}
	})
	t.Run("next keeps the filters", func(t *testing.T) {
		var l list[attendance.Employee]
		admin.In(t).Do("GET", "/api/employees/?department=Engineering&limit=1", nil).Want(200).JSON(&l)
		if l.Count != 2 || len(l.Results) != 1 || l.Next == nil {
			t.Fatalf("first page: %+v", l)
		}
		u := mustURL(t, app, *l.Next)
		if u.Query().Get("department") != "Engineering" {
			t.Errorf("next %s lost the department", *l.Next)
		}
		admin.In(t).Do("GET", u.RequestURI(), nil).Want(200).JSON(&l)
		if len(l.Results) != 1 || l.Results[0].ID != grace.ID || l.Next != nil || l.Previous == nil {
			t.Errorf("second page: %+v", l)
		}
	})
	t.Run("past the end", func(t *testing.T) {
		var l list[attendance.Employee]
		admin.In(t).Do("GET", "/api/employees/?limit=2&offset=10", nil).Want(200).JSON(&l)
		if l.Count != len(all) || len(l.Results) != 0 || l.Next != nil || l.Previous == nil {
			t.Errorf("past the end: %+v", l)
		}
	})
}

// mustURL parses a link the API returned and checks it is a path of the app.
func mustURL(t testing.TB, app *testApp, link string) *url.URL {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(link, "/api/employees/") {
		t.Fatalf("link %q: want a path under /api/employees/ (%v)", link, err)
	}
	return u
}

func TestAPIConventions(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	e := admin.CreateEmployee("slashless", nil)

	t.Run("no trailing slash", func(t *testing.T) {
		c := admin.In(t)
		var b loginBody
		app.In(t).Anon().Do("POST", "/api/users/login", map[string]string{"username": "slashless", "password": testPassword}).Want(200).JSON(&b)
		if b.Token == "" || b.User["username"] != "slashless" {
			t.Errorf("login without slash: %+v", b)
		}
		with := c.Do("GET", empPath(e.ID), nil).Want(200)
		without := c.Do("GET", "/api/employees/"+itoa(e.ID), nil).Want(200)
		if string(with.Body) != string(without.Body) {
			t.Errorf("GET without slash: %s, want %s", without.Body, with.Body)
		}
		wantSignedIn(bearerClient(app.In(t), b.Token, b.Refresh), "slashless")
		c.Do("GET", "/api/users/me", nil).Want(200)
		_, l := listIDs(c, "")
		var l2 list[attendance.Employee]
		c.Do("GET", "/api/employees?limit=50", nil).Want(200).JSON(&l2)
		if l2.Count != l.Count {
			t.Errorf("list without slash: count %d, want %d", l2.Count, l.Count)
		}
		c.Do("PATCH", "/api/employees/"+itoa(e.ID), map[string]any{"department": "NoSlash"}).Want(200)
		if g := getEmployee(c, e.ID); g.Department != "NoSlash" {
			t.Errorf("PATCH without slash did not apply: department %q", g.Department)
		}
		var created attendance.Employee
		c.Do("POST", "/api/employees", map[string]any{"username": "made_noslash", "password": testPassword}).Want(201).JSON(&created)
		c.Do("DELETE", "/api/employees/"+itoa(created.ID), nil).Want(204)
		var r loginBody
		app.In(t).Anon().Do("POST", "/api/users/token/refresh", map[string]string{"refresh": b.Refresh}).Want(200).JSON(&r)
		bearerClient(app.In(t), r.Token, r.Refresh).Do("POST", "/api/users/logout", nil).Want(204)
	})
	t.Run("malformed id", func(t *testing.T) {
		// An id that cannot exist names no object: 404, as for one that does not exist.
		for _, id := range []string{"abc", "0", "-1", "99999999999999999999", "1.5"} {
			admin.In(t).Do("GET", "/api/employees/"+id+"/", nil).WantProblem(404, "not_found")
			admin.In(t).Do("DELETE", "/api/attendance/"+id+"/", map[string]string{"note": "x"}).WantProblem(404, "not_found")
			admin.In(t).Do("POST", "/api/leaves/"+id+"/action/", map[string]string{"action": "approve"}).WantProblem(404, "not_found")
		}
		// A path id and a bad body: still 404, whatever the body says.
		admin.In(t).Do("PATCH", "/api/employees/abc/", map[string]any{"late_grace_minutes": -5}).WantProblem(404, "not_found")
		admin.In(t).Do("PATCH", "/api/employees/abc/", map[string]any{"role": "superuser"}).WantProblem(404, "not_found")
	})
	t.Run("swagger without its slash", func(t *testing.T) {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(app.URL + "/swagger")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != "/swagger/" {
			t.Errorf("GET /swagger: %d to %q, want 308 to /swagger/", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("unknown path", func(t *testing.T) {
		for _, path := range []string{"/api/nope/", "/api/nope", "/api/employees/1/extra/", "/api/users/"} {
			for _, c := range []*client{app.In(t).Anon(), admin.In(t)} {
				c.Do("GET", path, nil).WantProblem(404, "not_found")
			}
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		for _, tc := range []struct{ method, path, allow string }{
			{"DELETE", "/api/users/login/", "POST"},
			{"GET", "/api/users/logout/", "POST"},
			{"PUT", "/api/employees/", "GET, POST"},
			{"POST", empPath(e.ID), "GET, PUT, PATCH, DELETE"},
			{"DELETE", "/api/users/me", "GET, PATCH"},
		} {
			for _, c := range []*client{app.In(t).Anon(), admin.In(t)} {
				res := c.Do(tc.method, tc.path, nil)
				res.WantProblem(405, "method_not_allowed")
				if got := res.Header.Get("Allow"); got != tc.allow {
					t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
				}
			}
		}
	})
	t.Run("body over 1 MiB", func(t *testing.T) {
		big := `{"username": "slashless", "password": "` + strings.Repeat("x", 1<<20) + `"}`
		app.In(t).Anon().Do("POST", "/api/users/login/", big).WantProblem(413, "body_too_large")
		bigEmp := `{"username": "big_one", "password": "password-123", "department": "` + strings.Repeat("d", 1<<20) + `"}`
		admin.In(t).Do("POST", "/api/employees/", bigEmp).WantProblem(413, "body_too_large")
		admin.In(t).Do("PATCH", "/api/users/me/", `{"first_name": "`+strings.Repeat("f", 1<<20)+`"}`).WantProblem(413, "body_too_large")
		// An anonymous caller is refused before the body is read.
		app.In(t).Anon().Do("POST", "/api/employees/", bigEmp).WantProblem(401, "unauthorized")
		// Just under the limit is read, and judged on its content.
		under := `{"username": "slashless", "password": "` + strings.Repeat("x", 1<<20-100) + `"}`
		app.In(t).Anon().Do("POST", "/api/users/login/", under).WantProblem(401, "invalid_credentials")
	})
	t.Run("control characters", func(t *testing.T) {
		// Text is what people type: no NUL (which PostgreSQL cannot store) or
		// other control characters; line breaks only in multi-line notes.
		mgr := admin.In(t).NewUser("cc_boss", map[string]any{"role": "manager"})
		worker := mgr.NewUser("cc_worker", nil)
		for _, tc := range []struct {
			c                  *client
			method, path, body string
			field              string
		}{
			{admin, "PATCH", empPath(e.ID), `{"first_name": "a\u0000b"}`, "body.first_name"},
			{admin, "PATCH", empPath(e.ID), `{"department": "ops\nsales"}`, "body.department"},
			{admin, "PATCH", empPath(e.ID), `{"email": "a\u0007@example.com"}`, "body.email"},
			{mgr, "POST", "/api/attendance/", fmt.Sprintf(`{"type": "entry", "employee_id": %d, "note": "x\u0000"}`, worker.ID()), "body.note"},
			{worker, "POST", "/api/leaves/request/", `{"leave_type": "sick", "start_date": "2026-12-01", "end_date": "2026-12-01", "reason": "\u001b[31m"}`, "body.reason"},
			{admin, "POST", "/api/holidays/", `{"date": "2026-12-24", "name": "Eve\u0000"}`, "body.name"},
		} {
			wantFieldError(t, tc.c.In(t).Do(tc.method, tc.path, tc.body).WantProblem(422, "invalid"), tc.field)
		}
		for _, q := range []struct{ path, field string }{
			{"/api/employees/?q=%00", "query.q"}, {"/api/employees/?department=a%0Ab", "query.department"},
			{"/api/attendance/overview/?department=%00", "query.department"}, {"/api/leaves/overview/?department=%7F", "query.department"},
			{"/api/leaves/overview/?department=%C2%85", "query.department"}, // NEL, a C1 control
			{"/api/employees/?department=%FF", "query.department"}, {"/api/employees/?q=%FF", "query.q"},
			{"/api/attendance/overview/?department=%C0%80", "query.department"}, {"/api/leaves/overview/?department=%ED%A0%80", "query.department"},
		} {
			wantFieldError(t, admin.In(t).Do("GET", q.path, nil).WantProblem(422, "invalid"), q.field)
		}
		admin.In(t).Do("GET", "/api/employees/?q=caf%C3%A9%20%E2%80%94%20ok", nil).Want(200) // any text that is not control characters
		admin.In(t).Do("GET", "/api/employees/?unknown=%FF", nil).Want(200)                  // not a parameter of the API
		// Judged after the route, the method and the token.
		app.In(t).Anon().Do("GET", "/api/employees/?department=%FF", nil).WantProblem(401, "unauthorized")
		admin.In(t).Do("GET", "/api/nothing/?department=%FF", nil).WantProblem(404, "not_found")
		admin.In(t).Do("PUT", "/api/holidays/?department=%FF", nil).WantProblem(405, "method_not_allowed")
		admin.In(t).Do("DELETE", "/api/holidays/abc/?x=%FF", nil).WantProblem(404, "not_found")
		// An Idempotency-Key is visible ASCII.
		for _, key := range []string{"k\xff", "k\xc3\xa9"} {
			worker.In(t).Do("POST", "/api/attendance/", map[string]string{"type": "entry"}, "Idempotency-Key", key).WantProblem(422, "invalid")
		}
		// A name no user can have is refused like any unknown one, and not counted.
		for _, name := range []string{`ad\u0000min`, strings.Repeat("u", 151)} {
			app.In(t).Anon().Do("POST", "/api/users/login/", `{"username": "`+name+`", "password": "whatever-1"}`).WantProblem(401, "invalid_credentials")
		}
		// Line breaks and tabs are fine where text runs over lines.
		mgr.In(t).Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": worker.ID(), "note": "badge\treader\r\nbroken"}).Want(201)
	})
	t.Run("numbers out of range", func(t *testing.T) {
		// Valid JSON whose numbers no field can hold: 422 at the field, in the
		// API's words (no Go type names), never 400 or 5xx.
		for _, tc := range []struct{ method, path, body, field string }{
			{"POST", "/api/attendance/", `{"type": "entry", "employee_id": 1e400, "note": "x"}`, "body.employee_id"},
			{"POST", "/api/attendance/", `{"type": 1e400}`, "body.type"},
			{"PATCH", empPath(e.ID), `{"manager_id": 9223372036854775808}`, "body.manager_id"},
			{"PATCH", empPath(e.ID), `{"annual_leave_days": -1e999}`, "body.annual_leave_days"},
			{"PATCH", empPath(e.ID), `{"late_grace_minutes": [1e400]}`, "body.late_grace_minutes"},
			{"PATCH", empPath(e.ID), `{"department": 1e400}`, "body.department"},
			{"PATCH", empPath(e.ID), `{"manager_id": 1.0}`, "body.manager_id"},
			{"PATCH", empPath(e.ID), `{"manager_id": -9223372036854775809}`, "body.manager_id"},
			{"POST", "/api/holidays/", `{"date": "2027-01-01", "name": 9223372036854775808}`, "body.name"},
		} {
			p := admin.In(t).Do(tc.method, tc.path, tc.body).WantProblem(422, "invalid")
			wantFieldError(t, p, tc.field)
			for _, internal := range []string{"Go ", "int64", "float64", "Body."} {
				if strings.Contains(p.Detail, internal) {
					t.Errorf("%s %s: detail %q shows %q", tc.method, tc.body, p.Detail, internal)
				}
			}
		}
		// Still not JSON: 400.
		for _, body := range []string{`{"type": "entry"} x`, `{"type": "entry"`, `{"type": 1e}`} {
			admin.In(t).Do("POST", "/api/attendance/", body).WantProblem(400, "invalid_json")
		}
		var l list[map[string]any]
		admin.In(t).Do("GET", "/api/attendance/", nil).Want(200).JSON(&l)
		if l.Count != 0 {
			t.Errorf("refused bodies recorded %d events", l.Count)
		}
	})
}

// TestHiredOnTheirOwnDate: someone created, or imported, without hired_on
// is hired on today's date in their own time zone: at 03:00 UTC on Monday
// it is still Sunday in Los Angeles, already Monday in UTC (the company's
// zone here).
func TestHiredOnTheirOwnDate(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(time.Date(2026, 11, 2, 3, 0, 0, 0, time.UTC))))
	hired := func(username string) string {
		t.Helper()
		var l list[map[string]any]
		app.Admin.Do("GET", "/api/employees/?q="+username, nil).Want(200).JSON(&l)
		if len(l.Results) != 1 {
			t.Fatalf("%s: %d found", username, len(l.Results))
		}
		return fmt.Sprint(l.Results[0]["hired_on"])
	}
	app.Admin.CreateEmployee("hd-la", map[string]any{"timezone": "America/Los_Angeles"})
	app.Admin.CreateEmployee("hd-utc", nil)
	app.Admin.Do("POST", "/api/employees/import/", csvBody("username,timezone\nhd-imported,America/Los_Angeles\n")).Want(201)
	for _, tc := range []struct{ username, want string }{
		{"hd-la", "2026-11-01"}, {"hd-utc", "2026-11-02"}, {"hd-imported", "2026-11-01"},
	} {
		if got := hired(tc.username); got != tc.want {
			t.Errorf("%s hired on %s, want %s", tc.username, got, tc.want)
		}
	}
}
