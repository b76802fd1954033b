package testenv

import (
	"database/sql"
	"fmt"
	"testing"
	"time"
)

// Rows reads what query selects, a row a string, in a form equal on equal
// data whichever database holds it: bytes as text, booleans as 0 and 1,
// instants in UTC. Migration tests compare the rows read before a migration
// with those read after it.
func Rows(t testing.TB, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			switch x := v.(type) {
			case time.Time:
				vals[i] = x.UTC().Format(time.RFC3339Nano)
			case []byte:
				vals[i] = string(x)
			case bool:
				vals[i] = map[bool]int{false: 0, true: 1}[x]
			}
		}
		out = append(out, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// Instant reads a nullable instant column as either database keeps it
// (SQLite: microseconds since 1970; PostgreSQL: timestamptz), scanned into an
// any: NULL is the zero time.
func Instant(t testing.TB, v any) time.Time {
	t.Helper()
	switch v := v.(type) {
	case nil:
		return time.Time{}
	case int64:
		return time.UnixMicro(v)
	case time.Time:
		return v
	}
	t.Fatalf("an instant column holds %T", v)
	return time.Time{}
}
