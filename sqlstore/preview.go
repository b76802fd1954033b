package sqlstore

import (
	"context"
	"errors"

	"github.com/openattendance/attendance"
)

var _ attendance.LeaveLedgerService = (*LedgerService)(nil)

// PreviewLeave says what the actor's request would cost and whether it
// would be made (PreviewRequest), without making it: the request's own
// validation (a 422 as the request would get), then its checks in order.
func (s *LedgerService) PreviewLeave(ctx context.Context, a attendance.Actor, in attendance.LeaveInput) (_ *attendance.LeavePreview, err error) {
	defer wrap(&err, "PreviewLeave(actor %d)", a.ID)
	emp, err := s.db.employee(ctx, s.db.reader(), a.ID, false)
	if err != nil {
		return nil, err
	}
	c, err := s.db.checkRequest(ctx, s.db.reader(), emp, in)
	if err != nil {
		return nil, err
	}
	pv := attendance.PreviewRequest(c.p, c.charge, c.st.balance(), c.r.StartDate, c.r.EndDate, c.overlap)
	if pv.OK && c.p.UsesAllowance {
		if err := attendance.CheckPrecision(append(c.st.amounts(), c.r.Cost)...); err != nil {
			pv.OK, pv.Code = false, attendance.ErrorCode(err)
			if e := (*attendance.Error)(nil); errors.As(err, &e) {
				pv.Detail = e.Message
			}
		}
	}
	return &pv, nil
}

// FindLeave returns one request to its requester or with manager access in
// scope; a pending one seen with manager access says what approving it now
// would do.
func (s *LedgerService) FindLeave(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.LeaveDetail, err error) {
	defer wrap(&err, "FindLeave(actor %d, %d)", a.ID, id)
	r, err := scanLeave(s.db.reader().queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "leave request")
	}
	if r.EmployeeID != a.ID {
		if !a.HasManagerAccess() {
			return nil, attendance.ErrNotFound("leave request")
		}
		if ok, err := s.db.inScope(ctx, s.db.reader(), a, r.EmployeeID); err != nil || !ok {
			return nil, orNotFound(err, "leave request")
		}
	}
	out := &attendance.LeaveDetail{LeaveRequest: *r}
	if r.Status != attendance.LeavePending || !a.HasManagerAccess() || r.EmployeeID == a.ID {
		return out, nil
	}
	emp, err := s.db.employee(ctx, s.db.reader(), r.EmployeeID, false)
	if err != nil {
		return nil, err
	}
	p, err := s.db.leavePolicy(ctx, s.db.reader(), r.LeaveType, false)
	if err != nil {
		return nil, err
	}
	st, err := s.db.ledgerState(ctx, s.db.reader(), emp, p, r.StartDate.Year())
	if err != nil {
		return nil, err
	}
	b := st.balance()
	ap := &attendance.ApprovalPreview{OK: true, Balance: b, RemainingAfter: b.Remaining}
	if err := b.CheckApproval(r.Cost, r.StartDate); err != nil {
		ap.OK, ap.Code = false, attendance.ErrorCode(err)
		if e := (*attendance.Error)(nil); errors.As(err, &e) {
			ap.Detail = e.Message
		}
	}
	out.Approval = ap
	return out, nil
}
