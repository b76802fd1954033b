package http

import (
	"context"
	"errors"
	"sync"

	"github.com/coder/websocket"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/dedupe"
)

// The stream registry: who is connected (per user, with a cap, and in all
// for the shutdown), each socket's subscription to the broker, and what a
// message from the broker means for a socket: deliver it, or close the socket
// of a session that was revoked or whose role changed. The broker fans the
// messages out and decides who may see them (attendance.Message.VisibleTo).
// The WebSocket protocol around it is in ws_protocol.go.

// MaxSocketsPerUser bounds the WebSockets one user may hold open.
const MaxSocketsPerUser = 10

// streams tracks the open WebSockets, per user and in all.
type streams struct {
	s      *Server
	mu     sync.Mutex
	byUser map[int64]int
	conns  map[*websocket.Conn]struct{}
}

func newStreams(s *Server) *streams {
	return &streams{s: s, byUser: map[int64]int{}, conns: map[*websocket.Conn]struct{}{}}
}

func (st *streams) add(c *websocket.Conn, user int64) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.byUser[user] >= MaxSocketsPerUser {
		return false
	}
	st.byUser[user]++
	st.conns[c] = struct{}{}
	st.s.metrics.sockets.Inc()
	return true
}

func (st *streams) remove(c *websocket.Conn, user int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.conns[c]; !ok {
		return
	}
	delete(st.conns, c)
	if st.byUser[user]--; st.byUser[user] <= 0 {
		delete(st.byUser, user)
	}
	st.s.metrics.sockets.Dec()
}

// closeAll closes every open stream, on shutdown.
func (st *streams) closeAll() {
	st.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(st.conns))
	for c := range st.conns {
		conns = append(conns, c)
	}
	st.mu.Unlock()
	for _, c := range conns {
		c.Close(websocket.StatusGoingAway, "the server is shutting down")
	}
}

var errTooManySockets = errors.New("too many sockets for one user")

// register counts c as one of actor's sockets and subscribes it to the
// messages actor may see, or closes it (4429) when actor has too many open.
// unregister undoes it.
func (st *streams) register(c *websocket.Conn, actor attendance.Actor) (*liveStream, error) {
	if !st.add(c, actor.ID) {
		c.Close(closeTooMany, "too many open connections for this user")
		return nil, errTooManySockets
	}
	return &liveStream{s: st.s, c: c, actor: actor, sub: st.s.Broker.Subscribe(actor), seen: dedupe.New[int64](1024)}, nil
}

// liveStream is an authenticated notification stream: one socket, its
// subscription, and what it has sent.
type liveStream struct {
	s        *Server
	c        *websocket.Conn
	actor    attendance.Actor
	sub      attendance.Subscription
	replayed int64 // the last notification id the replay sent
	// seen holds the recent live notification ids: live ones up to replayed
	// were in the replay (ids commit in order); later ones may arrive twice
	// from a broker.
	seen *dedupe.Window[int64]
}

func (st *liveStream) unregister() {
	st.sub.Close()
	st.s.stream.remove(st.c, st.actor.ID)
}

var errSessionEnded = errors.New("the session has ended or its role has changed")

// stillValid reports whether the stream's session is live and its role the
// one the stream was opened with, and closes the stream (4401) if not. It is
// the session, not the token, that counts: a dashboard outlives its 15-minute
// access token.
func (st *liveStream) stillValid(ctx context.Context) bool {
	if a, err := st.s.Auth.Session(ctx, st.actor.SessionID); err != nil || a.Role != st.actor.Role {
		st.c.Close(closeUnauthorized, errSessionEnded.Error())
		return false
	}
	return true
}

// handle does what m asks of the stream: write it to the socket, or close
// the socket (4401) when its session was revoked or its role changed. It
// reports whether the stream goes on: not after a close or a failed write.
func (st *liveStream) handle(ctx context.Context, m *attendance.Message) bool {
	var err error
	switch m.Type {
	case attendance.MessageSessionRevoked:
		st.c.Close(closeUnauthorized, "signed out")
		return false
	case attendance.MessageRoleChanged:
		return st.stillValid(ctx)
	case attendance.MessageNotification:
		if m.Notification == nil || m.Notification.ID <= st.replayed || !st.seen.Add(m.Notification.ID) {
			return true // already sent
		}
		err = st.s.wsWrite(ctx, st.c, wsNotification{Type: "notification", Notification: m.Notification})
	case attendance.MessageAttendance:
		err = st.s.wsWrite(ctx, st.c, wsEvent{Type: "attendance", Event: m.Event})
	default:
		return true
	}
	if err != nil {
		return false
	}
	st.s.metrics.pushed.WithLabelValues(string(m.Type)).Inc()
	return true
}
