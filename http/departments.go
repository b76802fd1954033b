package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type departmentListOutput struct {
	Body listBody[attendance.Department]
}

func (s *Server) departmentRoutes() {
	register(s, secured(huma.Operation{
		OperationID: "list-departments", Method: http.MethodGet, Path: "/api/departments/", Tags: []string{"Employees"},
		Summary:     "List the departments of the people in scope",
		Description: "Each department that someone in your scope belongs to, by name, with how many of them are in it (`employees`) and how many of those are active (`active`). For the people list's filter.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *PageParams) (*departmentListOutput, error) {
		list, n, err := s.Employees.ListDepartments(ctx, actorFrom(ctx), in.page())
		if err != nil {
			return nil, err
		}
		return &departmentListOutput{listOf(ctx, *in, n, list)}, nil
	})
}
