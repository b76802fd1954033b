package http

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

type feedListOutput struct {
	Body listBody[*attendance.Feed]
}

type feedCreateInput struct {
	Body struct {
		Kind attendance.FeedKind `json:"kind" enum:"own,team" doc:"own: one's leave and the holidays; team: the approved leave of everyone in one's scope (manager access)"`
	}
}

type feedCreatedOutput struct {
	Location string `header:"Location"`
	Body     *attendance.Feed
}

// withURL fills a feed's absolute URL when the public address is known.
func (s *Server) withURL(f *attendance.Feed) *attendance.Feed {
	if s.cfg.PublicURL != "" {
		u := strings.TrimRight(s.cfg.PublicURL, "/") + f.Path
		f.URL = &u
	}
	return f
}

func (s *Server) feedRoutes() {
	tags := []string{"Calendar feeds"}
	register(s, secured(huma.Operation{
		OperationID: "list-calendar-feeds", Method: http.MethodGet, Path: "/api/calendar/feeds/", Tags: tags,
		Summary:     "One's live calendar feeds",
		Description: "Each feed's `path` (/calendar/<token>.ics) is its private URL; `url` is absolute when the service knows its public address.",
		Errors:      []int{http.StatusUnauthorized},
	}, ""), func(ctx context.Context, _ *struct{}) (*feedListOutput, error) {
		list, err := s.Feeds.ListFeeds(ctx, actorFrom(ctx))
		if err != nil {
			return nil, err
		}
		for _, f := range list {
			s.withURL(f)
		}
		return &feedListOutput{listBody[*attendance.Feed]{Count: len(list), Results: list}}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "create-calendar-feed", Method: http.MethodPost, Path: "/api/calendar/feeds/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary:     "Create a calendar feed",
		Description: "One live feed per kind (409 `feed_exists`: revoke it to get a new URL); `team` needs manager access (403).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict},
	}, ""), func(ctx context.Context, in *feedCreateInput) (*feedCreatedOutput, error) {
		f, err := s.Feeds.CreateFeed(ctx, actorFrom(ctx), in.Body.Kind)
		if err != nil {
			return nil, err
		}
		return &feedCreatedOutput{Location: "/api/calendar/feeds/" + itoa(f.ID) + "/", Body: s.withURL(f)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "revoke-calendar-feed", Method: http.MethodDelete, Path: "/api/calendar/feeds/{id}/", Tags: tags, DefaultStatus: http.StatusNoContent,
		Summary: "Revoke a calendar feed: its URL stops working at once", Errors: []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *IDPath) (*struct{}, error) {
		return nil, s.Feeds.RevokeFeed(ctx, actorFrom(ctx), in.ID)
	})
	s.mux.HandleFunc("GET /calendar/{file}", s.calendarFeed)
}

// calendarFeed serves GET /calendar/<token>.ics: the feed, to anyone holding
// the URL (calendar apps send no credentials), with an ETag of its bytes.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || token == "" || s.Feeds == nil {
		writeJSONProblem(w, s.problemFrom(r.Context(), attendance.ErrNotFound("calendar feed")).(*Problem))
		return
	}
	body, err := s.Feeds.FeedICS(r.Context(), token)
	if err != nil {
		writeJSONProblem(w, s.problemFrom(r.Context(), err).(*Problem))
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, no-cache")
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `inline; filename="calendar.ics"`)
	_, _ = w.Write(body)
}

// etagMatch reports whether an If-None-Match header names etag (weakly, as
// RFC 9110 compares for If-None-Match), or is "*".
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// logPath is the path of r as logs write it: a calendar feed's token and a
// decision link's are credentials and never written.
func logPath(r *http.Request) string {
	p := r.URL.Path
	if strings.HasPrefix(p, "/calendar/") {
		return "/calendar/{token}.ics"
	}
	if strings.HasPrefix(p, "/decide/") {
		return "/decide/{token}"
	}
	return clip(p)
}
