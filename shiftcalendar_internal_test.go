package attendance

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// calendarSchedules returns n random schedules drawn from few zones, shifts
// and pattern anchors, so that many are alike and share a calendar: the
// schedules of today (zone, times, work days) and one or more patterns of one
// to four weeks, anchored on dates some whole rotations apart (alike) and
// some not, some starting on the same date, with overrides (a shift or a day
// off) and hiring and deactivation dates across the range.
func calendarSchedules(t *testing.T, rng *rand.Rand, n int) []Schedule {
	t.Helper()
	var zones []*time.Location
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Auckland", "UTC", "Asia/Kolkata"} {
		loc, err := LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, loc)
	}
	// Shifts: across the spring change's missing hour (02:30), the autumn
	// change's repeated one, overnight, with and without breaks; some alike
	// but for their name and grace.
	shifts := []*Shift{
		{ID: 1, Name: "early", Start: 6 * 60, End: 14 * 60, BreakMinutes: 30},
		{ID: 2, Name: "early again", Start: 6 * 60, End: 14 * 60, BreakMinutes: 30, GraceMinutes: 5},
		{ID: 3, Name: "night", Start: 22 * 60, End: 6 * 60, BreakMinutes: 45},
		{ID: 4, Name: "gap", Start: 2*60 + 30, End: 9 * 60},
		{ID: 5, Name: "repeat", Start: 20 * 60, End: 2*60 + 30, BreakMinutes: 15},
		{ID: 6, Name: "day", Start: 9 * 60, End: 17 * 60},
	}
	pick := func() *Shift {
		if rng.IntN(4) == 0 {
			return nil
		}
		return shifts[rng.IntN(len(shifts))]
	}
	// A few rotations, reused: the same weeks anchored apart.
	var rotations [][][7]*Shift
	for range 4 {
		weeks := make([][7]*Shift, 1+rng.IntN(4))
		for w := range weeks {
			for d := range 7 {
				weeks[w][d] = pick()
			}
		}
		rotations = append(rotations, weeks)
	}
	anchor := NewDate(2025, time.December, 29) // a Monday
	out := make([]Schedule, n)
	for i := range out {
		s := Schedule{
			Location:  zones[rng.IntN(len(zones))],
			WorkStart: []TimeOfDay{8 * 60, 2*60 + 30, 22 * 60}[rng.IntN(3)],
			WorkEnd:   []TimeOfDay{17 * 60, 6 * 60, 2*60 + 30}[rng.IntN(3)],
			WorkDays:  []Weekdays{MondayToFriday, NewWeekdays(time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday), Weekdays(rng.IntN(128))}[rng.IntN(3)],
			LateGrace: rng.IntN(10),
			HiredOn:   NewDate(2025, time.October, 1).AddDays(rng.IntN(400)),
		}
		if rng.IntN(5) == 0 {
			s.Until = new(s.HiredOn.AddDays(rng.IntN(300)))
		}
		if rng.IntN(3) > 0 {
			start := anchor.AddDays(7*rng.IntN(12) + rng.IntN(3)*rng.IntN(7))
			for range 1 + rng.IntN(3) {
				s.Patterns = append(s.Patterns, Pattern{ID: int64(i), StartDate: start, Weeks: rotations[rng.IntN(len(rotations))]})
				start = start.AddDays(rng.IntN(3) * rng.IntN(200)) // now and then the same start
			}
		}
		if rng.IntN(3) == 0 {
			s.Overrides = map[Date]*Shift{}
			for range 1 + rng.IntN(8) {
				s.Overrides[NewDate(2026, time.January, 1).AddDays(rng.IntN(365))] = pick()
			}
		}
		out[i] = s
	}
	// Twins with two patterns but for the first one's start: some whole
	// rotations before the second's (it is then in force until the second
	// starts), or on the same date (in force on that date alone).
	for i := 0; i+1 < n; i += 2 {
		s := out[i]
		if len(s.Patterns) < 2 {
			continue
		}
		s.Patterns = append([]Pattern(nil), s.Patterns...)
		s.Patterns[0].StartDate = s.Patterns[1].StartDate.AddDays(-7 * len(s.Patterns[0].Weeks) * (1 + rng.IntN(3)))
		twin := s
		twin.Patterns = append([]Pattern(nil), s.Patterns...)
		twin.Patterns[0].StartDate = s.Patterns[1].StartDate
		out[i], out[i+1] = s, twin
	}
	return out
}

// calendarHolidays returns a company's holidays of 2026, around the changes
// of summer time too.
func calendarHolidays(rng *rand.Rand) Holidays {
	h := Holidays{}
	for range rng.IntN(12) {
		h[NewDate(2026, time.January, 1).AddDays(rng.IntN(365))] = "holiday"
	}
	h[NewDate(2026, time.March, 29)] = "spring"
	h[NewDate(2026, time.October, 25)] = "autumn"
	return h
}

// TestShiftCalendarsAreTheRules: the dates answered from calendars shared by
// schedules alike are those the rules give each schedule alone (the placed
// shift, working day or not, the working days of any part of the range), on
// random schedules across the changes of summer time, with patterns anchored
// apart, overrides and holidays, in and outside the calendars' range.
func TestShiftCalendarsAreTheRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	for round := range 20 {
		h := calendarHolidays(rng)
		first := NewDate(2026, time.January, 1).AddDays(rng.IntN(60))
		last := first.AddDays(rng.IntN(330))
		c := NewShiftCalendars(h, first, last)
		schedules := calendarSchedules(t, rng, 200)
		for i, s := range schedules {
			v := c.days(s)
			for d := first.AddDays(-3); d <= last.AddDays(3); d++ {
				var own daySpan
				got, want := *v.span(d, &own), s.daySpan(d, h, &wallClock{loc: s.Location})
				if got.ok != want.ok || !got.start.Equal(want.start) || !got.end.Equal(want.end) ||
					got.breakMinutes != want.breakMinutes || got.scheduled != want.scheduled {
					t.Fatalf("round %d, schedule %d, %s: from the calendar %+v, by the rules %+v", round, i, d, got, want)
				}
				if got, want := v.isWorkingDay(d), s.IsWorkingDay(d, h); got != want {
					t.Fatalf("round %d, schedule %d, %s: working day from the calendar %v, by the rules %v", round, i, d, got, want)
				}
			}
			for range 20 {
				a := first.AddDays(rng.IntN(int(last-first)+5) - 2)
				b := a.AddDays(rng.IntN(int(last-first)+5) - 2)
				if got, want := v.workingDays(a, b), s.WorkingDays(a, b, h); got != want {
					t.Fatalf("round %d, schedule %d: working days %s to %s from the calendar %d, by the rules %d", round, i, a, b, got, want)
				}
			}
		}
		if len(c.m) == 0 {
			t.Fatal("no calendar made")
		}
	}
}

// TestShiftCalendarsSummarize: an overview row summed with calendars shared
// by every employee is the row summed by SummarizeWork, ApprovedLeaveDays and
// SummarizeLeave for each employee alone, over random schedules, days (late,
// open, with breaks) and leave (days, half days, hours, several types), with
// the break rule, at instants inside and after the range.
func TestShiftCalendarsSummarize(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 12))
	set := DefaultWorkSettings()
	set.BreakRule = GermanBreakRule
	shared := 0
	for round := range 20 {
		h := calendarHolidays(rng)
		first := NewDate(2026, time.January, 1).AddDays(rng.IntN(60))
		last := first.AddDays(rng.IntN(330))
		c := NewShiftCalendars(h, first, last)
		now := last.AddDays(rng.IntN(20) - 10).In(time.UTC).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
		schedules := calendarSchedules(t, rng, 200)
		for i, s := range schedules {
			var days []Day
			for d := first.AddDays(-2); d <= last.AddDays(2); d++ {
				if rng.IntN(3) == 0 {
					continue
				}
				day := Day{Date: d, Entries: 1 + rng.IntN(2), WorkedSeconds: int64(rng.IntN(11 * 3600)), BreakSeconds: int64(rng.IntN(3600))}
				if rng.IntN(8) == 0 {
					day.Late, day.LateMinutes = true, 1+rng.IntN(90)
				}
				if rng.IntN(20) == 0 {
					day.OpenSessions, day.OpenSince = 1, d.At(8*60, s.Location)
				}
				days = append(days, day)
			}
			var requests []LeaveRequest
			for range rng.IntN(6) {
				start := first.AddDays(rng.IntN(int(last-first)+10) - 5)
				r := LeaveRequest{LeaveType: []LeaveType{"annual", "sick", "training"}[rng.IntN(3)], StartDate: start, EndDate: start.AddDays(rng.IntN(6)),
					HalfDay: rng.IntN(4) == 0, Unit: UnitDay, Status: LeaveApproved, Cost: NewAmount(1, 1)}
				if rng.IntN(4) == 0 {
					minutes := 30 + rng.IntN(300)
					r.EndDate, r.HalfDay, r.Unit, r.Minutes, r.Cost = start, false, UnitHour, &minutes, NewAmount(int64(minutes), 480)
				}
				if rng.IntN(6) == 0 {
					r.Status = LeavePending
				}
				requests = append(requests, r)
			}
			wantWork, wantTime := SummarizeWork(s, h, set, first, last, now, days, ApprovedLeaveDays(s, h, first, last, requests))
			wantLeave := SummarizeLeave(s, h, first, last, requests)
			gotWork, gotTime, gotLeave := c.Summarize(s, set, now, days, ApprovedOf(requests))
			// Leave days are a float's sum over a map, in its random order:
			// the last bit moves from one call to the next, either way.
			if math.Abs(gotWork.LeaveDays-wantWork.LeaveDays) < 1e-9 {
				gotWork.LeaveDays = wantWork.LeaveDays
			}
			if gotWork != wantWork || gotTime != wantTime || !reflect.DeepEqual(gotLeave, wantLeave) {
				t.Fatalf("round %d, schedule %d (%d patterns, %d overrides): with calendars\n%+v %+v %+v\nalone\n%+v %+v %+v",
					round, i, len(s.Patterns), len(s.Overrides), gotWork, gotTime, gotLeave, wantWork, wantTime, wantLeave)
			}
		}
		shared += len(schedules)
		for _, byKey := range c.m {
			shared -= len(byKey)
		}
	}
	if shared < 200 {
		t.Errorf("%d employees shared a calendar made for another, want more", shared)
	}
}
