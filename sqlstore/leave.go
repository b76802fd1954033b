package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// LeaveService keeps leave requests, their decisions and the balances they
// draw on (attendance.LeaveService).
type LeaveService struct{ db *DB }

var _ attendance.LeaveService = (*LeaveService)(nil)

// NewLeaveService returns the leave service of db.
func NewLeaveService(db *DB) *LeaveService { return &LeaveService{db: db} }

// RequestLeave files a pending request for the actor. Its cost in working days
// is fixed now; annual leave must fit the remaining balance.
func (s *LeaveService) RequestLeave(ctx context.Context, a attendance.Actor, in attendance.LeaveInput) (_ *attendance.LeaveRequest, err error) {
	defer wrap(&err, "RequestLeave(actor %d)", a.ID)
	var r *attendance.LeaveRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		r, err = idempotent(ctx, s.db, tx, a.ID, "leave", in.Idempotency, func() (*attendance.LeaveRequest, error) {
			return s.requestLeave(ctx, tx, a, in)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, s.db.withActions(ctx, s.db.reader(), a, r)
}

// ListLeave lists the actor's own requests, newest first.
func (s *LeaveService) ListLeave(ctx context.Context, a attendance.Actor, f attendance.LeaveFilter) (_ []*attendance.LeaveRequest, _ int, err error) {
	defer wrap(&err, "ListLeave(actor %d)", a.ID)
	f.EmployeeIDs, f.Department = []int64{a.ID}, nil
	views, n, err := s.leaveList(ctx, attendance.Actor{ID: a.ID, Role: attendance.RoleEmployee}, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*attendance.LeaveRequest, len(views))
	for i, v := range views {
		out[i] = &v.LeaveRequest
	}
	return out, n, s.db.withActions(ctx, s.db.reader(), a, out...)
}

// DecideLeave approves or rejects a pending request: the current step of
// its chain, which for a chain of one step is the request (DecideStep).
func (s *LeaveService) DecideLeave(ctx context.Context, a attendance.Actor, id int64, action attendance.LeaveAction, comment string) (*attendance.LeaveRequest, error) {
	return s.DecideStep(ctx, a, id, attendance.StepDecision{Action: action, Comment: comment})
}

// finishDecision applies the final decision of emp's request r, whose row
// and employee's row the caller holds locked: the last step's approval or
// any step's rejection (final). Approval re-reads the balance inside the
// transaction, with the employee's row locked, so two approvals racing can
// never overdraw it.
func (s *LeaveService) finishDecision(ctx context.Context, tx *Tx, emp *attendance.Employee, r *attendance.LeaveRequest, status attendance.LeaveStatus,
	final *attendance.StepRecord, names attendance.Names) error {
	if status == attendance.LeaveApproved {
		p, err := s.db.leavePolicy(ctx, tx, r.LeaveType, false)
		if err != nil {
			return err
		}
		if _, err := s.db.recordDue(ctx, tx, emp, p, r.StartDate.Year(), nil, nil); err != nil {
			return err
		}
		st, err := s.db.ledgerState(ctx, tx, emp, p, r.StartDate.Year())
		if err != nil {
			return err
		}
		if err := st.balance().CheckApproval(r.Cost, r.StartDate); err != nil {
			return err
		}
	}
	by, now, comment := *final.DecidedBy, *final.DecidedAt, final.Comment
	if _, err := tx.exec(ctx, `UPDATE leave_requests SET status = ?, decided_by = ?, decided_at = ?, decision_comment = ?, decided_for = ?,
		decided_as = ? WHERE id = ?`, string(status), by, s.db.t(now), comment, final.DecidedFor, string(final.DecidedAs), r.ID); err != nil {
		return err
	}
	r.Status, r.DecidedBy, r.DecidedAt, r.DecisionComment = status, &by, &now, comment
	r.SetFinal(final)
	if status == attendance.LeaveApproved {
		if err := s.db.writeTaken(ctx, tx, r, &by, false); err != nil {
			return err
		}
		if err := s.db.reevaluateRange(ctx, tx, emp, r.StartDate, r.EndDate, &by); err != nil {
			return err
		}
	}
	if _, err := s.db.notify(ctx, tx, attendance.LeaveChainDecided(r, *final, names)); err != nil {
		return err
	}
	s.emitLeave(tx, r)
	if today := s.db.companyToday(); r.ChecksLowBalanceAtOnce(today) {
		return s.db.checkLowBalance(ctx, tx, emp, today.Year())
	}
	return nil
}

// CancelLeave cancels the actor's own request: pending, or approved and not started.
func (s *LeaveService) CancelLeave(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.LeaveRequest, err error) {
	defer wrap(&err, "CancelLeave(actor %d, %d)", a.ID, id)
	var r *attendance.LeaveRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// The request's row first, then the employee's: the order a decision
		// takes them in, so that a cancel racing an approval waits, never deadlocks.
		var err error
		if r, err = s.leave(ctx, tx, id); err != nil {
			return err
		}
		emp, err := s.db.employee(ctx, tx, a.ID, true)
		if err != nil {
			return err
		}
		if r.EmployeeID != a.ID {
			// Someone who may see the request (a manager in scope) is told why
			// not; anyone else learns nothing of it.
			if ok, err := s.db.inScope(ctx, tx, a, r.EmployeeID); err != nil || !ok || !a.HasManagerAccess() {
				return orNotFound(err, "leave request")
			}
			return attendance.ErrForbidden("only the requester may cancel a leave request; a manager rejects a pending one instead")
		}
		if err := r.CanCancel(emp.Schedule().Today(s.db.now())); err != nil {
			return err
		}
		wasApproved := r.Status == attendance.LeaveApproved
		// cancelled_at: a pending request's cancel writes no entry, yet it
		// can leave days to carry over; the leave_ledger job reads it.
		if _, err := tx.exec(ctx, `UPDATE leave_requests SET status = 'cancelled', cancelled_at = ? WHERE id = ?`, s.db.t(s.db.now()), id); err != nil {
			return err
		}
		r.Status = attendance.LeaveCancelled
		if err := s.db.cancelChain(ctx, tx, id); err != nil {
			return err
		}
		if err := s.db.withChains(ctx, tx, r); err != nil {
			return err
		}
		s.emitLeave(tx, r)
		if wasApproved {
			if err := s.db.writeTaken(ctx, tx, r, &a.ID, true); err != nil {
				return err
			}
			return s.db.reevaluateRange(ctx, tx, emp, r.StartDate, r.EndDate, &a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, s.db.withActions(ctx, s.db.reader(), a, r)
}

// LeaveOverview lists the requests of everyone in the actor's scope.
func (s *LeaveService) LeaveOverview(ctx context.Context, a attendance.Actor, f attendance.LeaveFilter) (_ []*attendance.LeaveRequestView, _ int, err error) {
	defer wrap(&err, "LeaveOverview(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	views, n, err := s.leaveList(ctx, a, f)
	if err != nil || f.All {
		return views, n, err // a CSV has no buttons
	}
	rs := make([]*attendance.LeaveRequest, len(views))
	for i, v := range views {
		rs[i] = &v.LeaveRequest
	}
	return views, n, s.db.withActions(ctx, s.db.reader(), a, rs...)
}

// LeaveBalance returns the annual leave balance of the actor or, with manager
// access, of someone in scope. The year defaults to the current one.
func (s *LeaveService) LeaveBalance(ctx context.Context, a attendance.Actor, employeeID *int64, year *int) (_ *attendance.Balance, err error) {
	defer wrap(&err, "LeaveBalance(actor %d)", a.ID)
	id := a.ID
	if employeeID != nil {
		id = *employeeID
	}
	emp, err := s.db.findEmployee(ctx, a, id)
	if err != nil {
		return nil, err
	}
	y := s.db.companyToday().Year()
	if year != nil {
		y = *year
	}
	b, err := s.db.balance(ctx, s.db.reader(), emp, y)
	return &b, err
}

// requestLeave files the actor's request in tx.
func (s *LeaveService) requestLeave(ctx context.Context, tx *Tx, a attendance.Actor, in attendance.LeaveInput) (*attendance.LeaveRequest, error) {
	emp, err := s.db.employee(ctx, tx, a.ID, true)
	if err != nil {
		return nil, err
	}
	c, err := s.db.checkRequest(ctx, tx, emp, in)
	if err != nil {
		return nil, err
	}
	if c.overlap {
		return nil, attendance.ErrOverlap()
	}
	r, p, st := c.r, c.p, c.st
	if err := st.check(r); err != nil {
		return nil, err
	}
	r.CreatedAt = s.db.now()
	if !p.NeedsApproval {
		// Approved on request: the approval's check too, and the leave
		// taken at once.
		if err := st.balance().CheckApproval(r.Cost, r.StartDate); err != nil {
			return nil, err
		}
		at := r.CreatedAt
		r.Status, r.DecidedAt, r.DecisionComment = attendance.LeaveApproved, &at, "Approved on request: this leave type needs no approval"
	}
	if r.ID, err = s.db.insertLeave(ctx, tx, r); err != nil {
		return nil, err
	}
	if r.Status == attendance.LeaveApproved {
		if err := s.db.writeTaken(ctx, tx, r, nil, false); err != nil {
			return nil, err
		}
		if err := s.db.reevaluateRange(ctx, tx, emp, r.StartDate, r.EndDate, &a.ID); err != nil {
			return nil, err
		}
	}
	if r.Status == attendance.LeaveApproved {
		// Nothing to decide: the manager is told, as of any request.
		recipients, err := s.db.decidersOf(ctx, tx, emp)
		if err != nil {
			return nil, err
		}
		if _, err := s.db.notify(ctx, tx, attendance.LeaveRequested(emp, r, recipients)); err != nil {
			return nil, err
		}
		r.SetChain(attendance.ApprovalState{Steps: []attendance.StepRecord{}}, nil) // no approval: no steps
	} else if err := s.startChain(ctx, tx, emp, r); err != nil {
		return nil, err
	}
	s.emitLeave(tx, r)
	return r, nil
}

// checked is a new request validated and costed: the request to make, its
// type, its balance and whether it overlaps a request it may not.
type checked struct {
	r       *attendance.LeaveRequest
	p       *attendance.LeavePolicy
	st      *ledgerState
	charge  attendance.LeaveCharge
	overlap bool
}

// checkRequest validates and costs emp's request in and reads its balance
// (written due entries first, in a write transaction), for the checks that
// the request and the preview run.
func (db *DB) checkRequest(ctx context.Context, q queryer, emp *attendance.Employee, in attendance.LeaveInput) (*checked, error) {
	p, err := db.requestPolicy(ctx, q, in.LeaveType)
	if err != nil {
		return nil, err
	}
	if in.EndDate == 0 {
		in.EndDate = in.StartDate
	}
	var holidays attendance.Holidays
	workingDays := 0
	// The dates' shifts as the roster has them (patterns, rotations and
	// overrides), as lateness and the overview read them.
	sched, err := db.schedule(ctx, q, emp, in.StartDate, max(in.StartDate, in.EndDate))
	if err != nil {
		return nil, err
	}
	if in.EndDate >= in.StartDate && in.StartDate.Year() == in.EndDate.Year() {
		if holidays, err = db.holidays(ctx, q, in.StartDate, in.EndDate); err != nil {
			return nil, err
		}
		workingDays = sched.WorkingDays(in.StartDate, in.EndDate, holidays)
	}
	var start, end time.Time
	if inst, ok := sched.Instance(in.StartDate, holidays); ok {
		start, end = inst.Start, inst.End
	}
	charge, err := attendance.RequestCost(p, in, workingDays, start, end, sched.Location)
	if err != nil {
		return nil, err
	}
	r := &attendance.LeaveRequest{EmployeeID: emp.ID, LeaveType: p.Code, StartDate: in.StartDate, EndDate: in.EndDate,
		Status: attendance.LeavePending, Reason: in.Reason}
	r.SetCharge(charge, in)
	held, err := db.heldLeave(ctx, q, emp.ID, in.StartDate, in.EndDate)
	if err != nil {
		return nil, err
	}
	c := &checked{r: r, p: p, charge: charge}
	for _, h := range held {
		if h.Overlaps(r.Held()) {
			c.overlap = true
		}
	}
	if tx, ok := q.(*Tx); ok {
		if _, err := db.recordDue(ctx, tx, emp, p, r.StartDate.Year(), nil, nil); err != nil {
			return nil, err
		}
	}
	if c.st, err = db.ledgerState(ctx, q, emp, p, r.StartDate.Year()); err != nil {
		return nil, err
	}
	return c, nil
}

// check runs a new request's balance checks: the span across the carried
// days' expiry, the balance, the precision.
func (st *ledgerState) check(r *attendance.LeaveRequest) error {
	b := st.balance()
	if err := b.CheckSpan(r.StartDate, r.EndDate); err != nil {
		return err
	}
	if err := b.CheckRequest(r.Cost, r.StartDate); err != nil {
		return err
	}
	if st.p.UsesAllowance {
		return attendance.CheckPrecision(append(st.amounts(), r.Cost)...)
	}
	return nil
}

// holding is the condition that a request's status column col holds its
// dates (attendance.HoldingStatuses), and its arguments.
func holding(col string) (string, []any) {
	args := make([]any, len(attendance.HoldingStatuses))
	for i, st := range attendance.HoldingStatuses {
		args[i] = string(st)
	}
	return col + ` IN (` + placeholders(len(args)) + `)`, args
}

// heldLeave reads what an employee's pending and approved requests hold of
// the dates from first to last.
func (db *DB) heldLeave(ctx context.Context, q queryer, employeeID int64, first, last attendance.Date) ([]attendance.HeldLeave, error) {
	holds, statuses := holding("status")
	rows, err := q.query(ctx, `SELECT start_date, end_date, start_at, end_at FROM leave_requests WHERE employee_id = ?
		AND start_date <= ? AND end_date >= ? AND `+holds, append([]any{employeeID, last.String(), first.String()}, statuses...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.HeldLeave
	for rows.Next() {
		var h attendance.HeldLeave
		var s, e *time.Time
		if err := rows.Scan(dateCol{&h.Start}, dateCol{&h.End}, nullTimeCol{&s}, nullTimeCol{&e}); err != nil {
			return nil, err
		}
		if s != nil && e != nil {
			h.Hours = &attendance.LeaveHours{Start: *s, End: *e}
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// insertLeave inserts a new request and returns its id.
func (db *DB) insertLeave(ctx context.Context, tx *Tx, r *attendance.LeaveRequest) (int64, error) {
	var decidedAt, startAt, endAt, startTime, endTime any
	if r.DecidedAt != nil {
		decidedAt = db.t(*r.DecidedAt)
	}
	if r.StartAt != nil && r.EndAt != nil {
		startAt, endAt = db.t(*r.StartAt), db.t(*r.EndAt)
	}
	if r.StartTime != nil && r.EndTime != nil {
		startTime, endTime = int(*r.StartTime), int(*r.EndTime)
	}
	return tx.insertID(ctx, `INSERT INTO leave_requests (employee_id, leave_type, start_date, end_date, half_day, days, cost_num, cost_den,
		unit, start_time, end_time, start_at, end_at, minutes, day_minutes, status, reason, decided_by, decided_at, decision_comment, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.EmployeeID, string(r.LeaveType), r.StartDate.String(),
		r.EndDate.String(), r.HalfDay, r.Days, r.Cost.Num(), r.Cost.Den(), string(r.Unit), startTime, endTime, startAt, endAt,
		r.Minutes, r.DayMinutes, string(r.Status), r.Reason, r.DecidedBy, decidedAt, r.DecisionComment, db.t(r.CreatedAt))
}

// writeTaken writes the ledger entry of an approved request (taken), or of
// a cancelled approved one (returned), by whoever decided or cancelled it.
func (db *DB) writeTaken(ctx context.Context, tx *Tx, r *attendance.LeaveRequest, by *int64, returned bool) error {
	e := attendance.LedgerEntry{EmployeeID: r.EmployeeID, LeaveType: r.LeaveType, Year: r.StartDate.Year(), Kind: attendance.EntryTaken,
		Date: r.StartDate, Amount: r.Cost.Neg(), Note: takenNote(r, returned), LeaveRequestID: &r.ID, CreatedBy: by}
	if returned {
		e.Kind, e.Amount = attendance.EntryReturned, r.Cost
	}
	_, err := db.insertEntry(ctx, tx, &e)
	return err
}

// leave reads one request, locking it in a write transaction.
func (s *LeaveService) leave(ctx context.Context, tx *Tx, id int64) (*attendance.LeaveRequest, error) {
	r, err := scanLeave(tx.queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`+s.db.d.ForUpdate, id))
	if err != nil {
		return nil, notFound(err, "leave request")
	}
	return r, nil
}

// leaveList lists the requests in the actor's scope that f selects, with
// their employee's name, newest first.
func (s *LeaveService) leaveList(ctx context.Context, a attendance.Actor, f attendance.LeaveFilter) ([]*attendance.LeaveRequestView, int, error) {
	var w where
	w.addScope(a, "l.employee_id")
	if f.Status != nil {
		w.add("l.status = ?", string(*f.Status))
	}
	if f.LeaveType != nil {
		w.add("l.leave_type = ?", string(*f.LeaveType))
	}
	if len(f.EmployeeIDs) > 0 {
		in, args := inIDs(f.EmployeeIDs)
		w.add("l.employee_id "+in, args...)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	if f.Year != nil {
		first, last := attendance.YearBounds(*f.Year)
		w.add("l.start_date >= ? AND l.start_date <= ?", first.String(), last.String())
	}
	if f.From != nil {
		w.add("l.end_date >= ?", f.From.String())
	}
	if f.To != nil {
		w.add("l.start_date <= ?", f.To.String())
	}
	from := ` FROM leave_requests l JOIN employees e ON e.id = l.employee_id WHERE ` + w.String()
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*)`+from, w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	if f.All {
		limit, offset = count, 0
	}
	order := ` ORDER BY l.created_at DESC, l.id DESC`
	if f.ByWaiting {
		order = ` ORDER BY (SELECT MIN(s.pending_since) FROM leave_request_steps s WHERE s.request_id = l.id AND s.status = 'pending') ASC NULLS LAST, l.id`
	}
	rows, err := s.db.reader().query(ctx, `SELECT `+leaveCols+`, e.username, e.first_name, e.last_name`+from+
		order+` LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.LeaveRequestView{}
	for rows.Next() {
		var e attendance.Employee
		r, err := scanLeave(rows, &e.Username, &e.FirstName, &e.LastName)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, &attendance.LeaveRequestView{LeaveRequest: *r, EmployeeName: e.Name()})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rs := make([]*attendance.LeaveRequest, len(out))
	for i, v := range out {
		rs[i] = &v.LeaveRequest
	}
	if err := s.db.withChains(ctx, s.db.reader(), rs...); err != nil {
		return nil, 0, err
	}
	return out, count, s.db.withWaits(ctx, s.db.reader(), rs...)
}

// emitLeave queues a message about a request's new status, for integrations.
func (s *LeaveService) emitLeave(tx *Tx, r *attendance.LeaveRequest) {
	l := *r
	tx.emit(attendance.Message{ID: "leave:" + strconv.FormatInt(r.ID, 10) + ":" + string(r.Status), Type: attendance.MessageLeave,
		OccurredAt: s.db.now(), Leave: &l})
}

// balance returns an employee's annual leave balance of a year as the
// contract shows it, from the ledger.
func (db *DB) balance(ctx context.Context, q queryer, emp *attendance.Employee, year int) (attendance.Balance, error) {
	p, err := db.leavePolicy(ctx, q, attendance.LeaveAnnual, false)
	if err != nil {
		return attendance.Balance{}, err
	}
	st, err := db.ledgerState(ctx, q, emp, p, year)
	if err != nil {
		return attendance.Balance{}, err
	}
	return st.balance().Legacy(), nil
}

// checkLowBalance notifies the employee and their manager when the remaining
// annual leave of year is at or below the threshold and lower than ever
// notified before that year.
func (db *DB) checkLowBalance(ctx context.Context, tx *Tx, emp *attendance.Employee, year int) error {
	if !emp.Active {
		return nil
	}
	b, err := db.balance(ctx, tx, emp, year)
	if err != nil {
		return err
	}
	var lowest *float64
	if err := tx.queryRow(ctx, `SELECT MIN(remaining) FROM leave_balance_alerts WHERE employee_id = ? AND year = ?`, emp.ID, year).Scan(&lowest); err != nil {
		return err
	}
	if !attendance.LowBalanceDue(b.Remaining, db.cfg.LowLeaveThreshold, lowest) {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO leave_balance_alerts (employee_id, year, remaining, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (employee_id, year, remaining) DO NOTHING`, emp.ID, year, b.Remaining, db.t(db.now())); err != nil {
		return err
	}
	managers, _, err := db.managersOf(ctx, tx, emp.ID)
	if err != nil {
		return err
	}
	recipients := append([]int64{emp.ID}, managers...)
	_, err = db.notify(ctx, tx, attendance.LowLeaveBalance(emp, b, recipients))
	return err
}

// leaveCols are the columns of an attendance.LeaveRequest, of leave_requests l.
const leaveCols = `l.id, l.employee_id, l.leave_type, l.start_date, l.end_date, l.half_day, l.days, l.status, l.reason,
	l.decided_by, l.decided_at, l.decision_comment, l.created_at, l.cost_num, l.cost_den, l.unit, l.start_time, l.end_time,
	l.start_at, l.end_at, l.minutes, l.day_minutes`

// scanLeave scans leaveCols, then extra.
func scanLeave(s scanner, extra ...any) (*attendance.LeaveRequest, error) {
	var r attendance.LeaveRequest
	var num, den int64
	var st, et *int
	err := s.Scan(append([]any{&r.ID, &r.EmployeeID, &r.LeaveType, dateCol{&r.StartDate}, dateCol{&r.EndDate}, &r.HalfDay, &r.Days,
		&r.Status, &r.Reason, &r.DecidedBy, nullTimeCol{&r.DecidedAt}, &r.DecisionComment, timeCol{&r.CreatedAt}, &num, &den, &r.Unit,
		&st, &et, nullTimeCol{&r.StartAt}, nullTimeCol{&r.EndAt}, &r.Minutes, &r.DayMinutes}, extra...)...)
	if err != nil {
		return nil, err
	}
	r.Cost = attendance.NewAmount(num, den)
	r.DaysExact = r.Cost.String()
	if st != nil && et != nil {
		s, e := attendance.TimeOfDay(*st), attendance.TimeOfDay(*et)
		r.StartTime, r.EndTime = &s, &e
	}
	return &r, nil
}
