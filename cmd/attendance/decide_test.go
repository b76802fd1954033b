package main

import (
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// mailText returns an e-mail's text, decoded from its transfer encoding.
func mailText(t *testing.T, m *mail.Message) string {
	t.Helper()
	var r io.Reader = m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var decisionLinkRE = regexp.MustCompile(`(?m)^(Approve|Reject): (https://attendance\.example\.com/decide/\S+)\r?$`)

// decisionLinks returns the approve and reject links of an approval
// e-mail, as paths of the test server.
func decisionLinks(t *testing.T, m *mail.Message) (approve, reject string) {
	t.Helper()
	text := mailText(t, m)
	for _, g := range decisionLinkRE.FindAllStringSubmatch(text, -1) {
		u, err := url.Parse(g[2])
		if err != nil {
			t.Fatal(err)
		}
		if g[1] == "Approve" {
			approve = u.Path
		} else {
			reject = u.Path
		}
	}
	if approve == "" || reject == "" || approve == reject {
		t.Fatalf("the e-mail lacks two links:\n%s", text)
	}
	return approve, reject
}

// page opens a decision link's page as a browser would, with no
// credentials; POST sends the confirmation form.
func page(t *testing.T, app *testApp, method, path string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, app.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s %s: Content-Type %q, want text/html", method, path, ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s: Cache-Control %q, want no-store", method, path, cc)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("%s %s: Content-Security-Policy %q", method, path, csp)
	}
	return res.StatusCode, string(b)
}

func wantPage(t *testing.T, status int, body string, wantStatus int, wants ...string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status %d, want %d:\n%s", status, wantStatus, body)
	}
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("the page lacks %q:\n%s", w, body)
		}
	}
}

// TestDecisionLinks: an approval e-mail's approve and reject links, against
// a real SMTP server: the confirmation page decides nothing; its button
// decides the step once, as the approver; the other link of the e-mail then
// works no more; a link expires; a link of a step decided meanwhile, or of
// an approver who may no longer decide, is refused with a page saying so.
func TestDecisionLinks(t *testing.T) {
	t.Parallel()
	sink := newSMTPSink(t)
	logs := &lockedBuffer{}
	tm := newTeam(t, utc("2026-06-01 08:00"), staff("UTC", "08:00", 0, "2026-01-01", "first_name", "Dan", "last_name", "Brown"), withSMTP(sink),
		withConfig(func(c *Config) { c.LogLevel = -4 }), // debug: every request is logged
		func(a *testApp) { a.Main.Stderr = logs })
	admin, mgr, emp, clock, app := tm.app.Admin, tm.mgr, tm.emp, tm.clock, tm.app
	admin.Do("PATCH", "/api/users/me/", map[string]string{"email": "root@example.com"}).Want(200)
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", mgr.ID()), map[string]any{"email": "mgr@example.com", "first_name": "Mia", "last_name": "Grant"}).Want(200)
	admin.Do("PUT", "/api/leaves/types/annual/approval/", map[string]any{"tiers": []map[string]any{
		{"over_days": 0, "steps": []map[string]any{{"approver": "manager", "level": 1}, {"approver": "manager", "level": 2, "label": "Director"}}},
	}}).Want(200)

	r := emp.requestLeave("annual", "2026-06-15", "2026-06-17", "reason", "Family visit")
	m := sink.waitFor(1, 15*time.Second)[0]
	if to := m.Header.Get("To"); !strings.Contains(to, "mgr@example.com") {
		t.Fatalf("the first e-mail went to %q, want the manager", to)
	}
	approve, reject := decisionLinks(t, m)
	if strings.Contains(strings.Join(sink.raw, ""), "[[") {
		t.Error("an e-mail went out with a placeholder")
	}
	leaveNow := func() leave {
		var l leave
		admin.Do("GET", fmt.Sprintf("/api/leaves/%d/", r.ID), nil).Want(200).JSON(&l)
		return l
	}

	// Opening the link (a mail scanner does) decides nothing.
	for range 2 {
		st, b := page(t, app, "GET", approve, nil)
		wantPage(t, st, b, 200, "Approve this leave request?", "Dan Brown", "3 days", "from 2026-06-15 to 2026-06-17",
			"Family visit", "Step 1 of 2 (Manager)", "decided by Mia Grant", `<form method="post"`, ">Approve</button>")
		if strings.Contains(b, "<script") {
			t.Error("the page has a script")
		}
	}
	st, b := page(t, app, "GET", reject, nil)
	wantPage(t, st, b, 200, "Reject this leave request?", ">Reject</button>")
	if st, _ := page(t, app, "HEAD", approve, nil); st != 200 {
		t.Errorf("HEAD: %d", st)
	}
	if l := leaveNow(); l.Status != attendance.LeavePending || *l.CurrentStep != 1 || l.Chain.Steps[0].DecidedBy != nil {
		t.Fatalf("after opening the links: %+v, want step 1 undecided", l)
	}

	// A changed, cut or foreign token: not valid.
	tampered := approve[:len(approve)-2] + map[bool]string{true: "AA", false: "AB"}[strings.HasSuffix(approve, "AB")]
	for _, p := range []string{tampered, approve[:len(approve)-5], "/decide/", "/decide/nothing", "/decide/" + strings.TrimPrefix(approve, "/decide/") + "/x"} {
		st, b := page(t, app, "GET", p, nil)
		wantPage(t, st, b, 404, "This link is not valid", "Nothing was decided")
		st, b = page(t, app, "POST", p, url.Values{"comment": {"x"}})
		wantPage(t, st, b, 404, "This link is not valid")
	}
	if l := leaveNow(); l.Chain.Steps[0].DecidedBy != nil {
		t.Fatal("a bad link decided the step")
	}

	// The confirmation decides step 1 as the manager, with the comment.
	clock.Add(time.Hour)
	st, b = page(t, app, "POST", approve, url.Values{"comment": {"Enjoy <Porto>"}})
	wantPage(t, st, b, 200, "Approved: the request goes on to its next step")
	l := leaveNow()
	s1 := l.Chain.Steps[0]
	if l.Status != attendance.LeavePending || *l.CurrentStep != 2 || s1.Status != attendance.StepApproved || s1.DecidedBy == nil ||
		*s1.DecidedBy != mgr.ID() || s1.DecidedAs != attendance.AsApprover || s1.Comment != "Enjoy <Porto>" {
		t.Fatalf("after the confirmation: %+v, step 1 %+v; want step 1 approved by the manager with the comment", l, s1)
	}

	// Once: the same link again, and the e-mail's reject link, are refused.
	st, b = page(t, app, "POST", approve, url.Values{})
	wantPage(t, st, b, 409, "This link was already used")
	st, b = page(t, app, "GET", approve, nil)
	wantPage(t, st, b, 409, "This link was already used")
	st, b = page(t, app, "POST", reject, url.Values{})
	wantPage(t, st, b, 409, "This link was already used")
	if l := leaveNow(); l.Status != attendance.LeavePending || *l.CurrentStep != 2 {
		t.Fatalf("after the second use: %+v, want it at step 2", l)
	}

	// Step 2's e-mail goes to the director (the admin), with links of its own.
	var m2 *mail.Message
	for _, x := range sink.waitFor(2, 15*time.Second) {
		if strings.Contains(x.Header.Get("To"), "root@example.com") {
			m2 = x
		}
	}
	if m2 == nil {
		t.Fatal("no e-mail to the director")
	}
	approve2, _ := decisionLinks(t, m2)
	st, b = page(t, app, "GET", approve2, nil)
	wantPage(t, st, b, 200, "Step 2 of 2 (Director)")
	// It expires: a week after it was sent, the link is refused.
	clock.Add(attendance.DefaultDecisionLinkTTL)
	st, b = page(t, app, "POST", approve2, url.Values{})
	wantPage(t, st, b, 409, "This link has expired")
	if l := leaveNow(); l.Status != attendance.LeavePending || *l.CurrentStep != 2 {
		t.Fatalf("after the expired link: %+v, want it still at step 2", l)
	}

	// A second request: its manager's link, while the manager may not
	// decide (no longer a manager), then after someone else decided.
	sink.mu.Lock()
	seen := len(sink.msgs)
	sink.mu.Unlock()
	r2 := emp.requestLeave("annual", "2026-07-06", "2026-07-06")
	var m3 *mail.Message
	for _, x := range sink.waitFor(seen+1, 15*time.Second)[seen:] {
		if strings.Contains(x.Header.Get("To"), "mgr@example.com") {
			m3 = x
		}
	}
	if m3 == nil {
		t.Fatal("no e-mail to the manager for the second request")
	}
	approve3, reject3 := decisionLinks(t, m3)
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", mgr.ID()), map[string]any{"role": "employee"}).Want(200)
	st, b = page(t, app, "POST", reject3, url.Values{})
	wantPage(t, st, b, 403, "You may no longer decide this request")
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", mgr.ID()), map[string]any{"role": "manager"}).Want(200)
	admin.step(r2.ID, 1, "approve", "").Want(200)
	st, b = page(t, app, "GET", approve3, nil)
	wantPage(t, st, b, 409, "This step was already decided")
	st, b = page(t, app, "POST", reject3, url.Values{})
	wantPage(t, st, b, 409, "This step was already decided")
	var l2 leave
	admin.Do("GET", fmt.Sprintf("/api/leaves/%d/", r2.ID), nil).Want(200).JSON(&l2)
	if l2.Status != attendance.LeavePending || *l2.CurrentStep != 2 || *l2.Chain.Steps[0].DecidedBy != admin.ID() {
		t.Errorf("the second request: %+v, want step 1 approved by the admin", l2)
	}

	// Any other method is not served.
	if st, _ := page(t, app, "PUT", approve3, nil); st != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d", st)
	}

	// The tokens never reach the logs.
	out := logs.String()
	if !strings.Contains(out, "/decide/{token}") {
		t.Errorf("link requests not logged")
	}
	for _, p := range []string{approve, reject, approve2, approve3, reject3} {
		if strings.Contains(out, strings.TrimPrefix(p, "/decide/")) {
			t.Errorf("a link's token is in the logs")
		}
	}
}
