package main

import (
	"strings"
	"testing"
	"time"
)

// TestLeaveLedgerHTTP is the flow over HTTP: an admin adds a leave
// type with monthly accrual; an employee asks for two hours of annual
// leave, previewed first; the ledger explains the balance line by line; an
// admin's adjustment appears with its note.
func TestLeaveLedgerHTTP(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 6, 1, 6, 0, 0, 0, time.UTC)) // a Monday
	app := mustStart(t, withClock(clock))
	admin := app.Admin
	mgr := admin.NewUser("lm_boss", map[string]any{"role": "manager"})
	emp := mgr.NewUser("lm_sam", staff("UTC", "08:00", 0, "2026-01-01"))
	id := itoa(emp.ID())

	var typ map[string]any
	admin.Do("POST", "/api/leaves/types/", map[string]any{"code": "study", "name": "Study leave", "accrual": "monthly", "allowance": 15,
		"units": []string{"day", "hour"}, "carry_over_max": 2, "carry_over_expires": "03-31"}).Want(201).JSON(&typ)
	if typ["credited_per_year"] != 18.0 || typ["accrual"] != "monthly" || typ["carry_over_expires"] != "03-31" {
		t.Errorf("the new type: %v", typ)
	}
	admin.Do("POST", "/api/leaves/types/", map[string]any{"code": "study", "name": "Again"}).WantProblem(409, "leave_type_exists")
	emp.Do("POST", "/api/leaves/types/", map[string]any{"code": "mine", "name": "Mine"}).WantProblem(403, "")
	admin.Do("PATCH", "/api/leaves/types/annual/", map[string]any{"retired": true}).WantProblem(422, "invalid")
	admin.Do("DELETE", "/api/leaves/types/annual/", nil).WantProblem(409, "built_in")
	// January to June of monthly accrual, each 15 ÷ 12 = 1.25 rounded to 1.5.
	var b map[string]any
	emp.Do("GET", "/api/leaves/balance/?leave_type=study", nil).Want(200).JSON(&b)
	if b["remaining"] != 9.0 || b["granted"] != 9.0 {
		t.Errorf("study balance in June: %v, want 9", b)
	}
	emp.Do("GET", "/api/leaves/balance/?leave_type=nope", nil).WantProblem(422, "invalid")

	var pv map[string]any
	emp.Do("GET", "/api/leaves/preview/?start_date=2026-06-15&start_time=08:00&end_time=10:00", nil).Want(200).JSON(&pv)
	if pv["ok"] != true || pv["days_exact"] != "2/9" || pv["days"] != 0.22 || pv["remaining_after"] != 14.78 {
		t.Errorf("preview: %v", pv)
	}
	var r map[string]any
	emp.Do("POST", "/api/leaves/request/", leaveBody("annual", "2026-06-15", "2026-06-15", "start_time", "08:00", "end_time", "10:00")).Want(201).JSON(&r)
	if r["days"] != 0.22 || r["days_exact"] != "2/9" || r["unit"] != "hour" || r["minutes"] != 120.0 || r["day_minutes"] != 540.0 || r["start_time"] != "08:00" {
		t.Errorf("two hours: %v", r)
	}
	rid := itoa(int64(r["id"].(float64)))
	emp.Do("GET", "/api/leaves/preview/?start_date=2026-06-15&start_time=09:00&end_time=11:00", nil).Want(200).JSON(&pv)
	if pv["ok"] != false || pv["code"] != "overlap" {
		t.Errorf("preview of an overlap: %v", pv)
	}
	var detail map[string]any
	mgr.Do("GET", "/api/leaves/"+rid+"/", nil).Want(200).JSON(&detail)
	if a, _ := detail["approval"].(map[string]any); a == nil || a["ok"] != true {
		t.Errorf("the manager's view of the request: %v", detail)
	}
	var ns list[map[string]any]
	mgr.Do("GET", "/api/notifications/", nil).Want(200).JSON(&ns)
	if len(ns.Results) == 0 || !strings.Contains(ns.Results[0]["message"].(string), "asks for 2 h (0.22 days) of annual leave on 2026-06-15, 08:00–10:00") {
		t.Errorf("the manager's notification: %+v", ns.Results)
	}
	var ov list[map[string]any]
	mgr.Do("GET", "/api/leaves/overview/?leave_type=annual", nil).Want(200).JSON(&ov)
	if ov.Count != 1 || ov.Results[0]["unit"] != "hour" {
		t.Errorf("the overview of annual leave: %+v", ov)
	}
	mgr.Do("GET", "/api/leaves/overview/?leave_type=sick", nil).Want(200).JSON(&ov)
	if ov.Count != 0 {
		t.Errorf("the overview of sick leave: %+v", ov)
	}
	mgr.Do("POST", "/api/leaves/"+rid+"/action/", map[string]any{"action": "approve"}).Want(200)

	admin.Do("POST", "/api/leaves/ledger/", map[string]any{"employee_id": emp.ID(), "leave_type": "annual", "year": 2026, "days": 1}).WantProblem(422, "invalid")
	var adj map[string]any
	admin.Do("POST", "/api/leaves/ledger/", map[string]any{"employee_id": emp.ID(), "leave_type": "annual", "year": 2026, "days": "-2/9",
		"note": "Evens out the dentist"}, "Idempotency-Key", "adj-1").Want(201).JSON(&adj)
	admin.Do("POST", "/api/leaves/ledger/", map[string]any{"employee_id": emp.ID(), "leave_type": "annual", "year": 2026, "days": "-2/9",
		"note": "Evens out the dentist"}, "Idempotency-Key", "adj-1").Want(201)
	mgr.Do("POST", "/api/leaves/ledger/", map[string]any{"employee_id": emp.ID(), "leave_type": "annual", "year": 2026, "days": 1, "note": "x"}).WantProblem(403, "")

	var l list[map[string]any]
	mgr.Do("GET", "/api/leaves/ledger/?employee_id="+id, nil).Want(200).JSON(&l)
	if l.Count != 3 {
		t.Fatalf("the ledger: %+v, want the grant, the leave taken and the adjustment", l)
	}
	want := []struct{ kind, amount, balance string }{{"adjustment", "-2/9", "131/9"}, {"taken", "-2/9", "133/9"}, {"grant", "15", "15"}}
	for i, w := range want {
		e := l.Results[i]
		if e["kind"] != w.kind || e["amount_exact"] != w.amount || e["balance_exact"] != w.balance {
			t.Errorf("line %d: %v, want %v", i, e, w)
		}
	}
	if l.Results[0]["note"] != "Evens out the dentist" {
		t.Errorf("the adjustment's note: %v", l.Results[0])
	}
	var one map[string]any
	emp.Do("GET", "/api/leaves/ledger/"+itoa(int64(l.Results[1]["id"].(float64)))+"/", nil).Want(200).JSON(&one)
	if one["balance_exact"] != "133/9" {
		t.Errorf("one entry: %v", one)
	}
	emp.Do("GET", "/api/leaves/balance/", nil).Want(200).JSON(&b)
	if b["remaining_exact"] != "131/9" || b["used"] != 0.22 || b["adjusted"] != -0.22 {
		t.Errorf("the balance: %v", b)
	}
	var bs list[map[string]any]
	emp.Do("GET", "/api/leaves/balances/", nil).Want(200).JSON(&bs)
	if bs.Count != 4 {
		t.Errorf("balances of every type: %+v", bs)
	}
	var al list[map[string]any]
	mgr.Do("PUT", "/api/employees/"+id+"/allowances/study/", map[string]any{"allowance": 6}).Want(200)
	emp.Do("GET", "/api/employees/"+id+"/allowances/", nil).Want(200).JSON(&al)
	if al.Count != 2 || al.Results[1]["leave_type"] != "study" || al.Results[1]["allowance"] != 6.0 || al.Results[1]["own"] != true {
		t.Errorf("allowances: %+v", al)
	}
	mgr.Do("DELETE", "/api/employees/"+id+"/allowances/annual/", nil).WantProblem(409, "own_allowance_required")
	emp.Do("PUT", "/api/employees/"+id+"/allowances/study/", map[string]any{"allowance": 20}).WantProblem(403, "")
	// The ledger has no PUT, PATCH or DELETE.
	for _, m := range []string{"PUT", "PATCH", "DELETE"} {
		if res := admin.Do(m, "/api/leaves/ledger/"+itoa(int64(one["id"].(float64)))+"/", map[string]any{}); res.Status != 405 {
			t.Errorf("%s of a ledger entry: %d, want 405", m, res.Status)
		}
	}

	// The jobs: an admin sees them and runs one; it writes each period once.
	admin.Do("POST", "/api/leaves/jobs/leave_ledger/run/", nil).Want(202)
	admin.Do("POST", "/api/leaves/jobs/nope/run/", nil).WantProblem(404, "")
	mgr.Do("GET", "/api/leaves/jobs/", nil).WantProblem(403, "")
	var runs list[map[string]any]
	for i := 0; ; i++ {
		admin.Do("GET", "/api/leaves/jobs/runs/?job=leave_ledger", nil).Want(200).JSON(&runs)
		if runs.Count > 0 && runs.Results[0]["status"] != "running" {
			break
		}
		if i > 100 {
			t.Fatalf("no finished run: %+v", runs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if runs.Results[0]["status"] != "succeeded" {
		t.Errorf("the run: %v", runs.Results[0])
	}
	var jobs list[map[string]any]
	admin.Do("GET", "/api/leaves/jobs/", nil).Want(200).JSON(&jobs)
	if jobs.Count != 2 || jobs.Results[0]["job"] != "leave_ledger" || jobs.Results[0]["every_seconds"] != 3600.0 || jobs.Results[0]["last_run"] == nil {
		t.Errorf("the jobs: %+v", jobs)
	}
	// Study leave's six months are recorded now, once, by a run.
	var study list[map[string]any]
	emp.Do("GET", "/api/leaves/ledger/?leave_type=study", nil).Want(200).JSON(&study)
	if study.Count != 6 || study.Results[0]["id"] == nil || study.Results[0]["job_run_id"] == nil {
		t.Errorf("the study ledger after a run: %+v", study)
	}
}
