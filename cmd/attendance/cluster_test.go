package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/openattendance/attendance/internal/testenv"
)

// The cluster test runs what a big company runs: two `serve --no-worker`
// replicas and a `worker`, as real processes, on one PostgreSQL database and
// one RabbitMQ broker. The broker is the tests' shared one: the processes
// reach it through a proxy of the test's own (the broker's outage is the
// proxy's), and publish to an exchange of the test's own.

// proc is a running attendance process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	logs *testenv.Output
}

// startProc starts the binary with args and env; a server is ready when /readyz answers.
func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, logs: &testenv.Output{}}
	addr := ""
	if args[0] == "serve" {
		addr = testenv.FreeAddr(t)
		args = append(args, "--addr", addr)
		p.URL = "http://" + addr
	}
	p.cmd = exec.Command(testenv.Binary(t), args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("%s logs:\n%s", strings.Join(args, " "), p.Logs())
		}
	})
	if addr != "" {
		deadline := time.Now().Add(30 * time.Second)
		for {
			res, err := http.Get(p.URL + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v did not become ready:\n%s", args, p.Logs())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return p
}

func (p *proc) Logs() string { return p.logs.String() }

func (p *proc) stop() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// remote is a testApp-like view of a process, for the client helpers.
func remote(t *testing.T, p *proc) *testApp {
	return &testApp{t: t, URL: p.URL, http: &http.Client{Timeout: 30 * time.Second}}
}

// wsClient is a notification stream.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan map[string]any
	err  error // why the stream ended, once msgs is closed
}

func dialStream(t *testing.T, baseURL, token string, afterID int64) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(baseURL, "http")+"/ws/notifications/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := wsjson.Write(ctx, c, map[string]any{"type": "auth", "token": token, "after_id": afterID}); err != nil {
		t.Fatal(err)
	}
	var ready map[string]any
	if err := wsjson.Read(ctx, c, &ready); err != nil || ready["type"] != "ready" {
		t.Fatalf("ready: %v %v", ready, err)
	}
	w := &wsClient{t: t, conn: c, msgs: make(chan map[string]any, 1000)}
	go func() {
		defer close(w.msgs)
		for {
			var m map[string]any
			if err := wsjson.Read(context.Background(), c, &m); err != nil {
				w.err = err
				return
			}
			w.msgs <- m
		}
	}()
	t.Cleanup(func() { c.CloseNow() })
	return w
}

// next waits for a message matching ok.
func (w *wsClient) next(within time.Duration, ok func(map[string]any) bool) map[string]any {
	w.t.Helper()
	timeout := time.After(within)
	for {
		select {
		case m, open := <-w.msgs:
			if !open {
				w.t.Fatal("the stream closed")
			}
			if ok(m) {
				return m
			}
		case <-timeout:
			w.t.Fatalf("no matching message within %s", within)
		}
	}
}

// closed waits for the server to close the stream and returns the close code.
func (w *wsClient) closed(within time.Duration) websocket.StatusCode {
	w.t.Helper()
	timeout := time.After(within)
	for {
		select {
		case _, open := <-w.msgs:
			if !open {
				return websocket.CloseStatus(w.err)
			}
		case <-timeout:
			w.t.Fatalf("still open after %s", within)
		}
	}
}

func notificationOf(kind string) func(map[string]any) bool {
	return func(m map[string]any) bool {
		n, _ := m["notification"].(map[string]any)
		return m["type"] == "notification" && n["kind"] == kind
	}
}

func TestCluster(t *testing.T) {
	postgresOnly(t, "replicas share one database")
	t.Parallel()
	dbURL := testenv.PostgresDatabase(t, "empty", nil) // the migrate command makes the schema
	amqpURL := testenv.AMQPURL(t)
	if testing.Short() {
		t.Skip("skipped in -short mode: starts several processes")
	}
	broker, err := url.Parse(amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, broker.Host)
	broker.Host = proxy.Addr()
	env := []string{
		"ATTENDANCE_DATABASE_URL=" + dbURL,
		"ATTENDANCE_AMQP_URL=" + broker.String(),
		"ATTENDANCE_AMQP_EXCHANGE=" + testenv.AMQPExchange(t, amqpURL),
		"ATTENDANCE_ADMIN_PASSWORD=" + adminPassword,
		"ATTENDANCE_DATA_DIR=" + t.TempDir(),
		"ATTENDANCE_LOG_FORMAT=json",
	}
	// Migrate once, so the replicas start on a ready schema.
	cmd := exec.Command(testenv.Binary(t), "migrate")
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	a := startProc(t, env, "serve", "--no-worker")
	b := startProc(t, env, "serve", "--no-worker")

	appA, appB := remote(t, a), remote(t, b)
	adminA := appA.Login("admin", adminPassword)
	// A manager and a report who is late now, and one who has not arrived:
	// they work in a zone where it is midday now, whatever the hour of the
	// run, and started two hours ago.
	zone, start := middayZone(t)
	allDays := []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	staff := map[string]any{"work_start": start, "work_days": allDays, "timezone": zone}
	mgr := adminA.CreateEmployee("boss", map[string]any{"role": "manager"})
	adminA.CreateEmployee("latecomer", with(staff, "manager_id", mgr.ID))
	adminA.CreateEmployee("absentee", with(staff, "manager_id", mgr.ID))

	// The worker starts after the absentee exists: its first check reports them.
	startProc(t, env, "worker")
	startProc(t, env, "worker")

	bossB := appB.Login("boss", testPassword)
	stream := dialStream(t, b.URL, bossB.Token, 0)

	// How fast is BENCHMARKS.md's question (p99 in tens of milliseconds);
	// here only that it arrives, with room for a loaded CI machine.
	t.Run("a late clock-in on A reaches a manager on B", func(t *testing.T) {
		late := appA.Login("latecomer", testPassword)
		start := time.Now()
		late.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)
		stream.next(15*time.Second, func(m map[string]any) bool { return m["type"] == "attendance" })
		m := stream.next(15*time.Second, notificationOf("late_arrival"))
		t.Logf("the late arrival reached B after %s", time.Since(start))
		// A's write did not read the notification's id (its insert went
		// with the COMMIT); the worker read it before publishing: the
		// socket gets the id the manager's list has.
		var l list[map[string]any]
		bossB.Do("GET", "/api/notifications/?limit=100", nil).Want(200).JSON(&l)
		var ids []any
		for _, x := range l.Results {
			if x["kind"] == "late_arrival" {
				ids = append(ids, x["id"])
			}
		}
		if got := m["notification"].(map[string]any)["id"]; len(ids) != 1 || got != ids[0] {
			t.Fatalf("the socket's late arrival has id %v, the list's are %v", got, ids)
		}
	})

	t.Run("logout on A is refused on B", func(t *testing.T) {
		c := appA.Login("latecomer", testPassword)
		c.Do("GET", "/api/users/me/", nil).Want(200)
		c.Do("POST", "/api/users/logout/", nil).Want(204)
		onB := &client{app: appB, Token: c.Token}
		onB.Do("GET", "/api/users/me/", nil).WantProblem(401, "")
	})

	t.Run("a role change on A closes the user's dashboard on B at once", func(t *testing.T) {
		adminA.CreateEmployee("demoted", map[string]any{"role": "manager"})
		s := dialStream(t, b.URL, appB.Login("demoted", testPassword).Token, 0)
		id := adminA.Do("GET", "/api/employees/?q=demoted", nil).Want(200)
		var l list[map[string]any]
		id.JSON(&l)
		adminA.Do("PATCH", fmt.Sprintf("/api/employees/%v/", l.Results[0]["id"]), map[string]any{"role": "employee"}).Want(200)
		// Well before the sockets' periodic check (60 s).
		if code := s.closed(20 * time.Second); code != 4401 {
			t.Fatalf("closed with %d, want 4401", code)
		}
	})

	t.Run("the periodic check fires once across two workers", func(t *testing.T) {
		stream.next(30*time.Second, notificationOf("not_arrived"))
		time.Sleep(3 * time.Second)
		var l list[map[string]any]
		bossB.Do("GET", "/api/notifications/?limit=100", nil).Want(200).JSON(&l)
		n := 0
		for _, x := range l.Results {
			if x["kind"] == "not_arrived" {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d not_arrived notifications, want 1", n)
		}
	})

	t.Run("events made while the broker is away arrive after it returns, once", func(t *testing.T) {
		proxy.Break() // every connection of the replicas and workers is cut, and none is accepted
		defer proxy.Mend()
		// While the broker is away, requests still succeed.
		var ids []string
		for i := range 3 {
			name := fmt.Sprintf("offline%d", i)
			adminA.CreateEmployee(name, with(staff, "manager_id", mgr.ID))
			c := appA.Login(name, testPassword)
			var ev struct{ ID int64 }
			c.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201).JSON(&ev)
			ids = append(ids, fmt.Sprint(ev.ID))
		}
		time.Sleep(2 * time.Second)
		// None reached B meanwhile: they wait in the database.
		for len(stream.msgs) > 0 {
			if m := <-stream.msgs; m["type"] == "attendance" && slices.Contains(ids, fmt.Sprint(m["event"].(map[string]any)["id"])) {
				t.Fatalf("event %v reached B while the broker was away", m["event"])
			}
		}
		proxy.Mend()
		got := map[string]int{}
		deadline := time.After(45 * time.Second)
		for len(got) < len(ids) {
			select {
			case m, open := <-stream.msgs:
				if !open {
					t.Fatal("the manager's stream closed")
				}
				if m["type"] == "attendance" {
					ev := m["event"].(map[string]any)
					got[fmt.Sprint(ev["id"])]++
				}
			case <-deadline:
				t.Fatalf("after the broker returned, got %v of events %v", got, ids)
			}
		}
		// Give duplicates a chance to show up.
		time.Sleep(2 * time.Second)
		for len(stream.msgs) > 0 {
			m := <-stream.msgs
			if m["type"] == "attendance" {
				got[fmt.Sprint(m["event"].(map[string]any)["id"])]++
			}
		}
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("event %s delivered %d times (all: %v)", id, got[id], got)
			}
		}
	})
}

// middayZone returns a fixed-offset zone where it is between 10:00 and 14:00
// now, and the wall time two hours ago there.
func middayZone(t *testing.T) (zone, twoHoursAgo string) {
	t.Helper()
	now := time.Now()
	for off := -12; off <= 14; off++ {
		// Etc/GMT-N is N hours east of UTC (the sign is POSIX's).
		name := "Etc/GMT"
		if off > 0 {
			name += "-" + strconv.Itoa(off)
		} else if off < 0 {
			name += "+" + strconv.Itoa(-off)
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if h := now.In(loc).Hour(); h >= 10 && h < 14 {
			return name, now.In(loc).Add(-2 * time.Hour).Format("15:04")
		}
	}
	t.Fatal("no zone has midday now")
	return "", ""
}

// with returns a copy of fields with one more.
func with(fields map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for fk, fv := range fields {
		out[fk] = fv
	}
	return out
}
