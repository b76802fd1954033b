package main

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

// TestShiftFortnightHTTP is the hand-computed fortnight of the root
// package's TestShiftFortnight (fortnight_test.go, where the table of its
// figures is), lived through the API: Noor in Berlin on a two-week rotation
// of nights and early shifts under Germany's break rule, an extra night
// rostered across the autumn clock change, a day off on the roster, a
// forgotten exit left open, and a forgotten exit closed by a correction
// request she asks for and her manager approves. The overview and its CSV
// must give the figures computed by hand.
//
// One thing differs from the table, because the API keeps the contract's
// sequence: Thursday 29's entry, whose exit was never recorded, could not
// stand before Friday's entry if Friday's came second (already_clocked_in).
// Noor clocks in on Friday; her manager records Thursday's entry afterwards
// from the gate's log, which the sequence allows (an entry before an entry of
// a later date). The figures are the same.
func TestShiftFortnightHTTP(t *testing.T) {
	t.Parallel()
	const berlin = "Europe/Berlin"
	tm := newTeam(t, local(berlin, "2026-10-12 09:00"), staff(berlin, "06:00", 5, "2026-01-01"))
	admin, mgr, noor, clock := tm.app.Admin, tm.mgr, tm.emp, tm.clock

	admin.Do("PUT", "/api/settings/worktime/", map[string]any{"break_rule": attendance.GermanBreakRule, "review_after_minutes": 240,
		"auto_close": false}).Want(200)
	var night, early attendance.Shift
	admin.Do("POST", "/api/shifts/", map[string]any{"name": "Night", "start": "22:00", "end": "06:00", "grace_minutes": 10,
		"break_minutes": 30}).Want(201).JSON(&night)
	admin.Do("POST", "/api/shifts/", map[string]any{"name": "Early", "start": "06:00", "end": "14:00", "grace_minutes": 5,
		"break_minutes": 30}).Want(201).JSON(&early)
	week := func(id int64) map[string]any {
		return map[string]any{"mon": id, "tue": id, "wed": id, "thu": id, "fri": id}
	}
	mgr.Do("POST", fmt.Sprintf("/api/employees/%d/patterns/", noor.ID()), map[string]any{"start_date": "2026-10-19",
		"weeks": []any{week(night.ID), week(early.ID)}}).Want(201)
	mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-10-24/", noor.ID()), map[string]any{"shift_id": night.ID, "note": "stocktaking"}).Want(201)
	mgr.Do("PUT", fmt.Sprintf("/api/roster/%d/2026-10-28/", noor.ID()), map[string]any{"shift_id": nil, "note": "day off"}).Want(201)

	for _, r := range []struct{ typ, at string }{
		{"entry", "2026-10-19 21:55"}, {"exit", "2026-10-20 02:00"}, {"entry", "2026-10-20 02:30"}, {"exit", "2026-10-20 06:00"},
		{"entry", "2026-10-20 22:20"}, {"exit", "2026-10-21 06:00"},
		{"entry", "2026-10-22 22:00"}, {"exit", "2026-10-23 02:00"}, {"entry", "2026-10-23 02:30"}, {"exit", "2026-10-23 06:30"},
		{"entry", "2026-10-23 21:58"}, {"exit", "2026-10-24 02:00"}, {"entry", "2026-10-24 02:30"}, {"exit", "2026-10-24 06:00"},
		{"entry", "2026-10-24 22:00"}, {"exit", "2026-10-25 01:00"}, {"entry", "2026-10-25 01:30"}, {"exit", "2026-10-25 06:00"},
		{"entry", "2026-10-26 05:50"}, {"exit", "2026-10-26 10:00"}, {"entry", "2026-10-26 10:30"}, {"exit", "2026-10-26 14:10"},
		{"entry", "2026-10-27 06:07"}, {"exit", "2026-10-27 14:00"},
		{"entry", "2026-10-30 06:00"},
	} {
		clock.Set(local(berlin, r.at))
		noor.clock(r.typ)
	}
	// Thursday's entry from the gate's log, its exit unknown.
	clock.Set(local(berlin, "2026-10-30 10:00"))
	thu := local(berlin, "2026-10-29 05:58")
	mgr.Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": noor.ID(), "timestamp": thu,
		"note": "from the gate's log"}).Want(201)

	// Friday evening Noor asks for her exit at 14:00; Monday morning her
	// manager approves it.
	clock.Set(local(berlin, "2026-10-30 18:00"))
	c := noor.askCorrection(map[string]any{"action": "add", "type": "exit", "date": "2026-10-30", "time": "14:00",
		"reason": "left at two, forgot the terminal"})
	clock.Set(local(berlin, "2026-11-02 09:00"))
	mgr.Do("POST", correctionPath(c.ID, "action/"), map[string]any{"action": "approve"}).Want(200)
	clock.Set(local(berlin, "2026-11-02 10:00"))

	want := map[string]int64{
		"days_present":             9,  // all but Wed 21 (absent) and Wed 28 (off)
		"late_entries":             2,  // Tue 20 and Tue 27
		"late_minutes":             27, // 20 + 7
		"absent_days":              1,  // Wed 21
		"worked_seconds":           63 * 3600,
		"open_sessions":            1,               // Thu 29
		"break_deducted_seconds":   90 * 60,         // Tue 20, Tue 27, Fri 30
		"scheduled_seconds":        76 * 3600,       // 5 × 7:30 + 8:30 + 4 × 7:30
		"overtime_seconds":         57 * 60,         // 5 + 30 + 2 + 20
		"undertime_seconds":        15*3600 + 27*60, // 20 + 7:30 + 7 + 7:30
		"weekly_overtime_seconds":  0,               // both weeks short
		"weekly_undertime_seconds": 14*3600 + 30*60, // 7:13 + 7:17
		"needs_review_sessions":    1,               // Thu 29
		"leave_minutes":            0,
	}
	query := fmt.Sprintf("/api/attendance/overview/?from=2026-10-19&to=2026-11-01&employee_id=%d", noor.ID())

	var ov struct {
		Results []map[string]any `json:"results"`
	}
	mgr.Do("GET", query, nil).Want(200).JSON(&ov)
	if len(ov.Results) != 1 {
		t.Fatalf("the overview has %d rows, want Noor's", len(ov.Results))
	}
	for k, w := range want {
		if got, ok := ov.Results[0][k].(float64); !ok || int64(got) != w {
			t.Errorf("overview %s = %v, want %d", k, ov.Results[0][k], w)
		}
	}
	if got := ov.Results[0]["worked_hours"]; got != 63.0 {
		t.Errorf("overview worked_hours = %v, want 63", got)
	}

	rows, err := csv.NewReader(strings.NewReader(string(mgr.Do("GET", query+"&format=csv", nil).Want(200).Body))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("the CSV: %d rows, %v; want a header and Noor's", len(rows), err)
	}
	col := map[string]string{}
	for i, h := range rows[0] {
		col[h] = rows[1][i]
	}
	for k, w := range want {
		if got := col[k]; got != strconv.FormatInt(w, 10) {
			t.Errorf("CSV %s = %q, want %d", k, got, w)
		}
	}
	if col["worked_hours"] != "63" {
		t.Errorf("CSV worked_hours = %q, want 63", col["worked_hours"])
	}
}
