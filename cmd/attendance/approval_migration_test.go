package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/sqlstore"
)

// TestApprovalChainMigration: migrations 00014 and 00015 on the demo
// company as version 4 kept it. Every request reads the same as before;
// each gets the chain that keeps its meaning (attendance.
// MigratedApprovalState): a pending request one pending step, asked of the
// employee's manager; a decided one its decider, decision and comment.
func TestApprovalChainMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := storetest.OpenUnmigrated(t, testDB)
	db, dialect := u.Write, u.Dialect
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := u.MigrateTo(ctx, logger, 4); err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.New(db, db, dialect, sqlstore.Config{CompanyTimezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	if err := sqlstore.NewBulkLoader(store).Load(ctx, func(w *sqlstore.BulkWriter) error {
		_, err := demo.Generate(ctx, w, "x", demo.Options{Employees: 40, Days: 20, Seed: 7, Today: attendance.DateOf(now), Now: now}, func(int, int) {})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// A request cancelled after its approval, and one cancelled pending.
	for _, st := range []string{"approved", "pending"} {
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`UPDATE leave_requests SET status = 'cancelled' WHERE id = (SELECT MIN(id) FROM leave_requests WHERE status = '%s')`, st)); err != nil {
			t.Fatal(err)
		}
	}
	before := testenv.Rows(t, db, leaveRowsV4)
	if err := u.MigrateTo(ctx, logger, 0); err != nil {
		t.Fatalf("migrations 00014-00015: %v", err)
	}
	if after := testenv.Rows(t, db, leaveRowsV4); !slices.Equal(after, before) {
		t.Errorf("leave requests changed:\nbefore %q\nafter  %q", before, after)
	}

	admin := attendance.Actor{ID: 0, Role: attendance.RoleAdmin}
	leave, approvals := sqlstore.NewLeaveService(store), sqlstore.NewApprovalService(store)
	all, n, err := leave.LeaveOverview(ctx, admin, attendance.LeaveFilter{Page: attendance.Page{Limit: 500}})
	if err != nil || n == 0 || n > 500 {
		t.Fatalf("overview: %d requests, %v", n, err)
	}
	seen := map[attendance.LeaveStatus]int{}
	for _, r := range all {
		seen[r.Status]++
		if r.Chain == nil || r.Chain.Version != 0 || r.DecidedFor != nil || r.DecidedAs != nil {
			t.Fatalf("request %d: chain %+v, decided_for %v, decided_as %v; want the default chain, version 0, nothing decided for anyone", r.ID, r.Chain, r.DecidedFor, r.DecidedAs)
		}
		steps := r.Chain.Steps
		if r.Status == attendance.LeaveApproved && r.DecidedBy == nil {
			if len(steps) != 0 {
				t.Errorf("request %d approved by nobody: %d steps, want none", r.ID, len(steps))
			}
			continue
		}
		if len(steps) != 1 || steps[0].Approver != attendance.ApproverManager || steps[0].Level != 1 {
			t.Fatalf("request %d: steps %+v, want one manager step", r.ID, steps)
		}
		s := steps[0]
		switch {
		case r.Status == attendance.LeavePending:
			if s.Status != attendance.StepPending || !s.PendingSince.Equal(r.CreatedAt) || r.CurrentStep == nil || *r.CurrentStep != 1 {
				t.Errorf("pending request %d: step %+v, current %v; want pending since %s", r.ID, s.StepRecord, r.CurrentStep, r.CreatedAt)
			}
			v, err := approvals.Request(ctx, admin, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			var mgr *int64
			if err := db.QueryRowContext(ctx, u.Rebind(`SELECT manager_id FROM employees WHERE id = ?`), r.EmployeeID).Scan(&mgr); err != nil {
				t.Fatal(err)
			}
			asked := v.Chain.Steps[0].Approvers
			// The manager in their own right; while they are away on leave,
			// also their own manager, for them.
			if mgr != nil && (len(asked) == 0 || asked[0].ID != *mgr || asked[0].As != attendance.AsApprover ||
				slices.ContainsFunc(asked[1:], func(a attendance.ApproverView) bool { return a.As != attendance.AsSubstitute || *a.ForID != *mgr })) {
				t.Errorf("pending request %d is asked of %+v, want the employee's manager %d", r.ID, asked, *mgr)
			}
		case r.Status == attendance.LeaveCancelled && r.DecidedBy == nil:
			if s.Status != attendance.StepSkipped {
				t.Errorf("request %d cancelled pending: step %s, want skipped", r.ID, s.Status)
			}
		default:
			want := attendance.StepApproved
			if r.Status == attendance.LeaveRejected {
				want = attendance.StepRejected
			}
			if s.Status != want || s.DecidedBy == nil || *s.DecidedBy != *r.DecidedBy || !s.DecidedAt.Equal(*r.DecidedAt) ||
				s.Comment != r.DecisionComment || s.DecidedAs != attendance.AsRecorded {
				t.Errorf("request %d (%s by %d): step %+v, want %s by them, recorded", r.ID, r.Status, *r.DecidedBy, s.StepRecord, want)
			}
		}
	}
	if seen[attendance.LeavePending] == 0 || seen[attendance.LeaveApproved] == 0 || seen[attendance.LeaveCancelled] != 2 {
		t.Errorf("the demo company's requests by status: %v; want some pending, some approved and two cancelled", seen)
	}
}

// leaveRowsV4 selects the columns leave_requests had at version 4.
const leaveRowsV4 = `SELECT id, employee_id, leave_type, start_date, end_date, half_day, days, status, reason, decided_by, decided_at,
	decision_comment, created_at FROM leave_requests ORDER BY id`
