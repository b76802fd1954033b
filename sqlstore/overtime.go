package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// OvertimeService converts employees' daily overtime into time off in lieu
// (attendance.OvertimeService): a ledger credit of a leave type, and the
// conversion kept beside it.
type OvertimeService struct {
	db  *DB
	att *AttendanceService
}

var _ attendance.OvertimeService = (*OvertimeService)(nil)

// NewOvertimeService returns the overtime service of db.
func NewOvertimeService(db *DB) *OvertimeService {
	return &OvertimeService{db: db, att: NewAttendanceService(db)}
}

// ConvertOvertime credits at most the daily overtime of the range, as the
// overview computes it, to a leave type with a balance. A range is converted
// once: one that overlaps an earlier conversion of the employee is a
// conflict, checked under the employee's lock.
func (s *OvertimeService) ConvertOvertime(ctx context.Context, a attendance.Actor, in attendance.ConversionInput) (_ *attendance.OvertimeConversion, err error) {
	defer wrap(&err, "ConvertOvertime(actor %d, employee %d)", a.ID, in.EmployeeID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if in.EmployeeID <= 0 {
		return nil, attendance.InvalidField("body.employee_id", "is required")
	}
	emp, err := s.db.findEmployee(ctx, a, in.EmployeeID)
	if err != nil {
		return nil, err
	}
	if err := attendance.CheckConverter(a, emp.ID, emp.Role); err != nil {
		return nil, err
	}
	if err := in.Check(emp.Schedule().Today(s.db.now())); err != nil {
		return nil, err
	}
	p, err := s.db.requestPolicy(ctx, s.db.reader(), in.LeaveType)
	if err != nil {
		return nil, err
	}
	if p.Retired || !p.UsesAllowance {
		return nil, attendance.InvalidField("body.leave_type", "must be a leave type in use with a balance to credit")
	}
	ov, err := s.att.Overview(ctx, a, attendance.OverviewFilter{From: &in.From, To: &in.To, EmployeeID: &emp.ID})
	if err != nil {
		return nil, err
	}
	var overtime int64
	for _, r := range ov.Results {
		if r.EmployeeID == emp.ID {
			overtime = r.OvertimeSeconds
		}
	}
	dayMinutes, err := s.dayMinutes(ctx, emp, in.From, in.To)
	if err != nil {
		return nil, err
	}
	c, err := in.Conversion(overtime, dayMinutes)
	if err != nil {
		return nil, err
	}
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := s.db.employee(ctx, tx, emp.ID, true); err != nil {
			return err
		}
		prior, err := s.list(ctx, tx, `c.employee_id = ? AND c.from_date <= ? AND c.to_date >= ?`, []any{emp.ID, in.To.String(), in.From.String()}, 1, 0)
		if err != nil {
			return err
		}
		if len(prior) > 0 {
			return attendance.ErrAlreadyConverted(prior[0])
		}
		e := c.Entry(a.ID)
		if _, err := s.db.insertEntry(ctx, tx, &e); err != nil {
			return err
		}
		c.LedgerEntryID, c.CreatedBy, c.CreatedAt = int64(e.ID), a.ID, s.db.now()
		c.ID, err = tx.insertID(ctx, `INSERT INTO overtime_conversions (employee_id, leave_type, from_date, to_date, minutes, day_minutes,
			overtime_minutes, comment, ledger_entry_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.EmployeeID, string(c.LeaveType), c.From.String(), c.To.String(), c.Minutes, c.DayMinutes, c.OvertimeMinutes, c.Comment,
			c.LedgerEntryID, c.CreatedBy, s.db.t(c.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// dayMinutes is the length of a day off in lieu for emp over the range: the
// scheduled minutes of its first date with a shift.
func (s *OvertimeService) dayMinutes(ctx context.Context, emp *attendance.Employee, from, to attendance.Date) (int, error) {
	sched, err := s.db.schedule(ctx, s.db.reader(), emp, from, to)
	if err != nil {
		return 0, err
	}
	holidays, err := s.db.holidays(ctx, s.db.reader(), from, to)
	if err != nil {
		return 0, err
	}
	for d := from; d <= to; d++ {
		if inst, ok := sched.Instance(d, holidays); ok && inst.ScheduledMinutes() > 0 {
			return inst.ScheduledMinutes(), nil
		}
	}
	return attendance.DefaultDayMinutes, nil
}

// ListConversions lists the conversions of the actor or, with manager
// access, of everyone in scope (one employee with EmployeeID), newest first.
func (s *OvertimeService) ListConversions(ctx context.Context, a attendance.Actor, f attendance.ConversionFilter) (_ []*attendance.OvertimeConversion, _ int, err error) {
	defer wrap(&err, "ListConversions(actor %d)", a.ID)
	var w where
	w.addScope(a, "c.employee_id")
	if f.EmployeeID != nil {
		w.add("c.employee_id = ?", *f.EmployeeID)
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM overtime_conversions c WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	l, err := s.list(ctx, s.db.reader(), w.String(), w.args, limit, offset)
	return l, count, err
}

func (s *OvertimeService) list(ctx context.Context, q queryer, cond string, args []any, limit, offset int) ([]*attendance.OvertimeConversion, error) {
	rows, err := q.query(ctx, `SELECT c.id, c.employee_id, c.leave_type, c.from_date, c.to_date, c.minutes, c.day_minutes, c.overtime_minutes,
			c.comment, c.ledger_entry_id, c.created_by, c.created_at
		FROM overtime_conversions c WHERE `+cond+` ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*attendance.OvertimeConversion{}
	for rows.Next() {
		var c attendance.OvertimeConversion
		if err := rows.Scan(&c.ID, &c.EmployeeID, &c.LeaveType, dateCol{&c.From}, dateCol{&c.To}, &c.Minutes, &c.DayMinutes, &c.OvertimeMinutes,
			&c.Comment, &c.LedgerEntryID, &c.CreatedBy, timeCol{&c.CreatedAt}); err != nil {
			return nil, err
		}
		c.Amount = attendance.NewAmount(int64(c.Minutes), int64(c.DayMinutes))
		c.AmountExact = c.Amount.String()
		out = append(out, &c)
	}
	return out, rows.Err()
}
