package main

import (
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
)

// TestOvertimeConversion: a manager converts a report's daily overtime into
// time off in lieu, credited to the leave type's balance exactly; never more
// than the range's overtime, a range once, and never by the wrong person.
func TestOvertimeConversion(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 05:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock, admin := tm.mgr, tm.emp, tm.clock, tm.app.Admin
	admin.Do("POST", "/api/leaves/types/", map[string]any{"code": "toil", "name": "Time off in lieu", "accrual": "none", "allowance": 0}).Want(201)
	// Monday 08:00–19:00 and Tuesday 08:00–18:00 on a 08:00–17:00 shift:
	// 120 and 60 minutes of daily overtime.
	for _, s := range [][2]string{{"2026-06-01 08:00", "2026-06-01 19:00"}, {"2026-06-02 08:00", "2026-06-02 18:00"}} {
		clock.Set(utc(s[0]))
		emp.clock("entry")
		clock.Set(utc(s[1]))
		emp.clock("exit")
	}
	clock.Set(utc("2026-06-03 12:00"))
	body := func(minutes int, from, to, typ string) map[string]any {
		return map[string]any{"employee_id": emp.ID(), "from": from, "to": to, "minutes": minutes, "leave_type": typ, "comment": "the release week"}
	}
	const path = "/api/overtime/conversions/"

	p := mgr.Do("POST", path, body(181, "2026-06-01", "2026-06-02", "toil")).WantProblem(422, "insufficient_overtime")
	wantFieldError(t, p, "body.minutes")
	wantFieldError(t, mgr.Do("POST", path, body(60, "2026-06-01", "2026-06-02", "sick")).WantProblem(422, ""), "body.leave_type")
	wantFieldError(t, mgr.Do("POST", path, body(60, "2026-06-01", "2026-06-04", "toil")).WantProblem(422, ""), "body.to")
	emp.Do("POST", path, body(60, "2026-06-01", "2026-06-02", "toil")).WantProblem(403, "")
	tm.otherMgr.Do("POST", path, body(60, "2026-06-01", "2026-06-02", "toil")).WantProblem(404, "")
	own := body(60, "2026-06-01", "2026-06-02", "toil")
	own["employee_id"] = mgr.ID()
	mgr.Do("POST", path, own).WantProblem(403, "own_request")

	var c attendance.OvertimeConversion
	mgr.Do("POST", path, body(150, "2026-06-01", "2026-06-02", "toil")).Want(201).JSON(&c)
	if c.Minutes != 150 || c.DayMinutes != 540 || c.OvertimeMinutes != 180 || c.AmountExact != "5/18" || c.LedgerEntryID == 0 || c.CreatedBy != mgr.ID() {
		t.Fatalf("conversion = %+v, want 150 of 180 minutes, 5/18 of a 540-minute day", c)
	}
	var b map[string]any
	emp.Do("GET", "/api/leaves/balance/?leave_type=toil&year=2026", nil).Want(200).JSON(&b)
	if b["remaining_exact"] != "5/18" || b["earned"] != 0.28 {
		t.Errorf("the toil balance = %v, want 5/18 remaining, earned", b)
	}
	var entries list[map[string]any]
	emp.Do("GET", "/api/leaves/ledger/?leave_type=toil&year=2026", nil).Want(200).JSON(&entries)
	if entries.Count != 1 || entries.Results[0]["kind"] != "overtime" || entries.Results[0]["amount_exact"] != "5/18" {
		t.Errorf("the toil ledger = %+v, want one overtime entry of 5/18", entries.Results)
	}
	// A range is converted once: the rest of its overtime stays overtime.
	mgr.Do("POST", path, body(30, "2026-06-02", "2026-06-02", "toil")).WantProblem(409, "already_converted")

	for _, c := range []struct {
		who  *client
		q    string
		want int
	}{
		{emp, "", 1}, {mgr, fmt.Sprintf("?employee_id=%d", emp.ID()), 1}, {tm.otherMgr, fmt.Sprintf("?employee_id=%d", emp.ID()), 0}, {tm.stray, "", 0},
	} {
		var l list[attendance.OvertimeConversion]
		c.who.Do("GET", path+c.q, nil).Want(200).JSON(&l)
		if l.Count != c.want {
			t.Errorf("GET %s as %s: %d conversions, want %d", path+c.q, c.who.Me.Username, l.Count, c.want)
		}
	}
}
