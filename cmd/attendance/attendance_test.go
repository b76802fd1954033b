package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
)

// These tests drive attendance (clock in/out, corrections, voids, lists, the
// overview and its CSV) and holidays through the real server at fixed
// instants. The clock only moves forward within a test: a token is not valid
// before the instant it was issued.

type event = attendance.AttendanceEvent

// longTokens keeps sessions valid while a test moves its clock by days.
func longTokens() appOption {
	return withConfig(func(c *Config) {
		c.AccessTTL = 2 * 365 * 24 * time.Hour
		c.RefreshTTL = 2 * 365 * 24 * time.Hour
	})
}

// startAt starts the service on a hand-moved clock set to now.
func startAt(t *testing.T, now time.Time, opts ...appOption) (*testApp, *testClock) {
	t.Helper()
	clock := newClock(now)
	return mustStart(t, append([]appOption{withClock(clock), longTokens()}, opts...)...), clock
}

// local returns, in UTC, the instant of a wall-clock time in the zone tz:
// local("Europe/Berlin", "2026-06-01 08:05") or with seconds "… 08:05:30".
func local(tz, s string) time.Time {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		panic(err)
	}
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// utc is local in UTC.
func utc(s string) time.Time { return local("UTC", s) }

// staff returns the fields of an employee with an explicit schedule (Monday to
// Friday unless extra says otherwise); extra are name, value pairs.
func staff(tz, start string, grace int, hired string, extra ...any) map[string]any {
	f := map[string]any{"timezone": tz, "work_start": start, "work_end": "17:00", "late_grace_minutes": grace,
		"hired_on": hired, "work_days": []string{"mon", "tue", "wed", "thu", "fri"}}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i].(string)] = extra[i+1]
	}
	return f
}

// clock clocks the user in or out ("entry" or "exit") and returns the event.
func (c *client) clock(typ string, hdr ...string) event {
	c.app.t.Helper()
	var e event
	c.Do("POST", "/api/attendance/", map[string]string{"type": typ}, hdr...).Want(201).JSON(&e)
	return e
}

// events lists attendance events with a query ("" or "?from=…").
func (c *client) events(query string) list[event] {
	c.app.t.Helper()
	var l list[event]
	c.Do("GET", "/api/attendance/"+query, nil).Want(200).JSON(&l)
	return l
}

// send is Do for other goroutines: it returns an error instead of failing the test.
func (c *client) send(method, path string, body any, hdr ...string) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.app.URL+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.app.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// outcome is the status and body of one of several concurrent requests.
type outcome struct {
	Status int
	Body   []byte
}

// Code returns the problem code of a failed request's body.
func (o outcome) Code() string {
	var p problem
	_ = json.Unmarshal(o.Body, &p)
	return p.Code
}

// concurrently runs the n requests made by req at the same moment and returns
// their outcomes in order.
func concurrently(t *testing.T, n int, req func(i int) (int, []byte, error)) []outcome {
	t.Helper()
	out := make([]outcome, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i].Status, out[i].Body, errs[i] = req(i)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

// tally counts outcomes by status and problem code ("201", "409 already_clocked_in").
func tally(outs []outcome) map[string]int {
	m := map[string]int{}
	for _, o := range outs {
		k := strconv.Itoa(o.Status)
		if o.Status >= 400 {
			k += " " + o.Code()
		}
		m[k]++
	}
	return m
}

// wantKeys fails unless the JSON object body has every one of keys.
func wantKeys(t *testing.T, body []byte, keys ...string) {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("body %s has no %q", body, k)
		}
	}
}

// wantFieldError fails unless the problem names the field location, e.g.
// body.note (or body, for a missing property, with a message that names it).
func wantFieldError(t *testing.T, p problem, location string) {
	t.Helper()
	field := location[strings.LastIndex(location, ".")+1:]
	for _, e := range p.Errors {
		if e.Location == location || strings.HasPrefix(location, e.Location+".") && strings.Contains(e.Message, field) {
			return
		}
	}
	t.Errorf("problem %+v does not name %s", p, location)
}

// pathOf turns a next/previous link into a path for client.Do.
func pathOf(t *testing.T, link *string) string {
	t.Helper()
	if link == nil {
		t.Fatal("link is null")
	}
	u, err := url.Parse(*link)
	if err != nil {
		t.Fatalf("link %q: %v", *link, err)
	}
	return u.RequestURI()
}

var eventKeys = []string{"id", "employee_id", "type", "timestamp", "late", "late_minutes", "source", "recorded_by", "note", "voided"}

func TestClockInOut(t *testing.T) {
	t.Parallel()
	const berlin, newYork = "Europe/Berlin", "America/New_York"
	app, clock := startAt(t, utc("2026-06-01 04:00")) // Monday
	ber := app.Admin.NewUser("ber", staff(berlin, "08:00", 5, "2026-01-01"))
	nyc := app.Admin.NewUser("nyc", staff(newYork, "08:00", 5, "2026-01-01"))
	self := func(c *client, typ string, at time.Time, late bool, minutes int) event {
		return event{EmployeeID: c.ID(), Type: attendance.EventType(typ), Timestamp: at, Late: late, LateMinutes: minutes,
			Source: attendance.SourceSelf, RecordedBy: c.ID(), RecordedByName: ptr(c.Me.Username)}
	}
	check := func(t *testing.T, got, want event) {
		t.Helper()
		if got.ID == 0 {
			t.Errorf("event has no id: %+v", got)
		}
		want.ID = got.ID
		if got.Type == attendance.Entry && got.WorkDate == nil {
			t.Errorf("entry %d at %s has no work date", got.ID, got.Timestamp)
		}
		got.WorkDate = nil
		testenv.SameJSON(t, "event", got, want)
	}

	t.Run("on time at the end of the grace, stamped with the server clock", func(t *testing.T) {
		at := local(berlin, "2026-06-01 08:05")
		clock.Set(at)
		res := ber.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)
		var got event
		res.JSON(&got)
		check(t, got, self(ber, "entry", at, false, 0))
		wantKeys(t, res.Body, eventKeys...)
		if !bytes.Contains(res.Body, []byte(`"timestamp":"2026-06-01T06:05:00Z"`)) {
			t.Errorf("timestamp is not RFC 3339 UTC: %s", res.Body)
		}
		// The same instant is 02:05 in New York: early, not late.
		check(t, nyc.clock("entry"), self(nyc, "entry", at, false, 0))
	})

	t.Run("clock out", func(t *testing.T) {
		at := local(berlin, "2026-06-01 16:00")
		clock.Set(at)
		check(t, ber.clock("exit"), self(ber, "exit", at, false, 0))
		check(t, nyc.clock("exit"), self(nyc, "exit", at, false, 0))
	})

	t.Run("a second entry the same day is never late", func(t *testing.T) {
		at := local(berlin, "2026-06-01 17:00")
		clock.Set(at)
		check(t, ber.clock("entry"), self(ber, "entry", at, false, 0))
		clock.Add(time.Hour)
		ber.clock("exit")
	})

	t.Run("a minute past the grace is late, counted from work start", func(t *testing.T) {
		at := local(berlin, "2026-06-02 08:06")
		clock.Set(at)
		check(t, ber.clock("entry"), self(ber, "entry", at, true, 6))
		// 02:06 in New York.
		check(t, nyc.clock("entry"), self(nyc, "entry", at, false, 0))
		clock.Add(time.Hour)
		ber.clock("exit")
		nyc.clock("exit")
	})

	t.Run("lateness is in each employee's own time zone", func(t *testing.T) {
		at := local(newYork, "2026-06-03 08:06") // 14:06 in Berlin
		clock.Set(at)
		check(t, nyc.clock("entry"), self(nyc, "entry", at, true, 6))
		check(t, ber.clock("entry"), self(ber, "entry", at, true, 366))
		clock.Add(time.Hour)
		ber.clock("exit")
		nyc.clock("exit")
	})

	t.Run("a weekend entry is never late", func(t *testing.T) {
		at := local(berlin, "2026-06-06 11:00") // Saturday
		clock.Set(at)
		check(t, ber.clock("entry"), self(ber, "entry", at, false, 0))
		clock.Add(time.Hour)
		ber.clock("exit")
	})

	t.Run("a holiday is never late", func(t *testing.T) {
		app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-08", "name": "Whit Monday"}).Want(201)
		at := local(berlin, "2026-06-08 10:00")
		clock.Set(at)
		check(t, ber.clock("entry"), self(ber, "entry", at, false, 0))
	})

	t.Run("entry after entry, exit after exit, exit without entry", func(t *testing.T) {
		before := ber.events("").Count
		clock.Add(time.Minute)
		p := ber.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).WantProblem(409, "already_clocked_in")
		if p.Detail == "" {
			t.Error("no detail")
		}
		ber.clock("exit")
		ber.Do("POST", "/api/attendance/", map[string]string{"type": "exit"}).WantProblem(409, "not_clocked_in")
		fresh := app.Admin.NewUser("fresh", staff("UTC", "08:00", 0, "2026-01-01"))
		fresh.Do("POST", "/api/attendance/", map[string]string{"type": "exit"}).WantProblem(409, "not_clocked_in")
		if got := ber.events("").Count; got != before+1 {
			t.Errorf("events after two refusals and one exit = %d, want %d", got, before+1)
		}
		if got := fresh.events("").Count; got != 0 {
			t.Errorf("a refused exit left %d events", got)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		p := ber.Do("POST", "/api/attendance/", map[string]string{"type": "lunch"}).WantProblem(422, "")
		wantFieldError(t, p, "body.type")
		ber.Do("POST", "/api/attendance/", `{"type":`).WantProblem(400, "")
		app.Anon().Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).WantProblem(401, "")
	})
}

func TestClockRace(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-01 06:00"))
	e := app.Admin.NewUser("racer", staff("UTC", "08:00", 0, "2026-01-01"))
	const n = 10
	for round := range 3 {
		for _, step := range []struct{ typ, lost string }{{"entry", "already_clocked_in"}, {"exit", "not_clocked_in"}} {
			clock.Add(time.Hour)
			outs := concurrently(t, n, func(int) (int, []byte, error) {
				return e.send("POST", "/api/attendance/", map[string]string{"type": step.typ})
			})
			got := tally(outs)
			want := map[string]int{"201": 1, "409 " + step.lost: n - 1}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("round %d, %d concurrent %ss: %v, want %v", round, n, step.typ, got, want)
			}
		}
	}
	l := e.events("")
	if l.Count != 6 {
		t.Fatalf("events = %d, want 6 (3 entries, 3 exits)", l.Count)
	}
	for i, ev := range l.Results { // newest first: exit, entry, exit, …
		want := attendance.Exit
		if i%2 == 1 {
			want = attendance.Entry
		}
		if ev.Type != want {
			t.Errorf("event %d is %s, want %s", i, ev.Type, want)
		}
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-01 07:00"))
	e1 := app.Admin.NewUser("idem1", staff("UTC", "08:00", 0, "2026-01-01"))
	e2 := app.Admin.NewUser("idem2", staff("UTC", "08:00", 0, "2026-01-01"))
	entry := map[string]string{"type": "entry"}
	exit := map[string]string{"type": "exit"}

	var first []byte
	t.Run("a repeat returns the first response and changes nothing", func(t *testing.T) {
		first = e1.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-1").Want(201).Body
		clock.Add(time.Minute)
		again := e1.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-1").Want(201).Body
		if !bytes.Equal(first, again) {
			t.Errorf("repeat body differs:\nfirst  %s\nrepeat %s", first, again)
		}
		if n := e1.events("").Count; n != 1 {
			t.Errorf("events = %d, want 1", n)
		}
	})

	t.Run("the same key with another body", func(t *testing.T) {
		e1.Do("POST", "/api/attendance/", exit, "Idempotency-Key", "k-1").WantProblem(422, "idempotency_key_reused")
		if n := e1.events("").Count; n != 1 {
			t.Errorf("events = %d, want 1", n)
		}
	})

	t.Run("another user's key is their own", func(t *testing.T) {
		var got event
		e2.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-1").Want(201).JSON(&got)
		if got.EmployeeID != e2.ID() {
			t.Errorf("employee_id = %d, want %d (another user's response was replayed)", got.EmployeeID, e2.ID())
		}
		if n := e2.events("").Count; n != 1 {
			t.Errorf("events of the second user = %d, want 1", n)
		}
	})

	t.Run("concurrent requests with one key make one event", func(t *testing.T) {
		clock.Add(time.Hour)
		outs := concurrently(t, 10, func(int) (int, []byte, error) {
			return e1.send("POST", "/api/attendance/", exit, "Idempotency-Key", "k-2")
		})
		for i, o := range outs {
			if o.Status != 201 || !bytes.Equal(o.Body, outs[0].Body) {
				t.Errorf("request %d: %d %s, want 201 %s", i, o.Status, o.Body, outs[0].Body)
			}
		}
		if n := e1.events("").Count; n != 2 {
			t.Errorf("events = %d, want 2 (one entry, one exit)", n)
		}
	})

	t.Run("a refusal is replayed as the same refusal", func(t *testing.T) {
		// e2 is clocked in: an entry is refused.
		refusal := e2.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-3")
		refusal.WantProblem(409, "already_clocked_in")
		body := refusal.Body
		e2.clock("exit")
		// Now an entry would succeed, but the key still answers the first outcome.
		clock.Add(time.Minute)
		res := e2.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-3")
		res.WantProblem(409, "already_clocked_in")
		if !bytes.Equal(res.Body, body) {
			t.Errorf("replayed refusal differs:\nfirst  %s\nrepeat %s", body, res.Body)
		}
		if n := e2.events("").Count; n != 2 {
			t.Errorf("events = %d, want 2 (entry, exit)", n)
		}
		e2.clock("entry") // without the key it works
	})

	t.Run("a key is remembered for 24 hours", func(t *testing.T) {
		clock.Add(25 * time.Hour)
		var again event
		e1.Do("POST", "/api/attendance/", entry, "Idempotency-Key", "k-1").Want(201).JSON(&again)
		var orig event
		if err := json.Unmarshal(first, &orig); err != nil {
			t.Fatal(err)
		}
		if again.ID == orig.ID {
			t.Errorf("a key older than 24 h replayed event %d", orig.ID)
		}
		if n := e1.events("").Count; n != 3 {
			t.Errorf("events = %d, want 3", n)
		}
	})
}

// team is an admin, a manager with one report, and a second manager with a
// report of their own, outside the first manager's scope.
type team struct {
	app             *testApp
	clock           *testClock
	mgr, emp        *client
	otherMgr, stray *client
}

func newTeam(t *testing.T, start time.Time, empFields map[string]any, opts ...appOption) *team {
	t.Helper()
	app, clock := startAt(t, start, opts...)
	tm := &team{app: app, clock: clock}
	tm.mgr = app.Admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager", "department", "ops"))
	tm.emp = tm.mgr.NewUser("emp", empFields)
	tm.otherMgr = app.Admin.NewUser("mgr2", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager", "department", "sales"))
	tm.stray = tm.otherMgr.NewUser("stray", staff("UTC", "08:00", 0, "2026-01-01", "department", "sales"))
	return tm
}

func TestRecordOnBehalf(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	tm := newTeam(t, utc("2026-06-01 05:00"), staff(berlin, "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	post := func(c *client, body map[string]any) *response {
		return c.Do("POST", "/api/attendance/", body)
	}
	forgotten := local(berlin, "2026-06-01 17:30")

	t.Run("a manager records the exit a report forgot", func(t *testing.T) {
		clock.Set(local(berlin, "2026-06-01 08:00"))
		emp.clock("entry")
		clock.Set(local(berlin, "2026-06-02 07:30"))
		var got event
		post(mgr, map[string]any{"type": "exit", "employee_id": emp.ID(), "timestamp": forgotten, "note": "forgot to clock out"}).
			Want(201).JSON(&got)
		testenv.SameJSON(t, "event", got, event{ID: got.ID, EmployeeID: emp.ID(), Type: attendance.Exit, Timestamp: forgotten,
			Source: attendance.SourceManager, RecordedBy: mgr.ID(), RecordedByName: ptr("mgr"), Note: "forgot to clock out", WorkDate: got.WorkDate})
		// The sequence is whole again: the employee can clock in.
		clock.Set(local(berlin, "2026-06-02 09:00"))
		if e := emp.clock("entry"); !e.Late || e.LateMinutes != 60 {
			t.Errorf("entry at 09:00 = late %v by %d, want late by 60", e.Late, e.LateMinutes)
		}
		// The employee sees the correction in their own log.
		l := emp.events("?from=2026-06-01&to=2026-06-01")
		if l.Count != 2 || l.Results[0].Source != attendance.SourceManager || l.Results[0].RecordedBy != mgr.ID() {
			t.Errorf("employee's log of 2026-06-01 = %+v", l)
		}
	})

	t.Run("a recorded entry gets its lateness", func(t *testing.T) {
		clock.Set(local(berlin, "2026-06-03 12:00"))
		post(mgr, map[string]any{"type": "exit", "employee_id": emp.ID(), "timestamp": local(berlin, "2026-06-02 17:00"), "note": "left"}).Want(201)
		var got event
		post(mgr, map[string]any{"type": "entry", "employee_id": emp.ID(), "timestamp": local(berlin, "2026-06-03 08:30"), "note": "badge reader down"}).
			Want(201).JSON(&got)
		if !got.Late || got.LateMinutes != 30 || got.Source != attendance.SourceManager {
			t.Errorf("recorded entry at 08:30 = %+v, want late by 30, source manager", got)
		}
	})

	t.Run("the timestamp defaults to now", func(t *testing.T) {
		var got event
		post(mgr, map[string]any{"type": "exit", "employee_id": emp.ID(), "note": "sent home"}).Want(201).JSON(&got)
		if !got.Timestamp.Equal(clock.Now()) {
			t.Errorf("timestamp = %s, want the server clock %s", got.Timestamp, clock.Now())
		}
	})

	t.Run("a note is required", func(t *testing.T) {
		for _, body := range []map[string]any{
			{"type": "entry", "employee_id": emp.ID(), "timestamp": clock.Now().Add(-time.Minute)},
			{"type": "entry", "employee_id": emp.ID(), "timestamp": clock.Now().Add(-time.Minute), "note": "   "},
		} {
			wantFieldError(t, post(mgr, body).WantProblem(422, ""), "body.note")
		}
	})

	t.Run("not in the future", func(t *testing.T) {
		p := post(mgr, map[string]any{"type": "entry", "employee_id": emp.ID(), "timestamp": clock.Now().Add(time.Minute), "note": "early bird"}).
			WantProblem(422, "")
		wantFieldError(t, p, "body.timestamp")
	})

	t.Run("not before 1970", func(t *testing.T) {
		// Year 0 at +00:01 is year -1 in UTC, which no RFC 3339 response could carry.
		for _, ts := range []string{"0000-01-01T00:00:00+00:01", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"} {
			p := post(mgr, map[string]any{"type": "entry", "employee_id": emp.ID(), "timestamp": ts, "note": "typo"}).WantProblem(422, "")
			wantFieldError(t, p, "body.timestamp")
		}
		emp.Do("GET", "/api/attendance/", nil).Want(200)
	})

	t.Run("only for someone in scope", func(t *testing.T) {
		post(mgr, map[string]any{"type": "entry", "employee_id": tm.stray.ID(), "note": "x"}).WantProblem(404, "not_found")
		post(mgr, map[string]any{"type": "entry", "employee_id": 999999, "note": "x"}).WantProblem(404, "not_found")
		if n := tm.stray.events("").Count; n != 0 {
			t.Errorf("out-of-scope employee has %d events", n)
		}
	})

	t.Run("nobody records their own attendance explicitly", func(t *testing.T) {
		post(emp, map[string]any{"type": "entry", "employee_id": emp.ID(), "note": "me"}).WantProblem(403, "forbidden")
		post(emp, map[string]any{"type": "entry", "employee_id": tm.stray.ID(), "note": "them"}).WantProblem(403, "forbidden")
		post(emp, map[string]any{"type": "entry", "timestamp": clock.Now().Add(-time.Hour)}).WantProblem(403, "forbidden")
		post(mgr, map[string]any{"type": "entry", "employee_id": mgr.ID(), "note": "me"}).WantProblem(403, "forbidden")
		post(tm.app.Admin, map[string]any{"type": "entry", "employee_id": tm.app.Admin.ID(), "note": "me"}).WantProblem(403, "forbidden")
		if n := mgr.events("").Count; n != 0 {
			t.Errorf("manager has %d events", n)
		}
	})

	t.Run("an admin records for anyone", func(t *testing.T) {
		var got event
		post(tm.app.Admin, map[string]any{"type": "entry", "employee_id": tm.stray.ID(), "timestamp": clock.Now().Add(-time.Hour), "note": "on site"}).
			Want(201).JSON(&got)
		if got.RecordedBy != tm.app.Admin.ID() || got.EmployeeID != tm.stray.ID() || got.Source != attendance.SourceManager {
			t.Errorf("event = %+v", got)
		}
	})

	t.Run("an event that breaks the sequence", func(t *testing.T) {
		// emp: entry 06-01 08:00, exit 06-01 17:30, entry 06-02 09:00, exit 06-02 17:00, entry 06-03 08:30, exit now.
		before := emp.events("").Count
		byTime := map[time.Time]event{}
		for _, e := range emp.events("?limit=500").Results {
			byTime[e.Timestamp.UTC()] = e
		}
		// Each problem names the event it collides with (its `event`),
		// beside the code and detail it always had.
		for _, c := range []struct {
			typ, at, code string
			near          string // the neighbour's local time
		}{
			{"entry", "2026-06-01 12:00", "already_clocked_in", "2026-06-01 08:00"}, // inside a session
			{"exit", "2026-06-01 12:00", "out_of_sequence", "2026-06-01 17:30"},     // another exit follows
			{"exit", "2026-06-01 20:00", "not_clocked_in", "2026-06-01 17:30"},      // after an exit
			{"entry", "2026-06-02 07:00", "out_of_sequence", "2026-06-02 09:00"},    // another entry follows
		} {
			p := post(mgr, map[string]any{"type": c.typ, "employee_id": emp.ID(), "timestamp": local(berlin, c.at), "note": "fix"}).WantProblem(409, c.code)
			want, ok := byTime[local(berlin, c.near).UTC()]
			if !ok {
				t.Fatalf("setup: no event at %s", c.near)
			}
			if p.Event == nil || p.Event.ID != want.ID || p.Event.Type != want.Type || !p.Event.Timestamp.Equal(want.Timestamp) {
				t.Errorf("%s at %s: event = %+v, want the %s at %s (id %d)", c.typ, c.at, p.Event, want.Type, c.near, want.ID)
			}
			if c.code == "already_clocked_in" && !strings.Contains(p.Detail, "already clocked in since ") {
				t.Errorf("detail = %q, want it unchanged", p.Detail)
			}
		}
		// An exit with nothing before it collides with nothing.
		if p := post(mgr, map[string]any{"type": "exit", "employee_id": emp.ID(), "timestamp": local(berlin, "2026-05-20 12:00"), "note": "fix"}).
			WantProblem(409, "not_clocked_in"); p.Event != nil {
			t.Errorf("exit before everything: event = %+v, want none", p.Event)
		}
		if n := emp.events("").Count; n != before {
			t.Errorf("events = %d, want %d", n, before)
		}
	})

	t.Run("a forgotten day is recorded afterwards", func(t *testing.T) {
		// Friday 05-29 had no events, and later days have some: its entry goes
		// in first (an open session for a moment), then its exit.
		fix := func(typ, at string) event {
			var e event
			post(mgr, map[string]any{"type": typ, "employee_id": emp.ID(), "timestamp": local(berlin, "2026-05-29 "+at), "note": "forgot the whole day"}).
				Want(201).JSON(&e)
			return e
		}
		if e := fix("entry", "08:10"); !e.Late || e.LateMinutes != 10 {
			t.Errorf("recorded entry at 08:10 = late %v by %d, want late by 10", e.Late, e.LateMinutes)
		}
		fix("exit", "16:10")
		var ov overview
		mgr.Do("GET", fmt.Sprintf("/api/attendance/overview/?from=2026-05-29&to=2026-05-29&employee_id=%d", emp.ID()), nil).Want(200).JSON(&ov)
		want := attendance.OverviewTotals{DaysPresent: 1, LateEntries: 1, LateMinutes: 10, WorkedSeconds: 8 * 3600, WorkedHours: 8}
		if len(ov.Results) != 1 || ov.Results[0].OverviewTotals != want {
			t.Errorf("overview of 05-29 = %+v, want %+v", ov.Results, want)
		}
	})
}

func TestVoidEvent(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 05:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	void := func(c *client, id int64, note any) *response {
		body := map[string]any{}
		if note != nil {
			body["note"] = note
		}
		return c.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", id), body)
	}

	var wrong event
	t.Run("a manager voids a report's event", func(t *testing.T) {
		clock.Set(utc("2026-06-01 09:00"))
		wrong = emp.clock("entry")
		clock.Set(utc("2026-06-01 09:10"))
		var got event
		res := void(mgr, wrong.ID, "pressed the wrong button").Want(200)
		res.JSON(&got)
		if !got.Voided || got.VoidedBy == nil || *got.VoidedBy != mgr.ID() || got.VoidNote != "pressed the wrong button" ||
			got.VoidedAt == nil || !got.VoidedAt.Equal(clock.Now()) {
			t.Errorf("voided event = %s", res.Body)
		}
		if got.ID != wrong.ID || got.EmployeeID != emp.ID() || !got.Timestamp.Equal(wrong.Timestamp) || got.Type != attendance.Entry {
			t.Errorf("void changed the event itself: %s", res.Body)
		}
		// Lateness belongs to the first entry that is not voided.
		if !wrong.Late || got.Late || got.LateMinutes != 0 {
			t.Errorf("late entry (late %v) voided: late %v, %d minutes; want false, 0", wrong.Late, got.Late, got.LateMinutes)
		}
		// Kept in the log, marked.
		l := emp.events("")
		if l.Count != 1 || l.Results[0].ID != wrong.ID || !l.Results[0].Voided || l.Results[0].Late {
			t.Errorf("log after void = %+v", l.Results)
		}
		// The employee is no longer clocked in, and their next entry is the
		// first of the date: late by 75 minutes.
		clock.Set(utc("2026-06-01 09:15"))
		if e := emp.clock("entry"); !e.Late || e.LateMinutes != 75 {
			t.Errorf("entry after void = late %v by %d, want late by 75", e.Late, e.LateMinutes)
		}
	})

	t.Run("twice", func(t *testing.T) {
		void(mgr, wrong.ID, "again").WantProblem(409, "")
	})

	t.Run("a note is required", func(t *testing.T) {
		l := emp.events("")
		id := l.Results[0].ID
		wantFieldError(t, void(mgr, id, nil).WantProblem(422, ""), "body.note")
		wantFieldError(t, void(mgr, id, "  ").WantProblem(422, ""), "body.note")
	})

	t.Run("who may void", func(t *testing.T) {
		open := emp.events("").Results[0]
		void(emp, open.ID, "mine").WantProblem(403, "forbidden")
		void(tm.otherMgr, open.ID, "theirs").WantProblem(404, "not_found")
		void(mgr, 999999, "none").WantProblem(404, "not_found")
		own := mgr.clock("entry")
		void(mgr, own.ID, "mine").WantProblem(403, "forbidden")
		admin := tm.app.Admin.clock("entry")
		void(tm.app.Admin, admin.ID, "mine").WantProblem(403, "forbidden")
		if l := emp.events(""); l.Results[0].Voided {
			t.Error("a refused void voided the event")
		}
		// An admin voids anyone's.
		void(tm.app.Admin, own.ID, "test entry").Want(200)
	})

	t.Run("voiding an exit reopens the session", func(t *testing.T) {
		clock.Set(utc("2026-06-01 12:00"))
		out := emp.clock("exit")
		void(mgr, out.ID, "went to lunch, not home").Want(200)
		emp.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).WantProblem(409, "already_clocked_in")
		clock.Set(utc("2026-06-01 17:00"))
		emp.clock("exit")
	})

	t.Run("lateness is decided again", func(t *testing.T) {
		clock.Set(utc("2026-06-02 08:30"))
		morning := emp.clock("entry")
		clock.Set(utc("2026-06-02 12:00"))
		lunch := emp.clock("exit")
		clock.Set(utc("2026-06-02 13:00"))
		if e := emp.clock("entry"); e.Late {
			t.Errorf("second entry of the day is late: %+v", e)
		}
		clock.Set(utc("2026-06-02 17:00"))
		emp.clock("exit")
		void(mgr, lunch.ID, "was not here in the morning").Want(200)
		void(mgr, morning.ID, "was not here in the morning").Want(200)
		var afternoon event
		for _, e := range emp.events("?from=2026-06-02&to=2026-06-02").Results {
			if !e.Voided && e.Type == attendance.Entry {
				afternoon = e
			}
		}
		if !afternoon.Late || afternoon.LateMinutes != 300 {
			t.Errorf("13:00 entry, now the first of the day = late %v by %d, want late by 300", afternoon.Late, afternoon.LateMinutes)
		}
		clock.Set(utc("2026-06-03 09:00"))
		var ov overview
		mgr.Do("GET", fmt.Sprintf("/api/attendance/overview/?from=2026-06-02&to=2026-06-02&employee_id=%d", emp.ID()), nil).Want(200).JSON(&ov)
		want := attendance.OverviewTotals{DaysPresent: 1, LateEntries: 1, LateMinutes: 300, WorkedSeconds: 4 * 3600, WorkedHours: 4}
		testenv.SameJSON(t, "overview of 2026-06-02", ov.Totals, want)
	})
}

func TestListEvents(t *testing.T) {
	t.Parallel()
	const newYork = "America/New_York"
	tm := newTeam(t, utc("2026-06-02 03:00"), staff(newYork, "09:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	var ids []int64 // in time order
	for _, s := range []struct{ typ, at string }{
		{"entry", "2026-06-01 23:30"}, // 03:30 UTC on the 2nd
		{"exit", "2026-06-02 00:30"},
		{"entry", "2026-06-02 09:00"},
		{"exit", "2026-06-02 17:00"},
		{"entry", "2026-06-03 09:00"},
	} {
		clock.Set(local(newYork, s.at))
		ids = append(ids, emp.clock(s.typ).ID)
	}
	tm.stray.clock("entry")
	idsOf := func(l list[event]) []int64 {
		out := []int64{}
		for _, e := range l.Results {
			out = append(out, e.ID)
		}
		return out
	}
	rev := func(ids ...int64) []int64 {
		out := append([]int64{}, ids...)
		sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
		return out
	}

	t.Run("own events newest first", func(t *testing.T) {
		l := emp.events("")
		if l.Count != 5 || fmt.Sprint(idsOf(l)) != fmt.Sprint(rev(ids...)) {
			t.Errorf("events = %d %v, want 5 %v", l.Count, idsOf(l), rev(ids...))
		}
		if l.Next != nil || l.Previous != nil {
			t.Errorf("one page has links: %v %v", l.Next, l.Previous)
		}
	})

	t.Run("dates are the employee's local dates", func(t *testing.T) {
		for _, c := range []struct {
			query string
			want  []int64
		}{
			{"?from=2026-06-01&to=2026-06-01", ids[:1]},
			{"?from=2026-06-02&to=2026-06-02", ids[1:4]},
			{"?from=2026-06-02", ids[1:]},
			{"?to=2026-06-02", ids[:4]},
			{"?from=2026-06-04", nil},
		} {
			l := emp.events(c.query)
			if l.Count != len(c.want) || fmt.Sprint(idsOf(l)) != fmt.Sprint(rev(c.want...)) {
				t.Errorf("%s: %d %v, want %v", c.query, l.Count, idsOf(l), rev(c.want...))
			}
		}
	})

	t.Run("pages", func(t *testing.T) {
		l := emp.events("?limit=2")
		if l.Count != 5 || len(l.Results) != 2 || l.Previous != nil || l.Next == nil {
			t.Fatalf("first page = %+v", l)
		}
		got := idsOf(l)
		for l.Next != nil {
			emp.Do("GET", pathOf(t, l.Next), nil).Want(200).JSON(&l)
			got = append(got, idsOf(l)...)
			if l.Previous == nil {
				t.Errorf("page after the first has no previous link")
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(rev(ids...)) {
			t.Errorf("following next: %v, want %v", got, rev(ids...))
		}
		last := emp.events("?limit=2&offset=4")
		if len(last.Results) != 1 || last.Next != nil {
			t.Errorf("last page = %+v", last)
		}
	})

	t.Run("someone else's", func(t *testing.T) {
		q := fmt.Sprintf("?employee_id=%d", emp.ID())
		if l := mgr.events(q); l.Count != 5 {
			t.Errorf("manager reading a report: %d events, want 5", l.Count)
		}
		if l := tm.app.Admin.events(q + "&from=2026-06-01&to=2026-06-01"); l.Count != 1 {
			t.Errorf("admin reading 2026-06-01: %d events, want 1", l.Count)
		}
		if l := emp.events(q); l.Count != 5 {
			t.Errorf("employee naming themselves: %d events, want 5", l.Count)
		}
		mgr.Do("GET", fmt.Sprintf("/api/attendance/?employee_id=%d", tm.stray.ID()), nil).WantProblem(404, "not_found")
		emp.Do("GET", fmt.Sprintf("/api/attendance/?employee_id=%d", tm.stray.ID()), nil).WantProblem(404, "not_found")
		emp.Do("GET", fmt.Sprintf("/api/attendance/?employee_id=%d", mgr.ID()), nil).WantProblem(404, "not_found")
		if l := tm.stray.events(""); l.Count != 1 || l.Results[0].EmployeeID != tm.stray.ID() {
			t.Errorf("another employee's own log = %+v", l)
		}
	})

	t.Run("without the trailing slash", func(t *testing.T) {
		var l list[event]
		emp.Do("GET", "/api/attendance?from=2026-06-01&to=2026-06-01", nil).Want(200).JSON(&l)
		if l.Count != 1 || l.Results[0].ID != ids[0] {
			t.Errorf("events = %+v", l)
		}
	})

	t.Run("bad dates", func(t *testing.T) {
		for _, q := range []string{"?from=2026-02-30", "?to=yesterday", "?from=2026-6-1", "?from=0001-01-01", "?from=1969-12-31", "?from=2026-06-02&to=2026-06-01"} {
			emp.Do("GET", "/api/attendance/"+q, nil).WantProblem(422, "")
		}
	})
}

// overview is the body of GET /api/attendance/overview/.
type overview struct {
	Count    int                       `json:"count"`
	Next     *string                   `json:"next"`
	Previous *string                   `json:"previous"`
	From     string                    `json:"from"`
	To       string                    `json:"to"`
	Totals   attendance.OverviewTotals `json:"totals"`
	Results  []attendance.OverviewRow  `json:"results"`
	// Times are the rows' working-time figures (docs/shifts.md), kept
	// apart so that the contract's rows compare as the contract writes them.
	Times []attendance.TimeTotals `json:"-"`
}

// UnmarshalJSON decodes the overview, moving each row's working-time
// figures to Times.
func (o *overview) UnmarshalJSON(b []byte) error {
	type plain overview
	if err := json.Unmarshal(b, (*plain)(o)); err != nil {
		return err
	}
	o.Times = make([]attendance.TimeTotals, len(o.Results))
	for i := range o.Results {
		o.Times[i], o.Results[i].TimeTotals = o.Results[i].TimeTotals, attendance.TimeTotals{}
	}
	return nil
}

// csvTimeHeader are the working-time columns the CSV appends after the
// contract's (docs/shifts.md).
var csvTimeHeader = []string{"break_deducted_seconds", "scheduled_seconds", "overtime_seconds", "undertime_seconds",
	"weekly_overtime_seconds", "weekly_undertime_seconds", "needs_review_sessions"}

var csvHeader = []string{"employee_id", "username", "name", "department", "days_present", "late_entries", "late_minutes",
	"absent_days", "leave_days", "worked_seconds", "worked_hours", "open_sessions"}

// csvRow writes an overview row the way the CSV should show it.
func csvRow(r attendance.OverviewRow) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return []string{strconv.FormatInt(r.EmployeeID, 10), r.Username, r.Name, r.Department, strconv.Itoa(r.DaysPresent),
		strconv.Itoa(r.LateEntries), strconv.Itoa(r.LateMinutes), strconv.Itoa(r.AbsentDays), f(r.LeaveDays),
		strconv.FormatInt(r.WorkedSeconds, 10), f(r.WorkedHours), strconv.Itoa(r.OpenSessions)}
}

// readCSV checks that the response is CSV with the overview's header and
// returns the data rows.
func readCSV(t *testing.T, res *response) [][]string {
	t.Helper()
	res.Want(200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q, want text/csv", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV %s: %v", res.Body, err)
	}
	// Then leave_minutes and a column of leave days for every type.
	want := append(slices.Clone(csvHeader), csvTimeHeader...)
	if len(recs) == 0 || len(recs[0]) <= len(want) || fmt.Sprint(recs[0][:len(want)+1]) != fmt.Sprint(append(want, "leave_minutes")) ||
		slices.ContainsFunc(recs[0][len(want)+1:], func(h string) bool { return !strings.HasPrefix(h, "leave_days_") }) {
		t.Fatalf("CSV header = %v, want %v and %v, leave_minutes and leave_days_<type>", recs, csvHeader, csvTimeHeader)
	}
	// The contract's columns keep their places; the working-time ones follow.
	out := recs[1:]
	for i := range out {
		out[i] = out[i][:len(csvHeader)]
	}
	return out
}

// TestOverview builds a week of four employees by hand (Mon 2026-06-01 to
// Sun 2026-06-07, Wednesday a holiday) and reads it on the Monday after.
func TestOverview(t *testing.T) {
	t.Parallel()
	const berlin, newYork = "Europe/Berlin", "America/New_York"
	app, clock := startAt(t, utc("2026-06-01 00:00"))
	admin := app.Admin
	admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-03", "name": "Founders' Day"}).Want(201)
	olga := admin.NewUser("olga", staff("UTC", "08:00", 0, "2026-06-01", "role", "manager", "department", "mgmt",
		"first_name", "Olga", "last_name", "Okafor"))
	alice := olga.NewUser("alice", staff(berlin, "08:00", 5, "2026-01-01", "department", "ops", "first_name", "Alice", "last_name", "Adler"))
	bob := olga.NewUser("bob", staff(newYork, "09:00", 0, "2026-01-01", "department", "ops", "first_name", "Bob", "last_name", "Brown"))
	carol := olga.NewUser("carol", staff("UTC", "08:00", 0, "2026-06-03", "department", "sales"))
	mia := admin.NewUser("mia", staff("UTC", "08:00", 0, "2026-06-01", "role", "manager", "department", "mgmt"))
	dave := mia.NewUser("dave", staff("UTC", "08:00", 0, "2026-01-01", "department", "ops"))

	// Bob takes Tuesday off and Friday morning.
	for _, r := range []map[string]any{
		{"leave_type": "annual", "start_date": "2026-06-02", "end_date": "2026-06-02"},
		{"leave_type": "annual", "start_date": "2026-06-05", "end_date": "2026-06-05", "half_day": true},
	} {
		var lr attendance.LeaveRequest
		bob.Do("POST", "/api/leaves/request/", r).Want(201).JSON(&lr)
		olga.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", lr.ID), map[string]string{"action": "approve"}).Want(200)
	}

	step := func(at time.Time, f func()) { clock.Set(at); f() }
	in := func(c *client, late bool, minutes int) func() {
		return func() {
			t.Helper()
			if e := c.clock("entry"); e.Late != late || e.LateMinutes != minutes {
				t.Errorf("%s entry at %s: late %v by %d, want %v by %d", c.Me.Username, clock.Now(), e.Late, e.LateMinutes, late, minutes)
			}
		}
	}
	out := func(c *client) func() { return func() { c.clock("exit") } }
	// Monday: Alice 08:00–16:30 Berlin, Bob 09:00–17:00 New York, Dave 08:00–17:00.
	step(utc("2026-06-01 06:00"), in(alice, false, 0))
	step(utc("2026-06-01 08:00"), in(dave, false, 0))
	step(utc("2026-06-01 13:00"), in(bob, false, 0))
	step(utc("2026-06-01 14:30"), out(alice))
	step(utc("2026-06-01 17:00"), out(dave))
	step(utc("2026-06-01 21:00"), out(bob))
	// Tuesday: Alice 08:20 (late 20) to 12:00 and 13:00 to 17:00; Bob on leave.
	step(utc("2026-06-02 06:20"), in(alice, true, 20))
	step(utc("2026-06-02 10:00"), out(alice))
	step(utc("2026-06-02 11:00"), in(alice, false, 0))
	step(utc("2026-06-02 15:00"), out(alice))
	// Wednesday is a holiday. Thursday: Carol comes in at 07:45 and never
	// clocks out; Alice is absent; Bob works a night shift from 22:00 New York.
	step(utc("2026-06-04 07:45"), in(carol, false, 0))
	step(utc("2026-06-05 02:00"), in(bob, true, 13*60))
	// Friday: Alice clocks in at 08:10 by mistake: the manager voids it and
	// records her real arrival, 07:58; she leaves at 16:00:20.
	var mistake event
	step(utc("2026-06-05 06:10"), func() { mistake = alice.clock("entry") })
	step(utc("2026-06-05 06:30"), func() {
		olga.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", mistake.ID), map[string]string{"note": "badge reader clock was wrong"}).Want(200)
		var e event
		olga.Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": alice.ID(),
			"timestamp": local(berlin, "2026-06-05 07:58"), "note": "arrived 07:58"}).Want(201).JSON(&e)
		if e.Late {
			t.Errorf("corrected entry is late: %+v", e)
		}
	})
	step(utc("2026-06-05 10:00"), out(bob)) // 06:00 in New York: the night shift belongs to Thursday
	step(local(berlin, "2026-06-05 16:00:20"), out(alice))
	step(utc("2026-06-05 17:00"), in(bob, false, 0)) // 13:00 New York, after the half day off
	step(utc("2026-06-05 21:00"), out(bob))
	// Sunday: Alice comes in for two hours; not a working day, never late.
	step(local(berlin, "2026-06-07 10:00"), in(alice, false, 0))
	step(local(berlin, "2026-06-07 12:00"), out(alice))
	clock.Set(utc("2026-06-08 10:00"))

	row := func(c *client, name, dept string, tot attendance.OverviewTotals) attendance.OverviewRow {
		tot.WorkedHours = attendance.Hours(tot.WorkedSeconds)
		return attendance.OverviewRow{EmployeeID: c.ID(), Username: c.Me.Username, Name: name, Department: dept, OverviewTotals: tot}
	}
	rOlga := row(olga, "Olga Okafor", "mgmt", attendance.OverviewTotals{AbsentDays: 4})
	rAlice := row(alice, "Alice Adler", "ops", attendance.OverviewTotals{DaysPresent: 4, LateEntries: 1, LateMinutes: 20, AbsentDays: 1,
		WorkedSeconds: 30600 + 13200 + 14400 + 28940 + 7200})
	rBob := row(bob, "Bob Brown", "ops", attendance.OverviewTotals{DaysPresent: 3, LateEntries: 1, LateMinutes: 780, LeaveDays: 1.5,
		WorkedSeconds: 28800 + 28800 + 14400})
	rBob.LeaveByType = map[attendance.LeaveType]float64{attendance.LeaveAnnual: 1.5}
	rCarol := row(carol, "carol", "sales", attendance.OverviewTotals{DaysPresent: 1, AbsentDays: 1, OpenSessions: 1})
	if rAlice.WorkedHours != 26.21 || rBob.WorkedSeconds != 72000 {
		t.Fatalf("the test's own arithmetic is off: %v %v", rAlice.WorkedHours, rBob.WorkedSeconds)
	}
	totals := func(rows ...attendance.OverviewRow) attendance.OverviewTotals {
		var tot attendance.OverviewTotals
		for _, r := range rows {
			tot.DaysPresent += r.DaysPresent
			tot.LateEntries += r.LateEntries
			tot.LateMinutes += r.LateMinutes
			tot.AbsentDays += r.AbsentDays
			tot.LeaveDays += r.LeaveDays
			tot.WorkedSeconds += r.WorkedSeconds
			tot.OpenSessions += r.OpenSessions
		}
		tot.WorkedHours = attendance.Hours(tot.WorkedSeconds)
		return tot
	}
	get := func(c *client, query string) overview {
		t.Helper()
		var ov overview
		c.Do("GET", "/api/attendance/overview/"+query, nil).Want(200).JSON(&ov)
		return ov
	}
	const week = "?from=2026-06-01&to=2026-06-07"

	t.Run("every row and the totals", func(t *testing.T) {
		ov := get(olga, week)
		if ov.From != "2026-06-01" || ov.To != "2026-06-07" || ov.Count != 4 {
			t.Errorf("from %s to %s count %d, want 2026-06-01 2026-06-07 4", ov.From, ov.To, ov.Count)
		}
		testenv.SameJSON(t, "rows", ov.Results, []attendance.OverviewRow{rOlga, rAlice, rBob, rCarol})
		testenv.SameJSON(t, "totals", ov.Totals, totals(rOlga, rAlice, rBob, rCarol))
		if ov.Totals.WorkedHours != 46.21 || ov.Totals.LateMinutes != 800 || ov.Totals.AbsentDays != 6 || ov.Totals.DaysPresent != 8 {
			t.Errorf("totals = %+v, want 8 days present, 46.21 hours, 800 late minutes, 6 absent days", ov.Totals)
		}
	})

	t.Run("default range: first of the month to today", func(t *testing.T) {
		ov := get(olga, "")
		if ov.From != "2026-06-01" || ov.To != "2026-06-08" {
			t.Errorf("default range %s to %s, want 2026-06-01 to 2026-06-08", ov.From, ov.To)
		}
		// Today is not over: nobody is absent yet for it.
		testenv.SameJSON(t, "rows", ov.Results, []attendance.OverviewRow{rOlga, rAlice, rBob, rCarol})
		// Nor for the days still to come.
		ov = get(olga, "?from=2026-06-01&to=2026-06-30")
		testenv.SameJSON(t, "rows to the end of the month", ov.Results, []attendance.OverviewRow{rOlga, rAlice, rBob, rCarol})
	})

	t.Run("one day", func(t *testing.T) {
		ov := get(olga, "?from=2026-06-04&to=2026-06-04&employee_id="+strconv.FormatInt(bob.ID(), 10))
		want := row(bob, "Bob Brown", "ops", attendance.OverviewTotals{DaysPresent: 1, LateEntries: 1, LateMinutes: 780, WorkedSeconds: 8 * 3600})
		testenv.SameJSON(t, "Thursday of Bob", ov.Results, []attendance.OverviewRow{want})
	})

	t.Run("filters", func(t *testing.T) {
		ov := get(olga, week+"&employee_id="+strconv.FormatInt(alice.ID(), 10))
		if ov.Count != 1 {
			t.Errorf("count = %d, want 1", ov.Count)
		}
		testenv.SameJSON(t, "employee_id rows", ov.Results, []attendance.OverviewRow{rAlice})
		testenv.SameJSON(t, "employee_id totals", ov.Totals, totals(rAlice))

		ov = get(olga, week+"&department=ops")
		if ov.Count != 2 {
			t.Errorf("count = %d, want 2", ov.Count)
		}
		testenv.SameJSON(t, "department rows", ov.Results, []attendance.OverviewRow{rAlice, rBob})
		testenv.SameJSON(t, "department totals", ov.Totals, totals(rAlice, rBob))

		// Someone outside the scope is not revealed.
		res := olga.Do("GET", "/api/attendance/overview/"+week+"&employee_id="+strconv.FormatInt(dave.ID(), 10), nil)
		if res.Status == 200 {
			var ov overview
			res.JSON(&ov)
			if ov.Count != 0 || len(ov.Results) != 0 || ov.Totals != (attendance.OverviewTotals{}) {
				t.Errorf("out-of-scope employee_id shows %s", res.Body)
			}
		} else {
			res.WantProblem(404, "not_found")
		}
	})

	t.Run("pages: count and totals cover every employee", func(t *testing.T) {
		ov := get(olga, week+"&limit=2&offset=2")
		if ov.Count != 4 || ov.Next != nil || ov.Previous == nil {
			t.Errorf("page 2: count %d next %v previous %v", ov.Count, ov.Next, ov.Previous)
		}
		testenv.SameJSON(t, "page 2 rows", ov.Results, []attendance.OverviewRow{rBob, rCarol})
		testenv.SameJSON(t, "page 2 totals", ov.Totals, totals(rOlga, rAlice, rBob, rCarol))
		ov = get(olga, week+"&limit=1")
		if len(ov.Results) != 1 || ov.Next == nil || ov.Previous != nil {
			t.Fatalf("page 1 of 4: %+v", ov)
		}
		var p2 overview
		olga.Do("GET", pathOf(t, ov.Next), nil).Want(200).JSON(&p2)
		testenv.SameJSON(t, "next page", p2.Results, []attendance.OverviewRow{rAlice})
	})

	t.Run("scope", func(t *testing.T) {
		ov := get(mia, week)
		if ov.Count != 2 || len(ov.Results) != 2 || ov.Results[0].EmployeeID != mia.ID() || ov.Results[1].EmployeeID != dave.ID() {
			t.Errorf("second manager's overview = %+v", ov.Results)
		} else if r := ov.Results[1]; r.DaysPresent != 1 || r.WorkedSeconds != 9*3600 || r.AbsentDays != 3 {
			t.Errorf("Dave = %+v, want 1 day present, 9 hours, absent Tuesday, Thursday and Friday", r)
		}
		ov = get(admin, week)
		if ov.Count != 7 {
			t.Errorf("admin sees %d employees, want 7", ov.Count)
		}
		byID := map[int64]attendance.OverviewRow{}
		for _, r := range ov.Results {
			byID[r.EmployeeID] = r
		}
		testenv.SameJSON(t, "admin's view of olga's team", []attendance.OverviewRow{byID[olga.ID()], byID[alice.ID()], byID[bob.ID()], byID[carol.ID()]},
			[]attendance.OverviewRow{rOlga, rAlice, rBob, rCarol})
		alice.Do("GET", "/api/attendance/overview/", nil).WantProblem(403, "forbidden")
	})

	t.Run("bad ranges", func(t *testing.T) {
		wantFieldError(t, olga.Do("GET", "/api/attendance/overview/?from=2026-06-07&to=2026-06-01", nil).WantProblem(422, ""), "query.to")
		for _, q := range []string{"?from=2026-06-31", "?to=2026-13-01", "?from=June", "?format=xml"} {
			olga.Do("GET", "/api/attendance/overview/"+q, nil).WantProblem(422, "")
		}
	})

	t.Run("CSV", func(t *testing.T) {
		ov := get(olga, week)
		want := [][]string{}
		for _, r := range ov.Results {
			want = append(want, csvRow(r))
		}
		res := olga.Do("GET", "/api/attendance/overview/"+week+"&format=csv&limit=1&offset=1", nil)
		rows := readCSV(t, res)
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("CSV rows (limit/offset ignored):\n got %q\nwant %q", rows, want)
		}
		accept := olga.Do("GET", "/api/attendance/overview/"+week, nil, "Accept", "text/csv")
		if rows := readCSV(t, accept); fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("CSV by Accept:\n got %q\nwant %q", rows, want)
		}
		if !bytes.Equal(res.Body, accept.Body) {
			t.Errorf("?format=csv and Accept: text/csv differ")
		}
		if rows := readCSV(t, olga.Do("GET", "/api/attendance/overview/"+week+"&department=sales&format=csv", nil)); len(rows) != 1 || rows[0][1] != "carol" {
			t.Errorf("CSV with a department filter = %q", rows)
		}
		alice.Do("GET", "/api/attendance/overview/?format=csv", nil).WantProblem(403, "forbidden")
	})

	t.Run("working days follow today's schedule for the whole range", func(t *testing.T) {
		olga.Do("PATCH", fmt.Sprintf("/api/employees/%d/", alice.ID()), map[string]any{"work_days": []string{"mon", "tue", "wed", "fri"}}).Want(200)
		ov := get(olga, week+"&employee_id="+strconv.FormatInt(alice.ID(), 10))
		want := rAlice
		want.AbsentDays = 0 // Thursday is no longer a working day
		testenv.SameJSON(t, "Alice without Thursdays", ov.Results, []attendance.OverviewRow{want})
	})

	t.Run("leave counts where it overlaps the range", func(t *testing.T) {
		// Dave is off from Wednesday 2026-06-10 to Tuesday 2026-06-16: five working days.
		var lr attendance.LeaveRequest
		dave.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-06-10", "end_date": "2026-06-16"}).Want(201).JSON(&lr)
		mia.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", lr.ID), map[string]string{"action": "approve"}).Want(200)
		for _, c := range []struct {
			from, to string
			want     float64
		}{
			{"2026-06-08", "2026-06-09", 0}, // before it
			{"2026-06-08", "2026-06-10", 1}, // its first day
			{"2026-06-12", "2026-06-12", 1}, // inside it, neither end in the range
			{"2026-06-11", "2026-06-15", 3}, // Thursday, Friday, Monday
			{"2026-06-16", "2026-06-30", 1}, // its last day
			{"2026-06-17", "2026-06-30", 0}, // after it
			{"2026-06-01", "2026-06-30", 5}, // all of it
		} {
			ov := get(admin, fmt.Sprintf("?from=%s&to=%s&employee_id=%d", c.from, c.to, dave.ID()))
			if len(ov.Results) != 1 || ov.Results[0].LeaveDays != c.want || ov.Totals.LeaveDays != c.want {
				t.Errorf("%s to %s: %+v, want %g leave days", c.from, c.to, ov.Results, c.want)
			}
		}
	})
}

// TestOverviewAcrossDST works night shifts over both daylight-saving changes
// in Berlin: worked time is real elapsed time, lateness is local.
func TestOverviewAcrossDST(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	app, clock := startAt(t, utc("2026-03-28 12:00"))
	every := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	e := app.Admin.NewUser("nights", staff(berlin, "08:00", 0, "2026-01-01", "work_days", every))
	for _, s := range []struct {
		at, typ string
		late    int
	}{
		{"2026-03-28 22:00", "entry", 14 * 60},
		{"2026-03-29 06:00", "exit", 0}, // 7 hours: the night is an hour short
		{"2026-03-29 08:10", "entry", 10},
		{"2026-03-29 12:00", "exit", 0},
		{"2026-10-24 22:00", "entry", 14 * 60},
		{"2026-10-25 06:00", "exit", 0}, // 9 hours: the night is an hour long
		{"2026-10-25 08:10", "entry", 10},
		{"2026-10-25 12:00", "exit", 0},
	} {
		clock.Set(local(berlin, s.at))
		if ev := e.clock(s.typ); ev.LateMinutes != s.late || ev.Late != (s.late > 0) {
			t.Errorf("%s at %s: late %v by %d, want by %d", s.typ, s.at, ev.Late, ev.LateMinutes, s.late)
		}
	}
	clock.Set(utc("2026-10-26 12:00"))
	for _, c := range []struct {
		query  string
		worked int64
	}{
		{"?from=2026-03-28&to=2026-03-29", 7*3600 + 13800},
		{"?from=2026-10-24&to=2026-10-25", 9*3600 + 13800},
	} {
		var ov overview
		app.Admin.Do("GET", "/api/attendance/overview/"+c.query+"&employee_id="+strconv.FormatInt(e.ID(), 10), nil).Want(200).JSON(&ov)
		testenv.SameJSON(t, c.query, ov.Totals, attendance.OverviewTotals{DaysPresent: 2, LateEntries: 2, LateMinutes: 14*60 + 10,
			WorkedSeconds: c.worked, WorkedHours: attendance.Hours(c.worked)})
	}
}

func TestOverviewCSVFormulas(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 08:00"))
	evil := map[string]string{
		"+41-555":     "=HYPERLINK(\"http://evil.example\",\"x\")",
		"-1+1":        "@SUM(A1:A2)",
		"@import":     "+cmd",
		"plain.smith": "-2",
	}
	for username, text := range evil {
		app.Admin.CreateEmployee(username, staff("UTC", "08:00", 0, "2026-06-01", "first_name", text, "department", text))
	}
	var ov overview
	app.Admin.Do("GET", "/api/attendance/overview/", nil).Want(200).JSON(&ov)
	rows := readCSV(t, app.Admin.Do("GET", "/api/attendance/overview/?format=csv", nil))
	if len(rows) != len(evil)+1 {
		t.Fatalf("CSV has %d rows, want %d", len(rows), len(evil)+1)
	}
	for i, r := range rows {
		if r[1] == "admin" {
			continue
		}
		j := ov.Results[i]
		for col, raw := range map[int]string{1: j.Username, 2: j.Name, 3: j.Department} {
			got := r[col]
			if strings.ContainsAny(got[:1], "=+-@") {
				t.Errorf("%s cell %q of %s can run as a formula", csvHeader[col], got, j.Username)
			}
			if strings.TrimPrefix(got, "'") != raw {
				t.Errorf("%s cell %q, want %q neutralised", csvHeader[col], got, raw)
			}
		}
		if evil[j.Username] != j.Department {
			t.Errorf("JSON shows department %q for %s, want it as given", j.Department, j.Username)
		}
	}
}

func TestHolidays(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 08:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	admin, mgr, emp, clock := tm.app.Admin, tm.mgr, tm.emp, tm.clock
	var xmas attendance.Holiday

	t.Run("an admin adds one", func(t *testing.T) {
		res := admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-25", "name": "Christmas Day"}).Want(201)
		res.JSON(&xmas)
		if xmas.ID == 0 || xmas.Date.String() != "2026-12-25" || xmas.Name != "Christmas Day" {
			t.Errorf("holiday = %s", res.Body)
		}
		if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/holidays/%d/", xmas.ID) {
			t.Errorf("Location = %q", loc)
		}
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2027-01-01", "name": "New Year"}).Want(201)
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-01-01", "name": "New Year"}).Want(201)
	})

	t.Run("one per date", func(t *testing.T) {
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-25", "name": "Xmas again"}).WantProblem(409, "holiday_exists")
	})

	t.Run("only admins write", func(t *testing.T) {
		mgr.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-26", "name": "Boxing Day"}).WantProblem(403, "forbidden")
		emp.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-26", "name": "Boxing Day"}).WantProblem(403, "forbidden")
		mgr.Do("DELETE", fmt.Sprintf("/api/holidays/%d/", xmas.ID), nil).WantProblem(403, "forbidden")
		emp.Do("DELETE", fmt.Sprintf("/api/holidays/%d/", xmas.ID), nil).WantProblem(403, "forbidden")
	})

	t.Run("bad input", func(t *testing.T) {
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-02-30", "name": "Nope"}).WantProblem(422, "")
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-31", "name": ""}).WantProblem(422, "")
	})

	t.Run("everyone reads, by date, by year", func(t *testing.T) {
		for _, c := range []*client{admin, mgr, emp} {
			var l list[attendance.Holiday]
			c.Do("GET", "/api/holidays/", nil).Want(200).JSON(&l)
			var dates []string
			for _, h := range l.Results {
				dates = append(dates, h.Date.String())
			}
			if l.Count != 3 || fmt.Sprint(dates) != "[2026-01-01 2026-12-25 2027-01-01]" {
				t.Errorf("%s reads %d %v", c.Me.Username, l.Count, dates)
			}
		}
		var l list[attendance.Holiday]
		emp.Do("GET", "/api/holidays/?year=2027", nil).Want(200).JSON(&l)
		if l.Count != 1 || l.Results[0].Name != "New Year" || l.Results[0].Date.String() != "2027-01-01" {
			t.Errorf("2027 = %+v", l)
		}
		emp.Do("GET", "/api/holidays/?year=2026", nil).Want(200).JSON(&l)
		if l.Count != 2 {
			t.Errorf("2026 has %d holidays, want 2", l.Count)
		}
	})

	t.Run("an admin removes one", func(t *testing.T) {
		admin.Do("DELETE", fmt.Sprintf("/api/holidays/%d/", xmas.ID), nil).Want(204)
		admin.Do("DELETE", fmt.Sprintf("/api/holidays/%d/", xmas.ID), nil).WantProblem(404, "not_found")
		var l list[attendance.Holiday]
		emp.Do("GET", "/api/holidays/?year=2026", nil).Want(200).JSON(&l)
		if l.Count != 1 || l.Results[0].Date.String() != "2026-01-01" {
			t.Errorf("after delete: %+v", l)
		}
		// The date is free again.
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-25", "name": "Christmas Day"}).Want(201)
	})

	t.Run("a holiday is not a working day in the overview", func(t *testing.T) {
		// The employee is absent on Monday and Tuesday; Tuesday becomes a holiday.
		clock.Set(utc("2026-06-03 09:00"))
		q := fmt.Sprintf("/api/attendance/overview/?from=2026-06-01&to=2026-06-02&employee_id=%d", emp.ID())
		var ov overview
		mgr.Do("GET", q, nil).Want(200).JSON(&ov)
		if ov.Totals.AbsentDays != 2 {
			t.Fatalf("absent days = %d, want 2", ov.Totals.AbsentDays)
		}
		var h attendance.Holiday
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-02", "name": "Strike"}).Want(201).JSON(&h)
		mgr.Do("GET", q, nil).Want(200).JSON(&ov)
		if ov.Totals.AbsentDays != 1 {
			t.Errorf("absent days with Tuesday a holiday = %d, want 1", ov.Totals.AbsentDays)
		}
		// Lateness of a holiday's entry is decided again when the list changes.
		late := emp.clock("entry")
		if !late.Late || late.LateMinutes != 60 {
			t.Fatalf("entry = %+v, want late by 60", late)
		}
		admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-03", "name": "Strike, day 2"}).Want(201)
		if e := emp.events("?from=2026-06-03").Results[0]; e.Late || e.LateMinutes != 0 {
			t.Errorf("entry on a new holiday still late: %+v", e)
		}
	})
}
