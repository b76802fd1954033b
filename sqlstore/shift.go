package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openattendance/attendance"
)

// ShiftService keeps shifts, patterns, the roster and the working-time
// settings (attendance.ShiftService).
type ShiftService struct{ db *DB }

var _ attendance.ShiftService = (*ShiftService)(nil)

// NewShiftService returns the shift service of db.
func NewShiftService(db *DB) *ShiftService { return &ShiftService{db: db} }

// ListShifts lists shifts by name.
func (s *ShiftService) ListShifts(ctx context.Context, a attendance.Actor, f attendance.ShiftFilter) (_ []*attendance.Shift, _ int, err error) {
	defer wrap(&err, "ListShifts(actor %d)", a.ID)
	var w where
	if f.Active != nil {
		w.add("s.active = ?", *f.Active)
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM shifts s WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	rows, err := s.db.reader().query(ctx, `SELECT `+shiftCols+` FROM shifts s WHERE `+w.String()+` ORDER BY s.name_key, s.id LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.Shift{}
	for rows.Next() {
		sh, err := scanShift(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, sh)
	}
	return out, count, rows.Err()
}

// GetShift reads one shift.
func (s *ShiftService) GetShift(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.Shift, err error) {
	defer wrap(&err, "GetShift(actor %d, %d)", a.ID, id)
	return s.db.shift(ctx, s.db.reader(), id)
}

func (db *DB) shift(ctx context.Context, q queryer, id int64) (*attendance.Shift, error) {
	sh, err := scanShift(q.queryRow(ctx, `SELECT `+shiftCols+` FROM shifts s WHERE s.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "shift")
	}
	return sh, nil
}

func errDuplicateShift(name string) error {
	return attendance.Errorf(attendance.KindConflict, "duplicate_name", "an active shift is already named %q", name)
}

// CreateShift adds a shift (admins).
func (s *ShiftService) CreateShift(ctx context.Context, a attendance.Actor, f attendance.ShiftFields, k *attendance.Idempotency) (_ *attendance.Shift, err error) {
	defer wrap(&err, "CreateShift(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if err := f.Validate(nil); err != nil {
		return nil, err
	}
	var out *attendance.Shift
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		out, err = idempotent(ctx, s.db, tx, a.ID, "shifts", k, func() (*attendance.Shift, error) {
			now := s.db.now()
			sh := attendance.Shift{Active: true, CreatedAt: now, UpdatedAt: now}
			f.Apply(&sh)
			if _, err := tx.exec(ctx, `SAVEPOINT shift_insert`); err != nil {
				return nil, err
			}
			sh.ID, err = tx.insertID(ctx, `INSERT INTO shifts (name, name_key, start_minute, end_minute, grace_minutes, break_minutes, active,
				created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sh.Name, attendance.ShiftNameKey(sh.Name), int(sh.Start), int(sh.End),
				sh.GraceMinutes, sh.BreakMinutes, true, s.db.t(now), s.db.t(now))
			if err != nil {
				if s.db.d.IsUniqueViolation(err) {
					if _, rerr := tx.exec(ctx, `ROLLBACK TO SAVEPOINT shift_insert`); rerr != nil {
						return nil, rerr
					}
					return nil, errDuplicateShift(sh.Name)
				}
				return nil, err
			}
			return &sh, nil
		})
		return err
	})
	return out, err
}

// shiftInUse reports whether a pattern or an override names the shift;
// withFuture limits it to patterns in force on or after today and
// overrides of today or later.
func (db *DB) shiftInUse(ctx context.Context, q queryer, id int64, fromToday bool) (bool, error) {
	if !fromToday {
		var n int
		err := q.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM shift_pattern_days WHERE shift_id = ?) + (SELECT COUNT(*) FROM roster_overrides WHERE shift_id = ?)`,
			id, id).Scan(&n)
		return n > 0, err
	}
	// The employees' dates differ by a day at most from the company's.
	today := db.companyToday().AddDays(-1).String()
	var n int
	err := q.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM shift_pattern_days pd JOIN shift_patterns p ON p.id = pd.pattern_id
			WHERE pd.shift_id = ? AND NOT EXISTS (SELECT 1 FROM shift_patterns p2
				WHERE p2.employee_id = p.employee_id AND p2.start_date > p.start_date AND p2.start_date <= ?))
		+ (SELECT COUNT(*) FROM roster_overrides WHERE shift_id = ? AND date >= ?)`, id, today, id, today).Scan(&n)
	return n > 0, err
}

// UpdateShift renames a shift, or changes its times while nothing names it.
func (s *ShiftService) UpdateShift(ctx context.Context, a attendance.Actor, id int64, f attendance.ShiftFields) (_ *attendance.Shift, err error) {
	defer wrap(&err, "UpdateShift(actor %d, %d)", a.ID, id)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	var out *attendance.Shift
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lockEveryone(ctx, tx); err != nil {
			return err
		}
		sh, err := s.db.shift(ctx, tx, id)
		if err != nil {
			return err
		}
		inUse, err := s.db.shiftInUse(ctx, tx, id, false)
		if err != nil {
			return err
		}
		if err := attendance.CheckShiftEdit(f, *sh, inUse); err != nil {
			return err
		}
		f.Apply(sh)
		sh.UpdatedAt = s.db.now()
		if _, err := tx.exec(ctx, `SAVEPOINT shift_update`); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE shifts SET name = ?, name_key = ?, start_minute = ?, end_minute = ?, grace_minutes = ?, break_minutes = ?,
			updated_at = ? WHERE id = ?`, sh.Name, attendance.ShiftNameKey(sh.Name), int(sh.Start), int(sh.End), sh.GraceMinutes, sh.BreakMinutes,
			s.db.t(sh.UpdatedAt), id); err != nil {
			if s.db.d.IsUniqueViolation(err) {
				if _, rerr := tx.exec(ctx, `ROLLBACK TO SAVEPOINT shift_update`); rerr != nil {
					return rerr
				}
				return errDuplicateShift(sh.Name)
			}
			return err
		}
		out = sh
		return nil
	})
	return out, err
}

// ArchiveShift archives a shift that no pattern in force and no override
// of today or later names; it stays for the history it was worked in.
func (s *ShiftService) ArchiveShift(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "ArchiveShift(actor %d, %d)", a.ID, id)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lockEveryone(ctx, tx); err != nil {
			return err
		}
		sh, err := s.db.shift(ctx, tx, id)
		if err != nil {
			return err
		}
		inUse, err := s.db.shiftInUse(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if inUse {
			return attendance.Errorf(attendance.KindConflict, "shift_in_use", "shift %q is in a pattern in force or an override of today or later", sh.Name)
		}
		_, err = tx.exec(ctx, `UPDATE shifts SET active = ?, updated_at = ? WHERE id = ?`, false, s.db.t(s.db.now()), id)
		return err
	})
}

// activeShifts reads the active shifts by id.
func (db *DB) activeShifts(ctx context.Context, q queryer) (map[int64]*attendance.Shift, error) {
	all, err := db.allShifts(ctx, q)
	if err != nil {
		return nil, err
	}
	for id, sh := range all {
		if !sh.Active {
			delete(all, id)
		}
	}
	return all, nil
}

// rosterWriter reads the employee whose roster the actor changes, locked,
// and checks that the actor may (attendance.CheckRosterWriter): someone out
// of scope is not found.
func (db *DB) rosterWriter(ctx context.Context, tx *Tx, a attendance.Actor, employeeID int64) (*attendance.Employee, error) {
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	emp, err := db.employee(ctx, tx, employeeID, true)
	if err != nil {
		return nil, err
	}
	if ok, err := db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
		return nil, orNotFound(err, "employee")
	}
	return emp, attendance.CheckRosterWriter(a, emp.ID, emp.Role)
}

// patternsOf reads an employee's patterns as the API shows them, latest start first.
func (db *DB) patternsOf(ctx context.Context, q queryer, employeeID int64) ([]*attendance.ShiftPattern, error) {
	rows, err := q.query(ctx, `SELECT p.id, p.start_date, p.weeks, p.created_by, p.created_at, pd.week, pd.weekday, pd.shift_id
		FROM shift_patterns p LEFT JOIN shift_pattern_days pd ON pd.pattern_id = p.id
		WHERE p.employee_id = ? ORDER BY p.start_date DESC, p.id`, employeeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*attendance.ShiftPattern{}
	for rows.Next() {
		p := attendance.ShiftPattern{EmployeeID: employeeID}
		var weeks int
		var week, weekday, shiftID sql.NullInt64
		if err := rows.Scan(&p.ID, dateCol{&p.StartDate}, &weeks, &p.CreatedBy, timeCol{&p.CreatedAt}, &week, &weekday, &shiftID); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != p.ID {
			p.Weeks = make([]attendance.PatternWeek, weeks)
			out = append(out, &p)
		}
		cur := out[len(out)-1]
		if shiftID.Valid && int(week.Int64) < len(cur.Weeks) {
			id := shiftID.Int64
			cur.Weeks[week.Int64].Set(int(weekday.Int64), &id)
		}
	}
	return out, rows.Err()
}

// ListPatterns lists an employee's patterns, latest start first.
func (s *ShiftService) ListPatterns(ctx context.Context, a attendance.Actor, employeeID int64, p attendance.Page) (_ []*attendance.ShiftPattern, _ int, err error) {
	defer wrap(&err, "ListPatterns(actor %d, %d)", a.ID, employeeID)
	if _, err := s.db.findEmployee(ctx, a, employeeID); err != nil {
		return nil, 0, err
	}
	all, err := s.db.patternsOf(ctx, s.db.reader(), employeeID)
	if err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	lo, hi := min(offset, len(all)), min(offset+limit, len(all))
	return all[lo:hi], len(all), nil
}

// CreatePattern adds a pattern to an employee from a date, today or later.
func (s *ShiftService) CreatePattern(ctx context.Context, a attendance.Actor, employeeID int64, in attendance.PatternInput, k *attendance.Idempotency) (_ *attendance.ShiftPattern, err error) {
	defer wrap(&err, "CreatePattern(actor %d, %d)", a.ID, employeeID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	var out *attendance.ShiftPattern
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		out, err = idempotent(ctx, s.db, tx, a.ID, "patterns", k, func() (*attendance.ShiftPattern, error) {
			emp, err := s.db.rosterWriter(ctx, tx, a, employeeID)
			if err != nil {
				return nil, err
			}
			shifts, err := s.db.activeShifts(ctx, tx)
			if err != nil {
				return nil, err
			}
			p, err := attendance.ResolvePattern(in, shifts)
			if err != nil {
				return nil, err
			}
			if err := attendance.CheckPatternStart(p.StartDate, emp.Schedule().Today(s.db.now())); err != nil {
				return nil, err
			}
			out, err := s.db.insertPattern(ctx, tx, emp.ID, p, &a.ID)
			if err != nil {
				return nil, err
			}
			return out, s.db.syncScheduleFields(ctx, tx, emp)
		})
		return err
	})
	return out, err
}

// insertPattern stores pattern p of an employee.
func (db *DB) insertPattern(ctx context.Context, tx *Tx, employeeID int64, p attendance.Pattern, by *int64) (*attendance.ShiftPattern, error) {
	now := db.now()
	var exists int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM shift_patterns WHERE employee_id = ? AND start_date = ?`, employeeID, p.StartDate.String()).Scan(&exists); err != nil {
		return nil, err
	}
	if exists > 0 {
		return nil, attendance.Errorf(attendance.KindConflict, "duplicate_start_date", "a pattern already starts on %s", p.StartDate)
	}
	id, err := tx.insertID(ctx, `INSERT INTO shift_patterns (employee_id, start_date, weeks, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		employeeID, p.StartDate.String(), len(p.Weeks), by, db.t(now))
	if err != nil {
		return nil, err
	}
	for w, week := range p.Weeks {
		for wd, sh := range week {
			if sh == nil {
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO shift_pattern_days (pattern_id, week, weekday, shift_id) VALUES (?, ?, ?, ?)`, id, w, wd, sh.ID); err != nil {
				return nil, err
			}
		}
	}
	in := p.Input()
	return &attendance.ShiftPattern{ID: id, EmployeeID: employeeID, StartDate: p.StartDate, Weeks: in.Weeks, CreatedBy: by, CreatedAt: now}, nil
}

// DeletePattern removes a pattern that has not started, never the last.
func (s *ShiftService) DeletePattern(ctx context.Context, a attendance.Actor, employeeID, patternID int64) (err error) {
	defer wrap(&err, "DeletePattern(actor %d, %d, %d)", a.ID, employeeID, patternID)
	return s.db.inTx(ctx, func(tx *Tx) error {
		emp, err := s.db.rosterWriter(ctx, tx, a, employeeID)
		if err != nil {
			return err
		}
		var start attendance.Date
		if err := tx.queryRow(ctx, `SELECT start_date FROM shift_patterns WHERE id = ? AND employee_id = ?`, patternID, emp.ID).Scan(dateCol{&start}); err != nil {
			return notFound(err, "pattern")
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM shift_patterns WHERE employee_id = ?`, emp.ID).Scan(&n); err != nil {
			return err
		}
		if err := attendance.CheckPatternDelete(start, emp.Schedule().Today(s.db.now()), n); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM shift_pattern_days WHERE pattern_id = ?`, patternID); err != nil {
			return err
		}
		if _, err = tx.exec(ctx, `DELETE FROM shift_patterns WHERE id = ?`, patternID); err != nil {
			return err
		}
		if err := s.db.forgetCheckMarks(ctx, tx); err != nil {
			return err
		}
		return s.db.syncScheduleFields(ctx, tx, emp)
	})
}

// Roster returns the roster of the caller, or with manager access of
// everyone in scope, over a range of dates.
func (s *ShiftService) Roster(ctx context.Context, a attendance.Actor, f attendance.RosterFilter) (_ []*attendance.RosterRow, _ int, err error) {
	defer wrap(&err, "Roster(actor %d)", a.ID)
	first, last, err := attendance.RosterRange(f.From, f.To, s.db.companyToday())
	if err != nil {
		return nil, 0, err
	}
	var w where
	if a.HasManagerAccess() {
		w.addScope(a, "e.id")
	} else {
		w.add("e.id = ?", a.ID)
	}
	w.add("e.active = ?", true)
	if f.EmployeeID != nil {
		w.add("e.id = ?", *f.EmployeeID)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	emps, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String()+` ORDER BY e.last_name, e.first_name, e.id`, w.args...)
	if err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	count := len(emps)
	emps = emps[min(offset, count):min(offset+limit, count)]
	out := []*attendance.RosterRow{}
	if len(emps) == 0 {
		return out, count, nil
	}
	var page where
	ids := make([]any, len(emps))
	for i, e := range emps {
		ids[i] = e.ID
	}
	page.add("e.id IN ("+placeholders(len(ids))+")", ids...)
	ros, err := s.db.loadRoster(ctx, s.db.reader(), page, first, last)
	if err != nil {
		return nil, 0, err
	}
	holidays, err := s.db.holidays(ctx, s.db.reader(), first, last)
	if err != nil {
		return nil, 0, err
	}
	for _, e := range emps {
		sched := ros.schedule(e)
		row := &attendance.RosterRow{EmployeeID: e.ID, Username: e.Username, Name: e.Name(), Department: e.Department, Timezone: e.Timezone,
			Editable: a.HasManagerAccess() && attendance.CheckRosterWriter(a, e.ID, e.Role) == nil,
			Days:     make([]attendance.RosterDay, 0, int(last-first)+1)}
		for d := first; d <= last; d++ {
			row.Days = append(row.Days, sched.RosterDay(d, holidays))
		}
		out = append(out, row)
	}
	return out, count, nil
}

// SetOverride sets the shift of one date of an employee; the work dates and
// lateness of their events around it are decided again.
func (s *ShiftService) SetOverride(ctx context.Context, a attendance.Actor, employeeID int64, d attendance.Date, in attendance.OverrideInput) (_ *attendance.RosterOverride, created bool, err error) {
	defer wrap(&err, "SetOverride(actor %d, %d, %s)", a.ID, employeeID, d)
	if err := in.Check(); err != nil {
		return nil, false, err
	}
	var out *attendance.RosterOverride
	err = s.db.inTx(ctx, func(tx *Tx) error {
		emp, err := s.db.rosterWriter(ctx, tx, a, employeeID)
		if err != nil {
			return err
		}
		if in.ShiftID != nil {
			sh, err := s.db.shift(ctx, tx, *in.ShiftID)
			if err != nil || !sh.Active {
				if err != nil && attendance.ErrorKind(err) != attendance.KindNotFound {
					return err
				}
				return attendance.InvalidField("body.shift_id", "no active shift has id %d", *in.ShiftID)
			}
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM roster_overrides WHERE employee_id = ? AND date = ?`, emp.ID, d.String()).Scan(&n); err != nil {
			return err
		}
		created = n == 0
		now := s.db.now()
		if _, err := tx.exec(ctx, `INSERT INTO roster_overrides (employee_id, date, shift_id, note, set_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (employee_id, date) DO UPDATE SET shift_id = excluded.shift_id, note = excluded.note, set_by = excluded.set_by,
				updated_at = excluded.updated_at`, emp.ID, d.String(), in.ShiftID, in.Note, a.ID, s.db.t(now)); err != nil {
			return err
		}
		out = &attendance.RosterOverride{EmployeeID: emp.ID, Date: d, ShiftID: in.ShiftID, Note: in.Note, SetBy: a.ID, UpdatedAt: now}
		return s.db.rosterChanged(ctx, tx, emp, d, &a.ID)
	})
	return out, created, err
}

// DeleteOverride removes the override of a date: the pattern decides it again.
func (s *ShiftService) DeleteOverride(ctx context.Context, a attendance.Actor, employeeID int64, d attendance.Date) (err error) {
	defer wrap(&err, "DeleteOverride(actor %d, %d, %s)", a.ID, employeeID, d)
	return s.db.inTx(ctx, func(tx *Tx) error {
		emp, err := s.db.rosterWriter(ctx, tx, a, employeeID)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM roster_overrides WHERE employee_id = ? AND date = ?`, emp.ID, d.String())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orNotFound(err, "roster override")
		}
		if err := s.db.forgetCheckMarks(ctx, tx); err != nil {
			return err
		}
		return s.db.rosterChanged(ctx, tx, emp, d, &a.ID)
	})
}

// rosterChanged decides again the work dates of the employee's entries that
// the shift of date d may claim (attendance.OverrideReach), and the days and
// lateness of the dates d−1 to d+1 and of any date an entry left or joined.
func (db *DB) rosterChanged(ctx context.Context, tx *Tx, emp *attendance.Employee, d attendance.Date, by *int64) error {
	sched, err := db.schedule(ctx, tx, emp, d.AddDays(-3), d.AddDays(3))
	if err != nil {
		return err
	}
	holidays, err := db.holidays(ctx, tx, d.AddDays(-3), d.AddDays(3))
	if err != nil {
		return err
	}
	from, to := attendance.OverrideReach(d, sched.Location)
	events, err := db.events(ctx, tx, `SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? AND ev.ts < ?) in_reach
		UNION ALL
		SELECT * FROM (SELECT `+eventCols+` FROM attendance_events ev
			WHERE ev.employee_id = ? AND NOT ev.voided AND ev.ts >= ? ORDER BY ev.ts, ev.id LIMIT 1) after_reach
		ORDER BY 4, 1`, emp.ID, db.t(from), db.t(to), emp.ID, db.t(to))
	if err != nil {
		return err
	}
	n := len(events)
	if n > 0 && !events[n-1].Timestamp.Before(to) {
		n-- // the event after the reach only follows an entry in it
	}
	touched, err := db.redecideWorkDates(ctx, tx, sched, holidays, events, n)
	if err != nil {
		return err
	}
	dates := map[attendance.Date]bool{d.AddDays(-1): true, d: true, d.AddDays(1): true}
	for _, t := range touched {
		dates[t] = true
	}
	days := make([]attendance.Date, 0, len(dates))
	for day := range dates {
		if _, err := db.refreshDay(ctx, tx, emp, sched, day, true); err != nil {
			return err
		}
		days = append(days, day)
	}
	return db.latePenaltiesAfter(ctx, tx, emp, days, by)
}

// WorkSettings reads the company's working-time settings (manager access).
func (s *ShiftService) WorkSettings(ctx context.Context, a attendance.Actor) (_ *attendance.WorkSettings, err error) {
	defer wrap(&err, "WorkSettings(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	set, err := s.db.workSettings(ctx, s.db.reader())
	return &set, err
}

// SetWorkSettings replaces the working-time settings (admins).
func (s *ShiftService) SetWorkSettings(ctx context.Context, a attendance.Actor, set attendance.WorkSettings) (_ *attendance.WorkSettings, err error) {
	defer wrap(&err, "SetWorkSettings(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if set.BreakRule == nil {
		set.BreakRule = attendance.BreakRule{}
	}
	if err := set.Validate(); err != nil {
		return nil, err
	}
	rule, err := json.Marshal(set.BreakRule)
	if err != nil {
		return nil, err
	}
	// An upsert: the migration's row may have been deleted (a restore, the
	// tests' emptied databases), which reads as the defaults.
	err = s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO work_settings (id, break_rule, review_after_minutes, auto_close, updated_at) VALUES (1, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET break_rule = excluded.break_rule, review_after_minutes = excluded.review_after_minutes,
				auto_close = excluded.auto_close, updated_at = excluded.updated_at`,
			string(rule), set.ReviewAfterMinutes, set.AutoClose, s.db.t(s.db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &set, nil
}

// describeSchedules sets the schedule fields and kind of employees as their
// patterns in force on each one's today describe them
// (attendance.Employee.DescribeSchedule).
func (db *DB) describeSchedules(ctx context.Context, q queryer, emps ...*attendance.Employee) error {
	if len(emps) == 0 {
		return nil
	}
	ids := make([]any, len(emps))
	for i, e := range emps {
		ids[i] = e.ID
	}
	var w where
	w.add("e.id IN ("+placeholders(len(ids))+")", ids...)
	// No overrides: the range is empty.
	ros, err := db.loadRoster(ctx, q, w, attendance.MaxDate, attendance.MinDate)
	if err != nil {
		return err
	}
	now := db.now()
	for _, e := range emps {
		e.DescribeSchedule(ros.patterns[e.ID], e.Schedule().Today(now))
	}
	return nil
}

// setSimplePattern replaces the employee's patterns by the one their
// schedule fields make (docs/shifts.md, "The Employee's schedule fields"):
// the active shift of exactly those times and grace without a break, or a
// new one named like 08:00–17:00.
func (db *DB) setSimplePattern(ctx context.Context, tx *Tx, e *attendance.Employee, by *int64) error {
	if by != nil && *by == 0 {
		by = nil // the command line (createuser), not a user
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM shifts WHERE active = ? AND start_minute = ? AND end_minute = ? AND grace_minutes = ? AND break_minutes = 0
		ORDER BY id LIMIT 1`, true, int(e.WorkStart), int(e.WorkEnd), e.LateGraceMinutes).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		base := attendance.LegacyShiftName(e.WorkStart, e.WorkEnd, e.LateGraceMinutes)
		name := base
		for n := 2; ; n++ {
			var taken int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM shifts WHERE active = ? AND name_key = ?`, true, attendance.ShiftNameKey(name)).Scan(&taken); err != nil {
				return err
			}
			if taken == 0 {
				break
			}
			name = fmt.Sprintf("%s (%d)", base, n)
		}
		now := db.now()
		id, err = tx.insertID(ctx, `INSERT INTO shifts (name, name_key, start_minute, end_minute, grace_minutes, break_minutes, active,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`, name, attendance.ShiftNameKey(name), int(e.WorkStart), int(e.WorkEnd),
			e.LateGraceMinutes, true, db.t(now), db.t(now))
	}
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM shift_pattern_days WHERE pattern_id IN (SELECT id FROM shift_patterns WHERE employee_id = ?)`, e.ID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM shift_patterns WHERE employee_id = ?`, e.ID); err != nil {
		return err
	}
	sh := &attendance.Shift{ID: id}
	_, err = db.insertPattern(ctx, tx, e.ID, e.SimplePattern(sh), by)
	return err
}

// syncScheduleFields stores the employee's schedule fields as their
// patterns describe them today, after a pattern was added or removed: what
// a client reading the employee elsewhere (a login's user) sees.
func (db *DB) syncScheduleFields(ctx context.Context, tx *Tx, e *attendance.Employee) error {
	d := *e
	if err := db.describeSchedules(ctx, tx, &d); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE employees SET work_start = ?, work_end = ?, work_days = ?, late_grace_minutes = ? WHERE id = ?`,
		int(d.WorkStart), int(d.WorkEnd), int(d.WorkDays), d.LateGraceMinutes, e.ID)
	return err
}
