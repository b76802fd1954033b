package main

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// What a hostile client must not be able to do to the server: make it keep
// state that grows with what it sends, make it work or answer in proportion
// to junk, or store text that is not text. See docs/security.md.

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestMethodFlood: 10,000 requests with made-up methods and paths leave
// neither /metrics nor the heap bigger. Not parallel: it measures the heap of
// the whole test process, which must be quiet meanwhile.
func TestMethodFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 10,000 requests")
	}
	app := mustStart(t)
	metricsSize := func() int {
		return len(app.Anon().Do("GET", "/metrics", nil).Want(200).Body)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	send := func(method, path string) {
		req, err := http.NewRequest(method, app.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Junk", path)
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%.20s %s: %v", method, path, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Fatalf("%.20s %s: status %d", method, path, res.StatusCode)
		}
	}
	paths := []string{"/api/employees/", "/api/nope%d/", "/x%d", "/healthz", "/api/users/login/"}
	flood := func(n int, prefix string) {
		pad := strings.Repeat("X", 1000)
		for i := range n {
			path := paths[i%len(paths)]
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, i)
			}
			send(fmt.Sprintf("%s%05d%s", prefix, i, pad), path)
		}
	}
	// Warm up every kind of answer once (the series of the fixed label values
	// exist after this), then measure.
	flood(50, "WARM")
	metricsSize()
	before, heapBefore := metricsSize(), heapInUse()
	const n = 10_000
	flood(n, "M")

	after, heapAfter := metricsSize(), heapInUse()
	t.Logf("/metrics: %d bytes before, %d after; heap: %d KB before, %d KB after", before, after, heapBefore>>10, heapAfter>>10)
	// Without fixed labels, each made-up method is a series of its own: about
	// 1 KB more in /metrics and in the heap each, 10 MB in all.
	if grown := after - before; grown > 4<<10 {
		t.Errorf("/metrics grew by %d bytes after %d made-up methods, want (next to) nothing", grown, n)
	}
	if heapAfter > heapBefore && heapAfter-heapBefore > 3<<20 {
		t.Errorf("heap grew by %d KB after %d made-up methods, want less than 3 MB", (heapAfter-heapBefore)>>10, n)
	}
	body := string(app.Anon().Do("GET", "/metrics", nil).Want(200).Body)
	if strings.Contains(body, "M00001") || strings.Contains(body, "nope1") {
		t.Errorf("/metrics holds a client's method or path")
	}
	if !strings.Contains(body, `method="other"`) {
		t.Errorf("/metrics has no method=\"other\" series for the made-up methods")
	}
}
