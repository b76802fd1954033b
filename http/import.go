package http

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openattendance/attendance"
)

// csvType is the media type of an import file.
const csvType = "text/csv"

type importInput struct {
	IdempotencyHeader
	DryRun  bool   `query:"dry_run" doc:"Check every row and write nothing: 200 with each row's problems"`
	RawBody []byte `contentType:"text/csv"`
}

// importRowBody is one row of an import's answer.
type importRowBody struct {
	Row      int                     `json:"row" doc:"The data row, from 1 (the header is row 0)"`
	Line     int                     `json:"line" doc:"The file's line where the row starts"`
	Username string                  `json:"username"`
	Errors   []attendance.FieldError `json:"errors" doc:"The row's problems, each at row[N].column; empty when the row is fine"`
}

// importCheckBody is the answer of a dry run.
type importCheckBody struct {
	Valid  bool            `json:"valid" doc:"Whether the file would be imported as it is"`
	Count  int             `json:"count" doc:"Rows in the file"`
	Errors int             `json:"errors" doc:"Problems in all rows"`
	Rows   []importRowBody `json:"rows" doc:"Every row, in file order, with its problems"`
}

// importedBody is one created employee, with the password generated for it.
type importedBody struct {
	Row               int                  `json:"row"`
	Employee          *attendance.Employee `json:"employee"`
	GeneratedPassword *string              `json:"generated_password" doc:"The password generated for a row without one; shown in this answer only (null in a replay, and for rows that gave one)"`
}

// importDoneBody is the answer of an import.
type importDoneBody struct {
	Count    int            `json:"count"`
	Replayed bool           `json:"replayed" doc:"This answer repeats an earlier import with the same Idempotency-Key: nothing was written, and generated passwords are not shown again"`
	Results  []importedBody `json:"results"`
}

type importOutput struct {
	Status int `status:"default"`
	Body   any
}

type importTemplateOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) importRoutes() {
	tags := []string{"Employees"}
	op := secured(huma.Operation{
		OperationID: "import-employees", Method: http.MethodPost, Path: "/api/employees/import/", Tags: tags, DefaultStatus: http.StatusCreated,
		Summary: "Import employees from a CSV file, all rows or none",
		Description: "The body is a CSV file (`Content-Type: text/csv`, UTF-8, comma or semicolon separated) whose header names some of the columns of " +
			"GET /api/employees/import/template/; only `username` is required, an empty cell takes the default of a new employee, " +
			"`manager_username` names an employee in your scope or another row (empty: you). At most 1000 rows. " +
			"Each row meets the rules of POST /api/employees/. With `?dry_run=true` the answer is 200 with every row's problems and nothing is written; " +
			"otherwise the answer is 201 with every employee created, or 422 `invalid_import` (errors at `row[N].column`) and nothing is written. " +
			"A row without a password gets a generated one, shown once in the answer.",
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType},
	}, accessManager)
	op.Responses = map[string]*huma.Response{
		"200": {Description: "A dry run: every row and its problems", Content: map[string]*huma.MediaType{
			"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflectType[importCheckBody](), true, "ImportCheck")}}},
		"201": {Description: "Every row imported", Content: map[string]*huma.MediaType{
			"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflectType[importDoneBody](), true, "ImportDone")}}},
	}
	register(s, op, func(ctx context.Context, in *importInput) (*importOutput, error) {
		rows, err := attendance.ParseImport(in.RawBody)
		if err != nil {
			return nil, err
		}
		var key *attendance.Idempotency
		if in.IdempotencyKey != "" {
			sum := sha256.Sum256(in.RawBody)
			key = &attendance.Idempotency{Key: in.IdempotencyKey, Hash: hex.EncodeToString(sum[:])}
		}
		res, err := s.Employees.ImportEmployees(ctx, actorFrom(ctx), attendance.ImportRequest{Rows: rows, DryRun: in.DryRun, Idempotency: key})
		if err != nil {
			return nil, err
		}
		if in.DryRun {
			b := importCheckBody{Valid: len(res.Problems) == 0, Count: len(rows), Errors: len(res.Problems), Rows: make([]importRowBody, len(rows))}
			for i, r := range rows {
				errs := res.Problems.OfRow(r.Row)
				if errs == nil {
					errs = []attendance.FieldError{}
				}
				b.Rows[i] = importRowBody{Row: r.Row, Line: r.Line, Username: r.Username(), Errors: errs}
			}
			return &importOutput{Status: http.StatusOK, Body: b}, nil
		}
		b := importDoneBody{Count: len(res.Employees), Replayed: res.Replayed, Results: make([]importedBody, len(res.Employees))}
		for i, e := range res.Employees {
			b.Results[i] = importedBody{Row: i + 1, Employee: e}
			if i < len(res.Passwords) && res.Passwords[i] != "" {
				p := res.Passwords[i]
				b.Results[i].GeneratedPassword = &p
			}
		}
		return &importOutput{Status: http.StatusCreated, Body: b}, nil
	})

	op = secured(huma.Operation{
		OperationID: "import-employees-template", Method: http.MethodGet, Path: "/api/employees/import/template/", Tags: tags,
		Summary:     "The CSV template of an import",
		Description: "Every column an import takes, with two example rows (the second reports to the first).",
		Errors:      []int{http.StatusUnauthorized, http.StatusForbidden},
	}, accessManager)
	op.Responses = map[string]*huma.Response{"200": {Description: "The template", Content: map[string]*huma.MediaType{
		csvType: {Schema: &huma.Schema{Type: huma.TypeString}}}}}
	register(s, op, func(ctx context.Context, _ *struct{}) (*importTemplateOutput, error) {
		return &importTemplateOutput{ContentType: "text/csv; charset=utf-8",
			ContentDisposition: `attachment; filename="people-import-template.csv"`, Body: []byte(attendance.ImportTemplate)}, nil
	})
}
