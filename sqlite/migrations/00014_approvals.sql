-- Approval chains (docs/approvals.md): versioned policies per leave type,
-- approver groups, each request's frozen chain and its steps, delegations.
-- Today's requests get their chain in migration 00015.

-- +goose Up
CREATE TABLE approval_policies (
	leave_type TEXT NOT NULL,
	version    INTEGER NOT NULL,
	tiers      TEXT NOT NULL, -- JSON; '[]' for a reset to the default policy
	updated_by INTEGER REFERENCES employees (id),
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (leave_type, version)
);

CREATE TABLE approver_groups (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE approver_group_members (
	group_id    INTEGER NOT NULL REFERENCES approver_groups (id) ON DELETE CASCADE,
	employee_id INTEGER NOT NULL REFERENCES employees (id),
	PRIMARY KEY (group_id, employee_id)
);

ALTER TABLE leave_requests ADD COLUMN chain_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leave_requests ADD COLUMN chain_over_num INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leave_requests ADD COLUMN chain_over_den INTEGER NOT NULL DEFAULT 1;
ALTER TABLE leave_requests ADD COLUMN chain_decide_once INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leave_requests ADD COLUMN decided_for INTEGER REFERENCES employees (id);
ALTER TABLE leave_requests ADD COLUMN decided_as TEXT;

CREATE TABLE leave_request_steps (
	request_id    INTEGER NOT NULL REFERENCES leave_requests (id),
	step          INTEGER NOT NULL,
	approver      TEXT NOT NULL CHECK (approver IN ('manager', 'group')),
	level         INTEGER NOT NULL DEFAULT 0,
	group_code    TEXT NOT NULL DEFAULT '',
	label         TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('waiting', 'pending', 'approved', 'rejected', 'skipped')),
	pending_since INTEGER,
	decided_by    INTEGER REFERENCES employees (id),
	decided_for   INTEGER REFERENCES employees (id),
	decided_as    TEXT NOT NULL DEFAULT '',
	decided_at    INTEGER,
	comment       TEXT NOT NULL DEFAULT '',
	escalated_at  INTEGER,
	PRIMARY KEY (request_id, step)
);
CREATE INDEX leave_request_steps_escalation ON leave_request_steps (status, escalated_at);
CREATE INDEX leave_request_steps_group ON leave_request_steps (group_code) WHERE status = 'pending';

CREATE TABLE delegations (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	principal_id INTEGER NOT NULL REFERENCES employees (id),
	delegate_id  INTEGER NOT NULL REFERENCES employees (id),
	from_date    TEXT NOT NULL,
	to_date      TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	created_by   INTEGER NOT NULL REFERENCES employees (id),
	created_at   INTEGER NOT NULL
);
CREATE INDEX delegations_principal ON delegations (principal_id, to_date);
CREATE INDEX delegations_delegate ON delegations (delegate_id, to_date);

-- +goose Down
DROP TABLE delegations;
DROP TABLE leave_request_steps;
ALTER TABLE leave_requests DROP COLUMN decided_as;
ALTER TABLE leave_requests DROP COLUMN decided_for;
ALTER TABLE leave_requests DROP COLUMN chain_decide_once;
ALTER TABLE leave_requests DROP COLUMN chain_over_den;
ALTER TABLE leave_requests DROP COLUMN chain_over_num;
ALTER TABLE leave_requests DROP COLUMN chain_version;
DROP TABLE approver_group_members;
DROP TABLE approver_groups;
DROP TABLE approval_policies;
