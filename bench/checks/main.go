// Command checks runs each periodic check once over a whole PostgreSQL
// database, as one worker runs it, and prints how long it took beside its
// period (bench/scale). The checks write what they would in service
// (notifications, ledger entries): run it on a database made to measure. It
// migrates the database first, as the service would at start.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/postgres"
	"github.com/openattendance/attendance/sqlstore"
)

func main() {
	url := flag.String("database-url", "", "the database, postgres://…")
	at := flag.String("at", "", "the instant the checks run at, RFC 3339; empty: now")
	minutes := flag.Int("minutes", 60, "after the first runs, run the not-arrived and forgotten-exits checks once a minute for this many minutes")
	only := flag.String("only", "", "run only the checks whose names contain this")
	flag.Parse()
	ctx := context.Background()
	now := time.Now()
	if *at != "" {
		var err error
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			log.Fatal(err)
		}
	}
	pool, err := postgres.Open(ctx, *url, 4)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	start := time.Now()
	if err := postgres.Migrate(ctx, pool, logger); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("migrated in %.1f s\n", time.Since(start).Seconds())
	// The service's defaults (cmd/attendance): threshold 3 days, escalation
	// after 3 working days, no late penalty.
	db, err := sqlstore.New(pool, pool, postgres.Dialect(), sqlstore.Config{LowLeaveThreshold: 3, EscalationDays: 3})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.Logger = logger
	db.Now = func() time.Time { return now }
	checks, ledger := sqlstore.NewChecks(db), sqlstore.NewLedgerJobs(db)

	fmt.Printf("checks at %s over %s\n", now.UTC().Format(time.RFC3339), *url)
	fmt.Printf("| check | period | took | did |\n| --- | --- | ---: | --- |\n")
	run := func(name string, period time.Duration, f func() (string, error)) {
		if !strings.Contains(name, *only) {
			return
		}
		start := time.Now()
		did, err := f()
		took := time.Since(start)
		if err != nil {
			did = "error: " + err.Error()
		}
		fmt.Printf("| %s | %s | %.2f s | %s |\n", name, period, took.Seconds(), did)
	}
	count := func(what string, f func() (int, error)) func() (string, error) {
		return func() (string, error) {
			n, err := f()
			return fmt.Sprintf("%d %s", n, what), err
		}
	}
	job := func(j attendance.LedgerJob) func() (string, error) {
		return func() (string, error) {
			r, err := ledger.RunJob(ctx, j)
			if err != nil || r == nil {
				return "", err
			}
			return fmt.Sprintf("%d balances, wrote %v", r.Balances, r.Written), nil
		}
	}
	notArrived := count("notified", func() (int, error) { return checks.CheckNotArrived(ctx, now) })
	forgotten := count("handled", func() (int, error) { return checks.CheckForgottenExits(ctx, now) })
	run("not arrived", time.Minute, notArrived)
	run("not arrived, again (all told)", time.Minute, notArrived)
	run("forgotten exits", time.Minute, forgotten)
	run("forgotten exits, again", time.Minute, forgotten)
	// In service: once a minute, each run after the one before.
	first := now
	every := func(name string, check func(now time.Time) (int, error)) {
		run(fmt.Sprintf("%s, each minute for %d minutes (slowest run; all runs)", name, *minutes), time.Minute, func() (string, error) {
			var slowest, all time.Duration
			total := 0
			for i := 1; i <= *minutes; i++ {
				now = first.Add(time.Duration(i) * time.Minute)
				start := time.Now()
				n, err := check(now)
				took := time.Since(start)
				slowest, all, total = max(slowest, took), all+took, total+n
				if err != nil {
					return "", err
				}
			}
			now = first
			return fmt.Sprintf("slowest %.2f s, %.1f s in all, %d in all", slowest.Seconds(), all.Seconds(), total), nil
		})
	}
	every("not arrived", func(now time.Time) (int, error) { return checks.CheckNotArrived(ctx, now) })
	every("forgotten exits", func(now time.Time) (int, error) { return checks.CheckForgottenExits(ctx, now) })
	run("low balances", 24*time.Hour, count("notified", func() (int, error) { return checks.CheckLowBalances(ctx, now) }))
	run("escalations", 5*time.Minute, count("escalated", func() (int, error) { return checks.CheckEscalations(ctx, now) }))
	run("cleanup", time.Hour, func() (string, error) { return "", checks.Cleanup(ctx, now) })
	run("leave ledger", sqlstore.LeaveLedgerEvery, job(attendance.JobLeaveLedger))
	run("leave ledger, again", sqlstore.LeaveLedgerEvery, job(attendance.JobLeaveLedger))
	// In service: the next hour's run, with nothing changed since.
	now = first.Add(sqlstore.LeaveLedgerEvery)
	run("leave ledger, an hour later", sqlstore.LeaveLedgerEvery, job(attendance.JobLeaveLedger))
	now = first
	run("late penalties", sqlstore.LatePenaltiesEvery, job(attendance.JobLatePenalties))
}
