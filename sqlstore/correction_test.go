package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// correctionEnv is an env with a team and the correction service.
func correctionEnv(t *testing.T, kind string) (e *env, s *sqlstore.CorrectionService, mgr, emp *attendance.Employee) {
	t.Helper()
	e = newEnv(t, kind)
	mgr, emp = e.team(t)
	return e, sqlstore.NewCorrectionService(e.DB.DB), mgr, emp
}

// askExit files emp's request for a missing exit at 17:00 UTC on date d.
func askExit(t *testing.T, e *env, s *sqlstore.CorrectionService, emp *attendance.Employee, d string) *attendance.CorrectionRequest {
	t.Helper()
	r, err := s.RequestCorrection(context.Background(), emp.Actor(), attendance.CorrectionInput{Action: attendance.CorrectionAdd,
		Type: ptr(attendance.Exit), Date: ptr(date(d)), Time: ptr(attendance.TimeOfDay(17 * 60)), Reason: "forgot"})
	if err != nil {
		t.Fatalf("request an exit on %s: %v", d, err)
	}
	return r
}

// eventsOf counts the employee's non-voided events recorded for correction request id.
func eventsOf(t *testing.T, e *env, emp *attendance.Employee, id int64) int {
	t.Helper()
	l, _, err := e.Attendance.ListEvents(context.Background(), e.Admin, attendance.EventFilter{EmployeeID: &emp.ID, Page: attendance.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range l {
		if ev.CorrectionRequestID != nil && *ev.CorrectionRequestID == id && !ev.Voided {
			n++
		}
	}
	return n
}

func TestCorrectionRaces(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		// Two deciders at once (the manager approves, an admin approves or
		// rejects): one decision goes through, the other finds the request
		// decided (not_pending), and an approval records its event once.
		t.Run("TwoDecisions", func(t *testing.T) {
			t.Parallel()
			e, s, mgr, emp := correctionEnv(t, kind)
			for round := range raceRounds {
				d := date("2026-11-02").AddDays(round).String() // Monday on
				e.clockAt(t, emp.Actor(), d+"T08:00:00Z", attendance.Entry)
				e.Clock.Set(at(t, d+"T20:00:00Z"))
				r := askExit(t, e, s, emp, d)
				second := attendance.Approve
				if round%2 == 1 {
					second = attendance.Reject
				}
				deciders := [2]attendance.Actor{mgr.Actor(), e.Admin}
				actions := [2]attendance.LeaveAction{attendance.Approve, second}
				errs := both(func(i int) error {
					_, err := s.DecideCorrection(ctx, deciders[i], r.ID, attendance.CorrectionDecision{Action: actions[i], Comment: "race"})
					return err
				})
				if ok := outcomes(t, fmt.Sprintf("round %d", round), errs, "not_pending"); ok != 1 {
					t.Fatalf("round %d: %d decisions went through (%v), want 1", round, ok, errs)
				}
				got, err := s.Correction(ctx, e.Admin, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				winner := 0
				if errs[0] != nil {
					winner = 1
				}
				wantStatus, wantEvents := attendance.CorrectionApproved, 1
				if actions[winner] == attendance.Reject {
					wantStatus, wantEvents = attendance.CorrectionRejected, 0
				}
				if got.Status != wantStatus || *got.DecidedBy != deciders[winner].ID {
					t.Fatalf("round %d: %s by %d, want %s by %d", round, got.Status, *got.DecidedBy, wantStatus, deciders[winner].ID)
				}
				if n := eventsOf(t, e, emp, r.ID); n != wantEvents {
					t.Fatalf("round %d: %d events recorded for the request, want %d", round, n, wantEvents)
				}
				if wantEvents == 0 {
					// Close the day by hand, so that the next round's entry fits.
					e.Clock.Set(at(t, d+"T20:00:00Z"))
					if _, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Exit, EmployeeID: &emp.ID,
						Timestamp: ptr(at(t, d+"T17:00:00Z")), Note: ptr("closed")}); err != nil {
						t.Fatal(err)
					}
				}
			}
		})

		// An approval racing the requester's cancel: whichever commits first
		// wins, the other is 409 not_pending; the event exists exactly when
		// the approval won.
		t.Run("ApprovalRacingCancel", func(t *testing.T) {
			t.Parallel()
			e, s, mgr, emp := correctionEnv(t, kind)
			for round := range raceRounds {
				d := date("2026-11-02").AddDays(round).String()
				e.clockAt(t, emp.Actor(), d+"T08:00:00Z", attendance.Entry)
				e.Clock.Set(at(t, d+"T20:00:00Z"))
				r := askExit(t, e, s, emp, d)
				errs := both(func(i int) error {
					var err error
					if i == 0 {
						_, err = s.DecideCorrection(ctx, mgr.Actor(), r.ID, attendance.CorrectionDecision{Action: attendance.Approve})
					} else {
						_, err = s.CancelCorrection(ctx, emp.Actor(), r.ID)
					}
					return err
				})
				if ok := outcomes(t, fmt.Sprintf("round %d", round), errs, "not_pending"); ok != 1 {
					t.Fatalf("round %d: %d went through (%v), want 1", round, ok, errs)
				}
				got, err := s.Correction(ctx, emp.Actor(), r.ID)
				if err != nil {
					t.Fatal(err)
				}
				approved := errs[0] == nil
				if want := map[bool]attendance.CorrectionStatus{true: attendance.CorrectionApproved, false: attendance.CorrectionCancelled}[approved]; got.Status != want {
					t.Fatalf("round %d: %s, want %s", round, got.Status, want)
				}
				want := map[bool]int{true: 1, false: 0}[approved]
				if n := eventsOf(t, e, emp, r.ID); n != want {
					t.Fatalf("round %d: %d events recorded for the request, want %d", round, n, want)
				}
				if !approved {
					if _, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Exit, EmployeeID: &emp.ID,
						Timestamp: ptr(at(t, d+"T17:00:00Z")), Note: ptr("closed")}); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	})
}

// TestCorrectionMessages: each change of a request is published once, after
// its commit, for integrations (correction.<status> on the broker).
func TestCorrectionMessages(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e, s, mgr, emp := correctionEnv(t, kind)
		entry := e.clockAt(t, emp.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
		e.Clock.Set(at(t, "2026-11-02T20:00:00Z"))
		approved := askExit(t, e, s, emp, "2026-11-02")
		if _, err := s.DecideCorrection(ctx, mgr.Actor(), approved.ID, attendance.CorrectionDecision{Action: attendance.Approve}); err != nil {
			t.Fatal(err)
		}
		cancelled, err := s.RequestCorrection(ctx, emp.Actor(), attendance.CorrectionInput{Action: attendance.CorrectionVoid, EventID: &entry.ID, Reason: "wrong"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CancelCorrection(ctx, emp.Actor(), cancelled.ID); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range e.Emitted.Of(attendance.MessageCorrection) {
			got = append(got, fmt.Sprintf("%d %s", m.Correction.ID, m.Topic()))
		}
		want := []string{
			fmt.Sprintf("%d correction.pending", approved.ID), fmt.Sprintf("%d correction.approved", approved.ID),
			fmt.Sprintf("%d correction.pending", cancelled.ID), fmt.Sprintf("%d correction.cancelled", cancelled.ID),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("messages %v, want %v", got, want)
		}
	})
}
