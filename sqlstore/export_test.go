package sqlstore

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/openattendance/attendance"
)

// SetBatches sets how many rows l copies at a time and how many leave ids
// it takes at once, so that a test's few rows span several of each.
func (l *BulkLoader) SetBatches(rows, ids int) { l.copyBatch, l.idBlock = rows, ids }

// NotArrivedPending counts the not_arrived notifications that a run of the
// check over every active employee would store at now: due, not told yet.
func (s *Checks) NotArrivedPending(ctx context.Context, now time.Time) (int, error) {
	return s.notArrived(ctx, now.UTC(), time.Time{}, false)
}

// CheckNotArrivedOverlapping is a run of CheckNotArrived that does not wait
// for, nor skip because of, another under way: what two workers would do
// without the check's lock.
func (s *Checks) CheckNotArrivedOverlapping(ctx context.Context, now time.Time) (int, error) {
	return s.checkNotArrived(ctx, now)
}

// Exclusive runs fn as the named check's run (Checks' lock), reporting
// whether it ran.
func (db *DB) Exclusive(ctx context.Context, name string, fn func() error) (bool, error) {
	return db.exclusive(ctx, name, fn)
}

// overviewFromDays holds the stores that OverviewFromDays turned, each
// with its reader of the days.
var overviewFromDays sync.Map // *DB → overviewDaysFunc

func init() {
	testOverviewDays = func(db *DB) overviewDaysFunc {
		if f, ok := overviewFromDays.Load(db); ok {
			return f.(overviewDaysFunc)
		}
		return nil
	}
}

// OverviewFromDays makes db's overview read the stored days one by one
// from attendance_days, as it did before the rollup (migration 00019), so
// that a test compares the figures of both.
func OverviewFromDays(db *DB) {
	overviewFromDays.Store(db, overviewDaysFunc(func(ctx context.Context, emps []*attendance.Employee, first, last attendance.Date) (map[int64][]attendance.Day, error) {
		out := map[int64][]attendance.Day{}
		rows, err := db.read.QueryContext(ctx, db.q(`SELECT d.employee_id, d.date, d.entries, d.late, d.late_minutes, d.worked_seconds,
			d.open_sessions, d.break_seconds, d.open_since FROM attendance_days d WHERE d.date >= ? AND d.date <= ?
			ORDER BY d.employee_id, d.date`), first.String(), last.String())
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var d attendance.Day
			if err := rows.Scan(&id, dateCol{&d.Date}, &d.Entries, &d.Late, &d.LateMinutes, &d.WorkedSeconds, &d.OpenSessions,
				&d.BreakSeconds, zeroTimeCol{&d.OpenSince}); err != nil {
				return nil, err
			}
			out[id] = append(out[id], d)
		}
		return out, rows.Err()
	}))
}

// PipeStep is what a test's write on a pipeline does (InPipe): queue a
// statement, or run one and read the single integer it answers.
type PipeStep struct {
	Later string // queued
	Query string // run, with the queued before it
}

// InPipe runs steps as one write of db's (inPipe), returning each Query's
// answer, or the first error.
func (db *DB) InPipe(ctx context.Context, steps ...PipeStep) ([]int64, error) {
	var out []int64
	err := db.inPipe(ctx, func(tx *Tx) error {
		for _, s := range steps {
			if s.Later != "" {
				if err := tx.later(ctx, s.Later); err != nil {
					return err
				}
				continue
			}
			var n int64
			if err := tx.queryRow(ctx, s.Query).Scan(&n); err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// Columns are a row's date and instant columns as the store scans them.
type Columns struct {
	Date     attendance.Date
	NullDate *attendance.Date
	Instant  time.Time
	Null     *time.Time
	Zero     time.Time // NULL: the zero time
}

// ScanColumns reads the rows of query (a date, an optional date, an
// instant, an optional instant, an optional instant) as a report reads them
// and as the read pool does.
func (db *DB) ScanColumns(ctx context.Context, query string) (inReport, pool []Columns, err error) {
	scan := func(rows Rows) ([]Columns, error) {
		defer rows.Close()
		var out []Columns
		for rows.Next() {
			var c Columns
			if err := rows.Scan(dateCol{&c.Date}, nullDateCol{&c.NullDate}, timeCol{&c.Instant}, nullTimeCol{&c.Null},
				zeroTimeCol{&c.Zero}); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	err = db.inReport(ctx, func(rep report) error {
		rows, err := rep.query(ctx, query)
		if err != nil {
			return err
		}
		inReport, err = scan(rows)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	rows, err := db.reader().query(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	pool, err = scan(rows)
	return inReport, pool, err
}

// ExplainOverviewLeave puts in plan how the overview reads everyone's
// approved leave from first to last, with sequential and bitmap scans off
// (a test's tables are small enough for either).
func (db *DB) ExplainOverviewLeave(ctx context.Context, first, last attendance.Date, plan *string) error {
	return db.inReport(ctx, func(rep report) error {
		var w where
		rows, err := rep.query(ctx, `SELECT set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`)
		if err != nil {
			return err
		}
		rows.Close()
		rows, err = rep.query(ctx, `EXPLAIN `+approvedLeaveSQL(w), first.String(), last.String())
		if err != nil {
			return err
		}
		defer rows.Close()
		var lines []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			lines = append(lines, line)
		}
		*plan = strings.Join(lines, "\n")
		return rows.Err()
	})
}

// CountInReport counts query's answer twice in one report, running between
// in between: a report on one snapshot counts the same twice.
func (db *DB) CountInReport(ctx context.Context, query string, between func() error) (first, second int64, err error) {
	err = db.inReport(ctx, func(rep report) error {
		if err := rep.queryRow(ctx, query).Scan(&first); err != nil {
			return err
		}
		if err := between(); err != nil {
			return err
		}
		return rep.queryRow(ctx, query).Scan(&second)
	})
	return first, second, err
}
