package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// nullableID is an optional, nullable id in a request body: absent, null, or a number.
type nullableID struct {
	Set   bool
	Value *int64
}

func (n *nullableID) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Value = nil
		return nil
	}
	var v int64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

func (nullableID) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeInteger, Format: "int64", Nullable: true, Description: "An employee id, or null for none"}
}

// employeeBody holds the writable fields of an employee. The read-only fields
// of an Employee (id, created_at, …) are accepted and ignored, so that a client
// may PUT back what it read; any other field is refused (422), so that a typo
// is not silently dropped.
type employeeBody struct {
	ID               any                   `json:"id,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	CreatedAt        any                   `json:"created_at,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	UpdatedAt        any                   `json:"updated_at,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	DeactivatedOn    any                   `json:"deactivated_on,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	ScheduleKind     any                   `json:"schedule_kind,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	Can              any                   `json:"can,omitempty" readOnly:"true" doc:"Read-only: ignored"`
	Username         *string               `json:"username,omitempty" doc:"3–150 letters, digits and @.+-_; unique ignoring case"`
	Password         *string               `json:"password,omitempty" doc:"At least 8 characters, not the username. Setting it on someone else is a reset and signs them out everywhere."`
	Email            *string               `json:"email,omitempty"`
	FirstName        *string               `json:"first_name,omitempty"`
	LastName         *string               `json:"last_name,omitempty"`
	Role             *attendance.Role      `json:"role,omitempty" enum:"employee,manager,admin"`
	ManagerID        nullableID            `json:"manager_id,omitempty"`
	Department       *string               `json:"department,omitempty"`
	Timezone         *string               `json:"timezone,omitempty" doc:"An IANA time zone, e.g. Europe/Berlin"`
	WorkStart        *attendance.TimeOfDay `json:"work_start,omitempty"`
	WorkEnd          *attendance.TimeOfDay `json:"work_end,omitempty"`
	WorkDays         *attendance.Weekdays  `json:"work_days,omitempty"`
	LateGraceMinutes *int                  `json:"late_grace_minutes,omitempty"`
	AnnualLeaveDays  *float64              `json:"annual_leave_days,omitempty"`
	HiredOn          *attendance.Date      `json:"hired_on,omitempty"`
	Active           *bool                 `json:"active,omitempty"`
}

func (b *employeeBody) fields() attendance.EmployeeFields {
	return attendance.EmployeeFields{
		Username: b.Username, Password: b.Password, Email: b.Email, FirstName: b.FirstName, LastName: b.LastName,
		Role: b.Role, ManagerID: b.ManagerID.Value, ManagerIDSet: b.ManagerID.Set, Department: b.Department,
		Timezone: b.Timezone, WorkStart: b.WorkStart, WorkEnd: b.WorkEnd, WorkDays: b.WorkDays,
		LateGraceMinutes: b.LateGraceMinutes, AnnualLeaveDays: b.AnnualLeaveDays, HiredOn: b.HiredOn, Active: b.Active,
	}
}

type employeeListInput struct {
	Department string `query:"department" doc:"Only this department"`
	Role       string `query:"role" enum:"employee,manager,admin" doc:"Only this role"`
	Q          string `query:"q" maxLength:"200" doc:"Name, username or email contains this, ignoring case"`
	Active     string `query:"active" enum:"true,false,all" default:"true"`
	Ordering   string `query:"ordering" enum:"id,-id,name,-name,username,-username,department,-department,hired_on,-hired_on" doc:"Order by this field; a leading - reverses. Default id. name is the first and last name, ignoring case."`
	PageParams
}

// employeeRow is an Employee of a list, with its manager's name.
type employeeRow struct {
	attendance.Employee
	ManagerNameOf *string `json:"manager_name" doc:"The manager's name (first and last, or the username), null without a manager"`
}

type employeeListOutput struct {
	Body listBody[employeeRow]
}

type employeeCreateInput struct {
	Body employeeBody
}

type employeeCreatedOutput struct {
	Location string `header:"Location"`
	Body     *employeeViewBody
}

// IDPath is the {id} of an object's path. It and PageParams are exported
// because huma only finds the parameters of exported embedded structs: an
// unexported one is silently skipped (the id read as 0, limit/offset ignored).
type IDPath struct {
	ID int64 `path:"id" minimum:"1" doc:"The object's id"`
}

type employeeUpdateInput struct {
	IDPath
	Body employeeBody
}

// employeeViewBody is one employee as the caller reads them, with what the
// caller may do for them.
type employeeViewBody struct {
	attendance.Employee
	Can []string `json:"can" doc:"What you may do for this person: operation ids (update-employee, replace-employee, deactivate-employee, record-event, void-event, convert-overtime) and assign-admin-role (make them an admin). A client shows only these; every request is still checked."`
}

type employeeViewOutput struct {
	Body *employeeViewBody
}

func employeeView(a attendance.Actor, e *attendance.Employee) *employeeViewOutput {
	if e == nil {
		return nil
	}
	return &employeeViewOutput{&employeeViewBody{Employee: *e, Can: attendance.EmployeeActions(a, e)}}
}

func (s *Server) employeeRoutes() {
	tags := []string{"Employees"}
	register(s, secured(huma.Operation{
		OperationID: "list-employees", Method: http.MethodGet, Path: "/api/employees/", Tags: tags,
		Summary: "List the employees in scope", Description: "Admins see everyone; managers themselves and their direct and indirect reports. Each row also has `manager_name`; `?ordering=` orders the list.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *employeeListInput) (*employeeListOutput, error) {
		if err := textParams("q", in.Q, "department", in.Department); err != nil {
			return nil, err
		}
		f := attendance.EmployeeFilter{Query: in.Q, Ordering: in.Ordering, Page: in.page()}
		if in.Department != "" {
			f.Department = &in.Department
		}
		if in.Role != "" {
			r := attendance.Role(in.Role)
			f.Role = &r
		}
		if in.Active != "all" {
			active := in.Active != "false"
			f.Active = &active
		}
		list, n, err := s.Employees.ListEmployees(ctx, actorFrom(ctx), f)
		if err != nil {
			return nil, err
		}
		rows := make([]employeeRow, len(list))
		for i, e := range list {
			rows[i].Employee = *e
			if e.ManagerID != nil && e.ManagerName != "" {
				rows[i].ManagerNameOf = &e.ManagerName
			}
		}
		return &employeeListOutput{listOf(ctx, in.PageParams, n, rows)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-employee", Method: http.MethodPost, Path: "/api/employees/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary:     "Create an employee",
		Description: "username and password are required. manager_id defaults to the caller. Managers create employees and managers in their scope; only admins create admins.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *employeeCreateInput) (*employeeCreatedOutput, error) {
		e, err := s.Employees.CreateEmployee(ctx, actorFrom(ctx), in.Body.fields())
		if err != nil {
			return nil, err
		}
		return &employeeCreatedOutput{Location: "/api/employees/" + itoa(e.ID) + "/", Body: employeeView(actorFrom(ctx), e).Body}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-employee", Method: http.MethodGet, Path: "/api/employees/{id}/", Tags: tags,
		Summary: "Read an employee", Description: "Oneself, or someone in scope with manager access; anyone else is 404.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*employeeViewOutput, error) {
		e, err := s.Employees.FindEmployee(ctx, actorFrom(ctx), in.ID)
		return employeeView(actorFrom(ctx), e), err
	})
	update := func(ctx context.Context, in *employeeUpdateInput) (*employeeViewOutput, error) {
		e, err := s.Employees.UpdateEmployee(ctx, actorFrom(ctx), in.ID, in.Body.fields())
		return employeeView(actorFrom(ctx), e), err
	}
	desc := "Nobody changes their own role, manager, schedule, allowance or active flag (403). Managers may set manager_id only to someone in their scope (422) and may not change admins (403); a reporting cycle is 422; the last active admin cannot be demoted (409 `last_admin`)."
	register(s, secured(huma.Operation{
		OperationID: "replace-employee", Method: http.MethodPut, Path: "/api/employees/{id}/", Tags: tags,
		Summary: "Update an employee (username required)", Description: desc,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *employeeUpdateInput) (*employeeViewOutput, error) {
		if in.Body.Username == nil {
			return nil, attendance.InvalidField("body.username", "is required in a PUT (use PATCH to change some fields)")
		}
		return update(ctx, in)
	})
	register(s, secured(huma.Operation{
		OperationID: "update-employee", Method: http.MethodPatch, Path: "/api/employees/{id}/", Tags: tags,
		Summary: "Change some fields of an employee", Description: desc,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), update)
	register(s, secured(huma.Operation{
		OperationID: "deactivate-employee", Method: http.MethodDelete, Path: "/api/employees/{id}/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary:     "Deactivate an employee",
		Description: "Never erases: login is refused, sessions are revoked, history is kept. The last active admin cannot be deactivated (409 `last_admin`).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Employees.DeactivateEmployee(ctx, actorFrom(ctx), in.ID)
	})
}
