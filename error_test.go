package attendance_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/openattendance/attendance"
)

func TestErrorKindAndCode(t *testing.T) {
	conflict := attendance.Errorf(attendance.KindConflict, "already_clocked_in", "already clocked in since %s", "08:00")
	tests := []struct {
		name     string
		err      error
		wantKind attendance.Kind
		wantCode string
	}{
		{"domain error", conflict, attendance.KindConflict, "already_clocked_in"},
		{"wrapped domain error", fmt.Errorf("record event: %w", conflict), attendance.KindConflict, "already_clocked_in"},
		{"plain error is internal", errors.New("disk full"), attendance.KindInternal, "internal"},
		{"not found", attendance.ErrNotFound("employee"), attendance.KindNotFound, "not_found"},
		{"forbidden", attendance.ErrForbidden("no"), attendance.KindForbidden, "forbidden"},
		{"unauthorized", attendance.ErrUnauthorized("bad token"), attendance.KindUnauthorized, "unauthorized"},
		{"invalid credentials", attendance.ErrInvalidCredentials(), attendance.KindUnauthorized, "invalid_credentials"},
		{"invalid field", attendance.InvalidField("body.end_date", "must not be before %s", "start_date"), attendance.KindInvalid, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.ErrorKind(tt.err); got != tt.wantKind {
				t.Errorf("ErrorKind = %q, want %q", got, tt.wantKind)
			}
			if got := attendance.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name string
		err  *attendance.Error
		want string
	}{
		{"code and message", attendance.Errorf(attendance.KindConflict, "not_pending", "the request is %s", "approved"), "not_pending: the request is approved"},
		{"one field", attendance.InvalidField("body.end_date", "must not be before start_date"), "invalid: end_date must not be before start_date"},
		{"not found names the object", attendance.ErrNotFound("leave request"), "not_found: leave request not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidator(t *testing.T) {
	var v attendance.Validator
	if err := v.Err(); err != nil {
		t.Fatalf("empty Validator.Err() = %v, want nil", err)
	}
	v.Check(true, "body.a", "fine")
	if err := v.Err(); err != nil {
		t.Fatalf("Err() after a passing check = %v, want nil", err)
	}
	v.Check(false, "body.b", "must be %d or more", 3)
	v.Add("body.c", "is required")
	err := v.Err()
	checkFields(t, err, "body.b", "body.c")
	var e *attendance.Error
	errors.As(err, &e)
	if got, want := e.Fields[0].Message, "must be 3 or more"; got != want {
		t.Errorf("Fields[0].Message = %q, want %q", got, want)
	}
	if got, want := e.Message, "b must be 3 or more (and 1 more)"; got != want {
		t.Errorf("Message of two fields = %q, want %q", got, want)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		s                 string
		single, multiline bool
	}{
		{"Ada Lovelace", true, true},
		{"Zoë Ñúñez 李", true, true},
		{"", true, true},
		{"two\nlines", false, true},
		{"tab\there", false, true},
		{"crlf\r\n", false, true},
		{"nul\x00", false, false},
		{"escape \x1b[31m", false, false},
		{"delete\x7f", false, false},
		{"c1 \u0085", false, false},
	}
	for _, tt := range tests {
		if got := attendance.PlainText(tt.s, false); got != tt.single {
			t.Errorf("PlainText(%q, single line) = %v, want %v", tt.s, got, tt.single)
		}
		if got := attendance.PlainText(tt.s, true); got != tt.multiline {
			t.Errorf("PlainText(%q, multiline) = %v, want %v", tt.s, got, tt.multiline)
		}
	}
}

func TestErrBusy(t *testing.T) {
	e := attendance.ErrBusy("the server is busy checking passwords")
	if e.Kind != attendance.KindRateLimited || e.Code != "busy" || e.RetryAfter != 5 ||
		e.Message != "the server is busy checking passwords; try again in a few seconds" {
		t.Errorf("ErrBusy = %+v", e)
	}
}

// TestMayCheckLoginAttempt: failed attempts and attempts still being checked
// count together against the limit.
func TestMayCheckLoginAttempt(t *testing.T) {
	for _, c := range []struct {
		failures, checking int
		want               bool
	}{
		{0, 0, true}, {4, 0, true}, {0, 4, true}, {2, 2, true},
		{5, 0, false}, {0, 5, false}, {3, 2, false}, {4, 1, false}, {6, 3, false},
	} {
		if got := attendance.MayCheckLoginAttempt(c.failures, c.checking); got != c.want {
			t.Errorf("MayCheckLoginAttempt(%d failed, %d checking) = %v, want %v", c.failures, c.checking, got, c.want)
		}
	}
}

func TestFieldErrorCap(t *testing.T) {
	many := make([]attendance.FieldError, 1000)
	for i := range many {
		many[i] = attendance.FieldError{Location: fmt.Sprintf("body.f%d", i), Message: "is unexpected"}
	}
	var v attendance.Validator
	for _, f := range many {
		v.Add(f.Location, "%s", f.Message)
	}
	for name, err := range map[string]error{"Invalid": attendance.Invalid(many...), "Validator": v.Err()} {
		t.Run(name, func(t *testing.T) {
			var e *attendance.Error
			if !errors.As(err, &e) {
				t.Fatalf("%v is not an *Error", err)
			}
			if got, want := len(e.Fields), attendance.MaxFieldErrors; got != want {
				t.Errorf("%d fields listed, want %d", got, want)
			}
			if got, want := e.Fields[0].Location, "body.f0"; got != want {
				t.Errorf("first field %q, want %q", got, want)
			}
			if got, want := e.Message, "f0 is unexpected (and 999 more)"; got != want {
				t.Errorf("Message = %q, want %q", got, want)
			}
		})
	}
}
