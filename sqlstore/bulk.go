package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/openattendance/attendance"
)

// BulkLoader stores generated rows as they are, in one transaction, without
// the per-request rules: for loading a demo company, whose generator obeys the
// rules itself. Never for user input.
type BulkLoader struct {
	db *DB
	// copyBatch: how many buffered rows one Copy loads; idBlock: how many
	// leave request ids are taken from the sequence at a time.
	copyBatch, idBlock int
}

// NewBulkLoader returns the bulk loader of db.
func NewBulkLoader(db *DB) *BulkLoader {
	return &BulkLoader{db: db, copyBatch: 20_000, idBlock: 10_000}
}

// Load runs fn with a writer whose rows commit together when fn returns nil.
// Where the dialect has Copy (PostgreSQL), events, days, leave and its
// ledger entries are buffered and loaded with it a batch at a time, so that
// memory stays bounded however many rows fn writes.
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
	// and the approval chains, from version 15.
	err = db.reader().queryRow(ctx, `SELECT COUNT(chain_version) FROM leave_requests WHERE 1 = 0`).Scan(&probe)
	chains := err == nil
	// and the days' rollup, from version 19.
	err = db.reader().queryRow(ctx, `SELECT COUNT(month) FROM attendance_months WHERE 1 = 0`).Scan(&probe)
	months := err == nil
	if db.d.Copy != nil && breaks && ledger && chains {
		return l.loadCopy(ctx, fn, months)
	}
	// A transaction of its own, never in a group: the load would hold the
	// group's other writes until it ends.
	w := &write{ctx: ctx, fn: func(tx *Tx) error {
		tx.prepareHere()
		defer tx.closePrepared()
		return fn(&BulkWriter{db: db, tx: tx, breaks: breaks, ledger: ledger, chains: chains, months: months})
	}}
	db.commit(context.WithoutCancel(ctx), w)
	return w.err
}

// loadCopy runs fn in a transaction on a connection of its own, which the
// dialect's Copy loads the buffered rows on.
func (l *BulkLoader) loadCopy(ctx context.Context, fn func(w *BulkWriter) error, months bool) error {
	db := l.db
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	sqltx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = sqltx.Rollback() }() // after the commit, a no-op
	if db.d.BulkSetup != "" {
		if _, err := sqltx.ExecContext(ctx, db.d.BulkSetup); err != nil {
			return fmt.Errorf("setup: %w", err)
		}
	}
	w := &BulkWriter{db: db, tx: &Tx{sqltx: sqltx, db: db}, breaks: true, ledger: true, chains: true, months: months, copy: &copyBuffer{conn: conn, batch: l.copyBatch, idBlock: l.idBlock}}
	// The rollup's rows go to a temporary table first and into theirs in
	// the order of their months at the end: a month's rows lie together,
	// as the clock's writes lay them in service (migration 00019 does the
	// same), not employee by employee as they are made.
	if months {
		if _, err := sqltx.ExecContext(ctx, `CREATE TEMPORARY TABLE `+monthsLoadTable+` ON COMMIT DROP AS
			SELECT employee_id, month, days FROM attendance_months WHERE 1 = 0`); err != nil {
			return fmt.Errorf("months: %w", err)
		}
	}
	if err := fn(w); err != nil {
		return err
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	if months {
		if _, err := sqltx.ExecContext(ctx, `INSERT INTO attendance_months (employee_id, month, days)
			SELECT employee_id, month, days FROM `+monthsLoadTable+` ORDER BY month, employee_id`); err != nil {
			return fmt.Errorf("months: %w", err)
		}
	}
	// The chains of the pending requests, now that their rows are there.
	for _, r := range w.copy.pending {
		if err := w.startChain(ctx, r); err != nil {
			return err
		}
	}
	if err := sqltx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// copyBuffer holds rows for the dialect's Copy, table by table.
type copyBuffer struct {
	conn           *sql.Conn
	batch, idBlock int     // see BulkLoader
	requests       [][]any // leave_requests, with their ids
	entries        [][]any // leave_ledger, which refers to requests
	events         [][]any
	days           [][]any
	months         [][]any
	n              int     // rows buffered
	ids            []int64 // leave request ids taken from the sequence, not yet used
	// pending holds the pending requests, whose chains are written once
	// their rows are loaded.
	pending []*attendance.LeaveRequest
}

// The columns each buffered table is loaded with.
var (
	copyRequestCols = []string{"id", "employee_id", "leave_type", "start_date", "end_date", "half_day", "days", "cost_num", "cost_den",
		"unit", "status", "reason", "decided_by", "decided_at", "decision_comment", "created_at"}
	copyEntryCols = []string{"employee_id", "leave_type", "year", "kind", "date", "num", "den", "period", "note",
		"leave_request_id", "created_by", "created_at"}
	copyEventCols = []string{"employee_id", "type", "ts", "late", "late_minutes", "source", "recorded_by",
		"note", "voided", "voided_by", "voided_at", "void_note", "created_at"}
	copyDayCols = []string{"employee_id", "date", "entries", "late", "late_minutes", "worked_seconds", "open_sessions",
		"break_seconds", "last_exit_at", "open_since"}
	copyMonthCols = []string{"employee_id", "month", "days"}
	// monthsLoadTable holds the rollup's rows of a load until its end.
	monthsLoadTable = "attendance_months_load"
)

// flush loads what is buffered, the requests before the ledger entries that
// refer to them.
func (w *BulkWriter) flush(ctx context.Context) error {
	c := w.copy
	for _, t := range []struct {
		table string
		cols  []string
		rows  *[][]any
	}{
		{"leave_requests", copyRequestCols, &c.requests},
		{"leave_ledger", copyEntryCols, &c.entries},
		{"attendance_events", copyEventCols, &c.events},
		{"attendance_days", copyDayCols, &c.days},
		{monthsLoadTable, copyMonthCols, &c.months},
	} {
		if len(*t.rows) == 0 {
			continue
		}
		if err := w.db.d.Copy(ctx, c.conn, t.table, t.cols, *t.rows); err != nil {
			return fmt.Errorf("copy into %s: %w", t.table, err)
		}
		clear(*t.rows)
		*t.rows = (*t.rows)[:0]
	}
	c.n = 0
	return nil
}

// buffered counts n more rows buffered and loads them all once there are
// enough.
func (w *BulkWriter) buffered(ctx context.Context, n int) error {
	w.copy.n += n
	if w.copy.n < w.copy.batch {
		return nil
	}
	return w.flush(ctx)
}

// dateArg is a date as Copy takes it.
func dateArg(d attendance.Date) time.Time { return d.In(time.UTC) }

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
	// chains: pending requests have approval chains (version 15).
	chains bool
	// months: the days have their rollup (version 19).
	months bool
	// copy buffers rows for the dialect's Copy; nil: rows are inserted.
	copy *copyBuffer
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
// many rows per statement, and the days' rollup. It is called once per
// employee: the rollup's rows are written whole.
func (w *BulkWriter) Attendance(ctx context.Context, employeeID int64, events []attendance.AttendanceEvent, days []attendance.Day) error {
	now := w.db.t(w.db.now())
	var months map[attendance.Date][]byte
	if w.months {
		var err error
		if months, err = monthRows(days); err != nil {
			return err
		}
	}
	if w.copy != nil {
		c := w.copy
		for _, e := range events {
			var voidedAt any
			if e.VoidedAt != nil {
				voidedAt = w.db.t(*e.VoidedAt)
			}
			c.events = append(c.events, []any{e.EmployeeID, string(e.Type), w.db.t(e.Timestamp), e.Late, e.LateMinutes, string(e.Source),
				e.RecordedBy, e.Note, e.Voided, e.VoidedBy, voidedAt, e.VoidNote, now})
		}
		for _, d := range days {
			c.days = append(c.days, []any{employeeID, dateArg(d.Date), d.Entries, d.Late, d.LateMinutes, d.WorkedSeconds, d.OpenSessions,
				d.BreakSeconds, w.db.zt(d.LastExit), w.db.zt(d.OpenSince)})
		}
		for m, b := range months {
			c.months = append(c.months, []any{employeeID, dateArg(m), b})
		}
		return w.buffered(ctx, len(events)+len(days)+len(months))
	}
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
	for len(months) > 0 {
		args := make([]any, 0, 3*bulkBatch)
		for m, b := range months {
			args = append(args, employeeID, m.String(), b)
			delete(months, m)
			if len(args) == cap(args) {
				break
			}
		}
		if _, err := w.tx.exec(ctx, `INSERT INTO attendance_months (employee_id, month, days) VALUES `+rows(len(args)/3, 3), args...); err != nil {
			return err
		}
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
	if w.copy != nil {
		return w.copyLeave(ctx, r)
	}
	var err error
	if r.ID, err = w.db.insertLeave(ctx, w.tx, r); err != nil {
		return err
	}
	if r.Status == attendance.LeavePending && w.chains {
		return w.startChain(ctx, r)
	}
	if r.Status != attendance.LeaveApproved {
		return nil
	}
	e := takenEntry(r)
	_, err = w.db.insertEntry(ctx, w.tx, &e)
	return err
}

// startChain gives a pending request loaded in bulk the chain of its type's
// policy, its first step waiting since the request was made, as a request
// made through the service has: without it nobody could decide the request.
// Nobody is notified: the loader writes history, not news.
func (w *BulkWriter) startChain(ctx context.Context, r *attendance.LeaveRequest) error {
	p, err := w.db.policy(ctx, w.tx, r.LeaveType)
	if err != nil {
		return err
	}
	st := attendance.NewApprovalState(p.ChainFor(r.Cost), r.CreatedAt)
	return w.db.insertChain(ctx, w.tx, r.ID, &st)
}

// takenEntry is the ledger entry of an approved request loaded in bulk.
func takenEntry(r *attendance.LeaveRequest) attendance.LedgerEntry {
	return attendance.LedgerEntry{EmployeeID: r.EmployeeID, LeaveType: r.LeaveType, Year: r.StartDate.Year(), Kind: attendance.EntryTaken,
		Date: r.StartDate, Amount: r.Cost.Neg(), Note: takenNote(r, false), LeaveRequestID: &r.ID, CreatedBy: r.DecidedBy}
}

// copyLeave buffers a request, with an id from the table's sequence, and
// the ledger entry of an approved one. Requests in hours are not loaded in
// bulk (the demo makes none).
func (w *BulkWriter) copyLeave(ctx context.Context, r *attendance.LeaveRequest) error {
	if r.Unit == attendance.UnitHour {
		return fmt.Errorf("a request in hours cannot be loaded in bulk")
	}
	c := w.copy
	if len(c.ids) == 0 {
		rows, err := w.tx.query(ctx, w.db.d.NextIDs, "leave_requests", c.idBlock)
		if err != nil {
			return err
		}
		c.ids, err = scanIDs(rows)
		if err != nil {
			return err
		}
		if len(c.ids) == 0 {
			return fmt.Errorf("no ids for leave requests")
		}
	}
	r.ID, c.ids = c.ids[0], c.ids[1:]
	var decidedAt any
	if r.DecidedAt != nil {
		decidedAt = w.db.t(*r.DecidedAt)
	}
	now := w.db.t(w.db.now())
	c.requests = append(c.requests, []any{r.ID, r.EmployeeID, string(r.LeaveType), dateArg(r.StartDate), dateArg(r.EndDate), r.HalfDay, r.Days,
		r.Cost.Num(), r.Cost.Den(), string(r.Unit), string(r.Status), r.Reason, r.DecidedBy, decidedAt, r.DecisionComment, w.db.t(r.CreatedAt)})
	n := 1
	if r.Status == attendance.LeavePending {
		c.pending = append(c.pending, r)
	}
	if r.Status == attendance.LeaveApproved {
		e := takenEntry(r)
		c.entries = append(c.entries, []any{e.EmployeeID, string(e.LeaveType), e.Year, string(e.Kind), dateArg(e.Date), e.Amount.Num(),
			e.Amount.Den(), e.Period, e.Note, r.ID, e.CreatedBy, now})
		n++
	}
	return w.buffered(ctx, n)
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
