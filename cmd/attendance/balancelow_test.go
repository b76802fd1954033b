package main

import (
	"fmt"
	"testing"
)

// TestBalanceLow: a balance says whether remaining annual leave is at or
// below the company's threshold (ATTENDANCE_LOW_LEAVE_THRESHOLD, 3 in the
// tests), the rule of the low_leave_balance notification; other types never are.
func TestBalanceLow(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 08:00"))
	mgr := app.Admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	emp := mgr.NewUser("emp", staff("UTC", "08:00", 0, "2026-01-01", "annual_leave_days", 5))
	type balance struct {
		Remaining *float64 `json:"remaining"`
		Low       *bool    `json:"low"`
	}
	check := func(when string, c *client, query string, remaining float64, low bool) {
		t.Helper()
		var b balance
		c.Do("GET", "/api/leaves/balance/"+query, nil).Want(200).JSON(&b)
		if b.Low == nil || *b.Low != low || b.Remaining == nil || *b.Remaining != remaining {
			t.Errorf("%s: remaining %v, low %v; want %v, %v", when, b.Remaining, b.Low, remaining, low)
		}
	}
	check("5 days left", emp, "", 5, false)
	r := emp.requestLeave("annual", "2026-06-08", "2026-06-08")
	check("4 days left, one of them pending", emp, "", 4, false)
	mgr.approve(r.ID)
	r = emp.requestLeave("annual", "2026-06-09", "2026-06-09")
	check("3 days left: at the threshold", emp, "", 3, true)
	check("the manager reads it too", mgr, fmt.Sprintf("?employee_id=%d", emp.ID()), 3, true)
	emp.cancel(r.ID).Want(200)
	check("4 again", emp, "", 4, false)

	var sick struct {
		Low *bool `json:"low"`
	}
	emp.Do("GET", "/api/leaves/balance/?leave_type=sick", nil).Want(200).JSON(&sick)
	if sick.Low == nil || *sick.Low {
		t.Errorf("sick leave: low %v, want false", sick.Low)
	}
	var all struct {
		Results []struct {
			LeaveType string `json:"leave_type"`
			Low       bool   `json:"low"`
		} `json:"results"`
	}
	emp.Do("GET", "/api/leaves/balances/", nil).Want(200).JSON(&all)
	for _, b := range all.Results {
		if b.Low {
			t.Errorf("balances: %s is low, want none (4 days of annual leave left)", b.LeaveType)
		}
	}
}
