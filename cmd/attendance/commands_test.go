package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// The subcommands, run as the binary runs them (run with arguments, an
// environment, standard input and output).

func runCmd(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err = run(ctx, args, getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range []string{"serve", "worker", "migrate", "createuser", "demo"} {
		t.Run(cmd, func(t *testing.T) {
			_, stderr, err := runCmd(t, nil, "", cmd, "--help")
			if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
				t.Fatalf("%s --help: %v (exit %d), want help and exit 0", cmd, err, exitCode(err))
			}
			if !strings.Contains(stderr, "Usage: attendance "+cmd) || !strings.Contains(stderr, "-data-dir") {
				t.Fatalf("%s --help printed:\n%s", cmd, stderr)
			}
		})
	}
	if out, _, err := runCmd(t, nil, "", "help"); err != nil || !strings.Contains(out, "attendance serve") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	if _, _, err := runCmd(t, nil, "", "frobnicate"); err == nil || exitCode(err) == 0 {
		t.Fatal("an unknown command succeeded")
	}
	if _, _, err := runCmd(t, nil, "", "serve", "--access-ttl", "soon"); err == nil || !strings.Contains(err.Error(), "access-ttl") {
		t.Fatalf("a bad flag value: %v, want an error naming the flag", err)
	}
	if _, _, err := runCmd(t, map[string]string{"ATTENDANCE_LOG_FORMAT": "xml"}, "", "migrate"); err == nil || !strings.Contains(err.Error(), "ATTENDANCE_LOG_FORMAT") {
		t.Fatalf("a bad variable: %v, want an error naming the variable", err)
	}
}

// TestBadArgumentsShowUsage: what no flag takes, and flags out of range, are
// refused with the reason and the usage, before anything is opened.
func TestBadArgumentsShowUsage(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ATTENDANCE_DATA_DIR": dir}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "now"}, "unexpected arguments: now"},
		{[]string{"worker", "a", "b"}, "unexpected arguments: a b"},
		{[]string{"migrate", "up"}, "unexpected arguments: up"},
		{[]string{"createuser", "--role", "admin"}, "--username is required"},
		{[]string{"createuser", "--username", "ann", "extra"}, "unexpected arguments: extra"},
		{[]string{"demo", "--employees", "0"}, "--employees must be 1 to 100000"},
		{[]string{"demo", "--days", "4000"}, "--days 1 to 3660"},
		{[]string{"demo", "big"}, "unexpected arguments: big"},
	} {
		_, stderr, err := runCmd(t, env, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) == 0 {
			t.Errorf("%q: %v, want an error saying %q", c.args, err, c.want)
		}
		if !strings.Contains(stderr, "Usage: attendance "+c.args[0]) {
			t.Errorf("%q: no usage shown:\n%s", c.args, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("refused commands left %d files in the data directory", len(entries))
	}
}

func TestMigrateAndCreateUser(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ATTENDANCE_DATA_DIR": dir, "ATTENDANCE_DATABASE_URL": databaseURL(t, dir), "ATTENDANCE_LOG_LEVEL": "error"}
	if _, stderr, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "attendance.db")); testDB == "sqlite" && err != nil {
		t.Fatalf("no database after migrate: %v", err)
	}
	// Migrating again changes nothing and succeeds; the first start creates the admin.
	if _, stderr, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("second migrate: %v\n%s", err, stderr)
	}
	mustStartIn(t, dir).Stop()
	out, stderr, err := runCmd(t, env, "s3cret-pass\n", "createuser", "--username", "grace", "--role", "manager", "--password-stdin", "--first-name", "Grace")
	if err != nil {
		t.Fatalf("createuser: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, `created manager "grace"`) {
		t.Fatalf("createuser printed %q", out)
	}
	// The same username again, another case: refused.
	if _, _, err := runCmd(t, env, "s3cret-pass\n", "createuser", "--username", "GRACE", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("duplicate username: %v", err)
	}
	// A weak password: refused with the rule.
	if _, _, err := runCmd(t, env, "short\n", "createuser", "--username", "ada", "--password-stdin"); err == nil || !strings.Contains(err.Error(), "8 characters") {
		t.Fatalf("weak password: %v", err)
	}
	if _, _, err := runCmd(t, env, "s3cret-pass\n", "createuser", "--role", "admin", "--password-stdin"); err == nil {
		t.Fatal("createuser without --username succeeded")
	}

	// The service, started on that database, lets the new manager sign in.
	app := mustStartIn(t, dir)
	m := app.Login("grace", "s3cret-pass")
	if m.Me.Role != "manager" || m.Me.FirstName != "Grace" {
		t.Fatalf("signed in as %+v", m.Me)
	}
}

func TestFirstStartGeneratesTheAdminPassword(t *testing.T) {
	dir := t.TempDir()
	m := &Main{Config: testConfig(t, dir), Stderr: &bytes.Buffer{}, HashParams: cheapHash}
	m.Config.AdminPassword = ""
	if err := m.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	shown := m.Stderr.(*bytes.Buffer).String()
	file := filepath.Join(dir, "initial-admin-password")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no password file: %v", err)
	}
	password := strings.TrimSpace(string(b))
	if len(password) < 16 || !strings.Contains(shown, password) {
		t.Fatalf("password %q not shown on stderr:\n%s", password, shown)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode %v, want 0600", fi.Mode().Perm())
	}
	// The generated password works; a second start neither creates nor shows anything.
	if _, _, err := m.Auth.Login(context.Background(), "admin", password, "127.0.0.1"); err != nil {
		t.Fatalf("login with the generated password: %v", err)
	}
	m.Close()
	again := &Main{Config: testConfig(t, dir), Stderr: &bytes.Buffer{}, HashParams: cheapHash}
	again.Config.AdminPassword = ""
	if err := again.Open(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if s := again.Stderr.(*bytes.Buffer).String(); strings.Contains(s, "password") {
		t.Fatalf("the second start showed a password:\n%s", s)
	}
}

// TestMemoryLimitSetting: the runtime is left as Go sets it unless
// --memory-limit (ATTENDANCE_MEMORY_LIMIT) asks for a soft memory limit,
// written as GOMEMLIMIT is; anything else is refused, naming the setting.
func TestMemoryLimitSetting(t *testing.T) {
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(limit) })
	config := func(env map[string]string, args ...string) (Config, error) {
		fs := newFlagSet("serve", "", io.Discard)
		build := bindConfig(fs, func(k string) string { return env[k] }, serveSettings...)
		return parseCommand(fs, args, build, nil)
	}

	c, err := config(nil)
	if err != nil {
		t.Fatal(err)
	}
	tuneRuntime(c)
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("no setting: the memory limit changed from %d to %d", limit, got)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want int64
	}{
		{nil, []string{"--memory-limit", "56MiB"}, 56 << 20},
		{map[string]string{"ATTENDANCE_MEMORY_LIMIT": "1GiB"}, nil, 1 << 30},
		{map[string]string{"ATTENDANCE_MEMORY_LIMIT": "1GiB"}, []string{"--memory-limit", "100000000"}, 100000000},
		{nil, []string{"--memory-limit", "512KiB"}, 512 << 10},
		{nil, []string{"--memory-limit", "4096B"}, 4096},
	} {
		c, err := config(tc.env, tc.args...)
		if err != nil || c.MemoryLimit != tc.want {
			t.Errorf("%v %q: %d, %v; want %d", tc.env, tc.args, c.MemoryLimit, err, tc.want)
			continue
		}
		tuneRuntime(c)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("%v %q: the runtime's limit is %d, want %d", tc.env, tc.args, got, tc.want)
		}
	}
	for _, bad := range []string{"56MB", "56mib", "MiB", "0", "-1MiB", "+56MiB", "56 MiB", "1.5GiB", "9999999999TiB"} {
		if _, err := config(nil, "--memory-limit", bad); err == nil || !strings.Contains(err.Error(), "memory-limit") {
			t.Errorf("--memory-limit %q: %v, want an error naming the flag", bad, err)
		}
	}
}

// TestSecretsNotInUsage: the usage, printed for --help and for any mistake
// in the flags, never shows a secret taken from the environment, which
// still applies (and a flag still wins).
func TestSecretsNotInUsage(t *testing.T) {
	env := map[string]string{"ATTENDANCE_JWT_SECRET": "jwt-secret-from-the-environment-0123456789",
		"ATTENDANCE_ADMIN_PASSWORD": "admin-password-from-env", "ATTENDANCE_SMTP_PASSWORD": "smtp-password-from-env"}
	var usage bytes.Buffer
	fs := newFlagSet("serve", "", &usage)
	build := bindConfig(fs, func(k string) string { return env[k] }, serveSettings...)
	c, err := parseCommand(fs, []string{"--smtp-password", "from-the-flag"}, build, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.JWTSecret != env["ATTENDANCE_JWT_SECRET"] || c.AdminPassword != env["ATTENDANCE_ADMIN_PASSWORD"] || c.SMTPPassword != "from-the-flag" {
		t.Errorf("config %q %q %q", c.JWTSecret, c.AdminPassword, c.SMTPPassword)
	}
	fs.Usage()
	for _, v := range env {
		if strings.Contains(usage.String(), v) {
			t.Errorf("the usage shows %q", v)
		}
	}
}

// TestAMQPExchangeSetting: the events' exchange is attendance.events unless
// --amqp-exchange (ATTENDANCE_AMQP_EXCHANGE) names another; a name RabbitMQ
// would refuse, or one of its own (amq.…), is refused at start.
func TestAMQPExchangeSetting(t *testing.T) {
	t.Parallel()
	config := func(env map[string]string, args ...string) (Config, error) {
		fs := newFlagSet("serve", "", io.Discard)
		build := bindConfig(fs, func(k string) string { return env[k] }, serveSettings...)
		return parseCommand(fs, args, build, nil)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, nil, "attendance.events"},
		{map[string]string{"ATTENDANCE_AMQP_EXCHANGE": "acme.attendance"}, nil, "acme.attendance"},
		{map[string]string{"ATTENDANCE_AMQP_EXCHANGE": "acme.attendance"}, []string{"--amqp-exchange", "staging:events_2"}, "staging:events_2"},
	} {
		c, err := config(tc.env, tc.args...)
		if err != nil || c.AMQPExchange != tc.want {
			t.Errorf("%v %q: %q, %v; want %q", tc.env, tc.args, c.AMQPExchange, err, tc.want)
		}
	}
	for _, bad := range []string{"", "amq.topic", "a b", "events/1", strings.Repeat("x", 256)} {
		if _, err := config(nil, "--amqp-exchange", bad); err == nil || !strings.Contains(err.Error(), "amqp-exchange") {
			t.Errorf("--amqp-exchange %q: %v, want an error naming the flag", bad, err)
		}
	}
}
