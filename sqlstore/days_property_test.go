package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/monthpack"
	"github.com/openattendance/attendance/internal/testenv"
	"github.com/openattendance/attendance/sqlstore"
)

// TestDaysFollowEvents is a property test of the stored days and of their
// rollup by month, which the overview reads: after every write of a random
// history — clock-ins and -outs, a manager's entries and exits recorded
// between earlier events, voids, corrections approved, and once a change of
// time zone that derives every day again — the stored days are what the
// rules build from the stored events, the rollup unpacks to exactly the
// stored days, each entry has the work date and the lateness the rules give
// it, and the overview read from the store equals the one summarised from
// the events. The history crosses the end of daylight saving time in Berlin.
// A failure names its seed, which replays it.
func TestDaysFollowEvents(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		for _, seed := range []uint64{1, 2, 3} {
			t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
				t.Parallel()
				daysFollowEvents(t, kind, seed, 90)
			})
		}
	})
}

func daysFollowEvents(t *testing.T, kind string, seed uint64, steps int) {
	ctx := context.Background()
	e := newEnv(t, kind)
	start := time.Date(2026, 10, 19, 5, 0, 0, 0, time.UTC) // a Monday, a week before the clocks go back
	e.Clock.Set(start)
	berlin := "Europe/Berlin"
	mgr, emp := e.team(t)
	emp, err := e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Timezone: &berlin, LateGraceMinutes: ptr(5)})
	if err != nil {
		t.Fatal(err)
	}
	sched := emp.Schedule()
	corrections := sqlstore.NewCorrectionService(e.DB.DB)
	rnd := rand.New(rand.NewPCG(seed, 0x5eed))
	now := start
	var rejected int
	rezoned := false // lateness stays as it was decided when the zone changes
	for step := range steps {
		var what string
		var err error
		switch op := rnd.IntN(12); {
		case step == steps*2/3: // the employee moves: every day is derived again
			zone := "America/New_York"
			what = "move to " + zone
			if emp, err = e.Employees.UpdateEmployee(ctx, e.Admin, emp.ID, attendance.EmployeeFields{Timezone: &zone}); err != nil {
				t.Fatalf("seed %d, step %d, %s: %v", seed, step, what, err)
			}
			sched, rezoned = emp.Schedule(), true
		case op < 6: // the employee clocks at a later instant
			now = now.Add(time.Duration(10+rnd.IntN(14*60)) * time.Minute)
			e.Clock.Set(now)
			typ := attendance.Entry
			if last := lastLive(t, e, mgr.Actor(), emp.ID); last != nil && last.Type == attendance.Entry {
				typ = attendance.Exit
			}
			what = fmt.Sprintf("%s at %s", typ, now.In(sched.Location).Format("Mon 02 Jan 15:04"))
			_, err = e.Attendance.RecordEvent(ctx, emp.Actor(), attendance.RecordEvent{Type: typ})
		case op < 8: // the manager records an event between earlier ones
			ts := start.Add(time.Duration(rnd.Int64N(int64(now.Sub(start)) + 1))).Truncate(time.Minute)
			typ := []attendance.EventType{attendance.Entry, attendance.Exit}[rnd.IntN(2)]
			what = fmt.Sprintf("manager's %s at %s", typ, ts.In(sched.Location).Format("Mon 02 Jan 15:04"))
			_, err = e.Attendance.RecordEvent(ctx, mgr.Actor(), attendance.RecordEvent{Type: typ, EmployeeID: &emp.ID, Timestamp: &ts,
				Note: ptr("forgotten")})
		case op >= 10: // the employee asks for a correction, the manager approves it
			in := attendance.CorrectionInput{Reason: "forgot"}
			live := liveEvents(t, e, mgr.Actor(), emp.ID)
			if len(live) > 0 && op == 11 {
				ev := live[rnd.IntN(len(live))]
				in.Action, in.EventID = attendance.CorrectionVoid, &ev.ID
				what = fmt.Sprintf("correction voiding the %s at %s", ev.Type, ev.Timestamp.In(sched.Location).Format("Mon 02 Jan 15:04"))
			} else {
				ts := start.Add(time.Duration(rnd.Int64N(int64(now.Sub(start)) + 1))).In(sched.Location)
				typ := []attendance.EventType{attendance.Entry, attendance.Exit}[rnd.IntN(2)]
				d, tod := attendance.DateOf(ts), attendance.TimeOfDay(ts.Hour()*60+ts.Minute())
				in.Action, in.Type, in.Date, in.Time = attendance.CorrectionAdd, &typ, &d, &tod
				what = fmt.Sprintf("correction adding an %s on %s at %s", typ, d, tod)
			}
			var r *attendance.CorrectionRequest
			if r, err = corrections.RequestCorrection(ctx, emp.Actor(), in); err == nil {
				_, err = corrections.DecideCorrection(ctx, mgr.Actor(), r.ID, attendance.CorrectionDecision{Action: attendance.Approve})
			}
		default: // the manager voids one of the events
			live := liveEvents(t, e, mgr.Actor(), emp.ID)
			if len(live) == 0 {
				continue
			}
			ev := live[rnd.IntN(len(live))]
			what = fmt.Sprintf("void of the %s at %s", ev.Type, ev.Timestamp.In(sched.Location).Format("Mon 02 Jan 15:04"))
			_, err = e.Attendance.VoidEvent(ctx, mgr.Actor(), ev.ID, "wrong")
		}
		if err != nil {
			if attendance.ErrorCode(err) == "" {
				t.Fatalf("seed %d, step %d, %s: %v", seed, step, what, err)
			}
			rejected++ // a sequence the rules refuse: nothing may have changed
		}
		checkDays(t, e, mgr.Actor(), emp, !rezoned, fmt.Sprintf("seed %d, step %d, after the %s", seed, step, what))
		if step%15 == 14 || step == steps-1 {
			checkOverview(t, e, emp, start, now)
		}
	}
	if rejected > steps/2 {
		t.Errorf("seed %d: %d of %d writes refused: the history tests too little", seed, rejected, steps)
	}
}

// lastLive returns the employee's latest event that is not voided.
func lastLive(t *testing.T, e *env, a attendance.Actor, id int64) *attendance.AttendanceEvent {
	live := liveEvents(t, e, a, id)
	if len(live) == 0 {
		return nil
	}
	return &live[len(live)-1]
}

// liveEvents returns the employee's events that are not voided, oldest first.
func liveEvents(t *testing.T, e *env, a attendance.Actor, id int64) []attendance.AttendanceEvent {
	t.Helper()
	list, _, err := e.Attendance.ListEvents(context.Background(), a, attendance.EventFilter{EmployeeID: &id,
		Page: attendance.Page{Limit: attendance.MaxPageLimit}})
	if err != nil {
		t.Fatal(err)
	}
	var live []attendance.AttendanceEvent
	for _, ev := range slices.Backward(list) {
		if !ev.Voided {
			live = append(live, *ev)
		} else if ev.Late || ev.LateMinutes != 0 {
			t.Errorf("a voided event is late: %+v", ev)
		}
	}
	slices.SortStableFunc(live, func(a, b attendance.AttendanceEvent) int { return a.Timestamp.Compare(b.Timestamp) })
	return live
}

// checkDays compares the stored days, work dates and (with lateness)
// lateness with what the rules make of the stored events, and the rollup
// with the stored days.
func checkDays(t *testing.T, e *env, a attendance.Actor, emp *attendance.Employee, lateness bool, when string) {
	t.Helper()
	sched := emp.Schedule()
	live := liveEvents(t, e, a, emp.ID)
	var entryDate attendance.Date
	first := map[attendance.Date]bool{}
	for i, ev := range live {
		if ev.WorkDate == nil {
			t.Fatalf("%s: event %d has no work date", when, ev.ID)
		}
		switch ev.Type {
		case attendance.Entry:
			want, _, _ := sched.WorkDate(ev.Timestamp, nil)
			if *ev.WorkDate != want {
				t.Fatalf("%s: the entry at %s has work date %s, want %s", when, ev.Timestamp, *ev.WorkDate, want)
			}
			entryDate = want
			late, minutes := false, 0
			if !first[want] {
				first[want] = true
				late, minutes = sched.EntryLateness(want, ev.Timestamp, nil, false, nil)
			}
			if lateness && (ev.Late != late || ev.LateMinutes != minutes) {
				t.Fatalf("%s: the entry at %s is late %v by %d min, want %v by %d", when, ev.Timestamp, ev.Late, ev.LateMinutes, late, minutes)
			}
		case attendance.Exit:
			// Voids may leave an exit after an exit; one right after an
			// entry closes it and takes its work date.
			if i > 0 && live[i-1].Type == attendance.Entry && *ev.WorkDate != entryDate {
				t.Fatalf("%s: the exit at %s has work date %s, its entry %s", when, ev.Timestamp, *ev.WorkDate, entryDate)
			}
		}
	}
	want := attendance.BuildWorkDays(attendance.StoredWorkDates(sched.Location), live)
	got := storedDays(t, e, emp.ID)
	if !slices.EqualFunc(got, want, sameDay) {
		t.Fatalf("%s: the stored days differ from the events'\nstored %+v\nbuilt  %+v\nevents %+v", when, got, want, live)
	}
	checkRollup(t, e, emp.ID, got, when)
}

// checkRollup compares the employee's rollup (attendance_months), unpacked,
// with their stored days: the same days, every field the rollup holds (all
// but LastExit) equal.
func checkRollup(t *testing.T, e *env, id int64, stored []attendance.Day, when string) {
	t.Helper()
	rows, err := e.Write.Query(fmt.Sprintf(`SELECT month, days FROM attendance_months WHERE employee_id = %d ORDER BY month`, id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []attendance.Day
	for rows.Next() {
		var month any
		var b []byte
		if err := rows.Scan(&month, &b); err != nil {
			t.Fatal(err)
		}
		m := dateValue(t, month)
		if got, err = monthpack.Unpack(got, m, b, attendance.MinDate, attendance.MaxDate); err != nil {
			t.Fatalf("%s: the rollup of %s: %v", when, m, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := make([]attendance.Day, len(stored))
	for i, d := range stored {
		d.LastExit = time.Time{}
		want[i] = d
	}
	if !slices.EqualFunc(got, want, sameDay) {
		t.Fatalf("%s: the rollup differs from the stored days\nrollup %+v\nstored %+v", when, got, want)
	}
}

// dateValue is a date column's value as the driver returns it.
func dateValue(t *testing.T, v any) attendance.Date {
	t.Helper()
	switch v := v.(type) {
	case string:
		return attendance.MustParseDate(v)
	case time.Time:
		return attendance.DateOf(v)
	}
	t.Fatalf("a date column holds %T", v)
	return 0
}

func sameDay(a, b attendance.Day) bool {
	return a.Date == b.Date && a.Entries == b.Entries && a.Late == b.Late && a.LateMinutes == b.LateMinutes &&
		a.WorkedSeconds == b.WorkedSeconds && a.OpenSessions == b.OpenSessions && a.BreakSeconds == b.BreakSeconds &&
		a.LastExit.Equal(b.LastExit) && a.OpenSince.Equal(b.OpenSince)
}

// storedDays reads the employee's rows of attendance_days, by date.
func storedDays(t *testing.T, e *env, id int64) []attendance.Day {
	t.Helper()
	rows, err := e.Write.Query(fmt.Sprintf(`SELECT date, entries, late, late_minutes, worked_seconds, open_sessions, break_seconds,
		last_exit_at, open_since FROM attendance_days WHERE employee_id = %d ORDER BY date`, id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []attendance.Day
	for rows.Next() {
		var d attendance.Day
		var date, lastExit, openSince any
		if err := rows.Scan(&date, &d.Entries, &d.Late, &d.LateMinutes, &d.WorkedSeconds, &d.OpenSessions, &d.BreakSeconds,
			&lastExit, &openSince); err != nil {
			t.Fatal(err)
		}
		d.Date = dateValue(t, date)
		d.LastExit, d.OpenSince = testenv.Instant(t, lastExit), testenv.Instant(t, openSince)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkOverview compares the store's overview of the employee's history with
// the one the rules summarise from the events.
func checkOverview(t *testing.T, e *env, emp *attendance.Employee, start, now time.Time) {
	t.Helper()
	sched := emp.Schedule()
	from, to := sched.LocalDate(start), sched.LocalDate(now)
	ov, err := e.Attendance.Overview(context.Background(), e.Admin, attendance.OverviewFilter{From: &from, To: &to, EmployeeID: &emp.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Results) != 1 {
		t.Fatalf("the overview has %d rows, want 1", len(ov.Results))
	}
	live := liveEvents(t, e, e.Admin, emp.ID)
	days := attendance.BuildWorkDays(attendance.StoredWorkDates(sched.Location), live)
	want := attendance.Summarize(sched, nil, from, to, sched.Today(e.Clock.Now()), days, attendance.LeaveDays{})
	if got := ov.Results[0].OverviewTotals; got != want {
		t.Fatalf("the overview %s–%s:\nstore %+v\nrules %+v", from, to, got, want)
	}
}
