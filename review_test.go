package attendance_test

import (
	"testing"

	"github.com/openattendance/attendance"
)

// TestReviewOf: the board's mark, for the nights of nights() (22:00–06:00,
// Monday to Friday) in Berlin, reviewed 4 hours after a session's expected end.
func TestReviewOf(t *testing.T) {
	s := nights()
	set := attendance.DefaultWorkSettings()
	night := attendance.OpenDay{Date: date("2026-06-17"), Since: at(berlin, "2026-06-17 21:55"), Sessions: 1}
	sunday := attendance.OpenDay{Date: date("2026-06-14"), Since: at(berlin, "2026-06-14 10:00"), Sessions: 2}
	tests := []struct {
		name         string
		open         []attendance.OpenDay
		pending      int
		now          string
		wantSessions int
		wantSince    string // "" for none
	}{
		{name: "nothing open, nothing asked", now: "2026-06-18 12:00"},
		{name: "a night still within its review time", open: []attendance.OpenDay{night}, now: "2026-06-18 09:59"},
		{name: "a night from its review time on", open: []attendance.OpenDay{night}, now: "2026-06-18 10:00", wantSessions: 1, wantSince: "2026-06-17 21:55"},
		{name: "a pending correction alone", pending: 1, now: "2026-06-18 09:00"},
		{name: "two dates: the oldest entry, every session", open: []attendance.OpenDay{night, sunday}, pending: 2, now: "2026-06-18 10:00",
			wantSessions: 3, wantSince: "2026-06-14 10:00"},
		{name: "a date without a shift: 12 hours after the entry, then 4", open: []attendance.OpenDay{sunday}, now: "2026-06-15 01:59"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := s.ReviewOf(tt.open, nil, set, tt.pending, at(berlin, tt.now))
			if m.ReviewSessions != tt.wantSessions || m.PendingCorrections != tt.pending || m.NeedsReview != (tt.wantSessions > 0 || tt.pending > 0) {
				t.Fatalf("ReviewOf = %+v, want %d sessions, %d pending", m, tt.wantSessions, tt.pending)
			}
			switch {
			case tt.wantSince == "" && m.ReviewSince != nil:
				t.Errorf("ReviewSince = %s, want none", m.ReviewSince)
			case tt.wantSince != "" && (m.ReviewSince == nil || !m.ReviewSince.Equal(at(berlin, tt.wantSince))):
				t.Errorf("ReviewSince = %v, want %s", m.ReviewSince, tt.wantSince)
			}
		})
	}
}
