package attendance_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

var (
	early = shift(1, "06:00", "14:00", 5, 30)
	late  = shift(2, "14:00", "22:00", 5, 30)
	night = shift(3, "22:00", "06:00", 10, 0)
)

// week returns a pattern week with s on Monday to Friday.
func weekdays(s *attendance.Shift) [7]*attendance.Shift {
	return [7]*attendance.Shift{time.Monday: s, time.Tuesday: s, time.Wednesday: s, time.Thursday: s, time.Friday: s}
}

// TestPatternRotation: a three-week rotation of early, late and night weeks
// from Wednesday 2026-03-04, whose ISO week (from Monday 03-02) is week 1.
func TestPatternRotation(t *testing.T) {
	p := attendance.Pattern{StartDate: date("2026-03-04"), Weeks: [][7]*attendance.Shift{weekdays(early), weekdays(late), weekdays(night)}}
	tests := []struct {
		d        string
		wantWeek int
		want     *attendance.Shift
	}{
		{"2026-03-02", 0, early}, // Monday of week 1, before the start date
		{"2026-03-04", 0, early},
		{"2026-03-07", 0, nil}, // Saturday
		{"2026-03-08", 0, nil}, // Sunday, still week 1
		{"2026-03-09", 1, late},
		{"2026-03-13", 1, late},
		{"2026-03-16", 2, night},
		{"2026-03-20", 2, night},
		{"2026-03-23", 0, early}, // week 4 is week 1 again
		{"2026-04-01", 1, late},
		{"2026-02-27", 2, night}, // the week before week 1 is week 3
		{"2026-02-20", 1, late},
		{"2026-02-13", 0, early},
		{"2025-12-31", 0, early}, // across the year: 9 weeks back, three rotations
		{"2025-12-24", 2, night}, // 10 weeks back
	}
	for _, tt := range tests {
		if got := p.Week(date(tt.d)); got != tt.wantWeek {
			t.Errorf("Week(%s) = %d, want %d", tt.d, got, tt.wantWeek)
		}
		got, ok := p.ShiftOn(date(tt.d))
		if ok != (tt.want != nil) || (ok && got.ID != tt.want.ID) {
			t.Errorf("ShiftOn(%s) = %q, %v; want %v", tt.d, got.Name, ok, tt.want)
		}
	}
}

// TestScheduleShiftOn: which shift a date has, from overrides, holidays, the
// patterns in force and a schedule of today.
func TestScheduleShiftOn(t *testing.T) {
	h := attendance.Holidays{date("2026-03-05"): "Founders' Day", date("2026-03-12"): "Second"}
	s := attendance.Schedule{
		Location: berlin,
		Patterns: []attendance.Pattern{
			{StartDate: date("2026-03-02"), Weeks: [][7]*attendance.Shift{weekdays(early)}},
			{StartDate: date("2026-03-11"), Weeks: [][7]*attendance.Shift{weekdays(night)}},
		},
		Overrides: map[attendance.Date]*attendance.Shift{
			date("2026-03-03"): late, // a weekday moved to the late shift
			date("2026-03-04"): nil,  // a day off
			date("2026-03-07"): night,
			date("2026-03-12"): late, // rostered on a holiday: the override wins
		},
	}
	legacy := sched(berlin, "08:00", 5, attendance.MondayToFriday)
	legacyWithOverride := legacy
	legacyWithOverride.Overrides = map[attendance.Date]*attendance.Shift{date("2026-03-07"): early, date("2026-03-09"): nil}
	tests := []struct {
		name string
		s    attendance.Schedule
		d    string
		want *attendance.Shift
		src  attendance.RosterSource
	}{
		{name: "the first pattern", s: s, d: "2026-03-02", want: early, src: attendance.RosterFromPattern},
		{name: "the first pattern covers the dates before it", s: s, d: "2026-01-05", want: early, src: attendance.RosterFromPattern},
		{name: "an override to another shift", s: s, d: "2026-03-03", want: late, src: attendance.RosterFromOverride},
		{name: "an override to a day off", s: s, d: "2026-03-04", want: nil, src: attendance.RosterFromOverride},
		{name: "a holiday cancels the pattern's shift", s: s, d: "2026-03-05", want: nil, src: attendance.RosterFromHoliday},
		{name: "a weekend without a shift", s: s, d: "2026-03-08", want: nil, src: attendance.RosterNoShift},
		{name: "an override on a weekend", s: s, d: "2026-03-07", want: night, src: attendance.RosterFromOverride},
		{name: "the day before the second pattern", s: s, d: "2026-03-10", want: early, src: attendance.RosterFromPattern},
		{name: "the second pattern from its start date", s: s, d: "2026-03-11", want: night, src: attendance.RosterFromPattern},
		{name: "an override on a holiday wins", s: s, d: "2026-03-12", want: late, src: attendance.RosterFromOverride},
		{name: "the second pattern long after", s: s, d: "2027-06-01", want: night, src: attendance.RosterFromPattern},
		{name: "today's schedule on a work day", s: legacy, d: "2026-03-02", want: &attendance.Shift{Name: "08:00–17:00 +5", Start: hm("08:00"), End: hm("17:00"), GraceMinutes: 5, Active: true}, src: attendance.RosterFromPattern},
		{name: "today's schedule on a holiday", s: legacy, d: "2026-03-05", want: nil, src: attendance.RosterFromHoliday},
		{name: "today's schedule on a weekend", s: legacy, d: "2026-03-08", want: nil, src: attendance.RosterNoShift},
		{name: "today's schedule with an override on a weekend", s: legacyWithOverride, d: "2026-03-07", want: early, src: attendance.RosterFromOverride},
		{name: "today's schedule with a day off", s: legacyWithOverride, d: "2026-03-09", want: nil, src: attendance.RosterFromOverride},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.s.ShiftOn(date(tt.d), h)
			if ok != (tt.want != nil) || (ok && got != *tt.want) {
				t.Fatalf("ShiftOn(%s) = %+v, %v; want %+v", tt.d, got, ok, tt.want)
			}
			if w := tt.s.IsWorkingDay(date(tt.d), h); w != ok {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.d, w, ok)
			}
			day := tt.s.RosterDay(date(tt.d), h)
			if day.Source != tt.src {
				t.Errorf("RosterDay(%s).Source = %q, want %q", tt.d, day.Source, tt.src)
			}
			if (day.Shift != nil) != ok || (ok && (*day.Shift != got || day.Start == nil || day.ScheduledSeconds == 0)) {
				t.Errorf("RosterDay(%s) = %+v, want shift %+v", tt.d, day, tt.want)
			}
		})
	}
}

// TestScheduleWorkingDaysWithRoster counts the working days of a rotation
// with holidays and overrides, and checks the count against one date at a time.
func TestScheduleWorkingDaysWithRoster(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 1))
	for i := range 100 {
		s := randomSchedule(rng, berlin)
		h := randomHolidays(rng)
		first := date("2026-03-01").AddDays(rng.IntN(60))
		last := first.AddDays(rng.IntN(250) - 10)
		want := 0
		for d := first; d <= last; d++ {
			if _, ok := s.ShiftOn(d, h); ok {
				want++
			}
		}
		if got := s.WorkingDays(first, last, h); got != want {
			t.Fatalf("case %d: WorkingDays(%s, %s) = %d, want %d", i, first, last, got, want)
		}
	}
}

func TestResolvePattern(t *testing.T) {
	shifts := map[int64]*attendance.Shift{1: early, 2: late, 3: night}
	tests := []struct {
		name       string
		in         attendance.PatternInput
		wantFields []string
	}{
		{name: "one week", in: attendance.PatternInput{StartDate: date("2026-03-02"), Weeks: []attendance.PatternWeek{{Mon: ptr[int64](1), Fri: ptr[int64](3)}}}},
		{name: "an empty week is no shift at all", in: attendance.PatternInput{StartDate: date("2026-03-02"), Weeks: []attendance.PatternWeek{{}}}},
		{name: "no weeks", in: attendance.PatternInput{StartDate: date("2026-03-02")}, wantFields: []string{"body.weeks"}},
		{name: "53 weeks", in: attendance.PatternInput{StartDate: date("2026-03-02"), Weeks: make([]attendance.PatternWeek, 53)}, wantFields: []string{"body.weeks"}},
		{name: "unknown shifts, named by week and day", in: attendance.PatternInput{StartDate: date("2026-03-02"),
			Weeks: []attendance.PatternWeek{{Mon: ptr[int64](1)}, {Tue: ptr[int64](9), Sun: ptr[int64](0)}}},
			wantFields: []string{"body.weeks[1].tue", "body.weeks[1].sun"}},
		{name: "a start before 1970", in: attendance.PatternInput{StartDate: date("1969-12-29"), Weeks: []attendance.PatternWeek{{}}}, wantFields: []string{"body.start_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := attendance.ResolvePattern(tt.in, shifts)
			if len(tt.wantFields) > 0 {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
			back := p.Input()
			if len(back.Weeks) != len(tt.in.Weeks) || back.StartDate != tt.in.StartDate {
				t.Fatalf("Input() = %+v, want %+v", back, tt.in)
			}
			for i := range back.Weeks {
				if !sameWeek(back.Weeks[i], tt.in.Weeks[i]) {
					t.Errorf("week %d: Input() = %+v, want %+v", i, back.Weeks[i], tt.in.Weeks[i])
				}
			}
		})
	}
}

func sameWeek(a, b attendance.PatternWeek) bool {
	eq := func(x, y *int64) bool { return (x == nil && y == nil) || (x != nil && y != nil && *x == *y) }
	return eq(a.Mon, b.Mon) && eq(a.Tue, b.Tue) && eq(a.Wed, b.Wed) && eq(a.Thu, b.Thu) && eq(a.Fri, b.Fri) && eq(a.Sat, b.Sat) && eq(a.Sun, b.Sun)
}

func TestPatternSimple(t *testing.T) {
	tests := []struct {
		name     string
		p        attendance.Pattern
		wantOK   bool
		wantDays attendance.Weekdays
	}{
		{name: "one shift on weekdays", p: attendance.OneShiftPattern(early, attendance.MondayToFriday, date("2026-03-02")), wantOK: true, wantDays: attendance.MondayToFriday},
		{name: "one shift on Sunday to Thursday", p: attendance.OneShiftPattern(night, sundayToThur, date("2026-03-02")), wantOK: true, wantDays: sundayToThur},
		{name: "two shifts in a week", p: attendance.Pattern{Weeks: [][7]*attendance.Shift{{time.Monday: early, time.Tuesday: late}}}},
		{name: "two weeks", p: attendance.Pattern{Weeks: [][7]*attendance.Shift{weekdays(early), weekdays(early)}}},
		{name: "no shift", p: attendance.Pattern{Weeks: [][7]*attendance.Shift{{}}}},
	}
	for _, tt := range tests {
		s, days, ok := tt.p.Simple()
		if ok != tt.wantOK || days != tt.wantDays || (ok && s.ID != tt.p.Weeks[0][time.Monday].ID) {
			t.Errorf("%s: Simple() = %q, %q, %v; want %q, %v", tt.name, s.Name, days.Names(), ok, tt.wantDays.Names(), tt.wantOK)
		}
	}
}

func TestCheckRosterWriter(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	manager := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	employee := attendance.Actor{ID: 3, Role: attendance.RoleEmployee}
	tests := []struct {
		name     string
		actor    attendance.Actor
		target   int64
		role     attendance.Role
		wantKind attendance.Kind
	}{
		{name: "a manager for a report", actor: manager, target: 3, role: attendance.RoleEmployee},
		{name: "a manager for a manager below", actor: manager, target: 4, role: attendance.RoleManager},
		{name: "an admin for a manager", actor: admin, target: 2, role: attendance.RoleManager},
		{name: "an admin for another admin", actor: admin, target: 5, role: attendance.RoleAdmin},
		{name: "an employee", actor: employee, target: 4, role: attendance.RoleEmployee, wantKind: attendance.KindForbidden},
		{name: "a manager for themselves", actor: manager, target: 2, role: attendance.RoleManager, wantKind: attendance.KindForbidden},
		{name: "an admin for themselves", actor: admin, target: 1, role: attendance.RoleAdmin, wantKind: attendance.KindForbidden},
		{name: "a manager for an admin reporting to them", actor: manager, target: 5, role: attendance.RoleAdmin, wantKind: attendance.KindForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckRosterWriter(tt.actor, tt.target, tt.role), tt.wantKind, "")
		})
	}
}

// randomSchedule returns a schedule in loc with random shifts (some overnight,
// some across midnight, some with breaks), one or two patterns of one to
// three weeks, and overrides, over the spring and autumn of 2026.
func randomSchedule(rng *rand.Rand, loc *time.Location) attendance.Schedule {
	var shifts []*attendance.Shift
	for i := range 1 + rng.IntN(4) {
		start := attendance.TimeOfDay(rng.IntN(24*4) * 15)
		length := 4*60 + rng.IntN(9*4)*15 // 4 to 12¾ hours
		shifts = append(shifts, &attendance.Shift{ID: int64(i + 1), Start: start, End: (start + attendance.TimeOfDay(length)) % (24 * 60),
			GraceMinutes: rng.IntN(3) * 5, BreakMinutes: rng.IntN(3) * 15})
	}
	pick := func() *attendance.Shift {
		if rng.IntN(4) == 0 {
			return nil
		}
		return shifts[rng.IntN(len(shifts))]
	}
	s := attendance.Schedule{Location: loc, HiredOn: date("2026-01-01")}
	starts := []attendance.Date{date("2026-01-07")}
	if rng.IntN(2) == 0 {
		starts = append(starts, date("2026-03-28").AddDays(rng.IntN(220)))
	}
	for _, start := range starts {
		p := attendance.Pattern{StartDate: start, Weeks: make([][7]*attendance.Shift, 1+rng.IntN(3))}
		for w := range p.Weeks {
			for d := range 7 {
				p.Weeks[w][d] = pick()
			}
		}
		s.Patterns = append(s.Patterns, p)
	}
	s.Overrides = map[attendance.Date]*attendance.Shift{}
	for range rng.IntN(6) {
		base := date("2026-03-26")
		if rng.IntN(2) == 0 {
			base = date("2026-10-22")
		}
		s.Overrides[base.AddDays(rng.IntN(6))] = pick()
	}
	return s
}

// randomHolidays returns none, one or two holidays near the DST changes.
func randomHolidays(rng *rand.Rand) attendance.Holidays {
	h := attendance.Holidays{}
	for range rng.IntN(3) {
		h[date("2026-03-27").AddDays(rng.IntN(4))] = "spring"
		h[date("2026-10-23").AddDays(rng.IntN(4))] = "autumn"
	}
	return h
}

func TestPatternDescribe(t *testing.T) {
	rotation := attendance.Pattern{StartDate: date("2026-03-02"), Weeks: [][7]*attendance.Shift{
		{time.Tuesday: late, time.Wednesday: early, time.Sunday: night},
		{},
	}}
	tests := []struct {
		name       string
		p          attendance.Pattern
		d          string
		wantShift  int64
		wantDays   attendance.Weekdays
		wantSimple bool
		wantOK     bool
	}{
		{name: "simple", p: attendance.OneShiftPattern(early, attendance.MondayToFriday, date("2026-03-02")), d: "2026-03-20",
			wantShift: 1, wantDays: attendance.MondayToFriday, wantSimple: true, wantOK: true},
		{name: "a rotation's week 1: its first shift, Monday first", p: rotation, d: "2026-03-04",
			wantShift: 2, wantDays: attendance.NewWeekdays(time.Tuesday, time.Wednesday, time.Sunday), wantOK: true},
		{name: "a rotation's empty week 2", p: rotation, d: "2026-03-11"},
	}
	for _, tt := range tests {
		s, days, simple, ok := tt.p.Describe(date(tt.d))
		if s.ID != tt.wantShift || days != tt.wantDays || simple != tt.wantSimple || ok != tt.wantOK {
			t.Errorf("%s: Describe = shift %d, %q, %v, %v; want %d, %q, %v, %v", tt.name, s.ID, days.Names(), simple, ok,
				tt.wantShift, tt.wantDays.Names(), tt.wantSimple, tt.wantOK)
		}
	}
}

func TestCheckPatternStartAndDelete(t *testing.T) {
	today := date("2026-06-17")
	checkErr(t, attendance.CheckPatternStart(today, today), "", "")
	checkErr(t, attendance.CheckPatternStart(today.AddDays(30), today), "", "")
	checkFields(t, attendance.CheckPatternStart(today.AddDays(-1), today), "body.start_date")

	checkErr(t, attendance.CheckPatternDelete(today.AddDays(1), today, 2), "", "")
	checkErr(t, attendance.CheckPatternDelete(today, today, 2), attendance.KindConflict, "already_started")
	checkErr(t, attendance.CheckPatternDelete(today.AddDays(-7), today, 2), attendance.KindConflict, "already_started")
	checkErr(t, attendance.CheckPatternDelete(today.AddDays(1), today, 1), attendance.KindConflict, "last_pattern")
}
