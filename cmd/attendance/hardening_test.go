package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
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

// allocated is the bytes allocated so far by the whole process.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// junkKeys is a JSON object of unknown keys, n bytes long or a little less.
func junkKeys(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; b.Len() < n-20; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"k%d":0`, i)
	}
	b.WriteString("}")
	return b.String()
}

// TestJunkBody: a megabyte of unknown keys on the anonymous login costs the
// server little: a short 422 listing at most 20 errors, and a few megabytes
// allocated (it was a 6 MB answer listing 110,000 errors, and hundreds of
// megabytes). Not parallel: it counts the whole process's allocations.
func TestJunkBody(t *testing.T) {
	app := mustStart(t)
	body := junkKeys(1 << 20)
	app.Anon().Do("POST", "/api/users/login/", `{"x":1}`).WantProblem(422, "invalid") // warm up
	before := allocated()
	res := app.Anon().Do("POST", "/api/users/login/", body)
	spent := allocated() - before
	p := res.WantProblem(422, "invalid")
	t.Logf("%d-byte body: %d-byte answer, %d errors, %d KB allocated: %s", len(body), len(res.Body), len(p.Errors), spent>>10, p.Detail)
	if len(p.Errors) == 0 || len(p.Errors) > 20 {
		t.Errorf("%d errors listed, want 1 to 20", len(p.Errors))
	}
	if len(res.Body) > 4<<10 {
		t.Errorf("a %d-byte answer to junk, want at most 4 KB", len(res.Body))
	}
	// The body itself is read, and copied once or twice; what it must not
	// cost is an error, a map entry or a string per key.
	if spent > 16<<20 {
		t.Errorf("%d MB allocated for one junk body, want less than 16 MB", spent>>20)
	}
}

// jsonOperation is an operation of the OpenAPI document that takes a JSON body.
type jsonOperation struct {
	method, path string
	schema       oaSchema
}

// oaSchema is the part of a JSON schema these tests read.
type oaSchema struct {
	Ref                  string              `json:"$ref"`
	Type                 any                 `json:"type"`
	Properties           map[string]oaSchema `json:"properties"`
	AdditionalProperties any                 `json:"additionalProperties"`
}

// openAPI is the part of the OpenAPI document these tests read.
type openAPI struct {
	Paths map[string]map[string]struct {
		RequestBody *struct {
			Content map[string]struct {
				Schema oaSchema `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
		Parameters []struct {
			Name   string   `json:"name"`
			In     string   `json:"in"`
			Schema oaSchema `json:"schema"`
		} `json:"parameters"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]oaSchema `json:"schemas"`
	} `json:"components"`
}

// readOpenAPI reads the service's OpenAPI document.
func readOpenAPI(t *testing.T, app *testApp) openAPI {
	t.Helper()
	var doc openAPI
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)
	return doc
}

// concrete replaces the parameters of an OpenAPI path ({id},
// {employee_id}, {pattern_id}, {date}) with values: ids that need not
// exist, as the body is judged before the object is looked up.
func concrete(path string) string {
	return strings.NewReplacer("{id}", "999999", "{employee_id}", "999999", "{code}", "annual", "{pattern_id}", "999999",
		"{date}", "2026-06-01").Replace(path)
}

// nestedText wraps a JSON text value in the body of the operations whose
// body has no string property at its top: where their text is.
var nestedText = map[string]func(value string) string{
	"/api/leaves/types/{code}/approval/": func(v string) string {
		return `{"tiers": [{"over_days": 0, "steps": [{"approver": "manager", "level": 1, "label": ` + v + `}]}]}`
	},
	// The e-mail choices: kinds are keys.
	"/api/notifications/settings/": func(v string) string { return `{"email": {` + v + `: true}}` },
}

// noText lists the operations whose body takes no text at all: the test
// puts the text where a number or a list is expected.
var noText = map[string]bool{
	"/api/employees/{id}/allowances/{code}/": true, // {"allowance": 20}
	"/api/settings/worktime/":                true, // numbers and lists of numbers
}

// jsonOperations lists the operations that take a JSON body, with the
// schema of the body (references resolved). A new endpoint is on the list
// without anyone adding it.
func jsonOperations(t *testing.T, doc openAPI) []jsonOperation {
	t.Helper()
	var ops []jsonOperation
	for path, methods := range doc.Paths {
		for method, op := range methods {
			if op.RequestBody == nil {
				continue
			}
			if _, ok := op.RequestBody.Content["text/csv"]; ok {
				continue // TestEveryCSVBody
			}
			media, ok := op.RequestBody.Content["application/json"]
			if !ok {
				t.Errorf("%s %s takes a body that is not JSON", method, path)
				continue
			}
			s := media.Schema
			if name, ok := strings.CutPrefix(s.Ref, "#/components/schemas/"); ok {
				s = doc.Components.Schemas[name]
			}
			ops = append(ops, jsonOperation{method: strings.ToUpper(method), path: path, schema: s})
		}
	}
	if len(ops) < 12 {
		t.Fatalf("%d operations with a JSON body in the OpenAPI document, want at least 12", len(ops))
	}
	return ops
}

// stringProperty is a property of s that is a string.
func (s oaSchema) stringProperty() (string, bool) {
	for name, p := range s.Properties {
		if p.Type == "string" {
			return name, true
		}
	}
	return "", false
}

// send sends a request with a body as it is (no Content-Type unless given).
func send(t *testing.T, c *client, method, path, contentType string, body []byte) *response {
	t.Helper()
	req, err := http.NewRequest(method, c.app.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &response{t: t, req: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: b}
}

// TestEveryJSONBody: at every operation of the OpenAPI document that takes
// a JSON body, text that is not UTF-8 is refused (400 or 422) before it can
// be stored as U+FFFD, and a body of many mistakes gets at most 20 errors.
func TestEveryJSONBody(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	for _, op := range jsonOperations(t, readOpenAPI(t, app)) {
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			c, path := app.Admin.In(t), concrete(op.path)
			// A body without a string (PUT …/allowances/<code>/ {"allowance": 20})
			// puts non-UTF-8 text where a string is not even taken.
			prop, ok := op.schema.stringProperty()
			body := func(v string) string { return `{"` + prop + `": ` + v + `}` }
			if nested := nestedText[op.path]; nested != nil {
				prop, body, ok = "label", nested, true
			}
			if !ok {
				if !noText[op.path] {
					t.Fatalf("the body has no string property: add the path to nestedText (where its text is) or to noText")
				}
				prop = "zz"
				for name := range op.schema.Properties {
					prop = name
				}
			}
			for name, value := range map[string]string{
				"not UTF-8":           "\"\xff\xfe\"",
				"overlong":            "\"\xc0\xaf\"",
				"lone high surrogate": `"a\ud800b"`,
				"lone low surrogate":  `"\udc00"`,
				"reversed pair":       `"\udc00\ud800"`,
			} {
				res := send(t, c, op.method, path, "application/json", []byte(body(value)))
				if res.Status != 400 && res.Status != 422 {
					t.Errorf("%s in %s: status %d, want 400 or 422: %s", name, prop, res.Status, res.Body)
				}
				res.Problem()
			}
			// A pair of surrogates is one character: not refused for that.
			res := send(t, c, op.method, path, "application/json", []byte(body(`"\ud83d\ude00"`)))
			if res.Status == 400 || res.Status >= 500 {
				t.Errorf("a surrogate pair: status %d: %s", res.Status, res.Body)
			}

			// Many mistakes: 20 listed, and the detail counts them all.
			if op.schema.AdditionalProperties == false {
				var b strings.Builder
				b.WriteString(`{"zz0": 0`)
				for i := 1; i < 60; i++ {
					fmt.Fprintf(&b, `, "zz%d": %d`, i, i)
				}
				b.WriteString("}")
				p := send(t, c, op.method, path, "application/json", []byte(b.String())).WantProblem(422, "invalid")
				if len(p.Errors) != 20 {
					t.Errorf("60 unexpected properties: %d errors listed, want 20", len(p.Errors))
				}
				if !strings.Contains(p.Detail, "more)") {
					t.Errorf("60 unexpected properties: detail %q does not count the rest", p.Detail)
				}
			}
			// Junk beyond any body's shape: one error, whatever the endpoint.
			p := send(t, c, op.method, path, "application/json", []byte(junkKeys(64<<10))).WantProblem(422, "invalid")
			if len(p.Errors) != 1 || p.Errors[0].Location != "body" {
				t.Errorf("64 KB of unknown keys: errors %+v, want one at body", p.Errors)
			}
			nested := strings.Repeat(`{"a":`, 50) + "1" + strings.Repeat("}", 50)
			send(t, c, op.method, path, "application/json", []byte(nested)).WantProblem(422, "invalid")
		})
	}

	// What was refused was not stored.
	me := app.Admin.Do("GET", "/api/users/me/", nil).Want(200).Body
	if bytes.Contains(me, []byte("\ufffd")) || bytes.Contains(me, []byte(`\ufffd`)) {
		t.Errorf("a replacement character was stored: %s", me)
	}
	var hs list[map[string]any]
	app.Admin.Do("GET", "/api/holidays/", nil).Want(200).JSON(&hs)
	if hs.Count != 0 {
		t.Errorf("holidays stored from refused bodies: %+v", hs.Results)
	}
}

// TestEveryCSVBody: every operation of the OpenAPI document that takes a CSV
// file refuses another type (415), text that is not UTF-8 (422), a body over
// 1 MiB (413), and lists at most 20 of a file's many mistakes; each is
// refused by an employee (403) before the body is read, and nothing is written.
func TestEveryCSVBody(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	emp := app.Admin.NewUser("csvb_emp", nil)
	n := 0
	for path, methods := range readOpenAPI(t, app).Paths {
		for method, op := range methods {
			if op.RequestBody == nil || op.RequestBody.Content["text/csv"].Schema.Type == nil {
				continue
			}
			n++
			method := strings.ToUpper(method)
			t.Run(method+" "+path, func(t *testing.T) {
				c, path := app.Admin.In(t), concrete(path)
				for _, ct := range []string{"application/json", "text/plain", "application/x-www-form-urlencoded", "text/csv; charset=iso-8859-1", ""} {
					send(t, c, method, path, ct, []byte("username\nx\n")).WantProblem(415, "unsupported_media_type")
				}
				send(t, c, method, path, "text/csv", []byte("username\n\xff\xfe\n")).WantProblem(422, "invalid")
				send(t, c, method, path, "text/csv", nil).WantProblem(422, "invalid")
				send(t, c, method, path, "text/csv", []byte("username\n"+strings.Repeat("x", 1<<20))).WantProblem(413, "")
				var b strings.Builder
				b.WriteString("username,email\n")
				for i := range 60 {
					fmt.Fprintf(&b, "csvb_%d,not-an-email-%d\n", i, i)
				}
				p := send(t, c, method, path, "text/csv; charset=utf-8", []byte(b.String())).WantProblem(422, "")
				if len(p.Errors) != 20 || !strings.Contains(p.Detail, "more)") {
					t.Errorf("60 bad rows: %d errors, detail %q", len(p.Errors), p.Detail)
				}
				send(t, emp.In(t), method, path, "text/csv", []byte("username\nx\n")).WantProblem(403, "")
			})
		}
	}
	if n == 0 {
		t.Error("no operation takes a CSV file")
	}
	var l list[map[string]any]
	app.Admin.Do("GET", "/api/employees/?active=all&q=csvb_", nil).Want(200).JSON(&l)
	if l.Count != 1 {
		t.Errorf("refused files made %d employees", l.Count-1)
	}
}

// TestEveryQueryParameter: every string query parameter of every operation
// of the OpenAPI document refuses a value that is not UTF-8 (422 at it).
func TestEveryQueryParameter(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	doc := readOpenAPI(t, app)
	n := 0
	for path, methods := range doc.Paths {
		op, ok := methods["get"]
		if !ok {
			continue
		}
		for _, p := range op.Parameters {
			if p.In != "query" || p.Schema.Type != "string" {
				continue
			}
			n++
			t.Run(path+"?"+p.Name, func(t *testing.T) {
				for _, v := range []string{"%FF", "a%C0%AF", "%ED%A0%80"} {
					res := app.Admin.In(t).Do("GET", concrete(path)+"?"+p.Name+"="+v, nil)
					pr := res.WantProblem(422, "invalid")
					if len(pr.Errors) == 0 || pr.Errors[0].Location != "query."+p.Name {
						t.Errorf("%s=%s: errors %+v, want one at query.%s", p.Name, v, pr.Errors, p.Name)
					}
				}
			})
		}
	}
	if n < 10 {
		t.Errorf("%d string query parameters in the OpenAPI document, want at least 10", n)
	}
}

// TestJSONContentType: a body must say it is JSON. A browser posts
// text/plain or a form across sites without asking the server first; the
// login and the refresh must not read those as JSON.
func TestJSONContentType(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	creds := []byte(`{"username": "admin", "password": "` + adminPassword + `"}`)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		send(t, app.Anon(), "POST", "/api/users/login/", ct, creds).WantProblem(415, "unsupported_media_type")
		send(t, app.Anon(), "POST", "/api/users/token/refresh/", ct, []byte(`{"refresh": "`+app.Admin.Refresh+`"}`)).WantProblem(415, "unsupported_media_type")
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON;Charset=\"UTF-8\"", "application/vnd.api+json"} {
		send(t, app.Anon(), "POST", "/api/users/login/", ct, creds).Want(200)
	}
	// No body, no type: the body is missing, which is another matter.
	send(t, app.Anon(), "POST", "/api/users/login/", "", nil).WantProblem(400, "invalid_json")

	for _, op := range jsonOperations(t, readOpenAPI(t, app)) {
		t.Run(op.method+" "+op.path, func(t *testing.T) {
			c, path := app.Admin.In(t), concrete(op.path)
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/json; charset=iso-8859-1", "application/jsonx", "application/+json", "text/json", ""} {
				send(t, c, op.method, path, ct, []byte(`{}`)).WantProblem(415, "unsupported_media_type")
			}
			for _, ct := range []string{"application/json", "application/json;charset=utf-8", "application/merge-patch+json"} {
				if res := send(t, c, op.method, path, ct, []byte(`{}`)); res.Status == 415 || res.Status >= 500 {
					t.Errorf("Content-Type %q: status %d: %s", ct, res.Status, res.Body)
				}
			}
		})
	}
}

// TestRelativeLinks: next and previous are a path and a query on this
// server, whatever Host, X-Forwarded-Host or X-Forwarded-Proto say, from a
// trusted proxy or not.
func TestRelativeLinks(t *testing.T) {
	t.Parallel()
	for name, trusted := range map[string][]netip.Prefix{"direct": nil, "behind a trusted proxy": {netip.MustParsePrefix("127.0.0.1/32")}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			app := mustStart(t, withConfig(func(c *Config) { c.TrustedProxies = trusted }))
			admin := app.Admin.In(t)
			admin.CreateEmployee("rl_one", nil)
			admin.CreateEmployee("rl_two", nil)
			admin.CreateEmployee("rl_three", nil)
			req, err := http.NewRequest("GET", app.URL+"/api/employees?limit=1&offset=1&q=rl_", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "evil.example"
			req.Header.Set("Authorization", "Bearer "+admin.Token)
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "https")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var l list[map[string]any]
			if err := json.NewDecoder(res.Body).Decode(&l); err != nil || res.StatusCode != 200 {
				t.Fatalf("status %d: %v", res.StatusCode, err)
			}
			for which, link := range map[string]*string{"previous": l.Previous, "next": l.Next} {
				if link == nil {
					t.Fatalf("no %s link: %+v", which, l)
				}
				if !strings.HasPrefix(*link, "/api/employees/?") || strings.Contains(*link, "evil") {
					t.Errorf("%s = %q, want a path and a query on this server", which, *link)
				}
			}
			if want := "/api/employees/?limit=1&offset=0&q=rl_"; *l.Previous != want {
				t.Errorf("previous = %q, want %q", *l.Previous, want)
			}
			// The link works as it is, against the server's own address.
			admin.Do("GET", *l.Next, nil).Want(200)
		})
	}
}

// TestPageSecurityPolicy: the page may connect to its own origin only (the
// API, and the WebSocket, which 'self' covers), not to any ws: or wss: host.
func TestPageSecurityPolicy(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	for _, path := range []string{"/", "/index.html", "/app.js", "/api/users/me/", "/nope"} {
		res := app.Anon().Do("GET", path, nil)
		csp := res.Header.Values("Content-Security-Policy")
		if len(csp) != 1 {
			t.Fatalf("%s: Content-Security-Policy %q, want one", path, csp)
		}
		var connect string
		for d := range strings.SplitSeq(csp[0], ";") {
			if f := strings.Fields(d); len(f) > 0 && f[0] == "connect-src" {
				connect = strings.Join(f[1:], " ")
			}
		}
		if connect != "'self'" {
			t.Errorf("%s: connect-src %q, want 'self' alone (in %q)", path, connect, csp[0])
		}
	}
}

// respell changes the spare bits of a base64url JWT's last character: the
// same bytes, spelled otherwise.
func respell(t *testing.T, token string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, token[len(token)-1])
	if i < 0 {
		t.Fatalf("token %q does not end in base64url", token)
	}
	// An HS256 signature is 32 bytes: 43 characters, the last holding 4
	// bits of the signature and 2 spare ones.
	return token[:len(token)-1] + string(alphabet[i^1])
}

// TestTokenSpelling: a token whose signature differs only in its last
// character's spare bits is not the token that was issued (401).
func TestTokenSpelling(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	user := app.Admin.NewUser("ts_user", nil)
	respelled := &client{app: app, Token: respell(t, user.Token)}
	respelled.Do("GET", "/api/users/me/", nil).WantProblem(401, "unauthorized")
	app.Anon().Do("POST", "/api/users/token/refresh/", map[string]string{"refresh": respell(t, user.Refresh)}).WantProblem(401, "unauthorized")
	// The tokens as issued still work.
	user.Do("GET", "/api/users/me/", nil).Want(200)
	app.Anon().Do("POST", "/api/users/token/refresh/", map[string]string{"refresh": user.Refresh}).Want(200)
}

// TestLookAlikeUsernames: usernames a reader cannot tell apart are one
// username (RFC 8265, with NFKC and case folding), and a name mixing Latin
// with Cyrillic or Greek letters is refused.
func TestLookAlikeUsernames(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	admin := app.Admin
	sam := admin.CreateEmployee("sam", nil)
	admin.CreateEmployee("straße", nil)
	for _, name := range []string{"ſam", "SAM", "ＳＡＭ", "ſAM", "STRASSE", "strasse", "ADMIN", "ａｄｍｉｎ"} {
		admin.Do("POST", "/api/employees/", map[string]string{"username": name, "password": testPassword}).WantProblem(409, "username_taken")
	}
	for _, name := range []string{"аdmin", "sаm", "rοot", "ѕam_x"} {
		p := admin.Do("POST", "/api/employees/", map[string]string{"username": name, "password": testPassword}).WantProblem(422, "invalid")
		wantFieldError(t, p, "body.username")
	}
	// A rename to a look-alike of someone else is refused the same way.
	other := admin.CreateEmployee("lookalike_other", nil)
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", other.ID), map[string]string{"username": "ſam"}).WantProblem(409, "username_taken")
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", other.ID), map[string]string{"username": "ѕam"}).WantProblem(422, "invalid")

	// The login finds the user by the same key.
	for _, name := range []string{"sam", "ſam", "ＳＡＭ", "Sam"} {
		c := app.Login(name, testPassword)
		if c.Me.ID != sam.ID {
			t.Errorf("login as %q signed in %d (%s), want %d (sam)", name, c.Me.ID, c.Me.Username, sam.ID)
		}
	}
	app.Login("STRASSE", testPassword)
	app.Anon().Do("POST", "/api/users/login/", map[string]string{"username": "ѕam", "password": testPassword}).WantProblem(401, "invalid_credentials")
}

// TestEventsBeforeHire: a manager cannot record an event before the
// employee's hire date (422 at body.timestamp), in 1970 or on the eve of the
// hire date in the employee's zone; the employee's own clock-in is never
// refused for it.
func TestEventsBeforeHire(t *testing.T) {
	t.Parallel()
	// 03:00 UTC on Monday 1 June 2026: still Sunday 31 May in New York.
	tm := newTeam(t, utc("2026-06-01 03:00"), staff("America/New_York", "08:00", 0, "2026-06-01"))
	record := func(at string) *response {
		return tm.mgr.Do("POST", "/api/attendance/", map[string]any{"type": "entry", "employee_id": tm.emp.ID(), "timestamp": at, "note": "paper log"})
	}
	for _, at := range []string{"1970-01-02T00:00:00Z", "2026-05-29T13:00:00Z", "2026-06-01T03:59:59Z"} {
		wantFieldError(t, record(at).WantProblem(422, "invalid"), "body.timestamp")
	}
	// The eve of the hire date in New York: a first clock-in right after the
	// account was made is the employee's to record.
	tm.emp.clock("entry")
	tm.emp.clock("exit")
	tm.clock.Set(utc("2026-06-01 12:00"))
	record("2026-06-01T04:00:00Z").Want(201)
}
