package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

// riverJobs returns the kind and state of every job in River's table.
func riverJobs(t *testing.T, app *testApp) [][2]string {
	t.Helper()
	rows, err := app.Main.Store.WriteDB().QueryContext(context.Background(), `SELECT kind, state FROM river_job ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var j [2]string
		if err := rows.Scan(&j[0], &j[1]); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStartRuns: a test service runs no periodic job by itself, so that
// none overtakes a test at whatever its clock says; with withPeriodicJobs it
// is up once River's runs at start have all finished.
func TestStartRuns(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 2, 8, 31, 0, 0, time.UTC)
	startKinds := []string{"approval_escalation", "check_forgotten_exits", "check_holiday_changes", "cleanup", "leave_ledger_job", "low_balance_check", "not_arrived_check"}

	t.Run("with periodic jobs", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t, withClock(newClock(monday)), withPeriodicJobs())
		var kinds []string
		for _, j := range riverJobs(t, app) {
			if j[1] != "completed" {
				t.Errorf("%s is %s once the service is up, want completed", j[0], j[1])
			}
			kinds = append(kinds, j[0])
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, startKinds) {
			t.Errorf("runs at start %v, want %v", kinds, startKinds)
		}
	})

	t.Run("without", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t, withClock(newClock(monday)))
		// The worker works what it is given…
		app.Admin.Do("POST", "/api/leaves/jobs/leave_ledger/run/", nil).Want(202)
		deadline := time.Now().Add(30 * time.Second)
		for !slices.Equal(riverJobs(t, app), [][2]string{{"leave_ledger_job", "completed"}}) {
			if time.Now().After(deadline) {
				t.Fatalf("the ledger job asked for: River's jobs %v", riverJobs(t, app))
			}
			time.Sleep(50 * time.Millisecond)
		}
		// …and nothing else: River would have run its runs at start by now
		// (0.1 to a few seconds after the start).
		time.Sleep(2 * time.Second)
		if got := riverJobs(t, app); !slices.Equal(got, [][2]string{{"leave_ledger_job", "completed"}}) {
			t.Errorf("River's jobs %v, want only the ledger job asked for", got)
		}
	})
}
