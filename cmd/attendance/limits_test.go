package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Resource limits: what one client can make the server hold (bodies, headers,
// connections, sockets, login attempts), and the headers that protect a
// browser.

// limChunked hides a reader's length, so that the request is sent chunked,
// without a Content-Length for the server to check up front.
type limChunked struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	emp := app.Admin.NewUser("lim_body", nil)
	big := func(prefix string) string { return prefix + strings.Repeat("x", 1<<20) + `"}` }

	for _, tc := range []struct {
		name, method, path string
		c                  *client
		body               string
	}{
		{"login", "POST", "/api/users/login/", app.Anon(), big(`{"username": "lim_body", "password": "`)},
		{"refresh", "POST", "/api/users/token/refresh/", app.Anon(), big(`{"refresh": "`)},
		{"clock in", "POST", "/api/attendance/", emp, big(`{"type": "entry", "note": "`)},
		{"leave", "POST", "/api/leaves/request/", emp, big(`{"leave_type": "sick", "start_date": "2026-12-01", "end_date": "2026-12-01", "reason": "`)},
		{"password", "POST", "/api/users/password/", emp, big(`{"old_password": "password-123", "new_password": "`)},
		{"holiday", "POST", "/api/holidays/", app.Admin, big(`{"date": "2026-12-24", "name": "`)},
		{"employee", "PUT", fmt.Sprintf("/api/employees/%d/", emp.ID()), app.Admin, big(`{"username": "lim_body", "department": "`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c.In(t)
			c.Do(tc.method, tc.path, tc.body).WantProblem(413, "body_too_large")

			// The same without a Content-Length: the server stops reading at the limit.
			req, err := http.NewRequest(tc.method, app.URL+tc.path, limChunked{strings.NewReader(tc.body + strings.Repeat(" ", 8<<20))})
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if c.Token != "" {
				req.Header.Set("Authorization", "Bearer "+c.Token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				// The server may close the connection while the client still writes.
				t.Logf("chunked: %v", err)
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			r := &response{t: t, req: "chunked " + tc.method + " " + tc.path, Status: res.StatusCode, Header: res.Header, Body: b}
			r.WantProblem(413, "body_too_large")
		})
	}
	// The limit is on bodies over 1 MiB: exactly 1 MiB is read (and here,
	// a name too long, refused for that); a byte more is not.
	exactly := func(n int) string {
		const prefix, suffix = `{"first_name": "`, `"}`
		return prefix + strings.Repeat("f", n-len(prefix)-len(suffix)) + suffix
	}
	emp.Do("PATCH", "/api/users/me/", exactly(1<<20)).WantProblem(422, "invalid")
	emp.Do("PATCH", "/api/users/me/", exactly(1<<20+1)).WantProblem(413, "body_too_large")

	// Nothing was changed by the refused bodies.
	var l list[map[string]any]
	emp.In(t).Do("GET", "/api/attendance/", nil).Want(200).JSON(&l)
	if l.Count != 0 {
		t.Errorf("events after refused bodies: %d, want 0", l.Count)
	}
	app.In(t).Login("lim_body", testPassword)
}

func TestListLimits(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)
	lists := 0
	for path, methods := range doc.Paths {
		op, ok := methods["get"]
		if !ok {
			continue
		}
		paged := false
		for _, p := range op.Parameters {
			paged = paged || p.Name == "limit" && p.In == "query"
		}
		if !paged {
			continue
		}
		lists++
		t.Run(path, func(t *testing.T) {
			c := app.Admin.In(t)
			// A list of one employee's objects: the admin's own.
			path := strings.ReplaceAll(path, "{id}", strconv.FormatInt(c.ID(), 10))
			for _, q := range []string{"limit=501", "limit=0", "limit=-1", "limit=100000000000000000000", "limit=abc", "offset=-1", "offset=x"} {
				p := c.Do("GET", path+"?"+q, nil).WantProblem(422, "")
				if len(p.Errors) == 0 {
					t.Errorf("?%s: no errors in %+v", q, p)
				}
			}
			var l list[json.RawMessage]
			c.Do("GET", path+"?limit=500", nil).Want(200).JSON(&l)
			c.Do("GET", path+"?limit=1&offset=1000000", nil).Want(200).JSON(&l)
			if len(l.Results) != 0 {
				t.Errorf("far offset: %d results", len(l.Results))
			}
		})
	}
	if lists < 7 {
		t.Errorf("found %d paginated lists in the OpenAPI document, want at least 7", lists)
	}
}

func TestSlowloris(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes 5 s")
	}
	app := mustStart(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	// One header byte a second, until the server hangs up.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	b, err := io.ReadAll(conn)
	took := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still held the trickling connection after %s", took)
	}
	if took < 4*time.Second || took > 8*time.Second {
		t.Errorf("the server hung up after %s, want about 5 s (ReadHeaderTimeout)", took)
	}
	if strings.HasPrefix(string(b), "HTTP/1.1 200") {
		t.Errorf("the server answered an incomplete request: %q", b)
	}
}

func TestHeaderLimit(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	get := func(t *testing.T, size int) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", app.URL+"/api/users/me/", nil)
		req.Header.Set("Authorization", "Bearer "+app.Admin.Token)
		req.Header.Set("X-Padding", strings.Repeat("p", size))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	if res := get(t, 32<<10); res.StatusCode != 200 {
		t.Errorf("32 KiB of headers: status %d, want 200", res.StatusCode)
	}
	if res := get(t, 80<<10); res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("80 KiB of headers: status %d, want 431", res.StatusCode)
	}
	// Many small headers count the same.
	conn, err := net.Dial("tcp", strings.TrimPrefix(app.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var req strings.Builder
	req.WriteString("GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
	for i := range 2000 {
		fmt.Fprintf(&req, "X-H%d: %s\r\n", i, strings.Repeat("h", 40))
	}
	req.WriteString("\r\n")
	go conn.Write([]byte(req.String()))
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("many headers: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("2000 headers: status %d, want 431", res.StatusCode)
	}
}

// TestStreamCapPerUser: the WebSocket cap counts a user's sockets across all
// their sessions, not per token (ws_test.go covers one token, and the read limit).
func TestStreamCapPerUser(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	app.Admin.CreateEmployee("lim_ws", nil)
	// Eleven sign-ins share the hashing slot with the parallel tests: the
	// deadline only stops a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := "ws" + strings.TrimPrefix(app.URL, "http") + "/ws/notifications/"
	open := func(token string) (*websocket.Conn, map[string]any, error) {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.CloseNow() })
		if err := wsjson.Write(ctx, c, map[string]any{"type": "auth", "token": token, "after_id": 0}); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		err = wsjson.Read(ctx, c, &m)
		return c, m, err
	}
	for i := range 10 {
		token := app.Login("lim_ws", testPassword).Token // a session per socket
		if _, m, err := open(token); err != nil || m["type"] != "ready" {
			t.Fatalf("socket %d: %v %v", i+1, m, err)
		}
	}
	_, m, err := open(app.Login("lim_ws", testPassword).Token)
	if websocket.CloseStatus(err) != 4429 {
		t.Fatalf("11th socket of one user over 11 sessions: %v %v, want closed with 4429", m, err)
	}
	// Another user still gets in.
	if _, m, err := open(app.Admin.Token); err != nil || m["type"] != "ready" {
		t.Fatalf("another user: %v %v", m, err)
	}
}

// TestLoginRateLimitAddresses: the login limit keys on the username and the
// client address, and X-Forwarded-For is the client address only from a
// trusted proxy.
func TestLoginRateLimitAddresses(t *testing.T) {
	t.Parallel()
	login := func(app *testApp, user, password string, xff string) *response {
		var hdr []string
		if xff != "" {
			hdr = []string{"X-Forwarded-For", xff}
		}
		return app.Anon().Do("POST", "/api/users/login/", map[string]string{"username": user, "password": password}, hdr...)
	}

	t.Run("untrusted peer: rotating X-Forwarded-For does not escape the limit", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t).In(t)
		app.Admin.CreateEmployee("lim_rot", nil)
		for i := range 5 {
			login(app, "lim_rot", "wrong-password", fmt.Sprintf("198.51.100.%d", i+1)).WantProblem(401, "invalid_credentials")
		}
		res := login(app, "lim_rot", testPassword, "198.51.100.77")
		res.WantProblem(429, "too_many_attempts")
		if res.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		login(app, "lim_rot", testPassword, "").WantProblem(429, "too_many_attempts")
		// Another username from the same address is not locked.
		app.Admin.CreateEmployee("lim_rot2", nil)
		login(app, "lim_rot2", testPassword, "198.51.100.1").Want(200)
	})

	t.Run("trusted proxy: each forwarded address has its own limit", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t, withConfig(func(c *Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		})).In(t)
		app.Admin.CreateEmployee("lim_fwd", nil)
		for range 5 {
			login(app, "lim_fwd", "wrong-password", "203.0.113.10").WantProblem(401, "invalid_credentials")
		}
		login(app, "lim_fwd", testPassword, "203.0.113.10").WantProblem(429, "too_many_attempts")
		// A client cannot escape by prepending addresses: the nearest untrusted hop counts.
		login(app, "lim_fwd", testPassword, "192.0.2.1, 203.0.113.10").WantProblem(429, "too_many_attempts")
		login(app, "lim_fwd", testPassword, "203.0.113.10, 127.0.0.1").WantProblem(429, "too_many_attempts")
		// Another address, and the proxy itself, are not locked.
		login(app, "lim_fwd", testPassword, "203.0.113.11").Want(200)
		login(app, "lim_fwd", testPassword, "").Want(200)
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	for _, tc := range []struct {
		name, method, path string
		c                  *client
		body               any
		api                bool
	}{
		{"API response", "GET", "/api/users/me/", app.Admin, nil, true},
		{"API error", "GET", "/api/users/me/", app.Anon(), nil, true},
		{"login (tokens)", "POST", "/api/users/login/", app.Anon(), map[string]string{"username": "admin", "password": adminPassword}, true},
		{"unknown API path", "GET", "/api/nope/", app.Anon(), nil, true},
		{"web app", "GET", "/", app.Anon(), nil, false},
		{"OpenAPI", "GET", "/openapi.json", app.Anon(), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.c.In(t).Do(tc.method, tc.path, tc.body)
			if res.Status >= 500 {
				t.Fatalf("status %d", res.Status)
			}
			h := res.Header
			for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
				if got := h.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if rp := h.Get("Referrer-Policy"); rp != "no-referrer" && rp != "same-origin" && rp != "strict-origin-when-cross-origin" {
				t.Errorf("Referrer-Policy = %q", rp)
			}
			csp := h.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("Content-Security-Policy %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "script-src *") {
				t.Errorf("Content-Security-Policy %q allows arbitrary scripts", csp)
			}
			if cc := h.Get("Cache-Control"); tc.api && !strings.Contains(cc, "no-store") {
				t.Errorf("Cache-Control = %q, want no-store on an API response", cc)
			}
			if h.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("Access-Control-Allow-Origin = %q without an Origin", h.Get("Access-Control-Allow-Origin"))
			}
		})
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	const allowed, foreign = "https://hr.example.com", "https://evil.example"
	preflight := func(t *testing.T, app *testApp, origin string) *response {
		return app.Anon().In(t).Do("OPTIONS", "/api/attendance/", nil, "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type, idempotency-key")
	}
	noCORS := func(t *testing.T, res *response) {
		t.Helper()
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Allow-Credentials"} {
			if v := res.Header.Get(h); v != "" {
				t.Errorf("%s: %s = %q, want none", res.req, h, v)
			}
		}
	}

	t.Run("default: no origin is allowed", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t)
		res := preflight(t, app, foreign)
		if res.Status >= 200 && res.Status < 300 {
			t.Errorf("preflight from a foreign origin: status %d, want a refusal", res.Status)
		}
		noCORS(t, res)
		noCORS(t, app.Admin.In(t).Do("GET", "/api/users/me/", nil, "Origin", foreign).Want(200))
		noCORS(t, preflight(t, app, allowed))
	})

	t.Run("allowed origins", func(t *testing.T) {
		t.Parallel()
		app := mustStart(t, withConfig(func(c *Config) { c.AllowedOrigins = []string{allowed} }))
		res := preflight(t, app, allowed).Want(204)
		if got := res.Header.Get("Access-Control-Allow-Origin"); got != allowed {
			t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, allowed)
		}
		methods := res.Header.Get("Access-Control-Allow-Methods")
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if !strings.Contains(methods, m) {
				t.Errorf("Access-Control-Allow-Methods = %q lacks %s", methods, m)
			}
		}
		headers := strings.ToLower(res.Header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"authorization", "content-type", "idempotency-key"} {
			if !strings.Contains(headers, h) {
				t.Errorf("Access-Control-Allow-Headers = %q lacks %s", headers, h)
			}
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary = %q, want Origin", res.Header.Values("Vary"))
		}
		got := app.Admin.In(t).Do("GET", "/api/users/me/", nil, "Origin", allowed).Want(200)
		if o := got.Header.Get("Access-Control-Allow-Origin"); o != allowed {
			t.Errorf("actual response: Access-Control-Allow-Origin = %q, want %q", o, allowed)
		}
		// Errors carry it too, so that the browser lets the client read them.
		got = app.Anon().In(t).Do("GET", "/api/users/me/", nil, "Origin", allowed).Want(401)
		if o := got.Header.Get("Access-Control-Allow-Origin"); o != allowed {
			t.Errorf("401: Access-Control-Allow-Origin = %q, want %q", o, allowed)
		}
		// Other origins are still refused.
		noCORS(t, preflight(t, app, foreign))
		noCORS(t, app.Admin.In(t).Do("GET", "/api/users/me/", nil, "Origin", foreign).Want(200))
		noCORS(t, app.Admin.In(t).Do("GET", "/api/users/me/", nil, "Origin", allowed+".evil.example").Want(200))
	})
}
