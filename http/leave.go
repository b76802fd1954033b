package http

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type leaveRequestInput struct {
	IdempotencyHeader
	Body struct {
		LeaveType attendance.LeaveType  `json:"leave_type" maxLength:"32" doc:"The code of a leave type that is not retired (see /api/leaves/types/)"`
		StartDate attendance.Date       `json:"start_date"`
		EndDate   attendance.Date       `json:"end_date"`
		HalfDay   bool                  `json:"half_day,omitempty" doc:"Only when start_date equals end_date; costs 0.5 days"`
		StartTime *attendance.TimeOfDay `json:"start_time,omitempty" doc:"Hours of one working day: from start_time to end_time inside its scheduled hours, in the employee's zone"`
		EndTime   *attendance.TimeOfDay `json:"end_time,omitempty"`
		Reason    string                `json:"reason,omitempty"`
	}
}

type leaveOutput struct {
	Body *attendance.LeaveRequest
}

type leaveListInput struct {
	Status string `query:"status" enum:"pending,approved,rejected,cancelled"`
	Year   int    `query:"year" minimum:"1970" maximum:"9999"`
	PageParams
}

type leaveListOutput struct {
	Body listBody[*attendance.LeaveRequest]
}

type leaveActionInput struct {
	IDPath
	IdempotencyHeader
	Body struct {
		Action  attendance.LeaveAction `json:"action" enum:"approve,reject"`
		Comment string                 `json:"comment,omitempty"`
		Step    int                    `json:"step,omitempty" minimum:"1" maximum:"10" doc:"The step decided: required when the request's chain has several"`
	}
}

type leaveOverviewInput struct {
	Status     string  `query:"status" enum:"pending,approved,rejected,cancelled"`
	LeaveType  string  `query:"leave_type" maxLength:"32" doc:"A leave type's code"`
	EmployeeID []int64 `query:"employee_id,explode" maxItems:"500" doc:"Repeatable (?employee_id=3&employee_id=7): the requests of any of these people; ids outside your scope match nothing"`
	Department string  `query:"department"`
	From       string  `query:"from" format:"date" doc:"Requests that end on or after this date"`
	To         string  `query:"to" format:"date" doc:"Requests that start on or before this date"`
	Order      string  `query:"order" enum:"newest,waiting" doc:"newest (default) or waiting: the pending step's longest wait first"`
	Format     string  `query:"format" enum:"json,csv" doc:"csv: every matching row as CSV, ignoring limit and offset"`
	Accept     string  `header:"Accept"`
	PageParams
}

type balanceInput struct {
	Year       int    `query:"year" minimum:"1970" maximum:"9999" doc:"Default: the current year"`
	EmployeeID int64  `query:"employee_id" minimum:"1" doc:"Manager access: someone in scope; default oneself"`
	LeaveType  string `query:"leave_type" maxLength:"32" doc:"A leave type's code; default annual"`
}

type holidayListInput struct {
	Year int `query:"year" minimum:"1970" maximum:"9999"`
	PageParams
}

type holidayListOutput struct {
	Body listBody[*attendance.Holiday]
}

type holidayInput struct {
	Body struct {
		Date attendance.Date `json:"date"`
		Name string          `json:"name" minLength:"1" maxLength:"200"`
	}
}

type holidayCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.Holiday
}

func optInt(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}

func optStatus(s string) *attendance.LeaveStatus {
	if s == "" {
		return nil
	}
	st := attendance.LeaveStatus(s)
	return &st
}

func (s *Server) leaveRoutes() {
	tags := []string{"Leave"}
	register(s, secured(huma.Operation{
		OperationID: "request-leave", Method: http.MethodPost, Path: "/api/leaves/request/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Request leave",
		Description: "days = the working days in the range (the employee's work days minus holidays), 0.5 for a half day, fixed now. " +
			"422 for no working day, end before start, a half day over several dates, two calendar years, or annual leave over the remaining balance (`insufficient_balance`); 409 `overlap` with a pending or approved request.",
		Errors: []int{http.StatusUnauthorized, http.StatusConflict},
	}, ""), func(ctx context.Context, in *leaveRequestInput) (*leaveOutput, error) {
		b := in.Body
		r, err := s.Leave.RequestLeave(ctx, actorFrom(ctx), attendance.LeaveInput{LeaveType: b.LeaveType, StartDate: b.StartDate,
			EndDate: b.EndDate, HalfDay: b.HalfDay, StartTime: b.StartTime, EndTime: b.EndTime, Reason: b.Reason, Idempotency: in.idempotency(b)})
		return &leaveOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "list-leave", Method: http.MethodGet, Path: "/api/leaves/", Tags: tags,
		Summary: "One's own leave requests, newest first", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *leaveListInput) (*leaveListOutput, error) {
		list, n, err := s.Leave.ListLeave(ctx, actorFrom(ctx), attendance.LeaveFilter{Status: optStatus(in.Status), Year: optInt(in.Year), Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &leaveListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "decide-leave", Method: http.MethodPost, Path: "/api/leaves/{id}/action/", Tags: tags,
		Summary: "Approve or reject a request (the current step of its approval chain)",
		Description: "Manager access in scope, not one's own request (403 `own_request`; an admin with no other active admin above or beside them may). " +
			"409 `not_pending` when already decided; approving annual leave that would overdraw the balance is 422 `insufficient_balance`. " +
			"A chain of several steps: `step` names the step decided (422 without it, 409 `step_moved` when it is no longer current, 403 `not_approver`); " +
			"any rejection ends the request, the last approval applies it (docs/approvals.md).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *leaveActionInput) (*leaveOutput, error) {
		r, err := s.Approvals.DecideStep(ctx, actorFrom(ctx), in.ID, attendance.StepDecision{Step: in.Body.Step, Action: in.Body.Action, Comment: in.Body.Comment,
			Idempotency: in.idempotency(struct {
				ID   int64
				Body any
			}{in.ID, in.Body})})
		return &leaveOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "cancel-leave", Method: http.MethodPost, Path: "/api/leaves/{id}/cancel/", Tags: tags,
		Summary:     "Cancel one's own request",
		Description: "Pending, or approved and not yet started; the balance is restored.",
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict},
	}, ""), func(ctx context.Context, in *IDPath) (*leaveOutput, error) {
		r, err := s.Leave.CancelLeave(ctx, actorFrom(ctx), in.ID)
		return &leaveOutput{r}, err
	})
	op := secured(huma.Operation{
		OperationID: "leave-overview", Method: http.MethodGet, Path: "/api/leaves/overview/", Tags: tags,
		Summary:     "Every request in scope, with the employee's name",
		Description: "`?format=csv` (or Accept: text/csv) returns every matching request as CSV, ignoring limit and offset.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The requests",
		Content: map[string]*huma.MediaType{
			"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflectType[listBody[*attendance.LeaveRequestView]](), true, "LeaveOverview")},
			"text/csv":         {Schema: &huma.Schema{Type: huma.TypeString}},
		},
	}}
	register(s, op, func(ctx context.Context, in *leaveOverviewInput) (*overviewOutput, error) {
		from, to, err := dateRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		if err := textParams("department", in.Department); err != nil {
			return nil, err
		}
		for i, id := range in.EmployeeID {
			if id < 1 {
				return nil, attendance.InvalidField(fmt.Sprintf("query.employee_id[%d]", i), "must be a positive whole number")
			}
		}
		asCSV := in.Format == "csv" || (in.Format == "" && strings.Contains(in.Accept, "text/csv"))
		list, n, err := s.Leave.LeaveOverview(ctx, actorFrom(ctx), attendance.LeaveFilter{Status: optStatus(in.Status), LeaveType: optLeaveType(in.LeaveType),
			EmployeeIDs: in.EmployeeID, Department: optString(in.Department), From: from, To: to, ByWaiting: in.Order == "waiting",
			All: asCSV, Page: in.page()})
		if err != nil {
			return nil, err
		}
		if asCSV {
			return &overviewOutput{ContentType: "text/csv; charset=utf-8",
				ContentDisposition: `attachment; filename="leave-requests.csv"`, Body: leaveCSV(list)}, nil
		}
		return &overviewOutput{ContentType: "application/json", Body: listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "leave-balance", Method: http.MethodGet, Path: "/api/leaves/balance/", Tags: tags,
		Summary: "A leave balance for a year (annual leave by default)",
		Description: "remaining = allowance - used - pending - late_penalty, from the ledger (`null` for a type that uses no allowance); " +
			"the parts of allowance beside them (granted, adjusted, carried_over, carried_out, expired) and remaining_exact. An unknown leave_type is 422.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *balanceInput) (*typeBalanceOutput, error) {
		b, err := s.Ledger.TypeBalance(ctx, actorFrom(ctx), optInt64(in.EmployeeID), optLeaveType(in.LeaveType), optInt(in.Year))
		return &typeBalanceOutput{b}, err
	})

	htags := []string{"Holidays"}
	register(s, secured(huma.Operation{
		OperationID: "list-holidays", Method: http.MethodGet, Path: "/api/holidays/", Tags: htags,
		Summary: "Company holidays by date", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *holidayListInput) (*holidayListOutput, error) {
		list, n, err := s.Holidays.ListHolidays(ctx, actorFrom(ctx), optInt(in.Year), in.page())
		if err != nil {
			return nil, err
		}
		return &holidayListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-holiday", Method: http.MethodPost, Path: "/api/holidays/", Tags: htags, DefaultStatus: http.StatusCreated,
		Summary: "Add a company holiday", Description: "Admins only; one holiday per date (409 `holiday_exists`).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *holidayInput) (*holidayCreatedOutput, error) {
		h, err := s.Holidays.CreateHoliday(ctx, actorFrom(ctx), attendance.Holiday{Date: in.Body.Date, Name: in.Body.Name})
		if err != nil {
			return nil, err
		}
		return &holidayCreatedOutput{Location: "/api/holidays/" + itoa(h.ID) + "/", Body: h}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-holiday", Method: http.MethodDelete, Path: "/api/holidays/{id}/", Tags: htags, DefaultStatus: http.StatusNoContent,
		Summary: "Remove a company holiday", Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessAdmin), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Holidays.DeleteHoliday(ctx, actorFrom(ctx), in.ID)
	})
}
