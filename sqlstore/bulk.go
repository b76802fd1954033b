package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// BulkLoader stores generated rows as they are, in one transaction, without
// the per-request rules: for loading a demo company, whose generator obeys the
// rules itself. Never for user input.
type BulkLoader struct{ db *DB }

// NewBulkLoader returns the bulk loader of db.
func NewBulkLoader(db *DB) *BulkLoader { return &BulkLoader{db: db} }

// Load runs fn with a writer whose rows commit together when fn returns nil.
func (l *BulkLoader) Load(ctx context.Context, fn func(w *BulkWriter) error) (err error) {
	defer wrap(&err, "BulkLoader.Load()")
	db := l.db
	// Tests build a database of an earlier version (MigrateTo) and fill it
	// with the loader: it writes the day columns of the schema it finds.
	var probe int
	err = db.reader().queryRow(ctx, `SELECT COUNT(break_seconds) FROM attendance_days WHERE 1 = 0`).Scan(&probe)
	breaks := err == nil
	// and the leave columns: the exact cost and the ledger from version 5.
	err = db.reader().queryRow(ctx, `SELECT COUNT(cost_num) FROM leave_requests WHERE 1 = 0`).Scan(&probe)
	ledger := err == nil
	// A transaction of its own, never in a group: the load would hold the
	// group's other writes until it ends.
	w := &write{ctx: ctx, fn: func(tx *Tx) error {
		tx.prepareHere()
		defer tx.closePrepared()
		return fn(&BulkWriter{db: db, tx: tx, breaks: breaks, ledger: ledger})
	}}
	db.commit(context.WithoutCancel(ctx), w)
	return w.err
}

// BulkWriter writes rows inside a BulkLoader.Load transaction. Its errors
// reach the caller of Load, which names them.
type BulkWriter struct {
	db *DB
	tx *Tx
	// breaks: the days table has the columns of version 9 (breaks, last
	// exit, open session).
	breaks bool
	// ledger: the requests have their exact cost, and the leave ledger
	// exists (version 5).
	ledger bool
}

// Holiday stores a holiday, keeping an existing one on the same date.
func (w *BulkWriter) Holiday(ctx context.Context, h *attendance.Holiday) error {
	_, err := w.tx.exec(ctx, `INSERT INTO holidays (date, name, created_at) VALUES (?, ?, ?) ON CONFLICT (date) DO NOTHING`,
		h.Date.String(), h.Name, w.db.t(w.db.now()))
	return err
}

// Employee stores an employee and sets its ID.
func (w *BulkWriter) Employee(ctx context.Context, e *attendance.Employee, hash string) error {
	return w.db.insertEmployee(ctx, w.tx, e, hash)
}

// bulkBatch is how many rows one statement of a bulk load inserts.
const bulkBatch = 100

// Attendance stores one employee's events and the days derived from them,
// many rows per statement.
func (w *BulkWriter) Attendance(ctx context.Context, employeeID int64, events []attendance.AttendanceEvent, days []attendance.Day) error {
	now := w.db.t(w.db.now())
	for len(events) > 0 {
		n := min(len(events), bulkBatch)
		args := make([]any, 0, n*13)
		for _, e := range events[:n] {
			var voidedAt any
			if e.VoidedAt != nil {
				voidedAt = w.db.t(*e.VoidedAt)
			}
			args = append(args, e.EmployeeID, string(e.Type), w.db.t(e.Timestamp), e.Late, e.LateMinutes, string(e.Source),
				e.RecordedBy, e.Note, e.Voided, e.VoidedBy, voidedAt, e.VoidNote, now)
		}
		if _, err := w.tx.exec(ctx, `INSERT INTO attendance_events (employee_id, type, ts, late, late_minutes, source, recorded_by,
			note, voided, voided_by, voided_at, void_note, created_at) VALUES `+rows(n, 13), args...); err != nil {
			return err
		}
		events = events[n:]
	}
	for len(days) > 0 {
		n := min(len(days), bulkBatch)
		if !w.breaks {
			args := make([]any, 0, n*7)
			for _, d := range days[:n] {
				args = append(args, employeeID, d.Date.String(), d.Entries, d.Late, d.LateMinutes, d.WorkedSeconds, d.OpenSessions)
			}
			if _, err := w.tx.exec(ctx, `INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions)
				VALUES `+rows(n, 7), args...); err != nil {
				return err
			}
			days = days[n:]
			continue
		}
		args := make([]any, 0, n*10)
		for _, d := range days[:n] {
			args = append(args, employeeID, d.Date.String(), d.Entries, d.Late, d.LateMinutes, d.WorkedSeconds, d.OpenSessions,
				d.BreakSeconds, w.db.zt(d.LastExit), w.db.zt(d.OpenSince))
		}
		if _, err := w.tx.exec(ctx, `INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions,
			break_seconds, last_exit_at, open_since) VALUES `+rows(n, 10), args...); err != nil {
			return err
		}
		days = days[n:]
	}
	return nil
}

// Leave stores a request and sets its ID; an approved one also its ledger
// entry (taken), by its decider at the decision's time.
func (w *BulkWriter) Leave(ctx context.Context, r *attendance.LeaveRequest) error {
	if !w.ledger {
		return w.legacyLeave(ctx, r)
	}
	if r.Cost.IsZero() {
		r.Cost, _ = attendance.AmountFromFloat(r.Days)
		r.DaysExact = r.Cost.String()
	}
	if r.Unit == "" {
		r.Unit = attendance.UnitDay
		if r.HalfDay {
			r.Unit = attendance.UnitHalfDay
		}
	}
	var err error
	if r.ID, err = w.db.insertLeave(ctx, w.tx, r); err != nil || r.Status != attendance.LeaveApproved {
		return err
	}
	e := attendance.LedgerEntry{EmployeeID: r.EmployeeID, LeaveType: r.LeaveType, Year: r.StartDate.Year(), Kind: attendance.EntryTaken,
		Date: r.StartDate, Amount: r.Cost.Neg(), Note: takenNote(r, false), LeaveRequestID: &r.ID, CreatedBy: r.DecidedBy}
	_, err = w.db.insertEntry(ctx, w.tx, &e)
	return err
}

// legacyLeave stores a request in the columns of version 4: no exact cost,
// no ledger.
func (w *BulkWriter) legacyLeave(ctx context.Context, r *attendance.LeaveRequest) error {
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
