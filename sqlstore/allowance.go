package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openattendance/attendance"
)

// AllowanceService keeps the employees' own allowances. For annual leave the
// allowance is the employee's annual_leave_days, read and written through
// either path.
type AllowanceService struct{ db *DB }

var _ attendance.AllowanceService = (*AllowanceService)(nil)

// NewAllowanceService returns the allowance service of db.
func NewAllowanceService(db *DB) *AllowanceService { return &AllowanceService{db: db} }

// ListAllowances lists an employee's allowance of every type that uses one
// (not retired), to the employee or with manager access in scope.
func (s *AllowanceService) ListAllowances(ctx context.Context, a attendance.Actor, employeeID int64) (_ []*attendance.LeaveAllowance, err error) {
	defer wrap(&err, "ListAllowances(actor %d, %d)", a.ID, employeeID)
	emp, err := s.db.findEmployee(ctx, a, employeeID)
	if err != nil {
		return nil, err
	}
	all, err := s.db.leavePolicies(ctx, s.db.reader())
	if err != nil {
		return nil, err
	}
	out := []*attendance.LeaveAllowance{}
	for _, p := range all {
		if !p.UsesAllowance || p.Retired {
			continue
		}
		amount, own, err := s.db.allowanceOf(ctx, s.db.reader(), emp, p)
		if err != nil {
			return nil, err
		}
		out = append(out, &attendance.LeaveAllowance{LeaveType: p.Code, Allowance: amount, Own: own})
	}
	return out, nil
}

// SetAllowance gives an employee an allowance of their own (nil: back to the
// type's), with manager access in scope, never one's own, an admin's only by
// an admin. The recorded grants of this year and later follow it
// (grant_change entries). The same value again writes nothing.
func (s *AllowanceService) SetAllowance(ctx context.Context, a attendance.Actor, employeeID int64, code attendance.LeaveType, allowance *attendance.Amount) (_ *attendance.LeaveAllowance, err error) {
	defer wrap(&err, "SetAllowance(actor %d, %d, %q)", a.ID, employeeID, code)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if allowance != nil && (allowance.Sign() < 0 || allowance.Cmp(attendance.WholeDays(366)) > 0 || 2%allowance.Den() != 0) {
		return nil, attendance.InvalidField("body.allowance", "must be between 0 and 366, in steps of 0.5")
	}
	var out *attendance.LeaveAllowance
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if ok, err := s.db.inScope(ctx, tx, a, employeeID); err != nil || !ok {
			return orNotFound(err, "employee")
		}
		emp, err := s.db.employee(ctx, tx, employeeID, true)
		if err != nil {
			return err
		}
		if emp.ID == a.ID {
			return attendance.ErrForbidden("nobody changes their own allowance; their manager or an admin does")
		}
		if err := attendance.CheckEditable(a, emp.ID, emp.Role); err != nil {
			return err
		}
		p, err := s.db.leavePolicy(ctx, tx, code, false)
		if err != nil {
			return err
		}
		if !p.UsesAllowance {
			return attendance.Errorf(attendance.KindNotFound, "not_found", "%s uses no allowance", p.Name)
		}
		before, _, err := s.db.allowanceOf(ctx, tx, emp, p)
		if err != nil {
			return err
		}
		now := s.db.now()
		switch {
		case p.Code == attendance.LeaveAnnual && allowance == nil:
			return attendance.Errorf(attendance.KindConflict, "own_allowance_required",
				"every employee has an annual leave allowance of their own: set annual_leave_days instead")
		case p.Code == attendance.LeaveAnnual:
			if _, err := tx.exec(ctx, `UPDATE employees SET annual_leave_days = ?, updated_at = ? WHERE id = ?`,
				allowance.Float64(), s.db.t(now), emp.ID); err != nil {
				return err
			}
			emp.AnnualLeaveDays = allowance.Float64()
		case allowance == nil:
			if _, err := tx.exec(ctx, `DELETE FROM leave_allowances WHERE employee_id = ? AND leave_type = ?`, emp.ID, string(code)); err != nil {
				return err
			}
		default:
			if _, err := tx.exec(ctx, `INSERT INTO leave_allowances (employee_id, leave_type, num, den, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (employee_id, leave_type) DO UPDATE SET num = excluded.num, den = excluded.den,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				emp.ID, string(code), allowance.Num(), allowance.Den(), a.ID, s.db.t(now)); err != nil {
				return err
			}
		}
		after, own, err := s.db.allowanceOf(ctx, tx, emp, p)
		if err != nil {
			return err
		}
		out = &attendance.LeaveAllowance{LeaveType: p.Code, Allowance: after, Own: own}
		if after == before {
			return nil
		}
		// The employee changed: the leave_ledger job reads those changed
		// since its last run (an allowance from 0 is due at once).
		if _, err := tx.exec(ctx, `UPDATE employees SET updated_at = ? WHERE id = ?`, s.db.t(now), emp.ID); err != nil {
			return err
		}
		return s.db.grantChanges(ctx, tx, emp, p, a.ID)
	})
	return out, err
}

// allowanceOf returns emp's yearly allowance of p: their own (own true), or
// the type's. Annual leave's is annual_leave_days.
func (db *DB) allowanceOf(ctx context.Context, q queryer, emp *attendance.Employee, p *attendance.LeavePolicy) (attendance.Amount, bool, error) {
	if p.Code == attendance.LeaveAnnual {
		a, ok := attendance.AmountFromFloat(emp.AnnualLeaveDays)
		if !ok {
			a = attendance.NewAmount(int64(emp.AnnualLeaveDays*100+0.5), 100)
		}
		return a, true, nil
	}
	if !p.UsesAllowance {
		return attendance.Amount{}, false, nil
	}
	var num, den int64
	err := q.queryRow(ctx, `SELECT num, den FROM leave_allowances WHERE employee_id = ? AND leave_type = ?`, emp.ID, string(p.Code)).Scan(&num, &den)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p.AllowanceFor(nil), false, nil
		}
		return attendance.Amount{}, false, err
	}
	own := attendance.NewAmount(num, den)
	return p.AllowanceFor(&own), true, nil
}

// grantChanges brings emp's recorded grants of p, of their current year and
// every later year whose grant is recorded, to what the rules give now
// (GrantChange), after their allowance or hiring date changed. by is who
// changed it. The caller holds emp's row lock.
func (db *DB) grantChanges(ctx context.Context, tx *Tx, emp *attendance.Employee, p *attendance.LeavePolicy, by int64) error {
	if !p.UsesAllowance {
		return nil
	}
	today := emp.Schedule().Today(db.now())
	years, err := db.ids(ctx, tx, `SELECT DISTINCT year FROM leave_ledger WHERE employee_id = ? AND leave_type = ? AND kind = 'grant'
		AND year >= ? ORDER BY year`, emp.ID, string(p.Code), today.Year())
	if err != nil {
		return err
	}
	allowance, _, err := db.allowanceOf(ctx, tx, emp, p)
	if err != nil {
		return err
	}
	for _, y64 := range years {
		y := int(y64)
		var due attendance.Amount
		for _, e := range attendance.DueCredits(p, allowance, emp.HiredOn, emp.DeactivatedOn, y, today) {
			if e.Kind == attendance.EntryGrant {
				due = due.Add(e.Amount)
			}
		}
		st, err := db.ledgerState(ctx, tx, emp, p, y)
		if err != nil {
			return err
		}
		var recorded attendance.Amount
		for _, e := range st.recorded {
			if e.Year == y && (e.Kind == attendance.EntryGrant || e.Kind == attendance.EntryGrantChange) {
				recorded = recorded.Add(e.Amount)
			}
		}
		e, ok := attendance.GrantChange(p, y, due, recorded, today)
		if !ok {
			continue
		}
		e.EmployeeID, e.CreatedBy = emp.ID, &by
		if _, err := db.insertEntry(ctx, tx, &e); err != nil {
			return err
		}
	}
	return nil
}

// allowanceChanged writes the grant changes an employee record's change
// calls for: a new annual_leave_days (annual leave) or hiring date (every
// type with an allowance).
func (db *DB) allowanceChanged(ctx context.Context, tx *Tx, before, after *attendance.Employee, by int64) error {
	if before.HiredOn == after.HiredOn && before.AnnualLeaveDays == after.AnnualLeaveDays {
		return nil
	}
	all, err := db.leavePolicies(ctx, tx)
	if err != nil {
		return err
	}
	for _, p := range all {
		if p.Code != attendance.LeaveAnnual && before.HiredOn == after.HiredOn {
			continue
		}
		if err := db.grantChanges(ctx, tx, after, p, by); err != nil {
			return err
		}
	}
	return nil
}
