package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/inmem"
)

// A late clock-in notifies the manager; on PostgreSQL the write sends the
// notification's insert with its COMMIT without reading the id, and the
// publish job's worker reads it (PublishNotificationsArgs). These tests
// follow it from the store through the real River worker to a subscriber
// of the broker the worker publishes to.

// lateRig is a manager, their report, and a runner that publishes to a
// broker the manager subscribes to, the store emitting into the runner as
// in cluster mode.
type lateRig struct {
	e   *env
	mgr *attendance.Employee
	emp *attendance.Employee
	sub attendance.Subscription
}

func newLateRig(t *testing.T, e *env) *lateRig {
	t.Helper()
	mgr := e.mustCreate(t, "mgr", attendance.RoleManager, e.Admin.ID)
	emp := e.mustCreate(t, "emp", attendance.RoleEmployee, mgr.ID)
	broker := inmem.NewBroker(0)
	sub := broker.Subscribe(mgr.Actor())
	t.Cleanup(sub.Close)
	r := e.start(t, Config{Publisher: broker, Notifications: e.DB.Notifications})
	e.DB.Emitter = r
	return &lateRig{e: e, mgr: mgr, emp: emp, sub: sub}
}

// clockInLate clocks the employee in at 09:30, 90 minutes past their start.
func (l *lateRig) clockInLate(t *testing.T) *attendance.AttendanceEvent {
	t.Helper()
	l.e.Clock.Set(monday.Add(2*time.Hour + 30*time.Minute))
	ev, err := l.e.DB.Attendance.RecordEvent(context.Background(), l.emp.Actor(), attendance.RecordEvent{Type: attendance.Entry})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Late {
		t.Fatalf("the entry at 09:30 is not late: %+v", ev)
	}
	return ev
}

// received returns the attendance event and the late-arrival notifications
// the manager's subscription received until the event's message and wait
// more, leaving out the periodic checks' messages.
func (l *lateRig) received(t *testing.T, ev *attendance.AttendanceEvent, wait time.Duration) (sawEvent bool, late []attendance.Message) {
	t.Helper()
	deadline := time.After(jobWait)
	var quiet <-chan time.Time
	for {
		select {
		case m := <-l.sub.C():
			switch {
			case m.Type == attendance.MessageAttendance && m.Event != nil && m.Event.ID == ev.ID:
				sawEvent = true
				quiet = time.After(wait)
			case m.Type == attendance.MessageNotification && m.Notification != nil && m.Notification.Kind == attendance.NotifyLateArrival:
				late = append(late, *m)
			}
		case <-l.sub.Done():
			t.Fatal("the manager's subscription was dropped")
		case <-quiet:
			return sawEvent, late
		case <-deadline:
			if sawEvent {
				return sawEvent, late
			}
			t.Fatalf("the event %d never reached the manager's subscription (late arrivals: %+v)", ev.ID, late)
		}
	}
}

// TestLateEntryPublishedWithItsID: the notification of a late clock-in
// reaches the manager's subscription as it is stored and listed: message
// ID "notification:<id>", the notification with that id. On PostgreSQL the
// worker of a publish_events_notifications job read the id.
func TestLateEntryPublishedWithItsID(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		l := newLateRig(t, e)
		ev := l.clockInLate(t)
		_, late := l.received(t, ev, 2*time.Second)
		list, _, err := e.DB.Notifications.ListNotifications(context.Background(), l.mgr.Actor(), false, attendance.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var stored []*attendance.Notification
		for _, n := range list {
			if n.Kind == attendance.NotifyLateArrival {
				stored = append(stored, n)
			}
		}
		if len(stored) != 1 || len(late) != 1 {
			t.Fatalf("%d late arrivals stored, %d received; want one each (received %+v)", len(stored), len(late), late)
		}
		n, m := stored[0], late[0]
		if want := fmt.Sprint("notification:", n.ID); m.ID != want || m.Notification.ID != n.ID || m.RecipientID != l.mgr.ID {
			t.Fatalf("received message %q, notification id %d, recipient %d; want %q, %d, %d", m.ID, m.Notification.ID, m.RecipientID, want, n.ID, l.mgr.ID)
		}
		if !m.Notification.CreatedAt.Equal(n.CreatedAt) || m.Notification.Message != n.Message || !sameJSON(t, m.Notification.Data, n.Data) ||
			m.Notification.EmployeeID != l.emp.ID || m.Topic() != "notification.late_arrival" {
			t.Fatalf("received %+v, stored %+v", *m.Notification, *n)
		}
		e.wantNotificationJobs(t)
	})
}

// TestRepeatedCausePublishesNothing: a late clock-in whose cause already
// notified the manager (an earlier write stored it) stores nothing, and its
// publish job publishes the event but no notification: the worker finds the
// stored one's instant is not the write's.
func TestRepeatedCausePublishesNothing(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		l := newLateRig(t, e)
		ctx := context.Background()
		// The cause of the next event's late arrival, stored an hour ago.
		next := e.DB.NextEventID(t)
		e.DB.InsertLateArrival(t, l.mgr.ID, l.emp.ID, fmt.Sprint("late_arrival:", next), monday.Add(time.Hour+30*time.Minute))
		ev := l.clockInLate(t)
		if ev.ID != next {
			t.Fatalf("the event is %d, not %d as foreseen", ev.ID, next)
		}
		sawEvent, late := l.received(t, ev, 2*time.Second)
		if !sawEvent || len(late) != 0 {
			t.Fatalf("event received: %v; late arrivals received %+v, want none", sawEvent, late)
		}
		e.wantNotificationJobs(t)
		list, _, err := e.DB.Notifications.ListNotifications(ctx, l.mgr.Actor(), false, attendance.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, n := range list {
			if n.Kind == attendance.NotifyLateArrival {
				msgs = append(msgs, n.Message)
			}
		}
		if fmt.Sprint(msgs) != "[stored before]" {
			t.Fatalf("late arrivals stored %q, want the one stored before alone", msgs)
		}
	})
}

// wantNotificationJobs checks who read the notification's id: on
// PostgreSQL the worker of one publish_events_notifications job, which
// completed; on SQLite the write (none).
func (e *env) wantNotificationJobs(t *testing.T) {
	t.Helper()
	jobs := e.jobs(t, PublishNotificationsArgs{}.Kind())
	if e.Dialect != "postgres" {
		if len(jobs) != 0 {
			t.Fatalf("publish_events_notifications jobs on %s: %+v, want none", e.Dialect, jobs)
		}
		return
	}
	if len(jobs) != 1 || jobs[0].State != "completed" || jobs[0].Attempt != 1 {
		t.Fatalf("publish_events_notifications jobs: %+v, want one, completed at its first attempt", jobs)
	}
}

// sameJSON reports whether a and b are the same JSON value (PostgreSQL's
// jsonb spaces a document as it likes).
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(va, vb)
}

// TestPublishNotificationsMalformed: a job whose pending notification names
// no message of its own is cancelled, not retried for two weeks.
func TestPublishNotificationsMalformed(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		pub := &publisher{}
		r := e.start(t, Config{Publisher: pub, Notifications: e.DB.Notifications})
		args := PublishNotificationsArgs{Messages: []attendance.Message{message("an event")},
			Pending: []PendingNotification{{Index: 1, Ref: attendance.NotificationRef{RecipientID: 1, Cause: "x", CreatedAt: monday}}}}
		if _, err := r.client.Insert(context.Background(), args, nil); err != nil {
			t.Fatal(err)
		}
		e.eventually(t, "the job is cancelled", func() bool {
			jobs := e.jobs(t, args.Kind())
			return len(jobs) == 1 && jobs[0].State == "cancelled"
		})
		if calls, _ := pub.state(); calls != 0 {
			t.Fatalf("%d publish calls, want none", calls)
		}
	})
}
