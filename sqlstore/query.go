package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/openattendance/attendance"
)

// queryer runs reads, in a write transaction or on the read pool. The SQL is
// the shared form (? placeholders).
type queryer interface {
	query(ctx context.Context, query string, args ...any) (Rows, error)
	queryRow(ctx context.Context, query string, args ...any) row
}

// readPool runs reads on the read pool, with prepared statements where the
// dialect caches them.
type readPool struct{ db *DB }

// reader returns what reads outside a write go to.
func (db *DB) reader() queryer { return readPool{db} }

func (r readPool) query(ctx context.Context, query string, args ...any) (Rows, error) {
	ctx = context.WithoutCancel(ctx)
	q := r.db.q(query)
	if st := r.db.reads.getOrPrepare(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.read.QueryContext(ctx, q, args...)
}

func (r readPool) queryRow(ctx context.Context, query string, args ...any) row {
	ctx = context.WithoutCancel(ctx)
	q := r.db.q(query)
	if st := r.db.reads.getOrPrepare(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.read.QueryRowContext(ctx, q, args...)
}

// pageArgs returns LIMIT/OFFSET values for a page, with the contract's defaults.
func pageArgs(p attendance.Page) (limit, offset int) {
	limit = p.Limit
	if limit <= 0 {
		limit = attendance.DefaultPageLimit
	}
	limit = min(limit, attendance.MaxPageLimit)
	return limit, max(p.Offset, 0)
}

// where collects the conditions and arguments of a query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// addScope adds the condition that col, an employee id, is in the actor's scope.
func (w *where) addScope(a attendance.Actor, col string) {
	cond, args := scopeCond(a, col)
	w.add(cond, args...)
}

// everyone reports whether w holds every row: no condition but TRUE (an
// admin's scope).
func (w *where) everyone() bool {
	for _, c := range w.conds {
		if c != "TRUE" {
			return false
		}
	}
	return true
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(w.conds, " AND ")
}

// escapeLike escapes the wildcards of LIKE in s.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// rows returns n groups of k placeholders: (?, ?), (?, ?), …
func rows(n, k int) string {
	one := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}

// placeholders returns k placeholders: ?, ?, …
func placeholders(k int) string { return strings.TrimSuffix(strings.Repeat("?, ", k), ", ") }

// inIDs returns a condition that col is one of the ids passed as its one
// argument, idsArg(ids): one query text whatever the number of ids, so that
// the statement caches keep one statement.
func (db *DB) inIDs(col string) string {
	if db.d.Name == "postgres" {
		return col + ` = ANY(CAST(CAST(? AS TEXT) AS BIGINT[]))`
	}
	return col + ` IN (SELECT value FROM json_each(?))`
}

// idsArg is the argument of inIDs.
func (db *DB) idsArg(ids []int64) string {
	var b strings.Builder
	open, close := "[", "]"
	if db.d.Name == "postgres" {
		open, close = "{", "}"
	}
	b.WriteString(open)
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteString(close)
	return b.String()
}
