package attendance

import (
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // the binary carries its own zone database: a static build on a bare machine still knows Europe/Berlin
)

// Actor is the authenticated caller of a service method.
type Actor struct {
	ID   int64
	Role Role
	// SessionID is the login session the call was made with ("" for internal callers).
	SessionID string
}

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// HasManagerAccess reports whether the actor may use manager endpoints.
func (a Actor) HasManagerAccess() bool { return a.Role.HasManagerAccess() }

// Chain is an employee's line of managers, nearest first, as far up as it
// goes: the manager, the manager's manager, …
type Chain []ChainLink

// ChainLink is one manager in a Chain.
type ChainLink struct {
	ID     int64
	Role   Role
	Active bool
}

// Contains reports whether id is somewhere up the chain.
func (c Chain) Contains(id int64) bool {
	return slices.ContainsFunc(c, func(l ChainLink) bool { return l.ID == id })
}

// Watchers lists, nearest first, the active people up the chain who have
// manager access now: those whose dashboards show the employee's events live
// (with every admin). Someone demoted since they became a manager is left out,
// whatever role their open socket was authenticated with.
func (c Chain) Watchers() []int64 {
	var ids []int64
	for _, l := range c {
		if l.Active && (l.Role == RoleManager || l.Role == RoleAdmin) {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// InScope reports whether the employee targetID, whose line of managers is
// chain, is in the actor's scope: everyone for an admin; the manager and their
// direct and indirect reports for a manager; only themselves for an employee.
func InScope(a Actor, targetID int64, chain Chain) bool {
	switch {
	case a.ID == targetID:
		return true
	case a.Role == RoleAdmin:
		return true
	case a.Role == RoleManager:
		return chain.Contains(a.ID)
	}
	return false
}

// Editable reports whether the actor may write for the employee targetID,
// whose role is targetRole and who is in the actor's scope: change their
// record, record or void their attendance, decide their requests. Admins are
// never in a manager's editable scope: a manager may read an admin who reports
// to them, but that admin's record, attendance and leave stay with the admins.
// The rules of each write (nobody voids their own events, say) come on top.
func Editable(a Actor, targetID int64, targetRole Role) bool {
	return a.ID == targetID || a.IsAdmin() || targetRole != RoleAdmin
}

// CheckEditable returns a forbidden error unless the actor may write for the
// employee targetID of role targetRole, who is in the actor's scope (Editable).
func CheckEditable(a Actor, targetID int64, targetRole Role) error {
	if !Editable(a, targetID, targetRole) {
		return ErrForbidden("an admin's record, attendance and leave stay with the admins; a manager may only read them")
	}
	return nil
}

// RequireManagerAccess returns a forbidden error unless the actor is a manager or an admin.
func RequireManagerAccess(a Actor) error {
	if !a.HasManagerAccess() {
		return ErrForbidden("this needs manager access")
	}
	return nil
}

// RequireAdmin returns a forbidden error unless the actor is an admin.
func RequireAdmin(a Actor) error {
	if !a.IsAdmin() {
		return ErrForbidden("this needs admin access")
	}
	return nil
}

// EmployeeChange is a create (Before nil) or an update of an employee, with the
// facts about other employees that its rules need. The store gathers the facts
// inside its transaction; Check decides.
type EmployeeChange struct {
	Actor  Actor
	Before *Employee // nil when creating
	Fields EmployeeFields

	// ManagerExists tells whether a given manager_id names an existing employee.
	ManagerExists bool
	// ManagerInScope tells whether a given manager_id is in the actor's scope.
	ManagerInScope bool
	// ManagerCycle tells whether a given manager_id is the employee or one of their reports.
	ManagerCycle bool
	// OtherActiveAdmins counts the active admins other than the employee.
	OtherActiveAdmins int
}

// Check applies the contract's rules for who may change what. The target is
// already known to be in the actor's scope.
func (c EmployeeChange) Check() error {
	a, f := c.Actor, c.Fields
	if err := RequireManagerAccess(a); err != nil {
		return err
	}
	if c.Before == nil {
		if f.Password == nil {
			return InvalidField("body.password", "is required")
		}
		if f.Username == nil {
			return InvalidField("body.username", "is required")
		}
		if f.Role != nil && *f.Role == RoleAdmin && !MayAssignAdmin(a) {
			return ErrForbidden("only an admin may create an admin")
		}
		return c.checkManager()
	}

	b := c.Before
	if !Editable(a, b.ID, b.Role) {
		return ErrForbidden("only an admin may change an admin")
	}
	if f.Role != nil && *f.Role == RoleAdmin && b.Role != RoleAdmin && !MayAssignAdmin(a) {
		return ErrForbidden("only an admin may promote someone to admin")
	}
	// The last admin comes first: only the last admin can reach them, so after
	// the self rule below it could never be answered.
	demoted := f.Role != nil && *f.Role != RoleAdmin
	deactivated := f.Active != nil && !*f.Active
	if b.Role == RoleAdmin && b.Active && (demoted || deactivated) && c.OtherActiveAdmins == 0 {
		return Errorf(KindConflict, "last_admin", "%s is the last active admin", b.Username)
	}
	if b.ID == a.ID {
		if field := c.selfForbidden(); field != "" {
			return ErrForbidden("nobody may change their own %s", field)
		}
	}
	if f.ManagerIDSet && !sameID(f.ManagerID, b.ManagerID) {
		if err := c.checkManager(); err != nil {
			return err
		}
	}
	return nil
}

// checkManager checks a new manager_id.
func (c EmployeeChange) checkManager() error {
	f := c.Fields
	if f.ManagerID == nil {
		if !c.Actor.IsAdmin() {
			return InvalidField("body.manager_id", "a manager may only assign a manager in their own scope")
		}
		return nil
	}
	switch {
	case !c.Actor.IsAdmin() && (!c.ManagerExists || !c.ManagerInScope):
		// One answer for a missing id and one outside the scope, so that a
		// manager cannot probe which ids exist.
		return InvalidField("body.manager_id", "a manager may only assign a manager in their own scope")
	case !c.ManagerExists:
		return InvalidField("body.manager_id", "no employee has id %d", *f.ManagerID)
	case c.ManagerCycle:
		return InvalidField("body.manager_id", "would make a reporting cycle")
	}
	return nil
}

// selfForbidden returns the name of a field that the actor tries to change on
// themselves and may not, or "".
func (c EmployeeChange) selfForbidden() string {
	b, f := c.Before, c.Fields
	switch {
	case f.Role != nil && *f.Role != b.Role:
		return "role"
	case f.ManagerIDSet && !sameID(f.ManagerID, b.ManagerID):
		return "manager"
	case f.Active != nil && *f.Active != b.Active:
		return "active flag"
	case f.AnnualLeaveDays != nil && *f.AnnualLeaveDays != b.AnnualLeaveDays:
		return "leave allowance"
	case f.Password != nil:
		return "password here (use /api/users/password/)"
	case f.Timezone != nil && *f.Timezone != b.Timezone,
		f.WorkStart != nil && *f.WorkStart != b.WorkStart,
		f.WorkEnd != nil && *f.WorkEnd != b.WorkEnd,
		f.WorkDays != nil && *f.WorkDays != b.WorkDays,
		f.LateGraceMinutes != nil && *f.LateGraceMinutes != b.LateGraceMinutes,
		f.HiredOn != nil && *f.HiredOn != b.HiredOn:
		return "schedule"
	}
	return ""
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// NotifyManagers returns who hears about an employee: the nearest active
// manager or admin up the chain; when there is none, every active admin other
// than the employee.
func NotifyManagers(employeeID int64, chain Chain, activeAdmins []int64) []int64 {
	for _, l := range chain {
		if l.Active && l.Role.HasManagerAccess() && l.ID != employeeID {
			return []int64{l.ID}
		}
	}
	out := make([]int64, 0, len(activeAdmins))
	for _, id := range activeAdmins {
		if id != employeeID {
			out = append(out, id)
		}
	}
	return out
}

// NotifyDeciders returns who hears of a request of an employee (whose role is
// role) that waits for a decision, such as leave_requested: as NotifyManagers,
// counting up the chain only those who may decide it (Editable). An admin who
// reports to a manager is heard of by the nearest active admin above them or,
// when there is none, by every other active admin: the manager could not
// decide.
func NotifyDeciders(employeeID int64, role Role, chain Chain, activeAdmins []int64) []int64 {
	deciders := make(Chain, 0, len(chain))
	for _, l := range chain {
		if Editable(Actor{ID: l.ID, Role: l.Role}, employeeID, role) {
			deciders = append(deciders, l)
		}
	}
	return NotifyManagers(employeeID, deciders, activeAdmins)
}

var locations sync.Map // name → *time.Location

func loadLocationCached(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(KindInvalid, "invalid", "%q is not an IANA time zone", name)
	}
	locations.Store(name, l)
	return l, nil
}
