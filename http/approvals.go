package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// Approval chains, approver groups and delegations (docs/approvals.md).

// LeaveTypePath is exported so that huma finds its parameter where it is embedded.
type LeaveTypePath struct {
	Code string `path:"code" maxLength:"32" doc:"The leave type's code"`
}

type policyOutput struct {
	Body *attendance.ApprovalPolicy
}

type policyInput struct {
	LeaveTypePath
	Body struct {
		Tiers []attendance.ApprovalTier `json:"tiers" maxItems:"20"`
	}
}

// GroupPath is exported so that huma finds its parameter where it is embedded.
type GroupPath struct {
	Code string `path:"code" maxLength:"64" doc:"The approver group's code"`
}

type groupOutput struct {
	Body *attendance.ApproverGroupView
}

type groupCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.ApproverGroupView
}

type groupListOutput struct {
	Body listBody[*attendance.ApproverGroupView]
}

type groupCreateInput struct {
	Body struct {
		Code      string  `json:"code" maxLength:"64"`
		Name      string  `json:"name" maxLength:"200"`
		MemberIDs []int64 `json:"member_ids,omitempty" maxItems:"500"`
	}
}

type groupPatchInput struct {
	GroupPath
	Body struct {
		Code *string `json:"code,omitempty" maxLength:"64" doc:"Cannot change: 422 unless the same"`
		Name string  `json:"name" maxLength:"200"`
	}
}

type groupMemberPath struct {
	GroupPath
	EmployeeID int64 `path:"employee_id" minimum:"1"`
}

type leaveViewOutput struct {
	Body *attendance.LeaveRequestView
}

type leaveViewListOutput struct {
	Body listBody[*attendance.LeaveRequestView]
}

type delegationOutput struct {
	Body *attendance.DelegationView
}

type delegationCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.DelegationView
}

type delegationListInput struct {
	PrincipalID int64  `query:"principal_id" minimum:"1"`
	DelegateID  int64  `query:"delegate_id" minimum:"1"`
	ActiveOn    string `query:"active_on" format:"date"`
	PageParams
}

type delegationListOutput struct {
	Body listBody[*attendance.DelegationView]
}

type delegationCreateInput struct {
	Body struct {
		DelegateID  int64           `json:"delegate_id" minimum:"1"`
		From        attendance.Date `json:"from"`
		To          attendance.Date `json:"to"`
		Note        string          `json:"note,omitempty"`
		PrincipalID *int64          `json:"principal_id,omitempty" minimum:"1" doc:"Admins only: someone else's delegate"`
	}
}

func (s *Server) approvalRoutes() {
	tags := []string{"Approvals"}
	register(s, secured(huma.Operation{
		OperationID: "get-approval-policy", Method: http.MethodGet, Path: "/api/leaves/types/{code}/approval/", Tags: tags,
		Summary: "A leave type's approval policy", Description: "The default policy (one step, the employee's manager) while none is set.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *LeaveTypePath) (*policyOutput, error) {
		p, err := s.Approvals.Policy(ctx, actorFrom(ctx), attendance.LeaveType(in.Code))
		return &policyOutput{p}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "set-approval-policy", Method: http.MethodPut, Path: "/api/leaves/types/{code}/approval/", Tags: tags,
		Summary: "Set a leave type's approval policy", Description: "A new version; the same tiers again change nothing. Requests already made keep their chains.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *policyInput) (*policyOutput, error) {
		p, err := s.Approvals.SetPolicy(ctx, actorFrom(ctx), attendance.LeaveType(in.Code), attendance.PolicyInput{Tiers: in.Body.Tiers})
		return &policyOutput{p}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "reset-approval-policy", Method: http.MethodDelete, Path: "/api/leaves/types/{code}/approval/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Back to the default approval policy", Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *LeaveTypePath) (*struct{}, error) {
		return nil, s.Approvals.ResetPolicy(ctx, actorFrom(ctx), attendance.LeaveType(in.Code))
	})

	register(s, secured(huma.Operation{
		OperationID: "list-approver-groups", Method: http.MethodGet, Path: "/api/approver-groups/", Tags: tags,
		Summary: "Approver groups by code", Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *PageParams) (*groupListOutput, error) {
		list, n, err := s.Approvals.ListGroups(ctx, actorFrom(ctx), in.page())
		if err != nil {
			return nil, err
		}
		return &groupListOutput{listOf(ctx, *in, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-approver-group", Method: http.MethodPost, Path: "/api/approver-groups/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Make an approver group", Description: "409 `approver_group_exists`; members must be active managers or admins (422).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *groupCreateInput) (*groupCreatedOutput, error) {
		g, err := s.Approvals.CreateGroup(ctx, actorFrom(ctx), in.Body.Code, in.Body.Name, in.Body.MemberIDs)
		if err != nil {
			return nil, err
		}
		return &groupCreatedOutput{Location: "/api/approver-groups/" + g.Code + "/", Body: g}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-approver-group", Method: http.MethodGet, Path: "/api/approver-groups/{code}/", Tags: tags,
		Summary: "An approver group and its members", Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager), func(ctx context.Context, in *GroupPath) (*groupOutput, error) {
		g, err := s.Approvals.Group(ctx, actorFrom(ctx), in.Code)
		return &groupOutput{g}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "rename-approver-group", Method: http.MethodPatch, Path: "/api/approver-groups/{code}/", Tags: tags,
		Summary: "Rename an approver group", Description: "`code` cannot change (422).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *groupPatchInput) (*groupOutput, error) {
		if in.Body.Code != nil && *in.Body.Code != in.Code {
			return nil, attendance.InvalidField("body.code", "cannot change: make a new group")
		}
		g, err := s.Approvals.RenameGroup(ctx, actorFrom(ctx), in.Code, in.Body.Name)
		return &groupOutput{g}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-approver-group", Method: http.MethodDelete, Path: "/api/approver-groups/{code}/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Delete an approver group", Description: "409 `approver_group_in_use` while a policy or a pending request names it.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *GroupPath) (*struct{}, error) {
		return nil, s.Approvals.DeleteGroup(ctx, actorFrom(ctx), in.Code)
	})
	register(s, secured(huma.Operation{
		OperationID: "add-approver-group-member", Method: http.MethodPut, Path: "/api/approver-groups/{code}/members/{employee_id}/", Tags: tags,
		DefaultStatus: http.StatusNoContent, Summary: "Add a member to an approver group",
		Description: "Already a member: 204, nothing changes. Someone who may not decide leave: 422.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *groupMemberPath) (*struct{}, error) {
		return nil, s.Approvals.AddMember(ctx, actorFrom(ctx), in.Code, in.EmployeeID)
	})
	register(s, secured(huma.Operation{
		OperationID: "remove-approver-group-member", Method: http.MethodDelete, Path: "/api/approver-groups/{code}/members/{employee_id}/", Tags: tags,
		DefaultStatus: http.StatusNoContent, Summary: "Remove a member from an approver group",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *groupMemberPath) (*struct{}, error) {
		return nil, s.Approvals.RemoveMember(ctx, actorFrom(ctx), in.Code, in.EmployeeID)
	})

	register(s, secured(huma.Operation{
		OperationID: "get-leave", Method: http.MethodGet, Path: "/api/leaves/{id}/", Tags: []string{"Leave"},
		Summary: "One leave request with its approval chain",
		Description: "The requester, manager access in scope, anyone asked to decide its current step (with the pending step's `approvers`, " +
			"`waited_working_days`, `escalates_at`) and anyone who decided one of its steps; anyone else 404.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*leaveViewOutput, error) {
		r, err := s.Approvals.Request(ctx, actorFrom(ctx), in.ID)
		if err == nil && r.Status == attendance.LeavePending && s.Ledger != nil {
			// What approving it now would do (docs/leave.md), for manager access in scope.
			if d, err := s.Ledger.FindLeave(ctx, actorFrom(ctx), in.ID); err == nil {
				r.Approval = d.Approval
			}
		}
		return &leaveViewOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "leave-to-decide", Method: http.MethodGet, Path: "/api/leaves/to-decide/", Tags: []string{"Leave"},
		Summary: "The pending requests whose current step the caller is asked to decide, longest waiting first",
		Errors:  []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *PageParams) (*leaveViewListOutput, error) {
		list, n, err := s.Approvals.ToDecide(ctx, actorFrom(ctx), in.page())
		if err != nil {
			return nil, err
		}
		return &leaveViewListOutput{listOf(ctx, *in, n, list)}, nil
	})

	dtags := []string{"Delegations"}
	register(s, secured(huma.Operation{
		OperationID: "list-delegations", Method: http.MethodGet, Path: "/api/delegations/", Tags: dtags,
		Summary: "The caller's delegations as approver or delegate (an admin: everyone's), newest first",
		Errors:  []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *delegationListInput) (*delegationListOutput, error) {
		on, err := optDate(in.ActiveOn, "active_on")
		if err != nil {
			return nil, err
		}
		list, n, err := s.Approvals.ListDelegations(ctx, actorFrom(ctx), attendance.DelegationFilter{PrincipalID: optInt64(in.PrincipalID),
			DelegateID: optInt64(in.DelegateID), ActiveOn: on, Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &delegationListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-delegation", Method: http.MethodPost, Path: "/api/delegations/", Tags: dtags, DefaultStatus: http.StatusCreated,
		Summary:     "Name a delegate for a date range",
		Description: "One delegate at a time (409 `overlap`); `principal_id` other than oneself: admins only (403).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *delegationCreateInput) (*delegationCreatedOutput, error) {
		b := in.Body
		d, err := s.Approvals.CreateDelegation(ctx, actorFrom(ctx), attendance.DelegationInput{PrincipalID: b.PrincipalID, DelegateID: b.DelegateID,
			From: b.From, To: b.To, Note: b.Note})
		if err != nil {
			return nil, err
		}
		return &delegationCreatedOutput{Location: "/api/delegations/" + strconv.FormatInt(d.ID, 10) + "/", Body: d}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-delegation", Method: http.MethodGet, Path: "/api/delegations/{id}/", Tags: dtags,
		Summary: "One delegation: its approver, its delegate, an admin", Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager), func(ctx context.Context, in *IDPath) (*delegationOutput, error) {
		d, err := s.Approvals.Delegation(ctx, actorFrom(ctx), in.ID)
		return &delegationOutput{d}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-delegation", Method: http.MethodDelete, Path: "/api/delegations/{id}/", Tags: dtags, DefaultStatus: http.StatusNoContent,
		Summary: "End a delegation at once", Description: "Its approver or an admin; the delegate 403.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Approvals.DeleteDelegation(ctx, actorFrom(ctx), in.ID)
	})
}
