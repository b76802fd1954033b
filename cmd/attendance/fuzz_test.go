package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// Fuzz targets for the request bodies, query strings and path ids of the API,
// run in-process against the server's handler. Whatever arrives, the server
// never answers 5xx (a panic becomes one), and every 4xx is a problem+json
// with a code and a detail. The seed corpus is in testdata/fuzz; `go test`
// runs it, `.ci/fuzz` fuzzes each target briefly.
//
// Seeds may name live objects with placeholders, replaced before each request:
// $EMP (an employee in the manager's team), $MGR (the manager), $OTHER (a
// manager whom only the admin edits), $EVENT (a
// fresh attendance event of $EMP), $LEAVE (a fresh pending leave request of
// $EMP), $HOLIDAY (a fresh holiday), $REFRESH (a fresh refresh token of $EMP).

// fzApp is one service per fuzz target, with signed-in users.
type fzApp struct {
	app     *testApp
	h       http.Handler
	admin   *client
	manager *client
	emp     *client             // in the manager's team
	pwUser  *client             // whose password the password target changes
	other   attendance.Employee // whom the admin edits
	next    attendance.Date
}

func fzStart(f *testing.F) *fzApp {
	f.Helper()
	app := mustStart(f)
	manager := app.Admin.NewUser("fz_manager", map[string]any{"role": "manager", "first_name": "Mona"})
	emp := manager.NewUser("fz_emp", map[string]any{"first_name": "Emil", "email": "emil@example.com"})
	pw := app.Admin.NewUser("fz_password", nil)
	other := app.Admin.CreateEmployee("fz_other", map[string]any{"role": "manager"})
	// Something to list: an event, a request, a holiday, a notification.
	emp.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)
	var r attendance.LeaveRequest
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-03-02", "end_date": "2026-03-02"}).Want(201).JSON(&r)
	manager.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), map[string]string{"action": "approve"}).Want(200)
	app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-25", "name": "Christmas"}).Want(201)
	return &fzApp{app: app, h: app.Main.HTTP.Handler(), admin: app.Admin, manager: manager, emp: emp, pwUser: pw, other: other,
		next: attendance.MustParseDate("2030-01-01")}
}

// fill replaces the placeholders in s, creating the objects they name.
func (a *fzApp) fill(t *testing.T, s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	r := strings.NewReplacer("$EMP", fmt.Sprint(a.emp.ID()), "$MGR", fmt.Sprint(a.manager.ID()), "$OTHER", fmt.Sprint(a.other.ID))
	s = r.Replace(s)
	if strings.Contains(s, "$EVENT") {
		var ev attendance.AttendanceEvent
		for _, typ := range []string{"entry", "exit"} {
			rec := a.serve(t, "POST", "/api/attendance/", "", []byte(`{"type":"`+typ+`"}`), a.emp.Token)
			if rec.Code == 201 {
				_ = json.Unmarshal(rec.Body.Bytes(), &ev)
				break
			}
		}
		s = strings.ReplaceAll(s, "$EVENT", fmt.Sprint(ev.ID))
	}
	if strings.Contains(s, "$LEAVE") {
		var lr attendance.LeaveRequest
		for range 3 {
			for a.next.Weekday() == time.Saturday || a.next.Weekday() == time.Sunday {
				a.next++
			}
			d := a.next.String()
			a.next++
			rec := a.serve(t, "POST", "/api/leaves/request/", "", []byte(`{"leave_type":"sick","start_date":"`+d+`","end_date":"`+d+`"}`), a.emp.Token)
			if rec.Code == 201 {
				_ = json.Unmarshal(rec.Body.Bytes(), &lr)
				break
			}
		}
		s = strings.ReplaceAll(s, "$LEAVE", fmt.Sprint(lr.ID))
	}
	if strings.Contains(s, "$HOLIDAY") {
		var h attendance.Holiday
		d := a.next.String()
		a.next++
		rec := a.serve(t, "POST", "/api/holidays/", "", []byte(`{"date":"`+d+`","name":"Fuzz day"}`), a.admin.Token)
		_ = json.Unmarshal(rec.Body.Bytes(), &h)
		s = strings.ReplaceAll(s, "$HOLIDAY", fmt.Sprint(h.ID))
	}
	if strings.Contains(s, "$REFRESH") {
		var tok struct{ Refresh string }
		rec := a.serve(t, "POST", "/api/users/login/", "", []byte(`{"username":"fz_emp","password":"`+testPassword+`"}`), "")
		_ = json.Unmarshal(rec.Body.Bytes(), &tok)
		s = strings.ReplaceAll(s, "$REFRESH", tok.Refresh)
	}
	return s
}

// serve sends one request to the handler, without checking the answer.
func (a *fzApp) serve(t *testing.T, method, path, query string, body []byte, token string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://localhost/", bytes.NewReader(body))
	req.URL.Path, req.URL.RawQuery = path, query
	req.RequestURI = req.URL.RequestURI()
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	a.h.ServeHTTP(rec, req)
	return rec
}

// check sends a request with placeholders filled and checks the invariants.
func (a *fzApp) check(t *testing.T, c *client, method, path, query string, body []byte, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	path, query = a.fill(t, path), a.fill(t, query)
	if bytes.Contains(body, []byte("$")) {
		body = []byte(a.fill(t, string(body)))
	}
	rec := a.serve(t, method, path, query, body, c.Token, hdr...)
	fzInvariants(t, method+" "+path+"?"+query, body, rec)
	return rec
}

// fzInvariants: no 5xx; every 4xx a complete problem; JSON where JSON is said.
func fzInvariants(t *testing.T, req string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	ct := rec.Header().Get("Content-Type")
	switch {
	case rec.Code >= 500:
		t.Fatalf("%s with body %q: status %d: %s", req, body, rec.Code, rec.Body.Bytes())
	case rec.Code >= 400:
		if !strings.HasPrefix(ct, "application/problem+json") {
			t.Fatalf("%s with body %q: status %d with content type %q: %s", req, body, rec.Code, ct, rec.Body.Bytes())
		}
		var p problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Code == "" || p.Detail == "" || p.Status != rec.Code {
			t.Fatalf("%s with body %q: status %d with an incomplete problem (%v): %s", req, body, rec.Code, err, rec.Body.Bytes())
		}
	case rec.Body.Len() > 0 && strings.Contains(ct, "json"):
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s with body %q: status %d with invalid JSON: %s", req, body, rec.Code, rec.Body.Bytes())
		}
	}
}

// fzHeaderValue reports whether s could arrive as a header value.
func fzHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return len(s) < 1000
}

func FuzzLogin(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.check(t, a.app.Anon(), "POST", "/api/users/login/", "", body)
	})
}

func FuzzRefresh(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.check(t, a.app.Anon(), "POST", "/api/users/token/refresh/", "", body)
	})
}

func FuzzChangePassword(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.check(t, a.pwUser, "POST", "/api/users/password/", "", body)
	})
}

func FuzzUpdateMe(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.check(t, a.emp, "PATCH", "/api/users/me/", "", body)
	})
}

func FuzzCreateEmployee(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.check(t, a.manager, "POST", "/api/employees/", "", body)
		a.check(t, a.admin, "POST", "/api/employees/", "", body)
	})
}

func FuzzUpdateEmployee(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, method := range []string{"PATCH", "PUT"} {
			a.check(t, a.manager, method, "/api/employees/$EMP/", "", body)
			a.check(t, a.admin, method, "/api/employees/$OTHER/", "", body)
		}
	})
}

// fzIdempotencyHeader is the Idempotency-Key header for a fuzzed key (none
// for ""), or false when no client could send the key as a header value.
func fzIdempotencyHeader(key string) ([]string, bool) {
	if !fzHeaderValue(key) {
		return nil, false
	}
	if key == "" {
		return nil, true
	}
	return []string{"Idempotency-Key", key}, true
}

func FuzzRecordEvent(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		hdr, ok := fzIdempotencyHeader(key)
		if !ok {
			return
		}
		a.check(t, a.emp, "POST", "/api/attendance/", "", body, hdr...)
		a.check(t, a.manager, "POST", "/api/attendance/", "", body, hdr...)
	})
}

func FuzzVoidEvent(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		a.check(t, a.manager, "DELETE", "/api/attendance/"+id+"/", "", body)
	})
}

func FuzzRequestLeave(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		hdr, ok := fzIdempotencyHeader(key)
		if !ok {
			return
		}
		a.check(t, a.emp, "POST", "/api/leaves/request/", "", body, hdr...)
	})
}

func FuzzDecideLeave(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		a.check(t, a.manager, "POST", "/api/leaves/"+id+"/action/", "", body)
	})
}

func FuzzHolidays(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, id string, body []byte) {
		a.check(t, a.admin, "POST", "/api/holidays/", "", body)
		a.check(t, a.admin, "DELETE", "/api/holidays/"+id+"/", "", nil)
	})
}

// fzLists are the list endpoints and who may read them.
var fzLists = []string{"/api/employees/", "/api/attendance/", "/api/attendance/overview/", "/api/leaves/",
	"/api/leaves/overview/", "/api/leaves/balance/", "/api/holidays/", "/api/notifications/"}

func FuzzListQuery(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, query string) {
		for _, path := range fzLists {
			a.check(t, a.manager, "GET", path, query, nil)
			a.check(t, a.emp, "GET", path, query, nil)
		}
		a.check(t, a.admin, "GET", "/api/attendance/overview/", query, nil, "Accept", "text/csv")
	})
}

// FuzzObjectPath fuzzes the {id} of every path that has one.
func FuzzObjectPath(f *testing.F) {
	a := fzStart(f)
	f.Fuzz(func(t *testing.T, id string) {
		for _, p := range []struct{ method, path string }{
			{"GET", "/api/employees/%s/"},
			{"POST", "/api/leaves/%s/cancel/"},
			{"POST", "/api/notifications/%s/read/"},
		} {
			a.check(t, a.emp, p.method, fmt.Sprintf(p.path, id), "", nil)
		}
		a.check(t, a.manager, "GET", "/api/employees/"+id+"/", "", nil)
	})
}
