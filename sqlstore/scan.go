package sqlstore

import (
	"fmt"
	"time"

	"github.com/openattendance/attendance"
)

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// DateScanner is a date column that a driver may fill in directly, without
// the time.Time (and the allocation) database/sql's Scan goes through: the
// overview reads a date or more on every one of hundreds of thousands of
// rows. The postgres package teaches pgx to (postgres.Open).
type DateScanner interface {
	// ScanDate takes the column's date; valid is false for NULL.
	ScanDate(d attendance.Date, valid bool) error
}

// InstantScanner is DateScanner's instant column.
type InstantScanner interface {
	// ScanInstant takes the column's instant in microseconds since the Unix
	// epoch; valid is false for NULL.
	ScanInstant(unixMicro int64, valid bool) error
}

// timeCol scans an instant stored by either dialect.
type timeCol struct{ t *time.Time }

func (c timeCol) ScanInstant(us int64, valid bool) error {
	if !valid {
		return fmt.Errorf("cannot scan NULL into an instant")
	}
	*c.t = time.UnixMicro(us).UTC()
	return nil
}

func (c nullTimeCol) ScanInstant(us int64, valid bool) error {
	if !valid {
		*c.t = nil
		return nil
	}
	t := time.UnixMicro(us).UTC()
	*c.t = &t
	return nil
}

func (c zeroTimeCol) ScanInstant(us int64, valid bool) error {
	if !valid {
		*c.t = time.Time{}
		return nil
	}
	return timeCol(c).ScanInstant(us, true)
}

func (c dateCol) ScanDate(d attendance.Date, valid bool) error {
	if !valid {
		return fmt.Errorf("cannot scan NULL into a date")
	}
	*c.d = d
	return nil
}

func (c nullDateCol) ScanDate(d attendance.Date, valid bool) error {
	if !valid {
		*c.d = nil
		return nil
	}
	*c.d = &d
	return nil
}

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("cannot scan %T into an instant", src)
	}
	return nil
}

// nullTimeCol scans an optional instant.
type nullTimeCol struct{ t **time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = nil
		return nil
	}
	var t time.Time
	if err := (timeCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.t = &t
	return nil
}

// dateCol scans a calendar date stored as TEXT (SQLite) or DATE (PostgreSQL).
type dateCol struct{ d *attendance.Date }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case string:
		d, err := attendance.ParseDate(v)
		*c.d = d
		return err
	case []byte:
		d, err := attendance.ParseDate(string(v))
		*c.d = d
		return err
	case time.Time:
		*c.d = attendance.NewDate(v.Date())
		return nil
	}
	return fmt.Errorf("cannot scan %T into a date", src)
}

// nullDateCol scans an optional date.
type nullDateCol struct{ d **attendance.Date }

func (c nullDateCol) Scan(src any) error {
	if src == nil {
		*c.d = nil
		return nil
	}
	var d attendance.Date
	if err := (dateCol{&d}).Scan(src); err != nil {
		return err
	}
	*c.d = &d
	return nil
}

// datePtr encodes an optional date for a query argument.
func datePtr(d *attendance.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// zeroTimeCol scans an optional instant, NULL being the zero time.
type zeroTimeCol struct{ t *time.Time }

func (c zeroTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = time.Time{}
		return nil
	}
	return timeCol(c).Scan(src)
}

// zt encodes an optional instant, the zero time being NULL.
func (db *DB) zt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.t(t)
}

// scanIDs reads a column of ids and closes rows.
func scanIDs(rows Rows) ([]int64, error) {
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
