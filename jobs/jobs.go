// Package jobs runs the background work on River, a durable job queue in the
// service's own database (SQLite or PostgreSQL): the periodic checks
// (not_arrived every minute, low leave balances daily, cleanup hourly), and in
// cluster mode the hand-over of committed events to the broker. Periodic jobs
// are inserted by one elected leader however many workers run; a publish job
// is inserted in the transaction of the write that caused it, so it exists if
// and only if the write committed.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/openattendance/attendance"
)

// Checks are the periodic checks; the store implements them.
type Checks interface {
	CheckNotArrived(ctx context.Context, now time.Time) (int, error)
	CheckLowBalances(ctx context.Context, now time.Time) (int, error)
	CheckEscalations(ctx context.Context, now time.Time) (int, error)
	Cleanup(ctx context.Context, now time.Time) error
}

// LedgerJobs runs the leave ledger's jobs; the store implements it. A run
// while another is under way leaves the work to it (nil run).
type LedgerJobs interface {
	RunJob(ctx context.Context, job attendance.LedgerJob) (*attendance.JobRun, error)
	// LatePenaltiesDue reports whether the late-penalty setting changed
	// since the late_penalties job last applied it.
	LatePenaltiesDue(ctx context.Context) (bool, error)
}

// ForgottenExits is the check of open sessions (docs/shifts.md): a store
// whose Checks have it runs it with the not-arrived check's period.
type ForgottenExits interface {
	CheckForgottenExits(ctx context.Context, now time.Time) (int, error)
}

// HolidayChanges judges again the lateness of the dates whose holiday
// changed, where the change's own request left some (docs/api.md,
// Holidays): a store whose Checks have it runs it with the not-arrived
// check's period.
type HolidayChanges interface {
	SettleHolidayChanges(ctx context.Context, now time.Time) (int, error)
}

// HolidayChangesArgs runs the holiday changes' check.
type HolidayChangesArgs struct{}

// Kind implements river.JobArgs.
func (HolidayChangesArgs) Kind() string { return "check_holiday_changes" }

// InsertOpts makes one check per minute at most.
func (HolidayChangesArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// NotificationIDs reads notification ids (sqlstore.NotificationService).
type NotificationIDs interface {
	// NotificationIDs returns the id of the notification each ref names,
	// 0 where the write that made the ref stored none.
	NotificationIDs(ctx context.Context, refs []attendance.NotificationRef) ([]int64, error)
}

// ForgottenExitsArgs runs the forgotten-exits check.
type ForgottenExitsArgs struct{}

// Kind implements river.JobArgs.
func (ForgottenExitsArgs) Kind() string { return "check_forgotten_exits" }

// InsertOpts makes one check per minute at most.
func (ForgottenExitsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// Config configures the runner.
type Config struct {
	// DB is the pool that writes: on SQLite the single writer connection.
	DB *sql.DB
	// Dialect is "sqlite" or "postgres".
	Dialect string
	// ListenerURL, on PostgreSQL, lets River hear of new jobs at once (LISTEN)
	// instead of polling; empty polls.
	ListenerURL string
	// Work runs the workers and the periodic jobs here; false only inserts jobs.
	Work bool
	// Checks runs the periodic checks.
	Checks Checks
	// Ledger runs the leave ledger's jobs; nil: none.
	Ledger LedgerJobs
	// Publisher hands events to the broker (cluster mode); nil: no publish jobs.
	Publisher attendance.Publisher
	// Notifications reads the ids of the notifications a write stored
	// without reading them, before their messages are published
	// (PublishNotificationsArgs); the store implements it.
	Notifications NotificationIDs
	// Mail sends the e-mail outbox; nil: no e-mail jobs (e-mail is off).
	Mail Mailer
	// Now is the clock of the checks.
	Now    func() time.Time
	Logger *slog.Logger

	// The periods of the checks; zero means the default.
	NotArrivedEvery time.Duration // 1 minute
	MailSweepEvery  time.Duration // 1 minute
	LowBalanceEvery time.Duration // 24 hours
	CleanupEvery    time.Duration // 1 hour
	// The leave ledger's jobs: credits, carry-over and expiry (1 hour), late
	// penalties (24 hours, and at start when the setting changed).
	LeaveLedgerEvery   time.Duration
	LatePenaltiesEvery time.Duration
	EscalateEvery      time.Duration // 5 minutes
	// PollInterval is how often workers look for new jobs without LISTEN
	// (default 1 s on SQLite, 200 ms on PostgreSQL).
	PollInterval time.Duration
	// NoPeriodic leaves the checks and the ledger's jobs unscheduled: none
	// runs at start or by period, only when asked (QueueLedgerJob, or the
	// store's methods called directly). For tests that run the checks at
	// instants of their own choosing; a service always schedules them.
	NoPeriodic bool
}

// Runner is the River client and its workers.
type Runner struct {
	cfg    Config
	client *river.Client[*sql.Tx]
	pool   *pgxpool.Pool
	// pgx inserts jobs in transactions that write through pgx itself (a
	// store's pipelined write on PostgreSQL); it has no pool of its own and
	// never works. Nil on SQLite.
	pgx *river.Client[pgx.Tx]

	// The runs at start (WaitStartRuns): the jobs River's periodic enqueuer
	// inserted first, once this runner leads, and the late penalties' run.
	startMu   sync.Mutex
	startIDs  []int64
	startSeen bool
	startIn   chan struct{} // closed once the enqueuer's first batch is in
}

func driver(cfg Config) (riverdriver.Driver[*sql.Tx], *pgxpool.Pool, error) {
	switch cfg.Dialect {
	case "sqlite":
		return riversqlite.New(cfg.DB), nil, nil
	case "postgres":
		if cfg.ListenerURL == "" {
			return riverdatabasesql.New(cfg.DB), nil, nil
		}
		pool, err := pgxpool.New(context.Background(), cfg.ListenerURL)
		if err != nil {
			return nil, nil, fmt.Errorf("jobs: listener: %w", err)
		}
		return riverdatabasesql.NewWithPgxListener(cfg.DB, pool), pool, nil
	}
	return nil, nil, fmt.Errorf("jobs: unknown dialect %q", cfg.Dialect)
}

// Migrate applies River's own migrations to the database.
func Migrate(ctx context.Context, db *sql.DB, dialect string, logger *slog.Logger) error {
	var m interface {
		Migrate(context.Context, rivermigrate.Direction, *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
	}
	var err error
	cfg := &rivermigrate.Config{Logger: quiet(logger)}
	switch dialect {
	case "sqlite":
		m, err = rivermigrate.New(riversqlite.New(db), cfg)
	case "postgres":
		m, err = rivermigrate.New(riverdatabasesql.New(db), cfg)
	default:
		err = fmt.Errorf("unknown dialect %q", dialect)
	}
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	for _, v := range res.Versions {
		logger.Info("job queue migration applied", "version", v.Version)
	}
	return nil
}

// quiet keeps River's routine info logs (leader elections, …) out of ours.
func quiet(l *slog.Logger) *slog.Logger {
	if l == nil {
		l = slog.Default()
	}
	return slog.New(levelHandler{l.Handler(), slog.LevelWarn}).With("component", "jobs")
}

type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h levelHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return levelHandler{h.Handler.WithAttrs(a), h.min}
}

func (h levelHandler) WithGroup(n string) slog.Handler {
	return levelHandler{h.Handler.WithGroup(n), h.min}
}

// New builds the runner; Start starts it.
func New(cfg Config) (*Runner, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.NotArrivedEvery, time.Minute)
	def(&cfg.LowBalanceEvery, 24*time.Hour)
	def(&cfg.CleanupEvery, time.Hour)
	def(&cfg.LeaveLedgerEvery, time.Hour)
	def(&cfg.LatePenaltiesEvery, 24*time.Hour)
	def(&cfg.MailSweepEvery, time.Minute)
	def(&cfg.EscalateEvery, 5*time.Minute)
	if cfg.Dialect == "sqlite" {
		// SQLite has one writer connection, shared with the requests: poll it
		// rarely, and only for jobs (no notification table polled every 50 ms).
		def(&cfg.PollInterval, time.Second)
	}
	def(&cfg.PollInterval, 200*time.Millisecond)

	drv, pool, err := driver(cfg)
	if err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, pool: pool, startIn: make(chan struct{})}
	rc := &river.Config{
		Logger:            quiet(cfg.Logger),
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     min(cfg.PollInterval, 100*time.Millisecond),
		PollOnly:          cfg.Dialect == "sqlite",
		JobTimeout:        5 * time.Minute,
		MaxAttempts:       10,
		Middleware:        []rivertype.Middleware{river.JobInsertMiddlewareFunc(r.noteStartRuns)},
	}
	if cfg.Work {
		workers := river.NewWorkers()
		checks := cfg.Checks
		river.AddWorker(workers, &checkWorker[NotArrivedArgs]{r: r, what: "not arrived", check: checks.CheckNotArrived})
		river.AddWorker(workers, &checkWorker[LowBalanceArgs]{r: r, what: "low leave balances", check: checks.CheckLowBalances})
		river.AddWorker(workers, &checkWorker[CleanupArgs]{r: r, what: "cleanup", check: func(ctx context.Context, now time.Time) (int, error) {
			return 0, checks.Cleanup(ctx, now)
		}})
		river.AddWorker(workers, &checkWorker[EscalationArgs]{r: r, what: "approval steps escalated", check: checks.CheckEscalations})
		river.AddWorker(workers, &publishWorker{r: r})
		river.AddWorker(workers, &publishNotificationsWorker{r: r})
		forgotten, hasForgotten := checks.(ForgottenExits)
		if hasForgotten {
			river.AddWorker(workers, &checkWorker[ForgottenExitsArgs]{r: r, what: "forgotten exits", check: forgotten.CheckForgottenExits})
		}
		holidays, hasHolidays := checks.(HolidayChanges)
		if hasHolidays {
			river.AddWorker(workers, &checkWorker[HolidayChangesArgs]{r: r, what: "days judged again after a holiday change", check: holidays.SettleHolidayChanges})
		}
		if cfg.Mail != nil {
			river.AddWorker(workers, &mailSendWorker{r: r})
			river.AddWorker(workers, &checkWorker[MailSweepArgs]{r: r, what: "e-mails sent", check: func(ctx context.Context, _ time.Time) (int, error) {
				return cfg.Mail.SendDue(ctx)
			}})
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 4},
			// Every write in cluster mode is one publish job, and the live
			// dashboards wait for it: many at once (each waits on the broker's
			// confirm, not on a core), fetched as soon as they come. River
			// fetches at most MaxWorkers jobs per FetchCooldown, so four
			// workers and 100 ms would cap the live feed at 40 writes a second.
			PublishQueue: {MaxWorkers: 64, FetchCooldown: min(cfg.PollInterval, 5*time.Millisecond)},
		}
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.NotArrivedEvery),
				func() (river.JobArgs, *river.InsertOpts) { return NotArrivedArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.LowBalanceEvery),
				func() (river.JobArgs, *river.InsertOpts) { return LowBalanceArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.CleanupEvery),
				func() (river.JobArgs, *river.InsertOpts) { return CleanupArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.EscalateEvery),
				func() (river.JobArgs, *river.InsertOpts) { return EscalationArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
		}
		if hasForgotten {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.NotArrivedEvery),
				func() (river.JobArgs, *river.InsertOpts) { return ForgottenExitsArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if hasHolidays {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.NotArrivedEvery),
				func() (river.JobArgs, *river.InsertOpts) { return HolidayChangesArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if cfg.Mail != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(cfg.MailSweepEvery),
				func() (river.JobArgs, *river.InsertOpts) { return MailSweepArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
		}
		if cfg.Ledger != nil {
			river.AddWorker(workers, &ledgerWorker{r: r})
			rc.PeriodicJobs = append(rc.PeriodicJobs,
				river.NewPeriodicJob(river.PeriodicInterval(cfg.LeaveLedgerEvery),
					func() (river.JobArgs, *river.InsertOpts) { return LedgerJobArgs{Job: attendance.JobLeaveLedger}, nil },
					&river.PeriodicJobOpts{RunOnStart: true}),
				river.NewPeriodicJob(river.PeriodicInterval(cfg.LatePenaltiesEvery),
					func() (river.JobArgs, *river.InsertOpts) { return LedgerJobArgs{Job: attendance.JobLatePenalties}, nil }, nil))
		}
		if cfg.NoPeriodic {
			rc.PeriodicJobs = nil
		}
	}
	client, err := river.NewClient(drv, rc)
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.client = client
	if cfg.Dialect == "postgres" {
		// The same insert, through River's pgx driver: the job's options come
		// from its args (InsertOpts), not from the client.
		if r.pgx, err = river.NewClient(riverpgxv5.New(nil), &river.Config{Logger: quiet(cfg.Logger), MaxAttempts: rc.MaxAttempts}); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	return r, nil
}

// Start starts the workers (when configured to work).
func (r *Runner) Start(ctx context.Context) error {
	if !r.cfg.Work {
		return nil
	}
	if err := r.client.Start(ctx); err != nil {
		return err
	}
	if r.cfg.Ledger != nil && !r.cfg.NoPeriodic {
		// The late-penalty setting changed since it was last applied: the
		// balances follow it now rather than by tomorrow's run.
		if due, err := r.cfg.Ledger.LatePenaltiesDue(ctx); err != nil {
			r.cfg.Logger.Warn("late penalties not checked", "err", err)
		} else if due {
			res, err := r.client.Insert(ctx, LedgerJobArgs{Job: attendance.JobLatePenalties}, nil)
			if err != nil {
				r.cfg.Logger.Warn("late penalties not queued", "err", err)
			} else {
				r.startMu.Lock()
				r.startIDs = append(r.startIDs, res.Job.ID)
				r.startMu.Unlock()
			}
		}
	}
	return nil
}

// noteStartRuns is River's insert middleware: it notes the jobs of the
// periodic enqueuer's first batch, the runs at start (RunOnStart), with
// those of an equal job already there in their place.
func (r *Runner) noteStartRuns(ctx context.Context, params []*rivertype.JobInsertParams, insert func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	res, err := insert(ctx)
	var meta struct {
		Periodic bool `json:"periodic"`
	}
	if err != nil || len(params) == 0 || json.Unmarshal(params[0].Metadata, &meta) != nil || !meta.Periodic {
		return res, err
	}
	r.startMu.Lock()
	defer r.startMu.Unlock()
	if r.startSeen {
		return res, err
	}
	r.startSeen = true
	for _, x := range res {
		if x.Job != nil {
			r.startIDs = append(r.startIDs, x.Job.ID)
		}
	}
	close(r.startIn)
	return res, err
}

// WaitStartRuns waits until the runs at start have finished: the periodic
// jobs' (RunOnStart), which River inserts once this runner leads, 0.1 to a
// few seconds after Start, and the late penalties' when they were due. A
// test waits for them so that they cannot overtake it, at whatever its
// clock says by then. Only the leader runs them: on a runner that does not
// lead, WaitStartRuns waits until ctx ends. Without periodic jobs
// (NoPeriodic, or not working) it returns at once.
func (r *Runner) WaitStartRuns(ctx context.Context) error {
	if r.cfg.Work && !r.cfg.NoPeriodic {
		select {
		case <-r.startIn:
		case <-ctx.Done():
			return fmt.Errorf("jobs: the periodic jobs' runs at start were not inserted: %w", ctx.Err())
		}
	}
	r.startMu.Lock()
	ids := slices.Clone(r.startIDs)
	r.startMu.Unlock()
	for _, id := range ids {
		for {
			// The enqueuer's batch is noted before its transaction commits:
			// until then its jobs are not found.
			job, err := r.client.JobGet(ctx, id)
			if err != nil && !errors.Is(err, river.ErrNotFound) {
				return fmt.Errorf("jobs: run at start %d: %w", id, err)
			}
			state := "not committed"
			if job != nil {
				state = string(job.State)
			}
			if job != nil && (job.FinalizedAt != nil || job.State == rivertype.JobStateRetryable) {
				if job.State != rivertype.JobStateCompleted {
					return fmt.Errorf("jobs: run at start of %s: %s after %d attempts: %v", job.Kind, job.State, job.Attempt, job.Errors)
				}
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("jobs: run at start %d still %s: %w", id, state, ctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return nil
}

// QueueLedgerJob asks for a run of a leave ledger job as soon as a worker
// is free; asking again meanwhile queues nothing more.
func (r *Runner) QueueLedgerJob(ctx context.Context, job attendance.LedgerJob) error {
	_, err := r.client.Insert(ctx, LedgerJobArgs{Job: job}, nil)
	return err
}

// Stop lets jobs in flight finish until ctx ends, then cancels them.
func (r *Runner) Stop(ctx context.Context) error {
	var err error
	if r.cfg.Work {
		err = r.client.Stop(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = r.client.StopAndCancel(context.Background())
		}
	}
	if r.pool != nil {
		r.pool.Close()
	}
	return err
}

// EmitTx inserts a job that publishes msgs, in the write's own transaction
// (sqlstore.Emitter): the events reach the broker if and only if the write
// commits, and however long the broker is away. Messages of notifications
// whose ids the write did not read go in a PublishNotificationsArgs, whose
// worker reads them first.
func (r *Runner) EmitTx(ctx context.Context, tx any, msgs []attendance.Message) error {
	var pending []PendingNotification
	for i, m := range msgs {
		if m.NotificationIDPending() {
			pending = append(pending, PendingNotification{Index: i, Ref: m.Notification.Ref()})
		}
	}
	if len(pending) > 0 {
		return r.insertTx(ctx, tx, PublishNotificationsArgs{Messages: msgs, Pending: pending})
	}
	return r.insertTx(ctx, tx, PublishArgs{Messages: msgs})
}

// ReadsNotificationIDs: the publish job takes notifications whose ids are
// not read yet (sqlstore.NotificationIDReader).
func (r *Runner) ReadsNotificationIDs() bool { return true }

// insertTx inserts a job in a write's transaction: a *sql.Tx, or on
// PostgreSQL a pgx.Tx (a store's pipelined write).
func (r *Runner) insertTx(ctx context.Context, tx any, args river.JobArgs) error {
	var err error
	switch tx := tx.(type) {
	case *sql.Tx:
		_, err = r.client.InsertTx(ctx, tx, args, nil)
	case pgx.Tx:
		if r.pgx == nil {
			return fmt.Errorf("jobs: a pgx transaction on %s", r.cfg.Dialect)
		}
		_, err = r.pgx.InsertTx(ctx, tx, args, nil)
	default:
		return fmt.Errorf("jobs: cannot insert a job in a %T", tx)
	}
	return err
}

// Committed does nothing: the publish job delivers.
func (r *Runner) Committed(context.Context, []attendance.Message) {}

// NotArrivedArgs is the every-minute not_arrived check.
type NotArrivedArgs struct{}

// Kind implements river.JobArgs.
func (NotArrivedArgs) Kind() string { return "not_arrived_check" }

// InsertOpts makes one check per minute, whoever inserts it.
func (NotArrivedArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// LowBalanceArgs is the daily low-balance check.
type LowBalanceArgs struct{}

// Kind implements river.JobArgs.
func (LowBalanceArgs) Kind() string { return "low_balance_check" }

// InsertOpts makes one check per hour at most.
func (LowBalanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// CleanupArgs is the hourly cleanup.
type CleanupArgs struct{}

// Kind implements river.JobArgs.
func (CleanupArgs) Kind() string { return "cleanup" }

// InsertOpts makes one cleanup per period at most.
func (CleanupArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: 10 * time.Minute}}
}

// EscalationArgs is the approval escalation (docs/approvals.md).
type EscalationArgs struct{}

// Kind implements river.JobArgs.
func (EscalationArgs) Kind() string { return "approval_escalation" }

// InsertOpts makes one escalation check per period at most; each step is
// escalated once whatever runs (sqlstore.Checks.CheckEscalations).
func (EscalationArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Minute}}
}

// checkWorker runs a periodic check at the runner's now, logging how many
// employees it reported.
type checkWorker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	r     *Runner
	what  string
	check func(ctx context.Context, now time.Time) (int, error)
}

func (w *checkWorker[T]) Work(ctx context.Context, _ *river.Job[T]) error {
	n, err := w.check(ctx, w.r.cfg.Now())
	if n > 0 {
		w.r.cfg.Logger.Info(w.what, "employees", n)
	}
	return err
}

// LedgerJobArgs is a run of a leave ledger job (attendance.LedgerJob).
type LedgerJobArgs struct {
	Job attendance.LedgerJob `json:"job"`
}

// Kind implements river.JobArgs.
func (LedgerJobArgs) Kind() string { return "leave_ledger_job" }

// InsertOpts makes one run of a job per minute at most, whoever asks; the
// ledger's unique periods make any further run write nothing twice.
func (LedgerJobArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

type ledgerWorker struct {
	river.WorkerDefaults[LedgerJobArgs]
	r *Runner
}

func (w *ledgerWorker) Work(ctx context.Context, job *river.Job[LedgerJobArgs]) error {
	run, err := w.r.cfg.Ledger.RunJob(ctx, job.Args.Job)
	if run != nil && len(run.Written) > 0 {
		w.r.cfg.Logger.Info("leave ledger job", "job", job.Args.Job, "run", run.ID, "written", run.Written)
	}
	return err
}

// PublishArgs carries committed events to the broker.
type PublishArgs struct {
	Messages []attendance.Message `json:"messages"`
}

// Kind implements river.JobArgs.
func (PublishArgs) Kind() string { return "publish_events" }

// PublishQueue is the River queue of the publish jobs.
const PublishQueue = "publish"

// InsertOpts retries a publish for about two weeks: the broker being away
// delays events, it never loses them.
func (PublishArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 100_000, Queue: PublishQueue}
}

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	r *Runner
}

func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	if w.r.cfg.Publisher == nil {
		return errors.New("no publisher configured")
	}
	return w.r.cfg.Publisher.Publish(ctx, job.Args.Messages...)
}

// NextRetry retries soon and often, so that events reach the sockets within
// seconds of the broker's return: 1 s, 2 s, 4 s, then every 8 s.
func (w *publishWorker) NextRetry(job *river.Job[PublishArgs]) time.Time {
	return publishRetry(job.Attempt)
}

func publishRetry(attempt int) time.Time {
	d := time.Second << min(attempt-1, 3)
	return time.Now().Add(d)
}

// PublishNotificationsArgs carries committed events to the broker as
// PublishArgs does, some of them notifications whose ids the write did not
// read: it sent their insert with its COMMIT, unanswered (a clock event's
// pipeline on PostgreSQL). The worker reads the ids, in one read, and
// publishes the messages as a write that read them would have: ID
// "notification:<id>", the notification with its id. A message whose write
// stored no notification (its cause had notified already) is dropped. A
// kind of its own: a worker that does not know it leaves it to one that does,
// rather than publish notifications without ids.
type PublishNotificationsArgs struct {
	Messages []attendance.Message  `json:"messages"`
	Pending  []PendingNotification `json:"pending"`
}

// PendingNotification names the notification of message Index by its Ref.
type PendingNotification struct {
	Index int                        `json:"index"`
	Ref   attendance.NotificationRef `json:"ref"`
}

// Kind implements river.JobArgs.
func (PublishNotificationsArgs) Kind() string { return "publish_events_notifications" }

// InsertOpts are PublishArgs'.
func (PublishNotificationsArgs) InsertOpts() river.InsertOpts { return PublishArgs{}.InsertOpts() }

type publishNotificationsWorker struct {
	river.WorkerDefaults[PublishNotificationsArgs]
	r *Runner
}

func (w *publishNotificationsWorker) Work(ctx context.Context, job *river.Job[PublishNotificationsArgs]) error {
	if w.r.cfg.Publisher == nil {
		return errors.New("no publisher configured")
	}
	if w.r.cfg.Notifications == nil {
		return errors.New("no notification ids configured")
	}
	msgs, err := resolveNotifications(ctx, w.r.cfg.Notifications, job.Args)
	if err != nil || len(msgs) == 0 {
		return err
	}
	return w.r.cfg.Publisher.Publish(ctx, msgs...)
}

// NextRetry is publishWorker's.
func (w *publishNotificationsWorker) NextRetry(job *river.Job[PublishNotificationsArgs]) time.Time {
	return publishRetry(job.Attempt)
}

// resolveNotifications returns the messages of args with their
// notifications' ids, without those whose write stored none.
// Args that name no pending message cancel the job: no retry mends them.
func resolveNotifications(ctx context.Context, ids NotificationIDs, args PublishNotificationsArgs) ([]attendance.Message, error) {
	refs := make([]attendance.NotificationRef, len(args.Pending))
	for i, p := range args.Pending {
		if p.Index < 0 || p.Index >= len(args.Messages) || !args.Messages[p.Index].NotificationIDPending() {
			return nil, river.JobCancel(fmt.Errorf("pending notification %d: no such message", p.Index))
		}
		refs[i] = p.Ref
	}
	got, err := ids.NotificationIDs(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("notification ids: %w", err)
	}
	if len(got) != len(refs) {
		return nil, fmt.Errorf("notification ids: %d for %d notifications", len(got), len(refs))
	}
	msgs := slices.Clone(args.Messages)
	drop := make([]bool, len(msgs))
	for i, p := range args.Pending {
		if got[i] == 0 {
			drop[p.Index] = true
			continue
		}
		msgs[p.Index] = msgs[p.Index].WithNotificationID(got[i])
	}
	out := msgs[:0]
	for i, m := range msgs {
		if !drop[i] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Mailer sends the e-mail outbox (mailer.Dispatcher).
type Mailer interface {
	// SendOne sends outbox row id if it is due and nobody claimed it.
	SendOne(ctx context.Context, id int64) error
	// SendDue sends every due row, after marking stale ones uncertain.
	SendDue(ctx context.Context) (int, error)
}

// MailSendArgs sends one outbox row soon after it is written: the job is
// inserted in the row's own transaction (QueueMailTx).
type MailSendArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

// Kind implements river.JobArgs.
func (MailSendArgs) Kind() string { return "mail_send" }

// InsertOpts: a failed attempt is the outbox's to retry (NextMailAttempt,
// by the sweep), not River's.
func (MailSendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// MailSweepArgs is the every-minute sweep of the outbox: retries that are
// due, rows a job never took, rows a dead worker left sending.
type MailSweepArgs struct{}

// Kind implements river.JobArgs.
func (MailSweepArgs) Kind() string { return "mail_sweep" }

// InsertOpts makes one sweep per minute, whoever inserts it.
func (MailSweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: 30 * time.Second}}
}

type mailSendWorker struct {
	river.WorkerDefaults[MailSendArgs]
	r *Runner
}

func (w *mailSendWorker) Work(ctx context.Context, job *river.Job[MailSendArgs]) error {
	return w.r.cfg.Mail.SendOne(ctx, job.Args.OutboxID)
}

// QueueMailTx inserts the job that sends outbox row id, in the transaction
// that writes the row (as EmitTx's): the job exists if and only if the row
// does.
func (r *Runner) QueueMailTx(ctx context.Context, tx any, id int64) error {
	return r.insertTx(ctx, tx, MailSendArgs{OutboxID: id})
}
