package sqlstore

import (
	"context"
	"strconv"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/monthpack"
)

// The rollup of the stored days (attendance_months): each employee's days
// of a calendar month packed in one row (package monthpack), which the
// overview reads instead of the days one by one. Every write of a day
// writes its slot too, in the same transaction and, on PostgreSQL, in the
// same statement: the rollup is a denser copy of attendance_days, never a
// different story.

// upsertMonthSQL writes one day's slot of its packed month (monthArgs): a
// new row holds that slot alone; an existing row gets the slot placed at
// its position, without being read first.
func (db *DB) upsertMonthSQL() string {
	if db.d.Name == "postgres" {
		return upsertMonthPostgres
	}
	return upsertMonthSQLite
}

// The two spellings of upsertMonthSQL: the spliced value is a BYTEA or a
// BLOB (SQLite's || makes text of blobs, which the CAST turns back).
var (
	upsertMonthPostgres = upsertMonth("BYTEA")
	upsertMonthSQLite   = upsertMonth("BLOB")
)

func upsertMonth(blob string) string {
	n := strconv.Itoa(monthpack.SlotSize)
	return `INSERT INTO attendance_months (employee_id, month, days) VALUES (?, ?, ?)
	ON CONFLICT (employee_id, month) DO UPDATE SET days = CAST(substr(attendance_months.days, 1, ? - 1)
		|| substr(excluded.days, ?, ` + n + `) || substr(attendance_months.days, ? + ` + n + `) AS ` + blob + `)`
}

// monthArgs are the arguments of upsertMonthSQL for day, stored or, when
// not present, deleted.
func monthArgs(employeeID int64, day attendance.Day) ([]any, error) {
	b, pos, err := monthpack.Pack(day)
	if err != nil {
		return nil, err
	}
	month, _ := monthpack.Month(day.Date)
	return []any{employeeID, month.String(), b, pos, pos, pos}, nil
}

// deleteMonthsSQL deletes an employee's rollup, with deleteDaysSQL their days.
const (
	deleteMonthsSQL = `DELETE FROM attendance_months WHERE employee_id = ?`
	deleteDaysSQL   = `DELETE FROM attendance_days WHERE employee_id = ?`
)

// monthRows packs days, one employee's in any order, by month: the rows of
// attendance_months they make.
func monthRows(days []attendance.Day) (map[attendance.Date][]byte, error) {
	out := map[attendance.Date][]byte{}
	for _, d := range days {
		m, _ := monthpack.Month(d.Date)
		b := out[m]
		if b == nil {
			b = make([]byte, monthpack.Size)
			out[m] = b
		}
		if err := monthpack.Put(b, d); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// storeDays is rebuildAllDays' write: the employee's days and rollup are
// replaced by days.
func (db *DB) storeDays(ctx context.Context, tx *Tx, employeeID int64, days []attendance.Day) error {
	if db.d.WritableCTEs {
		if _, err := tx.exec(ctx, `WITH m AS (`+deleteMonthsSQL+`) `+deleteDaysSQL, employeeID, employeeID); err != nil {
			return err
		}
	} else {
		for _, q := range []string{deleteMonthsSQL, deleteDaysSQL} {
			if _, err := tx.exec(ctx, q, employeeID); err != nil {
				return err
			}
		}
	}
	for _, day := range days {
		if err := db.saveDay(ctx, tx, employeeID, day); err != nil {
			return err
		}
	}
	return nil
}
