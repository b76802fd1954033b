-- The ledger's jobs read only what changed since their last run (issue
-- 21). late_penalties reads the entries recorded since (a manager's
-- correction of an earlier day); leave_ledger the ledger entries written
-- since, the requests decided or cancelled since (cancelled_at: a pending
-- request cancelled after its year ended can leave days to carry over),
-- and the employees created or edited since (indexed by 00020).

-- +goose Up
CREATE INDEX attendance_events_recorded ON attendance_events (created_at) WHERE type = 'entry';
CREATE INDEX leave_ledger_created ON leave_ledger (created_at);
ALTER TABLE leave_requests ADD COLUMN cancelled_at INTEGER;
CREATE INDEX leave_requests_decided ON leave_requests (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX leave_requests_cancelled ON leave_requests (cancelled_at) WHERE cancelled_at IS NOT NULL;

-- +goose Down
DROP INDEX leave_requests_cancelled;
DROP INDEX leave_requests_decided;
ALTER TABLE leave_requests DROP COLUMN cancelled_at;
DROP INDEX leave_ledger_created;
DROP INDEX attendance_events_recorded;
