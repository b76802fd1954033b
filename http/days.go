package http

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type daysInput struct {
	EmployeeID int64  `query:"employee_id" minimum:"1" doc:"Someone in scope (404 otherwise); default oneself"`
	From       string `query:"from" format:"date" doc:"First date (default: the first of the current month, or of to's month)"`
	To         string `query:"to" format:"date" doc:"Last date (default: the last of the current month, or of from's month); at most 62 dates from from"`
	PageParams
}

// daysBody is a page of one employee's dates, day by day.
type daysBody struct {
	EmployeeID int64               `json:"employee_id"`
	Timezone   string              `json:"timezone" doc:"The employee's time zone, of the dates and the shift times"`
	Today      attendance.Date     `json:"today" doc:"The employee's local date now"`
	From       attendance.Date     `json:"from"`
	To         attendance.Date     `json:"to"`
	Count      int                 `json:"count"`
	Next       *string             `json:"next"`
	Previous   *string             `json:"previous"`
	Results    []attendance.DayRow `json:"results"`
}

type daysOutput struct{ Body daysBody }

func (s *Server) daysRoutes() {
	s.api.OpenAPI().Components.Schemas.RegisterTypeAlias(reflect.TypeFor[attendance.DayStatus](), reflect.TypeFor[dayStatusSchema]())
	register(s, secured(huma.Operation{
		OperationID: "attendance-days", Method: http.MethodGet, Path: "/api/attendance/days/", Tags: []string{"Attendance"},
		Summary: "One employee's dates day by day, each with its status",
		Description: "Each date of the range (default the current month, at most 62 dates; 422 `range_too_long`) with its " +
			"`status` (docs/days.md: worked, late, absent, leave, holiday, off, today, future, not_employed), shift, " +
			"lateness, worked time, leave and sessions. One's own; with manager access, employee_id for someone in scope.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *daysInput) (*daysOutput, error) {
		from, err := optDate(in.From, "from")
		if err != nil {
			return nil, err
		}
		to, err := optDate(in.To, "to")
		if err != nil {
			return nil, err
		}
		l, err := s.Attendance.Days(ctx, actorFrom(ctx), attendance.DaysFilter{
			EmployeeID: optInt64(in.EmployeeID), From: from, To: to, Page: in.page()})
		if err != nil {
			return nil, err
		}
		b := listOf(ctx, in.PageParams, l.Count, l.Results)
		return &daysOutput{daysBody{EmployeeID: l.EmployeeID, Timezone: l.Timezone, Today: l.Today, From: l.From, To: l.To,
			Count: b.Count, Next: b.Next, Previous: b.Previous, Results: b.Results}}, nil
	})
}

// dayStatusSchema lists the statuses of a date in the OpenAPI document.
type dayStatusSchema struct{}

func (dayStatusSchema) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeString, Enum: []any{
		string(attendance.DayWorked), string(attendance.DayLate), string(attendance.DayNotEmployed),
		string(attendance.DayHoliday), string(attendance.DayOff), string(attendance.DayOnLeave),
		string(attendance.DayFuture), string(attendance.DayToday), string(attendance.DayAbsent)}}
}
