package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/sqlstore"
)

// TestScanColumns: dates and instants, NULLs among them, read as a report
// reads them (on PostgreSQL straight from pgx's binary values) and as the
// read pool does (database/sql), are what was stored: on both sides of
// PostgreSQL's epoch (2000-01-01) and at the ends of the range the service
// takes.
func TestScanColumns(t *testing.T) {
	t.Parallel()
	dates := []string{"1970-01-01", "1999-12-31", "2000-01-01", "2000-03-01", "2026-12-02", "9999-12-31"}
	instants := []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 2, 10, 11, 12, 123456000, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
	}
	storetest.ForEach(t, func(t *testing.T, kind string) {
		db := storetest.Open(t, kind)
		date, instant := func(d string) string { return "'" + d + "'" }, func(t time.Time) string { return fmt.Sprint(t.UnixMicro()) }
		if kind == "postgres" {
			date = func(d string) string { return "DATE '" + d + "'" }
			instant = func(t time.Time) string { return "TIMESTAMPTZ '" + t.Format("2006-01-02 15:04:05.999999") + "+00'" }
		}
		var rows []string
		var want []sqlstore.Columns
		for i, d := range dates {
			c := sqlstore.Columns{Date: attendance.MustParseDate(d), Instant: instants[i%len(instants)]}
			nullDate, null := "NULL", "NULL"
			if i%2 == 0 { // every other row has its optional columns
				other, in := attendance.MustParseDate(dates[len(dates)-1-i]), instants[(i+1)%len(instants)]
				c.NullDate, c.Null, c.Zero = &other, &in, in
				nullDate, null = date(other.String()), instant(in)
			}
			rows = append(rows, fmt.Sprintf("SELECT %d AS n, %s AS d, %s AS nd, %s AS i, %s AS ni, %s AS zi",
				i, date(d), nullDate, instant(c.Instant), null, null))
			want = append(want, c)
		}
		query := `SELECT d, nd, i, ni, zi FROM (` + strings.Join(rows, " UNION ALL ") + `) x ORDER BY n`
		report, pool, err := db.ScanColumns(context.Background(), query)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(report, want) {
			t.Errorf("a report read\n%+v\nwant\n%+v", report, want)
		}
		if !reflect.DeepEqual(pool, want) {
			t.Errorf("the read pool read\n%+v\nwant\n%+v", pool, want)
		}
	})
}

// TestReportSnapshot: on PostgreSQL a report's reads see one snapshot: a
// write committed between two of them is not in the second.
func TestReportSnapshot(t *testing.T) {
	t.Parallel()
	testenv.Lookup(t, "ATTENDANCE_TEST_DATABASE_URL", "PostgreSQL")
	db := storetest.Open(t, "postgres")
	ctx := context.Background()
	first, second, err := db.CountInReport(ctx, `SELECT COUNT(*) FROM holidays`, func() error {
		_, err := db.Write.ExecContext(ctx, `INSERT INTO holidays (date, name, created_at) VALUES ('2026-12-25', 'Christmas Day', now())`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if first != 0 || second != 0 {
		t.Errorf("the report counted %d, then %d holidays; want 0 twice (the insert came after its snapshot)", first, second)
	}
	var n int
	if err := db.Write.QueryRowContext(ctx, `SELECT COUNT(*) FROM holidays`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d holidays after the report, %v; want the one inserted", n, err)
	}
}
