-- The employee's lock and the facts of their clock event in one statement
-- is PostgreSQL's (see postgres/migrations/00021_clock_facts.sql): SQLite
-- reads the facts one by one, in the process. This keeps the versions of
-- the two dialects alike.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
