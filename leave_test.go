package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestLeaveCost(t *testing.T) {
	mf := sched(time.UTC, "08:00", 0, attendance.MondayToFriday)
	sunThu := sched(time.UTC, "08:00", 0, sundayToThur)
	h := attendance.Holidays{
		date("2026-04-06"): "Easter Monday",
		date("2026-12-25"): "Christmas (a Friday)",
		date("2026-12-26"): "Boxing Day (a Saturday)",
		date("2027-01-01"): "New Year (a Friday)",
	}
	in := func(start, end string) attendance.LeaveInput {
		return attendance.LeaveInput{LeaveType: attendance.LeaveAnnual, StartDate: date(start), EndDate: date(end)}
	}
	half := func(start, end string) attendance.LeaveInput {
		i := in(start, end)
		i.HalfDay = true
		return i
	}
	typed := func(typ attendance.LeaveType, start, end string) attendance.LeaveInput {
		i := in(start, end)
		i.LeaveType = typ
		return i
	}
	longReason := in("2026-06-15", "2026-06-15")
	longReason.Reason = strings.Repeat("r", 2001)
	maxReason := in("2026-06-15", "2026-06-15")
	maxReason.Reason = strings.Repeat("r", 2000)

	tests := []struct {
		name       string
		s          attendance.Schedule
		in         attendance.LeaveInput
		want       float64
		wantFields []string // nil for no error
	}{
		{name: "one working day", s: mf, in: in("2026-06-15", "2026-06-15"), want: 1},
		{name: "Monday to Friday", s: mf, in: in("2026-06-15", "2026-06-19"), want: 5},
		{name: "Monday to Sunday", s: mf, in: in("2026-06-15", "2026-06-21"), want: 5},
		{name: "two weeks", s: mf, in: in("2026-06-15", "2026-06-28"), want: 10},
		{name: "sick leave costs days too", s: mf, in: typed(attendance.LeaveSick, "2026-06-15", "2026-06-16"), want: 2},
		{name: "unpaid leave", s: mf, in: typed(attendance.LeaveUnpaid, "2026-06-15", "2026-06-16"), want: 2},
		{name: "a week with Easter Monday", s: mf, in: in("2026-04-06", "2026-04-12"), want: 4},
		// Mon 21–Thu 24, Mon 28–Thu 31; Christmas is a Friday, Boxing Day a Saturday.
		{name: "holidays inside", s: mf, in: in("2026-12-21", "2026-12-31"), want: 8},
		{name: "a Saturday holiday costs nothing extra", s: mf, in: in("2026-12-21", "2026-12-27"), want: 4},
		{name: "the whole year", s: mf, in: in("2026-01-01", "2026-12-31"), want: 261 - 2},
		{name: "new year's eve", s: mf, in: in("2026-12-31", "2026-12-31"), want: 1},
		{name: "half day", s: mf, in: half("2026-06-15", "2026-06-15"), want: 0.5},
		{name: "Sunday-to-Thursday week", s: sunThu, in: in("2026-06-14", "2026-06-20"), want: 5},
		{name: "Sunday-to-Thursday, Friday to Sunday", s: sunThu, in: in("2026-06-19", "2026-06-21"), want: 1},
		{name: "Sunday-to-Thursday, half a Sunday", s: sunThu, in: half("2026-06-14", "2026-06-14"), want: 0.5},
		{name: "reason of 2000 bytes", s: mf, in: maxReason, want: 1},

		{name: "end before start", s: mf, in: in("2026-06-19", "2026-06-15"), wantFields: []string{"body.end_date"}},
		{name: "end the day before start", s: mf, in: in("2026-06-16", "2026-06-15"), wantFields: []string{"body.end_date"}},
		{name: "across the year end", s: mf, in: in("2026-12-28", "2027-01-04"), wantFields: []string{"body.end_date"}},
		{name: "across the year end by a day", s: mf, in: in("2026-12-31", "2027-01-01"), wantFields: []string{"body.end_date"}},
		{name: "half day over two dates", s: mf, in: half("2026-06-15", "2026-06-16"), wantFields: []string{"body.half_day"}},
		{name: "half day on a Saturday", s: mf, in: half("2026-06-20", "2026-06-20"), wantFields: []string{"body.start_date"}},
		{name: "half day on a holiday", s: mf, in: half("2026-12-25", "2026-12-25"), wantFields: []string{"body.start_date"}},
		{name: "a weekend", s: mf, in: in("2026-06-20", "2026-06-21"), wantFields: []string{"body.start_date"}},
		{name: "a holiday", s: mf, in: in("2026-04-06", "2026-04-06"), wantFields: []string{"body.start_date"}},
		{name: "Christmas and the weekend after", s: mf, in: in("2026-12-25", "2026-12-27"), wantFields: []string{"body.start_date"}},
		{name: "Sunday-to-Thursday, Friday and Saturday", s: sunThu, in: in("2026-06-19", "2026-06-20"), wantFields: []string{"body.start_date"}},
		{name: "no work days at all", s: sched(time.UTC, "08:00", 0, 0), in: in("2026-06-15", "2026-06-21"), wantFields: []string{"body.start_date"}},
		{name: "unknown leave type", s: mf, in: typed("holiday", "2026-06-15", "2026-06-15"), wantFields: []string{"body.leave_type"}},
		{name: "reason of 2001 bytes", s: mf, in: longReason, wantFields: []string{"body.reason"}},
		{name: "bad type and end before start", s: mf, in: typed("", "2026-06-19", "2026-06-15"), wantFields: []string{"body.leave_type", "body.end_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := attendance.LeaveCost(tt.s, h, tt.in)
			if tt.wantFields != nil {
				checkFields(t, err, tt.wantFields...)
				return
			}
			checkErr(t, err, "", "")
			if got != tt.want {
				t.Errorf("LeaveCost(%v to %v, half %v) = %v, want %v", tt.in.StartDate, tt.in.EndDate, tt.in.HalfDay, got, tt.want)
			}
		})
	}
}

func TestLatePenaltyDays(t *testing.T) {
	tests := []struct {
		name                        string
		lateMinutes, penaltyMinutes int
		want                        float64
	}{
		{"policy off", 10000, 0, 0},
		{"policy off, negative", 10000, -480, 0},
		{"no late minutes", 0, 480, 0},
		{"negative late minutes", -30, 480, 0},
		{"one minute short of a day", 479, 480, 0},
		{"exactly one day", 480, 480, 1},
		{"whole days only", 959, 480, 1},
		{"exactly two days", 960, 480, 2},
		{"every minute a day", 7, 1, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.LatePenaltyDays(tt.lateMinutes, tt.penaltyMinutes); got != tt.want {
				t.Errorf("LatePenaltyDays(%d, %d) = %v, want %v", tt.lateMinutes, tt.penaltyMinutes, got, tt.want)
			}
		})
	}
}

func TestNewBalance(t *testing.T) {
	tests := []struct {
		name                    string
		allowance, used, pend   float64
		lateMinutes, penaltyMin int
		wantPenalty, wantRemain float64
	}{
		{name: "untouched", allowance: 15, wantRemain: 15},
		{name: "used and pending", allowance: 15, used: 5, pend: 2, wantRemain: 8},
		{name: "half days", allowance: 15, used: 4.5, pend: 0.5, wantRemain: 10},
		{name: "late penalty", allowance: 15, used: 5, pend: 2, lateMinutes: 480, penaltyMin: 480, wantPenalty: 1, wantRemain: 7},
		{name: "late penalty in whole days", allowance: 15, lateMinutes: 1000, penaltyMin: 480, wantPenalty: 2, wantRemain: 13},
		{name: "late minutes with the policy off", allowance: 15, lateMinutes: 100000, penaltyMin: 0, wantRemain: 15},
		{name: "everything used", allowance: 15, used: 15, wantRemain: 0},
		{name: "allowance lowered below what is pending", allowance: 5, used: 3, pend: 4, wantRemain: -2},
		{name: "no allowance", allowance: 0, wantRemain: 0},
		{name: "half-day allowance", allowance: 12.5, used: 0.5, wantRemain: 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.NewBalance(42, 2026, tt.allowance, tt.used, tt.pend, tt.lateMinutes, tt.penaltyMin)
			want := attendance.Balance{EmployeeID: 42, Year: 2026, Allowance: tt.allowance, Used: tt.used, Pending: tt.pend, LatePenalty: tt.wantPenalty, Remaining: tt.wantRemain}
			if got != want {
				t.Errorf("NewBalance = %+v, want %+v", got, want)
			}
		})
	}
}

func TestBalanceCheckRequest(t *testing.T) {
	tests := []struct {
		name    string
		b       attendance.Balance
		days    float64
		wantErr bool
	}{
		{name: "well within", b: attendance.NewBalance(1, 2026, 15, 5, 2, 0, 0), days: 3},
		{name: "exactly the remaining days", b: attendance.NewBalance(1, 2026, 15, 5, 2, 0, 0), days: 8},
		{name: "half a day more than remains", b: attendance.NewBalance(1, 2026, 15, 5, 2, 0, 0), days: 8.5, wantErr: true},
		{name: "pending requests count", b: attendance.NewBalance(1, 2026, 15, 0, 14, 0, 0), days: 1.5, wantErr: true},
		{name: "the late penalty counts", b: attendance.NewBalance(1, 2026, 15, 5, 2, 960, 480), days: 6.5, wantErr: true},
		{name: "the late penalty counts, exactly", b: attendance.NewBalance(1, 2026, 15, 5, 2, 960, 480), days: 6},
		{name: "the last half day", b: attendance.NewBalance(1, 2026, 15, 14.5, 0, 0, 0), days: 0.5},
		{name: "nothing left", b: attendance.NewBalance(1, 2026, 15, 15, 0, 0, 0), days: 0.5, wantErr: true},
		{name: "overdrawn after a lowered allowance", b: attendance.NewBalance(1, 2026, 5, 3, 4, 0, 0), days: 0.5, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.CheckRequest(tt.days)
			if tt.wantErr {
				checkErr(t, err, attendance.KindInvalid, "insufficient_balance")
			} else {
				checkErr(t, err, "", "")
			}
		})
	}
}

func TestBalanceCheckApproval(t *testing.T) {
	tests := []struct {
		name    string
		b       attendance.Balance
		days    float64
		wantErr bool
	}{
		{name: "fits", b: attendance.NewBalance(1, 2026, 15, 10, 0, 0, 0), days: 3},
		{name: "used plus days exactly the allowance", b: attendance.NewBalance(1, 2026, 15, 10, 0, 0, 0), days: 5},
		{name: "half a day over", b: attendance.NewBalance(1, 2026, 15, 10, 0, 0, 0), days: 5.5, wantErr: true},
		// The request being approved is itself pending; other pending requests do not count either.
		{name: "pending requests do not count", b: attendance.NewBalance(1, 2026, 15, 10, 12, 0, 0), days: 5},
		{name: "late penalty counts", b: attendance.NewBalance(1, 2026, 15, 10, 0, 480, 480), days: 4.5, wantErr: true},
		{name: "late penalty counts, exactly", b: attendance.NewBalance(1, 2026, 15, 10, 0, 480, 480), days: 4},
		{name: "late penalty off", b: attendance.NewBalance(1, 2026, 15, 10, 0, 480, 0), days: 5},
		{name: "allowance lowered below used", b: attendance.NewBalance(1, 2026, 5, 6, 0, 0, 0), days: 0.5, wantErr: true},
		{name: "no allowance", b: attendance.NewBalance(1, 2026, 0, 0, 0, 0, 0), days: 0.5, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.CheckApproval(tt.days)
			if tt.wantErr {
				checkErr(t, err, attendance.KindInvalid, "insufficient_balance")
			} else {
				checkErr(t, err, "", "")
			}
		})
	}
}

func TestLeaveCanCancel(t *testing.T) {
	today := date("2026-06-15")
	tests := []struct {
		name       string
		status     attendance.LeaveStatus
		start, end string
		wantCode   string // "" for allowed
	}{
		{"pending, future", attendance.LeavePending, "2026-06-22", "2026-06-26", ""},
		{"pending, in the past", attendance.LeavePending, "2026-06-01", "2026-06-02", ""},
		{"pending, started", attendance.LeavePending, "2026-06-15", "2026-06-19", ""},
		{"approved, starts tomorrow", attendance.LeaveApproved, "2026-06-16", "2026-06-19", ""},
		{"approved, starts today", attendance.LeaveApproved, "2026-06-15", "2026-06-19", "already_started"},
		{"approved, under way", attendance.LeaveApproved, "2026-06-12", "2026-06-19", "already_started"},
		{"approved, over", attendance.LeaveApproved, "2026-06-01", "2026-06-02", "already_started"},
		{"rejected", attendance.LeaveRejected, "2026-06-22", "2026-06-26", "not_cancellable"},
		{"cancelled", attendance.LeaveCancelled, "2026-06-22", "2026-06-26", "not_cancellable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &attendance.LeaveRequest{Status: tt.status, StartDate: date(tt.start), EndDate: date(tt.end)}
			err := r.CanCancel(today)
			if tt.wantCode == "" {
				checkErr(t, err, "", "")
			} else {
				checkErr(t, err, attendance.KindConflict, tt.wantCode)
			}
		})
	}
}

func TestChecksLowBalanceAtOnce(t *testing.T) {
	today := date("2026-06-15")
	tests := []struct {
		name   string
		status attendance.LeaveStatus
		typ    attendance.LeaveType
		start  string
		want   bool
	}{
		{"approved annual, this year", attendance.LeaveApproved, attendance.LeaveAnnual, "2026-12-28", true},
		{"approved annual, earlier this year", attendance.LeaveApproved, attendance.LeaveAnnual, "2026-01-05", true},
		{"approved annual, next year", attendance.LeaveApproved, attendance.LeaveAnnual, "2027-01-04", false},
		{"approved annual, last year", attendance.LeaveApproved, attendance.LeaveAnnual, "2025-12-29", false},
		{"approved sick", attendance.LeaveApproved, attendance.LeaveSick, "2026-06-22", false},
		{"approved unpaid", attendance.LeaveApproved, attendance.LeaveUnpaid, "2026-06-22", false},
		{"rejected annual", attendance.LeaveRejected, attendance.LeaveAnnual, "2026-06-22", false},
		{"pending annual", attendance.LeavePending, attendance.LeaveAnnual, "2026-06-22", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &attendance.LeaveRequest{Status: tt.status, LeaveType: tt.typ, StartDate: date(tt.start), EndDate: date(tt.start)}
			if got := r.ChecksLowBalanceAtOnce(today); got != tt.want {
				t.Errorf("ChecksLowBalanceAtOnce = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCheckDecider(t *testing.T) {
	tests := []struct {
		name                string
		actor               attendance.Actor
		employeeID          int64
		adminsAboveOrBeside int
		wantKind            attendance.Kind
		wantCode            string
	}{
		{"employee decides someone's", attendance.Actor{ID: 10, Role: attendance.RoleEmployee}, 11, 1, attendance.KindForbidden, "forbidden"},
		{"employee decides their own", attendance.Actor{ID: 10, Role: attendance.RoleEmployee}, 10, 0, attendance.KindForbidden, ""},
		{"manager decides a report's", attendance.Actor{ID: 2, Role: attendance.RoleManager}, 10, 1, "", ""},
		{"manager decides their own", attendance.Actor{ID: 2, Role: attendance.RoleManager}, 2, 1, attendance.KindForbidden, "own_request"},
		{"manager decides their own with no admin at all", attendance.Actor{ID: 2, Role: attendance.RoleManager}, 2, 0, attendance.KindForbidden, "own_request"},
		{"admin decides someone's", attendance.Actor{ID: 1, Role: attendance.RoleAdmin}, 10, 0, "", ""},
		{"admin decides their own with another admin above or beside", attendance.Actor{ID: 1, Role: attendance.RoleAdmin}, 1, 1, attendance.KindForbidden, "own_request"},
		{"admin decides their own with other admins only below", attendance.Actor{ID: 1, Role: attendance.RoleAdmin}, 1, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, attendance.CheckDecider(tt.actor, tt.employeeID, tt.adminsAboveOrBeside), tt.wantKind, tt.wantCode)
		})
	}
}

func TestLeaveStatusValid(t *testing.T) {
	for _, s := range []attendance.LeaveStatus{attendance.LeavePending, attendance.LeaveApproved, attendance.LeaveRejected, attendance.LeaveCancelled} {
		if !s.Valid() {
			t.Errorf("%s.Valid() = false, want true", s)
		}
	}
	if attendance.LeaveStatus("done").Valid() {
		t.Error(`LeaveStatus("done").Valid() = true, want false`)
	}
}

func TestCheckDecisionAndHoliday(t *testing.T) {
	checkErr(t, attendance.CheckDecision(attendance.Approve, "fine\nby me"), "", "")
	checkErr(t, attendance.CheckDecision(attendance.Reject, ""), "", "")
	checkFields(t, attendance.CheckDecision("maybe", ""), "body.action")
	checkFields(t, attendance.CheckDecision(attendance.Approve, strings.Repeat("c", 2001)), "body.comment")
	checkFields(t, attendance.CheckDecision(attendance.Approve, "\x00"), "body.comment")

	checkErr(t, attendance.Holiday{Name: "New Year"}.Validate(), "", "")
	checkFields(t, attendance.Holiday{}.Validate(), "body.name")
	checkFields(t, attendance.Holiday{Name: strings.Repeat("h", 201)}.Validate(), "body.name")
	checkFields(t, attendance.Holiday{Name: "Eve\nDay"}.Validate(), "body.name")
}
