package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

// DecisionLinkService answers the approve and reject links of approval
// e-mails (attendance.DecisionLinkService). A link's token is
// attendance.DecisionLink.Token under key; its row keeps the token's
// SHA-256 only, compared after the signature has been checked.
type DecisionLinkService struct {
	db    *DB
	leave *LeaveService
	// key signs the tokens: attendance.LinkKey(secret, PurposeDecision).
	key []byte
}

var _ attendance.DecisionLinkService = (*DecisionLinkService)(nil)

// NewDecisionLinkService returns the decision link service of db; key
// checks the tokens.
func NewDecisionLinkService(db *DB, key []byte) *DecisionLinkService {
	return &DecisionLinkService{db: db, leave: NewLeaveService(db), key: key}
}

// CheckDecisionLink says what using the link would do, changing nothing.
func (s *DecisionLinkService) CheckDecisionLink(ctx context.Context, token string) (_ *attendance.DecisionLinkView, err error) {
	defer wrap(&err, "CheckDecisionLink")
	q := s.db.reader()
	rec, err := s.link(ctx, q, token, false)
	if err != nil {
		return nil, err
	}
	r, err := scanLeave(q.queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`, rec.RequestID))
	if err != nil {
		return nil, notFound(err, "leave request")
	}
	emp, err := s.db.employee(ctx, q, r.EmployeeID, false)
	if err != nil {
		return nil, err
	}
	st, err := s.db.approvalState(ctx, q, r.ID)
	if err != nil {
		return nil, err
	}
	actor, err := s.approver(ctx, q, rec)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	f, err := s.db.decisionFacts(ctx, q, emp, st, now)
	if err != nil {
		return nil, err
	}
	// The rules decide on a copy: nothing is written.
	trial := attendance.ApprovalState{Chain: st.Chain, Steps: append([]attendance.StepRecord(nil), st.Steps...)}
	if _, _, err := trial.Decide(actor, attendance.StepDecision{Step: rec.Step, Action: rec.Action}, now, f); err != nil {
		return nil, err
	}
	names, err := s.db.stateNames(ctx, q, st)
	if err != nil {
		return nil, err
	}
	r.SetChain(*st, namer(names))
	return s.view(ctx, q, rec, r, "")
}

// UseDecisionLink decides the link's step as its approver, once.
func (s *DecisionLinkService) UseDecisionLink(ctx context.Context, token, comment string) (_ *attendance.DecisionLinkView, err error) {
	defer wrap(&err, "UseDecisionLink")
	if err := attendance.CheckDecision(attendance.Approve, comment); err != nil {
		return nil, err
	}
	var v *attendance.DecisionLinkView
	err = s.db.inTx(ctx, func(tx *Tx) error {
		rec, err := s.link(ctx, tx, token, true)
		if err != nil {
			return err
		}
		// Both links of the e-mail end with this use; the row's lock (or
		// the one writer) makes a second use wait and then find it used.
		res, err := tx.exec(ctx, `UPDATE decision_links SET used_at = ? WHERE notification_id = (SELECT notification_id FROM decision_links WHERE id = ?)
			AND used_at IS NULL`, s.db.t(s.db.now()), rec.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return attendance.Errorf(attendance.KindConflict, "link_used", "this e-mail's links were already used; a link decides once")
		}
		actor, err := s.approver(ctx, tx, rec)
		if err != nil {
			return err
		}
		r, err := s.leave.decideStep(ctx, tx, actor, rec.RequestID, attendance.StepDecision{Step: rec.Step, Action: rec.Action, Comment: comment})
		var e *attendance.Error
		if errors.As(err, &e) && e.Kind == attendance.KindNotFound {
			// The approver no longer sees the request: they may not decide it.
			return errNotApprover()
		} else if err != nil {
			return err
		}
		outcome := attendance.OutcomeNextStep
		switch r.Status {
		case attendance.LeaveApproved:
			outcome = attendance.OutcomeApproved
		case attendance.LeaveRejected:
			outcome = attendance.OutcomeRejected
		}
		v, err = s.view(ctx, tx, rec, r, outcome)
		return err
	})
	return v, err
}

func errNotApprover() error {
	return attendance.Errorf(attendance.KindForbidden, "not_approver", "you may no longer decide this step; see the request on the dashboard")
}

// link reads the row of token and checks the token against it: signed by
// the service, not expired, naming the row's fields, unused. In a write
// transaction the row is locked.
func (s *DecisionLinkService) link(ctx context.Context, q queryer, token string, lock bool) (*attendance.DecisionLinkRecord, error) {
	l, err := attendance.ParseDecisionLink(s.key, token, s.db.now())
	if err != nil {
		return nil, err
	}
	query := `SELECT id, request_id, step, approver_id, for_id, action, token_hash, expires_at, used_at FROM decision_links WHERE id = ?`
	if lock && s.db.d.ForUpdate != "" {
		// The e-mail's two links are locked in one order, so that its
		// approve and reject links used at once never deadlock.
		rows, err := q.query(ctx, `SELECT id FROM decision_links WHERE notification_id = (SELECT notification_id FROM decision_links WHERE id = ?)
			ORDER BY id`+s.db.d.ForUpdate, l.ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	var rec attendance.DecisionLinkRecord
	var forID sql.NullInt64
	err = q.queryRow(ctx, query, l.ID).Scan(&rec.ID, &rec.RequestID, &rec.Step, &rec.ApproverID, &forID, &rec.Action, &rec.TokenHash,
		timeCol{&rec.ExpiresAt}, nullTimeCol{&rec.UsedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attendance.Errorf(attendance.KindNotFound, "link_invalid", "this link is not valid: copy the whole link from the e-mail, or decide on the dashboard")
	} else if err != nil {
		return nil, err
	}
	rec.ForID = forID.Int64
	if err := rec.Check(l, tokenHash(token)); err != nil {
		return nil, err
	}
	return &rec, nil
}

// approver returns the link's approver as they are now: someone
// deactivated decides nothing.
func (s *DecisionLinkService) approver(ctx context.Context, q queryer, rec *attendance.DecisionLinkRecord) (attendance.Actor, error) {
	e, err := s.db.employee(ctx, q, rec.ApproverID, false)
	if err != nil {
		return attendance.Actor{}, err
	}
	if !e.Active {
		return attendance.Actor{}, errNotApprover()
	}
	return attendance.Actor{ID: e.ID, Role: e.Role}, nil
}

// view describes what the link does to r.
func (s *DecisionLinkService) view(ctx context.Context, q queryer, rec *attendance.DecisionLinkRecord, r *attendance.LeaveRequest,
	outcome attendance.DecisionOutcome) (*attendance.DecisionLinkView, error) {
	names, err := s.db.names(ctx, q, []int64{r.EmployeeID, rec.ApproverID, rec.ForID})
	if err != nil {
		return nil, err
	}
	v := &attendance.DecisionLinkView{
		Action: rec.Action, ExpiresAt: rec.ExpiresAt, Step: rec.Step,
		ApproverName: names[rec.ApproverID], ForName: names[rec.ForID], EmployeeName: names[r.EmployeeID],
		Request: r, Outcome: outcome,
	}
	if r.Chain != nil {
		v.Steps = len(r.Chain.Steps)
		if rec.Step >= 1 && rec.Step <= len(r.Chain.Steps) {
			v.StepLabel = r.Chain.Steps[rec.Step-1].Label
		}
	}
	if v.LeaveTypeName, err = s.db.leaveTypeName(ctx, q, string(r.LeaveType)); err != nil {
		return nil, err
	}
	return v, nil
}

// leaveTypeName returns the name of the leave type of code, else the code.
func (db *DB) leaveTypeName(ctx context.Context, q queryer, code string) (string, error) {
	var name string
	err := q.queryRow(ctx, `SELECT name FROM leave_types WHERE code = ?`, code).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return code, nil
	}
	return name, err
}

// approvalMail renders the e-mail of notification n, which asks its
// recipient to decide a step (ask), with an approve and a reject link, and
// writes the links' rows. The text holds the links as placeholders, which
// FillLinks fills when the e-mail is sent. It returns the approve link's id.
func (db *DB) approvalMail(ctx context.Context, tx *Tx, n attendance.Notification, ask attendance.ApprovalAsk,
	address, name, timezone string) (attendance.Mail, int64, error) {
	r, err := scanLeave(tx.queryRow(ctx, `SELECT `+leaveCols+` FROM leave_requests l WHERE l.id = ?`, ask.RequestID))
	if err != nil {
		return attendance.Mail{}, 0, notFound(err, "leave request")
	}
	var step attendance.StepRecord
	if err := tx.queryRow(ctx, `SELECT label FROM leave_request_steps WHERE request_id = ? AND step = ?`, r.ID, ask.Step).
		Scan(&step.Label); err != nil {
		return attendance.Mail{}, 0, notFound(err, "approval step")
	}
	step.Step = ask.Step
	names, err := db.names(ctx, tx, []int64{r.EmployeeID, ask.ForID})
	if err != nil {
		return attendance.Mail{}, 0, err
	}
	typeName, err := db.leaveTypeName(ctx, tx, string(r.LeaveType))
	if err != nil {
		return attendance.Mail{}, 0, err
	}
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		loc = time.UTC
	}
	ttl := db.mail.LinkTTL
	if ttl <= 0 {
		ttl = attendance.DefaultDecisionLinkTTL
	}
	expires := db.now().Add(ttl).Truncate(time.Second)
	var ids [2]int64
	for i, action := range []attendance.LeaveAction{attendance.Approve, attendance.Reject} {
		var forID *int64
		if ask.ForID != 0 {
			forID = &ask.ForID
		}
		id, err := tx.insertID(ctx, `INSERT INTO decision_links (notification_id, request_id, step, approver_id, for_id, action, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, n.ID, r.ID, ask.Step, n.RecipientID, forID, string(action), db.t(expires))
		if err != nil {
			return attendance.Mail{}, 0, err
		}
		token := attendance.DecisionLink{ID: id, RequestID: r.ID, Step: ask.Step, ApproverID: n.RecipientID, Action: action, ExpiresAt: expires}.
			Token(db.mail.LinkKey)
		if _, err := tx.exec(ctx, `UPDATE decision_links SET token_hash = ? WHERE id = ?`, tokenHash(token), id); err != nil {
			return attendance.Mail{}, 0, err
		}
		ids[i] = id
	}
	m := attendance.ApprovalMail{
		NotificationID: n.ID, To: address, ToName: name, EmployeeName: names[r.EmployeeID],
		ForName: names[ask.ForID], Away: ask.As == attendance.AsSubstitute,
		LeaveTypeName: typeName, Start: r.StartDate, End: r.EndDate, Reason: r.Reason,
		Days: r.Cost, Step: step, Steps: ask.Steps,
		ApproveURL: attendance.ApproveLinkPlaceholder, RejectURL: attendance.RejectLinkPlaceholder,
		RequestURL: db.dashboardURL() + "#/approvals", SettingsURL: db.settingsURL(),
		Expires: expires, Location: loc, Domain: db.mail.Domain,
	}
	if r.StartTime != nil && r.EndTime != nil {
		m.Hours = r.StartTime.String() + "–" + r.EndTime.String()
	}
	if m.Days.IsZero() {
		m.Days, _ = attendance.AmountFromFloat(r.Days)
	}
	return m.Render(), ids[0], nil
}

// FillLinks puts the signed approve and reject links in place of the
// placeholders of an approval e-mail (mailer.Dispatcher.Prepare). The links
// are signed now, as they were when their rows were written: a token is
// the same whenever it is made.
func (s *MailService) FillLinks(ctx context.Context, m *attendance.OutboxMail) (err error) {
	if m.DecisionLinkID == nil || m.NotificationID == nil {
		return nil
	}
	defer wrap(&err, "FillLinks(outbox %d)", m.ID)
	rows, err := s.db.reader().query(ctx, `SELECT id, request_id, step, approver_id, action, expires_at FROM decision_links
		WHERE notification_id = ? ORDER BY id`, *m.NotificationID)
	if err != nil {
		return err
	}
	defer rows.Close()
	urls := map[attendance.LeaveAction]string{}
	for rows.Next() {
		var l attendance.DecisionLink
		if err := rows.Scan(&l.ID, &l.RequestID, &l.Step, &l.ApproverID, &l.Action, timeCol{&l.ExpiresAt}); err != nil {
			return err
		}
		urls[l.Action] = attendance.DecisionURL(s.db.mail.Settings.PublicURL, l.Token(s.db.mail.LinkKey))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if urls[attendance.Approve] == "" || urls[attendance.Reject] == "" {
		return errors.New("the e-mail's decision links are missing")
	}
	m.Mail.Text = attendance.FillDecisionLinks(m.Mail.Text, urls[attendance.Approve], urls[attendance.Reject])
	return nil
}
