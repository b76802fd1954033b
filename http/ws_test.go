package http

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/inmem"
)

// The live part of a stream runs on a goroutine of its own, out of reach of
// the recoverer middleware. These services fail on purpose, which the real
// ones cannot be made to do; everything else is the real server.

// panickyAuth authenticates one actor and panics when its session is checked
// more than after times (the first check is when the stream opens).
type panickyAuth struct {
	attendance.AuthService
	after  int32
	checks atomic.Int32
}

var streamActor = attendance.Actor{ID: 7, Role: attendance.RoleManager, SessionID: "s7"}

func (a *panickyAuth) Authenticate(context.Context, string) (attendance.Actor, error) {
	return streamActor, nil
}

func (a *panickyAuth) Session(context.Context, string) (attendance.Actor, error) {
	if a.checks.Add(1) > a.after {
		panic("a session check went wrong")
	}
	return streamActor, nil
}

type noNotifications struct{ attendance.NotificationService }

func (noNotifications) NotificationsAfter(context.Context, attendance.Actor, int64, int) ([]*attendance.Notification, error) {
	return nil, nil
}

func (noNotifications) LastNotificationID(context.Context, attendance.Actor) (int64, error) {
	return 0, nil
}

// TestStreamPanicEndsTheStreamOnly: a panic while a stream is live closes that
// stream with 1011 and leaves the server serving.
func TestStreamPanicEndsTheStreamOnly(t *testing.T) {
	s, broker := panickyServer(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := dialAndAuth(ctx, t, s)
	if _, b, err := c.Read(ctx); err != nil {
		t.Fatalf("no ready message: %v", err)
	} else if string(b) != `{"type":"ready","user_id":7,"after_id":0}` {
		t.Fatalf("first message %s", b)
	}
	// A role change makes the stream check its session, which panics.
	for broker.Subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := broker.Publish(ctx, attendance.Message{Type: attendance.MessageRoleChanged, UserID: streamActor.ID}); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Read(ctx)
	if code := websocket.CloseStatus(err); code != websocket.StatusInternalError {
		t.Fatalf("after the panic: %v (close code %d), want %d", err, code, websocket.StatusInternalError)
	}
	res, err := http.Get("http://" + s.Addr() + "/healthz")
	if err != nil {
		t.Fatalf("the server no longer answers: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz after the panic: %s", res.Status)
	}
	wantNothingOpen(ctx, t, s, broker)
}

// TestStreamPanicWhileOpening: a panic while the stream is set up (here the
// session check before the replay) leaves no subscription, no count against
// the user's sockets and no connection behind.
func TestStreamPanicWhileOpening(t *testing.T) {
	s, broker := panickyServer(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range MaxSocketsPerUser + 1 { // one more than a leak would allow
		c := dialAndAuth(ctx, t, s)
		_, _, err := c.Read(ctx)
		if code := websocket.CloseStatus(err); code != websocket.StatusInternalError {
			t.Fatalf("after the panic: %v (close code %d), want %d", err, code, websocket.StatusInternalError)
		}
		c.CloseNow()
	}
	wantNothingOpen(ctx, t, s, broker)
}

func panickyServer(t *testing.T, checksBeforePanic int32) (*Server, *inmem.Broker) {
	t.Helper()
	broker := inmem.NewBroker(0)
	s := NewServer(Config{Addr: "127.0.0.1:0"})
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s.Auth, s.Notifications, s.Broker = &panickyAuth{after: checksBeforePanic}, noNotifications{}, broker
	s.Ready = func(context.Context) error { return nil }
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s, broker
}

func dialAndAuth(ctx context.Context, t *testing.T, s *Server) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws://"+s.Addr()+"/ws/notifications/", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"auth","token":"t"}`)); err != nil {
		t.Fatal(err)
	}
	return c
}

// wantNothingOpen waits for the server to let go of every stream.
func wantNothingOpen(ctx context.Context, t *testing.T, s *Server, broker *inmem.Broker) {
	t.Helper()
	open := func() (subs, sockets int) {
		s.stream.mu.Lock()
		defer s.stream.mu.Unlock()
		return broker.Subscribers(), len(s.stream.conns) + len(s.stream.byUser)
	}
	for ctx.Err() == nil {
		if subs, sockets := open(); subs == 0 && sockets == 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
	subs, sockets := open()
	t.Fatalf("left open after the streams ended: %d subscriptions, %d socket entries", subs, sockets)
}
