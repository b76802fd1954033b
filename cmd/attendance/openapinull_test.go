package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNullsAreDeclared: every null in the answers of the days endpoint and
// of the board is a null that the OpenAPI document allows there, so that a
// client generated from the document accepts what the server sends (but
// objects: see checkNulls).
// Saturday's and Sunday's dates have no shift, nor does the board's row of
// someone whose day off it is: their shift_start and shift_end are null.
func TestNullsAreDeclared(t *testing.T) {
	t.Parallel()
	monday := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	app := mustStart(t, withClock(newClock(monday)))
	mgr := app.Admin.NewUser("nd-mgr", map[string]any{"role": "manager"})
	mgr.NewUser("nd-off", map[string]any{"work_days": []string{"tue", "wed", "thu", "fri", "sat"}})
	emp := mgr.NewUser("nd-emp", nil)
	emp.Do("POST", "/api/attendance/", map[string]string{"type": "entry"}).Want(201)

	var doc nullDoc
	app.Anon().Do("GET", "/openapi.json", nil).Want(200).JSON(&doc)
	for _, tt := range []struct {
		path, query string
		// nulls are properties the answer must hold null somewhere: without
		// one, the check below would have nothing to check.
		nulls []string
	}{
		{"/api/attendance/days/", fmt.Sprintf("?employee_id=%d&from=2026-10-26&to=2026-11-08", emp.ID()), []string{"shift_start", "shift_end"}},
		{"/api/attendance/today/", "?limit=500", []string{"shift_start", "shift_end"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			var body any
			mgr.In(t).Do("GET", tt.path+tt.query, nil).Want(200).JSON(&body)
			op := doc.Paths[tt.path]["get"]
			schema := op.Responses["200"].Content["application/json"].Schema
			if schema == nil {
				t.Fatalf("the document gives no schema for GET %s's answer", tt.path)
			}
			seen := map[string]bool{}
			doc.checkNulls(t, "$", schema, body, seen)
			for _, p := range tt.nulls {
				if !seen[p] {
					t.Errorf("GET %s%s: no %s was null", tt.path, tt.query, p)
				}
			}
		})
	}
}

// nullDoc is what TestNullsAreDeclared reads of the OpenAPI document.
type nullDoc struct {
	Paths map[string]map[string]struct {
		Responses map[string]struct {
			Content map[string]struct {
				Schema *nullSchema `json:"schema"`
			} `json:"content"`
		} `json:"responses"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*nullSchema `json:"schemas"`
	} `json:"components"`
}

// nullSchema is a JSON schema of the document: a reference, or a type (one
// or a list, "null" in the list for a nullable value) with its parts.
type nullSchema struct {
	Ref        string                 `json:"$ref"`
	Type       json.RawMessage        `json:"type"`
	Properties map[string]*nullSchema `json:"properties"`
	Items      *nullSchema            `json:"items"`
}

// checkNulls fails the test for every null in v that s does not allow,
// and notes in seen the properties it found null.
func (d *nullDoc) checkNulls(t *testing.T, path string, s *nullSchema, v any, seen map[string]bool) {
	t.Helper()
	for s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		r := d.Components.Schemas[name]
		if r == nil {
			t.Fatalf("%s: %s is not in the document", path, s.Ref)
		}
		s = r
	}
	switch v := v.(type) {
	case nil:
		var types []string
		if string(s.Type) == `"object"` {
			// huma declares no nullable object (it would need anyOf with
			// null, which code generators handle poorly): a null object,
			// as a date's leave, stays undeclared.
			return
		}
		if json.Unmarshal(s.Type, &types) != nil || !slices.Contains(types, "null") {
			t.Errorf("%s is null, but the document's type there is %s", path, s.Type)
		}
	case map[string]any:
		for k, x := range v {
			p := s.Properties[k]
			if p == nil {
				t.Errorf("%s.%s is not in the document", path, k)
				continue
			}
			if x == nil {
				seen[k] = true
			}
			d.checkNulls(t, path+"."+k, p, x, seen)
		}
	case []any:
		if s.Items == nil {
			t.Fatalf("%s is a list, but the document gives no items", path)
		}
		for i, x := range v {
			d.checkNulls(t, fmt.Sprintf("%s[%d]", path, i), s.Items, x, seen)
		}
	}
}
