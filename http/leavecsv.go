package http

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/openattendance/attendance"
)

// leaveCSV writes leave requests with a header line: the LeaveRequest's own
// fields and employee_name, formula cells defused as in the overview's CSV.
func leaveCSV(list []*attendance.LeaveRequestView) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"id", "employee_id", "employee_name", "leave_type", "start_date", "end_date", "half_day", "unit",
		"start_time", "end_time", "minutes", "days", "days_exact", "status", "reason", "decided_by", "decided_at",
		"decision_comment", "created_at"})
	opt := func(p *int64) string {
		if p == nil {
			return ""
		}
		return itoa(*p)
	}
	optTime := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	optClock := func(t *attendance.TimeOfDay) string {
		if t == nil {
			return ""
		}
		return t.String()
	}
	minutes := func(m *int) string {
		if m == nil {
			return ""
		}
		return strconv.Itoa(*m)
	}
	for _, r := range list {
		_ = w.Write([]string{itoa(r.ID), itoa(r.EmployeeID), cell(r.EmployeeName), cell(string(r.LeaveType)),
			r.StartDate.String(), r.EndDate.String(), strconv.FormatBool(r.HalfDay), string(r.Unit),
			optClock(r.StartTime), optClock(r.EndTime), minutes(r.Minutes), strconv.FormatFloat(r.Days, 'f', -1, 64), r.DaysExact,
			string(r.Status), cell(r.Reason), opt(r.DecidedBy), optTime(r.DecidedAt), cell(r.DecisionComment),
			r.CreatedAt.UTC().Format(time.RFC3339)})
	}
	w.Flush()
	return buf.Bytes()
}
