package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// Today reads the board: a page of the active employees in the actor's scope,
// by id, each with their presence now (attendance.Schedule.PresenceAt). An
// employee_id out of scope is not found. Only the page's employees are read
// beyond their count, so a board of 10,000 costs each page its own rows.
func (s *AttendanceService) Today(ctx context.Context, a attendance.Actor, f attendance.TodayFilter) (_ *attendance.Today, err error) {
	defer wrap(&err, "Today(actor %d)", a.ID)
	if f.EmployeeID != nil {
		if _, err := s.db.findEmployee(ctx, a, *f.EmployeeID); err != nil {
			return nil, err
		}
	}
	var w where
	w.addScope(a, "e.id")
	w.add("e.active = ?", true)
	if f.EmployeeID != nil {
		w.add("e.id = ?", *f.EmployeeID)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	out := &attendance.Today{Date: s.db.companyToday(), Results: []attendance.TodayRow{}}
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM employees e WHERE `+w.String(), w.args...).Scan(&out.Count); err != nil {
		return nil, err
	}
	limit, offset := pageArgs(f.Page)
	emps, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String()+` ORDER BY e.id LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil || len(emps) == 0 {
		return out, err
	}

	// The page's employees only; every local date near now lies within a
	// day of the UTC date, and a work date may be the day before it.
	var page where
	ids := make([]any, len(emps))
	for i, e := range emps {
		ids[i] = e.ID
	}
	page.add("e.id IN ("+placeholders(len(ids))+")", ids...)
	now := s.db.now()
	utc := attendance.DateOf(now.UTC())
	first, last := utc.AddDays(-2), utc.AddDays(2)
	holidays, err := s.db.holidays(ctx, s.db.reader(), first, last)
	if err != nil {
		return nil, err
	}
	ros, err := s.db.loadRoster(ctx, s.db.reader(), page, first.AddDays(-1), last.AddDays(1))
	if err != nil {
		return nil, err
	}
	days, err := s.db.daysOf(ctx, page, first, last)
	if err != nil {
		return nil, err
	}
	leave, err := s.db.leaveOf(ctx, page, first, last)
	if err != nil {
		return nil, err
	}
	marks, err := s.db.reviewMarks(ctx, page, emps, now)
	if err != nil {
		return nil, err
	}
	for _, e := range emps {
		st := ros.schedule(e).PresenceAt(now, holidays, attendance.PresenceFacts{Days: days[e.ID], Leave: leave[e.ID]})
		out.Results = append(out.Results, attendance.TodayRow{EmployeeID: e.ID, Username: e.Username, Name: e.Name(),
			Department: e.Department, Timezone: e.Timezone, PresenceStatus: st, ReviewMark: marks[e.ID]})
	}
	return out, nil
}

// daysOf reads the derived days from first to last of the employees matching
// w, by employee.
func (db *DB) daysOf(ctx context.Context, w where, first, last attendance.Date) (map[int64][]attendance.Day, error) {
	rows, err := db.reader().query(ctx, `SELECT d.employee_id, d.date, d.entries, d.late, d.late_minutes, d.worked_seconds, d.open_sessions,
			d.break_seconds, d.open_since
		FROM employees e JOIN attendance_days d ON d.employee_id = e.id
		WHERE `+w.String()+` AND d.date >= ? AND d.date <= ?`, append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]attendance.Day{}
	for rows.Next() {
		var id int64
		var d attendance.Day
		if err := rows.Scan(&id, dateCol{&d.Date}, &d.Entries, &d.Late, &d.LateMinutes,
			&d.WorkedSeconds, &d.OpenSessions, &d.BreakSeconds, zeroTimeCol{&d.OpenSince}); err != nil {
			return nil, err
		}
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// leaveOf reads the approved leave overlapping first to last of the employees
// matching w, by employee.
func (db *DB) leaveOf(ctx context.Context, w where, first, last attendance.Date) (map[int64][]attendance.LeaveRequest, error) {
	rows, err := db.reader().query(ctx, `SELECT `+leaveCols+` FROM employees e JOIN leave_requests l ON l.employee_id = e.id
		WHERE `+w.String()+` AND l.status = 'approved' AND l.end_date >= ? AND l.start_date <= ?`,
		append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]attendance.LeaveRequest{}
	for rows.Next() {
		r, err := scanLeave(rows)
		if err != nil {
			return nil, err
		}
		out[r.EmployeeID] = append(out[r.EmployeeID], *r)
	}
	return out, rows.Err()
}
