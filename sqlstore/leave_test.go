package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
)

func TestLeaveService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("RequestLeave", func(t *testing.T) {
			t.Parallel()
			t.Run("CostsWorkingDays", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				if _, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-12-08"), Name: "h"}); err != nil {
					t.Fatal(err)
				}
				// Fri 4 to Wed 9 December: Fri, Mon, Wed; the weekend and the holiday are free.
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-04", "2026-12-09")
				if r.CurrentStep == nil || *r.CurrentStep != 1 || len(r.Chain.Steps) != 1 || r.Chain.Steps[0].Status != attendance.StepPending {
					t.Errorf("chain %+v at step %v, want the default chain's one step pending", r.Chain, r.CurrentStep)
				}
				r.Chain, r.CurrentStep = nil, nil
				want := attendance.LeaveRequest{ID: r.ID, EmployeeID: emp.ID, LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-04"),
					EndDate: date("2026-12-09"), Days: 3, Status: attendance.LeavePending, CreatedAt: monday,
					Unit: attendance.UnitDay, DaysExact: "3", CanCancelNow: ptr(true), CanDecideNow: ptr(false)}
				testenv.SameJSON(t, "request", r, want)
				half, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveAnnual,
					StartDate: date("2026-12-14"), EndDate: date("2026-12-14"), HalfDay: true})
				if err != nil || half.Days != 0.5 {
					t.Errorf("half a day: %+v, %v; want 0.5", half, err)
				}
				if got := e.notifications(t, mgr.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLeaveRequested, attendance.NotifyLeaveRequested}) {
					t.Errorf("manager's notifications %q, want two leave requests", got)
				}
				if got := e.Emitted.Of(attendance.MessageLeave); len(got) != 2 || got[0].Topic() != "leave.pending" {
					t.Errorf("leave messages %+v, want two leave.pending", got)
				}
			})
			t.Run("Refusals", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-12-07", "2026-12-08")
				tests := []struct {
					name string
					in   attendance.LeaveInput
					code string
				}{
					{"overlapping a pending request", attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-08"), EndDate: date("2026-12-10")}, "overlap"},
					{"more than the balance", attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-11-09"), EndDate: date("2026-11-30")}, "insufficient_balance"},
					{"only a weekend", attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-12"), EndDate: date("2026-12-13")}, "invalid"},
					{"end before start", attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-15"), EndDate: date("2026-12-14")}, "invalid"},
				}
				for _, tt := range tests {
					if _, err := e.Leave.RequestLeave(ctx, emp.Actor(), tt.in); attendance.ErrorCode(err) != tt.code {
						t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
					}
				}
			})
			t.Run("Idempotency", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				in := attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-12-07"), EndDate: date("2026-12-07"),
					Idempotency: &attendance.Idempotency{Key: "k", Hash: "h"}}
				first, err := e.Leave.RequestLeave(ctx, emp.Actor(), in)
				if err != nil {
					t.Fatal(err)
				}
				again, err := e.Leave.RequestLeave(ctx, emp.Actor(), in)
				if err != nil || again.ID != first.ID {
					t.Errorf("the same key again: %+v, %v; want request %d", again, err, first.ID)
				}
			})
		})

		t.Run("ListLeave", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			a := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
			b := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2027-01-04", "2027-01-04")
			e.mustRequest(t, mgr.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
			ids := func(list []*attendance.LeaveRequest) []int64 {
				out := []int64{}
				for _, r := range list {
					out = append(out, r.ID)
				}
				return out
			}
			tests := []struct {
				name string
				f    attendance.LeaveFilter
				want []int64
			}{
				{"own, newest first", attendance.LeaveFilter{}, []int64{b.ID, a.ID}},
				{"another's id is ignored", attendance.LeaveFilter{EmployeeIDs: []int64{mgr.ID}}, []int64{b.ID, a.ID}},
				{"year", attendance.LeaveFilter{Year: ptr(2027)}, []int64{b.ID}},
				{"status", attendance.LeaveFilter{Status: ptr(attendance.LeaveApproved)}, []int64{}},
				{"overlapping a range", attendance.LeaveFilter{From: ptr(date("2026-12-01")), To: ptr(date("2026-12-31"))}, []int64{a.ID}},
			}
			for _, tt := range tests {
				list, n, err := e.Leave.ListLeave(ctx, emp.Actor(), tt.f)
				if err != nil || !slices.Equal(ids(list), tt.want) || n != len(tt.want) {
					t.Errorf("%s: %v (count %d), %v; want %v", tt.name, ids(list), n, err, tt.want)
				}
			}
		})

		t.Run("DecideLeave", func(t *testing.T) {
			t.Parallel()
			t.Run("ApproveAndReject", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				r1 := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-08")
				r2 := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-14", "2026-12-14")
				e.Clock.Set(monday.Add(time.Hour))
				got, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r1.ID, attendance.Approve, "enjoy")
				if err != nil || got.Status != attendance.LeaveApproved || *got.DecidedBy != mgr.ID || !got.DecidedAt.Equal(monday.Add(time.Hour)) || got.DecisionComment != "enjoy" {
					t.Fatalf("approved: %+v, %v", got, err)
				}
				if got, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r2.ID, attendance.Reject, ""); err != nil || got.Status != attendance.LeaveRejected {
					t.Fatalf("rejected: %+v, %v", got, err)
				}
				_, err = e.Leave.DecideLeave(ctx, mgr.Actor(), r1.ID, attendance.Reject, "")
				wantCode(t, err, "not_pending")
				b, err := e.Leave.LeaveBalance(ctx, emp.Actor(), nil, ptr(2026))
				if err != nil || b.Used != 2 || b.Pending != 0 || b.Remaining != 13 {
					t.Errorf("balance %+v, %v; want 2 used, 13 remaining", b, err)
				}
				if got := e.notifications(t, emp.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLeaveDecided, attendance.NotifyLeaveDecided}) {
					t.Errorf("employee's notifications %q, want two decisions", got)
				}
			})
			t.Run("Deciders", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				other := e.mustCreate(t, e.Admin, "other_mgr", attendance.RoleManager, nil)
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-12-07", "2026-12-07")
				own := e.mustRequest(t, mgr.Actor(), attendance.LeaveSick, "2026-12-07", "2026-12-07")
				adminOwn := e.mustRequest(t, e.Admin, attendance.LeaveSick, "2026-12-07", "2026-12-07")
				tests := []struct {
					name  string
					actor attendance.Actor
					id    int64
					code  string
				}{
					{"the employee", emp.Actor(), r.ID, "forbidden"},
					{"a manager out of scope", other.Actor(), r.ID, "not_found"},
					{"a manager's own", mgr.Actor(), own.ID, "own_request"},
					{"no such request", mgr.Actor(), 999, "not_found"},
					{"the only admin's own", e.Admin, adminOwn.ID, ""},
				}
				for _, tt := range tests {
					if _, err := e.Leave.DecideLeave(ctx, tt.actor, tt.id, attendance.Approve, ""); attendance.ErrorCode(err) != tt.code {
						t.Errorf("%s: %v, want %q", tt.name, err, tt.code)
					}
				}
				_, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, "maybe", "")
				wantCode(t, err, "invalid")
			})
			t.Run("ApprovalExcusesLateness", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				e.clockAt(t, emp.Actor(), "2026-11-02T10:00:00Z", attendance.Entry)
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-02", "2026-11-02")
				if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
					t.Fatal(err)
				}
				evs, _, err := e.Attendance.ListEvents(ctx, emp.Actor(), attendance.EventFilter{})
				if err != nil || evs[0].Late {
					t.Errorf("the entry on approved leave: %+v, %v; want not late", evs, err)
				}
			})
			t.Run("LowBalanceAtOnce", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind) // threshold 3 days (storetest.Config)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				emp := e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
					f.AnnualLeaveDays = ptr(5.0)
				})
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-08")
				if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
					t.Fatal(err)
				}
				want := []attendance.NotificationKind{attendance.NotifyLeaveDecided, attendance.NotifyLowLeaveBalance}
				if got := e.notifications(t, emp.Actor()); !slices.Equal(got, want) {
					t.Errorf("employee's notifications %q, want %q", got, want)
				}
			})
			t.Run("NeverOverdraws", func(t *testing.T) {
				// Two requests that do not both fit, approved at the same
				// instant, many times: never both.
				t.Parallel()
				e := newEnv(t, kind)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				for round := range 10 {
					emp := e.mustCreate(t, mgr.Actor(), fmt.Sprintf("emp%d", round), attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
						f.AnnualLeaveDays = ptr(10.0)
					})
					r1 := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-09")
					r2 := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-14", "2026-12-16")
					// Both were requested within 10 days; 5 fit one of them only.
					if _, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{AnnualLeaveDays: ptr(5.0)}); err != nil {
						t.Fatal(err)
					}
					var wg sync.WaitGroup
					errs := make([]error, 2)
					for i, r := range []*attendance.LeaveRequest{r1, r2} {
						actor := mgr.Actor()
						if i == 1 {
							actor = e.Admin
						}
						wg.Add(1)
						go func() {
							defer wg.Done()
							_, errs[i] = e.Leave.DecideLeave(ctx, actor, r.ID, attendance.Approve, "")
						}()
					}
					wg.Wait()
					ok := 0
					for _, err := range errs {
						switch attendance.ErrorCode(err) {
						case "":
							ok++
						case "insufficient_balance":
						default:
							t.Fatalf("approval: %v", err)
						}
					}
					if ok != 1 {
						t.Fatalf("round %d: %d approvals succeeded, want exactly 1 (%v)", round, ok, errs)
					}
					b, err := e.Leave.LeaveBalance(ctx, emp.Actor(), nil, ptr(2026))
					if err != nil || b.Used != 3 {
						t.Fatalf("balance %+v, %v: want 3 used", b, err)
					}
				}
			})
		})

		t.Run("CancelLeave", func(t *testing.T) {
			t.Parallel()
			t.Run("PendingOrNotStarted", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				pending := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
				approved := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-14", "2026-12-14")
				started := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-02", "2026-11-03")
				for _, r := range []*attendance.LeaveRequest{approved, started} {
					if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
						t.Fatal(err)
					}
				}
				for _, r := range []*attendance.LeaveRequest{pending, approved} {
					if got, err := e.Leave.CancelLeave(ctx, emp.Actor(), r.ID); err != nil || got.Status != attendance.LeaveCancelled {
						t.Errorf("cancel %d: %+v, %v", r.ID, got, err)
					}
				}
				_, err := e.Leave.CancelLeave(ctx, emp.Actor(), started.ID)
				wantCode(t, err, "already_started")
				_, err = e.Leave.CancelLeave(ctx, emp.Actor(), pending.ID)
				wantCode(t, err, "not_cancellable")
				if b, err := e.Leave.LeaveBalance(ctx, emp.Actor(), nil, ptr(2026)); err != nil || b.Used != 0 || b.Pending != 0 {
					t.Errorf("balance after cancelling %+v, %v; want nothing used or pending", b, err)
				}
			})
			t.Run("SomeoneElses", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				stranger := e.mustCreate(t, e.Admin, "stranger", attendance.RoleEmployee, nil)
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
				_, err := e.Leave.CancelLeave(ctx, mgr.Actor(), r.ID)
				wantCode(t, err, "forbidden")
				_, err = e.Leave.CancelLeave(ctx, stranger.Actor(), r.ID)
				wantCode(t, err, "not_found")
			})
		})

		t.Run("LeaveOverview", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			if _, err := e.Employees.UpdateEmployee(ctx, mgr.Actor(), emp.ID, attendance.EmployeeFields{FirstName: ptr("Emma"), Department: ptr("Ops")}); err != nil {
				t.Fatal(err)
			}
			stranger := e.mustCreate(t, e.Admin, "stranger", attendance.RoleEmployee, nil)
			mine := e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
			e.mustRequest(t, stranger.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-07")
			list, n, err := e.Leave.LeaveOverview(ctx, mgr.Actor(), attendance.LeaveFilter{})
			if err != nil || n != 1 || list[0].ID != mine.ID || list[0].EmployeeName != "Emma" {
				t.Fatalf("manager's overview %+v (count %d), %v; want emp's request with their name", list, n, err)
			}
			if _, n, err := e.Leave.LeaveOverview(ctx, e.Admin, attendance.LeaveFilter{}); err != nil || n != 2 {
				t.Errorf("admin's overview: count %d, %v; want 2", n, err)
			}
			if _, n, err := e.Leave.LeaveOverview(ctx, e.Admin, attendance.LeaveFilter{Department: ptr("Ops"), Status: ptr(attendance.LeavePending)}); err != nil || n != 1 {
				t.Errorf("admin's overview of Ops: count %d, %v; want 1", n, err)
			}
			_, _, err = e.Leave.LeaveOverview(ctx, emp.Actor(), attendance.LeaveFilter{})
			wantCode(t, err, "forbidden")
		})

		t.Run("LeaveBalance", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emp := e.team(t)
			e.mustRequest(t, emp.Actor(), attendance.LeaveAnnual, "2026-12-07", "2026-12-08")
			e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-12-14", "2026-12-14")
			want := attendance.Balance{EmployeeID: emp.ID, Year: 2026, Allowance: 15, Pending: 2, Remaining: 13}
			b, err := e.Leave.LeaveBalance(ctx, emp.Actor(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			testenv.SameJSON(t, "own balance, this year", b, want)
			b, err = e.Leave.LeaveBalance(ctx, mgr.Actor(), &emp.ID, ptr(2026))
			if err != nil {
				t.Fatal(err)
			}
			testenv.SameJSON(t, "their manager's view", b, want)
			b, err = e.Leave.LeaveBalance(ctx, emp.Actor(), nil, ptr(2027))
			if err != nil || b.Remaining != 15 {
				t.Errorf("next year: %+v, %v; want 15 remaining", b, err)
			}
			_, err = e.Leave.LeaveBalance(ctx, emp.Actor(), &mgr.ID, nil)
			wantCode(t, err, "not_found")
		})

		t.Run("Races", func(t *testing.T) {
			t.Parallel()
			t.Run("DecideAndCancel", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				for round := range raceRounds {
					day := date("2026-12-07").AddDays(7 * round)
					r, err := e.Leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveSick, StartDate: day, EndDate: day})
					if err != nil {
						t.Fatal(err)
					}
					errs := both(func(i int) error {
						var err error
						if i == 0 {
							_, err = e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, "")
						} else {
							_, err = e.Leave.CancelLeave(ctx, emp.Actor(), r.ID)
						}
						return err
					})
					outcomes(t, "approve and cancel", errs, "not_pending")
					// Before it starts, approved or not, the requester may cancel: the
					// cancel always wins, and the approval only if it came first.
					if errs[1] != nil {
						t.Fatalf("round %d: cancel: %v", round, errs[1])
					}
					list, _, err := e.Leave.ListLeave(ctx, emp.Actor(), attendance.LeaveFilter{})
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range list {
						if l.ID == r.ID && l.Status != attendance.LeaveCancelled {
							t.Fatalf("round %d: status %s after approve and cancel, want cancelled", round, l.Status)
						}
					}
				}
			})
		})
	})
}
