package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestEventNames: an event names who recorded it and who voided it
// (recorded_by_name, voided_by_name), also when that person is outside the
// reader's scope, and says nothing else about them.
func TestEventNames(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 05:00"), staff("UTC", "08:00", 0, "2026-01-01", "first_name", "Erik", "last_name", "Berg"))
	mgr, emp, clock, admin := tm.mgr, tm.emp, tm.clock, tm.app.Admin
	admin.Do("PATCH", "/api/users/me/", map[string]string{"first_name": "Ada", "last_name": "Quorn-Canary"}).Want(200)
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", mgr.ID()), map[string]string{"first_name": "Maria", "last_name": "Santos"}).Want(200)

	clock.Set(utc("2026-06-01 08:00"))
	own := emp.clock("entry")
	if own.RecordedByName == nil || *own.RecordedByName != "Erik Berg" || own.VoidedByName != nil {
		t.Errorf("own entry: recorded_by_name %v, voided_by_name %v; want Erik Berg, null", own.RecordedByName, own.VoidedByName)
	}
	clock.Set(utc("2026-06-01 18:00"))
	var byAdmin event
	admin.Do("POST", "/api/attendance/", map[string]any{"type": "exit", "employee_id": emp.ID(),
		"timestamp": utc("2026-06-01 17:00"), "note": "forgot"}).Want(201).JSON(&byAdmin)
	if byAdmin.RecordedByName == nil || *byAdmin.RecordedByName != "Ada Quorn-Canary" {
		t.Errorf("admin's exit: recorded_by_name %v, want Ada Quorn-Canary", byAdmin.RecordedByName)
	}
	var voided event
	mgr.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", own.ID), map[string]string{"note": "wrong button"}).Want(200).JSON(&voided)
	if voided.VoidedByName == nil || *voided.VoidedByName != "Maria Santos" || voided.RecordedByName == nil || *voided.RecordedByName != "Erik Berg" {
		t.Errorf("voided: recorded_by_name %v, voided_by_name %v; want Erik Berg, Maria Santos", voided.RecordedByName, voided.VoidedByName)
	}

	// The manager reads the admin's name (the admin is outside their
	// scope), the employee their manager's and the admin's.
	for _, c := range []struct {
		who   string
		by    *client
		query string
	}{
		{"the manager", mgr, fmt.Sprintf("?employee_id=%d", emp.ID())},
		{"the employee", emp, ""},
	} {
		res := c.by.Do("GET", "/api/attendance/"+c.query, nil).Want(200)
		var l list[event]
		res.JSON(&l)
		got := map[int64]event{}
		for _, e := range l.Results {
			got[e.ID] = e
		}
		if e := got[byAdmin.ID]; e.RecordedByName == nil || *e.RecordedByName != "Ada Quorn-Canary" || e.VoidedByName != nil {
			t.Errorf("%s reads the admin's exit: recorded_by_name %v, voided_by_name %v", c.who, e.RecordedByName, e.VoidedByName)
		}
		if e := got[own.ID]; e.VoidedByName == nil || *e.VoidedByName != "Maria Santos" || e.RecordedByName == nil || *e.RecordedByName != "Erik Berg" {
			t.Errorf("%s reads the voided entry: recorded_by_name %v, voided_by_name %v", c.who, e.RecordedByName, e.VoidedByName)
		}
		// A name, nothing else: not the admin's username.
		if strings.Contains(string(res.Body), `"admin"`) {
			t.Errorf("%s's log shows the admin's username: %s", c.who, res.Body)
		}
	}
}
