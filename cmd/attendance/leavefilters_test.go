package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestLeaveOverviewFilters: GET /api/leaves/overview/ filters by leave type
// and by several people at once (a repeated ?employee_id=); ids outside the
// caller's scope match nothing, as a single one always did, and say nothing
// about their people.
func TestLeaveOverviewFilters(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-01 08:00"))
	admin := app.Admin
	mgr := admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	erin := mgr.NewUser("erin", staff("UTC", "08:00", 0, "2026-01-01"))
	sam := mgr.NewUser("sam", staff("UTC", "08:00", 0, "2026-01-01"))
	kim := mgr.NewUser("kim", staff("UTC", "08:00", 0, "2026-01-01"))
	mgr2 := admin.NewUser("mgr2", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	stray := mgr2.NewUser("stray", staff("UTC", "08:00", 0, "2026-01-01", "first_name", "Strayna", "last_name", "Outwith"))

	r1 := erin.requestLeave("annual", "2026-06-08", "2026-06-10")
	clock.Add(time.Minute)
	r2 := erin.requestLeave("sick", "2026-07-01", "2026-07-01")
	clock.Add(time.Minute)
	r3 := sam.requestLeave("unpaid", "2026-06-09", "2026-06-12")
	clock.Add(time.Minute)
	r4 := kim.requestLeave("sick", "2026-06-15", "2026-06-15")
	clock.Add(time.Minute)
	stray.requestLeave("sick", "2026-06-09", "2026-06-09")

	id := func(c *client) string { return fmt.Sprint(c.ID()) }
	for _, c := range []struct {
		query string
		want  []leave
	}{
		{"?leave_type=sick", []leave{r4, r2}},
		{"?leave_type=annual", []leave{r1}},
		{"?leave_type=unpaid&from=2026-06-01&to=2026-06-30", []leave{r3}},
		{"?employee_id=" + id(erin) + "&employee_id=" + id(sam), []leave{r3, r2, r1}},
		{"?employee_id=" + id(sam) + "&employee_id=" + id(kim) + "&leave_type=sick", []leave{r4}},
		{"?employee_id=" + id(erin) + "&employee_id=" + id(erin), []leave{r2, r1}},
		// Someone else's people are filtered out, not refused.
		{"?employee_id=" + id(kim) + "&employee_id=" + id(stray), []leave{r4}},
		{"?employee_id=" + id(stray), nil},
		{"?employee_id=999999&employee_id=" + id(sam), []leave{r3}},
		{"?leave_type=no_such_type", nil},
	} {
		res := mgr.Do("GET", "/api/leaves/overview/"+c.query, nil).Want(200)
		var l list[attendance.LeaveRequestView]
		res.JSON(&l)
		got := leaveIDs(l.Results, func(v attendance.LeaveRequestView) int64 { return v.ID })
		if l.Count != len(c.want) || fmt.Sprint(got) != fmt.Sprint(ids(c.want...)) {
			t.Errorf("%s: %d %v, want %v", c.query, l.Count, got, ids(c.want...))
		}
		if strings.Contains(string(res.Body), "Strayna") || strings.Contains(string(res.Body), "Outwith") {
			t.Errorf("%s: the answer names someone outside the scope: %s", c.query, res.Body)
		}
	}
	// The admin sees everyone's, the other manager only theirs.
	var l list[attendance.LeaveRequestView]
	mgr2.Do("GET", "/api/leaves/overview/?employee_id="+id(erin)+"&employee_id="+id(stray), nil).Want(200).JSON(&l)
	if l.Count != 1 || l.Results[0].EmployeeID != stray.ID() {
		t.Errorf("the other manager, erin and stray: %+v, want stray's request only", l.Results)
	}

	// Bad input is 422 with the parameter named.
	for _, q := range []string{"?employee_id=0", "?employee_id=-3", "?employee_id=abc", "?employee_id=1&employee_id=x"} {
		p := mgr.Do("GET", "/api/leaves/overview/"+q, nil).WantProblem(422, "")
		if len(p.Errors) == 0 || !strings.HasPrefix(p.Errors[0].Location, "query.employee_id") {
			t.Errorf("%s: errors %+v, want query.employee_id", q, p.Errors)
		}
	}
	many := strings.Repeat("&employee_id=1", 501)
	mgr.Do("GET", "/api/leaves/overview/?"+many[1:], nil).WantProblem(422, "")
	erin.Do("GET", "/api/leaves/overview/?employee_id="+id(erin), nil).WantProblem(403, "forbidden")
}
