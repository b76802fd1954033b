package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strings"

	"github.com/openattendance/attendance"
)

// EmployeeService keeps the employees: who they are, their roles, who they
// report to and their schedules (attendance.EmployeeService). New passwords
// are hashed with its hasher before the transaction that stores them.
type EmployeeService struct {
	db     *DB
	hasher attendance.PasswordHasher
}

var _ attendance.EmployeeService = (*EmployeeService)(nil)

// NewEmployeeService returns the employee service of db, hashing new
// passwords with hasher.
func NewEmployeeService(db *DB, hasher attendance.PasswordHasher) *EmployeeService {
	return &EmployeeService{db: db, hasher: hasher}
}

// FindEmployee returns an employee the actor may see.
func (s *EmployeeService) FindEmployee(ctx context.Context, a attendance.Actor, id int64) (_ *attendance.Employee, err error) {
	defer wrap(&err, "FindEmployee(actor %d, %d)", a.ID, id)
	e, err := s.db.findEmployee(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return e, s.db.describeSchedules(ctx, s.db.reader(), e)
}

// ListEmployees lists the employees in the actor's scope.
func (s *EmployeeService) ListEmployees(ctx context.Context, a attendance.Actor, f attendance.EmployeeFilter) (_ []*attendance.Employee, _ int, err error) {
	defer wrap(&err, "ListEmployees(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	var w where
	w.addScope(a, "e.id")
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	if f.Role != nil {
		w.add("e.role = ?", string(*f.Role))
	}
	if f.Active != nil {
		w.add("e.active = ?", *f.Active)
	}
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		w.add(`(lower(e.username) LIKE ? ESCAPE '\' OR lower(e.email) LIKE ? ESCAPE '\'
			OR lower(e.first_name || ' ' || e.last_name) LIKE ? ESCAPE '\')`, like, like, like)
	}
	// An admin's page walks an index in order and stops after it: the count
	// is its own query. A manager's scope is a recursive query, read once:
	// the page carries the count (COUNT(*) OVER ()).
	count, total := -1, "COUNT(*) OVER ()"
	if a.IsAdmin() {
		total = "0"
		if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM employees e WHERE `+w.String(), w.args...).Scan(&count); err != nil {
			return nil, 0, err
		}
	}
	limit, offset := pageArgs(f.Page)
	rows, err := s.db.reader().query(ctx, `SELECT `+employeeCols+`, m.username, m.first_name, m.last_name, `+total+`
		FROM employees e LEFT JOIN employees m ON m.id = e.manager_id
		WHERE `+w.String()+` ORDER BY `+employeeOrder(f.Ordering)+` LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	list := []*attendance.Employee{}
	for rows.Next() {
		var mu, mf, ml sql.NullString
		var total int
		e, err := scanEmployee(rows, &mu, &mf, &ml, &total)
		if err != nil {
			return nil, 0, err
		}
		if mu.Valid {
			m := attendance.Employee{Username: mu.String, FirstName: mf.String, LastName: ml.String}
			e.ManagerName = m.Name()
		}
		if count < 0 {
			count = total
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if count < 0 {
		// A page past the end has no row to carry the count.
		if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM employees e WHERE `+w.String(), w.args...).Scan(&count); err != nil {
			return nil, 0, err
		}
	}
	return list, count, s.db.describeSchedules(ctx, s.db.reader(), list...)
}

// employeeOrder is the ORDER BY of an attendance.EmployeeFilter's Ordering,
// ties broken by id (the same direction).
func employeeOrder(o string) string {
	dir := " ASC"
	if strings.HasPrefix(o, "-") {
		o, dir = o[1:], " DESC"
	}
	switch o {
	case "name":
		return "lower(e.first_name || ' ' || e.last_name)" + dir + ", e.id" + dir
	case "username":
		return "e.username_key" + dir + ", e.id" + dir
	case "department":
		return "lower(e.department)" + dir + ", e.id" + dir
	case "hired_on":
		return "e.hired_on" + dir + ", e.id" + dir
	}
	return "e.id" + dir
}

// ListDepartments lists the departments of the people in the actor's scope.
func (s *EmployeeService) ListDepartments(ctx context.Context, a attendance.Actor, p attendance.Page) (_ []attendance.Department, _ int, err error) {
	defer wrap(&err, "ListDepartments(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, 0, err
	}
	var w where
	w.addScope(a, "e.id")
	w.add("e.department <> ''")
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(DISTINCT e.department) FROM employees e WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	rows, err := s.db.reader().query(ctx, `SELECT e.department, COUNT(*), SUM(CASE WHEN e.active THEN 1 ELSE 0 END)
		FROM employees e WHERE `+w.String()+` GROUP BY e.department ORDER BY e.department LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	list := []attendance.Department{}
	for rows.Next() {
		var d attendance.Department
		if err := rows.Scan(&d.Name, &d.Employees, &d.Active); err != nil {
			return nil, 0, err
		}
		list = append(list, d)
	}
	return list, count, rows.Err()
}

// CreateEmployee creates an employee. A manager's new report reports to them
// unless another manager in their scope is named.
func (s *EmployeeService) CreateEmployee(ctx context.Context, a attendance.Actor, f attendance.EmployeeFields) (_ *attendance.Employee, err error) {
	defer wrap(&err, "CreateEmployee(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if !f.ManagerIDSet {
		f.ManagerIDSet, f.ManagerID = true, &a.ID
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	// The rules that need nothing from the database, before the hash (slow on
	// purpose): with the manager taken as found and in scope, Check fails only
	// on them, and as it would in the transaction.
	if err := (attendance.EmployeeChange{Actor: a, Fields: f, ManagerExists: true, ManagerInScope: true}).Check(); err != nil {
		return nil, err
	}
	// Hash before the transaction: it is slow on purpose, and the writer must not wait for it.
	hash, err := s.hasher.Hash(ctx, *f.Password)
	if err != nil {
		return nil, err
	}
	var e *attendance.Employee
	err = s.db.inTx(ctx, func(tx *Tx) error {
		change := attendance.EmployeeChange{Actor: a, Fields: f}
		if err := s.db.managerFacts(ctx, tx, &change, 0); err != nil {
			return err
		}
		if err := change.Check(); err != nil {
			return err
		}
		e = f.Create(s.db.cfg.CompanyTimezone, s.db.now())
		if err := s.db.insertEmployee(ctx, tx, e, hash); err != nil {
			return err
		}
		// The schedule fields are a one-week pattern of one shift.
		if err := s.db.setSimplePattern(ctx, tx, e, &a.ID); err != nil {
			return err
		}
		e.ScheduleKind = attendance.ScheduleSimple
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// UpdateEmployee changes the given fields of an employee in the actor's scope.
func (s *EmployeeService) UpdateEmployee(ctx context.Context, a attendance.Actor, id int64, f attendance.EmployeeFields) (_ *attendance.Employee, err error) {
	defer wrap(&err, "UpdateEmployee(actor %d, %d)", a.ID, id)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var hash string
	if f.Password != nil && id != a.ID {
		// A reset: check the password against the target's username, then hash
		// it before the transaction, since hashing is slow on purpose.
		target, err := s.db.findEmployee(ctx, a, id)
		if err != nil {
			return nil, err
		}
		if err := attendance.CheckEditable(a, target.ID, target.Role); err != nil {
			return nil, err
		}
		username := target.Username
		if f.Username != nil {
			username = *f.Username
		}
		if msg := attendance.ValidatePassword(*f.Password, username); msg != "" {
			return nil, attendance.InvalidField("body.password", "%s", msg)
		}
		if hash, err = s.hasher.Hash(ctx, *f.Password); err != nil {
			return nil, err
		}
	}
	var e *attendance.Employee
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if f.ManagerIDSet || f.Role != nil || f.Active != nil {
			if err := s.db.lock(ctx, tx, lockOrganisation); err != nil {
				return err
			}
		}
		before, err := s.db.employee(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ok, err := s.db.inScope(ctx, tx, a, id); err != nil || !ok {
			return orNotFound(err, "employee")
		}
		change := attendance.EmployeeChange{Actor: a, Before: before, Fields: f}
		if err := s.db.managerFacts(ctx, tx, &change, id); err != nil {
			return err
		}
		if before.Role == attendance.RoleAdmin && (f.Role != nil || f.Active != nil) {
			// The last-admin rule. Every change that could take an admin away
			// holds lockOrganisation (above), so the count cannot change under
			// us, and no admin row needs locking (which, out of order with the
			// target's, would deadlock).
			if change.OtherActiveAdmins, err = s.db.otherActiveAdmins(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := change.Check(); err != nil {
			return err
		}
		after := *before
		f.Apply(&after)
		now := s.db.now()
		after.UpdatedAt = now
		switch {
		case before.Active && !after.Active:
			today := after.Schedule().Today(now)
			after.DeactivatedOn = &today
		case after.Active:
			after.DeactivatedOn = nil
		}
		_, err = tx.exec(ctx, `UPDATE employees SET username = ?, username_key = ?, email = ?, first_name = ?, last_name = ?,
			role = ?, manager_id = ?, department = ?, timezone = ?, work_start = ?, work_end = ?, work_days = ?,
			late_grace_minutes = ?, annual_leave_days = ?, hired_on = ?, active = ?, deactivated_on = ?, updated_at = ?
			WHERE id = ?`,
			after.Username, attendance.NormalizeUsername(after.Username), after.Email, after.FirstName, after.LastName,
			string(after.Role), after.ManagerID, after.Department, after.Timezone, int(after.WorkStart), int(after.WorkEnd),
			int(after.WorkDays), after.LateGraceMinutes, after.AnnualLeaveDays, after.HiredOn.String(), after.Active,
			datePtr(after.DeactivatedOn), s.db.t(now), id)
		if err != nil {
			return s.db.uniqueUsername(err)
		}
		if hash != "" {
			if _, err := tx.exec(ctx, `UPDATE employees SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
				return err
			}
		}
		if hash != "" || !after.Active {
			if err := s.db.revokeAll(ctx, tx, id, "", now); err != nil {
				return err
			}
		}
		if before.Active && !after.Active {
			// A deactivation ends the calendar feeds too (docs/approvals.md).
			if err := s.db.revokeFeeds(ctx, tx, id, now); err != nil {
				return err
			}
		}
		if after.Role != before.Role {
			tx.emit(attendance.Message{ID: fmt.Sprintf("role_changed:%d:%s", id, rand.Text()), Type: attendance.MessageRoleChanged,
				OccurredAt: now, UserID: id})
		}
		// Schedule fields written that differ from what the patterns say
		// today replace the patterns (docs/shifts.md).
		described := *before
		if err := s.db.describeSchedules(ctx, tx, &described); err != nil {
			return err
		}
		if f.WorkStart != nil || f.WorkEnd != nil || f.WorkDays != nil || f.LateGraceMinutes != nil {
			if after.WorkStart != described.WorkStart || after.WorkEnd != described.WorkEnd || after.WorkDays != described.WorkDays ||
				after.LateGraceMinutes != described.LateGraceMinutes {
				if err := s.db.setSimplePattern(ctx, tx, &after, &a.ID); err != nil {
					return err
				}
			}
		}
		if after.Timezone != before.Timezone {
			if err := s.db.rebuildAllDays(ctx, tx, &after); err != nil {
				return err
			}
		}
		if err := s.db.allowanceChanged(ctx, tx, before, &after, a.ID); err != nil {
			return err
		}
		if err := s.db.describeSchedules(ctx, tx, &after); err != nil {
			return err
		}
		e = &after
		return nil
	})
	return e, err
}

// UpdateSelf changes the actor's own names and email.
func (s *EmployeeService) UpdateSelf(ctx context.Context, a attendance.Actor, f attendance.EmployeeFields) (_ *attendance.Employee, err error) {
	defer wrap(&err, "UpdateSelf(actor %d)", a.ID)
	allowed := attendance.EmployeeFields{FirstName: f.FirstName, LastName: f.LastName, Email: f.Email}
	if f != allowed {
		return nil, attendance.ErrForbidden("only first_name, last_name and email may be changed here")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var e *attendance.Employee
	err = s.db.inTx(ctx, func(tx *Tx) error {
		before, err := s.db.employee(ctx, tx, a.ID, true)
		if err != nil {
			return err
		}
		after := *before
		f.Apply(&after)
		after.UpdatedAt = s.db.now()
		if _, err := tx.exec(ctx, `UPDATE employees SET first_name = ?, last_name = ?, email = ?, updated_at = ? WHERE id = ?`,
			after.FirstName, after.LastName, after.Email, s.db.t(after.UpdatedAt), a.ID); err != nil {
			return err
		}
		e = &after
		return s.db.describeSchedules(ctx, tx, e)
	})
	return e, err
}

// DeactivateEmployee deactivates an employee in scope: login refused, tokens
// revoked, history kept.
func (s *EmployeeService) DeactivateEmployee(ctx context.Context, a attendance.Actor, id int64) error {
	active := false
	_, err := s.UpdateEmployee(ctx, a, id, attendance.EmployeeFields{Active: &active})
	return err
}

// CountEmployees returns how many employees exist, active or not.
func (s *EmployeeService) CountEmployees(ctx context.Context) (n int, err error) {
	defer wrap(&err, "CountEmployees()")
	err = s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM employees`).Scan(&n)
	return n, err
}

// Bootstrap creates the first admin when the database has no user at all,
// and reports whether it did. Concurrent replicas create one admin between them.
func (s *EmployeeService) Bootstrap(ctx context.Context, username, passwordHash string) (created bool, err error) {
	defer wrap(&err, "Bootstrap(%q)", username)
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// Two replicas starting on an empty PostgreSQL database would each
		// count no one and each insert their admin: the organisation lock
		// makes the second count see the first admin.
		if err := s.db.lock(ctx, tx, lockOrganisation); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM employees`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		e := attendance.NewEmployee(s.db.cfg.CompanyTimezone, s.db.now())
		e.Username, e.Role = username, attendance.RoleAdmin
		if err := s.db.insertEmployee(ctx, tx, e, passwordHash); err != nil {
			return err
		}
		created = true
		return nil
	})
	if attendance.ErrorCode(err) == "username_taken" {
		return false, nil // another replica created the admin first
	}
	return created, err
}

// findEmployee returns an employee the actor may see: themselves, or someone
// in scope with manager access.
func (db *DB) findEmployee(ctx context.Context, a attendance.Actor, id int64) (*attendance.Employee, error) {
	if a.ID != id && !a.HasManagerAccess() {
		return nil, attendance.ErrNotFound("employee")
	}
	e, err := db.employee(ctx, db.reader(), id, false)
	if err != nil {
		return nil, err
	}
	if ok, err := db.inScope(ctx, db.reader(), a, id); err != nil || !ok {
		return nil, orNotFound(err, "employee")
	}
	return e, nil
}

// employee reads one employee; in a write transaction it also locks the row.
func (db *DB) employee(ctx context.Context, q queryer, id int64, lock bool) (*attendance.Employee, error) {
	query := `SELECT ` + employeeCols + ` FROM employees e WHERE e.id = ?`
	if lock {
		query += db.d.ForUpdate
	}
	e, err := scanEmployee(q.queryRow(ctx, query, id))
	if err != nil {
		return nil, notFound(err, "employee")
	}
	return e, nil
}

// employeeList reads the employees a query selects (employeeCols) on the
// read pool.
func (db *DB) employeeList(ctx context.Context, query string, args ...any) ([]*attendance.Employee, error) {
	return db.employeesOn(ctx, db.reader(), query, args...)
}

// employeesOn reads the employees a query selects (employeeCols) on q.
func (db *DB) employeesOn(ctx context.Context, q queryer, query string, args ...any) ([]*attendance.Employee, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*attendance.Employee
	for rows.Next() {
		e, err := scanEmployee(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// managerFacts gathers what the rules need to know about a new manager_id.
func (db *DB) managerFacts(ctx context.Context, tx *Tx, c *attendance.EmployeeChange, targetID int64) error {
	f := c.Fields
	if f.ManagerIDSet && f.ManagerID != nil {
		mid := *f.ManagerID
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM employees WHERE id = ?`, mid).Scan(&n); err != nil {
			return err
		}
		c.ManagerExists = n > 0
		if c.ManagerExists {
			ok, err := db.inScope(ctx, tx, c.Actor, mid)
			if err != nil {
				return err
			}
			c.ManagerInScope = ok
			if targetID != 0 {
				chain, err := db.chain(ctx, tx, mid)
				if err != nil {
					return err
				}
				c.ManagerCycle = mid == targetID || chain.Contains(targetID)
			}
		}
	}
	return nil
}

// insertEmployee stores a new employee with their password hash and sets
// e.ID: the one INSERT of an employee, for a create, the first admin and a
// bulk load alike.
func (db *DB) insertEmployee(ctx context.Context, tx *Tx, e *attendance.Employee, hash string) error {
	id, err := tx.insertID(ctx, `INSERT INTO employees (username, username_key, password_hash, email, first_name, last_name,
		role, manager_id, department, timezone, work_start, work_end, work_days, late_grace_minutes,
		annual_leave_days, hired_on, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Username, attendance.NormalizeUsername(e.Username), hash, e.Email, e.FirstName, e.LastName,
		string(e.Role), e.ManagerID, e.Department, e.Timezone, int(e.WorkStart), int(e.WorkEnd), int(e.WorkDays),
		e.LateGraceMinutes, e.AnnualLeaveDays, e.HiredOn.String(), e.Active, db.t(e.CreatedAt), db.t(e.UpdatedAt))
	if err != nil {
		return db.uniqueUsername(err)
	}
	e.ID = id
	return nil
}

// uniqueUsername turns the violation of the usernames' unique index into the
// domain's conflict; other errors pass unchanged.
func (db *DB) uniqueUsername(err error) error {
	if db.d.IsUniqueViolation(err) {
		return attendance.Errorf(attendance.KindConflict, "username_taken", "that username is taken")
	}
	return err
}

// employeeCols are the columns of an attendance.Employee, of employees e.
const employeeCols = `e.id, e.username, e.email, e.first_name, e.last_name, e.role, e.manager_id,
	e.department, e.timezone, e.work_start, e.work_end, e.work_days, e.late_grace_minutes,
	e.annual_leave_days, e.hired_on, e.active, e.deactivated_on, e.created_at, e.updated_at`

// scanEmployee scans employeeCols, then extra.
func scanEmployee(s scanner, extra ...any) (*attendance.Employee, error) {
	e := attendance.Employee{ScheduleKind: attendance.ScheduleSimple}
	dest := []any{&e.ID, &e.Username, &e.Email, &e.FirstName, &e.LastName, &e.Role, &e.ManagerID,
		&e.Department, &e.Timezone, &e.WorkStart, &e.WorkEnd, &e.WorkDays, &e.LateGraceMinutes,
		&e.AnnualLeaveDays, dateCol{&e.HiredOn}, &e.Active, nullDateCol{&e.DeactivatedOn},
		timeCol{&e.CreatedAt}, timeCol{&e.UpdatedAt}}
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	return &e, nil
}
