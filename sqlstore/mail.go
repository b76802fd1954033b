package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openattendance/attendance"
)

// MailConfig turns e-mail on for the store (docs/approvals.md, "E-mail").
type MailConfig struct {
	// Settings are the SMTP settings; without a host nothing is queued.
	Settings attendance.MailSettings
	// Domain ends the Message-IDs: the installation's instance id.
	Domain string
	// Queue enqueues the job that sends outbox row id, in the transaction
	// that writes the row (a River insert; tx as Emitter.EmitTx's); nil
	// leaves the rows to the sweep.
	Queue func(ctx context.Context, tx any, id int64) error
	// LinkKey signs the approve and reject links of approval e-mails
	// (attendance.LinkKey(secret, PurposeDecision)); without it approval
	// e-mails go without links.
	LinkKey []byte
	// LinkTTL is how long the links work; 0 is DefaultDecisionLinkTTL.
	LinkTTL time.Duration
}

// SetMail sets the e-mail configuration; call it before the store is used.
func (db *DB) SetMail(c MailConfig) { db.mail = &c }

// mailOn reports whether notifications are queued as e-mail.
func (db *DB) mailOn() bool { return db.mail != nil && db.mail.Settings.Enabled() }

// The pages an e-mail links to: the web app's dashboard and settings.
func (db *DB) dashboardURL() string { return strings.TrimRight(db.mail.Settings.PublicURL, "/") + "/" }
func (db *DB) settingsURL() string {
	return strings.TrimRight(db.mail.Settings.PublicURL, "/") + "/#/settings"
}

// queueMail adds to the outbox, in the notifications' own transaction, an
// e-mail for each stored notification whose recipient is active, has an
// address and wants that kind by e-mail (attendance.WantsEmail), and
// returns the notifications stored. One whose id was not read (0, see
// queueNotifications) has it read with its recipient's address, inside
// the same statement; none there means the write stored none (its cause
// had notified already): it is left out, and gets no e-mail.
func (db *DB) queueMail(ctx context.Context, tx *Tx, stored []attendance.Notification) ([]attendance.Notification, error) {
	if !db.mailOn() {
		return stored, nil
	}
	kept := make([]attendance.Notification, 0, len(stored))
	for _, n := range stored {
		var address, first, last, username, timezone string
		var active bool
		var choice sql.NullBool
		var id sql.NullInt64
		query := `SELECT e.email, e.first_name, e.last_name, e.username, e.timezone, e.active, p.email%s
			FROM employees e LEFT JOIN notification_email_prefs p ON p.employee_id = e.id AND p.kind = ?
			WHERE e.id = ?`
		args := []any{string(n.Kind), n.RecipientID}
		dest := []any{&address, &first, &last, &username, &timezone, &active, &choice}
		if n.ID == 0 {
			query = fmt.Sprintf(query, `,
				(SELECT n.id FROM notifications n WHERE n.recipient_id = e.id AND n.cause = ? AND n.created_at = ?)`)
			args = append([]any{n.Cause, db.t(n.CreatedAt)}, args...)
			dest = append(dest, &id)
		} else {
			query = fmt.Sprintf(query, "")
		}
		if err := tx.queryRow(ctx, query, args...).Scan(dest...); err != nil {
			return nil, notFound(err, "employee")
		}
		if n.ID == 0 {
			if !id.Valid {
				continue // this cause already notified this recipient
			}
			n.ID = id.Int64
		}
		kept = append(kept, n)
		prefs := map[attendance.NotificationKind]bool{}
		if choice.Valid {
			prefs[n.Kind] = choice.Bool
		}
		if !active || address == "" || !attendance.WantsEmail(n.Kind, prefs) {
			continue
		}
		name := (&attendance.Employee{FirstName: first, LastName: last, Username: username}).Name()
		// An e-mail asking to decide a step carries its approve and reject
		// links (docs/approvals.md, "One-click decisions").
		var link *int64
		m := attendance.NotificationMail(n, address, name, db.dashboardURL(), db.settingsURL(), db.mail.Domain)
		if ask, ok := n.ApprovalAsk(); ok && len(db.mail.LinkKey) > 0 {
			am, id, err := db.approvalMail(ctx, tx, n, ask, address, name, timezone)
			if err != nil {
				return nil, err
			}
			m, link = am, &id
		}
		nid := n.ID
		if err := db.insertOutbox(ctx, tx, &nid, n.RecipientID, string(n.Kind), m, link); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// insertOutbox writes an outbox row, queued now, and enqueues its job.
func (db *DB) insertOutbox(ctx context.Context, tx *Tx, notificationID *int64, recipient int64, kind string, m attendance.Mail,
	decisionLink *int64) error {
	now := db.now()
	id, err := tx.insertID(ctx, `INSERT INTO mail_outbox (notification_id, recipient_id, kind, address, recipient_name, subject, body,
		message_id, decision_link_id, status, queued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
		notificationID, recipient, kind, m.To, m.ToName, m.Subject, m.Text, m.MessageID, decisionLink, db.t(now), db.t(now))
	if err != nil {
		return err
	}
	if db.mail.Queue != nil {
		driverTx, err := tx.driverTx(ctx)
		if err != nil {
			return err
		}
		return db.mail.Queue(ctx, driverTx, id)
	}
	return nil
}

// MailService keeps the users' e-mail choices and the outbox
// (attendance.MailService), and hands the outbox to the sending job.
type MailService struct{ db *DB }

var _ attendance.MailService = (*MailService)(nil)

// NewMailService returns the mail service of db.
func NewMailService(db *DB) *MailService { return &MailService{db: db} }

// EmailSettings returns the actor's e-mail choices.
func (s *MailService) EmailSettings(ctx context.Context, a attendance.Actor) (_ *attendance.EmailSettings, err error) {
	defer wrap(&err, "EmailSettings(actor %d)", a.ID)
	return s.settings(ctx, s.db.reader(), a.ID)
}

func (s *MailService) settings(ctx context.Context, q queryer, id int64) (*attendance.EmailSettings, error) {
	var address string
	if err := q.queryRow(ctx, `SELECT email FROM employees WHERE id = ?`, id).Scan(&address); err != nil {
		return nil, notFound(err, "employee")
	}
	rows, err := q.query(ctx, `SELECT kind, email FROM notification_email_prefs WHERE employee_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prefs := map[attendance.NotificationKind]bool{}
	for rows.Next() {
		var k attendance.NotificationKind
		var on bool
		if err := rows.Scan(&k, &on); err != nil {
			return nil, err
		}
		prefs[k] = on
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return attendance.NewEmailSettings(address, s.db.mailOn(), prefs), nil
}

// UpdateEmailSettings changes the actor's choices of the kinds given.
func (s *MailService) UpdateEmailSettings(ctx context.Context, a attendance.Actor, prefs map[attendance.NotificationKind]bool) (_ *attendance.EmailSettings, err error) {
	defer wrap(&err, "UpdateEmailSettings(actor %d)", a.ID)
	if err := attendance.CheckEmailPreferences(prefs); err != nil {
		return nil, err
	}
	var out *attendance.EmailSettings
	err = s.db.inTx(ctx, func(tx *Tx) error {
		for k, on := range prefs {
			if _, err := tx.exec(ctx, `INSERT INTO notification_email_prefs (employee_id, kind, email) VALUES (?, ?, ?)
				ON CONFLICT (employee_id, kind) DO UPDATE SET email = excluded.email`, a.ID, string(k), on); err != nil {
				return err
			}
		}
		var err error
		out, err = s.settings(ctx, tx, a.ID)
		return err
	})
	return out, err
}

const outboxCols = `id, notification_id, recipient_id, kind, status, attempts, queued_at, next_attempt_at, sent_at, last_error`

func scanOutbox(sc scanner) (*attendance.OutboxEntry, error) {
	var e attendance.OutboxEntry
	var nid sql.NullInt64
	if err := sc.Scan(&e.ID, &nid, &e.RecipientID, &e.Kind, &e.Status, &e.Attempts, timeCol{&e.QueuedAt},
		nullTimeCol{&e.NextAttemptAt}, nullTimeCol{&e.SentAt}, &e.LastError); err != nil {
		return nil, err
	}
	if nid.Valid {
		e.NotificationID = &nid.Int64
	}
	if e.Status != attendance.MailQueued {
		e.NextAttemptAt = nil
	}
	return &e, nil
}

// ListOutbox lists the e-mails of the last 30 days, newest first.
func (s *MailService) ListOutbox(ctx context.Context, a attendance.Actor, status *attendance.MailStatus, p attendance.Page) (_ []*attendance.OutboxEntry, _ int, err error) {
	defer wrap(&err, "ListOutbox(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, 0, err
	}
	var w where
	w.add(`queued_at >= ?`, s.db.t(s.db.now().Add(-attendance.MailKeep)))
	if status != nil {
		w.add(`status = ?`, string(*status))
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM mail_outbox WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	rows, err := s.db.reader().query(ctx, `SELECT `+outboxCols+` FROM mail_outbox WHERE `+w.String()+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.OutboxEntry{}
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, count, rows.Err()
}

// QueueTestMail queues a test e-mail to the admin's own address.
func (s *MailService) QueueTestMail(ctx context.Context, a attendance.Actor) (_ *attendance.OutboxEntry, err error) {
	defer wrap(&err, "QueueTestMail(actor %d)", a.ID)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if !s.db.mailOn() {
		return nil, attendance.Errorf(attendance.KindConflict, "email_off", "e-mail is off: set ATTENDANCE_SMTP_HOST and the other SMTP settings")
	}
	var out *attendance.OutboxEntry
	err = s.db.inTx(ctx, func(tx *Tx) error {
		e, err := s.db.employee(ctx, tx, a.ID, false)
		if err != nil {
			return notFound(err, "employee")
		}
		if e.Email == "" {
			return attendance.Errorf(attendance.KindConflict, "no_email_address", "you have no e-mail address: set yours first")
		}
		now := s.db.now()
		m := attendance.Mail{To: e.Email, ToName: e.Name(), Subject: "Attendance: test e-mail",
			Text: fmt.Sprintf("Hello %s,\n\nthis is a test e-mail, asked for on %s UTC. The service's e-mail settings work.\n\nThe dashboard: %s\n",
				e.Name(), now.Format("2006-01-02 15:04"), s.db.dashboardURL()),
			MessageID: fmt.Sprintf("<test-%d-%d@%s>", a.ID, now.UnixMicro(), s.db.mail.Domain)}
		if err := s.db.insertOutbox(ctx, tx, nil, a.ID, attendance.MailTestKind, m, nil); err != nil {
			return err
		}
		out, err = scanOutbox(tx.queryRow(ctx, `SELECT `+outboxCols+` FROM mail_outbox WHERE message_id = ?`, m.MessageID))
		return err
	})
	return out, err
}

// ClaimMail claims an outbox row for sending: row id when it is queued and
// due at now, or with id 0 the row due longest. Claiming moves it to
// sending in its own transaction, so that no other worker sends it. nil
// when there is none.
func (s *MailService) ClaimMail(ctx context.Context, id int64, now time.Time) (_ *attendance.OutboxMail, err error) {
	defer wrap(&err, "ClaimMail(%d)", id)
	var m *attendance.OutboxMail
	err = s.db.inTx(ctx, func(tx *Tx) error {
		pick := `SELECT id FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ?`
		args := []any{s.db.t(now)}
		if id != 0 {
			pick += ` AND id = ?`
			args = append(args, id)
		}
		pick += ` ORDER BY next_attempt_at, id LIMIT 1`
		if s.db.d.Name == "postgres" {
			pick += ` FOR UPDATE SKIP LOCKED`
		}
		var rid int64
		if err := tx.queryRow(ctx, pick, args...).Scan(&rid); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		// The status in the WHERE is checked again on the locked row: two
		// workers never both claim it.
		res, err := tx.exec(ctx, `UPDATE mail_outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1
			WHERE id = ? AND status = 'queued'`, s.db.t(now), rid)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		var o attendance.OutboxMail
		var nid, link sql.NullInt64
		if err := tx.queryRow(ctx, `SELECT id, notification_id, recipient_id, kind, decision_link_id, address, recipient_name,
			subject, body, message_id, queued_at, attempts FROM mail_outbox WHERE id = ?`, rid).Scan(&o.ID, &nid, &o.RecipientID, &o.Kind,
			&link, &o.Mail.To, &o.Mail.ToName, &o.Mail.Subject, &o.Mail.Text, &o.Mail.MessageID, timeCol{&o.QueuedAt}, &o.Attempts); err != nil {
			return err
		}
		if nid.Valid {
			o.NotificationID = &nid.Int64
		}
		if link.Valid {
			o.DecisionLinkID = &link.Int64
		}
		m = &o
		return nil
	})
	return m, err
}

// FinishMail records the outcome of the attempt at claimed row m.
func (s *MailService) FinishMail(ctx context.Context, m *attendance.OutboxMail, outcome attendance.MailOutcome, cause string, now time.Time) (err error) {
	defer wrap(&err, "FinishMail(%d)", m.ID)
	cause = clipText(cause, 1000)
	return s.db.inTx(ctx, func(tx *Tx) error {
		var err error
		switch outcome {
		case attendance.MailDelivered:
			_, err = tx.exec(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ? AND status = 'sending'`,
				s.db.t(now), m.ID)
		case attendance.MailTryAgain:
			next, giveUp := attendance.NextMailAttempt(m.QueuedAt, now, m.Attempts)
			if giveUp {
				_, err = tx.exec(ctx, `UPDATE mail_outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'sending'`,
					"gave up after retrying: "+cause, m.ID)
			} else {
				_, err = tx.exec(ctx, `UPDATE mail_outbox SET status = 'queued', next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'sending'`,
					s.db.t(next), cause, m.ID)
			}
		case attendance.MailRefused:
			_, err = tx.exec(ctx, `UPDATE mail_outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'sending'`, cause, m.ID)
		default:
			_, err = tx.exec(ctx, `UPDATE mail_outbox SET status = 'uncertain', last_error = ? WHERE id = ? AND status = 'sending'`, cause, m.ID)
		}
		return err
	})
}

// SweepMail marks rows left sending longer than MailStaleAfter uncertain
// (their worker died mid-send: not sent again), and deletes rows older than
// MailKeep. It returns how many it marked.
func (s *MailService) SweepMail(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "SweepMail")
	var n int64
	err = s.db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE mail_outbox SET status = 'uncertain', last_error = 'the worker stopped while sending'
			WHERE status = 'sending' AND claimed_at < ?`, s.db.t(now.Add(-attendance.MailStaleAfter)))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err = tx.exec(ctx, `DELETE FROM mail_outbox WHERE queued_at < ? AND status <> 'sending'`, s.db.t(now.Add(-attendance.MailKeep))); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM decision_links WHERE expires_at < ?`, s.db.t(now.Add(-attendance.MailKeep)))
		return err
	})
	return int(n), err
}

// clipText cuts s to at most n bytes, on a character boundary.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
