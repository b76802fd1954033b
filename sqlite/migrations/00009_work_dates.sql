-- Work dates (docs/shifts.md, "Storage"): each event keeps the work date it
-- was recorded under (NULL: its local date, as every event recorded before
-- this version), and the request whose approval recorded or voided it; an
-- exit the system records (source 'system') has no recorder. The days table
-- keys on the work date and gains what breaks and forgotten exits need.
-- SQLite cannot change a column's constraints: the events table is rebuilt.

-- +goose Up
CREATE TABLE correction_requests (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id      INTEGER NOT NULL REFERENCES employees (id),
	action           TEXT NOT NULL CHECK (action IN ('add', 'void')),
	type             TEXT CHECK (type IN ('entry', 'exit')),
	date             TEXT,
	time             INTEGER, -- minutes after midnight
	ts               INTEGER NOT NULL,
	event_id         INTEGER, -- the event to void, or the one approving an add recorded
	reason           TEXT NOT NULL,
	status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
	decided_by       INTEGER REFERENCES employees (id),
	decided_at       INTEGER,
	decision_comment TEXT NOT NULL DEFAULT '',
	created_at       INTEGER NOT NULL
);
CREATE INDEX correction_requests_status ON correction_requests (status, employee_id);
CREATE INDEX correction_requests_employee ON correction_requests (employee_id, created_at);

CREATE TABLE attendance_events_v9 (
	id                    INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id           INTEGER NOT NULL REFERENCES employees (id),
	type                  TEXT NOT NULL CHECK (type IN ('entry', 'exit')),
	ts                    INTEGER NOT NULL,
	late                  INTEGER NOT NULL DEFAULT 0,
	late_minutes          INTEGER NOT NULL DEFAULT 0,
	source                TEXT NOT NULL CHECK (source IN ('self', 'manager', 'system')),
	recorded_by           INTEGER REFERENCES employees (id),
	note                  TEXT NOT NULL DEFAULT '',
	voided                INTEGER NOT NULL DEFAULT 0,
	voided_by             INTEGER REFERENCES employees (id),
	voided_at             INTEGER,
	void_note             TEXT NOT NULL DEFAULT '',
	created_at            INTEGER NOT NULL,
	work_date             TEXT, -- NULL: the local date of ts
	correction_request_id INTEGER REFERENCES correction_requests (id),
	CHECK ((source = 'system') = (recorded_by IS NULL))
);
INSERT INTO attendance_events_v9 (id, employee_id, type, ts, late, late_minutes, source, recorded_by, note, voided,
		voided_by, voided_at, void_note, created_at)
	SELECT id, employee_id, type, ts, late, late_minutes, source, recorded_by, note, voided,
		voided_by, voided_at, void_note, created_at
	FROM attendance_events;
DROP TABLE attendance_events;
ALTER TABLE attendance_events_v9 RENAME TO attendance_events;
CREATE INDEX attendance_events_employee_ts ON attendance_events (employee_id, ts, id);

ALTER TABLE attendance_days ADD COLUMN break_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attendance_days ADD COLUMN last_exit_at INTEGER;
ALTER TABLE attendance_days ADD COLUMN open_since INTEGER;

-- +goose Down
ALTER TABLE attendance_days DROP COLUMN open_since;
ALTER TABLE attendance_days DROP COLUMN last_exit_at;
ALTER TABLE attendance_days DROP COLUMN break_seconds;
CREATE TABLE attendance_events_v8 (
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
INSERT INTO attendance_events_v8 SELECT id, employee_id, type, ts, late, late_minutes, source, recorded_by, note, voided,
		voided_by, voided_at, void_note, created_at
	FROM attendance_events WHERE source <> 'system';
DROP TABLE attendance_events;
ALTER TABLE attendance_events_v8 RENAME TO attendance_events;
CREATE INDEX attendance_events_employee_ts ON attendance_events (employee_id, ts, id);
DROP TABLE correction_requests;
