-- The overview reads the approved leave overlapping its range: ordered by
-- end date, the requests that ended before the range are skipped instead of
-- read (the start-date index reads every request since the beginning).

-- +goose Up
CREATE INDEX leave_requests_status_end ON leave_requests (status, end_date);

-- +goose Down
DROP INDEX leave_requests_status_end;
