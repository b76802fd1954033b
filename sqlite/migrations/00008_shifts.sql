-- Shifts, patterns, roster overrides and the working-time settings
-- (docs/shifts.md, "Storage"). Wall-clock times are INTEGER minutes after
-- midnight, as employees.work_start is.

-- +goose Up
CREATE TABLE shifts (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT NOT NULL,
	name_key      TEXT NOT NULL, -- lower-case: names are unique among active shifts ignoring case
	start_minute  INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
	end_minute    INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
	grace_minutes INTEGER NOT NULL DEFAULT 0,
	break_minutes INTEGER NOT NULL DEFAULT 0,
	active        INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX shifts_active_name ON shifts (name_key) WHERE active = 1;

-- An employee's patterns follow one another by start date; each has weeks
-- rotation weeks, whose days with a shift are rows of shift_pattern_days.
CREATE TABLE shift_patterns (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	start_date  TEXT NOT NULL,
	weeks       INTEGER NOT NULL CHECK (weeks BETWEEN 1 AND 52),
	created_by  INTEGER REFERENCES employees (id), -- NULL: made by the migration
	created_at  INTEGER NOT NULL,
	UNIQUE (employee_id, start_date)
);

CREATE TABLE shift_pattern_days (
	pattern_id INTEGER NOT NULL REFERENCES shift_patterns (id) ON DELETE CASCADE,
	week       INTEGER NOT NULL, -- 0 for week 1
	weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6), -- 0 = Sunday
	shift_id   INTEGER NOT NULL REFERENCES shifts (id),
	PRIMARY KEY (pattern_id, week, weekday)
) WITHOUT ROWID;
CREATE INDEX shift_pattern_days_shift ON shift_pattern_days (shift_id);

CREATE TABLE roster_overrides (
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	date        TEXT NOT NULL,
	shift_id    INTEGER REFERENCES shifts (id), -- NULL: a day off
	note        TEXT NOT NULL DEFAULT '',
	set_by      INTEGER NOT NULL REFERENCES employees (id),
	updated_at  INTEGER NOT NULL,
	PRIMARY KEY (employee_id, date)
) WITHOUT ROWID;
CREATE INDEX roster_overrides_shift ON roster_overrides (shift_id);
CREATE INDEX roster_overrides_date ON roster_overrides (date);

-- One row: the company's working-time settings.
CREATE TABLE work_settings (
	id                   INTEGER PRIMARY KEY CHECK (id = 1),
	break_rule           TEXT NOT NULL DEFAULT '[]', -- JSON: [{"after_minutes", "break_minutes"}]
	review_after_minutes INTEGER NOT NULL DEFAULT 240,
	auto_close           INTEGER NOT NULL DEFAULT 0,
	updated_at           INTEGER
);
INSERT INTO work_settings (id) VALUES (1);

-- +goose Down
DROP TABLE work_settings;
DROP TABLE roster_overrides;
DROP TABLE shift_pattern_days;
DROP TABLE shift_patterns;
DROP TABLE shifts;
