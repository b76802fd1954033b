package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type conversionInput struct {
	Body struct {
		EmployeeID int64                `json:"employee_id" minimum:"1" doc:"Someone in scope, not oneself"`
		From       attendance.Date      `json:"from" doc:"First work date of the range"`
		To         attendance.Date      `json:"to" doc:"Last work date of the range: not after today, in the same year, at most 62 days"`
		Minutes    int                  `json:"minutes" minimum:"1" doc:"Overtime minutes to convert: at most the range's daily overtime"`
		LeaveType  attendance.LeaveType `json:"leave_type" maxLength:"32" doc:"A leave type in use with a balance, credited Minutes ÷ the day's scheduled minutes"`
		Comment    string               `json:"comment,omitempty"`
	}
}

type conversionOutput struct {
	Body *attendance.OvertimeConversion
}

type conversionListInput struct {
	EmployeeID int64 `query:"employee_id" minimum:"1" doc:"Manager access: one person in scope"`
	PageParams
}

type conversionListOutput struct {
	Body listBody[*attendance.OvertimeConversion]
}

func (s *Server) overtimeRoutes() {
	tags := []string{"Overtime"}
	register(s, secured(huma.Operation{
		OperationID: "convert-overtime", Method: http.MethodPost, Path: "/api/overtime/conversions/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Convert overtime into time off in lieu",
		Description: "Manager access in scope, not one's own (403 `own_request`), an admin's only by an admin. Credits the leave type's balance of " +
			"the year of `to` with minutes ÷ the scheduled minutes of the range's first date with a shift (480 without one), exactly, as a " +
			"ledger entry of kind `overtime`. At most the range's daily overtime (422 `insufficient_overtime`); a range overlapping an " +
			"earlier conversion of the employee is 409 `already_converted`. See docs/shifts.md.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *conversionInput) (*conversionOutput, error) {
		b := in.Body
		c, err := s.Overtime.ConvertOvertime(ctx, actorFrom(ctx), attendance.ConversionInput{EmployeeID: b.EmployeeID, From: b.From, To: b.To,
			Minutes: b.Minutes, LeaveType: b.LeaveType, Comment: b.Comment})
		return &conversionOutput{c}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "list-conversions", Method: http.MethodGet, Path: "/api/overtime/conversions/", Tags: tags,
		Summary: "Overtime conversions: one's own, or with manager access everyone's in scope, newest first",
		Errors:  []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *conversionListInput) (*conversionListOutput, error) {
		list, n, err := s.Overtime.ListConversions(ctx, actorFrom(ctx), attendance.ConversionFilter{EmployeeID: optInt64(in.EmployeeID), Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &conversionListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
}
