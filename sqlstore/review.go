package sqlstore

import (
	"context"
	"time"

	"github.com/openattendance/attendance"
)

// reviewMarks reads why the employees emps, those that page selects, need a
// manager's look at now (attendance.ReviewMark): their work dates of the
// forgotten-exit check's look-back with open sessions, and their pending
// correction requests. Open sessions are rare, so the roster is read only
// for those who have one, and only around those dates.
func (db *DB) reviewMarks(ctx context.Context, page where, emps []*attendance.Employee, now time.Time) (map[int64]attendance.ReviewMark, error) {
	first := attendance.DateOf(now.UTC()).AddDays(-forgottenLookBack)
	rows, err := db.reader().query(ctx, `SELECT d.employee_id, d.date, d.open_since, d.open_sessions
		FROM employees e JOIN attendance_days d ON d.employee_id = e.id
		WHERE `+page.String()+` AND d.open_sessions > 0 AND d.open_since IS NOT NULL AND d.date >= ?`, append(page.args, first.String())...)
	if err != nil {
		return nil, err
	}
	open := map[int64][]attendance.OpenDay{}
	var lo, hi attendance.Date
	for rows.Next() {
		var id int64
		var d attendance.OpenDay
		if err := rows.Scan(&id, dateCol{&d.Date}, timeCol{&d.Since}, &d.Sessions); err != nil {
			rows.Close()
			return nil, err
		}
		open[id] = append(open[id], d)
		if lo == 0 || d.Date < lo {
			lo = d.Date
		}
		hi = max(hi, d.Date)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pending := map[int64]int{}
	rows, err = db.reader().query(ctx, `SELECT r.employee_id, COUNT(*) FROM employees e JOIN correction_requests r ON r.employee_id = e.id
		WHERE `+page.String()+` AND r.status = 'pending' GROUP BY r.employee_id`, page.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		pending[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]attendance.ReviewMark, len(open)+len(pending))
	if len(open) == 0 {
		for id, n := range pending {
			out[id] = attendance.ReviewMark{NeedsReview: true, PendingCorrections: n}
		}
		return out, nil
	}
	set, err := db.workSettings(ctx, db.reader())
	if err != nil {
		return nil, err
	}
	var withOpen where
	ids := make([]any, 0, len(open))
	for id := range open {
		ids = append(ids, id)
	}
	withOpen.add("e.id IN ("+placeholders(len(ids))+")", ids...)
	ros, err := db.loadRoster(ctx, db.reader(), withOpen, lo.AddDays(-1), hi.AddDays(1))
	if err != nil {
		return nil, err
	}
	holidays, err := db.holidays(ctx, db.reader(), lo.AddDays(-1), hi.AddDays(1))
	if err != nil {
		return nil, err
	}
	for _, e := range emps {
		if m := ros.schedule(e).ReviewOf(open[e.ID], holidays, set, pending[e.ID], now); m.NeedsReview {
			out[e.ID] = m
		}
	}
	return out, nil
}
