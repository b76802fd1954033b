package attendance

import (
	"context"
	"time"
)

// EmailKindSetting is whether one notification kind goes by e-mail to a user.
type EmailKindSetting struct {
	Kind  NotificationKind `json:"kind"`
	Email bool             `json:"email"`
}

// EmailSettings are a user's e-mail choices as the API shows them
// (docs/approvals.md, "E-mail"): EmailEnabled is false when the service has
// no SMTP settings; Kinds lists EmailKinds in order, each with WantsEmail.
type EmailSettings struct {
	EmailAddress string             `json:"email_address"`
	EmailEnabled bool               `json:"email_enabled"`
	Kinds        []EmailKindSetting `json:"kinds"`
}

// NewEmailSettings returns the settings of a user with address and choices
// prefs, e-mail being on or off for the service.
func NewEmailSettings(address string, enabled bool, prefs map[NotificationKind]bool) *EmailSettings {
	s := &EmailSettings{EmailAddress: address, EmailEnabled: enabled, Kinds: make([]EmailKindSetting, 0, len(EmailKinds))}
	for _, k := range EmailKinds {
		s.Kinds = append(s.Kinds, EmailKindSetting{Kind: k, Email: WantsEmail(k, prefs)})
	}
	return s
}

// MailStatus is where an e-mail of the outbox stands.
type MailStatus string

// The outbox statuses: queued (waiting for an attempt, maybe a retry),
// sending (claimed by a worker), sent, failed (refused for good, or retried
// for MailGiveUpAfter), uncertain (the connection broke after the message
// was handed over, or a worker died while sending: not sent again, so that
// it never arrives twice).
const (
	MailQueued    MailStatus = "queued"
	MailSending   MailStatus = "sending"
	MailSent      MailStatus = "sent"
	MailFailed    MailStatus = "failed"
	MailUncertain MailStatus = "uncertain"
)

// Valid reports whether s is a known status.
func (s MailStatus) Valid() bool {
	switch s {
	case MailQueued, MailSending, MailSent, MailFailed, MailUncertain:
		return true
	}
	return false
}

// MailOutcome is what came of an attempt to send an e-mail.
type MailOutcome string

// The outcomes of an attempt.
const (
	MailDelivered MailOutcome = "delivered" // the server took it: sent
	MailTryAgain  MailOutcome = "try_again" // a reason that may pass: queued again (NextMailAttempt), or failed when it is time to give up
	MailRefused   MailOutcome = "refused"   // refused for good (5xx): failed
	MailUnknown   MailOutcome = "unknown"   // handed over, no answer: uncertain
)

// MailStaleAfter is how long a row may stay sending before the sweep takes
// its worker for dead and marks it uncertain.
const MailStaleAfter = 10 * time.Minute

// MailKeep is how long the outbox keeps its rows.
const MailKeep = 30 * 24 * time.Hour

// OutboxEntry is an e-mail of the outbox as the admin's list shows it:
// never its body.
type OutboxEntry struct {
	ID             int64      `json:"id"`
	NotificationID *int64     `json:"notification_id"`
	RecipientID    int64      `json:"recipient_id"`
	Kind           string     `json:"kind"`
	Status         MailStatus `json:"status"`
	Attempts       int        `json:"attempts"`
	QueuedAt       time.Time  `json:"queued_at"`
	NextAttemptAt  *time.Time `json:"next_attempt_at"`
	SentAt         *time.Time `json:"sent_at"`
	LastError      string     `json:"last_error"`
}

// OutboxMail is an outbox row claimed for sending.
type OutboxMail struct {
	ID             int64
	NotificationID *int64
	RecipientID    int64
	Kind           string
	// DecisionLinkID is the decision link row whose approve and reject
	// links the text holds as placeholders, else nil.
	DecisionLinkID *int64
	Mail           Mail
	QueuedAt       time.Time
	Attempts       int // with this one
}

// MailTestKind is the outbox kind of an admin's test e-mail.
const MailTestKind = "test"

// MailService reads and changes the e-mail choices and the outbox.
type MailService interface {
	// EmailSettings returns the actor's e-mail choices.
	EmailSettings(ctx context.Context, actor Actor) (*EmailSettings, error)
	// UpdateEmailSettings changes the choices of the kinds given (422 at
	// body.email.<kind> for a kind that does not go by e-mail).
	UpdateEmailSettings(ctx context.Context, actor Actor, prefs map[NotificationKind]bool) (*EmailSettings, error)
	// ListOutbox lists the e-mails of the last MailKeep, newest first (admins).
	ListOutbox(ctx context.Context, actor Actor, status *MailStatus, p Page) ([]*OutboxEntry, int, error)
	// QueueTestMail queues a test e-mail to the actor's own address (admins):
	// 409 email_off without SMTP settings, 409 no_email_address without an
	// address.
	QueueTestMail(ctx context.Context, actor Actor) (*OutboxEntry, error)
}
