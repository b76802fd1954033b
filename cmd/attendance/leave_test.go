package main

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
)

// These tests drive leave requests, decisions, cancellations, balances and the
// leave overview through the real server at fixed instants in 2026.

type leave = attendance.LeaveRequest

// leaveBody is the body of a leave request; extra are name, value pairs.
func leaveBody(typ, start, end string, extra ...any) map[string]any {
	b := map[string]any{"leave_type": typ, "start_date": start, "end_date": end}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

// requestLeave files a request and fails the test unless it is created.
func (c *client) requestLeave(typ, start, end string, extra ...any) leave {
	c.app.t.Helper()
	var r leave
	c.Do("POST", "/api/leaves/request/", leaveBody(typ, start, end, extra...)).Want(201).JSON(&r)
	return r
}

// decide approves or rejects a request.
func (c *client) decide(id int64, action, comment string) *response {
	c.app.t.Helper()
	return c.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", id), map[string]string{"action": action, "comment": comment})
}

// approve approves a request and fails the test unless that works.
func (c *client) approve(id int64) leave {
	c.app.t.Helper()
	var r leave
	c.decide(id, "approve", "").Want(200).JSON(&r)
	return r
}

// cancel cancels a request of the user.
func (c *client) cancel(id int64) *response {
	c.app.t.Helper()
	return c.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", id), nil)
}

// balance reads a leave balance with a query ("" or "?year=…").
func (c *client) balance(query string) attendance.Balance {
	c.app.t.Helper()
	var b attendance.Balance
	c.Do("GET", "/api/leaves/balance/"+query, nil).Want(200).JSON(&b)
	return b
}

// leaves lists the user's own requests with a query.
func (c *client) leaves(query string) list[leave] {
	c.app.t.Helper()
	var l list[leave]
	c.Do("GET", "/api/leaves/"+query, nil).Want(200).JSON(&l)
	return l
}

// wantBalance fails unless the balance has these five numbers.
func wantBalance(t *testing.T, got attendance.Balance, employeeID int64, year int, allowance, used, pending, penalty, remaining float64) {
	t.Helper()
	testenv.SameJSON(t, "balance", got, attendance.Balance{EmployeeID: employeeID, Year: year, Allowance: allowance, Used: used,
		Pending: pending, LatePenalty: penalty, Remaining: remaining})
}

func leaveIDs[T any](rs []T, id func(T) int64) []int64 {
	out := []int64{}
	for _, r := range rs {
		out = append(out, id(r))
	}
	return out
}

func ids(rs ...leave) []int64 { return leaveIDs(rs, func(r leave) int64 { return r.ID }) }

var leaveKeys = []string{"id", "employee_id", "leave_type", "start_date", "end_date", "half_day", "days", "status", "reason",
	"decided_by", "decided_at", "decision_comment", "created_at"}

func TestLeaveRequest(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 08:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	tm.app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-10", "name": "Midsummer"}).Want(201)
	sunThu := mgr.NewUser("sunthu", staff("UTC", "08:00", 0, "2026-01-01", "work_days", []string{"sun", "mon", "tue", "wed", "thu"}))
	post := func(c *client, body map[string]any) *response { return c.Do("POST", "/api/leaves/request/", body) }

	var week leave
	t.Run("working days minus holidays", func(t *testing.T) {
		res := post(emp, leaveBody("annual", "2026-06-08", "2026-06-14", "reason", "summer")).Want(201)
		res.JSON(&week)
		wantKeys(t, res.Body, leaveKeys...)
		testenv.SameJSON(t, "request", week, leave{ID: week.ID, EmployeeID: emp.ID(), LeaveType: attendance.LeaveAnnual,
			StartDate: attendance.MustParseDate("2026-06-08"), EndDate: attendance.MustParseDate("2026-06-14"), Days: 4,
			Status: attendance.LeavePending, Reason: "summer", CreatedAt: clock.Now().UTC(), Chain: week.Chain, CurrentStep: ptr(1),
			Unit: attendance.UnitDay, DaysExact: "4", CanCancelNow: ptr(true), CanDecideNow: ptr(false)})
		if week.Chain == nil || len(week.Chain.Steps) != 1 || week.Chain.Steps[0].Status != attendance.StepPending {
			t.Errorf("chain %+v, want the default chain's one step pending", week.Chain)
		}
	})

	t.Run("the employee's own work week", func(t *testing.T) {
		// Sunday to Thursday, Wednesday a holiday: Sun, Mon, Tue, Thu.
		if r := sunThu.requestLeave("annual", "2026-06-07", "2026-06-13"); r.Days != 4 {
			t.Errorf("Sun–Thu week = %v days, want 4", r.Days)
		}
		p := post(sunThu, leaveBody("annual", "2026-06-19", "2026-06-20")).WantProblem(422, "")
		if len(p.Errors) == 0 {
			t.Errorf("no errors in %+v", p)
		}
		post(emp, leaveBody("annual", "2026-06-20", "2026-06-21")).WantProblem(422, "")
		post(emp, leaveBody("sick", "2026-06-10", "2026-06-10")).WantProblem(422, "") // the holiday
	})

	t.Run("half day", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-15", "2026-06-15", "half_day", true)
		if r.Days != 0.5 || !r.HalfDay {
			t.Errorf("half day = %+v", r)
		}
		wantFieldError(t, post(emp, leaveBody("annual", "2026-06-16", "2026-06-17", "half_day", true)).WantProblem(422, ""), "body.half_day")
		post(sunThu, leaveBody("annual", "2026-06-19", "2026-06-19", "half_day", true)).WantProblem(422, "") // a Friday
	})

	t.Run("missing fields", func(t *testing.T) {
		p := post(emp, map[string]any{}).WantProblem(422, "invalid")
		for _, f := range []string{"body.leave_type", "body.start_date", "body.end_date"} {
			if !slices.ContainsFunc(p.Errors, func(e fieldError) bool { return e.Location == f && e.Message == "is required" }) {
				t.Errorf("errors %+v: want %s is required", p.Errors, f)
			}
		}
	})

	t.Run("bad ranges", func(t *testing.T) {
		wantFieldError(t, post(emp, leaveBody("annual", "2026-06-19", "2026-06-18")).WantProblem(422, ""), "body.end_date")
		post(emp, leaveBody("annual", "2026-12-28", "2027-01-05")).WantProblem(422, "")
		post(emp, leaveBody("holiday", "2026-06-18", "2026-06-18")).WantProblem(422, "")
		post(emp, leaveBody("annual", "2026-02-30", "2026-03-02")).WantProblem(422, "")
		wantFieldError(t, post(emp, leaveBody("annual", "0000-01-03", "0000-01-03")).WantProblem(422, ""), "body.start_date")
		if l := emp.leaves(""); l.Count != 2 {
			t.Errorf("refused requests were stored: %d requests, want 2", l.Count)
		}
	})

	t.Run("overlap", func(t *testing.T) {
		post(emp, leaveBody("annual", "2026-06-12", "2026-06-16")).WantProblem(409, "overlap")
		post(emp, leaveBody("sick", "2026-06-09", "2026-06-09")).WantProblem(409, "overlap")
		mgr.approve(week.ID)
		post(emp, leaveBody("unpaid", "2026-06-12", "2026-06-12")).WantProblem(409, "overlap")
		// Rejected and cancelled requests free their dates.
		rejected := emp.requestLeave("annual", "2026-06-22", "2026-06-22")
		mgr.decide(rejected.ID, "reject", "no").Want(200)
		emp.requestLeave("annual", "2026-06-22", "2026-06-22")
		cancelled := emp.requestLeave("annual", "2026-06-23", "2026-06-23")
		emp.cancel(cancelled.ID).Want(200)
		emp.requestLeave("annual", "2026-06-23", "2026-06-23")
		// Another employee's dates are theirs.
		tm.stray.requestLeave("annual", "2026-06-08", "2026-06-08")
	})

	t.Run("annual leave is limited by the balance", func(t *testing.T) {
		// used 4, pending 0.5 + 1 + 1: 8.5 remain.
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 4, 2.5, 0, 8.5)
		post(emp, leaveBody("annual", "2026-07-01", "2026-07-13")).WantProblem(422, "insufficient_balance") // 9 days
		emp.requestLeave("annual", "2026-07-01", "2026-07-10")                                              // 8 days
		emp.requestLeave("annual", "2026-07-13", "2026-07-13", "half_day", true)
		post(emp, leaveBody("annual", "2026-07-14", "2026-07-14", "half_day", true)).WantProblem(422, "insufficient_balance")
		// Sick and unpaid leave use no balance.
		if r := emp.requestLeave("sick", "2026-08-03", "2026-08-28"); r.Days != 20 {
			t.Errorf("sick leave = %v days, want 20", r.Days)
		}
		if r := emp.requestLeave("unpaid", "2026-09-01", "2026-09-30"); r.Days != 22 {
			t.Errorf("unpaid leave = %v days, want 22", r.Days)
		}
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 4, 11, 0, 0)
		// Next year is a new allowance.
		emp.requestLeave("annual", "2027-01-04", "2027-01-22")
	})

	t.Run("concurrent requests", func(t *testing.T) {
		e := mgr.NewUser("busy", staff("UTC", "08:00", 0, "2026-01-01", "annual_leave_days", 3))
		outs := concurrently(t, 5, func(int) (int, []byte, error) {
			return e.send("POST", "/api/leaves/request/", leaveBody("sick", "2026-06-08", "2026-06-09"))
		})
		if got := tally(outs); fmt.Sprint(got) != fmt.Sprint(map[string]int{"201": 1, "409 overlap": 4}) {
			t.Errorf("5 requests for the same dates: %v, want one 201 and four 409 overlap", got)
		}
		ranges := [][2]string{{"2026-06-22", "2026-06-23"}, {"2026-06-24", "2026-06-25"}, {"2026-06-29", "2026-06-30"}}
		outs = concurrently(t, len(ranges), func(i int) (int, []byte, error) {
			return e.send("POST", "/api/leaves/request/", leaveBody("annual", ranges[i][0], ranges[i][1]))
		})
		if got := tally(outs); fmt.Sprint(got) != fmt.Sprint(map[string]int{"201": 1, "422 insufficient_balance": 2}) {
			t.Errorf("3 requests of 2 days with 3 days left: %v, want one 201 and two 422 insufficient_balance", got)
		}
		wantBalance(t, e.balance(""), e.ID(), 2026, 3, 0, 2, 0, 1)
	})

	t.Run("Idempotency-Key", func(t *testing.T) {
		before := emp.leaves("").Count
		body := leaveBody("sick", "2026-10-05", "2026-10-06", "reason", "flu")
		first := emp.Do("POST", "/api/leaves/request/", body, "Idempotency-Key", "leave-1").Want(201).Body
		clock.Add(time.Minute)
		again := emp.Do("POST", "/api/leaves/request/", body, "Idempotency-Key", "leave-1").Want(201).Body
		if !bytes.Equal(first, again) {
			t.Errorf("repeat differs:\nfirst  %s\nrepeat %s", first, again)
		}
		if n := emp.leaves("").Count; n != before+1 {
			t.Errorf("requests = %d, want %d", n, before+1)
		}
		emp.Do("POST", "/api/leaves/request/", leaveBody("sick", "2026-10-07", "2026-10-07"), "Idempotency-Key", "leave-1").
			WantProblem(422, "idempotency_key_reused")
	})
}

func TestLeaveListAndBalance(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 08:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	var r1, r2, r3, r4 leave
	for _, s := range []struct {
		r    *leave
		body map[string]any
	}{
		{&r1, leaveBody("annual", "2026-06-08", "2026-06-12")},
		{&r2, leaveBody("sick", "2026-06-22", "2026-06-22")},
		{&r3, leaveBody("annual", "2027-01-04", "2027-01-05")},
		{&r4, leaveBody("annual", "2026-06-15", "2026-06-15", "half_day", true)},
	} {
		clock.Add(time.Minute)
		emp.Do("POST", "/api/leaves/request/", s.body).Want(201).JSON(s.r)
	}
	mgr.requestLeave("annual", "2026-06-09", "2026-06-09")
	tm.stray.requestLeave("annual", "2026-06-09", "2026-06-09")

	t.Run("own requests, newest first", func(t *testing.T) {
		l := emp.leaves("")
		if l.Count != 4 || fmt.Sprint(ids(l.Results...)) != fmt.Sprint(ids(r4, r3, r2, r1)) {
			t.Errorf("list = %d %v, want 4 %v", l.Count, ids(l.Results...), ids(r4, r3, r2, r1))
		}
		testenv.SameJSON(t, "listed request", l.Results[3], r1)
	})

	t.Run("balance", func(t *testing.T) {
		res := emp.Do("GET", "/api/leaves/balance/", nil).Want(200)
		wantKeys(t, res.Body, "employee_id", "year", "allowance", "used", "pending", "late_penalty", "remaining")
		var b attendance.Balance
		res.JSON(&b)
		wantBalance(t, b, emp.ID(), 2026, 15, 0, 5.5, 0, 9.5)
		wantBalance(t, emp.balance("?year=2027"), emp.ID(), 2027, 15, 0, 2, 0, 13)
		wantBalance(t, emp.balance("?year=2025"), emp.ID(), 2025, 15, 0, 0, 0, 15)

		var decided leave
		mgr.decide(r1.ID, "approve", "have fun").Want(200).JSON(&decided)
		mgr.decide(r2.ID, "reject", "need a note").Want(200)
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 5, 0.5, 0, 9.5)
		wantBalance(t, emp.balance("?year=2027"), emp.ID(), 2027, 15, 0, 2, 0, 13)
	})

	t.Run("someone else's balance", func(t *testing.T) {
		q := fmt.Sprintf("?employee_id=%d", emp.ID())
		wantBalance(t, mgr.balance(q), emp.ID(), 2026, 15, 5, 0.5, 0, 9.5)
		wantBalance(t, tm.app.Admin.balance(q+"&year=2027"), emp.ID(), 2027, 15, 0, 2, 0, 13)
		wantBalance(t, emp.balance(q), emp.ID(), 2026, 15, 5, 0.5, 0, 9.5)
		tm.otherMgr.Do("GET", "/api/leaves/balance/"+q, nil).WantProblem(404, "not_found")
		emp.Do("GET", fmt.Sprintf("/api/leaves/balance/?employee_id=%d", tm.stray.ID()), nil).WantProblem(404, "not_found")
		emp.Do("GET", fmt.Sprintf("/api/leaves/balance/?employee_id=%d", mgr.ID()), nil).WantProblem(404, "not_found")
	})

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			query string
			want  []leave
		}{
			{"?status=approved", []leave{r1}},
			{"?status=rejected", []leave{r2}},
			{"?status=pending", []leave{r4, r3}},
			{"?status=cancelled", nil},
			{"?year=2027", []leave{r3}},
			{"?year=2026", []leave{r4, r2, r1}},
			{"?year=2026&status=pending", []leave{r4}},
		} {
			l := emp.leaves(c.query)
			if l.Count != len(c.want) || fmt.Sprint(ids(l.Results...)) != fmt.Sprint(ids(c.want...)) {
				t.Errorf("%s: %d %v, want %v", c.query, l.Count, ids(l.Results...), ids(c.want...))
			}
		}
		l := emp.leaves("?status=approved")
		if r := l.Results[0]; r.DecidedBy == nil || *r.DecidedBy != mgr.ID() || r.DecisionComment != "have fun" || r.DecidedAt == nil {
			t.Errorf("approved request = %+v", r)
		}
		emp.Do("GET", "/api/leaves/?status=lost", nil).WantProblem(422, "")
	})

	t.Run("pages", func(t *testing.T) {
		l := emp.leaves("?limit=3")
		if l.Count != 4 || len(l.Results) != 3 || l.Next == nil {
			t.Fatalf("page 1 = %+v", l)
		}
		var p2 list[leave]
		emp.Do("GET", pathOf(t, l.Next), nil).Want(200).JSON(&p2)
		if len(p2.Results) != 1 || p2.Results[0].ID != r1.ID || p2.Next != nil || p2.Previous == nil {
			t.Errorf("page 2 = %+v", p2)
		}
	})

	t.Run("days are fixed when requested", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-29", "2026-07-03")
		tm.app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-06-30", "name": "Late holiday"}).Want(201)
		l := emp.leaves("?status=pending&year=2026")
		if l.Results[0].ID != r.ID || l.Results[0].Days != 5 {
			t.Errorf("request after a new holiday = %+v, want 5 days", l.Results[0])
		}
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 5, 5.5, 0, 4.5)
		emp.cancel(r.ID).Want(200)
	})
}

func TestLeaveDecide(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-01 08:00"))
	admin := app.Admin

	t.Run("the sole admin decides their own", func(t *testing.T) {
		r := admin.requestLeave("annual", "2026-06-22", "2026-06-22")
		got := admin.approve(r.ID)
		if got.Status != attendance.LeaveApproved || got.DecidedBy == nil || *got.DecidedBy != admin.ID() {
			t.Errorf("decision = %+v", got)
		}
	})

	// admin2 reports to admin (manager_id defaults to the creator).
	admin2 := admin.NewUser("admin2", staff("UTC", "08:00", 0, "2026-01-01", "role", "admin"))
	t.Run("an admin with an admin above does not", func(t *testing.T) {
		r := admin2.requestLeave("annual", "2026-06-23", "2026-06-23")
		admin2.decide(r.ID, "approve", "").WantProblem(403, "own_request")
		admin2.decide(r.ID, "reject", "").WantProblem(403, "own_request")
		admin.approve(r.ID)
	})
	t.Run("an admin with other admins only below decides their own", func(t *testing.T) {
		r := admin.requestLeave("annual", "2026-06-24", "2026-06-24")
		admin.approve(r.ID)
	})
	admin3 := admin.NewUser("admin3", staff("UTC", "08:00", 0, "2026-01-01", "role", "admin", "manager_id", nil))
	t.Run("an admin beside another admin does not", func(t *testing.T) {
		r := admin.requestLeave("annual", "2026-06-25", "2026-06-25")
		admin.decide(r.ID, "approve", "").WantProblem(403, "own_request")
		admin3.approve(r.ID)
		r = admin3.requestLeave("annual", "2026-06-26", "2026-06-26")
		admin3.decide(r.ID, "reject", "").WantProblem(403, "own_request")
		admin2.approve(r.ID) // an admin decides for anyone but themselves
	})

	mgr := admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	emp := mgr.NewUser("emp", staff("UTC", "08:00", 0, "2026-01-01"))
	mgr2 := admin.NewUser("mgr2", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))

	t.Run("a manager approves with a comment", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-08", "2026-06-09", "reason", "wedding")
		clock.Add(time.Hour)
		var got leave
		mgr.decide(r.ID, "approve", "congratulations").Want(200).JSON(&got)
		want := r
		want.Status, want.DecidedBy, want.DecidedAt, want.DecisionComment = attendance.LeaveApproved, ptr(mgr.ID()), ptr(clock.Now().UTC()), "congratulations"
		want.DecidedAs, want.CurrentStep = ptr(attendance.AsApprover), nil
		want.CanCancelNow, want.CanDecideNow = ptr(false), ptr(false) // the manager's, of a decided request
		if got.Chain == nil || len(got.Chain.Steps) != 1 || got.Chain.Steps[0].Status != attendance.StepApproved || *got.Chain.Steps[0].DecidedBy != mgr.ID() {
			t.Errorf("chain %+v, want its one step approved by the manager", got.Chain)
		}
		want.Chain = got.Chain
		testenv.SameJSON(t, "decision", got, want)
		mgr.decide(r.ID, "approve", "").WantProblem(409, "not_pending")
		mgr.decide(r.ID, "reject", "").WantProblem(409, "not_pending")
		admin.decide(r.ID, "approve", "").WantProblem(409, "not_pending")
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 2, 0, 0, 13)
	})

	t.Run("a manager rejects", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-15", "2026-06-16")
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 2, 2, 0, 11)
		var got leave
		mgr.decide(r.ID, "reject", "busy week").Want(200).JSON(&got)
		if got.Status != attendance.LeaveRejected || got.DecisionComment != "busy week" || got.DecidedBy == nil || *got.DecidedBy != mgr.ID() {
			t.Errorf("rejection = %+v", got)
		}
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 2, 0, 0, 13)
		mgr.decide(r.ID, "approve", "").WantProblem(409, "not_pending")
	})

	t.Run("who decides", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-17", "2026-06-17")
		emp.decide(r.ID, "approve", "").WantProblem(403, "forbidden")
		emp.decide(r.ID, "reject", "").WantProblem(403, "forbidden")
		mgr2.decide(r.ID, "approve", "").WantProblem(404, "not_found")
		mgr.decide(999999, "approve", "").WantProblem(404, "not_found")
		mgr.decide(r.ID, "maybe", "").WantProblem(422, "")
		if l := emp.leaves("?status=pending"); l.Count != 1 || l.Results[0].ID != r.ID {
			t.Errorf("refused decisions changed the request: %+v", l)
		}
		own := mgr.requestLeave("annual", "2026-06-18", "2026-06-18")
		mgr.decide(own.ID, "approve", "").WantProblem(403, "own_request")
		admin.approve(own.ID)
		mgr.approve(r.ID)
	})

	t.Run("approval checks the balance again", func(t *testing.T) {
		e := mgr.NewUser("emp2", staff("UTC", "08:00", 0, "2026-01-01", "annual_leave_days", 10))
		r1 := e.requestLeave("annual", "2026-07-06", "2026-07-09")
		r2 := e.requestLeave("annual", "2026-07-13", "2026-07-16")
		admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", e.ID()), map[string]any{"annual_leave_days": 5}).Want(200)
		wantBalance(t, e.balance(""), e.ID(), 2026, 5, 0, 8, 0, -3)
		mgr.approve(r1.ID)
		mgr.decide(r2.ID, "approve", "").WantProblem(422, "insufficient_balance")
		if l := e.leaves("?status=pending"); l.Count != 1 || l.Results[0].ID != r2.ID {
			t.Errorf("a refused approval changed the request: %+v", l)
		}
		wantBalance(t, e.balance(""), e.ID(), 2026, 5, 4, 4, 0, -3)
		mgr.decide(r2.ID, "reject", "no days left").Want(200)
		wantBalance(t, e.balance(""), e.ID(), 2026, 5, 4, 0, 0, 1)
		// Sick leave needs no balance.
		mgr.approve(e.requestLeave("sick", "2026-07-20", "2026-07-24").ID)
	})
}

func TestLeaveCancel(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-10 12:00"), staff("UTC", "08:00", 0, "2026-01-01")) // a Wednesday
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	emp2 := mgr.NewUser("emp2", staff("UTC", "08:00", 0, "2026-01-01"))

	t.Run("pending", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-15", "2026-06-16")
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 2, 0, 13)
		var got leave
		emp.cancel(r.ID).Want(200).JSON(&got)
		want := r
		want.Status, want.CurrentStep = attendance.LeaveCancelled, nil
		want.CanCancelNow, want.CanDecideNow = ptr(false), ptr(false)
		if got.Chain == nil || len(got.Chain.Steps) != 1 || got.Chain.Steps[0].Status != attendance.StepSkipped {
			t.Errorf("chain %+v, want its one step skipped", got.Chain)
		}
		want.Chain = got.Chain
		testenv.SameJSON(t, "cancelled", got, want)
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 0, 0, 15)
		emp.cancel(r.ID).WantProblem(409, "")
		// A pending request that has started may still be withdrawn.
		p := emp2.requestLeave("sick", "2026-06-01", "2026-06-02")
		emp2.cancel(p.ID).Want(200)
	})

	t.Run("approved, not yet started", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-22", "2026-06-26")
		mgr.approve(r.ID)
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 5, 0, 0, 10)
		var got leave
		emp.cancel(r.ID).Want(200).JSON(&got)
		if got.Status != attendance.LeaveCancelled {
			t.Errorf("status = %s", got.Status)
		}
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 0, 0, 15)
	})

	t.Run("approved and started", func(t *testing.T) {
		r := emp.requestLeave("annual", "2026-06-08", "2026-06-12")
		mgr.approve(r.ID)
		emp.cancel(r.ID).WantProblem(409, "")
		today := emp2.requestLeave("annual", "2026-06-10", "2026-06-11")
		mgr.approve(today.ID)
		emp2.cancel(today.ID).WantProblem(409, "")
		wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 5, 0, 0, 10)
		if l := emp.leaves("?status=approved"); l.Count != 1 {
			t.Errorf("approved requests = %d, want 1", l.Count)
		}
	})

	t.Run("rejected", func(t *testing.T) {
		r := emp.requestLeave("unpaid", "2026-07-01", "2026-07-01")
		mgr.decide(r.ID, "reject", "").Want(200)
		emp.cancel(r.ID).WantProblem(409, "")
	})

	t.Run("only one's own", func(t *testing.T) {
		theirs := tm.stray.requestLeave("annual", "2026-07-06", "2026-07-06")
		emp.cancel(theirs.ID).WantProblem(404, "not_found")
		mine := emp.requestLeave("annual", "2026-07-06", "2026-07-06")
		// Those who can see the request are told they may not; others learn nothing.
		mgr.cancel(mine.ID).WantProblem(403, "forbidden")
		tm.app.Admin.cancel(mine.ID).WantProblem(403, "forbidden")
		mgr.cancel(theirs.ID).WantProblem(404, "not_found")
		emp.cancel(999999).WantProblem(404, "not_found")
		if l := tm.stray.leaves("?status=pending"); l.Count != 1 {
			t.Errorf("someone else's cancel changed a request: %+v", l)
		}
		emp.cancel(mine.ID).Want(200)
	})

	t.Run("started is the employee's own date", func(t *testing.T) {
		kiwi := mgr.NewUser("kiwi", staff("Pacific/Auckland", "08:00", 0, "2026-01-01"))
		k := kiwi.requestLeave("annual", "2026-06-15", "2026-06-15")
		u := emp.requestLeave("annual", "2026-06-15", "2026-06-15")
		mgr.approve(k.ID)
		mgr.approve(u.ID)
		clock.Set(utc("2026-06-14 13:00")) // Monday 01:00 in Auckland, still Sunday in UTC
		kiwi.cancel(k.ID).WantProblem(409, "")
		emp.cancel(u.ID).Want(200)
	})
}

func TestLeaveOverview(t *testing.T) {
	t.Parallel()
	app, clock := startAt(t, utc("2026-06-01 08:00"))
	admin := app.Admin
	mgr := admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager", "department", "ops"))
	erin := mgr.NewUser("erin", staff("UTC", "08:00", 0, "2026-01-01", "department", "ops", "first_name", "Erin", "last_name", "Ernst"))
	sam := mgr.NewUser("sam", staff("UTC", "08:00", 0, "2026-01-01", "department", "sales"))
	mgr2 := admin.NewUser("mgr2", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager", "department", "sales"))
	stray := mgr2.NewUser("stray", staff("UTC", "08:00", 0, "2026-01-01", "department", "sales"))

	r1 := erin.requestLeave("annual", "2026-06-08", "2026-06-10")
	clock.Add(time.Minute)
	r2 := erin.requestLeave("sick", "2026-07-01", "2026-07-01")
	r2 = mgr.approve(r2.ID)
	clock.Add(time.Minute)
	r3 := sam.requestLeave("unpaid", "2026-06-09", "2026-06-12")
	clock.Add(time.Minute)
	r4 := stray.requestLeave("annual", "2026-06-09", "2026-06-09")

	type view = attendance.LeaveRequestView
	get := func(c *client, query string) list[view] {
		t.Helper()
		var l list[view]
		c.Do("GET", "/api/leaves/overview/"+query, nil).Want(200).JSON(&l)
		return l
	}
	viewIDs := func(l list[view]) []int64 { return leaveIDs(l.Results, func(v view) int64 { return v.ID }) }

	t.Run("everything in scope, with names", func(t *testing.T) {
		l := get(mgr, "")
		// The manager's view: they may decide the pending ones, cancel none.
		as := func(r leave, decide bool) leave {
			r.CanCancelNow, r.CanDecideNow = ptr(false), ptr(decide)
			return r
		}
		testenv.SameJSON(t, "overview", l.Results, []view{{LeaveRequest: as(r3, true), EmployeeName: "sam"},
			{LeaveRequest: as(r2, false), EmployeeName: "Erin Ernst"}, {LeaveRequest: as(r1, true), EmployeeName: "Erin Ernst"}})
		if l.Count != 3 {
			t.Errorf("count = %d, want 3", l.Count)
		}
		if l := get(admin, ""); l.Count != 4 || fmt.Sprint(viewIDs(l)) != fmt.Sprint(ids(r4, r3, r2, r1)) {
			t.Errorf("admin sees %v, want %v", viewIDs(l), ids(r4, r3, r2, r1))
		}
		if l := get(mgr2, ""); l.Count != 1 || l.Results[0].ID != r4.ID {
			t.Errorf("second manager sees %v, want %v", viewIDs(l), ids(r4))
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			query string
			want  []leave
		}{
			{"?status=approved", []leave{r2}},
			{"?status=pending", []leave{r3, r1}},
			{fmt.Sprintf("?employee_id=%d", sam.ID()), []leave{r3}},
			{fmt.Sprintf("?employee_id=%d", stray.ID()), nil},
			{"?department=sales", []leave{r3}},
			{"?department=ops", []leave{r2, r1}},
			{"?from=2026-06-11&to=2026-06-30", []leave{r3}},
			{"?from=2026-06-10", []leave{r3, r2, r1}},
			{"?to=2026-06-08", []leave{r1}},
			{"?from=2026-06-13&to=2026-06-30", nil},
			{"?status=pending&department=ops", []leave{r1}},
		} {
			l := get(mgr, c.query)
			if l.Count != len(c.want) || fmt.Sprint(viewIDs(l)) != fmt.Sprint(ids(c.want...)) {
				t.Errorf("%s: %d %v, want %v", c.query, l.Count, viewIDs(l), ids(c.want...))
			}
		}
		if l := get(admin, "?department=sales"); fmt.Sprint(viewIDs(l)) != fmt.Sprint(ids(r4, r3)) {
			t.Errorf("admin, sales: %v, want %v", viewIDs(l), ids(r4, r3))
		}
		mgr.Do("GET", "/api/leaves/overview/?from=2026-13-01", nil).WantProblem(422, "")
		wantFieldError(t, mgr.Do("GET", "/api/leaves/overview/?from=2026-06-02&to=2026-06-01", nil).WantProblem(422, ""), "query.to")
	})

	t.Run("employees may not", func(t *testing.T) {
		erin.Do("GET", "/api/leaves/overview/", nil).WantProblem(403, "forbidden")
	})
}

func TestLatePenalty(t *testing.T) {
	t.Parallel()
	// Hired in 2025: the paper log of that year is recorded below.
	tm := newTeam(t, utc("2026-06-01 05:00"), staff("UTC", "08:00", 0, "2025-01-01"),
		withConfig(func(c *Config) { c.LatePenaltyMinutes = 60 }))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	record := func(typ, at string) {
		mgr.Do("POST", "/api/attendance/", map[string]any{"type": typ, "employee_id": emp.ID(), "timestamp": utc(at), "note": "paper log"}).Want(201)
	}
	// Late by 90 minutes in 2025, recorded from the paper log.
	record("entry", "2025-12-01 09:30")
	record("exit", "2025-12-01 17:00")
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 0, 0, 15)
	wantBalance(t, emp.balance("?year=2025"), emp.ID(), 2025, 15, 0, 0, 1, 14)
	// Fourteen days asked for while no lateness costs anything yet.
	early := emp.requestLeave("annual", "2026-07-01", "2026-07-20")

	clock.Set(utc("2026-06-01 09:10"))
	emp.clock("entry") // late by 70
	clock.Set(utc("2026-06-01 17:00"))
	emp.clock("exit")
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 14, 1, 0)

	clock.Set(utc("2026-06-02 09:00"))
	tuesday := emp.clock("entry") // late by 60: 130 minutes, two whole hours
	clock.Set(utc("2026-06-02 17:00"))
	emp.clock("exit")
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 14, 2, -1)
	wantBalance(t, mgr.balance(fmt.Sprintf("?employee_id=%d", emp.ID())), emp.ID(), 2026, 15, 0, 14, 2, -1)
	// Approval counts the penalty: 0 + 14 > 15 - 2.
	mgr.decide(early.ID, "approve", "").WantProblem(422, "insufficient_balance")
	emp.cancel(early.ID).Want(200)
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 0, 2, 13)

	emp.Do("POST", "/api/leaves/request/", leaveBody("annual", "2026-07-01", "2026-07-20")).WantProblem(422, "insufficient_balance") // 14 days
	r := emp.requestLeave("annual", "2026-07-01", "2026-07-17")                                                                      // 13 days
	mgr.approve(r.ID)
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 13, 0, 2, 0)
	emp.Do("POST", "/api/leaves/request/", leaveBody("annual", "2026-07-20", "2026-07-20", "half_day", true)).WantProblem(422, "insufficient_balance")

	// Voiding the late Tuesday entry gives an hour back.
	mgr.Do("DELETE", fmt.Sprintf("/api/attendance/%d/", tuesday.ID), map[string]string{"note": "was at a client"}).Want(200)
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 13, 0, 1, 1)
	emp.requestLeave("annual", "2026-07-20", "2026-07-20")
}

func TestLeaveAndLateness(t *testing.T) {
	t.Parallel()
	tm := newTeam(t, utc("2026-06-01 05:00"), staff("UTC", "08:00", 0, "2026-01-01"))
	mgr, emp, clock := tm.mgr, tm.emp, tm.clock
	steps := []struct {
		at, typ string
	}{
		{"2026-06-01 09:30", "entry"}, // late 90
		{"2026-06-01 17:00", "exit"},
		{"2026-06-02 09:00", "entry"}, // late 60
		{"2026-06-02 12:00", "exit"},
	}
	for _, s := range steps {
		clock.Set(utc(s.at))
		emp.clock(s.typ)
	}
	lateness := func(date string) (bool, int) {
		t.Helper()
		l := emp.events("?from=" + date + "&to=" + date)
		for _, e := range l.Results {
			if e.Type == attendance.Entry {
				return e.Late, e.LateMinutes
			}
		}
		t.Fatalf("no entry on %s", date)
		return false, 0
	}
	if late, m := lateness("2026-06-01"); !late || m != 90 {
		t.Fatalf("Monday = late %v by %d, want late by 90", late, m)
	}
	// The policy is off: lateness costs no leave.
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 0, 0, 0, 15)

	// Sick on Monday, reported afterwards; a half day off on Tuesday morning;
	// Wednesday off; Thursday simply absent; Friday a half day off, not in.
	mgr.approve(emp.requestLeave("sick", "2026-06-01", "2026-06-01").ID)
	if late, m := lateness("2026-06-01"); late || m != 0 {
		t.Errorf("Monday under approved leave = late %v by %d, want on time", late, m)
	}
	half := emp.requestLeave("annual", "2026-06-02", "2026-06-02", "half_day", true)
	if late, _ := lateness("2026-06-02"); !late {
		t.Errorf("Tuesday is no longer late before the leave is approved")
	}
	mgr.approve(half.ID)
	if late, m := lateness("2026-06-02"); late || m != 0 {
		t.Errorf("Tuesday under approved half-day leave = late %v by %d, want on time", late, m)
	}
	mgr.approve(emp.requestLeave("annual", "2026-06-03", "2026-06-03").ID)
	mgr.approve(emp.requestLeave("annual", "2026-06-05", "2026-06-05", "half_day", true).ID)
	clock.Set(utc("2026-06-06 09:00"))

	var ov overview
	mgr.Do("GET", fmt.Sprintf("/api/attendance/overview/?from=2026-06-01&to=2026-06-05&employee_id=%d", emp.ID()), nil).Want(200).JSON(&ov)
	testenv.SameJSON(t, "overview", ov.Totals, attendance.OverviewTotals{DaysPresent: 2, AbsentDays: 1, LeaveDays: 3,
		WorkedSeconds: 37800, WorkedHours: 10.5})
	wantBalance(t, emp.balance(""), emp.ID(), 2026, 15, 2, 0, 0, 13)
}

// TestLeaveApprovalRace has two managers approve two requests at the same
// instant that together would overdraw the balance: one must lose.
func TestLeaveApprovalRace(t *testing.T) {
	t.Parallel()
	app, _ := startAt(t, utc("2026-06-01 08:00"))
	admin := app.Admin
	mgr := admin.NewUser("mgr", staff("UTC", "08:00", 0, "2026-01-01", "role", "manager"))
	for i := range 20 {
		e := mgr.NewUser(fmt.Sprintf("racer%02d", i), staff("UTC", "08:00", 0, "2026-01-01", "annual_leave_days", 6))
		a := e.requestLeave("annual", "2026-06-08", "2026-06-10")
		b := e.requestLeave("annual", "2026-06-15", "2026-06-17")
		admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", e.ID()), map[string]any{"annual_leave_days": 5}).Want(200)
		deciders := []*client{mgr, admin}
		reqs := []leave{a, b}
		outs := concurrently(t, 2, func(i int) (int, []byte, error) {
			return deciders[i].send("POST", fmt.Sprintf("/api/leaves/%d/action/", reqs[i].ID), map[string]string{"action": "approve"})
		})
		if got := tally(outs); fmt.Sprint(got) != fmt.Sprint(map[string]int{"200": 1, "422 insufficient_balance": 1}) {
			t.Fatalf("round %d: %v, want one 200 and one 422 insufficient_balance", i, got)
		}
		b5 := mgr.balance(fmt.Sprintf("?employee_id=%d", e.ID()))
		if b5.Used != 3 || b5.Pending != 3 || b5.Used > b5.Allowance-b5.LatePenalty {
			t.Fatalf("round %d: balance %+v, want 3 used of 5, 3 pending", i, b5)
		}
		if l := e.leaves("?status=approved"); l.Count != 1 {
			t.Fatalf("round %d: %d approved requests, want 1", i, l.Count)
		}
	}
}
