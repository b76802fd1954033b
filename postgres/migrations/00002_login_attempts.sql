-- Login attempts replace login failures: an attempt is recorded before its
-- password is checked (so that attempts made at the same moment, on any
-- replica, count against each other) and marked failed if the password was
-- wrong. Attempts still being checked make others wait; only failed ones
-- refuse a login.

-- +goose Up
DROP TABLE login_failures;
CREATE TABLE login_attempts (
	id     BIGSERIAL PRIMARY KEY,
	key    TEXT NOT NULL, -- username and client address
	at     TIMESTAMPTZ NOT NULL,
	failed BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- +goose Down
DROP TABLE login_attempts;
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
