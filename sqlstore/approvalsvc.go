package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// ApprovalService keeps approval policies, approver groups and delegations,
// and decides the steps of requests (attendance.ApprovalService).
type ApprovalService struct {
	db    *DB
	leave *LeaveService
}

var _ attendance.ApprovalService = (*ApprovalService)(nil)

// NewApprovalService returns the approval service of db.
func NewApprovalService(db *DB) *ApprovalService {
	return &ApprovalService{db: db, leave: NewLeaveService(db)}
}

// leaveTypeKnown reports whether t is a leave type.
func (db *DB) leaveTypeKnown(ctx context.Context, q queryer, t attendance.LeaveType) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM leave_types WHERE code = ?`, string(t)).Scan(&n)
	return n > 0, err
}

// policy returns the approval policy of leave type t in force: the newest
// version, or the default policy.
func (db *DB) policy(ctx context.Context, q queryer, t attendance.LeaveType) (*attendance.ApprovalPolicy, error) {
	var version int
	var tiers string
	var by *int64
	var at time.Time
	err := q.queryRow(ctx, `SELECT version, tiers, updated_by, updated_at FROM approval_policies WHERE leave_type = ?
		ORDER BY version DESC LIMIT 1`, string(t)).Scan(&version, &tiers, &by, timeCol{&at})
	if errors.Is(err, sql.ErrNoRows) {
		p := attendance.DefaultApprovalPolicy(t)
		return &p, nil
	} else if err != nil {
		return nil, err
	}
	p := &attendance.ApprovalPolicy{LeaveType: t, Version: version, UpdatedBy: by, UpdatedAt: &at}
	if err := json.Unmarshal([]byte(tiers), &p.Tiers); err != nil {
		return nil, err
	}
	if len(p.Tiers) == 0 {
		d := attendance.DefaultApprovalPolicy(t)
		p.Default, p.Tiers = true, d.Tiers
	}
	return p, nil
}

// Policy returns the approval policy of a leave type.
func (s *ApprovalService) Policy(ctx context.Context, a attendance.Actor, t attendance.LeaveType) (_ *attendance.ApprovalPolicy, err error) {
	defer wrap(&err, "Policy(actor %d, %s)", a.ID, t)
	if ok, err := s.db.leaveTypeKnown(ctx, s.db.reader(), t); err != nil || !ok {
		return nil, orNotFound(err, "leave type")
	}
	return s.db.policy(ctx, s.db.reader(), t)
}

// SetPolicy replaces the approval policy of a leave type by a new version.
func (s *ApprovalService) SetPolicy(ctx context.Context, a attendance.Actor, t attendance.LeaveType, in attendance.PolicyInput) (_ *attendance.ApprovalPolicy, err error) {
	defer wrap(&err, "SetPolicy(actor %d, %s)", a.ID, t)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	var p *attendance.ApprovalPolicy
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lock(ctx, tx, lockKey("approval_policy", t)); err != nil {
			return err
		}
		if ok, err := s.db.leaveTypeKnown(ctx, tx, t); err != nil || !ok {
			return orNotFound(err, "leave type")
		}
		prev, err := s.db.policy(ctx, tx, t)
		if err != nil {
			return err
		}
		groups, err := s.db.groupCodes(ctx, tx)
		if err != nil {
			return err
		}
		next, err := attendance.NewApprovalPolicy(t, in.Tiers, prev.Version, func(code string) bool { return slices.Contains(groups, code) })
		if err != nil {
			return err
		}
		if !prev.Default && samePolicy(prev.Tiers, next.Tiers) {
			p = prev
			return nil
		}
		raw, err := json.Marshal(next.Tiers)
		if err != nil {
			return err
		}
		now := s.db.now()
		if _, err := tx.exec(ctx, `INSERT INTO approval_policies (leave_type, version, tiers, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
			string(t), next.Version, string(raw), a.ID, s.db.t(now)); err != nil {
			return err
		}
		next.UpdatedBy, next.UpdatedAt = &a.ID, &now
		p = next
		return nil
	})
	return p, err
}

func samePolicy(a, b []attendance.ApprovalTier) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// ResetPolicy brings a leave type back to the default policy, as a new version.
func (s *ApprovalService) ResetPolicy(ctx context.Context, a attendance.Actor, t attendance.LeaveType) (err error) {
	defer wrap(&err, "ResetPolicy(actor %d, %s)", a.ID, t)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lock(ctx, tx, lockKey("approval_policy", t)); err != nil {
			return err
		}
		if ok, err := s.db.leaveTypeKnown(ctx, tx, t); err != nil || !ok {
			return orNotFound(err, "leave type")
		}
		prev, err := s.db.policy(ctx, tx, t)
		if err != nil || prev.Default {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO approval_policies (leave_type, version, tiers, updated_by, updated_at) VALUES (?, ?, '[]', ?, ?)`,
			string(t), prev.Version+1, a.ID, s.db.t(s.db.now()))
		return err
	})
}

// groupCodes lists the approver groups' codes.
func (db *DB) groupCodes(ctx context.Context, q queryer) ([]string, error) {
	rows, err := q.query(ctx, `SELECT code FROM approver_groups ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// group reads one approver group with its members.
func (db *DB) group(ctx context.Context, q queryer, code string) (*attendance.ApproverGroupView, error) {
	var g attendance.ApproverGroupView
	err := q.queryRow(ctx, `SELECT id, code, name, created_at, updated_at FROM approver_groups WHERE code = ?`, code).
		Scan(&g.ID, &g.Code, &g.Name, timeCol{&g.CreatedAt}, timeCol{&g.UpdatedAt})
	if err != nil {
		return nil, notFound(err, "approver group")
	}
	rows, err := q.query(ctx, `SELECT e.id, e.username, e.first_name, e.last_name FROM approver_group_members m
		JOIN employees e ON e.id = m.employee_id WHERE m.group_id = ? ORDER BY e.id`, g.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g.Members = []attendance.GroupMember{}
	for rows.Next() {
		var e attendance.Employee
		if err := rows.Scan(&e.ID, &e.Username, &e.FirstName, &e.LastName); err != nil {
			return nil, err
		}
		g.Members = append(g.Members, attendance.GroupMember{EmployeeID: e.ID, Name: e.Name()})
	}
	return &g, rows.Err()
}

// ListGroups lists the approver groups by code.
func (s *ApprovalService) ListGroups(ctx context.Context, a attendance.Actor, p attendance.Page) (_ []*attendance.ApproverGroupView, _ int, err error) {
	defer wrap(&err, "ListGroups(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	codes, err := s.db.groupCodes(ctx, s.db.reader())
	if err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	out := []*attendance.ApproverGroupView{}
	for i := offset; i < len(codes) && i < offset+limit; i++ {
		g, err := s.db.group(ctx, s.db.reader(), codes[i])
		if err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, len(codes), nil
}

// Group returns one approver group.
func (s *ApprovalService) Group(ctx context.Context, a attendance.Actor, code string) (_ *attendance.ApproverGroupView, err error) {
	defer wrap(&err, "Group(actor %d, %q)", a.ID, code)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	return s.db.group(ctx, s.db.reader(), code)
}

// memberCheck decides whether employee id may join a group: 404 for
// nobody, 422 for someone who may not decide leave.
func (db *DB) memberCheck(ctx context.Context, q queryer, id int64, at string) error {
	ps, err := db.people(ctx, q, []int64{id})
	if err != nil {
		return err
	}
	p, ok := ps[id]
	if !ok {
		if at != "" {
			return attendance.InvalidField(at, "no such employee")
		}
		return attendance.ErrNotFound("employee")
	}
	if err := attendance.CheckGroupMember(p.Person); err != nil {
		if at != "" {
			return attendance.InvalidField(at, "must be an active manager or admin: deciding leave needs manager access")
		}
		return err
	}
	return nil
}

// CreateGroup makes an approver group.
func (s *ApprovalService) CreateGroup(ctx context.Context, a attendance.Actor, code, name string, members []int64) (_ *attendance.ApproverGroupView, err error) {
	defer wrap(&err, "CreateGroup(actor %d, %q)", a.ID, code)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if err := attendance.CheckApprovalGroup(code, name, true); err != nil {
		return nil, err
	}
	if len(members) > 500 {
		return nil, attendance.InvalidField("body.member_ids", "must hold at most 500 people")
	}
	var g *attendance.ApproverGroupView
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var v attendance.Validator
		for i, id := range members {
			if err := s.db.memberCheck(ctx, tx, id, "body.member_ids["+strconv.Itoa(i)+"]"); err != nil {
				var e *attendance.Error
				if !errors.As(err, &e) || e.Kind != attendance.KindInvalid {
					return err
				}
				v.Add("body.member_ids["+strconv.Itoa(i)+"]", "must be an active manager or admin: deciding leave needs manager access")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.db.now()
		id, err := tx.insertID(ctx, `INSERT INTO approver_groups (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO NOTHING`, code, name, s.db.t(now), s.db.t(now))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && id == 0) {
			return attendance.Errorf(attendance.KindConflict, "approver_group_exists", "an approver group %q exists already", code)
		} else if err != nil {
			return err
		}
		for _, m := range members {
			if _, err := tx.exec(ctx, `INSERT INTO approver_group_members (group_id, employee_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, m); err != nil {
				return err
			}
		}
		g, err = s.db.group(ctx, tx, code)
		return err
	})
	return g, err
}

// RenameGroup changes an approver group's name.
func (s *ApprovalService) RenameGroup(ctx context.Context, a attendance.Actor, code, name string) (_ *attendance.ApproverGroupView, err error) {
	defer wrap(&err, "RenameGroup(actor %d, %q)", a.ID, code)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if err := attendance.CheckApprovalGroup(code, name, false); err != nil {
		return nil, err
	}
	var g *attendance.ApproverGroupView
	err = s.db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE approver_groups SET name = ?, updated_at = ? WHERE code = ?`, name, s.db.t(s.db.now()), code)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orNotFound(err, "approver group")
		}
		g, err = s.db.group(ctx, tx, code)
		return err
	})
	return g, err
}

// DeleteGroup deletes an approver group no policy and no pending request names.
func (s *ApprovalService) DeleteGroup(ctx context.Context, a attendance.Actor, code string) (err error) {
	defer wrap(&err, "DeleteGroup(actor %d, %q)", a.ID, code)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		g, err := s.db.group(ctx, tx, code)
		if err != nil {
			return err
		}
		var pending int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM leave_request_steps WHERE group_code = ? AND status IN ('pending', 'waiting')`, code).Scan(&pending); err != nil {
			return err
		}
		inPolicy, err := s.db.groupInPolicy(ctx, tx, code)
		if err != nil {
			return err
		}
		if pending > 0 || inPolicy {
			return attendance.Errorf(attendance.KindConflict, "approver_group_in_use", "approver group %q is named by a policy or by a pending request", code)
		}
		if _, err := tx.exec(ctx, `DELETE FROM approver_group_members WHERE group_id = ?`, g.ID); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM approver_groups WHERE id = ?`, g.ID)
		return err
	})
}

// groupInPolicy reports whether a policy in force names group code.
func (db *DB) groupInPolicy(ctx context.Context, q queryer, code string) (bool, error) {
	rows, err := q.query(ctx, `SELECT p.tiers FROM approval_policies p WHERE p.version = (SELECT MAX(version) FROM approval_policies o WHERE o.leave_type = p.leave_type)`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return false, err
		}
		var tiers []attendance.ApprovalTier
		if err := json.Unmarshal([]byte(raw), &tiers); err != nil {
			return false, err
		}
		for _, t := range tiers {
			for _, s := range t.Steps {
				if s.Approver == attendance.ApproverGroup && s.Group == code {
					return true, nil
				}
			}
		}
	}
	return false, rows.Err()
}

// AddMember adds someone with manager access to an approver group.
func (s *ApprovalService) AddMember(ctx context.Context, a attendance.Actor, code string, employeeID int64) (err error) {
	defer wrap(&err, "AddMember(actor %d, %q, %d)", a.ID, code, employeeID)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		g, err := s.db.group(ctx, tx, code)
		if err != nil {
			return err
		}
		if err := s.db.memberCheck(ctx, tx, employeeID, ""); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `INSERT INTO approver_group_members (group_id, employee_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, g.ID, employeeID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			_, err = tx.exec(ctx, `UPDATE approver_groups SET updated_at = ? WHERE id = ?`, s.db.t(s.db.now()), g.ID)
		}
		return err
	})
}

// RemoveMember removes a member from an approver group.
func (s *ApprovalService) RemoveMember(ctx context.Context, a attendance.Actor, code string, employeeID int64) (err error) {
	defer wrap(&err, "RemoveMember(actor %d, %q, %d)", a.ID, code, employeeID)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
		g, err := s.db.group(ctx, tx, code)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM approver_group_members WHERE group_id = ? AND employee_id = ?`, g.ID, employeeID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orNotFound(err, "group member")
		}
		_, err = tx.exec(ctx, `UPDATE approver_groups SET updated_at = ? WHERE id = ?`, s.db.t(s.db.now()), g.ID)
		return err
	})
}

// Request returns one request the actor may see, with its chain and, for
// its pending step, who is asked now.
func (s *ApprovalService) Request(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.LeaveRequestView, err error) {
	defer wrap(&err, "Request(actor %d, %d)", a.ID, id)
	q := s.db.reader()
	r, err := scanLeave(q.queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "leave request")
	}
	emp, err := s.db.employee(ctx, q, r.EmployeeID, false)
	if err != nil {
		return nil, err
	}
	st, err := s.db.approvalState(ctx, q, id)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	f, err := s.db.decisionFacts(ctx, q, emp, st, now)
	if err != nil {
		return nil, err
	}
	if ok, err := s.db.maySee(ctx, q, a, emp, st, &f); err != nil || !ok {
		return nil, orNotFound(err, "leave request")
	}
	if err := s.db.withChains(ctx, q, r); err != nil {
		return nil, err
	}
	cal, err := s.db.workCalendar(ctx, q, now)
	if err != nil {
		return nil, err
	}
	if err := s.db.withAsked(ctx, q, r, f, cal, now); err != nil {
		return nil, err
	}
	if err := s.db.withActions(ctx, q, a, r); err != nil {
		return nil, err
	}
	return &attendance.LeaveRequestView{LeaveRequest: *r, EmployeeName: emp.Name()}, nil
}

// DecideStep decides the current step of a request.
func (s *ApprovalService) DecideStep(ctx context.Context, a attendance.Actor, id int64, d attendance.StepDecision) (*attendance.LeaveRequest, error) {
	return s.leave.DecideStep(ctx, a, id, d)
}

// ToDecide lists the pending requests whose current step the actor is asked
// to decide (as approver, delegate or substitute), longest waiting first.
func (s *ApprovalService) ToDecide(ctx context.Context, a attendance.Actor, p attendance.Page) (_ []*attendance.LeaveRequestView, _ int, err error) {
	defer wrap(&err, "ToDecide(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	q := s.db.reader()
	rows, err := q.query(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.status = 'pending' ORDER BY l.id`)
	if err != nil {
		return nil, 0, err
	}
	var pending []*attendance.LeaveRequest
	for rows.Next() {
		r, err := scanLeave(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		pending = append(pending, r)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	now := s.db.now()
	cal, err := s.db.workCalendar(ctx, q, now)
	if err != nil {
		return nil, 0, err
	}
	type hit struct {
		r     *attendance.LeaveRequestView
		since time.Time
		f     attendance.DecisionFacts
	}
	var hits []hit
	// Every pending request is judged, so what the rules read is read once
	// for all of them (BENCHMARKS.md, "The list to decide").
	memo, err := s.db.newFactMemo(ctx, q, now)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(pending))
	for i, r := range pending {
		ids[i] = r.ID
	}
	states, err := s.db.approvalStates(ctx, q, ids)
	if err != nil {
		return nil, 0, err
	}
	for _, r := range pending {
		emp := memo.employee(r.EmployeeID)
		if emp == nil {
			return nil, 0, attendance.ErrNotFound("employee")
		}
		st := states[r.ID]
		if st == nil {
			return nil, 0, attendance.ErrNotFound("leave request")
		}
		cur := st.Current()
		if cur == nil || emp.ID == a.ID {
			continue
		}
		f, err := s.db.factsFrom(ctx, memo, emp, st, now)
		if err != nil {
			return nil, 0, err
		}
		if !slices.ContainsFunc(attendance.StepApprovers(cur.ApprovalStep, f), func(x attendance.StepApprover) bool { return x.ID == a.ID }) {
			continue
		}
		since := r.CreatedAt
		if cur.PendingSince != nil {
			since = *cur.PendingSince
		}
		hits = append(hits, hit{&attendance.LeaveRequestView{LeaveRequest: *r, EmployeeName: emp.Name()}, since, f})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].since.Before(hits[j].since) })
	limit, offset := pageArgs(p)
	out := []*attendance.LeaveRequestView{}
	for i := offset; i < len(hits) && i < offset+limit; i++ {
		h := hits[i]
		if err := s.db.withChains(ctx, q, &h.r.LeaveRequest); err != nil {
			return nil, 0, err
		}
		if err := s.db.withAsked(ctx, q, &h.r.LeaveRequest, h.f, cal, now); err != nil {
			return nil, 0, err
		}
		if err := s.db.withActions(ctx, q, a, &h.r.LeaveRequest); err != nil {
			return nil, 0, err
		}
		out = append(out, h.r)
	}
	return out, len(hits), nil
}
