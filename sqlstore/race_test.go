package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// Races that each transaction alone would get right: two requests at once
// must leave the data as one of them after the other would, and never fail
// with an internal error (on PostgreSQL: a deadlock or a lost update).

// both runs f(0) and f(1) at the same moment and returns their errors.
func both(f func(i int) error) [2]error {
	var wg sync.WaitGroup
	var errs [2]error
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// outcomes counts the successes and fails the test on an internal error or a
// code not in allowed.
func outcomes(t *testing.T, what string, errs [2]error, allowed ...string) (ok int) {
	t.Helper()
	for _, err := range errs {
		code := attendance.ErrorCode(err)
		switch {
		case err == nil:
			ok++
		case attendance.ErrorKind(err) == attendance.KindInternal:
			t.Fatalf("%s: internal error: %v", what, err)
		default:
			allowedCode := false
			for _, a := range allowed {
				allowedCode = allowedCode || code == a
			}
			if !allowedCode {
				t.Fatalf("%s: %v (code %q), want one of %v", what, err, code, allowed)
			}
		}
	}
	return ok
}

const raceRounds = 6

func TestRaceReportingCycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		setManager := func(id, manager int64) error {
			_, err := e.UpdateEmployee(ctx, e.Admin, id, attendance.EmployeeFields{ManagerID: &manager, ManagerIDSet: true})
			return err
		}
		for round := range raceRounds {
			name := func(s string) string { return fmt.Sprintf("cyc%d%s", round, s) }
			a := e.mustCreate(t, e.Admin, name("a"), attendance.RoleManager, nil)
			b := e.mustCreate(t, e.Admin, name("b"), attendance.RoleManager, nil)
			c := e.mustCreate(t, e.Admin, name("c"), attendance.RoleManager, &a.ID)
			// a under b and b under c, with c under a: together a cycle.
			errs := both(func(i int) error {
				if i == 0 {
					return setManager(a.ID, b.ID)
				}
				return setManager(b.ID, c.ID)
			})
			if ok := outcomes(t, "three-way", errs, "invalid"); ok != 1 {
				t.Fatalf("round %d: %d of two changes closing a cycle succeeded, want 1 (%v)", round, ok, errs)
			}
			// a under b and b under a.
			x := e.mustCreate(t, e.Admin, name("x"), attendance.RoleManager, nil)
			y := e.mustCreate(t, e.Admin, name("y"), attendance.RoleManager, nil)
			errs = both(func(i int) error {
				if i == 0 {
					return setManager(x.ID, y.ID)
				}
				return setManager(y.ID, x.ID)
			})
			if ok := outcomes(t, "swap", errs, "invalid"); ok != 1 {
				t.Fatalf("round %d: %d of two swapped changes succeeded, want 1 (%v)", round, ok, errs)
			}
		}
	})
}

func TestRaceLastAdmins(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		remaining := e.Admin
		for round := range raceRounds {
			other := e.mustCreate(t, e.Admin, fmt.Sprintf("adm%d", round), attendance.RoleAdmin, nil)
			pair := [2]attendance.Actor{remaining, other.Actor()}
			// Each deactivates the other.
			errs := both(func(i int) error { return e.DeactivateEmployee(ctx, pair[i], pair[1-i].ID) })
			if ok := outcomes(t, "deactivate each other", errs, "last_admin"); ok != 1 {
				t.Fatalf("round %d: %d deactivations succeeded, want 1 (%v)", round, ok, errs)
			}
			if errs[0] == nil {
				remaining = pair[0]
			} else {
				remaining = pair[1]
			}
			e.Admin = remaining
		}
	})
}

func TestRaceVoid(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "void_mgr", attendance.RoleManager, nil)
		emp := e.mustCreate(t, mgr.Actor(), "void_emp", attendance.RoleEmployee, &mgr.ID)
		voiders := [2]attendance.Actor{mgr.Actor(), e.Admin}
		for round := range raceRounds {
			e.Clock.Set(time.Date(2026, 11, 2, 9, round, 0, 0, time.UTC))
			ev, err := e.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry})
			if err != nil {
				t.Fatal(err)
			}
			errs := both(func(i int) error {
				_, err := e.VoidEvent(ctx, voiders[i], ev.ID, fmt.Sprintf("void %d", i))
				return err
			})
			if ok := outcomes(t, "two voids", errs, "already_voided"); ok != 1 {
				t.Fatalf("round %d: %d voids succeeded, want 1 (%v)", round, ok, errs)
			}
			// The stored void is the one that succeeded.
			winner := 0
			if errs[0] != nil {
				winner = 1
			}
			evs, _, err := e.ListEvents(ctx, emp.Actor(), attendance.EventFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := evs[0]; got.ID != ev.ID || got.VoidNote != fmt.Sprintf("void %d", winner) || *got.VoidedBy != voiders[winner].ID {
				t.Fatalf("round %d: stored void %q by %v, want the winner's (%d)", round, got.VoidNote, *got.VoidedBy, voiders[winner].ID)
			}
		}
	})
}

func TestRaceDecideAndCancel(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "dc_mgr", attendance.RoleManager, nil)
		emp := e.mustCreate(t, mgr.Actor(), "dc_emp", attendance.RoleEmployee, &mgr.ID)
		for round := range raceRounds {
			day := attendance.MustParseDate("2026-12-07").AddDays(7 * round)
			r, err := e.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveSick, StartDate: day, EndDate: day})
			if err != nil {
				t.Fatal(err)
			}
			errs := both(func(i int) error {
				var err error
				if i == 0 {
					_, err = e.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, "")
				} else {
					_, err = e.CancelLeave(ctx, emp.Actor(), r.ID)
				}
				return err
			})
			outcomes(t, "approve and cancel", errs, "not_pending")
			// Before it starts, approved or not, the requester may cancel: the
			// cancel always wins, and the approval only if it came first.
			if errs[1] != nil {
				t.Fatalf("round %d: cancel: %v", round, errs[1])
			}
			list, _, err := e.ListLeave(ctx, emp.Actor(), attendance.LeaveFilter{})
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
}

// TestRaceHolidayAndEntry: an entry recorded while its date becomes a holiday
// ends up not late, whichever commits first.
func TestRaceHolidayAndEntry(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		mgr := e.mustCreate(t, e.Admin, "hol_mgr", attendance.RoleManager, nil)
		emp := e.mustCreate(t, mgr.Actor(), "hol_emp", attendance.RoleEmployee, &mgr.ID)
		e.Clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
		for round := range raceRounds {
			day := attendance.MustParseDate("2026-11-02").AddDays(round) // Monday to Saturday; 08:00 starts
			at := day.In(time.UTC).Add(9 * time.Hour)                    // an hour late on working days
			note := "badge reader down"
			errs := both(func(i int) error {
				var err error
				if i == 0 {
					_, err = e.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: day, Name: "surprise"})
				} else {
					_, err = e.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Timestamp: &at, Note: &note})
				}
				return err
			})
			outcomes(t, "holiday and entry", errs)
			evs, _, err := e.ListEvents(ctx, emp.Actor(), attendance.EventFilter{From: &day, To: &day})
			if err != nil || len(evs) != 1 {
				t.Fatalf("events of %s: %v, %v", day, evs, err)
			}
			if evs[0].Late {
				t.Fatalf("round %d: the entry on holiday %s is late", round, day)
			}
			exitAt := at.Add(time.Hour)
			if _, err := e.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Exit, EmployeeID: &emp.ID, Timestamp: &exitAt, Note: &note}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestRaceCrossRecording: two admins correcting each other's attendance at
// once; each event names its recorder, a reference to the other's row.
func TestRaceCrossRecording(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := e.mustCreate(t, e.Admin, "cross_admin", attendance.RoleAdmin, nil)
		admins := [2]attendance.Actor{e.Admin, other.Actor()}
		e.Clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
		note := "forgot"
		for round := range raceRounds {
			at := time.Date(2026, 11, 2+round, 9, 0, 0, 0, time.UTC)
			for _, typ := range []attendance.EventType{attendance.Entry, attendance.Exit} {
				errs := both(func(i int) error {
					target := admins[1-i].ID
					_, err := e.RecordEvent(ctx, admins[i], attendance.RecordEvent{Type: typ, EmployeeID: &target, Timestamp: &at, Note: &note})
					return err
				})
				if ok := outcomes(t, "cross recording", errs); ok != 2 {
					t.Fatalf("round %d: %d of 2 recordings succeeded (%v)", round, ok, errs)
				}
				at = at.Add(time.Hour)
			}
		}
	})
}

// TestRaceLoginAttempts: attempts at the same moment, as from many replicas,
// are recorded no more than MaxLoginFailures at a time; the others wait until
// those are judged, and only failures refuse.
func TestRaceLoginAttempts(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		const key = "login|someone|192.0.2.1"
		now := e.Clock.Now()
		since := now.Add(-attendance.LoginFailureWindow)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ids []int64
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, failures, _, err := e.BeginLoginAttempt(ctx, key, now, since)
				if err != nil || failures != 0 {
					t.Errorf("begin: %d failures, %v", failures, err)
					return
				}
				if id != 0 {
					mu.Lock()
					ids = append(ids, id)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(ids) != attendance.MaxLoginFailures {
			t.Fatalf("%d of 20 simultaneous attempts recorded, want %d", len(ids), attendance.MaxLoginFailures)
		}
		// One could not be judged and is taken back: one more may begin.
		if err := e.ForgetLoginAttempt(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
		id, _, _, err := e.BeginLoginAttempt(ctx, key, now, since)
		if err != nil || id == 0 {
			t.Fatalf("after one was forgotten: id %d, %v; want a new attempt", id, err)
		}
		// All five fail: the next attempt is refused, with the oldest failure.
		for _, id := range append(ids[1:], id) {
			if err := e.FailLoginAttempt(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		id, failures, oldest, err := e.BeginLoginAttempt(ctx, key, now, since)
		if err != nil || id != 0 || failures != attendance.MaxLoginFailures || !oldest.Equal(now) {
			t.Fatalf("after five failures: id %d, %d failures, oldest %v, %v", id, failures, oldest, err)
		}
		// A success clears the failures and itself, not the attempts still
		// being checked (they fail afterwards and count).
		ok, _, _, err := e.BeginLoginAttempt(ctx, "login|other|192.0.2.1", now, since)
		if err != nil {
			t.Fatal(err)
		}
		checking, _, _, err := e.BeginLoginAttempt(ctx, "login|other|192.0.2.1", now, since)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ClearLoginFailures(ctx, "login|other|192.0.2.1", ok); err != nil {
			t.Fatal(err)
		}
		if err := e.FailLoginAttempt(ctx, checking); err != nil {
			t.Fatal(err)
		}
		if _, failures, _, err := e.BeginLoginAttempt(ctx, "login|other|192.0.2.1", now, since); err != nil || failures != 1 {
			t.Fatalf("after a success beside an attempt being checked: %d failures, %v; want 1", failures, err)
		}
		if err := e.ClearLoginFailures(ctx, key, 0); err != nil {
			t.Fatal(err)
		}
		if id, failures, _, err := e.BeginLoginAttempt(ctx, key, now, since); err != nil || id == 0 || failures != 0 {
			t.Fatalf("after a success: id %d, %d failures, %v", id, failures, err)
		}
	})
}

func TestRaceHolidayDeletes(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for round := range raceRounds {
			h, err := e.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: attendance.MustParseDate("2027-01-04").AddDays(round), Name: "gone"})
			if err != nil {
				t.Fatal(err)
			}
			errs := both(func(int) error { return e.DeleteHoliday(ctx, e.Admin, h.ID) })
			if ok := outcomes(t, "two deletes", errs, "not_found"); ok != 1 {
				t.Fatalf("round %d: %d deletes succeeded, want 1", round, ok)
			}
		}
	})
}

// TestRaceHolidayAndAdminEdit: a holiday change (every employee's row, in id
// order) beside an edit of an admin (that admin's row).
func TestRaceHolidayAndAdminEdit(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := e.mustCreate(t, e.Admin, "hae_admin", attendance.RoleAdmin, nil)
		for round := range 3 * raceRounds {
			dept := fmt.Sprintf("d%d", round)
			errs := both(func(i int) error {
				if i == 0 {
					_, err := e.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: attendance.MustParseDate("2027-03-01").AddDays(round), Name: "h"})
					return err
				}
				_, err := e.UpdateEmployee(ctx, e.Admin, other.ID, attendance.EmployeeFields{Department: &dept})
				return err
			})
			outcomes(t, fmt.Sprintf("round %d holiday vs admin edit", round), errs)
		}
	})
}

// TestRaceAdminsEditEachOther: two admins each editing the other's department.
func TestRaceAdminsEditEachOther(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		other := e.mustCreate(t, e.Admin, "aee_admin", attendance.RoleAdmin, nil)
		pair := [2]attendance.Actor{e.Admin, other.Actor()}
		for round := range 3 * raceRounds {
			dept := fmt.Sprintf("d%d", round)
			errs := both(func(i int) error {
				_, err := e.UpdateEmployee(ctx, pair[i], pair[1-i].ID, attendance.EmployeeFields{Department: &dept})
				return err
			})
			outcomes(t, fmt.Sprintf("round %d admins edit each other", round), errs)
		}
	})
}

// TestPasswordReplacedMeanwhile: a password change or a new session made for
// a password checked against a hash that a reset has since replaced is
// refused (the reset committed between the check and the write).
func TestPasswordReplacedMeanwhile(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		now := e.Clock.Now()
		emp := e.mustCreate(t, e.Admin, "replaced", attendance.RoleEmployee, nil)
		before, err := e.FindCredentialsByID(ctx, emp.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Password: ptr("reset-password-1")}); err != nil {
			t.Fatal(err)
		}
		err = e.SetPassword(ctx, emp.ID, "a hash of the changer's choice", before.PasswordHash, "", now)
		if attendance.ErrorKind(err) != attendance.KindInvalid {
			t.Fatalf("change checked against the replaced hash: %v, want refused", err)
		}
		s := &attendance.Session{ID: "late", EmployeeID: emp.ID, RefreshID: "late-r", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := e.CreateSession(ctx, s, before.PasswordHash); attendance.ErrorCode(err) != "invalid_credentials" {
			t.Fatalf("session for the replaced hash: %v, want invalid_credentials", err)
		}
		after, err := e.FindCredentialsByID(ctx, emp.ID)
		if err != nil || after.PasswordHash == before.PasswordHash || after.PasswordHash == "a hash of the changer's choice" {
			t.Fatalf("the reset did not stand: %v", err)
		}
	})
}
