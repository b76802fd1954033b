package attendance

import "slices"

// Permissions that are not one operation: what a role may do within an
// operation that others may call too. GET /api/users/me/ lists them in
// `can` beside the operation ids (RolePermissions), and an employee's read
// lists them for that person (EmployeeActions).
const (
	// CanAssignAdmin: create admins, and make someone an admin.
	CanAssignAdmin = "assign-admin-role"
	// CanTeamFeed: a calendar feed of the leave of one's whole scope.
	CanTeamFeed = "create-team-calendar-feed"
)

// MayAssignAdmin reports whether a may create an admin or make someone one:
// only admins do.
func MayAssignAdmin(a Actor) bool { return a.IsAdmin() }

// MayCreateTeamFeed reports whether a may have a team calendar feed: manager access.
func MayCreateTeamFeed(a Actor) bool { return a.HasManagerAccess() }

// RolePermissions lists the permissions beyond operations of a's role, sorted.
func RolePermissions(a Actor) []string {
	var out []string
	if MayAssignAdmin(a) {
		out = append(out, CanAssignAdmin)
	}
	if MayCreateTeamFeed(a) {
		out = append(out, CanTeamFeed)
	}
	slices.Sort(out)
	return out
}

// EmployeeActions lists what a may do for e, whom a may read (themselves,
// or someone in scope), as operation ids of the API and CanAssignAdmin,
// sorted: change them (update-employee, replace-employee), deactivate them,
// record and void their attendance, convert their overtime (the rules of
// EmployeeChange, CheckEditable and CheckConverter), and make them an
// admin. A client shows only these buttons; every request is still checked.
func EmployeeActions(a Actor, e *Employee) []string {
	out := []string{}
	if !a.HasManagerAccess() {
		return out
	}
	self := a.ID == e.ID
	if Editable(a, e.ID, e.Role) {
		out = append(out, "update-employee", "replace-employee")
		if !self {
			out = append(out, "deactivate-employee", "record-event", "void-event")
		}
	}
	if CheckConverter(a, e.ID, e.Role) == nil {
		out = append(out, "convert-overtime")
	}
	if MayAssignAdmin(a) && !self {
		out = append(out, CanAssignAdmin)
	}
	slices.Sort(out)
	return out
}
