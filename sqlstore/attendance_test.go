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

func TestAttendanceService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		t.Run("RecordEvent", func(t *testing.T) {
			t.Parallel()
			t.Run("Sequence", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				record := func(typ attendance.EventType) error {
					_, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: typ})
					return err
				}
				e.Clock.Set(at(t, "2026-11-02T07:55:00Z"))
				wantCode(t, record(attendance.Exit), "not_clocked_in")
				wantCode(t, record(attendance.Entry), "")
				wantCode(t, record(attendance.Entry), "already_clocked_in")
				e.Clock.Set(at(t, "2026-11-02T16:00:00Z"))
				wantCode(t, record(attendance.Exit), "")
				wantCode(t, record(attendance.Exit), "not_clocked_in")
				wantCode(t, record("lunch"), "invalid")
			})
			t.Run("LateArrivalNotifiesTheManager", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil), (*attendance.Employee)(nil)
				emp = e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
					f.LateGraceMinutes = ptr(5)
				})
				if ev := e.clockAt(t, emp.Actor(), "2026-11-02T08:05:00Z", attendance.Entry); ev.Late {
					t.Errorf("08:05 with 5 minutes of grace: %+v, want on time", ev)
				}
				e.clockAt(t, emp.Actor(), "2026-11-02T12:00:00Z", attendance.Exit)
				if ev := e.clockAt(t, emp.Actor(), "2026-11-03T08:06:00Z", attendance.Entry); !ev.Late || ev.LateMinutes != 6 {
					t.Errorf("08:06: %+v, want 6 minutes late", ev)
				}
				if got := e.notifications(t, mgr.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyLateArrival}) {
					t.Errorf("manager's notifications %q, want one late arrival", got)
				}
				if got := e.Emitted.Of(attendance.MessageAttendance); len(got) != 3 || !slices.Equal(got[2].Managers, []int64{mgr.ID}) {
					t.Errorf("attendance messages %+v, want three, for the manager", got)
				}
			})
			t.Run("OnBehalf", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
				e.Clock.Set(at(t, "2026-11-02T12:00:00Z"))
				note := "badge reader down"
				ts := at(t, "2026-11-02T08:30:00Z")
				ev, err := e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &emp.ID, Timestamp: &ts, Note: &note})
				if err != nil {
					t.Fatal(err)
				}
				want := attendance.AttendanceEvent{ID: ev.ID, EmployeeID: emp.ID, Type: attendance.Entry, Timestamp: ts, Late: true, LateMinutes: 30,
					Source: attendance.SourceManager, RecordedBy: mgr.ID, Note: note, WorkDate: ptr(date("2026-11-02")), RecordedByName: ptr("mgr")}
				testenv.SameJSON(t, "recorded on behalf", ev, want)
				_, err = e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &other.ID, Timestamp: &ts, Note: &note})
				wantCode(t, err, "not_found")
				_, err = e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, EmployeeID: &mgr.ID, Note: &note})
				wantCode(t, err, "forbidden")
				// Before the first event: the days after it are derived again.
				early := at(t, "2026-11-02T08:00:00Z")
				_, err = e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: attendance.Exit, EmployeeID: &emp.ID, Timestamp: &early, Note: &note})
				wantCode(t, err, "not_clocked_in")
			})
			t.Run("Idempotency", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				_, emp := e.team(t)
				key := &attendance.Idempotency{Key: "k1", Hash: "h1"}
				var wg sync.WaitGroup
				ids := make([]int64, 6)
				for i := range ids {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ev, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, Idempotency: key})
						if err != nil {
							t.Error(err)
							return
						}
						ids[i] = ev.ID
					}()
				}
				wg.Wait()
				for _, id := range ids {
					if id != ids[0] {
						t.Fatalf("one key made several events: %v", ids)
					}
				}
				_, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Exit, Idempotency: &attendance.Idempotency{Key: "k1", Hash: "h2"}})
				wantCode(t, err, "idempotency_key_reused")
				// A refusal is remembered too: the same request gets the same answer.
				k2 := &attendance.Idempotency{Key: "k2", Hash: "h"}
				_, err = e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, Idempotency: k2})
				wantCode(t, err, "already_clocked_in")
				e.Clock.Set(monday.Add(time.Hour))
				if _, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Exit}); err != nil {
					t.Fatal(err)
				}
				_, err = e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, Idempotency: k2})
				wantCode(t, err, "already_clocked_in")
				// Keys are the actor's own.
				if _, err := e.Attendance.RecordEvent(ctx, e.Admin, attendance.RecordEvent{Type: attendance.Entry, Idempotency: key}); err != nil {
					t.Errorf("another user's key k1: %v", err)
				}
				// After the TTL the key is forgotten.
				e.Clock.Set(monday.Add(26 * time.Hour))
				ev, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry, Idempotency: key})
				if err != nil || ev.ID == ids[0] {
					t.Errorf("k1 after a day: %+v, %v; want a new event", ev, err)
				}
			})
			t.Run("ConcurrentOneWins", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				for round := range 5 {
					emp := e.mustCreate(t, e.Admin, fmt.Sprintf("racer%d", round), attendance.RoleEmployee, nil)
					for _, typ := range []attendance.EventType{attendance.Entry, attendance.Exit} {
						var wg sync.WaitGroup
						var mu sync.Mutex
						wins := 0
						for range 10 {
							wg.Add(1)
							go func() {
								defer wg.Done()
								_, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: typ})
								switch attendance.ErrorCode(err) {
								case "":
									mu.Lock()
									wins++
									mu.Unlock()
								case "already_clocked_in", "not_clocked_in":
								default:
									t.Errorf("unexpected error: %v", err)
								}
							}()
						}
						wg.Wait()
						if wins != 1 {
							t.Fatalf("round %d %s: %d requests won, want exactly 1", round, typ, wins)
						}
					}
					events, n, err := e.Attendance.ListEvents(ctx, emp.Actor(), attendance.EventFilter{})
					if err != nil || n != 2 || events[0].Type != attendance.Exit || events[1].Type != attendance.Entry {
						t.Fatalf("log = %d events (%v), want entry then exit", n, err)
					}
				}
			})
		})

		t.Run("VoidEvent", func(t *testing.T) {
			t.Parallel()
			t.Run("Rules", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				ev := e.clockAt(t, emp.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
				own := e.clockAt(t, mgr.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
				_, err := e.Attendance.VoidEvent(ctx, emp.Actor(), ev.ID, "mine")
				wantCode(t, err, "forbidden")
				_, err = e.Attendance.VoidEvent(ctx, mgr.Actor(), own.ID, "mine")
				wantCode(t, err, "forbidden")
				_, err = e.Attendance.VoidEvent(ctx, mgr.Actor(), ev.ID, " ")
				wantCode(t, err, "invalid")
				_, err = e.Attendance.VoidEvent(ctx, mgr.Actor(), 999, "none")
				wantCode(t, err, "not_found")
				other := e.mustCreate(t, e.Admin, "other", attendance.RoleEmployee, nil)
				theirs := e.clockAt(t, other.Actor(), "2026-11-02T08:01:00Z", attendance.Entry)
				_, err = e.Attendance.VoidEvent(ctx, mgr.Actor(), theirs.ID, "not mine to void")
				wantCode(t, err, "not_found")
				e.Clock.Set(at(t, "2026-11-02T09:00:00Z"))
				got, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), ev.ID, "by mistake")
				if err != nil || !got.Voided || *got.VoidedBy != mgr.ID || !got.VoidedAt.Equal(at(t, "2026-11-02T09:00:00Z")) || got.VoidNote != "by mistake" {
					t.Fatalf("voided: %+v, %v", got, err)
				}
				_, err = e.Attendance.VoidEvent(ctx, e.Admin, ev.ID, "again")
				wantCode(t, err, "already_voided")
			})
			t.Run("TheNextEntryIsTheFirst", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				wrong := e.clockAt(t, emp.Actor(), "2026-11-02T07:30:00Z", attendance.Entry)
				e.Clock.Set(at(t, "2026-11-02T07:35:00Z"))
				if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), wrong.ID, "clocked in by mistake"); err != nil {
					t.Fatal(err)
				}
				next := e.clockAt(t, emp.Actor(), "2026-11-02T09:00:00Z", attendance.Entry)
				if !next.Late || next.LateMinutes != 60 {
					t.Errorf("the entry after the voided one: %+v, want the day's first, 60 minutes late", next)
				}
			})
		})

		t.Run("ListEvents", func(t *testing.T) {
			t.Parallel()
			t.Run("NewestFirstInTheirTimeZone", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				emp := e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
					f.Timezone = ptr("America/New_York")
				})
				// 03:00 UTC on Tuesday is still Monday in New York.
				a := e.clockAt(t, emp.Actor(), "2026-11-03T03:00:00Z", attendance.Entry)
				b := e.clockAt(t, emp.Actor(), "2026-11-03T04:00:00Z", attendance.Exit)
				c := e.clockAt(t, emp.Actor(), "2026-11-03T14:00:00Z", attendance.Entry)
				ids := func(list []*attendance.AttendanceEvent) []int64 {
					out := []int64{}
					for _, ev := range list {
						out = append(out, ev.ID)
					}
					return out
				}
				mon, tue := date("2026-11-02"), date("2026-11-03")
				tests := []struct {
					name  string
					actor attendance.Actor
					f     attendance.EventFilter
					want  []int64
					count int
				}{
					{"all", emp.Actor(), attendance.EventFilter{}, []int64{c.ID, b.ID, a.ID}, 3},
					{"Monday in New York", emp.Actor(), attendance.EventFilter{From: &mon, To: &mon}, []int64{b.ID, a.ID}, 2},
					{"from Tuesday", emp.Actor(), attendance.EventFilter{From: &tue}, []int64{c.ID}, 1},
					{"a page", emp.Actor(), attendance.EventFilter{Page: attendance.Page{Limit: 1, Offset: 1}}, []int64{b.ID}, 3},
					{"by their manager", mgr.Actor(), attendance.EventFilter{EmployeeID: &emp.ID, To: &mon}, []int64{b.ID, a.ID}, 2},
				}
				for _, tt := range tests {
					list, n, err := e.Attendance.ListEvents(ctx, tt.actor, tt.f)
					if err != nil || !slices.Equal(ids(list), tt.want) || n != tt.count {
						t.Errorf("%s: %v (count %d), %v; want %v (count %d)", tt.name, ids(list), n, err, tt.want, tt.count)
					}
				}
				_, _, err := e.Attendance.ListEvents(ctx, emp.Actor(), attendance.EventFilter{EmployeeID: &mgr.ID})
				wantCode(t, err, "not_found")
			})
		})

		t.Run("Overview", func(t *testing.T) {
			t.Parallel()
			t.Run("AWeek", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
				berlin := e.mustCreate(t, mgr.Actor(), "berlin", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) {
					f.Timezone = ptr("Europe/Berlin")
					f.LateGraceMinutes = ptr(5)
					f.HiredOn = ptr(date("2026-11-02"))
				})
				a := berlin.Actor()
				// Mon 2 Nov (Berlin = UTC+1): on time at 08:04 local, out 16:04.
				if ev := e.clockAt(t, a, "2026-11-02T07:04:00Z", attendance.Entry); ev.Late {
					t.Fatalf("08:04 with 5 minutes grace is late: %+v", ev)
				}
				e.clockAt(t, a, "2026-11-02T15:04:00Z", attendance.Exit)
				// Tue: late, 08:20 local = 20 minutes; two sessions (3h40 and 4h).
				if ev := e.clockAt(t, a, "2026-11-03T07:20:00Z", attendance.Entry); !ev.Late || ev.LateMinutes != 20 {
					t.Fatalf("08:20 entry: %+v, want 20 minutes late", ev)
				}
				e.clockAt(t, a, "2026-11-03T11:00:00Z", attendance.Exit)
				if ev := e.clockAt(t, a, "2026-11-03T12:00:00Z", attendance.Entry); ev.Late {
					t.Fatal("a second entry of the day is late")
				}
				e.clockAt(t, a, "2026-11-03T16:00:00Z", attendance.Exit)
				// Wed: absent. Thu: a session across midnight (22:00 → 02:00 local),
				// late by 14 hours: the first entry of Thursday.
				e.clockAt(t, a, "2026-11-05T21:00:00Z", attendance.Entry)
				e.clockAt(t, a, "2026-11-06T01:00:00Z", attendance.Exit)
				// Fri: an entry voided by the manager; then an open session.
				wrong := e.clockAt(t, a, "2026-11-06T07:30:00Z", attendance.Entry)
				e.Clock.Set(at(t, "2026-11-06T07:35:00Z"))
				if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), wrong.ID, "clocked in by mistake"); err != nil {
					t.Fatal(err)
				}
				e.clockAt(t, a, "2026-11-06T08:00:00Z", attendance.Entry)

				e.Clock.Set(at(t, "2026-11-07T10:00:00Z")) // Saturday
				from, to := date("2026-11-02"), date("2026-11-06")
				ov, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &from, To: &to, EmployeeID: &berlin.ID})
				if err != nil {
					t.Fatal(err)
				}
				if len(ov.Results) != 1 {
					t.Fatalf("rows = %d", len(ov.Results))
				}
				got := ov.Results[0].OverviewTotals
				want := attendance.OverviewTotals{
					DaysPresent:   4,                                           // Mon, Tue, Thu, Fri
					LateEntries:   3,                                           // Tue, Thu, Fri (the entry after the voided one)
					LateMinutes:   20 + 14*60 + 60,                             // Tue 08:20, Thu 22:00, Fri 09:00
					AbsentDays:    1,                                           // Wed
					WorkedSeconds: 8*3600 + (3*3600 + 40*60 + 4*3600) + 4*3600, // Mon 8h, Tue 3h40 + 4h, Thu 4h across midnight
					OpenSessions:  1,                                           // Fri
				}
				want.WorkedHours = attendance.Hours(want.WorkedSeconds)
				if got != want {
					t.Fatalf("overview\n got %+v\nwant %+v", got, want)
				}
				// The friday entry after the void is the first of the day: 09:00 local, 60 minutes late.
				fri := date("2026-11-06")
				ov, err = e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &fri, To: &fri, EmployeeID: &berlin.ID})
				if err != nil {
					t.Fatal(err)
				}
				if r := ov.Results[0]; r.LateEntries != 1 || r.LateMinutes != 60 {
					t.Fatalf("friday after the void: %+v, want the 09:00 entry 60 minutes late", r.OverviewTotals)
				}
			})
			t.Run("ScopePagesAndTotals", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				e.mustCreate(t, mgr.Actor(), "emp2", attendance.RoleEmployee, &mgr.ID, func(f *attendance.EmployeeFields) { f.Department = ptr("Ops") })
				e.mustCreate(t, e.Admin, "outsider", attendance.RoleEmployee, nil)
				e.clockAt(t, emp.Actor(), "2026-11-02T08:00:00Z", attendance.Entry)
				e.clockAt(t, emp.Actor(), "2026-11-02T10:00:00Z", attendance.Exit)
				e.Clock.Set(at(t, "2026-11-03T07:00:00Z"))
				mon := date("2026-11-02")
				f := attendance.OverviewFilter{From: &mon, To: &mon, Page: attendance.Page{Limit: 1, Offset: 1}}
				ov, err := e.Attendance.Overview(ctx, mgr.Actor(), f)
				if err != nil {
					t.Fatal(err)
				}
				if ov.Count != 3 || len(ov.Results) != 1 || ov.Results[0].Username != "emp" {
					t.Errorf("page 2 of the manager's overview: count %d, rows %+v; want 3 and emp", ov.Count, ov.Results)
				}
				if ov.Totals.DaysPresent != 1 || ov.Totals.WorkedSeconds != 2*3600 || ov.Totals.AbsentDays != 2 {
					t.Errorf("totals over every page: %+v", ov.Totals)
				}
				f.All = true
				if ov, err := e.Attendance.Overview(ctx, mgr.Actor(), f); err != nil || len(ov.Results) != 3 {
					t.Errorf("all rows: %+v, %v; want 3", ov, err)
				}
				if ov, err := e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &mon, To: &mon, Department: ptr("Ops")}); err != nil || ov.Count != 1 {
					t.Errorf("department Ops: %+v, %v; want one row", ov, err)
				}
				_, err = e.Attendance.Overview(ctx, emp.Actor(), attendance.OverviewFilter{})
				wantCode(t, err, "forbidden")
				from, to := date("2025-01-01"), date("2026-11-02")
				_, err = e.Attendance.Overview(ctx, mgr.Actor(), attendance.OverviewFilter{From: &from, To: &to})
				wantCode(t, err, "invalid")
			})
		})

		t.Run("Races", func(t *testing.T) {
			t.Parallel()
			t.Run("Void", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, emp := e.team(t)
				voiders := [2]attendance.Actor{mgr.Actor(), e.Admin}
				for round := range raceRounds {
					e.Clock.Set(time.Date(2026, 11, 2, 9, round, 0, 0, time.UTC))
					ev, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry})
					if err != nil {
						t.Fatal(err)
					}
					errs := both(func(i int) error {
						_, err := e.Attendance.VoidEvent(ctx, voiders[i], ev.ID, fmt.Sprintf("void %d", i))
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
					evs, _, err := e.Attendance.ListEvents(ctx, emp.Actor(), attendance.EventFilter{})
					if err != nil {
						t.Fatal(err)
					}
					if got := evs[0]; got.ID != ev.ID || got.VoidNote != fmt.Sprintf("void %d", winner) || *got.VoidedBy != voiders[winner].ID {
						t.Fatalf("round %d: stored void %q by %v, want the winner's (%d)", round, got.VoidNote, *got.VoidedBy, voiders[winner].ID)
					}
				}
			})
			t.Run("CrossRecording", func(t *testing.T) {
				// Two admins correcting each other's attendance at once; each
				// event names its recorder, a reference to the other's row.
				t.Parallel()
				e := newEnv(t, kind)
				other := e.mustCreate(t, e.Admin, "cross_admin", attendance.RoleAdmin, nil)
				admins := [2]attendance.Actor{e.Admin, other.Actor()}
				e.Clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
				note := "forgot"
				for round := range raceRounds {
					ts := time.Date(2026, 11, 2+round, 9, 0, 0, 0, time.UTC)
					for _, typ := range []attendance.EventType{attendance.Entry, attendance.Exit} {
						errs := both(func(i int) error {
							target := admins[1-i].ID
							_, err := e.Attendance.RecordEvent(ctx, admins[i], attendance.RecordEvent{Type: typ, EmployeeID: &target, Timestamp: &ts, Note: &note})
							return err
						})
						if ok := outcomes(t, "cross recording", errs); ok != 2 {
							t.Fatalf("round %d: %d of 2 recordings succeeded (%v)", round, ok, errs)
						}
						ts = ts.Add(time.Hour)
					}
				}
			})
		})
	})
}
