package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// forgottenLookBack bounds the open sessions the check reads: one open for
// longer was flagged long ago, and stays in the overview until a manager
// closes it.
const forgottenLookBack = 31

// CheckForgottenExits covers every active employee's open sessions at now
// (docs/shifts.md, "Forgotten exits"): it sends the due exit reminders and
// review notices and, when the settings close sessions, records the due
// system exits. The sessions due only notices are told 500 at a time, each
// batch in a transaction that holds its employees' locks and checks again
// that every session is still open; a session the system closes, in a
// short transaction of its own that checks again under the employee's
// lock. The notifications' causes make a second worker or a retried job
// notify nobody twice; a run while another is under way leaves the work to
// it. It returns how many sessions it acted on.
func (s *Checks) CheckForgottenExits(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "CheckForgottenExits(%s)", now.Format(time.RFC3339))
	n := 0
	_, err = s.db.exclusive(ctx, "forgotten_exits", func() (err error) {
		n, err = s.checkForgottenExits(ctx, now)
		return err
	})
	return n, err
}

// checkForgottenExits is a run of CheckForgottenExits.
func (s *Checks) checkForgottenExits(ctx context.Context, now time.Time) (_ int, err error) {
	now = now.UTC()
	set, err := s.db.workSettings(ctx, s.db.reader())
	if err != nil {
		return 0, err
	}
	first, last := attendance.DateOf(now).AddDays(-forgottenLookBack), attendance.DateOf(now).AddDays(1)
	type open struct {
		emp, entry int64
		date       attendance.Date
		since      time.Time
	}
	var opens []open
	// open_sessions > 0 as a constant: the partial index of open days
	// (attendance_days_open) holds only those, whatever the company's size.
	rows, err := s.db.reader().query(ctx, `SELECT d.employee_id, d.date, d.open_since,
			(SELECT MAX(ev.id) FROM attendance_events ev WHERE ev.employee_id = d.employee_id AND ev.ts = d.open_since AND ev.type = 'entry' AND NOT ev.voided)
		FROM attendance_days d JOIN employees e ON e.id = d.employee_id
		WHERE d.open_sessions > 0 AND d.date >= ? AND d.date <= ? AND d.open_since IS NOT NULL AND e.active = ? ORDER BY d.employee_id, d.date`,
		first.String(), last.String(), true)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var o open
		var entry sql.NullInt64
		if err := rows.Scan(&o.emp, dateCol{&o.date}, timeCol{&o.since}, &entry); err != nil {
			rows.Close()
			return 0, err
		}
		if o.entry = entry.Int64; o.entry != 0 {
			opens = append(opens, o)
			if len(ids) == 0 || ids[len(ids)-1] != o.emp {
				ids = append(ids, o.emp)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(opens) == 0 {
		return 0, err
	}
	// What was sent already, the employees and their rosters: of those with
	// an open session only.
	sent := map[string]bool{}
	rows, err = s.db.reader().query(ctx, `SELECT DISTINCT cause FROM notifications WHERE `+s.db.inIDs("employee_id")+`
		AND kind IN ('exit_reminder', 'needs_review', 'session_closed') AND created_at >= ?`,
		s.db.idsArg(ids), s.db.t(now.AddDate(0, 0, -forgottenLookBack-2)))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, err
		}
		sent[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var w where
	w.add("e.active = ?", true)
	w.add(s.db.inIDs("e.id"), s.db.idsArg(ids))
	ros, err := s.db.loadRoster(ctx, s.db.reader(), w, first.AddDays(-1), last)
	if err != nil {
		return 0, err
	}
	holidays, err := s.db.holidays(ctx, s.db.reader(), first.AddDays(-1), last)
	if err != nil {
		return 0, err
	}
	list, err := s.db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String(), w.args...)
	if err != nil {
		return 0, err
	}
	emps := map[int64]*attendance.Employee{}
	for _, e := range list {
		emps[e.ID] = e
	}
	n := 0
	// The sessions due only notices are told forgottenBatch at a time, in
	// a transaction each; those the system closes, one by one.
	var notices []forgottenNotice
	tell := func() error {
		for chunk := range slices.Chunk(notices, s.forgottenBatch()) {
			told, err := s.forgottenNotices(ctx, chunk, first, last, sent)
			n += told
			if err != nil {
				return err
			}
		}
		notices = notices[:0]
		return nil
	}
	for _, o := range opens {
		e, ok := emps[o.emp]
		if !ok {
			continue // deactivated since
		}
		sched := ros.schedule(e)
		sess := sched.OpenSession(o.date, o.since, holidays, set)
		remind := sess.ReminderDue(now) && !sent[exitCause("exit_reminder", o.entry)]
		review := sess.NeedsReview(now)
		_, closing := sess.AutoClose(e.ID, set, now)
		closing = closing && !sent[exitCause("session_closed", o.entry)]
		if !remind && (!review || sent[exitCause("needs_review", o.entry)]) && !closing {
			continue // done already
		}
		if !closing && s.noticeBatch >= 0 {
			notices = append(notices, forgottenNotice{emp: e, sess: sess, remind: remind, review: review})
			continue
		}
		acted, err := s.forgottenExit(ctx, e, sched, sess, set, now, remind, review, closing, sent)
		if err != nil {
			return n, err
		}
		if acted {
			n++
		}
	}
	return n, tell()
}

// forgottenBatchSize is how many sessions due only notices a transaction
// tells, unless a test set Checks.noticeBatch (negative: each session in
// a transaction of its own, as a closed one).
const forgottenBatchSize = 500

func (s *Checks) forgottenBatch() int {
	if s.noticeBatch > 0 {
		return s.noticeBatch
	}
	return forgottenBatchSize
}

// forgottenNotice is an open session due its reminder or its review notice
// (or both), and not closed by the system.
type forgottenNotice struct {
	emp            *attendance.Employee
	sess           attendance.OpenSession
	remind, review bool
}

// forgottenNotices stores the due notices of sessions, of work dates first
// to last, in one transaction that holds their employees' locks, as
// forgottenExit does for one: a session is told only while still open (its
// day's open session still began at its entry, the last event at that
// instant). It returns how many sessions it told.
func (s *Checks) forgottenNotices(ctx context.Context, sessions []forgottenNotice, first, last attendance.Date, sent map[string]bool) (int, error) {
	db := s.db
	told := 0
	err := db.inTx(ctx, func(tx *Tx) error {
		told = 0
		var ids []int64
		for _, f := range sessions {
			ids = append(ids, f.emp.ID)
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		list, err := db.employeesOn(ctx, tx, `SELECT `+employeeCols+` FROM employees e WHERE `+db.inIDs("e.id")+` ORDER BY e.id`+db.d.ForUpdate,
			db.idsArg(ids))
		if err != nil {
			return err
		}
		emps := map[int64]*attendance.Employee{}
		for _, e := range list {
			emps[e.ID] = e
		}
		type openDay struct {
			emp   int64
			date  attendance.Date
			since time.Time
		}
		entries := map[openDay]int64{}
		rows, err := tx.query(ctx, `SELECT d.employee_id, d.date, d.open_since,
				(SELECT MAX(ev.id) FROM attendance_events ev WHERE ev.employee_id = d.employee_id AND ev.ts = d.open_since AND ev.type = 'entry' AND NOT ev.voided)
			FROM attendance_days d WHERE `+db.inIDs("d.employee_id")+` AND d.open_sessions > 0 AND d.date >= ? AND d.date <= ? AND d.open_since IS NOT NULL`,
			db.idsArg(ids), first.String(), last.String())
		if err != nil {
			return err
		}
		for rows.Next() {
			var k openDay
			var entry sql.NullInt64
			if err := rows.Scan(&k.emp, dateCol{&k.date}, timeCol{&k.since}, &entry); err != nil {
				rows.Close()
				return err
			}
			if entry.Valid {
				entries[openDay{k.emp, k.date, k.since.UTC()}] = entry.Int64
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var chains map[int64]attendance.Chain
		var admins []int64
		adminsRead := false
		var ns []attendance.Notification
		bySession := map[string]int{} // a notice's cause: its session
		for i, f := range sessions {
			emp, ok := emps[f.emp.ID]
			id := entries[openDay{f.emp.ID, f.sess.WorkDate, f.sess.Entry.UTC()}]
			if !ok || id == 0 {
				continue // closed, or voided, since
			}
			entry := &attendance.AttendanceEvent{ID: id, EmployeeID: emp.ID, Type: attendance.Entry, Timestamp: f.sess.Entry}
			if f.remind && !sent[exitCause("exit_reminder", id)] {
				ns = append(ns, attendance.ExitReminder(emp, entry, f.sess)...)
				bySession[exitCause("exit_reminder", id)] = i
			}
			if !f.review || sent[exitCause("needs_review", id)] {
				continue
			}
			if chains == nil {
				if chains, err = db.chains(ctx, tx, ids); err != nil {
					return err
				}
			}
			chain := chains[emp.ID]
			if !hasActiveManager(emp.ID, chain) && !adminsRead {
				if admins, err = db.activeAdmins(ctx, tx); err != nil {
					return err
				}
				adminsRead = true
			}
			ns = append(ns, attendance.NeedsReviewNotice(emp, entry, f.sess, attendance.NotifyManagers(emp.ID, chain, admins))...)
			bySession[exitCause("needs_review", id)] = i
		}
		stored, err := db.notify(ctx, tx, ns)
		if err != nil {
			return err
		}
		acted := map[int]bool{}
		for _, n := range stored {
			if i, ok := bySession[n.Cause]; ok && !acted[i] {
				acted[i] = true
				told++
			}
		}
		return nil
	})
	return told, err
}

// exitCause is the cause of a forgotten-exit notification of an entry.
func exitCause(kind string, entryID int64) string { return kind + ":" + strconv.FormatInt(entryID, 10) }

// forgottenExit acts on one open session in a transaction of its own, under
// the employee's lock: the entry must still be open.
func (s *Checks) forgottenExit(ctx context.Context, e *attendance.Employee, sched attendance.Schedule, sess attendance.OpenSession,
	set attendance.WorkSettings, now time.Time, remind, review, closing bool, sent map[string]bool) (bool, error) {
	acted := false
	err := s.db.inTx(ctx, func(tx *Tx) error {
		emp, err := s.db.employee(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		att := &AttendanceService{db: s.db}
		entry, next, err := att.neighbours(ctx, tx, emp.ID, sess.Entry, 0)
		if err != nil {
			return err
		}
		// The session is still open: its entry is the last event at its
		// instant, and no exit follows it.
		if entry == nil || entry.Type != attendance.Entry || !entry.Timestamp.Equal(sess.Entry) || (next != nil && next.Type == attendance.Exit) {
			return nil
		}
		if remind && !sent[exitCause("exit_reminder", entry.ID)] {
			stored, err := s.db.notify(ctx, tx, attendance.ExitReminder(emp, entry, sess))
			if err != nil {
				return err
			}
			acted = acted || len(stored) > 0
		}
		if !review {
			return nil
		}
		recipients, chain, err := s.db.managersOf(ctx, tx, emp.ID)
		if err != nil {
			return err
		}
		if !sent[exitCause("needs_review", entry.ID)] {
			stored, err := s.db.notify(ctx, tx, attendance.NeedsReviewNotice(emp, entry, sess, recipients))
			if err != nil {
				return err
			}
			acted = acted || len(stored) > 0
		}
		if !closing {
			return nil
		}
		exit, ok := sess.AutoClose(emp.ID, set, now)
		if !ok {
			return nil
		}
		// Once: a system exit that a manager voided is not made again.
		var made int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM attendance_events WHERE employee_id = ? AND source = 'system' AND ts = ?`,
			emp.ID, s.db.t(exit.Timestamp)).Scan(&made); err != nil || made > 0 {
			return err
		}
		// Only when it fits the sequence: an open session followed by a
		// later entry keeps its flag.
		prev, after, err := att.neighbours(ctx, tx, emp.ID, exit.Timestamp, 0)
		if err != nil {
			return err
		}
		if prev == nil || prev.ID != entry.ID || attendance.CheckSequence(prev, after, attendance.Exit, exit.Timestamp, sched.Location) != nil {
			return nil
		}
		if err := att.insertEvent(ctx, tx, emp, &exit, prev, after, s.db.now()); err != nil {
			return err
		}
		att.emitEvent(tx, &exit, chain, "")
		if _, err := s.db.notify(ctx, tx, attendance.SessionClosed(emp, entry, &exit, sess, recipients)); err != nil {
			return err
		}
		acted = true
		return nil
	})
	return acted, err
}
