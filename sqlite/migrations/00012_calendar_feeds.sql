-- Calendar feeds (docs/approvals.md "Calendar feeds"): a user's private
-- iCalendar URLs. The URL's token is an HMAC-signed reference to the row
-- (attendance.FeedRef.Token); the row keeps only the token's SHA-256, so a
-- copy of the database opens no feed. Revoking sets revoked_at; one live
-- feed per user and kind.

-- +goose Up
CREATE TABLE calendar_feeds (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	employee_id     INTEGER NOT NULL REFERENCES employees (id),
	kind            TEXT NOT NULL CHECK (kind IN ('own', 'team')),
	token_hash      TEXT NOT NULL DEFAULT '', -- hex SHA-256 of the URL's token, checked after the id it names
	created_at      INTEGER NOT NULL,
	revoked_at      INTEGER,
	last_fetched_at INTEGER
);
CREATE UNIQUE INDEX calendar_feeds_live ON calendar_feeds (employee_id, kind) WHERE revoked_at IS NULL;

-- +goose Down
DROP TABLE calendar_feeds;
