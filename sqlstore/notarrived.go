package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/openattendance/attendance"
)

// The not_arrived check reads only the employees whose deadline passed since
// its last run (check_marks), and those whom a change since then may have
// made due: created or edited, given a pattern or an override, on hourly
// leave, or whose entry was voided; a deletion (a holiday, a pattern, an
// override) makes the next run look at everyone. It decides with the domain's rule, as a
// run over everyone would, and stores the notifications of a batch of
// employees in one transaction.

const (
	// markNotArrived names the check's mark in check_marks.
	markNotArrived = "not_arrived"
	// notArrivedBatch is how many employees a run reads, and writes the
	// notifications of, at a time.
	notArrivedBatch = 500
	// changeSlack widens the look at changes: a change made just before a
	// run may commit after the run read, with an instant before its mark.
	changeSlack = 5 * time.Minute
)

// CheckNotArrived notifies the managers of everyone who, at now, has not
// clocked in on a working day without leave although their start plus grace
// plus 30 minutes has passed (attendance.NotArrivedDueOn). It reads only the
// employees whose deadline passed since the last run (at most
// attendance.NotArrivedLookBack ago) or whom a change since may have made
// due. A run while another is under way (a run longer than its period)
// leaves the work to it. It returns how many employees were newly reported.
func (s *Checks) CheckNotArrived(ctx context.Context, now time.Time) (_ int, err error) {
	defer wrap(&err, "CheckNotArrived(%s)", now.Format(time.RFC3339))
	n := 0
	_, err = s.db.exclusive(ctx, markNotArrived, func() (err error) {
		n, err = s.checkNotArrived(ctx, now)
		return err
	})
	return n, err
}

// checkNotArrived is a run of CheckNotArrived, whether or not another is
// under way.
func (s *Checks) checkNotArrived(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	since, err := s.db.checkMark(ctx, markNotArrived, now, attendance.NotArrivedLookBack)
	if err != nil {
		return 0, err
	}
	n, err := s.notArrived(ctx, now, since, true)
	if err != nil {
		return n, err
	}
	return n, s.db.setCheckMark(ctx, markNotArrived, now)
}

// notArrived decides the not_arrived notifications due at now among the
// employees a run following one at since reads (a zero since: everyone
// active), and, when write is set,
// stores them. It returns how many employees were reported (or, without
// write, are due, not told yet, and have someone to tell).
func (s *Checks) notArrived(ctx context.Context, now, since time.Time, write bool) (int, error) {
	// Every local "today" lies within a day of the UTC date; the check also
	// looks at each employee's yesterday (a night that began then).
	utcToday := attendance.DateOf(now)
	first, last := utcToday.AddDays(-2), utcToday.AddDays(1)
	var ids []int64
	var err error
	if since.IsZero() {
		ids, err = s.db.ids(ctx, s.db.reader(), `SELECT id FROM employees WHERE active = ? ORDER BY id`, true)
	} else {
		ids, err = s.notArrivedCandidates(ctx, now, since, first, last)
	}
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	holidays, err := s.db.holidays(ctx, s.db.reader(), first, last)
	if err != nil {
		return 0, err
	}
	n := 0
	for len(ids) > 0 {
		k := min(len(ids), notArrivedBatch)
		due, err := s.notArrivedDue(ctx, now, ids[:k], holidays, first, last)
		ids = ids[k:]
		if err != nil {
			return n, err
		}
		if !write {
			told, err := s.wouldTell(ctx, due)
			n += told
			if err != nil {
				return n, err
			}
			continue
		}
		reported, err := s.reportNotArrived(ctx, due)
		n += reported
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// notArrivedCandidates returns, in order, the ids of the active employees a
// run at now following one at since must look at: those with a shift (of
// their schedule fields, a pattern, or an override of the dates from first
// to last) whose deadline passed in [since, now) in their zone, those with
// hourly leave on the dates, and those changed since.
func (s *Checks) notArrivedCandidates(ctx context.Context, now, since time.Time, first, last attendance.Date) ([]int64, error) {
	db := s.db
	r := db.reader()
	type group struct {
		zone         string
		start, grace int
	}
	var groups []group
	rows, err := r.query(ctx, `SELECT DISTINCT timezone, work_start, late_grace_minutes FROM employees WHERE active`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.zone, &g.start, &g.grace); err != nil {
			rows.Close()
			return nil, err
		}
		groups = append(groups, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	zones := map[string]*time.Location{}
	for _, g := range groups {
		if _, ok := zones[g.zone]; !ok {
			loc, err := time.LoadLocation(g.zone)
			if err != nil {
				loc = nil // read everyone of the zone: the rule reports the zone
			}
			zones[g.zone] = loc
		}
	}
	passed := func(zone string, start attendance.TimeOfDay, grace int) bool {
		loc := zones[zone]
		return loc == nil || attendance.NotArrivedPassed(loc, start, grace, since, now)
	}
	seen := map[int64]bool{}
	var ids []int64
	add := func(query string, args ...any) error {
		more, err := db.ids(ctx, r, query, args...)
		for _, id := range more {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return err
	}

	// The schedule fields: by zone, start and grace.
	var due []group
	for _, g := range groups {
		if passed(g.zone, attendance.TimeOfDay(g.start), g.grace) {
			due = append(due, g)
		}
	}
	if len(due) == len(groups) {
		if err := add(`SELECT id FROM employees WHERE active`); err != nil {
			return nil, err
		}
	} else {
		for _, g := range due {
			if err := add(`SELECT id FROM employees WHERE active AND timezone = ? AND work_start = ? AND late_grace_minutes = ?`,
				g.zone, g.start, g.grace); err != nil {
				return nil, err
			}
		}
	}

	// The patterns and overrides: by zone and shift.
	shifts, err := db.allShifts(ctx, r)
	if err != nil {
		return nil, err
	}
	var dueShifts []int64
	for id, sh := range shifts {
		for zone := range zones {
			if !passed(zone, sh.Start, sh.GraceMinutes) {
				continue
			}
			if !slices.Contains(dueShifts, id) {
				dueShifts = append(dueShifts, id)
			}
			if err := add(`SELECT DISTINCT p.employee_id FROM shift_pattern_days pd JOIN shift_patterns p ON p.id = pd.pattern_id
				JOIN employees e ON e.id = p.employee_id WHERE pd.shift_id = ? AND e.timezone = ? AND e.active = ?`, id, zone, true); err != nil {
				return nil, err
			}
		}
	}
	changed := db.t(since.Add(-changeSlack))
	if err := add(`SELECT DISTINCT employee_id FROM roster_overrides WHERE date >= ? AND date <= ? AND (`+db.inIDs("shift_id")+` OR updated_at >= ?)`,
		first.AddDays(-1).String(), last.AddDays(1).String(), db.idsArg(dueShifts), changed); err != nil {
		return nil, err
	}
	// Hourly leave moves a deadline to the leave's end.
	if err := add(`SELECT DISTINCT employee_id FROM leave_requests WHERE status = 'approved' AND start_date >= ? AND start_date <= ?
		AND start_at IS NOT NULL`, first.String(), last.String()); err != nil {
		return nil, err
	}
	// What changed since: employees created or edited, patterns given,
	// entries voided.
	if err := add(`SELECT id FROM employees WHERE (created_at >= ? OR updated_at >= ?) AND active`, changed, changed); err != nil {
		return nil, err
	}
	if err := add(`SELECT DISTINCT employee_id FROM shift_patterns WHERE created_at >= ?`, changed); err != nil {
		return nil, err
	}
	if err := add(`SELECT DISTINCT employee_id FROM attendance_events WHERE voided AND voided_at >= ?`, changed); err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// notArrivedDue is a not_arrived notification due: an employee's date and
// its deadline.
type notArrivedDue struct {
	emp      *attendance.Employee
	day      attendance.Date
	deadline time.Time
}

// notArrivedDue decides, with the domain's rule, which of the active
// employees ids are due a not_arrived notification at now and not told yet.
func (s *Checks) notArrivedDue(ctx context.Context, now time.Time, ids []int64, holidays attendance.Holidays, first, last attendance.Date) ([]notArrivedDue, error) {
	db := s.db
	r := db.reader()
	var w where
	w.add("e.active = ?", true)
	w.add(db.inIDs("e.id"), db.idsArg(ids))
	emps, err := db.employeeList(ctx, `SELECT `+employeeCols+` FROM employees e WHERE `+w.String()+` ORDER BY e.id`, w.args...)
	if err != nil || len(emps) == 0 {
		return nil, err
	}
	type empDay struct {
		id int64
		d  attendance.Date
	}
	present := map[empDay]bool{}
	rows, err := r.query(ctx, `SELECT employee_id, date FROM attendance_days WHERE `+db.inIDs("employee_id")+` AND date >= ? AND date <= ? AND entries > 0`,
		db.idsArg(ids), first.String(), last.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k empDay
		if err := rows.Scan(&k.id, dateCol{&k.d}); err != nil {
			rows.Close()
			return nil, err
		}
		present[k] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	leave, err := db.approvedLeave(ctx, w, first, last)
	if err != nil {
		return nil, err
	}
	ros, err := db.loadRoster(ctx, r, w, first.AddDays(-1), last.AddDays(1))
	if err != nil {
		return nil, err
	}
	hourly := map[empDay][]attendance.Interval{}
	rows, err = r.query(ctx, `SELECT employee_id, start_date, start_at, end_at FROM leave_requests WHERE `+db.inIDs("employee_id")+`
		AND status = 'approved' AND start_date >= ? AND start_date <= ? AND start_at IS NOT NULL ORDER BY employee_id, start_at`,
		db.idsArg(ids), first.String(), last.String())
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k empDay
		var in attendance.Interval
		if err := rows.Scan(&k.id, dateCol{&k.d}, timeCol{&in.Start}, timeCol{&in.End}); err != nil {
			rows.Close()
			return nil, err
		}
		hourly[k] = append(hourly[k], in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	told := map[string]bool{}
	rows, err = r.query(ctx, `SELECT DISTINCT cause FROM notifications WHERE `+db.inIDs("employee_id")+` AND kind = 'not_arrived' AND created_at >= ?`,
		db.idsArg(ids), db.t(now.Add(-72*time.Hour)))
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		told[c] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var out []notArrivedDue
	for _, e := range emps {
		sched := ros.schedule(e)
		for _, day := range sched.NotArrivedDates(now) {
			k := empDay{e.ID, day}
			onLeave := attendance.OnLeaveOn(sched, holidays, day, leave[e.ID])
			due, deadline := sched.NotArrivedDueOn(day, holidays, now, onLeave, present[k], hourly[k])
			if !due || told[attendance.NotArrivedCause(e.ID, day)] {
				continue
			}
			out = append(out, notArrivedDue{emp: e, day: day, deadline: deadline})
		}
	}
	return out, nil
}

// reportNotArrived stores the notifications of due in one transaction,
// checking inside it that their employees still have not clocked in. It
// returns how many employees were reported; a cause stored already (a second
// worker) reports nobody again.
func (s *Checks) reportNotArrived(ctx context.Context, due []notArrivedDue) (int, error) {
	if len(due) == 0 {
		return 0, nil
	}
	db := s.db
	reported := 0
	err := db.inTx(ctx, func(tx *Tx) error {
		reported = 0
		ids := make([]int64, 0, len(due))
		first, last := due[0].day, due[0].day
		for _, d := range due {
			if len(ids) == 0 || ids[len(ids)-1] != d.emp.ID {
				ids = append(ids, d.emp.ID)
			}
			first, last = min(first, d.day), max(last, d.day)
		}
		type empDay struct {
			id int64
			d  attendance.Date
		}
		present := map[empDay]bool{}
		rows, err := tx.query(ctx, `SELECT employee_id, date FROM attendance_days WHERE `+db.inIDs("employee_id")+` AND date >= ? AND date <= ?
			AND entries > 0`, db.idsArg(ids), first.String(), last.String())
		if err != nil {
			return err
		}
		for rows.Next() {
			var k empDay
			if err := rows.Scan(&k.id, dateCol{&k.d}); err != nil {
				rows.Close()
				return err
			}
			present[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		chains, err := db.chains(ctx, tx, ids)
		if err != nil {
			return err
		}
		var admins []int64
		adminsRead := false
		var ns []attendance.Notification
		for _, d := range due {
			if present[empDay{d.emp.ID, d.day}] {
				continue
			}
			chain := chains[d.emp.ID]
			if !hasActiveManager(d.emp.ID, chain) && !adminsRead {
				if admins, err = db.activeAdmins(ctx, tx); err != nil {
					return err
				}
				adminsRead = true
			}
			ns = append(ns, attendance.NotArrived(d.emp, d.day, d.deadline, attendance.NotifyManagers(d.emp.ID, chain, admins))...)
		}
		stored, err := db.notify(ctx, tx, ns)
		if err != nil {
			return err
		}
		causes := map[string]bool{}
		for _, n := range stored {
			if !causes[n.Cause] {
				causes[n.Cause] = true
				reported++
			}
		}
		return nil
	})
	return reported, err
}

// wouldTell counts the notifications of due that have someone to tell.
func (s *Checks) wouldTell(ctx context.Context, due []notArrivedDue) (int, error) {
	if len(due) == 0 {
		return 0, nil
	}
	ids := make([]int64, 0, len(due))
	for _, d := range due {
		ids = append(ids, d.emp.ID)
	}
	chains, err := s.db.chains(ctx, s.db.reader(), ids)
	if err != nil {
		return 0, err
	}
	admins, err := s.db.activeAdmins(ctx, s.db.reader())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		if len(attendance.NotifyManagers(d.emp.ID, chains[d.emp.ID], admins)) > 0 {
			n++
		}
	}
	return n, nil
}

// chains returns the lines of managers above the employees ids, nearest
// first (chain, for many employees in one query).
func (db *DB) chains(ctx context.Context, q queryer, ids []int64) (map[int64]attendance.Chain, error) {
	rows, err := q.query(ctx, `
WITH RECURSIVE up(start, id, role, active, manager_id, depth) AS (
	SELECT e.id, m.id, m.role, m.active, m.manager_id, 1 FROM employees e JOIN employees m ON m.id = e.manager_id WHERE `+db.inIDs("e.id")+`
	UNION ALL
	SELECT up.start, m.id, m.role, m.active, m.manager_id, up.depth + 1 FROM up JOIN employees m ON m.id = up.manager_id
	WHERE up.depth < 64
)
SELECT start, id, role, active FROM up ORDER BY start, depth`, db.idsArg(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]attendance.Chain{}
	seen := map[int64]bool{}
	var cur int64
	stop := false
	for rows.Next() {
		var start int64
		var l attendance.ChainLink
		if err := rows.Scan(&start, &l.ID, &l.Role, &l.Active); err != nil {
			return nil, err
		}
		if start != cur {
			cur, stop = start, false
			clear(seen)
		}
		if stop || seen[l.ID] {
			stop = true // a cycle: chain stops at the first repeat
			continue
		}
		seen[l.ID] = true
		out[start] = append(out[start], l)
	}
	return out, rows.Err()
}

// checkMark returns the instant from which a run of the named check at now
// looks: the instant its last run covered, or, without one (or one after
// now), lookBack before now, and never earlier than that.
func (db *DB) checkMark(ctx context.Context, name string, now time.Time, lookBack time.Duration) (time.Time, error) {
	since := now.Add(-lookBack)
	var until time.Time
	err := db.reader().queryRow(ctx, `SELECT checked_until FROM check_marks WHERE name = ?`, name).Scan(timeCol{&until})
	if errors.Is(err, sql.ErrNoRows) {
		return since, nil
	} else if err != nil {
		return since, err
	}
	if until.After(since) && !until.After(now) {
		since = until
	}
	return since, nil
}

// setCheckMark records that the named check covered everything up to now;
// a mark never goes back (an overlapping run that ends later).
func (db *DB) setCheckMark(ctx context.Context, name string, now time.Time) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO check_marks (name, checked_until) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET checked_until = excluded.checked_until WHERE check_marks.checked_until < excluded.checked_until`,
			name, db.t(now))
		return err
	})
}

// forgetCheckMarks makes the next run of each check look as far back as it
// may, over everyone: a deletion (a holiday, a pattern, an override) leaves
// no row saying whom it may have made due.
func (db *DB) forgetCheckMarks(ctx context.Context, tx *Tx) error {
	_, err := tx.exec(ctx, `DELETE FROM check_marks`)
	return err
}
