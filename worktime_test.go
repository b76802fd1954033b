package attendance_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func hms(h, m int) int64 { return int64(h*3600 + m*60) }

// TestBreakDeduction: the contract's rule with Germany's steps, at the
// thresholds: never below the threshold crossed.
func TestBreakDeduction(t *testing.T) {
	tests := []struct {
		name         string
		rule         attendance.BreakRule
		worked, brk  int64
		wantDeducted int64
	}{
		{name: "rule off", rule: nil, worked: hms(10, 0), wantDeducted: 0},
		{name: "6 h 00 min needs no break", rule: attendance.GermanBreakRule, worked: hms(6, 0), wantDeducted: 0},
		{name: "6 h 00 min 1 s counts 6 h 00 min", rule: attendance.GermanBreakRule, worked: hms(6, 0) + 1, wantDeducted: 1},
		{name: "6 h 1 min counts 6 h 00 min", rule: attendance.GermanBreakRule, worked: hms(6, 1), wantDeducted: 60},
		{name: "6 h 10 min without a break counts 6 h 00 min", rule: attendance.GermanBreakRule, worked: hms(6, 10), wantDeducted: 600},
		{name: "6 h 30 min without a break", rule: attendance.GermanBreakRule, worked: hms(6, 30), wantDeducted: 1800},
		{name: "8 h without a break", rule: attendance.GermanBreakRule, worked: hms(8, 0), wantDeducted: 1800},
		{name: "8 h with a 20-minute break", rule: attendance.GermanBreakRule, worked: hms(8, 0), brk: hms(0, 20), wantDeducted: 600},
		{name: "8 h with a 30-minute break", rule: attendance.GermanBreakRule, worked: hms(8, 0), brk: hms(0, 30), wantDeducted: 0},
		{name: "9 h 00 min without a break", rule: attendance.GermanBreakRule, worked: hms(9, 0), wantDeducted: 1800},
		{name: "9 h 1 min counts 9 h 00 min", rule: attendance.GermanBreakRule, worked: hms(9, 1), wantDeducted: 60},
		{name: "9 h 1 min with a 30-minute break counts 9 h 00 min", rule: attendance.GermanBreakRule, worked: hms(9, 1), brk: hms(0, 30), wantDeducted: 60},
		{name: "9 h 30 min with a 20-minute break", rule: attendance.GermanBreakRule, worked: hms(9, 30), brk: hms(0, 20), wantDeducted: hms(0, 25)},
		{name: "9 h 45 min without a break", rule: attendance.GermanBreakRule, worked: hms(9, 45), wantDeducted: hms(0, 45)},
		{name: "10 h without a break", rule: attendance.GermanBreakRule, worked: hms(10, 0), wantDeducted: hms(0, 45)},
		{name: "10 h with a 30-minute break", rule: attendance.GermanBreakRule, worked: hms(10, 0), brk: hms(0, 30), wantDeducted: hms(0, 15)},
		{name: "10 h with a long break", rule: attendance.GermanBreakRule, worked: hms(10, 0), brk: hms(2, 0), wantDeducted: 0},
		{name: "nothing worked", rule: attendance.GermanBreakRule, worked: 0, wantDeducted: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.Deduction(tt.worked, tt.brk); got != tt.wantDeducted {
				t.Errorf("Deduction(%d, %d) = %d, want %d", tt.worked, tt.brk, got, tt.wantDeducted)
			}
		})
	}
}

func TestWorkSettingsValidate(t *testing.T) {
	ok := attendance.DefaultWorkSettings()
	german := ok
	german.BreakRule = attendance.GermanBreakRule
	tests := []struct {
		name       string
		s          attendance.WorkSettings
		wantFields []string
	}{
		{name: "the defaults", s: ok},
		{name: "Germany's rule", s: german},
		{name: "review after 59 minutes", s: attendance.WorkSettings{ReviewAfterMinutes: 59}, wantFields: []string{"body.review_after_minutes"}},
		{name: "review after a week and a minute", s: attendance.WorkSettings{ReviewAfterMinutes: 10081}, wantFields: []string{"body.review_after_minutes"}},
		{name: "steps out of order", s: attendance.WorkSettings{ReviewAfterMinutes: 240, BreakRule: attendance.BreakRule{{540, 45}, {360, 30}}},
			wantFields: []string{"body.break_rule[1].after_minutes", "body.break_rule[1].break_minutes"}},
		{name: "a zero step", s: attendance.WorkSettings{ReviewAfterMinutes: 240, BreakRule: attendance.BreakRule{{0, 0}}},
			wantFields: []string{"body.break_rule[0].after_minutes", "body.break_rule[0].break_minutes"}},
		{name: "six steps and a bad review", s: attendance.WorkSettings{ReviewAfterMinutes: 0, BreakRule: attendance.BreakRule{{60, 5}, {120, 10}, {180, 15}, {240, 20}, {300, 25}, {360, 30}}},
			wantFields: []string{"body.review_after_minutes", "body.break_rule"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if len(tt.wantFields) == 0 {
				checkErr(t, err, "", "")
				return
			}
			checkFields(t, err, tt.wantFields...)
		})
	}
}

// officeWeek is a Berlin employee on an 08:00–16:30 shift with a 30-minute
// unpaid break (8 hours scheduled), Monday to Friday, under Germany's break
// rule, hired long ago.
func officeWeek() (attendance.Schedule, attendance.WorkSettings) {
	office := shift(1, "08:00", "16:30", 0, 30)
	s := attendance.Schedule{Location: berlin, HiredOn: date("2020-01-01"),
		Patterns: []attendance.Pattern{attendance.OneShiftPattern(office, attendance.MondayToFriday, date("2026-01-05"))}}
	set := attendance.DefaultWorkSettings()
	set.BreakRule = attendance.GermanBreakRule
	return s, set
}

// sessions returns the events of sessions given as "YYYY-MM-DD HH:MM" pairs
// in loc, in time order.
func sessions(loc *time.Location, pairs ...string) []attendance.AttendanceEvent {
	var out []attendance.AttendanceEvent
	for i, p := range pairs {
		typ := attendance.Entry
		if i%2 == 1 {
			typ = attendance.Exit
		}
		if p == "" {
			continue // an entry left open
		}
		out = append(out, attendance.AttendanceEvent{ID: int64(i + 1), Type: typ, Timestamp: at(loc, p)})
	}
	return out
}

// TestSummarizeWorkWeeks: three hand-computed weeks of the office employee
// (the week of Monday 2026-05-04 has a holiday on Wednesday), at Wednesday
// 2026-05-20 13:00.
//
//	Mon 04  08:00–17:30, no break: 9 h 30 gross, 30 min deducted (not below
//	        9 h), 9 h net: daily overtime 1 h
//	Tue 05  08:00–12:00, 12:30–16:30: 8 h, its break taken: 0
//	Wed 06  holiday, 10:00–14:00: no shift, daily overtime 4 h
//	Thu 07  08:00–14:00: 6 h, no deduction: undertime 2 h
//	Fri 08  08:00–12:00, 12:30–16:00: 7 h 30: undertime 30 min
//	        week: net 34 h 30 against 32 h: weekly overtime 2 h 30
//	Mon 11  approved leave: nothing expected
//	Tue 12  half a day of leave, 08:00–12:00: 4 h of 4 h expected
//	Wed 13  absent: undertime 8 h
//	Thu 14  08:00–16:30 without a break: 8 h 30 gross, 30 deducted, 8 h net
//	Fri 15  08:00–16:30, 12:00–12:30 out: 8 h
//	        week: net 28 h against 36 h: weekly undertime 8 h
//	Mon 18  08:00–18:00, 12:00–12:45 out: 9 h 15, break enough: 1 h 15 overtime
//	Tue 19  08:00– open since, never closed: needs review (16:30 + 4 h)
//	Wed 20  today, 08:00–12:00 so far, the shift still on: no undertime yet
//	        week: net 13 h 15 against 40 h: overtime not reached, undertime
//	        not judged while the week lasts
func TestSummarizeWorkWeeks(t *testing.T) {
	s, set := officeWeek()
	h := attendance.Holidays{date("2026-05-06"): "Holiday"}
	events := sessions(berlin,
		"2026-05-04 08:00", "2026-05-04 17:30",
		"2026-05-05 08:00", "2026-05-05 12:00", "2026-05-05 12:30", "2026-05-05 16:30",
		"2026-05-06 10:00", "2026-05-06 14:00",
		"2026-05-07 08:00", "2026-05-07 14:00",
		"2026-05-08 08:00", "2026-05-08 12:00", "2026-05-08 12:30", "2026-05-08 16:00",
		"2026-05-12 08:00", "2026-05-12 12:00",
		"2026-05-14 08:00", "2026-05-14 16:30",
		"2026-05-15 08:00", "2026-05-15 12:00", "2026-05-15 12:30", "2026-05-15 16:30",
		"2026-05-18 08:00", "2026-05-18 12:00", "2026-05-18 12:45", "2026-05-18 18:00",
		"2026-05-19 08:00", "",
		"2026-05-20 08:00", "2026-05-20 12:00",
	)
	days := attendance.BuildWorkDays(s.WorkDates(h), events)
	leave := attendance.LeaveDays{date("2026-05-11"): 1, date("2026-05-12"): 0.5}
	now := at(berlin, "2026-05-20 13:00")

	tests := []struct {
		name        string
		first, last string
		want        attendance.OverviewTotals
		wantTime    attendance.TimeTotals
	}{
		{
			name: "the week with a holiday", first: "2026-05-04", last: "2026-05-10",
			want: attendance.OverviewTotals{DaysPresent: 5, WorkedSeconds: hms(35, 0), WorkedHours: 35},
			wantTime: attendance.TimeTotals{BreakDeductedSeconds: hms(0, 30), ScheduledSeconds: hms(32, 0),
				OvertimeSeconds: hms(5, 0), UndertimeSeconds: hms(2, 30), WeeklyOvertimeSeconds: hms(2, 30)},
		},
		{
			name: "the week with leave and an absence", first: "2026-05-11", last: "2026-05-17",
			want: attendance.OverviewTotals{DaysPresent: 3, AbsentDays: 1, LeaveDays: 1.5, WorkedSeconds: hms(20, 30), WorkedHours: 20.5},
			wantTime: attendance.TimeTotals{BreakDeductedSeconds: hms(0, 30), ScheduledSeconds: hms(40, 0),
				UndertimeSeconds: hms(8, 0), WeeklyUndertimeSeconds: hms(8, 0)},
		},
		{
			name: "the week in progress", first: "2026-05-18", last: "2026-05-24",
			want: attendance.OverviewTotals{DaysPresent: 3, WorkedSeconds: hms(13, 15), WorkedHours: 13.25, OpenSessions: 1},
			wantTime: attendance.TimeTotals{ScheduledSeconds: hms(40, 0), OvertimeSeconds: hms(1, 15),
				UndertimeSeconds: hms(8, 0), NeedsReviewSessions: 1},
		},
		{
			// Wednesday to Tuesday: the range takes the dates of two weeks.
			name: "a range across weeks", first: "2026-05-06", last: "2026-05-12",
			want: attendance.OverviewTotals{DaysPresent: 4, LeaveDays: 1.5, WorkedSeconds: hms(21, 30), WorkedHours: 21.5},
			wantTime: attendance.TimeTotals{ScheduledSeconds: hms(32, 0),
				OvertimeSeconds: hms(4, 0), UndertimeSeconds: hms(2, 30), WeeklyOvertimeSeconds: hms(1, 30)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, gotTime := attendance.SummarizeWork(s, h, set, date(tt.first), date(tt.last), now, days, leave)
			if got != tt.want {
				t.Errorf("SummarizeWork totals =\n%+v\nwant\n%+v", got, tt.want)
			}
			if gotTime != tt.wantTime {
				t.Errorf("SummarizeWork time =\n%+v\nwant\n%+v", gotTime, tt.wantTime)
			}
		})
	}
}

// TestDayTimeOfDSTNights: a night worked from 22:00 to 06:00 is the whole
// scheduled night, however long it lasts: 9 real hours in autumn, 7 in spring.
func TestDayTimeOfDSTNights(t *testing.T) {
	tests := []struct {
		loc           *time.Location
		d             string
		wantScheduled int64
	}{
		{berlin, "2026-10-24", hms(9, 0)},
		{berlin, "2026-03-28", hms(7, 0)},
		{newYork, "2026-10-31", hms(9, 0)},
		{newYork, "2026-03-07", hms(7, 0)},
		{berlin, "2026-06-13", hms(8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.loc.String()+" "+tt.d, func(t *testing.T) {
			s := attendance.Schedule{Location: tt.loc, HiredOn: date("2020-01-01"),
				Patterns: []attendance.Pattern{attendance.OneShiftPattern(night, everyDay, date("2026-01-05"))}}
			d := date(tt.d)
			events := []attendance.AttendanceEvent{
				{Type: attendance.Entry, Timestamp: d.At(hm("22:00"), tt.loc)},
				{Type: attendance.Exit, Timestamp: d.AddDays(1).At(hm("06:00"), tt.loc)},
			}
			days := attendance.BuildWorkDays(s.WorkDates(nil), events)
			if len(days) != 1 || days[0].Date != d {
				t.Fatalf("days = %+v, want one of %s", days, d)
			}
			got := s.DayTime(d, days[0], nil, nil, 0, d.AddDays(2).In(tt.loc))
			want := attendance.DayTime{Date: d, HasShift: true, WorkedSeconds: tt.wantScheduled, NetSeconds: tt.wantScheduled,
				ScheduledSeconds: tt.wantScheduled, ExpectedSeconds: tt.wantScheduled, Judged: true, ShiftEnd: events[1].Timestamp}
			if !got.ShiftEnd.Equal(want.ShiftEnd) {
				t.Errorf("ShiftEnd = %s, want %s", got.ShiftEnd, want.ShiftEnd)
			}
			got.ShiftEnd = want.ShiftEnd
			if got != want {
				t.Errorf("DayTime =\n%+v\nwant\n%+v", got, want)
			}
			// Leaving at 05:00 on the clock is an hour short, whatever the night's length.
			short := s.DayTime(d, attendance.Day{Date: d, Entries: 1, WorkedSeconds: int64(d.AddDays(1).At(hm("05:00"), tt.loc).Sub(events[0].Timestamp) / time.Second)},
				nil, nil, 0, d.AddDays(2).In(tt.loc))
			if short.UndertimeSeconds != hms(1, 0) || short.OvertimeSeconds != 0 {
				t.Errorf("leaving at 05:00: undertime %d, overtime %d; want 3600, 0", short.UndertimeSeconds, short.OvertimeSeconds)
			}
		})
	}
}

// TestDayTime: the figures of single work dates.
func TestDayTime(t *testing.T) {
	s, set := officeWeek()
	s.Until = ptr(date("2026-05-29"))
	h := attendance.Holidays{date("2026-05-06"): "Holiday"}
	after := at(berlin, "2026-07-01 12:00")
	tests := []struct {
		name  string
		d     string
		day   attendance.Day
		share float64
		now   time.Time
		want  attendance.DayTime
	}{
		{name: "a day as planned", d: "2026-05-04", day: attendance.Day{WorkedSeconds: hms(8, 0), BreakSeconds: hms(0, 30)}, now: after,
			want: attendance.DayTime{HasShift: true, WorkedSeconds: hms(8, 0), BreakSeconds: hms(0, 30), NetSeconds: hms(8, 0), ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(8, 0), Judged: true}},
		{name: "nothing worked on a shift: all undertime", d: "2026-05-04", now: after,
			want: attendance.DayTime{HasShift: true, ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(8, 0), Judged: true, UndertimeSeconds: hms(8, 0)}},
		{name: "the shift not over yet: no undertime", d: "2026-05-04", now: at(berlin, "2026-05-04 16:29"),
			want: attendance.DayTime{HasShift: true, ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(8, 0)}},
		{name: "but overtime shows at once", d: "2026-05-04", day: attendance.Day{WorkedSeconds: hms(8, 20), BreakSeconds: hms(0, 30)}, now: at(berlin, "2026-05-04 16:29"),
			want: attendance.DayTime{HasShift: true, WorkedSeconds: hms(8, 20), BreakSeconds: hms(0, 30), NetSeconds: hms(8, 20), ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(8, 0), OvertimeSeconds: hms(0, 20)}},
		{name: "a holiday: all overtime", d: "2026-05-06", day: attendance.Day{WorkedSeconds: hms(3, 0)}, now: after,
			want: attendance.DayTime{WorkedSeconds: hms(3, 0), NetSeconds: hms(3, 0), OvertimeSeconds: hms(3, 0)}},
		{name: "a Saturday: the break rule applies", d: "2026-05-09", day: attendance.Day{WorkedSeconds: hms(7, 0)}, now: after,
			want: attendance.DayTime{WorkedSeconds: hms(7, 0), DeductedSeconds: hms(0, 30), NetSeconds: hms(6, 30), OvertimeSeconds: hms(6, 30)}},
		{name: "a whole day of leave, worked anyway", d: "2026-05-04", day: attendance.Day{WorkedSeconds: hms(2, 0)}, share: 1, now: after,
			want: attendance.DayTime{HasShift: true, WorkedSeconds: hms(2, 0), NetSeconds: hms(2, 0), ScheduledSeconds: hms(8, 0), Judged: true, OvertimeSeconds: hms(2, 0)}},
		{name: "half a day of leave", d: "2026-05-04", day: attendance.Day{WorkedSeconds: hms(3, 0)}, share: 0.5, now: after,
			want: attendance.DayTime{HasShift: true, WorkedSeconds: hms(3, 0), NetSeconds: hms(3, 0), ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(4, 0), Judged: true, UndertimeSeconds: hms(1, 0)}},
		{name: "two hours of hourly leave (a quarter)", d: "2026-05-04", day: attendance.Day{WorkedSeconds: hms(6, 0)}, share: 0.25, now: after,
			want: attendance.DayTime{HasShift: true, WorkedSeconds: hms(6, 0), NetSeconds: hms(6, 0), ScheduledSeconds: hms(8, 0), ExpectedSeconds: hms(6, 0), Judged: true}},
		{name: "after the employment: nothing expected", d: "2026-06-01", now: after,
			want: attendance.DayTime{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := date(tt.d)
			tt.day.Date = d
			got := s.DayTime(d, tt.day, h, set.BreakRule, tt.share, tt.now)
			tt.want.Date = d
			if tt.want.HasShift {
				tt.want.ShiftEnd = d.At(hm("16:30"), berlin)
			}
			if !got.ShiftEnd.Equal(tt.want.ShiftEnd) {
				t.Errorf("ShiftEnd = %s, want %s", got.ShiftEnd, tt.want.ShiftEnd)
			}
			got.ShiftEnd = tt.want.ShiftEnd
			if got != tt.want {
				t.Errorf("DayTime =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestSummarizeWorkIsSummarizeForOneShift: for a schedule of today, and for
// the same schedule migrated to one shift, Summarize and SummarizeWork's
// overview figures are the contract's, counted one date at a time, over
// random histories, ranges and leave.
func TestSummarizeWorkIsSummarizeForOneShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 7))
	zones := []*time.Location{time.UTC, berlin, newYork, auckland}
	for i := range 300 {
		legacy := attendance.Schedule{
			Location:  zones[i%len(zones)],
			WorkStart: attendance.TimeOfDay(7*60 + rng.IntN(5*60)),
			WorkEnd:   attendance.TimeOfDay(rng.IntN(24 * 60)),
			WorkDays:  attendance.Weekdays(1 + rng.IntN(127)),
			LateGrace: rng.IntN(10),
			HiredOn:   date("2026-02-01").AddDays(rng.IntN(60)),
		}
		if rng.IntN(4) == 0 {
			legacy.Until = ptr(date("2026-04-01").AddDays(rng.IntN(60)))
		}
		h := attendance.Holidays{}
		for range rng.IntN(5) {
			h[date("2026-02-01").AddDays(rng.IntN(150))] = ""
		}
		var events []attendance.AttendanceEvent
		ts := at(legacy.Location, "2026-01-25 06:00")
		for typ := attendance.Entry; ts.Before(at(legacy.Location, "2026-07-01 00:00")); {
			ts = ts.Add(time.Duration(30+rng.IntN(20*60)) * time.Minute)
			e := attendance.AttendanceEvent{Type: typ, Timestamp: ts, Late: rng.IntN(3) == 0, LateMinutes: rng.IntN(60)}
			events = append(events, e)
			if rng.IntN(10) > 0 { // now and then an entry left open
				typ = map[attendance.EventType]attendance.EventType{attendance.Entry: attendance.Exit, attendance.Exit: attendance.Entry}[typ]
			}
		}
		days := attendance.BuildDays(legacy.Location, events)
		var requests []attendance.LeaveRequest
		for range rng.IntN(4) {
			start := date("2026-02-01").AddDays(rng.IntN(150))
			requests = append(requests, attendance.LeaveRequest{StartDate: start, EndDate: start.AddDays(rng.IntN(5)), HalfDay: rng.IntN(3) == 0, Status: attendance.LeaveApproved})
		}
		first := date("2026-02-01").AddDays(rng.IntN(100))
		last := first.AddDays(rng.IntN(60))
		today := date("2026-02-15").AddDays(rng.IntN(150))
		leave := attendance.ApprovedLeaveDays(legacy, h, first, last, requests)
		want := contractTotals(legacy, h, first, last, today, days, leave)
		if got := attendance.Summarize(legacy, h, first, last, today, days, leave); got != want {
			t.Fatalf("case %d: Summarize =\n%+v\nwant\n%+v", i, got, want)
		}

		sh := legacy.LegacyShift()
		for _, s := range []attendance.Schedule{legacy, legacy.Migrated(&sh)} {
			now := today.In(s.Location).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
			if s.Today(now) != today {
				now = today.In(s.Location)
			}
			got, _ := attendance.SummarizeWork(s, h, attendance.DefaultWorkSettings(), first, last, now, days, leave)
			if got != want {
				t.Fatalf("case %d (%d patterns): SummarizeWork =\n%+v\nwant\n%+v", i, len(s.Patterns), got, want)
			}
		}
	}
}

// contractTotals counts the overview's figures one date at a time, straight
// from the contract, for a schedule of today's kind.
func contractTotals(s attendance.Schedule, h attendance.Holidays, first, last, today attendance.Date, days []attendance.Day, leave attendance.LeaveDays) attendance.OverviewTotals {
	var t attendance.OverviewTotals
	present := map[attendance.Date]bool{}
	for _, d := range days {
		if d.Date < first || d.Date > last {
			continue
		}
		if d.Entries > 0 {
			t.DaysPresent++
			present[d.Date] = true
		}
		if d.Late {
			t.LateEntries++
			t.LateMinutes += d.LateMinutes
		}
		t.WorkedSeconds += d.WorkedSeconds
		t.OpenSessions += d.OpenSessions
	}
	for d := first; d <= last; d++ {
		t.LeaveDays += leave[d]
		employed := d >= s.HiredOn && (s.Until == nil || d <= *s.Until)
		if employed && d < today && bruteWorkingDays(s.WorkDays, h, d, d) == 1 && !present[d] && leave[d] == 0 {
			t.AbsentDays++
		}
	}
	t.WorkedHours = attendance.Hours(t.WorkedSeconds)
	return t
}
