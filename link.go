package attendance

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// LinkPurpose names what a link token opens. Each purpose has a key of its
// own (LinkKey), and the purpose is in the signed bytes too, so a token of
// one purpose never opens another.
type LinkPurpose byte

// The purposes of link tokens.
const (
	PurposeDecision LinkPurpose = 'd' // an e-mail's approve or reject link
	PurposeFeed     LinkPurpose = 'f' // a calendar feed's URL
)

// linkVersion is the first byte of every token: a new layout gets a new one.
const linkVersion = 1

// LinkKey derives the key of the tokens of purpose from the service's
// secret (the JWT secret: one secret to keep, a key per use) with HKDF-SHA256.
func LinkKey(secret []byte, purpose LinkPurpose) ([]byte, error) {
	return hkdf.Key(sha256.New, secret, nil, "attendance link token v1 "+string(rune(purpose)), sha256.Size)
}

// Decision link layout: version, purpose, link id, request id, step,
// approver id, action, expiry (Unix seconds); then the HMAC-SHA256 of those
// bytes. Integers are big-endian.
const (
	decisionPayload = 1 + 1 + 8 + 8 + 2 + 8 + 1 + 8
	feedPayload     = 1 + 1 + 8 + 8 + 1
)

// DecisionLink is what an e-mail's approve or reject link stands for: one
// step of one request, for one approver, one action, until it expires. The
// token proves that the service made it (HMAC); the store's row of the same
// ID makes it work once (see docs/approvals.md).
type DecisionLink struct {
	ID         int64 // the store's row
	RequestID  int64
	Step       int
	ApproverID int64
	Action     LeaveAction
	ExpiresAt  time.Time // to the second
}

// Token returns the link's token: URL-safe base64 of its fields and their
// HMAC-SHA256 under key (LinkKey(secret, PurposeDecision)).
func (l DecisionLink) Token(key []byte) string {
	b := make([]byte, 0, decisionPayload+sha256.Size)
	b = append(b, linkVersion, byte(PurposeDecision))
	b = binary.BigEndian.AppendUint64(b, uint64(l.ID))
	b = binary.BigEndian.AppendUint64(b, uint64(l.RequestID))
	b = binary.BigEndian.AppendUint16(b, uint16(l.Step))
	b = binary.BigEndian.AppendUint64(b, uint64(l.ApproverID))
	act := byte(1)
	if l.Action == Reject {
		act = 2
	}
	b = append(b, act)
	b = binary.BigEndian.AppendUint64(b, uint64(l.ExpiresAt.Unix()))
	return sign(key, b)
}

// ParseDecisionLink reads a decision link token made with key and checks
// that it has not expired at now. A token the service did not make (or
// changed, cut, or of another purpose) is 404 link_invalid, telling nothing
// more; an expired one is 409 link_expired. That the link is unused, that
// its step is still pending and that its approver may still decide it is
// the store's to check.
func ParseDecisionLink(key []byte, token string, now time.Time) (DecisionLink, error) {
	b, ok := open(key, token, PurposeDecision, decisionPayload)
	if !ok {
		return DecisionLink{}, errLinkInvalid()
	}
	l := DecisionLink{
		ID:         int64(binary.BigEndian.Uint64(b[2:])),
		RequestID:  int64(binary.BigEndian.Uint64(b[10:])),
		Step:       int(binary.BigEndian.Uint16(b[18:])),
		ApproverID: int64(binary.BigEndian.Uint64(b[20:])),
		ExpiresAt:  time.Unix(int64(binary.BigEndian.Uint64(b[29:])), 0).UTC(),
	}
	switch b[28] {
	case 1:
		l.Action = Approve
	case 2:
		l.Action = Reject
	default:
		return DecisionLink{}, errLinkInvalid()
	}
	if !now.Before(l.ExpiresAt) {
		return l, Errorf(KindConflict, "link_expired", "this link expired at %s; decide on the dashboard instead", l.ExpiresAt.Format(time.RFC3339))
	}
	return l, nil
}

func errLinkInvalid() *Error {
	return Errorf(KindNotFound, "link_invalid", "this link is not valid: copy the whole link from the e-mail, or decide on the dashboard")
}

// FeedKind says what a calendar feed shows.
type FeedKind string

// The calendar feeds.
const (
	FeedOwn  FeedKind = "own"  // the user's own leave and the company holidays
	FeedTeam FeedKind = "team" // the approved leave of everyone in a manager's scope
)

// Valid reports whether k is a known feed kind.
func (k FeedKind) Valid() bool { return k == FeedOwn || k == FeedTeam }

// FeedRef is what a calendar feed's token stands for: the store's feed row,
// its owner and kind. The row's existence makes it revocable.
type FeedRef struct {
	ID     int64
	UserID int64
	Kind   FeedKind
}

// Token returns the feed's token: URL-safe base64 of its fields and their
// HMAC-SHA256 under key (LinkKey(secret, PurposeFeed)). It is the same
// every time, so the page can show the feed's URL again without the
// database keeping the token.
func (f FeedRef) Token(key []byte) string {
	b := make([]byte, 0, feedPayload+sha256.Size)
	b = append(b, linkVersion, byte(PurposeFeed))
	b = binary.BigEndian.AppendUint64(b, uint64(f.ID))
	b = binary.BigEndian.AppendUint64(b, uint64(f.UserID))
	kind := byte(1)
	if f.Kind == FeedTeam {
		kind = 2
	}
	b = append(b, kind)
	return sign(key, b)
}

// ParseFeedToken reads a calendar feed token made with key; anything else
// is 404 not_found, as for a revoked feed.
func ParseFeedToken(key []byte, token string) (FeedRef, error) {
	b, ok := open(key, token, PurposeFeed, feedPayload)
	if !ok {
		return FeedRef{}, ErrNotFound("calendar feed")
	}
	f := FeedRef{ID: int64(binary.BigEndian.Uint64(b[2:])), UserID: int64(binary.BigEndian.Uint64(b[10:]))}
	switch b[18] {
	case 1:
		f.Kind = FeedOwn
	case 2:
		f.Kind = FeedTeam
	default:
		return FeedRef{}, ErrNotFound("calendar feed")
	}
	return f, nil
}

// sign appends the HMAC-SHA256 of payload under key and encodes the whole.
func sign(key, payload []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(m.Sum(payload))
}

// open decodes token and returns its payload when it is size bytes of the
// current version and purpose with a valid HMAC under key.
func open(key []byte, token string, purpose LinkPurpose, size int) ([]byte, bool) {
	if base64.RawURLEncoding.DecodedLen(len(token)) != size+sha256.Size {
		return nil, false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) != size+sha256.Size {
		return nil, false
	}
	payload, mac := b[:size], b[size:]
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, false
	}
	return payload, payload[0] == linkVersion && payload[1] == byte(purpose)
}
