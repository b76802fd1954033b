package web_test

// Browser tests of the web app: Chromium drives the page served by the real
// attendance binary, which runs as its own process with a fresh database
// seeded through the public API. Set ATTENDANCE_TEST_CHROMIUM to the browser
// (for example /usr/bin/chromium) to run them; ATTENDANCE_SCREENSHOTS=1 also
// rewrites the screenshots in docs/screenshots/.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/openattendance/attendance/internal/testenv"
)

const (
	password       = "correct-horse-9"
	dateLayout     = "2006-01-02"
	screenshotsVar = "ATTENDANCE_SCREENSHOTS"
)

// world is the seeded company the scenarios run against.
type world struct {
	loc   *time.Location
	today time.Time // local midnight

	admin, mgr *apiClient
	people     map[string]employee // by username

	weekFrom, weekTo   string // the seeded week, Monday to Sunday
	leaveFrom, leaveTo string // the leave Ann asks for: Monday to Friday
	leaveDays          float64
	holiday            string // a holiday inside Ann's leave
}

func day(t time.Time) string { return t.Format(dateLayout) }

// companyZone returns UTC when "now" leaves room for a working day in it
// (work started two hours ago, people left already), or else a fixed-offset
// zone where it is about noon, so the test runs the same at any hour.
func companyZone(now time.Time) string {
	h := now.UTC().Hour()
	if h >= 4 && h <= 19 {
		return "UTC"
	}
	off := 12 - h
	if off < -12 {
		off += 24
	}
	if off > 14 {
		off -= 24
	}
	return fmt.Sprintf("Etc/GMT%+d", -off) // Etc/GMT-3 is UTC+3
}

// seed creates the company: a manager, employees who are in, late, left, on
// leave, not arrived and off today, a week of history, a holiday, leave.
func seed(t *testing.T, srv *server, zone string) *world {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	w := &world{loc: loc, today: today, people: map[string]employee{}}
	w.admin = login(t, srv.URL(), "admin", srv.adminPassword)

	weekday := strings.ToLower(today.Weekday().String()[:3])
	workDays := []string{"mon", "tue", "wed", "thu", "fri"}
	if !slices.Contains(workDays, weekday) {
		workDays = append(workDays, weekday)
	}
	start := now.Add(-2 * time.Hour).Truncate(time.Minute)
	workStart := start.Format("15:04")
	monday := today.AddDate(0, 0, -(int(today.Weekday())+6)%7)
	lastMonday := monday.AddDate(0, 0, -7)
	w.weekFrom, w.weekTo = day(lastMonday), day(lastMonday.AddDate(0, 0, 6))
	hired := day(lastMonday.AddDate(0, 0, -28))

	maria := w.admin.mustCreate(map[string]any{
		"username": "maria", "password": password, "role": "manager",
		"first_name": "Maria", "last_name": "Santos", "department": "Operations", "hired_on": hired,
	})
	w.people["maria"] = maria
	w.mgr = login(t, srv.URL(), "maria", password)

	// Each person's last week, Monday to Friday: minutes after the start
	// (negative: early) and hours worked; nil is an absence.
	type shift struct {
		late  int
		hours float64
	}
	offDay := strings.ToLower(today.AddDate(0, 0, 3).Weekday().String()[:3])
	staff := []struct {
		username, first, last, dept string
		grace                       int
		workDays                    []string
		week                        []*shift
	}{
		// Ann is the scenarios' employee: her grace keeps the not-arrived
		// check quiet while the test runs, and she is still late.
		{"ann", "Ann", "Lee", "Support", 100, workDays, []*shift{{-5, 8}, {110, 6.5}, {-10, 8}, {0, 8}, {-5, 7.5}}},
		{"ben", "Ben", "Okafor", "Engineering", 0, workDays, []*shift{{15, 8}, {-5, 8.5}, {40, 7}, {0, 8}, {5, 8.5}}},
		{"chloe", "Chloe", "Martin", "Engineering", 0, workDays, []*shift{{-10, 9}, {-10, 9}, {-5, 9.5}, {-15, 9}, {-10, 9}}},
		{"dev", "Dev", "Patel", "Sales", 0, workDays, []*shift{{-5, 8}, {10, 8}, {-5, 8}, nil, nil}},
		{"eva", "Eva", "Novak", "Sales", 0, workDays, []*shift{{5, 7}, nil, nil, {20, 7.5}, {-5, 8}}},
		{"finn", "Finn", "Berg", "Support", 0, workDays, []*shift{{-30, 7.5}, {-20, 7.5}, {-25, 7.5}, {-30, 7.5}, {-20, 7}}},
		{"gus", "Gus", "Tanaka", "Engineering", 0, []string{offDay}, nil},
	}
	thursday := lastMonday.AddDate(0, 0, 3)
	for _, s := range staff {
		e := w.mgr.mustCreate(map[string]any{
			"username": s.username, "password": password,
			"first_name": s.first, "last_name": s.last, "department": s.dept,
			"work_start": workStart, "work_end": "23:30", "work_days": s.workDays,
			"late_grace_minutes": s.grace, "hired_on": hired,
		})
		w.people[s.username] = e
		for i, sh := range s.week {
			if sh == nil {
				continue
			}
			d := lastMonday.AddDate(0, 0, i)
			in := time.Date(d.Year(), d.Month(), d.Day(), start.Hour(), start.Minute(), 0, 0, loc).Add(time.Duration(sh.late) * time.Minute)
			w.mgr.record(e.ID, "entry", in)
			w.mgr.record(e.ID, "exit", in.Add(time.Duration(sh.hours*float64(time.Hour))))
		}
		// Today, soon after the creation, before the not-arrived check (it
		// runs every minute) sees the day: Ben arrived late, Chloe on time,
		// Finn came and went, Dev is on leave; Eva has not arrived, Gus is off.
		switch s.username {
		case "ben":
			w.mgr.record(e.ID, "entry", now.Add(-30*time.Minute))
		case "chloe":
			w.mgr.record(e.ID, "entry", start.Add(-10*time.Minute))
		case "finn":
			w.mgr.record(e.ID, "entry", start.Add(-20*time.Minute))
			w.mgr.record(e.ID, "exit", now.Add(-15*time.Minute))
		case "dev":
			devc := login(t, srv.URL(), "dev", password)
			for _, l := range []struct{ typ, from, to, reason, comment string }{
				{"annual", day(today), day(today), "Moving house", "Good luck with the move"},
				{"sick", day(thursday), day(thursday.AddDate(0, 0, 1)), "Flu", "Get well soon"},
			} {
				var r struct{ ID int64 }
				devc.mustDo("POST", "/api/leaves/request/", map[string]any{
					"leave_type": l.typ, "start_date": l.from, "end_date": l.to, "reason": l.reason,
				}, http.StatusCreated, &r)
				w.mgr.mustDo("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), map[string]string{"action": "approve", "comment": l.comment}, http.StatusOK, nil)
			}
		}
	}

	// Ann's leave: Monday to Friday of the week after next, in one year,
	// with a company holiday on the Wednesday.
	from := monday.AddDate(0, 0, 14)
	if from.Year() != from.AddDate(0, 0, 4).Year() {
		from = from.AddDate(0, 0, 7)
	}
	w.leaveFrom, w.leaveTo = day(from), day(from.AddDate(0, 0, 4))
	w.holiday = day(from.AddDate(0, 0, 2))
	w.leaveDays = 4
	w.admin.mustDo("POST", "/api/holidays/", map[string]string{"date": w.holiday, "name": "Founders' Day"}, http.StatusCreated, nil)

	// Ben's request waits for Maria.
	benc := login(t, srv.URL(), "ben", password)
	benFrom := from.AddDate(0, 0, 7)
	benTo := benFrom.AddDate(0, 0, 1)
	if benTo.Year() != benFrom.Year() {
		benTo = benFrom
	}
	benc.mustDo("POST", "/api/leaves/request/", map[string]any{
		"leave_type": "annual", "start_date": day(benFrom), "end_date": day(benTo), "reason": "Family visit",
	}, http.StatusCreated, nil)
	return w
}

// attendanceEvent holds the fields of an AttendanceEvent the tests use.
type attendanceEvent struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	Timestamp   time.Time `json:"timestamp"`
	Late        bool      `json:"late"`
	LateMinutes int       `json:"late_minutes"`
}

// lastEvent returns a user's newest attendance event.
func lastEvent(t *testing.T, c *apiClient) attendanceEvent {
	t.Helper()
	var page struct {
		Results []attendanceEvent `json:"results"`
	}
	c.mustDo("GET", "/api/attendance/?limit=1", nil, http.StatusOK, &page)
	if len(page.Results) == 0 {
		t.Fatal("no attendance event")
	}
	return page.Results[0]
}

// overviewRow is one row of GET /api/attendance/overview/.
type overviewRow struct {
	EmployeeID  int64   `json:"employee_id"`
	Name        string  `json:"name"`
	WorkedHours float64 `json:"worked_hours"`
}

func TestBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	began := time.Now()
	shots := os.Getenv(screenshotsVar) == "1"

	bin := testenv.Binary(t)
	zone := companyZone(time.Now())
	srv := mustStartServer(t, bin, zone)
	w := seed(t, srv, zone)
	b := mustStartBrowser(t, chromium, srv.URL(), zone)
	t.Logf("server, seed and browser ready in %v (company time zone %s)", time.Since(began).Round(time.Millisecond), zone)
	defer b.checkNoExceptions(t)

	tokens := map[string]bool{}
	keepTokens := func(tb *tab) {
		a, r := tb.session()
		for _, tok := range []string{a, r} {
			if tok != "" {
				tokens[tok] = true
			}
		}
	}

	// Maria has the dashboard open before Ann does anything.
	mgr := b.newTab(t, "maria")
	mgr.login("maria", password)
	keepTokens(mgr)
	mgr.wait("the board", `document.querySelector('[data-testid^="board-in-"]')`)
	eval[chromedp.Void](mgr, `window.noReload = true`)

	emp := b.newTab(t, "ann")
	emp.login("ann", password)
	keepTokens(emp)
	ann := w.people["ann"]
	annc := login(t, srv.URL(), "ann", password)

	type feedState struct {
		Unread      int     `json:"unread"`
		IDs         []int64 `json:"ids"`
		UnreadItems int     `json:"unreadItems"`
	}
	const feedJS = `({
		unread: Number(document.getElementById('unread-count').textContent),
		ids: [...document.querySelectorAll('#notifications [data-id]')].map((n) => Number(n.dataset.id)),
		unreadItems: document.querySelectorAll('#notifications .feed-item.unread').length,
	})`
	before := eval[feedState](mgr, feedJS)
	lateBefore, _ := strconv.Atoi(mgr.text("#board-count-late"))
	// Which employees' rows the dashboard asks the server for.
	eval[chromedp.Void](mgr, `(() => {
		window.rowsAsked = [];
		const f = window.fetch;
		window.fetch = function (input) {
			const u = new URL(String(input && input.url || input), location.href);
			if (u.pathname === '/api/attendance/today/' && u.searchParams.has('employee_id')) window.rowsAsked.push(Number(u.searchParams.get('employee_id')));
			return f.apply(this, arguments);
		};
	})()`)

	// The seeded morning, as the server's board says it.
	t.Run("BoardShowsToday", func(t *testing.T) {
		mgr := mgr.in(t)
		for _, c := range []struct{ who, group string }{
			{"ben", "late"}, {"ben", "in"}, {"chloe", "in"}, {"finn", "left"},
			{"eva", "not-arrived"}, {"dev", "leave"}, {"gus", "off"},
		} {
			sel := fmt.Sprintf(`#board-%s [data-testid="board-%s-%d"]`, c.group, c.group, w.people[c.who].ID)
			if !eval[bool](mgr, `!!document.querySelector('`+sel+`')`) {
				t.Errorf("%s is not in the board's %q group", c.who, c.group)
			}
		}
		// The statuses are the server's (GET /api/attendance/today/).
		for who, want := range map[string]string{"eva": "not_arrived", "dev": "on_leave", "gus": "off", "finn": "left"} {
			got := eval[string](mgr, fmt.Sprintf(`(document.querySelector('#board [data-employee-id="%d"][data-status]') || {dataset: {}}).dataset.status || ''`, w.people[who].ID))
			if got != want {
				t.Errorf("%s's data-status = %q, want %q", who, got, want)
			}
		}
		if got := mgr.text(fmt.Sprintf(`[data-testid="board-leave-%d"] .person-badges`, w.people["dev"].ID)); got != "Annual leave" {
			t.Errorf("Dev's leave badge = %q, want %q", got, "Annual leave")
		}
	})

	if !t.Run("EmployeeClocksInLate", func(t *testing.T) {
		emp := emp.in(t)
		if got := emp.text("#clock-button"); got != "Clock in" {
			t.Fatalf("#clock-button = %q, want %q", got, "Clock in")
		}
		emp.click("#clock-button")
		emp.wait(`"Clock out"`, `document.getElementById('clock-button').textContent.trim() === 'Clock out'`)
		emp.wait("the late status", `/late/.test(document.getElementById('clock-status').textContent)`)

		ev := lastEvent(t, annc)
		if ev.Type != "entry" || !ev.Late {
			t.Fatalf("server recorded %+v, want a late entry", ev)
		}
		status := emp.text("#clock-status")
		want := fmt.Sprintf("Clocked in at %s — %d minutes late", ev.Timestamp.In(w.loc).Format("15:04"), ev.LateMinutes)
		if status != want {
			t.Errorf("#clock-status = %q, want %q", status, want)
		}
		if ev.LateMinutes < 100 || ev.LateMinutes > 125 {
			t.Errorf("late_minutes = %d, want about 120 (work started two hours ago)", ev.LateMinutes)
		}
		if got := eval[string](emp, `document.getElementById('clock-button').dataset.state`); got != "in" {
			t.Errorf("#clock-button data-state = %q, want in", got)
		}
		// Today's sessions are the server's (GET /api/attendance/days/): the open one is this entry's.
		emp.wait("the open session in today's sessions", fmt.Sprintf(`document.querySelector('#today-sessions .session-open[data-entry-id="%d"]')`, ev.ID))
		if got := emp.text("#today-sessions .session-open .session-length"); !strings.HasSuffix(got, "so far") {
			t.Errorf("the open session's length reads %q, want it running (… so far)", got)
		}
	}) {
		t.FailNow()
	}

	t.Run("ManagerSeesItLive", func(t *testing.T) {
		mgr := mgr.in(t)
		sel := fmt.Sprintf(`[data-testid="board-late-%d"]`, ann.ID)
		mgr.wait("Ann on the board's late list", `document.querySelector('#board-late `+sel+`')`)
		ev := lastEvent(t, annc)
		if got := eval[string](mgr, `document.querySelector('`+sel+`').dataset.lateMinutes`); got != strconv.Itoa(ev.LateMinutes) {
			t.Errorf("board late minutes = %s, want %d", got, ev.LateMinutes)
		}
		if got := mgr.text(sel + ` [data-testid="late-minutes"]`); got != fmt.Sprintf("%d min late", ev.LateMinutes) {
			t.Errorf("board badge = %q, want %q", got, fmt.Sprintf("%d min late", ev.LateMinutes))
		}
		if got, _ := strconv.Atoi(mgr.text("#board-count-late")); got != lateBefore+1 {
			t.Errorf("#board-count-late = %d, want %d", got, lateBefore+1)
		}
		if !strings.Contains(mgr.text(fmt.Sprintf(`[data-testid="board-in-%d"]`, ann.ID)), "Ann Lee") {
			t.Errorf("Ann is not in the board's 'In now' list")
		}

		id := mgr.wait("a late_arrival notification about Ann", `(() => {
			const n = [...document.querySelectorAll('#notifications [data-kind="late_arrival"]')]
				.find((n) => n.textContent.includes('Ann Lee') && !`+fmt.Sprint(jsonInts(before.IDs))+`.includes(Number(n.dataset.id)));
			return n ? Number(n.dataset.id) : 0;
		})()`)
		note := mgr.text(fmt.Sprintf(`[data-testid="notification-%s"] .feed-message`, id))
		if want := fmt.Sprintf("Ann Lee clocked in %d minutes late", ev.LateMinutes); note != want {
			t.Errorf("notification = %q, want %q", note, want)
		}
		after := eval[feedState](mgr, feedJS)
		if after.Unread < before.Unread+1 {
			t.Errorf("#unread-count = %d, was %d: want it incremented", after.Unread, before.Unread)
		}
		if gotNew, wantNew := after.Unread-before.Unread, after.UnreadItems-before.UnreadItems; gotNew != wantNew {
			t.Errorf("#unread-count went up by %d, but %d unread notifications arrived", gotNew, wantNew)
		}
		if !eval[bool](mgr, `window.noReload === true`) {
			t.Errorf("the manager's page reloaded")
		}
	})

	// An employee's own clock-in is shown as it came; only a manager's
	// correction, which may fall anywhere in the day, has the dashboard ask
	// the server for the row (a morning of clock-ins would otherwise send
	// every open dashboard to the server once an event).
	t.Run("BoardAsksOnlyAfterCorrections", func(t *testing.T) {
		mgr := mgr.in(t)
		time.Sleep(2 * time.Second) // the dashboard asks 1.2 s after an event it does not trust
		if asked := eval[[]int64](mgr, `window.rowsAsked`); slices.Contains(asked, ann.ID) {
			t.Errorf("the dashboard asked for Ann's row after her own clock-in (rows asked: %v)", asked)
		}
		chloe := w.people["chloe"]
		w.mgr.record(chloe.ID, "exit", time.Now().Add(-5*time.Minute))
		mgr.wait("Chloe among those who left", fmt.Sprintf(`document.querySelector('#board-left [data-testid="board-left-%d"]')`, chloe.ID))
		mgr.wait("the dashboard asking for Chloe's row", fmt.Sprintf(`window.rowsAsked.includes(%d)`, chloe.ID))
	})

	// A live event that comes while the board is loading is not lost when
	// the rows, read before it, arrive: here the rows' answer is held back
	// until Eva has clocked in.
	t.Run("EventDuringBoardLoad", func(t *testing.T) {
		mgr := mgr.in(t)
		eva := w.people["eva"]
		eval[chromedp.Void](mgr, `(() => {
			const f = window.fetch;
			window.rowsRead = false;
			window.rowsGate = new Promise((open) => { window.openRows = open; });
			window.fetch = async function (input) {
				const res = await f.apply(this, arguments);
				const u = new URL(String(input && input.url || input), location.href);
				if (u.pathname === '/api/attendance/today/' && !u.searchParams.has('employee_id')) {
					window.rowsRead = true;
					await window.rowsGate;
				}
				return res;
			};
		})()`)
		mgr.click("#board-refresh")
		mgr.wait("the board's rows read", `window.rowsRead === true`)
		evac := login(t, srv.URL(), "eva", password)
		evac.mustDo("POST", "/api/attendance/", map[string]any{"type": "entry"}, http.StatusCreated, nil)
		time.Sleep(500 * time.Millisecond) // the live event reaches the page meanwhile
		eval[chromedp.Void](mgr, `window.openRows()`)
		mgr.wait("Eva in now", fmt.Sprintf(`document.querySelector('#board-in [data-testid="board-in-%d"]')`, eva.ID))
	})

	var leaveID int64
	if !t.Run("LeaveRequestApproved", func(t *testing.T) {
		emp, mgr := emp.in(t), mgr.in(t)
		emp.setValue("#leave-type", "annual")
		emp.setValue("#leave-start", w.leaveFrom)
		emp.setValue("#leave-end", w.leaveTo)
		emp.setValue("#leave-reason", "Trip to Lisbon")
		emp.wait("the leave cost", `document.getElementById('leave-cost').dataset.days === '4'`)
		if got := emp.text("#leave-cost"); got != "4 working days" {
			t.Errorf("#leave-cost = %q, want %q (Monday to Friday, minus the holiday on %s)", got, "4 working days", w.holiday)
		}
		emp.click("#leave-submit")
		emp.wait("the request in my requests", `document.querySelector('#my-requests tr[data-status="pending"]')`)
		if msg := emp.text("#leave-error"); msg != "" {
			t.Fatalf("#leave-error = %q", msg)
		}
		// The form starts over, saying what was sent, not that its dates
		// now overlap the request.
		if got := emp.text("#leave-success"); !strings.Contains(got, "4 working days") || !strings.Contains(got, "waiting for approval") {
			t.Errorf("#leave-success = %q, want the 4 days sent, waiting for approval", got)
		}
		emp.wait("the form empty again", `document.getElementById('leave-start').value === '' &&
			document.getElementById('leave-cost-hint').textContent === 'Choose the first and the last day.'`)
		var mine struct {
			Results []struct {
				ID        int64   `json:"id"`
				StartDate string  `json:"start_date"`
				Days      float64 `json:"days"`
				Status    string  `json:"status"`
			} `json:"results"`
		}
		annc.mustDo("GET", "/api/leaves/", nil, http.StatusOK, &mine)
		if len(mine.Results) == 0 || mine.Results[0].StartDate != w.leaveFrom || mine.Results[0].Days != w.leaveDays {
			t.Fatalf("server has %+v, want a request from %s costing %g days", mine.Results, w.leaveFrom, w.leaveDays)
		}
		leaveID = mine.Results[0].ID

		approve := fmt.Sprintf(`[data-testid="approve-%d"]`, leaveID)
		mgr.wait("the request in the manager's pending leave", `document.querySelector('#pending-leave `+approve+`')`)
		if row := mgr.text(fmt.Sprintf(`[data-testid="pending-row-%d"]`, leaveID)); !strings.Contains(row, "Ann Lee") || !strings.Contains(row, "Trip to Lisbon") {
			t.Errorf("pending row = %q, want Ann Lee's request with its reason", row)
		}
		// The dashboard previews what awaits Maria, linking to the approvals page.
		awaiting := fmt.Sprintf(`[data-testid="awaiting-%d"]`, leaveID)
		mgr.wait("Ann's request awaiting Maria", `document.querySelector('#awaiting:not([hidden]) `+awaiting+`')`)
		if got := mgr.text(awaiting); !strings.Contains(got, "Ann Lee") || !strings.Contains(got, "annual leave") {
			t.Errorf("awaiting item = %q, want Ann Lee's annual leave", got)
		}
		if href := eval[string](mgr, `document.querySelector('`+awaiting+` a').getAttribute('href')`); href != "#/approvals" {
			t.Errorf("awaiting item links to %q, want #/approvals", href)
		}
		mgr.click(approve)
		mgr.wait("the approved request to leave the pending list", fmt.Sprintf(`!document.querySelector('[data-testid="pending-row-%d"]')`, leaveID))
		mgr.wait("the approved request to leave the preview", `!document.querySelector('`+awaiting+`')`)

		emp.wait("the approval on the employee's page", fmt.Sprintf(`document.querySelector('[data-testid="leave-row-%d"]')?.dataset.status === 'approved'`, leaveID))
		if got := emp.text(fmt.Sprintf(`[data-testid="leave-row-%d"] [data-testid="leave-status"]`, leaveID)); got != "Approved" {
			t.Errorf("status = %q, want Approved", got)
		}
		emp.wait("the balance to count the approved days", `document.getElementById('balance-used').textContent.trim() === '4' || Number(document.getElementById('balance-year').textContent) !== `+strconv.Itoa(mustAtoi(w.leaveFrom[:4])))
	}) {
		t.FailNow()
	}

	// The buttons are the server's: Ann may cancel her approved leave that
	// has not started (can_cancel); Maria's own request waits in her pending
	// list with its buttons off (can_decide), and what it costs is the
	// server's preview.
	t.Run("ServerSaysWhatMayBeDone", func(t *testing.T) {
		emp, mgr := emp.in(t), mgr.in(t)
		emp.wait("Ann's cancel button", fmt.Sprintf(`document.querySelector('[data-testid="cancel-leave-%d"]')`, leaveID))
		mgr.setValue("#leave-type", "annual")
		mgr.setValue("#leave-start", w.leaveFrom)
		mgr.setValue("#leave-end", w.leaveFrom)
		mgr.wait("the server's cost", `document.getElementById('leave-cost').dataset.days === '1'`)
		if got := mgr.text("#leave-cost-hint"); !strings.Contains(got, "of annual leave left after this") {
			t.Errorf("#leave-cost-hint = %q, want the preview's remaining days", got)
		}
		mgr.click("#leave-submit")
		mgr.wait("Maria's request in her requests", `document.querySelector('#my-requests tr[data-status="pending"]')`)
		var mine struct {
			Results []struct {
				ID int64 `json:"id"`
			} `json:"results"`
		}
		w.mgr.mustDo("GET", "/api/leaves/?status=pending", nil, http.StatusOK, &mine)
		if len(mine.Results) == 0 {
			t.Fatal("Maria has no pending request")
		}
		id := mine.Results[0].ID
		mgr.wait("her own request locked in her pending list", fmt.Sprintf(`document.querySelector('[data-testid="locked-%d"]')`, id))
		if !eval[bool](mgr, fmt.Sprintf(`document.querySelector('[data-testid="approve-%d"]').disabled`, id)) {
			t.Errorf("Maria may press approve on her own request")
		}
		mgr.wait("her cancel button", fmt.Sprintf(`document.querySelector('[data-testid="cancel-leave-%d"]')`, id))
		mgr.click(fmt.Sprintf(`[data-testid="cancel-leave-%d"]`, id))
		mgr.wait("her request cancelled", fmt.Sprintf(`document.querySelector('[data-testid="leave-row-%d"]')?.dataset.status === 'cancelled'`, id))
		if eval[bool](mgr, fmt.Sprintf(`!!document.querySelector('[data-testid="cancel-leave-%d"]')`, id)) {
			t.Errorf("a cancelled request still offers Cancel")
		}
	})

	if shots {
		emp.wait("the leave_decided notification", `document.querySelector('#notifications [data-kind="leave_decided"]')`)
		emp.screenshot(filepath.Join("..", "docs", "screenshots", "employee-desktop.png"), 1280, 800, false)
		emp.screenshot(filepath.Join("..", "docs", "screenshots", "employee-phone.png"), 390, 844, true)
	}

	t.Run("RefusedRequestShowsServerWords", func(t *testing.T) {
		next := strconv.Itoa(w.today.Year() + 1)
		cases := []struct {
			name       string
			start, end string
			code       string
			field      string // the field named in words, for a field error
		}{
			{"EndBeforeStart", next + "-03-12", next + "-03-09", "", "Last day"},
			{"OverBalance", next + "-02-01", next + "-03-31", "insufficient_balance", ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				emp := emp.in(t)
				body := map[string]any{"leave_type": "annual", "start_date": tc.start, "end_date": tc.end, "half_day": false, "reason": ""}
				p := annc.problem("POST", "/api/leaves/request/", body, http.StatusUnprocessableEntity)
				if tc.code != "" && p.Code != tc.code {
					t.Fatalf("server code = %q, want %q", p.Code, tc.code)
				}
				emp.setValue("#leave-type", "annual")
				emp.setValue("#leave-start", tc.start)
				emp.setValue("#leave-end", tc.end)
				emp.setValue("#leave-reason", "")
				// The server's words: its detail (said once: it often repeats
				// a field's message) and each field message with the field
				// named in words.
				var want []string
				repeated := false
				for _, e := range p.Errors {
					if tc.field != "" {
						want = append(want, tc.field+": "+e.Message)
					} else {
						want = append(want, e.Message)
					}
					repeated = repeated || strings.EqualFold(e.Message, p.Detail)
				}
				if !repeated {
					want = append(want, p.Detail)
				}
				emp.click("#leave-submit")
				emp.wait("the server's words in #leave-error", fmt.Sprintf(`document.getElementById('leave-error').textContent.includes(%s)`, jsString(want[0])))
				shown := emp.text("#leave-error")
				for _, w := range want {
					if !strings.Contains(shown, w) {
						t.Errorf("#leave-error = %q, want it to contain the server's %q", shown, w)
					}
				}
				if strings.Count(shown, p.Detail) > 1 {
					t.Errorf("#leave-error = %q says %q twice", shown, p.Detail)
				}
				if strings.Contains(shown, ".js:") {
					t.Errorf("#leave-error shows a stack: %q", shown)
				}
				invalid := eval[string](emp, `document.getElementById('leave-end').getAttribute('aria-invalid') || ''`)
				if (tc.field != "") != (invalid == "true") {
					t.Errorf("#leave-end aria-invalid = %q; the error is about the field: %v", invalid, tc.field != "")
				}
				if n := eval[int](emp, `document.querySelectorAll('#my-requests tbody tr[data-status]').length`); n != 1 {
					t.Errorf("#my-requests has %d requests after a refused one, want 1", n)
				}
			})
		}
	})

	t.Run("Overview", func(t *testing.T) {
		mgr := mgr.in(t)
		var ov struct {
			Count   int           `json:"count"`
			Results []overviewRow `json:"results"`
			Totals  overviewRow   `json:"totals"`
		}
		w.mgr.mustDo("GET", "/api/attendance/overview/?limit=500&from="+w.weekFrom+"&to="+w.weekTo, nil, http.StatusOK, &ov)

		mgr.setValue("#overview-from", w.weekFrom)
		mgr.setValue("#overview-to", w.weekTo)
		mgr.click("#overview-load")
		mgr.wait("the week's overview", fmt.Sprintf(`document.getElementById('overview-table').dataset.from === %q && document.getElementById('overview-table').dataset.to === %q && !document.getElementById('overview-table').hasAttribute('aria-busy')`, w.weekFrom, w.weekTo))

		rows := eval[[]int64](mgr, `[...document.querySelectorAll('#overview-table tbody tr[data-employee-id]')].map((r) => Number(r.dataset.employeeId))`)
		if len(rows) != ov.Count || ov.Count != len(w.people) {
			t.Fatalf("table has %d rows, the API %d, the company %d people", len(rows), ov.Count, len(w.people))
		}
		totals := mgr.text(`#overview-table tfoot [data-testid="overview-totals"]`)
		if !strings.Contains(totals, fmt.Sprintf("Total (%d employees)", ov.Count)) || !strings.Contains(totals, formatNum(ov.Totals.WorkedHours)) {
			t.Errorf("totals row = %q, want %d employees and %s hours", totals, ov.Count, formatNum(ov.Totals.WorkedHours))
		}
		bars := eval[map[string]int](mgr, `({
			inner: document.querySelectorAll('#overview-chart svg').length,
			hours: document.querySelectorAll('#overview-chart svg rect.bar-hours').length,
			wide: [...document.querySelectorAll('#overview-chart svg rect.bar-hours')].filter((r) => r.getBBox().width > 2).length,
			late: document.querySelectorAll('#overview-chart svg rect.bar-late').length,
		})`)
		worked := 0
		for _, r := range ov.Results {
			if r.WorkedHours > 0 {
				worked++
			}
		}
		if bars["inner"] != 1 || bars["hours"] != len(rows)+1 || bars["late"] != len(rows)+1 || bars["wide"] < worked {
			// +1: the legend's swatch.
			t.Errorf("chart = %v, want an inner svg and a bar of each kind per employee (+ legend), %d with hours", bars, worked)
		}

		// Sorting by a header changes the order.
		byName := slices.Clone(ov.Results)
		slices.SortStableFunc(byName, func(a, b overviewRow) int { return strings.Compare(a.Name, b.Name) })
		if got, want := rows, ids(byName); !slices.Equal(got, want) {
			t.Errorf("first order = %v, want by name %v", got, want)
		}
		mgr.click(`#overview-table th [data-sort="worked_hours"]`)
		mgr.wait("the table sorted by hours", `document.querySelector('#overview-table th[data-key="worked_hours"]').getAttribute('aria-sort') === 'descending'`)
		sorted := eval[[]int64](mgr, `[...document.querySelectorAll('#overview-table tbody tr[data-employee-id]')].map((r) => Number(r.dataset.employeeId))`)
		byHours := slices.Clone(byName)
		slices.SortStableFunc(byHours, func(a, b overviewRow) int {
			if a.WorkedHours != b.WorkedHours {
				if a.WorkedHours > b.WorkedHours {
					return -1
				}
				return 1
			}
			return 0
		})
		if want := ids(byHours); !slices.Equal(sorted, want) || slices.Equal(sorted, rows) {
			t.Errorf("after sorting by hours: %v, want %v (was %v)", sorted, want, rows)
		}
		chartFirst := eval[string](mgr, `document.querySelector('#overview-chart svg text.chart-label title')?.textContent || ''`)
		if chartFirst != byHours[0].Name {
			t.Errorf("chart's first bar is %q, want %q (the table's order)", chartFirst, byHours[0].Name)
		}

		if shots {
			mgr.screenshot(filepath.Join("..", "docs", "screenshots", "manager-desktop.png"), 1280, 800, false)
			mgr.screenshot(filepath.Join("..", "docs", "screenshots", "manager-phone.png"), 390, 844, true)
		}

		// The CSV download: the browser saves the file; it must hold what
		// the API gives for the same URL.
		dir := t.TempDir()
		bctx := chromedp.FromContext(mgr.ctx).BrowserContextID
		events := chromedp.BrowserEvents(mgr.ctx, cdpbrowser.DownloadProgress)
		on := true
		if _, err := chromedp.CallBrowser(mgr.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: bctx, DownloadPath: dir, EventsEnabled: &on,
		}); err != nil {
			t.Fatalf("set download behavior: %v", err)
		}
		mark := len(b.Requests())
		mgr.click("#overview-csv")
		saved := waitDownload(t, mgr.ctx, events)
		file, err := os.ReadFile(filepath.Join(dir, saved))
		if err != nil {
			t.Fatalf("read the download: %v", err)
		}
		var csvURL string
		for _, r := range b.Requests()[mark:] {
			if strings.Contains(r.URL, "/api/attendance/overview/") && strings.Contains(r.URL, "format=csv") {
				csvURL = r.URL
				if auth, _ := r.Headers["Authorization"].(string); !hasPrefixFold(auth, "Bearer ") {
					t.Errorf("the CSV request has no Authorization header: %v", r.Headers)
				}
			}
		}
		if csvURL == "" {
			t.Fatalf("no CSV request seen")
		}
		token, _ := mgr.session()
		path := strings.TrimPrefix(csvURL, srv.URL())
		body, ctype := (&apiClient{t: t, base: srv.URL(), token: token}).getText(path)
		if !strings.HasPrefix(ctype, "text/csv") {
			t.Errorf("CSV content type = %q", ctype)
		}
		if !bytes.Equal(file, []byte(body)) {
			t.Errorf("the downloaded file differs from GET %s:\n%s\nvs\n%s", path, file, body)
		}
		recs, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
		if err != nil {
			t.Fatalf("parse the CSV: %v\n%s", err, file)
		}
		if len(recs) != ov.Count+1 {
			t.Fatalf("CSV has %d lines, want a header and %d rows", len(recs), ov.Count)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, want := range []string{"employee_id", "name", "worked_hours", "late_entries"} {
			if _, ok := col[want]; !ok {
				t.Errorf("CSV header %v has no %s", recs[0], want)
			}
		}
		hours := map[string]string{}
		for _, r := range recs[1:] {
			hours[r[col["name"]]] = r[col["worked_hours"]]
		}
		for _, r := range ov.Results {
			if got, _ := strconv.ParseFloat(hours[r.Name], 64); got != r.WorkedHours {
				t.Errorf("CSV hours of %s = %q, want %g", r.Name, hours[r.Name], r.WorkedHours)
			}
		}
	})

	viewTests(t, b, srv, w, mgr, shots)
	settingsTests(t, b, srv, mgr)
	approvalTests(t, b, srv, w, mgr)
	shiftTests(t, w, mgr)
	correctionTests(t, b, srv, w, mgr)
	pageRulesTests(t, b, srv, w, mgr)

	t.Run("Accessibility", func(t *testing.T) {
		for _, tb := range []*tab{mgr.in(t), emp.in(t)} {
			for _, p := range eval[[]string](tb, a11yJS) {
				t.Errorf("%s's page: %s", tb.name, p)
			}
		}
	})

	t.Run("ConnectionDropAndRecovery", func(t *testing.T) {
		mgr := mgr.in(t)
		mgr.waitLive()
		srv.Stop(t)
		mgr.wait("the drop", `['reconnecting', 'offline'].includes(document.getElementById('connection-status').dataset.state)`)
		mgr.wait("the banner about the drop", `!document.getElementById('connection-banner').hidden && /dropped/.test(document.getElementById('connection-message').textContent)`)
		if got := mgr.text("#connection-status"); got != "Reconnecting…" && got != "Offline" {
			t.Errorf("#connection-status = %q, want it to say it is reconnecting", got)
		}
		srv.Start(t)
		mgr.waitLive()
		mgr.wait("the banner about the recovery", `!document.getElementById('connection-banner').hidden && /back/.test(document.getElementById('connection-message').textContent)`)
		emp.in(t).waitLive()
		keepTokens(mgr)
		keepTokens(emp)
	})

	// A page that saw more notifications than the server now has (its
	// database was restored from a backup) starts again from where the
	// server's ready says, so a notification made while it was away comes
	// when it reconnects.
	t.Run("LiveConnectionAheadOfServer", func(t *testing.T) {
		mgr := mgr.in(t)
		eval[chromedp.Void](mgr, `import('./ws.js').then((m) => {
			const token = sessionStorage.getItem('attendance.token');
			window.ahead = { ready: 0, got: [] };
			window.ahead.conn = new m.LiveConnection({
				getToken: () => token,
				refresh: async () => 'denied',
				onAuthFailed: () => {},
				onReady: () => { window.ahead.ready++; },
				onNotification: (n) => window.ahead.got.push(Number(n.id)),
			});
			window.ahead.conn.start(1e12);
		})`)
		mgr.wait("the connection ready", `window.ahead.ready === 1`)
		if last := eval[float64](mgr, `window.ahead.conn.lastId`); last >= 1e12 {
			t.Fatalf("lastId after ready = %v: the page still asks for ids the server does not have", last)
		}
		eval[chromedp.Void](mgr, `window.ahead.conn.stop()`)
		chloec := login(t, srv.URL(), "chloe", password)
		var req struct {
			ID int64 `json:"id"`
		}
		next := time.Now().In(w.loc).AddDate(0, 2, 0)
		for next.Weekday() != time.Wednesday { // a working day in any week the seed uses
			next = next.AddDate(0, 0, 1)
		}
		chloec.mustDo("POST", "/api/leaves/request/", map[string]any{
			"leave_type": "unpaid", "start_date": day(next), "end_date": day(next), "reason": "Dentist",
		}, http.StatusCreated, &req)
		t.Cleanup(func() { chloec.mustDo("POST", fmt.Sprintf("/api/leaves/%d/cancel/", req.ID), nil, http.StatusOK, nil) })
		eval[chromedp.Void](mgr, `window.ahead.conn.start()`)
		mgr.wait("the connection ready again", `window.ahead.ready === 2`)
		mgr.wait("the notification of Chloe's request, replayed", `window.ahead.got.length > 0`)
		eval[chromedp.Void](mgr, `window.ahead.conn.stop()`)
	})

	t.Run("SignOut", func(t *testing.T) {
		emp := emp.in(t)
		token, _ := emp.session()
		emp.click("#logout")
		emp.wait("the login form", `!document.getElementById('login-view').hidden && document.getElementById('app-view').hidden`)
		if n := eval[int](emp, `sessionStorage.length`); n != 0 {
			t.Errorf("sessionStorage has %d items after sign-out: %s", n, eval[string](emp, `JSON.stringify(sessionStorage)`))
		}
		if got := emp.text("#login-notice"); got != "You are signed out." {
			t.Errorf("#login-notice = %q", got)
		}
		emp.wait("the focus on the username field", `document.activeElement && document.activeElement.id === 'login-username'`)
		if err := (&apiClient{t: t, base: srv.URL(), token: token}).do("GET", "/api/users/me/", nil, http.StatusUnauthorized, nil); err != nil {
			t.Errorf("the signed-out token still works: %v", err)
		}
	})

	t.Run("SwaggerUI", func(t *testing.T) {
		// Swagger UI renders the whole API from the embedded assets, with no
		// request leaving the server (the browser here has no internet either).
		tb := b.newTab(t, "swagger")
		mark := len(b.Requests())
		tb.do("open /swagger", chromedp.Navigate(srv.URL()+"/swagger"))
		tb.wait("the API title", `document.querySelector('.swagger-ui .info .title')?.textContent.includes('Attendance API')`)
		tb.wait("the operations", `document.querySelectorAll('.swagger-ui .opblock').length >= 25`)
		if got := eval[string](tb, `location.pathname`); got != "/swagger/" {
			t.Errorf("/swagger landed on %q, want /swagger/", got)
		}
		for _, r := range b.Requests()[mark:] {
			if r.Tab == "swagger" && !strings.HasPrefix(r.URL, srv.URL()+"/") && !strings.HasPrefix(r.URL, "data:") {
				t.Errorf("Swagger UI requested %s %s, off the server", r.Method, r.URL)
			}
		}
	})

	t.Run("TokenNeverInURL", func(t *testing.T) {
		jwt := regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}`)
		var api, ws int
		bad := map[string]bool{}
		for _, r := range b.Requests() {
			if strings.Contains(r.URL, "/api/") {
				api++
			}
			if strings.Contains(r.URL, "/ws/notifications/") {
				ws++
			}
			leak := jwt.MatchString(r.URL) || strings.Contains(strings.ToLower(r.URL), "token=")
			for tok := range tokens {
				leak = leak || strings.Contains(r.URL, tok)
			}
			if leak && !bad[r.URL] {
				bad[r.URL] = true
				t.Errorf("%s requested a URL with a token in it: %s %.160s", r.Tab, r.Method, r.URL)
			}
		}
		if api < 20 || ws < 2 || len(tokens) < 4 {
			t.Errorf("saw %d API requests, %d WebSockets and %d tokens: the network log is not working", api, ws, len(tokens))
		}
	})

	t.Logf("browser suite took %v", time.Since(began).Round(time.Millisecond))
}

// a11yJS lists what a screen-reader or keyboard user would miss on the
// page as it is: controls and buttons with no accessible name, references to
// missing ids, duplicate ids, images with no alt text.
const a11yJS = `(() => {
	const problems = [];
	const seen = new Set();
	for (const n of document.querySelectorAll('[id]')) {
		if (seen.has(n.id)) problems.push('duplicate id #' + n.id);
		seen.add(n.id);
	}
	const shown = (n) => n.getClientRects().length > 0;
	const byIds = (ids) => (ids || '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
	const name = (n) => (n.getAttribute('aria-label') || '').trim() || byIds(n.getAttribute('aria-labelledby'))
		|| [...(n.labels || [])].map((l) => l.textContent).join(' ').trim();
	const what = (n) => n.id ? '#' + n.id : n.outerHTML.slice(0, 100);
	for (const n of document.querySelectorAll('input, select, textarea')) {
		if (n.type !== 'hidden' && shown(n) && !name(n)) problems.push('no label for ' + what(n));
	}
	for (const n of document.querySelectorAll('button, a[href], summary')) {
		if (shown(n) && !(name(n) || n.textContent.trim())) problems.push('no accessible name for ' + what(n));
	}
	for (const n of document.querySelectorAll('[aria-labelledby], [aria-describedby], label[for]')) {
		const ids = [n.getAttribute('aria-labelledby'), n.getAttribute('aria-describedby'), n.getAttribute('for')].join(' ');
		for (const id of ids.split(/\s+/).filter(Boolean)) {
			if (!document.getElementById(id)) problems.push(what(n) + ' refers to a missing #' + id);
		}
	}
	for (const n of document.querySelectorAll('img')) if (!n.hasAttribute('alt')) problems.push('no alt on ' + what(n));
	return problems;
})()`

// waitDownload waits for a download to complete and returns its file name.
func waitDownload(t *testing.T, ctx context.Context, events iter.Seq2[cdpbrowser.EventDownloadProgress, error]) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	done := make(chan string, 1)
	go func() {
		defer close(done)
		for ev, err := range events {
			if err != nil || ctx.Err() != nil {
				return
			}
			if ev.State == cdpbrowser.DownloadProgressStateCompleted {
				done <- ev.GUID
				return
			}
		}
	}()
	select {
	case guid, ok := <-done:
		if !ok {
			t.Fatalf("the download did not complete")
		}
		return guid
	case <-ctx.Done():
		t.Fatalf("no download within %v", waitTimeout)
		return ""
	}
}

func ids(rows []overviewRow) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.EmployeeID
	}
	return out
}

func jsonInts(v []int64) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.FormatInt(n, 10)
	}
	return "[" + strings.Join(s, ",") + "]"
}

// formatNum writes n as the page does in English: at most two decimals.
func formatNum(n float64) string {
	s := strconv.FormatFloat(n, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + "," + whole[i:]
	}
	if frac != "" {
		return whole + "." + frac
	}
	return whole
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}
