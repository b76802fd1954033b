package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/openattendance/attendance"
)

// wrap names the store function an unexpected error came from. Every
// exported method calls it once, first thing, as
//
//	defer wrap(&err, "RecordEvent(actor %d)", a.ID)
//
// and the helpers below it return their errors as they are. The domain's
// errors (*attendance.Error) and the end of a context pass unchanged: the
// HTTP layer maps those to their answers; anything else is the database
// failing, which the HTTP layer logs with its cause and answers with a
// plain sentence.
func wrap(errp *error, format string, args ...any) {
	err := *errp
	if err == nil {
		return
	}
	var e *attendance.Error
	if errors.As(err, &e) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	*errp = fmt.Errorf("sqlstore.%s: %w", fmt.Sprintf(format, args...), err)
}

// notFound maps sql.ErrNoRows to the domain's not-found error of what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return attendance.ErrNotFound(what)
	}
	return err
}

// orNotFound returns err, or a not-found error when err is nil (the object
// exists but lies outside the caller's scope).
func orNotFound(err error, what string) error {
	if err != nil {
		return err
	}
	return attendance.ErrNotFound(what)
}
