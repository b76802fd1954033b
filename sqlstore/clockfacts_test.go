package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// TestClockFacts checks that the one statement in which PostgreSQL reads
// what the rules of a clock event need returns what the statements it
// replaces return, fact by fact, around an employee with a two-week shift
// pattern, overrides (a shift, a day off), a holiday, whole-day and hourly
// leave (approved or not), a chain of managers and events on either side.
func TestClockFacts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "postgres")
	ctx := context.Background()
	mgr, emp := e.team(t)
	admin2 := e.mustCreate(t, e.Admin, "admin2", attendance.RoleAdmin, nil)
	for _, ts := range []struct {
		at  string
		typ attendance.EventType
	}{
		{"2026-11-02T08:58:00Z", attendance.Entry},
		{"2026-11-02T17:03:00Z", attendance.Exit},
		{"2026-11-03T21:55:00Z", attendance.Entry},
		{"2026-11-04T06:01:00Z", attendance.Exit},
		{"2026-11-06T09:20:00Z", attendance.Entry},
	} {
		e.clockAt(t, emp.Actor(), ts.at, ts.typ)
	}
	for _, q := range []string{
		`INSERT INTO shifts (id, name, name_key, start_minute, end_minute, grace_minutes, break_minutes, created_at, updated_at)
			VALUES (101, 'Day', 'day', 540, 1020, 5, 30, now(), now()), (102, 'Night', 'night', 1320, 360, 0, 30, now(), now())`,
		`INSERT INTO shift_patterns (id, employee_id, start_date, weeks, created_at) VALUES (201, $1, '2026-10-26', 2, now())`,
		`INSERT INTO shift_pattern_days (pattern_id, week, weekday, shift_id)
			VALUES (201, 0, 1, 101), (201, 0, 2, 102), (201, 0, 3, 101), (201, 1, 1, 102), (201, 1, 5, 101)`,
		`INSERT INTO roster_overrides (employee_id, date, shift_id, set_by, updated_at)
			VALUES ($1, '2026-11-04', 102, 1, now()), ($1, '2026-11-05', NULL, 1, now()), ($1, '2026-11-20', 101, 1, now())`,
		`INSERT INTO holidays (date, name, created_at) VALUES ('2026-11-05', 'Founders day', now()), ('2026-12-25', 'Christmas', now())`,
		`INSERT INTO leave_requests (employee_id, leave_type, start_date, end_date, days, status, created_at, cost_num, cost_den, unit, start_at, end_at)
			VALUES ($1, 'annual', '2026-11-06', '2026-11-09', 2, 'approved', now(), 2, 1, 'day', NULL, NULL),
			($1, 'annual', '2026-11-03', '2026-11-03', 1, 'pending', now(), 1, 1, 'day', NULL, NULL),
			($1, 'annual', '2026-11-04', '2026-11-04', 0.25, 'approved', now(), 1, 4, 'hour', '2026-11-04T09:00:00Z', '2026-11-04T11:00:00Z'),
			($1, 'annual', '2026-11-04', '2026-11-04', 0.125, 'approved', now(), 1, 8, 'hour', '2026-11-04T07:00:00Z', '2026-11-04T08:00:00Z'),
			($1, 'annual', '2026-11-20', '2026-11-20', 1, 'approved', now(), 1, 1, 'day', NULL, NULL)`,
		// A chain of three: the employee ($1), their manager, an admin above.
		`UPDATE employees SET manager_id = $2 WHERE id = $3 AND $1 > 0`,
	} {
		var args []any
		if strings.Contains(q, "$3") {
			args = []any{emp.ID, admin2.ID, mgr.ID}
		} else if strings.Contains(q, "$1") {
			args = []any{emp.ID}
		}
		if _, err := e.Write.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, instant := range []string{
		"2026-11-02T07:00:00Z", // before every event
		"2026-11-02T12:00:00Z", // inside a session
		"2026-11-03T23:00:00Z", // inside a night session, an event after it
		"2026-11-05T09:00:00Z", // a holiday and a day off
		"2026-11-06T10:00:00Z", // open, on leave
		"2026-11-20T09:00:00Z", // after every event
	} {
		if err := sqlstore.CompareClockFacts(ctx, e.DB.DB, emp.ID, at(t, instant)); err != nil {
			t.Errorf("at %s: %v", instant, err)
		}
	}
	if err := sqlstore.CompareClockFacts(ctx, e.DB.DB, mgr.ID, at(t, "2026-11-04T09:00:00Z")); err != nil {
		t.Errorf("manager: %v", err)
	}
}
