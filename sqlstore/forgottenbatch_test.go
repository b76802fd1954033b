package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestForgottenExitsInBatches: a backlog of two weeks of sessions left
// open, in several zones, of employees with a manager and without (the
// admins hear of those), told by a run that stores three sessions'
// notices per transaction and by one that handles each session in a
// transaction of its own under its employee's lock (as the check did
// before batches): the same count, and every recipient gets the same
// notifications. A second run at the same instant tells nobody.
func TestForgottenExitsInBatches(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		one, batched := newEnv(t, kind), newEnv(t, kind)
		one.Checks.SetForgottenBatch(-1)
		batched.Checks.SetForgottenBatch(3)
		envs := []*env{one, batched}
		rng := rand.New(rand.NewPCG(5, 8))
		now := at(t, "2026-11-16T12:00:00Z")
		zones := []string{"UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin", "Pacific/Kiritimati"}
		var people []*attendance.Employee
		var mgr *attendance.Employee
		for i := range 10 {
			for j, e := range envs {
				e.Clock.Set(now)
				role, manager := attendance.RoleEmployee, (*int64)(nil)
				switch {
				case i == 0:
					role = attendance.RoleManager
				case i < 8:
					manager = &mgr.ID
				}
				emp := e.mustCreate(t, e.Admin, fmt.Sprintf("person%d", i), role, manager, func(f *attendance.EmployeeFields) {
					f.Timezone, f.HiredOn = ptr(zones[i%len(zones)]), ptr(date("2026-01-05"))
				})
				if j == 0 {
					people = append(people, emp)
					if i == 0 {
						mgr = emp
					}
				}
			}
		}
		// Latest first: an entry may come before an entry of a later date.
		for _, p := range people[1:] {
			recorder := mgr.Actor()
			if p.ManagerID == nil {
				recorder = one.Admin
			}
			loc, err := attendance.LoadLocation(p.Timezone)
			if err != nil {
				t.Fatal(err)
			}
			for d := date("2026-11-13"); d >= date("2026-11-02"); d-- {
				if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || rng.IntN(3) == 0 {
					continue
				}
				in := d.At(attendance.TimeOfDay(8*60+rng.IntN(90)), loc)
				var out *time.Time
				if rng.IntN(3) == 0 {
					out = ptr(in.Add(8 * time.Hour))
				}
				for _, e := range envs {
					for _, ev := range []struct {
						typ attendance.EventType
						ts  *time.Time
					}{{attendance.Entry, &in}, {attendance.Exit, out}} {
						if ev.ts == nil {
							continue
						}
						if _, err := e.Attendance.RecordEvent(ctx, recorder, attendance.RecordEvent{Type: ev.typ, EmployeeID: &p.ID,
							Timestamp: ev.ts, Note: ptr("backlog")}); err != nil {
							t.Fatalf("%s %s at %s: %v", p.Username, ev.typ, ev.ts, err)
						}
					}
				}
			}
		}
		run := func(ts string) {
			t.Helper()
			var told [2]int
			for i, e := range envs {
				e.Clock.Set(at(t, ts))
				n, err := e.Checks.CheckForgottenExits(ctx, at(t, ts))
				if err != nil {
					t.Fatal(err)
				}
				told[i] = n
			}
			if told[0] != told[1] {
				t.Errorf("run at %s: one by one told %d sessions, in batches %d", ts, told[0], told[1])
			}
		}
		run("2026-11-16T12:00:00Z")
		run("2026-11-16T12:00:00Z")
		run("2026-11-17T12:00:00Z")
		all := 0
		for _, p := range append([]*attendance.Employee{{ID: 1, Role: attendance.RoleAdmin}}, people...) {
			var got [2][]string
			for i, e := range envs {
				list, _, err := e.Notifications.ListNotifications(ctx, p.Actor(), false, attendance.Page{Limit: attendance.MaxPageLimit})
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range list {
					if n.Kind == attendance.NotifyExitReminder || n.Kind == attendance.NotifyNeedsReview {
						got[i] = append(got[i], fmt.Sprintf("%s %d %s %s", n.Kind, n.EmployeeID, n.Message, n.Data))
					}
				}
				slices.Sort(got[i])
			}
			if !slices.Equal(got[0], got[1]) {
				t.Errorf("%d's notifications one by one:\n%q\nin batches:\n%q", p.ID, got[0], got[1])
			}
			all += len(got[0])
		}
		t.Logf("%d notifications in all", all)
		if all < 40 {
			t.Errorf("%d notifications in all: the test proves little", all)
		}
	})
}
