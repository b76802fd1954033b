package attendance

// LeaveActions are what one actor may do with a leave request now, by the
// rules its endpoints enforce: the page shows the buttons the server would
// accept, and never guesses.
type LeaveActions struct {
	// CanCancel: the actor is the requester and CanCancel allows it on their
	// local today (pending, or approved and not started).
	CanCancel bool
	// CanDecide: the request waits at a step that the actor may decide now
	// (ApprovalState.Decide's checks short of the decision itself: manager
	// access, never one's own unless a lone admin, MayDecide for the step).
	CanDecide bool
}

// ActionsOn decides the actions of actor on request r. requesterToday is
// the requester's local date now; st is the request's approval state and f
// its decision facts, needed only while it is pending (nil otherwise).
func ActionsOn(r *LeaveRequest, actor Actor, requesterToday Date, st *ApprovalState, f *DecisionFacts) LeaveActions {
	var out LeaveActions
	out.CanCancel = r.EmployeeID == actor.ID && r.CanCancel(requesterToday) == nil
	if r.Status != LeavePending || st == nil || f == nil || !actor.HasManagerAccess() {
		return out
	}
	lone := actor.IsAdmin() && f.Requester.Role == RoleAdmin && f.AdminsAboveOrBeside == 0
	if actor.ID == f.Requester.ID && !lone {
		return out
	}
	cur := st.Current()
	if cur == nil {
		return out
	}
	_, err := MayDecide(cur.ApprovalStep, actor, *f)
	out.CanDecide = err == nil
	return out
}
