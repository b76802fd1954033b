package attendance_test

import (
	"strings"
	"testing"

	"github.com/openattendance/attendance"
)

func TestParseImportTemplate(t *testing.T) {
	rows, err := attendance.ParseImport([]byte(attendance.ImportTemplate))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Username() != "ada.lovelace" || rows[1].ManagerUsername != "ada.lovelace" || rows[1].Line != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	if got := rows[0].Fields.WorkDays.Names(); len(got) != 5 {
		t.Errorf("work_days = %v", got)
	}
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	p, err := attendance.CheckImport(admin, rows, attendance.ImportFacts{})
	if err != nil || len(p) != 0 {
		t.Fatalf("CheckImport(template) = %v, %v", p, err)
	}
	if order := attendance.ImportOrder(rows); order[0] != 0 || order[1] != 1 {
		t.Errorf("order = %v", order)
	}
}

func TestParseImportFile(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"not utf8", "username\n\xff\n", "UTF-8"},
		{"empty", "", "empty"},
		{"unknown column", "username,salary\nbob,1\n", "salary"},
		{"no username column", "first_name\nBob\n", "username column"},
		{"no rows", "username\n\n", "no rows"},
		{"too many", "username\n" + strings.Repeat("x\n", attendance.MaxImportRows+1), "at most 1000"},
		{"bad quote", "username\n\"bob\n", "not CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := attendance.ParseImport([]byte(tc.file))
			if err == nil || !strings.Contains(err.Error()+strings.Join(fieldMessages(err), " "), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if attendance.ErrorKind(err) != attendance.KindInvalid {
				t.Errorf("kind = %v", attendance.ErrorKind(err))
			}
		})
	}
	// A spreadsheet's semicolons and byte order mark.
	rows, err := attendance.ParseImport([]byte("\xef\xbb\xbfusername;annual_leave_days\nbob;12,5\n"))
	if err != nil || len(rows) != 1 || *rows[0].Fields.AnnualLeaveDays != 12.5 {
		t.Fatalf("rows = %+v, %v", rows, err)
	}
}

func fieldMessages(err error) []string {
	var out []string
	if e, ok := err.(*attendance.Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Location+" "+f.Message)
		}
	}
	return out
}

func TestCheckImport(t *testing.T) {
	file := "username,password,role,manager_username,email,work_start,hired_on,timezone\n" +
		"ok.one,,employee,,,,,\n" + // 1
		"taken,,,,,,,\n" + // 2
		"ok.one,,,,,,,\n" + // 3: repeated
		"bad.cells,short,boss,,not-an-email,25:00,2026-13-01,Mars/Base\n" + // 4
		"loop.a,,,loop.b,,,,\n" + // 5
		"loop.b,,,loop.a,,,,\n" + // 6
		"ghost.report,,,nobody,,,,\n" + // 7
		"outsider.report,,,outsider,,,,\n" + // 8
		"new.admin,,admin,,,,,\n" + // 9
		",,,,,,,\n" + // blank: skipped
		"report.of.one,,,ok.one,,,,\n" // 10
	rows, err := attendance.ParseImport([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	facts := attendance.ImportFacts{
		Taken:    map[string]bool{"taken": true},
		Managers: map[string]attendance.ImportManager{"outsider": {ID: 7, InScope: false}},
	}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	p, err := attendance.CheckImport(manager, rows, facts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{
		1: nil, 2: {"row[2].username"}, 3: {"row[3].username"},
		4: {"row[4].work_start", "row[4].hired_on", "row[4].password", "row[4].email", "row[4].role", "row[4].timezone"},
		5: {"row[5].manager_username"}, 6: {"row[6].manager_username"}, 7: {"row[7].manager_username"},
		8: {"row[8].manager_username"}, 9: {"row[9].role"}, 10: nil,
	}
	for row, locs := range want {
		got := map[string]bool{}
		for _, f := range p.OfRow(row) {
			got[f.Location] = true
		}
		for _, l := range locs {
			if !got[l] {
				t.Errorf("row %d: no problem at %s in %v", row, l, p.OfRow(row))
			}
		}
		if len(locs) == 0 && len(got) > 0 {
			t.Errorf("row %d: problems %v", row, p.OfRow(row))
		}
	}
	err = p.Err()
	if attendance.ErrorCode(err) != "invalid_import" || !strings.Contains(err.Error(), "row[2].username") {
		t.Errorf("Err() = %v", err)
	}
	if e := err.(*attendance.Error); len(e.Fields) > attendance.MaxFieldErrors {
		t.Errorf("%d fields", len(e.Fields))
	}
	// An admin may import admins and name anyone as manager.
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	p, err = attendance.CheckImport(admin, rows[7:9], facts)
	if err != nil || len(p) != 0 {
		t.Errorf("admin: %v, %v", p, err)
	}
	if _, err := attendance.CheckImport(attendance.Actor{ID: 3, Role: attendance.RoleEmployee}, rows, facts); attendance.ErrorKind(err) != attendance.KindForbidden {
		t.Errorf("employee: %v", err)
	}
}
