package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestEmployeeCan: an employee's read lists what the reader may do for that
// person (`can`), and the server agrees: what is listed is not refused
// (403), what is left out is.
func TestEmployeeCan(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-03 12:00"))
	admin := app.Admin
	mgr := admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	emp := mgr.NewUser("emp", staff("UTC", "08:00", 0, "2026-01-01"))
	peer := mgr.NewUser("peer", staff("UTC", "08:00", 0, "2026-01-01"))
	lineAdmin := admin.NewUser("line_admin", staff("UTC", "08:00", 0, "2026-01-01", "role", "admin", "manager_id", mgr.ID()))
	other := admin.NewUser("other_mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))

	canOf := func(reader, target *client, status int) []string {
		t.Helper()
		var e struct {
			ID  int64    `json:"id"`
			Can []string `json:"can"`
		}
		res := reader.Do("GET", fmt.Sprintf("/api/employees/%d/", target.ID()), nil).Want(status)
		if status != 200 {
			return nil
		}
		res.JSON(&e)
		if e.Can == nil {
			t.Errorf("%s reads %s: no can", reader.Me.Username, target.Me.Username)
		}
		return e.Can
	}
	n := 0
	for _, c := range []struct {
		reader, target *client
		status         int // of the read
	}{
		{emp, emp, 200}, {peer, emp, 404}, {mgr, emp, 200}, {other, emp, 404}, {admin, emp, 200},
		{mgr, mgr, 200}, {admin, admin, 200}, {mgr, lineAdmin, 200}, {admin, mgr, 200},
	} {
		who := c.reader.Me.Username + " on " + c.target.Me.Username
		can := canOf(c.reader, c.target, c.status)
		if c.status != 200 {
			continue
		}
		refused := func(op string, status int) {
			t.Helper()
			if listed := slices.Contains(can, op); listed == (status == 403) {
				t.Errorf("%s: %s listed %v, but the server answers %d", who, op, listed, status)
			}
		}
		// Record on their behalf (an entry, then its exit to keep the sequence).
		clock.Add(time.Minute)
		res := c.reader.Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": c.target.ID(),
			"timestamp": clock.Now().Add(-30 * time.Second), "note": "can"})
		refused("record-event", res.Status)
		if res.Status == 201 {
			var ev event
			res.JSON(&ev)
			refused("void-event", c.reader.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", ev.ID), map[string]string{"note": "can"}).Status)
		}
		// Convert overtime: nobody has any, so allowed is 422, not 403.
		refused("convert-overtime", c.reader.Do("POST", "/api/overtime/conversions/", map[string]any{"employee_id": c.target.ID(),
			"from": "2026-06-01", "to": "2026-06-02", "minutes": 60, "leave_type": "annual"}).Status)
		// Make them an admin, and back.
		res = c.reader.Do("PATCH", fmt.Sprintf("/api/employees/%d/", c.target.ID()), map[string]any{"role": "admin"})
		if c.target.Me.Role == attendance.RoleAdmin {
			// Already one: the role does not change.
			if slices.Contains(can, attendance.CanAssignAdmin) && res.Status == 403 {
				t.Errorf("%s: assign-admin-role listed, but the server answers 403", who)
			}
		} else {
			refused(attendance.CanAssignAdmin, res.Status)
			if res.Status == 200 {
				c.reader.Do("PATCH", fmt.Sprintf("/api/employees/%d/", c.target.ID()), map[string]any{"role": c.target.Me.Role}).Want(200)
			}
		}
		refused("update-employee", c.reader.Do("PATCH", fmt.Sprintf("/api/employees/%d/", c.target.ID()), map[string]any{"first_name": "Can"}).Status)
		n++
	}
	if n != 7 {
		t.Errorf("%d readers read, want 7", n)
	}
	// What it lists, for the pairs the page cares about.
	for _, c := range []struct {
		reader, target *client
		want           string
	}{
		{emp, emp, "[]"},
		{mgr, emp, "[convert-overtime deactivate-employee record-event replace-employee update-employee void-event]"},
		{mgr, mgr, "[replace-employee update-employee]"},
		{mgr, lineAdmin, "[]"},
		{admin, emp, "[assign-admin-role convert-overtime deactivate-employee record-event replace-employee update-employee void-event]"},
	} {
		if got := fmt.Sprint(canOf(c.reader, c.target, 200)); got != c.want {
			t.Errorf("%s on %s: can %s, want %s", c.reader.Me.Username, c.target.Me.Username, got, c.want)
		}
	}
}
