-- The late_penalties job reads the entries recorded since its last run
-- (issue 21): a manager's correction of an earlier day is booked by the
-- next run, without reading everyone's events.

-- +goose Up
CREATE INDEX attendance_events_recorded ON attendance_events (created_at) WHERE type = 'entry';

-- +goose Down
DROP INDEX attendance_events_recorded;
