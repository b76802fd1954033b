package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// The reporting lines are walked with recursive queries; the depth bound
// keeps a corrupt cycle from looping forever (the rules prevent cycles).
// Each step reads the next manager's row by its key, carrying what the chain
// needs of it: a final join to employees would plan as a scan of the table
// (clockFactsQuery climbs the same way).
const chainQuery = `
WITH RECURSIVE up(id, role, active, manager_id, depth) AS (
	SELECT m.id, m.role, m.active, m.manager_id, 1 FROM employees e JOIN employees m ON m.id = e.manager_id WHERE e.id = ?
	UNION ALL
	SELECT m.id, m.role, m.active, m.manager_id, up.depth + 1 FROM up JOIN employees m ON m.id = up.manager_id
	WHERE up.depth < 64
)
SELECT id, role, active FROM up ORDER BY depth`

// descendantsQuery selects the ids of a manager and everyone below them.
const descendantsQuery = `
WITH RECURSIVE down(id) AS (
	SELECT CAST(? AS BIGINT)
	UNION
	SELECT e.id FROM employees e JOIN down ON e.manager_id = down.id
)
SELECT id FROM down`

// chain returns the line of managers above an employee, nearest first.
func (db *DB) chain(ctx context.Context, q queryer, id int64) (attendance.Chain, error) {
	rows, err := q.query(ctx, chainQuery, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c attendance.Chain
	seen := map[int64]bool{}
	for rows.Next() {
		var l attendance.ChainLink
		if err := rows.Scan(&l.ID, &l.Role, &l.Active); err != nil {
			return nil, err
		}
		if seen[l.ID] {
			break
		}
		seen[l.ID] = true
		c = append(c, l)
	}
	return c, rows.Err()
}

// inScope reports whether the employee id is in the actor's scope.
func (db *DB) inScope(ctx context.Context, q queryer, a attendance.Actor, id int64) (bool, error) {
	if a.ID == id || a.IsAdmin() {
		return true, nil
	}
	if !a.HasManagerAccess() {
		return false, nil
	}
	c, err := db.chain(ctx, q, id)
	if err != nil {
		return false, err
	}
	return attendance.InScope(a, id, c), nil
}

// scopeCond returns a condition that col, an employee id, is in the actor's scope.
func scopeCond(a attendance.Actor, col string) (string, []any) {
	switch a.Role {
	case attendance.RoleAdmin:
		return "TRUE", nil
	case attendance.RoleManager:
		return col + " IN (" + descendantsQuery + ")", []any{a.ID}
	}
	return col + " = ?", []any{a.ID}
}

// activeAdmins returns the ids of every active admin.
func (db *DB) activeAdmins(ctx context.Context, q queryer) ([]int64, error) {
	rows, err := q.query(ctx, `SELECT id FROM employees WHERE role = 'admin' AND active ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// otherActiveAdmins counts the active admins other than id.
func (db *DB) otherActiveAdmins(ctx context.Context, q queryer, id int64) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM employees WHERE role = 'admin' AND active AND id <> ?`, id).Scan(&n)
	return n, err
}

// adminsAboveOrBeside counts the active admins other than id who do not
// report to id, directly or not.
func (db *DB) adminsAboveOrBeside(ctx context.Context, q queryer, id int64) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM employees WHERE role = 'admin' AND active AND id NOT IN (`+descendantsQuery+`)`, id).Scan(&n)
	return n, err
}

// managersOf returns who hears about an employee (see attendance.NotifyManagers)
// and the employee's whole chain.
func (db *DB) managersOf(ctx context.Context, q queryer, id int64) (recipients []int64, chain attendance.Chain, err error) {
	facts := factsOf(q, id)
	if facts != nil {
		chain = facts.chain
	} else if chain, err = db.chain(ctx, q, id); err != nil {
		return nil, nil, err
	}
	var admins []int64
	if !hasActiveManager(id, chain) {
		if facts != nil {
			admins = facts.admins
		} else if admins, err = db.activeAdmins(ctx, q); err != nil {
			return nil, nil, err
		}
	}
	return attendance.NotifyManagers(id, chain, admins), chain, nil
}

// decidersOf returns who hears of a request of emp that waits for a decision
// (see attendance.NotifyDeciders), reading the admins only when nobody up the
// chain may decide it.
func (db *DB) decidersOf(ctx context.Context, q queryer, emp *attendance.Employee) ([]int64, error) {
	chain, err := db.chain(ctx, q, emp.ID)
	if err != nil {
		return nil, err
	}
	if ids := attendance.NotifyDeciders(emp.ID, emp.Role, chain, nil); len(ids) > 0 {
		return ids, nil
	}
	admins, err := db.activeAdmins(ctx, q)
	if err != nil {
		return nil, err
	}
	return attendance.NotifyDeciders(emp.ID, emp.Role, chain, admins), nil
}

func hasActiveManager(id int64, c attendance.Chain) bool {
	for _, l := range c {
		if l.Active && l.Role.HasManagerAccess() && l.ID != id {
			return true
		}
	}
	return false
}
