package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestNotificationService(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()

		// lateTeam makes a manager with n reports who each clocked in an hour
		// late, one after the other, and returns the manager's n late-arrival
		// notifications too, oldest first.
		lateTeam := func(t *testing.T, e *env, n int) (mgr *attendance.Employee, emps []*attendance.Employee, notes []*attendance.Notification) {
			t.Helper()
			mgr = e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			for i := range n {
				emp := e.mustCreate(t, mgr.Actor(), fmt.Sprintf("late%d", i), attendance.RoleEmployee, &mgr.ID)
				e.clockAt(t, emp.Actor(), fmt.Sprintf("2026-11-02T09:%02d:00Z", i), attendance.Entry)
				emps = append(emps, emp)
			}
			notes, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 100)
			if err != nil || len(notes) != n {
				t.Fatalf("%d notifications, %v; want %d", len(notes), err, n)
			}
			return mgr, emps, notes
		}

		t.Run("ListNotifications", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emps, _ := lateTeam(t, e, 3)
			list, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{})
			if err != nil || n != 3 || len(list) != 3 {
				t.Fatalf("%d of %d, %v; want 3", len(list), n, err)
			}
			if list[0].EmployeeID != emps[2].ID || list[2].EmployeeID != emps[0].ID || list[0].Kind != attendance.NotifyLateArrival {
				t.Errorf("not newest first: %+v", list)
			}
			if list[0].RecipientID != mgr.ID || list[0].ReadAt != nil || !list[0].CreatedAt.Equal(at(t, "2026-11-02T09:02:00Z")) {
				t.Errorf("newest %+v", list[0])
			}
			page, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{Limit: 1, Offset: 1})
			if err != nil || n != 3 || len(page) != 1 || page[0].ID != list[1].ID {
				t.Errorf("page 2 of 1: %+v (count %d), %v", page, n, err)
			}
			if mine, n, err := e.Notifications.ListNotifications(ctx, emps[0].Actor(), false, attendance.Page{}); err != nil || n != 0 || mine == nil {
				t.Errorf("an employee's: %+v (count %d), %v; want an empty list", mine, n, err)
			}
		})

		t.Run("NotificationsAfter", func(t *testing.T) {
			t.Parallel()
			t.Run("OldestFirst", func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, kind)
				mgr, _, all := lateTeam(t, e, 3)
				if all[0].ID >= all[1].ID || all[0].EmployeeID > all[1].EmployeeID {
					t.Fatalf("%+v; want oldest first", all)
				}
				rest, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), all[0].ID, 1)
				if err != nil || len(rest) != 1 || rest[0].ID != all[1].ID {
					t.Errorf("one after the first: %+v, %v", rest, err)
				}
			})
			for _, later := range []bool{false, true} {
				name := "ReplayNeverSkips"
				if later {
					name += "IDsReadLater"
				}
				t.Run(name, func(t *testing.T) {
					// Late arrivals recorded at once while a reader replays "after
					// the last id I saw": it ends up with every one. Also when the
					// inserts go with the COMMITs, their ids unread (cluster mode).
					t.Parallel()
					e := newEnv(t, kind)
					if later {
						e.Emitter = idsLater{e.Emitted}
					}
					mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
					var emps []*attendance.Employee
					for i := range 12 {
						emps = append(emps, e.mustCreate(t, mgr.Actor(), fmt.Sprintf("late%d", i), attendance.RoleEmployee, &mgr.ID))
					}
					e.Clock.Set(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) // an hour late
					done := make(chan struct{})
					seen := map[int64]bool{}
					var last int64
					go func() {
						defer close(done)
						deadline := time.Now().Add(20 * time.Second)
						for len(seen) < len(emps) && time.Now().Before(deadline) {
							list, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), last, 100)
							if err != nil {
								t.Error(err)
								return
							}
							for _, n := range list {
								if n.ID <= last {
									t.Errorf("replay went backwards: %d after %d", n.ID, last)
								}
								last = n.ID
								seen[n.ID] = true
							}
						}
					}()
					var wg sync.WaitGroup
					for _, emp := range emps {
						wg.Add(1)
						go func() {
							defer wg.Done()
							if _, err := e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: attendance.Entry}); err != nil {
								t.Error(err)
							}
						}()
					}
					wg.Wait()
					<-done
					all, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 100)
					if err != nil {
						t.Fatal(err)
					}
					if len(all) != len(emps) || len(seen) != len(emps) {
						t.Fatalf("stored %d, replay saw %d, want %d each", len(all), len(seen), len(emps))
					}
				})
			}
		})

		// A single node (an Emitter that publishes after the commit): on
		// PostgreSQL the notification's insert goes with the COMMIT, and its
		// id is read in the same round trip; the message has it. A cause
		// that had notified already (stored by an earlier write) stores
		// nothing and sends no message.
		t.Run("LateArrivalMessage", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			emp := e.mustCreate(t, mgr.Actor(), "late", attendance.RoleEmployee, &mgr.ID)
			other := e.mustCreate(t, mgr.Actor(), "again", attendance.RoleEmployee, &mgr.ID)
			e.clockAt(t, emp.Actor(), "2026-11-02T09:00:00Z", attendance.Entry)
			stored, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 100)
			if err != nil || len(stored) != 1 {
				t.Fatalf("%+v, %v; want one notification", stored, err)
			}
			msgs := e.Emitted.Of(attendance.MessageNotification)
			if len(msgs) != 1 || msgs[0].ID != fmt.Sprint("notification:", stored[0].ID) || msgs[0].Notification.ID != stored[0].ID ||
				msgs[0].RecipientID != mgr.ID || !msgs[0].Notification.CreatedAt.Equal(stored[0].CreatedAt) {
				t.Fatalf("messages %+v; want notification %d's", msgs, stored[0].ID)
			}

			next := e.DB.NextEventID(t)
			e.DB.InsertLateArrival(t, mgr.ID, other.ID, fmt.Sprint("late_arrival:", next), at(t, "2026-11-02T08:00:00Z"))
			if ev := e.clockAt(t, other.Actor(), "2026-11-02T09:10:00Z", attendance.Entry); ev.ID != next || !ev.Late {
				t.Fatalf("%+v: want event %d, late", ev, next)
			}
			if msgs := e.Emitted.Of(attendance.MessageNotification); len(msgs) != 1 {
				t.Fatalf("messages %+v; want the first alone", msgs)
			}
			if all, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 100); err != nil || len(all) != 2 {
				t.Fatalf("%+v, %v; want the first and the one stored before", all, err)
			}
		})

		// In cluster mode a late clock-in on PostgreSQL sends the
		// notification's insert with its COMMIT, unread: its message names
		// it by recipient, cause and instant, and the publish job reads the
		// id (NotificationIDs). SQLite reads it in the write as ever.
		t.Run("IDsReadLater", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.Emitter = idsLater{e.Emitted}
			mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
			emp := e.mustCreate(t, mgr.Actor(), "late", attendance.RoleEmployee, &mgr.ID)
			ev := e.clockAt(t, emp.Actor(), "2026-11-02T09:00:00Z", attendance.Entry)
			stored, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 100)
			if err != nil || len(stored) != 1 {
				t.Fatalf("%+v, %v; want one notification", stored, err)
			}
			msgs := e.Emitted.Of(attendance.MessageNotification)
			if len(msgs) != 1 {
				t.Fatalf("%d notification messages, want 1", len(msgs))
			}
			m, n := msgs[0], stored[0]
			want := attendance.NotificationRef{RecipientID: mgr.ID, Cause: fmt.Sprint("late_arrival:", ev.ID), CreatedAt: at(t, "2026-11-02T09:00:00Z")}
			if kind == "postgres" {
				if !m.NotificationIDPending() || m.ID != "" || m.Notification.Ref() != want {
					t.Fatalf("message %q, pending %v, ref %+v; want pending, named by %+v", m.ID, m.NotificationIDPending(), m.Notification.Ref(), want)
				}
				m = m.WithNotificationID(n.ID)
			}
			if m.ID != fmt.Sprint("notification:", n.ID) || m.Notification.ID != n.ID || m.RecipientID != mgr.ID {
				t.Fatalf("message %q of notification %d to %d; want notification %d to %d", m.ID, m.Notification.ID, m.RecipientID, n.ID, mgr.ID)
			}
			other := want
			other.CreatedAt = other.CreatedAt.Add(time.Microsecond) // a later write of the same cause: it stored nothing
			unknown := want
			unknown.Cause += "0"
			ids, err := e.Notifications.NotificationIDs(ctx, []attendance.NotificationRef{other, want, unknown, want})
			if err != nil || fmt.Sprint(ids) != fmt.Sprint([]int64{0, n.ID, 0, n.ID}) {
				t.Fatalf("NotificationIDs: %v, %v; want [0 %d 0 %d]", ids, err, n.ID, n.ID)
			}
		})

		t.Run("LastNotificationID", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emps, all := lateTeam(t, e, 2)
			for _, who := range []struct {
				actor attendance.Actor
				want  int64
			}{{mgr.Actor(), all[len(all)-1].ID}, {emps[0].Actor(), 0}} {
				if got, err := e.Notifications.LastNotificationID(ctx, who.actor); err != nil || got != who.want {
					t.Errorf("LastNotificationID(user %d) = %d, %v; want %d", who.actor.ID, got, err, who.want)
				}
			}
		})

		t.Run("MarkRead", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, emps, all := lateTeam(t, e, 2)
			e.Clock.Set(at(t, "2026-11-02T10:00:00Z"))
			wantCode(t, e.Notifications.MarkRead(ctx, mgr.Actor(), all[0].ID), "")
			wantCode(t, e.Notifications.MarkRead(ctx, emps[0].Actor(), all[1].ID), "not_found")
			wantCode(t, e.Notifications.MarkRead(ctx, mgr.Actor(), 999), "not_found")
			e.Clock.Set(at(t, "2026-11-02T11:00:00Z"))
			wantCode(t, e.Notifications.MarkRead(ctx, mgr.Actor(), all[0].ID), "") // again: no change
			unread, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), true, attendance.Page{})
			if err != nil || n != 1 || unread[0].ID != all[1].ID {
				t.Errorf("unread: %+v (count %d), %v; want the second only", unread, n, err)
			}
			read, err := e.Notifications.NotificationsAfter(ctx, mgr.Actor(), 0, 1)
			if err != nil || read[0].ReadAt == nil || !read[0].ReadAt.Equal(at(t, "2026-11-02T10:00:00Z")) {
				t.Errorf("read: %+v, %v; want read at 10:00, the first time", read, err)
			}
		})

		t.Run("MarkAllRead", func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			mgr, _, _ := lateTeam(t, e, 3)
			wantCode(t, e.Notifications.MarkAllRead(ctx, mgr.Actor()), "")
			if _, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), true, attendance.Page{}); err != nil || n != 0 {
				t.Errorf("%d unread, %v; want none", n, err)
			}
			if _, n, err := e.Notifications.ListNotifications(ctx, mgr.Actor(), false, attendance.Page{}); err != nil || n != 3 {
				t.Errorf("%d in all, %v; want the 3 kept", n, err)
			}
		})
	})
}
