package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type todayInput struct {
	EmployeeID int64  `query:"employee_id" minimum:"1" doc:"Someone in scope (404 otherwise)"`
	Department string `query:"department"`
	PageParams
}

// todayBody is a page of the board, with the company's today.
type todayBody struct {
	Date     attendance.Date       `json:"date" doc:"The company's today; each row's date is that employee's current work date"`
	Count    int                   `json:"count"`
	Next     *string               `json:"next"`
	Previous *string               `json:"previous"`
	Results  []attendance.TodayRow `json:"results"`
}

type todayOutput struct{ Body todayBody }

func (s *Server) todayRoutes() {
	register(s, secured(huma.Operation{
		OperationID: "attendance-today", Method: http.MethodGet, Path: "/api/attendance/today/", Tags: []string{"Attendance"},
		Summary: "Who is in, left, on leave, off, expected or not arrived now",
		Description: "The board: each active employee in scope, by id, with their `status` now on their current work date " +
			"(docs/api.md: in, left, on_leave, holiday, off, not_arrived, expected), lateness, shift times, the not_arrived " +
			"deadline `due_at` and leave. An employee sees their own row.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *todayInput) (*todayOutput, error) {
		if err := textParams("department", in.Department); err != nil {
			return nil, err
		}
		t, err := s.Attendance.Today(ctx, actorFrom(ctx), attendance.TodayFilter{
			EmployeeID: optInt64(in.EmployeeID), Department: optString(in.Department), Page: in.page()})
		if err != nil {
			return nil, err
		}
		l := listOf(ctx, in.PageParams, t.Count, t.Results)
		return &todayOutput{todayBody{Date: t.Date, Count: l.Count, Next: l.Next, Previous: l.Previous, Results: l.Results}}, nil
	})
}

// presenceSchema lists the statuses of the board in the OpenAPI document.
type presenceSchema struct{}

func (presenceSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{
		string(attendance.PresenceIn), string(attendance.PresenceLeft), string(attendance.PresenceOnLeave),
		string(attendance.PresenceHoliday), string(attendance.PresenceOff), string(attendance.PresenceNotArrived),
		string(attendance.PresenceExpected)}}
}
