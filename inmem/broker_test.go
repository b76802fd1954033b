package inmem_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/inmem"
)

// received drains what s has been given so far. Publish delivers before it
// returns, so there is nothing to wait for.
func received(s attendance.Subscription) []attendance.Message {
	var out []attendance.Message
	for {
		select {
		case m := <-s.C():
			out = append(out, *m)
		default:
			return out
		}
	}
}

func isDone(s attendance.Subscription) bool {
	select {
	case <-s.Done():
		return true
	default:
		return false
	}
}

func TestBrokerVisibility(t *testing.T) {
	const employee, manager, upper, otherManager, admin = 10, 20, 30, 40, 1
	event := &attendance.AttendanceEvent{ID: 7, EmployeeID: employee, Type: attendance.Entry}
	notification := attendance.Message{ID: "n", Type: attendance.MessageNotification, RecipientID: manager,
		Notification: &attendance.Notification{ID: 3, Kind: attendance.NotifyLateArrival, EmployeeID: employee}}
	attendanceMsg := attendance.Message{ID: "a", Type: attendance.MessageAttendance, Event: event, Managers: []int64{manager, upper}}
	revoked := attendance.Message{ID: "r", Type: attendance.MessageSessionRevoked, SessionID: "s-1"}

	actor := func(id int64, role attendance.Role, session string) attendance.Actor {
		return attendance.Actor{ID: id, Role: role, SessionID: session}
	}
	tests := []struct {
		name  string
		msg   attendance.Message
		actor attendance.Actor
		want  bool
	}{
		{"notification to its recipient", notification, actor(manager, attendance.RoleManager, "s-2"), true},
		{"notification to the employee it is about", notification, actor(employee, attendance.RoleEmployee, "s-3"), false},
		{"notification to an admin who is not the recipient", notification, actor(admin, attendance.RoleAdmin, "s-4"), false},
		{"notification to a recipient with an employee role", attendance.Message{ID: "n2", Type: attendance.MessageNotification, RecipientID: employee,
			Notification: &attendance.Notification{ID: 4}}, actor(employee, attendance.RoleEmployee, "s-3"), true},

		{"attendance to the direct manager", attendanceMsg, actor(manager, attendance.RoleManager, "s-2"), true},
		{"attendance to a manager further up", attendanceMsg, actor(upper, attendance.RoleManager, "s-5"), true},
		{"attendance to an admin outside the line", attendanceMsg, actor(admin, attendance.RoleAdmin, "s-4"), true},
		{"attendance to another manager", attendanceMsg, actor(otherManager, attendance.RoleManager, "s-6"), false},
		{"attendance to the employee themselves", attendanceMsg, actor(employee, attendance.RoleEmployee, "s-3"), false},
		{"attendance to a demoted manager in the line", attendanceMsg, actor(upper, attendance.RoleEmployee, "s-5"), false},
		{"attendance of a manager to themselves", attendance.Message{ID: "a2", Type: attendance.MessageAttendance,
			Event: &attendance.AttendanceEvent{ID: 8, EmployeeID: manager}, Managers: []int64{upper}}, actor(manager, attendance.RoleManager, "s-2"), true},
		{"attendance without an event", attendance.Message{ID: "a3", Type: attendance.MessageAttendance, Managers: []int64{manager}},
			actor(manager, attendance.RoleManager, "s-2"), false},

		{"revocation to its session", revoked, actor(employee, attendance.RoleEmployee, "s-1"), true},
		{"revocation to another session of another user", revoked, actor(manager, attendance.RoleManager, "s-2"), false},
		{"revocation to an admin", revoked, actor(admin, attendance.RoleAdmin, "s-4"), false},
		{"revocation without a session to an actor without one", attendance.Message{ID: "r2", Type: attendance.MessageSessionRevoked},
			actor(employee, attendance.RoleEmployee, ""), false},

		{"unknown type", attendance.Message{ID: "x", Type: "gossip", RecipientID: manager}, actor(manager, attendance.RoleManager, "s-2"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.msg.VisibleTo(tt.actor); got != tt.want {
				t.Errorf("VisibleTo = %v, want %v", got, tt.want)
			}
			b := inmem.NewBroker(0)
			s := b.Subscribe(tt.actor)
			defer s.Close()
			// Another subscriber that may see everything must not change what s gets.
			all := b.Subscribe(attendance.Actor{ID: admin, Role: attendance.RoleAdmin})
			defer all.Close()
			if err := b.Publish(context.Background(), tt.msg); err != nil {
				t.Fatal(err)
			}
			got := received(s)
			if tt.want && (len(got) != 1 || got[0].ID != tt.msg.ID) {
				t.Errorf("got %v, want the message %q", got, tt.msg.ID)
			}
			if !tt.want && len(got) != 0 {
				t.Errorf("got %v, want nothing", got)
			}
		})
	}
}

// TestBrokerOrder: a subscriber gets what it may see, in publishing order,
// across and within Publish calls.
func TestBrokerOrder(t *testing.T) {
	t.Parallel()
	b := inmem.NewBroker(0)
	mgr := b.Subscribe(attendance.Actor{ID: 2, Role: attendance.RoleManager})
	defer mgr.Close()
	var want []string
	for i := range 20 {
		var msgs []attendance.Message
		for j := range 3 {
			id := fmt.Sprintf("m%d-%d", i, j)
			m := attendance.Message{ID: id, Type: attendance.MessageNotification, RecipientID: 2}
			if j == 1 {
				m.RecipientID = 3 // someone else's
			} else {
				want = append(want, id)
			}
			msgs = append(msgs, m)
		}
		if err := b.Publish(context.Background(), msgs...); err != nil {
			t.Fatal(err)
		}
	}
	got := received(mgr)
	if len(got) != len(want) {
		t.Fatalf("got %d messages, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i] {
			t.Fatalf("message %d = %q, want %q", i, got[i].ID, want[i])
		}
	}
}

// TestBrokerDropsSlowSubscriber: a subscriber whose buffer is full is dropped
// (it sees Done closed, and nothing more), and the others keep receiving.
func TestBrokerDropsSlowSubscriber(t *testing.T) {
	t.Parallel()
	b := inmem.NewBroker(3)
	actor := attendance.Actor{ID: 5, Role: attendance.RoleEmployee}
	slow := b.Subscribe(actor)
	fast := b.Subscribe(actor)
	defer fast.Close()
	msg := func(i int) attendance.Message {
		return attendance.Message{ID: fmt.Sprint(i), Type: attendance.MessageNotification, RecipientID: 5}
	}
	ctx := context.Background()
	for i := range 3 {
		if err := b.Publish(ctx, msg(i)); err != nil {
			t.Fatal(err)
		}
		if got := received(fast); len(got) != 1 {
			t.Fatalf("fast subscriber got %d messages, want 1", len(got))
		}
	}
	if isDone(slow) {
		t.Fatal("a subscriber with a full buffer but no overflow was dropped")
	}
	// The fourth message overflows the slow subscriber's buffer, and so would the fifth.
	if err := b.Publish(ctx, msg(3), msg(4)); err != nil {
		t.Fatal(err)
	}
	if !isDone(slow) {
		t.Fatal("the slow subscriber was not dropped")
	}
	if got := received(fast); len(got) != 2 {
		t.Fatalf("fast subscriber got %d messages, want 2", len(got))
	}
	if got := b.Subscribers(); got != 1 {
		t.Errorf("Subscribers() = %d after the drop, want 1", got)
	}
	// The dropped subscriber gets nothing more; the other still does.
	if err := b.Publish(ctx, msg(5)); err != nil {
		t.Fatal(err)
	}
	if got := received(fast); len(got) != 1 || got[0].ID != "5" {
		t.Fatalf("fast subscriber got %v after the drop, want message 5", got)
	}
	if got := received(slow); len(got) != 3 || got[0].ID != "0" || got[2].ID != "2" {
		t.Fatalf("dropped subscriber holds %v, want only the three messages it had room for", got)
	}
}

func TestBrokerCloseIsIdempotent(t *testing.T) {
	t.Parallel()
	b := inmem.NewBroker(0)
	actor := attendance.Actor{ID: 5, Role: attendance.RoleEmployee}
	s := b.Subscribe(actor)
	other := b.Subscribe(actor)
	defer other.Close()
	if got := b.Subscribers(); got != 2 {
		t.Fatalf("Subscribers() = %d, want 2", got)
	}
	s.Close()
	s.Close()
	if !isDone(s) {
		t.Fatal("Done is not closed after Close")
	}
	if got := b.Subscribers(); got != 1 {
		t.Fatalf("Subscribers() = %d after closing one twice, want 1", got)
	}
	if err := b.Publish(context.Background(), attendance.Message{ID: "1", Type: attendance.MessageNotification, RecipientID: 5}); err != nil {
		t.Fatal(err)
	}
	if got := received(s); len(got) != 0 {
		t.Errorf("a closed subscriber got %v", got)
	}
	if got := received(other); len(got) != 1 {
		t.Errorf("the open subscriber got %d messages, want 1", len(got))
	}
}

// TestBrokerPublishNeverBlocks publishes far more than a subscriber that never
// reads can hold, while others subscribe and close concurrently.
func TestBrokerPublishNeverBlocks(t *testing.T) {
	t.Parallel()
	b := inmem.NewBroker(1)
	actor := attendance.Actor{ID: 5, Role: attendance.RoleAdmin, SessionID: "s"}
	stuck := b.Subscribe(actor) // never read
	defer stuck.Close()
	msgs := []attendance.Message{
		{ID: "n", Type: attendance.MessageNotification, RecipientID: 5},
		{ID: "a", Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{EmployeeID: 9}},
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 500 {
					_ = b.Publish(context.Background(), msgs...)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				s := b.Subscribe(actor)
				s.Close()
			}
		}()
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if !isDone(stuck) {
		t.Error("the subscriber that never read was not dropped")
	}
	if got := b.Subscribers(); got != 0 {
		t.Errorf("Subscribers() = %d, want 0", got)
	}
}
