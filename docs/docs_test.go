// Package docs_test checks the API reference in this directory against the
// server: every operation of its OpenAPI document is written in some
// docs/*.md file, and every endpoint written there exists.
package docs_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	apihttp "github.com/openattendance/attendance/http"
	"github.com/openattendance/attendance/web"
)

// endpointSpan is how the docs write an endpoint: a code span holding a
// method and a path, e.g. `GET /api/employees/{id}/` (a query is allowed
// and ignored: `GET /api/leaves/?status=pending`).
var endpointSpan = regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`\\s?]*)(\\?[^`\\s]*)?`")

// param matches a path parameter as OpenAPI ({id}) or the contract (<id>) write it.
var param = regexp.MustCompile(`\{[^}/]*\}|<[^>/]*>`)

// endpoint is a method and a path with its parameters written as {}.
type endpoint string

func newEndpoint(method, path string) endpoint {
	return endpoint(strings.ToUpper(method) + " " + param.ReplaceAllString(path, "{}"))
}

// designMark is a line of a document that designs what is not served yet:
// its endpoints need not exist. The engineer who builds them removes it.
const designMark = "<!-- status: design, not yet served -->"

// documented returns the endpoints written in the docs/*.md files, with the
// files that write each, and the files that only design theirs.
func documented(t *testing.T) (found map[endpoint][]string, designs map[string]bool) {
	t.Helper()
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	found, designs = map[endpoint][]string{}, map[string]bool{}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		designs[name] = strings.Contains(string(b), designMark)
		for _, m := range endpointSpan.FindAllStringSubmatch(string(b), -1) {
			e := newEndpoint(m[1], m[2])
			if !slices.Contains(found[e], name) {
				found[e] = append(found[e], name)
			}
		}
	}
	return found, designs
}

// operations returns the operations of the server's /openapi.json.
func operations(t *testing.T, h http.Handler) map[endpoint]bool {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /openapi.json: status %d", rec.Code)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("GET /openapi.json: %v", err)
	}
	ops := map[endpoint]bool{}
	for path, methods := range doc.Paths {
		for method := range methods {
			switch method {
			case "get", "put", "post", "patch", "delete":
				ops[newEndpoint(method, path)] = true
			}
		}
	}
	return ops
}

// TestDocsCoverOpenAPI fails when an operation of /openapi.json is written in
// no docs/*.md file, or when an endpoint written there does not exist (in the
// OpenAPI document or, for the paths outside the API such as the WebSocket
// and /healthz, on the server), unless only documents marked as designs
// (designMark) write it.
func TestDocsCoverOpenAPI(t *testing.T) {
	h := apihttp.NewServer(apihttp.Config{WebApp: web.Handler()}).Handler()
	ops := operations(t, h)
	docs, designs := documented(t)
	if len(ops) < 20 || len(docs) < 20 {
		t.Fatalf("found %d operations in /openapi.json and %d endpoints in docs/*.md: the test does not read them", len(ops), len(docs))
	}
	for op := range ops {
		if len(docs[op]) == 0 {
			t.Errorf("%s is in /openapi.json but written in no docs/*.md file (as a code span, e.g. `%s`)", op, strings.ReplaceAll(string(op), "{}", "{id}"))
		}
	}
	// What the server answers a path it does not have: a path it has may
	// answer 404 too, in its own words (a link or feed token it does not know).
	unknown := httptest.NewRecorder()
	h.ServeHTTP(unknown, httptest.NewRequest("GET", "/no-such-path/1", nil))
	for e, files := range docs {
		if ops[e] || !slices.ContainsFunc(files, func(f string) bool { return !designs[f] }) {
			continue // served, or only designed so far
		}
		// Not an API operation: the server must still answer it (not its
		// answer to an unknown path, nor 405 for a path it has with other
		// methods).
		method, path, _ := strings.Cut(string(e), " ")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, strings.ReplaceAll(path, "{}", "1"), nil))
		if rec.Code == http.StatusMethodNotAllowed || rec.Code == unknown.Code && rec.Body.String() == unknown.Body.String() {
			t.Errorf("%s is written in %s but does not exist (status %d)", e, strings.Join(files, ", "), rec.Code)
		}
	}
}
