package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/openattendance/attendance"
)

// The authorization matrix: every operation of the OpenAPI document, called
// by every kind of caller on the objects of one employee (the target), against
// the status the contract gives. Callers out of the target's scope must learn
// nothing about the target: their response bodies are searched for the
// target's canary username, email, names and id. One caller acts on another
// target: the manager of an admin, on the admin who reports to them, whom
// they may read but never write for.

// azActor is a kind of caller.
type azActor int

const (
	azAnon     azActor = iota // no token
	azRevoked                 // an admin's token after logout
	azExpired                 // an admin's token 16 minutes after login (the access TTL is 15)
	azSelf                    // the target, an employee
	azPeer                    // another employee of the same manager
	azMgrIn                   // the target's manager
	azMgrOut                  // a manager of another team
	azAdmin                   // an admin
	azMgrAdmin                // a manager acting on the admin who reports to them (azWorld.ofAdmin), not on the target
	azActors
)

var azActorNames = [azActors]string{"anonymous", "revoked token", "expired token", "the employee", "another employee",
	"manager in scope", "manager out of scope", "admin", "manager of an admin"}

func (a azActor) String() string { return azActorNames[a] }

// outOfScope reports whether the actor may not see the target (the
// manager of an admin sees that admin, not the target).
func (a azActor) outOfScope() bool {
	return a <= azExpired || a == azPeer || a == azMgrOut || a == azMgrAdmin
}

// The target's canary: values that appear nowhere else.
const (
	azCanaryUser  = "Quillon.Zephyrine"
	azCanaryEmail = "qz.canary-7731@target.example"
	azCanaryFirst = "Quillonius"
	azCanaryLast  = "Zephyrwhistle"
)

// azUser is a user of the world, for fresh logins.
type azUser struct {
	username, password, first string
}

// azWorld is the company the matrix runs in.
type azWorld struct {
	app          *testApp
	clock        *testClock
	target       attendance.Employee
	users        [azActors]azUser // for the roles that have an account
	root         azUser           // a second admin the test uses for setup and snapshots
	seq          *azSeq
	notification int64 // a notification of the target

	// The admin who reports to the manager of an admin (users[azMgrAdmin]),
	// their account and a notification of theirs: the target of ofAdmin.
	lineAdmin             attendance.Employee
	lineAdminUser         azUser
	lineAdminNotification int64
}

// azSeq hands out unused names and dates; the views of a world share it.
type azSeq struct {
	// nextLeave and nextHoliday are dates not used yet by a leave request or a holiday.
	nextLeave, nextHoliday attendance.Date
	n                      int
}

// in returns a copy of the world that reports to t.
func (w *azWorld) in(t *testing.T) *azWorld {
	v := *w
	v.app = w.app.In(t)
	return &v
}

// ofAdmin returns a copy of the world whose target is the admin who reports
// to the manager of an admin: the rows' prepare, restore and the snapshot
// then act on that admin, as the manager of an admin does.
func (w *azWorld) ofAdmin() *azWorld {
	v := *w
	v.target, v.notification = w.lineAdmin, w.lineAdminNotification
	v.users[azSelf] = w.lineAdminUser
	return &v
}

func (w *azWorld) login(u azUser) *client { return w.app.Login(u.username, u.password) }

// actor returns a caller of kind a with a fresh session: earlier cells may have
// logged out, changed the password or deactivated someone.
func (w *azWorld) actor(a azActor) *client {
	w.app.t.Helper()
	switch a {
	case azAnon:
		return w.app.Anon()
	case azRevoked:
		c := w.login(w.users[azAdmin])
		c.Do("POST", "/api/users/logout/", nil).Want(204)
		return c
	case azExpired:
		c := w.login(w.users[azAdmin])
		w.clock.Add(16 * time.Minute)
		return c
	}
	return w.login(w.users[a])
}

func (w *azWorld) unique(prefix string) string {
	w.seq.n++
	return prefix + strconv.Itoa(w.seq.n)
}

// leaveDate returns a working day (Monday to Friday) not used by any request yet.
func (w *azWorld) leaveDate() string {
	s := w.seq
	for s.nextLeave.Weekday() == time.Saturday || s.nextLeave.Weekday() == time.Sunday {
		s.nextLeave++
	}
	d := s.nextLeave
	s.nextLeave++
	return d.String()
}

func (w *azWorld) holidayDate() string {
	d := w.seq.nextHoliday
	w.seq.nextHoliday++
	return d.String()
}

// targetEvents lists the target's events, newest first.
func (w *azWorld) targetEvents() []attendance.AttendanceEvent {
	w.app.t.Helper()
	var l list[attendance.AttendanceEvent]
	w.login(w.root).Do("GET", "/api/attendance/?limit=500&employee_id="+strconv.FormatInt(w.target.ID, 10), nil).Want(200).JSON(&l)
	return l.Results
}

// nextType is the event type that continues the target's sequence.
func (w *azWorld) nextType() string {
	for _, e := range w.targetEvents() {
		if !e.Voided {
			if e.Type == attendance.Entry {
				return "exit"
			}
			return "entry"
		}
	}
	return "entry"
}

// ownEvent clocks the user in, or out when they are in, and returns the event's id.
func (w *azWorld) ownEvent(u azUser) int64 {
	w.app.t.Helper()
	c := w.login(u)
	var ev attendance.AttendanceEvent
	res := c.Do("POST", "/api/attendance/", map[string]any{"type": "entry"})
	if res.Status == 409 {
		res = c.Do("POST", "/api/attendance/", map[string]any{"type": "exit"})
	}
	res.Want(201).JSON(&ev)
	return ev.ID
}

// targetCorrection makes a pending correction request of the target (the
// void of a new event of theirs) and returns its id.
func (w *azWorld) targetCorrection() int64 {
	w.app.t.Helper()
	var r attendance.CorrectionRequest
	w.login(w.users[azSelf]).Do("POST", "/api/attendance/corrections/",
		map[string]any{"action": "void", "event_id": w.ownEvent(w.users[azSelf]), "reason": "matrix"}).Want(201).JSON(&r)
	return r.ID
}

// targetLeave makes a pending sick-leave request of the target and returns its id.
func (w *azWorld) targetLeave() int64 {
	w.app.t.Helper()
	var r attendance.LeaveRequest
	d := w.leaveDate()
	w.login(w.users[azSelf]).Do("POST", "/api/leaves/request/",
		map[string]any{"leave_type": "sick", "start_date": d, "end_date": d, "reason": "matrix"}).Want(201).JSON(&r)
	return r.ID
}

// group makes an approver group (as the second admin) with the admin of the
// manager of an admin as its member, and returns its code.
func (w *azWorld) group() string {
	w.app.t.Helper()
	code := w.unique("azg")
	w.login(w.root).Do("POST", "/api/approver-groups/", map[string]any{"code": code, "name": "Matrix", "member_ids": []int64{w.lineAdmin.ID}}).Want(201)
	return code
}

// delegation makes a delegation of the second admin and returns its id.
func (w *azWorld) delegation() int64 {
	w.app.t.Helper()
	d := w.leaveDate()
	var out struct {
		ID int64 `json:"id"`
	}
	w.login(w.root).Do("POST", "/api/delegations/", map[string]any{"delegate_id": w.lineAdmin.ID, "from": d, "to": d}).Want(201).JSON(&out)
	return out.ID
}

// id returns the user's employee id.
func (u azUser) id(w *azWorld) int64 { return w.login(u).Me.ID }

// leaveType makes a leave type with an allowance and returns its code.
func (w *azWorld) leaveType() string {
	w.app.t.Helper()
	code := w.unique("az_kind_")
	w.login(w.root).Do("POST", "/api/leaves/types/", map[string]any{"code": code, "name": "Matrix kind", "allowance": 3}).Want(201)
	return code
}

// snapshot is what an admin and the target read about the target; a refused
// request must leave it as it was.
func (w *azWorld) snapshot() string {
	w.app.t.Helper()
	root, self := w.login(w.root), w.login(w.users[azSelf])
	id := strconv.FormatInt(w.target.ID, 10)
	var b strings.Builder
	for _, r := range []*response{
		root.Do("GET", "/api/employees/"+id+"/", nil).Want(200),
		root.Do("GET", "/api/attendance/?limit=500&employee_id="+id, nil).Want(200),
		root.Do("GET", "/api/leaves/overview/?limit=500&employee_id="+id, nil).Want(200),
		root.Do("GET", "/api/leaves/balance/?employee_id="+id, nil).Want(200),
		root.Do("GET", "/api/holidays/?limit=500", nil).Want(200),
		self.Do("GET", "/api/notifications/?limit=500", nil).Want(200),
	} {
		body := r.Body
		if strings.HasPrefix(r.req, "GET /api/notifications/") {
			body = withoutCheckNotifications(w.app.t, body)
		}
		b.WriteString(r.req + "\n" + string(body) + "\n")
	}
	return b.String()
}

// checkKinds are the notifications the periodic checks write. The checks run
// beside the matrix on their own schedule and find the people earlier rows
// created (an admin, like an admin target, hears of those without a
// manager), so such a notification may appear between a request and the
// snapshot after it without the request causing it.
var checkKinds = []string{"not_arrived", "exit_reminder", "needs_review", "session_closed", "leave_escalated", "low_leave_balance"}

// withoutCheckNotifications drops the checks' notifications from a list.
func withoutCheckNotifications(t testing.TB, body []byte) []byte {
	t.Helper()
	var list struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("notifications: %v: %s", err, body)
	}
	list.Results = slices.DeleteFunc(list.Results, func(n map[string]any) bool {
		kind, _ := n["kind"].(string)
		return slices.Contains(checkKinds, kind)
	})
	out, err := json.Marshal(list.Results)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newAzWorld starts a service with the target, their manager and team, another
// team, two admins, and a manager with an admin reporting to them.
func newAzWorld(t *testing.T) *azWorld {
	t.Helper()
	clock := newClock(time.Date(2026, 6, 1, 5, 0, 0, 0, time.UTC)) // a Monday
	app := mustStart(t, withClock(clock))
	w := &azWorld{app: app, clock: clock, seq: &azSeq{nextLeave: attendance.MustParseDate("2026-07-01"),
		nextHoliday: attendance.MustParseDate("2027-01-01")}}
	w.users[azAdmin] = azUser{"admin", adminPassword, ""}
	admin := app.Admin
	admin.CreateEmployee("az_root", map[string]any{"role": "admin"})
	w.root = azUser{"az_root", testPassword, ""}

	person := func(by *client, a azActor, username string, fields map[string]any) attendance.Employee {
		fields["first_name"] = "First" + username
		e := by.CreateEmployee(username, fields)
		if a >= 0 {
			w.users[a] = azUser{username, testPassword, "First" + username}
		}
		return e
	}
	mgrIn := person(admin, azMgrIn, "az_boss", map[string]any{"role": "manager"})
	mgrOut := person(admin, azMgrOut, "az_other_boss", map[string]any{"role": "manager"})
	boss := w.login(w.users[azMgrIn])
	w.target = boss.CreateEmployee(azCanaryUser, map[string]any{
		"email": azCanaryEmail, "first_name": azCanaryFirst, "last_name": azCanaryLast, "department": "Canary"})
	w.users[azSelf] = azUser{azCanaryUser, testPassword, azCanaryFirst}
	person(boss, azPeer, "az_peer", map[string]any{})
	person(w.login(w.users[azMgrOut]), -1, "az_outsider", map[string]any{})
	if *w.target.ManagerID != mgrIn.ID || mgrOut.ManagerID == nil {
		t.Fatalf("setup: target's manager %v, want %d", w.target.ManagerID, mgrIn.ID)
	}
	// The manager of an admin, and the admin.
	adminBoss := person(admin, azMgrAdmin, "az_admin_boss", map[string]any{"role": "manager"})
	w.lineAdmin = person(admin, -1, "az_line_admin", map[string]any{"role": "admin", "manager_id": adminBoss.ID})
	w.lineAdminUser = azUser{"az_line_admin", testPassword, "Firstaz_line_admin"}

	// A notification of the target, and one of the admin: the decision on a request.
	notificationOf := func(v *azWorld) int64 {
		id := v.targetLeave()
		v.login(v.root).Do("POST", "/api/leaves/"+strconv.FormatInt(id, 10)+"/action/", map[string]any{"action": "approve"}).Want(200)
		var ns list[attendance.Notification]
		v.login(v.users[azSelf]).Do("GET", "/api/notifications/", nil).Want(200).JSON(&ns)
		if len(ns.Results) == 0 {
			t.Fatalf("setup: %s has no notification", v.target.Username)
		}
		return ns.Results[0].ID
	}
	w.notification = notificationOf(w)
	w.lineAdminNotification = notificationOf(w.ofAdmin())
	return w
}

// azStream is a notification WebSocket of one actor that keeps every message.
type azStream struct {
	conn *websocket.Conn
	mu   sync.Mutex
	msgs [][]byte
	done chan struct{}
}

// stream opens the WebSocket of actor a with a fresh session, from after_id 0:
// the replay holds every notification the actor ever got.
func (w *azWorld) stream(t *testing.T, a azActor) *azStream {
	t.Helper()
	c := w.login(w.users[a])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(w.app.URL, "http")+"/ws/notifications/", nil)
	if err != nil {
		t.Fatalf("%s: dial: %v", a, err)
	}
	auth, _ := json.Marshal(map[string]any{"type": "auth", "token": c.Token, "after_id": 0})
	if err := conn.Write(ctx, websocket.MessageText, auth); err != nil {
		t.Fatalf("%s: auth: %v", a, err)
	}
	_, ready, err := conn.Read(ctx)
	if err != nil || !bytes.Contains(ready, []byte(`"ready"`)) {
		t.Fatalf("%s: ready: %s %v", a, ready, err)
	}
	s := &azStream{conn: conn, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b)
			s.mu.Unlock()
		}
	}()
	return s
}

// close ends the stream and returns what it received.
func (s *azStream) close() [][]byte {
	s.conn.CloseNow()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msgs
}

// has reports whether a message received so far contains sub.
func (s *azStream) has(sub string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.ContainsFunc(s.msgs, func(b []byte) bool { return bytes.Contains(b, []byte(sub)) })
}

func azDone(s *azStream) bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// azOp is the expectation for one operation.
type azOp struct {
	// want is the status for each caller; ofAdmin's cell comes from ofAdmin.
	want [azActors]int
	// ofAdmin is the status for the manager of an admin acting on that admin
	// (azMgrAdmin): what the manager in scope gets for a read or for their
	// own account, 403 for a write for the admin. Every row must give it.
	ofAdmin int
	// credential marks login and refresh: the body holds the target's
	// credentials, and whoever holds them may see the target.
	credential bool
	// prepare returns the path and body of the request of actor a; it may
	// create the objects the request acts on.
	prepare func(w *azWorld, a azActor) (path string, body any)
	// restore undoes a successful request that would change later cells.
	restore func(w *azWorld)
}

// azAuthed is the expectation of an operation that needs a token: 401 for
// the three callers without a valid one. The manager of an admin's status is
// the row's ofAdmin.
func azAuthed(self, peer, mgrIn, mgrOut, admin int) [azActors]int {
	return [azActors]int{401, 401, 401, self, peer, mgrIn, mgrOut, admin}
}

func azPath(path string) func(*azWorld, azActor) (string, any) {
	return func(*azWorld, azActor) (string, any) { return path, nil }
}

func azTargetPath(format string) func(*azWorld, azActor) (string, any) {
	return func(w *azWorld, _ azActor) (string, any) { return fmt.Sprintf(format, w.target.ID), nil }
}

// azOps is the contract's table, one row per operation of the OpenAPI document.
var azOps = map[string]azOp{
	"POST /api/users/login/": {
		want: [azActors]int{200, 200, 200, 200, 200, 200, 200, 200}, ofAdmin: 200, credential: true,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/users/login/", map[string]string{"username": azCanaryUser, "password": testPassword}
		},
	},
	"POST /api/users/token/refresh/": {
		want: [azActors]int{200, 200, 200, 200, 200, 200, 200, 200}, ofAdmin: 200, credential: true,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/users/token/refresh/", map[string]string{"refresh": w.login(w.users[azSelf]).Refresh}
		},
	},
	"POST /api/users/logout/": {want: azAuthed(204, 204, 204, 204, 204), ofAdmin: 204, prepare: azPath("/api/users/logout/")},
	"GET /api/users/me/":      {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/users/me/")},
	"GET /api/company/":       {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/company/")},
	"PATCH /api/users/me/": {
		want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200,
		prepare: func(w *azWorld, a azActor) (string, any) {
			return "/api/users/me/", map[string]string{"first_name": w.users[max(a, azSelf)].first}
		},
	},
	"POST /api/users/password/": {
		want: azAuthed(204, 204, 204, 204, 204), ofAdmin: 204,
		prepare: func(w *azWorld, a azActor) (string, any) {
			pw := w.users[max(a, azSelf)].password
			return "/api/users/password/", map[string]string{"old_password": pw, "new_password": pw}
		},
	},

	"GET /api/employees/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/employees/?active=all&limit=500")},
	"POST /api/employees/": {
		// A manager may only name a manager_id in their own scope (422); the
		// manager of an admin may name that admin: it changes the new report,
		// not the admin.
		want: azAuthed(403, 403, 201, 422, 201), ofAdmin: 201,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/employees/", map[string]any{"username": w.unique("az_new_"), "password": testPassword, "manager_id": w.target.ID}
		},
	},
	"POST /api/employees/import/": {
		// As POST /api/employees/: the row's manager must be in the
		// importer's scope (422 at row[1].manager_username).
		want: azAuthed(403, 403, 201, 422, 201), ofAdmin: 201,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/employees/import/", csvBody("username,manager_username\n" + w.unique("az_imp_") + "," + w.target.Username + "\n")
		},
	},
	"GET /api/employees/import/template/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/employees/import/template/")},
	"GET /api/departments/":               {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/departments/?limit=500")},
	"GET /api/employees/{id}/":            {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/employees/%d/")},
	"PUT /api/employees/{id}/": {
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/employees/%d/", w.target.ID), map[string]any{"username": w.target.Username, "email": w.target.Email,
				"first_name": w.target.FirstName, "last_name": w.target.LastName, "department": w.unique("Canary")}
		},
	},
	"PATCH /api/employees/{id}/": {
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/employees/%d/", w.target.ID), map[string]any{"department": w.unique("Canary")}
		},
	},
	"DELETE /api/employees/{id}/": {
		want: azAuthed(403, 403, 204, 404, 204), ofAdmin: 403, prepare: azTargetPath("/api/employees/%d/"),
		restore: func(w *azWorld) {
			w.login(w.root).Do("PATCH", fmt.Sprintf("/api/employees/%d/", w.target.ID), map[string]any{"active": true}).Want(200)
		},
	},

	"POST /api/attendance/": {
		// The employee clocks themselves; everyone else records on their behalf.
		want: azAuthed(201, 403, 201, 404, 201), ofAdmin: 403,
		prepare: func(w *azWorld, a azActor) (string, any) {
			if a == azSelf {
				return "/api/attendance/", map[string]any{"type": w.nextType()}
			}
			return "/api/attendance/", map[string]any{"type": w.nextType(), "employee_id": w.target.ID,
				"timestamp": w.clock.Now().Add(-time.Second).Format(time.RFC3339), "note": "matrix"}
		},
	},
	"GET /api/attendance/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/attendance/?employee_id=%d")},
	"DELETE /api/attendance/{id}/": {
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			var ev attendance.AttendanceEvent
			w.login(w.users[azSelf]).Do("POST", "/api/attendance/", map[string]any{"type": w.nextType()}).Want(201).JSON(&ev)
			return fmt.Sprintf("/api/attendance/%d/", ev.ID), map[string]string{"note": "matrix"}
		},
	},
	// Correction requests (docs/corrections.md): everyone asks for their
	// own; the target's are decided by their manager or an admin, cancelled
	// by the target alone.
	"POST /api/attendance/corrections/": {
		want: azAuthed(201, 201, 201, 201, 201), ofAdmin: 201,
		prepare: func(w *azWorld, a azActor) (string, any) {
			return "/api/attendance/corrections/", map[string]any{"action": "void", "event_id": w.ownEvent(w.users[max(a, azSelf)]), "reason": "matrix"}
		},
	},
	"GET /api/attendance/corrections/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/attendance/corrections/")},
	"GET /api/attendance/corrections/overview/": {
		want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azTargetPath("/api/attendance/corrections/overview/?employee_id=%d"),
	},
	"GET /api/attendance/corrections/{id}/": {
		want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/attendance/corrections/%d/", w.targetCorrection()), nil
		},
	},
	"POST /api/attendance/corrections/{id}/action/": {
		// Not one's own (the employee: 403); an admin's only by an admin.
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/attendance/corrections/%d/action/", w.targetCorrection()), map[string]string{"action": "approve", "comment": "matrix"}
		},
	},
	"POST /api/attendance/corrections/{id}/cancel/": {
		want: azAuthed(200, 404, 403, 404, 403), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/attendance/corrections/%d/cancel/", w.targetCorrection()), nil
		},
	},
	// Overtime into time off in lieu (docs/shifts.md): in scope, the request
	// reaches the rules (the target has no overtime to convert: 422); out of
	// scope it is not found; never one's own, nor an admin's by a manager.
	"POST /api/overtime/conversions/": {
		want: azAuthed(403, 403, 422, 404, 422), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			d := attendance.DateOf(w.clock.Now()).String()
			return "/api/overtime/conversions/", map[string]any{"employee_id": w.target.ID, "from": d, "to": d, "minutes": 600, "leave_type": "annual"}
		},
	},
	// A filter naming someone out of scope finds nothing (200, empty).
	"GET /api/overtime/conversions/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azTargetPath("/api/overtime/conversions/?employee_id=%d")},
	// A filter naming someone out of scope finds nothing (200, empty).
	"GET /api/attendance/overview/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azTargetPath("/api/attendance/overview/?employee_id=%d")},
	// The board: one's own row, or anyone's in scope.
	"GET /api/attendance/today/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/attendance/today/?employee_id=%d")},
	// The day-by-day view: one's own dates, or anyone's in scope.
	"GET /api/attendance/days/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/attendance/days/?employee_id=%d")},

	"POST /api/leaves/request/": {
		// Everyone asks for their own leave.
		want: azAuthed(201, 201, 201, 201, 201), ofAdmin: 201,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			d := w.leaveDate()
			return "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": d, "end_date": d}
		},
	},
	"GET /api/leaves/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/leaves/")},
	"POST /api/leaves/{id}/action/": {
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/leaves/%d/action/", w.targetLeave()), map[string]string{"action": "approve", "comment": "matrix"}
		},
	},
	"POST /api/leaves/{id}/cancel/": {
		// Only the requester. Those who can see the request (a manager in
		// scope, an admin) are told they may not; anyone else learns nothing.
		want: azAuthed(200, 404, 403, 404, 403), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/leaves/%d/cancel/", w.targetLeave()), nil
		},
	},
	"GET /api/leaves/overview/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azTargetPath("/api/leaves/overview/?employee_id=%d")},
	"GET /api/leaves/balance/":  {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/leaves/balance/?employee_id=%d")},

	"GET /api/leaves/{id}/": {
		// The requester and those in scope; the manager of an admin reads the admin's.
		want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) { return fmt.Sprintf("/api/leaves/%d/", w.targetLeave()), nil },
	},
	"GET /api/leaves/to-decide/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/leaves/to-decide/")},

	// Approval policies and approver groups: read with manager access (a
	// policy: anyone), written by admins.
	"GET /api/leaves/types/{code}/approval/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/leaves/types/unpaid/approval/")},
	"PUT /api/leaves/types/{code}/approval/": {
		want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/leaves/types/unpaid/approval/", map[string]any{"tiers": []map[string]any{
				{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1, "label": w.unique("Matrix ")}}}}}
		},
		restore: func(w *azWorld) { w.login(w.root).Do("DELETE", "/api/leaves/types/unpaid/approval/", nil).Want(204) },
	},
	"DELETE /api/leaves/types/{code}/approval/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			w.login(w.root).Do("PUT", "/api/leaves/types/unpaid/approval/", map[string]any{"tiers": []map[string]any{
				{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1, "label": w.unique("Matrix ")}}}}}).Want(200)
			return "/api/leaves/types/unpaid/approval/", nil
		},
	},
	"GET /api/approver-groups/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/approver-groups/")},
	"POST /api/approver-groups/": {
		want: azAuthed(403, 403, 403, 403, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/approver-groups/", map[string]any{"code": w.unique("azg"), "name": "Matrix group", "member_ids": []int64{w.lineAdmin.ID}}
		},
	},
	"GET /api/approver-groups/{code}/": {
		want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) { return "/api/approver-groups/" + w.group() + "/", nil },
	},
	"PATCH /api/approver-groups/{code}/": {
		want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/approver-groups/" + w.group() + "/", map[string]any{"name": "Renamed"}
		},
	},
	"DELETE /api/approver-groups/{code}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) { return "/api/approver-groups/" + w.group() + "/", nil },
	},
	"PUT /api/approver-groups/{code}/members/{employee_id}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/approver-groups/%s/members/%d/", w.group(), w.root.id(w)), nil
		},
	},
	"DELETE /api/approver-groups/{code}/members/{employee_id}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/approver-groups/%s/members/%d/", w.group(), w.lineAdmin.ID), nil
		},
	},

	// Delegations: approvers name their own; the matrix's belongs to the
	// second admin, whom only admins see.
	"GET /api/delegations/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/delegations/")},
	"POST /api/delegations/": {
		want: azAuthed(403, 403, 201, 201, 201), ofAdmin: 201,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			d := w.leaveDate()
			return "/api/delegations/", map[string]any{"delegate_id": w.lineAdmin.ID, "from": d, "to": d, "note": "matrix"}
		},
	},
	"GET /api/delegations/{id}/": {
		want: azAuthed(403, 403, 404, 404, 200), ofAdmin: 404,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/delegations/%d/", w.delegation()), nil
		},
	},
	"DELETE /api/delegations/{id}/": {
		want: azAuthed(403, 403, 404, 404, 204), ofAdmin: 404,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/delegations/%d/", w.delegation()), nil
		},
	},

	// The leave ledger (docs/leave.md).
	"GET /api/leaves/types/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/leaves/types/?retired=all")},
	"POST /api/leaves/types/": {
		want: azAuthed(403, 403, 403, 403, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/leaves/types/", map[string]any{"code": w.unique("az_type_"), "name": "Matrix leave", "accrual": "monthly", "allowance": 6}
		},
	},
	"GET /api/leaves/types/{code}/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/leaves/types/annual/")},
	"PATCH /api/leaves/types/{code}/": {
		want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/leaves/types/" + w.leaveType() + "/", map[string]any{"name": "Matrix leave, renamed", "carry_over_max": 2}
		},
	},
	"DELETE /api/leaves/types/{code}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) { return "/api/leaves/types/" + w.leaveType() + "/", nil },
	},
	"GET /api/leaves/jobs/":      {want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403, prepare: azPath("/api/leaves/jobs/")},
	"GET /api/leaves/jobs/runs/": {want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403, prepare: azPath("/api/leaves/jobs/runs/?job=leave_ledger")},
	"POST /api/leaves/jobs/{job}/run/": {
		want: azAuthed(403, 403, 403, 403, 202), ofAdmin: 403, prepare: azPath("/api/leaves/jobs/leave_ledger/run/"),
	},
	"GET /api/leaves/balances/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/leaves/balances/?employee_id=%d")},
	"GET /api/leaves/ledger/":   {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/leaves/ledger/?leave_type=sick&employee_id=%d")},
	"GET /api/leaves/ledger/{id}/": {
		want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			var l list[struct {
				ID *int64 `json:"id"`
			}]
			w.login(w.root).Do("GET", fmt.Sprintf("/api/leaves/ledger/?leave_type=sick&employee_id=%d", w.target.ID), nil).Want(200).JSON(&l)
			for _, e := range l.Results {
				if e.ID != nil {
					return fmt.Sprintf("/api/leaves/ledger/%d/", *e.ID), nil
				}
			}
			w.app.t.Fatal("the target has no ledger entry")
			return "", nil
		},
	},
	"POST /api/leaves/ledger/": {
		want: azAuthed(403, 403, 403, 403, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/leaves/ledger/", map[string]any{"employee_id": w.target.ID, "leave_type": "annual", "year": 2026, "days": 0.5, "note": "matrix"}
		},
	},
	"GET /api/leaves/preview/": {
		// Everyone asks about their own leave.
		want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/leaves/preview/?leave_type=annual&start_date=" + w.leaveDate() + "&start_time=08:00&end_time=10:00", nil
		},
	},
	"GET /api/employees/{id}/allowances/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/employees/%d/allowances/")},
	"PUT /api/employees/{id}/allowances/{code}/": {
		want: azAuthed(403, 403, 200, 404, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/employees/%d/allowances/annual/", w.target.ID), map[string]any{"allowance": 15}
		},
	},
	"DELETE /api/employees/{id}/allowances/{code}/": {
		want: azAuthed(403, 403, 204, 404, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/employees/%d/allowances/%s/", w.target.ID, w.leaveType()), nil
		},
	},

	"GET /api/holidays/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/holidays/")},
	"POST /api/holidays/": {
		want: azAuthed(403, 403, 403, 403, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/holidays/", map[string]string{"date": w.holidayDate(), "name": "Matrix day"}
		},
	},
	"DELETE /api/holidays/{id}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			var h attendance.Holiday
			w.login(w.root).Do("POST", "/api/holidays/", map[string]string{"date": w.holidayDate(), "name": "Matrix day"}).Want(201).JSON(&h)
			return fmt.Sprintf("/api/holidays/%d/", h.ID), nil
		},
	},

	"GET /api/shifts/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/shifts/?active=all")},
	"POST /api/shifts/": {
		want: azAuthed(403, 403, 403, 403, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/shifts/", map[string]any{"name": w.unique("Matrix shift "), "start": "22:00", "end": "06:00"}
		},
	},
	"GET /api/shifts/{id}/": {
		want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200,
		prepare: func(w *azWorld, _ azActor) (string, any) { return fmt.Sprintf("/api/shifts/%d/", w.shift()), nil },
	},
	"PATCH /api/shifts/{id}/": {
		want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/shifts/%d/", w.shift()), map[string]any{"name": w.unique("Matrix renamed ")}
		},
	},
	"DELETE /api/shifts/{id}/": {
		want: azAuthed(403, 403, 403, 403, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) { return fmt.Sprintf("/api/shifts/%d/", w.shift()), nil },
	},
	"GET /api/employees/{id}/patterns/": {want: azAuthed(200, 404, 200, 404, 200), ofAdmin: 200, prepare: azTargetPath("/api/employees/%d/patterns/")},
	"POST /api/employees/{id}/patterns/": {
		// A roster writer: manager access in scope, never for oneself, an admin's only by an admin.
		want: azAuthed(403, 403, 201, 404, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/employees/%d/patterns/", w.target.ID), w.patternBody()
		},
	},
	"DELETE /api/employees/{id}/patterns/{pattern_id}/": {
		want: azAuthed(403, 403, 204, 404, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			root := w.login(w.root)
			var p attendance.ShiftPattern
			for range 2 { // never the last one
				root.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", w.target.ID), w.patternBody()).Want(201).JSON(&p)
			}
			return fmt.Sprintf("/api/employees/%d/patterns/%d/", w.target.ID, p.ID), nil
		},
	},
	// An employee's roster is their own row; a filter naming someone out of scope finds nothing.
	"GET /api/roster/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azTargetPath("/api/roster/?employee_id=%d")},
	"PUT /api/roster/{employee_id}/{date}/": {
		want: azAuthed(403, 403, 201, 404, 201), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/roster/%d/%s/", w.target.ID, w.holidayDate()), map[string]any{"shift_id": w.shift(), "note": "matrix"}
		},
	},
	"DELETE /api/roster/{employee_id}/{date}/": {
		want: azAuthed(403, 403, 204, 404, 204), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			path := fmt.Sprintf("/api/roster/%d/%s/", w.target.ID, w.holidayDate())
			w.login(w.root).Do("PUT", path, map[string]any{"shift_id": nil, "note": "matrix"}).Want(201)
			return path, nil
		},
	},
	"GET /api/settings/worktime/": {want: azAuthed(403, 403, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/settings/worktime/")},
	"PUT /api/settings/worktime/": {
		want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return "/api/settings/worktime/", map[string]any{"break_rule": []any{}, "review_after_minutes": 240, "auto_close": false}
		},
	},

	"GET /api/notifications/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/notifications/")},
	"POST /api/notifications/{id}/read/": {
		// Only the recipient.
		want: azAuthed(204, 404, 404, 404, 404), ofAdmin: 404,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			return fmt.Sprintf("/api/notifications/%d/read/", w.notification), nil
		},
	},
	"POST /api/notifications/read-all/": {want: azAuthed(204, 204, 204, 204, 204), ofAdmin: 204, prepare: azPath("/api/notifications/read-all/")},

	"GET /api/notifications/settings/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/notifications/settings/")},
	"PATCH /api/notifications/settings/": {
		// Everyone's own choices.
		want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200,
		prepare: func(*azWorld, azActor) (string, any) {
			return "/api/notifications/settings/", map[string]any{"email": map[string]bool{"late_arrival": false}}
		},
	},
	"GET /api/mail/outbox/": {want: azAuthed(403, 403, 403, 403, 200), ofAdmin: 403, prepare: azPath("/api/mail/outbox/")},
	// The matrix's service has no SMTP settings: the admin is told e-mail is
	// off (mail_test.go sends one).
	"POST /api/mail/test/": {want: azAuthed(403, 403, 403, 403, 409), ofAdmin: 403, prepare: azPath("/api/mail/test/")},

	"GET /api/calendar/feeds/": {want: azAuthed(200, 200, 200, 200, 200), ofAdmin: 200, prepare: azPath("/api/calendar/feeds/")},
	"POST /api/calendar/feeds/": {
		// Everyone makes their own; a team feed needs manager access (feeds_test.go).
		want: azAuthed(201, 201, 201, 201, 201), ofAdmin: 201,
		prepare: func(w *azWorld, a azActor) (string, any) {
			if a >= azSelf {
				w.revokeFeeds(w.users[a])
			}
			return "/api/calendar/feeds/", map[string]string{"kind": "own"}
		},
	},
	"DELETE /api/calendar/feeds/{id}/": {
		// Only the owner.
		want: azAuthed(204, 404, 404, 404, 404), ofAdmin: 404,
		prepare: func(w *azWorld, _ azActor) (string, any) {
			w.revokeFeeds(w.users[azSelf])
			var f attendance.Feed
			w.login(w.users[azSelf]).Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "own"}).Want(201).JSON(&f)
			return fmt.Sprintf("/api/calendar/feeds/%d/", f.ID), nil
		},
	},
}

// shift makes a shift (as the second admin) and returns its id.
func (w *azWorld) shift() int64 {
	w.app.t.Helper()
	var sh attendance.Shift
	w.login(w.root).Do("POST", "/api/shifts/", map[string]any{"name": w.unique("Matrix night "), "start": "22:00", "end": "06:00"}).
		Want(201).JSON(&sh)
	return sh.ID
}

// patternBody is a one-week pattern from a date not used yet.
func (w *azWorld) patternBody() map[string]any {
	id := w.shift()
	return map[string]any{"start_date": w.holidayDate(), "weeks": []any{map[string]any{"mon": id, "tue": id}}}
}

// revokeFeeds revokes every calendar feed of u.
func (w *azWorld) revokeFeeds(u azUser) {
	w.app.t.Helper()
	c := w.login(u)
	var l list[attendance.Feed]
	c.Do("GET", "/api/calendar/feeds/", nil).Want(200).JSON(&l)
	for _, f := range l.Results {
		c.Do("DELETE", fmt.Sprintf("/api/calendar/feeds/%d/", f.ID), nil).Want(204)
	}
}

// azOperations reads the operations from the running server's OpenAPI
// document: "METHOD /path/", and whether each needs a token.
func azOperations(t *testing.T, app *testApp) map[string]bool {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
		} `json:"paths"`
	}
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)
	ops := map[string]bool{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				ops[strings.ToUpper(method)+" "+path] = len(op.Security) > 0
			}
		}
	}
	if len(ops) == 0 {
		t.Fatal("the OpenAPI document lists no operation")
	}
	return ops
}

// azLeaks returns what of the target a body reveals: the canary strings, or
// the target's id as an employee reference.
func azLeaks(body []byte, targetID int64) []string {
	var found []string
	lower := bytes.ToLower(body)
	for _, s := range []string{azCanaryUser, azCanaryEmail, azCanaryFirst, azCanaryLast} {
		if bytes.Contains(lower, bytes.ToLower([]byte(s))) {
			found = append(found, s)
		}
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return found
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				n, isNum := x.(float64)
				switch {
				case isNum && int64(n) == targetID && slices.Contains([]string{"employee_id", "manager_id", "user_id", "recorded_by", "decided_by", "voided_by"}, k):
					found = append(found, path+"."+k)
				case isNum && int64(n) == targetID && k == "id" && v["username"] != nil:
					found = append(found, path+".id (an employee)")
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+strconv.Itoa(i)+"]", x)
			}
		}
	}
	walk("$", v)
	return found
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	w := newAzWorld(t)
	ops := azOperations(t, w.app)

	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		op, ok := azOps[k]
		if !ok {
			t.Errorf("%s is in the OpenAPI document but has no row in the authorization matrix: add its expectations", k)
			continue
		}
		if op.ofAdmin == 0 {
			t.Errorf("%s: the row has no ofAdmin: give the status for a manager acting on an admin who reports to them (403 for a write for the admin)", k)
		}
		if secured := ops[k]; secured != (op.want[azAnon] == 401) {
			t.Errorf("%s: the document says security=%v, the matrix expects %d for an anonymous caller", k, secured, op.want[azAnon])
		}
	}
	for k := range azOps {
		if _, ok := ops[k]; !ok {
			t.Errorf("the matrix has a row for %s, which the OpenAPI document does not list", k)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// The rows run in shards, each in a world of its own, in parallel: one
	// world would run every cell one after the other, the longest test of
	// the package by far. Within a shard the cells run in turn, since each
	// compares the target's data before and after its request.
	var cells, sawCanary atomic.Int64
	t.Run("shards", func(t *testing.T) {
		for shard := range azShards {
			t.Run(fmt.Sprintf("%dof%d", shard+1, azShards), func(t *testing.T) {
				t.Parallel()
				w := w
				if shard > 0 {
					w = newAzWorld(t)
				}
				for i := shard; i < len(keys); i += azShards {
					azRow(t, w, keys[i], &cells, &sawCanary)
				}
				if shard == 0 {
					azSearches(t, w)
				}
			})
		}
	})
	t.Logf("%d cells (%d operations × %d callers)", cells.Load(), len(keys), azActors)
	// The canary check can fail: callers in scope do see the target.
	if sawCanary.Load() == 0 {
		t.Error("no response to a caller in scope named the target: the canary check proves nothing")
	}
}

// azShards is how many worlds the matrix's rows are spread over.
const azShards = 4

// azRow runs the row of operation k in w: every caller, each in a subtest.
func azRow(t *testing.T, w *azWorld, k string, cells, sawCanary *atomic.Int64) {
	op := azOps[k]
	method := strings.Fields(k)[0]
	t.Run(k, func(t *testing.T) {
		// The live streams of callers out of scope must not carry the target
		// either; the manager's proves that the stream works.
		streams := map[azActor]*azStream{}
		for _, a := range []azActor{azPeer, azMgrOut, azMgrAdmin, azMgrIn} {
			streams[a] = w.in(t).stream(t, a)
		}
		defer func() {
			// Sync: the target clocks, and the manager in scope sees it.
			v := w.in(t)
			v.clock.Add(time.Minute)
			var ev attendance.AttendanceEvent
			v.login(v.users[azSelf]).Do("POST", "/api/attendance/", map[string]any{"type": v.nextType()}).Want(201).JSON(&ev)
			mark := fmt.Sprintf(`"id":%d,`, ev.ID)
			for deadline := time.Now().Add(5 * time.Second); !streams[azMgrIn].has(mark) && !azDone(streams[azMgrIn]) && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			// Unless the cells ended the manager's session (logout, password change).
			if !azDone(streams[azMgrIn]) && !streams[azMgrIn].has(mark) {
				t.Errorf("the manager in scope did not see event %d of the target on the live stream", ev.ID)
			}
			time.Sleep(50 * time.Millisecond)
			for a, s := range streams {
				for _, m := range s.close() {
					if leaks := azLeaks(m, w.target.ID); a.outOfScope() && len(leaks) > 0 {
						t.Errorf("the live stream of the %s carried the target (%v): %s", a, leaks, m)
					}
				}
			}
		}()
		for a := azAnon; a < azActors; a++ {
			t.Run(a.String(), func(t *testing.T) {
				cells.Add(1)
				w := w.in(t)
				canary := w.target.ID
				want := op.want[a]
				if a == azMgrAdmin {
					w, want = w.ofAdmin(), op.ofAdmin
				}
				w.clock.Add(time.Minute)
				c := w.actor(a)
				path, body := op.prepare(w, a)
				var before string
				if want >= 400 {
					before = w.snapshot()
				}
				res := c.Do(method, path, body)
				if res.Status != want {
					t.Errorf("%s %s as %s: status %d, want %d; body: %s", method, path, a, res.Status, want, res.Body)
				}
				if res.Status >= 400 {
					p := res.Problem()
					if res.Status == 401 && p.Code != "unauthorized" {
						t.Errorf("401 code %q, want unauthorized", p.Code)
					}
				}
				if a.outOfScope() && !op.credential {
					if leaks := azLeaks(res.Body, canary); len(leaks) > 0 {
						t.Errorf("%s %s as %s reveals the target (%v): %s", method, path, a, leaks, res.Body)
					}
				} else if len(azLeaks(res.Body, canary)) > 0 {
					sawCanary.Add(1)
				}
				if res.Status < 300 && op.restore != nil {
					op.restore(w)
				}
				if want >= 400 {
					if after := w.snapshot(); after != before {
						t.Errorf("%s %s as %s was refused (%d) but changed the target's data:\nbefore:\n%s\nafter:\n%s", method, path, a, res.Status, before, after)
					}
				}
			})
		}
	})
}

// azSearches checks that the searches and exports of callers out of scope
// never list the target, and those of callers in scope do.
func azSearches(t *testing.T, w *azWorld) {
	t.Run("searches and exports", func(t *testing.T) {
		w := w.in(t)
		var cur attendance.Employee
		w.login(w.root).Do("GET", fmt.Sprintf("/api/employees/%d/", w.target.ID), nil).Want(200).JSON(&cur)
		dept := url.QueryEscape(cur.Department)
		for _, path := range []string{
			"/api/employees/?active=all&q=" + azCanaryFirst[:6],
			"/api/employees/?active=all&q=" + url.QueryEscape(azCanaryEmail),
			"/api/employees/?active=all&department=" + dept,
			"/api/attendance/overview/?format=csv",
			"/api/attendance/overview/?format=csv&department=" + dept,
			"/api/attendance/overview/?department=" + dept,
			"/api/leaves/overview/?department=" + dept,
			"/api/leaves/overview/?limit=500",
		} {
			for _, a := range []azActor{azPeer, azMgrOut, azMgrAdmin, azMgrIn} {
				res := w.login(w.users[a]).Do("GET", path, nil)
				leaks := azLeaks(res.Body, w.target.ID)
				switch {
				case a.outOfScope() && len(leaks) > 0:
					t.Errorf("GET %s as %s reveals the target (%v): %s", path, a, leaks, res.Body)
				case !a.outOfScope() && (res.Status != 200 || len(leaks) == 0):
					t.Errorf("GET %s as %s: %d without the target: %s", path, a, res.Status, res.Body)
				}
			}
		}
	})
}

// TestMassAssignment sends fields a caller may not set, and checks that the
// stored objects did not change.
func TestMassAssignment(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	boss := admin.NewUser("ma_boss", map[string]any{"role": "manager", "first_name": "Boss"})
	emp := boss.NewUser("ma_emp", map[string]any{"first_name": "Emma", "annual_leave_days": 15})
	other := admin.CreateEmployee("ma_other_boss", map[string]any{"role": "manager"})
	empPath := "/api/employees/" + strconv.FormatInt(emp.ID(), 10) + "/"
	bossPath := "/api/employees/" + strconv.FormatInt(boss.ID(), 10) + "/"

	stored := func(t *testing.T, path string) string {
		t.Helper()
		var m map[string]any
		admin.In(t).Do("GET", path, nil).Want(200).JSON(&m)
		delete(m, "updated_at")
		b, _ := json.Marshal(m)
		return string(b)
	}
	unchanged := func(t *testing.T, path, before string) {
		t.Helper()
		if after := stored(t, path); after != before {
			t.Errorf("%s changed:\nbefore %s\nafter  %s", path, before, after)
		}
	}

	t.Run("PATCH me", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"role": "admin"},
			{"role": "manager", "first_name": "Sneaky"},
			{"manager_id": nil},
			{"manager_id": other.ID},
			{"active": false},
			{"annual_leave_days": 366},
			{"username": "ma_renamed"},
			{"password": "new-password-1"},
			{"work_start": "11:00"},
			{"late_grace_minutes": 720},
			{"id": 1},
		} {
			before := stored(t, empPath)
			emp.In(t).Do("PATCH", "/api/users/me/", body).WantProblem(403, "forbidden")
			unchanged(t, empPath, before)
		}
		// The password is unchanged too.
		app.In(t).Login("ma_emp", testPassword)
	})

	t.Run("manager creates", func(t *testing.T) {
		var l list[attendance.Employee]
		admin.In(t).Do("GET", "/api/employees/?active=all&limit=500", nil).Want(200).JSON(&l)
		for _, tc := range []struct {
			body   map[string]any
			status int
		}{
			{map[string]any{"username": "ma_made1", "password": testPassword, "role": "admin"}, 403},
			{map[string]any{"username": "ma_made2", "password": testPassword, "manager_id": other.ID}, 422},
			{map[string]any{"username": "ma_made3", "password": testPassword, "manager_id": nil}, 422},
			{map[string]any{"username": "ma_made4", "password": testPassword, "manager_id": 1}, 422},
		} {
			boss.In(t).Do("POST", "/api/employees/", tc.body).WantProblem(tc.status, "")
		}
		var l2 list[attendance.Employee]
		admin.In(t).Do("GET", "/api/employees/?active=all&limit=500", nil).Want(200).JSON(&l2)
		if l2.Count != l.Count {
			t.Errorf("refused creations made employees: %d, want %d", l2.Count, l.Count)
		}
		// A manager cannot tell an id outside their scope from a missing one.
		outside := boss.In(t).Do("POST", "/api/employees/", map[string]any{"username": "ma_probe", "password": testPassword, "manager_id": other.ID}).WantProblem(422, "")
		missing := boss.In(t).Do("POST", "/api/employees/", map[string]any{"username": "ma_probe", "password": testPassword, "manager_id": 987654}).WantProblem(422, "")
		if outside.Detail != missing.Detail {
			t.Errorf("manager_id outside the scope: %q; missing: %q: the answers tell which ids exist", outside.Detail, missing.Detail)
		}
		// Read-only fields are not taken from the body.
		var made attendance.Employee
		boss.In(t).Do("POST", "/api/employees/", map[string]any{"username": "ma_made5", "password": testPassword,
			"id": 1, "created_at": "2001-01-01T00:00:00Z", "deactivated_on": "2001-01-01"}).Want(201).JSON(&made)
		if made.ID == 1 || made.CreatedAt.Year() == 2001 || made.DeactivatedOn != nil || !made.Active || made.Role != attendance.RoleEmployee ||
			made.ManagerID == nil || *made.ManagerID != boss.ID() {
			t.Errorf("created %+v: read-only fields or defaults were overridden", made)
		}
	})

	t.Run("manager patches", func(t *testing.T) {
		for _, tc := range []struct {
			path   string
			body   map[string]any
			status int
		}{
			{empPath, map[string]any{"role": "admin"}, 403},
			{empPath, map[string]any{"manager_id": other.ID}, 422},
			{empPath, map[string]any{"manager_id": nil}, 422},
			{bossPath, map[string]any{"role": "admin"}, 403},
			{bossPath, map[string]any{"annual_leave_days": 366}, 403},
			{bossPath, map[string]any{"active": false}, 403},
			{bossPath, map[string]any{"manager_id": boss.ID()}, 403},
			{bossPath, map[string]any{"work_days": []string{"sat"}}, 403},
			{"/api/employees/1/", map[string]any{"department": "x"}, 404},
		} {
			before := ""
			if tc.status != 404 {
				before = stored(t, tc.path)
			}
			boss.In(t).Do("PATCH", tc.path, tc.body).WantProblem(tc.status, "")
			boss.In(t).Do("PUT", tc.path, mergeMaps(map[string]any{"username": "ma_x"}, tc.body)).WantProblem(tc.status, "")
			if before != "" {
				unchanged(t, tc.path, before)
			}
		}
		// Read-only fields are ignored on PATCH; fields an employee does not
		// have are refused, on every write.
		before := stored(t, empPath)
		boss.In(t).Do("PATCH", empPath, map[string]any{"id": 1, "created_at": "2001-01-01T00:00:00Z", "updated_at": "2001-01-01T00:00:00Z",
			"deactivated_on": "2001-01-01"}).Want(200)
		unchanged(t, empPath, before)
		for _, method := range []string{"PATCH", "PUT"} {
			wantFieldError(t, boss.In(t).Do(method, empPath, map[string]any{"username": "ma_emp", "manager": boss.ID()}).WantProblem(422, ""), "body.manager")
		}
		wantFieldError(t, boss.In(t).Do("POST", "/api/employees/", map[string]any{"username": "ma_typo", "password": testPassword, "is_staff": true}).
			WantProblem(422, ""), "body.is_staff")
		unchanged(t, empPath, before)
	})

	t.Run("attendance by an employee", func(t *testing.T) {
		events := func(t *testing.T) string {
			return string(admin.In(t).Do("GET", "/api/attendance/?limit=500&employee_id="+strconv.FormatInt(emp.ID(), 10), nil).Want(200).Body)
		}
		before := events(t)
		for _, tc := range []struct {
			body   map[string]any
			status int
		}{
			{map[string]any{"type": "entry", "employee_id": emp.ID()}, 403},
			{map[string]any{"type": "entry", "employee_id": boss.ID()}, 403},
			{map[string]any{"type": "entry", "timestamp": "2020-01-01T08:00:00Z"}, 403},
			{map[string]any{"type": "entry", "note": "I was here"}, 403},
			{map[string]any{"type": "entry", "recorded_by": boss.ID()}, 422},
			{map[string]any{"type": "entry", "source": "manager"}, 422},
			{map[string]any{"type": "entry", "late": false, "late_minutes": 0}, 422},
			{map[string]any{"type": "entry", "voided": true}, 422},
			{map[string]any{"type": "entry", "id": 1}, 422},
		} {
			emp.In(t).Do("POST", "/api/attendance/", tc.body).WantProblem(tc.status, "")
		}
		if after := events(t); after != before {
			t.Errorf("refused records changed the events:\nbefore %s\nafter  %s", before, after)
		}
		var ev attendance.AttendanceEvent
		emp.In(t).Do("POST", "/api/attendance/", map[string]any{"type": "entry"}).Want(201).JSON(&ev)
		if ev.Source != attendance.SourceSelf || ev.RecordedBy != emp.ID() || ev.EmployeeID != emp.ID() || ev.Note != "" {
			t.Errorf("self-recorded event %+v", ev)
		}
	})

	t.Run("leave", func(t *testing.T) {
		leaves := func(t *testing.T) string {
			return string(admin.In(t).Do("GET", "/api/leaves/overview/?limit=500", nil).Want(200).Body)
		}
		before := leaves(t)
		for _, extra := range []map[string]any{
			{"status": "approved"},
			{"decided_by": boss.ID()},
			{"decided_at": "2026-01-01T00:00:00Z"},
			{"employee_id": boss.ID()},
			{"days": 0},
			{"id": 1},
		} {
			body := mergeMaps(map[string]any{"leave_type": "annual", "start_date": "2027-03-01", "end_date": "2027-03-05"}, extra)
			emp.In(t).Do("POST", "/api/leaves/request/", body).WantProblem(422, "")
		}
		if after := leaves(t); after != before {
			t.Errorf("refused requests changed the leave:\nbefore %s\nafter  %s", before, after)
		}
		var r attendance.LeaveRequest
		emp.In(t).Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2027-03-01", "end_date": "2027-03-05"}).Want(201).JSON(&r)
		if r.Status != attendance.LeavePending || r.DecidedBy != nil || r.Days != 5 || r.EmployeeID != emp.ID() {
			t.Errorf("request %+v", r)
		}
		path := "/api/leaves/" + strconv.FormatInt(r.ID, 10) + "/action/"
		for _, extra := range []map[string]any{{"status": "rejected"}, {"decided_by": admin.ID()}, {"days": 0.5}} {
			boss.In(t).Do("POST", path, mergeMaps(map[string]any{"action": "approve"}, extra)).WantProblem(422, "")
		}
		emp.In(t).Do("POST", path, map[string]any{"action": "approve"}).WantProblem(403, "")
		var got attendance.LeaveRequest
		boss.In(t).Do("POST", path, map[string]any{"action": "approve"}).Want(200).JSON(&got)
		if got.Status != attendance.LeaveApproved || got.DecidedBy == nil || *got.DecidedBy != boss.ID() || got.Days != 5 {
			t.Errorf("decided %+v", got)
		}
	})
}

// mergeMaps returns a new map with the entries of all of ms, later ones winning.
func mergeMaps(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestIdempotencyKeyIsPerUser: a key replays only its own user's request;
// another user sending the same key and body gets their own result, never the
// first user's object.
func TestIdempotencyKeyIsPerUser(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	boss := app.Admin.NewUser("idk_boss", map[string]any{"role": "manager"})
	a := boss.NewUser("idk_a", nil)
	b := boss.NewUser("idk_b", nil)
	for _, tc := range []struct {
		path, key string
		body      map[string]any
	}{
		{"/api/attendance/", "shared-key", map[string]any{"type": "entry"}},
		{"/api/leaves/request/", "shared-leave-key", map[string]any{"leave_type": "sick", "start_date": "2027-02-01", "end_date": "2027-02-01"}},
	} {
		var first, again, other struct {
			ID         int64 `json:"id"`
			EmployeeID int64 `json:"employee_id"`
		}
		a.In(t).Do("POST", tc.path, tc.body, "Idempotency-Key", tc.key).Want(201).JSON(&first)
		a.In(t).Do("POST", tc.path, tc.body, "Idempotency-Key", tc.key).Want(201).JSON(&again)
		if again != first {
			t.Errorf("%s: the repeat got %+v, want the first result %+v", tc.path, again, first)
		}
		res := b.In(t).Do("POST", tc.path, tc.body, "Idempotency-Key", tc.key).Want(201).JSON(&other)
		if other.EmployeeID != b.ID() || other.ID == first.ID {
			t.Errorf("%s: another user with the same key got %s, want their own new object", tc.path, res.Body)
		}
		// A manager recording on someone's behalf with that key is a new request too.
		if tc.path == "/api/attendance/" {
			var rec struct {
				ID         int64 `json:"id"`
				EmployeeID int64 `json:"employee_id"`
			}
			boss.In(t).Do("POST", tc.path, map[string]any{"type": "exit", "employee_id": a.ID(), "note": "left early"},
				"Idempotency-Key", tc.key).Want(201).JSON(&rec)
			if rec.ID == first.ID || rec.EmployeeID != a.ID() {
				t.Errorf("manager with the same key got %+v", rec)
			}
		}
	}
	// A key is the user's whatever the endpoint: sent to another one, it is
	// refused rather than run again.
	a.In(t).Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2027-02-02", "end_date": "2027-02-02"},
		"Idempotency-Key", "shared-key").WantProblem(422, "idempotency_key_reused")
	a.In(t).Do("POST", "/api/attendance/", map[string]any{"type": "exit"}, "Idempotency-Key", "shared-leave-key").WantProblem(422, "idempotency_key_reused")
	var mine list[attendance.LeaveRequest]
	a.In(t).Do("GET", "/api/leaves/", nil).Want(200).JSON(&mine)
	if mine.Count != 1 {
		t.Errorf("%d leave requests, want the one first made: a reused key made another", mine.Count)
	}
}
