package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/openattendance/attendance"
)

// personRow is what the approval rules and the "today" of a person need.
type personRow struct {
	attendance.Person
	loc *time.Location
}

// people reads the role, state and zone of the employees ids.
func (db *DB) people(ctx context.Context, q queryer, ids []int64) (map[int64]personRow, error) {
	out := map[int64]personRow{}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for chunk := range slices.Chunk(ids, 500) {
		in, args := inIDs(chunk)
		rows, err := q.query(ctx, `SELECT id, role, active, timezone FROM employees WHERE id `+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p personRow
			var tz string
			if err := rows.Scan(&p.ID, &p.Role, &p.Active, &tz); err != nil {
				rows.Close()
				return nil, err
			}
			if p.loc, err = attendance.LoadLocation(tz); err != nil {
				p.loc = time.UTC
			}
			out[p.ID] = p
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// groupMembers reads the members of the approver groups codes.
func (db *DB) groupMembers(ctx context.Context, q queryer, codes []string) (map[string][]attendance.Person, error) {
	out := map[string][]attendance.Person{}
	for _, code := range codes {
		if _, done := out[code]; done {
			continue
		}
		rows, err := q.query(ctx, `SELECT e.id, e.role, e.active FROM approver_group_members m JOIN approver_groups g ON g.id = m.group_id
			JOIN employees e ON e.id = m.employee_id WHERE g.code = ? ORDER BY e.id`, code)
		if err != nil {
			return nil, err
		}
		ps := []attendance.Person{}
		for rows.Next() {
			var p attendance.Person
			if err := rows.Scan(&p.ID, &p.Role, &p.Active); err != nil {
				rows.Close()
				return nil, err
			}
			ps = append(ps, p)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		out[code] = ps
	}
	return out, nil
}

// factSource is what decisionFacts reads: the database (dbFacts), or, for
// a listing that judges every pending request at once, a snapshot of the
// same rows read once (factMemo).
type factSource interface {
	chain(ctx context.Context, id int64) (attendance.Chain, error)
	activeAdmins(ctx context.Context) ([]int64, error)
	adminsAboveOrBeside(ctx context.Context, id int64) (int, error)
	groupMembers(ctx context.Context, codes []string) (map[string][]attendance.Person, error)
	// delegations returns the delegations of principals that run on a day
	// from from to to, by id.
	delegations(ctx context.Context, principals []int64, from, to attendance.Date) ([]attendance.Delegation, error)
	people(ctx context.Context, ids []int64) (map[int64]personRow, error)
	// away returns the approved leave of whole days of ids on a day from
	// from to to, by employee and start.
	away(ctx context.Context, ids []int64, from, to attendance.Date) ([]attendance.Absence, error)
}

// dbFacts reads the facts from the database, one query each.
type dbFacts struct {
	db *DB
	q  queryer
}

func (s dbFacts) chain(ctx context.Context, id int64) (attendance.Chain, error) {
	return s.db.chain(ctx, s.q, id)
}
func (s dbFacts) activeAdmins(ctx context.Context) ([]int64, error) {
	return s.db.activeAdmins(ctx, s.q)
}
func (s dbFacts) adminsAboveOrBeside(ctx context.Context, id int64) (int, error) {
	return s.db.adminsAboveOrBeside(ctx, s.q, id)
}
func (s dbFacts) groupMembers(ctx context.Context, codes []string) (map[string][]attendance.Person, error) {
	return s.db.groupMembers(ctx, s.q, codes)
}
func (s dbFacts) people(ctx context.Context, ids []int64) (map[int64]personRow, error) {
	return s.db.people(ctx, s.q, ids)
}

func (s dbFacts) delegations(ctx context.Context, principals []int64, from, to attendance.Date) ([]attendance.Delegation, error) {
	in, args := inIDs(principals)
	rows, err := s.q.query(ctx, `SELECT `+delegationCols+` FROM delegations d WHERE d.principal_id `+in+` AND d.to_date >= ? AND d.from_date <= ?
		ORDER BY d.id`, append(args, from.String(), to.String())...)
	if err != nil {
		return nil, err
	}
	var out []attendance.Delegation
	for rows.Next() {
		d, err := scanDelegation(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Close()
}

func (s dbFacts) away(ctx context.Context, ids []int64, from, to attendance.Date) ([]attendance.Absence, error) {
	in, args := inIDs(ids)
	rows, err := s.q.query(ctx, `SELECT employee_id, start_date, end_date FROM leave_requests WHERE status = 'approved' AND NOT half_day
		AND start_time IS NULL AND employee_id `+in+` AND end_date >= ? AND start_date <= ? ORDER BY employee_id, start_date, id`,
		append(args, from.String(), to.String())...)
	if err != nil {
		return nil, err
	}
	var out []attendance.Absence
	for rows.Next() {
		var a attendance.Absence
		if err := rows.Scan(&a.EmployeeID, dateCol{&a.From}, dateCol{&a.To}); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Close()
}

// decisionFacts gathers, at now, what the rules need to tell who may decide
// the steps of emp's request whose chain is st: the requester's line, the
// groups the chain names, the admins, and, for the current step's
// approvers, their delegations, their own lines, their approved leave and
// their local dates.
func (db *DB) decisionFacts(ctx context.Context, q queryer, emp *attendance.Employee, st *attendance.ApprovalState, now time.Time) (attendance.DecisionFacts, error) {
	return db.factsFrom(ctx, dbFacts{db, q}, emp, st, now)
}

// factsFrom is decisionFacts reading from src.
func (db *DB) factsFrom(ctx context.Context, src factSource, emp *attendance.Employee, st *attendance.ApprovalState, now time.Time) (attendance.DecisionFacts, error) {
	f := attendance.DecisionFacts{
		Requester:    attendance.Person{ID: emp.ID, Role: emp.Role, Active: emp.Active},
		DefaultToday: attendance.DateOf(now.In(db.company)),
		People:       map[int64]attendance.Person{},
		ManagersOf:   map[int64]attendance.Chain{},
		Today:        map[int64]attendance.Date{},
	}
	var err error
	if f.Line, err = src.chain(ctx, emp.ID); err != nil {
		return f, err
	}
	if f.Admins, err = src.activeAdmins(ctx); err != nil {
		return f, err
	}
	if emp.Role == attendance.RoleAdmin {
		if f.AdminsAboveOrBeside, err = src.adminsAboveOrBeside(ctx, emp.ID); err != nil {
			return f, err
		}
	}
	var codes []string
	for _, s := range st.Steps {
		if s.Approver == attendance.ApproverGroup {
			codes = append(codes, s.Group)
		}
	}
	if f.Groups, err = src.groupMembers(ctx, codes); err != nil {
		return f, err
	}
	cur := st.Current()
	if cur == nil {
		return f, nil
	}
	named := f.Named(cur.ApprovalStep)
	if len(named) == 0 {
		return f, nil
	}
	// Their delegations that may run today somewhere on Earth.
	from, to := f.DefaultToday.AddDays(-2), f.DefaultToday.AddDays(2)
	if f.Delegations, err = src.delegations(ctx, named, from, to); err != nil {
		return f, err
	}
	ids := slices.Clone(named)
	for _, d := range f.Delegations {
		ids = append(ids, d.DelegateID)
	}
	ps, err := src.people(ctx, ids)
	if err != nil {
		return f, err
	}
	for id, p := range ps {
		f.People[id] = p.Person
		f.Today[id] = attendance.DateOf(now.In(p.loc))
	}
	if f.Away, err = src.away(ctx, ids, from, to); err != nil {
		return f, err
	}
	for _, id := range named {
		if f.ManagersOf[id], err = src.chain(ctx, id); err != nil {
			return f, err
		}
	}
	return f, nil
}

// maySee reports whether a may see emp's request whose chain is st: the
// requester and those with manager access in scope, anyone asked to decide
// its current step, anyone named for one of its steps (a group's member,
// who after a race learns that the step was decided: 409, not 404), and
// anyone who decided a step of it.
func (db *DB) maySee(ctx context.Context, q queryer, a attendance.Actor, emp *attendance.Employee, st *attendance.ApprovalState, f *attendance.DecisionFacts) (bool, error) {
	if ok, err := db.inScope(ctx, q, a, emp.ID); err != nil || ok {
		return ok, err
	}
	if !a.HasManagerAccess() {
		return false, nil
	}
	for _, s := range st.Steps {
		if s.DecidedBy != nil && *s.DecidedBy == a.ID || slices.Contains(f.Named(s.ApprovalStep), a.ID) {
			return true, nil
		}
	}
	if cur := st.Current(); cur != nil {
		for _, ap := range attendance.StepApprovers(cur.ApprovalStep, *f) {
			if ap.ID == a.ID {
				return true, nil
			}
		}
	}
	return false, nil
}

// workCalendar is the company calendar escalation counts in, with the
// holidays around now.
func (db *DB) workCalendar(ctx context.Context, q queryer, now time.Time) (attendance.WorkCalendar, error) {
	today := attendance.DateOf(now.In(db.company))
	h, err := db.holidays(ctx, q, today.AddDays(-400), today.AddDays(400))
	if err != nil {
		return attendance.WorkCalendar{}, err
	}
	wd := db.cfg.CompanyWorkDays
	if wd == 0 {
		wd = attendance.MondayToFriday
	}
	return attendance.WorkCalendar{Location: db.company, WorkDays: wd, Holidays: h}, nil
}

// withAsked adds to r's pending step who is asked now, how long it has
// waited and when it escalates.
func (db *DB) withAsked(ctx context.Context, q queryer, r *attendance.LeaveRequest, f attendance.DecisionFacts, cal attendance.WorkCalendar, now time.Time) error {
	if r.Chain == nil || r.CurrentStep == nil {
		return nil
	}
	v := &r.Chain.Steps[*r.CurrentStep-1]
	asked := attendance.StepApprovers(v.ApprovalStep, f)
	var ids []int64
	for _, a := range asked {
		ids = append(ids, a.ID)
		if a.For != 0 {
			ids = append(ids, a.For)
		}
	}
	names, err := db.names(ctx, q, ids)
	if err != nil {
		return err
	}
	v.Approvers = make([]attendance.ApproverView, len(asked))
	for i, a := range asked {
		av := attendance.ApproverView{ID: a.ID, Name: names[a.ID], As: a.As}
		if a.For != 0 {
			id := a.For
			av.ForID, av.ForName = &id, names[id]
		}
		v.Approvers[i] = av
	}
	if v.PendingSince != nil {
		w := cal.WaitedWorkingDays(*v.PendingSince, now)
		v.WaitedWorkingDays = &w
		if at, ok := v.StepRecord.EscalatesAt(db.cfg.EscalationDays, cal); ok {
			v.EscalatesAt = &at
		}
	}
	return nil
}

// withWaits adds to the pending step of each request how long it has
// waited and when it escalates (not who is asked: that is worked out per
// request, for one request and the list to decide).
func (db *DB) withWaits(ctx context.Context, q queryer, rs ...*attendance.LeaveRequest) error {
	var cal *attendance.WorkCalendar
	now := db.now()
	for _, r := range rs {
		if r.Chain == nil || r.CurrentStep == nil {
			continue
		}
		if cal == nil {
			c, err := db.workCalendar(ctx, q, now)
			if err != nil {
				return err
			}
			cal = &c
		}
		v := &r.Chain.Steps[*r.CurrentStep-1]
		if v.PendingSince == nil {
			continue
		}
		w := cal.WaitedWorkingDays(*v.PendingSince, now)
		v.WaitedWorkingDays = &w
		if at, ok := v.StepRecord.EscalatesAt(db.cfg.EscalationDays, *cal); ok {
			v.EscalatesAt = &at
		}
	}
	return nil
}
