package http

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/openattendance/attendance"
)

// The notification stream's protocol, as the contract describes it to
// clients: the upgrade and its origin check, the auth message within
// wsAuthTimeout, ready, the replay of what was missed after after_id, then
// the live part: pings, write deadlines, the periodic session check, the
// drop of a client that reads too slowly, and the close on shutdown. Who is
// connected and what a live message does to a socket is the registry's
// (ws_registry.go).

// WebSocket limits and timings.
const (
	wsAuthTimeout  = 10 * time.Second // the first message must arrive within this
	wsWriteTimeout = 5 * time.Second  // a write that takes longer drops the client
	wsPingEvery    = 30 * time.Second
	wsRecheckEvery = 60 * time.Second // the session is checked again this often
	wsReadLimit    = 4096             // bytes; the client sends one small auth message
	wsReplayPage   = 500
)

// Close codes of the notification stream.
const (
	closeUnauthorized websocket.StatusCode = 4401 // no, bad, or revoked token
	closeTooMany      websocket.StatusCode = 4429 // too many sockets for one user
)

type wsAuth struct {
	Type    string `json:"type"`
	Token   string `json:"token"`
	AfterID int64  `json:"after_id"`
}

type wsReady struct {
	Type   string `json:"type"`
	UserID int64  `json:"user_id"`
	// AfterID is the id the replay starts after: the client's after_id, or
	// the user's newest notification's when the client was ahead of it (a
	// database restored from a backup). A client that remembers the last id
	// it saw starts again from this one, or it would ask for too much again
	// at its next reconnect.
	AfterID int64 `json:"after_id"`
}

type wsNotification struct {
	Type         string                   `json:"type"`
	Notification *attendance.Notification `json:"notification"`
}

type wsEvent struct {
	Type  string                      `json:"type"`
	Event *attendance.AttendanceEvent `json:"event"`
}

// notificationStream upgrades to a WebSocket and streams the user's
// notifications (and, with manager access, the attendance events of their
// scope): authenticate with the first message, replay what was missed after
// after_id, then live. It only upgrades and streams: who may see what is
// attendance.Message.VisibleTo, applied by the broker.
//
// The live part outlives the handler. Once the stream is set up it is served
// by a goroutine of its own and the handler returns, so that net/http's
// goroutine, whose stack the authentication and the replay have grown, ends:
// a dashboard idles most of its life, and a thousand of them should cost
// little memory.
func (s *Server) notificationStream(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.originHosts()})
	if err != nil {
		return // Accept has answered the client
	}
	c.SetReadLimit(wsReadLimit)
	path := r.URL.Path
	// The request's context ends when the handler returns; the stream's
	// ends when the client goes (CloseRead) or the stream is closed.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	handedOff := false
	defer func() {
		if !handedOff { // an error or a panic: nothing is left open
			cancel()
			c.CloseNow()
		}
	}()
	defer s.endOnPanic(c, path)
	st, err := s.openStream(ctx, c)
	if err != nil {
		return
	}
	handedOff = true
	go func() {
		defer cancel()
		defer c.CloseNow()
		defer st.unregister()
		defer s.endOnPanic(c, path)
		st.serve(ctx)
	}()
}

// endOnPanic, deferred, turns a panic of a stream into a log entry and a close
// with 1011: past the upgrade, the recoverer's 500 cannot reach the client,
// and out of the handler a panic would end the process.
func (s *Server) endOnPanic(c *websocket.Conn, path string) {
	if v := recover(); v != nil {
		s.Logger.Error("panic", "path", path, "panic", v, "stack", string(debug.Stack()))
		c.Close(websocket.StatusInternalError, "something went wrong on our side")
	}
}

// openStream authenticates the client, subscribes it and replays what it
// missed. On an error (or a panic) the client has been told why, and nothing
// is left open but the connection.
func (s *Server) openStream(ctx context.Context, c *websocket.Conn) (*liveStream, error) {
	actor, afterID, err := s.wsAuthenticate(ctx, c)
	if err != nil {
		c.Close(closeUnauthorized, "unauthorized")
		return nil, err
	}
	// An after_id beyond the user's newest notification (a database restored
	// from a backup, a client of another server) must not hide the live ones
	// to come. Clamped before the subscription, it replays whatever is
	// committed from here on and the subscription has not seen.
	if afterID > 0 {
		newest, err := s.Notifications.LastNotificationID(ctx, actor)
		if err != nil {
			s.Logger.ErrorContext(ctx, "websocket replay", "err", err)
			c.Close(websocket.StatusInternalError, "replay failed")
			return nil, err
		}
		afterID = min(afterID, newest)
	}
	// Subscribe before the replay, so that nothing committed in between is missed;
	// what the replay already sent is skipped when it comes live.
	st, err := s.stream.register(c, actor)
	if err != nil {
		return nil, err
	}
	opened := false
	defer func() {
		if !opened { // an error or a panic
			st.unregister()
		}
	}()
	if err := st.open(ctx, afterID); err != nil {
		return nil, err
	}
	opened = true
	return st, nil
}

func (st *liveStream) open(ctx context.Context, afterID int64) error {
	// A role change committed between the authentication and the
	// subscription sent its message to nobody: look once more.
	if !st.stillValid(ctx) {
		return errSessionEnded
	}
	if err := st.s.wsWrite(ctx, st.c, wsReady{Type: "ready", UserID: st.actor.ID, AfterID: afterID}); err != nil {
		return err
	}
	var err error
	st.replayed, err = st.s.wsReplay(ctx, st.c, st.actor, afterID)
	return err
}

// serve streams live messages until the client goes, the stream is closed, or
// it falls behind.
func (st *liveStream) serve(ctx context.Context) {
	s, c := st.s, st.c
	// The client sends nothing more; reading in the background answers pings
	// and notices the close.
	ctx = c.CloseRead(ctx)
	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	recheck := time.NewTicker(wsRecheckEvery)
	defer recheck.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			c.Close(websocket.StatusGoingAway, "the server is shutting down")
			return
		case <-st.sub.Done():
			s.metrics.dropped.Inc()
			c.Close(websocket.StatusPolicyViolation, "the client read too slowly")
			return
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
			err = c.Ping(pctx)
			cancel()
		case <-recheck.C:
			if !st.stillValid(ctx) {
				return
			}
		case m := <-st.sub.C():
			if !st.handle(ctx, m) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (s *Server) wsAuthenticate(ctx context.Context, c *websocket.Conn) (attendance.Actor, int64, error) {
	// A read whose context ends drops the connection without a close frame,
	// and wsjson.Read closes with 1007 on bad JSON: the deadline and the
	// decoding are done here, so that the client sees 4401 in both cases.
	late := time.AfterFunc(wsAuthTimeout, func() { c.Close(closeUnauthorized, "no auth message in time") })
	defer late.Stop()
	typ, b, err := c.Read(ctx)
	if err != nil {
		return attendance.Actor{}, 0, err
	}
	if !late.Stop() {
		return attendance.Actor{}, 0, errors.New("no auth message in time")
	}
	var msg wsAuth
	if typ != websocket.MessageText || json.Unmarshal(b, &msg) != nil || msg.Type != "auth" || msg.Token == "" || msg.AfterID < 0 {
		return attendance.Actor{}, 0, errors.New("the first message must be {\"type\":\"auth\",\"token\":…}")
	}
	ctx, cancel := context.WithTimeout(ctx, wsAuthTimeout)
	defer cancel()
	a, err := s.Auth.Authenticate(ctx, msg.Token)
	if err != nil {
		return attendance.Actor{}, 0, err
	}
	return a, msg.AfterID, nil
}

// wsReplay sends the stored notifications after afterID, oldest first, and
// returns the last id sent.
func (s *Server) wsReplay(ctx context.Context, c *websocket.Conn, a attendance.Actor, afterID int64) (int64, error) {
	last := afterID
	for {
		list, err := s.Notifications.NotificationsAfter(ctx, a, last, wsReplayPage)
		if err != nil {
			s.Logger.ErrorContext(ctx, "websocket replay", "err", err)
			c.Close(websocket.StatusInternalError, "replay failed")
			return 0, err
		}
		for _, n := range list {
			if err := s.wsWrite(ctx, c, wsNotification{Type: "notification", Notification: n}); err != nil {
				return 0, err
			}
			last = n.ID
		}
		if len(list) < wsReplayPage {
			return last, nil
		}
	}
}

func (s *Server) wsWrite(ctx context.Context, c *websocket.Conn, v any) error {
	ctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
	defer cancel()
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.Write(ctx, websocket.MessageText, b)
}

// originHosts are the allowed origins as the WebSocket library's patterns:
// scheme://host, so that the scheme must match too (as for CORS); the
// server's own host is always allowed by the library. The patterns are
// path.Match patterns: the characters it reads as wildcards or classes (the
// brackets of an IPv6 address among them) are escaped, so that an origin
// matches exactly, as it does for CORS.
func (s *Server) originHosts() []string {
	var hosts []string
	for _, o := range s.cfg.AllowedOrigins {
		if u, err := url.Parse(o); err == nil && u.Scheme != "" && u.Host != "" {
			hosts = append(hosts, matchEscaper.Replace(u.Scheme+"://"+u.Host))
		}
	}
	return hosts
}

var matchEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
