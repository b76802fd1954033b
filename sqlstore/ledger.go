package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/openattendance/attendance"
)

// LedgerService keeps the leave ledger (attendance.LedgerService): balances
// per type, the entries that explain them, and admins' adjustments. A
// balance is read as one employee's entries of one type and year plus their
// pending requests, and summed in Go (NewTypeBalance): SQL cannot sum
// fractions exactly.
type LedgerService struct{ db *DB }

var _ attendance.LedgerService = (*LedgerService)(nil)

// NewLedgerService returns the ledger service of db.
func NewLedgerService(db *DB) *LedgerService { return &LedgerService{db: db} }

// TypeBalance returns a balance of the actor or, with manager access, of
// someone in scope: leave type annual and the company's current year unless
// given.
func (s *LedgerService) TypeBalance(ctx context.Context, a attendance.Actor, employeeID *int64, leaveType *attendance.LeaveType, year *int) (_ *attendance.TypeBalance, err error) {
	defer wrap(&err, "TypeBalance(actor %d)", a.ID)
	emp, p, y, err := s.target(ctx, a, employeeID, leaveType, year)
	if err != nil {
		return nil, err
	}
	st, err := s.db.ledgerState(ctx, s.db.reader(), emp, p, y)
	if err != nil {
		return nil, err
	}
	b := st.balance()
	b.MarkLow(s.db.cfg.LowLeaveThreshold)
	return &b, nil
}

// TypeBalances returns every type's balance of a year: the types not
// retired, and retired ones with entries that year.
func (s *LedgerService) TypeBalances(ctx context.Context, a attendance.Actor, employeeID *int64, year *int) (_ []*attendance.TypeBalance, err error) {
	defer wrap(&err, "TypeBalances(actor %d)", a.ID)
	annual := attendance.LeaveAnnual
	emp, _, y, err := s.target(ctx, a, employeeID, &annual, year)
	if err != nil {
		return nil, err
	}
	all, err := s.db.leavePolicies(ctx, s.db.reader())
	if err != nil {
		return nil, err
	}
	out := []*attendance.TypeBalance{}
	for _, p := range all {
		st, err := s.db.ledgerState(ctx, s.db.reader(), emp, p, y)
		if err != nil {
			return nil, err
		}
		if p.Retired && len(st.entries()) == 0 {
			continue
		}
		b := st.balance()
		b.MarkLow(s.db.cfg.LowLeaveThreshold)
		out = append(out, &b)
	}
	return out, nil
}

// ListLedger lists a balance's entries newest first, each with the balance
// it leaves; the entries due but not yet written come first, without id.
func (s *LedgerService) ListLedger(ctx context.Context, a attendance.Actor, f attendance.LedgerFilter) (_ []*attendance.LedgerEntry, _ int, err error) {
	defer wrap(&err, "ListLedger(actor %d)", a.ID)
	emp, p, y, err := s.target(ctx, a, f.EmployeeID, f.LeaveType, f.Year)
	if err != nil {
		return nil, 0, err
	}
	st, err := s.db.ledgerState(ctx, s.db.reader(), emp, p, y)
	if err != nil {
		return nil, 0, err
	}
	entries := st.entries()
	attendance.Explain(entries)
	out := make([]*attendance.LedgerEntry, 0, len(entries))
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, &entries[i])
	}
	n := len(out)
	limit, offset := pageArgs(f.Page)
	return out[min(offset, n):min(offset+limit, n)], n, nil
}

// LedgerEntry returns one recorded entry with its running balance, to the
// employee or with manager access in scope.
func (s *LedgerService) LedgerEntry(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.LedgerEntry, err error) {
	defer wrap(&err, "LedgerEntry(actor %d, %d)", a.ID, id)
	e, err := scanEntry(s.db.reader().queryRow(ctx, `SELECT `+entryCols+` FROM leave_ledger l WHERE l.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "ledger entry")
	}
	entries, _, err := s.ListLedger(ctx, a, attendance.LedgerFilter{EmployeeID: &e.EmployeeID, LeaveType: &e.LeaveType, Year: &e.Year,
		Page: attendance.Page{Limit: maxEntries}})
	if err != nil {
		return nil, err
	}
	for _, x := range entries {
		if int64(x.ID) == id {
			return x, nil
		}
	}
	return nil, attendance.ErrNotFound("ledger entry")
}

// maxEntries bounds the entries of one balance read for one entry's running
// balance.
const maxEntries = 1 << 20

// JobRunEntries lists the entries a job run wrote, newest first (admins).
func (s *LedgerService) JobRunEntries(ctx context.Context, a attendance.Actor, runID int64, pg attendance.Page) (_ []*attendance.LedgerEntry, _ int, err error) {
	defer wrap(&err, "JobRunEntries(actor %d, %d)", a.ID, runID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, 0, err
	}
	var n int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM leave_ledger WHERE job_run_id = ?`, runID).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(pg)
	rows, err := s.db.reader().query(ctx, `SELECT `+entryCols+` FROM leave_ledger l WHERE l.job_run_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?`,
		runID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.LedgerEntry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, 0, err
		}
		e.AmountExact = e.Amount.String()
		out = append(out, e)
	}
	return out, n, rows.Err()
}

// Adjust records an admin's adjustment of someone's balance.
func (s *LedgerService) Adjust(ctx context.Context, a attendance.Actor, in attendance.AdjustmentInput) (_ *attendance.LedgerEntry, err error) {
	defer wrap(&err, "Adjust(actor %d, employee %d)", a.ID, in.EmployeeID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *attendance.LedgerEntry
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		out, err = idempotent(ctx, s.db, tx, a.ID, "leave_adjustment", in.Idempotency, func() (*attendance.LedgerEntry, error) {
			return s.adjust(ctx, tx, a, in)
		})
		return err
	})
	return out, err
}

func (s *LedgerService) adjust(ctx context.Context, tx *Tx, a attendance.Actor, in attendance.AdjustmentInput) (*attendance.LedgerEntry, error) {
	if ok, err := s.db.inScope(ctx, tx, a, in.EmployeeID); err != nil || !ok {
		return nil, orNotFound(err, "employee")
	}
	emp, err := s.db.employee(ctx, tx, in.EmployeeID, true)
	if err != nil {
		return nil, err
	}
	others := 0
	if emp.ID == a.ID {
		if others, err = s.db.adminsAboveOrBeside(ctx, tx, a.ID); err != nil {
			return nil, err
		}
	}
	if err := attendance.CheckAdjuster(a, emp.ID, others); err != nil {
		return nil, err
	}
	p, err := s.db.requestPolicy(ctx, tx, in.LeaveType)
	if err != nil {
		return nil, err
	}
	if !p.UsesAllowance {
		return nil, attendance.InvalidField("body.leave_type", "%s uses no allowance: there is no balance to adjust", p.Name)
	}
	if _, err := s.db.recordDue(ctx, tx, emp, p, in.Year, nil, nil); err != nil {
		return nil, err
	}
	st, err := s.db.ledgerState(ctx, tx, emp, p, in.Year)
	if err != nil {
		return nil, err
	}
	if err := attendance.CheckPrecision(append(st.amounts(), in.Days)...); err != nil {
		return nil, err
	}
	e := attendance.LedgerEntry{EmployeeID: emp.ID, LeaveType: p.Code, Year: in.Year, Kind: attendance.EntryAdjustment,
		Date: clampToYear(emp.Schedule().Today(s.db.now()), in.Year), Amount: in.Days, Note: in.Note, CreatedBy: &a.ID}
	if _, err := s.db.insertEntry(ctx, tx, &e); err != nil {
		return nil, err
	}
	entries := append(st.entries(), e)
	attendance.Explain(entries)
	out := entries[len(entries)-1]
	return &out, nil
}

// target resolves the employee (the actor by default; with manager access
// someone in scope), the leave type (annual by default) and the year (the
// company's current one by default) of a balance.
func (s *LedgerService) target(ctx context.Context, a attendance.Actor, employeeID *int64, leaveType *attendance.LeaveType, year *int) (*attendance.Employee, *attendance.LeavePolicy, int, error) {
	id := a.ID
	if employeeID != nil {
		id = *employeeID
	}
	emp, err := s.db.findEmployee(ctx, a, id)
	if err != nil {
		return nil, nil, 0, err
	}
	code := attendance.LeaveAnnual
	if leaveType != nil {
		code = *leaveType
	}
	p, err := s.db.leavePolicy(ctx, s.db.reader(), code, false)
	if ae := (*attendance.Error)(nil); errors.As(err, &ae) && ae.Kind == attendance.KindNotFound {
		return nil, nil, 0, attendance.InvalidField("query.leave_type", "is not a leave type (see /api/leaves/types/)")
	}
	if err != nil {
		return nil, nil, 0, err
	}
	y := s.db.companyToday().Year()
	if year != nil {
		y = *year
	}
	return emp, p, y, nil
}

// ledgerState is what one balance reads: the recorded entries of the type
// (of the year and, when the type carries over, of the years before it
// from its first), the pending reservations, and what the rules say is due
// and not yet written.
type ledgerState struct {
	p        *attendance.LeavePolicy
	emp      *attendance.Employee
	year     int
	recorded []attendance.LedgerEntry
	pending  []attendance.Reservation
	due      []attendance.LedgerEntry
}

// ledgerState reads a balance of emp's leave of type p in year as of their
// local date.
func (db *DB) ledgerState(ctx context.Context, q queryer, emp *attendance.Employee, p *attendance.LeavePolicy, year int) (*ledgerState, error) {
	st := &ledgerState{p: p, emp: emp, year: year}
	lo := year
	if p.CarryOverMax.Sign() > 0 && p.FirstYear < year {
		lo = p.FirstYear
	}
	rows, err := q.query(ctx, `SELECT `+entryCols+` FROM leave_ledger l WHERE l.employee_id = ? AND l.leave_type = ? AND l.year >= ? AND l.year <= ?
		ORDER BY l.id`, emp.ID, string(p.Code), lo, year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		st.recorded = append(st.recorded, *e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	first, _ := attendance.YearBounds(lo)
	_, last := attendance.YearBounds(year)
	rows, err = q.query(ctx, `SELECT id, start_date, cost_num, cost_den FROM leave_requests WHERE employee_id = ? AND leave_type = ?
		AND status = 'pending' AND start_date >= ? AND start_date <= ? ORDER BY id`, emp.ID, string(p.Code), first.String(), last.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r attendance.Reservation
		var num, den int64
		if err := rows.Scan(&r.LeaveRequestID, dateCol{&r.Start}, &num, &den); err != nil {
			rows.Close()
			return nil, err
		}
		r.Cost = attendance.NewAmount(num, den)
		st.pending = append(st.pending, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	allowance, _, err := db.allowanceOf(ctx, q, emp, p)
	if err != nil {
		return nil, err
	}
	today := emp.Schedule().Today(db.now())
	st.due = attendance.DueEntries(p, allowance, emp.HiredOn, emp.DeactivatedOn, year, today, st.recorded, st.pending)
	// Late penalties: the year's due entry, when the policy and what is
	// booked differ (the late_penalties job writes it; reads add it).
	if p.Code == attendance.LeaveAnnual {
		var booked attendance.Amount
		for _, e := range st.recorded {
			if e.Year == year && e.Kind == attendance.EntryLatePenalty {
				booked = booked.Add(e.Amount)
			}
		}
		if db.cfg.LatePenaltyMinutes > 0 || !booked.IsZero() {
			minutes, err := db.lateMinutes(ctx, q, emp.ID, year)
			if err != nil {
				return nil, err
			}
			if e, ok := attendance.LatePenaltyEntry(year, minutes, db.cfg.LatePenaltyMinutes, booked, clampToYear(today, year)); ok {
				st.due = append(st.due, e)
			}
		}
	}
	for i := range st.due {
		st.due[i].EmployeeID = emp.ID
	}
	return st, nil
}

// lateMinutes sums an employee's late minutes of a year.
func (db *DB) lateMinutes(ctx context.Context, q queryer, employeeID int64, year int) (int, error) {
	first, last := attendance.YearBounds(year)
	var minutes int
	err := q.queryRow(ctx, `SELECT COALESCE(SUM(late_minutes), 0) FROM attendance_days
		WHERE employee_id = ? AND late AND date >= ? AND date <= ?`, employeeID, first.String(), last.String()).Scan(&minutes)
	return minutes, err
}

// entries returns the year's entries: recorded in the order they were
// recorded, then the due ones.
func (st *ledgerState) entries() []attendance.LedgerEntry {
	out := []attendance.LedgerEntry{}
	for _, e := range st.recorded {
		if e.Year == st.year {
			out = append(out, e)
		}
	}
	for _, e := range st.due {
		if e.Year == st.year {
			out = append(out, e)
		}
	}
	return out
}

// balance sums the year's entries and reservations.
func (st *ledgerState) balance() attendance.TypeBalance {
	return attendance.NewTypeBalance(st.p, st.emp.ID, st.year, st.entries(), st.pending)
}

// amounts lists the amounts of the balance, for CheckPrecision.
func (st *ledgerState) amounts() []attendance.Amount {
	var out []attendance.Amount
	for _, e := range st.entries() {
		out = append(out, e.Amount)
	}
	for _, r := range st.pending {
		if r.Start.Year() == st.year {
			out = append(out, r.Cost)
		}
	}
	return out
}

// recordDue writes what is due of emp's balance of p up to year (credits,
// carry-over, expiry) for the years from the type's first on; the years
// before it always read their grant and never write it. Entries already
// written by someone else are skipped (the unique period), so the returned
// ones are those this call wrote. The caller holds emp's row lock.
func (db *DB) recordDue(ctx context.Context, tx *Tx, emp *attendance.Employee, p *attendance.LeavePolicy, year int, jobRun *int64, createdBy *int64) ([]attendance.LedgerEntry, error) {
	if !p.UsesAllowance || p.Retired {
		return nil, nil
	}
	st, err := db.ledgerState(ctx, tx, emp, p, year)
	if err != nil {
		return nil, err
	}
	var written []attendance.LedgerEntry
	for _, e := range st.due {
		if e.Year < p.FirstYear || e.Period == "" {
			continue // before the ledger, or a late penalty (the late_penalties job's)
		}
		e.JobRunID, e.CreatedBy = jobRun, createdBy
		ok, err := db.insertEntry(ctx, tx, &e)
		if err != nil {
			return nil, err
		}
		if ok {
			written = append(written, e)
		}
	}
	return written, nil
}

// insertEntry appends e to the ledger, filling its id and creation time. An
// entry with a period that is written already is skipped: ok is false.
func (db *DB) insertEntry(ctx context.Context, tx *Tx, e *attendance.LedgerEntry) (ok bool, err error) {
	e.CreatedAt = db.now()
	var un, ud any
	if e.Unrounded != nil {
		un, ud = e.Unrounded.Num(), e.Unrounded.Den()
	}
	args := []any{e.EmployeeID, string(e.LeaveType), e.Year, string(e.Kind), e.Date.String(), e.Amount.Num(), e.Amount.Den(), e.Period,
		e.Note, un, ud, e.LeaveRequestID, e.EventID, e.JobRunID, e.CreatedBy, db.t(e.CreatedAt)}
	const insert = `INSERT INTO leave_ledger (employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num,
		unrounded_den, leave_request_id, attendance_event_id, job_run_id, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	if e.Period == "" && e.LeaveRequestID == nil {
		id, err := tx.insertID(ctx, insert, args...)
		e.ID = attendance.EntryID(id)
		return err == nil, err
	}
	rows, err := tx.query(ctx, insert+` ON CONFLICT DO NOTHING RETURNING id`, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return false, err
		}
		e.ID, ok = attendance.EntryID(id), true
	}
	return ok, rows.Err()
}

// entryCols are the columns of a LedgerEntry, of leave_ledger l.
const entryCols = `l.id, l.employee_id, l.leave_type, l.year, l.kind, l.date, l.num, l.den, l.period, l.note, l.unrounded_num,
	l.unrounded_den, l.leave_request_id, l.attendance_event_id, l.job_run_id, l.created_by, l.created_at`

func scanEntry(s scanner) (*attendance.LedgerEntry, error) {
	var e attendance.LedgerEntry
	var num, den int64
	var un, ud *int64
	if err := s.Scan(&e.ID, &e.EmployeeID, &e.LeaveType, &e.Year, &e.Kind, dateCol{&e.Date}, &num, &den, &e.Period, &e.Note, &un, &ud,
		&e.LeaveRequestID, &e.EventID, &e.JobRunID, &e.CreatedBy, timeCol{&e.CreatedAt}); err != nil {
		return nil, err
	}
	e.Amount = attendance.NewAmount(num, den)
	if un != nil && ud != nil && *ud != 0 {
		u := attendance.NewAmount(*un, *ud)
		e.Unrounded = &u
	}
	return &e, nil
}

// clampToYear returns d, or the first or last date of year when d lies
// before or after it.
func clampToYear(d attendance.Date, year int) attendance.Date {
	first, last := attendance.YearBounds(year)
	return max(first, min(d, last))
}

// takenNote says what a taken or returned entry is for.
func takenNote(r *attendance.LeaveRequest, returned bool) string {
	var what string
	switch {
	case r.Minutes != nil && r.DayMinutes != nil && r.StartTime != nil && r.EndTime != nil:
		what = fmt.Sprintf("%s (%s–%s on %s) of a %s day: %s of a day", hoursText(*r.Minutes), r.StartTime, r.EndTime, r.StartDate,
			hoursText(*r.DayMinutes), r.Cost.String())
	case r.Unit == attendance.UnitHalfDay:
		what = fmt.Sprintf("half a day on %s", r.StartDate)
	case r.StartDate == r.EndDate:
		what = fmt.Sprintf("%s on %s", daysText(r.Cost), r.StartDate)
	default:
		what = fmt.Sprintf("%s from %s to %s", daysText(r.Cost), r.StartDate, r.EndDate)
	}
	if returned {
		return "Cancelled: " + what + " given back."
	}
	return "Approved: " + what + "."
}

func hoursText(minutes int) string {
	h, m := minutes/60, minutes%60
	switch {
	case m == 0:
		return fmt.Sprintf("%d h", h)
	case h == 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

func daysText(a attendance.Amount) string {
	if a == attendance.WholeDays(1) {
		return "1 day"
	}
	return a.Decimal() + " days"
}
