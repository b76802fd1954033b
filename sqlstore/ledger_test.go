package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestLedgerService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		annual := attendance.LeaveAnnual
		allowance := func(days float64) func(*attendance.EmployeeFields) {
			return func(f *attendance.EmployeeFields) { f.AnnualLeaveDays = &days }
		}

		t.Run("HourlyLeaveIsExplained", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			at := func(s string) *attendance.TimeOfDay { v := attendance.MustParseTimeOfDay(s); return &v }
			hours := func(from, to string) attendance.LeaveInput {
				return attendance.LeaveInput{LeaveType: annual, StartDate: date("2026-12-07"), EndDate: date("2026-12-07"), StartTime: at(from), EndTime: at(to)}
			}
			pv, err := e.Ledger.PreviewLeave(ctx, emp.Actor(), hours("08:00", "10:00"))
			if err != nil || !pv.OK || pv.DaysExact != "2/9" || *pv.Minutes != 120 || *pv.DayMinutes != 540 || pv.RemainingAfter.String() != "133/9" {
				t.Fatalf("preview: %+v, %v; want 2/9 of a day, 133/9 left", pv, err)
			}
			r, err := e.Leave.RequestLeave(ctx, emp.Actor(), hours("08:00", "10:00"))
			if err != nil || r.DaysExact != "2/9" || r.Days != 0.22 || r.Unit != attendance.UnitHour {
				t.Fatalf("two hours: %+v, %v", r, err)
			}
			if _, err := e.Leave.RequestLeave(ctx, emp.Actor(), hours("09:00", "11:00")); attendance.ErrorCode(err) != "overlap" {
				t.Errorf("hours that meet others: %v, want overlap", err)
			}
			if _, err := e.Leave.RequestLeave(ctx, emp.Actor(), hours("15:00", "17:00")); err != nil {
				t.Errorf("hours that do not meet: %v", err)
			}
			if pv, err := e.Ledger.PreviewLeave(ctx, emp.Actor(), hours("09:00", "11:00")); err != nil || pv.OK || pv.Code != "overlap" {
				t.Errorf("preview of an overlap: %+v, %v", pv, err)
			}
			if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
				t.Fatal(err)
			}
			list, n, err := e.Ledger.ListLedger(ctx, emp.Actor(), attendance.LedgerFilter{})
			if err != nil || n != 2 {
				t.Fatalf("ledger: %d entries, %v; want the grant and the leave taken", n, err)
			}
			taken, grant := list[0], list[1]
			if grant.Kind != attendance.EntryGrant || grant.AmountExact != "15" || grant.ID == 0 || grant.Period != "2026" {
				t.Errorf("grant %+v, want 15 days recorded by the approval", grant)
			}
			if taken.Kind != attendance.EntryTaken || taken.AmountExact != "-2/9" || taken.BalanceExact != "133/9" || *taken.LeaveRequestID != r.ID {
				t.Errorf("taken %+v, want -2/9 leaving 133/9", taken)
			}
			b, err := e.Ledger.TypeBalance(ctx, mgr.Actor(), &emp.ID, nil, nil)
			if err != nil || b.Used.String() != "2/9" || b.Pending.String() != "2/9" || *b.RemainingExact != "131/9" {
				t.Errorf("balance %+v, %v; want 2/9 used, 2/9 pending, 131/9 left", b, err)
			}
			// Cancelled before it starts: the days come back, as an entry.
			if _, err := e.Leave.CancelLeave(ctx, emp.Actor(), r.ID); err != nil {
				t.Fatal(err)
			}
			list, _, _ = e.Ledger.ListLedger(ctx, emp.Actor(), attendance.LedgerFilter{})
			if list[0].Kind != attendance.EntryReturned || list[0].AmountExact != "2/9" || list[0].BalanceExact != "15" {
				t.Errorf("after the cancel: %+v, want 2/9 returned", list[0])
			}
		})

		t.Run("LateAfterHourlyLeave", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			at := func(s string) *attendance.TimeOfDay { v := attendance.MustParseTimeOfDay(s); return &v }
			r, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: annual, StartDate: date("2026-11-03"),
				EndDate: date("2026-11-03"), StartTime: at("08:00"), EndTime: at("10:00")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
				t.Fatal(err)
			}
			// On leave 08:00-10:00, in at 10:05: 5 minutes late, not 125.
			ev := e.clockAt(t, emp.Actor(), "2026-11-03T10:05:00Z", attendance.Entry)
			if !ev.Late || ev.LateMinutes != 5 {
				t.Errorf("entry at 10:05 after leave to 10:00: late %v, %d minutes; want 5", ev.Late, ev.LateMinutes)
			}
		})

		t.Run("TypesAccrualAndAdjustments", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			_, emp := e.team(t)
			code, name, monthly, six := attendance.LeaveType("study"), "Study leave", attendance.AccrualMonthly, attendance.WholeDays(6)
			p, err := e.LeaveTypes.CreateLeaveType(ctx, e.Admin, attendance.LeavePolicyFields{Code: &code, Name: &name, Accrual: &monthly, Allowance: &six})
			if err != nil || p.Accrual != monthly {
				t.Fatalf("create: %+v, %v", p, err)
			}
			if _, err := e.LeaveTypes.CreateLeaveType(ctx, e.Admin, attendance.LeavePolicyFields{Code: &code, Name: &name}); attendance.ErrorCode(err) != "leave_type_exists" {
				t.Errorf("the same code again: %v", err)
			}
			if _, err := e.LeaveTypes.CreateLeaveType(ctx, emp.Actor(), attendance.LeavePolicyFields{Code: &code, Name: &name}); attendance.ErrorKind(err) != attendance.KindForbidden {
				t.Errorf("an employee creates a type: %v", err)
			}
			// Hired on 2 November: November accrues (half of a day a month).
			b, err := e.Ledger.TypeBalance(ctx, emp.Actor(), nil, &code, nil)
			if err != nil || *b.RemainingExact != "1/2" {
				t.Fatalf("study balance %+v, %v; want the November credit", b, err)
			}
			// December's comes on the 1st.
			e.Clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
			b, _ = e.Ledger.TypeBalance(ctx, emp.Actor(), nil, &code, nil)
			if *b.RemainingExact != "1" {
				t.Errorf("study balance in December %+v, want 1", b)
			}
			in := attendance.AdjustmentInput{EmployeeID: emp.ID, LeaveType: annual, Year: 2026, Days: attendance.HalfDays(3), Note: "Overtime in the audit week",
				Idempotency: &attendance.Idempotency{Key: "k1", Hash: "h1"}}
			adj, err := e.Ledger.Adjust(ctx, e.Admin, in)
			if err != nil || adj.Note != in.Note || adj.BalanceExact != "33/2" {
				t.Fatalf("adjust: %+v, %v", adj, err)
			}
			again, err := e.Ledger.Adjust(ctx, e.Admin, in)
			if err != nil || again.ID != adj.ID {
				t.Errorf("the retry: %+v, %v; want the same entry", again, err)
			}
			in.Note, in.Idempotency = "", nil
			if _, err := e.Ledger.Adjust(ctx, e.Admin, in); attendance.ErrorCode(err) != "invalid" {
				t.Errorf("without a note: %v", err)
			}
			in.Note = "mine"
			in.EmployeeID = e.Admin.ID
			if _, err := e.Ledger.Adjust(ctx, e.Admin, in); err != nil {
				t.Errorf("the lone admin's own balance: %v", err) // nobody else could
			}
			b, _ = e.Ledger.TypeBalance(ctx, emp.Actor(), nil, nil, nil)
			if b.Adjusted.String() != "3/2" || *b.RemainingExact != "33/2" {
				t.Errorf("balance after the adjustment %+v", b)
			}
			// In use: retired, not deleted.
			if err := e.LeaveTypes.DeleteLeaveType(ctx, e.Admin, annual); attendance.ErrorCode(err) != "built_in" {
				t.Errorf("delete annual: %v", err)
			}
			if _, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: code, StartDate: date("2026-12-14"), EndDate: date("2026-12-14")}); err != nil {
				t.Fatal(err)
			}
			if err := e.LeaveTypes.DeleteLeaveType(ctx, e.Admin, code); attendance.ErrorCode(err) != "leave_type_in_use" {
				t.Errorf("delete a type in use: %v", err)
			}
			yes := true
			if _, err := e.LeaveTypes.UpdateLeaveType(ctx, e.Admin, code, attendance.LeavePolicyFields{Retired: &yes}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: code, StartDate: date("2026-12-15"), EndDate: date("2026-12-15")}); attendance.ErrorCode(err) != "leave_type_retired" {
				t.Errorf("a request of a retired type: %v", err)
			}
		})

		t.Run("Races", func(t *testing.T) {
			t.Parallel()
			t.Run("RequestsNeverExceedTheBalance", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, _ := e.team(t)
				for round := range raceRounds {
					emp := e.mustCreate(t, mgr.Actor(), "racer"+string(rune('a'+round)), attendance.RoleEmployee, &mgr.ID, allowance(1))
					errs := both(func(i int) error {
						d := date("2026-12-07").AddDays(i)
						_, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: annual, StartDate: d, EndDate: d})
						return err
					})
					if ok := outcomes(t, "two requests", errs, "insufficient_balance"); ok != 1 {
						t.Fatalf("round %d: %d of two requests of 1 day each made on a balance of 1: %v", round, ok, errs)
					}
				}
			})
			t.Run("ApprovalsNeverOverdraw", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, _ := e.team(t)
				for round := range raceRounds {
					emp := e.mustCreate(t, mgr.Actor(), "approved"+string(rune('a'+round)), attendance.RoleEmployee, &mgr.ID, allowance(2))
					a := e.mustRequest(t, emp.Actor(), annual, "2026-12-07", "2026-12-07")
					b := e.mustRequest(t, emp.Actor(), annual, "2026-12-08", "2026-12-08")
					// The allowance falls below what is pending: approvals decide.
					one := attendance.WholeDays(1)
					if _, err := e.Allowances.SetAllowance(ctx, mgr.Actor(), emp.ID, annual, &one); err != nil {
						t.Fatal(err)
					}
					errs := both(func(i int) error {
						id := []int64{a.ID, b.ID}[i]
						_, err := e.Leave.DecideLeave(ctx, mgr.Actor(), id, attendance.Approve, "")
						return err
					})
					if ok := outcomes(t, "two approvals", errs, "insufficient_balance"); ok != 1 {
						t.Fatalf("round %d: %d of two approvals of 1 day each on a balance of 1: %v", round, ok, errs)
					}
					bal, err := e.Ledger.TypeBalance(ctx, mgr.Actor(), &emp.ID, nil, nil)
					if err != nil || bal.Used != one || bal.Allowance != one {
						t.Fatalf("round %d: balance %+v, %v; want 1 of 1 used", round, bal, err)
					}
				}
			})
		})
	})
}
