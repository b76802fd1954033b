package sqlstore

import (
	"context"
	"time"

	"github.com/openattendance/attendance"
)

// CheckEscalations tells the next level up, once, of each pending approval
// step that has waited more than the escalation's working days
// (docs/approvals.md, "Escalation"). Each step is claimed by setting its
// escalated_at where it is still null, in the transaction that writes the
// notifications: on any number of workers at once, a step escalates once.
// It returns how many steps escalated.
func (c *Checks) CheckEscalations(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "CheckEscalations()")
	db := c.db
	days := db.cfg.EscalationDays
	if days <= 0 {
		return 0, nil
	}
	q := db.reader()
	cal, err := db.workCalendar(ctx, q, now)
	if err != nil {
		return 0, err
	}
	rows, err := q.query(ctx, `SELECT request_id, step, pending_since FROM leave_request_steps WHERE status = 'pending' AND escalated_at IS NULL`)
	if err != nil {
		return 0, err
	}
	type due struct {
		id   int64
		step int
	}
	var dues []due
	for rows.Next() {
		var d due
		var r attendance.StepRecord
		if err := rows.Scan(&d.id, &d.step, nullTimeCol{&r.PendingSince}); err != nil {
			rows.Close()
			return 0, err
		}
		r.Status = attendance.StepPending
		if r.EscalationDue(now, days, cal) {
			dues = append(dues, d)
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, d := range dues {
		err := db.inTx(ctx, func(tx *Tx) error {
			res, err := tx.exec(ctx, `UPDATE leave_request_steps SET escalated_at = ? WHERE request_id = ? AND step = ? AND status = 'pending'
				AND escalated_at IS NULL`, db.t(now), d.id, d.step)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				return err // another worker escalated it, or it was decided
			}
			r, err := scanLeave(tx.queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`, d.id))
			if err != nil {
				return err
			}
			emp, err := db.employee(ctx, tx, r.EmployeeID, false)
			if err != nil {
				return err
			}
			st, err := db.approvalState(ctx, tx, d.id)
			if err != nil {
				return err
			}
			cur := st.Current()
			if cur == nil || cur.Step != d.step {
				return nil
			}
			f, err := db.decisionFacts(ctx, tx, emp, st, now)
			if err != nil {
				return err
			}
			waited := cal.WaitedWorkingDays(*cur.PendingSince, now)
			to := attendance.EscalationRecipients(cur.ApprovalStep, f)
			if _, err := db.notify(ctx, tx, attendance.LeaveEscalated(emp, r, *cur, len(st.Steps), waited, to)); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
