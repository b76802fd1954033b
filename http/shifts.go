package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// shiftBody is a shift as a client writes it; every field optional here, so
// that the rules (attendance.ShiftFields.Validate) say what is missing.
type shiftBody struct {
	Name         *string               `json:"name,omitempty" doc:"1–100 characters, unique among active shifts ignoring case"`
	Start        *attendance.TimeOfDay `json:"start,omitempty"`
	End          *attendance.TimeOfDay `json:"end,omitempty" doc:"At or before start: the shift ends the next day"`
	GraceMinutes *int                  `json:"grace_minutes,omitempty" doc:"0–720, default 0"`
	BreakMinutes *int                  `json:"break_minutes,omitempty" doc:"Unpaid break planned in the shift, 0–240, default 0"`
}

func (b shiftBody) fields() attendance.ShiftFields {
	return attendance.ShiftFields{Name: b.Name, Start: b.Start, End: b.End, GraceMinutes: b.GraceMinutes, BreakMinutes: b.BreakMinutes}
}

type shiftCreateInput struct {
	IdempotencyHeader
	Body shiftBody
}

type shiftUpdateInput struct {
	IDPath
	Body shiftBody
}

type shiftOutput struct {
	Body *attendance.Shift
}

type shiftCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.Shift
}

type shiftListInput struct {
	Active string `query:"active" enum:"true,false,all" default:"true" doc:"Active shifts (default), archived ones, or all"`
	PageParams
}

type shiftListOutput struct {
	Body listBody[*attendance.Shift]
}

type patternListInput struct {
	EmployeeID int64 `path:"id" minimum:"1" doc:"The employee's id"`
	PageParams
}

type patternListOutput struct {
	Body listBody[*attendance.ShiftPattern]
}

type patternCreateInput struct {
	IdempotencyHeader
	EmployeeID int64 `path:"id" minimum:"1" doc:"The employee's id"`
	Body       struct {
		StartDate attendance.Date          `json:"start_date" doc:"Today (the employee's date) or later"`
		Weeks     []attendance.PatternWeek `json:"weeks" minItems:"1" maxItems:"52" doc:"One week, or N weeks rotating from the ISO week of start_date; each day a shift id or null"`
	}
}

type patternOutput struct {
	Body *attendance.ShiftPattern
}

type patternDeleteInput struct {
	EmployeeID int64 `path:"id" minimum:"1" doc:"The employee's id"`
	PatternID  int64 `path:"pattern_id" minimum:"1" doc:"The pattern's id"`
}

type rosterInput struct {
	From       string `query:"from" format:"date" doc:"First date (default: Monday of the company's current ISO week)"`
	To         string `query:"to" format:"date" doc:"Last date (default: six days after from); at most 62 dates"`
	EmployeeID int64  `query:"employee_id" minimum:"1"`
	Department string `query:"department"`
	PageParams
}

type rosterOutput struct {
	Body listBody[*attendance.RosterRow]
}

// OverridePath is the path of a roster override (exported: see IDPath).
type OverridePath struct {
	EmployeeID int64  `path:"employee_id" minimum:"1" doc:"The employee's id"`
	Date       string `path:"date" format:"date" doc:"The date, in the employee's time zone"`
}

func (p OverridePath) date() (attendance.Date, error) {
	d, err := attendance.ParseDate(p.Date)
	if err != nil || !d.Supported() {
		return 0, attendance.InvalidField("path.date", "must be a date from %s to %s", attendance.MinDate, attendance.MaxDate)
	}
	return d, nil
}

type overrideInput struct {
	OverridePath
	Body struct {
		ShiftID *int64 `json:"shift_id" doc:"The shift of the date, or null for a day off"`
		Note    string `json:"note,omitempty" doc:"At most 1000 bytes"`
	}
}

type overrideOutput struct {
	Status int
	Body   *attendance.RosterOverride
}

type settingsInput struct {
	Body attendance.WorkSettings
}

type settingsOutput struct {
	Body *attendance.WorkSettings
}

func (s *Server) shiftRoutes() {
	tags := []string{"Shifts"}
	register(s, secured(huma.Operation{
		OperationID: "list-shifts", Method: http.MethodGet, Path: "/api/shifts/", Tags: tags,
		Summary: "Shifts by name", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *shiftListInput) (*shiftListOutput, error) {
		f := attendance.ShiftFilter{Page: in.page()}
		switch in.Active {
		case "", "true":
			t := true
			f.Active = &t
		case "false":
			f.Active = new(bool)
		}
		list, n, err := s.Shifts.ListShifts(ctx, actorFrom(ctx), f)
		if err != nil {
			return nil, err
		}
		return &shiftListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-shift", Method: http.MethodPost, Path: "/api/shifts/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary:     "Add a shift",
		Description: "Admins only. An end at or before the start ends the next day. 409 `duplicate_name` for the name of an active shift.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *shiftCreateInput) (*shiftCreatedOutput, error) {
		sh, err := s.Shifts.CreateShift(ctx, actorFrom(ctx), in.Body.fields(), in.idempotency(in.Body))
		if err != nil {
			return nil, err
		}
		return &shiftCreatedOutput{Location: "/api/shifts/" + itoa(sh.ID) + "/", Body: sh}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-shift", Method: http.MethodGet, Path: "/api/shifts/{id}/", Tags: tags,
		Summary: "One shift", Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*shiftOutput, error) {
		sh, err := s.Shifts.GetShift(ctx, actorFrom(ctx), in.ID)
		return &shiftOutput{sh}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "update-shift", Method: http.MethodPatch, Path: "/api/shifts/{id}/", Tags: tags,
		Summary: "Rename a shift, or change its times while unused",
		Description: "Admins only. The name always; start, end, grace and break only while no pattern or override names the shift " +
			"(409 `shift_in_use`: make a new shift and a new pattern, so that the past keeps its times).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *shiftUpdateInput) (*shiftOutput, error) {
		sh, err := s.Shifts.UpdateShift(ctx, actorFrom(ctx), in.ID, in.Body.fields())
		return &shiftOutput{sh}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "archive-shift", Method: http.MethodDelete, Path: "/api/shifts/{id}/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary:     "Archive a shift",
		Description: "Admins only. The shift is kept (active false) for the history it was worked in; 409 `shift_in_use` while a pattern in force or an override of today or later names it.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Shifts.ArchiveShift(ctx, actorFrom(ctx), in.ID)
	})

	register(s, secured(huma.Operation{
		OperationID: "list-patterns", Method: http.MethodGet, Path: "/api/employees/{id}/patterns/", Tags: tags,
		Summary: "An employee's shift patterns, latest start first", Description: "Oneself, or manager access in scope.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *patternListInput) (*patternListOutput, error) {
		list, n, err := s.Shifts.ListPatterns(ctx, actorFrom(ctx), in.EmployeeID, in.page())
		if err != nil {
			return nil, err
		}
		return &patternListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-pattern", Method: http.MethodPost, Path: "/api/employees/{id}/patterns/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Give an employee a pattern from a date",
		Description: "Manager access in scope, never for oneself, an admin's only by an admin. start_date today or later; " +
			"shifts must be active; 409 `duplicate_start_date`.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *patternCreateInput) (*patternOutput, error) {
		p, err := s.Shifts.CreatePattern(ctx, actorFrom(ctx), in.EmployeeID,
			attendance.PatternInput{StartDate: in.Body.StartDate, Weeks: in.Body.Weeks}, in.idempotency(in.Body))
		return &patternOutput{p}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-pattern", Method: http.MethodDelete, Path: "/api/employees/{id}/patterns/{pattern_id}/", Tags: tags,
		DefaultStatus: http.StatusNoContent,
		Summary:       "Remove a pattern that has not started",
		Description:   "409 `already_started`; the last one never (409 `last_pattern`).",
		Errors:        []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *patternDeleteInput) (*struct{}, error) {
		return nil, s.Shifts.DeletePattern(ctx, actorFrom(ctx), in.EmployeeID, in.PatternID)
	})

	register(s, secured(huma.Operation{
		OperationID: "roster", Method: http.MethodGet, Path: "/api/roster/", Tags: tags,
		Summary:     "The roster: each employee's shift of each date",
		Description: "The caller's own row, or with manager access everyone in scope. At most 62 dates.",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *rosterInput) (*rosterOutput, error) {
		from, to, err := dateRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		if err := textParams("department", in.Department); err != nil {
			return nil, err
		}
		list, n, err := s.Shifts.Roster(ctx, actorFrom(ctx), attendance.RosterFilter{From: from, To: to, EmployeeID: optInt64(in.EmployeeID),
			Department: optString(in.Department), Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &rosterOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	setOverride := secured(huma.Operation{
		OperationID: "set-roster-override", Method: http.MethodPut, Path: "/api/roster/{employee_id}/{date}/", Tags: tags,
		Summary: "Set an employee's shift of one date",
		Description: "Manager access in scope, never for oneself, an admin's only by an admin. shift_id null is a day off. " +
			"201 when new, 200 when replaced. The work dates and lateness of the employee's events from the day before to the day after are decided again.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager)
	// Both answers are declared: huma would declare only the first.
	override := s.api.OpenAPI().Components.Schemas.Schema(reflectType[attendance.RosterOverride](), true, "RosterOverride")
	setOverride.Responses = map[string]*huma.Response{
		"200": {Description: "The override replaced", Content: map[string]*huma.MediaType{"application/json": {Schema: override}}},
		"201": {Description: "The override created", Content: map[string]*huma.MediaType{"application/json": {Schema: override}}},
	}
	register(s, setOverride, func(ctx context.Context, in *overrideInput) (*overrideOutput, error) {
		d, err := in.date()
		if err != nil {
			return nil, err
		}
		o, created, err := s.Shifts.SetOverride(ctx, actorFrom(ctx), in.EmployeeID, d, attendance.OverrideInput{ShiftID: in.Body.ShiftID, Note: in.Body.Note})
		if err != nil {
			return nil, err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &overrideOutput{Status: status, Body: o}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "delete-roster-override", Method: http.MethodDelete, Path: "/api/roster/{employee_id}/{date}/", Tags: tags,
		DefaultStatus: http.StatusNoContent,
		Summary:       "Give a date back to the pattern", Description: "404 when the date has no override.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound},
	}, accessManager), func(ctx context.Context, in *OverridePath) (*struct{}, error) {
		d, err := in.date()
		if err != nil {
			return nil, err
		}
		return nil, s.Shifts.DeleteOverride(ctx, actorFrom(ctx), in.EmployeeID, d)
	})

	register(s, secured(huma.Operation{
		OperationID: "get-worktime-settings", Method: http.MethodGet, Path: "/api/settings/worktime/", Tags: tags,
		Summary: "The working-time settings: break rule, review of forgotten exits, automatic close",
		Errors:  []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
		set, err := s.Shifts.WorkSettings(ctx, actorFrom(ctx))
		return &settingsOutput{set}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "set-worktime-settings", Method: http.MethodPut, Path: "/api/settings/worktime/", Tags: tags,
		Summary:     "Replace the working-time settings",
		Description: "Admins only; the whole object. Figures are computed when read: the break rule applies to every overview from then on.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessAdmin), func(ctx context.Context, in *settingsInput) (*settingsOutput, error) {
		set, err := s.Shifts.SetWorkSettings(ctx, actorFrom(ctx), in.Body)
		return &settingsOutput{set}, err
	})
}
