package attendance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestMailSettingsCheck(t *testing.T) {
	base := attendance.MailSettings{Host: "smtp.example.com", From: "Attendance <attendance@example.com>", PublicURL: "https://attendance.example.com",
		Username: "attendance", Password: "secret"}
	with := func(f func(*attendance.MailSettings)) attendance.MailSettings { s := base; f(&s); return s }
	tests := []struct {
		name     string
		s        attendance.MailSettings
		wantPort int
		wantErr  string // a part of the error, "" for none
	}{
		{"off without a host", attendance.MailSettings{}, 0, ""},
		{"STARTTLS by default, port 587", base, 587, ""},
		{"TLS, port 465", with(func(s *attendance.MailSettings) { s.Security = attendance.MailTLS }), 465, ""},
		{"a port of one's own", with(func(s *attendance.MailSettings) { s.Port = 2525 }), 2525, ""},
		{"no encryption to this machine", with(func(s *attendance.MailSettings) { s.Security, s.Host = attendance.MailNone, "127.0.0.1" }), 25, ""},
		{"no encryption, no password, elsewhere", with(func(s *attendance.MailSettings) {
			s.Security, s.Username, s.Password = attendance.MailNone, "", ""
		}), 25, ""},
		{"a password in clear to another machine", with(func(s *attendance.MailSettings) { s.Security = attendance.MailNone }), 25, "unencrypted"},
		{"an unknown security", with(func(s *attendance.MailSettings) { s.Security = "ssl" }), 0, "starttls, tls or none"},
		{"a port too large", with(func(s *attendance.MailSettings) { s.Port = 70000 }), 70000, "1 to 65535"},
		{"no sender", with(func(s *attendance.MailSettings) { s.From = "" }), 587, "smtp from"},
		{"no public URL", with(func(s *attendance.MailSettings) { s.PublicURL = "" }), 587, "ATTENDANCE_PUBLIC_URL"},
		{"a password without a user", with(func(s *attendance.MailSettings) { s.Username = "" }), 587, "without a user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.s
			err := s.Check()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check = %v, want an error about %q", err, tt.wantErr)
			}
			if s.Port != tt.wantPort {
				t.Errorf("port = %d, want %d", s.Port, tt.wantPort)
			}
		})
	}
}

func TestWantsEmail(t *testing.T) {
	tests := []struct {
		name  string
		kind  attendance.NotificationKind
		prefs map[attendance.NotificationKind]bool
		want  bool
	}{
		{"a request to decide: on", attendance.NotifyLeaveRequested, nil, true},
		{"a later step to decide: on", attendance.NotifyLeaveStepPending, nil, true},
		{"a decision: on", attendance.NotifyLeaveDecided, nil, true},
		{"an escalation: on", attendance.NotifyLeaveEscalated, nil, true},
		{"a delegation: on", attendance.NotifyDelegateNamed, nil, true},
		{"a late arrival: off", attendance.NotifyLateArrival, nil, false},
		{"a no-show: off", attendance.NotifyNotArrived, nil, false},
		{"a step approved: off", attendance.NotifyLeaveStepApproved, nil, false},
		{"turned off", attendance.NotifyLeaveDecided, map[attendance.NotificationKind]bool{attendance.NotifyLeaveDecided: false}, false},
		{"turned on", attendance.NotifyLateArrival, map[attendance.NotificationKind]bool{attendance.NotifyLateArrival: true}, true},
		{"another kind turned off", attendance.NotifyLeaveDecided, map[attendance.NotificationKind]bool{attendance.NotifyLateArrival: false}, true},
		{"a kind that never goes by e-mail", "username_collision", map[attendance.NotificationKind]bool{"username_collision": true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := attendance.WantsEmail(tt.kind, tt.prefs); got != tt.want {
				t.Errorf("WantsEmail(%q) = %v, want %v", tt.kind, got, tt.want)
			}
		})
	}
	checkFields(t, attendance.CheckEmailPreferences(map[attendance.NotificationKind]bool{"leave_requested": false, "nonsense": true, "late": true}),
		"body.email.late", "body.email.nonsense")
	checkErr(t, attendance.CheckEmailPreferences(map[attendance.NotificationKind]bool{"leave_decided": false}), "", "")
}

func TestMailRetry(t *testing.T) {
	queued := utc("2026-06-15 10:00")
	tests := []struct {
		attempts  int
		now       time.Time
		wantDelay time.Duration
		wantGive  bool
	}{
		{1, queued, time.Minute, false},
		{2, queued.Add(time.Minute), 2 * time.Minute, false},
		{3, queued.Add(3 * time.Minute), 4 * time.Minute, false},
		{7, queued.Add(time.Hour), 60 * time.Minute, false},
		{8, queued.Add(2 * time.Hour), time.Hour, false},
		{100, queued.Add(70 * time.Hour), time.Hour, false},
		{101, queued.Add(71*time.Hour + time.Second), time.Hour, true},
	}
	for _, tt := range tests {
		next, give := attendance.NextMailAttempt(queued, tt.now, tt.attempts)
		if next.Sub(tt.now) != tt.wantDelay || give != tt.wantGive {
			t.Errorf("NextMailAttempt(attempt %d at %s) = +%s, give up %v; want +%s, %v", tt.attempts, tt.now, next.Sub(tt.now), give, tt.wantDelay, tt.wantGive)
		}
	}
}

func TestApprovalMail(t *testing.T) {
	since := utc("2026-06-10 09:00")
	m := attendance.ApprovalMail{
		NotificationID: 912, To: "gus@example.com", ToName: "Gus Weber", EmployeeName: "Dan Brown",
		ForName: "Cleo Diaz", LeaveTypeName: "Annual leave", Start: date("2026-06-15"), End: date("2026-06-19"),
		Days: attendance.WholeDays(5), Reason: "Family visit\nin Porto",
		Step:       attendance.StepRecord{Step: 2, ApprovalStep: attendance.ApprovalStep{Label: "HR"}, Status: attendance.StepPending, PendingSince: &since},
		Steps:      3,
		ApproveURL: attendance.DecisionURL("https://attendance.example.com/", "APPROVE-TOKEN"),
		RejectURL:  attendance.DecisionURL("https://attendance.example.com/", "REJECT-TOKEN"),
		RequestURL: "https://attendance.example.com/#leave/311", SettingsURL: "https://attendance.example.com/#settings",
		Expires: utc("2026-06-17 09:00"), Location: berlin, Domain: "f3a9.attendance",
	}
	got := m.Render()
	if got.To != "gus@example.com" || got.MessageID != "<notification-912@f3a9.attendance>" {
		t.Errorf("To, MessageID = %q, %q", got.To, got.MessageID)
	}
	if want := "Leave to approve: Dan Brown, Annual leave from 2026-06-15 to 2026-06-19"; got.Subject != want {
		t.Errorf("Subject = %q, want %q", got.Subject, want)
	}
	for _, want := range []string{
		"Hello Gus Weber,",
		"Dan Brown asks for 5 days of Annual leave from 2026-06-15 to 2026-06-19.",
		"Reason: Family visit\n  in Porto",
		"You decide step 2 of 3 (HR).",
		"You decide it for Cleo Diaz, whose delegate you are.",
		"Approve: https://attendance.example.com/decide/APPROVE-TOKEN\n",
		"Reject: https://attendance.example.com/decide/REJECT-TOKEN\n",
		"asks you to confirm",
		"2026-06-17 11:00 (Europe/Berlin)",
		"https://attendance.example.com/#leave/311",
		"e-mail is on for leave_step_pending notifications",
		"Turn it off: https://attendance.example.com/#settings",
	} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, got.Text)
		}
	}

	t.Run("the first step, one day, hours, one's own", func(t *testing.T) {
		m := m
		m.ForName, m.Steps, m.Start, m.End, m.Hours, m.Days = "", 1, date("2026-06-15"), date("2026-06-15"), "08:00–10:00", attendance.NewAmount(2, 9)
		m.Step.Step, m.Reason = 1, ""
		got := m.Render()
		if want := "Leave to approve: Dan Brown, Annual leave on 2026-06-15, 08:00–10:00"; got.Subject != want {
			t.Errorf("Subject = %q, want %q", got.Subject, want)
		}
		for _, unwanted := range []string{"Reason:", "You decide step", "for Cleo"} {
			if strings.Contains(got.Text, unwanted) {
				t.Errorf("the text has %q:\n%s", unwanted, got.Text)
			}
		}
		if !strings.Contains(got.Text, "0.22 days of Annual leave") || !strings.Contains(got.Text, "on for leave_requested notifications") {
			t.Errorf("text:\n%s", got.Text)
		}
	})
	t.Run("a substitute", func(t *testing.T) {
		m := m
		m.Away = true
		if got := m.Render(); !strings.Contains(got.Text, "You decide it for Cleo Diaz, who is away.") {
			t.Errorf("text:\n%s", got.Text)
		}
	})
	t.Run("a subject stays one line", func(t *testing.T) {
		m := m
		m.EmployeeName = "Dan\r\nBcc: everyone@example.com " + strings.Repeat("é", 150)
		got := m.Render()
		if strings.ContainsAny(got.Subject, "\r\n") || len(got.Subject) > 200 || !strings.HasSuffix(got.Subject, "...") {
			t.Errorf("Subject = %q (%d bytes)", got.Subject, len(got.Subject))
		}
	})
}

func TestNotificationMail(t *testing.T) {
	n := attendance.Notification{ID: 40, Kind: attendance.NotifyLeaveDecided, Message: "Your annual leave from 2026-06-15 to 2026-06-19 was approved by Gus Weber for Cleo Diaz"}
	got := attendance.NotificationMail(n, "dan@example.com", "Dan Brown", "https://attendance.example.com/", "https://attendance.example.com/#settings", "f3a9.attendance")
	if got.Subject != n.Message || got.MessageID != "<notification-40@f3a9.attendance>" {
		t.Errorf("Subject, MessageID = %q, %q", got.Subject, got.MessageID)
	}
	for _, want := range []string{"Hello Dan Brown,", n.Message + ".", "The dashboard: https://attendance.example.com/", "on for leave_decided notifications"} {
		if !strings.Contains(got.Text, want) {
			t.Errorf("the text lacks %q:\n%s", want, got.Text)
		}
	}
}
