-- The periodic checks read only what changed since their last run
-- (issue 21): each check's mark is the instant its last run covered, and
-- partial indexes find the open sessions, the voided entries and the
-- notifications of some employees without reading everyone's.

-- +goose Up
CREATE TABLE check_marks (
	name          TEXT PRIMARY KEY,
	checked_until INTEGER NOT NULL
);
CREATE INDEX attendance_days_open ON attendance_days (date) WHERE open_sessions > 0;
CREATE INDEX attendance_events_voided ON attendance_events (voided_at) WHERE voided;
CREATE INDEX notifications_employee_kind ON notifications (employee_id, kind);
CREATE INDEX leave_ledger_late_penalty ON leave_ledger (employee_id, year) WHERE kind = 'late_penalty';

-- +goose Down
DROP INDEX leave_ledger_late_penalty;
DROP INDEX notifications_employee_kind;
DROP INDEX attendance_events_voided;
DROP INDEX attendance_days_open;
DROP TABLE check_marks;
