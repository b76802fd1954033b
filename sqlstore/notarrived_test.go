package sqlstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

// TestNotArrivedDay runs the not_arrived check every minute of a simulated
// Monday in six time zones, with what changes during a day: entries, an entry
// voided, leave, an employee created after their deadline, a roster override
// set and one deleted, a night shift, a worker down for an hour and runs that
// overlap (without the check's lock). After every run, a run over everyone would have nobody left to
// tell; at the end, everyone due was told once, and nobody else.
func TestNotArrivedDay(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		shifts := sqlstore.NewShiftService(e.DB.DB)
		e.Clock.Set(at(t, "2026-11-01T12:00:00Z"))
		mgr := e.mustCreate(t, e.Admin, "mgr", attendance.RoleManager, nil)
		tod := func(s string) *attendance.TimeOfDay { v := attendance.MustParseTimeOfDay(s); return &v }
		in := func(zone, start string, grace int, days ...time.Weekday) func(*attendance.EmployeeFields) {
			return func(f *attendance.EmployeeFields) {
				f.Timezone, f.WorkStart, f.LateGraceMinutes = &zone, tod(start), &grace
				if len(days) > 0 {
					w := attendance.NewWeekdays(days...)
					f.WorkDays = &w
				}
			}
		}
		emp := func(name string, fields func(*attendance.EmployeeFields)) *attendance.Employee {
			return e.mustCreate(t, mgr.Actor(), name, attendance.RoleEmployee, &mgr.ID, fields)
		}
		monday := date("2026-11-02")
		tokyoAbsent := emp("tokyo_absent", in("Asia/Tokyo", "09:00", 0))
		tokyoLate := emp("tokyo_late", in("Asia/Tokyo", "09:00", 0))
		berlinOnTime := emp("berlin_ontime", in("Europe/Berlin", "08:00", 5))
		berlinVoided := emp("berlin_voided", in("Europe/Berlin", "08:00", 5))
		berlinOff := emp("berlin_off", in("Europe/Berlin", "08:00", 0, time.Tuesday, time.Wednesday, time.Thursday, time.Friday))
		berlinDayOff := emp("berlin_dayoff", in("Europe/Berlin", "08:00", 0))
		nyLeave := emp("ny_leave", in("America/New_York", "08:00", 0))
		nyAbsent := emp("ny_absent", in("America/New_York", "08:00", 10))
		laHourly := emp("la_hourly", in("America/Los_Angeles", "08:00", 0))
		// Hired before the pattern's Monday: created at 12:00 UTC on Sunday,
		// they would be hired on their own date, Monday, with the one-shift
		// pattern of their fields starting that day.
		night := emp("auckland_night", func(f *attendance.EmployeeFields) {
			in("Pacific/Auckland", "09:00", 0)(f)
			f.HiredOn = ptr(date("2026-10-01"))
		})

		r := e.mustRequest(t, nyLeave.Actor(), attendance.LeaveSick, "2026-11-02", "2026-11-02")
		if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
			t.Fatal(err)
		}
		r, err := e.Leave.RequestLeave(ctx, laHourly.Actor(), attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: monday,
			EndDate: monday, StartTime: tod("08:00"), EndTime: tod("10:00")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Leave.DecideLeave(ctx, mgr.Actor(), r.ID, attendance.Approve, ""); err != nil {
			t.Fatal(err)
		}
		// Auckland's Monday is a night, 22:00-06:00: due at 09:30 UTC.
		nightShift, err := shifts.CreateShift(ctx, e.Admin, attendance.ShiftFields{Name: ptr("Night"), Start: tod("22:00"), End: tod("06:00")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := shifts.CreatePattern(ctx, mgr.Actor(), night.ID, attendance.PatternInput{StartDate: monday,
			Weeks: []attendance.PatternWeek{{Mon: &nightShift.ID}}}, nil); err != nil {
			t.Fatal(err)
		}
		dayShift, err := shifts.CreateShift(ctx, e.Admin, attendance.ShiftFields{Name: ptr("Day"), Start: tod("08:00"), End: tod("16:00")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// From Monday a late shift, 12:00-20:00, though the fields still say
		// 08:00: due at 11:30 UTC.
		rota := emp("berlin_rota", in("Europe/Berlin", "08:00", 0))
		late, err := shifts.CreateShift(ctx, e.Admin, attendance.ShiftFields{Name: ptr("Late"), Start: tod("12:00"), End: tod("20:00")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := shifts.CreatePattern(ctx, mgr.Actor(), rota.ID, attendance.PatternInput{StartDate: monday,
			Weeks: []attendance.PatternWeek{{Mon: &late.ID, Tue: &late.ID}}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := shifts.SetOverride(ctx, mgr.Actor(), berlinDayOff.ID, monday, attendance.OverrideInput{Note: "off"}); err != nil {
			t.Fatal(err)
		}

		// What happens during the day, at the start of its minute (UTC).
		var voidMe int64
		var kolkata *attendance.Employee
		actions := map[string]func(){
			"00:59": func() { e.clockAt(t, tokyoLate.Actor(), "2026-11-02T00:59:00Z", attendance.Entry) },
			"06:50": func() { voidMe = e.clockAt(t, berlinVoided.Actor(), "2026-11-02T06:50:00Z", attendance.Entry).ID },
			"06:55": func() { e.clockAt(t, berlinOnTime.Actor(), "2026-11-02T06:55:00Z", attendance.Entry) },
			"07:45": func() { e.clockAt(t, mgr.Actor(), "2026-11-02T07:45:00Z", attendance.Entry) },
			// Created two hours after a deadline of 09:30 in Kolkata (04:00 UTC).
			"06:00": func() { kolkata = emp("kolkata_new", in("Asia/Kolkata", "09:00", 0)) },
			"10:00": func() {
				if _, _, err := shifts.SetOverride(ctx, mgr.Actor(), berlinOff.ID, monday, attendance.OverrideInput{ShiftID: &dayShift.ID}); err != nil {
					t.Fatal(err)
				}
			},
			"11:00": func() {
				if _, err := e.Attendance.VoidEvent(ctx, mgr.Actor(), voidMe, "not them"); err != nil {
					t.Fatal(err)
				}
			},
			"12:00": func() {
				if err := shifts.DeleteOverride(ctx, mgr.Actor(), berlinDayOff.ID, monday); err != nil {
					t.Fatal(err)
				}
			},
		}
		// The worker is down from 13:01 to 13:59, across New York's
		// deadline (13:40); runs overlap at Tokyo's (00:31).
		down := func(hm string) bool { return hm > "13:00" && hm < "14:00" }
		overlap := "00:31"

		reported := 0
		for now := at(t, "2026-11-01T22:00:00Z"); !now.After(at(t, "2026-11-02T23:00:00Z")); now = now.Add(time.Minute) {
			hm := now.Format("15:04")
			if now.Day() == 2 && actions[hm] != nil {
				actions[hm]()
			}
			e.Clock.Set(now)
			if now.Day() == 2 && down(hm) {
				continue
			}
			runs := 1
			if now.Day() == 2 && hm == overlap {
				runs = 3
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range runs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Two of the three runs at once ignore the check's
					// lock, as two workers would without it.
					check := e.Checks.CheckNotArrived
					if i > 0 {
						check = e.Checks.CheckNotArrivedOverlapping
					}
					n, err := check(ctx, now)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					reported += n
					mu.Unlock()
				}()
			}
			wg.Wait()
			if pending, err := e.Checks.NotArrivedPending(ctx, now); err != nil || pending != 0 {
				t.Fatalf("at %s, after the run: a run over everyone would tell %d more (%v)", now.Format(time.RFC3339), pending, err)
			}
		}

		got := map[string]int{}
		for _, m := range e.Emitted.Of(attendance.MessageNotification) {
			if n := m.Notification; n.Kind == attendance.NotifyNotArrived {
				if n.RecipientID != mgr.ID {
					t.Errorf("%q to %d; want to the manager", n.Message, n.RecipientID)
				}
				got[n.Cause]++
			}
		}
		// la_hourly is among them: leave 08:00-10:00 moves the deadline to
		// 10:30, which passes on Monday, and nobody came.
		var want []string
		for _, x := range []*attendance.Employee{tokyoAbsent, tokyoLate, berlinVoided, berlinOff, berlinDayOff, nyAbsent, laHourly, night, kolkata, rota} {
			want = append(want, attendance.NotArrivedCause(x.ID, monday))
		}
		for _, c := range want {
			if got[c] != 1 {
				t.Errorf("%s: told %d times, want once", c, got[c])
			}
		}
		for c, n := range got {
			if !slices.Contains(want, c) {
				t.Errorf("%s: told %d times, want never", c, n)
			}
		}
		if reported != len(want) {
			t.Errorf("the runs reported %d employees in all, want %d", reported, len(want))
		}
	})
}

// TestCheckRunsOnceAtATime: a run of a check while another is under way, in
// this process or (PostgreSQL) another, leaves the work to it and does not
// move the check's mark; the next run does it.
func TestCheckRunsOnceAtATime(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		mgr, _ := e.team(t)
		e.Clock.Set(at(t, "2026-11-02T08:31:00Z"))
		holders := map[string]*sqlstore.DB{"this process": e.DB.DB}
		if kind == "postgres" {
			holders["another process"] = e.Reopen(t).DB
		}
		for where, holder := range holders {
			ran, err := holder.Exclusive(ctx, "not_arrived", func() error {
				n, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now())
				if err != nil || n != 0 {
					t.Errorf("%s: a run while another is under way reported %d, %v; want 0", where, n, err)
				}
				return nil
			})
			if err != nil || !ran {
				t.Fatalf("%s: the holder did not run: %v", where, err)
			}
		}
		if got := e.notifications(t, mgr.Actor()); len(got) != 0 {
			t.Fatalf("manager's notifications %q while a run was under way, want none", got)
		}
		e.Clock.Set(at(t, "2026-11-02T08:32:00Z"))
		if n, err := e.Checks.CheckNotArrived(ctx, e.Clock.Now()); err != nil || n != 2 {
			t.Errorf("the next run reported %d, %v; want emp and mgr", n, err)
		}
		if got := e.notifications(t, mgr.Actor()); !slices.Equal(got, []attendance.NotificationKind{attendance.NotifyNotArrived}) {
			t.Errorf("manager's notifications %q, want emp's not_arrived", got)
		}
	})
}
