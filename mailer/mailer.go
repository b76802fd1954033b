// Package mailer sends the outbox's e-mails over SMTP (github.com/wneessen/go-mail):
// a Dispatcher claims a due row, sends it outside any transaction, and
// records what came of it, so that a request never waits for a mail server,
// a broken one loses nothing, and no e-mail goes out twice
// (docs/approvals.md, "E-mail").
package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/openattendance/attendance"
)

// Sender sends one e-mail. Its error tells what came of it (Outcome).
type Sender interface {
	Send(ctx context.Context, m attendance.Mail) error
}

// Failure is a failed attempt and what it means for the e-mail.
type Failure struct {
	Outcome attendance.MailOutcome
	Err     error
}

func (f *Failure) Error() string { return f.Err.Error() }
func (f *Failure) Unwrap() error { return f.Err }

// Outcome returns what an attempt that ended with err means: delivered
// when err is nil; a *Failure says; anything else may pass (try again).
func Outcome(err error) attendance.MailOutcome {
	if err == nil {
		return attendance.MailDelivered
	}
	var f *Failure
	if errors.As(err, &f) {
		return f.Outcome
	}
	return attendance.MailTryAgain
}

// SMTP sends e-mail to the server of its settings.
type SMTP struct {
	Settings attendance.MailSettings // checked (MailSettings.Check)
	// Timeout bounds the connection and each command; default 30 s.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default TLS configuration (the
	// system's roots, the host's name): tests trust their own certificate.
	TLSConfig *tls.Config
}

// Send connects, sends m and disconnects. A refusal with a 5xx reply is
// MailRefused; a connection that broke after the message's last byte was
// handed over, before the server answered, MailUnknown; anything else
// (cannot connect, TLS, authentication, a 4xx reply, a break before the
// end of the message) MailTryAgain.
func (s *SMTP) Send(ctx context.Context, m attendance.Mail) error {
	msg := gomail.NewMsg()
	from, err := mail.ParseAddress(s.Settings.From)
	if err != nil {
		return &Failure{attendance.MailRefused, fmt.Errorf("from: %w", err)}
	}
	if err := msg.FromFormat(from.Name, from.Address); err != nil {
		return &Failure{attendance.MailRefused, fmt.Errorf("from: %w", err)}
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return &Failure{attendance.MailRefused, fmt.Errorf("to: %w", err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(strings.Trim(m.MessageID, "<>"))
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)

	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(s.Settings.Port), gomail.WithTimeout(timeout)}
	switch s.Settings.Security {
	case attendance.MailTLS:
		opts = append(opts, gomail.WithSSL())
	case attendance.MailNone:
		opts = append(opts, gomail.WithTLSPortPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.TLSConfig))
	}
	if s.Settings.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Settings.Username), gomail.WithPassword(s.Settings.Password))
	}
	c, err := gomail.NewClient(s.Settings.Host, opts...)
	if err != nil {
		return &Failure{attendance.MailTryAgain, err}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*timeout)
	defer cancel()
	if err := c.DialWithContext(ctx); err != nil {
		return &Failure{attendance.MailTryAgain, err}
	}
	// The message has been taken once Send returns nil; a failing QUIT
	// afterwards changes nothing.
	defer c.Close()
	return classify(c.Send(msg))
}

// classify turns go-mail's error into a Failure.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return &Failure{attendance.MailTryAgain, err}
	}
	code := se.ErrorCode()
	switch {
	case code >= 500:
		return &Failure{attendance.MailRefused, err}
	case code >= 400:
		return &Failure{attendance.MailTryAgain, err}
	case se.Reason == gomail.ErrSMTPDataClose:
		// The whole message was written; the server's answer never came:
		// it may have taken it.
		return &Failure{attendance.MailUnknown, err}
	}
	return &Failure{attendance.MailTryAgain, err}
}

// Outbox is the store's side of sending.
type Outbox interface {
	// ClaimMail claims row id when it is due at now, or with id 0 the row
	// due longest; nil when there is none.
	ClaimMail(ctx context.Context, id int64, now time.Time) (*attendance.OutboxMail, error)
	// FinishMail records the outcome of the attempt at a claimed row.
	FinishMail(ctx context.Context, m *attendance.OutboxMail, outcome attendance.MailOutcome, cause string, now time.Time) error
	// SweepMail marks stale sending rows uncertain and prunes old rows.
	SweepMail(ctx context.Context, now time.Time) (int, error)
}

// Dispatcher sends the outbox.
type Dispatcher struct {
	Outbox Outbox
	Sender Sender
	// Prepare, when set, completes a claimed e-mail before it is sent
	// (the approvals' decision links fill their placeholders here).
	Prepare func(ctx context.Context, m *attendance.OutboxMail) error
	Now     func() time.Time
	Logger  *slog.Logger
	// MaxPerRun bounds the e-mails one SendDue sends; default 200.
	MaxPerRun int
}

func (d *Dispatcher) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Dispatcher) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.Default()
	}
	return d.Logger
}

// SendOne sends row id when it is due (the job enqueued with the row); a
// row not due, claimed already or gone is left alone.
func (d *Dispatcher) SendOne(ctx context.Context, id int64) error {
	_, err := d.send(ctx, id)
	return err
}

// SendDue sweeps (stale rows, old rows), then sends the due rows, one at a
// time, and returns how many it tried.
func (d *Dispatcher) SendDue(ctx context.Context) (int, error) {
	if n, err := d.Outbox.SweepMail(ctx, d.now()); err != nil {
		return 0, err
	} else if n > 0 {
		d.logger().Warn("e-mails left sending by a stopped worker are marked uncertain", "emails", n)
	}
	max := d.MaxPerRun
	if max <= 0 {
		max = 200
	}
	tried := 0
	for tried < max && ctx.Err() == nil {
		ok, err := d.send(ctx, 0)
		if err != nil {
			return tried, err
		}
		if !ok {
			break
		}
		tried++
	}
	return tried, nil
}

// send claims and sends one row; false when there was none to claim.
func (d *Dispatcher) send(ctx context.Context, id int64) (bool, error) {
	m, err := d.Outbox.ClaimMail(ctx, id, d.now())
	if err != nil || m == nil {
		return false, err
	}
	if d.Prepare != nil {
		if err := d.Prepare(ctx, m); err != nil {
			return true, d.finish(ctx, m, &Failure{attendance.MailRefused, err})
		}
	}
	return true, d.finish(ctx, m, d.Sender.Send(ctx, m.Mail))
}

func (d *Dispatcher) finish(ctx context.Context, m *attendance.OutboxMail, sendErr error) error {
	outcome := Outcome(sendErr)
	cause := ""
	if sendErr != nil {
		cause = sendErr.Error()
		d.logger().Warn("e-mail not sent", "outbox_id", m.ID, "attempt", m.Attempts, "outcome", outcome, "err", sendErr)
	}
	// The outcome is recorded even when the job's context has ended: a sent
	// e-mail left "sending" would only become uncertain.
	return d.Outbox.FinishMail(context.WithoutCancel(ctx), m, outcome, cause, d.now())
}
