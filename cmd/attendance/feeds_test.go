package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/openattendance/attendance"
)

// lockedBuffer is a log sink tests read while the service writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fetchFeed gets a feed's path over HTTP, anonymously, with headers (name,
// value pairs).
func fetchFeed(t *testing.T, app *testApp, path string, hdr ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// feedEvents fetches and parses a feed (200 wanted), its events by UID.
func feedEvents(t *testing.T, app *testApp, path string) (map[string]*ics.VEvent, string) {
	t.Helper()
	res := fetchFeed(t, app, path)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		events[e.Id()] = e
	}
	return events, res.Header.Get("ETag")
}

func eventSummary(e *ics.VEvent) string {
	if p := e.GetProperty(ics.ComponentPropertySummary); p != nil {
		return p.Value
	}
	return ""
}

func TestCalendarFeeds(t *testing.T) {
	t.Parallel()
	logs := &lockedBuffer{}
	clock := newClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock), withConfig(func(c *Config) {
		c.LogLevel = -4 // debug: every request is logged
		c.PublicURL = "https://attendance.example.com"
	}), func(a *testApp) { a.Main.Stderr = logs })
	admin := app.Admin
	mgr := admin.NewUser("feed_boss", map[string]any{"role": "manager", "first_name": "Bea", "last_name": "Boss"})
	emp := mgr.NewUser("feed_emp", map[string]any{"first_name": "Dan", "last_name": "Brown", "timezone": "Europe/Berlin"})
	outsider := admin.NewUser("feed_out", map[string]any{"first_name": "Olga", "last_name": "Outside"})

	leave := func(c *client, typ, from, to string) int64 {
		var r attendance.LeaveRequest
		c.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": typ, "start_date": from, "end_date": to}).Want(201).JSON(&r)
		return r.ID
	}
	approve := func(c *client, id int64) {
		c.Do("POST", fmt.Sprintf("/api/leaves/%d/action/", id), map[string]any{"action": "approve"}).Want(200)
	}
	approved := leave(emp, "annual", "2026-06-29", "2026-07-03") // Monday to Friday
	approve(mgr, approved)
	pending := leave(emp, "sick", "2026-07-08", "2026-07-08")
	cancelled := leave(emp, "unpaid", "2026-07-15", "2026-07-15")
	emp.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", cancelled), nil).Want(200)
	var hourly attendance.LeaveRequest // two hours, in the employee's zone
	emp.Do("POST", "/api/leaves/request/", map[string]any{"leave_type": "annual", "start_date": "2026-07-06", "end_date": "2026-07-06",
		"start_time": "10:00", "end_time": "12:00"}).Want(201).JSON(&hourly)
	approve(mgr, hourly.ID)
	outside := leave(outsider, "annual", "2026-06-29", "2026-06-29")
	approve(admin, outside)
	admin.Do("POST", "/api/holidays/", map[string]string{"date": "2026-12-25", "name": "Christmas Day"}).Want(201)

	// Creating: one live feed per kind; a team feed needs manager access.
	var own attendance.Feed
	res := emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "own"}).Want(201).JSON(&own)
	if res.Header.Get("Location") != fmt.Sprintf("/api/calendar/feeds/%d/", own.ID) {
		t.Errorf("Location %q", res.Header.Get("Location"))
	}
	if !strings.HasPrefix(own.Path, "/calendar/") || !strings.HasSuffix(own.Path, ".ics") || own.URL == nil ||
		*own.URL != "https://attendance.example.com"+own.Path {
		t.Errorf("feed %+v", own)
	}
	emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "own"}).WantProblem(409, "feed_exists")
	emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "team"}).WantProblem(403, "forbidden")
	emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "everyone"}).WantProblem(422, "invalid")
	var feeds list[attendance.Feed]
	emp.Do("GET", "/api/calendar/feeds/", nil).Want(200).JSON(&feeds)
	if feeds.Count != 1 || feeds.Results[0].Path != own.Path {
		t.Errorf("list %+v, want the own feed with the same path", feeds)
	}
	// Someone else's feed is not theirs to see or revoke.
	var others list[attendance.Feed]
	mgr.Do("GET", "/api/calendar/feeds/", nil).Want(200).JSON(&others)
	if others.Count != 0 {
		t.Errorf("the manager lists %+v", others)
	}
	mgr.Do("DELETE", fmt.Sprintf("/api/calendar/feeds/%d/", own.ID), nil).WantProblem(404, "not_found")

	// The own feed: approved and pending leave, the holidays, nothing cancelled.
	events, etag := feedEvents(t, app, own.Path)
	var domain string
	for uid := range events {
		if strings.HasPrefix(uid, fmt.Sprintf("leave-%d@", approved)) {
			domain = strings.TrimPrefix(uid, fmt.Sprintf("leave-%d@", approved))
		}
	}
	if domain == "" {
		t.Fatalf("no event of the approved leave: %v", events)
	}
	if e := events[fmt.Sprintf("leave-%d@%s", approved, domain)]; eventSummary(e) != "Annual leave" ||
		e.GetProperty(ics.ComponentPropertyDtStart).Value != "20260629" || e.GetProperty(ics.ComponentPropertyDtEnd).Value != "20260704" {
		t.Errorf("approved leave: %s", e.Serialize(nil))
	}
	if e := events[fmt.Sprintf("leave-%d@%s", pending, domain)]; e == nil || e.GetProperty(ics.ComponentPropertyStatus).Value != "TENTATIVE" {
		t.Errorf("pending leave missing or not tentative: %v", e)
	}
	if events[fmt.Sprintf("leave-%d@%s", cancelled, domain)] != nil || events[fmt.Sprintf("leave-%d@%s", outside, domain)] != nil {
		t.Errorf("cancelled or someone else's leave in the own feed")
	}
	if e := events["holiday-20261225@"+domain]; e == nil || eventSummary(e) != "Christmas Day" {
		t.Errorf("holiday missing: %v", events)
	}
	if e := events[fmt.Sprintf("leave-%d@%s", hourly.ID, domain)]; e == nil ||
		e.GetProperty(ics.ComponentPropertyDtStart).Value != "20260706T100000" || e.GetProperty(ics.ComponentPropertyDtEnd).Value != "20260706T120000" ||
		fmt.Sprint(e.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]) != "[Europe/Berlin]" {
		t.Errorf("hourly leave not 10:00 to 12:00 Berlin time: %v", e)
	}
	if len(events) != 4 {
		t.Errorf("%d events, want 4", len(events))
	}
	// ETag: the same bytes answer If-None-Match with 304.
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res := fetchFeed(t, app, own.Path, "If-None-Match", etag); res.StatusCode != 304 {
		t.Errorf("If-None-Match: %d, want 304", res.StatusCode)
	}
	// A change changes the ETag.
	emp.Do("POST", fmt.Sprintf("/api/leaves/%d/cancel/", pending), nil).Want(200)
	events, etag2 := feedEvents(t, app, own.Path)
	if etag2 == etag || events[fmt.Sprintf("leave-%d@%s", pending, domain)] != nil {
		t.Errorf("cancelled leave still in the feed (ETag %s → %s)", etag, etag2)
	}
	var fetched list[attendance.Feed]
	emp.Do("GET", "/api/calendar/feeds/", nil).Want(200).JSON(&fetched)
	if fetched.Results[0].LastFetchedAt == nil {
		t.Errorf("last_fetched_at not set")
	}

	// The team feed: the manager's scope only, no leave type.
	var team attendance.Feed
	mgr.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "team"}).Want(201).JSON(&team)
	tevents, _ := feedEvents(t, app, team.Path)
	if e := tevents[fmt.Sprintf("leave-%d-team@%s", approved, domain)]; e == nil || eventSummary(e) != "Dan Brown: away" {
		t.Errorf("team feed: %v", tevents)
	}
	if len(tevents) != 2 {
		t.Errorf("team feed holds %d events, want only the team's two: %v", len(tevents), tevents)
	}
	// A manager demoted: the team feed stops.
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", mgr.ID()), map[string]any{"role": "employee"}).Want(200)
	if res := fetchFeed(t, app, team.Path); res.StatusCode != 404 {
		t.Errorf("team feed of a demoted manager: %d", res.StatusCode)
	}

	// Forged, cut and unknown tokens: 404.
	for _, p := range []string{"/calendar/x.ics", own.Path[:len(own.Path)-6] + "A.ics", strings.TrimSuffix(own.Path, ".ics"), "/calendar/.ics",
		"/calendar/" + strings.Repeat("A", 20000) + ".ics", "/calendar/%00%FF.ics", own.Path + ".ics", strings.Replace(own.Path, "/calendar/", "/calendar/%20", 1)} {
		if res := fetchFeed(t, app, p); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}

	// Revoked: 404 at once; a new feed has a new URL.
	emp.Do("DELETE", fmt.Sprintf("/api/calendar/feeds/%d/", own.ID), nil).Want(204)
	emp.Do("DELETE", fmt.Sprintf("/api/calendar/feeds/%d/", own.ID), nil).WantProblem(404, "not_found")
	if res := fetchFeed(t, app, own.Path); res.StatusCode != 404 {
		t.Errorf("revoked feed: %d", res.StatusCode)
	}
	var again attendance.Feed
	emp.Do("POST", "/api/calendar/feeds/", map[string]string{"kind": "own"}).Want(201).JSON(&again)
	if again.Path == own.Path {
		t.Error("a new feed has the revoked one's URL")
	}
	feedEvents(t, app, again.Path)

	// Deactivated: every feed revoked at once, and it stays so when the
	// employee comes back.
	admin.Do("DELETE", fmt.Sprintf("/api/employees/%d/", emp.ID()), nil).Want(204)
	if res := fetchFeed(t, app, again.Path); res.StatusCode != 404 {
		t.Errorf("feed of a deactivated employee: %d", res.StatusCode)
	}
	admin.Do("PATCH", fmt.Sprintf("/api/employees/%d/", emp.ID()), map[string]any{"active": true}).Want(200)
	if res := fetchFeed(t, app, again.Path); res.StatusCode != 404 {
		t.Errorf("feed after reactivation: %d", res.StatusCode)
	}

	// The tokens never reach the logs.
	out := logs.String()
	if !strings.Contains(out, "/calendar/{token}.ics") {
		t.Errorf("feed requests not logged")
	}
	for _, p := range []string{own.Path, team.Path, again.Path} {
		tok := strings.TrimSuffix(strings.TrimPrefix(p, "/calendar/"), ".ics")
		if strings.Contains(out, tok) {
			t.Errorf("a feed token is in the logs")
		}
	}
}
