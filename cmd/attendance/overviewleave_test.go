package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

// TestOverviewLeave: the attendance overview's leave_minutes and
// leave_by_type, in rows, totals and CSV, and the leave overview as CSV.
func TestOverviewLeave(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 07:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp := tm.mgr, tm.emp
	other := mgr.NewUser("ol-other", staff("UTC", "08:00", 0, "2026-01-01"))
	approve := func(c *client, body map[string]any) attendance.LeaveRequest {
		t.Helper()
		var r attendance.LeaveRequest
		c.Do("POST", "/api/leaves/request/", body).Want(201).JSON(&r)
		mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), map[string]string{"action": "approve"}).Want(200)
		return r
	}
	approve(emp, leaveBody("annual", "2026-06-02", "2026-06-02", "start_time", "08:00", "end_time", "10:00")) // 2/9 day, 120 min
	approve(emp, leaveBody("annual", "2026-06-03", "2026-06-03", "half_day", true))
	approve(emp, leaveBody("sick", "2026-06-04", "2026-06-05"))
	approve(other, leaveBody("unpaid", "2026-06-08", "2026-06-08", "reason", "=HYPERLINK(\"x\")"))
	var pending attendance.LeaveRequest
	emp.Do("POST", "/api/leaves/request/", leaveBody("annual", "2026-06-09", "2026-06-09")).Want(201).JSON(&pending) // not counted

	var ov struct {
		Totals  attendance.LeaveTotals
		Results []struct {
			EmployeeID int64   `json:"employee_id"`
			LeaveDays  float64 `json:"leave_days"`
			attendance.LeaveTotals
		}
	}
	mgr.Do("GET", "/api/attendance/overview/?from=2026-06-01&to=2026-06-30&limit=500", nil).Want(200).JSON(&ov)
	rows := map[int64]attendance.LeaveTotals{}
	for _, r := range ov.Results {
		rows[r.EmployeeID] = r.LeaveTotals
	}
	want := map[int64]string{
		emp.ID():   `{"leave_minutes":120,"leave_by_type":{"annual":0.72,"sick":2}}`,
		other.ID(): `{"leave_minutes":0,"leave_by_type":{"unpaid":1}}`,
		mgr.ID():   `{"leave_minutes":0}`,
	}
	for id, w := range want {
		if got := mustJSON(t, rows[id]); got != w {
			t.Errorf("row of %d: %s, want %s", id, got, w)
		}
	}
	if got, w := mustJSON(t, ov.Totals), `{"leave_minutes":120,"leave_by_type":{"annual":0.72,"sick":2,"unpaid":1}}`; got != w {
		t.Errorf("totals: %s, want %s", got, w)
	}

	// The CSV: leave_minutes, then a column of days for every type in code order.
	res := mgr.Do("GET", "/api/attendance/overview/?from=2026-06-01&to=2026-06-30&format=csv", nil).Want(200)
	recs, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	if got := strings.Join(head[len(head)-4:], ","); got != "leave_minutes,leave_days_annual,leave_days_sick,leave_days_unpaid" {
		t.Errorf("CSV header ends %q", got)
	}
	for _, rec := range recs[1:] {
		if rec[0] == fmt.Sprint(emp.ID()) {
			if got := strings.Join(rec[len(rec)-4:], ","); got != "120,0.72,2,0" {
				t.Errorf("the employee's CSV leave columns = %q, want 120,0.72,2,0", got)
			}
		}
	}

	// The leave overview as CSV: every matching request, ignoring the page.
	res = mgr.Do("GET", "/api/leaves/overview/?format=csv&limit=1", nil).Want(200)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q", ct)
	}
	recs, err = csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "id,employee_id,employee_name,leave_type,start_date,end_date,half_day,unit,start_time,end_time,"+
		"minutes,days,days_exact,status,reason,decided_by,decided_at,decision_comment,created_at" {
		t.Errorf("leave CSV header = %q", got)
	}
	if len(recs) != 6 {
		t.Fatalf("leave CSV has %d rows, want the header and 5 requests", len(recs))
	}
	byID := map[string][]string{}
	for _, rec := range recs[1:] {
		byID[rec[0]] = rec
	}
	if rec := byID[fmt.Sprint(pending.ID)]; rec == nil || rec[3] != "annual" || rec[13] != "pending" || rec[11] != "1" {
		t.Errorf("the pending request's CSV row = %q", rec)
	}
	for _, rec := range recs[1:] {
		if rec[7] == "hour" && (rec[8] != "08:00" || rec[9] != "10:00" || rec[10] != "120" || rec[12] != "2/9") {
			t.Errorf("the hourly request's CSV row = %q, want 08:00–10:00, 120 minutes, 2/9", rec)
		}
		if rec[3] == "unpaid" && !strings.HasPrefix(rec[14], "'=") {
			t.Errorf("a formula reason is written as %q, want it defused", rec[14])
		}
	}
	// Filters hold in the CSV as in JSON; only manager access gets it.
	res = mgr.Do("GET", "/api/leaves/overview/?status=approved&leave_type=sick", nil, "Accept", "text/csv").Want(200)
	if n := strings.Count(string(res.Body), "\n"); n != 2 {
		t.Errorf("sick approved CSV: %d lines, want 2:\n%s", n, res.Body)
	}
	emp.Do("GET", "/api/leaves/overview/?format=csv", nil).WantProblem(403, "")
}

// mustJSON is v as compact JSON.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
