package http

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// recoverer turns a panic into a logged 500 problem: one request fails, not the server.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "method", clip(r.Method), "path", logPath(r), "panic", v, "stack", string(debug.Stack()))
				writeJSONProblem(w, newProblem(http.StatusInternalServerError, "", "something went wrong on our side; it has been logged", nil))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func writeJSONProblem(w http.ResponseWriter, p *Problem) {
	for k, v := range p.headers {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (WebSocket hijack, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument counts and times requests by route, and logs failures and slow requests.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.observe(r.Method, route, status, took)
		switch {
		case status >= 500:
			s.Logger.Error("request", "method", clip(r.Method), "path", logPath(r), "status", status, "took", took, "client", s.clientAddr(r))
		case took > time.Second && status != http.StatusSwitchingProtocols: // a WebSocket lasts
			s.Logger.Warn("slow request", "method", clip(r.Method), "path", logPath(r), "status", status, "took", took)
		default:
			s.Logger.Debug("request", "method", clip(r.Method), "path", logPath(r), "status", status, "took", took)
		}
	})
}

// maxEcho is the most bytes of a client's method or path that a log line or
// an error message repeats: a 60 KB method is not written out whole.
const maxEcho = 200

// clip shortens s to maxEcho bytes, on a character boundary, marking the cut.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	n := maxEcho
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Content-Security-Policy of every answer: the web app's page, and anything
// else a browser might render. Scripts, styles and connections come from
// this origin only: 'self' covers the WebSocket (ws: or wss:) to this host
// and port, so the page cannot be made to talk to any other.
const (
	contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	// Swagger UI sets inline styles and loads its spec from this origin.
	swaggerSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

// secure sets the security headers of every answer, the web app's included:
// this is the one place that sets them.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if strings.HasPrefix(r.URL.Path, "/swagger/") {
			h.Set("Content-Security-Policy", swaggerSecurityPolicy)
		} else {
			h.Set("Content-Security-Policy", contentSecurityPolicy)
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// cors lets the configured origins (none by default) call the API from a browser.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !slices.Contains(s.cfg.AllowedOrigins, origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "Location, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// slashes serves an API path without its trailing slash like the path with it
// (the contract's paths end in a slash, Django style; clients forget it).
func (s *Server) slashes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		orig, p := r, r.URL.Path
		if (strings.HasPrefix(p, "/api/") || p == "/api" || p == "/ws/notifications") && !strings.HasSuffix(p, "/") {
			r2 := *r
			u := *r.URL
			u.Path = p + "/"
			if u.RawPath != "" {
				u.RawPath += "/"
			}
			r2.URL = &u
			defer func() { orig.Pattern = r2.Pattern }() // the route, for the metrics
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

// apiFallback answers API paths that match no operation: 405 when the path
// exists with other methods, else 404, as problems.
func (s *Server) apiFallback(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := s.mux.Handler(r2); pattern != "" && pattern != "/api/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeJSONProblem(w, newProblem(http.StatusMethodNotAllowed, "", clip(r.Method)+" is not allowed here; use "+strings.Join(allowed, ", "), nil))
		return
	}
	writeJSONProblem(w, newProblem(http.StatusNotFound, "", "there is no API endpoint at "+clip(r.URL.Path), nil))
}

// clientAddr is the client's address: the connection's peer, or, when the
// peer is a trusted proxy, the last address in X-Forwarded-For that is not one.
func (s *Server) clientAddr(r *http.Request) string {
	host, viaProxy := s.peer(r)
	if !viaProxy {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.String()
		}
	}
	return host
}

// peer is the address of the connection's other end, and whether it is a
// trusted proxy, whose X-Forwarded-* headers are believed.
func (s *Server) peer(r *http.Request) (host string, trusted bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return host, err == nil && s.trusted(a)
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
