package sqlstore

import (
	"context"

	"github.com/openattendance/attendance"
)

// HolidayService keeps the company holidays (attendance.HolidayService). A
// change of the list decides the lateness of that date's entries again.
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
		return s.db.reevaluateDate(ctx, tx, h.Date, &a.ID)
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// DeleteHoliday removes a company holiday.
func (s *HolidayService) DeleteHoliday(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "DeleteHoliday(actor %d, %d)", a.ID, id)
	if err := attendance.RequireAdmin(a); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *Tx) error {
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
		return s.db.reevaluateDate(ctx, tx, d, &a.ID)
	})
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
