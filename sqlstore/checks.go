package sqlstore

import (
	"context"
	"time"

	"github.com/openattendance/attendance"
)

// The periodic checks. Each reads what it needs in bulk, decides with the
// domain's pure rules what is due, and writes each due notification in its own
// short transaction, checking again inside it. Cause keys make a repeat —
// a retried job, a second worker — notify nobody twice.

// Checks runs the periodic checks (the jobs package's Checks).
type Checks struct {
	db          *DB
	noticeBatch int // forgotten exits' batch of notices; 0: forgottenBatchSize
}

// NewChecks returns the periodic checks of db.
func NewChecks(db *DB) *Checks { return &Checks{db: db} }

// CheckLowBalances sends the low-balance notifications that are due for the
// current year of everyone active (the daily check; approvals check at once).
// It returns how many employees were notified.
func (s *Checks) CheckLowBalances(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "CheckLowBalances(%s)", now.Format(time.RFC3339))
	year := attendance.DateOf(now.In(s.db.company)).Year()
	emps, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE e.active ORDER BY e.id`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range emps {
		b, err := s.db.balance(ctx, s.db.reader(), e, year)
		if err != nil {
			return n, err
		}
		if b.Remaining > s.db.cfg.LowLeaveThreshold {
			continue
		}
		notified := false
		err = s.db.inTx(ctx, func(tx *Tx) error {
			before := len(tx.msgs)
			if err := s.db.checkLowBalance(ctx, tx, e, year); err != nil {
				return err
			}
			notified = len(tx.msgs) > before
			return nil
		})
		if err != nil {
			return n, err
		}
		if notified {
			n++
		}
	}
	return n, nil
}

// Cleanup deletes what has expired: sessions a day after their end, login
// failures outside the rate-limit window, idempotency keys after their TTL.
func (s *Checks) Cleanup(ctx context.Context, now time.Time) (err error) {
	defer wrap(&err, "Cleanup(%s)", now.Format(time.RFC3339))
	return s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, s.db.t(now.Add(-24*time.Hour))); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, s.db.t(now.Add(-2*attendance.LoginFailureWindow))); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, s.db.t(now.Add(-attendance.IdempotencyTTL-time.Hour))); err != nil {
			return err
		}
		return nil
	})
}
