package attendance

import (
	"context"
	"crypto/subtle"
	"strings"
	"time"
)

// DefaultDecisionLinkTTL is how long an e-mail's decision links work unless
// ATTENDANCE_DECISION_LINK_TTL says otherwise.
const DefaultDecisionLinkTTL = 7 * 24 * time.Hour

// The placeholders of an approval e-mail's links in the outbox's text. The
// sending job fills them (FillDecisionLinks), so the database never holds
// a token.
const (
	ApproveLinkPlaceholder = "[[approve-link]]"
	RejectLinkPlaceholder  = "[[reject-link]]"
)

// FillDecisionLinks puts the approve and reject URLs in place of the
// placeholders of an approval e-mail's text. Only the last of each is
// filled: the links come after every text a user wrote (a reason that
// quotes a placeholder stays as it is).
func FillDecisionLinks(text, approveURL, rejectURL string) string {
	return replaceLast(replaceLast(text, ApproveLinkPlaceholder, approveURL), RejectLinkPlaceholder, rejectURL)
}

func replaceLast(s, old, repl string) string {
	i := strings.LastIndex(s, old)
	if i < 0 {
		return s
	}
	return s[:i] + repl + s[i+len(old):]
}

// DecisionLinkRecord is the store's row of a decision link: what its token
// must name, the token's SHA-256 (hex), and when the e-mail's links were used.
type DecisionLinkRecord struct {
	DecisionLink
	ForID     int64 // whom the approver decides for as delegate or substitute; 0 in their own right
	TokenHash string
	UsedAt    *time.Time
}

// Check reports whether a token that parsed as l, of SHA-256 tokenHash, is
// the link of row r and may still be used: a token naming other fields, or
// of another hash, is 404 link_invalid as a forged one is; a link whose
// e-mail's links were used is 409 link_used.
func (r DecisionLinkRecord) Check(l DecisionLink, tokenHash string) error {
	same := r.ID == l.ID && r.RequestID == l.RequestID && r.Step == l.Step && r.ApproverID == l.ApproverID &&
		r.Action == l.Action && r.ExpiresAt.Unix() == l.ExpiresAt.Unix()
	if !same || subtle.ConstantTimeCompare([]byte(r.TokenHash), []byte(tokenHash)) != 1 {
		return errLinkInvalid()
	}
	if r.UsedAt != nil {
		return Errorf(KindConflict, "link_used", "this e-mail's links were already used, at %s; a link decides once",
			r.UsedAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// DecisionLinkView is what a decision link does: the request, the step and
// the action, and who decides by it. After a use, Request is the request as
// it then stands and Outcome what the decision did.
type DecisionLinkView struct {
	Action       LeaveAction
	ExpiresAt    time.Time
	Step, Steps  int
	StepLabel    string
	ApproverName string
	// ForName is the approver decided for as delegate or substitute; "" in
	// one's own right.
	ForName       string
	EmployeeName  string
	LeaveTypeName string
	Request       *LeaveRequest
	Outcome       DecisionOutcome
}

// DecisionLinkService answers the approve and reject links of approval
// e-mails (docs/approvals.md, "One-click decisions"). The token is the
// credential: there is no actor.
type DecisionLinkService interface {
	// CheckDecisionLink says what using the link would do, and changes
	// nothing: 404 link_invalid, 409 link_expired or link_used, and every
	// refusal a decision of the link's step by its approver would meet now.
	CheckDecisionLink(ctx context.Context, token string) (*DecisionLinkView, error)
	// UseDecisionLink decides the link's step as the link's approver, with
	// every rule of a decision (ApprovalState.Decide, the balance check),
	// and ends both links of the e-mail in the same transaction. A second
	// use is 409 link_used, and nothing is decided twice.
	UseDecisionLink(ctx context.Context, token, comment string) (*DecisionLinkView, error)
}
