package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type companyOutput struct {
	Body *attendance.Company
}

func (s *Server) companyRoutes() {
	register(s, secured(huma.Operation{
		OperationID: "get-company", Method: http.MethodGet, Path: "/api/company/", Tags: []string{"Company"},
		Summary: "The company's settings: time zone, today, a new employee's defaults, the rules of usernames and passwords",
		Description: "Any signed-in user. `today` is the company's date now (the default ranges of the overview and the calendar); " +
			"`employee_defaults` are the fields POST /api/employees/ applies when they are not given; `password_rule` and " +
			"`username_rule` in numbers and in words; `low_leave_threshold` is when a balance is `low`.",
		Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*companyOutput, error) {
		c, err := s.Company.Company(ctx, actorFrom(ctx))
		return &companyOutput{c}, err
	})
}
