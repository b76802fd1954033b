package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type correctionRequestInput struct {
	IdempotencyHeader
	Body struct {
		Action  attendance.CorrectionAction `json:"action" enum:"add,void" doc:"add: a missing entry or exit; void: one of one's own events"`
		Type    *attendance.EventType       `json:"type,omitempty" enum:"entry,exit" doc:"add: the missing event's type"`
		Date    *attendance.Date            `json:"date,omitempty" doc:"add: the local date, in one's own time zone"`
		Time    *attendance.TimeOfDay       `json:"time,omitempty" doc:"add: the local time HH:MM (a time a clock change skips moves forward; a doubled one is the first)"`
		EventID *int64                      `json:"event_id,omitempty" doc:"void: the id of one's own event to void"`
		Reason  string                      `json:"reason" doc:"What happened: required, at most 1000 bytes"`
	}
}

type correctionOutput struct {
	Body *attendance.CorrectionRequest
}

type correctionViewOutput struct {
	Body *attendance.CorrectionRequestView
}

type correctionListInput struct {
	Status string `query:"status" enum:"pending,approved,rejected,cancelled"`
	PageParams
}

type correctionListOutput struct {
	Body listBody[*attendance.CorrectionRequest]
}

type correctionOverviewInput struct {
	Status     string `query:"status" enum:"pending,approved,rejected,cancelled"`
	EmployeeID int64  `query:"employee_id" minimum:"1"`
	Department string `query:"department"`
	From       string `query:"from" format:"date" doc:"Requests whose date is on or after this date"`
	To         string `query:"to" format:"date" doc:"Requests whose date is on or before this date"`
	PageParams
}

type correctionOverviewOutput struct {
	Body listBody[*attendance.CorrectionRequestView]
}

type correctionActionInput struct {
	IDPath
	IdempotencyHeader
	Body struct {
		Action  attendance.LeaveAction `json:"action" enum:"approve,reject"`
		Comment string                 `json:"comment,omitempty" doc:"Required when rejecting"`
	}
}

func optCorrectionStatus(s string) *attendance.CorrectionStatus {
	if s == "" {
		return nil
	}
	st := attendance.CorrectionStatus(s)
	return &st
}

func (s *Server) correctionRoutes() {
	tags := []string{"Corrections"}
	register(s, secured(huma.Operation{
		OperationID: "request-correction", Method: http.MethodPost, Path: "/api/attendance/corrections/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Ask for a correction of one's own attendance record",
		Description: "add: a missing entry or exit at a local date and time; void: one of one's own events. " +
			"An add must fit the sequence now (409 `already_clocked_in`, `not_clocked_in`, `out_of_sequence`); a void's event must be one's own " +
			"(404 otherwise) and not voided (409 `already_voided`); a pending request asking for the same is 409 `duplicate_request`. " +
			"The manager (admins if none) is notified (`correction_requested`). See docs/corrections.md.",
		Errors: []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusConflict},
	}, ""), func(ctx context.Context, in *correctionRequestInput) (*correctionOutput, error) {
		b := in.Body
		r, err := s.Corrections.RequestCorrection(ctx, actorFrom(ctx), attendance.CorrectionInput{Action: b.Action, Type: b.Type, Date: b.Date,
			Time: b.Time, EventID: b.EventID, Reason: b.Reason, Idempotency: in.idempotency(b)})
		return &correctionOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "list-corrections", Method: http.MethodGet, Path: "/api/attendance/corrections/", Tags: tags,
		Summary: "One's own correction requests, newest first", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *correctionListInput) (*correctionListOutput, error) {
		list, n, err := s.Corrections.ListCorrections(ctx, actorFrom(ctx), attendance.CorrectionFilter{Status: optCorrectionStatus(in.Status), Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &correctionListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "correction-overview", Method: http.MethodGet, Path: "/api/attendance/corrections/overview/", Tags: tags,
		Summary:     "The correction requests of everyone in scope but oneself, newest first, with the employee's name",
		Description: "`?status=pending` is what waits for a decision. from and to select the requests' dates (for a void, the voided event's work date).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager), func(ctx context.Context, in *correctionOverviewInput) (*correctionOverviewOutput, error) {
		from, to, err := dateRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		if err := textParams("department", in.Department); err != nil {
			return nil, err
		}
		list, n, err := s.Corrections.CorrectionOverview(ctx, actorFrom(ctx), attendance.CorrectionFilter{Status: optCorrectionStatus(in.Status),
			EmployeeID: optInt64(in.EmployeeID), Department: optString(in.Department), From: from, To: to, Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &correctionOverviewOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "get-correction", Method: http.MethodGet, Path: "/api/attendance/corrections/{id}/", Tags: tags,
		Summary: "One correction request: one's own, or with manager access one in scope",
		Errors:  []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*correctionViewOutput, error) {
		r, err := s.Corrections.Correction(ctx, actorFrom(ctx), in.ID)
		return &correctionViewOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "decide-correction", Method: http.MethodPost, Path: "/api/attendance/corrections/{id}/action/", Tags: tags,
		Summary: "Approve or reject a correction request",
		Description: "Manager access in scope, never one's own request (403 `own_request`, admins included), an admin's only by an admin (403). " +
			"Approving records the event as a manager's correction (source manager, the request in its note and correction_request_id) or voids it, " +
			"in the same transaction; when it no longer fits the sequence it is 409 with the sequence's code and the request stays pending. " +
			"A void whose event was voided meanwhile is 409 `already_voided`; a decided request 409 `not_pending`; rejecting without a comment 422. " +
			"The employee is notified (`correction_decided`).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *correctionActionInput) (*correctionOutput, error) {
		r, err := s.Corrections.DecideCorrection(ctx, actorFrom(ctx), in.ID, attendance.CorrectionDecision{Action: in.Body.Action, Comment: in.Body.Comment,
			Idempotency: in.idempotency(struct {
				ID   int64
				Body any
			}{in.ID, in.Body})})
		return &correctionOutput{r}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "cancel-correction", Method: http.MethodPost, Path: "/api/attendance/corrections/{id}/cancel/", Tags: tags,
		Summary:     "Cancel one's own pending correction request",
		Description: "409 `not_pending` once decided; a manager in scope is 403 (they reject instead).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, ""), func(ctx context.Context, in *IDPath) (*correctionOutput, error) {
		r, err := s.Corrections.CancelCorrection(ctx, actorFrom(ctx), in.ID)
		return &correctionOutput{r}, err
	})
}
