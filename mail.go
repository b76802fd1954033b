package attendance

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// MailSecurity is how the connection to the SMTP server is protected.
type MailSecurity string

// The connection kinds.
const (
	MailSTARTTLS MailSecurity = "starttls" // plain connection upgraded with STARTTLS, required (port 587)
	MailTLS      MailSecurity = "tls"      // TLS from the first byte (port 465)
	MailNone     MailSecurity = "none"     // no encryption: only to a server on this machine
)

// MailSettings are the SMTP settings (ATTENDANCE_SMTP_*). Without a host,
// e-mail is off and nothing is queued.
type MailSettings struct {
	Host     string
	Port     int // 0: 587 for starttls, 465 for tls, 25 for none
	Security MailSecurity
	Username string
	Password string
	From     string // "Attendance <attendance@example.com>"
	// PublicURL is the service's address as users reach it
	// (ATTENDANCE_PUBLIC_URL): the links in e-mails start with it.
	PublicURL string
}

// Enabled reports whether e-mail is on.
func (s MailSettings) Enabled() bool { return s.Host != "" }

// Check validates the settings and fills the default port. With e-mail on:
// a known security (default starttls), a port 1 to 65535, a From address,
// a public URL starting http:// or https:// (without it no link in an
// e-mail could work), a password only with a user name, and never a
// password sent unencrypted to a server other than this machine.
func (s *MailSettings) Check() error {
	if !s.Enabled() {
		return nil
	}
	var errs []error
	if s.Security == "" {
		s.Security = MailSTARTTLS
	}
	switch s.Security {
	case MailSTARTTLS:
		s.Port = cmp0(s.Port, 587)
	case MailTLS:
		s.Port = cmp0(s.Port, 465)
	case MailNone:
		s.Port = cmp0(s.Port, 25)
	default:
		errs = append(errs, fmt.Errorf("smtp security %q: use starttls, tls or none", s.Security))
	}
	if s.Port < 1 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp port %d: must be 1 to 65535", s.Port))
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("smtp from %q: %v", s.From, err))
	}
	if !strings.HasPrefix(s.PublicURL, "https://") && !strings.HasPrefix(s.PublicURL, "http://") {
		errs = append(errs, errors.New("e-mail needs the public URL (ATTENDANCE_PUBLIC_URL, http:// or https://) for its links"))
	}
	if s.Password != "" && s.Username == "" {
		errs = append(errs, errors.New("smtp password without a user name"))
	}
	if s.Security == MailNone && s.Username != "" && !loopback(s.Host) {
		errs = append(errs, fmt.Errorf("smtp security none would send the password unencrypted to %s: use starttls or tls", s.Host))
	}
	return errors.Join(errs...)
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// emailOff lists the kinds whose e-mail is off until a user turns it on:
// frequent, or progress that a later e-mail sums up.
var emailOff = []NotificationKind{NotifyLateArrival, NotifyNotArrived, NotifyLeaveStepApproved}

// EmailKinds are the notification kinds a user may get by e-mail, in the
// order the settings show them.
var EmailKinds = []NotificationKind{
	NotifyLeaveRequested, NotifyLeaveStepPending, NotifyLeaveEscalated, NotifyLeaveDecided, NotifyLeaveStepApproved,
	NotifyDelegateNamed, NotifyDelegateRemoved, NotifyLowLeaveBalance, NotifyLateArrival, NotifyNotArrived,
}

// EmailDefault reports whether kind goes by e-mail for a user who has not
// chosen: yes, but for late arrivals, no-shows and steps approved before
// the last.
func EmailDefault(kind NotificationKind) bool { return !slices.Contains(emailOff, kind) }

// WantsEmail reports whether a user with choices prefs (kind → on) gets
// kind by e-mail. Kinds not in EmailKinds never go by e-mail.
func WantsEmail(kind NotificationKind, prefs map[NotificationKind]bool) bool {
	if !slices.Contains(EmailKinds, kind) {
		return false
	}
	if on, ok := prefs[kind]; ok {
		return on
	}
	return EmailDefault(kind)
}

// CheckEmailPreferences validates a user's change of their choices: every
// kind one of EmailKinds (422 at body.email.<kind> otherwise).
func CheckEmailPreferences(prefs map[NotificationKind]bool) error {
	var v Validator
	for _, k := range slices.Sorted(maps.Keys(prefs)) {
		v.Check(slices.Contains(EmailKinds, k), "body.email."+string(k), "is not a notification kind that goes by e-mail")
	}
	return v.Err()
}

// Sending: an attempt that fails for a reason that may pass (the server is
// down, a 4xx reply) is retried after MailRetryDelay(attempts), until
// MailGiveUpAfter from when it was queued; a permanent refusal (5xx) is not
// retried.
const MailGiveUpAfter = 72 * time.Hour

// MailRetryDelay returns how long to wait after the attempts-th failed
// attempt: a minute, doubling, at most an hour.
func MailRetryDelay(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// NextMailAttempt returns when to try again a mail queued at queued whose
// attempts-th attempt failed at now (for a reason that may pass); giveUp
// when that would be past MailGiveUpAfter.
func NextMailAttempt(queued, now time.Time, attempts int) (next time.Time, giveUp bool) {
	next = now.Add(MailRetryDelay(attempts))
	return next, next.After(queued.Add(MailGiveUpAfter))
}

// Mail is an e-mail as the service sends it: plain text, one recipient.
type Mail struct {
	To      string // the address
	ToName  string
	Subject string
	Text    string
	// MessageID is the same for every attempt at one notification, so that
	// a mail server or client can tell a copy.
	MessageID string
}

// MailMessageID returns the Message-ID of notification id's e-mail.
func MailMessageID(notificationID int64, domain string) string {
	return fmt.Sprintf("<notification-%d@%s>", notificationID, domain)
}

// DecisionURL is the address an approve or reject link opens: the
// service's confirmation page for the token (GET /decide/<token> shows what
// the link would do; only the page's button, a POST, decides).
func DecisionURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/decide/" + token
}

// oneLine makes s fit a header: line breaks become spaces, at most 200
// bytes (cut at a character).
func oneLine(s string) string {
	s = strings.Join(strings.Fields(strings.NewReplacer("\r", " ", "\n", " ").Replace(s)), " ")
	if len(s) <= 200 {
		return s
	}
	cut := 197
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

// ApprovalMail is the e-mail asking an approver to decide a step, with its
// approve and reject links.
type ApprovalMail struct {
	NotificationID int64
	To, ToName     string
	EmployeeName   string
	// ForName is the approver the recipient decides for as delegate or
	// substitute; "" in their own right. Away tells which.
	ForName       string
	Away          bool
	LeaveTypeName string
	Start, End    Date
	Hours         string // "08:00–10:00" for hourly leave, "" for days
	Days          Amount
	Reason        string
	Step          StepRecord
	Steps         int
	// The links (DecisionURL) and the request's and settings' pages.
	ApproveURL, RejectURL, RequestURL, SettingsURL string
	// Expires is when the links expire, written in Location, the
	// recipient's zone.
	Expires  time.Time
	Location *time.Location
	Domain   string // for the Message-ID
}

// Render writes the approval e-mail.
func (m ApprovalMail) Render() Mail {
	when := fmt.Sprintf("from %s to %s", m.Start, m.End)
	if m.Start == m.End {
		when = "on " + m.Start.String()
	}
	if m.Hours != "" {
		when += ", " + m.Hours
	}
	subject := fmt.Sprintf("Leave to approve: %s, %s %s", m.EmployeeName, m.LeaveTypeName, when)
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", m.ToName)
	fmt.Fprintf(&b, "%s asks for %s of %s %s.\n", m.EmployeeName, daysText(m.Days), m.LeaveTypeName, when)
	if m.Reason != "" {
		fmt.Fprintf(&b, "Reason: %s\n", strings.ReplaceAll(strings.TrimSpace(m.Reason), "\n", "\n  "))
	}
	b.WriteString("\n")
	if m.Steps > 1 {
		fmt.Fprintf(&b, "You decide %s.\n", stepText(m.Step, m.Steps))
	}
	switch {
	case m.ForName != "" && m.Away:
		fmt.Fprintf(&b, "You decide it for %s, who is away.\n", m.ForName)
	case m.ForName != "":
		fmt.Fprintf(&b, "You decide it for %s, whose delegate you are.\n", m.ForName)
	}
	fmt.Fprintf(&b, "\nApprove: %s\n\nReject: %s\n\n", m.ApproveURL, m.RejectURL)
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	fmt.Fprintf(&b, "Each link shows the request and asks you to confirm before anything\nis decided. It works once, only for you and this step, and expires on\n%s (%s).\n\n",
		m.Expires.In(loc).Format("2006-01-02 15:04"), loc)
	fmt.Fprintf(&b, "The request on the dashboard: %s\n", m.RequestURL)
	kind := NotifyLeaveRequested
	if m.Step.Step > 1 {
		kind = NotifyLeaveStepPending
	}
	writeFooter(&b, kind, m.SettingsURL)
	return Mail{To: m.To, ToName: m.ToName, Subject: oneLine(subject), Text: b.String(), MessageID: MailMessageID(m.NotificationID, m.Domain)}
}

// NotificationMail is the e-mail of any other notification: its message,
// and the dashboard's address.
func NotificationMail(n Notification, to, toName, dashboardURL, settingsURL, domain string) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n%s.\n\nThe dashboard: %s\n", toName, strings.TrimSuffix(n.Message, "."), dashboardURL)
	writeFooter(&b, n.Kind, settingsURL)
	return Mail{To: to, ToName: toName, Subject: oneLine(n.Message), Text: b.String(), MessageID: MailMessageID(n.ID, domain)}
}

func writeFooter(b *strings.Builder, kind NotificationKind, settingsURL string) {
	fmt.Fprintf(b, "\n-- \nYou get this e-mail because e-mail is on for %s notifications.\nTurn it off: %s\n", kind, settingsURL)
}
