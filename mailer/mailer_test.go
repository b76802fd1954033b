package mailer_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/mailer"
)

// A go-smtp server whose replies depend on the recipient.
type backend struct {
	mu   sync.Mutex
	got  []string
	data []string
	tls  bool   // the session was encrypted
	user string // who authenticated
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

// selfSigned returns a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// STARTTLS is required: with a server that offers it, the message goes
// encrypted and authenticated; a server that does not offer it gets
// nothing, not even the password.
func TestSMTPStartTLSRequired(t *testing.T) {
	cert, pool := selfSigned(t)
	serve := func(tlsOn bool) (int, *backend) {
		b := &backend{}
		srv := smtp.NewServer(authBackend{b})
		srv.Domain = "localhost"
		srv.AllowInsecureAuth = !tlsOn
		if tlsOn {
			srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		}
		return listen(t, func(ln net.Listener) { _ = srv.Serve(ln) }), b
	}
	send := func(port int) error {
		s := sender(port)
		s.Settings.Security, s.Settings.Username, s.Settings.Password = attendance.MailSTARTTLS, "ana", "secret"
		s.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
		return s.Send(context.Background(), mail("ana@example.com"))
	}
	port, b := serve(true)
	if err := send(port); err != nil {
		t.Fatalf("with STARTTLS: %v", err)
	}
	b.mu.Lock()
	if len(b.data) != 1 || !b.tls || b.user != "ana" {
		t.Errorf("with STARTTLS: %d messages, tls %v, user %q", len(b.data), b.tls, b.user)
	}
	b.mu.Unlock()

	port, b = serve(false)
	if got := mailer.Outcome(send(port)); got != attendance.MailTryAgain {
		t.Errorf("without STARTTLS: %s, want %s (until the server offers it)", got, attendance.MailTryAgain)
	}
	b.mu.Lock()
	if len(b.data) != 0 || b.user != "" {
		t.Errorf("a server without STARTTLS got %d messages and the user %q", len(b.data), b.user)
	}
	b.mu.Unlock()
}

type authBackend struct{ b *backend }

func (a authBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	a.b.mu.Lock()
	a.b.tls = isTLS
	a.b.mu.Unlock()
	return &authSession{session(a), c}, nil
}

type authSession struct {
	session
	c *smtp.Conn
}

func (s *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "ana" || pass != "secret" {
			return errors.New("bad credentials")
		}
		_, isTLS := s.c.TLSConnectionState()
		s.b.mu.Lock()
		s.b.user, s.b.tls = user, isTLS
		s.b.mu.Unlock()
		return nil
	}), nil
}

// TLS from the first byte (port 465's way).
func TestSMTPImplicitTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	b := &backend{}
	srv := smtp.NewServer(authBackend{b})
	srv.Domain = "localhost"
	port := listen(t, func(ln net.Listener) {
		_ = srv.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}}))
	})
	s := sender(port)
	s.Settings.Security, s.Settings.Username, s.Settings.Password = attendance.MailTLS, "ana", "secret"
	s.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	if err := s.Send(context.Background(), mail("ana@example.com")); err != nil {
		t.Fatalf("send: %v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.data) != 1 || !b.tls || b.user != "ana" {
		t.Errorf("%d messages, tls %v, user %q", len(b.data), b.tls, b.user)
	}
}
