-- Today's data into the ledger (docs/leave.md "Today's data"): every
-- approved request becomes its `taken` entry, in its year, dated its start,
-- recorded by its decider at the decision's time. Pending requests stay
-- reservations; rejected and cancelled ones leave nothing. Grants are not
-- written: each year reads its grant as due (the allowance, as before) until
-- a job or a write records it.

-- +goose Up
INSERT INTO leave_ledger (employee_id, leave_type, year, kind, date, num, den, period, note, leave_request_id, created_by, created_at)
SELECT employee_id, leave_type, EXTRACT(YEAR FROM start_date)::int, 'taken', start_date, -cost_num, cost_den, '',
	'Approved before the ledger (recorded by the migration).', id, decided_by, COALESCE(decided_at, created_at)
FROM leave_requests WHERE status = 'approved' ORDER BY COALESCE(decided_at, created_at), id;

-- +goose Down
ALTER TABLE leave_ledger DISABLE TRIGGER leave_ledger_no_delete;
DELETE FROM leave_ledger WHERE kind = 'taken' AND note = 'Approved before the ledger (recorded by the migration).';
ALTER TABLE leave_ledger ENABLE TRIGGER leave_ledger_no_delete;
