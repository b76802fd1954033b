package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// CorrectionService keeps the correction requests employees make of their
// own attendance record, and records or voids the event when a manager
// approves one (attendance.CorrectionService).
type CorrectionService struct {
	db  *DB
	att *AttendanceService
}

var _ attendance.CorrectionService = (*CorrectionService)(nil)

// NewCorrectionService returns the correction service of db.
func NewCorrectionService(db *DB) *CorrectionService {
	return &CorrectionService{db: db, att: NewAttendanceService(db)}
}

// RequestCorrection files a pending request of the actor. An add must fit
// the actor's sequence as it is now, a void name one of their own events
// that is not voided; a pending request asking for the same is a conflict.
// The deciders are notified in the same transaction.
func (s *CorrectionService) RequestCorrection(ctx context.Context, a attendance.Actor, in attendance.CorrectionInput) (_ *attendance.CorrectionRequest, err error) {
	defer wrap(&err, "RequestCorrection(actor %d)", a.ID)
	var r *attendance.CorrectionRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		r, err = idempotent(ctx, s.db, tx, a.ID, "correction", in.Idempotency, func() (*attendance.CorrectionRequest, error) {
			return s.request(ctx, tx, a, in)
		})
		return err
	})
	return r, err
}

func (s *CorrectionService) request(ctx context.Context, tx *Tx, a attendance.Actor, in attendance.CorrectionInput) (*attendance.CorrectionRequest, error) {
	// The employee's lock, which every change of their events holds: the
	// sequence and the event read below stay as they are until commit.
	emp, err := s.db.employee(ctx, tx, a.ID, true)
	if err != nil {
		return nil, err
	}
	loc := emp.Schedule().Location
	now := s.db.now()
	ts, err := in.Check(loc, now)
	if err != nil {
		return nil, err
	}
	var voidDate *attendance.Date
	switch in.Action {
	case attendance.CorrectionAdd:
		if err := in.CheckHired(ts, loc, emp.HiredOn); err != nil {
			return nil, err
		}
		ts = ts.UTC().Truncate(time.Microsecond)
		prev, next, err := s.att.neighbours(ctx, tx, emp.ID, ts, 0)
		if err != nil {
			return nil, err
		}
		if err := attendance.CheckSequence(prev, next, *in.Type, ts, loc); err != nil {
			return nil, err
		}
	case attendance.CorrectionVoid:
		ev, err := scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, *in.EventID))
		if err != nil {
			return nil, notFound(err, "attendance event")
		}
		if err := attendance.CheckVoidTarget(ev, emp.ID); err != nil {
			return nil, err
		}
		ts = ev.Timestamp
		d := attendance.StoredWorkDates(loc)(ev)
		voidDate = &d
	}
	r := attendance.NewCorrectionRequest(emp.ID, in, ts, now)
	if voidDate != nil {
		r.Date = voidDate
	}
	pending, err := s.list(ctx, tx, `r.employee_id = ? AND r.status = 'pending'`, []any{emp.ID}, 0, 0)
	if err != nil {
		return nil, err
	}
	for _, other := range pending {
		if r.Duplicates(&other.CorrectionRequest) {
			return nil, attendance.ErrDuplicateCorrection(&other.CorrectionRequest)
		}
	}
	var typ, tm any
	if r.Type != nil {
		typ = string(*r.Type)
	}
	if r.Time != nil {
		tm = int(*r.Time)
	}
	if r.ID, err = tx.insertID(ctx, `INSERT INTO correction_requests (employee_id, action, type, date, time, ts, event_id, reason, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.EmployeeID, string(r.Action), typ, datePtr(r.Date), tm, s.db.t(*r.Timestamp),
		r.EventID, r.Reason, string(r.Status), s.db.t(r.CreatedAt)); err != nil {
		return nil, err
	}
	recipients, err := s.db.decidersOf(ctx, tx, emp)
	if err != nil {
		return nil, err
	}
	if _, err := s.db.notify(ctx, tx, attendance.CorrectionRequested(emp, r, recipients)); err != nil {
		return nil, err
	}
	s.emit(tx, r)
	return r, nil
}

// ListCorrections lists the actor's own requests, newest first.
func (s *CorrectionService) ListCorrections(ctx context.Context, a attendance.Actor, f attendance.CorrectionFilter) (_ []*attendance.CorrectionRequest, _ int, err error) {
	defer wrap(&err, "ListCorrections(actor %d)", a.ID)
	f.EmployeeID, f.Department = &a.ID, nil
	views, n, err := s.page(ctx, a, f, false)
	if err != nil {
		return nil, 0, err
	}
	out := make([]*attendance.CorrectionRequest, len(views))
	for i, v := range views {
		out[i] = &v.CorrectionRequest
	}
	return out, n, nil
}

// CorrectionOverview lists the requests of everyone in the actor's scope but
// the actor, newest first, with their names.
func (s *CorrectionService) CorrectionOverview(ctx context.Context, a attendance.Actor, f attendance.CorrectionFilter) (_ []*attendance.CorrectionRequestView, _ int, err error) {
	defer wrap(&err, "CorrectionOverview(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	return s.page(ctx, a, f, true)
}

// Correction returns one request: the actor's own, or one of someone in the
// actor's scope with manager access; any other is not found.
func (s *CorrectionService) Correction(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.CorrectionRequestView, err error) {
	defer wrap(&err, "Correction(actor %d, %d)", a.ID, id)
	l, err := s.list(ctx, s.db.reader(), `r.id = ?`, []any{id}, 1, 0)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, attendance.ErrNotFound("correction request")
	}
	if r := l[0]; r.EmployeeID != a.ID {
		if !a.HasManagerAccess() {
			return nil, attendance.ErrNotFound("correction request")
		}
		if ok, err := s.db.inScope(ctx, s.db.reader(), a, r.EmployeeID); err != nil || !ok {
			return nil, orNotFound(err, "correction request")
		}
	}
	return l[0], nil
}

// DecideCorrection approves or rejects a pending request of someone in the
// actor's scope. Approving an add records the event as a manager's
// correction does, with the same sequence rule; approving a void voids the
// event. The request and the event change in one transaction, under the
// request's row lock and the employee's: of two decisions, or a decision and
// a cancel, at once, one wins and the other finds the request decided.
// An approval that no longer fits leaves the request pending.
func (s *CorrectionService) DecideCorrection(ctx context.Context, a attendance.Actor, id int64, d attendance.CorrectionDecision) (_ *attendance.CorrectionRequest, err error) {
	defer wrap(&err, "DecideCorrection(actor %d, %d)", a.ID, id)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	var r *attendance.CorrectionRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		r, err = idempotent(ctx, s.db, tx, a.ID, "correction-action", d.Idempotency, func() (*attendance.CorrectionRequest, error) {
			return s.decide(ctx, tx, a, id, d)
		})
		return err
	})
	return r, err
}

func (s *CorrectionService) decide(ctx context.Context, tx *Tx, a attendance.Actor, id int64, d attendance.CorrectionDecision) (*attendance.CorrectionRequest, error) {
	// The request's row first, then the employee's, as a cancel takes them.
	r, err := s.locked(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	emp, err := s.db.employee(ctx, tx, r.EmployeeID, true)
	if err != nil {
		return nil, err
	}
	if ok, err := s.db.inScope(ctx, tx, a, emp.ID); err != nil || !ok {
		return nil, orNotFound(err, "correction request")
	}
	if err := attendance.CheckCorrectionDecider(a, emp.ID, emp.Role); err != nil {
		return nil, err
	}
	if err := attendance.CheckCorrectionDecision(d.Action, d.Comment); err != nil {
		return nil, err
	}
	if err := r.CheckPending(); err != nil {
		return nil, err
	}
	now := s.db.now()
	if d.Action == attendance.Approve {
		switch r.Action {
		case attendance.CorrectionAdd:
			if err := s.approveAdd(ctx, tx, a, emp, r, now); err != nil {
				return nil, err
			}
		case attendance.CorrectionVoid:
			if err := s.approveVoid(ctx, tx, a, emp, r); err != nil {
				return nil, err
			}
		}
	}
	r.Decide(a, d.Action, d.Comment, now)
	if _, err := tx.exec(ctx, `UPDATE correction_requests SET status = ?, decided_by = ?, decided_at = ?, decision_comment = ?, event_id = ?
		WHERE id = ?`, string(r.Status), a.ID, s.db.t(now), r.DecisionComment, r.EventID, r.ID); err != nil {
		return nil, err
	}
	if _, err := s.db.notify(ctx, tx, attendance.CorrectionDecided(r)); err != nil {
		return nil, err
	}
	s.emit(tx, r)
	return r, nil
}

// approveAdd records the event an add asks for, as the decider's correction
// of emp's record, when it still fits their sequence; the request keeps the
// recorded event's id.
func (s *CorrectionService) approveAdd(ctx context.Context, tx *Tx, a attendance.Actor, emp *attendance.Employee, r *attendance.CorrectionRequest, now time.Time) error {
	loc := emp.Schedule().Location
	prev, next, err := s.att.neighbours(ctx, tx, emp.ID, *r.Timestamp, 0)
	if err != nil {
		return err
	}
	if err := r.CheckFits(prev, next, loc); err != nil {
		return err
	}
	ev := r.Correction(a)
	ev.CorrectionRequestID = &r.ID
	if err := s.att.insertEvent(ctx, tx, emp, &ev, prev, next, now); err != nil {
		return err
	}
	r.EventID = &ev.ID
	if err := s.db.nameEvents(ctx, tx, nil, &ev); err != nil {
		return err
	}
	recipients, chain, err := s.db.managersOf(ctx, tx, emp.ID)
	if err != nil {
		return err
	}
	s.att.emitEvent(tx, &ev, chain, "")
	if ev.Late {
		if _, err := s.db.notify(ctx, tx, attendance.LateArrival(emp, &ev, recipients)); err != nil {
			return err
		}
	}
	return nil
}

// approveVoid voids the event a void names, as the decider's void, with the
// request in its note and its correction_request_id.
func (s *CorrectionService) approveVoid(ctx context.Context, tx *Tx, a attendance.Actor, emp *attendance.Employee, r *attendance.CorrectionRequest) error {
	ev, err := scanEvent(tx.queryRow(ctx, `SELECT `+eventCols+` FROM attendance_events ev WHERE ev.id = ?`, *r.EventID))
	if err != nil {
		return notFound(err, "attendance event")
	}
	if err := attendance.CheckVoidTarget(ev, emp.ID); err != nil {
		if attendance.ErrorCode(err) == "already_voided" {
			return attendance.Errorf(attendance.KindConflict, "already_voided",
				"correction request %d asks to void event %d, which was voided meanwhile: reject the request", r.ID, ev.ID)
		}
		return err
	}
	ev.CorrectionRequestID = &r.ID
	return s.att.voidEvent(ctx, tx, emp, ev, a.ID, r.AuditNote())
}

// CancelCorrection cancels the actor's own pending request. A manager who
// may see the request is told that only the requester may; anyone else
// learns nothing of it.
func (s *CorrectionService) CancelCorrection(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.CorrectionRequest, err error) {
	defer wrap(&err, "CancelCorrection(actor %d, %d)", a.ID, id)
	var r *attendance.CorrectionRequest
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		if r, err = s.locked(ctx, tx, id); err != nil {
			return err
		}
		if _, err := s.db.employee(ctx, tx, r.EmployeeID, true); err != nil {
			return err
		}
		if r.EmployeeID != a.ID {
			if ok, err := s.db.inScope(ctx, tx, a, r.EmployeeID); err != nil || !ok || !a.HasManagerAccess() {
				return orNotFound(err, "correction request")
			}
			return attendance.ErrForbidden("only the requester may cancel a correction request; a manager rejects a pending one instead")
		}
		if err := r.CheckPending(); err != nil {
			return err
		}
		r.Status = attendance.CorrectionCancelled
		if _, err := tx.exec(ctx, `UPDATE correction_requests SET status = ? WHERE id = ?`, string(r.Status), r.ID); err != nil {
			return err
		}
		s.emit(tx, r)
		return nil
	})
	return r, err
}

// emit queues a message about a request's new status, for integrations
// (the broker's correction.<status>).
func (s *CorrectionService) emit(tx *Tx, r *attendance.CorrectionRequest) {
	c := *r
	tx.emit(attendance.Message{ID: "correction:" + strconv.FormatInt(r.ID, 10) + ":" + string(r.Status), Type: attendance.MessageCorrection,
		OccurredAt: s.db.now(), Correction: &c})
}

// locked reads one request in a write transaction, locking its row.
func (s *CorrectionService) locked(ctx context.Context, tx *Tx, id int64) (*attendance.CorrectionRequest, error) {
	r, err := scanCorrection(tx.queryRow(ctx, `SELECT `+correctionCols+` FROM correction_requests r WHERE r.id = ?`+s.db.d.ForUpdate, id))
	if err != nil {
		return nil, notFound(err, "correction request")
	}
	return r, nil
}

// page lists the requests in the actor's scope that f selects, newest first,
// with the total count; others leaves out the actor's own.
func (s *CorrectionService) page(ctx context.Context, a attendance.Actor, f attendance.CorrectionFilter, others bool) ([]*attendance.CorrectionRequestView, int, error) {
	var w where
	w.addScope(a, "r.employee_id")
	if others {
		w.add("r.employee_id <> ?", a.ID)
	}
	if f.Status != nil {
		w.add("r.status = ?", string(*f.Status))
	}
	if f.EmployeeID != nil {
		w.add("r.employee_id = ?", *f.EmployeeID)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	if f.From != nil {
		w.add("r.date >= ?", f.From.String())
	}
	if f.To != nil {
		w.add("r.date <= ?", f.To.String())
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM correction_requests r JOIN employees e ON e.id = r.employee_id WHERE `+w.String(),
		w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	l, err := s.list(ctx, s.db.reader(), w.String(), w.args, limit, offset)
	return l, count, err
}

// list reads the requests that cond selects, newest first, with their
// employee's name; limit 0 reads them all.
func (s *CorrectionService) list(ctx context.Context, q queryer, cond string, args []any, limit, offset int) ([]*attendance.CorrectionRequestView, error) {
	query := `SELECT ` + correctionCols + `, e.username, e.first_name, e.last_name FROM correction_requests r
		JOIN employees e ON e.id = r.employee_id WHERE ` + cond + ` ORDER BY r.created_at DESC, r.id DESC`
	if limit > 0 {
		query += fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*attendance.CorrectionRequestView{}
	for rows.Next() {
		var e attendance.Employee
		r, err := scanCorrection(rows, &e.Username, &e.FirstName, &e.LastName)
		if err != nil {
			return nil, err
		}
		out = append(out, &attendance.CorrectionRequestView{CorrectionRequest: *r, EmployeeName: e.Name()})
	}
	return out, rows.Err()
}

// correctionCols are the columns of an attendance.CorrectionRequest, of correction_requests r.
const correctionCols = `r.id, r.employee_id, r.action, r.type, r.date, r.time, r.ts, r.event_id, r.reason, r.status,
	r.decided_by, r.decided_at, r.decision_comment, r.created_at`

// scanCorrection scans correctionCols, then extra.
func scanCorrection(s scanner, extra ...any) (*attendance.CorrectionRequest, error) {
	var r attendance.CorrectionRequest
	var typ *string
	var tm *int
	var ts time.Time
	err := s.Scan(append([]any{&r.ID, &r.EmployeeID, &r.Action, &typ, nullDateCol{&r.Date}, &tm, timeCol{&ts}, &r.EventID, &r.Reason, &r.Status,
		&r.DecidedBy, nullTimeCol{&r.DecidedAt}, &r.DecisionComment, timeCol{&r.CreatedAt}}, extra...)...)
	if err != nil {
		return nil, err
	}
	r.Timestamp = &ts
	if typ != nil {
		t := attendance.EventType(*typ)
		r.Type = &t
	}
	if tm != nil {
		t := attendance.TimeOfDay(*tm)
		r.Time = &t
	}
	return &r, nil
}
