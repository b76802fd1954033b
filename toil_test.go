package attendance_test

import (
	"errors"
	"testing"

	"github.com/openattendance/attendance"
)

func TestConversionInput(t *testing.T) {
	today := date("2026-06-10")
	in := func(from, to string, minutes int) attendance.ConversionInput {
		return attendance.ConversionInput{EmployeeID: 7, From: date(from), To: date(to), Minutes: minutes, LeaveType: "toil"}
	}
	checks := []struct {
		name  string
		in    attendance.ConversionInput
		field string // "" when valid
	}{
		{"a week", in("2026-06-01", "2026-06-07", 90), ""},
		{"up to today", in("2026-06-10", "2026-06-10", 90), ""},
		{"after today", in("2026-06-10", "2026-06-11", 90), "body.to"},
		{"across a year's end", in("2025-12-29", "2026-01-02", 90), "body.to"},
		{"no minutes", in("2026-06-01", "2026-06-07", 0), "body.minutes"},
		{"no type", attendance.ConversionInput{EmployeeID: 7, From: date("2026-06-01"), To: date("2026-06-01"), Minutes: 5}, "body.leave_type"},
	}
	for _, tt := range checks {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Check(today)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Check = %v, want valid", err)
				}
				return
			}
			if !hasField(err, tt.field) {
				t.Fatalf("Check = %v, want an error at %s", err, tt.field)
			}
		})
	}

	amounts := []struct {
		name       string
		minutes    int
		overtime   int64 // seconds
		dayMinutes int
		want       string // the exact amount, "" for insufficient_overtime
	}{
		{"half of an 8-hour day", 240, 4 * 3600, 480, "1/2"},
		{"150 minutes of a 9-hour day, exactly", 150, 180 * 60, 540, "5/18"},
		{"a day without a shift counts 8 hours", 120, 3 * 3600, 0, "1/4"},
		{"the overtime's whole minutes only", 61, 61*60 - 1, 480, ""},
		{"more than the overtime", 181, 180 * 60, 480, ""},
	}
	for _, tt := range amounts {
		t.Run(tt.name, func(t *testing.T) {
			c, err := in("2026-06-01", "2026-06-07", tt.minutes).Conversion(tt.overtime, tt.dayMinutes)
			if tt.want == "" {
				if attendance.ErrorCode(err) != "insufficient_overtime" || !hasField(err, "body.minutes") {
					t.Fatalf("Conversion = %v, want insufficient_overtime at body.minutes", err)
				}
				return
			}
			if err != nil || c.AmountExact != tt.want || c.Amount.String() != tt.want {
				t.Fatalf("Conversion = %+v, %v; want %s days", c, err, tt.want)
			}
			e := c.Entry(3)
			if e.Kind != attendance.EntryOvertime || e.Year != 2026 || e.Date != date("2026-06-07") || e.Amount.String() != tt.want || *e.CreatedBy != 3 {
				t.Errorf("Entry = %+v", e)
			}
		})
	}
}

func TestCheckConverter(t *testing.T) {
	mgr := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin}
	for _, tt := range []struct {
		name string
		a    attendance.Actor
		id   int64
		role attendance.Role
		code string
	}{
		{"a manager, for a report", mgr, 7, attendance.RoleEmployee, ""},
		{"a manager, for themselves", mgr, 2, attendance.RoleManager, "own_request"},
		{"a manager, for an admin", mgr, 9, attendance.RoleAdmin, "forbidden"},
		{"an admin, for an admin", admin, 9, attendance.RoleAdmin, ""},
		{"an employee", attendance.Actor{ID: 7, Role: attendance.RoleEmployee}, 8, attendance.RoleEmployee, "forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.ErrorCode(attendance.CheckConverter(tt.a, tt.id, tt.role)); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
		})
	}
}

// hasField reports whether err is a domain error naming the field location.
func hasField(err error, location string) bool {
	var e *attendance.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, f := range e.Fields {
		if f.Location == location {
			return true
		}
	}
	return false
}
