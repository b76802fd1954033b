package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// Days reads the day-by-day view of one employee in the actor's scope (the
// actor when f names nobody; out of scope is not found): each date of the
// range with its status (attendance.Schedule.DayRows). The range defaults to
// the company's current month (one end alone: to the other end of its
// month) and spans at most attendance.MaxDayRows dates.
// Days and sessions come from one read of the employee's events, as the
// stored days are derived (BuildWorkDays), so a row and the overview agree.
func (s *AttendanceService) Days(ctx context.Context, a attendance.Actor, f attendance.DaysFilter) (_ *attendance.DayList, err error) {
	defer wrap(&err, "Days(actor %d)", a.ID)
	id := a.ID
	if f.EmployeeID != nil {
		id = *f.EmployeeID
	}
	emp, err := s.db.findEmployee(ctx, a, id)
	if err != nil {
		return nil, err
	}
	// The company's month; one end alone gives its own month's other end.
	first, last := attendance.MonthOf(s.db.companyToday())
	switch {
	case f.From != nil && f.To != nil:
		first, last = *f.From, *f.To
	case f.From != nil:
		_, last = attendance.MonthOf(*f.From)
		first = *f.From
	case f.To != nil:
		first, _ = attendance.MonthOf(*f.To)
		last = *f.To
	}
	if err := attendance.CheckDayRange(first, last); err != nil {
		return nil, err
	}

	var w where
	w.add("e.id = ?", emp.ID)
	holidays, err := s.db.holidays(ctx, s.db.reader(), first.AddDays(-1), last.AddDays(1))
	if err != nil {
		return nil, err
	}
	ros, err := s.db.loadRoster(ctx, s.db.reader(), w, first.AddDays(-2), last.AddDays(2))
	if err != nil {
		return nil, err
	}
	sched := ros.schedule(emp)
	leave, err := s.db.leaveOf(ctx, w, first, last)
	if err != nil {
		return nil, err
	}
	// The entries of work dates first to last lie on the local dates a day
	// either side; the event after them may close the last session.
	start, end := s.db.t(first.AddDays(-1).In(sched.Location)), s.db.t(last.AddDays(2).In(sched.Location))
	events, err := s.db.events(ctx, s.db.reader(), `SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? AND ev.ts < ?) in_range
		UNION ALL
		SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? ORDER BY ev.ts, ev.id LIMIT 1) after_range
		ORDER BY 4, 1`, emp.ID, start, end, emp.ID, end)
	if err != nil {
		return nil, err
	}
	dater := attendance.StoredWorkDates(sched.Location)
	rows := sched.DayRows(first, last, holidays, s.db.now(), attendance.DayFacts{
		Days:     attendance.BuildWorkDays(dater, events),
		Sessions: attendance.BuildSessions(dater, events),
		Leave:    leave[emp.ID],
	})
	out := &attendance.DayList{EmployeeID: emp.ID, Timezone: emp.Timezone, Today: sched.Today(s.db.now()),
		From: first, To: last, Count: len(rows)}
	limit, offset := pageArgs(f.Page)
	out.Results = rows[min(offset, len(rows)):min(offset+limit, len(rows))]
	return out, nil
}
