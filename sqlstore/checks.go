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
type Checks struct{ db *DB }

// NewChecks returns the periodic checks of db.
func NewChecks(db *DB) *Checks { return &Checks{db: db} }

// CheckNotArrived notifies the managers of everyone who, at now, has not
// clocked in on a working day without leave although their start plus grace
// plus 30 minutes has passed (attendance.NotArrivedDue). It returns how many
// employees were newly reported.
func (s *Checks) CheckNotArrived(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "CheckNotArrived(%s)", now.Format(time.RFC3339))
	now = now.UTC()
	emps, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE e.active ORDER BY e.id`)
	if err != nil || len(emps) == 0 {
		return 0, err
	}
	// Every local "today" lies within a day of the UTC date; the check also
	// looks at each employee's yesterday (a night that began then).
	utcToday := attendance.DateOf(now)
	first, last := utcToday.AddDays(-2), utcToday.AddDays(1)
	holidays, err := s.db.holidays(ctx, s.db.reader(), first, last)
	if err != nil {
		return 0, err
	}
	type empDay struct {
		id int64
		d  attendance.Date
	}
	present := map[empDay]bool{}
	rows, err := s.db.reader().query(ctx, `SELECT employee_id, date FROM attendance_days WHERE date >= ? AND date <= ? AND entries > 0`,
		first.String(), last.String())
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var k empDay
		if err := rows.Scan(&k.id, dateCol{&k.d}); err != nil {
			rows.Close()
			return 0, err
		}
		present[k] = true
	}
	rows.Close()
	leave, err := s.db.approvedLeave(ctx, where{}, first, last)
	if err != nil {
		return 0, err
	}
	var active where
	active.add("e.active = ?", true)
	ros, err := s.db.loadRoster(ctx, s.db.reader(), active, first.AddDays(-1), last.AddDays(1))
	if err != nil {
		return 0, err
	}
	notified := map[string]bool{}
	rows, err = s.db.reader().query(ctx, `SELECT DISTINCT cause FROM notifications WHERE kind = 'not_arrived' AND created_at >= ?`,
		s.db.t(now.Add(-72*time.Hour)))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		notified[c] = true
	}
	rows.Close()

	n := 0
	for _, e := range emps {
		sched := ros.schedule(e)
		for _, day := range sched.NotArrivedDates(now) {
			onLeave := len(attendance.ApprovedLeaveDays(sched, holidays, day, day, leave[e.ID])) > 0
			due, deadline := sched.NotArrivedDueOn(day, holidays, now, onLeave, present[empDay{e.ID, day}], nil)
			if !due {
				continue
			}
			// Hourly leave only moves the deadline later: read it for those
			// due without it.
			hourly, err := s.db.hourlyLeave(ctx, s.db.reader(), e.ID, day)
			if err != nil {
				return n, err
			}
			if len(hourly) > 0 {
				if due, deadline = sched.NotArrivedDueOn(day, holidays, now, onLeave, present[empDay{e.ID, day}], hourly); !due {
					continue
				}
			}
			if notified[attendance.NotArrivedCause(e.ID, day)] {
				continue // reported already; the unique cause would drop it anyway
			}
			reported, err := s.reportNotArrived(ctx, e, day, deadline)
			if err != nil {
				return n, err
			}
			if reported {
				n++
			}
		}
	}
	return n, nil
}

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

// reportNotArrived notifies the managers of one employee, checking inside the
// transaction that they still have not clocked in.
func (s *Checks) reportNotArrived(ctx context.Context, e *attendance.Employee, day attendance.Date, deadline time.Time) (bool, error) {
	reported := false
	err := s.db.inTx(ctx, func(tx *Tx) error {
		var entries int
		err := tx.queryRow(ctx, `SELECT COALESCE(SUM(entries), 0) FROM attendance_days WHERE employee_id = ? AND date = ?`, e.ID, day.String()).Scan(&entries)
		if err != nil || entries > 0 {
			return err
		}
		recipients, _, err := s.db.managersOf(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		stored, err := s.db.notify(ctx, tx, attendance.NotArrived(e, day, deadline, recipients))
		reported = len(stored) > 0
		return err
	})
	return reported, err
}
