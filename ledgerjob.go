package attendance

import (
	"context"
	"time"
)

// LedgerJob names a background job of the leave ledger.
type LedgerJob string

// The ledger's jobs.
const (
	// JobLeaveLedger writes, for every employee's balance of every leave
	// type with an allowance, what DueEntries says is due as of their local
	// date: credits, carry-over, expiries. One job, so that a year's credits
	// and expiry are written before its carry-over. A run reads only the
	// balances that can have something newly due since the last one
	// (LedgerDueBetween, and the data changed since).
	JobLeaveLedger LedgerJob = "leave_ledger"
	// JobLatePenalties brings the late penalties of every year with late
	// minutes to what the policy says (LatePenaltyEntry): run at start when
	// the policy setting differs from the one last applied, and daily.
	JobLatePenalties LedgerJob = "late_penalties"
)

// Valid reports whether j is a known job.
func (j LedgerJob) Valid() bool { return j == JobLeaveLedger || j == JobLatePenalties }

// JobRunStatus is where a job run stands.
type JobRunStatus string

// The statuses of a job run.
const (
	JobRunning   JobRunStatus = "running"
	JobSucceeded JobRunStatus = "succeeded"
	JobFailed    JobRunStatus = "failed"
)

// JobRun is one run of a ledger job, as admins see it: when it ran, what it
// looked at and what it wrote. Its entries carry its id (LedgerEntry.JobRunID).
type JobRun struct {
	ID         int64        `json:"id"`
	Job        LedgerJob    `json:"job"`
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt *time.Time   `json:"finished_at"`
	Status     JobRunStatus `json:"status"`
	// AsOf is the company's date when the run started; each employee's
	// entries are due as of their own local date.
	AsOf Date `json:"as_of"`
	// Balances is how many balances (employee, type) the run looked at;
	// Written how many entries it wrote, by kind. A run that finds
	// everything recorded writes nothing: that is a success.
	Balances int               `json:"balances"`
	Written  map[EntryKind]int `json:"written"`
	// Error says why a failed run failed, in a sentence; entries written
	// before the failure stand (each balance is written in a transaction of
	// its own) and the next run completes the rest.
	Error string `json:"error"`
}

// Count records an entry the run wrote.
func (r *JobRun) Count(e LedgerEntry) {
	if r.Written == nil {
		r.Written = map[EntryKind]int{}
	}
	r.Written[e.Kind]++
}

// LedgerJobStatus is a ledger job as admins see it: how often it runs,
// its last run, its last success and its next run.
type LedgerJobStatus struct {
	Job             LedgerJob  `json:"job"`
	EverySeconds    int        `json:"every_seconds"`
	LastRun         *JobRun    `json:"last_run"`
	LastSucceededAt *time.Time `json:"last_succeeded_at"`
	NextRunAt       time.Time  `json:"next_run_at"`
}

// NextRunAt returns when a job that runs every period, last started at
// lastStart (nil: never), runs next as of now: a period after its last
// start, or now when that has passed (a worker that was down catches up at
// once).
func NextRunAt(every time.Duration, lastStart *time.Time, now time.Time) time.Time {
	if lastStart == nil {
		return now
	}
	next := lastStart.Add(every)
	if next.Before(now) {
		return now
	}
	return next
}

// LedgerJobService shows admins the ledger's jobs and lets them run one now.
type LedgerJobService interface {
	LedgerJobs(ctx context.Context, actor Actor) ([]LedgerJobStatus, error)
	// ListJobRuns lists runs newest first, of one job or of all (nil).
	ListJobRuns(ctx context.Context, actor Actor, job *LedgerJob, p Page) ([]*JobRun, int, error)
	// RunLedgerJob asks for a run now; running it while another run is under
	// way writes nothing twice.
	RunLedgerJob(ctx context.Context, actor Actor, job LedgerJob) error
}

// LedgerDueBetween reports whether DueEntries of p can hold, for someone
// hired on hiredOn, an entry as of their local date to that it did not as
// of from, their data, p and the ledger unchanged: whether a date after
// from and up to to starts a year (its grants and carry-over, every mode),
// starts a month of monthly accrual, is the hiring date (the hire month's
// credit) or is the day after an expiry of carried days. Everything else
// DueEntries reads is data, whose changes the leave_ledger job finds by
// their instants. It says true when unsure: dates more than 62 days apart.
func LedgerDueBetween(p *LeavePolicy, hiredOn Date, from, to Date) bool {
	switch {
	case to <= from || !p.UsesAllowance || p.Retired:
		return false
	case to-from > 62 || from.Year() != to.Year():
		return true
	}
	for d := from + 1; d <= to; d++ {
		_, _, day := d.utc().Date()
		if d == hiredOn || (day == 1 && p.AccrualIn(d.Year()) == AccrualMonthly) {
			return true
		}
		if e := p.ExpiryIn(d.Year()); e != nil && d == e.AddDays(1) {
			return true
		}
	}
	return false
}
