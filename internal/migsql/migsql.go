// Package migsql holds what the migrations written in Go share: how the two
// databases differ in the SQL those migrations write.
package migsql

import (
	"strings"
	"time"
)

// Dialect is what differs between the databases in a migration's SQL.
type Dialect struct {
	// Param is the placeholder of the n-th parameter (from 1).
	Param func(n int) string
	// Time encodes an instant for a column.
	Time func(time.Time) any
}

// Query rewrites the ? placeholders of query with the dialect's.
func (d Dialect) Query(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString(d.Param(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// OptionalTime encodes an optional instant, nil being NULL.
func (d Dialect) OptionalTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return d.Time(*t)
}
