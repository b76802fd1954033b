package main

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestRosterSaysWhatThePageShows: a shift says whether it is overnight, a
// roster row whether the caller may set it, and the roster's default week is
// the company's.
func TestRosterSaysWhatThePageShows(t *testing.T) {
	t.Parallel()
	app := mustStart(t, withClock(newClock(time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC)))) // a Thursday
	mgr := app.Admin.NewUser("rc-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("rc-emp", nil)

	var night, day attendance.Shift
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Night", "start": "22:00", "end": "06:00"}).Want(201).JSON(&night)
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Day", "start": "08:00", "end": "16:00"}).Want(201).JSON(&day)
	if !night.IsOvernight || day.IsOvernight {
		t.Errorf("overnight: night %v, day %v; want true, false", night.IsOvernight, day.IsOvernight)
	}
	var list struct{ Results []attendance.Shift }
	emp.Do("GET", "/api/shifts/", nil).Want(200).JSON(&list)
	for _, s := range list.Results {
		if s.IsOvernight != (s.End <= s.Start) {
			t.Errorf("shift %s %s–%s: overnight %v", s.Name, s.Start, s.End, s.IsOvernight)
		}
	}

	editable := func(c *client) map[int64]bool {
		t.Helper()
		var page struct{ Results []attendance.RosterRow }
		c.Do("GET", "/api/roster/?limit=500", nil).Want(200).JSON(&page)
		out := map[int64]bool{}
		for _, r := range page.Results {
			out[r.EmployeeID] = r.Editable
			if len(r.Days) != 7 || r.Days[0].Date != attendance.MustParseDate("2026-11-02") {
				t.Errorf("row %d: %d days from %v, want the company's week from Monday 2026-11-02", r.EmployeeID, len(r.Days), r.Days)
			}
		}
		return out
	}
	if got := editable(mgr); !got[emp.ID()] || got[mgr.ID()] {
		t.Errorf("manager's roster: editable %v; want the report's row only", got)
	}
	if got := editable(app.Admin); !got[emp.ID()] || !got[mgr.ID()] || got[app.Admin.ID()] {
		t.Errorf("admin's roster: editable %v; want everyone's but their own", got)
	}
	if got := editable(emp); len(got) != 1 || got[emp.ID()] {
		t.Errorf("employee's roster: editable %v; want their own row, not editable", got)
	}
}
