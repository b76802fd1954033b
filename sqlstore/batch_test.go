package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/openattendance/attendance"
)

// The group commit, tested on its own: a SQLite file with one table, writes
// that insert a row each, and groups formed on purpose behind a write that
// holds the single writer until the test lets it go. (The sqlite package,
// which opens the service's database, imports this one: these tests open
// the file themselves.)

// groupDB is a SQLite store with group commit and a table t(v).
type groupDB struct {
	*DB
	emitter *recorder
}

func openGroupDB(t *testing.T) *groupDB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "group.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
	write, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&"+pragmas)
	if err != nil {
		t.Fatal(err)
	}
	write.SetMaxOpenConns(1)
	t.Cleanup(func() { write.Close() })
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { read.Close() })
	if _, err := write.Exec(`CREATE TABLE t (v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	db, err := New(write, read, Dialect{
		Name:              "sqlite",
		EncodeTime:        func(t time.Time) any { return t.UnixMicro() },
		IsUniqueViolation: func(error) bool { return false },
		GroupCommit:       true,
		CacheStatements:   true,
	}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	g := &groupDB{DB: db, emitter: &recorder{}}
	db.Emitter = g.emitter
	return g
}

// insert returns a write that inserts v into t and emits a message named v.
func insert(v string) func(tx *Tx) error {
	return func(tx *Tx) error {
		tx.emit(attendance.Message{ID: v})
		_, err := tx.exec(context.Background(), `INSERT INTO t (v) VALUES (?)`, v)
		return err
	}
}

// rows returns the values in t, read on the read pool (another connection).
func (g *groupDB) rows(t *testing.T) []string {
	t.Helper()
	rows, err := g.read.Query(`SELECT v FROM t ORDER BY v`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// visible reports whether another connection sees v in t.
func (g *groupDB) visible(v string) (bool, error) {
	var n int
	err := g.read.QueryRow(`SELECT COUNT(*) FROM t WHERE v = ?`, v).Scan(&n)
	return n > 0, err
}

// hold runs a write that keeps the writer busy until release is called, so
// that the writes submitted meanwhile queue up and form the next group.
func (g *groupDB) hold(t *testing.T) (release func()) {
	t.Helper()
	running, let := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- g.inTx(context.Background(), func(*Tx) error {
			close(running)
			<-let
			return nil
		})
	}()
	<-running
	return func() {
		close(let)
		if err := <-done; err != nil {
			t.Errorf("the holding write: %v", err)
		}
	}
}

// queued waits until n writes wait in the batcher's queue.
func (g *groupDB) queued(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(g.batch.queue) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued after 10 s, want %d", len(g.batch.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// submit runs fn in a write of its own goroutine, after the writes queued
// before it; wait returns its error once its group has committed.
func (g *groupDB) submit(t *testing.T, ctx context.Context, fn func(tx *Tx) error) (wait func() error) {
	t.Helper()
	n := len(g.batch.queue)
	done := make(chan error, 1)
	go func() { done <- g.inTx(ctx, fn) }()
	g.queued(t, n+1)
	return func() error { return <-done }
}

// recorder is an Emitter that keeps what it is given, and may hold the
// commit back inside the transaction (beforeCommit).
type recorder struct {
	mu           sync.Mutex
	emitted      [][]string // the message ids of each transaction
	committed    []string
	beforeCommit func()
}

func ids(msgs []attendance.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

func (r *recorder) EmitTx(_ context.Context, _ any, msgs []attendance.Message) error {
	r.mu.Lock()
	r.emitted = append(r.emitted, ids(msgs))
	hook := r.beforeCommit
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	return nil
}

func (r *recorder) Committed(_ context.Context, msgs []attendance.Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.committed = append(r.committed, ids(msgs)...)
}

// transactions returns the message ids emitted, one list per transaction.
func (r *recorder) transactions() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.emitted)
}

// TestGroupCommitRollsBackOneWrite: a write that fails in a group is rolled
// back to its savepoint alone: its row and its messages are gone, the others'
// commit in the same transaction.
func TestGroupCommitRollsBackOneWrite(t *testing.T) {
	t.Parallel()
	g := openGroupDB(t)
	release := g.hold(t)
	errRefused := attendance.Errorf(attendance.KindConflict, "refused", "refused")
	a := g.submit(t, context.Background(), insert("a"))
	b := g.submit(t, context.Background(), func(tx *Tx) error {
		if err := insert("b")(tx); err != nil {
			return err
		}
		return errRefused
	})
	c := g.submit(t, context.Background(), insert("c"))
	release()
	if err := a(); err != nil {
		t.Errorf("a: %v", err)
	}
	if err := b(); !errors.Is(err, errRefused) {
		t.Errorf("b: %v, want its own error", err)
	}
	if err := c(); err != nil {
		t.Errorf("c: %v", err)
	}
	if got, want := g.rows(t), []string{"a", "c"}; !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
	if got, want := g.emitter.transactions(), [][]string{{"a", "c"}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("messages emitted per transaction = %q, want %q (one group, without b's)", got, want)
	}
}

// TestGroupCommitPanic: a write that panics gets an error, is rolled back,
// and the rest of its group commits; the batcher goes on to the next group.
func TestGroupCommitPanic(t *testing.T) {
	t.Parallel()
	g := openGroupDB(t)
	release := g.hold(t)
	a := g.submit(t, context.Background(), insert("a"))
	b := g.submit(t, context.Background(), func(tx *Tx) error {
		if err := insert("b")(tx); err != nil {
			return err
		}
		panic("b fails")
	})
	c := g.submit(t, context.Background(), insert("c"))
	release()
	if err := b(); err == nil || !strings.Contains(err.Error(), "b fails") {
		t.Errorf("b: %v, want an error naming the panic", err)
	}
	for name, wait := range map[string]func() error{"a": a, "c": c} {
		if err := wait(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := g.inTx(context.Background(), insert("d")); err != nil {
		t.Errorf("a write after the panic: %v", err)
	}
	if got, want := g.rows(t), []string{"a", "c", "d"}; !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
}

// TestGroupCommitCancelledFirstCaller: the first caller of a group hangs up
// before the group runs. The group's transaction is not the caller's: every
// write commits, that caller's too (a write, once asked for, runs to its end).
func TestGroupCommitCancelledFirstCaller(t *testing.T) {
	t.Parallel()
	g := openGroupDB(t)
	release := g.hold(t)
	ctx, cancel := context.WithCancel(context.Background())
	a := g.submit(t, ctx, insert("a"))
	b := g.submit(t, context.Background(), insert("b"))
	c := g.submit(t, context.Background(), insert("c"))
	cancel()
	release()
	for name, wait := range map[string]func() error{"a": a, "b": b, "c": c} {
		if err := wait(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got, want := g.rows(t), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("rows = %q, want %q", got, want)
	}
}

// TestGroupCommitAnswersAfterCommit: every caller of a group is answered
// only once the commit that holds its write is done: the moment it returns,
// another connection sees its row. The commit is held back inside the
// transaction until every caller has looked, or a moment has passed, so
// that a caller answered early would look before the commit.
func TestGroupCommitAnswersAfterCommit(t *testing.T) {
	t.Parallel()
	g := openGroupDB(t)
	const n = 8
	var looked sync.WaitGroup
	looked.Add(n)
	g.emitter.beforeCommit = func() {
		all := make(chan struct{})
		go func() { looked.Wait(); close(all) }()
		select {
		case <-all:
		case <-time.After(200 * time.Millisecond):
		}
	}
	release := g.hold(t)
	seen := make([]error, n)
	var done sync.WaitGroup
	for i := range n {
		v := fmt.Sprint(i)
		wait := g.submit(t, context.Background(), insert(v))
		done.Add(1)
		go func() {
			defer done.Done()
			defer looked.Done()
			if err := wait(); err != nil {
				seen[i] = err
				return
			}
			ok, err := g.visible(v)
			if err == nil && !ok {
				err = errors.New("its row is not visible to another connection")
			}
			seen[i] = err
		}()
	}
	release()
	done.Wait()
	for i, err := range seen {
		if err != nil {
			t.Errorf("write %d, once answered: %v", i, err)
		}
	}
	if got := g.emitter.transactions(); len(got) != 1 || len(got[0]) != n {
		t.Errorf("messages emitted per transaction = %q, want one group of %d", got, n)
	}
}

// TestCommitAlone: a write in a transaction of its own (PostgreSQL's writes,
// and SQLite's when nothing waits beside them) commits, or rolls back on an
// error or a panic, or keeps what it wrote and reports the error of a
// commitThen.
func TestCommitAlone(t *testing.T) {
	t.Parallel()
	errRefused := attendance.Errorf(attendance.KindConflict, "refused", "refused")
	tests := []struct {
		name     string
		end      func() error
		wantRows []string
		wantErr  string
	}{
		{"commits", func() error { return nil }, []string{"x"}, ""},
		{"fails", func() error { return errRefused }, nil, "refused"},
		{"panics", func() error { panic("x fails") }, nil, "x fails"},
		{"commit then fail", func() error { return commitThen{errRefused} }, []string{"x"}, "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := openGroupDB(t)
			w := &write{ctx: context.Background(), fn: func(tx *Tx) error {
				if err := insert("x")(tx); err != nil {
					return err
				}
				return tt.end()
			}}
			g.commit(context.Background(), w)
			if tt.wantErr == "" && w.err != nil || tt.wantErr != "" && (w.err == nil || !strings.Contains(w.err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", w.err, tt.wantErr)
			}
			if _, ok := w.err.(commitThen); ok {
				t.Errorf("err = %#v: the commitThen reached the caller", w.err)
			}
			if got := g.rows(t); !slices.Equal(got, tt.wantRows) {
				t.Errorf("rows = %q, want %q", got, tt.wantRows)
			}
		})
	}
}
