package attendance_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestNotArrivedDue(t *testing.T) {
	// Monday to Friday from 08:00, no grace, hired long ago: the deadline is 08:30.
	berlinMF := sched(berlin, "08:00", 0, attendance.MondayToFriday)
	nyMF := sched(newYork, "08:00", 0, attendance.MondayToFriday)
	aucklandMF := sched(auckland, "08:00", 0, attendance.MondayToFriday)
	graceful := sched(berlin, "08:00", 15, attendance.MondayToFriday)
	hiredOn := func(s attendance.Schedule, d string) attendance.Schedule {
		s.HiredOn = date(d)
		return s
	}

	tests := []struct {
		name         string
		s            attendance.Schedule
		h            attendance.Holidays
		now          time.Time
		onLeave      bool
		present      bool
		want         bool
		wantDay      string
		wantDeadline time.Time
	}{
		{name: "before the deadline", s: berlinMF, now: at(berlin, "2026-06-15 08:29"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "a second before the deadline", s: berlinMF, now: at(berlin, "2026-06-15 08:29:59"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "after the deadline", s: berlinMF, now: at(berlin, "2026-06-15 08:31"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "in the evening", s: berlinMF, now: at(berlin, "2026-06-15 22:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "grace moves the deadline: before", s: graceful, now: at(berlin, "2026-06-15 08:44"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:45")},
		{name: "grace moves the deadline: after", s: graceful, now: at(berlin, "2026-06-15 08:46"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:45")},
		{name: "holiday", s: berlinMF, h: attendance.Holidays{date("2026-06-15"): "holiday"}, now: at(berlin, "2026-06-15 10:00"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "on leave", s: berlinMF, now: at(berlin, "2026-06-15 10:00"), onLeave: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "Saturday", s: berlinMF, now: at(berlin, "2026-06-20 10:00"), wantDay: "2026-06-20", wantDeadline: utc("2026-06-20 06:30")},
		{name: "Sunday", s: berlinMF, now: at(berlin, "2026-06-21 10:00"), wantDay: "2026-06-21", wantDeadline: utc("2026-06-21 06:30")},
		{name: "already present", s: berlinMF, now: at(berlin, "2026-06-15 10:00"), present: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "before hired_on", s: hiredOn(berlinMF, "2026-06-16"), now: at(berlin, "2026-06-15 10:00"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "hired today, after the deadline", s: hiredOn(berlinMF, "2026-06-15"), now: at(berlin, "2026-06-15 10:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "the Monday after spring forward", s: berlinMF, now: utc("2026-03-30 06:31"), want: true, wantDay: "2026-03-30", wantDeadline: utc("2026-03-30 06:30")},
		{name: "the Friday before spring forward, 08:31 CET", s: berlinMF, now: utc("2026-03-27 07:31"), want: true, wantDay: "2026-03-27", wantDeadline: utc("2026-03-27 07:30")},
		{name: "the Friday before spring forward, 07:31 CET", s: berlinMF, now: utc("2026-03-27 06:31"), wantDay: "2026-03-27", wantDeadline: utc("2026-03-27 07:30")},
		{name: "New York after fall back, 08:29 EST", s: nyMF, now: utc("2026-11-02 13:29"), wantDay: "2026-11-02", wantDeadline: utc("2026-11-02 13:30")},
		{name: "New York after fall back, 08:31 EST", s: nyMF, now: utc("2026-11-02 13:31"), want: true, wantDay: "2026-11-02", wantDeadline: utc("2026-11-02 13:30")},

		// One instant, three zones: 2026-06-15 07:00 UTC is 09:00 in Berlin,
		// 03:00 in New York and 19:00 in Auckland.
		{name: "same instant: due in Berlin", s: berlinMF, now: utc("2026-06-15 07:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 06:30")},
		{name: "same instant: not yet in New York", s: nyMF, now: utc("2026-06-15 07:00"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 12:30")},
		{name: "same instant: long due in Auckland", s: aucklandMF, now: utc("2026-06-15 07:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-14 20:30")},
		// 2026-06-15 23:00 UTC is already Tuesday 01:00 in Berlin, still Monday 19:00 in New York.
		{name: "late evening UTC: Berlin's new day has not started", s: berlinMF, now: utc("2026-06-15 23:00"), wantDay: "2026-06-16", wantDeadline: utc("2026-06-16 06:30")},
		{name: "late evening UTC: New York's Monday is due", s: nyMF, now: utc("2026-06-15 23:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-15 12:30")},
		// 2026-06-14 21:00 UTC is Sunday in UTC but Monday 09:00 in Auckland.
		{name: "UTC Sunday is Auckland Monday", s: aucklandMF, now: utc("2026-06-14 21:00"), want: true, wantDay: "2026-06-15", wantDeadline: utc("2026-06-14 20:30")},
		{name: "a holiday on the employee's date, not the UTC date", s: aucklandMF, h: attendance.Holidays{date("2026-06-15"): "holiday"}, now: utc("2026-06-14 21:00"), wantDay: "2026-06-15", wantDeadline: utc("2026-06-14 20:30")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, day, deadline := attendance.NotArrivedDue(tt.s, tt.h, tt.now, tt.onLeave, tt.present)
			if due != tt.want {
				t.Errorf("NotArrivedDue(%v) due = %v, want %v", tt.now.In(tt.s.Location), due, tt.want)
			}
			if day != date(tt.wantDay) {
				t.Errorf("day = %v, want %s", day, tt.wantDay)
			}
			if !deadline.Equal(tt.wantDeadline) {
				t.Errorf("deadline = %v, want %v", deadline.UTC(), tt.wantDeadline)
			}
		})
	}
}

func TestLowBalanceDue(t *testing.T) {
	tests := []struct {
		name                 string
		remaining, threshold float64
		lowest               *float64
		want                 bool
	}{
		{"above the threshold", 3.5, 3, nil, false},
		{"at the threshold, first time", 3, 3, nil, true},
		{"below the threshold, first time", 1, 3, nil, true},
		{"nothing left, first time", 0, 3, nil, true},
		{"overdrawn, first time", -2, 3, nil, true},
		{"already told at this value", 3, 3, ptr(3.0), false},
		{"risen since", 2.5, 3, ptr(2.0), false},
		{"fallen further", 2, 3, ptr(3.0), true},
		{"fallen by half a day", 2.5, 3, ptr(3.0), true},
		{"fallen to nothing", 0, 3, ptr(0.5), true},
		{"back above the threshold", 5, 3, ptr(1.0), false},
		{"threshold zero, none left", 0, 0, nil, true},
		{"threshold zero, half a day left", 0.5, 0, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.LowBalanceDue(tt.remaining, tt.threshold, tt.lowest); got != tt.want {
				t.Errorf("LowBalanceDue(%v, %v, %v) = %v, want %v", tt.remaining, tt.threshold, tt.lowest, got, tt.want)
			}
		})
	}
}

func TestNotificationConstructors(t *testing.T) {
	e := &attendance.Employee{ID: 4, Username: "ada", FirstName: "Ada", LastName: "Lovelace", WorkStart: hm("08:00")}
	ev := &attendance.AttendanceEvent{ID: 77, EmployeeID: 4, Type: attendance.Entry, Timestamp: at(berlin, "2026-06-15 08:12"), Late: true, LateMinutes: 12}
	req := &attendance.LeaveRequest{ID: 31, EmployeeID: 4, LeaveType: attendance.LeaveAnnual, StartDate: date("2026-07-06"), EndDate: date("2026-07-10"), Days: 5, Status: attendance.LeaveApproved, DecisionComment: "enjoy"}
	bal := attendance.NewBalance(4, 2026, 15, 12, 0.5, 0, 0)

	tests := []struct {
		name           string
		got            []attendance.Notification
		wantKind       attendance.NotificationKind
		wantCause      string
		wantRecipients []int64
		wantData       map[string]any
	}{
		{
			name:      "late arrival",
			got:       attendance.LateArrival(e, ev, []int64{3}),
			wantKind:  attendance.NotifyLateArrival,
			wantCause: "late_arrival:77", wantRecipients: []int64{3},
			wantData: map[string]any{"event_id": 77.0, "late_minutes": 12.0, "timestamp": "2026-06-15T06:12:00Z"},
		},
		{
			name:      "not arrived",
			got:       attendance.NotArrived(e, date("2026-06-15"), utc("2026-06-15 06:30"), []int64{1, 8}),
			wantKind:  attendance.NotifyNotArrived,
			wantCause: "not_arrived:4:2026-06-15", wantRecipients: []int64{1, 8},
			wantData: map[string]any{"date": "2026-06-15", "deadline": "2026-06-15T06:30:00Z"},
		},
		{
			name:      "leave requested",
			got:       attendance.LeaveRequested(e, req, []int64{3}),
			wantKind:  attendance.NotifyLeaveRequested,
			wantCause: "leave_requested:31", wantRecipients: []int64{3},
			wantData: map[string]any{"leave_request_id": 31.0, "leave_type": "annual", "start_date": "2026-07-06", "end_date": "2026-07-10", "days": 5.0},
		},
		{
			name:      "leave decided goes to the employee",
			got:       attendance.LeaveDecided(req),
			wantKind:  attendance.NotifyLeaveDecided,
			wantCause: "leave_decided:31", wantRecipients: []int64{4},
			wantData: map[string]any{"leave_request_id": 31.0, "status": "approved", "comment": "enjoy"},
		},
		{
			name:      "low leave balance to the employee and their manager",
			got:       attendance.LowLeaveBalance(e, bal, []int64{4, 3}),
			wantKind:  attendance.NotifyLowLeaveBalance,
			wantCause: "low_leave_balance:4:2026:2.5", wantRecipients: []int64{4, 3},
			wantData: map[string]any{"year": 2026.0, "remaining": 2.5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recipients []int64
			for _, n := range tt.got {
				recipients = append(recipients, n.RecipientID)
				if n.Kind != tt.wantKind {
					t.Errorf("Kind = %q, want %q", n.Kind, tt.wantKind)
				}
				if n.Cause != tt.wantCause {
					t.Errorf("Cause = %q, want %q", n.Cause, tt.wantCause)
				}
				if n.EmployeeID != 4 {
					t.Errorf("EmployeeID = %d, want 4 (the employee it is about)", n.EmployeeID)
				}
				if n.Message == "" {
					t.Error("Message is empty")
				}
				var data map[string]any
				if err := json.Unmarshal(n.Data, &data); err != nil {
					t.Fatalf("Data %s is not a JSON object: %v", n.Data, err)
				}
				for k, want := range tt.wantData {
					if got := data[k]; got != want {
						t.Errorf("Data[%q] = %v (%T), want %v (%T)", k, got, got, want, want)
					}
				}
			}
			if !slices.Equal(recipients, tt.wantRecipients) {
				t.Errorf("recipients = %v, want %v", recipients, tt.wantRecipients)
			}
		})
	}
}

func TestLowLeaveBalanceCauseChangesOnlyWhenItFalls(t *testing.T) {
	e := &attendance.Employee{ID: 4, Username: "ada"}
	cause := func(year int, used float64) string {
		return attendance.LowLeaveBalance(e, attendance.NewBalance(4, year, 15, used, 0, 0, 0), []int64{4})[0].Cause
	}
	if first, again := cause(2026, 12), cause(2026, 12); first != again {
		t.Error("the same balance gives two causes: a retried job would notify twice")
	}
	if cause(2026, 12) == cause(2026, 13) {
		t.Error("a lower balance gives the same cause: the further fall would never be notified")
	}
	if cause(2026, 12) == cause(2027, 12) {
		t.Error("another year gives the same cause: the next year would never be notified")
	}
}

func TestNewNotificationData(t *testing.T) {
	tests := []struct {
		name string
		data map[string]any
		want string
	}{
		{"nil data is an empty object", nil, "{}"},
		{"empty data", map[string]any{}, "{}"},
		{"unmarshalable data falls back to an empty object", map[string]any{"f": func() {}}, "{}"},
		{"data", map[string]any{"a": 1}, `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := attendance.NewNotification(attendance.NotifyLateArrival, "c", 1, "m", tt.data, []int64{2})
			if len(ns) != 1 {
				t.Fatalf("len = %d, want 1", len(ns))
			}
			if got := string(ns[0].Data); got != tt.want {
				t.Errorf("Data = %s, want %s", got, tt.want)
			}
		})
	}
	if ns := attendance.NewNotification(attendance.NotifyLateArrival, "c", 1, "m", nil, nil); len(ns) != 0 {
		t.Errorf("no recipients gave %d notifications, want 0", len(ns))
	}
}

func TestMessageVisibleTo(t *testing.T) {
	admin := attendance.Actor{ID: 1, Role: attendance.RoleAdmin, SessionID: "s-admin"}
	otherAdmin := attendance.Actor{ID: 8, Role: attendance.RoleAdmin}
	manager2 := attendance.Actor{ID: 2, Role: attendance.RoleManager}
	manager3 := attendance.Actor{ID: 3, Role: attendance.RoleManager, SessionID: "s-3"}
	manager6 := attendance.Actor{ID: 6, Role: attendance.RoleManager}
	employee4 := attendance.Actor{ID: 4, Role: attendance.RoleEmployee}
	employee9 := attendance.Actor{ID: 9, Role: attendance.RoleEmployee}

	// Employee 4's line: 3 (manager), 9 (an employee-role link), 2 (manager), 1 (admin).
	eventOf4 := attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{ID: 5, EmployeeID: 4}, Managers: []int64{3, 9, 2, 1}}
	eventOf3 := attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{ID: 6, EmployeeID: 3}, Managers: []int64{2, 1}}
	notification := attendance.Message{Type: attendance.MessageNotification, RecipientID: 4, Notification: &attendance.Notification{ID: 1, RecipientID: 4}}
	revoked := attendance.Message{Type: attendance.MessageSessionRevoked, SessionID: "s-3"}

	tests := []struct {
		name string
		m    attendance.Message
		a    attendance.Actor
		want bool
	}{
		{"notification: its recipient", notification, employee4, true},
		{"notification: an admin", notification, admin, false},
		{"notification: the employee's manager", notification, manager3, false},
		{"event: the direct manager", eventOf4, manager3, true},
		{"event: a manager further up", eventOf4, manager2, true},
		{"event: an admin in the line", eventOf4, admin, true},
		{"event: an admin outside the line", eventOf4, otherAdmin, true},
		{"event: a manager of another team", eventOf4, manager6, false},
		{"event: the employee without manager access", eventOf4, employee4, false},
		{"event: an employee-role link in the line", eventOf4, employee9, false},
		{"event: a manager's own event", eventOf3, manager3, true},
		{"event: a report does not see their manager's", eventOf3, employee4, false},
		{"event: a lower manager does not see a higher one's", attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{EmployeeID: 2}, Managers: []int64{1}}, manager3, false},
		{"event: none attached", attendance.Message{Type: attendance.MessageAttendance, Managers: []int64{3}}, manager3, false},
		{"revocation: that session", revoked, manager3, true},
		{"revocation: another session", revoked, admin, false},
		{"revocation: the same user on another session", revoked, attendance.Actor{ID: 3, Role: attendance.RoleManager, SessionID: "s-3b"}, false},
		{"revocation: no session on either side", attendance.Message{Type: attendance.MessageSessionRevoked}, attendance.Actor{ID: 3, Role: attendance.RoleManager}, false},
		{"role change: that user's sockets", attendance.Message{Type: attendance.MessageRoleChanged, UserID: 3}, manager3, true},
		{"role change: anyone else's", attendance.Message{Type: attendance.MessageRoleChanged, UserID: 3}, admin, false},
		{"unknown type", attendance.Message{Type: "gossip", RecipientID: 4}, employee4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.VisibleTo(tt.a); got != tt.want {
				t.Errorf("VisibleTo(%d as %s) = %v, want %v", tt.a.ID, tt.a.Role, got, tt.want)
			}
		})
	}
}

func TestMessageTopic(t *testing.T) {
	tests := []struct {
		m    attendance.Message
		want string
	}{
		{attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{Type: attendance.Entry}}, "attendance.entry"},
		{attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{Type: attendance.Exit}}, "attendance.exit"},
		{attendance.Message{Type: attendance.MessageAttendance, Event: &attendance.AttendanceEvent{Type: attendance.Entry, Voided: true}}, "attendance.voided"},
		{attendance.Message{Type: attendance.MessageNotification, Notification: &attendance.Notification{Kind: attendance.NotifyLateArrival}}, "notification.late_arrival"},
		{attendance.Message{Type: attendance.MessageLeave, Leave: &attendance.LeaveRequest{Status: attendance.LeavePending}}, "leave.pending"},
		{attendance.Message{Type: attendance.MessageLeave, Leave: &attendance.LeaveRequest{Status: attendance.LeaveApproved}}, "leave.approved"},
		{attendance.Message{Type: attendance.MessageSessionRevoked, SessionID: "s"}, "session.revoked"},
		{attendance.Message{Type: attendance.MessageRoleChanged, UserID: 3}, "user.role_changed"},
		{attendance.Message{Type: attendance.MessageAttendance}, "other"},
		{attendance.Message{Type: "gossip"}, "other"},
	}
	for _, tt := range tests {
		if got := tt.m.Topic(); got != tt.want {
			t.Errorf("Topic of %+v = %q, want %q", tt.m, got, tt.want)
		}
	}
}

// A notification's message without its id (a write that did not read it)
// gets it in the form subscribers get, and the same JSON as one built with
// the id.
func TestNotificationMessageID(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	n := attendance.Notification{RecipientID: 5, Kind: attendance.NotifyLateArrival, EmployeeID: 17, Message: "late",
		Data: json.RawMessage(`{}`), CreatedAt: at, Cause: "late_arrival:42"}
	pending := attendance.NotificationMessage(n, at)
	if !pending.NotificationIDPending() || pending.ID != "" || pending.RecipientID != 5 {
		t.Fatalf("without an id: %+v, pending %v", pending, pending.NotificationIDPending())
	}
	if got, want := n.Ref(), (attendance.NotificationRef{RecipientID: 5, Cause: "late_arrival:42", CreatedAt: at}); got != want {
		t.Fatalf("Ref %+v, want %+v", got, want)
	}
	resolved := pending.WithNotificationID(7)
	if pending.Notification.ID != 0 {
		t.Fatal("WithNotificationID changed the message it was given")
	}
	n.ID = 7
	direct := attendance.NotificationMessage(n, at)
	a, _ := json.Marshal(resolved)
	b, _ := json.Marshal(direct)
	if resolved.NotificationIDPending() || resolved.ID != "notification:7" || string(a) != string(b) {
		t.Fatalf("with id 7: %s, want %s", a, b)
	}
	for _, m := range []attendance.Message{direct, {Type: attendance.MessageAttendance}, {Type: attendance.MessageNotification}} {
		if m.NotificationIDPending() {
			t.Errorf("%+v: pending", m)
		}
	}
}
