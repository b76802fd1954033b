package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// LedgerJobs runs the ledger's jobs (leave_ledger: credits, carry-over and
// expiry; late_penalties) and shows their runs to admins
// (attendance.LedgerJobService). Each run is a leave_job_runs row; its
// entries carry its id. A run writes one balance per transaction, holding
// the employee's row lock as requests and approvals do, and inserts its
// entries with ON CONFLICT DO NOTHING on the ledger's unique periods: two
// workers, a retried job, or a job racing a request credit each period
// once, and a run counts only what it inserted.
type LedgerJobs struct {
	db *DB
	// Queue asks for a run as soon as a worker is free (the job queue);
	// nil runs it at once, in the background.
	Queue func(ctx context.Context, job attendance.LedgerJob) error
	// Every is how often each job runs, for its next run.
	Every map[attendance.LedgerJob]time.Duration
}

var _ attendance.LedgerJobService = (*LedgerJobs)(nil)

// The periods of the ledger's jobs.
const (
	LeaveLedgerEvery   = time.Hour
	LatePenaltiesEvery = 24 * time.Hour
)

// staleRun is how long a run may stay "running" before another run
// takes it for a worker that died.
const staleRun = 30 * time.Minute

// NewLedgerJobs returns the ledger's jobs on db.
func NewLedgerJobs(db *DB) *LedgerJobs {
	return &LedgerJobs{db: db, Every: map[attendance.LedgerJob]time.Duration{
		attendance.JobLeaveLedger: LeaveLedgerEvery, attendance.JobLatePenalties: LatePenaltiesEvery}}
}

// RunJob runs job now, unless a run of it is under way: it returns the run,
// or nil when it left the work to the run under way.
func (s *LedgerJobs) RunJob(ctx context.Context, job attendance.LedgerJob) (_ *attendance.JobRun, err error) {
	defer wrap(&err, "RunJob(%s)", job)
	db := s.db
	run := &attendance.JobRun{Job: job, StartedAt: db.now(), Status: attendance.JobRunning, AsOf: db.companyToday(),
		Written: map[attendance.EntryKind]int{}}
	claimed := false
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := db.lock(ctx, tx, lockKey("leave job", job)); err != nil {
			return err
		}
		stale := db.t(run.StartedAt.Add(-staleRun))
		if _, err := tx.exec(ctx, `UPDATE leave_job_runs SET status = 'failed', finished_at = ?, error = ?
			WHERE job = ? AND status = 'running' AND started_at < ?`, db.t(run.StartedAt),
			"The worker stopped before the run finished; the next run completed its work.", string(job), stale); err != nil {
			return err
		}
		var running int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM leave_job_runs WHERE job = ? AND status = 'running'`, string(job)).Scan(&running); err != nil {
			return err
		}
		if running > 0 {
			return nil
		}
		var err error
		run.ID, err = tx.insertID(ctx, `INSERT INTO leave_job_runs (job, started_at, status, as_of, written) VALUES (?, ?, 'running', ?, '{}')`,
			string(job), db.t(run.StartedAt), run.AsOf.String())
		claimed = err == nil
		return err
	})
	if err != nil || !claimed {
		return nil, err
	}
	switch job {
	case attendance.JobLeaveLedger:
		err = s.leaveLedger(ctx, run)
	case attendance.JobLatePenalties:
		err = s.latePenalties(ctx, run)
	}
	finished := db.now()
	run.FinishedAt, run.Status = &finished, attendance.JobSucceeded
	if err != nil {
		run.Status, run.Error = attendance.JobFailed, "The run stopped: "+err.Error()
		db.Logger.Error("leave job failed", "job", job, "run", run.ID, "err", err)
	}
	written, _ := json.Marshal(run.Written)
	// The run's record is written even when the run's context ended.
	if uerr := db.inTx(context.WithoutCancel(ctx), func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE leave_job_runs SET finished_at = ?, status = ?, balances = ?, written = ?, error = ? WHERE id = ?`,
			db.t(finished), string(run.Status), run.Balances, string(written), run.Error, run.ID)
		return err
	}); uerr != nil {
		return run, uerr
	}
	return run, err
}

// leaveLedger writes what is due of the employees' balances of every type
// with an allowance, as of their local date. It reads only the balances
// that can have something newly due since the last successful run began,
// when that run applied the same leave types (their fingerprint in
// settings) and began at most leaveLedgerLookBack ago: those whose local
// date passed a date on which the rules make something due
// (attendance.LedgerDueBetween), those of the employees created or edited
// since (hiring date, allowances, zone, deactivation), and those with
// ledger entries written or requests decided or cancelled since (what a
// carry-over depends on). Otherwise, and on the first run, it reads every
// balance.
func (s *LedgerJobs) leaveLedger(ctx context.Context, run *attendance.JobRun) error {
	db := s.db
	all, err := db.leavePolicies(ctx, db.reader())
	if err != nil {
		return err
	}
	var types []*attendance.LeavePolicy
	for _, p := range all {
		if p.UsesAllowance && !p.Retired {
			types = append(types, p)
		}
	}
	mark, err := json.Marshal(all)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(mark)
	applied := hex.EncodeToString(sum[:])
	if len(types) == 0 {
		return s.leaveLedgerApplies(ctx, applied)
	}
	since, changed, err := s.leaveLedgerChanged(ctx, applied)
	if err != nil {
		return err
	}
	type employee struct {
		id       int64
		timezone string
		hiredOn  attendance.Date
	}
	var emps []employee
	rows, err := db.reader().query(ctx, `SELECT id, timezone, hired_on FROM employees ORDER BY id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var e employee
		if err := rows.Scan(&e.id, &e.timezone, dateCol{&e.hiredOn}); err != nil {
			rows.Close()
			return err
		}
		emps = append(emps, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range emps {
		if err := ctx.Err(); err != nil {
			return err
		}
		var from, to attendance.Date
		if changed != nil {
			sched := (&attendance.Employee{Timezone: e.timezone}).Schedule()
			from, to = sched.Today(*since), sched.Today(db.now())
		}
		for _, p := range types {
			if changed != nil && !changed[ledgerBalance{e.id, ""}] && !changed[ledgerBalance{e.id, p.Code}] &&
				!attendance.LedgerDueBetween(p, e.hiredOn, from, to) {
				continue
			}
			err := db.inTx(ctx, func(tx *Tx) error {
				emp, err := db.employee(ctx, tx, e.id, true)
				if err != nil {
					return err
				}
				// The year before first: a worker down across the new year
				// writes the old year's last credits, then the new year's.
				year := emp.Schedule().Today(db.now()).Year()
				for _, y := range []int{year - 1, year} {
					if y < p.FirstYear {
						continue
					}
					written, err := db.recordDue(ctx, tx, emp, p, y, &run.ID, nil)
					for _, e := range written {
						run.Count(e)
					}
					if err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			run.Balances++
		}
	}
	return s.leaveLedgerApplies(ctx, applied)
}

// leaveLedgerLookBack is how long ago the last successful leave_ledger
// run may have begun for a run to read only what changed since; after a
// longer outage a run reads every balance. leaveLedgerMargin is read
// before that instant too: a change stamped just before it may have
// waited for a lock and committed after the run had read its employee.
const (
	leaveLedgerLookBack = 48 * time.Hour
	leaveLedgerMargin   = 5 * time.Minute
)

// ledgerBalance is an employee's balance of a leave type; of every type
// with an empty code.
type ledgerBalance struct {
	id   int64
	code attendance.LeaveType
}

// leaveLedgerChanged returns, when the last successful leave_ledger run
// applied the leave types applied (their fingerprint) and began at most
// leaveLedgerLookBack ago, when it began and the balances changed since
// (leaveLedger); else a nil set: read every balance.
func (s *LedgerJobs) leaveLedgerChanged(ctx context.Context, applied string) (*time.Time, map[ledgerBalance]bool, error) {
	db := s.db
	var v string
	err := db.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = 'leave.ledger_types'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v != applied) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	var since time.Time
	err = db.reader().queryRow(ctx, `SELECT started_at FROM leave_job_runs WHERE job = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
		string(attendance.JobLeaveLedger)).Scan(timeCol{&since})
	if errors.Is(err, sql.ErrNoRows) || (err == nil && db.now().Sub(since) > leaveLedgerLookBack) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	after := db.t(since.Add(-leaveLedgerMargin))
	changed := map[ledgerBalance]bool{}
	for _, q := range []string{
		`SELECT id, '' FROM employees WHERE updated_at >= ?`, // created: updated then too
		// Not the entries of leave_ledger runs: a run writes all that is
		// due as of its date, and writing it makes nothing else due.
		`SELECT l.employee_id, l.leave_type FROM leave_ledger l LEFT JOIN leave_job_runs r ON r.id = l.job_run_id
			WHERE l.created_at >= ? AND (r.job IS NULL OR r.job <> 'leave_ledger')`,
		`SELECT employee_id, leave_type FROM leave_requests WHERE decided_at >= ?`,
		`SELECT employee_id, leave_type FROM leave_requests WHERE cancelled_at >= ?`,
	} {
		rows, err := db.reader().query(ctx, q, after)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var b ledgerBalance
			if err := rows.Scan(&b.id, &b.code); err != nil {
				rows.Close()
				return nil, nil, err
			}
			changed[b] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return &since, changed, nil
}

// leaveLedgerApplies records the leave types a successful leave_ledger run
// applied (their fingerprint), for the next run to read what changed since.
func (s *LedgerJobs) leaveLedgerApplies(ctx context.Context, applied string) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES ('leave.ledger_types', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, applied)
		return err
	})
}

// latePenalties brings the late penalties of every employee's years with
// late minutes, or with penalties booked, to what the policy says now. It
// reads only the balances that can differ: with the policy off, those with
// penalties booked (to give them back); with the policy as the last
// successful run applied it, those with late days dated since that run, an
// entry voided since, or an entry recorded since for an earlier instant or
// date (a manager's correction, which can make a past day late); otherwise
// every year with late days or penalties. (A day whose lateness is judged
// again with no entry of it recorded or voided, such as by a holiday added
// for it, is booked in that change's transaction: latePenaltiesAfter.)
func (s *LedgerJobs) latePenalties(ctx context.Context, run *attendance.JobRun) error {
	db := s.db
	query := `SELECT employee_id, date FROM attendance_days WHERE late
		UNION SELECT employee_id, date FROM leave_ledger WHERE kind = 'late_penalty' ORDER BY 1, 2`
	var args []any
	var voidedSince *time.Time
	if db.cfg.LatePenaltyMinutes <= 0 {
		query = `SELECT employee_id, date FROM leave_ledger WHERE kind = 'late_penalty' ORDER BY 1, 2`
	} else if since, ok, err := s.latePenaltiesApplied(ctx); err != nil {
		return err
	} else if ok {
		// The late days of every local date of the last run's instant and
		// after, and the dates of entries voided since (by their UTC date:
		// the day either side too, for a year's first and last).
		from := attendance.DateOf(since).AddDays(-1).String()
		query = `SELECT employee_id, date FROM attendance_days WHERE late AND date >= ? ORDER BY 1, 2`
		args = []any{from}
		voidedSince = &since
	}
	rows, err := db.reader().query(ctx, query, args...)
	if err != nil {
		return err
	}
	type balance struct {
		id   int64
		year int
	}
	var todo []balance
	seen := map[balance]bool{}
	for rows.Next() {
		var b balance
		var d attendance.Date
		if err := rows.Scan(&b.id, dateCol{&d}); err != nil {
			rows.Close()
			return err
		}
		b.year = d.Year()
		if !seen[b] {
			seen[b] = true
			todo = append(todo, b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if since := voidedSince; since != nil {
		// The entries voided since, and those recorded since for an instant
		// before the last run or a work date before the dates read above (a
		// manager's correction of an earlier day): their work dates' years.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SELECT employee_id, ts, work_date FROM attendance_events WHERE voided AND voided_at >= ?`, []any{db.t(*since)}},
			{`SELECT employee_id, ts, work_date FROM attendance_events WHERE type = 'entry' AND created_at >= ?
				AND (ts < ? OR work_date < ?)`, []any{db.t(*since), db.t(*since), args[0]}},
		} {
			rows, err := db.reader().query(ctx, q.sql, q.args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var ts time.Time
				var wd *attendance.Date
				if err := rows.Scan(&id, timeCol{&ts}, nullDateCol{&wd}); err != nil {
					rows.Close()
					return err
				}
				// Its work date's year, or its local date's whatever the zone.
				dates := []attendance.Date{attendance.DateOf(ts.Add(-14 * time.Hour)), attendance.DateOf(ts.Add(14 * time.Hour))}
				if wd != nil {
					dates = []attendance.Date{*wd}
				}
				for _, d := range dates {
					if b := (balance{id, d.Year()}); !seen[b] {
						seen[b] = true
						todo = append(todo, b)
					}
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	for _, b := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := db.inTx(ctx, func(tx *Tx) error {
			emp, err := db.employee(ctx, tx, b.id, true)
			if err != nil {
				return err
			}
			e, err := db.bookLatePenalty(ctx, tx, emp, b.year, &run.ID, nil)
			if e != nil {
				run.Count(*e)
			}
			return err
		})
		if err != nil {
			return err
		}
		run.Balances++
	}
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES ('leave.late_penalty_minutes', ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, strconv.Itoa(db.cfg.LatePenaltyMinutes))
		return err
	})
}

// bookLatePenalty writes, in tx, the late_penalty entry that brings emp's
// penalties booked in year to what the policy gives for the year's late
// minutes (attendance.LatePenaltyEntry), by the job run or the user given;
// nil when they agree.
func (db *DB) bookLatePenalty(ctx context.Context, tx *Tx, emp *attendance.Employee, year int, jobRun, by *int64) (*attendance.LedgerEntry, error) {
	var booked attendance.Amount
	rows, err := tx.query(ctx, `SELECT num, den FROM leave_ledger WHERE employee_id = ? AND leave_type = 'annual' AND year = ?
		AND kind = 'late_penalty'`, emp.ID, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var num, den int64
		if err := rows.Scan(&num, &den); err != nil {
			rows.Close()
			return nil, err
		}
		booked = booked.Add(attendance.NewAmount(num, den))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	minutes, err := db.lateMinutes(ctx, tx, emp.ID, year)
	if err != nil {
		return nil, err
	}
	e, ok := attendance.LatePenaltyEntry(year, minutes, db.cfg.LatePenaltyMinutes, booked, clampToYear(emp.Schedule().Today(db.now()), year))
	if !ok {
		return nil, nil
	}
	e.EmployeeID, e.JobRunID, e.CreatedBy = emp.ID, jobRun, by
	if _, err := db.insertEntry(ctx, tx, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// latePenaltiesApplied returns when the last successful late_penalties run
// started, and whether it applied the policy in force now (ok false: no
// such run, or the policy changed since).
func (s *LedgerJobs) latePenaltiesApplied(ctx context.Context) (since time.Time, ok bool, err error) {
	var v string
	err = s.db.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = 'leave.late_penalty_minutes'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v != strconv.Itoa(s.db.cfg.LatePenaltyMinutes)) {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, err
	}
	err = s.db.reader().queryRow(ctx, `SELECT started_at FROM leave_job_runs WHERE job = ? AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
		string(attendance.JobLatePenalties)).Scan(timeCol{&since})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return since, err == nil, err
}

// LatePenaltiesDue reports whether the late-penalty setting differs from
// the one the late_penalties job last applied: the job then runs at start.
func (s *LedgerJobs) LatePenaltiesDue(ctx context.Context) (bool, error) {
	var v string
	err := s.db.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = 'leave.late_penalty_minutes'`).Scan(&v)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return s.db.cfg.LatePenaltyMinutes > 0, nil
		}
		return false, err
	}
	return v != strconv.Itoa(s.db.cfg.LatePenaltyMinutes), nil
}

// LedgerJobs lists the ledger's jobs with their last run and next run (admins).
func (s *LedgerJobs) LedgerJobs(ctx context.Context, a attendance.Actor) (_ []attendance.LedgerJobStatus, err error) {
	defer wrap(&err, "LedgerJobs(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	var out []attendance.LedgerJobStatus
	for _, job := range []attendance.LedgerJob{attendance.JobLeaveLedger, attendance.JobLatePenalties} {
		st := attendance.LedgerJobStatus{Job: job, EverySeconds: int(s.Every[job] / time.Second)}
		runs, _, err := s.runs(ctx, &job, attendance.Page{Limit: 1})
		if err != nil {
			return nil, err
		}
		var lastStart *time.Time
		if len(runs) > 0 {
			st.LastRun, lastStart = runs[0], &runs[0].StartedAt
		}
		var ok *time.Time
		if err := s.db.reader().queryRow(ctx, `SELECT MAX(finished_at) FROM leave_job_runs WHERE job = ? AND status = 'succeeded'`,
			string(job)).Scan(nullTimeCol{&ok}); err != nil {
			return nil, err
		}
		st.LastSucceededAt = ok
		st.NextRunAt = attendance.NextRunAt(s.Every[job], lastStart, s.db.now())
		out = append(out, st)
	}
	return out, nil
}

// ListJobRuns lists runs newest first, of one job or of all (admins).
func (s *LedgerJobs) ListJobRuns(ctx context.Context, a attendance.Actor, job *attendance.LedgerJob, p attendance.Page) (_ []*attendance.JobRun, _ int, err error) {
	defer wrap(&err, "ListJobRuns(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, 0, err
	}
	return s.runs(ctx, job, p)
}

// RunLedgerJob asks for a run now (admins); an unknown job is not found.
func (s *LedgerJobs) RunLedgerJob(ctx context.Context, a attendance.Actor, job attendance.LedgerJob) (err error) {
	defer wrap(&err, "RunLedgerJob(actor %d, %s)", a.ID, job)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	if !job.Valid() {
		return attendance.ErrNotFound("job")
	}
	if s.Queue != nil {
		return s.Queue(ctx, job)
	}
	go func() {
		if _, err := s.RunJob(context.WithoutCancel(ctx), job); err != nil {
			s.db.Logger.Error("leave job", "job", job, "err", err)
		}
	}()
	return nil
}

func (s *LedgerJobs) runs(ctx context.Context, job *attendance.LedgerJob, p attendance.Page) ([]*attendance.JobRun, int, error) {
	var w where
	if job != nil {
		w.add("job = ?", string(*job))
	}
	var n int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM leave_job_runs WHERE `+w.String(), w.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	rows, err := s.db.reader().query(ctx, `SELECT id, job, started_at, finished_at, status, as_of, balances, written, error
		FROM leave_job_runs WHERE `+w.String()+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.JobRun{}
	for rows.Next() {
		var r attendance.JobRun
		var written string
		if err := rows.Scan(&r.ID, &r.Job, timeCol{&r.StartedAt}, nullTimeCol{&r.FinishedAt}, &r.Status, dateCol{&r.AsOf}, &r.Balances,
			&written, &r.Error); err != nil {
			return nil, 0, err
		}
		r.Written = map[attendance.EntryKind]int{}
		if err := json.Unmarshal([]byte(written), &r.Written); err != nil {
			return nil, 0, err
		}
		out = append(out, &r)
	}
	return out, n, rows.Err()
}
