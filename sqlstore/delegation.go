package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// delegationCols are the columns of an attendance.Delegation, of delegations d.
const delegationCols = `d.id, d.principal_id, d.delegate_id, d.from_date, d.to_date, d.note, d.created_by, d.created_at`

func scanDelegation(s scanner, extra ...any) (*attendance.Delegation, error) {
	var d attendance.Delegation
	if err := s.Scan(append([]any{&d.ID, &d.PrincipalID, &d.DelegateID, dateCol{&d.From}, dateCol{&d.To}, &d.Note, &d.CreatedBy,
		timeCol{&d.CreatedAt}}, extra...)...); err != nil {
		return nil, err
	}
	return &d, nil
}

// delegationView reads one delegation with its people's names.
func (db *DB) delegationView(ctx context.Context, q queryer, id int64) (*attendance.DelegationView, error) {
	var v attendance.DelegationView
	var p, dl attendance.Employee
	d, err := scanDelegation(q.queryRow(ctx, `SELECT `+delegationCols+`, p.username, p.first_name, p.last_name, e.username, e.first_name, e.last_name
		FROM delegations d JOIN employees p ON p.id = d.principal_id JOIN employees e ON e.id = d.delegate_id WHERE d.id = ?`, id),
		&p.Username, &p.FirstName, &p.LastName, &dl.Username, &dl.FirstName, &dl.LastName)
	if err != nil {
		return nil, notFound(err, "delegation")
	}
	v.Delegation, v.PrincipalName, v.DelegateName = *d, p.Name(), dl.Name()
	return &v, nil
}

// ListDelegations lists the actor's delegations as principal or delegate
// (an admin: everyone's), newest first.
func (s *ApprovalService) ListDelegations(ctx context.Context, a attendance.Actor, f attendance.DelegationFilter) (_ []*attendance.DelegationView, _ int, err error) {
	defer wrap(&err, "ListDelegations(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	var w where
	if !a.IsAdmin() {
		w.add("(d.principal_id = ? OR d.delegate_id = ?)", a.ID, a.ID)
	}
	if f.PrincipalID != nil {
		w.add("d.principal_id = ?", *f.PrincipalID)
	}
	if f.DelegateID != nil {
		w.add("d.delegate_id = ?", *f.DelegateID)
	}
	if f.ActiveOn != nil {
		w.add("d.from_date <= ? AND d.to_date >= ?", f.ActiveOn.String(), f.ActiveOn.String())
	}
	from := ` FROM delegations d WHERE ` + w.String()
	q := s.db.reader()
	var n int
	if err := q.queryRow(ctx, `SELECT COUNT(*)`+from, w.args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(f.Page)
	rows, err := q.query(ctx, `SELECT d.id`+from+` ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	out := []*attendance.DelegationView{}
	for _, id := range ids {
		v, err := s.db.delegationView(ctx, q, id)
		if err != nil {
			return nil, 0, err
		}
		v.CanDelete = attendance.CheckRemoveDelegation(a, v.Delegation) == nil
		out = append(out, v)
	}
	return out, n, nil
}

// Delegation returns one delegation: to its principal, its delegate, an admin.
func (s *ApprovalService) Delegation(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.DelegationView, err error) {
	defer wrap(&err, "Delegation(actor %d, %d)", a.ID, id)
	v, err := s.db.delegationView(ctx, s.db.reader(), id)
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() && a.ID != v.PrincipalID && a.ID != v.DelegateID {
		return nil, attendance.ErrNotFound("delegation")
	}
	v.CanDelete = attendance.CheckRemoveDelegation(a, v.Delegation) == nil
	return v, nil
}

// CreateDelegation names a delegate for an approver (the actor, or, for an
// admin, anyone with manager access) for a date range; one at a time.
func (s *ApprovalService) CreateDelegation(ctx context.Context, a attendance.Actor, in attendance.DelegationInput) (_ *attendance.DelegationView, err error) {
	defer wrap(&err, "CreateDelegation(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	principalID := a.ID
	if in.PrincipalID != nil {
		principalID = *in.PrincipalID
	}
	if principalID != a.ID && !a.IsAdmin() {
		return nil, attendance.ErrForbidden("only an admin names a delegate for someone else")
	}
	var v *attendance.DelegationView
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// The principal's row lock serialises their delegations: no overlap.
		principal, err := s.db.employee(ctx, tx, principalID, true)
		if err != nil {
			return attendance.InvalidField("body.principal_id", "no such employee")
		}
		ps, err := s.db.people(ctx, tx, []int64{in.DelegateID})
		if err != nil {
			return err
		}
		delegate, ok := ps[in.DelegateID]
		if !ok {
			return attendance.InvalidField("body.delegate_id", "no such employee")
		}
		rows, err := tx.query(ctx, `SELECT `+delegationCols+` FROM delegations d WHERE d.principal_id = ? AND d.to_date >= ? AND d.from_date <= ?`,
			principalID, in.From.String(), in.To.String())
		if err != nil {
			return err
		}
		var existing []attendance.Delegation
		for rows.Next() {
			d, err := scanDelegation(rows)
			if err != nil {
				rows.Close()
				return err
			}
			existing = append(existing, *d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		today := principal.Schedule().Today(s.db.now())
		if err := attendance.CheckDelegation(a, in, attendance.Person{ID: principal.ID, Role: principal.Role, Active: principal.Active},
			delegate.Person, today, existing); err != nil {
			return err
		}
		d := attendance.Delegation{PrincipalID: principal.ID, DelegateID: delegate.ID, From: in.From, To: in.To, Note: in.Note, CreatedBy: a.ID,
			CreatedAt: s.db.now()}
		d.ID, err = tx.insertID(ctx, `INSERT INTO delegations (principal_id, delegate_id, from_date, to_date, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, d.PrincipalID, d.DelegateID, d.From.String(), d.To.String(), d.Note, d.CreatedBy, s.db.t(d.CreatedAt))
		if err != nil {
			return err
		}
		names, err := s.db.names(ctx, tx, []int64{d.PrincipalID, d.DelegateID})
		if err != nil {
			return err
		}
		if _, err := s.db.notify(ctx, tx, attendance.DelegateNamed(d, namer(names))); err != nil {
			return err
		}
		v = &attendance.DelegationView{Delegation: d, PrincipalName: names[d.PrincipalID], DelegateName: names[d.DelegateID],
			CanDelete: attendance.CheckRemoveDelegation(a, d) == nil}
		return nil
	})
	return v, err
}

// DeleteDelegation ends a delegation at once: its principal or an admin.
func (s *ApprovalService) DeleteDelegation(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteDelegation(actor %d, %d)", a.ID, id)
	return s.db.inTx(ctx, func(tx *Tx) error {
		v, err := s.db.delegationView(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.IsAdmin() && a.ID != v.PrincipalID && a.ID != v.DelegateID {
			return attendance.ErrNotFound("delegation")
		}
		if err := attendance.CheckRemoveDelegation(a, v.Delegation); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM delegations WHERE id = ?`, id); err != nil {
			return err
		}
		names := map[int64]string{v.PrincipalID: v.PrincipalName, v.DelegateID: v.DelegateName}
		_, err = s.db.notify(ctx, tx, attendance.DelegateRemoved(v.Delegation, a.ID, namer(names)))
		return err
	})
}
