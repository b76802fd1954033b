package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// LegacyWriter writes a demo company as version 4 of the schema held it:
// requests without their exact cost, and no ledger.
type LegacyWriter struct{ *BulkWriter }

// Leave stores a request in the columns of version 4.
func (w LegacyWriter) Leave(ctx context.Context, r *attendance.LeaveRequest) error {
	var decided any
	if r.DecidedAt != nil {
		decided = w.db.t(*r.DecidedAt)
	}
	var err error
	r.ID, err = w.tx.insertID(ctx, `INSERT INTO leave_requests (employee_id, leave_type, start_date, end_date, half_day, days, status, reason,
		decided_by, decided_at, decision_comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.EmployeeID, string(r.LeaveType), r.StartDate.String(), r.EndDate.String(), r.HalfDay, r.Days,
		string(r.Status), r.Reason, r.DecidedBy, decided, r.DecisionComment, w.db.t(r.CreatedAt))
	return err
}
