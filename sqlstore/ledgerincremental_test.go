package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// TestLeaveLedgerReadsWhatChanged: two companies, the same in every
// write, over nine simulated months (a year end, month starts, expiry
// dates, outages of days): the leave_ledger job of one reads only the
// balances that can have something newly due since its last run, that of
// the other every balance, each run. Both write exactly the same entries,
// run after run, while the first reads far fewer balances. Between runs,
// at random, employees request leave and cancel it, a manager decides,
// an admin changes allowances, hiring dates, zones, deactivates someone,
// hires someone, and once changes a leave type; and a pending request of
// December is cancelled in January, which leaves days to carry over.
func TestLeaveLedgerReadsWhatChanged(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		inc, full := newEnv(t, kind), newEnv(t, kind)
		envs := []*env{inc, full}
		jobs := []*sqlstore.LedgerJobs{sqlstore.NewLedgerJobs(inc.DB.DB), sqlstore.NewLedgerJobs(full.DB.DB)}
		rng := rand.New(rand.NewPCG(3, 1))
		set := func(at time.Time) {
			for _, e := range envs {
				e.Clock.Set(at)
			}
		}
		// each does a write in both companies: they must agree on it.
		each := func(what string, fn func(e *env) (any, error)) any {
			t.Helper()
			a, erra := fn(inc)
			_, errb := fn(full)
			if attendance.ErrorCode(erra) != attendance.ErrorCode(errb) {
				t.Fatalf("%s: %v in one company, %v in the other", what, erra, errb)
			}
			if erra != nil && attendance.ErrorKind(erra) == attendance.KindInternal {
				t.Fatalf("%s: %v", what, erra)
			}
			if erra != nil {
				return nil
			}
			return a
		}
		create := func(username string, role attendance.Role, manager *int64, zone string, hired attendance.Date, days float64) *attendance.Employee {
			t.Helper()
			emp := each("create "+username, func(e *env) (any, error) {
				return e.Employees.CreateEmployee(ctx, e.Admin, attendance.EmployeeFields{Username: &username, Password: ptr(testPassword),
					Role: &role, ManagerID: manager, ManagerIDSet: true, Timezone: &zone, HiredOn: &hired, AnnualLeaveDays: &days})
			})
			if emp == nil {
				t.Fatalf("create %s", username)
			}
			return emp.(*attendance.Employee)
		}

		// The types: annual (yearly_full) carrying 5 days over to 31 March,
		// "study" accruing monthly, carrying 3 over to 30 June, and "bonus"
		// granted yearly (pro-rated), carrying 2 over for ever.
		five, three, two := attendance.WholeDays(5), attendance.WholeDays(3), attendance.WholeDays(2)
		march, june := attendance.MonthDay{Month: time.March, Day: 31}, attendance.MonthDay{Month: time.June, Day: 30}
		each("annual", func(e *env) (any, error) {
			return e.LeaveTypes.UpdateLeaveType(ctx, e.Admin, attendance.LeaveAnnual, attendance.LeavePolicyFields{CarryOverMax: &five, CarryOverExpires: &march})
		})
		for _, f := range []attendance.LeavePolicyFields{
			{Code: ptr(attendance.LeaveType("study")), Name: ptr("Study"), Accrual: ptr(attendance.AccrualMonthly), Allowance: ptr(attendance.WholeDays(12)),
				CarryOverMax: &three, CarryOverExpires: &june},
			{Code: ptr(attendance.LeaveType("bonus")), Name: ptr("Bonus"), Accrual: ptr(attendance.AccrualYearly), Allowance: ptr(attendance.WholeDays(6)),
				CarryOverMax: &two},
		} {
			if each("create type", func(e *env) (any, error) { return e.LeaveTypes.CreateLeaveType(ctx, e.Admin, f) }) == nil {
				t.Fatal("create type")
			}
		}
		codes := []attendance.LeaveType{attendance.LeaveAnnual, "study", "bonus"}
		zones := []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin", "America/New_York", "Asia/Kolkata"}
		mgr := create("mgr", attendance.RoleManager, nil, "Europe/Berlin", date("2024-03-01"), 25)
		people := []*attendance.Employee{mgr}
		for i, hired := range []string{"2025-06-20", "2026-11-10", "2026-11-20", "2027-02-14", "2026-12-01"} {
			people = append(people, create(fmt.Sprintf("emp%d", i), attendance.RoleEmployee, &mgr.ID, zones[i+1], date(hired), float64(10+5*i)))
		}
		// The scripted ones, whom the random writes leave alone: three ask
		// for their whole annual allowance in December, so that nothing is
		// left to carry over at the year end, until their request is
		// cancelled, rejected, or an adjustment adds a day in January.
		canceller := create("canceller", attendance.RoleEmployee, &mgr.ID, "Pacific/Kiritimati", date("2026-01-05"), 2)
		rejected := create("rejected", attendance.RoleEmployee, &mgr.ID, "Pacific/Pago_Pago", date("2026-01-05"), 2)
		adjusted := create("adjusted", attendance.RoleEmployee, &mgr.ID, "UTC", date("2026-01-05"), 2)
		// allowance has no bonus days until May; rehired's hiring date
		// moves from 20 March to 1 March in March; newcomer is hired in
		// May from 1 April.
		allowance := create("allowance", attendance.RoleEmployee, &mgr.ID, "Europe/Berlin", date("2024-01-01"), 20)
		rehired := create("rehired", attendance.RoleEmployee, &mgr.ID, "America/New_York", date("2027-03-20"), 20)
		each("no bonus", func(e *env) (any, error) {
			return e.Allowances.SetAllowance(ctx, e.Admin, allowance.ID, "bonus", ptr(attendance.WholeDays(0)))
		})
		december := map[int64]int64{}
		script := []struct {
			on string
			do func()
		}{
			{"2026-12-01", func() {
				for _, who := range []*attendance.Employee{canceller, rejected, adjusted} {
					r := each("December", func(e *env) (any, error) {
						return e.Leave.RequestLeave(ctx, who.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveAnnual,
							StartDate: date("2026-12-14"), EndDate: date("2026-12-15")})
					})
					if r == nil {
						t.Fatalf("%s's December", who.Username)
					}
					december[who.ID] = r.(*attendance.LeaveRequest).ID
				}
				each("approve", func(e *env) (any, error) {
					return e.Leave.DecideLeave(ctx, mgr.Actor(), december[adjusted.ID], attendance.Approve, "")
				})
			}},
			{"2027-01-06", func() {
				each("cancel", func(e *env) (any, error) { return e.Leave.CancelLeave(ctx, canceller.Actor(), december[canceller.ID]) })
			}},
			{"2027-01-07", func() {
				each("reject", func(e *env) (any, error) {
					return e.Leave.DecideLeave(ctx, mgr.Actor(), december[rejected.ID], attendance.Reject, "no")
				})
			}},
			{"2027-01-08", func() {
				each("adjust", func(e *env) (any, error) {
					return e.Ledger.Adjust(ctx, e.Admin, attendance.AdjustmentInput{EmployeeID: adjusted.ID, LeaveType: attendance.LeaveAnnual,
						Year: 2026, Days: attendance.WholeDays(1), Note: "A day owed."})
				})
			}},
			{"2027-03-10", func() {
				each("rehire", func(e *env) (any, error) {
					return e.Employees.UpdateEmployee(ctx, e.Admin, rehired.ID, attendance.EmployeeFields{HiredOn: ptr(date("2027-03-01"))})
				})
			}},
			{"2027-05-10", func() {
				each("bonus", func(e *env) (any, error) {
					return e.Allowances.SetAllowance(ctx, e.Admin, allowance.ID, "bonus", ptr(attendance.WholeDays(6)))
				})
				create("newcomer", attendance.RoleEmployee, &mgr.ID, "Asia/Kolkata", date("2027-04-01"), 20)
			}},
			{"2027-08-01", func() {
				each("change study", func(e *env) (any, error) {
					return e.LeaveTypes.UpdateLeaveType(ctx, e.Admin, "study", attendance.LeavePolicyFields{Allowance: ptr(attendance.WholeDays(18))})
				})
			}},
		}

		var requests []int64
		request := func(who *attendance.Employee, code attendance.LeaveType, start, end attendance.Date) {
			r := each("request", func(e *env) (any, error) {
				return e.Leave.RequestLeave(ctx, who.Actor(), attendance.LeaveInput{LeaveType: code, StartDate: start, EndDate: end})
			})
			if r != nil {
				requests = append(requests, r.(*attendance.LeaveRequest).ID)
			}
		}

		runs, readInc, readFull := 0, 0, 0
		run := func() {
			t.Helper()
			if err := jobs[1].ForgetLeaveLedgerMark(ctx); err != nil {
				t.Fatal(err)
			}
			var got [2][]string
			var balances [2]int
			for i, j := range jobs {
				r, err := j.RunJob(ctx, attendance.JobLeaveLedger)
				if err != nil || r == nil || r.Status != attendance.JobSucceeded {
					t.Fatalf("run at %s: %+v, %v", envs[i].Clock.Now(), r, err)
				}
				balances[i] = r.Balances
				list, _, err := envs[i].Ledger.JobRunEntries(ctx, envs[i].Admin, r.ID, attendance.Page{Limit: attendance.MaxPageLimit})
				if err != nil {
					t.Fatal(err)
				}
				for _, en := range list {
					got[i] = append(got[i], fmt.Sprintf("%d %s %d %s %s %s %s %q", en.EmployeeID, en.LeaveType, en.Year, en.Kind, en.Date,
						en.Amount, en.Period, en.Note))
				}
				slices.Sort(got[i])
			}
			if !slices.Equal(got[0], got[1]) {
				t.Fatalf("run at %s: reading what changed (%d balances) wrote\n%q\nreading every balance (%d) wrote\n%q",
					inc.Clock.Now().UTC(), balances[0], got[0], balances[1], got[1])
			}
			runs++
			readInc += balances[0]
			readFull += balances[1]
		}

		now := monday.Add(time.Hour)
		set(now)
		run()
		for end := date("2027-08-10").In(time.UTC); now.Before(end); {
			switch n := rng.IntN(10); {
			case n < 4:
				now = now.Add(time.Duration(1+rng.IntN(6)) * time.Hour)
			case n < 9:
				now = now.Add(time.Duration(24+rng.IntN(24)) * time.Hour)
			default:
				now = now.Add(time.Duration(48+rng.IntN(48)) * time.Hour) // a worker down for days
			}
			set(now)
			today := attendance.DateOf(now)
			for len(script) > 0 && today >= date(script[0].on) {
				script[0].do()
				script = script[1:]
			}
			who := people[1+rng.IntN(len(people)-1)]
			switch op := rng.IntN(16); {
			case op < 4:
				start := today.AddDays(rng.IntN(40) - 3)
				request(who, codes[rng.IntN(len(codes))], start, start.AddDays(rng.IntN(3)))
			case op < 6 && len(requests) > 0:
				id := requests[rng.IntN(len(requests))]
				action := []attendance.LeaveAction{attendance.Approve, attendance.Reject}[rng.IntN(2)]
				each("decide", func(e *env) (any, error) { return e.Leave.DecideLeave(ctx, mgr.Actor(), id, action, "") })
			case op < 7 && len(requests) > 0:
				id := requests[rng.IntN(len(requests))]
				for _, p := range people {
					each("cancel", func(e *env) (any, error) { return e.Leave.CancelLeave(ctx, p.Actor(), id) })
				}
			case op < 8:
				code := codes[1+rng.IntN(2)]
				var a *attendance.Amount
				if v := rng.IntN(4); v > 0 {
					a = ptr(attendance.WholeDays(int64(v*5 - 5)))
				}
				each("allowance", func(e *env) (any, error) { return e.Allowances.SetAllowance(ctx, e.Admin, who.ID, code, a) })
			case op < 9:
				f := attendance.EmployeeFields{}
				switch rng.IntN(4) {
				case 0:
					f.HiredOn = ptr(today.AddDays(rng.IntN(120) - 60))
				case 1:
					f.Timezone = ptr(zones[rng.IntN(len(zones))])
				case 2:
					f.Active = ptr(rng.IntN(2) == 0)
				default:
					f.AnnualLeaveDays = ptr(float64(rng.IntN(30)))
				}
				each("edit", func(e *env) (any, error) { return e.Employees.UpdateEmployee(ctx, e.Admin, who.ID, f) })
			case op < 10 && len(people) < 12:
				people = append(people, create(fmt.Sprintf("new%d", len(people)), attendance.RoleEmployee, &mgr.ID,
					zones[rng.IntN(len(zones))], today.AddDays(rng.IntN(60)-20), float64(rng.IntN(25))))
			}
			run()
		}
		t.Logf("%d runs: reading what changed read %d balances, reading everything %d", runs, readInc, readFull)
		if runs < 200 || readInc*3 > readFull {
			t.Errorf("%d runs, %d balances read of %d: the test proves little", runs, readInc, readFull)
		}
	})
}
