package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestChecks(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("CheckNotArrived", func(t *testing.T) {
			t.Parallel()
			t.Run("OncePerEmployeeAndDate", func(t *testing.T) {
				// The check run twice, and from two workers at once: one
				// notification per employee and date.
				t.Parallel()
				e := newEnv(t, kind)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				absent := e.mustCreate(t, mgr.Actor(), "absent", attendance.RoleEmployee, &mgr.ID)
				here := e.mustCreate(t, mgr.Actor(), "here", attendance.RoleEmployee, &mgr.ID)
				e.clockAt(t, here.Actor(), "2026-11-02T07:50:00Z", attendance.Entry)
				e.Clock.Set(at(t, "2026-11-02T08:30:00Z")) // exactly the deadline: not yet
				if n, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now()); err != nil || n != 0 {
					t.Fatalf("at the deadline: %d, %v", n, err)
				}
				e.Clock.Set(at(t, "2026-11-02T08:31:00Z"))
				var wg sync.WaitGroup
				var mu sync.Mutex
				reported := 0
				for range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now())
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						reported += n
						mu.Unlock()
					}()
				}
				wg.Wait()
				if n, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now()); err != nil || n != 0 {
					t.Errorf("a fourth run: %d, %v; want nobody new", n, err)
				}
				list, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{})
				if err != nil || n != 1 || list[0].Kind != attendance.NotifyNotArrived || list[0].EmployeeID != absent.ID {
					t.Fatalf("manager's notifications = %+v, %v; want one not_arrived about absent", list, err)
				}
				if reported != 2 {
					t.Errorf("%d employees reported in all; want 2 (absent to their manager, the manager to the admin)", reported)
				}
			})
			t.Run("NotOnLeaveOrHolidays", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, "2026-11-02", "2026-11-02")
				if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
					t.Fatal(err)
				}
				if _, err := e.Holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-11-03"), Name: "h"}); err != nil {
					t.Fatal(err)
				}
				for _, now := range []string{"2026-11-02T12:00:00Z", "2026-11-03T12:00:00Z"} {
					e.Clock.Set(at(t, now))
					if _, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now()); err != nil {
						t.Fatal(err)
					}
				}
				list, _, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{})
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range list {
					if n.Kind == attendance.NotifyNotArrived {
						t.Errorf("%s; want no not_arrived on leave or a holiday", n.Message)
					}
				}
			})
		})

		t.Run("CheckLowBalances", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind) // threshold 3 days (storetest.Config)
			mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			low := e.mustCreate(t, mgr.Actor(), "low", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
				f.AnnualLeaveDays = ptr(3.0)
			})
			e.mustCreate(t, mgr.Actor(), "plenty", attendance.RoleEmployee, &mgr.ID)
			for range 2 {
				if n, err := e.Checks.CheckLowBalances(ctx, e.Clock.Now()); err != nil {
					t.Fatal(err)
				} else if got := e.notifications(t, low.Actor()); len(got) != 1 || got[0] != attendance.NotifyLowLeaveBalance {
					t.Fatalf("low's notifications %q after reporting %d; want one low balance", got, n)
				}
			}
			if got := e.notifications(t, mgr.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLowLeaveBalance}) {
				t.Errorf("manager's notifications %q, want one low balance", got)
			}
		})

		t.Run("Cleanup", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			creds, err := e.Auth.FindCredentialsByID(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			s := &attendance.Session{ID: "s1", EmployeeID: 1, RefreshID: "r", CreatedAt: monday, ExpiresAt: monday.Add(time.Minute)}
			if err := e.Auth.CreateSession(ctx, s, creds.PasswordHash); err != nil {
				t.Fatal(err)
			}
			key := &attendance.Idempotency{Key: "k", Hash: "h"}
			first, err := e.Attendance.RecordEvent(ctx, e.Admin, attendance.RecordEvent{Type: attendance.Entry, Idempotency: key})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := e.Auth.BeginLoginAttempt(ctx, "login|x", monday, monday.Add(-attendance.LoginFailureWindow)); err != nil {
				t.Fatal(err)
			}
			// A day after the session's end, past the failure window, within the key's TTL.
			if err := e.Checks.Cleanup(ctx, monday.Add(24*time.Hour+2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := e.Auth.CreateSession(ctx, s, creds.PasswordHash); err != nil {
				t.Errorf("the id of a session cleaned up, again: %v", err)
			}
			if _, failures, _, err := e.Auth.BeginLoginAttempt(ctx, "login|x", monday, monday.Add(-time.Hour)); err != nil || failures != 0 {
				t.Errorf("old attempts: %d failures, %v", failures, err)
			}
			e.Clock.Set(monday.Add(time.Hour))
			if _, err := e.Attendance.RecordEvent(ctx, e.Admin, attendance.RecordEvent{Type: attendance.Exit}); err != nil {
				t.Fatal(err)
			}
			if again, err := e.Attendance.RecordEvent(ctx, e.Admin, attendance.RecordEvent{Type: attendance.Entry, Idempotency: key}); err != nil || again.ID != first.ID {
				t.Errorf("the key within its TTL: %+v, %v; want the first event, replayed", again, err)
			}
			if err := e.Checks.Cleanup(ctx, monday.Add(26*time.Hour)); err != nil {
				t.Fatal(err)
			}
			if again, err := e.Attendance.RecordEvent(ctx, e.Admin, attendance.RecordEvent{Type: attendance.Entry, Idempotency: key}); err != nil || again.ID == first.ID {
				t.Errorf("the key after its TTL and a cleanup: %+v, %v; want a new event", again, err)
			}
		})
	})
}
