package attendance_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestNextRunAt(t *testing.T) {
	now := utc("2026-06-15 12:00")
	tests := []struct {
		name string
		last *time.Time
		want time.Time
	}{
		{"never ran", nil, now},
		{"ran 10 minutes ago", ptr(utc("2026-06-15 11:50")), utc("2026-06-15 12:50")},
		{"ran exactly an hour ago", ptr(utc("2026-06-15 11:00")), now},
		{"down for two days", ptr(utc("2026-06-13 09:00")), now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.NextRunAt(time.Hour, tt.last, now); !got.Equal(tt.want) {
				t.Errorf("NextRunAt = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJobRunCount(t *testing.T) {
	var r attendance.JobRun
	for _, k := range []attendance.EntryKind{attendance.EntryAccrual, attendance.EntryAccrual, attendance.EntryCarryOverIn} {
		r.Count(attendance.LedgerEntry{Kind: k})
	}
	b, _ := json.Marshal(r.Written)
	if string(b) != `{"accrual":2,"carry_over_in":1}` {
		t.Errorf("Written = %s", b)
	}
	if !attendance.JobLeaveLedger.Valid() || !attendance.JobLatePenalties.Valid() || attendance.LedgerJob("accrual").Valid() {
		t.Errorf("Valid is wrong")
	}
}
