package sqlstore_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlite"
	"github.com/openattendance/attendance/sqlstore"
)

// underPolicy opens e's database again as a store of kind under a
// late-penalty policy of one day per minutes late minutes, on e's clock.
func (e *env) underPolicy(t *testing.T, kind string, minutes int) *sqlstore.DB {
	t.Helper()
	dialect := sqlite.Dialect()
	if kind == "postgres" {
		dialect = postgres.Dialect()
	}
	cfg := storetest.Config
	cfg.LatePenaltyMinutes = minutes
	db, err := sqlstore.New(e.Write, e.Write, dialect, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.Now, db.Logger = e.Clock.Now, storetest.Logger()
	t.Cleanup(func() { db.Close() })
	return db
}

// runPenalties runs the late_penalties job at the instant at, on e's clock,
// and checks that it succeeded and wrote written late_penalty entries.
func (e *env) runPenalties(t *testing.T, jobs *sqlstore.LedgerJobs, at string, written int) *attendance.JobRun {
	t.Helper()
	e.Clock.Set(at2(t, at))
	r, err := jobs.RunJob(context.Background(), attendance.JobLatePenalties)
	if err != nil || r == nil || r.Status != attendance.JobSucceeded {
		t.Fatalf("run at %s: %+v, %v", at, r, err)
	}
	if got := r.Written[attendance.EntryLatePenalty]; got != written {
		t.Errorf("run at %s: wrote %d late_penalty entries, want %d", at, got, written)
	}
	return r
}

// TestLatePenaltiesReadWhatCanDiffer: the late_penalties job looks only at
// the balances whose penalty can differ from what is booked: none while the
// policy is off and nothing is booked, then those with late days since its
// last run; every one with late days when the policy changes; and with the
// policy off again, those with penalties booked, which it gives back.
func TestLatePenaltiesReadWhatCanDiffer(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr, emp := e.team(t)
		other := e.mustCreate(t, mgr.Actor(), "other", attendance.RoleEmployee, &mgr.ID)
		// Late by 90 minutes on Monday, both of them (08:00 start, UTC).
		e.clockAt(t, emp.Actor(), "2026-11-02T09:30:00Z", attendance.Entry)
		e.clockAt(t, other.Actor(), "2026-11-02T09:30:00Z", attendance.Entry)
		e.clockAt(t, emp.Actor(), "2026-11-02T17:00:00Z", attendance.Exit)
		e.clockAt(t, other.Actor(), "2026-11-02T17:00:00Z", attendance.Exit)

		// The same database under a late-penalty policy of minutes.
		type store struct {
			jobs  *sqlstore.LedgerJobs
			leave *sqlstore.LeaveService
		}
		policy := func(minutes int) store {
			db := e.underPolicy(t, kind, minutes)
			return store{sqlstore.NewLedgerJobs(db), sqlstore.NewLeaveService(db)}
		}
		run := func(s store, at string, balances, written int) {
			t.Helper()
			if r := e.runPenalties(t, s.jobs, at, written); r.Balances != balances {
				t.Errorf("run at %s: looked at %d balances, want %d", at, r.Balances, balances)
			}
		}
		penalty := func(s store, who *attendance.Employee) float64 {
			t.Helper()
			b, err := s.leave.LeaveBalance(ctx, who.Actor(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			return b.LatePenalty
		}

		off := policy(0)
		run(off, "2026-11-03T06:00:00Z", 0, 0)
		hourly := policy(60)
		run(hourly, "2026-11-03T06:05:00Z", 2, 2) // the policy changed: everyone late
		run(hourly, "2026-11-04T06:05:00Z", 2, 0) // Monday is a day before the last run
		run(hourly, "2026-11-06T06:05:00Z", 0, 0) // no late day since, nothing voided
		// Late again on Friday by 75 minutes: 165 in all, a second day.
		e.clockAt(t, emp.Actor(), "2026-11-06T09:15:00Z", attendance.Entry)
		run(hourly, "2026-11-07T06:05:00Z", 1, 1)
		if got := penalty(hourly, emp); got != 2 {
			t.Errorf("emp's late penalty %v days, want 2 (165 minutes at one day per hour)", got)
		}
		if got := penalty(hourly, other); got != 1 {
			t.Errorf("other's late penalty %v days, want 1", got)
		}

		// Friday voided: back to one day.
		list, _, err := e.Attendance.ListEvents(ctx, mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID})
		if err != nil || list[0].Type != attendance.Entry {
			t.Fatalf("events %+v, %v", list, err)
		}
		if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), list[0].ID, "not late"); err != nil {
			t.Fatal(err)
		}
		run(hourly, "2026-11-08T06:05:00Z", 1, 1)
		if got := penalty(hourly, emp); got != 1 {
			t.Errorf("emp's late penalty %v days after the void, want 1", got)
		}

		off = policy(0)
		run(off, "2026-11-09T06:05:00Z", 2, 2) // booked: given back
		if got := penalty(off, emp) + penalty(off, other); got != 0 {
			t.Errorf("late penalties %v days with the policy off, want 0", got)
		}
		run(off, "2026-11-10T06:05:00Z", 2, 0)
	})
}

// at2 parses an RFC 3339 instant.
func at2(t *testing.T, s string) time.Time { return at(t, s) }

// TestLatePenaltiesBookEntriesRecordedSince: a manager's correction
// recorded after a run, for a date before it, is booked by the next run
// with the policy unchanged, and voiding it gives the penalty back: the
// ledger agrees with the balance.
func TestLatePenaltiesBookEntriesRecordedSince(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr, emp := e.team(t)
		// Late by 90 minutes on Monday (08:00 start, UTC).
		e.clockAt(t, emp.Actor(), "2026-11-02T09:30:00Z", attendance.Entry)
		e.clockAt(t, emp.Actor(), "2026-11-02T17:00:00Z", attendance.Exit)

		db := e.underPolicy(t, kind, 60)
		jobs, ledger := sqlstore.NewLedgerJobs(db), sqlstore.NewLedgerService(db)

		// booked is the late penalty, in days, the runs wrote to emp's ledger.
		var booked attendance.Amount
		run := func(at string, written int) {
			t.Helper()
			r := e.runPenalties(t, jobs, at, written)
			list, _, err := ledger.JobRunEntries(ctx, e.Admin, r.ID, attendance.Page{Limit: attendance.MaxPageLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, en := range list {
				if en.EmployeeID == emp.ID && en.Kind == attendance.EntryLatePenalty {
					booked = booked.Sub(en.Amount)
				}
			}
		}
		record := func(at, ts string, typ attendance.EventType) *attendance.AttendanceEvent {
			t.Helper()
			e.Clock.Set(at2(t, at))
			when := at2(t, ts)
			ev, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: typ, EmployeeID: &emp.ID,
				Timestamp: &when, Note: ptr("forgot to clock")})
			if err != nil {
				t.Fatalf("%s at %s: %v", typ, ts, err)
			}
			return ev
		}

		run("2026-11-03T06:05:00Z", 1)
		run("2026-11-06T06:05:00Z", 0)
		if got, want := booked, attendance.WholeDays(1); got.Cmp(want) != 0 {
			t.Fatalf("booked %v days, want %v", got, want)
		}
		// Tuesday, recorded on Friday: late by 75 minutes, 165 in all.
		late := record("2026-11-06T10:00:00Z", "2026-11-03T09:15:00Z", attendance.Entry)
		record("2026-11-06T10:01:00Z", "2026-11-03T17:00:00Z", attendance.Exit)
		run("2026-11-07T06:05:00Z", 1)
		if got, want := booked, attendance.WholeDays(2); got.Cmp(want) != 0 {
			t.Errorf("booked %v days after Tuesday's late entry was recorded, want %v", got, want)
		}
		// Tuesday's late entry voided: back to Monday's day.
		e.Clock.Set(at2(t, "2026-11-08T10:00:00Z"))
		if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), late.ID, "was on site"); err != nil {
			t.Fatal(err)
		}
		run("2026-11-09T06:05:00Z", 1)
		if got, want := booked, attendance.WholeDays(1); got.Cmp(want) != 0 {
			t.Errorf("booked %v days after the void, want %v", got, want)
		}
		run("2026-11-10T06:05:00Z", 0)
	})
}

// TestLatePenaltiesBookedWhenLatenessIsJudgedAgain: a holiday added or
// removed, a roster override, or approved leave, decides a past day's
// lateness again; the same transaction books the late penalty it changes,
// by the user who changed it, so the ledger agrees with the balance
// without waiting for the late_penalties job, which then has nothing to
// write.
func TestLatePenaltiesBookedWhenLatenessIsJudgedAgain(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr, emp := e.team(t)
		// Late by 90 minutes on Monday and 75 on Tuesday (08:00 start, UTC).
		e.clockAt(t, emp.Actor(), "2026-11-02T09:30:00Z", attendance.Entry)
		e.clockAt(t, emp.Actor(), "2026-11-02T17:00:00Z", attendance.Exit)
		e.clockAt(t, emp.Actor(), "2026-11-03T09:15:00Z", attendance.Entry)
		e.clockAt(t, emp.Actor(), "2026-11-03T17:00:00Z", attendance.Exit)

		db := e.underPolicy(t, kind, 60)
		jobs, ledger := sqlstore.NewLedgerJobs(db), sqlstore.NewLedgerService(db)
		holidays, leave := sqlstore.NewHolidayService(db), sqlstore.NewLeaveService(db)

		// penalties is emp's late_penalty entries, oldest first.
		penalties := func() []*attendance.LedgerEntry {
			t.Helper()
			list, _, err := ledger.ListLedger(ctx, e.Admin, attendance.LedgerFilter{EmployeeID: &emp.ID, LeaveType: ptr(attendance.LeaveAnnual),
				Page: attendance.Page{Limit: attendance.MaxPageLimit}})
			if err != nil {
				t.Fatal(err)
			}
			var out []*attendance.LedgerEntry
			for _, en := range list {
				if en.Kind == attendance.EntryLatePenalty && en.ID != 0 { // recorded, not due
					out = append(out, en)
				}
			}
			slices.SortFunc(out, func(a, b *attendance.LedgerEntry) int { return cmp.Compare(a.ID, b.ID) })
			return out
		}
		// want checks the entries written since the last look: their amounts
		// in days, each by the user given and no job run.
		seen := 0
		want := func(step string, by int64, amounts ...int64) {
			t.Helper()
			got := penalties()[seen:]
			seen += len(got)
			if len(got) != len(amounts) {
				t.Fatalf("%s: %d late_penalty entries written, want %d: %+v", step, len(got), len(amounts), got)
			}
			for i, en := range got {
				if en.Amount.Cmp(attendance.WholeDays(amounts[i])) != 0 || en.CreatedBy == nil || *en.CreatedBy != by || en.JobRunID != nil {
					t.Errorf("%s: entry %+v; want %d days by %d, no job run", step, en, amounts[i], by)
				}
			}
		}
		run := func(at string, written int) {
			t.Helper()
			e.runPenalties(t, jobs, at, written)
			seen = len(penalties())
		}

		run("2026-11-04T06:05:00Z", 1) // 165 minutes: two days lost, one entry
		// Monday becomes a holiday: 75 minutes left, one day back at once.
		e.Clock.Set(at2(t, "2026-11-04T10:00:00Z"))
		h, err := holidays.CreateHoliday(ctx, e.Admin, attendance.Holiday{Date: date("2026-11-02"), Name: "Founders' day"})
		if err != nil {
			t.Fatal(err)
		}
		want("the holiday added", e.Admin.ID, 1)
		// Removed again: the day is lost again.
		if err := holidays.DeleteHoliday(ctx, e.Admin, h.ID); err != nil {
			t.Fatal(err)
		}
		want("the holiday removed", e.Admin.ID, -1)
		// Monday made a day off by the roster, and back.
		shifts := sqlstore.NewShiftService(db)
		if _, _, err := shifts.SetOverride(ctx, mgr.Actor(), emp.ID, date("2026-11-02"), attendance.OverrideInput{Note: "off"}); err != nil {
			t.Fatal(err)
		}
		want("the day made off", mgr.ID, 1)
		if err := shifts.DeleteOverride(ctx, mgr.Actor(), emp.ID, date("2026-11-02")); err != nil {
			t.Fatal(err)
		}
		want("the day off removed", mgr.ID, -1)
		// Tuesday's late entry covered by approved sick leave: under an hour left.
		r, err := leave.RequestLeave(ctx, emp.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveSick,
			StartDate: date("2026-11-03"), EndDate: date("2026-11-03"), Reason: "flu"})
		if err != nil {
			t.Fatal(err)
		}
		want("the leave requested", 0)
		if _, err := leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, "get well"); err != nil {
			t.Fatal(err)
		}
		want("the leave approved", mgr.ID, 1)
		// The balance says the same as the ledger, and the job finds nothing.
		b, err := leave.LeaveBalance(ctx, emp.Actor(), nil, nil)
		if err != nil || b.LatePenalty != 1 {
			t.Errorf("late penalty %+v, %v; want 1 day (90 minutes)", b, err)
		}
		run("2026-11-05T06:05:00Z", 0)
	})
}
