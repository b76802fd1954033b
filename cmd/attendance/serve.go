package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/amqp"
	"github.com/openattendance/attendance/auth"
	atthttp "github.com/openattendance/attendance/http"
	"github.com/openattendance/attendance/inmem"
	"github.com/openattendance/attendance/jobs"
	"github.com/openattendance/attendance/mailer"
	"github.com/openattendance/attendance/sqlstore"
	"github.com/openattendance/attendance/web"
)

// shutdownTimeout bounds a graceful stop: work in flight finishes, sockets close.
const shutdownTimeout = 8 * time.Second

// Main is the running service: the store, the HTTP server, the broker and the
// background jobs. Tests start it on :0 with a temporary data directory.
type Main struct {
	Config Config
	// Worker runs the background jobs in this process.
	Worker bool
	// HTTP serves the API; nil in a worker-only process.
	HTTP *atthttp.Server
	Jobs *jobs.Runner
	// Bus carries events between replicas in cluster mode; nil on a single node.
	Bus   *amqp.Bus
	Store *Store
	// Checks are the periodic checks the jobs run, for tests to run them at once.
	Checks *sqlstore.Checks
	// Mail sends the e-mail outbox; nil when e-mail is off. Tests call its
	// SendDue to send what is due at once.
	Mail   *mailer.Dispatcher
	Auth   *auth.Service
	Broker *inmem.Broker
	Logger *slog.Logger
	Stderr io.Writer
	// Now is the clock (tests set fixed instants); nil is the real one.
	Now func() time.Time
	// HashParams overrides the argon2id cost (tests use a cheap one); nil is OWASP's minimum.
	HashParams *auth.Params

	// For tests, what becomes of the periodic jobs (not_arrived, low
	// balances, cleanup, …), which River also runs once at start, 0.1 to a
	// few seconds after it, at whatever the test's clock says then.
	// noPeriodic leaves them unscheduled: the test runs the checks itself
	// (Checks). waitStartRuns makes Open return only once their runs at
	// start have finished, so that none overtakes the test.
	noPeriodic, waitStartRuns bool
}

// Open opens the database, creates the first admin if needed and starts
// serving (and the jobs). Close undoes it, also after a failed Open.
func (m *Main) Open(ctx context.Context, serveHTTP bool) error {
	if m.Logger == nil {
		m.Logger = newLogger(m.Config, m.Stderr)
	}
	store, err := openStore(ctx, m.Config, m.Logger, !m.Config.NoMigrate)
	if err != nil {
		return err
	}
	m.Store = store
	if m.Now != nil {
		store.Now = m.Now
	}
	hasher := auth.NewHasher(m.HashParams, 0)
	m.Broker = inmem.NewBroker(0)
	store.Emitter = localEmitter{m.Broker}

	employees := sqlstore.NewEmployeeService(store.DB, hasher)
	if err := ensureAdmin(ctx, m.Config, employees, hasher, m.Stderr, m.Logger); err != nil {
		return err
	}
	m.Checks = sqlstore.NewChecks(store.DB)
	authStore := sqlstore.NewAuthStore(store.DB)
	instance, err := instanceDomain(ctx, authStore)
	if err != nil {
		return err
	}
	mailSettings := m.Config.mailSettings()
	if err := mailSettings.Check(); err != nil {
		return fmt.Errorf("e-mail settings (ATTENDANCE_SMTP_*, ATTENDANCE_PUBLIC_URL): %w", err)
	}
	secret, err := auth.LoadSecret(ctx, authStore, m.Config.JWTSecret)
	if err != nil {
		return err
	}
	decisionKey, err := attendance.LinkKey(secret, attendance.PurposeDecision)
	if err != nil {
		return err
	}
	mailService := sqlstore.NewMailService(store.DB)
	if mailSettings.Enabled() {
		m.Mail = &mailer.Dispatcher{Outbox: mailService, Sender: &mailer.SMTP{Settings: mailSettings}, Prepare: mailService.FillLinks,
			Now: store.Now, Logger: m.Logger}
	}
	ledgerJobs := sqlstore.NewLedgerJobs(store.DB)
	jc := jobs.Config{
		Ledger:  ledgerJobs,
		DB:      store.WriteDB(),
		Dialect: store.Dialect().Name,
		Work:    m.Worker,
		Checks:  m.Checks,
		Now:     store.Now,
		Logger:  m.Logger,

		NoPeriodic: m.noPeriodic,
	}
	if store.Dialect().Name == "postgres" {
		jc.ListenerURL = m.Config.DatabaseURL
	}
	if m.Mail != nil {
		jc.Mail = m.Mail
	}
	if m.Config.AMQPURL != "" {
		// Cluster mode: a write commits its events as a publish job; a worker
		// hands them to RabbitMQ; every replica consumes them into its broker.
		bc := amqp.Config{URL: m.Config.AMQPURL, Exchange: m.Config.AMQPExchange, Logger: m.Logger}
		if serveHTTP {
			bc.Local = m.Broker
		}
		m.Bus = amqp.New(bc)
		m.Bus.Start(ctx)
		jc.Publisher = m.Bus
		jc.Notifications = sqlstore.NewNotificationService(store.DB)
	}
	runner, err := jobs.New(jc)
	if err != nil {
		return err
	}
	m.Jobs = runner
	ledgerJobs.Queue = runner.QueueLedgerJob
	if m.Bus != nil {
		store.Emitter = runner
	}
	store.SetMail(sqlstore.MailConfig{Settings: mailSettings, Domain: instance, Queue: runner.QueueMailTx,
		LinkKey: decisionKey, LinkTTL: m.Config.DecisionLinkTTL})
	if err := runner.Start(ctx); err != nil {
		return fmt.Errorf("jobs: %w", err)
	}
	if m.waitStartRuns {
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := runner.WaitStartRuns(wctx)
		cancel()
		if err != nil {
			return err
		}
	}
	m.Auth = auth.New(authStore, hasher, auth.Config{Secret: secret, AccessTTL: m.Config.AccessTTL, RefreshTTL: m.Config.RefreshTTL})
	feedKey, err := attendance.LinkKey(secret, attendance.PurposeFeed)
	if err != nil {
		return err
	}
	if m.Now != nil {
		m.Auth.Now = m.Now
	}

	if m.Config.PprofAddr != "" {
		go servePprof(m.Config.PprofAddr, m.Logger)
	}
	if !serveHTTP {
		return nil
	}
	s := atthttp.NewServer(atthttp.Config{
		Addr:           m.Config.Addr,
		TrustedProxies: m.Config.TrustedProxies,
		AllowedOrigins: m.Config.AllowedOrigins,
		Version:        version,
		WebApp:         web.Handler(),
		PublicURL:      m.Config.PublicURL,
	})
	s.Logger = m.Logger
	s.Auth = m.Auth
	s.Employees = employees
	s.Company = sqlstore.NewCompanyService(store.DB)
	s.Attendance = sqlstore.NewAttendanceService(store.DB)
	s.Corrections = sqlstore.NewCorrectionService(store.DB)
	s.Overtime = sqlstore.NewOvertimeService(store.DB)
	s.Leave = sqlstore.NewLeaveService(store.DB)
	s.Approvals = sqlstore.NewApprovalService(store.DB)
	s.Holidays = sqlstore.NewHolidayService(store.DB)
	s.LeaveTypes = sqlstore.NewLeaveTypeService(store.DB)
	s.Ledger = sqlstore.NewLedgerService(store.DB)
	s.Allowances = sqlstore.NewAllowanceService(store.DB)
	s.LedgerJobs = ledgerJobs
	s.Notifications = sqlstore.NewNotificationService(store.DB)
	s.Feeds = sqlstore.NewFeedService(store.DB, feedKey, instance)
	s.DecisionLinks = sqlstore.NewDecisionLinkService(store.DB, decisionKey)
	s.Mail = mailService
	s.Shifts = sqlstore.NewShiftService(store.DB)
	s.Broker = m.Broker
	s.Ready = store.Ping
	if err := s.Open(); err != nil {
		return err
	}
	m.HTTP = s
	m.Logger.Info("serving", "url", s.URL(), "database", m.databaseName(), "swagger", s.URL()+"/swagger/")
	return nil
}

func (m *Main) databaseName() string {
	if m.Store.Path != "" {
		return m.Store.Path
	}
	return "postgres"
}

// Close stops serving, waits for requests in flight, and closes the
// database. It may be called again; it then does nothing.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	if m.HTTP != nil {
		errs = append(errs, m.HTTP.Close(ctx))
		m.HTTP = nil
	}
	if m.Jobs != nil {
		errs = append(errs, m.Jobs.Stop(ctx))
		m.Jobs = nil
	}
	if m.Bus != nil {
		errs = append(errs, m.Bus.Close())
		m.Bus = nil
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
		m.Store = nil
	}
	return errors.Join(errs...)
}

// localEmitter publishes a write's messages to this process's subscribers once
// the write has committed.
type localEmitter struct{ b attendance.Publisher }

func (localEmitter) EmitTx(context.Context, any, []attendance.Message) error { return nil }

func (e localEmitter) Committed(ctx context.Context, msgs []attendance.Message) {
	_ = e.b.Publish(ctx, msgs...)
}

var serveSettings = []string{"pprof-addr", "addr", "data-dir", "database-url", "amqp-url", "amqp-exchange", "jwt-secret", "timezone", "admin-username",
	"admin-password", "access-ttl", "refresh-ttl", "trusted-proxies", "allowed-origins", "low-leave-threshold",
	"late-penalty-minutes", "public-url", "escalation-days", "company-work-days", "smtp-host", "smtp-port", "smtp-security", "smtp-username", "smtp-password", "smtp-from", "decision-link-ttl", "log-format", "log-level", "memory-limit"}

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, workerOnly bool) error {
	name, summary := "serve", "Serves the API, the web app at /, Swagger UI at /swagger/ and the live notifications; runs the background jobs unless --no-worker."
	if workerOnly {
		name, summary = "worker", "Runs the background jobs only (periodic checks, notifications, event publishing), for clusters on PostgreSQL."
	}
	fs := newFlagSet(name, summary, stderr)
	build := bindConfig(fs, getenv, serveSettings...)
	noWorker := false
	if !workerOnly {
		fs.BoolVar(&noWorker, "no-worker", false, "do not run the background jobs in this process")
	}
	noMigrate := fs.Bool("no-migrate", false, "do not apply migrations on start")
	cfg, err := parseCommand(fs, args, build, nil)
	if err != nil {
		return err
	}
	cfg.NoWorker, cfg.NoMigrate = noWorker, *noMigrate
	tuneRuntime(cfg)
	m := &Main{Config: cfg, Worker: workerOnly || !noWorker, Stderr: stderr}
	if err := m.Open(ctx, !workerOnly); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}

// servePprof serves Go's profiles on their own listener, for operators who
// turn it on; never on the public address.
func servePprof(addr string, logger *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("pprof", "url", "http://"+addr+"/debug/pprof/")
	if err := srv.ListenAndServe(); err != nil {
		logger.Error("pprof", "err", err)
	}
}

// instanceSetting names the installation's identifier, made at the first
// start and kept: it ends calendar UIDs and e-mail Message-IDs, so that they
// survive a change of the service's address.
const instanceSetting = "instance_id"

// instanceDomain returns the installation's domain for UIDs and Message-IDs:
// "<instance id>.attendance".
func instanceDomain(ctx context.Context, store attendance.AuthStore) (string, error) {
	id, err := store.Setting(ctx, instanceSetting, func() (string, error) {
		b := make([]byte, 8)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	})
	if err != nil {
		return "", fmt.Errorf("instance id: %w", err)
	}
	return id + ".attendance", nil
}

// mailSettings are the SMTP settings of c.
func (c Config) mailSettings() attendance.MailSettings {
	return attendance.MailSettings{Host: c.SMTPHost, Port: c.SMTPPort, Security: attendance.MailSecurity(c.SMTPSecurity),
		Username: c.SMTPUsername, Password: c.SMTPPassword, From: c.SMTPFrom, PublicURL: c.PublicURL}
}
