package http

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"github.com/openattendance/attendance"
)

// Problem is an RFC 9457 problem+json body, with a stable machine-readable code.
type Problem struct {
	Type   string                  `json:"type" doc:"A URI reference that identifies the problem type; about:blank unless more is known"`
	Title  string                  `json:"title" doc:"The HTTP status text"`
	Status int                     `json:"status"`
	Detail string                  `json:"detail" doc:"A sentence for a person"`
	Code   string                  `json:"code" doc:"A stable machine-readable word, e.g. already_clocked_in"`
	Errors []attendance.FieldError `json:"errors,omitempty" doc:"The invalid fields, for validation errors"`
	Event  *attendance.EventRef    `json:"event,omitempty" doc:"For the sequence conflicts (already_clocked_in, not_clocked_in, out_of_sequence): the neighbouring event the new one collides with; absent when there is none (an exit with nothing before it)"`

	headers http.Header
}

// Error implements error.
func (p *Problem) Error() string { return p.Code + ": " + p.Detail }

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType implements huma.ContentTypeFilter.
func (p *Problem) ContentType(string) string { return "application/problem+json" }

// GetHeaders implements huma.HeadersError (Retry-After).
func (p *Problem) GetHeaders() http.Header { return p.headers }

// kindStatus is the one table from error kinds to HTTP statuses.
var kindStatus = map[attendance.Kind]int{
	attendance.KindInvalid:      http.StatusUnprocessableEntity,
	attendance.KindUnauthorized: http.StatusUnauthorized,
	attendance.KindForbidden:    http.StatusForbidden,
	attendance.KindNotFound:     http.StatusNotFound,
	attendance.KindConflict:     http.StatusConflict,
	attendance.KindRateLimited:  http.StatusTooManyRequests,
	attendance.KindInternal:     http.StatusInternalServerError,
	attendance.KindUnavailable:  http.StatusServiceUnavailable,
}

// statusCode is the code of problems that huma itself raises (bad JSON, schema
// violations, body too large…).
var statusCode = map[int]string{
	http.StatusBadRequest:            "invalid_json",
	http.StatusUnauthorized:          "unauthorized",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "method_not_allowed",
	http.StatusNotAcceptable:         "not_acceptable",
	http.StatusRequestTimeout:        "timeout",
	http.StatusConflict:              "conflict",
	http.StatusRequestEntityTooLarge: "body_too_large",
	http.StatusUnsupportedMediaType:  "unsupported_media_type",
	http.StatusUnprocessableEntity:   "invalid",
	http.StatusTooManyRequests:       "too_many_requests",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
}

func newProblem(status int, code, detail string, fields []attendance.FieldError) *Problem {
	if code == "" {
		code = statusCode[status]
		if code == "" {
			code = "error"
		}
	}
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Code: code, Errors: fields}
}

func init() {
	// Huma raises its own errors (unparseable JSON, schema violations, an
	// oversized body) through this hook: give them the same shape as ours. The
	// offending value is never echoed back: it may be large or secret.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		var fields []attendance.FieldError
		for _, err := range errs {
			var d huma.ErrorDetailer
			if errors.As(err, &d) {
				ed := d.ErrorDetail()
				fields = append(fields, fieldFromDecode(requiredAtField(attendance.FieldError{Location: ed.Location, Message: ed.Message})))
			} else if err != nil && status < 500 {
				fields = append(fields, attendance.FieldError{Message: err.Error()})
			}
		}
		if status == http.StatusBadRequest && len(fields) > 0 {
			if m, ok := strings.CutPrefix(fields[0].Message, shapePrefix); ok {
				// Well-formed JSON of a shape no operation takes (decode.go).
				status, fields = http.StatusUnprocessableEntity, []attendance.FieldError{{Location: "body", Message: m}}
			}
		}
		detail := msg
		if status == http.StatusUnprocessableEntity && anyPath(fields) {
			// /api/employees/abc/ names no object, as /api/employees/999/ does not.
			return newProblem(http.StatusNotFound, "", "not found", nil)
		}
		switch {
		case status == http.StatusBadRequest:
			detail = "the request body is not valid JSON"
			if len(fields) > 0 && fields[0].Message != "" {
				detail += ": " + fields[0].Message
			}
			if msg == "request body is required" {
				detail = "a JSON request body is required"
			}
			fields = nil
		case status == http.StatusUnprocessableEntity && len(fields) > 0:
			e := attendance.Invalid(fields...) // at most MaxFieldErrors of them
			detail, fields = e.Message, e.Fields
		case status == http.StatusRequestEntityTooLarge:
			detail = "the request body is larger than 1 MiB"
		case status >= 500:
			detail = "something went wrong on our side; it has been logged"
			fields = nil
		}
		return newProblem(status, "", detail, fields)
	}
}

// anyPath reports whether a field error is about the path (an id that is not
// a positive whole number): the path names no object, whatever the body says.
func anyPath(fields []attendance.FieldError) bool {
	return slices.ContainsFunc(fields, func(f attendance.FieldError) bool { return strings.HasPrefix(f.Location, "path.") })
}

// requiredAtField names a missing property where it belongs: huma reports
// {"body", "expected required property end_date to be present"}; the
// contract's example is {"body.end_date", "is required"}.
func requiredAtField(f attendance.FieldError) attendance.FieldError {
	before, after, _ := strings.Cut(validation.MsgExpectedRequiredProperty, "%s")
	if name, ok := strings.CutPrefix(f.Message, before); ok {
		if name, ok := strings.CutSuffix(name, after); ok && name != "" && !strings.ContainsAny(name, " .") {
			return attendance.FieldError{Location: f.Location + "." + name, Message: "is required"}
		}
	}
	return f
}

// fieldFromDecode names the field of a value its Go field cannot hold:
// unmarshalJSON reports {"body", "field manager_id must be …"}.
func fieldFromDecode(f attendance.FieldError) attendance.FieldError {
	if rest, ok := strings.CutPrefix(f.Message, "field "); ok && f.Location == "body" {
		if name, msg, ok := strings.Cut(rest, " must be "); ok && name != "" && !strings.Contains(name, " ") {
			return attendance.FieldError{Location: "body." + name, Message: "must be " + msg}
		}
	}
	return f
}

// problemFrom turns a service error into the problem the client sees. Only
// internal errors are logged, with their cause; the client sees a plain sentence.
func (s *Server) problemFrom(ctx context.Context, err error) error {
	var e *attendance.Error
	if errors.As(err, &e) {
		status := kindStatus[e.Kind]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		p := newProblem(status, e.Code, e.Message, e.Fields)
		p.Event = e.Event
		if e.RetryAfter > 0 {
			p.headers = http.Header{"Retry-After": {strconv.Itoa(e.RetryAfter)}}
		}
		if status >= 500 {
			s.Logger.ErrorContext(ctx, "request failed", "err", err)
		}
		return p
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// The client went away; nobody reads this answer.
		return newProblem(499, "client_closed", "the client closed the request", nil)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		s.Logger.WarnContext(ctx, "request timed out", "err", err)
		return newProblem(http.StatusServiceUnavailable, "unavailable", "the service is busy; try again shortly", nil)
	}
	s.Logger.ErrorContext(ctx, "request failed", "err", err)
	return newProblem(http.StatusInternalServerError, "internal", "something went wrong on our side; it has been logged", nil)
}
