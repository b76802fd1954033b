package attendance_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestMigratedScheduleDecidesAsToday: a schedule of today and the same
// schedule migrated to a one-week pattern of one shift decide every date
// alike — working days, shift instances, lateness, not arrived — in several
// zones over a year that holds both daylight-saving changes.
func TestMigratedScheduleDecidesAsToday(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 11))
	zones := []*time.Location{time.UTC, berlin, newYork, auckland}
	h := attendance.Holidays{date("2026-03-05"): "", date("2026-10-26"): "", date("2026-12-25"): ""}
	for i := range 60 {
		legacy := attendance.Schedule{
			Location:  zones[i%len(zones)],
			WorkStart: attendance.TimeOfDay(rng.IntN(24*60/5) * 5),
			WorkEnd:   attendance.TimeOfDay(rng.IntN(24*60/5) * 5),
			WorkDays:  attendance.Weekdays(1 + rng.IntN(127)),
			LateGrace: rng.IntN(4) * 5,
			HiredOn:   date("2026-02-01").AddDays(rng.IntN(60)),
		}
		sh := legacy.LegacyShift()
		sh.ID = 7
		migrated := legacy.Migrated(&sh)
		first, last := date("2026-01-01"), date("2026-12-31")
		if got, want := migrated.WorkingDays(first, last, h), legacy.WorkingDays(first, last, h); got != want {
			t.Fatalf("case %d: WorkingDays = %d, want %d", i, got, want)
		}
		for d := first; d <= last; d++ {
			if got, want := migrated.IsWorkingDay(d, h), legacy.IsWorkingDay(d, h); got != want {
				t.Fatalf("case %d: IsWorkingDay(%s) = %v, want %v", i, d, got, want)
			}
			inst, ok := migrated.Instance(d, h)
			if !ok {
				continue
			}
			if !inst.Start.Equal(legacy.StartOf(d)) && !ambiguous(d, legacy.WorkStart, legacy.Location) {
				t.Fatalf("case %d: instance of %s starts %s, want %s", i, d, inst.Start, legacy.StartOf(d))
			}
			// An entry somewhere in the day on its own local date: lateness and
			// not arrived as today.
			entry := d.In(legacy.Location).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
			if legacy.LocalDate(entry) != d || ambiguous(d, legacy.WorkStart, legacy.Location) {
				continue
			}
			onLeave := rng.IntN(5) == 0
			gotLate, gotMin := migrated.EntryLateness(d, entry, h, onLeave, nil)
			wantLate, wantMin := legacy.Lateness(entry, h, onLeave)
			if gotLate != wantLate || gotMin != wantMin {
				t.Fatalf("case %d: EntryLateness(%s) = %v %d, Lateness = %v %d", i, entry, gotLate, gotMin, wantLate, wantMin)
			}
			present := rng.IntN(3) == 0
			gotDue, gotDeadline := migrated.NotArrivedDueOn(d, h, entry, onLeave, present, nil)
			wantDue, wantDay, wantDeadline := attendance.NotArrivedDue(legacy, h, entry, onLeave, present)
			if wantDay != d || gotDue != wantDue || !gotDeadline.Equal(wantDeadline) {
				t.Fatalf("case %d: NotArrivedDueOn(%s at %s) = %v %s, NotArrivedDue = %v %s", i, d, entry, gotDue, gotDeadline, wantDue, wantDeadline)
			}
		}
	}
}

// ambiguous reports whether the wall time tod occurs twice on d in loc, where
// a shift takes the first occurrence and today's rules whichever time.Date gives.
func ambiguous(d attendance.Date, tod attendance.TimeOfDay, loc *time.Location) bool {
	t := d.At(tod, loc)
	for _, shift := range []time.Duration{-time.Hour, time.Hour} {
		u := t.Add(shift)
		if attendance.DateOf(u.In(loc)) == d && u.In(loc).Hour() == t.Hour() && u.In(loc).Minute() == t.Minute() {
			return true
		}
	}
	return false
}

// nights is a Berlin schedule of 22:00–06:00 nights, Monday to Friday, with
// the early shift by override on Tuesday 2026-06-16 and a night by override
// on Sunday 2026-06-21.
func nights() attendance.Schedule {
	return attendance.Schedule{
		Location:  berlin,
		HiredOn:   date("2026-01-01"),
		Patterns:  []attendance.Pattern{{StartDate: date("2026-01-05"), Weeks: [][7]*attendance.Shift{weekdays(night)}}},
		Overrides: map[attendance.Date]*attendance.Shift{date("2026-06-16"): early, date("2026-06-21"): night},
	}
}

// TestWorkDate: the work date of entries, at fixed instants (Berlin wall
// times), for night shifts, a roster override, a rotation and the DST nights.
func TestWorkDate(t *testing.T) {
	// A 20:00–04:00 night on Monday and an 08:00 start on Tuesday: an entry at
	// 02:00 is six hours from both.
	tie := attendance.Schedule{Location: berlin, Patterns: []attendance.Pattern{{StartDate: date("2026-06-15"),
		Weeks: [][7]*attendance.Shift{{time.Monday: shift(8, "20:00", "04:00", 0, 0), time.Tuesday: shift(9, "08:00", "16:00", 0, 0)}}}}}
	rotation := attendance.Schedule{Location: berlin, Patterns: []attendance.Pattern{{StartDate: date("2026-06-15"),
		Weeks: [][7]*attendance.Shift{weekdays(early), weekdays(night)}}}}
	autumn := attendance.Schedule{Location: berlin, Overrides: map[attendance.Date]*attendance.Shift{date("2026-10-24"): night}}
	tests := []struct {
		name      string
		s         attendance.Schedule
		h         attendance.Holidays
		at        string
		want      string
		wantShift int64 // 0: outside any shift
	}{
		{name: "a night's entry on time", s: nights(), at: "2026-06-15 21:55", want: "2026-06-15", wantShift: 3},
		{name: "an entry in the small hours belongs to the night before", s: nights(), at: "2026-06-18 05:58", want: "2026-06-17", wantShift: 3},
		{name: "unless a shift starts nearer: Tuesday's early shift", s: nights(), at: "2026-06-16 05:58", want: "2026-06-16", wantShift: 1},
		{name: "six hours early is the night's", s: nights(), at: "2026-06-15 16:00", want: "2026-06-15", wantShift: 3},
		{name: "more than six hours early is the calendar date's", s: nights(), at: "2026-06-15 15:59", want: "2026-06-15"},
		{name: "Saturday morning belongs to Friday's night", s: nights(), at: "2026-06-20 03:00", want: "2026-06-19", wantShift: 3},
		{name: "twelve hours after the start is still the night's", s: nights(), at: "2026-06-20 10:00", want: "2026-06-19", wantShift: 3},
		{name: "after that, the calendar date", s: nights(), at: "2026-06-20 10:01", want: "2026-06-20"},
		{name: "the override's early shift on Tuesday", s: nights(), at: "2026-06-16 06:10", want: "2026-06-16", wantShift: 1},
		{name: "nearer to Tuesday's early shift than to Monday's night", s: nights(), at: "2026-06-16 02:01", want: "2026-06-16", wantShift: 1},
		{name: "nearer to Monday's night", s: nights(), at: "2026-06-16 01:59", want: "2026-06-15", wantShift: 3},
		{name: "an override's Sunday night takes Monday's small hours", s: nights(), at: "2026-06-22 01:00", want: "2026-06-21", wantShift: 3},
		{name: "a holiday cancels Friday's night", s: nights(), h: attendance.Holidays{date("2026-06-19"): ""}, at: "2026-06-20 03:00", want: "2026-06-20"},
		{name: "equally near: the shift that has begun", s: tie, at: "2026-06-16 02:00", want: "2026-06-15", wantShift: 8},
		{name: "a minute later: the shift to come", s: tie, at: "2026-06-16 02:01", want: "2026-06-16", wantShift: 9},
		{name: "rotation week 1: early", s: rotation, at: "2026-06-17 05:50", want: "2026-06-17", wantShift: 1},
		{name: "rotation week 2: the small hours are the night's", s: rotation, at: "2026-06-24 05:50", want: "2026-06-23", wantShift: 3},
		{name: "rotation week 3 is week 1", s: rotation, at: "2026-07-01 05:50", want: "2026-07-01", wantShift: 1},
		// Saturday's night starts at 22:00 CEST (20:00Z); the clocks fall back at 03:00.
		{name: "autumn: 11½ real hours after the start", s: autumn, at: "2026-10-25 08:30", want: "2026-10-24", wantShift: 3},
		{name: "autumn: 12½ real hours after the start, 11½ on the clock", s: autumn, at: "2026-10-25 09:30", want: "2026-10-25"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entry := at(berlin, tt.at)
			got, inst, ok := tt.s.WorkDate(entry, tt.h)
			if got != date(tt.want) || ok != (tt.wantShift != 0) || (ok && inst.Shift.ID != tt.wantShift) {
				t.Errorf("WorkDate(%s) = %s, shift %d, %v; want %s, shift %d", tt.at, got, inst.Shift.ID, ok, tt.want, tt.wantShift)
			}
			if ok && inst.Date != got {
				t.Errorf("instance date %s, work date %s", inst.Date, got)
			}
			ev := attendance.AttendanceEvent{Type: attendance.Entry, Timestamp: entry}
			if d := tt.s.WorkDates(tt.h)(&ev); d != got {
				t.Errorf("WorkDates() = %s, want %s", d, got)
			}
		})
	}
}

// TestOvernightDay: a Wednesday night's sessions, the second entry after
// midnight and the exit at 05:58 on Thursday, make Wednesday's day; Thursday
// night's entry at 21:58 starts Thursday's.
func TestOvernightDay(t *testing.T) {
	s := nights()
	events := []attendance.AttendanceEvent{
		lateEntry(at(berlin, "2026-06-17 22:12"), 12),
		ev(attendance.Exit, at(berlin, "2026-06-18 02:00")),
		ev(attendance.Entry, at(berlin, "2026-06-18 02:30")),
		ev(attendance.Exit, at(berlin, "2026-06-18 05:58")),
		ev(attendance.Entry, at(berlin, "2026-06-18 21:58")),
		ev(attendance.Exit, at(berlin, "2026-06-19 06:03")),
	}
	got := attendance.BuildWorkDays(s.WorkDates(nil), events)
	want := []attendance.Day{
		{Date: date("2026-06-17"), Entries: 2, Late: true, LateMinutes: 12, WorkedSeconds: (3*3600 + 48*60) + (3*3600 + 28*60), BreakSeconds: 1800, LastExit: at(berlin, "2026-06-18 05:58").UTC()},
		{Date: date("2026-06-18"), Entries: 1, WorkedSeconds: 8*3600 + 5*60, LastExit: at(berlin, "2026-06-19 06:03").UTC()},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("BuildWorkDays =\n%+v\nwant\n%+v", got, want)
	}
	// Today's rule, the calendar dates, would split the night.
	if cal := attendance.BuildDays(berlin, events); len(cal) != 2 || cal[0].Entries != 1 || cal[1].Entries != 2 {
		t.Errorf("BuildDays = %+v, want one entry on Wednesday and two on Thursday", cal)
	}
	// The night's lateness counts from 22:00 on Wednesday.
	if late, minutes := s.EntryLateness(date("2026-06-17"), events[0].Timestamp, nil, false, nil); !late || minutes != 12 {
		t.Errorf("EntryLateness = %v, %d; want late by 12", late, minutes)
	}
}

// TestWorkDatesNeverGoBack: over random rosters, a later entry never has an
// earlier work date, so that sessions of one work date come together.
func TestWorkDatesNeverGoBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 5))
	for i := range 200 {
		loc := []*time.Location{berlin, newYork, auckland, time.UTC}[i%4]
		s, h := randomSchedule(rng, loc), randomHolidays(rng)
		t0 := at(loc, "2026-03-25 00:00")
		if i%2 == 1 {
			t0 = at(loc, "2026-10-21 00:00")
		}
		var last attendance.Date
		for m := 0; m < 8*24*60; m += 1 + rng.IntN(40) {
			d, _, _ := s.WorkDate(t0.Add(time.Duration(m)*time.Minute), h)
			if d < last {
				t.Fatalf("case %d: an entry at %s has work date %s, after one of %s", i, t0.Add(time.Duration(m)*time.Minute), d, last)
			}
			last = d
		}
	}
}

// TestEntryLateness: the lateness of a work date's first entry against its
// shift instance, with grace, leave and hourly leave (Berlin wall times).
func TestEntryLateness(t *testing.T) {
	hourly := func(from, to string) attendance.Interval {
		return attendance.Interval{Start: at(berlin, from), End: at(berlin, to)}
	}
	h := attendance.Holidays{date("2026-06-19"): "", date("2026-06-22"): ""}
	s := nights()
	s.Overrides[date("2026-06-22")] = night // rostered on a holiday
	tests := []struct {
		name        string
		d           string
		at          string
		onLeave     bool
		hourly      []attendance.Interval
		wantLate    bool
		wantMinutes int
	}{
		{name: "within the grace", d: "2026-06-15", at: "2026-06-15 22:10", wantLate: false},
		{name: "a minute past the grace, counted from the start", d: "2026-06-15", at: "2026-06-15 22:11", wantLate: true, wantMinutes: 11},
		{name: "to the minute: 22:10:59 is within", d: "2026-06-15", at: "2026-06-15 22:10:59", wantLate: false},
		{name: "the night's first entry after midnight", d: "2026-06-15", at: "2026-06-16 00:30", wantLate: true, wantMinutes: 150},
		{name: "early", d: "2026-06-15", at: "2026-06-15 21:00", wantLate: false},
		{name: "approved leave", d: "2026-06-15", at: "2026-06-16 00:30", onLeave: true, wantLate: false},
		{name: "a date without a shift", d: "2026-06-20", at: "2026-06-20 12:00", wantLate: false},
		{name: "a holiday cancels the shift", d: "2026-06-19", at: "2026-06-19 23:00", wantLate: false},
		{name: "an override on a holiday", d: "2026-06-22", at: "2026-06-22 23:00", wantLate: true, wantMinutes: 60},
		{name: "Tuesday's early shift by override", d: "2026-06-16", at: "2026-06-16 06:06", wantLate: true, wantMinutes: 6},
		{name: "hourly leave over the start: from its end, with grace", d: "2026-06-15", at: "2026-06-15 23:10",
			hourly: []attendance.Interval{hourly("2026-06-15 22:00", "2026-06-15 23:00")}, wantLate: false},
		{name: "hourly leave over the start: late from its end", d: "2026-06-15", at: "2026-06-15 23:25",
			hourly: []attendance.Interval{hourly("2026-06-15 21:00", "2026-06-15 23:00")}, wantLate: true, wantMinutes: 25},
		{name: "two hourly leaves back to back", d: "2026-06-15", at: "2026-06-15 23:45",
			hourly: []attendance.Interval{hourly("2026-06-15 23:00", "2026-06-15 23:30"), hourly("2026-06-15 22:00", "2026-06-15 23:00")}, wantLate: true, wantMinutes: 15},
		{name: "hourly leave later in the night does not cover the start", d: "2026-06-15", at: "2026-06-15 23:25",
			hourly: []attendance.Interval{hourly("2026-06-15 22:30", "2026-06-15 23:00")}, wantLate: true, wantMinutes: 85},
		{name: "hourly leave over the whole night: nobody is expected", d: "2026-06-15", at: "2026-06-16 06:10",
			hourly: []attendance.Interval{hourly("2026-06-15 22:00", "2026-06-16 02:00"), hourly("2026-06-16 02:00", "2026-06-16 06:00")}, wantLate: false},
		{name: "hourly leave that ends at the start does not cover it", d: "2026-06-15", at: "2026-06-15 22:30",
			hourly: []attendance.Interval{hourly("2026-06-15 21:00", "2026-06-15 22:00")}, wantLate: true, wantMinutes: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			late, minutes := s.EntryLateness(date(tt.d), at(berlin, tt.at), h, tt.onLeave, tt.hourly)
			if late != tt.wantLate || minutes != tt.wantMinutes {
				t.Errorf("EntryLateness = %v, %d; want %v, %d", late, minutes, tt.wantLate, tt.wantMinutes)
			}
		})
	}
}

// TestNotArrivedDueOn: the not_arrived check of a night shift that began
// yesterday, and of today's.
func TestNotArrivedDueOn(t *testing.T) {
	s := nights() // grace 10: the deadline is 22:40
	tests := []struct {
		name         string
		d            string
		now          string
		onLeave      bool
		present      bool
		hourly       []attendance.Interval
		wantDue      bool
		wantDeadline string
	}{
		{name: "before the deadline", d: "2026-06-15", now: "2026-06-15 22:40", wantDeadline: "2026-06-15 22:40"},
		{name: "after the deadline", d: "2026-06-15", now: "2026-06-15 22:41", wantDue: true, wantDeadline: "2026-06-15 22:40"},
		{name: "yesterday's night, while it lasts", d: "2026-06-15", now: "2026-06-16 05:59", wantDue: true, wantDeadline: "2026-06-15 22:40"},
		{name: "yesterday's night, once over", d: "2026-06-15", now: "2026-06-16 06:00", wantDeadline: "2026-06-15 22:40"},
		{name: "present", d: "2026-06-15", now: "2026-06-15 23:00", present: true, wantDeadline: "2026-06-15 22:40"},
		{name: "on leave", d: "2026-06-15", now: "2026-06-15 23:00", onLeave: true, wantDeadline: "2026-06-15 22:40"},
		{name: "hourly leave over the start moves the deadline", d: "2026-06-15", now: "2026-06-15 23:30",
			hourly: []attendance.Interval{{Start: at(berlin, "2026-06-15 22:00"), End: at(berlin, "2026-06-15 23:00")}}, wantDeadline: "2026-06-15 23:40"},
		{name: "hourly leave over the whole night", d: "2026-06-15", now: "2026-06-16 05:00",
			hourly: []attendance.Interval{{Start: at(berlin, "2026-06-15 21:00"), End: at(berlin, "2026-06-16 06:00")}}, wantDeadline: "2026-06-16 06:40"},
		{name: "a future date", d: "2026-06-16", now: "2026-06-15 23:00", wantDeadline: "2026-06-16 06:35"},
		{name: "a date without a shift", d: "2026-06-20", now: "2026-06-20 23:00"},
		{name: "before the hiring date", d: "2025-12-31", now: "2025-12-31 23:00", wantDeadline: "2025-12-31 22:40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, deadline := s.NotArrivedDueOn(date(tt.d), nil, at(berlin, tt.now), tt.onLeave, tt.present, tt.hourly)
			var want time.Time
			if tt.wantDeadline != "" {
				want = at(berlin, tt.wantDeadline)
			}
			if due != tt.wantDue || !deadline.Equal(want) {
				t.Errorf("NotArrivedDueOn = %v, %s; want %v, %s", due, deadline, tt.wantDue, want)
			}
		})
	}
	if got, want := s.NotArrivedDates(at(berlin, "2026-06-16 01:00")), [2]attendance.Date{date("2026-06-15"), date("2026-06-16")}; got != want {
		t.Errorf("NotArrivedDates = %v, want %v", got, want)
	}
}

// TestMigrationMovesNoEntryOfDayShifts checks what docs/shifts.md says about
// the migration: under a schedule of today turned into a one-shift pattern
// that works every day, the work-date rule keeps every entry on its local
// date when work_start is from 07:00 to 11:59, in any zone, on any date; and,
// away from clock changes (UTC), moves exactly the entries at or after
// work_start + 18 h (a start before 06:00) to the next day and those at or
// before work_start − 12 h (a start from 12:00) to the day before.
func TestMigrationMovesNoEntryOfDayShifts(t *testing.T) {
	for _, loc := range []*time.Location{time.UTC, berlin, newYork, auckland, mustLoadLocation("Australia/Lord_Howe")} {
		for start := attendance.TimeOfDay(0); start < 24*60; start += 20 {
			s := attendance.Schedule{Location: loc, WorkStart: start, WorkEnd: (start + 8*60) % (24 * 60), WorkDays: everyDay}
			sh := s.LegacyShift()
			s = s.Migrated(&sh)
			dates := []attendance.Date{date("2026-03-07"), date("2026-03-08"), date("2026-03-28"), date("2026-03-29"), date("2026-04-04"), date("2026-04-05"),
				date("2026-09-26"), date("2026-09-27"), date("2026-10-04"), date("2026-10-24"), date("2026-10-25"), date("2026-10-31"), date("2026-11-01"), date("2026-06-15")}
			for _, d := range dates {
				for m := 0; m < 25*60; m += 10 {
					entry := d.In(loc).Add(time.Duration(m) * time.Minute)
					local := attendance.DateOf(entry.In(loc))
					got, _, _ := s.WorkDate(entry, nil)
					moves := got != local
					if start >= 7*60 && start < 12*60 && moves {
						t.Fatalf("%s, start %s: an entry at %s moves to %s", loc, start, entry.In(loc), got)
					}
					if loc != time.UTC {
						continue
					}
					tod := attendance.TimeOfDay(entry.Hour()*60 + entry.Minute())
					want := local
					switch {
					case start < 6*60 && tod >= start+18*60:
						want = local.AddDays(1)
					case start >= 12*60 && tod <= start-12*60:
						want = local.AddDays(-1)
					}
					if got != want {
						t.Fatalf("UTC, start %s: an entry at %s has work date %s, want %s", start, entry, got, want)
					}
				}
			}
		}
	}
}

// TestOverrideReach: when a date's shift changes, only entries within
// OverrideReach change work date, and only to or from the dates either side.
func TestOverrideReach(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 3))
	shifts := []*attendance.Shift{nil, early, late, night, shift(9, "00:00", "08:00", 0, 0), shift(10, "23:59", "07:00", 0, 0)}
	for i := range 300 {
		loc := []*time.Location{berlin, newYork, auckland}[i%3]
		before := randomSchedule(rng, loc)
		h := randomHolidays(rng)
		d := date("2026-03-26").AddDays(rng.IntN(6))
		if i%2 == 1 {
			d = date("2026-10-22").AddDays(rng.IntN(6))
		}
		after := before
		after.Overrides = map[attendance.Date]*attendance.Shift{}
		for k, v := range before.Overrides {
			after.Overrides[k] = v
		}
		after.Overrides[d] = shifts[rng.IntN(len(shifts))]
		from, to := attendance.OverrideReach(d, loc)
		for m := -3 * 24 * 60; m < 4*24*60; m += 7 {
			entry := d.In(loc).Add(time.Duration(m) * time.Minute)
			was, _, _ := before.WorkDate(entry, h)
			is, _, _ := after.WorkDate(entry, h)
			if was == is {
				continue
			}
			if entry.Before(from) || !entry.Before(to) {
				t.Fatalf("case %d: an override of %s moves an entry at %s (from %s to %s), outside %s–%s", i, d, entry, was, is, from, to)
			}
			if was < d.AddDays(-1) || was > d.AddDays(1) || is < d.AddDays(-1) || is > d.AddDays(1) {
				t.Fatalf("case %d: an override of %s moves an entry at %s from %s to %s", i, d, entry, was, is)
			}
		}
	}
}

func TestNotArrivedPassed(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// An 08:00 start with 5 minutes' grace in Berlin: the deadline is 08:35
	// local, 07:35 UTC in winter and 06:35 UTC in summer.
	for _, c := range []struct {
		name     string
		from, to string
		want     bool
	}{
		{"the minute before", "2026-11-02T07:34:00Z", "2026-11-02T07:35:00Z", false},
		{"the deadline's minute", "2026-11-02T07:35:00Z", "2026-11-02T07:36:00Z", true},
		{"an hour across it", "2026-11-02T07:00:00Z", "2026-11-02T08:00:00Z", true},
		{"summer time", "2026-03-30T06:35:00Z", "2026-03-30T06:36:00Z", true},
		{"summer time, winter's instant", "2026-03-30T07:35:00Z", "2026-03-30T07:36:00Z", false},
		{"the day clocks go forward", "2026-03-29T06:35:00Z", "2026-03-29T06:36:00Z", true},
		{"48 hours back", "2026-11-01T12:00:00Z", "2026-11-03T12:00:00Z", true},
		{"an empty window", "2026-11-02T07:35:00Z", "2026-11-02T07:35:00Z", false},
		{"a window backwards", "2026-11-02T08:00:00Z", "2026-11-02T07:00:00Z", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := attendance.NotArrivedPassed(berlin, attendance.MustParseTimeOfDay("08:00"), 5, utc(c.from), utc(c.to))
			if got != c.want {
				t.Errorf("NotArrivedPassed(08:00 +5, [%s, %s)) = %v, want %v", c.from, c.to, got, c.want)
			}
		})
	}
}
