package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/openattendance/attendance"
)

// Tests of the WebSocket stream GET /ws/notifications/ with a real client:
// authentication and its close codes, revocation, replay, live delivery and
// who sees what, and the limits.

// wsWait bounds the wait for a pushed message or a close. The service
// pushes at once (a write publishes right after its commit, before the HTTP
// response); the slack is for the race detector on a loaded machine.
const wsWait = 5 * time.Second

// wsMonday is 08:20 UTC on a Monday: an entry now is 20 minutes late for the
// default 08:00 start, and no not_arrived deadline (08:30) has passed, so the
// periodic check does not push anything the tests do not expect.
var wsMonday = time.Date(2026, 11, 2, 8, 20, 0, 0, time.UTC)

// wsMessage is a message of the stream.
type wsMessage struct {
	Type         string                      `json:"type"`
	UserID       int64                       `json:"user_id"`
	AfterID      int64                       `json:"after_id"`
	Notification *attendance.Notification    `json:"notification"`
	Event        *attendance.AttendanceEvent `json:"event"`
	raw          string
}

func (m wsMessage) String() string { return m.raw }

// isNotification reports whether m is a notification of kind about employee.
func (m wsMessage) isNotification(kind attendance.NotificationKind, employee int64) bool {
	return m.Type == "notification" && m.Notification != nil && m.Notification.Kind == kind && m.Notification.EmployeeID == employee
}

// isAttendance reports whether m is an attendance event of employee of type typ.
func (m wsMessage) isAttendance(employee int64, typ attendance.EventType) bool {
	return m.Type == "attendance" && m.Event != nil && m.Event.EmployeeID == employee && m.Event.Type == typ
}

// wsStream is a client of the notification stream. A goroutine reads every
// message into msgs until the connection ends.
type wsStream struct {
	t    testing.TB
	name string
	conn *websocket.Conn
	msgs chan wsMessage
	quit chan struct{}
	done chan struct{}
	err  error // why reading ended; read it after done
}

// wsURLOf is the WebSocket URL of the app's stream.
func wsURLOf(app *testApp) string {
	return "ws" + strings.TrimPrefix(app.URL, "http") + "/ws/notifications/"
}

// wsDial connects without authenticating. hdr are handshake headers.
func wsDial(t testing.TB, app *testApp, name string, hdr http.Header) *wsStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, wsURLOf(app), &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("%s: dial: %v (status %d)", name, err, status)
	}
	s := &wsStream{t: t, name: name, conn: conn, msgs: make(chan wsMessage, 256), quit: make(chan struct{}), done: make(chan struct{})}
	go s.read()
	t.Cleanup(s.Close)
	return s
}

func (s *wsStream) read() {
	defer close(s.done)
	for {
		_, b, err := s.conn.Read(context.Background())
		if err != nil {
			s.err = err
			return
		}
		m := wsMessage{raw: string(b)}
		if err := json.Unmarshal(b, &m); err != nil {
			m.Type = "undecodable"
		}
		select {
		case s.msgs <- m:
		case <-s.quit:
			return
		}
	}
}

// Close closes the connection from the client's side and waits for the reader.
func (s *wsStream) Close() {
	select {
	case <-s.quit:
		return
	default:
	}
	close(s.quit)
	s.conn.CloseNow()
	<-s.done
}

// wsOpen connects as c, authenticates with afterID and waits for ready.
func wsOpen(t testing.TB, c *client, afterID int64) *wsStream {
	t.Helper()
	s := wsDial(t, c.app, c.Me.Username, nil)
	s.Auth(c.Token, afterID)
	s.WantReady(c.ID())
	return s
}

// Send writes v as a JSON text message (a string is sent as is).
func (s *wsStream) Send(v any) {
	s.t.Helper()
	b, ok := v.(string)
	if !ok {
		j, err := json.Marshal(v)
		if err != nil {
			s.t.Fatal(err)
		}
		b = string(j)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, []byte(b)); err != nil {
		s.t.Fatalf("%s: send: %v", s.name, err)
	}
}

// Auth sends the auth message.
func (s *wsStream) Auth(token string, afterID int64) {
	s.t.Helper()
	s.Send(map[string]any{"type": "auth", "token": token, "after_id": afterID})
}

// Next returns the next message, failing if none comes within wsWait.
func (s *wsStream) Next() wsMessage {
	s.t.Helper()
	timer := time.NewTimer(wsWait)
	defer timer.Stop()
	select {
	case m := <-s.msgs:
		return m
	case <-s.done:
		select {
		case m := <-s.msgs:
			return m
		default:
		}
		s.t.Fatalf("%s: the stream ended (%v, close status %d) while a message was expected", s.name, s.err, websocket.CloseStatus(s.err))
	case <-timer.C:
		s.t.Fatalf("%s: no message within %v", s.name, wsWait)
	}
	return wsMessage{}
}

// WantReady checks that the next message is ready for user.
func (s *wsStream) WantReady(user int64) wsMessage {
	s.t.Helper()
	m := s.Next()
	if m.Type != "ready" || m.UserID != user {
		s.t.Fatalf("%s: first message %s, want {\"type\":\"ready\",\"user_id\":%d}", s.name, m, user)
	}
	return m
}

// WantNotification checks that the next message is a notification of kind
// about employee, and returns it.
func (s *wsStream) WantNotification(kind attendance.NotificationKind, employee int64) *attendance.Notification {
	s.t.Helper()
	m := s.Next()
	if !m.isNotification(kind, employee) {
		s.t.Fatalf("%s: got %s, want a %s notification about employee %d", s.name, m, kind, employee)
	}
	if m.Notification.ID <= 0 || m.Notification.Message == "" || m.Notification.CreatedAt.IsZero() {
		s.t.Fatalf("%s: incomplete notification %s", s.name, m)
	}
	return m.Notification
}

// WantAttendance checks that the next message is an attendance event of
// employee of type typ, and returns it.
func (s *wsStream) WantAttendance(employee int64, typ attendance.EventType) *attendance.AttendanceEvent {
	s.t.Helper()
	m := s.Next()
	if !m.isAttendance(employee, typ) {
		s.t.Fatalf("%s: got %s, want an attendance %s of employee %d", s.name, m, typ, employee)
	}
	return m.Event
}

// WantLateEntry checks that the next two messages are employee's entry and
// its late_arrival, in either order, and returns them. On a socket opened
// just before, the notification may come first: ready precedes the replay,
// and a notification committed while the replay runs is sent by the replay,
// ahead of the live event (and skipped when it then comes live).
func (s *wsStream) WantLateEntry(employee int64) (*attendance.AttendanceEvent, *attendance.Notification) {
	s.t.Helper()
	var ev *attendance.AttendanceEvent
	var n *attendance.Notification
	for range 2 {
		switch m := s.Next(); {
		case ev == nil && m.isAttendance(employee, attendance.Entry):
			ev = m.Event
		case n == nil && m.isNotification(attendance.NotifyLateArrival, employee):
			n = m.Notification
		default:
			s.t.Fatalf("%s: got %s, want the entry of employee %d and its late_arrival", s.name, m, employee)
		}
	}
	return ev, n
}

// WantQuiet checks that nothing arrives within d (a short window: where it
// matters, a later barrier message proves the absence for certain).
func (s *wsStream) WantQuiet(d time.Duration) {
	s.t.Helper()
	select {
	case m := <-s.msgs:
		s.t.Fatalf("%s: got %s, want nothing", s.name, m)
	case <-time.After(d):
	}
}

// WantClosed checks that the server closes the stream with code within wait,
// sending nothing before.
func (s *wsStream) WantClosed(code websocket.StatusCode, wait time.Duration) {
	s.t.Helper()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case m := <-s.msgs:
		s.t.Fatalf("%s: got %s, want the stream closed with %d", s.name, m, code)
	case <-s.done:
		select {
		case m := <-s.msgs:
			s.t.Fatalf("%s: got %s, want the stream closed with %d", s.name, m, code)
		default:
		}
		if got := websocket.CloseStatus(s.err); got != code {
			s.t.Fatalf("%s: closed with status %d (%v), want %d", s.name, got, s.err, code)
		}
	case <-timer.C:
		s.t.Fatalf("%s: still open after %v, want it closed with %d", s.name, wait, code)
	}
}

const wsCloseUnauthorized websocket.StatusCode = 4401

// wsClockIn records an entry (or an exit) for c and returns it.
func wsClockIn(c *client, typ attendance.EventType) attendance.AttendanceEvent {
	c.app.t.Helper()
	var ev attendance.AttendanceEvent
	c.Do("POST", "/api/attendance/", map[string]string{"type": string(typ)}).Want(201).JSON(&ev)
	return ev
}

// wsRequestLeave files a leave request as c.
func wsRequestLeave(c *client, typ attendance.LeaveType, start, end string) attendance.LeaveRequest {
	c.app.t.Helper()
	var r attendance.LeaveRequest
	c.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": typ, "start_date": start, "end_date": end}).Want(201).JSON(&r)
	return r
}

// wsDecide approves or rejects a request as c.
func wsDecide(c *client, id int64, action string) attendance.LeaveRequest {
	c.app.t.Helper()
	var r attendance.LeaveRequest
	c.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", id), map[string]string{"action": action}).Want(200).JSON(&r)
	return r
}

// notificationData decodes a notification's data.
func notificationData(t testing.TB, n *attendance.Notification) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(n.Data, &d); err != nil {
		t.Fatalf("notification data %s: %v", n.Data, err)
	}
	return d
}

func TestStreamAuth(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)), withConfig(func(c *Config) {
		// An IPv6 address and a name with a character the library's patterns
		// would read as a wildcard: both must match exactly, as for CORS.
		c.AllowedOrigins = []string{"https://dash.example.com", "http://[::1]:9000", "https://d?sh.example.org"}
	}))
	user := app.Admin.NewUser("wsuser", nil)

	t.Run("ready", func(t *testing.T) {
		t.Parallel()
		wsOpen(t, user, 0)
	})

	t.Run("no message within 10 s", func(t *testing.T) {
		t.Parallel()
		s := wsDial(t, app, "silent", nil)
		s.WantClosed(wsCloseUnauthorized, 15*time.Second)
	})

	revoked := app.In(t).Login("wsuser", testPassword)
	revoked.Do("POST", "/api/users/logout/", nil).Want(204)
	// A token whose signature is changed in one character.
	sig := strings.LastIndexByte(user.Token, '.') + 5
	flip := map[bool]byte{true: 'B', false: 'A'}[user.Token[sig] == 'A']
	tampered := user.Token[:sig] + string(flip) + user.Token[sig+1:]
	refused := []struct {
		name  string
		first any
	}{
		{"garbage token", map[string]any{"type": "auth", "token": "not-a-token", "after_id": 0}},
		{"tampered token", map[string]any{"type": "auth", "token": tampered, "after_id": 0}},
		{"refresh token", map[string]any{"type": "auth", "token": user.Refresh, "after_id": 0}},
		{"logged out token", map[string]any{"type": "auth", "token": revoked.Token, "after_id": 0}},
		{"wrong type", map[string]any{"type": "hello", "token": user.Token, "after_id": 0}},
		{"no token", map[string]any{"type": "auth", "after_id": 0}},
		{"negative after_id", map[string]any{"type": "auth", "token": user.Token, "after_id": -1}},
		{"not JSON", "hello"},
		{"token as a bare string", `"` + user.Token + `"`},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := wsDial(t, app, tt.name, nil)
			s.Send(tt.first)
			s.WantClosed(wsCloseUnauthorized, wsWait)
		})
	}

	t.Run("logout closes the sockets of that session only", func(t *testing.T) {
		t.Parallel()
		mgr := app.Admin.In(t).NewUser("wslogout", map[string]any{"role": "manager"})
		report := mgr.NewUser("wslogout-report", nil)
		other := app.In(t).Login("wslogout", testPassword)
		s1 := wsOpen(t, mgr, 0)
		s1b := wsOpen(t, mgr, 0) // a second socket of the same token
		s2 := wsOpen(t, other, 0)
		mgr.Do("POST", "/api/users/logout/", nil).Want(204)
		s1.WantClosed(wsCloseUnauthorized, wsWait)
		s1b.WantClosed(wsCloseUnauthorized, wsWait)
		wsRequestLeave(report, attendance.LeaveSick, "2026-11-03", "2026-11-03")
		s2.WantNotification(attendance.NotifyLeaveRequested, report.ID())
	})

	t.Run("a password change closes the other sessions' sockets", func(t *testing.T) {
		t.Parallel()
		a := app.Admin.In(t).NewUser("wspassword", nil)
		b := app.In(t).Login("wspassword", testPassword)
		sa := wsOpen(t, a, 0)
		sb := wsOpen(t, b, 0)
		a.Do("POST", "/api/users/password/", map[string]string{"old_password": testPassword, "new_password": "another-password-9"}).Want(204)
		sb.WantClosed(wsCloseUnauthorized, wsWait)
		sa.WantQuiet(200 * time.Millisecond)
		wsOpen(t, a, 0) // the session that changed it still works
	})

	t.Run("deactivation closes the socket at once", func(t *testing.T) {
		t.Parallel()
		// The stream also checks the session every minute; deactivation revokes
		// the sessions, which closes the sockets right away.
		gone := app.Admin.In(t).NewUser("wsgone", nil)
		s := wsOpen(t, gone, 0)
		app.Admin.In(t).Do("DELETE", fmt.Sprintf("/api/employees/%d/", gone.ID()), nil).Want(204)
		s.WantClosed(wsCloseUnauthorized, wsWait)
		d := wsDial(t, app, "wsgone again", nil)
		d.Auth(gone.Token, 0)
		d.WantClosed(wsCloseUnauthorized, wsWait)
	})

	t.Run("origin", func(t *testing.T) {
		t.Parallel()
		for _, origin := range []string{app.URL, "https://dash.example.com", "http://[::1]:9000", "https://d?sh.example.org"} {
			s := wsDial(t, app, "origin "+origin, http.Header{"Origin": {origin}})
			s.Auth(user.Token, 0)
			s.WantReady(user.ID())
		}
		// Another site, the same host on another port, the allowed site over
		// plain http (an origin is scheme, host and port), an opaque origin.
		for _, origin := range []string{"https://evil.example.com", "http://127.0.0.1:1", "http://dash.example.com", "null",
			"http://[::1]:9001", "https://dash.example.org"} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			conn, res, err := websocket.Dial(ctx, wsURLOf(app), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {origin}}})
			cancel()
			if err == nil {
				conn.CloseNow()
				t.Errorf("Origin %s: the handshake succeeded, want it refused", origin)
				continue
			}
			if res == nil || res.StatusCode != http.StatusForbidden {
				t.Errorf("Origin %s: %v, want 403", origin, err)
			}
		}
	})
}

func TestStreamExpiredToken(t *testing.T) {
	t.Parallel()
	clock := newClock(wsMonday)
	app := mustStart(t, withClock(clock))
	user := app.Admin.NewUser("expiring", nil)
	clock.Add(app.Main.Config.AccessTTL + time.Minute)
	s := wsDial(t, app, "expired", nil)
	s.Auth(user.Token, 0)
	s.WantClosed(wsCloseUnauthorized, wsWait)
	wsOpen(t, app.Login("expiring", testPassword), 0) // a fresh token works
}

// TestStreamRoleChange: a dashboard whose user loses manager access closes at
// once (not at the next periodic check), and their former team's events are
// not sent to it meanwhile.
func TestStreamRoleChange(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	boss := app.Admin.NewUser("rc_boss", map[string]any{"role": "manager"})
	worker := boss.NewUser("rc_worker", nil)
	bystander := app.Admin.NewUser("rc_bystander", map[string]any{"role": "manager"})

	s := wsOpen(t, boss, 0)
	other := wsOpen(t, bystander, 0)
	wsClockIn(worker, attendance.Entry)
	_, late := s.WantLateEntry(worker.ID())

	app.Admin.Do("PATCH", empPath(boss.ID()), map[string]any{"role": "employee"}).Want(200)
	s.WantClosed(wsCloseUnauthorized, wsWait)
	wsClockIn(worker, attendance.Exit)
	// Someone else's socket is left alone.
	other.WantQuiet(200 * time.Millisecond)
	app.Admin.Do("PATCH", empPath(bystander.ID()), map[string]any{"department": "elsewhere"}).Want(200)
	other.WantQuiet(200 * time.Millisecond)

	// Signed in again, the former manager sees only their own messages.
	again := wsOpen(t, app.Login("rc_boss", testPassword), late.ID)
	wsClockIn(worker, attendance.Entry)
	again.WantQuiet(300 * time.Millisecond)
}

func TestStreamLimits(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))

	t.Run("sockets per user", func(t *testing.T) {
		t.Parallel()
		u := app.Admin.In(t).NewUser("wsmany", nil)
		var open []*wsStream
		for range 10 {
			open = append(open, wsOpen(t, u, 0))
		}
		s := wsDial(t, app, "eleventh", nil)
		s.Auth(u.Token, 0)
		s.WantClosed(4429, wsWait)
		// Another user is not limited by this one's sockets.
		wsOpen(t, app.Admin.In(t).NewUser("wsfew", nil), 0)
		// Closing one makes room again, once the server has noticed (until
		// then, a new socket is still the eleventh and gets 4429).
		open[0].Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			s := wsDial(t, app, "after a close", nil)
			s.Auth(u.Token, 0)
			select {
			case m := <-s.msgs:
				if m.Type != "ready" {
					t.Fatalf("after a close: %s, want ready", m)
				}
			case <-s.done:
				if code := websocket.CloseStatus(s.err); code != 4429 {
					t.Fatalf("after a close: closed with %d (%v), want ready or 4429", code, s.err)
				}
				if time.Now().After(deadline) {
					t.Fatal("no room for a socket 5 s after closing one of ten")
				}
				time.Sleep(50 * time.Millisecond)
				continue
			case <-time.After(wsWait):
				t.Fatal("after a close: no answer")
			}
			break
		}
	})

	t.Run("read limit", func(t *testing.T) {
		t.Parallel()
		u := app.Admin.In(t).NewUser("wsbig", nil)
		auth := func(pad int) map[string]any {
			return map[string]any{"type": "auth", "token": u.Token, "after_id": 0, "pad": strings.Repeat("x", pad)}
		}
		// An auth message a little under 4 KiB is fine …
		s := wsDial(t, app, "3 KiB auth", nil)
		s.Send(auth(3000))
		s.WantReady(u.ID())
		// … one over it is refused with "message too big".
		s = wsDial(t, app, "5 KiB auth", nil)
		s.Send(auth(5000))
		s.WantClosed(websocket.StatusMessageTooBig, wsWait)
		// After the auth message the client has nothing to say: a big message
		// closes the socket.
		s = wsOpen(t, u, 0)
		s.Send(strings.Repeat("y", 5000))
		select {
		case <-s.done:
		case m := <-s.msgs:
			t.Fatalf("got %s, want the socket closed", m)
		case <-time.After(wsWait):
			t.Fatal("a 5 KiB client message did not close the socket")
		}
	})
}

// TestStreamReplay: notifications made while disconnected are replayed after
// after_id, oldest first, then live ones follow without duplicates.
func TestStreamReplay(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	mgr := app.Admin.NewUser("replay-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("replay-emp", nil)
	otherMgr := app.Admin.NewUser("replay-other", map[string]any{"role": "manager"})
	otherEmp := otherMgr.NewUser("replay-other-emp", nil)

	// Interleave notifications of another recipient, so ids have gaps.
	wsRequestLeave(emp, attendance.LeaveSick, "2026-11-09", "2026-11-09")
	wsRequestLeave(otherEmp, attendance.LeaveSick, "2026-11-09", "2026-11-09")
	wsRequestLeave(emp, attendance.LeaveSick, "2026-11-10", "2026-11-10")
	wsRequestLeave(otherEmp, attendance.LeaveSick, "2026-11-10", "2026-11-10")
	wsRequestLeave(emp, attendance.LeaveSick, "2026-11-11", "2026-11-11")

	var stored list[attendance.Notification]
	mgr.Do("GET", "/api/notifications/", nil).Want(200).JSON(&stored)
	if stored.Count != 3 || len(stored.Results) != 3 {
		t.Fatalf("manager has %d notifications, want 3", stored.Count)
	}
	n1, n2, n3 := stored.Results[2].ID, stored.Results[1].ID, stored.Results[0].ID

	s := wsOpen(t, mgr, n1)
	for _, want := range []int64{n2, n3} {
		if got := s.WantNotification(attendance.NotifyLeaveRequested, emp.ID()); got.ID != want {
			t.Fatalf("replayed notification %d, want %d", got.ID, want)
		}
	}
	r4 := wsRequestLeave(emp, attendance.LeaveSick, "2026-11-12", "2026-11-12")
	n4 := s.WantNotification(attendance.NotifyLeaveRequested, emp.ID())
	if n4.ID <= n3 || notificationData(t, n4)["leave_request_id"] != float64(r4.ID) {
		t.Fatalf("live notification %d (%s) after %d, want the one of request %d", n4.ID, n4.Data, n3, r4.ID)
	}
	// The next live one comes next: nothing was sent twice in between.
	wsRequestLeave(emp, attendance.LeaveSick, "2026-11-13", "2026-11-13")
	n5 := s.WantNotification(attendance.NotifyLeaveRequested, emp.ID())
	if n5.ID <= n4.ID {
		t.Fatalf("notification %d after %d, want a new one", n5.ID, n4.ID)
	}

	t.Run("from the start", func(t *testing.T) {
		s := wsOpen(t, mgr.In(t), 0)
		for _, want := range []int64{n1, n2, n3, n4.ID, n5.ID} {
			if got := s.WantNotification(attendance.NotifyLeaveRequested, emp.ID()); got.ID != want {
				t.Fatalf("replayed notification %d, want %d", got.ID, want)
			}
		}
		s.WantQuiet(200 * time.Millisecond)
	})
	t.Run("up to date", func(t *testing.T) {
		s := wsOpen(t, mgr.In(t), n5.ID)
		wsRequestLeave(emp.In(t), attendance.LeaveSick, "2026-11-16", "2026-11-16")
		if got := s.WantNotification(attendance.NotifyLeaveRequested, emp.ID()); got.ID <= n5.ID {
			t.Fatalf("got notification %d, want a new one after %d", got.ID, n5.ID)
		}
	})
	t.Run("someone else's notifications are not replayed", func(t *testing.T) {
		s := wsOpen(t, emp.In(t), 0)
		s.WantQuiet(200 * time.Millisecond)
		o := wsOpen(t, otherMgr.In(t), 0)
		o.WantNotification(attendance.NotifyLeaveRequested, otherEmp.ID())
		o.WantNotification(attendance.NotifyLeaveRequested, otherEmp.ID())
		o.WantQuiet(200 * time.Millisecond)
	})
}

// TestStreamAfterIDAhead: an after_id beyond every notification the user has
// (a database restored from a backup, a client of another server) replays
// nothing and hides none of the notifications to come.
func TestStreamAfterIDAhead(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	mgr := app.Admin.NewUser("ahead-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("ahead-emp", nil)
	open := func(afterID, wantAfter int64) *wsStream {
		t.Helper()
		s := wsDial(t, mgr.app, mgr.Me.Username, nil)
		s.Auth(mgr.Token, afterID)
		// ready says where the replay starts, so that a client that was ahead
		// asks for the right ids at its next reconnect.
		if r := s.WantReady(mgr.ID()); r.AfterID != wantAfter {
			t.Errorf("ready after after_id %d: %s, want after_id %d", afterID, r, wantAfter)
		}
		return s
	}
	s := open(1<<40, 0)
	wsClockIn(emp, attendance.Entry)
	ev, n := s.WantLateEntry(emp.ID())
	if d := notificationData(t, n); d["event_id"] != float64(ev.ID) {
		t.Errorf("late_arrival data %s, want event_id %d", n.Data, ev.ID)
	}
	open(1<<40, n.ID).WantQuiet(200 * time.Millisecond)
	// With an after_id in range, what came after it is replayed, and no more.
	again := open(n.ID-1, n.ID-1)
	if got := again.WantNotification(attendance.NotifyLateArrival, emp.ID()); got.ID != n.ID {
		t.Errorf("replayed notification %d, want %d", got.ID, n.ID)
	}
	again.WantQuiet(200 * time.Millisecond)
}

// TestStreamLive follows the live messages of one scene through every
// socket: who gets which attendance events and notifications. Later messages
// serve as barriers: a socket's next message being the expected one proves
// that nothing else came before it.
func TestStreamLive(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	admin := app.Admin
	upper := admin.NewUser("live-upper", map[string]any{"role": "manager"}) // manager of mgr1
	mgr1 := upper.NewUser("live-mgr1", map[string]any{"role": "manager"})
	mgr2 := admin.NewUser("live-mgr2", map[string]any{"role": "manager"})
	emp1 := mgr1.NewUser("live-emp1", nil)
	emp2 := mgr2.NewUser("live-emp2", nil)

	sAdmin := wsOpen(t, admin, 0)
	sUpper := wsOpen(t, upper, 0)
	sMgr1 := wsOpen(t, mgr1, 0)
	sMgr2 := wsOpen(t, mgr2, 0)
	sEmp1 := wsOpen(t, emp1, 0)

	// A report clocks in late: their manager gets the event and a late_arrival.
	ev := wsClockIn(emp1, attendance.Entry)
	if !ev.Late || ev.LateMinutes != 20 {
		t.Fatalf("entry at 08:20: late %v, %d minutes; want 20 minutes late", ev.Late, ev.LateMinutes)
	}
	got, n := sMgr1.WantLateEntry(emp1.ID())
	if got.ID != ev.ID || !got.Late || got.LateMinutes != 20 {
		t.Errorf("pushed event %+v, want the recorded one %+v", got, ev)
	}
	if d := notificationData(t, n); d["late_minutes"] != float64(20) || d["event_id"] != float64(ev.ID) {
		t.Errorf("late_arrival data %s, want late_minutes 20 and event_id %d", n.Data, ev.ID)
	}
	// The manager above sees the event (indirect report) but is not notified;
	// the admin sees every event.
	sUpper.WantAttendance(emp1.ID(), attendance.Entry)
	sAdmin.WantAttendance(emp1.ID(), attendance.Entry)
	// The other manager gets nothing about someone outside their scope.
	sMgr2.WantQuiet(300 * time.Millisecond)

	// The other team: only its manager and the admin hear of it.
	wsClockIn(emp2, attendance.Entry)
	sMgr2.WantLateEntry(emp2.ID()) // the first things mgr2 gets: nothing of emp1 came before
	sAdmin.WantAttendance(emp2.ID(), attendance.Entry)

	// A leave request goes to the manager; the decision to the employee, with
	// the low balance to both when the approval leaves 3 days or fewer.
	r := wsRequestLeave(emp1, attendance.LeaveAnnual, "2026-12-01", "2026-12-16") // 12 of 15 days
	if r.Days != 12 {
		t.Fatalf("request costs %g days, want 12", r.Days)
	}
	n = sMgr1.WantNotification(attendance.NotifyLeaveRequested, emp1.ID())
	if notificationData(t, n)["leave_request_id"] != float64(r.ID) {
		t.Errorf("leave_requested data %s, want leave_request_id %d", n.Data, r.ID)
	}
	wsDecide(mgr1, r.ID, "approve")
	// emp1's first message: their own attendance event never reached them.
	n = sEmp1.WantNotification(attendance.NotifyLeaveDecided, emp1.ID())
	if d := notificationData(t, n); d["status"] != "approved" || d["leave_request_id"] != float64(r.ID) {
		t.Errorf("leave_decided data %s, want the approval of request %d", n.Data, r.ID)
	}
	n = sEmp1.WantNotification(attendance.NotifyLowLeaveBalance, emp1.ID())
	if notificationData(t, n)["remaining"] != float64(3) {
		t.Errorf("low_leave_balance data %s, want remaining 3", n.Data)
	}
	n = sMgr1.WantNotification(attendance.NotifyLowLeaveBalance, emp1.ID())
	if notificationData(t, n)["remaining"] != float64(3) {
		t.Errorf("low_leave_balance data %s, want remaining 3", n.Data)
	}

	// Barriers. mgr1 clocks in late: upper (their manager) gets the event and
	// the late_arrival, and mgr1 sees their own event; before it, upper got
	// nothing of the leave or of emp1's lateness, and mgr1 nothing of emp2.
	wsClockIn(mgr1, attendance.Entry)
	sUpper.WantAttendance(mgr1.ID(), attendance.Entry)
	sUpper.WantNotification(attendance.NotifyLateArrival, mgr1.ID())
	sMgr1.WantAttendance(mgr1.ID(), attendance.Entry)
	sAdmin.WantAttendance(mgr1.ID(), attendance.Entry) // the admin got no notification of anyone's
	// emp1 clocks out, then a rejected request: the decision is the next thing
	// emp1 gets, so their exit did not reach them either.
	wsClockIn(emp1, attendance.Exit)
	sMgr1.WantAttendance(emp1.ID(), attendance.Exit)
	sick := wsRequestLeave(emp1, attendance.LeaveSick, "2026-11-20", "2026-11-20")
	wsDecide(mgr1, sick.ID, "reject")
	n = sEmp1.WantNotification(attendance.NotifyLeaveDecided, emp1.ID())
	if notificationData(t, n)["status"] != "rejected" {
		t.Errorf("leave_decided data %s, want rejected", n.Data)
	}
	// emp2 clocks out: mgr2's next message, so nothing of emp1's team came in between.
	wsClockIn(emp2, attendance.Exit)
	sMgr2.WantAttendance(emp2.ID(), attendance.Exit)
	sAdmin.WantAttendance(emp1.ID(), attendance.Exit)
	sAdmin.WantAttendance(emp2.ID(), attendance.Exit)
}

// TestStreamShutdown: stopping the service closes the open sockets ("going
// away"), and does not wait for them to go idle.
func TestStreamShutdown(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	user := app.Admin.NewUser("shutdown", nil)
	s := wsOpen(t, user, 0)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		app.Stop()
	}()
	s.WantClosed(websocket.StatusGoingAway, 10*time.Second)
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the service did not stop within 10 s with a socket open")
	}
}

// TestStreamEarlyAuth sends the auth message in the same write as the
// handshake, before the 101 arrives, as a client may: the bytes the server
// read with the request must reach the stream, small ones and ones that
// fill much of the read buffer.
func TestStreamEarlyAuth(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(wsMonday)))
	user := app.Admin.NewUser("early", nil)
	for _, pad := range []int{0, 3000} {
		t.Run(fmt.Sprintf("padded by %d bytes", pad), func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			auth := fmt.Sprintf(`{"type":"auth",%s"token":%q}`, strings.Repeat(" ", pad), user.Token)
			req := "GET /ws/notifications/ HTTP/1.1\r\nHost: " + strings.TrimPrefix(app.URL, "http://") +
				"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
			if _, err := conn.Write(append([]byte(req), maskedTextFrame(auth)...)); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("handshake: %s", res.Status)
			}
			// The server's frames are unmasked: FIN|text, then a 7-bit or 16-bit length.
			var head [2]byte
			if _, err := io.ReadFull(br, head[:]); err != nil {
				t.Fatalf("no message after the handshake: %v", err)
			}
			n := int(head[1] & 0x7f)
			if n == 126 {
				var ext [2]byte
				if _, err := io.ReadFull(br, ext[:]); err != nil {
					t.Fatal(err)
				}
				n = int(binary.BigEndian.Uint16(ext[:]))
			}
			payload := make([]byte, n)
			if _, err := io.ReadFull(br, payload); err != nil {
				t.Fatal(err)
			}
			var m wsMessage
			if head[0] != 0x81 || json.Unmarshal(payload, &m) != nil || m.Type != "ready" || m.UserID != user.ID() {
				t.Fatalf("first message: opcode %#x %s, want ready for user %d", head[0], payload, user.ID())
			}
		})
	}
}

// maskedTextFrame is s as one client-to-server text frame.
func maskedTextFrame(s string) []byte {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	f := []byte{0x81}
	switch n := len(s); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	default:
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	}
	f = append(f, key[:]...)
	for i := range len(s) {
		f = append(f, s[i]^key[i%4])
	}
	return f
}
