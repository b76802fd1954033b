package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// IdempotencyHeader is the Idempotency-Key header of a POST. Exported like IDPath:
// huma skips an unexported embedded struct, and the key would be ignored.
type IdempotencyHeader struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" pattern:"^[!-~]*$" patternDescription:"visible ASCII characters" doc:"Repeat a request safely: the same key from the same user within 24 h returns the first response and changes nothing; with another body, or on another endpoint, it is 422 idempotency_key_reused"`
}

// idempotency returns the key with a hash of the canonical body, or nil.
func (h IdempotencyHeader) idempotency(body any) *attendance.Idempotency {
	if h.IdempotencyKey == "" {
		return nil
	}
	b, _ := json.Marshal(body)
	sum := sha256.Sum256(b)
	return &attendance.Idempotency{Key: h.IdempotencyKey, Hash: hex.EncodeToString(sum[:])}
}

type recordInput struct {
	IdempotencyHeader
	Body struct {
		Type       attendance.EventType `json:"type" enum:"entry,exit"`
		EmployeeID *int64               `json:"employee_id,omitempty" doc:"Manager access: record on behalf of someone in scope"`
		Timestamp  *time.Time           `json:"timestamp,omitempty" doc:"Manager access: when it happened (not in the future); default now"`
		Note       *string              `json:"note,omitempty" doc:"Manager access: required when recording on someone's behalf"`
	}
}

type eventOutput struct {
	Body *attendance.AttendanceEvent
}

type eventListInput struct {
	From       string `query:"from" format:"date" doc:"First date, in the employee's time zone"`
	To         string `query:"to" format:"date" doc:"Last date, in the employee's time zone"`
	EmployeeID int64  `query:"employee_id" minimum:"1" doc:"Manager access: someone in scope; default oneself"`
	PageParams
}

type eventListOutput struct {
	Body listBody[*attendance.AttendanceEvent]
}

type voidInput struct {
	IDPath
	Body struct {
		Note string `json:"note" doc:"Why the event is voided"`
	}
}

type overviewInput struct {
	From       string `query:"from" format:"date" doc:"First date (default: the first of the current month)"`
	To         string `query:"to" format:"date" doc:"Last date (default: today)"`
	EmployeeID int64  `query:"employee_id" minimum:"1"`
	Department string `query:"department"`
	Format     string `query:"format" enum:"json,csv" doc:"csv: every matching row as CSV, ignoring limit and offset"`
	Accept     string `header:"Accept"`
	PageParams
}

// overviewBody is the overview as JSON: a page of rows and the totals of all.
type overviewBody struct {
	Count    int                      `json:"count"`
	Next     *string                  `json:"next"`
	Previous *string                  `json:"previous"`
	From     attendance.Date          `json:"from"`
	To       attendance.Date          `json:"to"`
	Totals   overviewTotals           `json:"totals"`
	Results  []attendance.OverviewRow `json:"results"`
}

// overviewTotals are the totals of an overview: the contract's numbers and
// the working-time figures (docs/shifts.md).
type overviewTotals struct {
	attendance.OverviewTotals
	attendance.TimeTotals
	attendance.LeaveTotals
}

type overviewOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               any
}

// dateRange parses the from and to query parameters, each optional; when
// both are given, to must not be before from.
func dateRange(fromParam, toParam string) (from, to *attendance.Date, err error) {
	if from, err = optDate(fromParam, "from"); err != nil {
		return nil, nil, err
	}
	if to, err = optDate(toParam, "to"); err != nil {
		return nil, nil, err
	}
	if from != nil && to != nil {
		if err := attendance.CheckRange(*from, *to, 0); err != nil {
			return nil, nil, err
		}
	}
	return from, to, nil
}

// textParams checks free-text query parameters (name, value, name, value…)
// before they reach a database: text without control characters (not %00),
// as in a body (attendance.PlainText). That it is UTF-8 (not %FF) was
// checked for every parameter of every operation (checkInput).
func textParams(nameValues ...string) error {
	var v attendance.Validator
	for i := 0; i+1 < len(nameValues); i += 2 {
		v.Text("query."+nameValues[i], nameValues[i+1], false)
	}
	return v.Err()
}

func optDate(s, name string) (*attendance.Date, error) {
	if s == "" {
		return nil, nil
	}
	d, err := attendance.ParseDate(s)
	if err != nil {
		return nil, attendance.InvalidField("query."+name, "%s", err)
	}
	if !d.Supported() {
		return nil, attendance.InvalidField("query."+name, "must be a date from %s to %s", attendance.MinDate, attendance.MaxDate)
	}
	return &d, nil
}

func optInt64(v int64) *int64 {
	if v == 0 {
		return nil
	}
	return &v
}

func optString(v string) *string {
	if v == "" {
		return nil
	}
	return &v
}

func (s *Server) attendanceRoutes() {
	tags := []string{"Attendance"}
	register(s, secured(huma.Operation{
		OperationID: "record-event", Method: http.MethodPost, Path: "/api/attendance/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Clock in or out",
		Description: "Stamped with the server's time; 409 `already_clocked_in` / `not_clocked_in` when it does not follow the last event. " +
			"With manager access, employee_id + timestamp + note record an event on behalf of someone in scope; it must keep their sequence valid (409 otherwise).",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, ""), func(ctx context.Context, in *recordInput) (*eventOutput, error) {
		b := in.Body
		ev, err := s.Attendance.RecordEvent(ctx, actorFrom(ctx), attendance.RecordEvent{
			Type: b.Type, EmployeeID: b.EmployeeID, Timestamp: b.Timestamp, Note: b.Note, Idempotency: in.idempotency(b)})
		return &eventOutput{ev}, err
	})
	register(s, secured(huma.Operation{
		OperationID: "list-events", Method: http.MethodGet, Path: "/api/attendance/", Tags: tags,
		Summary:     "List attendance events, newest first",
		Description: "One's own events; with manager access, employee_id for someone in scope. Voided events are listed, marked voided.",
		Errors:      []int{http.StatusUnauthorized, http.StatusNotFound},
	}, ""), func(ctx context.Context, in *eventListInput) (*eventListOutput, error) {
		from, to, err := dateRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		list, n, err := s.Attendance.ListEvents(ctx, actorFrom(ctx), attendance.EventFilter{
			EmployeeID: optInt64(in.EmployeeID), From: from, To: to, Page: in.page()})
		if err != nil {
			return nil, err
		}
		return &eventListOutput{listOf(ctx, in.PageParams, n, list)}, nil
	})
	register(s, secured(huma.Operation{
		OperationID: "void-event", Method: http.MethodDelete, Path: "/api/attendance/{id}/", Tags: tags,
		Summary:     "Void an event",
		Description: "The event is kept, marked voided with who, when and why, and counts for nothing. Not one's own.",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict},
	}, accessManager), func(ctx context.Context, in *voidInput) (*eventOutput, error) {
		ev, err := s.Attendance.VoidEvent(ctx, actorFrom(ctx), in.ID, in.Body.Note)
		return &eventOutput{ev}, err
	})

	op := secured(huma.Operation{
		OperationID: "attendance-overview", Method: http.MethodGet, Path: "/api/attendance/overview/", Tags: tags,
		Summary: "Attendance per employee in scope over a date range",
		Description: "Days present, late entries and minutes, absent days, leave days, worked time and open sessions per employee, " +
			"with totals over every matching employee. `?format=csv` (or Accept: text/csv) returns every row as CSV.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager)
	op.Responses = map[string]*huma.Response{"200": {
		Description: "The overview",
		Content: map[string]*huma.MediaType{
			"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflectType[overviewBody](), true, "Overview")},
			"text/csv":         {Schema: &huma.Schema{Type: huma.TypeString}},
		},
	}}
	register(s, op, func(ctx context.Context, in *overviewInput) (*overviewOutput, error) {
		from, to, err := dateRange(in.From, in.To)
		if err != nil {
			return nil, err
		}
		if err := textParams("department", in.Department); err != nil {
			return nil, err
		}
		asCSV := in.Format == "csv" || (in.Format == "" && strings.Contains(in.Accept, "text/csv"))
		ov, err := s.Attendance.Overview(ctx, actorFrom(ctx), attendance.OverviewFilter{
			From: from, To: to, EmployeeID: optInt64(in.EmployeeID), Department: optString(in.Department), All: asCSV, Page: in.page()})
		if err != nil {
			return nil, err
		}
		if asCSV {
			return &overviewOutput{
				ContentType:        "text/csv; charset=utf-8",
				ContentDisposition: `attachment; filename="attendance-` + ov.From.String() + `-` + ov.To.String() + `.csv"`,
				Body:               overviewCSV(ov),
			}, nil
		}
		l := listOf(ctx, in.PageParams, ov.Count, ov.Results)
		return &overviewOutput{ContentType: "application/json", Body: overviewBody{
			Count: l.Count, Next: l.Next, Previous: l.Previous, From: ov.From, To: ov.To,
			Totals: overviewTotals{ov.Totals, ov.TimeTotals, ov.LeaveTotals}, Results: l.Results}}, nil
	})
}

// overviewCSV writes the overview rows with a header line. Cells that a
// spreadsheet would run as a formula are quoted with a leading apostrophe.
func overviewCSV(ov *attendance.Overview) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"employee_id", "username", "name", "department", "days_present", "late_entries", "late_minutes",
		"absent_days", "leave_days", "worked_seconds", "worked_hours", "open_sessions",
		"break_deducted_seconds", "scheduled_seconds", "overtime_seconds", "undertime_seconds",
		"weekly_overtime_seconds", "weekly_undertime_seconds", "needs_review_sessions", "leave_minutes"}
	for _, t := range ov.LeaveTypes {
		header = append(header, cell("leave_days_"+string(t)))
	}
	_ = w.Write(header)
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	for _, r := range ov.Results {
		line := []string{itoa(r.EmployeeID), cell(r.Username), cell(r.Name), cell(r.Department),
			strconv.Itoa(r.DaysPresent), strconv.Itoa(r.LateEntries), strconv.Itoa(r.LateMinutes), strconv.Itoa(r.AbsentDays),
			num(r.LeaveDays), itoa(r.WorkedSeconds), num(r.WorkedHours), strconv.Itoa(r.OpenSessions),
			itoa(r.BreakDeductedSeconds), itoa(r.ScheduledSeconds), itoa(r.OvertimeSeconds), itoa(r.UndertimeSeconds),
			itoa(r.WeeklyOvertimeSeconds), itoa(r.WeeklyUndertimeSeconds), strconv.Itoa(r.NeedsReviewSessions), strconv.Itoa(r.LeaveMinutes)}
		for _, t := range ov.LeaveTypes {
			line = append(line, num(r.LeaveByType[t]))
		}
		_ = w.Write(line)
	}
	w.Flush()
	return buf.Bytes()
}

// cell defuses CSV injection: a spreadsheet runs a cell starting with = + - @ as a formula.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
