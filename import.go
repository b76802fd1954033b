package attendance

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Importing people from a CSV file: ParseImport reads the file into rows,
// CheckImport applies the rules of creating an employee to every row at
// once (Validate and EmployeeChange.Check, as POST /api/employees/ does,
// plus what only a file has: a username twice, a manager named by a later
// row, a reporting cycle among the rows), and the store writes all rows or
// none. docs/people-import.md describes the file.

// MaxImportRows is the most rows one import takes.
const MaxImportRows = 1000

// ImportColumns are the columns of an import file, in the template's order.
// Only username is required; an empty cell takes the default of a new
// employee (manager: the importer). password may be left out: the service
// then generates one and returns it once.
var ImportColumns = []string{
	"username", "password", "first_name", "last_name", "email", "role", "manager_username", "department",
	"timezone", "work_start", "work_end", "work_days", "late_grace_minutes", "annual_leave_days", "hired_on",
}

// ImportTemplate is the template file: the header and two example rows.
const ImportTemplate = "username,password,first_name,last_name,email,role,manager_username,department," +
	"timezone,work_start,work_end,work_days,late_grace_minutes,annual_leave_days,hired_on\r\n" +
	"ada.lovelace,,Ada,Lovelace,ada@example.com,manager,,Engineering,Europe/London,09:00,17:30,mon tue wed thu fri,5,25,2026-01-05\r\n" +
	"charles.babbage,,Charles,Babbage,charles@example.com,employee,ada.lovelace,Engineering,,,,,,,\r\n"

// ImportRow is one data row of an import file. Row counts data rows from 1
// (the header is row 0); Line is the file's line where the row starts.
type ImportRow struct {
	Row             int
	Line            int
	Fields          EmployeeFields
	ManagerUsername string // "" when the cell is empty
	// Problems are the row's cells that could not be read (a date that is not
	// one, a number that is not one): CheckImport reports them with the rest.
	Problems []FieldError
}

// Username is the row's username, or "".
func (r *ImportRow) Username() string {
	if r.Fields.Username == nil {
		return ""
	}
	return *r.Fields.Username
}

// ImportLocation is the location of a problem in a row's column, as the
// errors of an import name it: row[3].email.
func ImportLocation(row int, column string) string {
	return "row[" + strconv.Itoa(row) + "]." + column
}

// ParseImport reads an import file: UTF-8 text (a leading byte order mark is
// skipped), comma- or semicolon-separated (as a spreadsheet saves it), a
// header of ImportColumns in any order, at most MaxImportRows rows. An error
// about the file as a whole (not UTF-8, an unknown column, too many rows) is
// returned; a cell that cannot be read is one of its row's Problems.
func ParseImport(data []byte) ([]ImportRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, InvalidField("body", "is not UTF-8 text: save the file as CSV UTF-8")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	header, err := r.Read()
	if err == io.EOF {
		return nil, InvalidField("body", "is empty: the first line names the columns (see the template)")
	}
	if err != nil {
		return nil, csvProblem(err, 0)
	}
	col := make(map[string]int, len(header))
	var v Validator
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !isImportColumn(h):
			v.Add(ImportLocation(0, "header"), "column %d (%q) is not one of %s", i+1, h, strings.Join(ImportColumns, ", "))
		case col[h] != 0:
			v.Add(ImportLocation(0, "header"), "column %q appears twice", h)
		}
		col[h] = i + 1
	}
	if col["username"] == 0 {
		v.Add(ImportLocation(0, "header"), "the username column is required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var rows []ImportRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvProblem(err, len(rows)+1)
		}
		if blank(rec) {
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, Errorf(KindInvalid, "too_many_rows", "a file may hold at most %d rows; split it into several imports", MaxImportRows)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, parseImportRow(len(rows)+1, line, rec, col))
	}
	if len(rows) == 0 {
		return nil, InvalidField("body", "has no rows under its header")
	}
	return rows, nil
}

func isImportColumn(h string) bool {
	for _, c := range ImportColumns {
		if c == h {
			return true
		}
	}
	return false
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvProblem describes a file that is not CSV at its row.
func csvProblem(err error, row int) error {
	var pe *csv.ParseError
	msg := err.Error()
	if errors.As(err, &pe) {
		msg = fmt.Sprintf("line %d is not CSV: %v", pe.Line, pe.Err)
	}
	return InvalidField(ImportLocation(row, "line"), "%s", msg)
}

// parseImportRow reads one record into fields. Empty cells stay nil: the
// defaults of a new employee apply.
func parseImportRow(n, line int, rec []string, col map[string]int) ImportRow {
	row := ImportRow{Row: n, Line: line}
	get := func(name string) (string, bool) {
		i := col[name]
		if i == 0 || i > len(rec) {
			return "", false
		}
		s := strings.TrimSpace(rec[i-1])
		return s, s != ""
	}
	bad := func(column, format string, args ...any) {
		row.Problems = append(row.Problems, FieldError{Location: ImportLocation(n, column), Message: fmt.Sprintf(format, args...)})
	}
	f := &row.Fields
	str := func(name string) *string {
		if s, ok := get(name); ok {
			return &s
		}
		return nil
	}
	f.Username, f.FirstName, f.LastName, f.Email, f.Department, f.Timezone =
		str("username"), str("first_name"), str("last_name"), str("email"), str("department"), str("timezone")
	if i := col["password"]; i > 0 && i <= len(rec) && rec[i-1] != "" {
		p := rec[i-1] // a password's spaces are its own
		f.Password = &p
	}
	if s, ok := get("role"); ok {
		role := Role(strings.ToLower(s))
		f.Role = &role
	}
	row.ManagerUsername, _ = get("manager_username")
	for _, c := range []struct {
		name string
		dst  **TimeOfDay
	}{{"work_start", &f.WorkStart}, {"work_end", &f.WorkEnd}} {
		if s, ok := get(c.name); ok {
			t, err := ParseTimeOfDay(s)
			if err != nil {
				bad(c.name, "%v", err)
			} else {
				*c.dst = &t
			}
		}
	}
	if s, ok := get("work_days"); ok {
		names := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '|' || r == '/' })
		w, err := ParseWeekdays(names)
		if err != nil {
			bad("work_days", "%v", err)
		} else {
			f.WorkDays = &w
		}
	}
	if s, ok := get("late_grace_minutes"); ok {
		g, err := strconv.Atoi(s)
		if err != nil {
			bad("late_grace_minutes", "%q is not a whole number of minutes", s)
		} else {
			f.LateGraceMinutes = &g
		}
	}
	if s, ok := get("annual_leave_days"); ok {
		d, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil || strings.ContainsAny(s, "eEnNxX") {
			bad("annual_leave_days", "%q is not a number of days such as 15 or 12.5", s)
		} else {
			f.AnnualLeaveDays = &d
		}
	}
	if s, ok := get("hired_on"); ok {
		d, err := ParseDate(s)
		if err != nil {
			bad("hired_on", "%q is not a date in the form YYYY-MM-DD", s)
		} else {
			f.HiredOn = &d
		}
	}
	return row
}

// ImportManager is what the store found of a manager_username that is not a
// row of the file: the employee's id and whether they are in the importer's scope.
type ImportManager struct {
	ID      int64
	InScope bool
}

// ImportFacts are what CheckImport needs from the database, gathered by the
// store inside its transaction.
type ImportFacts struct {
	// Taken holds the NormalizeUsername keys of the file's usernames that
	// existing employees have.
	Taken map[string]bool
	// Managers maps the NormalizeUsername key of each manager_username that
	// names an existing employee to that employee.
	Managers map[string]ImportManager
}

// ImportProblems are every problem of a file's rows, in row order: each
// row's own and those that involve other rows or employees.
type ImportProblems []FieldError

// Err is the problems as the error of an import that writes nothing: a 422
// naming the first row and listing at most MaxFieldErrors, or nil.
func (p ImportProblems) Err() error {
	if len(p) == 0 {
		return nil
	}
	first := p[0]
	msg := first.Location + " " + first.Message
	if len(p) > 1 {
		msg += fmt.Sprintf(" (and %d more)", len(p)-1)
	}
	fields := p
	if len(fields) > MaxFieldErrors {
		fields = fields[:MaxFieldErrors:MaxFieldErrors]
	}
	return &Error{Kind: KindInvalid, Code: "invalid_import", Message: "nothing was imported: " + msg, Fields: fields}
}

// OfRow returns the problems of one row.
func (p ImportProblems) OfRow(row int) []FieldError {
	prefix := "row[" + strconv.Itoa(row) + "]."
	var out []FieldError
	for _, f := range p {
		if strings.HasPrefix(f.Location, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// ImportUsernames returns the NormalizeUsername keys the store must look up
// for facts: the rows' usernames and their managers' usernames.
func ImportUsernames(rows []ImportRow) []string {
	seen := map[string]bool{}
	var keys []string
	add := func(u string) {
		if k := NormalizeUsername(u); u != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for i := range rows {
		add(rows[i].Username())
		add(rows[i].ManagerUsername)
	}
	return keys
}

// CheckImport applies the rules of creating an employee to each row, as the
// actor creating them one by one would meet them (Validate, then
// EmployeeChange.Check), with a password taken as given when the row has none
// (the service generates it), and a manager_username naming either an
// employee (facts.Managers) or another row of the file, who is in the actor's
// scope once imported when their own manager is. It also refuses a username
// taken or repeated in the file, and reporting cycles among the rows. It
// returns every problem, each located as row[N].column.
func CheckImport(a Actor, rows []ImportRow, facts ImportFacts) (ImportProblems, error) {
	if err := RequireManagerAccess(a); err != nil {
		return nil, err
	}
	var out ImportProblems
	byKey := make(map[string]int, len(rows)) // username key → index of its first row
	for i := range rows {
		if u := rows[i].Username(); u != "" {
			if _, dup := byKey[NormalizeUsername(u)]; !dup {
				byKey[NormalizeUsername(u)] = i
			}
		}
	}
	inScope := importScope(a, rows, facts, byKey)
	for i := range rows {
		r := &rows[i]
		var p []FieldError
		add := func(column, format string, args ...any) {
			p = append(p, FieldError{Location: ImportLocation(r.Row, column), Message: fmt.Sprintf(format, args...)})
		}
		p = append(p, r.Problems...)
		f := r.Fields
		if f.Password == nil {
			placeholder := "generated password, not the username"
			f.Password = &placeholder
		}
		if err := f.Validate(); err != nil {
			for _, fe := range fieldErrors(err) {
				add(strings.TrimPrefix(fe.Location, "body."), "%s", fe.Message)
			}
		}
		key := NormalizeUsername(r.Username())
		switch {
		case r.Username() == "":
			add("username", "is required")
		case facts.Taken[key]:
			add("username", "is taken")
		case byKey[key] != i:
			add("username", "is also on row %d", rows[byKey[key]].Row)
		}
		change := EmployeeChange{Actor: a, Fields: f, ManagerExists: true, ManagerInScope: true}
		change.Fields.ManagerIDSet = true
		checked := true
		if m := r.ManagerUsername; m != "" {
			mk := NormalizeUsername(m)
			j, inFile := byKey[mk]
			em, known := facts.Managers[mk]
			switch {
			case inFile && j == i:
				add("manager_username", "is the row's own username")
				checked = false
			case inFile && !inScope[i]:
				add("manager_username", "would make a reporting cycle among the file's rows")
				checked = false
			case inFile:
				id := int64(-1) // a row of the file: it exists once imported, in scope
				change.Fields.ManagerID = &id
			case known:
				change.Fields.ManagerID = &em.ID
				change.ManagerInScope = em.InScope
			default:
				id := int64(-1)
				change.Fields.ManagerID = &id
				change.ManagerExists, change.ManagerInScope = false, false
			}
		} else {
			change.Fields.ManagerID = &a.ID
		}
		if err := change.Check(); checked && err != nil {
			var e *Error
			if !errors.As(err, &e) {
				return nil, err
			}
			switch {
			case e.Kind == KindForbidden:
				add("role", "%s", e.Message)
			case e.Kind == KindInvalid && len(e.Fields) > 0:
				for _, fe := range e.Fields {
					col := strings.TrimPrefix(fe.Location, "body.")
					msg := fe.Message
					if col == "manager_id" {
						col = "manager_username"
						if !a.IsAdmin() {
							msg = "must be you or someone in your scope"
						} else {
							msg = fmt.Sprintf("%q is not an employee nor a row of this file", r.ManagerUsername)
						}
					}
					add(col, "%s", msg)
				}
			default:
				add("username", "%s", e.Message)
			}
		}
		out = append(out, dedupe(p)...)
	}
	return out, nil
}

// importScope tells, per row, whether its manager chain through the file's
// rows ends at an existing employee (or the importer) without a cycle. A row
// whose chain loops is not in scope; one whose chain ends at an unknown or
// out-of-scope employee is judged at that row (here: true, so that the
// problem is named once, where it is).
func importScope(a Actor, rows []ImportRow, facts ImportFacts, byKey map[string]int) []bool {
	const (
		unknown = iota
		visiting
		good
		bad
	)
	state := make([]int, len(rows))
	var visit func(i int) bool
	visit = func(i int) bool {
		switch state[i] {
		case good:
			return true
		case bad, visiting:
			return false
		}
		state[i] = visiting
		ok := true
		if m := rows[i].ManagerUsername; m != "" {
			if j, inFile := byKey[NormalizeUsername(m)]; inFile && j != i {
				ok = visit(j)
			}
		}
		if ok {
			state[i] = good
		} else {
			state[i] = bad
		}
		return ok
	}
	out := make([]bool, len(rows))
	for i := range rows {
		out[i] = visit(i)
	}
	return out
}

func fieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return []FieldError{{Location: "body", Message: err.Error()}}
}

func dedupe(p []FieldError) []FieldError {
	seen := map[FieldError]bool{}
	out := p[:0]
	for _, f := range p {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// ImportOrder returns the rows' indexes in an order where each row's manager
// (when a row of the file) comes before it. CheckImport must have passed.
func ImportOrder(rows []ImportRow) []int {
	byKey := make(map[string]int, len(rows))
	for i := range rows {
		byKey[NormalizeUsername(rows[i].Username())] = i
	}
	done := make([]bool, len(rows))
	order := make([]int, 0, len(rows))
	var visit func(i, depth int)
	visit = func(i, depth int) {
		if done[i] || depth > len(rows) {
			return
		}
		if m := rows[i].ManagerUsername; m != "" {
			if j, ok := byKey[NormalizeUsername(m)]; ok && j != i {
				visit(j, depth+1)
			}
		}
		if !done[i] {
			done[i] = true
			order = append(order, i)
		}
	}
	for i := range rows {
		visit(i, 0)
	}
	return order
}

// ImportRequest is one import: the file's rows, whether only to check them,
// and the request's Idempotency-Key.
type ImportRequest struct {
	Rows        []ImportRow
	DryRun      bool
	Idempotency *Idempotency
}

// ImportResult is what an import did: the employees created in row order
// and, for the rows without a password, the password generated (never
// stored: a replayed response has none). A dry run has Problems instead.
type ImportResult struct {
	Employees []*Employee    `json:"employees"`
	Passwords []string       `json:"-"`
	Problems  ImportProblems `json:"-"`
	Replayed  bool           `json:"-"`
}

// EmployeeImporter imports employees from a file: all rows or none.
type EmployeeImporter interface {
	ImportEmployees(ctx context.Context, actor Actor, req ImportRequest) (*ImportResult, error)
}
