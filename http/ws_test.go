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

// panickyAuth authenticates one actor and panics when a session is checked
// after the first time (the check when the stream opens).
type panickyAuth struct {
	attendance.AuthService
	checks atomic.Int32
}

var streamActor = attendance.Actor{ID: 7, Role: attendance.RoleManager, SessionID: "s7"}

func (a *panickyAuth) Authenticate(context.Context, string) (attendance.Actor, error) {
	return streamActor, nil
}

func (a *panickyAuth) Session(context.Context, string) (attendance.Actor, error) {
	if a.checks.Add(1) > 1 {
		panic("a session check went wrong")
	}
	return streamActor, nil
}

type noNotifications struct{ attendance.NotificationService }

func (noNotifications) NotificationsAfter(context.Context, attendance.Actor, int64, int) ([]*attendance.Notification, error) {
	return nil, nil
}

// TestStreamPanicEndsTheStreamOnly: a panic while a stream is live closes that
// stream with 1011 and leaves the server serving.
func TestStreamPanicEndsTheStreamOnly(t *testing.T) {
	broker := inmem.NewBroker(0)
	s := NewServer(Config{Addr: "127.0.0.1:0"})
	s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s.Auth, s.Notifications, s.Broker = &panickyAuth{}, noNotifications{}, broker
	s.Ready = func(context.Context) error { return nil }
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c, _, err := websocket.Dial(ctx, "ws://"+s.Addr()+"/ws/notifications/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"type":"auth","token":"t"}`)); err != nil {
		t.Fatal(err)
	}
	if _, b, err := c.Read(ctx); err != nil {
		t.Fatalf("no ready message: %v", err)
	} else if string(b) != `{"type":"ready","user_id":7}` {
		t.Fatalf("first message %s", b)
	}
	// A role change makes the stream check its session, which panics.
	for broker.Subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := broker.Publish(ctx, attendance.Message{Type: attendance.MessageRoleChanged, UserID: streamActor.ID}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Read(ctx)
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
	for broker.Subscribers() != 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	if n := broker.Subscribers(); n != 0 {
		t.Fatalf("%d subscriptions left open after the stream ended", n)
	}
}
