package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// FuzzRequestState: whatever method, path, query string and header value
// clients send, the server keeps no state that grows with them. Each input is
// sent in 50 variants (its method, path and header value numbered), and
// after each the request counter must still have label values from small
// fixed sets; every few hundred inputs, the live heap must be within a
// bound of where it started. Run by `go test` on the seeds, and briefly by
// .ci/fuzz.
func FuzzRequestState(f *testing.F) {
	app := mustStart(f)
	h := app.Main.HTTP.Handler()
	token := app.Admin.Token
	for _, seed := range []struct{ method, path, query, header string }{
		{"GET", "/api/employees/", "limit=1", "x"},
		{"PROPFIND", "/api/nope/", "", ""},
		{"GET", "/healthz", "a=%FF", "\xff"},
		{"BREW", "/" + strings.Repeat("p", 300), "q=" + strings.Repeat("q", 300), strings.Repeat("h", 300)},
		{strings.Repeat("M", 4000), "/api/users/login/", "", "text/plain"},
		{"POST", "/api/attendance", "employee_id=1", "application/json"},
		{"DELETE", "/api/holidays/1/", "x=%00", "Bearer x"},
		{"OPTIONS", "/ws/notifications", "after_id=9", "https://evil.example"},
	} {
		f.Add(seed.method, seed.path, seed.query, seed.header)
	}

	var calls atomic.Int64
	var baseline uint64
	serve := func(t *testing.T, method, path, query, header string) {
		req := &http.Request{
			Method: method, URL: &url.URL{Path: path, RawQuery: query}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Authorization": {"Bearer " + token}, "X-Junk": {header}, "Accept": {header},
				"Origin": {header}, "Content-Type": {header}, "X-Forwarded-For": {header}, "Idempotency-Key": {header}},
			Host: "localhost", RemoteAddr: "192.0.2.1:1234", Body: http.NoBody,
		}
		req.RequestURI = req.URL.RequestURI()
		req = req.WithContext(t.Context())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
	}
	f.Fuzz(func(t *testing.T, method, path, query, header string) {
		// What net/http itself would refuse never reaches the handler.
		if !validMethod(method) || len(method)+len(path)+len(query)+len(header) > 16<<10 ||
			!strings.HasPrefix(path, "/") || !fzHeaderValue(header) {
			return
		}
		if _, err := url.ParseRequestURI(path + "?" + query); err != nil {
			return
		}
		n := calls.Add(1)
		if n == 1 {
			baseline = heapInUse()
		}
		for i := range 50 {
			s := strconv.Itoa(i)
			serve(t, method+s, path+s, query, header+s)
		}
		checkLabels(t, h)
		if n%300 == 0 {
			if heap := heapInUse(); heap > baseline+64<<20 {
				t.Fatalf("after %d inputs the heap is %d MB, from %d MB", n, heap>>20, baseline>>20)
			}
		}
	})
}

// validMethod reports whether m is an HTTP token, as net/http requires of a method.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if c := m[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

var requestSeries = regexp.MustCompile(`(?m)^attendance_http_requests_total\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\}`)

// checkLabels fails unless every label value of the request counter is
// from a small fixed set: standard methods or "other", at most as many
// routes as the server registers, statuses as text.
func checkLabels(t *testing.T, h http.Handler) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	methods, routes := map[string]bool{}, map[string]bool{}
	for _, m := range requestSeries.FindAllStringSubmatch(string(body), -1) {
		methods[m[1]], routes[m[2]] = true, true
		if len(m[1]) > 7 || len(m[2]) > 64 || len(m[3]) > 5 {
			t.Fatalf("a label value from a client: %q", m[0])
		}
	}
	if len(methods) > 10 || len(routes) > 64 {
		t.Fatalf("%d method and %d route label values: %v %v", len(methods), len(routes), methods, routes)
	}
	runtime.Gosched()
}
