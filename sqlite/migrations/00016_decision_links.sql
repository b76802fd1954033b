-- One-click decisions (docs/approvals.md "One-click decisions"): the approve
-- and reject links of an approval e-mail, a row each, sharing the e-mail's
-- notification. A link's token is an HMAC-signed reference to its row
-- (attendance.DecisionLink.Token); the row keeps only the token's SHA-256,
-- so a copy of the database opens nothing. Using either link of an e-mail
-- sets used_at on both, in the decision's transaction.

-- +goose Up
CREATE TABLE decision_links (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	notification_id INTEGER NOT NULL, -- the e-mail's: its two links share it
	request_id      INTEGER NOT NULL REFERENCES leave_requests (id),
	step            INTEGER NOT NULL,
	approver_id     INTEGER NOT NULL REFERENCES employees (id),
	for_id          INTEGER REFERENCES employees (id), -- whom a delegate or substitute decides for
	action          TEXT NOT NULL CHECK (action IN ('approve', 'reject')),
	token_hash      TEXT NOT NULL DEFAULT '', -- hex SHA-256 of the token, checked after its signature
	expires_at      INTEGER NOT NULL,
	used_at         INTEGER
);
CREATE INDEX decision_links_notification ON decision_links (notification_id);
CREATE INDEX decision_links_expires ON decision_links (expires_at);

-- +goose Down
DROP TABLE decision_links;
