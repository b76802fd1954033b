-- PostgreSQL's overview reads the approved leave from a covering index
-- (see postgres/migrations/00023_leave_overview_cover.sql); SQLite keeps
-- its (status, end_date) index. This keeps the versions of the two
-- dialects alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
