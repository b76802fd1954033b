package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestIdempotencyKeys: a key is the user's, whatever the endpoint: the same
// key sent to another endpoint within the TTL is idempotency_key_reused and
// changes nothing, even when the two requests race.
func TestIdempotencyKeys(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		clockIn := func(e *env, a attendance.Actor, key string) error {
			_, err := e.Attendance.RecordEvent(ctx, a, attendance.RecordEvent{Type: attendance.Entry,
				Idempotency: &attendance.Idempotency{Key: key, Hash: "clock-in"}})
			return err
		}
		request := func(e *env, a attendance.Actor, key string) error {
			_, err := e.Leave.RequestLeave(ctx, a, attendance.LeaveInput{LeaveType: attendance.LeaveSick,
				StartDate: date("2026-11-09"), EndDate: date("2026-11-09"),
				Idempotency: &attendance.Idempotency{Key: key, Hash: "sick-day"}})
			return err
		}
		counts := func(t *testing.T, e *env, a attendance.Actor) (events, leaves int) {
			t.Helper()
			_, events, err := e.Attendance.ListEvents(ctx, a, attendance.EventFilter{})
			if err != nil {
				t.Fatal(err)
			}
			_, leaves, err = e.Leave.ListLeave(ctx, a, attendance.LeaveFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return events, leaves
		}

		t.Run("AnotherEndpoint", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			_, emp := e.team(t)
			a := emp.Actor()
			wantCode(t, clockIn(e, a, "k1"), "")
			wantCode(t, request(e, a, "k1"), "idempotency_key_reused")
			wantCode(t, request(e, a, "k2"), "")
			wantCode(t, clockIn(e, a, "k2"), "idempotency_key_reused")
			if events, leaves := counts(t, e, a); events != 1 || leaves != 1 {
				t.Errorf("%d events and %d requests, want one of each", events, leaves)
			}
			// Each key still replays its own first response.
			wantCode(t, clockIn(e, a, "k1"), "")
			wantCode(t, request(e, a, "k2"), "")
			if events, leaves := counts(t, e, a); events != 1 || leaves != 1 {
				t.Errorf("after the replays: %d events and %d requests, want one of each", events, leaves)
			}
			// A refusal is the user's key too: the refused request is not
			// stored, and the key stays with its first endpoint.
			wantCode(t, request(e, a, "k1"), "idempotency_key_reused")
			// Another user's key is theirs.
			wantCode(t, request(e, e.Admin, "k1"), "")
			// After the TTL the key is free for any endpoint.
			e.Clock.Set(monday.Add(attendance.IdempotencyTTL + time.Hour))
			wantCode(t, request(e, a, "k1"), "overlap") // a new request, refused on its merits
		})
		t.Run("RacingEndpoints", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			for round := range raceRounds {
				a := e.mustCreate(t, e.Admin, fmt.Sprintf("racer%d", round), attendance.RoleEmployee, nil).Actor()
				errs := both(func(i int) error {
					if i == 0 {
						return clockIn(e, a, "race")
					}
					return request(e, a, "race")
				})
				if ok := outcomes(t, "round "+fmt.Sprint(round), errs, "idempotency_key_reused"); ok != 1 {
					t.Fatalf("round %d: %d of the two endpoints ran with one key: %v", round, ok, errs)
				}
				if events, leaves := counts(t, e, a); events+leaves != 1 {
					t.Fatalf("round %d: %d events and %d requests, want one of them", round, events, leaves)
				}
			}
		})
	})
}
