-- The schema of the embedded SQLite store. Instants are INTEGER microseconds
-- since the Unix epoch (UTC); calendar dates are TEXT 'YYYY-MM-DD', which sorts
-- as dates do; booleans are 0/1.

-- +goose Up
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE employees (
	id                 INTEGER PRIMARY KEY AUTOINCREMENT,
	username           TEXT NOT NULL,
	username_key       TEXT NOT NULL UNIQUE, -- lower-case: usernames are unique ignoring case
	password_hash      TEXT NOT NULL,
	email              TEXT NOT NULL DEFAULT '',
	first_name         TEXT NOT NULL DEFAULT '',
	last_name          TEXT NOT NULL DEFAULT '',
	role               TEXT NOT NULL CHECK (role IN ('employee', 'manager', 'admin')),
	manager_id         INTEGER REFERENCES employees (id),
	department         TEXT NOT NULL DEFAULT '',
	timezone           TEXT NOT NULL,
	work_start         INTEGER NOT NULL, -- minutes after midnight
	work_end           INTEGER NOT NULL,
	work_days          INTEGER NOT NULL, -- bit set, bit 0 = Sunday
	late_grace_minutes INTEGER NOT NULL DEFAULT 0,
	annual_leave_days  REAL NOT NULL,
	hired_on           TEXT NOT NULL,
	active             INTEGER NOT NULL DEFAULT 1,
	deactivated_on     TEXT,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL
);
CREATE INDEX employees_manager ON employees (manager_id);
CREATE INDEX employees_department ON employees (department);
CREATE INDEX employees_role ON employees (role) WHERE role = 'admin';

CREATE TABLE sessions (
	id          TEXT PRIMARY KEY,
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	refresh_id  TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	revoked_at  INTEGER
);
CREATE INDEX sessions_employee ON sessions (employee_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
	key TEXT NOT NULL, -- username and client address
	at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE holidays (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	date       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE attendance_events (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id  INTEGER NOT NULL REFERENCES employees (id),
	type         TEXT NOT NULL CHECK (type IN ('entry', 'exit')),
	ts           INTEGER NOT NULL,
	late         INTEGER NOT NULL DEFAULT 0,
	late_minutes INTEGER NOT NULL DEFAULT 0,
	source       TEXT NOT NULL CHECK (source IN ('self', 'manager')),
	recorded_by  INTEGER NOT NULL REFERENCES employees (id),
	note         TEXT NOT NULL DEFAULT '',
	voided       INTEGER NOT NULL DEFAULT 0,
	voided_by    INTEGER REFERENCES employees (id),
	voided_at    INTEGER,
	void_note    TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL
);
-- The sequence check and the day rebuild read an employee's events around an instant.
CREATE INDEX attendance_events_employee_ts ON attendance_events (employee_id, ts, id);

-- One row per employee and local date with an entry: derived from the events
-- in the transaction that changes them, so overviews read one small row per
-- day instead of pairing events.
CREATE TABLE attendance_days (
	employee_id    INTEGER NOT NULL REFERENCES employees (id),
	date           TEXT NOT NULL,
	entries        INTEGER NOT NULL,
	late           INTEGER NOT NULL,
	late_minutes   INTEGER NOT NULL,
	worked_seconds INTEGER NOT NULL,
	open_sessions  INTEGER NOT NULL,
	PRIMARY KEY (employee_id, date)
) WITHOUT ROWID;
CREATE INDEX attendance_days_date ON attendance_days (date);

CREATE TABLE leave_requests (
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
CREATE INDEX leave_requests_employee ON leave_requests (employee_id, start_date);
CREATE INDEX leave_requests_status ON leave_requests (status, start_date);

CREATE TABLE leave_balance_alerts (
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	year        INTEGER NOT NULL,
	remaining   REAL NOT NULL,
	created_at  INTEGER NOT NULL,
	PRIMARY KEY (employee_id, year, remaining)
);

CREATE TABLE notifications (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	recipient_id INTEGER NOT NULL REFERENCES employees (id),
	kind         TEXT NOT NULL,
	employee_id  INTEGER NOT NULL REFERENCES employees (id),
	message      TEXT NOT NULL,
	data         TEXT NOT NULL DEFAULT '{}',
	cause        TEXT NOT NULL, -- what caused it: one notification per cause and recipient
	created_at   INTEGER NOT NULL,
	read_at      INTEGER,
	UNIQUE (recipient_id, cause)
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);

CREATE TABLE idempotency_keys (
	employee_id  INTEGER NOT NULL REFERENCES employees (id),
	endpoint     TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	response     TEXT NOT NULL,
	failed       INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	PRIMARY KEY (employee_id, endpoint, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE notifications;
DROP TABLE leave_balance_alerts;
DROP TABLE leave_requests;
DROP TABLE attendance_days;
DROP TABLE attendance_events;
DROP TABLE holidays;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE employees;
DROP TABLE settings;
