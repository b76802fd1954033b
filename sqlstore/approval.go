package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/openattendance/attendance"
)

// Approval chains (docs/approvals.md): each request's frozen chain is in
// leave_requests' chain columns and leave_request_steps; the rules of who
// may decide are the root package's (DecisionFacts, ApprovalState.Decide),
// the store gathering their facts inside the deciding transaction.

// stepCols are the columns of a leave_request_steps row.
const stepCols = `request_id, step, approver, level, group_code, label, status, pending_since, decided_by, decided_for, decided_as,
	decided_at, comment, escalated_at`

func scanStep(s scanner) (int64, attendance.StepRecord, error) {
	var id int64
	var r attendance.StepRecord
	err := s.Scan(&id, &r.Step, &r.Approver, &r.Level, &r.Group, &r.Label, &r.Status, nullTimeCol{&r.PendingSince}, &r.DecidedBy,
		&r.DecidedFor, &r.DecidedAs, nullTimeCol{&r.DecidedAt}, &r.Comment, nullTimeCol{&r.EscalatedAt})
	return id, r, err
}

// inIDs returns "IN (?, ?, …)" and its arguments; ids must not be empty.
func inIDs(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "IN (" + placeholders(len(ids)) + ")", args
}

// approvalStates reads the chains of the requests ids.
func (db *DB) approvalStates(ctx context.Context, q queryer, ids []int64) (map[int64]*attendance.ApprovalState, error) {
	out := map[int64]*attendance.ApprovalState{}
	if len(ids) == 0 {
		return out, nil
	}
	for chunk := range slices.Chunk(ids, 500) {
		in, args := inIDs(chunk)
		rows, err := q.query(ctx, `SELECT id, chain_version, chain_over_num, chain_over_den, chain_decide_once FROM leave_requests WHERE id `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, num, den int64
			var c attendance.ApprovalChain
			if err := rows.Scan(&id, &c.Version, &num, &den, &c.DecideOnce); err != nil {
				rows.Close()
				return nil, err
			}
			if den <= 0 {
				den = 1
			}
			c.OverDays = attendance.NewAmount(num, den)
			c.Steps = []attendance.ApprovalStep{}
			out[id] = &attendance.ApprovalState{Chain: c, Steps: []attendance.StepRecord{}}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		rows, err = q.query(ctx, `SELECT `+stepCols+` FROM leave_request_steps WHERE request_id `+in+` ORDER BY request_id, step`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			id, r, err := scanStep(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if st := out[id]; st != nil {
				st.Chain.Steps = append(st.Chain.Steps, r.ApprovalStep)
				st.Steps = append(st.Steps, r)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// approvalState reads one request's chain.
func (db *DB) approvalState(ctx context.Context, q queryer, id int64) (*attendance.ApprovalState, error) {
	m, err := db.approvalStates(ctx, q, []int64{id})
	if err != nil {
		return nil, err
	}
	if st := m[id]; st != nil {
		return st, nil
	}
	return nil, attendance.ErrNotFound("leave request")
}

// insertChain stores a new request's chain.
func (db *DB) insertChain(ctx context.Context, tx *Tx, id int64, st *attendance.ApprovalState) error {
	c := st.Chain
	if _, err := tx.exec(ctx, `UPDATE leave_requests SET chain_version = ?, chain_over_num = ?, chain_over_den = ?, chain_decide_once = ? WHERE id = ?`,
		c.Version, c.OverDays.Num(), c.OverDays.Den(), c.DecideOnce, id); err != nil {
		return err
	}
	for _, s := range st.Steps {
		if _, err := tx.exec(ctx, `INSERT INTO leave_request_steps (`+stepCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, s.Step, string(s.Approver), s.Level, s.Group, s.Label, string(s.Status), db.tp(s.PendingSince), s.DecidedBy,
			s.DecidedFor, string(s.DecidedAs), db.tp(s.DecidedAt), s.Comment, db.tp(s.EscalatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// saveSteps writes where the steps of a request stand.
func (db *DB) saveSteps(ctx context.Context, tx *Tx, id int64, st *attendance.ApprovalState) error {
	for _, s := range st.Steps {
		if _, err := tx.exec(ctx, `UPDATE leave_request_steps SET status = ?, pending_since = ?, decided_by = ?, decided_for = ?, decided_as = ?,
			decided_at = ?, comment = ?, escalated_at = ? WHERE request_id = ? AND step = ?`,
			string(s.Status), db.tp(s.PendingSince), s.DecidedBy, s.DecidedFor, string(s.DecidedAs), db.tp(s.DecidedAt), s.Comment,
			db.tp(s.EscalatedAt), id, s.Step); err != nil {
			return err
		}
	}
	return nil
}

// cancelChain skips the pending and waiting steps of a cancelled request.
func (db *DB) cancelChain(ctx context.Context, tx *Tx, id int64) error {
	st, err := db.approvalState(ctx, tx, id)
	if err != nil {
		return err
	}
	st.Cancel()
	return db.saveSteps(ctx, tx, id, st)
}

// names returns the full names of the employees ids.
func (db *DB) names(ctx context.Context, q queryer, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for chunk := range slices.Chunk(ids, 500) {
		in, args := inIDs(chunk)
		rows, err := q.query(ctx, `SELECT id, username, first_name, last_name FROM employees WHERE id `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e attendance.Employee
			if err := rows.Scan(&e.ID, &e.Username, &e.FirstName, &e.LastName); err != nil {
				rows.Close()
				return nil, err
			}
			out[e.ID] = e.Name()
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// namer returns attendance.Names over a map.
func namer(m map[int64]string) attendance.Names { return func(id int64) string { return m[id] } }

// stateNames returns the names of the people who decided steps of st.
func (db *DB) stateNames(ctx context.Context, q queryer, sts ...*attendance.ApprovalState) (map[int64]string, error) {
	var ids []int64
	for _, st := range sts {
		for _, s := range st.Steps {
			if s.DecidedBy != nil {
				ids = append(ids, *s.DecidedBy)
			}
			if s.DecidedFor != nil {
				ids = append(ids, *s.DecidedFor)
			}
		}
	}
	return db.names(ctx, q, ids)
}

// withChains sets the chains of the requests rs.
func (db *DB) withChains(ctx context.Context, q queryer, rs ...*attendance.LeaveRequest) error {
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		if r != nil {
			ids = append(ids, r.ID)
		}
	}
	sts, err := db.approvalStates(ctx, q, ids)
	if err != nil {
		return err
	}
	all := make([]*attendance.ApprovalState, 0, len(sts))
	for _, st := range sts {
		all = append(all, st)
	}
	names, err := db.stateNames(ctx, q, all...)
	if err != nil {
		return err
	}
	decided, err := db.decidedFor(ctx, q, ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r == nil {
			continue
		}
		if st := sts[r.ID]; st != nil {
			r.SetChain(*st, namer(names))
		}
		if d, ok := decided[r.ID]; ok {
			r.DecidedFor, r.DecidedAs = d.forID, d.as
		}
	}
	return nil
}

type decidedAs struct {
	forID *int64
	as    *attendance.Capacity
}

// decidedFor reads leave_requests' decided_for and decided_as.
func (db *DB) decidedFor(ctx context.Context, q queryer, ids []int64) (map[int64]decidedAs, error) {
	out := map[int64]decidedAs{}
	for chunk := range slices.Chunk(ids, 500) {
		in, args := inIDs(chunk)
		rows, err := q.query(ctx, `SELECT id, decided_for, decided_as FROM leave_requests WHERE id `+in+` AND decided_as IS NOT NULL`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var d decidedAs
			var as string
			if err := rows.Scan(&id, &d.forID, &as); err != nil {
				rows.Close()
				return nil, err
			}
			c := attendance.Capacity(as)
			d.as = &c
			out[id] = d
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tp encodes an optional instant.
func (db *DB) tp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return db.t(*t)
}
