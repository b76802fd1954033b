package main

import (
	"fmt"
	"strings"
	"testing"
)

// HTTP tests of POST /api/employees/import/ and its template: the dry run,
// all-or-nothing, generated passwords, the Idempotency-Key, scope and limits.

func postCSV(c *client, query, body string, hdr ...string) *response {
	c.app.t.Helper()
	return c.Do("POST", "/api/employees/import/"+query, body, append([]string{"Content-Type", "text/csv"}, hdr...)...)
}

type importDone struct {
	Count    int  `json:"count"`
	Replayed bool `json:"replayed"`
	Results  []struct {
		Row      int `json:"row"`
		Employee struct {
			ID        int64  `json:"id"`
			Username  string `json:"username"`
			ManagerID *int64 `json:"manager_id"`
			WorkDays  []string
		} `json:"employee"`
		GeneratedPassword *string `json:"generated_password"`
	} `json:"results"`
}

type importCheck struct {
	Valid  bool `json:"valid"`
	Count  int  `json:"count"`
	Errors int  `json:"errors"`
	Rows   []struct {
		Row      int    `json:"row"`
		Line     int    `json:"line"`
		Username string `json:"username"`
		Errors   []struct {
			Location string `json:"location"`
			Message  string `json:"message"`
		} `json:"errors"`
	} `json:"rows"`
}

func TestEmployeeImport(t *testing.T) {
	app := mustStart(t)
	admin := app.Admin
	boss := admin.NewUser("imp_boss", map[string]any{"role": "manager"})
	outsider := admin.CreateEmployee("imp_outsider", nil)
	emp := boss.NewUser("imp_emp", nil)
	count := func() int {
		var l list[struct{}]
		admin.Do("GET", "/api/employees/?active=all&limit=1", nil).Want(200).JSON(&l)
		return l.Count
	}

	t.Run("Template", func(t *testing.T) {
		res := boss.In(t).Do("GET", "/api/employees/import/template/", nil).Want(200)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.HasPrefix(string(res.Body), "username,password,") {
			t.Errorf("template: %s %q", ct, res.Body)
		}
		emp.In(t).Do("GET", "/api/employees/import/template/", nil).WantProblem(403, "")
		app.Anon().In(t).Do("GET", "/api/employees/import/template/", nil).WantProblem(401, "")
		// The template imports as it is (dry run).
		var c importCheck
		postCSV(admin.In(t), "?dry_run=true", string(res.Body)).Want(200).JSON(&c)
		if !c.Valid || c.Count != 2 {
			t.Errorf("template dry run: %+v", c)
		}
	})

	bad := "username,first_name,manager_username,hired_on,email\n" +
		"imp_a,Ann,,2026-01-05,ann@example.com\n" +
		"imp_b,Bob,imp_a,2026-02-30,\n" + // no such date
		"imp_c,Cid,imp_outsider,,\n" + // outside the manager's scope
		"imp_boss,Dup,,,\n" // taken
	t.Run("DryRunNamesEveryRow", func(t *testing.T) {
		before := count()
		var c importCheck
		postCSV(boss.In(t), "?dry_run=true", bad).Want(200).JSON(&c)
		if c.Valid || c.Count != 4 || c.Errors != 3 || len(c.Rows) != 4 {
			t.Fatalf("dry run: %+v", c)
		}
		want := []string{"", "row[2].hired_on", "row[3].manager_username", "row[4].username"}
		for i, r := range c.Rows {
			got := ""
			if len(r.Errors) > 0 {
				got = r.Errors[0].Location
			}
			if got != want[i] || r.Row != i+1 || r.Line != i+2 {
				t.Errorf("row %d: %+v, want an error at %q", i+1, r, want[i])
			}
		}
		if count() != before {
			t.Error("a dry run wrote")
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		before := count()
		p := postCSV(boss.In(t), "", bad).WantProblem(422, "invalid_import")
		for _, loc := range []string{"row[2].hired_on", "row[3].manager_username", "row[4].username"} {
			wantFieldError(t, p, loc)
		}
		if !strings.Contains(p.Detail, "row[2]") {
			t.Errorf("detail %q does not name the row", p.Detail)
		}
		if count() != before {
			t.Error("a refused import wrote")
		}
	})
	good := "username;first_name;manager_username;work_days;password\n" +
		"imp_b;Bob;imp_a;mon wed fri;\n" + // the manager comes later in the file
		"imp_a;Ann;;;given-password-1\n"
	var done importDone
	t.Run("Imports", func(t *testing.T) {
		before := count()
		postCSV(boss.In(t), "", good, "Idempotency-Key", "imp-1").Want(201).JSON(&done)
		if done.Count != 2 || done.Replayed || count() != before+2 {
			t.Fatalf("import: %+v", done)
		}
		b, a := done.Results[0], done.Results[1]
		if b.Employee.Username != "imp_b" || a.Employee.Username != "imp_a" {
			t.Fatalf("results out of row order: %+v", done.Results)
		}
		if b.Employee.ManagerID == nil || *b.Employee.ManagerID != a.Employee.ID || a.Employee.ManagerID == nil || *a.Employee.ManagerID != boss.ID() {
			t.Errorf("managers: %+v", done.Results)
		}
		if b.GeneratedPassword == nil || a.GeneratedPassword != nil {
			t.Fatalf("passwords: %+v", done.Results)
		}
		app.In(t).Login("imp_b", *b.GeneratedPassword)
		app.In(t).Login("imp_a", "given-password-1")
		if got := getEmployee(boss.In(t), b.Employee.ID).WorkDays.Names(); strings.Join(got, " ") != "mon wed fri" {
			t.Errorf("work_days %v", got)
		}
	})
	t.Run("IdempotencyKey", func(t *testing.T) {
		before := count()
		var again importDone
		postCSV(boss.In(t), "", good, "Idempotency-Key", "imp-1").Want(201).JSON(&again)
		if !again.Replayed || again.Count != 2 || again.Results[0].Employee.ID != done.Results[0].Employee.ID || again.Results[0].GeneratedPassword != nil {
			t.Errorf("replay: %+v", again)
		}
		if count() != before {
			t.Error("a replay wrote")
		}
		postCSV(boss.In(t), "", good+"imp_z;Zed;;;\n", "Idempotency-Key", "imp-1").WantProblem(422, "idempotency_key_reused")
		// Without the key, the same file is refused: the usernames are taken.
		p := postCSV(boss.In(t), "", good).WantProblem(422, "invalid_import")
		wantFieldError(t, p, "row[1].username")
	})
	t.Run("Refusals", func(t *testing.T) {
		postCSV(emp.In(t), "?dry_run=true", good).WantProblem(403, "")
		postCSV(app.Anon().In(t), "", good).WantProblem(401, "")
		admin.In(t).Do("POST", "/api/employees/import/", good).WantProblem(415, "")
		postCSV(admin.In(t), "", "").WantProblem(422, "")
		postCSV(admin.In(t), "", "username,salary\nx,1\n").WantProblem(422, "")
		postCSV(admin.In(t), "?dry_run=true", "username\n"+strings.Repeat("imp_many\n", 1001)).WantProblem(422, "too_many_rows")
		postCSV(admin.In(t), "", "username\n\xff\n").WantProblem(422, "")
		// A manager imports no admin, and nobody under an admin they may not name.
		p := postCSV(boss.In(t), "", "username,role\nimp_root,admin\n").WantProblem(422, "invalid_import")
		wantFieldError(t, p, "row[1].role")
		_ = outsider
		// An admin may.
		var d importDone
		postCSV(admin.In(t), "", fmt.Sprintf("username,role,manager_username\nimp_root,admin,\nimp_out_rep,,%s\n", outsider.Username)).Want(201).JSON(&d)
		if d.Count != 2 || d.Results[0].GeneratedPassword == nil {
			t.Errorf("admin import: %+v", d)
		}
	})
	t.Run("ThousandRows", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("username,first_name,department\n")
		for i := range 1000 {
			fmt.Fprintf(&b, "imp_bulk_%04d,Person %d,Bulk\n", i, i)
		}
		var c importCheck
		postCSV(admin.In(t), "?dry_run=true", b.String()).Want(200).JSON(&c)
		if !c.Valid || c.Count != 1000 {
			t.Errorf("1000 rows: valid %v, count %d", c.Valid, c.Count)
		}
	})
}
