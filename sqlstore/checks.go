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

// CheckNotArrived notifies the managers of everyone who, at now, has not
// clocked in on a working day without leave although their start plus grace
// plus 30 minutes has passed (attendance.NotArrivedDue). It returns how many
// employees were newly reported.
func (db *DB) CheckNotArrived(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	emps, err := db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE e.active ORDER BY e.id`)
	if err != nil || len(emps) == 0 {
		return 0, err
	}
	// Every local "today" lies within a day of the UTC date.
	utcToday := attendance.DateOf(now)
	first, last := utcToday.AddDays(-1), utcToday.AddDays(1)
	holidays, err := db.holidays(ctx, db.reader(), first, last)
	if err != nil {
		return 0, err
	}
	type empDay struct {
		id int64
		d  attendance.Date
	}
	present := map[empDay]bool{}
	rows, err := db.reader().query(ctx, `SELECT employee_id, date FROM attendance_days WHERE date >= ? AND date <= ? AND entries > 0`,
		first.String(), last.String())
	if err != nil {
		return 0, db.internal("not arrived", err)
	}
	for rows.Next() {
		var k empDay
		if err := rows.Scan(&k.id, dateCol{&k.d}); err != nil {
			rows.Close()
			return 0, db.internal("not arrived", err)
		}
		present[k] = true
	}
	rows.Close()
	leave, err := db.approvedLeave(ctx, where{}, first, last)
	if err != nil {
		return 0, err
	}
	notified := map[string]bool{}
	rows, err = db.reader().query(ctx, `SELECT DISTINCT cause FROM notifications WHERE kind = 'not_arrived' AND created_at >= ?`,
		db.t(now.Add(-72*time.Hour)))
	if err != nil {
		return 0, db.internal("not arrived", err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, db.internal("not arrived", err)
		}
		notified[c] = true
	}
	rows.Close()

	n := 0
	for _, e := range emps {
		s := e.Schedule()
		day := s.Today(now)
		onLeave := len(attendance.ApprovedLeaveDays(s, holidays, day, day, leave[e.ID])) > 0
		due, day, deadline := attendance.NotArrivedDue(s, holidays, now, onLeave, present[empDay{e.ID, day}])
		if !due {
			continue
		}
		if notified[attendance.NotArrivedCause(e.ID, day)] {
			continue // reported already; the unique cause would drop it anyway
		}
		reported, err := db.reportNotArrived(ctx, e, day, deadline)
		if err != nil {
			return n, err
		}
		if reported {
			n++
		}
	}
	return n, nil
}

// reportNotArrived notifies the managers of one employee, checking inside the
// transaction that they still have not clocked in.
func (db *DB) reportNotArrived(ctx context.Context, e *attendance.Employee, day attendance.Date, deadline time.Time) (bool, error) {
	reported := false
	err := db.inTx(ctx, func(tx *Tx) error {
		var entries int
		err := tx.queryRow(ctx, `SELECT COALESCE(SUM(entries), 0) FROM attendance_days WHERE employee_id = ? AND date = ?`, e.ID, day.String()).Scan(&entries)
		if err != nil || entries > 0 {
			return db.internal("not arrived", err)
		}
		recipients, _, err := db.managersOf(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		stored, err := db.notify(ctx, tx, attendance.NotArrived(e, day, deadline, recipients))
		reported = len(stored) > 0
		return err
	})
	return reported, err
}

// CheckLowBalances sends the low-balance notifications that are due for the
// current year of everyone active (the daily check; approvals check at once).
// It returns how many employees were notified.
func (db *DB) CheckLowBalances(ctx context.Context, now time.Time) (int, error) {
	year := attendance.DateOf(now.In(db.company)).Year()
	emps, err := db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE e.active ORDER BY e.id`)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range emps {
		b, err := db.balance(ctx, db.reader(), e, year)
		if err != nil {
			return n, err
		}
		if b.Remaining > db.cfg.LowLeaveThreshold {
			continue
		}
		notified := false
		err = db.inTx(ctx, func(tx *Tx) error {
			before := len(tx.msgs)
			if err := db.checkLowBalance(ctx, tx, e, year); err != nil {
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
func (db *DB) Cleanup(ctx context.Context, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, db.t(now.Add(-24*time.Hour))); err != nil {
			return db.internal("cleanup sessions", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE at < ?`, db.t(now.Add(-2*attendance.LoginFailureWindow))); err != nil {
			return db.internal("cleanup login failures", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, db.t(now.Add(-IdempotencyTTL-time.Hour))); err != nil {
			return db.internal("cleanup idempotency keys", err)
		}
		return nil
	})
}
