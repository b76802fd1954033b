package sqlstore

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/openattendance/attendance"
)

// factMemo is a factSource for a listing that judges every pending request
// at once (ToDecide): the people, the delegations and the approved leave
// around today are read once, in three queries, instead of once per
// request; the groups once per group. It answers as dbFacts does on the
// same rows (TestFactMemo).
type factMemo struct {
	db       *DB
	q        queryer
	emps     map[int64]*memoPerson
	admins   []int64
	groups   map[string][]attendance.Person
	from, to attendance.Date // the span delegations and away were read for
	dels     map[int64][]attendance.Delegation
	absences map[int64][]attendance.Absence
}

type memoPerson struct {
	emp attendance.Employee // ID, names, role, active, manager
	loc *time.Location
}

// newFactMemo reads the company's people, the delegations and the approved
// leave of whole days that may run within two days of today (as
// decisionFacts asks for them).
func (db *DB) newFactMemo(ctx context.Context, q queryer, now time.Time) (*factMemo, error) {
	today := attendance.DateOf(now.In(db.company))
	m := &factMemo{db: db, q: q, emps: map[int64]*memoPerson{}, groups: map[string][]attendance.Person{},
		from: today.AddDays(-2), to: today.AddDays(2), dels: map[int64][]attendance.Delegation{}, absences: map[int64][]attendance.Absence{}}
	rows, err := q.query(ctx, `SELECT id, username, first_name, last_name, role, active, manager_id, timezone FROM employees ORDER BY id`)
	if err != nil {
		return nil, err
	}
	locs := map[string]*time.Location{}
	for rows.Next() {
		p := &memoPerson{}
		var tz string
		if err := rows.Scan(&p.emp.ID, &p.emp.Username, &p.emp.FirstName, &p.emp.LastName, &p.emp.Role, &p.emp.Active, &p.emp.ManagerID, &tz); err != nil {
			rows.Close()
			return nil, err
		}
		if p.loc = locs[tz]; p.loc == nil {
			if p.loc, err = attendance.LoadLocation(tz); err != nil {
				p.loc = time.UTC
			}
			locs[tz] = p.loc
		}
		m.emps[p.emp.ID] = p
		if p.emp.Role == attendance.RoleAdmin && p.emp.Active {
			m.admins = append(m.admins, p.emp.ID)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT `+delegationCols+` FROM delegations d WHERE d.to_date >= ? AND d.from_date <= ? ORDER BY d.id`,
		m.from.String(), m.to.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		d, err := scanDelegation(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		m.dels[d.PrincipalID] = append(m.dels[d.PrincipalID], *d)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = q.query(ctx, `SELECT employee_id, start_date, end_date FROM leave_requests WHERE status = 'approved' AND NOT half_day
		AND start_time IS NULL AND end_date >= ? AND start_date <= ? ORDER BY employee_id, start_date, id`, m.from.String(), m.to.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a attendance.Absence
		if err := rows.Scan(&a.EmployeeID, dateCol{&a.From}, dateCol{&a.To}); err != nil {
			rows.Close()
			return nil, err
		}
		m.absences[a.EmployeeID] = append(m.absences[a.EmployeeID], a)
	}
	return m, rows.Close()
}

// employee returns employee id as the memo read it (names, role, state,
// manager), or nil.
func (m *factMemo) employee(id int64) *attendance.Employee {
	if p := m.emps[id]; p != nil {
		e := p.emp
		return &e
	}
	return nil
}

// chain walks id's managers up as chainQuery does: at most 64 links, and
// no further than the first one met again.
func (m *factMemo) chain(_ context.Context, id int64) (attendance.Chain, error) {
	var c attendance.Chain
	seen := map[int64]bool{}
	p := m.emps[id]
	for depth := 1; p != nil && p.emp.ManagerID != nil && depth <= 64; depth++ {
		up := m.emps[*p.emp.ManagerID]
		if up == nil || seen[up.emp.ID] {
			break
		}
		seen[up.emp.ID] = true
		c = append(c, attendance.ChainLink{ID: up.emp.ID, Role: up.emp.Role, Active: up.emp.Active})
		p = up
	}
	return c, nil
}

func (m *factMemo) activeAdmins(context.Context) ([]int64, error) { return slices.Clone(m.admins), nil }

// adminsAboveOrBeside is asked for admins' own requests only, which are few.
func (m *factMemo) adminsAboveOrBeside(ctx context.Context, id int64) (int, error) {
	return m.db.adminsAboveOrBeside(ctx, m.q, id)
}

func (m *factMemo) groupMembers(ctx context.Context, codes []string) (map[string][]attendance.Person, error) {
	out := map[string][]attendance.Person{}
	for _, code := range codes {
		if _, ok := m.groups[code]; !ok {
			g, err := m.db.groupMembers(ctx, m.q, []string{code})
			if err != nil {
				return nil, err
			}
			m.groups[code] = g[code]
		}
		out[code] = m.groups[code]
	}
	return out, nil
}

func (m *factMemo) delegations(_ context.Context, principals []int64, from, to attendance.Date) ([]attendance.Delegation, error) {
	var out []attendance.Delegation
	for _, id := range principals {
		for _, d := range m.dels[id] {
			if d.To >= from && d.From <= to && !slices.ContainsFunc(out, func(x attendance.Delegation) bool { return x.ID == d.ID }) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b attendance.Delegation) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (m *factMemo) people(_ context.Context, ids []int64) (map[int64]personRow, error) {
	out := map[int64]personRow{}
	for _, id := range ids {
		if p := m.emps[id]; p != nil {
			out[id] = personRow{Person: attendance.Person{ID: id, Role: p.emp.Role, Active: p.emp.Active}, loc: p.loc}
		}
	}
	return out, nil
}

func (m *factMemo) away(_ context.Context, ids []int64, from, to attendance.Date) ([]attendance.Absence, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []attendance.Absence
	for _, id := range ids {
		for _, a := range m.absences[id] {
			if a.To >= from && a.From <= to {
				out = append(out, a)
			}
		}
	}
	return out, nil
}
