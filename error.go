package attendance

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Kind classifies an error by what the caller can do about it. The HTTP layer
// maps each kind to one status code in one place.
type Kind string

// The kinds of error the service returns.
const (
	KindInvalid      Kind = "invalid"      // the input is well-formed but breaks a rule (422)
	KindUnauthorized Kind = "unauthorized" // no, bad, expired or revoked credentials (401)
	KindForbidden    Kind = "forbidden"    // the caller's role may not do this (403)
	KindNotFound     Kind = "not_found"    // no such object, or outside the caller's scope (404)
	KindConflict     Kind = "conflict"     // the current state forbids it (409)
	KindRateLimited  Kind = "rate_limited" // too many attempts (429)
	KindInternal     Kind = "internal"     // a bug or an outage; never shown in detail (500)
	KindUnavailable  Kind = "unavailable"  // a dependency is down; try again (503)
)

// FieldError names one invalid field of a request, e.g. {"body.end_date", "must not be before start_date"}.
type FieldError struct {
	Location string `json:"location"`
	Message  string `json:"message"`
}

// Error is the one error type of the domain. Code is a stable machine-readable
// word (e.g. "already_clocked_in"); Message is a sentence for a person.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter is set on rate-limited errors: the seconds until a retry can succeed.
	RetryAfter int
	// Event is the event a sequence conflict collides with (CheckSequence).
	Event *EventRef
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error of the given kind and code with a formatted message.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// MaxFieldErrors is the most field errors one answer lists: a request with a
// thousand mistakes is told the first twenty, and how many more there are.
const MaxFieldErrors = 20

// Invalid returns a validation error listing the offending fields (at most
// MaxFieldErrors of them); its message names the first in a sentence, e.g.
// "end_date must not be before start_date", and counts the others.
func Invalid(fields ...FieldError) *Error {
	return invalid(fields, len(fields))
}

// invalid is Invalid for total errors of which fields are the first.
func invalid(fields []FieldError, total int) *Error {
	msg := "the request is invalid"
	if len(fields) > 0 {
		f := fields[0]
		name := f.Location
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		msg = strings.TrimSpace(name + " " + f.Message)
		if total > 1 {
			msg += fmt.Sprintf(" (and %d more)", total-1)
		}
	}
	if len(fields) > MaxFieldErrors {
		fields = fields[:MaxFieldErrors:MaxFieldErrors]
	}
	return &Error{Kind: KindInvalid, Code: "invalid", Message: msg, Fields: fields}
}

// InvalidField returns a validation error for one field.
func InvalidField(location, format string, args ...any) *Error {
	return Invalid(FieldError{Location: location, Message: fmt.Sprintf(format, args...)})
}

// ErrNotFound is the answer for a missing object and for one outside the
// caller's scope alike, so that existence is never revealed.
func ErrNotFound(what string) *Error {
	return Errorf(KindNotFound, "not_found", "%s not found", what)
}

// ErrForbidden says the caller's role may not do this.
func ErrForbidden(format string, args ...any) *Error {
	return Errorf(KindForbidden, "forbidden", format, args...)
}

// ErrBusy asks the caller to come back in a few seconds: the work it waits
// for (a password check) is not going to start in time.
func ErrBusy(detail string) *Error {
	e := Errorf(KindRateLimited, "busy", "%s; try again in a few seconds", detail)
	e.RetryAfter = 5
	return e
}

// ErrorKind returns the kind of err: "" for nil, KindInternal when err is not an *Error.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrorCode returns the code of err: "" for nil, "internal" when err is not an *Error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "internal"
}

// Validator collects field errors so that one response can name them: the
// first MaxFieldErrors, and how many there are in all.
type Validator struct {
	fields []FieldError
	total  int
}

// Add records an invalid field.
func (v *Validator) Add(location, format string, args ...any) {
	v.total++
	if len(v.fields) < MaxFieldErrors {
		v.fields = append(v.fields, FieldError{Location: location, Message: fmt.Sprintf(format, args...)})
	}
}

// Check records an invalid field when ok is false.
func (v *Validator) Check(ok bool, location, format string, args ...any) {
	if !ok {
		v.Add(location, format, args...)
	}
}

// Text records an invalid field when s holds a control character: text is
// what a person types, and (among other things) PostgreSQL cannot store a
// NUL. Tabs and line breaks are allowed where multiline.
func (v *Validator) Text(location, s string, multiline bool) {
	v.Check(PlainText(s, multiline), location, "must not contain control characters")
}

// PlainText reports whether s is free of control characters (C0, DEL and C1),
// tabs and line breaks excepted where multiline.
func PlainText(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Err returns the collected validation error, or nil when there is none.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return invalid(v.fields, v.total)
}
