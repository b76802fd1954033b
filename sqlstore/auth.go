package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

// AuthStore keeps credentials, sessions, login attempts and settings
// (attendance.AuthStore).
type AuthStore struct{ db *DB }

var _ attendance.AuthStore = (*AuthStore)(nil)

// NewAuthStore returns the auth store of db.
func NewAuthStore(db *DB) *AuthStore { return &AuthStore{db: db} }

// FindCredentials looks up an employee and their hash by username: by its
// key (attendance.NormalizeUsername), or, for a user whose name became one
// with another's when keys changed (migration 00004), by the key they kept.
func (s *AuthStore) FindCredentials(ctx context.Context, username string) (_ *attendance.Credentials, err error) {
	defer wrap(&err, "FindCredentials(%q)", username)
	key := attendance.NormalizeUsername(username)
	if legacy := attendance.LegacyUsernameKey(username); legacy != key {
		c, err := s.credentials(ctx, "e.username_key = ?", legacy)
		switch {
		case err == nil && attendance.NormalizeUsername(c.Employee.Username) == key:
			return c, nil
		case err != nil && attendance.ErrorKind(err) != attendance.KindNotFound:
			return nil, err
		}
	}
	return s.credentials(ctx, "e.username_key = ?", key)
}

// FindCredentialsByID looks up an employee and their hash by id.
func (s *AuthStore) FindCredentialsByID(ctx context.Context, id int64) (_ *attendance.Credentials, err error) {
	defer wrap(&err, "FindCredentialsByID(%d)", id)
	return s.credentials(ctx, "e.id = ?", id)
}

// CreateSession stores a new login session.
func (s *AuthStore) CreateSession(ctx context.Context, sess *attendance.Session, verifiedHash string) (err error) {
	defer wrap(&err, "CreateSession(employee %d)", sess.EmployeeID)
	return s.db.inTx(ctx, func(tx *Tx) error {
		// Under the employee's lock, which a reset, a change and a deactivation
		// hold while they revoke the sessions: this one is either revoked by
		// them or not created.
		var hash string
		var active bool
		if err := tx.queryRow(ctx, `SELECT password_hash, active FROM employees WHERE id = ?`+s.db.d.ForUpdate, sess.EmployeeID).Scan(&hash, &active); err != nil {
			return err
		}
		if hash != verifiedHash || !active {
			return attendance.ErrInvalidCredentials()
		}
		_, err := tx.exec(ctx, `INSERT INTO sessions (id, employee_id, refresh_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			sess.ID, sess.EmployeeID, sess.RefreshID, s.db.t(sess.CreatedAt), s.db.t(sess.ExpiresAt))
		return err
	})
}

// RotateRefresh rotates a session's refresh token. Presenting a refresh token
// that was already rotated away is a sign of theft: the whole session is revoked.
func (s *AuthStore) RotateRefresh(ctx context.Context, sessionID, oldID, newID string, now, expires time.Time) (_ *attendance.Employee, err error) {
	defer wrap(&err, "RotateRefresh()")
	var e *attendance.Employee
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var refreshID string
		var employeeID int64
		var revoked *time.Time
		var exp time.Time
		err := tx.queryRow(ctx, `SELECT refresh_id, employee_id, revoked_at, expires_at FROM sessions WHERE id = ?`+s.db.d.ForUpdate, sessionID).
			Scan(&refreshID, &employeeID, nullTimeCol{&revoked}, timeCol{&exp})
		if errors.Is(err, sql.ErrNoRows) {
			return attendance.ErrUnauthorized("the refresh token is not valid")
		} else if err != nil {
			return err
		}
		if revoked != nil || !exp.After(now) {
			return attendance.ErrUnauthorized("the session has ended; sign in again")
		}
		if refreshID != oldID {
			if err := s.db.revoke(ctx, tx, `id = ?`, []any{sessionID}, now); err != nil {
				return err
			}
			return commitThen{errReused} // keep the revocation, refuse the token
		}
		if e, err = s.db.employee(ctx, tx, employeeID, false); err != nil {
			return err
		}
		if !e.Active {
			return attendance.ErrUnauthorized("the account is deactivated")
		}
		_, err = tx.exec(ctx, `UPDATE sessions SET refresh_id = ?, expires_at = ? WHERE id = ?`, newID, s.db.t(expires), sessionID)
		return err
	})
	return e, err
}

var errReused = attendance.ErrUnauthorized("the refresh token was already used; the session is revoked")

// SessionActor returns the actor of a live session.
func (s *AuthStore) SessionActor(ctx context.Context, sessionID string, now time.Time) (_ attendance.Actor, err error) {
	defer wrap(&err, "SessionActor()")
	a := attendance.Actor{SessionID: sessionID}
	err = s.db.reader().queryRow(ctx, `SELECT e.id, e.role FROM sessions s JOIN employees e ON e.id = s.employee_id
		WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND e.active`, sessionID, s.db.t(now)).Scan(&a.ID, &a.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return a, attendance.ErrUnauthorized("the token was revoked or has expired")
	}
	return a, err
}

// RevokeSession revokes one session.
func (s *AuthStore) RevokeSession(ctx context.Context, sessionID string, now time.Time) (err error) {
	defer wrap(&err, "RevokeSession()")
	return s.db.inTx(ctx, func(tx *Tx) error {
		return s.db.revoke(ctx, tx, `id = ?`, []any{sessionID}, now)
	})
}

// SetPassword stores a new hash and revokes the employee's other sessions.
func (s *AuthStore) SetPassword(ctx context.Context, employeeID int64, hash, verifiedHash, keepSession string, now time.Time) (err error) {
	defer wrap(&err, "SetPassword(employee %d)", employeeID)
	return s.db.inTx(ctx, func(tx *Tx) error {
		var current string
		if err := tx.queryRow(ctx, `SELECT password_hash FROM employees WHERE id = ?`+s.db.d.ForUpdate, employeeID).Scan(&current); err != nil {
			return err
		}
		if current != verifiedHash {
			return attendance.InvalidField("body.old_password", "is no longer your current password: it was just changed or reset")
		}
		if _, err := tx.exec(ctx, `UPDATE employees SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, s.db.t(now), employeeID); err != nil {
			return err
		}
		return s.db.revokeAll(ctx, tx, employeeID, keepSession, now)
	})
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
func (s *AuthStore) BeginLoginAttempt(ctx context.Context, key string, at, since time.Time) (_ int64, _ int, _ time.Time, err error) {
	defer wrap(&err, "BeginLoginAttempt()")
	var id int64
	var failures, checking int
	var oldest *time.Time
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lock(ctx, tx, lockKey("login", key)); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN failed THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN NOT failed AND at > ? THEN 1 ELSE 0 END), 0),
				MIN(CASE WHEN failed THEN at END)
			FROM login_attempts WHERE key = ? AND at > ?`, s.db.t(at.Add(-loginCheckTimeout)), key, s.db.t(since)).
			Scan(&failures, &checking, nullTimeCol{&oldest}); err != nil {
			return err
		}
		if !attendance.MayCheckLoginAttempt(failures, checking) {
			return nil
		}
		var err error
		id, err = tx.insertID(ctx, `INSERT INTO login_attempts (key, at) VALUES (?, ?)`, key, s.db.t(at))
		return err
	})
	if err != nil || oldest == nil {
		return id, failures, time.Time{}, err
	}
	return id, failures, *oldest, nil
}

// FailLoginAttempt marks an attempt failed: the password was wrong.
func (s *AuthStore) FailLoginAttempt(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "FailLoginAttempt(%d)", id)
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE login_attempts SET failed = ? WHERE id = ?`, true, id)
		return err
	})
}

// ForgetLoginAttempt removes an attempt that could not be judged.
func (s *AuthStore) ForgetLoginAttempt(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "ForgetLoginAttempt(%d)", id)
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE id = ?`, id)
		return err
	})
}

// ClearLoginFailures forgets the failures of key and the attempt that
// succeeded, after a success; attempts still being checked stay counted.
func (s *AuthStore) ClearLoginFailures(ctx context.Context, key string, attempt int64) (err error) {
	defer wrap(&err, "ClearLoginFailures(%d)", attempt)
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM login_attempts WHERE key = ? AND (failed OR id = ?)`, key, attempt)
		return err
	})
}

// Setting returns a stored setting, creating it on first use. When replicas
// race to create it, all of them get the value that was stored first.
func (s *AuthStore) Setting(ctx context.Context, name string, create func() (string, error)) (_ string, err error) {
	defer wrap(&err, "Setting(%q)", name)
	var v string
	err = s.db.reader().queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	nv, err := create()
	if err != nil {
		return "", err
	}
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, nv); err != nil {
			return err
		}
		return tx.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	})
	return v, err
}

// credentials reads an employee and their hash, by the condition cond on
// employees e.
func (s *AuthStore) credentials(ctx context.Context, cond string, arg any) (*attendance.Credentials, error) {
	var c attendance.Credentials
	e, err := scanEmployee(s.db.reader().queryRow(ctx, `SELECT `+employeeCols+`, e.password_hash FROM employees e WHERE `+cond, arg), &c.PasswordHash)
	if err != nil {
		return nil, notFound(err, "employee")
	}
	c.Employee = e
	return &c, nil
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
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND `+cond, append([]any{db.t(now)}, args...)...); err != nil {
		return err
	}
	for _, id := range ids {
		tx.emit(attendance.Message{ID: "session_revoked:" + id, Type: attendance.MessageSessionRevoked, OccurredAt: now, SessionID: id})
	}
	return nil
}
