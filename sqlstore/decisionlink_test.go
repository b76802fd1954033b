package sqlstore_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/sqlstore"
)

var linkKey = []byte("a decision link key of 32 bytes!")

// linkTokens claims the next e-mail, fills its links as the sending job
// does, and returns its approve and reject tokens.
func linkTokens(t *testing.T, mail *sqlstore.MailService, e *env) (approve, reject string) {
	t.Helper()
	ctx := context.Background()
	m, err := mail.ClaimMail(ctx, 0, e.Clock.Now())
	if err != nil || m == nil {
		t.Fatalf("claim: %v, %v", m, err)
	}
	if m.DecisionLinkID == nil {
		t.Fatalf("the e-mail %+v has no decision links", m)
	}
	if err := mail.FillLinks(ctx, m); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^(Approve|Reject): https://a\.example\.com/decide/(\S+)$`)
	for _, g := range re.FindAllStringSubmatch(m.Mail.Text, -1) {
		if g[1] == "Approve" {
			approve = g[2]
		} else {
			reject = g[2]
		}
	}
	if approve == "" || reject == "" {
		t.Fatalf("the e-mail's links are missing:\n%s", m.Mail.Text)
	}
	return approve, reject
}

// TestDecisionLinkRaces: a link used twice at once, and the approve and
// reject links of one e-mail used at once: one use decides, the other is
// 409 link_used, and the step is decided once.
func TestDecisionLinkRaces(t *testing.T) {
	exercise(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		e := newEnv(t, kind)
		e.SetMail(sqlstore.MailConfig{Domain: "test.attendance", LinkKey: linkKey, Settings: attendance.MailSettings{
			Host: "127.0.0.1", Port: 2525, Security: attendance.MailNone, From: "a@example.com", PublicURL: "https://a.example.com"}})
		mail := sqlstore.NewMailService(e.DB.DB)
		links := sqlstore.NewDecisionLinkService(e.DB.DB, linkKey)
		approvals := sqlstore.NewApprovalService(e.DB.DB)
		mgr := e.mustCreate(t, e.Admin, "boss", attendance.RoleManager, nil, withEmail("boss@example.com"))
		emp := e.mustCreate(t, mgr.Actor(), "emp", attendance.RoleEmployee, &mgr.ID)
		for round := range raceRounds {
			for _, pair := range []bool{false, true} {
				day := date("2026-11-09").AddDays(7*round + map[bool]int{false: 0, true: 2}[pair])
				r := e.mustRequest(t, emp.Actor(), attendance.LeaveSick, day.String(), day.String())
				approve, reject := linkTokens(t, mail, e)
				if v, err := links.CheckDecisionLink(ctx, approve); err != nil || v.Request.ID != r.ID || v.Step != 1 || v.Action != attendance.Approve {
					t.Fatalf("check: %+v, %v", v, err)
				}
				errs := both(func(i int) error {
					token := approve
					if pair && i == 1 {
						token = reject
					}
					_, err := links.UseDecisionLink(ctx, token, fmt.Sprint("use ", i))
					return err
				})
				what := fmt.Sprintf("round %d, the e-mail's two links %v", round, pair)
				if ok := outcomes(t, what, errs, "link_used"); ok != 1 {
					t.Fatalf("%s: %d uses went through (%v), want 1", what, ok, errs)
				}
				got, err := approvals.Request(ctx, e.Admin, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				winner := 0
				if errs[0] != nil {
					winner = 1
				}
				st := got.Chain.Steps[0]
				wantStatus := attendance.StepApproved
				if pair && winner == 1 {
					wantStatus = attendance.StepRejected
				}
				if st.Status != wantStatus || st.DecidedBy == nil || *st.DecidedBy != mgr.ID || st.Comment != fmt.Sprint("use ", winner) {
					t.Fatalf("%s: step %+v, want %s by the manager with the winner's comment", what, st.StepRecord, wantStatus)
				}
				for _, token := range []string{approve, reject} {
					if _, err := links.CheckDecisionLink(ctx, token); attendance.ErrorCode(err) != "link_used" {
						t.Fatalf("%s: a check after the use: %v, want link_used", what, err)
					}
				}
			}
		}
	})
}
