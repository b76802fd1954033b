package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// shift returns an unnamed shift from start to end with grace and break minutes.
func shift(id int64, start, end string, grace, brk int) *attendance.Shift {
	return &attendance.Shift{ID: id, Name: start + "–" + end, Start: hm(start), End: hm(end), GraceMinutes: grace, BreakMinutes: brk, Active: true}
}

// TestShiftInstance places shifts on dates: the instants, and the scheduled
// time as real elapsed time, across the daylight-saving changes of
// Europe/Berlin (2026-03-29, 2026-10-25) and America/New_York (2026-03-08,
// 2026-11-01).
func TestShiftInstance(t *testing.T) {
	tests := []struct {
		name          string
		shift         *attendance.Shift
		d             string
		loc           *time.Location
		wantStart     time.Time
		wantEnd       time.Time
		wantScheduled time.Duration
	}{
		{name: "a day", shift: shift(1, "08:00", "17:00", 0, 0), d: "2026-06-15", loc: berlin,
			wantStart: utc("2026-06-15 06:00"), wantEnd: utc("2026-06-15 15:00"), wantScheduled: 9 * time.Hour},
		{name: "a day with an hour's unpaid break", shift: shift(1, "08:00", "17:00", 0, 60), d: "2026-06-15", loc: berlin,
			wantStart: utc("2026-06-15 06:00"), wantEnd: utc("2026-06-15 15:00"), wantScheduled: 8 * time.Hour},
		{name: "an ordinary night", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-06-15", loc: berlin,
			wantStart: utc("2026-06-15 20:00"), wantEnd: utc("2026-06-16 04:00"), wantScheduled: 8 * time.Hour},
		{name: "Berlin: the autumn night lasts 9 hours", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-10-24", loc: berlin,
			wantStart: utc("2026-10-24 20:00"), wantEnd: utc("2026-10-25 05:00"), wantScheduled: 9 * time.Hour},
		{name: "Berlin: the spring night lasts 7 hours", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-03-28", loc: berlin,
			wantStart: utc("2026-03-28 21:00"), wantEnd: utc("2026-03-29 04:00"), wantScheduled: 7 * time.Hour},
		{name: "New York: the autumn night lasts 9 hours", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-10-31", loc: newYork,
			wantStart: utc("2026-11-01 02:00"), wantEnd: utc("2026-11-01 11:00"), wantScheduled: 9 * time.Hour},
		{name: "New York: the spring night lasts 7 hours", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-03-07", loc: newYork,
			wantStart: utc("2026-03-08 03:00"), wantEnd: utc("2026-03-08 10:00"), wantScheduled: 7 * time.Hour},
		{name: "New York: the night before the autumn night is 8 hours", shift: shift(1, "22:00", "06:00", 0, 0), d: "2026-10-30", loc: newYork,
			wantStart: utc("2026-10-31 02:00"), wantEnd: utc("2026-10-31 10:00"), wantScheduled: 8 * time.Hour},
		{name: "the autumn night with a 30-minute break", shift: shift(1, "22:00", "06:00", 0, 30), d: "2026-10-24", loc: berlin,
			wantStart: utc("2026-10-24 20:00"), wantEnd: utc("2026-10-25 05:00"), wantScheduled: 8*time.Hour + 30*time.Minute},
		{name: "an end equal to the start lasts a day: 25 hours in autumn", shift: shift(1, "08:00", "08:00", 0, 0), d: "2026-10-24", loc: berlin,
			wantStart: utc("2026-10-24 06:00"), wantEnd: utc("2026-10-25 07:00"), wantScheduled: 25 * time.Hour},
		{name: "a start the spring change skips moves past the gap", shift: shift(1, "02:30", "10:30", 0, 0), d: "2026-03-29", loc: berlin,
			wantStart: utc("2026-03-29 01:30"), wantEnd: utc("2026-03-29 08:30"), wantScheduled: 7 * time.Hour},
		{name: "Berlin: a start that occurs twice is the first 02:30", shift: shift(1, "02:30", "10:30", 0, 0), d: "2026-10-25", loc: berlin,
			wantStart: utc("2026-10-25 00:30"), wantEnd: utc("2026-10-25 09:30"), wantScheduled: 9 * time.Hour},
		{name: "New York: a start that occurs twice is the first 01:30", shift: shift(1, "01:30", "09:30", 0, 0), d: "2026-11-01", loc: newYork,
			wantStart: utc("2026-11-01 05:30"), wantEnd: utc("2026-11-01 14:30"), wantScheduled: 9 * time.Hour},
		{name: "an end that occurs twice is the first 02:30", shift: shift(1, "20:30", "02:30", 0, 0), d: "2026-10-24", loc: berlin,
			wantStart: utc("2026-10-24 18:30"), wantEnd: utc("2026-10-25 00:30"), wantScheduled: 6 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NewShiftInstance(date(tt.d), *tt.shift, tt.loc)
			if !got.Start.Equal(tt.wantStart) || !got.End.Equal(tt.wantEnd) {
				t.Errorf("instance = %s to %s, want %s to %s", got.Start.UTC(), got.End.UTC(), tt.wantStart, tt.wantEnd)
			}
			if got.Date != date(tt.d) {
				t.Errorf("Date = %s, want %s", got.Date, tt.d)
			}
			if s := got.Scheduled(); s != tt.wantScheduled {
				t.Errorf("Scheduled() = %v, want %v", s, tt.wantScheduled)
			}
			if m := got.ScheduledMinutes(); m != int(tt.wantScheduled/time.Minute) {
				t.Errorf("ScheduledMinutes() = %d, want %d", m, int(tt.wantScheduled/time.Minute))
			}
		})
	}
}

func TestShiftNominal(t *testing.T) {
	tests := []struct {
		shift         *attendance.Shift
		wantOvernight bool
		wantMinutes   int
	}{
		{shift(1, "08:00", "17:00", 0, 0), false, 540},
		{shift(1, "08:00", "17:00", 0, 45), false, 495},
		{shift(1, "22:00", "06:00", 0, 0), true, 480},
		{shift(1, "00:00", "23:59", 0, 0), false, 1439},
		{shift(1, "08:00", "08:00", 0, 0), true, 1440},
	}
	for _, tt := range tests {
		if got := tt.shift.Overnight(); got != tt.wantOvernight {
			t.Errorf("%s Overnight() = %v, want %v", tt.shift.Name, got, tt.wantOvernight)
		}
		if got := tt.shift.NominalMinutes(); got != tt.wantMinutes {
			t.Errorf("%s NominalMinutes() = %d, want %d", tt.shift.Name, got, tt.wantMinutes)
		}
	}
}

func TestShiftFieldsValidate(t *testing.T) {
	night := shift(1, "22:00", "06:00", 5, 30)
	tests := []struct {
		name       string
		before     *attendance.Shift
		f          attendance.ShiftFields
		wantFields []string
	}{
		{name: "a new shift", f: attendance.ShiftFields{Name: ptr("Early"), Start: ptr(hm("06:00")), End: ptr(hm("14:00"))}},
		{name: "a new night with grace and break", f: attendance.ShiftFields{Name: ptr("Night"), Start: ptr(hm("22:00")), End: ptr(hm("06:00")), GraceMinutes: ptr(10), BreakMinutes: ptr(45)}},
		{name: "a whole day", f: attendance.ShiftFields{Name: ptr("On call"), Start: ptr(hm("08:00")), End: ptr(hm("08:00")), BreakMinutes: ptr(240)}},
		{name: "a new shift needs name, start and end", f: attendance.ShiftFields{}, wantFields: []string{"body.name", "body.start", "body.end"}},
		{name: "a blank name", f: attendance.ShiftFields{Name: ptr("  "), Start: ptr(hm("06:00")), End: ptr(hm("14:00"))}, wantFields: []string{"body.name"}},
		{name: "a name of 101 characters", f: attendance.ShiftFields{Name: ptr(strings.Repeat("é", 101)), Start: ptr(hm("06:00")), End: ptr(hm("14:00"))}, wantFields: []string{"body.name"}},
		{name: "a name with a line break", f: attendance.ShiftFields{Name: ptr("Ear\nly"), Start: ptr(hm("06:00")), End: ptr(hm("14:00"))}, wantFields: []string{"body.name"}},
		{name: "negative grace", f: attendance.ShiftFields{Name: ptr("E"), Start: ptr(hm("06:00")), End: ptr(hm("14:00")), GraceMinutes: ptr(-1)}, wantFields: []string{"body.grace_minutes"}},
		{name: "grace of 721 minutes", f: attendance.ShiftFields{Name: ptr("E"), Start: ptr(hm("06:00")), End: ptr(hm("14:00")), GraceMinutes: ptr(721)}, wantFields: []string{"body.grace_minutes"}},
		{name: "a break of 241 minutes", f: attendance.ShiftFields{Name: ptr("E"), Start: ptr(hm("06:00")), End: ptr(hm("14:00")), BreakMinutes: ptr(241)}, wantFields: []string{"body.break_minutes"}},
		{name: "a break as long as the shift", f: attendance.ShiftFields{Name: ptr("E"), Start: ptr(hm("06:00")), End: ptr(hm("07:00")), BreakMinutes: ptr(60)}, wantFields: []string{"body.break_minutes"}},
		{name: "an edit of the name only", before: night, f: attendance.ShiftFields{Name: ptr("Nights")}},
		{name: "an edit that leaves the break longer than the shift", before: night, f: attendance.ShiftFields{End: ptr(hm("22:20"))}, wantFields: []string{"body.break_minutes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.f.Validate(tt.before)
			if len(tt.wantFields) == 0 {
				checkErr(t, err, "", "")
				return
			}
			checkFields(t, err, tt.wantFields...)
		})
	}
}

func TestCheckShiftEdit(t *testing.T) {
	s := *shift(1, "22:00", "06:00", 10, 30)
	tests := []struct {
		name     string
		f        attendance.ShiftFields
		inUse    bool
		wantKind attendance.Kind
		wantCode string
	}{
		{name: "a new name of a shift in use", f: attendance.ShiftFields{Name: ptr("Nights")}, inUse: true},
		{name: "the same times of a shift in use", f: attendance.ShiftFields{Start: ptr(hm("22:00")), GraceMinutes: ptr(10)}, inUse: true},
		{name: "new times of a shift in use", f: attendance.ShiftFields{End: ptr(hm("06:30"))}, inUse: true, wantKind: attendance.KindConflict, wantCode: "shift_in_use"},
		{name: "a new grace of a shift in use", f: attendance.ShiftFields{GraceMinutes: ptr(5)}, inUse: true, wantKind: attendance.KindConflict, wantCode: "shift_in_use"},
		{name: "a new break of a shift in use", f: attendance.ShiftFields{BreakMinutes: ptr(0)}, inUse: true, wantKind: attendance.KindConflict, wantCode: "shift_in_use"},
		{name: "new times of an unused shift", f: attendance.ShiftFields{End: ptr(hm("06:30")), BreakMinutes: ptr(45)}},
		{name: "an invalid edit", f: attendance.ShiftFields{GraceMinutes: ptr(-5)}, wantKind: attendance.KindInvalid, wantCode: "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckShiftEdit(tt.f, s, tt.inUse), tt.wantKind, tt.wantCode)
		})
	}
}
