package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/auth"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/jobs"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlite"
)

// Tests run the real service (store, auth, HTTP server, broker) on :0 with a
// temporary data directory, and talk to it over HTTP as a client would.
//
// The suite runs once per kind of database the service runs on: on SQLite,
// then again on PostgreSQL when ATTENDANCE_TEST_DATABASE_URL names a server
// (TestMain). A failure's output says which.

// testDB is the database of the suite's current run: "sqlite" or "postgres".
var testDB = "sqlite"

func TestMain(m *testing.M) {
	flag.Parse()
	if flagSet("test.list") || flagSet("test.fuzz") || flag.Lookup("test.fuzzworker").Value.String() == "true" {
		os.Exit(m.Run()) // listing and fuzzing are done once, on SQLite
	}
	kinds := []string{"sqlite"}
	switch {
	case os.Getenv(testenv.DatabaseURLVar) != "":
		kinds = append(kinds, "postgres")
	case os.Getenv(testenv.RequireVar) == "1":
		fmt.Fprintf(os.Stderr, "%s is not set, and %s=1 forbids skipping the PostgreSQL run of these tests\n", testenv.DatabaseURLVar, testenv.RequireVar)
		os.Exit(1)
	}
	code := 0
	for _, kind := range kinds {
		testDB = kind
		fmt.Printf("database: %s\n", kind)
		code = max(code, m.Run())
	}
	os.Exit(code)
}

// flagSet reports whether the flag name was given a value.
func flagSet(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() != f.DefValue
}

// databaseURL returns the database of the service whose data directory is
// dir: "" on SQLite (the service keeps its file in dir), on PostgreSQL a
// database with the service's schema, the same one each time dir is asked
// for until the test that first asked ends.
func databaseURL(t testing.TB, dir string) string {
	t.Helper()
	if testDB != "postgres" {
		return ""
	}
	if u, ok := databases.Load(dir); ok {
		return u.(string)
	}
	u := testenv.PostgresDatabase(t, "service", migrateService)
	databases.Store(dir, u)
	t.Cleanup(func() { databases.Delete(dir) })
	return u
}

// databases maps data directories to their PostgreSQL databases.
var databases sync.Map

// migrateService makes the service's schema, its own and the job queue's.
func migrateService(ctx context.Context, url string) error {
	pool, err := postgres.Open(ctx, url, 1)
	if err != nil {
		return err
	}
	defer pool.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := postgres.Migrate(ctx, pool, logger); err != nil {
		return err
	}
	return jobs.Migrate(ctx, pool, "postgres", logger)
}

// sqliteOnly skips a test on the PostgreSQL run.
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if testDB != "sqlite" {
		t.Skipf("on SQLite only: %s", why)
	}
}

// postgresOnly skips a test on the SQLite run.
func postgresOnly(t testing.TB, why string) {
	t.Helper()
	if testDB != "postgres" {
		t.Skipf("on PostgreSQL only: %s", why)
	}
}

// cheapHash keeps argon2id but makes it cheap: tests create many users, and
// the race detector slows hashing tenfold. The production cost is tested in
// the auth package.
var cheapHash = &auth.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// testClock is a clock that tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *testClock { return &testClock{t: t} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const adminPassword = "admin-password-1"

// testApp is a running service.
type testApp struct {
	t       testing.TB
	Main    *Main
	URL     string
	DataDir string
	Clock   *testClock // nil: real time
	Admin   *client
	http    *http.Client
}

type appOption func(*testApp)

// withClock runs the service on a hand-moved clock.
func withClock(c *testClock) appOption {
	return func(a *testApp) { a.Clock, a.Main.Now = c, c.Now }
}

// withPeriodicJobs schedules the periodic jobs as a service does, for a
// test of what River's runs do; the service starts once their runs at start
// have finished. Without it the worker runs no check by itself, at start or
// by period: a test runs them at the instants it chooses (Main.Checks).
func withPeriodicJobs() appOption {
	return func(a *testApp) { a.Main.noPeriodic, a.Main.waitStartRuns = false, true }
}

// withConfig changes the configuration.
func withConfig(f func(*Config)) appOption { return func(a *testApp) { f(&a.Main.Config) } }

// testConfig is the configuration of a test service in dir, on the
// database of the current run.
func testConfig(t testing.TB, dir string) Config {
	t.Helper()
	return Config{
		Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: databaseURL(t, dir), Timezone: "UTC", AdminUsername: "admin", AdminPassword: adminPassword,
		AccessTTL: 15 * time.Minute, RefreshTTL: 168 * time.Hour, LowLeaveThreshold: 3, EscalationDays: 3, LogFormat: "text", LogLevel: slog.LevelError,
	}
}

// mustStart starts the service on a new data directory (newDataDir).
func mustStart(t testing.TB, opts ...appOption) *testApp {
	t.Helper()
	return mustStartIn(t, newDataDir(t), opts...)
}

// newDataDir returns a new temporary data directory for a service that
// has started in it once: on SQLite, it holds a copy of a migrated database
// file (as a first start leaves it: storetest.MigratedSQLite), in which
// the service's own migrations find nothing to do. The first start on an
// empty directory is tested by the commands' tests.
func newDataDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if testDB == "sqlite" {
		storetest.MigratedSQLite(t, filepath.Join(dir, sqlite.FileName), "service", func(ctx context.Context, db *sql.DB) error {
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			if err := sqlite.Migrate(ctx, db, logger); err != nil {
				return err
			}
			return jobs.Migrate(ctx, db, "sqlite", logger)
		})
	}
	return dir
}

// mustStartIn starts the service on the data directory dir (e.g. again, after a stop).
func mustStartIn(t testing.TB, dir string, opts ...appOption) *testApp {
	t.Helper()
	m := &Main{Config: testConfig(t, dir), Worker: true, Stderr: io.Discard, HashParams: cheapHash, noPeriodic: true}
	if testing.Verbose() {
		m.Stderr = os.Stderr
	}
	app := &testApp{t: t, Main: m, DataDir: dir, http: &http.Client{Timeout: 30 * time.Second}}
	for _, o := range opts {
		o(app)
	}
	if err := m.Open(context.Background(), true); err != nil {
		m.Close()
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { app.Stop() })
	app.URL = m.HTTP.URL()
	app.Admin = app.Login("admin", adminPassword)
	return app
}

// Stop stops the service; Cleanup calls it too, and a second call does nothing.
func (a *testApp) Stop() {
	if a.Main == nil {
		return
	}
	if err := a.Main.Close(); err != nil {
		a.t.Errorf("stop: %v", err)
	}
	a.Main = nil
}

// client is a signed-in user (or, with no token, an anonymous caller).
type client struct {
	app     *testApp
	Token   string
	Refresh string
	Me      attendance.Employee
}

// Anon returns a client without a token.
func (a *testApp) Anon() *client { return &client{app: a} }

// In returns a view of the app that reports failures to t (a subtest), so that
// a subtest's t.Fatal stops the subtest, not its parent.
func (a *testApp) In(t testing.TB) *testApp {
	b := *a
	b.t = t
	return &b
}

// In returns the client as seen from t (a subtest); see testApp.In.
func (c *client) In(t testing.TB) *client {
	d := *c
	d.app = c.app.In(t)
	return &d
}

// Login signs in and fails the test if that does not work.
func (a *testApp) Login(username, password string) *client {
	a.t.Helper()
	c := &client{app: a}
	var body struct {
		Token   string              `json:"token"`
		Refresh string              `json:"refresh"`
		User    attendance.Employee `json:"user"`
	}
	c.Do("POST", "/api/users/login/", map[string]string{"username": username, "password": password}).Want(200).JSON(&body)
	c.Token, c.Refresh, c.Me = body.Token, body.Refresh, body.User
	return c
}

// response is an HTTP response with its body read.
type response struct {
	t      testing.TB
	req    string
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request. body may be nil, a string or []byte (sent as is), or a
// value (sent as JSON). hdr are name, value pairs.
func (c *client) Do(method, path string, body any, hdr ...string) *response {
	c.app.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case csvBody:
		r = strings.NewReader(string(b))
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.app.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.app.URL+path, r)
	if err != nil {
		c.app.t.Fatal(err)
	}
	if _, ok := body.(csvBody); ok {
		req.Header.Set("Content-Type", "text/csv")
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.app.http.Do(req)
	if err != nil {
		c.app.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.app.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return &response{t: c.app.t, req: method + " " + path, Status: res.StatusCode, Header: res.Header, Body: b}
}

// Want fails the test unless the status is one of want.
func (r *response) Want(want ...int) *response {
	r.t.Helper()
	for _, w := range want {
		if r.Status == w {
			return r
		}
	}
	r.t.Fatalf("%s: status %d, want %v; body: %s", r.req, r.Status, want, r.Body)
	return r
}

// JSON decodes the body into v.
func (r *response) JSON(v any) *response {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s: decode %s: %v", r.req, r.Body, err)
	}
	return r
}

// problem is a problem+json body.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Code   string       `json:"code"`
	Errors []fieldError `json:"errors"`
	// Event is the neighbour a sequence conflict collides with.
	Event *struct {
		ID        int64                `json:"id"`
		Type      attendance.EventType `json:"type"`
		Timestamp time.Time            `json:"timestamp"`
	} `json:"event"`
}

type fieldError struct {
	Location string `json:"location"`
	Message  string `json:"message"`
}

// Problem checks that the body is a problem with the response's status and
// returns it.
func (r *response) Problem() problem {
	r.t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		r.t.Fatalf("%s: content type %q, want application/problem+json; body: %s", r.req, ct, r.Body)
	}
	var p problem
	r.JSON(&p)
	if p.Status != r.Status || p.Code == "" || p.Detail == "" || p.Title == "" {
		r.t.Fatalf("%s: incomplete problem %s", r.req, r.Body)
	}
	return p
}

// WantProblem checks the status and the problem's code.
func (r *response) WantProblem(status int, code string) problem {
	r.t.Helper()
	r.Want(status)
	p := r.Problem()
	if code != "" && p.Code != code {
		r.t.Fatalf("%s: code %q, want %q; body: %s", r.req, p.Code, code, r.Body)
	}
	return p
}

// testPassword is the password of every user the tests create.
const testPassword = "password-123"

// CreateEmployee creates an employee as this client and fails the test if
// that does not work. fields are added to a username and the test password.
func (c *client) CreateEmployee(username string, fields map[string]any) attendance.Employee {
	c.app.t.Helper()
	body := map[string]any{"username": username, "password": testPassword}
	for k, v := range fields {
		body[k] = v
	}
	var e attendance.Employee
	c.Do("POST", "/api/employees/", body).Want(201).JSON(&e)
	return e
}

// NewUser creates an employee as this client and signs them in.
func (c *client) NewUser(username string, fields map[string]any) *client {
	c.app.t.Helper()
	c.CreateEmployee(username, fields)
	return c.app.Login(username, testPassword)
}

// ID returns the signed-in user's id.
func (c *client) ID() int64 { return c.Me.ID }

// list is a list body.
type list[T any] struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []T     `json:"results"`
}

// csvBody is a body that Do sends as text/csv.
type csvBody string

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
