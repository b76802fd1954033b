-- The periodic checks read only what changed since their last run
-- (issue 21): each check's mark is the instant its last run covered, and
-- indexes find the employees of a zone and start time, those changed since,
-- the open sessions, the voided entries, the notifications of some
-- employees and the late penalties booked without reading everyone's.

-- +goose Up
CREATE TABLE check_marks (
	name          TEXT PRIMARY KEY,
	checked_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX employees_schedule ON employees (timezone, work_start, late_grace_minutes) WHERE active;
CREATE INDEX employees_created ON employees (created_at);
CREATE INDEX employees_updated ON employees (updated_at);
CREATE INDEX attendance_days_open ON attendance_days (date) WHERE open_sessions > 0;
CREATE INDEX attendance_events_voided ON attendance_events (voided_at) WHERE voided;
CREATE INDEX notifications_employee_kind ON notifications (employee_id, kind);
CREATE INDEX leave_ledger_late_penalty ON leave_ledger (employee_id, year) WHERE kind = 'late_penalty';

-- +goose Down
DROP INDEX leave_ledger_late_penalty;
DROP INDEX notifications_employee_kind;
DROP INDEX attendance_events_voided;
DROP INDEX attendance_days_open;
DROP INDEX employees_updated;
DROP INDEX employees_created;
DROP INDEX employees_schedule;
DROP TABLE check_marks;
