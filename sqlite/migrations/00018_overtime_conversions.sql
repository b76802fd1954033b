-- Overtime into time off in lieu (docs/shifts.md, "Time off in lieu"): a
-- manager converts an employee's daily overtime of a range of work dates
-- into a credit of a leave type, the ledger's new kind 'overtime'. Each
-- conversion is kept, with the ledger entry it wrote.
-- SQLite cannot change a column's CHECK: the ledger is rebuilt, every row,
-- index and trigger as it was.

-- +goose Up
CREATE TABLE overtime_conversions (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id      INTEGER NOT NULL REFERENCES employees (id),
	leave_type       TEXT NOT NULL REFERENCES leave_types (code),
	from_date        TEXT NOT NULL,
	to_date          TEXT NOT NULL,
	minutes          INTEGER NOT NULL CHECK (minutes > 0),
	day_minutes      INTEGER NOT NULL CHECK (day_minutes > 0),
	overtime_minutes INTEGER NOT NULL,
	comment          TEXT NOT NULL DEFAULT '',
	ledger_entry_id  INTEGER NOT NULL,
	created_by       INTEGER NOT NULL REFERENCES employees (id),
	created_at       INTEGER NOT NULL
);
CREATE INDEX overtime_conversions_employee ON overtime_conversions (employee_id, from_date);

CREATE TABLE leave_ledger_v18 (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id         INTEGER NOT NULL REFERENCES employees (id),
	leave_type          TEXT NOT NULL REFERENCES leave_types (code),
	year                INTEGER NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('grant', 'accrual', 'grant_change', 'carry_over_in', 'carry_over_out',
		'carry_over_expired', 'taken', 'returned', 'late_penalty', 'adjustment', 'overtime')),
	date                TEXT NOT NULL,
	num                 INTEGER NOT NULL,
	den                 INTEGER NOT NULL CHECK (den > 0),
	period              TEXT NOT NULL DEFAULT '',
	note                TEXT NOT NULL,
	unrounded_num       INTEGER,
	unrounded_den       INTEGER,
	leave_request_id    INTEGER REFERENCES leave_requests (id),
	attendance_event_id INTEGER REFERENCES attendance_events (id),
	job_run_id          INTEGER REFERENCES leave_job_runs (id),
	created_by          INTEGER REFERENCES employees (id),
	created_at          INTEGER NOT NULL
);
INSERT INTO leave_ledger_v18 (id, employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num, unrounded_den,
		leave_request_id, attendance_event_id, job_run_id, created_by, created_at)
	SELECT id, employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num, unrounded_den,
		leave_request_id, attendance_event_id, job_run_id, created_by, created_at
	FROM leave_ledger ORDER BY id;
DROP TABLE leave_ledger;
ALTER TABLE leave_ledger_v18 RENAME TO leave_ledger;
CREATE UNIQUE INDEX leave_ledger_period ON leave_ledger (employee_id, leave_type, kind, period) WHERE period <> '';
CREATE UNIQUE INDEX leave_ledger_request ON leave_ledger (leave_request_id, kind) WHERE leave_request_id IS NOT NULL;
CREATE INDEX leave_ledger_balance ON leave_ledger (employee_id, leave_type, year, id);
CREATE INDEX leave_ledger_job_run ON leave_ledger (job_run_id) WHERE job_run_id IS NOT NULL;
-- +goose StatementBegin
CREATE TRIGGER leave_ledger_no_update BEFORE UPDATE ON leave_ledger
BEGIN
	SELECT RAISE(ABORT, 'leave_ledger is append-only: entries are never updated');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_ledger_no_delete BEFORE DELETE ON leave_ledger
BEGIN
	SELECT RAISE(ABORT, 'leave_ledger is append-only: entries are never deleted');
END;
-- +goose StatementEnd

-- +goose Down
-- Nothing converted may be lost silently: the way back refuses while a
-- conversion's entry exists (the CHECK below fails on the copy).
CREATE TABLE leave_ledger_v17 (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id         INTEGER NOT NULL REFERENCES employees (id),
	leave_type          TEXT NOT NULL REFERENCES leave_types (code),
	year                INTEGER NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('grant', 'accrual', 'grant_change', 'carry_over_in', 'carry_over_out',
		'carry_over_expired', 'taken', 'returned', 'late_penalty', 'adjustment')),
	date                TEXT NOT NULL,
	num                 INTEGER NOT NULL,
	den                 INTEGER NOT NULL CHECK (den > 0),
	period              TEXT NOT NULL DEFAULT '',
	note                TEXT NOT NULL,
	unrounded_num       INTEGER,
	unrounded_den       INTEGER,
	leave_request_id    INTEGER REFERENCES leave_requests (id),
	attendance_event_id INTEGER REFERENCES attendance_events (id),
	job_run_id          INTEGER REFERENCES leave_job_runs (id),
	created_by          INTEGER REFERENCES employees (id),
	created_at          INTEGER NOT NULL
);
INSERT INTO leave_ledger_v17 (id, employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num, unrounded_den,
		leave_request_id, attendance_event_id, job_run_id, created_by, created_at)
	SELECT id, employee_id, leave_type, year, kind, date, num, den, period, note, unrounded_num, unrounded_den,
		leave_request_id, attendance_event_id, job_run_id, created_by, created_at
	FROM leave_ledger ORDER BY id;
DROP TABLE leave_ledger;
ALTER TABLE leave_ledger_v17 RENAME TO leave_ledger;
CREATE UNIQUE INDEX leave_ledger_period ON leave_ledger (employee_id, leave_type, kind, period) WHERE period <> '';
CREATE UNIQUE INDEX leave_ledger_request ON leave_ledger (leave_request_id, kind) WHERE leave_request_id IS NOT NULL;
CREATE INDEX leave_ledger_balance ON leave_ledger (employee_id, leave_type, year, id);
CREATE INDEX leave_ledger_job_run ON leave_ledger (job_run_id) WHERE job_run_id IS NOT NULL;
-- +goose StatementBegin
CREATE TRIGGER leave_ledger_no_update BEFORE UPDATE ON leave_ledger
BEGIN
	SELECT RAISE(ABORT, 'leave_ledger is append-only: entries are never updated');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER leave_ledger_no_delete BEFORE DELETE ON leave_ledger
BEGIN
	SELECT RAISE(ABORT, 'leave_ledger is append-only: entries are never deleted');
END;
-- +goose StatementEnd
DROP TABLE overtime_conversions;
