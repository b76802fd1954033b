package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// leaveActions are the caller's permissions on a request as the server says them.
type leaveActions struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	CanCancel *bool  `json:"can_cancel"`
	CanDecide *bool  `json:"can_decide"`
}

// TestLeaveActions: can_cancel and can_decide on every answer that lists or
// returns a request say what the cancel and decide endpoints then do.
func TestLeaveActions(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) // a Monday
	app := mustStart(t, withClock(clock), withConfig(func(c *Config) { c.AccessTTL = 30 * 24 * time.Hour; c.RefreshTTL = 60 * 24 * time.Hour }))
	mgr := app.Admin.NewUser("la-mgr", map[string]any{"role": "manager"})
	other := app.Admin.NewUser("la-other", map[string]any{"role": "manager"})
	emp := mgr.NewUser("la-emp", nil)
	peer := mgr.NewUser("la-peer", nil)

	var r leaveActions
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-10", "end_date": "2026-11-10"}).Want(201).JSON(&r)
	var own leaveActions
	mgr.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-11-11", "end_date": "2026-11-11"}).Want(201).JSON(&own)

	check := func(who string, got leaveActions, cancel, decide bool) {
		t.Helper()
		if got.CanCancel == nil || got.CanDecide == nil {
			t.Fatalf("%s: can_cancel %v, can_decide %v: want both", who, got.CanCancel, got.CanDecide)
		}
		if *got.CanCancel != cancel || *got.CanDecide != decide {
			t.Errorf("%s: can_cancel %v, can_decide %v; want %v, %v", who, *got.CanCancel, *got.CanDecide, cancel, decide)
		}
	}
	find := func(c *client, path string, id int64) leaveActions {
		t.Helper()
		var page struct{ Results []leaveActions }
		c.Do("GET", path, nil).Want(200).JSON(&page)
		for _, x := range page.Results {
			if x.ID == id {
				return x
			}
		}
		t.Fatalf("%s: request %d not listed", path, id)
		return leaveActions{}
	}
	one := func(c *client, id int64) leaveActions {
		t.Helper()
		var x leaveActions
		c.Do("GET", fmt.Sprintf("/api/leaves/%d/", id), nil).Want(200).JSON(&x)
		return x
	}

	check("the new request, to its requester", r, true, false)
	check("the requester's list", find(emp, "/api/leaves/", r.ID), true, false)
	check("the requester's own read", one(emp, r.ID), true, false)
	check("the manager's overview", find(mgr, "/api/leaves/overview/?limit=500", r.ID), false, true)
	check("the manager's to-decide", find(mgr, "/api/leaves/to-decide/?limit=500", r.ID), false, true)
	check("the manager's read", one(mgr, r.ID), false, true)
	check("the admin's overview", find(app.Admin, "/api/leaves/overview/?limit=500", r.ID), false, true)
	check("the manager's own request in their overview", find(mgr, "/api/leaves/overview/?limit=500", own.ID), true, false)
	check("the manager's own request, to the admin", one(app.Admin, own.ID), false, true)
	// Those who may not see it learn nothing.
	peer.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).WantProblem(404, "not_found")
	other.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).WantProblem(404, "not_found")
	// What it said holds: the manager may not decide their own, and decides the report's.
	mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", own.ID), map[string]string{"action": "approve"}).WantProblem(403, "own_request")
	var decided leaveActions
	mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), map[string]string{"action": "approve"}).Want(200).JSON(&decided)
	check("the decision's answer", decided, false, false)
	check("the approved request, not started, to its requester", find(emp, "/api/leaves/", r.ID), true, false)
	check("the approved request, to the manager", one(mgr, r.ID), false, false)

	// Once it has started, the requester may no longer cancel it, and the
	// cancel endpoint agrees.
	clock.Set(time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC))
	check("the started leave, to its requester", find(emp, "/api/leaves/", r.ID), false, false)
	emp.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", r.ID), nil).WantProblem(409, "already_started")
	var cancelled leaveActions
	mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", own.ID), nil).Want(200).JSON(&cancelled)
	check("the cancel's answer", cancelled, false, false)
	if cancelled.Status != string(attendance.LeaveCancelled) {
		t.Errorf("cancelled status = %q", cancelled.Status)
	}
}
