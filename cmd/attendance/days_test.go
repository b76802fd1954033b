package main

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// daysPage is a page of GET /api/attendance/days/.
type daysPage struct {
	EmployeeID int64               `json:"employee_id"`
	Timezone   string              `json:"timezone"`
	Today      attendance.Date     `json:"today"`
	From       attendance.Date     `json:"from"`
	To         attendance.Date     `json:"to"`
	Count      int                 `json:"count"`
	Next       *string             `json:"next"`
	Results    []attendance.DayRow `json:"results"`
}

// daysMonth is a hand-made November 2026 of one employee (hired on Tuesday
// the 3rd, Monday to Friday 08:00–17:00, in UTC), seen on Friday the 20th at
// 12:00 by their manager:
//
//	 2 Mon  not employed yet
//	 3 Tue  07:55–17:00, on time
//	 4 Wed  08:20–17:00, 20 minutes late
//	 5 Thu  nothing: absent
//	 6 Fri  approved annual leave
//	 9 Mon  a company holiday
//	10 Tue  hourly sick leave 08:00–10:00, then 10:00–17:00: on time
//	11 Wed  a night shift 22:00–06:00 (an override), worked 21:55–06:02 the next morning
//	12 Thu  nothing: absent (the night's exit is the 11th's)
//	13 Fri  a half day of annual leave, then 13:00–17:00
//	16 Mon  08:00–12:00 and 13:00–17:00
//	17 Tue  08:00 and no exit: an open session
//	18 Wed  an entry that was voided, and half a day of sick leave: leave
//	19 Thu  08:00–16:00
//	20 Fri  today, nothing yet
type daysMonth struct {
	app  *testApp
	mgr  *client
	emp  *client
	late attendance.AttendanceEvent
}

func newDaysMonth(t *testing.T) *daysMonth {
	t.Helper()
	clock := newClock(time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock))
	mgr := app.Admin.NewUser("dm-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("dm-emp", map[string]any{"hired_on": "2026-11-03", "first_name": "Dana"})
	id := emp.ID()

	var night attendance.Shift
	app.Admin.Do("POST", "/api/shifts/", map[string]any{"name": "Night", "start": "22:00", "end": "06:00"}).Want(201).JSON(&night)
	mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-11-11/", id), map[string]any{"shift_id": night.ID, "note": "night"}).Want(200, 201)
	app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-11-09", "name": "Founders' Day"}).Want(201)
	wsDecide(mgr, wsRequestLeave(emp, attendance.LeaveAnnual, "2026-11-06", "2026-11-06").ID, "approve")
	var r attendance.LeaveRequest
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-11-10", "end_date": "2026-11-10",
		"start_time": "08:00", "end_time": "10:00"}).Want(201).JSON(&r)
	wsDecide(mgr, r.ID, "approve")
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-13", "end_date": "2026-11-13",
		"half_day": true}).Want(201).JSON(&r)
	wsDecide(mgr, r.ID, "approve")
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-11-18", "end_date": "2026-11-18",
		"half_day": true}).Want(201).JSON(&r)
	wsDecide(mgr, r.ID, "approve")

	clock.Set(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	mgr, emp = app.Login("dm-mgr", testPassword), app.Login("dm-emp", testPassword)
	m := &daysMonth{app: app, mgr: mgr, emp: emp}
	record := func(typ, at string) attendance.AttendanceEvent {
		t.Helper()
		var ev attendance.AttendanceEvent
		mgr.Do("POST", "/api/attendance/", map[string]any{"employee_id": id, "type": typ, "timestamp": at, "note": "by hand"}).Want(201).JSON(&ev)
		return ev
	}
	for _, s := range [][2]string{
		{"2026-11-03T07:55:00Z", "2026-11-03T17:00:00Z"},
		{"2026-11-04T08:20:00Z", "2026-11-04T17:00:00Z"},
		{"2026-11-10T10:00:00Z", "2026-11-10T17:00:00Z"},
		{"2026-11-11T21:55:00Z", "2026-11-12T06:02:00Z"},
		{"2026-11-13T13:00:00Z", "2026-11-13T17:00:00Z"},
		{"2026-11-16T08:00:00Z", "2026-11-16T12:00:00Z"},
		{"2026-11-16T13:00:00Z", "2026-11-16T17:00:00Z"},
	} {
		ev := record("entry", s[0])
		if s[0] == "2026-11-04T08:20:00Z" {
			m.late = ev
		}
		record("exit", s[1])
	}
	wrong := record("entry", "2026-11-18T08:00:00Z")
	mgr.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", wrong.ID), map[string]string{"note": "not her"}).Want(200)
	record("entry", "2026-11-19T08:00:00Z")
	record("exit", "2026-11-19T16:00:00Z")
	record("entry", "2026-11-17T08:00:00Z") // an entry before a later date's entry: the 17th's open session
	return m
}

// TestAttendanceDays: the day-by-day view of a hand-made month, each date's
// status as the server decides it, and the overview's counts of the same
// range are those of the statuses.
func TestAttendanceDays(t *testing.T) {
	t.Parallel()
	m := newDaysMonth(t)
	id := m.emp.ID()
	var page daysPage
	m.mgr.Do("GET", fmt.Sprintf("/api/attendance/days/?employee_id=%d&from=2026-11-01&to=2026-11-30", id), nil).Want(200).JSON(&page)
	if page.Count != 30 || len(page.Results) != 30 || page.Today != attendance.MustParseDate("2026-11-20") || page.Timezone != "UTC" ||
		page.EmployeeID != id || page.Next != nil {
		t.Fatalf("page: count %d, %d rows, today %s, zone %q, employee %d, next %v; want 30, 30, 2026-11-20, UTC, %d, none",
			page.Count, len(page.Results), page.Today, page.Timezone, page.EmployeeID, page.Next, id)
	}
	rows := map[string]attendance.DayRow{}
	for i, r := range page.Results {
		if want := attendance.MustParseDate("2026-11-01").AddDays(i); r.Date != want {
			t.Fatalf("row %d is %s, want %s: one row a date, in order", i, r.Date, want)
		}
		rows[r.Date.String()[8:]] = r
	}
	for _, tt := range []struct {
		day          string
		want         attendance.DayStatus
		working      bool
		late, worked int // minutes
		open         int
		sessions     int
	}{
		{"01", attendance.DayNotEmployed, false, 0, 0, 0, 0},
		{"02", attendance.DayNotEmployed, true, 0, 0, 0, 0},
		{"03", attendance.DayWorked, true, 0, 9*60 + 5, 0, 1},
		{"04", attendance.DayLate, true, 20, 8*60 + 40, 0, 1},
		{"05", attendance.DayAbsent, true, 0, 0, 0, 0},
		{"06", attendance.DayOnLeave, true, 0, 0, 0, 0},
		{"07", attendance.DayOff, false, 0, 0, 0, 0},
		{"08", attendance.DayOff, false, 0, 0, 0, 0},
		{"09", attendance.DayHoliday, false, 0, 0, 0, 0},
		{"10", attendance.DayWorked, true, 0, 7 * 60, 0, 1},
		{"11", attendance.DayWorked, true, 0, 8*60 + 7, 0, 1},
		{"12", attendance.DayAbsent, true, 0, 0, 0, 0},
		{"13", attendance.DayWorked, true, 0, 4 * 60, 0, 1},
		{"16", attendance.DayWorked, true, 0, 8 * 60, 0, 2},
		{"17", attendance.DayWorked, true, 0, 0, 1, 1},
		{"18", attendance.DayOnLeave, true, 0, 0, 0, 0},
		{"19", attendance.DayWorked, true, 0, 8 * 60, 0, 1},
		{"20", attendance.DayToday, true, 0, 0, 0, 0},
		{"21", attendance.DayOff, false, 0, 0, 0, 0},
		{"23", attendance.DayFuture, true, 0, 0, 0, 0},
		{"30", attendance.DayFuture, true, 0, 0, 0, 0},
	} {
		r := rows[tt.day]
		if r.Status != tt.want || r.WorkingDay != tt.working || r.LateMinutes != tt.late || r.WorkedSeconds != int64(tt.worked)*60 ||
			r.OpenSessions != tt.open || len(r.Sessions) != tt.sessions {
			t.Errorf("November %s: %s, working %v, %d min late, %d s worked, %d open, %d sessions; want %s, %v, %d, %d, %d, %d",
				tt.day, r.Status, r.WorkingDay, r.LateMinutes, r.WorkedSeconds, r.OpenSessions, len(r.Sessions),
				tt.want, tt.working, tt.late, tt.worked*60, tt.open, tt.sessions)
		}
	}

	// The holiday, the leave and the shifts as the rows say them.
	if h := rows["09"].Holiday; h == nil || *h != "Founders' Day" {
		t.Errorf("the 9th's holiday = %v, want Founders' Day", h)
	}
	for day, want := range map[string]attendance.DayRowLeave{
		"06": {Type: attendance.LeaveAnnual, Share: 1},
		"10": {Type: attendance.LeaveSick, Share: 2.0 / 9, Minutes: 120},
		"13": {Type: attendance.LeaveAnnual, Share: 0.5},
		"18": {Type: attendance.LeaveSick, Share: 0.5},
	} {
		if got := rows[day].Leave; got == nil || *got != want {
			t.Errorf("the %sth's leave = %+v, want %+v", day, got, want)
		}
	}
	if rows["05"].Leave != nil || rows["09"].Leave != nil {
		t.Errorf("leave on dates without any: %+v, %+v", rows["05"].Leave, rows["09"].Leave)
	}
	shift := func(r attendance.DayRow) string {
		if r.ShiftStart == nil || r.ShiftEnd == nil {
			return "none"
		}
		return r.ShiftStart.String() + "–" + r.ShiftEnd.String()
	}
	for day, want := range map[string]string{"03": "08:00–17:00", "11": "22:00–06:00", "09": "none", "07": "none"} {
		if got := shift(rows[day]); got != want {
			t.Errorf("the %sth's shift = %s, want %s", day, got, want)
		}
	}
	// The night's session crosses midnight and belongs to the 11th.
	night := rows["11"].Sessions[0]
	if !night.Entry.Equal(time.Date(2026, 11, 11, 21, 55, 0, 0, time.UTC)) || night.Exit == nil ||
		!night.Exit.Equal(time.Date(2026, 11, 12, 6, 2, 0, 0, time.UTC)) || night.Seconds != (8*60+7)*60 {
		t.Errorf("the night's session = %+v, want 21:55 to 06:02 the next day, 8 h 07 min", night)
	}
	if s := rows["17"].Sessions[0]; s.Exit != nil || s.ExitID != nil || s.Seconds != 0 {
		t.Errorf("the open session = %+v, want no exit", s)
	}
	if s := rows["04"].Sessions[0]; s.EntryID != m.late.ID {
		t.Errorf("the 4th's session starts with event %d, want the late entry %d", s.EntryID, m.late.ID)
	}
	if s := rows["16"].Sessions; len(s) == 2 && !s[0].Entry.Before(s[1].Entry) {
		t.Errorf("the 16th's sessions are not in time order: %+v", s)
	}

	// The overview of the same range counts what the statuses say.
	var ov struct {
		Results []attendance.OverviewRow `json:"results"`
	}
	m.mgr.Do("GET", fmt.Sprintf("/api/attendance/overview/?employee_id=%d&from=2026-11-01&to=2026-11-30", id), nil).Want(200).JSON(&ov)
	if len(ov.Results) != 1 {
		t.Fatalf("overview: %d rows, want 1", len(ov.Results))
	}
	want := ov.Results[0].OverviewTotals
	got := daysTotals(page.Results)
	if math.Abs(got.LeaveDays-want.LeaveDays) < 1e-9 {
		got.LeaveDays = want.LeaveDays // summed in another order
	}
	if got != want {
		t.Errorf("the rows add up to %+v; the overview says %+v", got, want)
	}
	if want.AbsentDays != 2 || want.DaysPresent != 8 || want.LateEntries != 1 || want.OpenSessions != 1 {
		t.Errorf("overview %+v, want 2 absent, 8 present, 1 late, 1 open", want)
	}

	// The employee reads their own month, by default the company's current one.
	var own daysPage
	m.emp.Do("GET", "/api/attendance/days/", nil).Want(200).JSON(&own)
	if own.From != attendance.MustParseDate("2026-11-01") || own.To != attendance.MustParseDate("2026-11-30") || own.Count != 30 ||
		len(own.Results) != 30 || own.EmployeeID != id {
		t.Errorf("own default: %s to %s, count %d, %d rows, employee %d; want November, 30 rows of %d",
			own.From, own.To, own.Count, len(own.Results), own.EmployeeID, id)
	}
	// A page of it, and one end alone gives its month's other end.
	var p daysPage
	m.emp.Do("GET", "/api/attendance/days/?from=2026-10-20&limit=5&offset=10", nil).Want(200).JSON(&p)
	if p.From != attendance.MustParseDate("2026-10-20") || p.To != attendance.MustParseDate("2026-10-31") || p.Count != 12 ||
		len(p.Results) != 2 || p.Results[0].Date != attendance.MustParseDate("2026-10-30") {
		t.Errorf("from alone, a page: %s to %s, count %d, %d rows; want 2026-10-20 to 2026-10-31, 12, 2 from the 30th", p.From, p.To, p.Count, len(p.Results))
	}
}

// daysTotals adds up rows as the overview counts them.
func daysTotals(rows []attendance.DayRow) attendance.OverviewTotals {
	var t attendance.OverviewTotals
	for _, r := range rows {
		switch r.Status {
		case attendance.DayLate:
			t.LateEntries++
			t.DaysPresent++
		case attendance.DayWorked:
			t.DaysPresent++
		case attendance.DayAbsent:
			t.AbsentDays++
		}
		t.LateMinutes += r.LateMinutes
		t.WorkedSeconds += r.WorkedSeconds
		t.OpenSessions += r.OpenSessions
		if r.Leave != nil {
			t.LeaveDays += r.Leave.Share
		}
	}
	t.WorkedHours = attendance.Hours(t.WorkedSeconds)
	return t
}

// TestAttendanceDaysInput: who may read whose days, and bad input answered
// with a problem, never a 5xx.
func TestAttendanceDaysInput(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	mgr := app.Admin.NewUser("di-mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("di-emp", nil)
	peer := mgr.NewUser("di-peer", nil)
	other := app.Admin.NewUser("di-other", map[string]any{"role": "manager"})
	path := func(q string) string { return "/api/attendance/days/?" + q }
	own := fmt.Sprintf("employee_id=%d", emp.ID())

	emp.Do("GET", path(own), nil).Want(200)
	mgr.Do("GET", path(own), nil).Want(200)
	app.Admin.Do("GET", path(own), nil).Want(200)
	peer.Do("GET", path(own), nil).WantProblem(404, "not_found")
	other.Do("GET", path(own), nil).WantProblem(404, "not_found")
	app.Anon().Do("GET", path(own), nil).WantProblem(401, "")
	app.Admin.Do("GET", path("employee_id=987654"), nil).WantProblem(404, "not_found")

	for _, tt := range []struct {
		query, code, location string
	}{
		{"from=2026-02-30&to=2026-03-01", "invalid", "query.from"},
		{"from=yesterday", "invalid", "query.from"},
		{"to=2026-13-01", "invalid", "query.to"},
		{"from=2026-11-10&to=2026-11-09", "invalid", "query.to"},
		{"from=2026-01-01&to=2026-03-04", "range_too_long", "query.to"},
		{"from=0001-01-01&to=0001-01-02", "invalid", "query.from"},
	} {
		p := emp.Do("GET", path(tt.query), nil).WantProblem(422, tt.code)
		if len(p.Errors) == 0 || p.Errors[0].Location != tt.location {
			t.Errorf("%s: errors %+v, want one at %s", tt.query, p.Errors, tt.location)
		}
	}
	// 62 dates are allowed.
	var p daysPage
	emp.Do("GET", path("from=2026-01-01&to=2026-03-03&limit=500"), nil).Want(200).JSON(&p)
	if p.Count != 62 || len(p.Results) != 62 {
		t.Errorf("62 dates: count %d, %d rows", p.Count, len(p.Results))
	}
	for _, q := range []string{"employee_id=abc", "employee_id=0", "employee_id=-3", "limit=0", "offset=-1"} {
		if r := emp.Do("GET", path(q), nil); r.Status < 400 || r.Status >= 500 {
			t.Errorf("%s: status %d, want 4xx", q, r.Status)
		} else {
			r.Problem()
		}
	}
}
