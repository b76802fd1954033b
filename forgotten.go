package attendance

import (
	"fmt"
	"time"
)

// Forgotten exits: an open session is expected to end with its shift.
const (
	// ExitReminderDelay is how long after the shift's end an employee still
	// clocked in is reminded, once.
	ExitReminderDelay = 30 * time.Minute
	// UnscheduledSessionLength is how long a session is expected to last
	// when no shift ends after its entry (a date without a shift, or work
	// after the shift): the work-date rule's look-back.
	UnscheduledSessionLength = WorkDateLookBack
)

// The notification kinds of forgotten exits.
const (
	NotifyExitReminder  NotificationKind = "exit_reminder"  // to the employee, still clocked in after their shift
	NotifyNeedsReview   NotificationKind = "needs_review"   // to the manager: an open session is flagged
	NotifySessionClosed NotificationKind = "session_closed" // to the employee and the manager: the system closed it
)

// OpenSession is when an open session, whose entry is at Entry on work date
// WorkDate, is due for what.
type OpenSession struct {
	WorkDate Date
	Entry    time.Time
	// Scheduled: the work date's shift ends after the entry, and End is
	// that end. Otherwise End is Entry plus UnscheduledSessionLength.
	Scheduled bool
	End       time.Time
	// RemindAt is when the employee is reminded (zero when not Scheduled).
	RemindAt time.Time
	// ReviewAt is when the session is flagged as needing review.
	ReviewAt time.Time
}

// OpenSession works out the timing of a session of work date d left open
// since entry, under the company settings.
func (s Schedule) OpenSession(d Date, entry time.Time, h Holidays, set WorkSettings) OpenSession {
	o := OpenSession{WorkDate: d, Entry: entry, End: entry.Add(UnscheduledSessionLength)}
	if inst, ok := s.Instance(d, h); ok && inst.End.After(entry) {
		o.Scheduled, o.End = true, inst.End
		o.RemindAt = inst.End.Add(ExitReminderDelay)
	}
	o.ReviewAt = o.End.Add(time.Duration(set.ReviewAfterMinutes) * time.Minute)
	return o
}

// ReminderDue reports whether the exit reminder is due at now.
func (o OpenSession) ReminderDue(now time.Time) bool {
	return o.Scheduled && !now.Before(o.RemindAt)
}

// NeedsReview reports whether the session is flagged at now.
func (o OpenSession) NeedsReview(now time.Time) bool { return !now.Before(o.ReviewAt) }

// AutoClose returns the exit the system records at now for the session, of
// employee employeeID, when the settings close sessions and it is flagged:
// at the shift's scheduled end, with source system and a note saying so.
// A session without a scheduled end is only flagged: nothing is invented.
// The exit must still fit the sequence (CheckSequence) when it is recorded.
func (o OpenSession) AutoClose(employeeID int64, set WorkSettings, now time.Time) (AttendanceEvent, bool) {
	if !set.AutoClose || !o.Scheduled || !o.NeedsReview(now) {
		return AttendanceEvent{}, false
	}
	return AttendanceEvent{
		EmployeeID: employeeID,
		Type:       Exit,
		Timestamp:  o.End.UTC(),
		Source:     SourceSystem,
		Note: fmt.Sprintf("Closed by the system at the scheduled end of the shift of %s: no exit was recorded by %s.",
			o.WorkDate, o.ReviewAt.UTC().Format(time.RFC3339)),
	}, true
}

// ExitReminder returns the reminder to an employee still clocked in since
// entry after their shift's end.
func ExitReminder(e *Employee, entry *AttendanceEvent, o OpenSession) []Notification {
	return NewNotification(NotifyExitReminder, fmt.Sprintf("exit_reminder:%d", entry.ID), e.ID,
		fmt.Sprintf("You are still clocked in since %s; your shift ended at %s. Clock out, or ask for a correction.",
			entry.Timestamp.UTC().Format(time.RFC3339), o.End.UTC().Format(time.RFC3339)),
		map[string]any{"event_id": entry.ID, "work_date": o.WorkDate, "shift_end": o.End.UTC()}, []int64{e.ID})
}

// NeedsReviewNotice returns the notifications to the managers of an employee
// whose session open since entry is flagged as needing review.
func NeedsReviewNotice(e *Employee, entry *AttendanceEvent, o OpenSession, recipients []int64) []Notification {
	return NewNotification(NotifyNeedsReview, fmt.Sprintf("needs_review:%d", entry.ID), e.ID,
		fmt.Sprintf("%s has been clocked in since %s without an exit: the session of %s needs review", e.Name(),
			entry.Timestamp.UTC().Format(time.RFC3339), o.WorkDate),
		map[string]any{"event_id": entry.ID, "work_date": o.WorkDate, "expected_end": o.End.UTC(), "scheduled": o.Scheduled}, recipients)
}

// SessionClosed returns the notifications of a session the system closed
// with exit: to the employee and their managers.
func SessionClosed(e *Employee, entry, exit *AttendanceEvent, o OpenSession, managers []int64) []Notification {
	recipients := append([]int64{e.ID}, managers...)
	return NewNotification(NotifySessionClosed, fmt.Sprintf("session_closed:%d", entry.ID), e.ID,
		fmt.Sprintf("The session of %s open since %s was closed by the system at the shift's end, %s", o.WorkDate,
			entry.Timestamp.UTC().Format(time.RFC3339), exit.Timestamp.UTC().Format(time.RFC3339)),
		map[string]any{"event_id": entry.ID, "exit_event_id": exit.ID, "work_date": o.WorkDate, "timestamp": exit.Timestamp.UTC()}, recipients)
}
