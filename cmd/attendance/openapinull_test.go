package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNullsAreDeclared: every null in the answer of every GET endpoint that
// answers JSON, and of the writes made to set its data up, is a null that
// the OpenAPI document allows there, so that a
// client generated from the document accepts what the server sends. The
// endpoints are those of the document, so that a new one is checked too; the
// data set up below makes the nullable fields null in some answer, and most
// of them not null in another.
func TestNullsAreDeclared(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	app := mustStart(t, withClock(newClock(monday)))
	admin := app.Admin
	mgr := admin.NewUser("nd-mgr", map[string]any{"role": "manager"})
	mgr.NewUser("nd-off", map[string]any{"work_days": []string{"tue", "wed", "thu", "fri", "sat"}})
	emp := mgr.NewUser("nd-emp", map[string]any{"hired_on": "2026-01-01", "department": "Sales"})
	deputy := mgr.NewUser("nd-deputy", map[string]any{"role": "manager"})

	// rec keeps the answers of the writes below: their nulls are checked
	// against the document too.
	var writes []*response
	rec := func(r *response) *response { writes = append(writes, r); return r }
	rec(admin.Do("POST", "/api/employees/", map[string]any{"username": "nd-new", "password": testPassword, "manager_id": mgr.ID()})).Want(201)
	rec(admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", emp.ID()), map[string]any{"last_name": "Doe"})).Want(200)

	// A late entry (a notification to the manager), and corrections: an
	// add, with a time, and a void, with none.
	var in struct{ ID int64 }
	rec(emp.Do("POST", "/api/attendance/", map[string]string{"type": "entry"})).Want(201).JSON(&in)
	rec(emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "add", "type": "entry", "date": "2026-10-30", "time": "08:00",
		"reason": "forgot"})).Want(201)
	rec(emp.Do("POST", "/api/attendance/corrections/", map[string]any{"action": "void", "event_id": in.ID, "reason": "wrong"})).Want(201)
	// Leave: a whole day, approved (a date's leave), and some hours (a
	// start_time and an end_time).
	var whole struct{ ID int64 }
	rec(emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-04", "end_date": "2026-11-04"})).
		Want(201).JSON(&whole)
	rec(mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", whole.ID), map[string]string{"action": "approve"})).Want(200)
	rec(emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-05", "end_date": "2026-11-05",
		"start_time": "08:00", "end_time": "10:00"})).Want(201)
	rec(admin.Do("POST", "/api/leaves/ledger/", map[string]any{"employee_id": emp.ID(), "leave_type": "annual", "year": 2026, "days": 1,
		"note": "a gift"})).Want(201)
	rec(admin.Do("POST", "/api/leaves/jobs/leave_ledger/run/", nil)).Want(202)
	rec(admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-11-06", "name": "Founders' Day"})).Want(201)
	// A roster: a night shift on a date, the other dates none.
	var night struct{ ID int64 }
	rec(admin.Do("POST", "/api/shifts/", map[string]any{"name": "Night", "start": "22:00", "end": "06:00"})).Want(201).JSON(&night)
	rec(mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-11-03/", emp.ID()), map[string]any{"shift_id": night.ID, "note": "night"})).Want(200, 201)
	rec(admin.Do("POST", "/api/approver-groups/", map[string]any{"code": "hr", "name": "Human resources", "member_ids": []int64{mgr.ID()}})).Want(201)
	rec(mgr.Do("POST", "/api/delegations/", map[string]any{"delegate_id": deputy.ID(), "from": "2026-11-09", "to": "2026-11-13"})).Want(201)
	rec(emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "own"})).Want(201)
	rec(mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID()), map[string]any{"start_date": "2026-11-16",
		"weeks": []any{map[string]any{"mon": night.ID, "tue": night.ID}}})).Want(201)
	// Overtime, converted: two hours over a Thursday's 08:00–17:00.
	rec(admin.Do("POST", "/api/leaves/types/", map[string]any{"code": "toil", "name": "Time off in lieu", "accrual": "none", "allowance": 0})).Want(201)
	for _, e := range [][2]string{{"entry", "2026-10-29T08:00:00Z"}, {"exit", "2026-10-29T19:00:00Z"}} {
		rec(mgr.Do("POST", "/api/attendance/", map[string]any{"type": e[0], "employee_id": emp.ID(), "timestamp": e[1], "note": "on paper"})).Want(201)
	}
	rec(mgr.Do("POST", "/api/overtime/conversions/", map[string]any{"employee_id": emp.ID(), "from": "2026-10-29", "to": "2026-10-29",
		"minutes": 60, "leave_type": "toil"})).Want(201)
	// Writes whose answers carry objects the GETs above show too.
	var dropped struct{ ID int64 }
	rec(emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-11", "end_date": "2026-11-11"})).
		Want(201).JSON(&dropped)
	rec(emp.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", dropped.ID), nil)).Want(200)
	rec(emp.Do("PATCH", "/api/users/me/", map[string]any{"first_name": "Nadia"})).Want(200)
	rec(admin.Do("PATCH", fmt.Sprintf("/api/shifts/%d/", night.ID), map[string]any{"name": "Nights"})).Want(200)
	rec(admin.Do("PATCH", "/api/leaves/types/toil/", map[string]any{"name": "Time off in lieu (hours)"})).Want(200)
	rec(admin.Do("PATCH", "/api/approver-groups/hr/", map[string]any{"name": "People team"})).Want(200)
	rec(mgr.Do("PUT", fmt.Sprintf("/api/employees/%d/allowances/annual/", emp.ID()), map[string]any{"allowance": 20})).Want(200)
	rec(emp.Do("PATCH", "/api/notifications/settings/", map[string]any{"email": map[string]bool{}})).Want(200)
	var settings map[string]any
	admin.Do("GET", "/api/settings/worktime/", nil).Want(200).JSON(&settings)
	rec(admin.Do("PUT", "/api/settings/worktime/", settings)).Want(200)
	rec(app.Anon().Do("POST", "/api/users/login/", map[string]string{"username": "nd-off", "password": testPassword})).Want(200)
	rec(app.Anon().Do("POST", "/api/users/token/refresh/", map[string]string{"refresh": emp.Refresh})).Want(200)
	for i := 0; ; i++ { // a finished run of the ledger's job
		var runs list[map[string]any]
		admin.Do("GET", "/api/leaves/jobs/runs/", nil).Want(200).JSON(&runs)
		if runs.Count > 0 && runs.Results[0]["status"] != "running" {
			break
		}
		if i > 100 {
			t.Fatalf("no finished run: %+v", runs)
		}
		time.Sleep(20 * time.Millisecond)
	}

	var doc nullDoc
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)

	// query is the query an endpoint needs, or shows its nulls with; nulls,
	// the properties that must be null in some answer of an endpoint (or
	// the check would have nothing to check), and values, those of them
	// that must also hold a value in another; empty, the lists that may be
	// empty here (for want of data worth its time in this test).
	query := map[string]string{
		"/api/attendance/days/":     fmt.Sprintf("?employee_id=%d&from=2026-10-26&to=2026-11-08", emp.ID()),
		"/api/attendance/today/":    "?limit=500",
		"/api/leaves/preview/":      "?leave_type=annual&start_date=2026-11-10&end_date=2026-11-10",
		"/api/attendance/":          "?from=2026-11-01&to=2026-11-30",
		"/api/leaves/overview/":     "?from=2026-11-01&to=2026-11-30",
		"/api/attendance/overview/": "?from=2026-11-01&to=2026-11-30",
		"/api/leaves/ledger/":       fmt.Sprintf("?employee_id=%d", emp.ID()),
		"/api/employees/":           "?q=nd-emp", // whose patterns and allowances are the object paths'
	}
	nulls := map[string][]string{
		"/api/attendance/days/":             {"shift_start", "shift_end", "leave", "holiday"},
		"/api/attendance/today/":            {"shift_start", "shift_end"},
		"/api/leaves/":                      {"start_time", "end_time", "decided_at"},
		"/api/leaves/overview/":             {"start_time", "end_time"},
		"/api/leaves/balances/":             {"remaining", "carry_over_expires_on"},
		"/api/leaves/jobs/":                 {"last_run"},
		"/api/attendance/corrections/":      {"time", "event_id", "decided_at"},
		"/api/attendance/corrections/{id}/": {"decided_at"},
		"/api/employees/":                   {"deactivated_on"},
		"/api/notifications/":               {"read_at"},
		"/api/roster/":                      {"shift"},
	}
	values := map[string][]string{
		"/api/attendance/days/":        {"leave", "holiday"},
		"/api/leaves/":                 {"start_time", "end_time"},
		"/api/leaves/balances/":        {"remaining"},
		"/api/leaves/jobs/":            {"last_run"},
		"/api/attendance/corrections/": {"time"},
		"/api/roster/":                 {"shift"},
	}
	empty := map[string]bool{"/api/mail/outbox/": true} // it would need a mail server

	var paths []string
	for p, ops := range doc.Paths {
		if c, ok := ops["get"].Responses["200"].Content["application/json"]; ok && c.Schema != nil {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	callers := []*client{admin, mgr, emp}
	// answers[path][i] is callers[i]'s answer to a path naming no object,
	// nil for none; written by the first phase, read by the second.
	answers := map[string][]any{}
	var mu sync.Mutex
	// check checks the answers to GET url, of path in the document, and
	// returns them.
	check := func(t *testing.T, path, url string) []any {
		op := doc.Paths[path]["get"]
		schema := op.Responses["200"].Content["application/json"].Schema
		got := make([]any, len(callers))
		seen := nullsSeen{null: map[string]bool{}, value: map[string]bool{}}
		ok, results := false, false
		for i, c := range callers {
			res := c.In(t).Do("GET", url, nil)
			switch res.Status {
			case 403, 404: // not this caller's to see
				continue
			case 200:
			default:
				t.Fatalf("GET %s as %s: status %d: %s", url, c.Me.Username, res.Status, res.Body)
			}
			var body any
			res.JSON(&body)
			got[i], ok = body, true
			if m, _ := body.(map[string]any); m != nil {
				if r, isList := m["results"].([]any); !isList || len(r) > 0 {
					results = true
				}
			} else {
				results = true
			}
			doc.checkNulls(t, fmt.Sprintf("GET %s as %s: $", url, c.Me.Username), schema, body, seen)
		}
		if !ok {
			t.Fatalf("GET %s: no caller may see it", url)
		}
		if !results && !empty[path] {
			t.Errorf("GET %s: no results for anyone; give the test data for it", url)
		}
		for _, p := range nulls[path] {
			if !seen.null[p] {
				t.Errorf("GET %s: no %s was null", url, p)
			}
		}
		for _, p := range values[path] {
			if !seen.value[p] {
				t.Errorf("GET %s: no %s held a value", url, p)
			}
		}
		return got
	}
	// First the paths of their own, then those naming one of the objects
	// that the first answered with: the first in the list of the path
	// before the name.
	param := regexp.MustCompile(`\{(\w+)\}`)
	t.Run("lists", func(t *testing.T) {
		for _, p := range paths {
			if !strings.Contains(p, "{") {
				t.Run(p, func(t *testing.T) {
					t.Parallel()
					got := check(t, p, p+query[p])
					mu.Lock()
					answers[p] = got
					mu.Unlock()
				})
			}
		}
	})
	t.Run("objects", func(t *testing.T) {
		for _, p := range paths {
			m := param.FindStringSubmatchIndex(p)
			if m == nil {
				continue
			}
			t.Run(p, func(t *testing.T) {
				t.Parallel()
				name := p[m[2]:m[3]]
				var v any
				for _, a := range answers[p[:m[0]]] {
					l, _ := a.(map[string]any)
					r, _ := l["results"].([]any)
					for i := 0; i < len(r) && v == nil; i++ {
						v = r[i].(map[string]any)[name]
					}
				}
				if v == nil {
					t.Fatalf("GET %s: no %s in the answers of %s", p, name, p[:m[0]])
				}
				check(t, p, p[:m[0]]+fmt.Sprint(v)+p[m[1]:]+query[p])
			})
		}
	})
	// The writes' answers, against their path's operation and status.
	t.Run("writes", func(t *testing.T) {
		type template struct {
			path string
			re   *regexp.Regexp
		}
		var templates []template
		for p := range doc.Paths {
			re := regexp.QuoteMeta(param.ReplaceAllString(p, "\x00"))
			templates = append(templates, template{p, regexp.MustCompile("^" + strings.ReplaceAll(re, "\x00", "[^/]+") + "$")})
		}
		// A path of literal parts before one with parameters.
		sort.Slice(templates, func(i, j int) bool {
			return strings.Count(templates[i].path, "{") < strings.Count(templates[j].path, "{")
		})
		for _, r := range writes {
			method, url, _ := strings.Cut(r.req, " ")
			url, _, _ = strings.Cut(url, "?")
			path := ""
			for _, tp := range templates {
				if tp.re.MatchString(url) {
					path = tp.path
					break
				}
			}
			if path == "" {
				t.Errorf("%s: no path of the document", r.req)
				continue
			}
			if len(r.Body) == 0 {
				continue // 202, 204: nothing to check
			}
			c, ok := doc.Paths[path][strings.ToLower(method)].Responses[strconv.Itoa(r.Status)].Content["application/json"]
			if !ok || c.Schema == nil {
				t.Errorf("%s answered %d with a body the document does not declare (%s)", r.req, r.Status, path)
				continue
			}
			var body any
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Errorf("%s: %v", r.req, err)
				continue
			}
			doc.checkNulls(t, fmt.Sprintf("%s as answered: $", r.req), c.Schema, body, nullsSeen{null: map[string]bool{}, value: map[string]bool{}})
		}
	})
}

// nullDoc is what TestNullsAreDeclared reads of the OpenAPI document.
type nullDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema *nullSchema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*nullSchema `json:"schemas"`
	} `json:"components"`
}

// nullSchema is a JSON schema of the document: a reference, a type (one or
// a list, "null" in the list for a nullable value) with its parts, or a
// choice of schemas (anyOf: [{$ref}, {type: null}] for a nullable object).
type nullSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 json.RawMessage        `json:"type"`
	Properties           map[string]*nullSchema `json:"properties"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	Items                *nullSchema            `json:"items"`
	AnyOf                []*nullSchema          `json:"anyOf"`
	OneOf                []*nullSchema          `json:"oneOf"`
}

// resolve follows s's references.
func (d *nullDoc) resolve(t *testing.T, path string, s *nullSchema) *nullSchema {
	t.Helper()
	for s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		r := d.Components.Schemas[name]
		if r == nil {
			t.Fatalf("%s: %s is not in the document", path, s.Ref)
		}
		s = r
	}
	return s
}

// types returns the types s allows, nil for any.
func (s *nullSchema) types() []string {
	var one string
	if json.Unmarshal(s.Type, &one) == nil {
		return []string{one}
	}
	var types []string
	_ = json.Unmarshal(s.Type, &types)
	return types
}

// nullsSeen is what checkNulls found: the properties that were null, and
// those that held a value.
type nullsSeen struct{ null, value map[string]bool }

// checkNulls fails the test for every null in v that s does not allow,
// and notes in seen the properties it found null or not.
func (d *nullDoc) checkNulls(t *testing.T, path string, s *nullSchema, v any, seen nullsSeen) {
	t.Helper()
	s = d.resolve(t, path, s)
	if choice := append(slices.Clone(s.AnyOf), s.OneOf...); len(choice) > 0 {
		// The first choice of v's type: null, an object or a list.
		want := map[bool]string{true: "null"}[v == nil]
		switch v.(type) {
		case map[string]any:
			want = "object"
		case []any:
			want = "array"
		}
		for _, c := range choice {
			c = d.resolve(t, path, c)
			if want == "" || slices.Contains(c.types(), want) {
				d.checkNulls(t, path, c, v, seen)
				return
			}
		}
		if want != "" {
			t.Errorf("%s is %s, but the document allows none there", path, want)
		}
		return
	}
	if len(s.Type) == 0 {
		return // any value
	}
	switch v := v.(type) {
	case nil:
		if !slices.Contains(s.types(), "null") {
			t.Errorf("%s is null, but the document's type there is %s", path, s.Type)
		}
	case map[string]any:
		var more *nullSchema
		_ = json.Unmarshal(s.AdditionalProperties, &more)
		for k, x := range v {
			p := s.Properties[k]
			if p == nil {
				p = more
			}
			if p == nil {
				t.Errorf("%s.%s is not in the document", path, k)
				continue
			}
			if x == nil {
				seen.null[k] = true
			} else {
				seen.value[k] = true
			}
			d.checkNulls(t, path+"."+k, p, x, seen)
		}
	case []any:
		if s.Items == nil {
			t.Fatalf("%s is a list, but the document gives no items", path)
		}
		for i, x := range v {
			d.checkNulls(t, fmt.Sprintf("%s[%d]", path, i), s.Items, x, seen)
		}
	}
}
