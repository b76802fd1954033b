package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/sqlstore"
)

// The runner on a real store: SQLite always, PostgreSQL when
// ATTENDANCE_TEST_DATABASE_URL names a server. River elects a leader before
// it inserts periodic jobs, which takes a few seconds: waits are generous.

// jobWait bounds the wait for River to run something.
const jobWait = 30 * time.Second

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// monday is 07:00 UTC on a Monday, before anyone's not_arrived deadline.
var monday = time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)

// The store implements the checks the runner runs.
var _ Checks = (*sqlstore.Checks)(nil)

// env is a migrated store (with River's tables) and its clock.
type env struct {
	DB      *storetest.DB
	Write   *sql.DB // the pool that writes, which River shares
	Dialect string
	Clock   *clock
	Admin   attendance.Actor
	// Reopen opens another connection to the same database, as another
	// process would.
	Reopen func(t *testing.T) *env
}

func discard() *slog.Logger { return storetest.Logger() }

// forEachDB runs f on a fresh SQLite database and a fresh PostgreSQL database.
func forEachDB(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, kind string) { f(t, mustOpen(t, kind)) })
}

// mustOpen opens a store with River's tables, its clock at monday, and the
// first admin.
func mustOpen(t *testing.T, kind string) *env {
	t.Helper()
	c := &clock{t: monday}
	var wrap func(db *storetest.DB) *env
	wrap = func(db *storetest.DB) *env {
		db.Now = c.Now
		return &env{DB: db, Write: db.Write, Dialect: db.Dialect, Clock: c,
			Admin:  attendance.Actor{ID: 1, Role: attendance.RoleAdmin},
			Reopen: func(t *testing.T) *env { return wrap(db.Reopen(t)) }}
	}
	e := wrap(storetest.Open(t, kind, Migrate))
	hash, err := e.DB.Hasher.Hash(context.Background(), "admin-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Employees.Bootstrap(context.Background(), "admin", hash); err != nil {
		t.Fatal(err)
	}
	return e
}

// mustCreate creates an employee with the default schedule (08:00 in UTC,
// Monday to Friday) under manager.
func (e *env) mustCreate(t *testing.T, username string, role attendance.Role, manager int64) *attendance.Employee {
	t.Helper()
	password := "password-123"
	emp, err := e.DB.Employees.CreateEmployee(context.Background(), e.Admin, attendance.EmployeeFields{
		Username: &username, Password: &password, Role: &role, ManagerID: &manager, ManagerIDSet: true})
	if err != nil {
		t.Fatal(err)
	}
	return emp
}

// notArrived returns the not_arrived notifications of recipient about employee.
func (e *env) notArrived(t *testing.T, recipient *attendance.Employee, employee int64) []*attendance.Notification {
	t.Helper()
	list, _, err := e.DB.Notifications.ListNotifications(context.Background(), recipient.Actor(), false, attendance.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []*attendance.Notification
	for _, n := range list {
		if n.Kind == attendance.NotifyNotArrived && n.EmployeeID == employee {
			out = append(out, n)
		}
	}
	return out
}

// start starts a runner that works, and stops it when the test ends.
func (e *env) start(t *testing.T, cfg Config) *Runner {
	t.Helper()
	cfg.DB, cfg.Dialect, cfg.Work = e.Write, e.Dialect, true
	if cfg.Checks == nil {
		cfg.Checks = e.DB.Checks
	}
	cfg.Now, cfg.Logger = e.Clock.Now, discard()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return r
}

// eventually polls cond until it holds, failing after jobWait with River's
// job table in the log.
func (e *env) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(jobWait)
	for !cond() {
		if time.Now().After(deadline) {
			rows, err := e.Write.QueryContext(context.Background(), `SELECT id, kind, state, attempt, errors FROM river_job ORDER BY id`)
			if err == nil {
				for rows.Next() {
					var id, attempt int
					var kind, state string
					var errs sql.NullString
					if rows.Scan(&id, &kind, &state, &attempt, &errs) == nil {
						t.Logf("river job %d %s: %s, attempt %d, errors %s", id, kind, state, attempt, errs.String)
					}
				}
				rows.Close()
			}
			t.Fatalf("%s: not within %v", what, jobWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// riverJob is a row of River's job table.
type riverJob struct {
	State   string
	Attempt int
}

func (e *env) jobs(t *testing.T, kind string) []riverJob {
	t.Helper()
	rows, err := e.Write.QueryContext(context.Background(), `SELECT state, attempt FROM river_job WHERE kind = '`+kind+`' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []riverJob
	for rows.Next() {
		var j riverJob
		if err := rows.Scan(&j.State, &j.Attempt); err != nil {
			t.Fatal(err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// publisher records what it is given; it fails the first fail calls.
type publisher struct {
	mu    sync.Mutex
	fail  int
	calls int
	got   [][]string // the message ids of each successful call
}

func (p *publisher) Publish(_ context.Context, msgs ...attendance.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.calls <= p.fail {
		return errors.New("the broker is away")
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	p.got = append(p.got, ids)
	return nil
}

func (p *publisher) state() (calls int, got [][]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls, slices.Clone(p.got)
}

// emit inserts a publish job for msgs in a transaction that commits or rolls back.
func (e *env) emit(t *testing.T, r *Runner, commit bool, msgs ...attendance.Message) {
	t.Helper()
	ctx := context.Background()
	tx, err := e.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := r.EmitTx(ctx, tx, msgs); err != nil {
		t.Fatal(err)
	}
	if commit {
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func message(id string) attendance.Message {
	return attendance.Message{ID: id, Type: attendance.MessageNotification, OccurredAt: monday, RecipientID: 2,
		Notification: &attendance.Notification{ID: 9, Kind: attendance.NotifyLeaveDecided, EmployeeID: 2, Data: []byte(`{"a":1}`)}}
}

// TestNotArrivedJob: River's periodic job runs the check and notifies.
func TestNotArrivedJob(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		mgr := e.mustCreate(t, "mgr", attendance.RoleManager, e.Admin.ID)
		emp := e.mustCreate(t, "emp", attendance.RoleEmployee, mgr.ID)
		e.Clock.Set(monday.Add(time.Hour + 31*time.Minute)) // 08:31, past the 08:30 deadline
		e.start(t, Config{NotArrivedEvery: time.Second})
		e.eventually(t, "the periodic check reports the employee", func() bool { return len(e.notArrived(t, mgr, emp.ID)) > 0 })
		if got := e.notArrived(t, mgr, emp.ID); len(got) != 1 {
			t.Fatalf("%d not_arrived notifications, want 1", len(got))
		}
		e.eventually(t, "the job completes", func() bool {
			return slices.ContainsFunc(e.jobs(t, NotArrivedArgs{}.Kind()), func(j riverJob) bool { return j.State == "completed" })
		})
	})
}

// TestPublishJobFollowsTheTransaction: a publish job exists if and only if
// its transaction commits, and runs once.
func TestPublishJobFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		pub := &publisher{}
		r := e.start(t, Config{Publisher: pub})
		e.emit(t, r, false, message("rolled-back"))
		e.emit(t, r, true, message("committed-1"), message("committed-2"))
		e.eventually(t, "the committed job completes", func() bool {
			jobs := e.jobs(t, PublishArgs{}.Kind())
			return len(jobs) == 1 && jobs[0].State == "completed"
		})
		calls, got := pub.state()
		if want := [][]string{{"committed-1", "committed-2"}}; calls != 1 || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("published %v in %d calls, want %v once", got, calls, want)
		}
		if jobs := e.jobs(t, PublishArgs{}.Kind()); len(jobs) != 1 || jobs[0].Attempt != 1 {
			t.Fatalf("publish jobs %+v, want one, run once", jobs)
		}
	})
}

// TestPublishJobRetries: a publisher that fails is retried until it succeeds.
func TestPublishJobRetries(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		pub := &publisher{fail: 2}
		r := e.start(t, Config{Publisher: pub})
		e.emit(t, r, true, message("late"))
		e.eventually(t, "the job succeeds after two failures", func() bool {
			jobs := e.jobs(t, PublishArgs{}.Kind())
			return len(jobs) == 1 && jobs[0].State == "completed"
		})
		calls, got := pub.state()
		if calls != 3 || fmt.Sprint(got) != "[[late]]" {
			t.Fatalf("%d calls, published %v; want 3 calls and [[late]] once", calls, got)
		}
		if jobs := e.jobs(t, PublishArgs{}.Kind()); jobs[0].Attempt != 3 {
			t.Fatalf("job attempts %d, want 3", jobs[0].Attempt)
		}
	})
}

// gatheringPublisher holds every publish until n are in flight at once.
type gatheringPublisher struct {
	n       int
	mu      sync.Mutex
	active  int
	release chan struct{}
}

func (p *gatheringPublisher) Publish(ctx context.Context, _ ...attendance.Message) error {
	p.mu.Lock()
	p.active++
	if p.active == p.n {
		close(p.release)
	}
	p.mu.Unlock()
	select {
	case <-p.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestPublishJobsRunTogether: publish jobs wait on the broker, not on a core,
// so many run at once. (On River's default queue of four workers the live
// feed of a cluster was capped at 40 writes a second.)
func TestPublishJobsRunTogether(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		const n = 12
		pub := &gatheringPublisher{n: n, release: make(chan struct{})}
		r := e.start(t, Config{Publisher: pub})
		for i := range n {
			e.emit(t, r, true, message(fmt.Sprint("together-", i)))
		}
		e.eventually(t, fmt.Sprintf("%d publish jobs in flight at once, then done", n), func() bool {
			jobs := e.jobs(t, PublishArgs{}.Kind())
			return len(jobs) == n && !slices.ContainsFunc(jobs, func(j riverJob) bool { return j.State != "completed" })
		})
	})
}

func TestPublishNextRetry(t *testing.T) {
	t.Parallel()
	w := &publishWorker{}
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 8 * time.Second}, {6, 8 * time.Second}, {1000, 8 * time.Second}} {
		before := time.Now()
		got := w.NextRetry(&river.Job[PublishArgs]{JobRow: &rivertype.JobRow{Attempt: tt.attempt}})
		after := time.Now()
		if got.Before(before.Add(tt.want)) || got.After(after.Add(tt.want)) {
			t.Errorf("attempt %d: retry in %v, want %v", tt.attempt, got.Sub(before), tt.want)
		}
	}
}

// countingChecks counts the not_arrived checks it runs.
type countingChecks struct {
	Checks
	n *atomic.Int32
}

func (c countingChecks) CheckNotArrived(ctx context.Context, now time.Time) (int, error) {
	c.n.Add(1)
	return c.Checks.CheckNotArrived(ctx, now)
}

// TestTwoWorkers: two runners on one database (two worker processes) run the
// periodic check once per period between them, and notify once.
func TestTwoWorkers(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		mgr := e.mustCreate(t, "mgr", attendance.RoleManager, e.Admin.ID)
		emp := e.mustCreate(t, "emp", attendance.RoleEmployee, mgr.ID)
		e.Clock.Set(monday.Add(time.Hour + 31*time.Minute))
		other := e.Reopen(t)
		var checks atomic.Int32
		begin := time.Now()
		e.start(t, Config{NotArrivedEvery: time.Second, Checks: countingChecks{e.DB.Checks, &checks}})
		other.start(t, Config{NotArrivedEvery: time.Second, Checks: countingChecks{other.DB.Checks, &checks}})
		e.eventually(t, "a worker reports the employee", func() bool { return len(e.notArrived(t, mgr, emp.ID)) > 0 })
		// Several periods of a second pass; the check runs once a minute at most
		// (River inserts one such job per minute), whichever worker leads.
		time.Sleep(4 * time.Second)
		end := time.Now()
		minutes := int32(end.Truncate(time.Minute).Sub(begin.Truncate(time.Minute))/time.Minute) + 1
		if got := checks.Load(); got < 1 || got > minutes {
			t.Errorf("the check ran %d times in %d clock minutes, want at least once and at most once a minute", got, minutes)
		}
		if got := e.notArrived(t, mgr, emp.ID); len(got) != 1 {
			t.Fatalf("%d not_arrived notifications, want 1", len(got))
		}
	})
}

// startKinds are the jobs that run at a runner's start.
var startKinds = []string{NotArrivedArgs{}.Kind(), LowBalanceArgs{}.Kind(), CleanupArgs{}.Kind(), EscalationArgs{}.Kind(),
	ForgottenExitsArgs{}.Kind(), HolidayChangesArgs{}.Kind(), LedgerJobArgs{}.Kind()}

// TestWaitStartRuns: once WaitStartRuns returns, every periodic job's run at
// start has finished, at the clock of the start, and nothing of them is left
// to overtake what a test does next.
func TestWaitStartRuns(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		mgr := e.mustCreate(t, "mgr", attendance.RoleManager, e.Admin.ID)
		emp := e.mustCreate(t, "emp", attendance.RoleEmployee, mgr.ID)
		e.Clock.Set(monday.Add(time.Hour + 31*time.Minute)) // 08:31: the run at start reports emp
		r := e.start(t, Config{Ledger: sqlstore.NewLedgerJobs(e.DB.DB)})
		ctx, cancel := context.WithTimeout(context.Background(), jobWait)
		defer cancel()
		if err := r.WaitStartRuns(ctx); err != nil {
			t.Fatal(err)
		}
		for _, kind := range startKinds {
			if jobs := e.jobs(t, kind); len(jobs) != 1 || jobs[0].State != "completed" {
				t.Errorf("%s: jobs %+v, want one run at start, completed", kind, jobs)
			}
		}
		if got := e.notArrived(t, mgr, emp.ID); len(got) != 1 {
			t.Errorf("%d not_arrived notifications after the run at start, want 1", len(got))
		}
	})
}

// TestNoPeriodic: a runner without periodic jobs runs no check by itself,
// at start or by period, and still works the jobs it is given.
func TestNoPeriodic(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, e *env) {
		var checks atomic.Int32
		pub := &publisher{}
		r := e.start(t, Config{NoPeriodic: true, NotArrivedEvery: 100 * time.Millisecond, Checks: countingChecks{e.DB.Checks, &checks},
			Publisher: pub, Ledger: sqlstore.NewLedgerJobs(e.DB.DB)})
		if err := r.WaitStartRuns(context.Background()); err != nil {
			t.Fatal(err)
		}
		e.emit(t, r, true, message("given"))
		e.eventually(t, "the publish job completes", func() bool {
			jobs := e.jobs(t, PublishArgs{}.Kind())
			return len(jobs) == 1 && jobs[0].State == "completed"
		})
		// River elects a leader and runs a run at start within a few seconds
		// (TestWaitStartRuns), and then one every 100 ms.
		time.Sleep(3 * time.Second)
		if n := checks.Load(); n != 0 {
			t.Errorf("the not_arrived check ran %d times, want never", n)
		}
		for _, kind := range startKinds {
			if jobs := e.jobs(t, kind); len(jobs) != 0 {
				t.Errorf("%s: jobs %+v, want none", kind, jobs)
			}
		}
	})
}
