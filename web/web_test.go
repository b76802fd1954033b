package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		status       int
		ctype        string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8"},
		{"HEAD", "/", 200, "text/html; charset=utf-8"},
		{"GET", "/index.html", 200, "text/html; charset=utf-8"},
		{"GET", "/app.js", 200, "text/javascript; charset=utf-8"},
		{"GET", "/style.css", 200, "text/css; charset=utf-8"},
		{"GET", "/favicon.svg", 200, "image/svg+xml"},
		{"GET", "/views/index.js", 200, "text/javascript; charset=utf-8"},
		{"GET", "/views/", 404, ""},
		{"GET", "/nope.js", 404, ""},
		{"GET", "/static/app.js", 404, ""},
		{"GET", "/static/", 404, ""},
		{"GET", "/app.js/", 404, ""},
		{"GET", "/../index.html", 404, ""},
		{"GET", "//app.js", 404, ""},
		{"POST", "/", 405, ""},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(tt.method, "/", nil)
		req.URL.Path = tt.path
		h.ServeHTTP(rec, req)
		if rec.Code != tt.status {
			t.Errorf("%s %s: status got %d, want %d", tt.method, tt.path, rec.Code, tt.status)
		}
		if tt.ctype != "" && rec.Header().Get("Content-Type") != tt.ctype {
			t.Errorf("%s %s: type got %q want %q", tt.method, tt.path, rec.Header().Get("Content-Type"), tt.ctype)
		}
		if tt.status == 200 && rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: no no-cache", tt.path)
		}
		if tt.method == "HEAD" && rec.Body.Len() != 0 {
			t.Errorf("HEAD body")
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), `id="clock-button"`) {
		t.Error("index lacks clock button")
	}
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 304 {
		t.Errorf("If-None-Match: got %d", rec.Code)
	}
}
