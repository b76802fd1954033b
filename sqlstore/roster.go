package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/openattendance/attendance"
)

// shiftCols are the columns of an attendance.Shift, of shifts s.
const shiftCols = `s.id, s.name, s.start_minute, s.end_minute, s.grace_minutes, s.break_minutes, s.active, s.created_at, s.updated_at`

func scanShift(sc scanner) (*attendance.Shift, error) {
	var s attendance.Shift
	var start, end int
	if err := sc.Scan(&s.ID, &s.Name, &start, &end, &s.GraceMinutes, &s.BreakMinutes, &s.Active, timeCol{&s.CreatedAt}, timeCol{&s.UpdatedAt}); err != nil {
		return nil, err
	}
	s.Start, s.End = attendance.TimeOfDay(start), attendance.TimeOfDay(end)
	return &s, nil
}

// allShifts reads every shift, active or not, by id: patterns and overrides
// of the past name archived ones. The table is small (a company has tens).
func (db *DB) allShifts(ctx context.Context, q queryer) (map[int64]*attendance.Shift, error) {
	rows, err := q.query(ctx, `SELECT `+shiftCols+` FROM shifts s`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*attendance.Shift{}
	for rows.Next() {
		s, err := scanShift(rows)
		if err != nil {
			return nil, err
		}
		out[s.ID] = s
	}
	return out, rows.Err()
}

// roster is what the store reads of employees' rosters: their patterns in
// start date order and the overrides of some dates.
type roster struct {
	patterns  map[int64][]attendance.Pattern
	overrides map[int64]map[attendance.Date]*attendance.Shift
	shifts    map[int64]*attendance.Shift
}

// schedule returns emp's schedule with the roster's patterns and overrides.
// An employee without a pattern (made outside the API, e.g. by the demo
// loader) works the schedule of their fields, which decides every date as its
// one-week pattern would.
func (r *roster) schedule(emp *attendance.Employee) attendance.Schedule {
	s := emp.Schedule()
	s.Patterns = r.patterns[emp.ID]
	s.Overrides = r.overrides[emp.ID]
	return s
}

// addPatternDay adds a row of the patterns' query (in start date order): a
// pattern of the employee and, unless week is NULL, one of its days.
func (r *roster) addPatternDay(empID, id int64, start attendance.Date, weeks int, week, weekday, shiftID sql.NullInt64) {
	ps := r.patterns[empID]
	if len(ps) == 0 || ps[len(ps)-1].ID != id {
		ps = append(ps, attendance.Pattern{ID: id, StartDate: start, Weeks: make([][7]*attendance.Shift, weeks)})
		r.patterns[empID] = ps
	}
	if shiftID.Valid && week.Int64 >= 0 && int(week.Int64) < weeks && weekday.Int64 >= 0 && weekday.Int64 < 7 {
		ps[len(ps)-1].Weeks[week.Int64][weekday.Int64] = r.shifts[shiftID.Int64]
	}
}

// addOverride adds an override of the employee's date: a shift, or a day off
// (shiftID NULL).
func (r *roster) addOverride(empID int64, d attendance.Date, shiftID sql.NullInt64) {
	m := r.overrides[empID]
	if m == nil {
		m = map[attendance.Date]*attendance.Shift{}
		r.overrides[empID] = m
	}
	var s *attendance.Shift
	if shiftID.Valid {
		s = r.shifts[shiftID.Int64]
	}
	m[d] = s
}

// loadRoster reads the patterns of the employees matching w (of employees
// e) and their overrides from first to last.
func (db *DB) loadRoster(ctx context.Context, q queryer, w where, first, last attendance.Date) (*roster, error) {
	shifts, err := db.allShifts(ctx, q)
	if err != nil {
		return nil, err
	}
	r := &roster{patterns: map[int64][]attendance.Pattern{}, overrides: map[int64]map[attendance.Date]*attendance.Shift{}, shifts: shifts}
	rows, err := q.query(ctx, `SELECT p.employee_id, p.id, p.start_date, p.weeks, pd.week, pd.weekday, pd.shift_id
		FROM employees e JOIN shift_patterns p ON p.employee_id = e.id LEFT JOIN shift_pattern_days pd ON pd.pattern_id = p.id
		WHERE `+w.String()+` ORDER BY p.employee_id, p.start_date, p.id`, w.args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var empID, id int64
		var start attendance.Date
		var weeks int
		var week, weekday, shiftID sql.NullInt64
		if err := rows.Scan(&empID, &id, dateCol{&start}, &weeks, &week, &weekday, &shiftID); err != nil {
			rows.Close()
			return nil, err
		}
		r.addPatternDay(empID, id, start, weeks, week, weekday, shiftID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT o.employee_id, o.date, o.shift_id FROM employees e JOIN roster_overrides o ON o.employee_id = e.id
		WHERE `+w.String()+` AND o.date >= ? AND o.date <= ?`, append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var empID int64
		var d attendance.Date
		var shiftID sql.NullInt64
		if err := rows.Scan(&empID, dateCol{&d}, &shiftID); err != nil {
			return nil, err
		}
		r.addOverride(empID, d, shiftID)
	}
	return r, rows.Err()
}

// schedule returns emp's schedule with their patterns and the overrides from
// first to last.
func (db *DB) schedule(ctx context.Context, q queryer, emp *attendance.Employee, first, last attendance.Date) (attendance.Schedule, error) {
	var w where
	w.add("e.id = ?", emp.ID)
	r, err := db.loadRoster(ctx, q, w, first, last)
	if err != nil {
		return attendance.Schedule{}, err
	}
	return r.schedule(emp), nil
}

// workSettings reads the company's working-time settings.
func (db *DB) workSettings(ctx context.Context, q queryer) (attendance.WorkSettings, error) {
	set := attendance.DefaultWorkSettings()
	var rule string
	err := q.queryRow(ctx, `SELECT break_rule, review_after_minutes, auto_close FROM work_settings WHERE id = 1`).
		Scan(&rule, &set.ReviewAfterMinutes, &set.AutoClose)
	if errors.Is(err, sql.ErrNoRows) {
		return attendance.DefaultWorkSettings(), nil
	}
	if err != nil {
		return set, err
	}
	if err := json.Unmarshal([]byte(rule), &set.BreakRule); err != nil {
		return set, err
	}
	if set.BreakRule == nil {
		set.BreakRule = attendance.BreakRule{}
	}
	return set, nil
}
