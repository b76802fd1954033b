package sqlstore

import (
	"context"
	"slices"

	"github.com/openattendance/attendance"
)

// Overview sums up attendance per employee in the actor's scope over a date
// range. It reads the derived days of the range in one pass, ordered by
// employee, so its cost grows with the days in the range and not with the
// table; only one employee's days are in memory at a time.
func (s *AttendanceService) Overview(ctx context.Context, a attendance.Actor, f attendance.OverviewFilter) (_ *attendance.Overview, err error) {
	defer wrap(&err, "Overview(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	today := s.db.companyToday()
	first, last := today.AddDays(1-dayOfMonth(today)), today
	if f.From != nil {
		first = *f.From
	}
	if f.To != nil {
		last = *f.To
	}
	if err := attendance.CheckRange(first, last, attendance.MaxOverviewDays); err != nil {
		return nil, err
	}

	// Who: the employees in scope who were employed in the range.
	var w where
	if err := s.db.addOverviewScope(ctx, &w, a); err != nil {
		return nil, err
	}
	if f.EmployeeID != nil {
		w.add("e.id = ?", *f.EmployeeID)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	emps, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String()+` ORDER BY e.id`, w.args...)
	if err != nil {
		return nil, err
	}
	emps = slices.DeleteFunc(emps, func(e *attendance.Employee) bool { return !e.InOverview(first) })
	holidays, err := s.db.holidays(ctx, s.db.reader(), first, last)
	if err != nil {
		return nil, err
	}
	leave, err := s.db.approvedLeave(ctx, w, first, last)
	if err != nil {
		return nil, err
	}
	ros, err := s.db.loadRoster(ctx, s.db.reader(), w, first.AddDays(-1), last.AddDays(1))
	if err != nil {
		return nil, err
	}
	settings, err := s.db.workSettings(ctx, s.db.reader())
	if err != nil {
		return nil, err
	}

	ov := &attendance.Overview{From: first, To: last, Count: len(emps), Results: []attendance.OverviewRow{}}
	if f.All {
		// The CSV has a column of leave days for every type.
		if ov.LeaveTypes, err = s.db.leaveTypeCodes(ctx); err != nil {
			return nil, err
		}
	}
	limit, offset := pageArgs(f.Page)
	if f.All {
		limit, offset = len(emps), 0
	}
	// Employees first, then each one's days by primary key: the rows come out
	// in order without a sort, and the cost follows the days in the range.
	// (CROSS JOIN fixes that join order on SQLite; PostgreSQL plans its own.)
	// A few employees (a team) are named by their ids: one scan of the
	// days' primary key, whatever the size of the company.
	daysQuery := `SELECT d.employee_id, d.date, d.entries, d.late, d.late_minutes, d.worked_seconds, d.open_sessions, d.break_seconds, d.open_since
		FROM employees e CROSS JOIN attendance_days d
		WHERE d.employee_id = e.id AND ` + w.String() + ` AND d.date >= ? AND d.date <= ? ORDER BY e.id, d.date`
	args := append(w.args, first.String(), last.String())
	if len(emps) <= maxScopeIDs {
		args = make([]any, 0, len(emps)+3)
		args = append(args, int64(0)) // no employee: the list is never empty
		for _, e := range emps {
			args = append(args, e.ID)
		}
		daysQuery = `SELECT d.employee_id, d.date, d.entries, d.late, d.late_minutes, d.worked_seconds, d.open_sessions, d.break_seconds, d.open_since
			FROM attendance_days d WHERE d.employee_id IN (` + placeholders(len(args)) + `) AND d.date >= ? AND d.date <= ?
			ORDER BY d.employee_id, d.date`
		args = append(args, first.String(), last.String())
	}
	rows, err := s.db.read.QueryContext(ctx, s.db.q(daysQuery), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.db.now()
	var (
		days    []attendance.Day
		next    attendance.Day // the row read ahead
		nextID  int64
		hasNext bool
	)
	for i, e := range emps {
		days = days[:0]
		for {
			if !hasNext {
				if !rows.Next() {
					break
				}
				if err := rows.Scan(&nextID, dateCol{&next.Date}, &next.Entries, &next.Late, &next.LateMinutes,
					&next.WorkedSeconds, &next.OpenSessions, &next.BreakSeconds, zeroTimeCol{&next.OpenSince}); err != nil {
					return nil, err
				}
				hasNext = true
			}
			if nextID > e.ID {
				break // it belongs to a later employee
			}
			if nextID == e.ID {
				days = append(days, next)
			}
			hasNext = false
		}
		s := ros.schedule(e)
		totals, times := attendance.SummarizeWork(s, holidays, settings, first, last, now, days,
			attendance.ApprovedLeaveDays(s, holidays, first, last, leave[e.ID]))
		lt := attendance.SummarizeLeave(s, holidays, first, last, leave[e.ID])
		ov.Totals.Add(totals)
		ov.TimeTotals.Add(times)
		ov.LeaveTotals.Add(lt)
		if i >= offset && i < offset+limit {
			ov.Results = append(ov.Results, attendance.OverviewRow{EmployeeID: e.ID, Username: e.Username, Name: e.Name(),
				Department: e.Department, OverviewTotals: totals, TimeTotals: times, LeaveTotals: lt})
		}
	}
	return ov, rows.Err()
}

// maxScopeIDs is the largest scope the overview names by its ids.
const maxScopeIDs = 500

// addOverviewScope adds the condition that e.id is in the actor's scope. A
// manager's scope is read first and, unless it is larger than maxScopeIDs,
// named by its ids: each of the overview's queries then starts from those
// few employees, instead of PostgreSQL joining every employee of the
// company with the reporting lines (a merge join over the whole table,
// whose cost grew with the company and not with the team).
func (db *DB) addOverviewScope(ctx context.Context, w *where, a attendance.Actor) error {
	if a.Role != attendance.RoleManager {
		w.addScope(a, "e.id")
		return nil
	}
	rows, err := db.reader().query(ctx, descendantsQuery+` LIMIT ?`, a.ID, maxScopeIDs+1)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	if len(ids) > maxScopeIDs {
		w.addScope(a, "e.id")
		return nil
	}
	slices.Sort(ids)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	w.add("e.id IN ("+placeholders(len(ids))+")", args...)
	return nil
}

func dayOfMonth(d attendance.Date) int {
	s := d.String()
	return int(s[8]-'0')*10 + int(s[9]-'0')
}

// approvedLeave returns the approved requests overlapping a range of the
// employees matching w, by employee: their dates, unit, cost, type and
// minutes only, all that the overview counts. The (status, end_date) index finds them without
// reading the requests that ended before the range, which are most of them
// for the recent ranges an overview is mostly asked for.
func (db *DB) approvedLeave(ctx context.Context, w where, first, last attendance.Date) (map[int64][]attendance.LeaveRequest, error) {
	rows, err := db.reader().query(ctx, `SELECT l.employee_id, l.start_date, l.end_date, l.half_day, l.unit, l.cost_num, l.cost_den,
			l.leave_type, l.minutes
		FROM employees e JOIN leave_requests l ON l.employee_id = e.id
		WHERE `+w.String()+` AND l.status = 'approved' AND l.end_date >= ? AND l.start_date <= ?`,
		append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]attendance.LeaveRequest{}
	for rows.Next() {
		r := attendance.LeaveRequest{Status: attendance.LeaveApproved}
		var num, den int64
		if err := rows.Scan(&r.EmployeeID, dateCol{&r.StartDate}, dateCol{&r.EndDate}, &r.HalfDay, &r.Unit, &num, &den,
			&r.LeaveType, &r.Minutes); err != nil {
			return nil, err
		}
		r.Cost = attendance.NewAmount(num, den)
		out[r.EmployeeID] = append(out[r.EmployeeID], r)
	}
	return out, rows.Err()
}

// leaveTypeCodes returns the code of every leave type, retired ones too, in
// code order.
func (db *DB) leaveTypeCodes(ctx context.Context) ([]attendance.LeaveType, error) {
	rows, err := db.reader().query(ctx, `SELECT code FROM leave_types ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.LeaveType
	for rows.Next() {
		var c attendance.LeaveType
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
