package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

func TestLedgerJobs(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		t.Run("CatchUpOnceConcurrently", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			_, emp := e.team(t) // hired 2 November 2026
			code, name, monthly, twelve := attendance.LeaveType("toil"), "Time off", attendance.AccrualMonthly, attendance.WholeDays(12)
			if _, err := e.LeaveTypes.CreateLeaveType(ctx, e.Admin, attendance.LeavePolicyFields{Code: &code, Name: &name, Accrual: &monthly, Allowance: &twelve}); err != nil {
				t.Fatal(err)
			}
			jobs := sqlstore.NewLedgerJobs(e.DB.DB)
			// Another process on the same database, on the same clock.
			reopened := e.Reopen(t)
			reopened.Now = e.Clock.Now
			other := sqlstore.NewLedgerJobs(reopened.DB)
			// Down across two month boundaries: December and January are due.
			e.Clock.Set(time.Date(2027, 1, 20, 9, 0, 0, 0, time.UTC))
			var runs [2]*attendance.JobRun
			errs := both(func(i int) error {
				var err error
				runs[i], err = []*sqlstore.LedgerJobs{jobs, other}[i].RunJob(ctx, attendance.JobLeaveLedger)
				return err
			})
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("two runs at once: %v", errs)
			}
			// Each month once: November and December of 2026 (the job
			// closes the old year), January of 2027, and annual leave's
			// 2027 grant, whoever wrote them.
			for _, y := range []int{2026, 2027} {
				list, _, err := e.Ledger.ListLedger(ctx, emp.Actor(), attendance.LedgerFilter{LeaveType: &code, Year: &y})
				if err != nil {
					t.Fatal(err)
				}
				want := map[int]int{2026: 2, 2027: 1}[y]
				if len(list) != want {
					t.Errorf("%d: %d entries, want %d", y, len(list), want)
				}
				for _, en := range list {
					if en.ID == 0 || en.Kind != attendance.EntryAccrual || en.JobRunID == nil {
						t.Errorf("%d: %+v, want an accrual written by a run", y, en)
					}
				}
			}
			written := 0
			for _, r := range runs {
				if r != nil {
					written += r.Written[attendance.EntryAccrual]
					if r.Status != attendance.JobSucceeded {
						t.Errorf("run %+v", r)
					}
				}
			}
			// admin, manager and employee: 2026 (Nov, Dec) and 2027 (Jan), once.
			if written != 9 {
				t.Errorf("the runs wrote %d accruals, want 9 in all", written)
			}
			// Again: nothing to write, and nothing changed since the run
			// before, so nothing to read.
			r, err := jobs.RunJob(ctx, attendance.JobLeaveLedger)
			if err != nil || r == nil || len(r.Written) != 0 || r.Balances != 0 {
				t.Errorf("a run with everything recorded: %+v, %v", r, err)
			}
			status, err := jobs.LedgerJobs(ctx, e.Admin)
			if err != nil || len(status) != 2 || status[0].LastRun == nil || status[0].LastSucceededAt == nil {
				t.Errorf("status %+v, %v", status, err)
			}
			if _, err := jobs.LedgerJobs(ctx, emp.Actor()); attendance.ErrorKind(err) != attendance.KindForbidden {
				t.Errorf("an employee reads the jobs: %v", err)
			}
		})
	})
}
