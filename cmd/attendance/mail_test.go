package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/mailer"
)

// smtpSink is a real SMTP server in the test process (go-smtp) that keeps
// every message it is given; it can go down and come back on its port.
type smtpSink struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	msgs []*mail.Message
	raw  []string
	srv  *smtp.Server
}

type sinkSession struct{ s *smtpSink }

func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }
func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.raw = append(ss.s.raw, string(b))
	ss.s.mu.Unlock()
	return nil
}

func newSMTPSink(t *testing.T) *smtpSink {
	s := &smtpSink{t: t}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.down)
	return s
}

func (s *smtpSink) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

// down stops the server: connections are refused.
func (s *smtpSink) down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// up starts it again on the same port.
func (s *smtpSink) up() {
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

func (s *smtpSink) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

// messages returns what arrived so far.
func (s *smtpSink) messages() []*mail.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*mail.Message(nil), s.msgs...)
}

// waitFor waits until n messages arrived in all.
func (s *smtpSink) waitFor(n int, within time.Duration) []*mail.Message {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		ms := s.messages()
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%d e-mails arrived within %s, want %d", len(ms), within, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// withSMTP points the service's e-mail at sink.
func withSMTP(sink *smtpSink) appOption {
	return withConfig(func(c *Config) {
		c.SMTPHost, c.SMTPPort, c.SMTPSecurity = "127.0.0.1", sink.port(), "none"
		c.SMTPFrom = "Attendance <attendance@example.com>"
		c.PublicURL = "https://attendance.example.com"
	})
}

func TestEmailNotifications(t *testing.T) {
	t.Parallel()
	sink := newSMTPSink(t)
	clock := newClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock), withSMTP(sink))
	admin := app.Admin
	admin.Do("PATCH", "/api/users/me/", map[string]string{"email": "root@example.com"}).Want(200)
	mgr := admin.NewUser("mail_boss", map[string]any{"role": "manager", "first_name": "Bea", "last_name": "Boss", "email": "bea@example.com"})
	emp := mgr.NewUser("mail_emp", map[string]any{"first_name": "Dan", "last_name": "Brown", "email": "dan@example.com"})
	mute := mgr.NewUser("mail_mute", map[string]any{"first_name": "Noah", "last_name": "Nomail"}) // no address

	// The settings: e-mail on, the defaults.
	var st attendance.EmailSettings
	mgr.Do("GET", "/api/notifications/settings/", nil).Want(200).JSON(&st)
	if !st.EmailEnabled || st.EmailAddress != "bea@example.com" || len(st.Kinds) != len(attendance.EmailKinds) {
		t.Fatalf("settings %+v", st)
	}
	for _, k := range st.Kinds {
		if k.Email != attendance.EmailDefault(k.Kind) {
			t.Errorf("default of %s: %v", k.Kind, k.Email)
		}
	}
	p := mgr.Do("PATCH", "/api/notifications/settings/", map[string]any{"email": map[string]bool{"bogus": true, "late_arrival": true}}).
		WantProblem(422, "invalid")
	if len(p.Errors) != 1 || p.Errors[0].Location != "body.email.bogus" {
		t.Errorf("errors %+v", p.Errors)
	}

	// A request: its approver gets the e-mail, with the right content.
	var r attendance.LeaveRequest
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-06-03", "end_date": "2026-06-03"}).
		Want(201).JSON(&r)
	m := sink.waitFor(1, 15*time.Second)[0]
	if to := m.Header.Get("To"); !strings.Contains(to, "bea@example.com") || !strings.Contains(to, "Bea Boss") {
		t.Errorf("To %q", to)
	}
	if from := m.Header.Get("From"); !strings.Contains(from, "attendance@example.com") {
		t.Errorf("From %q", from)
	}
	var ns list[attendance.Notification]
	mgr.Do("GET", "/api/notifications/", nil).Want(200).JSON(&ns)
	var n attendance.Notification
	for _, x := range ns.Results {
		if x.Kind == attendance.NotifyLeaveRequested {
			n = x
		}
	}
	if n.ID == 0 {
		t.Fatalf("no leave_requested notification: %+v", ns.Results)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, fmt.Sprintf("<notification-%d@", n.ID)) {
		t.Errorf("Message-Id %q", id)
	}
	// It asks the approver to decide: approve and reject links (TestDecisionLinks).
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if want := "Leave to approve: Dan Brown, Sick leave on 2026-06-03"; subject != want {
		t.Errorf("subject %q, want %q", subject, want)
	}
	text := mailText(t, m)
	for _, want := range []string{"Hello Bea Boss", "Dan Brown asks for 1 day of", "Approve: https://attendance.example.com/decide/",
		"Reject: https://attendance.example.com/decide/", "The request on the dashboard: https://attendance.example.com/#/approvals",
		"https://attendance.example.com/#/settings"} {
		if !strings.Contains(text, want) {
			t.Errorf("body lacks %q:\n%s", want, text)
		}
	}

	// Turned off: no e-mail for that kind; the notification is still stored.
	mgr.Do("PATCH", "/api/notifications/settings/", map[string]any{"email": map[string]bool{"leave_requested": false}}).Want(200).JSON(&st)
	for _, k := range st.Kinds {
		if k.Kind == attendance.NotifyLeaveRequested && k.Email {
			t.Error("leave_requested still on")
		}
	}
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-06-04", "end_date": "2026-06-04"}).Want(201)
	var mr attendance.LeaveRequest
	mute.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-06-04", "end_date": "2026-06-04"}).
		Want(201).JSON(&mr)
	// The decision goes to the employee (on by default); the one without an
	// address gets none: at the end exactly three e-mails have arrived.
	mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", mr.ID), map[string]any{"action": "approve"}).Want(200)
	mgr.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), map[string]any{"action": "approve"}).Want(200)
	ms := sink.waitFor(2, 15*time.Second)
	if to := ms[1].Header.Get("To"); !strings.Contains(to, "dan@example.com") {
		t.Errorf("second e-mail to %q, want the employee's decision", to)
	}

	// The test e-mail, and the outbox.
	var e attendance.OutboxEntry
	admin.Do("POST", "/api/mail/test/", nil).Want(202).JSON(&e)
	if e.Kind != attendance.MailTestKind || e.Status != attendance.MailQueued || e.NotificationID != nil {
		t.Errorf("test e-mail %+v", e)
	}
	ms = sink.waitFor(3, 15*time.Second)
	if to := ms[2].Header.Get("To"); !strings.Contains(to, "root@example.com") {
		t.Errorf("test e-mail to %q", to)
	}
	mute.Do("POST", "/api/mail/test/", nil).WantProblem(403, "forbidden")
	// The row is marked sent after the server took the message: wait for it.
	var outbox list[attendance.OutboxEntry]
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		admin.Do("GET", "/api/mail/outbox/?status=sent", nil).Want(200).JSON(&outbox)
		if outbox.Count >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if outbox.Count != 3 || outbox.Results[0].ID != e.ID || outbox.Results[0].SentAt == nil {
		t.Errorf("outbox %+v", outbox)
	}
	if strings.Contains(string(admin.Do("GET", "/api/mail/outbox/", nil).Want(200).Body), "Hello") {
		t.Error("the outbox shows an e-mail's text")
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(sink.messages()); n != 3 {
		t.Errorf("%d e-mails arrived, want 3", n)
	}
}

func TestEmailServerDownThenUp(t *testing.T) {
	t.Parallel()
	sink := newSMTPSink(t)
	clock := newClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock), withSMTP(sink))
	mgr := app.Admin.NewUser("down_boss", map[string]any{"role": "manager", "email": "boss@example.com"})
	sink.down()

	const n = 6
	for i := range n {
		emp := mgr.NewUser(fmt.Sprintf("down_emp%d", i), map[string]any{})
		emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "sick", "start_date": "2026-06-03", "end_date": "2026-06-03"}).Want(201)
	}
	// Each is tried once by its job, fails and waits for its retry.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var l list[attendance.OutboxEntry]
		app.Admin.Do("GET", "/api/mail/outbox/?status=queued&limit=500", nil).Want(200).JSON(&l)
		tried := 0
		for _, e := range l.Results {
			if e.Attempts == 1 && e.LastError != "" && e.NextAttemptAt != nil && e.NextAttemptAt.After(clock.Now()) {
				tried++
			}
		}
		if tried == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d e-mails tried and queued again: %+v", tried, n, l.Results)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(sink.messages()) != 0 {
		t.Fatal("e-mails arrived at a server that was down")
	}

	// Back up, the retries due: two workers sweep at once; each e-mail arrives once.
	sink.up()
	clock.Add(2 * time.Minute)
	other := &mailer.Dispatcher{Outbox: app.Main.Mail.Outbox, Sender: app.Main.Mail.Sender, Now: clock.Now}
	var wg sync.WaitGroup
	for _, d := range []*mailer.Dispatcher{app.Main.Mail, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.SendDue(context.Background()); err != nil {
				t.Errorf("SendDue: %v", err)
			}
		}()
	}
	wg.Wait()
	sink.waitFor(n, 15*time.Second)
	time.Sleep(500 * time.Millisecond) // a second copy would arrive now
	ms := sink.messages()
	seen := map[string]int{}
	for _, m := range ms {
		seen[m.Header.Get("Message-Id")]++
	}
	if len(ms) != n || len(seen) != n {
		t.Errorf("%d e-mails arrived with %d Message-IDs, want %d once each: %v", len(ms), len(seen), n, seen)
	}
	var l list[attendance.OutboxEntry]
	app.Admin.Do("GET", "/api/mail/outbox/?status=sent&limit=500", nil).Want(200).JSON(&l)
	if l.Count != n {
		t.Errorf("%d sent in the outbox, want %d", l.Count, n)
	}
}

// TestEmailSettingsRefused: settings that do not hold together stop the
// start, naming what is wrong.
func TestEmailSettingsRefused(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]func(*Config){
		"no sender":     func(c *Config) { c.PublicURL = "https://a.example.com" },
		"no public URL": func(c *Config) { c.SMTPFrom = "a@example.com" },
		"password in clear": func(c *Config) {
			c.SMTPFrom, c.PublicURL, c.SMTPSecurity, c.SMTPUsername, c.SMTPPassword = "a@example.com", "https://a.example.com", "none", "u", "p"
		},
	} {
		m := &Main{Config: testConfig(t, newDataDir(t)), Stderr: io.Discard, HashParams: cheapHash}
		m.Config.SMTPHost = "smtp.example.com"
		c(&m.Config)
		err := m.Open(context.Background(), false)
		m.Close()
		if err == nil || !strings.Contains(err.Error(), "e-mail settings") {
			t.Errorf("%s: start gave %v", name, err)
		}
	}
}
