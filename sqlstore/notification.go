package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/openattendance/attendance"
)

// NotificationService reads and marks the notifications that writes of the
// other services store (attendance.NotificationService).
type NotificationService struct{ db *DB }

var _ attendance.NotificationService = (*NotificationService)(nil)

// NewNotificationService returns the notification service of db.
func NewNotificationService(db *DB) *NotificationService { return &NotificationService{db: db} }

// ListNotifications lists the actor's notifications, newest first.
func (s *NotificationService) ListNotifications(ctx context.Context, a attendance.Actor, unreadOnly bool, p attendance.Page) (_ []*attendance.Notification, _ int, err error) {
	defer wrap(&err, "ListNotifications(actor %d)", a.ID)
	cond := `n.recipient_id = ?`
	if unreadOnly {
		cond += ` AND n.read_at IS NULL`
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM notifications n WHERE `+cond, a.ID).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	list, err := s.notifications(ctx, `SELECT `+notificationCols+` FROM notifications n WHERE `+cond+` ORDER BY n.id DESC LIMIT ? OFFSET ?`, a.ID, limit, offset)
	return list, count, err
}

// NotificationsAfter returns the actor's notifications after afterID, oldest first.
func (s *NotificationService) NotificationsAfter(ctx context.Context, a attendance.Actor, afterID int64, limit int) (_ []*attendance.Notification, err error) {
	defer wrap(&err, "NotificationsAfter(actor %d, %d)", a.ID, afterID)
	return s.notifications(ctx, `SELECT `+notificationCols+` FROM notifications n WHERE n.recipient_id = ? AND n.id > ? ORDER BY n.id LIMIT ?`, a.ID, afterID, limit)
}

// LastNotificationID returns the id of the actor's newest notification, 0 if none.
func (s *NotificationService) LastNotificationID(ctx context.Context, a attendance.Actor) (_ int64, err error) {
	defer wrap(&err, "LastNotificationID(actor %d)", a.ID)
	var id int64
	err = s.db.reader().queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM notifications WHERE recipient_id = ?`, a.ID).Scan(&id)
	return id, err
}

// MarkRead marks one of the actor's notifications read.
func (s *NotificationService) MarkRead(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "MarkRead(actor %d, %d)", a.ID, id)
	return s.db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE id = ? AND recipient_id = ?`, id, a.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return attendance.ErrNotFound("notification")
		}
		_, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL`, s.db.t(s.db.now()), id)
		return err
	})
}

// MarkAllRead marks all the actor's notifications read.
func (s *NotificationService) MarkAllRead(ctx context.Context, a attendance.Actor) (err error) {
	defer wrap(&err, "MarkAllRead(actor %d)", a.ID)
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL`, s.db.t(s.db.now()), a.ID)
		return err
	})
}

// notifications reads the notifications a query selects (notificationCols).
func (s *NotificationService) notifications(ctx context.Context, query string, args ...any) ([]*attendance.Notification, error) {
	rows, err := s.db.reader().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*attendance.Notification{}
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// notify stores notifications, skipping any whose cause already notified its
// recipient, and queues the stored ones for live delivery after the commit.
// On a pipeline the ids are not read: those of the notifications returned
// may be 0 (see queueNotifications).
func (db *DB) notify(ctx context.Context, tx *Tx, ns []attendance.Notification) ([]attendance.Notification, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	now := db.now()
	stored, err := db.storeNotifications(ctx, tx, ns, now)
	if err != nil {
		return nil, err
	}
	if stored, err = db.queueMail(ctx, tx, stored); err != nil {
		return nil, err
	}
	for _, n := range stored {
		tx.emit(attendance.NotificationMessage(n, now))
	}
	return stored, nil
}

// storeNotifications stores ns at now and returns the stored ones.
func (db *DB) storeNotifications(ctx context.Context, tx *Tx, ns []attendance.Notification, now time.Time) ([]attendance.Notification, error) {
	var ids map[notificationKey]int64
	if db.d.WritableCTEs && db.d.SerializeNotifications != "" {
		if tx.pipe != nil {
			return db.queueNotifications(ctx, tx, ns, now)
		}
		var err error
		if ids, err = db.insertNotifications(ctx, tx, ns, now); err != nil {
			return nil, err
		}
	} else if db.d.SerializeNotifications != "" {
		if _, err := tx.exec(ctx, db.d.SerializeNotifications); err != nil {
			return nil, err
		}
	}
	var stored []attendance.Notification
	for _, n := range ns {
		n.CreatedAt = now
		if ids != nil {
			k := notificationKey{n.RecipientID, n.Cause}
			if n.ID = ids[k]; n.ID == 0 {
				continue // this cause already notified this recipient
			}
			delete(ids, k) // a repeat in ns was skipped like a stored one
		} else {
			err := tx.queryRow(ctx, `INSERT INTO notifications (recipient_id, kind, employee_id, message, data, cause, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipient_id, cause) DO NOTHING RETURNING id`,
				n.RecipientID, string(n.Kind), n.EmployeeID, n.Message, string(n.Data), n.Cause, db.t(now)).Scan(&n.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // this cause already notified this recipient
			} else if err != nil {
				return nil, err
			}
		}
		stored = append(stored, n)
	}
	return stored, nil
}

// queueNotifications is storeNotifications on a pipeline: the insert, the
// same statement under the same lock as insertNotifications', is queued
// and goes with the COMMIT, its answer unread (the ids are read with the
// COMMIT, or after it: commitPipe). It returns the notifications with id 0 (a repeat in
// ns left out, as the insert skips it). One whose cause already notified
// its recipient is skipped by the insert as ever, but returned too: its
// message names it by its Ref (attendance.Message.NotificationIDPending),
// and whoever reads the id finds another instant than this write's and
// drops the message. With e-mail on, the read of each recipient's address
// reads the id as well (queueMail).
func (db *DB) queueNotifications(ctx context.Context, tx *Tx, ns []attendance.Notification, now time.Time) ([]attendance.Notification, error) {
	query, args := db.notificationsInsert(ns, now)
	if err := tx.later(ctx, query, args...); err != nil {
		return nil, err
	}
	var out []attendance.Notification
	seen := map[notificationKey]bool{}
	for _, n := range ns {
		k := notificationKey{n.RecipientID, n.Cause}
		if seen[k] {
			continue
		}
		seen[k] = true
		n.CreatedAt = now
		out = append(out, n)
	}
	return out, nil
}

// notificationKey is what makes a notification unique: one per recipient and cause.
type notificationKey struct {
	recipient int64
	cause     string
}

// insertNotifications stores ns in one statement that first takes the lock
// ordering notification ids (Dialect.SerializeNotifications), in their
// order, skipping those whose cause already notified their recipient, and
// returns the ids of the stored ones.
func (db *DB) insertNotifications(ctx context.Context, tx *Tx, ns []attendance.Notification, now time.Time) (map[notificationKey]int64, error) {
	query, args := db.notificationsInsert(ns, now)
	rows, err := tx.query(ctx, query+` RETURNING id, recipient_id, cause`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[notificationKey]int64{}
	for rows.Next() {
		var id int64
		var k notificationKey
		if err := rows.Scan(&id, &k.recipient, &k.cause); err != nil {
			return nil, err
		}
		ids[k] = id
	}
	return ids, rows.Err()
}

// notificationsInsert is the statement of insertNotifications, without its
// RETURNING.
func (db *DB) notificationsInsert(ns []attendance.Notification, now time.Time) (string, []any) {
	var values strings.Builder
	args := make([]any, 0, 7*len(ns))
	for i, n := range ns {
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString(`(` + strconv.Itoa(i) + `, CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT),
			CAST(? AS TEXT), CAST(? AS TIMESTAMPTZ))`)
		args = append(args, n.RecipientID, string(n.Kind), n.EmployeeID, n.Message, string(n.Data), n.Cause, db.t(now))
	}
	// The lock's row joins every row inserted: it is taken before any id is drawn.
	return `WITH serial AS (` + db.d.SerializeNotifications + `)
		INSERT INTO notifications (recipient_id, kind, employee_id, message, data, cause, created_at)
		SELECT v.recipient_id, v.kind, v.employee_id, v.message, v.data, v.cause, v.created_at
		FROM serial, (VALUES ` + values.String() + `) v(ord, recipient_id, kind, employee_id, message, data, cause, created_at)
		ORDER BY v.ord
		ON CONFLICT (recipient_id, cause) DO NOTHING`, args
}

// NotificationIDs returns the id of the notification each ref names, 0
// where the write that made the ref stored none: a notification of its
// recipient and cause created at another instant came from an earlier
// write (the cause had notified already), and none at all was deleted
// since. One read. It is what a cluster's publish job reads for the
// notifications of a clock event, whose ids the write did not wait for
// (jobs.NotificationIDs).
func (s *NotificationService) NotificationIDs(ctx context.Context, refs []attendance.NotificationRef) (_ []int64, err error) {
	defer wrap(&err, "NotificationIDs(%d)", len(refs))
	if len(refs) == 0 {
		return []int64{}, nil
	}
	query, args := notificationIDsQuery(refs)
	rows, err := s.db.reader().query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return scanNotificationIDs(rows, refs)
}

// notificationIDsQuery reads the notifications of the recipients and
// causes of refs (scanNotificationIDs).
func notificationIDsQuery(refs []attendance.NotificationRef) (string, []any) {
	var cond strings.Builder
	args := make([]any, 0, 2*len(refs))
	for i, r := range refs {
		if i > 0 {
			cond.WriteString(" OR ")
		}
		cond.WriteString(`(recipient_id = ? AND cause = ?)`)
		args = append(args, r.RecipientID, r.Cause)
	}
	return `SELECT id, recipient_id, cause, created_at FROM notifications WHERE ` + cond.String(), args
}

// scanNotificationIDs reads the rows of notificationIDsQuery, and closes
// them: the id of each ref's notification, 0 for none of its instant.
func scanNotificationIDs(rows Rows, refs []attendance.NotificationRef) ([]int64, error) {
	defer rows.Close()
	ids := make([]int64, len(refs))
	for rows.Next() {
		var id int64
		var r attendance.NotificationRef
		if err := rows.Scan(&id, &r.RecipientID, &r.Cause, timeCol{&r.CreatedAt}); err != nil {
			return nil, err
		}
		for i, want := range refs {
			if want.RecipientID == r.RecipientID && want.Cause == r.Cause && want.CreatedAt.Equal(r.CreatedAt) {
				ids[i] = id
			}
		}
	}
	return ids, rows.Err()
}

// notificationCols are the columns of an attendance.Notification, of notifications n.
const notificationCols = `n.id, n.recipient_id, n.kind, n.employee_id, n.message, n.data, n.cause, n.created_at, n.read_at`

// scanNotification scans notificationCols.
func scanNotification(s scanner) (*attendance.Notification, error) {
	var n attendance.Notification
	var data string
	if err := s.Scan(&n.ID, &n.RecipientID, &n.Kind, &n.EmployeeID, &n.Message, &data, &n.Cause,
		timeCol{&n.CreatedAt}, nullTimeCol{&n.ReadAt}); err != nil {
		return nil, err
	}
	n.Data = []byte(data)
	return &n, nil
}
