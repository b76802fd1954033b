package http

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type notificationListInput struct {
	Unread bool `query:"unread" doc:"Only unread notifications"`
	PageParams
}

type notificationListOutput struct {
	Body listBody[*attendance.Notification]
}

func (s *Server) notificationRoutes() {
	tags := []string{"Notifications"}
	register(s, secured(huma.Operation{
		OperationID: "list-notifications", Method: http.MethodGet, Path: "/api/notifications/", Tags: tags,
		Summary:     "One's own notifications, newest first",
		Description: "Live delivery: the WebSocket at /ws/notifications/ (first message {\"type\":\"auth\",\"token\":…,\"after_id\":N}).",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, in *notificationListInput) (*notificationListOutput, error) {
		list, n, err := s.Notifications.ListNotifications(ctx, actorFrom(ctx), in.Unread, in.page())
		if err != nil {
			return nil, err
		}
		return &notificationListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "read-notification", Method: http.MethodPost, Path: "/api/notifications/{id}/read/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Mark a notification read", Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Notifications.MarkRead(ctx, actorFrom(ctx), in.ID)
	})
	register(s, secured(huma.Operation{
		OperationID: "read-all-notifications", Method: http.MethodPost, Path: "/api/notifications/read-all/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Mark all one's notifications read", Errors: []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		return nil, s.Notifications.MarkAllRead(ctx, actorFrom(ctx))
	})
}
