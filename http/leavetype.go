package http

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// leaveTypeView is a leave type as the API shows it: its fields and what a
// whole year of its accrual credits.
type leaveTypeView struct {
	attendance.LeavePolicy
	CreditedPerYear attendance.Amount `json:"credited_per_year" doc:"What a whole year of the accrual in force credits for allowance (monthly credits are rounded one by one)"`
}

func viewOf(p *attendance.LeavePolicy) *leaveTypeView {
	if p == nil {
		return nil
	}
	return &leaveTypeView{LeavePolicy: *p, CreditedPerYear: attendance.CreditedPerYear(p.Accrual, p.Allowance)}
}

// optMonthDay is carry_over_expires in a body: absent, null (never) or
// MM-DD.
type optMonthDay struct {
	Set   bool
	Value attendance.MonthDay
}

func (o *optMonthDay) UnmarshalJSON(b []byte) error {
	o.Set = true
	if bytes.Equal(b, []byte("null")) {
		o.Value = attendance.MonthDay{}
		return nil
	}
	return o.Value.UnmarshalJSON(b)
}

type leaveTypeFields struct {
	Code             *attendance.LeaveType  `json:"code,omitempty" doc:"1-32 of a-z, 0-9 and _, starting with a letter; never changes"`
	Name             *string                `json:"name,omitempty"`
	Paid             *bool                  `json:"paid,omitempty"`
	UsesAllowance    *bool                  `json:"uses_allowance,omitempty"`
	NeedsApproval    *bool                  `json:"needs_approval,omitempty"`
	Units            *attendance.LeaveUnits `json:"units,omitempty"`
	Allowance        *attendance.Amount     `json:"allowance,omitempty"`
	Accrual          *attendance.Accrual    `json:"accrual,omitempty" enum:"none,yearly_full,yearly,monthly"`
	CarryOverMax     *attendance.Amount     `json:"carry_over_max,omitempty"`
	CarryOverExpires optMonthDay            `json:"carry_over_expires,omitempty" doc:"MM-DD, or null: carried days never expire"`
	FirstYear        *int                   `json:"first_year,omitempty"`
	Retired          *bool                  `json:"retired,omitempty"`
}

func (f leaveTypeFields) fields() attendance.LeavePolicyFields {
	out := attendance.LeavePolicyFields{Code: f.Code, Name: f.Name, Paid: f.Paid, UsesAllowance: f.UsesAllowance, NeedsApproval: f.NeedsApproval,
		Units: f.Units, Allowance: f.Allowance, Accrual: f.Accrual, CarryOverMax: f.CarryOverMax, FirstYear: f.FirstYear, Retired: f.Retired}
	if f.CarryOverExpires.Set {
		v := f.CarryOverExpires.Value
		out.CarryOverExpires = &v
	}
	return out
}

type leaveTypeListInput struct {
	Retired string `query:"retired" enum:"false,true,all" doc:"Default false"`
	PageParams
}

type leaveTypeListOutput struct {
	Body listBody[*leaveTypeView]
}

type leaveTypeOutput struct {
	Body *leaveTypeView
}

type leaveTypeCreatedOutput struct {
	Location string `header:"Location"`
	Body     *leaveTypeView
}

type leaveTypeCreateInput struct {
	Body leaveTypeFields
}

type leaveTypePatchInput struct {
	LeaveTypeCodePath
	Body leaveTypeFields
}

// LeaveTypeCodePath is the <code> of a leave type's path (exported: see
// IDPath).
type LeaveTypeCodePath struct {
	Code string `path:"code" maxLength:"32" doc:"The leave type's code"`
}

func (s *Server) leaveTypeRoutes() {
	tags := []string{"Leave types"}
	register(s, secured(huma.Operation{
		OperationID: "list-leave-types", Method: http.MethodGet, Path: "/api/leaves/types/", Tags: tags,
		Summary: "Leave types, by code", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *leaveTypeListInput) (*leaveTypeListOutput, error) {
		f := attendance.LeaveTypeFilter{Page: in.page()}
		switch in.Retired {
		case "", "false":
			f.Retired = new(bool)
		case "true":
			t := true
			f.Retired = &t
		}
		list, n, err := s.LeaveTypes.ListLeaveTypes(ctx, actorFrom(ctx), f)
		if err != nil {
			return nil, err
		}
		views := make([]*leaveTypeView, len(list))
		for i, p := range list {
			views[i] = viewOf(p)
		}
		return &leaveTypeListOutput{listOf(ctx, in.PageParams, n, views)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-leave-type", Method: http.MethodPost, Path: "/api/leaves/types/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Add a leave type", Description: "Admins only. Defaults: paid, uses an allowance (0, accruing yearly), needs approval, every unit, no carry-over, first_year this year. 409 `leave_type_exists`.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *leaveTypeCreateInput) (*leaveTypeCreatedOutput, error) {
		p, err := s.LeaveTypes.CreateLeaveType(ctx, actorFrom(ctx), in.Body.fields())
		if err != nil {
			return nil, err
		}
		return &leaveTypeCreatedOutput{Location: "/api/leaves/types/" + string(p.Code) + "/", Body: viewOf(p)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-leave-type", Method: http.MethodGet, Path: "/api/leaves/types/{code}/", Tags: tags,
		Summary: "One leave type, retired ones too", Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *LeaveTypeCodePath) (*leaveTypeOutput, error) {
		p, err := s.LeaveTypes.FindLeaveType(ctx, actorFrom(ctx), attendance.LeaveType(in.Code))
		return &leaveTypeOutput{viewOf(p)}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "update-leave-type", Method: http.MethodPatch, Path: "/api/leaves/types/{code}/", Tags: tags,
		Summary:     "Change a leave type",
		Description: "Admins only; any field but code and first_year. A change of accrual takes effect on 1 January of the next year; retiring a built-in type is 422.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *leaveTypePatchInput) (*leaveTypeOutput, error) {
		p, err := s.LeaveTypes.UpdateLeaveType(ctx, actorFrom(ctx), attendance.LeaveType(in.Code), in.Body.fields())
		return &leaveTypeOutput{viewOf(p)}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-leave-type", Method: http.MethodDelete, Path: "/api/leaves/types/{code}/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Delete a leave type nothing refers to", Description: "Admins only; 409 `built_in`, `leave_type_in_use` (retire it instead).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *LeaveTypeCodePath) (*struct{}, error) {
		return nil, s.LeaveTypes.DeleteLeaveType(ctx, actorFrom(ctx), attendance.LeaveType(in.Code))
	})
}
