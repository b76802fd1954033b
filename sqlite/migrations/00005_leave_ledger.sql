-- Leave as a ledger (docs/leave.md "Storage"): leave types are data, every
-- change of a balance is an append-only ledger entry, requests keep their
-- exact cost. The three built-in types are written here, as the requests'
-- leave_type now refers to a type's code; the requests are copied into a
-- table without the CHECK of three names (SQLite cannot drop a CHECK), with
-- their cost as an exact fraction (whole and half days are exact).

-- +goose Up
CREATE TABLE leave_types (
	id                 INTEGER PRIMARY KEY AUTOINCREMENT,
	code               TEXT NOT NULL UNIQUE,
	name               TEXT NOT NULL,
	paid               INTEGER NOT NULL,
	uses_allowance     INTEGER NOT NULL,
	needs_approval     INTEGER NOT NULL,
	units              INTEGER NOT NULL, -- bit set: 1 day, 2 half_day, 4 hour
	allowance_num      INTEGER NOT NULL,
	allowance_den      INTEGER NOT NULL,
	carry_over_max_num INTEGER NOT NULL DEFAULT 0,
	carry_over_max_den INTEGER NOT NULL DEFAULT 1,
	carry_over_expires TEXT, -- MM-DD, NULL: never
	first_year         INTEGER NOT NULL,
	built_in           INTEGER NOT NULL DEFAULT 0,
	retired            INTEGER NOT NULL DEFAULT 0,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
);

CREATE TABLE leave_type_accruals (
	leave_type TEXT NOT NULL REFERENCES leave_types (code),
	from_year  INTEGER NOT NULL,
	accrual    TEXT NOT NULL CHECK (accrual IN ('none', 'yearly_full', 'yearly', 'monthly')),
	PRIMARY KEY (leave_type, from_year)
) WITHOUT ROWID;

INSERT INTO leave_types (code, name, paid, uses_allowance, needs_approval, units, allowance_num, allowance_den, first_year, built_in, created_at, updated_at)
VALUES
	('annual', 'Annual leave', 1, 1, 1, 7, 15, 1, CAST(strftime('%Y', 'now') AS INTEGER), 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
	('sick', 'Sick leave', 1, 0, 1, 7, 0, 1, CAST(strftime('%Y', 'now') AS INTEGER), 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000, CAST(strftime('%s', 'now') AS INTEGER) * 1000000),
	('unpaid', 'Unpaid leave', 0, 0, 1, 7, 0, 1, CAST(strftime('%Y', 'now') AS INTEGER), 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000000, CAST(strftime('%s', 'now') AS INTEGER) * 1000000);
INSERT INTO leave_type_accruals (leave_type, from_year, accrual) VALUES
	('annual', 1970, 'yearly_full'), ('sick', 1970, 'none'), ('unpaid', 1970, 'none');

CREATE TABLE leave_allowances (
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	leave_type  TEXT NOT NULL REFERENCES leave_types (code),
	num         INTEGER NOT NULL,
	den         INTEGER NOT NULL,
	updated_by  INTEGER REFERENCES employees (id),
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (employee_id, leave_type)
) WITHOUT ROWID;

CREATE TABLE leave_requests_ledger (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id      INTEGER NOT NULL REFERENCES employees (id),
	leave_type       TEXT NOT NULL REFERENCES leave_types (code),
	start_date       TEXT NOT NULL,
	end_date         TEXT NOT NULL,
	half_day         INTEGER NOT NULL DEFAULT 0,
	days             REAL NOT NULL, -- the cost as shown, for readers of the old shape
	cost_num         INTEGER NOT NULL,
	cost_den         INTEGER NOT NULL,
	unit             TEXT NOT NULL CHECK (unit IN ('day', 'half_day', 'hour')),
	start_time       INTEGER, -- hourly leave: minutes after midnight, the employee's zone
	end_time         INTEGER,
	start_at         INTEGER, -- hourly leave: the instants
	end_at           INTEGER,
	minutes          INTEGER,
	day_minutes      INTEGER,
	status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
	reason           TEXT NOT NULL DEFAULT '',
	decided_by       INTEGER REFERENCES employees (id),
	decided_at       INTEGER,
	decision_comment TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL
);
INSERT INTO leave_requests_ledger (id, employee_id, leave_type, start_date, end_date, half_day, days, cost_num, cost_den, unit,
	status, reason, decided_by, decided_at, decision_comment, created_at)
SELECT id, employee_id, leave_type, start_date, end_date, half_day, days,
	CASE WHEN CAST(ROUND(days * 2) AS INTEGER) % 2 = 0 THEN CAST(ROUND(days * 2) AS INTEGER) / 2 ELSE CAST(ROUND(days * 2) AS INTEGER) END,
	CASE WHEN CAST(ROUND(days * 2) AS INTEGER) % 2 = 0 THEN 1 ELSE 2 END,
	CASE WHEN half_day THEN 'half_day' ELSE 'day' END,
	status, reason, decided_by, decided_at, decision_comment, created_at
FROM leave_requests;
DROP TABLE leave_requests;
ALTER TABLE leave_requests_ledger RENAME TO leave_requests;
CREATE INDEX leave_requests_employee ON leave_requests (employee_id, start_date);
CREATE INDEX leave_requests_status ON leave_requests (status, start_date);
CREATE INDEX leave_requests_status_end ON leave_requests (status, end_date);

CREATE TABLE leave_job_runs (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	job         TEXT NOT NULL,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
	as_of       TEXT NOT NULL,
	balances    INTEGER NOT NULL DEFAULT 0,
	written     TEXT NOT NULL DEFAULT '{}',
	error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leave_job_runs_job ON leave_job_runs (job, id);

CREATE TABLE leave_ledger (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id         INTEGER NOT NULL REFERENCES employees (id),
	leave_type          TEXT NOT NULL REFERENCES leave_types (code),
	year                INTEGER NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('grant', 'accrual', 'grant_change', 'carry_over_in', 'carry_over_out',
		'carry_over_expired', 'taken', 'returned', 'late_penalty', 'adjustment')),
	date                TEXT NOT NULL,
	num                 INTEGER NOT NULL,
	den                 INTEGER NOT NULL CHECK (den > 0),
	period              TEXT NOT NULL DEFAULT '', -- '2026', '2026-03' for a job's entry; '' otherwise
	note                TEXT NOT NULL,
	unrounded_num       INTEGER,
	unrounded_den       INTEGER,
	leave_request_id    INTEGER REFERENCES leave_requests (id),
	attendance_event_id INTEGER REFERENCES attendance_events (id),
	job_run_id          INTEGER REFERENCES leave_job_runs (id),
	created_by          INTEGER REFERENCES employees (id),
	created_at          INTEGER NOT NULL
);
-- No period is credited twice, whoever writes it (two workers, a retry, a request).
CREATE UNIQUE INDEX leave_ledger_period ON leave_ledger (employee_id, leave_type, kind, period) WHERE period <> '';
-- A request is taken once and returned once.
CREATE UNIQUE INDEX leave_ledger_request ON leave_ledger (leave_request_id, kind) WHERE leave_request_id IS NOT NULL;
CREATE INDEX leave_ledger_balance ON leave_ledger (employee_id, leave_type, year, id);
CREATE INDEX leave_ledger_job_run ON leave_ledger (job_run_id) WHERE job_run_id IS NOT NULL;

-- The ledger is append-only: a mistake is corrected by another entry.
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
DROP TABLE leave_ledger;
DROP TABLE leave_job_runs;
CREATE TABLE leave_requests_old (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id      INTEGER NOT NULL REFERENCES employees (id),
	leave_type       TEXT NOT NULL CHECK (leave_type IN ('annual', 'sick', 'unpaid')),
	start_date       TEXT NOT NULL,
	end_date         TEXT NOT NULL,
	half_day         INTEGER NOT NULL DEFAULT 0,
	days             REAL NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
	reason           TEXT NOT NULL DEFAULT '',
	decided_by       INTEGER REFERENCES employees (id),
	decided_at       INTEGER,
	decision_comment TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL
);
INSERT INTO leave_requests_old (id, employee_id, leave_type, start_date, end_date, half_day, days, status, reason, decided_by,
	decided_at, decision_comment, created_at)
SELECT id, employee_id, leave_type, start_date, end_date, half_day, days, status, reason, decided_by, decided_at, decision_comment, created_at
FROM leave_requests WHERE leave_type IN ('annual', 'sick', 'unpaid');
DROP TABLE leave_requests;
ALTER TABLE leave_requests_old RENAME TO leave_requests;
CREATE INDEX leave_requests_employee ON leave_requests (employee_id, start_date);
CREATE INDEX leave_requests_status ON leave_requests (status, start_date);
CREATE INDEX leave_requests_status_end ON leave_requests (status, end_date);
DROP TABLE leave_allowances;
DROP TABLE leave_type_accruals;
DROP TABLE leave_types;
