package attendance

import (
	"fmt"
	"slices"
	"time"
)

// ApproverKind says who decides a step of an approval chain.
type ApproverKind string

// The kinds of approver a step may name.
const (
	// ApproverManager is the employee's manager at a level of their line: 1
	// is their manager, 2 that manager's manager, and so on.
	ApproverManager ApproverKind = "manager"
	// ApproverGroup is the members of a named approver group ("hr").
	ApproverGroup ApproverKind = "group"
)

// Limits of approval policies.
const (
	MaxApprovalTiers = 5  // chains per leave type
	MaxApprovalSteps = 10 // steps per chain
	MaxManagerLevel  = 10 // how far up the line a step may reach
	maxStepLabel     = 100
)

// ApprovalStep is one step of an approval chain as an admin defines it.
type ApprovalStep struct {
	Approver ApproverKind `json:"approver"`
	// Level is, for a manager step, how far up the employee's line: 1 is
	// their manager. 0 for a group step.
	Level int `json:"level,omitempty"`
	// Group is, for a group step, the group's code.
	Group string `json:"group,omitempty"`
	// Label names the step for people ("HR sign-off"); when left empty it
	// is "Manager", "Manager's manager", "Manager (level 3)" or the group's
	// code.
	Label string `json:"label" required:"false"`
}

// DefaultLabel is the label of a step that was given none.
func (s ApprovalStep) DefaultLabel() string {
	switch {
	case s.Approver == ApproverGroup:
		return s.Group
	case s.Level <= 1:
		return "Manager"
	case s.Level == 2:
		return "Manager's manager"
	}
	return fmt.Sprintf("Manager (level %d)", s.Level)
}

// ApprovalTier is the chain of steps for the requests of a leave type that
// cost more than OverDays working days.
type ApprovalTier struct {
	OverDays Amount `json:"over_days"`
	// DecideOnce lets a person who approved an earlier step also approve,
	// by that one decision, a later step at which they are an approver in
	// their own right. Without it they decide each of their steps.
	DecideOnce bool           `json:"decide_once" required:"false"`
	Steps      []ApprovalStep `json:"steps"`
}

// ApprovalPolicy is how requests of one leave type are approved: one chain
// per tier of length, the tier with the greatest OverDays below a request's
// cost applying (ChainFor). Version grows with every change, so that a
// request says which version its chain came from.
type ApprovalPolicy struct {
	LeaveType LeaveType      `json:"leave_type"`
	Version   int            `json:"version"`
	Default   bool           `json:"default"`
	Tiers     []ApprovalTier `json:"tiers"`
	UpdatedBy *int64         `json:"updated_by"`
	UpdatedAt *time.Time     `json:"updated_at"`
}

// DefaultApprovalChain is the chain of a leave type whose policy was never
// set, and of every request made before chains: one step, the employee's
// manager, with the contract's fallbacks (see StepApprovers). It is today's
// rule as a chain.
func DefaultApprovalChain() []ApprovalStep {
	return []ApprovalStep{{Approver: ApproverManager, Level: 1, Label: "Manager"}}
}

// DefaultApprovalPolicy is the policy of a leave type no admin has set.
func DefaultApprovalPolicy(t LeaveType) ApprovalPolicy {
	return ApprovalPolicy{LeaveType: t, Default: true, Tiers: []ApprovalTier{{Steps: DefaultApprovalChain()}}}
}

// NewApprovalPolicy checks the tiers an admin sets for leave type t and
// returns the policy that replaces version prev. groupExists tells whether
// an approver group code is known. The rules: 1 to MaxApprovalTiers tiers,
// one of them over 0 days (it covers every request no other tier does),
// thresholds distinct, 0 to 366 days in steps of half a day; each tier 1 to
// MaxApprovalSteps steps; a manager step's level 1 to MaxManagerLevel, a
// group step naming a known group; labels of one line, at most 100 bytes.
// Tiers are kept by ascending threshold and empty labels get their default.
func NewApprovalPolicy(t LeaveType, tiers []ApprovalTier, prev int, groupExists func(code string) bool) (*ApprovalPolicy, error) {
	var v Validator
	switch {
	case len(tiers) == 0:
		v.Add("body.tiers", "must hold at least one chain")
	case len(tiers) > MaxApprovalTiers:
		v.Add("body.tiers", "must hold at most %d chains", MaxApprovalTiers)
	}
	seen := map[Amount]int{}
	hasZero := false
	for i, tier := range tiers {
		at := fmt.Sprintf("body.tiers[%d]", i)
		if !allowanceDays(tier.OverDays) {
			v.Add(at+".over_days", "must be between 0 and 366, in steps of 0.5")
		}
		if j, dup := seen[tier.OverDays]; dup {
			v.Add(at+".over_days", "repeats tiers[%d]: each threshold once", j)
		}
		seen[tier.OverDays] = i
		hasZero = hasZero || tier.OverDays.IsZero()
		switch {
		case len(tier.Steps) == 0:
			v.Add(at+".steps", "must hold at least one step")
		case len(tier.Steps) > MaxApprovalSteps:
			v.Add(at+".steps", "must hold at most %d steps", MaxApprovalSteps)
		}
		for j, s := range tier.Steps {
			sat := fmt.Sprintf("%s.steps[%d]", at, j)
			switch s.Approver {
			case ApproverManager:
				v.Check(s.Level >= 1 && s.Level <= MaxManagerLevel, sat+".level", "must be 1 (the employee's manager) to %d", MaxManagerLevel)
				v.Check(s.Group == "", sat+".group", "belongs to group steps only")
			case ApproverGroup:
				v.Check(s.Level == 0, sat+".level", "belongs to manager steps only")
				v.Check(validLeaveCode(LeaveType(s.Group)) && groupExists(s.Group), sat+".group", "must name an approver group")
			default:
				v.Add(sat+".approver", "must be manager or group")
			}
			v.Check(len(s.Label) <= maxStepLabel, sat+".label", "must be at most 100 bytes")
			v.Text(sat+".label", s.Label, false)
		}
	}
	if len(tiers) > 0 && !hasZero {
		v.Add("body.tiers", "must hold a chain over 0 days, for the requests no other chain covers")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := make([]ApprovalTier, len(tiers))
	for i, tier := range tiers {
		steps := slices.Clone(tier.Steps)
		for j := range steps {
			if steps[j].Label == "" {
				steps[j].Label = steps[j].DefaultLabel()
			}
		}
		out[i] = ApprovalTier{OverDays: tier.OverDays, DecideOnce: tier.DecideOnce, Steps: steps}
	}
	slices.SortFunc(out, func(a, b ApprovalTier) int { return a.OverDays.Cmp(b.OverDays) })
	return &ApprovalPolicy{LeaveType: t, Version: prev + 1, Tiers: out}, nil
}

// ApprovalChain is the chain a request is decided by, chosen when it is
// made and kept with it (frozen): a later change of the policy changes no
// request already made. No steps means no approval (a type that needs none).
type ApprovalChain struct {
	// Version is the policy version it came from; 0 for the default chain.
	Version    int            `json:"version"`
	OverDays   Amount         `json:"over_days"`
	DecideOnce bool           `json:"decide_once"`
	Steps      []ApprovalStep `json:"steps"`
}

// ChainFor chooses the chain of a request costing days: the tier with the
// greatest threshold below days (more than 5 days: a request of 5.5 days,
// not one of 5). A request costs more than 0, so the tier over 0 days
// catches what no other does.
func (p *ApprovalPolicy) ChainFor(days Amount) ApprovalChain {
	chosen := ApprovalTier{Steps: DefaultApprovalChain()}
	for _, t := range p.Tiers {
		if days.Cmp(t.OverDays) > 0 && (t.OverDays.Cmp(chosen.OverDays) >= 0) {
			chosen = t
		}
	}
	return ApprovalChain{Version: p.Version, OverDays: chosen.OverDays, DecideOnce: chosen.DecideOnce, Steps: slices.Clone(chosen.Steps)}
}

// ApprovalGroup is a named set of people who decide a step ("HR"), kept by
// the admins. Members must have manager access: deciding leave needs it.
type ApprovalGroup struct {
	ID        int64     `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	MemberIDs []int64   `json:"member_ids"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// CheckApprovalGroup checks a group's code (on creation: 1 to 32 of a-z,
// 0-9 and _, starting with a letter, as leave type codes) and name (1 to
// 100 bytes of one line).
func CheckApprovalGroup(code, name string, creating bool) error {
	var v Validator
	if creating {
		v.Check(validLeaveCode(LeaveType(code)), "body.code", "must be 1 to 32 lower-case letters, digits and _, starting with a letter")
	}
	v.Check(name != "" && len(name) <= maxLeaveTypeName, "body.name", "must be 1 to 100 bytes")
	v.Text("body.name", name, false)
	return v.Err()
}

// CheckGroupMember decides whether p may join an approver group: an active
// user with manager access, as deciding leave needs.
func CheckGroupMember(p Person) error {
	if !p.Active || !p.Role.HasManagerAccess() {
		return InvalidField("body.employee_id", "must be an active manager or admin: deciding leave needs manager access")
	}
	return nil
}

// Person is someone as the approval rules see them.
type Person struct {
	ID     int64
	Role   Role
	Active bool
}

// Absence is approved leave of whole days of an employee, from From to To
// (their local dates): while it runs they are away.
type Absence struct {
	EmployeeID int64
	From, To   Date
}

// DecisionFacts are what the rules need to know, at one moment, to tell
// who may decide the steps of one request. The store gathers them in the
// transaction that decides.
type DecisionFacts struct {
	Requester Person
	// Line is the requester's line of managers, nearest first.
	Line Chain
	// Groups holds the members of the groups the request's chain names.
	Groups map[string][]Person
	// Admins are the active admins.
	Admins []int64
	// AdminsAboveOrBeside counts the active admins other than the requester
	// who do not report to them, directly or not (for an admin's own
	// request: when there is none, they decide it themselves).
	AdminsAboveOrBeside int
	// People holds the role and state of the delegates named below.
	People map[int64]Person
	// ManagersOf holds each approver's own line of managers, nearest first:
	// who decides for them while they are away.
	ManagersOf map[int64]Chain
	// Delegations are the approvers' delegations (any dates).
	Delegations []Delegation
	// Away holds the approved leave of whole days of approvers and delegates.
	Away []Absence
	// Today holds each approver's and delegate's local date now; people not
	// in it have DefaultToday.
	Today        map[int64]Date
	DefaultToday Date
}

func (f *DecisionFacts) today(id int64) Date {
	if d, ok := f.Today[id]; ok {
		return d
	}
	return f.DefaultToday
}

func (f *DecisionFacts) away(id int64) bool {
	d := f.today(id)
	return slices.ContainsFunc(f.Away, func(a Absence) bool { return a.EmployeeID == id && a.From <= d && d <= a.To })
}

func (f *DecisionFacts) requesterIsAdmin() bool { return f.Requester.Role == RoleAdmin }

// eligible reports whether p may decide some step of the request at all:
// active, with manager access, not the requester, and an admin when the
// requester is one (an admin's leave stays with the admins).
func (f *DecisionFacts) eligible(p Person) bool {
	return p.Active && p.Role.HasManagerAccess() && p.ID != f.Requester.ID && (!f.requesterIsAdmin() || p.Role == RoleAdmin)
}

// line returns the eligible people up the requester's line, nearest first:
// level 1 is the first of them.
func (f *DecisionFacts) line() []int64 {
	var ids []int64
	for _, l := range f.Line {
		if f.eligible(Person(l)) {
			ids = append(ids, l.ID)
		}
	}
	return ids
}

// fallback is who decides a step whose approvers are missing: every active
// admin other than the requester (the contract's "admins if none").
func (f *DecisionFacts) fallback() []int64 {
	var ids []int64
	for _, id := range f.Admins {
		if id != f.Requester.ID {
			ids = append(ids, id)
		}
	}
	return ids
}

// Named returns a step's approvers in their own right, before delegation:
// for a manager step the eligible person at that level of the requester's
// line, for a group step its eligible members (by id). Eligible means
// active with manager access, never the requester, and an admin when the
// requester is one. When that leaves nobody, the active admins other than
// the requester decide, as the contract's "admins if none".
func (f *DecisionFacts) Named(s ApprovalStep) []int64 {
	var ids []int64
	switch s.Approver {
	case ApproverManager:
		if line := f.line(); s.Level >= 1 && s.Level <= len(line) {
			ids = []int64{line[s.Level-1]}
		}
	case ApproverGroup:
		for _, p := range f.Groups[s.Group] {
			if f.eligible(p) {
				ids = append(ids, p.ID)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	if len(ids) == 0 {
		ids = f.fallback()
	}
	return ids
}

// Capacity says in what right someone decides a step.
type Capacity string

// The capacities, most specific first.
const (
	AsApprover     Capacity = "approver"      // named by the step
	AsDelegate     Capacity = "delegate"      // for an approver who named them for today
	AsSubstitute   Capacity = "substitute"    // the manager of an approver away with no delegate
	AsManagerAbove Capacity = "manager_above" // higher up the employee's line than a manager step reaches
	AsAdmin        Capacity = "admin"         // any admin, as the contract has it
	AsEarlierStep  Capacity = "earlier_step"  // their approval of an earlier step counts (decide_once)
	AsRecorded     Capacity = "recorded"      // decided before chains existed; the capacity was not recorded
)

// StepApprover is someone who may decide a step now, and for whom.
type StepApprover struct {
	ID int64 `json:"employee_id"`
	// For is the approver a delegate or a substitute decides for; 0 when
	// they decide in their own right.
	For int64    `json:"for_id,omitempty"`
	As  Capacity `json:"as"`
}

// StepApprovers returns who is asked to decide step s now, and is told of
// it: its approvers (Named); for each of them, their delegate for today
// (active, with manager access, not away, never the requester, an admin for
// an admin's request); and, for an approver away today on approved leave
// who has no such delegate, that approver's own manager (the nearest active
// manager or admin up their line, else the admins). Each person once, in
// their most specific capacity. Admins and managers higher up the line may
// decide too (MayDecide) but are not asked.
func StepApprovers(s ApprovalStep, f DecisionFacts) []StepApprover {
	named := f.Named(s)
	out := make([]StepApprover, 0, len(named))
	has := func(id int64) bool {
		return slices.ContainsFunc(out, func(a StepApprover) bool { return a.ID == id })
	}
	for _, id := range named {
		out = append(out, StepApprover{ID: id, As: AsApprover})
	}
	for _, id := range named {
		if d, ok := f.delegateOf(id); ok {
			if !has(d) {
				out = append(out, StepApprover{ID: d, For: id, As: AsDelegate})
			}
			continue
		}
		if !f.away(id) {
			continue
		}
		for _, m := range NotifyManagers(id, f.ManagersOf[id], f.Admins) {
			p, ok := f.person(m)
			if ok && f.eligible(p) && !has(m) {
				out = append(out, StepApprover{ID: m, For: id, As: AsSubstitute})
			}
		}
	}
	return out
}

// person returns what the facts know of id.
func (f *DecisionFacts) person(id int64) (Person, bool) {
	if p, ok := f.People[id]; ok {
		return p, true
	}
	if slices.Contains(f.Admins, id) {
		return Person{ID: id, Role: RoleAdmin, Active: true}, true
	}
	for _, c := range f.ManagersOf {
		for _, l := range c {
			if l.ID == id {
				return Person(l), true
			}
		}
	}
	return Person{}, false
}

// delegateOf returns the usable delegate of approver id today: named for a
// range holding the approver's local today, eligible for this request, and
// not away themselves.
func (f *DecisionFacts) delegateOf(id int64) (int64, bool) {
	d, ok := DelegationOn(f.Delegations, id, f.today(id))
	if !ok {
		return 0, false
	}
	p, known := f.person(d.DelegateID)
	if !known || !f.eligible(p) || f.away(p.ID) {
		return 0, false
	}
	return p.ID, true
}

// MayDecide decides whether actor may decide step s of the request now, and
// in what capacity: the requester never (403 own_request), except an admin
// with no other active admin above or beside them; then the step's asked
// approvers (StepApprovers); then any admin; then, for a manager step of a
// request that is not an admin's, anyone with manager access higher up the
// employee's line than the step reaches (the contract's "manager access in
// scope"). Anyone else gets 403 not_approver. A manager never decides an
// admin's leave.
func MayDecide(s ApprovalStep, actor Actor, f DecisionFacts) (StepApprover, error) {
	if actor.ID == f.Requester.ID {
		if actor.IsAdmin() && f.requesterIsAdmin() && f.AdminsAboveOrBeside == 0 {
			return StepApprover{ID: actor.ID, As: AsAdmin}, nil
		}
		return StepApprover{}, Errorf(KindForbidden, "own_request", "nobody may decide a step of their own leave request")
	}
	if !actor.HasManagerAccess() {
		return StepApprover{}, ErrForbidden("deciding leave needs manager access")
	}
	for _, a := range StepApprovers(s, f) {
		if a.ID == actor.ID {
			return a, nil
		}
	}
	if actor.IsAdmin() {
		return StepApprover{ID: actor.ID, As: AsAdmin}, nil
	}
	if s.Approver == ApproverManager && !f.requesterIsAdmin() {
		if line := f.line(); slices.Contains(line[min(max(s.Level, 0), len(line)):], actor.ID) {
			return StepApprover{ID: actor.ID, As: AsManagerAbove}, nil
		}
	}
	if f.requesterIsAdmin() {
		return StepApprover{}, Errorf(KindForbidden, "not_approver", "an admin's leave is decided by the admins")
	}
	return StepApprover{}, Errorf(KindForbidden, "not_approver", "you are not an approver of this step (%s)", s.Label)
}

// EscalationRecipients returns who is told once that step s has waited too
// long: the next level up. For a manager step that is the next eligible
// manager up the employee's line; for a group step, or when there is no
// such manager, the active admins. Never the requester, nor those already
// asked to decide the step.
func EscalationRecipients(s ApprovalStep, f DecisionFacts) []int64 {
	asked := StepApprovers(s, f)
	var ids []int64
	if s.Approver == ApproverManager {
		// Named falls back to the admins when the line is too short.
		if line := f.line(); s.Level >= 0 && s.Level < len(line) {
			ids = []int64{line[s.Level]}
		}
	}
	if len(ids) == 0 {
		ids = f.fallback()
	}
	return slices.DeleteFunc(ids, func(id int64) bool {
		return slices.ContainsFunc(asked, func(a StepApprover) bool { return a.ID == id })
	})
}
