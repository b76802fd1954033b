// Command attendance is the attendance and leave service: one binary that
// serves the API, the web app and the live notifications, runs the background
// jobs, migrates the database and creates users.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `attendance: employee attendance and leave, in one binary.

Usage:
  attendance serve       the API, the web app, live notifications and (unless --no-worker) the background jobs
  attendance worker      the background jobs only (clusters on PostgreSQL)
  attendance migrate     apply the database migrations and exit
  attendance createuser  create a user: --username U --role admin|manager|employee [--password-stdin]
  attendance demo        fill the database with a realistic demo company

Run "attendance <command> --help" for the flags of a command. Every flag also
reads an ATTENDANCE_* environment variable; flags win.
`

// tuneRuntime applies the runtime settings c asks for: none by default, so
// that GOMAXPROCS and GOMEMLIMIT act as Go documents them. The memory limit
// is there for a resident-memory budget: every login hashes its password in
// 19 MiB that become garbage, and without a limit the collector lets the
// heap grow to twice what is live (README, Configuration).
func tuneRuntime(c Config) {
	if c.MemoryLimit > 0 {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "attendance:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 1
}

// run dispatches a subcommand; tests call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], getenv, stderr, false)
	case "worker":
		return runServe(ctx, args[1:], getenv, stderr, true)
	case "migrate":
		return runMigrate(ctx, args[1:], getenv, stderr)
	case "createuser":
		return runCreateUser(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintln(stdout, "attendance", version)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// newFlagSet returns a flag set for a subcommand that prints its usage to w.
func newFlagSet(name, summary string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: attendance %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseCommand parses a subcommand's flags and builds its configuration.
// Arguments beyond the flags are refused, and so are flags for which invalid,
// when given, returns a reason; either way the usage is shown.
func parseCommand(fs *flag.FlagSet, args []string, build func() (Config, error), invalid func() string) (Config, error) {
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	reason := ""
	if invalid != nil {
		reason = invalid()
	}
	if reason == "" && fs.NArg() > 0 {
		reason = "unexpected arguments: " + strings.Join(fs.Args(), " ")
	}
	if reason != "" {
		fs.Usage()
		return Config{}, errors.New(reason)
	}
	return build()
}
