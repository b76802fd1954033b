package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/auth"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/sqlstore"
)

// demoPassword is the password of every demo user.
const demoPassword = "demo-password"

func runDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "Fills the database with a realistic demo company: departments, managers, offices in several time zones, holidays, attendance, leave. Every demo user's password is "+demoPassword+".", stderr)
	build := bindConfig(fs, getenv, "data-dir", "database-url", "timezone", "admin-username", "admin-password", "log-format", "log-level")
	employees := fs.Int("employees", 50, "how many employees")
	days := fs.Int("days", 30, "days of attendance, ending yesterday")
	seed := fs.Uint64("seed", 1, "the same seed makes the same company")
	cfg, err := parseCommand(fs, args, build, func() string {
		if *employees < 1 || *employees > 100_000 || *days < 1 || *days > 3660 {
			return "--employees must be 1 to 100000 and --days 1 to 3660"
		}
		return ""
	})
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer store.Close()
	hasher := auth.NewHasher(nil, 0)
	if err := ensureAdmin(ctx, cfg, sqlstore.NewEmployeeService(store.DB, hasher), hasher, stderr, logger); err != nil {
		return err
	}
	hash, err := hasher.Hash(ctx, demoPassword)
	if err != nil {
		return err
	}
	loc, _ := attendance.LoadLocation(cfg.Timezone)
	now := time.Now()
	started := now
	var sum demo.Summary
	err = sqlstore.NewBulkLoader(store.DB).Load(ctx, func(w *sqlstore.BulkWriter) error {
		var err error
		sum, err = demo.Generate(ctx, w, hash, demo.Options{
			Employees: *employees, Days: *days, Seed: *seed, Today: attendance.DateOf(now.In(loc)), Now: now,
		}, func(done, total int) {
			fmt.Fprintf(stderr, "\rdemo: %d/%d employees (%s)", done, total, time.Since(started).Round(100*time.Millisecond))
			if done == total {
				fmt.Fprintln(stderr)
			}
		})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo company: %d employees (%d managers), %d attendance events over %d days, %d leave requests, %d holidays, in %s\n",
		sum.Employees, sum.Managers, sum.Events, sum.Days, sum.LeaveRequests, sum.Holidays, time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(stdout, "sign in as any of them with the password %q, e.g.: %v\n", demoPassword, sum.Usernames)
	return nil
}
