package attendance_test

import (
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/testenv"
)

// TestSummarizeLeave: the overview's leave minutes and days per type, counted
// as leave_days counts them.
func TestSummarizeLeave(t *testing.T) {
	monFri, err := attendance.ParseWeekdays([]string{"mon", "tue", "wed", "thu", "fri"})
	if err != nil {
		t.Fatal(err)
	}
	s := attendance.Schedule{Location: berlin, WorkStart: hm("08:00"), WorkEnd: hm("17:00"), WorkDays: monFri, HiredOn: date("2026-01-01")}
	h := attendance.Holidays{date("2026-06-17"): "h"}
	days := func(typ attendance.LeaveType, from, to string, half bool) attendance.LeaveRequest {
		return attendance.LeaveRequest{LeaveType: typ, Status: attendance.LeaveApproved, StartDate: date(from), EndDate: date(to), HalfDay: half, Unit: attendance.UnitDay}
	}
	hours := func(typ attendance.LeaveType, on string, minutes int) attendance.LeaveRequest {
		return attendance.LeaveRequest{LeaveType: typ, Status: attendance.LeaveApproved, StartDate: date(on), EndDate: date(on),
			Unit: attendance.UnitHour, Minutes: &minutes, Cost: attendance.NewAmount(int64(minutes), 540)}
	}
	pending := days("annual", "2026-06-22", "2026-06-22", false)
	pending.Status = attendance.LeavePending
	tests := []struct {
		name  string
		first string
		last  string
		rs    []attendance.LeaveRequest
		want  attendance.LeaveTotals
	}{
		{"none", "2026-06-01", "2026-06-30", nil, attendance.LeaveTotals{}},
		{"a week over a holiday and a weekend", "2026-06-01", "2026-06-30",
			[]attendance.LeaveRequest{days("annual", "2026-06-15", "2026-06-21", false)},
			attendance.LeaveTotals{LeaveByType: map[attendance.LeaveType]float64{"annual": 4}}},
		{"cut by the range", "2026-06-16", "2026-06-30",
			[]attendance.LeaveRequest{days("annual", "2026-06-15", "2026-06-21", false)},
			attendance.LeaveTotals{LeaveByType: map[attendance.LeaveType]float64{"annual": 3}}},
		{"hours, a half day and sick days", "2026-06-01", "2026-06-30",
			[]attendance.LeaveRequest{hours("annual", "2026-06-01", 120), hours("annual", "2026-06-02", 60), days("annual", "2026-06-03", "2026-06-03", true),
				days("sick", "2026-06-08", "2026-06-09", false), pending},
			attendance.LeaveTotals{LeaveMinutes: 180, LeaveByType: map[attendance.LeaveType]float64{"annual": 0.83, "sick": 2}}},
		{"hours outside the range", "2026-06-02", "2026-06-30",
			[]attendance.LeaveRequest{hours("annual", "2026-06-01", 120)}, attendance.LeaveTotals{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := attendance.SummarizeLeave(s, h, date(tt.first), date(tt.last), tt.rs)
			testenv.SameJSON(t, "leave totals", got, tt.want)
			// Its days agree with leave_days.
			sum, want := 0.0, 0.0
			for _, d := range got.LeaveByType {
				sum += d
			}
			for _, share := range attendance.ApprovedLeaveDays(s, h, date(tt.first), date(tt.last), tt.rs) {
				want += share
			}
			if d := sum - want; d > 0.011 || d < -0.011 {
				t.Errorf("days by type sum to %v, leave_days is %v", sum, want)
			}
		})
	}
}
