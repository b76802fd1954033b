-- E-mail (docs/approvals.md "E-mail"): each user's choice per notification
-- kind (a row only where they chose; WantsEmail gives the default), and the
-- outbox: one row per notification sent by e-mail (or test e-mail), written
-- in the notification's transaction and sent by a job.

-- +goose Up
CREATE TABLE notification_email_prefs (
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	kind        TEXT NOT NULL,
	email       INTEGER NOT NULL,
	PRIMARY KEY (employee_id, kind)
) WITHOUT ROWID;

CREATE TABLE mail_outbox (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	notification_id  INTEGER UNIQUE REFERENCES notifications (id), -- NULL for a test e-mail
	recipient_id     INTEGER NOT NULL REFERENCES employees (id),
	kind             TEXT NOT NULL,
	address          TEXT NOT NULL,
	recipient_name   TEXT NOT NULL,
	subject          TEXT NOT NULL,
	body             TEXT NOT NULL, -- decision links as placeholders, filled when sent
	message_id       TEXT NOT NULL,
	decision_link_id INTEGER,
	status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'uncertain')),
	attempts         INTEGER NOT NULL DEFAULT 0,
	queued_at        INTEGER NOT NULL,
	next_attempt_at  INTEGER,
	claimed_at       INTEGER,
	sent_at          INTEGER,
	last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_queued ON mail_outbox (queued_at);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE notification_email_prefs;
