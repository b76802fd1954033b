// Package rekey is migration 00004 of both databases: it stores every
// username under its RFC 8265 key (attendance.NormalizeUsername) instead of
// its lower case, and reports the users whose names thereby became one name,
// without failing and without deciding for the admins which of them keeps it.
package rekey

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// Dialect is what differs between the databases here.
type Dialect struct {
	// Param is the placeholder of the n-th parameter (from 1).
	Param func(n int) string
	// Time encodes an instant for a column.
	Time func(time.Time) any
}

// Up recomputes the stored keys in tx. Each collision is logged, and told to
// every active admin as a notification (kind username_collision), which the
// web app's notification list and GET /api/notifications/ show.
func Up(ctx context.Context, tx *sql.Tx, logger *slog.Logger, d Dialect, now time.Time) error {
	users, err := readUsers(ctx, tx)
	if err != nil {
		return err
	}
	keys, collisions := attendance.RekeyUsernames(users)
	var changed []attendance.StoredUsername
	for _, u := range users {
		if k := keys[u.ID]; k != u.Key {
			changed = append(changed, attendance.StoredUsername{ID: u.ID, Username: u.Username, Key: k})
		}
	}
	// In two steps, so that no key is briefly held twice: first a key no
	// name has, then the new one.
	update := "UPDATE employees SET username_key = " + d.Param(1) + " WHERE id = " + d.Param(2)
	for _, u := range changed {
		if _, err := tx.ExecContext(ctx, update, "rekey:"+strconv.FormatInt(u.ID, 10), u.ID); err != nil {
			return fmt.Errorf("rekey usernames: %w", err)
		}
	}
	for _, u := range changed {
		if _, err := tx.ExecContext(ctx, update, u.Key, u.ID); err != nil {
			return fmt.Errorf("rekey usernames: %w", err)
		}
	}
	logger.Info("usernames stored under their RFC 8265 keys", "users", len(users), "changed", len(changed), "collisions", len(collisions))
	if len(collisions) == 0 {
		return nil
	}
	admins, err := activeAdmins(ctx, tx)
	if err != nil {
		return err
	}
	insert := "INSERT INTO notifications (recipient_id, kind, employee_id, message, data, cause, created_at) VALUES (" +
		d.Param(1) + ", " + d.Param(2) + ", " + d.Param(3) + ", " + d.Param(4) + ", " + d.Param(5) + ", " + d.Param(6) + ", " + d.Param(7) + ")"
	for _, c := range collisions {
		log(logger, c)
		for _, n := range c.Notifications(admins) {
			if _, err := tx.ExecContext(ctx, insert, n.RecipientID, string(n.Kind), n.EmployeeID, n.Message, string(n.Data), n.Cause, d.Time(now)); err != nil {
				return fmt.Errorf("rekey usernames: notify: %w", err)
			}
		}
	}
	return nil
}

// Report logs the collisions that no admin has resolved yet: at every start,
// until each is.
func Report(ctx context.Context, db *sql.DB, logger *slog.Logger) error {
	users, err := readUsers(ctx, db)
	if err != nil {
		return err
	}
	_, collisions := attendance.RekeyUsernames(users)
	for _, c := range collisions {
		log(logger, c)
	}
	return nil
}

func log(logger *slog.Logger, c attendance.UsernameCollision) {
	ids := []int64{c.Holder.ID}
	for _, u := range c.Others {
		ids = append(ids, u.ID)
	}
	logger.Warn("usernames collide: an admin must rename all but one", "key", c.Key, "employee_ids", ids, "detail", c.Message())
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readUsers(ctx context.Context, q querier) ([]attendance.StoredUsername, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, username, username_key FROM employees ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("rekey usernames: %w", err)
	}
	defer rows.Close()
	var users []attendance.StoredUsername
	for rows.Next() {
		var u attendance.StoredUsername
		if err := rows.Scan(&u.ID, &u.Username, &u.Key); err != nil {
			return nil, fmt.Errorf("rekey usernames: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

func activeAdmins(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id FROM employees WHERE role = 'admin' AND active = TRUE ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("rekey usernames: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
