package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/monthpack"
)

// Overview sums up attendance per employee in the actor's scope over a date
// range. It reads the derived days of the range in one pass, ordered by
// employee, so its cost grows with the days in the range and not with the
// table; only one employee's days are in memory at a time.
func (s *AttendanceService) Overview(ctx context.Context, a attendance.Actor, f attendance.OverviewFilter) (_ *attendance.Overview, err error) {
	defer wrap(&err, "Overview(actor %d)", a.ID)
	if err := attendance.RequireManagerAccess(a); err != nil {
		return nil, err
	}
	today := s.db.companyToday()
	first, last := today.AddDays(1-dayOfMonth(today)), today
	if f.From != nil {
		first = *f.From
	}
	if f.To != nil {
		last = *f.To
	}
	if err := attendance.CheckRange(first, last, attendance.MaxOverviewDays); err != nil {
		return nil, err
	}

	// Who: the employees in scope who were employed in the range.
	var w where
	if err := s.db.addOverviewScope(ctx, &w, a); err != nil {
		return nil, err
	}
	if f.EmployeeID != nil {
		w.add("e.id = ?", *f.EmployeeID)
	}
	if f.Department != nil {
		w.add("e.department = ?", *f.Department)
	}
	// The rest is read in one report: on PostgreSQL one snapshot.
	var ov *attendance.Overview
	var sum []employeeTotals
	var emps []*attendance.Employee
	err = s.db.inReport(ctx, func(rep report) error {
		var err error
		emps, err = s.db.employeesOn(ctx, rep, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String()+` ORDER BY e.id`, w.args...)
		if err != nil {
			return err
		}
		emps = slices.DeleteFunc(emps, func(e *attendance.Employee) bool { return !e.InOverview(first) })
		holidays, err := s.db.holidays(ctx, rep, first, last)
		if err != nil {
			return err
		}
		ros, err := s.db.loadRoster(ctx, rep, w, first.AddDays(-1), last.AddDays(1))
		if err != nil {
			return err
		}
		settings, err := s.db.workSettings(ctx, rep)
		if err != nil {
			return err
		}
		ov = &attendance.Overview{From: first, To: last, Count: len(emps), Results: []attendance.OverviewRow{}}
		if f.All {
			// The CSV has a column of leave days for every type.
			if ov.LeaveTypes, err = s.db.leaveTypeCodes(ctx, rep); err != nil {
				return err
			}
		}
		leave, err := s.db.overviewLeave(ctx, rep, emps, w, first, last)
		if err != nil {
			return err
		}
		now := s.db.now()
		// The employees alike share the placing of their shifts.
		cals := attendance.NewShiftCalendars(holidays, first, last)
		sum, err = s.db.sumOverview(ctx, rep, emps, w, first, last, func(e *attendance.Employee, days []attendance.Day) employeeTotals {
			var t employeeTotals
			t.work, t.time, t.leave = cals.Summarize(ros.schedule(e), settings, now, days, leave.of(e.ID))
			return t
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	limit, offset := pageArgs(f.Page)
	if f.All {
		limit, offset = len(emps), 0
	}
	for i, e := range emps {
		t := sum[i]
		ov.Totals.Add(t.work)
		ov.TimeTotals.Add(t.time)
		ov.LeaveTotals.Add(t.leave)
		if i >= offset && i < offset+limit {
			ov.Results = append(ov.Results, attendance.OverviewRow{EmployeeID: e.ID, Username: e.Username, Name: e.Name(),
				Department: e.Department, OverviewTotals: t.work, TimeTotals: t.time, LeaveTotals: t.leave})
		}
	}
	return ov, nil
}

// employeeTotals are the figures of one employee's overview row.
type employeeTotals struct {
	work  attendance.OverviewTotals
	time  attendance.TimeTotals
	leave attendance.LeaveTotals
}

// sumOverview reads the stored days from first to last of emps (the
// employees matching w, in id order) from the days' rollup, one row per
// employee and month (month.go), and returns what summarize makes of each
// employee's days, in the order of emps. The rows come in employee order;
// over a large scope the employees are summed by GOMAXPROCS workers while
// the rows are read.
func (db *DB) sumOverview(ctx context.Context, rep report, emps []*attendance.Employee, w where, first, last attendance.Date,
	summarize func(*attendance.Employee, []attendance.Day) employeeTotals) ([]employeeTotals, error) {
	out := make([]employeeTotals, len(emps))
	if days := db.overviewDays(); days != nil { // a test's: the days as read before the rollup
		byEmployee, err := days(ctx, emps, first, last)
		if err != nil {
			return nil, err
		}
		for i, e := range emps {
			out[i] = summarize(e, byEmployee[e.ID])
		}
		return out, nil
	}
	firstMonth, _ := monthpack.Month(first)
	lastMonth, _ := monthpack.Month(last)
	// Of each month only its slots in the range: a month's overview reads
	// two days of its last calendar month, not 31.
	firstFrom, firstN := monthpack.Within(firstMonth, first, last)
	_, lastN := monthpack.Within(lastMonth, first, last)
	months := `SELECT m.employee_id, m.month, substr(m.days, CASE WHEN m.month = ? THEN CAST(? AS INTEGER) ELSE 1 END,
		CASE WHEN m.month = ? THEN CAST(? AS INTEGER) WHEN m.month = ? THEN CAST(? AS INTEGER) ELSE CAST(? AS INTEGER) END)`
	args := []any{firstMonth.String(), firstFrom*monthpack.SlotSize + 1, firstMonth.String(), firstN * monthpack.SlotSize,
		lastMonth.String(), lastN * monthpack.SlotSize, monthpack.Size}
	// Employees first, then each one's months by primary key: the rows come
	// out in order without a sort, and the cost follows the months in the
	// range. (CROSS JOIN fixes that join order on SQLite; PostgreSQL plans
	// its own.) A few employees (a team) are named by their ids: one scan
	// of the rollup's primary key, whatever the size of the company.
	var query string
	switch {
	case len(emps) <= maxScopeIDs:
		ids := make([]any, 0, len(emps)+1)
		ids = append(ids, int64(0)) // no employee: the list is never empty
		for _, e := range emps {
			ids = append(ids, e.ID)
		}
		query = months + ` FROM attendance_months m
			WHERE m.employee_id IN (` + placeholders(len(ids)) + `) AND m.month >= ? AND m.month <= ? ORDER BY m.employee_id, m.month`
		args = append(args, ids...)
	case w.everyone():
		// Everyone: the rollup alone, in its primary key's order (the rows
		// of the employees not in the overview are passed over below).
		// Joined with the employees, PostgreSQL read a year over 100,000
		// people as a parallel merge of a nested loop per employee, 2.5 to 5
		// times the time of this one scan.
		query = months + ` FROM attendance_months m
			WHERE m.month >= ? AND m.month <= ? ORDER BY m.employee_id, m.month`
	default:
		query = months + ` FROM employees e CROSS JOIN attendance_months m
			WHERE m.employee_id = e.id AND ` + w.String() + ` AND m.month >= ? AND m.month <= ? ORDER BY e.id, m.month`
		args = append(args, w.args...)
	}
	args = append(args, firstMonth.String(), lastMonth.String())
	rows, err := rep.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	// A job is one employee's packed months, copied into a buffer that is
	// used again once they are summed: the rows' bytes are not garbage.
	type job struct {
		i      int
		months []attendance.Date
		packed []byte // each month's slots in the range (monthpack.Within)
	}
	free := sync.Pool{New: func() any { return new(job) }}
	sumJob := func(j *job, days []attendance.Day) ([]attendance.Day, error) {
		defer free.Put(j)
		days = days[:0]
		packed := j.packed
		for _, m := range j.months {
			from, n := monthpack.Within(m, first, last)
			var err error
			if days, err = monthpack.UnpackSlots(days, m, from, packed[:n*monthpack.SlotSize]); err != nil {
				return days, fmt.Errorf("the days' rollup of employee %d, %s: %w", emps[j.i].ID, m, err)
			}
			packed = packed[n*monthpack.SlotSize:]
		}
		out[j.i] = summarize(emps[j.i], days)
		return days, nil
	}
	var (
		jobs    chan *job
		wg      sync.WaitGroup
		mu      sync.Mutex
		sumErr  error
		inline  []attendance.Day
		workers = min(runtime.GOMAXPROCS(0), len(emps)/parallelOverview)
	)
	if workers > 1 {
		jobs = make(chan *job, 4*workers)
		for range workers {
			wg.Go(func() {
				var days []attendance.Day
				for j := range jobs {
					var err error
					if days, err = sumJob(j, days); err != nil {
						mu.Lock()
						sumErr = cmp.Or(sumErr, err)
						mu.Unlock()
					}
				}
			})
		}
	}
	dispatch := func(j *job) error {
		if jobs != nil {
			jobs <- j
			return nil
		}
		var err error
		inline, err = sumJob(j, inline)
		return err
	}
	err = func() error {
		var (
			// The row read ahead; its bytes are valid until the next Next.
			nextID    int64
			nextMonth attendance.Date
			nextDays  rawBytes
			hasNext   bool
		)
		for i, e := range emps {
			j := free.Get().(*job)
			j.i, j.months, j.packed = i, j.months[:0], j.packed[:0]
			for {
				if !hasNext {
					if !rows.Next() {
						break
					}
					if err := rows.Scan(&nextID, dateCol{&nextMonth}, &nextDays); err != nil {
						return err
					}
					if _, n := monthpack.Within(nextMonth, first, last); len(nextDays) != n*monthpack.SlotSize {
						return fmt.Errorf("the days' rollup of employee %d, %s: %d bytes, want %d", nextID, nextMonth, len(nextDays), n*monthpack.SlotSize)
					}
					hasNext = true
				}
				if nextID > e.ID {
					break // it belongs to a later employee
				}
				if nextID == e.ID {
					j.months, j.packed = append(j.months, nextMonth), append(j.packed, nextDays...)
				}
				hasNext = false
			}
			if err := dispatch(j); err != nil {
				return err
			}
		}
		return rows.Err()
	}()
	if jobs != nil {
		close(jobs)
		wg.Wait()
	}
	return out, cmp.Or(err, sumErr)
}

// report holds the large reads of a report: where the dialect pipelines,
// a read-only transaction begun with the dialect's ReportSetup whose rows
// come as the driver reads them (no database/sql copy of each value);
// otherwise the read pool.
type report struct {
	db   *DB
	pipe Pipe // nil: the read pool
}

// inReport runs fn with the reads of a report.
func (db *DB) inReport(ctx context.Context, fn func(report) error) error {
	if db.d.Pipe == nil {
		return fn(report{db: db})
	}
	return db.d.Pipe(ctx, db.read, true, func(p Pipe) error {
		if db.d.ReportSetup != "" {
			p.Later(db.d.ReportSetup) // with the first query
		}
		return fn(report{db: db, pipe: p})
	})
}

// query runs a query of the report, not prepared (the large ones' text
// varies with the scope).
func (r report) query(ctx context.Context, query string, args ...any) (Rows, error) {
	if r.pipe != nil {
		return r.pipe.Query(ctx, r.db.q(query), args...)
	}
	return r.db.read.QueryContext(ctx, r.db.q(query), args...)
}

func (r report) queryRow(ctx context.Context, query string, args ...any) row {
	rows, err := r.query(ctx, query, args...)
	return pipeRow{rows, err}
}

// rawBytes is a column's bytes as the driver holds them, valid until the
// next row: pgx hands them over (ScanBytes), database/sql too (Scan).
type rawBytes []byte

func (b *rawBytes) ScanBytes(v []byte) error {
	*b = v
	return nil
}

func (b *rawBytes) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*b = v
	case string:
		*b = []byte(v)
	case nil:
		*b = nil
	default:
		return fmt.Errorf("sqlstore: cannot scan a %T into bytes", src)
	}
	return nil
}

// parallelOverview is how many employees in scope make the overview worth
// a worker more.
const parallelOverview = 500

// maxScopeIDs is the largest scope the overview names by its ids.
const maxScopeIDs = 500

// addOverviewScope adds the condition that e.id is in the actor's scope. A
// manager's scope is read first and, unless it is larger than maxScopeIDs,
// named by its ids: each of the overview's queries then starts from those
// few employees, instead of PostgreSQL joining every employee of the
// company with the reporting lines (a merge join over the whole table,
// whose cost grew with the company and not with the team).
func (db *DB) addOverviewScope(ctx context.Context, w *where, a attendance.Actor) error {
	if a.Role != attendance.RoleManager {
		w.addScope(a, "e.id")
		return nil
	}
	rows, err := db.reader().query(ctx, descendantsQuery+` LIMIT ?`, a.ID, maxScopeIDs+1)
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	if len(ids) > maxScopeIDs {
		w.addScope(a, "e.id")
		return nil
	}
	slices.Sort(ids)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	w.add("e.id IN ("+placeholders(len(ids))+")", args...)
	return nil
}

func dayOfMonth(d attendance.Date) int {
	s := d.String()
	return int(s[8]-'0')*10 + int(s[9]-'0')
}

// approvedLeave returns the approved requests overlapping a range of the
// employees matching w, by employee: their dates, unit, cost, type and
// minutes only. The (status, end_date) index finds them without reading the
// requests that ended before the range.
func (db *DB) approvedLeave(ctx context.Context, w where, first, last attendance.Date) (map[int64][]attendance.LeaveRequest, error) {
	rows, err := db.reader().query(ctx, approvedLeaveSQL(w),
		append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]attendance.LeaveRequest{}
	for rows.Next() {
		r := attendance.LeaveRequest{Status: attendance.LeaveApproved}
		var num, den int64
		if err := rows.Scan(&r.EmployeeID, dateCol{&r.StartDate}, dateCol{&r.EndDate}, &r.HalfDay, &r.Unit, &num, &den,
			&r.LeaveType, &r.Minutes); err != nil {
			return nil, err
		}
		r.Cost = attendance.NewAmount(num, den)
		out[r.EmployeeID] = append(out[r.EmployeeID], r)
	}
	return out, rows.Err()
}

// approvedLeaveSQL selects the columns of the approved requests of the
// employees matching w that the overview counts, overlapping a range (the
// arguments: w's, then the first and last dates).
func approvedLeaveSQL(w where) string {
	return `SELECT l.employee_id, l.start_date, l.end_date, l.half_day, l.unit, l.cost_num, l.cost_den, l.leave_type, l.minutes
		FROM employees e JOIN leave_requests l ON l.employee_id = e.id
		WHERE ` + w.String() + ` AND l.status = 'approved' AND l.end_date >= ? AND l.start_date <= ?`
}

// leaveByEmployee is the overview's approved leave: each employee's
// requests together, in the order of the employees' ids (and as read within
// an employee).
type leaveByEmployee struct {
	ids   []int64 // the employees', in order
	start []int   // ids[i]'s leave is leave[start[i]:start[i+1]]
	leave []attendance.ApprovedLeave
}

// of returns the leave of employee id.
func (l *leaveByEmployee) of(id int64) []attendance.ApprovedLeave {
	i, ok := slices.BinarySearch(l.ids, id)
	if !ok {
		return nil
	}
	return l.leave[l.start[i]:l.start[i+1]:l.start[i+1]]
}

// overviewLeave returns the approved leave overlapping a range of emps (the
// employees matching w, in id order), as the overview counts it: only the
// columns it needs, in one slice for everyone made to size, with the few
// types and units shared, not a request value (or a string) per row. The
// (status, end_date) index finds them without reading the requests that
// ended before the range, which are most of them for the recent ranges an
// overview is mostly asked for; on PostgreSQL it holds these columns too
// (migration 00023), so that the requests' own pages are not read at all.
func (db *DB) overviewLeave(ctx context.Context, rep report, emps []*attendance.Employee, w where, first, last attendance.Date) (*leaveByEmployee, error) {
	out := &leaveByEmployee{ids: make([]int64, len(emps)), start: make([]int, len(emps)+1)}
	for i, e := range emps {
		out.ids[i] = e.ID
	}
	rows, err := rep.query(ctx, approvedLeaveSQL(w),
		append(w.args, first.String(), last.String())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	// The rows come in no order: read in chunks (a slice grown by copying
	// was a third of the read), counted per employee, then placed. A row
	// read is a few numbers, its type and unit the index of the shared
	// string, scanned into the same variables each time: at a million
	// rows, a request value per row was most of the overview's garbage.
	type row struct {
		i          int32 // in emps
		start, end attendance.Date
		typ, unit  uint32 // in types, units
		minutes    int64
		cost       attendance.Amount
		halfDay    bool
	}
	const chunk = 4096
	var (
		chunks     [][]row
		n          int
		id         int64
		start, end attendance.Date
		halfDay    bool
		unit, typ  rawBytes
		num, den   int64
		minutes    sql.NullInt64
		units      []attendance.LeaveUnit
		types      []attendance.LeaveType
		unitOf     = map[string]uint32{}
		typeOf     = map[string]uint32{}
	)
	dest := []any{&id, dateCol{&start}, dateCol{&end}, &halfDay, &unit, &num, &den, &typ, &minutes}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		i, ok := slices.BinarySearch(out.ids, id)
		if !ok {
			continue // not in the overview (deactivated before the range)
		}
		r := row{i: int32(i), start: start, end: end, halfDay: halfDay, cost: attendance.NewAmount(num, den), minutes: minutes.Int64}
		if r.unit, ok = unitOf[string(unit)]; !ok {
			r.unit, units = uint32(len(units)), append(units, attendance.LeaveUnit(unit))
			unitOf[string(units[r.unit])] = r.unit
		}
		if r.typ, ok = typeOf[string(typ)]; !ok {
			r.typ, types = uint32(len(types)), append(types, attendance.LeaveType(typ))
			typeOf[string(types[r.typ])] = r.typ
		}
		if n%chunk == 0 {
			chunks = append(chunks, make([]row, 0, chunk))
		}
		chunks[len(chunks)-1] = append(chunks[len(chunks)-1], r)
		out.start[i+1]++
		n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range emps {
		out.start[i+1] += out.start[i]
	}
	out.leave = make([]attendance.ApprovedLeave, n)
	next := slices.Clone(out.start[:len(emps)])
	for _, c := range chunks {
		for _, r := range c {
			out.leave[next[r.i]] = attendance.ApprovedLeave{LeaveType: types[r.typ], StartDate: r.start, EndDate: r.end, HalfDay: r.halfDay,
				Unit: units[r.unit], Cost: r.cost, Minutes: int(r.minutes)}
			next[r.i]++
		}
	}
	return out, nil
}

// leaveTypeCodes returns the code of every leave type, retired ones too, in
// code order.
func (db *DB) leaveTypeCodes(ctx context.Context, q queryer) ([]attendance.LeaveType, error) {
	rows, err := q.query(ctx, `SELECT code FROM leave_types ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.LeaveType
	for rows.Next() {
		var c attendance.LeaveType
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
