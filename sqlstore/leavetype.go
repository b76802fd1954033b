package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openattendance/attendance"
)

// LeaveTypeService keeps the leave types (attendance.LeaveTypeService):
// everyone signed in reads them, admins change them. The rules of a type's
// fields are LeavePolicy's; the store only keeps them.
type LeaveTypeService struct{ db *DB }

var _ attendance.LeaveTypeService = (*LeaveTypeService)(nil)

// NewLeaveTypeService returns the leave type service of db.
func NewLeaveTypeService(db *DB) *LeaveTypeService { return &LeaveTypeService{db: db} }

// ListLeaveTypes lists the types by code.
func (s *LeaveTypeService) ListLeaveTypes(ctx context.Context, a attendance.Actor, f attendance.LeaveTypeFilter) (_ []*attendance.LeavePolicy, _ int, err error) {
	defer wrap(&err, "ListLeaveTypes(actor %d)", a.ID)
	all, err := s.db.leavePolicies(ctx, s.db.reader())
	if err != nil {
		return nil, 0, err
	}
	out := []*attendance.LeavePolicy{}
	for _, p := range all {
		if f.Retired == nil || p.Retired == *f.Retired {
			out = append(out, p)
		}
	}
	n := len(out)
	limit, offset := pageArgs(f.Page)
	out = out[min(offset, n):min(offset+limit, n)]
	return out, n, nil
}

// FindLeaveType returns one type, retired ones too.
func (s *LeaveTypeService) FindLeaveType(ctx context.Context, a attendance.Actor, code attendance.LeaveType) (_ *attendance.LeavePolicy, err error) {
	defer wrap(&err, "FindLeaveType(actor %d, %q)", a.ID, code)
	return s.db.leavePolicy(ctx, s.db.reader(), code, false)
}

// CreateLeaveType adds a type (admins).
func (s *LeaveTypeService) CreateLeaveType(ctx context.Context, a attendance.Actor, f attendance.LeavePolicyFields) (_ *attendance.LeavePolicy, err error) {
	defer wrap(&err, "CreateLeaveType(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	p, err := attendance.NewLeavePolicy(f, s.db.companyToday())
	if err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = s.db.now(), s.db.now()
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var exists int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM leave_types WHERE code = ?`, string(p.Code)).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return errLeaveTypeExists(p.Code)
		}
		var err error
		p.ID, err = tx.insertID(ctx, `INSERT INTO leave_types (code, name, paid, uses_allowance, needs_approval, units, allowance_num,
			allowance_den, carry_over_max_num, carry_over_max_den, carry_over_expires, first_year, built_in, retired, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, string(p.Code), p.Name, p.Paid, p.UsesAllowance, p.NeedsApproval,
			int(p.Units), p.Allowance.Num(), p.Allowance.Den(), p.CarryOverMax.Num(), p.CarryOverMax.Den(), monthDayArg(p.CarryOverExpires),
			p.FirstYear, p.BuiltIn, p.Retired, s.db.t(p.CreatedAt), s.db.t(p.UpdatedAt))
		if s.db.d.IsUniqueViolation(err) {
			return errLeaveTypeExists(p.Code)
		}
		if err != nil {
			return err
		}
		return s.db.writeAccruals(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func errLeaveTypeExists(code attendance.LeaveType) error {
	return attendance.Errorf(attendance.KindConflict, "leave_type_exists", "a leave type with the code %q exists already", code)
}

// UpdateLeaveType changes a type (admins). A new default allowance works as
// a change of the allowance of every employee without one of their own:
// their recorded grants of this year and later follow it (grant_change).
func (s *LeaveTypeService) UpdateLeaveType(ctx context.Context, a attendance.Actor, code attendance.LeaveType, f attendance.LeavePolicyFields) (_ *attendance.LeavePolicy, err error) {
	defer wrap(&err, "UpdateLeaveType(actor %d, %q)", a.ID, code)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	var p *attendance.LeavePolicy
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		if p, err = s.db.leavePolicy(ctx, tx, code, true); err != nil {
			return err
		}
		before := *p
		if err := p.Update(f, s.db.companyToday()); err != nil {
			return err
		}
		p.UpdatedAt = s.db.now()
		if _, err := tx.exec(ctx, `UPDATE leave_types SET name = ?, paid = ?, uses_allowance = ?, needs_approval = ?, units = ?,
			allowance_num = ?, allowance_den = ?, carry_over_max_num = ?, carry_over_max_den = ?, carry_over_expires = ?, retired = ?,
			updated_at = ? WHERE id = ?`, p.Name, p.Paid, p.UsesAllowance, p.NeedsApproval, int(p.Units), p.Allowance.Num(),
			p.Allowance.Den(), p.CarryOverMax.Num(), p.CarryOverMax.Den(), monthDayArg(p.CarryOverExpires), p.Retired,
			s.db.t(p.UpdatedAt), p.ID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM leave_type_accruals WHERE leave_type = ?`, string(p.Code)); err != nil {
			return err
		}
		if err := s.db.writeAccruals(ctx, tx, p); err != nil {
			return err
		}
		if p.Allowance == before.Allowance || p.Code == attendance.LeaveAnnual {
			return nil
		}
		// The employees without an allowance of their own whose grants of
		// this year or later are recorded.
		first, _ := attendance.YearBounds(s.db.companyToday().Year())
		ids, err := s.db.ids(ctx, tx, `SELECT DISTINCT l.employee_id FROM leave_ledger l WHERE l.leave_type = ? AND l.kind = 'grant'
			AND l.year >= ? AND NOT EXISTS (SELECT 1 FROM leave_allowances a WHERE a.employee_id = l.employee_id AND a.leave_type = l.leave_type)
			ORDER BY l.employee_id`, string(p.Code), first.Year())
		if err != nil {
			return err
		}
		for _, id := range ids {
			emp, err := s.db.employee(ctx, tx, id, true)
			if err != nil {
				return err
			}
			if err := s.db.grantChanges(ctx, tx, emp, p, a.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// DeleteLeaveType deletes a type nothing refers to (admins); built-in types
// and types in use are refused (retire them instead).
func (s *LeaveTypeService) DeleteLeaveType(ctx context.Context, a attendance.Actor, code attendance.LeaveType) (err error) {
	defer wrap(&err, "DeleteLeaveType(actor %d, %q)", a.ID, code)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		p, err := s.db.leavePolicy(ctx, tx, code, true)
		if err != nil {
			return err
		}
		var uses int
		if err := tx.queryRow(ctx, `SELECT
				(SELECT COUNT(*) FROM leave_requests WHERE leave_type = ?) +
				(SELECT COUNT(*) FROM leave_ledger WHERE leave_type = ?) +
				(SELECT COUNT(*) FROM leave_allowances WHERE leave_type = ?)`, string(code), string(code), string(code)).Scan(&uses); err != nil {
			return err
		}
		if err := attendance.CheckDeleteLeaveType(p, uses > 0); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM leave_type_accruals WHERE leave_type = ?`, string(code)); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM leave_types WHERE id = ?`, p.ID)
		return err
	})
}

// EnsureLeaveTypes writes the built-in leave types when they are missing.
// Migration 00005 writes them; this puts them back in a database whose rows
// were all deleted (a test database emptied for reuse), and does nothing
// otherwise.
func (db *DB) EnsureLeaveTypes(ctx context.Context) (err error) {
	defer wrap(&err, "EnsureLeaveTypes()")
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM leave_types WHERE built_in`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		now := db.t(db.now())
		for _, p := range attendance.BuiltinLeavePolicies(db.companyToday().Year()) {
			if _, err := tx.exec(ctx, `INSERT INTO leave_types (code, name, paid, uses_allowance, needs_approval, units, allowance_num,
				allowance_den, first_year, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO NOTHING`, string(p.Code), p.Name, p.Paid, p.UsesAllowance, p.NeedsApproval, int(p.Units),
				p.Allowance.Num(), p.Allowance.Den(), p.FirstYear, true, now, now); err != nil {
				return err
			}
			for _, ac := range p.Accruals {
				if _, err := tx.exec(ctx, `INSERT INTO leave_type_accruals (leave_type, from_year, accrual) VALUES (?, ?, ?)
					ON CONFLICT (leave_type, from_year) DO NOTHING`, string(p.Code), ac.FromYear, string(ac.Accrual)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeAccruals writes the accrual periods of p.
func (db *DB) writeAccruals(ctx context.Context, tx *Tx, p *attendance.LeavePolicy) error {
	for _, ac := range p.Accruals {
		if _, err := tx.exec(ctx, `INSERT INTO leave_type_accruals (leave_type, from_year, accrual) VALUES (?, ?, ?)`,
			string(p.Code), ac.FromYear, string(ac.Accrual)); err != nil {
			return err
		}
	}
	return nil
}

// leaveTypeCols are the columns of a LeavePolicy, of leave_types t.
const leaveTypeCols = `t.id, t.code, t.name, t.paid, t.uses_allowance, t.needs_approval, t.units, t.allowance_num, t.allowance_den,
	t.carry_over_max_num, t.carry_over_max_den, t.carry_over_expires, t.first_year, t.built_in, t.retired, t.created_at, t.updated_at`

func scanPolicy(s scanner) (*attendance.LeavePolicy, error) {
	var p attendance.LeavePolicy
	var units int
	var an, ad, cn, cd int64
	var expires sql.NullString
	if err := s.Scan(&p.ID, &p.Code, &p.Name, &p.Paid, &p.UsesAllowance, &p.NeedsApproval, &units, &an, &ad, &cn, &cd, &expires,
		&p.FirstYear, &p.BuiltIn, &p.Retired, timeCol{&p.CreatedAt}, timeCol{&p.UpdatedAt}); err != nil {
		return nil, err
	}
	p.Units = attendance.LeaveUnits(units)
	p.Allowance, p.CarryOverMax = attendance.NewAmount(an, ad), attendance.NewAmount(cn, cd)
	if expires.Valid && expires.String != "" {
		md, err := attendance.ParseMonthDay(expires.String)
		if err != nil {
			return nil, err
		}
		p.CarryOverExpires = md
	}
	return &p, nil
}

// policy reads one leave type with its accrual periods; lock locks its row
// in a write transaction. Unknown: not found.
func (db *DB) leavePolicy(ctx context.Context, q queryer, code attendance.LeaveType, lock bool) (*attendance.LeavePolicy, error) {
	query := `SELECT ` + leaveTypeCols + ` FROM leave_types t WHERE t.code = ?`
	if lock {
		query += db.d.ForUpdate
	}
	p, err := scanPolicy(q.queryRow(ctx, query, string(code)))
	if err != nil {
		return nil, notFound(err, "leave type")
	}
	rows, err := q.query(ctx, `SELECT from_year, accrual FROM leave_type_accruals WHERE leave_type = ? ORDER BY from_year`, string(code))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ac attendance.AccrualPeriod
		if err := rows.Scan(&ac.FromYear, &ac.Accrual); err != nil {
			return nil, err
		}
		p.Accruals = append(p.Accruals, ac)
	}
	setAccrual(p)
	return p, rows.Err()
}

// requestPolicy reads the type of a new request: an unknown code is 422 at
// body.leave_type.
func (db *DB) requestPolicy(ctx context.Context, q queryer, code attendance.LeaveType) (*attendance.LeavePolicy, error) {
	p, err := db.leavePolicy(ctx, q, code, false)
	if ae := (*attendance.Error)(nil); errors.As(err, &ae) && ae.Kind == attendance.KindNotFound {
		return nil, attendance.InvalidField("body.leave_type", "is not a leave type (see /api/leaves/types/)")
	}
	return p, err
}

// policies reads every leave type, by code.
func (db *DB) leavePolicies(ctx context.Context, q queryer) ([]*attendance.LeavePolicy, error) {
	rows, err := q.query(ctx, `SELECT `+leaveTypeCols+` FROM leave_types t ORDER BY t.code`)
	if err != nil {
		return nil, err
	}
	var out []*attendance.LeavePolicy
	byCode := map[attendance.LeaveType]*attendance.LeavePolicy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
		byCode[p.Code] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT leave_type, from_year, accrual FROM leave_type_accruals ORDER BY leave_type, from_year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code attendance.LeaveType
		var ac attendance.AccrualPeriod
		if err := rows.Scan(&code, &ac.FromYear, &ac.Accrual); err != nil {
			return nil, err
		}
		if p := byCode[code]; p != nil {
			p.Accruals = append(p.Accruals, ac)
		}
	}
	for _, p := range out {
		setAccrual(p)
	}
	return out, rows.Err()
}

// setAccrual sets the mode in force from the newest accrual period.
func setAccrual(p *attendance.LeavePolicy) {
	p.Accrual, p.AccrualFromYear = attendance.AccrualNone, p.FirstYear
	if n := len(p.Accruals); n > 0 {
		p.Accrual, p.AccrualFromYear = p.Accruals[n-1].Accrual, p.Accruals[n-1].FromYear
	}
}

func monthDayArg(md attendance.MonthDay) any {
	if md.IsZero() {
		return nil
	}
	return md.String()
}

// ids reads a column of ids.
func (db *DB) ids(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
