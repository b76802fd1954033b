package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/sqlstore"
)

// One suite, run against every database: SQLite always, PostgreSQL when
// ATTENDANCE_TEST_DATABASE_URL names a server (CI sets it).

// clock is a hand-moved clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// env is a store under test with its clock.
type env struct {
	*sqlstore.EmployeeService
	*sqlstore.AttendanceService
	*sqlstore.LeaveService
	*sqlstore.HolidayService
	*sqlstore.NotificationService
	*sqlstore.AuthStore
	*sqlstore.Checks
	Clock *clock
	Admin attendance.Actor
}

// forEachDB runs f against a fresh SQLite store and a fresh PostgreSQL store.
func forEachDB(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, kind string) { f(t, mustOpen(t, kind)) })
}

func mustOpen(t *testing.T, kind string) *env {
	t.Helper()
	db := storetest.Open(t, kind)
	c := &clock{t: time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)} // a Monday
	db.Now = c.Now
	hash, _ := db.Hasher.Hash(context.Background(), "admin-password")
	if _, err := db.Employees.Bootstrap(context.Background(), "admin", hash); err != nil {
		t.Fatal(err)
	}
	return &env{EmployeeService: db.Employees, AttendanceService: db.Attendance, LeaveService: db.Leave,
		HolidayService: db.Holidays, NotificationService: db.Notifications, AuthStore: db.Auth, Checks: db.Checks,
		Clock: c, Admin: attendance.Actor{ID: 1, Role: attendance.RoleAdmin}}
}

func ptr[T any](v T) *T { return &v }

// mustCreate creates an employee as the actor; fields fill in the rest.
func (e *env) mustCreate(t *testing.T, a attendance.Actor, username string, role attendance.Role, manager *int64, f ...func(*attendance.EmployeeFields)) *attendance.Employee {
	t.Helper()
	fields := attendance.EmployeeFields{Username: &username, Password: ptr("password-123"), Role: &role, ManagerID: manager, ManagerIDSet: true}
	for _, fn := range f {
		fn(&fields)
	}
	emp, err := e.CreateEmployee(context.Background(), a, fields)
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return emp
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := attendance.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func TestEmployeesAndScope(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		boss := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil)
		mid := e.mustCreate(t, e.Admin, "mid", attendance.RoleManager, &boss.ID)
		low := e.mustCreate(t, e.Admin, "low", attendance.RoleEmployee, &mid.ID)
		other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)

		b := boss.Actor()
		list, n, err := e.ListEmployees(ctx, b, attendance.EmployeeFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, x := range list {
			got[x.Username] = true
		}
		if n != 3 || !got["boss"] || !got["mid"] || !got["low"] || got["other"] {
			t.Fatalf("boss's scope = %v (count %d), want boss, mid, low", got, n)
		}
		if _, err := e.FindEmployee(ctx, b, low.ID); err != nil {
			t.Fatalf("indirect report: %v", err)
		}
		if _, err := e.FindEmployee(ctx, b, other.ID); attendance.ErrorKind(err) != attendance.KindNotFound {
			t.Fatalf("out of scope: %v, want not found", err)
		}
		if _, err := e.FindEmployee(ctx, low.Actor(), mid.ID); attendance.ErrorKind(err) != attendance.KindNotFound {
			t.Fatalf("employee reading their manager: %v, want not found", err)
		}
		// Usernames are unique ignoring case.
		_, err = e.CreateEmployee(ctx, e.Admin, attendance.EmployeeFields{Username: ptr("LOW"), Password: ptr("password-123")})
		wantCode(t, err, "username_taken")
		// A cycle: boss reporting to low.
		_, err = e.UpdateEmployee(ctx, e.Admin, boss.ID, attendance.EmployeeFields{ManagerID: &low.ID, ManagerIDSet: true})
		wantCode(t, err, "invalid")
		// The last admin.
		_, err = e.UpdateEmployee(ctx, e.Admin, 1, attendance.EmployeeFields{Role: ptr(attendance.RoleManager)})
		wantCode(t, err, "last_admin")
	})
}

func TestSessions(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := e.Clock.Now()
		s := &attendance.Session{ID: "s1", EmployeeID: 1, RefreshID: "r1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		creds, err := e.FindCredentialsByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		// A session for a password that is no longer the current one is not made.
		if err := e.CreateSession(ctx, &attendance.Session{ID: "s0", EmployeeID: 1, RefreshID: "r0", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}, "another hash"); attendance.ErrorCode(err) != "invalid_credentials" {
			t.Fatalf("session for a replaced hash: %v, want invalid_credentials", err)
		}
		if err := e.CreateSession(ctx, s, creds.PasswordHash); err != nil {
			t.Fatal(err)
		}
		if a, err := e.SessionActor(ctx, "s1", now); err != nil || a.ID != 1 || a.Role != attendance.RoleAdmin {
			t.Fatalf("actor = %+v, %v", a, err)
		}
		if _, err := e.RotateRefresh(ctx, "s1", "r1", "r2", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Reusing r1 is theft: the session is revoked.
		_, err = e.RotateRefresh(ctx, "s1", "r1", "r3", now, now.Add(time.Hour))
		wantCode(t, err, "unauthorized")
		if _, err := e.SessionActor(ctx, "s1", now); err == nil {
			t.Fatal("session still live after refresh reuse")
		}
		if _, err := e.SessionActor(ctx, "nope", now); err == nil {
			t.Fatal("unknown session accepted")
		}
		// Concurrent first use of the secret: one value for all.
		var wg sync.WaitGroup
		vals := make([]string, 8)
		for i := range vals {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := e.Setting(ctx, "secret", func() (string, error) { return time.Now().String() + string(rune('a'+i)), nil })
				if err != nil {
					t.Error(err)
				}
				vals[i] = v
			}()
		}
		wg.Wait()
		for _, v := range vals {
			if v != vals[0] {
				t.Fatalf("replicas got different secrets: %q", vals)
			}
		}
	})
}

// TestConcurrentEntries fires ten clock-ins of one employee at once: exactly
// one may win, on every database.
func TestConcurrentEntries(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for round := 0; round < 5; round++ {
			emp := e.mustCreate(t, e.Admin, "racer"+string(rune('a'+round)), attendance.RoleEmployee, nil)
			for _, typ := range []attendance.EventType{attendance.Entry, attendance.Exit} {
				var wg sync.WaitGroup
				var mu sync.Mutex
				wins := 0
				for range 10 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := e.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: typ})
						switch attendance.ErrorCode(err) {
						case "":
							mu.Lock()
							wins++
							mu.Unlock()
						case "already_clocked_in", "not_clocked_in":
						default:
							t.Errorf("unexpected error: %v", err)
						}
					}()
				}
				wg.Wait()
				if wins != 1 {
					t.Fatalf("round %d %s: %d requests won, want exactly 1", round, typ, wins)
				}
			}
			events, n, err := e.ListEvents(ctx, emp.Actor(), attendance.EventFilter{})
			if err != nil || n != 2 || events[0].Type != attendance.Exit || events[1].Type != attendance.Entry {
				t.Fatalf("log = %d events (%v), want entry then exit", n, err)
			}
		}
	})
}

// TestDaysAndOverview records a week and checks the overview on every database.
func TestDaysAndOverview(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		berlin := e.mustCreate(t, mgr.Actor(), "berlin", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
			f.Timezone = ptr("Europe/Berlin")
			f.LateGraceMinutes = ptr(5)
			f.HiredOn = ptr(attendance.MustParseDate("2026-11-02"))
		})
		at := func(s string) time.Time {
			ts, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}
		clock := func(ts string, typ attendance.EventType) *attendance.AttendanceEvent {
			t.Helper()
			e.Clock.Set(at(ts))
			ev, err := e.RecordEvent(ctx, berlin.Actor(), attendance.RecordEvent{Type: typ})
			if err != nil {
				t.Fatalf("%s %s: %v", ts, typ, err)
			}
			return ev
		}
		// Mon 2 Nov (Berlin = UTC+1): on time at 08:04 local, out 16:04.
		if ev := clock("2026-11-02T07:04:00Z", attendance.Entry); ev.Late {
			t.Fatalf("08:04 with 5 minutes grace is late: %+v", ev)
		}
		clock("2026-11-02T15:04:00Z", attendance.Exit)
		// Tue: late, 08:20 local = 20 minutes; two sessions (3h40 and 4h).
		if ev := clock("2026-11-03T07:20:00Z", attendance.Entry); !ev.Late || ev.LateMinutes != 20 {
			t.Fatalf("08:20 entry: %+v, want 20 minutes late", ev)
		}
		clock("2026-11-03T11:00:00Z", attendance.Exit)
		if ev := clock("2026-11-03T12:00:00Z", attendance.Entry); ev.Late {
			t.Fatal("a second entry of the day is late")
		}
		clock("2026-11-03T16:00:00Z", attendance.Exit)
		// Wed: absent. Thu: a session across midnight (22:00 → 02:00 local),
		// late by 14 hours: the first entry of Thursday.
		clock("2026-11-05T21:00:00Z", attendance.Entry)
		clock("2026-11-06T01:00:00Z", attendance.Exit)
		// Fri: an entry voided by the manager; then an open session.
		wrong := clock("2026-11-06T07:30:00Z", attendance.Entry)
		e.Clock.Set(at("2026-11-06T07:35:00Z"))
		if _, err := e.VoidEvent(ctx, mgr.Actor(), wrong.ID, "clocked in by mistake"); err != nil {
			t.Fatal(err)
		}
		clock("2026-11-06T08:00:00Z", attendance.Entry)

		e.Clock.Set(at("2026-11-07T10:00:00Z")) // Saturday
		from, to := attendance.MustParseDate("2026-11-02"), attendance.MustParseDate("2026-11-06")
		ov, err := e.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &from, To: &to, EmployeeID: &berlin.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Results) != 1 {
			t.Fatalf("rows = %d", len(ov.Results))
		}
		got := ov.Results[0].OverviewTotals
		want := attendance.OverviewTotals{
			DaysPresent:   4,                                           // Mon, Tue, Thu, Fri
			LateEntries:   3,                                           // Tue, Thu, Fri (the entry after the voided one)
			LateMinutes:   20 + 14*60 + 60,                             // Tue 08:20, Thu 22:00, Fri 09:00
			AbsentDays:    1,                                           // Wed
			WorkedSeconds: 8*3600 + (3*3600 + 40*60 + 4*3600) + 4*3600, // Mon 8h, Tue 3h40 + 4h, Thu 4h across midnight
			OpenSessions:  1,                                           // Fri
		}
		want.WorkedHours = attendance.Hours(want.WorkedSeconds)
		if got != want {
			t.Fatalf("overview\n got %+v\nwant %+v", got, want)
		}
		// The friday entry after the void is the first of the day: 09:00 local, 55 minutes late.
		fri := attendance.MustParseDate("2026-11-06")
		ov, _ = e.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &fri, To: &fri, EmployeeID: &berlin.ID})
		if r := ov.Results[0]; r.LateEntries != 1 || r.LateMinutes != 60 {
			t.Fatalf("friday after the void: %+v, want the 09:00 entry 60 minutes late", r.OverviewTotals)
		}
	})
}

// TestConcurrentApprovals approves two requests that do not both fit, at the
// same instant, many times: never both.
func TestConcurrentApprovals(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		for round := range 10 {
			emp := e.mustCreate(t, mgr.Actor(), "emp"+string(rune('a'+round)), attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
				f.AnnualLeaveDays = ptr(5.0)
			})
			// Two 3-day requests: Mon–Wed and Mon–Wed a week later.
			r1, err := e.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveAnnual,
				StartDate: attendance.MustParseDate("2026-12-07"), EndDate: attendance.MustParseDate("2026-12-09")})
			if err != nil {
				t.Fatal(err)
			}
			// The second fits "remaining" only after lowering nothing: 5 - 3 pending = 2 < 3, so make it first then raise.
			if _, err := e.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{AnnualLeaveDays: ptr(10.0)}); err != nil {
				t.Fatal(err)
			}
			r2, err := e.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveAnnual,
				StartDate: attendance.MustParseDate("2026-12-14"), EndDate: attendance.MustParseDate("2026-12-16")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{AnnualLeaveDays: ptr(5.0)}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, r := range []*attendance.LeaveRequest{r1, r2} {
				actor := mgr.Actor()
				if i == 1 {
					actor = e.Admin
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = e.DecideLeave(ctx, actor, r.ID, attendance.Approve, "")
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch attendance.ErrorCode(err) {
				case "":
					ok++
				case "insufficient_balance":
				default:
					t.Fatalf("approval: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("round %d: %d approvals succeeded, want exactly 1 (%v)", round, ok, errs)
			}
			b, err := e.LeaveBalance(ctx, emp.Actor(), nil, ptr(2026))
			if err != nil || b.Used != 3 {
				t.Fatalf("balance %+v, %v: want 3 used", b, err)
			}
		}
	})
}

// TestNotificationsReplayNeverSkips records late arrivals concurrently while a
// reader replays "after the last id I saw": it must end up with every one.
func TestNotificationsReplayNeverSkips(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		var emps []*attendance.Employee
		for i := range 12 {
			emps = append(emps, e.mustCreate(t, mgr.Actor(), "late"+string(rune('a'+i)), attendance.RoleEmployee, &mgr.ID))
		}
		e.Clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) // an hour late
		done := make(chan struct{})
		seen := map[int64]bool{}
		var last int64
		go func() {
			defer close(done)
			deadline := time.Now().Add(20 * time.Second)
			for len(seen) < len(emps) && time.Now().Before(deadline) {
				list, err := e.NotificationsAfter(ctx, mgr.Actor(), last, 100)
				if err != nil {
					t.Error(err)
					return
				}
				for _, n := range list {
					if n.ID <= last {
						t.Errorf("replay went backwards: %d after %d", n.ID, last)
					}
					last = n.ID
					seen[n.ID] = true
				}
			}
		}()
		var wg sync.WaitGroup
		for _, emp := range emps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		<-done
		all, err := e.NotificationsAfter(ctx, mgr.Actor(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(emps) || len(seen) != len(emps) {
			t.Fatalf("stored %d, replay saw %d, want %d each", len(all), len(seen), len(emps))
		}
		for _, who := range []struct {
			actor attendance.Actor
			want  int64
		}{{mgr.Actor(), all[len(all)-1].ID}, {emps[0].Actor(), 0}} {
			if got, err := e.LastNotificationID(ctx, who.actor); err != nil || got != who.want {
				t.Errorf("LastNotificationID(user %d) = %d, %v; want %d", who.actor.ID, got, err, who.want)
			}
		}
	})
}

// TestNotArrivedOnce runs the periodic check twice and from two workers at
// once: one notification per employee and date.
func TestNotArrivedOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		e.mustCreate(t, mgr.Actor(), "absent", attendance.RoleEmployee, &mgr.ID)
		here := e.mustCreate(t, mgr.Actor(), "here", attendance.RoleEmployee, &mgr.ID)
		e.Clock.Set(time.Date(2026, 11, 2, 7, 50, 0, 0, time.UTC))
		if _, err := e.RecordEvent(ctx, here.Actor(), attendance.RecordEvent{Type: attendance.Entry}); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)) // exactly the deadline: not yet
		if n, err := e.CheckNotArrived(ctx, e.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("at the deadline: %d, %v", n, err)
		}
		e.Clock.Set(time.Date(2026, 11, 2, 8, 31, 0, 0, time.UTC))
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.CheckNotArrived(ctx, e.Clock.Now()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := e.CheckNotArrived(ctx, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		list, n, err := e.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{})
		if err != nil || n != 1 || list[0].Kind != attendance.NotifyNotArrived {
			t.Fatalf("notifications = %d (%v), want one not_arrived", n, err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		emp := e.mustCreate(t, e.Admin, "emp", attendance.RoleEmployee, nil)
		key := &attendance.Idempotency{Key: "k1", Hash: "h1"}
		var wg sync.WaitGroup
		ids := make([]int64, 6)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, err := e.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, Idempotency: key})
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = ev.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("one key made several events: %v", ids)
			}
		}
		_, err := e.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Exit, Idempotency: &attendance.Idempotency{Key: "k1", Hash: "h2"}})
		wantCode(t, err, "idempotency_key_reused")
	})
}
