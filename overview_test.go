package attendance_test

import (
	"maps"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// fortnight is a hand-made fortnight of one employee in UTC, working Monday
// to Friday from 08:00 with 5 minutes of grace, hired on Tuesday 2026-03-03.
// The overview runs from Monday 2026-03-02 to Sunday 2026-03-15.
//
//	Sun 01  10:00–11:00 worked, but outside the range
//	Mon 02  before hired_on: not absent
//	Tue 03  08:00–17:00, on time                  32400 s
//	Wed 04  08:12–17:00, late 12 minutes          31680 s
//	Thu 05  company holiday: not a working day
//	Fri 06  no entry, no leave (a rejected request): absent
//	Sat 07  10:00–12:00 on a weekend: present       7200 s
//	Sun 08  nothing
//	Mon 09  08:00–12:00 and 13:00–17:30            30600 s
//	Tue 10  approved annual leave, no entry: leave 1
//	Wed 11  approved half-day sick leave, no entry: leave 0.5, not absent
//	Thu 12  08:03, on time, never clocked out: an open session
//	Fri 13  today, no entry yet: not absent
//	Sat 14, Sun 15  the future
//	Mon 16–Wed 18  approved leave, outside the range
type fortnight struct {
	s      attendance.Schedule
	h      attendance.Holidays
	first  attendance.Date
	last   attendance.Date
	events []attendance.AttendanceEvent
	leave  []attendance.LeaveRequest
}

func newFortnight() fortnight {
	f := fortnight{
		s:     attendance.Schedule{Location: time.UTC, WorkStart: hm("08:00"), WorkEnd: hm("17:00"), WorkDays: attendance.MondayToFriday, LateGrace: 5, HiredOn: date("2026-03-03")},
		h:     attendance.Holidays{date("2026-03-05"): "Founders' Day"},
		first: date("2026-03-02"),
		last:  date("2026-03-15"),
		leave: []attendance.LeaveRequest{
			{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-03-10"), EndDate: date("2026-03-10"), Days: 1, Status: attendance.LeaveApproved},
			{LeaveType: attendance.LeaveSick, StartDate: date("2026-03-11"), EndDate: date("2026-03-11"), HalfDay: true, Days: 0.5, Status: attendance.LeaveApproved},
			{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-03-06"), EndDate: date("2026-03-06"), Days: 1, Status: attendance.LeaveRejected},
			{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-03-05"), EndDate: date("2026-03-06"), Days: 1, Status: attendance.LeaveCancelled},
			{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-03-16"), EndDate: date("2026-03-18"), Days: 3, Status: attendance.LeaveApproved},
		},
	}
	times := []struct {
		typ attendance.EventType
		at  string
	}{
		{attendance.Entry, "2026-03-01 10:00"}, {attendance.Exit, "2026-03-01 11:00"},
		{attendance.Entry, "2026-03-03 08:00"}, {attendance.Exit, "2026-03-03 17:00"},
		{attendance.Entry, "2026-03-04 08:12"}, {attendance.Exit, "2026-03-04 17:00"},
		{attendance.Entry, "2026-03-07 10:00"}, {attendance.Exit, "2026-03-07 12:00"},
		{attendance.Entry, "2026-03-09 08:00"}, {attendance.Exit, "2026-03-09 12:00"},
		{attendance.Entry, "2026-03-09 13:00"}, {attendance.Exit, "2026-03-09 17:30"},
		{attendance.Entry, "2026-03-12 08:03"},
	}
	leaveDays := attendance.ApprovedLeaveDays(f.s, f.h, f.first, f.last, f.leave)
	seen := map[attendance.Date]bool{}
	for _, tt := range times {
		e := ev(tt.typ, utc(tt.at))
		if d := f.s.LocalDate(e.Timestamp); e.Type == attendance.Entry && !seen[d] {
			// Only the first entry of a date can be late.
			seen[d] = true
			e.Late, e.LateMinutes = f.s.Lateness(e.Timestamp, f.h, leaveDays[d] > 0)
		}
		f.events = append(f.events, e)
	}
	return f
}

// days derives the Day of every date of the range, and of the dates just
// outside it, from the events.
func (f fortnight) days() []attendance.Day {
	var days []attendance.Day
	for d := f.first.AddDays(-1); d <= f.last.AddDays(1); d = d.AddDays(1) {
		var from []attendance.AttendanceEvent
		for _, e := range f.events {
			if !e.Timestamp.Before(d.In(f.s.Location)) {
				from = append(from, e)
			}
		}
		days = append(days, attendance.BuildDay(d, f.s.Location, from))
	}
	return days
}

func TestSummarizeHandComputedFortnight(t *testing.T) {
	f := newFortnight()
	today := date("2026-03-13")
	leave := attendance.ApprovedLeaveDays(f.s, f.h, f.first, f.last, f.leave)
	got := attendance.Summarize(f.s, f.h, f.first, f.last, today, f.days(), leave)
	want := attendance.OverviewTotals{
		DaysPresent: 5,  // Tue 03, Wed 04, Sat 07, Mon 09, Thu 12
		LateEntries: 1,  // Wed 04
		LateMinutes: 12, // 08:12 against 08:00, the grace does not count
		// Working days from max(02, hired 03) to min(15, today-1 = 12): Tue 03,
		// Wed 04, Fri 06, Mon 09, Tue 10, Wed 11, Thu 12 (Thu 05 is a holiday) = 7;
		// entries on 03, 04, 09, 12 and leave on 10, 11 cover 6: Fri 06 is absent.
		AbsentDays: 1,
		LeaveDays:  1.5, // Tue 10 whole, Wed 11 half
		// 32400 + 31680 + 7200 + 30600 = 101880 s = 28.3 h.
		WorkedSeconds: 101880,
		WorkedHours:   28.3,
		OpenSessions:  1, // Thu 12
	}
	if got != want {
		t.Errorf("Summarize =\n%+v\nwant\n%+v", got, want)
	}
}

func TestSummarizeAbsentDays(t *testing.T) {
	f := newFortnight()
	days := f.days()
	tests := []struct {
		name    string
		today   string
		hiredOn string
		h       attendance.Holidays
		until   string // the deactivation date, "" while employed
		want    int
	}{
		{name: "as in the fortnight", today: "2026-03-13", hiredOn: "2026-03-03", h: f.h, want: 1},
		{name: "hired a day earlier: Mon 02 is absent too", today: "2026-03-13", hiredOn: "2026-03-02", h: f.h, want: 2},
		{name: "hired long before", today: "2026-03-13", hiredOn: "2020-01-01", h: f.h, want: 2},
		{name: "no holiday: Thu 05 is absent too", today: "2026-03-13", hiredOn: "2026-03-03", h: nil, want: 2},
		{name: "today is Friday 06: today is not absent", today: "2026-03-06", hiredOn: "2026-03-03", h: f.h, want: 0},
		{name: "today is Saturday 07: Fri 06 is", today: "2026-03-07", hiredOn: "2026-03-03", h: f.h, want: 1},
		{name: "today after the range: Fri 13 counts too", today: "2026-04-01", hiredOn: "2026-03-03", h: f.h, want: 2},
		{name: "today is the first date", today: "2026-03-02", hiredOn: "2026-03-03", h: f.h, want: 0},
		{name: "today before the range", today: "2026-02-01", hiredOn: "2026-03-03", h: f.h, want: 0},
		{name: "hired after the range", today: "2026-04-01", hiredOn: "2026-03-16", h: f.h, want: 0},
		{name: "hired on Tue 10: leave and an entry cover everything", today: "2026-03-13", hiredOn: "2026-03-10", h: f.h, want: 0},
		{name: "hired on today", today: "2026-03-13", hiredOn: "2026-03-13", h: f.h, want: 0},
		// A deactivated employee is absent on no date after the deactivation.
		{name: "deactivated on Fri 06: its own date still counts", today: "2026-03-13", hiredOn: "2026-03-03", h: f.h, until: "2026-03-06", want: 1},
		{name: "deactivated on Thu 05", today: "2026-03-13", hiredOn: "2026-03-03", h: f.h, until: "2026-03-05", want: 0},
		{name: "deactivated on Mon 09", today: "2026-03-13", hiredOn: "2026-03-03", h: f.h, until: "2026-03-09", want: 1},
		{name: "deactivated after the range", today: "2026-04-01", hiredOn: "2026-03-03", h: f.h, until: "2026-03-20", want: 2},
		{name: "deactivated before the range", today: "2026-04-01", hiredOn: "2026-01-01", h: f.h, until: "2026-02-27", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.s
			s.HiredOn = date(tt.hiredOn)
			if tt.until != "" {
				s.Until = ptr(date(tt.until))
			}
			leave := attendance.ApprovedLeaveDays(s, tt.h, f.first, f.last, f.leave)
			got := attendance.Summarize(s, tt.h, f.first, f.last, date(tt.today), days, leave)
			if got.AbsentDays != tt.want {
				t.Errorf("AbsentDays = %d, want %d", got.AbsentDays, tt.want)
			}
		})
	}
}

func TestSummarizeDaysOutsideTheRange(t *testing.T) {
	s := sched(time.UTC, "08:00", 0, attendance.MondayToFriday)
	first, last := date("2026-06-15"), date("2026-06-19")
	days := []attendance.Day{
		{Date: date("2026-06-12"), Entries: 1, Late: true, LateMinutes: 30, WorkedSeconds: 3600, OpenSessions: 1},
		{Date: date("2026-06-22"), Entries: 1, Late: true, LateMinutes: 30, WorkedSeconds: 3600},
	}
	leave := attendance.LeaveDays{date("2026-06-11"): 1, date("2026-06-23"): 0.5}
	got := attendance.Summarize(s, nil, first, last, date("2026-07-01"), days, leave)
	want := attendance.OverviewTotals{AbsentDays: 5}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
}

// TestSummarizeMatchesCountingDays compares Summarize with the contract's rules
// applied one date at a time, over many random employees and ranges.
func TestSummarizeMatchesCountingDays(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 42))
	base := date("2026-01-01")
	for i := range 3000 {
		s := sched(time.UTC, "08:00", 0, attendance.Weekdays(rng.IntN(1<<7)))
		s.HiredOn = base.AddDays(rng.IntN(120))
		h := attendance.Holidays{}
		for range rng.IntN(8) {
			h[base.AddDays(rng.IntN(150))] = "holiday"
		}
		first := base.AddDays(rng.IntN(120))
		last := first.AddDays(rng.IntN(45) - 3)
		today := first.AddDays(rng.IntN(70) - 10)

		var days []attendance.Day
		leave := attendance.LeaveDays{}
		for d := first.AddDays(-5); d <= last.AddDays(5); d = d.AddDays(1) {
			if rng.IntN(3) > 0 {
				day := attendance.Day{Date: d, Entries: rng.IntN(3)}
				if day.Entries > 0 {
					day.WorkedSeconds = int64(rng.IntN(40000))
					day.OpenSessions = rng.IntN(2)
					if rng.IntN(3) == 0 {
						day.Late, day.LateMinutes = true, 1+rng.IntN(120)
					}
				}
				days = append(days, day)
			}
			if s.IsWorkingDay(d, h) && rng.IntN(5) == 0 {
				leave[d] = []float64{0.5, 1}[rng.IntN(2)]
			}
		}
		rng.Shuffle(len(days), func(i, j int) { days[i], days[j] = days[j], days[i] })

		var want attendance.OverviewTotals
		present := map[attendance.Date]bool{}
		for _, d := range days {
			if d.Date < first || d.Date > last {
				continue
			}
			present[d.Date] = d.Entries > 0
			if d.Entries > 0 {
				want.DaysPresent++
			}
			if d.Late {
				want.LateEntries++
				want.LateMinutes += d.LateMinutes
			}
			want.WorkedSeconds += d.WorkedSeconds
			want.OpenSessions += d.OpenSessions
		}
		for d := first; d <= last; d = d.AddDays(1) {
			want.LeaveDays += leave[d]
			if s.IsWorkingDay(d, h) && d >= s.HiredOn && d < today && !present[d] && leave[d] == 0 {
				want.AbsentDays++
			}
		}
		want.WorkedHours = attendance.Hours(want.WorkedSeconds)

		got := attendance.Summarize(s, h, first, last, today, days, leave)
		if got != want {
			t.Fatalf("case %d: Summarize(%v..%v, today %v, hired %v, days %q) =\n%+v\nwant\n%+v",
				i, first, last, today, s.HiredOn, s.WorkDays.Names(), got, want)
		}
	}
}

func TestApprovedLeaveDays(t *testing.T) {
	s := sched(time.UTC, "08:00", 0, attendance.MondayToFriday)
	h := attendance.Holidays{date("2026-06-17"): "holiday"}
	req := func(status attendance.LeaveStatus, start, end string, half bool) attendance.LeaveRequest {
		return attendance.LeaveRequest{LeaveType: attendance.LeaveAnnual, StartDate: date(start), EndDate: date(end), HalfDay: half, Status: status}
	}
	tests := []struct {
		name        string
		first, last string
		requests    []attendance.LeaveRequest
		want        attendance.LeaveDays
	}{
		{
			name:  "none",
			first: "2026-06-15", last: "2026-06-30",
			want: attendance.LeaveDays{},
		},
		{
			name:  "a week with a holiday",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{req(attendance.LeaveApproved, "2026-06-15", "2026-06-21", false)},
			want: attendance.LeaveDays{
				date("2026-06-15"): 1, date("2026-06-16"): 1, date("2026-06-18"): 1, date("2026-06-19"): 1,
			},
		},
		{
			name:  "clipped to the range",
			first: "2026-06-16", last: "2026-06-18",
			requests: []attendance.LeaveRequest{req(attendance.LeaveApproved, "2026-06-08", "2026-06-26", false)},
			want:     attendance.LeaveDays{date("2026-06-16"): 1, date("2026-06-18"): 1},
		},
		{
			name:  "half day",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{req(attendance.LeaveApproved, "2026-06-24", "2026-06-24", true)},
			want:     attendance.LeaveDays{date("2026-06-24"): 0.5},
		},
		{
			name:  "only approved requests count",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{
				req(attendance.LeaveApproved, "2026-06-22", "2026-06-22", false),
				req(attendance.LeavePending, "2026-06-23", "2026-06-23", false),
				req(attendance.LeaveRejected, "2026-06-24", "2026-06-24", false),
				req(attendance.LeaveCancelled, "2026-06-25", "2026-06-25", false),
			},
			want: attendance.LeaveDays{date("2026-06-22"): 1},
		},
		{
			name:  "a whole day wins over a half day on the same date",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{
				req(attendance.LeaveApproved, "2026-06-24", "2026-06-24", true),
				req(attendance.LeaveApproved, "2026-06-23", "2026-06-25", false),
			},
			want: attendance.LeaveDays{date("2026-06-23"): 1, date("2026-06-24"): 1, date("2026-06-25"): 1},
		},
		{
			name:  "a whole day wins over a later half day on the same date",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{
				req(attendance.LeaveApproved, "2026-06-23", "2026-06-25", false),
				req(attendance.LeaveApproved, "2026-06-24", "2026-06-24", true),
			},
			want: attendance.LeaveDays{date("2026-06-23"): 1, date("2026-06-24"): 1, date("2026-06-25"): 1},
		},
		{
			name:  "weekend leave covers no day",
			first: "2026-06-01", last: "2026-06-30",
			requests: []attendance.LeaveRequest{req(attendance.LeaveApproved, "2026-06-20", "2026-06-21", false)},
			want:     attendance.LeaveDays{},
		},
		{
			name:  "outside the range",
			first: "2026-06-01", last: "2026-06-10",
			requests: []attendance.LeaveRequest{req(attendance.LeaveApproved, "2026-06-22", "2026-06-26", false)},
			want:     attendance.LeaveDays{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.ApprovedLeaveDays(s, h, date(tt.first), date(tt.last), tt.requests)
			if !maps.Equal(got, tt.want) {
				t.Errorf("ApprovedLeaveDays = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOnLeaveOn(t *testing.T) {
	s := sched(time.UTC, "08:00", 0, attendance.MondayToFriday)
	h := attendance.Holidays{date("2026-06-17"): "holiday"}
	day := func(status attendance.LeaveStatus, start, end string, half bool) attendance.LeaveRequest {
		return attendance.LeaveRequest{LeaveType: attendance.LeaveAnnual, StartDate: date(start), EndDate: date(end), HalfDay: half, Status: status}
	}
	minutes := 120
	hours := attendance.LeaveRequest{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-06-16"), EndDate: date("2026-06-16"),
		Unit: attendance.UnitHour, Minutes: &minutes, Cost: attendance.NewAmount(2, 9), Status: attendance.LeaveApproved}
	tests := []struct {
		name     string
		d        string
		requests []attendance.LeaveRequest
		want     bool
	}{
		{"no leave", "2026-06-16", nil, false},
		{"a whole day", "2026-06-16", []attendance.LeaveRequest{day(attendance.LeaveApproved, "2026-06-15", "2026-06-19", false)}, true},
		{"a half day", "2026-06-16", []attendance.LeaveRequest{day(attendance.LeaveApproved, "2026-06-16", "2026-06-16", true)}, true},
		{"hours only move the arrival", "2026-06-16", []attendance.LeaveRequest{hours}, false},
		{"hours beside a whole day", "2026-06-16", []attendance.LeaveRequest{hours, day(attendance.LeaveApproved, "2026-06-16", "2026-06-16", false)}, true},
		{"pending", "2026-06-16", []attendance.LeaveRequest{day(attendance.LeavePending, "2026-06-16", "2026-06-16", false)}, false},
		{"a holiday is no working day", "2026-06-17", []attendance.LeaveRequest{day(attendance.LeaveApproved, "2026-06-15", "2026-06-19", false)}, false},
		{"a weekend", "2026-06-20", []attendance.LeaveRequest{day(attendance.LeaveApproved, "2026-06-15", "2026-06-26", false)}, false},
		{"another date", "2026-06-22", []attendance.LeaveRequest{day(attendance.LeaveApproved, "2026-06-15", "2026-06-19", false)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.OnLeaveOn(s, h, date(tt.d), tt.requests); got != tt.want {
				t.Errorf("OnLeaveOn(%s) = %v, want %v", tt.d, got, tt.want)
			}
		})
	}
}

func TestHours(t *testing.T) {
	tests := []struct {
		seconds int64
		want    float64
	}{
		{0, 0},
		{3600, 1},
		{5400, 1.5},
		{5399, 1.5},  // 1.49972… rounds up
		{5381, 1.49}, // 1.49472… rounds down
		{18, 0.01},   // 0.005 rounds half away from zero
		{17, 0},
		{101880, 28.3},
		{36 * 3600, 36},
	}
	for _, tt := range tests {
		if got := attendance.Hours(tt.seconds); got != tt.want {
			t.Errorf("Hours(%d) = %v, want %v", tt.seconds, got, tt.want)
		}
	}
}

func TestOverviewTotalsAdd(t *testing.T) {
	a := attendance.OverviewTotals{DaysPresent: 3, LateEntries: 1, LateMinutes: 12, AbsentDays: 1, LeaveDays: 1.5, WorkedSeconds: 5381, WorkedHours: 1.49, OpenSessions: 1}
	b := attendance.OverviewTotals{DaysPresent: 2, LateEntries: 2, LateMinutes: 30, AbsentDays: 0, LeaveDays: 0.5, WorkedSeconds: 5381, WorkedHours: 1.49, OpenSessions: 0}
	var got attendance.OverviewTotals
	got.Add(a)
	got.Add(b)
	// The total's hours are the total seconds in hours (10762 s = 2.989… h, so
	// 2.99), not the sum of the rounded rows (2.98).
	want := attendance.OverviewTotals{DaysPresent: 5, LateEntries: 3, LateMinutes: 42, AbsentDays: 1, LeaveDays: 2, WorkedSeconds: 10762, WorkedHours: 2.99, OpenSessions: 1}
	if got != want {
		t.Errorf("Add = %+v, want %+v", got, want)
	}
}

func TestCheckRange(t *testing.T) {
	d := date("2026-06-01")
	tests := []struct {
		name     string
		from, to attendance.Date
		max      int
		ok       bool
	}{
		{"one day", d, d, 0, true},
		{"to before from", d, d.AddDays(-1), 0, false},
		{"a year of 366 days, bounded", d, d.AddDays(365), attendance.MaxOverviewDays, true},
		{"367 days, bounded", d, d.AddDays(366), attendance.MaxOverviewDays, false},
		{"ten years, unbounded", d, d.AddDays(3650), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := attendance.CheckRange(tt.from, tt.to, tt.max)
			if tt.ok {
				checkErr(t, err, "", "")
			} else {
				checkErr(t, err, attendance.KindInvalid, "")
				checkFields(t, err, "query.to")
			}
		})
	}
}
