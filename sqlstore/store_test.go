package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
)

// The store's conformance suite, in the shape of River's riverdrivertest: a
// test per service (TestEmployeeService, TestAttendanceService, …), in it a
// subtest per database kind, then one per method, then one per behaviour
// (TestLeaveService/postgres/DecideLeave/NeverOverdraws). Every behaviour
// runs on SQLite and on PostgreSQL from the same code, in parallel, each on a
// fresh database of its own. PostgreSQL needs ATTENDANCE_TEST_DATABASE_URL
// (CI sets it; see internal/testenv).
//
// The races at the end of each service's test run two requests at once many
// times: they must leave the data as one after the other would, and never
// fail with an internal error (on PostgreSQL: a deadlock or a lost update).

// monday is 07:00 UTC on Monday 2 November 2026, the clock of a new env:
// before the 08:00 start of the default schedule.
var monday = time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC)

// env is a fresh store with its services, a hand-moved clock, the first
// admin, and what it has published.
type env struct {
	*storetest.DB
	Clock   *clock
	Admin   attendance.Actor
	Emitted *emitted
}

// newEnv opens a fresh database of kind with the clock at monday and the
// first admin (id 1) created.
func newEnv(t *testing.T, kind string) *env {
	t.Helper()
	db := storetest.Open(t, kind)
	c := &clock{t: monday}
	db.Now = c.Now
	em := &emitted{}
	db.Emitter = em
	ctx := context.Background()
	hash, err := db.Hasher.Hash(ctx, "admin-password")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Employees.Bootstrap(ctx, "admin", hash); err != nil {
		t.Fatal(err)
	}
	return &env{DB: db, Clock: c, Admin: attendance.Actor{ID: 1, Role: attendance.RoleAdmin}, Emitted: em}
}

// newEmptyDB opens a fresh database of kind without any employee, its clock
// at monday.
func newEmptyDB(t *testing.T, kind string) *storetest.DB {
	t.Helper()
	db := storetest.Open(t, kind)
	db.Now = func() time.Time { return monday }
	return db
}

// exercise runs the subtests of one service on every kind of database: run
// gets the kind, and opens each behaviour's env with newEnv.
func exercise(t *testing.T, run func(t *testing.T, kind string)) {
	t.Helper()
	t.Parallel()
	storetest.ForEach(t, run)
}

// clock is a hand-moved clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// emitted keeps the live messages of committed writes (a sqlstore.Emitter).
type emitted struct {
	mu   sync.Mutex
	msgs []attendance.Message
}

func (*emitted) EmitTx(context.Context, any, []attendance.Message) error { return nil }

func (e *emitted) Committed(_ context.Context, msgs []attendance.Message) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.msgs = append(e.msgs, msgs...)
}

// idsLater is an emitted that takes notification messages whose ids are not
// read yet, as cluster mode's publish job does (sqlstore.NotificationIDReader).
type idsLater struct{ *emitted }

func (idsLater) ReadsNotificationIDs() bool { return true }

// Of returns the messages of type typ, in the order they were published.
func (e *emitted) Of(typ attendance.MessageType) []attendance.Message {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []attendance.Message
	for _, m := range e.msgs {
		if m.Type == typ {
			out = append(out, m)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// testPassword is the password of every employee mustCreate makes.
const testPassword = "password-123"

// mustCreate creates an employee as the actor, reporting to manager (nil:
// nobody); fields fill in the rest.
func (e *env) mustCreate(t *testing.T, a attendance.Actor, username string, role attendance.Role, manager *int64, fields ...func(*attendance.EmployeeFields)) *attendance.Employee {
	t.Helper()
	f := attendance.EmployeeFields{Username: &username, Password: ptr(testPassword), Role: &role, ManagerID: manager, ManagerIDSet: true}
	for _, fn := range fields {
		fn(&f)
	}
	emp, err := e.Employees.CreateEmployee(context.Background(), a, f)
	if err != nil {
		t.Fatalf("create %s: %v", username, err)
	}
	return emp
}

// team creates a manager under the admin and an employee under the manager.
func (e *env) team(t *testing.T) (mgr, emp *attendance.Employee) {
	t.Helper()
	mgr = e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
	emp = e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID)
	return mgr, emp
}

// clockAt sets the clock to ts (RFC 3339) and records an event of the actor.
func (e *env) clockAt(t *testing.T, a attendance.Actor, ts string, typ attendance.EventType) *attendance.AttendanceEvent {
	t.Helper()
	e.Clock.Set(at(t, ts))
	ev, err := e.Attendance.RecordEvent(context.Background(), a, attendance.RecordEvent{Type: typ})
	if err != nil {
		t.Fatalf("%s %s at %s: %v", typ, fmt.Sprint(a.ID), ts, err)
	}
	return ev
}

// mustRequest files a leave request of the actor.
func (e *env) mustRequest(t *testing.T, a attendance.Actor, typ attendance.LeaveType, start, end string) *attendance.LeaveRequest {
	t.Helper()
	r, err := e.Leave.RequestLeave(context.Background(), a, attendance.LeaveInput{LeaveType: typ,
		StartDate: attendance.MustParseDate(start), EndDate: attendance.MustParseDate(end)})
	if err != nil {
		t.Fatalf("request %s leave %s to %s: %v", typ, start, end, err)
	}
	return r
}

// notifications returns the kinds of the actor's notifications, oldest first.
func (e *env) notifications(t *testing.T, a attendance.Actor) []attendance.NotificationKind {
	t.Helper()
	list, _, err := e.Notifications.ListNotifications(context.Background(), a, false, attendance.Page{Limit: attendance.MaxPageLimit})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []attendance.NotificationKind
	for _, n := range slices.Backward(list) {
		kinds = append(kinds, n.Kind)
	}
	return kinds
}

// at parses an RFC 3339 instant.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// date parses a date.
func date(s string) attendance.Date { return attendance.MustParseDate(s) }

// wantCode fails unless err has the domain error code code ("" for nil).
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := attendance.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// both runs f(0) and f(1) at the same moment and returns their errors.
func both(f func(i int) error) [2]error {
	var wg sync.WaitGroup
	var errs [2]error
	start := make(chan struct{})
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

// outcomes counts the successes and fails the test on an internal error or a
// code not in allowed.
func outcomes(t *testing.T, what string, errs [2]error, allowed ...string) (ok int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case attendance.ErrorKind(err) == attendance.KindInternal:
			t.Fatalf("%s: internal error: %v", what, err)
		case !slices.Contains(allowed, attendance.ErrorCode(err)):
			t.Fatalf("%s: %v (code %q), want one of %v", what, err, attendance.ErrorCode(err), allowed)
		}
	}
	return ok
}

// raceRounds is how many times a race is run.
const raceRounds = 6
