package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// HTTP tests of the Notifications section: the REST endpoints, and that a
// cause notifies once (low balances, the not_arrived check from the store and
// from River's periodic job).

// notificationsOf lists c's notifications (query is the part after "?").
func notificationsOf(c *client, query string) list[attendance.Notification] {
	c.app.t.Helper()
	var l list[attendance.Notification]
	c.Do("GET", "/api/notifications/?"+query, nil).Want(200).JSON(&l)
	return l
}

// notificationIDs returns the ids of ns, in order.
func notificationIDs(ns []attendance.Notification) []int64 {
	ids := make([]int64, len(ns))
	for i, n := range ns {
		ids[i] = n.ID
	}
	return ids
}

// ofKind returns the notifications of kind (about employee, unless 0).
func ofKind(ns []attendance.Notification, kind attendance.NotificationKind, employee int64) []attendance.Notification {
	var out []attendance.Notification
	for _, n := range ns {
		if n.Kind == kind && (employee == 0 || n.EmployeeID == employee) {
			out = append(out, n)
		}
	}
	return out
}

// linkPath turns a next/previous link into a path to request.
func linkPath(t testing.TB, link *string) string {
	t.Helper()
	if link == nil {
		t.Fatal("link is null")
	}
	u, err := url.Parse(*link)
	if err != nil || u.Path == "" {
		t.Fatalf("link %q: %v", *link, err)
	}
	return u.RequestURI()
}

func TestNotificationsREST(t *testing.T) {
	t.Parallel()
	clock := newClock(wsMonday)
	app := mustStart(t, withClock(clock))
	mgr := app.Admin.NewUser("rest-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("rest-emp", nil)
	otherMgr := app.Admin.NewUser("rest-other", map[string]any{"role": "manager"})
	otherEmp := otherMgr.NewUser("rest-other-emp", nil)

	var requests []attendance.LeaveRequest
	for i, day := range []string{"2026-11-09", "2026-11-10", "2026-11-11"} {
		requests = append(requests, wsRequestLeave(emp, attendance.LeaveSick, day, day))
		if i == 0 {
			wsRequestLeave(otherEmp, attendance.LeaveSick, day, day)
		}
	}

	t.Run("own only, newest first", func(t *testing.T) {
		mgr := mgr.In(t)
		l := notificationsOf(mgr, "")
		if l.Count != 3 || len(l.Results) != 3 || l.Next != nil || l.Previous != nil {
			t.Fatalf("count %d, %d results, next %v, previous %v; want 3 on one page", l.Count, len(l.Results), l.Next, l.Previous)
		}
		for i, n := range l.Results {
			want := requests[len(requests)-1-i]
			if n.Kind != attendance.NotifyLeaveRequested || n.EmployeeID != emp.ID() || n.ReadAt != nil || n.Message == "" || !n.CreatedAt.Equal(wsMonday) {
				t.Errorf("notification %d = %+v, want an unread leave_requested about %d created %v", i, n, emp.ID(), wsMonday)
			}
			if got := notificationData(t, &n)["leave_request_id"]; got != float64(want.ID) {
				t.Errorf("notification %d is about request %v, want %d (newest first)", i, got, want.ID)
			}
			if i > 0 && n.ID >= l.Results[i-1].ID {
				t.Errorf("ids %v are not newest first", notificationIDs(l.Results))
			}
		}
		// The shape of a notification is the contract's, nothing more.
		var raw struct {
			Results []map[string]json.RawMessage `json:"results"`
		}
		mgr.Do("GET", "/api/notifications/", nil).Want(200).JSON(&raw)
		var keys []string
		for k := range raw.Results[0] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if want := []string{"created_at", "data", "employee_id", "id", "kind", "message", "read_at"}; !slices.Equal(keys, want) {
			t.Errorf("notification keys %v, want %v", keys, want)
		}
		if l := notificationsOf(emp.In(t), ""); l.Count != 0 || len(l.Results) != 0 {
			t.Errorf("the employee sees %d notifications, want none of their manager's", l.Count)
		}
		if l := notificationsOf(otherMgr.In(t), ""); l.Count != 1 || l.Results[0].EmployeeID != otherEmp.ID() {
			t.Errorf("the other manager sees %+v, want only their report's request", l)
		}
		app.In(t).Anon().Do("GET", "/api/notifications/", nil).WantProblem(401, "")
	})

	t.Run("pagination", func(t *testing.T) {
		mgr := mgr.In(t)
		all := notificationIDs(notificationsOf(mgr, "").Results)
		p1 := notificationsOf(mgr, "limit=2")
		if p1.Count != 3 || len(p1.Results) != 2 || p1.Previous != nil || p1.Next == nil {
			t.Fatalf("first page: count %d, %d results, previous %v, next %v", p1.Count, len(p1.Results), p1.Previous, p1.Next)
		}
		var p2 list[attendance.Notification]
		mgr.Do("GET", linkPath(t, p1.Next), nil).Want(200).JSON(&p2)
		if p2.Count != 3 || len(p2.Results) != 1 || p2.Next != nil || p2.Previous == nil {
			t.Fatalf("second page: count %d, %d results, previous %v, next %v", p2.Count, len(p2.Results), p2.Previous, p2.Next)
		}
		if got := append(notificationIDs(p1.Results), notificationIDs(p2.Results)...); !slices.Equal(got, all) {
			t.Errorf("pages %v, want %v", got, all)
		}
		var back list[attendance.Notification]
		mgr.Do("GET", linkPath(t, p2.Previous), nil).Want(200).JSON(&back)
		if !slices.Equal(notificationIDs(back.Results), notificationIDs(p1.Results)) {
			t.Errorf("previous page %v, want %v", notificationIDs(back.Results), notificationIDs(p1.Results))
		}
	})

	t.Run("read", func(t *testing.T) {
		mgr, otherMgr := mgr.In(t), otherMgr.In(t)
		all := notificationsOf(mgr, "").Results
		middle := all[1]
		path := fmt.Sprintf("/api/notifications/%d/read/", middle.ID)

		// Someone else's notification does not exist for them.
		otherMgr.Do("POST", path, nil).WantProblem(404, "")
		otherMgr.Do("POST", "/api/notifications/999999/read/", nil).WantProblem(404, "")
		if l := notificationsOf(mgr, "unread=true"); l.Count != 3 {
			t.Fatalf("unread after someone else's attempt: %d, want 3", l.Count)
		}

		res := mgr.Do("POST", path, nil).Want(204)
		if len(res.Body) != 0 {
			t.Errorf("204 with body %q", res.Body)
		}
		unread := notificationsOf(mgr, "unread=true")
		if want := []int64{all[0].ID, all[2].ID}; unread.Count != 2 || !slices.Equal(notificationIDs(unread.Results), want) {
			t.Fatalf("unread %v (count %d), want %v", notificationIDs(unread.Results), unread.Count, want)
		}
		readAt := func() *time.Time {
			for _, n := range notificationsOf(mgr, "").Results {
				if n.ID == middle.ID {
					return n.ReadAt
				}
			}
			t.Fatalf("notification %d is gone", middle.ID)
			return nil
		}
		first := readAt()
		if first == nil || !first.Equal(clock.Now()) {
			t.Fatalf("read_at = %v, want %v", first, clock.Now())
		}
		// Reading it again changes nothing.
		clock.Add(time.Minute)
		mgr.Do("POST", path, nil).Want(204)
		if again := readAt(); again == nil || !again.Equal(*first) {
			t.Errorf("read_at after a second read = %v, want it kept at %v", again, first)
		}

		// read-all marks the caller's own, nobody else's.
		otherMgr.Do("POST", "/api/notifications/read-all/", nil).Want(204)
		if l := notificationsOf(mgr, "unread=true"); l.Count != 2 {
			t.Fatalf("unread after someone else's read-all: %d, want 2", l.Count)
		}
		if l := notificationsOf(otherMgr, "unread=true"); l.Count != 0 {
			t.Fatalf("the other manager's unread after read-all: %d, want 0", l.Count)
		}
		mgr.Do("POST", "/api/notifications/read-all/", nil).Want(204)
		if l := notificationsOf(mgr, "unread=true"); l.Count != 0 || len(l.Results) != 0 {
			t.Fatalf("unread after read-all: %d, want 0", l.Count)
		}
		for _, n := range notificationsOf(mgr, "").Results {
			if n.ReadAt == nil {
				t.Errorf("notification %d has no read_at after read-all", n.ID)
			}
		}
		app.In(t).Anon().Do("POST", "/api/notifications/read-all/", nil).WantProblem(401, "")
	})
}

// TestLowBalanceOnce: approve → cancel → re-request → approve at the same
// remaining notifies nobody again; falling further does.
func TestLowBalanceOnce(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)) // a Monday
	app := mustStart(t, withClock(clock))
	mgr := app.Admin.NewUser("low-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("low-emp", nil) // 15 days a year

	lows := func(c *client) []float64 {
		t.Helper()
		var out []float64
		for _, n := range ofKind(notificationsOf(c, "").Results, attendance.NotifyLowLeaveBalance, emp.ID()) {
			out = append(out, notificationData(t, &n)["remaining"].(float64))
		}
		return out
	}
	wantLows := func(when string, want ...float64) {
		t.Helper()
		for _, c := range []*client{emp, mgr} {
			if got := lows(c); !slices.Equal(got, want) {
				t.Fatalf("%s: %s's low_leave_balance notifications say remaining %v, want %v (newest first)", when, c.Me.Username, got, want)
			}
		}
	}

	r := wsRequestLeave(emp, attendance.LeaveAnnual, "2026-06-01", "2026-06-16") // 12 days
	wantLows("pending")
	wsDecide(mgr, r.ID, "approve")
	wantLows("approved 12 of 15", 3)
	emp.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", r.ID), nil).Want(200)
	r = wsRequestLeave(emp, attendance.LeaveAnnual, "2026-06-01", "2026-06-16")
	wsDecide(mgr, r.ID, "approve")
	wantLows("approved 12 of 15 again", 3)
	// The daily check finds nothing new either.
	if n, err := app.Main.Checks.CheckLowBalances(context.Background(), clock.Now()); err != nil || n != 0 {
		t.Fatalf("daily check: %d notified, %v; want 0", n, err)
	}
	wantLows("after the daily check", 3)
	r = wsRequestLeave(emp, attendance.LeaveAnnual, "2026-07-01", "2026-07-01")
	wsDecide(mgr, r.ID, "approve")
	wantLows("approved one more day", 2, 3)
	// Sick leave does not touch the balance.
	r = wsRequestLeave(emp, attendance.LeaveSick, "2026-07-02", "2026-07-02")
	wsDecide(mgr, r.ID, "approve")
	wantLows("approved sick leave", 2, 3)
	if l := ofKind(notificationsOf(emp, "").Results, attendance.NotifyLowLeaveBalance, 0); len(l) != 2 {
		t.Errorf("employee has %d low_leave_balance notifications, want 2", len(l))
	}
	if l := ofKind(notificationsOf(app.Admin, "").Results, attendance.NotifyLowLeaveBalance, 0); len(l) != 0 {
		t.Errorf("the admin (not the nearest manager) got %d low_leave_balance notifications", len(l))
	}
}

// TestNotArrived: one not_arrived per employee and working day, to their
// manager, however often the check runs (directly, concurrently, and as
// River's periodic job after a restart); nobody on leave, on a holiday, on a
// day off or before their deadline.
func TestNotArrived(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	monday := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	clock := newClock(monday)
	dir := newDataDir(t)
	// The clock moves across days: tokens must outlive it.
	longAccess := withConfig(func(c *Config) { c.AccessTTL = 30 * 24 * time.Hour })
	app := mustStartIn(t, dir, withClock(clock), longAccess)
	mgr := app.Admin.NewUser("na-mgr", map[string]any{"role": "manager"})
	users := map[string]*client{}
	for _, u := range []struct {
		name   string
		fields map[string]any
	}{
		{"absent", nil},
		{"present", nil},
		{"onleave", nil},
		{"halfday", nil},
		{"dayoff", map[string]any{"work_days": []string{"tue", "wed", "thu", "fri", "sat"}}},
		{"later", map[string]any{"work_start": "10:00", "work_end": "18:00"}},
		{"grace", map[string]any{"late_grace_minutes": 15}},
		{"tokyo", map[string]any{"timezone": "Asia/Tokyo"}},
		{"newyork", map[string]any{"timezone": "America/New_York"}},
	} {
		users[u.name] = mgr.NewUser("na-"+u.name, u.fields)
	}
	gone := mgr.CreateEmployee("na-gone", nil) // deactivated: never reported
	mgr.Do("DELETE", fmt.Sprintf("/api/employees/%d/", gone.ID), nil).Want(204)
	wsClockIn(users["present"], attendance.Entry)
	r := wsRequestLeave(users["onleave"], attendance.LeaveAnnual, "2026-11-02", "2026-11-02")
	wsDecide(mgr, r.ID, "approve")
	var half attendance.LeaveRequest
	users["halfday"].Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-02",
		"end_date": "2026-11-02", "half_day": true}).Want(201).JSON(&half)
	wsDecide(mgr, half.ID, "approve")

	// reported returns who has been reported to c, by username, for each date.
	reported := func(c *client) map[string][]string {
		t.Helper()
		byID := map[int64]string{mgr.ID(): "mgr", gone.ID: "gone"}
		for name, u := range users {
			byID[u.ID()] = name
		}
		out := map[string][]string{}
		for _, n := range ofKind(notificationsOf(c, "limit=500").Results, attendance.NotifyNotArrived, 0) {
			d := notificationData(t, &n)["date"].(string)
			out[d] = append(out[d], byID[n.EmployeeID])
		}
		for _, names := range out {
			sort.Strings(names)
		}
		return out
	}
	want := func(when string, c *client, want map[string][]string) {
		t.Helper()
		if got := reported(c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: %s was told of %v, want %v", when, c.Me.Username, got, want)
		}
	}
	check := func(app *testApp, times int) {
		t.Helper()
		var wg sync.WaitGroup
		for range times {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := app.Main.Checks.CheckNotArrived(ctx, clock.Now()); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}

	clock.Set(monday.Add(time.Hour + 30*time.Minute)) // 08:30: the deadline itself
	check(app, 1)
	want("08:30", mgr, map[string][]string{"2026-11-02": {"tokyo"}}) // 17:30 in Tokyo

	clock.Set(monday.Add(time.Hour + 31*time.Minute))
	check(app, 3)
	check(app, 1)
	want("08:31", mgr, map[string][]string{"2026-11-02": {"absent", "tokyo"}})
	// The manager has no entry either: their own manager, the admin, is told.
	want("08:31", app.Admin, map[string][]string{"2026-11-02": {"mgr"}})

	clock.Set(monday.Add(time.Hour + 46*time.Minute)) // past 08:45, the deadline with 15 minutes' grace
	check(app, 2)
	want("08:46", mgr, map[string][]string{"2026-11-02": {"absent", "grace", "tokyo"}})

	// Someone created after their deadline is reported on the next check, here
	// River's: restart with the periodic jobs, whose not_arrived check runs at
	// start; the service is up once it has run.
	clock.Set(monday.Add(2 * time.Hour))
	users["newbie"] = mgr.NewUser("na-newbie", nil)
	app.Stop()
	app = mustStartIn(t, dir, withClock(clock), longAccess, withPeriodicJobs())
	mgr = app.Login("na-mgr", testPassword)
	if got := reported(mgr)["2026-11-02"]; !slices.Contains(got, "newbie") {
		t.Fatalf("after River's not_arrived run at start, the manager was told of %v, want newbie among them", got)
	}
	// The rest drives the checks itself again: River's next run, a minute
	// on, would run at whatever the clock says then.
	app.Stop()
	app = mustStartIn(t, dir, withClock(clock), longAccess)
	mgr = app.Login("na-mgr", testPassword)
	check(app, 2)
	want("09:00, after River's check", mgr, map[string][]string{"2026-11-02": {"absent", "grace", "newbie", "tokyo"}})
	want("09:00, after River's check", app.Admin, map[string][]string{"2026-11-02": {"mgr"}})

	// A company holiday: nobody, wherever they are.
	app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-11-03", "name": "Founders' day"}).Want(201)
	clock.Set(monday.Add(24*time.Hour + 4*time.Hour)) // Tuesday 11:00
	check(app, 2)
	want("the holiday", mgr, map[string][]string{"2026-11-02": {"absent", "grace", "newbie", "tokyo"}})

	// Saturday: only whoever works on Saturdays.
	clock.Set(monday.Add(5*24*time.Hour + 4*time.Hour))
	check(app, 2)
	want("Saturday", mgr, map[string][]string{"2026-11-02": {"absent", "grace", "newbie", "tokyo"}, "2026-11-07": {"dayoff"}})
	want("Saturday", app.Admin, map[string][]string{"2026-11-02": {"mgr"}})
	for name, u := range users {
		if l := ofKind(notificationsOf(app.Login(u.Me.Username, testPassword), "").Results, attendance.NotifyNotArrived, 0); len(l) != 0 {
			t.Errorf("%s was told of %d not_arrived, want none", name, len(l))
		}
	}
}
