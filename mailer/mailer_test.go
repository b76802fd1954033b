package mailer_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/mailer"
)

// A go-smtp server whose replies depend on the recipient.
type backend struct {
	mu   sync.Mutex
	got  []string
	data []string
}

type session struct{ b *backend }

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (s session) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "refuse@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	case strings.HasPrefix(to, "later@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"}
	}
	s.b.mu.Lock()
	s.b.got = append(s.b.got, to)
	s.b.mu.Unlock()
	return nil
}
func (s session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.data = append(s.b.data, string(b))
	s.b.mu.Unlock()
	return err
}

func listen(t *testing.T, serve func(net.Listener)) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go serve(ln)
	return ln.Addr().(*net.TCPAddr).Port
}

func sender(port int) *mailer.SMTP {
	return &mailer.SMTP{Timeout: 5 * time.Second, Settings: attendance.MailSettings{Host: "127.0.0.1", Port: port,
		Security: attendance.MailNone, From: "Attendance <attendance@example.com>", PublicURL: "https://a.example.com"}}
}

func mail(to string) attendance.Mail {
	return attendance.Mail{To: to, ToName: "Ana López", Subject: "Leave to approve: Ben, annual", Text: "Hello Ana,\n\nüñï line\n",
		MessageID: "<notification-7@x.attendance>"}
}

func TestSMTPOutcomes(t *testing.T) {
	b := &backend{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{b}, nil }))
	srv.Domain = "localhost"
	port := listen(t, func(ln net.Listener) { _ = srv.Serve(ln) })
	s := sender(port)
	ctx := context.Background()

	if err := s.Send(ctx, mail("ana@example.com")); err != nil {
		t.Fatalf("send: %v", err)
	}
	b.mu.Lock()
	data := b.data[0]
	b.mu.Unlock()
	for _, want := range []string{"Message-ID: <notification-7@x.attendance>", "From: \"Attendance\" <attendance@example.com>", "Subject: Leave to approve"} {
		if !strings.Contains(data, want) {
			t.Errorf("the message lacks %q:\n%s", want, data)
		}
	}
	for to, want := range map[string]attendance.MailOutcome{"refuse@example.com": attendance.MailRefused, "later@example.com": attendance.MailTryAgain} {
		if got := mailer.Outcome(s.Send(ctx, mail(to))); got != want {
			t.Errorf("%s: %s, want %s", to, got, want)
		}
	}
	// Nobody listening: try again.
	if got := mailer.Outcome(sender(1).Send(ctx, mail("ana@example.com"))); got != attendance.MailTryAgain {
		t.Errorf("no server: %s", got)
	}
}

// A server that takes the whole message and hangs up before it answers:
// nobody knows whether it was delivered.
func TestSMTPHangUpAfterData(t *testing.T) {
	port := listen(t, func(ln net.Listener) {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
				say("220 localhost ESMTP")
				inData := false
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					line = strings.TrimRight(line, "\r\n")
					switch {
					case inData && line == ".":
						return // hang up instead of 250
					case inData:
					case strings.HasPrefix(line, "EHLO"), strings.HasPrefix(line, "HELO"):
						say("250-localhost")
						say("250 8BITMIME")
					case strings.HasPrefix(line, "DATA"):
						inData = true
						say("354 go ahead")
					default:
						say("250 ok")
					}
				}
			}()
		}
	})
	err := sender(port).Send(context.Background(), mail("ana@example.com"))
	if got := mailer.Outcome(err); got != attendance.MailUnknown {
		t.Errorf("hang-up after the message: %s (%v), want %s", got, err, attendance.MailUnknown)
	}
	var f *mailer.Failure
	if !errors.As(err, &f) {
		t.Errorf("not a Failure: %v", err)
	}
}
