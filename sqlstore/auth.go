package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

func (db *DB) credentials(ctx context.Context, cond string, arg any) (*attendance.Credentials, error) {
	var c attendance.Credentials
	e, err := scanEmployee(db.reader().queryRow(ctx, `SELECT `+employeeCols+`, e.password_hash FROM employees e WHERE `+cond, arg), &c.PasswordHash)
	if err != nil {
		return nil, db.notFound(err, "employee")
	}
	c.Employee = e
	return &c, nil
}

// FindCredentials looks up an employee and their hash by username: by its
// key (attendance.NormalizeUsername), or, for a user whose name became one
// with another's when keys changed (migration 00004), by the key they kept.
func (db *DB) FindCredentials(ctx context.Context, username string) (*attendance.Credentials, error) {
	key := attendance.NormalizeUsername(username)
	if legacy := attendance.LegacyUsernameKey(username); legacy != key {
		c, err := db.credentials(ctx, "e.username_key = ?", legacy)
		switch {
		case err == nil && attendance.NormalizeUsername(c.Employee.Username) == key:
			return c, nil
		case err != nil && attendance.ErrorKind(err) != attendance.KindNotFound:
			return nil, err
		}
	}
	return db.credentials(ctx, "e.username_key = ?", key)
}

// FindCredentialsByID looks up an employee and their hash by id.
func (db *DB) FindCredentialsByID(ctx context.Context, id int64) (*attendance.Credentials, error) {
	return db.credentials(ctx, "e.id = ?", id)
}

// CreateSession stores a new login session.
func (db *DB) CreateSession(ctx context.Context, s *attendance.Session, verifiedHash string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		// Under the employee's lock, which a reset, a change and a deactivation
		// hold while they revoke the sessions: this one is either revoked by
		// them or not created.
		var hash string
		var active bool
		if err := tx.queryRow(ctx, `SELECT password_hash, active FROM employees WHERE id = ?`+db.d.ForUpdate, s.EmployeeID).Scan(&hash, &active); err != nil {
			return db.internal("create session", err)
		}
		if hash != verifiedHash || !active {
			return attendance.ErrInvalidCredentials()
		}
		_, err := tx.exec(ctx, `INSERT INTO sessions (id, employee_id, refresh_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			s.ID, s.EmployeeID, s.RefreshID, db.t(s.CreatedAt), db.t(s.ExpiresAt))
		return db.internal("create session", err)
	})
}

var errReused = attendance.ErrUnauthorized("the refresh token was already used; the session is revoked")

// RotateRefresh rotates a session's refresh token. Presenting a refresh token
// that was already rotated away is a sign of theft: the whole session is revoked.
func (db *DB) RotateRefresh(ctx context.Context, sessionID, oldID, newID string, now, expires time.Time) (*attendance.Employee, error) {
	var e *attendance.Employee
	err := db.inTx(ctx, func(tx *Tx) error {
		var refreshID string
		var employeeID int64
		var revoked *time.Time
		var exp time.Time
		err := tx.queryRow(ctx, `SELECT refresh_id, employee_id, revoked_at, expires_at FROM sessions WHERE id = ?`+db.d.ForUpdate, sessionID).
			Scan(&refreshID, &employeeID, nullTimeCol{&revoked}, timeCol{&exp})
		if errors.Is(err, sql.ErrNoRows) {
			return attendance.ErrUnauthorized("the refresh token is not valid")
		} else if err != nil {
			return db.internal("rotate", err)
		}
		if revoked != nil || !exp.After(now) {
			return attendance.ErrUnauthorized("the session has ended; sign in again")
		}
		if refreshID != oldID {
			if err := db.revoke(ctx, tx, `id = ?`, []any{sessionID}, now); err != nil {
				return err
			}
			return commitThen{errReused} // keep the revocation, refuse the token
		}
		if e, err = db.employee(ctx, tx, employeeID, false); err != nil {
			return err
		}
		if !e.Active {
			return attendance.ErrUnauthorized("the account is deactivated")
		}
		_, err = tx.exec(ctx, `UPDATE sessions SET refresh_id = ?, expires_at = ? WHERE id = ?`, newID, db.t(expires), sessionID)
		return db.internal("rotate", err)
	})
	return e, err
}

// SessionActor returns the actor of a live session.
func (db *DB) SessionActor(ctx context.Context, sessionID string, now time.Time) (attendance.Actor, error) {
	a := attendance.Actor{SessionID: sessionID}
	err := db.reader().queryRow(ctx, `SELECT e.id, e.role FROM sessions s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND e.active`, sessionID, db.t(now)).Scan(&a.ID, &a.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return a, attendance.ErrUnauthorized("the token was revoked or has expired")
	}
	return a, db.internal("session", err)
}

// RevokeSession revokes one session.
func (db *DB) RevokeSession(ctx context.Context, sessionID string, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		return db.revoke(ctx, tx, `id = ?`, []any{sessionID}, now)
	})
}

// SetPassword stores a new hash and revokes the employee's other sessions.
func (db *DB) SetPassword(ctx context.Context, employeeID int64, hash, verifiedHash, keepSession string, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var current string
		if err := tx.queryRow(ctx, `SELECT password_hash FROM employees WHERE id = ?`+db.d.ForUpdate, employeeID).Scan(&current); err != nil {
			return db.internal("set password", err)
		}
		if current != verifiedHash {
			return attendance.InvalidField("body.old_password", "is no longer your current password: it was just changed or reset")
		}
		if _, err := tx.exec(ctx, `UPDATE employees SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, db.t(now), employeeID); err != nil {
			return db.internal("set password", err)
		}
		return db.revokeAll(ctx, tx, employeeID, keepSession, now)
	})
}

// revokeAll revokes every live session of an employee except keep.
func (db *DB) revokeAll(ctx context.Context, tx *Tx, employeeID int64, keep string, now time.Time) error {
	return db.revoke(ctx, tx, `employee_id = ? AND id <> ?`, []any{employeeID, keep}, now)
}

// revoke revokes the live sessions matching cond and tells live streams to
// close the sockets opened with them.
func (db *DB) revoke(ctx context.Context, tx *Tx, cond string, args []any, now time.Time) error {
	rows, err := tx.query(ctx, `SELECT id FROM sessions WHERE revoked_at IS NULL AND `+cond, args...)
	if err != nil {
		return db.internal("revoke", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return db.internal("revoke", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.internal("revoke", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND `+cond, append([]any{db.t(now)}, args...)...); err != nil {
		return db.internal("revoke", err)
	}
	for _, id := range ids {
		tx.emit(attendance.Message{ID: "session_revoked:" + id, Type: attendance.MessageSessionRevoked, OccurredAt: now, SessionID: id})
	}
	return nil
}

// loginCheckTimeout bounds how long an attempt counts as being checked: a
// hash waits at most 10 s for a slot and takes a fraction of a second, so an
// older unjudged attempt was left by a process that stopped.
const loginCheckTimeout = time.Minute

// BeginLoginAttempt records an attempt of key at at, unless MaxLoginFailures
// attempts failed since since (the caller is refused) or failures and attempts
// still being checked reach that number together (the caller waits and asks
// again). It returns the new attempt's id (0 when none was recorded), the
// failures since since and the oldest of them.
func (db *DB) BeginLoginAttempt(ctx context.Context, key string, at, since time.Time) (int64, int, time.Time, error) {
	var id int64
	var failures, checking int
	var oldest *time.Time
	err := db.inTx(ctx, func(tx *Tx) error {
		if err := db.lock(ctx, tx, lockKey("login", key)); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN failed THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN NOT failed AND at > ? THEN 1 ELSE 0 END), 0),
				MIN(CASE WHEN failed THEN at END)
			FROM login_attempts WHERE key = ? AND at > ?`, db.t(at.Add(-loginCheckTimeout)), key, db.t(since)).
			Scan(&failures, &checking, nullTimeCol{&oldest}); err != nil {
			return db.internal("login attempts", err)
		}
		if !attendance.MayCheckLoginAttempt(failures, checking) {
			return nil
		}
		var err error
		id, err = tx.insertID(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, key, db.t(at))
		return db.internal("login attempt", err)
	})
	if err != nil || oldest == nil {
		return id, failures, time.Time{}, err
	}
	return id, failures, *oldest, nil
}

// FailLoginAttempt marks an attempt failed: the password was wrong.
func (db *DB) FailLoginAttempt(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE login_attempts SET failed = ? WHERE id = ?`, true, id)
		return db.internal("login attempt", err)
	})
}

// ForgetLoginAttempt removes an attempt that could not be judged.
func (db *DB) ForgetLoginAttempt(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE id = ?`, id)
		return db.internal("login attempt", err)
	})
}

// ClearLoginFailures forgets the failures of key and the attempt that
// succeeded, after a success; attempts still being checked stay counted.
func (db *DB) ClearLoginFailures(ctx context.Context, key string, attempt int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE key = ? AND (failed OR id = ?)`, key, attempt)
		return db.internal("login attempts", err)
	})
}

// Setting returns a stored setting, creating it on first use. When replicas
// race to create it, all of them get the value that was stored first.
func (db *DB) Setting(ctx context.Context, name string, create func() (string, error)) (string, error) {
	var v string
	err := db.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", db.internal("setting", err)
	}
	nv, err := create()
	if err != nil {
		return "", err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, nv); err != nil {
			return db.internal("setting", err)
		}
		return tx.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	})
	return v, db.internal("setting", err)
}

// CountEmployees returns how many employees exist, active or not.
func (db *DB) CountEmployees(ctx context.Context) (int, error) {
	var n int
	err := db.reader().queryRow(ctx, `SELECT COUNT(*) FROM employees`).Scan(&n)
	return n, db.internal("count employees", err)
}

// Bootstrap creates the first admin when the database has no user at all,
// and reports whether it did. Concurrent replicas create one admin between them.
func (db *DB) Bootstrap(ctx context.Context, username, passwordHash string) (bool, error) {
	created := false
	err := db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM employees`).Scan(&n); err != nil {
			return db.internal("bootstrap", err)
		}
		if n > 0 {
			return nil
		}
		e := attendance.NewEmployee(db.cfg.CompanyTimezone, db.now())
		e.Username, e.Role = username, attendance.RoleAdmin
		_, err := tx.exec(ctx, `INSERT INTO employees (username, username_key, password_hash, role, timezone, work_start, work_end,
			work_days, late_grace_minutes, annual_leave_days, hired_on, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.Username, attendance.NormalizeUsername(e.Username), passwordHash, string(e.Role), e.Timezone, int(e.WorkStart), int(e.WorkEnd),
			int(e.WorkDays), e.LateGraceMinutes, e.AnnualLeaveDays, e.HiredOn.String(), true, db.t(e.CreatedAt), db.t(e.UpdatedAt))
		if err != nil {
			return db.internal("bootstrap", err)
		}
		created = true
		return nil
	})
	if err != nil && db.d.IsUniqueViolation(err) {
		return false, nil // another replica created the admin first
	}
	return created, err
}
