package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlite"
)

// TestUsernameMigration: migration 00004 moves every username to its RFC
// 8265 key on a database that holds names which are now one name (sam, ſam,
// ＳＡＭ, created apart by earlier versions). It does not fail; everyone still
// signs in as themselves; the collision is logged at every start and told to
// the admins; every other row reads the same before and after.
func TestUsernameMigration(t *testing.T) {
	t.Parallel()
	testUsernameMigration(t, testDB)
}

func testUsernameMigration(t *testing.T, kind string) {
	dir := t.TempDir()
	var opts []appOption
	var open func() *sql.DB
	var migrate func(context.Context, *sql.DB, *slog.Logger) error
	param := func(int) string { return "?" }
	switch kind {
	case "sqlite":
		open = func() *sql.DB {
			c, err := sqlite.Open(filepath.Join(dir, sqlite.FileName), sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			c.Read.Close()
			return c.Write
		}
		migrate = sqlite.Migrate
	case "postgres":
		url := testenv.PostgresDatabase(t, "empty", nil) // a database of its own: the test rewinds its schema
		opts = append(opts, withConfig(func(c *Config) { c.DatabaseURL = url }))
		open = func() *sql.DB {
			db, err := postgres.Open(context.Background(), url, 2)
			if err != nil {
				t.Fatal(err)
			}
			return db
		}
		migrate = postgres.Migrate
		param = func(n int) string { return fmt.Sprint("$", n) }
	}
	ctx := context.Background()

	// A company as the service keeps it, with a little of everything.
	app := mustStartIn(t, dir, opts...)
	mgr := app.Admin.NewUser("grace", map[string]any{"role": "manager", "first_name": "Grace"})
	sam := mgr.NewUser("sam", map[string]any{"first_name": "Sam"})
	mgr.CreateEmployee("straße", map[string]any{"department": "Straßenbau"})
	mgr.CreateEmployee("Jürgen", nil)
	sam.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)
	sam.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2030-03-04", "end_date": "2030-03-05"}).Want(201)
	app.Admin.Do("POST", "/api/holidays/", map[string]string{"date": "2030-12-25", "name": "Christmas"}).Want(201)
	app.Stop()

	// Back to version 3: keys lower-cased, and look-alikes of sam that
	// version 3 let in (with sam's password, to sign in with).
	db := open()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cols := "password_hash, email, first_name, last_name, role, manager_id, department, timezone, work_start, work_end, " +
		"work_days, late_grace_minutes, annual_leave_days, hired_on, active, deactivated_on, created_at, updated_at"
	for _, name := range []string{"ſam", "ＳＡＭ"} {
		exec("INSERT INTO employees (username, username_key, "+cols+") SELECT "+param(1)+", "+param(2)+", "+cols+
			" FROM employees WHERE username = 'sam'", name, attendance.LegacyUsernameKey(name))
	}
	for _, u := range readUsernames(t, db) {
		exec("UPDATE employees SET username_key = "+param(1)+" WHERE id = "+param(2), attendance.LegacyUsernameKey(u.Username), u.ID)
	}
	exec("DELETE FROM goose_db_version WHERE version_id = 4")
	before := dumpTables(t, db, kind)

	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	if err := migrate(ctx, db, logger); err != nil {
		t.Fatalf("migration 00004 on a collision: %v", err)
	}
	after := dumpTables(t, db, kind)

	// The keys: moved, except where a name became another's.
	ids := map[string]int64{}
	keys := map[string]string{}
	for _, u := range readUsernames(t, db) {
		ids[u.Username], keys[u.Username] = u.ID, u.Key
	}
	for name, want := range map[string]string{"sam": "sam", "ſam": "ſam", "ＳＡＭ": "ｓａｍ", "straße": "strasse", "Jürgen": "jürgen", "grace": "grace", "admin": "admin"} {
		if keys[name] != want {
			t.Errorf("key of %q = %q, want %q", name, keys[name], want)
		}
	}
	collision := fmt.Sprintf("employee_ids=\"[%d %d %d]\"", ids["sam"], ids["ſam"], ids["ＳＡＭ"])
	if !strings.Contains(log.String(), "usernames collide") || !strings.Contains(log.String(), collision) {
		t.Errorf("the collision is not logged (%s):\n%s", collision, log.String())
	}

	// Every other row reads the same: nothing but the keys and the admins'
	// notifications changed.
	for table, rows := range before {
		got := after[table]
		if table == "notifications" {
			got = slices.DeleteFunc(slices.Clone(got), func(r string) bool { return strings.Contains(r, "username_collision") })
		}
		if !slices.Equal(got, rows) {
			t.Errorf("table %s changed:\nbefore %q\nafter  %q", table, rows, got)
		}
	}
	if len(after) != len(before) {
		t.Errorf("tables: %d before, %d after", len(before), len(after))
	}

	// At the next start, the collision is reported again, and nothing changes.
	log.Reset()
	if err := migrate(ctx, db, logger); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), collision) {
		t.Errorf("the collision is not logged at the next start:\n%s", log.String())
	}
	db.Close()

	// Everyone signs in as themselves; the admins are told.
	app = mustStartIn(t, dir, opts...).In(t)
	for _, tc := range []struct{ login, user string }{
		{"sam", "sam"}, {"Sam", "sam"}, {"ſam", "ſam"}, {"ＳＡＭ", "ＳＡＭ"}, {"straße", "straße"}, {"STRASSE", "straße"}, {"jürgen", "Jürgen"},
	} {
		if c := app.Login(tc.login, testPassword); c.Me.ID != ids[tc.user] {
			t.Errorf("login as %q signed in %d (%s), want %d (%s)", tc.login, c.Me.ID, c.Me.Username, ids[tc.user], tc.user)
		}
	}
	var notes list[attendance.Notification]
	app.Admin.Do("GET", "/api/notifications/", nil).Want(200).JSON(&notes)
	// Others may come too (the service runs on the real clock: someone
	// may be late by now); exactly one is about the collision.
	var collisions []attendance.Notification
	for _, n := range notes.Results {
		if n.Kind == attendance.NotifyUsernameCollision {
			collisions = append(collisions, n)
		}
	}
	if len(collisions) != 1 || !strings.Contains(collisions[0].Message, `"ſam"`) {
		t.Errorf("the admin's notifications: %+v, want one about the collision", notes.Results)
	}
	// The admin decides: ſam is renamed, and then signs in by the new name.
	app.Admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", ids["ſam"]), map[string]string{"username": "sam_long_s"}).Want(200)
	if c := app.Login("sam_long_s", testPassword); c.Me.ID != ids["ſam"] {
		t.Errorf("login as the renamed user signed in %d", c.Me.ID)
	}
}

// readUsernames reads every user's name and stored key.
func readUsernames(t *testing.T, db *sql.DB) []attendance.StoredUsername {
	t.Helper()
	rows, err := db.Query("SELECT id, username, username_key FROM employees ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var users []attendance.StoredUsername
	for rows.Next() {
		var u attendance.StoredUsername
		if err := rows.Scan(&u.ID, &u.Username, &u.Key); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	return users
}

// dumpTables reads every row of every table of the service (not the
// migrations' own, nor the job queue's), each row as text, in order; the
// username keys are left out.
func dumpTables(t *testing.T, db *sql.DB, kind string) map[string][]string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if kind == "postgres" {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if name != "goose_db_version" && !strings.HasPrefix(name, "river_") {
			tables = append(tables, name)
		}
	}
	rows.Close()
	dump := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if table == "employees" && cols[i] == "username_key" {
					continue
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			dump[table] = append(dump[table], b.String())
		}
		rows.Close()
		slices.Sort(dump[table])
	}
	return dump
}
