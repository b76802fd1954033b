package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// todayPage is a page of GET /api/attendance/today/.
type todayPage struct {
	Date    attendance.Date       `json:"date"`
	Count   int                   `json:"count"`
	Results []attendance.TodayRow `json:"results"`
}

// TestAttendanceToday: the board's status of each person in scope, as the
// server decides it, and who may see whose.
func TestAttendanceToday(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)
	clock := newClock(monday)
	app := mustStart(t, withClock(clock), withConfig(func(c *Config) { c.AccessTTL = 24 * time.Hour }))
	mgr := app.Admin.NewUser("td-mgr", map[string]any{"role": "manager"})
	other := app.Admin.NewUser("td-other", map[string]any{"role": "manager"})
	stranger := other.NewUser("td-stranger", nil)
	users := map[string]*client{}
	for _, u := range []struct {
		name   string
		fields map[string]any
	}{
		{"in", nil},
		{"left", nil},
		{"absent", nil},
		{"onleave", nil},
		{"halfday", nil},
		{"dayoff", map[string]any{"work_days": []string{"tue", "wed", "thu", "fri", "sat"}}},
		{"later", map[string]any{"work_start": "10:00", "work_end": "18:00"}},
	} {
		users[u.name] = mgr.NewUser("td-"+u.name, u.fields)
	}
	gone := mgr.CreateEmployee("td-gone", nil)
	mgr.Do("DELETE", fmt.Sprintf("/api/employees/%d/", gone.ID), nil).Want(204)
	r := wsRequestLeave(users["onleave"], attendance.LeaveAnnual, "2026-11-02", "2026-11-02")
	wsDecide(mgr, r.ID, "approve")
	var half attendance.LeaveRequest
	users["halfday"].Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-02",
		"end_date": "2026-11-02", "half_day": true}).Want(201).JSON(&half)
	wsDecide(mgr, half.ID, "approve")
	clock.Set(monday.Add(80 * time.Minute)) // 08:20
	wsClockIn(users["in"], attendance.Entry)
	wsClockIn(users["left"], attendance.Entry)
	clock.Set(monday.Add(2 * time.Hour)) // 09:00
	wsClockIn(users["left"], attendance.Exit)

	var page todayPage
	mgr.Do("GET", "/api/attendance/today/?limit=500", nil).Want(200).JSON(&page)
	if page.Date != attendance.MustParseDate("2026-11-02") {
		t.Errorf("date = %s, want 2026-11-02", page.Date)
	}
	got := map[string]attendance.TodayRow{}
	for _, row := range page.Results {
		got[row.Username] = row
	}
	due := func(s string) *time.Time {
		v := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC).Add(time.Duration(attendance.MustParseTimeOfDay(s)) * time.Minute)
		return &v
	}
	for _, tt := range []struct {
		user        string
		want        attendance.Presence
		lateMinutes int
		dueAt       *time.Time
		share       float64
	}{
		{"td-in", attendance.PresenceIn, 20, nil, 0},
		{"td-left", attendance.PresenceLeft, 20, nil, 0},
		{"td-absent", attendance.PresenceNotArrived, 0, due("08:30"), 0},
		{"td-onleave", attendance.PresenceOnLeave, 0, nil, 1},
		{"td-halfday", attendance.PresenceOnLeave, 0, nil, 0.5},
		{"td-dayoff", attendance.PresenceOff, 0, nil, 0},
		{"td-later", attendance.PresenceExpected, 0, due("10:30"), 0},
		{"td-mgr", attendance.PresenceNotArrived, 0, due("08:30"), 0},
	} {
		row, ok := got[tt.user]
		if !ok {
			t.Errorf("%s: no row", tt.user)
			continue
		}
		if row.Status != tt.want || row.LateMinutes != tt.lateMinutes || row.LeaveShare != tt.share {
			t.Errorf("%s: status %s, %d min late, leave %v; want %s, %d, %v", tt.user, row.Status, row.LateMinutes, row.LeaveShare,
				tt.want, tt.lateMinutes, tt.share)
		}
		if (row.DueAt == nil) != (tt.dueAt == nil) || (row.DueAt != nil && !row.DueAt.Equal(*tt.dueAt)) {
			t.Errorf("%s: due_at %v, want %v", tt.user, row.DueAt, tt.dueAt)
		}
	}
	if len(got) != 8 || page.Count != 8 {
		t.Errorf("the manager's board has %d rows (count %d), want 8: themselves and seven reports, not the deactivated", len(got), page.Count)
	}
	if _, ok := got["td-stranger"]; ok {
		t.Error("a person out of scope is on the manager's board")
	}

	// An employee sees their own row, and nobody else's.
	var own todayPage
	users["in"].Do("GET", "/api/attendance/today/", nil).Want(200).JSON(&own)
	if own.Count != 1 || len(own.Results) != 1 || own.Results[0].EmployeeID != users["in"].ID() {
		t.Errorf("an employee's board = %+v, want their own row only", own)
	}
	users["in"].Do("GET", fmt.Sprintf("/api/attendance/today/?employee_id=%d", users["left"].ID()), nil).WantProblem(404, "not_found")
	other.Do("GET", fmt.Sprintf("/api/attendance/today/?employee_id=%d", users["in"].ID()), nil).WantProblem(404, "not_found")
	app.Anon().Do("GET", "/api/attendance/today/", nil).Want(401)
	var one todayPage
	app.Admin.Do("GET", fmt.Sprintf("/api/attendance/today/?employee_id=%d", stranger.ID()), nil).Want(200).JSON(&one)
	if len(one.Results) != 1 || one.Results[0].Status != attendance.PresenceNotArrived {
		t.Errorf("the admin's row of a stranger = %+v, want one row, not arrived", one.Results)
	}
	// Pages: the count is of every row, the page holds its own.
	var p2 todayPage
	mgr.Do("GET", "/api/attendance/today/?limit=3&offset=6", nil).Want(200).JSON(&p2)
	if p2.Count != 8 || len(p2.Results) != 2 {
		t.Errorf("the third page of three: count %d with %d rows, want 8 with 2", p2.Count, len(p2.Results))
	}
}
