package sqlstore

import (
	"context"
	"crypto/rand"
	"strings"

	"github.com/openattendance/attendance"
)

var _ attendance.EmployeeImporter = (*EmployeeService)(nil)

// ImportEmployees creates the employees of an import file's rows, all in one
// transaction, or none (attendance.CheckImport decides). A dry run checks the
// rows against the database and writes nothing: the result's Problems list
// every problem. Passwords are hashed before the transaction (slow on purpose,
// one at a time through the hasher, so that sign-ins are served in between);
// a row without one gets a generated password, returned in the result and
// stored nowhere but as its hash.
func (s *EmployeeService) ImportEmployees(ctx context.Context, a attendance.Actor, req attendance.ImportRequest) (_ *attendance.ImportResult, err error) {
	defer wrap(&err, "ImportEmployees(actor %d, %d rows)", a.ID, len(req.Rows))
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	if len(req.Rows) == 0 || len(req.Rows) > attendance.MaxImportRows {
		return nil, attendance.Errorf(attendance.KindInvalid, "too_many_rows", "an import holds 1 to %d rows", attendance.MaxImportRows)
	}
	facts, err := s.db.importFacts(ctx, s.db.reader(), a, req.Rows)
	if err != nil {
		return nil, err
	}
	problems, err := attendance.CheckImport(a, req.Rows, facts)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		return &attendance.ImportResult{Employees: []*attendance.Employee{}, Problems: problems}, nil
	}
	if len(problems) > 0 && req.Idempotency == nil {
		return nil, problems.Err()
	}
	// With problems and a key, the transaction still runs: the key may replay
	// an earlier import of this file (whose usernames are now taken).
	passwords := make([]string, len(req.Rows))
	hashes := make([]string, len(req.Rows))
	if len(problems) == 0 {
		for i := range req.Rows {
			if p := req.Rows[i].Fields.Password; p != nil {
				passwords[i] = *p
			} else {
				passwords[i] = generatePassword()
			}
			if hashes[i], err = s.hasher.Hash(ctx, passwords[i]); err != nil {
				return nil, err
			}
		}
	}
	var res *attendance.ImportResult
	ran := false
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		res, err = idempotent(ctx, s.db, tx, a.ID, "employee_import", req.Idempotency, func() (*attendance.ImportResult, error) {
			ran = true
			return s.importRows(ctx, tx, a, req.Rows, hashes)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if ran {
		for i := range req.Rows {
			if req.Rows[i].Fields.Password == nil {
				res.Passwords = append(res.Passwords, passwords[i])
			} else {
				res.Passwords = append(res.Passwords, "")
			}
		}
	} else {
		res.Replayed = true
	}
	return res, nil
}

// importRows checks the rows again inside the transaction and inserts them,
// each row's manager before it.
func (s *EmployeeService) importRows(ctx context.Context, tx *Tx, a attendance.Actor, rows []attendance.ImportRow, hashes []string) (*attendance.ImportResult, error) {
	facts, err := s.db.importFacts(ctx, tx, a, rows)
	if err != nil {
		return nil, err
	}
	problems, err := attendance.CheckImport(a, rows, facts)
	if err != nil {
		return nil, err
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if hashes[0] == "" {
		// The check before the transaction failed and this one passes: the
		// people changed in between. Nothing is written; a retry hashes.
		return nil, attendance.Errorf(attendance.KindConflict, "import_conflict", "the people changed during the import; send the file again")
	}
	now := s.db.now()
	ids := make(map[string]int64, len(rows))
	out := make([]*attendance.Employee, len(rows))
	for _, i := range attendance.ImportOrder(rows) {
		r := rows[i]
		f := r.Fields
		f.Password = nil
		f.ManagerIDSet = true
		mid := a.ID
		if m := r.ManagerUsername; m != "" {
			key := attendance.NormalizeUsername(m)
			if id, ok := ids[key]; ok {
				mid = id
			} else {
				mid = facts.Managers[key].ID
			}
		}
		f.ManagerID = &mid
		e := f.Create(s.db.cfg.CompanyTimezone, now)
		if err := s.db.insertEmployee(ctx, tx, e, hashes[i]); err != nil {
			return nil, err
		}
		ids[attendance.NormalizeUsername(e.Username)] = e.ID
		out[i] = e
	}
	return &attendance.ImportResult{Employees: out}, nil
}

// importFacts looks up the rows' usernames and their managers' usernames.
func (db *DB) importFacts(ctx context.Context, q queryer, a attendance.Actor, rows []attendance.ImportRow) (attendance.ImportFacts, error) {
	facts := attendance.ImportFacts{Taken: map[string]bool{}, Managers: map[string]attendance.ImportManager{}}
	keys := attendance.ImportUsernames(rows)
	wanted := map[string]bool{}
	for i := range rows {
		if m := rows[i].ManagerUsername; m != "" {
			wanted[attendance.NormalizeUsername(m)] = true
		}
	}
	const chunk = 500
	for len(keys) > 0 {
		n := min(chunk, len(keys))
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		rs, err := q.query(ctx, `SELECT id, username_key FROM employees WHERE username_key IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return facts, err
		}
		for rs.Next() {
			var id int64
			var key string
			if err := rs.Scan(&id, &key); err != nil {
				rs.Close()
				return facts, err
			}
			facts.Taken[key] = true
			if wanted[key] {
				facts.Managers[key] = attendance.ImportManager{ID: id}
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return facts, err
		}
	}
	for key, m := range facts.Managers {
		ok, err := db.inScope(ctx, q, a, m.ID)
		if err != nil {
			return facts, err
		}
		m.InScope = ok
		facts.Managers[key] = m
	}
	return facts, nil
}

// generatePassword returns a random password of 20 characters (about 119 bits).
func generatePassword() string {
	return rand.Text()[:20]
}
