package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type emailSettingsOutput struct {
	Body *attendance.EmailSettings
}

type emailSettingsInput struct {
	Body struct {
		Email map[string]bool `json:"email" doc:"kind → whether it goes by e-mail; only the kinds given change"`
	}
}

type outboxListInput struct {
	Status string `query:"status" enum:"queued,sending,sent,failed,uncertain"`
	PageParams
}

type outboxListOutput struct {
	Body listBody[*attendance.OutboxEntry]
}

type outboxEntryOutput struct {
	Body *attendance.OutboxEntry
}

func (s *Server) mailRoutes() {
	tags := []string{"E-mail"}
	register(s, secured(huma.Operation{
		OperationID: "get-notification-settings", Method: http.MethodGet, Path: "/api/notifications/settings/", Tags: tags,
		Summary:     "One's e-mail choices per notification kind",
		Description: "`email_enabled` is false when the service has no SMTP settings; a user without an `email` gets no e-mail.",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*emailSettingsOutput, error) {
		out, err := s.Mail.EmailSettings(ctx, actorFrom(ctx))
		return &emailSettingsOutput{out}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "update-notification-settings", Method: http.MethodPatch, Path: "/api/notifications/settings/", Tags: tags,
		Summary:     "Turn e-mail on or off per notification kind",
		Description: "A kind that does not go by e-mail is 422 at `body.email.<kind>`.",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *emailSettingsInput) (*emailSettingsOutput, error) {
		prefs := make(map[attendance.NotificationKind]bool, len(in.Body.Email))
		for k, v := range in.Body.Email {
			prefs[attendance.NotificationKind(k)] = v
		}
		out, err := s.Mail.UpdateEmailSettings(ctx, actorFrom(ctx), prefs)
		return &emailSettingsOutput{out}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "list-mail-outbox", Method: http.MethodGet, Path: "/api/mail/outbox/", Tags: tags,
		Summary: "The e-mails of the last 30 days, newest first (never their text)",
		Errors:  []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessAdmin), func(ctx context.Context, in *outboxListInput) (*outboxListOutput, error) {
		var st *attendance.MailStatus
		if in.Status != "" {
			v := attendance.MailStatus(in.Status)
			st = &v
		}
		list, n, err := s.Mail.ListOutbox(ctx, actorFrom(ctx), st, in.page())
		if err != nil {
			return nil, err
		}
		return &outboxListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "send-test-mail", Method: http.MethodPost, Path: "/api/mail/test/", Tags: tags, DefaultStatus: http.StatusAccepted,
		Summary:     "Queue a test e-mail to one's own address",
		Description: "Through the outbox, as every e-mail. 409 `email_off` without SMTP settings, 409 `no_email_address` without an address.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, accessAdmin), func(ctx context.Context, _ *struct{}) (*outboxEntryOutput, error) {
		out, err := s.Mail.QueueTestMail(ctx, actorFrom(ctx))
		return &outboxEntryOutput{out}, err
	})
}
