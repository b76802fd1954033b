package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/demo"
	"github.com/openattendance/attendance/internal/storetest"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/sqlstore"
)

// TestShiftMigration: migrations 00008–00010 on the demo company as
// version 7 stored it. Every stored day and every overview figure reads the
// same after the migration as the service of version 7 computed it; every
// employee has one one-week pattern of one shift on their work days; the
// days gain their breaks, last exits and open sessions from the events.
func TestShiftMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := storetest.OpenUnmigrated(t, testDB)
	db, read, dialect := u.Write, u.Read, u.Dialect
	param := func(int) string { return "?" }
	enc := func(t time.Time) any { return t.UnixMicro() }
	if dialect.NumberedParams {
		param = func(n int) string { return fmt.Sprint("$", n) }
		enc = func(t time.Time) any { return t }
	}
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	if err := u.MigrateTo(ctx, logger, 7); err != nil {
		t.Fatal(err)
	}

	// The demo company, written as version 7 wrote it.
	today := attendance.MustParseDate("2026-11-18")
	now := today.In(time.UTC).Add(15 * time.Hour)
	w := &v7Writer{db: db, param: param, enc: enc, now: now}
	if _, err := demo.Generate(ctx, w, "x", demo.Options{Employees: 40, Days: 75, Seed: 7, Today: today, Now: now}, nil); err != nil {
		t.Fatal(err)
	}
	dayCols := "employee_id, date, entries, late, late_minutes, worked_seconds, open_sessions"
	before := testenv.Rows(t, db, "SELECT "+dayCols+" FROM attendance_days ORDER BY employee_id, date")
	if len(before) < 1000 {
		t.Fatalf("the demo company has only %d days", len(before))
	}
	type rng struct{ from, to attendance.Date }
	ranges := []rng{{today.AddDays(-74), today}, {attendance.MustParseDate("2026-10-01"), attendance.MustParseDate("2026-10-31")},
		{attendance.MustParseDate("2026-10-28"), attendance.MustParseDate("2026-11-03")}, {today, today}}
	// What version 7 computed (sqlstore.Overview of then): Summarize with
	// the employee's schedule of today.
	want := map[rng]map[int64]attendance.OverviewTotals{}
	for _, r := range ranges {
		want[r] = map[int64]attendance.OverviewTotals{}
		for _, e := range w.emps {
			if !e.InOverview(r.from) {
				continue
			}
			s := e.Schedule()
			want[r][e.ID] = attendance.Summarize(s, w.holidays, r.from, r.to, s.Today(now), w.daysOf(e.ID),
				attendance.ApprovedLeaveDays(s, w.holidays, r.from, r.to, w.leave[e.ID]))
		}
	}

	if err := u.MigrateTo(ctx, logger, 0); err != nil {
		t.Fatalf("migrations 00008–00010: %v", err)
	}
	if after := testenv.Rows(t, db, "SELECT "+dayCols+" FROM attendance_days ORDER BY employee_id, date"); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("the stored days changed:\n%d rows before, %d after", len(before), len(after))
	}
	if n := testenv.Rows(t, db, "SELECT id FROM attendance_events WHERE work_date IS NOT NULL"); len(n) != 0 {
		t.Errorf("%d events got a work date", len(n))
	}
	if got := testenv.Rows(t, db, "SELECT COUNT(*) FROM shift_patterns"); got[0] != fmt.Sprint(len(w.emps)) {
		t.Errorf("patterns: %s, want one per employee (%d)", got[0], len(w.emps))
	}

	// The figures, read by the service after the migration.
	store, err := sqlstore.New(db, read, dialect, sqlstore.Config{CompanyTimezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	store.Now = func() time.Time { return now }
	svc := sqlstore.NewAttendanceService(store)
	admin := attendance.Actor{ID: w.admin, Role: attendance.RoleAdmin}
	for _, r := range ranges {
		ov, err := svc.Overview(ctx, admin, attendance.OverviewFilter{From: &r.from, To: &r.to, All: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(ov.Results) != len(want[r]) {
			t.Errorf("%s–%s: %d rows, want %d", r.from, r.to, len(ov.Results), len(want[r]))
		}
		var total attendance.OverviewTotals
		for _, row := range ov.Results {
			total.Add(row.OverviewTotals)
			if w := want[r][row.EmployeeID]; w != row.OverviewTotals {
				t.Errorf("%s–%s, employee %d:\nbefore %+v\nafter  %+v", r.from, r.to, row.EmployeeID, w, row.OverviewTotals)
			}
			if row.BreakDeductedSeconds != 0 {
				t.Errorf("employee %d: %d s deducted without a break rule", row.EmployeeID, row.BreakDeductedSeconds)
			}
		}
		if total != ov.Totals {
			t.Errorf("%s–%s: totals %+v, rows sum to %+v", r.from, r.to, ov.Totals, total)
		}
	}

	// The days' new columns are what the day builder makes of the events.
	for _, e := range w.emps {
		for _, d := range w.daysOf(e.ID) {
			var brk int64
			var lastExit, openSince any
			if err := read.QueryRowContext(ctx, "SELECT break_seconds, last_exit_at, open_since FROM attendance_days WHERE employee_id = "+
				param(1)+" AND date = "+param(2), e.ID, d.Date.String()).Scan(&brk, &lastExit, &openSince); err != nil {
				t.Fatal(err)
			}
			if brk != d.BreakSeconds {
				t.Fatalf("employee %d, %s: break %d s, want %d", e.ID, d.Date, brk, d.BreakSeconds)
			}
			if got := testenv.Instant(t, lastExit); !got.Equal(d.LastExit) {
				t.Fatalf("employee %d, %s: last exit %v, want %v", e.ID, d.Date, got, d.LastExit)
			}
			if got := testenv.Instant(t, openSince); !got.Equal(d.OpenSince) {
				t.Fatalf("employee %d, %s: open since %v, want %v", e.ID, d.Date, got, d.OpenSince)
			}
		}
	}
	if !strings.Contains(log.String(), "schedules became one-week patterns") {
		t.Errorf("the migration did not log its patterns:\n%s", log.String())
	}
}

// v7Writer writes the demo company with the columns of version 7, and keeps
// what it wrote.
type v7Writer struct {
	db       *sql.DB
	param    func(int) string
	enc      func(time.Time) any
	now      time.Time
	emps     []*attendance.Employee
	admin    int64
	holidays attendance.Holidays
	events   map[int64][]attendance.AttendanceEvent
	leave    map[int64][]attendance.LeaveRequest
}

func (w *v7Writer) q(s string) string {
	n := 0
	var b strings.Builder
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteString(w.param(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (w *v7Writer) daysOf(id int64) []attendance.Day {
	e := w.find(id)
	var live []attendance.AttendanceEvent
	for _, ev := range w.events[id] {
		if !ev.Voided {
			live = append(live, ev)
		}
	}
	return attendance.BuildDays(e.Schedule().Location, live)
}

func (w *v7Writer) find(id int64) *attendance.Employee {
	for _, e := range w.emps {
		if e.ID == id {
			return e
		}
	}
	return nil
}

func (w *v7Writer) Holiday(ctx context.Context, h *attendance.Holiday) error {
	if w.holidays == nil {
		w.holidays = attendance.Holidays{}
	}
	if _, ok := w.holidays[h.Date]; ok {
		return nil
	}
	w.holidays[h.Date] = h.Name
	_, err := w.db.ExecContext(ctx, w.q(`INSERT INTO holidays (date, name, created_at) VALUES (?, ?, ?)`), h.Date.String(), h.Name, w.enc(w.now))
	return err
}

func (w *v7Writer) Employee(ctx context.Context, e *attendance.Employee, hash string) error {
	var deact any
	if e.DeactivatedOn != nil {
		deact = e.DeactivatedOn.String()
	}
	err := w.db.QueryRowContext(ctx, w.q(`INSERT INTO employees (username, username_key, password_hash, email, first_name, last_name, role,
		manager_id, department, timezone, work_start, work_end, work_days, late_grace_minutes, annual_leave_days, hired_on, active,
		deactivated_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		e.Username, strings.ToLower(e.Username), hash, e.Email, e.FirstName, e.LastName, string(e.Role), e.ManagerID, e.Department,
		e.Timezone, int(e.WorkStart), int(e.WorkEnd), int(e.WorkDays), e.LateGraceMinutes, e.AnnualLeaveDays, e.HiredOn.String(),
		e.Active, deact, w.enc(w.now), w.enc(w.now)).Scan(&e.ID)
	if err != nil {
		return err
	}
	c := *e
	w.emps = append(w.emps, &c)
	if e.Role == attendance.RoleAdmin && w.admin == 0 {
		w.admin = e.ID
	}
	return nil
}

func (w *v7Writer) Attendance(ctx context.Context, employeeID int64, events []attendance.AttendanceEvent, days []attendance.Day) error {
	if w.events == nil {
		w.events = map[int64][]attendance.AttendanceEvent{}
	}
	w.events[employeeID] = append(w.events[employeeID], events...)
	// One transaction an employee: a commit a row would cost SQLite a
	// write of the log's pages per row.
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, e := range events {
		var voidedAt any
		if e.VoidedAt != nil {
			voidedAt = w.enc(*e.VoidedAt)
		}
		if _, err := tx.ExecContext(ctx, w.q(`INSERT INTO attendance_events (employee_id, type, ts, late, late_minutes, source, recorded_by,
			note, voided, voided_by, voided_at, void_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.EmployeeID, string(e.Type), w.enc(e.Timestamp), e.Late, e.LateMinutes, string(e.Source), e.RecordedBy, e.Note,
			e.Voided, e.VoidedBy, voidedAt, e.VoidNote, w.enc(w.now)); err != nil {
			return err
		}
	}
	for _, d := range days {
		if _, err := tx.ExecContext(ctx, w.q(`INSERT INTO attendance_days (employee_id, date, entries, late, late_minutes, worked_seconds,
			open_sessions) VALUES (?, ?, ?, ?, ?, ?, ?)`), employeeID, d.Date.String(), d.Entries, d.Late, d.LateMinutes, d.WorkedSeconds,
			d.OpenSessions); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (w *v7Writer) Leave(ctx context.Context, r *attendance.LeaveRequest) error {
	if w.leave == nil {
		w.leave = map[int64][]attendance.LeaveRequest{}
	}
	var decided any
	if r.DecidedAt != nil {
		decided = w.enc(*r.DecidedAt)
	}
	// Version 7 holds the exact cost (migration 00005): whole and half days.
	unit, num, den := "day", int64(r.Days), int64(1)
	if r.HalfDay {
		unit, num, den = "half_day", 1, 2
	}
	err := w.db.QueryRowContext(ctx, w.q(`INSERT INTO leave_requests (employee_id, leave_type, start_date, end_date, half_day, days, status,
		reason, decided_by, decided_at, decision_comment, created_at, cost_num, cost_den, unit)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		r.EmployeeID, string(r.LeaveType), r.StartDate.String(), r.EndDate.String(), r.HalfDay, r.Days, string(r.Status), r.Reason,
		r.DecidedBy, decided, r.DecisionComment, w.enc(r.CreatedAt), num, den, unit).Scan(&r.ID)
	if err == nil && r.Status == attendance.LeaveApproved {
		w.leave[r.EmployeeID] = append(w.leave[r.EmployeeID], *r)
	}
	return err
}
