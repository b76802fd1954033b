-- The employee's lock and the facts of their clock event in one statement
-- (issue 21): clock_facts takes the employee's row lock (FOR NO KEY
-- UPDATE, which every change of their events holds), then returns the
-- row and, as one JSON document, every fact the rules of the event need
-- (sqlstore/clockfacts.go). A VOLATILE function's statements each take a
-- new snapshot under READ COMMITTED: the row and the facts are read after
-- the lock was granted, so they see a concurrent event of the same
-- employee that committed while this one waited, as the statement after
-- the lock did before. $1 is the employee, $2 the event to leave out, $3
-- the instant, $4 and $5 the first and last dates. No row: no employee.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION clock_facts(BIGINT, BIGINT, TIMESTAMPTZ, DATE, DATE)
RETURNS TABLE (emp employees, facts JSON) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
	PERFORM 1 FROM employees WHERE id = $1 FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT e, (
		WITH RECURSIVE up(id, role, active, manager_id, depth) AS (
			SELECT m.id, m.role, m.active, m.manager_id, 1 FROM employees e JOIN employees m ON m.id = e.manager_id WHERE e.id = $1
			UNION ALL
			SELECT m.id, m.role, m.active, m.manager_id, up.depth + 1 FROM up JOIN employees m ON m.id = up.manager_id
			WHERE up.depth < 64
		), ev AS (
			SELECT * FROM (SELECT 0 AS side, ev.* FROM attendance_events ev
				WHERE ev.employee_id = $1 AND NOT ev.voided AND ev.id <> $2 AND ev.ts <= $3
				ORDER BY ev.ts DESC, ev.id DESC LIMIT 1) p
			UNION ALL
			SELECT * FROM (SELECT 1 AS side, ev.* FROM attendance_events ev
				WHERE ev.employee_id = $1 AND NOT ev.voided AND ev.id <> $2 AND ev.ts > $3
				ORDER BY ev.ts, ev.id LIMIT 1) n
		)
		SELECT json_build_object(
			'prev', (SELECT json_build_object('id', id, 'employeeid', employee_id, 'type', type, 'ts', CAST(EXTRACT(EPOCH FROM ts) * 1000000 AS BIGINT),
			'late', late, 'lateminutes', late_minutes, 'source', source, 'recordedby', recorded_by, 'note', note, 'voided', voided,
			'voidedby', voided_by, 'voidedat', CAST(EXTRACT(EPOCH FROM voided_at) * 1000000 AS BIGINT), 'voidnote', void_note, 'workdate', work_date,
			'correctionrequestid', correction_request_id) FROM ev WHERE side = 0),
			'next', (SELECT json_build_object('id', id, 'employeeid', employee_id, 'type', type, 'ts', CAST(EXTRACT(EPOCH FROM ts) * 1000000 AS BIGINT),
			'late', late, 'lateminutes', late_minutes, 'source', source, 'recordedby', recorded_by, 'note', note, 'voided', voided,
			'voidedby', voided_by, 'voidedat', CAST(EXTRACT(EPOCH FROM voided_at) * 1000000 AS BIGINT), 'voidnote', void_note, 'workdate', work_date,
			'correctionrequestid', correction_request_id) FROM ev WHERE side = 1),
			'shifts', (SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'start', s.start_minute, 'end', s.end_minute,
				'grace', s.grace_minutes, 'break', s.break_minutes, 'active', s.active,
				'createdat', CAST(EXTRACT(EPOCH FROM s.created_at) * 1000000 AS BIGINT), 'updatedat', CAST(EXTRACT(EPOCH FROM s.updated_at) * 1000000 AS BIGINT))) FROM shifts s),
			'patterns', (SELECT json_agg(json_build_object('id', p.id, 'start', p.start_date, 'weeks', p.weeks, 'week', pd.week,
				'weekday', pd.weekday, 'shift', pd.shift_id) ORDER BY p.start_date, p.id)
				FROM shift_patterns p LEFT JOIN shift_pattern_days pd ON pd.pattern_id = p.id WHERE p.employee_id = $1),
			'overrides', (SELECT json_agg(json_build_object('date', o.date, 'shift', o.shift_id)) FROM roster_overrides o
				WHERE o.employee_id = $1 AND o.date >= $4 AND o.date <= $5),
			'holidays', (SELECT json_agg(json_build_object('date', h.date, 'name', h.name)) FROM holidays h
				WHERE h.date >= $4 AND h.date <= $5),
			'days', (SELECT json_agg(json_build_object('date', d.date, 'entries', d.entries, 'late', d.late, 'lateminutes', d.late_minutes,
				'workedseconds', d.worked_seconds, 'opensessions', d.open_sessions, 'breakseconds', d.break_seconds,
				'lastexit', CAST(EXTRACT(EPOCH FROM d.last_exit_at) * 1000000 AS BIGINT), 'opensince', CAST(EXTRACT(EPOCH FROM d.open_since) * 1000000 AS BIGINT))) FROM attendance_days d
				WHERE d.employee_id = $1 AND d.date >= $4 AND d.date <= $5),
			'leave', (SELECT json_agg(json_build_object('start', l.start_date, 'end', l.end_date,
				'startat', CAST(EXTRACT(EPOCH FROM l.start_at) * 1000000 AS BIGINT), 'endat', CAST(EXTRACT(EPOCH FROM l.end_at) * 1000000 AS BIGINT)) ORDER BY l.start_at) FROM leave_requests l
				WHERE l.employee_id = $1 AND l.status = 'approved' AND l.start_date <= $5 AND l.end_date >= $4),
			'chain', (SELECT json_agg(json_build_object('id', id, 'role', role, 'active', active) ORDER BY depth) FROM up),
			'admins', (SELECT json_agg(id ORDER BY id) FROM employees WHERE role = 'admin' AND active)
		)
	) FROM employees e WHERE e.id = $1;
END
$fn$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION clock_facts(BIGINT, BIGINT, TIMESTAMPTZ, DATE, DATE);
