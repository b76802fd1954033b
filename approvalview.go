package attendance

import (
	"context"
	"time"
)

// RequestChain is a request's frozen chain and where each step stands, as a
// LeaveRequest shows it.
type RequestChain struct {
	Version    int        `json:"version"`
	OverDays   Amount     `json:"over_days"`
	DecideOnce bool       `json:"decide_once"`
	Steps      []StepView `json:"steps"`
}

// StepView is a step of a request's chain with the names of the people in
// it and, for the pending step, who is asked now and how long it waited.
type StepView struct {
	StepRecord
	DecidedByName  string `json:"decided_by_name,omitempty"`
	DecidedForName string `json:"decided_for_name,omitempty"`
	// Approvers is who is asked to decide the pending step now (only in a
	// single request and the list to decide).
	Approvers []ApproverView `json:"approvers,omitempty"`
	// WaitedWorkingDays and EscalatesAt are the pending step's.
	WaitedWorkingDays *int       `json:"waited_working_days,omitempty"`
	EscalatesAt       *time.Time `json:"escalates_at,omitempty"`
}

// ApproverView is someone asked to decide a pending step, and for whom.
type ApproverView struct {
	ID      int64    `json:"employee_id"`
	Name    string   `json:"name"`
	ForID   *int64   `json:"for_id"`
	ForName string   `json:"for_name,omitempty"`
	As      Capacity `json:"as"`
}

// NewRequestChain returns the view of state st, names naming the deciders.
func NewRequestChain(st ApprovalState, name Names) *RequestChain {
	c := &RequestChain{Version: st.Chain.Version, OverDays: st.Chain.OverDays, DecideOnce: st.Chain.DecideOnce, Steps: make([]StepView, len(st.Steps))}
	for i, s := range st.Steps {
		v := StepView{StepRecord: s}
		if s.DecidedBy != nil && name != nil {
			v.DecidedByName = name(*s.DecidedBy)
		}
		if s.DecidedFor != nil && name != nil {
			v.DecidedForName = name(*s.DecidedFor)
		}
		c.Steps[i] = v
	}
	return c
}

// SetChain sets the request's chain and current step from st.
func (r *LeaveRequest) SetChain(st ApprovalState, name Names) {
	r.Chain = NewRequestChain(st, name)
	r.CurrentStep = nil
	if cur := st.Current(); cur != nil {
		n := cur.Step
		r.CurrentStep = &n
	}
}

// SetFinal sets the request's decided_for and decided_as from the step
// whose decision decided it (ApprovalState.Final).
func (r *LeaveRequest) SetFinal(final *StepRecord) {
	r.DecidedFor, r.DecidedAs = nil, nil
	if final == nil {
		return
	}
	r.DecidedFor = final.DecidedFor
	as := final.DecidedAs
	r.DecidedAs = &as
}

// ToDecide is a request the caller is asked to decide, with its employee's name.
type ToDecide = LeaveRequestView

// PolicyInput is an approval policy as an admin sets it.
type PolicyInput struct {
	Tiers []ApprovalTier
}

// GroupMember is a member of an approver group, with their name.
type GroupMember struct {
	EmployeeID int64  `json:"employee_id"`
	Name       string `json:"name"`
}

// ApproverGroupView is an approver group with its members' names.
type ApproverGroupView struct {
	ID        int64         `json:"id"`
	Code      string        `json:"code"`
	Name      string        `json:"name"`
	Members   []GroupMember `json:"members"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// DelegationView is a delegation with its people's names.
type DelegationView struct {
	Delegation
	PrincipalName string `json:"principal_name"`
	DelegateName  string `json:"delegate_name"`
	// CanDelete says whether the reader may end the delegation
	// (CheckRemoveDelegation): the page shows Remove by it.
	CanDelete bool `json:"can_delete"`
}

// DelegationFilter selects delegations.
type DelegationFilter struct {
	PrincipalID, DelegateID *int64
	ActiveOn                *Date
	Page
}

// ApprovalService keeps approval policies, approver groups, delegations
// and the decisions of requests' steps (docs/approvals.md).
type ApprovalService interface {
	Policy(ctx context.Context, actor Actor, t LeaveType) (*ApprovalPolicy, error)
	SetPolicy(ctx context.Context, actor Actor, t LeaveType, in PolicyInput) (*ApprovalPolicy, error)
	ResetPolicy(ctx context.Context, actor Actor, t LeaveType) error

	ListGroups(ctx context.Context, actor Actor, p Page) ([]*ApproverGroupView, int, error)
	Group(ctx context.Context, actor Actor, code string) (*ApproverGroupView, error)
	CreateGroup(ctx context.Context, actor Actor, code, name string, members []int64) (*ApproverGroupView, error)
	RenameGroup(ctx context.Context, actor Actor, code, name string) (*ApproverGroupView, error)
	DeleteGroup(ctx context.Context, actor Actor, code string) error
	AddMember(ctx context.Context, actor Actor, code string, employeeID int64) error
	RemoveMember(ctx context.Context, actor Actor, code string, employeeID int64) error

	// Request returns one request with its chain and, for its pending
	// step, who is asked now.
	Request(ctx context.Context, actor Actor, id int64) (*LeaveRequestView, error)
	// DecideStep decides the current step of a request.
	DecideStep(ctx context.Context, actor Actor, id int64, d StepDecision) (*LeaveRequest, error)
	// ToDecide lists the pending requests whose current step the actor is
	// asked to decide, longest waiting first.
	ToDecide(ctx context.Context, actor Actor, p Page) ([]*LeaveRequestView, int, error)

	ListDelegations(ctx context.Context, actor Actor, f DelegationFilter) ([]*DelegationView, int, error)
	Delegation(ctx context.Context, actor Actor, id int64) (*DelegationView, error)
	CreateDelegation(ctx context.Context, actor Actor, in DelegationInput) (*DelegationView, error)
	DeleteDelegation(ctx context.Context, actor Actor, id int64) error
}
