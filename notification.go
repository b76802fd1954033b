package attendance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// NotificationKind says what a notification is about.
type NotificationKind string

// The notification kinds.
const (
	NotifyLateArrival     NotificationKind = "late_arrival"
	NotifyNotArrived      NotificationKind = "not_arrived"
	NotifyLeaveRequested  NotificationKind = "leave_requested"
	NotifyLeaveDecided    NotificationKind = "leave_decided"
	NotifyLowLeaveBalance NotificationKind = "low_leave_balance"
)

// Notification tells one recipient about something that happened to an
// employee (EmployeeID). Each is stored before it is pushed, and its Cause
// makes it unique: the same cause never notifies the same recipient twice.
type Notification struct {
	ID          int64            `json:"id"`
	RecipientID int64            `json:"-"`
	Kind        NotificationKind `json:"kind"`
	EmployeeID  int64            `json:"employee_id"`
	Message     string           `json:"message"`
	Data        json.RawMessage  `json:"data"`
	CreatedAt   time.Time        `json:"created_at"`
	ReadAt      *time.Time       `json:"read_at"`
	Cause       string           `json:"-"`
}

// NewNotification returns a notification of kind about employee for each
// recipient, all sharing one cause.
func NewNotification(kind NotificationKind, cause string, employeeID int64, message string, data map[string]any, recipients []int64) []Notification {
	raw, err := json.Marshal(data)
	if err != nil || data == nil {
		raw = json.RawMessage("{}")
	}
	out := make([]Notification, 0, len(recipients))
	for _, r := range recipients {
		out = append(out, Notification{RecipientID: r, Kind: kind, EmployeeID: employeeID, Message: message, Data: raw, Cause: cause})
	}
	return out
}

// LateArrival returns the notifications for a late entry.
func LateArrival(e *Employee, ev *AttendanceEvent, recipients []int64) []Notification {
	return NewNotification(NotifyLateArrival, fmt.Sprintf("late_arrival:%d", ev.ID), e.ID,
		fmt.Sprintf("%s clocked in %s late", e.Name(), minutes(ev.LateMinutes)),
		map[string]any{"event_id": ev.ID, "late_minutes": ev.LateMinutes, "timestamp": ev.Timestamp.UTC()}, recipients)
}

// NotArrivedCause is the cause key of the not_arrived notification of an
// employee on date d: one per employee and date.
func NotArrivedCause(employeeID int64, d Date) string {
	return fmt.Sprintf("not_arrived:%d:%s", employeeID, d)
}

// NotArrived returns the notifications for an employee who has not clocked in on date d.
func NotArrived(e *Employee, d Date, deadline time.Time, recipients []int64) []Notification {
	return NewNotification(NotifyNotArrived, NotArrivedCause(e.ID, d), e.ID,
		fmt.Sprintf("%s has not clocked in on %s (expected by %s)", e.Name(), d, e.WorkStart),
		map[string]any{"date": d, "deadline": deadline.UTC()}, recipients)
}

// LeaveRequested returns the notifications for a new leave request.
func LeaveRequested(e *Employee, r *LeaveRequest, recipients []int64) []Notification {
	msg := fmt.Sprintf("%s asks for %s of %s leave from %s to %s", e.Name(), Days(r.Days), r.LeaveType, r.StartDate, r.EndDate)
	if r.Minutes != nil && r.StartTime != nil && r.EndTime != nil {
		// Hours (docs/leave.md): "asks for 2 h (0.22 days) of annual leave on 2026-06-15, 08:00–10:00".
		h := fmt.Sprintf("%d h", *r.Minutes/60)
		if m := *r.Minutes % 60; m != 0 {
			h += fmt.Sprintf(" %d min", m)
		}
		msg = fmt.Sprintf("%s asks for %s (%s) of %s leave on %s, %s–%s", e.Name(), h, Days(r.Days), r.LeaveType, r.StartDate, r.StartTime, r.EndTime)
	}
	if r.Status == LeaveApproved {
		msg += " (approved on request: this leave type needs no approval)"
	}
	return NewNotification(NotifyLeaveRequested, fmt.Sprintf("leave_requested:%d", r.ID), e.ID, msg,
		map[string]any{"leave_request_id": r.ID, "leave_type": r.LeaveType, "start_date": r.StartDate, "end_date": r.EndDate, "days": r.Days,
			"status": r.Status}, recipients)
}

func minutes(n int) string {
	if n == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", n)
}

// Days writes a number of days for a person: "1 day", "0.5 days", "3 days".
func Days(n float64) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%g days", n)
}

// LeaveDecided returns the notification to the employee whose request was decided.
func LeaveDecided(r *LeaveRequest) []Notification {
	return NewNotification(NotifyLeaveDecided, fmt.Sprintf("leave_decided:%d", r.ID), r.EmployeeID,
		fmt.Sprintf("Your %s leave from %s to %s was %s", r.LeaveType, r.StartDate, r.EndDate, r.Status),
		map[string]any{"leave_request_id": r.ID, "status": r.Status, "comment": r.DecisionComment}, []int64{r.EmployeeID})
}

// LowLeaveBalance returns the notifications for a balance at or below the threshold.
func LowLeaveBalance(e *Employee, b Balance, recipients []int64) []Notification {
	return NewNotification(NotifyLowLeaveBalance, fmt.Sprintf("low_leave_balance:%d:%d:%g", e.ID, b.Year, b.Remaining), e.ID,
		fmt.Sprintf("%s has %s of annual leave left in %d", e.Name(), Days(b.Remaining), b.Year),
		map[string]any{"year": b.Year, "remaining": b.Remaining}, recipients)
}

// LowBalanceDue decides whether a low-balance notification is due: remaining
// is at or below the threshold and below every remaining value already
// notified for that year (lowest, nil when none was). Once per employee per
// year, and again only if it falls further.
func LowBalanceDue(remaining, threshold float64, lowest *float64) bool {
	return remaining <= threshold && (lowest == nil || remaining < *lowest)
}

// NotArrivedDue decides whether the not_arrived check is due for an employee
// at now: their local today is a working day, they have no leave that day,
// they have not clocked in, and the deadline has passed. It returns the date
// checked and its deadline.
func NotArrivedDue(s Schedule, h Holidays, now time.Time, onLeave, present bool) (due bool, day Date, deadline time.Time) {
	day = s.Today(now)
	deadline = s.NotArrivedDeadline(day)
	if onLeave || present || day < s.HiredOn || !s.IsWorkingDay(day, h) || !now.After(deadline) {
		return false, day, deadline
	}
	return true, day, deadline
}

// NotificationService reads and marks notifications.
type NotificationService interface {
	// ListNotifications lists the actor's notifications, newest first.
	ListNotifications(ctx context.Context, actor Actor, unreadOnly bool, p Page) ([]*Notification, int, error)
	// NotificationsAfter returns the actor's notifications with an id above
	// afterID, oldest first, at most limit.
	NotificationsAfter(ctx context.Context, actor Actor, afterID int64, limit int) ([]*Notification, error)
	// LastNotificationID returns the id of the actor's newest notification,
	// 0 if they have none.
	LastNotificationID(ctx context.Context, actor Actor) (int64, error)
	// MarkRead marks one of the actor's notifications read.
	MarkRead(ctx context.Context, actor Actor, id int64) error
	// MarkAllRead marks all the actor's notifications read.
	MarkAllRead(ctx context.Context, actor Actor) error
}

// MessageType says what a live message carries.
type MessageType string

// The live message types.
const (
	MessageAttendance     MessageType = "attendance"      // an attendance event, for the managers whose scope it is in
	MessageNotification   MessageType = "notification"    // a stored notification, for its recipient
	MessageSessionRevoked MessageType = "session_revoked" // a session was logged out: close its sockets
	MessageLeave          MessageType = "leave"           // a leave request was made or changed status (for integrations)
	MessageCorrection     MessageType = "correction"      // a correction request was made or changed status (for integrations)
	MessageRoleChanged    MessageType = "role_changed"    // a user's role changed: their sockets check their session again at once
)

// Message is what travels from a write to the live WebSocket streams (and, in
// cluster mode, through the broker). ID is unique per message so that
// receivers can drop duplicates.
type Message struct {
	ID           string             `json:"id"`
	Type         MessageType        `json:"type"`
	OccurredAt   time.Time          `json:"occurred_at"`
	Event        *AttendanceEvent   `json:"event,omitempty"`
	Notification *Notification      `json:"notification,omitempty"`
	Leave        *LeaveRequest      `json:"leave,omitempty"`
	Correction   *CorrectionRequest `json:"correction,omitempty"`
	// RecipientID is the user a notification is for.
	RecipientID int64 `json:"recipient_id,omitempty"`
	// Managers lists the employee's line of managers for an attendance event:
	// those of them with manager access, and every admin, may see it.
	Managers  []int64 `json:"managers,omitempty"`
	SessionID string  `json:"session_id,omitempty"`
	// UserID is the user whose role changed.
	UserID int64 `json:"user_id,omitempty"`
}

// NotificationMessage is the live message of stored notification n, for
// its recipient, as subscribers get it: its ID is "notification:<id>".
// A notification whose id is not read yet (0, NotificationIDPending) gets
// one with WithNotificationID before anyone receives it.
func NotificationMessage(n Notification, occurredAt time.Time) Message {
	m := Message{Type: MessageNotification, OccurredAt: occurredAt, Notification: &n, RecipientID: n.RecipientID}
	if n.ID != 0 {
		m.ID = "notification:" + strconv.FormatInt(n.ID, 10)
	}
	return m
}

// NotificationIDPending reports whether m is a notification's whose id was
// not read by the write that stored it: its insert was sent without
// waiting for the answer (a clock event's pipeline on PostgreSQL), and the
// message names the notification by its Ref until the id is read.
func (m Message) NotificationIDPending() bool {
	return m.Type == MessageNotification && m.Notification != nil && m.Notification.ID == 0
}

// WithNotificationID returns m, a notification's message, with the
// notification's id: in the notification and in the message's ID.
func (m Message) WithNotificationID(id int64) Message {
	n := *m.Notification
	n.ID = id
	m.Notification, m.ID = &n, "notification:"+strconv.FormatInt(id, 10)
	return m
}

// NotificationRef names a notification without its id: by what makes it
// unique, its recipient and cause, and the instant of the write that
// stored it. A notification of that recipient and cause created at another
// instant came from another write: this one's cause had notified already,
// and stored nothing.
type NotificationRef struct {
	RecipientID int64     `json:"recipient_id"`
	Cause       string    `json:"cause"`
	CreatedAt   time.Time `json:"created_at"`
}

// Ref is what names n without its id.
func (n Notification) Ref() NotificationRef {
	return NotificationRef{RecipientID: n.RecipientID, Cause: n.Cause, CreatedAt: n.CreatedAt}
}

// Publisher delivers messages to live subscribers.
type Publisher interface {
	Publish(ctx context.Context, msgs ...Message) error
}

// Subscriber is a live stream of messages for one connected user.
type Subscription interface {
	// C delivers the messages meant for the subscriber. The messages are
	// shared between subscribers: read them, never change them.
	C() <-chan *Message
	// Done is closed when the subscription was dropped (e.g. a slow consumer).
	Done() <-chan struct{}
	Close()
}

// Broker fans messages out to subscribers.
type Broker interface {
	Publisher
	Subscribe(a Actor) Subscription
}

// Topic names what happened, as dotted words that integrations can filter on
// (the routing key on a broker): attendance.entry, attendance.exit,
// attendance.voided, notification.<kind>, leave.<status> (leave.pending for a
// new request), correction.<status> (likewise), session.revoked,
// user.role_changed.
func (m Message) Topic() string {
	switch {
	case m.Type == MessageAttendance && m.Event != nil && m.Event.Voided:
		return "attendance.voided"
	case m.Type == MessageAttendance && m.Event != nil:
		return "attendance." + string(m.Event.Type)
	case m.Type == MessageNotification && m.Notification != nil:
		return "notification." + string(m.Notification.Kind)
	case m.Type == MessageLeave && m.Leave != nil:
		return "leave." + string(m.Leave.Status)
	case m.Type == MessageCorrection && m.Correction != nil:
		return "correction." + string(m.Correction.Status)
	case m.Type == MessageSessionRevoked:
		return "session.revoked"
	case m.Type == MessageRoleChanged:
		return "user.role_changed"
	}
	return "other"
}

// VisibleTo reports whether the connected user a may receive the message:
// a notification only its recipient; an attendance event the managers whose
// scope it is in (admins, and managers up the employee's line, the employee
// included when they have manager access); a revocation only the sockets of
// that session.
func (m Message) VisibleTo(a Actor) bool {
	switch m.Type {
	case MessageNotification:
		return m.RecipientID == a.ID
	case MessageAttendance:
		if m.Event == nil || !a.HasManagerAccess() {
			return false
		}
		return a.IsAdmin() || a.ID == m.Event.EmployeeID || slices.Contains(m.Managers, a.ID)
	case MessageSessionRevoked:
		return a.SessionID != "" && m.SessionID == a.SessionID
	case MessageRoleChanged:
		return m.UserID == a.ID
	}
	return false
}
