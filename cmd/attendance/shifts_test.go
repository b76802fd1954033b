package main

import (
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
)

type rosterRow struct {
	EmployeeID int64                  `json:"employee_id"`
	Days       []attendance.RosterDay `json:"days"`
}

// TestNightShift: a 22:00–06:00 shift that starts on Monday is Monday's —
// the entry, its lateness against 22:00 Monday, and the exit at 05:58 on
// Tuesday — through the shifts, patterns, roster and overview endpoints;
// the break rule deducts what the breaks miss; nights across the clock
// changes of Europe/Berlin and America/New_York last 9 and 7 hours.
func TestNightShift(t *testing.T) {
	t.Parallel()
	const berlin, newYork = "Europe/Berlin", "America/New_York"
	app, clock := startAt(t, utc("2026-06-01 00:00")) // Monday
	mgr := app.Admin.NewUser("nina", map[string]any{"role": "manager"})
	emp := mgr.NewUser("nils", staff(berlin, "08:00", 0, "2026-01-01"))
	nyc := mgr.NewUser("nora", staff(newYork, "08:00", 0, "2026-01-01"))

	var night attendance.Shift
	res := app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Night", "start": "22:00", "end": "06:00", "grace_minutes": 10}).Want(201)
	res.JSON(&night)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/shifts/%d/", night.ID) || !night.Active || night.End != 6*60 {
		t.Fatalf("created %+v at %q", night, loc)
	}
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "NIGHT ", "start": "21:00", "end": "05:00"}).WantProblem(409, "duplicate_name")
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Short", "start": "08:00", "end": "09:00", "break_minutes": 60}).WantProblem(422, "")
	mgr.Do("POST", "/api/shifts/", map[string]any{"name": "Mine", "start": "08:00", "end": "12:00"}).Want(403)
	emp.Do("GET", fmt.Sprintf("/api/shifts/%d/", night.ID), nil).Want(200)

	n := night.ID
	week := map[string]any{"mon": n, "tue": n, "wed": n, "thu": n, "fri": n, "sat": nil, "sun": nil}
	for _, c := range []*client{emp, nyc} {
		mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", c.ID()), map[string]any{"start_date": "2026-06-01", "weeks": []any{week}}).Want(201)
	}
	mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID()), map[string]any{"start_date": "2026-06-01", "weeks": []any{week}}).
		WantProblem(409, "duplicate_start_date")
	mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID()), map[string]any{"start_date": "2026-05-01", "weeks": []any{week}}).
		WantProblem(422, "")
	emp.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID()), map[string]any{"start_date": "2026-07-01", "weeks": []any{week}}).Want(403)
	app.Admin.Do("PATCH", fmt.Sprintf("/api/shifts/%d/", n), map[string]any{"start": "21:00"}).WantProblem(409, "shift_in_use")
	app.Admin.Do("PATCH", fmt.Sprintf("/api/shifts/%d/", n), map[string]any{"name": "Night shift"}).Want(200)
	app.Admin.Do("DELETE", fmt.Sprintf("/api/shifts/%d/", n), nil).WantProblem(409, "shift_in_use")

	// Monday 22:25 in Berlin: late by 25 minutes against 22:00 (grace 10).
	clock.Set(local(berlin, "2026-06-01 22:25"))
	in := emp.clock("entry")
	if in.WorkDate == nil || in.WorkDate.String() != "2026-06-01" || !in.Late || in.LateMinutes != 25 {
		t.Errorf("entry at 22:25: work date %v, late %v %d; want 2026-06-01, late 25", in.WorkDate, in.Late, in.LateMinutes)
	}
	clock.Set(local(berlin, "2026-06-02 05:58"))
	out := emp.clock("exit")
	if out.WorkDate == nil || out.WorkDate.String() != "2026-06-01" {
		t.Errorf("exit at 05:58 on Tuesday: work date %v, want 2026-06-01", out.WorkDate)
	}
	clock.Set(local(berlin, "2026-06-02 12:00"))
	ov := func(query string) (attendance.OverviewRow, attendance.TimeTotals) {
		t.Helper()
		var o overview
		mgr.Do("GET", "/api/attendance/overview/?"+query, nil).Want(200).JSON(&o)
		if len(o.Results) != 1 {
			t.Fatalf("overview %s: %d rows", query, len(o.Results))
		}
		return o.Results[0], o.Times[0]
	}
	row, times := ov(fmt.Sprintf("from=2026-06-01&to=2026-06-01&employee_id=%d", emp.ID()))
	worked := int64(7*3600 + 33*60)
	if row.DaysPresent != 1 || row.WorkedSeconds != worked || row.LateMinutes != 25 || row.AbsentDays != 0 {
		t.Errorf("Monday: %+v, want present, %d s worked, 25 minutes late", row.OverviewTotals, worked)
	}
	if times.ScheduledSeconds != 8*3600 || times.UndertimeSeconds != 8*3600-worked || times.OvertimeSeconds != 0 || times.BreakDeductedSeconds != 0 {
		t.Errorf("Monday's times: %+v, want 8 h scheduled and %d s undertime", times, 8*3600-worked)
	}
	if row, _ := ov(fmt.Sprintf("from=2026-06-02&to=2026-06-02&employee_id=%d", emp.ID())); row.DaysPresent != 0 || row.WorkedSeconds != 0 {
		t.Errorf("Tuesday: %+v, want nothing (the night is Monday's)", row.OverviewTotals)
	}

	// The break rule: 7 h 33 min without a break needs 30 minutes.
	mgr.Do("GET", "/api/settings/worktime/", nil).Want(200)
	emp.Do("GET", "/api/settings/worktime/", nil).Want(403)
	mgr.Do("PUT", "/api/settings/worktime/", map[string]any{"break_rule": []any{}, "review_after_minutes": 240, "auto_close": false}).Want(403)
	app.Admin.Do("PUT", "/api/settings/worktime/", map[string]any{"break_rule": []any{map[string]int{"after_minutes": 360, "break_minutes": 30}},
		"review_after_minutes": 10, "auto_close": false}).WantProblem(422, "")
	app.Admin.Do("PUT", "/api/settings/worktime/", map[string]any{"break_rule": attendance.GermanBreakRule, "review_after_minutes": 240, "auto_close": false}).Want(200)
	if _, times := ov(fmt.Sprintf("from=2026-06-01&to=2026-06-01&employee_id=%d", emp.ID())); times.BreakDeductedSeconds != 1800 {
		t.Errorf("break deducted: %d s, want 1800", times.BreakDeductedSeconds)
	}

	// The roster: an override wins, and only a roster writer sets it.
	path := fmt.Sprintf("/api/roster/%d/2026-06-03/", emp.ID())
	mgr.Do("PUT", path, map[string]any{"shift_id": nil, "note": "day off"}).Want(201)
	mgr.Do("PUT", path, map[string]any{"shift_id": nil, "note": "day off, really"}).Want(200)
	emp.Do("PUT", path, map[string]any{"shift_id": nil}).Want(403)
	mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-06-03/", mgr.ID()), map[string]any{"shift_id": nil}).Want(403)
	mgr.Do("PUT", path, map[string]any{"shift_id": 99999}).WantProblem(422, "")
	var rows list[rosterRow]
	mgr.Do("GET", fmt.Sprintf("/api/roster/?from=2026-06-01&to=2026-06-07&employee_id=%d", emp.ID()), nil).Want(200).JSON(&rows)
	if len(rows.Results) != 1 || len(rows.Results[0].Days) != 7 {
		t.Fatalf("roster: %+v", rows)
	}
	d := rows.Results[0].Days
	if d[0].Source != attendance.RosterFromPattern || d[0].Shift == nil || d[0].Shift.ID != n || d[2].Source != attendance.RosterFromOverride || d[2].Shift != nil ||
		d[5].Source != attendance.RosterNoShift || d[0].ScheduledSeconds != 8*3600 {
		t.Errorf("roster days: %+v", d)
	}
	mgr.Do("DELETE", path, nil).Want(204)
	mgr.Do("DELETE", path, nil).Want(404)
	var own list[rosterRow]
	emp.Do("GET", "/api/roster/", nil).Want(200).JSON(&own)
	if own.Count != 1 || own.Results[0].EmployeeID != emp.ID() {
		t.Errorf("an employee's roster: %+v, want their own row", own)
	}
	mgr.Do("GET", "/api/roster/?from=2026-06-01&to=2026-08-31", nil).WantProblem(422, "")

	// Nights across the clock changes: 9 hours in autumn, 7 in spring.
	for _, tc := range []struct {
		c     *client
		date  string
		hours int64
	}{{emp, "2026-10-24", 9}, {nyc, "2026-10-31", 9}, {emp, "2027-03-27", 7}, {nyc, "2027-03-13", 7}} {
		mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/%s/", tc.c.ID(), tc.date), map[string]any{"shift_id": n}).Want(201)
		var r list[rosterRow]
		mgr.Do("GET", fmt.Sprintf("/api/roster/?from=%s&to=%s&employee_id=%d", tc.date, tc.date, tc.c.ID()), nil).Want(200).JSON(&r)
		if got := r.Results[0].Days[0].ScheduledSeconds; got != tc.hours*3600 {
			t.Errorf("night of %s (%s): %d s scheduled, want %d h", tc.date, tc.c.Me.Timezone, got, tc.hours)
		}
	}
	// Worked time is real time: 22:00 to 06:00 across the autumn change is 9 hours.
	clock.Set(local(berlin, "2026-10-26 12:00"))
	for _, ev := range []struct{ typ, at string }{{"entry", "2026-10-24 22:00"}, {"exit", "2026-10-25 06:00"}} {
		var e event
		mgr.Do("POST", "/api/attendance/", map[string]any{"type": ev.typ, "employee_id": emp.ID(), "timestamp": local(berlin, ev.at), "note": "night"}).
			Want(201).JSON(&e)
		if e.WorkDate == nil || e.WorkDate.String() != "2026-10-24" {
			t.Errorf("%s at %s: work date %v, want 2026-10-24", ev.typ, ev.at, e.WorkDate)
		}
	}
	row, times = ov(fmt.Sprintf("from=2026-10-24&to=2026-10-25&employee_id=%d", emp.ID()))
	// 9 h without a break passes the first step (more than 6 h): 30
	// minutes deducted, and as much short of the 9 hours scheduled.
	if row.WorkedSeconds != 9*3600 || times.ScheduledSeconds != 9*3600 || times.BreakDeductedSeconds != 30*60 || times.UndertimeSeconds != 30*60 {
		t.Errorf("autumn night: worked %d s, %+v; want 9 h worked and scheduled, 30 min deducted and short", row.WorkedSeconds, times)
	}
	var all list[attendance.Shift]
	app.Admin.Do("GET", "/api/shifts/?active=all", nil).Want(200).JSON(&all)
	if all.Count == 0 {
		t.Error("?active=all lists no shift")
	}
}

// TestScheduleFields: the Employee's work_start, work_end, work_days and
// late_grace_minutes stay a view and an editor of the simple case: a new
// employee has the one-week pattern of their fields; a rotation makes them
// describe the current week (schedule_kind pattern); writing them back as
// read keeps the rotation; writing other values replaces it.
func TestScheduleFields(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 09:00")) // Monday
	mgr := app.Admin.NewUser("mona", map[string]any{"role": "manager"})
	emp := mgr.CreateEmployee("sol", staff("UTC", "07:30", 5, "2026-01-01"))
	if emp.ScheduleKind != attendance.ScheduleSimple {
		t.Errorf("a new employee's schedule_kind = %q, want simple", emp.ScheduleKind)
	}
	patterns := func() list[attendance.ShiftPattern] {
		t.Helper()
		var l list[attendance.ShiftPattern]
		mgr.Do("GET", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID), nil).Want(200).JSON(&l)
		return l
	}
	if l := patterns(); l.Count != 1 || l.Results[0].StartDate.String() != "2025-12-29" || l.Results[0].Weeks[0].Mon == nil || l.Results[0].Weeks[0].Sat != nil {
		t.Fatalf("patterns of a new employee: %+v, want one week Monday to Friday from the Monday of the hiring week", l)
	}
	var early, late attendance.Shift
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Early", "start": "06:00", "end": "14:00"}).Want(201).JSON(&early)
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Late", "start": "14:00", "end": "22:00", "grace_minutes": 3}).Want(201).JSON(&late)
	mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID), map[string]any{"start_date": "2026-06-01", "weeks": []any{
		map[string]any{"mon": early.ID, "tue": early.ID, "wed": early.ID},
		map[string]any{"thu": late.ID, "fri": late.ID}}}).Want(201)
	var got attendance.Employee
	mgr.Do("GET", fmt.Sprintf("/api/employees/%d/", emp.ID), nil).Want(200).JSON(&got)
	if got.ScheduleKind != attendance.SchedulePattern || got.WorkStart.String() != "06:00" || got.WorkEnd.String() != "14:00" ||
		fmt.Sprint(got.WorkDays.Names()) != "[mon tue wed]" {
		t.Errorf("with a rotation: %s %s–%s %v, want pattern 06:00–14:00 [mon tue wed]", got.ScheduleKind, got.WorkStart, got.WorkEnd, got.WorkDays.Names())
	}
	// Sent back as read: the rotation stays.
	mgr.Do("PATCH", fmt.Sprintf("/api/employees/%d/", emp.ID), map[string]any{"work_start": "06:00", "work_end": "14:00",
		"work_days": []string{"mon", "tue", "wed"}, "late_grace_minutes": 0}).Want(200)
	if l := patterns(); l.Count != 2 {
		t.Errorf("after writing back what was read: %d patterns, want the two", l.Count)
	}
	// Another start: one simple pattern of those times.
	mgr.Do("PATCH", fmt.Sprintf("/api/employees/%d/", emp.ID), map[string]any{"work_start": "09:00"}).Want(200).JSON(&got)
	if l := patterns(); l.Count != 1 || got.ScheduleKind != attendance.ScheduleSimple || got.WorkStart.String() != "09:00" {
		t.Errorf("after a new start: %d patterns, %s from %s; want one simple pattern from 09:00", l.Count, got.ScheduleKind, got.WorkStart)
	}
}

// TestLeaveCostFollowsRoster: a request costs the working days of the dates'
// shifts as the roster has them — a weekend pattern makes Saturday and
// Sunday working days, and a day off on the roster costs nothing — not the
// days of the employee's plain schedule fields.
func TestLeaveCostFollowsRoster(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 06:00")) // Monday
	mgr := app.Admin.NewUser("wanda", map[string]any{"role": "manager"})
	emp := mgr.NewUser("walt", staff("UTC", "08:00", 0, "2026-01-01")) // fields: Monday to Friday
	var early attendance.Shift
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Weekend", "start": "08:00", "end": "16:00"}).Want(201).JSON(&early)
	s := early.ID
	week := map[string]any{"mon": nil, "tue": nil, "wed": nil, "thu": s, "fri": s, "sat": s, "sun": s}
	mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", emp.ID()), map[string]any{"start_date": "2026-06-01", "weeks": []any{week}}).Want(201)
	mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-06-12/", emp.ID()), map[string]any{"shift_id": nil, "note": "day off"}).Want(201)

	// Saturday 6 to Wednesday 10 June: Saturday and Sunday are working days.
	if r := emp.requestLeave("annual", "2026-06-06", "2026-06-10"); r.Days != 2 {
		t.Errorf("6–10 June costs %v days, want 2 (the weekend of the pattern)", r.Days)
	}
	// Thursday 11 to Sunday 14 June, with Friday off on the roster: 3 days.
	if r := emp.requestLeave("annual", "2026-06-11", "2026-06-14"); r.Days != 3 {
		t.Errorf("11–14 June costs %v days, want 3 (Friday is off on the roster)", r.Days)
	}
}
