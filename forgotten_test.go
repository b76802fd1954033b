package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestOpenSession: when a forgotten exit is reminded, flagged and closed, for
// the nights of nights() (22:00–06:00, Monday to Friday) in Berlin.
func TestOpenSession(t *testing.T) {
	s := nights()
	def := attendance.DefaultWorkSettings()
	hour := attendance.WorkSettings{ReviewAfterMinutes: 60}
	tests := []struct {
		name          string
		d             string
		entry         string
		set           attendance.WorkSettings
		wantScheduled bool
		wantEnd       string
		wantRemind    string // "" for none
		wantReview    string
	}{
		{name: "a night's entry: the shift's end", d: "2026-06-17", entry: "2026-06-17 21:55", set: def,
			wantScheduled: true, wantEnd: "2026-06-18 06:00", wantRemind: "2026-06-18 06:30", wantReview: "2026-06-18 10:00"},
		{name: "an entry after midnight of the same night", d: "2026-06-17", entry: "2026-06-18 02:30", set: def,
			wantScheduled: true, wantEnd: "2026-06-18 06:00", wantRemind: "2026-06-18 06:30", wantReview: "2026-06-18 10:00"},
		{name: "review after an hour", d: "2026-06-17", entry: "2026-06-17 21:55", set: hour,
			wantScheduled: true, wantEnd: "2026-06-18 06:00", wantRemind: "2026-06-18 06:30", wantReview: "2026-06-18 07:00"},
		{name: "an entry after the shift's end: 12 hours after it", d: "2026-06-17", entry: "2026-06-18 07:00", set: def,
			wantEnd: "2026-06-18 19:00", wantReview: "2026-06-18 23:00"},
		{name: "a date without a shift", d: "2026-06-20", entry: "2026-06-20 10:00", set: def,
			wantEnd: "2026-06-20 22:00", wantReview: "2026-06-21 02:00"},
		{name: "the autumn night ends at 06:00 CET", d: "2026-10-23", entry: "2026-10-23 22:00", set: def,
			wantScheduled: true, wantEnd: "2026-10-24 06:00", wantRemind: "2026-10-24 06:30", wantReview: "2026-10-24 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := s.OpenSession(date(tt.d), at(berlin, tt.entry), nil, tt.set)
			if o.Scheduled != tt.wantScheduled || !o.End.Equal(at(berlin, tt.wantEnd)) || !o.ReviewAt.Equal(at(berlin, tt.wantReview)) {
				t.Fatalf("OpenSession = scheduled %v, end %s, review %s; want %v, %s, %s", o.Scheduled, o.End, o.ReviewAt, tt.wantScheduled, tt.wantEnd, tt.wantReview)
			}
			if tt.wantRemind == "" {
				if !o.RemindAt.IsZero() || o.ReminderDue(o.ReviewAt.Add(24*time.Hour)) {
					t.Errorf("a reminder at %s for a session without a scheduled end", o.RemindAt)
				}
			} else {
				remind := at(berlin, tt.wantRemind)
				if !o.RemindAt.Equal(remind) || o.ReminderDue(remind.Add(-time.Second)) || !o.ReminderDue(remind) {
					t.Errorf("RemindAt = %s, want %s, due from then on", o.RemindAt, remind)
				}
			}
			review := at(berlin, tt.wantReview)
			if o.NeedsReview(review.Add(-time.Second)) || !o.NeedsReview(review) {
				t.Errorf("NeedsReview is not due from %s exactly", review)
			}
		})
	}
}

// TestAutoClose: off by default; on, a flagged session with a scheduled end
// gets the system's exit at that end; one without is only flagged.
func TestAutoClose(t *testing.T) {
	s := nights()
	on := attendance.WorkSettings{ReviewAfterMinutes: 240, AutoClose: true}
	scheduled := s.OpenSession(date("2026-06-17"), at(berlin, "2026-06-17 21:55"), nil, on)
	unscheduled := s.OpenSession(date("2026-06-20"), at(berlin, "2026-06-20 10:00"), nil, on)
	review := at(berlin, "2026-06-18 10:00")
	tests := []struct {
		name    string
		o       attendance.OpenSession
		set     attendance.WorkSettings
		now     time.Time
		wantDue bool
	}{
		{name: "off by default", o: scheduled, set: attendance.DefaultWorkSettings(), now: review},
		{name: "on, before the review", o: scheduled, set: on, now: review.Add(-time.Minute)},
		{name: "on, at the review", o: scheduled, set: on, now: review, wantDue: true},
		{name: "on, long after", o: scheduled, set: on, now: review.Add(72 * time.Hour), wantDue: true},
		{name: "on, without a scheduled end", o: unscheduled, set: on, now: review.Add(72 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exit, due := tt.o.AutoClose(42, tt.set, tt.now)
			if due != tt.wantDue {
				t.Fatalf("AutoClose due = %v, want %v", due, tt.wantDue)
			}
			if !due {
				return
			}
			want := at(berlin, "2026-06-18 06:00")
			if exit.EmployeeID != 42 || exit.Type != attendance.Exit || !exit.Timestamp.Equal(want) || exit.Source != attendance.SourceSystem ||
				!strings.Contains(exit.Note, "2026-06-17") || !strings.Contains(exit.Note, "system") {
				t.Errorf("exit = %+v, want the system's exit at %s with a note", exit, want)
			}
			// It fits after its entry, as an exit must.
			entry := attendance.AttendanceEvent{Type: attendance.Entry, Timestamp: tt.o.Entry}
			checkErr(t, attendance.CheckSequence(&entry, nil, exit.Type, exit.Timestamp, berlin), "", "")
		})
	}
}

func TestForgottenExitNotifications(t *testing.T) {
	s := nights()
	e := &attendance.Employee{ID: 7, Username: "ada", FirstName: "Ada", LastName: "Lovelace"}
	entry := &attendance.AttendanceEvent{ID: 31, EmployeeID: 7, Type: attendance.Entry, Timestamp: at(berlin, "2026-06-17 21:55")}
	exit := &attendance.AttendanceEvent{ID: 40, EmployeeID: 7, Type: attendance.Exit, Timestamp: at(berlin, "2026-06-18 06:00"), Source: attendance.SourceSystem}
	o := s.OpenSession(date("2026-06-17"), entry.Timestamp, nil, attendance.DefaultWorkSettings())
	tests := []struct {
		name           string
		got            []attendance.Notification
		wantKind       attendance.NotificationKind
		wantCause      string
		wantRecipients []int64
	}{
		{name: "reminder", got: attendance.ExitReminder(e, entry, o), wantKind: attendance.NotifyExitReminder, wantCause: "exit_reminder:31", wantRecipients: []int64{7}},
		{name: "needs review", got: attendance.NeedsReviewNotice(e, entry, o, []int64{2}), wantKind: attendance.NotifyNeedsReview, wantCause: "needs_review:31", wantRecipients: []int64{2}},
		{name: "closed", got: attendance.SessionClosed(e, entry, exit, o, []int64{2}), wantKind: attendance.NotifySessionClosed, wantCause: "session_closed:31", wantRecipients: []int64{7, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != len(tt.wantRecipients) {
				t.Fatalf("%d notifications, want %d", len(tt.got), len(tt.wantRecipients))
			}
			for i, n := range tt.got {
				if n.Kind != tt.wantKind || n.Cause != tt.wantCause || n.RecipientID != tt.wantRecipients[i] || n.EmployeeID != 7 || n.Message == "" || !strings.Contains(string(n.Data), `"work_date":"2026-06-17"`) {
					t.Errorf("notification %d = %+v (data %s)", i, n, n.Data)
				}
			}
		})
	}
}
