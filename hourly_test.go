package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// shift returns the instants of the wall-clock times "HH:MM" start and end
// on date d in loc, the end on the next date when it is not after the start.
// Today's Schedule makes such a shift from work_start and work_end; the
// rules take only the two instants.
func shiftSpan(loc *time.Location, d, start, end string) (time.Time, time.Time) {
	day := date(d)
	s, e := day.At(hm(start), loc), day.At(hm(end), loc)
	if !e.After(s) {
		e = day.AddDays(1).At(hm(end), loc)
	}
	return s, e
}

func TestHourlyCost(t *testing.T) {
	tests := []struct {
		name                 string
		loc                  *time.Location
		day, sStart, sEnd    string
		from, to             string
		wantMinutes, wantDay int
		want                 string
	}{
		{name: "2 h of 08:00-17:00", loc: berlin, day: "2026-06-15", sStart: "08:00", sEnd: "17:00", from: "08:00", to: "10:00", wantMinutes: 120, wantDay: 540, want: "2/9"},
		{name: "2 h of a part-time 09:00-13:00", loc: berlin, day: "2026-06-15", sStart: "09:00", sEnd: "13:00", from: "11:00", to: "13:00", wantMinutes: 120, wantDay: 240, want: "1/2"},
		{name: "the whole day in hours", loc: berlin, day: "2026-06-15", sStart: "08:00", sEnd: "17:00", from: "08:00", to: "17:00", wantMinutes: 540, wantDay: 540, want: "1"},
		{name: "a minute", loc: berlin, day: "2026-06-15", sStart: "08:00", sEnd: "17:00", from: "12:00", to: "12:01", wantMinutes: 1, wantDay: 540, want: "1/540"},
		{name: "1 h 30 of 07:30-16:00", loc: newYork, day: "2026-06-15", sStart: "07:30", sEnd: "16:00", from: "14:30", to: "16:00", wantMinutes: 90, wantDay: 510, want: "3/17"},
		{name: "a night shift's last hours", loc: berlin, day: "2026-06-15", sStart: "22:00", sEnd: "06:00", from: "02:00", to: "06:00", wantMinutes: 240, wantDay: 480, want: "1/2"},
		{name: "a night shift across midnight", loc: berlin, day: "2026-06-15", sStart: "22:00", sEnd: "06:00", from: "23:00", to: "01:00", wantMinutes: 120, wantDay: 480, want: "1/4"},
		// The contract: a 22:00-06:00 night across the autumn change is 9
		// hours, across the spring change 7.
		{name: "2 h of the autumn night (9 h)", loc: berlin, day: "2026-10-24", sStart: "22:00", sEnd: "06:00", from: "22:00", to: "00:00", wantMinutes: 120, wantDay: 540, want: "2/9"},
		{name: "across the repeated hour", loc: berlin, day: "2026-10-24", sStart: "22:00", sEnd: "06:00", from: "01:00", to: "04:00", wantMinutes: 240, wantDay: 540, want: "4/9"},
		{name: "2 h of the spring night (7 h)", loc: berlin, day: "2026-03-28", sStart: "22:00", sEnd: "06:00", from: "22:00", to: "00:00", wantMinutes: 120, wantDay: 420, want: "2/7"},
		{name: "across the skipped hour", loc: berlin, day: "2026-03-28", sStart: "22:00", sEnd: "06:00", from: "01:00", to: "04:00", wantMinutes: 120, wantDay: 420, want: "2/7"},
		{name: "a day shift on the spring Sunday", loc: newYork, day: "2026-03-08", sStart: "00:00", sEnd: "08:00", from: "00:00", to: "04:00", wantMinutes: 180, wantDay: 420, want: "3/7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e := shiftSpan(tt.loc, tt.day, tt.sStart, tt.sEnd)
			h, err := attendance.HoursOnShift(s, e, tt.loc, hm(tt.from), hm(tt.to))
			checkErr(t, err, "", "")
			minutes, day, cost := attendance.HourlyCost(s, e, h)
			if minutes != tt.wantMinutes || day != tt.wantDay || cost != amt(tt.want) {
				t.Errorf("HourlyCost = %d min of %d, %s; want %d of %d, %s", minutes, day, cost, tt.wantMinutes, tt.wantDay, tt.want)
			}
		})
	}
}

func TestHoursOnShift(t *testing.T) {
	dayStart, dayEnd := shiftSpan(berlin, "2026-06-15", "08:00", "17:00")
	nightStart, nightEnd := shiftSpan(berlin, "2026-06-15", "22:00", "06:00")
	longStart, longEnd := shiftSpan(berlin, "2026-06-15", "08:00", "08:00") // 24 hours
	tests := []struct {
		name       string
		start, end time.Time
		from, to   string
		want       [2]string // Berlin wall times "YYYY-MM-DD HH:MM"
		wantFields []string
	}{
		{name: "within the day", start: dayStart, end: dayEnd, from: "08:00", to: "10:00", want: [2]string{"2026-06-15 08:00", "2026-06-15 10:00"}},
		{name: "up to the end", start: dayStart, end: dayEnd, from: "15:00", to: "17:00", want: [2]string{"2026-06-15 15:00", "2026-06-15 17:00"}},
		{name: "night: both after midnight", start: nightStart, end: nightEnd, from: "04:00", to: "06:00", want: [2]string{"2026-06-16 04:00", "2026-06-16 06:00"}},
		{name: "night: across midnight", start: nightStart, end: nightEnd, from: "23:30", to: "00:30", want: [2]string{"2026-06-15 23:30", "2026-06-16 00:30"}},
		{name: "a 24-hour shift to its end", start: longStart, end: longEnd, from: "20:00", to: "08:00", want: [2]string{"2026-06-15 20:00", "2026-06-16 08:00"}},

		{name: "starts before the shift", start: dayStart, end: dayEnd, from: "07:00", to: "09:00", wantFields: []string{"body.start_time"}},
		{name: "ends after the shift", start: dayStart, end: dayEnd, from: "16:00", to: "18:00", wantFields: []string{"body.end_time"}},
		{name: "both outside", start: dayStart, end: dayEnd, from: "18:00", to: "19:00", wantFields: []string{"body.start_time", "body.end_time"}},
		{name: "starts at the end", start: dayStart, end: dayEnd, from: "17:00", to: "17:00", wantFields: []string{"body.start_time"}},
		{name: "ends at the start", start: dayStart, end: dayEnd, from: "08:00", to: "08:00", wantFields: []string{"body.end_time"}},
		{name: "end before start", start: dayStart, end: dayEnd, from: "12:00", to: "10:00", wantFields: []string{"body.end_time"}},
		{name: "end equals start", start: dayStart, end: dayEnd, from: "12:00", to: "12:00", wantFields: []string{"body.end_time"}},
		{name: "night: the afternoon", start: nightStart, end: nightEnd, from: "14:00", to: "15:00", wantFields: []string{"body.start_time", "body.end_time"}},
		{name: "night: end before start across midnight", start: nightStart, end: nightEnd, from: "02:00", to: "23:00", wantFields: []string{"body.end_time"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := attendance.HoursOnShift(tt.start, tt.end, berlin, hm(tt.from), hm(tt.to))
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
			if want := (attendance.LeaveHours{Start: at(berlin, tt.want[0]), End: at(berlin, tt.want[1])}); !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
				t.Errorf("HoursOnShift = %v to %v, want %v to %v", got.Start, got.End, want.Start, want.End)
			}
		})
	}
}

func TestRequestCost(t *testing.T) {
	mf := sched(berlin, "08:00", 0, attendance.MondayToFriday)
	partTime := mf
	partTime.WorkStart, partTime.WorkEnd = hm("09:00"), hm("13:00")
	h := attendance.Holidays{date("2026-04-06"): "Easter Monday", date("2026-12-25"): "Christmas"}
	policies := attendance.BuiltinLeavePolicies(2026)
	annual := &policies[0]
	daysOnly := &attendance.LeavePolicy{Code: "study", Name: "Study leave", UsesAllowance: true, Units: attendance.NewLeaveUnits(attendance.UnitDay)}
	hoursOnly := &attendance.LeavePolicy{Code: "doctor", Name: "Doctor's visit", Units: attendance.NewLeaveUnits(attendance.UnitHour)}
	retired := &attendance.LeavePolicy{Code: "old", Name: "Old leave", Units: attendance.AllLeaveUnits, Retired: true}

	days := func(start, end string) attendance.LeaveInput {
		return attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date(start), EndDate: date(end)}
	}
	half := func(d string) attendance.LeaveInput { in := days(d, d); in.HalfDay = true; return in }
	hours := func(d, from, to string) attendance.LeaveInput {
		in := days(d, d)
		f, e := hm(from), hm(to)
		in.StartTime, in.EndTime = &f, &e
		return in
	}
	with := func(in attendance.LeaveInput, change func(*attendance.LeaveInput)) attendance.LeaveInput {
		change(&in)
		return in
	}

	tests := []struct {
		name        string
		p           *attendance.LeavePolicy
		s           attendance.Schedule
		in          attendance.LeaveInput
		wantUnit    attendance.LeaveUnit
		want        string
		wantMinutes int
		wantCode    string   // a refusal that is not a field error
		wantFields  []string // nil for no error
	}{
		{name: "a week", p: annual, s: mf, in: days("2026-06-15", "2026-06-19"), wantUnit: attendance.UnitDay, want: "5"},
		{name: "a week over a holiday", p: annual, s: mf, in: days("2026-04-06", "2026-04-12"), wantUnit: attendance.UnitDay, want: "4"},
		{name: "Christmas week", p: annual, s: mf, in: days("2026-12-21", "2026-12-27"), wantUnit: attendance.UnitDay, want: "4"},
		{name: "a half day", p: annual, s: mf, in: half("2026-06-15"), wantUnit: attendance.UnitHalfDay, want: "1/2"},
		{name: "a part-timer's half day is half a day", p: annual, s: partTime, in: half("2026-06-15"), wantUnit: attendance.UnitHalfDay, want: "1/2"},
		{name: "2 hours, full time", p: annual, s: mf, in: hours("2026-06-15", "08:00", "10:00"), wantUnit: attendance.UnitHour, want: "2/9", wantMinutes: 120},
		{name: "2 hours, part time", p: annual, s: partTime, in: hours("2026-06-15", "11:00", "13:00"), wantUnit: attendance.UnitHour, want: "1/2", wantMinutes: 120},
		{name: "hours of an hours-only type", p: hoursOnly, s: mf, in: hours("2026-06-15", "15:30", "17:00"), wantUnit: attendance.UnitHour, want: "1/6", wantMinutes: 90},
		{name: "days of a days-only type", p: daysOnly, s: mf, in: days("2026-06-15", "2026-06-16"), wantUnit: attendance.UnitDay, want: "2"},

		{name: "hours on a holiday", p: annual, s: mf, in: hours("2026-04-06", "08:00", "10:00"), wantFields: []string{"body.start_date"}},
		{name: "hours on a Saturday", p: annual, s: mf, in: hours("2026-06-20", "08:00", "10:00"), wantFields: []string{"body.start_date"}},
		{name: "a holiday alone", p: annual, s: mf, in: days("2026-04-06", "2026-04-06"), wantFields: []string{"body.start_date"}},
		{name: "hours outside the part-time day", p: annual, s: partTime, in: hours("2026-06-15", "13:00", "15:00"), wantFields: []string{"body.start_time", "body.end_time"}},
		{name: "hours over two dates", p: annual, s: mf, in: with(hours("2026-06-15", "08:00", "10:00"), func(in *attendance.LeaveInput) { in.EndDate = date("2026-06-16") }), wantFields: []string{"body.end_date"}},
		{name: "hours and a half day", p: annual, s: mf, in: with(hours("2026-06-15", "08:00", "10:00"), func(in *attendance.LeaveInput) { in.HalfDay = true }), wantFields: []string{"body.half_day"}},
		{name: "a start time alone", p: annual, s: mf, in: with(hours("2026-06-15", "08:00", "10:00"), func(in *attendance.LeaveInput) { in.EndTime = nil }), wantFields: []string{"body.end_time"}},
		{name: "hours of a days-only type", p: daysOnly, s: mf, in: hours("2026-06-15", "08:00", "10:00"), wantFields: []string{"body.start_time"}},
		{name: "a half day of a days-only type", p: daysOnly, s: mf, in: half("2026-06-15"), wantFields: []string{"body.half_day"}},
		{name: "days of an hours-only type", p: hoursOnly, s: mf, in: days("2026-06-15", "2026-06-15"), wantFields: []string{"body.leave_type"}},
		{name: "end before start", p: annual, s: mf, in: days("2026-06-19", "2026-06-15"), wantFields: []string{"body.end_date"}},
		{name: "two years", p: annual, s: mf, in: days("2026-12-31", "2027-01-01"), wantFields: []string{"body.end_date"}},
		{name: "a half day over two dates", p: annual, s: mf, in: with(half("2026-06-15"), func(in *attendance.LeaveInput) { in.EndDate = date("2026-06-16") }), wantFields: []string{"body.half_day"}},
		{name: "a reason with a NUL", p: annual, s: mf, in: with(days("2026-06-15", "2026-06-15"), func(in *attendance.LeaveInput) { in.Reason = "a\x00b" }), wantFields: []string{"body.reason"}},
		{name: "a retired type", p: retired, s: mf, in: days("2026-06-15", "2026-06-15"), wantCode: "leave_type_retired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Today's call site: the working days and the day's scheduled
			// hours from the employee's Schedule and the holidays.
			working := tt.s.WorkingDays(tt.in.StartDate, tt.in.EndDate, h)
			var sStart, sEnd time.Time
			if tt.s.IsWorkingDay(tt.in.StartDate, h) {
				sStart, sEnd = tt.in.StartDate.At(tt.s.WorkStart, tt.s.Location), tt.in.StartDate.At(tt.s.WorkEnd, tt.s.Location)
			}
			got, err := attendance.RequestCost(tt.p, tt.in, working, sStart, sEnd, tt.s.Location)
			switch {
			case tt.wantFields != nil:
				checkFields(t, err, tt.wantFields...)
				return
			case tt.wantCode != "":
				checkErr(t, err, attendance.KindInvalid, tt.wantCode)
				return
			}
			checkErr(t, err, "", "")
			if got.Unit != tt.wantUnit || got.Days != amt(tt.want) || got.Minutes != tt.wantMinutes {
				t.Errorf("RequestCost = %s %s (%d min), want %s %s (%d min)", got.Days, got.Unit, got.Minutes, tt.want, tt.wantUnit, tt.wantMinutes)
			}
			if (got.Hours != nil) != (tt.wantUnit == attendance.UnitHour) {
				t.Errorf("Hours = %v, want them only for hourly leave", got.Hours)
			}
		})
	}
}

func TestLeaveCostRefusesHours(t *testing.T) {
	// The contract's LeaveCost knows no hours; it must not drop them silently.
	f, e := hm("08:00"), hm("10:00")
	in := attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date("2026-06-15"), EndDate: date("2026-06-15"), StartTime: &f, EndTime: &e}
	_, err := attendance.LeaveCost(sched(time.UTC, "08:00", 0, attendance.MondayToFriday), nil, in)
	checkFields(t, err, "body.start_time")
}

func TestHeldLeaveOverlaps(t *testing.T) {
	hours := func(d, from, to string) attendance.HeldLeave {
		return attendance.HeldLeave{Start: date(d), End: date(d), Hours: &attendance.LeaveHours{Start: at(berlin, d+" "+from), End: at(berlin, d+" "+to)}}
	}
	days := func(start, end string) attendance.HeldLeave {
		return attendance.HeldLeave{Start: date(start), End: date(end)}
	}
	tests := []struct {
		name string
		a, b attendance.HeldLeave
		want bool
	}{
		{"the same days", days("2026-06-15", "2026-06-19"), days("2026-06-15", "2026-06-19"), true},
		{"sharing the last day", days("2026-06-15", "2026-06-19"), days("2026-06-19", "2026-06-22"), true},
		{"back to back", days("2026-06-15", "2026-06-19"), days("2026-06-20", "2026-06-22"), false},
		{"hours inside days", days("2026-06-15", "2026-06-19"), hours("2026-06-17", "08:00", "10:00"), true},
		{"hours on another date", days("2026-06-15", "2026-06-19"), hours("2026-06-22", "08:00", "10:00"), false},
		{"morning and afternoon hours", hours("2026-06-15", "08:00", "10:00"), hours("2026-06-15", "15:00", "17:00"), false},
		{"hours that touch", hours("2026-06-15", "08:00", "10:00"), hours("2026-06-15", "10:00", "12:00"), false},
		{"hours that cross", hours("2026-06-15", "08:00", "10:00"), hours("2026-06-15", "09:59", "12:00"), true},
		{"hours inside hours", hours("2026-06-15", "08:00", "17:00"), hours("2026-06-15", "12:00", "13:00"), true},
		{"a half day and hours", days("2026-06-15", "2026-06-15"), hours("2026-06-15", "15:00", "17:00"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Overlaps(tt.b); got != tt.want {
				t.Errorf("a.Overlaps(b) = %v, want %v", got, tt.want)
			}
			if got := tt.b.Overlaps(tt.a); got != tt.want {
				t.Errorf("b.Overlaps(a) = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDayLeave(t *testing.T) {
	sStart, sEnd := shiftSpan(berlin, "2026-06-15", "08:00", "17:00")
	hours := func(from, to, cost string) attendance.HourlyLeave {
		return attendance.HourlyLeave{LeaveHours: attendance.LeaveHours{Start: at(berlin, "2026-06-15 "+from), End: at(berlin, "2026-06-15 "+to)}, Cost: amt(cost)}
	}
	tests := []struct {
		name      string
		l         attendance.DayLeave
		wantShare string
		wantAt    string // Berlin wall time expected at work; "" for nobody expected
	}{
		{name: "no leave", l: attendance.DayLeave{}, wantShare: "0", wantAt: "08:00"},
		{name: "a full day", l: attendance.DayLeave{Days: amt("1")}, wantShare: "1", wantAt: ""},
		{name: "a half day", l: attendance.DayLeave{Days: amt("1/2")}, wantShare: "1/2", wantAt: ""},
		// The example: on leave 08:00-10:00, expected at 10:00, so an
		// arrival at 10:05 is 5 minutes late.
		{name: "the first two hours", l: attendance.DayLeave{Hours: []attendance.HourlyLeave{hours("08:00", "10:00", "2/9")}}, wantShare: "2/9", wantAt: "10:00"},
		{name: "two stretches back to back, in any order", l: attendance.DayLeave{Hours: []attendance.HourlyLeave{hours("10:00", "11:00", "1/9"), hours("08:00", "10:00", "2/9")}}, wantShare: "1/3", wantAt: "11:00"},
		{name: "leave later in the day", l: attendance.DayLeave{Hours: []attendance.HourlyLeave{hours("15:00", "17:00", "2/9")}}, wantShare: "2/9", wantAt: "08:00"},
		{name: "a gap after the first hours", l: attendance.DayLeave{Hours: []attendance.HourlyLeave{hours("08:00", "09:00", "1/9"), hours("12:00", "17:00", "5/9")}}, wantShare: "2/3", wantAt: "09:00"},
		{name: "hours covering the whole shift", l: attendance.DayLeave{Hours: []attendance.HourlyLeave{hours("08:00", "12:00", "4/9"), hours("12:00", "17:00", "5/9")}}, wantShare: "1", wantAt: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.Share(); got != amt(tt.wantShare) {
				t.Errorf("Share = %s, want %s", got, tt.wantShare)
			}
			got, ok := tt.l.ExpectedArrival(sStart, sEnd)
			if tt.wantAt == "" {
				if ok {
					t.Errorf("ExpectedArrival = %v, want nobody expected", got)
				}
				return
			}
			if want := at(berlin, "2026-06-15 "+tt.wantAt); !ok || !got.Equal(want) {
				t.Errorf("ExpectedArrival = %v, %v; want %v", got, ok, want)
			}
		})
	}
}
