package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

// HolidayService keeps the company holidays (attendance.HolidayService). A
// change of the list decides the lateness of that date's entries again:
// after it commits, in batches of employees (settleHolidayChanges).
type HolidayService struct{ db *DB }

var _ attendance.HolidayService = (*HolidayService)(nil)

// NewHolidayService returns the holiday service of db.
func NewHolidayService(db *DB) *HolidayService { return &HolidayService{db: db} }

// ListHolidays lists the company holidays by date, optionally of one year.
func (s *HolidayService) ListHolidays(ctx context.Context, a attendance.Actor, year *int, p attendance.Page) (_ []*attendance.Holiday, _ int, err error) {
	defer wrap(&err, "ListHolidays()")
	var w where
	if year != nil {
		first, last := attendance.YearBounds(*year)
		w.add("date >= ? AND date <= ?", first.String(), last.String())
	}
	var count int
	if err := s.db.reader().queryRow(ctx, `SELECT COUNT(*) FROM holidays WHERE `+w.String(), w.args...).Scan(&count); err != nil {
		return nil, 0, err
	}
	limit, offset := pageArgs(p)
	rows, err := s.db.reader().query(ctx, `SELECT id, date, name FROM holidays WHERE `+w.String()+` ORDER BY date LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*attendance.Holiday{}
	for rows.Next() {
		var h attendance.Holiday
		if err := rows.Scan(&h.ID, dateCol{&h.Date}, &h.Name); err != nil {
			return nil, 0, err
		}
		out = append(out, &h)
	}
	return out, count, rows.Err()
}

// CreateHoliday adds a company holiday; one per date.
func (s *HolidayService) CreateHoliday(ctx context.Context, a attendance.Actor, h attendance.Holiday) (_ *attendance.Holiday, err error) {
	defer wrap(&err, "CreateHoliday(actor %d, %s)", a.ID, h.Date)
	if err := attendance.RequireAdmin(a); err != nil {
		return nil, err
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lockEveryone(ctx, tx); err != nil {
			return err
		}
		var err error
		h.ID, err = tx.insertID(ctx, `INSERT INTO holidays (date, name, created_at) VALUES (?, ?, ?)`, h.Date.String(), h.Name, s.db.t(s.db.now()))
		if err != nil {
			if s.db.d.IsUniqueViolation(err) {
				return attendance.Errorf(attendance.KindConflict, "holiday_exists", "%s is already a holiday", h.Date)
			}
			return err
		}
		return s.db.holidayChanged(ctx, tx, h.Date, &a.ID)
	})
	if err != nil {
		return nil, err
	}
	s.db.settleHolidayChangesNow(ctx)
	return &h, nil
}

// DeleteHoliday removes a company holiday.
func (s *HolidayService) DeleteHoliday(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteHoliday(actor %d, %d)", a.ID, id)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	err = s.db.inTx(ctx, func(tx *Tx) error {
		if err := s.db.lockEveryone(ctx, tx); err != nil {
			return err
		}
		var d attendance.Date
		if err := tx.queryRow(ctx, `SELECT date FROM holidays WHERE id = ?`, id).Scan(dateCol{&d}); err != nil {
			return notFound(err, "holiday")
		}
		if _, err := tx.exec(ctx, `DELETE FROM holidays WHERE id = ?`, id); err != nil {
			return err
		}
		if err := s.db.forgetCheckMarks(ctx, tx); err != nil {
			return err
		}
		return s.db.holidayChanged(ctx, tx, d, &a.ID)
	})
	if err != nil {
		return err
	}
	s.db.settleHolidayChangesNow(ctx)
	return nil
}

// holidayBatchSize is how many employees' days one transaction judges
// again after a holiday change: about 0.6 s of work on PostgreSQL.
const holidayBatchSize = 500

// holidayChanged records, in the transaction tx of a change of the holiday
// list, that date d's lateness is to be judged again (settleHolidayChanges)
// for the change by the user given. The change holds every employee's row
// (lockEveryone): an event being recorded commits before it, with its day
// there to be judged again, or reads the new list.
func (db *DB) holidayChanged(ctx context.Context, tx *Tx, d attendance.Date, by *int64) error {
	_, err := tx.exec(ctx, `INSERT INTO holiday_changes (date, changed_by, created_at) VALUES (?, ?, ?)`, d.String(), by, db.t(db.now()))
	return err
}

// settleHolidayChangesNow settles one batch of the holiday changes left,
// after a change commits, so that a company of up to holidayBatchSize people
// with a day on the date sees its lateness judged again at once; the
// holiday_changes check (Checks.SettleHolidayChanges) settles the rest
// within its period. It goes on when the client goes away, and a failure
// is logged: the change itself is committed.
func (db *DB) settleHolidayChangesNow(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	var n int
	_, err := db.exclusive(ctx, "holiday_changes", func() error {
		var err error
		n, err = db.settleHolidayChanges(ctx, 1)
		return err
	})
	if err != nil {
		db.Logger.Warn("holiday change: the lateness of its date is left to the holiday_changes check", "error", err, "judged", n)
	}
}

// settleHolidayChanges judges again the lateness of the dates of the
// holiday changes not settled yet, oldest first, a batch at a time: each
// transaction locks up to holidayBatchSize employees with a day on the date
// whose id is after the last batch's, in id order, decides their day again
// (reevaluateRange, which books the late penalties it changes), and notes
// how far it went; the change's row goes when its date is done. It stops
// after maxBatches batches (0: none left) and returns how many employees'
// days it judged again. Run by one process at a time (exclusive).
func (db *DB) settleHolidayChanges(ctx context.Context, maxBatches int) (int, error) {
	batch := holidayBatchSize
	if db.holidayBatch > 0 {
		batch = db.holidayBatch
	}
	n := 0
	for b := 0; maxBatches == 0 || b < maxBatches; b++ {
		found, judged := false, 0
		err := db.inTx(ctx, func(tx *Tx) error {
			var id, after int64
			var d attendance.Date
			var by *int64
			err := tx.queryRow(ctx, `SELECT id, date, changed_by, after_employee_id FROM holiday_changes ORDER BY id LIMIT 1`).
				Scan(&id, dateCol{&d}, &by, &after)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			} else if err != nil {
				return err
			}
			found = true
			emps, err := db.employeesOn(ctx, tx, `SELECT `+employeeCols+` FROM employees e WHERE e.id > ?
				AND EXISTS (SELECT 1 FROM attendance_days ad WHERE ad.employee_id = e.id AND ad.date = ?)
				ORDER BY e.id LIMIT ?`+db.d.ForUpdate, after, d.String(), batch)
			if err != nil {
				return err
			}
			for _, e := range emps {
				if err := db.reevaluateRange(ctx, tx, e, d, d, by); err != nil {
					return err
				}
			}
			if len(emps) < batch {
				_, err = tx.exec(ctx, `DELETE FROM holiday_changes WHERE id = ?`, id)
			} else {
				_, err = tx.exec(ctx, `UPDATE holiday_changes SET after_employee_id = ? WHERE id = ?`, emps[len(emps)-1].ID, id)
			}
			judged = len(emps)
			return err
		})
		if err != nil || !found {
			return n, err
		}
		n += judged
	}
	return n, nil
}

// holidays returns the company holidays from first to last.
func (db *DB) holidays(ctx context.Context, q queryer, first, last attendance.Date) (attendance.Holidays, error) {
	rows, err := q.query(ctx, `SELECT date, name FROM holidays WHERE date >= ? AND date <= ?`, first.String(), last.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h := attendance.Holidays{}
	for rows.Next() {
		var d attendance.Date
		var name string
		if err := rows.Scan(dateCol{&d}, &name); err != nil {
			return nil, err
		}
		h[d] = name
	}
	return h, rows.Err()
}

// SettleHolidayChanges judges again the lateness of the dates of holiday
// changes that their own request left (settleHolidayChanges), all of them;
// the jobs run it with the not-arrived check's period. It returns how many
// employees' days it judged again.
func (s *Checks) SettleHolidayChanges(ctx context.Context, _ time.Time) (n int, err error) {
	defer wrap(&err, "SettleHolidayChanges()")
	_, err = s.db.exclusive(ctx, "holiday_changes", func() error {
		var err error
		n, err = s.db.settleHolidayChanges(ctx, 0)
		return err
	})
	return n, err
}
