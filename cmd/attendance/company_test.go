package main

import (
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
)

// TestCompany: GET /api/company/ says what the company's settings are, to
// every signed-in user; its defaults are what a new employee gets.
func TestCompany(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 14:00"), withConfig(func(c *Config) {
		c.Timezone, c.LowLeaveThreshold, c.LatePenaltyMinutes = "Pacific/Auckland", 2.5, 480
	}))
	mgr := app.Admin.NewUser("mgr", map[string]any{"role": "manager"})
	emp := mgr.NewUser("emp", map[string]any{})

	type company struct {
		attendance.Company
		EmployeeDefaults map[string]any `json:"employee_defaults"`
	}
	var got company
	for _, c := range []*client{emp, mgr, app.Admin} {
		c.Do("GET", "/api/company/", nil).Want(200).JSON(&got)
		// 14:00 UTC is 02:00 the next day in Auckland.
		if got.Timezone != "Pacific/Auckland" || got.Today.String() != "2026-06-02" {
			t.Errorf("%s: timezone %q, today %s; want Pacific/Auckland, 2026-06-02", c.Me.Username, got.Timezone, got.Today)
		}
		if got.LowLeaveThreshold != 2.5 || got.LatePenaltyMinutes != 480 {
			t.Errorf("%s: low_leave_threshold %v, late_penalty_minutes %d; want 2.5, 480", c.Me.Username, got.LowLeaveThreshold, got.LatePenaltyMinutes)
		}
		if got.PasswordRule.MinLength != attendance.MinPasswordLength || !got.PasswordRule.NotUsername || got.PasswordRule.Text == "" ||
			got.UsernameRule.MinLength != 3 || got.UsernameRule.MaxLength != 150 || got.UsernameRule.Text == "" {
			t.Errorf("%s: password_rule %+v, username_rule %+v", c.Me.Username, got.PasswordRule, got.UsernameRule)
		}
	}
	// The defaults are those of an employee created with none of the fields.
	var made map[string]any
	mgr.Do("POST", "/api/employees/", map[string]any{"username": "fresh", "password": testPassword}).Want(201).JSON(&made)
	if len(got.EmployeeDefaults) != 7 {
		t.Errorf("employee_defaults has %d fields, want 7: %v", len(got.EmployeeDefaults), got.EmployeeDefaults)
	}
	for k, v := range got.EmployeeDefaults {
		if w, ok := made[k]; !ok || fmt.Sprint(v) != fmt.Sprint(w) {
			t.Errorf("employee_defaults.%s = %v, but a new employee gets %v", k, v, w)
		}
	}
	app.Anon().Do("GET", "/api/company/", nil).WantProblem(401, "")
}
