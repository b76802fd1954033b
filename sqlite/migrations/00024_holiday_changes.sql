-- The dates of holiday changes whose lateness is still to be judged again,
-- in batches of employees after the change commits (see
-- postgres/migrations/00024_holiday_changes.sql).

-- +goose Up
CREATE TABLE holiday_changes (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	date              TEXT NOT NULL,
	changed_by        INTEGER REFERENCES employees (id),
	after_employee_id INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL
);

-- +goose Down
DROP TABLE holiday_changes;
