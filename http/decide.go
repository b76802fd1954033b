package http

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/openattendance/attendance"
)

// decideRoutes serves the confirmation page of e-mail decision links
// (docs/approvals.md, "One-click decisions"): GET shows what the link
// would do and decides nothing (mail scanners open links); the page's
// button, a POST to the same address, decides. The page is plain HTML with
// no script, and the site's own stylesheet.
func (s *Server) decideRoutes() {
	s.mux.HandleFunc("/decide/", s.decide)
}

// decideMaxBody bounds the form's body: a comment of at most 2000 bytes.
const decideMaxBody = 16 << 10

func (s *Server) decide(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	token := strings.TrimPrefix(r.URL.Path, "/decide/")
	var (
		v   *attendance.DecisionLinkView
		err error
	)
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost:
		h.Set("Allow", "GET, HEAD, POST")
		s.decidePage(w, r, http.StatusMethodNotAllowed, decidePage{Title: "This page only opens e-mail links"})
		return
	case s.DecisionLinks == nil || token == "" || strings.Contains(token, "/"):
		err = attendance.Errorf(attendance.KindNotFound, "link_invalid", "this link is not valid: copy the whole link from the e-mail, or decide on the dashboard")
	case r.Method == http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, decideMaxBody)
		if perr := r.ParseForm(); perr != nil {
			err = attendance.InvalidField("body.comment", "the form could not be read")
			break
		}
		v, err = s.DecisionLinks.UseDecisionLink(r.Context(), token, r.PostForm.Get("comment"))
	default:
		v, err = s.DecisionLinks.CheckDecisionLink(r.Context(), token)
	}
	if err != nil {
		var p *Problem
		if !errors.As(s.problemFrom(r.Context(), err), &p) {
			p = newProblem(http.StatusInternalServerError, "internal", "something went wrong on our side; it has been logged", nil)
		}
		s.decidePage(w, r, p.Status, decidePage{Title: decideTitle(p.Code), Detail: p.Detail, Refused: true})
		return
	}
	page := decidePage{View: v, Confirm: r.Method != http.MethodPost}
	page.Title = "Approve this leave request?"
	if v.Action == attendance.Reject {
		page.Title = "Reject this leave request?"
	}
	if !page.Confirm {
		page.Title = decideDone(v)
	}
	s.decidePage(w, r, http.StatusOK, page)
}

// decideTitle is the page's heading for a refusal's problem code.
func decideTitle(code string) string {
	switch code {
	case "link_invalid":
		return "This link is not valid"
	case "link_expired":
		return "This link has expired"
	case "link_used":
		return "This link was already used"
	case "not_pending":
		return "This request is no longer waiting for a decision"
	case "step_moved":
		return "This step was already decided"
	case "not_approver", "own_request", "forbidden", "not_found":
		return "You may no longer decide this request"
	case "insufficient_balance":
		return "The balance does not allow this approval"
	case "invalid":
		return "The comment could not be taken"
	}
	return "Something went wrong"
}

// decideDone is the page's heading after a decision.
func decideDone(v *attendance.DecisionLinkView) string {
	switch v.Outcome {
	case attendance.OutcomeApproved:
		return "Approved: the leave request is approved"
	case attendance.OutcomeRejected:
		return "Rejected: the leave request is rejected"
	}
	return "Approved: the request goes on to its next step"
}

type decidePage struct {
	Title   string
	Detail  string
	Refused bool
	// Confirm shows the form: the link's view before it is used.
	Confirm bool
	View    *attendance.DecisionLinkView
}

// The view's words, for the template.
func (p decidePage) When() string {
	r := p.View.Request
	when := "from " + r.StartDate.String() + " to " + r.EndDate.String()
	if r.StartDate == r.EndDate {
		when = "on " + r.StartDate.String()
	}
	if r.StartTime != nil && r.EndTime != nil {
		when += ", " + r.StartTime.String() + "–" + r.EndTime.String()
	}
	return when
}

func (p decidePage) Days() string { return attendance.Days(p.View.Request.Days) }

func (p decidePage) Button() string {
	if p.View.Action == attendance.Reject {
		return "Reject"
	}
	return "Approve"
}

func (p decidePage) Expires() string { return p.View.ExpiresAt.UTC().Format(time.RFC3339) }

func (s *Server) decidePage(w http.ResponseWriter, r *http.Request, status int, p decidePage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	if err := decideTemplate.Execute(w, p); err != nil {
		s.Logger.ErrorContext(r.Context(), "decision page", "err", err)
	}
}

var decideTemplate = template.Must(template.New("decide").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}} · Attendance</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main class="decide">
<h1>{{.Title}}</h1>
{{if .Refused}}<p class="decide-detail">{{.Detail}}.</p>
<p>Nothing was decided by this link. <a href="/#/approvals">Open the dashboard</a> to see the request.</p>
{{else}}{{with .View}}<p class="decide-request"><strong>{{.EmployeeName}}</strong> asks for {{$.Days}} of {{.LeaveTypeName}} {{$.When}}.</p>
{{if .Request.Reason}}<p class="decide-reason">Reason: {{.Request.Reason}}</p>
{{end}}<p class="decide-step">{{if gt .Steps 1}}Step {{.Step}} of {{.Steps}} ({{.StepLabel}}){{else}}The decision ({{.StepLabel}}){{end}},
decided by {{.ApproverName}}{{if .ForName}} for {{.ForName}}{{end}}.</p>
{{if $.Confirm}}<form method="post" class="decide-form">
<p><label for="comment">Comment (optional)</label><br>
<textarea id="comment" name="comment" rows="3" cols="50" maxlength="2000"></textarea></p>
<p><button type="submit" name="confirm" value="{{.Action}}">{{$.Button}}</button></p>
</form>
<p class="decide-note">Nothing is decided until you press {{$.Button}}. The link works once and expires at {{$.Expires}}.</p>
{{else}}<p>Status now: {{.Request.Status}}.</p>
<p><a href="/#/approvals">Open the dashboard</a></p>
{{end}}{{end}}{{end}}</main>
</body>
</html>
`))
